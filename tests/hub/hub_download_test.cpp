// The Hub client against a mock Hub on loopback: the cache it leaves on disk (huggingface_hub's
// layout), resumed downloads, offline reuse, and each failure the Hub can answer with.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "../support/test_support.h"
#include "hub/file_download.h"
#include "hub/hub_client.h"
#include "hub/repo_files.h"
#include "mock_hub.h"
#include "net/http_client.h"

namespace rb::hub {
namespace {
namespace fs = std::filesystem;
using testing::MockFaults;
using testing::MockFile;
using testing::MockHub;
using testing::MockRepo;
using testing::RecordedRequest;

const std::string kCommit = "1111111111111111111111111111111111111111";
const std::string kOldCommit = "0000000000000000000000000000000000000abc";

std::string random_bytes(size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

using rb::testing::read_file;

std::string header(const RecordedRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? "" : it->second;
}

class HubDownloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hub_download_XXXXXX").string();
    home_ = ::mkdtemp(pattern.data());
    weights_ = random_bytes(2'500'000, 7);
    MockRepo model;
    model.id = "org/tiny-rm";
    model.refs["main"] = kCommit;
    model.commits[kCommit] = {{"config.json", {R"({"architectures":["LlamaForSequenceClassification"]})", false}},
                              {"tokenizer.json", {R"({"model":{"type":"BPE"}})", false}},
                              {"tokenizer_config.json", {R"({"chat_template":"{{ x }}"})", false}},
                              {"model.safetensors", {weights_, true}},
                              {"README.md", {"# tiny", false}},
                              {".gitattributes", {"*.safetensors filter=lfs", false}}};
    model.commits[kOldCommit] = {{"config.json", {R"({"old":true})", false}},
                                 {"model.safetensors", {random_bytes(1000, 3), true}}};
    hub_.add_repo(model);
    model_ = model;

    options_ = from_environment({{"HF_HOME", home_}, {"HF_HUB_CACHE", home_ + "/hub"}, {"HF_ENDPOINT", hub_.endpoint()},
                                 {"HF_TOKEN", ""}, {"HUGGING_FACE_HUB_TOKEN", ""}, {"HF_HUB_OFFLINE", ""},
                                 {"TRANSFORMERS_OFFLINE", ""}});
    options_.progress = ProgressMode::Never;
    options_.warning_stream = nullptr;
    options_.retry_delay_s = 0;
    options_.download_retries = 0;
    options_.etag_timeout_s = options_.download_timeout_s = 5;
  }
  void TearDown() override { fs::remove_all(home_); }

  std::string repo_folder() const { return home_ + "/hub/models--org--tiny-rm"; }
  std::vector<RecordedRequest> requests_to(const std::string& server, const std::string& method) const {
    std::vector<RecordedRequest> selected;
    for (const auto& request : hub_.requests())
      if (request.server == server && request.method == method) selected.push_back(request);
    return selected;
  }

