// The JSON parser: strict RFC 8259, Python-compatible error wording.
#include <cstring>
#include <string>
#include <unordered_map>

#include "core/json.h"
#include "core/utf8.h"

namespace buildhub::json {
namespace {

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options)
      : text_(text), options_(options) {}

  Result<Value> Run() {
    if (options_.max_bytes != 0 && text_.size() > options_.max_bytes) {
      return ResourceExhausted("document is " + std::to_string(text_.size()) +
                               " bytes, larger than the limit of " +
                               std::to_string(options_.max_bytes));
    }
    if (text_.size() >= 3 && std::memcmp(text_.data(), "\xEF\xBB\xBF", 3) == 0) {
      if (!options_.allow_bom) {
        return InvalidArgument("Unexpected UTF-8 BOM (decode using utf-8-sig): " + Where(0));
      }
      pos_ = 3;
    }
    if (size_t bad = utf8::FirstInvalidByte(text_); bad != std::string_view::npos) {
      return InvalidArgument("invalid UTF-8 at byte " + std::to_string(bad));
    }
    SkipWhitespace();
    Value root;
    if (!ParseValue(&root, 0)) return InvalidArgument(error_);
    SkipWhitespace();
    if (pos_ != text_.size()) return InvalidArgument("Extra data: " + Where(pos_));
    return root;
  }

 private:
  // "line L column C (char N)" with Python's counting: N and C in code points.
  std::string Where(size_t byte_pos) const {
    size_t line = 1;
    size_t line_start = 0;
    size_t chars = 0;
    size_t chars_at_line_start = 0;
    for (size_t i = 0; i < byte_pos && i < text_.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(text_[i]);
      if ((c & 0xC0) == 0x80) continue;  // continuation byte
      ++chars;
      if (c == '\n') {
        ++line;
        line_start = i + 1;
        chars_at_line_start = chars;
      }
    }
    (void)line_start;
    size_t column = chars - chars_at_line_start + 1;
    return "line " + std::to_string(line) + " column " + std::to_string(column) +
           " (char " + std::to_string(chars) + ")";
  }

  bool Fail(const char* what, size_t at) {
    error_ = std::string(what) + ": " + Where(at);
    return false;
  }

  void SkipWhitespace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool ParseValue(Value* out, size_t depth) {
    if (pos_ >= text_.size()) return Fail("Expecting value", pos_);
    char c = text_[pos_];
    switch (c) {
      case '{': return ParseObject(out, depth + 1);
      case '[': return ParseArray(out, depth + 1);
      case '"': {
        std::string s;
        if (!ParseString(&s)) return false;
        *out = Value::String(std::move(s));
        return true;
      }
      case 't': return ParseLiteral("true", Value::Bool(true), out);
      case 'f': return ParseLiteral("false", Value::Bool(false), out);
      case 'n': return ParseLiteral("null", Value::Null(), out);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
        return Fail("Expecting value", pos_);
    }
  }

  bool ParseLiteral(std::string_view word, Value v, Value* out) {
    if (text_.substr(pos_, word.size()) != word) return Fail("Expecting value", pos_);
    pos_ += word.size();
    *out = std::move(v);
    return true;
  }

