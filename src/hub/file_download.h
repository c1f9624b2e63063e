#pragma once
// One file of a Hub repo into the cache, as huggingface_hub's hf_hub_download does it:
//  1. a commit-hash revision whose snapshot file exists: returned with no request;
//  2. HEAD {endpoint}/{repo}/resolve/{revision}/{file} (relative redirects followed, absolute ones
//     not): X-Repo-Commit, X-Linked-Etag or ETag (quotes and W/ stripped), X-Linked-Size or
//     Content-Length, Location (LFS files: a CDN URL);
//  3. refs/<revision> recorded; the snapshot file or its blob already cached: linked, returned;
//  4. GET into blobs/<etag>.incomplete, resumed with Range: bytes=N- when it exists, retried after a
//     cut connection; no Authorization header to another host; size checked; an LFS file (its etag is
//     a sha256) checked against its sha256 and deleted on mismatch; renamed to blobs/<etag>;
//  5. snapshots/<commit>/<file> -> ../../blobs/<etag>.
// Offline (HF_HUB_OFFLINE), or when the Hub cannot be reached or refuses (401/403/5xx/unknown
// repo), the cached file for refs/<revision> is used if there is one.
#include <cstdint>
#include <optional>
#include <string>

#include "hub/cache_layout.h"
#include "hub/hub_options.h"
#include "net/http_client.h"

namespace rb::hub {

struct FileMetadata {
  std::string commit;
  std::string etag;
  std::string location;  // where to GET the bytes
  std::optional<uint64_t> size;
};

// huggingface_hub's _normalize_etag: leading 'W' and '/' characters dropped, then surrounding quotes.
std::string normalize_etag(const std::string& etag);

// The headers every Hub request carries (Authorization only when a token is set and `url` is on the
// endpoint's host).
std::vector<std::string> hub_request_headers(const HubOptions& options, const std::string& url);

class FileDownloader {
 public:
  FileDownloader(const HubOptions& options, net::HttpClient& session);

  // The snapshot path of `filename` (a path inside the repo, '/'-separated) at `revision`.
  std::string download(const RepoRef& repo, const std::string& revision, const std::string& filename);
  // The cached snapshot path for refs/<revision> (or a commit hash), without any request.
  std::optional<std::string> cached_file(const RepoRef& repo, const std::string& revision,
                                         const std::string& filename) const;
  FileMetadata fetch_metadata(const RepoRef& repo, const std::string& revision, const std::string& filename);

 private:
  void fetch_blob(const CacheLayout& layout, const FileMetadata& metadata, const std::string& filename);
  // Size, then (LFS files) the sha256 computed while downloading against the etag.
  void verify_blob(const std::string& incomplete, const FileMetadata& metadata, const std::string& filename,
                   const RepoRef& repo, const std::optional<std::string>& sha256);

  const HubOptions& options_;
  net::HttpClient& session_;
};

}  // namespace rb::hub
