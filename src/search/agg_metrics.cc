// Metric aggregations: min, max, sum, avg, stats, extended_stats,
// cardinality (exact), value_count, percentiles (exact, interpolated), and
// top_hits. Values are doubles, as in ES; date fields add value_as_string.
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "search/agg_internal.h"
#include "search/dates.h"
#include "search/java_number.h"

namespace buildhub::search::agg {
namespace {

struct Stats {
  uint64_t count = 0;
  double sum = 0, sum_sq = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  void Add(double v) {
    ++count;
    sum += v;
    sum_sq += v * v;
    min = std::min(min, v);
    max = std::max(max, v);
  }
  double avg() const { return count ? sum / static_cast<double>(count) : std::nan(""); }
  double variance() const {
    if (!count) return std::nan("");
    double a = avg();
    return std::max(0.0, sum_sq / static_cast<double>(count) - a * a);
  }
};

Roaring PresentDocs(const AggContext& ctx, const AggField& f) {
  Roaring present;
  if (f.info == nullptr) return present;
  for (const auto& seg : ctx.snap.segments) {
    if (const KeywordColumn* k = seg->keyword(f.info->id)) present |= k->present;
    if (const NumericColumn* n = seg->numeric(f.info->id)) present |= n->present;
  }
  return present;
}

class NumericMetric : public MetricAggregation {
 public:
  std::string type;  // min max sum avg stats extended_stats
  AggField field;
  std::optional<double> missing;
  std::optional<DateFormatter> formatter;  // date fields
  double sigma = 2.0;

  Result<Stats> Compute(const Roaring& docs, AggContext& ctx) const {
    Stats st;
    if (field.info != nullptr) {
      FieldType t = field.info->type;
      Status s = ForEachNumeric(ctx.snap, field.info->id, docs, ctx.deadline,
                                [&](uint32_t, int64_t raw) { st.Add(NumericAsDouble(t, raw)); });
      if (!s.ok()) return s;
    }
    if (missing) {
      uint64_t n = (docs - PresentDocs(ctx, field)).cardinality();
      for (uint64_t i = 0; i < n; ++i) st.Add(*missing);
    }
    return st;
  }

  Status CheckOrderPath(std::string_view path) const override {
    bool single = type != "stats" && type != "extended_stats";
    if (single && (path.empty() || path == ".value")) return Status::Ok();
    if (!single && !path.empty()) {
      std::string_view p = path.substr(1);
      if (p == "count" || p == "min" || p == "max" || p == "avg" || p == "sum") return Status::Ok();
      if (type == "extended_stats" && (p == "sum_of_squares" || p == "variance" || p == "std_deviation")) {
        return Status::Ok();
      }
    }
    if (!single && path.empty()) {
      return FlatError("Invalid aggregation order path [" + name +
                       "]. When ordering on a multi-value metrics aggregation a metric name must be specified");
    }
    return FlatError("Invalid aggregation order path [" + name + std::string(path) + "]. Unknown value key [" +
                     std::string(path.empty() ? path : path.substr(1)) + "] for metric aggregation [" + name + "]");
  }

  Result<double> OrderValue(const Roaring& docs, std::string_view path, AggContext& ctx) const override {
    auto st = Compute(docs, ctx);
    if (!st.ok()) return st.status();
    std::string_view p = path.empty() ? "" : path.substr(1);
    if (type == "min" || p == "min") return st->min;
    if (type == "max" || p == "max") return st->max;
    if (type == "sum" || p == "sum") return st->sum;
    if (type == "avg" || p == "avg") return st->avg();
    if (p == "count") return static_cast<double>(st->count);
    if (p == "sum_of_squares") return st->sum_sq;
    if (p == "variance") return st->variance();
    if (p == "std_deviation") return std::sqrt(st->variance());
    return Aggregation::OrderValue(docs, path, ctx);
  }

 protected:
  void Value(JsonOut& out, const char* key, double v, bool has) const {
    out.Key(key);
    if (has) {
      out.Double(v);
    } else {
      out.Null();
    }
  }
  void AsString(JsonOut& out, const std::string& key, double v) const {
    if (!formatter) return;
    out.Key(key);
    out.String(formatter->Format(JavaLongCast(v)));
  }

