#include "hub/repo_files.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include "hub/hub_error.h"

namespace rb::hub {
namespace fs = std::filesystem;
namespace {

bool matches_any(const std::string& path, const std::vector<std::string>& patterns) {
  for (std::string pattern : patterns) {
    if (!pattern.empty() && pattern.back() == '/') pattern += '*';
    if (glob_match(pattern, path)) return true;
  }
  return false;
}

bool is_top_level(const std::string& path) { return path.find('/') == std::string::npos; }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const std::set<std::string>& model_support_files() {
  static const std::set<std::string> kFiles = {
      "config.json",           "model.safetensors.index.json", "tokenizer.json",     "tokenizer_config.json",
      "special_tokens_map.json", "tokenizer.model",            "vocab.json",         "merges.txt",
      "chat_template.jinja",   "generation_config.json",       "added_tokens.json"};
  return kFiles;
}

std::string list_some(const std::vector<std::string>& files) {
  std::string text;
  for (size_t i = 0; i < files.size() && i < 12; ++i) text += (i ? ", " : "") + files[i];
  if (files.size() > 12) text += ", ...";
  return text.empty() ? "no files" : text;
}

}  // namespace

bool glob_match(const std::string& pattern, const std::string& path) {
  return ::fnmatch(pattern.c_str(), path.c_str(), FNM_NOESCAPE) == 0;
}

std::vector<std::string> filter_repo_files(const std::vector<std::string>& files,
                                           const std::vector<std::string>& allow_patterns,
                                           const std::vector<std::string>& ignore_patterns) {
  std::vector<std::string> kept;
  for (const auto& file : files) {
    if (!allow_patterns.empty() && !matches_any(file, allow_patterns)) continue;
    if (matches_any(file, ignore_patterns)) continue;
    kept.push_back(file);
  }
  return kept;
}

std::vector<std::string> select_model_files(const std::vector<std::string>& repo_files, const std::string& repo_id) {
  std::vector<std::string> selected;
  bool has_config = false, has_weights = false;
  for (const auto& file : repo_files) {
    if (!is_top_level(file)) continue;
    const bool weights = ends_with(file, ".safetensors");
    if (!weights && !model_support_files().count(file)) continue;
    has_config |= file == "config.json";
    has_weights |= weights;
    selected.push_back(file);
  }
  if (!has_config)
    throw HubError("model '" + repo_id + "' has no config.json at its top level (it has " + list_some(repo_files) + ")");
  if (!has_weights)
    throw HubError("model '" + repo_id + "' has no *.safetensors weights (it has " + list_some(repo_files) +
                   "); rewardbench reads safetensors only: convert the checkpoint or pick a revision with them");
  return selected;
}

std::string data_file_split(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  for (const char* extension : {".parquet", ".jsonl", ".json"}) {
    if (ends_with(name, extension)) {
      name.resize(name.size() - std::string(extension).size());
      break;
    }
  }
  static const std::regex kShardSuffix("-[0-9]{5}-of-[0-9]{5}$");
  return std::regex_replace(name, kShardSuffix, "");
}

std::vector<std::string> select_dataset_files(const std::vector<std::string>& repo_files, const DatasetFilter& filter) {
  std::vector<std::string> selected;
  for (const auto& file : filter_repo_files(repo_files, filter.allow_patterns, filter.ignore_patterns)) {
    const std::string split = data_file_split(file);
    if (!filter.splits.empty() && std::find(filter.splits.begin(), filter.splits.end(), split) == filter.splits.end())
      continue;
    selected.push_back(file);
  }
  return selected;
}

std::vector<DataFile> list_dataset_files(const std::string& folder, const DatasetFilter& filter) {
  std::error_code error;
  fs::recursive_directory_iterator it(folder, fs::directory_options::follow_directory_symlink, error);
  if (error) throw IoError(folder + ": cannot list the folder: " + error.message());
  std::vector<std::string> relative_paths;
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) throw IoError(folder + ": cannot list the folder: " + error.message());
    if (!fs::is_regular_file(it->path(), error)) continue;  // follows the snapshot's symlinks
    relative_paths.push_back(it->path().lexically_relative(folder).generic_string());
  }
  std::vector<DataFile> files;
  for (const auto& relative : select_dataset_files(relative_paths, filter))
    files.push_back(DataFile{data_file_split(relative), (fs::path(folder) / relative).string()});
  std::sort(files.begin(), files.end(),
            [](const DataFile& a, const DataFile& b) { return std::tie(a.split, a.path) < std::tie(b.split, b.path); });
  return files;
}

}  // namespace rb::hub
