// GPT-2, GPT-NeoX and the OpenAssistant GPT-NeoX reward model against the float64 reference
// (gpt_reference.cpp): packed scores and causal-LM log-probs for config variants, batch
// invariance, bf16 compute, and load / batch errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <random>

#include "common/error.h"
#include "gpt_reference.h"
#include "model/loader.h"
#include "packed_test_batch.h"
#include "tiny_model_writer.h"

namespace rb::testing::gpt {
namespace {

using model::PackedBatch;

std::vector<TestSequence> make_sequences(int64_t vocab, uint32_t seed) {
  return random_test_sequences(vocab, seed, {1, 3, 7, 12, 19, 9}, /*left_pad=*/5, /*pool_early_by=*/3);
}

using NamedSpec = rb::testing::NamedSpec<TinyGptSpec>;

void PrintTo(const NamedSpec& named, std::ostream* out) { *out << named.name; }

std::vector<NamedSpec> variants() {
  std::vector<NamedSpec> list;
  TinyGptSpec gpt2;
  list.push_back({"gpt2_default", gpt2});
  TinyGptSpec gpt2_flags = gpt2;
  gpt2_flags.extra_config = {{"scale_attn_weights", false}, {"scale_attn_by_inverse_layer_idx", true},
                             {"activation_function", "gelu"}, {"n_inner", nullptr}};
  gpt2_flags.inner = 4 * gpt2.hidden;
  gpt2_flags.num_labels = 3;
  list.push_back({"gpt2_layer_scaled_gelu_3labels", gpt2_flags});
  TinyGptSpec gpt2_bare = gpt2;
  gpt2_bare.weight_prefix = "";  // GPT2Model checkpoints: no transformer. prefix
  gpt2_bare.extra_config = {{"reorder_and_upcast_attn", true}};
  list.push_back({"gpt2_unprefixed_upcast", gpt2_bare});

  TinyGptSpec neox;
  neox.family = Family::Neox;
  neox.hidden = 32;
  neox.heads = 4;  // head_dim 8, rotary 2 dims
  list.push_back({"neox_parallel_quarter_rotary", neox});
  TinyGptSpec neox_sequential = neox;
  neox_sequential.extra_config = {{"use_parallel_residual", false}, {"rotary_pct", 1.0}, {"rotary_emb_base", 500},
                                  {"attention_bias", false}, {"hidden_act", "relu"}};
  list.push_back({"neox_sequential_full_rotary_nobias", neox_sequential});
  TinyGptSpec neox_v5 = neox;
  neox_v5.heads = 2;  // head_dim 16
  neox_v5.extra_config = {{"rope_parameters", {{"rope_type", "default"}, {"rope_theta", 777.0}, {"partial_rotary_factor", 0.5}}}};
  list.push_back({"neox_rope_parameters", neox_v5});

  TinyGptSpec oa = neox;
  oa.family = Family::OpenAssistant;
  oa.extra_config = {{"use_parallel_residual", false}};
  list.push_back({"openassistant_last", oa});
  TinyGptSpec oa_mean = oa;
  oa_mean.extra_config = {{"pooling", "mean"}, {"rotary_pct", 0.5}};
  list.push_back({"openassistant_mean", oa_mean});
  return list;
}

class GptReference : public ::testing::TestWithParam<NamedSpec> {};

TEST_P(GptReference, PackedScoresMatchFloat64Reference) {
  const TinyGpt tiny = write_tiny_gpt(scratch_dir("gpt_ref_" + GetParam().name), GetParam().spec);
  auto model = model::load_reward_model(tiny.folder, {});
  const auto sequences = make_sequences(GetParam().spec.vocab, 7);
  const auto scores = model->score(pack(sequences, all_indices(sequences.size())));
  ASSERT_EQ(scores.size(), sequences.size());
  double worst = 0;
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto expected =
        reference_gpt_score(tiny, sequences[i].tokens, sequences[i].position_start, sequences[i].pool_index);
    ASSERT_EQ(scores[i].size(), expected.size());
    for (size_t label = 0; label < expected.size(); ++label) {
      EXPECT_NEAR(scores[i][label], expected[label], 1e-5) << "sequence " << i << " label " << label;
      worst = std::max(worst, std::fabs(scores[i][label] - expected[label]));
    }
  }
  std::printf("[%s] max |packed fp32 - reference fp64| = %.3g\n", GetParam().name.c_str(), worst);
}

TEST_P(GptReference, CausalLmLogProbsMatchFloat64Reference) {
  if (GetParam().spec.family == Family::OpenAssistant) GTEST_SKIP() << "no LM head";
  TinyGptSpec spec = GetParam().spec;
  if (spec.num_labels != 1) spec.extra_config["tie_word_embeddings"] = false;  // one variant reads lm_head/embed_out tied
  if (spec.family == Family::Neox && spec.extra_config.contains("rope_parameters"))
    spec.extra_config["tie_word_embeddings"] = true;
  const TinyGpt tiny = write_tiny_gpt(scratch_dir("gpt_lm_" + GetParam().name), spec);
  auto lm = model::load_causal_lm(tiny.folder, {});
  const auto sequences = make_sequences(spec.vocab, 3);
  const auto rows = lm->next_token_log_probs(pack(sequences, all_indices(sequences.size())));
  ASSERT_EQ(rows.size(), sequences.size());
  double worst = 0;
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto expected = reference_gpt_log_probs(tiny, sequences[i].tokens, sequences[i].position_start);
    ASSERT_EQ(rows[i].size(), expected.size()) << "sequence " << i;
    for (size_t t = 0; t < expected.size(); ++t) {
      EXPECT_NEAR(rows[i][t], expected[t], 2e-5) << "sequence " << i << " token " << t;
      worst = std::max(worst, std::fabs(rows[i][t] - expected[t]));
    }
  }
  std::printf("[%s] causal LM max |fp32 - reference fp64| = %.3g\n", GetParam().name.c_str(), worst);
}

