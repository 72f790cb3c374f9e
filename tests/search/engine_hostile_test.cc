// Hostile and broken input: every one gets a 400 with a JSON error, quickly,
// and the engine keeps answering.
#include <chrono>
#include <random>

#include "engine_fixture.h"

namespace buildhub::search::testing {
namespace {

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = EngineOf(StandardCorpus()); }

  // Expects a 400 JSON error within two seconds; returns the message.
  std::string Refused(std::string_view body) {
    auto start = std::chrono::steady_clock::now();
    SearchResult r = engine_->Search(body);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(secs, 2.0) << body.substr(0, 200);
    EXPECT_EQ(r.http_status, 400) << body.substr(0, 200) << " => " << r.body.substr(0, 300);
    auto parsed = json::Parse(r.body);
    EXPECT_TRUE(parsed.ok()) << r.body;
    if (!parsed.ok()) return "";
    return ErrorMessage(*parsed);
  }

  std::unique_ptr<Engine> engine_;
};

TEST_F(Hostile, MalformedJson) {
  for (std::string_view body : {"{", "}", "{\"query\":", "{'query': 1}", "{\"a\" 1}", "nul", "{\"size\": 01}",
                                "{\"size\": NaN}", "\x01", "{\"query\": {\"term\": {\"a\": \"b\"}}}}"}) {
    EXPECT_FALSE(Refused(body).empty()) << body;
  }
}

TEST_F(Hostile, NonUtf8Bytes) {
  std::string body = "{\"query\": {\"term\": {\"target.locale\": \"\xff\xfe\"}}}";
  std::string e = Refused(body);
  EXPECT_NE(e.find("UTF-8"), std::string::npos) << e;
}

TEST_F(Hostile, ErrorsQuotingMultiByteTextStayValidUtf8) {
  // A fuzzing find: the date-math unit was cut to its first byte, and the
  // 400 body was not valid UTF-8 (so not valid JSON).
  std::string e = Refused(R"({"query": {"range": {"build.date": {"gte": "2019||/y+1y-\u03fa/M+9<9d"}}}})");
  EXPECT_NE(e.find("unit [\u03fa] not supported"), std::string::npos) << e;
  e = Refused(R"({"query": {"range": {"build.date": {"gte": "now+1\ud83d\ude00"}}}})");
  EXPECT_NE(e.find("unit [\U0001F600] not supported"), std::string::npos) << e;
}

TEST_F(Hostile, HugeBody) {
  EngineOptions o;
  o.max_body_bytes = 1000;
  auto engine = EngineOf(StandardCorpus(), o);
  std::string body = "{\"query\": {\"match_all\": {}}, \"x\": \"" + std::string(2000, 'a') + "\"}";
  SearchResult r = engine->Search(body);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_NE(r.body.find("request body is 2037 bytes; the limit is 1000 bytes"), std::string::npos) << r.body;
}

TEST_F(Hostile, DeepNesting) {
  std::string deep(10000, '[');
  EXPECT_NE(Refused(deep).find("nesting deeper than"), std::string::npos);
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  EXPECT_NE(Refused(objects).find("nesting deeper than"), std::string::npos);
  // Nested bools within the JSON limit but beyond the query depth cap.
  std::string q = "{\"match_all\": {}}";
  for (int i = 0; i < 100; ++i) q = "{\"bool\": {\"must\": " + q + "}}";
  EXPECT_EQ(Refused("{\"query\": " + q + "}"), "query nested deeper than 64 levels");
  std::string aggs = "{\"terms\": {\"field\": \"target.os\"}}";
  for (int i = 0; i < 40; ++i) aggs = "{\"filter\": {\"match_all\": {}}, \"aggs\": {\"x\": " + aggs + "}}";
  EXPECT_EQ(Refused("{\"aggs\": {\"x\": " + aggs + "}}"), "aggregations nested deeper than 32 levels");
}

