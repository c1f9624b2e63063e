#include "cache/score_cache.h"

#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>

#include "common/error.h"

namespace rb::cache {
namespace fs = std::filesystem;
namespace {

using Statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

// Raised inside this file when SQLite says the file is not a database or is damaged; the
// constructor answers it by moving the file aside.
struct CorruptDatabase : IoError {
  using IoError::IoError;
};

bool is_corruption(int code) {
  const int primary = code & 0xff;
  return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

[[noreturn]] void fail(sqlite3* db, int code, const std::string& path, const std::string& what) {
  const std::string message = "score cache " + path + ": " + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  if (is_corruption(code)) throw CorruptDatabase(message);
  throw IoError(message);
}

Statement prepare(sqlite3* db, const char* sql, const std::string& path) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, path, "cannot prepare a query");
  return Statement(raw, &sqlite3_finalize);
}

void bind_blob(sqlite3_stmt* statement, int index, const void* data, size_t size) {
  sqlite3_bind_blob(statement, index, data, static_cast<int>(size), SQLITE_TRANSIENT);
}

void bind_text(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
  return std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(statement, column)));
}

// Scores as little-endian IEEE float32 bytes: stored and restored bit for bit.
std::string encode_scores(const std::vector<float>& scores) {
  std::string bytes(4 * scores.size(), '\0');
  for (size_t i = 0; i < scores.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &scores[i], 4);
    for (int b = 0; b < 4; ++b) bytes[4 * i + b] = static_cast<char>(bits >> (8 * b));
  }
  return bytes;
}

std::optional<std::vector<float>> decode_scores(const void* data, size_t size) {
  if (size == 0 || size % 4 != 0) return std::nullopt;
  const auto* bytes = static_cast<const uint8_t*>(data);
  std::vector<float> scores(size / 4);
  for (size_t i = 0; i < scores.size(); ++i) {
    uint32_t bits = 0;
    for (int b = 0; b < 4; ++b) bits |= uint32_t(bytes[4 * i + b]) << (8 * b);
    std::memcpy(&scores[i], &bits, 4);
  }
  return scores;
}

// A read or write transaction that rolls back unless committed (exceptions included).
class Transaction {
 public:
  Transaction(sqlite3* db, const std::string& path, const char* begin) : db_(db), path_(path) {
    const int rc = sqlite3_exec(db_, begin, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, path_, "cannot begin a transaction");
  }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    const int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, path_, "cannot commit");
    done_ = true;
  }

 private:
  sqlite3* db_;
  const std::string& path_;
  bool done_ = false;
};

void move_aside(const std::string& path, const std::string& suffix) {
  std::error_code ignored;
  for (const char* extension : {"", "-wal", "-shm"})
    if (fs::exists(path + extension, ignored)) fs::rename(path + extension, path + suffix + extension, ignored);
}

}  // namespace

ScoreCache::ScoreCache(const std::string& path, const WarningCallback& warn) : path_(path) { open_checked(warn); }

ScoreCache::~ScoreCache() { close_database(); }

void ScoreCache::open_checked(const WarningCallback& warn) {
  try {
    open_database();
    create_schema();
    return;
  } catch (const CorruptDatabase& e) {
    close_database();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    const std::string suffix = ".corrupt-" + std::to_string(seconds);
    move_aside(path_, suffix);
    if (warn)
      warn(std::string(e.what()) + "; moved it to " + path_ + suffix + " and started an empty cache");
  }
  open_database();
  create_schema();
}

void ScoreCache::open_database() {
  const auto parent = fs::path(path_).parent_path();
  std::error_code error;
  if (!parent.empty()) fs::create_directories(parent, error);
  if (error) throw IoError("score cache " + path_ + ": cannot create its folder: " + error.message());
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    close_database();
    throw IoError("score cache " + path_ + ": cannot open: " + message);
  }
  sqlite3_busy_timeout(db_, 60000);
  exec("PRAGMA journal_mode=WAL");
  // NORMAL in WAL mode: a killed process loses nothing committed; a power cut may lose the last
  // commits but never leaves a damaged file.
  exec("PRAGMA synchronous=NORMAL");
  auto check = prepare(db_, "PRAGMA quick_check", path_);
  const int step = sqlite3_step(check.get());
  if (step != SQLITE_ROW) fail(db_, step, path_, "integrity check");
  const std::string verdict = column_text(check.get(), 0);
  if (verdict != "ok") throw CorruptDatabase("score cache " + path_ + ": integrity check failed: " + verdict);
}

void ScoreCache::close_database() {
  if (db_) sqlite3_close(db_);
  db_ = nullptr;
}

void ScoreCache::exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    const std::string full = "score cache " + path_ + ": " + message + " (in: " + sql + ")";
    if (is_corruption(rc)) throw CorruptDatabase(full);
    throw IoError(full);
  }
}

