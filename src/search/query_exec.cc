#include "search/query_exec.h"

#include <algorithm>
#include <cstring>

#include "core/utf8.h"
#include "search/bitmap_util.h"
#include "search/query_parser.h"
#include "search/search_error.h"

namespace buildhub::search {

Status TimeBudgetError(const Deadline& deadline) {
  return AppError("search took longer than " + std::to_string(deadline.budget_ms()) +
                  " ms (the time budget of one request); narrow the query or the aggregations");
}

namespace {

// Collects the union of many posting lists: bitmaps are OR-ed in directly,
// arrays gathered and added in one sorted batch.
class UnionBuilder {
 public:
  void Add(const Postings& p, uint32_t ord) {
    if (const Roaring* b = p.Bitmap(ord)) {
      bitmaps_.push_back(b);
    } else {
      auto a = p.Array(ord);
      docs_.insert(docs_.end(), a.begin(), a.end());
    }
  }
  void AddDocs(const std::vector<uint32_t>& docs) { docs_.insert(docs_.end(), docs.begin(), docs.end()); }
  void Into(Roaring* out) {
    if (!bitmaps_.empty()) {
      if (bitmaps_.size() == 1 && out->isEmpty()) {
        *out = *bitmaps_[0];
      } else {
        std::vector<const Roaring*> all = bitmaps_;
        Roaring current;
        current.swap(*out);
        all.push_back(&current);
        *out = Roaring::fastunion(all.size(), all.data());
      }
    }
    if (!docs_.empty()) {
      std::sort(docs_.begin(), docs_.end());
      out->addMany(docs_.size(), docs_.data());
    }
    bitmaps_.clear();
    docs_.clear();
  }

