#pragma once
// huggingface_hub's cache layout, so that a model fetched here is found by transformers and the
// reverse:
//   <cache>/models--org--name/blobs/<etag>                 file contents, named by etag
//   <cache>/models--org--name/blobs/<etag>.incomplete      a download in progress (resumed)
//   <cache>/models--org--name/snapshots/<commit>/<path>    relative symlink to ../../blobs/<etag>
//   <cache>/models--org--name/refs/<revision>              the commit hash a branch/tag resolved to
//   <cache>/models--org--name/.no_exist/<commit>/<path>    empty: the file is known not to exist
//   <cache>/.locks/models--org--name/<etag>.lock           one writer per blob
// Datasets use datasets--org--name.
#include <optional>
#include <string>

namespace rb::hub {

enum class RepoType { Model, Dataset };

struct RepoRef {
  RepoType type = RepoType::Model;
  std::string id;  // "org/name" (or a legacy single-segment name)
};

// "model" / "dataset", as the error messages and the API say it.
std::string repo_type_name(RepoType type);
// "models--org--name": "<type>s" and the id's segments joined by "--".
std::string repo_folder_name(const RepoRef& repo);
// A full 40-hex lowercase commit hash (REGEX_COMMIT_HASH).
bool is_commit_hash(const std::string& revision);
// A 64-hex lowercase sha256: the etag of an LFS file (REGEX_SHA256).
bool is_sha256_etag(const std::string& etag);

class CacheLayout {
 public:
  CacheLayout(std::string cache_dir, RepoRef repo);

  const RepoRef& repo() const { return repo_; }
  std::string storage_folder() const;
  std::string blob_path(const std::string& etag) const;
  std::string incomplete_path(const std::string& etag) const;
  std::string snapshot_folder(const std::string& commit) const;
  std::string pointer_path(const std::string& commit, const std::string& filename) const;
  std::string ref_path(const std::string& revision) const;
  std::string no_exist_path(const std::string& commit, const std::string& filename) const;
  std::string lock_path(const std::string& etag) const;

  // The commit a revision names: itself when it is a commit hash, else the content of refs/<revision>.
  std::optional<std::string> resolve_revision(const std::string& revision) const;
  // Records refs/<revision> = commit (skipped when revision is the commit, or already recorded).
  void record_ref(const std::string& revision, const std::string& commit) const;
  // Makes snapshots/<commit>/<filename> point at the blob: a relative symlink, or a copy where the
  // file system has no symlinks.
  void link_snapshot_file(const std::string& blob, const std::string& pointer) const;
  // Remembers that `filename` does not exist at `commit` (huggingface_hub's .no_exist marker).
  void record_missing_file(const std::string& commit, const std::string& filename) const;

 private:
  std::string cache_dir_;
  RepoRef repo_;
};

}  // namespace rb::hub
