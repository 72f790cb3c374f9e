#include "store/sqlite_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "core/json.h"
#include "store/sqlite_schema.h"
#include "store/utc_time.h"

namespace buildhub::store {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr size_t kMaxIdleReaders = 8;

constexpr char kInsertBuildSql[] =
    "INSERT INTO main_build (build_hash, build, metadata, s3_object_key, s3_object_etag, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (build_hash) DO NOTHING";
constexpr char kBuildColumns[] =
    "SELECT id, build_hash, build, metadata, created_at, s3_object_key, s3_object_etag"
    " FROM main_build";
constexpr char kUpsertRejectionSql[] =
    "INSERT INTO rejected_build (source, object_key, etag, errors, rejected_at, last_seen_at, attempts)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1)"
    " ON CONFLICT (source, object_key, etag) DO UPDATE SET"
    " errors = excluded.errors, last_seen_at = excluded.last_seen_at, attempts = attempts + 1";
constexpr char kListRejectedSql[] =
    "SELECT id, source, object_key, etag, errors, rejected_at, last_seen_at, attempts"
    " FROM rejected_build ORDER BY last_seen_at DESC, id DESC LIMIT ?1 OFFSET ?2";

void ReadBuildRow(const Statement& row, StoredBuild* build) {
  build->id = row.ColumnInt64(0);
  build->build_hash.assign(row.ColumnText(1));
  build->build_json.assign(row.ColumnText(2));
  build->metadata_json.assign(row.ColumnText(3));
  build->created_at.assign(row.ColumnText(4));
  build->s3_object_key.assign(row.ColumnText(5));
  build->s3_object_etag.assign(row.ColumnText(6));
}

int64_t SqlLimit(size_t limit) {
  // SQLite reads a negative LIMIT as "no limit".
  if (limit == 0 || limit > static_cast<size_t>(std::numeric_limits<int64_t>::max())) return -1;
  return static_cast<int64_t>(limit);
}

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back on any failure.
template <typename Body>
Status InWriteTransaction(Connection& connection, std::string_view doing, Body&& body) {
  Status status = connection.BeginImmediate(doing);
  if (!status.ok()) return status;
  status = body();
  if (!status.ok()) {
    connection.RollbackQuietly();
    return status;
  }
  return connection.Commit(doing);
}

Status CheckJson(std::string_view text, json::Type want, const std::string& what) {
  auto parsed = json::Parse(text);
  if (!parsed.ok()) return InvalidArgument(what + " is not valid JSON: " + parsed.status().message());
  if (parsed->type() != want) {
    return InvalidArgument(what + " must be a JSON " + json::TypeName(want) + ", not " +
                           json::TypeName(parsed->type()));
  }
  return Status::Ok();
}

// Cheap checks only: the ingest pipeline has validated and hashed the
// document; metadata comes from our own code and is small.
Status CheckNewBuild(const NewBuild& build, size_t index) {
  auto which = [&] {
    std::string text = "builds[" + std::to_string(index) + "]";
    if (!build.build_hash.empty()) text += " (" + build.build_hash + ")";
    return text;
  };
  if (build.build_hash.empty()) return InvalidArgument(which() + ": build_hash is empty");
  if (build.build_json.empty()) return InvalidArgument(which() + ": build_json is empty");
  if (!build.metadata_json.empty() && build.metadata_json != "{}") {
    return CheckJson(build.metadata_json, json::Type::kObject, which() + ": metadata_json");
  }
  return Status::Ok();
}

std::string ErrnoText(int err) { return std::strerror(err); }

// What opening a database file will do, decided from the file system before
// SQLite sees the path, so that errors can say precisely what is wrong.
struct FilePlan {
  bool read_only = false;
  std::string read_only_reason;
  bool directory_writable = true;
};

Result<FilePlan> PlanFileOpen(const std::string& path, bool want_read_only) {
  const std::string what = "SQLite database " + path;
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";

  FilePlan plan;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == EACCES) return PermissionDenied(what + ": cannot access: " + ErrnoText(err));
    if (err == ENOTDIR) return NotFound(what + ": a parent of it is not a directory");
    if (err == ENAMETOOLONG) return InvalidArgument(what + ": " + ErrnoText(err));
    if (err != ENOENT) return Unavailable(what + ": cannot access: " + ErrnoText(err));

