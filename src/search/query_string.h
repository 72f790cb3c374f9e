// query_string and simple_query_string: Lucene's classic query-parser syntax
// (and the simple one) as Elasticsearch 6.7 interprets it over one or many
// fields. See reference/es67-semantics.md "query_string".
#pragma once

#include "core/json.h"
#include "core/status.h"
#include "search/field_query.h"
#include "search/query.h"

namespace buildhub::search {

// `params`: the object under "query_string".
Result<QueryPtr> ParseQueryString(const QueryEnv& env, const json::Value& params, size_t max_clauses);
// `params`: the object under "simple_query_string".
Result<QueryPtr> ParseSimpleQueryString(const QueryEnv& env, const json::Value& params,
                                        size_t max_clauses);

}  // namespace buildhub::search
