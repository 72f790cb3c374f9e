#include "search/query_parser.h"

#include <charconv>
#include <cmath>

#include "search/analysis.h"
#include "search/python_repr.h"
#include "search/query_string.h"
#include "search/search_error.h"
#include "search/simple_match.h"

namespace buildhub::search {
namespace {

float BoostOf(const json::Value& v, float fallback = 1.0f) {
  if (v.is_number()) return static_cast<float>(v.as_double());
  if (v.is_string()) {
    double d;
    auto r = std::from_chars(v.text().data(), v.text().data() + v.text().size(), d);
    if (r.ec == std::errc()) return static_cast<float>(d);
  }
  return fallback;
}

bool BoolOf(const json::Value& v, bool fallback) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_string()) {
    if (v.text() == "true") return true;
    if (v.text() == "false") return false;
  }
  return fallback;
}

std::string TextOf(const json::Value& v) {
  if (v.is_string()) return v.text();
  if (v.is_number()) return v.text();
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  return "";
}

int IntOf(const json::Value& v, int fallback) {
  if (auto i = v.as_int64()) return static_cast<int>(*i);
  if (v.is_string()) {
    int x;
    auto r = std::from_chars(v.text().data(), v.text().data() + v.text().size(), x);
    if (r.ec == std::errc()) return x;
  }
  return fallback;
}

// ES's single-field query body: {"field": value} or {"field": {...}}.
struct SingleField {
  std::string field;
  const json::Value* value = nullptr;  // a scalar, or the options object
};

Result<SingleField> ParseSingleField(const json::Value& p, const std::string& type) {
  SingleField out;
  for (const auto& [k, v] : p.members()) {
    if (v.is_array()) {
      return ParsingError("[" + type + "] query does not support array of values");
    }
    if (!out.field.empty() || out.value != nullptr) {
      return ParsingError("[" + type + "] query doesn't support multiple fields, found [" + out.field +
                          "] and [" + k + "]");
    }
    out.field = k;
    out.value = &v;
  }
  if (out.value == nullptr || out.field.empty()) return IllegalArgument("field name is null or empty");
  return out;
}

QueryPtr Boosted(QueryPtr q, float boost) {
  if (q) q->boost *= boost;
  return q;
}

struct FieldBoost {
  std::string field;
  float boost = 1.0f;
};

}  // namespace

Result<int> MinimumShouldMatch(std::string_view spec, int optional) {
  std::string s;
  for (char c : spec) s.push_back(c);
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  auto parse_int = [](std::string_view t, int* out) {
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    auto r = std::from_chars(t.data(), t.data() + t.size(), *out);
    return r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty();
  };
  auto bad = [&] {
    return ShardError("number_format_exception", "For input string: \"" + std::string(spec) + "\"");
  };
  if (s.find('<') != std::string::npos) {
    // Conditional specs: "2<-25% 9<-3"; spaces around '<' are dropped.
    std::string compact;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == ' ' && ((i + 1 < s.size() && s[i + 1] == '<') || (!compact.empty() && compact.back() == '<'))) continue;
      compact.push_back(s[i]);
    }
    int result = optional;
    size_t start = 0;
    while (start < compact.size()) {
      size_t end = compact.find(' ', start);
      if (end == std::string::npos) end = compact.size();
      std::string part = compact.substr(start, end - start);
      start = end + 1;
      if (part.empty()) continue;
      size_t lt = part.find('<');
      if (lt == std::string::npos) return bad();
      int upper;
      if (!parse_int(std::string_view(part).substr(0, lt), &upper)) return bad();
      if (optional <= upper) return result;
      auto r = MinimumShouldMatch(part.substr(lt + 1), optional);
      if (!r.ok()) return r;
      result = *r;
    }
    return result;
  }
  int result = optional;
  if (!s.empty() && s.back() == '%') {
    int percent;
    if (!parse_int(std::string_view(s).substr(0, s.size() - 1), &percent)) return bad();
    // Java multiplies in int and wraps; do the same without signed overflow.
    const auto product = static_cast<int32_t>(static_cast<int64_t>(result) * percent);
    float calc = static_cast<float>(product) * (1 / 100.0f);
    result = calc < 0 ? result + static_cast<int>(calc) : static_cast<int>(calc);
  } else {
    int calc;
    if (!parse_int(s, &calc)) return bad();
    result = calc < 0 ? result + calc : calc;
  }
  return result < 0 ? 0 : result;
}

