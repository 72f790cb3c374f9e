// Validating a document against compiled Nodes.
//
// The success path allocates nothing: the JSON path lives on the call stack
// as a chain of segments and is only turned into a string when an error or
// warning is recorded. A Validator either collects messages or only checks
// (anyOf/oneOf/not/if/contains branches), in which case it stops at the
// first error and formats nothing.
//
// Within an object, errors come in document order: the object's own counts,
// then each member in turn, then the required properties that are missing.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/schema_internal.h"

namespace buildhub::schema_internal {
namespace {

// Generous: the parser caps documents at 512 levels, and each level may add
// a few schema applications ($ref, allOf, ...).
constexpr int kMaxDepth = 2000;
constexpr size_t kMaxPathBytes = 512;
constexpr size_t kMaxBranchDetails = 4;

struct Seg {
  const Seg* parent;
  const std::string* key;  // null for an array item
  size_t index;
};

// Cuts the middle out of an over-long path, on UTF-8 boundaries.
void TrimMiddle(std::string* s) {
  if (s->size() <= kMaxPathBytes) return;
  auto boundary = [&](size_t i) {
    while (i < s->size() && (static_cast<unsigned char>((*s)[i]) & 0xC0) == 0x80) ++i;
    return i;
  };
  const size_t head_end = boundary(kMaxPathBytes / 3);
  const size_t tail_start = boundary(s->size() - kMaxPathBytes / 2);
  *s = s->substr(0, head_end) + "..." + s->substr(tail_start);
}

std::string PathString(const Seg* seg) {
  std::vector<const Seg*> chain;
  for (const Seg* s = seg; s != nullptr; s = s->parent) chain.push_back(s);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if ((*it)->key != nullptr) {
      AppendPathKey(*(*it)->key, &out);
    } else {
      AppendPathIndex((*it)->index, &out);
    }
  }
  TrimMiddle(&out);
  return out;
}

const char* Properties(size_t n) { return n == 1 ? "property" : "properties"; }
const char* Items(size_t n) { return n == 1 ? "item" : "items"; }

const char* KindOf(const json::Value& v) {
  if (v.is_number()) return v.is_integer_literal() ? "integer" : "number";
  return json::TypeName(v.type());
}

const PropEntry* Lookup(const std::vector<PropEntry>& props, std::string_view key) {
  const uint64_t head = KeyHead(key);
  size_t lo = 0;
  size_t hi = props.size();
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    const PropEntry& p = props[mid];
    int c;
    if (p.key.size() != key.size()) {
      c = p.key.size() < key.size() ? -1 : 1;
    } else if (p.head != head) {
      c = p.head < head ? -1 : 1;
    } else if (key.size() <= 8) {
      return &p;
    } else {
      c = std::char_traits<char>::compare(p.key.data(), key.data(), key.size());
      if (c == 0) return &p;
    }
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nullptr;
}

bool IsMultiple(const json::Value& v, const json::Value& m) {
  std::optional<int64_t> vi = v.as_exact_int64();
  std::optional<int64_t> mi = vi ? m.as_exact_int64() : std::nullopt;
  if (vi && mi && *mi > 0) return *vi % *mi == 0;
  const double q = v.as_double() / m.as_double();
  return std::isfinite(q) && q == std::floor(q);
}

bool FormatOk(Format f, std::string_view s) {
  switch (f) {
    case Format::kNone: return true;
    case Format::kDateTime: return IsDateTime(s);
    case Format::kDate: return IsDate(s);
    case Format::kEmail: return IsEmail(s);
    case Format::kUri: return IsUri(s);
  }
  return true;
}

const char* FormatName(Format f) {
  switch (f) {
    case Format::kNone: return "";
    case Format::kDateTime: return "date-time";
    case Format::kDate: return "date";
    case Format::kEmail: return "email";
    case Format::kUri: return "uri";
  }
  return "";
}

class Validator {
 public:
  // Collecting when `errors` is set; otherwise a check that stops at the
  // first error.
  Validator(std::vector<SchemaIssue>* errors, std::vector<SchemaIssue>* warnings, size_t max_errors)
      : errors_(errors), warnings_(warnings), max_errors_(max_errors) {}

  static Validator CheckOnly() { return Validator(nullptr, nullptr, 0); }

  size_t error_count() const { return error_count_; }
  size_t warning_count() const { return warning_count_; }
  bool failed() const { return error_count_ > 0; }

