// The web page's files and the single-page-app fallback, over real sockets,
// including attempts to read files outside the web root.
#include "http/static_files.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "http/http_date.h"
#include "http/service_fixture.h"

namespace buildhub::http {
namespace {

using StaticFilesTest = testing::ServiceFixture;

TEST(HashedAssetTest, MatchesWhiteNoisesRule) {
  EXPECT_TRUE(IsHashedAssetPath("/main.8741ee2b.js"));
  EXPECT_TRUE(IsHashedAssetPath("/static/js/2.0123abcd.chunk.js"));
  EXPECT_TRUE(IsHashedAssetPath("/deadbeef"));
  EXPECT_FALSE(IsHashedAssetPath("/main.8741EE2B.js"));   // upper case is not hex here
  EXPECT_FALSE(IsHashedAssetPath("/main.8741ee2.js"));    // 7
  EXPECT_FALSE(IsHashedAssetPath("/main.8741ee2bb.js"));  // 9
  EXPECT_FALSE(IsHashedAssetPath("/main_8741ee2b.js"));   // '_' is a word character
  EXPECT_FALSE(IsHashedAssetPath("/index.html"));
}

TEST(HttpDateTest, FormatsAndParses) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_FALSE(ParseHttpDate("yesterday").has_value());
  EXPECT_FALSE(ParseHttpDate("").has_value());
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT trailing").has_value());
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableJavascript) {
  auto r = Get("/static/js/main.8741ee2b.js");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "console.log(1);");
  EXPECT_EQ(r.Header("Content-Type"), "text/javascript; charset=\"utf-8\"");
  EXPECT_EQ(r.Header("Cache-Control"), "max-age=315360000, public, immutable");
  EXPECT_TRUE(r.HasHeader("Last-Modified"));
  EXPECT_TRUE(r.HasHeader("Content-Security-Policy"));
  EXPECT_FALSE(r.HasHeader("Access-Control-Allow-Origin"));
}

TEST_F(StaticFilesTest, OtherFilesGetAShortCacheAndTheirType) {
  struct Case {
    const char* path;
    const char* type;
  };
  for (const Case& c : {Case{"/style.css", "text/css; charset=\"utf-8\""}, Case{"/favicon.ico", "image/x-icon"},
                        Case{"/manifest.json", "application/json"},
                        Case{"/index.html", "text/html; charset=\"utf-8\""}}) {
    auto r = Get(c.path);
    EXPECT_EQ(r.status, 200) << c.path;
    EXPECT_EQ(r.Header("Content-Type"), c.type) << c.path;
    EXPECT_EQ(r.Header("Cache-Control"), "max-age=60, public") << c.path;
  }
  EXPECT_EQ(Get("/favicon.ico").body, std::string("\0\0\1\0", 4));
}

TEST_F(StaticFilesTest, PathsWithoutAnExtensionGetThePage) {
  auto root = Get("/");
  ASSERT_EQ(root.status, 200);
  EXPECT_EQ(root.body, kIndexHtml);
  EXPECT_EQ(root.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(root.Header("Cache-Control"), "max-age=86400, public");
  ASSERT_TRUE(root.HasHeader("Last-Modified"));
  for (const char* path : {"/some/path/react/router/maybe", "/builds/42", "/static", "/static/js/",
                           "/api", "/search?q=firefox"}) {
    auto r = Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, kIndexHtml) << path;
  }
}

TEST_F(StaticFilesTest, MissingFilesWithAnExtensionAre404NotThePage) {
  for (const char* path : {"/image.png", "/static/js/main.00000000.js", "/a/b/c.txt"}) {
    auto r = Get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.Header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.body.find("<"), std::string::npos);
  }
  // The path is quoted, never echoed as markup.
  auto r = Get("/%3Cscript%3Ealert(1)%3C/script%3E.js");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos) << r.body;
}

