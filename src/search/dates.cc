// ES 6.7's date handling: DateMathParser (anchor, "||", math, rounding),
// Joda's parse-into-a-base-instant (which is what makes `lte "2019-06"` end
// at 2019-06-01T23:59:59.999: only fields the text gives are replaced on a
// base of 1970-01-01T23:59:59.999), epoch formats, printing, and the
// rounding behind date_histogram.

#include "search/dates.h"

#include <cctype>
#include <mutex>
#include <unordered_map>

#include "core/utf8.h"
#include "search/dates_civil.h"
#include "search/dates_format.h"
#include "search/dates_zone.h"

namespace buildhub::search::dates {
namespace {

constexpr size_t kMaxShown = 256;
constexpr int64_t kMaxFixedIntervalMs = 1'000'000'000'000'000;  // ~31,700 years

std::string Shown(std::string_view text) {
  if (text.size() <= kMaxShown) return std::string(text);
  return std::string(text.substr(0, kMaxShown)) + "...";
}

Status ParseFailure(std::string_view value, const DateFormat& format) {
  return InvalidArgument("failed to parse date field [" + Shown(value) + "] with format [" +
                         Shown(format.text()) + "]");
}

bool InYearRange(int64_t local_millis) {
  const int64_t year = SplitMillis(local_millis).year;
  return year >= kMinYear && year <= kMaxYear;
}

// Joda's DateTimeParserBucket.computeMillis: the parsed fields replace those
// of the base (largest units first, each checked against its range), then
// the local time becomes an instant through the text's offset or the zone.
Result<int64_t> ComputeMillis(const ParsedFields& p, bool round_up, const Zone& zone) {
  if (p.instant) return *p.instant;
  const Status bad = InvalidArgument("field value out of range");
  DateTimeFields f;
  if (round_up) {
    f.hour = 23;
    f.minute = 59;
    f.second = 59;
    f.millis = 999;
  }
  auto days = [&] { return DaysFromCivil(f.year, f.month, f.day); };
  auto set_days = [&](int64_t d) {
    const DateTimeFields t = SplitMillis(d * kMillisPerDay);
    f.year = t.year;
    f.month = t.month;
    f.day = t.day;
  };
  auto clamp_day = [&] { f.day = std::min(f.day, DaysInMonth(f.year, f.month)); };

  if (p.year) {
    if (*p.year < kMinYear || *p.year > kMaxYear) return bad;
    f.year = *p.year;
    clamp_day();
  }
  if (p.weekyear) {
    if (*p.weekyear < kMinYear + 1 || *p.weekyear > kMaxYear - 1) return bad;
    const int64_t d = days();
    const int64_t from = WeekyearOf(d);
    if (from != *p.weekyear) {
      const int max_week = std::min(WeeksInWeekyear(from), WeeksInWeekyear(*p.weekyear));
      const int week = std::min(WeekOfWeekyear(d), max_week);
      set_days(WeekyearStart(*p.weekyear) + (week - 1) * 7 + (DayOfWeek(d) - 1));
    }
  }
  if (p.month) {
    if (*p.month < 1 || *p.month > 12) return bad;
    f.month = *p.month;
    clamp_day();
  }
  if (p.week) {
    const int64_t d = days();
    if (*p.week < 1 || *p.week > WeeksInWeekyear(WeekyearOf(d))) return bad;
    set_days(d + (*p.week - WeekOfWeekyear(d)) * 7);
  }
  if (p.day) {
    if (*p.day < 1 || *p.day > DaysInMonth(f.year, f.month)) return bad;
    f.day = *p.day;
  }
  if (p.day_of_year) {
    if (*p.day_of_year < 1 || *p.day_of_year > DaysInYear(f.year)) return bad;
    set_days(DaysFromCivil(f.year, 1, 1) + *p.day_of_year - 1);
  }
  if (p.day_of_week) {
    if (*p.day_of_week < 1 || *p.day_of_week > 7) return bad;
    const int64_t d = days();
    set_days(d + (*p.day_of_week - DayOfWeek(d)));
  }
  if (p.halfday) f.hour = f.hour % 12 + 12 * *p.halfday;
  if (p.hour_of_day) {
    if (*p.hour_of_day < 0 || *p.hour_of_day > 23) return bad;
    f.hour = *p.hour_of_day;
  }
  if (p.clock_hour_of_day) {
    if (*p.clock_hour_of_day < 1 || *p.clock_hour_of_day > 24) return bad;
    f.hour = *p.clock_hour_of_day % 24;
  }
  if (p.hour_of_halfday) {
    if (*p.hour_of_halfday < 0 || *p.hour_of_halfday > 11) return bad;
    f.hour = (f.hour / 12) * 12 + *p.hour_of_halfday;
  }
  if (p.clock_hour_of_halfday) {
    if (*p.clock_hour_of_halfday < 1 || *p.clock_hour_of_halfday > 12) return bad;
    f.hour = (f.hour / 12) * 12 + *p.clock_hour_of_halfday % 12;
  }
  if (p.minute) {
    if (*p.minute < 0 || *p.minute > 59) return bad;
    f.minute = *p.minute;
  }
  if (p.millis_of_hour) {
    f.minute = static_cast<int>(*p.millis_of_hour / kMillisPerMinute);
    f.second = static_cast<int>((*p.millis_of_hour / kMillisPerSecond) % 60);
    f.millis = static_cast<int>(*p.millis_of_hour % 1000);
  }
  if (p.second) {
    if (*p.second < 0 || *p.second > 59) return bad;
    f.second = *p.second;
  }
  if (p.millis_of_minute) {
    f.second = static_cast<int>(*p.millis_of_minute / kMillisPerSecond);
    f.millis = static_cast<int>(*p.millis_of_minute % 1000);
  }
  if (p.millis) f.millis = *p.millis;

  auto local = JoinMillis(f);
  if (!local) return bad;
  if (p.offset_ms) return *local - *p.offset_ms;
  const Zone& z = p.zone ? *p.zone : zone;
  bool in_gap = false;
  const int64_t utc = z.LocalToUtc(*local, &in_gap);
  if (in_gap) return InvalidArgument("Illegal instant due to time zone offset transition (" + z.id() + ")");
  return utc;
}

int64_t PivotYear(int64_t now_ms) { return SplitMillis(now_ms).year - 30; }

Result<int64_t> ParseAnchor(std::string_view value, const DateFormat& format, bool round_up, const Zone& zone,
                            int64_t now_ms) {
  ParsedFields fields;
  ParseContext context;
  context.zone_is_utc = zone.is_utc();
  context.two_digit_pivot = PivotYear(now_ms);
  if (!format.Parse(value, context, &fields).ok()) return ParseFailure(value, format);
  auto millis = ComputeMillis(fields, round_up, zone);
  if (!millis.ok()) return ParseFailure(value, format);
  return millis;
}

// Local-time arithmetic in a zone, as Joda's zoned chronology does for
// days and longer; hours and shorter are plain UTC arithmetic.
class ZonedTime {
 public:
  ZonedTime(int64_t utc, const Zone& zone) : utc_(utc), zone_(zone) {}
  int64_t utc() const { return utc_; }

