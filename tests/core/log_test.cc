#include "core/log.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"

namespace buildhub::log {
namespace {

// Redirects fd 2 to a temporary file for its lifetime; Take() returns what
// was written so far and restores nothing (the destructor does).
class StderrCapture {
 public:
  StderrCapture() {
    file_ = std::tmpfile();
    saved_ = ::dup(STDERR_FILENO);
    if (file_ != nullptr && saved_ >= 0) ::dup2(::fileno(file_), STDERR_FILENO);
  }
  ~StderrCapture() {
    if (saved_ >= 0) {
      ::dup2(saved_, STDERR_FILENO);
      ::close(saved_);
    }
    if (file_ != nullptr) std::fclose(file_);
  }
  bool ok() const { return file_ != nullptr && saved_ >= 0; }

  std::string Take() {
    std::string out;
    off_t end = ::lseek(::fileno(file_), 0, SEEK_END);
    out.resize(static_cast<size_t>(end));
    ssize_t n = ::pread(::fileno(file_), out.data(), out.size(), 0);
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return out;
  }

 private:
  std::FILE* file_ = nullptr;
  int saved_ = -1;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { Configure(Config{}); }
};

TEST_F(LogTest, TextFormat) {
  StderrCapture capture;
  ASSERT_TRUE(capture.ok());
  Configure({Level::kDebug, Format::kText});
  Info("ingest", "Inserted {} as a valid Build ({})", "a/b/buildhub.json", "abc123");
  Warn("sqs", "Tried to download {} (in {}) but not found.", "k", "bucket");
  Error("http", "boom");
  Debug("search", "n={}", 3);
  std::vector<std::string> lines = Lines(capture.Take());
  ASSERT_EQ(lines.size(), 4u);
  const std::string ts = R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} )";
  EXPECT_TRUE(std::regex_match(lines[0], std::regex(ts + R"(INFO  \[ingest\] Inserted a/b/buildhub\.json as a valid Build \(abc123\))")))
      << lines[0];
  EXPECT_TRUE(std::regex_match(lines[1], std::regex(ts + R"(WARN  \[sqs\] Tried to download k \(in bucket\) but not found\.)")))
      << lines[1];
  EXPECT_TRUE(std::regex_match(lines[2], std::regex(ts + R"(ERROR \[http\] boom)"))) << lines[2];
  EXPECT_TRUE(std::regex_match(lines[3], std::regex(ts + R"(DEBUG \[search\] n=3)"))) << lines[3];
}

TEST_F(LogTest, TextFormatKeepsOneEventOnOneLineAndNoTerminalEscapes) {
  StderrCapture capture;
  ASSERT_TRUE(capture.ok());
  Configure({Level::kInfo, Format::kText});
  Write(Level::kInfo, "in\ngest", "two\nlines\r and \x1b[31mred\x1b[0m \xc2\x9b tab\there \xff end");
  std::string out = capture.Take();
  std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), 1u) << out;
  EXPECT_NE(lines[0].find("[in\\ngest] two\\nlines\\r and \\x1b[31mred\\x1b[0m \\u009b tab\there \xEF\xBF\xBD end"),
            std::string::npos)
      << lines[0];
}

