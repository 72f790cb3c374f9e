// Every route and cross-cutting header, over real sockets, against a real
// SQLite store. Search answers come from RecordingSearcher (a test double for
// the HTTP layer only; see service_fixture.h).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "core/log.h"
#include "core/metrics.h"
#include "http/service_fixture.h"

namespace buildhub::http {
namespace {

using testing::ClientResponse;
using RoutesTest = testing::ServiceFixture;

constexpr const char* kCsp =
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
    "worker-src 'none'; frame-src 'none'; block-all-mixed-content";

void ExpectSecurityHeaders(const ClientResponse& r) {
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.Header("X-XSS-Protection"), "1; mode=block");
  EXPECT_EQ(r.Header("X-Frame-Options"), "SAMEORIGIN");
  EXPECT_TRUE(r.HasHeader("Content-Length"));
  EXPECT_FALSE(r.HasHeader("Server"));
  EXPECT_FALSE(r.HasHeader("Transfer-Encoding"));
}

// ---------------------------------------------------------------- /api/search

TEST_F(RoutesTest, SearchPostPassesTheBodyAndRelaysTheAnswer) {
  searcher_.SetNext(200, R"({"took":1,"hits":{"total":7,"hits":[]}})", 7);
  int64_t before = metrics::Global().CounterValue("api_search_requests");
  auto r = Send("POST", "/api/search", R"({"size": 0, "query": {"term": {"build.id": "20170713200529"}}})",
                {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"took":1,"hits":{"total":7,"hits":[]}})");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(searcher_.last_body(), R"({"size": 0, "query": {"term": {"build.id": "20170713200529"}}})");
  EXPECT_EQ(metrics::Global().CounterValue("api_search_requests"), before + 1);
  std::string prometheus = metrics::Global().PrometheusText();
  EXPECT_NE(prometheus.find("api_search_records"), std::string::npos) << prometheus;
  EXPECT_NE(prometheus.find("api_search"), std::string::npos);
  ExpectSecurityHeaders(r);
}

TEST_F(RoutesTest, SearchRelaysErrorsWithTheirStatus) {
  searcher_.SetNext(400, R"js({"error": "Search size too large (1001)"})js");
  auto r = Send("POST", "/api/search", R"({"size": 1001})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"js({"error": "Search size too large (1001)"})js");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
}

TEST_F(RoutesTest, OtherMethodsRunTheDefaultSearchWithAnEmptyBody) {
  for (const char* method : {"GET", "PUT", "DELETE", "PATCH", "OPTIONS", "PURGE"}) {
    auto r = Send(method, "/api/search", "{\"query\": {\"match_none\": {}}}");
    EXPECT_EQ(r.status, 200) << method;
    EXPECT_EQ(searcher_.last_body(), "") << method;
  }
  testing::TestClient client(port_);
  auto head = client.Request("HEAD", "/api/search");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(searcher_.last_body(), "");
  const std::string canned = R"({"took":1,"timed_out":false,"hits":{"total":0,"max_score":null,"hits":[]}})";
  EXPECT_EQ(head->Header("Content-Length"), std::to_string(canned.size()));
}

TEST_F(RoutesTest, SearchWithATrailingSlashIsStillTheSearch) {
  auto r = Send("POST", "/api/search/", "{\"size\": 1}");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(searcher_.last_body(), "{\"size\": 1}");
}

TEST_F(RoutesTest, SearchWithoutAnEngineIs503) {
  context_.searcher = nullptr;
  auto r = Send("POST", "/api/search", "{}");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(ParseJson(r.body).find("error")->text(), "Search is not available");
}

// ---------------------------------------------------------------- legacy v1

TEST_F(RoutesTest, V1SearchPathIsAnsweredDirectlyNotRedirected) {
  auto r = Send("POST", "/v1/buckets/build-hub/collections/releases/search", "{\"size\": 3}");
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.HasHeader("Location"));
  EXPECT_EQ(searcher_.last_body(), "{\"size\": 3}");
  // Any suffix matches, as the original's regex had no '$'.
  Send("POST", "/v1/buckets/build-hub/collections/releases/search/extra", "{\"size\": 4}");
  EXPECT_EQ(searcher_.last_body(), "{\"size\": 4}");
}

TEST_F(RoutesTest, V1UriSearchTurnsQIntoAQueryString) {
  auto r = Get("/v1/buckets/build-hub/collections/releases/search?q=build.id:2018*+AND+target.locale:fr&size=5");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(searcher_.last_body(),
            R"({"query":{"query_string":{"query":"build.id:2018* AND target.locale:fr"}},"size":5})");
  Get("/v1/buckets/build-hub/collections/releases/search");
  EXPECT_EQ(searcher_.last_body(), "");
  auto bad = Get("/v1/buckets/build-hub/collections/releases/search?size=lots");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("size"), std::string::npos);
  auto bad_escape = Get("/v1/buckets/build-hub/collections/releases/search?q=%ff");
  EXPECT_EQ(bad_escape.status, 400);
}

