// The terms aggregation: exact counts (one shard, so
// doc_count_error_upper_bound is 0), ES 6.7 ordering with the final _key asc
// tie-break, include/exclude (Lucene regexp, exact lists, partitions),
// min_doc_count (0 lists every term of the field) and missing.
#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "search/agg_internal.h"
#include "search/dates.h"
#include "search/regexp.h"

namespace buildhub::search::agg {
namespace {

int32_t Murmur3(std::string_view data, int32_t seed) {
  const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  uint32_t h1 = static_cast<uint32_t>(seed);
  size_t len = data.size();
  size_t rounded = len & ~size_t{3};
  auto rotl = [](uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  for (size_t i = 0; i < rounded; i += 4) {
    uint32_t k1 = p[i] | (p[i + 1] << 8) | (p[i + 2] << 16) | (static_cast<uint32_t>(p[i + 3]) << 24);
    k1 *= c1;
    k1 = rotl(k1, 15);
    k1 *= c2;
    h1 ^= k1;
    h1 = rotl(h1, 13);
    h1 = h1 * 5 + 0xe6546b64;
  }
  uint32_t k1 = 0;
  switch (len & 3) {
    case 3: k1 = static_cast<uint32_t>(p[rounded + 2]) << 16; [[fallthrough]];
    case 2: k1 |= static_cast<uint32_t>(p[rounded + 1]) << 8; [[fallthrough]];
    case 1:
      k1 |= p[rounded];
      k1 *= c1;
      k1 = rotl(k1, 15);
      k1 *= c2;
      h1 ^= k1;
  }
  h1 ^= static_cast<uint32_t>(len);
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6b;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35;
  h1 ^= h1 >> 16;
  return static_cast<int32_t>(h1);
}

int64_t Mix64(int64_t z) {
  uint64_t x = static_cast<uint64_t>(z);
  x = (x ^ (x >> 32)) * 0x4cd6944c5cc20b6dULL;
  x = (x ^ (x >> 29)) * 0xfc12c5b19d3259e9ULL;
  return static_cast<int64_t>(x ^ (x >> 32));
}

int64_t FloorMod(int64_t a, int64_t n) { return ((a % n) + n) % n; }

struct Filter {
  std::shared_ptr<TermMatcher> include_re, exclude_re;
  std::optional<std::unordered_set<std::string>> include_set;
  std::unordered_set<std::string> exclude_set;
  int64_t partition = -1, num_partitions = 0;

  bool Active() const {
    return include_re || exclude_re || include_set || !exclude_set.empty() || num_partitions > 0;
  }
};

struct Bucket {
  std::string skey;
  int64_t ikey = 0;
  double dkey = 0;
  uint64_t count = 0;
  std::vector<uint32_t> seg_ords;  // keyword: ordinal in each segment
  bool missing = false;            // docs without the field
};

class TermsAgg : public Aggregation {
 public:
  AggField field;
  int64_t size = 10;
  int64_t min_doc_count = 1;
  std::vector<BucketOrder> order;
  Filter filter;
  std::optional<FieldValue> missing;
  bool show_error = false;
  std::optional<DateFormatter> formatter;
  int64_t now_ms = 0;

  Status Validate() const override { return CheckOrders(order, *this); }

 protected:
  Status WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const override;

 private:
  FieldType type() const { return field.info ? field.info->type : FieldType::kKeyword; }
  bool Keep(const Bucket& b) const;
  Status KeywordBuckets(const Roaring& docs, AggContext& ctx, std::vector<Bucket>* out) const;
  Status NumericBuckets(const Roaring& docs, AggContext& ctx, std::vector<Bucket>* out) const;
  Roaring BucketDocs(const Bucket& b, const Roaring& docs, AggContext& ctx) const;
  uint64_t MissingCount(const Roaring& docs, AggContext& ctx, Roaring* missing_docs) const;
  void WriteKey(const Bucket& b, JsonOut& out) const;
};

bool TermsAgg::Keep(const Bucket& b) const {
  if (!filter.Active()) return true;
  FieldType t = type();
  bool numeric = field.info != nullptr && IsNumericType(t);
  std::string text;
  if (!numeric) {
    text = b.skey;
  } else if (t == FieldType::kDouble) {
    text = json::PythonFloatRepr(b.dkey);
  } else {
    text = std::to_string(b.ikey);
  }
  if (filter.num_partitions > 0) {
    int64_t h = numeric ? Mix64(t == FieldType::kDouble ? [&] {
      int64_t bits;
      std::memcpy(&bits, &b.dkey, sizeof bits);
      return bits;
    }() : b.ikey)
                        : Murmur3(text, 31);
    return FloorMod(h, filter.num_partitions) == filter.partition;
  }
  if (filter.include_re && !filter.include_re->Matches(text)) return false;
  if (filter.include_set && !filter.include_set->count(text)) return false;
  if (filter.exclude_re && filter.exclude_re->Matches(text)) return false;
  if (filter.exclude_set.count(text)) return false;
  return true;
}

uint64_t TermsAgg::MissingCount(const Roaring& docs, AggContext& ctx, Roaring* missing_docs) const {
  Roaring present;
  if (field.info != nullptr) {
    for (const auto& seg : ctx.snap.segments) {
      if (const KeywordColumn* k = seg->keyword(field.info->id)) present |= k->present;
      if (const NumericColumn* n = seg->numeric(field.info->id)) present |= n->present;
    }
  }
  Roaring m = docs - present;
  uint64_t c = m.cardinality();
  if (missing_docs != nullptr) *missing_docs = std::move(m);
  return c;
}

Status TermsAgg::KeywordBuckets(const Roaring& docs, AggContext& ctx, std::vector<Bucket>* out) const {
  size_t nseg = ctx.snap.segments.size();
  std::unordered_map<std::string_view, size_t> index;  // multi-segment merge
  for (size_t si = 0; si < nseg; ++si) {
    const Segment& seg = *ctx.snap.segments[si];
    const KeywordColumn* col = field.info ? seg.keyword(field.info->id) : nullptr;
    if (col == nullptr) continue;
    uint32_t nterms = static_cast<uint32_t>(col->dict.size());
    std::vector<uint64_t> counts(nterms, 0);
    uint64_t in_seg = RangeCardinality(docs, seg.base(), seg.end());
    if (in_seg == seg.size()) {
      for (uint32_t o = 0; o < nterms; ++o) counts[o] = col->postings.DocFreq(o);
    } else if (in_seg > 0 && nterms <= 64 && in_seg > 4096) {
      for (uint32_t o = 0; o < nterms; ++o) counts[o] = col->postings.AndCardinality(o, docs);
    } else if (in_seg > 0) {
      const uint32_t* ords = col->ords.data();
      uint32_t base = seg.base();
      size_t i = 0;
      bool expired = false;
      ForEachDocInRange(docs, seg.base(), seg.end(), [&](uint32_t d) {
        if ((++i & 8191) == 0 && ctx.deadline.Expired()) {
          expired = true;
          return false;
        }
        uint32_t o = ords[d - base];
        if (o != kNoOrd) ++counts[o];
        return true;
      });
      if (expired) return TimeBudgetError(ctx.deadline);
      for (const auto& [local, o] : col->extra) {
        if (docs.contains(base + local)) ++counts[o];
      }
    }
    for (uint32_t o = 0; o < nterms; ++o) {
      if (counts[o] == 0 && min_doc_count > 0) continue;
      std::string_view term = col->dict.term(o);
      if (nseg == 1) {
        Bucket b;
        b.skey = std::string(term);
        b.count = counts[o];
        b.seg_ords.assign(1, o);
        out->push_back(std::move(b));
        continue;
      }
      auto it = index.find(term);
      if (it == index.end()) {
        Bucket b;
        b.skey = std::string(term);
        b.seg_ords.assign(nseg, kNoOrd);
        out->push_back(std::move(b));
        it = index.emplace(std::string_view(col->dict.term(o)), out->size() - 1).first;
      }
      Bucket& b = (*out)[it->second];
      b.count += counts[o];
      b.seg_ords[si] = o;
    }
  }
  return Status::Ok();
}

Status TermsAgg::NumericBuckets(const Roaring& docs, AggContext& ctx, std::vector<Bucket>* out) const {
  if (field.info == nullptr) return Status::Ok();
  FieldType t = field.info->type;
  std::vector<std::pair<int64_t, uint32_t>> pairs;  // (value, doc)
  Status s = ForEachNumeric(ctx.snap, field.info->id, docs, ctx.deadline,
                            [&](uint32_t d, int64_t v) { pairs.emplace_back(v, d); });
  if (!s.ok()) return s;
  if (t == FieldType::kDouble) {
    std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
      int c = CompareDouble(BitsDouble(a.first), BitsDouble(b.first));
      return c < 0 || (c == 0 && a.second < b.second);
    });
  } else {
    std::sort(pairs.begin(), pairs.end());
  }
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i;
    uint64_t distinct_docs = 0;
    uint32_t last_doc = UINT32_MAX;
    while (j < pairs.size() && pairs[j].first == pairs[i].first) {
      if (pairs[j].second != last_doc) ++distinct_docs;
      last_doc = pairs[j].second;
      ++j;
    }
    Bucket b;
    b.ikey = pairs[i].first;
    b.dkey = t == FieldType::kDouble ? BitsDouble(pairs[i].first) : static_cast<double>(pairs[i].first);
    b.count = distinct_docs;
    out->push_back(std::move(b));
    i = j;
  }
  if (min_doc_count == 0) {
    // Every value of the field, even outside the docs.
    std::unordered_set<int64_t> seen;
    for (const Bucket& b : *out) seen.insert(b.ikey);
    for (const auto& seg : ctx.snap.segments) {
      const NumericColumn* col = seg->numeric(field.info->id);
      if (col == nullptr) continue;
      for (uint32_t local : col->sorted) {
        int64_t v = col->values[local];
        if (seen.insert(v).second) {
          Bucket b;
          b.ikey = v;
          b.dkey = t == FieldType::kDouble ? BitsDouble(v) : static_cast<double>(v);
          out->push_back(std::move(b));
        }
      }
    }
  }
  return Status::Ok();
}