 private:
  std::vector<const Roaring*> bitmaps_;
  std::vector<uint32_t> docs_;
};

// A term dictionary with its postings: keyword values or text tokens.
struct DictView {
  const TermDict* dict = nullptr;
  const Postings* postings = nullptr;
  const KeywordColumn* column = nullptr;  // keyword values only
};

DictView ViewOf(const Segment& seg, const Query& q) {
  DictView v;
  if (q.on_tokens) {
    if (const TextColumn* t = seg.text(q.field)) {
      v.dict = &t->tokens;
      v.postings = &t->token_postings;
    }
  } else if (const KeywordColumn* k = seg.keyword(q.field)) {
    v.dict = &k->dict;
    v.postings = &k->postings;
    v.column = k;
  }
  return v;
}

// Docs of `col` whose ordinal lies in [lo, hi): a scan of the ordinal column,
// cheaper than merging many posting lists when the range is wide.
void ScanOrdinalRange(const Segment& seg, const KeywordColumn& col, uint32_t lo, uint32_t hi, Roaring* out,
                      bool dense) {
  std::vector<uint32_t> docs;
  uint32_t base = seg.base();
  const uint32_t* ords = col.ords.data();
  uint32_t n = static_cast<uint32_t>(col.ords.size());
  uint32_t width = hi - lo;
  if (dense) {
    // Most docs match: list the others and take them from the whole range
    // (a run container), cheaper than adding a million docs one by one.
    for (uint32_t d = 0; d < n; ++d) {
      if (ords[d] - lo >= width) docs.push_back(base + d);
    }
    Roaring rest;
    rest.addMany(docs.size(), docs.data());
    for (const auto& [d, o] : col.extra) {
      if (o >= lo && o < hi) rest.remove(base + d);
    }
    Roaring all = RangeBitmap(base, base + n);
    all -= rest;
    *out |= all;
    return;
  }
  for (uint32_t d = 0; d < n; ++d) {
    if (ords[d] - lo < width) docs.push_back(base + d);  // kNoOrd wraps above width
  }
  for (const auto& [d, o] : col.extra) {
    if (o >= lo && o < hi) docs.push_back(base + d);
  }
  if (!col.extra.empty()) {
    std::sort(docs.begin(), docs.end());
    docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
  }
  out->addMany(docs.size(), docs.data());
}

// Adds the docs of ordinals [lo, hi) to `out`, by postings or by column scan.
Status AddOrdinalRange(const Segment& seg, const DictView& v, uint32_t lo, uint32_t hi, Roaring* out,
                       const Deadline& deadline) {
  if (hi <= lo) return Status::Ok();
  uint64_t postings = v.postings->DocFreqRange(lo, hi);
  if (v.column != nullptr && hi - lo > 64 && postings > seg.size() / 16) {
    ScanOrdinalRange(seg, *v.column, lo, hi, out, postings > seg.size() / 2);
    return Status::Ok();
  }
  UnionBuilder u;
  for (uint32_t o = lo; o < hi; ++o) {
    if ((o - lo) % 4096 == 4095 && deadline.Expired()) return TimeBudgetError(deadline);
    u.Add(*v.postings, o);
  }
  u.Into(out);
  return Status::Ok();
}

// Adds the docs of a set of ordinals (a pattern's matching terms): one union,
// or one pass over the ordinal column when they hold many docs.
Status AddOrdinals(const Segment& seg, const DictView& v, const std::vector<uint32_t>& ords, Roaring* out,
                   const Deadline& deadline) {
  if (ords.empty()) return Status::Ok();
  uint64_t postings = 0;
  for (uint32_t o : ords) postings += v.postings->DocFreq(o);
  if (v.column != nullptr && ords.size() > 64 && postings > seg.size() / 16) {
    std::vector<uint8_t> wanted(v.dict->size(), 0);
    for (uint32_t o : ords) wanted[o] = 1;
    uint32_t base = seg.base();
    const std::vector<uint32_t>& col = v.column->ords;
    bool dense = postings > seg.size() / 2;
    std::vector<uint32_t> docs;
    for (uint32_t d = 0; d < col.size(); ++d) {
      uint32_t o = col[d];
      bool in = o != kNoOrd && wanted[o];
      if (in != dense) docs.push_back(base + d);
    }
    Roaring extra;
    for (const auto& [d, o] : v.column->extra) {
      if (wanted[o]) extra.add(base + d);
    }
    if (dense) {
      Roaring rest;
      rest.addMany(docs.size(), docs.data());
      rest -= extra;
      Roaring all = RangeBitmap(base, base + static_cast<uint32_t>(col.size()));
      all -= rest;
      *out |= all;
    } else {
      out->addMany(docs.size(), docs.data());
      *out |= extra;
    }
    return Status::Ok();
  }
  UnionBuilder u;
  for (size_t i = 0; i < ords.size(); ++i) {
    if (i % 4096 == 4095 && deadline.Expired()) return TimeBudgetError(deadline);
    u.Add(*v.postings, ords[i]);
  }
  u.Into(out);
  return Status::Ok();
}

// Sets bits in a doc bitset then converts it (ascending) to a bitmap.
void BitsetToBitmap(const std::vector<uint64_t>& bits, uint32_t base, uint32_t n, Roaring* out, bool dense) {
  std::vector<uint32_t> docs;
  if (dense) {
    // Mostly ones: add the whole range, then take out the zeros.
    for (size_t w = 0; w < bits.size(); ++w) {
      uint64_t x = ~bits[w];
      while (x) {
        int b = __builtin_ctzll(x);
        uint32_t d = static_cast<uint32_t>(w * 64 + b);
        if (d >= n) break;
        docs.push_back(base + d);
        x &= x - 1;
      }
    }
    Roaring zeros;
    zeros.addMany(docs.size(), docs.data());
    Roaring all = RangeBitmap(base, base + n);
    all -= zeros;
    *out |= all;
    return;
  }
  for (size_t w = 0; w < bits.size(); ++w) {
    uint64_t x = bits[w];
    while (x) {
      int b = __builtin_ctzll(x);
      docs.push_back(base + static_cast<uint32_t>(w * 64 + b));
      x &= x - 1;
    }
  }
  out->addMany(docs.size(), docs.data());
}

int64_t AsInt(const NumericColumn& c, uint32_t d) { return c.values[d]; }
double AsDouble(const NumericColumn& c, uint32_t d) {
  double x;
  std::memcpy(&x, &c.values[d], sizeof x);
  return x;
}
double BitsToDouble(int64_t bits) {
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

// Levenshtein (optionally with adjacent transpositions) between code point
// strings, giving up once the distance must exceed `max`.
bool WithinEdits(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, int max, bool transpositions) {
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max) return false;
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > max) return false;
    prev2 = prev;
    prev = cur;
  }
  return prev[m] <= max;
}

std::vector<uint32_t> CodePoints(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) out.push_back(utf8::DecodeNext(s, &i));
  return out;
}

// A leaf whose match a column decides doc by doc: a bool can then check it
// on the few candidates its other clauses leave, instead of building the
// leaf's own (often large) set. Clients pair selective terms with wide
// ranges ("version >= 63" matches a quarter of all builds).
bool DecidedByColumn(const Query& q) {
  return (q.kind == QueryKind::kTermRange && !q.on_tokens) || q.kind == QueryKind::kNumericRange ||
         q.kind == QueryKind::kDoubleRange;
}

