// Bucket aggregations other than terms: filter, filters, global, missing,
// histogram, date_histogram, range, date_range.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "search/agg_internal.h"
#include "search/dates.h"
#include "search/java_number.h"

namespace buildhub::search::agg {
namespace {

// Shared by the single-bucket aggregations: ordering by their doc count or
// by a path through them.
class SingleBucket : public Aggregation {
 public:
  virtual Result<Roaring> BucketDocs(const Roaring& docs, AggContext& ctx) const = 0;

  Status CheckOrderPath(std::string_view path) const override {
    if (path.empty() || path == "._count" || path == ".doc_count") return Status::Ok();
    if (path[0] == '>') {
      std::string_view rest = path.substr(1);
      for (const auto& sub : subs) {
        std::string_view n = sub->name;
        if (rest.substr(0, n.size()) == n) return sub->CheckOrderPath(rest.substr(n.size()));
      }
      return FlatError("Invalid aggregation order path [" + name + std::string(path) + "]. Unknown aggregation [" +
                       std::string(rest) + "]");
    }
    return Aggregation::CheckOrderPath(path);
  }

  Result<double> OrderValue(const Roaring& docs, std::string_view path, AggContext& ctx) const override {
    auto bd = BucketDocs(docs, ctx);
    if (!bd.ok()) return bd.status();
    if (path.empty() || path == "._count" || path == ".doc_count") return static_cast<double>(bd->cardinality());
    if (path[0] == '>') {
      std::string_view rest = path.substr(1);
      for (const auto& sub : subs) {
        std::string_view n = sub->name;
        if (rest.substr(0, n.size()) == n) return sub->OrderValue(*bd, rest.substr(n.size()), ctx);
      }
    }
    return Aggregation::OrderValue(docs, path, ctx);
  }

 protected:
  Status WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const override {
    auto bd = BucketDocs(docs, ctx);
    if (!bd.ok()) return bd.status();
    Status s = ctx.AddBuckets(1);
    if (!s.ok()) return s;
    out.Key("doc_count");
    out.Int(static_cast<int64_t>(bd->cardinality()));
    return WriteSubs(*bd, ctx, out);
  }
};

class FilterAgg : public SingleBucket {
 public:
  std::shared_ptr<Query> filter;
  mutable std::optional<Roaring> matches;  // per request: the filter's docs

  Result<Roaring> BucketDocs(const Roaring& docs, AggContext& ctx) const override {
    if (!matches) {
      auto m = ctx.exec.Match(*filter, true);
      if (!m.ok()) return m.status();
      matches = std::move(m).value();
    }
    return docs & *matches;
  }
};

class GlobalAgg : public SingleBucket {
 public:
  Result<Roaring> BucketDocs(const Roaring&, AggContext& ctx) const override { return ctx.exec.All(); }
};

class MissingAgg : public SingleBucket {
 public:
  AggField field;
  Result<Roaring> BucketDocs(const Roaring& docs, AggContext& ctx) const override {
    Roaring present;
    if (field.info != nullptr) {
      for (const auto& seg : ctx.snap.segments) {
        if (const KeywordColumn* k = seg->keyword(field.info->id)) present |= k->present;
        if (const NumericColumn* n = seg->numeric(field.info->id)) present |= n->present;
      }
    }
    return docs - present;
  }
};

class FiltersAgg : public Aggregation {
 public:
  bool keyed = true;
  std::vector<std::pair<std::string, std::shared_ptr<Query>>> filters;
  bool other = false;
  std::string other_key = "_other_";

