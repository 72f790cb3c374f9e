#include "search/highlight.h"

#include "core/utf8.h"
#include "search/analyzer.h"
#include "search/search_error.h"
#include "search/simple_match.h"

namespace buildhub::search {
namespace {

void CollectLeaves(const Query& q, std::vector<const Query*>* out) {
  switch (q.kind) {
    case QueryKind::kBool:
    case QueryKind::kDisMax:
      for (const auto& c : q.must) CollectLeaves(*c, out);
      for (const auto& c : q.filter) CollectLeaves(*c, out);
      for (const auto& c : q.should) CollectLeaves(*c, out);
      return;
    case QueryKind::kConstantScore:
    case QueryKind::kWrapper:
    case QueryKind::kBoosting:
      if (q.inner) CollectLeaves(*q.inner, out);
      return;
    case QueryKind::kTerms:
    case QueryKind::kTermRange:
    case QueryKind::kPattern:
    case QueryKind::kFuzzy:
    case QueryKind::kPhrase:
      out->push_back(&q);
      return;
    default:
      return;
  }
}

bool Edits(std::string_view a, std::string_view b, int max) {
  std::vector<uint32_t> x, y;
  for (size_t i = 0; i < a.size();) x.push_back(utf8::DecodeNext(a, &i));
  for (size_t i = 0; i < b.size();) y.push_back(utf8::DecodeNext(b, &i));
  std::vector<int> prev(y.size() + 1), cur(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= x.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= y.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
    }
    prev = cur;
  }
  return prev[y.size()] <= max;
}

// Whether a leaf's terms match one whole term (a keyword value or a token).
bool LeafMatches(const Query& q, std::string_view term) {
  switch (q.kind) {
    case QueryKind::kTerms:
    case QueryKind::kPhrase:
      for (const std::string& t : q.terms) {
        if (t == term) return true;
      }
      if (q.kind == QueryKind::kPhrase && q.last_is_prefix && !q.terms.empty()) {
        return term.substr(0, q.terms.back().size()) == q.terms.back();
      }
      return false;
    case QueryKind::kTermRange:
      if (q.lo && (q.lo_inclusive ? term < *q.lo : term <= *q.lo)) return false;
      if (q.hi && (q.hi_inclusive ? term > *q.hi : term >= *q.hi)) return false;
      return true;
    case QueryKind::kPattern:
      return q.matcher->Matches(term);
    case QueryKind::kFuzzy:
      return !q.terms.empty() && Edits(q.terms[0], term, q.max_edits);
    default:
      return false;
  }
}

void AppendEscaped(std::string_view s, bool html, std::string* out) {
  if (!html) {
    out->append(s);
    return;
  }
  for (char c : s) {
    switch (c) {
      case '&': out->append("&amp;"); break;
      case '<': out->append("&lt;"); break;
      case '>': out->append("&gt;"); break;
      case '"': out->append("&quot;"); break;
      case '\'': out->append("&#x27;"); break;
      case '/': out->append("&#x2F;"); break;
      default: out->push_back(c);
    }
  }
}

std::vector<std::string> Tags(const json::Value* v, const char* fallback) {
  std::vector<std::string> out;
  if (v != nullptr && v->is_array()) {
    for (const auto& t : v->items()) {
      if (t.is_string()) out.push_back(t.text());
    }
  } else if (v != nullptr && v->is_string()) {
    out.push_back(v->text());
  }
  if (out.empty()) out.push_back(fallback);
  return out;
}

}  // namespace

Result<HighlightSpec> ParseHighlight(const json::Value& v, QueryParser& parser) {
  if (!v.is_object()) return ParsingError("[highlight] must be an object");
  const json::Value* fields = v.find("fields");
  if (fields == nullptr) return AppError("highlight requires `fields`");
  HighlightField defaults;
  bool styled = false;
  if (const json::Value* ts = v.find("tags_schema"); ts != nullptr && ts->is_string() && ts->text() == "styled") {
    styled = true;
  }
  defaults.pre_tags = Tags(v.find("pre_tags"), styled ? "<em class=\"hlt1\">" : "<em>");
  defaults.post_tags = Tags(v.find("post_tags"), "</em>");
  if (const json::Value* e = v.find("encoder"); e != nullptr && e->is_string()) defaults.html = e->text() == "html";
  if (const json::Value* r = v.find("require_field_match"); r != nullptr && r->is_bool()) {
    defaults.require_field_match = r->as_bool();
  }
  if (const json::Value* n = v.find("number_of_fragments"); n != nullptr && n->is_number()) {
    defaults.number_of_fragments = static_cast<int>(n->as_int64().value_or(5));
  }
  if (const json::Value* hq = v.find("highlight_query")) {
    auto q = parser.Parse(*hq);
    if (!q.ok()) return q.status();
    defaults.query = std::shared_ptr<Query>(std::move(q).value());
  }
  HighlightSpec spec;
  auto add = [&](const std::string& name, const json::Value& opts) -> Status {
    HighlightField f = defaults;
    f.name = name;
    if (opts.is_object()) {
      if (opts.find("pre_tags")) f.pre_tags = Tags(opts.find("pre_tags"), "<em>");
      if (opts.find("post_tags")) f.post_tags = Tags(opts.find("post_tags"), "</em>");
      if (const json::Value* r = opts.find("require_field_match"); r != nullptr && r->is_bool()) {
        f.require_field_match = r->as_bool();
      }
      if (const json::Value* hq = opts.find("highlight_query")) {
        auto q = parser.Parse(*hq);
        if (!q.ok()) return q.status();
        f.query = std::shared_ptr<Query>(std::move(q).value());
      }
    }
    spec.fields.push_back(std::move(f));
    return Status::Ok();
  };
  if (fields->is_object()) {
    for (const auto& [name, opts] : fields->members()) {
      Status s = add(name, opts);
      if (!s.ok()) return s;
    }
  } else if (fields->is_array()) {
    for (const auto& item : fields->items()) {
      if (!item.is_object()) return ParsingError("[highlight] fields must be objects");
      for (const auto& [name, opts] : item.members()) {
        Status s = add(name, opts);
        if (!s.ok()) return s;
      }
    }
  } else {
    return ParsingError("[highlight] [fields] must be an object or an array");
  }
  return spec;
}