// ---------------------------------------------------------------- records

TEST_F(RoutesTest, RecordsCountsTheStore) {
  auto r = Get("/api/records");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"builds\": {\"total\": 3}}");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(Get("/api/records/").body, "{\"builds\": {\"total\": 3}}");
}

TEST_F(RoutesTest, RecordByIdIsTheSourceShapePlusMeta) {
  auto r = Get("/api/records/" + std::to_string(first_id_));
  ASSERT_EQ(r.status, 200) << r.body;
  json::Value v = ParseJson(r.body);
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.members()[0].first, "id");
  EXPECT_EQ(v.find("id")->as_int64(), first_id_);
  EXPECT_EQ(v.find("source")->find("product")->text(), "firefox");
  EXPECT_EQ(v.find("target")->find("version")->text(), "61.0b4");
  EXPECT_EQ(v.find("download")->find("date")->text(), "2018-05-10T18:02:17Z");
  EXPECT_EQ(v.find("build")->find("id")->text(), "20180510160705");
  const json::Value* meta = v.find("_meta");
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->find("build_hash")->text().substr(0, 3), "v1:");
  EXPECT_EQ(meta->find("s3_object_key")->text(), "pub/firefox/61.0b4/buildhub.json");
  EXPECT_EQ(meta->find("s3_object_etag")->text(), "etag-61.0b4");
  EXPECT_FALSE(meta->find("created_at")->text().empty());
  EXPECT_EQ(meta->find("metadata")->find("origin")->text(), "test");
}

