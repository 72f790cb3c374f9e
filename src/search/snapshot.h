// Snapshot: what one search sees — an immutable list of segments covering
// global doc numbers [0, doc_count) and the mapping they were built with.
// Searches hold a shared_ptr for their whole run; the writer publishes new
// snapshots without disturbing them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "search/mapping.h"
#include "search/segment.h"

namespace buildhub::search {

struct Snapshot {
  std::shared_ptr<const Mapping> mapping;
  std::vector<std::shared_ptr<const Segment>> segments;  // by base, contiguous
  uint32_t doc_count = 0;
  int64_t last_id = 0;

  // The segment holding global doc `doc` (which must be < doc_count).
  const Segment& SegmentOf(uint32_t doc) const {
    size_t lo = 0, hi = segments.size();
    while (hi - lo > 1) {
      size_t mid = (lo + hi) / 2;
      if (segments[mid]->base() <= doc) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return *segments[lo];
  }
};

}  // namespace buildhub::search
