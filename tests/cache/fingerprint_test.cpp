// Model fingerprints: every setting and every byte of the model and tokenizer files changes it;
// the folder's location does not; file digests are remembered and invalidated by a rewrite.
#include "../support/test_support.h"
#include "cache/model_fingerprint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "cache/cache_location.h"
#include "cache/file_digest.h"
#include "common/error.h"
#include "common/sha256.h"

namespace {
namespace fs = std::filesystem;
using rb::cache::FingerprintSettings;
using rb::cache::fingerprint_model;

void write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

class FingerprintTest : public rb::testing::ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    model_ = dir_ / "model";
    write(model_ / "config.json", R"({"architectures": ["LlamaForSequenceClassification"]})");
    write(model_ / "model-00001-of-00002.safetensors", std::string(300000, '\x01'));
    write(model_ / "model-00002-of-00002.safetensors", std::string(1000, '\x02'));
    write(model_ / "model.safetensors.index.json", R"({"weight_map": {}})");
    write(model_ / "tokenizer.json", R"({"model": {}})");
    write(model_ / "tokenizer_config.json", R"({"chat_template": "{{ x }}"})");
    write(model_ / "README.md", "not part of the fingerprint");
    settings_.model_dir = settings_.tokenizer_dir = model_.string();
    settings_.dtype = "float32";
    settings_.device_kind = "cpu";
    settings_.max_length = 2048;
    settings_.pooling_pad_token_id = 0;
    settings_.chat_template_label = "tokenizer";
    settings_.chat_template_text = "{{ x }}";
    settings_.program_version = "0.1.0+test";
  }

  std::string digest(const FingerprintSettings& settings) const { return fingerprint_model(settings, nullptr, 2).digest; }

  fs::path model_;
  FingerprintSettings settings_;
};

TEST_F(FingerprintTest, HashesTheWeightAndTokenizerFiles) {
  const auto fingerprint = fingerprint_model(settings_, nullptr, 2);
  std::vector<std::string> names;
  for (const auto& file : fingerprint.model_files) names.push_back(file.name);
  EXPECT_EQ(names, (std::vector<std::string>{"config.json", "model-00001-of-00002.safetensors",
                                             "model-00002-of-00002.safetensors", "model.safetensors.index.json"}));
  EXPECT_EQ(fingerprint.model_files[1].sha256, rb::sha256_hex(std::string(300000, '\x01')));
  EXPECT_EQ(fingerprint.model_files[1].size, 300000u);
  ASSERT_EQ(fingerprint.tokenizer_files.size(), 2u);
  EXPECT_EQ(fingerprint.tokenizer_files[0].name, "tokenizer.json");
  EXPECT_EQ(fingerprint.digest.size(), 64u);
  EXPECT_EQ(fingerprint.digest, digest(settings_));  // deterministic
}

TEST_F(FingerprintTest, EverySettingChangesIt) {
  const std::string base = digest(settings_);
  const std::vector<std::function<void(FingerprintSettings&)>> edits = {
      [](auto& s) { s.dtype = "bfloat16"; },
      [](auto& s) { s.device_kind = "cuda"; },
      [](auto& s) { s.batch_invariant = false; },
      [](auto& s) { s.max_length = 512; },
      [](auto& s) { s.truncation_side = "right"; },
      [](auto& s) { s.append_eos = true; },
      [](auto& s) { s.pooling_pad_token_id = 2; },
      [](auto& s) { s.pooling_pad_token_id.reset(); },
      [](auto& s) { s.chat_template_label = "tulu"; },
      [](auto& s) { s.chat_template_text = "{{ y }}"; },
      [](auto& s) { s.program_version = "0.1.1"; },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    auto settings = settings_;
    edits[i](settings);
    EXPECT_NE(digest(settings), base) << "edit " << i;
  }
}

TEST_F(FingerprintTest, OneChangedWeightByteChangesIt) {
  const std::string base = digest(settings_);
  std::string bytes(300000, '\x01');
  bytes[123456] = '\x03';
  write(model_ / "model-00001-of-00002.safetensors", bytes);
  EXPECT_NE(digest(settings_), base);
}

TEST_F(FingerprintTest, ChangedTokenizerOrConfigChangesIt) {
  const std::string base = digest(settings_);
  write(model_ / "tokenizer.json", R"({"model": {"x": 1}})");
  const std::string tokenizer_changed = digest(settings_);
  EXPECT_NE(tokenizer_changed, base);
  write(model_ / "config.json", R"({"architectures": ["MistralForSequenceClassification"]})");
  EXPECT_NE(digest(settings_), tokenizer_changed);
}

TEST_F(FingerprintTest, MovedFolderKeepsIt) {
  const std::string base = digest(settings_);
  const fs::path moved = dir_ / "elsewhere" / "renamed";
  fs::create_directories(moved.parent_path());
  fs::rename(model_, moved);
  auto settings = settings_;
  settings.model_dir = settings.tokenizer_dir = moved.string();
  EXPECT_EQ(digest(settings), base);
}

TEST_F(FingerprintTest, DigestsAreRememberedAndARewriteIsHashedAgain) {
  rb::cache::ScoreCache memo((dir_ / "cache" / "scores.sqlite").string());
  const auto first = fingerprint_model(settings_, &memo, 2);
  const auto shard = (model_ / "model-00001-of-00002.safetensors").string();
  const auto identity = rb::cache::identify_file(shard);
  EXPECT_EQ(memo.find_file_digest(identity).value_or(""), first.model_files[1].sha256);
  // A remembered digest is used as is (here a planted one proves the file was not read again).
  memo.put_file_digest(identity, "planted");
  EXPECT_EQ(fingerprint_model(settings_, &memo, 2).model_files[1].sha256, "planted");
  // Rewriting the file (same size, new bytes) gives it a new mtime: hashed again.
  std::string bytes(300000, '\x01');
  bytes[0] = '\x09';
  ::usleep(2000);
  write(model_ / "model-00001-of-00002.safetensors", bytes);
  EXPECT_EQ(fingerprint_model(settings_, &memo, 2).model_files[1].sha256, rb::sha256_hex(bytes));
}

TEST_F(FingerprintTest, MissingConfigIsAnIoError) {
  fs::remove(model_ / "config.json");
  EXPECT_THROW(digest(settings_), rb::IoError);
}

TEST(CacheLocation, FollowsXdgThenHome) {
  using Env = std::map<std::string, std::string>;
  auto lookup = [](Env env) {
    return [env](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
  };
  EXPECT_EQ(rb::cache::default_cache_dir(lookup({{"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}})).value_or(""),
            "/x/rewardbench");
  EXPECT_EQ(rb::cache::default_cache_dir(lookup({{"HOME", "/h"}})).value_or(""), "/h/.cache/rewardbench");
  EXPECT_EQ(rb::cache::default_cache_dir(lookup({{"XDG_CACHE_HOME", "relative"}, {"HOME", "/h"}})).value_or(""),
            "/h/.cache/rewardbench");
  EXPECT_FALSE(rb::cache::default_cache_dir(lookup({})));
  EXPECT_EQ(rb::cache::score_cache_file("/c"), "/c/scores.sqlite");
}

}  // namespace
