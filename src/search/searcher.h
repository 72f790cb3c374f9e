// Searcher: what the HTTP layer asks of the search engine. The engine owns an
// in-process index built from the store and answers Elasticsearch 6.7
// `_search` bodies with ES-shaped JSON.
//
// Scoring. Buildhub does not reproduce Lucene's BM25; scores are simple and
// deterministic: a matching leaf query (term, terms, match token, range,
// prefix, wildcard, regexp, fuzzy, exists, ids, phrase) scores its boost
// (1.0 by default), match_all its boost; bool adds the scores of its matching
// must and should clauses (filter and must_not add nothing; a bool with
// neither must nor should scores 0 if it has filters, else 1) times its
// boost; constant_score scores its boost; dis_max the best clause plus
// tie_breaker times the others; boosting multiplies by negative_boost where
// the negative query matches; function_score is its query's score times its
// boost (score functions are accepted and ignored). query_string combines a
// piece's fields with dis_max, so "firefox* 54*" over the web page's fields
// scores 1 (source.product) + 10 (target.version^10). Without a sort, hits
// come by score, then in insertion (store id) order. Scores are float32 and
// print as Python would print what Java wrote ("1.2", "11.0").
//
// Caps (EngineOptions): body size; query nesting (max_depth); clauses per
// bool (max_clauses, ES's 1024) and 16x that in a whole request; terms per
// terms query (ES's 65536); aggregation nesting (32); buckets in one response
// (max_buckets); top-level size (max_search_size), from + size
// (max_result_window), top_hits from + size (100, ES's inner window); time
// (time_budget_ms, checked in every long loop). Each is a 400 with a message
// naming the limit. Regexps and wildcards run on automata: linear time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace buildhub::search {

struct SearchResult {
  int http_status = 200;  // 200, or 400 for bad requests (never 500 for bad input)
  std::string body;       // the ES response JSON, or {"error": ...}
  int64_t total_hits = 0; // hits.total, for the api_search_records gauge
};

class Searcher {
 public:
  virtual ~Searcher() = default;

  // Runs one search. An empty or falsy body ({}, null, [], 0, "") runs
  // match_all with size 10, as the original did for GET.
  virtual SearchResult Search(std::string_view body) = 0;

  // Number of builds in the index, and the highest store id it has seen
  // (for /__heartbeat__ "index current" and /api/records).
  virtual int64_t DocumentCount() const = 0;
  virtual int64_t LastIndexedId() const = 0;
};

// Caps that keep one request from hurting the others. Every cap gives a 400
// with a clear message when exceeded.
struct EngineOptions {
  int64_t max_search_size = 1000;        // top-level size above this: "Search size too large (N)"
  int64_t max_result_window = 10000;     // from + size above this: ES's message
  size_t max_body_bytes = 1 << 20;       // request body
  size_t max_depth = 64;                 // nesting of queries/aggregations
  size_t max_clauses = 1024;             // bool clauses in one request (ES: 1024)
  size_t max_buckets = 10000;            // aggregation buckets in one response
  int64_t time_budget_ms = 5000;         // per request
  int64_t now_ms = 0;                    // fixed "now" for tests; 0 = the clock
};

// The engine: an in-process index built from the store, kept current.
class SearchEngine : public Searcher {
 public:
  // Reads builds with ids above the last one indexed from the store and adds
  // them (the change feed). Safe to call while searches run.
  virtual Status CatchUp() = 0;
  // Seconds the initial load took, and documents loaded.
  virtual double LoadSeconds() const = 0;
};

// Builds the index from every build in `store` (which must outlive the
// engine) and returns the engine. Errors name what failed.
Result<std::unique_ptr<SearchEngine>> OpenSearchEngine(store::BuildStore* store,
                                                       const EngineOptions& options = {});

}  // namespace buildhub::search
