// Judge prompts: the reference's templates filled with Python str.format semantics.
#include <gtest/gtest.h>

#include "common/error.h"
#include "judge/judge_prompt.h"
#include "judge/prompt_texts.h"
#include "judge/python_format.h"
#include "common/sha256.h"

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

// SHA-256 of each prompt as Python evaluates the reference's string literals (rewardbench/
// generative.py at 2560a78, generative_v2.py at 22d19c5): any edit of a prompt text fails here.
TEST(PromptTexts, MatchTheReferenceStringsExactly) {
  struct Expected {
    const char* name;
    const char* text;
    const char* sha256;
  };
  const Expected expected[] = {
      {"kPairSystem", prompts::kPairSystem, "c3fbb61119533727d0d82252b8b3201a9bbcfc7ca0d5eb1a0dfc85266d4a6c00"},
      {"kPairGeminiPreamble", prompts::kPairGeminiPreamble, "c55a9cd22b7325d36de6f9ce6814cf61839014d12fa4cf522ace9f959b0cd1de"},
      {"kPairMultiTurnSystem", prompts::kPairMultiTurnSystem, "4a39e7ba8e571456edd995fff0a3ae016a10e97f00018b60c54577016df9869d"},
      {"kPairTemplate", prompts::kPairTemplate, "22f93e573bf9343e52c3dd0a36b1a033a47a6dc0045ab3d40357da8d3c613d57"},
      {"kPairMultiTurnTemplate", prompts::kPairMultiTurnTemplate, "a962ad885e77f79a229c88cff6fe258f829ceed6188370743217032f3c8d8ca9"},
      {"kPrometheusSystem", prompts::kPrometheusSystem, "2d7f53af02b6a37c5701ed6a821289874a82615c0a6af9d181dc465b2fb5df20"},
      {"kPrometheusRubric", prompts::kPrometheusRubric, "b7ab0578cdab00bac2c5eba789e6c9b28cbc16af379e845e569451fef2764e91"},
      {"kPrometheusPairTemplate", prompts::kPrometheusPairTemplate, "21aa5c504dea0ca6d3ec98c3adf7b3abc476763469dd135b88fef56d4ecaae25"},
      {"kOffsetBiasPairTemplate", prompts::kOffsetBiasPairTemplate, "d51780925935f35e99e91ae8a66c15c935390b28999a12df90bad2816e7debf9"},
      {"kConJPairTemplate", prompts::kConJPairTemplate, "c56bb922c2d98ec2236fd8df021b9a36c1bc228c62fb1a1e0d52b845fad5b756"},
      {"kRiseJudgePairTemplate", prompts::kRiseJudgePairTemplate, "3c6479d30ae905701929638a9740f21f00c1491b21cb1a9995798933d065577f"},
      {"kAtlaPairTemplate", prompts::kAtlaPairTemplate, "320206c5f2bf44a2396841bc14a21ff7639a1c60a45dac371be1a8036839dad2"},
      {"kRatingTemplate", prompts::kRatingTemplate, "dd94ed65b24c00d411e65e8a671611ed2cba7154e97ff457b96183112b99ee14"},
      {"kRatingTiesTemplate", prompts::kRatingTiesTemplate, "86b62377fd01e9697fd87f04ef6d1163ee694a006b838d532d1866267d9722b4"},
      {"kFourSystem", prompts::kFourSystem, "cc81b612789438e858efeee67de4087ac07d451c750915b79b73d470ed36a5ff"},
      {"kFourGeminiPreamble", prompts::kFourGeminiPreamble, "bbb18673721094746b8faeece0bbcfdd123d56777fb51102656a0c31fe3a294f"},
      {"kFourTemplate", prompts::kFourTemplate, "0b53abc0dd92074fcf9351fb8edab886a23bc29ee68172e7592bd08bfe0e6221"},
      {"kPrometheusFourTemplate", prompts::kPrometheusFourTemplate, "8ab3105e73e4fbc7a9bcf0701606cde741691acb6ada67abd56d1cb0cbe4f23f"},
      {"kOffsetBiasFourTemplate", prompts::kOffsetBiasFourTemplate, "50f3c7ab57a8cfcd3758fdeaa73b869b35006003a19045ef87fd7a6ae2160e84"},
      {"kConJFourTemplate", prompts::kConJFourTemplate, "7bca58ea46d4bb6b98614455e0fb8a85006845b062fc4b431ee882dcacebe81b"},
      {"kRiseJudgeFourTemplate", prompts::kRiseJudgeFourTemplate, "5e7adc846536787fcb22f743d1f26fff3f6d53bf7c836908a313594d13d9538a"},
      {"kAtlaFourTemplate", prompts::kAtlaFourTemplate, "ef293c4589362754b3f4ab6e9575783b02353f3ec2c172920c57b04a4672d04c"},
  };
  for (const auto& entry : expected) EXPECT_EQ(sha256_hex(entry.text), entry.sha256) << entry.name;
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
