#include "hub/cache_layout.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/file_io.h"
#include "hub/hub_error.h"
#include "io/atomic_file.h"

namespace rb::hub {
namespace fs = std::filesystem;
namespace {

bool is_lower_hex(const std::string& text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

void create_parent_folders(const fs::path& path) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) throw HubError(path.parent_path().string() + ": cannot create the folder: " + error.message());
}

}  // namespace

std::string repo_type_name(RepoType type) { return type == RepoType::Dataset ? "dataset" : "model"; }

std::string repo_folder_name(const RepoRef& repo) {
  std::string name = repo_type_name(repo.type) + "s";
  std::stringstream segments(repo.id);
  std::string segment;
  while (std::getline(segments, segment, '/')) name += "--" + segment;
  return name;
}

bool is_commit_hash(const std::string& revision) { return is_lower_hex(revision, 40); }
bool is_sha256_etag(const std::string& etag) { return is_lower_hex(etag, 64); }

CacheLayout::CacheLayout(std::string cache_dir, RepoRef repo) : cache_dir_(std::move(cache_dir)), repo_(std::move(repo)) {}

std::string CacheLayout::storage_folder() const { return (fs::path(cache_dir_) / repo_folder_name(repo_)).string(); }
std::string CacheLayout::blob_path(const std::string& etag) const {
  return (fs::path(storage_folder()) / "blobs" / etag).string();
}
std::string CacheLayout::incomplete_path(const std::string& etag) const { return blob_path(etag) + ".incomplete"; }
std::string CacheLayout::snapshot_folder(const std::string& commit) const {
  return (fs::path(storage_folder()) / "snapshots" / commit).string();
}
std::string CacheLayout::pointer_path(const std::string& commit, const std::string& filename) const {
  return (fs::path(snapshot_folder(commit)) / filename).string();
}
std::string CacheLayout::ref_path(const std::string& revision) const {
  return (fs::path(storage_folder()) / "refs" / revision).string();
}
std::string CacheLayout::no_exist_path(const std::string& commit, const std::string& filename) const {
  return (fs::path(storage_folder()) / ".no_exist" / commit / filename).string();
}
std::string CacheLayout::lock_path(const std::string& etag) const {
  return (fs::path(cache_dir_) / ".locks" / repo_folder_name(repo_) / (etag + ".lock")).string();
}

std::optional<std::string> CacheLayout::resolve_revision(const std::string& revision) const {
  if (is_commit_hash(revision)) return revision;
  const std::string path = ref_path(revision);
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return std::nullopt;
  return read_file_if_present(path).value_or("");  // written without a newline, read back as is (as huggingface_hub does)
}

void CacheLayout::record_ref(const std::string& revision, const std::string& commit) const {
  if (revision == commit) return;
  const std::string path = ref_path(revision);
  std::error_code error;
  // Written only when it changes: a shared read-only cache stays usable (huggingface_hub #1216).
  if (fs::is_regular_file(path, error) && read_file_if_present(path) == commit) return;
  io::write_file_atomically(path, commit);
}

void CacheLayout::link_snapshot_file(const std::string& blob, const std::string& pointer) const {
  create_parent_folders(pointer);
  std::error_code error;
  fs::remove(pointer, error);
  const fs::path target = fs::path(blob).lexically_relative(fs::path(pointer).parent_path());
  fs::create_symlink(target, pointer, error);
  if (!error) return;
  // No symlinks here (some network or FAT file systems): keep a copy, as huggingface_hub does.
  std::error_code copy_error;
  fs::copy_file(blob, pointer, fs::copy_options::overwrite_existing, copy_error);
  if (copy_error)
    throw HubError(pointer + ": cannot link or copy the cached file " + blob + ": " + copy_error.message());
}

void CacheLayout::record_missing_file(const std::string& commit, const std::string& filename) const {
  const fs::path path = no_exist_path(commit, filename);
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) return;  // only an optimisation: huggingface_hub ignores failures here too
  std::ofstream touch(path, std::ios::app);
}

}  // namespace rb::hub
