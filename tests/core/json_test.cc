#include "core/json.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace buildhub::json {
namespace {

TEST(JsonParse, RoundTripsCompact) {
  auto v = Parse(R"( {"b": [1, 2.50, -0, 1e3, true, null], "a": "x\"y\u00e9\ud83d\ude00"} )");
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(Write(*v), "{\"b\":[1,2.50,-0,1e3,true,null],\"a\":\"x\\\"y\xC3\xA9\xF0\x9F\x98\x80\"}");
}

TEST(JsonParse, PythonStyleErrors) {
  EXPECT_EQ(Parse("}not valid JSON{").status().message(), "Expecting value: line 1 column 1 (char 0)");
  EXPECT_EQ(Parse("").status().message(), "Expecting value: line 1 column 1 (char 0)");
  EXPECT_EQ(Parse("{\"a\": 1,\n \"b\" 2}").status().message(),
            "Expecting ':' delimiter: line 2 column 6 (char 14)");
  EXPECT_EQ(Parse("[1 2]").status().message(), "Expecting ',' delimiter: line 1 column 4 (char 3)");
  EXPECT_EQ(Parse("{} x").status().message(), "Extra data: line 1 column 4 (char 3)");
  EXPECT_EQ(Parse("{'a': 1}").status().message(),
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)");
  EXPECT_EQ(Parse("\"abc").status().message(), "Unterminated string starting at: line 1 column 1 (char 0)");
  EXPECT_EQ(Parse("NaN").status().message(), "Expecting value: line 1 column 1 (char 0)");
}

TEST(JsonParse, RejectsInvalidUtf8AndBom) {
  EXPECT_EQ(Parse("{\"a\": \"\xff\"}").status().message(), "invalid UTF-8 at byte 7");
  EXPECT_FALSE(Parse("\xEF\xBB\xBF{}").ok());
  ParseOptions bom;
  bom.allow_bom = true;
  EXPECT_TRUE(Parse("\xEF\xBB\xBF{}", bom).ok());
}

TEST(JsonParse, DepthCap) {
  std::string deep(100000, '[');
  auto r = Parse(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nesting deeper than 512 levels"), std::string::npos);
}

TEST(JsonParse, DuplicateKeysKeepFirstPositionLastValue) {
  auto v = Parse(R"({"a": 1, "b": 2, "a": 3})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Write(*v), R"({"a":3,"b":2})");
}

TEST(JsonNumbers, IntegerHelpers) {
  auto v = Parse("[1, 1.0, 12345678901234567890123, -5, 2e3]");
  ASSERT_TRUE(v.ok());
  const auto& items = v->items();
  EXPECT_EQ(items[0].as_exact_int64(), 1);
  EXPECT_EQ(items[1].as_exact_int64(), std::nullopt);
  EXPECT_EQ(items[1].as_int64(), 1);
  EXPECT_EQ(items[2].as_int64(), std::nullopt);
  EXPECT_EQ(items[3].as_exact_int64(), -5);
  EXPECT_EQ(items[4].as_int64(), 2000);
}

TEST(JsonPython, CanonicalMatchesJsonDumpsSortKeys) {
  auto v = Parse(R"({"z": [1, 1.0, 1e16, 0.0001, 0.00001, -0, 1.5e300], "a": "\u00e9\ud83d\ude00\/\u0001", "m": {"b": true, "a": null}})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(WritePythonCanonical(*v),
            "{\"a\": \"\\u00e9\\ud83d\\ude00/\\u0001\", \"m\": {\"a\": null, \"b\": true}, "
            "\"z\": [1, 1.0, 1e+16, 0.0001, 1e-05, 0, 1.5e+300]}");
}

TEST(JsonPython, FloatRepr) {
  EXPECT_EQ(PythonFloatRepr(100.0), "100.0");
  EXPECT_EQ(PythonFloatRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(PythonFloatRepr(0.1), "0.1");
  EXPECT_EQ(PythonFloatRepr(-2.5e-7), "-2.5e-07");
  EXPECT_EQ(PythonFloatRepr(123.456), "123.456");
  EXPECT_EQ(PythonFloatRepr(std::numeric_limits<double>::infinity()), "Infinity");
}

}  // namespace
}  // namespace buildhub::json

namespace buildhub::json {
namespace {

// Every string survives both writers: random UTF-8 with quotes, backslashes,
// control characters and non-ASCII at every offset of the 8-byte fast path.
TEST(JsonWrite, RandomStringsRoundTrip) {
  const std::vector<std::string> alphabet = {"a", "Z", " ", "\"", "\\", "\n", "\x01", "\x1f", "/", "\xC3\xA9",
                                             "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\x7f"};
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    size_t len = next() % 40;
    for (size_t i = 0; i < len; ++i) s += alphabet[next() % alphabet.size()];
    std::string compact;
    WriteString(s, &compact);
    auto back = Parse(compact);
    ASSERT_TRUE(back.ok()) << compact;
    ASSERT_EQ(back->text(), s);
    auto canonical = Parse(WritePythonCanonical(Value::String(s)));
    ASSERT_TRUE(canonical.ok());
    ASSERT_EQ(canonical->text(), s);
  }
}

}  // namespace
}  // namespace buildhub::json
