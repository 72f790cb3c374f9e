// TermDict: an immutable table of strings in one arena. Built sorted (term
// dictionaries: ordinal order is byte order, so ranges of terms are ranges of
// ordinals) or in arrival order (raw value pools, where only lookup by
// ordinal is needed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace buildhub::search {

class TermDict {
 public:
  TermDict() : offsets_{0} {}

  // `terms` must be sorted and unique when the dictionary is to be searched.
  static TermDict FromList(const std::vector<std::string_view>& terms);

  size_t size() const { return offsets_.size() - 1; }
  std::string_view term(uint32_t i) const {
    return std::string_view(chars_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }

  // Sorted dictionaries only.
  std::optional<uint32_t> Find(std::string_view t) const;
  uint32_t LowerBound(std::string_view t) const;  // first ordinal with term >= t
  uint32_t UpperBound(std::string_view t) const;  // first ordinal with term > t
  // Ordinals [lo, hi) of the terms starting with `prefix`.
  std::pair<uint32_t, uint32_t> PrefixRange(std::string_view prefix) const;

  size_t MemoryBytes() const { return chars_.capacity() + offsets_.capacity() * sizeof(uint64_t); }

 private:
  std::string chars_;
  std::vector<uint64_t> offsets_;
};

}  // namespace buildhub::search
