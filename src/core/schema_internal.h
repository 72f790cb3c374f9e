// Private to the schema module (schema*.cc): the compiled form of a JSON
// Schema and the helpers its parts share. Nothing outside src/core/schema*.cc
// should include this.
//
// A schema compiles into a graph of Nodes owned by one CompiledSchema. Every
// keyword is decoded once at load time into a typed field, so validating a
// document never looks a keyword up by name, never parses a number out of
// the schema and never compiles a regex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "core/json.h"
#include "core/schema.h"
#include "core/status.h"

namespace buildhub::schema_internal {

// Bits of Node::types. kNumber includes every integer, so a node with
// kNumber never needs kInteger.
enum TypeBit : uint8_t {
  kNullBit = 1,
  kBoolBit = 2,
  kIntegerBit = 4,
  kNumberBit = 8,
  kStringBit = 16,
  kArrayBit = 32,
  kObjectBit = 64,
};

enum class Format : uint8_t { kNone, kDateTime, kDate, kEmail, kUri };

// What happens to object members (or array items) that no other keyword
// claims: draft 7 additionalProperties / additionalItems.
enum class Extra : uint8_t { kAllow, kDeny, kSchema };

struct Node;

// The first 8 bytes of a key as an integer (zero-padded): with the length,
// it settles most property lookups without a memcmp.
inline uint64_t KeyHead(std::string_view key) {
  uint64_t head = 0;
  if (key.size() >= 8) {
    std::memcpy(&head, key.data(), 8);  // a fixed size compiles to one load
  } else {
    for (size_t i = 0; i < key.size(); ++i) head |= uint64_t{static_cast<unsigned char>(key[i])} << (8 * i);
  }
  return head;
}

struct PropEntry {
  std::string key;
  uint64_t head = 0;  // KeyHead(key)
  const Node* schema = nullptr;  // null when the key is only `required`
  int required_index = -1;       // index into Node::required, or -1
};

struct PatternEntry {
  std::unique_ptr<RE2> re;
  const Node* schema = nullptr;
};

// A numeric bound as the schema wrote it; `text` is kept for messages.
struct Bound {
  bool set = false;
  json::Value value;  // a number
  std::string text;
};

struct Dependency {
  std::string key;
  std::vector<std::string> required;  // the array form
  const Node* schema = nullptr;       // the schema form
};

struct Node {
  std::string path;  // keyword path in the file, for compile errors

  // Boolean schemas: `false` rejects everything; a node with no constraint
  // at all (`true`, `{}`, title-only) is `trivial` and skipped outright.
  bool always_false = false;
  bool trivial = false;
  // Draft 7: a schema with $ref is only that reference.
  const Node* ref = nullptr;

  uint8_t types = 0;       // 0: any type
  std::string type_names;  // "integer", "string or null"

  // Objects.
  std::vector<PropEntry> props;  // sorted by (key length, head, key bytes)
  std::vector<std::string> required;
  std::vector<PatternEntry> pattern_props;
  Extra additional = Extra::kAllow;
  const Node* additional_schema = nullptr;
  size_t min_props = 0;
  size_t max_props = std::numeric_limits<size_t>::max();
  const Node* property_names = nullptr;
  std::vector<Dependency> dependencies;
  bool object_checks = false;  // any of the above is set

  // Arrays.
  const Node* items = nullptr;        // one schema for every item
  std::vector<const Node*> tuple;     // `items` as an array
  bool has_tuple = false;
  Extra additional_items = Extra::kAllow;
  const Node* additional_items_schema = nullptr;
  size_t min_items = 0;
  size_t max_items = std::numeric_limits<size_t>::max();
  bool unique_items = false;
  const Node* contains = nullptr;
  bool array_checks = false;

  // Strings.
  size_t min_length = 0;
  size_t max_length = std::numeric_limits<size_t>::max();
  std::unique_ptr<RE2> pattern;
  Format format = Format::kNone;
  bool string_checks = false;

