#pragma once
// The project's one SQLite wrapper, under the score cache and the judge's response cache: a
// database file opened in WAL mode (readers never block the writer, a killed process loses nothing
// committed), prepared statements, and transactions that roll back unless committed. Every error
// is an rb::IoError that names the database ("score cache /path: what: why").
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rb::db {

class SqliteError : public IoError {
 public:
  SqliteError(const std::string& message, int code) : IoError(message), code_(code) {}
  int code() const { return code_; }
  // The file is not a database or is damaged (SQLITE_NOTADB, SQLITE_CORRUPT).
  bool is_corruption() const;

 private:
  int code_;
};

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* statement, const std::string* context);
  Statement(Statement&&) noexcept;
  ~Statement();

  Statement& bind(int index, const std::string& text);
  Statement& bind(int index, int64_t value);
  Statement& bind_blob(int index, const void* data, size_t size);
  // Runs to the next row: true when there is one, false when the statement is done.
  bool step();
  void reset();  // for the next set of bindings

  std::string text(int column) const;
  std::string blob(int column) const;  // the bytes
  int64_t integer(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
  const std::string* context_;  // the database's "<label> <path>"
};

struct OpenOptions {
  int busy_timeout_ms = 10000;  // how long a writer waits for another process's write
  bool shared_between_threads = false;  // SQLite serializes calls (FULLMUTEX); else one thread only
};

class Database {
 public:
  // Creates the file and its folder when missing, then WAL journal and synchronous=NORMAL (in WAL
  // mode: no committed transaction is lost to a killed process, a power cut never damages the file).
  // `label` names the database in messages ("score cache").
  Database(std::string path, const std::string& label, const OpenOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);
  Statement prepare(const std::string& sql);
  // SQLite's quick_check; throws SqliteError (a corruption) when the file is damaged.
  void check_integrity();
  const std::string& path() const { return path_; }

  // [[noreturn]]: an SqliteError "<label> <path>: <what>: <SQLite's message>" for `code`.
  [[noreturn]] void fail(int code, const std::string& what) const;

 private:
  std::string path_;
  std::string context_;  // "<label> <path>", the start of every message
  sqlite3* db_ = nullptr;
};

// BEGIN (or BEGIN IMMEDIATE for a writer) in the constructor, ROLLBACK in the destructor unless
// commit() ran.
class Transaction {
 public:
  Transaction(Database& database, bool write);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& database_;
  bool done_ = false;
};

}  // namespace rb::db
