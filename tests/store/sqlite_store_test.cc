// SQLite-specific behaviour: files that are missing, unwritable, not a
// database or corrupted; read-only files; memory databases; upgrades.
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "store/sqlite_connection.h"
#include "store/sqlite_schema.h"
#include "store/store.h"
#include "store_factory.h"
#include "store_test_util.h"
#include "support/fixtures.h"

namespace buildhub::store::testing {
namespace {

namespace fs = std::filesystem;
using buildhub::testing::ReadFileOrDie;
using buildhub::testing::TempDir;
using buildhub::testing::WriteFileOrDie;
using ::testing::HasSubstr;

constexpr int kCannotDropPrivileges = 77;

// Runs `body` in a child process without root's power to ignore file modes:
// as root (tests often run as root in containers, where chmod does not stop
// the owner from writing) the child switches to user "nobody" first, so that
// chmod-based tests check what an ordinary service user would see.
ChildResult RunUnprivileged(const std::function<ChildResult()>& body) {
  auto results = RunChildrenTogether(1, [&](int) {
    if (geteuid() == 0) {
      if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
        ChildResult r;
        r.code = kCannotDropPrivileges;
        return r;
      }
    }
    return body();
  });
  return results[0];
}

#define SKIP_IF_PRIVILEGES_CANNOT_BE_DROPPED(result)                                      \
  if ((result).code == kCannotDropPrivileges)                                            \
  GTEST_SKIP() << "running as root without the right to switch to an unprivileged user; " \
                  "the read-only option test covers SQLITE_OPEN_READONLY instead"

std::unique_ptr<BuildStore> OpenOrDie(const std::string& url, const OpenOptions& options = {}) {
  auto store = OpenStore(url, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

void FillOrDie(const std::string& url, int count, size_t doc_bytes = 300) {
  auto store = OpenOrDie(url);
  ASSERT_NE(store, nullptr);
  std::vector<InsertOutcome> outcomes;
  for (int first = 0; first < count; first += 500) {
    ASSERT_TRUE(store->InsertBatch(MakeBuilds(first, std::min(500, count - first), doc_bytes),
                                   &outcomes)
                    .ok());
  }
}

class SqliteFiles : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  TempDir dir_;
};

TEST(SqliteMemory, WorksAndIsPrivateToTheStore) {
  auto a = OpenOrDie("sqlite::memory:");
  auto b = OpenOrDie("sqlite::memory:");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->backend(), "sqlite");
  std::vector<InsertOutcome> outcomes;
  ASSERT_TRUE(a->InsertBatch(MakeBuilds(0, 10), &outcomes).ok());
  auto count_a = a->CountBuilds();
  auto count_b = b->CountBuilds();
  ASSERT_TRUE(count_a.ok() && count_b.ok());
  EXPECT_EQ(*count_a, 10);
  EXPECT_EQ(*count_b, 0);
  auto version = a->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, sqlite::kLatestSchemaVersion);
  EXPECT_TRUE(a->Ping().ok());

  OpenOptions read_only;
  read_only.read_only = true;
  auto ro = OpenStore("sqlite::memory:", read_only);
  ASSERT_FALSE(ro.ok());
  EXPECT_EQ(ro.status().code(), StatusCode::kInvalidArgument);
}

TEST(SqliteMemory, CallbacksMayWriteThroughTheOneConnection) {
  auto store = OpenOrDie("sqlite::memory:");
  ASSERT_NE(store, nullptr);
  std::vector<InsertOutcome> outcomes;
  ASSERT_TRUE(store->InsertBatch(MakeBuilds(0, 3), &outcomes).ok());
  int seen = 0;
  Status status = store->ScanBuilds(0, 3, [&](const StoredBuild& b) {
    std::vector<InsertOutcome> inner;
    Status s = store->InsertBatch(MakeBuilds(100 + seen, 1), &inner);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(store->SetState("last", std::to_string(b.id)).ok());
    ++seen;
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(seen, 3);
  auto count = store->CountBuilds();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 6);
}

TEST(SqliteMemory, ThreadsShareTheConnectionSafely) {
  auto store = OpenOrDie("sqlite::memory:");
  ASSERT_NE(store, nullptr);
  std::atomic<int> errors{0};
  std::atomic<bool> done{false};
  std::thread reader([&] {
    for (int i = 0; i < 100000 && !done; ++i) {
      if (!store->ScanBuilds(0, 50, [](const StoredBuild&) { return true; }).ok()) ++errors;
    }
  });
  for (int batch = 0; batch < 20; ++batch) {
    std::vector<InsertOutcome> outcomes;
    if (!store->InsertBatch(MakeBuilds(batch * 100, 100), &outcomes).ok()) ++errors;
  }
  done = true;
  reader.join();
  EXPECT_EQ(errors.load(), 0);
  auto count = store->CountBuilds();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2000);
}

