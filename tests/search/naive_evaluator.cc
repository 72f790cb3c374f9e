// The oracle's request level: the mapping table, document preparation, the
// original view's checks (size cap, elasticsearch-dsl shape), from/size,
// sort, _source filtering and the hits; aggregations are in naive_aggs.cc
// and query semantics in naive_query.cc.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <set>

#include "search/analyzer.h"
#include "search/dates.h"
#include "search/naive_evaluator.h"
#include "search/naive_internal.h"

namespace buildhub::search::oracle {

// ---------------------------------------------------------------- mapping

const std::vector<FieldSpec>& Fields() {
  static const std::vector<FieldSpec> fields = [] {
    std::vector<FieldSpec> f;
    f.push_back({"id", FieldType::kKeyword, "", "", false});
    f.push_back({"build.id", FieldType::kKeyword, "build", "id", false});
    f.push_back({"build.date", FieldType::kDate, "build", "date", false});
    f.push_back({"build.number", FieldType::kLong, "build", "number", false});
    // ES 6 dynamic mapping of the other build.* strings: text + .keyword.
    for (const char* key : {"as", "cc", "cxx", "ld", "host", "target"}) {
      f.push_back({std::string("build.") + key, FieldType::kText, "build", key, false});
      f.push_back({std::string("build.") + key + ".keyword", FieldType::kKeyword, "build", key, true});
    }
    for (const char* key : {"product", "repository", "tree", "revision"}) {
      f.push_back({std::string("source.") + key, FieldType::kKeyword, "source", key, false});
    }
    for (const char* key : {"platform", "os", "locale", "version", "channel"}) {
      f.push_back({std::string("target.") + key, FieldType::kKeyword, "target", key, false});
    }
    f.push_back({"download.url", FieldType::kKeyword, "download", "url", false});
    f.push_back({"download.mimetype", FieldType::kKeyword, "download", "mimetype", false});
    f.push_back({"download.size", FieldType::kLong, "download", "size", false});
    f.push_back({"download.date", FieldType::kDate, "download", "date", false});
    return f;
  }();
  return fields;
}

int FindField(std::string_view name) {
  const auto& fields = Fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kKeyword: return "keyword";
    case FieldType::kLong: return "long";
    case FieldType::kDate: return "date";
    case FieldType::kText: return "text";
  }
  return "?";
}

// ---------------------------------------------------------------- helpers

std::string JavaDoubleToString(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, r.ptr);  // shortest round-trip, e.g. "-1.2345e+06"
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    s.erase(0, 1);
  }
  size_t e = s.find('e');
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') digits += s[i];
  }
  int exponent = std::stoi(s.substr(e + 1));
  std::string out;
  double magnitude = std::fabs(v);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    int point = exponent + 1;  // digits before the decimal point
    if (point <= 0) {
      out = "0." + std::string(-point, '0') + digits;
    } else if (point >= static_cast<int>(digits.size())) {
      out = digits + std::string(point - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, point) + "." + digits.substr(point);
    }
  } else {
    out = digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" +
          std::to_string(exponent);
  }
  return negative ? "-" + out : out;
}

std::optional<std::string> JavaTermString(const json::Value& v) {
  switch (v.type()) {
    case json::Type::kString: return v.text();
    case json::Type::kBool: return std::string(v.as_bool() ? "true" : "false");
    case json::Type::kNumber: {
      if (v.is_integer_literal()) {
        // Jackson reads it as int/long/BigInteger, which print as written
        // (JSON has no leading zeros or '+'), except "-0".
        if (v.text() == "-0") return std::string("0");
        return v.text();
      }
      return JavaDoubleToString(v.as_double());
    }
    default: return std::nullopt;
  }
}

size_t Utf16Length(std::string_view utf8) {
  size_t units = 0;
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units += len == 4 ? 2 : 1;  // supplementary characters are surrogate pairs
    i += len;
  }
  return units;
}

int JavaDoubleCompare(double a, double b) {
  if (a < b) return -1;
  if (a > b) return 1;
  bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  bool as = std::signbit(a), bs = std::signbit(b);  // -0.0 < 0.0
  if (as == bs) return 0;
  return as ? -1 : 1;
}

