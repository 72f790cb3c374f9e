// Index: the engine's list of segments and its live mapping. Searches take
// an immutable Snapshot (cheap: a shared_ptr copy under a mutex); writers add
// a new segment per batch of documents and publish a new snapshot, so
// searches never wait for indexing and never see half a batch.
//
// Small segments are merged now and then so that a long-running server does
// not accumulate hundreds of them: past kMaxSegments, the newest segments
// that together are smaller than the one before them are rebuilt into one
// (a logarithmic number of re-indexings per document); when everything after
// the first segment reaches a quarter of it, all are rebuilt into one.
// Merging re-indexes the documents from their exact stored bytes (segments
// can reproduce them) on the writer's thread; searches keep their snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>

#include "core/status.h"
#include "search/mapping.h"
#include "search/segment_builder.h"
#include "search/snapshot.h"

namespace buildhub::search {

struct IndexDocument {
  int64_t id = 0;              // the store id; ascending
  std::string_view build_json;  // the stored document
};

class Index {
 public:
  static constexpr size_t kMaxSegments = 8;

  Index();

  std::shared_ptr<const Snapshot> snapshot() const;

  // A batch of documents becoming one segment. Holds the writer lock until
  // committed or destroyed; documents whose id is not above the last indexed
  // one are skipped (re-delivered rows).
  class Batch {
   public:
    ~Batch();
    void Add(int64_t id, std::string_view build_json);
    size_t size() const { return builder_ ? builder_->size() : 0; }

    // For loading on two threads: Accept() (in id order) says whether a
    // document is new; then builder()->ScanDocument() on the reading thread
    // and builder()->AddScanned() on the indexing thread, in the same order.
    bool Accept(int64_t id) {
      if (id <= last_id_) return false;
      last_id_ = id;
      return true;
    }
    SegmentBuilder* builder() { return builder_.get(); }

   private:
    friend class Index;
    explicit Batch(Index* index);
    Index* index_;
    std::unique_lock<std::mutex> lock_;
    std::unique_ptr<SegmentBuilder> builder_;
    int64_t last_id_;
  };

  std::unique_ptr<Batch> Begin();
  // Publishes the batch (nothing when it is empty) and merges if due.
  Status Commit(std::unique_ptr<Batch> batch);

  Status Add(std::span<const IndexDocument> docs);

 private:
  void Publish(std::vector<std::shared_ptr<const Segment>> segments, int64_t last_id);
  void MaybeMerge();
  std::shared_ptr<const Segment> Rebuild(const std::vector<std::shared_ptr<const Segment>>& segments);

  mutable std::mutex snapshot_mu_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::mutex writer_mu_;
  Mapping mapping_;  // the writer's; snapshots hold copies
};

}  // namespace buildhub::search
