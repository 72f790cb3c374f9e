// `buildhub serve` as an operator runs it: the real binary on a real SQLite
// file, real HTTP over loopback; builds ingested by another process become
// searchable; SIGTERM stops it cleanly.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "core/json.h"
#include "http/test_client.h"
#include "support/buildhub_cli.h"
#include "support/fixtures.h"

namespace buildhub {
namespace {

using http::testing::Fetch;
namespace fs = std::filesystem;

std::string ReadIfThere(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A `buildhub serve` child process; killed if the test ends early.
class ServeProcess {
 public:
  ServeProcess(const fs::path& db, const fs::path& log) : log_(log) {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* out = std::freopen(log.c_str(), "w", stderr);
      (void)out;
      std::string url = "sqlite:" + db.string();
      execl(testing::BuildhubBinary().c_str(), "buildhub", "--log-format", "text", "--database-url", url.c_str(),
            "serve", "--listen", "127.0.0.1:0", "--catch-up-interval-ms", "100", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // The port from the "serving on http://127.0.0.1:PORT/" log line; 0 if it
  // did not come up within the time limit.
  uint16_t WaitForPort() {
    std::regex serving("serving on http://127\\.0\\.0\\.1:([0-9]+)/");
    for (int i = 0; i < 300; ++i) {  // bounded: 30 s
      std::smatch m;
      std::string text = ReadIfThere(log_);  // the child creates it
      if (std::regex_search(text, m, serving)) return static_cast<uint16_t>(std::stoi(m[1]));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 0;
  }

  // Sends SIGTERM and returns the exit code (-1 if it did not exit in 15 s).
  int Terminate() {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 150; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return -1;
  }

 private:
  fs::path log_;
  pid_t pid_ = -1;
};

int64_t HitsTotal(uint16_t port, const std::string& body) {
  auto r = Fetch(port, "POST", "/api/search", body);
  if (!r || r->status != 200) return -1;
  auto v = json::Parse(r->body);
  if (!v.ok()) return -1;
  return *v->find("hits")->find("total")->as_int64();
}

TEST(ServeCli, ServesSearchFollowsOtherIngestersAndStopsOnSigterm) {
  testing::TempDir dir;
  fs::path db = dir / "b.db";
  std::string url = "--database-url sqlite:" + db.string();
  ASSERT_EQ(testing::RunBuildhub(url + " ingest '" + testing::SharedReference("samples/valid-buildhub.json").string() + "'")
                .exit_code, 0);

  ServeProcess serve(db, dir / "serve.log");
  uint16_t port = serve.WaitForPort();
  ASSERT_NE(port, 0) << ReadIfThere(dir / "serve.log");

  // The documented questions, with curl -d's form content type.
  std::string official = R"({"size": 0, "query": {"term": {"build.id": "20191016161957"}}})";
  EXPECT_EQ(HitsTotal(port, official), 0);
  auto records = Fetch(port, "GET", "/api/records");
  ASSERT_TRUE(records);
  EXPECT_EQ(records->body, R"({"builds": {"total": 1}})");

  // Another process ingests the Firefox release sample (two builds).
  ASSERT_EQ(testing::RunBuildhub(url + " ingest '" +
                                 testing::SharedReference("samples/valid-buildhub-release-channel.json").string() + "'")
                .exit_code, 0);
  auto start = std::chrono::steady_clock::now();
  int64_t total = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {  // bounded
    total = HitsTotal(port, official);
    if (total == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(total, 2) << "the release build and its beta copy become searchable";
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(elapsed, 1.0) << "searchable within a second of being stored";

  auto heartbeat = Fetch(port, "GET", "/__heartbeat__");
  ASSERT_TRUE(heartbeat);
  EXPECT_EQ(heartbeat->status, 200) << heartbeat->body;

  EXPECT_EQ(serve.Terminate(), 0) << ReadIfThere(dir / "serve.log");
}

TEST(ServeCli, PortInUseIsAClearError) {
  testing::TempDir dir;
  fs::path db = dir / "b.db";
  ServeProcess first(db, dir / "first.log");
  uint16_t port = first.WaitForPort();
  ASSERT_NE(port, 0);
  auto r = testing::RunBuildhub("--database-url sqlite:" + db.string() + " serve --listen 127.0.0.1:" +
                                std::to_string(port));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(std::to_string(port)), std::string::npos) << r.output;
}

}  // namespace
}  // namespace buildhub
