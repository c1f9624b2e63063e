// Custom reward heads on the shared decoder backbone (value-head family: GRM, UltraRM, INF-ORM;
// ArmoRM's gated multi-objective head) against heads computed here in float64 on the reference
// decoder's hidden states, from weight files written with the checkpoints' tensor names.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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
using Matrix = std::vector<std::vector<double>>;  // [out][in]

struct HeadModel {
  TinyModel tiny;
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<float>>> head;  // extra tensors
};

// A backbone-only tiny model plus `head` tensors (uniform in +-spread), under a new class name.
HeadModel write_head_model(const std::string& name, TinyModelSpec spec, const std::string& architecture,
                           const std::vector<std::pair<std::string, std::vector<int64_t>>>& tensors,
                           const nlohmann::json& extra_config, uint32_t seed = 3) {
  spec.head = "none";
  HeadModel model;
  model.tiny = write_tiny_model(scratch_dir(name), spec);
  std::mt19937 rng(seed);
  for (const auto& [tensor, shape] : tensors) {
    int64_t count = 1;
    for (int64_t dim : shape) count *= dim;
    const double spread = 1.0 / std::sqrt(static_cast<double>(shape.back()));
    std::uniform_real_distribution<float> uniform(static_cast<float>(-spread), static_cast<float>(spread));
    std::vector<float> values(static_cast<size_t>(count));
    for (float& value : values) value = uniform(rng);
    model.head[tensor] = {shape, values};
  }
  std::map<std::string, RawTensor> raw;
  for (const auto& [tensor, weight] : model.tiny.weights) raw[tensor] = make_tensor("F32", weight.first, weight.second);
  for (const auto& [tensor, weight] : model.head) raw[tensor] = make_tensor("F32", weight.first, weight.second);
  write_safetensors(model.tiny.folder + "/model.safetensors", raw);
  model.tiny.config["architectures"] = {architecture};
  model.tiny.config.merge_patch(extra_config);
  std::ofstream(model.tiny.folder + "/config.json") << model.tiny.config.dump(2);
  return model;
}

std::vector<double> linear(const HeadModel& model, const std::string& name, const std::vector<double>& x, bool bias) {
  const auto& [shape, values] = model.head.at(name + ".weight");
  std::vector<double> y(static_cast<size_t>(shape[0]), 0.0);
  for (int64_t o = 0; o < shape[0]; ++o) {
    for (int64_t i = 0; i < shape[1]; ++i) y[o] += values[static_cast<size_t>(o * shape[1] + i)] * x[static_cast<size_t>(i)];
    if (bias) y[o] += model.head.at(name + ".bias").second[static_cast<size_t>(o)];
  }
  return y;
}

std::vector<double> relu(std::vector<double> x) {
  for (double& v : x) v = std::max(0.0, v);
  return x;
}

std::vector<TestSequence> random_sequences(uint32_t seed, int64_t vocab) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> token(0, static_cast<int32_t>(vocab) - 1);
  std::vector<TestSequence> sequences;
  for (int64_t length : {1, 4, 9, 15, 6}) {
    TestSequence s;
    for (int64_t t = 0; t < length; ++t) s.tokens.push_back(token(rng));
    s.pool_index = length > 4 ? length - 2 : length - 1;
    s.position_start = length % 2;
    sequences.push_back(s);
  }
  return sequences;
}

// Scores of every sequence vs `expected(sequence, pooled hidden row, all hidden rows)`.
template <typename Expected>
void expect_scores(const HeadModel& model, const std::vector<TestSequence>& sequences, Expected expected,
                   double tolerance = 1e-5) {
  auto loaded = model::load_reward_model(model.tiny.folder, {});
  const auto scores = loaded->score(pack(sequences, all_indices(sequences.size())));
  ASSERT_EQ(scores.size(), sequences.size());
  for (size_t i = 0; i < sequences.size(); ++i) {
    const Matrix hidden = reference_hidden_states(model.tiny, sequences[i].tokens, sequences[i].position_start);
    const std::vector<double> want = expected(sequences[i], hidden[static_cast<size_t>(sequences[i].pool_index)], hidden);
    ASSERT_EQ(scores[i].size(), want.size());
    for (size_t label = 0; label < want.size(); ++label)
      EXPECT_NEAR(scores[i][label], want[label], tolerance * std::max(1.0, std::fabs(want[label]))) << "sequence " << i;
  }
  // Batched equals alone, bitwise (batch-invariant mode is the default).
  for (size_t i = 0; i < sequences.size(); ++i) EXPECT_EQ(loaded->score(pack(sequences, {i}))[0], scores[i]);
}

