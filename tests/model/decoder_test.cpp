// The packed decoder against the naive float64 reference (each architecture, GQA, biases,
// q/k norm, llama3/linear rope, sliding windows), batch invariance, stored dtypes, bf16
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

// Lengths chosen to straddle the sliding windows (4, 5) of the presets.
std::vector<TestSequence> make_sequences(int64_t vocab, uint32_t seed) {
  return random_test_sequences(vocab, seed, {1, 3, 6, 11, 17, 9}, /*left_pad=*/4, /*pool_early_by=*/2);
}

using NamedSpec = rb::testing::NamedSpec<TinyModelSpec>;

std::vector<NamedSpec> presets() {
  TinyModelSpec llama_linear = llama_spec();
  llama_linear.extra_config = {{"rope_scaling", {{"rope_type", "linear"}, {"factor", 3.0}}}};
  llama_linear.qkv_bias = llama_linear.o_bias = llama_linear.mlp_bias = false;
  llama_linear.head_dim = 0;
  TinyModelSpec qwen3_window = qwen3_spec();
  qwen3_window.extra_config.update({{"use_sliding_window", true}, {"sliding_window", 3}, {"max_window_layers", 0}});
  return {{"llama3_gqa_bias", llama_spec()},  {"llama_linear_mha", llama_linear}, {"mistral_window", mistral_spec()},
          {"qwen2_bias_window", qwen2_spec()}, {"qwen3_qknorm", qwen3_spec()},     {"qwen3_window", qwen3_window},
          {"gemma1", gemma_spec()},             {"stablelm", stablelm_spec()},
          {"stablelm_parallel_qk_layernorm", stablelm_parallel_spec()},
          {"starcoder2_window_plain_mlp", starcoder2_spec()},  {"olmo_clip_qkv", olmo_spec()},
          {"olmo2_post_norms", olmo2_spec()},   {"mixtral_moe", mixtral_spec()},
          {"mixtral_moe_fused_names", mixtral_fused_spec()}, {"qwen2_moe_shared_expert", qwen2_moe_spec()},
          {"olmoe_qk_norm_clip_moe", olmoe_spec()},
          {"minicpm_scalings", minicpm_spec()}};
}

class ReferenceAgreement : public ::testing::TestWithParam<NamedSpec> {};

TEST_P(ReferenceAgreement, PackedMatchesNaiveFloat64) {
  const TinyModel tiny = write_tiny_model(scratch_dir("ref_" + GetParam().name), GetParam().spec);
  auto model = model::load_reward_model(tiny.folder, {});
  const auto sequences = make_sequences(GetParam().spec.vocab, 7);
  const auto scores = model->score(pack(sequences, all_indices(sequences.size())));
  ASSERT_EQ(scores.size(), sequences.size());
  double worst = 0;
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto expected = reference_score(tiny, sequences[i].tokens, sequences[i].position_start, sequences[i].pool_index);
    ASSERT_EQ(scores[i].size(), expected.size());
    for (size_t label = 0; label < expected.size(); ++label) {
      EXPECT_NEAR(scores[i][label], expected[label], 1e-5) << "sequence " << i << " label " << label;
      worst = std::max(worst, std::fabs(scores[i][label] - expected[label]));
    }
  }
  std::printf("[%s] max |packed fp32 - reference fp64| = %.3g\n", GetParam().name.c_str(), worst);
}

INSTANTIATE_TEST_SUITE_P(Architectures, ReferenceAgreement, ::testing::ValuesIn(presets()),
                         [](const auto& info) { return info.param.name; });

TEST(Decoder, SlidingWindowActuallyMatters) {
  // Guard against a reference and decoder that both ignore the window: removing it must change scores.
  TinyModelSpec spec = mistral_spec();
  const TinyModel windowed = write_tiny_model(scratch_dir("window_on"), spec);
  spec.extra_config["sliding_window"] = nullptr;
  const TinyModel full = write_tiny_model(scratch_dir("window_off"), spec);
  const auto sequences = make_sequences(spec.vocab, 3);
  const auto a = model::load_reward_model(windowed.folder, {})->score(pack(sequences, {4}));
  const auto b = model::load_reward_model(full.folder, {})->score(pack(sequences, {4}));
  EXPECT_GT(std::fabs(a[0][0] - b[0][0]), 1e-4);
}

