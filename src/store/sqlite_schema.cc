#include "store/sqlite_schema.h"

#include <string>

#include "store/utc_time.h"

namespace buildhub::store::sqlite {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Column names and types follow Buildhub2's main_build so that its data can
// be imported as is; JSON is stored as text exactly as received.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE main_build (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  build_hash TEXT NOT NULL UNIQUE,
  build TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  s3_object_key TEXT,
  s3_object_etag TEXT
);
CREATE INDEX main_build_s3_object_key ON main_build (s3_object_key) WHERE s3_object_key > '';
)sql"},
    {2, R"sql(
CREATE TABLE rejected_build (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  object_key TEXT NOT NULL,
  etag TEXT NOT NULL DEFAULT '',
  errors TEXT NOT NULL DEFAULT '[]',
  rejected_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 1,
  UNIQUE (source, object_key, etag)
);
CREATE INDEX rejected_build_last_seen_at ON rejected_build (last_seen_at);
)sql"},
    {3, R"sql(
CREATE TABLE state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
};

static_assert(std::size(kMigrations) == kLatestSchemaVersion);

Result<int> ReadVersionInTransaction(Connection& connection) {
  auto table = connection.Prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
      "reading the schema");
  if (!table.ok()) return table.status();
  int rc = table->Step();
  if (rc == SQLITE_DONE) return 0;
  if (rc != SQLITE_ROW) return connection.Error(rc, "reading the schema");

  auto version = connection.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                                    "reading the schema version");
  if (!version.ok()) return version.status();
  rc = version->Step();
  if (rc != SQLITE_ROW) return connection.Error(rc, "reading the schema version");
  return static_cast<int>(version->ColumnInt64(0));
}

}  // namespace

Status NewerSchemaError(const Connection& connection, int version) {
  return InvalidArgument("SQLite database " + connection.name() + " has schema version " +
                         std::to_string(version) + ", newer than version " +
                         std::to_string(kLatestSchemaVersion) +
                         ", the latest this buildhub knows; use a newer buildhub");
}

Result<int> ReadSchemaVersion(Connection& connection) {
  // Both reads in one snapshot, so a concurrent migration is seen whole.
  Status begin = connection.Exec("BEGIN", "reading the schema version");
  if (!begin.ok()) return begin;
  Result<int> version = ReadVersionInTransaction(connection);
  connection.RollbackQuietly();
  return version;
}

Status MigrateSchema(Connection& connection, int target) {
  if (target > kLatestSchemaVersion) {
    return Internal("no schema migration " + std::to_string(target));
  }
  Status status = connection.BeginImmediate("starting schema migrations");
  if (!status.ok()) return status;

  auto fail = [&](Status s) {
    connection.RollbackQuietly();
    return s;
  };
  status = connection.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
      "creating schema_migrations");
  if (!status.ok()) return fail(status);

  // Read under the write lock: another process may have migrated meanwhile.
  Result<int> current = ReadVersionInTransaction(connection);
  if (!current.ok()) return fail(current.status());
  if (*current > kLatestSchemaVersion) return fail(NewerSchemaError(connection, *current));

  for (const Migration& migration : kMigrations) {
    if (migration.version <= *current || migration.version > target) continue;
    std::string doing = "applying schema migration " + std::to_string(migration.version);
    status = connection.Exec(migration.sql, doing);
    if (!status.ok()) return fail(status);
    auto record = connection.Prepare(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", doing);
    if (!record.ok()) return fail(record.status());
    std::string now = NowUtcMicros();
    record->BindInt64(1, migration.version);
    record->BindText(2, now);
    int rc = record->Step();
    if (rc != SQLITE_DONE) return fail(connection.Error(rc, doing));
  }
  return connection.Commit("committing schema migrations");
}

}  // namespace buildhub::store::sqlite
