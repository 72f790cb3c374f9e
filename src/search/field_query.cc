#include "search/field_query.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "core/utf8.h"
#include "search/dates.h"
#include "search/java_number.h"
#include "search/search_error.h"
#include "search/simple_match.h"

namespace buildhub::search {
namespace {

Status ShardFailure(const std::string& reason) {
  return ShardError("query_shard_exception", "failed to create query: " + reason);
}

Status NumberFormat(std::string_view text) {
  return ShardError("number_format_exception", "For input string: \"" + std::string(text) + "\"");
}

QueryPtr Leaf(QueryKind kind, const FieldInfo& f) {
  auto q = std::make_unique<Query>();
  q->kind = kind;
  q->field = f.id;
  q->field_type = f.type;
  q->on_tokens = f.type == FieldType::kText;
  return q;
}

QueryPtr IntRange(const FieldInfo& f, int64_t lo, int64_t hi) {
  if (lo > hi) return Query::MatchNone();
  auto q = Leaf(QueryKind::kNumericRange, f);
  q->lo_int = lo;
  q->hi_int = hi;
  return q;
}

// The number in a value: (double, has a decimal part, parses at all).
bool ValueDouble(const FieldValue& v, double* out) {
  if (v.kind == FieldValue::Kind::kBool) return false;
  std::string_view t = v.text;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  auto r = std::from_chars(t.data(), t.data() + t.size(), *out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty();
}

// NumberFieldMapper.LONG.parse(value, coerce=true).
Result<int64_t> ParseLongValue(const FieldValue& v) {
  if (v.kind == FieldValue::Kind::kInteger || v.kind == FieldValue::Kind::kString) {
    int64_t x;
    std::string_view t = v.text;
    auto r = std::from_chars(t.data(), t.data() + t.size(), x);
    if (r.ec == std::errc() && r.ptr == t.data() + t.size()) return x;
    if (r.ec == std::errc::result_out_of_range) {
      return ShardError("illegal_argument_exception", "Value [" + v.text + "] is out of range for a long");
    }
  }
  double d;
  if (!ValueDouble(v, &d)) return NumberFormat(v.text);
  if (d >= 9.2233720368547758e18 || d < -9.2233720368547758e18 || std::isnan(d)) {
    return ShardError("illegal_argument_exception", "Value [" + v.text + "] is out of range for a long");
  }
  return static_cast<int64_t>(d);  // truncation, as Java's (long) cast
}

Result<bool> HasDecimalPart(const FieldValue& v) {
  if (v.kind == FieldValue::Kind::kInteger) return false;
  double d;
  if (!ValueDouble(v, &d)) return NumberFormat(v.text);
  return std::fmod(d, 1.0) != 0;
}

Result<double> ParseDoubleValue(const FieldValue& v) {
  double d;
  if (!ValueDouble(v, &d)) return NumberFormat(v.text);
  return d;
}

Result<int64_t> ParseBoolValue(const FieldValue& v) {
  if (v.text == "true") return 1;
  if (v.text == "false") return 0;
  return ShardError("illegal_argument_exception",
                    "Can't parse boolean value [" + v.text + "], expected [true] or [false]");
}

Result<int64_t> ParseDateValue(const FieldValue& v, dates::Rounding rounding, const QueryEnv& env,
                               const std::string& format, const std::string& tz) {
  dates::QueryDateOptions o;
  o.format = format;
  o.time_zone = tz;
  auto r = dates::ParseQueryDate(v.text, o, rounding, env.now_ms);
  if (!r.ok()) return ShardError("parse_exception", r.status().message());
  return r.value();
}

Status NotTermField(const char* kind, const FieldInfo& f) {
  return ShardError("query_shard_exception",
                    std::string("Can only use ") + kind + " queries on keyword and text fields - not on [" +
                        f.path + "] which is of type [" + FieldTypeName(f.type) + "]");
}

const FieldInfo* Leafy(const QueryEnv& env, std::string_view field) {
  const FieldInfo* f = env.mapping->Find(field);
  if (f == nullptr || f->type == FieldType::kObject) return nullptr;
  return f;
}

QueryPtr IdsQuery(const std::vector<FieldValue>& values) {
  auto q = std::make_unique<Query>();
  q->kind = QueryKind::kIds;
  for (const FieldValue& v : values) {
    int64_t id;
    std::string t = v.AsTermText();
    auto r = std::from_chars(t.data(), t.data() + t.size(), id);
    if (r.ec == std::errc() && r.ptr == t.data() + t.size() && t == std::to_string(id)) q->ids.push_back(id);
  }
  return q;
}

QueryPtr MetaTermsQuery(MetaField meta, const std::vector<FieldValue>& values) {
  if (meta == MetaField::kId) return IdsQuery(values);
  std::string_view want = meta == MetaField::kIndex ? "buildhub2" : "doc";
  for (const FieldValue& v : values) {
    if (v.AsTermText() == want) return Query::MatchAll();
  }
  return Query::MatchNone();
}

}  // namespace

Result<FieldValue> FieldValue::FromJson(const json::Value& v) {
  switch (v.type()) {
    case json::Type::kString: return FieldValue{Kind::kString, v.text()};
    case json::Type::kNumber:
      return FieldValue{v.is_integer_literal() ? Kind::kInteger : Kind::kFloat, v.text()};
    case json::Type::kBool: return FieldValue{Kind::kBool, v.as_bool() ? "true" : "false"};
    case json::Type::kNull: return IllegalArgument("value cannot be null");
    default:
      return ParsingError(std::string("[term] query does not support ") +
                          (v.is_array() ? "array" : "object") + " values");
  }
}

std::string FieldValue::AsTermText() const {
  if (kind == Kind::kFloat) return JavaDoubleString(json::Value::NumberLiteral(text).as_double());
  if (kind == Kind::kInteger && text == "-0") return "0";
  return text;
}

MetaField MetaFieldOf(std::string_view name) {
  if (name == "_id") return MetaField::kId;
  if (name == "_index") return MetaField::kIndex;
  if (name == "_type") return MetaField::kType;
  return MetaField::kNone;
}

Result<QueryPtr> MakeTermQuery(const QueryEnv& env, std::string_view field, const FieldValue& value) {
  return MakeTermsQuery(env, field, {value});
}

Result<QueryPtr> MakeTermsQuery(const QueryEnv& env, std::string_view field,
                                const std::vector<FieldValue>& values) {
  if (MetaField m = MetaFieldOf(field); m != MetaField::kNone) return MetaTermsQuery(m, values);
  const FieldInfo* f = Leafy(env, field);
  if (f == nullptr || values.empty()) return Query::MatchNone();
  switch (f->type) {
    case FieldType::kKeyword:
    case FieldType::kText: {
      auto q = Leaf(QueryKind::kTerms, *f);
      for (const FieldValue& v : values) q->terms.push_back(v.AsTermText());
      return q;
    }
    case FieldType::kLong:
    case FieldType::kBoolean:
    case FieldType::kDate:
    case FieldType::kDouble: {
      auto b = std::make_unique<Query>();
      b->kind = QueryKind::kBool;
      for (const FieldValue& v : values) {
        QueryPtr one;
        if (f->type == FieldType::kLong) {
          auto dec = HasDecimalPart(v);
          if (!dec.ok()) return dec.status();
          if (*dec) {
            one = Query::MatchNone();
          } else {
            auto x = ParseLongValue(v);
            if (!x.ok()) return x.status();
            one = IntRange(*f, *x, *x);
          }
        } else if (f->type == FieldType::kBoolean) {
          auto x = ParseBoolValue(v);
          if (!x.ok()) return x.status();
          one = IntRange(*f, *x, *x);
        } else if (f->type == FieldType::kDate) {
          auto lo = ParseDateValue(v, dates::Rounding::kFloor, env, "", "");
          if (!lo.ok()) return lo.status();
          auto hi = ParseDateValue(v, dates::Rounding::kCeil, env, "", "");
          if (!hi.ok()) return hi.status();
          one = IntRange(*f, *lo, *hi);
        } else {
          auto d = ParseDoubleValue(v);
          if (!d.ok()) return d.status();
          one = Leaf(QueryKind::kDoubleRange, *f);
          one->lo_double = one->hi_double = *d;
        }
        if (values.size() == 1) return one;
        b->should.push_back(std::move(one));
      }
      // ES scores `terms` as one constant-score query on every field type
      // (PointInSetQuery for numbers, ConstantScoreQuery around the SHOULD
      // clauses in MappedFieldType.termsQuery for dates): a document held by
      // several values, [1, 1] or overlapping dates, still scores 1 x boost.
      auto c = std::make_unique<Query>();
      c->kind = QueryKind::kConstantScore;
      c->inner = std::move(b);
      return c;
    }
    case FieldType::kObject:
      break;
  }
  return Query::MatchNone();
}

Result<QueryPtr> MakeRangeQuery(const QueryEnv& env, std::string_view field, const RangeBounds& r) {
  if (MetaField m = MetaFieldOf(field); m != MetaField::kNone) {
    if (m == MetaField::kId) {
      return ShardError("illegal_argument_exception", "Field [_id] of type [_id] does not support range queries");
    }
    // _index and _type hold one value each.
    std::string only = m == MetaField::kIndex ? "buildhub2" : "doc";
    bool in = true;
    if (r.lo) in = in && (r.lo_inclusive ? only >= r.lo->AsTermText() : only > r.lo->AsTermText());
    if (r.hi) in = in && (r.hi_inclusive ? only <= r.hi->AsTermText() : only < r.hi->AsTermText());
    return in ? Query::MatchAll() : Query::MatchNone();
  }
  // Open on both sides: ES 6 makes it an exists query (time_zone and format
  // never get looked at).
  if (!r.lo && !r.hi) return MakeExistsQuery(env, field);
  const FieldInfo* f = Leafy(env, field);
  // Unmapped: on the shard, ES rewrites the range to match_none before
  // building it, so its options are never checked either.
  if (f == nullptr) return Query::MatchNone();
  // On mapped non-date fields ES 6 accepts and ignores time_zone (and
  // format): MappedFieldType.rangeQuery "does not fail on non-null time
  // zones", so that query_string can set one for every field.
  switch (f->type) {
    case FieldType::kKeyword:
    case FieldType::kText: {
      auto q = Leaf(QueryKind::kTermRange, *f);
      if (r.lo) q->lo = r.lo->AsTermText();
      if (r.hi) q->hi = r.hi->AsTermText();
      q->lo_inclusive = r.lo_inclusive;
      q->hi_inclusive = r.hi_inclusive;
      return q;
    }
    case FieldType::kLong: {
      // NumberFieldMapper.LONG.rangeQuery, decimals included.
      int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
      if (r.lo) {
        auto x = ParseLongValue(*r.lo);
        if (!x.ok()) return x.status();
        lo = *x;
        auto dec = HasDecimalPart(*r.lo);
        if (!dec.ok()) return dec.status();
        double d = 0;
        ValueDouble(*r.lo, &d);
        if ((!*dec && !r.lo_inclusive) || (*dec && d > 0)) {
          if (lo == std::numeric_limits<int64_t>::max()) return Query::MatchNone();
          ++lo;
        }
      }
      if (r.hi) {
        auto x = ParseLongValue(*r.hi);
        if (!x.ok()) return x.status();
        hi = *x;
        auto dec = HasDecimalPart(*r.hi);
        if (!dec.ok()) return dec.status();
        double d = 0;
        ValueDouble(*r.hi, &d);
        if ((!*dec && !r.hi_inclusive) || (*dec && d < 0)) {
          if (hi == std::numeric_limits<int64_t>::min()) return Query::MatchNone();
          --hi;
        }
      }
      return IntRange(*f, lo, hi);
    }
    case FieldType::kDate: {
      int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
      if (r.lo) {
        auto x = ParseDateValue(*r.lo, r.lo_inclusive ? dates::Rounding::kFloor : dates::Rounding::kCeil,
                                env, r.format, r.time_zone);
        if (!x.ok()) return x.status();
        lo = *x;
        if (!r.lo_inclusive) {
          if (lo == std::numeric_limits<int64_t>::max()) return Query::MatchNone();
          ++lo;
        }
      }
      if (r.hi) {
        auto x = ParseDateValue(*r.hi, r.hi_inclusive ? dates::Rounding::kCeil : dates::Rounding::kFloor,
                                env, r.format, r.time_zone);
        if (!x.ok()) return x.status();
        hi = *x;
        if (!r.hi_inclusive) {
          if (hi == std::numeric_limits<int64_t>::min()) return Query::MatchNone();
          --hi;
        }
      }
      return IntRange(*f, lo, hi);
    }
    case FieldType::kBoolean: {
      int64_t lo = 0, hi = 1;
      if (r.lo) {
        auto x = ParseBoolValue(*r.lo);
        if (!x.ok()) return x.status();
        lo = *x + (r.lo_inclusive ? 0 : 1);
      }
      if (r.hi) {
        auto x = ParseBoolValue(*r.hi);
        if (!x.ok()) return x.status();
        hi = *x - (r.hi_inclusive ? 0 : 1);
      }
      return IntRange(*f, lo, hi);
    }
    case FieldType::kDouble: {
      auto q = Leaf(QueryKind::kDoubleRange, *f);
      q->lo_double = -std::numeric_limits<double>::infinity();
      q->hi_double = std::numeric_limits<double>::infinity();
      if (r.lo) {
        auto d = ParseDoubleValue(*r.lo);
        if (!d.ok()) return d.status();
        q->lo_double = r.lo_inclusive ? *d : std::nextafter(*d, q->hi_double);
      }
      if (r.hi) {
        auto d = ParseDoubleValue(*r.hi);
        if (!d.ok()) return d.status();
        q->hi_double = r.hi_inclusive ? *d : std::nextafter(*d, -std::numeric_limits<double>::infinity());
      }
      return q;
    }
    case FieldType::kObject:
      break;
  }
  return Query::MatchNone();
}

std::string WildcardLiteralPrefix(std::string_view p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '*' || c == '?') break;
    if (c == '\\') {
      if (i + 1 >= p.size()) break;
      out.push_back(p[++i]);
      continue;
    }
    out.push_back(c);
  }
  // A trailing partial UTF-8 sequence cannot happen: we stop only at ASCII.
  return out;
}

