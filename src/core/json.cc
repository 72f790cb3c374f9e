// json::Value: construction, lookup, number conversion.
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/json.h"

namespace buildhub::json {

const char* TypeName(Type type) {
  switch (type) {
    case Type::kNull: return "null";
    case Type::kBool: return "boolean";
    case Type::kNumber: return "number";
    case Type::kString: return "string";
    case Type::kArray: return "array";
    case Type::kObject: return "object";
  }
  return "unknown";
}

Value Value::Bool(bool b) {
  Value v;
  v.type_ = Type::kBool;
  v.bool_ = b;
  return v;
}

Value Value::NumberLiteral(std::string literal) {
  Value v;
  v.type_ = Type::kNumber;
  v.text_ = std::move(literal);
  return v;
}

Value Value::Int(int64_t i) { return NumberLiteral(std::to_string(i)); }

Value Value::Double(double d) {
  if (!std::isfinite(d)) return Null();  // JSON has no Infinity/NaN
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, r.ptr);
  // Keep it a float literal so that it does not read back as an integer.
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return NumberLiteral(std::move(s));
}

Value Value::String(std::string s) {
  Value v;
  v.type_ = Type::kString;
  v.text_ = std::move(s);
  return v;
}

Value Value::Array() {
  Value v;
  v.type_ = Type::kArray;
  return v;
}

Value Value::Object() {
  Value v;
  v.type_ = Type::kObject;
  return v;
}

bool Value::is_integer_literal() const {
  return type_ == Type::kNumber && text_.find_first_of(".eE") == std::string::npos;
}

std::optional<int64_t> Value::as_exact_int64() const {
  if (!is_integer_literal()) return std::nullopt;
  int64_t out = 0;
  auto r = std::from_chars(text_.data(), text_.data() + text_.size(), out);
  if (r.ec != std::errc() || r.ptr != text_.data() + text_.size()) return std::nullopt;
  return out;
}

std::optional<int64_t> Value::as_int64() const {
  if (type_ != Type::kNumber) return std::nullopt;
  if (is_integer_literal()) return as_exact_int64();
  double d = as_double();
  if (!std::isfinite(d) || d != std::floor(d)) return std::nullopt;
  if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) return std::nullopt;
  return static_cast<int64_t>(d);
}

double Value::as_double() const {
  if (type_ != Type::kNumber) return 0;
  double out = 0;
  auto r = std::from_chars(text_.data(), text_.data() + text_.size(), out);
  if (r.ec == std::errc::result_out_of_range) {
    // from_chars leaves `out` untouched on overflow; strtod gives ±inf or 0.
    return std::strtod(text_.c_str(), nullptr);
  }
  return out;
}

const Value* Value::find(std::string_view key) const {
  for (const auto& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

Value* Value::find(std::string_view key) {
  for (auto& m : members_) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

void Value::set(std::string key, Value v) {
  if (Value* existing = find(key)) {
    *existing = std::move(v);
    return;
  }
  members_.emplace_back(std::move(key), std::move(v));
}

bool Value::erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->first == key) {
      members_.erase(it);
      return true;
    }
  }
  return false;
}

bool Value::truthy() const {
  switch (type_) {
    case Type::kNull: return false;
    case Type::kBool: return bool_;
    case Type::kNumber: return as_double() != 0;
    case Type::kString: return !text_.empty();
    case Type::kArray: return !items_.empty();
    case Type::kObject: return !members_.empty();
  }
  return false;
}

bool operator==(const Value& a, const Value& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Type::kNull: return true;
    case Type::kBool: return a.bool_ == b.bool_;
    case Type::kNumber: return a.text_ == b.text_ || a.as_double() == b.as_double();
    case Type::kString: return a.text_ == b.text_;
    case Type::kArray: return a.items_ == b.items_;
    case Type::kObject: {
      if (a.members_.size() != b.members_.size()) return false;
      for (const auto& m : a.members_) {
        const Value* other = b.find(m.first);
        if (other == nullptr || !(*other == m.second)) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace buildhub::json
