#include "ingest/generate_time.h"

namespace buildhub::ingest::gen {

CivilTime CivilFromUnix(int64_t seconds) {
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilTime t;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = yoe + era * 400 + (t.month <= 2);
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem / 60 % 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

void AppendPadded(int64_t value, int width, std::string* out) {
  char buf[24];
  int n = 0;
  uint64_t v = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < width && n < 20) buf[n++] = '0';
  if (value < 0) buf[n++] = '-';
  char text[24];
  for (int i = 0; i < n; ++i) text[i] = buf[n - 1 - i];
  out->append(text, n);
}

namespace {

void Put2(int v, char* p) {
  p[0] = static_cast<char>('0' + v / 10 % 10);
  p[1] = static_cast<char>('0' + v % 10);
}

// Formats into a fixed buffer and appends once: these run several times
// per generated document.
void AppendWith(const CivilTime& t, char date_sep, char mid, char time_sep, std::string* out) {
  char buf[24];
  char* p = buf;
  const int64_t y = t.year < 0 ? 0 : t.year > 9999 ? 9999 : t.year;
  Put2(static_cast<int>(y / 100), p);
  Put2(static_cast<int>(y % 100), p + 2);
  p += 4;
  auto field = [&p](char sep, int v) {
    if (sep) *p++ = sep;
    Put2(v, p);
    p += 2;
  };
  field(date_sep, t.month);
  field(date_sep, t.day);
  field(mid, t.hour);
  field(time_sep, t.minute);
  field(time_sep, t.second);
  out->append(buf, static_cast<size_t>(p - buf));
}

}  // namespace

void AppendBuildId(const CivilTime& t, std::string* out) { AppendWith(t, 0, 0, 0, out); }
void AppendIsoSeconds(const CivilTime& t, std::string* out) { AppendWith(t, '-', 'T', ':', out); }
void AppendNightlyStamp(const CivilTime& t, std::string* out) { AppendWith(t, '-', '-', '-', out); }

}  // namespace buildhub::ingest::gen
