// SqliteStore: the BuildStore on one SQLite file (WAL) or in memory.
//
// Threads: one store may be used from many threads at once.
//  * File databases: all writes go through a single writer connection guarded
//    by a mutex (SQLite allows one writer at a time anyway); reads borrow a
//    connection from a small pool of read-only connections, so in WAL mode a
//    reader never waits for a write transaction, in this process or another.
//  * sqlite::memory: has a single connection (a private in-memory database
//    cannot be shared between connections); every call holds its (recursive)
//    mutex, so readers wait for writers there.
// Callbacks (ScanBuilds, ForEachObjectKey) may call back into the store.
//
// Processes: writers serialise on BEGIN IMMEDIATE; a writer waits up to
// OpenOptions::busy_timeout_ms for another process's lock, then returns
// kUnavailable with nothing written.
//
// Read-only: with OpenOptions::read_only, or automatically when the file or
// its directory is not writable by this process, the database is opened
// read-only (immutable when its directory does not even allow the WAL index
// to be created). Reads work; writes return kPermissionDenied naming the path.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/database_url.h"
#include "store/sqlite_connection.h"
#include "store/store.h"

namespace buildhub::store {

class SqliteStore final : public BuildStore {
 public:
  static Result<std::unique_ptr<BuildStore>> Open(const DatabaseUrl& url,
                                                  const OpenOptions& options);
  ~SqliteStore() override;

  std::string_view backend() const override { return "sqlite"; }
  bool read_only() const override { return read_only_; }

  Status InsertBatch(std::span<const NewBuild> builds,
                     std::vector<InsertOutcome>* outcomes) override;
  Status RecordRejections(std::span<const Rejection> rejections) override;

  Result<int64_t> CountBuilds() override;
  Result<int64_t> MaxBuildId() override;
  Result<std::optional<StoredBuild>> GetBuild(int64_t id) override;
  Status ScanBuilds(int64_t after_id, size_t limit,
                    const std::function<bool(const StoredBuild&)>& fn) override;

  Status ListRejected(int64_t offset, size_t limit, std::vector<RejectedBuild>* out) override;
  Result<int64_t> CountRejected() override;

  Status ForEachObjectKey(
      const std::function<void(std::string_view key, std::string_view etag)>& fn) override;
  Status UpdateEtag(std::string_view key, std::string_view build_hash,
                    std::string_view etag) override;

  Result<std::optional<std::string>> GetState(std::string_view name) override;
  Status SetState(std::string_view name, std::string_view value) override;

  Status Ping() override;
  Result<int> SchemaVersion() override;

 private:
  class Lease;
  SqliteStore() = default;

  Result<Lease> Reader();
  Result<Lease> Writer(std::string_view doing);
  void ReturnReader(std::unique_ptr<sqlite::Connection> connection);
  Result<std::unique_ptr<sqlite::Connection>> OpenReader();
  Result<int64_t> QueryInt64(const char* sql, std::string_view doing);

  std::string name_;        // the path, for messages
  std::string reader_uri_;  // how read-only connections are opened
  int reader_flags_ = 0;
  int busy_timeout_ms_ = 0;
  bool memory_ = false;
  bool read_only_ = false;
  std::string read_only_reason_;

  std::recursive_mutex writer_mu_;
  std::unique_ptr<sqlite::Connection> writer_;  // null when read-only

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_readers_;
};

}  // namespace buildhub::store
