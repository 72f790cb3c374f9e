// Hits: parsing `sort`, choosing the top from+size documents, and the sort
// values ES returns with them (es67-semantics.md "Hits"). Ties always go to
// the lower doc number (insertion order), as Lucene does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "roaring/roaring.hh"
#include "search/deadline.h"
#include "search/field_query.h"
#include "search/json_out.h"
#include "search/mapping.h"
#include "search/query_exec.h"
#include "search/snapshot.h"

namespace buildhub::search {

struct SortField {
  enum class Kind { kField, kScore, kDoc } kind = Kind::kField;
  std::string name;
  uint32_t field = kNoField;  // kNoField: unmapped, sorted as all-missing
  FieldType type = FieldType::kKeyword;
  bool desc = false;
  enum class Missing { kLast, kFirst, kValue } missing = Missing::kLast;
  FieldValue missing_value;
  enum class Mode { kDefault, kMin, kMax, kSum, kAvg, kMedian } mode = Mode::kDefault;
};

// `sort` in any ES form. Errors: unknown order, text fields (fielddata),
// unmapped fields without unmapped_type.
Result<std::vector<SortField>> ParseSort(const json::Value& sort, const Mapping& mapping);

// Whether scores are computed for hits sorted this way.
bool SortNeedsScores(const std::vector<SortField>& sort);

struct Hit {
  uint32_t doc = 0;
  float score = 0;
};

struct CollectOptions {
  const std::vector<SortField>* sort = nullptr;  // empty or null: by score
  const Scorer* scorer = nullptr;                // for score order and _score
  size_t from = 0;
  size_t size = 10;
  const json::Value* search_after = nullptr;     // an array, or null
};

// The hits [from, from+size) of `docs` in sort order.
Result<std::vector<Hit>> CollectHits(const Snapshot& snap, const Roaring& docs, const CollectOptions& o,
                                     const Deadline& deadline);

// The hit's "sort" array.
void WriteSortValues(const Snapshot& snap, const Hit& hit, const std::vector<SortField>& sort, JsonOut& out);

}  // namespace buildhub::search
