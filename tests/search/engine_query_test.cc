// Every query type on the ten-build corpus (engine_fixture.cc lists it),
// with hand-computed results.
#include "engine_fixture.h"

namespace buildhub::search::testing {
namespace {

using Ids = std::vector<std::string>;

class Queries : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = EngineOf(StandardCorpus()).release(); }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  // Ids of the docs matching `query`, in id order.
  static Ids Match(const std::string& query) {
    json::Value r = SearchOk(*engine_, R"({"size": 100, "sort": "_doc", "query": )" + query + "}");
    return HitIds(r);
  }
  // Ids in the engine's default (score) order.
  static Ids Ranked(const std::string& query) {
    return HitIds(SearchOk(*engine_, R"({"size": 100, "query": )" + query + "}"));
  }
  static std::string Error(const std::string& query) {
    return ErrorMessage(SearchError(*engine_, R"({"query": )" + query + "}"));
  }
  static Engine* engine_;
};
Engine* Queries::engine_ = nullptr;

TEST_F(Queries, BoolMustShouldInQueryContext) {
  // Should clauses are optional next to a must at the top level...
  EXPECT_EQ(Match(R"({"bool": {"must": {"term": {"target.channel": "release"}},
                               "should": {"term": {"target.locale": "fr"}}}})"),
            (Ids{"1", "2", "3", "6", "7", "9"}));
  // ...and raise the score of the docs they match.
  EXPECT_EQ(Ranked(R"({"bool": {"must": {"term": {"target.channel": "release"}},
                                "should": {"term": {"target.locale": "fr"}}}})"),
            (Ids{"2", "1", "3", "6", "7", "9"}));
}

TEST_F(Queries, BoolShouldIsRequiredInFilterContext) {
  std::string inner = R"({"bool": {"must": {"term": {"target.channel": "release"}},
                                  "should": {"term": {"target.locale": "fr"}}}})";
  EXPECT_EQ(Match(R"({"bool": {"filter": )" + inner + "}}"), Ids{"2"});
  EXPECT_EQ(Match(R"({"constant_score": {"filter": )" + inner + "}}"), Ids{"2"});
  EXPECT_EQ(Match(R"({"bool": {"must_not": )" + inner + "}}"),
            (Ids{"1", "3", "4", "5", "6", "7", "8", "9", "10"}));
  // Nested below a filter, still filter context.
  EXPECT_EQ(Match(R"({"bool": {"filter": {"bool": {"must": )" + inner + "}}}}"), Ids{"2"});
  // post_filter is query context.
  json::Value r = SearchOk(*engine_, R"({"size": 100, "post_filter": )" + inner + "}");
  EXPECT_EQ(Total(r), 6);
  // The filter aggregation is filter context.
  r = SearchOk(*engine_, R"({"size": 0, "aggs": {"f": {"filter": )" + inner + "}}}");
  EXPECT_EQ(Agg(r, "f").find("doc_count")->as_int64(), 1);
  // An explicit minimum_should_match of 0 keeps should optional everywhere.
  EXPECT_EQ(Match(R"({"bool": {"filter": {"bool": {"must": {"term": {"target.channel": "release"}},
      "should": {"term": {"target.locale": "fr"}}, "minimum_should_match": 0}}}})")
                .size(),
            6u);
}

TEST_F(Queries, BoolMinimumShouldMatch) {
  std::string should = R"("should": [{"term": {"target.locale": "en-US"}}, {"term": {"target.channel": "release"}},
                                     {"term": {"source.product": "firefox"}}])";
  EXPECT_EQ(Match(R"({"bool": {)" + should + R"(, "minimum_should_match": 3}})"), (Ids{"1", "3", "7"}));
  EXPECT_EQ(Match(R"({"bool": {)" + should + R"(, "minimum_should_match": "2"}})"),
            (Ids{"1", "2", "3", "4", "6", "7", "8", "10"}));
  EXPECT_EQ(Match(R"({"bool": {)" + should + R"(, "minimum_should_match": "-1"}})"),
            (Ids{"1", "2", "3", "4", "6", "7", "8", "10"}));
  EXPECT_EQ(Match(R"({"bool": {)" + should + R"(, "minimum_should_match": "67%"}})"),
            (Ids{"1", "2", "3", "4", "6", "7", "8", "10"}));  // 3 * 0.67 = 2.01 -> 2
  EXPECT_EQ(Match(R"({"bool": {)" + should + R"(, "minimum_should_match": "2<67%"}})"),
            (Ids{"1", "2", "3", "4", "6", "7", "8", "10"}));
  // Not clamped: more than there are matches nothing.
  EXPECT_TRUE(Match(R"({"bool": {)" + should + R"(, "minimum_should_match": 4}})").empty());
  EXPECT_TRUE(Match(R"({"bool": {"must": {"match_all": {}}, "minimum_should_match": 1}})").empty());
  EXPECT_EQ(Match(R"({"bool": {"must": {"match_all": {}}, "minimum_should_match": "50%"}})").size(), 10u);
  EXPECT_EQ(Error(R"({"bool": {)" + should + R"(, "minimum_should_match": "lots"}})"),
            "For input string: \"lots\"");
}

