// Value comparison and message rendering for the schema validator.
//
// Equality follows jsonschema 3.2 on Python values, minus Python's
// True == 1: numbers compare by value (1 == 1.0; integers beyond 64 bits
// exactly, as Python ints do), booleans never equal numbers, and object
// members compare regardless of order.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "core/schema_internal.h"

namespace buildhub::schema_internal {
namespace {

constexpr size_t kMaxShownCodePoints = 64;
constexpr size_t kMaxRenderedBytes = 80;
constexpr int kMaxCompareDepth = 1024;

// JSON integer literals have no leading zeros; "-0" is 0.
bool IntLiteralsEqual(std::string_view a, std::string_view b) {
  bool a_neg = a.starts_with('-');
  bool b_neg = b.starts_with('-');
  if (a_neg) a.remove_prefix(1);
  if (b_neg) b.remove_prefix(1);
  if (a == "0" && b == "0") return true;
  return a_neg == b_neg && a == b;
}

bool NumbersEqual(const json::Value& a, const json::Value& b) {
  if (a.text() == b.text()) return true;
  const bool a_int = a.is_integer_literal();
  const bool b_int = b.is_integer_literal();
  if (a_int && b_int) return IntLiteralsEqual(a.text(), b.text());
  if (!a_int && !b_int) return a.as_double() == b.as_double();
  const json::Value& i = a_int ? a : b;
  const double d = (a_int ? b : a).as_double();
  if (!std::isfinite(d) || d != std::floor(d)) return false;
  if (std::optional<int64_t> iv = i.as_exact_int64()) {
    if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) return false;
    return static_cast<int64_t>(d) == *iv;
  }
  // An integer beyond 64 bits against an integral double: compare the exact
  // decimal expansion of the double, as Python's int/float comparison does.
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.0f", d);
  return IntLiteralsEqual(buf, i.text());
}

bool Equal(const json::Value& a, const json::Value& b, int depth);

bool ObjectsEqual(const json::Value& a, const json::Value& b, int depth) {
  const auto& am = a.members();
  const auto& bm = b.members();
  if (am.size() != bm.size()) return false;
  // Same key order is the common case: compare in step.
  bool same_order = true;
  for (size_t i = 0; i < am.size(); ++i) {
    if (am[i].first != bm[i].first) {
      same_order = false;
      break;
    }
  }
  if (same_order) {
    for (size_t i = 0; i < am.size(); ++i) {
      if (!Equal(am[i].second, bm[i].second, depth + 1)) return false;
    }
    return true;
  }
  // Otherwise sort both sides by key so that big objects stay O(n log n).
  std::vector<const json::Member*> as, bs;
  as.reserve(am.size());
  bs.reserve(bm.size());
  for (const auto& m : am) as.push_back(&m);
  for (const auto& m : bm) bs.push_back(&m);
  auto by_key = [](const json::Member* x, const json::Member* y) { return x->first < y->first; };
  std::sort(as.begin(), as.end(), by_key);
  std::sort(bs.begin(), bs.end(), by_key);
  for (size_t i = 0; i < as.size(); ++i) {
    if (as[i]->first != bs[i]->first) return false;
    if (!Equal(as[i]->second, bs[i]->second, depth + 1)) return false;
  }
  return true;
}

bool Equal(const json::Value& a, const json::Value& b, int depth) {
  if (a.type() != b.type()) return false;
  if (depth > kMaxCompareDepth) return false;
  switch (a.type()) {
    case json::Type::kNull: return true;
    case json::Type::kBool: return a.as_bool() == b.as_bool();
    case json::Type::kNumber: return NumbersEqual(a, b);
    case json::Type::kString: return a.text() == b.text();
    case json::Type::kArray: {
      if (a.items().size() != b.items().size()) return false;
      for (size_t i = 0; i < a.items().size(); ++i) {
        if (!Equal(a.items()[i], b.items()[i], depth + 1)) return false;
      }
      return true;
    }
    case json::Type::kObject: return ObjectsEqual(a, b, depth);
  }
  return false;
}

size_t Mix(size_t h, size_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }

size_t Hash(const json::Value& v, int depth) {
  if (depth > kMaxCompareDepth) return 0;
  switch (v.type()) {
    case json::Type::kNull: return 0x6e756c6c;
    case json::Type::kBool: return v.as_bool() ? 0x74727565 : 0x66616c73;
    case json::Type::kNumber: {
      double d = v.as_double();
      if (d == 0) d = 0;  // -0.0 and 0.0 are equal, so they must hash alike
      return Mix(0x6e756d, std::hash<double>()(d));
    }
    case json::Type::kString: return Mix(0x737472, std::hash<std::string_view>()(v.text()));
    case json::Type::kArray: {
      size_t h = 0x617272;
      for (const auto& item : v.items()) h = Mix(h, Hash(item, depth + 1));
      return h;
    }
    case json::Type::kObject: {
      // Order-independent: a sum of per-member hashes.
      size_t sum = 0;
      for (const auto& m : v.members()) {
        sum += Mix(std::hash<std::string_view>()(m.first), Hash(m.second, depth + 1));
      }
      return Mix(0x6f626a, sum);
    }
  }
  return 0;
}

// Appends at most `max_cp` code points of valid UTF-8 `s`; true if all fit.
bool AppendPrefix(std::string_view s, size_t max_cp, std::string* out) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (count == max_cp) {
        out->append(s.substr(0, i));
        return false;
      }
      ++count;
    }
  }
  out->append(s);
  return true;
}

