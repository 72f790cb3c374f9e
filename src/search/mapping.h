// Mapping: the fields of the index and their types, as Elasticsearch 6.7
// would have them for the `buildhub2` index — the explicit mapping of the
// original (reference §5.2) plus ES's dynamic mapping for everything else:
// strings become `text` with a `.keyword` sub-field (ignore_above 256),
// strings that look like dates become `date`, integers `long`, other numbers
// `float` (kept as doubles), booleans `boolean`, objects `object`.
//
// Field ids are dense and stable: the mapping only ever grows, so a segment
// built with an older mapping simply lacks the newer fields. The writer owns
// the live mapping; searches read immutable copies published with each
// snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace buildhub::search {

enum class FieldType : uint8_t { kObject, kKeyword, kText, kLong, kDouble, kDate, kBoolean };

// The ES type name, for error messages ("float" for kDouble, as ES maps JSON
// floats dynamically).
const char* FieldTypeName(FieldType type);

inline bool IsNumericType(FieldType t) {
  return t == FieldType::kLong || t == FieldType::kDouble || t == FieldType::kDate ||
         t == FieldType::kBoolean;
}

constexpr uint32_t kNoField = UINT32_MAX;

struct FieldInfo {
  uint32_t id = kNoField;
  std::string path;  // "build.cc", "build.cc.keyword"
  FieldType type = FieldType::kObject;
  uint32_t parent = kNoField;       // the enclosing object; kNoField for the root
  uint32_t keyword_sub = kNoField;  // text: its `.keyword` sub-field
  uint32_t text_parent = kNoField;  // a `.keyword` sub-field: its text field
  std::vector<std::pair<std::string, uint32_t>> children;  // objects: key -> id
};

class Mapping {
 public:
  static constexpr uint32_t kRoot = 0;
  // ES's index.mapping.total_fields.limit and depth limit.
  static constexpr size_t kMaxFields = 1000;
  static constexpr size_t kMaxDepth = 20;

  Mapping();  // the root object and the explicit buildhub2 mapping

  size_t size() const { return fields_.size(); }
  const FieldInfo& field(uint32_t id) const { return fields_[id]; }
  const FieldInfo* Find(std::string_view path) const;
  uint32_t Child(uint32_t parent, std::string_view key) const;
  size_t Depth(uint32_t id) const;

  // Adds a dynamic field under `parent` (text fields get their `.keyword`
  // sub-field too). kNoField when the field cap is reached.
  uint32_t AddField(uint32_t parent, std::string_view key, FieldType type);

  // Searchable fields named by `path`: the field itself, or every leaf below
  // an object. `.keyword` sub-fields are included under objects.
  std::vector<uint32_t> LeavesAt(std::string_view path) const;
  // Searchable fields whose path matches a `*` pattern.
  std::vector<uint32_t> MatchPattern(std::string_view pattern) const;

 private:
  uint32_t Add(uint32_t parent, std::string key, FieldType type);

  std::vector<FieldInfo> fields_;
  std::unordered_map<std::string, uint32_t> by_path_;
};

}  // namespace buildhub::search
