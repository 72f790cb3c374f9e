#include "store/utc_time.h"

#include <cstdio>
#include <ctime>

namespace buildhub::store {

std::string FormatUtcMicros(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto micros = duration_cast<microseconds>(t.time_since_epoch()).count();
  int64_t seconds = micros / 1000000;
  int64_t fraction = micros % 1000000;
  if (fraction < 0) {  // before 1970: floor, not truncate
    fraction += 1000000;
    seconds -= 1;
  }
  std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[80];  // room for any int year, to keep -Wformat-truncation quiet
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(fraction));
  return buf;
}

std::string NowUtcMicros() { return FormatUtcMicros(std::chrono::system_clock::now()); }

}  // namespace buildhub::store
