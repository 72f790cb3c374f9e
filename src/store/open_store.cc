#include "store/database_url.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace buildhub::store {

Result<std::unique_ptr<BuildStore>> OpenStore(std::string_view database_url,
                                              const OpenOptions& options) {
  auto url = ParseDatabaseUrl(database_url);
  if (!url.ok()) return url.status();
  switch (url->backend) {
    case Backend::kSqlite:
      return SqliteStore::Open(*url, options);
    case Backend::kPostgresql:
      // Not kUnavailable: retrying cannot help.
      return InvalidArgument("cannot open " + RedactDatabaseUrl(database_url) +
                             ": PostgreSQL support is not built yet");
  }
  return Internal("unknown backend for " + RedactDatabaseUrl(database_url));
}

}  // namespace buildhub::store
