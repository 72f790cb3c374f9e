// Lucene RegExp (as in Lucene 7.7, which ES 6.7 runs) parsed into a small
// syntax tree, built into an automaton, determinised under caps; wildcard and
// prefix matchers; an LRU cache of compiled automata.
//
// The parser follows Lucene's recursive-descent grammar and its quirks: any
// character where an operand is expected is a literal (so a leading `*`, `+`,
// `?`, `|`, `)` or `&` matches itself), `\x` is always the literal x,
// `[]a]` is a class holding `]` and `a`, `~` binds tighter than the postfix
// operators, and a repeat of a repeat is legal. Concatenation, union and
// intersection are parsed with loops rather than Lucene's right recursion,
// and nesting is capped, so that no pattern can exhaust the stack.

#include "search/regexp.h"

#include <algorithm>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/utf8.h"
#include "search/automaton.h"

namespace buildhub::search {
namespace {

// Deepest syntax tree accepted; bounds the recursion of parser and builder.
constexpr int kMaxHeight = 256;
// Whatever cap a caller asks for, no automaton grows beyond this.
constexpr size_t kMaxStatesCap = 100000;
constexpr size_t kCacheEntries = 256;
constexpr size_t kCacheBytes = 64 << 20;
constexpr size_t kMaxCachedPatternBytes = 4096;
constexpr int64_t kJavaIntMax = 2147483647;

using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;

struct Node {
  enum class Kind {
    kUnion,
    kConcat,
    kIntersect,
    kOptional,
    kStar,
    kRepeat,  // min..max, max < 0 unbounded
    kComplement,
    kRanges,  // one code point out of `ranges`
    kString,  // the literal `cps`
    kAnyString,
    kEmptyLanguage,
    kInterval,
    kNamed,
  };
  Kind kind = Kind::kString;
  std::vector<std::unique_ptr<Node>> kids;
  Ranges ranges;
  std::vector<uint32_t> cps;
  int64_t min = 0;
  int64_t max = -1;
  int digits = 0;
  std::string name;
  int height = 1;
};
using NodePtr = std::unique_ptr<Node>;

NodePtr Leaf(Node::Kind kind) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  return n;
}

// Sorts and merges ranges.
Ranges Normalize(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& [lo, hi] : r) {
    if (!out.empty() && lo <= out.back().second + 1) {
      out.back().second = std::max(out.back().second, hi);
    } else {
      out.emplace_back(lo, hi);
    }
  }
  return out;
}

Ranges ComplementRanges(const Ranges& normalized) {
  Ranges out;
  uint32_t next = 0;
  for (const auto& [lo, hi] : normalized) {
    if (lo > next) out.emplace_back(next, lo - 1);
    if (hi >= kMaxCodePoint) return out;
    next = hi + 1;
  }
  out.emplace_back(next, kMaxCodePoint);
  return out;
}

// ------------------------------------------------------------------ parser

class Parser {
 public:
  Parser(std::vector<uint32_t> cps, std::vector<size_t> pos16, int flags)
      : cps_(std::move(cps)), pos16_(std::move(pos16)), flags_(flags) {}

  Result<NodePtr> Parse() {
    if (cps_.empty()) return Leaf(Node::Kind::kString);  // "" matches the empty term
    auto e = ParseUnion(0);
    if (!e.ok()) return e;
    if (More()) return Error("end-of-string expected at position " + Pos());
    return e;
  }

