#include "http/http_date.h"

namespace buildhub::http {

std::string FormatHttpDate(std::time_t t) {
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

std::optional<std::time_t> ParseHttpDate(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string s(text);
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT",   // IMF-fixdate
                             "%A, %d-%b-%y %H:%M:%S GMT",   // RFC 850
                             "%a %b %e %H:%M:%S %Y"}) {     // asctime
    std::tm tm{};
    const char* end = strptime(s.c_str(), format, &tm);
    if (end != nullptr && *end == '\0') return timegm(&tm);
  }
  return std::nullopt;
}

}  // namespace buildhub::http
