#include "search/segment_builder.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <charconv>
#include <cmath>
#include <cstring>
#include <numeric>
#include <unordered_map>

#include "core/json.h"
#include "search/analyzer.h"
#include "search/dates.h"
#include "search/doc_scanner.h"
#include "search/fast_date.h"
#include "search/string_sort.h"

namespace buildhub::search {

size_t Utf16Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;
    n += (c >= 0xF0) ? 2 : 1;
  }
  return n;
}

namespace {

// Strings copied into large chunks; views stay valid until the arena dies.
class Arena {
 public:
  std::string_view Copy(std::string_view s) {
    if (s.empty()) return std::string_view();
    if (s.size() > kChunk / 4) {
      big_.push_back(std::make_unique<char[]>(s.size()));
      std::memcpy(big_.back().get(), s.data(), s.size());
      return std::string_view(big_.back().get(), s.size());
    }
    if (chunks_.empty() || used_ + s.size() > kChunk) {
      chunks_.push_back(std::make_unique<char[]>(kChunk));
      used_ = 0;
    }
    char* p = chunks_.back().get() + used_;
    std::memcpy(p, s.data(), s.size());
    used_ += s.size();
    return std::string_view(p, s.size());
  }

 private:
  static constexpr size_t kChunk = 1 << 20;
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<std::unique_ptr<char[]>> big_;
  size_t used_ = 0;
};

// Interns strings into arrival ordinals: an open-addressing table of
// (hash, ordinal) pairs, one probe sequence per lookup and no per-string
// nodes — the load interns tens of millions of values.
class StringIndex {
 public:
  explicit StringIndex(Arena* arena) : arena_(arena) {}

  // `*fresh` (optional) tells whether the string was new.
  uint32_t Intern(std::string_view s, bool* fresh = nullptr) {
    if ((strings_.size() + 1) * 2 > slots_.size()) Grow();
    uint64_t h = Hash(s);
    uint32_t tag = static_cast<uint32_t>(h >> 32);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      uint64_t slot = slots_[i];
      if (slot == 0) {
        uint32_t ord = static_cast<uint32_t>(strings_.size());
        strings_.push_back(arena_->Copy(s));
        slots_[i] = (static_cast<uint64_t>(tag) << 32) | (ord + 1);
        if (fresh) *fresh = true;
        return ord;
      }
      if (static_cast<uint32_t>(slot >> 32) == tag) {
        uint32_t ord = static_cast<uint32_t>(slot & 0xFFFFFFFFu) - 1;
        if (strings_[ord] == s) {
          if (fresh) *fresh = false;
          return ord;
        }
      }
    }
  }

  // Appends a string known to be new (no lookup).
  uint32_t Append(std::string_view s) {
    strings_.push_back(arena_->Copy(s));
    return static_cast<uint32_t>(strings_.size() - 1);
  }

  const std::vector<std::string_view>& strings() const { return strings_; }
  void ReleaseMap() { std::vector<uint64_t>().swap(slots_); }

 private:
  static uint64_t Hash(std::string_view s) {
    // FNV-1a over 8-byte words, then a final mix: fast for short keys.
    uint64_t h = 0xcbf29ce484222325ULL ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0x100000001b3ULL;
      h ^= h >> 29;
    }
    for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  }

  void Grow() {
    size_t n = slots_.empty() ? 64 : slots_.size() * 2;
    std::vector<uint64_t> next(n, 0);
    size_t mask = n - 1;
    for (uint64_t slot : slots_) {
      if (slot == 0) continue;
      uint32_t ord = static_cast<uint32_t>(slot & 0xFFFFFFFFu) - 1;
      uint64_t h = Hash(strings_[ord]);
      size_t i = h & mask;
      while (next[i] != 0) i = (i + 1) & mask;
      next[i] = slot;
    }
    slots_.swap(next);
  }

  Arena* arena_;
  std::vector<uint64_t> slots_;
  std::vector<std::string_view> strings_;
};

// Values seen before a field decides whether to keep deduping.
constexpr uint64_t kProbe = 16384;

template <typename T>
void SetAt(std::vector<T>& v, uint32_t i, T value, T fill) {
  if (v.size() <= i) v.resize(static_cast<size_t>(i) + 1, fill);
  v[i] = value;
}

