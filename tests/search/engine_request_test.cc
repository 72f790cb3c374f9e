// Whole requests: every body in reference/queries and every request the web
// page sends (reference/searchkit_requests.txt), with their expected answers
// on the ten-build corpus; the request-level rules (size/from, DSL
// validation, error bodies).
#include <filesystem>

#include "engine_fixture.h"
#include "support/fixtures.h"

namespace buildhub::search::testing {
namespace {

class Requests : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = EngineOf(StandardCorpus()); }
  json::Value Query(const std::string& file) { return SearchOk(*engine_, ReadReference("queries/" + file)); }
  std::unique_ptr<Engine> engine_;
};

TEST_F(Requests, DocsIsOfficialBuildId) {
  json::Value r = Query("docs-is-official-buildid.json");
  EXPECT_EQ(Total(r), 1);
  EXPECT_TRUE(HitIds(r).empty());
  EXPECT_EQ(json::Write(*r.find("hits")->find("max_score")), "0.0");
}

TEST_F(Requests, DocsPlatformsForBuildId) {
  json::Value r = Query("docs-platforms-for-buildid.json");
  EXPECT_EQ(Total(r), 1);
  EXPECT_EQ(json::Write(Agg(r, "platforms")),
            R"({"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"linux-i686","doc_count":1}]})");
}

TEST_F(Requests, DocsRevisionForBuildId) {
  json::Value r = Query("docs-revision-for-buildid.json");
  EXPECT_EQ(HitIds(r), std::vector<std::string>{"7"});
  EXPECT_EQ(r.find("hits")->find("hits")->items()[0].find("_source")->find("source")->find("revision")->text(),
            "abcdef0123456789");
}

TEST_F(Requests, TestSearchAggregationsOnTheCorpus) {
  json::Value r = Query("test-search-aggregations.json");
  EXPECT_EQ(Total(r), 10);
  EXPECT_TRUE(HitIds(r).empty());
  const json::Value& versions = Agg(r, "versions");
  EXPECT_EQ(versions.find("doc_count")->as_int64(), 10);
  EXPECT_EQ(Buckets(*versions.find("target.version")),
            (std::vector<std::pair<std::string, int64_t>>{
                {"68.0b7", 1}, {"61.0b4rc1", 1}, {"61.0b4", 1}, {"60.0.2", 1}, {"60.0.1", 1}, {"60.0", 3}}));
  EXPECT_EQ(versions.find("target.version_count")->find("value")->as_int64(), 8);
}

// The original's test_search_aggregations, on its three builds.
TEST(RequestsOriginal, SearchAggregationsTest) {
  std::vector<std::string> docs;
  for (const char* v : {"60.0.1", "60.0.2", "60.1"}) {
    DocSpec s;
    s.version = v;
    docs.push_back(MakeDoc(s));
  }
  auto engine = EngineOf(docs);
  std::string body = ReadReference("queries/test-search-aggregations.json");
  json::Value r = SearchOk(*engine, body);
  EXPECT_EQ(Total(r), 3);
  EXPECT_TRUE(HitIds(r).empty());
  EXPECT_EQ(Buckets(*Agg(r, "versions").find("target.version")),
            (std::vector<std::pair<std::string, int64_t>>{{"60.1", 1}, {"60.0.2", 1}, {"60.0.1", 1}}));
  size_t at = body.find("\"6.*\"");
  ASSERT_NE(at, std::string::npos);
  body.replace(at, 5, "\"60.0.*\"");
  r = SearchOk(*engine, body);
  EXPECT_EQ(Buckets(*Agg(r, "versions").find("target.version")).size(), 2u);
}

TEST_F(Requests, UiAutosuggestVersions) {
  json::Value r = Query("ui-autosuggest-versions.reconstructed.json");
  EXPECT_EQ(Total(r), 1);  // firefox* 54* -> build 7, post_filter keeps it
  const json::Value& v = Agg(r, "versions2");
  EXPECT_EQ(v.find("doc_count")->as_int64(), 1);
  EXPECT_TRUE(Buckets(*v.find("target.version")).empty());  // include 68.0.*
  EXPECT_EQ(v.find("target.version_count")->find("value")->as_int64(), 1);
}

