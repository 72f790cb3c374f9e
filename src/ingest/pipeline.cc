#include "ingest/pipeline.h"

#include <thread>

#include "core/build_hash.h"
#include "core/log.h"
#include "core/metrics.h"

namespace buildhub::ingest {

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kInserted: return "inserted";
    case Outcome::kDuplicate: return "duplicate";
    case Outcome::kRejected: return "rejected";
  }
  return "unknown";
}

struct Pipeline::PreparedBatch {
  std::vector<SourceItem> items;
  std::vector<PreparedDocument> documents;
};

namespace {

// Prepares a batch on `threads` threads (the calling one included).
void PrepareAll(const std::vector<SourceItem>& items, const PrepareOptions& options,
                size_t threads, std::vector<PreparedDocument>* out) {
  out->resize(items.size());
  auto work = [&](size_t first) {
    for (size_t i = first; i < items.size(); i += threads) {
      (*out)[i] = PrepareDocument(items[i].bytes, options);
    }
  };
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < threads && t < items.size(); ++t) helpers.emplace_back(work, t);
  work(0);
  for (auto& h : helpers) h.join();
}

}  // namespace

Pipeline::Pipeline(store::BuildStore* store, PrepareOptions prepare, PipelineOptions options)
    : store_(store), prepare_(std::move(prepare)), options_(std::move(options)) {
  // The committing thread needs a core of its own (SQLite inserts are the
  // slowest stage), so preparing gets the others; oversubscribing only
  // steals time from the insert.
  if (options_.workers == 0) {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    options_.workers = std::max(1u, cores - 1);
  }
  if (options_.batch_size == 0) options_.batch_size = 1;
  // One batch prepared while the previous one is committed: enough overlap,
  // and memory stays flat.
  max_in_flight_ = 1;
  pending_.reserve(options_.batch_size);
}

Pipeline::~Pipeline() {
  Status s = Flush();
  if (!s.ok()) log::Error("ingest", "pipeline closed with an error: {}", s.message());
}

