// The oracle's queries: each ES 6.7 query type turned into a plain predicate
// over one document, written from the ES documentation and
// reference/es67-semantics.md. Parameter checks follow ES 6.7's parsers
// (unknown parameters are a 400 there).
#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "search/analyzer.h"
#include "search/dates.h"
#include "search/naive_internal.h"
#include "search/regexp.h"

namespace buildhub::search::oracle {

namespace {

using json::Value;

// ------------------------------------------------ elasticsearch-dsl checks

const std::set<std::string>& DslQueryNames() {
  static const std::set<std::string> names = {
      "match_all", "match_none", "bool", "function_score", "boosting", "constant_score",
      "dis_max", "filtered", "indices", "percolate", "nested", "has_child", "has_parent",
      "top_children", "span_first", "span_multi", "span_near", "span_not", "span_or",
      "field_masking_span", "span_containing", "span_within", "common", "fuzzy",
      "fuzzy_like_this", "fuzzy_like_this_field", "geo_bounding_box", "geo_distance",
      "geo_distance_range", "geo_polygon", "geo_shape", "geohash_cell", "ids", "limit", "match",
      "match_phrase", "match_phrase_prefix", "exists", "more_like_this", "more_like_this_field",
      "multi_match", "prefix", "query_string", "range", "regexp", "simple_query_string",
      "span_term", "template", "term", "terms", "terms_set", "wildcard", "script", "type",
      "parent_id"};
  return names;
}

const std::set<std::string>& DslAggNames() {
  static const std::set<std::string> names = {
      "filter", "filters", "children", "date_histogram", "date_range", "geo_distance",
      "geohash_grid", "geo_centroid", "global", "histogram", "ip_range", "missing", "nested",
      "range", "reverse_nested", "significant_terms", "significant_text", "terms", "sampler",
      "diversified_sampler", "composite", "top_hits", "avg", "cardinality", "extended_stats",
      "geo_bounds", "max", "min", "percentiles", "percentile_ranks", "scripted_metric", "stats",
      "sum", "value_count", "avg_bucket", "bucket_script", "bucket_selector", "cumulative_sum",
      "derivative", "extended_stats_bucket", "max_bucket", "min_bucket", "moving_avg",
      "percentiles_bucket", "serial_diff", "stats_bucket", "sum_bucket", "bucket_sort"};
  return names;
}

std::string QShapeError(const Value& q) {
  return "Q() can only accept dict with a single query ({\"match\": {...}}). Instead it got (" +
         PythonRepr(q) + ")";
}

// Q() on a query-typed parameter value: a dict, or a list of dicts.
std::optional<std::string> CheckQueryParam(const Value& v, bool multi) {
  if (multi && v.is_array()) {
    for (const auto& item : v.items()) {
      if (auto e = DslQueryCheck(item)) return e;
    }
    return std::nullopt;
  }
  return DslQueryCheck(v);
}

}  // namespace

std::optional<std::string> DslQueryCheck(const Value& q) {
  if (!q.is_object() || q.size() != 1) return QShapeError(q);
  const std::string& name = q.members()[0].first;
  const Value& params = q.members()[0].second;
  if (!DslQueryNames().count(name)) return "DSL class `" + name + "` does not exist in query.";
  if (!params.is_object()) return std::nullopt;
  // The query-typed parameters elasticsearch-dsl parses with Q() again.
  struct Def { const char* query; const char* param; bool multi; };
  static const Def defs[] = {
      {"bool", "must", true},           {"bool", "should", true},
      {"bool", "filter", true},         {"bool", "must_not", true},
      {"constant_score", "query", false}, {"constant_score", "filter", false},
      {"dis_max", "queries", true},     {"function_score", "query", false},
      {"function_score", "filter", false}, {"nested", "query", false},
      {"has_child", "query", false},    {"has_parent", "query", false},
      {"boosting", "positive", false},  {"boosting", "negative", false},
  };
  for (const Def& d : defs) {
    if (name != d.query) continue;
    if (const Value* v = params.find(d.param)) {
      if (auto e = CheckQueryParam(*v, d.multi)) return e;
    }
  }
  return std::nullopt;
}

std::optional<std::string> DslAggsCheck(const Value& aggs) {
  if (!aggs.is_object()) return std::nullopt;  // ES will refuse it
  for (const auto& [name, agg] : aggs.members()) {
    if (!agg.is_object()) {
      return "A() can only accept dict with an aggregation ({\"terms\": {...}}). Instead it got (" +
             PythonRepr(agg) + ")";
    }
    const Value* sub = nullptr;
    std::vector<const json::Member*> rest;
    for (const auto& m : agg.members()) {
      if (m.first == "aggs") {
        sub = &m.second;
      } else if (m.first != "meta") {
        rest.push_back(&m);
      }
    }
    if (rest.size() != 1) {
      return "A() can only accept dict with an aggregation ({\"terms\": {...}}). Instead it got (" +
             PythonRepr(agg) + ")";
    }
    const std::string& type = rest[0]->first;
    if (!DslAggNames().count(type)) return "DSL class `" + type + "` does not exist in agg.";
    const Value& params = rest[0]->second;
    // Filters' `filters` (a dict of queries) goes through Q(); a filter
    // agg's body is passed through raw (its query is not a declared param).
    if (type == "filters" && params.is_object()) {
      if (const Value* f = params.find("filters"); f && f->is_object()) {
        for (const auto& [fname, fq] : f->members()) {
          if (auto e = DslQueryCheck(fq)) return e;
        }
      }
    }
    if (sub != nullptr && sub->truthy()) {
      if (auto e = DslAggsCheck(*sub)) return e;
    }
  }
  return std::nullopt;
}

namespace {

// ---------------------------------------------------------------- helpers

struct Fail {
  Problem problem;
};

template <typename T>
Compiled<T> Error(std::string message) {
  Compiled<T> c;
  c.problem.message = std::move(message);
  return c;
}
template <typename T>
Compiled<T> NotModeled(std::string message) {
  Compiled<T> c;
  c.problem.unsupported = true;
  c.problem.message = std::move(message);
  return c;
}
template <typename T, typename U>
Compiled<T> Forward(const Compiled<U>& other) {
  Compiled<T> c;
  c.problem = other.problem;
  return c;
}

Pred Never() {
  return [](const PreparedDoc&) { return false; };
}
Pred Always() {
  return [](const PreparedDoc&) { return true; };
}

Compiled<CompiledQuery> Result(Pred p, std::optional<double> constant) {
  Compiled<CompiledQuery> c;
  c.value = CompiledQuery{std::move(p), constant};
  return c;
}

// Optional boost/_name: every query accepts them.
bool IsCommonParam(const std::string& k) { return k == "boost" || k == "_name"; }

std::optional<double> BoostOf(const Value& params) {
  if (!params.is_object()) return 1.0;
  if (const Value* b = params.find("boost")) {
    if (b->is_number()) return b->as_double();
    if (b->is_string()) {
      try {
        return std::stod(b->text());
      } catch (...) {
        return std::nullopt;
      }
    }
    return std::nullopt;
  }
  return 1.0;
}

// Long fields: a term value is a number, or a string that parses as one.
// "A term with a decimal value matches nothing; a non-number is a 400."
struct LongTerm {
  bool decimal = false;  // matches nothing
  int64_t value = 0;
};
std::optional<LongTerm> ParseLongTerm(const Value& v, std::string* error) {
  double d = 0;
  if (v.is_number()) {
    if (v.is_integer_literal()) {
      if (auto n = v.as_exact_int64()) return LongTerm{false, *n};
      *error = "Value [" + v.text() + "] is out of range for a long";
      return std::nullopt;
    }
    d = v.as_double();
  } else if (v.is_string()) {
    const std::string& s = v.text();
    // Long.parseLong first, then Double.parseDouble (ES's coercion).
    size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    bool digits = i < s.size() && std::all_of(s.begin() + i, s.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      try {
        return LongTerm{false, std::stoll(s)};
      } catch (...) {
        *error = "Value [" + s + "] is out of range for a long";
        return std::nullopt;
      }
    }
    char* end = nullptr;
    d = std::strtod(s.c_str(), &end);
    bool hex = s.find_first_of("xX") != std::string::npos;
    if (s.empty() || end != s.c_str() + s.size() || hex || std::isnan(d) || std::isinf(d)) {
      *error = "For input string: \"" + s + "\"";
      return std::nullopt;
    }
  } else {
    *error = "Can't parse a long from " + json::Write(v);
    return std::nullopt;
  }
  if (std::floor(d) != d) return LongTerm{true, 0};
  if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
    *error = "Value [" + JavaDoubleToString(d) + "] is out of range for a long";
    return std::nullopt;
  }
  return LongTerm{false, static_cast<int64_t>(d)};
}

// A range bound on a long field, as a real number (ES rounds decimal bounds
// so that the comparison is the mathematical one).
std::optional<double> ParseLongBound(const Value& v, std::string* error) {
  if (v.is_number()) return v.as_double();
  if (v.is_string()) {
    char* end = nullptr;
    const std::string& s = v.text();
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d) &&
        s.find_first_of("xX") == std::string::npos) {
      return d;
    }
    *error = "For input string: \"" + s + "\"";
    return std::nullopt;
  }
  *error = "Can't parse a long bound from " + json::Write(v);
  return std::nullopt;
}

