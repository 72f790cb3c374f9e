// Postings: for each term ordinal of a dictionary, the documents holding it
// (global doc numbers, ascending). Frequent terms are CRoaring bitmaps, ready
// for set algebra; rare terms are slices of one shared array (a bitmap per
// unique URL would cost ten times the memory).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "roaring/roaring.hh"

namespace buildhub::search {

class Postings {
 public:
  // Terms with at least this many documents get a bitmap.
  static constexpr uint32_t kBitmapThreshold = 512;

  Postings() : cum_{0} {}

  // CSR input: docs of term t are docs[offsets[t] .. offsets[t+1]).
  static Postings Build(const std::vector<uint32_t>& offsets, const std::vector<uint32_t>& docs);
  // One bitmap per term.
  static Postings FromBitmaps(std::vector<Roaring> bitmaps);

  size_t size() const { return cum_.size() - 1; }
  uint64_t DocFreq(uint32_t t) const { return cum_[t + 1] - cum_[t]; }
  // Total postings of the terms [lo, hi): an upper bound on their union.
  uint64_t DocFreqRange(uint32_t lo, uint32_t hi) const { return cum_[hi] - cum_[lo]; }

  const Roaring* Bitmap(uint32_t t) const;      // nullptr for rare terms
  std::span<const uint32_t> Array(uint32_t t) const;  // empty for frequent terms

  void AddTo(uint32_t t, Roaring* out) const;
  Roaring Get(uint32_t t) const;
  uint64_t AndCardinality(uint32_t t, const Roaring& set) const;
  bool Contains(uint32_t t, uint32_t doc) const;

  template <typename F>
  void ForEach(uint32_t t, F&& f) const {
    if (const Roaring* b = Bitmap(t)) {
      for (auto it = b->begin(); it != b->end(); ++it) f(*it);
    } else {
      for (uint32_t d : Array(t)) f(d);
    }
  }

  size_t MemoryBytes() const;

 private:
  std::vector<uint64_t> cum_;       // prefix sums of document frequencies
  std::vector<uint32_t> offsets_;   // into docs_; frequent terms have empty ranges
  std::vector<uint32_t> docs_;
  std::vector<uint32_t> big_terms_; // ascending term ordinals with a bitmap
  std::vector<Roaring> bitmaps_;    // parallel to big_terms_
};

}  // namespace buildhub::search
