// Hits: sorting in every ES form and its sort values, _source filtering,
// highlighting, search_after, scores.
#include "engine_fixture.h"

namespace buildhub::search::testing {
namespace {

using Ids = std::vector<std::string>;

class Hits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = EngineOf(StandardCorpus()).release(); }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  static json::Value Run(const std::string& body) { return SearchOk(*engine_, body); }
  static const json::Value& Hit(const json::Value& r, size_t i) { return r.find("hits")->find("hits")->items()[i]; }
  static std::string SortValues(const json::Value& r) {
    std::string out;
    for (const auto& h : r.find("hits")->find("hits")->items()) out += json::Write(*h.find("sort"));
    return out;
  }
  static std::string Error(const std::string& body) { return ErrorMessage(SearchError(*engine_, body)); }
  static Engine* engine_;
};
Engine* Hits::engine_ = nullptr;

TEST_F(Hits, SortByLongDesc) {
  json::Value r = Run(R"({"sort": [{"download.size": "desc"}]})");
  EXPECT_EQ(HitIds(r), (Ids{"5", "8", "10", "9", "7", "6", "4", "3", "2", "1"}));
  EXPECT_EQ(SortValues(r), "[64504466][63655677][8000][7000][6000][5000][4000][3000][2000][1000]");
  EXPECT_TRUE(Hit(r, 0).find("_score")->is_null());
  EXPECT_TRUE(r.find("hits")->find("max_score")->is_null());
}

TEST_F(Hits, SortByKeywordIsByteWise) {
  json::Value r = Run(R"({"sort": "target.version"})");
  EXPECT_EQ(HitIds(r), (Ids{"7", "1", "6", "9", "2", "3", "4", "5", "8", "10"}));
  EXPECT_EQ(json::Write(*Hit(r, 0).find("sort")), R"(["54.0"])");
  r = Run(R"({"sort": {"target.version": {"order": "desc"}}, "size": 3})");
  EXPECT_EQ(HitIds(r), (Ids{"10", "8", "5"}));
}

TEST_F(Hits, SortByDates) {
  json::Value r = Run(R"({"sort": [{"build.date": {"order": "asc"}}], "size": 3})");
  EXPECT_EQ(HitIds(r), (Ids{"7", "1", "6"}));
  EXPECT_EQ(SortValues(r), "[1499976329000][1525357889000][1525357889000]");
}

TEST_F(Hits, SortByTwoKeys) {
  json::Value r = Run(R"({"sort": [{"target.channel": "asc"}, {"download.size": "desc"}]})");
  EXPECT_EQ(HitIds(r), (Ids{"5", "8", "4", "10", "9", "7", "6", "3", "2", "1"}));
  EXPECT_EQ(json::Write(*Hit(r, 1).find("sort")), R"(["beta",63655677])");
}

TEST_F(Hits, MissingValues) {
  json::Value r = Run(R"({"sort": [{"build.number": "asc"}]})");
  EXPECT_EQ(HitIds(r), (Ids{"5", "8", "7", "1", "2", "3", "4", "6", "9", "10"}));
  EXPECT_EQ(json::Write(*Hit(r, 3).find("sort")), "[9223372036854775807]");
  r = Run(R"({"sort": [{"build.number": "desc"}]})");
  EXPECT_EQ(HitIds(r), (Ids{"7", "5", "8", "1", "2", "3", "4", "6", "9", "10"}));
  EXPECT_EQ(json::Write(*Hit(r, 3).find("sort")), "[-9223372036854775808]");
  r = Run(R"({"sort": [{"build.number": {"order": "asc", "missing": "_first"}}]})");
  EXPECT_EQ(HitIds(r), (Ids{"1", "2", "3", "4", "6", "9", "10", "5", "8", "7"}));
  EXPECT_EQ(json::Write(*Hit(r, 0).find("sort")), "[-9223372036854775808]");
  r = Run(R"({"sort": [{"build.number": {"order": "asc", "missing": 2}}]})");
  EXPECT_EQ(HitIds(r), (Ids{"5", "8", "1", "2", "3", "4", "6", "9", "10", "7"}));
  EXPECT_EQ(json::Write(*Hit(r, 2).find("sort")), "[2]");
  r = Run(R"({"sort": [{"build.cc.keyword": "asc"}], "size": 3})");
  EXPECT_EQ(HitIds(r), (Ids{"8", "5", "1"}));
  EXPECT_EQ(json::Write(*Hit(r, 2).find("sort")), "[null]");
}

