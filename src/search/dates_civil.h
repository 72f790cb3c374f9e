// Proleptic Gregorian calendar arithmetic on "local" milliseconds (a wall
// clock reading counted like epoch millis), as Joda's ISO chronology does.
// Years are limited to Joda's range so every result fits in int64.
#pragma once

#include <cstdint>
#include <optional>

namespace buildhub::search::dates {

inline constexpr int64_t kMillisPerSecond = 1000;
inline constexpr int64_t kMillisPerMinute = 60 * kMillisPerSecond;
inline constexpr int64_t kMillisPerHour = 60 * kMillisPerMinute;
inline constexpr int64_t kMillisPerDay = 24 * kMillisPerHour;
inline constexpr int64_t kMinYear = -292275054;
inline constexpr int64_t kMaxYear = 292278993;

inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
inline int64_t FloorMod(int64_t a, int64_t b) {
  const int64_t r = a % b;  // no multiplication: safe at the int64 extremes
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

bool IsLeapYear(int64_t year);
int DaysInMonth(int64_t year, int month);
int DaysInYear(int64_t year);
// Days since 1970-01-01 of year-month-day (no validation).
int64_t DaysFromCivil(int64_t year, int month, int day);

struct DateTimeFields {
  int64_t year = 1970;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
};

DateTimeFields SplitMillis(int64_t local_millis);
// Local millis of the fields, or nullopt when the year is out of range or
// the result would overflow. Fields must be valid.
std::optional<int64_t> JoinMillis(const DateTimeFields& f);

// ISO weeks: Monday = 1 ... Sunday = 7; week 1 holds the year's first Thursday.
int DayOfWeek(int64_t days_since_epoch);
int64_t WeekyearOf(int64_t days_since_epoch);
int WeekOfWeekyear(int64_t days_since_epoch);
int WeeksInWeekyear(int64_t weekyear);
// Days since epoch of the Monday of week 1 of `weekyear`.
int64_t WeekyearStart(int64_t weekyear);

// Calendar moves that keep the time of day, clamping the day of month (Joda's
// addMonths/addYears). nullopt when the result leaves the year range.
std::optional<int64_t> AddMonths(int64_t local_millis, int64_t months);

}  // namespace buildhub::search::dates