  Status WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const override {
    auto r = Compute(docs, ctx);
    if (!r.ok()) return r.status();
    const Stats& st = *r;
    bool has = st.count > 0;
    if (type == "min" || type == "max" || type == "avg") {
      double v = type == "min" ? st.min : (type == "max" ? st.max : st.avg());
      Value(out, "value", v, has);
      if (has) AsString(out, "value_as_string", v);
      return Status::Ok();
    }
    if (type == "sum") {
      Value(out, "value", st.sum, true);
      AsString(out, "value_as_string", st.sum);
      return Status::Ok();
    }
    out.Key("count");
    out.Int(static_cast<int64_t>(st.count));
    Value(out, "min", st.min, has);
    Value(out, "max", st.max, has);
    Value(out, "avg", st.avg(), has);
    Value(out, "sum", st.sum, true);
    if (type == "extended_stats") {
      double var = st.variance();
      double sd = std::sqrt(var);
      Value(out, "sum_of_squares", st.sum_sq, has);
      Value(out, "variance", var, has);
      Value(out, "std_deviation", sd, has);
      out.Key("std_deviation_bounds");
      out.BeginObject();
      Value(out, "upper", st.avg() + sigma * sd, has);
      Value(out, "lower", st.avg() - sigma * sd, has);
      out.EndObject();
    }
    if (has && formatter) {
      AsString(out, "min_as_string", st.min);
      AsString(out, "max_as_string", st.max);
      AsString(out, "avg_as_string", st.avg());
      AsString(out, "sum_as_string", st.sum);
    }
    return Status::Ok();
  }
};

class CountMetric : public MetricAggregation {
 public:
  bool distinct = false;  // cardinality; else value_count
  AggField field;

  Result<uint64_t> Compute(const Roaring& docs, AggContext& ctx) const {
    if (field.info == nullptr) return uint64_t{0};
    uint32_t id = field.info->id;
    if (field.info->type == FieldType::kKeyword) {
      std::unordered_set<std::string_view> seen;
      uint64_t values = 0;
      bool multi_segment = ctx.snap.segments.size() > 1;
      uint64_t single_distinct = 0;
      for (const auto& seg : ctx.snap.segments) {
        const KeywordColumn* col = seg->keyword(id);
        if (col == nullptr) continue;
        uint64_t in_seg = RangeCardinality(docs, seg->base(), seg->end());
        if (in_seg == 0) continue;
        uint32_t nterms = static_cast<uint32_t>(col->dict.size());
        std::vector<bool> hit(nterms, false);
        if (in_seg == seg->size()) {
          for (uint32_t o = 0; o < nterms; ++o) {
            hit[o] = col->postings.DocFreq(o) > 0;
            values += col->postings.DocFreq(o);
          }
        } else if (nterms <= 64 && in_seg > 4096) {
          for (uint32_t o = 0; o < nterms; ++o) {
            uint64_t c = col->postings.AndCardinality(o, docs);
            hit[o] = c > 0;
            values += c;
          }
        } else {
          uint32_t base = seg->base();
          size_t i = 0;
          bool expired = false;
          ForEachDocInRange(docs, seg->base(), seg->end(), [&](uint32_t d) {
            if ((++i & 8191) == 0 && ctx.deadline.Expired()) {
              expired = true;
              return false;
            }
            uint32_t o = col->ords[d - base];
            if (o != kNoOrd) {
              hit[o] = true;
              ++values;
            }
            return true;
          });
          if (expired) return TimeBudgetError(ctx.deadline);
          for (const auto& [local, o] : col->extra) {
            if (docs.contains(base + local)) {
              hit[o] = true;
              ++values;
            }
          }
        }
        for (uint32_t o = 0; o < nterms; ++o) {
          if (!hit[o]) continue;
          if (multi_segment) {
            seen.insert(col->dict.term(o));
          } else {
            ++single_distinct;
          }
        }
      }
      if (!distinct) return values;
      return multi_segment ? seen.size() : single_distinct;
    }
    std::unordered_set<int64_t> seen;
    uint64_t values = 0;
    Status s = ForEachNumeric(ctx.snap, id, docs, ctx.deadline, [&](uint32_t, int64_t v) {
      ++values;
      if (distinct) seen.insert(v);
    });
    if (!s.ok()) return s;
    return distinct ? seen.size() : values;
  }

