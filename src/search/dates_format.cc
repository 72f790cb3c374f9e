// Format compilation and parsing, after Joda's DateTimeFormat /
// ISODateTimeFormat and ES 6.7's Joda.forPattern:
// * A Joda pattern is tokenised like DateTimeFormat.parsePatternTo: runs of
//   one letter are fields (two letters of M/d/H/m/s mean exactly two digits,
//   one letter means one or two; "yyyy" takes up to 9 digits unless another
//   number follows; "yy" is a two-digit year around a pivot), quotes make
//   literals, anything else is literal.
// * Named formats are written in the same notation plus '[...]' (optional),
//   '{a|b}' (longest of alternatives) and '#' (the ISO time element with its
//   ':' parts and '.'/',' fractions); "strict_" ones use fixed widths.
// * Alternatives ("a||b"): the first that reads the whole text wins,
//   otherwise the longest, as Joda's MatchingParser.
// Fractions of a second may have any number of digits; they are truncated to
// milliseconds.

#include "search/dates_format.h"

#include <cctype>
#include <map>
#include <mutex>

#include "search/dates_civil.h"

namespace buildhub::search::dates {

enum class Field {
  kYear, kWeekyear, kMonth, kDay, kDayOfYear, kWeek, kDayOfWeek, kHourOfDay, kClockHourOfDay,
  kHourOfHalfday, kClockHourOfHalfday, kMinute, kSecond,
};

struct Element {
  enum class Kind {
    kNumber, kTwoDigitYear, kFraction, kIsoTime, kOffset, kZoneId, kMonthText, kDayText,
    kHalfdayText, kLiteral, kOptional, kChoice, kEpoch,
  };
  Kind kind = Kind::kLiteral;
  Field field = Field::kYear;
  int min_digits = 1;
  int max_digits = 2;
  bool is_signed = false;
  bool strict = false;    // kIsoTime: fixed widths
  bool lenient = false;   // kTwoDigitYear: other lengths are full years
  bool millis = true;     // kEpoch: millis (else seconds)
  std::string literal;
  std::vector<std::vector<Element>> groups;
};

struct FormatAlternative {
  std::vector<Element> elements;
};

namespace {

using Sequence = std::vector<Element>;

// ------------------------------------------------------------ named formats

struct Named {
  const char* name;
  const char* pattern;
  bool always_strict;  // basic formats have fixed widths either way
};

constexpr const char* kIsoDateOptionalTime = "{yyyy[-MM[-dd]]|xxxx-'W'ww[-e]|yyyy-DDD}['T'[#][ZZ]]";

const std::vector<Named>& NamedFormats() {
  static const std::vector<Named> kNamed = {
      {"basic_date", "yyyyMMdd", true},
      {"basic_date_time", "yyyyMMdd'T'HHmmss.SSSZ", true},
      {"basic_date_time_no_millis", "yyyyMMdd'T'HHmmssZ", true},
      {"basic_ordinal_date", "yyyyDDD", true},
      {"basic_ordinal_date_time", "yyyyDDD'T'HHmmss.SSSZ", true},
      {"basic_ordinal_date_time_no_millis", "yyyyDDD'T'HHmmssZ", true},
      {"basic_time", "HHmmss.SSSZ", true},
      {"basic_time_no_millis", "HHmmssZ", true},
      {"basic_t_time", "'T'HHmmss.SSSZ", true},
      {"basic_t_time_no_millis", "'T'HHmmssZ", true},
      {"basic_week_date", "xxxx'W'wwe", true},
      {"basic_week_date_time", "xxxx'W'wwe'T'HHmmss.SSSZ", true},
      {"basic_week_date_time_no_millis", "xxxx'W'wwe'T'HHmmssZ", true},
      {"date", "yyyy-MM-dd", false},
      {"date_hour", "yyyy-MM-dd'T'HH", false},
      {"date_hour_minute", "yyyy-MM-dd'T'HH:mm", false},
      {"date_hour_minute_second", "yyyy-MM-dd'T'HH:mm:ss", false},
      {"date_hour_minute_second_fraction", "yyyy-MM-dd'T'HH:mm:ss.SSS", false},
      {"date_hour_minute_second_millis", "yyyy-MM-dd'T'HH:mm:ss.SSS", false},
      {"date_optional_time", kIsoDateOptionalTime, false},
      {"date_time", "yyyy-MM-dd'T'HH:mm:ss.SSSZZ", false},
      {"date_time_no_millis", "yyyy-MM-dd'T'HH:mm:ssZZ", false},
      {"hour", "HH", false},
      {"hour_minute", "HH:mm", false},
      {"hour_minute_second", "HH:mm:ss", false},
      {"hour_minute_second_fraction", "HH:mm:ss.SSS", false},
      {"hour_minute_second_millis", "HH:mm:ss.SSS", false},
      {"ordinal_date", "yyyy-DDD", false},
      {"ordinal_date_time", "yyyy-DDD'T'HH:mm:ss.SSSZZ", false},
      {"ordinal_date_time_no_millis", "yyyy-DDD'T'HH:mm:ssZZ", false},
      {"time", "HH:mm:ss.SSSZZ", false},
      {"time_no_millis", "HH:mm:ssZZ", false},
      {"t_time", "'T'HH:mm:ss.SSSZZ", false},
      {"t_time_no_millis", "'T'HH:mm:ssZZ", false},
      {"week_date", "xxxx-'W'ww-e", false},
      {"week_date_time", "xxxx-'W'ww-e'T'HH:mm:ss.SSSZZ", false},
      {"week_date_time_no_millis", "xxxx-'W'ww-e'T'HH:mm:ssZZ", false},
      {"weekyear", "xxxx", false},
      {"weekyear_week", "xxxx-'W'ww", false},
      {"weekyear_week_day", "xxxx-'W'ww-e", false},
      {"year", "yyyy", false},
      {"year_month", "yyyy-MM", false},
      {"year_month_day", "yyyy-MM-dd", false},
  };
  return kNamed;
}

std::string Camel(std::string_view snake) {
  std::string out;
  bool up = false;
  for (char c : snake) {
    if (c == '_') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    up = false;
  }
  return out;
}

// ------------------------------------------------------------ compiling

enum class Mode { kJoda, kNamedLoose, kNamedStrict };

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsNumericToken(std::string_view token) {
  if (token.empty()) return false;
  switch (token[0]) {
    case 'c': case 'C': case 'x': case 'y': case 'Y': case 'd': case 'h': case 'H': case 'm':
    case 's': case 'S': case 'e': case 'D': case 'F': case 'w': case 'W': case 'k': case 'K':
      return true;
    case 'M':
      return token.size() <= 2;
    default:
      return false;
  }
}

class Compiler {
 public:
  Compiler(std::string_view pattern, Mode mode) : p_(pattern), mode_(mode) {}

