#include "search/dates.h"

#include <gtest/gtest.h>

#include <ctime>
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace buildhub::search::dates {
namespace {

// Expected instants come from the C library's timegm, not from the code
// under test.
int64_t Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0, int millis = 0) {
  struct tm t = {};
  t.tm_year = year - 1900;
  t.tm_mon = month - 1;
  t.tm_mday = day;
  t.tm_hour = hour;
  t.tm_min = minute;
  t.tm_sec = second;
  return static_cast<int64_t>(timegm(&t)) * 1000 + millis;
}

constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kDay = 24 * kHour;

std::optional<int64_t> Stored(std::string_view s) { return ParseStoredDate(s); }

int64_t Q(std::string_view text, Rounding r = Rounding::kFloor, QueryDateOptions options = {},
          int64_t now = Utc(2019, 6, 15, 10, 30, 45, 123)) {
  auto v = ParseQueryDate(text, options, r, now);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().ToString();
  return v.ok() ? *v : INT64_MIN;
}

std::string QError(std::string_view text, QueryDateOptions options = {}, Rounding r = Rounding::kFloor) {
  auto v = ParseQueryDate(text, options, r, Utc(2019, 6, 15, 10, 30, 45, 123));
  if (v.ok()) return "(parsed " + FormatMillis(*v) + ")";
  return v.status().message();
}

QueryDateOptions Format(std::string f) {
  QueryDateOptions o;
  o.format = std::move(f);
  return o;
}

QueryDateOptions Tz(std::string tz) {
  QueryDateOptions o;
  o.time_zone = std::move(tz);
  return o;
}

// ------------------------------------------------------------ stored dates

TEST(StoredDate, StrictDateOptionalTimeForms) {
  EXPECT_EQ(Stored("2019-10-16T16:19:57.000Z"), Utc(2019, 10, 16, 16, 19, 57));
  EXPECT_EQ(Stored("2019-10-16T16:19:57Z"), Utc(2019, 10, 16, 16, 19, 57));
  EXPECT_EQ(Stored("2019-10-16T16:19:57"), Utc(2019, 10, 16, 16, 19, 57));
  EXPECT_EQ(Stored("2019-10-16T16:19"), Utc(2019, 10, 16, 16, 19));
  EXPECT_EQ(Stored("2019-10-16T16"), Utc(2019, 10, 16, 16));
  EXPECT_EQ(Stored("2019-10-16T"), Utc(2019, 10, 16));
  EXPECT_EQ(Stored("2019-10-16"), Utc(2019, 10, 16));
  EXPECT_EQ(Stored("2019-10"), Utc(2019, 10, 1));
  EXPECT_EQ(Stored("2019"), Utc(2019, 1, 1));
  EXPECT_EQ(Stored("2019-10-16t16:19:57z"), Utc(2019, 10, 16, 16, 19, 57));
}

TEST(StoredDate, FractionsOfAnyLengthTruncateToMillis) {
  EXPECT_EQ(Stored("2019-10-16T16:19:57.1Z"), Utc(2019, 10, 16, 16, 19, 57, 100));
  EXPECT_EQ(Stored("2019-10-16T16:19:57.12Z"), Utc(2019, 10, 16, 16, 19, 57, 120));
  EXPECT_EQ(Stored("2019-10-16T16:19:57.123456789Z"), Utc(2019, 10, 16, 16, 19, 57, 123));
  EXPECT_EQ(Stored("2019-10-16T16:19:57.99999999999999999999Z"), Utc(2019, 10, 16, 16, 19, 57, 999));
  EXPECT_EQ(Stored("2019-10-16T16:19:57,5"), Utc(2019, 10, 16, 16, 19, 57, 500));
  // ISO fractions of the hour and the minute.
  EXPECT_EQ(Stored("2019-10-16T16.5"), Utc(2019, 10, 16, 16, 30));
  EXPECT_EQ(Stored("2019-10-16T16:19.5"), Utc(2019, 10, 16, 16, 19, 30));
}

TEST(StoredDate, Offsets) {
  EXPECT_EQ(Stored("2019-10-16T16:19:57+02:00"), Utc(2019, 10, 16, 14, 19, 57));
  EXPECT_EQ(Stored("2019-10-16T16:19:57+0200"), Utc(2019, 10, 16, 14, 19, 57));
  EXPECT_EQ(Stored("2019-10-16T16:19:57+02"), Utc(2019, 10, 16, 14, 19, 57));
  EXPECT_EQ(Stored("2019-10-16T16:19:57-05:30"), Utc(2019, 10, 16, 21, 49, 57));
  EXPECT_EQ(Stored("2019-10-16T16:19:57.250-0800"), Utc(2019, 10, 17, 0, 19, 57, 250));
  EXPECT_EQ(Stored("2019-10-16T00:00:00+14"), Utc(2019, 10, 15, 10));
  EXPECT_EQ(Stored("2019-10-16T00:00:00+24"), std::nullopt);  // hours above 23
  EXPECT_EQ(Stored("2019-10-16T00:00:00+01:60"), std::nullopt);
  EXPECT_EQ(Stored("2019-10-16T00:00:00+1"), std::nullopt);
}

TEST(StoredDate, EpochMillis) {
  EXPECT_EQ(Stored("1571242797000"), Utc(2019, 10, 16, 16, 19, 57));
  EXPECT_EQ(Stored("0"), 0);
  // A sign and four digits are a (negative) year, as ES 6.7's strict year
  // element reads them; other lengths fall through to epoch millis.
  EXPECT_EQ(Stored("-1000"), Utc(-1000, 1, 1));
  EXPECT_EQ(Stored("-10000"), -10000);
  EXPECT_EQ(Stored("-100"), -100);
  EXPECT_EQ(Stored("-62135596800000"), Utc(1, 1, 1));
  // Eight digits are not a strict date: they are epoch millis.
  EXPECT_EQ(Stored("20190101"), 20190101);
  // Four digits are a year, first format wins.
  EXPECT_EQ(Stored("1000"), Utc(1000, 1, 1));
  // Java's BigDecimal reading, as ES 6.7: decimals truncate, exponents work.
  EXPECT_EQ(Stored("1500.9"), 1500);
  EXPECT_EQ(Stored("15e2"), 1500);
  EXPECT_EQ(Stored("12345678901234567890"), std::nullopt);  // 20 digits: too long
  EXPECT_EQ(Stored("-99999999999999999999999"), std::nullopt);
  EXPECT_EQ(Stored("1e400"), std::nullopt);
  EXPECT_EQ(Stored("1-2"), std::nullopt);
}

TEST(StoredDate, LeapYearsAndFieldRanges) {
  EXPECT_EQ(Stored("2020-02-29"), Utc(2020, 2, 29));
  EXPECT_EQ(Stored("2000-02-29"), Utc(2000, 2, 29));
  EXPECT_EQ(Stored("2019-02-29"), std::nullopt);
  EXPECT_EQ(Stored("1900-02-29"), std::nullopt);
  EXPECT_EQ(Stored("2019-04-31"), std::nullopt);
  EXPECT_EQ(Stored("2019-13-01"), std::nullopt);
  EXPECT_EQ(Stored("2019-00-01"), std::nullopt);
  EXPECT_EQ(Stored("2019-12-32"), std::nullopt);
  EXPECT_EQ(Stored("2019-12-00"), std::nullopt);
  EXPECT_EQ(Stored("2019-12-31T24:00"), std::nullopt);
  EXPECT_EQ(Stored("2019-12-31T23:60"), std::nullopt);
  EXPECT_EQ(Stored("2019-12-31T23:59:60"), std::nullopt);
  EXPECT_EQ(Stored("2019-12-31T23:59:59"), Utc(2019, 12, 31, 23, 59, 59));
}

TEST(StoredDate, StrictWidthsAndOtherIsoShapes) {
  EXPECT_EQ(Stored("2019-1-05"), std::nullopt);
  EXPECT_EQ(Stored("2019-01-5"), std::nullopt);
  EXPECT_EQ(Stored("19-01-05"), std::nullopt);
  EXPECT_EQ(Stored("2019-01-05T1:00"), std::nullopt);
  EXPECT_EQ(Stored("2019-01-05 10:00"), std::nullopt);
  EXPECT_EQ(Stored("0000-01-01"), Utc(0, 1, 1));
  EXPECT_EQ(Stored("-0001-01-01"), Utc(-1, 1, 1));
  // Ordinal and week dates are part of the ISO date element.
  EXPECT_EQ(Stored("2019-032"), Utc(2019, 2, 1));
  EXPECT_EQ(Stored("2020-366"), Utc(2020, 12, 31));
  EXPECT_EQ(Stored("2019-366"), std::nullopt);
  EXPECT_EQ(Stored("2019-W05-3"), Utc(2019, 1, 30));
  EXPECT_EQ(Stored("2020-W53-7"), Utc(2021, 1, 3));
  EXPECT_EQ(Stored("2019-W53-1"), std::nullopt);
  // Joda keeps the base's Thursday when no day is given.
  EXPECT_EQ(Stored("2019-W05"), Utc(2019, 1, 31));
}

TEST(StoredDate, GarbageNeverCrashes) {
  for (std::string bad : {"", " ", "abc", "2019-", "2019-01-", "T10:00", "--", "+", "-", ".", "e5", "2019-01-01T10:00:00.",
                          "2019-01-01T10:00:00Zjunk", "2019\xff", "\xe6\x97\xa5", "2019-01-01T10:00:00+", "NaN",
                          "Infinity", "0x10"}) {
    EXPECT_EQ(Stored(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(Stored(std::string(10000, '9')), std::nullopt);
  EXPECT_EQ(Stored("-" + std::string(10000, '9')), std::nullopt);
  EXPECT_EQ(Stored("2019-01-01T10:00:00." + std::string(10000, '1') + "Z"), Utc(2019, 1, 1, 10, 0, 0, 111));
  EXPECT_EQ(Stored(std::string(10000, 'x')), std::nullopt);
  std::string nul("2019\0", 5);
  EXPECT_EQ(Stored(nul), std::nullopt);
}

// ------------------------------------------------------------ query dates

TEST(QueryDate, RoundingTableOfEsSemantics) {
  // gte/lt fill with the start, gt/lte with the end of what was given.
  EXPECT_EQ(Q("2019-01-02", Rounding::kFloor), Utc(2019, 1, 2));
  EXPECT_EQ(Q("2019-01-02", Rounding::kCeil), Utc(2019, 1, 2, 23, 59, 59, 999));
  EXPECT_EQ(Q("2019-01-01", Rounding::kCeil) + 1, Utc(2019, 1, 2));  // gt adds 1 ms
  // Only missing *time* fields are filled with the end.
  EXPECT_EQ(Q("2019-06", Rounding::kCeil), Utc(2019, 6, 1, 23, 59, 59, 999));
  EXPECT_EQ(Q("2019", Rounding::kCeil), Utc(2019, 1, 1, 23, 59, 59, 999));
  EXPECT_EQ(Q("2019-06", Rounding::kFloor), Utc(2019, 6, 1));
  EXPECT_EQ(Q("2019-01-02T10", Rounding::kCeil), Utc(2019, 1, 2, 10, 59, 59, 999));
  EXPECT_EQ(Q("2019-01-02T10:30", Rounding::kCeil), Utc(2019, 1, 2, 10, 30, 59, 999));
  EXPECT_EQ(Q("2019-01-02T10:30:15", Rounding::kCeil), Utc(2019, 1, 2, 10, 30, 15, 999));
  EXPECT_EQ(Q("2019-01-02T10:30:15.5", Rounding::kCeil), Utc(2019, 1, 2, 10, 30, 15, 500));
  EXPECT_EQ(Q("2019-01-02T10:30:15", Rounding::kFloor), Utc(2019, 1, 2, 10, 30, 15));
  // A term on a date-time is the whole second.
  EXPECT_EQ(Q("2019-10-16T16:19:57", Rounding::kCeil) - Q("2019-10-16T16:19:57", Rounding::kFloor), 999);
  // Epoch millis are exact either way.
  EXPECT_EQ(Q("1571242797000", Rounding::kCeil), Utc(2019, 10, 16, 16, 19, 57));
}

TEST(QueryDate, DateMath) {
  const int64_t now = Utc(2019, 6, 15, 10, 30, 45, 123);  // a Saturday
  EXPECT_EQ(Q("now"), now);
  EXPECT_EQ(Q("now", Rounding::kCeil), now);
  EXPECT_EQ(Q("now-7d/d"), Utc(2019, 6, 8));
  EXPECT_EQ(Q("now-7d/d", Rounding::kCeil), Utc(2019, 6, 8, 23, 59, 59, 999));
  EXPECT_EQ(Q("now/d"), Utc(2019, 6, 15));
  EXPECT_EQ(Q("now/M"), Utc(2019, 6, 1));
  EXPECT_EQ(Q("now/M", Rounding::kCeil), Utc(2019, 6, 30, 23, 59, 59, 999));
  EXPECT_EQ(Q("now/y"), Utc(2019, 1, 1));
  EXPECT_EQ(Q("now/y", Rounding::kCeil), Utc(2019, 12, 31, 23, 59, 59, 999));
  EXPECT_EQ(Q("now/w"), Utc(2019, 6, 10));  // Monday
  EXPECT_EQ(Q("now/w", Rounding::kCeil), Utc(2019, 6, 16, 23, 59, 59, 999));
  EXPECT_EQ(Q("now/h"), Utc(2019, 6, 15, 10));
  EXPECT_EQ(Q("now/H"), Utc(2019, 6, 15, 10));
  EXPECT_EQ(Q("now/m"), Utc(2019, 6, 15, 10, 30));
  EXPECT_EQ(Q("now/s", Rounding::kCeil), Utc(2019, 6, 15, 10, 30, 45, 999));
  EXPECT_EQ(Q("now+1h"), now + kHour);
  EXPECT_EQ(Q("now-90m"), now - 90 * 60 * 1000);
  EXPECT_EQ(Q("now+30s"), now + 30 * 1000);
  EXPECT_EQ(Q("now-1y"), Utc(2018, 6, 15, 10, 30, 45, 123));
  EXPECT_EQ(Q("now+2w"), now + 14 * kDay);
  EXPECT_EQ(Q("now-1d+1h/h"), Utc(2019, 6, 14, 11));
  EXPECT_EQ(Q("now+d"), now + kDay);  // a missing number is 1
  EXPECT_EQ(Q("2019-01-01||+1M/d"), Utc(2019, 2, 1));
  EXPECT_EQ(Q("2019-01-01||+1M/d", Rounding::kCeil), Utc(2019, 2, 1, 23, 59, 59, 999));
  EXPECT_EQ(Q("2019-01-31||+1M"), Utc(2019, 2, 28));  // day clamped
  EXPECT_EQ(Q("2020-02-29||+1y"), Utc(2021, 2, 28));
  EXPECT_EQ(Q("2019-06-15||/y", Rounding::kCeil), Utc(2019, 12, 31, 23, 59, 59, 999));
  // The anchor before || is read rounded down, whatever the rounding.
  EXPECT_EQ(Q("2019-06||", Rounding::kCeil), Utc(2019, 6, 1));
  EXPECT_EQ(Q("1571242797000||+1d"), Utc(2019, 10, 17, 16, 19, 57));
}

TEST(QueryDate, ErrorsReadLikeEs) {
  EXPECT_EQ(QError("2019-13-45"),
            "failed to parse date field [2019-13-45] with format [strict_date_optional_time||epoch_millis]");
  EXPECT_EQ(QError("2019-13-45||+1d"),
            "failed to parse date field [2019-13-45] with format [strict_date_optional_time||epoch_millis]");
  EXPECT_EQ(QError("||+1d"), "failed to parse date field [] with format [strict_date_optional_time||epoch_millis]");
  EXPECT_EQ(QError("yesterday"),
            "failed to parse date field [yesterday] with format [strict_date_optional_time||epoch_millis]");
  EXPECT_EQ(QError("now+"), "truncated date math [+]");
  EXPECT_EQ(QError("now+1"), "truncated date math [+1]");
  EXPECT_EQ(QError("now*1d"), "operator not supported for date math [*1d]");
  EXPECT_EQ(QError("nowish"), "operator not supported for date math [ish]");
  EXPECT_EQ(QError("now+1x"), "unit [x] not supported for date math [+1x]");
  // A multi-byte unit is named whole (a fuzzing find: half a character made
  // the error body invalid UTF-8).
  EXPECT_EQ(QError("now-\u03fa/M"), "unit [\u03fa] not supported for date math [-\u03fa/M]");
  EXPECT_EQ(QError("now/\U0001F600"), "unit [\U0001F600] not supported for date math [/\U0001F600]");
  EXPECT_EQ(QError("now/2d"), "rounding `/` can only be used on single unit types [/2d]");
  EXPECT_EQ(QError("now/x"), "unit [x] not supported for date math [/x]");
  EXPECT_EQ(QError("now+99999999999d"), "number too large in date math [+99999999999d]");
  EXPECT_EQ(QError("now+2147483647y"), "date math [+2147483647y] leaves the supported range of dates");
  std::string far = "now";
  for (int i = 0; i < 8; ++i) far += "-2147483647w";  // 330 million years back
  EXPECT_EQ(QError(far), "date math [" + far.substr(3) + "] leaves the supported range of dates");
  auto bad = ParseQueryDate("x", {}, Rounding::kFloor, 0);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST(QueryDate, Formats) {
  EXPECT_EQ(Q("15/06/2019", Rounding::kFloor, Format("dd/MM/yyyy")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("15/06/2019", Rounding::kCeil, Format("dd/MM/yyyy")), Utc(2019, 6, 15, 23, 59, 59, 999));
  EXPECT_EQ(Q("2019-06-15 10:30:00", Rounding::kFloor, Format("yyyy-MM-dd HH:mm:ss")), Utc(2019, 6, 15, 10, 30));
  EXPECT_EQ(Q("2019-06-15T10:30:00.250", Rounding::kFloor, Format("yyyy-MM-dd'T'HH:mm:ss.SSS")),
            Utc(2019, 6, 15, 10, 30, 0, 250));
  EXPECT_EQ(Q("1560594600", Rounding::kFloor, Format("epoch_second")), Utc(2019, 6, 15, 10, 30));
  EXPECT_EQ(Q("1560594600123", Rounding::kFloor, Format("epoch_millis")), Utc(2019, 6, 15, 10, 30, 0, 123));
  EXPECT_EQ(Q("20190615", Rounding::kFloor, Format("basic_date")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("20190615T103000.000Z", Rounding::kFloor, Format("basic_date_time")), Utc(2019, 6, 15, 10, 30));
  EXPECT_EQ(Q("2019-6-5", Rounding::kFloor, Format("date")), Utc(2019, 6, 5));
  EXPECT_EQ(QError("2019-6-5", Format("strict_date")), "failed to parse date field [2019-6-5] with format [strict_date]");
  EXPECT_EQ(Q("2019-06", Rounding::kCeil, Format("year_month")), Utc(2019, 6, 1, 23, 59, 59, 999));
  EXPECT_EQ(Q("2019", Rounding::kFloor, Format("year")), Utc(2019, 1, 1));
  EXPECT_EQ(Q("2019-06-15T10:30:00", Rounding::kFloor, Format("date_hour_minute_second")), Utc(2019, 6, 15, 10, 30));
  EXPECT_EQ(Q("2019-06-15T10:30:00.000+02:00", Rounding::kFloor, Format("date_time")), Utc(2019, 6, 15, 8, 30));
  EXPECT_NE(QError("2019-06-15T10:30:00.000", Format("date_time")).find("failed to parse"), std::string::npos);
  EXPECT_EQ(Q("2019-06-15T10:30:00Z", Rounding::kFloor, Format("date_time_no_millis")), Utc(2019, 6, 15, 10, 30));
  EXPECT_EQ(Q("2019-06-15", Rounding::kFloor, Format("strictDateOptionalTime")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("2019-6-5T1:2", Rounding::kFloor, Format("date_optional_time")), Utc(2019, 6, 5, 1, 2));
  EXPECT_EQ(Q("2019-W24-6", Rounding::kFloor, Format("week_date")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("2019-166", Rounding::kFloor, Format("ordinal_date")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("10:30", Rounding::kFloor, Format("hour_minute")), Utc(1970, 1, 1, 10, 30));
  // Alternatives: the first that reads everything.
  EXPECT_EQ(Q("15/06/2019", Rounding::kFloor, Format("yyyy-MM-dd||dd/MM/yyyy")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("1560594600000", Rounding::kFloor, Format("dd/MM/yyyy||epoch_millis")), Utc(2019, 6, 15, 10, 30));
  // Text months, days, half days and two-digit years (pivot: now's year - 30).
  EXPECT_EQ(Q("15 Jun 2019", Rounding::kFloor, Format("dd MMM yyyy")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("15 june 2019", Rounding::kFloor, Format("dd MMMM yyyy")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("Sat, 15 Jun 2019", Rounding::kFloor, Format("EEE, dd MMM yyyy")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("2019-06-15 03:15 PM", Rounding::kFloor, Format("yyyy-MM-dd hh:mm a")), Utc(2019, 6, 15, 15, 15));
  EXPECT_EQ(Q("2019-06-15 12:15 AM", Rounding::kFloor, Format("yyyy-MM-dd hh:mm a")), Utc(2019, 6, 15, 0, 15));
  EXPECT_EQ(Q("15/06/19", Rounding::kFloor, Format("dd/MM/yy")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("15/06/70", Rounding::kFloor, Format("dd/MM/yy")), Utc(1970, 6, 15));
  EXPECT_EQ(Q("15/06/2019", Rounding::kFloor, Format("dd/MM/yy")), Utc(2019, 6, 15));  // lenient: a full year
  EXPECT_EQ(Q("2019-06-15 10:30 +0200", Rounding::kFloor, Format("yyyy-MM-dd HH:mm Z")), Utc(2019, 6, 15, 8, 30));
  EXPECT_EQ(Q("2019-06-15 10:30 Europe/Paris", Rounding::kFloor, Format("yyyy-MM-dd HH:mm ZZZ")),
            Utc(2019, 6, 15, 8, 30));
  // Two-letter fields need two digits; one letter takes one or two.
  EXPECT_NE(QError("2019-6-15", Format("yyyy-MM-dd")).find("failed to parse"), std::string::npos);
  EXPECT_EQ(Q("2019-6-5", Rounding::kFloor, Format("yyyy-M-d")), Utc(2019, 6, 5));
  EXPECT_EQ(Q("20190615", Rounding::kFloor, Format("yyyyMMdd")), Utc(2019, 6, 15));
  // Errors.
  EXPECT_EQ(QError("2019", Format("yyyy-qq")), "Invalid format: [yyyy-qq]: Illegal pattern component: qq");
  EXPECT_EQ(QError("2019", Format("yyyy||")), "Invalid format: [yyyy||]: Invalid pattern specification");
  EXPECT_EQ(QError("2019", Format("zzz")), "Invalid format: [zzz]: time zone names ('z') cannot be parsed");
  EXPECT_EQ(QError("2019-02-30", Format("yyyy-MM-dd")), "failed to parse date field [2019-02-30] with format [yyyy-MM-dd]");
  EXPECT_EQ(QError("13/13/2019", Format("dd/MM/yyyy")), "failed to parse date field [13/13/2019] with format [dd/MM/yyyy]");
}

TEST(QueryDate, TimeZones) {
  EXPECT_EQ(Q("2019-06-15", Rounding::kFloor, Tz("+01:00")), Utc(2019, 6, 14, 23));
  EXPECT_EQ(Q("2019-06-15", Rounding::kCeil, Tz("+01:00")), Utc(2019, 6, 15, 22, 59, 59, 999));
  EXPECT_EQ(Q("2019-06-15", Rounding::kFloor, Tz("-0800")), Utc(2019, 6, 15, 8));
  EXPECT_EQ(Q("2019-06-15", Rounding::kFloor, Tz("Z")), Utc(2019, 6, 15));
  EXPECT_EQ(Q("2019-06-15", Rounding::kFloor, Tz("UTC")), Utc(2019, 6, 15));
  // A value's own offset wins over time_zone.
  EXPECT_EQ(Q("2019-06-15T10:00:00Z", Rounding::kFloor, Tz("+05:00")), Utc(2019, 6, 15, 10));
  // IANA zones: summer and winter offsets.
  EXPECT_EQ(Q("2019-06-15", Rounding::kFloor, Tz("Europe/Paris")), Utc(2019, 6, 14, 22));
  EXPECT_EQ(Q("2019-01-15", Rounding::kFloor, Tz("Europe/Paris")), Utc(2019, 1, 14, 23));
  EXPECT_EQ(Q("2019-06-15", Rounding::kFloor, Tz("America/New_York")), Utc(2019, 6, 15, 4));
  // Rounding happens in the zone.
  EXPECT_EQ(Q("now/d", Rounding::kFloor, Tz("+05:30")), Utc(2019, 6, 14, 18, 30));
  EXPECT_EQ(Q("now/d", Rounding::kCeil, Tz("Europe/Paris")), Utc(2019, 6, 15, 21, 59, 59, 999));
  // +1d across a DST change keeps the wall clock (a 23-hour day).
  EXPECT_EQ(Q("2019-03-30T12:00:00||+1d", Rounding::kFloor, Tz("Europe/Paris")),
            Q("2019-03-30T12:00:00", Rounding::kFloor, Tz("Europe/Paris")) + 23 * kHour);
  // A local time in the spring-forward gap does not exist; in the autumn
  // overlap the earlier instant is taken.
  EXPECT_NE(QError("2019-03-31T02:30:00", Tz("Europe/Paris")).find("failed to parse date field"), std::string::npos);
  EXPECT_EQ(Q("2019-10-27T02:30:00", Rounding::kFloor, Tz("Europe/Paris")), Utc(2019, 10, 27, 0, 30));
  // Epoch formats refuse other zones, as ES 6.7 does.
  EXPECT_EQ(QError("1500000000000", Tz("+01:00")),
            "failed to parse date field [1500000000000] with format [strict_date_optional_time||epoch_millis]");
  EXPECT_EQ(Q("1500000000000", Rounding::kFloor, Tz("+00:00")), 1500000000000);
  // Unknown zones.
  EXPECT_EQ(QError("2019", Tz("Mars/Base")), "The datetime zone id 'Mars/Base' is not recognised");
  EXPECT_EQ(QError("2019", Tz("+25:00")), "The datetime zone id '+25:00' is not recognised");
  EXPECT_EQ(QError("2019", Tz("Europe/Paris; DROP")), "The datetime zone id 'Europe/Paris; DROP' is not recognised");
  const std::string long_tz(10000, 'A');
  EXPECT_NE(QError("2019", Tz(long_tz)).find("is not recognised"), std::string::npos);
  EXPECT_LT(QError("2019", Tz(long_tz)).size(), 300u);
}

TEST(QueryDate, HostileInputs) {
  const std::string big(10000, '2');
  EXPECT_NE(QError(big).find("failed to parse date field"), std::string::npos);
  EXPECT_LT(QError(big).size(), 400u);
  EXPECT_NE(QError("now" + std::string(10000, '+')).find("date math"), std::string::npos);
  std::string math = "now";
  for (int i = 0; i < 3000; ++i) math += "+1d-1d";
  EXPECT_EQ(Q(math), Utc(2019, 6, 15, 10, 30, 45, 123));
  EXPECT_NE(QError("2019", Format(std::string(10000, 'y'))).find(""), std::string::npos);
  EXPECT_NE(QError("2019", Format(std::string(5000, '|'))).find("Invalid format"), std::string::npos);
  // Numbers in formats never overflow.
  EXPECT_NE(QError("999999999999-01-01", Format("yyyy-MM-dd")).find("failed to parse"), std::string::npos);
  EXPECT_NE(QError("-999999999-01-01", Format("date")).find("failed to parse"), std::string::npos);
}

// ------------------------------------------------------------ printing

TEST(FormatMillis, IsoWithMillisAndZ) {
  EXPECT_EQ(FormatMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatMillis(Utc(2019, 10, 16, 16, 19, 57)), "2019-10-16T16:19:57.000Z");
  EXPECT_EQ(FormatMillis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatMillis(Utc(1, 1, 1)), "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatMillis(Utc(0, 12, 31, 23, 59, 59, 999)), "0000-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatMillis(Utc(-1, 1, 1)), "-0001-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatMillis(Utc(10000, 1, 1)), "10000-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatMillis(Utc(2020, 2, 29, 12, 0, 0, 7)), "2020-02-29T12:00:00.007Z");
  // The extremes print without crashing.
  EXPECT_FALSE(FormatMillis(INT64_MAX).empty());
  EXPECT_FALSE(FormatMillis(INT64_MIN).empty());
}

TEST(FormatMillis, RoundTripsThroughTheStoredParser) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 5000; ++i) {
    // Years 0000-9999: what the strict four-digit year can read back.
    const int64_t lo = Utc(0, 1, 1), hi = Utc(9999, 12, 31, 23, 59, 59, 999);
    const int64_t ms = lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
    const std::string text = FormatMillis(ms);
    ASSERT_EQ(ParseStoredDate(text), ms) << text;
    ASSERT_EQ(ms, Utc(std::stoi(text.substr(0, 4)), std::stoi(text.substr(5, 2)), std::stoi(text.substr(8, 2)),
                      std::stoi(text.substr(11, 2)), std::stoi(text.substr(14, 2)), std::stoi(text.substr(17, 2)),
                      std::stoi(text.substr(20, 3))))
        << text;
  }
}

// ------------------------------------------------------------ intervals

DateInterval Interval(std::string_view spec, std::string_view tz = "") {
  auto i = DateInterval::Parse(spec, tz);
  EXPECT_TRUE(i.ok()) << spec << ": " << i.status().ToString();
  return i.ok() ? *i : *DateInterval::Parse("1d", "");
}

std::string IntervalError(std::string_view spec, std::string_view tz = "") {
  auto i = DateInterval::Parse(spec, tz);
  return i.ok() ? "(ok)" : i.status().message();
}

TEST(DateInterval, CalendarUnits) {
  const int64_t t = Utc(2019, 6, 15, 10, 30, 45, 123);  // Saturday
  for (const char* s : {"year", "1y"}) {
    EXPECT_EQ(Interval(s).Floor(t), Utc(2019, 1, 1));
    EXPECT_EQ(Interval(s).Next(Utc(2019, 1, 1)), Utc(2020, 1, 1));
  }
  for (const char* s : {"quarter", "1q"}) {
    EXPECT_EQ(Interval(s).Floor(t), Utc(2019, 4, 1));
    EXPECT_EQ(Interval(s).Next(Utc(2019, 4, 1)), Utc(2019, 7, 1));
    EXPECT_EQ(Interval(s).Floor(Utc(2019, 12, 31)), Utc(2019, 10, 1));
  }
  for (const char* s : {"month", "1M"}) {
    EXPECT_EQ(Interval(s).Floor(t), Utc(2019, 6, 1));
    EXPECT_EQ(Interval(s).Next(Utc(2019, 6, 1)), Utc(2019, 7, 1));
    EXPECT_EQ(Interval(s).Next(Utc(2019, 12, 1)), Utc(2020, 1, 1));
  }
  for (const char* s : {"week", "1w"}) {
    EXPECT_EQ(Interval(s).Floor(t), Utc(2019, 6, 10));
    EXPECT_EQ(Interval(s).Floor(Utc(2019, 6, 10)), Utc(2019, 6, 10));
    EXPECT_EQ(Interval(s).Next(Utc(2019, 6, 10)), Utc(2019, 6, 17));
  }
  for (const char* s : {"day", "1d"}) {
    EXPECT_EQ(Interval(s).Floor(t), Utc(2019, 6, 15));
    EXPECT_EQ(Interval(s).Next(Utc(2019, 6, 15)), Utc(2019, 6, 16));
  }
  EXPECT_EQ(Interval("hour").Floor(t), Utc(2019, 6, 15, 10));
  EXPECT_EQ(Interval("1h").Next(Utc(2019, 6, 15, 10)), Utc(2019, 6, 15, 11));
  EXPECT_EQ(Interval("minute").Floor(t), Utc(2019, 6, 15, 10, 30));
  EXPECT_EQ(Interval("1m").Floor(t), Utc(2019, 6, 15, 10, 30));
  EXPECT_EQ(Interval("second").Floor(t), Utc(2019, 6, 15, 10, 30, 45));
  EXPECT_EQ(Interval("1s").Next(Utc(2019, 6, 15, 10, 30, 45)), Utc(2019, 6, 15, 10, 30, 46));
  // Before the epoch.
  EXPECT_EQ(Interval("day").Floor(-1), -kDay);
  EXPECT_EQ(Interval("month").Floor(Utc(1969, 7, 20, 20, 17)), Utc(1969, 7, 1));
  EXPECT_EQ(Interval("year").Floor(Utc(1600, 2, 29, 1)), Utc(1600, 1, 1));
}

TEST(DateInterval, FixedIntervals) {
  const int64_t t = Utc(2019, 6, 15, 10, 30, 45, 123);
  const int64_t week = 7 * kDay;
  EXPECT_EQ(Interval("7d").Floor(t), (t / week) * week);  // epoch-aligned, as ES
  EXPECT_EQ(Interval("7d").Next(Interval("7d").Floor(t)), (t / week) * week + week);
  EXPECT_EQ(Interval("90m").Floor(t), (t / (90 * 60000)) * 90 * 60000);
  EXPECT_EQ(Interval("1500ms").Floor(t), (t / 1500) * 1500);
  EXPECT_EQ(Interval("2h").Floor(t), Utc(2019, 6, 15, 10));
  EXPECT_EQ(Interval("30s").Floor(t), Utc(2019, 6, 15, 10, 30, 30));
  EXPECT_EQ(Interval("2d").Floor(-1), -2 * kDay);
  EXPECT_EQ(Interval(" 3H ").Floor(t), (t / (3 * kHour)) * 3 * kHour);
  EXPECT_EQ(Interval("5000000micros").Floor(t), (t / 5000) * 5000);
  // ES lower-cases TimeValues: "2M" is two minutes, not two months.
  EXPECT_EQ(Interval("2M").Floor(t), Utc(2019, 6, 15, 10, 30));
}

TEST(DateInterval, BadIntervals) {
  EXPECT_EQ(IntervalError("1.5h"), "failed to parse [1.5h], fractional time values are not supported");
  EXPECT_EQ(IntervalError("xh"), "failed to parse [xh]");
  EXPECT_EQ(IntervalError("10x"),
            "failed to parse setting [date_histogram.interval] with value [10x] as a time value: unit is missing or unrecognized");
  EXPECT_EQ(IntervalError(""),
            "failed to parse setting [date_histogram.interval] with value [] as a time value: unit is missing or unrecognized");
  EXPECT_EQ(IntervalError("0s"), "Zero or negative time interval not supported");
  EXPECT_EQ(IntervalError("-5m"), "Zero or negative time interval not supported");
  EXPECT_EQ(IntervalError("10nanos"), "Zero or negative time interval not supported");
  EXPECT_EQ(IntervalError("99999999999999999999d"), "interval [99999999999999999999d] is too large");
  EXPECT_EQ(IntervalError("9999999999999d"), "interval [9999999999999d] is too large");
  EXPECT_EQ(IntervalError("1d", "Nowhere/Land"), "The datetime zone id 'Nowhere/Land' is not recognised");
  EXPECT_NE(IntervalError(std::string(10000, '7') + "d").find("too large"), std::string::npos);
}

TEST(DateInterval, TimeZonesMoveBucketBoundaries) {
  // 23:30 UTC is already the next day at +01:00.
  auto day = Interval("1d", "+01:00");
  EXPECT_EQ(day.Floor(Utc(2019, 6, 15, 23, 30)), Utc(2019, 6, 15, 23));
  EXPECT_EQ(day.Next(Utc(2019, 6, 15, 23)), Utc(2019, 6, 16, 23));
  auto month = Interval("month", "-05:00");
  EXPECT_EQ(month.Floor(Utc(2019, 7, 1, 3)), Utc(2019, 6, 1, 5));
  // IANA zone across the spring-forward day: that local day is 23 hours.
  auto paris = Interval("day", "Europe/Paris");
  EXPECT_EQ(paris.Floor(Utc(2019, 3, 31, 12)), Utc(2019, 3, 30, 23));
  EXPECT_EQ(paris.Next(Utc(2019, 3, 30, 23)), Utc(2019, 3, 31, 22));
  EXPECT_EQ(paris.Floor(Utc(2019, 6, 15, 21, 59)), Utc(2019, 6, 14, 22));
  EXPECT_EQ(paris.Floor(Utc(2019, 6, 15, 22, 0)), Utc(2019, 6, 15, 22));
  auto paris_month = Interval("1M", "Europe/Paris");
  EXPECT_EQ(paris_month.Floor(Utc(2019, 11, 15)), Utc(2019, 10, 31, 23));
  EXPECT_EQ(paris_month.Next(Utc(2019, 10, 31, 23)), Utc(2019, 11, 30, 23));
  auto paris_hours = Interval("3h", "Europe/Paris");
  EXPECT_EQ(paris_hours.Floor(Utc(2019, 6, 15, 10, 30)), Utc(2019, 6, 15, 10));  // 12:30 local -> 12:00
}

TEST(DateInterval, BucketInvariantsHoldEverywhere) {
  std::mt19937_64 rng(11);
  const std::vector<std::pair<const char*, const char*>> specs = {
      {"year", ""}, {"quarter", "+05:30"}, {"month", "Europe/Paris"}, {"week", "America/New_York"},
      {"day", "Australia/Lord_Howe"}, {"hour", "Asia/Kathmandu"}, {"minute", ""}, {"second", "-09:30"},
      {"7d", ""}, {"90m", "Europe/Paris"}, {"1500ms", "+01:00"}, {"2h", "America/Sao_Paulo"},
  };
  for (const auto& [spec, tz] : specs) {
    auto interval = Interval(spec, tz);
    for (int i = 0; i < 2000; ++i) {
      const int64_t ms = static_cast<int64_t>(rng() % 8'000'000'000'000ULL) - 2'000'000'000'000LL;
      const int64_t start = interval.Floor(ms);
      const int64_t next = interval.Next(start);
      ASSERT_LE(start, ms) << spec << " " << tz << " " << ms;
      ASSERT_GT(next, ms) << spec << " " << tz << " " << FormatMillis(ms) << " start " << FormatMillis(start);
      ASSERT_EQ(interval.Floor(start), start) << spec << " " << tz << " " << FormatMillis(ms);
    }
  }
  // Extremes never crash.
  for (const char* spec : {"year", "month", "week", "day", "7d"}) {
    auto interval = Interval(spec, "Europe/Paris");
    (void)interval.Floor(INT64_MIN);
    (void)interval.Floor(INT64_MAX);
    (void)interval.Next(INT64_MAX);
    (void)interval.Next(INT64_MIN);
  }
}

TEST(Dates, RandomInputsNeverCrashAndRoundTrip) {
  std::mt19937 rng(17);
  const std::string alphabet = "0123456789-+:.,TZWzt ||/now+-dMyhHmsw";
  const std::vector<std::string> formats = {"", "yyyy-MM-dd", "dd/MM/yy", "basic_date_time", "date_optional_time",
                                            "epoch_second", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "week_date||year"};
  const std::vector<std::string> zones = {"", "+05:30", "Europe/Paris", "America/St_Johns"};
  size_t parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    for (int k = 0, n = static_cast<int>(rng() % 30); k < n; ++k) s += alphabet[rng() % alphabet.size()];
    if (auto v = ParseStoredDate(s)) {
      ++parsed;
      // Whatever was accepted prints and reads back as the same instant.
      const std::string printed = FormatMillis(*v);
      if (printed.size() == 24) {
        EXPECT_EQ(ParseStoredDate(printed), *v) << s;
      }
    }
    QueryDateOptions options;
    options.format = formats[rng() % formats.size()];
    options.time_zone = zones[rng() % zones.size()];
    for (Rounding r : {Rounding::kFloor, Rounding::kCeil}) {
      auto q = ParseQueryDate(s, options, r, 1560594645123);
      if (!q.ok()) {
        EXPECT_FALSE(q.status().message().empty());
      }
    }
  }
  EXPECT_GT(parsed, 0u);
}

TEST(Dates, ConcurrentUseOfSharedZonesAndFormats) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      QueryDateOptions paris;
      paris.time_zone = t % 2 ? "Europe/Paris" : "America/New_York";
      paris.format = t % 2 ? "dd/MM/yyyy" : "yyyy-MM-dd";
      auto interval = DateInterval::Parse("day", paris.time_zone);
      if (!interval.ok()) {
        ++failures;
        return;
      }
      for (int i = 0; i < 2000; ++i) {
        const int day = 1 + i % 28;
        const std::string text = t % 2 ? (day < 10 ? "0" : "") + std::to_string(day) + "/06/2019"
                                       : "2019-06-" + std::string(day < 10 ? "0" : "") + std::to_string(day);
        auto v = ParseQueryDate(text, paris, Rounding::kFloor, 0);
        const int64_t want = Utc(2019, 6, day) - (t % 2 ? 2 : -4) * kHour;
        if (!v.ok() || *v != want || interval->Floor(want + kHour) != want) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace buildhub::search::dates
