// Dates as Elasticsearch 6.7 reads them, for `build.date` and `download.date`
// (mapping format strict_date_optional_time||epoch_millis) and for queries
// (range/term bounds with date math, `format`, `time_zone`, rounding).
// All instants are milliseconds since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace buildhub::search::dates {

class Zone;  // dates_zone.h

// How missing fields are filled and `/unit` rounding goes:
//   kFloor: gte/lt and the low end of a term — fill with the start
//           (…T00:00:00.000), round down.
//   kCeil:  gt/lte and the high end of a term — fill with the end
//           (…T23:59:59.999) of what was given, round up (end of unit).
enum class Rounding { kFloor, kCeil };

struct QueryDateOptions {
  // ES `format` string: named formats ("strict_date_optional_time",
  // "epoch_millis", "epoch_second", "date", "date_time", "basic_date", ...) or
  // Joda patterns ("yyyy-MM-dd HH:mm:ss", "dd/MM/yyyy"), alternatives with ||.
  // Empty: the field's default, strict_date_optional_time||epoch_millis.
  std::string format;
  // "+01:00", "-0800", "Z", "UTC" or an IANA name ("Europe/Paris"); applies
  // to values without their own offset and to rounding. Empty: UTC.
  std::string time_zone;
};

// Parses a stored document date (strict_date_optional_time||epoch_millis).
// nullopt when ES would have refused to index it.
std::optional<int64_t> ParseStoredDate(std::string_view text);

// Parses a query-side date: `now`, an anchor followed by `||` and math
// (`+1d`, `-7d/d`, `/M`), units y M w d h H m s. `now_ms` is the request time.
// Errors read like ES's: "failed to parse date field [x] with format [...]".
Result<int64_t> ParseQueryDate(std::string_view text, const QueryDateOptions& options,
                               Rounding rounding, int64_t now_ms);

// "2019-10-16T16:19:57.000Z": the key_as_string / value_as_string form.
std::string FormatMillis(int64_t millis);

// Calendar and fixed intervals for date_histogram: floors `millis` to the
// start of its bucket. `interval` is "year"/"1y", "quarter"/"1q", "month"/"1M",
// "week"/"1w", "day"/"1d", "hour"/"1h", "minute"/"1m", "second"/"1s", or a
// fixed multiple such as "7d", "90m", "1500ms". Errors for unknown intervals.
class DateInterval {
 public:
  static Result<DateInterval> Parse(std::string_view interval, std::string_view time_zone);
  int64_t Floor(int64_t millis) const;
  int64_t Next(int64_t bucket_start) const;  // start of the following bucket

 private:
  enum class Unit { kFixed, kMonth, kQuarter, kYear, kWeek, kDay, kHour, kMinute, kSecond };
  Unit unit_ = Unit::kFixed;
  int64_t fixed_ms_ = 0;
  int64_t tz_offset_ms_ = 0;              // fixed offsets (zone_ null)
  std::shared_ptr<const Zone> zone_;      // IANA names, resolved per instant
  int64_t OffsetAt(int64_t utc_millis) const;
  int64_t LocalToUtc(int64_t local_millis, int64_t hint_utc) const;
  int64_t FloorLocal(int64_t local_millis) const;
  int64_t AddUnitLocal(int64_t local_millis) const;
};

}  // namespace buildhub::search::dates
