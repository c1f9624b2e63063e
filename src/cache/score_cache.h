#pragma once
// Per-sequence reward scores kept on disk (SQLite, WAL journal), so an interrupted or repeated
// evaluation scores nothing twice. Keys are digests of (model fingerprint, exact model input) made
// by sequence_key(); each stored row also keeps its fingerprint, and a lookup only returns a row
// whose fingerprint matches, so a score is never served for another model, dtype or template.
//
// Durability: put() commits its rows in one transaction before returning; a process killed at any
// point (SIGKILL included) loses at most the put() in flight, and the database stays consistent.
// A file that is not a database or fails SQLite's integrity check is moved aside
// (<file>.corrupt-<seconds>) and a fresh cache is started; the warning callback says so.
// Several processes may read and write one cache at once (WAL; writers wait for each other).
// One ScoreCache object is for one thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/sequence_key.h"

namespace rb::db {
class Database;
}

namespace rb::cache {

struct StoredScores {
  Digest key;
  std::vector<float> scores;
};

// Identity of a file on disk, for remembering its content digest between runs.
struct FileIdentity {
  std::string path;  // absolute
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
};

using WarningCallback = std::function<void(const std::string&)>;

class ScoreCache {
 public:
  static constexpr int kSchemaVersion = 1;

  // Creates the file and its folder when missing. Throws rb::IoError naming the path when it
  // cannot be opened or was written with another schema version.
  ScoreCache(const std::string& path, const WarningCallback& warn = {});
  ~ScoreCache();
  ScoreCache(const ScoreCache&) = delete;
  ScoreCache& operator=(const ScoreCache&) = delete;

  // One entry per key, in order: the stored scores, or nullopt when absent.
  std::vector<std::optional<std::vector<float>>> find(const std::string& fingerprint, const std::vector<Digest>& keys);
  // Stores rows in one transaction; existing keys keep their first scores.
  void put(const std::string& fingerprint, const std::vector<StoredScores>& rows);
  // Records what a fingerprint stands for (JSON text), for people inspecting the cache.
  void describe_fingerprint(const std::string& fingerprint, const std::string& description);

  // Content digest of a file remembered under its identity (path, size, mtime, inode).
  std::optional<std::string> find_file_digest(const FileIdentity& file);
  void put_file_digest(const FileIdentity& file, const std::string& sha256);

  size_t size();  // stored score rows
  const std::string& path() const { return path_; }

 private:
  void open_checked(const WarningCallback& warn);
  void open_database();
  void create_schema();

  std::string path_;
  std::unique_ptr<db::Database> db_;
};

}  // namespace rb::cache
