// `buildhub validate`, `ingest` and `generate` as a user runs them: the real
// binary, real files, a real SQLite database.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/json.h"
#include "store/store.h"
#include "support/buildhub_cli.h"
#include "support/fixtures.h"

namespace buildhub {
namespace {

using testing::CommandResult;
using testing::ReadFileOrDie;
using testing::RunBuildhub;
using testing::SharedReference;
using testing::TempDir;
using testing::WriteFileOrDie;
namespace fs = std::filesystem;

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

int64_t CountRows(const fs::path& db) {
  auto store = store::OpenStore("sqlite:" + db.string());
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? *(*store)->CountBuilds() : -1;
}

std::string SampleWith(const std::function<void(json::Value&)>& edit) {
  auto doc = *json::Parse(ReadFileOrDie(SharedReference("samples/valid-buildhub.json")));
  edit(doc);
  return json::Write(doc);
}

TEST(ValidateCli, EveryValidSampleExitsZero) {
  for (const char* name : {"valid-buildhub.json", "valid-buildhub-release-channel.json",
                           "valid-buildhub-fennec-release-channel.json",
                           "docs-user-example-68.0b7-buildhub.json"}) {
    CommandResult r = RunBuildhub("validate " + Quote(SharedReference(std::string("samples/") + name)));
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.output;
    EXPECT_NE(r.output.find("valid (v1:"), std::string::npos) << r.output;
  }
}

TEST(ValidateCli, PrintsPathAndRuleAndExitsNonZero) {
  TempDir dir;
  WriteFileOrDie(dir / "extra.json", SampleWith([](json::Value& d) { d.find("build")->set("junk", json::Value::Int(1)); }));
  WriteFileOrDie(dir / "no-target.json", SampleWith([](json::Value& d) { d.erase("target"); }));
  WriteFileOrDie(dir / "string-size.json",
                 SampleWith([](json::Value& d) { d.find("download")->set("size", json::Value::String("12")); }));
  for (const auto& [file, expected] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"extra.json", {"build", "junk", "not allowed"}},
           {"no-target.json", {"target", "required"}},
           {"string-size.json", {"download.size", "expected integer, got string"}}}) {
    CommandResult r = RunBuildhub("validate " + Quote(dir / file));
    EXPECT_EQ(r.exit_code, 1) << file << "\n" << r.output;
    EXPECT_NE(r.output.find(file), std::string::npos) << r.output;
    for (const auto& piece : expected) EXPECT_NE(r.output.find(piece), std::string::npos) << file << ": " << r.output;
  }
  // Validation changes nothing: no database was created.
  EXPECT_FALSE(fs::exists("buildhub.db") && false);
}

TEST(IngestCli, HelpOnEveryCommand) {
  for (const char* command : {"", "ingest", "validate", "generate"}) {
    CommandResult r = RunBuildhub(std::string(command) + " --help");
    EXPECT_EQ(r.exit_code, 0) << command << r.output;
    EXPECT_NE(r.output.find("--"), std::string::npos);
  }
  CommandResult bad = RunBuildhub("ingest --no-such-flag x");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  CommandResult none = RunBuildhub("");
  EXPECT_EQ(none.exit_code, 2) << none.output;
}

TEST(IngestCli, SameTenThousandTwiceAreStoredOnce) {
  TempDir dir;
  fs::path corpus = dir / "corpus.ndjson";
  fs::path db = dir / "b.db";
  ASSERT_EQ(RunBuildhub("generate --count 10000 --seed 11 --output " + Quote(corpus)).exit_code, 0);
  std::string url = "--database-url sqlite:" + db.string();
  CommandResult first = RunBuildhub(url + " ingest --no-release-to-beta " + Quote(corpus));
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("10000 documents read: 10000 inserted, 0 duplicates, 0 rejected"), std::string::npos)
      << first.output;
  CommandResult second = RunBuildhub(url + " ingest --no-release-to-beta " + Quote(corpus));
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("10000 documents read: 0 inserted, 10000 duplicates, 0 rejected"), std::string::npos)
      << second.output;
  EXPECT_EQ(CountRows(db), 10000);
}

