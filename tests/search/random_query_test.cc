// The random body generator: reproducible, and aimed well — the oracle
// models almost every body, most bodies are valid, and the queries match a
// useful share of the corpus rather than nothing or everything.
#include "search/random_query.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "core/json.h"
#include "search/naive_evaluator.h"
#include "search/oracle_fixture.h"

namespace buildhub::search::oracle {
namespace {

std::vector<NaiveDoc> Corpus(size_t n) {
  std::vector<NaiveDoc> docs;
  int64_t id = 1;
  for (auto& d : GeneratedDocuments(42, n)) docs.push_back({id++, d});
  for (auto& d : EdgeDocuments()) docs.push_back({id++, d});
  return docs;
}

TEST(RandomQueryTest, SameSeedSameBodies) {
  auto docs = Corpus(200);
  RandomQueryGenerator a(7, docs), b(7, docs), c(8, docs);
  bool differs = false;
  for (int i = 0; i < 200; ++i) {
    std::string x = json::Write(a.Next());
    EXPECT_EQ(x, json::Write(b.Next()));
    differs = differs || x != json::Write(c.Next());
  }
  EXPECT_TRUE(differs);
}

TEST(RandomQueryTest, BodiesAreModelledValidAndSelective) {
  auto docs = Corpus(1500);
  NaiveCorpus oracle(docs);
  RandomQueryGenerator gen(1, docs);
  int unsupported = 0, refused = 0, empty = 0, everything = 0, some = 0, with_aggs = 0;
  std::set<std::string> query_types, agg_types;
  const int kBodies = 2000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kBodies; ++i) {
    json::Value body = gen.Next();
    std::string text = json::Write(body);
    for (const char* q : {"\"term\"", "\"terms\"", "\"range\"", "\"prefix\"", "\"wildcard\"", "\"regexp\"",
                          "\"match\"", "\"match_phrase\"", "\"multi_match\"", "\"exists\"", "\"ids\"",
                          "\"bool\"", "\"constant_score\"", "\"query_string\"", "\"match_all\""}) {
      if (text.find(q) != std::string::npos) query_types.insert(q);
    }
    for (const char* a : {"\"terms\"", "\"filter\"", "\"filters\"", "\"cardinality\"", "\"value_count\"",
                          "\"min\"", "\"max\"", "\"sum\"", "\"avg\"", "\"stats\"", "\"top_hits\"",
                          "\"date_histogram\"", "\"histogram\"", "\"range\"", "\"missing\""}) {
      if (text.find(a) != std::string::npos && text.find("\"aggs\"") != std::string::npos) agg_types.insert(a);
    }
    NaiveResponse r = oracle.Evaluate(body, RandomQueryGenerator::kNowMs);
    if (!r.supported) {
      ++unsupported;
      ADD_FAILURE_AT(__FILE__, __LINE__) << "not modelled (" << r.unsupported_reason << "): " << text;
      continue;
    }
    if (r.http_status != 200) {
      ++refused;
      continue;
    }
    int64_t total = *r.body.find("hits")->find("total")->as_exact_int64();
    if (total == 0) ++empty;
    else if (total == static_cast<int64_t>(docs.size())) ++everything;
    else ++some;
    if (r.body.find("aggregations")) ++with_aggs;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d bodies in %.2f s: %d refused, %d match nothing, %d everything, %d some; %d with aggregations\n",
              kBodies, seconds, refused, empty, everything, some, with_aggs);
  EXPECT_LT(unsupported, kBodies / 100);
  EXPECT_LT(refused, kBodies / 4);    // errors are tested, but most bodies are valid
  EXPECT_GT(some, kBodies / 4);       // and most of those select something in between
  EXPECT_GT(with_aggs, kBodies / 5);
  EXPECT_EQ(query_types.size(), 15u);
  EXPECT_EQ(agg_types.size(), 15u);
}

}  // namespace
}  // namespace buildhub::search::oracle
