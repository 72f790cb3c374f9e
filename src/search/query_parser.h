// QueryParser: Elasticsearch 6.7's query DSL (a JSON object) to a Query.
// Errors are ES's: parse errors as ES 400 bodies ("field name is null or
// empty", "no [query] registered for [foo]"), query-building errors (bad
// numbers, dates, patterns) as all-shards-failed bodies; our caps (nesting,
// clause count) as plain 400s.
#pragma once

#include <cstddef>

#include "core/json.h"
#include "core/status.h"
#include "search/field_query.h"
#include "search/query.h"

namespace buildhub::search {

struct QueryLimits {
  size_t max_depth = 64;
  size_t max_clauses = 1024;
};

class QueryParser {
 public:
  QueryParser(const QueryEnv& env, const QueryLimits& limits) : env_(env), limits_(limits) {}

  Result<QueryPtr> Parse(const json::Value& query) { return ParseAt(query, 0); }

  const QueryEnv& env() const { return env_; }

 private:
  Result<QueryPtr> ParseAt(const json::Value& v, size_t depth);
  Result<QueryPtr> ParseBool(const json::Value& p, size_t depth);
  Result<QueryPtr> ParseClauses(const json::Value& v, size_t depth, std::vector<QueryPtr>* out);
  Result<QueryPtr> ParseMatch(const json::Value& p, const std::string& type);
  Result<QueryPtr> ParseMultiMatch(const json::Value& p);
  Result<QueryPtr> ParseRange(const json::Value& p);
  Result<QueryPtr> ParseSingleFieldString(const json::Value& p, const std::string& type);
  Status CountClauses(size_t n);

  QueryEnv env_;
  QueryLimits limits_;
  size_t nodes_ = 0;
};

// match / match_phrase / match_phrase_prefix on one field, shared with
// multi_match and query_string.
struct MatchOptions {
  enum class Type { kBoolean, kPhrase, kPhrasePrefix } type = Type::kBoolean;
  bool operator_and = false;
  std::string minimum_should_match;
  std::string analyzer;       // empty: the field's
  std::string fuzziness;      // empty: exact
  int prefix_length = 0;
  bool transpositions = true;
  int slop = 0;
  bool zero_terms_all = false;
  bool lenient = false;
  float boost = 1.0f;
};
Result<QueryPtr> MakeMatchQuery(const QueryEnv& env, std::string_view field, const FieldValue& text,
                                const MatchOptions& options);

// Lucene/ES minimum_should_match: "3", "-1", "75%", "3<90%", ...
Result<int> MinimumShouldMatch(std::string_view spec, int optional_clauses);

}  // namespace buildhub::search
