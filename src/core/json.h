// A JSON document model that keeps what Buildhub must not lose.
//
// Why our own and not simdjson/nlohmann: the build hash must be byte-identical
// to Python's json.dumps, which needs numbers exactly as written (big integers,
// 1.0 vs 1) and object keys in document order; /api/search clients see
// Python-style parse errors ("Expecting value: line 1 column 1 (char 0)");
// and every input needs hard caps on depth and size with messages that say
// which cap was hit. The parser is a small, strict RFC 8259 recursive-descent
// parser with UTF-8 validation; the serialisers live in json_write.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace buildhub::json {

enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

const char* TypeName(Type type);  // "null", "boolean", "number", ...

class Value;
using Member = std::pair<std::string, Value>;

class Value {
 public:
  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b);
  // `literal` must be a valid JSON number literal; it is kept verbatim.
  static Value NumberLiteral(std::string literal);
  static Value Int(int64_t v);
  static Value Double(double v);
  static Value String(std::string s);
  static Value Array();
  static Value Object();

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool as_bool() const { return bool_; }
  // For strings: the decoded UTF-8 text. For numbers: the literal as written.
  const std::string& text() const { return text_; }
  std::string& mutable_text() { return text_; }

  // Number helpers. A literal is "integral" when it has no fraction or
  // exponent part (Python's json would make it an int).
  bool is_integer_literal() const;
  // Value as int64 if it is integral or a float with zero fraction that fits.
  std::optional<int64_t> as_int64() const;
  // Exact int64 only for integer literals (no 1.0), nullopt on overflow.
  std::optional<int64_t> as_exact_int64() const;
  double as_double() const;

  // Arrays.
  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& mutable_items() { return items_; }
  void push_back(Value v) { items_.push_back(std::move(v)); }

  // Objects: members in document order; keys are unique (on parse a repeated
  // key replaces the earlier value in place, as Python's dict does).
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& mutable_members() { return members_; }
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Inserts or replaces.
  void set(std::string key, Value v);
  bool erase(std::string_view key);

  size_t size() const { return type_ == Type::kArray ? items_.size() : members_.size(); }

  // "Truthiness" in Python's sense: null, false, 0, "", [], {} are falsy.
  bool truthy() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

struct ParseOptions {
  size_t max_depth = 512;      // nesting of arrays/objects
  size_t max_bytes = 0;        // 0 = unlimited (callers apply their own caps)
  bool allow_bom = false;      // accept (and skip) a leading UTF-8 BOM
};

// Parses one JSON text (surrounding whitespace allowed). Errors use Python's
// json module wording where one exists, e.g.
//   "Expecting value: line 1 column 1 (char 0)"
//   "Expecting ',' delimiter: line 3 column 5 (char 20)"
//   "Extra data: line 1 column 3 (char 2)"
// and our own for the caps and encoding ("invalid UTF-8 at byte 12",
// "nesting deeper than 512 levels at line 1 column 513 (char 512)").
Result<Value> Parse(std::string_view text, const ParseOptions& options = {});

// Compact serialisation: no spaces, keys in stored order, strings escaped
// minimally (", \, control characters) and UTF-8 kept as is, numbers as
// written. Round-trips the parsed document.
std::string Write(const Value& value);
void WriteTo(const Value& value, std::string* out);
// Appends `s` as a JSON string literal (with quotes) to `out`.
void WriteString(std::string_view s, std::string* out);

// Python json.dumps(value, sort_keys=True) with its defaults: separators
// ", " and ": ", ensure_ascii (\uXXXX, lowercase hex, surrogate pairs),
// integers as written, floats as Python repr. This is the build-hash input.
std::string WritePythonCanonical(const Value& value);

// Python's repr() of a double ("1.0", "1e+16", "5e-05", "Infinity").
std::string PythonFloatRepr(double v);

}  // namespace buildhub::json
