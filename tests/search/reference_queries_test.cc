// Every request of the reference material — reference/queries/*.json and
// the SearchKit bodies of reference/searchkit_requests.txt — against a small
// fixture corpus: the *.400.json ones give the original's exact errors, the
// others give what the oracle computes, and the documentation examples give
// the answers stated here by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "search/naive_evaluator.h"
#include "search/oracle_fixture.h"
#include "search/response_compare.h"
#include "search/searcher.h"
#include "store/store.h"
#include "support/fixtures.h"

namespace buildhub::search::oracle {
namespace {

constexpr int64_t kNow = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr const char* kOfficialBuildId = "20170713200529";

json::Value Parse(const std::string& text) {
  auto v = json::Parse(text);
  EXPECT_TRUE(v.ok()) << v.status().message();
  return v.ok() ? *v : json::Value();
}

json::Value Build(const std::string& product, const std::string& version, const std::string& channel,
                  const std::string& platform, const std::string& locale, const std::string& build_id,
                  const std::string& revision, int day) {
  char date[32];
  std::snprintf(date, sizeof date, "2017-07-%02dT20:05:29Z", 1 + day % 28);
  std::string text = R"({"build": {"id": ")" + build_id + R"(", "date": ")" + date +
                     R"("}, "source": {"product": ")" + product + R"(", "revision": ")" + revision +
                     R"(", "repository": "https://hg.mozilla.org/mozilla-central"}, "target": {"platform": ")" +
                     platform + R"(", "locale": ")" + locale + R"(", "version": ")" + version +
                     R"(", "channel": ")" + channel + R"("}, "download": {"url": "https://archive.invalid/)" +
                     product + "/" + version + "/" + platform + "/" + locale + R"(", "mimetype": "application/octet-stream", "size": )" +
                     std::to_string(40000000 + day * 1000) + R"(, "date": ")" + date + R"("}})";
  return Parse(text);
}

// The fixture: the documented examples' builds plus a slice of the
// generated corpus and the edge documents.
std::vector<json::Value> FixtureDocuments() {
  std::vector<json::Value> docs;
  // "Is 20170713200529 an official build id?": a nightly on four platforms.
  int day = 0;
  for (const char* platform : {"linux-i686", "linux-x86_64", "win32", "win64"}) {
    docs.push_back(Build("firefox", "56.0a1", "nightly", platform, "en-US", kOfficialBuildId,
                         "a3b4c5d6e7f8", ++day));
  }
  // 57.0b9 in three locales and two build ids (v1 docs).
  for (const char* locale : {"en-US", "fr", "de"}) {
    docs.push_back(Build("firefox", "57.0b9", "beta", "linux-x86_64", locale, "20171016185129", "b1", ++day));
  }
  docs.push_back(Build("firefox", "57.0b9", "beta", "win64", "en-US", "20171016190000", "b2", ++day));
  // DevEdition builds, 54.0 releases (PollBot links), 60.x and 68.0 versions.
  for (const char* platform : {"linux-x86_64", "macosx64"}) {
    docs.push_back(Build("devedition", "61.0b4", "aurora", platform, "en-US", "20180510160705", "c1", ++day));
  }
  for (const char* platform : {"linux-x86_64", "win64", "macosx64"}) {
    docs.push_back(Build("firefox", "54.0", "release", platform, "en-US", "20170608105825", "d1", ++day));
  }
  for (const char* version : {"60.0.1", "60.0.2", "60.1", "68.0", "68.0.1"}) {
    docs.push_back(Build("firefox", version, "release", "win32", "en-US", std::string("2019") + "0101000000", version, ++day));
  }
  docs.push_back(Build("fennec", "54.0", "release", "android-arm", "en-US", "20170608105826", "e1", ++day));
  // Generated builds, minus any that would change the hand-stated answers.
  for (auto& d : GeneratedDocuments(7, 300)) {
    const json::Value* build = d.find("build");
    const json::Value* id = build ? build->find("id") : nullptr;
    const json::Value* version = d.find("target")->find("version");
    if ((id && id->text() == kOfficialBuildId) || version->text() == "57.0b9") continue;
    docs.push_back(d);
  }
  for (auto& d : EdgeDocuments()) docs.push_back(d);
  return docs;
}

class ReferenceQueriesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto s = store::OpenStore("sqlite:" + (dir_->path() / "builds.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = s->release();
    docs_ = new std::vector<NaiveDoc>();
    ASSERT_TRUE(InsertDocuments(store_, FixtureDocuments(), docs_).ok());
    EngineOptions options;
    options.now_ms = kNow;
    auto e = OpenSearchEngine(store_, options);
    ASSERT_TRUE(e.ok()) << e.status().message();
    engine_ = e->release();
    oracle_ = new NaiveCorpus(*docs_);
  }
  static void TearDownTestSuite() {
    delete oracle_;
    delete engine_;
    delete store_;
    delete docs_;
    delete dir_;
  }

  struct Answer {
    int status = 0;
    json::Value body;
  };
  static Answer Ask(const std::string& body_text) {
    SearchResult r = engine_->Search(body_text);
    Answer a;
    a.status = r.http_status;
    auto v = json::Parse(r.body);
    EXPECT_TRUE(v.ok()) << "engine body is not JSON: " << r.body.substr(0, 300);
    if (v.ok()) a.body = *v;
    return a;
  }

  // A 200 body: agrees with the oracle, echoes aggregation names, has an
  // integer hits.total and a took.
  static void ExpectLikeOracle(const std::string& name, const std::string& body_text) {
    SCOPED_TRACE(name);
    json::Value body = Parse(body_text);
    NaiveResponse expected = oracle_->Evaluate(body, kNow);
    ASSERT_TRUE(expected.supported) << expected.unsupported_reason;
    ASSERT_EQ(expected.http_status, 200) << expected.error;
    Answer a = Ask(body_text);
    ASSERT_EQ(a.status, 200) << json::Write(a.body);
    for (const auto& d : CompareResponses(expected, a.status, a.body, 20)) ADD_FAILURE() << d;
    const json::Value* hits = a.body.find("hits");
    ASSERT_NE(hits, nullptr);
    ASSERT_NE(hits->find("total"), nullptr);
    EXPECT_TRUE(hits->find("total")->is_integer_literal()) << "hits.total must be an integer (ES 6)";
    ASSERT_NE(a.body.find("took"), nullptr);
    EXPECT_TRUE(a.body.find("took")->is_integer_literal());
    const json::Value* aggs = body.find("aggs");
    if (aggs == nullptr) aggs = body.find("aggregations");
    if (aggs != nullptr) {
      ASSERT_NE(a.body.find("aggregations"), nullptr);
      for (const auto& [agg_name, agg] : aggs->members()) {
        EXPECT_NE(a.body.find("aggregations")->find(agg_name), nullptr) << "aggregation " << agg_name << " not echoed";
      }
    }
    if (const json::Value* suggest = body.find("suggest")) {
      // Accepted; the page's phrase suggester on _all has nothing to offer.
      const json::Value* out = a.body.find("suggest");
      ASSERT_NE(out, nullptr) << "suggest requested but not answered";
      for (const auto& [sname, s] : suggest->members()) {
        if (sname == "text") continue;
        const json::Value* entries = out->find(sname);
        ASSERT_NE(entries, nullptr) << "suggester " << sname;
        ASSERT_TRUE(entries->is_array());
        for (const auto& e : entries->items()) {
          ASSERT_NE(e.find("options"), nullptr);
          EXPECT_EQ(e.find("options")->size(), 0u);
        }
      }
    }
  }

  static std::string Read(const std::string& relative) {
    return testing::ReadFileOrDie(testing::SharedReference(relative));
  }

  static testing::TempDir* dir_;
  static store::BuildStore* store_;
  static std::vector<NaiveDoc>* docs_;
  static SearchEngine* engine_;
  static NaiveCorpus* oracle_;
};

testing::TempDir* ReferenceQueriesTest::dir_ = nullptr;
store::BuildStore* ReferenceQueriesTest::store_ = nullptr;
std::vector<NaiveDoc>* ReferenceQueriesTest::docs_ = nullptr;
SearchEngine* ReferenceQueriesTest::engine_ = nullptr;
NaiveCorpus* ReferenceQueriesTest::oracle_ = nullptr;