// The instant interval a date `term` covers: [value rounded down, rounded up].
Compiled<std::pair<int64_t, int64_t>> DateTermRange(const Value& v, const QueryContext& ctx,
                                                    const dates::QueryDateOptions& opts) {
  auto text = JavaTermString(v);
  if (!text || v.is_bool()) return Error<std::pair<int64_t, int64_t>>("failed to parse date field " + json::Write(v));
  auto lo = dates::ParseQueryDate(*text, opts, dates::Rounding::kFloor, ctx.now_ms);
  if (!lo.ok()) return Error<std::pair<int64_t, int64_t>>(lo.status().message());
  auto hi = dates::ParseQueryDate(*text, opts, dates::Rounding::kCeil, ctx.now_ms);
  if (!hi.ok()) return Error<std::pair<int64_t, int64_t>>(hi.status().message());
  Compiled<std::pair<int64_t, int64_t>> c;
  c.value = std::make_pair(*lo, *hi);
  return c;
}

// `term` semantics of one value on one field.
Compiled<Pred> TermPred(const std::string& field_name, const Value& value, const QueryContext& ctx) {
  int f = FindField(field_name);
  if (value.is_null() || value.is_array() || value.is_object()) {
    return Error<Pred>("[term] value must be a scalar, got " + json::Write(value));
  }
  Compiled<Pred> c;
  if (f < 0) {
    c.value = Never();  // unmapped field: no document has it
    return c;
  }
  switch (Fields()[f].type) {
    case FieldType::kKeyword: {
      std::string term = *JavaTermString(value);
      c.value = [f, term](const PreparedDoc& d) {
        return d.values[f].present && d.values[f].str == term;
      };
      return c;
    }
    case FieldType::kText: {
      // term-level queries on text test single tokens, unanalysed
      std::string term = *JavaTermString(value);
      c.value = [f, term](const PreparedDoc& d) {
        const auto& t = d.values[f].tokens;
        return std::find(t.begin(), t.end(), term) != t.end();
      };
      return c;
    }
    case FieldType::kLong: {
      std::string error;
      auto t = ParseLongTerm(value, &error);
      if (!t) return Error<Pred>(error);
      if (t->decimal) {
        c.value = Never();
        return c;
      }
      int64_t n = t->value;
      c.value = [f, n](const PreparedDoc& d) { return d.values[f].present && d.values[f].num == n; };
      return c;
    }
    case FieldType::kDate: {
      auto r = DateTermRange(value, ctx, {});
      if (!r.ok()) return Forward<Pred>(r);
      // Plain variables, not a structured binding: clang 14 cannot capture those.
      int64_t lo = r.value->first;
      int64_t hi = r.value->second;
      c.value = [f, lo, hi](const PreparedDoc& d) {
        return d.values[f].present && d.values[f].num >= lo && d.values[f].num <= hi;
      };
      return c;
    }
  }
  return c;
}

}  // namespace

