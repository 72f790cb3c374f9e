// query_string: a hand-written version of Lucene 7's classic QueryParser
// (QueryParser.jj, with splitOnWhitespace=false as ES 6 uses it) and of ES
// 6.7's QueryStringQueryParser, which decides what each piece means on each
// field. simple_query_string: Lucene's SimpleQueryParser with ES's per-field
// queries.
#include "search/query_string.h"

#include <charconv>
#include <cstdlib>

#include "core/utf8.h"
#include "search/analysis.h"
#include "search/java_number.h"
#include "search/query_parser.h"
#include "search/search_error.h"
#include "search/simple_match.h"

namespace buildhub::search {
namespace {

// ---------------------------------------------------------------- options

struct WeightedField {
  std::string field;
  float boost = 1.0f;
};

struct QsOptions {
  std::vector<WeightedField> fields;  // resolved: concrete field paths
  bool fields_given = false;
  bool all_fields = false;            // default_field "*"
  bool operator_and = false;
  std::string analyzer_name;          // forced analyzer; empty: per field
  AnalyzerKind analyzer = AnalyzerKind::kFieldDefault;
  bool analyze_wildcard = false;
  bool allow_leading_wildcard = true;
  bool lenient = false;
  int phrase_slop = 0;
  std::string fuzziness = "AUTO";
  int fuzzy_prefix_length = 0;
  bool fuzzy_transpositions = true;
  std::string time_zone;
  std::string minimum_should_match;
  bool most_fields = false;           // type most_fields: bool instead of dis_max
  float tie_breaker = 0.0f;
  float boost = 1.0f;
};

std::string TextOf(const json::Value& v) {
  if (v.is_string() || v.is_number()) return v.text();
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  return "";
}

bool BoolOf(const json::Value& v, bool fallback) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_string()) return v.text() == "true" ? true : (v.text() == "false" ? false : fallback);
  return fallback;
}

WeightedField ParseWeighted(std::string s) {
  WeightedField wf;
  size_t caret = s.rfind('^');
  if (caret != std::string::npos) {
    wf.boost = static_cast<float>(std::atof(s.c_str() + caret + 1));
    s.resize(caret);
  }
  wf.field = std::move(s);
  return wf;
}

// Expands field patterns against the mapping; sets lenient for "*".
void ResolveFields(const QueryEnv& env, const std::vector<WeightedField>& in,
                   std::vector<WeightedField>* out) {
  for (const WeightedField& wf : in) {
    if (wf.field == "*" || IsSimplePattern(wf.field)) {
      for (uint32_t id : env.mapping->MatchPattern(wf.field)) {
        out->push_back({env.mapping->field(id).path, wf.boost});
      }
    } else {
      out->push_back(wf);
    }
  }
}

// ---------------------------------------------------------- per-field queries

// ES QueryStringQueryParser: each piece of the query string becomes a query
// per field, combined with dis_max (or a bool for most_fields).
class FieldQueries {
 public:
  FieldQueries(const QueryEnv& env, const QsOptions& o) : env_(env), o_(o) {}

  // The fields a clause targets: the configured ones (field empty), a
  // pattern, or one field.
  std::vector<WeightedField> FieldsFor(const std::string& field) const {
    std::vector<WeightedField> out;
    if (field.empty()) return o_.fields;
    if (field == "*" || IsSimplePattern(field)) {
      ResolveFields(env_, {{field, 1.0f}}, &out);
      return out;
    }
    out.push_back({field, 1.0f});
    return out;
  }

  bool LenientFor(const std::string& field) const {
    return o_.lenient || (field.empty() ? o_.all_fields : (field == "*" || IsSimplePattern(field)));
  }

  // Combines per-field queries.
  QueryPtr Combine(std::vector<QueryPtr> qs) const {
    std::vector<QueryPtr> kept;
    for (auto& q : qs) {
      if (q) kept.push_back(std::move(q));
    }
    if (kept.empty()) return nullptr;
    if (kept.size() == 1) return std::move(kept[0]);
    auto top = std::make_unique<Query>();
    top->kind = o_.most_fields ? QueryKind::kBool : QueryKind::kDisMax;
    top->lucene_bool = true;
    top->tie_breaker = o_.tie_breaker;
    top->should = std::move(kept);
    return top;
  }

  // Runs `make` per field; lenient fields turn errors into match-nothing.
  template <typename F>
  Result<QueryPtr> PerField(const std::string& field, F&& make) const {
    std::vector<WeightedField> fields = FieldsFor(field);
    if (fields.empty()) return Query::MatchNone();
    bool lenient = LenientFor(field);
    std::vector<QueryPtr> qs;
    for (const WeightedField& wf : fields) {
      Result<QueryPtr> r = make(wf.field);
      if (!r.ok()) {
        DecodedError e = DecodeError(r.status());
        if (lenient && e.kind == ErrorKind::kShard) {
          qs.push_back(Query::MatchNone());
          continue;
        }
        return r;
      }
      QueryPtr q = std::move(r).value();
      if (q) q->boost *= wf.boost;
      qs.push_back(std::move(q));
    }
    return Combine(std::move(qs));
  }

  const FieldInfo* Info(const std::string& field) const {
    const FieldInfo* f = env_.mapping->Find(field);
    return (f == nullptr || f->type == FieldType::kObject) ? nullptr : f;
  }

  AnalyzerKind AnalyzerFor() const { return o_.analyzer; }

