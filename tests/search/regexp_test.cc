#include "search/regexp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace buildhub::search {
namespace {

TermMatcher Re(std::string_view pattern) {
  auto m = TermMatcher::Regexp(pattern);
  EXPECT_TRUE(m.ok()) << pattern << ": " << m.status().ToString();
  if (!m.ok()) return TermMatcher::Prefix("\x01never\x02");
  return *m;
}

std::string ReError(std::string_view pattern, int flags = TermMatcher::kAllFlags) {
  auto m = TermMatcher::Regexp(pattern, 10000, flags);
  if (m.ok()) return "(compiled)";
  return m.status().message();
}

// ------------------------------------------------------------ basic syntax

TEST(Regexp, IsAnchoredToTheWholeTerm) {
  auto m = Re("fire");
  EXPECT_TRUE(m.Matches("fire"));
  EXPECT_FALSE(m.Matches("firefox"));
  EXPECT_FALSE(m.Matches("afire"));
  EXPECT_TRUE(Re("fire.*").Matches("firefox"));
  EXPECT_TRUE(Re(".*fox").Matches("firefox"));
}

TEST(Regexp, EmptyPatternMatchesOnlyTheEmptyTerm) {
  auto m = Re("");
  EXPECT_TRUE(m.Matches(""));
  EXPECT_FALSE(m.Matches("a"));
  EXPECT_TRUE(Re("()").Matches(""));
  EXPECT_TRUE(Re("a()b").Matches("ab"));
}

TEST(Regexp, DotMatchesOneWholeCodePoint) {
  auto m = Re(".");
  EXPECT_TRUE(m.Matches("a"));
  EXPECT_TRUE(m.Matches("\xc3\xa9"));          // é
  EXPECT_TRUE(m.Matches("\xe6\x97\xa5"));      // 日
  EXPECT_TRUE(m.Matches("\xf0\x9f\x98\x80"));  // 😀
  EXPECT_FALSE(m.Matches(""));
  EXPECT_FALSE(m.Matches("ab"));
  EXPECT_FALSE(m.Matches("\xc3\xa9\xc3\xa9"));
  EXPECT_TRUE(Re("caf.").Matches("caf\xc3\xa9"));
  EXPECT_TRUE(Re("..").Matches("\xe6\x97\xa5\xe6\x9c\xac"));
}

TEST(Regexp, RepeatOperators) {
  EXPECT_TRUE(Re("a*").Matches(""));
  EXPECT_TRUE(Re("a*").Matches("aaaa"));
  EXPECT_FALSE(Re("a+").Matches(""));
  EXPECT_TRUE(Re("a+").Matches("aaa"));
  EXPECT_TRUE(Re("ab?c").Matches("ac"));
  EXPECT_TRUE(Re("ab?c").Matches("abc"));
  EXPECT_FALSE(Re("ab?c").Matches("abbc"));
  auto m = Re("a{2,3}");
  EXPECT_FALSE(m.Matches("a"));
  EXPECT_TRUE(m.Matches("aa"));
  EXPECT_TRUE(m.Matches("aaa"));
  EXPECT_FALSE(m.Matches("aaaa"));
  EXPECT_TRUE(Re("a{2}").Matches("aa"));
  EXPECT_FALSE(Re("a{2}").Matches("aaa"));
  EXPECT_TRUE(Re("a{2,}").Matches("aaaaaaa"));
  EXPECT_FALSE(Re("a{2,}").Matches("a"));
  EXPECT_TRUE(Re("a{0}").Matches(""));
  EXPECT_FALSE(Re("a{3,2}").Matches("aa"));  // min > max: the empty language, as Lucene
}

TEST(Regexp, RepeatOfRepeatIsLegal) {
  // `+?` is "optional one-or-more", not a lazy quantifier.
  auto m = Re("a+?");
  EXPECT_TRUE(m.Matches(""));
  EXPECT_TRUE(m.Matches("aaa"));
  EXPECT_TRUE(Re("a**").Matches("aa"));
  EXPECT_TRUE(Re("(ab){2}{2}").Matches("abababab"));
  EXPECT_FALSE(Re("(ab){2}{2}").Matches("ababab"));
  EXPECT_TRUE(Re("a{1,2}+").Matches("aaaaa"));
}

TEST(Regexp, AlternationAndGroups) {
  auto m = Re("fire(fox|bird)|thunder.*");
  EXPECT_TRUE(m.Matches("firefox"));
  EXPECT_TRUE(m.Matches("firebird"));
  EXPECT_TRUE(m.Matches("thunderbird"));
  EXPECT_FALSE(m.Matches("fire"));
  EXPECT_TRUE(Re("a|b|c").Matches("c"));
}

TEST(Regexp, CharacterClasses) {
  auto m = Re("[a-c0-9_]+");
  EXPECT_TRUE(m.Matches("abc_09"));
  EXPECT_FALSE(m.Matches("abcd"));
  auto neg = Re("[^a-c]");
  EXPECT_TRUE(neg.Matches("d"));
  EXPECT_TRUE(neg.Matches("\xc3\xa9"));
  EXPECT_FALSE(neg.Matches("a"));
  EXPECT_FALSE(neg.Matches("dd"));
  // A ']' first in a class is a member; '\' escapes inside classes too.
  EXPECT_TRUE(Re("[]a]").Matches("]"));
  EXPECT_TRUE(Re("[]a]").Matches("a"));
  EXPECT_TRUE(Re("[\\]]").Matches("]"));
  EXPECT_TRUE(Re("[\\-a]").Matches("-"));
  EXPECT_TRUE(Re("[.]").Matches("."));
  EXPECT_FALSE(Re("[.]").Matches("x"));
  EXPECT_TRUE(Re("[\xc3\xa0-\xc3\xbf]").Matches("\xc3\xa9"));
}

TEST(Regexp, BackslashIsAlwaysALiteral) {
  // No \d-style classes in Lucene 7: \d is the letter d.
  EXPECT_TRUE(Re("\\d").Matches("d"));
  EXPECT_FALSE(Re("\\d").Matches("1"));
  EXPECT_TRUE(Re("a\\.b").Matches("a.b"));
  EXPECT_FALSE(Re("a\\.b").Matches("axb"));
  EXPECT_TRUE(Re("\\\\").Matches("\\"));
  EXPECT_TRUE(Re("\\*").Matches("*"));
}

TEST(Regexp, QuotedStringsAreLiteral) {
  auto m = Re("\"a.b*\"c");
  EXPECT_TRUE(m.Matches("a.b*c"));
  EXPECT_FALSE(m.Matches("axbc"));
  EXPECT_TRUE(Re("\"\"").Matches(""));
}

TEST(Regexp, OperatorWhereAnOperandIsExpectedIsALiteral) {
  EXPECT_TRUE(Re("*a").Matches("*a"));
  EXPECT_TRUE(Re("+").Matches("+"));
  EXPECT_TRUE(Re("?x").Matches("?x"));
  EXPECT_TRUE(Re("|a").Matches("|a"));
  EXPECT_FALSE(Re("|a").Matches("a"));
  EXPECT_TRUE(Re("a||b").Matches("|b"));
  EXPECT_TRUE(Re("a||b").Matches("a"));
  EXPECT_TRUE(Re(")").Matches(")"));
  EXPECT_TRUE(Re("&a").Matches("&a"));
  EXPECT_TRUE(Re("{").Matches("{"));
  EXPECT_TRUE(Re("(*)").Matches("*"));
  EXPECT_TRUE(Re("$").Matches("$"));
  EXPECT_TRUE(Re("^a").Matches("^a"));
}

TEST(Regexp, IntersectionComplementAnyEmpty) {
  auto both = Re("a.*&.*z");
  EXPECT_TRUE(both.Matches("abcz"));
  EXPECT_FALSE(both.Matches("abc"));
  auto not_a = Re("~(a)");
  EXPECT_TRUE(not_a.Matches(""));
  EXPECT_TRUE(not_a.Matches("b"));
  EXPECT_TRUE(not_a.Matches("aa"));
  EXPECT_FALSE(not_a.Matches("a"));
  // ~ binds tighter than *: ~a* is (~a)*, which holds "aa" (itself not "a")
  // but not "a" (no way to cut it into non-"a" pieces).
  EXPECT_TRUE(Re("~a*").Matches("aa"));
  EXPECT_FALSE(Re("~a*").Matches("a"));
  EXPECT_FALSE(Re("~(a*)").Matches("aa"));
  EXPECT_TRUE(Re("~(a*)").Matches("ab"));
  auto de_morgan = Re("~(~a&~b)");
  EXPECT_TRUE(de_morgan.Matches("a"));
  EXPECT_TRUE(de_morgan.Matches("b"));
  EXPECT_FALSE(de_morgan.Matches("c"));
  EXPECT_FALSE(de_morgan.Matches("ab"));
  EXPECT_TRUE(Re("@").Matches(""));
  EXPECT_TRUE(Re("@").Matches("anything \xe6\x97\xa5"));
  EXPECT_TRUE(Re("fire@").Matches("firefox"));
  auto none = Re("#");
  EXPECT_FALSE(none.Matches(""));
  EXPECT_FALSE(none.Matches("#"));
  EXPECT_TRUE(none.MatchesNothing());
  EXPECT_TRUE(Re("a&b").MatchesNothing());
  EXPECT_FALSE(Re("a|#").MatchesNothing());
  EXPECT_TRUE(Re("a|#").Matches("a"));
  EXPECT_TRUE(Re("~~a").Matches("a"));
  EXPECT_FALSE(Re("~~a").Matches("b"));
}

TEST(Regexp, NumericIntervals) {
  auto m = Re("<1-10>");
  EXPECT_TRUE(m.Matches("1"));
  EXPECT_TRUE(m.Matches("10"));
  EXPECT_TRUE(m.Matches("007"));  // different widths: any leading zeros
  EXPECT_FALSE(m.Matches("0"));
  EXPECT_FALSE(m.Matches("11"));
  EXPECT_FALSE(m.Matches(""));
  auto fixed = Re("<01-10>");
  EXPECT_TRUE(fixed.Matches("01"));
  EXPECT_TRUE(fixed.Matches("10"));
  EXPECT_FALSE(fixed.Matches("1"));
  EXPECT_FALSE(fixed.Matches("010"));
  auto swapped = Re("<5-3>");
  EXPECT_TRUE(swapped.Matches("4"));
  EXPECT_FALSE(swapped.Matches("6"));
  auto big = Re("v<0-2147483647>");
  EXPECT_TRUE(big.Matches("v2147483647"));
  EXPECT_FALSE(big.Matches("v2147483648"));
  EXPECT_TRUE(Re("<0-00>").Matches("000"));
  EXPECT_FALSE(Re("<0-0>").Matches("00"));  // same widths: fixed width
  auto versions = Re("<60-69>\\..*");
  EXPECT_TRUE(versions.Matches("68.0b7"));
  EXPECT_FALSE(versions.Matches("70.0"));
  // Exhaustive against the definition for a range of small intervals.
  for (int lo : {0, 3, 9, 10, 42, 99, 100}) {
    for (int hi : {0, 5, 10, 57, 100, 123}) {
      for (bool pad : {false, true}) {
        std::string slo = std::to_string(lo), shi = std::to_string(hi);
        if (pad) {
          const size_t w = std::max(slo.size(), shi.size());
          slo.insert(0, w - slo.size(), '0');
          shi.insert(0, w - shi.size(), '0');
        }
        const std::string pattern = "<" + slo + "-" + shi + ">";
        auto iv = Re(pattern);
        const int a = std::min(lo, hi), b = std::max(lo, hi);
        const size_t digits = slo.size() == shi.size() ? slo.size() : 0;
        for (int v = 0; v <= 130; ++v) {
          for (int zeros = 0; zeros <= 2; ++zeros) {
            const std::string s = std::string(zeros, '0') + std::to_string(v);
            const bool want = v >= a && v <= b && (digits == 0 || s.size() == digits);
            ASSERT_EQ(iv.Matches(s), want) << pattern << " on " << s;
          }
        }
      }
    }
  }
}

// ------------------------------------------------------------ errors

TEST(Regexp, SyntaxErrorsReadLikeLucene) {
  EXPECT_EQ(ReError("(a"), "expected ')' at position 2");
  EXPECT_EQ(ReError("ab(c|d"), "expected ')' at position 6");
  EXPECT_EQ(ReError("a)"), "end-of-string expected at position 1");
  EXPECT_EQ(ReError("a|"), "unexpected end-of-string");
  EXPECT_EQ(ReError("a\\"), "unexpected end-of-string");
  EXPECT_EQ(ReError("~"), "unexpected end-of-string");
  EXPECT_EQ(ReError("[a"), "expected ']' at position 2");
  EXPECT_EQ(ReError("[]"), "expected ']' at position 2");
  EXPECT_EQ(ReError("[z-a]"), "invalid range: from (122) cannot be > to (97)");
  EXPECT_EQ(ReError("a{"), "integer expected at position 2");
  EXPECT_EQ(ReError("a{x}"), "integer expected at position 2");
  EXPECT_EQ(ReError("a{1"), "expected '}' at position 3");
  EXPECT_EQ(ReError("a{1,2"), "expected '}' at position 5");
  EXPECT_EQ(ReError("\"abc"), "expected '\"' at position 4");
  EXPECT_EQ(ReError("<1-"), "expected '>' at position 3");
  EXPECT_EQ(ReError("<a-b>"), "interval syntax error at position 4");
  EXPECT_EQ(ReError("<1-2-3>"), "interval syntax error at position 6");
  EXPECT_EQ(ReError("<-3>"), "interval syntax error at position 3");
  EXPECT_EQ(ReError("<99999999999-1>"), "interval syntax error at position 14");
  EXPECT_EQ(ReError("<foo>"), "'foo' not found");
  EXPECT_EQ(ReError("a{99999999999}"), "number too large at position 2 (at most 2147483647)");
  // Positions count UTF-16 units, as Java does: 😀 is two.
  EXPECT_EQ(ReError("\xf0\x9f\x98\x80(a"), "expected ')' at position 4");
  EXPECT_EQ(ReError("("), "unexpected end-of-string");
  EXPECT_EQ(ReError("\xff"), "regular expression is not valid UTF-8 (byte 0)");
  auto status = TermMatcher::Regexp("(a").status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
}

TEST(Regexp, FlagsTurnSyntaxOff) {
  const int none = TermMatcher::kNoFlags;
  auto literal = [&](std::string_view pattern, std::string_view term) {
    auto m = TermMatcher::Regexp(pattern, 10000, none);
    ASSERT_TRUE(m.ok()) << pattern;
    EXPECT_TRUE(m->Matches(term)) << pattern;
  };
  literal("a&b", "a&b");
  literal("~a", "~a");
  literal("#", "#");
  literal("@", "@");
  literal("<1-2>", "<1-2>");
  EXPECT_EQ(ReError("<ab>", TermMatcher::kInterval), "interval syntax error at position 3");
  EXPECT_EQ(ReError("<1-2>", TermMatcher::kNamedAutomaton), "illegal identifier at position 4");

  EXPECT_EQ(*TermMatcher::ParseFlags(""), TermMatcher::kAllFlags);
  EXPECT_EQ(*TermMatcher::ParseFlags("ALL"), TermMatcher::kAllFlags);
  EXPECT_EQ(*TermMatcher::ParseFlags("NONE"), 0);
  EXPECT_EQ(*TermMatcher::ParseFlags("intersection|Complement"),
            TermMatcher::kIntersection | TermMatcher::kComplement);
  EXPECT_EQ(*TermMatcher::ParseFlags("EMPTY||ANYSTRING|INTERVAL"),
            TermMatcher::kEmpty | TermMatcher::kAnyString | TermMatcher::kInterval);
  auto bad = TermMatcher::ParseFlags("INTERSECTION|BOGUS");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "Unknown regexp flag [BOGUS]");
}