    if (want_read_only) {
      return NotFound(what + " does not exist (it is opened read-only, so it was not created)");
    }
    struct stat dir_st {};
    if (::stat(dir.c_str(), &dir_st) != 0) {
      int dir_err = errno;
      if (dir_err == ENOENT || dir_err == ENOTDIR) {
        return NotFound("cannot create " + what + ": directory " + dir + " does not exist");
      }
      return PermissionDenied("cannot create " + what + ": directory " + dir + ": " +
                              ErrnoText(dir_err));
    }
    if (!S_ISDIR(dir_st.st_mode)) {
      return NotFound("cannot create " + what + ": " + dir + " is not a directory");
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
      return PermissionDenied("cannot create " + what + ": directory " + dir +
                              " is not writable: " + ErrnoText(errno));
    }
    return plan;
  }

  if (S_ISDIR(st.st_mode)) return InvalidArgument(what + " is a directory, not a database file");
  if (!S_ISREG(st.st_mode)) return InvalidArgument(what + " is not a regular file");
  if (::access(path.c_str(), R_OK) != 0) {
    return PermissionDenied(what + " is not readable: " + ErrnoText(errno));
  }
  // WAL mode writes PATH-wal and PATH-shm next to the file.
  plan.directory_writable = ::access(dir.c_str(), W_OK | X_OK) == 0;
  bool file_writable = ::access(path.c_str(), W_OK) == 0;
  if (want_read_only) {
    plan.read_only = true;
    plan.read_only_reason = "opened read-only as asked";
  } else if (!file_writable) {
    plan.read_only = true;
    plan.read_only_reason = "the file is not writable by this process";
  } else if (!plan.directory_writable) {
    plan.read_only = true;
    plan.read_only_reason = "its directory " + dir + " is not writable by this process";
  }
  return plan;
}

// Settings for the connection that writes. synchronous=NORMAL in WAL mode
// keeps every commit atomic and durable across process crashes; only an OS
// crash can lose the last transactions, never corrupt the file.
// Checkpoints every 64 MB of WAL rather than SQLite's 4 MB: random build
// hashes dirty a different index page per row, and each checkpoint writes
// (and fsyncs) every dirty page once, so rarer checkpoints cut the bytes
// written per build by a fifth and the fsyncs twelvefold (bench/store_bench).
constexpr char kWriterPragmas[] =
    "PRAGMA synchronous = NORMAL;"
    "PRAGMA foreign_keys = ON;"
    "PRAGMA cache_size = -262144;"  /* 256 MB, allocated only as used: keeps the
                                        build_hash index of millions of builds hot */
    "PRAGMA temp_store = MEMORY;"
    "PRAGMA wal_autocheckpoint = 16384;"
    "PRAGMA journal_size_limit = 67108864;";
// No mmap for readers: it made no measurable difference to a full scan,
// and mapped pages would count in the server's resident memory.
constexpr char kReaderPragmas[] =
    "PRAGMA foreign_keys = ON;"
    "PRAGMA cache_size = -8192;";

// Reads the database header: the first access that tells a database from
// some other file.
Status Probe(Connection& connection) {
  return connection.ExecRetryingBusy("SELECT count(*) FROM sqlite_master", "reading the schema");
}

}  // namespace

// A connection lent to one call: either the writer (or the memory database's
// only connection) under its mutex, or a pooled reader returned afterwards.
class SqliteStore::Lease {
 public:
  Lease(std::unique_lock<std::recursive_mutex> lock, Connection* connection)
      : lock_(std::move(lock)), connection_(connection) {}
  Lease(SqliteStore* store, std::unique_ptr<Connection> connection)
      : store_(store), owned_(std::move(connection)), connection_(owned_.get()) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (owned_ != nullptr) store_->ReturnReader(std::move(owned_));
  }

  Connection& operator*() { return *connection_; }
  Connection* operator->() { return connection_; }

 private:
  std::unique_lock<std::recursive_mutex> lock_;
  SqliteStore* store_ = nullptr;
  std::unique_ptr<Connection> owned_;
  Connection* connection_;
};

