// The oracle's own tests: five documents and answers worked out by hand from
// the ES 6.7 rules (reference/es67-semantics.md). They document the
// semantics the differential test then holds the engine to.
#include "search/naive_evaluator.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/json.h"

namespace buildhub::search::oracle {
namespace {

json::Value J(const std::string& text) {
  auto v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << v.status().message() << " in " << text;
  return v.ok() ? *v : json::Value();
}

std::vector<NaiveDoc> Docs() {
  std::vector<NaiveDoc> docs;
  docs.push_back({1, J(R"({
    "build": {"id": "20180101000000", "date": "2018-01-01T00:00:00Z", "number": 1,
              "target": "x86_64-pc-linux-gnu", "cc": "clang-cl -O2"},
    "source": {"product": "firefox", "tree": "mozilla-release"},
    "target": {"platform": "linux-x86_64", "os": "linux", "locale": "en-US", "version": "60.0", "channel": "release"},
    "download": {"url": "https://x/1", "mimetype": "a/b", "size": 100, "date": "2018-01-02T10:00:00Z"}})")});
  docs.push_back({2, J(R"({
    "build": {"id": "20180102000000", "date": "2018-01-02T12:30:00.123+02:00", "number": 2},
    "source": {"product": "firefox"},
    "target": {"platform": "win64", "os": "win", "locale": "de", "version": "60.0.1", "channel": "release"},
    "download": {"url": "https://x/2", "mimetype": "a/b", "size": 200, "date": "2018-02-01T00:00:00Z"}})")});
  docs.push_back({3, J(R"({
    "build": {"id": "20180510160705", "date": "2018-05-10T16:07:05Z", "target": "x86_64-apple-darwin",
              "cc": ")" + std::string(300, 'a') + R"("},
    "source": {"product": "devedition"},
    "target": {"platform": "mac", "os": "mac", "locale": "en-US", "version": "61.0b4", "channel": "aurora"},
    "download": {"url": "https://x/3", "mimetype": "a/c", "size": 300, "date": "2018-05-10T18:02:17Z"}})")});
  docs.push_back({4, J(R"({
    "build": {"id": "20190101000000", "number": 4.0},
    "source": {"product": "fennec"},
    "target": {"platform": "android-arm", "locale": "fr", "version": "100.0", "channel": "beta"},
    "download": {"url": "https://x/4", "mimetype": "a/c", "size": 50, "date": "2019-01-01T00:00:00Z"}})")});
  docs.push_back({5, J(R"({
    "build": {"id": "20190102000000", "date": "2019-01-02T00:00:00Z", "as": ""},
    "source": {"product": "thunderbird"},
    "target": {"platform": "linux", "os": "linux", "locale": "zh-TW", "version": "9.0", "channel": "nightly"},
    "download": {"url": "https://x/5", "mimetype": "a/c", "size": 5000000000, "date": "2019-01-03T00:00:00Z"}})")});
  return docs;
}

const NaiveCorpus& Corpus() {
  static const NaiveCorpus* corpus = new NaiveCorpus(Docs());
  return *corpus;
}

constexpr int64_t kNow = 1577836800000;  // 2020-01-01T00:00:00Z

NaiveResponse Eval(const std::string& body) { return Corpus().Evaluate(J(body), kNow); }

// The _ids of hits.hits, in order.
std::vector<std::string> Ids(const NaiveResponse& r) {
  std::vector<std::string> out;
  if (r.http_status != 200) return {"HTTP " + std::to_string(r.http_status) + ": " + r.error};
  if (!r.supported) return {"unsupported: " + r.unsupported_reason};
  for (const auto& h : r.body.find("hits")->find("hits")->items()) out.push_back(h.find("_id")->text());
  return out;
}

std::vector<std::string> Matching(const std::string& query) {
  return Ids(Eval(R"({"size": 100, "sort": [{"id": "asc"}], "query": )" + query + "}"));
}

using V = std::vector<std::string>;

TEST(NaiveEvaluatorTest, DefaultSearchIsMatchAllInInsertionOrder) {
  auto r = Eval("{}");
  EXPECT_EQ(Ids(r), (V{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(r.body.find("hits")->find("total")->text(), "5");
  const json::Value& hit = r.body.find("hits")->find("hits")->items()[0];
  EXPECT_EQ(hit.find("_score")->as_double(), 1.0);
  EXPECT_EQ(hit.find("_type")->text(), "doc");
  EXPECT_EQ(*hit.find("_source")->find("id"), json::Value::Int(1));
  EXPECT_EQ(hit.find("_source")->find("target")->find("version")->text(), "60.0");
  EXPECT_EQ(r.hits_notes[0].order, HitsNote::Order::kExact);
  EXPECT_EQ(Ids(Eval("null")), (V{"1", "2", "3", "4", "5"}));
}

TEST(NaiveEvaluatorTest, KeywordTermsAreExactAndCaseSensitive) {
  EXPECT_EQ(Matching(R"({"term": {"target.channel": "release"}})"), (V{"1", "2"}));
  EXPECT_EQ(Matching(R"({"term": {"target.channel": "Release"}})"), V{});
  EXPECT_EQ(Matching(R"({"term": {"target.channel": {"value": "beta", "boost": 2}}})"), V{"4"});
  EXPECT_EQ(Matching(R"({"match": {"target.locale": "en-US"}})"), (V{"1", "3"}));  // one term
  EXPECT_EQ(Matching(R"({"terms": {"target.version": ["9.0", "100.0", "nope"]}})"), (V{"4", "5"}));
  EXPECT_EQ(Matching(R"({"term": {"id": 3}})"), V{"3"});
  EXPECT_EQ(Matching(R"({"ids": {"values": ["2", "5", "77"]}})"), (V{"2", "5"}));
  EXPECT_EQ(Matching(R"({"term": {"no.such.field": "x"}})"), V{});
}

TEST(NaiveEvaluatorTest, KeywordRangesCompareBytesAndJavaNumberStrings) {
  // "60.0" and "60.0.1" are >= "60.0" and < "61"; "61.0b4" > "61"; "100.0"
  // sorts before "6"; "9.0" after "61".
  EXPECT_EQ(Matching(R"({"range": {"target.version": {"gte": "60.0", "lt": "61"}}})"), (V{"1", "2"}));
  // {"lte": 100} is the string "100": "100.0" is longer, so greater.
  EXPECT_EQ(Matching(R"({"range": {"target.version": {"lte": 100}}})"), V{});
  EXPECT_EQ(Matching(R"({"range": {"target.version": {"lte": 100.0}}})"), V{"4"});  // "100.0"
  EXPECT_EQ(Matching(R"({"range": {"target.version": {"gt": "63"}}})"), V{"5"});
  EXPECT_EQ(Matching(R"({"range": {"build.id": {"gte": "2019"}}})"), (V{"4", "5"}));
  // time_zone is ignored on mapped non-date fields; an unmapped field matches nothing.
  EXPECT_EQ(Matching(R"({"range": {"build.id": {"gte": "2019", "time_zone": "+01:00"}}})"), (V{"4", "5"}));
  EXPECT_EQ(Eval(R"({"query": {"range": {"nope": {"gte": "2019", "time_zone": "+01:00"}}}})").http_status, 200);
  EXPECT_EQ(Matching(R"({"range": {"nope": {"gte": "2019", "time_zone": "+01:00"}}})"), (V{}));
  // Open on both sides: exists (an empty text has no token).
  EXPECT_EQ(Matching(R"({"range": {"build.as": {"gte": null}}})"), V{});
  EXPECT_EQ(Matching(R"({"range": {"target.os": {}}})"), (V{"1", "2", "3", "5"}));
}

TEST(NaiveEvaluatorTest, LongFields) {
  EXPECT_EQ(Matching(R"({"term": {"download.size": 200}})"), V{"2"});
  EXPECT_EQ(Matching(R"({"term": {"download.size": "200"}})"), V{"2"});
  EXPECT_EQ(Matching(R"({"term": {"download.size": 200.5}})"), V{});  // decimal: nothing
  EXPECT_EQ(Eval(R"({"query": {"term": {"download.size": "big"}}})").http_status, 400);
  EXPECT_EQ(Matching(R"({"range": {"download.size": {"gt": 99.5, "lte": 200}}})"), (V{"1", "2"}));
  EXPECT_EQ(Matching(R"({"range": {"download.size": {"gte": 4294967296}}})"), V{"5"});
  // build.number 4.0 is indexed as the long 4.
  EXPECT_EQ(Matching(R"({"term": {"build.number": 4}})"), V{"4"});
}

TEST(NaiveEvaluatorTest, DatesRoundAsEsDoes) {
  // lte a date covers the whole day; gt a date starts the next day.
  EXPECT_EQ(Matching(R"({"range": {"build.date": {"lte": "2018-01-01"}}})"), V{"1"});
  EXPECT_EQ(Matching(R"({"range": {"build.date": {"gt": "2018-01-01"}}})"), (V{"2", "3", "5"}));
  // +02:00: 12:30 local is 10:30Z on the 2nd.
  EXPECT_EQ(Matching(R"({"term": {"build.date": "2018-01-02"}})"), V{"2"});
  EXPECT_EQ(Matching(R"({"term": {"build.date": "2018-01-02T10:30:00Z"}})"), V{"2"});  // the whole second
  EXPECT_EQ(Matching(R"({"term": {"build.date": "2018-01-02T10:30:00.124Z"}})"), V{});
  EXPECT_EQ(Matching(R"({"range": {"download.date": {"gte": "now-1y/y", "lt": "now/y"}}})"), (V{"4", "5"}));
  EXPECT_EQ(Matching(R"({"range": {"download.date": {"gte": 1514887200000, "lte": 1514887200000}}})"), V{"1"});
  EXPECT_EQ(Eval(R"({"query": {"range": {"build.date": {"gte": "yesterday"}}}})").http_status, 400);
}

TEST(NaiveEvaluatorTest, TextFieldsAndKeywordSubfields) {
  // x86_64 stays one token; term-level queries test tokens unanalysed.
  EXPECT_EQ(Matching(R"({"term": {"build.target": "x86_64"}})"), (V{"1", "3"}));
  EXPECT_EQ(Matching(R"({"term": {"build.target": "X86_64"}})"), V{});
  EXPECT_EQ(Matching(R"({"match": {"build.target": "X86_64 DARWIN"}})"), (V{"1", "3"}));
  EXPECT_EQ(Matching(R"({"match": {"build.target": {"query": "X86_64 DARWIN", "operator": "and"}}})"), V{"3"});
  EXPECT_EQ(Matching(R"({"match": {"build.cc": "CLANG"}})"), V{"1"});  // clang-cl splits
  // minimum_should_match needs a bool: one token ignores it; with "and" it
  // counts the (absent) optional clauses.
  EXPECT_EQ(Matching(R"({"match": {"build.cc": {"query": "clang", "minimum_should_match": 2}}})"), V{"1"});
  EXPECT_EQ(Matching(R"({"match": {"build.cc": {"query": "clang o2 zz", "minimum_should_match": 2}}})"), V{"1"});
  EXPECT_EQ(Matching(R"({"match": {"build.cc": {"query": "clang o2 zz", "minimum_should_match": 3}}})"), V{});
  EXPECT_EQ(Matching(R"({"match": {"build.cc": {"query": "clang o2", "operator": "and", "minimum_should_match": 1}}})"), V{});
  // A bool with only must_not: ES adds match_all and drops minimum_should_match.
  EXPECT_EQ(Matching(R"({"bool": {"must_not": {"term": {"target.os": "linux"}}, "minimum_should_match": 1}})"), (V{"2", "3", "4"}));
  // Phrases: positions, with Lucene's sloppy distance.
  EXPECT_EQ(Matching(R"({"match_phrase": {"build.cc": "Clang-CL"}})"), V{"1"});
  EXPECT_EQ(Matching(R"({"match_phrase": {"build.cc": "clang o2"}})"), V{});
  EXPECT_EQ(Matching(R"({"match_phrase": {"build.cc": {"query": "clang o2", "slop": 1}}})"), V{"1"});
  EXPECT_EQ(Matching(R"({"match_phrase": {"build.cc": {"query": "o2 clang", "slop": 2}}})"), V{});
  EXPECT_EQ(Matching(R"({"match_phrase": {"build.cc": {"query": "o2 clang", "slop": 3}}})"), V{"1"});
  EXPECT_EQ(Matching(R"({"exists": {"field": "build"}})"), (V{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(Matching(R"({"regexp": {"build.target": "x86_.*"}})"), (V{"1", "3"}));
  EXPECT_EQ(Matching(R"({"prefix": {"build.target": "dar"}})"), V{"3"});
  EXPECT_EQ(Matching(R"({"term": {"build.target.keyword": "x86_64-pc-linux-gnu"}})"), V{"1"});
  // The 300-character cc has no .keyword value (ignore_above 256).
  EXPECT_EQ(Matching(R"({"exists": {"field": "build.cc"}})"), (V{"1", "3"}));
  EXPECT_EQ(Matching(R"({"exists": {"field": "build.cc.keyword"}})"), V{"1"});
  // An empty text has no token, so it does not "exist".
  EXPECT_EQ(Matching(R"({"exists": {"field": "build.as"}})"), V{});
  EXPECT_EQ(Matching(R"({"exists": {"field": "build.as.keyword"}})"), V{"5"});
  EXPECT_EQ(Eval(R"({"sort": ["build.target"]})").http_status, 400);
  EXPECT_EQ(Eval(R"({"aggs": {"t": {"terms": {"field": "build.cc"}}}})").http_status, 400);
}

TEST(NaiveEvaluatorTest, BoolShouldRuleDependsOnContext) {
  const std::string must_should =
      R"({"bool": {"must": {"term": {"source.product": "firefox"}}, "should": {"term": {"target.locale": "de"}}}})";
  EXPECT_EQ(Matching(must_should), (V{"1", "2"}));  // query context: should optional
  EXPECT_EQ(Matching(R"({"bool": {"filter": )" + must_should + "}}"), V{"2"});  // filter: one needed
  EXPECT_EQ(Matching(R"({"constant_score": {"filter": )" + must_should + "}}"), V{"2"});
  EXPECT_EQ(Matching(R"({"bool": {"must_not": )" + must_should + "}}"), (V{"1", "3", "4", "5"}));
  // minimum_should_match is not clamped.
  EXPECT_EQ(Matching(R"({"bool": {"should": [{"term": {"target.locale": "de"}}], "minimum_should_match": 2}})"), V{});
  EXPECT_EQ(Matching(R"({"bool": {"filter": {"match_all": {}}, "minimum_should_match": 1}})"), V{});
  EXPECT_EQ(Matching(R"({"bool": {"should": [{"term": {"target.locale": "de"}}, {"term": {"target.locale": "fr"}},
      {"term": {"target.channel": "beta"}}], "minimum_should_match": "70%"}})"), V{"4"});  // 3 * 70% = 2.1 -> 2
  EXPECT_EQ(Matching(R"({"bool": {"must_not": {"term": {"target.os": "linux"}}}})"), (V{"2", "3", "4"}));
  EXPECT_EQ(Matching(R"({"bool": {}})"), (V{"1", "2", "3", "4", "5"}));
}

TEST(NaiveEvaluatorTest, QueryStringAsThePageSendsIt) {
  const std::string fields =
      R"("fields": ["source.product", "target.channel^1.2", "target.version^10", "target.locale^3", "target.platform^2", "build.id"],
         "analyzer": "standard", "default_operator": "AND", "analyze_wildcard": true, "lenient": true)";
  auto qs = [&](const std::string& q) {
    return Matching(R"({"query_string": {"query": ")" + q + R"(", )" + fields + "}}");
  };
  EXPECT_EQ(qs("firefox* 60*"), (V{"1", "2"}));
  // Analysed prefixes: lower-cased, and "60.0." loses its final dot.
  EXPECT_EQ(qs("FIREFOX* 60.0.*"), (V{"1", "2"}));
  EXPECT_EQ(qs("FIREFOX* 60.0.1*"), V{"2"});
  EXPECT_EQ(qs("build.id:2019*"), (V{"4", "5"}));
  EXPECT_EQ(qs("release"), (V{"1", "2"}));
  EXPECT_EQ(qs("firefox OR fennec"), (V{"1", "2", "4"}));
  EXPECT_EQ(qs("firefox -win64"), V{"1"});
  EXPECT_EQ(qs("NOT firefox"), (V{"3", "4", "5"}));
  // With the standard analyzer "en-US" is two tokens, and a keyword value
  // never holds both.
  EXPECT_EQ(qs("en-US"), V{});
  // Consecutive bare words are analysed together per field (AND: same field).
  EXPECT_EQ(qs("firefox release"), V{});
  EXPECT_EQ(Matching(R"({"query_string": {"query": "en-US", "default_field": "target.locale"}})"), (V{"1", "3"}));
  EXPECT_EQ(Matching(R"({"query_string": {"query": "_exists_:target.os AND NOT linux", "fields": ["target.os"]}})"),
            (V{"2", "3"}));
  EXPECT_EQ(Matching(R"({"query_string": {"query": "", "default_field": "target.os"}})"), V{});
}

TEST(NaiveEvaluatorTest, SortValuesAndMissing) {
  auto r = Eval(R"({"sort": [{"build.number": "asc"}, {"id": "desc"}], "_source": false})");
  EXPECT_EQ(Ids(r), (V{"1", "2", "4", "5", "3"}));
  const auto& hits = r.body.find("hits")->find("hits")->items();
  EXPECT_EQ(json::Write(*hits[0].find("sort")), R"([1,"1"])");
  EXPECT_EQ(json::Write(*hits[4].find("sort")), R"([9223372036854775807,"3"])");
  EXPECT_TRUE(hits[0].find("_score")->is_null());
  EXPECT_EQ(hits[0].find("_source"), nullptr);
  auto d = Eval(R"({"sort": [{"build.number": {"order": "desc", "missing": "_first"}}, "id"], "size": 2})");
  EXPECT_EQ(Ids(d), (V{"3", "5"}));
  EXPECT_EQ(json::Write(*d.body.find("hits")->find("hits")->items()[0].find("sort")), R"([9223372036854775807,"3"])");
  auto dates = Eval(R"({"sort": [{"build.date": "asc"}], "size": 1})");
  EXPECT_EQ(json::Write(*dates.body.find("hits")->find("hits")->items()[0].find("sort")), "[1514764800000]");
  EXPECT_EQ(Eval(R"({"sort": ["nope"]})").http_status, 400);
  EXPECT_EQ(Ids(Eval(R"({"sort": [{"nope": {"unmapped_type": "keyword"}}, "id"], "size": 2})")), (V{"1", "2"}));
}

TEST(NaiveEvaluatorTest, SourceFiltering) {
  auto r = Eval(R"({"size": 1, "_source": {"includes": ["target.*", "id"], "excludes": ["target.locale"]}})");
  EXPECT_EQ(json::Write(*r.body.find("hits")->find("hits")->items()[0].find("_source")),
            R"({"id":1,"target":{"platform":"linux-x86_64","os":"linux","version":"60.0","channel":"release"}})");
  auto obj = Eval(R"({"size": 1, "_source": {"includes": ["build"], "excludes": ["build.*"]}})");
  EXPECT_EQ(json::Write(*obj.body.find("hits")->find("hits")->items()[0].find("_source")), R"({"build":{}})");
  auto none = Eval(R"({"size": 1, "_source": ["nothing.here"]})");
  EXPECT_EQ(json::Write(*none.body.find("hits")->find("hits")->items()[0].find("_source")), "{}");
  auto prefix = Eval(R"({"size": 1, "_source": "*.id"})");
  EXPECT_EQ(json::Write(*prefix.body.find("hits")->find("hits")->items()[0].find("_source")),
            R"({"build":{"id":"20180101000000"}})");
}

TEST(NaiveEvaluatorTest, TermsAggregation) {
  auto r = Eval(R"({"size": 0, "aggs": {"ch": {"terms": {"field": "target.channel", "size": 2}}}})");
  EXPECT_EQ(json::Write(*r.body.find("aggregations")),
            R"({"ch":{"doc_count_error_upper_bound":0,"sum_other_doc_count":2,)"
            R"("buckets":[{"key":"release","doc_count":2},{"key":"aurora","doc_count":1}]}})");
  auto inc = Eval(R"({"size": 0, "aggs": {"v": {"terms": {"field": "target.version", "order": {"_term": "desc"}, "include": "6.*"}}}})");
  EXPECT_EQ(json::Write(*inc.body.find("aggregations")->find("v")->find("buckets")),
            R"([{"key":"61.0b4","doc_count":1},{"key":"60.0.1","doc_count":1},{"key":"60.0","doc_count":1}])");
  // min_doc_count 0 brings every term of the field, even unmatched ones.
  auto zero = Eval(R"({"size": 0, "query": {"term": {"source.product": "fennec"}},
      "aggs": {"p": {"terms": {"field": "source.product", "min_doc_count": 0, "order": {"_key": "asc"}}}}})");
  EXPECT_EQ(json::Write(*zero.body.find("aggregations")->find("p")->find("buckets")),
            R"([{"key":"devedition","doc_count":0},{"key":"fennec","doc_count":1},)"
            R"({"key":"firefox","doc_count":0},{"key":"thunderbird","doc_count":0}])");
  // Ordering by a metric; an empty max is -infinity.
  auto by_metric = Eval(R"({"size": 0, "aggs": {"p": {"terms": {"field": "source.product", "order": {"n": "desc"}},
      "aggs": {"n": {"max": {"field": "build.number"}}}}}})");
  EXPECT_EQ(json::Write(*by_metric.body.find("aggregations")->find("p")->find("buckets")),
            R"([{"key":"fennec","doc_count":1,"n":{"value":4.0}},{"key":"firefox","doc_count":2,"n":{"value":2.0}},)"
            R"({"key":"devedition","doc_count":1,"n":{"value":null}},{"key":"thunderbird","doc_count":1,"n":{"value":null}}])");
  auto dates = Eval(R"({"size": 0, "aggs": {"d": {"terms": {"field": "build.date", "size": 1, "order": {"_key": "asc"}}}}})");
  EXPECT_EQ(json::Write(*dates.body.find("aggregations")->find("d")->find("buckets")),
            R"([{"key":1514764800000,"key_as_string":"2018-01-01T00:00:00.000Z","doc_count":1}])");
  auto missing = Eval(R"({"size": 0, "aggs": {"os": {"terms": {"field": "target.os", "missing": "none"}}}})");
  EXPECT_EQ(json::Write(*missing.body.find("aggregations")->find("os")->find("buckets")),
            R"([{"key":"linux","doc_count":2},{"key":"mac","doc_count":1},{"key":"none","doc_count":1},{"key":"win","doc_count":1}])");
  EXPECT_EQ(Eval(R"({"aggs": {"n": {"terms": {"field": "download.size", "include": "1.*"}}}})").http_status, 400);
}

TEST(NaiveEvaluatorTest, MetricAggregations) {
  auto r = Eval(R"({"size": 0, "aggs": {"s": {"stats": {"field": "download.size"}},
      "c": {"cardinality": {"field": "target.os"}}, "vc": {"value_count": {"field": "build.date"}},
      "mx": {"max": {"field": "build.date"}}, "none": {"avg": {"field": "no.field"}}}})");
  const json::Value& aggs = *r.body.find("aggregations");
  EXPECT_EQ(json::Write(*aggs.find("s")),
            R"({"count":5,"min":50.0,"max":5e+09,"avg":1000000130.0,"sum":5000000650.0})");
  EXPECT_EQ(json::Write(*aggs.find("c")), R"({"value":3})");
  EXPECT_EQ(json::Write(*aggs.find("vc")), R"({"value":4})");
  EXPECT_EQ(json::Write(*aggs.find("mx")), R"({"value":1546387200000.0,"value_as_string":"2019-01-02T00:00:00.000Z"})");
  EXPECT_EQ(json::Write(*aggs.find("none")), R"({"value":null})");
  EXPECT_EQ(Eval(R"({"aggs": {"m": {"min": {"field": "target.version"}}}})").http_status, 400);
  EXPECT_EQ(Eval(R"({"aggs": {"m": {"min": {"field": "download.size"}, "aggs": {"x": {"max": {"field": "download.size"}}}}}})").http_status, 400);
}

TEST(NaiveEvaluatorTest, BucketAggregations) {
  auto r = Eval(R"({"size": 0, "aggs": {
      "r": {"range": {"field": "download.size", "ranges": [{"from": 150}, {"to": 150}, {"from": 100, "to": 300, "key": "mid"}]}},
      "small": {"filter": {"range": {"download.size": {"lt": 1000}}},
                "aggs": {"h": {"histogram": {"field": "download.size", "interval": 100, "extended_bounds": {"min": 0, "max": 500}}}}},
      "dh": {"date_histogram": {"field": "build.date", "interval": "year"}},
      "f": {"filters": {"filters": {"rel": {"term": {"target.channel": "release"}}, "beta": {"term": {"target.channel": "beta"}}},
                         "other_bucket": true}},
      "m": {"missing": {"field": "build.number"}, "aggs": {"top": {"top_hits": {"size": 1, "sort": ["id"], "_source": ["id"]}}}}}})");
  const json::Value& aggs = *r.body.find("aggregations");
  EXPECT_EQ(json::Write(*aggs.find("r")->find("buckets")),
            R"([{"key":"*-150.0","to":150.0,"doc_count":2},{"key":"mid","from":100.0,"to":300.0,"doc_count":2},)"
            R"({"key":"150.0-*","from":150.0,"doc_count":3}])");
  // Empty buckets fill the gaps up to the extended bounds.
  EXPECT_EQ(json::Write(*aggs.find("small")),
            R"({"doc_count":4,"h":{"buckets":[{"key":0.0,"doc_count":1},{"key":100.0,"doc_count":1},)"
            R"({"key":200.0,"doc_count":1},{"key":300.0,"doc_count":1},{"key":400.0,"doc_count":0},)"
            R"({"key":500.0,"doc_count":0}]}})");
  EXPECT_EQ(json::Write(*aggs.find("dh")->find("buckets")),
            R"([{"key_as_string":"2018-01-01T00:00:00.000Z","key":1514764800000,"doc_count":3},)"
            R"({"key_as_string":"2019-01-01T00:00:00.000Z","key":1546300800000,"doc_count":1}])");
  EXPECT_EQ(json::Write(*aggs.find("f")->find("buckets")),
            R"({"beta":{"doc_count":1},"rel":{"doc_count":2},"_other_":{"doc_count":2}})");
  EXPECT_EQ(json::Write(*aggs.find("m")),
            R"({"doc_count":2,"top":{"hits":{"total":2,"max_score":null,"hits":[{"_index":"buildhub2","_type":"doc",)"
            R"("_id":"3","_score":null,"_source":{"id":3},"sort":["3"]}]}}})");
}

TEST(NaiveEvaluatorTest, PostFilterNarrowsHitsNotAggregations) {
  auto r = Eval(R"({"post_filter": {"term": {"target.channel": "release"}},
      "aggs": {"all": {"value_count": {"field": "id"}}}, "sort": ["id"]})");
  EXPECT_EQ(Ids(r), (V{"1", "2"}));
  EXPECT_EQ(r.body.find("hits")->find("total")->text(), "2");
  EXPECT_EQ(json::Write(*r.body.find("aggregations")->find("all")), R"({"value":5})");
}

TEST(NaiveEvaluatorTest, ErrorsOfTheOriginalAndOfEs) {
  EXPECT_EQ(Eval(R"({"size": "1001"})").error, "Search size too large (1001)");
  EXPECT_EQ(Eval(R"({"query": {"bool": {"filter": [{}]}}})").error,
            "Q() can only accept dict with a single query ({\"match\": {...}}). Instead it got ({})");
  EXPECT_EQ(Eval(R"({"aggs": {"aggregations": {"date": {"terms": {"field": "download.date"}}}}, "size": "0"})").error,
            "DSL class `date` does not exist in agg.");
  EXPECT_EQ(Eval(R"({"query": {"foo": {}}})").error, "DSL class `foo` does not exist in query.");
  EXPECT_EQ(Eval(R"({"from": 0, "query": {"term": {}}, "size": 2})").error, "field name is null or empty");
  auto window = Eval(R"({"from": 10000, "size": 1000})");
  EXPECT_EQ(window.http_status, 400);
  EXPECT_EQ(window.error.rfind("Result window is too large, from + size must be less than or equal to: [10000] but was [11000].", 0), 0u);
  EXPECT_EQ(Eval(R"({"size": -2})").http_status, 400);
  EXPECT_EQ(Ids(Eval(R"({"size": -1, "from": "-1", "sort": "id"})")), (V{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(Eval("[1]").http_status, 400);
  EXPECT_EQ(Eval(R"({"query": {"regexp": {"target.version": "(6"}}})").http_status, 400);
  EXPECT_EQ(Eval(R"({"aggs": {"t": {"terms": {"field": "target.os", "size": 0}}}})").http_status, 400);
}

TEST(NaiveEvaluatorTest, JavaNumberStrings) {
  EXPECT_EQ(JavaDoubleToString(100), "100.0");
  EXPECT_EQ(JavaDoubleToString(65.5), "65.5");
  EXPECT_EQ(JavaDoubleToString(1e7), "1.0E7");
  EXPECT_EQ(JavaDoubleToString(12345678.9), "1.23456789E7");
  EXPECT_EQ(JavaDoubleToString(0.001), "0.001");
  EXPECT_EQ(JavaDoubleToString(0.0001), "1.0E-4");
  EXPECT_EQ(JavaDoubleToString(-2.5), "-2.5");
}

}  // namespace
}  // namespace buildhub::search::oracle