TEST_F(Queries, BoolEdgeCases) {
  EXPECT_EQ(Match(R"({"bool": {}})").size(), 10u);
  // A purely negative bool loses its minimum_should_match (ES rebuilds it
  // around a match_all).
  EXPECT_EQ(Match(R"({"bool": {"must_not": {"term": {"target.channel": "release"}}, "minimum_should_match": 2}})"),
            (Ids{"4", "5", "8", "10"}));
  EXPECT_EQ(Match(R"({"bool": {"must_not": {"term": {"target.channel": "release"}}}})"),
            (Ids{"4", "5", "8", "10"}));
  EXPECT_EQ(Match(R"({"bool": {"should": []}})").size(), 10u);
  EXPECT_EQ(Match(R"({"bool": {"filter": [{"term": {"source.product": "firefox"}},
                                          {"term": {"target.platform": "win64"}}]}})"),
            (Ids{"1", "2", "10"}));
}

TEST_F(Queries, TermOnEveryType) {
  EXPECT_EQ(Match(R"({"term": {"target.version": "60.0"}})"), (Ids{"1", "6", "9"}));
  EXPECT_EQ(Match(R"({"term": {"target.version": {"value": "60.0", "boost": 2}}})"), (Ids{"1", "6", "9"}));
  EXPECT_TRUE(Match(R"({"term": {"target.version": 60}})").empty());
  EXPECT_EQ(Match(R"({"term": {"target.version": 54.0}})"), Ids{"7"});  // Java's "54.0"
  EXPECT_EQ(Match(R"({"term": {"download.size": 6000}})"), Ids{"7"});
  EXPECT_EQ(Match(R"({"term": {"download.size": "6000"}})"), Ids{"7"});
  EXPECT_TRUE(Match(R"({"term": {"download.size": 6000.5}})").empty());
  EXPECT_EQ(Match(R"({"term": {"download.size": 6000.0}})"), Ids{"7"});
  EXPECT_EQ(Error(R"({"term": {"download.size": "abc"}})"), "For input string: \"abc\"");
  EXPECT_EQ(Match(R"({"term": {"build.number": 1}})"), (Ids{"5", "8"}));
  // A date term is the whole day (or second) it names.
  EXPECT_EQ(Match(R"({"term": {"build.date": "2018-05-10"}})"), (Ids{"4", "5"}));
  EXPECT_EQ(Match(R"({"term": {"build.date": "2018-05-10T16:07:05Z"}})"), (Ids{"4", "5"}));
  EXPECT_EQ(Match(R"({"term": {"build.date": 1525968425000}})"), (Ids{"4", "5"}));
  EXPECT_TRUE(Match(R"({"term": {"build.date": "2018-05-10T16:07:06Z"}})").empty());
  // Text fields hold tokens; term does not analyse.
  EXPECT_EQ(Match(R"({"term": {"build.target": "x86_64"}})"), (Ids{"3", "4", "5", "8"}));
  EXPECT_TRUE(Match(R"({"term": {"build.target": "X86_64"}})").empty());
  EXPECT_TRUE(Match(R"({"term": {"build.target": "x86_64-pc-linux-gnu"}})").empty());
  EXPECT_EQ(Match(R"({"term": {"build.target.keyword": "x86_64-pc-linux-gnu"}})"), (Ids{"3", "8"}));
  EXPECT_TRUE(Match(R"({"term": {"no.such.field": "x"}})").empty());
  EXPECT_EQ(Match(R"({"term": {"_id": "4"}})"), Ids{"4"});
  EXPECT_EQ(Match(R"({"term": {"id": "4"}})"), Ids{"4"});
  EXPECT_EQ(Match(R"({"term": {"_index": "buildhub2"}})").size(), 10u);
  EXPECT_EQ(Error(R"({"term": {"target.version": null}})"), "value cannot be null");
}

TEST_F(Queries, Terms) {
  EXPECT_EQ(Match(R"({"terms": {"target.platform": ["win64", "win32", "nope"]}})"), (Ids{"1", "2", "9", "10"}));
  EXPECT_TRUE(Match(R"({"terms": {"target.platform": []}})").empty());
  EXPECT_EQ(Match(R"({"terms": {"download.size": [1000, "2000", 2500]}})"), (Ids{"1", "2"}));
  EXPECT_EQ(Error(R"({"terms": {"target.platform": {"index": "x", "id": "1", "path": "p"}}})"),
            "terms lookup (terms with an index/id/path object) is not supported");
}