  bool AddMonths(int64_t months) {
    const auto local = Local();
    if (!local) return false;
    auto moved = dates::AddMonths(*local, months);
    if (!moved) return false;
    return SetLocal(*moved);
  }
  bool AddLocalMillis(int64_t delta) {
    const auto local = Local();
    int64_t moved = 0;
    if (!local || __builtin_add_overflow(*local, delta, &moved) || !InYearRange(moved)) return false;
    return SetLocal(moved);
  }
  bool AddUtcMillis(int64_t delta) {
    int64_t moved = 0;
    if (__builtin_add_overflow(utc_, delta, &moved) || !InYearRange(moved)) return false;
    utc_ = moved;
    return true;
  }
  bool FloorTo(char unit) {
    const auto local = Local();
    if (!local) return false;
    DateTimeFields f = SplitMillis(*local);
    switch (unit) {
      case 'y':
        f.month = 1;
        [[fallthrough]];
      case 'M':
        f.day = 1;
        [[fallthrough]];
      case 'd':
        f.hour = 0;
        [[fallthrough]];
      case 'h':
        f.minute = 0;
        [[fallthrough]];
      case 'm':
        f.second = 0;
        [[fallthrough]];
      case 's':
        f.millis = 0;
        break;
      case 'w': {
        const int64_t d = DaysFromCivil(f.year, f.month, f.day);
        const DateTimeFields monday = SplitMillis((d - (DayOfWeek(d) - 1)) * kMillisPerDay);
        f = monday;
        break;
      }
      default:
        return false;
    }
    auto joined = JoinMillis(f);
    return joined && SetLocal(*joined);
  }

