// The BuildStore behaviour every backend must have. Runs once per factory in
// AllStoreFactories() (store_factory.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "store/store.h"
#include "store_factory.h"
#include "store_test_util.h"

namespace buildhub::store::testing {
namespace {

using ::testing::HasSubstr;

class StoreSuite : public ::testing::TestWithParam<FactoryMaker> {
 protected:
  void SetUp() override {
    factory_ = GetParam().make();
    store_ = OpenOrDie();
  }

  std::unique_ptr<BuildStore> OpenOrDie(const OpenOptions& options = {}) {
    auto store = factory_->Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::vector<InsertOutcome> InsertOrDie(const std::vector<NewBuild>& builds) {
    std::vector<InsertOutcome> outcomes;
    Status status = store_->InsertBatch(builds, &outcomes);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return outcomes;
  }

  int64_t Count() {
    auto count = store_->CountBuilds();
    EXPECT_TRUE(count.ok()) << count.status().ToString();
    return count.ok() ? *count : -1;
  }

  std::vector<StoredBuild> ScanAll(int64_t after = 0, size_t limit = 0) {
    std::vector<StoredBuild> seen;
    Status status = store_->ScanBuilds(after, limit, [&](const StoredBuild& b) {
      seen.push_back(b);
      return true;
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return seen;
  }

  std::unique_ptr<StoreFactory> factory_;
  std::unique_ptr<BuildStore> store_;
};

bool IsUtcMicros(const std::string& text) {
  static const std::regex pattern(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
  return std::regex_match(text, pattern);
}

TEST_P(StoreSuite, OpensEmptyAtTheLatestSchema) {
  ASSERT_NE(store_, nullptr);
  EXPECT_FALSE(store_->backend().empty());
  EXPECT_FALSE(store_->read_only());
  EXPECT_EQ(Count(), 0);
  auto max_id = store_->MaxBuildId();
  ASSERT_TRUE(max_id.ok());
  EXPECT_EQ(*max_id, 0);
  auto version = store_->SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_GE(*version, 1);
  EXPECT_TRUE(store_->Ping().ok());
  auto rejected = store_->CountRejected();
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(*rejected, 0);
}

TEST_P(StoreSuite, InsertReportsOutcomesIdsAndStoresEveryField) {
  auto builds = MakeBuilds(1, 3);
  builds[1].metadata_json = R"({"version":"Testing","skip_validation":true})";
  builds[2].s3_object_key = "";
  builds[2].s3_object_etag = "";
  auto before = std::chrono::system_clock::now();
  auto outcomes = InsertOrDie(builds);
  ASSERT_EQ(outcomes.size(), 3u);
  for (const auto& o : outcomes) EXPECT_TRUE(o.inserted);
  EXPECT_LT(outcomes[0].id, outcomes[1].id);
  EXPECT_LT(outcomes[1].id, outcomes[2].id);
  EXPECT_EQ(Count(), 3);
  auto max_id = store_->MaxBuildId();
  ASSERT_TRUE(max_id.ok());
  EXPECT_EQ(*max_id, outcomes[2].id);

  for (size_t i = 0; i < builds.size(); ++i) {
    auto got = store_->GetBuild(outcomes[i].id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_TRUE(got->has_value());
    const StoredBuild& b = **got;
    EXPECT_EQ(b.id, outcomes[i].id);
    EXPECT_EQ(b.build_hash, builds[i].build_hash);
    EXPECT_EQ(b.build_json, builds[i].build_json);
    EXPECT_EQ(b.metadata_json, builds[i].metadata_json);
    EXPECT_EQ(b.s3_object_key, builds[i].s3_object_key);
    EXPECT_EQ(b.s3_object_etag, builds[i].s3_object_etag);
    EXPECT_TRUE(IsUtcMicros(b.created_at)) << b.created_at;
  }
  // created_at is "now" in UTC (text order is time order at fixed width).
  auto got = store_->GetBuild(outcomes[0].id);
  ASSERT_TRUE(got.ok() && got->has_value());
  std::time_t t = std::chrono::system_clock::to_time_t(before - std::chrono::seconds(5));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char floor[32];
  std::strftime(floor, sizeof floor, "%Y-%m-%dT%H:%M:%S", &tm);
  EXPECT_GT((*got)->created_at, std::string(floor));
}

TEST_P(StoreSuite, DedupesWithinABatch) {
  auto a = MakeBuild(1);
  auto b = MakeBuild(2);
  auto a_again = a;
  a_again.s3_object_key = "another/key/buildhub.json";
  auto outcomes = InsertOrDie({a, b, a_again});
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_TRUE(outcomes[0].inserted);
  EXPECT_TRUE(outcomes[1].inserted);
  EXPECT_FALSE(outcomes[2].inserted);
  EXPECT_EQ(Count(), 2);
  auto first = store_->GetBuild(outcomes[0].id);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->s3_object_key, a.s3_object_key);  // the first one stays
}

TEST_P(StoreSuite, DedupesAcrossBatches) {
  auto first = InsertOrDie(MakeBuilds(1, 2));  // 1, 2
  auto second = InsertOrDie(MakeBuilds(2, 2));  // 2, 3
  ASSERT_EQ(second.size(), 2u);
  EXPECT_FALSE(second[0].inserted);
  EXPECT_TRUE(second[1].inserted);
  EXPECT_GT(second[1].id, first[1].id);
  EXPECT_EQ(Count(), 3);
  auto again = InsertOrDie(MakeBuilds(1, 3));
  for (const auto& o : again) EXPECT_FALSE(o.inserted);
  EXPECT_EQ(Count(), 3);
}

TEST_P(StoreSuite, EmptyBatchIsFine) {
  std::vector<InsertOutcome> outcomes = {InsertOutcome{true, 7}};
  EXPECT_TRUE(store_->InsertBatch({}, &outcomes).ok());
  EXPECT_TRUE(outcomes.empty());
  EXPECT_EQ(Count(), 0);
}

TEST_P(StoreSuite, InvalidBuildFailsTheWholeBatchNamingIt) {
  auto builds = MakeBuilds(1, 3);
  builds[1].build_hash = "";
  std::vector<InsertOutcome> outcomes;
  Status status = store_->InsertBatch(builds, &outcomes);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("builds[1]"));
  EXPECT_TRUE(outcomes.empty());
  EXPECT_EQ(Count(), 0);

  builds = MakeBuilds(1, 2);
  builds[1].metadata_json = "{not json";
  status = store_->InsertBatch(builds, &outcomes);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(builds[1].build_hash));
  builds[1].metadata_json = "[1]";
  EXPECT_EQ(store_->InsertBatch(builds, &outcomes).code(), StatusCode::kInvalidArgument);
  builds[1].metadata_json = "{}";
  builds[1].build_json = "";
  EXPECT_EQ(store_->InsertBatch(builds, &outcomes).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(), 0);
}

TEST_P(StoreSuite, StoresHostileStringsVerbatim) {
  NewBuild b = MakeBuild(1);
  b.build_json = "{\"a\": 1.0,  \"b\":\"'; DROP TABLE main_build; --\",\"c\":\"\xC3\xA9\xF0\x9F\x98\x80\","
                 "\"n\":123456789012345678901234567890}";
  b.s3_object_key = "pub/it's \"quoted\"/\xE2\x9C\x93/%00?x=1#frag/buildhub.json";
  b.s3_object_etag = "\"abc\"";
  auto outcomes = InsertOrDie({b});
  ASSERT_EQ(outcomes.size(), 1u);
  auto got = store_->GetBuild(outcomes[0].id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->build_json, b.build_json);
  EXPECT_EQ((*got)->s3_object_key, b.s3_object_key);
  EXPECT_EQ((*got)->s3_object_etag, b.s3_object_etag);
  EXPECT_EQ(Count(), 1);
}

TEST_P(StoreSuite, GetBuildOfAnUnknownIdIsEmpty) {
  InsertOrDie(MakeBuilds(1, 1));
  for (int64_t id : {int64_t{0}, int64_t{-1}, int64_t{999999}, INT64_MAX, INT64_MIN}) {
    auto got = store_->GetBuild(id);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_FALSE(got->has_value()) << id;
  }
}

TEST_P(StoreSuite, ScanBuildsInIdOrderWithLimitAndEarlyStop) {
  std::vector<int64_t> ids;
  for (int batch = 0; batch < 5; ++batch) {
    for (const auto& o : InsertOrDie(MakeBuilds(batch * 5, 5))) ids.push_back(o.id);
  }
  ASSERT_EQ(ids.size(), 25u);

  auto all = ScanAll();
  ASSERT_EQ(all.size(), 25u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].id, ids[i]);
    EXPECT_EQ(all[i].build_hash, MakeBuild(static_cast<int>(i)).build_hash);
    EXPECT_EQ(all[i].build_json, MakeBuild(static_cast<int>(i)).build_json);
  }

