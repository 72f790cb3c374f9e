// Zones: fixed offsets computed here, IANA names through ICU (const calls on
// a shared BasicTimeZone, which ICU documents as safe across threads).

#include "search/dates_zone.h"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <cstdio>
#include <map>
#include <mutex>

#include "search/dates_civil.h"

namespace buildhub::search::dates {

struct Zone::Icu {
  std::unique_ptr<icu::BasicTimeZone> tz;
};

Zone::~Zone() = default;

namespace {

constexpr size_t kMaxCachedZones = 1024;
constexpr size_t kMaxZoneIdBytes = 64;

// Two digits at text[pos], or -1.
int TwoDigits(std::string_view text, size_t pos) {
  if (pos + 2 > text.size()) return -1;
  const char a = text[pos], b = text[pos + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
  return (a - '0') * 10 + (b - '0');
}

Status NotRecognised(std::string_view id) {
  std::string shown(id.substr(0, 100));
  if (id.size() > 100) shown += "...";
  return InvalidArgument("The datetime zone id '" + shown + "' is not recognised");
}

}  // namespace

std::optional<int64_t> ParseOffset(std::string_view text) {
  if (text == "Z" || text == "z") return 0;
  if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const int64_t sign = text[0] == '-' ? -1 : 1;
  const int hours = TwoDigits(text, 1);
  if (hours < 0 || hours > 23) return std::nullopt;
  int64_t ms = hours * kMillisPerHour;
  size_t pos = 3;
  if (pos < text.size()) {
    const bool colon = text[pos] == ':';
    if (colon) ++pos;
    const int minutes = TwoDigits(text, pos);
    if (minutes < 0 || minutes > 59) return std::nullopt;
    ms += minutes * kMillisPerMinute;
    pos += 2;
    if (pos < text.size()) {
      if (colon && text[pos] != ':') return std::nullopt;
      if (colon) ++pos;
      const int seconds = TwoDigits(text, pos);
      if (seconds < 0 || seconds > 59) return std::nullopt;
      ms += seconds * kMillisPerSecond;
      pos += 2;
      if (pos < text.size()) {
        if (text[pos] != '.' || pos + 4 != text.size()) return std::nullopt;
        int millis = 0;
        for (size_t i = pos + 1; i < text.size(); ++i) {
          if (text[i] < '0' || text[i] > '9') return std::nullopt;
          millis = millis * 10 + (text[i] - '0');
        }
        ms += millis;
      }
    }
  }
  return sign * ms;
}

std::shared_ptr<const Zone> Zone::Utc() {
  static const std::shared_ptr<const Zone> utc = FixedOffset(0);
  return utc;
}

std::shared_ptr<const Zone> Zone::FixedOffset(int64_t offset_ms) {
  std::shared_ptr<Zone> z(new Zone());
  z->fixed_offset_ = offset_ms;
  if (offset_ms == 0) {
    z->id_ = "UTC";
  } else {
    const int64_t abs = offset_ms < 0 ? -offset_ms : offset_ms;
    char buf[32];
    snprintf(buf, sizeof(buf), "%c%02lld:%02lld", offset_ms < 0 ? '-' : '+',
             static_cast<long long>(abs / kMillisPerHour),
             static_cast<long long>((abs % kMillisPerHour) / kMillisPerMinute));
    z->id_ = buf;
  }
  return z;
}

Result<std::shared_ptr<const Zone>> Zone::Resolve(std::string_view id) {
  if (id.empty() || id == "UTC" || id == "Z" || id == "GMT" || id == "Etc/UTC" || id == "Etc/GMT") {
    return Utc();
  }
  if (id[0] == '+' || id[0] == '-') {
    auto offset = ParseOffset(id);
    if (!offset) return NotRecognised(id);
    return *offset == 0 ? Utc() : FixedOffset(*offset);
  }
  if (id.size() > kMaxZoneIdBytes) return NotRecognised(id);
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return NotRecognised(id);
  }

  static std::mutex mu;
  static auto* cache = new std::map<std::string, std::shared_ptr<const Zone>, std::less<>>();
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache->find(id);
    if (it != cache->end()) return it->second;
  }
  const icu::UnicodeString uid = icu::UnicodeString::fromUTF8(icu::StringPiece(id.data(), static_cast<int32_t>(id.size())));
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(uid));
  icu::UnicodeString got;
  if (tz == nullptr || tz->getID(got) == icu::UnicodeString("Etc/Unknown")) return NotRecognised(id);
  auto* basic = dynamic_cast<icu::BasicTimeZone*>(tz.get());
  if (basic == nullptr) return NotRecognised(id);
  std::shared_ptr<Zone> zone(new Zone());
  zone->id_ = std::string(id);
  zone->icu_ = std::make_unique<Icu>();
  zone->icu_->tz.reset(basic);
  tz.release();
  std::lock_guard<std::mutex> lock(mu);
  if (cache->size() < kMaxCachedZones) cache->emplace(std::string(id), zone);
  return std::shared_ptr<const Zone>(zone);
}

int64_t Zone::OffsetAt(int64_t utc_millis) const {
  if (!icu_) return fixed_offset_;
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  icu_->tz->getOffset(static_cast<UDate>(utc_millis), false, raw, dst, status);
  if (U_FAILURE(status)) return icu_->tz->getRawOffset();
  return static_cast<int64_t>(raw) + dst;
}

int64_t Zone::LocalToUtc(int64_t local_millis, bool* in_gap, const int64_t* hint_utc) const {
  if (in_gap) *in_gap = false;
  if (!icu_) return local_millis - fixed_offset_;
  auto offset_with = [&](UTimeZoneLocalOption option) {
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    icu_->tz->getOffsetFromLocal(static_cast<UDate>(local_millis), option, option, raw, dst, status);
    if (U_FAILURE(status)) return static_cast<int64_t>(icu_->tz->getRawOffset());
    return static_cast<int64_t>(raw) + dst;
  };
  int64_t offset = offset_with(UCAL_TZ_LOCAL_FORMER);
  if (hint_utc != nullptr) {
    const int64_t latter = offset_with(UCAL_TZ_LOCAL_LATTER);
    // An overlap, and the caller's instant had the later offset: keep it.
    if (latter != offset && OffsetAt(local_millis - latter) == latter && OffsetAt(*hint_utc) == latter) {
      offset = latter;
    }
  }
  const int64_t utc = local_millis - offset;
  if (in_gap && OffsetAt(utc) != offset) *in_gap = true;
  return utc;
}

}  // namespace buildhub::search::dates
