#include "eval/implicit_reward.h"

#include <cmath>

#include "common/enum_names.h"
#include "common/error.h"

namespace rb::eval {

namespace {

constexpr EnumName<ImplicitRewardKind> kRewardNames[] = {{ImplicitRewardKind::Ratio, "ratio"},
                                                         {ImplicitRewardKind::Average, "avg"},
                                                         {ImplicitRewardKind::Sum, "sum"},
                                                         {ImplicitRewardKind::Norm, "norm"}};

}  // namespace

ImplicitRewardKind parse_ref_free_type(const std::string& name) {
  const auto kind = enum_named(kRewardNames, name);
  if (!kind || *kind == ImplicitRewardKind::Ratio)
    throw InputError("--ref_free_type \"" + name + "\": expected avg, sum or norm");
  return *kind;
}

std::string implicit_reward_name(ImplicitRewardKind kind) { return name_of(kRewardNames, kind); }

namespace {

double sum_in_double(const std::vector<float>& values) {
  double total = 0.0;
  for (float v : values) total += v;
  return total;
}

}  // namespace

float summed_log_prob(const std::vector<float>& token_log_probs) {
  return static_cast<float>(sum_in_double(token_log_probs));
}

float average_log_prob(const std::vector<float>& token_log_probs) {
  if (token_log_probs.empty()) throw InputError("average log-probability of an answer without tokens");
  // The reference divides the float32 sum by the token count in float32.
  return summed_log_prob(token_log_probs) / static_cast<float>(token_log_probs.size());
}

float negative_l2_norm(const std::vector<float>& token_log_probs) {
  double squares = 0.0;
  for (float v : token_log_probs) squares += static_cast<double>(v) * v;
  return static_cast<float>(-std::sqrt(squares));
}

float implicit_reward(ImplicitRewardKind kind, const std::vector<float>& policy_log_probs,
                      const std::vector<float>* reference_log_probs) {
  switch (kind) {
    case ImplicitRewardKind::Average: return average_log_prob(policy_log_probs);
    case ImplicitRewardKind::Sum: return summed_log_prob(policy_log_probs);
    case ImplicitRewardKind::Norm: return negative_l2_norm(policy_log_probs);
    case ImplicitRewardKind::Ratio: break;
  }
  if (!reference_log_probs) throw InputError("a DPO log-ratio reward needs the reference model's log-probabilities");
  if (reference_log_probs->size() != policy_log_probs.size())
    throw InputError("policy and reference log-probabilities cover different answers (" +
                     std::to_string(policy_log_probs.size()) + " vs " + std::to_string(reference_log_probs->size()) +
                     " tokens)");
  // float32 minus float32, as the reference subtracts its two float32 sums.
  return summed_log_prob(policy_log_probs) - summed_log_prob(*reference_log_probs);
}

int implicit_reward_result(float reward_chosen, float reward_rejected) { return reward_chosen > reward_rejected ? 1 : 0; }

}  // namespace rb::eval