// Largest |score in a batch - score alone| over several batch compositions and orders.
double batch_variation(model::RewardModel& model, const std::vector<TestSequence>& sequences) {
  const size_t n = sequences.size();
  std::vector<std::vector<float>> alone;
  for (size_t i = 0; i < n; ++i) alone.push_back(model.score(pack(sequences, {i}))[0]);
  std::vector<std::vector<size_t>> compositions = {all_indices(n), {5, 4, 3, 2, 1, 0}, {2, 0}, {3, 1, 5}, {4, 4, 4}};
  std::vector<size_t> many;  // > 64 rows of tokens, so several GEMM tiles
  for (size_t repeat = 0; repeat < 4; ++repeat)
    for (size_t i = 0; i < n; ++i) many.push_back((i + repeat) % n);
  compositions.push_back(many);
  double worst = 0;
  for (const auto& order : compositions) {
    const auto scores = model.score(pack(sequences, order));
    for (size_t j = 0; j < order.size(); ++j)
      for (size_t label = 0; label < scores[j].size(); ++label)
        worst = std::max(worst, static_cast<double>(std::fabs(scores[j][label] - alone[order[j]][label])));
  }
  return worst;
}

TinyModel invariance_model(const std::string& name) {
  TinyModelSpec spec = llama_spec();
  spec.hidden = 96;
  spec.intermediate = 160;
  spec.heads = 6;
  spec.kv_heads = 2;
  spec.head_dim = 16;
  spec.num_labels = 2;
  return write_tiny_model(scratch_dir(name), spec);
}

TEST(Decoder, BatchInvariantModeIsBitwise) {
  // Two shapes: widths that are multiples of every vector size, and odd ones (48, 32) that
  // leave element-wise remainders on wide-vector CPUs.
  for (const TinyModel& tiny : {invariance_model("invariance_on"), write_tiny_model(scratch_dir("invariance_qwen2"), qwen2_spec())}) {
  const auto sequences = make_sequences(64, 11);
  for (model::DType dtype : {model::DType::Float32, model::DType::BFloat16}) {
    model::LoadOptions options;
    options.dtype = dtype;
    auto model = model::load_reward_model(tiny.folder, options);
    const double worst = batch_variation(*model, sequences);
    std::printf("batch-invariant mode, %s: max |batched - alone| = %.3g\n", model::dtype_name(dtype).c_str(), worst);
    EXPECT_EQ(worst, 0.0) << model::dtype_name(dtype);
  }
  }
}

TEST(Decoder, FreeGemmModeVariesOnlyByRounding) {
  const TinyModel tiny = invariance_model("invariance_off");
  model::LoadOptions options;
  options.batch_invariant = false;
  auto model = model::load_reward_model(tiny.folder, options);
  const double worst = batch_variation(*model, make_sequences(64, 11));
  std::printf("plain GEMM mode: max |batched - alone| = %.3g\n", worst);
  EXPECT_LE(worst, 1e-6);
}

TEST(Decoder, StoredBf16AndF16LoadIntoFloat32) {
  for (const std::string dtype : {"BF16", "F16"}) {
    TinyModelSpec spec = qwen2_spec();
    spec.storage_dtype = dtype;
    const TinyModel tiny = write_tiny_model(scratch_dir("stored_" + dtype), spec);
    auto model = model::load_reward_model(tiny.folder, {});
    const auto sequences = make_sequences(spec.vocab, 5);
    const auto scores = model->score(pack(sequences, all_indices(sequences.size())));
    for (size_t i = 0; i < sequences.size(); ++i) {
      const auto expected = reference_score(tiny, sequences[i].tokens, sequences[i].position_start, sequences[i].pool_index);
      EXPECT_NEAR(scores[i][0], expected[0], 1e-5) << dtype << " sequence " << i;
    }
  }
}

TEST(Decoder, Bfloat16ComputeIsCloseToReference) {
  const TinyModel tiny = write_tiny_model(scratch_dir("bf16_compute"), qwen3_spec());
  model::LoadOptions options;
  options.dtype = model::DType::BFloat16;
  auto model = model::load_reward_model(tiny.folder, options);
  EXPECT_EQ(model->info().dtype, model::DType::BFloat16);
  const auto sequences = make_sequences(qwen3_spec().vocab, 9);
  const auto scores = model->score(pack(sequences, all_indices(sequences.size())));
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto expected = reference_score(tiny, sequences[i].tokens, sequences[i].position_start, sequences[i].pool_index);
    for (size_t label = 0; label < expected.size(); ++label) {
      EXPECT_NEAR(scores[i][label], expected[label], 0.06 * std::max(1.0, std::fabs(expected[label])));
      // The score head runs in bf16, so every score is a bf16 value.
      EXPECT_EQ(scores[i][label], bf16_bits_to_float(float_to_bf16_bits(scores[i][label])));
    }
  }
}