TEST_F(Requests, UiInitialLoad) {
  json::Value r = Query("ui-initial-load.reconstructed.json");
  EXPECT_EQ(Total(r), 10);
  EXPECT_EQ(HitIds(r), (std::vector<std::string>{"10", "8", "3", "2", "9", "4", "5", "6", "1", "7"}));
  const auto& hits = r.find("hits")->find("hits")->items();
  EXPECT_EQ(json::Write(*hits[0].find("sort")), "[1563313396000]");
  EXPECT_EQ(json::Write(*hits[1].find("sort")), "[1559594986559]");
  EXPECT_TRUE(hits[0].find("_score")->is_null());
  EXPECT_TRUE(r.find("hits")->find("max_score")->is_null());
  for (const auto& h : hits) EXPECT_EQ(h.find("highlight"), nullptr);  // no query, nothing to highlight
  const json::Value& p = Agg(r, "products7");
  EXPECT_EQ(Buckets(*p.find("source.product")),
            (std::vector<std::pair<std::string, int64_t>>{
                {"firefox", 7}, {"devedition", 1}, {"fennec", 1}, {"thunderbird", 1}}));
  EXPECT_EQ(p.find("source.product_count")->find("value")->as_int64(), 4);
}

TEST_F(Requests, UiMainSearch) {
  json::Value r = Query("ui-main-search.reconstructed.json");
  EXPECT_EQ(Total(r), 1);
  EXPECT_TRUE(HitIds(r).empty());  // from 30
  EXPECT_EQ(Buckets(*Agg(r, "products7").find("source.product")),
            (std::vector<std::pair<std::string, int64_t>>{{"firefox", 1}}));
  const json::Value& top = Agg(r, "no_filters_top_hits");
  EXPECT_EQ(top.find("hits")->find("total")->as_int64(), 1);
  const auto& top_hits = top.find("hits")->find("hits")->items();
  ASSERT_EQ(top_hits.size(), 1u);
  EXPECT_EQ(top_hits[0].find("_id")->text(), "7");
  EXPECT_EQ(top_hits[0].find("_source"), nullptr);  // _source: false
  EXPECT_EQ(json::Write(*r.find("suggest")),
            R"({"suggestions":[{"text":"firefox 54","offset":0,"length":10,"options":[]}]})");
}

TEST(RequestsV1Docs, BuildIdsAndLocalesForVersion) {
  std::vector<std::string> docs;
  auto add = [&](const char* product, const char* version, const char* locale, const char* build_id) {
    DocSpec s;
    s.product = product;
    s.version = version;
    s.locale = locale;
    s.build_id = build_id;
    docs.push_back(MakeDoc(s));
  };
  add("firefox", "57.0b9", "en-US", "20171016185129");
  add("firefox", "57.0b9", "fr", "20171016185129");
  add("firefox", "57.0b9", "de", "20171019134531");
  add("fennec", "57.0b9", "it", "20171016185130");
  add("firefox", "58.0", "es", "20180118215408");
  auto engine = EngineOf(docs);
  json::Value r = SearchOk(*engine, ReadReference("queries/v1docs-buildids-for-version.json"));
  EXPECT_EQ(Total(r), 3);
  EXPECT_EQ(Buckets(Agg(r, "build_ids")),
            (std::vector<std::pair<std::string, int64_t>>{{"20171019134531", 1}, {"20171016185129", 2}}));
  r = SearchOk(*engine, ReadReference("queries/v1docs-locales-for-version.json"));
  EXPECT_EQ(Buckets(Agg(r, "locales")),
            (std::vector<std::pair<std::string, int64_t>>{{"de", 1}, {"en-US", 1}, {"fr", 1}}));
}

