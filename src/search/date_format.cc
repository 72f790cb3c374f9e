#include "search/date_format.h"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <cstdio>

#include "search/search_error.h"

namespace buildhub::search {
namespace {

struct Civil {
  int64_t year;
  int month, day, hour, minute, second, millis, weekday;  // weekday 1 = Monday
};

// Days since 1970-01-01 to civil date (Howard Hinnant's algorithm).
Civil ToCivil(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t rem = ms - days * 86400000;
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  Civil c;
  c.year = y + (m <= 2);
  c.month = static_cast<int>(m);
  c.day = static_cast<int>(d);
  c.hour = static_cast<int>(rem / 3600000);
  c.minute = static_cast<int>(rem / 60000 % 60);
  c.second = static_cast<int>(rem / 1000 % 60);
  c.millis = static_cast<int>(rem % 1000);
  int64_t wd = (days % 7 + 7 + 3) % 7;  // 1970-01-01 was a Thursday (index 3 from Monday)
  c.weekday = static_cast<int>(wd) + 1;
  return c;
}

std::string Pad(int64_t v, size_t width) {
  bool neg = v < 0;
  std::string s = std::to_string(neg ? -v : v);
  while (s.size() < width) s.insert(s.begin(), '0');
  return neg ? "-" + s : s;
}

std::string OffsetText(int64_t offset_ms, bool colon, bool z_for_zero) {
  if (offset_ms == 0 && z_for_zero) return "Z";
  char sign = offset_ms < 0 ? '-' : '+';
  int64_t a = offset_ms < 0 ? -offset_ms : offset_ms;
  int64_t h = a / 3600000, m = a / 60000 % 60;
  return std::string(1, sign) + Pad(h, 2) + (colon ? ":" : "") + Pad(m, 2);
}

constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

std::string NamedPattern(std::string_view name) {
  std::string n(name);
  if (n.rfind("strict_", 0) == 0) n = n.substr(7);
  if (n == "date_optional_time" || n == "date_time" || n == "dateOptionalTime") return "yyyy-MM-dd'T'HH:mm:ss.SSSXX";
  if (n == "date_time_no_millis") return "yyyy-MM-dd'T'HH:mm:ssXX";
  if (n == "date") return "yyyy-MM-dd";
  if (n == "basic_date") return "yyyyMMdd";
  if (n == "basic_date_time") return "yyyyMMdd'T'HHmmss.SSSX";
  if (n == "basic_date_time_no_millis") return "yyyyMMdd'T'HHmmssX";
  if (n == "date_hour") return "yyyy-MM-dd'T'HH";
  if (n == "date_hour_minute") return "yyyy-MM-dd'T'HH:mm";
  if (n == "date_hour_minute_second") return "yyyy-MM-dd'T'HH:mm:ss";
  if (n == "date_hour_minute_second_millis" || n == "date_hour_minute_second_fraction") return "yyyy-MM-dd'T'HH:mm:ss.SSS";
  if (n == "hour") return "HH";
  if (n == "hour_minute") return "HH:mm";
  if (n == "hour_minute_second") return "HH:mm:ss";
  if (n == "time") return "HH:mm:ss.SSSXX";
  if (n == "time_no_millis") return "HH:mm:ssXX";
  if (n == "year") return "yyyy";
  if (n == "year_month") return "yyyy-MM";
  if (n == "year_month_day") return "yyyy-MM-dd";
  if (n == "week_date") return "xxxx-'W'ww-e";
  return "";
}

}  // namespace

Result<DateFormatter> DateFormatter::Create(std::string_view format, std::string_view time_zone) {
  DateFormatter f;
  std::string_view first = format.substr(0, format.find("||"));
  if (first.empty()) {
    f.pattern_ = "yyyy-MM-dd'T'HH:mm:ss.SSSXX";
  } else if (first == "epoch_millis" || first == "epoch_second") {
    f.pattern_ = std::string(first);
  } else if (std::string named = NamedPattern(first); !named.empty()) {
    f.pattern_ = named;
  } else {
    f.pattern_ = std::string(first);
  }
  if (time_zone.empty() || time_zone == "Z" || time_zone == "UTC" || time_zone == "utc" ||
      time_zone == "Etc/UTC" || time_zone == "GMT") {
    return f;
  }
  if (time_zone[0] == '+' || time_zone[0] == '-') {
    int h = 0, m = 0;
    std::string tz(time_zone.substr(1));
    int n = 0;
    if (tz.find(':') != std::string::npos) {
      n = std::sscanf(tz.c_str(), "%d:%d", &h, &m);
    } else if (tz.size() == 4) {
      n = std::sscanf(tz.c_str(), "%2d%2d", &h, &m);
    } else {
      n = std::sscanf(tz.c_str(), "%d", &h);
    }
    if (n < 1 || h > 18 || m > 59) {
      return ParsingError("Invalid time zone offset [" + std::string(time_zone) + "]");
    }
    f.fixed_offset_ms_ = (time_zone[0] == '-' ? -1 : 1) * (h * 3600000LL + m * 60000LL);
    return f;
  }
  icu::UnicodeString id = icu::UnicodeString::fromUTF8(icu::StringPiece(time_zone.data(), static_cast<int32_t>(time_zone.size())));
  std::shared_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(id));
  icu::UnicodeString canonical;
  zone->getID(canonical);
  if (*zone == icu::TimeZone::getUnknown()) {
    return IllegalArgument("The datetime zone id '" + std::string(time_zone) + "' is not recognised");
  }
  f.zone_ = std::shared_ptr<const void>(zone, zone.get());
  return f;
}

