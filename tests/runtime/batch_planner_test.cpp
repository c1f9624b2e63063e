// Token-budget batch planning and packing.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "common/error.h"
#include "runtime/batch_planner.h"
#include "runtime/scorer.h"

namespace rb::runtime {
namespace {

void expect_valid_plan(const std::vector<int64_t>& lengths, const BatchLimits& limits,
                       const std::vector<std::vector<size_t>>& plan) {
  std::vector<int> seen(lengths.size(), 0);
  for (const auto& batch : plan) {
    ASSERT_FALSE(batch.empty());
    EXPECT_LE(static_cast<int64_t>(batch.size()), limits.max_sequences_per_batch);
    int64_t tokens = 0;
    for (size_t index : batch) {
      ++seen[index];
      tokens += lengths[index];
    }
    if (batch.size() > 1) EXPECT_LE(tokens, limits.max_tokens_per_batch);
  }
  for (int count : seen) EXPECT_EQ(count, 1);
}

TEST(BatchPlanner, RespectsBothLimitsAndCoversEverything) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int64_t> length(1, 300);
  std::vector<int64_t> lengths(500);
  for (auto& l : lengths) l = length(rng);
  for (BatchLimits limits : {BatchLimits{512, 8}, BatchLimits{1000, 1000}, BatchLimits{300, 2}, BatchLimits{1, 64}}) {
    const auto plan = plan_batches(lengths, limits);
    expect_valid_plan(lengths, limits, plan);
  }
}

TEST(BatchPlanner, LongestFirstAndOversizedAlone) {
  const std::vector<int64_t> lengths = {5, 100, 7, 3, 60};
  const auto plan = plan_batches(lengths, BatchLimits{50, 10});
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0], (std::vector<size_t>{1}));  // 100 > budget: alone
  EXPECT_EQ(plan[1], (std::vector<size_t>{4}));  // 60 > budget: alone
  EXPECT_EQ(plan[2], (std::vector<size_t>{2, 0, 3}));
  EXPECT_TRUE(plan_batches({}, BatchLimits{}).empty());
}

TEST(BatchPlanner, RejectsBadInput) {
  EXPECT_THROW(plan_batches({1, 2}, BatchLimits{0, 4}), InputError);
  EXPECT_THROW(plan_batches({1, 2}, BatchLimits{10, 0}), InputError);
  EXPECT_THROW(plan_batches({1, 0}, BatchLimits{10, 4}), InputError);
}

TEST(Packing, ConcatenatesInGivenOrder) {
  std::vector<ScoringSequence> sequences = {{{1, 2, 3}, -1, 0}, {{4, 5}, 0, 7}, {{6}, -1, 0}};
  const model::PackedBatch batch = pack_sequences(sequences, {2, 0, 1});
  EXPECT_EQ(batch.token_ids, (std::vector<int32_t>{6, 1, 2, 3, 4, 5}));
  EXPECT_EQ(batch.offsets, (std::vector<int64_t>{0, 1, 4, 6}));
  EXPECT_EQ(batch.pool_index, (std::vector<int64_t>{0, 2, 0}));
  EXPECT_EQ(batch.position_start, (std::vector<int64_t>{0, 0, 7}));
  sequences[0].pool_index = 3;
  EXPECT_THROW(pack_sequences(sequences, {0}), InputError);
}

TEST(Pooling, RightmostNonPadLikeTransformers) {
  EXPECT_EQ(rightmost_non_pad_index({5, 6, 2, 2}, 2), 1);   // trailing pad/eos skipped
  EXPECT_EQ(rightmost_non_pad_index({2, 6, 2, 7}, 2), 3);
  EXPECT_EQ(rightmost_non_pad_index({5, 6, 2}, std::nullopt), 2);
  EXPECT_EQ(rightmost_non_pad_index({2, 2}, 2), 0);          // argmax of all zeros
  EXPECT_THROW(rightmost_non_pad_index({}, 2), InputError);
}

// The olmo_adapter classifiers: argmax(ids == pad) - 1 modulo the length.
TEST(Pooling, BeforeFirstPadLikeTheOlmoAdapter) {
  EXPECT_EQ(before_first_pad_index({5, 6, 2, 7, 8, 2}, 2), 1);  // an eos ending an earlier turn wins
  EXPECT_EQ(before_first_pad_index({5, 6, 7, 2}, 2), 2);
  EXPECT_EQ(before_first_pad_index({5, 6, 7}, 2), 2);           // no pad: argmax 0, -1 mod length
  EXPECT_EQ(before_first_pad_index({2, 6, 7}, 2), 2);           // pad first: -1 mod length
  EXPECT_EQ(before_first_pad_index({5, 6, 7}, std::nullopt), 2);
  EXPECT_THROW(before_first_pad_index({}, 2), InputError);
  EXPECT_EQ(pooled_index(model::PoolingRule::BeforeFirstPad, {5, 2, 7, 2}, 2), 0);
  // Left-padded rows start with the pad id, so the reference pools their last column.
  EXPECT_EQ(before_first_pad_index({5, 6, 2, 7, 8, 2}, 2, /*left_pads=*/3), 5);
  EXPECT_EQ(pooled_index(model::PoolingRule::BeforeFirstPad, {5, 2, 7, 8}, 2, 1), 3);
  EXPECT_EQ(pooled_index(model::PoolingRule::RightmostNonPad, {5, 2, 7, 2}, 2, 1), 2);
  EXPECT_EQ(pooled_index(model::PoolingRule::RightmostNonPad, {5, 2, 7, 2}, 2), 2);
}

}  // namespace
}  // namespace rb::runtime