  Status CheckOrderPath(std::string_view path) const override {
    if (path.empty() || path == ".value") return Status::Ok();
    return Aggregation::CheckOrderPath(path);
  }
  Result<double> OrderValue(const Roaring& docs, std::string_view, AggContext& ctx) const override {
    auto c = Compute(docs, ctx);
    if (!c.ok()) return c.status();
    return static_cast<double>(*c);
  }

 protected:
  Status WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const override {
    auto c = Compute(docs, ctx);
    if (!c.ok()) return c.status();
    out.Key("value");
    out.Int(static_cast<int64_t>(*c));
    return Status::Ok();
  }
};

class PercentilesAgg : public MetricAggregation {
 public:
  AggField field;
  std::vector<double> percents{1, 5, 25, 50, 75, 95, 99};
  bool keyed = true;
  std::optional<double> missing;

  Result<std::vector<double>> Values(const Roaring& docs, AggContext& ctx) const {
    std::vector<double> vs;
    if (field.info != nullptr) {
      FieldType t = field.info->type;
      Status s = ForEachNumeric(ctx.snap, field.info->id, docs, ctx.deadline,
                                [&](uint32_t, int64_t raw) { vs.push_back(NumericAsDouble(t, raw)); });
      if (!s.ok()) return s;
    }
    if (missing) {
      uint64_t n = (docs - PresentDocs(ctx, field)).cardinality();
      vs.insert(vs.end(), n, *missing);
    }
    std::sort(vs.begin(), vs.end());
    return vs;
  }

  static double At(const std::vector<double>& vs, double pct) {
    if (vs.empty()) return std::nan("");
    double pos = std::clamp(pct, 0.0, 100.0) / 100.0 * static_cast<double>(vs.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(pos));
    size_t hi = std::min(vs.size() - 1, lo + 1);
    double frac = pos - static_cast<double>(lo);
    return vs[lo] + (vs[hi] - vs[lo]) * frac;
  }

  Status CheckOrderPath(std::string_view path) const override {
    if (path.size() > 1) return Status::Ok();
    return Aggregation::CheckOrderPath(path);
  }
  Result<double> OrderValue(const Roaring& docs, std::string_view path, AggContext& ctx) const override {
    std::string p(path.substr(1));
    if (!p.empty() && p.back() == ']') p.pop_back();
    // ES computes any percentile named in an order path; outside [0, 100]
    // its digest refuses (and so must we: the index would leave the values).
    char* end = nullptr;
    const double pct = std::strtod(p.c_str(), &end);
    if (p.empty() || end != p.c_str() + p.size() || !(pct >= 0 && pct <= 100)) {
      return IllegalArgument("percentile [" + p + "] in the order path must be a number in [0, 100]");
    }
    auto vs = Values(docs, ctx);
    if (!vs.ok()) return vs.status();
    return At(*vs, pct);
  }

 protected:
  Status WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const override {
    auto vs = Values(docs, ctx);
    if (!vs.ok()) return vs.status();
    out.Key("values");
    keyed ? out.BeginObject() : out.BeginArray();
    for (double pct : percents) {
      double v = At(*vs, pct);
      if (keyed) {
        out.Key(JavaDoubleString(pct));
        if (std::isnan(v)) {
          out.Null();
        } else {
          out.Double(v);
        }
      } else {
        out.BeginObject();
        out.Key("key");
        out.Double(pct);
        out.Key("value");
        if (std::isnan(v)) {
          out.Null();
        } else {
          out.Double(v);
        }
        out.EndObject();
      }
    }
    keyed ? out.EndObject() : out.EndArray();
    return Status::Ok();
  }
};

class TopHitsAgg : public MetricAggregation {
 public:
  int64_t from = 0, size = 3;
  TopHitsFormat format;
  bool track_scores = false;