std::vector<std::string> QueryFiles() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SharedReference("queries"))) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(ReferenceQueriesTest, EveryQueryFileIsAnswered) {
  std::vector<std::string> files = QueryFiles();
  ASSERT_GE(files.size(), 16u);
  int refused = 0, answered = 0;
  for (const auto& file : files) {
    std::string text = Read("queries/" + file);
    if (file.size() > 9 && file.compare(file.size() - 9, 9, ".400.json") == 0) {
      SCOPED_TRACE(file);
      Answer a = Ask(text);
      EXPECT_EQ(a.status, 400);
      // The oracle refuses it too.
      EXPECT_EQ(oracle_->Evaluate(Parse(text), kNow).http_status, 400);
      ++refused;
    } else {
      ExpectLikeOracle(file, text);
      ++answered;
    }
  }
  EXPECT_EQ(refused, 5);
  EXPECT_GE(answered, 11);
}

TEST_F(ReferenceQueriesTest, RefusalsCarryTheOriginalMessages) {
  auto error_text = [](const Answer& a) -> std::string {
    const json::Value* e = a.body.find("error");
    if (e == nullptr) return "(no error member)";
    return e->is_string() ? e->text() : json::Write(*e);
  };
  Answer agg = Ask(Read("queries/test-bad-aggregation-keys.400.json"));
  EXPECT_EQ(agg.status, 400);
  EXPECT_EQ(error_text(agg), "DSL class `date` does not exist in agg.");

  Answer window = Ask(Read("queries/test-invalid-from-plus-size.400.json"));
  EXPECT_EQ(window.status, 400);
  EXPECT_NE(error_text(window).find("Result window is too large, from + size must be less than or equal to: "),
            std::string::npos)
      << error_text(window);

  Answer empty = Ask(Read("queries/test-search-empty-filter.400.json"));
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(error_text(empty),
            "Q() can only accept dict with a single query ({\"match\": {...}}). Instead it got ({})");

  // ES's own RequestError body is passed through: error.reason.
  Answer term = Ask(Read("queries/test-search-requesterror.400.json"));
  EXPECT_EQ(term.status, 400);
  const json::Value* e = term.body.find("error");
  ASSERT_NE(e, nullptr);
  ASSERT_TRUE(e->is_object()) << json::Write(term.body);
  ASSERT_NE(e->find("reason"), nullptr);
  EXPECT_EQ(e->find("reason")->text(), "field name is null or empty");

  Answer size = Ask(Read("queries/test-search-unbound-size.400.json"));
  EXPECT_EQ(size.status, 400);
  EXPECT_EQ(error_text(size), "Search size too large (1001)");

  Answer json_error = Ask("}not valid JSON{");
  EXPECT_EQ(json_error.status, 400);
  EXPECT_EQ(error_text(json_error), "Expecting value: line 1 column 1 (char 0)");
}

TEST_F(ReferenceQueriesTest, EverySearchKitRequestIsAnswered) {
  std::string text = Read("searchkit_requests.txt");
  std::vector<std::pair<std::string, std::string>> bodies;
  size_t pos = 0;
  while ((pos = text.find("### ", pos)) != std::string::npos) {
    size_t eol = text.find('\n', pos);
    size_t next = text.find("\n### ", eol);
    std::string heading = text.substr(pos + 4, eol - pos - 4);
    std::string body = text.substr(eol + 1, next == std::string::npos ? std::string::npos : next - eol - 1);
    bodies.emplace_back(heading, body);
    pos = next == std::string::npos ? text.size() : next + 1;
  }
  ASSERT_EQ(bodies.size(), 5u);
  for (const auto& [heading, body] : bodies) ExpectLikeOracle(heading, body);
}

