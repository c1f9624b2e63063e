// The GPT-2 / GPT-NeoX / OpenAssistant parity fixtures (tests/fixtures/parity/{gpt2,gpt_neox,
// gpt_neox_rm}, made by tools/parity/make_gpt_fixtures.py with transformers): every pair's token ids
// are in golden.json, so this scores them without a tokenizer, rebuilding what the reference's padded
// batches meant for each sequence (pooled token = rightmost non-pad id, or the last attended token for
// OpenAssistant; left padding shifts positions; a masked double BOS is dropped but keeps its
// position). CPU fp32: identical decisions and |difference| <= 1e-4 on every pair, and causal-LM
// log-probs within 1e-4; CPU bf16 near transformers' CUDA bf16 (>= 90% decisions, median <= 4 bf16
// steps: different attention kernels). CUDA (skips without it): fp32 the same; bf16 decisions identical on >= 99%
// of pairs and the median |difference| at most one bf16 step of the score's magnitude.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

#include "model/loader.h"

namespace rb::model {
namespace {

using nlohmann::json;

constexpr double kFp32Tolerance = 1e-4;
constexpr size_t kSequencesPerBatch = 16;

struct Fixture {
  std::string folder;
  json golden;
  json config;
};

bool load_fixture(const std::string& name, Fixture& fixture) {
  fixture.folder = std::string(RB_SOURCE_DIR) + "/tests/fixtures/parity/" + name;
  std::ifstream golden(fixture.folder + "/golden.json");
  std::ifstream config(fixture.folder + "/config.json");
  if (!golden || !config) return false;
  fixture.golden = json::parse(golden);
  fixture.config = json::parse(config);
  return fixture.golden["examples"].size() > 0 && fixture.golden["examples"][0].contains("ids_chosen");
}

// Texts in the reference's order: chosen, rejected of pair 0, then pair 1, ...
std::vector<std::vector<int32_t>> all_texts(const json& golden) {
  std::vector<std::vector<int32_t>> texts;
  for (const json& example : golden["examples"]) {
    texts.push_back(example["ids_chosen"].get<std::vector<int32_t>>());
    texts.push_back(example["ids_rejected"].get<std::vector<int32_t>>());
  }
  return texts;
}

std::vector<double> golden_scores(const json& golden, const std::string& run) {
  std::vector<double> scores;
  for (const json& example : golden["examples"]) {
    scores.push_back(example["score_chosen_" + run]);
    scores.push_back(example["score_rejected_" + run]);
  }
  return scores;
}

struct SequenceRule {
  int64_t pad = 0;
  std::optional<int64_t> bos;
  bool left_padding = false;
  bool last_attended = false;  // OpenAssistant pooling
  size_t batch_size = 8;
};

SequenceRule rule_of(const Fixture& fixture) {
  SequenceRule rule;
  const json& g = fixture.golden;
  rule.pad = !g["config_pad_token_id"].is_null() ? g["config_pad_token_id"].get<int64_t>()
                                                 : g["pad_token_id_used"].get<int64_t>();
  if (fixture.config.contains("bos_token_id") && !fixture.config["bos_token_id"].is_null())
    rule.bos = fixture.config["bos_token_id"].get<int64_t>();
  rule.left_padding = g["padding_side"] == "left";
  rule.last_attended = g.value("pooling", "") == "last_attended";
  std::ifstream recipe(fixture.folder + "/fixture.json");
  if (recipe) rule.batch_size = json::parse(recipe).value("batch_size", 8);
  return rule;
}

// Appends text `index` of the reference's padded batches to `batch` as its own sequence.
void append_sequence(const std::vector<std::vector<int32_t>>& texts, size_t index, const SequenceRule& rule,
                     PackedBatch& batch) {
  const size_t first = index / rule.batch_size * rule.batch_size;
  size_t longest = 0;
  for (size_t j = first; j < std::min(texts.size(), first + rule.batch_size); ++j) longest = std::max(longest, texts[j].size());
  std::vector<int32_t> kept = texts[index];
  int64_t position = rule.left_padding ? static_cast<int64_t>(longest - kept.size()) : 0;
  if (rule.bos && kept.size() >= 2 && kept[0] == *rule.bos && kept[1] == *rule.bos) {
    kept.erase(kept.begin());  // masked first BOS: not attended, but it holds a position
    ++position;
  }
  int64_t pool = static_cast<int64_t>(kept.size()) - 1;
  if (!rule.last_attended) {
    pool = 0;  // transformers: argmax of an all-zero mask is 0
    for (size_t t = 0; t < kept.size(); ++t)
      if (kept[t] != rule.pad) pool = static_cast<int64_t>(t);
  }
  if (batch.offsets.empty()) batch.offsets.push_back(0);
  batch.token_ids.insert(batch.token_ids.end(), kept.begin(), kept.end());
  batch.offsets.push_back(static_cast<int64_t>(batch.token_ids.size()));
  batch.position_start.push_back(position);
  batch.pool_index.push_back(pool);
}

std::vector<double> score_all(RewardModel& model, const std::vector<std::vector<int32_t>>& texts,
                              const SequenceRule& rule) {
  std::vector<double> scores;
  for (size_t first = 0; first < texts.size(); first += kSequencesPerBatch) {
    PackedBatch batch;
    for (size_t i = first; i < std::min(texts.size(), first + kSequencesPerBatch); ++i)
      append_sequence(texts, i, rule, batch);
    for (const auto& row : model.score(batch)) scores.push_back(row[0]);
  }
  return scores;
}

struct Agreement {
  size_t same_decisions = 0;
  size_t pairs = 0;
  double max_diff = 0;
  double median_diff_in_ulps = 0;
};

double bf16_ulp(double x) { return x == 0 ? std::ldexp(1.0, -133) : std::ldexp(1.0, static_cast<int>(std::floor(std::log2(std::fabs(x)))) - 7); }

Agreement compare(const std::vector<double>& ours, const std::vector<double>& theirs) {
  Agreement agreement;
  std::vector<double> ulps;
  for (size_t i = 0; i + 1 < ours.size(); i += 2) {
    ++agreement.pairs;
    agreement.same_decisions += (ours[i] > ours[i + 1]) == (theirs[i] > theirs[i + 1]);
  }
  for (size_t i = 0; i < ours.size(); ++i) {
    const double diff = std::fabs(ours[i] - theirs[i]);
    agreement.max_diff = std::max(agreement.max_diff, diff);
    ulps.push_back(diff / bf16_ulp(theirs[i]));
  }
  std::nth_element(ulps.begin(), ulps.begin() + ulps.size() / 2, ulps.end());
  agreement.median_diff_in_ulps = ulps[ulps.size() / 2];
  return agreement;
}

class GptParity : public ::testing::TestWithParam<std::string> {};

TEST_P(GptParity, CpuFp32ScoresMatchTransformers) {
  Fixture fixture;
  if (!load_fixture(GetParam(), fixture)) GTEST_SKIP() << "no parity fixture " << GetParam();
  auto model = load_reward_model(fixture.folder, LoadOptions{});
  const auto texts = all_texts(fixture.golden);
  const auto ours = score_all(*model, texts, rule_of(fixture));
  const auto theirs = golden_scores(fixture.golden, "fp32_cpu");
  ASSERT_EQ(ours.size(), theirs.size());
  for (size_t i = 0; i < ours.size(); ++i) EXPECT_NEAR(ours[i], theirs[i], kFp32Tolerance) << "text " << i;
  const Agreement agreement = compare(ours, theirs);
  EXPECT_EQ(agreement.same_decisions, agreement.pairs);
  std::printf("%s fp32 cpu: %zu/%zu identical decisions, max |diff| %.3g\n", GetParam().c_str(),
              agreement.same_decisions, agreement.pairs, agreement.max_diff);
}

TEST_P(GptParity, CpuFp32CausalLmLogProbsMatchTransformers) {
  Fixture fixture;
  if (!load_fixture(GetParam(), fixture)) GTEST_SKIP() << "no parity fixture " << GetParam();
  if (!fixture.golden.contains("causal_lm")) GTEST_SKIP() << GetParam() << " has no causal-LM golden";
  auto lm = load_causal_lm(fixture.folder, LoadOptions{});
  PackedBatch batch;
  batch.offsets = {0};
  for (const json& sequence : fixture.golden["causal_lm"]["sequences"]) {
    const auto ids = sequence["ids"].get<std::vector<int32_t>>();
    batch.token_ids.insert(batch.token_ids.end(), ids.begin(), ids.end());
    batch.offsets.push_back(static_cast<int64_t>(batch.token_ids.size()));
    batch.position_start.push_back(0);
    batch.pool_index.push_back(static_cast<int64_t>(ids.size()) - 1);
  }
  const auto rows = lm->next_token_log_probs(batch);
  double worst = 0;
  size_t values = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto expected = fixture.golden["causal_lm"]["sequences"][i]["log_probs_fp32_cpu"].get<std::vector<double>>();
    ASSERT_EQ(rows[i].size(), expected.size()) << "sequence " << i;
    for (size_t t = 0; t < expected.size(); ++t) {
      EXPECT_NEAR(rows[i][t], expected[t], kFp32Tolerance) << "sequence " << i << " token " << t;
      worst = std::max(worst, std::fabs(rows[i][t] - expected[t]));
      ++values;
    }
  }
  std::printf("%s causal LM fp32 cpu: %zu log-probs, max |diff| %.3g\n", GetParam().c_str(), values, worst);
}

// bf16 on the CPU against transformers' bf16 on CUDA: different kernels (eager vs flash attention,
// CPU vs cuBLAS GEMMs), so only near-agreement is expected; shows the bf16 path end to end here.
TEST_P(GptParity, CpuBf16NearTransformersCudaBf16) {
  Fixture fixture;
  if (!load_fixture(GetParam(), fixture)) GTEST_SKIP() << "no parity fixture " << GetParam();
  if (!fixture.golden["examples"][0].contains("score_chosen_bf16_cuda")) GTEST_SKIP() << "no CUDA golden";
  LoadOptions options;
  options.dtype = DType::BFloat16;
  auto model = load_reward_model(fixture.folder, options);
  const Agreement agreement =
      compare(score_all(*model, all_texts(fixture.golden), rule_of(fixture)), golden_scores(fixture.golden, "bf16_cuda"));
  std::printf("%s bf16 cpu vs transformers bf16 cuda: %zu/%zu decisions, median %.2f ulp, max |diff| %.3g\n",
              GetParam().c_str(), agreement.same_decisions, agreement.pairs, agreement.median_diff_in_ulps,
              agreement.max_diff);
  EXPECT_GE(static_cast<double>(agreement.same_decisions), 0.9 * static_cast<double>(agreement.pairs));
  EXPECT_LE(agreement.median_diff_in_ulps, 4.0);
}

// Runs only where libtorch has CUDA (skips here).
TEST_P(GptParity, CudaScoresMatchTransformers) {
  Fixture fixture;
  if (!load_fixture(GetParam(), fixture)) GTEST_SKIP() << "no parity fixture " << GetParam();
  if (!fixture.golden["examples"][0].contains("score_chosen_bf16_cuda")) GTEST_SKIP() << "no CUDA golden";
  std::unique_ptr<RewardModel> fp32, bf16;
  try {
    LoadOptions options;
    options.device = "cuda";
    fp32 = load_reward_model(fixture.folder, options);
    options.dtype = DType::BFloat16;
    bf16 = load_reward_model(fixture.folder, options);
  } catch (const std::exception& error) {
    GTEST_SKIP() << "no CUDA: " << error.what();
  }
  const auto texts = all_texts(fixture.golden);
  const SequenceRule rule = rule_of(fixture);
  const Agreement a32 = compare(score_all(*fp32, texts, rule), golden_scores(fixture.golden, "fp32_cpu"));
  const Agreement a16 = compare(score_all(*bf16, texts, rule), golden_scores(fixture.golden, "bf16_cuda"));
  std::printf("%s cuda fp32: %zu/%zu decisions, max |diff| %.3g; bf16: %zu/%zu decisions, median %.2f ulp, max %.3g\n",
              GetParam().c_str(), a32.same_decisions, a32.pairs, a32.max_diff, a16.same_decisions, a16.pairs,
              a16.median_diff_in_ulps, a16.max_diff);
  EXPECT_EQ(a32.same_decisions, a32.pairs);
  EXPECT_LE(a32.max_diff, kFp32Tolerance);
  EXPECT_GE(static_cast<double>(a16.same_decisions), 0.99 * static_cast<double>(a16.pairs));
  EXPECT_LE(a16.median_diff_in_ulps, 1.0);
}

// Runs only where libtorch has CUDA (skips here): causal-LM log-probs in fp32 (<= 1e-4 from the CPU
// golden) and bf16 (median |difference| <= 0.05 from transformers' bf16 on CUDA).
TEST_P(GptParity, CudaCausalLmLogProbsMatchTransformers) {
  Fixture fixture;
  if (!load_fixture(GetParam(), fixture)) GTEST_SKIP() << "no parity fixture " << GetParam();
  if (!fixture.golden.contains("causal_lm")) GTEST_SKIP() << GetParam() << " has no causal-LM golden";
  const json& sequences = fixture.golden["causal_lm"]["sequences"];
  if (!sequences[0].contains("log_probs_bf16_cuda")) GTEST_SKIP() << "no CUDA golden";
  std::unique_ptr<CausalLanguageModel> fp32, bf16;
  try {
    LoadOptions options;
    options.device = "cuda";
    fp32 = load_causal_lm(fixture.folder, options);
    options.dtype = DType::BFloat16;
    bf16 = load_causal_lm(fixture.folder, options);
  } catch (const std::exception& error) {
    GTEST_SKIP() << "no CUDA: " << error.what();
  }
  PackedBatch batch;
  batch.offsets = {0};
  for (const json& sequence : sequences) {
    const auto ids = sequence["ids"].get<std::vector<int32_t>>();
    batch.token_ids.insert(batch.token_ids.end(), ids.begin(), ids.end());
    batch.offsets.push_back(static_cast<int64_t>(batch.token_ids.size()));
    batch.position_start.push_back(0);
    batch.pool_index.push_back(static_cast<int64_t>(ids.size()) - 1);
  }
  const auto rows32 = fp32->next_token_log_probs(batch);
  const auto rows16 = bf16->next_token_log_probs(batch);
  double worst32 = 0;
  std::vector<double> diffs16;
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto expected32 = sequences[i]["log_probs_fp32_cpu"].get<std::vector<double>>();
    const auto expected16 = sequences[i]["log_probs_bf16_cuda"].get<std::vector<double>>();
    ASSERT_EQ(rows32[i].size(), expected32.size());
    for (size_t t = 0; t < expected32.size(); ++t) {
      worst32 = std::max(worst32, std::fabs(rows32[i][t] - expected32[t]));
      diffs16.push_back(std::fabs(rows16[i][t] - expected16[t]));
    }
  }
  std::nth_element(diffs16.begin(), diffs16.begin() + diffs16.size() / 2, diffs16.end());
  const double median16 = diffs16[diffs16.size() / 2];
  std::printf("%s causal LM cuda: fp32 max |diff| %.3g; bf16 median |diff| %.3g\n", GetParam().c_str(), worst32,
              median16);
  EXPECT_LE(worst32, kFp32Tolerance);
  EXPECT_LE(median16, 0.05);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GptParity, ::testing::Values("gpt2", "gpt_neox", "gpt_neox_rm"));

}  // namespace
}  // namespace rb::model