TEST_F(StaticFilesTest, IfModifiedSinceGives304) {
  auto first = Get("/");
  std::string last_modified = first.Header("Last-Modified").value_or("");
  ASSERT_FALSE(last_modified.empty());
  auto again = Get("/", {{"If-Modified-Since", last_modified}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.Header("Cache-Control"), "max-age=86400, public");
  auto older = Get("/", {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}});
  EXPECT_EQ(older.status, 200);
  auto garbage = Get("/", {{"If-Modified-Since", "not a date"}});
  EXPECT_EQ(garbage.status, 200);
  auto asset = Get("/style.css", {{"If-Modified-Since", FormatHttpDate(time(nullptr) + 60)}});
  EXPECT_EQ(asset.status, 304);
}

TEST_F(StaticFilesTest, HeadHasTheLengthAndNoBody) {
  Start();
  testing::TestClient client(port_);
  auto head = client.Request("HEAD", "/style.css");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "6");
  auto next = client.Request("GET", "/style.css");  // the connection is still in sync
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->body, "body{}");
}

TEST_F(StaticFilesTest, OtherMethodsAre405) {
  auto r = Send("POST", "/index.html", "x");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, HEAD");
  EXPECT_EQ(Send("DELETE", "/").status, 405);
}

TEST_F(StaticFilesTest, TraversalNeverLeavesTheRoot) {
  // A symbolic link inside the root pointing outside it, a directory link,
  // and a hidden file.
  std::filesystem::create_symlink(dir_ / "secret.txt", web_root_ / "link.txt");
  std::filesystem::create_directory_symlink(dir_.path(), web_root_ / "up");
  buildhub::testing::WriteFileOrDie(web_root_ / ".env", "HIDDEN=1");
  std::filesystem::create_directories(web_root_ / ".git");
  buildhub::testing::WriteFileOrDie(web_root_ / ".git" / "config", "[core]");
  Start();

  const char* attempts[] = {
      "/../secret.txt",
      "/..%2fsecret.txt",
      "/%2e%2e/secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/static/..%2f..%2fsecret.txt",
      "/static/%2e%2e/%2e%2e/secret.txt",
      "/static/js/../../../secret.txt",
      "/./../secret.txt",
      "//../secret.txt",
      "/..%5csecret.txt",
      "/link.txt",
      "/up/secret.txt",
      "/.env",
      "/.git/config",
      "/%ff%fe.txt",
      "/../../../../../../etc/passwd",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/static/..%2f..%2f..%2f..%2f..%2fetc/passwd",
  };
  for (const char* path : attempts) {
    // Raw, so the client sends the dots exactly as written.
    testing::TestClient client(port_);
    ASSERT_TRUE(client.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.has_value()) << path;
    EXPECT_TRUE(r->status == 404 || r->status == 400) << path << " -> " << r->status << " " << r->body;
    EXPECT_EQ(r->body.find(kSecret), std::string::npos) << path;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("HIDDEN"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("[core]"), std::string::npos) << path;
  }
  // A link that stays inside the root is followed (even through a directory
  // outside it: what counts is where the file really is).
  EXPECT_EQ(Get("/up/web/style.css").body, "body{}");
  std::filesystem::create_symlink(web_root_ / "style.css", web_root_ / "alias.css");
  EXPECT_EQ(Get("/alias.css").body, "body{}");
}

TEST_F(StaticFilesTest, SpecialFilesAreNotServed) {
  ASSERT_EQ(mkfifo((web_root_ / "pipe.txt").c_str(), 0600), 0);
  std::filesystem::create_directories(web_root_ / "folder.d");
  Start();
  auto pipe = Get("/pipe.txt");  // must not hang the worker on a FIFO
  EXPECT_EQ(pipe.status, 404);
  EXPECT_EQ(Get("/folder.d").status, 404);
  EXPECT_EQ(Get("/").status, 200);
}

TEST_F(StaticFilesTest, NoWebRootMeans404) {
  context_.web_root = "";
  EXPECT_EQ(Get("/").status, 404);
  context_.web_root = (dir_ / "does-not-exist").string();
  server_.reset();
  router_.reset();
  Start();
  EXPECT_EQ(Get("/").status, 404);
  EXPECT_EQ(Get("/__lbheartbeat__").status, 200);
}

TEST_F(StaticFilesTest, MissingIndexIsA404) {
  std::filesystem::remove(web_root_ / "index.html");
  auto r = Get("/anything");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("index.html"), std::string::npos);
}

}  // namespace
}  // namespace buildhub::http
