// Howard Hinnant's days-from-civil algorithms, in 64 bits.

#include "search/dates_civil.h"

namespace buildhub::search::dates {

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

int DaysInYear(int64_t year) { return IsLeapYear(year) ? 366 : 365; }

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = (m + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

namespace {

void CivilFromDays(int64_t z, int64_t* year, int* month, int* day) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

}  // namespace

DateTimeFields SplitMillis(int64_t local_millis) {
  DateTimeFields f;
  const int64_t days = FloorDiv(local_millis, kMillisPerDay);
  int64_t rest = FloorMod(local_millis, kMillisPerDay);
  CivilFromDays(days, &f.year, &f.month, &f.day);
  f.hour = static_cast<int>(rest / kMillisPerHour);
  rest %= kMillisPerHour;
  f.minute = static_cast<int>(rest / kMillisPerMinute);
  rest %= kMillisPerMinute;
  f.second = static_cast<int>(rest / kMillisPerSecond);
  f.millis = static_cast<int>(rest % kMillisPerSecond);
  return f;
}

std::optional<int64_t> JoinMillis(const DateTimeFields& f) {
  if (f.year < kMinYear || f.year > kMaxYear) return std::nullopt;
  const int64_t days = DaysFromCivil(f.year, f.month, f.day);
  const __int128 ms = static_cast<__int128>(days) * kMillisPerDay + f.hour * kMillisPerHour +
                      f.minute * kMillisPerMinute + f.second * kMillisPerSecond + f.millis;
  if (ms > INT64_MAX || ms < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(ms);
}

int DayOfWeek(int64_t days) {
  // 1970-01-01 was a Thursday (4).
  return static_cast<int>(FloorMod(days + 3, 7)) + 1;
}

int64_t WeekyearStart(int64_t weekyear) {
  // Week 1 holds January 4th.
  const int64_t jan4 = DaysFromCivil(weekyear, 1, 4);
  return jan4 - (DayOfWeek(jan4) - 1);
}

int WeeksInWeekyear(int64_t weekyear) {
  return static_cast<int>((WeekyearStart(weekyear + 1) - WeekyearStart(weekyear)) / 7);
}

int64_t WeekyearOf(int64_t days) {
  int64_t year = 0;
  int month = 0, day = 0;
  CivilFromDays(days, &year, &month, &day);
  if (days >= WeekyearStart(year + 1)) return year + 1;
  if (days < WeekyearStart(year)) return year - 1;
  return year;
}

int WeekOfWeekyear(int64_t days) {
  return static_cast<int>((days - WeekyearStart(WeekyearOf(days))) / 7) + 1;
}

std::optional<int64_t> AddMonths(int64_t local_millis, int64_t months) {
  DateTimeFields f = SplitMillis(local_millis);
  if (months > (kMaxYear - kMinYear + 1) * 12 || months < -(kMaxYear - kMinYear + 1) * 12) {
    return std::nullopt;
  }
  const int64_t total = f.year * 12 + (f.month - 1) + months;
  f.year = FloorDiv(total, 12);
  f.month = static_cast<int>(FloorMod(total, 12)) + 1;
  if (f.year < kMinYear || f.year > kMaxYear) return std::nullopt;
  if (f.day > DaysInMonth(f.year, f.month)) f.day = DaysInMonth(f.year, f.month);
  return JoinMillis(f);
}

}  // namespace buildhub::search::dates