  // An unquoted word (or several consecutive words).
  Result<QueryPtr> FieldQuery(const std::string& field, const std::string& text) const {
    if (field == "_exists_") return MakeExistsQuery(env_, text);
    if (!field.empty() && text.size() > 1 && (text[0] == '>' || text[0] == '<')) {
      bool gt = text[0] == '>';
      bool eq = text.size() > 2 && text[1] == '=';
      std::string bound = text.substr(eq ? 2 : 1);
      if (gt) return Range(field, bound, "*", eq, true);
      return Range(field, "*", bound, true, eq);
    }
    return PerField(field, [&](const std::string& f) -> Result<QueryPtr> {
      // An analyzer that drops every token leaves no query for this field.
      const FieldInfo* info = Info(f);
      if (info != nullptr && (info->type == FieldType::kText || info->type == FieldType::kKeyword) &&
          AnalyzeQueryText(o_.analyzer, info->type, text).empty()) {
        return QueryPtr();
      }
      MatchOptions mo;
      mo.operator_and = o_.operator_and;
      mo.analyzer = o_.analyzer_name;
      auto r = MakeMatchQuery(env_, f, FieldValue::String(text), mo);
      if (!r.ok()) return r;
      QueryPtr q = std::move(r).value();
      if (q && q->kind == QueryKind::kBool) q->lucene_bool = true;
      return q;
    });
  }

  Result<QueryPtr> Phrase(const std::string& field, const std::string& text, int slop) const {
    if (field == "_exists_") return MakeExistsQuery(env_, text);
    return PerField(field, [&](const std::string& f) -> Result<QueryPtr> {
      MatchOptions mo;
      mo.type = MatchOptions::Type::kPhrase;
      mo.analyzer = o_.analyzer_name;
      mo.slop = slop;
      return MakeMatchQuery(env_, f, FieldValue::String(text), mo);
    });
  }

  Result<QueryPtr> Prefix(const std::string& field, const std::string& text) const {
    if (!o_.allow_leading_wildcard && text.empty()) return LeadingWildcard();
    return PerField(field, [&](const std::string& f) -> Result<QueryPtr> {
      const FieldInfo* info = Info(f);
      if (info == nullptr) return Query::MatchNone();
      if (info->type != FieldType::kKeyword && info->type != FieldType::kText) {
        return MakePrefixQuery(env_, f, text);  // the type error (lenient: nothing)
      }
      if (!o_.analyze_wildcard) {
        return MakePrefixQuery(env_, f, NormalizeForAnalyzer(o_.analyzer, info->type, text));
      }
      std::vector<std::string> tokens = AnalyzeQueryText(o_.analyzer, info->type, text);
      if (tokens.empty()) return QueryPtr();
      if (tokens.size() == 1) return MakePrefixQuery(env_, f, tokens[0]);
      // All positions but the last as terms, the last as a prefix.
      auto b = std::make_unique<Query>();
      b->kind = QueryKind::kBool;
      b->lucene_bool = true;
      for (size_t i = 0; i < tokens.size(); ++i) {
        Result<QueryPtr> r = i + 1 == tokens.size()
                                 ? MakePrefixQuery(env_, f, tokens[i])
                                 : MakeTermQuery(env_, f, FieldValue::String(tokens[i]));
        if (!r.ok()) return r;
        (o_.operator_and ? b->must : b->should).push_back(std::move(r).value());
      }
      return QueryPtr(std::move(b));
    });
  }

  Result<QueryPtr> Wildcard(const std::string& field, const std::string& raw) const {
    std::string actual = field;
    if (raw == "*") {
      if (field == "*" ) return Query::MatchAll();
      if (field.empty() && o_.all_fields) return Query::MatchAll();
      if (!field.empty()) return MakeExistsQuery(env_, field);
    }
    if (!o_.allow_leading_wildcard && !raw.empty() && (raw[0] == '*' || raw[0] == '?')) {
      return LeadingWildcard();
    }
    return PerField(field, [&](const std::string& f) -> Result<QueryPtr> {
      if (raw == "*") return MakeExistsQuery(env_, f);
      const FieldInfo* info = Info(f);
      if (info == nullptr) return Query::MatchNone();
      if (info->type != FieldType::kKeyword && info->type != FieldType::kText) {
        return MakeWildcardQuery(env_, f, raw);
      }
      // Normalise the literal pieces (lower-case for the standard family).
      std::string pattern;
      std::string piece;
      auto flush = [&] {
        pattern += NormalizeForAnalyzer(o_.analyzer, info->type, piece);
        piece.clear();
      };
      for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\\' && i + 1 < raw.size()) {
          piece.push_back(c);
          piece.push_back(raw[++i]);
        } else if (c == '*' || c == '?') {
          flush();
          pattern.push_back(c);
        } else {
          piece.push_back(c);
        }
      }
      flush();
      return MakeWildcardQuery(env_, f, pattern);
    });
  }

  Result<QueryPtr> Regexp(const std::string& field, const std::string& pattern) const {
    return PerField(field, [&](const std::string& f) -> Result<QueryPtr> {
      const FieldInfo* info = Info(f);
      if (info == nullptr) return Query::MatchNone();
      if (info->type != FieldType::kKeyword && info->type != FieldType::kText) {
        return MakeRegexpQuery(env_, f, pattern);
      }
      return MakeRegexpQuery(env_, f, NormalizeForAnalyzer(o_.analyzer, info->type, pattern));
    });
  }

  Result<QueryPtr> Fuzzy(const std::string& field, const std::string& text, const std::string& fuzziness) const {
    return PerField(field, [&](const std::string& f) -> Result<QueryPtr> {
      const FieldInfo* info = Info(f);
      if (info == nullptr) return Query::MatchNone();
      if (info->type != FieldType::kKeyword && info->type != FieldType::kText) {
        return MakeFuzzyQuery(env_, f, text, fuzziness, o_.fuzzy_prefix_length, o_.fuzzy_transpositions);
      }
      return MakeFuzzyQuery(env_, f, NormalizeForAnalyzer(o_.analyzer, info->type, text),
                            fuzziness, o_.fuzzy_prefix_length, o_.fuzzy_transpositions);
    });
  }

  Result<QueryPtr> Range(const std::string& field, const std::string& lo, const std::string& hi, bool lo_inc,
                         bool hi_inc) const {
    return PerField(field, [&](const std::string& f) -> Result<QueryPtr> {
      const FieldInfo* info = Info(f);
      RangeBounds b;
      FieldType t = info ? info->type : FieldType::kKeyword;
      if (lo != "*") b.lo = FieldValue::String(NormalizeForAnalyzer(o_.analyzer, t, lo));
      if (hi != "*") b.hi = FieldValue::String(NormalizeForAnalyzer(o_.analyzer, t, hi));
      if (info && info->type != FieldType::kKeyword && info->type != FieldType::kText) {
        if (lo != "*") b.lo = FieldValue::String(lo);
        if (hi != "*") b.hi = FieldValue::String(hi);
      }
      b.lo_inclusive = lo_inc;
      b.hi_inclusive = hi_inc;
      if (info != nullptr && info->type == FieldType::kDate) b.time_zone = o_.time_zone;
      return MakeRangeQuery(env_, f, b);
    });
  }

  const QsOptions& options() const { return o_; }

 private:
  static Status LeadingWildcard() {
    return ShardError("query_shard_exception",
                      "Failed to parse query: '*' or '?' not allowed as first character in WildcardQuery");
  }

  const QueryEnv& env_;
  const QsOptions& o_;
};