// ------------------------------------------------------------ hostile

double MillisToCompileAndMatch(std::string_view pattern, const std::string& term, bool* ok,
                               bool* matched) {
  const auto start = std::chrono::steady_clock::now();
  auto m = TermMatcher::Regexp(pattern);
  *ok = m.ok();
  *matched = m.ok() && m->Matches(term);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Generous bound: the target is ~100 ms on a quiet core; tests share 2 cores.
constexpr double kHostileBudgetMs = 1500;

TEST(RegexpHostile, CatastrophicBacktrackingShapesCompileAndRunLinearly) {
  const std::string many_a(20000, 'a');
  struct Case {
    std::string pattern;
    std::string term;
    bool match;
  };
  const std::vector<Case> cases = {
      {"(a+)+$", many_a + "$", true},
      {"(a+)+$", many_a, false},
      {"(a|a)*b", many_a, false},
      {"(a|a)*b", many_a + "b", true},
      {"((a*)*)*", many_a, true},
      {"((a*)*)*b", many_a, false},
      {"(.*a){25}", many_a, true},
      {"(.*a){25}", std::string(24, 'a'), false},
      {"(a|aa)+c", many_a, false},
      {"(x+x+)+y", std::string(5000, 'x'), false},
      {"~(~a&~b)", "a", true},
      {"~(~(~(~(~(a)))))", "a", false},
      {"(.*a.*&.*b.*)", many_a + "b", true},
  };
  for (const auto& c : cases) {
    bool ok = false, matched = false;
    const double ms = MillisToCompileAndMatch(c.pattern, c.term, &ok, &matched);
    EXPECT_TRUE(ok) << c.pattern;
    EXPECT_EQ(matched, c.match) << c.pattern;
    EXPECT_LT(ms, kHostileBudgetMs) << c.pattern;
  }
}

TEST(RegexpHostile, ExplodingPatternsAreRefusedQuickly) {
  const std::vector<std::string> refused = {
      "a{1000}{1000}",
      "(a{1000}){1000}",
      ".*a.{30}",
      "~(.*a.{30})",
      "(.*a.{15})&(.*b.{15})",
      ".{0,20000}",
      "[ab]*a[ab]{20}",
      std::string(100000, 'a'),
      "((((a{100}){100}){100}){100})",
      "(a|b){2147483647}",
      "a{2147483647,}",
  };
  for (const auto& pattern : refused) {
    bool ok = true, matched = false;
    const double ms = MillisToCompileAndMatch(pattern, "aaaa", &ok, &matched);
    EXPECT_FALSE(ok) << pattern.substr(0, 60);
    EXPECT_LT(ms, kHostileBudgetMs) << pattern.substr(0, 60);
    auto status = TermMatcher::Regexp(pattern).status();
    EXPECT_EQ(status.code(), StatusCode::kResourceExhausted) << pattern.substr(0, 60);
    EXPECT_LT(status.message().size(), 400u);  // the pattern is shortened in the message
  }
  EXPECT_EQ(TermMatcher::Regexp(".*a.{30}").status().message(),
            "Determinizing .*a.{30} would result in more than 10000 states.");
}

TEST(RegexpHostile, DeepNestingIsCappedNotRecursedInto) {
  const std::string open(100000, '(');
  const std::string close(100000, ')');
  for (const std::string& p : {open, open + "a" + close, open + close}) {
    bool ok = true, matched = false;
    const double ms = MillisToCompileAndMatch(p, "a", &ok, &matched);
    EXPECT_LT(ms, kHostileBudgetMs);
    if (p == open + close) {
      // "(((...)))" nests too deeply; only the innermost () is empty.
      EXPECT_FALSE(ok);
    } else {
      EXPECT_FALSE(ok);
    }
  }
  auto status = TermMatcher::Regexp(open + "a" + close).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("nested too deeply"), std::string::npos) << status.message();
  // Moderate nesting is fine.
  EXPECT_TRUE(Re(std::string(100, '(') + "a" + std::string(100, ')')).Matches("a"));
  // Long chains of prefix and postfix operators do not nest.
  EXPECT_TRUE(Re(std::string(100001, '~') + "a").Matches("b"));
  EXPECT_TRUE(Re("a" + std::string(100000, '*')).Matches("aaa"));
  EXPECT_TRUE(Re("a" + std::string(100000, '?')).Matches(""));
  std::string braces = "a";
  for (int i = 0; i < 1000; ++i) braces += "{1}";
  EXPECT_FALSE(TermMatcher::Regexp(braces).ok());
}

