#include "store/sqlite_connection.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

namespace buildhub::store::sqlite {

Status StatusFromSqlite(int rc, sqlite3* db, std::string_view name, std::string_view doing) {
  // sqlite3_errmsg describes the connection's most recent failure, which is
  // not always `rc` (e.g. after a rollback); fall back to the generic text.
  std::string detail = (db != nullptr && sqlite3_extended_errcode(db) == rc)
                           ? sqlite3_errmsg(db)
                           : sqlite3_errstr(rc);
  std::string message = "SQLite database " + std::string(name) + ": " + std::string(doing) +
                        ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(message + " (another connection holds the write lock; gave up after the busy timeout)");
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return PermissionDenied(message);
    case SQLITE_CANTOPEN: {
      int err = db != nullptr ? sqlite3_system_errno(db) : 0;
      if (err == EACCES || err == EPERM || err == EROFS) return PermissionDenied(message);
      if (err == ENOENT) return NotFound(message);
      return Unavailable(message);
    }
    case SQLITE_NOTADB:
      return InvalidArgument(message + " (the file is not a SQLite database)");
    case SQLITE_CORRUPT:
      return InvalidArgument(message + " (the database file is corrupted; it was left untouched)");
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return InvalidArgument(message);
    case SQLITE_FULL:
    case SQLITE_TOOBIG:
      return ResourceExhausted(message);
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
    case SQLITE_INTERRUPT:
    case SQLITE_NOLFS:
      return Unavailable(message);
    default:
      return Internal(message);
  }
}

std::string FileUri(std::string_view path, std::string_view query) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  // "file:" followed by "//" would start an authority; an absolute path gets
  // an empty one ("file:///abs"), which also keeps "//x" a path.
  std::string uri = path.substr(0, 1) == "/" ? "file://" : "file:";
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c <= 0x20 || c >= 0x7f) {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  if (!query.empty()) {
    uri += '?';
    uri += query;
  }
  return uri;
}

Statement::Statement(Statement&& other) noexcept : stmt_(other.stmt_), in_use_(other.in_use_) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

void Statement::BindText(int index, std::string_view text) {
  // A null pointer would bind SQL NULL; an empty view may carry one.
  const char* data = text.data() != nullptr ? text.data() : "";
  sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void Statement::BindInt64(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

int Statement::Step() { return sqlite3_step(stmt_); }

void Statement::Reset() { sqlite3_reset(stmt_); }

int64_t Statement::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string_view Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& uri, int flags,
                                                     std::string name, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(uri.c_str(), &db, flags | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status status = StatusFromSqlite(rc, db, name, "opening");
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  busy_timeout_ms = std::max(busy_timeout_ms, 0);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<Connection>(new Connection(db, std::move(name), busy_timeout_ms));
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

Status Connection::Exec(const char* sql, std::string_view doing) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : Error(rc, doing);
}

Result<Statement> Connection::Prepare(const std::string& sql, std::string_view doing) {
  CachedStatement& cached = cache_[sql];
  if (cached.stmt != nullptr && !cached.in_use) {
    cached.in_use = true;
    return Statement(cached.stmt, &cached.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  bool cache_it = cached.stmt == nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              cache_it ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    if (cache_it) cache_.erase(sql);
    return Error(rc, doing);
  }
  if (!cache_it) return Statement(stmt, nullptr);
  cached.stmt = stmt;
  cached.in_use = true;
  return Statement(stmt, &cached.in_use);
}

Status Connection::ExecRetryingBusy(const char* sql, std::string_view doing) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(busy_timeout_ms_);
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return Status::Ok();
    auto now = Clock::now();
    if ((rc & 0xff) != SQLITE_BUSY || now >= deadline) return Error(rc, doing);
    std::this_thread::sleep_for(
        std::min<Clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

Status Connection::Commit(std::string_view doing) {
  int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::Ok();
  Status status = Error(rc, doing);
  RollbackQuietly();
  return status;
}

void Connection::RollbackQuietly() {
  // Some errors (SQLITE_FULL, IOERR, BUSY in commit) already rolled back.
  if (sqlite3_get_autocommit(db_) == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

}  // namespace buildhub::store::sqlite
