// The oracle's query_string: Lucene's classic query parser grammar as ES 6.7
// drives it (splitOnWhitespace false, so consecutive bare words are analysed
// together per field; prefix terms stay separate clauses), over the subset the
// page and clients use: bare and `field:` terms, `word*` prefixes, `*`,
// quoted phrases, `_exists_:field`, AND/OR/NOT/&&/||/!/+/-, groups and
// boosts. Fuzzy, ranges, regexps and inner wildcards are reported as not
// modelled rather than guessed.
#include <algorithm>
#include <set>

#include "search/analyzer.h"
#include "search/naive_internal.h"

namespace buildhub::search::oracle {

namespace {

using json::Value;

enum class Tok {
  kEnd, kAnd, kOr, kNot, kPlus, kMinus, kLParen, kRParen, kColon, kCaret, kQuoted,
  kTerm, kPrefix, kWild, kStar, kTilde, kUnsupported
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // raw image (escapes kept) for words, inner text for quoted
};

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// _TERM_START_CHAR: anything but whitespace and the syntax characters.
bool IsTermStart(char c) {
  static const std::string special = "+-!():^[]\"{}~*?\\/";
  return !IsWhitespace(c) && special.find(c) == std::string::npos;
}

// Splits the query text into Lucene's tokens. Returns false (with a
// message) for syntax the oracle does not model.
bool Lex(const std::string& s, std::vector<Token>* out, std::string* unsupported) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (IsWhitespace(c)) {
      ++i;
      continue;
    }
    // U+3000 ideographic space
    if (s.compare(i, 3, "\xE3\x80\x80") == 0) {
      i += 3;
      continue;
    }
    auto next_is_space = [&](size_t j) { return j >= s.size() || IsWhitespace(s[j]); };
    switch (c) {
      case '+':
      case '-':
      case '!':
        if (next_is_space(i + 1)) {
          *unsupported = "a bare operator followed by whitespace";
          return false;
        }
        out->push_back({c == '+' ? Tok::kPlus : c == '-' ? Tok::kMinus : Tok::kNot, std::string(1, c)});
        ++i;
        continue;
      case '(': out->push_back({Tok::kLParen, "("}); ++i; continue;
      case ')': out->push_back({Tok::kRParen, ")"}); ++i; continue;
      case ':': out->push_back({Tok::kColon, ":"}); ++i; continue;
      case '^': {
        ++i;
        size_t start = i;
        while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
        if (start == i) {
          *unsupported = "a '^' without a number";
          return false;
        }
        out->push_back({Tok::kCaret, s.substr(start, i - start)});
        continue;
      }
      case '"': {
        size_t j = i + 1;
        std::string inner;
        while (j < s.size() && s[j] != '"') {
          if (s[j] == '\\' && j + 1 < s.size()) {
            inner += s[j + 1];
            j += 2;
          } else {
            inner += s[j++];
          }
        }
        if (j >= s.size()) {
          *unsupported = "an unterminated quote";
          return false;
        }
        out->push_back({Tok::kQuoted, inner});
        i = j + 1;
        continue;
      }
      case '~':
      case '[':
      case ']':
      case '{':
      case '}':
      case '/':
        *unsupported = std::string("the '") + c + "' syntax";
        return false;
      default: break;
    }
    // A word: TERM, PREFIXTERM, WILDTERM or STAR.
    if (!(IsTermStart(c) || c == '*' || c == '?' || c == '\\')) {
      *unsupported = std::string("character '") + c + "'";
      return false;
    }
    size_t j = i;
    std::string image;
    int wildcards = 0;
    bool trailing_star = false;
    while (j < s.size()) {
      char d = s[j];
      if (d == '\\') {
        if (j + 1 >= s.size()) {
          *unsupported = "a trailing backslash";
          return false;
        }
        image += s.substr(j, 2);
        j += 2;
        trailing_star = false;
        continue;
      }
      if (d == '*' || d == '?') {
        ++wildcards;
        trailing_star = d == '*';
        image += d;
        ++j;
        continue;
      }
      if (IsTermStart(d) || d == '-' || d == '+') {
        image += d;
        trailing_star = false;
        ++j;
        continue;
      }
      break;
    }
    i = j;
    Token t;
    t.text = image;
    if (image == "*") {
      t.kind = Tok::kStar;
    } else if (wildcards == 0) {
      t.kind = image == "AND" || image == "&&" ? Tok::kAnd
               : image == "OR" || image == "||" ? Tok::kOr
               : image == "NOT"                 ? Tok::kNot
                                                : Tok::kTerm;
    } else if (wildcards == 1 && trailing_star && IsTermStart(image[0])) {
      t.kind = Tok::kPrefix;
    } else {
      t.kind = Tok::kWild;
    }
    out->push_back(t);
  }
  out->push_back({Tok::kEnd, ""});
  return true;
}

