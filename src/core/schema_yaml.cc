// Schema files: YAML (or JSON) text to json::Value.
//
// JSON text goes through our own parser first so that numbers stay exactly
// as written; anything else goes through yaml-cpp, whose scalars carry no
// type, so plain scalars are resolved here with the YAML 1.2 core schema.
// The caps (size, depth, node count after alias expansion) keep a hostile
// file from exhausting memory or stack: it fails with a message instead.
#include <cstdint>
#include <string>
#include <unordered_set>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "core/schema_internal.h"
#include "core/utf8.h"

namespace buildhub::schema_internal {
namespace {

constexpr size_t kMaxTextBytes = 16u << 20;
constexpr int kMaxDepth = 256;
constexpr size_t kMaxNodes = 200000;

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

// Decimal digits without leading zeros ("" becomes "0").
std::string StripLeadingZeros(std::string_view digits) {
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') ++i;
  return digits.empty() ? "0" : std::string(digits.substr(i));
}

enum class Scalar { kString, kNull, kBool, kInt, kFloat, kNonFinite, kIntOverflow };

// Core schema int: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+, as a JSON literal.
Scalar ResolveInt(std::string_view s, std::string* literal) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    const int base = s[1] == 'o' ? 8 : 16;
    uint64_t value = 0;
    for (char c : s.substr(2)) {
      int digit;
      if (c >= '0' && c <= '7') {
        digit = c - '0';
      } else if (base == 16 && IsDigit(c)) {
        digit = c - '0';
      } else if (base == 16 && c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (base == 16 && c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return Scalar::kString;
      }
      if (value > (std::numeric_limits<uint64_t>::max() - digit) / base) return Scalar::kIntOverflow;
      value = value * base + digit;
    }
    *literal = std::to_string(value);
    return Scalar::kInt;
  }
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (!AllOf(digits, IsDigit)) return Scalar::kString;
  std::string body = StripLeadingZeros(digits);
  *literal = (negative && body != "0") ? "-" + body : body;
  return Scalar::kInt;
}

// Core schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?,
// rewritten as a JSON literal (JSON wants digits on both sides of the dot).
Scalar ResolveFloat(std::string_view s, std::string* literal) {
  std::string_view rest = s;
  std::string out;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    if (rest[0] == '-') out.push_back('-');
    rest.remove_prefix(1);
  }
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF") return Scalar::kNonFinite;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return Scalar::kNonFinite;
  size_t i = 0;
  while (i < rest.size() && IsDigit(rest[i])) ++i;
  std::string_view int_part = rest.substr(0, i);
  std::string_view frac_part;
  bool has_dot = false;
  if (i < rest.size() && rest[i] == '.') {
    has_dot = true;
    size_t j = i + 1;
    while (j < rest.size() && IsDigit(rest[j])) ++j;
    frac_part = rest.substr(i + 1, j - i - 1);
    i = j;
  }
  if (int_part.empty() && frac_part.empty()) return Scalar::kString;
  if (int_part.empty() && !has_dot) return Scalar::kString;
  std::string_view exponent;
  if (i < rest.size() && (rest[i] == 'e' || rest[i] == 'E')) {
    size_t j = i + 1;
    if (j < rest.size() && (rest[j] == '-' || rest[j] == '+')) ++j;
    size_t digits_start = j;
    while (j < rest.size() && IsDigit(rest[j])) ++j;
    if (j == digits_start) return Scalar::kString;
    exponent = rest.substr(i, j - i);
    i = j;
  }
  if (i != rest.size()) return Scalar::kString;
  out += StripLeadingZeros(int_part);
  if (has_dot) {
    out.push_back('.');
    out += frac_part.empty() ? std::string_view("0") : frac_part;
  }
  out += exponent;
  // A float must stay a float: "1." is 1.0, never the integer 1.
  if (!has_dot && exponent.empty()) out += ".0";
  *literal = std::move(out);
  return Scalar::kFloat;
}