TEST(RegexpHostile, LongButSimplePatterns) {
  // Wide alternations and long classes are fine.
  std::string alternation;
  for (int i = 0; i < 2000; ++i) {
    if (i) alternation += "|";
    alternation += "w" + std::to_string(i);
  }
  bool ok = false, matched = false;
  double ms = MillisToCompileAndMatch(alternation, "w1999", &ok, &matched);
  EXPECT_TRUE(ok);
  EXPECT_TRUE(matched);
  EXPECT_LT(ms, kHostileBudgetMs);
  std::string klass = "[";
  for (int i = 0; i < 20000; ++i) klass += "a-z";
  klass += "]+";
  ms = MillisToCompileAndMatch(klass, "abc", &ok, &matched);
  EXPECT_TRUE(ok);
  EXPECT_TRUE(matched);
  EXPECT_LT(ms, kHostileBudgetMs);
  // 100 KB of garbage syntax.
  std::string junk;
  std::mt19937 rng(7);
  const std::string alphabet = "()[]{}|&~*+?.@#<>-\\\"ab01,^";
  for (int i = 0; i < 100000; ++i) junk += alphabet[rng() % alphabet.size()];
  ms = MillisToCompileAndMatch(junk, "ab", &ok, &matched);
  EXPECT_LT(ms, kHostileBudgetMs);
}