// Applies `test` to the field's terms: the keyword value, or each text token.
Pred AnyTerm(int f, std::function<bool(const std::string&)> test) {
  if (Fields()[f].type == FieldType::kText) {
    return [f, test](const PreparedDoc& d) {
      for (const auto& t : d.values[f].tokens) {
        if (test(t)) return true;
      }
      return false;
    };
  }
  return [f, test](const PreparedDoc& d) { return d.values[f].present && test(d.values[f].str); };
}

bool HasValue(const PreparedDoc& d, int f) {
  if (Fields()[f].type == FieldType::kText) return !d.values[f].tokens.empty();  // needs a token
  return d.values[f].present;
}

namespace {

// The single `{"field": value}` or `{"field": {...}}` member of a
// term-level query, with ES's complaints.
struct FieldBody {
  std::string field;
  const Value* body = nullptr;
};
Compiled<FieldBody> SingleField(const std::string& qname, const Value& params) {
  if (!params.is_object()) return Error<FieldBody>("[" + qname + "] query malformed, no start_object after query name");
  FieldBody fb;
  for (const auto& [k, v] : params.members()) {
    if (fb.body != nullptr) {
      return Error<FieldBody>("[" + qname + "] query doesn't support multiple fields, found [" +
                              fb.field + "] and [" + k + "]");
    }
    fb.field = k;
    fb.body = &v;
  }
  if (fb.body == nullptr || fb.field.empty()) return Error<FieldBody>("field name is null or empty");
  Compiled<FieldBody> c;
  c.value = fb;
  return c;
}

// Reads `{"field": v}` / `{"field": {"value": v, ...}}`; `value_keys` are the
// names the value may have inside the object form.
Compiled<const Value*> FieldValueParam(const std::string& qname, const Value& body,
                                       const std::set<std::string>& value_keys,
                                       const std::set<std::string>& other_keys) {
  Compiled<const Value*> c;
  if (!body.is_object()) {
    c.value = &body;
    return c;
  }
  const Value* value = nullptr;
  for (const auto& [k, v] : body.members()) {
    if (value_keys.count(k)) {
      value = &v;
    } else if (!IsCommonParam(k) && !other_keys.count(k)) {
      return Error<const Value*>("[" + qname + "] query does not support [" + k + "]");
    }
  }
  if (value == nullptr) return Error<const Value*>("[" + qname + "] requires a value");
  c.value = value;
  return c;
}

// ------------------------------------------------------------ query types

Compiled<CompiledQuery> CompileBool(const Value& params, const QueryContext& ctx);

Compiled<CompiledQuery> CompileExists(const Value& params);

Compiled<CompiledQuery> CompileTerm(const Value& params, const QueryContext& ctx) {
  auto fb = SingleField("term", params);
  if (!fb.ok()) return Forward<CompiledQuery>(fb);
  auto value = FieldValueParam("term", *fb.value->body, {"value"}, {});
  if (!value.ok()) return Forward<CompiledQuery>(value);
  if ((*value.value)->is_null()) return Error<CompiledQuery>("[term] query does not support null value");
  auto p = TermPred(fb.value->field, **value.value, ctx);
  if (!p.ok()) return Forward<CompiledQuery>(p);
  // Point-based long/date term queries score constantly; keyword/text use BM25.
  int f = FindField(fb.value->field);
  std::optional<double> constant;
  if (f >= 0 && (Fields()[f].type == FieldType::kLong || Fields()[f].type == FieldType::kDate)) {
    constant = BoostOf(*fb.value->body);
  }
  return Result(*p.value, constant);
}

Compiled<CompiledQuery> CompileTerms(const Value& params, const QueryContext& ctx) {
  if (!params.is_object()) return Error<CompiledQuery>("[terms] query malformed");
  std::string field;
  const Value* values = nullptr;
  for (const auto& [k, v] : params.members()) {
    if (v.is_array()) {
      if (values != nullptr) return Error<CompiledQuery>("[terms] query does not support multiple fields");
      field = k;
      values = &v;
    } else if (v.is_object()) {
      return NotModeled<CompiledQuery>("terms lookup");
    } else if (!IsCommonParam(k)) {
      return Error<CompiledQuery>("[terms] query does not support [" + k + "]");
    }
  }
  if (values == nullptr) {
    return Error<CompiledQuery>("[terms] query requires a field name, followed by array of terms or a document lookup specification");
  }
  std::vector<Pred> preds;
  for (const auto& v : values->items()) {
    if (v.is_null()) return Error<CompiledQuery>("No value specified for terms query");
    int f = FindField(field);
    if (f >= 0 && Fields()[f].type == FieldType::kLong) {
      std::string error;
      auto t = ParseLongTerm(v, &error);
      if (!t) return Error<CompiledQuery>(error);
      if (t->decimal) continue;  // ES skips values with a decimal part
    }
    auto p = TermPred(field, v, ctx);
    if (!p.ok()) return Forward<CompiledQuery>(p);
    preds.push_back(*p.value);
  }
  return Result(
      [preds](const PreparedDoc& d) {
        for (const auto& p : preds) {
          if (p(d)) return true;
        }
        return false;
      },
      BoostOf(params));
}

Compiled<CompiledQuery> CompileRange(const Value& params, const QueryContext& ctx) {
  auto fb = SingleField("range", params);
  if (!fb.ok()) return Forward<CompiledQuery>(fb);
  const Value& body = *fb.value->body;
  if (!body.is_object()) return Error<CompiledQuery>("[range] query malformed, no start_object after field name");
  const Value* from = nullptr;
  const Value* to = nullptr;
  bool include_lower = true, include_upper = true;
  dates::QueryDateOptions opts;
  bool has_tz = false;
  for (const auto& [k, v] : body.members()) {
    if (k == "gt") {
      from = &v;
      include_lower = false;
    } else if (k == "gte") {
      from = &v;
      include_lower = true;
    } else if (k == "lt") {
      to = &v;
      include_upper = false;
    } else if (k == "lte") {
      to = &v;
      include_upper = true;
    } else if (k == "from") {
      from = &v;
    } else if (k == "to") {
      to = &v;
    } else if (k == "include_lower") {
      if (!v.is_bool()) return Error<CompiledQuery>("[range] include_lower must be a boolean");
      include_lower = v.as_bool();
    } else if (k == "include_upper") {
      if (!v.is_bool()) return Error<CompiledQuery>("[range] include_upper must be a boolean");
      include_upper = v.as_bool();
    } else if (k == "format") {
      if (!v.is_string()) return Error<CompiledQuery>("[range] format must be a string");
      opts.format = v.text();
    } else if (k == "time_zone") {
      if (!v.is_string()) return Error<CompiledQuery>("[range] time_zone must be a string");
      opts.time_zone = v.text();
      has_tz = true;
    } else if (k == "relation") {
      // only meaningful for range fields; accepted
    } else if (!IsCommonParam(k)) {
      return Error<CompiledQuery>("[range] query does not support [" + k + "]");
    }
  }
  if (from != nullptr && from->is_null()) from = nullptr;
  if (to != nullptr && to->is_null()) to = nullptr;
  const std::string& field = fb.value->field;
  int f = FindField(field);
  std::optional<double> constant = BoostOf(body);
  // ES 6.7 rewrites a range open on both sides to `exists` (objects included).
  if (from == nullptr && to == nullptr) {
    Value exists = Value::Object();
    exists.set("field", Value::String(field));
    auto c = CompileExists(exists);
    if (c.ok()) c.value->constant_score = constant;
    return c;
  }
  // Unmapped: on the shard the range is rewritten to match_none before it is
  // built (RangeQueryBuilder.getRelation: "no field means we have no
  // values"), so time_zone is never checked.
  if (f < 0) return Result(Never(), constant);
  // On mapped non-date fields time_zone and format are accepted and ignored.
  FieldType type = Fields()[f].type;
  switch (type) {
    case FieldType::kKeyword:
    case FieldType::kText: {
      // Byte-wise on the terms; number bounds are their Java strings.
      std::optional<std::string> lo, hi;
      if (from) {
        if (from->is_array() || from->is_object()) return Error<CompiledQuery>("[range] bad bound");
        lo = JavaTermString(*from);
      }
      if (to) {
        if (to->is_array() || to->is_object()) return Error<CompiledQuery>("[range] bad bound");
        hi = JavaTermString(*to);
      }
      auto in_range = [lo, hi, include_lower, include_upper](const std::string& t) {
        if (lo) {
          int c = t.compare(*lo);
          if (c < 0 || (c == 0 && !include_lower)) return false;
        }
        if (hi) {
          int c = t.compare(*hi);
          if (c > 0 || (c == 0 && !include_upper)) return false;
        }
        return true;
      };
      return Result(AnyTerm(f, in_range), constant);
    }
    case FieldType::kLong: {
      std::optional<double> lo, hi;
      std::string error;
      if (from) {
        lo = ParseLongBound(*from, &error);
        if (!lo) return Error<CompiledQuery>(error);
      }
      if (to) {
        hi = ParseLongBound(*to, &error);
        if (!hi) return Error<CompiledQuery>(error);
      }
      return Result(
          [f, lo, hi, include_lower, include_upper](const PreparedDoc& d) {
            if (!d.values[f].present) return false;
            double v = static_cast<double>(d.values[f].num);
            if (lo && (v < *lo || (v == *lo && !include_lower))) return false;
            if (hi && (v > *hi || (v == *hi && !include_upper))) return false;
            return true;
          },
          constant);
    }
    case FieldType::kDate: {
      // gte/lt round down, gt/lte round up; then gt +1 ms and lt -1 ms.
      std::optional<int64_t> lo, hi;
      if (from) {
        auto text = JavaTermString(*from);
        if (!text) return Error<CompiledQuery>("failed to parse date field " + json::Write(*from));
        auto r = dates::ParseQueryDate(*text, opts,
                                       include_lower ? dates::Rounding::kFloor : dates::Rounding::kCeil,
                                       ctx.now_ms);
        if (!r.ok()) return Error<CompiledQuery>(r.status().message());
        lo = *r + (include_lower ? 0 : 1);
      }
      if (to) {
        auto text = JavaTermString(*to);
        if (!text) return Error<CompiledQuery>("failed to parse date field " + json::Write(*to));
        auto r = dates::ParseQueryDate(*text, opts,
                                       include_upper ? dates::Rounding::kCeil : dates::Rounding::kFloor,
                                       ctx.now_ms);
        if (!r.ok()) return Error<CompiledQuery>(r.status().message());
        hi = *r - (include_upper ? 0 : 1);
      }
      return Result(
          [f, lo, hi](const PreparedDoc& d) {
            if (!d.values[f].present) return false;
            int64_t v = d.values[f].num;
            return (!lo || v >= *lo) && (!hi || v <= *hi);
          },
          constant);
    }
  }
  return Result(Never(), constant);
}

// prefix, wildcard, regexp: term-level pattern queries.
Compiled<CompiledQuery> CompilePattern(const std::string& qname, const Value& params) {
  auto fb = SingleField(qname, params);
  if (!fb.ok()) return Forward<CompiledQuery>(fb);
  std::set<std::string> value_keys = {"value"};
  std::set<std::string> other = {"rewrite"};
  if (qname == "prefix") value_keys.insert("prefix");
  if (qname == "wildcard") value_keys.insert("wildcard");
  if (qname == "regexp") other = {"rewrite", "flags", "flags_value", "max_determinized_states"};
  const Value& body = *fb.value->body;
  auto value = FieldValueParam(qname, body, value_keys, other);
  if (!value.ok()) return Forward<CompiledQuery>(value);
  if (body.is_object()) {
    if (const Value* flags = body.find("flags")) {
      if (!flags->is_string() || (flags->text() != "ALL" && !flags->text().empty())) {
        return NotModeled<CompiledQuery>("regexp flags other than ALL");
      }
    }
  }
  const Value& v = **value.value;
  auto text = JavaTermString(v);
  if (!text || v.is_null()) return Error<CompiledQuery>("[" + qname + "] value must be a string");
  const std::string& field = fb.value->field;
  int f = FindField(field);
  std::optional<double> constant = BoostOf(body);
  if (f < 0) return Result(Never(), constant);
  FieldType type = Fields()[f].type;
  if (type == FieldType::kLong || type == FieldType::kDate) {
    if (qname == "wildcard") return NotModeled<CompiledQuery>("wildcard on a numeric field");
    return Error<CompiledQuery>("Can only use " + qname + " queries on keyword and text fields - not on [" +
                                field + "] which is of type [" + FieldTypeName(type) + "]");
  }
  if (qname == "prefix") {
    std::string prefix = *text;
    return Result(AnyTerm(f, [prefix](const std::string& t) { return t.compare(0, prefix.size(), prefix) == 0; }),
                  constant);
  }
  auto matcher = qname == "wildcard" ? TermMatcher::Wildcard(*text) : TermMatcher::Regexp(*text);
  if (!matcher.ok()) return Error<CompiledQuery>(matcher.status().message());
  TermMatcher m = *matcher;
  return Result(AnyTerm(f, [m](const std::string& t) { return m.Matches(t); }), constant);
}

Compiled<CompiledQuery> CompileExists(const Value& params) {
  if (!params.is_object()) return Error<CompiledQuery>("[exists] query malformed");
  std::optional<std::string> field;
  for (const auto& [k, v] : params.members()) {
    if (k == "field") {
      if (!v.is_string()) return Error<CompiledQuery>("[exists] field must be a string");
      field = v.text();
    } else if (!IsCommonParam(k)) {
      return Error<CompiledQuery>("[exists] query does not support [" + k + "]");
    }
  }
  if (!field) return Error<CompiledQuery>("[exists] must be provided with a [field]");
  if (field->find('*') != std::string::npos) return NotModeled<CompiledQuery>("exists with a field pattern");
  int f = FindField(*field);
  static const std::set<std::string> objects = {"build", "source", "target", "download"};
  if (objects.count(*field)) {
    // ES 6.7: an object exists when any field below it does.
    std::vector<int> below;
    for (size_t i = 0; i < Fields().size(); ++i) {
      if (Fields()[i].name.rfind(*field + ".", 0) == 0) below.push_back(static_cast<int>(i));
    }
    return Result(
        [below](const PreparedDoc& d) {
          for (int b : below) {
            if (HasValue(d, b)) return true;
          }
          return false;
        },
        BoostOf(params));
  }
  if (f < 0) return Result(Never(), BoostOf(params));
  return Result([f](const PreparedDoc& d) { return HasValue(d, f); }, BoostOf(params));
}

Compiled<CompiledQuery> CompileIds(const Value& params) {
  if (!params.is_object()) return Error<CompiledQuery>("[ids] query malformed");
  std::set<std::string> ids;
  for (const auto& [k, v] : params.members()) {
    if (k == "values") {
      if (!v.is_array()) return Error<CompiledQuery>("[ids] values must be an array");
      for (const auto& item : v.items()) {
        if (item.is_string()) {
          ids.insert(item.text());
        } else if (item.is_number() && item.is_integer_literal()) {
          ids.insert(item.text());
        } else {
          return Error<CompiledQuery>("[ids] values must be strings");
        }
      }
    } else if (k != "type" && !IsCommonParam(k)) {
      return Error<CompiledQuery>("[ids] query does not support [" + k + "]");
    }
  }
  return Result([ids](const PreparedDoc& d) { return ids.count(d.id_str) > 0; }, BoostOf(params));
}

}  // namespace

