#pragma once
// `rewardbench compare RUN_A RUN_B [RUN_C ...]`: paired tests between runs over the same items
// (stats/comparison.h), from each run's stats.json: a table per pair of runs on stdout, or one
// JSON object with --json.
#include <string>
#include <vector>

#include "app/option_table.h"

namespace rb::app {

struct CompareOptions {
  std::vector<std::string> runs;  // run folders (or their stats.json)
  bool json = false;
  std::string output;             // also write the JSON here
  size_t bootstrap_samples = 10000;  // paired bootstrap (RewardBench 2, judges with ties)
  size_t bootstrap_seed = 0;
  int threads = 0;
};

const OptionTable<CompareOptions>& compare_options_table();

int run_compare(const CompareOptions& options);

}  // namespace rb::app
