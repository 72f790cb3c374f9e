// Sorting many strings that share long prefixes (URLs, build ids, dates):
// multikey quicksort (Bentley & Sedgewick) compares one byte at a time at a
// growing depth, so common prefixes are not compared again and again as
// std::sort's comparisons do. Byte order, as the term dictionaries need.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace buildhub::search {

// Sorts `order` (indexes into `strings`) by the strings, bytewise.
void SortStrings(const std::vector<std::string_view>& strings, std::vector<uint32_t>* order);

}  // namespace buildhub::search
