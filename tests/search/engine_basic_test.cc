// The engine end to end on the ten-build corpus: response shape, hits,
// _source as stored, ids, counts.
#include "engine_fixture.h"

namespace buildhub::search::testing {
namespace {

class EngineBasic : public ::testing::Test {
 protected:
  void SetUp() override {
    docs_ = StandardCorpus();
    engine_ = EngineOf(docs_);
  }
  std::vector<std::string> docs_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineBasic, EmptyBodyIsMatchAllWithTenHits) {
  for (std::string_view body : {"", "{}", "null", "[]", "0", "\"\"", "false"}) {
    json::Value r = SearchOk(*engine_, body);
    EXPECT_EQ(Total(r), 10) << body;
    EXPECT_EQ(HitIds(r).size(), 10u) << body;
  }
}

TEST_F(EngineBasic, ResponseShapeIsElasticsearch6) {
  SearchResult raw = engine_->Search(R"({"size": 1})");
  ASSERT_EQ(raw.http_status, 200);
  EXPECT_EQ(raw.total_hits, 10);
  // Key order as ES writes it.
  EXPECT_EQ(raw.body.rfind("{\"took\":", 0), 0u) << raw.body;
  EXPECT_NE(raw.body.find(",\"timed_out\":false,\"_shards\":{\"total\":5,\"successful\":5,\"skipped\":0,\"failed\":0},"
                          "\"hits\":{\"total\":10,\"max_score\":1.0,\"hits\":[{\"_index\":\"buildhub2\",\"_type\":"
                          "\"doc\",\"_id\":\"1\",\"_score\":1.0,\"_source\":{\"id\":1,\"build\":"),
            std::string::npos)
      << raw.body;
  json::Value r = SearchOk(*engine_, R"({"size": 1})");
  ASSERT_TRUE(r.find("took")->is_integer_literal());
}

TEST_F(EngineBasic, SourceIsTheStoredDocumentWithTheId) {
  json::Value r = SearchOk(*engine_, R"({"size": 10})");
  const auto& hits = r.find("hits")->find("hits")->items();
  ASSERT_EQ(hits.size(), 10u);
  for (size_t i = 0; i < hits.size(); ++i) {
    std::string expected = "{\"id\":" + std::to_string(i + 1) + "," + docs_[i].substr(1);
    EXPECT_EQ(json::Write(*hits[i].find("_source")), expected);
  }
  // Byte for byte in the raw body too.
  SearchResult raw = engine_->Search(R"({"size": 1})");
  EXPECT_NE(raw.body.find("\"_source\":{\"id\":1," + docs_[0].substr(1) + "}"), std::string::npos);
}

TEST_F(EngineBasic, TermFilterCountsAndIds) {
  json::Value r = SearchOk(*engine_, R"({"query": {"term": {"target.channel": "beta"}}})");
  EXPECT_EQ(Total(r), 2);
  EXPECT_EQ(HitIds(r), (std::vector<std::string>{"4", "8"}));
  r = SearchOk(*engine_, R"({"query": {"term": {"source.product": "Firefox"}}})");
  EXPECT_EQ(Total(r), 0);  // keyword: case-sensitive
}

TEST_F(EngineBasic, DocumentCountAndLastId) {
  EXPECT_EQ(engine_->DocumentCount(), 10);
  EXPECT_EQ(engine_->LastIndexedId(), 10);
}

TEST(EngineEmpty, AnswersWithNoDocuments) {
  auto engine = NewEngine();
  json::Value r = SearchOk(*engine, R"({"query": {"term": {"target.channel": "beta"}}, "sort": [{"download.date": "desc"}],
      "aggs": {"c": {"terms": {"field": "target.channel"}}, "h": {"date_histogram": {"field": "build.date",
      "interval": "day"}}, "m": {"max": {"field": "download.size"}}}})");
  EXPECT_EQ(Total(r), 0);
  EXPECT_TRUE(r.find("hits")->find("max_score")->is_null());
  EXPECT_TRUE(Buckets(Agg(r, "c")).empty());
  EXPECT_TRUE(Buckets(Agg(r, "h")).empty());
  EXPECT_EQ(json::Write(Agg(r, "m")), R"({"value":null})");
  EXPECT_EQ(engine->DocumentCount(), 0);
  EXPECT_EQ(engine->LastIndexedId(), 0);
  EXPECT_TRUE(engine->CatchUp().ok());  // no store: nothing to read
}

}  // namespace
}  // namespace buildhub::search::testing
