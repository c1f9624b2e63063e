#pragma once
// Reading leaderboard results files back (for the leaderboard table): the flat results.json of
// run_rm.py / run_v2.py / our `eval` (model, model_type, chat_template, one number per subset), and
// the rewardbench CLI's `{model}.json` whose per-subset numbers sit under "extra_results".
// Each file is classified by the subset keys it holds: v1 core (EXAMPLE_COUNTS subsets), v1 prior
// sets (pref-test-sets splits) and RewardBench 2 (Factuality, Precise IF, Math, Focus, Ties).
// Files that cannot be used come back with a reason instead of throwing, so one bad file does
// not hide the others.
#include <map>
#include <optional>
#include <string>

namespace rb::report {

struct ResultsRecord {
  std::string path;
  std::string model;
  std::string model_type;               // "" when the file has none
  std::map<std::string, double> values;  // numeric keys; null is NaN
  bool has_core = false;                 // any v1 core subset
  bool has_prior_sets = false;           // any pref-test-sets split
  bool has_v2 = false;                   // any RewardBench-2-only subset
};

struct ResultsReadOutcome {
  std::optional<ResultsRecord> record;
  std::string problem;  // why the file was skipped, when record is empty
};

ResultsReadOutcome read_results_file(const std::string& path);
// The same from text already in memory (`path` names it in messages).
ResultsReadOutcome parse_results_text(const std::string& text, const std::string& path);

}  // namespace rb::report
