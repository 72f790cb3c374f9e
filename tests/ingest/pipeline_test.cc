// The ingest pipeline end to end on a real SQLite store: samples, the
// release→beta rule, de-duplication, and every kind of bad input.
#include "ingest/pipeline.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "core/schema.h"
#include "ingest/document.h"
#include "ingest/generate.h"
#include "store/store.h"
#include "support/fixtures.h"

namespace buildhub::ingest {
namespace {

using testing::ReadFileOrDie;
using testing::SharedReference;

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenStore("sqlite:" + (dir_ / "test.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    schema_ = Schema::Default();
    prepare_.schema = schema_.get();
  }

  IngestStats Ingest(const std::vector<SourceItem>& items, PrepareOptions prepare,
                     PipelineOptions options = {}) {
    Pipeline pipeline(store_.get(), prepare, options);
    for (const auto& item : items) {
      Status s = pipeline.Add(item);
      EXPECT_TRUE(s.ok()) << s.message();
    }
    Status s = pipeline.Flush();
    EXPECT_TRUE(s.ok()) << s.message();
    return pipeline.stats();
  }

  std::vector<store::RejectedBuild> Rejected() {
    std::vector<store::RejectedBuild> out;
    EXPECT_TRUE(store_->ListRejected(0, 1000, &out).ok());
    return out;
  }

  int64_t Count() { return *store_->CountBuilds(); }

  testing::TempDir dir_;
  std::unique_ptr<store::BuildStore> store_;
  std::shared_ptr<const Schema> schema_;
  PrepareOptions prepare_;
};

SourceItem Item(std::string key, std::string bytes) {
  SourceItem item;
  item.key = std::move(key);
  item.bytes = std::move(bytes);
  return item;
}

TEST_F(PipelineTest, FirefoxReleaseIsStoredTwiceFennecOnce) {
  auto stats = Ingest({Item("release", ReadFileOrDie(SharedReference("samples/valid-buildhub-release-channel.json"))),
                       Item("fennec", ReadFileOrDie(SharedReference("samples/valid-buildhub-fennec-release-channel.json")))},
                      prepare_);
  EXPECT_EQ(stats.documents, 2);
  EXPECT_EQ(stats.inserted, 3);
  EXPECT_EQ(Count(), 3);
  // The hashes are the original's: release, its beta copy, fennec.
  std::vector<std::string> hashes;
  std::vector<std::string> channels;
  ASSERT_TRUE(store_->ScanBuilds(0, 0, [&](const store::StoredBuild& b) {
    hashes.push_back(b.build_hash);
    auto doc = json::Parse(b.build_json);
    channels.push_back(doc->find("target")->find("channel")->text());
    return true;
  }).ok());
  EXPECT_EQ(hashes, (std::vector<std::string>{"v1:0fb6ab83ce79fbd25768bf634560a028",
                                               "v1:05d126393410706e52b4af23712038d5",
                                               "v1:1301f20f89e294ac3d9829d4a22055b0"}));
  EXPECT_EQ(channels, (std::vector<std::string>{"release", "beta", "release"}));
}

TEST_F(PipelineTest, ReleaseToBetaCanBeTurnedOff) {
  PrepareOptions prepare = prepare_;
  prepare.release_to_beta = false;
  auto stats = Ingest({Item("release", ReadFileOrDie(SharedReference("samples/valid-buildhub-release-channel.json")))}, prepare);
  EXPECT_EQ(stats.inserted, 1);
  EXPECT_EQ(Count(), 1);
}

TEST_F(PipelineTest, StoredDocumentKeepsOriginalStringsAndOrder) {
  std::string bytes = ReadFileOrDie(SharedReference("samples/valid-buildhub.json"));
  Ingest({Item("sample", bytes)}, prepare_);
  auto stored = store_->GetBuild(1);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->build_json, json::Write(*json::Parse(bytes)));
  EXPECT_EQ((*stored)->build_hash, "v1:465552ab2ea1b5039a086987b70c598c");
  EXPECT_EQ((*stored)->s3_object_key, "sample");
}

TEST_F(PipelineTest, SameBuildsTwiceAreStoredOnce) {
  CorpusGenerator generator(7);
  std::vector<SourceItem> items;
  for (int i = 0; i < 10000; ++i) items.push_back(Item("doc" + std::to_string(i), json::Write(generator.Next())));
  PrepareOptions prepare = prepare_;
  prepare.release_to_beta = false;
  auto first = Ingest(items, prepare);
  EXPECT_EQ(first.inserted, 10000);
  EXPECT_EQ(first.duplicates, 0);
  auto second = Ingest(items, prepare);
  EXPECT_EQ(second.inserted, 0);
  EXPECT_EQ(second.duplicates, 10000);
  EXPECT_EQ(Count(), 10000);
}

TEST_F(PipelineTest, OnResultReportsEachItemInOrder) {
  std::vector<std::pair<std::string, Outcome>> seen;
  PipelineOptions options;
  options.batch_size = 2;
  options.on_result = [&](const ItemResult& r) { seen.emplace_back(r.item->key, r.outcome); };
  std::string sample = ReadFileOrDie(SharedReference("samples/valid-buildhub.json"));
  Ingest({Item("a", sample), Item("b", "{"), Item("c", sample)}, prepare_, options);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_pair(std::string("a"), Outcome::kInserted));
  EXPECT_EQ(seen[1], std::make_pair(std::string("b"), Outcome::kRejected));
  EXPECT_EQ(seen[2], std::make_pair(std::string("c"), Outcome::kDuplicate));
}

