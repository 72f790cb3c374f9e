#include "search/engine.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/json.h"
#include "search/aggs.h"
#include "search/bitmap_util.h"
#include "search/deadline.h"
#include "search/hit_writer.h"
#include "search/json_out.h"
#include "search/query_exec.h"
#include "search/request.h"
#include "search/search_error.h"
#include "search/suggest.h"

namespace buildhub::search {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SearchResult Failure(const Status& s) {
  SearchResult r;
  r.http_status = 400;
  r.body = ErrorBody(s);
  return r;
}

// One search over one snapshot.
class Execution {
 public:
  Execution(const Snapshot& snap, const EngineOptions& options, const Deadline& deadline)
      : snap_(snap), options_(options), deadline_(deadline), exec_(snap, deadline) {}

  Result<SearchResult> Run(const SearchRequest& req) {
    Query match_all;
    const Query& query = req.query ? *req.query : match_all;
    auto scorer = Scorer::Create(exec_, query);
    if (!scorer.ok()) return scorer.status();
    const Roaring& query_docs = (*scorer)->matches();
    Roaring hit_docs;
    const Roaring* hits_from = &query_docs;
    if (req.post_filter) {
      auto pf = exec_.Match(*req.post_filter, false);
      if (!pf.ok()) return pf.status();
      hit_docs = query_docs & *pf;
      hits_from = &hit_docs;
    }
    bool scored = req.sort.empty() || req.track_scores || SortNeedsScores(req.sort);
    if (req.min_score) {
      Roaring kept;
      std::vector<uint32_t> docs;
      size_t i = 0;
      Status status;
      ForEachDoc(*hits_from, [&](uint32_t d) {
        if ((++i & 4095) == 0 && deadline_.Expired()) status = TimeBudgetError(deadline_);
        if ((*scorer)->Score(d) >= *req.min_score) docs.push_back(d);
      });
      if (!status.ok()) return status;
      kept.addMany(docs.size(), docs.data());
      hit_docs = std::move(kept);
      hits_from = &hit_docs;
    }
    uint64_t total = hits_from->cardinality();

    CollectOptions co;
    co.sort = &req.sort;
    co.scorer = scorer->get();
    co.from = static_cast<size_t>(req.from);
    co.size = static_cast<size_t>(req.size);
    co.search_after = req.search_after ? &*req.search_after : nullptr;
    auto hits = CollectHits(snap_, *hits_from, co, deadline_);
    if (!hits.ok()) return hits.status();

    std::unique_ptr<Highlighter> highlighter;
    if (req.highlight) highlighter = std::make_unique<Highlighter>(*req.highlight, req.query.get(), snap_);

    std::string hits_json;
    JsonOut out(&hits_json);
    out.BeginObject();
    out.Key("total");
    out.Int(req.track_total_hits ? static_cast<int64_t>(total) : -1);
    out.Key("max_score");
    if (total == 0 || !scored) {
      out.Null();
    } else if (req.size == 0) {
      out.Double(0.0);
    } else if ((*scorer)->constant()) {
      out.Score((*scorer)->ConstantScore());
    } else if (auto groups = (*scorer)->ScoreGroups(*hits_from); groups && !groups->empty()) {
      out.Score(groups->front().first);
    } else {
      float best = -1e30f;
      size_t i = 0;
      bool expired = false;
      ForEachDoc(*hits_from, [&](uint32_t d) {
        if ((++i & 4095) == 0 && deadline_.Expired()) expired = true;
        if (!expired) best = std::max(best, (*scorer)->Score(d));
      });
      if (expired) return TimeBudgetError(deadline_);
      out.Score(best);
    }
    out.Key("hits");
    out.BeginArray();
    HitOptions ho;
    ho.source = &req.source;
    ho.sort = &req.sort;
    ho.scored = scored;
    ho.version = req.version;
    ho.explain = req.explain;
    ho.docvalue_fields = &req.docvalue_fields;
    ho.highlighter = highlighter.get();
    for (const Hit& h : *hits) WriteHit(snap_, h, ho, out);
    out.EndArray();
    out.EndObject();

    std::string aggs_json;
    if (!req.aggs.empty()) {
      AggContext ctx{snap_, exec_, deadline_, scorer->get(), options_.max_buckets, 0, nullptr};
      ctx.write_hit = [&](const Hit& h, const TopHitsFormat& f, bool hit_scored, JsonOut& o) {
        HitOptions tho;
        tho.source = &f.source;
        tho.sort = &f.sort;
        tho.scored = hit_scored;
        tho.version = f.version;
        tho.explain = f.explain;
        tho.docvalue_fields = &f.docvalue_fields;
        WriteHit(snap_, h, tho, o);
      };
      JsonOut aout(&aggs_json);
      Status s = WriteAggregations(req.aggs, query_docs, ctx, aout);
      if (!s.ok()) return s;
    }
    std::string suggest_json;
    if (!req.suggest.empty()) {
      JsonOut sout(&suggest_json);
      WriteSuggest(req.suggest, *snap_.mapping, sout);
    }
    if (deadline_.Expired()) return TimeBudgetError(deadline_);

    SearchResult r;
    r.total_hits = static_cast<int64_t>(total);
    std::string& body = r.body;
    body.reserve(hits_json.size() + aggs_json.size() + suggest_json.size() + 128);
    body += "{\"took\":";
    body += std::to_string(deadline_.ElapsedMs());
    body += ",\"timed_out\":false,\"_shards\":{\"total\":5,\"successful\":5,\"skipped\":0,\"failed\":0},\"hits\":";
    body += hits_json;
    if (!aggs_json.empty()) {
      body.push_back(',');
      body += aggs_json;
    }
    if (!suggest_json.empty()) {
      body.push_back(',');
      body += suggest_json;
    }
    body.push_back('}');
    return r;
  }

