#pragma once
// Implicit (DPO) rewards from per-token log-probabilities of an answer, as RewardBench's
// DPOInference computes them (no beta: it does not change any ranking):
//   ratio (with --ref_model): sum_t log pi(y_t) - sum_t log pi_ref(y_t)
//   avg  (reference-free):    sum_t log pi(y_t) / |y|        (run_dpo.py's default --ref_free_type)
//   sum  (reference-free):    sum_t log pi(y_t)
//   norm (reference-free):    -|| (log pi(y_t))_t ||_2       (DPOInference's own default)
// The reference reduces float32 tensors and compares the float32 results; we sum in double and
// round each reduction to float32 so decisions are made on the same kind of number.
// result = 1 if r(chosen) > r(rejected) else 0 (equal rewards count as a loss).
#include <optional>
#include <string>
#include <vector>

namespace rb::eval {

enum class ImplicitRewardKind { Ratio, Average, Sum, Norm };

// "avg" | "sum" | "norm" (run_dpo.py --ref_free_type); throws rb::InputError otherwise.
ImplicitRewardKind parse_ref_free_type(const std::string& name);
// "ratio", "avg", "sum", "norm".
std::string implicit_reward_name(ImplicitRewardKind kind);

float summed_log_prob(const std::vector<float>& token_log_probs);
float average_log_prob(const std::vector<float>& token_log_probs);  // throws rb::InputError when empty
float negative_l2_norm(const std::vector<float>& token_log_probs);

// Ratio needs reference log-probs of the same answer tokens (same count, else rb::InputError);
// the other kinds ignore them.
float implicit_reward(ImplicitRewardKind kind, const std::vector<float>& policy_log_probs,
                      const std::vector<float>* reference_log_probs = nullptr);

int implicit_reward_result(float reward_chosen, float reward_rejected);

}  // namespace rb::eval
