// Implicit DPO rewards: the four reductions DPOInference uses, float32 results, and the strict
// "chosen > rejected" decision.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "eval/implicit_reward.h"

namespace {
using rb::eval::ImplicitRewardKind;
using rb::eval::implicit_reward;

TEST(ImplicitReward, ReductionsOfAnAnswersLogProbs) {
  const std::vector<float> lp = {-3.f, -4.f};
  EXPECT_EQ(implicit_reward(ImplicitRewardKind::Sum, lp), -7.f);
  EXPECT_EQ(implicit_reward(ImplicitRewardKind::Average, lp), -3.5f);
  EXPECT_EQ(implicit_reward(ImplicitRewardKind::Norm, lp), -5.f);  // -sqrt(9 + 16)
  const std::vector<float> ref = {-1.f, -1.5f};
  EXPECT_EQ(implicit_reward(ImplicitRewardKind::Ratio, lp, &ref), -4.5f);  // -7 - (-2.5)
}

TEST(ImplicitReward, NormAndSumRankLengthDifferentlyFromAverage) {
  // A long answer of likely tokens vs a short answer of unlikely ones.
  const std::vector<float> long_likely(40, -0.5f), short_unlikely(4, -2.f);
  EXPECT_LT(implicit_reward(ImplicitRewardKind::Sum, long_likely), implicit_reward(ImplicitRewardKind::Sum, short_unlikely));
  EXPECT_GT(implicit_reward(ImplicitRewardKind::Average, long_likely),
            implicit_reward(ImplicitRewardKind::Average, short_unlikely));
  EXPECT_NEAR(implicit_reward(ImplicitRewardKind::Norm, long_likely), -std::sqrt(40 * 0.25), 1e-6);
}

TEST(ImplicitReward, ResultIsStrict) {
  EXPECT_EQ(rb::eval::implicit_reward_result(-1.f, -2.f), 1);
  EXPECT_EQ(rb::eval::implicit_reward_result(-2.f, -2.f), 0);  // ties lose, as in the reference
  EXPECT_EQ(rb::eval::implicit_reward_result(-3.f, -2.f), 0);
}

TEST(ImplicitReward, SumsInDoubleAndRoundsOnceToFloat) {
  // 1e8 + 1 + ... in float32 would lose every 1; the reference's float32 sum of a long answer is
  // closer to the exact value than naive float accumulation, and so is ours.
  std::vector<float> lp(1000, -1e-3f);
  lp.insert(lp.begin(), -1e4f);
  EXPECT_EQ(rb::eval::summed_log_prob(lp), static_cast<float>(-1e4 + 1000 * static_cast<double>(-1e-3f)));
}

TEST(ImplicitReward, ParsesRefFreeTypesAndRejectsBadInput) {
  EXPECT_EQ(rb::eval::parse_ref_free_type("avg"), ImplicitRewardKind::Average);
  EXPECT_EQ(rb::eval::parse_ref_free_type("sum"), ImplicitRewardKind::Sum);
  EXPECT_EQ(rb::eval::parse_ref_free_type("norm"), ImplicitRewardKind::Norm);
  EXPECT_THROW(rb::eval::parse_ref_free_type("mean"), rb::InputError);
  EXPECT_THROW(implicit_reward(ImplicitRewardKind::Ratio, {-1.f}), rb::InputError);
  const std::vector<float> two = {-1.f, -1.f};
  EXPECT_THROW(implicit_reward(ImplicitRewardKind::Ratio, {-1.f}, &two), rb::InputError);
  EXPECT_THROW(rb::eval::average_log_prob({}), rb::InputError);
}

}  // namespace
