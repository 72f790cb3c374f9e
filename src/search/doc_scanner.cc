#include "search/doc_scanner.h"

#include <cstring>

#include "core/utf8.h"
#include "search/dates.h"

namespace buildhub::search {

void ScannedDocument::Clear() {
  valid = false;
  exact_shape = false;
  source_rewrite = false;
  has_members = false;
  shape.clear();
  values.clear();
  decoded.clear();
}

bool LooksLikeDate(std::string_view s) {
  auto digits = [&](size_t at, size_t n) {
    if (at + n > s.size()) return false;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
  };
  if (!digits(0, 4) || s.size() < 10) return false;
  if (s[4] == '-' && digits(5, 2) && s[7] == '-' && digits(8, 2)) {
    return dates::ParseStoredDate(s).has_value();
  }
  if (s[4] == '/' && digits(5, 2) && s[7] == '/' && digits(8, 2)) return true;
  return false;
}

namespace {

constexpr size_t kMaxNesting = 512;

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

struct DocumentScanner::State {
  Mapping* mapping;
  std::string_view in;
  size_t pos = 0;
  ScannedDocument* out;
  size_t nesting = 0;

  bool AtEnd() const { return pos >= in.size(); }

  void Ws() {
    size_t start = pos;
    while (pos < in.size() && IsWs(in[pos])) ++pos;
    if (pos > start) out->shape.append(in.substr(start, pos - start));
  }