std::string DiscardEscapes(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out += s[++i];
    } else {
      out += s[i];
    }
  }
  return out;
}

enum class Occur { kMust, kShould, kMustNot };
struct Clause {
  Pred pred;
  Occur occur;
};
enum Conj { kConjNone, kConjAnd, kConjOr };
enum Mods { kModNone, kModNot, kModReq };

struct Options {
  std::vector<std::string> fields;  // the default fields
  bool and_default = false;
  Analyzer analyzer = Analyzer::kDefault;
  bool analyze_wildcard = false;
  bool lenient = false;
  int64_t phrase_slop = 0;
};

// A parse result: nullopt is Lucene's "null query" (the analyser left
// nothing), which drops the clause.
using MaybePred = std::optional<Pred>;

// Lucene's BooleanQuery semantics plus ES's fixNegativeQueryIfNeeded.
MaybePred BooleanOf(const std::vector<Clause>& clauses) {
  if (clauses.empty()) return std::nullopt;
  bool has_must = false, has_should = false;
  for (const auto& c : clauses) {
    has_must |= c.occur == Occur::kMust;
    has_should |= c.occur == Occur::kShould;
  }
  bool pure_negative = !has_must && !has_should;
  return Pred([clauses, has_must, has_should, pure_negative](const PreparedDoc& d) {
    bool any_should = false;
    for (const auto& c : clauses) {
      bool m = c.pred(d);
      if (c.occur == Occur::kMust && !m) return false;
      if (c.occur == Occur::kMustNot && m) return false;
      if (c.occur == Occur::kShould && m) any_should = true;
    }
    if (pure_negative || has_must) return true;
    return !has_should || any_should;
  });
}