std::vector<std::string> Analyze(int f, const std::string& text, Analyzer analyzer) {
  bool standard = analyzer == Analyzer::kStandard ||
                  (analyzer == Analyzer::kDefault && Fields()[f].type == FieldType::kText);
  if (standard) return StandardAnalyze(text);
  return {text};  // keyword analyzer: the whole string
}

namespace {

// How the tokens of an analysed match combine.
struct MatchOptions {
  bool and_operator = false;
  std::optional<std::string> minimum_should_match;
  bool zero_terms_all = false;
  bool lenient = false;
  Analyzer analyzer = Analyzer::kDefault;
  int64_t slop = 0;
};


// `match` of `value` on one field. Returns nullopt pred for "no query"
// (nothing left after analysis) only when `allow_null`; else per zero_terms.
Compiled<std::optional<Pred>> MatchField(const std::string& field, const Value& value,
                                         const MatchOptions& opt, const QueryContext& ctx,
                                         bool phrase) {
  Compiled<std::optional<Pred>> c;
  int f = FindField(field);
  if (f < 0) {
    c.value = std::optional<Pred>(Never());
    return c;
  }
  FieldType type = Fields()[f].type;
  if (type == FieldType::kLong || type == FieldType::kDate) {
    // Numbers and dates are not analysed: term semantics on the value.
    auto p = TermPred(field, value, ctx);
    if (!p.ok()) {
      if (opt.lenient) {
        c.value = std::optional<Pred>(Never());
        return c;
      }
      return Forward<std::optional<Pred>>(p);
    }
    c.value = std::optional<Pred>(*p.value);
    return c;
  }
  auto text = JavaTermString(value);
  if (!text || value.is_null()) return Error<std::optional<Pred>>("[match] unknown token " + json::Write(value));
  std::vector<std::string> tokens = Analyze(f, *text, opt.analyzer);
  if (tokens.empty()) {
    c.value = std::optional<Pred>(opt.zero_terms_all ? Always() : Never());
    return c;
  }
  if (phrase) {
    if (tokens.size() == 1) {
      c.value = std::optional<Pred>(AnyTerm(f, [t = tokens[0]](const std::string& s) { return s == t; }));
      return c;
    }
    if (type != FieldType::kText) {
      // Keyword fields have no positions: ES refuses the phrase (lenient: no match).
      if (opt.lenient) {
        c.value = std::optional<Pred>(Never());
        return c;
      }
      return Error<std::optional<Pred>>("field:[" + field + "] was indexed without position data; cannot run PhraseQuery");
    }
    int64_t slop = opt.slop;
    c.value = std::optional<Pred>([f, tokens, slop](const PreparedDoc& d) {
      return PhraseMatches(d.values[f].tokens, tokens, slop);
    });
    return c;
  }
  // One token is a plain term query: minimum_should_match has no bool to
  // apply to. Several make a bool of SHOULD (or MUST with "and") clauses,
  // and minimum_should_match counts the SHOULD ones, unclamped.
  int required = opt.and_operator ? static_cast<int>(tokens.size()) : 1;
  if (tokens.size() > 1 && opt.minimum_should_match) {
    bool ok = true;
    int optional = opt.and_operator ? 0 : static_cast<int>(tokens.size());
    int msm = MinShouldMatch(optional, *opt.minimum_should_match, &ok);
    if (!ok) return Error<std::optional<Pred>>("bad minimum_should_match [" + *opt.minimum_should_match + "]");
    if (opt.and_operator) {
      if (msm > 0) {
        c.value = std::optional<Pred>(Never());  // no SHOULD clause can satisfy it
        return c;
      }
    } else {
      required = std::max(msm, 1);
    }
  }
  c.value = std::optional<Pred>([f, tokens, required](const PreparedDoc& d) {
    const FieldValue& v = d.values[f];
    int matched = 0;
    for (const auto& q : tokens) {
      bool hit = Fields()[f].type == FieldType::kText
                     ? std::find(v.tokens.begin(), v.tokens.end(), q) != v.tokens.end()
                     : (v.present && v.str == q);
      if (hit) ++matched;
    }
    return matched >= required;
  });
  return c;
}

Compiled<MatchOptions> ParseMatchOptions(const std::string& qname, const Value& body,
                                         const Value** query) {
  MatchOptions opt;
  static const std::set<std::string> ignored = {
      "fuzziness", "prefix_length", "max_expansions", "fuzzy_transpositions", "fuzzy_rewrite",
      "cutoff_frequency", "auto_generate_synonyms_phrase_query", "slop", "type"};
  for (const auto& [k, v] : body.members()) {
    if (k == "query") {
      *query = &v;
    } else if (k == "operator") {
      if (!v.is_string()) return Error<MatchOptions>("[" + qname + "] operator must be a string");
      std::string op = v.text();
      std::transform(op.begin(), op.end(), op.begin(), ::tolower);
      if (op != "and" && op != "or") return Error<MatchOptions>("Unsupported operator [" + v.text() + "]");
      opt.and_operator = op == "and";
    } else if (k == "minimum_should_match") {
      auto s = JavaTermString(v);
      if (!s) return Error<MatchOptions>("[" + qname + "] bad minimum_should_match");
      opt.minimum_should_match = *s;
    } else if (k == "zero_terms_query") {
      if (!v.is_string() || (v.text() != "none" && v.text() != "all")) {
        return Error<MatchOptions>("Unsupported zero_terms_query value [" + json::Write(v) + "]");
      }
      opt.zero_terms_all = v.text() == "all";
    } else if (k == "lenient") {
      if (!v.is_bool()) return Error<MatchOptions>("[" + qname + "] lenient must be a boolean");
      opt.lenient = v.as_bool();
    } else if (k == "analyzer") {
      if (!v.is_string()) return Error<MatchOptions>("[" + qname + "] analyzer must be a string");
      if (v.text() == "standard") {
        opt.analyzer = Analyzer::kStandard;
      } else if (v.text() == "keyword") {
        opt.analyzer = Analyzer::kKeyword;
      } else {
        return NotModeled<MatchOptions>("analyzer " + v.text());
      }
    } else if (k == "slop" && qname == "match_phrase") {
      auto n = IntParam(v);
      if (!n || *n < 0) return Error<MatchOptions>("[match_phrase] slop must be a non-negative integer");
      opt.slop = *n;
    } else if (!IsCommonParam(k) && !ignored.count(k)) {
      return Error<MatchOptions>("[" + qname + "] query does not support [" + k + "]");
    }
  }
  Compiled<MatchOptions> c;
  c.value = opt;
  return c;
}

Compiled<CompiledQuery> CompileMatch(const std::string& qname, const Value& params,
                                     const QueryContext& ctx) {
  auto fb = SingleField(qname, params);
  if (!fb.ok()) return Forward<CompiledQuery>(fb);
  const Value& body = *fb.value->body;
  const Value* query = &body;
  MatchOptions opt;
  if (body.is_object()) {
    query = nullptr;
    auto o = ParseMatchOptions(qname, body, &query);
    if (!o.ok()) return Forward<CompiledQuery>(o);
    opt = *o.value;
    if (query == nullptr) return Error<CompiledQuery>("[" + qname + "] requires query value");
  }
  auto p = MatchField(fb.value->field, *query, opt, ctx, qname == "match_phrase");
  if (!p.ok()) return Forward<CompiledQuery>(p);
  return Result(**p.value, std::nullopt);
}

Compiled<CompiledQuery> CompileMultiMatch(const Value& params, const QueryContext& ctx) {
  if (!params.is_object()) return Error<CompiledQuery>("[multi_match] query malformed");
  const Value* query = nullptr;
  std::vector<std::string> fields;
  Value rest = Value::Object();
  for (const auto& [k, v] : params.members()) {
    if (k == "fields") {
      std::vector<const Value*> items;
      if (v.is_string()) {
        items.push_back(&v);
      } else if (v.is_array()) {
        for (const auto& i : v.items()) items.push_back(&i);
      } else {
        return Error<CompiledQuery>("[multi_match] fields must be strings");
      }
      for (const Value* i : items) {
        if (!i->is_string()) return Error<CompiledQuery>("[multi_match] fields must be strings");
        std::string name = i->text().substr(0, i->text().find('^'));
        if (name.find('*') != std::string::npos) return NotModeled<CompiledQuery>("multi_match field patterns");
        fields.push_back(name);
      }
    } else if (k == "type") {
      if (!v.is_string() || (v.text() != "best_fields" && v.text() != "most_fields")) {
        return NotModeled<CompiledQuery>("multi_match type " + json::Write(v));
      }
    } else if (k == "tie_breaker") {
      // scoring only
    } else {
      rest.set(k, v);
    }
  }
  if (fields.empty()) return NotModeled<CompiledQuery>("multi_match without fields");
  auto o = ParseMatchOptions("multi_match", rest, &query);
  if (!o.ok()) return Forward<CompiledQuery>(o);
  if (query == nullptr) return Error<CompiledQuery>("No text specified for multi_match query");
  std::vector<Pred> preds;
  for (const auto& field : fields) {
    auto p = MatchField(field, *query, *o.value, ctx, false);
    if (!p.ok()) return Forward<CompiledQuery>(p);
    preds.push_back(**p.value);
  }
  return Result(
      [preds](const PreparedDoc& d) {
        for (const auto& p : preds) {
          if (p(d)) return true;
        }
        return false;
      },
      std::nullopt);
}

Compiled<CompiledQuery> CompileConstantScore(const Value& params, const QueryContext& ctx) {
  if (!params.is_object()) return Error<CompiledQuery>("[constant_score] query malformed");
  const Value* filter = nullptr;
  for (const auto& [k, v] : params.members()) {
    if (k == "filter") {
      filter = &v;
    } else if (!IsCommonParam(k)) {
      return Error<CompiledQuery>("[constant_score] query does not support [" + k + "]");
    }
  }
  if (filter == nullptr) return Error<CompiledQuery>("[constant_score] requires a 'filter' element");
  QueryContext inner = ctx;
  inner.filter = true;
  auto c = CompileQuery(*filter, inner);
  if (!c.ok()) return c;
  return Result(c.value->matches, BoostOf(params));
}

}  // namespace

