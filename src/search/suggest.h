// Suggesters: accepted and answered in ES's shape with no options (Buildhub
// has no suggestion index; the web page only uses them for "did you mean").
// term: one entry per analysed token with its offset and length (UTF-16
// units, as Java counts); phrase: one entry for the whole text.
#pragma once

#include <vector>

#include "search/json_out.h"
#include "search/mapping.h"
#include "search/request.h"

namespace buildhub::search {

void WriteSuggest(const std::vector<SuggestSpec>& suggest, const Mapping& mapping, JsonOut& out);

}  // namespace buildhub::search