  auto page = ScanAll(ids[9], 5);
  ASSERT_EQ(page.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(page[i].id, ids[10 + i]);

  EXPECT_TRUE(ScanAll(ids.back()).empty());
  EXPECT_EQ(ScanAll(-100).size(), 25u);

  int calls = 0;
  Status status = store_->ScanBuilds(0, 0, [&](const StoredBuild&) { return ++calls < 3; });
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(calls, 3);
}

TEST_P(StoreSuite, ScanFollowsNewBuildsLikeAChangeFeed) {
  InsertOrDie(MakeBuilds(0, 3));
  auto max_id = store_->MaxBuildId();
  ASSERT_TRUE(max_id.ok());
  EXPECT_TRUE(ScanAll(*max_id).empty());
  auto added = InsertOrDie(MakeBuilds(3, 2));
  auto fresh = ScanAll(*max_id);
  ASSERT_EQ(fresh.size(), 2u);
  EXPECT_EQ(fresh[0].id, added[0].id);
  EXPECT_EQ(fresh[1].id, added[1].id);
}

TEST_P(StoreSuite, CallbacksMayCallBackIntoTheStore) {
  InsertOrDie(MakeBuilds(0, 3));
  int seen = 0;
  Status status = store_->ScanBuilds(0, 0, [&](const StoredBuild& b) {
    auto again = store_->GetBuild(b.id);
    EXPECT_TRUE(again.ok() && again->has_value());
    auto count = store_->CountBuilds();
    EXPECT_TRUE(count.ok());
    ++seen;
    return true;
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(seen, 3);

  int keys = 0;
  status = store_->ForEachObjectKey([&](std::string_view key, std::string_view) {
    auto hash = MakeBuild(keys).build_hash;
    EXPECT_TRUE(store_->UpdateEtag(key, hash, "updated").ok());
    ++keys;
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(keys, 3);
}

TEST_P(StoreSuite, RejectionsAreUpsertedAndListedNewestFirst) {
  ASSERT_TRUE(store_->RecordRejections(std::vector<Rejection>{
      Rejection{"sqs", "pub/a/buildhub.json", "e1", R"(["build.date: is required"])"},
      Rejection{"backfill", "pub/b/buildhub.json", "", R"j(["Expecting value: line 1 column 1 (char 0)"])j"},
  }).ok());
  std::vector<RejectedBuild> list;
  ASSERT_TRUE(store_->ListRejected(0, 10, &list).ok());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].object_key, "pub/b/buildhub.json");
  EXPECT_EQ(list[0].source, "backfill");
  EXPECT_EQ(list[0].etag, "");
  EXPECT_EQ(list[1].object_key, "pub/a/buildhub.json");
  EXPECT_EQ(list[1].attempts, 1);
  EXPECT_TRUE(IsUtcMicros(list[1].rejected_at)) << list[1].rejected_at;
  EXPECT_EQ(list[1].rejected_at, list[1].last_seen_at);
  const std::string first_seen = list[1].rejected_at;

  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // Same source+key+etag: updates instead of adding.
  ASSERT_TRUE(store_->RecordRejections(std::vector<Rejection>{Rejection{"sqs", "pub/a/buildhub.json", "e1",
                                                  R"(["target.version: is required"])"}})
                  .ok());
  auto count = store_->CountRejected();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
  ASSERT_TRUE(store_->ListRejected(0, 0, &list).ok());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].object_key, "pub/a/buildhub.json");  // seen most recently
  EXPECT_EQ(list[0].attempts, 2);
  EXPECT_EQ(list[0].errors_json, R"(["target.version: is required"])");
  EXPECT_EQ(list[0].rejected_at, first_seen);
  EXPECT_GT(list[0].last_seen_at, first_seen);

  // A new ETag or another source is another rejection.
  ASSERT_TRUE(store_->RecordRejections(std::vector<Rejection>{
      Rejection{"sqs", "pub/a/buildhub.json", "e2", "[]"},
      Rejection{"local", "pub/a/buildhub.json", "e1", "[]"},
  }).ok());
  count = store_->CountRejected();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 4);

