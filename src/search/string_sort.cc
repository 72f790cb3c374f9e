#include "search/string_sort.h"

#include <algorithm>
#include <utility>

namespace buildhub::search {
namespace {

inline int CharAt(std::string_view s, size_t d) {
  return d < s.size() ? static_cast<unsigned char>(s[d]) : -1;
}

void Insertion(uint32_t* a, size_t n, size_t depth, const std::vector<std::string_view>& s) {
  for (size_t i = 1; i < n; ++i) {
    uint32_t x = a[i];
    std::string_view xs = s[x].substr(std::min(depth, s[x].size()));
    size_t j = i;
    while (j > 0) {
      std::string_view ys = s[a[j - 1]].substr(std::min(depth, s[a[j - 1]].size()));
      if (!(xs < ys)) break;
      a[j] = a[j - 1];
      --j;
    }
    a[j] = x;
  }
}

void MultikeySort(uint32_t* a, size_t n, size_t depth, const std::vector<std::string_view>& s) {
  while (n > 1) {
    if (n < 24) {
      Insertion(a, n, depth, s);
      return;
    }
    // Median of three bytes as the pivot.
    int p0 = CharAt(s[a[0]], depth), p1 = CharAt(s[a[n / 2]], depth), p2 = CharAt(s[a[n - 1]], depth);
    int pivot = std::max(std::min(p0, p1), std::min(std::max(p0, p1), p2));
    // Three-way partition: [0, lt) <, [lt, gt) ==, [gt, n) >.
    size_t lt = 0, i = 0, gt = n;
    while (i < gt) {
      int c = CharAt(s[a[i]], depth);
      if (c < pivot) {
        std::swap(a[lt++], a[i++]);
      } else if (c > pivot) {
        std::swap(a[i], a[--gt]);
      } else {
        ++i;
      }
    }
    // Three parts: [0, lt) and [gt, n) at this depth, [lt, gt) at the next
    // (or done when those strings all ended here). Recurse into the two
    // smaller parts and loop on the largest, so the stack stays O(log n).
    struct Part {
      uint32_t* a;
      size_t n;
      size_t depth;
    };
    Part parts[3] = {{a, lt, depth}, {a + gt, n - gt, depth}, {a + lt, pivot == -1 ? 0 : gt - lt, depth + 1}};
    std::sort(parts, parts + 3, [](const Part& x, const Part& y) { return x.n < y.n; });
    MultikeySort(parts[0].a, parts[0].n, parts[0].depth, s);
    MultikeySort(parts[1].a, parts[1].n, parts[1].depth, s);
    a = parts[2].a;
    n = parts[2].n;
    depth = parts[2].depth;
  }
}

}  // namespace

void SortStrings(const std::vector<std::string_view>& strings, std::vector<uint32_t>* order) {
  MultikeySort(order->data(), order->size(), 0, strings);
}

}  // namespace buildhub::search