TEST_F(Queries, MatchOnTextAndKeyword) {
  EXPECT_EQ(Match(R"({"match": {"build.target": "pc linux"}})"), (Ids{"3", "7", "8"}));
  EXPECT_EQ(Match(R"({"match": {"build.target": "PC-Linux"}})"), (Ids{"3", "7", "8"}));
  EXPECT_TRUE(Match(R"({"match": {"build.target": {"query": "apple linux", "operator": "and"}}})").empty());
  EXPECT_EQ(Match(R"({"match": {"build.target": {"query": "apple darwin", "operator": "AND"}}})"), (Ids{"4", "5"}));
  EXPECT_EQ(Match(R"({"match": {"build.target": {"query": "apple linux gnu", "minimum_should_match": 2}}})"),
            (Ids{"3", "7", "8"}));
  EXPECT_EQ(Match(R"({"match": {"target.version": "60.0"}})"), (Ids{"1", "6", "9"}));
  EXPECT_TRUE(Match(R"({"match": {"target.version": "60.0 54.0"}})").empty());  // one keyword term
  EXPECT_TRUE(Match(R"({"match": {"target.locale": {"query": "en-US", "analyzer": "standard"}}})").empty());
  EXPECT_EQ(Match(R"({"match": {"download.size": 6000}})"), Ids{"7"});
  EXPECT_EQ(Error(R"({"match": {"download.size": "big"}})"), "For input string: \"big\"");
  EXPECT_TRUE(Match(R"({"match": {"download.size": {"query": "big", "lenient": true}}})").empty());
  EXPECT_TRUE(Match(R"({"match": {"build.target": "---"}})").empty());
  EXPECT_EQ(Match(R"({"match": {"build.target": {"query": "---", "zero_terms_query": "all"}}})").size(), 10u);
  EXPECT_EQ(Match(R"({"match": {"target.platform": {"query": "win63", "fuzziness": "AUTO"}}})"),
            (Ids{"1", "2", "10"}));
  EXPECT_EQ(Error(R"({"match": {"target.platform": {"query": "x", "analyzer": "klingon"}}})"),
            "No analyzer found for [klingon]");
}

TEST_F(Queries, MatchPhraseAndPrefix) {
  EXPECT_EQ(Match(R"({"match_phrase": {"build.cc": "clang -std"}})"), Ids{"8"});
  EXPECT_EQ(Match(R"({"match_phrase": {"build.cc": {"query": "clang std", "slop": 5}}})"), (Ids{"5", "8"}));
  EXPECT_EQ(Match(R"({"match_phrase": {"build.cc": "bin clang"}})"), (Ids{"5", "8"}));
  EXPECT_EQ(Match(R"({"match_phrase": {"build.cc": "src clang bin"}})"), (Ids{"5", "8"}));
  EXPECT_TRUE(Match(R"({"match_phrase": {"build.cc": "std clang"}})").empty());
  EXPECT_EQ(Match(R"({"match_phrase_prefix": {"build.cc": "target x86"}})"), Ids{"5"});
  EXPECT_EQ(Match(R"({"match_phrase_prefix": {"target.version": "61.0"}})"), (Ids{"4", "5"}));
  EXPECT_EQ(Match(R"({"match": {"build.cc": {"query": "clang -std", "type": "phrase"}}})"), Ids{"8"});
}

TEST_F(Queries, MultiMatch) {
  EXPECT_EQ(Match(R"({"multi_match": {"query": "fr", "fields": ["target.locale", "target.version"]}})"), Ids{"2"});
  EXPECT_EQ(Match(R"({"multi_match": {"query": "darwin", "fields": ["build.*"]}})"), (Ids{"4", "5"}));
  EXPECT_EQ(Match(R"({"multi_match": {"query": "54.0"}})"), Ids{"7"});  // all fields, lenient
  EXPECT_EQ(Match(R"({"multi_match": {"query": "linux gnu", "fields": ["build.target"], "type": "most_fields",
                                      "operator": "and"}})"),
            (Ids{"3", "7", "8"}));
  EXPECT_EQ(Match(R"({"multi_match": {"query": "apple linux", "type": "cross_fields", "operator": "and",
                                      "fields": ["build.target", "build.cc"]}})"),
            Ids{});
}

