// Asset generation: same seed -> byte-identical folder; the config, weights and tokenizer agree
// with one another; weights have the advertised distribution.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../support/test_support.h"
#include "app/demo_assets.h"
#include "common/error.h"

namespace {

namespace fs = std::filesystem;

using rb::testing::read_file;

class DemoAssets : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("rb_demo_assets_" + std::to_string(::getpid()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

const std::vector<std::string> kModelFiles = {"config.json", "model.safetensors", "tokenizer.json",
                                              "tokenizer_config.json", "README.md"};

TEST_F(DemoAssets, SameSeedGivesByteIdenticalFiles) {
  rb::app::write_demo_assets((root_ / "a").string(), 7);
  rb::app::write_demo_assets((root_ / "b").string(), 7);
  rb::app::write_demo_assets((root_ / "c").string(), 8);
  for (const std::string& name : kModelFiles) {
    std::string first = read_file(root_ / "a" / "model" / name);
    ASSERT_FALSE(first.empty()) << name;
    EXPECT_EQ(first, read_file(root_ / "b" / "model" / name)) << name;
  }
  EXPECT_EQ(read_file(root_ / "a" / "preference_pairs.jsonl"), read_file(root_ / "b" / "preference_pairs.jsonl"));
  EXPECT_NE(read_file(root_ / "a" / "model" / "model.safetensors"),
            read_file(root_ / "c" / "model" / "model.safetensors"));
  EXPECT_EQ(read_file(root_ / "a" / "model" / "tokenizer.json"), read_file(root_ / "c" / "model" / "tokenizer.json"));
  // Rewriting into an existing folder gives the same bytes again.
  rb::app::write_demo_assets((root_ / "a").string(), 8);
  EXPECT_EQ(read_file(root_ / "a" / "model" / "model.safetensors"),
            read_file(root_ / "c" / "model" / "model.safetensors"));
}

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

std::map<std::string, Tensor> read_f32_safetensors(const std::string& bytes) {
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);  // test machines are little-endian
  nlohmann::json header = nlohmann::json::parse(bytes.substr(8, header_length));
  std::map<std::string, Tensor> tensors;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    EXPECT_EQ(entry["dtype"], "F32") << name;
    Tensor tensor{entry["shape"].get<std::vector<int64_t>>(), {}};
    uint64_t begin = entry["data_offsets"][0], end = entry["data_offsets"][1];
    tensor.values.resize((end - begin) / 4);
    std::memcpy(tensor.values.data(), bytes.data() + 8 + header_length + begin, end - begin);
    tensors[name] = std::move(tensor);
  }
  return tensors;
}

TEST_F(DemoAssets, ConfigWeightsAndTokenizerAgree) {
  rb::app::write_demo_assets(root_.string(), 1);
  fs::path model = root_ / "model";
  nlohmann::json config = nlohmann::json::parse(read_file(model / "config.json"));
  nlohmann::json tokenizer = nlohmann::json::parse(read_file(model / "tokenizer.json"));
  nlohmann::json tokenizer_config = nlohmann::json::parse(read_file(model / "tokenizer_config.json"));

  EXPECT_EQ(config["architectures"][0], "LlamaForSequenceClassification");
  EXPECT_EQ(config["hidden_size"], 64);
  EXPECT_EQ(config["num_hidden_layers"], 2);
  EXPECT_EQ(config["num_attention_heads"], 4);
  EXPECT_EQ(config["num_key_value_heads"], 2);
  EXPECT_EQ(config["intermediate_size"], 128);
  EXPECT_EQ(config["rope_theta"], 500000.0);
  EXPECT_EQ(config["rms_norm_eps"], 1e-5);
  EXPECT_EQ(config["torch_dtype"], "float32");
  EXPECT_EQ(config["id2label"].size(), 1u);

  int64_t vocab = config["vocab_size"];
  const nlohmann::json& added = tokenizer["added_tokens"];
  EXPECT_EQ(vocab, static_cast<int64_t>(tokenizer["model"]["vocab"].size() + added.size()));
  EXPECT_GT(vocab, 600);
  EXPECT_LE(vocab, 1024);
  std::map<std::string, int64_t> special_ids;
  for (const nlohmann::json& token : added) special_ids[token["content"]] = token["id"];
  EXPECT_EQ(config["eos_token_id"], special_ids.at(tokenizer_config["eos_token"]));
  EXPECT_EQ(config["pad_token_id"], special_ids.at("<|eot_id|>"));
  EXPECT_EQ(config["bos_token_id"], special_ids.at(tokenizer_config["bos_token"]));

  std::map<std::string, Tensor> tensors = read_f32_safetensors(read_file(model / "model.safetensors"));
  EXPECT_EQ(tensors.size(), 1u + 2u * 9u + 2u);
  EXPECT_EQ(tensors.at("model.embed_tokens.weight").shape, (std::vector<int64_t>{vocab, 64}));
  EXPECT_EQ(tensors.at("model.layers.1.self_attn.k_proj.weight").shape, (std::vector<int64_t>{32, 64}));
  EXPECT_EQ(tensors.at("model.layers.0.mlp.down_proj.weight").shape, (std::vector<int64_t>{64, 128}));
  EXPECT_EQ(tensors.at("score.weight").shape, (std::vector<int64_t>{1, 64}));
  for (float value : tensors.at("model.norm.weight").values) EXPECT_EQ(value, 1.0f);

  const std::vector<float>& embedding = tensors.at("model.embed_tokens.weight").values;
  double sum = 0, squares = 0;
  for (float value : embedding) {
    sum += value;
    squares += double(value) * value;
  }
  double mean = sum / embedding.size();
  double deviation = std::sqrt(squares / embedding.size() - mean * mean);
  EXPECT_NEAR(mean, 0.0, 0.001);
  EXPECT_NEAR(deviation, 0.02, 0.001);

  std::string readme = read_file(model / "README.md");
  EXPECT_NE(readme.find("RANDOM WEIGHTS"), std::string::npos);
  EXPECT_NE(readme.find("rewardbench demo"), std::string::npos);
  EXPECT_EQ(read_file(root_ / "preference_pairs.jsonl"), std::string(rb::app::embedded_demo_preference_pairs()));
}

TEST(PortableNormal, HasUnitVarianceAndFollowsTheEngine) {
  rb::app::PortableNormal normal(99);
  const int draws = 200000;
  double sum = 0, squares = 0, beyond_two = 0;
  for (int i = 0; i < draws; ++i) {
    double z = normal.next();
    sum += z;
    squares += z * z;
    beyond_two += std::fabs(z) > 2;
  }
  EXPECT_NEAR(sum / draws, 0.0, 0.01);
  EXPECT_NEAR(squares / draws, 1.0, 0.02);
  EXPECT_NEAR(beyond_two / draws, 0.0455, 0.004);  // normal tail mass beyond 2 sigma

  // The first draw is the centred sum of the engine's first twelve 53-bit outputs.
  std::mt19937_64 engine(99);
  double expected = -6.0;
  for (int i = 0; i < 12; ++i) expected += std::ldexp(static_cast<double>(engine() >> 11), -53);
  EXPECT_NEAR(rb::app::PortableNormal(99).next(), expected, 1e-12);
}

TEST(DemoAssetsErrors, UnwritableFolderThrowsIoError) {
  EXPECT_THROW(rb::app::write_demo_assets("/proc/rb-demo-cannot-write-here", 1), rb::IoError);
}

}  // namespace
