// The validation the original's elasticsearch-dsl 6.3.1 applied before a
// body reached Elasticsearch (Search.update_from_dict): Q() on `query` and
// `post_filter` and on every sub-query it knows about, A() on every
// aggregation. Its errors are the original's 400 messages, word for word:
//   Q() can only accept dict with a single query ({"match": {...}}). Instead it got ({})
//   DSL class `foo` does not exist in query.
//   A() can only accept dict with an aggregation ({"terms": {...}}). Instead it got (...)
//   DSL class `date` does not exist in agg.
// (Where the original crashed with a 500 — a non-object where a dict was
// needed — we give a 400 naming the problem.)
#pragma once

#include "core/json.h"
#include "core/status.h"

namespace buildhub::search {

// Checks a whole request body (an object).
Status CheckDsl(const json::Value& body);

}  // namespace buildhub::search