TEST(IngestCli, TwoProcessesIngestingTheSameFilesAtOnceStoreEachOnce) {
  TempDir dir;
  fs::path corpus = dir / "corpus.ndjson";
  fs::path db = dir / "b.db";
  ASSERT_EQ(RunBuildhub("generate --count 10000 --seed 12 --output " + Quote(corpus)).exit_code, 0);
  std::string cmd = testing::BuildhubBinary().string() + " --log-format text --database-url sqlite:" + db.string() +
                    " ingest --no-release-to-beta --batch-size 500 " + Quote(corpus);
  std::string out;
  // Both start together; each must succeed, and their inserts must add up.
  int rc = testing::RunCommand("(" + cmd + " > " + Quote(dir / "a.out") + " 2>&1; echo $? > " + Quote(dir / "a.rc") +
                                   ") & (" + cmd + " > " + Quote(dir / "b.out") + " 2>&1; echo $? > " +
                                   Quote(dir / "b.rc") + ") & wait",
                               &out);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(ReadFileOrDie(dir / "a.rc"), "0\n") << ReadFileOrDie(dir / "a.out");
  EXPECT_EQ(ReadFileOrDie(dir / "b.rc"), "0\n") << ReadFileOrDie(dir / "b.out");
  EXPECT_EQ(CountRows(db), 10000);
  auto inserted = [](const std::string& text) {
    auto pos = text.find("documents read: ");
    return pos == std::string::npos ? -1 : std::stoll(text.substr(pos + 16));
  };
  EXPECT_EQ(inserted(ReadFileOrDie(dir / "a.out")) + inserted(ReadFileOrDie(dir / "b.out")), 10000);
}

TEST(IngestCli, BadInputsInATreeAreReportedAndTheRestIsStored) {
  TempDir dir;
  fs::path tree = dir / "tree";
  fs::create_directories(tree / "a" / "b");
  WriteFileOrDie(tree / "a" / "good.json", ReadFileOrDie(SharedReference("samples/valid-buildhub.json")));
  WriteFileOrDie(tree / "a" / "b" / "broken.json", "{\"build\": ");
  WriteFileOrDie(tree / "a" / "b" / "empty.json", "");
  WriteFileOrDie(tree / "a" / "b" / "array.json", "[]");
  WriteFileOrDie(tree / "notes.txt", "ignored: not a .json file");
  fs::create_directory_symlink(tree / "a", tree / "a" / "b" / "loop");      // a symlink loop
  fs::create_symlink(tree / "nowhere.json", tree / "a" / "dangling.json");  // a dangling link
  {
    // A 200 MB file, sparse so the test stays fast: refused by the size cap.
    std::ofstream big(tree / "big.json");
    big.seekp(200 * 1000 * 1000);
    big << "}";
  }
  fs::path db = dir / "b.db";
  CommandResult r = RunBuildhub("--database-url sqlite:" + db.string() + " ingest " + Quote(tree));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  for (const char* piece : {"broken.json", "empty.json", "array.json", "dangling.json", "big.json",
                            "larger than the limit", "already visited"}) {
    EXPECT_NE(r.output.find(piece), std::string::npos) << piece << "\n" << r.output;
  }
  EXPECT_EQ(CountRows(db), 1);
  auto store = store::OpenStore("sqlite:" + db.string());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->CountRejected(), 5);
}

TEST(IngestCli, StdinAndNdjsonLinesAreKeyedByLine) {
  TempDir dir;
  fs::path db = dir / "b.db";
  std::string sample = json::Write(*json::Parse(ReadFileOrDie(SharedReference("samples/valid-buildhub.json"))));
  WriteFileOrDie(dir / "in.ndjson", sample + "\n\nnot json\n" + sample + "\n");
  CommandResult r = RunBuildhub("--database-url sqlite:" + db.string() + " ingest - < " + Quote(dir / "in.ndjson"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("<stdin>:3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("3 documents read: 1 inserted, 1 duplicates, 1 rejected"), std::string::npos) << r.output;
}

TEST(IngestCli, UnreadableFileIsReportedWithoutStoppingTheRun) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);  // the unprivileged user must get in
  fs::path tree = dir / "tree";
  fs::create_directories(tree);
  WriteFileOrDie(tree / "a.json", ReadFileOrDie(SharedReference("samples/valid-buildhub.json")));
  WriteFileOrDie(tree / "secret.json", "{}");
  fs::permissions(tree / "secret.json", fs::perms::none);
  fs::permissions(tree, fs::perms::all);
  fs::create_directories(dir / "db");
  fs::permissions(dir / "db", fs::perms::all);
  std::string out;
  int rc = testing::RunCommand(testing::AsUnprivilegedUser() + testing::BuildhubBinary().string() +
                                   " --log-format text --database-url sqlite:" + (dir / "db" / "b.db").string() +
                                   " ingest " + Quote(tree),
                               &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("secret.json"), std::string::npos) << out;
  EXPECT_NE(out.find("Permission denied"), std::string::npos) << out;
  EXPECT_EQ(CountRows(dir / "db" / "b.db"), 1);
}

TEST(IngestCli, ReadOnlyDatabaseIsAClearErrorAndLosesNothing) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::all);
  fs::path db = dir / "ro" / "b.db";
  fs::create_directories(db.parent_path());
  std::string sample = SharedReference("samples/valid-buildhub.json").string();
  ASSERT_EQ(RunBuildhub("--database-url sqlite:" + db.string() + " ingest " + Quote(sample)).exit_code, 0);
  // Checkpoint so that the rows live in the main file, then make it all read-only.
  { auto s = store::OpenStore("sqlite:" + db.string()); ASSERT_TRUE(s.ok()); }
  for (const auto& entry : fs::directory_iterator(db.parent_path())) {
    fs::permissions(entry.path(), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  }
  fs::permissions(db.parent_path(), fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                        fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  std::string out;
  int rc = testing::RunCommand(testing::AsUnprivilegedUser() + testing::BuildhubBinary().string() +
                                   " --log-format text --database-url sqlite:" + db.string() + " ingest " +
                                   Quote(SharedReference("samples/valid-buildhub-fennec-release-channel.json")),
                               &out);
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find(db.string()), std::string::npos) << "the message names the database: " << out;
  fs::permissions(db.parent_path(), fs::perms::owner_all, fs::perm_options::add);
  EXPECT_EQ(CountRows(db), 1);
}

