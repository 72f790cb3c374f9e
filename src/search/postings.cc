#include "search/postings.h"

#include <algorithm>

namespace buildhub::search {

Postings Postings::Build(const std::vector<uint32_t>& offsets, const std::vector<uint32_t>& docs) {
  Postings p;
  size_t n = offsets.empty() ? 0 : offsets.size() - 1;
  p.cum_.assign(n + 1, 0);
  p.offsets_.assign(n + 1, 0);
  size_t small_total = 0;
  for (size_t t = 0; t < n; ++t) {
    uint32_t df = offsets[t + 1] - offsets[t];
    if (df < kBitmapThreshold) small_total += df;
  }
  p.docs_.reserve(small_total);
  for (size_t t = 0; t < n; ++t) {
    uint32_t df = offsets[t + 1] - offsets[t];
    p.cum_[t + 1] = p.cum_[t] + df;
    if (df >= kBitmapThreshold) {
      Roaring r;
      r.addMany(df, docs.data() + offsets[t]);
      r.runOptimize();
      r.shrinkToFit();
      p.big_terms_.push_back(static_cast<uint32_t>(t));
      p.bitmaps_.push_back(std::move(r));
    } else {
      p.docs_.insert(p.docs_.end(), docs.begin() + offsets[t], docs.begin() + offsets[t + 1]);
    }
    p.offsets_[t + 1] = static_cast<uint32_t>(p.docs_.size());
  }
  return p;
}

Postings Postings::FromBitmaps(std::vector<Roaring> bitmaps) {
  Postings p;
  size_t n = bitmaps.size();
  p.cum_.assign(n + 1, 0);
  p.offsets_.assign(n + 1, 0);
  for (size_t t = 0; t < n; ++t) {
    Roaring& r = bitmaps[t];
    uint64_t df = r.cardinality();
    p.cum_[t + 1] = p.cum_[t] + df;
    if (df >= kBitmapThreshold) {
      r.runOptimize();
      r.shrinkToFit();
      p.big_terms_.push_back(static_cast<uint32_t>(t));
      p.bitmaps_.push_back(std::move(r));
    } else {
      size_t at = p.docs_.size();
      p.docs_.resize(at + df);
      r.toUint32Array(p.docs_.data() + at);
    }
    p.offsets_[t + 1] = static_cast<uint32_t>(p.docs_.size());
  }
  p.docs_.shrink_to_fit();
  return p;
}

const Roaring* Postings::Bitmap(uint32_t t) const {
  if (DocFreq(t) < kBitmapThreshold) return nullptr;
  auto it = std::lower_bound(big_terms_.begin(), big_terms_.end(), t);
  if (it == big_terms_.end() || *it != t) return nullptr;
  return &bitmaps_[it - big_terms_.begin()];
}

std::span<const uint32_t> Postings::Array(uint32_t t) const {
  return std::span<const uint32_t>(docs_.data() + offsets_[t], offsets_[t + 1] - offsets_[t]);
}

void Postings::AddTo(uint32_t t, Roaring* out) const {
  if (const Roaring* b = Bitmap(t)) {
    *out |= *b;
  } else {
    auto a = Array(t);
    if (!a.empty()) out->addMany(a.size(), a.data());
  }
}

Roaring Postings::Get(uint32_t t) const {
  if (const Roaring* b = Bitmap(t)) return *b;
  Roaring r;
  auto a = Array(t);
  if (!a.empty()) r.addMany(a.size(), a.data());
  return r;
}

uint64_t Postings::AndCardinality(uint32_t t, const Roaring& set) const {
  if (const Roaring* b = Bitmap(t)) return b->and_cardinality(set);
  uint64_t n = 0;
  for (uint32_t d : Array(t)) n += set.contains(d) ? 1 : 0;
  return n;
}

bool Postings::Contains(uint32_t t, uint32_t doc) const {
  if (const Roaring* b = Bitmap(t)) return b->contains(doc);
  auto a = Array(t);
  return std::binary_search(a.begin(), a.end(), doc);
}

size_t Postings::MemoryBytes() const {
  size_t n = cum_.capacity() * 8 + offsets_.capacity() * 4 + docs_.capacity() * 4 +
             big_terms_.capacity() * 4;
  for (const Roaring& r : bitmaps_) n += r.getSizeInBytes(false) + sizeof(Roaring);
  return n;
}

}  // namespace buildhub::search
