#include "search/dsl_check.h"

#include <string_view>

#include "search/python_repr.h"
#include "search/search_error.h"

namespace buildhub::search {
namespace {

constexpr std::string_view kQueryNames[] = {
    "match_all", "match_none", "bool", "function_score", "boosting", "constant_score", "dis_max",
    "filtered", "indices", "percolate", "nested", "has_child", "has_parent", "top_children",
    "span_first", "span_multi", "span_near", "span_not", "span_or", "field_masking_span",
    "span_containing", "span_within", "common", "fuzzy", "fuzzy_like_this",
    "fuzzy_like_this_field", "geo_bounding_box", "geo_distance", "geo_distance_range",
    "geo_polygon", "geo_shape", "geohash_cell", "ids", "limit", "match", "match_phrase",
    "match_phrase_prefix", "exists", "more_like_this", "more_like_this_field", "multi_match",
    "prefix", "query_string", "range", "regexp", "simple_query_string", "span_term", "template",
    "term", "terms", "terms_set", "wildcard", "script", "type", "parent_id"};

constexpr std::string_view kAggNames[] = {
    "filter", "filters", "children", "date_histogram", "date_range", "geo_distance",
    "geohash_grid", "geo_centroid", "global", "histogram", "ip_range", "missing", "nested",
    "range", "reverse_nested", "significant_terms", "significant_text", "terms", "sampler",
    "diversified_sampler", "composite", "top_hits", "avg", "cardinality", "extended_stats",
    "geo_bounds", "max", "min", "percentiles", "percentile_ranks", "scripted_metric", "stats",
    "sum", "value_count", "avg_bucket", "bucket_script", "bucket_selector", "cumulative_sum",
    "derivative", "extended_stats_bucket", "max_bucket", "min_bucket", "moving_avg",
    "percentiles_bucket", "serial_diff", "stats_bucket", "sum_bucket", "bucket_sort"};

// Bucket aggregations: elasticsearch-dsl parses their `aggs` with A().
constexpr std::string_view kBucketAggs[] = {
    "filter", "filters", "children", "date_histogram", "date_range", "geo_distance",
    "geohash_grid", "global", "histogram", "ip_range", "missing", "nested", "range",
    "reverse_nested", "significant_terms", "significant_text", "terms", "sampler",
    "diversified_sampler", "composite"};

constexpr std::string_view kScoreFunctions[] = {"script_score", "boost_factor", "random_score",
                                                "field_value_factor", "linear", "gauss", "exp"};

template <size_t N>
bool In(const std::string_view (&list)[N], std::string_view name) {
  for (std::string_view s : list) {
    if (s == name) return true;
  }
  return false;
}

// Query parameters elasticsearch-dsl parses with Q(): (query, param, multi).
struct QueryParam {
  std::string_view query;
  std::string_view param;
  bool multi;
};
constexpr QueryParam kQueryParams[] = {
    {"bool", "must", true},          {"bool", "should", true},
    {"bool", "must_not", true},      {"bool", "filter", true},
    {"function_score", "query", false}, {"function_score", "filter", false},
    {"boosting", "positive", false}, {"boosting", "negative", false},
    {"constant_score", "query", false}, {"constant_score", "filter", false},
    {"dis_max", "queries", true},    {"filtered", "query", false},
    {"filtered", "filter", false},   {"indices", "query", false},
    {"indices", "no_match_query", false}, {"nested", "query", false},
    {"has_child", "query", false},   {"has_parent", "query", false},
    {"top_children", "query", false}, {"span_first", "match", false},
    {"span_multi", "match", false},  {"span_near", "clauses", true},
    {"span_not", "exclude", false},  {"span_not", "include", false},
    {"span_or", "clauses", true},    {"field_masking_span", "query", false},
    {"span_containing", "big", false}, {"span_containing", "little", false},
    {"span_within", "big", false},   {"span_within", "little", false},
};

class Checker {
 public:
  Status Query(const json::Value& v, size_t depth) {
    if (depth > kMaxDepth) return AppError("query nested too deeply");
    if (!v.is_object()) {
      // Q("match_all") builds the named query; anything else is unknown.
      if (v.is_string() && In(kQueryNames, v.text())) return Status::Ok();
      return AppError("DSL class `" + PythonStr(v) + "` does not exist in query.");
    }
    if (v.size() != 1) {
      return AppError(
          "Q() can only accept dict with a single query ({\"match\": {...}}). Instead it got (" +
          PythonRepr(v) + ")");
    }
    const auto& [name, params] = v.members().front();
    if (!In(kQueryNames, name)) return AppError("DSL class `" + name + "` does not exist in query.");
    if (!params.is_object()) {
      return AppError("[" + name + "] query must be an object, got " + PythonRepr(params));
    }
    for (const auto& [pname, pvalue] : params.members()) {
      for (const QueryParam& qp : kQueryParams) {
        if (qp.query != name || qp.param != pname) continue;
        if (qp.multi && pvalue.is_array()) {
          for (const auto& item : pvalue.items()) {
            Status s = Query(item, depth + 1);
            if (!s.ok()) return s;
          }
        } else {
          Status s = Query(pvalue, depth + 1);
          if (!s.ok()) return s;
        }
      }
      if (name == "function_score" && pname == "functions") {
        Status s = Functions(pvalue, depth);
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  Status Functions(const json::Value& v, size_t depth) {
    if (!v.is_array()) return AppError("[function_score] functions must be a list");
    for (const auto& fn : v.items()) {
      if (!fn.is_object()) return AppError("[function_score] each function must be an object");
      size_t others = 0;
      std::string name;
      for (const auto& [k, val] : fn.members()) {
        if (k == "query" || k == "filter") {
          Status s = Query(val, depth + 1);
          if (!s.ok()) return s;
        } else if (k != "weight") {
          ++others;
          name = k;
        }
      }
      if (others > 1) {
        return AppError("SF() got an unexpected fields in the dictionary: " + PythonRepr(fn));
      }
      if (others == 1 && !In(kScoreFunctions, name)) {
        return AppError("DSL class `" + name + "` does not exist in score_function.");
      }
    }
    return Status::Ok();
  }

  Status Aggs(const json::Value& aggs, size_t depth) {
    if (!aggs.is_object()) return AppError("aggregations must be an object, got " + PythonRepr(aggs));
    for (const auto& [name, value] : aggs.members()) {
      Status s = Agg(value, depth);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  Status Agg(const json::Value& v, size_t depth) {
    if (depth > kMaxDepth) return AppError("aggregations nested too deeply");
    if (!v.is_object()) {
      if (v.is_string() && In(kAggNames, v.text())) return Status::Ok();
      return AppError("DSL class `" + PythonStr(v) + "` does not exist in agg.");
    }
    const json::Value* sub = nullptr;
    const json::Member* type = nullptr;
    size_t others = 0;
    for (const auto& m : v.members()) {
      if (m.first == "aggs") {
        sub = &m.second;
      } else if (m.first != "meta") {
        ++others;
        type = &m;
      }
    }
    if (others != 1) {
      return AppError(
          "A() can only accept dict with an aggregation ({\"terms\": {...}}). Instead it got (" +
          PythonRepr(v) + ")");
    }
    const std::string& agg_type = type->first;
    if (!In(kAggNames, agg_type)) return AppError("DSL class `" + agg_type + "` does not exist in agg.");
    const json::Value& params = type->second;
    if (!params.is_object()) {
      return AppError("[" + agg_type + "] aggregation must be an object, got " + PythonRepr(params));
    }
    if (agg_type == "filter") {
      if (const json::Value* f = params.find("filter")) {
        Status s = Query(*f, depth + 1);
        if (!s.ok()) return s;
      }
    }
    if (agg_type == "filters") {
      if (const json::Value* f = params.find("filters"); f != nullptr && f->is_object()) {
        for (const auto& [k, q] : f->members()) {
          Status s = Query(q, depth + 1);
          if (!s.ok()) return s;
        }
      }
    }
    if (sub != nullptr && sub->truthy() && In(kBucketAggs, agg_type)) {
      return Aggs(*sub, depth + 1);
    }
    return Status::Ok();
  }

 private:
  // Python's recursion limit would have stopped the original around here.
  static constexpr size_t kMaxDepth = 400;
};

}  // namespace

Status CheckDsl(const json::Value& body) {
  Checker c;
  if (const json::Value* q = body.find("query")) {
    Status s = c.Query(*q, 0);
    if (!s.ok()) return s;
  }
  if (const json::Value* q = body.find("post_filter")) {
    Status s = c.Query(*q, 0);
    if (!s.ok()) return s;
  }
  // d.pop('aggs', d.pop('aggregations', {})): `aggs` wins when both are given.
  const json::Value* aggs = body.find("aggs");
  if (aggs == nullptr) aggs = body.find("aggregations");
  if (aggs != nullptr && aggs->truthy()) return c.Aggs(*aggs, 0);
  return Status::Ok();
}

}  // namespace buildhub::search
