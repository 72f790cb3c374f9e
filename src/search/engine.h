// Engine: the SearchEngine implementation (see searcher.h). It can also be
// built without a store, from documents handed to it directly — what tests,
// benchmarks and the differential tests use:
//
//   auto engine = search::NewEngine(options);              // empty index
//   engine->AddDocuments({{1, R"({"build": ...})"}, ...});  // ids ascending
//   search::SearchResult r = engine->Search(R"({"query": ...})");
//
// Scoring, caps and limits are described in query.h and searcher.h.
#pragma once

#include <memory>
#include <span>

#include "search/index.h"
#include "search/searcher.h"

namespace buildhub::search {

class Engine : public SearchEngine {
 public:
  // `store` may be null: CatchUp() then has nothing to read.
  Engine(store::BuildStore* store, const EngineOptions& options);

  SearchResult Search(std::string_view body) override;
  int64_t DocumentCount() const override;
  int64_t LastIndexedId() const override;
  Status CatchUp() override;
  double LoadSeconds() const override { return load_seconds_; }

  // Indexes documents given directly (ids ascending and above
  // LastIndexedId(); others are skipped) as one new segment.
  Status AddDocuments(std::span<const IndexDocument> docs);

  // Reads every build from the store (the initial load).
  Status Load();

  std::shared_ptr<const Snapshot> snapshot() const { return index_.snapshot(); }
  const EngineOptions& options() const { return options_; }

 private:
  store::BuildStore* store_;
  EngineOptions options_;
  Index index_;
  std::mutex catch_up_mu_;
  double load_seconds_ = 0;
};

std::unique_ptr<Engine> NewEngine(const EngineOptions& options = {});

}  // namespace buildhub::search
