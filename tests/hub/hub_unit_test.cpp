// The Hub client's pure parts: environment, names, URLs, etags, file selection, hashing, layout.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "common/sha256.h"
#include "hub/cache_layout.h"
#include "hub/file_download.h"
#include "hub/hub_client.h"
#include "hub/hub_options.h"
#include "hub/progress_bar.h"
#include "hub/repo_files.h"
#include "hub/repo_info.h"
#include "hub/url.h"

namespace rb::hub {
namespace {
namespace fs = std::filesystem;

// Clears the Hub variables of the real environment for one test and puts them back afterwards.
class CleanHubEnvironment {
 public:
  CleanHubEnvironment() {
    for (const char* name : kNames) {
      if (const char* value = std::getenv(name)) saved_[name] = value;
      ::unsetenv(name);
    }
  }
  ~CleanHubEnvironment() {
    for (const char* name : kNames) ::unsetenv(name);
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
  }

 private:
  static constexpr const char* kNames[] = {"HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "XDG_CACHE_HOME",
                                           "HF_ENDPOINT", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN",
                                           "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HUB_DISABLE_PROGRESS_BARS",
                                           "HF_HUB_ETAG_TIMEOUT", "HF_HUB_DOWNLOAD_TIMEOUT"};
  std::map<std::string, std::string> saved_;
};

std::string temp_folder() {
  std::string pattern = (fs::temp_directory_path() / "hub_unit_XXXXXX").string();
  return ::mkdtemp(pattern.data());
}

TEST(HubOptions, DefaultsFollowHomeAndXdg) {
  CleanHubEnvironment clean;
  HubOptions options = from_environment({{"HOME", "/home/someone"}});
  EXPECT_EQ(options.hf_home, "/home/someone/.cache/huggingface");
  EXPECT_EQ(options.cache_dir, "/home/someone/.cache/huggingface/hub");
  EXPECT_EQ(options.endpoint, "https://huggingface.co");
  EXPECT_FALSE(options.offline);
  EXPECT_EQ(options.revision, "main");

  options = from_environment({{"HOME", "/home/someone"}, {"XDG_CACHE_HOME", "/xdg"}});
  EXPECT_EQ(options.cache_dir, "/xdg/huggingface/hub");
}

TEST(HubOptions, HfHomeHubCacheAndLegacyVariable) {
  CleanHubEnvironment clean;
  EXPECT_EQ(from_environment({{"HF_HOME", "/data/hf"}}).cache_dir, "/data/hf/hub");
  EXPECT_EQ(from_environment({{"HF_HOME", "~/hf"}, {"HOME", "/home/u"}}).cache_dir, "/home/u/hf/hub");
  EXPECT_EQ(from_environment({{"HF_HOME", "/data/hf"}, {"HUGGINGFACE_HUB_CACHE", "/legacy"}}).cache_dir, "/legacy");
  EXPECT_EQ(from_environment({{"HUGGINGFACE_HUB_CACHE", "/legacy"}, {"HF_HUB_CACHE", "/new"}}).cache_dir, "/new");
}

TEST(HubOptions, EndpointOfflineAndTimeouts) {
  CleanHubEnvironment clean;
  EXPECT_EQ(from_environment({{"HF_ENDPOINT", "https://hf-mirror.com//"}}).endpoint, "https://hf-mirror.com");
  for (const char* on : {"1", "ON", "yes", "True"}) EXPECT_TRUE(from_environment({{"HF_HUB_OFFLINE", on}}).offline) << on;
  for (const char* off : {"0", "", "off", "no"}) EXPECT_FALSE(from_environment({{"HF_HUB_OFFLINE", off}}).offline) << off;
  EXPECT_TRUE(from_environment({{"TRANSFORMERS_OFFLINE", "1"}}).offline);
  EXPECT_TRUE(from_environment({{"HF_HUB_OFFLINE", ""}, {"TRANSFORMERS_OFFLINE", "1"}}).offline);
  EXPECT_EQ(from_environment({{"HF_HUB_DISABLE_PROGRESS_BARS", "1"}}).progress, ProgressMode::Never);
  EXPECT_DOUBLE_EQ(from_environment({{"HF_HUB_ETAG_TIMEOUT", "3"}}).etag_timeout_s, 3.0);
  EXPECT_DOUBLE_EQ(from_environment({{"HF_HUB_DOWNLOAD_TIMEOUT", "42"}}).download_timeout_s, 42.0);
}

TEST(HubOptions, TokenFromVariablesThenTokenFile) {
  CleanHubEnvironment clean;
  const std::string home = temp_folder();
  EXPECT_FALSE(from_environment({{"HF_HOME", home}}).token.has_value());
  std::ofstream(home + "/token") << "  hf_from_file\n";
  EXPECT_EQ(from_environment({{"HF_HOME", home}}).token.value_or(""), "hf_from_file");
  EXPECT_EQ(from_environment({{"HF_HOME", home}, {"HF_TOKEN", "hf_env"}}).token.value_or(""), "hf_env");
  EXPECT_EQ(from_environment({{"HF_HOME", home}, {"HUGGING_FACE_HUB_TOKEN", "hf_old"}}).token.value_or(""), "hf_old");
  std::ofstream(home + "/other") << "hf_other";
  EXPECT_EQ(from_environment({{"HF_HOME", home}, {"HF_TOKEN_PATH", home + "/other"}}).token.value_or(""), "hf_other");
  fs::remove_all(home);
}

TEST(HubCacheNames, RepoFoldersAndHashes) {
  EXPECT_EQ(repo_folder_name({RepoType::Model, "Skywork/Skywork-Reward-Llama-3.1-8B"}),
            "models--Skywork--Skywork-Reward-Llama-3.1-8B");
  EXPECT_EQ(repo_folder_name({RepoType::Dataset, "allenai/reward-bench"}), "datasets--allenai--reward-bench");
  EXPECT_EQ(repo_folder_name({RepoType::Model, "gpt2"}), "models--gpt2");
  EXPECT_TRUE(is_commit_hash("0123456789abcdef0123456789abcdef01234567"));
  EXPECT_FALSE(is_commit_hash("0123456789ABCDEF0123456789abcdef01234567"));
  EXPECT_FALSE(is_commit_hash("main"));
  EXPECT_FALSE(is_commit_hash("0123456"));
  EXPECT_TRUE(is_sha256_etag(std::string(64, 'a')));
  EXPECT_FALSE(is_sha256_etag(std::string(40, 'a')));
}

TEST(HubUrls, ResolveAndListingUrlsQuoteAsHuggingfaceHub) {
  const RepoRef model{RepoType::Model, "org/name"};
  const RepoRef dataset{RepoType::Dataset, "allenai/reward-bench"};
  EXPECT_EQ(resolve_url("https://huggingface.co", model, "main", "config.json"),
            "https://huggingface.co/org/name/resolve/main/config.json");
  EXPECT_EQ(resolve_url("https://huggingface.co", model, "refs/pr/1", "sub dir/a+b.json"),
            "https://huggingface.co/org/name/resolve/refs%2Fpr%2F1/sub%20dir/a%2Bb.json");
  EXPECT_EQ(resolve_url("http://h:1", dataset, "main", "data/filtered-00000-of-00001.parquet"),
            "http://h:1/datasets/allenai/reward-bench/resolve/main/data/filtered-00000-of-00001.parquet");
  EXPECT_EQ(repo_info_url("http://h:1", model, "v1.0"), "http://h:1/api/models/org/name/revision/v1.0");
  EXPECT_EQ(repo_info_url("http://h:1", dataset, "refs/convert/parquet"),
            "http://h:1/api/datasets/allenai/reward-bench/revision/refs%2Fconvert%2Fparquet");
  EXPECT_EQ(url_quote("a~b_c.d-e"), "a~b_c.d-e");
  EXPECT_EQ(url_origin("https://cdn-lfs.hf.co/repos/x?sig=1"), "https://cdn-lfs.hf.co");
  EXPECT_EQ(url_origin("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(url_origin("/relative/path"), "");
  EXPECT_EQ(resolve_relative_location("https://hf.co/old/name/resolve/main/x", "/new/name/resolve/main/x?a=1"),
            "https://hf.co/new/name/resolve/main/x");
}

TEST(HubEtags, NormalizedAsHuggingfaceHub) {
  EXPECT_EQ(normalize_etag("\"abc123\""), "abc123");
  EXPECT_EQ(normalize_etag("W/\"abc123\""), "abc123");
  EXPECT_EQ(normalize_etag("abc123"), "abc123");
  EXPECT_EQ(normalize_etag(""), "");
}

TEST(HubHeaders, TokenOnlyForTheEndpointsOrigin) {
  HubOptions options;
  options.endpoint = "https://huggingface.co";
  EXPECT_TRUE(hub_request_headers(options, "https://huggingface.co/x").empty());
  options.token = "hf_abc";
  EXPECT_EQ(hub_request_headers(options, "https://huggingface.co/x"), std::vector<std::string>{"Authorization: Bearer hf_abc"});
  EXPECT_TRUE(hub_request_headers(options, "https://cdn-lfs.hf.co/x").empty());
  EXPECT_TRUE(hub_request_headers(options, "https://huggingface.co:444/x").empty());
}

TEST(HubRepoFiles, GlobFilterAsFnmatch) {
  EXPECT_TRUE(glob_match("*.parquet", "data/test-00000-of-00001.parquet"));  // '*' crosses '/'
  EXPECT_TRUE(glob_match("data/*", "data/x.json"));
  EXPECT_FALSE(glob_match("*.json", "a.jsonl"));
  EXPECT_TRUE(glob_match("[!a]*.txt", "b.txt"));
  const std::vector<std::string> files = {"README.md", "data/a.parquet", "data/b.json", "other/c.parquet"};
  EXPECT_EQ(filter_repo_files(files, {"data/"}, {}), (std::vector<std::string>{"data/a.parquet", "data/b.json"}));
  EXPECT_EQ(filter_repo_files(files, {}, {"*.md", "other/"}), (std::vector<std::string>{"data/a.parquet", "data/b.json"}));
}

TEST(HubRepoFiles, DataFileSplits) {
  EXPECT_EQ(data_file_split("data/filtered-00000-of-00001.parquet"), "filtered");
  EXPECT_EQ(data_file_split("data/test-00003-of-00012.parquet"), "test");
  EXPECT_EQ(data_file_split("anthropic_helpful.jsonl"), "anthropic_helpful");
  EXPECT_EQ(data_file_split("data/mtbench_gpt4-00000-of-00001.parquet"), "mtbench_gpt4");
  EXPECT_EQ(data_file_split("x/y-2024.json"), "y-2024");
  DatasetFilter filter;
  filter.splits = {"filtered"};
  const std::vector<std::string> repo = {".gitattributes", "README.md", "data/filtered-00000-of-00001.parquet",
                                         "data/raw-00000-of-00001.parquet", "dataset_infos.json"};
  EXPECT_EQ(select_dataset_files(repo, filter), std::vector<std::string>{"data/filtered-00000-of-00001.parquet"});
  EXPECT_EQ(select_dataset_files(repo, {}).size(), 2u);
}

TEST(HubRepoFiles, ModelFilesAreTheOnesARewardModelReads) {
  const std::vector<std::string> repo = {".gitattributes", "README.md", "config.json", "generation_config.json",
                                         "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                                         "model.safetensors.index.json", "tokenizer.json", "tokenizer_config.json",
                                         "special_tokens_map.json", "onnx/model.safetensors", "pytorch_model.bin",
                                         "chat_template.jinja", "merges.txt", "vocab.json", "tokenizer.model"};
  const auto selected = select_model_files(repo, "org/rm");
  const std::vector<std::string> expected = {"config.json", "generation_config.json", "model-00001-of-00002.safetensors",
                                             "model-00002-of-00002.safetensors", "model.safetensors.index.json",
                                             "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                             "chat_template.jinja", "merges.txt", "vocab.json", "tokenizer.model"};
  EXPECT_EQ(selected, expected);
  try {
    select_model_files({"config.json", "pytorch_model.bin"}, "org/old");
    FAIL() << "a repo without safetensors must be refused";
  } catch (const HubError& error) {
    EXPECT_NE(std::string(error.what()).find("pytorch_model.bin"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("safetensors"), std::string::npos) << error.what();
  }
  EXPECT_THROW(select_model_files({"model.safetensors"}, "org/noconfig"), HubError);
}

TEST(HubRepoIds, WhatLooksLikeOrgName) {
  EXPECT_TRUE(looks_like_repo_id("allenai/reward-bench"));
  EXPECT_TRUE(looks_like_repo_id("Skywork/Skywork-Reward-Llama-3.1-8B"));
  EXPECT_FALSE(looks_like_repo_id("gpt2"));
  EXPECT_FALSE(looks_like_repo_id("./models/x"));
  EXPECT_FALSE(looks_like_repo_id("/abs/path"));
  EXPECT_FALSE(looks_like_repo_id("a/b/c"));
  EXPECT_FALSE(looks_like_repo_id("org--x/name"));
  EXPECT_FALSE(looks_like_repo_id("org/name.git"));
  EXPECT_FALSE(looks_like_repo_id("../name"));
}

TEST(HubRepoInfo, ParsesShaAndSiblings) {
  const RepoInfo info = parse_repo_info(R"({"id":"a/b","sha":"abc","siblings":[{"rfilename":"x.json"},{"rfilename":"d/y"}]})", "u");
  EXPECT_EQ(info.commit, "abc");
  EXPECT_EQ(info.files, (std::vector<std::string>{"x.json", "d/y"}));
  EXPECT_THROW(parse_repo_info("<html>", "u"), HubError);
  EXPECT_THROW(parse_repo_info(R"({"siblings":[]})", "u"), HubError);
  EXPECT_THROW(parse_repo_info(R"({"sha":"abc"})", "u"), HubError);
}

TEST(HubSha256, KnownVectorsAndFiles) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string folder = temp_folder();
  std::string big(9 * 1024 * 1024 + 17, 'x');  // more than two read chunks
  std::ofstream(folder + "/big", std::ios::binary) << big;
  EXPECT_EQ(sha256_file_hex(folder + "/big"), sha256_hex(big));
  EXPECT_THROW(sha256_file_hex(folder + "/missing"), IoError);
  fs::remove_all(folder);
}

TEST(HubCacheLayout, PathsRefsAndRelativeSymlinks) {
  const std::string cache = temp_folder();
  const CacheLayout layout(cache, {RepoType::Model, "org/name"});
  const std::string commit(40, 'c');
  EXPECT_EQ(layout.blob_path("e1"), cache + "/models--org--name/blobs/e1");
  EXPECT_EQ(layout.pointer_path(commit, "a/b.json"), cache + "/models--org--name/snapshots/" + commit + "/a/b.json");
  EXPECT_EQ(layout.lock_path("e1"), cache + "/.locks/models--org--name/e1.lock");
  EXPECT_FALSE(layout.resolve_revision("main"));
  layout.record_ref("main", commit);
  EXPECT_EQ(layout.resolve_revision("main").value_or(""), commit);
  layout.record_ref(commit, commit);  // a commit hash names itself: no ref file
  EXPECT_FALSE(fs::exists(layout.ref_path(commit)));
  layout.record_ref("refs/pr/1", commit);
  EXPECT_EQ(layout.resolve_revision("refs/pr/1").value_or(""), commit);

  fs::create_directories(fs::path(layout.blob_path("e1")).parent_path());
  std::ofstream(layout.blob_path("e1")) << "bytes";
  layout.link_snapshot_file(layout.blob_path("e1"), layout.pointer_path(commit, "top.json"));
  layout.link_snapshot_file(layout.blob_path("e1"), layout.pointer_path(commit, "a/b.json"));
  EXPECT_EQ(fs::read_symlink(layout.pointer_path(commit, "top.json")).string(), "../../blobs/e1");
  EXPECT_EQ(fs::read_symlink(layout.pointer_path(commit, "a/b.json")).string(), "../../../blobs/e1");
  std::ifstream in(layout.pointer_path(commit, "a/b.json"));
  std::string text;
  in >> text;
  EXPECT_EQ(text, "bytes");
  fs::remove_all(cache);
}

TEST(HubProgress, ByteFormatting) {
  EXPECT_EQ(format_bytes(999), "999 B");
  EXPECT_EQ(format_bytes(2'500'000), "2.5 MB");
  EXPECT_EQ(format_bytes(16'060'000'000.0), "16.1 GB");
}

TEST(HubResolveLocal, ExistingPathsComeBackUnchanged) {
  const std::string folder = temp_folder();
  HubOptions options;
  options.offline = true;
  EXPECT_EQ(resolve_model(folder, options), folder);
  std::ofstream(folder + "/rows.jsonl") << "{}\n";
  EXPECT_EQ(resolve_dataset(folder + "/rows.jsonl", options), folder + "/rows.jsonl");
  EXPECT_THROW(resolve_model(folder + "/rows.jsonl", options), IoError);
  const auto files = resolve_dataset_files(folder + "/rows.jsonl", options);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].split, "rows");
  try {
    resolve_dataset(folder + "/missing.jsonl", options);
    FAIL();
  } catch (const HubError&) {
    FAIL() << "a missing local path is not a Hub error";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("no such"), std::string::npos) << error.what();
  }
  fs::remove_all(folder);
}

}  // namespace
}  // namespace rb::hub
