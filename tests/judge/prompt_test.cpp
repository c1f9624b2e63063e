// Judge prompts: the reference's templates filled with Python str.format semantics.
#include <gtest/gtest.h>

#include "common/error.h"
#include "judge/judge_prompt.h"
#include "judge/prompt_texts.h"
#include "judge/python_format.h"

namespace rb::judge {
namespace {

eval::Messages conversation(std::initializer_list<const char*> turns) {
  eval::Messages messages;
  bool user = true;
  for (const char* content : turns) {
    messages.push_back({user ? "user" : "assistant", content});
    user = !user;
  }
  return messages;
}

TEST(PythonFormat, FieldsAndDoubledBraces) {
  EXPECT_EQ(python_format("a {x} {{y}} }}{{", {{"x", "1"}}), "a 1 {y} }{");
  // A value is inserted verbatim, braces and all.
  EXPECT_EQ(python_format("{x}", {{"x", "{x}"}}), "{x}");
  EXPECT_THROW(python_format("{missing}", {}), InputError);
  EXPECT_THROW(python_format("a } b", {}), InputError);
  EXPECT_THROW(python_format("a { b", {}), InputError);
}

TEST(JudgePrompt, DefaultPairPromptIsMtBenchPairV2) {
  const ChatPrompt prompt = build_pair_prompt(PromptStyle::kMtBench, conversation({"Q?", "first"}),
                                              conversation({"Q?", "second"}));
  EXPECT_EQ(prompt.user,
            "[User Question]\nQ?\n\n[The Start of Assistant A's Answer]\nfirst\n[The End of Assistant A's Answer]\n\n"
            "[The Start of Assistant B's Answer]\nsecond\n[The End of Assistant B's Answer]");
  EXPECT_EQ(prompt.system.rfind("Please act as an impartial judge and evaluate the quality of the responses provided "
                                "by two AI assistants to the user question displayed below. ", 0),
            0u);
  // The tie option [[C]] was removed from the reference's prompt.
  EXPECT_NE(prompt.system.find("\"[[A]]\" if assistant A is better, \"[[B]]\" if assistant B is better."), std::string::npos);
  EXPECT_EQ(prompt.system.find("[[C]]"), std::string::npos);
}

TEST(JudgePrompt, MultiTurnTakesSecondQuestionFromAnswerA) {
  const ChatPrompt prompt = build_pair_prompt(PromptStyle::kMtBench, conversation({"q1", "a1", "q2", "a2"}),
                                              conversation({"q1", "b1", "q2x", "b2"}));
  EXPECT_EQ(prompt.user,
            "<|The Start of Assistant A's Conversation with User|>\n\n### User:\nq1\n\n### Assistant A:\na1\n\n"
            "### User:\nq2\n\n### Assistant A:\na2\n\n<|The End of Assistant A's Conversation with User|>\n\n\n"
            "<|The Start of Assistant B's Conversation with User|>\n\n### User:\nq1\n\n### Assistant B:\nb1\n\n"
            "### User:\nq2\n\n### Assistant B:\nb2\n\n<|The End of Assistant B's Conversation with User|>");
  EXPECT_NE(prompt.system.find("You should focus on who provides a better answer to the second user question."),
            std::string::npos);
  EXPECT_THROW(build_pair_prompt(PromptStyle::kPrometheus, conversation({"q1", "a1", "q2", "a2"}),
                                 conversation({"q1", "b1", "q2", "b2"})),
               InputError);
}

TEST(JudgePrompt, GeminiHasNoSystemAndAPreamble) {
  const ChatPrompt prompt =
      build_pair_prompt(PromptStyle::kGemini, conversation({"Q", "x"}), conversation({"Q", "y"}));
  EXPECT_TRUE(prompt.system.empty());
  EXPECT_EQ(prompt.user.rfind(std::string(prompts::kPairGeminiPreamble) + "[User Question]\nQ\n", 0), 0u);
  EXPECT_NE(std::string(prompts::kPairGeminiPreamble).find("Omit any other output.\n"), std::string::npos);
}

TEST(JudgePrompt, ModelSpecificStyles) {
  EXPECT_EQ(prompt_style_for_model("prometheus-eval/prometheus-7b-v2.0"), PromptStyle::kPrometheus);
  EXPECT_EQ(prompt_style_for_model("NCSOFT/Llama-3-OffsetBias-8B"), PromptStyle::kOffsetBias);
  EXPECT_EQ(prompt_style_for_model("AtlaAI/Selene-1-Mini-Llama-3.1-8B"), PromptStyle::kAtla);
  EXPECT_EQ(prompt_style_for_model("ZiyiYe/Con-J-Qwen2-7B"), PromptStyle::kConJ);
  EXPECT_EQ(prompt_style_for_model("R-I-S-E/RISE-Judge-Qwen2.5-7B"), PromptStyle::kRiseJudge);
  EXPECT_EQ(prompt_style_for_model("gemini-1.5-pro-001"), PromptStyle::kGemini);
  EXPECT_EQ(prompt_style_for_model("gpt-4o-2024-08-06"), PromptStyle::kMtBench);

  const auto a = conversation({"Q", "x"}), b = conversation({"Q", "y"});
  const ChatPrompt offset = build_pair_prompt(PromptStyle::kOffsetBias, a, b);
  EXPECT_TRUE(offset.system.empty());
  EXPECT_NE(offset.user.find("# Instruction:\nQ\n# Output (a):\nx\n# Output (b):\ny\n# Which is better"), std::string::npos);

  const ChatPrompt con_j = build_pair_prompt(PromptStyle::kConJ, a, b);
  // {{...}} in the template becomes literal braces; the \n escape inside the triple quotes is a newline.
  EXPECT_NE(con_j.user.find("例如{\"原因\": \"你的解释\", \"更好的回答\": 1}。"), std::string::npos);
  EXPECT_NE(con_j.user.find("：\n    \n问题：Q\n回答1：x\n回答2：y"), std::string::npos);

  const ChatPrompt prometheus = build_pair_prompt(PromptStyle::kPrometheus, a, b);
  EXPECT_EQ(prometheus.user.rfind("\n###Task Description:\n", 0), 0u);
  EXPECT_NE(prometheus.user.find("###Response A:\nx\n\n###Response B:\ny\n\n###Score Rubric:\n\n[Is the given"),
            std::string::npos);
  EXPECT_EQ(prometheus.user.substr(prometheus.user.size() - 13), "###Feedback: ");

  const ChatPrompt atla = build_pair_prompt(PromptStyle::kAtla, a, b);
  EXPECT_NE(atla.user.find("Instruction:\n```\nQ\n```\n\nResponse A:\n```\nx\n```\n\nResponse B:\n```\ny\n```"),
            std::string::npos);
}

TEST(JudgePrompt, FourWayAndRatings) {
  const ChatPrompt four = build_four_prompt(PromptStyle::kMtBench, "Q", {"a", "b", "c", "d"});
  EXPECT_EQ(four.user,
            "[User Question]\nQ\n\n[The Start of Assistant A's Answer]\na\n[The End of Assistant A's Answer]\n\n"
            "[The Start of Assistant B's Answer]\nb\n[The End of Assistant B's Answer]\n\n"
            "[The Start of Assistant C's Answer]\nc\n[The End of Assistant C's Answer]\n\n"
            "[The Start of Assistant D's Answer]\nd\n[The End of Assistant D's Answer]");
  EXPECT_NE(four.system.find("\"[[C]]\" if assistant C is best, and \"[[D]]\" if assistant D is best."), std::string::npos);

  const ChatPrompt rating = build_rating_prompt("Q", "A", false);
  EXPECT_TRUE(rating.system.empty());
  EXPECT_EQ(rating.user.rfind("\n### Task Description\nPlease act as an impartial judge", 0), 0u);
  EXPECT_NE(rating.user.find("\n\n[Query]\nQ\n\n[Response]\nA\n\n[Your judgement]"), std::string::npos);
  EXPECT_NE(rating.user.find("depth, creativity, and level of detail of the response."), std::string::npos);
  const ChatPrompt ties = build_rating_prompt("Q", "A", true);
  EXPECT_NE(ties.user.find("helpfulness, relevance, and accuracy of the response, but need not consider depth or level "
                           "of detail of the response."),
            std::string::npos);
}

}  // namespace
}  // namespace rb::judge
