// A seeded generator of random `_search` bodies for the differential test:
// every query type and aggregation type the engine supports, nested 1-3
// deep, over mapped, text and unknown fields, with values drawn from the
// corpus so that queries match things. The same seed and corpus give the
// same bodies on every machine (own PRNG, no std distributions).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "search/naive_evaluator.h"

namespace buildhub::search::oracle {

class RandomQueryGenerator {
 public:
  RandomQueryGenerator(uint64_t seed, const std::vector<NaiveDoc>& corpus);

  // The next request body.
  json::Value Next();

  // The date the bodies' date math is written against ("now" for the test).
  static constexpr int64_t kNowMs = 1767225600000;  // 2026-01-01T00:00:00Z

 private:
  // splitmix64: small, fast, and the same everywhere.
  uint64_t Bits();
  int64_t Uniform(int64_t lo, int64_t hi);  // inclusive
  bool Chance(int percent);
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[static_cast<size_t>(Uniform(0, static_cast<int64_t>(v.size()) - 1))]; }

  // Fields by kind.
  std::string AnyField();
  std::string KeywordField();
  std::string AggregatableField();
  std::string NumericField();
  std::string TextField();
  std::string UnknownField();

  // A value of `field` taken from the corpus (or a near miss).
  json::Value ValueFor(const std::string& field);
  std::string StringValueFor(const std::string& field);
  std::string TokenFor(const std::string& text_field);
  std::string DateBound();

  json::Value Query(int depth);
  json::Value LeafQuery();
  json::Value TermQuery();
  json::Value TermsQuery();
  json::Value RangeQuery();
  json::Value PatternQuery();
  json::Value MatchQuery();
  json::Value QueryStringQuery();
  json::Value BoolQuery(int depth);

  json::Value Aggs(int depth, int* budget);
  json::Value Agg(int depth, int* budget, std::string* name);
  json::Value Sort(bool allow_score);
  json::Value Source();

  uint64_t state_;
  std::map<std::string, std::vector<std::string>> strings_;   // keyword/text values per field
  std::map<std::string, std::vector<std::string>> tokens_;    // text tokens per field
  std::map<std::string, std::vector<int64_t>> numbers_;       // long values per field
  std::vector<std::string> ids_;
  int counter_ = 0;
};

}  // namespace buildhub::search::oracle