// Found by the differential test. ES 6.7 MatchQueryBuilder.doToQuery ends in
// Queries.maybeApplyMinimumShouldMatch, whatever the operator: a BooleanQuery
// gets setMinimumNumberShouldMatch(calculateMinShouldMatch(<SHOULD clauses>,
// spec)) when that is above 0, and the count is not clamped to the SHOULD
// clauses since elastic/elasticsearch#15571. With "and" every clause is MUST,
// so any positive minimum leaves Lucene no way to match. One token is a
// TermQuery, which the minimum does not touch.
TEST_F(Queries, MatchAndOperatorWithMinimumShouldMatch) {
  auto match = [](const std::string& msm) {
    return Match(R"({"match": {"build.target": {"query": "apple darwin", "operator": "and",
                                                "minimum_should_match": )" + msm + "}}}");
  };
  EXPECT_EQ(match(R"("2")"), Ids{});
  EXPECT_EQ(match("1"), Ids{});
  // 0, or a spec computing to 0 or below (0 SHOULD clauses x 100%, 0 - 1):
  // the query is left as it was.
  EXPECT_EQ(match("0"), (Ids{"4", "5"}));
  EXPECT_EQ(match(R"("100%")"), (Ids{"4", "5"}));
  EXPECT_EQ(match(R"("-1")"), (Ids{"4", "5"}));
  EXPECT_EQ(Match(R"({"match": {"build.target": {"query": "darwin", "operator": "and",
                                                 "minimum_should_match": 2}}})"),
            (Ids{"4", "5"}));
  // The spec is parsed for a "and" bool too.
  EXPECT_EQ(Error(R"({"match": {"build.target": {"query": "apple darwin", "operator": "and",
                                                 "minimum_should_match": "two"}}})"),
            "For input string: \"two\"");
  // Same rule in a filters aggregation, a post_filter and per field of multi_match.
  json::Value r = SearchOk(*engine_, R"({"size": 0, "aggs": {"f": {"filters": {"filters": {"f1":
      {"match": {"build.cc": {"query": "clang std", "operator": "and", "minimum_should_match": "1"}}}}}}}})");
  EXPECT_EQ(Agg(r, "f").find("buckets")->find("f1")->find("doc_count")->as_int64(), 0);
  r = SearchOk(*engine_, R"({"post_filter": {"match": {"build.target": {"query": "x86_64 linux",
      "operator": "and", "minimum_should_match": "2"}}}})");
  EXPECT_EQ(Total(r), 0);
  EXPECT_EQ(Match(R"({"multi_match": {"query": "linux gnu", "fields": ["build.target", "build.cc"],
                                      "operator": "and", "minimum_should_match": 1}})"),
            Ids{});
  EXPECT_EQ(Match(R"({"multi_match": {"query": "linux gnu", "fields": ["build.target", "build.cc"],
                                      "operator": "and"}})"),
            (Ids{"3", "7", "8"}));
  // cross_fields: two text fields share an analyzer, so ES builds one group
  // query; one word in it is a blended term query the minimum leaves alone.
  EXPECT_EQ(Match(R"({"multi_match": {"query": "linux gnu", "type": "cross_fields", "operator": "and",
                                      "fields": ["build.target", "build.cc"], "minimum_should_match": 1}})"),
            Ids{});
  EXPECT_EQ(Match(R"({"multi_match": {"query": "darwin", "type": "cross_fields", "fields": ["build.target", "build.cc"],
                                      "minimum_should_match": 2}})"),
            (Ids{"4", "5"}));
}

// Found by the differential test. ES 6.7 scores `terms` as one constant-score
// query on every field type: TermInSetQuery for keyword/text, PointInSetQuery
// (LongPoint.newSetQuery, values deduplicated) for numbers, and
// MappedFieldType.termsQuery's ConstantScoreQuery around SHOULD clauses for
// dates. A value given twice, or two dates covering the same instant, do not
// add up: the score is 1 x boost.
TEST_F(Queries, TermsScoresOnceWhateverTheValues) {
  auto scores = [](const std::string& query) {
    json::Value r = SearchOk(*engine_, R"({"size": 100, "sort": "_doc", "track_scores": true, "query": )" + query + "}");
    std::vector<std::string> out;
    for (const auto& h : r.find("hits")->find("hits")->items()) {
      out.push_back(h.find("_id")->text() + "=" + json::Write(*h.find("_score")));
    }
    return out;
  };
  using S = std::vector<std::string>;
  EXPECT_EQ(scores(R"({"terms": {"build.number": [1, 1]}})"), (S{"5=1.0", "8=1.0"}));
  EXPECT_EQ(scores(R"({"terms": {"build.number": [1.0, 1, 3]}})"), (S{"5=1.0", "7=1.0", "8=1.0"}));
  EXPECT_EQ(scores(R"({"terms": {"build.number": [1, 1], "boost": 3}})"), (S{"5=3.0", "8=3.0"}));
  EXPECT_EQ(scores(R"({"terms": {"build.date": ["2018-05-10", "2018-05-10T16:07:05Z"]}})"),
            (S{"4=1.0", "5=1.0"}));
  EXPECT_EQ(scores(R"({"terms": {"target.locale": ["fr", "fr"]}})"), S{"2=1.0"});
  // Inside a bool it is one clause among others.
  EXPECT_EQ(scores(R"({"bool": {"must": [{"terms": {"build.number": [1, 1]}},
                                         {"term": {"target.channel": "beta"}}]}})"),
            S{"8=2.0"});
  json::Value r = SearchOk(*engine_, R"({"query": {"terms": {"build.number": [1, 1]}}})");
  EXPECT_EQ(json::Write(*r.find("hits")->find("max_score")), "1.0");
}

TEST_F(Queries, RangeOnKeywordsIsByteWise) {
  EXPECT_EQ(Match(R"({"range": {"target.version": {"gte": "63"}}})"), (Ids{"8", "10"}));
  EXPECT_EQ(Match(R"({"range": {"target.version": {"lte": 60}}})"), Ids{"7"});
  EXPECT_EQ(Match(R"({"range": {"target.version": {"lte": 60.0}}})"), (Ids{"1", "6", "7", "9"}));
  EXPECT_EQ(Match(R"({"range": {"target.version": {"gt": "60.0", "lt": "61"}}})"), (Ids{"2", "3"}));
  EXPECT_EQ(Match(R"({"range": {"target.version": {"from": "60.0", "to": "60.0.2", "include_upper": false}}})"),
            (Ids{"1", "2", "6", "9"}));
  EXPECT_EQ(Match(R"({"range": {"build.id": {"gte": "2019"}}})"), (Ids{"8", "10"}));
  EXPECT_EQ(Match(R"({"range": {"build.target": {"gte": "x"}}})"), (Ids{"3", "4", "5", "8"}));  // tokens
}

