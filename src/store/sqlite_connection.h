// One SQLite connection with its cache of prepared statements, and the
// mapping from SQLite result codes to Status.
//
// A Connection is not thread-safe: SqliteStore lends each one to a single
// thread at a time (connections are opened with SQLITE_OPEN_NOMUTEX).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

namespace buildhub::store::sqlite {

// Turns a failed SQLite call into a Status whose message names the database
// (`name`, normally its path) and what was being done. Codes:
//   BUSY/LOCKED, IOERR, NOMEM, PROTOCOL -> kUnavailable (transient)
//   READONLY, PERM, AUTH, CANTOPEN+EACCES -> kPermissionDenied
//   NOTADB, CORRUPT, CONSTRAINT, MISMATCH -> kInvalidArgument
//   FULL, TOOBIG                        -> kResourceExhausted
//   CANTOPEN+ENOENT                     -> kNotFound
Status StatusFromSqlite(int rc, sqlite3* db, std::string_view name, std::string_view doing);

// A "file:" URI that opens exactly `path` (SQLite is built with URI support,
// so a plain path such as "file:x?mode=ro" would otherwise be interpreted).
std::string FileUri(std::string_view path, std::string_view query = {});

// A prepared statement borrowed from a Connection; reset and unbound when it
// goes out of scope. Text bound with BindText must outlive the Step() calls.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  void BindText(int index, std::string_view text);
  void BindInt64(int index, int64_t value);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  void Reset();

  int64_t ColumnInt64(int column) const;
  // "" for NULL. Valid until the next Step() or Reset().
  std::string_view ColumnText(int column) const;

 private:
  friend class Connection;
  Statement(sqlite3_stmt* stmt, bool* in_use) : stmt_(stmt), in_use_(in_use) {}

  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache slot's flag, or nullptr when this owns stmt_
};

class Connection {
 public:
  // Opens `uri` (see FileUri, or ":memory:") with SQLITE_OPEN_* `flags`.
  // `name` identifies the database in every error message.
  static Result<std::unique_ptr<Connection>> Open(const std::string& uri, int flags,
                                                  std::string name, int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& name() const { return name_; }
  int busy_timeout_ms() const { return busy_timeout_ms_; }

  // Runs one or more statements that return no rows of interest.
  Status Exec(const char* sql, std::string_view doing);
  // A cached prepared statement for `sql` (prepared on first use). If the
  // cached one is in use further up the stack, a private one is prepared.
  Result<Statement> Prepare(const std::string& sql, std::string_view doing);

  // BEGIN IMMEDIATE, waiting for other writers: SQLite's busy handler waits
  // first, and because WAL can report SQLITE_BUSY without calling it (during
  // recovery, or when a snapshot is stale) the begin is retried with a short
  // back-off until the busy timeout has passed. Then kUnavailable.
  Status BeginImmediate(std::string_view doing) { return ExecRetryingBusy("BEGIN IMMEDIATE", doing); }
  // Exec, retried the same way while SQLite reports SQLITE_BUSY.
  Status ExecRetryingBusy(const char* sql, std::string_view doing);
  Status Commit(std::string_view doing);
  // Rolls back if a transaction is open; never fails (errors are moot then).
  void RollbackQuietly();

  Status Error(int rc, std::string_view doing) const {
    return StatusFromSqlite(rc, db_, name_, doing);
  }

 private:
  Connection(sqlite3* db, std::string name, int busy_timeout_ms)
      : db_(db), name_(std::move(name)), busy_timeout_ms_(busy_timeout_ms) {}

  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  sqlite3* db_;
  std::string name_;
  int busy_timeout_ms_;
  std::unordered_map<std::string, CachedStatement> cache_;
};

}  // namespace buildhub::store::sqlite
