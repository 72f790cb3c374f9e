// Civil (proleptic Gregorian, UTC) time arithmetic and the timestamp
// spellings found in buildhub.json files, in integer arithmetic only.
#pragma once

#include <cstdint>
#include <string>

namespace buildhub::ingest::gen {

// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
constexpr int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilTime {
  int64_t year;
  int month, day, hour, minute, second;
};

CivilTime CivilFromUnix(int64_t seconds);

constexpr int64_t UnixFromDate(int64_t year, int month, int day) {
  return DaysFromCivil(year, month, day) * 86400;
}

// "20191016161957": build.id.
void AppendBuildId(const CivilTime& t, std::string* out);
// "2019-10-16T16:19:57" (no zone; callers add "Z", ".032307+00:00", ...).
void AppendIsoSeconds(const CivilTime& t, std::string* out);
// "2019-10-16-16-19-57": the directory stamp of nightly builds.
void AppendNightlyStamp(const CivilTime& t, std::string* out);

// Appends `value` in decimal, left-padded with zeros to `width` digits.
void AppendPadded(int64_t value, int width, std::string* out);

}  // namespace buildhub::ingest::gen