TEST_F(Queries, RangeEdgeCases) {
  // No bounds: an exists query.
  EXPECT_EQ(Match(R"({"range": {"build.number": {}}})"), (Ids{"5", "7", "8"}));
  EXPECT_EQ(Match(R"({"range": {"build.number": {"time_zone": "+01:00"}}})"), (Ids{"5", "7", "8"}));
  // A mapped non-date field ignores time_zone (ES 6 MappedFieldType.rangeQuery).
  EXPECT_EQ(Match(R"({"range": {"target.version": {"gte": "6", "time_zone": "+01:00"}}})"),
            Match(R"({"range": {"target.version": {"gte": "6"}}})"));
  EXPECT_TRUE(Match(R"({"range": {"nope": {"gte": "6", "time_zone": "+01:00"}}})").empty());
}

TEST_F(Queries, RangeOnLongs) {
  EXPECT_EQ(Match(R"({"range": {"download.size": {"gte": 5000, "lt": 7000}}})"), (Ids{"6", "7"}));
  EXPECT_EQ(Match(R"({"range": {"download.size": {"gt": 4999.5, "lte": "6000"}}})"), (Ids{"6", "7"}));
  EXPECT_EQ(Match(R"({"range": {"download.size": {"gt": 5000.5, "lt": 6000.5}}})"), Ids{"7"});
  EXPECT_EQ(Match(R"({"range": {"download.size": {"gt": 60000000}}})"), (Ids{"5", "8"}));
  EXPECT_EQ(Error(R"({"range": {"download.size": {"gte": "lots"}}})"), "For input string: \"lots\"");
}

TEST_F(Queries, RangeOnDates) {
  EXPECT_EQ(Match(R"({"range": {"build.date": {"gte": "2018-05-10", "lte": "2018-05-13"}}})"),
            (Ids{"4", "5", "9"}));
  EXPECT_EQ(Match(R"({"range": {"build.date": {"gt": "2018-05-10"}}})"), (Ids{"2", "3", "8", "9", "10"}));
  EXPECT_EQ(Match(R"({"range": {"download.date": {"gte": "now-30d/d"}}})"), (Ids{"8", "10"}));
  EXPECT_EQ(Match(R"({"range": {"download.date": {"lt": "now"}}})").size(), 9u);
  EXPECT_EQ(Match(R"({"range": {"build.date": {"gte": "2018-05-10T18:00:00", "lte": "2018-05-10T18:10:00",
                                               "time_zone": "+02:00"}}})"),
            (Ids{"4", "5"}));
  EXPECT_EQ(Match(R"({"range": {"build.date": {"gte": "10/05/2018", "lt": "11/05/2018", "format": "dd/MM/yyyy"}}})"),
            (Ids{"4", "5"}));
  EXPECT_EQ(Match(R"({"range": {"build.date": {"gte": 1525968425000, "lte": 1525968425000}}})"), (Ids{"4", "5"}));
  EXPECT_EQ(Match(R"({"range": {"download.date": {"gte": "2019-06-03T20:49:46.559", "lte": "2019-06-03T20:49:46.559"}}})"),
            Ids{"8"});
  std::string e = Error(R"({"range": {"build.date": {"gte": "yesterday"}}})");
  EXPECT_NE(e.find("failed to parse date field [yesterday]"), std::string::npos) << e;
}

TEST_F(Queries, PrefixWildcardRegexp) {
  EXPECT_EQ(Match(R"({"prefix": {"target.version": "60"}})"), (Ids{"1", "2", "3", "6", "9"}));
  EXPECT_EQ(Match(R"({"prefix": {"target.version": {"value": "61.0b4r"}}})"), Ids{"5"});
  EXPECT_EQ(Match(R"({"prefix": {"build.target": "darw"}})"), (Ids{"4", "5"}));
  EXPECT_EQ(Match(R"({"wildcard": {"target.platform": "linux-*"}})"), (Ids{"3", "7", "8"}));
  EXPECT_EQ(Match(R"({"wildcard": {"target.platform": "win??"}})"), (Ids{"1", "2", "9", "10"}));
  EXPECT_EQ(Match(R"({"wildcard": {"target.platform": {"wildcard": "*86*"}}})"), (Ids{"3", "7", "8"}));
  EXPECT_EQ(Match(R"({"regexp": {"target.version": "6[01]\\.0.*"}})"), (Ids{"1", "2", "3", "4", "5", "6", "9"}));
  EXPECT_EQ(Match(R"({"regexp": {"target.version": "\"54.0\""}})"), Ids{"7"});
  EXPECT_EQ(Match(R"({"regexp": {"target.version": "60\\.0|54\\.0"}})"), (Ids{"1", "6", "7", "9"}));
  EXPECT_EQ(Match(R"({"regexp": {"build.target": "x86_64.*"}})"), (Ids{"3", "4", "5", "8"}));
  EXPECT_EQ(Match(R"({"regexp": {"target.version": "6.{2,3}"}})"), (Ids{"1", "6", "9"}));
  EXPECT_EQ(Match(R"({"regexp": {"target.locale": "<1-9>|e.*"}})").size(), 7u);
  EXPECT_EQ(Error(R"({"prefix": {"download.size": "6"}})"),
            "Can only use prefix queries on keyword and text fields - not on [download.size] which is of type [long]");
  EXPECT_EQ(Error(R"({"regexp": {"build.date": "2.*"}})"),
            "Can only use regexp queries on keyword and text fields - not on [build.date] which is of type [date]");
  std::string e = Error(R"({"regexp": {"target.version": "(6"}})");
  EXPECT_EQ(e.rfind("failed to create query: ", 0), 0u) << e;
}

