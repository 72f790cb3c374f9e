// Segment: an immutable index of a contiguous run of documents (global doc
// numbers [base, base + size), in store-id order). The engine's index is a
// list of segments: one large one from the initial load and small ones added
// as builds arrive, merged now and then (see index.h).
//
// Per field, a segment holds what the field's type needs:
//   keyword  sorted term dictionary, per-doc ordinal column, postings
//   numeric  (long, float, date, boolean) per-doc int64 column (doubles
//            bit-cast), the docs with a value, docs sorted by value
//   text     the analysed tokens with their postings; the whole value lives
//            in the `.keyword` sub-field's column (or, above ignore_above, in
//            a small side dictionary)
// plus the pieces that give back each stored document byte for byte: its
// shape (shared by most documents) and, for values the columns cannot
// reproduce exactly (dates, floats, odd escapes), a pool of raw JSON values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "roaring/roaring.hh"
#include "search/mapping.h"
#include "search/postings.h"
#include "search/term_dict.h"

namespace buildhub::search {

constexpr uint32_t kNoOrd = UINT32_MAX;

struct KeywordColumn {
  TermDict dict;               // sorted: ordinal order is byte order
  std::vector<uint32_t> ords;  // per local doc; kNoOrd when the doc has none
  // Further values of multi-valued docs, (local doc, ordinal), sorted.
  std::vector<std::pair<uint32_t, uint32_t>> extra;
  Postings postings;
  Roaring present;  // global docs with at least one value
};

struct NumericColumn {
  std::vector<int64_t> values;  // per local doc; doubles bit-cast
  std::vector<std::pair<uint32_t, int64_t>> extra;
  Roaring present;
  std::vector<uint32_t> sorted;  // local docs with a value, by (value, doc)
};

struct TextColumn {
  uint32_t keyword_field = kNoField;  // short values: that keyword column
  TermDict long_values;               // values above ignore_above, sorted
  std::vector<std::pair<uint32_t, uint32_t>> long_docs;  // (local doc, long ord), by doc
  TermDict tokens;                    // sorted
  Postings token_postings;
  Roaring present;                    // docs with at least one token
  // Token ordinals of each value in text order: short values by their
  // keyword ordinal, long values by long ordinal (CSR).
  std::vector<uint32_t> short_token_offsets, short_tokens;
  std::vector<uint32_t> long_token_offsets, long_tokens;
};

// Raw JSON of values the columns cannot reproduce (arrival order).
struct RawPool {
  TermDict values;
  std::vector<uint32_t> ords;  // per local doc; kNoOrd: reproduce from the column
};

struct FieldColumns {
  FieldType type = FieldType::kObject;
  std::unique_ptr<KeywordColumn> keyword;
  std::unique_ptr<NumericColumn> numeric;
  std::unique_ptr<TextColumn> text;
  std::unique_ptr<RawPool> raw;
};

class Segment {
 public:
  uint32_t base() const { return base_; }
  uint32_t size() const { return static_cast<uint32_t>(store_ids_.size()); }
  uint32_t end() const { return base_ + size(); }
  bool Contains(uint32_t doc) const { return doc >= base_ && doc < end(); }

  int64_t store_id(uint32_t local) const { return store_ids_[local]; }
  // Local doc number of a store id, or kNoOrd.
  uint32_t FindStoreId(int64_t id) const;

  size_t field_count() const { return fields_.size(); }
  const KeywordColumn* keyword(uint32_t field) const {
    return field < fields_.size() ? fields_[field].keyword.get() : nullptr;
  }
  const NumericColumn* numeric(uint32_t field) const {
    return field < fields_.size() ? fields_[field].numeric.get() : nullptr;
  }
  const TextColumn* text(uint32_t field) const {
    return field < fields_.size() ? fields_[field].text.get() : nullptr;
  }

  // The whole text of a text field's value in doc `local`, if any.
  bool TextValue(uint32_t field, uint32_t local, std::string_view* out) const;
  // Token ordinals (into text(field)->tokens) of that value, in order.
  std::vector<uint32_t> TextTokens(uint32_t field, uint32_t local) const;

  // Appends the stored document, byte for byte.
  void AppendOriginal(uint32_t local, std::string* out) const;
  // Appends the `_source` ES would hold: {"id": <store id>, ...members}.
  void AppendSource(uint32_t local, std::string* out) const;

  size_t MemoryBytes() const;

 private:
  friend class SegmentBuilder;

  void AppendValue(uint32_t field, uint32_t local, std::string* out) const;

  uint32_t base_ = 0;
  std::vector<int64_t> store_ids_;
  bool ids_ascending_ = true;
  std::vector<FieldColumns> fields_;    // by field id
  std::vector<std::string> shapes_;
  std::vector<uint32_t> doc_shape_;     // per local doc; kNoOrd: kept verbatim
  std::unordered_map<uint32_t, std::string> verbatim_;  // local doc -> stored bytes
  Roaring rewrite_;   // local docs whose _source needs a rewrite
  Roaring invalid_;   // local docs that are not JSON objects
};

}  // namespace buildhub::search