void ScoreCache::create_schema() {
  exec("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
  exec("INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', '" + std::to_string(kSchemaVersion) +
       "')");
  auto version = prepare(db_, "SELECT value FROM meta WHERE name = 'schema_version'", path_);
  const int rc = sqlite3_step(version.get());
  if (rc != SQLITE_ROW) fail(db_, rc, path_, "reading the schema version");
  const std::string found = column_text(version.get(), 0);
  if (found != std::to_string(kSchemaVersion))
    throw IoError("score cache " + path_ + ": schema version " + found + " (this program writes version " +
                  std::to_string(kSchemaVersion) + "); use another --cache-dir or delete the file");
  exec("CREATE TABLE IF NOT EXISTS scores (key BLOB PRIMARY KEY, fingerprint TEXT NOT NULL, "
       "scores BLOB NOT NULL) WITHOUT ROWID");
  exec("CREATE TABLE IF NOT EXISTS fingerprints (fingerprint TEXT PRIMARY KEY, description TEXT NOT NULL)");
  exec("CREATE TABLE IF NOT EXISTS file_digests (path TEXT NOT NULL, size INTEGER NOT NULL, "
       "mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, sha256 TEXT NOT NULL, "
       "PRIMARY KEY (path, size, mtime_ns, inode))");
}

std::vector<std::optional<std::vector<float>>> ScoreCache::find(const std::string& fingerprint,
                                                                const std::vector<Digest>& keys) {
  std::vector<std::optional<std::vector<float>>> found(keys.size());
  Transaction read(db_, path_, "BEGIN");
  auto select = prepare(db_, "SELECT fingerprint, scores FROM scores WHERE key = ?1", path_);
  for (size_t i = 0; i < keys.size(); ++i) {
    sqlite3_reset(select.get());
    bind_blob(select.get(), 1, keys[i].data(), keys[i].size());
    const int rc = sqlite3_step(select.get());
    if (rc == SQLITE_DONE) continue;
    if (rc != SQLITE_ROW) fail(db_, rc, path_, "lookup");
    if (column_text(select.get(), 0) != fingerprint) continue;  // a key collision: never serve it
    found[i] = decode_scores(sqlite3_column_blob(select.get(), 1), static_cast<size_t>(sqlite3_column_bytes(select.get(), 1)));
  }
  read.commit();
  return found;
}

void ScoreCache::put(const std::string& fingerprint, const std::vector<StoredScores>& rows) {
  Transaction write(db_, path_, "BEGIN IMMEDIATE");
  auto insert = prepare(db_, "INSERT OR IGNORE INTO scores (key, fingerprint, scores) VALUES (?1, ?2, ?3)", path_);
  for (const auto& row : rows) {
    sqlite3_reset(insert.get());
    const std::string bytes = encode_scores(row.scores);
    bind_blob(insert.get(), 1, row.key.data(), row.key.size());
    bind_text(insert.get(), 2, fingerprint);
    bind_blob(insert.get(), 3, bytes.data(), bytes.size());
    const int rc = sqlite3_step(insert.get());
    if (rc != SQLITE_DONE) fail(db_, rc, path_, "storing scores");
  }
  write.commit();
}

void ScoreCache::describe_fingerprint(const std::string& fingerprint, const std::string& description) {
  auto insert = prepare(db_, "INSERT OR IGNORE INTO fingerprints (fingerprint, description) VALUES (?1, ?2)", path_);
  bind_text(insert.get(), 1, fingerprint);
  bind_text(insert.get(), 2, description);
  const int rc = sqlite3_step(insert.get());
  if (rc != SQLITE_DONE) fail(db_, rc, path_, "storing a fingerprint");
}

std::optional<std::string> ScoreCache::find_file_digest(const FileIdentity& file) {
  auto select = prepare(db_,
                        "SELECT sha256 FROM file_digests WHERE path = ?1 AND size = ?2 AND mtime_ns = ?3 AND inode = ?4",
                        path_);
  bind_text(select.get(), 1, file.path);
  sqlite3_bind_int64(select.get(), 2, static_cast<sqlite3_int64>(file.size));
  sqlite3_bind_int64(select.get(), 3, file.mtime_ns);
  sqlite3_bind_int64(select.get(), 4, static_cast<sqlite3_int64>(file.inode));
  const int rc = sqlite3_step(select.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) fail(db_, rc, path_, "file digest lookup");
  return column_text(select.get(), 0);
}

void ScoreCache::put_file_digest(const FileIdentity& file, const std::string& sha256) {
  auto insert = prepare(db_,
                        "INSERT OR REPLACE INTO file_digests (path, size, mtime_ns, inode, sha256) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)",
                        path_);
  bind_text(insert.get(), 1, file.path);
  sqlite3_bind_int64(insert.get(), 2, static_cast<sqlite3_int64>(file.size));
  sqlite3_bind_int64(insert.get(), 3, file.mtime_ns);
  sqlite3_bind_int64(insert.get(), 4, static_cast<sqlite3_int64>(file.inode));
  bind_text(insert.get(), 5, sha256);
  const int rc = sqlite3_step(insert.get());
  if (rc != SQLITE_DONE) fail(db_, rc, path_, "storing a file digest");
}

size_t ScoreCache::size() {
  auto count = prepare(db_, "SELECT COUNT(*) FROM scores", path_);
  const int rc = sqlite3_step(count.get());
  if (rc != SQLITE_ROW) fail(db_, rc, path_, "counting rows");
  return static_cast<size_t>(sqlite3_column_int64(count.get(), 0));
}

}  // namespace rb::cache
