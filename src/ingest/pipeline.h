// Pipeline: every source (SQS, S3 listing, Kinto, local files) feeds items
// here; the pipeline prepares them (parse → validate → hash, in parallel on
// worker threads) and inserts them in batched transactions, in input order,
// recording rejected files with their reasons.
//
//   Pipeline pipeline(store, prepare_options, {.source = "local"});
//   for (...) RETURN_IF_ERROR(pipeline.Add(std::move(item)));
//   Status s = pipeline.Flush();   // everything added is now committed
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/document.h"
#include "ingest/sink.h"
#include "store/store.h"

namespace buildhub::ingest {

enum class Outcome {
  kInserted,   // at least one build of the document was new
  kDuplicate,  // everything it produced was already stored
  kRejected,   // invalid: recorded in the rejected-builds table
};

const char* OutcomeName(Outcome outcome);

struct ItemResult {
  const SourceItem* item;
  Outcome outcome;
  std::vector<store::InsertOutcome> builds;  // one per build produced
  std::vector<std::string> hashes;           // build hashes, same order
  const std::vector<std::string>* errors;    // rejection reasons
};

struct PipelineOptions {
  std::string source = "local";   // recorded with rejections; metric tag
  // Metric key prefix: "<prefix>_inserted", "<prefix>_not_inserted"
  // ("sqs", "backfill", "kinto", "ingest").
  std::string metric_prefix = "ingest";
  // Store each item's key and ETag as s3_object_key/s3_object_etag (S3
  // sources). Local files leave them "" as the original did for builds that
  // did not come from S3; their path still names them in rejections.
  bool store_object_keys = true;
  size_t batch_size = 1000;       // documents per transaction
  size_t workers = 0;             // preparing threads; 0 = cores - 1 (at least 1)
  // Called on the committing thread for every item, in input order, after
  // its batch is committed.
  std::function<void(const ItemResult&)> on_result;
};

struct IngestStats {
  int64_t documents = 0;  // items added
  int64_t inserted = 0;   // builds stored (beta copies included)
  int64_t duplicates = 0; // builds that were already stored
  int64_t rejected = 0;   // documents rejected (invalid)
  int64_t unreadable = 0; // inputs that could not be read at all
  int64_t warnings = 0;   // format warnings
};

class Pipeline : public DocumentSink {
 public:
  Pipeline(store::BuildStore* store, PrepareOptions prepare, PipelineOptions options);
  ~Pipeline();  // flushes what it can; call Flush() to see errors
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Queues one document. Returns an error only when the store failed; the
  // documents of the failed batch are then not committed (nothing
  // half-written) and the pipeline should not be used further.
  Status Add(SourceItem item) override;

  // An input that could not be read (permission, I/O error, size cap before
  // reading): counted and recorded as rejected, with `error` as the reason.
  Status AddUnreadable(const std::string& key, const std::string& error) override;

  // Waits until every added item is committed.
  Status Flush();

  const IngestStats& stats() const { return stats_; }

 private:
  struct PreparedBatch;
  void Dispatch();
  Status CommitOldest();
  Status Commit(PreparedBatch& batch);

  store::BuildStore* store_;
  PrepareOptions prepare_;
  PipelineOptions options_;
  size_t max_in_flight_;
  std::vector<SourceItem> pending_;
  std::deque<std::future<PreparedBatch>> in_flight_;
  IngestStats stats_;
  Status failed_;
};

}  // namespace buildhub::ingest