Result<std::unique_ptr<BuildStore>> SqliteStore::Open(const DatabaseUrl& url,
                                                      const OpenOptions& options) {
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  store->name_ = url.sqlite_path;
  store->busy_timeout_ms_ = std::max(options.busy_timeout_ms, 0);
  store->memory_ = url.sqlite_memory;

  Connection* schema_connection = nullptr;
  std::unique_ptr<Connection> schema_reader;
  if (store->memory_) {
    if (options.read_only) {
      return InvalidArgument("SQLite database :memory: cannot be opened read-only: it starts empty");
    }
    auto connection = Connection::Open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                       store->name_, store->busy_timeout_ms_);
    if (!connection.ok()) return connection.status();
    store->writer_ = std::move(connection).value();
    Status status = store->writer_->Exec(kWriterPragmas, "configuring the connection");
    if (!status.ok()) return status;
    schema_connection = store->writer_.get();
  } else {
    auto plan = PlanFileOpen(url.sqlite_path, options.read_only);
    if (!plan.ok()) return plan.status();
    store->reader_uri_ = sqlite::FileUri(url.sqlite_path);
    store->reader_flags_ = SQLITE_OPEN_READONLY;
    if (plan->read_only) {
      store->read_only_ = true;
      store->read_only_reason_ = plan->read_only_reason;
      auto reader = store->OpenReader();
      if (!reader.ok() && !plan->directory_writable &&
          (reader.status().code() == StatusCode::kPermissionDenied ||
           reader.status().code() == StatusCode::kUnavailable)) {
        // A WAL database needs its -shm index file, which cannot be created
        // here. Nobody can write in this directory either (writing needs the
        // -wal file), so the file cannot change under us: open it immutable.
        store->reader_uri_ = sqlite::FileUri(url.sqlite_path, "immutable=1");
        reader = store->OpenReader();
      }
      if (!reader.ok()) return reader.status();
      schema_reader = std::move(reader).value();
      schema_connection = schema_reader.get();
    } else {
      auto connection =
          Connection::Open(store->reader_uri_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           store->name_, store->busy_timeout_ms_);
      if (!connection.ok()) return connection.status();
      store->writer_ = std::move(connection).value();
      Connection& writer = *store->writer_;
      // The first statement to read the file: a file that is not a database
      // fails here, before anything could be written to it.
      Status status = Probe(writer);
      if (status.ok()) status = writer.ExecRetryingBusy("PRAGMA journal_mode = WAL", "switching to WAL mode");
      if (status.ok()) status = writer.Exec(kWriterPragmas, "configuring the connection");
      if (!status.ok()) return status;
      schema_connection = store->writer_.get();
    }
  }

  // Without the write lock first: an up-to-date database opens even while
  // another process holds a long write transaction.
  auto version = sqlite::ReadSchemaVersion(*schema_connection);
  if (!version.ok()) return version.status();
  if (*version > sqlite::kLatestSchemaVersion) {
    return sqlite::NewerSchemaError(*schema_connection, *version);
  }
  if (*version < sqlite::kLatestSchemaVersion && options.migrate) {
    if (store->read_only_) {
      return PermissionDenied("SQLite database " + store->name_ + " is at schema version " +
                              std::to_string(*version) + " and needs migrating to version " +
                              std::to_string(sqlite::kLatestSchemaVersion) +
                              ", but it is read-only (" + store->read_only_reason_ +
                              "); open it once with write access");
    }
    Status status = sqlite::MigrateSchema(*schema_connection, sqlite::kLatestSchemaVersion);
    if (!status.ok()) return status;
  }
  if (schema_reader != nullptr) store->ReturnReader(std::move(schema_reader));
  return std::unique_ptr<BuildStore>(std::move(store));
}

SqliteStore::~SqliteStore() {
  // Readers first: the last connection to close checkpoints the WAL.
  idle_readers_.clear();
  writer_.reset();
}

