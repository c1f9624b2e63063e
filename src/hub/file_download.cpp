#include "hub/file_download.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <exception>
#include <memory>
#include <ostream>
#include <thread>

#include "common/sha256.h"
#include "hub/file_lock.h"
#include "hub/hub_error.h"
#include "hub/hub_status.h"
#include "hub/progress_bar.h"
#include "hub/url.h"

namespace rb::hub {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxRelativeRedirects = 10;

std::optional<uint64_t> parse_size(const std::string& text) {
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

uint64_t file_size_or_zero(const std::string& path) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  return error ? 0 : size;
}

bool exists(const std::string& path) {
  std::error_code error;
  return fs::exists(path, error);
}

using File = std::unique_ptr<std::FILE, decltype(&std::fclose)>;

// The bytes of one GET appended to the .incomplete file; a 200 answer to a Range request (the
// server ignored it) starts the file over.
class IncompleteFile {
 public:
  IncompleteFile(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "ab"), &std::fclose) {
    if (!file_) throw HubError(path + ": cannot open for writing: " + std::strerror(errno));
    size_ = file_size_or_zero(path);
  }
  uint64_t size() const { return size_; }
  bool append(const char* data, size_t bytes) {
    if (std::fwrite(data, 1, bytes, file_.get()) != bytes) return false;
    size_ += bytes;
    return true;
  }
  void truncate() {
    std::fflush(file_.get());
    if (::ftruncate(::fileno(file_.get()), 0) != 0) throw HubError(path_ + ": cannot truncate: " + std::strerror(errno));
    size_ = 0;
  }
  void close() {
    if (std::fflush(file_.get()) != 0) throw HubError(path_ + ": write error: " + std::strerror(errno));
    file_.reset();
  }

 private:
  std::string path_;
  File file_;
  uint64_t size_ = 0;
};

}  // namespace

std::string normalize_etag(const std::string& etag) {
  size_t start = 0;
  while (start < etag.size() && (etag[start] == 'W' || etag[start] == '/')) ++start;
  size_t end = etag.size();
  while (start < end && etag[start] == '"') ++start;
  while (end > start && etag[end - 1] == '"') --end;
  return etag.substr(start, end - start);
}

std::vector<std::string> hub_request_headers(const HubOptions& options, const std::string& url) {
  std::vector<std::string> headers;
  if (options.token && url_origin(url) == url_origin(options.endpoint))
    headers.push_back("Authorization: Bearer " + *options.token);
  return headers;
}

FileDownloader::FileDownloader(const HubOptions& options, net::HttpClient& session) : options_(options), session_(session) {}

std::optional<std::string> FileDownloader::cached_file(const RepoRef& repo, const std::string& revision,
                                                       const std::string& filename) const {
  const CacheLayout layout(options_.cache_dir, repo);
  const auto commit = layout.resolve_revision(revision);
  if (!commit) return std::nullopt;
  const std::string pointer = layout.pointer_path(*commit, filename);
  if (!exists(pointer)) return std::nullopt;
  return pointer;
}