MaybePred AnyOf(const std::vector<Pred>& preds) {
  if (preds.empty()) return std::nullopt;
  return Pred([preds](const PreparedDoc& d) {
    for (const auto& p : preds) {
      if (p(d)) return true;
    }
    return false;
  });
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const Options& options)
      : tokens_(std::move(tokens)), opt_(options) {}

  // The whole query; errors and unmodelled syntax end up in problem_.
  MaybePred ParseAll() {
    MaybePred q = ParseQuery(std::nullopt);
    if (failed_) return std::nullopt;
    if (Peek().kind != Tok::kEnd) Fail(false, "Cannot parse query: unexpected '" + Peek().text + "'");
    return q;
  }

  bool failed() const { return failed_; }
  const Problem& problem() const { return problem_; }

 private:
  const Token& Peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  Token Take() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }

  void Fail(bool unsupported, std::string message) {
    if (failed_) return;
    failed_ = true;
    problem_.unsupported = unsupported;
    problem_.message = std::move(message);
  }

  // QueryParser.addClause, verbatim in spirit.
  void AddClause(std::vector<Clause>* clauses, std::vector<bool>* real, int conj, int mods,
                 const MaybePred& q) {
    if (!clauses->empty() && conj == kConjAnd) {
      Clause& c = clauses->back();
      if (c.occur != Occur::kMustNot) c.occur = Occur::kMust;
    }
    if (!clauses->empty() && opt_.and_default && conj == kConjOr) {
      // "a AND b OR c": the term before OR becomes optional (unless prohibited).
      Clause& c = clauses->back();
      if (c.occur != Occur::kMustNot) c.occur = Occur::kShould;
    }
    if (!q) return;  // the analyser left nothing: no clause
    bool required, prohibited;
    if (!opt_.and_default) {
      prohibited = mods == kModNot;
      required = mods == kModReq;
      if (conj == kConjAnd && !prohibited) required = true;
    } else {
      prohibited = mods == kModNot;
      required = !prohibited && conj != kConjOr;
    }
    Occur occur = required ? Occur::kMust : prohibited ? Occur::kMustNot : Occur::kShould;
    clauses->push_back({*q, occur});
    real->push_back(true);
  }

  static bool AllowedPostMultiTerm(Tok k) {
    return k != Tok::kColon && k != Tok::kStar && k != Tok::kTilde && k != Tok::kCaret &&
           k != Tok::kAnd && k != Tok::kOr;
  }
  bool MultiTermAhead() const {
    return Peek().kind == Tok::kTerm && Peek(1).kind == Tok::kTerm &&
           AllowedPostMultiTerm(Peek(2).kind);
  }

  MaybePred ParseQuery(const std::optional<std::string>& field) {
    std::vector<Clause> clauses;
    std::vector<bool> real;
    bool first = true;
    MaybePred first_query;
    int first_mods = kModNone;
    while (!failed_ && Peek().kind != Tok::kEnd && Peek().kind != Tok::kRParen) {
      if (MultiTermAhead()) {
        std::string text = Take().text;
        while (Peek().kind == Tok::kTerm && AllowedPostMultiTerm(Peek(1).kind)) {
          text += " " + Take().text;
        }
        MaybePred q = FieldQuery(field, DiscardEscapes(text), false);
        AddClause(&clauses, &real, kConjNone, kModNone, q);
        if (first) first_query = q;
        first = false;
        continue;
      }
      int conj = kConjNone;
      if (!first) {
        if (Peek().kind == Tok::kAnd) {
          Take();
          conj = kConjAnd;
        } else if (Peek().kind == Tok::kOr) {
          Take();
          conj = kConjOr;
        }
      }
      int mods = kModNone;
      if (Peek().kind == Tok::kPlus) {
        Take();
        mods = kModReq;
      } else if (Peek().kind == Tok::kMinus || Peek().kind == Tok::kNot) {
        Take();
        mods = kModNot;
      }
      MaybePred q = ParseClause(field);
      if (failed_) return std::nullopt;
      AddClause(&clauses, &real, conj, mods, q);
      if (first) {
        first_query = q;
        first_mods = mods;
      }
      first = false;
    }
    if (failed_) return std::nullopt;
    // A single unmodified clause is returned as it is.
    if (clauses.size() == 1 && first_query && first_mods == kModNone &&
        clauses[0].occur != Occur::kMustNot) {
      return clauses[0].pred;
    }
    return BooleanOf(clauses);
  }

  MaybePred ParseClause(std::optional<std::string> field) {
    if ((Peek().kind == Tok::kTerm || Peek().kind == Tok::kStar) && Peek(1).kind == Tok::kColon) {
      Token f = Take();
      Take();
      field = f.kind == Tok::kStar ? "*" : DiscardEscapes(f.text);
    }
    if (Peek().kind == Tok::kLParen) {
      Take();
      MaybePred q = ParseQuery(field);
      if (failed_) return std::nullopt;
      if (Peek().kind != Tok::kRParen) {
        Fail(false, "Cannot parse query: expected ')'");
        return std::nullopt;
      }
      Take();
      if (Peek().kind == Tok::kCaret) Take();  // boosts do not change matching
      return q;
    }
    return ParseTerm(field);
  }

  MaybePred ParseTerm(const std::optional<std::string>& field) {
    Token t = Take();
    if (Peek().kind == Tok::kTilde) {
      Fail(true, "fuzzy or proximity");
      return std::nullopt;
    }
    if (Peek().kind == Tok::kCaret) Take();
    switch (t.kind) {
      case Tok::kTerm: return FieldQuery(field, DiscardEscapes(t.text), false);
      case Tok::kQuoted: return FieldQuery(field, t.text, true);
      case Tok::kPrefix: {
        std::string text = DiscardEscapes(t.text.substr(0, t.text.size() - 1));
        return PerField(field, [&](int f, const std::string& name) { return PrefixOn(f, name, text); });
      }
      case Tok::kStar: {
        if (field && *field == "*") return Pred([](const PreparedDoc&) { return true; });
        return PerField(field, [&](int f, const std::string&) -> MaybePred {
          if (f < 0) return Pred([](const PreparedDoc&) { return false; });
          return Pred([f](const PreparedDoc& d) { return HasValue(d, f); });
        });
      }
      case Tok::kWild:
        Fail(true, "query_string wildcard terms other than a trailing '*'");
        return std::nullopt;
      default:
        Fail(false, "Cannot parse query: unexpected '" + t.text + "'");
        return std::nullopt;
    }
  }

  // Runs `one` on every target field and ORs the results (dis_max matches
  // when any field does); fields whose query is null are left out.
  template <typename F>
  MaybePred PerField(const std::optional<std::string>& field, F one) {
    std::vector<std::string> names;
    if (field) {
      if (field->find('*') != std::string::npos) {
        Fail(true, "query_string field patterns");
        return std::nullopt;
      }
      names.push_back(*field);
    } else {
      names = opt_.fields;
    }
    std::vector<Pred> preds;
    for (const auto& name : names) {
      MaybePred p = one(FindField(name), name);
      if (failed_) return std::nullopt;
      if (p) preds.push_back(*p);
    }
    return AnyOf(preds);
  }

  bool NumericField(int f, const std::string& name) {
    if (f >= 0 && (Fields()[f].type == FieldType::kLong || Fields()[f].type == FieldType::kDate)) {
      Fail(true, "query_string on the numeric or date field " + name);
      return true;
    }
    return false;
  }

  // getFieldQuery: the text analysed per field (forced analyzer or the
  // field's), one term, an AND/OR of terms, or a phrase when quoted.
  MaybePred FieldQuery(const std::optional<std::string>& field, const std::string& text, bool quoted) {
    if (field && *field == "_exists_") {
      int f = FindField(text);
      if (f < 0) return Pred([](const PreparedDoc&) { return false; });
      return Pred([f](const PreparedDoc& d) { return HasValue(d, f); });
    }
    return PerField(field, [&](int f, const std::string& name) -> MaybePred {
      if (f < 0) return Pred([](const PreparedDoc&) { return false; });  // unmapped: no match
      if (NumericField(f, name)) return std::nullopt;
      std::vector<std::string> tokens = Analyze(f, text, opt_.analyzer);
      if (tokens.empty()) return std::nullopt;
      if (tokens.size() == 1) {
        return AnyTerm(f, [t = tokens[0]](const std::string& s) { return s == t; });
      }
      if (quoted) {
        if (Fields()[f].type != FieldType::kText) {
          // No positions on keyword fields: lenient makes it a no-match.
          if (opt_.lenient) return Pred([](const PreparedDoc&) { return false; });
          Fail(false, "field:[" + name + "] was indexed without position data; cannot run PhraseQuery");
          return std::nullopt;
        }
        int64_t slop = opt_.phrase_slop;
        return Pred([f, tokens, slop](const PreparedDoc& d) { return PhraseMatches(d.values[f].tokens, tokens, slop); });
      }
      std::vector<Clause> clauses;
      for (const auto& tok : tokens) {
        clauses.push_back({AnyTerm(f, [tok](const std::string& s) { return s == tok; }),
                           opt_.and_default ? Occur::kMust : Occur::kShould});
      }
      return BooleanOf(clauses);
    });
  }

  // getPrefixQuery for one field.
  MaybePred PrefixOn(int f, const std::string& name, const std::string& text) {
    if (f < 0) return Pred([](const PreparedDoc&) { return false; });
    if (NumericField(f, name)) return std::nullopt;
    bool standard = opt_.analyzer == Analyzer::kStandard ||
                    (opt_.analyzer == Analyzer::kDefault && Fields()[f].type == FieldType::kText);
    auto prefix_pred = [f](const std::string& p) {
      return AnyTerm(f, [p](const std::string& s) { return s.compare(0, p.size(), p) == 0; });
    };
    if (!opt_.analyze_wildcard) {
      // Lucene normalises the prefix with the analyzer: lower-casing for standard.
      return prefix_pred(standard ? LowerCase(text) : text);
    }
    std::vector<std::string> tokens = standard ? StandardAnalyze(text) : std::vector<std::string>{text};
    if (tokens.empty()) return std::nullopt;
    if (tokens.size() == 1) return prefix_pred(tokens[0]);
    std::vector<Clause> clauses;
    for (size_t i = 0; i < tokens.size(); ++i) {
      Pred p = i + 1 == tokens.size()
                   ? prefix_pred(tokens[i])
                   : AnyTerm(f, [t = tokens[i]](const std::string& s) { return s == t; });
      clauses.push_back({p, opt_.and_default ? Occur::kMust : Occur::kShould});
    }
    return BooleanOf(clauses);
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  Options opt_;
  bool failed_ = false;
  Problem problem_;
};

