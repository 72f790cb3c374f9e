// Shared pieces of the aggregation implementations (not a public header).
#pragma once

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "search/aggs.h"
#include "search/bitmap_util.h"
#include "search/date_format.h"
#include "search/search_error.h"

namespace buildhub::search::agg {

struct ParseEnv {
  QueryParser& parser;
  const Mapping& mapping;
  int64_t now_ms;
};

using Factory = Result<std::unique_ptr<Aggregation>> (*)(const std::string& name, const json::Value& params,
                                                         ParseEnv& env);

Result<std::unique_ptr<Aggregation>> NewTerms(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewFilter(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewFilters(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewGlobal(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewMissing(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewHistogram(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewDateHistogram(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewRange(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewDateRange(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewMetric(const std::string&, const json::Value&, ParseEnv&,
                                              const std::string& type);
Result<std::unique_ptr<Aggregation>> NewCardinality(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewValueCount(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewPercentiles(const std::string&, const json::Value&, ParseEnv&);
Result<std::unique_ptr<Aggregation>> NewTopHits(const std::string&, const json::Value&, ParseEnv&);

// Marks metric aggregations (no sub-aggregations allowed).
class MetricAggregation : public Aggregation {
 public:
  virtual bool is_metric() const { return true; }
};

// The field an aggregation reads. `info` null: unmapped.
struct AggField {
  std::string name;
  const FieldInfo* info = nullptr;
};

// `field` of an aggregation: required; scripts refused; text fields are
// ES's fielddata error.
Result<AggField> ResolveField(const json::Value& params, const ParseEnv& env, const std::string& agg_name);

inline Status NumericOnly(const AggField& f, const std::string& agg_type) {
  if (f.info == nullptr || IsNumericType(f.info->type)) return Status::Ok();
  return ShardError("illegal_argument_exception", "Expected numeric type on field [" + f.name + "], but got [" +
                                                      FieldTypeName(f.info->type) + "]");
}

inline double BitsDouble(int64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// A numeric value of a field as a double (longs, dates, booleans, floats).
inline double NumericAsDouble(FieldType t, int64_t raw) {
  return t == FieldType::kDouble ? BitsDouble(raw) : static_cast<double>(raw);
}

// Calls f(global doc, raw value) for every value of numeric `field` in
// `docs` (multi-valued docs once per value). Watches the deadline.
template <typename F>
Status ForEachNumeric(const Snapshot& snap, uint32_t field, const Roaring& docs, const Deadline& deadline, F&& f) {
  size_t i = 0;
  for (const auto& seg : snap.segments) {
    const NumericColumn* col = seg->numeric(field);
    if (col == nullptr) continue;
    if (RangeCardinality(docs, seg->base(), seg->end()) == 0) continue;
    Roaring with = docs & col->present;
    bool expired = false;
    uint32_t base = seg->base();
    ForEachDoc(with, [&](uint32_t d) {
      if ((++i & 8191) == 0 && deadline.Expired()) expired = true;
      f(d, col->values[d - base]);
    });
    if (expired) return TimeBudgetError(deadline);
    for (const auto& [local, v] : col->extra) {
      if (docs.contains(base + local)) f(base + local, v);
    }
  }
  return Status::Ok();
}

// Java's Double.compare: NaN above +Infinity, -0.0 below 0.0.
inline int CompareDouble(double a, double b) {
  if (a < b) return -1;
  if (a > b) return 1;
  bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  bool as = std::signbit(a), bs = std::signbit(b);
  return as == bs ? 0 : (as ? -1 : 1);
}

// Bucket ordering: _count, _key, or a path into sub-aggregations.
struct BucketOrder {
  enum class Kind { kCount, kKey, kPath } kind = Kind::kCount;
  std::string path;
  bool asc = false;
};
Result<std::vector<BucketOrder>> ParseOrder(const json::Value& v);
// Validates path orders against the aggregation's subs.
Status CheckOrders(const std::vector<BucketOrder>& orders, const Aggregation& owner);
// The value of a path order for a bucket's docs.
Result<double> PathValue(const BucketOrder& order, const Aggregation& owner, const Roaring& docs, AggContext& ctx);

bool BoolParam(const json::Value& params, const char* key, bool fallback);
std::string StringParam(const json::Value& params, const char* key);

}  // namespace buildhub::search::agg