TEST_F(SqliteFiles, UsesWalMode) {
  const std::string path = Path("wal.db");
  auto store = OpenOrDie("sqlite:" + path);
  ASSERT_NE(store, nullptr);
  SqliteRaw raw(path);
  auto wal = raw.QueryInt64("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'");
  ASSERT_TRUE(wal.ok()) << wal.status().ToString();
  EXPECT_EQ(*wal, 1);
  auto tables = raw.QueryInt64(
      "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'index') AND name IN"
      " ('main_build', 'main_build_s3_object_key', 'rejected_build', 'state', 'schema_migrations')");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(*tables, 5);
}

TEST_F(SqliteFiles, AwkwardFileNamesAreTakenLiterally) {
  for (const std::string name : {"with space.db", "hash#1.db", "per%20cent.db", "\xC3\xA9t\xC3\xA9.db",
                                 "file:looks-like-a-uri.db"}) {
    const std::string path = Path(name);
    auto store = OpenOrDie("sqlite:" + path);
    ASSERT_NE(store, nullptr) << name;
    std::vector<InsertOutcome> outcomes;
    ASSERT_TRUE(store->InsertBatch(MakeBuilds(0, 1), &outcomes).ok());
    store.reset();
    EXPECT_TRUE(fs::is_regular_file(path)) << name;
    store = OpenOrDie("sqlite:" + path);
    ASSERT_NE(store, nullptr);
    auto count = store->CountBuilds();
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(*count, 1) << name;
  }
}

TEST_F(SqliteFiles, RelativePathsAreRelativeToTheWorkingDirectory) {
  const std::string dir = dir_.path().string();
  // chdir affects the whole process, so it happens in a child.
  auto results = RunChildrenTogether(1, [&](int) {
    if (chdir(dir.c_str()) != 0) return ChildFailed("chdir failed");
    auto store = OpenStore("sqlite:sub.db");
    if (!store.ok()) return ChildFailed(store.status().ToString());
    return ChildOk(0);
  });
  EXPECT_EQ(results[0].code, 0) << results[0].message;
  EXPECT_TRUE(fs::is_regular_file(Path("sub.db")));
}