Roaring TermsAgg::BucketDocs(const Bucket& b, const Roaring& docs, AggContext& ctx) const {
  if (b.missing) {
    Roaring m;
    MissingCount(docs, ctx, &m);
    return m;
  }
  Roaring r;
  if (field.info == nullptr) return r;
  for (size_t si = 0; si < ctx.snap.segments.size(); ++si) {
    const Segment& seg = *ctx.snap.segments[si];
    if (field.info->type == FieldType::kKeyword) {
      if (si >= b.seg_ords.size() || b.seg_ords[si] == kNoOrd) continue;
      const KeywordColumn* col = seg.keyword(field.info->id);
      if (col != nullptr) col->postings.AddTo(b.seg_ords[si], &r);
    } else if (const NumericColumn* col = seg.numeric(field.info->id)) {
      std::vector<uint32_t> ds;
      bool dbl = field.info->type == FieldType::kDouble;
      auto less = [&](uint32_t local, int64_t v) {
        return dbl ? BitsDouble(col->values[local]) < BitsDouble(v) : col->values[local] < v;
      };
      auto it = std::lower_bound(col->sorted.begin(), col->sorted.end(), b.ikey, less);
      for (; it != col->sorted.end() && col->values[*it] == b.ikey; ++it) ds.push_back(seg.base() + *it);
      for (const auto& [local, v] : col->extra) {
        if (v == b.ikey) ds.push_back(seg.base() + local);
      }
      std::sort(ds.begin(), ds.end());
      r.addMany(ds.size(), ds.data());
    }
  }
  r &= docs;
  return r;
}

