#include "search/suggest.h"

#include "search/analyzer.h"
#include "search/segment_builder.h"

namespace buildhub::search {
namespace {

void Entry(std::string_view text, size_t offset, size_t length, JsonOut& out) {
  out.BeginObject();
  out.Key("text");
  out.String(text);
  out.Key("offset");
  out.Int(static_cast<int64_t>(offset));
  out.Key("length");
  out.Int(static_cast<int64_t>(length));
  out.Key("options");
  out.BeginArray();
  out.EndArray();
  out.EndObject();
}

}  // namespace

void WriteSuggest(const std::vector<SuggestSpec>& suggest, const Mapping& mapping, JsonOut& out) {
  out.Key("suggest");
  out.BeginObject();
  for (const SuggestSpec& s : suggest) {
    out.Key(s.name);
    out.BeginArray();
    const FieldInfo* f = mapping.Find(s.field);
    bool keyword = f != nullptr && f->type == FieldType::kKeyword;
    if (s.type == "phrase" || keyword) {
      Entry(s.text, 0, Utf16Length(s.text), out);
    } else {
      // Find each token in the lower-cased text to report its offset.
      std::string lower = LowerCase(s.text);
      bool aligned = lower.size() == s.text.size();
      size_t pos = 0;
      for (const std::string& t : StandardAnalyze(s.text)) {
        size_t at = aligned ? lower.find(t, pos) : std::string::npos;
        if (at == std::string::npos) {
          Entry(t, 0, Utf16Length(t), out);
          continue;
        }
        Entry(t, Utf16Length(std::string_view(s.text).substr(0, at)), Utf16Length(t), out);
        pos = at + t.size();
      }
    }
    out.EndArray();
  }
  out.EndObject();
}

}  // namespace buildhub::search
