#pragma once
// The leaderboard tables of analysis/get_benchmark_results.py (+ analysis/utils.py load_results):
//   RewardBench - Overview   one row per v1 core results file: each section is
//       np.average(subset accuracies, weights=EXAMPLE_COUNTS) over the section's subsets that any
//       core file has (in alphabetical column order; NaN when this model lacks one of them);
//       "Prior Sets (0.5 weight)" = nan-mean of anthropic_helpful, anthropic_hhh, shp, summarize
//       from the first prior-sets file of the same model; average = masked weighted mean of
//       [Chat, Chat Hard, Safety, Reasoning, Prior Sets] with weights [2, 2, 2, 2, 1].
//   RewardBench 2 - Overview  (ours; the reference script has none) one row per v2 results file:
//       the six subsets and their unweighted mean (NaN unless all six are present).
// Both: model types containing "generative" (any case) read "Generative"; "DPO Ref. Free" rows
// are dropped unless kept; optional model-type filter; numbers x100; rows sorted by average,
// descending, missing last, ties in input order; values rounded like np.round(x, 1).
#include <optional>
#include <string>
#include <vector>

#include "report/results_reader.h"
#include "report/text_table.h"

namespace rb::report {

struct LeaderboardSettings {
  std::optional<std::string> model_type;  // keep only rows of this (mapped) type
  bool keep_ref_free = false;             // load_results drops "DPO Ref. Free" by default
};

struct LeaderboardRow {
  std::string model;
  std::string model_type;
  std::vector<double> values;  // x100, rounded, in LeaderboardTable::columns order
};

struct LeaderboardTable {
  std::string name;                  // "RewardBench - Overview", "RewardBench 2 - Overview"
  std::vector<std::string> columns;  // numeric columns, "average" first
  std::vector<LeaderboardRow> rows;
};

LeaderboardTable rewardbench_overview(const std::vector<ResultsRecord>& core,
                                      const std::vector<ResultsRecord>& prior_sets,
                                      const LeaderboardSettings& settings);
LeaderboardTable rewardbench2_overview(const std::vector<ResultsRecord>& v2, const LeaderboardSettings& settings);

// model, model_type, then the numeric columns.
TextTable to_text_table(const LeaderboardTable& table);

// np.round(x, 1): rint(x * 10) / 10 (halves to even after the multiplication).
double numpy_round_1(double value);

}  // namespace rb::report
