#pragma once
// The files a judge run writes besides results.json:
//   verdicts.jsonl       one line per example, in dataset order: id, subset, result, the answer
//                        orders shown (orders[0] is the seeded one), and every judgment (judge,
//                        order or answer, raw text, parsed verdict / rating, failures)
//   judge_metrics.json   per subset: examples, score, parse_failures, request_failures and, in
//                        debias mode, position_consistency and consistent_accuracy
// Both are deterministic: no timings, no cache statistics (those go to run.json).
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "eval/metrics.h"
#include "eval/v2_metrics.h"
#include "judge/judge_plan.h"
#include "judge/judge_verdicts.h"
#include "report/python_json.h"

namespace rb::judge {

// The reference's results "model" name: PoLL/<a>_<b>_<c> for ensembles; openai/, anthropic/ or
// google/ before names on its API model lists.
std::string judge_model_label(const std::vector<std::string>& models);

// results.json's numbers: v1, the per-subset mean of the results (1 / 0 / 0.5) and the leaderboard
// sections; v2, the per-subset mean with Ties by the composite over the ratings. `scores` gets the
// reported score per subset.
eval::EvalSummary judge_v1_summary(const std::map<std::string, SubsetJudgeStats>& stats,
                                   std::map<std::string, double>& scores);
eval::V2Summary judge_v2_summary(const JudgePlan& plan, const std::vector<ExampleVerdict>& verdicts,
                                 std::map<std::string, double>& scores);

std::string format_verdicts_jsonl(const JudgePlan& plan, const std::vector<ExampleVerdict>& verdicts,
                                  const std::vector<std::string>& models);

// `scores` = the reported score per subset (accuracy, or the Ties composite).
report::Json build_judge_metrics(const std::map<std::string, SubsetJudgeStats>& stats,
                                 const std::map<std::string, double>& scores, bool debias, size_t dropped_rows);

// Per subset: score, examples, parse and request failures (and consistency in debias mode).
void print_judge_summary(std::ostream& out, const report::Json& metrics);

}  // namespace rb::judge