 private:
  std::optional<int64_t> Local() const {
    int64_t local = 0;
    if (__builtin_add_overflow(utc_, zone_.OffsetAt(utc_), &local)) return std::nullopt;
    return local;
  }
  bool SetLocal(int64_t local) {
    if (!InYearRange(local)) return false;
    const int64_t hint = utc_;
    utc_ = zone_.LocalToUtc(local, nullptr, &hint);
    return true;
  }

  int64_t utc_;
  const Zone& zone_;
};

// ES's DateMathParser.parseMath.
Result<int64_t> ApplyMath(std::string_view math, int64_t time, bool round_up, const Zone& zone) {
  const std::string shown = Shown(math);
  ZonedTime t(time, zone);
  size_t i = 0;
  while (i < math.size()) {
    const char c = math[i++];
    bool round = false;
    int64_t sign = 1;
    if (c == '/') {
      round = true;
    } else if (c == '+') {
      sign = 1;
    } else if (c == '-') {
      sign = -1;
    } else {
      return InvalidArgument("operator not supported for date math [" + shown + "]");
    }
    if (i >= math.size()) return InvalidArgument("truncated date math [" + shown + "]");
    int64_t num = 1;
    if (std::isdigit(static_cast<unsigned char>(math[i]))) {
      num = 0;
      while (i < math.size() && std::isdigit(static_cast<unsigned char>(math[i]))) {
        num = num * 10 + (math[i] - '0');
        if (num > 2147483647) return InvalidArgument("number too large in date math [" + shown + "]");
        ++i;
      }
      if (i >= math.size()) return InvalidArgument("truncated date math [" + shown + "]");
    }
    if (round && num != 1) {
      return InvalidArgument("rounding `/` can only be used on single unit types [" + shown + "]");
    }
    // A unit is one character, which may take several bytes: an error
    // message must never show half of one.
    const size_t unit_start = i;
    utf8::DecodeNext(math, &i);
    i = std::min(i, math.size());
    const std::string unit_text(math.substr(unit_start, i - unit_start));
    char unit = unit_text.size() == 1 ? unit_text[0] : '\0';
    if (unit == 'H') unit = 'h';
    const int64_t n = sign * num;
    bool ok = true;
    if (!round) {
      switch (unit) {
        case 'y': ok = t.AddMonths(12 * n); break;
        case 'M': ok = t.AddMonths(n); break;
        case 'w': ok = t.AddLocalMillis(7 * n * kMillisPerDay); break;
        case 'd': ok = t.AddLocalMillis(n * kMillisPerDay); break;
        case 'h': ok = t.AddUtcMillis(n * kMillisPerHour); break;
        case 'm': ok = t.AddUtcMillis(n * kMillisPerMinute); break;
        case 's': ok = t.AddUtcMillis(n * kMillisPerSecond); break;
        default:
          return InvalidArgument("unit [" + unit_text + "] not supported for date math [" + shown + "]");
      }
    } else {
      if (std::string_view("yMwdhms").find(unit) == std::string_view::npos) {
        return InvalidArgument("unit [" + unit_text + "] not supported for date math [" + shown + "]");
      }
      if (round_up) {
        // Up to the next whole unit, even when already on one, minus 1 ms.
        switch (unit) {
          case 'y': ok = t.AddMonths(12); break;
          case 'M': ok = t.AddMonths(1); break;
          case 'w': ok = t.AddLocalMillis(7 * kMillisPerDay); break;
          case 'd': ok = t.AddLocalMillis(kMillisPerDay); break;
          case 'h': ok = t.AddUtcMillis(kMillisPerHour); break;
          case 'm': ok = t.AddUtcMillis(kMillisPerMinute); break;
          case 's': ok = t.AddUtcMillis(kMillisPerSecond); break;
        }
        ok = ok && t.FloorTo(unit) && t.AddUtcMillis(-1);
      } else {
        ok = t.FloorTo(unit);
      }
    }
    if (!ok) return InvalidArgument("date math [" + shown + "] leaves the supported range of dates");
  }
  return t.utc();
}

Result<DateFormat> FormatFor(const std::string& text) {
  if (text.empty() || text == "strict_date_optional_time||epoch_millis") return DateFormat::Default();
  // Formats repeat across requests; keep a small cache of compiled ones.
  static std::mutex mu;
  static auto* cache = new std::unordered_map<std::string, DateFormat>();
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache->find(text);
    if (it != cache->end()) return it->second;
  }
  auto compiled = DateFormat::Compile(text);
  if (!compiled.ok()) return compiled;
  std::lock_guard<std::mutex> lock(mu);
  if (cache->size() >= 256) cache->clear();
  if (text.size() <= 1024) cache->emplace(text, *compiled);
  return compiled;
}

}  // namespace

