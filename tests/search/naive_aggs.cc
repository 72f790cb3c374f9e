// The oracle's aggregations: every bucket is a plain list of documents and
// every metric is computed by walking it. Response shapes are ES 6.7's.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "search/dates.h"
#include "search/naive_internal.h"

namespace buildhub::search::oracle {

namespace {

using json::Value;
using Docs = std::vector<const PreparedDoc*>;

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

const std::set<std::string>& MetricTypes() {
  static const std::set<std::string> t = {"cardinality", "value_count", "min", "max",
                                          "sum",         "avg",         "stats", "top_hits"};
  return t;
}
const std::set<std::string>& ModeledTypes() {
  static const std::set<std::string> t = {
      "terms", "filter", "filters", "cardinality", "value_count", "min", "max", "sum", "avg",
      "stats", "top_hits", "date_histogram", "histogram", "range", "missing"};
  return t;
}

std::string FielddataMessage(const std::string& field) {
  return "Fielddata is disabled on text fields by default. Set fielddata=true on [" + field +
         "] in order to load fielddata in memory by uninverting the inverted index. Note that "
         "this can however use significant memory. Alternatively use a keyword field instead.";
}

// Resolves `field` of a field-based aggregation; text fields are a 400.
// `numeric_only`: min/max/sum/avg/stats/histogram refuse keyword fields.
std::optional<std::string> ResolveField(const Value& params, AggPlan* plan, bool numeric_only) {
  const Value* field = params.find("field");
  if (field == nullptr) {
    if (params.find("script")) return std::string("scripts are not modelled");
    return "Required one of fields [field, script], but none were specified. ";
  }
  if (!field->is_string()) return "[field] must be a string";
  plan->has_field = true;
  plan->field = FindField(field->text());
  if (plan->field < 0) return std::nullopt;  // unmapped
  FieldType type = Fields()[plan->field].type;
  if (type == FieldType::kText) return FielddataMessage(field->text());
  if (numeric_only && type == FieldType::kKeyword) {
    return "Field [" + field->text() + "] of type [keyword] is not supported for aggregation [" +
           plan->type + "]";
  }
  return std::nullopt;
}

Compiled<std::vector<TermsOrder>> ParseOrder(const Value& v, const std::string& agg_name) {
  std::vector<const Value*> items;
  if (v.is_array()) {
    for (const auto& i : v.items()) items.push_back(&i);
  } else {
    items.push_back(&v);
  }
  std::vector<TermsOrder> out;
  for (const Value* item : items) {
    if (!item->is_object() || item->size() != 1) return Error<std::vector<TermsOrder>>("[order] must be an object with one key");
    const auto& [key, dir] = item->members()[0];
    if (!dir.is_string() || (dir.text() != "asc" && dir.text() != "desc")) {
      return Error<std::vector<TermsOrder>>("Unknown order direction [" + json::Write(dir) + "] for aggregation [" + agg_name + "]");
    }
    TermsOrder o;
    o.ascending = dir.text() == "asc";
    if (key == "_count") {
      o.kind = TermsOrder::Kind::kCount;
    } else if (key == "_key" || key == "_term") {
      o.kind = TermsOrder::Kind::kKey;
    } else {
      o.kind = TermsOrder::Kind::kSubAgg;
      if (key.find('>') != std::string::npos || key.find('[') != std::string::npos) {
        return NotModeled<std::vector<TermsOrder>>("order paths through several aggregations");
      }
      size_t dot = key.find('.');
      o.sub = key.substr(0, dot);
      if (dot != std::string::npos) o.metric = key.substr(dot + 1);
    }
    out.push_back(o);
  }
  Compiled<std::vector<TermsOrder>> c;
  c.value = out;
  return c;
}

// include/exclude: a regex string or an array of exact values.
std::optional<std::string> ParseIncludeExclude(const Value& v, const std::string& which,
                                               AggPlan* plan, bool* not_modeled) {
  bool numeric = plan->field >= 0 && Fields()[plan->field].type != FieldType::kKeyword;
  if (v.is_string()) {
    if (numeric) {
      return "Aggregation [" + plan->name +
             "] cannot support regular expression style include/exclude settings as they can "
             "only be applied to string fields. Use an array of numeric values for "
             "include/exclude clauses used to filter numeric fields";
    }
    auto m = TermMatcher::Regexp(v.text());
    if (!m.ok()) return m.status().message();
    (which == "include" ? plan->include_regex : plan->exclude_regex) = *m;
    return std::nullopt;
  }
  if (v.is_array()) {
    if (plan->field >= 0 && Fields()[plan->field].type == FieldType::kDate) {
      *not_modeled = true;
      return "include/exclude values on a date field";
    }
    std::vector<std::string> values;
    for (const auto& item : v.items()) {
      if (numeric) {
        // Numeric fields compare parsed longs; keep their canonical form.
        if (item.is_number() && item.is_integer_literal()) {
          values.push_back(std::to_string(*item.as_exact_int64()));
        } else if (auto n = IntParam(item)) {
          values.push_back(std::to_string(*n));
        } else {
          *not_modeled = true;
          return "non-integer include/exclude values on a long field";
        }
      } else if (item.is_string()) {
        values.push_back(item.text());
      } else if (item.is_number()) {
        values.push_back(item.text());
      } else {
        return "[" + which + "] values must be strings or numbers";
      }
    }
    (which == "include" ? plan->include_set : plan->exclude_set) = values;
    return std::nullopt;
  }
  *not_modeled = true;
  return which + " partitions";
}

Compiled<AggPlan> CompileOne(const std::string& name, const Value& agg, const QueryContext& ctx,
                             const std::vector<PreparedDoc>& corpus);

}  // namespace

Compiled<std::vector<AggPlan>> CompileAggs(const Value& aggs, const QueryContext& ctx,
                                           const std::vector<PreparedDoc>& corpus) {
  if (!aggs.is_object()) return Error<std::vector<AggPlan>>("Unexpected token in [aggs]: expected an object");
  std::vector<AggPlan> out;
  for (const auto& [name, agg] : aggs.members()) {
    auto p = CompileOne(name, agg, ctx, corpus);
    if (!p.ok()) {
      Compiled<std::vector<AggPlan>> c;
      c.problem = p.problem;
      return c;
    }
    out.push_back(std::move(*p.value));
  }
  Compiled<std::vector<AggPlan>> c;
  c.value = std::move(out);
  return c;
}

namespace {

Compiled<AggPlan> CompileOne(const std::string& name, const Value& agg, const QueryContext& ctx,
                             const std::vector<PreparedDoc>& corpus) {
  using R = Compiled<AggPlan>;
  if (name.find_first_of("[]>") != std::string::npos) {
    return Error<AggPlan>("Invalid aggregation name [" + name +
                          "]. Aggregation names can contain any character except '[', ']', and '>'");
  }
  if (!agg.is_object()) return Error<AggPlan>("Expected [START_OBJECT] under [" + name + "]");
  AggPlan plan;
  plan.name = name;
  const Value* params = nullptr;
  const Value* subs = nullptr;
  for (const auto& [k, v] : agg.members()) {
    if (k == "aggs" || k == "aggregations") {
      subs = &v;
    } else if (k == "meta") {
      plan.meta = v;
    } else {
      if (params != nullptr) return Error<AggPlan>("Found two aggregation type definitions in [" + name + "]");
      plan.type = k;
      params = &v;
    }
  }
  if (params == nullptr) return Error<AggPlan>("Missing definition for aggregation [" + name + "]");
  if (!ModeledTypes().count(plan.type)) return NotModeled<AggPlan>("aggregation type " + plan.type);
  if (subs != nullptr && subs->size() > 0 && MetricTypes().count(plan.type)) {
    return Error<AggPlan>("Aggregator [" + name + "] of type [" + plan.type +
                          "] cannot accept sub-aggregations");
  }
  const std::string& type = plan.type;
  if (type != "filter" && !params->is_object()) return Error<AggPlan>("[" + type + "] must be an object");

  auto check_keys = [&](const std::set<std::string>& allowed, const std::set<std::string>& unmodeled) -> std::optional<R> {
    for (const auto& [k, v] : params->members()) {
      if (unmodeled.count(k)) return NotModeled<AggPlan>(type + " option " + k);
      if (!allowed.count(k)) return Error<AggPlan>("[" + type + "] unknown field [" + k + "]");
    }
    return std::nullopt;
  };
  auto int_param = [&](const char* key, int64_t* into) -> std::optional<R> {
    if (const Value* v = params->find(key)) {
      auto n = IntParam(*v);
      if (!n) return Error<AggPlan>("[" + std::string(key) + "] must be an integer in [" + name + "]");
      *into = *n;
    }
    return std::nullopt;
  };

  if (type == "filter") {
    QueryContext inner = ctx;
    inner.filter = true;
    auto q = CompileQuery(*params, inner);
    if (!q.ok()) {
      R r;
      r.problem = q.problem;
      return r;
    }
    plan.filter = q.value->matches;
  } else if (type == "filters") {
    if (auto e = check_keys({"filters", "other_bucket", "other_bucket_key"}, {})) return *e;
    const Value* f = params->find("filters");
    if (f == nullptr) return Error<AggPlan>("[filters] cannot be null");
    QueryContext inner = ctx;
    inner.filter = true;
    auto add = [&](const std::string& key, const Value& q) -> std::optional<R> {
      auto c = CompileQuery(q, inner);
      if (!c.ok()) {
        R r;
        r.problem = c.problem;
        return r;
      }
      plan.filters.emplace_back(key, c.value->matches);
      return std::nullopt;
    };
    if (f->is_object()) {
      plan.filters_keyed = true;
      for (const auto& [k, q] : f->members()) {
        if (auto e = add(k, q)) return *e;
      }
      // ES keeps keyed filters in key order.
      std::stable_sort(plan.filters.begin(), plan.filters.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
    } else if (f->is_array()) {
      plan.filters_keyed = false;
      for (const auto& q : f->items()) {
        if (auto e = add("", q)) return *e;
      }
    } else {
      return Error<AggPlan>("[filters] must be an object or an array");
    }
    if (const Value* o = params->find("other_bucket")) {
      if (!o->is_bool()) return Error<AggPlan>("[other_bucket] must be a boolean");
      plan.other_bucket = o->as_bool();
    }
    if (const Value* o = params->find("other_bucket_key")) {
      if (!o->is_string()) return Error<AggPlan>("[other_bucket_key] must be a string");
      plan.other_bucket_key = o->text();
      plan.other_bucket = true;
    }
  } else if (type == "terms") {
    if (auto e = check_keys({"field", "size", "shard_size", "min_doc_count", "shard_min_doc_count",
                             "order", "include", "exclude", "missing", "execution_hint",
                             "collect_mode", "show_term_doc_count_error"},
                            {"script", "value_type", "format"})) {
      return *e;
    }
    if (auto err = ResolveField(*params, &plan, false)) return Error<AggPlan>(*err);
    if (auto e = int_param("size", &plan.size)) return *e;
    if (plan.size <= 0) {
      return Error<AggPlan>("[size] must be greater than 0. Found [" + std::to_string(plan.size) + "] in [" + name + "]");
    }
    int64_t shard_size = 0;
    if (auto e = int_param("shard_size", &shard_size)) return *e;
    if (auto e = int_param("min_doc_count", &plan.min_doc_count)) return *e;
    if (plan.min_doc_count < 0) {
      return Error<AggPlan>("[min_doc_count] must be greater than or equal to 0. Found [" +
                            std::to_string(plan.min_doc_count) + "] in [" + name + "]");
    }
    if (const Value* v = params->find("show_term_doc_count_error"); v && v->is_bool() && v->as_bool()) {
      return NotModeled<AggPlan>("show_term_doc_count_error");
    }
    plan.order = {TermsOrder{TermsOrder::Kind::kCount, false, "", ""}};
    if (const Value* o = params->find("order")) {
      auto parsed = ParseOrder(*o, name);
      if (!parsed.ok()) {
        R r;
        r.problem = parsed.problem;
        return r;
      }
      plan.order = *parsed.value;
    }
    for (const char* which : {"include", "exclude"}) {
      if (const Value* v = params->find(which)) {
        bool not_modeled = false;
        if (auto err = ParseIncludeExclude(*v, which, &plan, &not_modeled)) {
          return not_modeled ? NotModeled<AggPlan>(*err) : Error<AggPlan>(*err);
        }
      }
    }
    bool regex = plan.include_regex || plan.exclude_regex;
    bool sets = plan.include_set || plan.exclude_set;
    if (regex && sets) return NotModeled<AggPlan>("mixing regex and value include/exclude");
    if (const Value* m = params->find("missing")) {
      if (plan.min_doc_count == 0) return NotModeled<AggPlan>("terms missing with min_doc_count 0");
      if (plan.field >= 0 && Fields()[plan.field].type == FieldType::kDate) {
        return NotModeled<AggPlan>("terms missing on a date field");
      }
      if (plan.field >= 0 && Fields()[plan.field].type == FieldType::kLong && !IntParam(*m)) {
        return NotModeled<AggPlan>("non-integer missing on a long field");
      }
      if (!JavaTermString(*m) || m->is_null()) return Error<AggPlan>("[missing] must be a value");
      plan.missing = *m;
    }
  } else if (type == "missing") {
    if (auto e = check_keys({"field"}, {"script"})) return *e;
    if (auto err = ResolveField(*params, &plan, false)) return Error<AggPlan>(*err);
  } else if (type == "cardinality" || type == "value_count") {
    if (auto e = check_keys({"field", "precision_threshold", "rehash"}, {"script", "missing"})) return *e;
    if (type == "value_count" && params->find("precision_threshold")) {
      return Error<AggPlan>("[value_count] unknown field [precision_threshold]");
    }
    if (auto err = ResolveField(*params, &plan, false)) return Error<AggPlan>(*err);
  } else if (type == "min" || type == "max" || type == "sum" || type == "avg" || type == "stats") {
    if (auto e = check_keys({"field", "missing"}, {"script", "format"})) return *e;
    if (auto err = ResolveField(*params, &plan, true)) return Error<AggPlan>(*err);
    if (const Value* m = params->find("missing")) {
      if (!m->is_number()) return NotModeled<AggPlan>("non-numeric missing on a metric");
      if (plan.field >= 0 && Fields()[plan.field].type == FieldType::kDate) {
        return NotModeled<AggPlan>("missing on a date metric");
      }
      plan.missing = *m;
    }
  } else if (type == "top_hits") {
    if (auto e = check_keys({"size", "from", "sort", "_source", "track_scores", "version", "explain"},
                            {"highlight", "stored_fields", "docvalue_fields", "script_fields"})) {
      return *e;
    }
    plan.size = 3;
    if (auto e = int_param("size", &plan.size)) return *e;
    if (auto e = int_param("from", &plan.from)) return *e;
    if (plan.size < 0 || plan.from < 0) return Error<AggPlan>("[top_hits] from and size must be non-negative");
    if (plan.from + plan.size > 100) {
      return Error<AggPlan>("Top hits result window is too large, the top hits aggregator [" + name +
                            "]'s from + size must be less than or equal to: [100] but was [" +
                            std::to_string(plan.from + plan.size) +
                            "]. This limit can be set by changing the [index.max_inner_result_window] "
                            "index level setting.");
    }
    if (const Value* t = params->find("track_scores"); t && t->is_bool() && t->as_bool()) {
      return NotModeled<AggPlan>("top_hits track_scores");
    }
    auto sort = CompileSort(params->find("sort"));
    if (!sort.ok()) {
      R r;
      r.problem = sort.problem;
      return r;
    }
    plan.sort = *sort.value;
    auto source = CompileSourceFilter(params->find("_source"));
    if (!source.ok()) {
      R r;
      r.problem = source.problem;
      return r;
    }
    plan.source = *source.value;
  } else if (type == "histogram" || type == "date_histogram") {
    if (auto e = check_keys({"field", "interval", "offset", "min_doc_count", "extended_bounds", "order",
                             "keyed", "missing"},
                            {"script", "format", "time_zone"})) {
      return *e;
    }
    if (auto err = ResolveField(*params, &plan, true)) return Error<AggPlan>(*err);
    if (plan.field >= 0) {
      FieldType ft = Fields()[plan.field].type;
      if (type == "histogram" && ft != FieldType::kLong) return NotModeled<AggPlan>("histogram on a date field");
      if (type == "date_histogram" && ft != FieldType::kDate) return NotModeled<AggPlan>("date_histogram on a long field");
    }
    const Value* interval = params->find("interval");
    if (interval == nullptr) return Error<AggPlan>("Missing required field [interval] for histogram aggregation [" + name + "]");
    if (type == "histogram") {
      if (!interval->is_number()) return Error<AggPlan>("[interval] must be a number");
      plan.interval = interval->as_double();
      if (!(plan.interval > 0)) return Error<AggPlan>("[interval] must be >0 for histogram aggregation [" + name + "]");
      if (const Value* o = params->find("offset")) {
        if (!o->is_number()) return Error<AggPlan>("[offset] must be a number");
        plan.offset = o->as_double();
      }
    } else {
      if (!interval->is_string()) return NotModeled<AggPlan>("numeric date_histogram interval");
      if (params->find("offset")) return NotModeled<AggPlan>("date_histogram offset");
      auto di = dates::DateInterval::Parse(interval->text(), "");
      if (!di.ok()) return Error<AggPlan>(di.status().message());
      plan.date_interval = interval->text();
    }
    plan.min_doc_count = 0;
    if (auto e = int_param("min_doc_count", &plan.min_doc_count)) return *e;
    if (plan.min_doc_count < 0) return Error<AggPlan>("[min_doc_count] must be greater than or equal to 0");
    if (const Value* k = params->find("keyed")) {
      if (!k->is_bool()) return Error<AggPlan>("[keyed] must be a boolean");
      plan.keyed = k->as_bool();
    }
    if (const Value* b = params->find("extended_bounds")) {
      if (type == "date_histogram") return NotModeled<AggPlan>("date_histogram extended_bounds");
      if (plan.min_doc_count > 0 || plan.field < 0) return NotModeled<AggPlan>("extended_bounds with min_doc_count > 0 or unmapped");
      if (!b->is_object()) return Error<AggPlan>("[extended_bounds] must be an object");
      if (const Value* v = b->find("min"); v && v->is_number()) plan.bounds_min = v->as_double();
      if (const Value* v = b->find("max"); v && v->is_number()) plan.bounds_max = v->as_double();
    }
    plan.order = {TermsOrder{TermsOrder::Kind::kKey, true, "", ""}};
    if (const Value* o = params->find("order")) {
      auto parsed = ParseOrder(*o, name);
      if (!parsed.ok()) {
        R r;
        r.problem = parsed.problem;
        return r;
      }
      plan.order = *parsed.value;
    }
    if (const Value* m = params->find("missing")) {
      if (type == "date_histogram" || !m->is_number()) return NotModeled<AggPlan>("histogram missing");
      plan.missing = *m;
    }
  } else if (type == "range") {
    if (auto e = check_keys({"field", "ranges", "keyed", "missing"}, {"script", "format"})) return *e;
    if (auto err = ResolveField(*params, &plan, true)) return Error<AggPlan>(*err);
    if (plan.field >= 0 && Fields()[plan.field].type == FieldType::kDate) return NotModeled<AggPlan>("range on a date field");
    const Value* ranges = params->find("ranges");
    if (ranges == nullptr || !ranges->is_array() || ranges->items().empty()) {
      return Error<AggPlan>("No [ranges] specified for the [" + name + "] aggregation");
    }
    for (const auto& r : ranges->items()) {
      if (!r.is_object()) return Error<AggPlan>("[ranges] must be objects");
      RangeSpec spec;
      for (const auto& [k, v] : r.members()) {
        if (k == "from" || k == "to") {
          if (v.is_null()) continue;
          if (!v.is_number()) return NotModeled<AggPlan>("range bounds given as strings");
          (k == "from" ? spec.from : spec.to) = v.as_double();
        } else if (k == "key") {
          if (!v.is_string()) return Error<AggPlan>("[key] must be a string");
          spec.key = v.text();
          spec.custom_key = true;
        } else {
          return Error<AggPlan>("[range] unknown field [" + k + "]");
        }
      }
      if (!spec.custom_key) {
        spec.key = (spec.from ? JavaDoubleToString(*spec.from) : "*") + "-" +
                   (spec.to ? JavaDoubleToString(*spec.to) : "*");
      }
      plan.ranges.push_back(spec);
    }
    // ES sorts the ranges by from, then to (unbounded ends are -inf/+inf).
    std::stable_sort(plan.ranges.begin(), plan.ranges.end(), [](const RangeSpec& a, const RangeSpec& b) {
      double af = a.from.value_or(-INFINITY), bf = b.from.value_or(-INFINITY);
      if (af != bf) return af < bf;
      return a.to.value_or(INFINITY) < b.to.value_or(INFINITY);
    });
    if (const Value* k = params->find("keyed")) {
      if (!k->is_bool()) return Error<AggPlan>("[keyed] must be a boolean");
      plan.keyed = k->as_bool();
    }
    if (const Value* m = params->find("missing")) {
      if (!m->is_number()) return NotModeled<AggPlan>("range missing");
      plan.missing = *m;
    }
  }

  if (subs != nullptr && subs->size() > 0) {
    auto c = CompileAggs(*subs, ctx, corpus);
    if (!c.ok()) {
      R r;
      r.problem = c.problem;
      return r;
    }
    plan.subs = std::move(*c.value);
  }
  // Ordering by a sub-aggregation must name one that yields a number.
  for (const TermsOrder& o : plan.order) {
    if (o.kind != TermsOrder::Kind::kSubAgg) continue;
    const AggPlan* sub = nullptr;
    for (const auto& s : plan.subs) {
      if (s.name == o.sub) sub = &s;
    }
    if (sub == nullptr) {
      return Error<AggPlan>("Invalid aggregator order path [" + o.sub + (o.metric.empty() ? "" : "." + o.metric) +
                            "]. Unknown aggregation [" + o.sub + "]");
    }
    static const std::set<std::string> single = {"min", "max", "sum", "avg", "cardinality", "value_count"};
    static const std::set<std::string> stats = {"count", "min", "max", "avg", "sum"};
    bool ok = (single.count(sub->type) && o.metric.empty()) ||
              (sub->type == "stats" && stats.count(o.metric)) ||
              ((sub->type == "filter" || sub->type == "missing") && o.metric.empty());
    if (!ok) {
      if (sub->type == "filter" || sub->type == "missing" || single.count(sub->type) || sub->type == "stats") {
        return Error<AggPlan>("Invalid aggregation order path [" + o.sub + (o.metric.empty() ? "" : "." + o.metric) + "]");
      }
      return Error<AggPlan>("Invalid aggregation order path [" + o.sub + "]. Buckets can only be sorted on a sub-aggregator path that is built out of zero or more single-bucket aggregations within the path and a final single-bucket or a metrics aggregation at the path end.");
    }
  }
  R r;
  r.value = std::move(plan);
  return r;
}

// ------------------------------------------------------------ running

bool HasAggValue(const PreparedDoc& d, int f) { return f >= 0 && d.values[f].present; }

Value DoubleOrNull(std::optional<double> v) { return v ? Value::Double(*v) : Value::Null(); }

bool IsDateField(int f) { return f >= 0 && Fields()[f].type == FieldType::kDate; }

std::string DateString(double millis) {
  return dates::FormatMillis(static_cast<int64_t>(millis));
}

// The numeric values of a metric's field in `docs` (with `missing`).
std::vector<double> NumericValues(const AggPlan& plan, const Docs& docs) {
  std::vector<double> out;
  for (const PreparedDoc* d : docs) {
    if (HasAggValue(*d, plan.field)) {
      out.push_back(static_cast<double>(d->values[plan.field].num));
    } else if (plan.missing) {
      out.push_back(plan.missing->as_double());
    }
  }
  return out;
}

Value RunMetric(const AggPlan& plan, const Docs& docs) {
  Value out = Value::Object();
  bool date = IsDateField(plan.field);
  if (plan.type == "cardinality") {
    std::set<std::string> distinct;
    for (const PreparedDoc* d : docs) {
      if (!HasAggValue(*d, plan.field)) continue;
      const FieldValue& v = d->values[plan.field];
      distinct.insert(Fields()[plan.field].type == FieldType::kKeyword ? v.str : std::to_string(v.num));
    }
    out.set("value", Value::Int(static_cast<int64_t>(distinct.size())));
    return out;
  }
  if (plan.type == "value_count") {
    int64_t n = 0;
    for (const PreparedDoc* d : docs) n += HasAggValue(*d, plan.field) ? 1 : 0;
    out.set("value", Value::Int(n));
    return out;
  }
  std::vector<double> values = NumericValues(plan, docs);
  std::optional<double> min, max;
  double sum = 0;
  for (double v : values) {
    min = min ? std::min(*min, v) : v;
    max = max ? std::max(*max, v) : v;
    sum += v;
  }
  std::optional<double> avg;
  if (!values.empty()) avg = sum / static_cast<double>(values.size());
  auto with_string = [&](const char* key, std::optional<double> v) {
    out.set(key, DoubleOrNull(v));
    if (date && v) out.set(std::string(key) == "value" ? "value_as_string" : std::string(key) + "_as_string", Value::String(DateString(*v)));
  };
  if (plan.type == "min") {
    with_string("value", min);
  } else if (plan.type == "max") {
    with_string("value", max);
  } else if (plan.type == "sum") {
    with_string("value", sum);
  } else if (plan.type == "avg") {
    with_string("value", avg);
  } else if (plan.type == "stats") {
    out.set("count", Value::Int(static_cast<int64_t>(values.size())));
    out.set("min", DoubleOrNull(min));
    out.set("max", DoubleOrNull(max));
    out.set("avg", DoubleOrNull(avg));
    out.set("sum", Value::Double(sum));
    if (date && !values.empty()) {
      out.set("min_as_string", Value::String(DateString(*min)));
      out.set("max_as_string", Value::String(DateString(*max)));
      out.set("avg_as_string", Value::String(DateString(*avg)));
      out.set("sum_as_string", Value::String(DateString(sum)));
    }
  }
  return out;
}

// The number a sub-aggregation contributes to a bucket order.
double OrderValue(const Value& sub_result, const AggPlan& sub, const std::string& metric) {
  if (sub.type == "filter" || sub.type == "missing") return sub_result.find("doc_count")->as_double();
  const Value* v = sub_result.find(metric.empty() ? "value" : metric);
  if (v == nullptr || v->is_null()) {
    // Empty buckets: max is -inf, min +inf, avg NaN.
    const std::string& m = metric.empty() ? sub.type : metric;
    if (m == "max") return -INFINITY;
    if (m == "min") return INFINITY;
    return NAN;
  }
  return v->as_double();
}

struct Bucket {
  Value key;            // as in the response
  std::string key_str;  // for keyword ordering / include-exclude
  int64_t key_num = 0;  // for numeric ordering
  double key_double = 0;
  Docs docs;
  Value body;           // sub-aggregation results
};

Value RunSubs(const AggPlan& plan, const Docs& docs, const AggRunContext& run,
              const std::string& path);

void SortBuckets(std::vector<Bucket>* buckets, const AggPlan& plan, bool numeric_keys) {
  // Every order ends with _key asc unless it already ends with a key order.
  std::vector<TermsOrder> order = plan.order;
  if (order.empty() || order.back().kind != TermsOrder::Kind::kKey) {
    order.push_back(TermsOrder{TermsOrder::Kind::kKey, true, "", ""});
  }
  auto key_cmp = [numeric_keys](const Bucket& a, const Bucket& b) {
    if (numeric_keys) return JavaDoubleCompare(a.key_double, b.key_double);
    int c = a.key_str.compare(b.key_str);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  };
  std::stable_sort(buckets->begin(), buckets->end(), [&](const Bucket& a, const Bucket& b) {
    for (const TermsOrder& o : order) {
      int c = 0;
      if (o.kind == TermsOrder::Kind::kCount) {
        c = a.docs.size() < b.docs.size() ? -1 : a.docs.size() > b.docs.size() ? 1 : 0;
      } else if (o.kind == TermsOrder::Kind::kKey) {
        c = key_cmp(a, b);
      } else {
        const AggPlan* sub = nullptr;
        for (const auto& s : plan.subs) {
          if (s.name == o.sub) sub = &s;
        }
        c = JavaDoubleCompare(OrderValue(*a.body.find(o.sub), *sub, o.metric),
                              OrderValue(*b.body.find(o.sub), *sub, o.metric));
      }
      if (!o.ascending) c = -c;
      if (c != 0) return c < 0;
    }
    return false;
  });
}

Value WithMeta(Value out, const AggPlan& plan) {
  if (plan.meta) out.set("meta", *plan.meta);
  return out;
}

Value RunTerms(const AggPlan& plan, const Docs& docs, const AggRunContext& run, const std::string& path) {
  Value out = Value::Object();
  out.set("doc_count_error_upper_bound", Value::Int(0));
  FieldType type = plan.field >= 0 ? Fields()[plan.field].type : FieldType::kKeyword;
  bool numeric = type != FieldType::kKeyword;
  // Unmapped without `missing`: no buckets at all.
  if (plan.field < 0 && !plan.missing) {
    out.set("sum_other_doc_count", Value::Int(0));
    out.set("buckets", Value::Array());
    return WithMeta(out, plan);
  }
  std::map<std::string, Bucket> by_key;  // keyed by the string form
  auto bucket_for = [&](const std::string& key_str, int64_t key_num) -> Bucket& {
    auto it = by_key.find(key_str);
    if (it != by_key.end()) return it->second;
    Bucket b;
    b.key_str = key_str;
    b.key_num = key_num;
    b.key_double = static_cast<double>(key_num);
    if (!numeric) {
      b.key = Value::String(key_str);
    } else {
      b.key = Value::Int(key_num);
    }
    return by_key.emplace(key_str, std::move(b)).first->second;
  };
  std::optional<std::pair<std::string, int64_t>> missing_key;
  if (plan.missing) {
    if (numeric) {
      int64_t n = *IntParam(*plan.missing);
      missing_key = std::make_pair(std::to_string(n), n);
    } else {
      missing_key = std::make_pair(*JavaTermString(*plan.missing), int64_t{0});
    }
  }
  for (const PreparedDoc* d : docs) {
    if (HasAggValue(*d, plan.field)) {
      const FieldValue& v = d->values[plan.field];
      bucket_for(numeric ? std::to_string(v.num) : v.str, v.num).docs.push_back(d);
    } else if (missing_key) {
      bucket_for(missing_key->first, missing_key->second).docs.push_back(d);
    }
  }
  if (plan.min_doc_count == 0 && plan.field >= 0) {
    // Every term of the field in the index, even with no document here.
    for (const PreparedDoc& d : *run.corpus) {
      if (!HasAggValue(d, plan.field)) continue;
      const FieldValue& v = d.values[plan.field];
      bucket_for(numeric ? std::to_string(v.num) : v.str, v.num);
    }
  }
  std::vector<Bucket> candidates;
  for (auto& [key, b] : by_key) {
    if (static_cast<int64_t>(b.docs.size()) < plan.min_doc_count) continue;
    if (plan.include_regex && !plan.include_regex->Matches(key)) continue;
    if (plan.exclude_regex && plan.exclude_regex->Matches(key)) continue;
    if (plan.include_set && std::find(plan.include_set->begin(), plan.include_set->end(), key) == plan.include_set->end()) continue;
    if (plan.exclude_set && std::find(plan.exclude_set->begin(), plan.exclude_set->end(), key) != plan.exclude_set->end()) continue;
    candidates.push_back(std::move(b));
  }
  // Ordering by a sub-aggregation needs its value for every candidate.
  bool by_sub = std::any_of(plan.order.begin(), plan.order.end(),
                            [](const TermsOrder& o) { return o.kind == TermsOrder::Kind::kSubAgg; });
  if (by_sub) {
    for (size_t i = 0; i < candidates.size(); ++i) candidates[i].body = RunSubs(plan, candidates[i].docs, run, "");
  }
  SortBuckets(&candidates, plan, numeric);
  int64_t other = 0;
  Value buckets = Value::Array();
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (static_cast<int64_t>(i) >= plan.size) {
      other += static_cast<int64_t>(candidates[i].docs.size());
      continue;
    }
    const Bucket& b = candidates[i];
    Value bucket = Value::Object();
    bucket.set("key", b.key);
    if (type == FieldType::kDate) bucket.set("key_as_string", Value::String(dates::FormatMillis(b.key_num)));
    bucket.set("doc_count", Value::Int(static_cast<int64_t>(b.docs.size())));
    // Re-run with the real path so that top_hits notes name their place.
    Value subs = RunSubs(plan, b.docs, run, path + "/buckets/" + std::to_string(i));
    for (const auto& [k, v] : subs.members()) bucket.set(k, v);
    buckets.push_back(std::move(bucket));
  }
  *run.bucket_count += static_cast<int64_t>(buckets.size());
  out.set("sum_other_doc_count", Value::Int(other));
  out.set("buckets", std::move(buckets));
  return WithMeta(out, plan);
}

Value RunHistogram(const AggPlan& plan, const Docs& docs, const AggRunContext& run, const std::string& path) {
  bool date = plan.type == "date_histogram";
  std::optional<dates::DateInterval> di;
  if (date) di = *dates::DateInterval::Parse(plan.date_interval, "");
  auto key_of = [&](double v) -> double {
    if (date) return static_cast<double>(di->Floor(static_cast<int64_t>(v)));
    return std::floor((v - plan.offset) / plan.interval) * plan.interval + plan.offset;
  };
  auto next_key = [&](double k) -> double {
    if (date) return static_cast<double>(di->Next(static_cast<int64_t>(k)));
    return key_of(k + plan.interval);
  };
  std::map<double, Docs> groups;
  for (const PreparedDoc* d : docs) {
    double v;
    if (HasAggValue(*d, plan.field)) {
      v = static_cast<double>(d->values[plan.field].num);
    } else if (plan.missing) {
      v = plan.missing->as_double();
    } else {
      continue;
    }
    groups[key_of(v)].push_back(d);
  }
  if (plan.min_doc_count == 0) {
    std::optional<double> lo, hi;
    if (!groups.empty()) {
      lo = groups.begin()->first;
      hi = groups.rbegin()->first;
    }
    if (plan.bounds_min) lo = lo ? std::min(*lo, key_of(*plan.bounds_min)) : key_of(*plan.bounds_min);
    if (plan.bounds_max) hi = hi ? std::max(*hi, key_of(*plan.bounds_max)) : key_of(*plan.bounds_max);
    if (lo && hi) {
      int guard = 0;
      for (double k = *lo; k <= *hi && guard < 1000000; k = next_key(k), ++guard) groups[k];
    }
  }
  std::vector<Bucket> buckets;
  for (auto& [k, ds] : groups) {
    if (static_cast<int64_t>(ds.size()) < plan.min_doc_count) continue;
    Bucket b;
    b.key_double = k;
    b.key_num = static_cast<int64_t>(k);
    b.key = date ? Value::Int(static_cast<int64_t>(k)) : Value::Double(k);
    b.key_str = date ? dates::FormatMillis(static_cast<int64_t>(k)) : JavaDoubleToString(k);
    b.docs = ds;
    if (std::any_of(plan.order.begin(), plan.order.end(),
                    [](const TermsOrder& o) { return o.kind == TermsOrder::Kind::kSubAgg; })) {
      b.body = RunSubs(plan, b.docs, run, "");
    }
    buckets.push_back(std::move(b));
  }
  SortBuckets(&buckets, plan, true);
  Value list = Value::Array();
  Value keyed = Value::Object();
  for (size_t i = 0; i < buckets.size(); ++i) {
    const Bucket& b = buckets[i];
    Value bucket = Value::Object();
    if (date) bucket.set("key_as_string", Value::String(b.key_str));
    bucket.set("key", b.key);
    bucket.set("doc_count", Value::Int(static_cast<int64_t>(b.docs.size())));
    std::string sub_path = path + "/buckets/" + (plan.keyed ? b.key_str : std::to_string(i));
    Value subs = RunSubs(plan, b.docs, run, sub_path);
    for (const auto& [k, v] : subs.members()) bucket.set(k, v);
    if (plan.keyed) {
      keyed.set(b.key_str, std::move(bucket));
    } else {
      list.push_back(std::move(bucket));
    }
  }
  *run.bucket_count += static_cast<int64_t>(buckets.size());
  Value out = Value::Object();
  out.set("buckets", plan.keyed ? std::move(keyed) : std::move(list));
  return WithMeta(out, plan);
}

Value RunRange(const AggPlan& plan, const Docs& docs, const AggRunContext& run, const std::string& path) {
  Value list = Value::Array();
  Value keyed = Value::Object();
  for (size_t i = 0; i < plan.ranges.size(); ++i) {
    const RangeSpec& r = plan.ranges[i];
    Docs in;
    for (const PreparedDoc* d : docs) {
      double v;
      if (HasAggValue(*d, plan.field)) {
        v = static_cast<double>(d->values[plan.field].num);
      } else if (plan.missing) {
        v = plan.missing->as_double();
      } else {
        continue;
      }
      if (r.from && v < *r.from) continue;  // from inclusive
      if (r.to && v >= *r.to) continue;     // to exclusive
      in.push_back(d);
    }
    Value bucket = Value::Object();
    // Keyed range buckets carry their key only as the member name.
    if (!plan.keyed) bucket.set("key", Value::String(r.key));
    if (r.from) bucket.set("from", Value::Double(*r.from));
    if (r.to) bucket.set("to", Value::Double(*r.to));
    bucket.set("doc_count", Value::Int(static_cast<int64_t>(in.size())));
    Value subs = RunSubs(plan, in, run, path + "/buckets/" + (plan.keyed ? r.key : std::to_string(i)));
    for (const auto& [k, v] : subs.members()) bucket.set(k, v);
    if (plan.keyed) {
      keyed.set(r.key, std::move(bucket));
    } else {
      list.push_back(std::move(bucket));
    }
  }
  *run.bucket_count += static_cast<int64_t>(plan.ranges.size());
  Value out = Value::Object();
  out.set("buckets", plan.keyed ? std::move(keyed) : std::move(list));
  return WithMeta(out, plan);
}

Value RunTopHits(const AggPlan& plan, const Docs& docs, const AggRunContext& run, const std::string& path) {
  Docs sorted = docs;
  bool field_sorted = !plan.sort.empty();
  if (field_sorted) SortDocs(&sorted, plan.sort);
  Value hits = Value::Array();
  for (int64_t i = plan.from; i < static_cast<int64_t>(sorted.size()) && i < plan.from + plan.size; ++i) {
    bool score_null = field_sorted && std::none_of(plan.sort.begin(), plan.sort.end(), [](const SortKey& k) {
                        return k.kind == SortKey::Kind::kScore;
                      });
    hits.push_back(MakeHit(*sorted[i], run.constant_score, score_null, plan.source, &plan.sort));
  }
  if (!path.empty()) {
    HitsNote note;
    note.path = path + "/hits/hits";
    note.complete = plan.from == 0 && plan.size >= static_cast<int64_t>(docs.size());
    if (field_sorted) {
      note.order = SortIsTotal(plan.sort) ? HitsNote::Order::kExact : HitsNote::Order::kSortValuesOnly;
      note.scores_defined = true;
      note.sort_values_defined = !SortHasDoc(plan.sort);
    } else if (run.constant_score) {
      note.order = HitsNote::Order::kExact;
      note.scores_defined = true;
    } else {
      note.order = HitsNote::Order::kUnordered;
    }
    run.hits_notes->push_back(note);
  }
  Value inner = Value::Object();
  inner.set("total", Value::Int(static_cast<int64_t>(docs.size())));
  Value max_score = Value::Null();
  if (!field_sorted && !docs.empty() && run.constant_score) max_score = Value::Double(*run.constant_score);
  inner.set("max_score", max_score);
  inner.set("hits", std::move(hits));
  Value out = Value::Object();
  out.set("hits", std::move(inner));
  return WithMeta(out, plan);
}

Value RunOne(const AggPlan& plan, const Docs& docs, const AggRunContext& run, const std::string& path) {
  const std::string& type = plan.type;
  if (type == "terms") return RunTerms(plan, docs, run, path);
  if (type == "histogram" || type == "date_histogram") return RunHistogram(plan, docs, run, path);
  if (type == "range") return RunRange(plan, docs, run, path);
  if (type == "top_hits") return RunTopHits(plan, docs, run, path);
  if (type == "filter" || type == "missing") {
    Docs in;
    for (const PreparedDoc* d : docs) {
      bool keep = type == "filter" ? plan.filter(*d) : !HasAggValue(*d, plan.field);
      if (keep) in.push_back(d);
    }
    Value out = Value::Object();
    out.set("doc_count", Value::Int(static_cast<int64_t>(in.size())));
    Value subs = RunSubs(plan, in, run, path);
    for (const auto& [k, v] : subs.members()) out.set(k, v);
    return WithMeta(out, plan);
  }
  if (type == "filters") {
    Value list = Value::Array();
    Value keyed = Value::Object();
    Docs other;
    for (const PreparedDoc* d : docs) {
      bool any = false;
      for (const auto& f : plan.filters) any = any || f.second(*d);
      if (!any) other.push_back(d);
    }
    auto emit = [&](const std::string& key, const Docs& in, size_t index) {
      Value bucket = Value::Object();
      bucket.set("doc_count", Value::Int(static_cast<int64_t>(in.size())));
      Value subs = RunSubs(plan, in, run, path + "/buckets/" + (plan.filters_keyed ? key : std::to_string(index)));
      for (const auto& [k, v] : subs.members()) bucket.set(k, v);
      if (plan.filters_keyed) {
        keyed.set(key, std::move(bucket));
      } else {
        list.push_back(std::move(bucket));
      }
    };
    for (size_t i = 0; i < plan.filters.size(); ++i) {
      Docs in;
      for (const PreparedDoc* d : docs) {
        if (plan.filters[i].second(*d)) in.push_back(d);
      }
      emit(plan.filters[i].first, in, i);
    }
    if (plan.other_bucket) emit(plan.other_bucket_key, other, plan.filters.size());
    *run.bucket_count += static_cast<int64_t>(plan.filters.size() + (plan.other_bucket ? 1 : 0));
    Value out = Value::Object();
    out.set("buckets", plan.filters_keyed ? std::move(keyed) : std::move(list));
    return WithMeta(out, plan);
  }
  return WithMeta(RunMetric(plan, docs), plan);
}

// Sub-aggregations of `plan` over `docs`. An empty `path` means "for
// ordering only": no notes, no bucket counting.
Value RunSubs(const AggPlan& plan, const Docs& docs, const AggRunContext& run, const std::string& path) {
  if (plan.subs.empty()) return Value::Object();
  if (path.empty()) {
    int64_t scratch_count = 0;
    std::vector<HitsNote> scratch_notes;
    AggRunContext quiet = run;
    quiet.bucket_count = &scratch_count;
    quiet.hits_notes = &scratch_notes;
    Value out = Value::Object();
    for (const AggPlan& sub : plan.subs) out.set(sub.name, RunOne(sub, docs, quiet, ""));
    return out;
  }
  return RunAggs(plan.subs, docs, run, path);
}

}  // namespace

Value RunAggs(const std::vector<AggPlan>& plans, const Docs& docs, const AggRunContext& run,
              const std::string& path) {
  Value out = Value::Object();
  for (const AggPlan& plan : plans) out.set(plan.name, RunOne(plan, docs, run, path + "/" + plan.name));
  return out;
}

}  // namespace buildhub::search::oracle