// Ordinal bounds [lo, hi) of a keyword range in one segment's dictionary.
std::pair<uint32_t, uint32_t> OrdinalBounds(const TermDict& dict, const Query& q) {
  uint32_t lo = 0, hi = static_cast<uint32_t>(dict.size());
  if (q.lo) lo = q.lo_inclusive ? dict.LowerBound(*q.lo) : dict.UpperBound(*q.lo);
  if (q.hi) hi = q.hi_inclusive ? dict.UpperBound(*q.hi) : dict.LowerBound(*q.hi);
  return {lo, std::max(lo, hi)};
}

// Positions [first, last) in a numeric column's sorted docs of a range.
std::pair<size_t, size_t> SortedBounds(const NumericColumn& c, const Query& q) {
  const auto& sorted = c.sorted;
  size_t first, last;
  if (q.kind == QueryKind::kDoubleRange) {
    first = std::lower_bound(sorted.begin(), sorted.end(), q.lo_double,
                             [&](uint32_t d, double x) { return AsDouble(c, d) < x; }) - sorted.begin();
    last = std::upper_bound(sorted.begin(), sorted.end(), q.hi_double,
                            [&](double x, uint32_t d) { return x < AsDouble(c, d); }) - sorted.begin();
  } else {
    first = std::lower_bound(sorted.begin(), sorted.end(), q.lo_int,
                             [&](uint32_t d, int64_t x) { return AsInt(c, d) < x; }) - sorted.begin();
    last = std::upper_bound(sorted.begin(), sorted.end(), q.hi_int,
                            [&](int64_t x, uint32_t d) { return x < AsInt(c, d); }) - sorted.begin();
  }
  return {first, std::max(first, last)};
}

bool NumberInRange(const Query& q, int64_t v) {
  if (q.kind == QueryKind::kDoubleRange) {
    double x = BitsToDouble(v);
    return x >= q.lo_double && x <= q.hi_double;
  }
  return v >= q.lo_int && v <= q.hi_int;
}

// Whether a multi-valued doc has a further value accepted by `in`.
template <typename V, typename F>
bool AnyExtra(const std::vector<std::pair<uint32_t, V>>& extra, uint32_t local, F&& in) {
  auto it = std::lower_bound(extra.begin(), extra.end(), local,
                             [](const std::pair<uint32_t, V>& e, uint32_t d) { return e.first < d; });
  for (; it != extra.end() && it->first == local; ++it) {
    if (in(it->second)) return true;
  }
  return false;
}

}  // namespace

Roaring QueryExecutor::All() const { return RangeBitmap(0, snap_.doc_count); }

Status QueryExecutor::Tick(size_t i) const {
  if ((i & 1023) == 1023 && deadline_.Expired()) return TimeBudgetError(deadline_);
  return Status::Ok();
}

Result<Roaring> QueryExecutor::Match(const Query& q, bool filter_context) {
  return Eval(q, filter_context, nullptr);
}

Result<Roaring> QueryExecutor::Eval(const Query& q, bool filter_context, Memo* memo) {
  if (deadline_.Expired()) return TimeBudgetError(deadline_);
  Result<Roaring> r = Roaring();
  switch (q.kind) {
    case QueryKind::kMatchAll: r = All(); break;
    case QueryKind::kMatchNone: r = Roaring(); break;
    case QueryKind::kBool: r = Bool(q, filter_context, memo); break;
    case QueryKind::kConstantScore: r = Eval(*q.inner, true, nullptr); break;
    case QueryKind::kWrapper: r = Eval(*q.inner, filter_context, memo); break;
    case QueryKind::kDisMax: {
      Roaring acc;
      for (const auto& c : q.should) {
        auto x = Eval(*c, filter_context, memo);
        if (!x.ok()) return x;
        acc |= *x;
      }
      r = std::move(acc);
      break;
    }
    case QueryKind::kBoosting: {
      auto x = Eval(*q.inner, filter_context, memo);
      if (!x.ok()) return x;
      if (memo != nullptr) {
        auto n = Eval(*q.negative, true, nullptr);
        if (!n.ok()) return n;
        (*memo)[q.negative.get()] = std::move(n).value();
      }
      r = std::move(x);
      break;
    }
    default: r = Leaf(q); break;
  }
  if (r.ok() && memo != nullptr) (*memo)[&q] = *r;
  return r;
}

