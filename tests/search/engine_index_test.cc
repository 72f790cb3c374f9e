// The index itself: documents the shape cannot describe, dynamic mapping,
// multi-valued fields, the store change feed, searches during indexing, and
// the same answers whatever the segment layout.
#include <atomic>
#include <thread>

#include "engine_fixture.h"
#include "ingest/generate.h"
#include "store/store.h"
#include "support/fixtures.h"

namespace buildhub::search::testing {
namespace {

using Ids = std::vector<std::string>;

std::string Source(Engine& engine, int id) {
  json::Value r = SearchOk(engine, R"({"query": {"ids": {"values": [)" + std::to_string(id) + "]}}}");
  const json::Value* hits = r.find("hits")->find("hits");
  if (hits->size() != 1) return "missing";
  // Re-read the raw body to check bytes, not a re-serialisation.
  SearchResult raw = engine.Search(R"({"query": {"ids": {"values": [)" + std::to_string(id) + "]}}}");
  size_t at = raw.body.find("\"_source\":");
  size_t end = raw.body.rfind("}]}}");
  return raw.body.substr(at + 10, end - at - 10);
}

Ids Match(Engine& engine, const std::string& query) {
  return HitIds(SearchOk(engine, R"({"size": 100, "query": )" + query + "}"));
}

class OddDocuments : public ::testing::Test {
 protected:
  void SetUp() override {
    docs_ = {
        R"({"build":{"id":"x\/y","date":"2019-01-01T00:00:00Z"},"source":{"product":"caf\u00e9"},"target":{"version":"1"},"download":{"size":1,"date":"2019-01-01T00:00:00Z"}})",
        "{ \"build\" : { \"id\" : \"a\" } ,\n \"target\": {\"version\": \"2\"} }",
        R"({"target":{"version":"3"},"download":{"size":1.0,"date":"2019-01-01T01:00:00+01:00"}})",
        R"({"build":{"date":"2019-01-01T23:59:59.999999Z"},"target":{"version":"4"}})",
        R"({"id":999,"build":{"id":"pk"},"target":{"version":"5"}})",
        R"({"build":{"id":"n","cc":null},"source":{},"target":{"version":"6"},"extra":[]})",
        R"({"target":{"locale":["en-US","fr"],"version":"7"}})",
        R"({"target":{"version":"8a","version":"8b"}})",
        R"({"build":{"id":"d","foo":"Hello World","bar":42,"flag":true,"ratio":0.5,"when":"2019-02-03T04:05:06Z","nested":{"deep":"x"}},"newtop":{"k":"v"},"target":{"version":"9"}})",
        R"({"build":{"cc":")" + std::string(300, 'z') + R"( tail"},"target":{"version":"10"}})",
        R"({"target":{"version":"11"},"download":{"size":"abc"}})",
        "not json",
        "[1,2]",
        R"({"target":{"version":"14","platform":54},"build":{"number":"7"}})",
    };
    engine_ = EngineOf(docs_);
  }
  std::vector<std::string> docs_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(OddDocuments, SourceIsServedAsStored) {
  EXPECT_EQ(Source(*engine_, 1), "{\"id\":1," + docs_[0].substr(1));
  EXPECT_EQ(Source(*engine_, 2), "{\"id\":2, \"build\" : { \"id\" : \"a\" } ,\n \"target\": {\"version\": \"2\"} }");
  EXPECT_EQ(Source(*engine_, 3), "{\"id\":3," + docs_[2].substr(1));
  EXPECT_EQ(Source(*engine_, 7), "{\"id\":7," + docs_[6].substr(1));
  EXPECT_EQ(Source(*engine_, 9), "{\"id\":9," + docs_[8].substr(1));
  EXPECT_EQ(Source(*engine_, 10), "{\"id\":10," + docs_[9].substr(1));
  EXPECT_EQ(Source(*engine_, 11), "{\"id\":11," + docs_[10].substr(1));
  EXPECT_EQ(Source(*engine_, 14), "{\"id\":14," + docs_[13].substr(1));
}

TEST_F(OddDocuments, SourceLeavesOutWhatElasticsearchDropped) {
  // The pk is the id; empty members are skipped as elasticsearch-dsl did.
  EXPECT_EQ(Source(*engine_, 5), R"({"id":5,"build":{"id":"pk"},"target":{"version":"5"}})");
  EXPECT_EQ(Source(*engine_, 6), R"({"id":6,"build":{"id":"n"},"target":{"version":"6"}})");
  EXPECT_EQ(Source(*engine_, 12), R"({"id":12})");
  EXPECT_EQ(Source(*engine_, 13), R"({"id":13})");
}

TEST_F(OddDocuments, ValuesAreSearchable) {
  EXPECT_EQ(Match(*engine_, R"({"term": {"build.id": "x/y"}})"), Ids{"1"});
  EXPECT_EQ(Match(*engine_, R"({"term": {"source.product": "café"}})"), Ids{"1"});
  EXPECT_EQ(Match(*engine_, R"({"term": {"build.id": "a"}})"), Ids{"2"});
  EXPECT_EQ(Match(*engine_, R"({"range": {"download.size": {"gte": 1, "lte": 1}}})"), (Ids{"1", "3"}));
  EXPECT_EQ(Match(*engine_, R"({"term": {"download.date": "2019-01-01T00:00:00Z"}})"), (Ids{"1", "3"}));
  EXPECT_EQ(Match(*engine_, R"({"term": {"build.date": "2019-01-01"}})"), (Ids{"1", "4"}));
  EXPECT_EQ(Match(*engine_, R"({"ids": {"values": [5]}})"), Ids{"5"});
  EXPECT_TRUE(Match(*engine_, R"({"term": {"id": "999"}})").empty());
  EXPECT_EQ(Match(*engine_, R"({"term": {"target.locale": "fr"}})"), Ids{"7"});
  EXPECT_EQ(Match(*engine_, R"({"term": {"target.locale": "en-US"}})"), Ids{"7"});
  EXPECT_EQ(Match(*engine_, R"({"term": {"target.version": "8b"}})"), Ids{"8"});
  EXPECT_TRUE(Match(*engine_, R"({"exists": {"field": "download.size"}})").size() == 2);
  EXPECT_EQ(Match(*engine_, R"({"term": {"target.version": "11"}})"), Ids{"11"});
  EXPECT_EQ(Match(*engine_, R"({"ids": {"values": [12, 13]}})"), (Ids{"12", "13"}));
  EXPECT_EQ(Total(SearchOk(*engine_, "{}")), 14);
  // Coercion as ES does it: numbers in keyword fields, numeric strings in longs.
  EXPECT_EQ(Match(*engine_, R"({"term": {"target.platform": "54"}})"), Ids{"14"});
  EXPECT_EQ(Match(*engine_, R"({"term": {"build.number": 7}})"), Ids{"14"});
}

TEST_F(OddDocuments, DynamicMapping) {
  EXPECT_EQ(Match(*engine_, R"({"match": {"build.foo": "HELLO"}})"), Ids{"9"});
  EXPECT_EQ(Match(*engine_, R"({"term": {"build.foo.keyword": "Hello World"}})"), Ids{"9"});
  EXPECT_EQ(Match(*engine_, R"({"range": {"build.bar": {"gte": 40}}})"), Ids{"9"});
  EXPECT_EQ(Match(*engine_, R"({"term": {"build.flag": true}})"), Ids{"9"});
  EXPECT_EQ(Match(*engine_, R"({"term": {"build.flag": "true"}})"), Ids{"9"});
  EXPECT_TRUE(Match(*engine_, R"({"term": {"build.flag": false}})").empty());
  EXPECT_EQ(Match(*engine_, R"({"range": {"build.ratio": {"gt": 0.4}}})"), Ids{"9"});
  EXPECT_EQ(Match(*engine_, R"({"range": {"build.when": {"gte": "2019-02-03", "lt": "2019-02-04"}}})"), Ids{"9"});
  EXPECT_EQ(Match(*engine_, R"({"term": {"build.nested.deep": "x"}})"), Ids{"9"});
  EXPECT_EQ(Match(*engine_, R"({"exists": {"field": "newtop.k"}})"), Ids{"9"});
  EXPECT_EQ(Match(*engine_, R"({"exists": {"field": "newtop"}})"), Ids{"9"});
  json::Value r = SearchOk(*engine_, R"({"size": 0, "aggs": {"f": {"terms": {"field": "build.flag"}},
                                                            "r": {"max": {"field": "build.ratio"}},
                                                            "l": {"terms": {"field": "target.locale"}}}})");
  EXPECT_EQ(json::Write(*Agg(r, "f").find("buckets")), R"([{"key":1,"key_as_string":"true","doc_count":1}])");
  EXPECT_EQ(json::Write(Agg(r, "r")), R"({"value":0.5})");
  EXPECT_EQ(Buckets(Agg(r, "l")), (std::vector<std::pair<std::string, int64_t>>{{"en-US", 1}, {"fr", 1}}));
  r = SearchOk(*engine_, R"({"sort": [{"build.bar": "asc"}], "size": 1})");
  EXPECT_EQ(HitIds(r), Ids{"9"});
}

TEST_F(OddDocuments, IgnoreAboveLeavesLongValuesOutOfKeyword) {
  EXPECT_EQ(Match(*engine_, R"({"match": {"build.cc": "tail"}})"), Ids{"10"});
  EXPECT_TRUE(Match(*engine_, R"({"exists": {"field": "build.cc.keyword"}})").empty());
  EXPECT_EQ(Match(*engine_, R"({"exists": {"field": "build.cc"}})"), Ids{"10"});
  json::Value r = SearchOk(*engine_, R"({"query": {"match": {"build.cc": "tail"}}, "highlight": {"fields": {"build.cc": {}}}})");
  EXPECT_EQ(json::Write(*r.find("hits")->find("hits")->items()[0].find("highlight")),
            "{\"build.cc\":[\"" + std::string(300, 'z') + " <em>tail</em>\"]}");
}

// ------------------------------------------------------------ the store

struct StoreFixture {
  buildhub::testing::TempDir dir;
  std::unique_ptr<store::BuildStore> store;
  int next = 0;