  Result<Sequence> Compile() {
    auto seq = Sequence_(/*stop=*/"");
    if (!seq.ok()) return seq;
    if (i_ < p_.size()) return Status(InvalidArgument("unexpected '" + std::string(1, p_[i_]) + "'"));
    return seq;
  }

 private:
  bool Structural(char c) const {
    return mode_ != Mode::kJoda && (c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || c == '#');
  }

  // The next token, as Joda's parseToken: a run of one letter, or literal text.
  std::string NextToken(size_t* pos) const {
    size_t i = *pos;
    const char c = p_[i];
    if (IsLetter(c)) {
      size_t j = i;
      while (j < p_.size() && p_[j] == c) ++j;
      *pos = j;
      return std::string(p_.substr(i, j - i));
    }
    // Literal text, with '...' quoting and '' for a quote.
    std::string out = "'";
    bool quoted = false;
    for (; i < p_.size(); ++i) {
      const char ch = p_[i];
      if (ch == '\'') {
        if (i + 1 < p_.size() && p_[i + 1] == '\'') {
          ++i;
          out.push_back('\'');
        } else {
          quoted = !quoted;
        }
      } else if (!quoted && (IsLetter(ch) || Structural(ch))) {
        break;
      } else {
        out.push_back(ch);
      }
    }
    *pos = i;
    return out;
  }