TEST_F(RoutesTest, UnknownAndInvalidRecordIds) {
  auto missing = Get("/api/records/999999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "{\"error\": \"Build 999999 not found\"}");
  for (const char* bad : {"/api/records/abc", "/api/records/-1", "/api/records/0", "/api/records/1.5",
                          "/api/records/99999999999999999999", "/api/records/%2e%2e", "/api/records/1/2",
                          "/api/records/%ff"}) {
    auto r = Get(bad);
    EXPECT_EQ(r.status, 400) << bad;
    json::Value v = ParseJson(r.body);
    ASSERT_NE(v.find("error"), nullptr) << bad;
    EXPECT_NE(v.find("error")->text().find("Invalid build id"), std::string::npos) << r.body;
  }
  EXPECT_EQ(Send("POST", "/api/records/1").status, 405);
}

// ---------------------------------------------------------------- rejected

TEST_F(RoutesTest, RejectedListsFilesWithReasons) {
  auto r = Get("/api/rejected");
  ASSERT_EQ(r.status, 200) << r.body;
  json::Value v = ParseJson(r.body);
  EXPECT_EQ(v.find("total")->as_int64(), 2);
  EXPECT_EQ(v.find("limit")->as_int64(), 50);
  EXPECT_EQ(v.find("offset")->as_int64(), 0);
  const auto& items = v.find("rejected")->items();
  ASSERT_EQ(items.size(), 2u);
  bool saw_sqs = false;
  for (const auto& item : items) {
    for (const char* key : {"id", "source", "key", "etag", "errors", "rejected_at", "last_seen_at", "attempts"}) {
      EXPECT_NE(item.find(key), nullptr) << key;
    }
    EXPECT_TRUE(item.find("errors")->is_array());
    if (item.find("source")->text() == "sqs") {
      saw_sqs = true;
      EXPECT_EQ(item.find("key")->text(), "pub/bad/one/buildhub.json");
      EXPECT_EQ(item.find("etag")->text(), "e1");
      EXPECT_EQ(item.find("errors")->items()[0].text(), "download.size: expected integer, got string");
      EXPECT_EQ(item.find("attempts")->as_int64(), 1);
    }
  }
  EXPECT_TRUE(saw_sqs);
}

TEST_F(RoutesTest, RejectedPagesAndValidatesParameters) {
  json::Value page = ParseJson(Get("/api/rejected?limit=1&offset=1").body);
  EXPECT_EQ(page.find("total")->as_int64(), 2);
  EXPECT_EQ(page.find("rejected")->items().size(), 1u);
  json::Value past = ParseJson(Get("/api/rejected?offset=10").body);
  EXPECT_EQ(past.find("rejected")->items().size(), 0u);
  json::Value capped = ParseJson(Get("/api/rejected?limit=100000000").body);
  EXPECT_EQ(capped.find("limit")->as_int64(), 1000);
  json::Value none = ParseJson(Get("/api/rejected?limit=0").body);
  EXPECT_EQ(none.find("rejected")->items().size(), 0u);
  for (const char* bad : {"/api/rejected?limit=abc", "/api/rejected?limit=-1", "/api/rejected?offset=1e3",
                          "/api/rejected?limit=%zz"}) {
    auto r = Get(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(ParseJson(r.body).find("error"), nullptr);
  }
}

// ---------------------------------------------------------------- latest

TEST_F(RoutesTest, LatestAsksForTheNewestMatchingBuild) {
  searcher_.SetNext(200,
                    R"({"hits":{"total":2,"hits":[{"_id":"2","_source":{"id":2,"build":{"id":"x"},"target":{"channel":"beta"}}}]}})",
                    2);
  auto r = Get("/api/latest?product=firefox&channel=beta&platform=macosx&locale=en-US");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"id":2,"build":{"id":"x"},"target":{"channel":"beta"}})");
  EXPECT_EQ(searcher_.last_body(),
            R"({"size":1,"query":{"bool":{"filter":[{"term":{"source.product":"firefox"}},)"
            R"({"term":{"target.channel":"beta"}},{"term":{"target.platform":"macosx"}},)"
            R"({"term":{"target.locale":"en-US"}}]}},"sort":[{"download.date":"desc"},{"build.date":"desc"}]})");
  // A repeated parameter means any of its values.
  Get("/api/latest?platform=win64&platform=win32");
  EXPECT_EQ(searcher_.last_body(),
            R"({"size":1,"query":{"bool":{"filter":[{"terms":{"target.platform":["win64","win32"]}}]}},)"
            R"("sort":[{"download.date":"desc"},{"build.date":"desc"}]})");
}

TEST_F(RoutesTest, LatestErrors) {
  auto none = Get("/api/latest?product=nothing");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(ParseJson(none.body).find("error")->text(), "No build found for product=nothing");
  EXPECT_EQ(Get("/api/latest").status, 400);
  auto unknown = Get("/api/latest?colour=blue");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("colour"), std::string::npos);
  EXPECT_EQ(Get("/api/latest?product=").status, 400);
  searcher_.SetNext(400, R"({"error": "engine says no"})");
  auto relayed = Get("/api/latest?product=firefox");
  EXPECT_EQ(relayed.status, 400);
  EXPECT_EQ(relayed.body, R"({"error": "engine says no"})");
}

TEST_F(RoutesTest, UnknownApiPathsAreJson404s) {
  auto r = Get("/api/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(ParseJson(r.body).find("error")->text(), "Not found: /api/nope");
}

// ---------------------------------------------------------------- Dockerflow

TEST_F(RoutesTest, LbHeartbeatIsAnEmpty200) {
  for (const char* path : {"/__lbheartbeat__", "/__lbheartbeat__/"}) {
    auto r = Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(r.Header("Content-Length"), "0");
  }
}

TEST_F(RoutesTest, VersionIsBuiltInOrTheConfiguredFile) {
  auto builtin = Get("/__version__");
  EXPECT_EQ(builtin.status, 200);
  EXPECT_EQ(builtin.body,
            R"({"version":"1.2.3","commit":"abc123","source":"https://github.com/mozilla-services/buildhub2","build":""})");
  EXPECT_EQ(builtin.Header("Content-Type"), "application/json");
  EXPECT_EQ(Get("/__version__/").status, 200);
}

TEST_F(RoutesTest, VersionFromAFile) {
  buildhub::testing::WriteFileOrDie(dir_ / "version.json",
                                    R"({"commit": "deadbeef", "version": "2026.01.01", "source": "s", "build": "b"})");
  context_.version_json_path = (dir_ / "version.json").string();
  auto r = Get("/__version__");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"commit":"deadbeef","version":"2026.01.01","source":"s","build":"b"})");
}

