#include "search/aggs.h"

#include "search/agg_internal.h"

namespace buildhub::search {

using agg::ParseEnv;

Status AggContext::AddBuckets(size_t n) {
  buckets += n;
  if (buckets > max_buckets) {
    return FlatError("Trying to create too many buckets. Must be less than or equal to: [" +
                     std::to_string(max_buckets) + "] but was [" + std::to_string(buckets) +
                     "]. This limit can be set by changing the [search.max_buckets] cluster level setting.");
  }
  return Status::Ok();
}

Status Aggregation::Write(const Roaring& docs, AggContext& ctx, JsonOut& out) const {
  if (ctx.deadline.Expired()) return TimeBudgetError(ctx.deadline);
  out.Key(name);
  out.BeginObject();
  if (!meta.is_null()) {
    out.Key("meta");
    out.Raw(json::Write(meta));
  }
  Status s = WriteBody(docs, ctx, out);
  if (!s.ok()) return s;
  out.EndObject();
  return Status::Ok();
}

Status Aggregation::WriteSubs(const Roaring& docs, AggContext& ctx, JsonOut& out) const {
  for (const auto& sub : subs) {
    Status s = sub->Write(docs, ctx, out);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

const Aggregation* Aggregation::FindSub(std::string_view n) const {
  for (const auto& sub : subs) {
    if (sub->name == n) return sub.get();
  }
  return nullptr;
}

Result<double> Aggregation::OrderValue(const Roaring&, std::string_view path, AggContext&) const {
  return FlatError("Invalid aggregation order path [" + name + std::string(path) +
                   "]. Buckets can only be sorted on a sub-aggregator path that is built out of zero or more "
                   "single-bucket aggregations within the path and a final single-bucket or a metrics "
                   "aggregation at the path end.");
}

Status Aggregation::CheckOrderPath(std::string_view path) const {
  return FlatError("Invalid aggregation order path [" + name + std::string(path) +
                   "]. Buckets can only be sorted on a sub-aggregator path that is built out of zero or more "
                   "single-bucket aggregations within the path and a final single-bucket or a metrics "
                   "aggregation at the path end.");
}

namespace {

struct Entry {
  const char* type;
  agg::Factory factory;
};

Result<std::unique_ptr<Aggregation>> Avg(const std::string& n, const json::Value& p, ParseEnv& e) {
  return agg::NewMetric(n, p, e, "avg");
}
Result<std::unique_ptr<Aggregation>> Min(const std::string& n, const json::Value& p, ParseEnv& e) {
  return agg::NewMetric(n, p, e, "min");
}
Result<std::unique_ptr<Aggregation>> Max(const std::string& n, const json::Value& p, ParseEnv& e) {
  return agg::NewMetric(n, p, e, "max");
}
Result<std::unique_ptr<Aggregation>> Sum(const std::string& n, const json::Value& p, ParseEnv& e) {
  return agg::NewMetric(n, p, e, "sum");
}
Result<std::unique_ptr<Aggregation>> Stats(const std::string& n, const json::Value& p, ParseEnv& e) {
  return agg::NewMetric(n, p, e, "stats");
}
Result<std::unique_ptr<Aggregation>> ExtendedStats(const std::string& n, const json::Value& p, ParseEnv& e) {
  return agg::NewMetric(n, p, e, "extended_stats");
}

constexpr Entry kAggs[] = {
    {"terms", agg::NewTerms},
    {"filter", agg::NewFilter},
    {"filters", agg::NewFilters},
    {"global", agg::NewGlobal},
    {"missing", agg::NewMissing},
    {"histogram", agg::NewHistogram},
    {"date_histogram", agg::NewDateHistogram},
    {"range", agg::NewRange},
    {"date_range", agg::NewDateRange},
    {"avg", Avg},
    {"min", Min},
    {"max", Max},
    {"sum", Sum},
    {"stats", Stats},
    {"extended_stats", ExtendedStats},
    {"cardinality", agg::NewCardinality},
    {"value_count", agg::NewValueCount},
    {"percentiles", agg::NewPercentiles},
    {"top_hits", agg::NewTopHits},
};

bool IsMetricType(const std::string& t) {
  return t == "avg" || t == "min" || t == "max" || t == "sum" || t == "stats" || t == "extended_stats" ||
         t == "cardinality" || t == "value_count" || t == "percentiles" || t == "top_hits" ||
         t == "percentile_ranks" || t == "geo_bounds" || t == "geo_centroid" || t == "scripted_metric";
}

}  // namespace

Result<AggList> ParseAggregations(const json::Value& aggs, QueryParser& parser, const Mapping& mapping,
                                  int64_t now_ms, size_t depth) {
  AggList out;
  if (!aggs.is_object()) return ParsingError("Expected [START_OBJECT] under [aggregations]");
  if (depth > 32) return AppError("aggregations nested deeper than 32 levels");
  ParseEnv env{parser, mapping, now_ms};
  for (const auto& [name, body] : aggs.members()) {
    if (name.find_first_of("[]>") != std::string::npos) {
      return ParsingError("Invalid aggregation name [" + name +
                          "]. Aggregation names can contain any character except '[', ']', and '>'");
    }
    if (!body.is_object()) {
      // elasticsearch-dsl's A("terms") form: a type with no parameters.
      if (body.is_string()) {
        json::Value obj = json::Value::Object();
        obj.set(body.text(), json::Value::Object());
        json::Value wrapped = json::Value::Object();
        wrapped.set(name, obj);
        auto r = ParseAggregations(wrapped, parser, mapping, now_ms, depth);
        if (!r.ok()) return r;
        for (auto& a : *r) out.push_back(std::move(a));
        continue;
      }
      return ParsingError("Expected [START_OBJECT] under [" + name + "], but got a [" +
                          std::string(json::TypeName(body.type())) + "]");
    }
    const json::Value* subs = nullptr;
    const json::Value* meta = nullptr;
    const json::Member* type = nullptr;
    for (const auto& m : body.members()) {
      if (m.first == "aggs" || m.first == "aggregations") {
        if (subs != nullptr) {
          return ParsingError("Found two sub aggregation definitions under [" + name + "]");
        }
        subs = &m.second;
      } else if (m.first == "meta") {
        meta = &m.second;
      } else if (type != nullptr) {
        return ParsingError("Found two aggregation type definitions in [" + name + "]: [" + type->first +
                            "] and [" + m.first + "]");
      } else {
        type = &m;
      }
    }
    if (type == nullptr) return ParsingError("Missing definition for aggregation [" + name + "]");
    const std::string& t = type->first;
    if (!type->second.is_object()) {
      return ParsingError("Expected [START_OBJECT] under [" + t + "], but got a [" +
                          std::string(json::TypeName(type->second.type())) + "] in [" + name + "]");
    }
    agg::Factory factory = nullptr;
    for (const Entry& e : kAggs) {
      if (t == e.type) factory = e.factory;
    }
    if (factory == nullptr) {
      static const char* kKnown[] = {"children", "geo_distance", "geohash_grid", "geo_centroid", "ip_range",
                                     "nested", "reverse_nested", "significant_terms", "significant_text",
                                     "sampler", "diversified_sampler", "composite", "geo_bounds",
                                     "percentile_ranks", "scripted_metric", "avg_bucket", "bucket_script",
                                     "bucket_selector", "cumulative_sum", "derivative", "extended_stats_bucket",
                                     "max_bucket", "min_bucket", "moving_avg", "percentiles_bucket",
                                     "serial_diff", "stats_bucket", "sum_bucket", "bucket_sort",
                                     "adjacency_matrix", "weighted_avg", "moving_fn", "auto_date_histogram",
                                     "median_absolute_deviation", "geotile_grid"};
      for (const char* k : kKnown) {
        if (t == k) return AppError("aggregation type [" + t + "] (in [" + name + "]) is not supported by this service");
      }
      return ParsingError("Unknown aggregation type [" + t + "] did you mean [terms]?");
    }
    auto a = factory(name, type->second, env);
    if (!a.ok()) return a.status();
    std::unique_ptr<Aggregation> agg = std::move(a).value();
    agg->name = name;
    if (meta != nullptr) {
      if (!meta->is_object()) return ParsingError("[meta] must be an object in [" + name + "]");
      agg->meta = *meta;
    }
    if (subs != nullptr && subs->truthy()) {
      if (IsMetricType(t)) {
        return RequestError("aggregation_initialization_exception",
                            "Aggregator [" + name + "] of type [" + t + "] cannot accept sub-aggregations");
      }
      auto s = ParseAggregations(*subs, parser, mapping, now_ms, depth + 1);
      if (!s.ok()) return s.status();
      agg->subs = std::move(s).value();
    }
    Status valid = agg->Validate();
    if (!valid.ok()) return valid;
    out.push_back(std::move(agg));
  }
  return out;
}

Status WriteAggregations(const AggList& aggs, const Roaring& docs, AggContext& ctx, JsonOut& out) {
  out.Key("aggregations");
  out.BeginObject();
  for (const auto& a : aggs) {
    Status s = a->Write(docs, ctx, out);
    if (!s.ok()) return s;
  }
  out.EndObject();
  return Status::Ok();
}

namespace agg {

Result<AggField> ResolveField(const json::Value& params, const ParseEnv& env, const std::string& agg_name) {
  if (params.find("script") != nullptr) {
    return AppError("scripts are not supported (aggregation [" + agg_name + "]): this service does not run scripts");
  }
  const json::Value* f = params.find("field");
  if (f == nullptr) {
    return ShardError("illegal_argument_exception", "Required one of fields [field, script], but none were specified. ");
  }
  if (!f->is_string()) return ParsingError("[field] must be a string in [" + agg_name + "]");
  AggField out;
  out.name = f->text();
  // _id holds the same strings as the `id` keyword field.
  const FieldInfo* info = env.mapping.Find(out.name == "_id" ? std::string("id") : out.name);
  if (info != nullptr && info->type == FieldType::kObject) info = nullptr;
  if (info != nullptr && info->type == FieldType::kText) {
    return ShardError("illegal_argument_exception",
                      "Fielddata is disabled on text fields by default. Set fielddata=true on [" + info->path +
                          "] in order to load fielddata in memory by uninverting the inverted index. Note that "
                          "this can however use significant memory. Alternatively use a keyword field instead.");
  }
  out.info = info;
  return out;
}

Result<std::vector<BucketOrder>> ParseOrder(const json::Value& v) {
  std::vector<BucketOrder> out;
  auto one = [&](const json::Value& o) -> Status {
    if (!o.is_object()) return ParsingError("Order elements must be objects");
    for (const auto& [k, dir] : o.members()) {
      BucketOrder b;
      std::string d = dir.is_string() ? dir.text() : "";
      for (char& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (d == "asc") {
        b.asc = true;
      } else if (d == "desc") {
        b.asc = false;
      } else {
        return ParsingError("Unknown order direction [" + (dir.is_string() ? dir.text() : json::Write(dir)) + "]");
      }
      if (k == "_count") {
        b.kind = BucketOrder::Kind::kCount;
      } else if (k == "_key" || k == "_term" || k == "_time") {
        b.kind = BucketOrder::Kind::kKey;
      } else {
        b.kind = BucketOrder::Kind::kPath;
        b.path = k;
      }
      out.push_back(std::move(b));
    }
    return Status::Ok();
  };
  if (v.is_array()) {
    for (const auto& o : v.items()) {
      Status s = one(o);
      if (!s.ok()) return s;
    }
  } else {
    Status s = one(v);
    if (!s.ok()) return s;
  }
  return out;
}

namespace {

// Splits an order path at its first sub-aggregation name: the longest
// prefix naming a sub of `owner` (names may hold dots).
const Aggregation* SplitPath(const Aggregation& owner, std::string_view path, std::string_view* rest) {
  for (const auto& sub : owner.subs) {
    std::string_view n = sub->name;
    if (path.substr(0, n.size()) == n &&
        (path.size() == n.size() || path[n.size()] == '.' || path[n.size()] == '>' || path[n.size()] == '[')) {
      *rest = path.substr(n.size());
      return sub.get();
    }
  }
  return nullptr;
}

}  // namespace

Status CheckOrders(const std::vector<BucketOrder>& orders, const Aggregation& owner) {
  for (const BucketOrder& o : orders) {
    if (o.kind != BucketOrder::Kind::kPath) continue;
    std::string_view rest;
    const Aggregation* sub = SplitPath(owner, o.path, &rest);
    if (sub == nullptr) {
      std::string n = o.path.substr(0, o.path.find_first_of(".>["));
      return FlatError("Invalid aggregation order path [" + o.path + "]. Unknown aggregation [" + n + "]");
    }
    Status s = sub->CheckOrderPath(rest);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<double> PathValue(const BucketOrder& order, const Aggregation& owner, const Roaring& docs, AggContext& ctx) {
  std::string_view rest;
  const Aggregation* sub = SplitPath(owner, order.path, &rest);
  if (sub == nullptr) return FlatError("Invalid aggregation order path [" + order.path + "]");
  return sub->OrderValue(docs, rest, ctx);
}

bool BoolParam(const json::Value& params, const char* key, bool fallback) {
  const json::Value* v = params.find(key);
  if (v == nullptr) return fallback;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) return v->text() == "true" ? true : (v->text() == "false" ? false : fallback);
  return fallback;
}

std::string StringParam(const json::Value& params, const char* key) {
  const json::Value* v = params.find(key);
  if (v == nullptr) return "";
  if (v->is_string() || v->is_number()) return v->text();
  return "";
}

}  // namespace agg
}  // namespace buildhub::search