Scalar ResolvePlain(std::string_view s, std::string* literal) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Scalar::kNull;
  if (s == "true" || s == "True" || s == "TRUE") {
    *literal = "true";
    return Scalar::kBool;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    *literal = "false";
    return Scalar::kBool;
  }
  Scalar r = ResolveInt(s, literal);
  if (r != Scalar::kString) return r;
  return ResolveFloat(s, literal);
}

class Converter {
 public:
  explicit Converter(std::string_view origin) : origin_(origin) {}

  Status Convert(const YAML::Node& node, const std::string& path, int depth, json::Value* out) {
    if (++nodes_ > kMaxNodes) {
      return Fail(node, path, fmt::format("more than {} values (after expanding aliases)", kMaxNodes));
    }
    if (depth > kMaxDepth) return Fail(node, path, fmt::format("nesting deeper than {} levels", kMaxDepth));
    const std::string& tag = node.Tag();
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        if (tag == std::string(kTagPrefix) + "str") {
          *out = json::Value::String("");
        } else {
          *out = json::Value::Null();
        }
        return Status::Ok();
      case YAML::NodeType::Scalar:
        return ConvertScalar(node, path, out);
      case YAML::NodeType::Sequence: {
        if (!IsCollectionTag(tag, "seq")) return Fail(node, path, fmt::format("unsupported YAML tag '{}'", tag));
        *out = json::Value::Array();
        out->mutable_items().reserve(node.size());
        size_t index = 0;
        for (const YAML::Node& child : node) {
          std::string child_path = path;
          AppendPathIndex(index++, &child_path);
          json::Value v;
          Status s = Convert(child, child_path, depth + 1, &v);
          if (!s.ok()) return s;
          out->push_back(std::move(v));
        }
        return Status::Ok();
      }
      case YAML::NodeType::Map: {
        if (!IsCollectionTag(tag, "map")) return Fail(node, path, fmt::format("unsupported YAML tag '{}'", tag));
        *out = json::Value::Object();
        std::unordered_set<std::string> seen;
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) {
            return Fail(kv.first, path, "mapping keys must be strings (found a null, sequence or mapping key)");
          }
          const std::string& key = kv.first.Scalar();
          if (!seen.insert(key).second) {
            return Fail(kv.first, path, fmt::format("duplicate key {}", QuoteForMessage(key)));
          }
          std::string child_path = path;
          AppendPathKey(key, &child_path);
          json::Value v;
          Status s = Convert(kv.second, child_path, depth + 1, &v);
          if (!s.ok()) return s;
          out->mutable_members().emplace_back(key, std::move(v));
        }
        return Status::Ok();
      }
    }
    return Fail(node, path, "unknown YAML node");
  }

 private:
  static bool IsCollectionTag(const std::string& tag, std::string_view kind) {
    return tag.empty() || tag == "?" || tag == "!" || tag == std::string(kTagPrefix) + std::string(kind);
  }

  Status ConvertScalar(const YAML::Node& node, const std::string& path, json::Value* out) {
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    if (tag == "!" || tag == std::string(kTagPrefix) + "str") {
      *out = json::Value::String(text);
      return Status::Ok();
    }
    std::string literal;
    Scalar kind;
    if (tag == "?") {
      kind = ResolvePlain(text, &literal);
    } else if (tag == std::string(kTagPrefix) + "int") {
      kind = ResolveInt(text, &literal);
      if (kind == Scalar::kString) return Fail(node, path, fmt::format("{} is not an !!int", QuoteForMessage(text)));
    } else if (tag == std::string(kTagPrefix) + "float") {
      kind = ResolveInt(text, &literal);
      if (kind == Scalar::kInt) {
        literal += ".0";
        kind = Scalar::kFloat;
      } else {
        kind = ResolveFloat(text, &literal);
      }
      if (kind == Scalar::kString) return Fail(node, path, fmt::format("{} is not a !!float", QuoteForMessage(text)));
    } else if (tag == std::string(kTagPrefix) + "bool") {
      kind = ResolvePlain(text, &literal);
      if (kind != Scalar::kBool) return Fail(node, path, fmt::format("{} is not a !!bool", QuoteForMessage(text)));
    } else if (tag == std::string(kTagPrefix) + "null") {
      kind = Scalar::kNull;
    } else {
      return Fail(node, path, fmt::format("unsupported YAML tag '{}'", tag));
    }
    switch (kind) {
      case Scalar::kString: *out = json::Value::String(text); break;
      case Scalar::kNull: *out = json::Value::Null(); break;
      case Scalar::kBool: *out = json::Value::Bool(literal == "true"); break;
      case Scalar::kInt:
      case Scalar::kFloat: *out = json::Value::NumberLiteral(std::move(literal)); break;
      case Scalar::kNonFinite:
        return Fail(node, path, fmt::format("{} is not a finite number; JSON has no infinity or NaN",
                                            QuoteForMessage(text)));
      case Scalar::kIntOverflow:
        return Fail(node, path, fmt::format("{} does not fit in 64 bits", QuoteForMessage(text)));
    }
    return Status::Ok();
  }

  Status Fail(const YAML::Node& node, const std::string& path, const std::string& problem) const {
    std::string where;
    const YAML::Mark mark = node.Mark();
    if (!mark.is_null()) where = fmt::format(" (line {}, column {})", mark.line + 1, mark.column + 1);
    return InvalidArgument(fmt::format("{}: {}{}{}{}", origin_, path, path.empty() ? "" : ": ", problem, where));
  }

  std::string_view origin_;
  size_t nodes_ = 0;
};