Result<QueryPtr> MakeMatchQuery(const QueryEnv& env, std::string_view field, const FieldValue& value,
                                const MatchOptions& o) {
  auto failed = [&](Status s) -> Result<QueryPtr> {
    if (o.lenient) return Query::MatchNone();
    return s;
  };
  const FieldInfo* f = env.mapping->Find(field);
  if (MetaFieldOf(field) != MetaField::kNone) {
    auto q = MakeTermQuery(env, field, value);
    if (!q.ok()) return q;
    return Boosted(std::move(q).value(), o.boost);
  }
  if (f == nullptr || f->type == FieldType::kObject) return Query::MatchNone();
  if (f->type != FieldType::kKeyword && f->type != FieldType::kText) {
    auto q = MakeTermQuery(env, field, value);
    if (!q.ok()) return failed(q.status());
    return Boosted(std::move(q).value(), o.boost);
  }
  AnalyzerKind analyzer = AnalyzerKind::kFieldDefault;
  if (!o.analyzer.empty()) {
    auto a = ParseAnalyzer(o.analyzer);
    if (!a.ok()) return a.status();
    analyzer = *a;
  }
  std::vector<std::string> tokens = AnalyzeQueryText(analyzer, f->type, value.AsTermText());
  if (tokens.empty()) return o.zero_terms_all ? Query::MatchAll(o.boost) : Query::MatchNone();
  auto term = [&](const std::string& t) -> Result<QueryPtr> {
    if (!o.fuzziness.empty()) {
      return MakeFuzzyQuery(env, field, t, o.fuzziness, o.prefix_length, o.transpositions);
    }
    return MakeTermQuery(env, field, FieldValue::String(t));
  };
  if (o.type != MatchOptions::Type::kBoolean) {
    if (f->type == FieldType::kKeyword && tokens.size() > 1) {
      return failed(ShardError("illegal_state_exception",
                               "field:[" + f->path + "] was indexed without position data; cannot run PhraseQuery"));
    }
    if (tokens.size() == 1) {
      if (o.type == MatchOptions::Type::kPhrasePrefix) {
        auto q = MakePrefixQuery(env, field, tokens[0]);
        if (!q.ok()) return q;
        return Boosted(std::move(q).value(), o.boost);
      }
      auto q = MakeTermQuery(env, field, FieldValue::String(tokens[0]));
      if (!q.ok()) return q;
      return Boosted(std::move(q).value(), o.boost);
    }
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kPhrase;
    q->field = f->id;
    q->field_type = f->type;
    q->on_tokens = true;
    q->terms = std::move(tokens);
    q->slop = o.slop;
    q->last_is_prefix = o.type == MatchOptions::Type::kPhrasePrefix;
    q->boost = o.boost;
    return QueryPtr(std::move(q));
  }
  if (tokens.size() == 1) {
    auto q = term(tokens[0]);
    if (!q.ok()) return q;
    return Boosted(std::move(q).value(), o.boost);
  }
  auto b = std::make_unique<Query>();
  b->kind = QueryKind::kBool;
  b->boost = o.boost;
  for (const std::string& t : tokens) {
    auto q = term(t);
    if (!q.ok()) return q;
    (o.operator_and ? b->must : b->should).push_back(std::move(q).value());
  }
  // MatchQueryBuilder applies minimum_should_match to the BooleanQuery
  // whatever the operator (Queries.maybeApplyMinimumShouldMatch), counting
  // SHOULD clauses only and unclamped: with "and" there are none, so any
  // minimum above 0 matches nothing.
  b->minimum_should_match = o.minimum_should_match;
  return QueryPtr(std::move(b));
}