TEST_F(LogTest, JsonMozlogFormat) {
  StderrCapture capture;
  ASSERT_TRUE(capture.ok());
  Configure({Level::kDebug, Format::kJson});
  const int64_t before = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  Info("ingest", "Inserted {} \"quoted\" \\ {}", "key", 1);
  Debug("d", "x");
  Warn("w", "x");
  Error("e", "x");
  const int64_t after = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<std::string> lines = Lines(capture.Take());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("{\"Timestamp\": ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(", \"Type\": \"ingest\", \"Logger\": \"buildhub\", \"Hostname\": "), std::string::npos)
      << lines[0];

  auto doc = json::Parse(lines[0]);
  ASSERT_TRUE(doc.ok()) << doc.status().message() << ": " << lines[0];
  ASSERT_TRUE(doc->is_object());
  std::vector<std::string> keys;
  for (const auto& m : doc->members()) keys.push_back(m.first);
  EXPECT_EQ(keys, (std::vector<std::string>{"Timestamp", "Type", "Logger", "Hostname", "EnvVersion", "Severity",
                                            "Pid", "Fields"}));
  ASSERT_TRUE(doc->find("Timestamp")->is_integer_literal());
  int64_t ts = *doc->find("Timestamp")->as_exact_int64();
  EXPECT_GE(ts, before);
  EXPECT_LE(ts, after);
  EXPECT_EQ(doc->find("Type")->text(), "ingest");
  EXPECT_EQ(doc->find("Logger")->text(), "buildhub");
  ASSERT_TRUE(doc->find("Hostname")->is_string());
  EXPECT_FALSE(doc->find("Hostname")->text().empty());
  EXPECT_EQ(doc->find("EnvVersion")->text(), "2.0");
  EXPECT_EQ(doc->find("Severity")->as_exact_int64(), 6);
  EXPECT_EQ(doc->find("Pid")->as_exact_int64(), static_cast<int64_t>(::getpid()));
  const json::Value* fields = doc->find("Fields");
  ASSERT_TRUE(fields && fields->is_object());
  EXPECT_EQ(fields->find("msg")->text(), "Inserted key \"quoted\" \\ 1");

  const int64_t severities[] = {7, 4, 3};
  for (int i = 0; i < 3; ++i) {
    auto d = json::Parse(lines[i + 1]);
    ASSERT_TRUE(d.ok()) << lines[i + 1];
    EXPECT_EQ(d->find("Severity")->as_exact_int64(), severities[i]) << lines[i + 1];
  }
}

TEST_F(LogTest, JsonStaysValidForBadUtf8AndControlCharacters) {
  StderrCapture capture;
  ASSERT_TRUE(capture.ok());
  Configure({Level::kInfo, Format::kJson});
  const char raw[] = "a\xff\xfe b \xc3 \xed\xa0\x80 c\n\t\x01\0d";
  Write(Level::kInfo, "t\xff", std::string(raw, sizeof(raw) - 1));
  Write(Level::kInfo, "ok", "caf\xc3\xa9 \xf0\x9f\x98\x80");
  std::vector<std::string> lines = Lines(capture.Take());
  ASSERT_EQ(lines.size(), 2u);
  auto doc = json::Parse(lines[0]);
  ASSERT_TRUE(doc.ok()) << doc.status().message() << ": " << lines[0];
  EXPECT_EQ(doc->find("Type")->text(), "t\xEF\xBF\xBD");
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(doc->find("Fields")->find("msg")->text(),
            "a" + r + r + " b " + r + " " + r + r + r + " c\n\t\x01" + std::string(1, '\0') + "d");
  auto ok = json::Parse(lines[1]);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->find("Fields")->find("msg")->text(), "caf\xc3\xa9 \xf0\x9f\x98\x80");
}

TEST_F(LogTest, HugeMessagesAreTruncatedAtACharacterBoundary) {
  StderrCapture capture;
  ASSERT_TRUE(capture.ok());
  Configure({Level::kInfo, Format::kJson});
  std::string big;
  for (int i = 0; i < 100000; ++i) big += "\xc3\xa9";  // 200,000 bytes of 'é'
  Write(Level::kInfo, "big", big);
  std::vector<std::string> lines = Lines(capture.Take());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_LT(lines[0].size(), 70000u);
  auto doc = json::Parse(lines[0]);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  const std::string& msg = doc->find("Fields")->find("msg")->text();
  EXPECT_EQ(msg.find("\xEF\xBF\xBD"), std::string::npos) << "cut inside a character";
  EXPECT_NE(msg.find(" ... (truncated, 200000 bytes in all)"), std::string::npos);
}

TEST_F(LogTest, LevelFiltering) {
  StderrCapture capture;
  ASSERT_TRUE(capture.ok());
  Configure({Level::kWarning, Format::kJson});
  EXPECT_FALSE(Enabled(Level::kDebug));
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kWarning));
  EXPECT_TRUE(Enabled(Level::kError));

  Debug("x", "dropped");
  Info("x", "dropped");
  Write(Level::kInfo, "x", "dropped too");
  Warn("x", "kept");
  Error("x", "kept");
  std::vector<std::string> lines = Lines(capture.Take());
  ASSERT_EQ(lines.size(), 2u);
  for (const std::string& line : lines) {
    auto doc = json::Parse(line);
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc->find("Fields")->find("msg")->text(), "kept");
  }
}

struct CountsFormatting {
  int* calls;
};

}  // namespace
}  // namespace buildhub::log

