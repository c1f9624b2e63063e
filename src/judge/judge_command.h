#pragma once
// `rewardbench judge`: evaluate an LLM judge ("Generative RM") on a RewardBench v1 preference file
// (pairwise verdicts or 1-10 ratings) or a RewardBench 2 file (four-way rankings, ratings for
// Ties), through an OpenAI-compatible or Anthropic server, as scripts/run_generative.py and
// run_generative_v2.py do, but deterministic: a seed fixes every example's answer order.
// Writes to output_dir: results.json (leaderboard schema, model_type "Generative RM"),
// verdicts.jsonl, judge_metrics.json and run.json; answers are cached in judge_cache.sqlite.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "judge/chat_client.h"

namespace rb::judge {

struct JudgeOptions {
  std::string dataset;                  // .json/.jsonl: v1 preference rows, or RewardBench 2 rows (version 2)
  std::string output_dir;               // default: results/judge/<model(s)>
  std::vector<std::string> models;      // one judge, or an odd number (majority vote, "PoLL")
  std::string base_url;                 // default: OPENAI_BASE_URL / ANTHROPIC_BASE_URL, else the vendor URL
  std::string api_key;                  // default: OPENAI_API_KEY / ANTHROPIC_API_KEY
  std::string protocol = "auto";        // openai | anthropic | auto (claude* -> anthropic)
  std::string prompt_style = "auto";    // auto (by model name) | mt-bench | gemini | prometheus | ...
  int version = 1;                      // 1 or 2
  bool ratings = false;                 // --score_w_ratings
  bool debias = false;                  // judge every order; report position consistency
  uint64_t seed = 0;
  int concurrency = 8;
  std::optional<size_t> limit;          // first N rows (--debug: 10)
  std::string cache_path;               // default: <output_dir>/judge_cache.sqlite
  RetryPolicy retry;
  bool quiet = false;
  std::string command_line;             // recorded in run.json
};

// Returns 0; throws rb::Error (InputError, IoError, ...) with context on failure.
int run_judge(const JudgeOptions& options);

// The reference's results "model" name: PoLL/<a>_<b>_<c> for ensembles; openai/, anthropic/ or
// google/ before names on its API model lists.
std::string judge_model_label(const std::vector<std::string>& models);

}  // namespace rb::judge