 private:
  const Snapshot& snap_;
  const EngineOptions& options_;
  const Deadline& deadline_;
  QueryExecutor exec_;
};

}  // namespace

Engine::Engine(store::BuildStore* store, const EngineOptions& options) : store_(store), options_(options) {}

int64_t Engine::DocumentCount() const { return index_.snapshot()->doc_count; }
int64_t Engine::LastIndexedId() const { return index_.snapshot()->last_id; }

Status Engine::AddDocuments(std::span<const IndexDocument> docs) { return index_.Add(docs); }

namespace {

// Reading and indexing on two threads: the store's scan (and JSON scanning)
// on the caller's thread, indexing on a helper, handing over blocks of rows.
class LoadPipeline {
 public:
  explicit LoadPipeline(Index::Batch* batch) : batch_(batch) {
    // Rows never move: scanned documents point into their text.
    for (auto& b : blocks_) {
      b.rows.resize(kBlockRows);
      free_.push_back(&b);
    }
  }
  ~LoadPipeline() { Finish(); }

  void Add(const store::StoredBuild& build) {
    if (!batch_->Accept(build.id)) return;
    if (current_ == nullptr) current_ = TakeFree();
    Row& row = current_->rows[current_->used++];
    row.id = build.id;
    row.json = build.build_json;
    batch_->builder()->ScanDocument(row.json, &row.doc);
    if (current_->used == kBlockRows) Hand();
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    if (!indexer_.joinable()) {
      // Fewer rows than a block (the usual catch-up): no second thread.
      if (current_ != nullptr) IndexBlock(current_);
      return;
    }
    if (current_ != nullptr && current_->used > 0) Hand();
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    indexer_.join();
  }

 private:
  static constexpr size_t kBlockRows = 512;
  struct Row {
    int64_t id = 0;
    std::string json;
    ScannedDocument doc;
  };
  struct Block {
    std::vector<Row> rows;
    size_t used = 0;
  };

  Block* TakeFree() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    Block* b = free_.back();
    free_.pop_back();
    return b;
  }

  void IndexBlock(Block* b) {
    for (size_t i = 0; i < b->used; ++i) batch_->builder()->AddScanned(b->rows[i].id, b->rows[i].json, b->rows[i].doc);
    b->used = 0;
  }