  void Check(const Node& n, const json::Value& v, const Seg* path, int depth) {
    if (n.trivial) return;
    if (depth > kMaxDepth) {
      if (Fail()) Add(path, fmt::format("nested too deeply to validate (more than {} levels)", kMaxDepth));
      return;
    }
    if (n.always_false) {
      if (Fail()) Add(path, "no value is allowed here (the schema is false)");
      return;
    }
    if (n.ref != nullptr) {
      Check(*n.ref, v, path, depth + 1);
      return;
    }
    if (n.types != 0) CheckType(n, v, path);
    switch (v.type()) {
      case json::Type::kObject:
        if (n.object_checks) CheckObject(n, v, path, depth);
        break;
      case json::Type::kArray:
        if (n.array_checks) CheckArray(n, v, path, depth);
        break;
      case json::Type::kString:
        if (n.string_checks) CheckString(n, v, path);
        break;
      case json::Type::kNumber:
        if (n.number_checks) CheckNumber(n, v, path);
        break;
      default:
        break;
    }
    if (n.generic_checks && !stopped()) CheckGeneric(n, v, path, depth);
  }

 private:
  void CheckGeneric(const Node& n, const json::Value& v, const Seg* path, int depth) {
    if (n.has_enum) {
      bool found = false;
      for (const auto& candidate : n.enum_values) {
        if (JsonEqual(v, candidate)) {
          found = true;
          break;
        }
      }
      if (!found && Fail()) Add(path, fmt::format("{} is not one of {}", RenderForMessage(v), n.enum_text));
    }
    if (n.has_const && !JsonEqual(v, n.const_value) && Fail()) {
      Add(path, fmt::format("{} is not the constant {}", RenderForMessage(v), n.const_text));
    }
    for (const Node* branch : n.all_of) {
      if (stopped()) return;
      Check(*branch, v, path, depth + 1);
    }
    if (!n.any_of.empty()) CheckAnyOf(n, v, path, depth);
    if (!n.one_of.empty()) CheckOneOf(n, v, path, depth);
    if (n.not_schema != nullptr && Passes(*n.not_schema, v, path, depth) && Fail()) {
      Add(path, fmt::format("{} must not match the schema under 'not'", RenderForMessage(v)));
    }
    if (n.if_schema != nullptr) {
      const Node* next = Passes(*n.if_schema, v, path, depth) ? n.then_schema : n.else_schema;
      if (next != nullptr) Check(*next, v, path, depth + 1);
    }
  }

  // A probe that only wants the first message stops there too.
  static Validator FirstErrorOnly(std::vector<SchemaIssue>* errors) {
    Validator v(errors, nullptr, 1);
    v.stop_at_cap_ = true;
    return v;
  }

  bool collecting() const { return errors_ != nullptr; }
  bool stopped() const {
    return error_count_ > 0 && (!collecting() || (stop_at_cap_ && error_count_ >= max_errors_));
  }

  // Counts an error; true when its message should be built and added.
  bool Fail() {
    ++error_count_;
    return collecting() && errors_->size() < max_errors_;
  }

  void Add(const Seg* path, std::string message) {
    std::string p = PathString(path);
    std::string text = p.empty() ? std::move(message) : p + ": " + message;
    errors_->push_back({std::move(p), std::move(text)});
  }

  void Warn(const Seg* path, std::string message) {
    ++warning_count_;
    if (warnings_ == nullptr || warnings_->size() >= kMaxWarnings) return;
    std::string p = PathString(path);
    std::string text = p.empty() ? std::move(message) : p + ": " + message;
    warnings_->push_back({std::move(p), std::move(text)});
  }

  // Whether `v` satisfies `n`, without recording anything here.
  static bool Passes(const Node& n, const json::Value& v, const Seg* path, int depth) {
    Validator probe = CheckOnly();
    probe.Check(n, v, path, depth + 1);
    return !probe.failed();
  }

