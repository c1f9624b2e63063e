// score_sequences end to end on a tiny random model: input order, progress, and scores that do
// not depend on the token budget (bitwise, batch-invariant mode) or match scoring one by one.
#include <gtest/gtest.h>

#include <random>

#include "common/error.h"
#include "model/loader.h"
#include "runtime/scorer.h"
#include "tiny_model_writer.h"

namespace rb::runtime {
namespace {

std::vector<ScoringSequence> random_sequences(size_t count, int64_t vocab, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> token(0, static_cast<int32_t>(vocab) - 1);
  std::uniform_int_distribution<int> length(1, 40);
  std::vector<ScoringSequence> sequences(count);
  for (size_t i = 0; i < count; ++i) {
    const int n = length(rng);
    for (int t = 0; t < n; ++t) sequences[i].token_ids.push_back(token(rng));
    if (i % 4 == 1) sequences[i].position_start = 3;
    if (i % 5 == 2 && n > 2) sequences[i].pool_index = n - 2;
  }
  return sequences;
}

TEST(Scorer, ScoresInInputOrderIndependentOfBudget) {
  const auto tiny = testing::write_tiny_model(testing::scratch_dir("runtime_scorer"), testing::qwen2_spec());
  auto model = model::load_reward_model(tiny.folder, {});
  const auto sequences = random_sequences(30, 64, 5);

  std::vector<std::vector<float>> one_by_one;
  for (const auto& sequence : sequences)
    one_by_one.push_back(model->score(pack_sequences({sequence}, {0}))[0]);

  for (BatchLimits limits : {BatchLimits{64, 4}, BatchLimits{200, 64}, BatchLimits{10000, 7}, BatchLimits{1, 1}}) {
    std::vector<std::pair<size_t, size_t>> progress;
    const auto scores = score_sequences(*model, sequences, limits,
                                        [&](size_t done, size_t total) { progress.emplace_back(done, total); });
    EXPECT_EQ(scores, one_by_one) << "budget " << limits.max_tokens_per_batch;
    ASSERT_FALSE(progress.empty());
    EXPECT_EQ(progress.back(), std::make_pair(sequences.size(), sequences.size()));
    for (size_t i = 1; i < progress.size(); ++i) EXPECT_GT(progress[i].first, progress[i - 1].first);
  }
}

TEST(Scorer, EmptyInputAndBadSequences) {
  const auto tiny = testing::write_tiny_model(testing::scratch_dir("runtime_errors"), testing::llama_spec());
  auto model = model::load_reward_model(tiny.folder, {});
  EXPECT_TRUE(score_sequences(*model, {}, BatchLimits{}).empty());
  std::vector<ScoringSequence> bad = {{{1, 2}, -1, 0}, {{}, -1, 0}};
  EXPECT_THROW(score_sequences(*model, bad, BatchLimits{}), InputError);
  EXPECT_THROW(model::set_num_threads(0), InputError);
  model::set_num_threads(2);
}

}  // namespace
}  // namespace rb::runtime