struct KeywordBuild {
  explicit KeywordBuild(Arena* a) : terms(a) {}
  StringIndex terms;
  std::vector<uint32_t> ords;
  std::vector<std::pair<uint32_t, uint32_t>> extra;

  // Fields whose values are nearly all distinct (URLs, ids) stop deduping
  // through the hash table: duplicates are merged when the dictionary is
  // sorted, which happens anyway.
  bool append_mode = false;
  uint64_t added = 0;

  void Add(uint32_t local, std::string_view term) {
    uint32_t ord;
    if (append_mode) {
      ord = terms.Append(term);
    } else {
      ord = terms.Intern(term);
      if (++added == kProbe && terms.strings().size() * 4 > added * 3) {
        append_mode = true;
        terms.ReleaseMap();
      }
    }
    if (local < ords.size() && ords[local] != kNoOrd) {
      extra.emplace_back(local, ord);
    } else {
      SetAt(ords, local, ord, kNoOrd);
    }
  }
  // A value no other doc has (the store id).
  void AddFresh(uint32_t local, std::string_view term) { SetAt(ords, local, terms.Append(term), kNoOrd); }
};

struct NumericBuild {
  std::vector<int64_t> values;
  std::vector<uint8_t> has;
  std::vector<std::pair<uint32_t, int64_t>> extra;

  void Add(uint32_t local, int64_t v) {
    if (local < has.size() && has[local]) {
      extra.emplace_back(local, v);
      return;
    }
    SetAt<int64_t>(values, local, v, 0);
    SetAt<uint8_t>(has, local, 1, 0);
  }
};

struct TextBuild {
  explicit TextBuild(Arena* a) : long_values(a) {}
  StringIndex long_values;
  std::vector<std::pair<uint32_t, uint32_t>> long_docs;
};

struct RawBuild {
  explicit RawBuild(Arena* a) : values(a) {}
  StringIndex values;
  std::vector<uint32_t> ords;
  // Dates: the instant of each raw value, parsed once (kUnparsed: invalid).
  std::vector<int64_t> parsed;
  bool append_mode = false;
  uint64_t added = 0;
};

constexpr int64_t kUnparsed = INT64_MIN;

struct FieldBuild {
  std::unique_ptr<KeywordBuild> keyword;
  std::unique_ptr<NumericBuild> numeric;
  std::unique_ptr<TextBuild> text;
  std::unique_ptr<RawBuild> raw;
};

// The text ES indexes in a keyword or text field for a JSON scalar.
std::string_view ScalarText(const ScannedValue& v) {
  switch (v.kind) {
    case ValueKind::kTrue: return "true";
    case ValueKind::kFalse: return "false";
    default: return v.text;
  }
}

// Whether "quote + WriteString(text) + quote" gives back the raw bytes.
bool StringReproduces(const ScannedValue& v) {
  if (v.kind != ValueKind::kString) return false;
  if (v.raw.find('\\') == std::string_view::npos) return true;
  std::string w;
  json::WriteString(v.text, &w);
  return w == v.raw;
}

// A long as ES coerces it: integers, floats truncated, numeric strings.
bool ParseLong(const ScannedValue& v, int64_t* out, bool* canonical) {
  *canonical = false;
  if (v.kind != ValueKind::kNumber && v.kind != ValueKind::kString) return false;
  std::string_view t = v.text;
  if (t.empty()) return false;
  int64_t x;
  auto r = std::from_chars(t.data(), t.data() + t.size(), x);
  if (r.ec == std::errc() && r.ptr == t.data() + t.size()) {
    *out = x;
    char buf[24];
    auto w = std::to_chars(buf, buf + sizeof buf, x);
    *canonical = v.kind == ValueKind::kNumber && std::string_view(buf, w.ptr - buf) == t;
    return true;
  }
  double d;
  auto rd = std::from_chars(t.data(), t.data() + t.size(), d);
  if (rd.ec != std::errc() || rd.ptr != t.data() + t.size() || !std::isfinite(d)) return false;
  double tr = std::trunc(d);
  if (tr >= 9.2233720368547758e18 || tr < -9.2233720368547758e18) return false;
  *out = static_cast<int64_t>(tr);
  return true;
}

