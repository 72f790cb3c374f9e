// A bool's range clauses are checked doc by doc on the columns when the
// other clauses leave few candidates (QueryExecutor::CheckCandidates). These
// tests hold that path to the answer of building the range's whole set, on
// single- and multi-valued fields, over one and several segments.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "search/engine.h"
#include "engine_fixture.h"

namespace buildhub::search::testing {
namespace {

using Ids = std::vector<std::string>;

// 400 builds, 10 per product: a product term leaves 10 candidates while the
// ranges below match hundreds, so the check path is the one taken.
std::vector<std::string> Corpus() {
  std::vector<std::string> docs;
  for (int i = 0; i < 400; ++i) {
    const std::string version = std::to_string(40 + i % 50) + ".0";
    std::string doc = R"({"build": {"id": "2018050314)" + std::to_string(1000 + i) + R"("},
      "source": {"product": "p)" + std::to_string(i % 40) + R"("},
      "target": {"version": )";
    // Every 7th build carries two versions, every 5th two sizes, every 11th
    // none: the multi-valued and missing cases of the columns.
    doc += i % 7 == 0 ? R"([")" + version + R"(", "99.0"])" : R"(")" + version + R"(")";
    doc += R"(}, "download": {)";
    if (i % 11 != 0) {
      const std::string size = std::to_string(i * 10);
      doc += R"("size": )" + (i % 5 == 0 ? "[" + size + ", 100000]" : size) + ", ";
    }
    doc += R"("mimetype": "application/zip"}})";
    docs.push_back(doc);
  }
  return docs;
}

Ids Matching(Engine& engine, const std::string& query) {
  Ids ids = HitIds(SearchOk(engine, R"({"size": 1000, "sort": "_doc", "query": )" + query + "}"));
  std::sort(ids.begin(), ids.end());
  return ids;
}

Ids Intersection(Ids a, Ids b) {
  Ids out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

void ExpectChecksAgreeWithSets(Engine& engine) {
  const std::vector<std::string> ranges = {
      R"({"range": {"target.version": {"gte": "63"}}})",
      R"({"range": {"target.version": {"gt": "45.0", "lt": "70"}}})",
      R"({"range": {"target.version": {"lte": "50.0"}}})",
      R"({"range": {"target.version": {"gte": "99"}}})",
      R"({"range": {"download.size": {"gte": 1000}}})",
      R"({"range": {"download.size": {"gt": 500, "lte": 3000}}})",
      R"({"range": {"download.size": {"gte": 50000}}})",
      R"({"range": {"download.size": {"gte": 10.5}}})",
  };
  size_t non_empty = 0;
  for (int p = 0; p < 40; p += 3) {
    const std::string term = R"({"term": {"source.product": "p)" + std::to_string(p) + R"("}})";
    for (const std::string& range : ranges) {
      const Ids expected = Intersection(Matching(engine, term), Matching(engine, range));
      non_empty += expected.empty() ? 0 : 1;
      EXPECT_EQ(Matching(engine, R"({"bool": {"filter": [)" + term + ", " + range + "]}}"), expected)
          << term << " " << range;
      EXPECT_EQ(Matching(engine, R"({"bool": {"must": [)" + range + ", " + term + "]}}"), expected)
          << term << " " << range;
      // must_not and a nested bool take the same path inside.
      EXPECT_EQ(Matching(engine, R"({"constant_score": {"filter": {"bool": {"must": )" + term +
                                     R"(, "filter": {"bool": {"filter": )" + range + "}}}}}}"),
                expected)
          << term << " " << range;
    }
  }
  EXPECT_GT(non_empty, 50u);  // the cases above are not vacuous
}

TEST(ColumnCheck, AgreesWithTheRangeSetOnOneSegment) {
  auto engine = EngineInBatches(Corpus(), 400);
  ASSERT_EQ(engine->snapshot()->segments.size(), 1u);
  ExpectChecksAgreeWithSets(*engine);
}

TEST(ColumnCheck, AgreesWithTheRangeSetAcrossSegments) {
  auto engine = EngineInBatches(Corpus(), 150);
  ASSERT_EQ(engine->snapshot()->segments.size(), 3u);
  ExpectChecksAgreeWithSets(*engine);
}

TEST(ColumnCheck, MultiValuedDocsMatchOnAnyValue) {
  auto engine = EngineInBatches(Corpus(), 400);
  // Build 1 (i = 0): versions ["40.0", "99.0"], sizes [0, 100000].
  EXPECT_EQ(Matching(*engine, R"({"bool": {"filter": [{"term": {"source.product": "p0"}},
      {"range": {"target.version": {"gte": "90"}}}]}})"),
            (Ids{"1", "281"}));  // i = 0 and i = 280 carry "99.0"
  EXPECT_EQ(Matching(*engine, R"({"bool": {"filter": [{"term": {"source.product": "p0"}},
      {"range": {"download.size": {"gte": 99999}}}]}})"),
            (Ids{"121", "161", "201", "241", "281", "321", "361", "41", "81"}));
}

}  // namespace
}  // namespace buildhub::search::testing
