#include "search/request.h"

#include <charconv>
#include <cmath>

#include "search/dsl_check.h"
#include "search/python_repr.h"
#include "search/search_error.h"

namespace buildhub::search {
namespace {

const char* TokenName(const json::Value& v) {
  switch (v.type()) {
    case json::Type::kNull: return "VALUE_NULL";
    case json::Type::kBool: return "VALUE_BOOLEAN";
    case json::Type::kNumber: return "VALUE_NUMBER";
    case json::Type::kString: return "VALUE_STRING";
    case json::Type::kArray: return "START_ARRAY";
    case json::Type::kObject: return "START_OBJECT";
  }
  return "VALUE";
}

// XContentParser.intValue(coerce=true): numbers (truncated) and numeric
// strings; -1 means "not given".
Result<int64_t> IntField(const json::Value& v, const char* name) {
  if (v.is_null()) return -1;  // as if not given
  std::string text;
  double d = 0;
  if (v.is_number()) {
    text = v.text();
    if (v.is_integer_literal()) {
      int64_t x;
      auto r = std::from_chars(text.data(), text.data() + text.size(), x);
      if (r.ec != std::errc() || x > INT32_MAX || x < INT32_MIN) {
        return RequestError("illegal_argument_exception", "Numeric value (" + text + ") out of range of int");
      }
      return x;
    }
    d = v.as_double();
  } else if (v.is_string()) {
    text = v.text();
    int64_t x;
    auto r = std::from_chars(text.data(), text.data() + text.size(), x);
    if (r.ec == std::errc() && r.ptr == text.data() + text.size()) {
      if (x > INT32_MAX || x < INT32_MIN) {
        return RequestError("illegal_argument_exception", "Numeric value (" + text + ") out of range of int");
      }
      return x;
    }
    char* end = nullptr;
    d = std::strtod(text.c_str(), &end);
    if (text.empty() || end == nullptr || *end != '\0') {
      return RequestError("number_format_exception", "For input string: \"" + text + "\"");
    }
  } else {
    return ParsingError(std::string("[") + name + "] expected a number, got " + TokenName(v));
  }
  if (!std::isfinite(d) || d > INT32_MAX || d < INT32_MIN) {
    return RequestError("illegal_argument_exception", "Numeric value (" + text + ") out of range of int");
  }
  return static_cast<int64_t>(d);
}

Result<bool> BoolField(const json::Value& v, const char* name) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_string() && (v.text() == "true" || v.text() == "false")) return v.text() == "true";
  return ParsingError(std::string("[") + name + "] expected a boolean, got " + TokenName(v));
}

Status ParseSuggest(const json::Value& v, const Mapping& mapping, std::vector<SuggestSpec>* out) {
  if (!v.is_object()) return ParsingError("[suggest] must be an object");
  std::string global;
  if (const json::Value* t = v.find("text"); t != nullptr && t->is_string()) global = t->text();
  for (const auto& [name, body] : v.members()) {
    if (name == "text") continue;
    if (!body.is_object()) return ParsingError("suggestion [" + name + "] must be an object");
    SuggestSpec s;
    s.name = name;
    s.text = global;
    bool has_text = !global.empty() || v.find("text") != nullptr;
    const json::Value* options = nullptr;
    for (const auto& [k, x] : body.members()) {
      if (k == "text") {
        s.text = x.is_string() ? x.text() : "";
        has_text = true;
      } else if (k == "prefix" || k == "regex") {
        s.text = x.is_string() ? x.text() : "";
        has_text = true;
      } else if (k == "term" || k == "phrase" || k == "completion") {
        if (options != nullptr) return ParsingError("suggestion [" + name + "] has more than one suggester");
        s.type = k;
        options = &x;
      } else {
        return ParsingError("suggester[" + k + "] not supported");
      }
    }
    if (options == nullptr) return ParsingError("suggestion [" + name + "] does not name a suggester");
    if (!has_text) {
      return IllegalArgument("The required text option is missing for suggestion [" + name + "]");
    }
    if (!options->is_object()) return ParsingError("[" + s.type + "] suggester options must be an object");
    const json::Value* field = options->find("field");
    if (field == nullptr || !field->is_string()) {
      return IllegalArgument("the required field option is missing");
    }
    s.field = field->text();
    if (s.type == "completion") {
      return ShardError("illegal_argument_exception", "Field [" + s.field + "] is not a completion suggest field");
    }
    (void)mapping;
    out->push_back(std::move(s));
  }
  return Status::Ok();
}

}  // namespace

