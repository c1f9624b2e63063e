// Answer log-probs from a causal LM over packed batches: the entries read are exactly the answer
// tokens' (label positions after the shift), identical sequences run once, and batch limits do not
// change any value. A fake model stands in for the network: its log-prob of a token depends only
// on that token, the one before it and its position, so packing mistakes change the numbers.
#include <gtest/gtest.h>

#include "common/error.h"
#include "pipeline/dpo_log_probs.h"

namespace {
using rb::pipeline::DpoSequence;

float fake_log_prob(int32_t previous, int32_t next, int64_t position) {
  return -(0.5f * static_cast<float>(next) + 0.01f * static_cast<float>(previous) + 0.001f * static_cast<float>(position));
}

class FakeCausalLm : public rb::model::CausalLanguageModel {
 public:
  std::vector<std::vector<float>> next_token_log_probs(const rb::model::PackedBatch& batch) override {
    ++calls;
    std::vector<std::vector<float>> rows;
    for (size_t s = 0; s < batch.num_sequences(); ++s) {
      const int64_t begin = batch.offsets[s], end = batch.offsets[s + 1];
      sequences_seen += 1;
      std::vector<float> row;
      for (int64_t t = begin; t + 1 < end; ++t)
        row.push_back(fake_log_prob(batch.token_ids[t], batch.token_ids[t + 1], batch.position_start[s] + (t - begin)));
      rows.push_back(std::move(row));
    }
    return rows;
  }
  const rb::model::ModelInfo& info() const override { return info_; }
  int calls = 0;
  int sequences_seen = 0;

 private:
  rb::model::ModelInfo info_;
};

DpoSequence sequence(std::vector<int32_t> ids, size_t prompt_length) {
  DpoSequence s;
  s.ids = std::move(ids);
  s.prompt_length = prompt_length;
  return s;
}

TEST(DpoLogProbs, ReadsTheAnswerTokensOnly) {
  // prompt [7, 8], answer [3, 4]: scored are p(3 | 7 8) at position 1 and p(4 | ... 3) at position 2.
  const auto row = rb::pipeline::answer_log_probs_from_row({-1.f, -2.f, -3.f}, 4, 2);
  EXPECT_EQ(row, (std::vector<float>{-2.f, -3.f}));
  FakeCausalLm model;
  const auto out = rb::pipeline::answer_log_probs(model, {sequence({7, 8, 3, 4}, 2)}, {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (std::vector<float>{fake_log_prob(8, 3, 1), fake_log_prob(3, 4, 2)}));
}

TEST(DpoLogProbs, IdenticalSequencesRunOnceAndBatchLimitsChangeNothing) {
  std::vector<DpoSequence> sequences = {sequence({1, 2, 3, 4, 5}, 2), sequence({1, 2, 6}, 2), sequence({1, 2, 3, 4, 5}, 3),
                                        sequence({9, 9, 9, 9, 9, 9, 9, 9}, 1)};
  FakeCausalLm packed;
  const auto together = rb::pipeline::answer_log_probs(packed, sequences, {});
  EXPECT_EQ(packed.calls, 1);
  EXPECT_EQ(packed.sequences_seen, 3);  // sequences 0 and 2 share ids
  EXPECT_EQ(together[0].size(), 3u);
  EXPECT_EQ(together[2].size(), 2u);  // same ids, longer prompt
  EXPECT_EQ(together[2], (std::vector<float>(together[0].begin() + 1, together[0].end())));

  rb::runtime::BatchLimits one_at_a_time;
  one_at_a_time.max_sequences_per_batch = 1;
  FakeCausalLm single;
  size_t last_done = 0;
  const auto alone = rb::pipeline::answer_log_probs(single, sequences, one_at_a_time,
                                                    [&](size_t done, size_t total) {
                                                      EXPECT_EQ(total, 3u);
                                                      last_done = done;
                                                    });
  EXPECT_EQ(single.calls, 3);
  EXPECT_EQ(last_done, 3u);
  EXPECT_EQ(alone, together);
}

TEST(DpoLogProbs, RejectsRowsOfTheWrongLength) {
  EXPECT_THROW(rb::pipeline::answer_log_probs_from_row({-1.f}, 4, 2), rb::ModelError);
  EXPECT_THROW(rb::pipeline::answer_log_probs_from_row({-1.f, -2.f, -3.f}, 4, 0), rb::ModelError);
}

}  // namespace
