// The search oracle: a deliberately naive evaluator of Elasticsearch 6.7
// `_search` bodies over Buildhub documents. It looks at every document, one
// at a time, and decides each rule the way the ES 6.7 documentation and
// /work/shared/reference/es67-semantics.md state it, so that a reviewer can
// check it line by line. It shares only the tested primitives with the engine
// (the standard analyzer, the Lucene regexp/wildcard matchers and the date
// parser); everything else — query semantics, sorting, _source filtering,
// aggregations — is written here again from the semantics, on purpose.
//
// It is slow (O(documents) per query and per bucket) and that is the point.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"

namespace buildhub::search::oracle {

// One stored build: the store's id and the build document as stored (the
// engine's _source is {"id": id, ...document members}).
struct NaiveDoc {
  int64_t id = 0;
  json::Value document;
};

// How much of a hits array a comparison may rely on. ES leaves the order of
// equal-scoring hits to the engine; the oracle says where that is the case.
struct HitsNote {
  // Path of the hits array in the response, segments joined by '/', e.g.
  // "hits/hits" or "aggregations/by.version/buckets/2/top/hits/hits".
  std::string path;
  enum class Order {
    kExact,           // fully determined: compare element by element
    kSortValuesOnly,  // field-sorted with possible ties: compare the `sort`
                      // arrays in order, the ids only as a set (if complete)
    kUnordered,       // order is the engine's (scores): compare as a set if complete
  };
  Order order = Order::kExact;
  // Every hit of the result is in the array (from == 0 and size >= total), so
  // the set of ids is determined even when the order is not.
  bool complete = false;
  // The `_score` of each hit is determined (constant-score queries, or null
  // because the hits are sorted on fields).
  bool scores_defined = false;
  // `sort` values are comparable (false when the sort includes _doc, whose
  // value is an engine-internal document number in ES).
  bool sort_values_defined = true;
};

struct NaiveResponse {
  // 200, or 400 with `error` set (then `body` is {"error": error}).
  int http_status = 200;
  std::string error;
  json::Value body;
  // False when the body uses something the oracle does not model (e.g.
  // search_after, scripts); such responses must not be compared.
  bool supported = true;
  std::string unsupported_reason;
  std::vector<HitsNote> hits_notes;
  // Buckets in the whole response, to compare with the engine's cap.
  int64_t bucket_count = 0;
};

// A prepared corpus: documents with their mapped field values extracted once
// (parsed dates, analysed text tokens), so that many queries can be asked.
class NaiveCorpus {
 public:
  explicit NaiveCorpus(std::vector<NaiveDoc> docs);
  ~NaiveCorpus();
  NaiveCorpus(const NaiveCorpus&) = delete;
  NaiveCorpus& operator=(const NaiveCorpus&) = delete;

  // The full ES 6.7 response for `body` (a parsed request body; null or any
  // falsy value runs the default search). `now_ms` anchors date math.
  NaiveResponse Evaluate(const json::Value& body, int64_t now_ms) const;

  size_t size() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience over NaiveCorpus.
NaiveResponse Evaluate(const std::vector<NaiveDoc>& docs, const json::Value& body,
                       int64_t now_ms);

// Java's Double.toString, which ES uses when a JSON number becomes a term or a
// bucket key ("65.0", "1.0E7", "1.0E-4").
std::string JavaDoubleToString(double v);

}  // namespace buildhub::search::oracle
