// Elasticsearch's Regex.simpleMatch: `*` matches any sequence (dots
// included); every other character is literal. Used for field-name patterns
// (query_string `fields`, highlight fields, _source filters).
#pragma once

#include <string_view>

namespace buildhub::search {

bool SimpleMatch(std::string_view pattern, std::string_view text);

inline bool IsSimplePattern(std::string_view s) { return s.find('*') != std::string_view::npos; }

}  // namespace buildhub::search
