#pragma once
// Every judge answer kept on disk (SQLite), keyed by the SHA-256 of the exact request: endpoint
// URL, protocol, model, messages and sampling parameters (never the API key). A rerun asks the
// server nothing it already has, and an interrupted run resumes where it stopped, because each
// answer is committed as soon as it arrives. Failed requests are not stored, so they are retried.
// Safe to use from many threads (one connection, serialised by a mutex; WAL journal).
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace rb::db {
class Database;
}

namespace rb::judge {

class ResponseCache {
 public:
  // Creates the file (and its folder) when missing. Throws rb::IoError naming the path.
  explicit ResponseCache(const std::string& path);
  ~ResponseCache();
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  std::optional<std::string> find(const std::string& key);
  // `request` is stored alongside for inspection; an existing key keeps its first answer.
  void put(const std::string& key, const std::string& request, const std::string& response);
  size_t size();

 private:
  std::unique_ptr<db::Database> db_;
  std::mutex mutex_;
};

}  // namespace rb::judge
