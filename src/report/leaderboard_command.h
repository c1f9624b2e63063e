#pragma once
// `rewardbench leaderboard`: reads many results files (v1 core, v1 prior sets, RewardBench 2),
// prints the overview tables of report/leaderboard.h and optionally saves them as CSV, the way
// analysis/get_benchmark_results.py does for the results it downloads. Files that cannot be used
// are listed on the error stream with the reason and skipped.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "report/leaderboard.h"

namespace rb::report {

struct LeaderboardOptions {
  // Results files, or folders searched recursively for *.json (e.g. a results/ tree holding
  // eval-set/<org>/<model>.json and pref-sets/...). Per-prompt score files are recognised and skipped.
  std::vector<std::string> inputs;
  std::string format = "markdown";        // "markdown" or "csv" (what is printed)
  std::optional<std::string> output_dir;  // also writes "<table name>.csv" per table here
  LeaderboardSettings settings;
  // Intervals from the stats.json beside each results file: markdown cells "41.4 [38.9, 44.0]",
  // CSV columns "<column> ci_low" / "<column> ci_high". A cell gets one only when the stats.json
  // score, rounded as the table rounds, is the number shown (so a leaderboard average that mixes in
  // another file's prior sets is left without).
  bool ci = false;
};

// The .json files under `inputs`, folders expanded in sorted path order, files kept as given.
// A missing input is reported through `problems`.
std::vector<std::string> collect_results_files(const std::vector<std::string>& inputs,
                                               std::vector<std::string>& problems);

// Returns 0 when at least one table row was printed, 1 when no file could be used, 2 for bad
// options (unknown format). Tables go to `out`, skipped files and notes to `err`.
int run_leaderboard(const LeaderboardOptions& options, std::ostream& out, std::ostream& err);
int run_leaderboard(const LeaderboardOptions& options);  // std::cout / std::cerr

}  // namespace rb::report