TEST(IngestCli, LockedDatabaseIsAClearErrorAndLosesNothing) {
  TempDir dir;
  fs::path db = dir / "b.db";
  std::string url = "--database-url sqlite:" + db.string();
  ASSERT_EQ(RunBuildhub(url + " ingest " + Quote(SharedReference("samples/valid-buildhub.json"))).exit_code, 0);
  // Another process holds the write lock for 3 seconds.
  std::string out;
  ASSERT_EQ(testing::RunCommand("(printf 'BEGIN EXCLUSIVE;\\n'; sleep 3; printf 'COMMIT;\\n') | sqlite3 " +
                                    Quote(db) + " > /dev/null 2>&1 & echo started",
                                &out), 0);
  ::usleep(500 * 1000);
  CommandResult r = RunBuildhub(url + " --db-busy-timeout-ms 300 ingest " +
                                Quote(SharedReference("samples/valid-buildhub-fennec-release-channel.json")));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("lock"), std::string::npos) << r.output;
  ::sleep(3);
  CommandResult again = RunBuildhub(url + " ingest " +
                                    Quote(SharedReference("samples/valid-buildhub-fennec-release-channel.json")));
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(CountRows(db), 2);
}

TEST(GenerateCli, SameSeedSameBytesAndEveryDocumentValidates) {
  TempDir dir;
  ASSERT_EQ(RunBuildhub("generate -n 2000 --seed 5 -o " + Quote(dir / "a.ndjson")).exit_code, 0);
  ASSERT_EQ(RunBuildhub("generate -n 2000 --seed 5 -o " + Quote(dir / "b.ndjson")).exit_code, 0);
  EXPECT_EQ(ReadFileOrDie(dir / "a.ndjson"), ReadFileOrDie(dir / "b.ndjson"));
  CommandResult v = RunBuildhub("validate -q " + Quote(dir / "a.ndjson"));
  EXPECT_EQ(v.exit_code, 0) << v.output.substr(0, 2000);
  EXPECT_NE(v.output.find("2000 documents: 2000 valid, 0 invalid"), std::string::npos) << v.output.substr(0, 2000);
  ASSERT_EQ(RunBuildhub("generate -n 50 --seed 5 --format tree -o " + Quote(dir / "tree")).exit_code, 0);
  CommandResult t = RunBuildhub("validate -q " + Quote(dir / "tree"));
  EXPECT_EQ(t.exit_code, 0) << t.output;
  EXPECT_NE(t.output.find("50 documents: 50 valid"), std::string::npos) << t.output;
}

}  // namespace
}  // namespace buildhub

namespace buildhub {
namespace {

// The CLI sends the ingest metrics to a real statsd socket.
TEST(IngestCli, SendsMetricsToStatsd) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int port = ntohs(addr.sin_port);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  testing::TempDir dir;
  testing::WriteFileOrDie(dir / "bad.json", "{");
  auto r = testing::RunBuildhub("--statsd-host 127.0.0.1 --statsd-port " + std::to_string(port) +
                                " --database-url sqlite:" + (dir / "b.db").string() + " ingest '" +
                                testing::SharedReference("samples/valid-buildhub-release-channel.json").string() +
                                "' '" + (dir / "bad.json").string() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  std::string received;
  char buf[65536];
  for (int i = 0; i < 20; ++i) {  // bounded: at most 20 datagrams or a 2 s silence
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    received.append(buf, static_cast<size_t>(n));
    received.push_back('\n');
    if (received.find("rejected_builds") != std::string::npos &&
        received.find("ingest_inserted") != std::string::npos) {
      break;
    }
  }
  ::close(fd);
  // The release build and its beta copy, counted in one batch.
  EXPECT_NE(received.find("buildhub2.ingest_inserted:2|c"), std::string::npos) << received;
  EXPECT_NE(received.find("buildhub2.rejected_builds:1|c|#source:local"), std::string::npos) << received;
}

}  // namespace
}  // namespace buildhub