  void CheckType(const Node& n, const json::Value& v, const Seg* path) {
    const uint8_t t = n.types;
    bool ok = false;
    bool out_of_range = false;
    switch (v.type()) {
      case json::Type::kNull: ok = t & kNullBit; break;
      case json::Type::kBool: ok = t & kBoolBit; break;
      case json::Type::kString: ok = t & kStringBit; break;
      case json::Type::kArray: ok = t & kArrayBit; break;
      case json::Type::kObject: ok = t & kObjectBit; break;
      case json::Type::kNumber:
        if (t & kNumberBit) {
          ok = true;
        } else if (t & kIntegerBit) {
          // Draft 7 (jsonschema 3.2): 1.0 is an integer. Buildhub also
          // refuses integers that a 64-bit column cannot hold.
          if (v.is_integer_literal()) {
            ok = true;
            out_of_range = !v.as_exact_int64().has_value();
          } else {
            const double d = v.as_double();
            ok = std::isfinite(d) && d == std::floor(d);
            out_of_range = ok && !(d >= -9223372036854775808.0 && d < 9223372036854775808.0);
          }
        }
        break;
    }
    if (!ok) {
      if (Fail()) Add(path, fmt::format("expected {}, got {}", n.type_names, KindOf(v)));
    } else if (out_of_range) {
      if (Fail()) Add(path, fmt::format("integer {} is out of the 64-bit range", RenderForMessage(v)));
    }
  }

  void CheckObject(const Node& n, const json::Value& v, const Seg* path, int depth) {
    const auto& members = v.members();
    if (members.size() < n.min_props && Fail()) {
      Add(path, fmt::format("expected at least {} {}, got {}", n.min_props, Properties(n.min_props), members.size()));
    }
    if (members.size() > n.max_props && Fail()) {
      Add(path, fmt::format("expected at most {} {}, got {}", n.max_props, Properties(n.max_props), members.size()));
    }
    uint64_t seen = 0;  // required_index bits below 64
    for (const auto& member : members) {
      if (stopped()) return;
      const Seg seg{path, &member.first, 0};
      bool matched = false;
      if (const PropEntry* p = Lookup(n.props, member.first)) {
        if (p->required_index >= 0 && p->required_index < 64) seen |= uint64_t{1} << p->required_index;
        if (p->schema != nullptr) {
          matched = true;
          Check(*p->schema, member.second, &seg, depth + 1);
        }
      }
      for (const auto& pattern : n.pattern_props) {
        if (RE2::PartialMatch(member.first, *pattern.re)) {
          matched = true;
          Check(*pattern.schema, member.second, &seg, depth + 1);
        }
      }
      if (!matched) {
        if (n.additional == Extra::kDeny) {
          if (Fail()) Add(path, fmt::format("additional property {} is not allowed", QuoteForMessage(member.first)));
        } else if (n.additional == Extra::kSchema) {
          Check(*n.additional_schema, member.second, &seg, depth + 1);
        }
      }
      if (n.property_names != nullptr) {
        const json::Value name = json::Value::String(member.first);
        Validator probe = CheckOnly();
        probe.Check(*n.property_names, name, path, depth + 1);
        if (probe.failed() && Fail()) {
          Add(path, fmt::format("property name {} does not match the propertyNames schema{}",
                                QuoteForMessage(member.first), FirstError(*n.property_names, name, path, depth)));
        }
      }
    }
    for (size_t r = 0; r < n.required.size(); ++r) {
      const bool present = r < 64 ? ((seen >> r) & 1) != 0 : v.find(n.required[r]) != nullptr;
      if (!present && Fail()) {
        Add(path, fmt::format("required property {} is missing", QuoteForMessage(n.required[r])));
      }
    }
    for (const auto& dep : n.dependencies) {
      if (stopped()) return;
      if (v.find(dep.key) == nullptr) continue;
      if (dep.schema != nullptr) {
        Check(*dep.schema, v, path, depth + 1);
        continue;
      }
      for (const auto& needed : dep.required) {
        if (v.find(needed) == nullptr && Fail()) {
          Add(path, fmt::format("property {} is required when {} is present", QuoteForMessage(needed),
                                QuoteForMessage(dep.key)));
        }
      }
    }
  }

