// config.json parsing (defaults as transformers' config classes set them, both RoPE forms),
// the architecture registry, and RoPE inverse frequencies against a float64 formula.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "model/architecture.h"
#include "model/loader.h"
#include "model/model_config.h"
#include "model/rope.h"
#include "reference_decoder.h"

namespace rb::model {
namespace {

const char* kMinimal = R"({"architectures":["LlamaForSequenceClassification"],"model_type":"llama",
  "hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":100})";

nlohmann::json minimal() { return nlohmann::json::parse(kMinimal); }

ModelConfig parse(const nlohmann::json& config) { return parse_model_config(config.dump(), "test/config.json"); }

std::string error_of(const nlohmann::json& config) {
  try {
    parse(config);
  } catch (const ModelError& error) {
    return error.what();
  }
  return "";
}

TEST(ModelConfig, DefaultsFollowTransformers) {
  const ModelConfig config = parse(minimal());
  EXPECT_EQ(config.num_key_value_heads, 8);
  EXPECT_EQ(config.head_dim, 8);
  EXPECT_FALSE(config.head_dim_given);
  EXPECT_EQ(config.common.num_labels, 2);  // PretrainedConfig default
  EXPECT_DOUBLE_EQ(config.rope.theta, 10000.0);
  EXPECT_EQ(config.rope.type, RopeType::Default);
  EXPECT_FALSE(config.common.pad_token_id.has_value());
  EXPECT_TRUE(config.common.eos_token_ids.empty());
  EXPECT_FALSE(config.sliding_window.has_value());
  EXPECT_DOUBLE_EQ(config.rms_norm_eps, 1e-6);
}

TEST(ModelConfig, ReadsExplicitFields) {
  auto json = minimal();
  json.update({{"num_key_value_heads", 2}, {"head_dim", 32}, {"rms_norm_eps", 1e-5}, {"pad_token_id", nullptr},
               {"eos_token_id", {128001, 128009}}, {"bos_token_id", 128000}, {"id2label", {{"0", "LABEL_0"}}},
               {"num_labels", 5}, {"attention_bias", true}, {"mlp_bias", true}, {"tie_word_embeddings", true},
               {"sliding_window", 4096}, {"use_sliding_window", true}, {"max_window_layers", 1},
               {"max_position_embeddings", 8192}});
  const ModelConfig config = parse(json);
  EXPECT_EQ(config.num_key_value_heads, 2);
  EXPECT_EQ(config.head_dim, 32);
  EXPECT_TRUE(config.head_dim_given);
  EXPECT_DOUBLE_EQ(config.rms_norm_eps, 1e-5);
  EXPECT_FALSE(config.common.pad_token_id.has_value());
  EXPECT_EQ(config.common.eos_token_ids, (std::vector<int64_t>{128001, 128009}));
  EXPECT_EQ(config.common.bos_token_id, 128000);
  EXPECT_EQ(config.common.num_labels, 1);  // id2label wins over num_labels
  EXPECT_TRUE(config.attention_bias && config.mlp_bias && config.common.tie_word_embeddings.value_or(false));
  EXPECT_EQ(config.sliding_window, 4096);
  EXPECT_TRUE(config.use_sliding_window);
  EXPECT_EQ(config.max_window_layers, 1);
  EXPECT_EQ(config.max_position_embeddings, 8192);
}

TEST(ModelConfig, NumLabelsWithoutId2Label) {
  auto json = minimal();
  json["num_labels"] = 3;
  EXPECT_EQ(parse(json).common.num_labels, 3);
  json["eos_token_id"] = 7;
  json["pad_token_id"] = 0;
  EXPECT_EQ(parse(json).common.eos_token_ids, (std::vector<int64_t>{7}));
  EXPECT_EQ(parse(json).common.pad_token_id, 0);
}

TEST(ModelConfig, RopeScalingOldForm) {
  auto json = minimal();
  json["rope_theta"] = 500000.0;
  json["rope_scaling"] = {{"factor", 8.0}, {"low_freq_factor", 1.0}, {"high_freq_factor", 4.0},
                          {"original_max_position_embeddings", 8192}, {"rope_type", "llama3"}};
  RopeConfig rope = parse(json).rope;
  EXPECT_EQ(rope.type, RopeType::Llama3);
  EXPECT_DOUBLE_EQ(rope.theta, 500000.0);
  EXPECT_DOUBLE_EQ(rope.factor, 8.0);
  EXPECT_DOUBLE_EQ(rope.high_freq_factor, 4.0);
  EXPECT_EQ(rope.original_max_position_embeddings, 8192);

  json["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};  // legacy "type" key
  rope = parse(json).rope;
  EXPECT_EQ(rope.type, RopeType::Linear);
  EXPECT_DOUBLE_EQ(rope.factor, 2.0);
  json["rope_scaling"] = nullptr;
  EXPECT_EQ(parse(json).rope.type, RopeType::Default);
}

TEST(ModelConfig, RopeParametersNewForm) {
  auto json = minimal();
  json["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", 1000000.0}};
  RopeConfig rope = parse(json).rope;
  EXPECT_EQ(rope.type, RopeType::Default);
  EXPECT_DOUBLE_EQ(rope.theta, 1000000.0);
  json["rope_parameters"] = {{"rope_type", "llama3"}, {"rope_theta", 500000.0}, {"factor", 32.0},
                             {"low_freq_factor", 1.0}, {"high_freq_factor", 4.0},
                             {"original_max_position_embeddings", 8192}};
  rope = parse(json).rope;
  EXPECT_EQ(rope.type, RopeType::Llama3);
  EXPECT_DOUBLE_EQ(rope.factor, 32.0);
  EXPECT_DOUBLE_EQ(rope.theta, 500000.0);
}