 private:
  bool More() const { return i_ < cps_.size(); }
  bool Check(int flag) const { return (flags_ & flag) != 0; }
  bool Peek(std::u32string_view set) const {
    return More() && set.find(static_cast<char32_t>(cps_[i_])) != std::u32string_view::npos;
  }
  bool Match(uint32_t c) {
    if (More() && cps_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  // Position as Java reports it: UTF-16 units from the start.
  std::string Pos() const { return std::to_string(pos16_[i_]); }
  static Status Error(std::string message) { return InvalidArgument(std::move(message)); }

  Result<uint32_t> Next() {
    if (!More()) return Error("unexpected end-of-string");
    return cps_[i_++];
  }
  Result<uint32_t> ParseCharExp() {
    Match('\\');
    return Next();
  }

  Result<NodePtr> Wrap(Node::Kind kind, std::vector<NodePtr> kids) {
    if (kids.size() == 1 && (kind == Node::Kind::kUnion || kind == Node::Kind::kConcat ||
                             kind == Node::Kind::kIntersect)) {
      return std::move(kids[0]);
    }
    auto n = Leaf(kind);
    int height = 0;
    for (const auto& k : kids) height = std::max(height, k->height);
    n->height = height + 1;
    n->kids = std::move(kids);
    if (n->height > kMaxHeight) {
      return Error("regular expression nested too deeply at position " + Pos() + " (limit " +
                   std::to_string(kMaxHeight) + ")");
    }
    return n;
  }
  Result<NodePtr> Wrap1(Node::Kind kind, NodePtr kid) {
    std::vector<NodePtr> kids;
    kids.push_back(std::move(kid));
    return Wrap(kind, std::move(kids));
  }

  // unionexp: interexp ('|' interexp)*; interexp: concatexp ('&' concatexp)*;
  // concatexp: repeatexp+ (stopping before ')' '|' and, with the flag, '&').
  Result<NodePtr> ParseUnion(int depth) {
    std::vector<NodePtr> alternatives;
    for (;;) {
      std::vector<NodePtr> intersected;
      for (;;) {
        std::vector<NodePtr> items;
        for (;;) {
          auto item = ParseRepeat(depth);
          if (!item.ok()) return item.status();
          NodePtr node = std::move(item).value();
          // Runs of literals become one string (as Lucene's makeConcatenation).
          if (!items.empty() && items.back()->kind == Node::Kind::kString &&
              node->kind == Node::Kind::kString) {
            auto& cps = items.back()->cps;
            cps.insert(cps.end(), node->cps.begin(), node->cps.end());
          } else {
            items.push_back(std::move(node));
          }
          if (!More() || Peek(U")|") || (Check(TermMatcher::kIntersection) && Peek(U"&"))) break;
        }
        auto concat = Wrap(Node::Kind::kConcat, std::move(items));
        if (!concat.ok()) return concat;
        intersected.push_back(std::move(concat).value());
        if (Check(TermMatcher::kIntersection) && Match('&')) continue;
        break;
      }
      auto inter = Wrap(Node::Kind::kIntersect, std::move(intersected));
      if (!inter.ok()) return inter;
      alternatives.push_back(std::move(inter).value());
      if (Match('|')) continue;
      break;
    }
    return Wrap(Node::Kind::kUnion, std::move(alternatives));
  }

  // repeatexp: complexp ('?' | '*' | '+' | '{n}' | '{n,}' | '{n,m}')*
  // complexp: '~' complexp | charclassexp
  Result<NodePtr> ParseRepeat(int depth) {
    int tildes = 0;
    while (Check(TermMatcher::kComplement) && Match('~')) ++tildes;
    auto atom = ParseAtom(depth);
    if (!atom.ok()) return atom;
    NodePtr e = std::move(atom).value();
    if (tildes % 2 == 1) {  // ~~x is x
      auto c = Wrap1(Node::Kind::kComplement, std::move(e));
      if (!c.ok()) return c;
      e = std::move(c).value();
    }
    while (Peek(U"?*+{")) {
      const Node::Kind k = e->kind;
      if (Match('?')) {
        if (k == Node::Kind::kOptional || k == Node::Kind::kStar) continue;  // same language
        auto n = Wrap1(Node::Kind::kOptional, std::move(e));
        if (!n.ok()) return n;
        e = std::move(n).value();
      } else if (Match('*')) {
        if (k == Node::Kind::kStar) continue;
        if (k == Node::Kind::kOptional || (k == Node::Kind::kRepeat && e->max < 0 && e->min <= 1)) {
          e->kind = Node::Kind::kStar;  // (x?)* and (x+)* are x*
          continue;
        }
        auto n = Wrap1(Node::Kind::kStar, std::move(e));
        if (!n.ok()) return n;
        e = std::move(n).value();
      } else if (Match('+')) {
        if (k == Node::Kind::kStar || (k == Node::Kind::kRepeat && e->max < 0 && e->min == 1)) continue;
        auto n = Wrap1(Node::Kind::kRepeat, std::move(e));
        if (!n.ok()) return n;
        e = std::move(n).value();
        e->min = 1;
        e->max = -1;
      } else if (Match('{')) {
        auto n = ParseInt();
        if (!n.ok()) return n.status();
        int64_t m = *n;
        if (Match(',')) {
          m = -1;
          if (Peek(U"0123456789")) {
            auto mm = ParseInt();
            if (!mm.ok()) return mm.status();
            m = *mm;
          }
        }
        if (!Match('}')) return Error("expected '}' at position " + Pos());
        auto r = Wrap1(Node::Kind::kRepeat, std::move(e));
        if (!r.ok()) return r;
        e = std::move(r).value();
        e->min = *n;
        e->max = m;
      }
    }
    return e;
  }

  Result<int64_t> ParseInt() {
    const size_t start = i_;
    int64_t value = 0;
    while (Peek(U"0123456789")) {
      value = value * 10 + (cps_[i_] - '0');
      if (value > kJavaIntMax) {
        return Error("number too large at position " + std::to_string(pos16_[start]) +
                     " (at most 2147483647)");
      }
      ++i_;
    }
    if (start == i_) return Error("integer expected at position " + Pos());
    return value;
  }

  // charclassexp: '[' '^'? charclass+ ']' | simpleexp
  Result<NodePtr> ParseAtom(int depth) {
    if (Match('[')) {
      const bool negate = Match('^');
      Ranges ranges;
      do {
        auto c = ParseCharExp();
        if (!c.ok()) return c.status();
        if (Match('-')) {
          auto to = ParseCharExp();
          if (!to.ok()) return to.status();
          if (*c > *to) {
            return Error("invalid range: from (" + std::to_string(*c) + ") cannot be > to (" +
                         std::to_string(*to) + ")");
          }
          ranges.emplace_back(*c, *to);
        } else {
          ranges.emplace_back(*c, *c);
        }
      } while (More() && !Peek(U"]"));
      ranges = Normalize(std::move(ranges));
      if (negate) ranges = ComplementRanges(ranges);
      if (!Match(']')) return Error("expected ']' at position " + Pos());
      auto n = Leaf(Node::Kind::kRanges);
      n->ranges = std::move(ranges);
      return n;
    }
    if (Match('.')) {
      auto n = Leaf(Node::Kind::kRanges);
      n->ranges = {{0, kMaxCodePoint}};
      return n;
    }
    if (Check(TermMatcher::kEmpty) && Match('#')) return Leaf(Node::Kind::kEmptyLanguage);
    if (Check(TermMatcher::kAnyString) && Match('@')) return Leaf(Node::Kind::kAnyString);
    if (Match('"')) {
      auto n = Leaf(Node::Kind::kString);
      while (More() && !Peek(U"\"")) n->cps.push_back(cps_[i_++]);
      if (!Match('"')) return Error("expected '\"' at position " + Pos());
      return n;
    }
    if (Match('(')) {
      if (Match(')')) return Leaf(Node::Kind::kString);
      if (depth + 1 >= kMaxHeight) {
        return Error("regular expression nested too deeply at position " + Pos() + " (limit " +
                     std::to_string(kMaxHeight) + ")");
      }
      auto e = ParseUnion(depth + 1);
      if (!e.ok()) return e;
      if (!Match(')')) return Error("expected ')' at position " + Pos());
      return e;
    }
    if ((Check(TermMatcher::kNamedAutomaton) || Check(TermMatcher::kInterval)) && Match('<')) {
      const size_t start = i_;
      while (More() && !Peek(U">")) ++i_;
      if (!Match('>')) return Error("expected '>' at position " + Pos());
      const std::string at = std::to_string(pos16_[i_ - 1]);
      std::vector<uint32_t> body(cps_.begin() + start, cps_.begin() + (i_ - 1));
      const auto dash = std::find(body.begin(), body.end(), static_cast<uint32_t>('-'));
      if (dash == body.end()) {
        if (!Check(TermMatcher::kNamedAutomaton)) return Error("interval syntax error at position " + at);
        auto n = Leaf(Node::Kind::kNamed);
        for (uint32_t cp : body) utf8::Append(cp, &n->name);
        return n;
      }
      if (!Check(TermMatcher::kInterval)) return Error("illegal identifier at position " + at);
      return ParseInterval(body, dash - body.begin(), at);
    }
    auto c = ParseCharExp();
    if (!c.ok()) return c.status();
    auto n = Leaf(Node::Kind::kString);
    n->cps.push_back(*c);
    return n;
  }

  // <n-m>: Java's Integer.parseInt on each side of the only '-'.
  Result<NodePtr> ParseInterval(const std::vector<uint32_t>& body, size_t dash, const std::string& at) {
    auto syntax_error = [&] { return Error("interval syntax error at position " + at); };
    if (dash == 0 || dash + 1 == body.size() ||
        std::count(body.begin(), body.end(), static_cast<uint32_t>('-')) != 1) {
      return syntax_error();
    }
    auto parse = [&](size_t from, size_t to, int64_t* out) {
      if (from < to && body[from] == '+') ++from;
      if (from == to) return false;
      int64_t v = 0;
      for (size_t k = from; k < to; ++k) {
        if (body[k] < '0' || body[k] > '9') return false;
        v = v * 10 + (body[k] - '0');
        if (v > kJavaIntMax) return false;
      }
      *out = v;
      return true;
    };
    int64_t lo = 0, hi = 0;
    if (!parse(0, dash, &lo) || !parse(dash + 1, body.size(), &hi)) return syntax_error();
    auto n = Leaf(Node::Kind::kInterval);
    n->digits = (dash == body.size() - dash - 1) ? static_cast<int>(dash) : 0;
    n->min = std::min(lo, hi);
    n->max = std::max(lo, hi);
    return n;
  }

  std::vector<uint32_t> cps_;
  std::vector<size_t> pos16_;  // UTF-16 offset of each code point, plus the end
  int flags_;
  size_t i_ = 0;
};

// ----------------------------------------------------------------- builder

std::string Pad(int64_t value, size_t width) {
  std::string s = std::to_string(value);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

// Digit strings of exactly lo.size() characters between lo and hi (equal
// lengths, lo <= hi), tracking per position whether we still follow lo/hi.
Result<Nfa::Fragment> FixedLengthRange(Nfa& nfa, const std::string& lo, const std::string& hi) {
  const size_t len = lo.size();
  auto base = nfa.AddStates(4 * (len + 1) + 1);
  if (!base.ok()) return base.status();
  auto id = [&](size_t i, int tight) { return *base + static_cast<int32_t>(i * 4 + tight); };
  const int32_t end = *base + static_cast<int32_t>(4 * (len + 1));
  for (size_t i = 0; i < len; ++i) {
    for (int tight = 0; tight < 4; ++tight) {
      const bool tlo = tight & 1, thi = tight & 2;
      const char low = tlo ? lo[i] : '0';
      const char high = thi ? hi[i] : '9';
      for (char d = low; d <= high; ++d) {
        const int next = ((tlo && d == lo[i]) ? 1 : 0) | ((thi && d == hi[i]) ? 2 : 0);
        nfa.AddEdge(id(i, tight), static_cast<uint32_t>(d), static_cast<uint32_t>(d), id(i + 1, next));
      }
    }
  }
  for (int tight = 0; tight < 4; ++tight) nfa.AddEpsilon(id(len, tight), end);
  return Nfa::Fragment{id(0, 3), end, *base, end + 1};
}

// Lucene's makeDecimalInterval: fixed width when `digits` > 0, otherwise any
// number of leading zeros.
Result<Nfa::Fragment> Interval(Nfa& nfa, int64_t min, int64_t max, int digits) {
  if (digits > 0) {
    int64_t cap = 1;
    for (int i = 0; i < digits && cap <= kJavaIntMax; ++i) cap *= 10;
    const int64_t hi = std::min(max, cap - 1);
    if (min > hi) return nfa.EmptyLanguage();
    return FixedLengthRange(nfa, Pad(min, digits), Pad(hi, digits));
  }
  auto zeros = nfa.AddStates(1);
  if (!zeros.ok()) return zeros.status();
  nfa.AddEdge(*zeros, '0', '0', *zeros);
  std::vector<Nfa::Fragment> blocks;
  const size_t max_len = std::to_string(max).size();
  int64_t low_of_len = 0, high_of_len = 9;
  for (size_t len = 1; len <= max_len; ++len) {
    const int64_t a = std::max(min, low_of_len);
    const int64_t b = std::min(max, high_of_len);
    if (a <= b) {
      auto block = FixedLengthRange(nfa, Pad(a, len), Pad(b, len));
      if (!block.ok()) return block;
      blocks.push_back(*block);
    }
    low_of_len = (len == 1) ? 10 : low_of_len * 10;
    high_of_len = high_of_len * 10 + 9;
  }
  auto exit = nfa.AddStates(1);
  if (!exit.ok()) return exit.status();
  for (const auto& b : blocks) {
    nfa.AddEpsilon(*zeros, b.start);
    nfa.AddEpsilon(b.end, *exit);
  }
  return Nfa::Fragment{*zeros, *exit, *zeros, *exit + 1};
}

class Builder {
 public:
  explicit Builder(const AutomatonLimits& limits) : limits_(limits) {}

  Result<Dfa> Compile(const Node& root) {
    Nfa nfa(limits_);
    return BuildDfa(root, &nfa);
  }

 private:
  Result<Dfa> BuildDfa(const Node& node, Nfa* nfa) {
    auto f = Build(node, nfa);
    if (!f.ok()) return f.status();
    work_ += nfa->size();
    return Determinize(*nfa, *f, limits_, &work_);
  }

  Result<Nfa::Fragment> Build(const Node& n, Nfa* nfa) {
    using K = Node::Kind;
    switch (n.kind) {
      case K::kRanges:
        return nfa->Ranges(n.ranges);
      case K::kString:
        return nfa->String(n.cps);
      case K::kAnyString:
        return nfa->AnyString();
      case K::kEmptyLanguage:
        return nfa->EmptyLanguage();
      case K::kInterval:
        return Interval(*nfa, n.min, n.max, n.digits);
      case K::kNamed:
        return InvalidArgument("'" + n.name + "' not found");
      case K::kConcat:
      case K::kUnion: {
        std::vector<Nfa::Fragment> parts;
        for (const auto& kid : n.kids) {
          auto f = Build(*kid, nfa);
          if (!f.ok()) return f;
          parts.push_back(*f);
        }
        return n.kind == K::kConcat ? nfa->Concat(parts) : nfa->Union(parts);
      }
      case K::kOptional:
      case K::kStar:
      case K::kRepeat: {
        auto f = Build(*n.kids[0], nfa);
        if (!f.ok()) return f;
        if (n.kind == K::kOptional) return nfa->Optional(*f);
        if (n.kind == K::kStar) return nfa->Star(*f);
        return nfa->Repeat(*f, n.min, n.max);
      }
      case K::kComplement: {
        // Complement needs a DFA: build the operand on its own, determinise.
        Nfa sub(limits_);
        auto dfa = BuildDfa(*n.kids[0], &sub);
        if (!dfa.ok()) return dfa.status();
        auto comp = Complement(*dfa, limits_);
        if (!comp.ok()) return comp.status();
        return nfa->FromDfa(*comp);
      }
      case K::kIntersect: {
        std::optional<Dfa> acc;
        for (const auto& kid : n.kids) {
          Nfa sub(limits_);
          auto dfa = BuildDfa(*kid, &sub);
          if (!dfa.ok()) return dfa.status();
          if (!acc) {
            acc = std::move(dfa).value();
            continue;
          }
          auto both = Intersect(*acc, *dfa, limits_, &work_);
          if (!both.ok()) return both.status();
          acc = std::move(both).value();
        }
        return nfa->FromDfa(*acc);
      }
    }
    return Internal("unknown regexp node");
  }

  AutomatonLimits limits_;
  size_t work_ = 0;
};

// ------------------------------------------------------------------- input

// Code points of `text` and the UTF-16 offset of each (plus the end), or an
// error for ill-formed UTF-8.
Status Decode(std::string_view text, std::string_view what, std::vector<uint32_t>* cps,
              std::vector<size_t>* pos16) {
  const size_t bad = utf8::FirstInvalidByte(text);
  if (bad != std::string_view::npos) {
    return InvalidArgument(std::string(what) + " is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  }
  size_t pos = 0, units = 0;
  while (pos < text.size()) {
    pos16->push_back(units);
    const uint32_t cp = utf8::DecodeNext(text, &pos);
    cps->push_back(cp);
    units += cp >= 0x10000 ? 2 : 1;
  }
  pos16->push_back(units);
  return Status::Ok();
}

// Patterns echoed in errors are cut, so a 100 KB pattern gives a short error.
std::string Shown(std::string_view pattern) {
  constexpr size_t kMax = 120;
  if (pattern.size() <= kMax) return std::string(pattern);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(pattern[cut]) & 0xC0) == 0x80) --cut;
  return std::string(pattern.substr(0, cut)) + "...";
}

Status Reword(const Status& s, std::string_view kind, std::string_view pattern) {
  if (s.code() != StatusCode::kResourceExhausted) return s;
  if (IsStateLimitError(s)) {
    return ResourceExhausted("Determinizing " + Shown(pattern) + " " + s.message() + ".");
  }
  return ResourceExhausted(std::string(kind) + " [" + Shown(pattern) + "] " + s.message());
}

AutomatonLimits LimitsFor(size_t max_states) {
  AutomatonLimits limits;
  // A caller that raises the state cap (ES max_determinized_states) gets a
  // proportionally larger work budget, within reason: at most ~0.5 s.
  limits.max_dfa_states = std::clamp<size_t>(max_states, 1, kMaxStatesCap);
  limits.max_work = std::clamp<size_t>(limits.max_dfa_states * 300, limits.max_work, 15'000'000);
  limits.max_nfa_states = std::clamp<size_t>(limits.max_dfa_states * 20, limits.max_nfa_states, 1'000'000);
  return limits;
}

Result<std::shared_ptr<const Automaton>> CompileRegexp(std::string_view pattern, size_t max_states,
                                                       int flags) {
  std::vector<uint32_t> cps;
  std::vector<size_t> pos16;
  if (Status s = Decode(pattern, "regular expression", &cps, &pos16); !s.ok()) return s;
  Parser parser(std::move(cps), std::move(pos16), flags);
  auto tree = parser.Parse();
  if (!tree.ok()) return tree.status();
  Builder builder(LimitsFor(max_states));
  auto dfa = builder.Compile(**tree);
  if (!dfa.ok()) return Reword(dfa.status(), "Regular expression", pattern);
  return std::make_shared<const Automaton>(std::move(dfa).value());
}

Result<std::shared_ptr<const Automaton>> CompileWildcard(std::string_view pattern, size_t max_states) {
  std::vector<uint32_t> cps;
  std::vector<size_t> pos16;
  if (Status s = Decode(pattern, "wildcard pattern", &cps, &pos16); !s.ok()) return s;
  const AutomatonLimits limits = LimitsFor(max_states);
  Nfa nfa(limits);
  std::vector<Nfa::Fragment> parts;
  std::vector<uint32_t> literal;
  auto flush = [&]() -> Status {
    if (literal.empty()) return Status::Ok();
    auto f = nfa.String(literal);
    if (!f.ok()) return f.status();
    parts.push_back(*f);
    literal.clear();
    return Status::Ok();
  };
  bool previous_star = false;
  for (size_t i = 0; i < cps.size(); ++i) {
    const uint32_t c = cps[i];
    if (c == '*' || c == '?') {
      if (c == '*' && previous_star) continue;  // ** is *
      if (Status s = flush(); !s.ok()) return Reword(s, "Wildcard pattern", pattern);
      auto f = c == '*' ? nfa.AnyString() : nfa.Range(0, kMaxCodePoint);
      if (!f.ok()) return Reword(f.status(), "Wildcard pattern", pattern);
      parts.push_back(*f);
      previous_star = c == '*';
      continue;
    }
    previous_star = false;
    if (c == '\\' && i + 1 < cps.size()) {
      literal.push_back(cps[++i]);
    } else {
      literal.push_back(c);  // includes a trailing lone '\', as Lucene does
    }
  }
  if (Status s = flush(); !s.ok()) return Reword(s, "Wildcard pattern", pattern);
  auto whole = nfa.Concat(parts);
  if (!whole.ok()) return Reword(whole.status(), "Wildcard pattern", pattern);
  size_t work = nfa.size();
  auto dfa = Determinize(nfa, *whole, limits, &work);
  if (!dfa.ok()) return Reword(dfa.status(), "Wildcard pattern", pattern);
  return std::make_shared<const Automaton>(std::move(dfa).value());
}

// ------------------------------------------------------------------- cache

class AutomatonCache {
 public:
  struct Entry {
    std::shared_ptr<const Automaton> automaton;
    Status status;
  };

  bool Get(const std::string& key, Entry* out) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    lru_.splice(lru_.begin(), lru_, it->second);
    *out = it->second->second;
    return true;
  }

  void Put(const std::string& key, Entry entry) {
    const size_t size = Size(key, entry);
    if (size > kCacheBytes / 4) return;  // one huge automaton must not flush the rest
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      bytes_ -= Size(key, it->second->second);
      it->second->second = std::move(entry);
      bytes_ += size;
      lru_.splice(lru_.begin(), lru_, it->second);
    } else {
      lru_.emplace_front(key, std::move(entry));
      index_.emplace(key, lru_.begin());
      bytes_ += size;
    }
    // Bounded both in entries and in bytes.
    while (lru_.size() > kCacheEntries || (bytes_ > kCacheBytes && lru_.size() > 1)) {
      bytes_ -= Size(lru_.back().first, lru_.back().second);
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

 private:
  static size_t Size(const std::string& key, const Entry& entry) {
    return 2 * key.size() + entry.status.message().size() + 128 +
           (entry.automaton ? entry.automaton->memory_bytes() : 0);
  }

  std::mutex mu_;
  size_t bytes_ = 0;
  std::list<std::pair<std::string, Entry>> lru_;
  std::unordered_map<std::string, std::list<std::pair<std::string, Entry>>::iterator> index_;
};

AutomatonCache& Cache() {
  static AutomatonCache* cache = new AutomatonCache();  // never destroyed: safe at exit
  return *cache;
}

template <typename CompileFn>
Result<std::shared_ptr<const Automaton>> Cached(std::string key, size_t pattern_bytes, CompileFn compile) {
  const bool cacheable = pattern_bytes <= kMaxCachedPatternBytes;
  AutomatonCache::Entry entry;
  if (cacheable && Cache().Get(key, &entry)) {
    if (entry.automaton) return entry.automaton;
    return entry.status;
  }
  auto compiled = compile();
  if (cacheable) {
    if (compiled.ok()) {
      Cache().Put(key, {*compiled, Status::Ok()});
    } else {
      Cache().Put(key, {nullptr, compiled.status()});  // hostile patterns fail fast next time
    }
  }
  return compiled;
}

}  // namespace

TermMatcher::TermMatcher() = default;
TermMatcher::TermMatcher(const TermMatcher&) = default;
TermMatcher::TermMatcher(TermMatcher&&) noexcept = default;
TermMatcher& TermMatcher::operator=(const TermMatcher&) = default;
TermMatcher& TermMatcher::operator=(TermMatcher&&) noexcept = default;
TermMatcher::~TermMatcher() = default;

Result<int> TermMatcher::ParseFlags(std::string_view flags) {
  if (flags.empty()) return static_cast<int>(kAllFlags);
  int value = 0;
  size_t start = 0;
  while (start <= flags.size()) {
    size_t bar = flags.find('|', start);
    if (bar == std::string_view::npos) bar = flags.size();
    const std::string_view name = flags.substr(start, bar - start);
    start = bar + 1;
    if (name.empty()) continue;
    std::string upper(name);
    for (char& ch : upper) {
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
    }
    if (upper == "NONE") continue;
    if (upper == "ALL") return static_cast<int>(kAllFlags);
    if (upper == "INTERSECTION") {
      value |= kIntersection;
    } else if (upper == "COMPLEMENT") {
      value |= kComplement;
    } else if (upper == "EMPTY") {
      value |= kEmpty;
    } else if (upper == "ANYSTRING") {
      value |= kAnyString;
    } else if (upper == "INTERVAL") {
      value |= kInterval;
    } else {
      return InvalidArgument("Unknown regexp flag [" + std::string(name) + "]");
    }
  }
  return value;
}

Result<TermMatcher> TermMatcher::Regexp(std::string_view pattern, size_t max_states, int flags) {
  std::string key = "r" + std::to_string(flags) + ":" + std::to_string(max_states) + ":";
  key.append(pattern);
  auto automaton = Cached(std::move(key), pattern.size(),
                          [&] { return CompileRegexp(pattern, max_states, flags); });
  if (!automaton.ok()) return automaton.status();
  TermMatcher m;
  m.automaton_ = std::move(automaton).value();
  return m;
}

Result<TermMatcher> TermMatcher::Wildcard(std::string_view pattern, size_t max_states) {
  std::string key = "w" + std::to_string(max_states) + ":";
  key.append(pattern);
  auto automaton = Cached(std::move(key), pattern.size(),
                          [&] { return CompileWildcard(pattern, max_states); });
  if (!automaton.ok()) return automaton.status();
  TermMatcher m;
  m.automaton_ = std::move(automaton).value();
  return m;
}

TermMatcher TermMatcher::Prefix(std::string_view prefix) {
  TermMatcher m;
  m.is_prefix_ = true;
  m.prefix_ = std::string(prefix);
  return m;
}

bool TermMatcher::Matches(std::string_view term) const {
  if (is_prefix_) return term.substr(0, prefix_.size()) == prefix_;
  return automaton_ != nullptr && automaton_->Matches(term);
}

std::string_view TermMatcher::LiteralPrefix() const {
  if (is_prefix_) return prefix_;
  return automaton_ ? std::string_view(automaton_->literal_prefix()) : std::string_view();
}

bool TermMatcher::MatchesNothing() const {
  if (is_prefix_) return false;
  return automaton_ == nullptr || automaton_->matches_nothing();
}

}  // namespace buildhub::search
