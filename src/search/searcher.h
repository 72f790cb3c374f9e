// Searcher: what the HTTP layer asks of the search engine. The engine owns an
// in-process index built from the store and answers Elasticsearch 6.7
// `_search` bodies with ES-shaped JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

}  // namespace buildhub::search
