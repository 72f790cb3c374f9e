// The fast stored-date parser agrees with the general one wherever it
// answers.
#include <random>

#include <gtest/gtest.h>

#include "search/dates.h"
#include "search/fast_date.h"

namespace buildhub::search {
namespace {

void Agree(const std::string& s) {
  int64_t fast;
  if (!FastIsoMillis(s, &fast)) return;
  auto slow = dates::ParseStoredDate(s);
  ASSERT_TRUE(slow.has_value()) << s;
  EXPECT_EQ(fast, *slow) << s;
}

TEST(FastDate, KnownValues) {
  int64_t ms;
  ASSERT_TRUE(FastIsoMillis("2019-06-03T20:49:46.559307+00:00", &ms));
  EXPECT_EQ(ms, 1559594986559);
  ASSERT_TRUE(FastIsoMillis("2018-05-10T16:07:05Z", &ms));
  EXPECT_EQ(ms, 1525968425000);
  ASSERT_TRUE(FastIsoMillis("2019-01-01T01:00:00+01:00", &ms));
  EXPECT_EQ(ms, 1546300800000);
  ASSERT_TRUE(FastIsoMillis("1969-12-31T23:59:59.999Z", &ms));
  EXPECT_EQ(ms, -1);
  for (const char* bad : {"2019-02-29T00:00:00Z", "2019-13-01T00:00:00Z", "2019-01-01T24:00:00Z", "2019-01-01",
                          "2019-01-01T00:00:00", "2019-01-01T00:00:00.Z", "2019-01-01T00:00:00.1234567890Z",
                          "2019-01-01T00:00:00+1:00", "20190101T000000Z", "2019-01-01T00:00:00Zx"}) {
    EXPECT_FALSE(FastIsoMillis(bad, &ms)) << bad;
  }
}

TEST(FastDate, AgreesWithTheGeneralParser) {
  std::mt19937_64 rng(7);
  auto two = [&](int lo, int hi) {
    char b[8];
    std::snprintf(b, sizeof b, "%02d", lo + static_cast<int>(rng() % (hi - lo + 1)));
    return std::string(b);
  };
  for (int i = 0; i < 20000; ++i) {
    char year[8];
    std::snprintf(year, sizeof year, "%04d", 1 + static_cast<int>(rng() % 9999));
    std::string s = std::string(year) + "-" + two(0, 13) + "-" + two(0, 32) + "T" + two(0, 24) + ":" + two(0, 60) +
                    ":" + two(0, 60);
    switch (rng() % 4) {
      case 0: break;
      case 1: s += "." + std::to_string(rng() % 1000); break;
      case 2: s += "." + std::to_string(rng() % 1000000000); break;
      default: s += ".5"; break;
    }
    switch (rng() % 4) {
      case 0: s += "Z"; break;
      case 1: s += "+" + two(0, 19) + ":" + two(0, 60); break;
      case 2: s += "-" + two(0, 14) + ":" + two(0, 59); break;
      default: break;
    }
    Agree(s);
  }
}

}  // namespace
}  // namespace buildhub::search
