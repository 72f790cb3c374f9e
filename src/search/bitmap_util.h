// Fast iteration over CRoaring bitmaps (the C++ iterator costs a call per
// value; these read 256 values at a time).
#pragma once

#include <cstdint>

#include "roaring/roaring.hh"

namespace buildhub::search {

// Calls f(doc) for every doc in `set`, ascending. `f` returns void.
template <typename F>
void ForEachDoc(const Roaring& set, F&& f) {
  roaring_uint32_iterator_t it;
  roaring_init_iterator(&set.roaring, &it);
  uint32_t buf[256];
  while (true) {
    uint32_t n = roaring_read_uint32_iterator(&it, buf, 256);
    for (uint32_t i = 0; i < n; ++i) f(buf[i]);
    if (n < 256) break;
  }
}

// Calls f(doc) for docs of `set` in [lo, hi), ascending. Returns false early
// (and stops) when f returns false.
template <typename F>
bool ForEachDocInRange(const Roaring& set, uint32_t lo, uint32_t hi, F&& f) {
  roaring_uint32_iterator_t it;
  roaring_init_iterator(&set.roaring, &it);
  if (!roaring_move_uint32_iterator_equalorlarger(&it, lo)) return true;
  uint32_t buf[256];
  while (true) {
    uint32_t n = roaring_read_uint32_iterator(&it, buf, 256);
    for (uint32_t i = 0; i < n; ++i) {
      if (buf[i] >= hi) return true;
      if (!f(buf[i])) return false;
    }
    if (n < 256) return true;
  }
}

// Docs of `set` in [lo, hi).
inline uint64_t RangeCardinality(const Roaring& set, uint64_t lo, uint64_t hi) {
  return roaring_bitmap_range_cardinality(&set.roaring, lo, hi);
}

inline Roaring RangeBitmap(uint32_t lo, uint32_t hi) {
  Roaring r;
  if (hi > lo) r.addRange(lo, hi);
  return r;
}

}  // namespace buildhub::search