 protected:
  Status WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const override {
    Status s = ctx.AddBuckets(filters.size() + (other ? 1 : 0));
    if (!s.ok()) return s;
    out.Key("buckets");
    keyed ? out.BeginObject() : out.BeginArray();
    Roaring any;
    for (const auto& [key, q] : filters) {
      auto m = ctx.exec.Match(*q, true);
      if (!m.ok()) return m.status();
      Roaring bd = docs & *m;
      if (other) any |= bd;
      if (keyed) out.Key(key);
      out.BeginObject();
      out.Key("doc_count");
      out.Int(static_cast<int64_t>(bd.cardinality()));
      s = WriteSubs(bd, ctx, out);
      if (!s.ok()) return s;
      out.EndObject();
    }
    if (other) {
      Roaring rest = docs - any;
      if (keyed) out.Key(other_key);
      out.BeginObject();
      out.Key("doc_count");
      out.Int(static_cast<int64_t>(rest.cardinality()));
      s = WriteSubs(rest, ctx, out);
      if (!s.ok()) return s;
      out.EndObject();
    }
    keyed ? out.EndObject() : out.EndArray();
    return Status::Ok();
  }
};

// ------------------------------------------------------------ histograms

struct HistBucket {
  double key = 0;      // histogram
  int64_t ikey = 0;    // date_histogram
  uint64_t count = 0;
};

Result<double> NumberParam(const json::Value& v, const std::string& what) {
  if (v.is_number()) return v.as_double();
  if (v.is_string()) {
    char* end = nullptr;
    double d = std::strtod(v.text().c_str(), &end);
    if (end != nullptr && *end == '\0' && !v.text().empty()) return d;
  }
  return ParsingError("[" + what + "] must be a number");
}

class HistogramAgg : public Aggregation {
 public:
  AggField field;
  bool date = false;
  double interval = 0;                    // histogram
  std::optional<dates::DateInterval> date_interval;
  double offset = 0;
  int64_t date_offset = 0;
  int64_t min_doc_count = 0;
  std::optional<double> bound_min, bound_max;
  bool keyed = false;
  std::vector<BucketOrder> order;
  std::optional<double> missing;
  std::optional<DateFormatter> formatter;

  Status Validate() const override { return CheckOrders(order, *this); }

 protected:
  int64_t DateKey(int64_t v) const {
    int64_t shifted = 0;
    if (__builtin_sub_overflow(v, date_offset, &shifted)) return v;  // only near the int64 ends
    int64_t key = 0;
    if (__builtin_add_overflow(date_interval->Floor(shifted), date_offset, &key)) return v;
    return key;
  }
  double NumKey(double v) const { return std::floor((v - offset) / interval) * interval + offset; }

  struct Acc {
    uint64_t count = 0;
    std::vector<uint32_t> docs;
  };
  using AccMap = std::map<double, Acc>;  // dates: epoch ms, exact in a double

  double KeyOf(double v) const {
    return date ? static_cast<double>(DateKey(JavaLongCast(v))) : NumKey(v);
  }