// Every bad input of the issue: rejected with a clear reason naming the rule,
// recorded in the rejected-builds table, and the run goes on.
TEST_F(PipelineTest, BadInputsAreRejectedWithReasonsAndTheRunGoesOn) {
  std::string sample = ReadFileOrDie(SharedReference("samples/valid-buildhub.json"));
  auto doc = *json::Parse(sample);
  auto with = [&](const std::function<void(json::Value&)>& edit) {
    json::Value copy = doc;
    edit(copy);
    return json::Write(copy);
  };
  std::string huge_int = sample;
  huge_int.replace(huge_int.find("64504466"), 8, "123456789012345678901234567890");

  struct Case {
    std::string key;
    std::string bytes;
    std::string expected;  // a substring of the first reason
  };
  std::vector<Case> cases = {
      {"not-json", "this is not JSON", "invalid JSON: Expecting value: line 1 column 1 (char 0)"},
      {"truncated", sample.substr(0, sample.size() / 2), "invalid JSON"},
      {"empty", "", "empty document"},
      {"array", "[1, 2]", "expected"},
      {"number", "42", "expected"},
      {"invalid-utf8", "{\"build\": \"\xff\xfe\"}", "invalid UTF-8"},
      {"deep", std::string(100000, '[') + std::string(100000, ']'), "nesting deeper than"},
      {"big-int", huge_int, "download.size"},
      {"extra-root", with([](json::Value& d) { d.set("junk", json::Value::Int(1)); }), "junk"},
      {"extra-nested", with([](json::Value& d) { d.find("target")->set("junk", json::Value::Int(1)); }), "junk"},
      {"missing-target", with([](json::Value& d) { d.erase("target"); }), "target"},
      {"string-size", with([](json::Value& d) { d.find("download")->set("size", json::Value::String("1")); }),
       "download.size"},
      {"bool-size", with([](json::Value& d) { d.find("download")->set("size", json::Value::Bool(true)); }),
       "download.size"},
      {"bad-enum", with([](json::Value& d) { d.find("target")->set("os", json::Value::String("beos")); }),
       "target.os"},
  };
  std::vector<SourceItem> items;
  for (const auto& c : cases) items.push_back(Item(c.key, c.bytes));
  items.push_back(Item("good", sample));
  auto stats = Ingest(items, prepare_);
  EXPECT_EQ(stats.rejected, static_cast<int64_t>(cases.size()));
  EXPECT_EQ(stats.inserted, 1);
  EXPECT_EQ(Count(), 1);

  auto rejected = Rejected();
  ASSERT_EQ(rejected.size(), cases.size());
  for (const auto& c : cases) {
    auto it = std::find_if(rejected.begin(), rejected.end(),
                           [&](const store::RejectedBuild& r) { return r.object_key == c.key; });
    ASSERT_NE(it, rejected.end()) << c.key;
    auto errors = json::Parse(it->errors_json);
    ASSERT_TRUE(errors.ok() && errors->is_array() && !errors->items().empty()) << c.key << ": " << it->errors_json;
    std::string all;
    for (const auto& e : errors->items()) all += e.text() + "\n";
    EXPECT_NE(all.find(c.expected), std::string::npos) << c.key << ": " << all;
    EXPECT_EQ(it->source, "local");
    EXPECT_EQ(it->etag.size(), 32u) << "md5 of the bytes stands in for the ETag";
  }
}

TEST_F(PipelineTest, WrongTypeAtEveryFieldIsRejectedNamingTheField) {
  auto doc = *json::Parse(ReadFileOrDie(SharedReference("samples/valid-buildhub.json")));
  std::vector<SourceItem> items;
  std::vector<std::string> paths;
  for (const auto& section : doc.members()) {
    for (const auto& field : section.second.members()) {
      json::Value copy = doc;
      // A string where an integer is expected, an object where a string is.
      json::Value wrong = field.second.is_string() ? json::Value::Object() : json::Value::String("x");
      copy.find(section.first)->set(field.first, wrong);
      std::string path = section.first + "." + field.first;
      paths.push_back(path);
      items.push_back(Item(path, json::Write(copy)));
    }
  }
  ASSERT_GE(items.size(), 20u);
  auto stats = Ingest(items, prepare_);
  EXPECT_EQ(stats.rejected, static_cast<int64_t>(items.size()));
  for (const auto& r : Rejected()) {
    EXPECT_NE(r.errors_json.find(r.object_key), std::string::npos) << r.errors_json;
  }
}

TEST_F(PipelineTest, Utf8BomIsTolerated) {
  std::string sample = ReadFileOrDie(SharedReference("samples/valid-buildhub.json"));
  auto stats = Ingest({Item("bom", "\xEF\xBB\xBF" + sample)}, prepare_);
  EXPECT_EQ(stats.inserted, 1);
  EXPECT_EQ(stats.rejected, 0);
}

TEST_F(PipelineTest, OversizedDocumentIsRejectedBeforeParsing) {
  PrepareOptions prepare = prepare_;
  prepare.max_document_bytes = 100;
  auto stats = Ingest({Item("big", std::string(1000, ' '))}, prepare);
  EXPECT_EQ(stats.rejected, 1);
  EXPECT_NE(Rejected().front().errors_json.find("larger than the limit of 100 bytes"), std::string::npos);
}

TEST_F(PipelineTest, RejectingTheSameFileAgainUpdatesItsRow) {
  Ingest({Item("bad", "{")}, prepare_);
  Ingest({Item("bad", "{")}, prepare_);
  auto rejected = Rejected();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected.front().attempts, 2);
}

}  // namespace
}  // namespace buildhub::ingest
