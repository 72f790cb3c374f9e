// Database URLs: which backend a DATABASE_URL names, and how to print one
// without its password.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace buildhub::store {

enum class Backend { kSqlite, kPostgresql };

struct DatabaseUrl {
  Backend backend = Backend::kSqlite;
  // SQLite: the file path exactly as given (relative paths are relative to
  // the working directory), or ":memory:" when `sqlite_memory` is set.
  std::string sqlite_path;
  bool sqlite_memory = false;
  // PostgreSQL: the URL as given, for libpq (which parses it itself).
  std::string postgresql_url;
};

// Accepts
//   sqlite:PATH, sqlite:///ABSOLUTE/PATH, sqlite::memory:, sqlite://:memory:
//   postgresql://..., postgres://...
// Scheme names are case-insensitive. Errors name the redacted URL.
Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url);

}  // namespace buildhub::store