 protected:
  Status WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const override {
    CollectOptions o;
    o.sort = &format.sort;
    o.scorer = ctx.scorer;
    o.from = static_cast<size_t>(from);
    o.size = static_cast<size_t>(size);
    auto hits = CollectHits(ctx.snap, docs, o, ctx.deadline);
    if (!hits.ok()) return hits.status();
    bool scored = format.sort.empty() || track_scores || SortNeedsScores(format.sort);
    out.Key("hits");
    out.BeginObject();
    out.Key("total");
    out.Int(static_cast<int64_t>(docs.cardinality()));
    out.Key("max_score");
    if (!scored || docs.isEmpty()) {
      out.Null();
    } else if (ctx.scorer == nullptr || ctx.scorer->constant()) {
      out.Score(ctx.scorer ? ctx.scorer->ConstantScore() : 1.0f);
    } else if (auto groups = ctx.scorer->ScoreGroups(docs); groups && !groups->empty()) {
      out.Score(groups->front().first);
    } else {
      float best = -std::numeric_limits<float>::infinity();
      ForEachDoc(docs, [&](uint32_t d) { best = std::max(best, ctx.scorer->Score(d)); });
      out.Score(best);
    }
    out.Key("hits");
    out.BeginArray();
    for (const Hit& h : *hits) ctx.write_hit(h, format, scored, out);
    out.EndArray();
    out.EndObject();
    return Status::Ok();
  }
};

Result<std::optional<double>> MissingParam(const json::Value& p, const AggField& f, ParseEnv& env) {
  const json::Value* m = p.find("missing");
  if (m == nullptr || m->is_null()) return std::optional<double>();
  if (f.info != nullptr && f.info->type == FieldType::kDate && m->is_string()) {
    auto ms = dates::ParseQueryDate(m->text(), {}, dates::Rounding::kFloor, env.now_ms);
    if (!ms.ok()) return ShardError("parse_exception", ms.status().message());
    return std::optional<double>(static_cast<double>(*ms));
  }
  if (m->is_number()) return std::optional<double>(m->as_double());
  if (m->is_string()) {
    char* end = nullptr;
    double d = std::strtod(m->text().c_str(), &end);
    if (end && *end == '\0') return std::optional<double>(d);
  }
  return ShardError("number_format_exception", "For input string: \"" + json::Write(*m) + "\"");
}

}  // namespace

Result<std::unique_ptr<Aggregation>> NewMetric(const std::string& name, const json::Value& p, ParseEnv& env,
                                              const std::string& type) {
  auto f = ResolveField(p, env, name);
  if (!f.ok()) return f.status();
  Status s = NumericOnly(*f, type);
  if (!s.ok()) return s;
  auto a = std::make_unique<NumericMetric>();
  a->type = type;
  a->field = *f;
  auto m = MissingParam(p, *f, env);
  if (!m.ok()) return m.status();
  a->missing = *m;
  if (f->info != nullptr && f->info->type == FieldType::kDate) {
    auto fmt = DateFormatter::Create(StringParam(p, "format"), "");
    if (!fmt.ok()) return fmt.status();
    a->formatter = *fmt;
  }
  if (const json::Value* sg = p.find("sigma"); sg != nullptr && sg->is_number()) {
    if (sg->as_double() < 0) return IllegalArgument("[sigma] must be greater than or equal to 0. Found [" + sg->text() + "] in [" + name + "]");
    a->sigma = sg->as_double();
  }
  return std::unique_ptr<Aggregation>(std::move(a));
}

Result<std::unique_ptr<Aggregation>> NewCardinality(const std::string& name, const json::Value& p, ParseEnv& env) {
  auto f = ResolveField(p, env, name);
  if (!f.ok()) return f.status();
  auto a = std::make_unique<CountMetric>();
  a->distinct = true;
  a->field = *f;
  return std::unique_ptr<Aggregation>(std::move(a));
}

Result<std::unique_ptr<Aggregation>> NewValueCount(const std::string& name, const json::Value& p, ParseEnv& env) {
  auto f = ResolveField(p, env, name);
  if (!f.ok()) return f.status();
  auto a = std::make_unique<CountMetric>();
  a->field = *f;
  return std::unique_ptr<Aggregation>(std::move(a));
}

Result<std::unique_ptr<Aggregation>> NewPercentiles(const std::string& name, const json::Value& p, ParseEnv& env) {
  auto f = ResolveField(p, env, name);
  if (!f.ok()) return f.status();
  Status s = NumericOnly(*f, "percentiles");
  if (!s.ok()) return s;
  auto a = std::make_unique<PercentilesAgg>();
  a->field = *f;
  if (const json::Value* ps = p.find("percents")) {
    if (!ps->is_array() || ps->size() == 0) return IllegalArgument("[percents] must not be empty: [" + name + "]");
    a->percents.clear();
    for (const auto& x : ps->items()) {
      if (!x.is_number() || x.as_double() < 0 || x.as_double() > 100) {
        return IllegalArgument("percent must be in [0,100], got [" + json::Write(x) + "]: [" + name + "]");
      }
      a->percents.push_back(x.as_double());
    }
  }
  a->keyed = BoolParam(p, "keyed", true);
  auto m = MissingParam(p, *f, env);
  if (!m.ok()) return m.status();
  a->missing = *m;
  return std::unique_ptr<Aggregation>(std::move(a));
}

Result<std::unique_ptr<Aggregation>> NewTopHits(const std::string& name, const json::Value& p, ParseEnv& env) {
  auto a = std::make_unique<TopHitsAgg>();
  for (const auto& [k, v] : p.members()) {
    if (k == "size" || k == "from") {
      auto n = v.as_int64();
      if (!n && v.is_string()) n = std::strtoll(v.text().c_str(), nullptr, 10);
      if (!n || *n < 0) return IllegalArgument("[" + k + "] must be a non-negative number in [" + name + "]");
      (k == "size" ? a->size : a->from) = *n;
    } else if (k == "sort") {
      auto sort = ParseSort(v, env.mapping);
      if (!sort.ok()) return sort.status();
      a->format.sort = std::move(sort).value();
      if (a->format.sort.size() == 1 && a->format.sort[0].kind == SortField::Kind::kScore && a->format.sort[0].desc) {
        a->format.sort.clear();  // score order: no sort values
      }
    } else if (k == "_source") {
      auto sf = ParseSourceFilter(v);
      if (!sf.ok()) return sf.status();
      a->format.source = *sf;
    } else if (k == "version") {
      a->format.version = v.is_bool() && v.as_bool();
    } else if (k == "explain") {
      a->format.explain = v.is_bool() && v.as_bool();
    } else if (k == "track_scores") {
      a->track_scores = v.is_bool() && v.as_bool();
    } else if (k == "docvalue_fields") {
      if (v.is_array()) {
        for (const auto& x : v.items()) {
          if (x.is_string()) a->format.docvalue_fields.push_back(x.text());
          if (const json::Value* fl = x.find("field"); x.is_object() && fl != nullptr && fl->is_string()) {
            a->format.docvalue_fields.push_back(fl->text());
          }
        }
      }
    } else if (k == "script_fields") {
      return AppError("script_fields are not supported: this service does not run scripts");
    }
    // highlight, stored_fields, seq_no_primary_term...: accepted
  }
  if (a->from + a->size > 100) {
    return ShardError("illegal_argument_exception",
                      "Top hits result window is too large, the top hits aggregator [" + name +
                          "]'s from + size must be less than or equal to: [100] but was [" +
                          std::to_string(a->from + a->size) +
                          "]. This limit can be set by changing the [index.max_inner_result_window] index level "
                          "setting.");
  }
  return std::unique_ptr<Aggregation>(std::move(a));
}

}  // namespace buildhub::search::agg