FileMetadata FileDownloader::fetch_metadata(const RepoRef& repo, const std::string& revision,
                                            const std::string& filename) {
  std::string url = resolve_url(options_.endpoint, repo, revision, filename);
  RequestContext context{repo, revision, filename, url, false};
  for (int redirects = 0;; ++redirects) {
    std::vector<std::string> headers = hub_request_headers(options_, url);
    context.url = url;
    context.token_sent = !headers.empty();
    headers.push_back("Accept-Encoding: identity");  // the real size, not a compressed one
    const net::HttpResponse response = session_.head(url, headers, options_.etag_timeout_s);
    if (response.completed() && response.status == 404 && response.header("x-error-code") == "EntryNotFound") {
      const std::string commit = response.header("x-repo-commit");
      if (!commit.empty()) {
        const CacheLayout layout(options_.cache_dir, repo);
        layout.record_missing_file(commit, filename);
        layout.record_ref(revision, commit);
      }
    }
    throw_if_failed(response, context);
    const std::string location = response.header("location");
    const bool redirect = response.status >= 300 && response.status < 400;
    if (redirect && !location.empty() && url_origin(location).empty() && redirects < kMaxRelativeRedirects) {
      url = resolve_relative_location(url, location);  // a renamed repo: same host, follow
      continue;
    }
    FileMetadata metadata;
    metadata.commit = response.header("x-repo-commit");
    const std::string linked_etag = response.header("x-linked-etag");
    metadata.etag = normalize_etag(linked_etag.empty() ? response.header("etag") : linked_etag);
    const std::string linked_size = response.header("x-linked-size");
    metadata.size = parse_size(linked_size.empty() ? response.header("content-length") : linked_size);
    metadata.location = location.empty() ? url : location;
    if (metadata.commit.empty())
      throw HubError(url + " has no X-Repo-Commit header: is HF_ENDPOINT (" + options_.endpoint +
                         ") a Hugging Face Hub? (a proxy or firewall may be answering)",
                     response.status, url, true);
    if (metadata.etag.empty())
      throw HubError(url + " has no ETag: the download could not be checked or cached", response.status, url, true);
    if (!metadata.size) throw HubError(url + " has no Content-Length or X-Linked-Size", response.status, url, true);
    return metadata;
  }
}

std::string FileDownloader::download(const RepoRef& repo, const std::string& revision, const std::string& filename) {
  const CacheLayout layout(options_.cache_dir, repo);
  if (is_commit_hash(revision) && exists(layout.pointer_path(revision, filename)))
    return layout.pointer_path(revision, filename);
  if (options_.offline) {
    if (auto cached = cached_file(repo, revision, filename)) return *cached;
    throw HubCacheMissError("file '" + filename + "' of " + describe_repo(repo) + " at revision '" + revision +
                            "' is not in the cache " + options_.cache_dir +
                            " and outgoing traffic has been disabled (HF_HUB_OFFLINE=1; set HF_HUB_OFFLINE=0 to "
                            "download it)");
  }

  FileMetadata metadata;
  try {
    metadata = fetch_metadata(repo, revision, filename);
  } catch (const HubError& error) {
    if (!error.cache_may_answer()) throw;
    if (auto cached = cached_file(repo, revision, filename)) {
      if (options_.warning_stream)
        *options_.warning_stream << "warning: " << error.what() << "; using the cached " << *cached << "\n";
      return *cached;
    }
    if (error.http_status() == 401 || error.http_status() == 403 || error.http_status() == 404) throw;
    throw HubCacheMissError(std::string(error.what()) + "; and the file is not in the cache " + options_.cache_dir,
                            error.http_status(), error.url());
  }

  const std::string blob = layout.blob_path(metadata.etag);
  const std::string pointer = layout.pointer_path(metadata.commit, filename);
  layout.record_ref(revision, metadata.commit);
  if (exists(pointer)) return pointer;  // before the lock: a read-only shared cache stays usable
  FileLock lock(layout.lock_path(metadata.etag));
  if (exists(pointer)) return pointer;  // another process finished it while we waited
  if (!exists(blob)) fetch_blob(layout, metadata, filename);
  layout.link_snapshot_file(blob, pointer);
  return pointer;
}