TEST_F(Queries, Fuzzy) {
  EXPECT_EQ(Match(R"({"fuzzy": {"target.platform": "win63"}})"), (Ids{"1", "2", "10"}));
  EXPECT_EQ(Match(R"({"fuzzy": {"target.platform": {"value": "wni64", "fuzziness": 1}}})"), (Ids{"1", "2", "10"}));
  EXPECT_TRUE(Match(R"({"fuzzy": {"target.platform": {"value": "wni64", "fuzziness": 1, "transpositions": false}}})")
                  .empty());
  EXPECT_EQ(Match(R"({"fuzzy": {"target.platform": {"value": "win00", "fuzziness": 2, "prefix_length": 3}}})"),
            (Ids{"1", "2", "9", "10"}));
  // Fuzziness is capped at two edits as Java's (int) cast then Math.min do:
  // enormous, infinite and NaN values must neither fail nor overflow.
  EXPECT_EQ(Match(R"({"fuzzy": {"target.platform": {"value": "wni64", "fuzziness": 1e300}}})"),
            Match(R"({"fuzzy": {"target.platform": {"value": "wni64", "fuzziness": 2}}})"));
  EXPECT_EQ(Match(R"({"query_string": {"query": "target.platform:wni64~170713200000"}})"),
            Match(R"({"fuzzy": {"target.platform": {"value": "wni64", "fuzziness": 2}}})"));
  EXPECT_EQ(Match(R"({"fuzzy": {"target.platform": {"value": "win64", "fuzziness": "NaN"}}})"), (Ids{"1", "2", "10"}));
}

TEST_F(Queries, MinimumShouldMatchPercentWrapsLikeJava) {
  // 3 optional clauses * 1e9 percent overflows a Java int; ES wraps it to a
  // negative count, adds it to 3 and clamps at 0, so the disjunction stands.
  // (With 2 clauses there is no overflow: 2e7 required, nothing matches.)
  const std::string should = R"("should": [{"term": {"target.locale": "fr"}}, {"term": {"target.locale": "de"}},
      {"term": {"target.locale": "xx"}}])";
  EXPECT_EQ(Match(R"({"bool": {)" + should + R"(, "minimum_should_match": "1000000000%"}})"),
            Match(R"({"bool": {)" + should + "}}"));
  EXPECT_FALSE(Match(R"({"bool": {)" + should + "}}").empty());
  EXPECT_TRUE(Match(R"({"bool": {"should": [{"term": {"target.locale": "fr"}}, {"term": {"target.locale": "de"}}],
      "minimum_should_match": "1000000000%"}})").empty());
}

TEST_F(Queries, ExistsIdsTypeMatchAllNone) {
  EXPECT_EQ(Match(R"({"exists": {"field": "build.cc"}})"), (Ids{"5", "8"}));
  EXPECT_EQ(Match(R"({"exists": {"field": "build.number"}})"), (Ids{"5", "7", "8"}));
  EXPECT_EQ(Match(R"({"exists": {"field": "build"}})").size(), 10u);
  EXPECT_EQ(Match(R"({"exists": {"field": "build.t*"}})"), (Ids{"3", "4", "5", "7", "8"}));
  EXPECT_TRUE(Match(R"({"exists": {"field": "nope"}})").empty());
  EXPECT_EQ(Match(R"({"ids": {"values": ["3", 7, "99", "x"]}})"), (Ids{"3", "7"}));
  EXPECT_EQ(Match(R"({"type": {"value": "doc"}})").size(), 10u);
  EXPECT_TRUE(Match(R"({"type": {"value": "other"}})").empty());
  EXPECT_EQ(Match(R"({"match_all": {"boost": 3}})").size(), 10u);
  EXPECT_TRUE(Match(R"({"match_none": {}})").empty());
}