  // Counts (and, when asked, lists) the docs of each bucket in one pass.
  // When most of a segment is in `docs`, values are walked in sorted order
  // so that the bucket changes rarely (a calendar floor per bucket, not per
  // value).
  Status Collect(const Roaring& docs, AggContext& ctx, bool keep_docs, AccMap* out) const {
    std::vector<std::pair<double, uint32_t>> extra_hits;  // multi-valued docs: (key, doc)
    if (field.info != nullptr) {
      FieldType t = field.info->type;
      size_t ticks = 0;
      for (const auto& seg : ctx.snap.segments) {
        const NumericColumn* col = seg->numeric(field.info->id);
        if (col == nullptr) continue;
        uint32_t base = seg->base();
        uint64_t in_seg = RangeCardinality(docs, base, seg->end());
        if (in_seg == 0) continue;
        bool all = in_seg == seg->size();
        if (in_seg * 8 >= seg->size()) {
          double key = 0, upper = -std::numeric_limits<double>::infinity();
          double lower = std::numeric_limits<double>::infinity();
          Acc* acc = nullptr;
          for (uint32_t local : col->sorted) {
            if ((++ticks & 65535) == 0 && ctx.deadline.Expired()) return TimeBudgetError(ctx.deadline);
            uint32_t g = base + local;
            if (!all && !docs.contains(g)) continue;
            double v = NumericAsDouble(t, col->values[local]);
            if (date ? !(v < upper && v >= lower) : KeyOf(v) != key || acc == nullptr) {
              key = KeyOf(v);
              lower = key;
              upper = date ? static_cast<double>(date_interval->Next(JavaLongCast(key) - date_offset) + date_offset)
                           : key + interval;
              acc = &(*out)[key];
            }
            ++acc->count;
            if (keep_docs) acc->docs.push_back(g);
          }
        } else {
          bool expired = false;
          ForEachDocInRange(docs, base, seg->end(), [&](uint32_t g) {
            if ((++ticks & 65535) == 0 && ctx.deadline.Expired()) {
              expired = true;
              return false;
            }
            if (!col->present.contains(g)) return true;
            Acc& a = (*out)[KeyOf(NumericAsDouble(t, col->values[g - base]))];
            ++a.count;
            if (keep_docs) a.docs.push_back(g);
            return true;
          });
          if (expired) return TimeBudgetError(ctx.deadline);
        }
        for (const auto& [local, raw] : col->extra) {
          uint32_t g = base + local;
          if (!docs.contains(g)) continue;
          double k = KeyOf(NumericAsDouble(t, raw));
          // Counted once per bucket: skip the bucket of the main value.
          if (col->present.contains(g) && KeyOf(NumericAsDouble(t, col->values[local])) == k) continue;
          extra_hits.emplace_back(k, g);
        }
      }
    }
    std::sort(extra_hits.begin(), extra_hits.end());
    extra_hits.erase(std::unique(extra_hits.begin(), extra_hits.end()), extra_hits.end());
    for (const auto& [k, g] : extra_hits) {
      Acc& a = (*out)[k];
      ++a.count;
      if (keep_docs) a.docs.push_back(g);
    }
    if (missing) {
      Roaring present;
      if (field.info != nullptr) {
        for (const auto& seg : ctx.snap.segments) {
          if (const NumericColumn* n = seg->numeric(field.info->id)) present |= n->present;
        }
      }
      Roaring m = docs - present;
      Acc& a = (*out)[KeyOf(*missing)];
      a.count += m.cardinality();
      if (keep_docs) ForEachDoc(m, [&](uint32_t d) { a.docs.push_back(d); });
    }
    if (keep_docs) {
      for (auto& [k, a] : *out) std::sort(a.docs.begin(), a.docs.end());
    }
    return Status::Ok();
  }

  static Roaring Docs(const HistBucket& b, const AccMap& collected, bool date) {
    Roaring r;
    auto it = collected.find(date ? static_cast<double>(b.ikey) : b.key);
    if (it != collected.end()) r.addMany(it->second.docs.size(), it->second.docs.data());
    return r;
  }