Status QueryParser::CountClauses(size_t n) {
  if (n > limits_.max_clauses) {
    return ShardError("too_many_clauses", "maxClauseCount is set to " + std::to_string(limits_.max_clauses));
  }
  nodes_ += n;
  if (nodes_ > limits_.max_clauses * 16) {
    return AppError("the query has more than " + std::to_string(limits_.max_clauses * 16) +
                    " clauses in all");
  }
  return Status::Ok();
}

Result<QueryPtr> QueryParser::ParseClauses(const json::Value& v, size_t depth, std::vector<QueryPtr>* out) {
  if (v.is_array()) {
    Status s = CountClauses(v.size());
    if (!s.ok()) return s;
    for (const auto& item : v.items()) {
      auto q = ParseAt(item, depth + 1);
      if (!q.ok()) return q;
      out->push_back(std::move(q).value());
    }
    return QueryPtr();
  }
  Status s = CountClauses(1);
  if (!s.ok()) return s;
  auto q = ParseAt(v, depth + 1);
  if (!q.ok()) return q;
  out->push_back(std::move(q).value());
  return QueryPtr();
}

Result<QueryPtr> QueryParser::ParseBool(const json::Value& p, size_t depth) {
  auto q = std::make_unique<Query>();
  q->kind = QueryKind::kBool;
  for (const auto& [k, v] : p.members()) {
    Result<QueryPtr> r = QueryPtr();
    if (k == "must") {
      r = ParseClauses(v, depth, &q->must);
    } else if (k == "filter") {
      r = ParseClauses(v, depth, &q->filter);
    } else if (k == "should") {
      r = ParseClauses(v, depth, &q->should);
    } else if (k == "must_not" || k == "mustNot") {
      r = ParseClauses(v, depth, &q->must_not);
    } else if (k == "minimum_should_match" || k == "minimumShouldMatch") {
      if (!v.is_null()) q->minimum_should_match = TextOf(v);
    } else if (k == "boost") {
      q->boost = BoostOf(v);
    } else if (k == "adjust_pure_negative" || k == "disable_coord" || k == "_name") {
      // accepted
    } else {
      return ParsingError("[bool] query does not support [" + k + "]");
    }
    if (!r.ok()) return r;
  }
  return QueryPtr(std::move(q));
}

Result<QueryPtr> QueryParser::ParseMatch(const json::Value& p, const std::string& type) {
  auto sf = ParseSingleField(p, type);
  if (!sf.ok()) return sf.status();
  MatchOptions o;
  if (type == "match_phrase") o.type = MatchOptions::Type::kPhrase;
  if (type == "match_phrase_prefix") o.type = MatchOptions::Type::kPhrasePrefix;
  const json::Value* text = sf->value;
  if (sf->value->is_object()) {
    text = sf->value->find("query");
    for (const auto& [k, v] : sf->value->members()) {
      if (k == "operator") {
        std::string op = TextOf(v);
        if (op == "and" || op == "AND") {
          o.operator_and = true;
        } else if (op != "or" && op != "OR") {
          return IllegalArgument("operator needs to be either [and] or [or], but not [" + op + "]");
        }
      } else if (k == "minimum_should_match") {
        o.minimum_should_match = TextOf(v);
      } else if (k == "analyzer") {
        o.analyzer = TextOf(v);
      } else if (k == "fuzziness") {
        o.fuzziness = TextOf(v);
      } else if (k == "prefix_length") {
        o.prefix_length = IntOf(v, 0);
      } else if (k == "fuzzy_transpositions") {
        o.transpositions = BoolOf(v, true);
      } else if (k == "slop" || k == "phrase_slop") {
        o.slop = IntOf(v, 0);
      } else if (k == "zero_terms_query") {
        o.zero_terms_all = TextOf(v) == "all";
      } else if (k == "lenient") {
        o.lenient = BoolOf(v, false);
      } else if (k == "boost") {
        o.boost = BoostOf(v);
      } else if (k == "type") {
        std::string t = TextOf(v);
        if (t == "phrase") o.type = MatchOptions::Type::kPhrase;
        if (t == "phrase_prefix") o.type = MatchOptions::Type::kPhrasePrefix;
      }
    }
  }
  if (text == nullptr || text->is_null()) {
    return IllegalArgument("[" + type + "] requires query value");
  }
  if (text->is_array() || text->is_object()) {
    return ParsingError("[" + type + "] unknown token [START_" + std::string(text->is_array() ? "ARRAY" : "OBJECT") +
                        "] after [query]");
  }
  auto value = FieldValue::FromJson(*text);
  if (!value.ok()) return value.status();
  return MakeMatchQuery(env_, sf->field, *value, o);
}

