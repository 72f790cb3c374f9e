// DocumentScanner: one pass over a stored build document (JSON text) that
// yields every leaf value with its mapped field, and the document's "shape":
// its bytes with each indexed value replaced by a slot. Shape plus values
// give back the stored bytes exactly, so the index can serve `_source`
// without keeping a copy of each document (most documents share a handful of
// shapes).
//
// New keys are added to the mapping as Elasticsearch's dynamic mapping
// would. Documents the shape cannot describe (arrays, repeated keys, invalid
// JSON) are flagged `exact_shape = false` and kept verbatim by the caller.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "search/mapping.h"

namespace buildhub::search {

enum class ValueKind : uint8_t { kString, kNumber, kTrue, kFalse };

struct ScannedValue {
  uint32_t field = kNoField;
  FieldType type = FieldType::kKeyword;  // the field's, resolved while scanning
  uint32_t keyword_sub = kNoField;       // text fields: their `.keyword`
  ValueKind kind = ValueKind::kString;
  std::string_view raw;   // the JSON bytes of the value
  std::string_view text;  // strings: decoded text; numbers: the literal
};

struct ScannedDocument {
  bool valid = false;         // a JSON object
  bool exact_shape = false;   // shape + values reproduce the bytes
  bool source_rewrite = false;  // _source needs more than `{"id":N,` + members
  bool has_members = false;
  std::string shape;          // slots are "\0" + 2-byte field id
  std::vector<ScannedValue> values;
  std::deque<std::string> decoded;  // storage for decoded strings

  void Clear();
};

// Slot marker in shapes.
constexpr char kSlotByte = '\0';

class DocumentScanner {
 public:
  explicit DocumentScanner(Mapping* mapping) : mapping_(mapping) {}
  void Scan(std::string_view json, ScannedDocument* out);

 private:
  struct State;
  Mapping* mapping_;
};

// Whether a dynamic string field should be mapped as a date (ES date
// detection: strict_date_optional_time or yyyy/MM/dd[ HH:mm:ss] forms).
bool LooksLikeDate(std::string_view s);

}  // namespace buildhub::search