Result<Roaring> QueryExecutor::Bool(const Query& q, bool filter_context, Memo* memo) {
  if (q.must.empty() && q.filter.empty() && q.should.empty() && q.must_not.empty()) return All();
  int msm = 0;
  bool pure_negative = q.must.empty() && q.filter.empty() && q.should.empty();
  // ES rebuilds a purely negative bool around a match_all and drops its
  // minimum_should_match on the way (Queries.fixNegativeQueryIfNeeded).
  if (!q.minimum_should_match.empty() && !pure_negative) {
    auto m = MinimumShouldMatch(q.minimum_should_match, static_cast<int>(q.should.size()));
    if (!m.ok()) return m.status();
    msm = *m;
  } else if (filter_context && !q.lucene_bool && !q.should.empty()) {
    msm = 1;
  }
  Roaring acc;
  bool have = false;
  auto intersect = [&](Roaring x) {
    if (have) {
      acc &= x;
    } else {
      acc = std::move(x);
      have = true;
    }
  };
  // Leaves a column decides wait until the other required clauses have
  // narrowed the candidates (only where no score memo needs their full set).
  std::vector<const Query*> deferred;
  for (const auto& c : q.must) {
    if (memo == nullptr && DecidedByColumn(*c)) {
      deferred.push_back(c.get());
      continue;
    }
    auto x = Eval(*c, filter_context, memo);
    if (!x.ok()) return x;
    intersect(std::move(x).value());
  }
  for (const auto& c : q.filter) {
    if (DecidedByColumn(*c)) {
      deferred.push_back(c.get());
      continue;
    }
    auto x = Eval(*c, true, nullptr);
    if (!x.ok()) return x;
    intersect(std::move(x).value());
  }
  for (const Query* c : deferred) {
    if (have) {
      auto checked = CheckCandidates(*c, acc);
      if (!checked.ok()) return checked.status();
      if (checked->has_value()) {
        acc = std::move(**checked);
        continue;
      }
    }
    auto x = Eval(*c, true, nullptr);
    if (!x.ok()) return x;
    intersect(std::move(x).value());
  }
  if (msm > static_cast<int>(q.should.size())) return Roaring();
  if (!q.should.empty() && (memo != nullptr || msm > 0 || !have)) {
    std::vector<Roaring> sets;
    sets.reserve(q.should.size());
    for (const auto& c : q.should) {
      auto x = Eval(*c, filter_context, memo);
      if (!x.ok()) return x;
      sets.push_back(std::move(x).value());
    }
    Roaring matched;
    if (msm <= 1) {
      std::vector<const Roaring*> ptrs;
      for (const Roaring& s : sets) ptrs.push_back(&s);
      if (msm == 1 || !have) matched = Roaring::fastunion(ptrs.size(), ptrs.data());
    } else if (msm == static_cast<int>(sets.size())) {
      matched = sets[0];
      for (size_t i = 1; i < sets.size(); ++i) matched &= sets[i];
    } else {
      // At least msm of the should clauses: count per doc.
      std::vector<const Roaring*> ptrs;
      for (const Roaring& s : sets) ptrs.push_back(&s);
      Roaring any = Roaring::fastunion(ptrs.size(), ptrs.data());
      std::vector<uint32_t> docs;
      size_t i = 0;
      Status status;
      ForEachDoc(any, [&](uint32_t d) {
        if (!status.ok()) return;
        status = Tick(i++);
        int n = 0;
        for (const Roaring& s : sets) n += s.contains(d) ? 1 : 0;
        if (n >= msm) docs.push_back(d);
      });
      if (!status.ok()) return status;
      matched.addMany(docs.size(), docs.data());
    }
    if (msm > 0 || !have) {
      if (have) {
        acc &= matched;
      } else {
        acc = std::move(matched);
        have = true;
      }
    }
  }
  if (!have) acc = All();
  for (const auto& c : q.must_not) {
    auto x = Eval(*c, true, nullptr);
    if (!x.ok()) return x;
    acc -= *x;
  }
  return acc;
}