TEST(RegexpHostile, RaisedStateCapsStayBounded) {
  // A client may raise max_determinized_states; compile time stays bounded.
  for (size_t cap : {size_t{100000}, size_t{1} << 40}) {
    const auto start = std::chrono::steady_clock::now();
    auto m = TermMatcher::Regexp(".*a.{40}", cap);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), StatusCode::kResourceExhausted);
    EXPECT_LT(ms, 3 * kHostileBudgetMs);
  }
  // And a raised cap does let a bigger (legitimate) automaton through.
  EXPECT_FALSE(TermMatcher::Regexp("[ab]*a[ab]{13}").ok());
  auto bigger = TermMatcher::Regexp("[ab]*a[ab]{13}", 50000);
  ASSERT_TRUE(bigger.ok()) << bigger.status().ToString();
  EXPECT_TRUE(bigger->Matches("ba" + std::string(13, 'b')));
  EXPECT_FALSE(bigger->Matches("ab" + std::string(13, 'b')));
}

TEST(RegexpHostile, RandomSyntaxNeverCrashes) {
  std::mt19937 rng(23);
  const std::string alphabet = "()[]{}|&~*+?.@#<>-\\\"ab01,^";
  size_t compiled = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string p;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 16); k < n; ++k) p += alphabet[rng() % alphabet.size()];
    auto m = TermMatcher::Regexp(p);
    if (!m.ok()) {
      EXPECT_FALSE(m.status().message().empty()) << p;
      continue;
    }
    ++compiled;
    (void)m->Matches("ab01");
    (void)m->Matches("");
    (void)m->Matches(p);
  }
  EXPECT_GT(compiled, 1000u);
}

