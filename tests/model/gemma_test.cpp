// Gemma-2 and Gemma-3 text through the shared decoder against the naive float64 reference:
// scores and causal-LM log-probabilities, each Gemma feature shown to matter (attention and
// final soft-capping, alternating windows, Gemma-3's local rope), both rope config forms,
// batch invariance and bf16 compute.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "common/error.h"
#include "model/loader.h"
#include "packed_test_batch.h"
#include "reference_decoder.h"
#include "tiny_model_writer.h"

namespace rb::testing {
namespace {

using model::PackedBatch;

// Lengths straddle the windows (3, 4) of the presets; one sequence pools before its end.
std::vector<TestSequence> make_sequences(int64_t vocab, uint32_t seed) {
  return random_test_sequences(vocab, seed, {1, 3, 7, 12, 18, 9}, /*left_pad=*/2, /*pool_early_by=*/2);
}

// Largest |ours - reference| over every sequence's scores; fails above `tolerance`.
double score_error(const TinyModel& tiny, const model::LoadOptions& options, double tolerance) {
  auto model = model::load_reward_model(tiny.folder, options);
  const auto sequences = make_sequences(tiny.config["vocab_size"].get<int64_t>(), 7);
  const auto scores = model->score(pack(sequences, all_indices(sequences.size())));
  double worst = 0;
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto expected = reference_score(tiny, sequences[i].tokens, sequences[i].position_start, sequences[i].pool_index);
    for (size_t label = 0; label < expected.size(); ++label) {
      const double allowed = tolerance * std::max(1.0, std::fabs(expected[label]));
      EXPECT_NEAR(scores[i][label], expected[label], allowed) << "sequence " << i << " label " << label;
      worst = std::max(worst, std::fabs(scores[i][label] - expected[label]));
    }
  }
  return worst;
}

double log_prob_error(const TinyModel& tiny, double tolerance) {
  auto model = model::load_causal_lm(tiny.folder, {});
  const auto sequences = make_sequences(tiny.config["vocab_size"].get<int64_t>(), 3);
  const auto log_probs = model->next_token_log_probs(pack(sequences, all_indices(sequences.size())));
  double worst = 0;
  for (size_t i = 0; i < sequences.size(); ++i) {
    const auto expected = reference_next_token_log_probs(tiny, sequences[i].tokens, sequences[i].position_start);
    EXPECT_EQ(log_probs[i].size(), expected.size());
    for (size_t t = 0; t < expected.size() && t < log_probs[i].size(); ++t) {
      EXPECT_NEAR(log_probs[i][t], expected[t], tolerance) << "sequence " << i << " token " << t;
      worst = std::max(worst, std::fabs(log_probs[i][t] - expected[t]));
    }
  }
  return worst;
}

std::vector<float> first_scores(const TinyModel& tiny) {
  const auto sequences = make_sequences(tiny.config["vocab_size"].get<int64_t>(), 7);
  std::vector<float> values;
  for (const auto& row : model::load_reward_model(tiny.folder, {})->score(pack(sequences, all_indices(sequences.size()))))
    values.insert(values.end(), row.begin(), row.end());
  return values;
}

double largest_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double largest = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    largest = std::max(largest, static_cast<double>(std::fabs(a[i] - b[i])));
  return largest;
}

TEST(Gemma, ScoresMatchNaiveFloat64) {
  for (const auto& [name, spec] : {std::pair{"gemma2", gemma2_spec()}, std::pair{"gemma3", gemma3_spec()}}) {
    const TinyModel tiny = write_tiny_model(scratch_dir(std::string("gemma_ref_") + name), spec);
    const double worst = score_error(tiny, {}, 1e-5);
    std::printf("[%s] max |packed fp32 - reference fp64| = %.3g\n", name, worst);
  }
}