void FileDownloader::fetch_blob(const CacheLayout& layout, const FileMetadata& metadata,
                                const std::string& filename) {
  const std::string incomplete_path = layout.incomplete_path(metadata.etag);
  std::error_code error;
  fs::create_directories(fs::path(incomplete_path).parent_path(), error);
  if (error) throw HubError(incomplete_path + ": cannot create the folder: " + error.message());

  // Signed CDN URLs must not receive the Hub token; the Hub URL itself (a git file) does.
  const std::vector<std::string> headers = hub_request_headers(options_, metadata.location);
  const uint64_t expected = *metadata.size;
  IncompleteFile file(incomplete_path);
  ProgressBar progress(options_, filename, expected, file.size());
  // LFS files are checked against their sha256 etag, hashed as they arrive.
  std::optional<Sha256Stream> digest;
  if (is_sha256_etag(metadata.etag)) {
    digest.emplace();
    try {
      if (file.size() > 0) update_from_file(*digest, incomplete_path);
    } catch (const IoError& error) {
      throw HubError(std::string(error.what()) + " (checking the partial download's sha256)");
    }
  }
  int retries_left = options_.download_retries;
  while (file.size() != expected) {
    std::vector<std::string> request_headers = headers;
    const uint64_t resume_from = file.size();
    if (resume_from > 0) request_headers.push_back("Range: bytes=" + std::to_string(resume_from) + "-");
    uint64_t received = 0;
    std::exception_ptr local_failure;  // exceptions must not unwind through libcurl's C frames
    const net::BodySink sink = [&](long status, const char* data, size_t size) {
      try {
        if (received == 0 && resume_from > 0 && status == 200) {
          file.truncate();  // the server sent the whole file, not the range
          progress.restart(0);
          if (digest) digest->reset();
        }
        received += size;
        progress.advance(size);
        if (!file.append(data, size)) throw HubError(incomplete_path + ": write error: " + std::strerror(errno));
        if (digest) digest->update(data, size);
        return true;
      } catch (...) {
        local_failure = std::current_exception();
        return false;
      }
    };
    const net::HttpResponse response =
        session_.get_streamed(metadata.location, request_headers, sink, options_.etag_timeout_s, options_.download_timeout_s);
    if (local_failure) std::rethrow_exception(local_failure);  // a disk problem: retrying would not help
    if (response.completed() && response.status == 416 && resume_from > 0) {
      file.truncate();  // the partial file is longer than the server's: start over
      progress.restart(0);
      if (digest) digest->reset();
      continue;
    }
    if (response.completed() && response.status >= 400) {
      RequestContext context{layout.repo(), metadata.commit, filename, metadata.location, !headers.empty()};
      throw_if_failed(response, context);
    }
    if (response.completed()) break;
    if (received > 0) retries_left = options_.download_retries;  // progress was made: a fresh set of retries
    if (retries_left <= 0) {
      throw HubError("download of '" + filename + "' from " + metadata.location + " was interrupted after " +
                         std::to_string(file.size()) + " of " + std::to_string(expected) + " bytes (" +
                         response.transport_error + "); run again to resume from " + incomplete_path,
                     response.status, metadata.location, true);
    }
    --retries_left;
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.retry_delay_s));
  }
  file.close();
  progress.finish();
  verify_blob(incomplete_path, metadata, filename, layout.repo(),
              digest ? std::optional<std::string>(digest->finish_hex()) : std::nullopt);
  fs::rename(incomplete_path, layout.blob_path(metadata.etag), error);
  if (error) throw HubError(incomplete_path + ": cannot move into the cache: " + error.message());
}

void FileDownloader::verify_blob(const std::string& incomplete, const FileMetadata& metadata,
                                 const std::string& filename, const RepoRef& repo,
                                 const std::optional<std::string>& sha256) {
  const uint64_t actual = file_size_or_zero(incomplete);
  if (actual != *metadata.size) {
    // Too long cannot be resumed; too short can (the next run continues it).
    if (actual > *metadata.size) fs::remove(incomplete);
    throw HubError("consistency check failed: file '" + filename + "' of " + describe_repo(repo) + " should be " +
                       std::to_string(*metadata.size) + " bytes but has " + std::to_string(actual) + " (" +
                       metadata.location + ")",
                   0, metadata.location);
  }
  if (!sha256) return;  // a git file: its etag is a git object id, not a content hash
  const std::string& digest = *sha256;
  if (digest == metadata.etag) return;
  fs::remove(incomplete);
  throw HubError("file '" + filename + "' of " + describe_repo(repo) + " is corrupt: its sha256 is " + digest +
                     " but the Hub's etag says " + metadata.etag + "; the download was deleted (" + metadata.location +
                     ")",
                 0, metadata.location);
}

}  // namespace rb::hub