  Status WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const override {
    bool has_path = false;
    for (const BucketOrder& o : order) has_path |= o.kind == BucketOrder::Kind::kPath;
    AccMap collected;
    Status cs = Collect(docs, ctx, !subs.empty() || has_path, &collected);
    if (!cs.ok()) return cs;
    std::map<double, std::pair<uint64_t, uint32_t>> counts;
    std::map<int64_t, std::pair<uint64_t, uint32_t>> dcounts;
    for (const auto& [k, a] : collected) {
      if (date) {
        dcounts[JavaLongCast(k)].first = a.count;
      } else {
        counts[k].first = a.count;
      }
    }
    std::vector<HistBucket> buckets;
    size_t budget = ctx.max_buckets >= ctx.buckets ? ctx.max_buckets - ctx.buckets : 0;
    // More buckets than the cap allows: fail before building them.
    auto too_many = [&]() { return ctx.AddBuckets(budget + 1); };
    if (date) {
      std::optional<int64_t> lo, hi;
      if (!dcounts.empty()) {
        lo = dcounts.begin()->first;
        hi = dcounts.rbegin()->first;
      }
      if (min_doc_count == 0) {
        if (bound_min) lo = lo ? std::min(*lo, DateKey(JavaLongCast(*bound_min))) : DateKey(JavaLongCast(*bound_min));
        if (bound_max) hi = hi ? std::max(*hi, DateKey(JavaLongCast(*bound_max))) : DateKey(JavaLongCast(*bound_max));
      }
      if (min_doc_count == 0 && lo && hi) {
        int64_t k = *lo;
        while (k <= *hi) {
          if (buckets.size() >= budget) return too_many();
          HistBucket b;
          b.ikey = k;
          auto it = dcounts.find(k);
          if (it != dcounts.end()) b.count = it->second.first;
          buckets.push_back(b);
          int64_t shifted = 0, next = 0;
          if (__builtin_sub_overflow(k, date_offset, &shifted) ||
              __builtin_add_overflow(date_interval->Next(shifted), date_offset, &next) || next <= k) {
            break;  // the int64 end of time
          }
          k = next;
        }
      } else {
        for (const auto& [k, c] : dcounts) {
          if (static_cast<int64_t>(c.first) < min_doc_count) continue;
          HistBucket b;
          b.ikey = k;
          b.count = c.first;
          buckets.push_back(b);
        }
      }
    } else {
      std::optional<double> lo, hi;
      if (!counts.empty()) {
        lo = counts.begin()->first;
        hi = counts.rbegin()->first;
      }
      if (min_doc_count == 0) {
        if (bound_min) lo = lo ? std::min(*lo, NumKey(*bound_min)) : NumKey(*bound_min);
        if (bound_max) hi = hi ? std::max(*hi, NumKey(*bound_max)) : NumKey(*bound_max);
      }
      if (min_doc_count == 0 && lo && hi) {
        double steps = std::floor((*hi - *lo) / interval) + 1;
        if (!(steps <= static_cast<double>(budget))) return too_many();  // NaN too
        const int64_t count = steps >= 1 ? static_cast<int64_t>(steps) : 0;  // now within the budget
        for (int64_t i = 0; i < count; ++i) {
          double k = NumKey(*lo + static_cast<double>(i) * interval + interval / 2);
          HistBucket b;
          b.key = k;
          auto it = counts.find(k);
          if (it != counts.end()) b.count = it->second.first;
          buckets.push_back(b);
        }
      } else {
        for (const auto& [k, c] : counts) {
          if (static_cast<int64_t>(c.first) < min_doc_count) continue;
          HistBucket b;
          b.key = k;
          b.count = c.first;
          buckets.push_back(b);
        }
      }
    }
    // Order (default _key asc).
    std::vector<std::vector<double>> pv(has_path ? buckets.size() : 0);
    if (has_path) {
      for (size_t i = 0; i < buckets.size(); ++i) {
        Roaring bd = Docs(buckets[i], collected, date);
        for (const BucketOrder& o : order) {
          if (o.kind != BucketOrder::Kind::kPath) continue;
          auto v = PathValue(o, *this, bd, ctx);
          if (!v.ok()) return v.status();
          pv[i].push_back(*v);
        }
      }
    }
    std::vector<size_t> idx(buckets.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    if (!order.empty()) {
      std::stable_sort(idx.begin(), idx.end(), [&](size_t x, size_t y) {
        size_t p = 0;
        for (const BucketOrder& o : order) {
          int c = 0;
          const HistBucket& a = buckets[x];
          const HistBucket& b = buckets[y];
          if (o.kind == BucketOrder::Kind::kCount) {
            c = a.count < b.count ? -1 : (a.count > b.count ? 1 : 0);
          } else if (o.kind == BucketOrder::Kind::kKey) {
            c = date ? (a.ikey < b.ikey ? -1 : (a.ikey > b.ikey ? 1 : 0)) : CompareDouble(a.key, b.key);
          } else {
            c = CompareDouble(pv[x][p], pv[y][p]);
            ++p;
          }
          if (c != 0) return o.asc ? c < 0 : c > 0;
        }
        return x < y;
      });
    }
    Status s = ctx.AddBuckets(buckets.size());
    if (!s.ok()) return s;
    out.Key("buckets");
    keyed ? out.BeginObject() : out.BeginArray();
    for (size_t i : idx) {
      const HistBucket& b = buckets[i];
      if (date) {
        std::string ks = formatter->Format(b.ikey);
        if (keyed) out.Key(ks);
        out.BeginObject();
        out.Key("key_as_string");
        out.String(ks);
        out.Key("key");
        out.Int(b.ikey);
      } else {
        if (keyed) out.Key(JavaDoubleString(b.key));
        out.BeginObject();
        out.Key("key");
        out.Double(b.key);
      }
      out.Key("doc_count");
      out.Int(static_cast<int64_t>(b.count));
      if (!subs.empty()) {
        Roaring bd = Docs(b, collected, date);
        s = WriteSubs(bd, ctx, out);
        if (!s.ok()) return s;
      }
      out.EndObject();
    }
    keyed ? out.EndObject() : out.EndArray();
    return Status::Ok();
  }
};

// --------------------------------------------------------------- ranges

struct RangeSpec {
  std::string key;
  bool explicit_key = false;
  double from = -std::numeric_limits<double>::infinity();
  double to = std::numeric_limits<double>::infinity();
};

class RangeAgg : public Aggregation {
 public:
  AggField field;
  bool date = false;
  bool keyed = false;
  std::vector<RangeSpec> ranges;
  std::optional<double> missing;
  std::optional<DateFormatter> formatter;

