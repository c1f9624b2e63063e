#pragma once
// From the judges' answers to per-example verdicts and scores (see scoring.h for the rules), and
// the per-subset figures a judge run reports beyond accuracy: parse failures, request failures
// and, in debias mode, position consistency.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "judge/judge_plan.h"
#include "judge/request_executor.h"

namespace rb::judge {

struct Judgment {
  size_t judge = 0;
  size_t item = 0;       // order index (pairwise) or answer index (ratings)
  std::string text;      // the answer, or "$ERROR$" when every attempt failed (as the reference)
  bool request_failed = false;
  std::string error;
  int parsed = -1;       // slot (pairwise) or rating 1..10; -1 = did not parse
  int picked = -1;       // pairwise: the answer index of that slot
};

struct ExampleVerdict {
  double result = 0.0;                 // the reference-compatible score (seeded order)
  std::vector<int> picked_per_order;   // pairwise: majority answer per order (-1 = none)
  std::vector<int> ratings;            // ratings mode, per answer (-1 = invalid)
  bool consistent = false;             // debias: every order picked the same answer
  bool consistently_correct = false;   // debias: every order picked the correct answer
  size_t parse_failures = 0;           // answers that arrived but did not parse
  size_t request_failures = 0;         // requests that failed after every retry
  std::vector<Judgment> judgments;
};

// `calls` are the plan's calls of this example.
ExampleVerdict decide_example(const JudgeExample& example, const std::vector<JudgeCall>& calls,
                              const std::vector<RequestAnswer>& answers, const std::vector<PromptStyle>& styles);

std::vector<ExampleVerdict> decide_all(const JudgePlan& plan, const std::vector<RequestAnswer>& answers);

struct SubsetJudgeStats {
  size_t examples = 0;
  double results_sum = 0.0;  // summed in example order, as Python's sum(results)
  size_t parse_failures = 0;
  size_t request_failures = 0;
  size_t judged_in_orders = 0;      // pairwise examples (ratings have no order)
  size_t consistent = 0;            // debias only
  size_t consistently_correct = 0;  // debias only
};

// Keyed by subset name (byte order, as np.unique).
std::map<std::string, SubsetJudgeStats> subset_stats(const JudgePlan& plan, const std::vector<ExampleVerdict>& verdicts);

}  // namespace rb::judge
