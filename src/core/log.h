// Logging: one line per event. Human-readable on a terminal; mozlog JSON
// ({"Timestamp", "Type", "Logger": "buildhub", "Hostname", "EnvVersion": "2.0",
// "Severity", "Pid", "Fields": {"msg": ..., ...}}) when stderr is not a
// terminal or when asked. Secrets must never be passed in.
//
//   log::Info("ingest", "Inserted {} as a valid Build ({})", key, hash);
//   log::Warn("sqs", "Tried to download {} (in {}) but not found.", key, bucket);
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace buildhub::log {

enum class Level { kDebug = 0, kInfo, kWarning, kError };
enum class Format { kAuto, kText, kJson };

struct Config {
  Level min_level = Level::kInfo;
  Format format = Format::kAuto;  // kAuto: text on a terminal, JSON otherwise
};

void Configure(const Config& config);
// Parses "debug", "info", "warning"/"warn", "error"; false if unknown.
bool ParseLevel(std::string_view text, Level* out);
// Parses "auto", "text", "json"; false if unknown.
bool ParseFormat(std::string_view text, Format* out);

bool Enabled(Level level);
// `type` is the mozlog Type (the component: "ingest", "sqs", "http", ...).
void Write(Level level, std::string_view type, std::string_view message);

template <typename... Args>
void Debug(std::string_view type, fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, type, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Info(std::string_view type, fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, type, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Warn(std::string_view type, fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kWarning)) Write(Level::kWarning, type, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void Error(std::string_view type, fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(Level::kError)) Write(Level::kError, type, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace buildhub::log