Result<QueryPtr> QueryParser::ParseMultiMatch(const json::Value& p) {
  const json::Value* text = p.find("query");
  if (text == nullptr || text->is_null()) return IllegalArgument("[multi_match] requires query value");
  auto value = FieldValue::FromJson(*text);
  if (!value.ok()) return value.status();
  MatchOptions o;
  std::string type = "best_fields";
  float tie_breaker = 0.0f;
  std::vector<FieldBoost> fields;
  float boost = 1.0f;
  bool explicit_lenient = false;
  for (const auto& [k, v] : p.members()) {
    if (k == "fields") {
      auto add = [&](const json::Value& f) {
        std::string s = TextOf(f);
        FieldBoost fb;
        size_t caret = s.rfind('^');
        if (caret != std::string::npos) {
          fb.boost = static_cast<float>(std::atof(s.c_str() + caret + 1));
          s.resize(caret);
        }
        fb.field = s;
        fields.push_back(fb);
      };
      if (v.is_array()) {
        for (const auto& f : v.items()) add(f);
      } else {
        add(v);
      }
    } else if (k == "type") {
      type = TextOf(v);
    } else if (k == "operator") {
      std::string op = TextOf(v);
      o.operator_and = op == "and" || op == "AND";
    } else if (k == "minimum_should_match") {
      o.minimum_should_match = TextOf(v);
    } else if (k == "analyzer") {
      o.analyzer = TextOf(v);
    } else if (k == "fuzziness") {
      o.fuzziness = TextOf(v);
    } else if (k == "prefix_length") {
      o.prefix_length = IntOf(v, 0);
    } else if (k == "slop") {
      o.slop = IntOf(v, 0);
    } else if (k == "tie_breaker") {
      tie_breaker = static_cast<float>(v.as_double());
    } else if (k == "lenient") {
      o.lenient = BoolOf(v, false);
      explicit_lenient = true;
    } else if (k == "zero_terms_query") {
      o.zero_terms_all = TextOf(v) == "all";
    } else if (k == "boost") {
      boost = BoostOf(v);
    }
  }
  if (fields.empty()) fields.push_back({"*", 1.0f});
  if (type == "phrase") o.type = MatchOptions::Type::kPhrase;
  if (type == "phrase_prefix") o.type = MatchOptions::Type::kPhrasePrefix;
  if (type != "best_fields" && type != "most_fields" && type != "cross_fields" && type != "phrase" &&
      type != "phrase_prefix") {
    return ParsingError("failed to parse [multi_match] query type [" + type + "]. unknown type.");
  }
  // Expand patterns; querying every field makes the query lenient, as ES does.
  std::vector<FieldBoost> expanded;
  for (const FieldBoost& fb : fields) {
    if (IsSimplePattern(fb.field)) {
      if (!explicit_lenient) o.lenient = true;
      for (uint32_t id : env_.mapping->MatchPattern(fb.field)) {
        expanded.push_back({env_.mapping->field(id).path, fb.boost});
      }
    } else {
      expanded.push_back(fb);
    }
  }
  if (expanded.empty()) return Query::MatchNone();
  auto per_field = [&](const std::string& field, float fboost, const FieldValue& v) -> Result<QueryPtr> {
    MatchOptions fo = o;
    fo.boost = fboost;
    return MakeMatchQuery(env_, field, v, fo);
  };
  auto top = std::make_unique<Query>();
  top->boost = boost;
  if (type == "cross_fields") {
    // Each term must be found in some field (operator and) or in any.
    top->kind = QueryKind::kBool;
    std::vector<std::string> words = AnalyzeQueryText(AnalyzerKind::kWhitespace, FieldType::kText, value->AsTermText());
    for (const std::string& w : words) {
      auto dm = std::make_unique<Query>();
      dm->kind = QueryKind::kDisMax;
      dm->tie_breaker = tie_breaker;
      MatchOptions single = o;
      for (const FieldBoost& fb : expanded) {
        MatchOptions fo = single;
        fo.boost = fb.boost;
        fo.minimum_should_match.clear();
        auto q = MakeMatchQuery(env_, fb.field, FieldValue::String(w), fo);
        if (!q.ok()) return q;
        dm->should.push_back(std::move(q).value());
      }
      (o.operator_and ? top->must : top->should).push_back(std::move(dm));
    }
    // As for match: minimum_should_match applies whatever the operator, but
    // only to a bool; one word is a single blended term query in ES.
    if (words.size() > 1) top->minimum_should_match = o.minimum_should_match;
    if (words.empty()) return Query::MatchNone();
    return QueryPtr(std::move(top));
  }
  top->kind = type == "most_fields" ? QueryKind::kBool : QueryKind::kDisMax;
  top->tie_breaker = tie_breaker;
  for (const FieldBoost& fb : expanded) {
    auto q = per_field(fb.field, fb.boost, *value);
    if (!q.ok()) return q;
    top->should.push_back(std::move(q).value());
  }
  return QueryPtr(std::move(top));
}

