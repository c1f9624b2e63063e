#pragma once
// The files scripts/run_v2.py writes, byte for byte (save_to_hub: json.dumps(indent=4,
// sort_keys=True), no trailing newline):
//   results   eval-set/{model}.json: model, model_type, chat_template and one key per subset present
//             (Ties = the composite). The RewardBench 2 final score is not part of it; it is in
//             V2Summary::final_score and the summary table, and the leaderboard recomputes it.
//   scores    eval-set-scores/{model}.json: Dataset.to_dict() of one row per prompt (columns text,
//             scores, results, subset, id, num_correct) plus model, model_type, chat_template.
//             `results` keeps the best-of-N value for Ties rows too: run_v2.py writes the composite's
//             per-row None back only to rows whose subset is exactly "ties" (lower case), which the
//             data never has (for such rows the value becomes NaN, as pandas stores None in a float
//             column). The column is all floats unless every row is the integer 0.
#include <ostream>
#include <string>
#include <vector>

#include "eval/v2_metrics.h"
#include "report/results_file.h"
#include "report/summary_table.h"

namespace rb::report {

// A subset named like a metadata key is an rb::InputError.
Json build_v2_results_json(const eval::V2Summary& summary, const ResultsMetadata& metadata);
std::string format_v2_results_json(const eval::V2Summary& summary, const ResultsMetadata& metadata);
void write_v2_results_json(const std::string& path, const eval::V2Summary& summary, const ResultsMetadata& metadata);

Json build_v2_scores_json(const std::vector<eval::V2ScoredPrompt>& prompts, const ResultsMetadata& metadata);
std::string format_v2_scores_json(const std::vector<eval::V2ScoredPrompt>& prompts, const ResultsMetadata& metadata);
void write_v2_scores_json(const std::string& path, const std::vector<eval::V2ScoredPrompt>& prompts,
                          const ResultsMetadata& metadata);

// "Factuality: 370.5/475 (0.78)" lines as run_v2.py prints them, the Ties breakdown, and the
// final score when all six subsets are present.
// With `intervals`, each score is followed by its interval.
void print_v2_summary(std::ostream& out, const eval::V2Summary& summary, const Intervals* intervals = nullptr);

}  // namespace rb::report
