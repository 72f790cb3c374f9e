#include "search/hit_writer.h"

#include <cstring>

#include "core/json.h"

namespace buildhub::search {
namespace {

void WriteDocValues(const Snapshot& snap, uint32_t doc, const std::vector<std::string>& names, JsonOut& out) {
  const Segment& seg = snap.SegmentOf(doc);
  uint32_t local = doc - seg.base();
  bool opened = false;
  for (const std::string& name : names) {
    const FieldInfo* info = snap.mapping->Find(name);
    if (info == nullptr) continue;
    std::vector<std::string> raw_values;
    JsonOut* o = &out;
    auto open = [&] {
      if (!opened) {
        o->Key("fields");
        o->BeginObject();
        opened = true;
      }
      o->Key(name);
      o->BeginArray();
    };
    if (info->type == FieldType::kKeyword) {
      const KeywordColumn* col = seg.keyword(info->id);
      if (col == nullptr || col->ords[local] == kNoOrd) continue;
      open();
      out.String(col->dict.term(col->ords[local]));
      for (const auto& [d, ord] : col->extra) {
        if (d == local) out.String(col->dict.term(ord));
      }
      out.EndArray();
    } else if (IsNumericType(info->type)) {
      const NumericColumn* col = seg.numeric(info->id);
      if (col == nullptr || !col->present.contains(doc)) continue;
      open();
      auto emit = [&](int64_t v) {
        if (info->type == FieldType::kDouble) {
          double d;
          std::memcpy(&d, &v, sizeof d);
          out.Double(d);
        } else if (info->type == FieldType::kBoolean) {
          out.Bool(v != 0);
        } else {
          out.Int(v);
        }
      };
      emit(col->values[local]);
      for (const auto& [d, v] : col->extra) {
        if (d == local) emit(v);
      }
      out.EndArray();
    }
  }
  if (opened) out.EndObject();
}

}  // namespace

void WriteHit(const Snapshot& snap, const Hit& hit, const HitOptions& o, JsonOut& out) {
  const Segment& seg = snap.SegmentOf(hit.doc);
  uint32_t local = hit.doc - seg.base();
  out.BeginObject();
  if (o.explain) {
    out.Key("_shard");
    out.String("[buildhub2][0]");
    out.Key("_node");
    out.String("buildhub");
  }
  out.Key("_index");
  out.String("buildhub2");
  out.Key("_type");
  out.String("doc");
  out.Key("_id");
  out.String(std::to_string(seg.store_id(local)));
  if (o.version) {
    out.Key("_version");
    out.Int(1);
  }
  out.Key("_score");
  if (o.scored) {
    out.Score(hit.score);
  } else {
    out.Null();
  }
  if (o.source == nullptr || o.source->fetch) {
    std::string source;
    seg.AppendSource(local, &source);
    out.Key("_source");
    if (o.source != nullptr && o.source->Filters()) {
      auto parsed = json::Parse(source);
      if (parsed.ok()) {
        out.Raw(json::Write(FilterSource(*parsed, *o.source)));
      } else {
        out.Raw(source);
      }
    } else {
      out.Raw(source);
    }
  }
  if (o.docvalue_fields != nullptr && !o.docvalue_fields->empty()) {
    WriteDocValues(snap, hit.doc, *o.docvalue_fields, out);
  }
  if (o.highlighter != nullptr) o.highlighter->Write(hit.doc, out);
  if (o.sort != nullptr && !o.sort->empty()) {
    out.Key("sort");
    WriteSortValues(snap, hit, *o.sort, out);
  }
  if (o.explain) {
    out.Key("_explanation");
    out.BeginObject();
    out.Key("value");
    out.Score(o.scored ? hit.score : 1.0f);
    out.Key("description");
    out.String("buildhub score: the sum of the boosts of the matching scoring clauses");
    out.Key("details");
    out.BeginArray();
    out.EndArray();
    out.EndObject();
  }
  out.EndObject();
}

}  // namespace buildhub::search