bool PhraseMatches(const std::vector<std::string>& doc_tokens, const std::vector<std::string>& phrase,
                   int64_t slop) {
  if (phrase.empty() || doc_tokens.size() < phrase.size()) return false;
  // Candidate positions per phrase token.
  std::vector<std::vector<int64_t>> positions(phrase.size());
  for (size_t i = 0; i < phrase.size(); ++i) {
    for (size_t p = 0; p < doc_tokens.size(); ++p) {
      if (doc_tokens[p] == phrase[i]) positions[i].push_back(static_cast<int64_t>(p));
    }
    if (positions[i].empty()) return false;
  }
  // Depth-first over assignments; phrases and documents are short.
  std::vector<int64_t> chosen;
  std::function<bool(size_t, int64_t, int64_t)> search = [&](size_t i, int64_t lo, int64_t hi) {
    if (i == phrase.size()) return hi - lo <= slop;
    for (int64_t p : positions[i]) {
      if (std::find(chosen.begin(), chosen.end(), p) != chosen.end()) continue;
      int64_t rel = p - static_cast<int64_t>(i);
      int64_t nlo = i == 0 ? rel : std::min(lo, rel), nhi = i == 0 ? rel : std::max(hi, rel);
      if (nhi - nlo > slop) continue;
      chosen.push_back(p);
      bool found = search(i + 1, nlo, nhi);
      chosen.pop_back();
      if (found) return true;
    }
    return false;
  };
  return search(0, 0, 0);
}

