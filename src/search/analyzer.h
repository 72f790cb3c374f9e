// The standard analyzer of Elasticsearch 6.7 as the dynamic `build.*` text
// fields use it: Unicode word-break tokenisation (UAX #29: "x86_64" and
// "vs2017_15.8.4" stay one token, "clang-cl" splits, "ml64.exe" splits into
// "ml64" and "exe", "cl.exe" stays one), lower-casing, no stop words, tokens
// longer than 255 characters split at 255.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace buildhub::search {

// Appends the tokens of `text` to *out, in order (duplicates kept).
void StandardAnalyze(std::string_view text, std::vector<std::string>* out);

inline std::vector<std::string> StandardAnalyze(std::string_view text) {
  std::vector<std::string> out;
  StandardAnalyze(text, &out);
  return out;
}

// Lower-cases UTF-8 text the way Lucene's LowerCaseFilter does (per code point).
std::string LowerCase(std::string_view text);

}  // namespace buildhub::search