  // Numbers.
  Bound minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;
  bool number_checks = false;

  // Any type.
  bool has_enum = false;
  std::vector<json::Value> enum_values;
  std::string enum_text;  // ["linux", "win"] for messages
  bool has_const = false;
  json::Value const_value;
  std::string const_text;
  std::vector<const Node*> all_of, any_of, one_of;
  const Node* not_schema = nullptr;
  const Node* if_schema = nullptr;  // with then/else; null when absent
  const Node* then_schema = nullptr;
  const Node* else_schema = nullptr;

  // Any of enum, const, allOf, anyOf, oneOf, not, if: one test skips them all.
  bool generic_checks = false;

  // True when a `format` can be reached from here; anyOf/oneOf re-run their
  // passing branch only then, to collect its warnings.
  bool reaches_format = false;
};

struct CompiledSchema {
  std::vector<std::unique_ptr<Node>> nodes;
  const Node* root = nullptr;
};

// --- schema_yaml.cc ----------------------------------------------------------

// YAML (or JSON) text to a json::Value. Scalars follow the YAML 1.2 core
// schema: quoted or block scalars are strings; plain scalars are null, bool,
// int (decimal, 0o, 0x) or float when they look like one, else strings.
// Errors are "<origin>: <problem>" with the YAML line and column.
Result<json::Value> YamlToJson(std::string_view text, std::string_view origin);

// --- schema_compile.cc -------------------------------------------------------

// Compiles `schema` (the value under the file's "schema" key, or the whole
// file). `root_path` is how the keyword paths in errors start ("schema" or
// ""). Errors are "<origin>: <keyword path>: <problem>".
Result<std::unique_ptr<CompiledSchema>> Compile(const json::Value& schema,
                                                std::string_view origin,
                                                std::string_view root_path);

// --- schema_values.cc --------------------------------------------------------

// JSON equality for enum/const/uniqueItems, as jsonschema compares Python
// values: 1 == 1.0 (numbers compare by value, big integers exactly), no
// bool/number mixing, objects compare regardless of member order.
bool JsonEqual(const json::Value& a, const json::Value& b);
// A hash consistent with JsonEqual.
size_t JsonHash(const json::Value& v);
// -1, 0 or 1; exact for 64-bit integers, by double otherwise.
int CompareNumbers(const json::Value& a, const json::Value& b);

// Short, readable renderings for messages; both cap what they show so that a
// hostile document cannot make a message large.
//   QuoteForMessage("beos") -> 'beos'      (Python repr style)
//   RenderForMessage(v)     -> 'beos', 5, true, {"a":1} (truncated)
std::string QuoteForMessage(std::string_view s);
std::string RenderForMessage(const json::Value& v);
// JSON text with Python's ", " / ": " separators, capped at `max_bytes`.
std::string RenderJsonList(const std::vector<json::Value>& values, size_t max_bytes);

// One path segment: a member key or an array index.
void AppendPathKey(std::string_view key, std::string* path);
void AppendPathIndex(size_t index, std::string* path);

// Number of code points in valid UTF-8 (bytes that are not continuations).
size_t CodePointCount(std::string_view s);

// --- schema_format.cc --------------------------------------------------------

bool IsDateTime(std::string_view s);  // RFC 3339 date-time
bool IsDate(std::string_view s);      // RFC 3339 full-date
bool IsEmail(std::string_view s);
bool IsUri(std::string_view s);  // RFC 3986 URI (with a scheme)

// --- schema_validate.cc ------------------------------------------------------

// Validates `document` against `root`. Errors are capped at kMaxErrors; past
// the cap a final "... and N more errors" entry says how many were left out.
inline constexpr size_t kMaxErrors = 100;
inline constexpr size_t kMaxWarnings = 100;
void ValidateDocument(const Node& root, const json::Value& document,
                      std::vector<SchemaIssue>* errors,
                      std::vector<SchemaIssue>* warnings);

}  // namespace buildhub::schema_internal