TEST(RegexpHostile, MatchingIsLinearInTheTerm) {
  auto m = Re("(a|b)*c(a|b)*d");
  const std::string term = std::string(1 << 20, 'a') + "c" + std::string(1 << 20, 'b');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(m.Matches(term));
  EXPECT_TRUE(m.Matches(term + "d"));
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, 1000);
}

// ------------------------------------------------------------ cache

TEST(RegexpCache, RepeatedCompilesAreCheapAndCorrect) {
  const std::string pattern = "(.*a){12}b";  // a few thousand DFA transitions to build
  auto first = std::chrono::steady_clock::now();
  auto m1 = TermMatcher::Regexp(pattern);
  const double cold = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - first).count();
  ASSERT_TRUE(m1.ok());
  auto again = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    auto m = TermMatcher::Regexp(pattern);
    ASSERT_TRUE(m.ok());
  }
  const double warm =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - again).count() / 1000;
  EXPECT_LT(warm, std::max(cold, 0.05));
  EXPECT_TRUE(m1->Matches(std::string(12, 'a') + "b"));
  // Errors are cached too and still reported.
  EXPECT_FALSE(TermMatcher::Regexp("(a").ok());
  EXPECT_EQ(TermMatcher::Regexp("(a").status().message(), "expected ')' at position 2");
  // Different caps and flags are different entries.
  EXPECT_FALSE(TermMatcher::Regexp("[ab]*a[ab]{5}", 10).ok());
  EXPECT_TRUE(TermMatcher::Regexp("[ab]*a[ab]{5}", 10000).ok());
  EXPECT_TRUE(TermMatcher::Regexp("a&b", 10000, 0)->Matches("a&b"));
  EXPECT_FALSE(TermMatcher::Regexp("a&b", 10000)->Matches("a&b"));
}

