#pragma once
// Building the judge's messages for one comparison, as the reference's format_judge_answers does
// (v1 two answers, v2 four answers) and the rating prompt of run_judge_ratings.
#include <array>
#include <optional>
#include <string>

#include "eval/dataset.h"

namespace rb::judge {

// Which prompt family a judge gets. The reference picks it by substring of the model name
// ("prometheus", "Con-J", "OffsetBias", "Atla", "gemini", "RISE-Judge", first match wins).
enum class PromptStyle { kMtBench, kGemini, kPrometheus, kOffsetBias, kConJ, kRiseJudge, kAtla };

PromptStyle prompt_style_for_model(const std::string& model);
// "auto" gives nullopt (use prompt_style_for_model); an unknown name is an rb::InputError.
std::optional<PromptStyle> parse_prompt_style(const std::string& name);
const char* prompt_style_name(PromptStyle style);

// An empty system text means "no system message" (FastChat's to_openai_api_messages drops an
// empty one; Gemini-style prompts have none).
struct ChatPrompt {
  std::string system;
  std::string user;
};

// v1. `answer_a` / `answer_b` are conversations [user, assistant] or, for two turns,
// [user, assistant, user, assistant] (the second user turn is taken from answer_a, as the
// reference does). Multi-turn with a model-specific style throws rb::InputError, as the reference
// raises ValueError.
ChatPrompt build_pair_prompt(PromptStyle style, const eval::Messages& answer_a, const eval::Messages& answer_b);

// v2: four single-turn answers in display order A, B, C, D.
ChatPrompt build_four_prompt(PromptStyle style, const std::string& question, const std::array<std::string, 4>& answers);

// One answer rated 1-10 (ratings_prompt, or ratings_prompt_ties for RewardBench 2 Ties); no system.
ChatPrompt build_rating_prompt(const std::string& question, const std::string& answer, bool ties);

}  // namespace rb::judge