INSTANTIATE_TEST_SUITE_P(Variants, GptReference, ::testing::ValuesIn(variants()),
                         [](const auto& info) { return info.param.name; });

TEST(GptModels, ConfigVariantsChangeScores) {
  // Guards against a reference and a model that both ignore a field.
  const auto sequences = make_sequences(64, 5);
  auto first_score = [&](const TinyGptSpec& spec, const std::string& name) {
    const TinyGpt tiny = write_tiny_gpt(scratch_dir("gpt_guard_" + name), spec);
    return model::load_reward_model(tiny.folder, {})->score(pack(sequences, {4}))[0][0];
  };
  TinyGptSpec neox;
  neox.family = Family::Neox;
  TinyGptSpec sequential = neox;
  sequential.extra_config = {{"use_parallel_residual", false}};
  TinyGptSpec full_rotary = neox;  // with 2 rotary dims the base is irrelevant (inv_freq = [1])
  full_rotary.extra_config = {{"rotary_pct", 1.0}};
  TinyGptSpec other_base = neox;
  other_base.extra_config = {{"rotary_pct", 1.0}, {"rotary_emb_base", 3}};
  TinyGptSpec gpt2;
  TinyGptSpec gpt2_scaled = gpt2;
  gpt2_scaled.extra_config = {{"scale_attn_by_inverse_layer_idx", true}};
  const float base = first_score(neox, "neox");
  EXPECT_GT(std::fabs(base - first_score(sequential, "sequential")), 1e-4);
  EXPECT_GT(std::fabs(base - first_score(full_rotary, "full_rotary")), 1e-4);
  EXPECT_GT(std::fabs(first_score(full_rotary, "full_rotary") - first_score(other_base, "base")), 1e-4);
  EXPECT_GT(std::fabs(first_score(gpt2, "gpt2") - first_score(gpt2_scaled, "gpt2_scaled")), 1e-4);
}