std::string RegexpLiteralPrefix(std::string_view p) {
  // Operators that can make an earlier literal optional or alternative.
  for (char c : p) {
    if (c == '|' || c == '&' || c == '~') return "";
  }
  std::string out;
  size_t i = 0;
  while (i < p.size()) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == ',' || c == '/' || c == ':' || c == '=' || c == ' ' ||
                 c == '!' || c == '%' || c == '\'' || c == ';' || c == '>' || c == '}' || c == ']';
    if (!plain) break;
    // The next character quantifies this one: stop before it.
    if (i + 1 < p.size() && (p[i + 1] == '*' || p[i + 1] == '?' || p[i + 1] == '+' || p[i + 1] == '{')) {
      if (p[i + 1] == '+') out.push_back(static_cast<char>(c));
      break;
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
  return out;
}

Result<QueryPtr> MakePrefixQuery(const QueryEnv& env, std::string_view field, std::string_view prefix) {
  if (MetaField m = MetaFieldOf(field); m != MetaField::kNone) {
    if (m == MetaField::kId) return Query::MatchNone();
    std::string_view want = m == MetaField::kIndex ? "buildhub2" : "doc";
    return want.substr(0, prefix.size()) == prefix ? Query::MatchAll() : Query::MatchNone();
  }
  const FieldInfo* f = Leafy(env, field);
  if (f == nullptr) return Query::MatchNone();
  if (f->type != FieldType::kKeyword && f->type != FieldType::kText) return NotTermField("prefix", *f);
  auto q = Leaf(QueryKind::kPattern, *f);
  q->pattern_kind = Query::PatternKind::kPrefix;
  q->literal_prefix = std::string(prefix);
  q->matcher = std::make_shared<TermMatcher>(TermMatcher::Prefix(prefix));
  return q;
}

Result<QueryPtr> MakeWildcardQuery(const QueryEnv& env, std::string_view field, std::string_view pattern) {
  if (MetaFieldOf(field) != MetaField::kNone) {
    return pattern == "*" ? Query::MatchAll() : Query::MatchNone();
  }
  const FieldInfo* f = Leafy(env, field);
  if (f == nullptr) return Query::MatchNone();
  if (f->type != FieldType::kKeyword && f->type != FieldType::kText) return NotTermField("wildcard", *f);
  auto m = TermMatcher::Wildcard(pattern);
  if (!m.ok()) return ShardFailure(m.status().message());
  auto q = Leaf(QueryKind::kPattern, *f);
  q->pattern_kind = Query::PatternKind::kWildcard;
  q->literal_prefix = WildcardLiteralPrefix(pattern);
  q->matcher = std::make_shared<TermMatcher>(std::move(m).value());
  return q;
}

Result<QueryPtr> MakeRegexpQuery(const QueryEnv& env, std::string_view field, std::string_view pattern) {
  if (MetaFieldOf(field) != MetaField::kNone) return Query::MatchNone();
  const FieldInfo* f = Leafy(env, field);
  if (f == nullptr) return Query::MatchNone();
  if (f->type != FieldType::kKeyword && f->type != FieldType::kText) return NotTermField("regexp", *f);
  auto m = TermMatcher::Regexp(pattern);
  if (!m.ok()) return ShardFailure(m.status().message());
  auto q = Leaf(QueryKind::kPattern, *f);
  q->pattern_kind = Query::PatternKind::kRegexp;
  q->literal_prefix = RegexpLiteralPrefix(pattern);
  q->matcher = std::make_shared<TermMatcher>(std::move(m).value());
  return q;
}

Result<int> FuzzinessEdits(std::string_view fuzziness, size_t length) {
  if (fuzziness.empty() || fuzziness == "AUTO" || fuzziness == "auto") {
    return length <= 2 ? 0 : (length <= 5 ? 1 : 2);
  }
  if (fuzziness.substr(0, 5) == "AUTO:") {
    int lo = 3, hi = 6;
    std::string_view rest = fuzziness.substr(5);
    size_t comma = rest.find(',');
    if (comma != std::string_view::npos) {
      std::from_chars(rest.data(), rest.data() + comma, lo);
      std::from_chars(rest.data() + comma + 1, rest.data() + rest.size(), hi);
    }
    return static_cast<int>(length) < lo ? 0 : (static_cast<int>(length) < hi ? 1 : 2);
  }
  double d;
  auto r = std::from_chars(fuzziness.data(), fuzziness.data() + fuzziness.size(), d);
  if (r.ec != std::errc() || r.ptr != fuzziness.data() + fuzziness.size() || d < 0) {
    return ParsingError("failed to parse [" + std::string(fuzziness) + "] as fuzziness");
  }
  return std::min(2, JavaIntCast(d));
}

Result<QueryPtr> MakeFuzzyQuery(const QueryEnv& env, std::string_view field, std::string_view term,
                                std::string_view fuzziness, int prefix_length, bool transpositions) {
  if (MetaFieldOf(field) != MetaField::kNone) return Query::MatchNone();
  const FieldInfo* f = Leafy(env, field);
  if (f == nullptr) return Query::MatchNone();
  if (f->type != FieldType::kKeyword && f->type != FieldType::kText) return NotTermField("fuzzy", *f);
  size_t length = 0;
  for (size_t i = 0; i < term.size();) {
    utf8::DecodeNext(term, &i);
    ++length;
  }
  auto edits = FuzzinessEdits(fuzziness, length);
  if (!edits.ok()) return edits.status();
  auto q = Leaf(QueryKind::kFuzzy, *f);
  q->terms.emplace_back(term);
  q->max_edits = *edits;
  q->prefix_length = std::max(0, prefix_length);
  q->transpositions = transpositions;
  return q;
}

QueryPtr MakeExistsQuery(const QueryEnv& env, std::string_view field) {
  if (MetaFieldOf(field) != MetaField::kNone) return Query::MatchAll();
  std::vector<uint32_t> fields;
  if (IsSimplePattern(field)) {
    fields = env.mapping->MatchPattern(field);
  } else {
    fields = env.mapping->LeavesAt(field);
  }
  if (fields.empty()) return Query::MatchNone();
  auto q = std::make_unique<Query>();
  q->kind = QueryKind::kExists;
  q->exists_fields = std::move(fields);
  if (q->exists_fields.size() == 1) {
    q->field = q->exists_fields[0];
    q->field_type = env.mapping->field(q->field).type;
  }
  return q;
}

}  // namespace buildhub::search