  StoreFixture() {
    auto s = store::OpenStore("sqlite:" + (dir / "builds.db").string());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store = std::move(s).value();
  }
  void Insert(const std::vector<std::string>& docs) {
    std::vector<store::NewBuild> builds;
    for (const std::string& d : docs) {
      store::NewBuild b;
      char hash[40];
      std::snprintf(hash, sizeof hash, "v1:%032d", next++);
      b.build_hash = hash;
      b.build_json = d;
      builds.push_back(std::move(b));
    }
    std::vector<store::InsertOutcome> outcomes;
    Status s = store->InsertBatch(builds, &outcomes);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
};

TEST(EngineStore, LoadsEverythingAndFollowsTheChangeFeed) {
  StoreFixture f;
  std::vector<std::string> corpus = StandardCorpus();
  f.Insert(std::vector<std::string>(corpus.begin(), corpus.begin() + 6));
  EngineOptions o;
  o.now_ms = 1561939200000;
  auto opened = OpenSearchEngine(f.store.get(), o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  SearchEngine& engine = **opened;
  EXPECT_EQ(engine.DocumentCount(), 6);
  EXPECT_EQ(engine.LastIndexedId(), 6);
  EXPECT_GE(engine.LoadSeconds(), 0.0);
  SearchResult r = engine.Search(R"({"query": {"term": {"target.channel": "beta"}}})");
  EXPECT_EQ(r.total_hits, 1);
  f.Insert(std::vector<std::string>(corpus.begin() + 6, corpus.end()));
  EXPECT_EQ(engine.DocumentCount(), 6);  // not yet
  ASSERT_TRUE(engine.CatchUp().ok());
  EXPECT_EQ(engine.DocumentCount(), 10);
  EXPECT_EQ(engine.LastIndexedId(), 10);
  r = engine.Search(R"({"query": {"term": {"target.channel": "beta"}}})");
  EXPECT_EQ(r.total_hits, 2);
  EXPECT_NE(r.body.find("\"_id\":\"8\""), std::string::npos);
  // Nothing new: nothing changes.
  ASSERT_TRUE(engine.CatchUp().ok());
  EXPECT_EQ(engine.DocumentCount(), 10);
}

TEST(EngineStore, LoadedSourcesMatchTheStoreByteForByte) {
  StoreFixture f;
  ingest::CorpusGenerator gen(99);
  std::vector<std::string> docs;
  for (int i = 0; i < 3000; ++i) docs.push_back(json::Write(gen.Next()));
  f.Insert(docs);
  auto opened = OpenSearchEngine(f.store.get());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  SearchEngine& engine = **opened;
  ASSERT_EQ(engine.DocumentCount(), 3000);
  for (int from = 0; from < 3000; from += 1000) {
    SearchResult r = engine.Search(R"({"size": 1000, "sort": "_doc", "from": )" + std::to_string(from) + "}");
    ASSERT_EQ(r.http_status, 200);
    size_t pos = 0;
    for (int i = from; i < from + 1000; ++i) {
      std::string expected = "\"_source\":{\"id\":" + std::to_string(i + 1) + "," + docs[i].substr(1);
      size_t at = r.body.find(expected, pos);
      ASSERT_NE(at, std::string::npos) << "document " << i + 1;
      pos = at + expected.size();
    }
  }
  // Every document is found by its own values.
  for (int i = 0; i < 3000; i += 97) {
    auto doc = json::Parse(docs[i]);
    ASSERT_TRUE(doc.ok());
    std::string url = doc->find("download")->find("url")->text();
    json::Value q = json::Value::Object();
    json::Value term = json::Value::Object();
    term.set("download.url", json::Value::String(url));
    json::Value wrap = json::Value::Object();
    wrap.set("term", std::move(term));
    q.set("query", std::move(wrap));
    SearchResult r = engine.Search(json::Write(q));
    EXPECT_NE(r.body.find("\"_id\":\"" + std::to_string(i + 1) + "\""), std::string::npos) << url;
  }
}

TEST(EngineStore, RefusesANullStore) {
  auto opened = OpenSearchEngine(nullptr);
  EXPECT_FALSE(opened.ok());
}

// ------------------------------------------------------- segment layout

std::vector<std::string> BiggerCorpus() {
  std::vector<std::string> out;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& d : StandardCorpus()) out.push_back(d);
  }
  DocSpec odd;
  odd.version = "60.0";
  odd.locale = "zz";
  odd.cc = "gcc -O2";
  out.push_back(MakeDoc(odd));
  return out;
}

std::string WithoutTook(std::string body) {
  size_t comma = body.find(',');
  return body.substr(comma);
}

TEST(EngineSegments, AnswersDoNotDependOnTheSegmentLayout) {
  std::vector<std::string> docs = BiggerCorpus();
  auto one = EngineInBatches(docs, docs.size());
  auto three = EngineInBatches(docs, 11);   // three segments
  auto many = EngineInBatches(docs, 1);     // merged along the way
  EXPECT_EQ(one->snapshot()->segments.size(), 1u);
  EXPECT_EQ(three->snapshot()->segments.size(), 3u);
  EXPECT_LE(many->snapshot()->segments.size(), Index::kMaxSegments + 1);
  std::vector<std::string> queries = {
      R"({"size": 50, "sort": [{"target.version": "asc"}, {"download.date": "desc"}]})",
      R"({"size": 50, "sort": [{"target.version": "desc"}]})",
      R"({"size": 50, "sort": [{"build.cc.keyword": {"order": "asc", "missing": "_first"}}]})",
      R"({"size": 50, "sort": [{"build.cc.keyword": {"order": "desc", "missing": "zz"}}]})",
      R"({"size": 50, "sort": [{"download.size": "desc"}, "_doc"]})",
      R"({"size": 5, "from": 7, "sort": [{"target.locale": "asc"}]})",
      R"({"sort": [{"target.version": "asc"}], "search_after": ["60.0.1"], "size": 50})",
      R"({"size": 0, "aggs": {"v": {"terms": {"field": "target.version", "size": 3}},
                              "all": {"terms": {"field": "target.version", "min_doc_count": 0, "order": {"_key": "desc"}}},
                              "c": {"cardinality": {"field": "target.version"}},
                              "m": {"terms": {"field": "build.cc.keyword", "missing": "none"}},
                              "n": {"terms": {"field": "build.number", "min_doc_count": 0}},
                              "h": {"date_histogram": {"field": "build.date", "interval": "quarter"}},
                              "s": {"stats": {"field": "download.size"}},
                              "t": {"terms": {"field": "target.channel"},
                                    "aggs": {"top": {"top_hits": {"size": 2, "sort": {"target.version": "desc"}}}}}}})",
      R"({"query": {"query_string": {"query": "firefox* 60*", "fields": ["source.product", "target.version^10"],
                                      "analyzer": "standard", "default_operator": "AND", "analyze_wildcard": true}},
          "size": 50, "highlight": {"fields": {"*": {}}}})",
      R"({"query": {"regexp": {"target.version": "6.*"}}, "size": 50})",
      R"({"query": {"match_phrase": {"build.cc": "clang -std"}}, "size": 50})",
      R"({"query": {"range": {"target.version": {"gte": "60.0.1", "lt": "68"}}}, "size": 50})",
      R"({"query": {"bool": {"should": [{"term": {"target.locale": "en-US"}}, {"term": {"target.channel": "beta"}}]}},
          "size": 50})",
      R"({"query": {"fuzzy": {"target.platform": "win63"}}, "size": 50})",
  };
  for (const std::string& q : queries) {
    SearchResult a = one->Search(q), b = three->Search(q), c = many->Search(q);
    ASSERT_EQ(a.http_status, 200) << q << a.body;
    EXPECT_EQ(WithoutTook(a.body), WithoutTook(b.body)) << q;
    EXPECT_EQ(WithoutTook(a.body), WithoutTook(c.body)) << q;
  }
}

