// Highlighting: for each requested field of a hit, the values that the
// query's terms match, with the matching part wrapped in tags (<em> by
// default). Keyword values are wrapped whole; text values have each
// matching token wrapped and come back as one fragment. As ES does by
// default (require_field_match), only query clauses on the same field count;
// must_not clauses never highlight.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "search/json_out.h"
#include "search/query.h"
#include "search/query_parser.h"
#include "search/snapshot.h"

namespace buildhub::search {

struct HighlightField {
  std::string name;  // may be a `*` pattern
  std::vector<std::string> pre_tags, post_tags;
  bool html = false;
  std::shared_ptr<Query> query;  // highlight_query; null: the search query
  bool require_field_match = true;
  int number_of_fragments = 5;
};

struct HighlightSpec {
  std::vector<HighlightField> fields;
};

// `highlight` in ES form. Needs the parser for highlight_query.
Result<HighlightSpec> ParseHighlight(const json::Value& v, QueryParser& parser);

class Highlighter {
 public:
  // `query` may be null (match_all): nothing highlights.
  Highlighter(const HighlightSpec& spec, const Query* query, const Snapshot& snap);

  // Writes "highlight": {...} for the hit if any field has fragments.
  void Write(uint32_t doc, JsonOut& out) const;

 private:
  struct Leaf {
    const Query* q;
  };
  struct Field {
    const HighlightField* spec;
    std::vector<uint32_t> ids;  // concrete fields for the name/pattern
    std::vector<const Query*> leaves;
  };

  bool Fragments(const Field& f, uint32_t field, uint32_t doc, std::vector<std::string>* out) const;

  const Snapshot& snap_;
  std::vector<Field> fields_;
};

}  // namespace buildhub::search