 protected:
  Roaring Docs(const RangeSpec& r, const Roaring& docs, AggContext& ctx) const {
    std::vector<uint32_t> ds;
    if (field.info != nullptr) {
      FieldType t = field.info->type;
      (void)ForEachNumeric(ctx.snap, field.info->id, docs, ctx.deadline, [&](uint32_t d, int64_t raw) {
        double v = NumericAsDouble(t, raw);
        if (v >= r.from && v < r.to) ds.push_back(d);
      });
    }
    if (missing && *missing >= r.from && *missing < r.to) {
      Roaring present;
      if (field.info != nullptr) {
        for (const auto& seg : ctx.snap.segments) {
          if (const NumericColumn* n = seg->numeric(field.info->id)) present |= n->present;
        }
      }
      Roaring m = docs - present;
      ForEachDoc(m, [&](uint32_t d) { ds.push_back(d); });
    }
    std::sort(ds.begin(), ds.end());
    ds.erase(std::unique(ds.begin(), ds.end()), ds.end());
    Roaring out;
    out.addMany(ds.size(), ds.data());
    return out;
  }

  std::string Text(double v) const {
    if (date) return formatter->Format(JavaLongCast(v));
    return JavaDoubleString(v);
  }

  Status WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const override {
    Status s = ctx.AddBuckets(ranges.size());
    if (!s.ok()) return s;
    out.Key("buckets");
    keyed ? out.BeginObject() : out.BeginArray();
    for (const RangeSpec& r : ranges) {
      Roaring bd = Docs(r, docs, ctx);
      std::string key = r.explicit_key ? r.key
                                       : (std::isinf(r.from) ? "*" : Text(r.from)) + "-" +
                                             (std::isinf(r.to) ? "*" : Text(r.to));
      if (keyed) {
        out.Key(key);
        out.BeginObject();
      } else {
        out.BeginObject();
        out.Key("key");
        out.String(key);
      }
      if (!std::isinf(r.from)) {
        out.Key("from");
        out.Double(r.from);
        if (date) {
          out.Key("from_as_string");
          out.String(Text(r.from));
        }
      }
      if (!std::isinf(r.to)) {
        out.Key("to");
        out.Double(r.to);
        if (date) {
          out.Key("to_as_string");
          out.String(Text(r.to));
        }
      }
      out.Key("doc_count");
      out.Int(static_cast<int64_t>(bd.cardinality()));
      s = WriteSubs(bd, ctx, out);
      if (!s.ok()) return s;
      out.EndObject();
    }
    keyed ? out.EndObject() : out.EndArray();
    return Status::Ok();
  }
};

Result<AggField> NumericField(const json::Value& p, ParseEnv& env, const std::string& name, const char* type) {
  auto f = ResolveField(p, env, name);
  if (!f.ok()) return f;
  if (f->info != nullptr && !IsNumericType(f->info->type)) {
    return ShardError("illegal_argument_exception", "Field [" + f->name + "] of type [" +
                                                        FieldTypeName(f->info->type) +
                                                        "] is not supported for aggregation [" + type + "]");
  }
  return f;
}

Result<int64_t> DateValue(const json::Value& v, ParseEnv& env, const std::string& format, const std::string& tz,
                          dates::Rounding rounding) {
  std::string text = v.is_string() || v.is_number() ? v.text() : "";
  dates::QueryDateOptions o;
  o.format = format;
  o.time_zone = tz;
  auto r = dates::ParseQueryDate(text, o, rounding, env.now_ms);
  if (!r.ok()) return ShardError("parse_exception", r.status().message());
  return *r;
}

Result<int64_t> OffsetMillis(const std::string& s) {
  if (s.empty()) return 0;
  std::string t = s;
  int sign = 1;
  if (t[0] == '+' || t[0] == '-') {
    sign = t[0] == '-' ? -1 : 1;
    t = t.substr(1);
  }
  char* end = nullptr;
  double n = std::strtod(t.c_str(), &end);
  std::string unit = end ? std::string(end) : "";
  int64_t mult = 0;
  if (unit == "ms" || unit.empty()) mult = 1;
  else if (unit == "s") mult = 1000;
  else if (unit == "m") mult = 60000;
  else if (unit == "h") mult = 3600000;
  else if (unit == "d") mult = 86400000;
  else return ParsingError("failed to parse offset [" + s + "]");
  // Beyond about 285,000 years an offset only overflows the bucket keys.
  const double millis = n * static_cast<double>(mult);
  if (!(std::fabs(millis) <= 9e15)) return ParsingError("offset [" + s + "] is out of range");
  return sign * static_cast<int64_t>(millis);
}

}  // namespace

Result<std::unique_ptr<Aggregation>> NewFilter(const std::string& name, const json::Value& p, ParseEnv& env) {
  auto a = std::make_unique<FilterAgg>();
  auto q = env.parser.Parse(p);
  if (!q.ok()) return q.status();
  a->filter = std::shared_ptr<Query>(std::move(q).value());
  (void)name;
  return std::unique_ptr<Aggregation>(std::move(a));
}

Result<std::unique_ptr<Aggregation>> NewFilters(const std::string& name, const json::Value& p, ParseEnv& env) {
  auto a = std::make_unique<FiltersAgg>();
  const json::Value* fs = p.find("filters");
  if (fs == nullptr) return ParsingError("[filters] cannot be null in [" + name + "]");
  if (fs->is_object()) {
    for (const auto& [k, v] : fs->members()) {
      auto q = env.parser.Parse(v);
      if (!q.ok()) return q.status();
      a->filters.emplace_back(k, std::shared_ptr<Query>(std::move(q).value()));
    }
    // ES keeps keyed filters sorted by key.
    std::stable_sort(a->filters.begin(), a->filters.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
  } else if (fs->is_array()) {
    a->keyed = false;
    for (const auto& v : fs->items()) {
      auto q = env.parser.Parse(v);
      if (!q.ok()) return q.status();
      a->filters.emplace_back("", std::shared_ptr<Query>(std::move(q).value()));
    }
  } else {
    return ParsingError("[filters] must be an object or an array in [" + name + "]");
  }
  a->other = BoolParam(p, "other_bucket", false);
  if (const json::Value* k = p.find("other_bucket_key"); k != nullptr && k->is_string()) {
    a->other_key = k->text();
    a->other = true;
  }
  return std::unique_ptr<Aggregation>(std::move(a));
}

Result<std::unique_ptr<Aggregation>> NewGlobal(const std::string&, const json::Value&, ParseEnv&) {
  return std::unique_ptr<Aggregation>(std::make_unique<GlobalAgg>());
}

Result<std::unique_ptr<Aggregation>> NewMissing(const std::string& name, const json::Value& p, ParseEnv& env) {
  auto f = ResolveField(p, env, name);
  if (!f.ok()) return f.status();
  auto a = std::make_unique<MissingAgg>();
  a->field = *f;
  return std::unique_ptr<Aggregation>(std::move(a));
}

Result<std::unique_ptr<Aggregation>> NewHistogram(const std::string& name, const json::Value& p, ParseEnv& env) {
  auto f = NumericField(p, env, name, "histogram");
  if (!f.ok()) return f.status();
  auto a = std::make_unique<HistogramAgg>();
  a->field = *f;
  const json::Value* iv = p.find("interval");
  if (iv == nullptr) return ParsingError("Missing required field [interval] for histogram aggregation [" + name + "]");
  auto interval = NumberParam(*iv, "interval");
  if (!interval.ok()) return interval.status();
  if (!(*interval > 0)) {
    return IllegalArgument("[interval] must be >0 for histogram aggregation [" + name + "]");
  }
  a->interval = *interval;
  if (const json::Value* o = p.find("offset")) {
    auto off = NumberParam(*o, "offset");
    if (!off.ok()) return off.status();
    a->offset = *off;
  }
  if (const json::Value* m = p.find("min_doc_count")) a->min_doc_count = m->as_int64().value_or(0);
  if (const json::Value* eb = p.find("extended_bounds"); eb != nullptr && eb->is_object()) {
    if (const json::Value* x = eb->find("min")) {
      auto v = NumberParam(*x, "extended_bounds.min");
      if (!v.ok()) return v.status();
      a->bound_min = *v;
    }
    if (const json::Value* x = eb->find("max")) {
      auto v = NumberParam(*x, "extended_bounds.max");
      if (!v.ok()) return v.status();
      a->bound_max = *v;
    }
    // HistogramAggregationBuilder.extendedBounds refuses these.
    if (a->bound_min && !std::isfinite(*a->bound_min)) {
      return IllegalArgument("minBound must be finite, got: " + JavaDoubleString(*a->bound_min));
    }
    if (a->bound_max && !std::isfinite(*a->bound_max)) {
      return IllegalArgument("maxBound must be finite, got: " + JavaDoubleString(*a->bound_max));
    }
    if (a->bound_min && a->bound_max && *a->bound_max < *a->bound_min) {
      return IllegalArgument("maxBound [" + JavaDoubleString(*a->bound_max) + "] must be greater than minBound [" +
                             JavaDoubleString(*a->bound_min) + "]");
    }
  }
  a->keyed = BoolParam(p, "keyed", false);
  if (const json::Value* m = p.find("missing")) {
    auto v = NumberParam(*m, "missing");
    if (!v.ok()) return v.status();
    a->missing = *v;
  }
  if (const json::Value* o = p.find("order")) {
    auto ord = ParseOrder(*o);
    if (!ord.ok()) return ord.status();
    a->order = std::move(ord).value();
  } else {
    BucketOrder k;
    k.kind = BucketOrder::Kind::kKey;
    k.asc = true;
    a->order.push_back(k);
  }
  return std::unique_ptr<Aggregation>(std::move(a));
}

Result<std::unique_ptr<Aggregation>> NewDateHistogram(const std::string& name, const json::Value& p, ParseEnv& env) {
  auto f = NumericField(p, env, name, "date_histogram");
  if (!f.ok()) return f.status();
  auto a = std::make_unique<HistogramAgg>();
  a->field = *f;
  a->date = true;
  std::string tz = StringParam(p, "time_zone");
  std::string interval;
  for (const char* k : {"interval", "calendar_interval", "fixed_interval"}) {
    if (const json::Value* v = p.find(k)) {
      interval = v->is_number() ? v->text() + "ms" : (v->is_string() ? v->text() : "");
    }
  }
  if (interval.empty()) {
    return IllegalArgument("Invalid interval specified, must be non-null and non-empty");
  }
  auto di = dates::DateInterval::Parse(interval, tz);
  if (!di.ok()) return ShardError("illegal_argument_exception", di.status().message());
  a->date_interval = *di;
  auto fmt = DateFormatter::Create(StringParam(p, "format"), tz);
  if (!fmt.ok()) return fmt.status();
  a->formatter = *fmt;
  if (const json::Value* o = p.find("offset")) {
    auto off = o->is_number() ? OffsetMillis(o->text()) : OffsetMillis(o->is_string() ? o->text() : "");
    if (!off.ok()) return off.status();
    a->date_offset = *off;
  }
  if (const json::Value* m = p.find("min_doc_count")) a->min_doc_count = m->as_int64().value_or(0);
  std::string format = StringParam(p, "format");
  if (const json::Value* eb = p.find("extended_bounds"); eb != nullptr && eb->is_object()) {
    if (const json::Value* x = eb->find("min")) {
      auto v = DateValue(*x, env, format, tz, dates::Rounding::kFloor);
      if (!v.ok()) return v.status();
      a->bound_min = static_cast<double>(*v);
    }
    if (const json::Value* x = eb->find("max")) {
      auto v = DateValue(*x, env, format, tz, dates::Rounding::kFloor);
      if (!v.ok()) return v.status();
      a->bound_max = static_cast<double>(*v);
    }
    // ExtendedBounds.validate.
    if (a->bound_min && a->bound_max && *a->bound_max < *a->bound_min) {
      return IllegalArgument("[extended_bounds.min][" + std::to_string(JavaLongCast(*a->bound_min)) +
                             "] cannot be greater than [extended_bounds.max][" +
                             std::to_string(JavaLongCast(*a->bound_max)) + "] for histogram [" + name + "]");
    }
  }
  a->keyed = BoolParam(p, "keyed", false);
  if (const json::Value* m = p.find("missing")) {
    auto v = DateValue(*m, env, format, tz, dates::Rounding::kFloor);
    if (!v.ok()) return v.status();
    a->missing = static_cast<double>(*v);
  }
  if (const json::Value* o = p.find("order")) {
    auto ord = ParseOrder(*o);
    if (!ord.ok()) return ord.status();
    a->order = std::move(ord).value();
  } else {
    BucketOrder k;
    k.kind = BucketOrder::Kind::kKey;
    k.asc = true;
    a->order.push_back(k);
  }
  return std::unique_ptr<Aggregation>(std::move(a));
}

namespace {

Result<std::unique_ptr<Aggregation>> ParseRanges(const std::string& name, const json::Value& p, ParseEnv& env,
                                                 bool date) {
  auto f = NumericField(p, env, name, date ? "date_range" : "range");
  if (!f.ok()) return f.status();
  auto a = std::make_unique<RangeAgg>();
  a->field = *f;
  a->date = date;
  a->keyed = BoolParam(p, "keyed", false);
  std::string format = StringParam(p, "format");
  std::string tz = StringParam(p, "time_zone");
  if (date) {
    auto fmt = DateFormatter::Create(format, tz);
    if (!fmt.ok()) return fmt.status();
    a->formatter = *fmt;
  }
  const json::Value* rs = p.find("ranges");
  if (rs == nullptr || !rs->is_array() || rs->size() == 0) {
    return IllegalArgument("No [ranges] specified for the [" + name + "] aggregation");
  }
  auto bound = [&](const json::Value& v, double* out) -> Status {
    if (v.is_null()) return Status::Ok();
    if (date) {
      auto ms = DateValue(v, env, format, tz, dates::Rounding::kFloor);
      if (!ms.ok()) return ms.status();
      *out = static_cast<double>(*ms);
      return Status::Ok();
    }
    auto d = NumberParam(v, "from/to");
    if (!d.ok()) return d.status();
    *out = *d;
    return Status::Ok();
  };
  for (const auto& r : rs->items()) {
    if (!r.is_object()) return ParsingError("[ranges] must hold objects in [" + name + "]");
    RangeSpec spec;
    if (const json::Value* v = r.find("from")) {
      Status s = bound(*v, &spec.from);
      if (!s.ok()) return s;
    }
    if (const json::Value* v = r.find("to")) {
      Status s = bound(*v, &spec.to);
      if (!s.ok()) return s;
    }
    if (const json::Value* k = r.find("key"); k != nullptr && k->is_string()) {
      spec.key = k->text();
      spec.explicit_key = true;
    }
    a->ranges.push_back(std::move(spec));
  }
  std::stable_sort(a->ranges.begin(), a->ranges.end(), [](const RangeSpec& x, const RangeSpec& y) {
    int c = CompareDouble(x.from, y.from);
    if (c != 0) return c < 0;
    return CompareDouble(x.to, y.to) < 0;
  });
  if (const json::Value* m = p.find("missing")) {
    double v = 0;
    Status s = bound(*m, &v);
    if (!s.ok()) return s;
    a->missing = v;
  }
  return std::unique_ptr<Aggregation>(std::move(a));
}

}  // namespace

Result<std::unique_ptr<Aggregation>> NewRange(const std::string& name, const json::Value& p, ParseEnv& env) {
  return ParseRanges(name, p, env, false);
}

Result<std::unique_ptr<Aggregation>> NewDateRange(const std::string& name, const json::Value& p, ParseEnv& env) {
  return ParseRanges(name, p, env, true);
}

}  // namespace buildhub::search::agg