int64_t DateFormatter::OffsetAt(int64_t millis) const {
  if (!zone_) return fixed_offset_ms_;
  const auto* zone = static_cast<const icu::TimeZone*>(zone_.get());
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  zone->getOffset(static_cast<UDate>(millis), false, raw, dst, status);
  if (U_FAILURE(status)) return 0;
  return static_cast<int64_t>(raw) + dst;
}

std::string DateFormatter::Format(int64_t millis) const {
  if (pattern_ == "epoch_millis") return std::to_string(millis);
  if (pattern_ == "epoch_second") return std::to_string(millis / 1000);
  int64_t offset = OffsetAt(millis);
  Civil c = ToCivil(millis + offset);
  std::string out;
  const std::string& p = pattern_;
  size_t i = 0;
  while (i < p.size()) {
    char ch = p[i];
    if (ch == '\'') {
      size_t j = i + 1;
      while (j < p.size() && p[j] != '\'') out.push_back(p[j++]);
      if (j == i + 1 && j < p.size()) out.push_back('\'');  // '' is a quote
      i = j + 1;
      continue;
    }
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
      out.push_back(ch);
      ++i;
      continue;
    }
    size_t n = 1;
    while (i + n < p.size() && p[i + n] == ch) ++n;
    switch (ch) {
      case 'y':
      case 'Y':
      case 'x':
      case 'u':
        out += n == 2 ? Pad(((c.year % 100) + 100) % 100, 2) : Pad(c.year, std::max<size_t>(n, 4) == 4 ? 4 : n);
        break;
      case 'M':
        if (n >= 4) {
          out += kMonths[c.month - 1];
        } else if (n == 3) {
          out += std::string(kMonths[c.month - 1]).substr(0, 3);
        } else {
          out += Pad(c.month, n);
        }
        break;
      case 'd': out += Pad(c.day, n); break;
      case 'H': out += Pad(c.hour, n); break;
      case 'k': out += Pad(c.hour == 0 ? 24 : c.hour, n); break;
      case 'h': out += Pad(c.hour % 12 == 0 ? 12 : c.hour % 12, n); break;
      case 'K': out += Pad(c.hour % 12, n); break;
      case 'a': out += c.hour < 12 ? "AM" : "PM"; break;
      case 'm': out += Pad(c.minute, n); break;
      case 's': out += Pad(c.second, n); break;
      case 'S': {
        std::string ms = Pad(c.millis, 3);
        if (n <= 3) {
          out += ms.substr(0, n);
        } else {
          out += ms + std::string(n - 3, '0');
        }
        break;
      }
      case 'E':
        out += n >= 4 ? kDays[c.weekday - 1] : std::string(kDays[c.weekday - 1]).substr(0, 3);
        break;
      case 'e': out += Pad(c.weekday, n); break;
      case 'Z':
        out += OffsetText(offset, n >= 2, false);
        break;
      case 'X':
        out += OffsetText(offset, n >= 2, true);
        break;
      default:
        out.append(n, ch);
        break;
    }
    i += n;
  }
  return out;
}

}  // namespace buildhub::search
