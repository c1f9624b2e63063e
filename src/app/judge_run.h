#pragma once
// `rewardbench judge`: evaluate an LLM judge ("Generative RM") on RewardBench v1 pairs (pairwise
// verdicts or 1-10 ratings) or RewardBench 2 (four-way rankings, ratings for Ties), through an
// OpenAI-compatible or Anthropic server, as scripts/run_generative.py and run_generative_v2.py do,
// but deterministic: a seed fixes every example's answer order. Writes results.json (leaderboard
// schema, model_type "Generative RM"), verdicts.jsonl, judge_metrics.json and run.json; answers
// are cached in judge_cache.sqlite. Flag names follow run_generative.py (--model nargs+,
// --score_w_ratings, --num_threads, --debug) with hyphenated aliases. API keys come only from the
// environment (OPENAI_API_KEY, ANTHROPIC_API_KEY): a key on the command line would land in
// run.json and the process list.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/option_table.h"
#include "app/run_options.h"
#include "judge/chat_client.h"

namespace rb::app {

struct JudgeOptions : RunOptions {
  std::vector<std::string> models;      // one judge, or an odd number (majority vote, "PoLL")
  std::string base_url;                 // default: OPENAI_BASE_URL / ANTHROPIC_BASE_URL, else the vendor URL
  std::string api_key;                  // default: OPENAI_API_KEY / ANTHROPIC_API_KEY (never a flag)
  std::string protocol = "auto";        // openai | anthropic | auto (claude* -> anthropic)
  std::string prompt_style = "auto";    // auto (by model name) | mt-bench | gemini | prometheus | ...
  int version = 1;                      // 1 or 2 (--v2)
  bool ratings = false;                 // --score_w_ratings
  bool debias = false;                  // judge every order; report position consistency
  size_t seed = 0;
  int concurrency = 8;
  std::string cache_path;               // default: <output_dir>/judge_cache.sqlite
  judge::RetryPolicy retry;
};

const OptionTable<JudgeOptions>& judge_options_table();

// Returns 0; throws rb::Error (InputError, IoError, ...) with context on failure.
int run_judge(const JudgeOptions& options);

}  // namespace rb::app
