#include "search/python_repr.h"

#include <cmath>
#include <limits>

#include "core/utf8.h"

namespace buildhub::search {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Python's str.isprintable() for non-ASCII code points, approximated by the
// separator, control, format, surrogate and private-use ranges.
bool IsPrintable(uint32_t cp) {
  if (cp < 0xA0) return false;  // C1 controls (ASCII handled by the caller)
  if (cp == 0xA0 || cp == 0xAD) return false;
  if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
      (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF)
    return false;
  if (cp >= 0xD800 && cp <= 0xF8FF) return false;  // surrogates, private use
  if (cp >= 0xFFF9 && cp <= 0xFFFB) return false;
  if (cp >= 0xF0000) return false;  // supplementary private use
  return true;
}

void AppendHex(uint32_t v, int digits, std::string* out) {
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(v >> (4 * i)) & 0xF]);
}

void ReprString(const std::string& s, std::string* out) {
  bool has_single = s.find('\'') != std::string::npos;
  bool has_double = s.find('"') != std::string::npos;
  char quote = (has_single && !has_double) ? '"' : '\'';
  out->push_back(quote);
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      if (c == static_cast<unsigned char>(quote) || c == '\\') {
        out->push_back('\\');
        out->push_back(static_cast<char>(c));
      } else if (c == '\t') {
        out->append("\\t");
      } else if (c == '\n') {
        out->append("\\n");
      } else if (c == '\r') {
        out->append("\\r");
      } else if (c < 0x20 || c == 0x7F) {
        out->append("\\x");
        AppendHex(c, 2, out);
      } else {
        out->push_back(static_cast<char>(c));
      }
      continue;
    }
    size_t start = i;
    uint32_t cp = utf8::DecodeNext(s, &i);
    if (IsPrintable(cp)) {
      out->append(s, start, i - start);
    } else if (cp <= 0xFF) {
      out->append("\\x");
      AppendHex(cp, 2, out);
    } else if (cp <= 0xFFFF) {
      out->append("\\u");
      AppendHex(cp, 4, out);
    } else {
      out->append("\\U");
      AppendHex(cp, 8, out);
    }
  }
  out->push_back(quote);
}

std::string FloatRepr(const json::Value& v) {
  double d = v.as_double();
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  return json::PythonFloatRepr(d);
}

std::string IntRepr(const json::Value& v) {
  const std::string& t = v.text();
  if (t == "-0") return "0";
  return t;
}

void Repr(const json::Value& v, std::string* out) {
  switch (v.type()) {
    case json::Type::kNull: out->append("None"); return;
    case json::Type::kBool: out->append(v.as_bool() ? "True" : "False"); return;
    case json::Type::kNumber:
      out->append(v.is_integer_literal() ? IntRepr(v) : FloatRepr(v));
      return;
    case json::Type::kString: ReprString(v.text(), out); return;
    case json::Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const auto& item : v.items()) {
        if (!first) out->append(", ");
        first = false;
        Repr(item, out);
      }
      out->push_back(']');
      return;
    }
    case json::Type::kObject: {
      out->push_back('{');
      bool first = true;
      for (const auto& [key, value] : v.members()) {
        if (!first) out->append(", ");
        first = false;
        ReprString(key, out);
        out->append(": ");
        Repr(value, out);
      }
      out->push_back('}');
      return;
    }
  }
}

const char* PythonTypeName(const json::Value& v) {
  switch (v.type()) {
    case json::Type::kNull: return "NoneType";
    case json::Type::kBool: return "bool";
    case json::Type::kNumber: return v.is_integer_literal() ? "int" : "float";
    case json::Type::kString: return "str";
    case json::Type::kArray: return "list";
    case json::Type::kObject: return "dict";
  }
  return "object";
}

bool IsPySpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Parses Python integer-literal syntax (sign, digits, single underscores
// between digits, surrounding whitespace) with saturation.
bool ParsePyIntString(const std::string& s, int64_t* out, bool* overflow) {
  size_t b = 0, e = s.size();
  while (b < e && IsPySpace(s[b])) ++b;
  while (e > b && IsPySpace(s[e - 1])) --e;
  if (b == e) return false;
  bool neg = false;
  if (s[b] == '+' || s[b] == '-') {
    neg = s[b] == '-';
    ++b;
  }
  if (b == e) return false;
  unsigned __int128 acc = 0;
  bool big = false;
  bool prev_digit = false;
  for (size_t i = b; i < e; ++i) {
    char c = s[i];
    if (c == '_') {
      if (!prev_digit || i + 1 == e) return false;
      prev_digit = false;
      continue;
    }
    if (c < '0' || c > '9') return false;
    prev_digit = true;
    if (!big) {
      acc = acc * 10 + static_cast<unsigned>(c - '0');
      if (acc > static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max()) + 1) big = true;
    }
  }
  if (!neg && acc > static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max())) big = true;
  if (big) {
    *overflow = true;
    *out = neg ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
    return true;
  }
  *out = neg ? -static_cast<int64_t>(acc) : static_cast<int64_t>(acc);
  if (neg && acc == static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max()) + 1) {
    *out = std::numeric_limits<int64_t>::min();
  }
  return true;
}

}  // namespace

std::string PythonRepr(const json::Value& value) {
  std::string out;
  Repr(value, &out);
  return out;
}

std::string PythonStr(const json::Value& value) {
  if (value.is_string()) return value.text();
  return PythonRepr(value);
}

Status PythonInt(const json::Value& value, int64_t* out, bool* overflow) {
  *overflow = false;
  switch (value.type()) {
    case json::Type::kBool:
      *out = value.as_bool() ? 1 : 0;
      return Status::Ok();
    case json::Type::kNumber: {
      if (value.is_integer_literal()) {
        if (ParsePyIntString(value.text(), out, overflow)) return Status::Ok();
        return Status(StatusCode::kInvalidArgument, "invalid integer " + value.text());
      }
      double d = value.as_double();
      if (std::isinf(d)) {
        return Status(StatusCode::kInvalidArgument, "cannot convert float infinity to integer");
      }
      double t = std::trunc(d);
      if (t >= 9.2233720368547758e18) {
        *overflow = true;
        *out = std::numeric_limits<int64_t>::max();
      } else if (t < -9.2233720368547758e18) {
        *overflow = true;
        *out = std::numeric_limits<int64_t>::min();
      } else {
        *out = static_cast<int64_t>(t);
      }
      return Status::Ok();
    }
    case json::Type::kString:
      if (ParsePyIntString(value.text(), out, overflow)) return Status::Ok();
      return Status(StatusCode::kInvalidArgument,
                    "invalid literal for int() with base 10: " + PythonRepr(value));
    default:
      return Status(StatusCode::kInvalidArgument,
                    std::string("int() argument must be a string, a bytes-like object or a number, not '") +
                        PythonTypeName(value) + "'");
  }
}

}  // namespace buildhub::search
