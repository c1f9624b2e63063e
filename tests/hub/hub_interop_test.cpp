// Interoperability with an independent Hub client: the JavaScript @huggingface/hub (pinned, from
// npm), which reads and writes the huggingface_hub cache layout. It must find everything in a cache
// we filled (its scanCacheDir reports our repos, refs, snapshots and blobs without a warning, and
// its downloadFileToCacheDir answers from our cache with the Hub unreachable), and we must find
// everything in a cache it filled, with the same paths and symlink targets as ours. Skips when
// node/npm or the registry is unavailable.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "../support/test_support.h"
#include "hub/hub_client.h"
#include "hub/repo_files.h"
#include "mock_hub.h"

namespace rb::hub {
namespace {
namespace fs = std::filesystem;
using rb::testing::run_command;
using rb::testing::shell_quote;
using testing::MockHub;
using testing::MockRepo;

const std::string kCommit = "3333333333333333333333333333333333333333";

std::optional<std::string> hf_hub_js() {
  auto result = run_command(shell_quote(rb::testing::source_dir() + "/tests/support/install_npm_tree.sh") +
                            " @huggingface/hub@2.17.5 " +
                            shell_quote(rb::testing::binary_dir() + "/npm-hf-hub-js") + " 2>/dev/null");
  if (result.status != 0) return std::nullopt;
  while (!result.output.empty() && result.output.back() == '\n') result.output.pop_back();
  return result.output;
}

class HubInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto modules = hf_hub_js();
    if (!modules) GTEST_SKIP() << "node/npm or the npm registry is unavailable (@huggingface/hub@2.17.5)";
    node_modules_ = *modules;
    std::string pattern = (fs::temp_directory_path() / "hub_interop_XXXXXX").string();
    home_ = ::mkdtemp(pattern.data());
    MockRepo model;
    model.id = "org/tiny-rm";
    model.refs["main"] = kCommit;
    model.commits[kCommit] = {{"config.json", {R"({"architectures":["Qwen3ForSequenceClassification"]})", false}},
                              {"tokenizer_config.json", {R"({"eos_token":"<|im_end|>"})", false}},
                              {"model.safetensors", {std::string(1'300'000, 'w'), true}}};
    hub_.add_repo(model);
    MockRepo dataset;
    dataset.dataset = true;
    dataset.id = "allenai/reward-bench-2";
    dataset.refs["main"] = kCommit;
    dataset.commits[kCommit] = {{"data/test-00000-of-00001.parquet", {std::string(200'000, 'p'), true}}};
    hub_.add_repo(dataset);
    options_.endpoint = hub_.endpoint();
    options_.progress = ProgressMode::Never;
    options_.etag_timeout_s = options_.download_timeout_s = 5;
  }
  void TearDown() override {
    if (!home_.empty()) fs::remove_all(home_);
  }

  nlohmann::json oracle(const std::string& arguments) const {
    const auto result = run_command("node " + shell_quote(rb::testing::source_dir() + "/tests/hub/hf_hub_js_oracle.js") +
                                    " " + shell_quote(node_modules_) + " " + arguments);
    EXPECT_EQ(result.status, 0) << arguments;
    if (result.status != 0) return nullptr;
    const auto json = nlohmann::json::parse(result.output, nullptr, false);
    return json.is_discarded() ? nlohmann::json(result.output) : json;
  }

  std::string node_modules_, home_;
  MockHub hub_;
  HubOptions options_;
};

// Every entry under a repo folder: relative path -> "link:<target>", "file:<size>" or "dir".
std::map<std::string, std::string> tree_of(const std::string& repo_folder) {
  std::map<std::string, std::string> tree;
  for (const auto& entry : fs::recursive_directory_iterator(repo_folder)) {
    const std::string relative = fs::path(entry.path()).lexically_relative(repo_folder).generic_string();
    if (entry.is_symlink()) tree[relative] = "link:" + fs::read_symlink(entry.path()).string();
    else if (entry.is_directory()) tree[relative] = "dir";
    else tree[relative] = "file:" + std::to_string(entry.file_size());
  }
  return tree;
}

TEST_F(HubInteropTest, TheJavaScriptClientScansOurCacheWithoutAWarning) {
  options_.cache_dir = home_ + "/ours";
  resolve_model("org/tiny-rm", options_);
  resolve_dataset("allenai/reward-bench-2", options_);
  const nlohmann::json scan = oracle("scan " + shell_quote(options_.cache_dir));
  ASSERT_TRUE(scan.is_object()) << scan;
  EXPECT_TRUE(scan["warnings"].empty()) << scan["warnings"];
  ASSERT_EQ(scan["repos"].size(), 2u) << scan;
  for (const auto& repo : scan["repos"]) {
    ASSERT_EQ(repo["revisions"].size(), 1u) << repo;
    EXPECT_EQ(repo["revisions"][0]["commit"], kCommit);
    EXPECT_EQ(repo["revisions"][0]["refs"], nlohmann::json::array({"main"}));
    if (repo["name"] == "allenai/reward-bench-2") {
      EXPECT_EQ(repo["type"], "dataset");
      continue;
    }
    EXPECT_EQ(repo["name"], "org/tiny-rm");
    EXPECT_EQ(repo["type"], "model");
    const std::string config = R"({"architectures":["Qwen3ForSequenceClassification"]})";
    const std::string tokenizer_config = R"({"eos_token":"<|im_end|>"})";
    std::set<std::string> files;
    for (const auto& file : repo["revisions"][0]["files"]) {
      files.insert(file["path"].get<std::string>() + " -> " + file["blob"].get<std::string>() + " " +
                   std::to_string(file["size"].get<long>()));
    }
    EXPECT_EQ(files, (std::set<std::string>{
                         "config.json -> blobs/" + testing::git_blob_sha1(config) + " " + std::to_string(config.size()),
                         "model.safetensors -> blobs/" + testing::sha256_of(std::string(1'300'000, 'w')) + " 1300000",
                         "tokenizer_config.json -> blobs/" + testing::git_blob_sha1(tokenizer_config) + " " +
                             std::to_string(tokenizer_config.size())}));
  }
}

TEST_F(HubInteropTest, TheJavaScriptClientReadsOurFilesWithTheHubUnreachable) {
  options_.cache_dir = home_ + "/ours";
  const std::string model = resolve_model("org/tiny-rm", options_);
  const std::string dataset = resolve_dataset("allenai/reward-bench-2", options_);
  hub_.stop();
  const std::string unreachable = "http://127.0.0.1:1";
  EXPECT_EQ(oracle("file " + unreachable + " " + shell_quote(options_.cache_dir) + " model org/tiny-rm " + kCommit +
                   " model.safetensors"),
            model + "/model.safetensors");
  EXPECT_EQ(oracle("file " + unreachable + " " + shell_quote(options_.cache_dir) + " dataset allenai/reward-bench-2 " +
                   kCommit + " data/test-00000-of-00001.parquet"),
            dataset + "/data/test-00000-of-00001.parquet");
}

TEST_F(HubInteropTest, WeReadTheJavaScriptClientsCacheAndLayItOutTheSameWay) {
  const std::string theirs = home_ + "/theirs";
  const nlohmann::json folder =
      oracle("snapshot " + hub_.endpoint() + " " + shell_quote(theirs) + " model org/tiny-rm main");
  ASSERT_TRUE(folder.is_string()) << folder;

  HubOptions offline = options_;
  offline.cache_dir = theirs;
  offline.offline = true;
  hub_.clear_requests();
  EXPECT_EQ(resolve_model("org/tiny-rm", offline), folder.get<std::string>());
  EXPECT_EQ(hub_.request_count(), 0u);

  options_.cache_dir = home_ + "/ours";
  resolve_model("org/tiny-rm", options_);
  auto our_tree = tree_of(options_.cache_dir + "/models--org--tiny-rm");
  auto their_tree = tree_of(theirs + "/models--org--tiny-rm");
  ASSERT_FALSE(our_tree.empty());
  EXPECT_EQ(our_tree, their_tree);
}

}  // namespace
}  // namespace rb::hub
