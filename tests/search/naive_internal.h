// Internals of the naive oracle shared by its .cc files: the mapping of
// reference §5.2 as a table, documents with their field values extracted,
// compiled queries (plain predicates over one document) and aggregation
// plans.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "search/regexp.h"
#include "search/naive_evaluator.h"

namespace buildhub::search::oracle {

// ---- The mapping (reference §5.2 plus ES 6 dynamic mapping of build.*) ----

enum class FieldType { kKeyword, kLong, kDate, kText };

struct FieldSpec {
  std::string name;     // "target.version", "build.cc.keyword", "id"
  FieldType type;
  std::string object;   // "build"; "" for the root "id"
  std::string key;      // "cc"
  bool keyword_sub = false;  // a `.keyword` sub-field: ignore_above 256
};

// Every mapped field. Index into this table = field id.
const std::vector<FieldSpec>& Fields();
// The field id, or -1 for a field the mapping does not know (unmapped).
int FindField(std::string_view name);
// "keyword", "long", "date", "text".
const char* FieldTypeName(FieldType type);

// ---- Documents ----

struct FieldValue {
  bool present = false;   // the document has an indexed value
  std::string str;        // keyword: the value
  int64_t num = 0;        // long: the value; date: epoch millis
  std::vector<std::string> tokens;  // text: analysed tokens, in order
};

struct PreparedDoc {
  int64_t id = 0;
  std::string id_str;        // the `_id` and the `id` keyword value
  json::Value source;        // {"id": id, ...document}
  std::vector<FieldValue> values;  // indexed like Fields()
  size_t ordinal = 0;        // insertion order (position in the corpus)
};

// ---- Errors ----

// A request the oracle answers with 400, or a feature it does not model.
struct Problem {
  bool unsupported = false;  // true: "the oracle does not model this"
  std::string message;
};

template <typename T>
struct Compiled {
  std::optional<T> value;
  Problem problem;
  bool ok() const { return value.has_value(); }
};

// ---- Queries ----

using Pred = std::function<bool(const PreparedDoc&)>;

struct QueryContext {
  bool filter = false;  // filter context (ES 6 should rule)
  int64_t now_ms = 0;
};

struct CompiledQuery {
  Pred matches;
  // The score every matching document gets when that is fixed by the query
  // alone (match_all, constant_score, filter-only bool); nullopt otherwise.
  std::optional<double> constant_score;
};

// The shape check that elasticsearch-dsl's Q() makes on every query object
// before the body reaches ES (exactly one key, a known query name), with the
// original's messages. Recursive into bool/constant_score/etc.
std::optional<std::string> DslQueryCheck(const json::Value& query);
// Same for aggregations, A(): one type key plus optional aggs/meta.
std::optional<std::string> DslAggsCheck(const json::Value& aggs);

// Compiles an ES query. On error, `problem` says why (an ES 400 message).
Compiled<CompiledQuery> CompileQuery(const json::Value& query, const QueryContext& ctx);

// Pieces of query semantics that query_string reuses.
enum class Analyzer { kDefault, kStandard, kKeyword };
// The field's tokens for `text`: kDefault is the field's own search analyzer
// (keyword: the whole string; text: standard).
std::vector<std::string> Analyze(int field, const std::string& text, Analyzer analyzer);
// `test` over the field's terms: the keyword value, or any text token.
Pred AnyTerm(int field, std::function<bool(const std::string&)> test);
// `exists`: keyword/long/date present; text needs a token.
bool HasValue(const PreparedDoc& doc, int field);
// Lucene's (sloppy) phrase match over one document's token positions: the
// query tokens at positions p_i (distinct for repeated tokens) such that
// max(p_i - i) - min(p_i - i) <= slop; slop 0 is an exact sequence.
bool PhraseMatches(const std::vector<std::string>& doc_tokens,
                   const std::vector<std::string>& phrase, int64_t slop);
// minimum_should_match as ES computes it (not clamped); *ok false if unparseable.
int MinShouldMatch(int optional_clauses, const std::string& spec, bool* ok);
Compiled<CompiledQuery> CompileQueryString(const json::Value& params, const QueryContext& ctx);

// ---- Shared helpers ----

// A JSON scalar as ES sees it when it becomes a term: strings as they are,
// numbers as Java prints them (100 -> "100", 65.0 -> "65.0"), booleans.
std::optional<std::string> JavaTermString(const json::Value& v);
// Number of UTF-16 code units (Java's String.length()), for ignore_above.
size_t Utf16Length(std::string_view utf8);
// Java's Double.compare order: -0.0 < 0.0, NaN above +inf.
int JavaDoubleCompare(double a, double b);
// Python-ish repr of a JSON value, for elasticsearch-dsl's messages.
std::string PythonRepr(const json::Value& v);

// Parses an integer parameter that ES would accept (number or numeric string).
std::optional<int64_t> IntParam(const json::Value& v);

// ---- Hits (shared with top_hits) ----

struct SortKey {
  enum class Kind { kField, kScore, kDoc };
  Kind kind = Kind::kField;
  int field = -1;            // -1: unmapped with unmapped_type
  FieldType unmapped_type = FieldType::kKeyword;
  bool descending = false;
  bool missing_first = false;
};

// Parses `sort`. An empty result means "by score" (no sort given, or _score
// desc alone, which ES treats as the default).
Compiled<std::vector<SortKey>> CompileSort(const json::Value* sort);

struct SourceFilter {
  bool enabled = true;
  std::vector<std::string> includes;
  std::vector<std::string> excludes;
};
Compiled<SourceFilter> CompileSourceFilter(const json::Value* source);
json::Value FilterSource(const json::Value& source, const SourceFilter& filter);

// Orders `docs` by the sort keys (stable, so the corpus order breaks ties
// when no key does — only meaningful for the constant-score case).
void SortDocs(std::vector<const PreparedDoc*>* docs, const std::vector<SortKey>& keys);
json::Value SortValues(const PreparedDoc& doc, const std::vector<SortKey>& keys);
// True when the keys give every document a unique position (id or _doc).
bool SortIsTotal(const std::vector<SortKey>& keys);
bool SortHasDoc(const std::vector<SortKey>& keys);

// One hit object, as in hits.hits.
json::Value MakeHit(const PreparedDoc& doc, std::optional<double> score, bool score_null,
                    const SourceFilter& source, const std::vector<SortKey>* sort);

// ---- Aggregations ----

// One metric used to order terms buckets: the sub-aggregation's name and,
// for stats, which of its values.
struct TermsOrder {
  enum class Kind { kCount, kKey, kSubAgg };
  Kind kind = Kind::kCount;
  bool ascending = false;
  std::string sub;     // sub-aggregation name
  std::string metric;  // "" for single-value metrics and single-bucket aggs
};

struct RangeSpec {
  std::optional<double> from, to;
  std::string key;
  bool custom_key = false;
};

struct AggPlan {
  std::string name;
  std::string type;
  std::optional<json::Value> meta;
  int field = -1;         // resolved field, -1 when unmapped or not field-based
  bool has_field = false; // a field was named (an unmapped one when field == -1)
  std::optional<json::Value> missing;  // the `missing` parameter
  // filter / filters
  Pred filter;
  std::vector<std::pair<std::string, Pred>> filters;
  bool filters_keyed = true;
  bool other_bucket = false;
  std::string other_bucket_key = "_other_";
  // terms
  int64_t size = 10;
  int64_t min_doc_count = 1;
  std::vector<TermsOrder> order;
  std::optional<TermMatcher> include_regex, exclude_regex;
  std::optional<std::vector<std::string>> include_set, exclude_set;  // keys as strings
  // histogram / date_histogram
  double interval = 0;
  double offset = 0;
  std::string date_interval;
  bool keyed = false;
  std::optional<double> bounds_min, bounds_max;
  // range
  std::vector<RangeSpec> ranges;
  // top_hits
  int64_t from = 0;
  std::vector<SortKey> sort;
  SourceFilter source;
  std::vector<AggPlan> subs;
};

// Compiles the aggregations object of a request or a bucket.
Compiled<std::vector<AggPlan>> CompileAggs(const json::Value& aggs, const QueryContext& ctx,
                                           const std::vector<PreparedDoc>& corpus);

// Runs compiled aggregations over `docs` (the documents of one bucket).
// `score_of` gives a document's query score when known (for top_hits).
struct AggRunContext {
  const std::vector<PreparedDoc>* corpus = nullptr;
  std::optional<double> constant_score;  // the main query's, if constant
  int64_t* bucket_count = nullptr;
  std::vector<HitsNote>* hits_notes = nullptr;
};
json::Value RunAggs(const std::vector<AggPlan>& plans, const std::vector<const PreparedDoc*>& docs,
                    const AggRunContext& run, const std::string& path);

// An ES error response body for `message`.
NaiveResponse ErrorResponse(const std::string& message);

}  // namespace buildhub::search::oracle
