// Date formats as ES 6.7 (Joda) reads them: named formats such as
// "strict_date_optional_time" or "basic_date", Joda patterns such as
// "yyyy-MM-dd HH:mm:ss", and alternatives joined with "||". Parsing fills
// the fields the text gives (Joda's parser bucket); turning them into an
// instant, with defaults for the missing ones, is the caller's job.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "search/dates_zone.h"

namespace buildhub::search::dates {

struct ParsedFields {
  std::optional<int64_t> year;
  std::optional<int64_t> weekyear;
  std::optional<int> month;
  std::optional<int> day;
  std::optional<int> day_of_year;
  std::optional<int> week;
  std::optional<int> day_of_week;
  std::optional<int> hour_of_day;          // H (0-23)
  std::optional<int> clock_hour_of_day;    // k (1-24)
  std::optional<int> halfday;              // a (0 am, 1 pm)
  std::optional<int> hour_of_halfday;      // K (0-11)
  std::optional<int> clock_hour_of_halfday;  // h (1-12)
  std::optional<int> minute;
  std::optional<int> second;
  std::optional<int> millis;
  std::optional<int64_t> millis_of_hour;    // an hour fraction: sets mm:ss.SSS
  std::optional<int64_t> millis_of_minute;  // a minute fraction: sets ss.SSS
  std::optional<int64_t> offset_ms;         // the text's own offset
  std::shared_ptr<const Zone> zone;         // the text's own zone id
  std::optional<int64_t> instant;           // epoch formats give the instant itself
};

struct ParseContext {
  bool zone_is_utc = true;     // epoch formats refuse other zones, as ES 6.7 does
  int64_t two_digit_pivot = 1996;  // yy years fall in [pivot - 50, pivot + 49]
};

class DateFormat;
struct FormatAlternative;

class DateFormat {
 public:
  // Errors: "Invalid format: [x]: Illegal pattern component: q", ...
  static Result<DateFormat> Compile(std::string_view format);
  // The field default: strict_date_optional_time||epoch_millis.
  static const DateFormat& Default();

  DateFormat(const DateFormat&);
  DateFormat& operator=(const DateFormat&);
  ~DateFormat();

  // Parses all of `text`. On failure the status says why (the caller wraps
  // it into ES's "failed to parse date field" message).
  Status Parse(std::string_view text, const ParseContext& context, ParsedFields* out) const;
  const std::string& text() const { return text_; }

 private:
  DateFormat() = default;
  std::string text_;
  std::shared_ptr<const std::vector<FormatAlternative>> alternatives_;
};

}  // namespace buildhub::search::dates