TEST_F(Requests, V1DocsDeveditionFilter) {
  json::Value r = Query("v1docs-devedition-filter.json");
  EXPECT_EQ(HitIds(r), std::vector<std::string>{"5"});
  // A bool of filters only scores 0.
  EXPECT_EQ(json::Write(*r.find("hits")->find("max_score")), "0.0");
}

TEST_F(Requests, V1DocsPlatformsAgg) {
  json::Value r = Query("v1docs-platforms-agg.json");
  EXPECT_EQ(Buckets(Agg(r, "platforms")),
            (std::vector<std::pair<std::string, int64_t>>{{"win64", 3},
                                                          {"linux-x86_64", 2},
                                                          {"macosx", 2},
                                                          {"android-api-16", 1},
                                                          {"linux-i686", 1},
                                                          {"win32", 1}}));
}

// ------------------------------------------------------------------- 400s

TEST_F(Requests, BadAggregationKeys) {
  json::Value e = SearchError(*engine_, ReadReference("queries/test-bad-aggregation-keys.400.json"));
  EXPECT_EQ(json::Write(e), R"({"error":"DSL class `date` does not exist in agg."})");
}

TEST_F(Requests, InvalidFromPlusSize) {
  json::Value e = SearchError(*engine_, ReadReference("queries/test-invalid-from-plus-size.400.json"));
  EXPECT_EQ(e.find("error")->text(),
            "Result window is too large, from + size must be less than or equal to: [10000] but was [11000]. "
            "See the scroll api for a more efficient way to request large data sets. This limit can be set by "
            "changing the [index.max_result_window] index level setting.");
}

TEST_F(Requests, EmptyFilter) {
  json::Value e = SearchError(*engine_, ReadReference("queries/test-search-empty-filter.400.json"));
  EXPECT_EQ(e.find("error")->text(),
            "Q() can only accept dict with a single query ({\"match\": {...}}). Instead it got ({})");
}

TEST_F(Requests, RequestErrorHasTheElasticsearchBody) {
  SearchResult r = engine_->Search(ReadReference("queries/test-search-requesterror.400.json"));
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.body,
            R"({"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"field name is null or empty"}],)"
            R"("type":"illegal_argument_exception","reason":"field name is null or empty"},"status":400})");
}

TEST_F(Requests, UnboundSize) {
  json::Value e = SearchError(*engine_, ReadReference("queries/test-search-unbound-size.400.json"));
  EXPECT_EQ(json::Write(e), R"x({"error":"Search size too large (1001)"})x");
}

TEST_F(Requests, EveryReferenceQueryFile) {
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(buildhub::testing::SharedReference("queries"))) {
    std::string name = entry.path().filename().string();
    std::string body = buildhub::testing::ReadFileOrDie(entry.path());
    SearchResult r = engine_->Search(body);
    bool bad = name.find(".400.") != std::string::npos;
    EXPECT_EQ(r.http_status, bad ? 400 : 200) << name << " => " << r.body;
    auto parsed = json::Parse(r.body);
    ASSERT_TRUE(parsed.ok()) << name;
    if (!bad) EXPECT_TRUE(parsed->find("hits")->find("total")->is_integer_literal()) << name;
    ++seen;
  }
  EXPECT_GE(seen, 16u);
}

// --------------------------------------------------------- the web page

std::vector<std::pair<std::string, std::string>> SearchkitBodies() {
  std::string text = ReadReference("searchkit_requests.txt");
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while ((pos = text.find("### ", pos)) != std::string::npos) {
    size_t eol = text.find('\n', pos);
    std::string title = text.substr(pos + 4, eol - pos - 4);
    size_t next = text.find("\n### ", eol);
    std::string body = text.substr(eol + 1, next == std::string::npos ? std::string::npos : next - eol - 1);
    out.emplace_back(title, body);
    pos = eol;
  }
  return out;
}

