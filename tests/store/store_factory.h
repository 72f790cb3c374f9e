// Store factories for the shared BuildStore suite (store_suite_test.cc).
//
// The suite runs once per factory in AllStoreFactories(). A factory gives each
// test a fresh, empty database and a few powers over it that only another
// connection has (raw SQL, holding the write lock). Adding a backend (e.g.
// PostgreSQL) means adding a factory here; the suite does not change.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/store.h"
#include "support/fixtures.h"

namespace buildhub::store::testing {

// Holds a database lock until destroyed.
class LockHolder {
 public:
  virtual ~LockHolder() = default;
};

class StoreFactory {
 public:
  virtual ~StoreFactory() = default;

  // This test's database URL: the same on every call. Until something opens
  // it, the database is fresh (for SQLite: the file does not exist yet).
  virtual std::string Url() const = 0;

  // Runs SQL through a separate raw connection, outside any store.
  virtual Status ExecuteSql(const std::string& sql) = 0;
  // The first column of the first row of `sql`, read the same way.
  virtual Result<int64_t> QueryInt64(const std::string& sql) = 0;

  // Takes the database's write lock from another connection and holds it
  // until the returned object is destroyed: writers must wait (and give up
  // after their busy timeout), readers must not.
  virtual Result<std::unique_ptr<LockHolder>> HoldWriteLock() = 0;

  Result<std::unique_ptr<BuildStore>> Open(const OpenOptions& options = {}) const {
    return OpenStore(Url(), options);
  }
};

// ---- SQLite, one file in a fresh temporary directory ----

class SqliteRaw {
 public:
  explicit SqliteRaw(const std::string& path) {
    rc_ = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr);
    if (rc_ == SQLITE_OK) sqlite3_busy_timeout(db_, 10000);
  }
  ~SqliteRaw() { sqlite3_close_v2(db_); }
  SqliteRaw(const SqliteRaw&) = delete;
  SqliteRaw& operator=(const SqliteRaw&) = delete;

  Status Exec(const std::string& sql) {
    if (rc_ != SQLITE_OK) return Unavailable("raw open failed: " + std::string(sqlite3_errstr(rc_)));
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    return rc == SQLITE_OK ? Status::Ok() : Unavailable("raw exec failed: " + message);
  }

  Result<int64_t> QueryInt64(const std::string& sql) {
    if (rc_ != SQLITE_OK) return Unavailable("raw open failed: " + std::string(sqlite3_errstr(rc_)));
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return Unavailable("raw prepare failed: " + std::string(sqlite3_errmsg(db_)));
    rc = sqlite3_step(stmt);
    int64_t value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW) return Unavailable("raw query returned no row: " + sql);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
  int rc_ = SQLITE_OK;
};

class SqliteFileFactory final : public StoreFactory {
 public:
  std::string path() const { return (dir_ / "buildhub.db").string(); }
  std::string Url() const override { return "sqlite:" + path(); }

  Status ExecuteSql(const std::string& sql) override { return SqliteRaw(path()).Exec(sql); }
  Result<int64_t> QueryInt64(const std::string& sql) override {
    return SqliteRaw(path()).QueryInt64(sql);
  }

  Result<std::unique_ptr<LockHolder>> HoldWriteLock() override {
    class Holder final : public LockHolder {
     public:
      explicit Holder(const std::string& path) : raw(path) {}
      ~Holder() override { (void)raw.Exec("ROLLBACK"); }
      SqliteRaw raw;
    };
    auto holder = std::make_unique<Holder>(path());
    // In WAL mode EXCLUSIVE takes the single writer lock; readers go on.
    Status status = holder->raw.Exec("BEGIN EXCLUSIVE");
    if (!status.ok()) return status;
    status = holder->raw.Exec("INSERT INTO state (name, value) VALUES ('lock-holder', 'x')");
    if (!status.ok()) return status;
    return std::unique_ptr<LockHolder>(std::move(holder));
  }

 private:
  buildhub::testing::TempDir dir_;
};

struct FactoryMaker {
  std::string name;
  std::function<std::unique_ptr<StoreFactory>()> make;
};

inline std::vector<FactoryMaker> AllStoreFactories() {
  return {
      {"SqliteFile", [] { return std::make_unique<SqliteFileFactory>(); }},
  };
}

}  // namespace buildhub::store::testing