int MinShouldMatch(int optional_clauses, const std::string& spec_in, bool* ok) {
  // Queries.calculateMinShouldMatch, without the conditional "<" forms.
  std::string spec = spec_in;
  while (!spec.empty() && spec.front() == ' ') spec.erase(0, 1);
  while (!spec.empty() && spec.back() == ' ') spec.pop_back();
  *ok = true;
  int result = optional_clauses;
  try {
    if (spec.find('<') != std::string::npos) {
      *ok = false;
      return 0;
    }
    size_t pos = 0;
    if (!spec.empty() && spec.back() == '%') {
      std::string number = spec.substr(0, spec.size() - 1);
      int percent = std::stoi(number, &pos);
      if (pos != number.size()) throw 1;
      float calc = static_cast<float>(static_cast<int32_t>(static_cast<int64_t>(result) * percent)) * (1 / 100.0f);
      result = calc < 0 ? result + static_cast<int>(calc) : static_cast<int>(calc);
    } else {
      int calc = std::stoi(spec, &pos);
      if (pos != spec.size()) throw 1;
      result = calc < 0 ? result + calc : calc;
    }
  } catch (...) {
    *ok = false;
    return 0;
  }
  return result < 0 ? 0 : result;  // not clamped to the clause count
}

namespace {

Compiled<CompiledQuery> CompileBool(const Value& params, const QueryContext& ctx) {
  if (!params.is_object()) return Error<CompiledQuery>("[bool] query malformed");
  std::vector<CompiledQuery> must, should, filter, must_not;
  std::optional<std::string> msm_spec;
  for (const auto& [k, v] : params.members()) {
    std::vector<CompiledQuery>* into = nullptr;
    bool filter_context = ctx.filter;
    if (k == "must") {
      into = &must;
    } else if (k == "should") {
      into = &should;
    } else if (k == "filter") {
      into = &filter;
      filter_context = true;
    } else if (k == "must_not") {
      into = &must_not;
      filter_context = true;
    } else if (k == "minimum_should_match") {
      auto s = JavaTermString(v);
      if (!s || v.is_bool()) return Error<CompiledQuery>("[bool] minimum_should_match must be a string or number");
      msm_spec = *s;
      continue;
    } else if (k == "adjust_pure_negative" || k == "disable_coord" || IsCommonParam(k)) {
      if (k == "adjust_pure_negative" && v.is_bool() && !v.as_bool()) {
        return NotModeled<CompiledQuery>("adjust_pure_negative false");
      }
      continue;
    } else {
      return Error<CompiledQuery>("[bool] query does not support [" + k + "]");
    }
    QueryContext inner = ctx;
    inner.filter = filter_context;
    std::vector<const Value*> clauses;
    if (v.is_array()) {
      for (const auto& c : v.items()) clauses.push_back(&c);
    } else {
      clauses.push_back(&v);
    }
    for (const Value* c : clauses) {
      auto q = CompileQuery(*c, inner);
      if (!q.ok()) return q;
      into->push_back(*q.value);
    }
  }
  if (must.empty() && should.empty() && filter.empty() && must_not.empty()) {
    return Result(Always(), BoostOf(params));  // no clause: match_all
  }
  // ES 6: in filter context a bool with should clauses needs one of them
  // unless minimum_should_match says otherwise.
  if (ctx.filter && !msm_spec && !should.empty()) msm_spec = "1";
  int msm = 0;
  if (msm_spec) {
    bool ok = true;
    msm = MinShouldMatch(static_cast<int>(should.size()), *msm_spec, &ok);
    if (!ok) return NotModeled<CompiledQuery>("minimum_should_match [" + *msm_spec + "]");
  }
  bool has_required = !must.empty() || !filter.empty();
  bool pure_negative = !has_required && should.empty();  // only must_not: match_all added
  auto matches = [must, should, filter, must_not, msm, has_required, pure_negative](const PreparedDoc& d) {
    for (const auto& q : must) {
      if (!q.matches(d)) return false;
    }
    for (const auto& q : filter) {
      if (!q.matches(d)) return false;
    }
    for (const auto& q : must_not) {
      if (q.matches(d)) return false;
    }
    if (pure_negative) return true;
    int matched = 0;
    for (const auto& q : should) {
      if (q.matches(d)) ++matched;
    }
    if (msm > 0) return matched >= msm;  // also when there are fewer should clauses
    // Lucene: without required clauses, one should clause must match.
    if (!has_required) return matched >= 1;
    return true;
  };
  // Scores: the sum of the scoring clauses (must, should), times boost;
  // filter and must_not clauses add nothing.
  std::optional<double> constant;
  auto boost = BoostOf(params);
  if (should.empty() && !pure_negative && boost) {
    double sum = 0;
    bool known = true;
    for (const auto& q : must) {
      if (!q.constant_score) {
        known = false;
        break;
      }
      sum += *q.constant_score;
    }
    if (known) constant = sum * *boost;
  }
  return Result(matches, constant);
}

}  // namespace