TEST_F(Requests, EverySearchkitRequestAnswers) {
  auto bodies = SearchkitBodies();
  ASSERT_EQ(bodies.size(), 5u);
  for (const auto& [title, body] : bodies) {
    auto req = json::Parse(body);
    ASSERT_TRUE(req.ok()) << title;
    json::Value r = SearchOk(*engine_, body);
    EXPECT_TRUE(r.find("hits")->find("total")->is_integer_literal()) << title;
    for (const auto& [name, agg] : req->find("aggs")->members()) {
      EXPECT_NE(r.find("aggregations")->find(name), nullptr) << title << ": " << name;
      if (const json::Value* subs = agg.find("aggs")) {
        for (const auto& [sub, unused] : subs->members()) {
          EXPECT_NE(r.find("aggregations")->find(name)->find(sub), nullptr) << title << ": " << sub;
        }
      }
    }
    if (req->find("suggest") != nullptr) EXPECT_NE(r.find("suggest"), nullptr) << title;
  }
}

TEST_F(Requests, SearchkitSocorroLink) {
  json::Value r = SearchOk(*engine_, SearchkitBodies()[1].second);
  EXPECT_EQ(Total(r), 0);  // build 7 is on release, the filter asks for nightly
  EXPECT_TRUE(Buckets(*Agg(r, "products7").find("source.product")).empty());
  const json::Value& top = Agg(r, "no_filters_top_hits");
  EXPECT_EQ(top.find("hits")->find("total")->as_int64(), 1);
  EXPECT_EQ(top.find("hits")->find("hits")->items()[0].find("_id")->text(), "7");
  EXPECT_EQ(json::Write(*r.find("suggest")),
            R"({"suggestions":[{"text":"20170713200529","offset":0,"length":14,"options":[]}]})");
}

TEST_F(Requests, SearchkitPollbotLinkPageTwo) {
  json::Value r = SearchOk(*engine_, SearchkitBodies()[2].second);
  EXPECT_EQ(Total(r), 1);
  EXPECT_TRUE(HitIds(r).empty());
  EXPECT_EQ(Buckets(*Agg(r, "products7").find("source.product")),
            (std::vector<std::pair<std::string, int64_t>>{{"firefox", 1}}));
}

TEST_F(Requests, SearchkitQueryStringModeHighlights) {
  json::Value r = SearchOk(*engine_, SearchkitBodies()[3].second);
  EXPECT_EQ(HitIds(r), (std::vector<std::string>{"10", "8"}));
  const auto& hits = r.find("hits")->find("hits")->items();
  EXPECT_EQ(json::Write(*hits[0].find("highlight")), R"({"build.id":["<em>20190716214316</em>"]})");
  EXPECT_EQ(json::Write(*hits[1].find("highlight")), R"({"build.id":["<em>20190603181408</em>"]})");
  EXPECT_EQ(Buckets(*Agg(r, "products7").find("source.product")),
            (std::vector<std::pair<std::string, int64_t>>{{"firefox", 2}}));
}

TEST_F(Requests, SearchkitVersionAutosuggest) {
  json::Value r = SearchOk(*engine_, SearchkitBodies()[4].second);
  EXPECT_EQ(Total(r), 7);
  EXPECT_EQ(Buckets(*Agg(r, "versions2").find("target.version")),
            (std::vector<std::pair<std::string, int64_t>>{{"60.0.2", 1}, {"60.0.1", 1}, {"60.0", 1}}));
  EXPECT_EQ(Agg(r, "versions2").find("target.version_count")->find("value")->as_int64(), 7);
}

TEST_F(Requests, PageSearchBoxHighlightsEveryMatchedField) {
  json::Value r = SearchOk(*engine_, R"({"query": {"query_string": {"query": "firefox* 54*",
      "fields": ["source.product", "target.channel^1.2", "target.version^10", "target.locale^3",
                 "target.platform^2", "build.id"], "analyzer": "standard", "default_operator": "AND",
      "analyze_wildcard": true, "lenient": true}},
      "highlight": {"fields": {"source.product": {}, "target.channel": {}, "target.version": {},
                               "target.locale": {}, "target.platform": {}, "build.id": {}}}})");
  ASSERT_EQ(HitIds(r), std::vector<std::string>{"7"});
  EXPECT_EQ(json::Write(*r.find("hits")->find("hits")->items()[0].find("highlight")),
            R"({"source.product":["<em>firefox</em>"],"target.version":["<em>54.0</em>"]})");
  // Scores: 1 (product) + 10 (version boost) under dis_max per term.
  EXPECT_EQ(json::Write(*r.find("hits")->find("max_score")), "11.0");
}

