#include "search/term_dict.h"

namespace buildhub::search {

TermDict TermDict::FromList(const std::vector<std::string_view>& terms) {
  TermDict d;
  size_t total = 0;
  for (std::string_view t : terms) total += t.size();
  d.chars_.reserve(total);
  d.offsets_.reserve(terms.size() + 1);
  for (std::string_view t : terms) {
    d.chars_.append(t);
    d.offsets_.push_back(d.chars_.size());
  }
  return d;
}

std::optional<uint32_t> TermDict::Find(std::string_view t) const {
  uint32_t i = LowerBound(t);
  if (i < size() && term(i) == t) return i;
  return std::nullopt;
}

uint32_t TermDict::LowerBound(std::string_view t) const {
  uint32_t lo = 0, hi = static_cast<uint32_t>(size());
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (term(mid) < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

uint32_t TermDict::UpperBound(std::string_view t) const {
  uint32_t lo = 0, hi = static_cast<uint32_t>(size());
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (term(mid) <= t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::pair<uint32_t, uint32_t> TermDict::PrefixRange(std::string_view prefix) const {
  uint32_t lo = LowerBound(prefix);
  uint32_t hi = lo;
  uint32_t n = static_cast<uint32_t>(size());
  // Binary search for the end of the run of terms sharing the prefix.
  uint32_t a = lo, b = n;
  while (a < b) {
    uint32_t mid = a + (b - a) / 2;
    std::string_view t = term(mid);
    if (t.substr(0, prefix.size()) == prefix) {
      a = mid + 1;
    } else {
      b = mid;
    }
  }
  hi = a;
  return {lo, hi};
}

}  // namespace buildhub::search