Result<Roaring> QueryExecutor::Leaf(const Query& q) {
  switch (q.kind) {
    case QueryKind::kTerms: return Terms(q);
    case QueryKind::kTermRange: return TermRange(q);
    case QueryKind::kPattern: return Pattern(q);
    case QueryKind::kFuzzy: return Fuzzy(q);
    case QueryKind::kNumericRange:
    case QueryKind::kDoubleRange: return NumericRange(q);
    case QueryKind::kPhrase: return Phrase(q);
    case QueryKind::kExists: {
      Roaring out;
      for (const auto& seg : snap_.segments) {
        for (uint32_t f : q.exists_fields) {
          if (const KeywordColumn* k = seg->keyword(f)) out |= k->present;
          if (const NumericColumn* n = seg->numeric(f)) out |= n->present;
          if (const TextColumn* t = seg->text(f)) out |= t->present;
        }
      }
      return out;
    }
    case QueryKind::kIds: {
      std::vector<uint32_t> docs;
      for (int64_t id : q.ids) {
        for (const auto& seg : snap_.segments) {
          uint32_t local = seg->FindStoreId(id);
          if (local != kNoOrd) docs.push_back(seg->base() + local);
        }
      }
      std::sort(docs.begin(), docs.end());
      Roaring out;
      out.addMany(docs.size(), docs.data());
      return out;
    }
    default:
      return Roaring();
  }
}

Result<Roaring> QueryExecutor::Terms(const Query& q) {
  Roaring out;
  for (const auto& seg : snap_.segments) {
    DictView v = ViewOf(*seg, q);
    if (v.dict == nullptr) continue;
    UnionBuilder u;
    for (size_t i = 0; i < q.terms.size(); ++i) {
      Status s = Tick(i);
      if (!s.ok()) return s;
      if (auto o = v.dict->Find(q.terms[i])) u.Add(*v.postings, *o);
    }
    u.Into(&out);
  }
  return out;
}

Result<Roaring> QueryExecutor::TermRange(const Query& q) {
  Roaring out;
  for (const auto& seg : snap_.segments) {
    DictView v = ViewOf(*seg, q);
    if (v.dict == nullptr) continue;
    auto [lo, hi] = OrdinalBounds(*v.dict, q);
    Status s = AddOrdinalRange(*seg, v, lo, hi, &out, deadline_);
    if (!s.ok()) return s;
  }
  return out;
}

Result<Roaring> QueryExecutor::Pattern(const Query& q) {
  Roaring out;
  for (const auto& seg : snap_.segments) {
    DictView v = ViewOf(*seg, q);
    if (v.dict == nullptr) continue;
    auto [lo, hi] = v.dict->PrefixRange(q.literal_prefix);
    if (q.pattern_kind == Query::PatternKind::kPrefix) {
      Status s = AddOrdinalRange(*seg, v, lo, hi, &out, deadline_);
      if (!s.ok()) return s;
      continue;
    }
    // Test every candidate term, then gather their docs at once.
    std::vector<uint32_t> matched;
    for (uint32_t o = lo; o < hi; ++o) {
      if ((o - lo) % 1024 == 1023 && deadline_.Expired()) return TimeBudgetError(deadline_);
      if (q.matcher->Matches(v.dict->term(o))) matched.push_back(o);
    }
    Status s = AddOrdinals(*seg, v, matched, &out, deadline_);
    if (!s.ok()) return s;
  }
  return out;
}

Result<Roaring> QueryExecutor::Fuzzy(const Query& q) {
  Roaring out;
  const std::string& term = q.terms.empty() ? std::string() : q.terms[0];
  std::vector<uint32_t> want = CodePoints(term);
  // The first prefix_length code points must match exactly.
  std::string prefix;
  {
    size_t i = 0;
    for (int k = 0; k < q.prefix_length && i < term.size(); ++k) utf8::DecodeNext(term, &i);
    prefix = term.substr(0, i);
  }
  for (const auto& seg : snap_.segments) {
    DictView v = ViewOf(*seg, q);
    if (v.dict == nullptr) continue;
    auto [lo, hi] = v.dict->PrefixRange(prefix);
    std::vector<uint32_t> matched;
    for (uint32_t o = lo; o < hi; ++o) {
      if ((o - lo) % 1024 == 1023 && deadline_.Expired()) return TimeBudgetError(deadline_);
      std::string_view t = v.dict->term(o);
      if (WithinEdits(want, CodePoints(t), q.max_edits, q.transpositions)) matched.push_back(o);
    }
    Status s = AddOrdinals(*seg, v, matched, &out, deadline_);
    if (!s.ok()) return s;
  }
  return out;
}