Highlighter::Highlighter(const HighlightSpec& spec, const Query* query, const Snapshot& snap) : snap_(snap) {
  const Mapping& mapping = *snap.mapping;
  for (const HighlightField& hf : spec.fields) {
    Field f;
    f.spec = &hf;
    if (IsSimplePattern(hf.name)) {
      for (uint32_t id : mapping.MatchPattern(hf.name)) {
        FieldType t = mapping.field(id).type;
        if (t == FieldType::kKeyword || t == FieldType::kText) f.ids.push_back(id);
      }
    } else if (const FieldInfo* info = mapping.Find(hf.name)) {
      if (info->type == FieldType::kKeyword || info->type == FieldType::kText) f.ids.push_back(info->id);
    }
    const Query* q = hf.query ? hf.query.get() : query;
    if (q != nullptr) CollectLeaves(*q, &f.leaves);
    fields_.push_back(std::move(f));
  }
}

bool Highlighter::Fragments(const Field& f, uint32_t field, uint32_t doc, std::vector<std::string>* out) const {
  const Segment& seg = snap_.SegmentOf(doc);
  uint32_t local = doc - seg.base();
  const HighlightField& hf = *f.spec;
  const std::string& pre = hf.pre_tags[0];
  const std::string& post = hf.post_tags[0];
  FieldType type = snap_.mapping->field(field).type;
  std::vector<const Query*> leaves;
  for (const Query* q : f.leaves) {
    if (!hf.require_field_match || q->field == field) leaves.push_back(q);
  }
  if (leaves.empty()) return false;
  if (type == FieldType::kKeyword) {
    const KeywordColumn* col = seg.keyword(field);
    if (col == nullptr) return false;
    std::vector<uint32_t> ords;
    if (col->ords[local] != kNoOrd) ords.push_back(col->ords[local]);
    for (const auto& [d, o] : col->extra) {
      if (d == local) ords.push_back(o);
    }
    for (uint32_t o : ords) {
      std::string_view value = col->dict.term(o);
      bool hit = false;
      for (const Query* q : leaves) {
        if (!q->on_tokens && LeafMatches(*q, value)) hit = true;
      }
      if (!hit) continue;
      std::string frag = pre;
      AppendEscaped(value, hf.html, &frag);
      frag += post;
      out->push_back(std::move(frag));
    }
    return !out->empty();
  }
  // Text: wrap each matching token where it occurs in the value.
  std::string_view value;
  if (!seg.TextValue(field, local, &value)) return false;
  std::vector<std::string> tokens = StandardAnalyze(value);
  std::string lower = LowerCase(value);
  bool same_length = lower.size() == value.size();
  std::string frag;
  size_t pos = 0;
  bool any = false;
  for (const std::string& t : tokens) {
    bool hit = false;
    for (const Query* q : leaves) {
      if (q->on_tokens && LeafMatches(*q, t)) hit = true;
    }
    size_t at = same_length ? lower.find(t, pos) : std::string::npos;
    if (at == std::string::npos) continue;
    if (!hit) continue;
    AppendEscaped(value.substr(pos, at - pos), hf.html, &frag);
    frag += pre;
    AppendEscaped(value.substr(at, t.size()), hf.html, &frag);
    frag += post;
    pos = at + t.size();
    any = true;
  }
  if (!any) return false;
  AppendEscaped(value.substr(pos), hf.html, &frag);
  out->push_back(std::move(frag));
  return true;
}

void Highlighter::Write(uint32_t doc, JsonOut& out) const {
  bool opened = false;
  for (const Field& f : fields_) {
    for (uint32_t id : f.ids) {
      std::vector<std::string> frags;
      if (!Fragments(f, id, doc, &frags)) continue;
      if (!opened) {
        out.Key("highlight");
        out.BeginObject();
        opened = true;
      }
      out.Key(snap_.mapping->field(id).path);
      out.BeginArray();
      for (const std::string& s : frags) out.String(s);
      out.EndArray();
    }
  }
  if (opened) out.EndObject();
}

}  // namespace buildhub::search