Compiled<CompiledQuery> CompileQuery(const Value& query, const QueryContext& ctx) {
  if (!query.is_object() || query.size() != 1) return Error<CompiledQuery>(QShapeError(query));
  const std::string& name = query.members()[0].first;
  const Value& params = query.members()[0].second;
  if (name == "match_all" || name == "match_none") {
    if (!params.is_object()) return Error<CompiledQuery>("[" + name + "] query malformed");
    for (const auto& [k, v] : params.members()) {
      if (!IsCommonParam(k)) return Error<CompiledQuery>("[" + name + "] query does not support [" + k + "]");
    }
    if (name == "match_none") return Result(Never(), 0.0);
    return Result(Always(), BoostOf(params));
  }
  if (name == "bool") return CompileBool(params, ctx);
  if (name == "term") return CompileTerm(params, ctx);
  if (name == "terms") return CompileTerms(params, ctx);
  if (name == "range") return CompileRange(params, ctx);
  if (name == "prefix" || name == "wildcard" || name == "regexp") return CompilePattern(name, params);
  if (name == "exists") return CompileExists(params);
  if (name == "ids") return CompileIds(params);
  if (name == "constant_score") return CompileConstantScore(params, ctx);
  if (name == "match" || name == "match_phrase") return CompileMatch(name, params, ctx);
  if (name == "multi_match") return CompileMultiMatch(params, ctx);
  if (name == "query_string") return CompileQueryString(params, ctx);
  return NotModeled<CompiledQuery>("query type " + name);
}

}  // namespace buildhub::search::oracle