TEST_F(Hits, ScoreAndDocSorts) {
  json::Value r = Run(R"({"query": {"bool": {"should": [{"term": {"target.locale": "en-US"}},
                                                         {"term": {"target.channel": "release"}}]}},
                          "sort": ["_score", {"download.size": "asc"}]})");
  EXPECT_EQ(HitIds(r), (Ids{"1", "3", "6", "7", "2", "4", "9", "10", "8"}));
  EXPECT_EQ(json::Write(*Hit(r, 0).find("sort")), "[2.0,1000]");
  EXPECT_EQ(Hit(r, 0).find("_score")->text(), "2.0");
  EXPECT_EQ(r.find("hits")->find("max_score")->text(), "2.0");
  EXPECT_EQ(HitIds(Run(R"({"sort": {"_doc": "desc"}, "size": 3})")), (Ids{"10", "9", "8"}));
  r = Run(R"({"sort": [{"download.size": "asc"}], "track_scores": true, "size": 1})");
  EXPECT_EQ(Hit(r, 0).find("_score")->text(), "1.0");
  EXPECT_EQ(r.find("hits")->find("max_score")->text(), "1.0");
}

TEST_F(Hits, SortByIdIsByString) {
  json::Value r = Run(R"({"sort": {"_id": "asc"}, "size": 3})");
  EXPECT_EQ(HitIds(r), (Ids{"1", "10", "2"}));
  EXPECT_EQ(json::Write(*Hit(r, 1).find("sort")), R"(["10"])");
}

TEST_F(Hits, SortingByScoreAloneIsNoSort) {
  json::Value r = Run(R"({"sort": ["_score"], "size": 1})");
  EXPECT_EQ(Hit(r, 0).find("sort"), nullptr);
  EXPECT_EQ(Hit(r, 0).find("_score")->text(), "1.0");
  r = Run(R"({"sort": [{"_score": "asc"}], "size": 1})");
  EXPECT_EQ(json::Write(*Hit(r, 0).find("sort")), "[1.0]");
}

TEST_F(Hits, SortErrors) {
  EXPECT_EQ(Error(R"({"sort": "build.target"})").rfind("Fielddata is disabled on text fields by default.", 0), 0u);
  EXPECT_EQ(Error(R"({"sort": "nope"})"), "No mapping found for [nope] in order to sort on");
  EXPECT_EQ(Error(R"({"sort": {"download.size": "up"}})"), "Unknown SortOrder [up]");
  EXPECT_EQ(Error(R"({"sort": {"_script": {"script": "1"}}})"),
            "script based sorting is not supported: this service does not run scripts");
  json::Value r = Run(R"({"sort": {"nope": {"unmapped_type": "long"}}, "size": 2})");
  EXPECT_EQ(HitIds(r), (Ids{"1", "2"}));
  EXPECT_EQ(json::Write(*Hit(r, 0).find("sort")), "[9223372036854775807]");
}

TEST_F(Hits, SourceFiltering) {
  auto source = [&](const std::string& filter) {
    json::Value r = Run(R"({"query": {"ids": {"values": ["2"]}}, "_source": )" + filter + "}");
    const json::Value* s = Hit(r, 0).find("_source");
    return s ? json::Write(*s) : std::string("absent");
  };
  EXPECT_EQ(source("false"), "absent");
  EXPECT_EQ(source("\"target.*\""),
            R"({"target":{"platform":"win64","os":"win","locale":"fr","version":"60.0.1","channel":"release"}})");
  EXPECT_EQ(source(R"(["target.version", "build.id"])"), R"({"build":{"id":"20180516032328"},"target":{"version":"60.0.1"}})");
  EXPECT_EQ(source(R"({"includes": ["target"], "excludes": ["target.os", "target.p*"]})"),
            R"({"target":{"locale":"fr","version":"60.0.1","channel":"release"}})");
  EXPECT_EQ(source(R"({"excludes": ["build", "download", "source"]})"),
            R"({"id":2,"target":{"platform":"win64","os":"win","locale":"fr","version":"60.0.1","channel":"release"}})");
  EXPECT_EQ(source("\"*.id\""), R"({"build":{"id":"20180516032328"}})");
  EXPECT_EQ(source(R"({"includes": ["target"], "excludes": ["target.*"]})"), R"({"target":{}})");
  EXPECT_EQ(source(R"({"include": "build.zzz"})"), "{}");
  EXPECT_EQ(source("\"id\""), R"({"id":2})");
  EXPECT_EQ(source("true").rfind(R"({"id":2,"build":{)", 0), 0u);
}

