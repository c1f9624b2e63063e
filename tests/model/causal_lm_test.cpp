// The shared decoder's causal-LM head (per-token next-token log-probabilities) against the
// naive float64 reference, for each architecture with an own and a tied lm_head; batch
// invariance (including a batch long enough to split the logits into several chunks), bf16
// compute, and load/batch errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include "common/error.h"
#include "model/loader.h"
#include "packed_test_batch.h"
#include "reference_decoder.h"
#include "tiny_model_writer.h"

namespace rb::testing {
namespace {

using model::PackedBatch;

std::vector<TestSequence> make_sequences(int64_t vocab, uint32_t seed, const std::vector<int64_t>& lengths) {
  return random_test_sequences(vocab, seed, lengths, /*left_pad=*/3, /*pool_early_by=*/0);  // pool unused by log-probs
}

using NamedSpec = rb::testing::NamedSpec<TinyModelSpec>;

std::vector<NamedSpec> causal_presets() {
  return {{"llama_own_head", as_causal_lm(llama_spec(), false)},   {"llama_tied", as_causal_lm(llama_spec(), true)},
          {"mistral_window", as_causal_lm(mistral_spec(), false)}, {"qwen2_tied", as_causal_lm(qwen2_spec(), true)},
          {"qwen3_qknorm", as_causal_lm(qwen3_spec(), false)}, {"gemma1_tied", as_causal_lm(gemma_spec(), true)},
          {"stablelm_parallel", as_causal_lm(stablelm_parallel_spec(), false)},
          {"starcoder2_tied", as_causal_lm(starcoder2_spec(), true)}, {"olmo", as_causal_lm(olmo_spec(), false)},
          {"olmo2", as_causal_lm(olmo2_spec(), false)}, {"mixtral", as_causal_lm(mixtral_spec(), false)},
          {"qwen2_moe", as_causal_lm(qwen2_moe_spec(), true)},
          {"olmoe", as_causal_lm(olmoe_spec(), false)}, {"minicpm_tied", as_causal_lm(minicpm_spec(), true)},
          {"internlm2_fused_qkv", internlm2_causal_spec()}};
}

const std::vector<int64_t> kLengths = {1, 2, 6, 11, 17, 9};

class CausalReference : public ::testing::TestWithParam<NamedSpec> {};

TEST_P(CausalReference, LogProbsMatchNaiveFloat64) {
  const TinyModel tiny = write_tiny_model(scratch_dir("causal_" + GetParam().name), GetParam().spec);
  auto model = model::load_causal_lm(tiny.folder, {});
  EXPECT_EQ(model->info().architecture, GetParam().spec.architecture);
  const auto sequences = make_sequences(GetParam().spec.vocab, 5, kLengths);
  const auto log_probs = model->next_token_log_probs(pack(sequences, all_indices(sequences.size())));
  ASSERT_EQ(log_probs.size(), sequences.size());
  double worst = 0, smallest = 0;
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto expected = reference_next_token_log_probs(tiny, sequences[i].tokens, sequences[i].position_start);
    ASSERT_EQ(log_probs[i].size(), sequences[i].tokens.size() - 1) << "sequence " << i;
    ASSERT_EQ(expected.size(), log_probs[i].size());
    for (size_t t = 0; t < expected.size(); ++t) {
      EXPECT_NEAR(log_probs[i][t], expected[t], 2e-5) << "sequence " << i << " token " << t;
      worst = std::max(worst, std::fabs(log_probs[i][t] - expected[t]));
      smallest = std::min(smallest, expected[t]);
    }
  }
  // The heads must not be trivially uniform: log(1/vocab) = -4.16 for every token would hide errors.
  EXPECT_LT(smallest, -5.0);
  std::printf("[%s] max |log-prob fp32 - reference fp64| = %.3g\n", GetParam().name.c_str(), worst);
}

INSTANTIATE_TEST_SUITE_P(Architectures, CausalReference, ::testing::ValuesIn(causal_presets()),
                         [](const auto& info) { return info.param.name; });

TEST(CausalLm, TiedHeadReadsTheEmbedding) {
  // A tied model must ignore nothing and read embed_tokens: rewriting with an own head changes results.
  const TinyModel tied = write_tiny_model(scratch_dir("causal_tie_on"), as_causal_lm(llama_spec(), true));
  const TinyModel own = write_tiny_model(scratch_dir("causal_tie_off"), as_causal_lm(llama_spec(), false));
  const auto sequences = make_sequences(64, 2, {8});
  const auto a = model::load_causal_lm(tied.folder, {})->next_token_log_probs(pack(sequences, {0}));
  const auto b = model::load_causal_lm(own.folder, {})->next_token_log_probs(pack(sequences, {0}));
  double largest = 0;
  for (size_t t = 0; t < a[0].size(); ++t) largest = std::max(largest, static_cast<double>(std::fabs(a[0][t] - b[0][t])));
  EXPECT_GT(largest, 1e-3);
}

TEST(CausalLm, BatchInvariantAcrossLogitChunks) {
  // vocab 40000: a chunk holds 838 rows on CPU, so the 8 x 120-token batch spans two chunks
  // while each sequence alone fits in one; results must be bitwise equal either way.
  TinyModelSpec spec = as_causal_lm(llama_spec(), false);
  spec.vocab = 40000;
  spec.layers = 1;
  const TinyModel tiny = write_tiny_model(scratch_dir("causal_chunks"), spec);
  const auto sequences = make_sequences(spec.vocab, 9, std::vector<int64_t>(8, 120));
  for (model::DType dtype : {model::DType::Float32, model::DType::BFloat16}) {
    model::LoadOptions options;
    options.dtype = dtype;
    auto model = model::load_causal_lm(tiny.folder, options);
    std::vector<size_t> reversed = all_indices(sequences.size());
    std::reverse(reversed.begin(), reversed.end());
    const auto batched = model->next_token_log_probs(pack(sequences, reversed));
    double worst = 0;
    for (size_t j = 0; j < reversed.size(); ++j) {
      const auto alone = model->next_token_log_probs(pack(sequences, {reversed[j]}));
      ASSERT_EQ(alone[0].size(), batched[j].size());
      for (size_t t = 0; t < alone[0].size(); ++t)
        worst = std::max(worst, static_cast<double>(std::fabs(alone[0][t] - batched[j][t])));
    }
    std::printf("causal LM batch invariance, %s: max |batched - alone| = %.3g\n", model::dtype_name(dtype).c_str(),
                worst);
    EXPECT_EQ(worst, 0.0) << model::dtype_name(dtype);
  }
}

TEST(CausalLm, Bfloat16ComputeIsCloseToReference) {
  const TinyModel tiny = write_tiny_model(scratch_dir("causal_bf16"), as_causal_lm(qwen3_spec(), true));
  model::LoadOptions options;
  options.dtype = model::DType::BFloat16;
  auto model = model::load_causal_lm(tiny.folder, options);
  const auto sequences = make_sequences(64, 4, kLengths);
  const auto log_probs = model->next_token_log_probs(pack(sequences, all_indices(sequences.size())));
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto expected = reference_next_token_log_probs(tiny, sequences[i].tokens, sequences[i].position_start);
    for (size_t t = 0; t < expected.size(); ++t)
      EXPECT_NEAR(log_probs[i][t], expected[t], 0.08 * std::max(1.0, std::fabs(expected[t])));
  }
}

