// End to end: the real search engine over a real SQLite store, behind the
// Router and the Server, over loopback.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/build_hash.h"
#include "core/json.h"
#include "http/router.h"
#include "http/server.h"
#include "http/test_client.h"
#include "search/searcher.h"
#include "store/store.h"
#include "support/fixtures.h"

namespace buildhub::http {
namespace {

json::Value Parse(const std::string& text) {
  auto v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? std::move(*v) : json::Value();
}

std::string Build(const std::string& product, const std::string& channel, const std::string& platform,
                  const std::string& build_id, const std::string& download_date) {
  json::Value v = Parse(buildhub::testing::ReadFileOrDie(
      buildhub::testing::SharedReference("samples/valid-buildhub.json")));
  v.find("source")->set("product", json::Value::String(product));
  v.find("target")->set("channel", json::Value::String(channel));
  v.find("target")->set("platform", json::Value::String(platform));
  v.find("build")->set("id", json::Value::String(build_id));
  v.find("download")->set("date", json::Value::String(download_date));
  return json::Write(v);
}

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenStore("sqlite:" + (dir_ / "buildhub.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    Insert(Build("firefox", "nightly", "linux-x86_64", "20170713200529", "2017-07-13T21:00:00Z"));
    Insert(Build("firefox", "nightly", "win64", "20170713200529", "2017-07-13T22:00:00Z"));
    Insert(Build("firefox", "nightly", "macosx", "20170713200529", "2017-07-13T23:00:00Z"));
    Insert(Build("firefox", "beta", "win64", "20180510160705", "2018-05-10T18:00:00Z"));
    Insert(Build("firefox", "beta", "win64", "20180517141400", "2018-05-17T15:00:00Z"));

    auto engine = search::OpenSearchEngine(store_.get());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);

    ServiceContext context;
    context.searcher = engine_.get();
    context.store = store_.get();
    router_ = std::make_unique<Router>(context);
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    auto server = Server::Start(options, router_.get());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  int64_t Insert(const std::string& build_json) {
    store::NewBuild b;
    b.build_json = build_json;
    b.build_hash = BuildHash(Parse(build_json));
    std::vector<store::InsertOutcome> outcomes;
    EXPECT_TRUE(store_->InsertBatch({&b, 1}, &outcomes).ok());
    return outcomes.empty() ? 0 : outcomes[0].id;
  }

  // As `curl -d` sends it, the way the original's docs query the API.
  testing::ClientResponse Post(const std::string& target, const std::string& body) {
    auto r = testing::Fetch(server_->port(), "POST", target, body,
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_TRUE(r.has_value());
    return r.value_or(testing::ClientResponse{});
  }
  testing::ClientResponse Get(const std::string& target) {
    auto r = testing::Fetch(server_->port(), "GET", target);
    EXPECT_TRUE(r.has_value());
    return r.value_or(testing::ClientResponse{});
  }

  buildhub::testing::TempDir dir_;
  std::unique_ptr<store::BuildStore> store_;
  std::unique_ptr<search::SearchEngine> engine_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Server> server_;
};

// The documented client questions (reference §11), as curl -d sends them.
TEST_F(EndToEndTest, DocumentedQueriesOverHttp) {
  auto total = Post("/api/search", R"({"size": 0, "query": {"term": {"build.id": "20170713200529"}}})");
  ASSERT_EQ(total.status, 200) << total.body;
  json::Value v = Parse(total.body);
  ASSERT_TRUE(v.find("hits")->find("total")->is_number());
  EXPECT_EQ(v.find("hits")->find("total")->as_int64(), 3);

  auto platforms = Post("/api/search",
                        R"({"size": 0, "query": {"term": {"build.id": "20170713200529"}}, )"
                        R"("aggs": {"platforms": {"terms": {"field": "target.platform"}}}})");
  ASSERT_EQ(platforms.status, 200) << platforms.body;
  json::Value p = Parse(platforms.body);
  EXPECT_EQ(p.find("aggregations")->find("platforms")->find("buckets")->items().size(), 3u);

  auto bad = Post("/api/search", "}not valid JSON{");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Parse(bad.body).find("error")->text(), "Expecting value: line 1 column 1 (char 0)");

  auto legacy = Post("/v1/buckets/build-hub/collections/releases/search",
                     R"({"size": 0, "query": {"term": {"build.id": "20170713200529"}}})");
  EXPECT_EQ(Parse(legacy.body).find("hits")->find("total")->as_int64(), 3);

  auto uri = Get("/v1/buckets/build-hub/collections/releases/search?q=build.id:20180510160705");
  ASSERT_EQ(uri.status, 200) << uri.body;
  EXPECT_EQ(Parse(uri.body).find("hits")->find("total")->as_int64(), 1);

  auto get = Get("/api/search");
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(Parse(get.body).find("hits")->find("total")->as_int64(), 5);
}

TEST_F(EndToEndTest, LatestAndRecords) {
  auto latest = Get("/api/latest?product=firefox&channel=beta&platform=win64");
  ASSERT_EQ(latest.status, 200) << latest.body;
  json::Value v = Parse(latest.body);
  EXPECT_EQ(v.find("build")->find("id")->text(), "20180517141400");
  auto record = Get("/api/records/" + std::to_string(v.find("id")->as_int64().value_or(0)));
  ASSERT_EQ(record.status, 200);
  EXPECT_EQ(Parse(record.body).find("build")->find("id")->text(), "20180517141400");
  EXPECT_EQ(Get("/api/latest?product=thunderbird").status, 404);
  EXPECT_EQ(Get("/api/records").body, "{\"builds\": {\"total\": 5}}");
}

TEST_F(EndToEndTest, HeartbeatFollowsTheIndex) {
  EXPECT_EQ(Get("/__heartbeat__").status, 200);
  EXPECT_EQ(Parse(Get("/__heartbeat__").body).find("status")->text(), "ok");
  Insert(Build("firefox", "release", "linux", "20180601000000", "2018-06-01T00:00:00Z"));
  EXPECT_EQ(Parse(Get("/__heartbeat__").body).find("status")->text(), "warning");
  ASSERT_TRUE(engine_->CatchUp().ok());
  EXPECT_EQ(Parse(Get("/__heartbeat__").body).find("status")->text(), "ok");
  auto found = Post("/api/search", R"({"query": {"term": {"build.id": "20180601000000"}}})");
  EXPECT_EQ(Parse(found.body).find("hits")->find("total")->as_int64(), 1);
}

}  // namespace
}  // namespace buildhub::http