TEST_F(Hits, HighlightKeywordAndText) {
  json::Value r = Run(R"({"query": {"term": {"target.locale": "fr"}},
                          "highlight": {"fields": {"target.locale": {}, "target.version": {}}}})");
  EXPECT_EQ(json::Write(*Hit(r, 0).find("highlight")), R"({"target.locale":["<em>fr</em>"]})");
  r = Run(R"({"query": {"term": {"target.locale": "fr"}},
              "highlight": {"pre_tags": ["<b>"], "post_tags": ["</b>"], "fields": [{"target.*": {}}]}})");
  EXPECT_EQ(json::Write(*Hit(r, 0).find("highlight")), R"({"target.locale":["<b>fr</b>"]})");
  r = Run(R"({"query": {"match": {"build.target": "darwin"}}, "highlight": {"fields": {"build.target": {}}}})");
  EXPECT_EQ(json::Write(*Hit(r, 0).find("highlight")), R"({"build.target":["x86_64-apple-<em>darwin</em>"]})");
  // Only hits with something to highlight get the key; must_not never highlights.
  r = Run(R"({"query": {"bool": {"should": {"term": {"target.locale": "fr"}},
                                 "must_not": {"term": {"target.channel": "beta"}}}},
              "highlight": {"fields": {"target.channel": {}, "target.locale": {}}}})");
  EXPECT_EQ(HitIds(r), Ids{"2"});
  EXPECT_EQ(json::Write(*Hit(r, 0).find("highlight")), R"({"target.locale":["<em>fr</em>"]})");
  r = Run(R"({"query": {"match_all": {}}, "size": 1, "highlight": {"fields": {"target.locale": {}}}})");
  EXPECT_EQ(Hit(r, 0).find("highlight"), nullptr);
  r = Run(R"({"query": {"term": {"target.locale": "fr"}},
              "highlight": {"highlight_query": {"term": {"target.os": "win"}}, "fields": {"target.*": {}}}})");
  EXPECT_EQ(json::Write(*Hit(r, 0).find("highlight")), R"({"target.os":["<em>win</em>"]})");
  r = Run(R"({"query": {"range": {"target.version": {"gte": "60.0.1", "lt": "60.0.2"}}},
              "highlight": {"fields": {"target.version": {}}}})");
  EXPECT_EQ(json::Write(*Hit(r, 0).find("highlight")), R"({"target.version":["<em>60.0.1</em>"]})");
  EXPECT_EQ(Error(R"({"highlight": {"pre_tags": ["<b>"]}})"), "highlight requires `fields`");
}

TEST_F(Hits, SearchAfter) {
  json::Value r = Run(R"({"sort": [{"download.size": "asc"}], "search_after": [3000], "size": 3})");
  EXPECT_EQ(HitIds(r), (Ids{"4", "6", "7"}));
  r = Run(R"({"sort": [{"target.version": "asc"}], "search_after": ["60.0"]})");
  EXPECT_EQ(HitIds(r), (Ids{"2", "3", "4", "5", "8", "10"}));
  r = Run(R"({"sort": [{"download.size": "desc"}], "search_after": [8000]})");
  EXPECT_EQ(HitIds(r), (Ids{"9", "7", "6", "4", "3", "2", "1"}));
  EXPECT_EQ(Error(R"({"sort": [{"download.size": "asc"}], "search_after": [1, 2]})"),
            "search_after has 2 value(s) but sort has 1.");
  EXPECT_EQ(Error(R"({"sort": [{"download.size": "asc"}], "search_after": [1], "from": 2})"),
            "`from` parameter must be set to 0 when `search_after` is used.");
}

TEST_F(Hits, ScoresPrintAsPythonFloats) {
  json::Value r = Run(R"({"query": {"term": {"target.channel": {"value": "beta", "boost": 1.2}}}})");
  EXPECT_EQ(r.find("hits")->find("max_score")->text(), "1.2");
  EXPECT_EQ(Hit(r, 0).find("_score")->text(), "1.2");
  r = Run(R"({"query": {"bool": {"should": [{"term": {"target.locale": "en-US"}},
                                            {"term": {"target.channel": "release"}}]}}, "min_score": 2})");
  EXPECT_EQ(HitIds(r), (Ids{"1", "3", "6", "7"}));
  r = Run(R"({"query": {"ids": {"values": [2]}}, "explain": true})");
  EXPECT_EQ(Hit(r, 0).find("_shard")->text(), "[buildhub2][0]");
  EXPECT_EQ(Hit(r, 0).find("_explanation")->find("value")->text(), "1.0");
}

TEST_F(Hits, SuggestShapes) {
  json::Value r = Run(R"({"size": 0, "suggest": {"text": "Firefox nightly",
      "t": {"term": {"field": "build.target"}}, "p": {"phrase": {"field": "target.version"}},
      "own": {"text": "x", "term": {"field": "target.version"}}}})");
  EXPECT_EQ(json::Write(*r.find("suggest")),
            R"({"t":[{"text":"firefox","offset":0,"length":7,"options":[]},)"
            R"({"text":"nightly","offset":8,"length":7,"options":[]}],)"
            R"("p":[{"text":"Firefox nightly","offset":0,"length":15,"options":[]}],)"
            R"("own":[{"text":"x","offset":0,"length":1,"options":[]}]})");
  EXPECT_EQ(Error(R"({"suggest": {"c": {"text": "x", "completion": {"field": "target.version"}}}})"),
            "Field [target.version] is not a completion suggest field");
}

}  // namespace
}  // namespace buildhub::search::testing
