// DateFormatter: prints instants the way an aggregation's `format` asks
// (key_as_string, value_as_string, date_range keys): ES named formats
// ("strict_date_optional_time", "epoch_millis", "date", ...) and Joda
// patterns ("yyyy-MM-dd", "dd/MM/yyyy HH:mm"), in a time zone.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace buildhub::search {

class DateFormatter {
 public:
  // Empty format: the date fields' default printer (strict_date_optional_time:
  // 2019-10-16T16:19:57.000Z). Empty zone: UTC.
  static Result<DateFormatter> Create(std::string_view format, std::string_view time_zone);

  std::string Format(int64_t millis) const;
  // Offset of the zone at `millis`, in milliseconds.
  int64_t OffsetAt(int64_t millis) const;

 private:
  std::string pattern_;      // a Joda pattern, or "epoch_millis"/"epoch_second"
  int64_t fixed_offset_ms_ = 0;
  std::shared_ptr<const void> zone_;  // ICU zone for IANA names
};

}  // namespace buildhub::search