TEST(Gemma, CausalLogProbsMatchNaiveFloat64) {
  const std::vector<std::pair<std::string, TinyModelSpec>> cases = {
      {"gemma2_tied", as_causal_lm(gemma2_spec(), true)},
      {"gemma2_own_head", as_causal_lm(gemma2_spec(), false)},
      {"gemma3_tied", as_causal_lm(gemma3_spec(), true)}};
  for (const auto& [name, spec] : cases) {
    const TinyModel tiny = write_tiny_model(scratch_dir("gemma_lm_" + name), spec);
    EXPECT_EQ(model::load_causal_lm(tiny.folder, {})->info().architecture, spec.architecture);
    const double worst = log_prob_error(tiny, 2e-5);
    std::printf("[%s] max |log-prob fp32 - reference fp64| = %.3g\n", name.c_str(), worst);
  }
}

// Each option, switched off in the config, must change the scores: a reference and decoder that
// both ignored it would otherwise agree.
TEST(Gemma, EveryFeatureMatters) {
  const TinyModel base2 = write_tiny_model(scratch_dir("gemma_feature_base2"), gemma2_spec());
  const TinyModel base3 = write_tiny_model(scratch_dir("gemma_feature_base3"), gemma3_spec());
  const std::vector<float> reference2 = first_scores(base2);
  const std::vector<float> reference3 = first_scores(base3);
  const std::vector<std::pair<std::string, nlohmann::json>> gemma2_changes = {
      {"attn_logit_softcapping", nullptr}, {"sliding_window", nullptr}, {"query_pre_attn_scalar", 16}};
  for (const auto& [key, value] : gemma2_changes) {
    TinyModelSpec spec = gemma2_spec();
    spec.extra_config[key] = value;
    const TinyModel changed = write_tiny_model(scratch_dir("gemma_feature_" + key), spec);
    EXPECT_GT(largest_difference(reference2, first_scores(changed)), 1e-3) << key;
  }
  const std::vector<std::pair<std::string, nlohmann::json>> gemma3_changes = {
      {"rope_local_base_freq", 1000000.0}, {"sliding_window_pattern", 2}};
  for (const auto& [key, value] : gemma3_changes) {
    TinyModelSpec spec = gemma3_spec();
    spec.extra_config[key] = value;
    const TinyModel changed = write_tiny_model(scratch_dir("gemma3_feature_" + key), spec);
    EXPECT_GT(largest_difference(reference3, first_scores(changed)), 1e-3) << key;
    score_error(changed, {}, 1e-5);  // and the reference follows the change
  }
  // The final soft-cap touches only the LM head.
  TinyModelSpec capped = as_causal_lm(gemma2_spec(), true);
  TinyModelSpec uncapped = capped;
  uncapped.extra_config["final_logit_softcapping"] = nullptr;
  const auto sequences = make_sequences(64, 3);
  const auto a = model::load_causal_lm(write_tiny_model(scratch_dir("gemma_cap_on"), capped).folder, {})
                     ->next_token_log_probs(pack(sequences, {4}));
  const auto b = model::load_causal_lm(write_tiny_model(scratch_dir("gemma_cap_off"), uncapped).folder, {})
                     ->next_token_log_probs(pack(sequences, {4}));
  EXPECT_GT(largest_difference(a[0], b[0]), 1e-3);
}

TEST(Gemma, LayerTypesAndClassDefaults) {
  // layer_types overrides the alternation; absent soft-caps take Gemma2Config's defaults (50, 30).
  TinyModelSpec spec = gemma2_spec();
  spec.extra_config["layer_types"] = {"full_attention", "sliding_attention", "sliding_attention"};
  const TinyModel typed = write_tiny_model(scratch_dir("gemma_layer_types"), spec);
  score_error(typed, {}, 1e-5);
  EXPECT_GT(largest_difference(first_scores(typed),
                               first_scores(write_tiny_model(scratch_dir("gemma_layer_alt"), gemma2_spec()))),
            1e-3);
  TinyModelSpec defaults = gemma2_spec();
  defaults.extra_config.erase("attn_logit_softcapping");
  TinyModelSpec explicit_caps = gemma2_spec();
  explicit_caps.extra_config["attn_logit_softcapping"] = 50.0;
  EXPECT_EQ(first_scores(write_tiny_model(scratch_dir("gemma_default_caps"), defaults)),
            first_scores(write_tiny_model(scratch_dir("gemma_explicit_caps"), explicit_caps)));
}