  Result<Sequence> Sequence_(std::string_view stop) {
    Sequence seq;
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (Structural(c)) {
        if (stop.find(c) != std::string_view::npos) return seq;
        ++i_;
        if (c == '[') {
          auto inner = Sequence_("]");
          if (!inner.ok()) return inner;
          ++i_;  // ']'
          Element e;
          e.kind = Element::Kind::kOptional;
          e.groups.push_back(std::move(inner).value());
          seq.push_back(std::move(e));
        } else if (c == '{') {
          Element e;
          e.kind = Element::Kind::kChoice;
          for (;;) {
            auto alt = Sequence_("|}");
            if (!alt.ok()) return alt;
            e.groups.push_back(std::move(alt).value());
            if (i_ >= p_.size()) break;
            const char end = p_[i_++];
            if (end == '}') break;
          }
          seq.push_back(std::move(e));
        } else if (c == '#') {
          Element e;
          e.kind = Element::Kind::kIsoTime;
          e.strict = mode_ == Mode::kNamedStrict;
          seq.push_back(std::move(e));
        }
        continue;
      }
      size_t pos = i_;
      std::string token = NextToken(&pos);
      i_ = pos;
      if (token[0] == '\'') {
        if (token.size() > 1) {
          Element e;
          e.kind = Element::Kind::kLiteral;
          e.literal = token.substr(1);
          seq.push_back(std::move(e));
        }
        continue;
      }
      // Does a numeric token follow (for year widths)?
      bool next_numeric = false;
      if (i_ < p_.size() && IsLetter(p_[i_])) {
        size_t peek = i_;
        next_numeric = IsNumericToken(NextToken(&peek));
      }
      auto element = Field_(token, next_numeric);
      if (!element.ok()) return element.status();
      seq.push_back(std::move(element).value());
    }
    return seq;
  }

  Element Number(Field field, int token_len, int natural_max, bool is_signed = false) const {
    Element e;
    e.kind = Element::Kind::kNumber;
    e.field = field;
    e.is_signed = is_signed;
    if (mode_ == Mode::kNamedStrict) {
      e.min_digits = e.max_digits = token_len;
    } else if (mode_ == Mode::kNamedLoose) {
      e.min_digits = 1;
      e.max_digits = std::max(token_len, natural_max);
    } else {
      e.min_digits = token_len;
      e.max_digits = std::max(token_len, natural_max);
    }
    return e;
  }

  Result<Element> Field_(const std::string& token, bool next_numeric) {
    const int n = static_cast<int>(token.size());
    const char c = token[0];
    Element e;
    switch (c) {
      case 'y':
      case 'Y':
      case 'x': {
        const Field f = c == 'x' ? Field::kWeekyear : Field::kYear;
        if (mode_ == Mode::kJoda && n == 2) {
          e.kind = Element::Kind::kTwoDigitYear;
          e.field = f;
          e.lenient = !next_numeric;
          return e;
        }
        if (mode_ == Mode::kNamedStrict) return Number(f, 4, 4, /*is_signed=*/true);
        if (mode_ == Mode::kNamedLoose) return Number(f, 1, 9, true);
        e = Number(f, n, next_numeric ? n : 9, true);
        e.min_digits = std::min(e.min_digits, e.max_digits);
        return e;
      }
      case 'M':
        if (n >= 3) {
          e.kind = Element::Kind::kMonthText;
          return e;
        }
        return Number(Field::kMonth, n, 2);
      case 'd': return Number(Field::kDay, n, 2);
      case 'D': return Number(Field::kDayOfYear, n, 3);
      case 'w': return Number(Field::kWeek, n, 2);
      case 'e': return Number(Field::kDayOfWeek, n, 1);
      case 'E':
        e.kind = Element::Kind::kDayText;
        return e;
      case 'a':
        e.kind = Element::Kind::kHalfdayText;
        return e;
      case 'H': return Number(Field::kHourOfDay, n, 2);
      case 'k': return Number(Field::kClockHourOfDay, n, 2);
      case 'K': return Number(Field::kHourOfHalfday, n, 2);
      case 'h': return Number(Field::kClockHourOfHalfday, n, 2);
      case 'm': return Number(Field::kMinute, n, 2);
      case 's': return Number(Field::kSecond, n, 2);
      case 'S':
        e.kind = Element::Kind::kFraction;
        e.min_digits = 1;
        e.max_digits = mode_ == Mode::kJoda ? n : 1 << 30;
        return e;
      case 'Z':
        e.kind = (mode_ == Mode::kJoda && n >= 3) ? Element::Kind::kZoneId : Element::Kind::kOffset;
        return e;
      case 'z':
        return Status(InvalidArgument("time zone names ('z') cannot be parsed"));
      default:
        return Status(InvalidArgument("Illegal pattern component: " + token));
    }
  }