bool ParseDouble(const ScannedValue& v, double* out) {
  if (v.kind != ValueKind::kNumber && v.kind != ValueKind::kString) return false;
  std::string_view t = v.text;
  auto r = std::from_chars(t.data(), t.data() + t.size(), *out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size() && std::isfinite(*out);
}

int64_t DoubleBits(double d) {
  int64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

double BitsDouble(int64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}

}  // namespace

struct SegmentBuilder::Impl {
  Mapping* mapping;
  uint32_t base;
  uint32_t n = 0;
  Arena arena;
  DocumentScanner scanner;
  ScannedDocument doc;
  std::vector<int64_t> store_ids;
  bool ids_ascending = true;
  std::vector<FieldBuild> fields;
  std::unordered_map<std::string, uint32_t> shape_index;
  std::vector<std::string> shapes;
  std::vector<uint32_t> doc_shape;
  std::unordered_map<uint32_t, std::string> verbatim;
  std::vector<uint32_t> rewrite, invalid;

  uint32_t id_field;

  Impl(Mapping* m, uint32_t b) : mapping(m), base(b), scanner(m), id_field(m->Find("id")->id) {}

  FieldBuild& Field(uint32_t id) {
    if (fields.size() <= id) fields.resize(id + 1);
    return fields[id];
  }
  KeywordBuild& Keyword(uint32_t id) {
    FieldBuild& f = Field(id);
    if (!f.keyword) f.keyword = std::make_unique<KeywordBuild>(&arena);
    return *f.keyword;
  }
  NumericBuild& Numeric(uint32_t id) {
    FieldBuild& f = Field(id);
    if (!f.numeric) f.numeric = std::make_unique<NumericBuild>();
    return *f.numeric;
  }
  TextBuild& Text(uint32_t id) {
    FieldBuild& f = Field(id);
    if (!f.text) f.text = std::make_unique<TextBuild>(&arena);
    return *f.text;
  }
  RawBuild& RawOf(uint32_t id) {
    FieldBuild& f = Field(id);
    if (!f.raw) f.raw = std::make_unique<RawBuild>(&arena);
    return *f.raw;
  }
  // Raw values are deduped only to save memory: once they prove nearly all
  // distinct, they are appended.
  static uint32_t RawIntern(RawBuild& r, std::string_view raw, bool* fresh) {
    if (r.append_mode) {
      *fresh = true;
      return r.values.Append(raw);
    }
    uint32_t ord = r.values.Intern(raw, fresh);
    if (++r.added == kProbe && r.values.strings().size() * 4 > r.added * 3) {
      r.append_mode = true;
      r.values.ReleaseMap();
    }
    return ord;
  }
  uint32_t Raw(uint32_t id, uint32_t local, std::string_view raw) {
    RawBuild& r = RawOf(id);
    bool fresh;
    uint32_t ord = RawIntern(r, raw, &fresh);
    SetAt(r.ords, local, ord, kNoOrd);
    return ord;
  }

  // A date value: stored dates repeat (every locale of a build shares its
  // build date), so each distinct raw value is parsed once.
  void IndexDate(uint32_t local, const ScannedValue& v, bool exact) {
    RawBuild& r = RawOf(v.field);
    bool fresh = false;
    uint32_t ord = RawIntern(r, v.raw, &fresh);
    if (exact) SetAt(r.ords, local, ord, kNoOrd);
    if (fresh) {
      std::optional<int64_t> ms;
      if (v.kind == ValueKind::kString) {
        int64_t fast;
        ms = FastIsoMillis(v.text, &fast) ? std::optional<int64_t>(fast) : dates::ParseStoredDate(v.text);
      } else if (v.kind == ValueKind::kNumber) {
        int64_t x;
        bool canonical;
        if (ParseLong(v, &x, &canonical)) ms = x;
      }
      if (r.parsed.size() <= ord) r.parsed.resize(ord + 1, kUnparsed);
      r.parsed[ord] = ms.value_or(kUnparsed);
    }
    int64_t ms = r.parsed[ord];
    if (ms != kUnparsed) Numeric(v.field).Add(local, ms);
  }

  void Add(int64_t store_id, std::string_view json) {
    scanner.Scan(json, &doc);
    AddScanned(store_id, json, doc);
  }

  void AddScanned(int64_t store_id, std::string_view json, const ScannedDocument& doc) {
    uint32_t local = n++;
    if (!store_ids.empty() && store_id <= store_ids.back()) ids_ascending = false;
    store_ids.push_back(store_id);
    char buf[24];
    auto w = std::to_chars(buf, buf + sizeof buf, store_id);
    if (ids_ascending) {
      Keyword(id_field).AddFresh(local, std::string_view(buf, w.ptr - buf));
    } else {
      Keyword(id_field).Add(local, std::string_view(buf, w.ptr - buf));
    }

    if (!doc.valid) {
      invalid.push_back(local);
      verbatim.emplace(local, std::string(json));
      doc_shape.push_back(kNoOrd);
      return;
    }
    if (doc.exact_shape) {
      auto it = shape_index.find(doc.shape);
      uint32_t id;
      if (it == shape_index.end()) {
        id = static_cast<uint32_t>(shapes.size());
        shapes.push_back(doc.shape);
        shape_index.emplace(doc.shape, id);
      } else {
        id = it->second;
      }
      doc_shape.push_back(id);
    } else {
      verbatim.emplace(local, std::string(json));
      doc_shape.push_back(kNoOrd);
    }
    if (doc.source_rewrite) rewrite.push_back(local);
    for (const ScannedValue& v : doc.values) Index(local, v, doc.exact_shape);
  }

  void Index(uint32_t local, const ScannedValue& v, bool exact) {
    bool reproduced = false;
    switch (v.type) {
      case FieldType::kKeyword:
        Keyword(v.field).Add(local, ScalarText(v));
        reproduced = StringReproduces(v);
        break;
      case FieldType::kText: {
        std::string_view t = ScalarText(v);
        if (Utf16Length(t) <= kIgnoreAbove) {
          Keyword(v.keyword_sub).Add(local, t);
        } else {
          TextBuild& tb = Text(v.field);
          tb.long_docs.emplace_back(local, tb.long_values.Intern(t));
        }
        Text(v.field);
        reproduced = StringReproduces(v);
        break;
      }
      case FieldType::kLong: {
        int64_t x;
        bool canonical;
        if (ParseLong(v, &x, &canonical)) {
          Numeric(v.field).Add(local, x);
          reproduced = canonical;
        }
        break;
      }
      case FieldType::kDouble: {
        double d;
        if (ParseDouble(v, &d)) Numeric(v.field).Add(local, DoubleBits(d));
        break;
      }
      case FieldType::kDate:
        IndexDate(local, v, exact);
        return;  // the raw value is kept by IndexDate
      case FieldType::kBoolean:
        if (v.kind == ValueKind::kTrue || v.kind == ValueKind::kFalse) {
          Numeric(v.field).Add(local, v.kind == ValueKind::kTrue ? 1 : 0);
          reproduced = true;
        } else if (v.kind == ValueKind::kString && (v.text == "true" || v.text == "false")) {
          Numeric(v.field).Add(local, v.text == "true" ? 1 : 0);
        }
        break;
      case FieldType::kObject:
        break;
    }
    if (exact && !reproduced) Raw(v.field, local, v.raw);
  }

  std::unique_ptr<KeywordColumn> FinishKeyword(KeywordBuild& b) {
    auto col = std::make_unique<KeywordColumn>();
    const auto& arrival = b.terms.strings();
    std::vector<uint32_t> order(arrival.size());
    std::iota(order.begin(), order.end(), 0u);
    SortStrings(arrival, &order);
    // Equal strings (appended values) share one ordinal.
    std::vector<uint32_t> remap(arrival.size());
    std::vector<std::string_view> sorted;
    sorted.reserve(arrival.size());
    for (uint32_t i = 0; i < order.size(); ++i) {
      std::string_view t = arrival[order[i]];
      if (sorted.empty() || sorted.back() != t) sorted.push_back(t);
      remap[order[i]] = static_cast<uint32_t>(sorted.size() - 1);
    }
    uint32_t nt = static_cast<uint32_t>(sorted.size());
    col->dict = TermDict::FromList(sorted);
    b.ords.resize(n, kNoOrd);
    for (uint32_t& o : b.ords) {
      if (o != kNoOrd) o = remap[o];
    }
    for (auto& [d, o] : b.extra) o = remap[o];
    std::sort(b.extra.begin(), b.extra.end());
    b.extra.erase(std::unique(b.extra.begin(), b.extra.end()), b.extra.end());
    // A repeated value of a multi-valued doc counts once.
    b.ords.resize(n, kNoOrd);
    std::erase_if(b.extra, [&](const std::pair<uint32_t, uint32_t>& p) { return b.ords[p.first] == p.second; });

    // Postings by counting sort; docs ascending within each term.
    std::vector<uint32_t> offsets(nt + 1, 0);
    for (uint32_t o : b.ords) {
      if (o != kNoOrd) ++offsets[o + 1];
    }
    for (auto& [d, o] : b.extra) {
      if (b.ords[d] != o) ++offsets[o + 1];
    }
    for (uint32_t i = 0; i < nt; ++i) offsets[i + 1] += offsets[i];
    std::vector<uint32_t> docs(offsets[nt]);
    std::vector<uint32_t> fill(offsets.begin(), offsets.end() - 1);
    std::vector<uint32_t> present;
    present.reserve(n);
    size_t e = 0;
    for (uint32_t d = 0; d < n; ++d) {
      bool any = false;
      uint32_t o = b.ords[d];
      if (o != kNoOrd) {
        docs[fill[o]++] = base + d;
        any = true;
      }
      for (; e < b.extra.size() && b.extra[e].first == d; ++e) {
        uint32_t x = b.extra[e].second;
        if (x == o) continue;
        docs[fill[x]++] = base + d;
        any = true;
      }
      if (any) present.push_back(base + d);
    }
    col->postings = Postings::Build(offsets, docs);
    col->present.addMany(present.size(), present.data());
    col->present.runOptimize();
    col->present.shrinkToFit();
    col->ords = std::move(b.ords);
    col->ords.shrink_to_fit();
    col->extra = std::move(b.extra);
    return col;
  }

  std::unique_ptr<NumericColumn> FinishNumeric(NumericBuild& b, FieldType type) {
    auto col = std::make_unique<NumericColumn>();
    b.values.resize(n, 0);
    b.has.resize(n, 0);
    std::vector<uint32_t> present;
    for (uint32_t d = 0; d < n; ++d) {
      if (b.has[d]) present.push_back(d);
    }
    col->sorted = present;
    const auto& vals = b.values;
    if (type == FieldType::kDouble) {
      std::sort(col->sorted.begin(), col->sorted.end(), [&](uint32_t a, uint32_t c) {
        double x = BitsDouble(vals[a]), y = BitsDouble(vals[c]);
        return x < y || (x == y && a < c);
      });
    } else {
      std::sort(col->sorted.begin(), col->sorted.end(), [&](uint32_t a, uint32_t c) {
        return vals[a] < vals[c] || (vals[a] == vals[c] && a < c);
      });
    }
    std::sort(b.extra.begin(), b.extra.end());
    for (auto& [d, v] : b.extra) present.push_back(d);
    std::sort(present.begin(), present.end());
    present.erase(std::unique(present.begin(), present.end()), present.end());
    for (uint32_t& d : present) d += base;
    col->present.addMany(present.size(), present.data());
    col->present.runOptimize();
    col->present.shrinkToFit();
    col->values = std::move(b.values);
    col->extra = std::move(b.extra);
    return col;
  }

  std::unique_ptr<TextColumn> FinishText(uint32_t field, TextBuild* b, const KeywordColumn* short_col) {
    auto col = std::make_unique<TextColumn>();
    col->keyword_field = mapping->field(field).keyword_sub;
    // Long values: a small sorted dictionary of their own.
    std::vector<Roaring> long_postings;
    if (b != nullptr) {
      const auto& arrival = b->long_values.strings();
      std::vector<uint32_t> order(arrival.size());
      std::iota(order.begin(), order.end(), 0u);
      std::sort(order.begin(), order.end(),
                [&](uint32_t a, uint32_t c) { return arrival[a] < arrival[c]; });
      std::vector<uint32_t> remap(arrival.size());
      std::vector<std::string_view> sorted(arrival.size());
      for (uint32_t i = 0; i < order.size(); ++i) {
        remap[order[i]] = i;
        sorted[i] = arrival[order[i]];
      }
      col->long_values = TermDict::FromList(sorted);
      for (auto& [d, o] : b->long_docs) o = remap[o];
      std::sort(b->long_docs.begin(), b->long_docs.end());
      long_postings.resize(sorted.size());
      for (auto& [d, o] : b->long_docs) long_postings[o].add(base + d);
      col->long_docs = std::move(b->long_docs);
    }
    // Analyse each distinct value once.
    std::unordered_map<std::string, uint32_t> token_index;
    std::vector<std::string> token_strings;
    std::vector<std::string> scratch;
    auto analyse = [&](std::string_view value, std::vector<uint32_t>* offsets, std::vector<uint32_t>* toks) {
      scratch.clear();
      StandardAnalyze(value, &scratch);
      for (std::string& t : scratch) {
        auto it = token_index.find(t);
        uint32_t id;
        if (it == token_index.end()) {
          id = static_cast<uint32_t>(token_strings.size());
          token_index.emplace(t, id);
          token_strings.push_back(t);
        } else {
          id = it->second;
        }
        toks->push_back(id);
      }
      offsets->push_back(static_cast<uint32_t>(toks->size()));
    };
    col->short_token_offsets.push_back(0);
    if (short_col != nullptr) {
      for (uint32_t o = 0; o < short_col->dict.size(); ++o) {
        analyse(short_col->dict.term(o), &col->short_token_offsets, &col->short_tokens);
      }
    }
    col->long_token_offsets.push_back(0);
    for (uint32_t o = 0; o < col->long_values.size(); ++o) {
      analyse(col->long_values.term(o), &col->long_token_offsets, &col->long_tokens);
    }
    // Sort tokens and remap.
    std::vector<uint32_t> order(token_strings.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t c) { return token_strings[a] < token_strings[c]; });
    std::vector<uint32_t> remap(order.size());
    std::vector<std::string_view> sorted(order.size());
    for (uint32_t i = 0; i < order.size(); ++i) {
      remap[order[i]] = i;
      sorted[i] = token_strings[order[i]];
    }
    col->tokens = TermDict::FromList(sorted);
    for (uint32_t& t : col->short_tokens) t = remap[t];
    for (uint32_t& t : col->long_tokens) t = remap[t];
    // Token postings: the union of the postings of the values holding it.
    std::vector<Roaring> token_bitmaps(order.size());
    if (short_col != nullptr) {
      for (uint32_t o = 0; o + 1 < col->short_token_offsets.size(); ++o) {
        for (uint32_t i = col->short_token_offsets[o]; i < col->short_token_offsets[o + 1]; ++i) {
          uint32_t t = col->short_tokens[i];
          // A token repeated inside one value is added once.
          bool seen = false;
          for (uint32_t j = col->short_token_offsets[o]; j < i; ++j) seen |= col->short_tokens[j] == t;
          if (!seen) short_col->postings.AddTo(o, &token_bitmaps[t]);
        }
      }
    }
    for (uint32_t o = 0; o + 1 < col->long_token_offsets.size(); ++o) {
      for (uint32_t i = col->long_token_offsets[o]; i < col->long_token_offsets[o + 1]; ++i) {
        token_bitmaps[col->long_tokens[i]] |= long_postings[o];
      }
    }
    for (const Roaring& r : token_bitmaps) col->present |= r;
    col->present.runOptimize();
    col->present.shrinkToFit();
    col->token_postings = Postings::FromBitmaps(std::move(token_bitmaps));
    return col;
  }

  void FinishColumns(uint32_t f, Segment* seg) {
    FieldType type = mapping->field(f).type;
    FieldColumns& fc = seg->fields_[f];
    FieldBuild& b = fields[f];
    if (b.keyword) {
      b.keyword->terms.ReleaseMap();
      fc.keyword = FinishKeyword(*b.keyword);
      b.keyword.reset();
    }
    if (b.numeric) {
      fc.numeric = FinishNumeric(*b.numeric, type);
      b.numeric.reset();
    }
    if (b.raw) {
      auto raw = std::make_unique<RawPool>();
      raw->values = TermDict::FromList(b.raw->values.strings());
      raw->ords = std::move(b.raw->ords);
      raw->ords.resize(n, kNoOrd);
      fc.raw = std::move(raw);
      b.raw.reset();
    }
  }

  void FinishTextColumn(uint32_t f, Segment* seg) {
    const FieldInfo& info = mapping->field(f);
    FieldBuild& b = fields[f];
    const KeywordColumn* short_col = seg->keyword(info.keyword_sub);
    if (!b.text && short_col == nullptr) return;
    seg->fields_[f].text = FinishText(f, b.text.get(), short_col);
    b.text.reset();
  }

  // Runs fn over `tasks` on this thread and, for big segments, one more
  // (the fields are independent).
  template <typename Fn>
  void ForAll(const std::vector<uint32_t>& tasks, Fn&& fn) {
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i = next++; i < tasks.size(); i = next++) fn(tasks[i]);
    };
    if (n < 50000 || tasks.size() < 2) {
      worker();
      return;
    }
    std::thread helper(worker);
    worker();
    helper.join();
  }

  std::unique_ptr<Segment> Finish() {
    auto seg = std::unique_ptr<Segment>(new Segment());
    seg->base_ = base;
    seg->store_ids_ = std::move(store_ids);
    seg->ids_ascending_ = ids_ascending;
    size_t nf = mapping->size();
    fields.resize(nf);
    seg->fields_.resize(nf);
    for (uint32_t f = 0; f < nf; ++f) seg->fields_[f].type = mapping->field(f).type;
    // Keyword and numeric columns first (biggest first): text columns read
    // their `.keyword` sub-fields.
    std::vector<uint32_t> tasks;
    auto weight = [&](uint32_t f) {
      const FieldBuild& b = fields[f];
      return (b.keyword ? b.keyword->terms.strings().size() : 0) + (b.raw ? b.raw->values.strings().size() : 0) +
             (b.numeric ? b.numeric->values.size() / 4 : 0);
    };
    for (uint32_t f = 0; f < nf; ++f) tasks.push_back(f);
    std::sort(tasks.begin(), tasks.end(), [&](uint32_t a, uint32_t c) { return weight(a) > weight(c); });
    ForAll(tasks, [&](uint32_t f) { FinishColumns(f, seg.get()); });
    tasks.clear();
    for (uint32_t f = 0; f < nf; ++f) {
      if (mapping->field(f).type == FieldType::kText) tasks.push_back(f);
    }
    ForAll(tasks, [&](uint32_t f) { FinishTextColumn(f, seg.get()); });
    seg->shapes_ = std::move(shapes);
    seg->doc_shape_ = std::move(doc_shape);
    seg->verbatim_ = std::move(verbatim);
    seg->rewrite_.addMany(rewrite.size(), rewrite.data());
    seg->invalid_.addMany(invalid.size(), invalid.data());
    return seg;
  }
};

SegmentBuilder::SegmentBuilder(Mapping* mapping, uint32_t base)
    : impl_(std::make_unique<Impl>(mapping, base)) {}
SegmentBuilder::~SegmentBuilder() = default;

void SegmentBuilder::Add(int64_t store_id, std::string_view build_json) { impl_->Add(store_id, build_json); }
void SegmentBuilder::ScanDocument(std::string_view build_json, ScannedDocument* doc) {
  impl_->scanner.Scan(build_json, doc);
}
void SegmentBuilder::AddScanned(int64_t store_id, std::string_view build_json, const ScannedDocument& doc) {
  impl_->AddScanned(store_id, build_json, doc);
}
uint32_t SegmentBuilder::size() const { return impl_->n; }
std::unique_ptr<Segment> SegmentBuilder::Finish() { return impl_->Finish(); }

}  // namespace buildhub::search