TEST_F(Hostile, HundredThousandClauses) {
  std::string clauses;
  for (int i = 0; i < 100000; ++i) {
    if (i) clauses += ",";
    clauses += "{\"term\": {\"target.locale\": \"x" + std::to_string(i) + "\"}}";
  }
  EngineOptions o;
  o.max_body_bytes = 64 << 20;
  auto engine = EngineOf(StandardCorpus(), o);
  SearchResult r = engine->Search("{\"query\": {\"bool\": {\"should\": [" + clauses + "]}}}");
  EXPECT_EQ(r.http_status, 400);
  EXPECT_NE(r.body.find("maxClauseCount is set to 1024"), std::string::npos) << r.body.substr(0, 300);
  // 70,000 terms in one terms query: over ES's index.max_terms_count.
  std::string terms;
  for (int i = 0; i < 70000; ++i) terms += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  r = engine->Search("{\"query\": {\"terms\": {\"target.locale\": [" + terms + "]}}}");
  EXPECT_EQ(r.http_status, 400);
  EXPECT_NE(r.body.find("has exceeded the allowed maximum of [65536]"), std::string::npos);
  // Many bools with few clauses each also add up.
  std::string many;
  for (int i = 0; i < 1000; ++i) {
    if (i) many += ",";
    many += "{\"bool\": {\"should\": [{\"term\": {\"a\": 1}}, {\"term\": {\"a\": 2}}, {\"term\": {\"a\": 3}}, "
            "{\"term\": {\"a\": 4}}, {\"term\": {\"a\": 5}}, {\"term\": {\"a\": 6}}, {\"term\": {\"a\": 7}}, "
            "{\"term\": {\"a\": 8}}, {\"term\": {\"a\": 9}}, {\"term\": {\"a\": 10}}, {\"term\": {\"a\": 11}}, "
            "{\"term\": {\"a\": 12}}, {\"term\": {\"a\": 13}}, {\"term\": {\"a\": 14}}, {\"term\": {\"a\": 15}}, "
            "{\"term\": {\"a\": 16}}, {\"term\": {\"a\": 17}}]}}";
  }
  r = engine->Search("{\"query\": {\"bool\": {\"should\": [" + many + "]}}}");
  EXPECT_EQ(r.http_status, 400);
  EXPECT_NE(r.body.find("clauses in all"), std::string::npos) << r.body.substr(0, 300);
}

TEST_F(Hostile, SizesAndFroms) {
  for (std::string_view body : {R"({"size": -2})", R"({"from": -2})", R"({"size": "1e400"})", R"({"from": "ten"})",
                                R"({"from": 1e30})", R"({"from": [1]})", R"({"size": {"a": 1}})", R"({"size": null, "from": true})"}) {
    EXPECT_FALSE(Refused(body).empty()) << body;
  }
  EXPECT_EQ(engine_->Search(R"({"size": null})").http_status, 200);
  EXPECT_EQ(engine_->Search(R"({"aggs": []})").http_status, 200);  // falsy: elasticsearch-dsl skips it
}