TEST_F(Queries, CompoundQueriesAndScores) {
  json::Value r = SearchOk(*engine_, R"({"query": {"constant_score": {"filter": {"term": {"target.locale": "fr"}},
                                                                     "boost": 2.5}}})");
  EXPECT_EQ(json::Write(*r.find("hits")->find("max_score")), "2.5");
  EXPECT_EQ(HitIds(r), Ids{"2"});
  // Sum of matching should clauses: both = 2, one = 1; ties by insertion.
  EXPECT_EQ(Ranked(R"({"bool": {"should": [{"term": {"target.locale": "en-US"}},
                                            {"term": {"target.channel": "release"}}]}})"),
            (Ids{"1", "3", "6", "7", "2", "4", "8", "9", "10"}));
  // dis_max: the best clause.
  r = SearchOk(*engine_, R"({"query": {"dis_max": {"queries": [{"term": {"target.locale": {"value": "en-US", "boost": 3}}},
                                                             {"term": {"target.channel": "beta"}}],
                                                 "tie_breaker": 0.5}}})");
  EXPECT_EQ(HitIds(r).front(), "4");  // 3 + 0.5 * 1
  EXPECT_EQ(json::Write(*r.find("hits")->find("max_score")), "3.5");
  // boosting: negative matches sink.
  EXPECT_EQ(Ranked(R"({"boosting": {"positive": {"term": {"target.channel": "beta"}},
                                    "negative": {"term": {"target.version": "61.0b4"}}, "negative_boost": 0.2}})"),
            (Ids{"8", "4"}));
  // function_score matches its query; functions are accepted.
  EXPECT_EQ(Match(R"({"function_score": {"query": {"term": {"target.locale": "fr"}},
                                         "functions": [{"weight": 2, "filter": {"match_all": {}}},
                                                       {"random_score": {}}], "boost_mode": "sum"}})"),
            Ids{"2"});
  EXPECT_EQ(Match(R"({"function_score": {"functions": [{"weight": 2}]}})").size(), 10u);
  // Filter-only bools score 0; pure negatives 1.
  r = SearchOk(*engine_, R"({"query": {"bool": {"filter": {"term": {"target.locale": "fr"}}}}})");
  EXPECT_EQ(json::Write(*r.find("hits")->find("hits")->items()[0].find("_score")), "0.0");
  r = SearchOk(*engine_, R"({"query": {"bool": {"must_not": {"term": {"target.locale": "fr"}}}}})");
  EXPECT_EQ(json::Write(*r.find("hits")->find("hits")->items()[0].find("_score")), "1.0");
}

TEST_F(Queries, QueryStringSyntax) {
  auto qs = [](const std::string& q, const std::string& extra = "") {
    json::Value query = json::Value::Object();
    json::Value inner = json::Value::Object();
    inner.set("query", json::Value::String(q));
    query.set("query_string", std::move(inner));
    std::string s = json::Write(query);
    if (!extra.empty()) s.insert(s.size() - 2, "," + extra);
    return s;
  };
  EXPECT_EQ(Match(qs("target.channel:beta")), (Ids{"4", "8"}));
  EXPECT_TRUE(Match(qs("beta release", R"("default_field": "target.channel")")).empty());  // one keyword term
  EXPECT_EQ(Match(qs("target.channel:(beta OR release)")).size(), 8u);
  EXPECT_EQ(Match(qs("target.channel:(beta || aurora) && source.product:firefox")), (Ids{"4", "8"}));
  EXPECT_EQ(Match(qs("-target.channel:release")), (Ids{"4", "5", "8", "10"}));
  EXPECT_EQ(Match(qs("NOT target.channel:release")), (Ids{"4", "5", "8", "10"}));
  EXPECT_EQ(Match(qs("target.version:[60 TO 61}")), (Ids{"1", "2", "3", "6", "9"}));
  EXPECT_EQ(Match(qs("target.version:{60.0 TO *]")), (Ids{"2", "3", "4", "5", "8", "10"}));
  EXPECT_EQ(Match(qs("download.size:>=6000")), (Ids{"5", "7", "8", "9", "10"}));
  EXPECT_EQ(Match(qs("download.size:<2000")), Ids{"1"});
  EXPECT_EQ(Match(qs("_exists_:build.cc")), (Ids{"5", "8"}));
  EXPECT_EQ(Match(qs("target.version:/6[0-1]\\.0/")), (Ids{"1", "6", "9"}));
  EXPECT_EQ(Match(qs("build.target:darwin")), (Ids{"4", "5"}));
  EXPECT_EQ(Match(qs("target.platform:linux*")), (Ids{"3", "7", "8"}));
  EXPECT_EQ(Match(qs("target.platform:*86*")), (Ids{"3", "7", "8"}));
  EXPECT_EQ(Match(qs("target.platform:win6?")), (Ids{"1", "2", "10"}));
  EXPECT_EQ(Match(qs("target.platform:win63~1")), (Ids{"1", "2", "10"}));
  EXPECT_EQ(Match(qs("build.cc:\"clang -std\"")), Ids{"8"});
  EXPECT_EQ(Match(qs("build.cc:\"clang std\"~5")), (Ids{"5", "8"}));
  EXPECT_EQ(Match(qs("target.locale:fr^3 OR target.locale:de")), (Ids{"2", "9"}));
  EXPECT_EQ(Match(qs("+source.product:firefox -target.os:win +target.channel:beta")), (Ids{"4", "8"}));
  // Lucene's classic precedence: "a AND b OR c" is +a +b c.
  EXPECT_EQ(Match(qs("source.product:firefox AND target.os:win OR target.locale:ca")), (Ids{"1", "2", "10"}));
  EXPECT_EQ(Match(qs("source.product:fire\\fox")), (Ids{"1", "2", "3", "4", "7", "8", "10"}));
  EXPECT_EQ(Match(qs("*")).size(), 10u);
  EXPECT_EQ(Match(qs("*:*")).size(), 10u);
  EXPECT_EQ(Match(qs("build.cc:*")), (Ids{"5", "8"}));
  EXPECT_EQ(Match(qs("54.0")), Ids{"7"});  // every field, lenient
  EXPECT_TRUE(Match(qs("")).empty());
  EXPECT_TRUE(Match(qs("   ")).empty());
  EXPECT_EQ(Match(qs("fr de", R"("fields": ["target.locale"], "analyzer": "standard")")), (Ids{"2", "9"}));
  EXPECT_TRUE(Match(qs("fr de", R"("fields": ["target.locale"])")).empty());
  EXPECT_TRUE(Match(qs("fr de", R"("fields": ["target.locale"], "analyzer": "standard", "default_operator": "and")"))
                  .empty());
  EXPECT_EQ(Match(qs("linux* firefox*", R"("fields": ["target.platform", "source.product^2"], "default_operator": "AND")")),
            (Ids{"3", "7", "8"}));
  EXPECT_EQ(Match(qs("target.\\*:fr")), Ids{"2"});
  EXPECT_EQ(Error(qs("target.*:fr")), "Failed to parse query [target.*:fr]");  // as in ES: escape the *
  EXPECT_EQ(Match(qs("Linux*", R"("fields": ["target.platform"], "analyzer": "standard", "analyze_wildcard": true)")),
            (Ids{"3", "7", "8"}));
  EXPECT_TRUE(Match(qs("Linux*", R"("fields": ["target.platform"])")).empty());  // keyword: case-sensitive
  EXPECT_EQ(Error(qs("target.channel:(beta")), "Failed to parse query [target.channel:(beta]");
  EXPECT_EQ(Error(qs("a/b")), "Failed to parse query [a/b]");
  EXPECT_EQ(Error(qs("download.size:big", R"("lenient": false)")), "For input string: \"big\"");
  EXPECT_TRUE(Match(qs("download.size:big", R"("lenient": true)")).empty());
}

