// BuildStore: the source of truth. One interface, one class per backend
// (SQLite embedded default, PostgreSQL for production), one shared test suite.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace buildhub::store {

// A validated, hashed build ready to be stored.
struct NewBuild {
  std::string build_hash;            // "v1:" + 32 hex
  std::string build_json;            // the document, compact JSON, as received
  std::string metadata_json = "{}";  // JSON object
  std::string s3_object_key;         // "" when not from S3 (the original's default)
  std::string s3_object_etag;        // quotes stripped
};

struct StoredBuild {
  int64_t id = 0;
  std::string build_hash;
  std::string build_json;
  std::string metadata_json;
  std::string created_at;  // RFC 3339 UTC with microseconds, e.g. 2026-11-28T09:44:33.123456Z
  std::string s3_object_key;
  std::string s3_object_etag;
};

struct InsertOutcome {
  bool inserted = false;  // false: a build with this hash was already stored
  int64_t id = 0;         // the new row's id when inserted
};

// A file that failed parsing or validation. Rejections are upserted on
// (source, object_key, etag): re-ingesting the same bad file updates the time,
// the errors and the attempt count instead of adding rows.
struct Rejection {
  std::string source;       // "sqs", "backfill", "kinto", "local"
  std::string object_key;   // S3 key, URL or file path
  std::string etag;         // S3 ETag or md5 of the bytes; may be ""
  std::string errors_json;  // JSON array of strings, each naming path and rule
};

struct RejectedBuild {
  int64_t id = 0;
  std::string source;
  std::string object_key;
  std::string etag;
  std::string errors_json;
  std::string rejected_at;  // first time, RFC 3339 UTC
  std::string last_seen_at;
  int64_t attempts = 1;
};

class BuildStore {
 public:
  virtual ~BuildStore() = default;

  // Which backend this is: "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;

  // True when the store was opened read-only (asked for, or because the
  // database is not writable by this process); writes then return
  // kPermissionDenied.
  virtual bool read_only() const { return false; }

  // Inserts every build whose build_hash is not yet stored, in one
  // transaction, in order. (*outcomes)[i] tells what happened to builds[i]
  // (a hash repeated inside the batch is inserted once). Safe when several
  // processes insert the same builds at once: each hash ends up stored once
  // and nobody gets an error. Transient conditions (locked database, lost
  // connection) return kUnavailable and leave nothing half-written.
  virtual Status InsertBatch(std::span<const NewBuild> builds,
                             std::vector<InsertOutcome>* outcomes) = 0;

  virtual Status RecordRejections(std::span<const Rejection> rejections) = 0;

  virtual Result<int64_t> CountBuilds() = 0;
  virtual Result<int64_t> MaxBuildId() = 0;
  virtual Result<std::optional<StoredBuild>> GetBuild(int64_t id) = 0;

  // The change feed: calls `fn` for every build with id > after_id in
  // ascending id order, at most `limit` of them (0 = all). Streams; does not
  // hold the whole table in memory. Stops early if `fn` returns false.
  virtual Status ScanBuilds(int64_t after_id, size_t limit,
                            const std::function<bool(const StoredBuild&)>& fn) = 0;

  // Newest first (most recently seen, then highest id); `limit` 0 = all.
  // Replaces the contents of *out.
  virtual Status ListRejected(int64_t offset, size_t limit,
                              std::vector<RejectedBuild>* out) = 0;
  virtual Result<int64_t> CountRejected() = 0;

  // Backfill: every (s3_object_key, s3_object_etag) with a non-empty key; when
  // a key has several rows the newest id wins.
  virtual Status ForEachObjectKey(
      const std::function<void(std::string_view key, std::string_view etag)>& fn) = 0;
  // Sets s3_object_etag on the row with this key and hash. No such row is not
  // an error (as in the original's backfill).
  virtual Status UpdateEtag(std::string_view key, std::string_view build_hash,
                            std::string_view etag) = 0;

  // Small named values that long jobs use to resume (backfill page, Kinto URL).
  virtual Result<std::optional<std::string>> GetState(std::string_view name) = 0;
  virtual Status SetState(std::string_view name, std::string_view value) = 0;

  // A cheap round trip, for /__heartbeat__.
  virtual Status Ping() = 0;

  // The schema migration version this store is at.
  virtual Result<int> SchemaVersion() = 0;
};

struct OpenOptions {
  bool read_only = false;
  // How long a writer waits for a lock held by another process before
  // returning kUnavailable.
  int busy_timeout_ms = 30000;
  bool migrate = true;  // apply pending schema migrations on open
};

// Opens the store named by a database URL:
//   sqlite:PATH  (sqlite:buildhub.db, sqlite:/abs/path.db, sqlite::memory:)
//   postgresql://user:pass@host:port/db  (also postgres://)
// Errors name the URL (with any password masked).
Result<std::unique_ptr<BuildStore>> OpenStore(std::string_view database_url,
                                              const OpenOptions& options = {});

// The URL with its password replaced by "***", for logs and errors.
std::string RedactDatabaseUrl(std::string_view database_url);

}  // namespace buildhub::store
