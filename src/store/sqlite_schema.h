// The SQLite schema as an ordered list of migrations, and how to apply them.
//
// schema_migrations(version, applied_at) records every applied migration.
// Migrations only ever get appended; a released one is never edited.
#pragma once

#include "core/status.h"
#include "store/sqlite_connection.h"

namespace buildhub::store::sqlite {

// 1: main_build (Buildhub2's builds table) and its s3_object_key index.
// 2: rejected_build.  3: state.
inline constexpr int kLatestSchemaVersion = 3;

// The highest applied version; 0 for a database without schema_migrations.
Result<int> ReadSchemaVersion(Connection& connection);

// Applies every migration above the current version up to `target`
// (<= kLatestSchemaVersion), all in one BEGIN IMMEDIATE transaction, so two
// processes opening a fresh file at once serialise and the second finds the
// work done. A database already newer than kLatestSchemaVersion is refused.
Status MigrateSchema(Connection& connection, int target);

// The error for a database newer than this binary understands.
Status NewerSchemaError(const Connection& connection, int version);

}  // namespace buildhub::store::sqlite