Status CheckSizeCap(const json::Value& body, int64_t max_search_size) {
  const json::Value* size = body.find("size");
  if (size == nullptr || !size->truthy()) return Status::Ok();
  int64_t n;
  bool overflow;
  Status s = PythonInt(*size, &n, &overflow);
  if (!s.ok()) return AppError(s.message());
  if (n > max_search_size) return AppError("Search size too large (" + PythonStr(*size) + ")");
  return Status::Ok();
}

Result<SearchRequest> ParseSearchRequest(const json::Value& body, const Mapping& mapping,
                                         const EngineOptions& options, int64_t now_ms) {
  Status dsl = CheckDsl(body);
  if (!dsl.ok()) return dsl;
  SearchRequest r;
  QueryEnv env{&mapping, now_ms};
  QueryLimits limits{options.max_depth, options.max_clauses};
  QueryParser parser(env, limits);

  // The order elasticsearch-dsl re-serialised the body in.
  if (const json::Value* q = body.find("query")) {
    auto parsed = parser.Parse(*q);
    if (!parsed.ok()) return parsed.status();
    r.query = std::shared_ptr<Query>(std::move(parsed).value());
  }
  if (const json::Value* q = body.find("post_filter")) {
    auto parsed = parser.Parse(*q);
    if (!parsed.ok()) return parsed.status();
    r.post_filter = std::shared_ptr<Query>(std::move(parsed).value());
  }
  const json::Value* aggs = body.find("aggs");
  if (aggs == nullptr) aggs = body.find("aggregations");
  if (aggs != nullptr && aggs->truthy()) {
    QueryParser agg_parser(env, limits);
    auto parsed = ParseAggregations(*aggs, agg_parser, mapping, now_ms);
    if (!parsed.ok()) return parsed.status();
    r.aggs = std::move(parsed).value();
  }
  if (const json::Value* s = body.find("sort")) {
    auto parsed = ParseSort(*s, mapping);
    if (!parsed.ok()) return parsed.status();
    r.sort = std::move(parsed).value();
    // Sorting by score alone is no sort at all for ES (no "sort" values).
    if (r.sort.size() == 1 && r.sort[0].kind == SortField::Kind::kScore && r.sort[0].desc) r.sort.clear();
  }
  bool stored_fields_none = false;
  bool has_source_key = body.find("_source") != nullptr;
  for (const auto& [k, v] : body.members()) {
    if (k == "query" || k == "post_filter" || k == "aggs" || k == "aggregations" || k == "sort" ||
        k == "_source" || k == "highlight" || k == "suggest") {
      continue;
    }
    if (k == "from" || k == "size") {
      auto n = IntField(v, k.c_str());
      if (!n.ok()) return n.status();
      if (*n < -1) {
        return IllegalArgument("[" + k + "] parameter cannot be negative, found [" + std::to_string(*n) + "]");
      }
      if (*n != -1) (k == "from" ? r.from : r.size) = *n;
    } else if (k == "track_total_hits") {
      if (v.is_number()) {
        r.track_total_hits = v.as_double() != 0;
      } else {
        auto b = BoolField(v, "track_total_hits");
        if (!b.ok()) return b.status();
        r.track_total_hits = *b;
      }
    } else if (k == "track_scores") {
      auto b = BoolField(v, "track_scores");
      if (!b.ok()) return b.status();
      r.track_scores = *b;
    } else if (k == "version" || k == "explain" || k == "profile" || k == "seq_no_primary_term") {
      auto b = BoolField(v, k.c_str());
      if (!b.ok()) return b.status();
      if (k == "version") r.version = *b;
      if (k == "explain") r.explain = *b;
    } else if (k == "min_score") {
      if (!v.is_number()) return ParsingError("[min_score] expected a number, got " + std::string(TokenName(v)));
      r.min_score = v.as_double();
    } else if (k == "timeout") {
      if (!v.is_string() && !v.is_number()) return ParsingError("[timeout] expected a time value");
    } else if (k == "terminate_after") {
      auto n = IntField(v, "terminate_after");
      if (!n.ok()) return n.status();
      if (*n < 0) return IllegalArgument("terminateAfter must be > 0");
    } else if (k == "stored_fields") {
      if (v.is_string()) {
        stored_fields_none = v.text() == "_none_" || v.text() != "_source";
      } else if (v.is_array()) {
        bool wants_source = false;
        for (const auto& x : v.items()) wants_source |= x.is_string() && (x.text() == "_source" || x.text() == "*");
        stored_fields_none = !wants_source;
      }
    } else if (k == "docvalue_fields") {
      if (!v.is_array()) return ParsingError("[docvalue_fields] expected an array");
      for (const auto& x : v.items()) {
        std::string name;
        if (x.is_string()) name = x.text();
        if (x.is_object()) {
          if (const json::Value* f = x.find("field"); f != nullptr && f->is_string()) name = f->text();
        }
        if (name.empty()) return ParsingError("[docvalue_fields] expected field names");
        const FieldInfo* info = mapping.Find(name);
        if (info != nullptr && info->type == FieldType::kText) {
          return ShardError("illegal_argument_exception",
                            "Fielddata is disabled on text fields by default. Set fielddata=true on [" + info->path +
                                "] in order to load fielddata in memory by uninverting the inverted index. Note "
                                "that this can however use significant memory. Alternatively use a keyword field "
                                "instead.");
        }
        r.docvalue_fields.push_back(name);
      }
    } else if (k == "search_after") {
      if (!v.is_array()) return ParsingError("[search_after] expected an array");
      r.search_after = v;
    } else if (k == "script_fields") {
      return AppError("script_fields are not supported: this service does not run scripts");
    } else if (k == "collapse") {
      return AppError("field collapsing (collapse) is not supported by this service");
    } else if (k == "rescore" || k == "indices_boost" || k == "slice" || k == "ext" || k == "stats" ||
               k == "batched_reduce_size" || k == "allow_partial_search_results" || k == "request_cache") {
      // accepted; they change scores or execution only
    } else {
      return ParsingError("Unknown key for a " + std::string(TokenName(v)) + " in [" + k + "].");
    }
  }
  if (const json::Value* s = body.find("_source")) {
    auto parsed = ParseSourceFilter(*s);
    if (!parsed.ok()) return parsed.status();
    r.source = *parsed;
  } else if (stored_fields_none) {
    r.source.fetch = false;
  }
  (void)has_source_key;
  if (const json::Value* h = body.find("highlight")) {
    auto parsed = ParseHighlight(*h, parser);
    if (!parsed.ok()) return parsed.status();
    r.highlight = std::move(parsed).value();
  }
  if (const json::Value* s = body.find("suggest")) {
    Status st = ParseSuggest(*s, mapping, &r.suggest);
    if (!st.ok()) return st;
  }
  if (r.search_after) {
    if (r.from > 0) {
      return IllegalArgument("`from` parameter must be set to 0 when `search_after` is used.");
    }
    size_t want = r.sort.empty() ? 1 : r.sort.size();
    if (r.search_after->size() != want) {
      return IllegalArgument("search_after has " + std::to_string(r.search_after->size()) +
                             " value(s) but sort has " + std::to_string(want) + ".");
    }
  }
  if (r.from + r.size > options.max_result_window) {
    return FlatError("Result window is too large, from + size must be less than or equal to: [" +
                     std::to_string(options.max_result_window) + "] but was [" + std::to_string(r.from + r.size) +
                     "]. See the scroll api for a more efficient way to request large data sets. This limit can be "
                     "set by changing the [index.max_result_window] index level setting.");
  }
  return r;
}

}  // namespace buildhub::search
