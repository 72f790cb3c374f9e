#include "store/utc_time.h"

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace buildhub::store {
namespace {

// "YYYY-MM-DDTHH:MM:SS" for a second since the epoch.
std::string FormatSecond(int64_t seconds) {
  std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[80];  // room for any int year, to keep -Wformat-truncation quiet
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

std::string FormatUtcMicros(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  int64_t micros = duration_cast<microseconds>(t.time_since_epoch()).count();
  int64_t seconds = micros / 1000000;
  int64_t fraction = micros % 1000000;
  if (fraction < 0) {  // before 1970: floor, not truncate
    fraction += 1000000;
    seconds -= 1;
  }
  // Inserts stamp every row, so the date part is formatted once per second.
  thread_local int64_t cached_second = INT64_MIN;
  thread_local std::string cached_prefix;
  if (seconds != cached_second) {
    cached_prefix = FormatSecond(seconds);
    cached_second = seconds;
  }
  std::string text;
  text.reserve(cached_prefix.size() + 8);
  text += cached_prefix;
  char digits[9] = {'.', '0', '0', '0', '0', '0', '0', 'Z', '\0'};
  for (int i = 6; i >= 1; --i) {
    digits[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  text += digits;
  return text;
}

std::string NowUtcMicros() { return FormatUtcMicros(std::chrono::system_clock::now()); }

}  // namespace buildhub::store
