#include "search/index.h"

namespace buildhub::search {

Index::Index() {
  auto snap = std::make_shared<Snapshot>();
  snap->mapping = std::make_shared<const Mapping>(mapping_);
  snapshot_ = std::move(snap);
}

std::shared_ptr<const Snapshot> Index::snapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  return snapshot_;
}

Index::Batch::Batch(Index* index) : index_(index), lock_(index->writer_mu_) {
  auto snap = index_->snapshot();
  last_id_ = snap->last_id;
  builder_ = std::make_unique<SegmentBuilder>(&index_->mapping_, snap->doc_count);
}

Index::Batch::~Batch() = default;

void Index::Batch::Add(int64_t id, std::string_view build_json) {
  if (id <= last_id_) return;
  builder_->Add(id, build_json);
  last_id_ = id;
}

std::unique_ptr<Index::Batch> Index::Begin() { return std::unique_ptr<Batch>(new Batch(this)); }

Status Index::Commit(std::unique_ptr<Batch> batch) {
  if (batch == nullptr) return Status::Ok();
  if (batch->builder_->size() > 0) {
    std::shared_ptr<const Segment> seg(batch->builder_->Finish());
    auto snap = snapshot();
    std::vector<std::shared_ptr<const Segment>> segments = snap->segments;
    segments.push_back(std::move(seg));
    Publish(std::move(segments), batch->last_id_);
    MaybeMerge();
  }
  return Status::Ok();  // the batch's lock is released on destruction
}

Status Index::Add(std::span<const IndexDocument> docs) {
  auto batch = Begin();
  for (const IndexDocument& d : docs) batch->Add(d.id, d.build_json);
  return Commit(std::move(batch));
}

void Index::Publish(std::vector<std::shared_ptr<const Segment>> segments, int64_t last_id) {
  auto snap = std::make_shared<Snapshot>();
  snap->mapping = std::make_shared<const Mapping>(mapping_);
  snap->segments = std::move(segments);
  snap->doc_count = snap->segments.empty() ? 0 : snap->segments.back()->end();
  snap->last_id = last_id;
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  snapshot_ = std::move(snap);
}

std::shared_ptr<const Segment> Index::Rebuild(const std::vector<std::shared_ptr<const Segment>>& segments) {
  SegmentBuilder builder(&mapping_, segments.front()->base());
  std::string original;
  for (const auto& seg : segments) {
    for (uint32_t local = 0; local < seg->size(); ++local) {
      original.clear();
      seg->AppendOriginal(local, &original);
      builder.Add(seg->store_id(local), original);
    }
  }
  return std::shared_ptr<const Segment>(builder.Finish());
}

void Index::MaybeMerge() {
  auto snap = snapshot();
  const auto& segs = snap->segments;
  if (segs.size() <= kMaxSegments) return;
  uint64_t rest = 0;
  for (size_t i = 1; i < segs.size(); ++i) rest += segs[i]->size();
  std::vector<std::shared_ptr<const Segment>> out;
  if (rest * 4 >= segs[0]->size()) {
    out.push_back(Rebuild(segs));
    Publish(std::move(out), snap->last_id);
    return;
  }
  // Merge the newest segments that together are smaller than the one before
  // them (so each document is re-indexed a logarithmic number of times);
  // when sizes do not allow that, everything after the first.
  size_t from = segs.size();
  uint64_t sum = 0;
  while (from > 2 && sum + segs[from - 1]->size() < segs[from - 2]->size()) {
    sum += segs[--from]->size();
  }
  if (segs.size() - from < 2) from = 1;
  out.assign(segs.begin(), segs.begin() + from);
  std::vector<std::shared_ptr<const Segment>> tail(segs.begin() + from, segs.end());
  out.push_back(Rebuild(tail));
  Publish(std::move(out), snap->last_id);
}

}  // namespace buildhub::search
