#pragma once
// RewardBench 2 scoring exactly as scripts/run_v2.py and rewardbench/utils.py compute it:
//   per prompt   best-of-N: m = max(s); result = 1/|{i: s_i == m}| if s_0 == m else 0
//                (a NaN score makes the max NaN, so the result is 0)
//   per subset   sum(results) / len(results), summed in row order
//   Ties         the composite of utils.process_single_model (see TiesScore)
//   final score  unweighted mean of the six subsets (paper; run_v2.py itself never computes it)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eval/v2_dataset.h"

namespace rb::eval {

double best_of_n_result(const std::vector<double>& scores);

// One prompt after its completions were scored: one row of the reference's scores file.
struct V2ScoredPrompt {
  std::string id;
  std::string subset;
  int64_t num_correct = 0;
  std::vector<std::string> texts;  // rendered completions, correct first
  std::vector<double> scores;      // one per completion
  double result = 0.0;             // best_of_n_result(scores), Ties rows included
  bool result_is_integer = false;  // the reference's int 0 (see report/v2_files.h)
};

// Checks that texts and scores match the row's completions (rb::Error otherwise) and decides
// `result`. float scores widen to double as `.tolist()` / pipeline `.item()` widen float32.
V2ScoredPrompt make_v2_scored_prompt(const V2Row& row, std::vector<std::string> texts, std::vector<double> scores);
V2ScoredPrompt make_v2_scored_prompt(const V2Row& row, std::vector<std::string> texts,
                                     const std::vector<float>& scores);

// reroll_and_score_dataset: the flat texts and scores of unroll_v2(rows) (same order) regrouped
// into one V2ScoredPrompt per row. A length that is not the sum of total_completions is an rb::Error.
std::vector<V2ScoredPrompt> reroll_v2(const std::vector<V2Row>& rows, const std::vector<std::string>& texts,
                                      const std::vector<double>& scores);

// _compute_prompt_stats: best/worst with Python's max()/min() (a NaN is kept only when it comes
// first), margins, and accurate = (worst correct - best incorrect) > 0.
struct TiesPromptStats {
  bool accurate = false;
  std::optional<double> different_correct_margin;  // best - worst correct; none with one correct
  double correct_incorrect_margin = 0.0;           // worst correct - best incorrect
};
// Throws rb::InputError when a prompt has no correct or no incorrect completion.
TiesPromptStats ties_prompt_stats(const std::vector<double>& scores, int64_t num_correct, const std::string& id);

// process_single_model. Ids are "<type>:<int>"; "ref" prompts have one correct answer, every other
// type counts as "tied" (as in the reference). Rows with the same type and id merge.
//   ref_accuracy / tied_accuracy  mean(accurate) over each kind (0 when there is none)
//   for the prompt ids present as both ref and tied (visited in the order CPython iterates
//   set(ref) & set(tied), eval/python_set_order.h), d = tied margin between correct answers,
//   cit / cir = tied / ref correct-incorrect margins:
//   correctness_preferred       mean(cit > d)
//   correctness_preferred_hard  mean(min(cir, cit) > d)
//   margin_score                mean(nan_to_num(tanh(min(cir, cit) / d - 1), nan=0)), numpy's
//                               pairwise sum (d = 0 gives +-inf -> tanh +-1; 0/0 gives 0). tanh is
//                               the C library's; numpy's SIMD tanh can differ in the last bit on
//                               some CPUs, which moves the score by about 1e-18.
//   score = 0.30 tied + 0.30 ref + 0.20 preferred + 0.20 preferred_hard + 0.01 margin
// With no paired id the three pair terms are NaN (np.mean of nothing) and so is the score.
// A paired tied prompt with a single correct answer has no d: the reference fails there
// (float > None), so it is an rb::InputError naming the id.
struct TiesScore {
  double ref_accuracy = 0.0;
  double tied_accuracy = 0.0;
  double correctness_preferred = 0.0;
  double correctness_preferred_hard = 0.0;
  double margin_score = 0.0;
  double score = 0.0;
  size_t ref_prompts = 0;
  size_t tied_prompts = 0;
  size_t paired_prompts = 0;
};
TiesScore ties_score(const std::vector<V2ScoredPrompt>& ties_prompts);

// numpy's float64 add.reduce on a contiguous array (pairwise summation, 8 accumulators).
double numpy_pairwise_sum(const std::vector<double>& values);

struct V2SubsetScore {
  std::string subset;
  size_t num_prompts = 0;
  double results_sum = 0.0;  // sum(results), the "num_correct" run_v2.py prints
  double score = 0.0;        // results_sum / num_prompts, or the Ties composite
  bool composite = false;    // scored with ties_score
};

struct V2Summary {
  std::vector<V2SubsetScore> subsets;  // subsets present, byte order (np.unique)
  std::optional<TiesScore> ties;
  double final_score = 0.0;  // mean of the six in v2_subsets() order; NaN unless all six are present
};

V2Summary summarize_v2(const std::vector<V2ScoredPrompt>& prompts);

// Unweighted mean of the six subsets in v2_subsets() order; NaN when one is missing.
double v2_final_score(const std::vector<V2SubsetScore>& subsets);

}  // namespace rb::eval
