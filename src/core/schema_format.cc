// `format` checks. Buildhub2 never enforced them (jsonschema got no format
// checker), so the validator reports failures as warnings only; these
// functions say whether a string is well formed, nothing more.
#include "core/schema_internal.h"

namespace buildhub::schema_internal {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* value) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *value = v;
  return true;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// full-date = YYYY-MM-DD; the 10 bytes at `s`'s start.
bool FullDate(std::string_view s) {
  int year = 0, month = 0, day = 0;
  if (!Digits(s, 0, 4, &year) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &month) || s[7] != '-' ||
      !Digits(s, 8, 2, &day)) {
    return false;
  }
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool IsDate(std::string_view s) { return s.size() == 10 && FullDate(s); }

bool IsDateTime(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); T and Z in either case.
  if (s.size() < 20 || !FullDate(s) || (s[10] != 'T' && s[10] != 't')) return false;
  int hour = 0, minute = 0, second = 0;
  if (!Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &second)) {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;  // 60: a leap second
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return false;
  }
  if (pos >= s.size()) return false;
  if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size();
  if (s[pos] != '+' && s[pos] != '-') return false;
  int off_hour = 0, off_minute = 0;
  if (s.size() != pos + 6 || !Digits(s, pos + 1, 2, &off_hour) || s[pos + 3] != ':' ||
      !Digits(s, pos + 4, 2, &off_minute)) {
    return false;
  }
  return off_hour <= 23 && off_minute <= 59;
}

bool IsEmail(std::string_view s) {
  // Deliberately loose (jsonschema only asks for an "@"): a non-empty local
  // part and domain, no spaces or control characters.
  const size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool IsUri(std::string_view s) {
  // RFC 3986: scheme ":" hier-part, with only URI characters and
  // well-formed %XX escapes; at most one "#".
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !IsAlpha(s[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = s[i];
    if (!IsAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  bool seen_fragment = false;
  for (size_t i = colon + 1; i < s.size(); ++i) {
    const char c = s[i];
    if (IsAlpha(c) || (c >= '0' && c <= '9')) continue;
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
      i += 2;
      continue;
    }
    if (c == '#') {
      if (seen_fragment) return false;
      seen_fragment = true;
      continue;
    }
    if (std::string_view("-._~:/?[]@!$&'()*+,;=").find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace buildhub::schema_internal
