// The analyzers a query may name ("analyzer": ...) and how a field analyses
// query text by default: text fields with the standard analyzer, keyword
// fields as one whole term.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "search/mapping.h"

namespace buildhub::search {

enum class AnalyzerKind { kFieldDefault, kStandard, kSimple, kWhitespace, kKeyword, kStop };

// ES's built-in analyzer names we support; anything else is
// "No analyzer found for [x]".
Result<AnalyzerKind> ParseAnalyzer(std::string_view name);

// Tokens of `text` as `field_type` + `analyzer` would produce them.
std::vector<std::string> AnalyzeQueryText(AnalyzerKind analyzer, FieldType field_type,
                                          std::string_view text);

// What analyze_wildcard's normalisation does to the pieces of a
// prefix/wildcard term: lower-case for the standard-family analyzers.
std::string NormalizeForAnalyzer(AnalyzerKind analyzer, FieldType field_type, std::string_view text);

}  // namespace buildhub::search