std::string PythonRepr(const json::Value& v) {
  switch (v.type()) {
    case json::Type::kNull: return "None";
    case json::Type::kBool: return v.as_bool() ? "True" : "False";
    case json::Type::kNumber: return v.text();
    case json::Type::kString: return "'" + v.text() + "'";
    case json::Type::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (i) out += ", ";
        out += PythonRepr(v.items()[i]);
      }
      return out + "]";
    }
    case json::Type::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < v.members().size(); ++i) {
        if (i) out += ", ";
        out += "'" + v.members()[i].first + "': " + PythonRepr(v.members()[i].second);
      }
      return out + "}";
    }
  }
  return "?";
}

std::optional<int64_t> IntParam(const json::Value& v) {
  if (v.is_number()) return v.as_exact_int64();
  if (v.is_string()) {
    const std::string& s = v.text();
    int64_t out = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

NaiveResponse ErrorResponse(const std::string& message) {
  NaiveResponse r;
  r.http_status = 400;
  r.error = message;
  r.body = json::Value::Object();
  r.body.set("error", json::Value::String(message));
  return r;
}

namespace {

NaiveResponse Unsupported(const std::string& why) {
  NaiveResponse r;
  r.supported = false;
  r.unsupported_reason = why;
  return r;
}

NaiveResponse FromProblem(const Problem& p) {
  return p.unsupported ? Unsupported(p.message) : ErrorResponse(p.message);
}

PreparedDoc Prepare(const NaiveDoc& doc, size_t ordinal) {
  PreparedDoc p;
  p.id = doc.id;
  p.id_str = std::to_string(doc.id);
  p.ordinal = ordinal;
  p.source = json::Value::Object();
  p.source.set("id", json::Value::Int(doc.id));
  if (doc.document.is_object()) {
    for (const auto& [key, value] : doc.document.members()) p.source.set(key, value);
  }
  const auto& fields = Fields();
  p.values.resize(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldSpec& spec = fields[i];
    FieldValue& out = p.values[i];
    if (spec.name == "id") {
      out.present = true;
      out.str = p.id_str;
      continue;
    }
    const json::Value* object = doc.document.is_object() ? doc.document.find(spec.object) : nullptr;
    const json::Value* v = object && object->is_object() ? object->find(spec.key) : nullptr;
    if (v == nullptr) continue;
    switch (spec.type) {
      case FieldType::kKeyword:
        if (v->is_string()) {
          // ignore_above counts Java chars (UTF-16 units).
          if (spec.keyword_sub && Utf16Length(v->text()) > 256) break;
          out.present = true;
          out.str = v->text();
        }
        break;
      case FieldType::kLong:
        if (v->is_number()) {
          // ES coerces 5.0 to 5 (and truncates fractions, which the schema forbids).
          if (auto n = v->as_int64()) {
            out.present = true;
            out.num = *n;
          } else if (std::isfinite(v->as_double())) {
            out.present = true;
            out.num = static_cast<int64_t>(v->as_double());
          }
        }
        break;
      case FieldType::kDate:
        if (v->is_string()) {
          if (auto ms = dates::ParseStoredDate(v->text())) {
            out.present = true;
            out.num = *ms;
          }
        }
        break;
      case FieldType::kText:
        if (v->is_string()) {
          out.present = true;
          out.tokens = StandardAnalyze(v->text());
        }
        break;
    }
  }
  return p;
}

// ------------------------------------------------- top-level key handling

// Keys elasticsearch-dsl passes through and ES 6.7's SearchSourceBuilder knows.
const std::set<std::string>& ModeledKeys() {
  static const std::set<std::string> keys = {
      "query", "post_filter", "aggs", "aggregations", "size", "from", "sort", "_source",
      "highlight", "suggest", "track_total_hits", "timeout"};
  return keys;
}
const std::set<std::string>& UnmodeledKeys() {
  static const std::set<std::string> keys = {
      "min_score", "search_after", "collapse", "rescore", "script_fields", "stored_fields",
      "docvalue_fields", "terminate_after", "profile", "indices_boost", "slice", "stats",
      "ext", "track_scores", "seq_no_primary_term", "version", "explain"};
  return keys;
}

}  // namespace

// ---------------------------------------------------------------- sorting

Compiled<std::vector<SortKey>> CompileSort(const json::Value* sort) {
  Compiled<std::vector<SortKey>> out;
  std::vector<SortKey> keys;
  if (sort == nullptr) {
    out.value = keys;
    return out;
  }
  std::vector<const json::Value*> elements;
  if (sort->is_array()) {
    for (const auto& e : sort->items()) elements.push_back(&e);
  } else {
    elements.push_back(sort);
  }
  auto fail = [&](std::string m) {
    out.problem.message = std::move(m);
    return out;
  };
  for (const json::Value* e : elements) {
    std::string name;
    const json::Value* options = nullptr;
    if (e->is_string()) {
      name = e->text();
    } else if (e->is_object() && e->size() == 1) {
      name = e->members()[0].first;
      options = &e->members()[0].second;
    } else {
      return fail("malformed sort element " + json::Write(*e));
    }
    SortKey key;
    std::string order;
    std::string missing = "_last";
    std::optional<std::string> unmapped_type;
    if (options != nullptr) {
      if (options->is_string()) {
        order = options->text();
      } else if (options->is_object()) {
        for (const auto& [k, v] : options->members()) {
          if (k == "order") {
            if (!v.is_string()) return fail("[order] must be a string");
            order = v.text();
          } else if (k == "missing") {
            if (!v.is_string()) {
              out.problem.unsupported = true;
              return fail("sort missing with a custom value");
            }
            missing = v.text();
          } else if (k == "unmapped_type") {
            if (!v.is_string()) return fail("[unmapped_type] must be a string");
            unmapped_type = v.text();
          } else if (k == "mode") {
            // Single-valued fields: every mode picks the one value.
            if (!v.is_string()) return fail("[mode] must be a string");
          } else {
            out.problem.unsupported = true;
            return fail("sort option " + k);
          }
        }
      } else {
        return fail("malformed sort options for [" + name + "]");
      }
    }
    if (!order.empty() && order != "asc" && order != "desc") {
      return fail("sort order [" + order + "] is not one of asc, desc");
    }
    if (missing != "_last" && missing != "_first") {
      out.problem.unsupported = true;
      return fail("sort missing with a custom value");
    }
    key.missing_first = missing == "_first";
    if (name == "_score") {
      key.kind = SortKey::Kind::kScore;
      key.descending = order.empty() || order == "desc";
    } else if (name == "_doc") {
      key.kind = SortKey::Kind::kDoc;
      key.descending = order == "desc";
    } else {
      key.kind = SortKey::Kind::kField;
      key.descending = order == "desc";
      key.field = FindField(name);
      if (key.field < 0) {
        if (!unmapped_type) return fail("No mapping found for [" + name + "] in order to sort on");
        if (*unmapped_type == "keyword") {
          key.unmapped_type = FieldType::kKeyword;
        } else if (*unmapped_type == "long" || *unmapped_type == "integer") {
          key.unmapped_type = FieldType::kLong;
        } else if (*unmapped_type == "date") {
          key.unmapped_type = FieldType::kDate;
        } else {
          out.problem.unsupported = true;
          return fail("unmapped_type " + *unmapped_type);
        }
      } else if (Fields()[key.field].type == FieldType::kText) {
        return fail("Fielddata is disabled on text fields by default. Set fielddata=true on [" + name +
                    "] in order to load fielddata in memory by uninverting the inverted index. "
                    "Note that this can however use significant memory. Alternatively use a "
                    "keyword field instead.");
      }
    }
    keys.push_back(key);
  }
  // `_score` descending alone is the default order (ES returns no sort values).
  if (keys.size() == 1 && keys[0].kind == SortKey::Kind::kScore && keys[0].descending) keys.clear();
  out.value = keys;
  return out;
}

namespace {

// Compares two documents on one key; <0 when a comes first.
int CompareOnKey(const PreparedDoc& a, const PreparedDoc& b, const SortKey& key) {
  switch (key.kind) {
    case SortKey::Kind::kScore: return 0;  // only used when scores are constant
    case SortKey::Kind::kDoc: {
      int c = a.ordinal < b.ordinal ? -1 : a.ordinal > b.ordinal ? 1 : 0;
      return key.descending ? -c : c;
    }
    case SortKey::Kind::kField: break;
  }
  if (key.field < 0) return 0;  // unmapped: every document is missing
  const FieldValue& va = a.values[key.field];
  const FieldValue& vb = b.values[key.field];
  if (!va.present || !vb.present) {
    if (va.present == vb.present) return 0;
    // The missing one goes last (or first), whatever the direction.
    bool a_missing = !va.present;
    int c = a_missing ? 1 : -1;
    return key.missing_first ? -c : c;
  }
  int c = 0;
  if (Fields()[key.field].type == FieldType::kKeyword) {
    int r = va.str.compare(vb.str);  // byte-wise (std::string compares as unsigned char)
    c = r < 0 ? -1 : r > 0 ? 1 : 0;
  } else {
    c = va.num < vb.num ? -1 : va.num > vb.num ? 1 : 0;
  }
  return key.descending ? -c : c;
}

}  // namespace

void SortDocs(std::vector<const PreparedDoc*>* docs, const std::vector<SortKey>& keys) {
  std::stable_sort(docs->begin(), docs->end(), [&](const PreparedDoc* a, const PreparedDoc* b) {
    for (const SortKey& key : keys) {
      int c = CompareOnKey(*a, *b, key);
      if (c != 0) return c < 0;
    }
    return false;
  });
}

json::Value SortValues(const PreparedDoc& doc, const std::vector<SortKey>& keys) {
  json::Value out = json::Value::Array();
  for (const SortKey& key : keys) {
    if (key.kind == SortKey::Kind::kDoc) {
      out.push_back(json::Value::Int(static_cast<int64_t>(doc.ordinal)));
      continue;
    }
    if (key.kind == SortKey::Kind::kScore) {
      out.push_back(json::Value::Null());  // replaced by the caller when known
      continue;
    }
    FieldType type = key.field >= 0 ? Fields()[key.field].type : key.unmapped_type;
    const FieldValue* v = key.field >= 0 ? &doc.values[key.field] : nullptr;
    if (v != nullptr && v->present) {
      out.push_back(type == FieldType::kKeyword ? json::Value::String(v->str)
                                                : json::Value::Int(v->num));
      continue;
    }
    if (type == FieldType::kKeyword) {
      out.push_back(json::Value::Null());
    } else {
      // Lucene's missing value: Long.MAX_VALUE sorts last ascending; flipped
      // for descending and for _first.
      bool max = key.descending == key.missing_first;
      out.push_back(json::Value::NumberLiteral(max ? "9223372036854775807" : "-9223372036854775808"));
    }
  }
  return out;
}

bool SortIsTotal(const std::vector<SortKey>& keys) {
  static const int id_field = FindField("id");
  for (const SortKey& key : keys) {
    if (key.kind == SortKey::Kind::kDoc) return true;
    if (key.kind == SortKey::Kind::kField && key.field == id_field) return true;
  }
  return false;
}

bool SortHasDoc(const std::vector<SortKey>& keys) {
  for (const SortKey& key : keys) {
    if (key.kind == SortKey::Kind::kDoc) return true;
  }
  return false;
}

// ---------------------------------------------------------------- _source

Compiled<SourceFilter> CompileSourceFilter(const json::Value* source) {
  Compiled<SourceFilter> out;
  SourceFilter f;
  auto strings = [&](const json::Value& v, std::vector<std::string>* into) {
    if (v.is_string()) {
      into->push_back(v.text());
      return true;
    }
    if (!v.is_array()) return false;
    for (const auto& item : v.items()) {
      if (!item.is_string()) return false;
      into->push_back(item.text());
    }
    return true;
  };
  if (source == nullptr) {
    out.value = f;
    return out;
  }
  if (source->is_bool()) {
    f.enabled = source->as_bool();
  } else if (source->is_string() || source->is_array()) {
    if (!strings(*source, &f.includes)) {
      out.problem.message = "[_source] must be a boolean, a string, an array of strings or an object";
      return out;
    }
  } else if (source->is_object()) {
    for (const auto& [k, v] : source->members()) {
      bool ok = true;
      if (k == "includes" || k == "include") {
        ok = strings(v, &f.includes);
      } else if (k == "excludes" || k == "exclude") {
        ok = strings(v, &f.excludes);
      } else {
        out.problem.message = "Unknown key for a " + std::string(json::TypeName(v.type())) +
                              " in [" + k + "].";
        return out;
      }
      if (!ok) {
        out.problem.message = "[_source] " + k + " must be strings";
        return out;
      }
    }
  } else {
    out.problem.message = "[_source] must be a boolean, a string, an array of strings or an object";
    return out;
  }
  out.value = f;
  return out;
}

namespace {

// Simple wildcard patterns ('*' = any string, dots included), as ES's
// Regex.simpleMatchToAutomaton. Each pattern also matches every path below
// what it matches ("p" matches "p.x.y"), as makeMatchDotsInFieldNames does.

// Pattern positions reachable after reading `text` from the start.
std::set<size_t> WildStates(const std::string& pattern, const std::string& text) {
  std::set<size_t> states = {0};
  auto close = [&](std::set<size_t> s) {  // '*' may match nothing
    std::set<size_t> out = s;
    for (size_t p : s) {
      size_t q = p;
      while (q < pattern.size() && pattern[q] == '*') out.insert(++q);
    }
    return out;
  };
  states = close(states);
  for (char c : text) {
    std::set<size_t> next;
    for (size_t p : states) {
      if (p >= pattern.size()) continue;
      if (pattern[p] == '*') {
        next.insert(p);  // '*' eats c and stays
      } else if (pattern[p] == c) {
        next.insert(p + 1);
      }
    }
    states = close(next);
    if (states.empty()) break;
  }
  return states;
}

bool WildMatches(const std::string& pattern, const std::string& text) {
  return WildStates(pattern, text).count(pattern.size()) > 0;
}

// Some pattern matches `path` or a dotted prefix of it.
bool PatternsAccept(const std::vector<std::string>& patterns, const std::string& path) {
  for (const auto& p : patterns) {
    if (WildMatches(p, path)) return true;
    for (size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '.' && WildMatches(p, path.substr(0, i))) return true;
    }
  }
  return false;
}

// Some extension of `path` could still be accepted.
bool PatternsViable(const std::vector<std::string>& patterns, const std::string& path) {
  if (PatternsAccept(patterns, path)) return true;
  for (const auto& p : patterns) {
    if (!WildStates(p, path).empty()) return true;
  }
  return false;
}

// XContentMapValues.filter, step by step.
json::Value FilterObject(const json::Value& object, const std::string& prefix,
                         const SourceFilter& f, bool include_all) {
  json::Value out = json::Value::Object();
  for (const auto& [key, value] : object.members()) {
    std::string path = prefix.empty() ? key : prefix + "." + key;
    bool includes_all = include_all || f.includes.empty();
    if (!includes_all && !PatternsViable(f.includes, path)) continue;
    if (!f.excludes.empty() && PatternsAccept(f.excludes, path)) continue;
    bool accepted = includes_all || PatternsAccept(f.includes, path);
    bool sub_include_all = include_all;
    if (accepted) {
      if (f.excludes.empty() || !PatternsViable(f.excludes, path + ".")) {
        out.set(key, value);  // no exclude can reach inside
        continue;
      }
      sub_include_all = true;  // only the excludes matter below
    }
    if (value.is_object()) {
      if (!sub_include_all && !PatternsViable(f.includes, path + ".")) continue;
      json::Value inner = FilterObject(value, path, f, sub_include_all);
      if (accepted || inner.size() > 0) out.set(key, std::move(inner));
    } else if (accepted) {
      out.set(key, value);
    }
  }
  return out;
}

}  // namespace

json::Value FilterSource(const json::Value& source, const SourceFilter& filter) {
  if (filter.includes.empty() && filter.excludes.empty()) return source;
  return FilterObject(source, "", filter, false);
}

json::Value MakeHit(const PreparedDoc& doc, std::optional<double> score, bool score_null,
                    const SourceFilter& source, const std::vector<SortKey>* sort) {
  json::Value hit = json::Value::Object();
  hit.set("_index", json::Value::String("buildhub2"));
  hit.set("_type", json::Value::String("doc"));
  hit.set("_id", json::Value::String(doc.id_str));
  hit.set("_score", score_null || !score ? json::Value::Null() : json::Value::Double(*score));
  if (source.enabled) hit.set("_source", FilterSource(doc.source, source));
  if (sort != nullptr && !sort->empty()) {
    json::Value values = SortValues(doc, *sort);
    for (size_t i = 0; i < sort->size(); ++i) {
      if ((*sort)[i].kind == SortKey::Kind::kScore && score) {
        values.mutable_items()[i] = json::Value::Double(*score);
      }
    }
    hit.set("sort", std::move(values));
  }
  return hit;
}

// ---------------------------------------------------------------- corpus

struct NaiveCorpus::Impl {
  std::vector<PreparedDoc> docs;
  NaiveResponse Evaluate(const json::Value& body, int64_t now_ms) const;
};

NaiveCorpus::NaiveCorpus(std::vector<NaiveDoc> docs) : impl_(std::make_unique<Impl>()) {
  impl_->docs.reserve(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) impl_->docs.push_back(Prepare(docs[i], i));
}
NaiveCorpus::~NaiveCorpus() = default;
size_t NaiveCorpus::size() const { return impl_->docs.size(); }

NaiveResponse NaiveCorpus::Evaluate(const json::Value& body, int64_t now_ms) const {
  return impl_->Evaluate(body, now_ms);
}

NaiveResponse Evaluate(const std::vector<NaiveDoc>& docs, const json::Value& body,
                       int64_t now_ms) {
  NaiveCorpus corpus(docs);
  return corpus.Evaluate(body, now_ms);
}

NaiveResponse NaiveCorpus::Impl::Evaluate(const json::Value& raw_body, int64_t now_ms) const {
  // 1. The original view: a falsy body is the default search (match_all, 10).
  json::Value body = raw_body.truthy() ? raw_body : json::Value::Object();
  if (!body.is_object()) return ErrorResponse("the request body must be a JSON object");

  // 2. The view's size cap, on the size exactly as sent.
  if (const json::Value* size = body.find("size")) {
    auto n = IntParam(*size);
    if (!n) return ErrorResponse("size must be an integer, got " + json::Write(*size));
    if (*n != 0 && *n > 1000) {
      return ErrorResponse("Search size too large (" +
                           (size->is_string() ? size->text() : size->text()) + ")");
    }
  }

  // 3. elasticsearch-dsl's shape checks (Q() and A()).
  for (const char* key : {"query", "post_filter"}) {
    if (const json::Value* q = body.find(key)) {
      if (!q->is_object()) return Unsupported(std::string(key) + " that is not an object");
      if (auto err = DslQueryCheck(*q)) return ErrorResponse(*err);
    }
  }
  // elasticsearch-dsl: aggs = d.pop("aggs", d.pop("aggregations", {})); an
  // empty one is not sent at all (no "aggregations" in the response).
  const json::Value* aggs = body.find("aggs");
  if (aggs == nullptr) aggs = body.find("aggregations");
  if (aggs != nullptr && aggs->is_object() && aggs->size() == 0) aggs = nullptr;
  if (aggs != nullptr) {
    if (auto err = DslAggsCheck(*aggs)) return ErrorResponse(*err);
  }

  // 4. ES 6.7: top-level keys.
  for (const auto& [key, value] : body.members()) {
    if (ModeledKeys().count(key)) continue;
    if (UnmodeledKeys().count(key)) return Unsupported("top-level key " + key);
    return ErrorResponse("Unknown key for a " + std::string(json::TypeName(value.type())) +
                         " in [" + key + "].");
  }
  if (const json::Value* t = body.find("track_total_hits")) {
    if (!(t->is_bool() && t->as_bool())) return Unsupported("track_total_hits other than true");
  }

  // 5. from/size (-1 means "not given").
  int64_t size = 10, from = 0;
  if (const json::Value* v = body.find("size")) {
    size = *IntParam(*v);
    if (size == -1) size = 10;
    if (size < 0) return ErrorResponse("[size] parameter cannot be negative, found [" + std::to_string(size) + "]");
  }
  if (const json::Value* v = body.find("from")) {
    auto n = IntParam(*v);
    if (!n) return ErrorResponse("[from] must be an integer, got " + json::Write(*v));
    from = *n;
    if (from == -1) from = 0;
    if (from < 0) return ErrorResponse("[from] parameter cannot be negative");
  }

  // 6. Compile everything before running anything (ES fails before searching).
  QueryContext qctx;
  qctx.now_ms = now_ms;
  CompiledQuery query;
  query.matches = [](const PreparedDoc&) { return true; };
  query.constant_score = 1.0;
  if (const json::Value* q = body.find("query")) {
    auto c = CompileQuery(*q, qctx);
    if (!c.ok()) return FromProblem(c.problem);
    query = *c.value;
  }
  std::optional<Pred> post_filter;
  if (const json::Value* q = body.find("post_filter")) {
    auto c = CompileQuery(*q, qctx);  // query context, as the top-level query
    if (!c.ok()) return FromProblem(c.problem);
    post_filter = c.value->matches;
  }
  auto sort = CompileSort(body.find("sort"));
  if (!sort.ok()) return FromProblem(sort.problem);
  auto source = CompileSourceFilter(body.find("_source"));
  if (!source.ok()) return FromProblem(source.problem);
  std::vector<AggPlan>* no_plans = nullptr;
  (void)no_plans;
  Compiled<std::vector<AggPlan>> plans;
  if (aggs != nullptr) {
    plans = CompileAggs(*aggs, qctx, docs);
    if (!plans.ok()) return FromProblem(plans.problem);
  }
  for (const SortKey& key : *sort.value) {
    if (key.kind == SortKey::Kind::kScore && !query.constant_score) {
      return Unsupported("sorting on _score with a query whose scores the oracle does not model");
    }
  }
  if (from + size > 10000) {
    return ErrorResponse(
        "Result window is too large, from + size must be less than or equal to: [10000] but was [" +
        std::to_string(from + size) +
        "]. See the scroll api for a more efficient way to request large data sets. This limit "
        "can be set by changing the [index.max_result_window] index level setting.");
  }

  // 7. Run: every document, one at a time.
  std::vector<const PreparedDoc*> matched;
  for (const PreparedDoc& d : docs) {
    if (query.matches(d)) matched.push_back(&d);
  }
  std::vector<const PreparedDoc*> hits_docs;
  for (const PreparedDoc* d : matched) {
    if (!post_filter || (*post_filter)(*d)) hits_docs.push_back(d);
  }
  const std::vector<SortKey>& keys = *sort.value;
  bool field_sorted = !keys.empty();
  if (field_sorted) SortDocs(&hits_docs, keys);

  NaiveResponse response;
  json::Value hits_array = json::Value::Array();
  int64_t total = static_cast<int64_t>(hits_docs.size());
  for (int64_t i = from; i < total && i < from + size; ++i) {
    hits_array.push_back(MakeHit(*hits_docs[i], query.constant_score, field_sorted && !std::any_of(keys.begin(), keys.end(), [](const SortKey& k) { return k.kind == SortKey::Kind::kScore; }), *source.value,
                                 &keys));
  }
  HitsNote note;
  note.path = "hits/hits";
  note.complete = from == 0 && size >= total;
  if (field_sorted) {
    note.order = SortIsTotal(keys) ? HitsNote::Order::kExact : HitsNote::Order::kSortValuesOnly;
    note.scores_defined = true;  // null, or the constant score when sorting on it
    note.sort_values_defined = !SortHasDoc(keys);
  } else if (query.constant_score) {
    // Equal scores: the engine's documented tie-break is insertion order.
    note.order = HitsNote::Order::kExact;
    note.scores_defined = true;
  } else {
    note.order = HitsNote::Order::kUnordered;
    note.scores_defined = false;
  }
  response.hits_notes.push_back(note);

  json::Value hits = json::Value::Object();
  hits.set("total", json::Value::Int(total));
  json::Value max_score = json::Value::Null();
  if (!field_sorted && total > 0 && query.constant_score) max_score = json::Value::Double(*query.constant_score);
  hits.set("max_score", max_score);
  hits.set("hits", std::move(hits_array));

  json::Value out = json::Value::Object();
  out.set("took", json::Value::Int(0));
  out.set("timed_out", json::Value::Bool(false));
  json::Value shards = json::Value::Object();
  shards.set("total", json::Value::Int(5));
  shards.set("successful", json::Value::Int(5));
  shards.set("skipped", json::Value::Int(0));
  shards.set("failed", json::Value::Int(0));
  out.set("_shards", std::move(shards));
  out.set("hits", std::move(hits));
  if (aggs != nullptr) {
    AggRunContext run;
    run.corpus = &docs;
    run.constant_score = query.constant_score;
    run.bucket_count = &response.bucket_count;
    run.hits_notes = &response.hits_notes;
    out.set("aggregations", RunAggs(*plans.value, matched, run, "aggregations"));
  }
  response.body = std::move(out);
  return response;
}

}  // namespace buildhub::search::oracle