Result<Roaring> QueryExecutor::NumericRange(const Query& q) {
  Roaring out;
  for (const auto& seg : snap_.segments) {
    const NumericColumn* c = seg->numeric(q.field);
    if (c == nullptr) continue;
    const auto& sorted = c->sorted;
    auto [first, last] = SortedBounds(*c, q);
    if (last > first) {
      size_t count = last - first;
      if (count < seg->size() / 32) {
        std::vector<uint32_t> docs(sorted.begin() + first, sorted.begin() + last);
        std::sort(docs.begin(), docs.end());
        for (uint32_t& d : docs) d += seg->base();
        out.addMany(docs.size(), docs.data());
      } else {
        std::vector<uint64_t> bits((seg->size() + 63) / 64, 0);
        for (size_t i = first; i < last; ++i) bits[sorted[i] >> 6] |= uint64_t{1} << (sorted[i] & 63);
        BitsetToBitmap(bits, seg->base(), seg->size(), &out, count > seg->size() / 2);
      }
    }
    for (const auto& [d, v] : c->extra) {
      if (NumberInRange(q, v)) out.add(seg->base() + d);
    }
  }
  return out;
}

Result<std::optional<Roaring>> QueryExecutor::CheckCandidates(const Query& q, const Roaring& candidates) {
  // Building the set costs at least one step per doc it holds (then the
  // intersection); checking costs one column read per candidate.
  uint64_t in_range = 0;
  for (const auto& seg : snap_.segments) {
    if (q.kind == QueryKind::kTermRange) {
      DictView v = ViewOf(*seg, q);
      if (v.dict == nullptr) continue;
      auto [lo, hi] = OrdinalBounds(*v.dict, q);
      in_range += v.postings->DocFreqRange(lo, hi);
    } else if (const NumericColumn* c = seg->numeric(q.field)) {
      auto [first, last] = SortedBounds(*c, q);
      in_range += last - first;
    }
  }
  const uint64_t checks = candidates.cardinality();
  if (checks > in_range) return std::optional<Roaring>();

  std::vector<uint32_t> kept;
  size_t i = 0;
  Status status;
  for (const auto& seg : snap_.segments) {
    const uint32_t base = seg->base();
    const uint32_t end = base + static_cast<uint32_t>(seg->size());
    if (q.kind == QueryKind::kTermRange) {
      DictView v = ViewOf(*seg, q);
      if (v.dict == nullptr) continue;
      // Not a structured binding: clang 14 cannot capture those in lambdas.
      const std::pair<uint32_t, uint32_t> bounds = OrdinalBounds(*v.dict, q);
      const uint32_t lo = bounds.first;
      const uint32_t width = bounds.second - bounds.first;
      const KeywordColumn& col = *v.column;
      auto in = [&](uint32_t o) { return o - lo < width; };  // kNoOrd wraps above width
      ForEachDocInRange(candidates, base, end, [&](uint32_t doc) {
        if (!(status = Tick(i++)).ok()) return false;
        const uint32_t local = doc - base;
        if (in(col.ords[local]) || (!col.extra.empty() && AnyExtra(col.extra, local, in))) kept.push_back(doc);
        return true;
      });
    } else if (const NumericColumn* c = seg->numeric(q.field)) {
      auto in = [&](int64_t v) { return NumberInRange(q, v); };
      // `present` holds this segment's docs with a value: one bitmap AND
      // instead of a lookup per candidate.
      ForEachDoc(candidates & c->present, [&](uint32_t doc) {
        if (!(status = Tick(i++)).ok()) return;
        const uint32_t local = doc - base;
        if (in(c->values[local]) || (!c->extra.empty() && AnyExtra(c->extra, local, in))) kept.push_back(doc);
      });
    }
    if (!status.ok()) return status;
  }
  Roaring out;
  out.addMany(kept.size(), kept.data());
  return std::optional<Roaring>(std::move(out));
}

