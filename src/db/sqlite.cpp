#include "db/sqlite.h"

#include <sqlite3.h>

#include <filesystem>

namespace rb::db {

bool SqliteError::is_corruption() const {
  const int primary = code_ & 0xff;
  return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

Statement::Statement(sqlite3* db, sqlite3_stmt* statement, const std::string* context)
    : db_(db), statement_(statement), context_(context) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), statement_(other.statement_), context_(other.context_) {
  other.statement_ = nullptr;
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement& Statement::bind(int index, const std::string& text) {
  sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, static_cast<sqlite3_int64>(value));
  return *this;
}

Statement& Statement::bind_blob(int index, const void* data, size_t size) {
  sqlite3_bind_blob(statement_, index, data, static_cast<int>(size), SQLITE_TRANSIENT);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw SqliteError(*context_ + ": " + sqlite3_errmsg(db_) + " (in: " + sqlite3_sql(statement_) + ")", rc);
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::string Statement::text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  return std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

std::string Statement::blob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  return std::string(bytes ? bytes : "", static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(statement_, column); }

Database::Database(std::string path, const std::string& label, const OpenOptions& options)
    : path_(std::move(path)), context_(label + " " + path_) {
  const auto parent = std::filesystem::path(path_).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  if (error) throw IoError(context_ + ": cannot create its folder: " + error.message());
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                    (options.shared_between_threads ? SQLITE_OPEN_FULLMUTEX : SQLITE_OPEN_NOMUTEX);
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError(context_ + ": cannot open: " + message, rc);
  }
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

Database::~Database() { sqlite3_close(db_); }

void Database::fail(int code, const std::string& what) const {
  throw SqliteError(context_ + ": " + what + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code)), code);
}

void Database::exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return;
  const std::string message = error ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  throw SqliteError(context_ + ": " + message + " (in: " + sql + ")", rc);
}

Statement Database::prepare(const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
  if (rc != SQLITE_OK) fail(rc, "cannot prepare a query");
  return Statement(db_, raw, &context_);
}

void Database::check_integrity() {
  Statement check = prepare("PRAGMA quick_check");
  if (!check.step()) fail(SQLITE_ERROR, "integrity check");
  const std::string verdict = check.text(0);
  if (verdict != "ok") throw SqliteError(context_ + ": integrity check failed: " + verdict, SQLITE_CORRUPT);
}

Transaction::Transaction(Database& database, bool write) : database_(database) {
  database_.exec(write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    database_.exec("ROLLBACK");
  } catch (...) {  // a failed rollback leaves SQLite to roll back on close; never throw from here
  }
}

void Transaction::commit() {
  database_.exec("COMMIT");
  done_ = true;
}

}  // namespace rb::db