Result<QueryPtr> QueryParser::ParseRange(const json::Value& p) {
  auto sf = ParseSingleField(p, "range");
  if (!sf.ok()) return sf.status();
  if (!sf->value->is_object()) {
    return ParsingError("[range] query malformed, no start_object after query name");
  }
  RangeBounds b;
  float boost = 1.0f;
  for (const auto& member : sf->value->members()) {
    // Named references, not a structured binding: clang 14 cannot capture those.
    const std::string& k = member.first;
    const json::Value& v = member.second;
    auto bound = [&](std::optional<FieldValue>* out) -> Status {
      if (v.is_null()) {
        out->reset();
        return Status::Ok();
      }
      if (v.is_array() || v.is_object()) {
        return ParsingError("[range] query does not support [" + k + "] as an " +
                            (v.is_array() ? "array" : "object"));
      }
      auto fv = FieldValue::FromJson(v);
      if (!fv.ok()) return fv.status();
      *out = *fv;
      return Status::Ok();
    };
    Status s;
    if (k == "gt") {
      s = bound(&b.lo);
      b.lo_inclusive = false;
    } else if (k == "gte") {
      s = bound(&b.lo);
      b.lo_inclusive = true;
    } else if (k == "lt") {
      s = bound(&b.hi);
      b.hi_inclusive = false;
    } else if (k == "lte") {
      s = bound(&b.hi);
      b.hi_inclusive = true;
    } else if (k == "from") {
      s = bound(&b.lo);
    } else if (k == "to") {
      s = bound(&b.hi);
    } else if (k == "include_lower") {
      b.lo_inclusive = BoolOf(v, true);
    } else if (k == "include_upper") {
      b.hi_inclusive = BoolOf(v, true);
    } else if (k == "format") {
      b.format = TextOf(v);
    } else if (k == "time_zone") {
      b.time_zone = TextOf(v);
    } else if (k == "boost") {
      boost = BoostOf(v);
    } else if (k == "relation" || k == "_name") {
      // accepted
    } else {
      return ParsingError("[range] query does not support [" + k + "]");
    }
    if (!s.ok()) return s;
  }
  auto q = MakeRangeQuery(env_, sf->field, b);
  if (!q.ok()) return q;
  return Boosted(std::move(q).value(), boost);
}