Result<Roaring> QueryExecutor::Phrase(const Query& q) {
  Roaring out;
  for (const auto& seg : snap_.segments) {
    const TextColumn* t = seg->text(q.field);
    if (t == nullptr) continue;
    // Per position: the acceptable token ordinals.
    std::vector<std::vector<uint32_t>> positions;
    bool missing = false;
    for (size_t i = 0; i < q.terms.size(); ++i) {
      std::vector<uint32_t> ords;
      if (q.last_is_prefix && i + 1 == q.terms.size()) {
        auto [lo, hi] = t->tokens.PrefixRange(q.terms[i]);
        for (uint32_t o = lo; o < hi && ords.size() < 50; ++o) ords.push_back(o);  // max_expansions
      } else if (auto o = t->tokens.Find(q.terms[i])) {
        ords.push_back(*o);
      }
      if (ords.empty()) {
        missing = true;
        break;
      }
      positions.push_back(std::move(ords));
    }
    if (missing || positions.empty()) continue;
    // Candidates: docs holding a token of every position.
    Roaring cand;
    for (size_t i = 0; i < positions.size(); ++i) {
      Roaring any;
      UnionBuilder u;
      for (uint32_t o : positions[i]) u.Add(t->token_postings, o);
      u.Into(&any);
      if (i == 0) {
        cand = std::move(any);
      } else {
        cand &= any;
      }
    }
    std::vector<uint32_t> docs;
    size_t k = 0;
    Status status;
    ForEachDoc(cand, [&](uint32_t doc) {
      if (!status.ok()) return;
      status = Tick(k++);
      std::vector<uint32_t> toks = seg->TextTokens(q.field, doc - seg->base());
      auto at = [&](size_t pos, size_t i) {
        const auto& acc = positions[i];
        return std::find(acc.begin(), acc.end(), toks[pos]) != acc.end();
      };
      // In order, with at most `slop` extra tokens in between in all.
      for (size_t start = 0; start < toks.size(); ++start) {
        if (!at(start, 0)) continue;
        size_t pos = start;
        int gaps = 0;
        bool ok = true;
        for (size_t i = 1; i < positions.size() && ok; ++i) {
          size_t next = pos + 1;
          while (next < toks.size() && !at(next, i) && gaps + static_cast<int>(next - pos - 1) < q.slop + 1) ++next;
          if (next >= toks.size() || !at(next, i)) {
            ok = false;
            break;
          }
          gaps += static_cast<int>(next - pos - 1);
          if (gaps > q.slop) ok = false;
          pos = next;
        }
        if (ok) {
          docs.push_back(doc);
          break;
        }
      }
    });
    if (!status.ok()) return status;
    out.addMany(docs.size(), docs.data());
  }
  return out;
}

// ------------------------------------------------------------------ scoring

bool IsConstantScore(const Query& q) {
  switch (q.kind) {
    case QueryKind::kBool:
      if (!q.should.empty()) {
        return q.must.empty() && q.filter.empty() && q.should.size() == 1 && IsConstantScore(*q.should[0]);
      }
      for (const auto& c : q.must) {
        if (!IsConstantScore(*c)) return false;
      }
      return true;
    case QueryKind::kDisMax:
      return q.should.size() == 1 && IsConstantScore(*q.should[0]);
    case QueryKind::kBoosting:
      return false;
    case QueryKind::kWrapper:
      return IsConstantScore(*q.inner);
    default:
      return true;
  }
}

Result<std::unique_ptr<Scorer>> Scorer::Create(QueryExecutor& exec, const Query& q) {
  auto s = std::unique_ptr<Scorer>(new Scorer());
  s->query_ = &q;
  s->constant_ = IsConstantScore(q);
  auto m = exec.Eval(q, false, s->constant_ ? nullptr : &s->memo_);
  if (!m.ok()) return m.status();
  s->matches_ = std::move(m).value();
  if (s->constant_) {
    s->constant_score_ = s->matches_.isEmpty() ? 0.0f : s->ScoreOf(q, s->matches_.minimum());
  }
  return s;
}

const Roaring* Scorer::MemoOf(const Query& q) const {
  auto it = memo_.find(&q);
  return it == memo_.end() ? nullptr : &it->second;
}