Status Pipeline::Add(SourceItem item) {
  if (!failed_.ok()) return failed_;
  ++stats_.documents;
  pending_.push_back(std::move(item));
  if (pending_.size() >= options_.batch_size) {
    Dispatch();
    while (in_flight_.size() > max_in_flight_) {
      Status s = CommitOldest();
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

void Pipeline::Dispatch() {
  if (pending_.empty()) return;
  std::vector<SourceItem> items = std::move(pending_);
  pending_.clear();
  pending_.reserve(options_.batch_size);
  size_t threads = options_.workers;
  const PrepareOptions* prepare = &prepare_;
  in_flight_.push_back(std::async(std::launch::async, [items = std::move(items), prepare, threads]() mutable {
    PreparedBatch batch;
    PrepareAll(items, *prepare, threads, &batch.documents);
    batch.items = std::move(items);
    return batch;
  }));
}

Status Pipeline::CommitOldest() {
  PreparedBatch batch = in_flight_.front().get();
  in_flight_.pop_front();
  Status s = Commit(batch);
  if (!s.ok()) failed_ = s;
  return s;
}

Status Pipeline::Commit(PreparedBatch& batch) {
  auto& registry = metrics::Global();
  std::vector<store::NewBuild> builds;
  std::vector<store::Rejection> rejections;
  for (size_t i = 0; i < batch.items.size(); ++i) {
    PreparedDocument& doc = batch.documents[i];
    const SourceItem& item = batch.items[i];
    for (const auto& w : doc.warnings) {
      ++stats_.warnings;
      log::Warn("ingest", "{}: {}", item.key, w);
    }
    if (doc.rejected()) {
      store::Rejection r;
      r.source = options_.source;
      r.object_key = item.key;
      r.etag = item.etag.empty() ? Md5Hex(item.bytes) : item.etag;
      std::string errors = "[";
      for (size_t e = 0; e < doc.errors.size(); ++e) {
        if (e) errors += ",";
        json::WriteString(doc.errors[e], &errors);
      }
      errors += "]";
      r.errors_json = std::move(errors);
      rejections.push_back(std::move(r));
      continue;
    }
    for (auto& b : doc.builds) {
      if (options_.store_object_keys) {
        b.s3_object_key = item.key;
        b.s3_object_etag = item.etag;
      }
      builds.push_back(std::move(b));
    }
  }

  std::vector<store::InsertOutcome> outcomes;
  if (!builds.empty()) {
    Status s = store_->InsertBatch(builds, &outcomes);
    if (!s.ok()) return s.WithContext("storing a batch of " + std::to_string(builds.size()) + " builds");
  }
  if (!rejections.empty()) {
    Status s = store_->RecordRejections(rejections);
    if (!s.ok()) return s.WithContext("recording " + std::to_string(rejections.size()) + " rejected files");
  }

  // Everything is committed: account for it, in input order.
  size_t next = 0;
  int64_t inserted_count = 0;
  int64_t not_inserted_count = 0;
  int64_t rejected_count = 0;
  for (size_t i = 0; i < batch.items.size(); ++i) {
    PreparedDocument& doc = batch.documents[i];
    const SourceItem& item = batch.items[i];
    ItemResult result{&item, Outcome::kRejected, {}, {}, &doc.errors};
    if (doc.rejected()) {
      ++stats_.rejected;
      ++rejected_count;
      log::Warn("ingest", "Rejected {}: {}", item.key, doc.errors.front() +
                (doc.errors.size() > 1 ? " (and " + std::to_string(doc.errors.size() - 1) + " more)" : ""));
    } else {
      bool any_new = false;
      for (size_t k = 0; k < doc.builds.size(); ++k) {
        const store::NewBuild& b = builds[next];
        const store::InsertOutcome& o = outcomes[next++];
        result.builds.push_back(o);
        result.hashes.push_back(b.build_hash);
        if (o.inserted) {
          any_new = true;
          ++stats_.inserted;
          ++inserted_count;
          log::Debug("ingest", "Inserted {} as a valid Build ({})", item.key, b.build_hash);
        } else {
          ++stats_.duplicates;
        }
      }
      result.outcome = any_new ? Outcome::kInserted : Outcome::kDuplicate;
      if (!any_new) {
        ++not_inserted_count;
        log::Debug("ingest", "Did not insert {} because we already had it", item.key);
      }
    }
    if (options_.on_result) options_.on_result(result);
  }
  // Once per batch: the metric keys are the same for every item.
  if (inserted_count) registry.Incr(options_.metric_prefix + "_inserted", inserted_count);
  if (not_inserted_count) registry.Incr(options_.metric_prefix + "_not_inserted", not_inserted_count);
  if (rejected_count) registry.Incr("rejected_builds", rejected_count, {"source:" + options_.source});
  return Status::Ok();
}

Status Pipeline::AddUnreadable(const std::string& key, const std::string& error) {
  if (!failed_.ok()) return failed_;
  ++stats_.documents;
  ++stats_.unreadable;
  metrics::Global().Incr("rejected_builds", 1, {"source:" + options_.source});
  log::Warn("ingest", "Could not read {}: {}", key, error);
  store::Rejection r;
  r.source = options_.source;
  r.object_key = key;
  std::string errors = "[";
  json::WriteString(error, &errors);
  errors += "]";
  r.errors_json = std::move(errors);
  Status s = store_->RecordRejections(std::span<const store::Rejection>(&r, 1));
  if (!s.ok()) failed_ = s;
  return s;
}

Status Pipeline::Flush() {
  if (failed_.ok()) Dispatch();
  while (!in_flight_.empty()) {
    if (!failed_.ok()) {
      in_flight_.front().wait();
      in_flight_.pop_front();
      continue;
    }
    Status s = CommitOldest();
    if (!s.ok()) continue;
  }
  return failed_;
}

}  // namespace buildhub::ingest