// prefix / wildcard / regexp / fuzzy: {"field": "v"} or {"field": {"value": ...}}.
Result<QueryPtr> QueryParser::ParseSingleFieldString(const json::Value& p, const std::string& type) {
  auto sf = ParseSingleField(p, type);
  if (!sf.ok()) return sf.status();
  const json::Value* value = sf->value;
  float boost = 1.0f;
  std::string fuzziness = "AUTO";
  int prefix_length = 0;
  bool transpositions = true;
  if (value->is_object()) {
    const json::Value* opts = value;
    value = nullptr;
    for (const auto& [k, v] : opts->members()) {
      if (k == "value" || k == type || k == "term") {
        value = &v;
      } else if (k == "boost") {
        boost = BoostOf(v);
      } else if (k == "fuzziness") {
        fuzziness = TextOf(v);
      } else if (k == "prefix_length") {
        prefix_length = IntOf(v, 0);
      } else if (k == "transpositions") {
        transpositions = BoolOf(v, true);
      }
    }
  }
  if (value == nullptr || value->is_null()) return IllegalArgument("value cannot be null");
  if (value->is_array() || value->is_object()) {
    return ParsingError("[" + type + "] query does not support array or object values");
  }
  std::string text = TextOf(*value);
  Result<QueryPtr> q = QueryPtr();
  if (type == "prefix") {
    q = MakePrefixQuery(env_, sf->field, text);
  } else if (type == "wildcard") {
    q = MakeWildcardQuery(env_, sf->field, text);
  } else if (type == "regexp") {
    q = MakeRegexpQuery(env_, sf->field, text);
  } else {
    q = MakeFuzzyQuery(env_, sf->field, text, fuzziness, prefix_length, transpositions);
  }
  if (!q.ok()) return q;
  return Boosted(std::move(q).value(), boost);
}

