// Pattern matchers for regexp, wildcard, terms include/exclude and
// query_string /regex/ — Lucene syntax, always linear time.
//
// Lucene RegExp with ES's default flags (ALL): anchored to the whole term;
// `.` any character; `"..."` a literal string; `\x` the literal x; `[...]`,
// `[^...]` and ranges; `? * + {n} {n,} {n,m}` (a repeat of a repeat is legal:
// `a+?` is "optional one-or-more"); `|`; `()`; `&` intersection; `~`
// complement; `@` any string; `#` the empty language; `<n-m>` a numeric
// interval. Matching works on Unicode code points. The pattern compiles to an
// automaton (a DFA, built lazily or up front with a state cap); patterns that
// would need more states than the cap are refused with a clear error, and
// matching is O(length of the input) per term — no backtracking, ever.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace buildhub::search {

class Automaton;

class TermMatcher {
 public:
  // Lucene RegExp syntax flags (ES `flags`, ORed); kAllFlags is ES's default.
  enum Flags : int {
    kNoFlags = 0,
    kIntersection = 0x1,    // &
    kComplement = 0x2,      // ~
    kEmpty = 0x4,           // #
    kAnyString = 0x8,       // @
    kNamedAutomaton = 0x10, // <name> (always "not found": ES registers none)
    kInterval = 0x20,       // <n-m>
    kAllFlags = 0xffff,
  };
  // ES's flags string: "ALL", "NONE" or names joined by '|', case-insensitive;
  // empty means ALL. Unknown names: "Unknown regexp flag [x]".
  static Result<int> ParseFlags(std::string_view flags);

  // Lucene regexp syntax (see above). Errors read like ES's, e.g.
  // "expected ')' at position 3" (positions in UTF-16 units, as Java counts).
  // Compiled automata are cached (LRU, by kind, flags, cap and pattern, at
  // most 256 entries and 64 MB), so asking again for the same pattern is
  // cheap. `max_states` above 100,000 is treated as 100,000.
  static Result<TermMatcher> Regexp(std::string_view pattern, size_t max_states = 10000,
                                    int flags = kAllFlags);
  // Wildcard: `*` any sequence, `?` any one character, `\` escapes.
  static Result<TermMatcher> Wildcard(std::string_view pattern, size_t max_states = 10000);
  // Exact prefix.
  static TermMatcher Prefix(std::string_view prefix);

  TermMatcher(const TermMatcher&);
  TermMatcher(TermMatcher&&) noexcept;
  TermMatcher& operator=(const TermMatcher&);
  TermMatcher& operator=(TermMatcher&&) noexcept;
  ~TermMatcher();

  // Whole-term match of UTF-8 `term`.
  bool Matches(std::string_view term) const;

  // UTF-8 text every matching term starts with ("" when there is none): lets
  // a sorted term dictionary skip straight to the candidates.
  std::string_view LiteralPrefix() const;
  // True when no term can match (e.g. "#", "a&b"), so callers can skip work.
  bool MatchesNothing() const;

 private:
  TermMatcher();
  std::shared_ptr<const Automaton> automaton_;
  std::string prefix_;
  bool is_prefix_ = false;
};

}  // namespace buildhub::search
