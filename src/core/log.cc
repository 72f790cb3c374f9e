// How logging works: each event is formatted into one string and written to
// fd 2 with write(2) under a mutex, so lines from different threads never
// interleave and nothing sits in a stdio buffer when the process dies.
//
// Why not spdlog (it is packaged): the mozlog line has a fixed shape whose
// strings must go through our json::WriteString after UTF-8 repair, the text
// line must neutralise control characters, and we want exactly one write per
// line. With spdlog that is a custom formatter plus a custom sink, i.e. the
// same code as here wrapped in its sink/registry machinery; fmt alone is
// enough.
#include "core/log.h"

#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <string>

#include "core/json.h"
#include "core/utf8.h"

namespace buildhub::log {
namespace {

// A longer message is cut (at a character boundary) and marked as such: one
// runaway message must not become a multi-megabyte log line.
constexpr size_t kMaxMessageBytes = 64 * 1024;

enum ResolvedFormat : int { kUnresolved = -1, kTextLine = 0, kJsonLine = 1 };

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::atomic<int> g_format{kUnresolved};
std::mutex g_write_mu;

int Resolve(Format format) {
  switch (format) {
    case Format::kText: return kTextLine;
    case Format::kJson: return kJsonLine;
    case Format::kAuto: break;
  }
  return ::isatty(STDERR_FILENO) == 1 ? kTextLine : kJsonLine;
}

int CurrentFormat() {
  int f = g_format.load(std::memory_order_acquire);
  if (f == kUnresolved) {
    f = Resolve(Format::kAuto);
    g_format.store(f, std::memory_order_release);
  }
  return f;
}


std::string Bounded(std::string_view message) {
  if (message.size() <= kMaxMessageBytes) return utf8::Repair(message);
  size_t cut = kMaxMessageBytes;
  // Back up over at most three continuation bytes to a character start.
  for (int i = 0; i < 3 && cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80; ++i) --cut;
  std::string out = utf8::Repair(message.substr(0, cut));
  fmt::format_to(std::back_inserter(out), " ... (truncated, {} bytes in all)", message.size());
  return out;
}

// For the text format: one event must stay one line on a terminal, and a
// message must not be able to send terminal control sequences.
void AppendPrintable(std::string_view valid_utf8, std::string* out) {
  size_t pos = 0;
  while (pos < valid_utf8.size()) {
    size_t start = pos;
    uint32_t cp = utf8::DecodeNext(valid_utf8, &pos);
    if (cp == '\n') {
      out->append("\\n");
    } else if (cp == '\r') {
      out->append("\\r");
    } else if ((cp < 0x20 && cp != '\t') || cp == 0x7f) {
      fmt::format_to(std::back_inserter(*out), "\\x{:02x}", cp);
    } else if (cp >= 0x80 && cp <= 0x9f) {  // C1 controls, e.g. CSI
      fmt::format_to(std::back_inserter(*out), "\\u{:04x}", cp);
    } else {
      out->append(valid_utf8.substr(start, pos - start));
    }
  }
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarning: return "WARN";
    case Level::kError: return "ERROR";
  }
  return "INFO";
}

// Syslog severities, as mozlog wants them.
int Severity(Level level) {
  switch (level) {
    case Level::kDebug: return 7;
    case Level::kInfo: return 6;
    case Level::kWarning: return 4;
    case Level::kError: return 3;
  }
  return 6;
}

const std::string& Hostname() {
  static const std::string hostname = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return std::string("unknown");
    return utf8::Repair(buf);
  }();
  return hostname;
}

void WriteLine(const std::string& line) {
  std::lock_guard lock(g_write_mu);
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report it
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

std::string TextLine(Level level, std::string_view type, std::string_view message,
                     std::chrono::system_clock::time_point now) {
  const auto since_epoch = now.time_since_epoch();
  const time_t seconds = static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count());
  const int millis = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000);
  struct tm local {};
  ::localtime_r(&seconds, &local);
  std::string line;
  fmt::format_to(std::back_inserter(line), "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} {:<5} [",
                 local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min,
                 local.tm_sec, millis, LevelName(level));
  AppendPrintable(utf8::Repair(type), &line);
  line.append("] ");
  AppendPrintable(Bounded(message), &line);
  line.push_back('\n');
  return line;
}

std::string JsonLine(Level level, std::string_view type, std::string_view message,
                     std::chrono::system_clock::time_point now) {
  const int64_t nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::string line;
  fmt::format_to(std::back_inserter(line), "{{\"Timestamp\": {}, \"Type\": ", nanos);
  json::WriteString(utf8::Repair(type), &line);
  line.append(", \"Logger\": \"buildhub\", \"Hostname\": ");
  json::WriteString(Hostname(), &line);
  fmt::format_to(std::back_inserter(line), ", \"EnvVersion\": \"2.0\", \"Severity\": {}, \"Pid\": {}, \"Fields\": {{\"msg\": ",
                 Severity(level), static_cast<int64_t>(::getpid()));
  json::WriteString(Bounded(message), &line);
  line.append("}}\n");
  return line;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

void Configure(const Config& config) {
  g_min_level.store(static_cast<int>(config.min_level), std::memory_order_relaxed);
  g_format.store(Resolve(config.format), std::memory_order_release);
}

bool ParseLevel(std::string_view text, Level* out) {
  Level level;
  if (EqualsIgnoreCase(text, "debug")) {
    level = Level::kDebug;
  } else if (EqualsIgnoreCase(text, "info")) {
    level = Level::kInfo;
  } else if (EqualsIgnoreCase(text, "warning") || EqualsIgnoreCase(text, "warn")) {
    level = Level::kWarning;
  } else if (EqualsIgnoreCase(text, "error")) {
    level = Level::kError;
  } else {
    return false;
  }
  *out = level;
  return true;
}

bool ParseFormat(std::string_view text, Format* out) {
  Format format;
  if (EqualsIgnoreCase(text, "auto")) {
    format = Format::kAuto;
  } else if (EqualsIgnoreCase(text, "text")) {
    format = Format::kText;
  } else if (EqualsIgnoreCase(text, "json")) {
    format = Format::kJson;
  } else {
    return false;
  }
  *out = format;
  return true;
}

bool Enabled(Level level) {
  return static_cast<int>(level) >= g_min_level.load(std::memory_order_relaxed);
}

void Write(Level level, std::string_view type, std::string_view message) {
  if (!Enabled(level)) return;
  const auto now = std::chrono::system_clock::now();
  WriteLine(CurrentFormat() == kTextLine ? TextLine(level, type, message, now)
                                         : JsonLine(level, type, message, now));
}

}  // namespace buildhub::log
