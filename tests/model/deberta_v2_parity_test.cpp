// DeBERTa-v2/v3 against transformers: the fixtures made by tools/parity/make_deberta_fixtures.py
// (tests/fixtures/parity/deberta_v2/ in the OpenAssistant deberta-v3 shape, and its variant/ with
// the conv, absolute-position, token-type and separate-projection branches). golden.json holds
// every sequence's token ids ([CLS] GPT-NeoX text ids [SEP], up to 512) and the logits transformers
// gave in right-padded batches. CPU fp32: every logit within 1e-4 and the same decision on every
// pair. bf16 (CPU here, CUDA where libtorch has it) against transformers' bf16 on the GPU: median
// |difference| within bf16 rounding and the same decisions on >= 99% of the pairs bf16 can separate
// (see expect_bf16_parity); CUDA fp32 as CPU fp32.
// Skips when a fixture has not been generated. RB_DEBERTA_FIXTURE_DIR overrides the folder.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "model/loader.h"

namespace rb::model {
namespace {

using nlohmann::json;

std::string fixture_folder(const std::string& name) {
  const char* override_dir = std::getenv("RB_DEBERTA_FIXTURE_DIR");
  const std::string root = override_dir ? override_dir : std::string(RB_SOURCE_DIR) + "/tests/fixtures/parity/deberta_v2";
  return name == "main" ? root : root + "/" + name;
}

bool load_golden(const std::string& folder, json& golden) {
  std::ifstream in(folder + "/golden.json");
  if (!in || !std::filesystem::exists(folder + "/model.safetensors")) return false;
  golden = json::parse(in);
  return true;
}

// Sequence 2k is pair k's chosen text, 2k + 1 its rejected one.
std::vector<std::vector<int32_t>> all_sequences(const json& golden) {
  std::vector<std::vector<int32_t>> sequences;
  for (const json& example : golden["examples"]) {
    sequences.push_back(example["ids_chosen"].get<std::vector<int32_t>>());
    sequences.push_back(example["ids_rejected"].get<std::vector<int32_t>>());
  }
  return sequences;
}

std::vector<std::vector<float>> expected_logits(const json& golden, const std::string& run) {
  std::vector<std::vector<float>> logits;
  for (const json& example : golden["examples"]) {
    logits.push_back(example["logits_chosen_" + run].get<std::vector<float>>());
    logits.push_back(example["logits_rejected_" + run].get<std::vector<float>>());
  }
  return logits;
}

// Scores in packed batches of 16 sequences (the packing is ours; transformers used padded 8s).
std::vector<std::vector<float>> score_all(RewardModel& model, const std::vector<std::vector<int32_t>>& sequences) {
  std::vector<std::vector<float>> scores;
  for (size_t first = 0; first < sequences.size(); first += 16) {
    PackedBatch batch;
    batch.offsets.push_back(0);
    for (size_t i = first; i < std::min(sequences.size(), first + 16); ++i) {
      batch.token_ids.insert(batch.token_ids.end(), sequences[i].begin(), sequences[i].end());
      batch.offsets.push_back(static_cast<int64_t>(batch.token_ids.size()));
      batch.position_start.push_back(0);
      batch.pool_index.push_back(static_cast<int64_t>(sequences[i].size()) - 1);  // ignored: CLS pools
    }
    for (auto& row : model.score(batch)) scores.push_back(std::move(row));
  }
  return scores;
}

struct Comparison {
  double worst = 0;
  double median = 0;
  size_t decisions_same = 0;
  size_t pairs = 0;
};

// Label 0 decides a pair (chosen strictly above rejected), as RewardBench's accuracy does.
Comparison compare(const std::vector<std::vector<float>>& ours, const std::vector<std::vector<float>>& theirs) {
  Comparison result;
  std::vector<double> differences;
  for (size_t i = 0; i < ours.size(); ++i)
    for (size_t l = 0; l < ours[i].size(); ++l) differences.push_back(std::fabs(ours[i][l] - theirs[i][l]));
  result.worst = *std::max_element(differences.begin(), differences.end());
  std::nth_element(differences.begin(), differences.begin() + differences.size() / 2, differences.end());
  result.median = differences[differences.size() / 2];
  result.pairs = ours.size() / 2;
  for (size_t k = 0; k < result.pairs; ++k)
    result.decisions_same += (ours[2 * k][0] > ours[2 * k + 1][0]) == (theirs[2 * k][0] > theirs[2 * k + 1][0]);
  return result;
}

class DebertaParity : public ::testing::TestWithParam<std::string> {};

// Both attention paths: per sequence (batch-invariant, the CPU default) and padded groups (what
// CUDA runs), here on the CPU.
TEST_P(DebertaParity, CpuFp32MatchesTransformers) {
  json golden;
  const std::string folder = fixture_folder(GetParam());
  if (!load_golden(folder, golden)) GTEST_SKIP() << "no DeBERTa parity fixture in " << folder;
  const auto sequences = all_sequences(golden);
  const auto expected = expected_logits(golden, "fp32_cpu");
  for (const bool batch_invariant : {true, false}) {
    LoadOptions options;
    options.batch_invariant = batch_invariant;
    const auto ours = score_all(*load_reward_model(folder, options), sequences);
    const char* mode = batch_invariant ? "per sequence" : "padded groups";
    ASSERT_EQ(ours.size(), expected.size());
    for (size_t i = 0; i < ours.size(); ++i) {
      ASSERT_EQ(ours[i].size(), expected[i].size()) << "sequence " << i;
      for (size_t l = 0; l < ours[i].size(); ++l)
        EXPECT_NEAR(ours[i][l], expected[i][l], 1e-4)
            << GetParam() << " " << mode << " sequence " << i << " (" << sequences[i].size() << " ids) label " << l;
    }
    const Comparison result = compare(ours, expected);
    EXPECT_EQ(result.decisions_same, result.pairs) << mode;
    std::printf("%s cpu fp32 %s: %zu sequences, worst |diff| %.3g, median %.3g, decisions %zu/%zu\n",
                GetParam().c_str(), mode, ours.size(), result.worst, result.median, result.decisions_same, result.pairs);
  }
}

// bf16 against transformers' bf16 on the GPU. The fixtures' random tiny models score pairs close
// together (median |score| 0.07 for the main one), so bf16 rounding alone flips some near-tied
// decisions: transformers' own bf16 run disagrees with its fp32 run on 4 of 100 pairs. Decisions
// therefore must agree on >= 99% of the pairs that bf16 can separate (reference gap above four
// bf16 ulps of a typical score), and the median |difference| must stay within two ulps.
void expect_bf16_parity(const std::string& label, const std::vector<std::vector<float>>& ours,
                        const json& golden) {
  const auto expected16 = expected_logits(golden, "bf16_cuda");
  const Comparison all = compare(ours, expected16);
  std::vector<double> magnitudes;
  for (const auto& row : expected16) magnitudes.push_back(std::fabs(row[0]));
  std::nth_element(magnitudes.begin(), magnitudes.begin() + magnitudes.size() / 2, magnitudes.end());
  const double ulp = std::max(1.0, magnitudes[magnitudes.size() / 2]) * 0x1p-8;
  size_t separable = 0, separable_same = 0;
  for (size_t k = 0; k < all.pairs; ++k) {
    if (std::fabs(expected16[2 * k][0] - expected16[2 * k + 1][0]) <= 4 * ulp) continue;
    ++separable;
    separable_same += (ours[2 * k][0] > ours[2 * k + 1][0]) == (expected16[2 * k][0] > expected16[2 * k + 1][0]);
  }
  EXPECT_LE(all.median, 2 * ulp) << label;
  EXPECT_GE(separable_same, static_cast<size_t>(std::ceil(0.99 * static_cast<double>(separable)))) << label;
  std::printf("%s bf16 vs transformers bf16 (CUDA): median |diff| %.3g (bound %.3g), worst %.3g, decisions %zu/%zu, "
              "on separable pairs %zu/%zu\n",
              label.c_str(), all.median, 2 * ulp, all.worst, all.decisions_same, all.pairs, separable_same, separable);
}

// Our CPU bf16 against transformers' CUDA bf16 (different kernels, same rounding model).
TEST_P(DebertaParity, CpuBf16MatchesTransformersBf16) {
  json golden;
  const std::string folder = fixture_folder(GetParam());
  if (!load_golden(folder, golden)) GTEST_SKIP() << "no DeBERTa parity fixture in " << folder;
  if (!golden["examples"][0].contains("logits_chosen_bf16_cuda")) GTEST_SKIP() << "no bf16 golden";
  LoadOptions options;
  options.dtype = DType::BFloat16;
  expect_bf16_parity(GetParam() + " cpu", score_all(*load_reward_model(folder, options), all_sequences(golden)),
                     golden);
}

TEST_P(DebertaParity, CudaMatchesTransformers) {
  json golden;
  const std::string folder = fixture_folder(GetParam());
  if (!load_golden(folder, golden)) GTEST_SKIP() << "no DeBERTa parity fixture in " << folder;
  if (!golden["examples"][0].contains("logits_chosen_fp32_cuda")) GTEST_SKIP() << "no CUDA golden";
  std::unique_ptr<RewardModel> fp32, bf16;
  try {
    LoadOptions options;
    options.device = "cuda";
    fp32 = load_reward_model(folder, options);
    options.dtype = DType::BFloat16;
    bf16 = load_reward_model(folder, options);
  } catch (const std::exception& error) {
    GTEST_SKIP() << "no CUDA: " << error.what();
  }
  const auto sequences = all_sequences(golden);
  // fp32 against transformers' fp32 on CUDA with PyTorch's default precision settings, as the
  // reference runs: cuDNN may use TF32 for the variant's convolution (both sides do), which puts
  // both about 1.2e-4 from the CPU logits; the other kernels are full fp32.
  const auto fp32_scores = score_all(*fp32, sequences);
  const Comparison exact = compare(fp32_scores, expected_logits(golden, "fp32_cuda"));
  const Comparison vs_cpu = compare(fp32_scores, expected_logits(golden, "fp32_cpu"));
  EXPECT_LE(exact.worst, 1e-5);
  EXPECT_EQ(exact.decisions_same, exact.pairs);
  std::printf("%s cuda fp32: vs transformers fp32 CUDA worst |diff| %.3g, decisions %zu/%zu; vs fp32 CPU worst %.3g\n",
              GetParam().c_str(), exact.worst, exact.decisions_same, exact.pairs, vs_cpu.worst);
  expect_bf16_parity(GetParam() + " cuda", score_all(*bf16, sequences), golden);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, DebertaParity, ::testing::Values("main", "variant"));

}  // namespace
}  // namespace rb::model