bool Scorer::ClassesOf(const Query& q, const Roaring& within, size_t cap, Classes* out) const {
  if (within.isEmpty()) return true;
  switch (q.kind) {
    case QueryKind::kBool: {
      if (q.must.empty() && q.should.empty()) {
        out->push_back({within, q.filter.empty() ? q.boost : 0.0f});
        return true;
      }
      Classes parts{{within, 0.0f}};
      for (const auto& c : q.must) {
        Classes next;
        for (auto& [p, score] : parts) {
          Classes cc;
          if (!ClassesOf(*c, p, cap, &cc)) return false;
          for (auto& [set, t] : cc) next.push_back({std::move(set), score + t});
          if (next.size() > cap) return false;
        }
        parts = std::move(next);
      }
      for (const auto& c : q.should) {
        const Roaring* m = MemoOf(*c);
        if (m == nullptr) return false;
        Classes next;
        for (auto& [p, score] : parts) {
          Roaring in = p & *m;
          Roaring rest = p - *m;
          if (!rest.isEmpty()) next.push_back({std::move(rest), score});
          Classes cc;
          if (!ClassesOf(*c, in, cap, &cc)) return false;
          for (auto& [set, t] : cc) next.push_back({std::move(set), score + t});
          if (next.size() > cap) return false;
        }
        parts = std::move(next);
      }
      for (auto& [p, score] : parts) out->push_back({std::move(p), score * q.boost});
      return true;
    }
    case QueryKind::kDisMax: {
      struct Part {
        Roaring docs;
        float best, total;
      };
      std::vector<Part> parts{{within, 0.0f, 0.0f}};
      for (const auto& c : q.should) {
        const Roaring* m = MemoOf(*c);
        if (m == nullptr) return false;
        std::vector<Part> next;
        for (Part& p : parts) {
          Roaring in = p.docs & *m;
          Roaring rest = p.docs - *m;
          if (!rest.isEmpty()) next.push_back({std::move(rest), p.best, p.total});
          Classes cc;
          if (!ClassesOf(*c, in, cap, &cc)) return false;
          for (auto& [set, t] : cc) next.push_back({std::move(set), std::max(p.best, t), p.total + t});
          if (next.size() > cap) return false;
        }
        parts = std::move(next);
      }
      for (Part& p : parts) out->push_back({std::move(p.docs), (p.best + q.tie_breaker * (p.total - p.best)) * q.boost});
      return true;
    }
    case QueryKind::kBoosting: {
      Classes pos;
      if (!ClassesOf(*q.inner, within, cap, &pos)) return false;
      const Roaring* neg = MemoOf(*q.negative);
      if (neg == nullptr) return false;
      for (auto& [set, t] : pos) {
        Roaring in = set & *neg;
        Roaring rest = set - *neg;
        if (!in.isEmpty()) out->push_back({std::move(in), t * q.negative_boost * q.boost});
        if (!rest.isEmpty()) out->push_back({std::move(rest), t * q.boost});
      }
      return out->size() <= cap;
    }
    case QueryKind::kWrapper: {
      Classes inner;
      if (!ClassesOf(*q.inner, within, cap, &inner)) return false;
      for (auto& [set, t] : inner) out->push_back({std::move(set), t * q.boost});
      return true;
    }
    default:
      out->push_back({within, q.boost});
      return true;
  }
}

std::optional<Scorer::Groups> Scorer::ScoreGroups(const Roaring& within, size_t max_groups) const {
  Groups groups;
  if (constant_) {
    if (!within.isEmpty()) groups.push_back({constant_score_, within});
    return groups;
  }
  Classes classes;
  if (!ClassesOf(*query_, within, max_groups, &classes)) return std::nullopt;
  std::sort(classes.begin(), classes.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (auto& [set, score] : classes) {
    if (set.isEmpty()) continue;
    if (!groups.empty() && groups.back().first == score) {
      groups.back().second |= set;
    } else {
      groups.push_back({score, std::move(set)});
    }
  }
  return groups;
}

bool Scorer::Contains(const Query& q, uint32_t doc) const {
  auto it = memo_.find(&q);
  return it != memo_.end() && it->second.contains(doc);
}

float Scorer::Score(uint32_t doc) const {
  if (constant_) return constant_score_;
  return ScoreOf(*query_, doc);
}

float Scorer::ScoreOf(const Query& q, uint32_t doc) const {
  switch (q.kind) {
    case QueryKind::kBool: {
      if (q.must.empty() && q.should.empty()) return q.filter.empty() ? q.boost : 0.0f;
      float sum = 0;
      for (const auto& c : q.must) sum += ScoreOf(*c, doc);
      for (const auto& c : q.should) {
        if (constant_ ? true : Contains(*c, doc)) sum += ScoreOf(*c, doc);
      }
      return sum * q.boost;
    }
    case QueryKind::kConstantScore:
      return q.boost;
    case QueryKind::kDisMax: {
      float best = 0, total = 0;
      for (const auto& c : q.should) {
        if (!constant_ && !Contains(*c, doc)) continue;
        float s = ScoreOf(*c, doc);
        best = std::max(best, s);
        total += s;
      }
      return (best + q.tie_breaker * (total - best)) * q.boost;
    }
    case QueryKind::kBoosting: {
      float s = ScoreOf(*q.inner, doc);
      if (Contains(*q.negative, doc)) s *= q.negative_boost;
      return s * q.boost;
    }
    case QueryKind::kWrapper:
      return ScoreOf(*q.inner, doc) * q.boost;
    default:
      return q.boost;
  }
}

}  // namespace buildhub::search
