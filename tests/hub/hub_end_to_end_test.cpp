// The Hub client on real material from this repository served by the mock Hub: a parity-fixture
// reward model (config + 4 MB safetensors) and a RewardBench-shaped Parquet shard read back with
// io::read_dataset_rows; plus renamed repos, concurrent fetches into one cache, and the
// `download` command's entry point.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "../support/test_support.h"
#include "hub/hub_client.h"
#include "hub/hub_command.h"
#include "io/parquet.h"
#include "mock_hub.h"

namespace rb::hub {
namespace {
namespace fs = std::filesystem;
using testing::MockHub;
using testing::MockRepo;
using testing::ScopedEnvironment;

const std::string kCommit = "2222222222222222222222222222222222222222";

using rb::testing::read_file;

std::string source_file(const std::string& relative) { return std::string(RB_SOURCE_DIR) + "/" + relative; }

class HubEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hub_e2e_XXXXXX").string();
    home_ = ::mkdtemp(pattern.data());
    options_.endpoint = hub_.endpoint();
    options_.cache_dir = home_ + "/hub";
    options_.progress = ProgressMode::Never;
    options_.retry_delay_s = 0;
    options_.etag_timeout_s = options_.download_timeout_s = 5;
  }
  void TearDown() override { fs::remove_all(home_); }

  MockRepo parity_model_repo() const {
    MockRepo repo;
    repo.id = "rb-fixtures/tiny-llama-rm";
    repo.refs["main"] = kCommit;
    repo.commits[kCommit] = {{"config.json", {read_file(source_file("tests/fixtures/parity/llama/config.json")), false}},
                             {"model.safetensors",
                              {read_file(source_file("tests/fixtures/parity/llama/model.safetensors")), true}},
                             {"fixture.json", {"{}", false}}};
    return repo;
  }

  std::string home_;
  MockHub hub_;
  HubOptions options_;
};

TEST_F(HubEndToEndTest, AParityFixtureModelArrivesByteIdentical) {
  hub_.add_repo(parity_model_repo());
  const std::string folder = resolve_model("rb-fixtures/tiny-llama-rm", options_);
  for (const char* file : {"config.json", "model.safetensors"})
    EXPECT_EQ(read_file(folder + "/" + file), read_file(source_file(std::string("tests/fixtures/parity/llama/") + file)))
        << file;
  EXPECT_FALSE(fs::exists(folder + "/fixture.json"));  // not a file a reward model reads
}

TEST_F(HubEndToEndTest, AParquetShardOfADatasetRepoReadsBackAsRows) {
  const std::string shard = read_file(source_file("tests/io/fixtures/rb1_flat_snappy_v1.parquet"));
  MockRepo dataset;
  dataset.dataset = true;
  dataset.id = "allenai/reward-bench";
  dataset.refs["main"] = kCommit;
  dataset.commits[kCommit] = {{"data/filtered-00000-of-00001.parquet", {shard, true}},
                              {"data/raw-00000-of-00001.parquet", {shard + "unused", true}},
                              {"README.md", {"card", false}}};
  hub_.add_repo(dataset);
  const auto files =
      resolve_dataset_files("allenai/reward-bench", options_, DatasetFilter{{"filtered"}});
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].split, "filtered");
  const auto rows = io::read_dataset_rows(files[0].path);
  const auto expected = io::read_dataset_rows(source_file("tests/io/fixtures/rb1_flat_snappy_v1.parquet"));
  ASSERT_EQ(rows.size(), expected.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].value, expected[i].value) << "row " << i;

  // Offline, the same call answers from the cache.
  hub_.clear_requests();
  HubOptions offline = options_;
  offline.offline = true;
  EXPECT_EQ(resolve_dataset_files("allenai/reward-bench", offline, DatasetFilter{{"filtered"}})[0].path,
            files[0].path);
  EXPECT_EQ(hub_.request_count(), 0u);
  // ...but a split that was never fetched is not there.
  DatasetFilter raw;
  raw.splits = {"raw"};
  EXPECT_THROW(resolve_dataset_files("allenai/reward-bench", offline, raw), InputError);
}

