#include "search/segment.h"

#include <algorithm>
#include <charconv>

#include "core/json.h"
#include "search/doc_scanner.h"

namespace buildhub::search {
namespace {

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

bool IsEmptyValue(const json::Value& v) {
  return v.is_null() || ((v.is_object() || v.is_array()) && v.size() == 0);
}

// elasticsearch-dsl's to_dict(skip_empty=True) on the document and its
// object fields: null, {} and [] members are left out.
void WriteWithoutEmpties(const json::Value& v, int depth, std::string* out) {
  if (!v.is_object() || depth > 1) {
    json::WriteTo(v, out);
    return;
  }
  out->push_back('{');
  bool first = true;
  for (const auto& [k, m] : v.members()) {
    if (IsEmptyValue(m)) continue;
    if (!first) out->push_back(',');
    first = false;
    json::WriteString(k, out);
    out->push_back(':');
    WriteWithoutEmpties(m, depth + 1, out);
  }
  out->push_back('}');
}

template <typename Pairs>
auto FindByDoc(const Pairs& pairs, uint32_t local) {
  return std::lower_bound(pairs.begin(), pairs.end(), local,
                          [](const auto& p, uint32_t d) { return p.first < d; });
}

}  // namespace

uint32_t Segment::FindStoreId(int64_t id) const {
  if (ids_ascending_) {
    auto it = std::lower_bound(store_ids_.begin(), store_ids_.end(), id);
    if (it != store_ids_.end() && *it == id) return static_cast<uint32_t>(it - store_ids_.begin());
    return kNoOrd;
  }
  for (size_t i = 0; i < store_ids_.size(); ++i) {
    if (store_ids_[i] == id) return static_cast<uint32_t>(i);
  }
  return kNoOrd;
}

bool Segment::TextValue(uint32_t field, uint32_t local, std::string_view* out) const {
  const TextColumn* t = text(field);
  if (t == nullptr) return false;
  if (const KeywordColumn* k = keyword(t->keyword_field)) {
    uint32_t ord = k->ords[local];
    if (ord != kNoOrd) {
      *out = k->dict.term(ord);
      return true;
    }
  }
  auto it = FindByDoc(t->long_docs, local);
  if (it != t->long_docs.end() && it->first == local) {
    *out = t->long_values.term(it->second);
    return true;
  }
  return false;
}

std::vector<uint32_t> Segment::TextTokens(uint32_t field, uint32_t local) const {
  std::vector<uint32_t> out;
  const TextColumn* t = text(field);
  if (t == nullptr) return out;
  if (const KeywordColumn* k = keyword(t->keyword_field)) {
    uint32_t ord = k->ords[local];
    if (ord != kNoOrd && ord + 1 < t->short_token_offsets.size()) {
      out.assign(t->short_tokens.begin() + t->short_token_offsets[ord],
                 t->short_tokens.begin() + t->short_token_offsets[ord + 1]);
      return out;
    }
  }
  auto it = FindByDoc(t->long_docs, local);
  if (it != t->long_docs.end() && it->first == local) {
    uint32_t ord = it->second;
    out.assign(t->long_tokens.begin() + t->long_token_offsets[ord],
               t->long_tokens.begin() + t->long_token_offsets[ord + 1]);
  }
  return out;
}

void Segment::AppendValue(uint32_t field, uint32_t local, std::string* out) const {
  const FieldColumns& fc = fields_[field];
  if (fc.raw != nullptr && local < fc.raw->ords.size() && fc.raw->ords[local] != kNoOrd) {
    out->append(fc.raw->values.term(fc.raw->ords[local]));
    return;
  }
  switch (fc.type) {
    case FieldType::kKeyword:
      json::WriteString(fc.keyword->dict.term(fc.keyword->ords[local]), out);
      return;
    case FieldType::kText: {
      std::string_view v;
      if (TextValue(field, local, &v)) json::WriteString(v, out);
      return;
    }
    case FieldType::kLong:
      AppendInt(fc.numeric->values[local], out);
      return;
    case FieldType::kBoolean:
      out->append(fc.numeric->values[local] ? "true" : "false");
      return;
    default:
      return;  // dates and floats always come from the raw pool
  }
}

void Segment::AppendOriginal(uint32_t local, std::string* out) const {
  uint32_t shape = doc_shape_[local];
  if (shape == kNoOrd) {
    auto it = verbatim_.find(local);
    if (it != verbatim_.end()) out->append(it->second);
    return;
  }
  const std::string& s = shapes_[shape];
  size_t i = 0;
  while (i < s.size()) {
    size_t slot = s.find(kSlotByte, i);
    if (slot == std::string::npos) {
      out->append(s, i, std::string::npos);
      break;
    }
    out->append(s, i, slot - i);
    uint32_t field = static_cast<uint8_t>(s[slot + 1]) | (static_cast<uint32_t>(static_cast<uint8_t>(s[slot + 2])) << 8);
    AppendValue(field, local, out);
    i = slot + 3;
  }
}

void Segment::AppendSource(uint32_t local, std::string* out) const {
  int64_t id = store_ids_[local];
  if (invalid_.contains(local)) {
    out->append("{\"id\":");
    AppendInt(id, out);
    out->push_back('}');
    return;
  }
  std::string original;
  AppendOriginal(local, &original);
  if (rewrite_.contains(local)) {
    auto parsed = json::Parse(original);
    out->append("{\"id\":");
    AppendInt(id, out);
    if (parsed.ok() && parsed->is_object()) {
      for (const auto& [k, m] : parsed->members()) {
        if (k == "id" || IsEmptyValue(m)) continue;
        out->push_back(',');
        json::WriteString(k, out);
        out->push_back(':');
        WriteWithoutEmpties(m, 1, out);
      }
    }
    out->push_back('}');
    return;
  }
  size_t brace = original.find('{');
  size_t k = brace + 1;
  while (k < original.size() && (original[k] == ' ' || original[k] == '\t' || original[k] == '\n' || original[k] == '\r')) ++k;
  out->append("{\"id\":");
  AppendInt(id, out);
  if (k >= original.size() || original[k] == '}') {
    out->push_back('}');
  } else {
    out->push_back(',');
    out->append(original, brace + 1, std::string::npos);
  }
}

size_t Segment::MemoryBytes() const {
  size_t n = store_ids_.capacity() * 8 + doc_shape_.capacity() * 4;
  for (const auto& s : shapes_) n += s.capacity();
  for (const auto& [d, s] : verbatim_) n += s.capacity() + 32;
  for (const FieldColumns& f : fields_) {
    if (f.keyword) {
      n += f.keyword->dict.MemoryBytes() + f.keyword->ords.capacity() * 4 +
           f.keyword->postings.MemoryBytes() + f.keyword->present.getSizeInBytes(false) +
           f.keyword->extra.capacity() * 8;
    }
    if (f.numeric) {
      n += f.numeric->values.capacity() * 8 + f.numeric->sorted.capacity() * 4 +
           f.numeric->present.getSizeInBytes(false) + f.numeric->extra.capacity() * 16;
    }
    if (f.text) {
      n += f.text->tokens.MemoryBytes() + f.text->token_postings.MemoryBytes() +
           f.text->long_values.MemoryBytes() + f.text->present.getSizeInBytes(false) +
           (f.text->short_tokens.capacity() + f.text->short_token_offsets.capacity() +
            f.text->long_tokens.capacity() + f.text->long_token_offsets.capacity()) * 4;
    }
    if (f.raw) n += f.raw->values.MemoryBytes() + f.raw->ords.capacity() * 4;
  }
  return n;
}

}  // namespace buildhub::search