  std::string_view p_;
  Mode mode_;
  size_t i_ = 0;
};

Result<Sequence> CompileOne(std::string_view part) {
  if (part == "epoch_millis" || part == "epochMillis" || part == "epoch_second" || part == "epochSecond") {
    Element e;
    e.kind = Element::Kind::kEpoch;
    e.millis = part == "epoch_millis" || part == "epochMillis";
    return Sequence{e};
  }
  bool strict = false;
  std::string_view name = part;
  if (name.rfind("strict_", 0) == 0) {
    strict = true;
    name.remove_prefix(7);
  } else if (name.rfind("strict", 0) == 0 && name.size() > 6 && std::isupper(static_cast<unsigned char>(name[6]))) {
    strict = true;
    name.remove_prefix(6);
  }
  for (const Named& named : NamedFormats()) {
    std::string camel = Camel(named.name);
    if (strict && !camel.empty()) camel[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(camel[0])));
    if (name == named.name || name == camel) {
      const Mode mode = (strict || named.always_strict) ? Mode::kNamedStrict : Mode::kNamedLoose;
      return Compiler(named.pattern, mode).Compile();
    }
  }
  if (part.empty()) return Status(InvalidArgument("Invalid pattern specification"));
  return Compiler(part, Mode::kJoda).Compile();
}

// ------------------------------------------------------------ parsing

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool MatchIgnoreCase(std::string_view text, size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[pos + i])) !=
        std::tolower(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return true;
}

// Longest case-insensitive match among `words` (index into it), or -1.
int MatchWord(std::string_view text, size_t pos, const std::vector<std::string_view>& words, size_t* len) {
  int best = -1;
  size_t best_len = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].size() > best_len && MatchIgnoreCase(text, pos, words[i])) {
      best = static_cast<int>(i);
      best_len = words[i].size();
    }
  }
  *len = best_len;
  return best;
}

class Reader {
 public:
  Reader(std::string_view text, const ParseContext& ctx) : text_(text), ctx_(ctx) {}

  const Status& hard_error() const { return hard_; }

  // New position after `seq` from `pos`, or -1.
  int64_t Seq(const Sequence& seq, size_t pos, ParsedFields* f) {
    for (const Element& e : seq) {
      const int64_t next = One(e, pos, f);
      if (next < 0) return -1;
      pos = static_cast<size_t>(next);
    }
    return static_cast<int64_t>(pos);
  }

 private:
  // Digits at pos: at most max, at least min (exactly when min == max).
  bool Digits(size_t pos, int min, int max, bool is_signed, int64_t* value, size_t* end) const {
    size_t p = pos;
    bool negative = false;
    if (is_signed && p < text_.size() && (text_[p] == '-' || text_[p] == '+')) {
      negative = text_[p] == '-';
      ++p;
    }
    const size_t start = p;
    int64_t v = 0;
    while (p < text_.size() && IsDigit(text_[p]) && static_cast<int>(p - start) < max) {
      v = v * 10 + (text_[p] - '0');
      ++p;
    }
    const int count = static_cast<int>(p - start);
    if (count == 0 || (min == max && count != max)) return false;
    *value = negative ? -v : v;
    *end = p;
    return true;
  }