TEST_F(Queries, SimpleQueryString) {
  auto sqs = [](const std::string& q, const std::string& extra) {
    json::Value inner = json::Value::Object();
    inner.set("query", json::Value::String(q));
    std::string s = "{\"simple_query_string\":" + json::Write(inner);
    s.insert(s.size() - 1, "," + extra);
    return s + "}";
  };
  std::string fields = R"("fields": ["source.product", "target.platform"])";
  EXPECT_EQ(Match(sqs("firefox -linux*", fields)).size(), 10u);  // OR NOT matches almost all
  EXPECT_EQ(Match(sqs("firefox -linux*", fields + R"(, "default_operator": "and")")), (Ids{"1", "2", "4", "10"}));
  EXPECT_EQ(Match(sqs("fennec | thunderbird", fields)), (Ids{"6", "9"}));
  EXPECT_EQ(Match(sqs("firefox + win64", fields)), (Ids{"1", "2", "10"}));
  EXPECT_EQ(Match(sqs("(fennec | devedition) + macosx", fields)), Ids{"5"});
  EXPECT_EQ(Match(sqs("\"clang -std\"", R"("fields": ["build.cc"])")), Ids{"8"});
  EXPECT_EQ(Match(sqs("wni64~1", R"("fields": ["target.platform"])")), (Ids{"1", "2", "10"}));
  EXPECT_TRUE(Match(sqs("", fields)).empty());
  // Never a syntax error.
  EXPECT_TRUE(Match(sqs("((( \"unclosed", fields)).empty());
}

TEST_F(Queries, UnsupportedAndRemovedQueries) {
  EXPECT_EQ(Error(R"({"nested": {"path": "x", "query": {"match_all": {}}}})"),
            "[nested] failed to find nested object under path [x]");
  EXPECT_EQ(Error(R"({"has_child": {"type": "x", "query": {"match_all": {}}}})"),
            "[has_child] no join field has been configured");
  EXPECT_EQ(Error(R"({"geo_distance": {"distance": "1km", "pin": {"lat": 1, "lon": 2}}})"),
            "failed to find geo_point field [pin]");
  EXPECT_EQ(Error(R"({"script": {"script": "true"}})"),
            "[script] queries are not supported: this service does not run scripts");
  EXPECT_EQ(Error(R"({"span_term": {"user": "kimchy"}})"), "[span_term] queries are not supported by this service");
  EXPECT_EQ(Error(R"({"filtered": {"query": {"match_all": {}}}})"), "no [query] registered for [filtered]");
  EXPECT_EQ(Error(R"({"more_like_this": {"like": "x"}})"), "[more_like_this] queries are not supported by this service");
}

}  // namespace
}  // namespace buildhub::search::testing
