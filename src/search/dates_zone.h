// Time zones for date parsing, date math and date histograms: fixed offsets
// ("+01:00", "-0800", "Z", "UTC") and IANA names ("Europe/Paris"), the
// latter through ICU's bundled tz data. Zones are immutable and shared;
// resolving the same id twice returns the cached zone. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace buildhub::search::dates {

class Zone {
 public:
  // Errors read like Joda's: "The datetime zone id 'Mars/Base' is not recognised".
  static Result<std::shared_ptr<const Zone>> Resolve(std::string_view id);
  static std::shared_ptr<const Zone> Utc();
  static std::shared_ptr<const Zone> FixedOffset(int64_t offset_ms);

  ~Zone();
  Zone(const Zone&) = delete;
  Zone& operator=(const Zone&) = delete;

  bool is_fixed() const { return icu_ == nullptr; }
  bool is_utc() const { return is_fixed() && fixed_offset_ == 0; }
  const std::string& id() const { return id_; }

  // Offset (local - UTC) in force at the UTC instant.
  int64_t OffsetAt(int64_t utc_millis) const;
  // The UTC instant of a local wall-clock reading. In an overlap the
  // earlier instant wins unless `hint_utc` (an instant the caller came from)
  // has the other offset; in a gap the offset from before the gap is used
  // (the result lands after it) and *in_gap is set.
  int64_t LocalToUtc(int64_t local_millis, bool* in_gap = nullptr,
                     const int64_t* hint_utc = nullptr) const;

 private:
  struct Icu;
  Zone() = default;

  std::string id_;
  int64_t fixed_offset_ = 0;
  std::unique_ptr<Icu> icu_;
};

// Parses "+01:00", "-08", "+0530", "+01:00:00", "Z": the offset in ms, or
// nullopt when `text` is not an offset.
std::optional<int64_t> ParseOffset(std::string_view text);

}  // namespace buildhub::search::dates