std::optional<int64_t> ParseStoredDate(std::string_view text) {
  const DateFormat& format = DateFormat::Default();
  ParsedFields fields;
  ParseContext context;
  if (!format.Parse(text, context, &fields).ok()) return std::nullopt;
  auto millis = ComputeMillis(fields, /*round_up=*/false, *Zone::Utc());
  if (!millis.ok()) return std::nullopt;
  return *millis;
}

Result<int64_t> ParseQueryDate(std::string_view text, const QueryDateOptions& options, Rounding rounding,
                               int64_t now_ms) {
  auto zone = Zone::Resolve(options.time_zone);
  if (!zone.ok()) return zone.status();
  auto format = FormatFor(options.format);
  if (!format.ok()) return format.status();
  const bool round_up = rounding == Rounding::kCeil;
  int64_t time = 0;
  std::string_view math;
  if (text.rfind("now", 0) == 0) {
    time = now_ms;
    math = text.substr(3);
  } else {
    const size_t bar = text.find("||");
    if (bar == std::string_view::npos) return ParseAnchor(text, *format, round_up, **zone, now_ms);
    auto anchor = ParseAnchor(text.substr(0, bar), *format, /*round_up=*/false, **zone, now_ms);
    if (!anchor.ok()) return anchor;
    time = *anchor;
    math = text.substr(bar + 2);
  }
  return ApplyMath(math, time, round_up, **zone);
}

std::string FormatMillis(int64_t millis) {
  const DateTimeFields f = SplitMillis(millis);
  char buf[64];
  const long long year = static_cast<long long>(f.year);
  snprintf(buf, sizeof(buf), "%s%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", year < 0 ? "-" : "", year < 0 ? -year : year,
           f.month, f.day, f.hour, f.minute, f.second, f.millis);
  return buf;
}

// ------------------------------------------------------------ DateInterval