TEST(RegexpCache, EvictionKeepsResultsRightAndThreadsAgree) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 600; ++i) {
        const int n = (i * 7 + t * 13) % 400;  // more patterns than cache entries
        const std::string pattern = "p" + std::to_string(n) + "[0-9]*";
        auto m = TermMatcher::Regexp(pattern);
        if (!m.ok() || !m->Matches("p" + std::to_string(n) + "123") ||
            m->Matches("p" + std::to_string(n + 1000) + "x")) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(RegexpCache, CopiesShareTheAutomaton) {
  TermMatcher a = Re("x.*y");
  TermMatcher b = a;
  TermMatcher c = std::move(a);
  EXPECT_TRUE(b.Matches("xzy"));
  EXPECT_TRUE(c.Matches("xy"));
  b = TermMatcher::Prefix("q");
  EXPECT_TRUE(b.Matches("qq"));
  EXPECT_TRUE(c.Matches("xay"));
}

// ------------------------------------------------------------ wildcard, prefix

TEST(Wildcard, StarQuestionAndEscapes) {
  auto m = TermMatcher::Wildcard("fire*");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Matches("fire"));
  EXPECT_TRUE(m->Matches("firefox"));
  EXPECT_FALSE(m->Matches("afire"));
  auto q = TermMatcher::Wildcard("f?re");
  EXPECT_TRUE(q->Matches("fire"));
  EXPECT_TRUE(q->Matches("f\xc3\xa9re"));
  EXPECT_FALSE(q->Matches("fre"));
  EXPECT_TRUE(TermMatcher::Wildcard("a\\*b")->Matches("a*b"));
  EXPECT_FALSE(TermMatcher::Wildcard("a\\*b")->Matches("axb"));
  EXPECT_TRUE(TermMatcher::Wildcard("a\\?")->Matches("a?"));
  EXPECT_TRUE(TermMatcher::Wildcard("a\\")->Matches("a\\"));  // trailing '\' is literal
  EXPECT_TRUE(TermMatcher::Wildcard("a\\\\b")->Matches("a\\b"));
  EXPECT_TRUE(TermMatcher::Wildcard("*")->Matches(""));
  EXPECT_TRUE(TermMatcher::Wildcard("")->Matches(""));
  EXPECT_FALSE(TermMatcher::Wildcard("")->Matches("a"));
  EXPECT_TRUE(TermMatcher::Wildcard("*.*")->Matches("a.b"));  // '.' is literal
  EXPECT_FALSE(TermMatcher::Wildcard("*.*")->Matches("ab"));
  EXPECT_TRUE(TermMatcher::Wildcard("[a]")->Matches("[a]"));
  EXPECT_TRUE(TermMatcher::Wildcard("*\\**")->Matches("x*y"));
}

TEST(Wildcard, HostilePatternsStayBounded) {
  std::string stars;
  for (int i = 0; i < 5000; ++i) stars += "*a";
  const auto start = std::chrono::steady_clock::now();
  auto m = TermMatcher::Wildcard(stars);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, kHostileBudgetMs);
  if (m.ok()) {
    EXPECT_FALSE(m->Matches(std::string(100, 'a')));
  }
  auto many = TermMatcher::Wildcard(std::string(100000, '*'));
  ASSERT_TRUE(many.ok());
  EXPECT_TRUE(many->Matches("anything"));
  std::string qs(30, '?');
  auto wq = TermMatcher::Wildcard("*a" + qs);
  EXPECT_FALSE(wq.ok());
  EXPECT_EQ(wq.status().code(), StatusCode::kResourceExhausted);
  EXPECT_FALSE(TermMatcher::Wildcard("\xc3").ok());
}

TEST(Prefix, BytePrefix) {
  auto p = TermMatcher::Prefix("fire");
  EXPECT_TRUE(p.Matches("fire"));
  EXPECT_TRUE(p.Matches("firefox"));
  EXPECT_FALSE(p.Matches("fir"));
  EXPECT_FALSE(p.Matches("Firefox"));
  EXPECT_TRUE(TermMatcher::Prefix("").Matches(""));
  EXPECT_EQ(p.LiteralPrefix(), "fire");
  EXPECT_FALSE(p.MatchesNothing());
}