// ---------------------------------------------------------------- lexer

enum class Tok {
  kAnd, kOr, kNot, kPlus, kMinus, kBareOper, kLParen, kRParen, kColon, kStar, kCarat,
  kQuoted, kTerm, kFuzzySlop, kPrefixTerm, kWildTerm, kRegexpTerm, kRangeInStart, kRangeExStart,
  kNumber, kRangeTo, kRangeInEnd, kRangeExEnd, kRangeQuoted, kRangeGoop, kEof
};

struct Token {
  Tok kind;
  std::string image;
};

bool IsWhitespaceAt(std::string_view s, size_t i, size_t* len) {
  char c = s[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
    *len = 1;
    return true;
  }
  if (s.substr(i, 3) == "\xE3\x80\x80") {  // U+3000
    *len = 3;
    return true;
  }
  return false;
}

bool IsTermStartExcluded(char c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case '+': case '-': case '!': case '(': case ')':
    case ':': case '^': case '[': case ']': case '"': case '{': case '}': case '~': case '*':
    case '?': case '\\': case '/':
      return true;
    default:
      return false;
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  bool Tokenize(std::vector<Token>* out) {
    enum class State { kDefault, kBoost, kRange } state = State::kDefault;
    while (true) {
      SkipWs();
      if (i_ >= s_.size()) {
        out->push_back({Tok::kEof, ""});
        return true;
      }
      if (state == State::kBoost) {
        size_t st = i_;
        while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
        if (i_ == st) return false;
        if (i_ + 1 < s_.size() && s_[i_] == '.' && IsDigit(s_[i_ + 1])) {
          ++i_;
          while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
        }
        out->push_back({Tok::kNumber, std::string(s_.substr(st, i_ - st))});
        state = State::kDefault;
        continue;
      }
      if (state == State::kRange) {
        char c = s_[i_];
        if (c == ']' || c == '}') {
          out->push_back({c == ']' ? Tok::kRangeInEnd : Tok::kRangeExEnd, std::string(1, c)});
          ++i_;
          state = State::kDefault;
          continue;
        }
        if (c == '"') {
          size_t st = i_++;
          size_t n = 0;
          while (i_ < s_.size() && s_[i_] != '"') {
            if (s_[i_] == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '"') ++i_;
            ++i_;
            ++n;
          }
          if (i_ >= s_.size() || n == 0) return false;
          ++i_;
          out->push_back({Tok::kRangeQuoted, std::string(s_.substr(st, i_ - st))});
          continue;
        }
        size_t st = i_;
        while (i_ < s_.size() && s_[i_] != ' ' && s_[i_] != ']' && s_[i_] != '}' && s_[i_] != '\t' &&
               s_[i_] != '\n' && s_[i_] != '\r') {
          ++i_;
        }
        std::string goop(s_.substr(st, i_ - st));
        out->push_back({goop == "TO" ? Tok::kRangeTo : Tok::kRangeGoop, goop});
        continue;
      }
      char c = s_[i_];
      size_t wl;
      auto single = [&](Tok k) {
        out->push_back({k, std::string(1, c)});
        ++i_;
      };
      if (s_.substr(i_, 2) == "&&") {
        out->push_back({Tok::kAnd, "&&"});
        i_ += 2;
        continue;
      }
      if (s_.substr(i_, 2) == "||") {
        out->push_back({Tok::kOr, "||"});
        i_ += 2;
        continue;
      }
      if ((c == '+' || c == '-' || c == '!') && i_ + 1 < s_.size() && IsWhitespaceAt(s_, i_ + 1, &wl)) {
        out->push_back({Tok::kBareOper, std::string(1, c)});
        i_ += 1 + wl;
        continue;
      }
      switch (c) {
        case '+': single(Tok::kPlus); continue;
        case '-': single(Tok::kMinus); continue;
        case '!': single(Tok::kNot); continue;
        case '(': single(Tok::kLParen); continue;
        case ')': single(Tok::kRParen); continue;
        case ':': single(Tok::kColon); continue;
        case '^':
          single(Tok::kCarat);
          state = State::kBoost;
          continue;
        case '[':
          single(Tok::kRangeInStart);
          state = State::kRange;
          continue;
        case '{':
          single(Tok::kRangeExStart);
          state = State::kRange;
          continue;
        case '"': {
          size_t st = i_++;
          while (i_ < s_.size() && s_[i_] != '"') {
            if (s_[i_] == '\\') ++i_;
            ++i_;
          }
          if (i_ >= s_.size()) return false;
          ++i_;
          out->push_back({Tok::kQuoted, std::string(s_.substr(st, i_ - st))});
          continue;
        }
        case '/': {
          size_t st = i_++;
          while (i_ < s_.size() && s_[i_] != '/') {
            if (s_[i_] == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') ++i_;
            ++i_;
          }
          if (i_ >= s_.size()) return false;
          ++i_;
          out->push_back({Tok::kRegexpTerm, std::string(s_.substr(st, i_ - st))});
          continue;
        }
        case '~': {
          size_t st = i_++;
          if (i_ < s_.size() && IsDigit(s_[i_])) {
            while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
            if (i_ + 1 < s_.size() && s_[i_] == '.' && IsDigit(s_[i_ + 1])) {
              ++i_;
              while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
            }
          }
          size_t e;
          while (i_ < s_.size() && TermChar(i_, &e)) i_ = e;
          out->push_back({Tok::kFuzzySlop, std::string(s_.substr(st, i_ - st))});
          continue;
        }
        default:
          break;
      }
      // TERM / PREFIXTERM / WILDTERM / STAR by longest match.
      size_t st = i_;
      size_t term_end = st;  // longest TERM
      size_t e;
      if (TermStart(st, &e)) {
        term_end = e;
        while (term_end < s_.size() && TermChar(term_end, &e)) term_end = e;
      }
      size_t wild_end = st;
      if (s_[st] == '*' || s_[st] == '?') {
        wild_end = st + 1;
      } else if (TermStart(st, &e)) {
        wild_end = e;
      }
      if (wild_end > st) {
        while (wild_end < s_.size()) {
          if (s_[wild_end] == '*' || s_[wild_end] == '?') {
            ++wild_end;
          } else if (TermChar(wild_end, &e)) {
            wild_end = e;
          } else {
            break;
          }
        }
      }
      if (wild_end == st) return false;  // cannot start a token here
      if (term_end == st && wild_end == st + 1 && s_[st] == '*') {
        single(Tok::kStar);
        continue;
      }
      if (wild_end > term_end) {
        bool prefix = wild_end == term_end + 1 && s_[term_end] == '*' && term_end > st;
        out->push_back({prefix ? Tok::kPrefixTerm : Tok::kWildTerm, std::string(s_.substr(st, wild_end - st))});
        i_ = wild_end;
        continue;
      }
      std::string image(s_.substr(st, term_end - st));
      i_ = term_end;
      if (image == "AND") {
        out->push_back({Tok::kAnd, image});
      } else if (image == "OR") {
        out->push_back({Tok::kOr, image});
      } else if (image == "NOT") {
        out->push_back({Tok::kNot, image});
      } else {
        out->push_back({Tok::kTerm, image});
      }
    }
  }

 private:
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  void SkipWs() {
    size_t len;
    while (i_ < s_.size() && IsWhitespaceAt(s_, i_, &len)) i_ += len;
  }

  // One TERM_START_CHAR (or escaped char) at i; *end after it.
  bool TermStart(size_t i, size_t* end) const {
    if (i >= s_.size()) return false;
    char c = s_[i];
    size_t wl;
    if (c == '\\') {
      if (i + 1 >= s_.size()) return false;
      size_t j = i + 1;
      utf8::DecodeNext(s_, &j);
      *end = j;
      return true;
    }
    if (IsTermStartExcluded(c) || IsWhitespaceAt(s_, i, &wl)) return false;
    size_t j = i;
    if (static_cast<unsigned char>(c) >= 0x80) {
      utf8::DecodeNext(s_, &j);
    } else {
      ++j;
    }
    *end = j;
    return true;
  }

  bool TermChar(size_t i, size_t* end) const {
    if (i < s_.size() && (s_[i] == '-' || s_[i] == '+')) {
      *end = i + 1;
      return true;
    }
    return TermStart(i, end);
  }

  std::string_view s_;
  size_t i_ = 0;
};

// Lucene's discardEscapeChar: "\x" -> "x", "\uXXXX" -> the code point.
std::string DiscardEscapes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    ++i;
    if (s[i] == 'u' && i + 4 < s.size() + 0) {
      uint32_t cp = 0;
      bool ok = i + 4 < s.size() + 1;
      for (size_t k = 1; ok && k <= 4; ++k) {
        if (i + k >= s.size()) {
          ok = false;
          break;
        }
        char h = s[i + k];
        int v = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
        if (v < 0) ok = false;
        cp = cp * 16 + static_cast<uint32_t>(v < 0 ? 0 : v);
      }
      if (ok) {
        utf8::Append(cp, &out);
        i += 4;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// ---------------------------------------------------------------- parser

enum class Occur { kMust, kShould, kMustNot };
enum Conj { kConjNone, kConjAnd, kConjOr };
enum Mods { kModNone, kModReq, kModNot };

struct Clause {
  QueryPtr query;
  Occur occur;
};

class ClassicParser {
 public:
  ClassicParser(const FieldQueries& fq, std::vector<Token> tokens, size_t max_clauses)
      : fq_(fq), t_(std::move(tokens)), max_clauses_(max_clauses) {}

  Result<QueryPtr> TopLevel() {
    auto q = ParseQuery("", 0);
    if (!q.ok()) return q;
    if (Peek().kind != Tok::kEof) return SyntaxError();
    return q;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, t_.size() - 1);
    return t_[i];
  }
  Token Next() { return t_[std::min(pos_++, t_.size() - 1)]; }

  static Status SyntaxError() { return Status(StatusCode::kInvalidArgument, "syntax"); }

  static bool AllowedPostMultiTerm(Tok k) {
    return k != Tok::kColon && k != Tok::kStar && k != Tok::kFuzzySlop && k != Tok::kCarat &&
           k != Tok::kAnd && k != Tok::kOr;
  }

  bool MultiTermAhead() const {
    return Peek().kind == Tok::kTerm && Peek(1).kind == Tok::kTerm && AllowedPostMultiTerm(Peek(2).kind);
  }

  Status AddClause(std::vector<Clause>* clauses, Conj conj, Mods mods, QueryPtr q) {
    if (!clauses->empty() && conj == kConjAnd) {
      Clause& c = clauses->back();
      if (c.occur != Occur::kMustNot) c.occur = Occur::kMust;
    }
    if (!clauses->empty() && fq_.options().operator_and && conj == kConjOr) {
      Clause& c = clauses->back();
      if (c.occur != Occur::kMustNot) c.occur = Occur::kShould;
    }
    if (!q) return Status::Ok();
    bool required, prohibited;
    if (!fq_.options().operator_and) {
      prohibited = mods == kModNot;
      required = mods == kModReq;
      if (conj == kConjAnd && !prohibited) required = true;
    } else {
      prohibited = mods == kModNot;
      required = !prohibited && conj != kConjOr;
    }
    if (clauses->size() >= max_clauses_) {
      return ShardError("too_many_clauses", "maxClauseCount is set to " + std::to_string(max_clauses_));
    }
    clauses->push_back({std::move(q), prohibited ? Occur::kMustNot : (required ? Occur::kMust : Occur::kShould)});
    return Status::Ok();
  }

  QueryPtr BooleanOf(std::vector<Clause> clauses) {
    if (clauses.empty()) return nullptr;
    auto b = std::make_unique<Query>();
    b->kind = QueryKind::kBool;
    b->lucene_bool = true;
    for (Clause& c : clauses) {
      switch (c.occur) {
        case Occur::kMust: b->must.push_back(std::move(c.query)); break;
        case Occur::kShould: b->should.push_back(std::move(c.query)); break;
        case Occur::kMustNot: b->must_not.push_back(std::move(c.query)); break;
      }
    }
    return b;
  }

  Result<QueryPtr> ParseQuery(const std::string& field, size_t depth) {
    if (depth > 64) return SyntaxError();
    std::vector<Clause> clauses;
    QueryPtr first;
    bool first_is_bare = false;
    if (MultiTermAhead()) {
      Status s = MultiTerm(field, &clauses);
      if (!s.ok()) return s;
    } else {
      Mods mods = Modifiers();
      auto q = ParseClause(field, depth);
      if (!q.ok()) return q;
      first_is_bare = mods == kModNone;
      Status s = AddClause(&clauses, kConjNone, mods, std::move(q).value());
      if (!s.ok()) return s;
    }
    while (true) {
      if (MultiTermAhead()) {
        Status s = MultiTerm(field, &clauses);
        if (!s.ok()) return s;
        first_is_bare = false;
        continue;
      }
      Tok k = Peek().kind;
      bool starts_clause = k == Tok::kAnd || k == Tok::kOr || k == Tok::kNot || k == Tok::kPlus ||
                           k == Tok::kMinus || k == Tok::kBareOper || k == Tok::kLParen || k == Tok::kStar ||
                           k == Tok::kQuoted || k == Tok::kTerm || k == Tok::kPrefixTerm ||
                           k == Tok::kWildTerm || k == Tok::kRegexpTerm || k == Tok::kRangeInStart ||
                           k == Tok::kRangeExStart || k == Tok::kNumber;
      if (!starts_clause) break;
      Conj conj = kConjNone;
      if (k == Tok::kAnd) {
        conj = kConjAnd;
        Next();
      } else if (k == Tok::kOr) {
        conj = kConjOr;
        Next();
      }
      Mods mods = Modifiers();
      auto q = ParseClause(field, depth);
      if (!q.ok()) return q;
      Status s = AddClause(&clauses, conj, mods, std::move(q).value());
      if (!s.ok()) return s;
      first_is_bare = false;
    }
    if (clauses.size() == 1 && first_is_bare) return std::move(clauses[0].query);
    return BooleanOf(std::move(clauses));
  }

  Status MultiTerm(const std::string& field, std::vector<Clause>* clauses) {
    std::string text = Next().image;
    while (Peek().kind == Tok::kTerm && AllowedPostMultiTerm(Peek(1).kind)) {
      text += " " + Next().image;
    }
    auto q = fq_.FieldQuery(field, DiscardEscapes(text));
    if (!q.ok()) return q.status();
    QueryPtr query = std::move(q).value();
    if (!query) return Status::Ok();
    if (clauses->size() >= max_clauses_) {
      return ShardError("too_many_clauses", "maxClauseCount is set to " + std::to_string(max_clauses_));
    }
    clauses->push_back({std::move(query), fq_.options().operator_and ? Occur::kMust : Occur::kShould});
    return Status::Ok();
  }

  Mods Modifiers() {
    Tok k = Peek().kind;
    if (k == Tok::kPlus) {
      Next();
      return kModReq;
    }
    if (k == Tok::kMinus || k == Tok::kNot) {
      Next();
      return kModNot;
    }
    return kModNone;
  }

  Result<QueryPtr> ParseClause(std::string field, size_t depth) {
    if ((Peek().kind == Tok::kTerm || Peek().kind == Tok::kStar) && Peek(1).kind == Tok::kColon) {
      Token f = Next();
      Next();
      field = f.kind == Tok::kStar ? "*" : DiscardEscapes(f.image);
    }
    if (Peek().kind == Tok::kLParen) {
      Next();
      auto q = ParseQuery(field, depth + 1);
      if (!q.ok()) return q;
      if (Next().kind != Tok::kRParen) return SyntaxError();
      QueryPtr query = std::move(q).value();
      if (Peek().kind == Tok::kCarat) {
        Next();
        Token b = Next();
        if (b.kind != Tok::kNumber) return SyntaxError();
        if (query) query->boost *= static_cast<float>(std::atof(b.image.c_str()));
      }
      return query;
    }
    return ParseTerm(field);
  }

  // [^boost] [~slop] in either order.
  Status Suffixes(std::string* boost, std::string* slop, bool* fuzzy) {
    if (Peek().kind == Tok::kCarat) {
      Next();
      Token b = Next();
      if (b.kind != Tok::kNumber) return SyntaxError();
      *boost = b.image;
      if (Peek().kind == Tok::kFuzzySlop) {
        *slop = Next().image;
        *fuzzy = true;
      }
    } else if (Peek().kind == Tok::kFuzzySlop) {
      *slop = Next().image;
      *fuzzy = true;
      if (Peek().kind == Tok::kCarat) {
        Next();
        Token b = Next();
        if (b.kind != Tok::kNumber) return SyntaxError();
        *boost = b.image;
      }
    }
    return Status::Ok();
  }

  static QueryPtr WithBoost(QueryPtr q, const std::string& boost) {
    if (q && !boost.empty()) q->boost *= static_cast<float>(std::atof(boost.c_str()));
    return q;
  }

  Result<QueryPtr> ParseTerm(const std::string& field) {
    Token t = Next();
    std::string boost, slop;
    bool fuzzy = false;
    switch (t.kind) {
      case Tok::kTerm:
      case Tok::kStar:
      case Tok::kPrefixTerm:
      case Tok::kWildTerm:
      case Tok::kRegexpTerm:
      case Tok::kNumber:
      case Tok::kBareOper: {
        Status s = Suffixes(&boost, &slop, &fuzzy);
        if (!s.ok()) return s;
        Result<QueryPtr> q = QueryPtr();
        if (t.kind == Tok::kStar || t.kind == Tok::kWildTerm) {
          q = fq_.Wildcard(field, t.image);
        } else if (t.kind == Tok::kPrefixTerm) {
          q = fq_.Prefix(field, DiscardEscapes(t.image.substr(0, t.image.size() - 1)));
        } else if (t.kind == Tok::kRegexpTerm) {
          q = fq_.Regexp(field, t.image.substr(1, t.image.size() - 2));
        } else if (fuzzy) {
          std::string fz = slop.size() > 1 ? slop.substr(1) : fq_.options().fuzziness;
          q = fq_.Fuzzy(field, DiscardEscapes(t.image), fz);
        } else {
          std::string image = t.kind == Tok::kBareOper ? t.image.substr(0, 1) : t.image;
          q = fq_.FieldQuery(field, DiscardEscapes(image));
        }
        if (!q.ok()) return q;
        return WithBoost(std::move(q).value(), boost);
      }
      case Tok::kRangeInStart:
      case Tok::kRangeExStart: {
        bool lo_inc = t.kind == Tok::kRangeInStart;
        Token g1 = Next();
        if (g1.kind != Tok::kRangeGoop && g1.kind != Tok::kRangeQuoted && g1.kind != Tok::kRangeTo) return SyntaxError();
        if (Next().kind != Tok::kRangeTo) return SyntaxError();
        Token g2 = Next();
        if (g2.kind != Tok::kRangeGoop && g2.kind != Tok::kRangeQuoted && g2.kind != Tok::kRangeTo) return SyntaxError();
        Token end = Next();
        if (end.kind != Tok::kRangeInEnd && end.kind != Tok::kRangeExEnd) return SyntaxError();
        if (Peek().kind == Tok::kCarat) {
          Next();
          Token b = Next();
          if (b.kind != Tok::kNumber) return SyntaxError();
          boost = b.image;
        }
        auto bound = [](const Token& g) {
          if (g.kind == Tok::kRangeQuoted) return DiscardEscapes(g.image.substr(1, g.image.size() - 2));
          if (g.image == "*") return std::string("*");
          return DiscardEscapes(g.image);
        };
        auto q = fq_.Range(field, bound(g1), bound(g2), lo_inc, end.kind == Tok::kRangeInEnd);
        if (!q.ok()) return q;
        return WithBoost(std::move(q).value(), boost);
      }
      case Tok::kQuoted: {
        Status s = Suffixes(&boost, &slop, &fuzzy);
        if (!s.ok()) return s;
        int phrase_slop = fq_.options().phrase_slop;
        if (fuzzy && slop.size() > 1) phrase_slop = JavaIntCast(std::atof(slop.c_str() + 1));
        auto q = fq_.Phrase(field, DiscardEscapes(t.image.substr(1, t.image.size() - 2)), phrase_slop);
        if (!q.ok()) return q;
        return WithBoost(std::move(q).value(), boost);
      }
      default:
        return SyntaxError();
    }
  }

  const FieldQueries& fq_;
  std::vector<Token> t_;
  size_t pos_ = 0;
  size_t max_clauses_;
};

Status ReadCommonOptions(const QueryEnv& env, const json::Value& p, QsOptions* o, std::string* query,
                         const char* name) {
  const json::Value* q = p.find("query");
  if (q == nullptr || q->is_null()) {
    return ParsingError(std::string("[") + name + "] must be provided with a [query]");
  }
  if (q->is_object() || q->is_array()) {
    return ParsingError(std::string("[") + name + "] query does not support [query] as an object");
  }
  *query = TextOf(*q);
  std::vector<WeightedField> fields;
  std::string default_field = "*";
  bool lenient_given = false;
  for (const auto& [k, v] : p.members()) {
    if (k == "fields") {
      o->fields_given = true;
      if (v.is_array()) {
        for (const auto& f : v.items()) fields.push_back(ParseWeighted(TextOf(f)));
      } else {
        fields.push_back(ParseWeighted(TextOf(v)));
      }
    } else if (k == "default_field") {
      default_field = TextOf(v);
    } else if (k == "default_operator") {
      std::string op = TextOf(v);
      for (char& c : op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (op == "and") {
        o->operator_and = true;
      } else if (op != "or") {
        return IllegalArgument("operator needs to be either [and] or [or], but not [" + TextOf(v) + "]");
      }
    } else if (k == "analyzer") {
      o->analyzer_name = TextOf(v);
    } else if (k == "analyze_wildcard") {
      o->analyze_wildcard = BoolOf(v, false);
    } else if (k == "allow_leading_wildcard") {
      o->allow_leading_wildcard = BoolOf(v, true);
    } else if (k == "lenient") {
      o->lenient = BoolOf(v, false);
      lenient_given = true;
    } else if (k == "phrase_slop") {
      o->phrase_slop = static_cast<int>(v.as_int64().value_or(0));
    } else if (k == "fuzziness") {
      o->fuzziness = TextOf(v);
    } else if (k == "fuzzy_prefix_length") {
      o->fuzzy_prefix_length = static_cast<int>(v.as_int64().value_or(0));
    } else if (k == "fuzzy_transpositions") {
      o->fuzzy_transpositions = BoolOf(v, true);
    } else if (k == "time_zone") {
      o->time_zone = TextOf(v);
    } else if (k == "minimum_should_match") {
      o->minimum_should_match = TextOf(v);
    } else if (k == "type") {
      o->most_fields = TextOf(v) == "most_fields";
    } else if (k == "tie_breaker") {
      o->tie_breaker = static_cast<float>(v.as_double());
    } else if (k == "boost") {
      o->boost = v.is_number() ? static_cast<float>(v.as_double()) : 1.0f;
    }
  }
  if (!o->analyzer_name.empty()) {
    auto a = ParseAnalyzer(o->analyzer_name);
    if (!a.ok()) return a.status();
    o->analyzer = *a;
  }
  if (!o->fields_given) {
    fields.push_back({default_field, 1.0f});
    if (default_field == "*") o->all_fields = true;
  }
  for (const WeightedField& f : fields) {
    if ((f.field == "*" || IsSimplePattern(f.field)) && !lenient_given) o->lenient = true;
  }
  ResolveFields(env, fields, &o->fields);
  return Status::Ok();
}

QueryPtr ApplyTopLevel(QueryPtr q, const QsOptions& o) {
  if (!q) return Query::MatchNone();
  // A purely negative query matches everything else (our bool evaluation
  // already treats a must_not-only bool that way).
  if (!o.minimum_should_match.empty() && q->kind == QueryKind::kBool) {
    q->minimum_should_match = o.minimum_should_match;
  }
  q->boost *= o.boost;
  return q;
}

// ------------------------------------------------------ simple_query_string

enum SqsFlag : uint32_t {
  kSqsAnd = 1, kSqsNot = 2, kSqsOr = 4, kSqsPrefix = 8, kSqsPhrase = 16, kSqsPrecedence = 32,
  kSqsEscape = 64, kSqsWhitespace = 128, kSqsFuzzy = 256, kSqsNear = 512, kSqsAll = 0xFFFF
};

uint32_t ParseSqsFlags(const json::Value* v) {
  if (v == nullptr) return kSqsAll;
  if (v->is_number()) return static_cast<uint32_t>(v->as_int64().value_or(-1));
  std::string s = TextOf(*v);
  uint32_t out = 0;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('|', start);
    if (end == std::string::npos) end = s.size();
    std::string f = s.substr(start, end - start);
    for (char& c : f) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (f == "ALL") out |= kSqsAll;
    if (f == "AND") out |= kSqsAnd;
    if (f == "NOT") out |= kSqsNot;
    if (f == "OR") out |= kSqsOr;
    if (f == "PREFIX") out |= kSqsPrefix;
    if (f == "PHRASE") out |= kSqsPhrase;
    if (f == "PRECEDENCE") out |= kSqsPrecedence;
    if (f == "ESCAPE") out |= kSqsEscape;
    if (f == "WHITESPACE") out |= kSqsWhitespace;
    if (f == "FUZZY") out |= kSqsFuzzy;
    if (f == "NEAR" || f == "SLOP") out |= kSqsNear;
    start = end + 1;
  }
  return out;
}

class SimpleParser {
 public:
  SimpleParser(const FieldQueries& fq, std::string_view text, uint32_t flags)
      : fq_(fq), s_(text), flags_(flags) {}

  Result<QueryPtr> Parse() {
    auto q = ParseSub(0);
    if (!q.ok()) return q;
    QueryPtr top = std::move(q).value();
    if (!top) return Query::MatchNone();
    return top;
  }

 private:
  struct State {
    QueryPtr top;
    std::optional<Occur> current, previous;
    int nots = 0;
  };

  Status Build(State& st, QueryPtr branch) {
    if (!branch) return Status::Ok();
    if (st.nots % 2 == 1) {
      auto nq = std::make_unique<Query>();
      nq->kind = QueryKind::kBool;
      nq->lucene_bool = true;
      nq->must_not.push_back(std::move(branch));
      nq->should.push_back(Query::MatchAll());
      branch = std::move(nq);
    }
    st.nots = 0;
    if (!st.top) {
      st.top = std::move(branch);
    } else {
      if (!st.current) st.current = fq_.options().operator_and ? Occur::kMust : Occur::kShould;
      if (!st.previous || *st.previous != *st.current) {
        auto bq = std::make_unique<Query>();
        bq->kind = QueryKind::kBool;
        bq->lucene_bool = true;
        (*st.current == Occur::kMust ? bq->must : bq->should).push_back(std::move(st.top));
        st.top = std::move(bq);
      }
      (*st.current == Occur::kMust ? st.top->must : st.top->should).push_back(std::move(branch));
      st.previous = st.current;
    }
    st.current.reset();
    return Status::Ok();
  }

  bool TokenFinished(char c) const {
    return (c == '"' && (flags_ & kSqsPhrase)) || (c == '|' && (flags_ & kSqsOr)) ||
           (c == '+' && (flags_ & kSqsAnd)) || ((c == '(' || c == ')') && (flags_ & kSqsPrecedence)) ||
           ((c == ' ' || c == '\t' || c == '\n' || c == '\r') && (flags_ & kSqsWhitespace));
  }

  Result<QueryPtr> ParseSub(size_t depth) {
    if (depth > 64) return Query::MatchNone();
    State st;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '(' && (flags_ & kSqsPrecedence)) {
        ++i_;
        auto q = ParseSub(depth + 1);
        if (!q.ok()) return q;
        Status s = Build(st, std::move(q).value());
        if (!s.ok()) return s;
      } else if (c == ')' && (flags_ & kSqsPrecedence)) {
        ++i_;
        if (depth > 0) break;
      } else if (c == '"' && (flags_ & kSqsPhrase)) {
        ++i_;
        std::string text;
        bool closed = false;
        while (i_ < s_.size()) {
          if (s_[i_] == '\\' && (flags_ & kSqsEscape) && i_ + 1 < s_.size()) {
            text.push_back(s_[i_ + 1]);
            i_ += 2;
            continue;
          }
          if (s_[i_] == '"') {
            closed = true;
            ++i_;
            break;
          }
          text.push_back(s_[i_++]);
        }
        int slop = 0;
        if (closed && i_ < s_.size() && s_[i_] == '~' && (flags_ & kSqsNear)) {
          ++i_;
          size_t st0 = i_;
          while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
          slop = std::atoi(std::string(s_.substr(st0, i_ - st0)).c_str());
        }
        Result<QueryPtr> q = closed ? fq_.Phrase("", text, slop) : fq_.FieldQuery("", text);
        if (!q.ok()) return q;
        Status s = Build(st, std::move(q).value());
        if (!s.ok()) return s;
      } else if (c == '+' && (flags_ & kSqsAnd)) {
        if (!st.current && st.top) st.current = Occur::kMust;
        ++i_;
      } else if (c == '|' && (flags_ & kSqsOr)) {
        if (!st.current && st.top) st.current = Occur::kShould;
        ++i_;
      } else if (c == '-' && (flags_ & kSqsNot)) {
        ++st.nots;
        ++i_;
      } else if ((c == ' ' || c == '\t' || c == '\n' || c == '\r') && (flags_ & kSqsWhitespace)) {
        ++i_;
      } else {
        std::string text;
        bool escaped = false;
        bool prefix = false;
        std::string fuzz;
        bool fuzzy = false;
        while (i_ < s_.size()) {
          char d = s_[i_];
          if (d == '\\' && (flags_ & kSqsEscape) && !escaped) {
            escaped = true;
            ++i_;
            continue;
          }
          if (!escaped && TokenFinished(d)) break;
          if (!escaped && d == '~' && (flags_ & kSqsFuzzy)) {
            fuzzy = true;
            ++i_;
            while (i_ < s_.size() && !TokenFinished(s_[i_])) fuzz.push_back(s_[i_++]);
            break;
          }
          text.push_back(d);
          escaped = false;
          ++i_;
        }
        if (!fuzzy && !text.empty() && text.back() == '*' && (flags_ & kSqsPrefix) && !escaped) {
          prefix = true;
          text.pop_back();
        }
        if (text.empty() && !prefix) continue;
        Result<QueryPtr> q = QueryPtr();
        if (prefix) {
          q = fq_.Prefix("", text);
        } else if (fuzzy) {
          q = fq_.Fuzzy("", text, fuzz.empty() ? "2" : fuzz);
        } else {
          q = fq_.FieldQuery("", text);
        }
        if (!q.ok()) return q;
        Status s = Build(st, std::move(q).value());
        if (!s.ok()) return s;
      }
    }
    return std::move(st.top);
  }

  const FieldQueries& fq_;
  std::string_view s_;
  uint32_t flags_;
  size_t i_ = 0;
};

}  // namespace

