#include "search/hits.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "search/bitmap_util.h"
#include "search/java_number.h"
#include "search/search_error.h"

namespace buildhub::search {
namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;
constexpr uint64_t kMissingFirst = 0;
constexpr uint64_t kMissingLast = std::numeric_limits<uint64_t>::max();

uint64_t IntKey(int64_t v) { return static_cast<uint64_t>(v) ^ kSignBit; }
uint64_t DoubleKey(double d) {
  if (d == 0) d = 0;  // -0.0 sorts as 0.0
  uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return (b & kSignBit) ? ~b : (b ^ kSignBit);
}
uint64_t FloatKey(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  uint32_t k = (b & 0x80000000u) ? ~b : (b ^ 0x80000000u);
  return k;
}
double BitsDouble(int64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

Status Fielddata(const std::string& path) {
  return ShardError("illegal_argument_exception",
                    "Fielddata is disabled on text fields by default. Set fielddata=true on [" + path +
                        "] in order to load fielddata in memory by uninverting the inverted index. Note that "
                        "this can however use significant memory. Alternatively use a keyword field instead.");
}

Result<SortField> ParseOne(const std::string& name, const json::Value* opts, const Mapping& mapping) {
  SortField f;
  f.name = name;
  if (name == "_score") {
    f.kind = SortField::Kind::kScore;
    f.desc = true;
  } else if (name == "_doc") {
    f.kind = SortField::Kind::kDoc;
  } else if (name == "_geo_distance" || name == "_geoDistance") {
    return ShardError("illegal_argument_exception", "failed to find mapper for geo distance based sort");
  } else if (name == "_script") {
    return AppError("script based sorting is not supported: this service does not run scripts");
  }
  std::string unmapped_type;
  auto order = [&](const json::Value& v) -> Status {
    std::string o = v.is_string() ? v.text() : "";
    for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (o == "asc") {
      f.desc = false;
    } else if (o == "desc") {
      f.desc = true;
    } else {
      return IllegalArgument("Unknown SortOrder [" + (v.is_string() ? v.text() : json::Write(v)) + "]");
    }
    return Status::Ok();
  };
  if (opts != nullptr) {
    if (opts->is_string()) {
      Status s = order(*opts);
      if (!s.ok()) return s;
    } else if (opts->is_object()) {
      for (const auto& [k, v] : opts->members()) {
        if (k == "order") {
          Status s = order(v);
          if (!s.ok()) return s;
        } else if (k == "missing") {
          if (v.is_string() && v.text() == "_last") {
            f.missing = SortField::Missing::kLast;
          } else if (v.is_string() && v.text() == "_first") {
            f.missing = SortField::Missing::kFirst;
          } else if (!v.is_null()) {
            auto fv = FieldValue::FromJson(v);
            if (!fv.ok()) return ParsingError("[field_sort] failed to parse field [missing]");
            f.missing = SortField::Missing::kValue;
            f.missing_value = *fv;
          }
        } else if (k == "unmapped_type") {
          unmapped_type = v.is_string() ? v.text() : "";
        } else if (k == "mode") {
          std::string m = v.is_string() ? v.text() : "";
          if (m == "min") f.mode = SortField::Mode::kMin;
          else if (m == "max") f.mode = SortField::Mode::kMax;
          else if (m == "sum") f.mode = SortField::Mode::kSum;
          else if (m == "avg") f.mode = SortField::Mode::kAvg;
          else if (m == "median") f.mode = SortField::Mode::kMedian;
          else return IllegalArgument("Unknown SortMode [" + m + "]");
        } else if (k == "nested_path" || k == "nested_filter" || k == "nested") {
          return ShardError("query_shard_exception", "[nested] failed to find nested object under path");
        }
        // numeric_type, format, reverse...: accepted
      }
    } else {
      return ParsingError("[" + name + "] sort must be a string or an object");
    }
  }
  if (f.kind != SortField::Kind::kField) return f;
  // _id holds the same strings as the `id` keyword field.
  const FieldInfo* info = mapping.Find(name == "_id" ? std::string("id") : name);
  if (info == nullptr || info->type == FieldType::kObject) {
    if (unmapped_type.empty()) {
      return ShardError("query_shard_exception", "No mapping found for [" + name + "] in order to sort on");
    }
    f.field = kNoField;
    if (unmapped_type == "long" || unmapped_type == "integer" || unmapped_type == "short" || unmapped_type == "byte") {
      f.type = FieldType::kLong;
    } else if (unmapped_type == "date") {
      f.type = FieldType::kDate;
    } else if (unmapped_type == "double" || unmapped_type == "float" || unmapped_type == "half_float" ||
               unmapped_type == "scaled_float") {
      f.type = FieldType::kDouble;
    } else if (unmapped_type == "boolean") {
      f.type = FieldType::kBoolean;
    } else {
      f.type = FieldType::kKeyword;
    }
    return f;
  }
  if (info->type == FieldType::kText) return Fielddata(info->path);
  f.field = info->id;
  f.type = info->type;
  return f;
}

// The extra values (multi-valued docs) of `local`.
template <typename Pairs>
auto ExtraRange(const Pairs& extra, uint32_t local) {
  auto a = std::lower_bound(extra.begin(), extra.end(), local,
                            [](const auto& p, uint32_t d) { return p.first < d; });
  auto b = a;
  while (b != extra.end() && b->first == local) ++b;
  return std::make_pair(a, b);
}

// Sort keys of one segment's docs: an unsigned integer per sort field such
// that ascending key order is the requested order.
class SegmentKeys {
 public:
  SegmentKeys(const Segment& seg, const std::vector<SortField>& sort, const Scorer* scorer)
      : seg_(seg), sort_(sort), scorer_(scorer) {
    for (const SortField& f : sort) {
      uint64_t custom = 0;
      if (f.kind == SortField::Kind::kField && f.missing == SortField::Missing::kValue) {
        custom = ValueKey(f, f.missing_value);
      }
      custom_.push_back(custom);
    }
  }

  // Key of a sort value given as JSON text (search_after, custom missing).
  uint64_t ValueKey(const SortField& f, const FieldValue& v) const {
    uint64_t k = 0;
    if (f.type == FieldType::kKeyword) {
      const KeywordColumn* col = f.field == kNoField ? nullptr : seg_.keyword(f.field);
      std::string s = v.AsTermText();
      if (col == nullptr) {
        k = 1;
      } else {
        uint32_t lb = col->dict.LowerBound(s);
        k = (lb < col->dict.size() && col->dict.term(lb) == s) ? (uint64_t{lb} + 1) * 2 : uint64_t{lb} * 2 + 1;
      }
    } else if (f.type == FieldType::kDouble) {
      k = DoubleKey(std::atof(v.text.c_str()));
    } else if (f.type == FieldType::kBoolean) {
      k = IntKey(v.text == "true" || v.text == "1" ? 1 : 0);
    } else {
      k = IntKey(static_cast<int64_t>(std::strtoll(v.text.c_str(), nullptr, 10)));
      if (v.kind == FieldValue::Kind::kFloat) k = IntKey(JavaLongCast(std::atof(v.text.c_str())));
    }
    return f.desc ? ~k : k;
  }

  uint64_t Key(size_t i, uint32_t global, float score) const {
    const SortField& f = sort_[i];
    if (f.kind == SortField::Kind::kScore) {
      uint64_t k = FloatKey(score);
      return f.desc ? ~k : k;
    }
    if (f.kind == SortField::Kind::kDoc) {
      uint64_t k = global;
      return f.desc ? ~k : k;
    }
    uint32_t local = global - seg_.base();
    bool use_max = f.mode == SortField::Mode::kMax || (f.mode == SortField::Mode::kDefault && f.desc);
    uint64_t k = 0;
    bool present = false;
    if (f.field != kNoField) {
      if (f.type == FieldType::kKeyword) {
        if (const KeywordColumn* col = seg_.keyword(f.field)) {
          uint32_t ord = col->ords[local];
          if (ord != kNoOrd) {
            present = true;
            if (!col->extra.empty()) {
              auto [a, b] = ExtraRange(col->extra, local);
              for (auto it = a; it != b; ++it) ord = use_max ? std::max(ord, it->second) : std::min(ord, it->second);
            }
            k = (uint64_t{ord} + 1) * 2;
          }
        }
      } else if (const NumericColumn* col = seg_.numeric(f.field)) {
        if (col->present.contains(global)) {
          present = true;
          bool dbl = f.type == FieldType::kDouble;
          double acc = dbl ? BitsDouble(col->values[local]) : static_cast<double>(col->values[local]);
          int64_t iacc = col->values[local];
          if (!col->extra.empty()) {
            auto [a, b] = ExtraRange(col->extra, local);
            size_t count = 1;
            double sum = acc;
            for (auto it = a; it != b; ++it) {
              double x = dbl ? BitsDouble(it->second) : static_cast<double>(it->second);
              sum += x;
              ++count;
              if (use_max ? x > acc : x < acc) {
                acc = x;
                iacc = it->second;
              }
            }
            if (f.mode == SortField::Mode::kSum || f.mode == SortField::Mode::kAvg || f.mode == SortField::Mode::kMedian) {
              acc = f.mode == SortField::Mode::kSum ? sum : sum / static_cast<double>(count);
              iacc = JavaLongCast(acc);
            }
          }
          k = dbl ? DoubleKey(acc) : IntKey(iacc);
        }
      }
    }
    if (!present) {
      switch (f.missing) {
        case SortField::Missing::kLast: return kMissingLast;
        case SortField::Missing::kFirst: return kMissingFirst;
        case SortField::Missing::kValue: return custom_[i];
      }
    }
    return f.desc ? ~k : k;
  }

 private:
  const Segment& seg_;
  const std::vector<SortField>& sort_;
  const Scorer* scorer_;
  std::vector<uint64_t> custom_;
};

struct Candidate {
  std::vector<uint64_t> keys;
  uint32_t doc;
  float score;
  size_t segment;
};

bool KeyLess(const Candidate& a, const Candidate& b) {
  if (a.keys != b.keys) return a.keys < b.keys;
  return a.doc < b.doc;
}

// Cross-segment comparison: keyword keys are per-segment ordinals, so they
// are compared by their strings.
class CrossCompare {
 public:
  CrossCompare(const Snapshot& snap, const std::vector<SortField>& sort) : snap_(snap), sort_(sort) {}

  bool operator()(const Candidate& a, const Candidate& b) const {
    for (size_t i = 0; i < sort_.size(); ++i) {
      int c = Compare(i, a, b);
      if (c != 0) return c < 0;
    }
    return a.doc < b.doc;
  }

 private:
  int Compare(size_t i, const Candidate& a, const Candidate& b) const {
    const SortField& f = sort_[i];
    uint64_t ka = a.keys[i], kb = b.keys[i];
    if (f.kind != SortField::Kind::kField || f.type != FieldType::kKeyword || a.segment == b.segment) {
      return ka < kb ? -1 : (ka > kb ? 1 : 0);
    }
    // Missing markers are absolute.
    auto special = [](uint64_t k) { return k == kMissingFirst || k == kMissingLast; };
    if (special(ka) || special(kb)) return ka < kb ? -1 : (ka > kb ? 1 : 0);
    std::string sa = Text(f, a), sb = Text(f, b);
    int c = sa < sb ? -1 : (sa > sb ? 1 : 0);
    return f.desc ? -c : c;
  }

  std::string Text(const SortField& f, const Candidate& c) const {
    uint64_t k = c.keys[&f - &sort_[0]];
    if (f.desc) k = ~k;
    if (k % 2 == 1) return f.missing_value.AsTermText();
    const KeywordColumn* col = snap_.segments[c.segment]->keyword(f.field);
    return std::string(col->dict.term(static_cast<uint32_t>(k / 2 - 1)));
  }

  const Snapshot& snap_;
  const std::vector<SortField>& sort_;
};

// The first `n` docs of `docs` in doc order (or the last n, reversed).
std::vector<uint32_t> FirstDocs(const Roaring& docs, size_t offset, size_t n, bool reverse) {
  uint64_t card = docs.cardinality();
  std::vector<uint32_t> out;
  if (offset >= card) return out;
  n = std::min<uint64_t>(n, card - offset);
  out.resize(n);
  if (!reverse) {
    docs.rangeUint32Array(out.data(), offset, n);
  } else {
    docs.rangeUint32Array(out.data(), card - offset - n, n);
    std::reverse(out.begin(), out.end());
  }
  return out;
}

// Top hits of one segment for a single numeric sort, by walking the docs
// already sorted by value. Returns false when the walk would not pay.
bool WalkNumeric(const Segment& seg, const Roaring& docs, const SortField& f, size_t k,
                 std::vector<Candidate>* out, size_t seg_index) {
  const NumericColumn* col = seg.numeric(f.field);
  uint64_t in_seg = RangeCardinality(docs, seg.base(), seg.end());
  if (in_seg == 0) return true;
  if (col == nullptr || !col->extra.empty() || f.missing == SortField::Missing::kValue ||
      f.mode != SortField::Mode::kDefault) {
    return false;
  }
  // The walk costs about k * size / in_seg steps when the sort field does not
  // follow the filter, and at worst a pass over the segment (a bit test per
  // doc); the heap costs a key per doc of in_seg. Walk when the set is dense
  // or the expected walk short.
  if (in_seg * 8 < seg.size() &&
      static_cast<double>(k) * seg.size() / static_cast<double>(in_seg) > static_cast<double>(in_seg) / 4) {
    return false;
  }
  bool dbl = f.type == FieldType::kDouble;
  auto key_of = [&](uint32_t local) {
    uint64_t key = dbl ? DoubleKey(BitsDouble(col->values[local])) : IntKey(col->values[local]);
    return f.desc ? ~key : key;
  };
  auto emit = [&](uint32_t global, uint64_t key) {
    out->push_back(Candidate{{key}, global, 0.0f, seg_index});
  };
  auto missing_docs = [&](uint64_t key) {
    // Docs of this segment in `docs` without a value, ascending.
    if (out->size() >= k) return;
    Roaring absent = docs - col->present;
    size_t added = out->size();
    ForEachDocInRange(absent, seg.base(), seg.end(), [&](uint32_t d) {
      if (added >= k) return false;
      emit(d, key);
      ++added;
      return true;
    });
  };
  if (f.missing == SortField::Missing::kFirst) missing_docs(kMissingFirst);
  const auto& sorted = col->sorted;
  size_t taken = out->size();
  bool all = in_seg == seg.size();
  // Membership tests: a plain bitset once the walk proves long.
  std::vector<uint64_t> bits;
  size_t steps = 0;
  auto member = [&](uint32_t local) {
    if (all) return true;
    if (++steps == 4096) {
      bits.assign((seg.size() + 63) / 64, 0);
      ForEachDocInRange(docs, seg.base(), seg.end(), [&](uint32_t d) {
        uint32_t l = d - seg.base();
        bits[l >> 6] |= uint64_t{1} << (l & 63);
        return true;
      });
    }
    if (!bits.empty()) return ((bits[local >> 6] >> (local & 63)) & 1) != 0;
    return docs.contains(seg.base() + local);
  };
  if (!f.desc) {
    for (size_t i = 0; i < sorted.size(); ++i) {
      uint32_t g = seg.base() + sorted[i];
      if (!member(sorted[i])) continue;
      uint64_t key = key_of(sorted[i]);
      if (taken >= k && key != out->back().keys[0]) break;
      emit(g, key);
      ++taken;
    }
  } else {
    // Backwards: equal values come doc-descending; the caller re-sorts.
    for (size_t i = sorted.size(); i-- > 0;) {
      uint32_t g = seg.base() + sorted[i];
      if (!member(sorted[i])) continue;
      uint64_t key = key_of(sorted[i]);
      if (taken >= k && key != out->back().keys[0]) break;
      emit(g, key);
      ++taken;
    }
  }
  if (f.missing == SortField::Missing::kLast) missing_docs(kMissingLast);
  return true;
}

}  // namespace

Result<std::vector<SortField>> ParseSort(const json::Value& sort, const Mapping& mapping) {
  std::vector<SortField> out;
  auto one = [&](const json::Value& item) -> Status {
    if (item.is_string()) {
      auto f = ParseOne(item.text(), nullptr, mapping);
      if (!f.ok()) return f.status();
      out.push_back(*f);
      return Status::Ok();
    }
    if (item.is_object()) {
      for (const auto& [k, v] : item.members()) {
        auto f = ParseOne(k, &v, mapping);
        if (!f.ok()) return f.status();
        out.push_back(*f);
      }
      return Status::Ok();
    }
    return ParsingError("[sort] expected a field name or an object, got " + std::string(json::TypeName(item.type())));
  };
  if (sort.is_array()) {
    for (const auto& item : sort.items()) {
      Status s = one(item);
      if (!s.ok()) return s;
    }
  } else {
    Status s = one(sort);
    if (!s.ok()) return s;
  }
  return out;
}

bool SortNeedsScores(const std::vector<SortField>& sort) {
  if (sort.empty()) return true;
  for (const SortField& f : sort) {
    if (f.kind == SortField::Kind::kScore) return true;
  }
  return false;
}

Result<std::vector<Hit>> CollectHits(const Snapshot& snap, const Roaring& docs, const CollectOptions& o,
                                     const Deadline& deadline) {
  std::vector<Hit> hits;
  size_t k = o.from + o.size;
  if (o.size == 0 || docs.isEmpty()) return hits;
  std::vector<SortField> implicit;
  const std::vector<SortField>* sort = o.sort;
  if (sort == nullptr || sort->empty()) {
    SortField score;
    score.kind = SortField::Kind::kScore;
    score.desc = true;
    implicit.push_back(score);
    sort = &implicit;
  }
  const Scorer* scorer = o.scorer;
  bool after = o.search_after != nullptr && o.search_after->is_array();
  auto score_of = [&](uint32_t d) { return scorer ? scorer->Score(d) : 1.0f; };

  // Doc order, or a constant score: the first docs are the answer.
  if (!after && sort->size() == 1) {
    const SortField& f = (*sort)[0];
    bool constant = scorer == nullptr || scorer->constant();
    if (f.kind == SortField::Kind::kDoc || (f.kind == SortField::Kind::kScore && constant)) {
      bool reverse = f.kind == SortField::Kind::kDoc ? f.desc : !f.desc;
      if (f.kind == SortField::Kind::kScore) reverse = false;  // equal scores: doc order
      for (uint32_t d : FirstDocs(docs, o.from, o.size, reverse)) hits.push_back({d, score_of(d)});
      return hits;
    }
  }

  // Score order: groups of equal score, best first, docs ascending within.
  if (!after && sort->size() == 1 && (*sort)[0].kind == SortField::Kind::kScore && (*sort)[0].desc &&
      scorer != nullptr) {
    if (auto groups = scorer->ScoreGroups(docs)) {
      size_t skip = o.from, need = o.size;
      for (const auto& [score, set] : *groups) {
        uint64_t card = set.cardinality();
        if (skip >= card) {
          skip -= card;
          continue;
        }
        std::vector<uint32_t> first = FirstDocs(set, skip, need, false);
        for (uint32_t d : first) hits.push_back({d, score});
        need -= first.size();
        skip = 0;
        if (need == 0) break;
      }
      return hits;
    }
  }

  std::vector<Candidate> all;
  for (size_t si = 0; si < snap.segments.size(); ++si) {
    const Segment& seg = *snap.segments[si];
    if (RangeCardinality(docs, seg.base(), seg.end()) == 0) continue;
    std::vector<Candidate> local;
    if (!after && sort->size() == 1 && (*sort)[0].kind == SortField::Kind::kField &&
        (*sort)[0].field != kNoField && IsNumericType((*sort)[0].type) &&
        WalkNumeric(seg, docs, (*sort)[0], k, &local, si)) {
      std::sort(local.begin(), local.end(), KeyLess);
      if (local.size() > k) local.resize(k);
      for (auto& c : local) all.push_back(std::move(c));
      continue;
    }
    SegmentKeys keys(seg, *sort, scorer);
    std::vector<uint64_t> after_keys;
    if (after) {
      const auto& items = o.search_after->items();
      for (size_t i = 0; i < sort->size() && i < items.size(); ++i) {
        const SortField& f = (*sort)[i];
        if (f.kind == SortField::Kind::kScore) {
          uint64_t key = FloatKey(static_cast<float>(items[i].as_double()));
          after_keys.push_back(f.desc ? ~key : key);
        } else if (f.kind == SortField::Kind::kDoc) {
          uint64_t key = static_cast<uint64_t>(items[i].as_int64().value_or(0));
          after_keys.push_back(f.desc ? ~key : key);
        } else if (items[i].is_null()) {
          after_keys.push_back(f.missing == SortField::Missing::kFirst ? kMissingFirst : kMissingLast);
        } else {
          auto fv = FieldValue::FromJson(items[i]);
          after_keys.push_back(fv.ok() ? keys.ValueKey(f, *fv) : 0);
        }
      }
    }
    // Bounded max-heap of the best k.
    auto worse = [](const Candidate& a, const Candidate& b) { return KeyLess(a, b); };
    std::vector<Candidate> heap;
    Candidate scratch;
    scratch.keys.resize(sort->size());
    size_t i = 0;
    Status status;
    bool need_score = false;
    for (const SortField& f : *sort) need_score |= f.kind == SortField::Kind::kScore;
    ForEachDocInRange(docs, seg.base(), seg.end(), [&](uint32_t d) {
      if ((++i & 4095) == 0 && deadline.Expired()) {
        status = TimeBudgetError(deadline);
        return false;
      }
      float score = need_score ? score_of(d) : 0.0f;
      for (size_t j = 0; j < sort->size(); ++j) scratch.keys[j] = keys.Key(j, d, score);
      // search_after: only docs strictly after the given values.
      if (after && !std::lexicographical_compare(after_keys.begin(), after_keys.end(), scratch.keys.begin(),
                                                 scratch.keys.end())) {
        return true;
      }
      scratch.doc = d;
      scratch.score = score;
      scratch.segment = si;
      if (heap.size() < k) {
        heap.push_back(scratch);
        std::push_heap(heap.begin(), heap.end(), worse);
      } else if (KeyLess(scratch, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), worse);
        heap.back() = scratch;
        std::push_heap(heap.begin(), heap.end(), worse);
      }
      return true;
    });
    if (!status.ok()) return status;
    for (auto& c : heap) all.push_back(std::move(c));
  }
  bool cross = snap.segments.size() > 1;
  if (cross) {
    std::sort(all.begin(), all.end(), CrossCompare(snap, *sort));
  } else {
    std::sort(all.begin(), all.end(), KeyLess);
  }
  for (size_t i = o.from; i < all.size() && i < k; ++i) {
    bool has_score = false;
    for (const SortField& f : *sort) has_score |= f.kind == SortField::Kind::kScore;
    hits.push_back({all[i].doc, has_score ? all[i].score : score_of(all[i].doc)});
  }
  return hits;
}