TEST_F(RoutesTest, VersionFileMissingIs404) {
  context_.version_json_path = (dir_ / "nope.json").string();
  auto r = Get("/__version__");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "version.json not found");
}

TEST_F(RoutesTest, HeartbeatOkWhenStoreAndIndexAgree) {
  auto r = Get("/__heartbeat__");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            R"({"status":"ok","checks":{"check_database_connected":"ok","check_search_index":"ok"},"details":{}})");
  EXPECT_EQ(Get("/__heartbeat__/").status, 200);
}

TEST_F(RoutesTest, HeartbeatWarnsWhenTheIndexIsBehind) {
  searcher_.last_indexed_id_ = first_id_;
  auto r = Get("/__heartbeat__");
  EXPECT_EQ(r.status, 200);
  json::Value v = ParseJson(r.body);
  EXPECT_EQ(v.find("status")->text(), "warning");
  EXPECT_EQ(v.find("checks")->find("check_search_index")->text(), "warning");
  const json::Value* detail = v.find("details")->find("check_search_index");
  ASSERT_NE(detail, nullptr);
  EXPECT_EQ(detail->find("level")->as_int64(), 30);
  EXPECT_NE(detail->find("messages")->find("buildhub.health.W002")->text().find("behind"), std::string::npos);
}

TEST_F(RoutesTest, HeartbeatFailsOnAFailingCheck) {
  context_.heartbeat_checks.push_back(
      {"check_s3_bucket_url", [] { return CheckResult{40, "buildhub.health.E002", "The bucket b can not be found"}; }});
  context_.heartbeat_checks.push_back({"check_fine", [] { return CheckResult{}; }});
  auto r = Get("/__heartbeat__");
  EXPECT_EQ(r.status, 500);
  json::Value v = ParseJson(r.body);
  EXPECT_EQ(v.find("status")->text(), "error");
  EXPECT_EQ(v.find("checks")->find("check_s3_bucket_url")->text(), "error");
  EXPECT_EQ(v.find("checks")->find("check_fine")->text(), "ok");
  EXPECT_EQ(v.find("details")->find("check_s3_bucket_url")->find("messages")->find("buildhub.health.E002")->text(),
            "The bucket b can not be found");
  EXPECT_EQ(v.find("details")->find("check_fine"), nullptr);
}

TEST_F(RoutesTest, HeartbeatFailsWithoutStoreOrIndex) {
  context_.store = nullptr;
  context_.searcher = nullptr;
  auto r = Get("/__heartbeat__");
  EXPECT_EQ(r.status, 500);
  json::Value v = ParseJson(r.body);
  EXPECT_EQ(v.find("checks")->find("check_database_connected")->text(), "error");
  EXPECT_EQ(v.find("checks")->find("check_search_index")->text(), "error");
  EXPECT_EQ(Get("/api/records").status, 503);
}

TEST_F(RoutesTest, MetricsPageIsPrometheusText) {
  Send("POST", "/api/search", "{}");
  auto r = Get("/__metrics__");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("buildhub2_api_search_requests_total"), std::string::npos) << r.body;
}

TEST_F(RoutesTest, ContributeJsonIsTheRepositoryFileIndentedByThree) {
  auto r = Get("/contribute.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(ParseJson(r.body),
            ParseJson(buildhub::testing::ReadFileOrDie(buildhub::testing::SharedReference("samples/contribute.json"))));
  EXPECT_EQ(r.body.substr(0, 27), "{\n   \"name\": \"buildhub2\",\n ");
  EXPECT_NE(r.body.find("\n      \"irc-contacts\": [\n         \"willkg\"\n      ],"), std::string::npos) << r.body;
}