TEST_F(SqliteFiles, MissingDirectoryIsNotFoundAndNotCreated) {
  const std::string path = Path("missing/deeper/buildhub.db");
  auto store = OpenStore("sqlite:" + path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(store.status().message(), HasSubstr(path));
  EXPECT_THAT(store.status().message(), HasSubstr("does not exist"));
  EXPECT_FALSE(fs::exists(Path("missing")));
}

TEST_F(SqliteFiles, ReadOnlyOpenOfAMissingFileIsNotFoundAndNotCreated) {
  OpenOptions options;
  options.read_only = true;
  const std::string path = Path("absent.db");
  auto store = OpenStore("sqlite:" + path, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(store.status().message(), HasSubstr(path));
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(SqliteFiles, ADirectoryIsNotADatabase) {
  fs::create_directory(Path("adir"));
  auto store = OpenStore("sqlite:" + Path("adir"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr(Path("adir")));
}

TEST_F(SqliteFiles, AFileThatIsNotADatabaseIsRefusedAndLeftUntouched) {
  const std::string path = Path("notes.db");
  std::string text;
  for (int i = 0; i < 200; ++i) text += "This is a text file, not a database. Line " + std::to_string(i) + "\n";
  WriteFileOrDie(path, text);
  for (bool read_only : {false, true}) {
    OpenOptions options;
    options.read_only = read_only;
    auto store = OpenStore("sqlite:" + path, options);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(store.status().message(), HasSubstr(path));
    EXPECT_THAT(store.status().message(), HasSubstr("not a SQLite database"));
  }
  EXPECT_EQ(ReadFileOrDie(path), text);
}

TEST_F(SqliteFiles, ACorruptedDatabaseGivesErrorsNamingItAndIsLeftUntouched) {
  const std::string path = Path("corrupt.db");
  FillOrDie("sqlite:" + path, 2000);
  std::string bytes = ReadFileOrDie(path);
  ASSERT_GT(bytes.size(), 100000u);
  // Keep the header and schema page; garble the second half of the file,
  // where the builds table's pages are.
  for (size_t i = bytes.size() / 2; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0xA5 ^ (i * 31));
  WriteFileOrDie(path, bytes);

  auto store = OpenStore("sqlite:" + path);
  if (!store.ok()) {
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status().ToString();
    EXPECT_THAT(store.status().message(), HasSubstr(path));
  } else {
    Status scan = (*store)->ScanBuilds(0, 0, [](const StoredBuild&) { return true; });
    EXPECT_EQ(scan.code(), StatusCode::kInvalidArgument) << scan.ToString();
    EXPECT_THAT(scan.message(), HasSubstr(path));
    EXPECT_THAT(scan.message(), HasSubstr("corrupt"));
    std::vector<InsertOutcome> outcomes;
    Status insert = (*store)->InsertBatch(MakeBuilds(5000, 10), &outcomes);
    EXPECT_FALSE(insert.ok());
    EXPECT_THAT(insert.message(), HasSubstr(path));
    store = Internal("closed");  // closes the database before the file is compared
  }
  EXPECT_EQ(ReadFileOrDie(path), bytes);

  // Garbage over everything after the first page, schema included.
  for (size_t i = 4096; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  WriteFileOrDie(path, bytes);
  store = OpenStore("sqlite:" + path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr(path));
  EXPECT_EQ(ReadFileOrDie(path), bytes);
}

TEST_F(SqliteFiles, ATruncatedDatabaseGivesAnErrorNamingIt) {
  const std::string path = Path("truncated.db");
  FillOrDie("sqlite:" + path, 1000);
  std::string bytes = ReadFileOrDie(path);
  for (size_t keep : {size_t{50}, size_t{100}, size_t{4096 + 100}, bytes.size() / 3}) {
    std::string cut = bytes.substr(0, keep);
    WriteFileOrDie(path, cut);
    auto store = OpenStore("sqlite:" + path);
    // The header's page count no longer matches the file: refused at open.
    ASSERT_FALSE(store.ok()) << keep;
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status().ToString();
    EXPECT_THAT(store.status().message(), HasSubstr(path)) << keep;
    EXPECT_EQ(ReadFileOrDie(path), cut) << keep;
  }
}

TEST_F(SqliteFiles, ReadOnlyFileAndDirectoryOpenWithTheReadOnlyOption) {
  // Works as root too: the option makes SQLite open the file with
  // SQLITE_OPEN_READONLY, which refuses writes whatever the file mode says.
  const std::string path = Path("ro.db");
  FillOrDie("sqlite:" + path, 10);
  const std::string before = ReadFileOrDie(path);
  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(dir_.path(), fs::perms::owner_read | fs::perms::owner_exec |
                                   fs::perms::group_read | fs::perms::group_exec |
                                   fs::perms::others_read | fs::perms::others_exec);
  OpenOptions options;
  options.read_only = true;
  auto store = OpenOrDie("sqlite:" + path, options);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->read_only());
  auto count = store->CountBuilds();
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 10);
  std::vector<InsertOutcome> outcomes;
  Status insert = store->InsertBatch(MakeBuilds(100, 1), &outcomes);
  EXPECT_EQ(insert.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(insert.message(), HasSubstr(path));
  store.reset();
  fs::permissions(dir_.path(), fs::perms::owner_all);
  EXPECT_EQ(ReadFileOrDie(path), before);
}

// Read-only database file in a read-only directory, opened by an ordinary
// user with default options: detected, opened read-only (immutable, since the
// WAL index cannot be created there), reads work, writes are refused.
TEST_F(SqliteFiles, AnUnwritableDatabaseIsDetectedAndOpenedForReading) {
  const std::string path = Path("locked-down.db");
  FillOrDie("sqlite:" + path, 25);
  const std::string before = ReadFileOrDie(path);
  ASSERT_FALSE(fs::exists(path + "-wal"));
  chmod(path.c_str(), 0444);
  chmod(dir_.path().c_str(), 0555);

  ChildResult result = RunUnprivileged([&] {
    auto store = OpenStore("sqlite:" + path);
    if (!store.ok()) return ChildFailed("open: " + store.status().ToString());
    if (!(*store)->read_only()) return ChildFailed("not detected as read-only");
    auto count = (*store)->CountBuilds();
    if (!count.ok() || *count != 25) return ChildFailed("count wrong");
    int scanned = 0;
    Status scan = (*store)->ScanBuilds(0, 0, [&](const StoredBuild&) { return ++scanned > 0; });
    if (!scan.ok() || scanned != 25) return ChildFailed("scan: " + scan.ToString());
    std::vector<InsertOutcome> outcomes;
    Status insert = (*store)->InsertBatch(MakeBuilds(100, 1), &outcomes);
    if (insert.code() != StatusCode::kPermissionDenied) return ChildFailed("insert: " + insert.ToString());
    if (insert.message().find(path) == std::string::npos) return ChildFailed("insert: " + insert.message());
    Status state = (*store)->SetState("x", "y");
    if (state.code() != StatusCode::kPermissionDenied) return ChildFailed("state: " + state.ToString());
    return ChildOk(*count);
  });
  SKIP_IF_PRIVILEGES_CANNOT_BE_DROPPED(result);
  EXPECT_EQ(result.code, 0) << result.message;
  chmod(dir_.path().c_str(), 0700);
  EXPECT_EQ(ReadFileOrDie(path), before);
}

// A read-only file in a directory the user may write: the WAL index can be
// created, so the ordinary read-only mode (not immutable) is used.
TEST_F(SqliteFiles, AReadOnlyFileInAWritableDirectoryOpensForReading) {
  const std::string path = Path("ro-file.db");
  FillOrDie("sqlite:" + path, 5);
  chmod(path.c_str(), 0444);
  chmod(dir_.path().c_str(), 0777);
  ChildResult result = RunUnprivileged([&] {
    auto store = OpenStore("sqlite:" + path);
    if (!store.ok()) return ChildFailed("open: " + store.status().ToString());
    if (!(*store)->read_only()) return ChildFailed("not detected as read-only");
    auto count = (*store)->CountBuilds();
    if (!count.ok()) return ChildFailed(count.status().ToString());
    std::vector<InsertOutcome> outcomes;
    Status insert = (*store)->InsertBatch(MakeBuilds(100, 1), &outcomes);
    if (insert.code() != StatusCode::kPermissionDenied) return ChildFailed("insert: " + insert.ToString());
    return ChildOk(*count);
  });
  SKIP_IF_PRIVILEGES_CANNOT_BE_DROPPED(result);
  EXPECT_EQ(result.code, 0) << result.message;
  EXPECT_EQ(result.value, 5);
  chmod(dir_.path().c_str(), 0700);
}

TEST_F(SqliteFiles, UnwritableDirectoryAndUnreadableFileArePermissionDenied) {
  const std::string unreadable = Path("secret.db");
  FillOrDie("sqlite:" + unreadable, 1);
  chmod(unreadable.c_str(), 0200);
  fs::create_directory(Path("ro-dir"));
  chmod(Path("ro-dir").c_str(), 0555);
  chmod(dir_.path().c_str(), 0755);
  const std::string fresh = Path("ro-dir/new.db");
  ChildResult result = RunUnprivileged([&] {
    auto store = OpenStore("sqlite:" + fresh);
    if (store.ok() || store.status().code() != StatusCode::kPermissionDenied ||
        store.status().message().find(fresh) == std::string::npos) {
      return ChildFailed("new file in read-only dir: " + store.status().ToString());
    }
    store = OpenStore("sqlite:" + unreadable);
    if (store.ok() || store.status().code() != StatusCode::kPermissionDenied ||
        store.status().message().find(unreadable) == std::string::npos) {
      return ChildFailed("unreadable file: " + store.status().ToString());
    }
    return ChildOk(0);
  });
  SKIP_IF_PRIVILEGES_CANNOT_BE_DROPPED(result);
  EXPECT_EQ(result.code, 0) << result.message;
  EXPECT_FALSE(fs::exists(fresh));
  chmod(unreadable.c_str(), 0600);
}

TEST_F(SqliteFiles, AnOlderSchemaIsUpgradedKeepingItsData) {
  const std::string path = Path("old.db");
  {
    auto connection = sqlite::Connection::Open(
        sqlite::FileUri(path), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, path, 1000);
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    ASSERT_TRUE(sqlite::MigrateSchema(**connection, 1).ok());
    ASSERT_TRUE((*connection)
                    ->Exec("INSERT INTO main_build (build_hash, build, metadata, created_at)"
                           " VALUES ('v1:old', '{\"a\":1}', '{}', '2019-01-01T00:00:00.000000Z')",
                           "seeding")
                    .ok());
    auto version = sqlite::ReadSchemaVersion(**connection);
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(*version, 1);
  }
  OpenOptions no_migrate;
  no_migrate.migrate = false;
  auto store = OpenOrDie("sqlite:" + path, no_migrate);
  ASSERT_NE(store, nullptr);
  auto version = store->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 1);
  store.reset();

  OpenOptions read_only;
  read_only.read_only = true;
  auto ro = OpenStore("sqlite:" + path, read_only);
  ASSERT_FALSE(ro.ok());
  EXPECT_EQ(ro.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(ro.status().message(), HasSubstr("needs migrating"));

  store = OpenOrDie("sqlite:" + path);
  ASSERT_NE(store, nullptr);
  version = store->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, sqlite::kLatestSchemaVersion);
  auto build = store->GetBuild(1);
  ASSERT_TRUE(build.ok() && build->has_value());
  EXPECT_EQ((*build)->build_hash, "v1:old");
  EXPECT_EQ((*build)->s3_object_key, "");  // NULL reads as ""
  EXPECT_TRUE(store->RecordRejections(std::vector<Rejection>{Rejection{"sqs", "k", "", "[]"}}).ok());
  EXPECT_TRUE(store->SetState("a", "b").ok());
}

TEST_F(SqliteFiles, AMigrationBlockedByAnotherWriterGivesUnavailable) {
  const std::string path = Path("blocked.db");
  {
    auto connection = sqlite::Connection::Open(
        sqlite::FileUri(path), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, path, 1000);
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE((*connection)->Exec("PRAGMA journal_mode = WAL", "wal").ok());
    ASSERT_TRUE(sqlite::MigrateSchema(**connection, 1).ok());
  }
  SqliteRaw holder(path);
  ASSERT_TRUE(holder.Exec("BEGIN EXCLUSIVE").ok());
  ASSERT_TRUE(holder.Exec("INSERT INTO main_build (build_hash, build, created_at) VALUES ('h', '{}', 'now')").ok());
  OpenOptions options;
  options.busy_timeout_ms = 200;
  auto store = OpenStore("sqlite:" + path, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr(path));
  ASSERT_TRUE(holder.Exec("COMMIT").ok());
  store = OpenStore("sqlite:" + path, options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto count = (*store)->CountBuilds();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
}

TEST_F(SqliteFiles, AnOverlongPathIsAClearError) {
  const std::string path = Path(std::string(5000, 'a') + ".db");
  auto store = OpenStore("sqlite:" + path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr("aaaa.db"));
}

TEST_F(SqliteFiles, LargeDocumentsRoundTrip) {
  auto store = OpenOrDie("sqlite:" + Path("big.db"));
  ASSERT_NE(store, nullptr);
  auto builds = MakeBuilds(0, 2, 8 << 20);  // 8 MiB each
  std::vector<InsertOutcome> outcomes;
  ASSERT_TRUE(store->InsertBatch(builds, &outcomes).ok());
  auto got = store->GetBuild(outcomes[1].id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->build_json, builds[1].build_json);
}

}  // namespace
}  // namespace buildhub::store::testing
