#include "judge/response_cache.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "common/error.h"

namespace rb::judge {
namespace {

using Statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

Statement prepare(sqlite3* db, const char* sql, const std::string& path) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
    throw IoError("judge cache " + path + ": " + sqlite3_errmsg(db));
  return Statement(raw, &sqlite3_finalize);
}

void bind_text(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace

ResponseCache::ResponseCache(const std::string& path) : path_(path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ignored;
  if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw IoError("judge cache " + path + ": cannot open: " + message);
  }
  sqlite3_busy_timeout(db_, 10000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, request TEXT NOT NULL, "
       "response TEXT NOT NULL)");
}

ResponseCache::~ResponseCache() { sqlite3_close(db_); }

void ResponseCache::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw IoError("judge cache " + path_ + ": " + message);
  }
}

std::optional<std::string> ResponseCache::find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto statement = prepare(db_, "SELECT response FROM responses WHERE key = ?1", path_);
  bind_text(statement.get(), 1, key);
  const int rc = sqlite3_step(statement.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) throw IoError("judge cache " + path_ + ": " + sqlite3_errmsg(db_));
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
  return std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(statement.get(), 0)));
}

void ResponseCache::put(const std::string& key, const std::string& request, const std::string& response) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto statement =
      prepare(db_, "INSERT OR IGNORE INTO responses (key, request, response) VALUES (?1, ?2, ?3)", path_);
  bind_text(statement.get(), 1, key);
  bind_text(statement.get(), 2, request);
  bind_text(statement.get(), 3, response);
  if (sqlite3_step(statement.get()) != SQLITE_DONE) throw IoError("judge cache " + path_ + ": " + sqlite3_errmsg(db_));
}

size_t ResponseCache::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  auto statement = prepare(db_, "SELECT COUNT(*) FROM responses", path_);
  if (sqlite3_step(statement.get()) != SQLITE_ROW) throw IoError("judge cache " + path_ + ": " + sqlite3_errmsg(db_));
  return static_cast<size_t>(sqlite3_column_int64(statement.get(), 0));
}

}  // namespace rb::judge
