// JSON writers: compact (as stored and served) and Python-canonical (hashed).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/json.h"
#include "core/utf8.h"

namespace buildhub::json {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the prefix of s[from..] made of bytes that need no escaping in a
// JSON string: not a control character, not '"', not '\\' — and, when
// `ascii_only`, below 0x80. Eight bytes at a time (SWAR): writing strings is
// the hottest part of ingesting and of answering searches.
size_t PlainRun(std::string_view s, size_t from, bool ascii_only) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  size_t i = from;
  while (i + 8 <= s.size()) {
    uint64_t x;
    __builtin_memcpy(&x, s.data() + i, 8);
    uint64_t control = (x - kOnes * 0x20) & ~x;           // bytes < 0x20 (and >= 0x80)
    uint64_t quote = x ^ (kOnes * '"');
    uint64_t backslash = x ^ (kOnes * '\\');
    uint64_t special = control | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash);
    if (ascii_only) special |= x;
    if (special & kHigh) break;
    i += 8;
  }
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\' || (ascii_only && c >= 0x80)) break;
    ++i;
  }
  return i - from;
}

void AppendU4(uint32_t u, std::string* out) {
  out->append("\\u");
  out->push_back(kHex[(u >> 12) & 0xF]);
  out->push_back(kHex[(u >> 8) & 0xF]);
  out->push_back(kHex[(u >> 4) & 0xF]);
  out->push_back(kHex[u & 0xF]);
}

// Escapes shared by both writers; returns false for bytes it leaves alone.
bool AppendCommonEscape(unsigned char c, std::string* out) {
  switch (c) {
    case '"': out->append("\\\""); return true;
    case '\\': out->append("\\\\"); return true;
    case '\n': out->append("\\n"); return true;
    case '\r': out->append("\\r"); return true;
    case '\t': out->append("\\t"); return true;
    case '\b': out->append("\\b"); return true;
    case '\f': out->append("\\f"); return true;
    default:
      if (c < 0x20) {
        AppendU4(c, out);
        return true;
      }
      return false;
  }
}

void WriteAsciiString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    // Copy the run of printable ASCII that needs no escaping in one go.
    size_t run = PlainRun(s, i, /*ascii_only=*/true);
    out->append(s.data() + i, run);
    i += run;
    if (i >= s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      AppendCommonEscape(c, out);
      ++i;
      continue;
    }
    uint32_t cp = utf8::DecodeNext(s, &i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      AppendU4(0xD800 + (cp >> 10), out);
      AppendU4(0xDC00 + (cp & 0x3FF), out);
    } else {
      AppendU4(cp, out);
    }
  }
  out->push_back('"');
}

// Python int(literal) then str(): as written, except that "-0" is "0".
void WritePythonInt(const std::string& literal, std::string* out) {
  if (literal == "-0") {
    out->push_back('0');
  } else {
    out->append(literal);
  }
}

void WritePython(const Value& v, std::string* out) {
  switch (v.type()) {
    case Type::kNull: out->append("null"); return;
    case Type::kBool: out->append(v.as_bool() ? "true" : "false"); return;
    case Type::kNumber:
      if (v.is_integer_literal()) {
        WritePythonInt(v.text(), out);
      } else {
        out->append(PythonFloatRepr(v.as_double()));
      }
      return;
    case Type::kString: WriteAsciiString(v.text(), out); return;
    case Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const auto& item : v.items()) {
        if (!first) out->append(", ");
        first = false;
        WritePython(item, out);
      }
      out->push_back(']');
      return;
    }
    case Type::kObject: {
      std::vector<const Member*> sorted;
      sorted.reserve(v.members().size());
      for (const auto& m : v.members()) sorted.push_back(&m);
      // Python sorts str keys by code point; UTF-8 byte order is the same.
      std::sort(sorted.begin(), sorted.end(),
                [](const Member* a, const Member* b) { return a->first < b->first; });
      out->push_back('{');
      bool first = true;
      for (const Member* m : sorted) {
        if (!first) out->append(", ");
        first = false;
        WriteAsciiString(m->first, out);
        out->append(": ");
        WritePython(m->second, out);
      }
      out->push_back('}');
      return;
    }
  }
}

}  // namespace

void WriteString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t i = 0;
  while (true) {
    size_t run = PlainRun(s, i, /*ascii_only=*/false);
    out->append(s.data() + i, run);
    i += run;
    if (i >= s.size()) break;
    AppendCommonEscape(static_cast<unsigned char>(s[i]), out);
    ++i;
  }
  out->push_back('"');
}

void WriteTo(const Value& v, std::string* out) {
  switch (v.type()) {
    case Type::kNull: out->append("null"); return;
    case Type::kBool: out->append(v.as_bool() ? "true" : "false"); return;
    case Type::kNumber: out->append(v.text()); return;
    case Type::kString: WriteString(v.text(), out); return;
    case Type::kArray: {
      out->push_back('[');
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (i) out->push_back(',');
        WriteTo(v.items()[i], out);
      }
      out->push_back(']');
      return;
    }
    case Type::kObject: {
      out->push_back('{');
      bool first = true;
      for (const auto& m : v.members()) {
        if (!first) out->push_back(',');
        first = false;
        WriteString(m.first, out);
        out->push_back(':');
        WriteTo(m.second, out);
      }
      out->push_back('}');
      return;
    }
  }
}

std::string Write(const Value& value) {
  std::string out;
  out.reserve(1024);
  WriteTo(value, &out);
  return out;
}

std::string WritePythonCanonical(const Value& value) {
  std::string out;
  out.reserve(2048);
  WritePython(value, &out);
  return out;
}

std::string PythonFloatRepr(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  // Shortest round-trip digits, as Python's repr uses.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // e.g. "-1.2345e+02"
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exponent = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  // Python: decpt = exponent + 1; scientific when decpt <= -4 or decpt > 16.
  int decpt = exponent + 1;
  std::string out = negative ? "-" : "";
  if (decpt <= -4 || decpt > 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  } else if (decpt <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-decpt), '0');
    out += digits;
  } else if (static_cast<size_t>(decpt) >= digits.size()) {
    out += digits;
    out.append(static_cast<size_t>(decpt) - digits.size(), '0');
    out += ".0";
  } else {
    out += digits.substr(0, static_cast<size_t>(decpt));
    out += '.';
    out += digits.substr(static_cast<size_t>(decpt));
  }
  return out;
}

}  // namespace buildhub::json