template <>
struct fmt::formatter<buildhub::log::CountsFormatting> : fmt::formatter<int> {
  auto format(const buildhub::log::CountsFormatting& c, fmt::format_context& ctx) const {
    ++*c.calls;
    return fmt::formatter<int>::format(*c.calls, ctx);
  }
};

namespace buildhub::log {
namespace {

TEST_F(LogTest, DisabledLevelsDoNotFormat) {
  StderrCapture capture;
  ASSERT_TRUE(capture.ok());
  Configure({Level::kError, Format::kJson});
  int calls = 0;
  Debug("x", "{}", CountsFormatting{&calls});
  Info("x", "{}", CountsFormatting{&calls});
  Warn("x", "{}", CountsFormatting{&calls});
  EXPECT_EQ(calls, 0);
  Error("x", "{}", CountsFormatting{&calls});
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Lines(capture.Take()).size(), 1u);
}

TEST_F(LogTest, AutoFormatIsJsonWhenStderrIsNotATerminal) {
  StderrCapture capture;
  ASSERT_TRUE(capture.ok());
  ASSERT_FALSE(::isatty(STDERR_FILENO));
  Configure({Level::kInfo, Format::kAuto});
  Info("auto", "hello");
  std::vector<std::string> lines = Lines(capture.Take());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(json::Parse(lines[0]).ok()) << lines[0];
}

TEST_F(LogTest, ParseLevelAndFormat) {
  Level level = Level::kError;
  EXPECT_TRUE(ParseLevel("debug", &level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_TRUE(ParseLevel("info", &level));
  EXPECT_EQ(level, Level::kInfo);
  EXPECT_TRUE(ParseLevel("warning", &level));
  EXPECT_EQ(level, Level::kWarning);
  EXPECT_TRUE(ParseLevel("error", &level));
  EXPECT_EQ(level, Level::kError);
  EXPECT_TRUE(ParseLevel("WARN", &level));
  EXPECT_EQ(level, Level::kWarning);
  EXPECT_TRUE(ParseLevel("Info", &level));
  EXPECT_EQ(level, Level::kInfo);
  for (const char* bad : {"", "verbose", "critical", "warnings", "info ", "inf", "\xff"}) {
    Level untouched = Level::kDebug;
    EXPECT_FALSE(ParseLevel(bad, &untouched)) << bad;
    EXPECT_EQ(untouched, Level::kDebug) << "unchanged on failure";
  }

  Format format = Format::kAuto;
  EXPECT_TRUE(ParseFormat("json", &format));
  EXPECT_EQ(format, Format::kJson);
  EXPECT_TRUE(ParseFormat("text", &format));
  EXPECT_EQ(format, Format::kText);
  EXPECT_TRUE(ParseFormat("auto", &format));
  EXPECT_EQ(format, Format::kAuto);
  EXPECT_TRUE(ParseFormat("JSON", &format));
  EXPECT_EQ(format, Format::kJson);
  for (const char* bad : {"", "mozlog", "jsonl", " text"}) {
    Format untouched = Format::kText;
    EXPECT_FALSE(ParseFormat(bad, &untouched)) << bad;
    EXPECT_EQ(untouched, Format::kText);
  }
}

TEST_F(LogTest, LinesFromManyThreadsNeverInterleave) {
  StderrCapture capture;
  ASSERT_TRUE(capture.ok());
  Configure({Level::kInfo, Format::kJson});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      std::string payload(6000, static_cast<char>('a' + t));  // larger than PIPE_BUF
      for (int i = 0; i < kPerThread; ++i) Info("thread", "{} {} {}", t, i, payload);
    });
  }
  for (auto& th : threads) th.join();
  std::vector<std::string> lines = Lines(capture.Take());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kPerThread));
  std::vector<int> next(kThreads, 0);
  for (const std::string& line : lines) {
    auto doc = json::Parse(line);
    ASSERT_TRUE(doc.ok()) << doc.status().message();
    const std::string& msg = doc->find("Fields")->find("msg")->text();
    int t = msg[0] - '0';
    ASSERT_GE(t, 0);
    ASSERT_LT(t, kThreads);
    EXPECT_EQ(msg, fmt::format("{} {} {}", t, next[t], std::string(6000, static_cast<char>('a' + t))));
    ++next[t];  // each thread's lines arrive whole and in its order
  }
}

}  // namespace
}  // namespace buildhub::log
