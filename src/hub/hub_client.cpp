#include "hub/hub_client.h"

#include <filesystem>
#include <optional>
#include <regex>

#include "hub/snapshot.h"
#include "net/http_client.h"

namespace rb::hub {
namespace {

[[noreturn]] void throw_not_local_nor_repo(const std::string& argument, const std::string& kind) {
  throw IoError(argument + ": no such " + kind + " on disk, and not a Hub repo id of the form org/name");
}

// "models" for "models/my-modle" when ./models is a folder here.
std::optional<std::string> existing_first_folder(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0) return std::nullopt;
  std::error_code error;
  const std::string first = text.substr(0, slash);
  return std::filesystem::is_directory(first, error) ? std::optional<std::string>(first) : std::nullopt;
}

[[noreturn]] void throw_no_such_local(const std::string& argument, const std::string& kind) {
  const auto folder = existing_first_folder(argument);
  throw IoError(argument + ": no such " + kind +
                (folder ? " (" + *folder + "/ is a folder here, so this is a local path, not a Hub repo)" : ""));
}

// A missing repo may just be a mistyped local path: say both.
[[noreturn]] void rethrow_with_local_hint(const HubError& error, const std::string& argument) {
  if (error.http_status() != 404 && error.http_status() != 401) throw;
  throw HubError(std::string(error.what()) + " (and there is no local folder or file '" + argument + "')",
                 error.http_status(), error.url(), error.cache_may_answer());
}

}  // namespace

bool names_local_path(const std::string& text) {
  std::error_code error;
  if (text.empty() || std::filesystem::exists(text, error)) return true;
  if (text.front() == '.' || text.front() == '/' || text.front() == '~') return true;
  return existing_first_folder(text).has_value();
}

bool looks_like_repo_id(const std::string& text) {
  static const std::regex kRepoId(R"(^[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]{1,96}$)");
  if (!std::regex_match(text, kRepoId)) return false;
  if (text.find("--") != std::string::npos || text.find("..") != std::string::npos) return false;
  const auto ends = [&](const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return !ends(".git") && text.front() != '.' && text.front() != '-';
}

std::string resolve_model(const std::string& repo_id_or_path, const HubOptions& options) {
  std::error_code error;
  if (std::filesystem::is_directory(repo_id_or_path, error)) return repo_id_or_path;
  if (std::filesystem::exists(repo_id_or_path, error))
    throw IoError(repo_id_or_path + ": is a file; a model is a folder (config.json, *.safetensors, tokenizer files)");
  if (names_local_path(repo_id_or_path)) throw_no_such_local(repo_id_or_path, "model folder");
  if (!looks_like_repo_id(repo_id_or_path)) throw_not_local_nor_repo(repo_id_or_path, "model folder");
  const RepoRef repo{RepoType::Model, repo_id_or_path};
  net::HttpClient session(options.user_agent);
  try {
    const FileSelector select = [&](const std::vector<std::string>& files) {
      return select_model_files(files, repo.id);
    };
    const Snapshot snapshot = snapshot_download(repo, options, select, session);
    if (!std::filesystem::exists(snapshot.folder + "/config.json", error))
      throw HubCacheMissError("the cached snapshot " + snapshot.folder + " of " + repo.id +
                              " has no config.json; run once online (HF_HUB_OFFLINE=0) to complete it");
    return snapshot.folder;
  } catch (const HubCacheMissError&) {
    throw;
  } catch (const HubError& hub_error) {
    rethrow_with_local_hint(hub_error, repo_id_or_path);
  }
}

std::string resolve_dataset(const std::string& repo_id_or_path, const HubOptions& options, const DatasetFilter& filter) {
  std::error_code error;
  if (std::filesystem::exists(repo_id_or_path, error)) return repo_id_or_path;
  if (names_local_path(repo_id_or_path)) throw_no_such_local(repo_id_or_path, "dataset file or folder");
  if (!looks_like_repo_id(repo_id_or_path)) throw_not_local_nor_repo(repo_id_or_path, "dataset file or folder");
  const RepoRef repo{RepoType::Dataset, repo_id_or_path};
  net::HttpClient session(options.user_agent);
  try {
    const FileSelector select = [&](const std::vector<std::string>& files) {
      std::vector<std::string> selected = select_dataset_files(files, filter);
      if (selected.empty()) {
        std::string splits;
        for (const auto& split : filter.splits) splits += (splits.empty() ? "" : ", ") + split;
        throw HubError("dataset '" + repo.id + "' has no data files (.parquet/.jsonl/.json)" +
                       (splits.empty() ? std::string() : " of split(s) " + splits) + " among its " +
                       std::to_string(files.size()) + " files");
      }
      return selected;
    };
    return snapshot_download(repo, options, select, session).folder;
  } catch (const HubCacheMissError&) {
    throw;
  } catch (const HubError& hub_error) {
    rethrow_with_local_hint(hub_error, repo_id_or_path);
  }
}

std::vector<DataFile> resolve_dataset_files(const std::string& repo_id_or_path, const HubOptions& options,
                                            const DatasetFilter& filter) {
  std::error_code error;
  if (std::filesystem::is_regular_file(repo_id_or_path, error))
    return {DataFile{data_file_split(repo_id_or_path), repo_id_or_path}};
  const std::string folder = resolve_dataset(repo_id_or_path, options, filter);
  std::vector<DataFile> files = list_dataset_files(folder, filter);
  if (files.empty()) {
    std::string splits;
    for (const auto& split : filter.splits) splits += (splits.empty() ? "" : ", ") + split;
    throw InputError(folder + ": no .parquet/.jsonl/.json data files" +
                     (splits.empty() ? std::string() : " of split(s) " + splits) +
                     (options.offline ? " (offline: only what an earlier online run fetched is there)" : ""));
  }
  return files;
}

}  // namespace rb::hub