Result<std::unique_ptr<Connection>> SqliteStore::OpenReader() {
  auto connection = Connection::Open(reader_uri_, reader_flags_, name_, busy_timeout_ms_);
  if (!connection.ok()) return connection.status();
  Status status = (*connection)->Exec(kReaderPragmas, "configuring the connection");
  if (status.ok()) status = Probe(**connection);
  if (!status.ok()) return status;
  return connection;
}

Result<SqliteStore::Lease> SqliteStore::Reader() {
  if (memory_) return Lease(std::unique_lock(writer_mu_), writer_.get());
  {
    std::lock_guard lock(pool_mu_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Lease(this, std::move(connection));
    }
  }
  auto connection = OpenReader();
  if (!connection.ok()) return connection.status();
  return Lease(this, std::move(connection).value());
}

void SqliteStore::ReturnReader(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(pool_mu_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(connection));
}

Result<SqliteStore::Lease> SqliteStore::Writer(std::string_view doing) {
  if (read_only_) {
    return PermissionDenied("SQLite database " + name_ + " is open read-only (" +
                            read_only_reason_ + "): cannot " + std::string(doing));
  }
  return Lease(std::unique_lock(writer_mu_), writer_.get());
}

Status SqliteStore::InsertBatch(std::span<const NewBuild> builds,
                                std::vector<InsertOutcome>* outcomes) {
  if (outcomes != nullptr) outcomes->clear();
  for (size_t i = 0; i < builds.size(); ++i) {
    Status status = CheckNewBuild(builds[i], i);
    if (!status.ok()) return status;
  }
  if (builds.empty()) return Status::Ok();

  auto writer = Writer("insert builds");
  if (!writer.ok()) return writer.status();
  Connection& connection = **writer;
  std::vector<InsertOutcome> results(builds.size());
  Status status = InWriteTransaction(connection, "inserting builds", [&]() -> Status {
    auto insert = connection.Prepare(kInsertBuildSql, "preparing the build insert");
    if (!insert.ok()) return insert.status();
    for (size_t i = 0; i < builds.size(); ++i) {
      const NewBuild& build = builds[i];
      std::string created_at = NowUtcMicros();
      insert->BindText(1, build.build_hash);
      insert->BindText(2, build.build_json);
      insert->BindText(3, build.metadata_json.empty() ? std::string_view("{}") : build.metadata_json);
      insert->BindText(4, build.s3_object_key);
      insert->BindText(5, build.s3_object_etag);
      insert->BindText(6, created_at);
      int rc = insert->Step();
      insert->Reset();
      if (rc != SQLITE_DONE) {
        return connection.Error(rc, "inserting builds[" + std::to_string(i) + "] (" +
                                        build.build_hash + ")");
      }
      if (sqlite3_changes(connection.handle()) > 0) {
        results[i] = {true, sqlite3_last_insert_rowid(connection.handle())};
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (outcomes != nullptr) *outcomes = std::move(results);
  return Status::Ok();
}

Status SqliteStore::RecordRejections(std::span<const Rejection> rejections) {
  for (size_t i = 0; i < rejections.size(); ++i) {
    const Rejection& r = rejections[i];
    std::string which = "rejections[" + std::to_string(i) + "]";
    if (r.source.empty()) return InvalidArgument(which + ": source is empty");
    if (r.object_key.empty()) return InvalidArgument(which + " (" + r.source + "): object_key is empty");
    which += " (" + r.object_key + ")";
    if (!r.errors_json.empty()) {
      Status status = CheckJson(r.errors_json, json::Type::kArray, which + ": errors_json");
      if (!status.ok()) return status;
    }
  }
  if (rejections.empty()) return Status::Ok();

  auto writer = Writer("record rejected builds");
  if (!writer.ok()) return writer.status();
  Connection& connection = **writer;
  return InWriteTransaction(connection, "recording rejected builds", [&]() -> Status {
    auto upsert = connection.Prepare(kUpsertRejectionSql, "preparing the rejection upsert");
    if (!upsert.ok()) return upsert.status();
    for (size_t i = 0; i < rejections.size(); ++i) {
      const Rejection& r = rejections[i];
      std::string now = NowUtcMicros();
      upsert->BindText(1, r.source);
      upsert->BindText(2, r.object_key);
      upsert->BindText(3, r.etag);
      upsert->BindText(4, r.errors_json.empty() ? std::string_view("[]") : r.errors_json);
      upsert->BindText(5, now);
      int rc = upsert->Step();
      upsert->Reset();
      if (rc != SQLITE_DONE) {
        return connection.Error(rc, "recording rejected build " + r.object_key);
      }
    }
    return Status::Ok();
  });
}

Result<int64_t> SqliteStore::QueryInt64(const char* sql, std::string_view doing) {
  auto reader = Reader();
  if (!reader.ok()) return reader.status();
  auto query = (*reader)->Prepare(sql, doing);
  if (!query.ok()) return query.status();
  int rc = query->Step();
  if (rc != SQLITE_ROW) return (*reader)->Error(rc, doing);
  return query->ColumnInt64(0);
}

Result<int64_t> SqliteStore::CountBuilds() {
  return QueryInt64("SELECT count(*) FROM main_build", "counting builds");
}

Result<int64_t> SqliteStore::MaxBuildId() {
  return QueryInt64("SELECT COALESCE(MAX(id), 0) FROM main_build", "reading the highest build id");
}

Result<int64_t> SqliteStore::CountRejected() {
  return QueryInt64("SELECT count(*) FROM rejected_build", "counting rejected builds");
}

Result<std::optional<StoredBuild>> SqliteStore::GetBuild(int64_t id) {
  auto reader = Reader();
  if (!reader.ok()) return reader.status();
  std::string doing = "reading build " + std::to_string(id);
  auto query = (*reader)->Prepare(std::string(kBuildColumns) + " WHERE id = ?1", doing);
  if (!query.ok()) return query.status();
  query->BindInt64(1, id);
  int rc = query->Step();
  if (rc == SQLITE_DONE) return std::optional<StoredBuild>();
  if (rc != SQLITE_ROW) return (*reader)->Error(rc, doing);
  StoredBuild build;
  ReadBuildRow(*query, &build);
  return std::optional<StoredBuild>(std::move(build));
}

Status SqliteStore::ScanBuilds(int64_t after_id, size_t limit,
                               const std::function<bool(const StoredBuild&)>& fn) {
  auto reader = Reader();
  if (!reader.ok()) return reader.status();
  const char* doing = "scanning builds";
  auto query = (*reader)->Prepare(
      std::string(kBuildColumns) + " WHERE id > ?1 ORDER BY id LIMIT ?2", doing);
  if (!query.ok()) return query.status();
  query->BindInt64(1, after_id);
  query->BindInt64(2, SqlLimit(limit));
  // One row object reused, so its strings keep their capacity.
  StoredBuild build;
  while (true) {
    int rc = query->Step();
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return (*reader)->Error(rc, doing);
    ReadBuildRow(*query, &build);
    if (!fn(build)) return Status::Ok();
  }
}

Status SqliteStore::ListRejected(int64_t offset, size_t limit, std::vector<RejectedBuild>* out) {
  out->clear();
  if (offset < 0) {
    return InvalidArgument("listing rejected builds: offset " + std::to_string(offset) +
                           " is negative");
  }
  auto reader = Reader();
  if (!reader.ok()) return reader.status();
  const char* doing = "listing rejected builds";
  auto query = (*reader)->Prepare(kListRejectedSql, doing);
  if (!query.ok()) return query.status();
  query->BindInt64(1, SqlLimit(limit));
  query->BindInt64(2, offset);
  while (true) {
    int rc = query->Step();
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) {
      out->clear();
      return (*reader)->Error(rc, doing);
    }
    RejectedBuild& r = out->emplace_back();
    r.id = query->ColumnInt64(0);
    r.source.assign(query->ColumnText(1));
    r.object_key.assign(query->ColumnText(2));
    r.etag.assign(query->ColumnText(3));
    r.errors_json.assign(query->ColumnText(4));
    r.rejected_at.assign(query->ColumnText(5));
    r.last_seen_at.assign(query->ColumnText(6));
    r.attempts = query->ColumnInt64(7);
  }
}

Status SqliteStore::ForEachObjectKey(
    const std::function<void(std::string_view key, std::string_view etag)>& fn) {
  auto reader = Reader();
  if (!reader.ok()) return reader.status();
  const char* doing = "listing S3 object keys";
  // In (key, id) order, from the key index: the last row of each key is the
  // newest. "> ''" skips both NULL and the empty key.
  auto query = (*reader)->Prepare(
      "SELECT s3_object_key, s3_object_etag FROM main_build"
      " WHERE s3_object_key > '' ORDER BY s3_object_key, id",
      doing);
  if (!query.ok()) return query.status();
  std::string key;
  std::string etag;
  bool pending = false;
  while (true) {
    int rc = query->Step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return (*reader)->Error(rc, doing);
    if (rc == SQLITE_ROW && pending && query->ColumnText(0) == key) {
      etag.assign(query->ColumnText(1));
      continue;
    }
    if (pending) fn(key, etag);
    if (rc == SQLITE_DONE) return Status::Ok();
    key.assign(query->ColumnText(0));
    etag.assign(query->ColumnText(1));
    pending = true;
  }
}

Status SqliteStore::UpdateEtag(std::string_view key, std::string_view build_hash,
                               std::string_view etag) {
  if (key.empty()) return InvalidArgument("updating an ETag: the S3 object key is empty");
  if (build_hash.empty()) {
    return InvalidArgument("updating the ETag of " + std::string(key) + ": build_hash is empty");
  }
  auto writer = Writer("update ETags");
  if (!writer.ok()) return writer.status();
  Connection& connection = **writer;
  std::string doing = "updating the ETag of " + std::string(key);
  return InWriteTransaction(connection, doing, [&]() -> Status {
    auto update = connection.Prepare(
        // The last term lets SQLite use the partial index on non-empty keys.
        "UPDATE main_build SET s3_object_etag = ?1 WHERE s3_object_key = ?2 AND build_hash = ?3"
        " AND s3_object_key > ''",
        doing);
    if (!update.ok()) return update.status();
    update->BindText(1, etag);
    update->BindText(2, key);
    update->BindText(3, build_hash);
    int rc = update->Step();
    return rc == SQLITE_DONE ? Status::Ok() : connection.Error(rc, doing);
  });
}

Result<std::optional<std::string>> SqliteStore::GetState(std::string_view name) {
  if (name.empty()) return InvalidArgument("reading state: the name is empty");
  auto reader = Reader();
  if (!reader.ok()) return reader.status();
  std::string doing = "reading state " + std::string(name);
  auto query = (*reader)->Prepare("SELECT value FROM state WHERE name = ?1", doing);
  if (!query.ok()) return query.status();
  query->BindText(1, name);
  int rc = query->Step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return (*reader)->Error(rc, doing);
  return std::optional<std::string>(std::string(query->ColumnText(0)));
}

Status SqliteStore::SetState(std::string_view name, std::string_view value) {
  if (name.empty()) return InvalidArgument("writing state: the name is empty");
  auto writer = Writer("write state");
  if (!writer.ok()) return writer.status();
  Connection& connection = **writer;
  std::string doing = "writing state " + std::string(name);
  return InWriteTransaction(connection, doing, [&]() -> Status {
    auto upsert = connection.Prepare(
        "INSERT INTO state (name, value) VALUES (?1, ?2)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        doing);
    if (!upsert.ok()) return upsert.status();
    upsert->BindText(1, name);
    upsert->BindText(2, value);
    int rc = upsert->Step();
    return rc == SQLITE_DONE ? Status::Ok() : connection.Error(rc, doing);
  });
}

Status SqliteStore::Ping() {
  auto count = QueryInt64("SELECT count(*) FROM sqlite_master", "pinging");
  return count.ok() ? Status::Ok() : count.status();
}

Result<int> SqliteStore::SchemaVersion() {
  auto reader = Reader();
  if (!reader.ok()) return reader.status();
  return sqlite::ReadSchemaVersion(**reader);
}

}  // namespace buildhub::store
