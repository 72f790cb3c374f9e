#include "engine_fixture.h"

#include <algorithm>

#include "support/fixtures.h"

namespace buildhub::search::testing {

std::string MakeDoc(const DocSpec& s) {
  json::Value build = json::Value::Object();
  if (!s.cc.empty()) build.set("cc", json::Value::String(s.cc));
  build.set("date", json::Value::String(s.build_date));
  if (!s.target.empty()) build.set("target", json::Value::String(s.target));
  build.set("id", json::Value::String(s.build_id));
  if (s.number >= 0) build.set("number", json::Value::Int(s.number));
  json::Value source = json::Value::Object();
  source.set("product", json::Value::String(s.product));
  source.set("tree", json::Value::String(s.tree));
  source.set("revision", json::Value::String(s.revision));
  source.set("repository", json::Value::String("https://hg.mozilla.org/" + s.tree));
  json::Value target = json::Value::Object();
  target.set("platform", json::Value::String(s.platform));
  target.set("os", json::Value::String(s.os));
  target.set("locale", json::Value::String(s.locale));
  target.set("version", json::Value::String(s.version));
  target.set("channel", json::Value::String(s.channel));
  json::Value download = json::Value::Object();
  std::string url = s.url.empty() ? "https://archive.mozilla.org/pub/" + s.product + "/releases/" + s.version + "/" +
                                        s.platform + "/" + s.locale + "/" + s.product + "-" + s.version + ".bin"
                                  : s.url;
  download.set("url", json::Value::String(url));
  download.set("mimetype", json::Value::String(s.mimetype));
  download.set("size", json::Value::Int(s.size));
  download.set("date", json::Value::String(s.download_date));
  json::Value doc = json::Value::Object();
  doc.set("build", std::move(build));
  doc.set("source", std::move(source));
  doc.set("target", std::move(target));
  doc.set("download", std::move(download));
  return json::Write(doc);
}

std::unique_ptr<Engine> EngineOf(const std::vector<std::string>& docs, EngineOptions options) {
  return EngineInBatches(docs, std::max<size_t>(docs.size(), 1), options);
}

std::unique_ptr<Engine> EngineInBatches(const std::vector<std::string>& docs, size_t batch, EngineOptions options) {
  if (options.now_ms == 0) options.now_ms = 1561939200000;  // 2019-07-01T00:00:00Z
  auto engine = std::make_unique<Engine>(nullptr, options);
  for (size_t i = 0; i < docs.size(); i += batch) {
    std::vector<IndexDocument> in;
    for (size_t j = i; j < std::min(docs.size(), i + batch); ++j) in.push_back({static_cast<int64_t>(j + 1), docs[j]});
    Status s = engine->AddDocuments(in);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return engine;
}

// id  product      version    platform        channel  locale build_id        download.date        size
//  1  firefox      60.0       win64           release  en-US  20180503143129  2018-05-03T16:00:00Z 1000
//  2  firefox      60.0.1     win64           release  fr     20180516032328  2018-05-16T10:00:00Z 2000
//  3  firefox      60.0.2     linux-x86_64    release  en-US  20180605171542  2018-06-05T20:00:00Z 3000
//  4  firefox      61.0b4     macosx          beta     en-US  20180510160705  2018-05-10T18:02:17Z 4000
//  5  devedition   61.0b4rc1  macosx          aurora   ca     20180510160705  2018-05-10T18:02:17Z 64504466
//  6  fennec       60.0       android-api-16  release  en-US  20180503143129  2018-05-04T09:00:00Z 5000
//  7  firefox      54.0       linux-i686      release  en-US  20170713200529  2017-06-09T12:00:00Z 6000
//  8  firefox      68.0b7     linux-x86_64    beta     en-US  20190603181408  2019-06-03T20:49:46.559307+00:00 63655677
//  9  thunderbird  60.0       win32           release  de     20180513090714  2018-05-14T07:00:00Z 7000
// 10  firefox      70.0a1     win64           nightly  en-US  20190716214316  2019-07-16T21:43:16Z 8000
// build.target (text): 3, 8 x86_64-pc-linux-gnu; 4, 5 x86_64-apple-darwin; 7 i686-pc-linux-gnu.
// build.cc (text): 5 ".../clang -target x86_64-apple-darwin11 -std=gnu99"; 8 ".../clang -std=gnu99".
// build.number (long): 5 -> 1, 7 -> 3, 8 -> 1. Trees: 4, 5 releases/mozilla-beta; 8 mozilla-beta;
// 10 mozilla-central; others releases/mozilla-release.
std::vector<std::string> StandardCorpus() {
  std::vector<DocSpec> specs(10);
  specs[1].version = "60.0.1";
  specs[1].locale = "fr";
  specs[1].build_id = "20180516032328";
  specs[1].build_date = "2018-05-16T03:23:28Z";
  specs[1].download_date = "2018-05-16T10:00:00Z";
  specs[1].size = 2000;
  specs[2].version = "60.0.2";
  specs[2].platform = "linux-x86_64";
  specs[2].os = "linux";
  specs[2].build_id = "20180605171542";
  specs[2].build_date = "2018-06-05T17:15:42Z";
  specs[2].download_date = "2018-06-05T20:00:00Z";
  specs[2].size = 3000;
  specs[2].target = "x86_64-pc-linux-gnu";
  specs[3].version = "61.0b4";
  specs[3].platform = "macosx";
  specs[3].os = "mac";
  specs[3].channel = "beta";
  specs[3].build_id = "20180510160705";
  specs[3].build_date = "2018-05-10T16:07:05Z";
  specs[3].download_date = "2018-05-10T18:02:17Z";
  specs[3].size = 4000;
  specs[3].tree = "releases/mozilla-beta";
  specs[3].target = "x86_64-apple-darwin";
  specs[4].product = "devedition";
  specs[4].version = "61.0b4rc1";
  specs[4].platform = "macosx";
  specs[4].os = "mac";
  specs[4].channel = "aurora";
  specs[4].locale = "ca";
  specs[4].build_id = "20180510160705";
  specs[4].build_date = "2018-05-10T16:07:05Z";
  specs[4].download_date = "2018-05-10T18:02:17Z";
  specs[4].size = 64504466;
  specs[4].tree = "releases/mozilla-beta";
  specs[4].target = "x86_64-apple-darwin";
  specs[4].cc = "/builds/worker/workspace/build/src/clang/bin/clang -target x86_64-apple-darwin11 -std=gnu99";
  specs[4].number = 1;
  specs[5].product = "fennec";
  specs[5].platform = "android-api-16";
  specs[5].os = "android";
  specs[5].download_date = "2018-05-04T09:00:00Z";
  specs[5].size = 5000;
  specs[5].mimetype = "application/vnd.android.package-archive";
  specs[6].version = "54.0";
  specs[6].platform = "linux-i686";
  specs[6].os = "linux";
  specs[6].build_id = "20170713200529";
  specs[6].build_date = "2017-07-13T20:05:29Z";
  specs[6].download_date = "2017-06-09T12:00:00Z";
  specs[6].size = 6000;
  specs[6].target = "i686-pc-linux-gnu";
  specs[6].number = 3;
  specs[7].version = "68.0b7";
  specs[7].platform = "linux-x86_64";
  specs[7].os = "linux";
  specs[7].channel = "beta";
  specs[7].build_id = "20190603181408";
  specs[7].build_date = "2019-06-03T18:14:08Z";
  specs[7].download_date = "2019-06-03T20:49:46.559307+00:00";
  specs[7].size = 63655677;
  specs[7].tree = "mozilla-beta";
  specs[7].target = "x86_64-pc-linux-gnu";
  specs[7].cc = "/builds/worker/workspace/build/src/clang/bin/clang -std=gnu99";
  specs[7].number = 1;
  specs[8].product = "thunderbird";
  specs[8].platform = "win32";
  specs[8].locale = "de";
  specs[8].build_id = "20180513090714";
  specs[8].build_date = "2018-05-13T09:07:14Z";
  specs[8].download_date = "2018-05-14T07:00:00Z";
  specs[8].size = 7000;
  specs[9].version = "70.0a1";
  specs[9].channel = "nightly";
  specs[9].build_id = "20190716214316";
  specs[9].build_date = "2019-07-16T21:43:16Z";
  specs[9].download_date = "2019-07-16T21:43:16Z";
  specs[9].size = 8000;
  specs[9].tree = "mozilla-central";
  std::vector<std::string> out;
  for (const DocSpec& s : specs) out.push_back(MakeDoc(s));
  return out;
}

json::Value SearchOk(Engine& engine, std::string_view body) {
  SearchResult r = engine.Search(body);
  EXPECT_EQ(r.http_status, 200) << body << "\n=> " << r.body;
  auto parsed = json::Parse(r.body);
  EXPECT_TRUE(parsed.ok()) << r.body;
  if (!parsed.ok()) return json::Value();
  return std::move(parsed).value();
}

json::Value SearchError(Engine& engine, std::string_view body) {
  SearchResult r = engine.Search(body);
  EXPECT_EQ(r.http_status, 400) << body << "\n=> " << r.body;
  auto parsed = json::Parse(r.body);
  EXPECT_TRUE(parsed.ok()) << r.body;
  if (!parsed.ok()) return json::Value();
  EXPECT_NE(parsed->find("error"), nullptr) << r.body;
  return std::move(parsed).value();
}

std::string ErrorMessage(const json::Value& body) {
  const json::Value* e = body.find("error");
  if (e == nullptr) return "";
  if (e->is_string()) return e->text();
  if (const json::Value* r = e->find("reason"); r != nullptr && r->is_string()) {
    // all-shards-failed bodies: the root cause says what went wrong
    if (r->text() == "all shards failed") {
      const json::Value* rc = e->find("root_cause");
      if (rc != nullptr && rc->is_array() && rc->size() > 0) {
        if (const json::Value* rr = rc->items()[0].find("reason")) return rr->text();
      }
    }
    return r->text();
  }
  return "";
}

std::vector<std::string> HitIds(const json::Value& response) {
  std::vector<std::string> out;
  const json::Value* hits = response.find("hits");
  if (hits == nullptr) return out;
  const json::Value* list = hits->find("hits");
  if (list == nullptr) return out;
  for (const auto& h : list->items()) {
    if (const json::Value* id = h.find("_id")) out.push_back(id->text());
  }
  return out;
}

int64_t Total(const json::Value& response) {
  const json::Value* hits = response.find("hits");
  if (hits == nullptr) return -2;
  const json::Value* t = hits->find("total");
  if (t == nullptr || !t->is_number()) return -3;
  return t->as_exact_int64().value_or(-4);
}

const json::Value& Agg(const json::Value& response, const std::string& name) {
  static const json::Value kNull;
  const json::Value* aggs = response.find("aggregations");
  if (aggs == nullptr) return kNull;
  const json::Value* a = aggs->find(name);
  return a ? *a : kNull;
}

std::vector<std::pair<std::string, int64_t>> Buckets(const json::Value& agg) {
  std::vector<std::pair<std::string, int64_t>> out;
  const json::Value* buckets = agg.find("buckets");
  if (buckets == nullptr) return out;
  for (const auto& b : buckets->items()) {
    const json::Value* k = b.find("key");
    const json::Value* c = b.find("doc_count");
    out.emplace_back(k ? (k->is_string() ? k->text() : k->text()) : "", c ? c->as_int64().value_or(-1) : -1);
  }
  return out;
}

std::string ReadReference(const std::string& relative) {
  return buildhub::testing::ReadFileOrDie(buildhub::testing::SharedReference(relative));
}

}  // namespace buildhub::search::testing
