// A running `serve`-like service for the route tests: a real SQLite store in
// a temporary directory with a few builds and rejections, a web root, the
// Router, and the Server on 127.0.0.1 port 0.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/build_hash.h"
#include "core/json.h"
#include "http/router.h"
#include "http/server.h"
#include "http/test_client.h"
#include "search/searcher.h"
#include "store/store.h"
#include "support/fixtures.h"

namespace buildhub::http::testing {

// TEST DOUBLE for the HTTP layer only — it is not a search engine. It records
// the bodies the handlers pass to Searcher::Search() and answers with a
// canned result, so the route tests can check what the HTTP layer sends and
// how it relays the engine's status and body. The real engine over a real
// store is exercised in end_to_end_test.cc.
class RecordingSearcher : public search::Searcher {
 public:
  search::SearchResult Search(std::string_view body) override {
    std::lock_guard lock(mu_);
    bodies_.emplace_back(body);
    return next_;
  }
  int64_t DocumentCount() const override { return document_count_.load(); }
  int64_t LastIndexedId() const override { return last_indexed_id_.load(); }

  void SetNext(int status, std::string body, int64_t total = 0) {
    std::lock_guard lock(mu_);
    next_ = {status, std::move(body), total};
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::string last_body() {
    std::lock_guard lock(mu_);
    return bodies_.empty() ? std::string("<no search>") : bodies_.back();
  }

  std::atomic<int64_t> document_count_{0};
  std::atomic<int64_t> last_indexed_id_{0};

 private:
  std::mutex mu_;
  std::vector<std::string> bodies_;
  search::SearchResult next_{200, R"({"took":1,"timed_out":false,"hits":{"total":0,"max_score":null,"hits":[]}})", 0};
};

// The sample document with a few fields changed, so each build hashes apart.
inline std::string SampleBuild(const std::string& product, const std::string& channel,
                               const std::string& version, const std::string& download_date) {
  auto doc = json::Parse(buildhub::testing::ReadFileOrDie(
      buildhub::testing::SharedReference("samples/valid-buildhub.json")));
  EXPECT_TRUE(doc.ok());
  json::Value v = std::move(*doc);
  v.find("source")->set("product", json::Value::String(product));
  v.find("target")->set("channel", json::Value::String(channel));
  v.find("target")->set("version", json::Value::String(version));
  v.find("download")->set("date", json::Value::String(download_date));
  return json::Write(v);
}

class ServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenStore("sqlite:" + (dir_ / "buildhub.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);

    std::vector<store::NewBuild> builds;
    for (const auto& [product, channel, version, date] :
         std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
             {"firefox", "beta", "61.0b4", "2018-05-10T18:02:17Z"},
             {"firefox", "release", "60.0", "2018-05-01T10:00:00Z"},
             {"devedition", "aurora", "61.0b4rc1", "2018-05-10T18:02:17Z"}}) {
      store::NewBuild b;
      b.build_json = SampleBuild(product, channel, version, date);
      b.build_hash = BuildHash(*json::Parse(b.build_json));
      b.metadata_json = R"({"origin":"test"})";
      b.s3_object_key = "pub/" + product + "/" + version + "/buildhub.json";
      b.s3_object_etag = "etag-" + version;
      builds.push_back(std::move(b));
    }
    std::vector<store::InsertOutcome> outcomes;
    ASSERT_TRUE(store_->InsertBatch(builds, &outcomes).ok());
    ASSERT_EQ(outcomes.size(), 3u);
    first_id_ = outcomes[0].id;

    std::vector<store::Rejection> rejections = {
        {"sqs", "pub/bad/one/buildhub.json", "e1", R"(["download.size: expected integer, got string"])"},
        {"backfill", "pub/bad/two/buildhub.json", "e2", R"(["additional property 'junk' is not allowed"])"},
    };
    ASSERT_TRUE(store_->RecordRejections(rejections).ok());

    searcher_.document_count_ = 3;
    searcher_.last_indexed_id_ = outcomes[2].id;

    web_root_ = dir_ / "web";
    std::filesystem::create_directories(web_root_ / "static" / "js");
    buildhub::testing::WriteFileOrDie(web_root_ / "index.html", kIndexHtml);
    buildhub::testing::WriteFileOrDie(web_root_ / "static" / "js" / "main.8741ee2b.js", "console.log(1);");
    buildhub::testing::WriteFileOrDie(web_root_ / "style.css", "body{}");
    buildhub::testing::WriteFileOrDie(web_root_ / "favicon.ico", std::string("\0\0\1\0", 4));
    buildhub::testing::WriteFileOrDie(web_root_ / "manifest.json", "{\"name\":\"x\"}");
    buildhub::testing::WriteFileOrDie(dir_ / "secret.txt", kSecret);

    context_.searcher = &searcher_;
    context_.store = store_.get();
    context_.web_root = web_root_.string();
    context_.contribute_json_path =
        buildhub::testing::SharedReference("samples/contribute.json").string();
    context_.version.version = "1.2.3";
    context_.version.commit = "abc123";
  }

  // Starts the router and server with context_ as it is now.
  void Start() {
    router_ = std::make_unique<Router>(context_);
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    auto server = Server::Start(options, router_.get());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    port_ = server_->port();
  }

  void TearDown() override {
    if (server_) server_->Stop();
  }

  ClientResponse Get(const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    if (!server_) Start();
    auto r = Fetch(port_, "GET", target, {}, headers);
    EXPECT_TRUE(r.has_value()) << target;
    return r.value_or(ClientResponse{});
  }
  ClientResponse Send(const std::string& method, const std::string& target, const std::string& body = {},
                      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    if (!server_) Start();
    auto r = Fetch(port_, method, target, body, headers);
    EXPECT_TRUE(r.has_value()) << method << " " << target;
    return r.value_or(ClientResponse{});
  }

  static json::Value ParseJson(const std::string& text) {
    auto v = json::Parse(text);
    EXPECT_TRUE(v.ok()) << text;
    return v.ok() ? std::move(*v) : json::Value();
  }

  static constexpr const char* kIndexHtml = "<!doctype html><title>Buildhub</title><div id=root></div>";
  static constexpr const char* kSecret = "TOP-SECRET-OUTSIDE-THE-ROOT";

  buildhub::testing::TempDir dir_;
  std::filesystem::path web_root_;
  std::unique_ptr<store::BuildStore> store_;
  RecordingSearcher searcher_;
  ServiceContext context_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  int64_t first_id_ = 0;
};

}  // namespace buildhub::http::testing