TEST(LiteralPrefix, ComesFromTheAutomaton) {
  EXPECT_EQ(Re("firefox.*").LiteralPrefix(), "firefox");
  EXPECT_EQ(Re("abc").LiteralPrefix(), "abc");
  EXPECT_EQ(Re("(foo|fob)x").LiteralPrefix(), "fo");
  EXPECT_EQ(Re("a*").LiteralPrefix(), "");
  EXPECT_EQ(Re(".*a").LiteralPrefix(), "");
  EXPECT_EQ(Re("\xc3\xa9t\xc3\xa9.").LiteralPrefix(), "\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(TermMatcher::Wildcard("fire*fox")->LiteralPrefix(), "fire");
}

// ------------------------------------------------ against a reference matcher

// A random syntax tree, printed as a pattern and evaluated directly by a
// set-of-end-positions interpreter: an independent definition of the language.
struct Tree {
  enum Kind { kChar, kAny, kClass, kString, kConcat, kUnion, kInter, kCompl, kOpt, kStar, kPlus, kRep, kAnyStr, kEmpty, kEps, kInterval };
  Kind kind;
  char c = 'a';
  std::string chars;  // class members or string
  bool negate = false;
  int min = 0, max = 0;  // kRep: max -1 unbounded; kInterval: bounds
  bool pad = false;
  std::vector<std::unique_ptr<Tree>> kids;
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::unique_ptr<Tree> Make(int depth) {
    auto t = std::make_unique<Tree>();
    const int leafy = depth <= 0 ? 1 : 0;
    const int pick = leafy ? Pick(6) : Pick(16);
    switch (pick) {
      case 0: t->kind = Tree::kChar; t->c = Letter(); break;
      case 1: t->kind = Tree::kAny; break;
      case 2:
        t->kind = Tree::kClass;
        t->negate = Pick(3) == 0;
        for (int i = 0, n = 1 + Pick(2); i < n; ++i) t->chars += Letter();
        break;
      case 3:
        t->kind = Tree::kString;
        for (int i = 0, n = Pick(3); i < n; ++i) t->chars += Letter();
        break;
      case 4: t->kind = Pick(2) ? Tree::kInterval : Tree::kEps;
        t->min = Pick(12);
        t->max = Pick(12);
        t->pad = Pick(2) == 0;
        break;
      case 5: t->kind = Pick(3) == 0 ? Tree::kEmpty : Tree::kAnyStr; break;
      case 6: case 7: t->kind = Tree::kConcat; break;
      case 8: t->kind = Tree::kUnion; break;
      case 9: t->kind = Tree::kInter; break;
      case 10: t->kind = Tree::kCompl; break;
      case 11: t->kind = Tree::kOpt; break;
      case 12: t->kind = Tree::kStar; break;
      case 13: t->kind = Tree::kPlus; break;
      default:
        t->kind = Tree::kRep;
        t->min = Pick(3);
        t->max = Pick(3) == 0 ? -1 : t->min + Pick(2);
        break;
    }
    const int arity = (t->kind == Tree::kConcat || t->kind == Tree::kUnion || t->kind == Tree::kInter) ? 2
                      : (t->kind >= Tree::kCompl && t->kind <= Tree::kRep) ? 1 : 0;
    for (int i = 0; i < arity; ++i) t->kids.push_back(Make(depth - 1));
    return t;
  }

  int Pick(int n) { return static_cast<int>(rng_() % n); }
  char Letter() { return "ab1"[Pick(3)]; }

 private:
  std::mt19937 rng_;
};

int Level(const Tree& t) {
  switch (t.kind) {
    case Tree::kUnion: return 0;
    case Tree::kInter: return 1;
    case Tree::kConcat: return 2;
    case Tree::kOpt: case Tree::kStar: case Tree::kPlus: case Tree::kRep: return 3;
    case Tree::kCompl: return 4;
    default: return 5;
  }
}

std::string Print(const Tree& t);
std::string PrintAt(const Tree& t, int need) {
  std::string s = Print(t);
  return Level(t) < need ? "(" + s + ")" : s;
}

std::string Print(const Tree& t) {
  switch (t.kind) {
    case Tree::kChar: return std::string(1, t.c);
    case Tree::kAny: return ".";
    case Tree::kClass: return std::string("[") + (t.negate ? "^" : "") + t.chars + "]";
    case Tree::kString: return "\"" + t.chars + "\"";
    case Tree::kEps: return "()";
    case Tree::kEmpty: return "#";
    case Tree::kAnyStr: return "@";
    case Tree::kInterval: {
      std::string lo = std::to_string(t.min), hi = std::to_string(t.max);
      if (t.pad) {
        lo = "0" + lo;
        hi = "0" + hi;
      }
      return "<" + lo + "-" + hi + ">";
    }
    case Tree::kUnion: return PrintAt(*t.kids[0], 1) + "|" + PrintAt(*t.kids[1], 1);
    case Tree::kInter: return PrintAt(*t.kids[0], 2) + "&" + PrintAt(*t.kids[1], 2);
    case Tree::kConcat: {
      // A concatenation directly followed by a char would merge fine, but
      // keep kids atomic-or-repeat so printing round-trips.
      return PrintAt(*t.kids[0], 3) + PrintAt(*t.kids[1], 3);
    }
    case Tree::kCompl: return "~" + PrintAt(*t.kids[0], 5);
    case Tree::kOpt: return PrintAt(*t.kids[0], 4) + "?";
    case Tree::kStar: return PrintAt(*t.kids[0], 4) + "*";
    case Tree::kPlus: return PrintAt(*t.kids[0], 4) + "+";
    case Tree::kRep:
      if (t.max < 0) return PrintAt(*t.kids[0], 4) + "{" + std::to_string(t.min) + ",}";
      if (t.max == t.min) return PrintAt(*t.kids[0], 4) + "{" + std::to_string(t.min) + "}";
      return PrintAt(*t.kids[0], 4) + "{" + std::to_string(t.min) + "," + std::to_string(t.max) + "}";
  }
  return "";
}

using Ends = std::set<size_t>;

Ends Eval(const Tree& t, const std::string& s, size_t i);

Ends Step(const Tree& t, const std::string& s, const Ends& from) {
  Ends out;
  for (size_t i : from) {
    Ends e = Eval(t, s, i);
    out.insert(e.begin(), e.end());
  }
  return out;
}

Ends Closure(const Tree& kid, const std::string& s, Ends current) {
  Ends all = current;
  for (size_t round = 0; round <= s.size() + 1 && !current.empty(); ++round) {
    Ends next = Step(kid, s, current);
    Ends fresh;
    for (size_t j : next) {
      if (all.insert(j).second) fresh.insert(j);
    }
    current = fresh;
  }
  return all;
}

Ends Eval(const Tree& t, const std::string& s, size_t i) {
  const size_t n = s.size();
  switch (t.kind) {
    case Tree::kChar: return (i < n && s[i] == t.c) ? Ends{i + 1} : Ends{};
    case Tree::kAny: return i < n ? Ends{i + 1} : Ends{};
    case Tree::kClass: {
      if (i >= n) return {};
      const bool in = t.chars.find(s[i]) != std::string::npos;
      return in != t.negate ? Ends{i + 1} : Ends{};
    }
    case Tree::kString: return s.compare(i, t.chars.size(), t.chars) == 0 ? Ends{i + t.chars.size()} : Ends{};
    case Tree::kEps: return {i};
    case Tree::kEmpty: return {};
    case Tree::kAnyStr: {
      Ends e;
      for (size_t j = i; j <= n; ++j) e.insert(j);
      return e;
    }
    case Tree::kInterval: {
      const int a = std::min(t.min, t.max), b = std::max(t.min, t.max);
      std::string lo = std::to_string(t.min), hi = std::to_string(t.max);
      if (t.pad) {
        lo = "0" + lo;
        hi = "0" + hi;
      }
      const size_t digits = lo.size() == hi.size() ? lo.size() : 0;
      Ends e;
      for (size_t j = i + 1; j <= n; ++j) {
        const std::string sub = s.substr(i, j - i);
        if (sub.find_first_not_of("0123456789") != std::string::npos) break;
        const long v = std::stol(sub);
        if (v >= a && v <= b && (digits == 0 || sub.size() == digits)) e.insert(j);
      }
      return e;
    }
    case Tree::kConcat: return Step(*t.kids[1], s, Eval(*t.kids[0], s, i));
    case Tree::kUnion: {
      Ends a = Eval(*t.kids[0], s, i), b = Eval(*t.kids[1], s, i);
      a.insert(b.begin(), b.end());
      return a;
    }
    case Tree::kInter: {
      Ends a = Eval(*t.kids[0], s, i), b = Eval(*t.kids[1], s, i), out;
      std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
      return out;
    }
    case Tree::kCompl: {
      Ends a = Eval(*t.kids[0], s, i), out;
      for (size_t j = i; j <= n; ++j) {
        if (!a.count(j)) out.insert(j);
      }
      return out;
    }
    case Tree::kOpt: {
      Ends a = Eval(*t.kids[0], s, i);
      a.insert(i);
      return a;
    }
    case Tree::kStar: return Closure(*t.kids[0], s, {i});
    case Tree::kPlus: return Closure(*t.kids[0], s, Eval(*t.kids[0], s, i));
    case Tree::kRep: {
      Ends current = {i};
      for (int k = 0; k < t.min; ++k) current = Step(*t.kids[0], s, current);
      if (t.max < 0) return Closure(*t.kids[0], s, current);
      Ends all = current;
      for (int k = t.min; k < t.max; ++k) {
        current = Step(*t.kids[0], s, current);
        all.insert(current.begin(), current.end());
      }
      return all;
    }
  }
  return {};
}

TEST(RegexpReference, RandomPatternsAgreeWithDefinition) {
  Generator gen(20240601);
  std::vector<std::string> strings;
  const std::string alphabet = "ab1";
  // Every string up to length 4 over the alphabet, plus a few others.
  std::vector<std::string> frontier = {""};
  for (int len = 0; len <= 4; ++len) {
    std::vector<std::string> next;
    for (const auto& s : frontier) {
      strings.push_back(s);
      for (char c : alphabet) next.push_back(s + c);
    }
    frontier = std::move(next);
  }
  strings.push_back("10");
  strings.push_back("011");
  strings.push_back("x");
  strings.push_back("ab1ab1");
  size_t compared = 0, compiled = 0;
  for (int round = 0; round < 1500; ++round) {
    auto tree = gen.Make(1 + gen.Pick(4));
    const std::string pattern = Print(*tree);
    auto m = TermMatcher::Regexp(pattern);
    ASSERT_TRUE(m.ok()) << pattern << ": " << m.status().ToString();
    ++compiled;
    for (const auto& s : strings) {
      const Ends ends = Eval(*tree, s, 0);
      const bool want = ends.count(s.size()) > 0;
      ASSERT_EQ(m->Matches(s), want) << "pattern " << pattern << " on \"" << s << "\"";
      ++compared;
    }
  }
  EXPECT_EQ(compiled, 1500u);
  EXPECT_GT(compared, 100000u);
}

// Wildcard against a direct recursive definition.
bool WildRef(const std::string& p, size_t i, const std::string& s, size_t j) {
  if (i == p.size()) return j == s.size();
  if (p[i] == '*') {
    for (size_t k = j; k <= s.size(); ++k) {
      if (WildRef(p, i + 1, s, k)) return true;
    }
    return false;
  }
  if (j == s.size()) return false;
  if (p[i] == '?') return WildRef(p, i + 1, s, j + 1);
  if (p[i] == '\\' && i + 1 < p.size()) return p[i + 1] == s[j] && WildRef(p, i + 2, s, j + 1);
  return p[i] == s[j] && WildRef(p, i + 1, s, j + 1);
}

TEST(WildcardReference, RandomPatternsAgreeWithDefinition) {
  std::mt19937 rng(99);
  const std::string palpha = "ab*?\\";
  const std::string salpha = "ab*?\\";
  size_t compared = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string p;
    for (int i = 0, n = static_cast<int>(rng() % 6); i < n; ++i) p += palpha[rng() % palpha.size()];
    auto m = TermMatcher::Wildcard(p);
    ASSERT_TRUE(m.ok()) << p;
    for (int k = 0; k < 40; ++k) {
      std::string s;
      for (int i = 0, n = static_cast<int>(rng() % 6); i < n; ++i) s += salpha[rng() % salpha.size()];
      ASSERT_EQ(m->Matches(s), WildRef(p, 0, s, 0)) << "wildcard " << p << " on " << s;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 80000u);
}

}  // namespace
}  // namespace buildhub::search