  void CheckArray(const Node& n, const json::Value& v, const Seg* path, int depth) {
    const auto& items = v.items();
    if (items.size() < n.min_items && Fail()) {
      Add(path, fmt::format("expected at least {} {}, got {}", n.min_items, Items(n.min_items), items.size()));
    }
    if (items.size() > n.max_items && Fail()) {
      Add(path, fmt::format("expected at most {} {}, got {}", n.max_items, Items(n.max_items), items.size()));
    }
    if (n.has_tuple) {
      const size_t fixed = std::min(items.size(), n.tuple.size());
      for (size_t i = 0; i < fixed && !stopped(); ++i) {
        const Seg seg{path, nullptr, i};
        Check(*n.tuple[i], items[i], &seg, depth + 1);
      }
      if (items.size() > n.tuple.size()) {
        if (n.additional_items == Extra::kDeny) {
          if (Fail()) {
            Add(path, fmt::format("expected at most {} {} (additionalItems is false), got {}", n.tuple.size(),
                                  Items(n.tuple.size()), items.size()));
          }
        } else if (n.additional_items == Extra::kSchema) {
          for (size_t i = n.tuple.size(); i < items.size() && !stopped(); ++i) {
            const Seg seg{path, nullptr, i};
            Check(*n.additional_items_schema, items[i], &seg, depth + 1);
          }
        }
      }
    } else if (n.items != nullptr) {
      for (size_t i = 0; i < items.size() && !stopped(); ++i) {
        const Seg seg{path, nullptr, i};
        Check(*n.items, items[i], &seg, depth + 1);
      }
    }
    if (stopped()) return;
    if (n.contains != nullptr) {
      bool any = false;
      for (size_t i = 0; i < items.size() && !any; ++i) {
        const Seg seg{path, nullptr, i};
        any = Passes(*n.contains, items[i], &seg, depth);
      }
      if (!any && Fail()) Add(path, "no item matches the 'contains' schema");
    }
    if (n.unique_items) CheckUnique(v, path);
  }

  void CheckUnique(const json::Value& v, const Seg* path) {
    const auto& items = v.items();
    if (items.size() < 2) return;
    // The duplicate pair with the smallest second index, so that the report
    // does not depend on hashing.
    size_t best_first = 0;
    size_t best_second = items.size();
    if (items.size() <= 16) {
      for (size_t j = 1; j < items.size() && best_second == items.size(); ++j) {
        for (size_t i = 0; i < j; ++i) {
          if (JsonEqual(items[i], items[j])) {
            best_first = i;
            best_second = j;
            break;
          }
        }
      }
    } else {
      std::vector<std::pair<size_t, size_t>> hashed;  // (hash, index)
      hashed.reserve(items.size());
      for (size_t i = 0; i < items.size(); ++i) hashed.emplace_back(JsonHash(items[i]), i);
      std::sort(hashed.begin(), hashed.end());
      for (size_t start = 0; start < hashed.size();) {
        size_t end = start + 1;
        while (end < hashed.size() && hashed[end].first == hashed[start].first) ++end;
        for (size_t b = start + 1; b < end; ++b) {
          if (hashed[b].second >= best_second) break;
          bool found = false;
          for (size_t a = start; a < b && !found; ++a) {
            if (JsonEqual(items[hashed[a].second], items[hashed[b].second])) {
              best_first = hashed[a].second;
              best_second = hashed[b].second;
              found = true;
            }
          }
          if (found) break;
        }
        start = end;
      }
    }
    if (best_second < items.size() && Fail()) {
      Add(path, fmt::format("items [{}] and [{}] are equal, but uniqueItems requires distinct items", best_first,
                            best_second));
    }
  }

  void CheckString(const Node& n, const json::Value& v, const Seg* path) {
    const std::string& s = v.text();
    if (n.min_length > 0 || n.max_length != std::numeric_limits<size_t>::max()) {
      const size_t length = CodePointCount(s);
      if (length < n.min_length && Fail()) {
        Add(path, fmt::format("{} is shorter than the minimum length of {}", QuoteForMessage(s), n.min_length));
      }
      if (length > n.max_length && Fail()) {
        Add(path, fmt::format("{} is longer than the maximum length of {}", QuoteForMessage(s), n.max_length));
      }
    }
    if (n.pattern != nullptr && !RE2::PartialMatch(s, *n.pattern) && Fail()) {
      Add(path, fmt::format("{} does not match the pattern {}", QuoteForMessage(s),
                            QuoteForMessage(n.pattern->pattern())));
    }
    if (n.format != Format::kNone && collecting() && !FormatOk(n.format, s)) {
      Warn(path, fmt::format("{} is not a valid {}", QuoteForMessage(s), FormatName(n.format)));
    }
  }