  static void Set(Field field, int64_t v, ParsedFields* f) {
    const int iv = static_cast<int>(std::max<int64_t>(std::min<int64_t>(v, 1'000'000'000), -1'000'000'000));
    switch (field) {
      case Field::kYear: f->year = v; break;
      case Field::kWeekyear: f->weekyear = v; break;
      case Field::kMonth: f->month = iv; break;
      case Field::kDay: f->day = iv; break;
      case Field::kDayOfYear: f->day_of_year = iv; break;
      case Field::kWeek: f->week = iv; break;
      case Field::kDayOfWeek: f->day_of_week = iv; break;
      case Field::kHourOfDay: f->hour_of_day = iv; break;
      case Field::kClockHourOfDay: f->clock_hour_of_day = iv; break;
      case Field::kHourOfHalfday: f->hour_of_halfday = iv; break;
      case Field::kClockHourOfHalfday: f->clock_hour_of_halfday = iv; break;
      case Field::kMinute: f->minute = iv; break;
      case Field::kSecond: f->second = iv; break;
    }
  }

  // A decimal fraction at pos (at least one digit, at most max) scaled to
  // `unit_ms` and truncated.
  bool Fraction(size_t pos, int max, int64_t unit_ms, int64_t* value, size_t* end) const {
    size_t p = pos;
    int64_t v = 0;
    int64_t scale = 1;
    while (p < text_.size() && IsDigit(text_[p]) && static_cast<int64_t>(p - pos) < max) {
      if (scale < 1'000'000'000) {  // digits past nanos change nothing at ms precision
        v = v * 10 + (text_[p] - '0');
        scale *= 10;
      }
      ++p;
    }
    if (p == pos) return false;
    *value = static_cast<int64_t>(static_cast<__int128>(v) * unit_ms / scale);
    *end = p;
    return true;
  }

  int64_t IsoTime(const Element& e, size_t pos, ParsedFields* f) {
    const int lo = e.strict ? 2 : 1;
    int64_t v = 0;
    size_t end = 0;
    if (!Digits(pos, lo, 2, false, &v, &end)) return -1;
    f->hour_of_day = static_cast<int>(v);
    pos = end;
    auto decimal_point = [&](size_t p) { return p < text_.size() && (text_[p] == '.' || text_[p] == ','); };
    if (pos < text_.size() && text_[pos] == ':' && Digits(pos + 1, lo, 2, false, &v, &end)) {
      f->minute = static_cast<int>(v);
      pos = end;
      if (pos < text_.size() && text_[pos] == ':' && Digits(pos + 1, lo, 2, false, &v, &end)) {
        f->second = static_cast<int>(v);
        pos = end;
        if (decimal_point(pos) && Fraction(pos + 1, 1 << 30, 1000, &v, &end)) {
          f->millis = static_cast<int>(v);
          pos = end;
        }
      } else if (decimal_point(pos) && Fraction(pos + 1, 1 << 30, kMillisPerMinute, &v, &end)) {
        f->millis_of_minute = v;
        pos = end;
      }
    } else if (decimal_point(pos) && Fraction(pos + 1, 1 << 30, kMillisPerHour, &v, &end)) {
      f->millis_of_hour = v;
      pos = end;
    }
    return static_cast<int64_t>(pos);
  }

  int64_t Offset(size_t pos, ParsedFields* f) {
    if (pos < text_.size() && (text_[pos] == 'Z' || text_[pos] == 'z')) {
      f->offset_ms = 0;
      return static_cast<int64_t>(pos + 1);
    }
    if (pos >= text_.size() || (text_[pos] != '+' && text_[pos] != '-')) return -1;
    const int64_t sign = text_[pos] == '-' ? -1 : 1;
    int64_t v = 0;
    size_t end = 0;
    if (!Digits(pos + 1, 2, 2, false, &v, &end) || v > 23) return -1;
    int64_t ms = v * kMillisPerHour;
    size_t p = end;
    // Minutes, seconds, millis: with ':' separators throughout, or none.
    bool separators = p < text_.size() && text_[p] == ':';
    auto part = [&](int64_t unit, int64_t limit) {
      size_t q = p + (separators ? 1 : 0);
      if (separators && (p >= text_.size() || text_[p] != ':')) return false;
      int64_t x = 0;
      size_t e = 0;
      if (!Digits(q, 2, 2, false, &x, &e) || x > limit) return false;
      ms += x * unit;
      p = e;
      return true;
    };
    if (part(kMillisPerMinute, 59) && part(kMillisPerSecond, 59)) {
      if (p < text_.size() && text_[p] == '.') {
        int64_t x = 0;
        size_t e = 0;
        if (Digits(p + 1, 3, 3, false, &x, &e)) {
          ms += x;
          p = e;
        }
      }
    }
    f->offset_ms = sign * ms;
    return static_cast<int64_t>(p);
  }

  int64_t Epoch(const Element& e, size_t pos, ParsedFields* f) {
    if (!ctx_.zone_is_utc) {
      hard_ = InvalidArgument(std::string("time_zone must be UTC for format [") +
                              (e.millis ? "epoch_millis" : "epoch_second") + "]");
      return -1;
    }
    // Java's BigDecimal(text).longValue() on the rest of the text.
    const std::string_view s = text_.substr(pos);
    const bool positive = s.empty() || s[0] != '-';
    const size_t dot = s.find('.');
    const size_t int_len = dot == std::string_view::npos ? s.size() : dot;
    if (positive && int_len > (e.millis ? 19u : 16u)) return -1;
    size_t p = 0;
    bool negative = false;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) negative = s[p++] == '-';
    std::string digits;
    int64_t scale = 0;  // digits after the point
    bool any = false;
    while (p < s.size() && IsDigit(s[p])) {
      digits.push_back(s[p++]);
      any = true;
    }
    if (p < s.size() && s[p] == '.') {
      ++p;
      while (p < s.size() && IsDigit(s[p])) {
        digits.push_back(s[p++]);
        ++scale;
        any = true;
      }
    }
    if (!any) return -1;
    if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
      ++p;
      bool exp_negative = false;
      if (p < s.size() && (s[p] == '+' || s[p] == '-')) exp_negative = s[p++] == '-';
      int64_t exponent = 0;
      const size_t exp_start = p;
      while (p < s.size() && IsDigit(s[p])) {
        if (exponent < 1'000'000) exponent = exponent * 10 + (s[p] - '0');
        ++p;
      }
      if (p == exp_start) return -1;
      scale += exp_negative ? exponent : -exponent;
    }
    if (p != s.size()) return -1;
    // value = digits * 10^-scale, truncated toward zero.
    size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) {
      f->instant = 0;
      return static_cast<int64_t>(text_.size());
    }
    digits.erase(0, first);
    const int64_t int_digits = static_cast<int64_t>(digits.size()) - scale;
    if (int_digits > 19) return -1;  // beyond any date
    __int128 v = 0;
    for (int64_t i = 0; i < int_digits; ++i) {
      v = v * 10 + (i < static_cast<int64_t>(digits.size()) ? digits[i] - '0' : 0);
    }
    if (negative) v = -v;
    if (!e.millis) v *= 1000;
    // Joda's range of years.
    const __int128 lo = static_cast<__int128>(DaysFromCivil(kMinYear, 1, 1)) * kMillisPerDay;
    const __int128 hi = static_cast<__int128>(DaysFromCivil(kMaxYear + 1, 1, 1)) * kMillisPerDay - 1;
    if (v < lo || v > hi) return -1;
    f->instant = static_cast<int64_t>(v);
    return static_cast<int64_t>(text_.size());
  }

  int64_t One(const Element& e, size_t pos, ParsedFields* f) {
    if (!hard_.ok()) return -1;
    int64_t v = 0;
    size_t end = 0;
    switch (e.kind) {
      case Element::Kind::kNumber:
        if (!Digits(pos, e.min_digits, e.max_digits, e.is_signed, &v, &end)) return -1;
        Set(e.field, v, f);
        return static_cast<int64_t>(end);
      case Element::Kind::kTwoDigitYear: {
        size_t p = pos;
        const bool has_sign = p < text_.size() && (text_[p] == '-' || text_[p] == '+');
        if (e.lenient && Digits(pos, 1, 9, true, &v, &end) && (has_sign || end - pos != 2)) {
          Set(e.field, v, f);  // not two plain digits: a full year
          return static_cast<int64_t>(end);
        }
        if (!Digits(pos, 2, 2, false, &v, &end)) return -1;
        const int64_t low = ctx_.two_digit_pivot - 50;
        const int64_t t = FloorMod(low, 100);
        Set(e.field, low + (v < t ? 100 : 0) - t + v, f);
        return static_cast<int64_t>(end);
      }
      case Element::Kind::kFraction:
        if (!Fraction(pos, e.max_digits, 1000, &v, &end)) return -1;
        f->millis = static_cast<int>(v);
        return static_cast<int64_t>(end);
      case Element::Kind::kIsoTime:
        return IsoTime(e, pos, f);
      case Element::Kind::kOffset:
        return Offset(pos, f);
      case Element::Kind::kZoneId: {
        size_t p = pos;
        while (p < text_.size() && p - pos < 64 &&
               (std::isalnum(static_cast<unsigned char>(text_[p])) || text_[p] == '/' || text_[p] == '_' ||
                text_[p] == '-' || text_[p] == '+')) {
          ++p;
        }
        if (p == pos) return -1;
        auto zone = Zone::Resolve(text_.substr(pos, p - pos));
        if (!zone.ok()) return -1;
        f->zone = *zone;
        return static_cast<int64_t>(p);
      }
      case Element::Kind::kMonthText: {
        static const std::vector<std::string_view> kMonths = {
            "january", "february", "march", "april", "may", "june", "july", "august", "september",
            "october", "november", "december", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
            "sep", "oct", "nov", "dec"};
        const int i = MatchWord(text_, pos, kMonths, &end);
        if (i < 0) return -1;
        f->month = i % 12 + 1;
        return static_cast<int64_t>(pos + end);
      }
      case Element::Kind::kDayText: {
        static const std::vector<std::string_view> kDays = {
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        const int i = MatchWord(text_, pos, kDays, &end);
        if (i < 0) return -1;
        f->day_of_week = i % 7 + 1;
        return static_cast<int64_t>(pos + end);
      }
      case Element::Kind::kHalfdayText: {
        static const std::vector<std::string_view> kHalf = {"am", "pm"};
        const int i = MatchWord(text_, pos, kHalf, &end);
        if (i < 0) return -1;
        f->halfday = i;
        return static_cast<int64_t>(pos + end);
      }
      case Element::Kind::kLiteral:
        if (!MatchIgnoreCase(text_, pos, e.literal)) return -1;
        return static_cast<int64_t>(pos + e.literal.size());
      case Element::Kind::kOptional: {
        ParsedFields trial = *f;
        const int64_t next = Seq(e.groups[0], pos, &trial);
        if (!hard_.ok()) return -1;
        if (next < 0) return static_cast<int64_t>(pos);
        *f = std::move(trial);
        return next;
      }
      case Element::Kind::kChoice: {
        int64_t best = -1;
        ParsedFields best_fields;
        for (const Sequence& alt : e.groups) {
          ParsedFields trial = *f;
          const int64_t next = Seq(alt, pos, &trial);
          if (!hard_.ok()) return -1;
          if (next > best) {
            best = next;
            best_fields = std::move(trial);
          }
        }
        if (best >= 0) *f = std::move(best_fields);
        return best;
      }
      case Element::Kind::kEpoch:
        if (pos != 0) return -1;
        return Epoch(e, pos, f);
    }
    return -1;
  }

  std::string_view text_;
  const ParseContext& ctx_;
  Status hard_;
};

}  // namespace