TEST(EngineSegments, SearchesRunWhileBuildsArrive) {
  EngineOptions o;
  o.now_ms = 1561939200000;
  Engine engine(nullptr, o);
  std::vector<std::string> corpus = StandardCorpus();
  std::atomic<bool> done{false};
  std::atomic<int> checks{0};
  std::atomic<int> inconsistent{0};
  std::thread reader([&] {
    for (int i = 0; i < 100000 && !done.load(); ++i) {
      SearchResult r = engine.Search(R"({"size": 1, "aggs": {"p": {"terms": {"field": "source.product"}}}})");
      auto parsed = json::Parse(r.body);
      if (r.http_status != 200 || !parsed.ok()) {
        ++inconsistent;
        continue;
      }
      int64_t sum = 0;
      for (const auto& [k, c] : Buckets(Agg(*parsed, "p"))) sum += c;
      // One snapshot: the buckets add up to hits.total, a whole number of batches.
      if (sum != Total(*parsed) || Total(*parsed) % 10 != 0) ++inconsistent;
      ++checks;
    }
  });
  int64_t id = 1;
  for (int batch = 0; batch < 60; ++batch) {
    std::vector<IndexDocument> in;
    for (const std::string& d : corpus) in.push_back({id++, d});
    ASSERT_TRUE(engine.AddDocuments(in).ok());
  }
  done = true;
  reader.join();
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_GT(checks.load(), 0);
  EXPECT_EQ(engine.DocumentCount(), 600);
  EXPECT_LE(engine.snapshot()->segments.size(), Index::kMaxSegments + 1);
  EXPECT_EQ(Total(SearchOk(engine, R"({"query": {"term": {"target.channel": "beta"}}})")), 120);
}

TEST(EngineSegments, RedeliveredIdsAreSkipped) {
  std::vector<std::string> corpus = StandardCorpus();
  auto engine = EngineOf(corpus);
  std::vector<IndexDocument> again = {{3, corpus[0]}, {11, corpus[0]}};
  ASSERT_TRUE(engine->AddDocuments(again).ok());
  EXPECT_EQ(engine->DocumentCount(), 11);
  EXPECT_EQ(engine->LastIndexedId(), 11);
}

}  // namespace
}  // namespace buildhub::search::testing