Result<DateInterval> DateInterval::Parse(std::string_view interval, std::string_view time_zone) {
  auto zone = Zone::Resolve(time_zone);
  if (!zone.ok()) return zone.status();
  DateInterval out;
  if ((*zone)->is_fixed()) {
    out.tz_offset_ms_ = (*zone)->OffsetAt(0);
  } else {
    out.zone_ = *zone;
  }
  struct Calendar {
    const char* name;
    const char* short_name;
    Unit unit;
  };
  static constexpr Calendar kCalendar[] = {
      {"year", "1y", Unit::kYear},     {"quarter", "1q", Unit::kQuarter}, {"month", "1M", Unit::kMonth},
      {"week", "1w", Unit::kWeek},     {"day", "1d", Unit::kDay},         {"hour", "1h", Unit::kHour},
      {"minute", "1m", Unit::kMinute}, {"second", "1s", Unit::kSecond},
  };
  for (const Calendar& c : kCalendar) {
    if (interval == c.name || interval == c.short_name) {
      out.unit_ = c.unit;
      return out;
    }
  }
  // Otherwise an ES TimeValue, lower-cased first (so "2M" is two minutes,
  // as in ES 6.7).
  const std::string shown = Shown(interval);
  std::string normalized;
  for (char ch : interval) normalized.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  while (!normalized.empty() && std::isspace(static_cast<unsigned char>(normalized.back()))) normalized.pop_back();
  size_t lead = 0;
  while (lead < normalized.size() && std::isspace(static_cast<unsigned char>(normalized[lead]))) ++lead;
  normalized.erase(0, lead);
  struct Suffix {
    const char* text;
    int64_t nanos;
  };
  static constexpr Suffix kSuffixes[] = {
      {"nanos", 1},
      {"micros", 1000},
      {"ms", 1000 * 1000},
      {"s", 1000LL * 1000 * 1000},
      {"m", 60LL * 1000 * 1000 * 1000},
      {"h", 3600LL * 1000 * 1000 * 1000},
      {"d", 86400LL * 1000 * 1000 * 1000},
  };
  for (const Suffix& s : kSuffixes) {
    const std::string_view suffix(s.text);
    if (normalized.size() < suffix.size() ||
        normalized.compare(normalized.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    std::string number = normalized.substr(0, normalized.size() - suffix.size());
    while (!number.empty() && std::isspace(static_cast<unsigned char>(number.back()))) number.pop_back();
    bool digits = !number.empty();
    size_t start = (!number.empty() && (number[0] == '-' || number[0] == '+')) ? 1 : 0;
    if (start == number.size()) digits = false;
    for (size_t k = start; k < number.size(); ++k) digits = digits && std::isdigit(static_cast<unsigned char>(number[k]));
    if (!digits) {
      bool fractional = !number.empty() && number.find_first_not_of("0123456789.+-") == std::string::npos &&
                        number.find('.') != std::string::npos;
      if (fractional) {
        return InvalidArgument("failed to parse [" + shown + "], fractional time values are not supported");
      }
      return InvalidArgument("failed to parse [" + shown + "]");
    }
    if (number.size() - start > 18) return InvalidArgument("interval [" + shown + "] is too large");
    const int64_t value = std::stoll(number);
    const __int128 ms = static_cast<__int128>(value) * s.nanos / 1'000'000;
    if (ms < 1) return InvalidArgument("Zero or negative time interval not supported");
    if (ms > kMaxFixedIntervalMs) return InvalidArgument("interval [" + shown + "] is too large");
    out.unit_ = Unit::kFixed;
    out.fixed_ms_ = static_cast<int64_t>(ms);
    return out;
  }
  if (normalized == "0" || normalized == "-1") {
    return InvalidArgument("Zero or negative time interval not supported");
  }
  return InvalidArgument("failed to parse setting [date_histogram.interval] with value [" + shown +
                         "] as a time value: unit is missing or unrecognized");
}

int64_t DateInterval::OffsetAt(int64_t utc_millis) const {
  return zone_ ? zone_->OffsetAt(utc_millis) : tz_offset_ms_;
}

int64_t DateInterval::LocalToUtc(int64_t local_millis, int64_t hint_utc) const {
  return zone_ ? zone_->LocalToUtc(local_millis, nullptr, &hint_utc) : local_millis - tz_offset_ms_;
}

int64_t DateInterval::FloorLocal(int64_t local) const {
  auto floor_to = [&](int64_t unit) { return local - FloorMod(local, unit); };
  switch (unit_) {
    case Unit::kFixed: return floor_to(fixed_ms_);
    case Unit::kSecond: return floor_to(kMillisPerSecond);
    case Unit::kMinute: return floor_to(kMillisPerMinute);
    case Unit::kHour: return floor_to(kMillisPerHour);
    case Unit::kDay: return floor_to(kMillisPerDay);
    case Unit::kWeek: {
      const int64_t d = FloorDiv(local, kMillisPerDay);
      return (d - (DayOfWeek(d) - 1)) * kMillisPerDay;
    }
    case Unit::kMonth:
    case Unit::kQuarter:
    case Unit::kYear: {
      DateTimeFields f = SplitMillis(local);
      if (unit_ == Unit::kYear) f.month = 1;
      if (unit_ == Unit::kQuarter) f.month = ((f.month - 1) / 3) * 3 + 1;
      f.day = 1;
      f.hour = f.minute = f.second = f.millis = 0;
      // Years beyond Joda's range cannot occur in the index; keep the input.
      return JoinMillis(f).value_or(local);
    }
  }
  return local;
}

int64_t DateInterval::AddUnitLocal(int64_t local) const {
  int64_t step = 0;
  switch (unit_) {
    case Unit::kFixed: step = fixed_ms_; break;
    case Unit::kSecond: step = kMillisPerSecond; break;
    case Unit::kMinute: step = kMillisPerMinute; break;
    case Unit::kHour: step = kMillisPerHour; break;
    case Unit::kDay: step = kMillisPerDay; break;
    case Unit::kWeek: step = 7 * kMillisPerDay; break;
    case Unit::kMonth: return AddMonths(local, 1).value_or(INT64_MAX);
    case Unit::kQuarter: return AddMonths(local, 3).value_or(INT64_MAX);
    case Unit::kYear: return AddMonths(local, 12).value_or(INT64_MAX);
  }
  int64_t out = 0;
  if (__builtin_add_overflow(local, step, &out)) return INT64_MAX;
  return out;
}

// Instants this close to the int64 ends are left alone by Floor/Next: no
// stored date comes near them, and the arithmetic must not overflow.
constexpr int64_t kEdge = INT64_MAX - 400 * kMillisPerDay;

int64_t DateInterval::Floor(int64_t millis) const {
  if (millis > kEdge || millis < -kEdge) return millis;
  int64_t local = 0;
  if (__builtin_add_overflow(millis, OffsetAt(millis), &local)) return millis;
  const int64_t floored = FloorLocal(local);
  int64_t utc = LocalToUtc(floored, millis);
  // Around a DST change the local floor can map past the instant; the
  // bucket must never start after the value it holds.
  if (utc > millis) utc = millis - (local - floored);
  return utc;
}

int64_t DateInterval::Next(int64_t bucket_start) const {
  if (bucket_start > kEdge || bucket_start < -kEdge) return bucket_start == INT64_MAX ? INT64_MAX : bucket_start + 1;
  int64_t local = 0;
  if (__builtin_add_overflow(bucket_start, OffsetAt(bucket_start), &local)) return INT64_MAX;
  const int64_t floored = FloorLocal(local);
  const int64_t next_local = AddUnitLocal(floored);
  if (next_local == INT64_MAX) return INT64_MAX;
  int64_t next = LocalToUtc(next_local, bucket_start);
  if (next <= bucket_start) {
    if (__builtin_add_overflow(bucket_start, next_local - floored, &next)) return INT64_MAX;
  }
  return next;
}

}  // namespace buildhub::search::dates