Result<QueryPtr> ParseQueryString(const QueryEnv& env, const json::Value& params, size_t max_clauses) {
  QsOptions o;
  std::string text;
  Status s = ReadCommonOptions(env, params, &o, &text, "query_string");
  if (!s.ok()) return s;
  bool blank = true;
  for (char c : text) blank &= (c == ' ' || c == '\t' || c == '\n' || c == '\r');
  if (blank) return Query::MatchNone();
  std::vector<Token> tokens;
  Lexer lexer(text);
  auto failed = [&] {
    return ShardError("query_shard_exception", "Failed to parse query [" + text + "]");
  };
  if (!lexer.Tokenize(&tokens)) return failed();
  FieldQueries fq(env, o);
  ClassicParser parser(fq, std::move(tokens), max_clauses);
  auto q = parser.TopLevel();
  if (!q.ok()) {
    if (DecodeError(q.status()).kind == ErrorKind::kApp && q.status().message() == "syntax") return failed();
    return q.status();
  }
  return ApplyTopLevel(std::move(q).value(), o);
}

Result<QueryPtr> ParseSimpleQueryString(const QueryEnv& env, const json::Value& params, size_t max_clauses) {
  QsOptions o;
  std::string text;
  Status s = ReadCommonOptions(env, params, &o, &text, "simple_query_string");
  if (!s.ok()) return s;
  o.most_fields = true;
  FieldQueries fq(env, o);
  SimpleParser parser(fq, text, ParseSqsFlags(params.find("flags")));
  auto q = parser.Parse();
  if (!q.ok()) return q;
  return ApplyTopLevel(std::move(q).value(), o);
}

}  // namespace buildhub::search