TEST_F(RoutesTest, ContributeJsonMissingIs404) {
  context_.contribute_json_path = (dir_ / "none.json").string();
  EXPECT_EQ(Get("/contribute.json").status, 404);
}

// ---------------------------------------------------------------- headers

TEST_F(RoutesTest, CorsOnApiPaths) {
  auto plain = Get("/api/records");
  EXPECT_EQ(plain.Header("Vary"), "Origin");
  EXPECT_FALSE(plain.HasHeader("Access-Control-Allow-Origin"));
  EXPECT_FALSE(plain.HasHeader("Content-Security-Policy"));

  auto cross = Get("/api/records", {{"Origin", "https://example.org"}});
  EXPECT_EQ(cross.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(cross.Header("Vary"), "Origin");
  EXPECT_FALSE(cross.HasHeader("Access-Control-Allow-Methods"));
  EXPECT_FALSE(cross.HasHeader("Access-Control-Allow-Credentials"));
  EXPECT_FALSE(cross.HasHeader("Access-Control-Expose-Headers"));
  ExpectSecurityHeaders(cross);
  EXPECT_TRUE(cross.HasHeader("X-Response-Time"));
  int ms = std::stoi(*cross.Header("X-Response-Time"));
  EXPECT_GE(ms, 0);
  EXPECT_LT(ms, 10000);
}

TEST_F(RoutesTest, CorsPreflight) {
  size_t searches = searcher_.bodies().size();
  auto r = Send("OPTIONS", "/api/search", {},
                {{"Origin", "https://example.org"}, {"Access-Control-Request-Method", "POST"},
                 {"Access-Control-Request-Headers", "content-type"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.Header("Content-Length"), "0");
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(r.Header("Access-Control-Allow-Headers"),
            "accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, "
            "x-requested-with");
  EXPECT_EQ(r.Header("Access-Control-Allow-Methods"), "DELETE, GET, OPTIONS, PATCH, POST, PUT");
  EXPECT_EQ(r.Header("Access-Control-Max-Age"), "86400");
  EXPECT_EQ(r.Header("Vary"), "Origin");
  EXPECT_EQ(searcher_.bodies().size(), searches);  // a preflight does not search
}

TEST_F(RoutesTest, NoCorsAndACspOutsideTheApi) {
  for (const char* path : {"/", "/__heartbeat__", "/contribute.json", "/__version__"}) {
    auto r = Get(path, {{"Origin", "https://example.org"}});
    EXPECT_FALSE(r.HasHeader("Access-Control-Allow-Origin")) << path;
    EXPECT_EQ(r.Header("Content-Security-Policy"), kCsp) << path;
    ExpectSecurityHeaders(r);
  }
}

TEST_F(RoutesTest, CspReportUriIsAppended) {
  context_.csp_report_uri = "https://csp.example.org/report";
  auto r = Get("/");
  EXPECT_EQ(r.Header("Content-Security-Policy"), std::string(kCsp) + "; report-uri https://csp.example.org/report");
}

// One "request.summary" line per request, with method, path, status and
// time, and never the body.
TEST_F(RoutesTest, AccessLogLinePerRequestWithoutBodies) {
  Start();
  std::fflush(stderr);
  std::string log_path = (dir_ / "stderr.log").string();
  int saved = dup(2);
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  dup2(fd, 2);
  close(fd);
  log::Configure({log::Level::kInfo, log::Format::kText});
  Send("POST", "/api/search", "{\"query\": \"TOP-SECRET-BODY\"}");
  Get("/api/records?token=x");
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  log::Configure({});
  std::string text = buildhub::testing::ReadFileOrDie(log_path);
  EXPECT_NE(text.find("request.summary"), std::string::npos) << text;
  EXPECT_NE(text.find("POST /api/search 200"), std::string::npos) << text;
  EXPECT_NE(text.find("GET /api/records 200"), std::string::npos) << text;
  EXPECT_EQ(text.find("TOP-SECRET-BODY"), std::string::npos) << text;
  EXPECT_EQ(text.find("token=x"), std::string::npos) << text;
}

}  // namespace
}  // namespace buildhub::http
