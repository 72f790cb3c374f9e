// Fuzzes the search request path: body bytes → JSON → query/aggregation parse
// → execution on a small generated corpus → response JSON. Beyond "no crash,
// no sanitizer report, no hang" (libFuzzer's -timeout), every answer must be
// a 200 or a 400 whose body is valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "core/build_hash.h"
#include "core/json.h"
#include "ingest/generate.h"
#include "search/searcher.h"
#include "store/store.h"

namespace {

struct Fixture {
  std::unique_ptr<buildhub::store::BuildStore> store;
  std::unique_ptr<buildhub::search::SearchEngine> engine;
};

Fixture* MakeFixture() {
  using namespace buildhub;
  auto* f = new Fixture;
  auto store = store::OpenStore("sqlite::memory:");
  if (!store.ok()) std::abort();
  f->store = std::move(*store);
  ingest::CorpusGenerator generator(3);
  std::vector<store::NewBuild> builds;
  for (int i = 0; i < 300; ++i) {
    json::Value doc = generator.Next();
    store::NewBuild b;
    b.build_hash = BuildHash(doc);
    b.build_json = json::Write(doc);
    builds.push_back(std::move(b));
  }
  std::vector<store::InsertOutcome> outcomes;
  if (!f->store->InsertBatch(builds, &outcomes).ok()) std::abort();
  search::EngineOptions options;
  options.time_budget_ms = 2000;
  options.now_ms = 1700000000000;
  auto engine = search::OpenSearchEngine(f->store.get(), options);
  if (!engine.ok()) std::abort();
  f->engine = std::move(*engine);
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* fixture = MakeFixture();
  std::string_view body(reinterpret_cast<const char*>(data), size);
  buildhub::search::SearchResult result = fixture->engine->Search(body);
  if (result.http_status != 200 && result.http_status != 400) std::abort();
  if (!buildhub::json::Parse(result.body).ok()) std::abort();
  return 0;
}
