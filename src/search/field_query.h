// Leaf queries on one field with Elasticsearch 6.7's per-type rules (term,
// terms, range, prefix/wildcard/regexp, fuzzy, exists), shared by the JSON
// query parser, match/multi_match and query_string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "search/mapping.h"
#include "search/query.h"

namespace buildhub::search {

// What every query builder needs: the mapping and the request's "now".
struct QueryEnv {
  const Mapping* mapping = nullptr;
  int64_t now_ms = 0;
};

// A value as a query gave it: JSON scalars keep their kind because ES treats
// 100 and "100" differently on keyword fields (100.0 becomes "100.0").
struct FieldValue {
  enum class Kind { kString, kInteger, kFloat, kBool } kind = Kind::kString;
  std::string text;  // the string, or the number literal, or "true"/"false"

  static Result<FieldValue> FromJson(const json::Value& v);
  static FieldValue String(std::string s) { return FieldValue{Kind::kString, std::move(s)}; }
  // The string ES makes of it for keyword/text terms (Java toString).
  std::string AsTermText() const;
};

// Fields a query may name that are not in the mapping.
enum class MetaField { kNone, kId, kIndex, kType };
MetaField MetaFieldOf(std::string_view name);

// term / terms. Unmapped fields match nothing.
Result<QueryPtr> MakeTermQuery(const QueryEnv& env, std::string_view field, const FieldValue& value);
Result<QueryPtr> MakeTermsQuery(const QueryEnv& env, std::string_view field,
                                const std::vector<FieldValue>& values);

struct RangeBounds {
  std::optional<FieldValue> lo, hi;
  bool lo_inclusive = true, hi_inclusive = true;
  std::string format;     // dates
  std::string time_zone;  // dates
};
Result<QueryPtr> MakeRangeQuery(const QueryEnv& env, std::string_view field, const RangeBounds& bounds);

// Term-level pattern queries (keyword values, text tokens). Other types: 400.
Result<QueryPtr> MakePrefixQuery(const QueryEnv& env, std::string_view field, std::string_view prefix);
Result<QueryPtr> MakeWildcardQuery(const QueryEnv& env, std::string_view field, std::string_view pattern);
Result<QueryPtr> MakeRegexpQuery(const QueryEnv& env, std::string_view field, std::string_view pattern);
// `fuzziness`: "AUTO", "0".."2", or a number.
Result<QueryPtr> MakeFuzzyQuery(const QueryEnv& env, std::string_view field, std::string_view term,
                                std::string_view fuzziness, int prefix_length, bool transpositions);

QueryPtr MakeExistsQuery(const QueryEnv& env, std::string_view field);

// Edits allowed for `fuzziness` on a term of `length` code points.
Result<int> FuzzinessEdits(std::string_view fuzziness, size_t length);

// Lucene's RegExp literal prefix of a pattern, conservatively: every match
// starts with it (empty when unsure).
std::string RegexpLiteralPrefix(std::string_view pattern);
std::string WildcardLiteralPrefix(std::string_view pattern);

}  // namespace buildhub::search