TEST(Decoder, ShardedCheckpointGivesSameScores) {
  const std::string dir = scratch_dir("sharded_model");
  const TinyModel tiny = write_tiny_model(dir, llama_spec());
  const auto sequences = make_sequences(64, 2);
  const auto single = model::load_reward_model(dir, {})->score(pack(sequences, all_indices(6)));
  std::map<std::string, RawTensor> first, second;
  nlohmann::json weight_map;
  for (const auto& [name, weight] : tiny.weights) {
    const bool in_first = name.find("layers.1.") == std::string::npos;
    (in_first ? first : second)[name] = make_tensor("F32", weight.first, weight.second);
    weight_map[name] = in_first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  std::filesystem::remove(dir + "/model.safetensors");
  write_safetensors(dir + "/model-00001-of-00002.safetensors", first);
  write_safetensors(dir + "/model-00002-of-00002.safetensors", second);
  std::ofstream(dir + "/model.safetensors.index.json") << nlohmann::json{{"weight_map", weight_map}}.dump();
  const auto sharded = model::load_reward_model(dir, {})->score(pack(sequences, all_indices(6)));
  EXPECT_EQ(single, sharded);
}

TEST(Decoder, InfoDescribesTheModel) {
  const TinyModelSpec spec = qwen3_spec();
  const TinyModel tiny = write_tiny_model(scratch_dir("info"), spec);
  auto model = model::load_reward_model(tiny.folder, {});
  const auto& info = model->info();
  int64_t total = 0;
  for (const auto& [name, weight] : tiny.weights) total += static_cast<int64_t>(weight.second.size());
  EXPECT_EQ(info.architecture, "Qwen3ForSequenceClassification");
  EXPECT_EQ(info.model_type, "qwen3");
  EXPECT_EQ(info.num_labels, 3);
  EXPECT_EQ(info.vocab_size, spec.vocab);
  EXPECT_EQ(info.num_parameters, total);
  EXPECT_EQ(info.num_non_embedding_parameters, total - spec.vocab * spec.hidden);
  EXPECT_EQ(info.pad_token_id, 0);
  EXPECT_EQ(info.eos_token_ids, std::vector<int64_t>{2});
  EXPECT_EQ(info.device, "cpu");
}

std::string load_error(const std::string& folder, const model::LoadOptions& options = {}) {
  try {
    model::load_reward_model(folder, options);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(DecoderErrors, MissingAndMisshapedWeights) {
  const std::string dir = scratch_dir("missing_weight");
  TinyModel tiny = write_tiny_model(dir, qwen3_spec());
  auto weights = tiny.weights;
  weights.erase("model.layers.1.self_attn.k_norm.weight");
  std::map<std::string, RawTensor> tensors;
  for (const auto& [name, weight] : weights) tensors[name] = make_tensor("F32", weight.first, weight.second);
  write_safetensors(dir + "/model.safetensors", tensors);
  std::string message = load_error(dir);
  EXPECT_NE(message.find("model.layers.1.self_attn.k_norm.weight"), std::string::npos) << message;
  EXPECT_NE(message.find("model.safetensors"), std::string::npos) << message;

  tensors["model.layers.1.self_attn.k_norm.weight"] = make_tensor("F32", {4}, {1, 1, 1, 1});
  write_safetensors(dir + "/model.safetensors", tensors);
  message = load_error(dir);
  EXPECT_NE(message.find("has shape [4], expected [8]"), std::string::npos) << message;
}

TEST(DecoderErrors, UnknownArchitectureListsSupportedOnes) {
  TinyModelSpec spec = llama_spec();
  spec.architecture = "FalconForSequenceClassification";
  const TinyModel tiny = write_tiny_model(scratch_dir("unknown_arch"), spec);
  const std::string message = load_error(tiny.folder);
  EXPECT_NE(message.find("FalconForSequenceClassification"), std::string::npos) << message;
  EXPECT_NE(message.find("LlamaForSequenceClassification"), std::string::npos) << message;
}

TEST(DecoderErrors, OptionsAndBatches) {
  const TinyModel tiny = write_tiny_model(scratch_dir("bad_options"), llama_spec());
  model::LoadOptions half;
  half.dtype = model::DType::Float16;
  EXPECT_THROW(model::load_reward_model(tiny.folder, half), ModelError);
  model::LoadOptions device;
  device.device = "tpu:0";
  EXPECT_THROW(model::load_reward_model(tiny.folder, device), Error);
  EXPECT_THROW(model::load_reward_model(scratch_dir("no_model_here"), {}), Error);
  EXPECT_THROW(model::parse_dtype("int8"), InputError);
  EXPECT_EQ(model::parse_dtype("bf16"), model::DType::BFloat16);

  auto model = model::load_reward_model(tiny.folder, {});
  PackedBatch batch;
  batch.token_ids = {1, 2, 3};
  batch.offsets = {0, 3};
  batch.position_start = {0};
  batch.pool_index = {3};
  EXPECT_THROW(model->score(batch), InputError);  // pool index past the end
  batch.pool_index = {2};
  batch.token_ids = {1, 2, 64};
  EXPECT_THROW(model->score(batch), InputError);  // token outside the vocabulary
  batch.token_ids = {1, 2, 3};
  batch.offsets = {0, 2};
  EXPECT_THROW(model->score(batch), InputError);  // offsets do not cover the tokens
  EXPECT_TRUE(model->score(PackedBatch{{}, {0}, {}, {}}).empty());
}

}  // namespace
}  // namespace rb::testing
