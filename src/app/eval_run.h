#pragma once
// `rewardbench eval`: score a sequence-classifier reward model on RewardBench v1 pairs (as
// scripts/run_rm.py: results.json, outputs.jsonl, run.json), RewardBench 2 (as scripts/run_v2.py:
// results.json, scores.json, run.json), the prior preference sets, or instruction data (rows with
// `messages`: outputs.jsonl without accuracy, as the reference CLI).
#include <string>

#include "app/option_table.h"
#include "app/run_options.h"

namespace rb::app {

struct EvalOptions : ScoringRunOptions {
  std::string benchmark = "auto";   // v1, v2, or auto (v2 when rows have num_correct/total_completions)
  bool prioritize_scoring = false;  // rows with `messages` are instruction data even with chosen/rejected
};

const OptionTable<EvalOptions>& eval_options_table();

// Returns 0; throws rb::Error (InputError, IoError, ModelError, ...) with context on failure.
int run_eval(const EvalOptions& options);

}  // namespace rb::app
