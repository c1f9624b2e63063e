// attend_packed_slots lays packed sequences out as the reference's padded
// batch (rows at the slots of their position ids) and must compute the same attention as the
// per-sequence path: float32 on CPU (eager math), |difference| <= 1e-6, for GQA, a sliding window,
// soft-capping, sequences starting at slot 0 and later (a masked first BOS, left padding), and the
// dummy rows of batch-invariant padding left at zero.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "model/torch_layers.h"

namespace rb::model::layers {
namespace {

constexpr int64_t kHeads = 4;
constexpr int64_t kKvHeads = 2;
constexpr int64_t kHeadDim = 8;

// Sequences of the given lengths end to end, the i-th starting at position first_positions[i].
PackedSpans spans_of(const std::vector<int64_t>& lengths, const std::vector<int64_t>& first_positions) {
  PackedSpans spans;
  int64_t row = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    spans.begin.push_back(row);
    spans.length.push_back(lengths[i]);
    spans.pooled_row.push_back(row + lengths[i] - 1);
    for (int64_t t = 0; t < lengths[i]; ++t) {
      spans.token_ids.push_back(1);
      spans.positions.push_back(first_positions[i] + t);
    }
    row += lengths[i];
  }
  return spans;
}

struct Case {
  const char* name;
  std::vector<int64_t> lengths;
  std::vector<int64_t> first_positions;
  AttentionParams params;
};

class SlotAttention : public ::testing::TestWithParam<Case> {};

TEST_P(SlotAttention, EveryRowMatchesPerSequenceAttention) {
  const Case& c = GetParam();
  const PackedSpans spans = spans_of(c.lengths, c.first_positions);
  const int64_t rows = static_cast<int64_t>(spans.token_ids.size());
  const int64_t total = rows + 3;  // three dummy rows, as batch-invariant padding adds
  at::manual_seed(7);
  const at::Tensor q = at::randn({total, kHeads, kHeadDim});
  const at::Tensor k = at::randn({total, kKvHeads, kHeadDim});
  const at::Tensor v = at::randn({total, kKvHeads, kHeadDim});

  const at::Tensor expected = attend_packed(q, k, v, spans, c.params, total);
  const at::Tensor actual = attend_packed_slots(q, k, v, spans, c.params, total);
  ASSERT_EQ(actual.sizes(), expected.sizes());
  EXPECT_LE((actual - expected).abs().max().item<float>(), 1e-6f);
  EXPECT_EQ(actual.slice(0, rows).abs().max().item<float>(), 0.0f) << "dummy rows must stay zero";
}

AttentionParams params(double scale, std::optional<int64_t> window = std::nullopt,
                       std::optional<double> softcap = std::nullopt) {
  AttentionParams p;
  p.scale = scale;
  p.window = window;
  p.logit_softcap = softcap;
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, SlotAttention,
    ::testing::Values(Case{"from_slot_zero", {5, 17, 1, 9}, {0, 0, 0, 0}, params(0.35)},
                      Case{"masked_first_bos_and_left_pads", {6, 13, 2, 8}, {1, 0, 7, 3}, params(0.35)},
                      Case{"sliding_window", {12, 20, 4}, {0, 2, 1}, params(0.5, 5)},
                      Case{"soft_capped", {7, 15, 3}, {1, 0, 4}, params(0.25, std::nullopt, 1.5)},
                      Case{"window_and_soft_cap", {19, 6}, {3, 0}, params(0.25, 4, 2.0)}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rb::model::layers