void TermsAgg::WriteKey(const Bucket& b, JsonOut& out) const {
  FieldType t = type();
  out.Key("key");
  if (field.info == nullptr || t == FieldType::kKeyword) {
    out.String(b.skey);
    return;
  }
  if (t == FieldType::kDouble) {
    out.Double(b.dkey);
    return;
  }
  out.Int(b.ikey);
  if (t == FieldType::kDate) {
    out.Key("key_as_string");
    out.String(formatter ? formatter->Format(b.ikey) : dates::FormatMillis(b.ikey));
  } else if (t == FieldType::kBoolean) {
    out.Key("key_as_string");
    out.String(b.ikey ? "true" : "false");
  }
}

Status TermsAgg::WriteBody(const Roaring& docs, AggContext& ctx, JsonOut& out) const {
  std::vector<Bucket> candidates;
  bool numeric = field.info != nullptr && IsNumericType(field.info->type);
  Status s = numeric ? NumericBuckets(docs, ctx, &candidates) : KeywordBuckets(docs, ctx, &candidates);
  if (!s.ok()) return s;
  if (missing) {
    uint64_t mc = MissingCount(docs, ctx, nullptr);
    if (mc > 0) {
      Bucket m;
      m.missing = true;
      m.count = mc;
      if (numeric) {
        FieldType t = field.info->type;
        if (t == FieldType::kDate) {
          auto ms = dates::ParseQueryDate(missing->text, {}, dates::Rounding::kFloor, now_ms);
          if (!ms.ok()) return ShardError("parse_exception", ms.status().message());
          m.ikey = *ms;
        } else if (t == FieldType::kDouble) {
          m.dkey = std::atof(missing->text.c_str());
          std::memcpy(&m.ikey, &m.dkey, sizeof m.ikey);
        } else {
          m.ikey = missing->text == "true" ? 1 : std::strtoll(missing->text.c_str(), nullptr, 10);
          m.dkey = static_cast<double>(m.ikey);
        }
      } else {
        m.skey = missing->AsTermText();
      }
      // The missing value may be a real term too: one bucket then.
      bool merged = false;
      for (Bucket& b : candidates) {
        if ((!numeric && b.skey == m.skey) || (numeric && b.ikey == m.ikey)) {
          b.count += mc;
          merged = true;
          break;
        }
      }
      if (!merged) candidates.push_back(std::move(m));
    }
  }
  // include/exclude and min_doc_count.
  std::vector<Bucket> kept;
  kept.reserve(candidates.size());
  for (Bucket& b : candidates) {
    if (static_cast<int64_t>(b.count) < min_doc_count) continue;
    if (!Keep(b)) continue;
    kept.push_back(std::move(b));
  }
  // Order values for path orders.
  bool has_path = false;
  for (const BucketOrder& o : order) has_path |= o.kind == BucketOrder::Kind::kPath;
  std::vector<std::vector<double>> path_values;
  if (has_path) {
    path_values.resize(kept.size());
    for (size_t i = 0; i < kept.size(); ++i) {
      if (ctx.deadline.Expired()) return TimeBudgetError(ctx.deadline);
      Roaring bd = BucketDocs(kept[i], docs, ctx);
      for (const BucketOrder& o : order) {
        if (o.kind != BucketOrder::Kind::kPath) continue;
        auto v = PathValue(o, *this, bd, ctx);
        if (!v.ok()) return v.status();
        path_values[i].push_back(*v);
      }
    }
  }
  bool numeric_key = numeric;
  FieldType t = type();
  auto key_cmp = [&](const Bucket& a, const Bucket& b) {
    if (!numeric_key) return a.skey < b.skey ? -1 : (a.skey > b.skey ? 1 : 0);
    if (t == FieldType::kDouble) return CompareDouble(a.dkey, b.dkey);
    return a.ikey < b.ikey ? -1 : (a.ikey > b.ikey ? 1 : 0);
  };
  bool ends_with_key = !order.empty() && order.back().kind == BucketOrder::Kind::kKey;
  std::vector<size_t> idx(kept.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](size_t x, size_t y) {
    const Bucket& a = kept[x];
    const Bucket& b = kept[y];
    size_t p = 0;
    for (const BucketOrder& o : order) {
      int c = 0;
      switch (o.kind) {
        case BucketOrder::Kind::kCount: c = a.count < b.count ? -1 : (a.count > b.count ? 1 : 0); break;
        case BucketOrder::Kind::kKey: c = key_cmp(a, b); break;
        case BucketOrder::Kind::kPath:
          c = CompareDouble(path_values[x][p], path_values[y][p]);
          ++p;
          break;
      }
      if (c != 0) return o.asc ? c < 0 : c > 0;
    }
    if (!ends_with_key) {
      int c = key_cmp(a, b);
      if (c != 0) return c < 0;
    }
    return x < y;
  });
  size_t shown = std::min<size_t>(idx.size(), static_cast<size_t>(size));
  uint64_t other = 0;
  for (size_t i = shown; i < idx.size(); ++i) other += kept[idx[i]].count;
  s = ctx.AddBuckets(shown);
  if (!s.ok()) return s;
  out.Key("doc_count_error_upper_bound");
  out.Int(0);
  out.Key("sum_other_doc_count");
  out.Int(static_cast<int64_t>(other));
  out.Key("buckets");
  out.BeginArray();
  for (size_t i = 0; i < shown; ++i) {
    const Bucket& b = kept[idx[i]];
    out.BeginObject();
    WriteKey(b, out);
    out.Key("doc_count");
    out.Int(static_cast<int64_t>(b.count));
    if (show_error) {
      out.Key("doc_count_error_upper_bound");
      out.Int(0);
    }
    if (!subs.empty()) {
      Roaring bd = BucketDocs(b, docs, ctx);
      s = WriteSubs(bd, ctx, out);
      if (!s.ok()) return s;
    }
    out.EndObject();
  }
  out.EndArray();
  return Status::Ok();
}

