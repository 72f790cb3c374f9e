// Structural comparison of an engine response with the oracle's: what ES
// 6.7 determines must be equal (hits.total, hit ids and their order where
// defined, sort values, _source, aggregations with bucket order, doubles to a
// relative 1e-9); what it leaves to the engine (took, _shards, max_score,
// scores of scored queries, highlight, suggest, the order of equal-score
// hits) is not compared.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "search/naive_evaluator.h"

namespace buildhub::search::oracle {

// Returns human-readable differences ("hits/total: expected 3, got 4"), at
// most `limit` of them; empty when the responses agree. Error responses
// agree when both are 400 (messages are checked separately where exact).
std::vector<std::string> CompareResponses(const NaiveResponse& expected, int actual_status,
                                          const json::Value& actual_body, size_t limit = 8);

// Two JSON numbers equal as integers (exact) or as doubles to 1e-9 relative.
bool NumbersAgree(const json::Value& a, const json::Value& b);

}  // namespace buildhub::search::oracle