  // Scans a string token at pos ('"'). Sets *raw and *text (decoded).
  bool String(std::string_view* raw, std::string_view* text) {
    size_t start = pos;
    ++pos;
    bool escaped = false;
    while (true) {
      if (pos >= in.size()) return false;
      char c = in[pos];
      if (c == '"') break;
      if (c == '\\') {
        escaped = true;
        pos += 2;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20) return false;
      ++pos;
    }
    ++pos;
    *raw = in.substr(start, pos - start);
    std::string_view body = raw->substr(1, raw->size() - 2);
    if (!escaped) {
      if (!utf8::IsValid(body)) return false;
      *text = body;
      return true;
    }
    std::string dec;
    dec.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
      char c = body[i];
      if (c != '\\') {
        dec.push_back(c);
        continue;
      }
      if (++i >= body.size()) return false;
      switch (body[i]) {
        case '"': dec.push_back('"'); break;
        case '\\': dec.push_back('\\'); break;
        case '/': dec.push_back('/'); break;
        case 'b': dec.push_back('\b'); break;
        case 'f': dec.push_back('\f'); break;
        case 'n': dec.push_back('\n'); break;
        case 'r': dec.push_back('\r'); break;
        case 't': dec.push_back('\t'); break;
        case 'u': {
          auto read4 = [&](size_t at, uint32_t* v) {
            if (at + 4 > body.size()) return false;
            uint32_t x = 0;
            for (size_t k = 0; k < 4; ++k) {
              int h = HexValue(body[at + k]);
              if (h < 0) return false;
              x = x * 16 + static_cast<uint32_t>(h);
            }
            *v = x;
            return true;
          };
          uint32_t cp;
          if (!read4(i + 1, &cp)) return false;
          i += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (i + 2 < body.size() && body[i + 1] == '\\' && body[i + 2] == 'u' &&
                read4(i + 3, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              i += 6;
            } else {
              cp = 0xFFFD;
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          utf8::Append(cp, &dec);
          break;
        }
        default:
          return false;
      }
    }
    if (!utf8::IsValid(dec)) return false;
    out->decoded.push_back(std::move(dec));
    *text = out->decoded.back();
    return true;
  }

  bool Number(std::string_view* raw, bool* integral) {
    size_t start = pos;
    *integral = true;
    if (pos < in.size() && in[pos] == '-') ++pos;
    if (pos >= in.size()) return false;
    if (in[pos] == '0') {
      ++pos;
    } else if (in[pos] >= '1' && in[pos] <= '9') {
      while (pos < in.size() && in[pos] >= '0' && in[pos] <= '9') ++pos;
    } else {
      return false;
    }
    if (pos < in.size() && in[pos] == '.') {
      *integral = false;
      ++pos;
      size_t d = pos;
      while (pos < in.size() && in[pos] >= '0' && in[pos] <= '9') ++pos;
      if (pos == d) return false;
    }
    if (pos < in.size() && (in[pos] == 'e' || in[pos] == 'E')) {
      *integral = false;
      ++pos;
      if (pos < in.size() && (in[pos] == '+' || in[pos] == '-')) ++pos;
      size_t d = pos;
      while (pos < in.size() && in[pos] >= '0' && in[pos] <= '9') ++pos;
      if (pos == d) return false;
    }
    *raw = in.substr(start, pos - start);
    return true;
  }

  bool Literal(const char* word) {
    size_t n = std::strlen(word);
    if (in.substr(pos, n) != word) return false;
    pos += n;
    return true;
  }

  void Slot(uint32_t field) {
    out->shape.push_back(kSlotByte);
    out->shape.push_back(static_cast<char>(field & 0xFF));
    out->shape.push_back(static_cast<char>((field >> 8) & 0xFF));
  }

  // The field for `key` under object `node`, created on first sight with a
  // type chosen by `first()` from what the value looks like.
  template <typename TypeFn>
  uint32_t FieldFor(uint32_t node, std::string_view key, TypeFn&& first) {
    if (node == kNoField || key.empty()) return kNoField;
    uint32_t f = mapping->Child(node, key);
    if (f != kNoField) return f;
    return mapping->AddField(node, key, first());
  }
  uint32_t FieldFor(uint32_t node, std::string_view key, FieldType type) {
    return FieldFor(node, key, [type] { return type; });
  }

  // depth: 1 for members of the root object.
  bool Object(uint32_t node, size_t depth) {
    if (++nesting > kMaxNesting) return false;
    out->shape.push_back('{');
    ++pos;
    Ws();
    if (AtEnd()) return false;
    std::vector<std::string_view> seen;
    if (in[pos] == '}') {
      ++pos;
      out->shape.push_back('}');
      --nesting;
      return true;
    }
    while (true) {
      if (AtEnd() || in[pos] != '"') return false;
      std::string_view raw_key, key;
      if (!String(&raw_key, &key)) return false;
      out->shape.append(raw_key);
      for (std::string_view s : seen) {
        if (s == key) out->exact_shape = false;
      }
      seen.push_back(key);
      if (depth == 1) out->has_members = true;
      Ws();
      if (AtEnd() || in[pos] != ':') return false;
      ++pos;
      out->shape.push_back(':');
      Ws();
      // The pk is the document's `id`; a member of that name is dropped.
      bool drop = depth == 1 && key == "id";
      if (drop) out->source_rewrite = true;
      if (!Value(drop ? kNoField : node, key, depth, /*in_array=*/false)) return false;
      Ws();
      if (AtEnd()) return false;
      if (in[pos] == ',') {
        ++pos;
        out->shape.push_back(',');
        Ws();
        continue;
      }
      if (in[pos] == '}') {
        ++pos;
        out->shape.push_back('}');
        --nesting;
        return true;
      }
      return false;
    }
  }

  bool Array(uint32_t node, std::string_view key, size_t depth) {
    if (++nesting > kMaxNesting) return false;
    out->exact_shape = false;
    out->shape.push_back('[');
    ++pos;
    Ws();
    if (AtEnd()) return false;
    if (in[pos] == ']') {
      ++pos;
      out->shape.push_back(']');
      --nesting;
      return true;
    }
    while (true) {
      if (!Value(node, key, depth, /*in_array=*/true)) return false;
      Ws();
      if (AtEnd()) return false;
      if (in[pos] == ',') {
        ++pos;
        out->shape.push_back(',');
        Ws();
        continue;
      }
      if (in[pos] == ']') {
        ++pos;
        out->shape.push_back(']');
        --nesting;
        return true;
      }
      return false;
    }
  }

  // A member value. `node` is the enclosing object's field (kNoField when
  // not indexed); `depth` is the member's depth.
  bool Value(uint32_t node, std::string_view key, size_t depth, bool in_array) {
    if (AtEnd()) return false;
    char c = in[pos];
    bool skip_empty_level = depth <= 2 && !in_array;
    if (c == '{') {
      uint32_t f = FieldFor(node, key, FieldType::kObject);
      if (f != kNoField && mapping->field(f).type != FieldType::kObject) f = kNoField;
      size_t before = pos;
      if (!Object(f, depth + 1)) return false;
      if (skip_empty_level && IsEmptyContainer(before)) out->source_rewrite = true;
      return true;
    }
    if (c == '[') {
      size_t before = pos;
      if (!Array(node, key, depth)) return false;
      if (skip_empty_level && IsEmptyContainer(before)) out->source_rewrite = true;
      return true;
    }
    ScannedValue v;
    if (c == '"') {
      if (!String(&v.raw, &v.text)) return false;
      v.kind = ValueKind::kString;
      v.field = FieldFor(node, key, [&] { return LooksLikeDate(v.text) ? FieldType::kDate : FieldType::kText; });
    } else if (c == 't' || c == 'f') {
      if (!Literal(c == 't' ? "true" : "false")) return false;
      v.raw = in.substr(pos - (c == 't' ? 4 : 5), c == 't' ? 4 : 5);
      v.text = v.raw;
      v.kind = c == 't' ? ValueKind::kTrue : ValueKind::kFalse;
      v.field = FieldFor(node, key, FieldType::kBoolean);
    } else if (c == 'n') {
      if (!Literal("null")) return false;
      out->shape.append("null");
      if (skip_empty_level) out->source_rewrite = true;
      return true;
    } else {
      bool integral;
      if (!Number(&v.raw, &integral)) return false;
      v.text = v.raw;
      v.kind = ValueKind::kNumber;
      v.field = FieldFor(node, key, integral ? FieldType::kLong : FieldType::kDouble);
    }
    if (v.field != kNoField && mapping->field(v.field).type == FieldType::kObject) {
      v.field = kNoField;  // a scalar where the mapping has an object
    }
    if (v.field == kNoField) {
      out->shape.append(v.raw);  // kept literally; not indexed
      return true;
    }
    const FieldInfo& info = mapping->field(v.field);
    v.type = info.type;
    v.keyword_sub = info.keyword_sub;
    Slot(v.field);
    out->values.push_back(v);
    return true;
  }

  // Whether the container that started at `start` (now ended at pos) is
  // empty: only whitespace between its brackets.
  bool IsEmptyContainer(size_t start) const {
    for (size_t i = start + 1; i + 1 < pos; ++i) {
      if (!IsWs(in[i])) return false;
    }
    return true;
  }
};

void DocumentScanner::Scan(std::string_view json, ScannedDocument* out) {
  out->Clear();
  State s{mapping_, json, 0, out, 0};
  out->exact_shape = true;
  s.Ws();
  bool ok = !s.AtEnd() && json[s.pos] == '{' && s.Object(Mapping::kRoot, 1);
  if (ok) {
    s.Ws();
    ok = s.AtEnd();
  }
  if (!ok) {
    out->valid = false;
    out->exact_shape = false;
    out->values.clear();
    out->shape.clear();
    return;
  }
  out->valid = true;
  if (!out->exact_shape) out->shape.clear();
}

}  // namespace buildhub::search