template <typename T>
Compiled<T> Err(bool unsupported, std::string message) {
  Compiled<T> c;
  c.problem.unsupported = unsupported;
  c.problem.message = std::move(message);
  return c;
}

}  // namespace

Compiled<CompiledQuery> CompileQueryString(const Value& params, const QueryContext&) {
  using R = Compiled<CompiledQuery>;
  if (!params.is_object()) return Err<CompiledQuery>(false, "[query_string] query malformed");
  Options opt;
  std::optional<std::string> query;
  std::optional<std::string> default_field;
  static const std::set<std::string> ignored = {
      "boost", "_name", "auto_generate_phrase_queries", "split_on_whitespace",
      "allow_leading_wildcard", "enable_position_increments", "fuzziness",
      "fuzzy_prefix_length", "fuzzy_max_expansions", "fuzzy_rewrite", "fuzzy_transpositions",
      "max_determinized_states", "rewrite", "tie_breaker", "time_zone", "escape",
      "auto_generate_synonyms_phrase_query", "use_dis_max"};
  for (const auto& [k, v] : params.members()) {
    if (k == "query") {
      if (!v.is_string()) return Err<CompiledQuery>(false, "[query_string] query must be a string");
      query = v.text();
    } else if (k == "fields") {
      if (!v.is_array()) return Err<CompiledQuery>(false, "[query_string] fields must be an array");
      for (const auto& f : v.items()) {
        if (!f.is_string()) return Err<CompiledQuery>(false, "[query_string] fields must be strings");
        std::string name = f.text().substr(0, f.text().find('^'));  // boosts ignored
        if (name.find('*') != std::string::npos) return Err<CompiledQuery>(true, "query_string field patterns");
        opt.fields.push_back(name);
      }
    } else if (k == "default_field") {
      if (!v.is_string()) return Err<CompiledQuery>(false, "[query_string] default_field must be a string");
      default_field = v.text();
    } else if (k == "default_operator") {
      std::string op = v.is_string() ? v.text() : "";
      std::transform(op.begin(), op.end(), op.begin(), ::tolower);
      if (op != "and" && op != "or") return Err<CompiledQuery>(false, "Unsupported default_operator " + json::Write(v));
      opt.and_default = op == "and";
    } else if (k == "analyzer") {
      if (!v.is_string()) return Err<CompiledQuery>(false, "[query_string] analyzer must be a string");
      if (v.text() == "standard") {
        opt.analyzer = Analyzer::kStandard;
      } else if (v.text() == "keyword") {
        opt.analyzer = Analyzer::kKeyword;
      } else {
        return Err<CompiledQuery>(true, "analyzer " + v.text());
      }
    } else if (k == "analyze_wildcard") {
      if (!v.is_bool()) return Err<CompiledQuery>(false, "[query_string] analyze_wildcard must be a boolean");
      opt.analyze_wildcard = v.as_bool();
    } else if (k == "lenient") {
      if (!v.is_bool()) return Err<CompiledQuery>(false, "[query_string] lenient must be a boolean");
      opt.lenient = v.as_bool();
    } else if (k == "phrase_slop") {
      auto n = IntParam(v);
      if (!n) return Err<CompiledQuery>(false, "[query_string] phrase_slop must be an integer");
      opt.phrase_slop = *n;
    } else if (k == "type") {
      if (!v.is_string() || v.text() != "best_fields") return Err<CompiledQuery>(true, "query_string type");
    } else if (k == "minimum_should_match" || k == "quote_analyzer" || k == "quote_field_suffix") {
      return Err<CompiledQuery>(true, "query_string " + k);
    } else if (!ignored.count(k)) {
      return Err<CompiledQuery>(false, "[query_string] query does not support [" + k + "]");
    }
  }
  if (!query) return Err<CompiledQuery>(false, "[query_string] must be provided with a [query]");
  if (opt.fields.empty()) {
    if (!default_field || *default_field == "*") {
      return Err<CompiledQuery>(true, "query_string over every field");
    }
    if (default_field->find('*') != std::string::npos) return Err<CompiledQuery>(true, "query_string field patterns");
    opt.fields.push_back(*default_field);
  }
  std::vector<Token> tokens;
  std::string unsupported;
  if (!Lex(*query, &tokens, &unsupported)) return Err<CompiledQuery>(true, "query_string syntax: " + unsupported);
  Parser parser(std::move(tokens), opt);
  MaybePred q = parser.ParseAll();
  if (parser.failed()) {
    R r;
    r.problem = parser.problem();
    return r;
  }
  R r;
  // Nothing left (an empty query string): matches nothing.
  r.value = CompiledQuery{q ? *q : Pred([](const PreparedDoc&) { return false; }), std::nullopt};
  return r;
}

}  // namespace buildhub::search::oracle
