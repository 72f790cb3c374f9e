// SearchRequest: a `_search` body checked and parsed the way the original
// did it — the Django view's size cap, elasticsearch-dsl's validation, then
// Elasticsearch 6.7's parser (in the order the DSL re-serialised the body,
// which decides which error a bad body gets).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "search/aggs.h"
#include "search/highlight.h"
#include "search/hits.h"
#include "search/query.h"
#include "search/searcher.h"
#include "search/source_filter.h"

namespace buildhub::search {

struct SuggestSpec {
  std::string name;
  std::string type;   // "term" or "phrase"
  std::string text;
  std::string field;
};

struct SearchRequest {
  std::shared_ptr<Query> query;        // null: match_all
  std::shared_ptr<Query> post_filter;  // null: none
  int64_t from = 0;
  int64_t size = 10;
  std::vector<SortField> sort;
  bool track_scores = false;
  bool track_total_hits = true;
  std::optional<double> min_score;
  SourceFilter source;
  std::optional<HighlightSpec> highlight;
  AggList aggs;
  std::vector<SuggestSpec> suggest;
  bool version = false;
  bool explain = false;
  std::vector<std::string> docvalue_fields;
  std::optional<json::Value> search_after;
};

// Parses a JSON body (an object). `now_ms` anchors date math.
Result<SearchRequest> ParseSearchRequest(const json::Value& body, const Mapping& mapping,
                                         const EngineOptions& options, int64_t now_ms);

// The original view's own check on `size` (before anything else): "Search
// size too large (N)", and Python's int() errors for non-numeric sizes.
Status CheckSizeCap(const json::Value& body, int64_t max_search_size);

}  // namespace buildhub::search