Status ParseIncludeExclude(const json::Value& v, bool include, bool numeric, const std::string& name, Filter* f) {
  if (v.is_string()) {
    if (numeric) {
      return ShardError("aggregation_execution_exception",
                        "Aggregation [" + name + "] cannot support regular expression style include/exclude "
                        "settings as they can only be applied to string fields. Use an array of numeric values "
                        "for include/exclude clauses used to filter numeric fields");
    }
    auto m = TermMatcher::Regexp(v.text());
    if (!m.ok()) return ShardError("illegal_argument_exception", m.status().message());
    (include ? f->include_re : f->exclude_re) = std::make_shared<TermMatcher>(std::move(m).value());
    return Status::Ok();
  }
  if (v.is_array()) {
    std::unordered_set<std::string> set;
    for (const auto& item : v.items()) {
      if (item.is_string()) {
        set.insert(item.text());
      } else if (item.is_number()) {
        set.insert(item.is_integer_literal() ? item.text() : json::PythonFloatRepr(item.as_double()));
      } else if (item.is_bool()) {
        set.insert(item.as_bool() ? "1" : "0");
      }
    }
    if (include) {
      f->include_set = std::move(set);
    } else {
      f->exclude_set = std::move(set);
    }
    return Status::Ok();
  }
  if (v.is_object() && include) {
    const json::Value* p = v.find("partition");
    const json::Value* n = v.find("num_partitions");
    if (p == nullptr || n == nullptr || !p->as_int64() || !n->as_int64() || *n->as_int64() <= 0 ||
        *p->as_int64() < 0 || *p->as_int64() >= *n->as_int64()) {
      return ParsingError("[include] partitions need [partition] and a positive [num_partitions]");
    }
    f->partition = *p->as_int64();
    f->num_partitions = *n->as_int64();
    return Status::Ok();
  }
  return ParsingError(std::string("[") + (include ? "include" : "exclude") + "] must be a string, an array or an object");
}

}  // namespace

