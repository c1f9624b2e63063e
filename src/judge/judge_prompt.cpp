#include "judge/judge_prompt.h"

#include <utility>
#include <vector>

#include "common/error.h"
#include "judge/prompt_texts.h"
#include "judge/python_format.h"

namespace rb::judge {
namespace {

struct StyleName {
  PromptStyle style;
  const char* name;
  const char* model_substring;  // nullptr: never chosen from the model name
};

// In the reference's detection order (scripts/run_generative_v2.py).
constexpr StyleName kStyles[] = {
    {PromptStyle::kPrometheus, "prometheus", "prometheus"}, {PromptStyle::kConJ, "con-j", "Con-J"},
    {PromptStyle::kOffsetBias, "offsetbias", "OffsetBias"}, {PromptStyle::kAtla, "atla", "Atla"},
    {PromptStyle::kGemini, "gemini", "gemini"},             {PromptStyle::kRiseJudge, "rise-judge", "RISE-Judge"},
    {PromptStyle::kMtBench, "mt-bench", nullptr},
};

const std::string& content_at(const eval::Messages& turns, size_t index) {
  if (index >= turns.size())
    throw InputError("judge prompt: conversation has " + std::to_string(turns.size()) + " messages, needs " +
                     std::to_string(index + 1));
  return turns[index].content;
}

void require_single_turn(PromptStyle style, bool multi_turn) {
  if (multi_turn)
    throw InputError(std::string("judge prompt style '") + prompt_style_name(style) +
                     "' does not support multi-turn prompts (as in the reference)");
}

ChatPrompt mt_bench_pair(const eval::Messages& a, const eval::Messages& b, bool multi_turn) {
  if (multi_turn) {
    return {prompts::kPairMultiTurnSystem,
            python_format(prompts::kPairMultiTurnTemplate,
                          {{"question_1", content_at(a, 0)}, {"question_2", content_at(a, 2)},
                           {"answer_a_1", content_at(a, 1)}, {"answer_b_1", content_at(b, 1)},
                           {"answer_a_2", content_at(a, 3)}, {"answer_b_2", content_at(b, 3)}})};
  }
  return {prompts::kPairSystem, python_format(prompts::kPairTemplate, {{"question", content_at(a, 0)},
                                                                       {"answer_a", content_at(a, 1)},
                                                                       {"answer_b", content_at(b, 1)}})};
}

}  // namespace

PromptStyle prompt_style_for_model(const std::string& model) {
  for (const auto& entry : kStyles)
    if (entry.model_substring != nullptr && model.find(entry.model_substring) != std::string::npos) return entry.style;
  return PromptStyle::kMtBench;
}

std::optional<PromptStyle> parse_prompt_style(const std::string& name) {
  if (name.empty() || name == "auto") return std::nullopt;
  for (const auto& entry : kStyles)
    if (name == entry.name) return entry.style;
  throw InputError("unknown judge prompt style '" + name +
                   "' (auto, mt-bench, gemini, prometheus, offsetbias, con-j, rise-judge, atla)");
}

const char* prompt_style_name(PromptStyle style) {
  for (const auto& entry : kStyles)
    if (entry.style == style) return entry.name;
  return "?";
}

ChatPrompt build_pair_prompt(PromptStyle style, const eval::Messages& a, const eval::Messages& b) {
  const bool multi_turn = a.size() > 2;
  const std::string& question = content_at(a, 0);
  switch (style) {
    case PromptStyle::kMtBench:
      return mt_bench_pair(a, b, multi_turn);
    case PromptStyle::kGemini: {
      ChatPrompt prompt = mt_bench_pair(a, b, multi_turn);
      return {"", prompts::kPairGeminiPreamble + prompt.user};
    }
    case PromptStyle::kPrometheus:
      require_single_turn(style, multi_turn);
      return {prompts::kPrometheusSystem,
              python_format(prompts::kPrometheusPairTemplate, {{"orig_instruction", question},
                                                               {"response_A", content_at(a, 1)},
                                                               {"response_B", content_at(b, 1)},
                                                               {"score_rubric", prompts::kPrometheusRubric}})};
    case PromptStyle::kOffsetBias:
    case PromptStyle::kConJ:
    case PromptStyle::kRiseJudge: {
      require_single_turn(style, multi_turn);
      const char* tmpl = style == PromptStyle::kOffsetBias ? prompts::kOffsetBiasPairTemplate
                         : style == PromptStyle::kConJ     ? prompts::kConJPairTemplate
                                                           : prompts::kRiseJudgePairTemplate;
      return {"", python_format(tmpl, {{"instruction", question},
                                       {"output_1", content_at(a, 1)},
                                       {"output_2", content_at(b, 1)}})};
    }
    case PromptStyle::kAtla:
      require_single_turn(style, multi_turn);
      return {"", python_format(prompts::kAtlaPairTemplate, {{"user_input", question},
                                                              {"assistant_response_a", content_at(a, 1)},
                                                              {"assistant_response_b", content_at(b, 1)}})};
  }
  throw InputError("judge prompt: unknown style");
}

ChatPrompt build_four_prompt(PromptStyle style, const std::string& question, const std::array<std::string, 4>& ans) {
  switch (style) {
    case PromptStyle::kMtBench:
    case PromptStyle::kGemini: {
      std::string user = python_format(prompts::kFourTemplate, {{"question", question},
                                                                {"answer_a", ans[0]},
                                                                {"answer_b", ans[1]},
                                                                {"answer_c", ans[2]},
                                                                {"answer_d", ans[3]}});
      if (style == PromptStyle::kGemini) return {"", prompts::kFourGeminiPreamble + user};
      return {prompts::kFourSystem, std::move(user)};
    }
    case PromptStyle::kPrometheus:
      return {prompts::kPrometheusSystem,
              python_format(prompts::kPrometheusFourTemplate,
                            {{"orig_instruction", question}, {"response_A", ans[0]}, {"response_B", ans[1]},
                             {"response_C", ans[2]}, {"response_D", ans[3]}, {"score_rubric", prompts::kPrometheusRubric}})};
    case PromptStyle::kOffsetBias:
    case PromptStyle::kConJ:
    case PromptStyle::kRiseJudge: {
      const char* tmpl = style == PromptStyle::kOffsetBias ? prompts::kOffsetBiasFourTemplate
                         : style == PromptStyle::kConJ     ? prompts::kConJFourTemplate
                                                           : prompts::kRiseJudgeFourTemplate;
      return {"", python_format(tmpl, {{"instruction", question}, {"output_1", ans[0]}, {"output_2", ans[1]},
                                       {"output_3", ans[2]}, {"output_4", ans[3]}})};
    }
    case PromptStyle::kAtla:
      return {"", python_format(prompts::kAtlaFourTemplate,
                                {{"user_input", question}, {"assistant_response_a", ans[0]},
                                 {"assistant_response_b", ans[1]}, {"assistant_response_c", ans[2]},
                                 {"assistant_response_d", ans[3]}})};
  }
  throw InputError("judge prompt: unknown style");
}

ChatPrompt build_rating_prompt(const std::string& question, const std::string& answer, bool ties) {
  return {"", python_format(ties ? prompts::kRatingTiesTemplate : prompts::kRatingTemplate,
                            {{"prompt", question}, {"completion", answer}})};
}

}  // namespace rb::judge