TEST_F(HubEndToEndTest, PrefSetsStyleRepoGivesOneFilePerSplit) {
  MockRepo dataset;
  dataset.dataset = true;
  dataset.id = "allenai/pref-test-sets";
  dataset.refs["main"] = kCommit;
  for (const char* split : {"anthropic_helpful", "shp", "pku_better"})
    dataset.commits[kCommit][std::string("data/") + split + "-00000-of-00001.parquet"] = {std::string(split) + " bytes",
                                                                                         true};
  hub_.add_repo(dataset);
  const auto files = resolve_dataset_files("allenai/pref-test-sets", options_,
                                           DatasetFilter{});
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].split, "anthropic_helpful");
  EXPECT_EQ(files[1].split, "pku_better");
  EXPECT_EQ(files[2].split, "shp");
  EXPECT_EQ(read_file(files[2].path), "shp bytes");
}

TEST_F(HubEndToEndTest, ARenamedRepoIsFollowedThroughItsRelativeRedirect) {
  MockRepo repo = parity_model_repo();
  repo.old_ids = {"old-org/old-name"};
  hub_.add_repo(repo);
  const std::string folder = resolve_model("old-org/old-name", options_);
  // Cached under the name asked for, as huggingface_hub does.
  EXPECT_EQ(folder, home_ + "/hub/models--old-org--old-name/snapshots/" + kCommit);
  EXPECT_EQ(read_file(folder + "/config.json"), read_file(source_file("tests/fixtures/parity/llama/config.json")));
  bool saw_redirected_head = false;
  for (const auto& request : hub_.requests())
    saw_redirected_head |= request.method == "HEAD" && request.target.rfind("/rb-fixtures/tiny-llama-rm/resolve/", 0) == 0;
  EXPECT_TRUE(saw_redirected_head);
}

TEST_F(HubEndToEndTest, TwoConcurrentFetchesIntoOneCacheAgree) {
  hub_.add_repo(parity_model_repo());
  std::string first, second;
  std::thread a([&] { first = resolve_model("rb-fixtures/tiny-llama-rm", options_); });
  std::thread b([&] { second = resolve_model("rb-fixtures/tiny-llama-rm", options_); });
  a.join();
  b.join();
  EXPECT_EQ(first, second);
  EXPECT_EQ(read_file(first + "/model.safetensors"), read_file(source_file("tests/fixtures/parity/llama/model.safetensors")));
  size_t blobs = 0;
  for (const auto& entry : fs::directory_iterator(home_ + "/hub/models--rb-fixtures--tiny-llama-rm/blobs")) {
    EXPECT_EQ(entry.path().extension(), "") << entry.path();
    ++blobs;
  }
  EXPECT_EQ(blobs, 2u);
}

TEST_F(HubEndToEndTest, TheDownloadCommandPrintsTheSnapshotAndItsSplits) {
  MockRepo dataset;
  dataset.dataset = true;
  dataset.id = "allenai/reward-bench-2";
  dataset.refs["main"] = kCommit;
  dataset.commits[kCommit] = {{"data/test-00000-of-00001.parquet", {"rows", true}}};
  hub_.add_repo(dataset);
  ScopedEnvironment environment({{"HF_HUB_CACHE", home_ + "/hub"}, {"HF_ENDPOINT", hub_.endpoint()},
                                 {"HF_HUB_OFFLINE", "0"}, {"TRANSFORMERS_OFFLINE", "0"}});
  std::ostringstream out, err;
  HubDownloadOptions download;
  download.repo_id = "allenai/reward-bench-2";
  download.dataset = true;
  download.quiet = true;
  ASSERT_EQ(run_hub_download(download, out, err), 0) << err.str();
  const std::string folder = home_ + "/hub/datasets--allenai--reward-bench-2/snapshots/" + kCommit;
  EXPECT_EQ(out.str(), folder + "\ntest\t" + folder + "/data/test-00000-of-00001.parquet\n");

  download.repo_id = "nobody/nothing";
  download.dataset = false;
  std::ostringstream out2, err2;
  EXPECT_EQ(run_hub_download(download, out2, err2), 1);
  EXPECT_NE(err2.str().find("not found"), std::string::npos) << err2.str();
}

}  // namespace
}  // namespace rb::hub
