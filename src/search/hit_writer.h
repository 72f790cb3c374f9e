// The JSON of one hit, in Elasticsearch 6.7's key order: _index, _type, _id,
// _version, _score, _source, fields, highlight, sort, _explanation.
#pragma once

#include <string>
#include <vector>

#include "search/highlight.h"
#include "search/hits.h"
#include "search/json_out.h"
#include "search/snapshot.h"
#include "search/source_filter.h"

namespace buildhub::search {

struct HitOptions {
  const SourceFilter* source = nullptr;            // null: whole _source
  const std::vector<SortField>* sort = nullptr;    // "sort" values when non-empty
  bool scored = true;                              // false: "_score": null
  bool version = false;
  bool explain = false;
  const std::vector<std::string>* docvalue_fields = nullptr;
  const Highlighter* highlighter = nullptr;
};

void WriteHit(const Snapshot& snap, const Hit& hit, const HitOptions& options, JsonOut& out);

}  // namespace buildhub::search