  void CheckNumber(const Node& n, const json::Value& v, const Seg* path) {
    if (n.minimum.set && CompareNumbers(v, n.minimum.value) < 0 && Fail()) {
      Add(path, fmt::format("{} is less than the minimum of {}", RenderForMessage(v), n.minimum.text));
    }
    if (n.exclusive_minimum.set && CompareNumbers(v, n.exclusive_minimum.value) <= 0 && Fail()) {
      Add(path, fmt::format("{} is less than or equal to the exclusive minimum of {}", RenderForMessage(v),
                            n.exclusive_minimum.text));
    }
    if (n.maximum.set && CompareNumbers(v, n.maximum.value) > 0 && Fail()) {
      Add(path, fmt::format("{} is greater than the maximum of {}", RenderForMessage(v), n.maximum.text));
    }
    if (n.exclusive_maximum.set && CompareNumbers(v, n.exclusive_maximum.value) >= 0 && Fail()) {
      Add(path, fmt::format("{} is greater than or equal to the exclusive maximum of {}", RenderForMessage(v),
                            n.exclusive_maximum.text));
    }
    if (n.multiple_of.set && !IsMultiple(v, n.multiple_of.value) && Fail()) {
      Add(path, fmt::format("{} is not a multiple of {}", RenderForMessage(v), n.multiple_of.text));
    }
  }

  // " (first error: ...)" for a failed branch, to say why it failed.
  std::string FirstError(const Node& n, const json::Value& v, const Seg* path, int depth) const {
    std::vector<SchemaIssue> errors;
    Validator probe = FirstErrorOnly(&errors);
    probe.Check(n, v, path, depth + 1);
    if (errors.empty()) return "";
    return " (" + errors[0].message + ")";
  }

  std::string BranchDetails(const std::vector<const Node*>& branches, const json::Value& v, const Seg* path,
                            int depth) const {
    std::string out;
    for (size_t i = 0; i < branches.size() && i < kMaxBranchDetails; ++i) {
      std::vector<SchemaIssue> errors;
      Validator probe = FirstErrorOnly(&errors);
      probe.Check(*branches[i], v, path, depth + 1);
      out += i == 0 ? " (" : "; ";
      out += fmt::format("#{}: {}", i, errors.empty() ? "no error" : errors[0].message);
    }
    if (branches.size() > kMaxBranchDetails) out += "; ...";
    if (!out.empty()) out += ")";
    return out;
  }

  void CheckAnyOf(const Node& n, const json::Value& v, const Seg* path, int depth) {
    const Node* passing = nullptr;
    for (const Node* branch : n.any_of) {
      if (Passes(*branch, v, path, depth)) {
        passing = branch;
        break;
      }
    }
    if (passing == nullptr) {
      if (Fail()) Add(path, "does not match any of the anyOf schemas" + BranchDetails(n.any_of, v, path, depth));
    } else if (warnings_ != nullptr && passing->reaches_format) {
      Check(*passing, v, path, depth + 1);  // it passes: this only adds its format warnings
    }
  }

  void CheckOneOf(const Node& n, const json::Value& v, const Seg* path, int depth) {
    size_t matches = 0;
    size_t first = 0;
    size_t second = 0;
    for (size_t i = 0; i < n.one_of.size(); ++i) {
      if (!Passes(*n.one_of[i], v, path, depth)) continue;
      if (matches == 0) first = i;
      if (matches == 1) second = i;
      if (++matches == 2) break;
    }
    if (matches == 0) {
      if (Fail()) Add(path, "does not match any of the oneOf schemas" + BranchDetails(n.one_of, v, path, depth));
    } else if (matches > 1) {
      if (Fail()) Add(path, fmt::format("matches more than one of the oneOf schemas (#{} and #{})", first, second));
    } else if (warnings_ != nullptr && n.one_of[first]->reaches_format) {
      Check(*n.one_of[first], v, path, depth + 1);
    }
  }

  std::vector<SchemaIssue>* errors_;
  std::vector<SchemaIssue>* warnings_;
  size_t max_errors_;
  size_t error_count_ = 0;
  size_t warning_count_ = 0;
  bool stop_at_cap_ = false;
};

}  // namespace

void ValidateDocument(const Node& root, const json::Value& document, std::vector<SchemaIssue>* errors,
                      std::vector<SchemaIssue>* warnings) {
  Validator validator(errors, warnings, kMaxErrors);
  validator.Check(root, document, nullptr, 0);
  if (validator.error_count() > errors->size()) {
    errors->push_back({"", fmt::format("... and {} more errors", validator.error_count() - errors->size())});
  }
  if (validator.warning_count() > warnings->size()) {
    warnings->push_back({"", fmt::format("... and {} more warnings", validator.warning_count() - warnings->size())});
  }
}

}  // namespace buildhub::schema_internal