  void Hand() {
    if (!indexer_.joinable()) indexer_ = std::thread([this] { IndexLoop(); });
    {
      std::lock_guard<std::mutex> lock(mu_);
      full_.push_back(current_);
    }
    current_ = nullptr;
    cv_.notify_all();
  }

  void IndexLoop() {
    while (true) {
      Block* b;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !full_.empty() || done_; });
        if (full_.empty()) return;
        b = full_.front();
        full_.erase(full_.begin());
      }
      IndexBlock(b);
      {
        std::lock_guard<std::mutex> lock(mu_);
        free_.push_back(b);
      }
      cv_.notify_all();
    }
  }

  Index::Batch* batch_;
  Block blocks_[4];
  Block* current_ = nullptr;
  std::vector<Block*> free_, full_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool finished_ = false;
  std::thread indexer_;
};

}  // namespace

Status Engine::CatchUp() {
  if (store_ == nullptr) return Status::Ok();
  std::lock_guard<std::mutex> lock(catch_up_mu_);
  auto batch = index_.Begin();
  int64_t after = index_.snapshot()->last_id;
  Status s;
  {
    LoadPipeline pipeline(batch.get());
    s = store_->ScanBuilds(after, 0, [&](const store::StoredBuild& b) {
      pipeline.Add(b);
      return true;
    });
    pipeline.Finish();
  }
  if (!s.ok()) return s.WithContext("reading new builds from the store");
  return index_.Commit(std::move(batch));
}

Status Engine::Load() {
  auto start = std::chrono::steady_clock::now();
  Status s = CatchUp();
#if defined(__GLIBC__)
  malloc_trim(0);  // hand the load's transient buffers back to the system
#endif
  load_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s;
}

SearchResult Engine::Search(std::string_view body) {
  try {
    Deadline deadline(options_.time_budget_ms);
    auto snap = index_.snapshot();
    if (body.size() > options_.max_body_bytes) {
      return Failure(AppError("request body is " + std::to_string(body.size()) + " bytes; the limit is " +
                              std::to_string(options_.max_body_bytes) + " bytes"));
    }
    json::Value parsed = json::Value::Object();
    if (!body.empty()) {
      json::ParseOptions po;
      po.max_depth = 512;
      auto p = json::Parse(body, po);
      if (!p.ok()) return Failure(AppError(p.status().message()));
      parsed = std::move(p).value();
    }
    if (!parsed.truthy()) parsed = json::Value::Object();
    if (!parsed.is_object()) {
      return Failure(AppError(std::string("the search body must be a JSON object, not ") +
                              json::TypeName(parsed.type())));
    }
    Status cap = CheckSizeCap(parsed, options_.max_search_size);
    if (!cap.ok()) return Failure(cap);
    int64_t now = options_.now_ms != 0 ? options_.now_ms : NowMs();
    auto req = ParseSearchRequest(parsed, *snap->mapping, options_, now);
    if (!req.ok()) return Failure(req.status());
    Execution ex(*snap, options_, deadline);
    auto r = ex.Run(*req);
    if (!r.ok()) return Failure(r.status());
    return std::move(r).value();
  } catch (const std::bad_alloc&) {
    return Failure(AppError("the search needs more memory than this server allows; narrow the query"));
  } catch (const std::exception& e) {
    return Failure(AppError(std::string("search failed: ") + e.what()));
  }
}

std::unique_ptr<Engine> NewEngine(const EngineOptions& options) {
  return std::make_unique<Engine>(nullptr, options);
}

Result<std::unique_ptr<SearchEngine>> OpenSearchEngine(store::BuildStore* store, const EngineOptions& options) {
  if (store == nullptr) return Status(StatusCode::kInvalidArgument, "OpenSearchEngine: no store given");
  auto engine = std::make_unique<Engine>(store, options);
  Status s = engine->Load();
  if (!s.ok()) return s.WithContext("loading the search index");
  return std::unique_ptr<SearchEngine>(std::move(engine));
}

}  // namespace buildhub::search