TEST(ValueHeads, GrmMlpOnLlamaAndGemma2Backbones) {
  for (const auto& [name, spec] : {std::pair{"llama", llama_spec()}, std::pair{"gemma2", gemma2_spec()}}) {
    const int64_t h = spec.hidden;
    const HeadModel model = write_head_model(
        std::string("grm_") + name, spec, "GRewardModel",
        {{"v_head.summary.0.weight", {24, h}}, {"v_head.summary.0.bias", {24}},
         {"v_head.summary.2.weight", {24, 24}}, {"v_head.summary.2.bias", {24}},
         {"v_head.summary.4.weight", {1, 24}}, {"v_head.summary.4.bias", {1}}},
        {{"vhead_layer_type", "mlp"}, {"vhead_num_neurons", 24}, {"vhead_num_layers", 2}});
    expect_scores(model, random_sequences(1, spec.vocab), [&](const TestSequence&, const std::vector<double>& x, const Matrix&) {
      auto y = relu(linear(model, "v_head.summary.0", x, true));
      y = relu(linear(model, "v_head.summary.2", y, true));
      return linear(model, "v_head.summary.4", y, true);
    });
    EXPECT_EQ(model::load_reward_model(model.tiny.folder, {})->info().architecture, "GRewardModel");
  }
}

TEST(ValueHeads, GrmLinearUltraRmAndInfOrm) {
  const int64_t h = llama_spec().hidden;
  const HeadModel grm = write_head_model("grm_linear", llama_spec(), "GRewardModel",
                                         {{"v_head.summary.weight", {1, h}}, {"v_head.summary.bias", {1}}},
                                         {{"vhead_layer_type", "linear"}});
  expect_scores(grm, random_sequences(2, 64), [&](const TestSequence&, const std::vector<double>& x, const Matrix&) {
    return linear(grm, "v_head.summary", x, true);
  });
  const HeadModel ultra = write_head_model("ultrarm", llama_spec(), "LlamaRewardModel",
                                           {{"regression_head.weight", {1, h}}}, nlohmann::json::object());
  expect_scores(ultra, random_sequences(3, 64), [&](const TestSequence&, const std::vector<double>& x, const Matrix&) {
    return linear(ultra, "regression_head", x, false);
  });
  const HeadModel inf = write_head_model("inf_orm", llama_spec(), "INFORMForSequenceClassification",
                                         {{"score.0.weight", {h, h}}, {"score.0.bias", {h}},
                                          {"score.2.weight", {1, h}}, {"score.2.bias", {1}}},
                                         nlohmann::json::object());
  expect_scores(inf, random_sequences(4, 64), [&](const TestSequence&, const std::vector<double>& x, const Matrix&) {
    return linear(inf, "score.2", relu(linear(inf, "score.0", x, true)), true);
  });
}

const std::vector<int32_t> kPattern = {128009, 128006, 78191, 128007, 271};

