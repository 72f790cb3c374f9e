#include "search/analysis.h"

#include "core/utf8.h"
#include "search/analyzer.h"
#include "search/search_error.h"

namespace buildhub::search {
namespace {

constexpr std::string_view kStopWords[] = {
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with"};

bool IsLetter(uint32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  return cp >= 0xC0;  // approximately Character.isLetter beyond ASCII
}

// LetterTokenizer + LowerCaseFilter.
std::vector<std::string> Simple(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    uint32_t cp = utf8::DecodeNext(text, &i);
    if (IsLetter(cp)) {
      cur.append(text.substr(start, i - start));
    } else if (!cur.empty()) {
      out.push_back(LowerCase(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(LowerCase(cur));
  return out;
}

std::vector<std::string> Whitespace(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace

Result<AnalyzerKind> ParseAnalyzer(std::string_view name) {
  if (name == "standard" || name == "default" || name == "default_search") return AnalyzerKind::kStandard;
  if (name == "simple") return AnalyzerKind::kSimple;
  if (name == "whitespace") return AnalyzerKind::kWhitespace;
  if (name == "keyword") return AnalyzerKind::kKeyword;
  if (name == "stop") return AnalyzerKind::kStop;
  return ShardError("illegal_argument_exception", "No analyzer found for [" + std::string(name) + "]");
}

std::vector<std::string> AnalyzeQueryText(AnalyzerKind analyzer, FieldType field_type,
                                          std::string_view text) {
  if (analyzer == AnalyzerKind::kFieldDefault) {
    analyzer = field_type == FieldType::kText ? AnalyzerKind::kStandard : AnalyzerKind::kKeyword;
  }
  switch (analyzer) {
    case AnalyzerKind::kStandard: return StandardAnalyze(text);
    case AnalyzerKind::kSimple: return Simple(text);
    case AnalyzerKind::kWhitespace: return Whitespace(text);
    case AnalyzerKind::kStop: {
      std::vector<std::string> out;
      for (std::string& t : Simple(text)) {
        bool stop = false;
        for (std::string_view s : kStopWords) stop |= (t == s);
        if (!stop) out.push_back(std::move(t));
      }
      return out;
    }
    case AnalyzerKind::kKeyword:
    case AnalyzerKind::kFieldDefault:
      break;
  }
  return {std::string(text)};
}

std::string NormalizeForAnalyzer(AnalyzerKind analyzer, FieldType field_type, std::string_view text) {
  if (analyzer == AnalyzerKind::kFieldDefault) {
    analyzer = field_type == FieldType::kText ? AnalyzerKind::kStandard : AnalyzerKind::kKeyword;
  }
  switch (analyzer) {
    case AnalyzerKind::kStandard:
    case AnalyzerKind::kSimple:
    case AnalyzerKind::kStop:
      return LowerCase(text);
    default:
      return std::string(text);
  }
}

}  // namespace buildhub::search