Result<json::Value> FromYaml(std::string_view text, std::string_view origin) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own guard against stack exhaustion; its message is "bad file".
    return InvalidArgument(fmt::format("{}: invalid YAML at line {}, column {}: nested too deeply", origin,
                                       e.mark.line + 1, e.mark.column + 1));
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return InvalidArgument(fmt::format("{}: invalid YAML: {}", origin, e.msg));
    return InvalidArgument(fmt::format("{}: invalid YAML at line {}, column {}: {}", origin, e.mark.line + 1,
                                       e.mark.column + 1, e.msg));
  } catch (const std::exception& e) {
    return InvalidArgument(fmt::format("{}: cannot read YAML: {}", origin, e.what()));
  }
  if (docs.empty()) return InvalidArgument(fmt::format("{}: the file is empty", origin));
  if (docs.size() > 1) {
    return InvalidArgument(fmt::format("{}: expected one YAML document, found {}", origin, docs.size()));
  }
  Converter converter(origin);
  json::Value out;
  try {
    Status s = converter.Convert(docs[0], "", 0, &out);
    if (!s.ok()) return s;
  } catch (const std::exception& e) {
    return InvalidArgument(fmt::format("{}: cannot read YAML: {}", origin, e.what()));
  }
  return out;
}

}  // namespace

Result<json::Value> YamlToJson(std::string_view text, std::string_view origin) {
  if (text.size() > kMaxTextBytes) {
    return ResourceExhausted(
        fmt::format("{}: schema file is {} bytes, more than the {} allowed", origin, text.size(), kMaxTextBytes));
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (size_t bad = utf8::FirstInvalidByte(text); bad != std::string_view::npos) {
    return InvalidArgument(fmt::format("{}: invalid UTF-8 at byte {}", origin, bad));
  }
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    json::ParseOptions options;
    options.max_depth = kMaxDepth;
    Result<json::Value> parsed = json::Parse(text, options);
    if (parsed.ok()) return parsed;
    // Flow-style YAML starts with a brace too; only if YAML fails as well is
    // it reported, with both diagnoses.
    Result<json::Value> yaml = FromYaml(text, origin);
    if (yaml.ok()) return yaml;
    std::string_view yaml_error = yaml.status().message();
    if (yaml_error.starts_with(origin) && yaml_error.substr(origin.size()).starts_with(": ")) {
      yaml_error.remove_prefix(origin.size() + 2);
    }
    return InvalidArgument(fmt::format("{}: not valid JSON ({}), nor valid YAML ({})", origin,
                                       parsed.status().message(), yaml_error));
  }
  return FromYaml(text, origin);
}

}  // namespace buildhub::schema_internal