void AppendQuoted(std::string_view s, std::string* out) {
  std::string shown;
  const bool whole = AppendPrefix(s, kMaxShownCodePoints, &shown);
  out->push_back('\'');
  for (char ch : shown) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\'': out->append("\\'"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out->append(buf);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('\'');
  if (!whole) out->append("...");
}

void AppendJsonString(std::string_view s, std::string* out) {
  std::string shown;
  const bool whole = AppendPrefix(s, kMaxShownCodePoints, &shown);
  if (!whole) shown.append("...");
  json::WriteString(shown, out);
}

// JSON with Python's separators, stopping once `out` passes `limit` bytes;
// false when it stopped early.
bool RenderBounded(const json::Value& v, size_t limit, std::string* out) {
  if (out->size() > limit) return false;
  switch (v.type()) {
    case json::Type::kNull: out->append("null"); return true;
    case json::Type::kBool: out->append(v.as_bool() ? "true" : "false"); return true;
    case json::Type::kNumber: {
      const bool whole = AppendPrefix(v.text(), kMaxShownCodePoints, out);
      if (!whole) out->append("...");
      return whole;
    }
    case json::Type::kString: AppendJsonString(v.text(), out); return true;
    case json::Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const auto& item : v.items()) {
        if (!first) out->append(", ");
        first = false;
        if (!RenderBounded(item, limit, out) || out->size() > limit) {
          out->append(", ...]");
          return false;
        }
      }
      out->push_back(']');
      return true;
    }
    case json::Type::kObject: {
      out->push_back('{');
      bool first = true;
      for (const auto& m : v.members()) {
        if (!first) out->append(", ");
        first = false;
        AppendJsonString(m.first, out);
        out->append(": ");
        if (!RenderBounded(m.second, limit, out) || out->size() > limit) {
          out->append(", ...}");
          return false;
        }
      }
      out->push_back('}');
      return true;
    }
  }
  return true;
}

bool IsPlainKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '$' || c == '@';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool JsonEqual(const json::Value& a, const json::Value& b) { return Equal(a, b, 0); }

size_t JsonHash(const json::Value& v) { return Hash(v, 0); }

int CompareNumbers(const json::Value& a, const json::Value& b) {
  std::optional<int64_t> ai = a.as_exact_int64();
  std::optional<int64_t> bi = ai ? b.as_exact_int64() : std::nullopt;
  if (ai && bi) return *ai < *bi ? -1 : (*ai > *bi ? 1 : 0);
  const double ad = a.as_double();
  const double bd = b.as_double();
  return ad < bd ? -1 : (ad > bd ? 1 : 0);
}

std::string QuoteForMessage(std::string_view s) {
  std::string out;
  AppendQuoted(s, &out);
  return out;
}

std::string RenderForMessage(const json::Value& v) {
  std::string out;
  if (v.is_string()) {
    AppendQuoted(v.text(), &out);
  } else {
    RenderBounded(v, kMaxRenderedBytes, &out);
  }
  return out;
}

std::string RenderJsonList(const std::vector<json::Value>& values, size_t max_bytes) {
  std::string out = "[";
  bool first = true;
  for (const auto& v : values) {
    if (!first) out.append(", ");
    first = false;
    if (!RenderBounded(v, max_bytes, &out) || out.size() > max_bytes) {
      out.append(", ...]");
      return out;
    }
  }
  out.push_back(']');
  return out;
}

void AppendPathKey(std::string_view key, std::string* path) {
  if (IsPlainKey(key) && key.size() <= kMaxShownCodePoints) {
    if (!path->empty()) path->push_back('.');
    path->append(key);
    return;
  }
  path->push_back('[');
  AppendJsonString(key, path);
  path->push_back(']');
}

void AppendPathIndex(size_t index, std::string* path) {
  path->push_back('[');
  path->append(std::to_string(index));
  path->push_back(']');
}

size_t CodePointCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace buildhub::schema_internal