void WriteSortValues(const Snapshot& snap, const Hit& hit, const std::vector<SortField>& sort, JsonOut& out) {
  out.BeginArray();
  const Segment& seg = snap.SegmentOf(hit.doc);
  uint32_t local = hit.doc - seg.base();
  for (const SortField& f : sort) {
    if (f.kind == SortField::Kind::kScore) {
      out.Score(hit.score);
      continue;
    }
    if (f.kind == SortField::Kind::kDoc) {
      out.Int(hit.doc);
      continue;
    }
    bool use_max = f.mode == SortField::Mode::kMax || (f.mode == SortField::Mode::kDefault && f.desc);
    bool written = false;
    if (f.field != kNoField) {
      if (f.type == FieldType::kKeyword) {
        if (const KeywordColumn* col = seg.keyword(f.field)) {
          uint32_t ord = col->ords[local];
          if (ord != kNoOrd) {
            auto [a, b] = ExtraRange(col->extra, local);
            for (auto it = a; it != b; ++it) ord = use_max ? std::max(ord, it->second) : std::min(ord, it->second);
            out.String(col->dict.term(ord));
            written = true;
          }
        }
      } else if (const NumericColumn* col = seg.numeric(f.field); col != nullptr && col->present.contains(hit.doc)) {
        int64_t v = col->values[local];
        auto [a, b] = ExtraRange(col->extra, local);
        if (f.type == FieldType::kDouble) {
          double d = BitsDouble(v);
          for (auto it = a; it != b; ++it) d = use_max ? std::max(d, BitsDouble(it->second)) : std::min(d, BitsDouble(it->second));
          out.Double(d);
        } else {
          for (auto it = a; it != b; ++it) v = use_max ? std::max(v, it->second) : std::min(v, it->second);
          out.Int(v);
        }
        written = true;
      }
    }
    if (written) continue;
    if (f.missing == SortField::Missing::kValue) {
      const FieldValue& mv = f.missing_value;
      if (f.type == FieldType::kKeyword) {
        out.String(mv.AsTermText());
      } else if (mv.kind == FieldValue::Kind::kInteger) {
        out.Raw(mv.text);
      } else if (mv.kind == FieldValue::Kind::kFloat) {
        out.Double(std::atof(mv.text.c_str()));
      } else {
        out.String(mv.text);
      }
      continue;
    }
    if (f.type == FieldType::kKeyword) {
      out.Null();
      continue;
    }
    // Missing numbers sort as Long.MAX/MIN (Infinity for floats), flipped by
    // _first.
    bool high = (f.missing == SortField::Missing::kLast) != f.desc;
    if (f.type == FieldType::kDouble) {
      out.Raw(high ? "Infinity" : "-Infinity");
    } else {
      out.Int(high ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min());
    }
  }
  out.EndArray();
}

}  // namespace buildhub::search