Result<QueryPtr> QueryParser::ParseAt(const json::Value& v, size_t depth) {
  if (depth > limits_.max_depth) {
    return AppError("query nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  if (v.is_string()) {
    // elasticsearch-dsl's Q("match_all") form.
    json::Value obj = json::Value::Object();
    obj.set(v.text(), json::Value::Object());
    return ParseAt(obj, depth);
  }
  if (!v.is_object()) return ParsingError("[_na] query malformed, must start with start_object");
  if (v.size() == 0) return ParsingError("query malformed, empty clause found");
  if (v.size() > 1) {
    return ParsingError("[" + v.members()[0].first + "] malformed query, expected [END_OBJECT] but found [FIELD_NAME]");
  }
  const std::string& type = v.members()[0].first;
  const json::Value& p = v.members()[0].second;
  if (!p.is_object()) {
    return ParsingError("[" + type + "] query malformed, no start_object after query name");
  }
  Status count = CountClauses(1);
  if (!count.ok()) return count;

  if (type == "match_all") {
    const json::Value* b = p.find("boost");
    return Query::MatchAll(b ? BoostOf(*b) : 1.0f);
  }
  if (type == "match_none") return Query::MatchNone();
  if (type == "bool") return ParseBool(p, depth);
  if (type == "term") {
    auto sf = ParseSingleField(p, "term");
    if (!sf.ok()) return sf.status();
    const json::Value* value = sf->value;
    float boost = 1.0f;
    if (value->is_object()) {
      const json::Value* opts = value;
      value = nullptr;
      for (const auto& [k, x] : opts->members()) {
        if (k == "value" || k == "term") {
          value = &x;
        } else if (k == "boost") {
          boost = BoostOf(x);
        } else if (k != "_name") {
          return ParsingError("[term] query does not support [" + k + "]");
        }
      }
      if (value == nullptr) return IllegalArgument("value cannot be null");
    }
    auto fv = FieldValue::FromJson(*value);
    if (!fv.ok()) return fv.status();
    auto q = MakeTermQuery(env_, sf->field, *fv);
    if (!q.ok()) return q;
    return Boosted(std::move(q).value(), boost);
  }
  if (type == "terms") {
    std::string field;
    const json::Value* values = nullptr;
    float boost = 1.0f;
    for (const auto& [k, x] : p.members()) {
      if (k == "boost") {
        boost = BoostOf(x);
      } else if (k == "_name") {
      } else {
        if (values != nullptr) {
          return ParsingError("[terms] query does not support multiple fields");
        }
        field = k;
        values = &x;
      }
    }
    if (values == nullptr) return IllegalArgument("field name cannot be null.");
    if (values->is_object()) {
      return AppError("terms lookup (terms with an index/id/path object) is not supported");
    }
    if (!values->is_array()) {
      return ParsingError("[terms] query does not support [" + field + "]");
    }
    if (values->size() > 65536) {
      return ShardError("illegal_argument_exception",
                        "The number of terms [" + std::to_string(values->size()) +
                            "] used in the Terms Query request has exceeded the allowed maximum of [65536]. "
                            "This maximum can be set by changing the [index.max_terms_count] index level setting.");
    }
    std::vector<FieldValue> fvs;
    for (const auto& item : values->items()) {
      if (item.is_null()) continue;
      auto fv = FieldValue::FromJson(item);
      if (!fv.ok()) return fv.status();
      fvs.push_back(*fv);
    }
    auto q = MakeTermsQuery(env_, field, fvs);
    if (!q.ok()) return q;
    return Boosted(std::move(q).value(), boost);
  }
  if (type == "match" || type == "match_phrase" || type == "match_phrase_prefix") return ParseMatch(p, type);
  if (type == "common") {
    // The common terms query matches as `match` does.
    json::Value m = p;
    return ParseMatch(m, "match");
  }
  if (type == "multi_match") return ParseMultiMatch(p);
  if (type == "range") return ParseRange(p);
  if (type == "prefix" || type == "wildcard" || type == "regexp" || type == "fuzzy") {
    return ParseSingleFieldString(p, type);
  }
  if (type == "exists") {
    const json::Value* f = p.find("field");
    if (f == nullptr || !f->is_string()) return ParsingError("[exists] must be provided with a [field]");
    auto q = MakeExistsQuery(env_, f->text());
    if (const json::Value* b = p.find("boost")) q->boost = BoostOf(*b);
    return q;
  }
  if (type == "ids") {
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kIds;
    if (const json::Value* vals = p.find("values")) {
      if (!vals->is_array()) return ParsingError("[ids] query does not support [values] as a " + std::string(json::TypeName(vals->type())));
      std::vector<FieldValue> fvs;
      for (const auto& item : vals->items()) {
        auto fv = FieldValue::FromJson(item);
        if (fv.ok()) fvs.push_back(*fv);
      }
      auto r = MakeTermsQuery(env_, "_id", fvs);
      if (!r.ok()) return r;
      q = std::move(r).value();
    }
    if (const json::Value* b = p.find("boost")) q->boost = BoostOf(*b);
    return QueryPtr(std::move(q));
  }
  if (type == "constant_score") {
    const json::Value* f = p.find("filter");
    if (f == nullptr) return ParsingError("[constant_score] requires a 'filter' element");
    auto inner = ParseAt(*f, depth + 1);
    if (!inner.ok()) return inner;
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kConstantScore;
    q->inner = std::move(inner).value();
    if (const json::Value* b = p.find("boost")) q->boost = BoostOf(*b);
    return QueryPtr(std::move(q));
  }
  if (type == "dis_max") {
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kDisMax;
    const json::Value* qs = p.find("queries");
    if (qs == nullptr || (qs->is_array() && qs->size() == 0)) {
      return ParsingError("[dis_max] requires 'queries' field with at least one clause");
    }
    auto r = ParseClauses(*qs, depth, &q->should);
    if (!r.ok()) return r;
    if (const json::Value* t = p.find("tie_breaker")) q->tie_breaker = static_cast<float>(t->as_double());
    if (const json::Value* b = p.find("boost")) q->boost = BoostOf(*b);
    return QueryPtr(std::move(q));
  }
  if (type == "boosting") {
    const json::Value* pos = p.find("positive");
    const json::Value* neg = p.find("negative");
    if (pos == nullptr) return ParsingError("[boosting] query requires 'positive' query");
    if (neg == nullptr) return ParsingError("[boosting] query requires 'negative' query");
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kBoosting;
    auto a = ParseAt(*pos, depth + 1);
    if (!a.ok()) return a;
    auto b = ParseAt(*neg, depth + 1);
    if (!b.ok()) return b;
    q->inner = std::move(a).value();
    q->negative = std::move(b).value();
    if (const json::Value* nb = p.find("negative_boost")) q->negative_boost = static_cast<float>(nb->as_double());
    if (const json::Value* bb = p.find("boost")) q->boost = BoostOf(*bb);
    return QueryPtr(std::move(q));
  }
  if (type == "function_score") {
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kWrapper;
    const json::Value* inner = p.find("query");
    if (inner == nullptr) inner = p.find("filter");
    if (inner != nullptr) {
      auto r = ParseAt(*inner, depth + 1);
      if (!r.ok()) return r;
      q->inner = std::move(r).value();
    } else {
      q->inner = Query::MatchAll();
    }
    // Score functions are accepted and ignored (scores stay simple), but
    // their filters must still be valid queries.
    if (const json::Value* fns = p.find("functions"); fns != nullptr && fns->is_array()) {
      for (const auto& fn : fns->items()) {
        if (const json::Value* ff = fn.find("filter")) {
          auto r = ParseAt(*ff, depth + 1);
          if (!r.ok()) return r;
        }
      }
    }
    if (const json::Value* b = p.find("boost")) q->boost = BoostOf(*b);
    return QueryPtr(std::move(q));
  }
  if (type == "query_string") {
    auto q = ParseQueryString(env_, p, limits_.max_clauses);
    return q;
  }
  if (type == "simple_query_string") return ParseSimpleQueryString(env_, p, limits_.max_clauses);
  if (type == "type") {
    const json::Value* value = p.find("value");
    if (value == nullptr) return ParsingError("[type] filter needs to be provided with a value for the type");
    return TextOf(*value) == "doc" ? Query::MatchAll() : Query::MatchNone();
  }
  if (type == "nested") {
    const json::Value* path = p.find("path");
    return ShardError("query_shard_exception", "[nested] failed to find nested object under path [" +
                                                   (path ? TextOf(*path) : std::string()) + "]");
  }
  if (type == "has_child" || type == "has_parent" || type == "parent_id") {
    return ShardError("query_shard_exception", "[" + type + "] no join field has been configured");
  }
  if (type.rfind("geo_", 0) == 0) {
    std::string field;
    for (const auto& [k, x] : p.members()) {
      if (x.is_object() || x.is_array() || x.is_string()) {
        if (k != "_name" && k != "validation_method" && k != "type" && k != "distance_type") field = k;
      }
    }
    return ShardError("query_shard_exception", "failed to find geo_point field [" + field + "]");
  }
  if (type == "script") {
    return AppError("[script] queries are not supported: this service does not run scripts");
  }
  if (type == "filtered" || type == "indices" || type == "limit" || type == "fuzzy_like_this" ||
      type == "fuzzy_like_this_field" || type == "top_children" || type == "geohash_cell" ||
      type == "more_like_this_field") {
    return ParsingError("no [query] registered for [" + type + "]");
  }
  if (type.rfind("span_", 0) == 0 || type == "field_masking_span" || type == "percolate" ||
      type == "more_like_this" || type == "terms_set" || type == "template" || type == "wrapper") {
    return AppError("[" + type + "] queries are not supported by this service");
  }
  return ParsingError("no [query] registered for [" + type + "]");
}

}  // namespace buildhub::search