// ------------------------------------------------------ size and from

TEST_F(Requests, SizeRules) {
  EXPECT_EQ(HitIds(SearchOk(*engine_, R"({"size": "3"})")).size(), 3u);
  EXPECT_EQ(HitIds(SearchOk(*engine_, R"({"size": "0"})")).size(), 0u);
  EXPECT_EQ(HitIds(SearchOk(*engine_, R"({"size": -1})")).size(), 10u);
  EXPECT_EQ(HitIds(SearchOk(*engine_, R"({"size": 2.7})")).size(), 2u);
  EXPECT_EQ(HitIds(SearchOk(*engine_, R"({"size": 1000})")).size(), 10u);
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"size": 1001.5})")), "Search size too large (1001.5)");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"size": "abc"})")),
            "invalid literal for int() with base 10: 'abc'");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"size": [1]})")),
            "int() argument must be a string, a bytes-like object or a number, not 'list'");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"size": -5})")),
            "[size] parameter cannot be negative, found [-5]");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"size": 99999999999999999999})")),
            "Search size too large (99999999999999999999)");
}

TEST_F(Requests, FromRules) {
  EXPECT_EQ(HitIds(SearchOk(*engine_, R"({"from": "8"})")), (std::vector<std::string>{"9", "10"}));
  EXPECT_EQ(HitIds(SearchOk(*engine_, R"({"from": -1, "size": 1})")), std::vector<std::string>{"1"});
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"from": -3})")),
            "[from] parameter cannot be negative, found [-3]");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"from": "x"})")), "For input string: \"x\"");
  std::string e = ErrorMessage(SearchError(*engine_, R"({"from": 9995, "size": 10})"));
  EXPECT_EQ(e.rfind("Result window is too large, from + size must be less than or equal to: [10000] but was [10005].", 0),
            0u)
      << e;
  EXPECT_TRUE(HitIds(SearchOk(*engine_, R"({"from": 9990, "size": 10})")).empty());
}

// ------------------------------------------------------- DSL validation

TEST_F(Requests, DslMessages) {
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"query": {}})")),
            "Q() can only accept dict with a single query ({\"match\": {...}}). Instead it got ({})");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_,
                                     R"({"query": {"term": {"a": "b"}, "match": {"c": 1.50, "d": [true, null]}}})")),
            "Q() can only accept dict with a single query ({\"match\": {...}}). Instead it got "
            "({'term': {'a': 'b'}, 'match': {'c': 1.5, 'd': [True, None]}})");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"query": {"foo": {}}})")),
            "DSL class `foo` does not exist in query.");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"post_filter": {"bool": {"must": {"bar": {}}}}})")),
            "DSL class `bar` does not exist in query.");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"query": {"constant_score": {"filter": {"x": 1, "y": 2}}}})")),
            "Q() can only accept dict with a single query ({\"match\": {...}}). Instead it got ({'x': 1, 'y': 2})");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"aggs": {"a": {"terms": {"field": "x"}, "max": {"field": "y"}}}})")),
            "A() can only accept dict with an aggregation ({\"terms\": {...}}). Instead it got "
            "({'terms': {'field': 'x'}, 'max': {'field': 'y'}})");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"aggs": {"a": {"meta": {}, "aggs": {}}}})")),
            "A() can only accept dict with an aggregation ({\"terms\": {...}}). Instead it got "
            "({'meta': {}, 'aggs': {}})");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"aggs": {"a": {"filter": {"term": {"x": "y"}},
                                                  "aggs": {"b": {"nope": {}}}}}})")),
            "DSL class `nope` does not exist in agg.");
  // The DSL only checks what it knows: a filter aggregation's query goes to ES.
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"aggs": {"a": {"filter": {"nope": {}}}}})")),
            "no [query] registered for [nope]");
  // Quotes in reprs follow Python.
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"query": {"a": "it's", "b": "x"}})")),
            "Q() can only accept dict with a single query ({\"match\": {...}}). Instead it got "
            "({'a': \"it's\", 'b': 'x'})");
}