TEST(Gemma, Gemma3DefaultGlobalRopeTheta) {
  // Gemma3TextConfig's global rope theta is 1e6 when config.json has none (10000 elsewhere).
  TinyModelSpec absent = gemma3_spec();
  absent.extra_config.erase("rope_theta");
  TinyModelSpec explicit_theta = gemma3_spec();
  explicit_theta.extra_config["rope_theta"] = 1000000.0;
  TinyModelSpec other = gemma3_spec();
  other.extra_config["rope_theta"] = 10000.0;
  const auto with_default = first_scores(write_tiny_model(scratch_dir("gemma3_theta_absent"), absent));
  EXPECT_EQ(with_default, first_scores(write_tiny_model(scratch_dir("gemma3_theta_1e6"), explicit_theta)));
  EXPECT_GT(largest_difference(with_default, first_scores(write_tiny_model(scratch_dir("gemma3_theta_1e4"), other))),
            1e-4);
}

TEST(Gemma, Gemma3IgnoresAttentionSoftCapping) {
  TinyModelSpec capped = gemma3_spec();
  capped.extra_config["attn_logit_softcapping"] = 0.5;
  EXPECT_EQ(first_scores(write_tiny_model(scratch_dir("gemma3_cap_set"), capped)),
            first_scores(write_tiny_model(scratch_dir("gemma3_cap_null"), gemma3_spec())));
}

TEST(Gemma, PerLayerTypeRopeParametersEqualLegacyFields) {
  // transformers 5 writes Gemma-3's rope as rope_parameters per layer type; older configs use
  // rope_theta + rope_scaling + rope_local_base_freq. Both must give the same network.
  TinyModelSpec legacy = gemma3_spec();
  TinyModelSpec modern = gemma3_spec();
  for (const char* key : {"rope_theta", "rope_scaling", "rope_local_base_freq"}) modern.extra_config.erase(key);
  modern.extra_config["rope_parameters"] = {
      {"full_attention", {{"rope_type", "linear"}, {"factor", 4.0}, {"rope_theta", 1000000.0}}},
      {"sliding_attention", {{"rope_type", "default"}, {"rope_theta", 100.0}}}};
  EXPECT_EQ(first_scores(write_tiny_model(scratch_dir("gemma3_rope_legacy"), legacy)),
            first_scores(write_tiny_model(scratch_dir("gemma3_rope_modern"), modern)));
}

TEST(Gemma, BatchInvariantAndBfloat16) {
  const TinyModel tiny = write_tiny_model(scratch_dir("gemma_invariance"), gemma2_spec());
  const auto sequences = make_sequences(64, 11);
  for (model::DType dtype : {model::DType::Float32, model::DType::BFloat16}) {
    model::LoadOptions options;
    options.dtype = dtype;
    auto model = model::load_reward_model(tiny.folder, options);
    std::vector<size_t> order = all_indices(sequences.size());
    std::reverse(order.begin(), order.end());
    const auto batched = model->score(pack(sequences, order));
    for (size_t j = 0; j < order.size(); ++j)
      EXPECT_EQ(batched[j], model->score(pack(sequences, {order[j]}))[0]) << model::dtype_name(dtype) << " " << j;
  }
  model::LoadOptions bf16;
  bf16.dtype = model::DType::BFloat16;
  score_error(tiny, bf16, 0.08);
}

}  // namespace
}  // namespace rb::testing
