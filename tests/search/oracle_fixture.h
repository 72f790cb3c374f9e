// What the differential and reference tests share: a corpus in a real
// SQLite store, the same documents as oracle input, running one body through
// the engine and the oracle, and shrinking a body that makes them disagree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "search/naive_evaluator.h"
#include "search/searcher.h"
#include "store/store.h"

namespace buildhub::search::oracle {

// `count` documents from CorpusGenerator(seed).
std::vector<json::Value> GeneratedDocuments(uint64_t seed, size_t count);

// Hand-made documents for the corners: missing optional fields (no build at
// all), compiler strings around the 256-character ignore_above (counted in
// UTF-16 units), non-ASCII values, dates with offsets, fractions, no seconds,
// build.number written 5.0, empty and token-less text, a 5 GB size.
std::vector<json::Value> EdgeDocuments();

// Inserts the documents (in order, in batches) and appends what the store
// kept to *docs with the ids it gave, documents re-read from the stored JSON.
Status InsertDocuments(store::BuildStore* store, const std::vector<json::Value>& documents,
                       std::vector<NaiveDoc>* docs);

struct Verdict {
  bool skipped = false;        // the oracle does not model the body
  std::string skip_reason;
  std::vector<std::string> diffs;  // empty: the engine agrees
  int engine_status = 0;
  std::string engine_body;
};

Verdict CheckOne(const NaiveCorpus& oracle, Searcher* engine, const json::Value& body,
                 int64_t now_ms);

// Smaller bodies that still disagree, by dropping keys, clauses and
// aggregations one at a time (at most `max_attempts` engine runs).
json::Value Shrink(const NaiveCorpus& oracle, Searcher* engine, json::Value body, int64_t now_ms,
                   int max_attempts = 300);

}  // namespace buildhub::search::oracle
