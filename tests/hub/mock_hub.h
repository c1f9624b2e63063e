#pragma once
// A Hugging Face Hub on loopback for the hub tests: an HTTP/1.1 server on 127.0.0.1 (a thread in
// the test process, POSIX sockets) serving repos from memory with the Hub's URL layout and headers,
// and a second server standing in for the LFS CDN (another origin, so the client must drop its
// Authorization header there).
//   HEAD/GET /{datasets/}{org}/{name}/resolve/{revision}/{path}
//     git file: 200, ETag "<git blob sha1>", X-Repo-Commit, Content-Length, Range -> 206
//     LFS file: 302 Location <cdn>/lfs/<sha256>?sig=..., X-Linked-Etag "<sha256>", X-Linked-Size
//     unknown repo/revision/file: 404 with X-Error-Code RepoNotFound/RevisionNotFound/EntryNotFound
//   GET /api/{models|datasets}/{org}/{name}/revision/{revision}: {"id","sha","siblings":[{"rfilename"}]}
//   GET /api/.../tree/{revision}?recursive=true and POST /api/.../paths-info/{revision} (what the
//     JavaScript client @huggingface/hub lists and downloads with): [{type, path, oid, size, lfs}]
//   GET <cdn>/lfs/<sha256>: the bytes, Range -> 206 + Content-Range
// Faults switch on per test: cut the connection after N body bytes, a wrong LFS etag, a required
// token (401 without it), a server that ignores Range.
#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rb::hub::testing {

struct MockFile {
  std::string content;
  bool lfs = false;
};

struct MockRepo {
  bool dataset = false;
  std::string id;                                                  // "org/name"
  std::map<std::string, std::string> refs;                         // "main" -> commit
  std::map<std::string, std::map<std::string, MockFile>> commits;  // commit -> path -> file
  std::vector<std::string> old_ids;  // renamed from these: 307 with a relative Location to `id`
};

struct MockFaults {
  std::optional<size_t> cut_after_bytes;  // of a file body (hub or CDN)...
  int cuts_left = 0;                      // ...this many times
  bool wrong_lfs_etag = false;            // X-Linked-Etag is the sha256 of other bytes
  std::optional<std::string> required_token;  // every hub request needs "Authorization: Bearer <token>"
  bool ignore_range = false;              // answer 200 with the whole body to a Range request
  bool weak_etags = false;                // ETag: W/"..."
};

struct RecordedRequest {
  std::string server;  // "hub" or "cdn"
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;                            // POST bodies (paths-info)
};

class LoopbackServer;

class MockHub {
 public:
  MockHub();
  ~MockHub();
  MockHub(const MockHub&) = delete;
  MockHub& operator=(const MockHub&) = delete;

  std::string endpoint() const;
  std::string cdn_endpoint() const;
  void add_repo(const MockRepo& repo);  // replaces a repo of the same kind and id (a push)
  void set_faults(const MockFaults& faults);
  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;
  void clear_requests();
  void stop();  // later requests are refused (connection refused)

  struct Reply;
 private:
  Reply answer_hub(const RecordedRequest& request);
  Reply answer_cdn(const RecordedRequest& request);
  Reply answer_resolve(const RecordedRequest& request, const std::string& path, bool dataset);
  Reply answer_api(const RecordedRequest& request, const std::string& path);
  Reply answer_tree(const MockRepo& repo, const std::string& commit, const RecordedRequest& request);
  void apply_cut(const RecordedRequest& request, Reply& reply);
  const MockRepo* find_repo(bool dataset, const std::string& id) const;
  const MockRepo* find_renamed_repo(bool dataset, const std::string& old_id) const;

  mutable std::mutex mutex_;
  std::vector<MockRepo> repos_;
  std::map<std::string, std::string> lfs_objects_;  // sha256 -> bytes
  MockFaults faults_;
  std::vector<RecordedRequest> requests_;
  std::unique_ptr<LoopbackServer> hub_, cdn_;
};

// A model or dataset repo at one commit holding the files of a local folder (top level only),
// safetensors weights as LFS files, everything else as git files.
MockRepo repo_of_folder(const std::string& id, const std::string& folder, bool dataset = false);

// Environment variables set for one test and restored after it (commands read HF_* and
// XDG_CACHE_HOME from the process environment, as the CLI does).
class ScopedEnvironment {
 public:
  explicit ScopedEnvironment(const std::map<std::string, std::string>& values);
  ~ScopedEnvironment();
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  std::map<std::string, std::string> saved_;
  std::vector<std::string> unset_;
};

// Git's blob id (sha1 of "blob <size>\0<bytes>"): the ETag the Hub gives git files.
std::string git_blob_sha1(const std::string& content);
std::string sha256_of(const std::string& content);

}  // namespace rb::hub::testing