TEST(ModelConfig, RejectsWhatTheDecoderCannotRun) {
  auto json = minimal();
  json["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
  EXPECT_NE(error_of(json).find("rope type 'yarn' is not supported"), std::string::npos) << error_of(json);
  json = minimal();
  json["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}};
  EXPECT_NE(error_of(json).find("low_freq_factor"), std::string::npos) << error_of(json);
  json = minimal();
  json["hidden_act"] = "relu";
  EXPECT_NE(error_of(json).find("hidden_act"), std::string::npos);
  json = minimal();
  json.erase("hidden_size");
  EXPECT_NE(error_of(json).find("'hidden_size': missing"), std::string::npos);
  json = minimal();
  json["num_key_value_heads"] = 3;
  EXPECT_NE(error_of(json).find("num_key_value_heads"), std::string::npos);
  json = minimal();
  json["vocab_size"] = "many";
  EXPECT_NE(error_of(json).find("vocab_size"), std::string::npos);
  EXPECT_NE(error_of(json).find("test/config.json"), std::string::npos);
  EXPECT_THROW(parse_model_config("{not json", "x.json"), ModelError);
}

TEST(Architectures, RegistryAndLayouts) {
  const std::vector<std::string> supported = supported_architectures();
  for (const char* name : {"LlamaForSequenceClassification", "MistralForSequenceClassification",
                           "Qwen2ForSequenceClassification", "Qwen3ForSequenceClassification"})
    EXPECT_NE(std::find(supported.begin(), supported.end(), name), supported.end()) << name;
  try {
    find_architecture("FalconForSequenceClassification");
    FAIL();
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find("Qwen3ForSequenceClassification"), std::string::npos);
  }
  auto json = minimal();
  json["sliding_window"] = 16;
  json["use_sliding_window"] = true;
  json["max_window_layers"] = 1;
  ModelConfig config = parse(json);
  DecoderLayout qwen2 = resolve_layout(*find_architecture("Qwen2ForSequenceClassification").decoder, config);
  EXPECT_TRUE(qwen2.qkv_bias);
  EXPECT_FALSE(qwen2.o_bias);
  EXPECT_FALSE(qwen2.window_per_layer[0].has_value());
  EXPECT_EQ(qwen2.window_per_layer[1], 16);
  DecoderLayout mistral = resolve_layout(*find_architecture("MistralForSequenceClassification").decoder, config);
  EXPECT_EQ(mistral.window_per_layer[0], 16);
  DecoderLayout llama = resolve_layout(*find_architecture("LlamaForSequenceClassification").decoder, config);
  EXPECT_FALSE(llama.window_per_layer[1].has_value());
  EXPECT_EQ(resolve_layout(*find_architecture("Qwen3ForSequenceClassification").decoder, config).head_dim, 128);
  json["use_sliding_window"] = false;
  EXPECT_FALSE(resolve_layout(*find_architecture("Qwen2ForSequenceClassification").decoder, parse(json)).window_per_layer[1]);
}

TEST(Rope, InverseFrequenciesMatchFloat64Formula) {
  const nlohmann::json configs[] = {
      {{"rope_theta", 10000.0}},
      {{"rope_theta", 1000000.0}, {"rope_scaling", {{"type", "linear"}, {"factor", 4.0}}}},
      {{"rope_theta", 500000.0},
       {"rope_scaling", {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                         {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8192}}}}};
  for (const auto& extra : configs) {
    auto json = minimal();
    json.update(extra);
    for (int64_t head_dim : {64, 128}) {
      const std::vector<float> ours = rope_inv_freq(parse(json).rope, head_dim);
      const std::vector<double> expected = rb::testing::reference_inv_freq(json, head_dim);
      ASSERT_EQ(ours.size(), expected.size());
      for (size_t i = 0; i < ours.size(); ++i)
        EXPECT_NEAR(ours[i], expected[i], 3e-6 * expected[i]) << json.dump() << " i=" << i;
    }
  }
}

}  // namespace
}  // namespace rb::model