TEST(ArmoRm, GatedScoreAtTheLastAssistantHeader) {
  TinyModelSpec spec = llama_spec();
  spec.vocab = 128256;  // the gating pattern is made of Llama-3 ids
  spec.hidden = 16;
  spec.heads = 2;
  spec.kv_heads = 1;
  spec.head_dim = 8;
  spec.intermediate = 24;
  spec.storage_dtype = "BF16";
  const int64_t h = spec.hidden, k = 4, hidden_gate = 12;
  const HeadModel model = write_head_model(
      "armorm", spec, "LlamaForRewardModelWithGating",
      {{"regression_layer.weight", {k, h}}, {"reward_transform_matrix", {k, k}}, {"gating.logit_scale", {1}},
       {"gating.layers.0.weight", {hidden_gate, h}}, {"gating.layers.0.bias", {hidden_gate}},
       {"gating.layers.1.weight", {hidden_gate, hidden_gate}}, {"gating.layers.1.bias", {hidden_gate}},
       {"gating.layers.2.weight", {k, hidden_gate}}, {"gating.layers.2.bias", {k}}},
      {{"num_objectives", k}, {"gating_temperature", 0.5}, {"gating_hidden_dim", hidden_gate}, {"gating_n_hidden", 2}});
  // Sequences with the pattern once, twice (the last counts) and after the pooled token.
  std::vector<TestSequence> sequences = random_sequences(5, 64);
  sequences.erase(sequences.begin(), sequences.begin() + 2);  // too short for the pattern
  auto insert = [&](TestSequence& s, size_t at) { s.tokens.insert(s.tokens.begin() + static_cast<long>(at), kPattern.begin(), kPattern.end()); };
  insert(sequences[0], 2);
  insert(sequences[1], 1);
  insert(sequences[1], 10);
  insert(sequences[2], 3);
  for (TestSequence& s : sequences) s.pool_index = static_cast<int64_t>(s.tokens.size()) - 1;
  sequences[2].pool_index = 1;  // pooled before the pattern: ArmoRM still gates at the pattern
  auto gate_row = [](const TestSequence& s) {
    for (int64_t j = static_cast<int64_t>(s.tokens.size()) - 5; j >= 0; --j)
      if (std::equal(kPattern.begin(), kPattern.end(), s.tokens.begin() + j)) return static_cast<size_t>(j);
    return size_t{0};
  };
  expect_scores(model, sequences, [&](const TestSequence& s, const std::vector<double>& pooled, const Matrix& hidden) {
    const std::vector<double> rewards = linear(model, "regression_layer", pooled, false);
    std::vector<double> x = relu(linear(model, "gating.layers.0", hidden[gate_row(s)], true));
    x = relu(linear(model, "gating.layers.1", x, true));
    x = linear(model, "gating.layers.2", x, true);
    double largest = *std::max_element(x.begin(), x.end()), total = 0;
    for (double& v : x) total += (v = std::exp((v - largest) / 0.5));
    const auto& transform = model.head.at("reward_transform_matrix").second;
    const double scale = model.head.at("gating.logit_scale").second[0];
    double score = 0;
    for (int64_t j = 0; j < k; ++j) {
      double adjusted = 0;
      for (int64_t i = 0; i < k; ++i) adjusted += rewards[static_cast<size_t>(i)] * transform[static_cast<size_t>(i * k + j)];
      score += x[static_cast<size_t>(j)] / total * scale * adjusted;
    }
    return std::vector<double>{score};
  }, 2e-5);
  auto loaded = model::load_reward_model(model.tiny.folder, {});
  EXPECT_EQ(loaded->info().architecture, "LlamaForRewardModelWithGating");
  EXPECT_THROW(loaded->score(pack(random_sequences(6, 64), {3})), InputError);  // no pattern to gate on
}

TEST(CustomHeadErrors, BackboneAndWeights) {
  TinyModelSpec spec = llama_spec();
  spec.model_type = "falcon";
  const HeadModel unknown = write_head_model("head_unknown_backbone", spec, "LlamaRewardModel",
                                             {{"regression_head.weight", {1, spec.hidden}}}, nlohmann::json::object());
  try {
    model::load_reward_model(unknown.tiny.folder, {});
    FAIL() << "expected an unsupported backbone";
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find("model_type"), std::string::npos) << error.what();
  }
  const HeadModel missing = write_head_model("head_missing", llama_spec(), "GRewardModel",
                                             {{"v_head.summary.0.weight", {8, llama_spec().hidden}}},
                                             {{"vhead_num_neurons", 8}});
  try {
    model::load_reward_model(missing.tiny.folder, {});
    FAIL() << "expected a missing v_head weight";
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find("v_head.summary.0.bias"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace rb::testing