// The documentation's examples, with answers stated by hand for the fixture.
TEST_F(ReferenceQueriesTest, DocumentationExamplesByHand) {
  Answer official = Ask(Read("queries/docs-is-official-buildid.json"));
  ASSERT_EQ(official.status, 200);
  EXPECT_EQ(json::Write(*official.body.find("hits")->find("total")), "4");
  EXPECT_EQ(official.body.find("hits")->find("hits")->size(), 0u);

  Answer platforms = Ask(Read("queries/docs-platforms-for-buildid.json"));
  ASSERT_EQ(platforms.status, 200);
  EXPECT_EQ(json::Write(*platforms.body.find("aggregations")->find("platforms")),
            R"({"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[)"
            R"({"key":"linux-i686","doc_count":1},{"key":"linux-x86_64","doc_count":1},)"
            R"({"key":"win32","doc_count":1},{"key":"win64","doc_count":1}]})");

  Answer revision = Ask(Read("queries/docs-revision-for-buildid.json"));
  ASSERT_EQ(revision.status, 200);
  ASSERT_EQ(revision.body.find("hits")->find("hits")->size(), 1u);
  const json::Value& hit = revision.body.find("hits")->find("hits")->items()[0];
  EXPECT_EQ(hit.find("_source")->find("source")->find("revision")->text(), "a3b4c5d6e7f8");
  EXPECT_EQ(hit.find("_source")->find("build")->find("id")->text(), kOfficialBuildId);
  EXPECT_EQ(hit.find("_id")->text(), std::to_string(hit.find("_source")->find("id")->as_int64().value_or(-1)));

  Answer build_ids = Ask(Read("queries/v1docs-buildids-for-version.json"));
  ASSERT_EQ(build_ids.status, 200);
  EXPECT_EQ(json::Write(*build_ids.body.find("aggregations")->find("build_ids")->find("buckets")),
            R"([{"key":"20171016190000","doc_count":1},{"key":"20171016185129","doc_count":3}])");

  Answer locales = Ask(Read("queries/v1docs-locales-for-version.json"));
  ASSERT_EQ(locales.status, 200);
  EXPECT_EQ(json::Write(*locales.body.find("aggregations")->find("locales")->find("buckets")),
            R"([{"key":"de","doc_count":1},{"key":"en-US","doc_count":2},{"key":"fr","doc_count":1}])");

  Answer devedition = Ask(Read("queries/v1docs-devedition-filter.json"));
  ASSERT_EQ(devedition.status, 200);
  int64_t expected_devedition = 0;
  for (const auto& d : *docs_) {
    if (d.document.find("source")->find("product")->text() == "devedition") ++expected_devedition;
  }
  EXPECT_GE(expected_devedition, 3);  // two of ours, one edge document, and generated ones
  EXPECT_EQ(*devedition.body.find("hits")->find("total")->as_exact_int64(), expected_devedition);
  for (const auto& h : devedition.body.find("hits")->find("hits")->items()) {
    EXPECT_EQ(h.find("_source")->find("source")->find("product")->text(), "devedition");
  }
}

// The API test test_search_aggregations, exactly: three builds.
TEST(ReferenceQueriesSmallTest, SearchAggregationsAsTheOriginalTests) {
  testing::TempDir dir;
  auto s = store::OpenStore("sqlite:" + (dir.path() / "builds.db").string());
  ASSERT_TRUE(s.ok()) << s.status().message();
  std::vector<json::Value> three;
  int day = 0;
  for (const char* v : {"60.0.1", "60.0.2", "60.1"}) {
    three.push_back(Build("firefox", v, "release", "linux-x86_64", "en-US", "20180101000000", v, ++day));
  }
  std::vector<NaiveDoc> docs;
  ASSERT_TRUE(InsertDocuments(s->get(), three, &docs).ok());
  auto engine = OpenSearchEngine(s->get(), {});
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  std::string body = testing::ReadFileOrDie(testing::SharedReference("queries/test-search-aggregations.json"));
  SearchResult r = (*engine)->Search(body);
  ASSERT_EQ(r.http_status, 200) << r.body;
  auto v = json::Parse(r.body);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(json::Write(*v->find("hits")->find("total")), "3");
  EXPECT_EQ(v->find("hits")->find("hits")->size(), 0u);
  const json::Value* versions = v->find("aggregations")->find("versions");
  ASSERT_NE(versions, nullptr);
  EXPECT_EQ(json::Write(*versions->find("target.version")->find("buckets")),
            R"([{"key":"60.1","doc_count":1},{"key":"60.0.2","doc_count":1},{"key":"60.0.1","doc_count":1}])");
  EXPECT_EQ(json::Write(*versions->find("target.version_count")), R"({"value":3})");

  std::string narrower = body;
  narrower.replace(narrower.find("\"6.*\""), 5, "\"60.0.*\"");
  SearchResult r2 = (*engine)->Search(narrower);
  auto v2 = json::Parse(r2.body);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->find("aggregations")->find("versions")->find("target.version")->find("buckets")->size(), 2u);
}

}  // namespace
}  // namespace buildhub::search::oracle