TEST(CausalLmErrors, MissingHeadWrongClassAndBadBatches) {
  TinyModelSpec untied = as_causal_lm(llama_spec(), false);
  untied.head = "tied";  // no lm_head.weight written...
  const std::string folder = scratch_dir("causal_missing_head");
  TinyModel tiny = write_tiny_model(folder, untied);
  tiny.config["tie_word_embeddings"] = false;  // ...but the config says it is not tied
  std::ofstream(folder + "/config.json") << tiny.config.dump();
  try {
    model::load_causal_lm(folder, {});
    FAIL() << "expected a missing lm_head.weight";
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find("lm_head.weight"), std::string::npos) << error.what();
  }
  const TinyModel classifier = write_tiny_model(scratch_dir("causal_wrong_class"), llama_spec());
  try {
    model::load_causal_lm(classifier.folder, {});
    FAIL() << "a sequence classifier is not a causal LM";
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find("LlamaForCausalLM"), std::string::npos) << error.what();
  }

  const TinyModel good = write_tiny_model(scratch_dir("causal_batches"), as_causal_lm(llama_spec(), true));
  auto model = model::load_causal_lm(good.folder, {});
  PackedBatch batch;
  batch.token_ids = {1, 2, 64};
  batch.offsets = {0, 3};
  batch.position_start = {0};
  EXPECT_THROW(model->next_token_log_probs(batch), InputError);  // token outside the vocabulary
  batch.token_ids = {1, 2, 3};
  batch.offsets = {0, 2};
  EXPECT_THROW(model->next_token_log_probs(batch), InputError);  // offsets do not cover the tokens
  batch.offsets = {0, 3};
  EXPECT_EQ(model->next_token_log_probs(batch)[0].size(), 2u);  // pool_index is not needed
  EXPECT_TRUE(model->next_token_log_probs(PackedBatch{{}, {0}, {}, {}}).empty());
}

}  // namespace
}  // namespace rb::testing
