#include "search/simple_match.h"

namespace buildhub::search {

// Greedy matching with back-off to the last star: linear for a single star,
// O(n*m) at worst, on field names of a few dozen bytes.
bool SimpleMatch(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0;
  size_t star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (pi < p.size() && p[pi] == t[ti]) {
      ++pi;
      ++ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace buildhub::search
