#include "cache/score_cache.h"

#include <chrono>
#include <cstring>
#include <filesystem>

#include "common/error.h"
#include "db/sqlite.h"

namespace rb::cache {
namespace fs = std::filesystem;
namespace {

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

std::optional<std::vector<float>> decode_scores(const std::string& bytes) {
  if (bytes.empty() || bytes.size() % 4 != 0) return std::nullopt;
  std::vector<float> scores(bytes.size() / 4);
  for (size_t i = 0; i < scores.size(); ++i) {
    uint32_t bits = 0;
    for (int b = 0; b < 4; ++b) bits |= uint32_t(static_cast<uint8_t>(bytes[4 * i + b])) << (8 * b);
    std::memcpy(&scores[i], &bits, 4);
  }
  return scores;
}

void move_aside(const std::string& path, const std::string& suffix) {
  std::error_code ignored;
  for (const char* extension : {"", "-wal", "-shm"})
    if (fs::exists(path + extension, ignored)) fs::rename(path + extension, path + suffix + extension, ignored);
}

db::Statement& bind_identity(db::Statement& statement, const FileIdentity& file) {
  return statement.bind(1, file.path)
      .bind(2, static_cast<int64_t>(file.size))
      .bind(3, file.mtime_ns)
      .bind(4, static_cast<int64_t>(file.inode));
}

}  // namespace

ScoreCache::ScoreCache(const std::string& path, const WarningCallback& warn) : path_(path) { open_checked(warn); }

ScoreCache::~ScoreCache() = default;

void ScoreCache::open_checked(const WarningCallback& warn) {
  try {
    open_database();
    create_schema();
    return;
  } catch (const db::SqliteError& e) {
    if (!e.is_corruption()) throw;
    db_.reset();
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
  db::OpenOptions options;
  options.busy_timeout_ms = 60000;
  db_ = std::make_unique<db::Database>(path_, "score cache", options);
  db_->check_integrity();
}

void ScoreCache::create_schema() {
  db_->exec("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
  db_->exec("INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', '" + std::to_string(kSchemaVersion) +
            "')");
  auto version = db_->prepare("SELECT value FROM meta WHERE name = 'schema_version'");
  if (!version.step()) throw IoError("score cache " + path_ + ": no schema version");
  const std::string found = version.text(0);
  if (found != std::to_string(kSchemaVersion))
    throw IoError("score cache " + path_ + ": schema version " + found + " (this program writes version " +
                  std::to_string(kSchemaVersion) + "); use another --cache-dir or delete the file");
  db_->exec("CREATE TABLE IF NOT EXISTS scores (key BLOB PRIMARY KEY, fingerprint TEXT NOT NULL, "
            "scores BLOB NOT NULL) WITHOUT ROWID");
  db_->exec("CREATE TABLE IF NOT EXISTS fingerprints (fingerprint TEXT PRIMARY KEY, description TEXT NOT NULL)");
  db_->exec("CREATE TABLE IF NOT EXISTS file_digests (path TEXT NOT NULL, size INTEGER NOT NULL, "
            "mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, sha256 TEXT NOT NULL, "
            "PRIMARY KEY (path, size, mtime_ns, inode))");
}

std::vector<std::optional<std::vector<float>>> ScoreCache::find(const std::string& fingerprint,
                                                                const std::vector<Digest>& keys) {
  std::vector<std::optional<std::vector<float>>> found(keys.size());
  db::Transaction read(*db_, false);
  auto select = db_->prepare("SELECT fingerprint, scores FROM scores WHERE key = ?1");
  for (size_t i = 0; i < keys.size(); ++i) {
    select.reset();
    if (!select.bind_blob(1, keys[i].data(), keys[i].size()).step()) continue;
    if (select.text(0) != fingerprint) continue;  // a key collision: never serve it
    found[i] = decode_scores(select.blob(1));
  }
  read.commit();
  return found;
}

void ScoreCache::put(const std::string& fingerprint, const std::vector<StoredScores>& rows) {
  db::Transaction write(*db_, true);
  auto insert = db_->prepare("INSERT OR IGNORE INTO scores (key, fingerprint, scores) VALUES (?1, ?2, ?3)");
  for (const auto& row : rows) {
    insert.reset();
    const std::string bytes = encode_scores(row.scores);
    insert.bind_blob(1, row.key.data(), row.key.size()).bind(2, fingerprint).bind_blob(3, bytes.data(), bytes.size());
    insert.step();
  }
  write.commit();
}

void ScoreCache::describe_fingerprint(const std::string& fingerprint, const std::string& description) {
  db_->prepare("INSERT OR IGNORE INTO fingerprints (fingerprint, description) VALUES (?1, ?2)")
      .bind(1, fingerprint)
      .bind(2, description)
      .step();
}

std::optional<std::string> ScoreCache::find_file_digest(const FileIdentity& file) {
  auto select =
      db_->prepare("SELECT sha256 FROM file_digests WHERE path = ?1 AND size = ?2 AND mtime_ns = ?3 AND inode = ?4");
  if (!bind_identity(select, file).step()) return std::nullopt;
  return select.text(0);
}

void ScoreCache::put_file_digest(const FileIdentity& file, const std::string& sha256) {
  auto insert = db_->prepare(
      "INSERT OR REPLACE INTO file_digests (path, size, mtime_ns, inode, sha256) VALUES (?1, ?2, ?3, ?4, ?5)");
  bind_identity(insert, file).bind(5, sha256).step();
}

size_t ScoreCache::size() {
  auto count = db_->prepare("SELECT COUNT(*) FROM scores");
  count.step();
  return static_cast<size_t>(count.integer(0));
}

}  // namespace rb::cache