Result<std::unique_ptr<Aggregation>> NewTerms(const std::string& name, const json::Value& p, ParseEnv& env) {
  auto f = ResolveField(p, env, name);
  if (!f.ok()) return f.status();
  auto a = std::make_unique<TermsAgg>();
  a->field = *f;
  a->now_ms = env.now_ms;
  bool numeric = f->info != nullptr && IsNumericType(f->info->type);
  for (const auto& [k, v] : p.members()) {
    if (k == "size") {
      auto sz = v.is_string() ? std::optional<int64_t>(std::strtoll(v.text().c_str(), nullptr, 10)) : v.as_int64();
      if (!sz) return ParsingError("[terms] failed to parse field [size]");
      if (*sz <= 0) {
        return IllegalArgument("[size] must be greater than 0. Found [" + std::to_string(*sz) + "] in [" + name + "]");
      }
      a->size = *sz;
    } else if (k == "min_doc_count") {
      auto m = v.as_int64();
      if (!m || *m < 0) {
        return IllegalArgument("[min_doc_count] must be greater than or equal to 0. Found [" + json::Write(v) +
                               "] in [" + name + "]");
      }
      a->min_doc_count = *m;
    } else if (k == "order") {
      auto o = ParseOrder(v);
      if (!o.ok()) return o.status();
      a->order = std::move(o).value();
    } else if (k == "include" || k == "exclude") {
      Status s = ParseIncludeExclude(v, k == "include", numeric, name, &a->filter);
      if (!s.ok()) return s;
    } else if (k == "missing") {
      if (!v.is_null()) {
        auto fv = FieldValue::FromJson(v);
        if (!fv.ok()) return ParsingError("[missing] must be a value in [" + name + "]");
        a->missing = *fv;
      }
    } else if (k == "show_term_doc_count_error") {
      a->show_error = BoolParam(p, "show_term_doc_count_error", false);
    } else if (k == "format") {
      auto fmt = DateFormatter::Create(v.is_string() ? v.text() : "", "");
      if (!fmt.ok()) return fmt.status();
      a->formatter = *fmt;
    } else if (k == "field" || k == "shard_size" || k == "execution_hint" || k == "collect_mode" ||
               k == "shard_min_doc_count" || k == "value_type") {
      // accepted
    } else {
      return ParsingError("Unknown key for a " + std::string(v.is_object() ? "START_OBJECT" : "VALUE") + " in [" +
                          name + "]: [" + k + "].");
    }
  }
  if (a->order.empty()) {
    BucketOrder o;
    o.kind = BucketOrder::Kind::kCount;
    o.asc = false;
    a->order.push_back(o);
  }
  return std::unique_ptr<Aggregation>(std::move(a));
}

}  // namespace buildhub::search::agg