TEST_F(Requests, ElasticsearchParseErrors) {
  json::Value e = SearchError(*engine_, R"({"foo": 1})");
  EXPECT_EQ(ErrorMessage(e), "Unknown key for a VALUE_NUMBER in [foo].");
  EXPECT_EQ(e.find("error")->find("type")->text(), "parsing_exception");
  EXPECT_EQ(e.find("status")->as_int64(), 400);
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"query": {"term": {"a": "b", "c": "d"}}})")),
            "[term] query doesn't support multiple fields, found [a] and [c]");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"query": {"bool": {"must": {"term": {"x": 1}}, "nope": 1}}})")),
            "[bool] query does not support [nope]");
}

TEST_F(Requests, MalformedBodies) {
  EXPECT_EQ(json::Write(SearchError(*engine_, "}not valid JSON{")),
            R"x({"error":"Expecting value: line 1 column 1 (char 0)"})x");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, "[1]")), "the search body must be a JSON object, not array");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, "5")), "the search body must be a JSON object, not number");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, "\"x\"")), "the search body must be a JSON object, not string");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, "{\"size\": 1")),
            "Expecting ',' delimiter: line 1 column 11 (char 10)");
}

TEST_F(Requests, QueryAsADslNameString) {
  // elasticsearch-dsl's Q("match_all").
  EXPECT_EQ(Total(SearchOk(*engine_, R"({"query": "match_all"})")), 10);
}

TEST_F(Requests, AggregationsKeyAndAggsKey) {
  json::Value r = SearchOk(*engine_, R"({"size": 0, "aggregations": {"p": {"terms": {"field": "target.os"}}}})");
  EXPECT_EQ(Buckets(Agg(r, "p")).size(), 4u);
  // Both given: `aggs` wins (elasticsearch-dsl pops both).
  r = SearchOk(*engine_, R"({"size": 0, "aggregations": {"x": {"terms": {"field": "target.os"}}},
                            "aggs": {"y": {"terms": {"field": "target.os"}}}})");
  EXPECT_TRUE(Agg(r, "x").is_null());
  EXPECT_FALSE(Agg(r, "y").is_null());
}

TEST_F(Requests, AcceptedTopLevelOptions) {
  json::Value r = SearchOk(*engine_, R"({"timeout": "10s", "track_total_hits": true, "version": true,
      "stored_fields": ["_source"], "explain": false, "size": 1})");
  EXPECT_EQ(r.find("hits")->find("hits")->items()[0].find("_version")->as_int64(), 1);
  r = SearchOk(*engine_, R"({"track_total_hits": false, "size": 1})");
  EXPECT_EQ(Total(r), -1);
  r = SearchOk(*engine_, R"({"stored_fields": "_none_", "size": 1})");
  EXPECT_EQ(r.find("hits")->find("hits")->items()[0].find("_source"), nullptr);
  r = SearchOk(*engine_, R"({"docvalue_fields": ["target.version", "download.size", "build.date"],
                            "query": {"ids": {"values": ["7"]}}})");
  EXPECT_EQ(json::Write(*r.find("hits")->find("hits")->items()[0].find("fields")),
            R"({"target.version":["54.0"],"download.size":[6000],"build.date":[1499976329000]})");
  EXPECT_EQ(ErrorMessage(SearchError(*engine_, R"({"script_fields": {"a": {"script": "1"}}})")),
            "script_fields are not supported: this service does not run scripts");
}

}  // namespace
}  // namespace buildhub::search::testing