DateFormat::DateFormat(const DateFormat&) = default;
DateFormat& DateFormat::operator=(const DateFormat&) = default;
DateFormat::~DateFormat() = default;

Result<DateFormat> DateFormat::Compile(std::string_view format) {
  auto alternatives = std::make_shared<std::vector<FormatAlternative>>();
  size_t start = 0;
  for (;;) {
    const size_t bar = format.find("||", start);
    const std::string_view part = format.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    auto seq = CompileOne(part);
    if (!seq.ok()) {
      std::string shown(format.substr(0, 200));
      if (format.size() > 200) shown += "...";
      return Status(InvalidArgument("Invalid format: [" + shown + "]: " + seq.status().message()));
    }
    alternatives->push_back({std::move(seq).value()});
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  DateFormat f;
  f.text_ = std::string(format);
  f.alternatives_ = std::move(alternatives);
  return f;
}

const DateFormat& DateFormat::Default() {
  static const DateFormat* kDefault = [] {
    auto f = Compile("strict_date_optional_time||epoch_millis");
    return new DateFormat(std::move(f).value());
  }();
  return *kDefault;
}

Status DateFormat::Parse(std::string_view text, const ParseContext& context, ParsedFields* out) const {
  Reader reader(text, context);
  int64_t best = -1;
  ParsedFields best_fields;
  for (const FormatAlternative& alt : *alternatives_) {
    ParsedFields trial;
    const int64_t end = reader.Seq(alt.elements, 0, &trial);
    if (!reader.hard_error().ok()) return reader.hard_error();
    if (end == static_cast<int64_t>(text.size())) {
      *out = std::move(trial);
      return Status::Ok();
    }
    if (end > best) {
      best = end;
      best_fields = std::move(trial);
    }
  }
  if (best < 0) return InvalidArgument("Parse failure");
  return InvalidArgument("Unrecognized chars at the end");
}

}  // namespace buildhub::search::dates