  std::string home_;
  std::string weights_;
  MockRepo model_;
  MockHub hub_;
  HubOptions options_;
};

TEST_F(HubDownloadTest, FreshDownloadLeavesHuggingfaceHubsLayout) {
  const std::string folder = resolve_model("org/tiny-rm", options_);
  EXPECT_EQ(folder, repo_folder() + "/snapshots/" + kCommit);
  EXPECT_EQ(read_file(repo_folder() + "/refs/main"), kCommit);  // no trailing newline

  const std::string weights_etag = testing::sha256_of(weights_);
  const std::string config_etag = testing::git_blob_sha1(R"({"architectures":["LlamaForSequenceClassification"]})");
  EXPECT_EQ(fs::read_symlink(folder + "/model.safetensors").string(), "../../blobs/" + weights_etag);
  EXPECT_EQ(fs::read_symlink(folder + "/config.json").string(), "../../blobs/" + config_etag);
  EXPECT_EQ(read_file(repo_folder() + "/blobs/" + weights_etag), weights_);
  EXPECT_EQ(read_file(folder + "/tokenizer_config.json"), R"({"chat_template":"{{ x }}"})");
  EXPECT_TRUE(fs::exists(home_ + "/hub/.locks/models--org--tiny-rm/" + weights_etag + ".lock"));

  std::vector<std::string> snapshot_files, blobs;
  for (const auto& entry : fs::directory_iterator(folder)) snapshot_files.push_back(entry.path().filename().string());
  for (const auto& entry : fs::directory_iterator(repo_folder() + "/blobs")) blobs.push_back(entry.path().filename().string());
  std::sort(snapshot_files.begin(), snapshot_files.end());
  EXPECT_EQ(snapshot_files, (std::vector<std::string>{"config.json", "model.safetensors", "tokenizer.json",
                                                      "tokenizer_config.json"}));  // no README, no .gitattributes
  EXPECT_EQ(blobs.size(), 4u);  // no .incomplete left

  // One listing, a HEAD per file, the git files from the hub, the LFS file from the CDN.
  EXPECT_EQ(requests_to("hub", "GET").front().target, "/api/models/org/tiny-rm/revision/main");
  EXPECT_EQ(requests_to("hub", "HEAD").size(), 4u);
  EXPECT_EQ(requests_to("hub", "GET").size(), 4u);
  ASSERT_EQ(requests_to("cdn", "GET").size(), 1u);
  EXPECT_EQ(header(requests_to("hub", "HEAD").front(), "accept-encoding"), "identity");
  for (const auto& head : requests_to("hub", "HEAD"))
    EXPECT_NE(head.target.find("/org/tiny-rm/resolve/" + kCommit + "/"), std::string::npos) << head.target;

  // Again: the listing, and nothing else (the files are in the snapshot of the listed commit).
  hub_.clear_requests();
  EXPECT_EQ(resolve_model("org/tiny-rm", options_), folder);
  EXPECT_EQ(hub_.request_count(), 1u);
}

TEST_F(HubDownloadTest, WeakEtagsAreNormalizedIntoBlobNames) {
  MockFaults faults;
  faults.weak_etags = true;
  hub_.set_faults(faults);
  const std::string folder = resolve_model("org/tiny-rm", options_);
  EXPECT_EQ(fs::read_symlink(folder + "/model.safetensors").string(), "../../blobs/" + testing::sha256_of(weights_));
  EXPECT_EQ(fs::read_symlink(folder + "/tokenizer.json").string(),
            "../../blobs/" + testing::git_blob_sha1(R"({"model":{"type":"BPE"}})"));
}

TEST_F(HubDownloadTest, ANewCommitOnMainReusesTheUnchangedBlobs) {
  const std::string first = resolve_model("org/tiny-rm", options_);
  const std::string new_commit = "4444444444444444444444444444444444444444";
  MockRepo pushed = model_;
  pushed.commits[new_commit] = pushed.commits[kCommit];
  pushed.commits[new_commit]["config.json"].content = R"({"architectures":["Qwen2ForSequenceClassification"]})";
  pushed.refs["main"] = new_commit;
  hub_.add_repo(pushed);
  hub_.clear_requests();

  const std::string second = resolve_model("org/tiny-rm", options_);
  EXPECT_EQ(second, repo_folder() + "/snapshots/" + new_commit);
  EXPECT_EQ(read_file(repo_folder() + "/refs/main"), new_commit);
  EXPECT_EQ(read_file(second + "/config.json"), R"({"architectures":["Qwen2ForSequenceClassification"]})");
  EXPECT_EQ(read_file(first + "/config.json"), R"({"architectures":["LlamaForSequenceClassification"]})");
  EXPECT_EQ(fs::read_symlink(second + "/model.safetensors"), fs::read_symlink(first + "/model.safetensors"));
  // Only the changed file's bytes travel: one GET (config.json), none from the CDN.
  EXPECT_EQ(requests_to("hub", "HEAD").size(), 4u);
  EXPECT_EQ(requests_to("hub", "GET").size(), 2u);  // the listing and config.json
  EXPECT_TRUE(requests_to("cdn", "GET").empty());
}

TEST_F(HubDownloadTest, ResumesACutDownloadOnTheNextRunWithRange) {
  MockFaults faults;
  faults.cut_after_bytes = 1'000'000;
  faults.cuts_left = 1;
  hub_.set_faults(faults);
  try {
    resolve_model("org/tiny-rm", options_);
    FAIL() << "the cut connection must fail the run (no retries allowed)";
  } catch (const HubError& error) {
    EXPECT_NE(std::string(error.what()).find("interrupted"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("model.safetensors"), std::string::npos) << error.what();
  }
  const std::string etag = testing::sha256_of(weights_);
  const std::string incomplete = repo_folder() + "/blobs/" + etag + ".incomplete";
  ASSERT_TRUE(fs::exists(incomplete));
  EXPECT_EQ(fs::file_size(incomplete), 1'000'000u);
  EXPECT_FALSE(fs::exists(repo_folder() + "/snapshots/" + kCommit + "/model.safetensors"));

  hub_.clear_requests();
  const std::string folder = resolve_model("org/tiny-rm", options_);
  const auto cdn_gets = requests_to("cdn", "GET");
  ASSERT_EQ(cdn_gets.size(), 1u);
  EXPECT_EQ(header(cdn_gets[0], "range"), "bytes=1000000-");
  EXPECT_EQ(read_file(folder + "/model.safetensors"), weights_);
  EXPECT_FALSE(fs::exists(incomplete));
}

TEST_F(HubDownloadTest, ACorruptPartialFileIsCaughtByTheSha256AndRefetched) {
  const std::string etag = testing::sha256_of(weights_);
  const std::string incomplete = repo_folder() + "/blobs/" + etag + ".incomplete";
  fs::create_directories(repo_folder() + "/blobs");
  std::ofstream(incomplete, std::ios::binary) << std::string(4096, '\x55');  // not the file's first bytes
  EXPECT_THROW(resolve_model("org/tiny-rm", options_), HubError);
  EXPECT_FALSE(fs::exists(incomplete));
  EXPECT_FALSE(fs::exists(repo_folder() + "/blobs/" + etag));
  const std::string folder = resolve_model("org/tiny-rm", options_);
  EXPECT_EQ(read_file(folder + "/model.safetensors"), weights_);
}

TEST_F(HubDownloadTest, ResumesWithinOneRunWhenRetriesAreAllowed) {
  MockFaults faults;
  faults.cut_after_bytes = 700'000;
  faults.cuts_left = 2;
  hub_.set_faults(faults);
  options_.download_retries = 1;  // reset after each attempt that delivered bytes
  const std::string folder = resolve_model("org/tiny-rm", options_);
  const auto cdn_gets = requests_to("cdn", "GET");
  ASSERT_EQ(cdn_gets.size(), 3u);
  EXPECT_EQ(header(cdn_gets[0], "range"), "");
  EXPECT_EQ(header(cdn_gets[1], "range"), "bytes=700000-");
  EXPECT_EQ(header(cdn_gets[2], "range"), "bytes=1400000-");
  EXPECT_EQ(read_file(folder + "/model.safetensors"), weights_);
}

TEST_F(HubDownloadTest, AServerIgnoringRangeStillGivesTheExactFile) {
  MockFaults faults;
  faults.cut_after_bytes = 1'000'000;
  faults.cuts_left = 1;
  hub_.set_faults(faults);
  EXPECT_THROW(resolve_model("org/tiny-rm", options_), HubError);
  faults = MockFaults{};
  faults.ignore_range = true;
  hub_.set_faults(faults);
  const std::string folder = resolve_model("org/tiny-rm", options_);
  EXPECT_EQ(read_file(folder + "/model.safetensors"), weights_);
}

TEST_F(HubDownloadTest, OfflineReusesTheCacheWithoutARequest) {
  const std::string folder = resolve_model("org/tiny-rm", options_);
  hub_.clear_requests();
  HubOptions offline = options_;
  offline.offline = true;
  EXPECT_EQ(resolve_model("org/tiny-rm", offline), folder);
  EXPECT_EQ(hub_.request_count(), 0u);

  net::HttpClient session("test");
  FileDownloader downloader(offline, session);
  EXPECT_EQ(downloader.cached_file({RepoType::Model, "org/tiny-rm"}, "main", "config.json").value_or(""),
            folder + "/config.json");

  // Online but the Hub is gone (connection refused): the cached snapshot answers, as in huggingface_hub,
  // with a warning that says so.
  hub_.stop();
  std::ostringstream warnings;
  options_.warning_stream = &warnings;
  EXPECT_EQ(resolve_model("org/tiny-rm", options_), folder);
  EXPECT_NE(warnings.str().find("cannot reach the Hub"), std::string::npos) << warnings.str();
  EXPECT_NE(warnings.str().find("using the cached snapshot " + folder), std::string::npos) << warnings.str();
}

TEST_F(HubDownloadTest, OfflineWithoutACacheIsAClearError) {
  HubOptions offline = options_;
  offline.offline = true;
  try {
    resolve_model("org/tiny-rm", offline);
    FAIL();
  } catch (const HubCacheMissError& error) {
    EXPECT_NE(std::string(error.what()).find("HF_HUB_OFFLINE"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("org/tiny-rm"), std::string::npos) << error.what();
  }
  EXPECT_EQ(hub_.request_count(), 0u);
  hub_.stop();
  EXPECT_THROW(resolve_model("org/tiny-rm", options_), HubCacheMissError);  // online, unreachable, nothing cached
}

TEST_F(HubDownloadTest, AWrongEtagDeletesTheDownloadAndNamesTheFile) {
  MockFaults faults;
  faults.wrong_lfs_etag = true;
  hub_.set_faults(faults);
  try {
    resolve_model("org/tiny-rm", options_);
    FAIL() << "a sha256 mismatch must fail";
  } catch (const HubError& error) {
    EXPECT_NE(std::string(error.what()).find("model.safetensors"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("sha256"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(repo_folder() + "/snapshots/" + kCommit + "/model.safetensors"));
  for (const auto& entry : fs::directory_iterator(repo_folder() + "/blobs"))
    EXPECT_EQ(entry.path().filename().string().find(".incomplete"), std::string::npos) << entry.path();
  EXPECT_FALSE(fs::exists(repo_folder() + "/blobs/" + testing::sha256_of(weights_ + "tampered")));
}

TEST_F(HubDownloadTest, A401WithoutTokenSaysSetHfTokenAndTheTokenFixesIt) {
  MockFaults faults;
  faults.required_token = "hf_secret";
  hub_.set_faults(faults);
  try {
    resolve_model("org/tiny-rm", options_);
    FAIL();
  } catch (const HubError& error) {
    EXPECT_EQ(error.http_status(), 401);
    EXPECT_NE(std::string(error.what()).find("requires a token (set HF_TOKEN)"), std::string::npos) << error.what();
  }
  hub_.clear_requests();
  HubOptions with_token = options_;
  with_token.token = "hf_secret";
  const std::string folder = resolve_model("org/tiny-rm", with_token);
  EXPECT_EQ(read_file(folder + "/model.safetensors"), weights_);
  for (const auto& request : hub_.requests()) {
    const std::string expected = request.server == "hub" ? "Bearer hf_secret" : "";  // never to the CDN
    EXPECT_EQ(header(request, "authorization"), expected) << request.server << " " << request.target;
  }

  HubOptions wrong_token = options_;
  wrong_token.token = "hf_wrong";
  wrong_token.cache_dir = home_ + "/other-cache";
  try {
    resolve_model("org/tiny-rm", wrong_token);
    FAIL();
  } catch (const HubError& error) {
    EXPECT_NE(std::string(error.what()).find("not accepted"), std::string::npos) << error.what();
  }
}

TEST_F(HubDownloadTest, NotFoundRepoRevisionAndFileAreClearErrors) {
  try {
    resolve_model("org/missing", options_);
    FAIL();
  } catch (const HubError& error) {
    EXPECT_EQ(error.http_status(), 404);
    EXPECT_NE(std::string(error.what()).find("model 'org/missing' not found"), std::string::npos) << error.what();
  }
  HubOptions bad_revision = options_;
  bad_revision.revision = "v9";
  try {
    resolve_model("org/tiny-rm", bad_revision);
    FAIL();
  } catch (const HubError& error) {
    EXPECT_NE(std::string(error.what()).find("revision 'v9' not found"), std::string::npos) << error.what();
  }
  net::HttpClient session("test");
  FileDownloader downloader(options_, session);
  try {
    downloader.download({RepoType::Model, "org/tiny-rm"}, "main", "vocab.json");
    FAIL();
  } catch (const HubError& error) {
    EXPECT_EQ(error.http_status(), 404);
    EXPECT_NE(std::string(error.what()).find("file 'vocab.json' not found"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(fs::exists(repo_folder() + "/.no_exist/" + kCommit + "/vocab.json"));
}

TEST_F(HubDownloadTest, ARevisionPinnedToACommitHash) {
  HubOptions pinned = options_;
  pinned.revision = kOldCommit;
  const std::string folder = resolve_model("org/tiny-rm", pinned);
  EXPECT_EQ(folder, repo_folder() + "/snapshots/" + kOldCommit);
  EXPECT_EQ(read_file(folder + "/config.json"), R"({"old":true})");
  EXPECT_FALSE(fs::exists(repo_folder() + "/refs"));  // a commit hash needs no ref
  EXPECT_EQ(requests_to("hub", "GET").front().target, "/api/models/org/tiny-rm/revision/" + kOldCommit);

  hub_.clear_requests();
  pinned.offline = true;
  EXPECT_EQ(resolve_model("org/tiny-rm", pinned), folder);
  EXPECT_EQ(hub_.request_count(), 0u);
  // A single file at a cached commit costs no request, even online.
  pinned.offline = false;
  net::HttpClient session("test");
  FileDownloader downloader(pinned, session);
  EXPECT_EQ(downloader.download({RepoType::Model, "org/tiny-rm"}, kOldCommit, "config.json"), folder + "/config.json");
  EXPECT_EQ(hub_.request_count(), 0u);
}

TEST_F(HubDownloadTest, ADatasetRepoWithASplitFilter) {
  MockRepo dataset;
  dataset.dataset = true;
  dataset.id = "allenai/reward-bench";
  dataset.refs["main"] = kCommit;
  dataset.commits[kCommit] = {{"README.md", {"---\nconfigs: []\n---", false}},
                              {"data/filtered-00000-of-00001.parquet", {random_bytes(300'000, 11), true}},
                              {"data/raw-00000-of-00001.parquet", {random_bytes(400'000, 12), true}}};
  hub_.add_repo(dataset);
  DatasetFilter filter;
  filter.splits = {"filtered"};
  const std::string folder = resolve_dataset("allenai/reward-bench", options_, filter);
  EXPECT_EQ(folder, home_ + "/hub/datasets--allenai--reward-bench/snapshots/" + kCommit);
  EXPECT_EQ(read_file(folder + "/data/filtered-00000-of-00001.parquet"),
            dataset.commits[kCommit]["data/filtered-00000-of-00001.parquet"].content);
  EXPECT_EQ(fs::read_symlink(folder + "/data/filtered-00000-of-00001.parquet").string(),
            "../../../blobs/" + testing::sha256_of(dataset.commits[kCommit]["data/filtered-00000-of-00001.parquet"].content));
  EXPECT_FALSE(fs::exists(folder + "/data/raw-00000-of-00001.parquet"));
  EXPECT_EQ(requests_to("hub", "GET").front().target, "/api/datasets/allenai/reward-bench/revision/main");
  EXPECT_EQ(requests_to("hub", "HEAD").front().target,
            "/datasets/allenai/reward-bench/resolve/" + kCommit + "/data/filtered-00000-of-00001.parquet");

  const auto files = list_dataset_files(folder, filter);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].split, "filtered");
  EXPECT_EQ(files[0].path, folder + "/data/filtered-00000-of-00001.parquet");

  filter.splits = {"nonexistent"};
  try {
    resolve_dataset("allenai/reward-bench", options_, filter);
    FAIL();
  } catch (const HubError& error) {
    EXPECT_NE(std::string(error.what()).find("nonexistent"), std::string::npos) << error.what();
  }
}

TEST_F(HubDownloadTest, AProgressBarForLargeFilesOnlyWhenAsked) {
  std::ostringstream bar;
  options_.progress = ProgressMode::Always;
  options_.progress_stream = &bar;
  resolve_model("org/tiny-rm", options_);
  const std::string text = bar.str();
  EXPECT_NE(text.find("model.safetensors: 100% 2.5 MB/2.5 MB"), std::string::npos) << text;
  EXPECT_EQ(text.find("config.json"), std::string::npos) << "small files get no bar";
  EXPECT_EQ(text.back(), '\n');

  std::ostringstream quiet;
  options_.progress = ProgressMode::Never;
  options_.progress_stream = &quiet;
  options_.cache_dir = home_ + "/second-cache";
  resolve_model("org/tiny-rm", options_);
  EXPECT_TRUE(quiet.str().empty());
}

TEST_F(HubDownloadTest, AModelRepoWithoutSafetensorsIsRefusedBeforeDownloading) {
  MockRepo old_model;
  old_model.id = "org/bin-only";
  old_model.refs["main"] = kCommit;
  old_model.commits[kCommit] = {{"config.json", {"{}", false}}, {"pytorch_model.bin", {random_bytes(5000, 1), true}}};
  hub_.add_repo(old_model);
  EXPECT_THROW(resolve_model("org/bin-only", options_), HubError);
  EXPECT_EQ(requests_to("hub", "HEAD").size(), 0u);
}

}  // namespace
}  // namespace rb::hub