TEST(GptModels, OpenAssistantPoolsTheLastTokenWhateverPoolIndexSays) {
  TinyGptSpec spec;
  spec.family = Family::OpenAssistant;
  const TinyGpt tiny = write_tiny_gpt(scratch_dir("gpt_oa_pool"), spec);
  auto model = model::load_reward_model(tiny.folder, {});
  EXPECT_EQ(model->info().architecture, "GPTNeoXRewardModel");
  EXPECT_EQ(model->info().num_labels, 1);
  auto sequences = make_sequences(spec.vocab, 9);
  const auto a = model->score(pack(sequences, {4}));
  sequences[4].pool_index = 2;
  const auto b = model->score(pack(sequences, {4}));
  EXPECT_EQ(a[0][0], b[0][0]);
}

// Largest |score in a batch - score alone| over several batch compositions.
double batch_variation(model::RewardModel& model, const std::vector<TestSequence>& sequences) {
  const size_t n = sequences.size();
  std::vector<std::vector<float>> alone;
  for (size_t i = 0; i < n; ++i) alone.push_back(model.score(pack(sequences, {i}))[0]);
  std::vector<std::vector<size_t>> compositions = {all_indices(n), {5, 4, 3, 2, 1, 0}, {2, 0}, {4, 4, 4}};
  std::vector<size_t> many;  // > 128 rows, so several tiles
  for (size_t repeat = 0; repeat < 5; ++repeat)
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

double lm_batch_variation(model::CausalLanguageModel& lm, const std::vector<TestSequence>& sequences) {
  const size_t n = sequences.size();
  std::vector<std::vector<float>> alone;
  for (size_t i = 0; i < n; ++i) alone.push_back(lm.next_token_log_probs(pack(sequences, {i}))[0]);
  std::vector<size_t> many;
  for (size_t repeat = 0; repeat < 5; ++repeat)
    for (size_t i = 0; i < n; ++i) many.push_back((i + repeat) % n);
  double worst = 0;
  const auto rows = lm.next_token_log_probs(pack(sequences, many));
  for (size_t j = 0; j < many.size(); ++j)
    for (size_t t = 0; t < rows[j].size(); ++t)
      worst = std::max(worst, static_cast<double>(std::fabs(rows[j][t] - alone[many[j]][t])));
  return worst;
}

TEST(GptModels, BatchInvariantModeIsBitwise) {
  TinyGptSpec gpt2;
  gpt2.hidden = 48;  // widths that leave vector remainders
  gpt2.heads = 3;
  gpt2.inner = 72;
  TinyGptSpec neox;
  neox.family = Family::Neox;
  TinyGptSpec oa = neox;
  oa.family = Family::OpenAssistant;
  oa.extra_config = {{"pooling", "mean"}};
  int index = 0;
  for (const TinyGptSpec& spec : {gpt2, neox, oa}) {
    const TinyGpt tiny = write_tiny_gpt(scratch_dir("gpt_invariance_" + std::to_string(index++)), spec);
    const auto sequences = make_sequences(spec.vocab, 11);
    for (model::DType dtype : {model::DType::Float32, model::DType::BFloat16}) {
      model::LoadOptions options;
      options.dtype = dtype;
      auto model = model::load_reward_model(tiny.folder, options);
      EXPECT_EQ(batch_variation(*model, sequences), 0.0) << tiny.folder << " " << model::dtype_name(dtype);
      if (spec.family != Family::OpenAssistant) {
        auto lm = model::load_causal_lm(tiny.folder, options);
        EXPECT_EQ(lm_batch_variation(*lm, sequences), 0.0) << tiny.folder << " LM " << model::dtype_name(dtype);
      }
    }
  }
}

TEST(GptModels, Bfloat16ComputeIsCloseToReference) {
  TinyGptSpec gpt2;
  TinyGptSpec neox;
  neox.family = Family::Neox;
  int index = 0;
  for (TinyGptSpec spec : {gpt2, neox}) {
    spec.storage_dtype = "BF16";
    const TinyGpt tiny = write_tiny_gpt(scratch_dir("gpt_bf16_" + std::to_string(index++)), spec);
    model::LoadOptions options;
    options.dtype = model::DType::BFloat16;
    auto model = model::load_reward_model(tiny.folder, options);
    EXPECT_EQ(model->info().dtype, model::DType::BFloat16);
    const auto sequences = make_sequences(spec.vocab, 13);
    const auto scores = model->score(pack(sequences, all_indices(sequences.size())));
    for (size_t i = 0; i < sequences.size(); ++i) {
      const auto expected =
          reference_gpt_score(tiny, sequences[i].tokens, sequences[i].position_start, sequences[i].pool_index);
      EXPECT_NEAR(scores[i][0], expected[0], 0.08 * std::max(1.0, std::fabs(expected[0]))) << tiny.folder << " " << i;
      // The score head runs in bf16, so every score is a bf16 value.
      EXPECT_EQ(scores[i][0], bf16_bits_to_float(float_to_bf16_bits(scores[i][0])));
    }
  }
}

TEST(GptModels, InfoCountsParameters) {
  TinyGptSpec spec;
  const TinyGpt tiny = write_tiny_gpt(scratch_dir("gpt_info"), spec);
  auto model = model::load_reward_model(tiny.folder, {});
  const auto& info = model->info();
  EXPECT_EQ(info.architecture, "GPT2ForSequenceClassification");
  EXPECT_EQ(info.model_type, "gpt2");
  EXPECT_EQ(info.vocab_size, spec.vocab);
  EXPECT_FALSE(info.pad_token_id.has_value());
  const int64_t h = spec.hidden, inner = spec.inner;
  const int64_t per_layer = 4 * h + (h * 3 * h + 3 * h) + (h * h + h) + (h * inner + inner) + (inner * h + h);
  const int64_t non_embedding = spec.layers * per_layer + 2 * h + spec.num_labels * h;
  EXPECT_EQ(info.num_non_embedding_parameters, non_embedding);
  EXPECT_EQ(info.num_parameters, non_embedding + spec.vocab * h + spec.positions * h);
}

void expect_model_error(const TinyGptSpec& spec, const std::string& name, const std::string& needle) {
  const TinyGpt tiny = write_tiny_gpt(scratch_dir("gpt_error_" + name), spec);
  try {
    model::load_reward_model(tiny.folder, {});
    ADD_FAILURE() << name << ": no error";
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
  }
}

TEST(GptModels, BadConfigsAreModelErrorsNamingTheField) {
  TinyGptSpec gpt2;
  TinyGptSpec heads = gpt2;
  heads.extra_config = {{"n_head", 5}};
  expect_model_error(heads, "heads", "'n_head'");
  TinyGptSpec activation = gpt2;
  activation.extra_config = {{"activation_function", "mish"}};
  expect_model_error(activation, "activation", "'activation_function'");
  TinyGptSpec neox;
  neox.family = Family::Neox;
  TinyGptSpec odd = neox;
  odd.extra_config = {{"rotary_pct", 0.125}};  // head_dim 8 -> 1 rotary dim
  expect_model_error(odd, "odd_rotary", "'rotary_pct'");
  TinyGptSpec pooling = neox;
  pooling.family = Family::OpenAssistant;
  pooling.extra_config = {{"pooling", "first"}};
  expect_model_error(pooling, "pooling", "'pooling'");
  TinyGptSpec scaling = neox;
  scaling.extra_config = {{"rope_scaling", {{"type", "dynamic"}, {"factor", 2.0}}}};
  expect_model_error(scaling, "rope_scaling", "rope_scaling.rope_type");
  TinyGptSpec shape = gpt2;
  shape.extra_config = {{"n_inner", 40}};  // weights were written for 48
  expect_model_error(shape, "shape", "mlp.c_fc.weight");
}

TEST(GptModels, BatchErrorsAreInputErrors) {
  TinyGptSpec spec;
  spec.positions = 16;
  const TinyGpt tiny = write_tiny_gpt(scratch_dir("gpt_batch_errors"), spec);
  auto model = model::load_reward_model(tiny.folder, {});
  auto sequences = make_sequences(spec.vocab, 1);
  EXPECT_THROW(model->score(pack(sequences, {4})), InputError);  // 19 tokens > n_positions 16
  sequences[2].tokens[0] = static_cast<int32_t>(spec.vocab);
  EXPECT_THROW(model->score(pack(sequences, {2})), InputError);
}

}  // namespace
}  // namespace rb::testing::gpt
