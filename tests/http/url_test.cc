// Request-target parsing, on its own.
#include "http/url.h"

#include <gtest/gtest.h>

namespace buildhub::http {
namespace {

TEST(SplitTargetTest, OriginAndAbsoluteForms) {
  std::string_view path, query;
  ASSERT_TRUE(SplitTarget("/api/search?x=1&y", &path, &query).ok());
  EXPECT_EQ(path, "/api/search");
  EXPECT_EQ(query, "x=1&y");
  ASSERT_TRUE(SplitTarget("/a#frag", &path, &query).ok());
  EXPECT_EQ(path, "/a");
  EXPECT_EQ(query, "");
  ASSERT_TRUE(SplitTarget("http://host:8000/p?q=1", &path, &query).ok());
  EXPECT_EQ(path, "/p");
  EXPECT_EQ(query, "q=1");
  ASSERT_TRUE(SplitTarget("http://host", &path, &query).ok());
  EXPECT_EQ(path, "/");
  ASSERT_TRUE(SplitTarget("https://host?z", &path, &query).ok());
  EXPECT_EQ(path, "/");
  EXPECT_EQ(query, "z");
  for (const char* bad : {"", "*", "api", "ftp://x/y", "?q"}) {
    EXPECT_FALSE(SplitTarget(bad, &path, &query).ok()) << bad;
  }
}

TEST(DecodePathTest, DecodesAndRejectsBadEscapes) {
  EXPECT_EQ(*DecodePath("/a%20b+c"), "/a b+c");
  EXPECT_EQ(*DecodePath("/%2e%2E/%2F"), "/..//");
  EXPECT_EQ(*DecodePath("/%ff"), "/\xff");
  for (const char* bad : {"/%", "/%4", "/%zz", "/%g0", "/%00", "/a%0"}) {
    auto r = DecodePath(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_NE(DecodePath("/ab%zz").status().message().find("byte 3"), std::string::npos);
}

TEST(ParseQueryTest, FormDecodingWithErrorsNamingTheParameter) {
  auto q = ParseQuery("product=fire+fox&channel=%62eta&&flag&empty=");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[0].name, "product");
  EXPECT_EQ((*q)[0].value, "fire fox");
  EXPECT_EQ((*q)[1].value, "beta");
  EXPECT_EQ((*q)[2].name, "flag");
  EXPECT_EQ((*q)[2].value, "");
  EXPECT_EQ((*q)[3].name, "empty");
  EXPECT_TRUE(ParseQuery("")->empty());
  auto bad_utf8 = ParseQuery("locale=%ff");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_NE(bad_utf8.status().message().find("'locale'"), std::string::npos);
  EXPECT_FALSE(ParseQuery("a=%zz").ok());
  EXPECT_FALSE(ParseQuery("a=%00").ok());
}

TEST(PathForLogTest, EscapesAndTruncates) {
  EXPECT_EQ(PathForLog("/a b\n\"\xff%"), "/a%20b%0A%22%FF%25");
  std::string long_path(2000, 'a');
  std::string logged = PathForLog(long_path, 100);
  EXPECT_EQ(logged.size(), 103u);
  EXPECT_EQ(logged.substr(100), "...");
}

}  // namespace
}  // namespace buildhub::http