  // Python's NUMBER_RE: (-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?
  bool ParseNumber(Value* out) {
    size_t start = pos_;
    size_t p = pos_;
    auto digit = [&](size_t i) { return i < text_.size() && text_[i] >= '0' && text_[i] <= '9'; };
    if (text_[p] == '-') ++p;
    if (!digit(p)) return Fail("Expecting value", start);
    if (text_[p] == '0') {
      ++p;
    } else {
      while (digit(p)) ++p;
    }
    if (p < text_.size() && text_[p] == '.' && digit(p + 1)) {
      p += 1;
      while (digit(p)) ++p;
    }
    if (p < text_.size() && (text_[p] == 'e' || text_[p] == 'E')) {
      size_t q = p + 1;
      if (q < text_.size() && (text_[q] == '+' || text_[q] == '-')) ++q;
      if (digit(q)) {
        while (digit(q)) ++q;
        p = q;
      }
    }
    pos_ = p;
    *out = Value::NumberLiteral(std::string(text_.substr(start, p - start)));
    return true;
  }

  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool ReadHex4(size_t at, uint32_t* out) {
    if (at + 4 > text_.size()) return false;
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) {
      int h = HexValue(text_[at + i]);
      if (h < 0) return false;
      v = (v << 4) | static_cast<uint32_t>(h);
    }
    *out = v;
    return true;
  }

  bool ParseString(std::string* out) {
    size_t begin = pos_;  // the opening quote
    ++pos_;
    while (true) {
      // Copy the run of plain bytes in one go.
      size_t run = pos_;
      while (run < text_.size()) {
        unsigned char c = static_cast<unsigned char>(text_[run]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++run;
      }
      out->append(text_.data() + pos_, run - pos_);
      pos_ = run;
      if (pos_ >= text_.size()) return Fail("Unterminated string starting at", begin);
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c != '\\') return Fail("Invalid control character at", pos_);
      size_t esc = pos_;
      if (pos_ + 1 >= text_.size()) return Fail("Unterminated string starting at", begin);
      char e = text_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!ReadHex4(pos_, &cp)) return Fail("Invalid \\uXXXX escape", esc);
          pos_ += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (pos_ + 1 < text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == 'u' &&
                ReadHex4(pos_ + 2, &low) && low >= 0xDC00 && low <= 0xDFFF) {
              pos_ += 6;
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              return Fail("Invalid \\uXXXX escape (lone surrogate)", esc);
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Fail("Invalid \\uXXXX escape (lone surrogate)", esc);
          }
          utf8::Append(cp, out);
          break;
        }
        default:
          return Fail("Invalid \\escape", esc);
      }
    }
  }

  bool CheckDepth(size_t depth) {
    if (depth > options_.max_depth) {
      error_ = "nesting deeper than " + std::to_string(options_.max_depth) + " levels at " +
               Where(pos_);
      return false;
    }
    return true;
  }

  bool ParseArray(Value* out, size_t depth) {
    if (!CheckDepth(depth)) return false;
    *out = Value::Array();
    ++pos_;  // '['
    SkipWhitespace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      Value item;
      if (!ParseValue(&item, depth)) return false;
      out->push_back(std::move(item));
      SkipWhitespace();
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      if (pos_ >= text_.size() || text_[pos_] != ',') return Fail("Expecting ',' delimiter", pos_);
      ++pos_;
      SkipWhitespace();
    }
  }

  bool ParseObject(Value* out, size_t depth) {
    if (!CheckDepth(depth)) return false;
    *out = Value::Object();
    auto& members = out->mutable_members();
    // Only large objects pay for a hash index on keys (duplicate detection).
    std::unordered_map<std::string, size_t> index;
    constexpr size_t kLinearLimit = 16;
    ++pos_;  // '{'
    SkipWhitespace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        return Fail("Expecting property name enclosed in double quotes", pos_);
      }
      std::string key;
      if (!ParseString(&key)) return false;
      SkipWhitespace();
      if (pos_ >= text_.size() || text_[pos_] != ':') return Fail("Expecting ':' delimiter", pos_);
      ++pos_;
      SkipWhitespace();
      Value v;
      if (!ParseValue(&v, depth)) return false;

      size_t existing = SIZE_MAX;
      if (members.size() < kLinearLimit) {
        for (size_t i = 0; i < members.size(); ++i) {
          if (members[i].first == key) { existing = i; break; }
        }
      } else {
        if (index.empty()) {
          for (size_t i = 0; i < members.size(); ++i) index.emplace(members[i].first, i);
        }
        auto it = index.find(key);
        if (it != index.end()) existing = it->second;
        else index.emplace(key, members.size());
      }
      if (existing != SIZE_MAX) {
        members[existing].second = std::move(v);
      } else {
        members.emplace_back(std::move(key), std::move(v));
      }

      SkipWhitespace();
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      if (pos_ >= text_.size() || text_[pos_] != ',') return Fail("Expecting ',' delimiter", pos_);
      ++pos_;
      SkipWhitespace();
    }
  }

  std::string_view text_;
  ParseOptions options_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

Result<Value> Parse(std::string_view text, const ParseOptions& options) {
  return Parser(text, options).Run();
}

}  // namespace buildhub::json
