#pragma once
// Which files of a repo to fetch: the files a reward model needs, or a dataset's data files, and
// the split a data file belongs to (the `datasets` library's naming: data/<split>-00000-of-00001.parquet).
#include <string>
#include <vector>

namespace rb::hub {

// Python's fnmatch.fnmatchcase: '*' and '?' also match '/', [seq] and [!seq] classes, no escapes.
bool glob_match(const std::string& pattern, const std::string& path);

// huggingface_hub's filter_repo_objects: kept when it matches an allow pattern (all kept when there
// are none) and no ignore pattern; a pattern ending in '/' matches everything under that folder.
std::vector<std::string> filter_repo_files(const std::vector<std::string>& files,
                                           const std::vector<std::string>& allow_patterns,
                                           const std::vector<std::string>& ignore_patterns);

// config.json, the safetensors weights (model*.safetensors at the top level and their index), the
// tokenizer and template files that exist in the listing. Throws HubError when the repo has no
// config.json or no safetensors weights (naming what it has instead).
std::vector<std::string> select_model_files(const std::vector<std::string>& repo_files, const std::string& repo_id);

struct DatasetFilter {
  // Only files of these splits ("filtered", "test", ...); empty: every split.
  std::vector<std::string> splits;
  std::vector<std::string> allow_patterns = {"*.parquet", "*.jsonl", "*.json"};
  std::vector<std::string> ignore_patterns = {"*dataset_info.json", "*dataset_infos.json", "*.md", ".*"};
};

// The split of a data file: its name without folders and extension, less a "-NNNNN-of-NNNNN"
// shard suffix ("data/filtered-00000-of-00001.parquet" -> "filtered", "shp.jsonl" -> "shp").
std::string data_file_split(const std::string& path);

std::vector<std::string> select_dataset_files(const std::vector<std::string>& repo_files, const DatasetFilter& filter);

struct DataFile {
  std::string split;
  std::string path;  // absolute or relative to the current folder, as the folder argument was
};

// The data files under a local folder (a snapshot: symlinks followed) that the filter selects,
// sorted by split then path. Throws rb::IoError when the folder cannot be read.
std::vector<DataFile> list_dataset_files(const std::string& folder, const DatasetFilter& filter = {});

}  // namespace rb::hub
