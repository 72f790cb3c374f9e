// Query: the parsed form of an ES query (the `query`, `post_filter`, filter
// aggregations, query_string...). Parsing resolves field names against the
// mapping and turns every leaf into one of a few primitive matchers, so that
// evaluation (query_exec.h) deals only with:
//   terms          docs holding any of some exact terms (keyword values or
//                  text tokens)
//   term range     keyword values / text tokens in a byte-wise range
//   numeric range  long/date/boolean values in [lo, hi]; float values too
//   pattern        terms matching a prefix, wildcard or Lucene regexp
//   fuzzy          terms within an edit distance
//   exists, ids, phrase (text fields: tokens at consecutive positions)
// and the compound nodes bool, constant_score, dis_max, boosting.
//
// Scoring (documented in searcher.h's engine notes, kept deliberately simple
// and deterministic): a matching leaf scores its boost (1.0 by default);
// match_all scores its boost; bool sums the scores of its matching must and
// should clauses (filter and must_not add nothing; a bool with neither must
// nor should scores 0 when it has filters, 1 otherwise) times its boost;
// constant_score scores its boost; dis_max the best clause plus tie_breaker
// times the others; boosting multiplies by negative_boost when the negative
// query matches; function_score is its query's score times its boost.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "search/mapping.h"
#include "search/regexp.h"

namespace buildhub::search {

enum class QueryKind {
  kMatchAll,
  kMatchNone,
  kBool,
  kConstantScore,
  kDisMax,
  kBoosting,
  kWrapper,       // function_score: matches and scores as `inner`
  kTerms,
  kTermRange,
  kNumericRange,
  kDoubleRange,
  kPattern,
  kFuzzy,
  kExists,
  kIds,
  kPhrase,
};

struct Query;
using QueryPtr = std::unique_ptr<Query>;

struct Query {
  QueryKind kind = QueryKind::kMatchAll;
  float boost = 1.0f;

  // kBool (dis_max keeps its queries in `should`).
  std::vector<QueryPtr> must, filter, should, must_not;
  std::string minimum_should_match;  // as given; empty when not given
  float tie_breaker = 0.0f;
  // A Lucene BooleanQuery built by query_string: ES's filter-context rule
  // for should clauses (bool queries only) does not apply to it.
  bool lucene_bool = false;

  // kConstantScore / kWrapper: inner; kBoosting: inner (positive) + negative.
  QueryPtr inner, negative;
  float negative_boost = 1.0f;

  // Leaves. `field` is the resolved field; for text fields `tokens` selects
  // the token dictionary instead of whole values.
  uint32_t field = kNoField;
  FieldType field_type = FieldType::kKeyword;
  bool on_tokens = false;
  std::vector<std::string> terms;     // kTerms; kPhrase tokens; kFuzzy term
  std::optional<std::string> lo, hi;  // kTermRange
  bool lo_inclusive = true, hi_inclusive = true;
  int64_t lo_int = 0, hi_int = 0;     // kNumericRange, inclusive
  double lo_double = 0, hi_double = 0;  // kDoubleRange
  enum class PatternKind { kPrefix, kWildcard, kRegexp } pattern_kind = PatternKind::kPrefix;
  std::shared_ptr<TermMatcher> matcher;  // kPattern (all kinds)
  std::string literal_prefix;            // kPattern: every match starts with it
  int max_edits = 0, prefix_length = 0;  // kFuzzy
  bool transpositions = true;
  int slop = 0;                          // kPhrase
  bool last_is_prefix = false;           // kPhrase (match_phrase_prefix)
  std::vector<uint32_t> exists_fields;   // kExists
  std::vector<int64_t> ids;              // kIds

  static QueryPtr MatchAll(float boost = 1.0f) {
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kMatchAll;
    q->boost = boost;
    return q;
  }
  static QueryPtr MatchNone() {
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kMatchNone;
    return q;
  }
};

}  // namespace buildhub::search