  // Paging.
  ASSERT_TRUE(store_->ListRejected(1, 2, &list).ok());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].source, "sqs");
  EXPECT_EQ(list[0].etag, "e2");
  EXPECT_EQ(list[1].etag, "e1");
  ASSERT_TRUE(store_->ListRejected(4, 10, &list).ok());
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(store_->ListRejected(-1, 10, &list).code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreSuite, BadRejectionsAreRefusedWhole) {
  Status status = store_->RecordRejections(std::vector<Rejection>{
      Rejection{"sqs", "k1", "", "[]"},
      Rejection{"sqs", "k2", "", "not json"},
  });
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("k2"));
  EXPECT_EQ(store_->RecordRejections(std::vector<Rejection>{Rejection{"", "k", "", "[]"}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->RecordRejections(std::vector<Rejection>{Rejection{"sqs", "", "", "[]"}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->RecordRejections(std::vector<Rejection>{Rejection{"sqs", "k", "", "{}"}}).code(),
            StatusCode::kInvalidArgument);
  auto count = store_->CountRejected();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

TEST_P(StoreSuite, StateRoundTrips) {
  auto missing = store_->GetState("backfill.page");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(store_->SetState("backfill.page", "token-1").ok());
  ASSERT_TRUE(store_->SetState("kinto.url", "").ok());
  ASSERT_TRUE(store_->SetState("backfill.page", "token-2 \xC3\xA9 '\"").ok());
  auto got = store_->GetState("backfill.page");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, "token-2 \xC3\xA9 '\"");
  got = store_->GetState("kinto.url");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, "");
  EXPECT_EQ(store_->SetState("", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetState("").status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreSuite, UpdateEtagTouchesOnlyTheMatchingRow) {
  auto a = MakeBuild(1);
  auto b = MakeBuild(2);
  b.s3_object_key = a.s3_object_key;  // same key, other content
  auto outcomes = InsertOrDie({a, b});
  ASSERT_TRUE(store_->UpdateEtag(a.s3_object_key, a.build_hash, "new-etag").ok());
  auto got_a = store_->GetBuild(outcomes[0].id);
  auto got_b = store_->GetBuild(outcomes[1].id);
  ASSERT_TRUE(got_a.ok() && got_a->has_value() && got_b.ok() && got_b->has_value());
  EXPECT_EQ((*got_a)->s3_object_etag, "new-etag");
  EXPECT_EQ((*got_b)->s3_object_etag, b.s3_object_etag);

  // No matching row: nothing changes, no error (the original ignores it).
  EXPECT_TRUE(store_->UpdateEtag("no/such/key", a.build_hash, "x").ok());
  EXPECT_TRUE(store_->UpdateEtag(a.s3_object_key, "v1:nope", "x").ok());
  EXPECT_EQ(store_->UpdateEtag("", a.build_hash, "x").code(), StatusCode::kInvalidArgument);
  got_a = store_->GetBuild(outcomes[0].id);
  ASSERT_TRUE(got_a.ok() && got_a->has_value());
  EXPECT_EQ((*got_a)->s3_object_etag, "new-etag");
}

TEST_P(StoreSuite, ObjectKeyMapHasEveryKeyOnceAndTheNewestIdWins) {
  std::vector<NewBuild> builds = MakeBuilds(1, 5);
  builds[0].s3_object_key = "k1";
  builds[0].s3_object_etag = "old";
  builds[1].s3_object_key = "k2";
  builds[1].s3_object_etag = "e2";
  builds[2].s3_object_key = "k1";
  builds[2].s3_object_etag = "new";
  builds[3].s3_object_key = "";  // not from S3
  builds[4].s3_object_key = "k0";
  builds[4].s3_object_etag = "";
  InsertOrDie(builds);
  std::map<std::string, std::string> seen;
  int calls = 0;
  Status status = store_->ForEachObjectKey([&](std::string_view key, std::string_view etag) {
    ++calls;
    seen[std::string(key)] = std::string(etag);
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(seen, (std::map<std::string, std::string>{{"k0", ""}, {"k1", "new"}, {"k2", "e2"}}));
}

TEST_P(StoreSuite, ReopenKeepsEverything) {
  auto outcomes = InsertOrDie(MakeBuilds(1, 10));
  ASSERT_TRUE(store_->RecordRejections(std::vector<Rejection>{Rejection{"sqs", "k", "e", "[\"x\"]"}}).ok());
  ASSERT_TRUE(store_->SetState("s", "v").ok());
  store_.reset();
  store_ = OpenOrDie();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Count(), 10);
  auto got = store_->GetBuild(outcomes[4].id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->build_hash, MakeBuild(5).build_hash);
  auto rejected = store_->CountRejected();
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(*rejected, 1);
  auto state = store_->GetState("s");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ(**state, "v");
  // Ids keep growing after a reopen.
  auto more = InsertOrDie(MakeBuilds(100, 1));
  EXPECT_GT(more[0].id, outcomes.back().id);
}

TEST_P(StoreSuite, MigrationsAreIdempotent) {
  auto version = store_->SchemaVersion();
  ASSERT_TRUE(version.ok());
  store_.reset();
  for (int i = 0; i < 3; ++i) {
    store_ = OpenOrDie();
    ASSERT_NE(store_, nullptr);
    auto again = store_->SchemaVersion();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *version);
    store_.reset();
  }
  auto rows = factory_->QueryInt64("SELECT count(*) FROM schema_migrations");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, *version);  // each migration applied exactly once
  auto distinct = factory_->QueryInt64("SELECT count(DISTINCT version) FROM schema_migrations");
  ASSERT_TRUE(distinct.ok());
  EXPECT_EQ(*distinct, *version);
}

TEST_P(StoreSuite, ADatabaseFromTheFutureIsRefusedAndLeftAlone) {
  InsertOrDie(MakeBuilds(1, 2));
  store_.reset();
  ASSERT_TRUE(factory_->ExecuteSql(
      "INSERT INTO schema_migrations (version, applied_at) VALUES (999, '2030-01-01T00:00:00.000000Z')").ok());
  for (bool migrate : {true, false}) {
    OpenOptions options;
    options.migrate = migrate;
    auto store = factory_->Open(options);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(store.status().message(), HasSubstr("999"));
    EXPECT_THAT(store.status().message(), HasSubstr("newer"));
  }
  ASSERT_TRUE(factory_->ExecuteSql("DELETE FROM schema_migrations WHERE version = 999").ok());
  store_ = OpenOrDie();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Count(), 2);
}

TEST_P(StoreSuite, ReadOnlyOptionReadsButRefusesWrites) {
  auto outcomes = InsertOrDie(MakeBuilds(1, 3));
  ASSERT_TRUE(store_->SetState("s", "v").ok());
  store_.reset();
  OpenOptions options;
  options.read_only = true;
  store_ = OpenOrDie(options);
  ASSERT_NE(store_, nullptr);
  EXPECT_TRUE(store_->read_only());
  EXPECT_EQ(Count(), 3);
  EXPECT_EQ(ScanAll().size(), 3u);
  EXPECT_TRUE(store_->Ping().ok());
  auto state = store_->GetState("s");
  ASSERT_TRUE(state.ok() && state->has_value());

  std::vector<InsertOutcome> ignored;
  Status writes[] = {
      store_->InsertBatch(MakeBuilds(10, 1), &ignored),
      store_->RecordRejections(std::vector<Rejection>{Rejection{"sqs", "k", "", "[]"}}),
      store_->SetState("s", "w"),
      store_->UpdateEtag(MakeBuild(1).s3_object_key, MakeBuild(1).build_hash, "x"),
  };
  for (const Status& s : writes) {
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
    EXPECT_THAT(s.message(), HasSubstr("read-only"));
  }
  EXPECT_EQ(Count(), 3);
  state = store_->GetState("s");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ(**state, "v");
}

TEST_P(StoreSuite, LockedDatabaseGivesUnavailableAfterTheBusyTimeoutAndReadsGoOn) {
  InsertOrDie(MakeBuilds(1, 2));
  store_.reset();
  auto lock = factory_->HoldWriteLock();
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();

  OpenOptions options;
  options.busy_timeout_ms = 300;
  auto start = std::chrono::steady_clock::now();
  store_ = OpenOrDie(options);  // an up-to-date database opens while locked
  ASSERT_NE(store_, nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  // Readers are not blocked by the writer.
  EXPECT_EQ(Count(), 2);
  EXPECT_EQ(ScanAll().size(), 2u);

  std::vector<InsertOutcome> outcomes;
  start = std::chrono::steady_clock::now();
  Status status = store_->InsertBatch(MakeBuilds(3, 5), &outcomes);
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::seconds(10));
  EXPECT_TRUE(outcomes.empty());
  EXPECT_EQ(store_->SetState("s", "v").code(), StatusCode::kUnavailable);
  EXPECT_EQ(store_->RecordRejections(std::vector<Rejection>{Rejection{"sqs", "k", "", "[]"}}).code(),
            StatusCode::kUnavailable);

  lock->reset();  // released: the same insert now succeeds, nothing half-written before
  EXPECT_EQ(Count(), 2);
  outcomes = InsertOrDie(MakeBuilds(3, 5));
  EXPECT_EQ(outcomes.size(), 5u);
  EXPECT_EQ(Count(), 7);
}

TEST_P(StoreSuite, ThreadsReadWhileOneWrites) {
  constexpr int kBatches = 40;
  constexpr int kPerBatch = 100;
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::atomic<int> scans{0};

  auto reader = [&] {
    for (int round = 0; round < 10000 && !done.load(); ++round) {
      int64_t last = 0;
      bool ordered = true;
      Status status = store_->ScanBuilds(0, 0, [&](const StoredBuild& b) {
        if (b.id <= last) ordered = false;
        last = b.id;
        return true;
      });
      if (!status.ok() || !ordered) ++errors;
      if (!store_->CountBuilds().ok()) ++errors;
      ++scans;
    }
  };
  std::thread r1(reader);
  std::thread r2(reader);
  for (int batch = 0; batch < kBatches; ++batch) {
    std::vector<InsertOutcome> outcomes;
    Status status = store_->InsertBatch(MakeBuilds(batch * kPerBatch, kPerBatch), &outcomes);
    if (!status.ok()) {
      ADD_FAILURE() << status.ToString();
      break;
    }
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(scans.load(), 0);
  EXPECT_EQ(Count(), kBatches * kPerBatch);
}

TEST_P(StoreSuite, ProcessesOpeningAFreshDatabaseTogetherMigrateItOnce) {
  store_.reset();
  // Make the database fresh again for backends where SetUp created it.
  factory_ = GetParam().make();
  const std::string url = factory_->Url();
  auto results = RunChildrenTogether(4, [&](int) {
    auto store = OpenStore(url);
    if (!store.ok()) return ChildFailed(store.status().ToString());
    auto version = (*store)->SchemaVersion();
    if (!version.ok()) return ChildFailed(version.status().ToString());
    return ChildOk(*version);
  });
  for (const auto& r : results) EXPECT_EQ(r.code, 0) << r.message;
  store_ = OpenOrDie();
  ASSERT_NE(store_, nullptr);
  auto version = store_->SchemaVersion();
  ASSERT_TRUE(version.ok());
  for (const auto& r : results) EXPECT_EQ(r.value, *version);
  auto rows = factory_->QueryInt64("SELECT count(*) FROM schema_migrations");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, *version);
}

TEST_P(StoreSuite, ProcessesInsertingTheSameBuildsStoreEachOnce) {
  constexpr int kBuilds = 10000;
  constexpr int kBatch = 500;
  store_.reset();  // no connection may cross fork()
  const std::string url = factory_->Url();
  const std::vector<NewBuild> builds = MakeBuilds(0, kBuilds);

  auto results = RunChildrenTogether(2, [&](int child) {
    auto store = OpenStore(url);
    if (!store.ok()) return ChildFailed(store.status().ToString());
    int64_t inserted = 0;
    constexpr int kBatches = kBuilds / kBatch;
    for (int n = 0; n < kBatches; ++n) {
      // The second child walks the batches backwards, so the two meet in
      // the middle and both write and both find rows already there.
      int batch = child == 0 ? n : kBatches - 1 - n;
      std::span<const NewBuild> slice(builds.data() + batch * kBatch, kBatch);
      std::vector<InsertOutcome> outcomes;
      Status status = (*store)->InsertBatch(slice, &outcomes);
      if (!status.ok()) return ChildFailed(status.ToString());
      if (outcomes.size() != slice.size()) return ChildFailed("wrong number of outcomes");
      for (const auto& o : outcomes) inserted += o.inserted ? 1 : 0;
    }
    return ChildOk(inserted);
  });
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].code, 0) << results[0].message;
  EXPECT_EQ(results[1].code, 0) << results[1].message;
  EXPECT_EQ(results[0].value + results[1].value, kBuilds);

  store_ = OpenOrDie();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Count(), kBuilds);
  std::set<std::string> hashes;
  for (const auto& b : ScanAll()) hashes.insert(b.build_hash);
  EXPECT_EQ(hashes.size(), static_cast<size_t>(kBuilds));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSuite, ::testing::ValuesIn(AllStoreFactories()),
                         [](const ::testing::TestParamInfo<FactoryMaker>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace buildhub::store::testing