TEST_F(Hostile, WrongTypesInQueries) {
  for (std::string_view body : {
           R"({"query": {"range": {"download.size": {"gte": {"x": 1}}}}})",
           R"({"query": {"range": {"build.date": {"gte": [1]}}}})",
           R"({"query": {"range": {"build.date": {"gte": "2019-13-45"}}}})",
           R"({"query": {"range": {"build.date": {"gte": "now-1x"}}}})",
           R"({"query": {"range": {"download.size": "big"}}})",
           R"({"query": {"term": {"target.locale": [1, 2]}}})",
           R"({"query": {"term": {"target.locale": {"value": {"a": 1}}}}})",
           R"({"query": {"terms": {"target.locale": "fr"}}})",
           R"({"query": {"match": {"target.locale": {"query": [1]}}}})",
           R"({"query": {"bool": {"must": [1, 2]}}})",
           R"({"query": {"bool": {"must": "nope"}}})",
           R"({"query": {"match_all": []}})",
           R"({"query": {"exists": {"field": 5}}})",
           R"({"query": {"ids": {"values": "3"}}})",
           R"({"query": {"regexp": {"target.locale": "[z-a]"}}})",
           R"({"query": {"wildcard": {"target.locale": null}}})",
           R"({"query": {"query_string": {"query": {"a": 1}}}})",
           R"({"query": {"query_string": {"fields": ["a"]}}})",
           R"({"query": {"query_string": {"query": "x", "default_operator": "maybe"}}})",
           R"({"sort": 5})",
           R"({"sort": [{"download.size": {"missing": {"a": 1}}}]})",
           R"({"_source": 5})",
           R"({"_source": {"includes": [1]}})",
           R"({"highlight": {"fields": 3}})",
           R"({"aggs": {"a": {"terms": []}}})",
           R"({"aggs": {"a": {"terms": {"field": "target.os", "order": {"_count": "sideways"}}}}})",
           R"({"aggs": {"a": {"terms": {"field": "target.os", "include": "(a"}}}})",
           R"({"aggs": {"a": {"date_histogram": {"field": "build.date"}}}})",
           R"({"aggs": {"a": {"range": {"field": "download.size"}}}})",
           R"({"aggs": {"a": {"percentiles": {"field": "download.size", "percents": [101]}}}})",
           R"({"aggs": {"a[0]": {"terms": {"field": "target.os"}}}})",
           R"({"suggest": {"s": {"text": "x", "term": {}}}})",
           R"({"suggest": {"s": {"term": {"field": "a"}}}})",
           R"({"post_filter": 3})",
           R"({"search_after": "x", "sort": "download.size"})",
       }) {
    EXPECT_FALSE(Refused(body).empty()) << body;
  }
}

TEST_F(Hostile, BacktrackingPatternsStayLinear) {
  std::vector<std::string> docs;
  for (int i = 0; i < 200; ++i) {
    DocSpec s;
    s.url = std::string(5000, 'a') + std::to_string(i) + "!";
    s.locale = std::string(3000, 'a');
    docs.push_back(MakeDoc(s));
  }
  auto engine = EngineOf(docs);
  for (std::string_view body : {
           R"({"query": {"regexp": {"download.url": "(a+)+$"}}})",
           R"({"query": {"regexp": {"download.url": "(a|aa)*b"}}})",
           R"({"query": {"regexp": {"download.url": "(.*a){20}"}}})",
           R"({"query": {"wildcard": {"download.url": "*a*a*a*a*a*a*a*a*a*b"}}})",
           R"({"aggs": {"x": {"terms": {"field": "target.locale", "include": "(a+)+$"}}}})",
           R"({"aggs": {"x": {"terms": {"field": "download.url", "include": "(a*)*b", "exclude": "(a|a)*"}}}})",
           R"({"query": {"query_string": {"query": "download.url:/(a+)+b/"}}})",
       }) {
    auto start = std::chrono::steady_clock::now();
    SearchResult r = engine->Search(body);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(secs, 2.0) << body;
    EXPECT_TRUE(r.http_status == 200 || r.http_status == 400) << body;
    EXPECT_TRUE(json::Parse(r.body).ok());
  }
}

TEST_F(Hostile, TimeBudgetIsEnforced) {
  std::vector<std::string> docs;
  for (int i = 0; i < 50000; ++i) {
    DocSpec s;
    s.url = "https://archive.example/pub/" + std::to_string(i * 7919) + "/build.tar.bz2";
    s.build_id = std::to_string(20170000000000LL + i);
    docs.push_back(MakeDoc(s));
  }
  EngineOptions o;
  o.time_budget_ms = 1;
  auto engine = EngineOf(docs, o);
  int refused = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    SearchResult r = engine->Search(R"({"query": {"regexp": {"download.url": ".*(1|3|5|7|9)+.*(2|4|6|8)+.*x?"}},
        "aggs": {"ids": {"terms": {"field": "build.id", "size": 50000, "order": {"m": "desc"}},
                         "aggs": {"m": {"max": {"field": "download.size"}}}}}})");
    if (r.http_status == 400) {
      EXPECT_NE(r.body.find("search took longer than 1 ms"), std::string::npos) << r.body;
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
}

TEST_F(Hostile, RandomMutationsNeverCrash) {
  std::vector<std::string> seeds = {
      R"x({"query": {"bool": {"must": [{"term": {"target.channel": "release"}}], "should": {"range": {"download.size": {"gte": 10}}}}}, "aggs": {"a": {"terms": {"field": "target.version", "order": {"m": "desc"}}, "aggs": {"m": {"avg": {"field": "download.size"}}}}}, "sort": [{"download.date": "desc"}], "size": 3})x",
      R"x({"query": {"query_string": {"query": "firefox* AND (target.version:[60 TO 70} OR -build.id:2019*)", "fields": ["source.product", "target.platform^2"]}}, "highlight": {"fields": {"*": {}}}})x",
      R"x({"aggs": {"h": {"date_histogram": {"field": "build.date", "interval": "month", "min_doc_count": 1}, "aggs": {"t": {"top_hits": {"size": 1, "_source": ["target"]}}}}, "r": {"range": {"field": "download.size", "ranges": [{"to": 5000}]}}}})x",
  };
  std::mt19937 rng(12345);
  const std::string alphabet = "{}[]\":,0123456789-.eE tfnrueals\\/*?~^()";
  int ok = 0, bad = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string body = seeds[i % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      size_t pos = rng() % body.size();
      switch (rng() % 3) {
        case 0: body.erase(pos, 1 + rng() % 3); break;
        case 1: body.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        default: body[pos] = alphabet[rng() % alphabet.size()]; break;
      }
    }
    SearchResult r = engine_->Search(body);
    ASSERT_TRUE(r.http_status == 200 || r.http_status == 400) << body;
    ASSERT_TRUE(json::Parse(r.body).ok()) << body << " => " << r.body;
    (r.http_status == 200 ? ok : bad)++;
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(bad, 0);
  // Still answering normally.
  EXPECT_EQ(Total(SearchOk(*engine_, "{}")), 10);
}

}  // namespace
}  // namespace buildhub::search::testing
