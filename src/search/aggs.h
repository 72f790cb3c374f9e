// Aggregations: parsed once per request into a tree, then run over the
// docs matching the query (not the post_filter), at any depth. Bucket
// aggregations hand each bucket's docs to their sub-aggregations.
//
// Supported: terms, filter, filters, global, missing, histogram,
// date_histogram, range, date_range (bucket); cardinality, value_count, min,
// max, sum, avg, stats, extended_stats, percentiles, top_hits (metric).
// Other types ES knows get a clear 400. Every bucket written counts against
// EngineOptions::max_buckets.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "roaring/roaring.hh"
#include "search/deadline.h"
#include "search/hits.h"
#include "search/json_out.h"
#include "search/query_exec.h"
#include "search/query_parser.h"
#include "search/snapshot.h"
#include "search/source_filter.h"

namespace buildhub::search {

// How top_hits writes its hits (the engine's hit writer).
struct TopHitsFormat {
  SourceFilter source;
  std::vector<SortField> sort;
  bool version = false;
  bool explain = false;
  std::vector<std::string> docvalue_fields;
};
using HitWriterFn = std::function<void(const Hit& hit, const TopHitsFormat& format, bool scored, JsonOut& out)>;

struct AggContext {
  const Snapshot& snap;
  QueryExecutor& exec;
  const Deadline& deadline;
  const Scorer* scorer = nullptr;  // scores of the query, for top_hits
  size_t max_buckets = 10000;
  size_t buckets = 0;
  HitWriterFn write_hit;

  Status AddBuckets(size_t n);
};

class Aggregation {
 public:
  virtual ~Aggregation() = default;

  // Writes "name": {...}.
  Status Write(const Roaring& docs, AggContext& ctx, JsonOut& out) const;

  // A number to order parent buckets by. `path` is what follows this
  // aggregation's name in the order key: "" or ".value" for single-value
  // metrics, ".avg" for stats, "._count" or ">sub..." for single-bucket
  // aggregations.
  virtual Result<double> OrderValue(const Roaring& docs, std::string_view path, AggContext& ctx) const;
  // Validates an order path against this aggregation (at parse time).
  virtual Status CheckOrderPath(std::string_view path) const;
  // Checks made once the sub-aggregations are known (order paths).
  virtual Status Validate() const { return Status::Ok(); }

  std::string name;
  json::Value meta;  // null when not given
  std::vector<std::unique_ptr<Aggregation>> subs;

 protected:
  virtual Status WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const = 0;
  // Writes the sub-aggregations of a bucket into the current object.
  Status WriteSubs(const Roaring& docs, AggContext& ctx, JsonOut& out) const;
  const Aggregation* FindSub(std::string_view name) const;
};

using AggList = std::vector<std::unique_ptr<Aggregation>>;

// Parses an `aggs` object. `parser` parses filter queries.
Result<AggList> ParseAggregations(const json::Value& aggs, QueryParser& parser, const Mapping& mapping,
                                  int64_t now_ms, size_t depth = 0);

// Writes "aggregations": {...}.
Status WriteAggregations(const AggList& aggs, const Roaring& docs, AggContext& ctx, JsonOut& out);

}  // namespace buildhub::search
