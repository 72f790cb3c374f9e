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
  // Lucene regexp syntax (see above). Errors read like ES's, e.g.
  // "expected ')' at position 3".
  static Result<TermMatcher> Regexp(std::string_view pattern, size_t max_states = 10000);
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

 private:
  TermMatcher();
  std::shared_ptr<const Automaton> automaton_;
  std::string prefix_;
  bool is_prefix_ = false;
};

}  // namespace buildhub::search
