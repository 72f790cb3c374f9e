// _source filtering with Elasticsearch 6.7's rules (XContentMapValues.filter):
// `*` patterns that also cross dots; a pattern selects a path or any dotted
// prefix of it; an included object keeps its children minus excludes (and
// stays {} when everything inside is excluded); an object not itself
// included is dropped when nothing inside survives. Key order is kept.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace buildhub::search {

struct SourceFilter {
  bool fetch = true;
  std::vector<std::string> includes;
  std::vector<std::string> excludes;

  bool Filters() const { return !includes.empty() || !excludes.empty(); }
};

// `_source` in any ES form: true/false, "pattern", ["a", "b"],
// {"includes"|"include": ..., "excludes"|"exclude": ...}.
Result<SourceFilter> ParseSourceFilter(const json::Value& v);

// The filtered document.
json::Value FilterSource(const json::Value& source, const SourceFilter& filter);

}  // namespace buildhub::search
