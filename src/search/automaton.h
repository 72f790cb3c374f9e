// Finite automata over Unicode code points, for the term matchers.
//
// Patterns compile to an Nfa (Thompson construction, edges labelled with
// code-point ranges), which is determinised into a Dfa by subset construction
// under hard limits: a cap on DFA states and a cap on the work spent, so that
// a hostile pattern is refused quickly instead of eating the server.
// Complement and intersection work on Dfas and are embedded back into the
// Nfa. The final Dfa, wrapped in an Automaton, matches a term in one pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace buildhub::search {

inline constexpr uint32_t kMaxCodePoint = 0x10FFFF;

// Limits for building one pattern. Exceeding one gives kResourceExhausted.
struct AutomatonLimits {
  size_t max_dfa_states = 10000;
  size_t max_nfa_states = 200000;
  // Abstract work units (NFA states visited, transitions sorted, while
  // determinising); 3 million is ~100 ms on one core.
  size_t max_work = 3'000'000;
};

struct Dfa {
  struct Edge {
    uint32_t lo, hi;
    int32_t to;
  };
  // State 0 is the start. Edges per state are sorted and disjoint; a code
  // point with no edge goes to the (implicit) dead state.
  std::vector<std::vector<Edge>> edges;
  std::vector<uint8_t> accept;

  size_t size() const { return accept.size(); }
};

class Nfa {
 public:
  struct Edge {
    uint32_t lo, hi;
    int32_t to;
  };
  struct State {
    std::vector<Edge> edges;
    std::vector<int32_t> eps;
  };
  // A sub-automaton with one entry and one exit; its states are exactly
  // [first, limit), which is what makes copying (for repeats) cheap.
  struct Fragment {
    int32_t start = 0;
    int32_t end = 0;
    int32_t first = 0;
    int32_t limit = 0;
  };

  explicit Nfa(const AutomatonLimits& limits) : limits_(limits) {}

  size_t size() const { return states_.size(); }
  const std::vector<State>& states() const { return states_; }
  const AutomatonLimits& limits() const { return limits_; }

  // Each builder returns an error when the state cap would be passed.
  Result<Fragment> Range(uint32_t lo, uint32_t hi);
  Result<Fragment> Ranges(const std::vector<std::pair<uint32_t, uint32_t>>& ranges);
  Result<Fragment> String(const std::vector<uint32_t>& cps);
  Result<Fragment> EmptyString();
  Result<Fragment> EmptyLanguage();
  Result<Fragment> AnyString();
  // The operations below take fragments that are the most recently built
  // (contiguous), and return one spanning them.
  Result<Fragment> Concat(const std::vector<Fragment>& parts);
  Result<Fragment> Union(const std::vector<Fragment>& parts);
  Result<Fragment> Optional(Fragment f);
  Result<Fragment> Star(Fragment f);
  // A copy of `f` appended at the end.
  Result<Fragment> Copy(Fragment f);
  // `f` repeated min..max times (max < 0: unbounded). `f` must be the last
  // built fragment; copies are appended.
  Result<Fragment> Repeat(Fragment f, int64_t min, int64_t max);
  // Embeds a Dfa as a fragment.
  Result<Fragment> FromDfa(const Dfa& dfa);

  // Raw building blocks for special shapes (numeric intervals): `count` new
  // unconnected states, returning the first index.
  Result<int32_t> AddStates(size_t count);
  void AddEdge(int32_t from, uint32_t lo, uint32_t hi, int32_t to) { states_[from].edges.push_back({lo, hi, to}); }
  void AddEpsilon(int32_t from, int32_t to) { states_[from].eps.push_back(to); }

 private:
  Result<int32_t> AddState();
  Status Reserve(size_t more) const;

  AutomatonLimits limits_;
  std::vector<State> states_;
};

// Subset construction of the fragment `f` of `nfa`. `*work` accumulates the
// work spent, across calls, against limits.max_work.
Result<Dfa> Determinize(const Nfa& nfa, Nfa::Fragment f, const AutomatonLimits& limits,
                        size_t* work);
// The complement over all code-point strings.
Result<Dfa> Complement(const Dfa& dfa, const AutomatonLimits& limits);
// Product construction (reachable pairs only).
Result<Dfa> Intersect(const Dfa& a, const Dfa& b, const AutomatonLimits& limits, size_t* work);

// The errors above, told apart so callers can word them.
bool IsStateLimitError(const Status& status);

// An immutable compiled matcher.
class Automaton {
 public:
  explicit Automaton(Dfa dfa);

  // Whole-string match of UTF-8 `term` (ill-formed bytes read as U+FFFD).
  bool Matches(std::string_view term) const;
  // UTF-8 text that every matching term starts with ("" if none).
  const std::string& literal_prefix() const { return literal_prefix_; }
  size_t num_states() const { return dfa_.size(); }
  // Approximate heap footprint, for caches that bound their memory.
  size_t memory_bytes() const;
  bool matches_nothing() const { return !live_[0]; }

 private:
  int32_t Step(int32_t state, uint32_t cp) const;

  Dfa dfa_;
  std::vector<uint8_t> live_;         // can still reach an accepting state
  std::vector<int16_t> ascii_;        // state * 128 + byte -> next (-1 dead)
  std::string literal_prefix_;
};

// Decodes the code point at text[*pos] leniently (ill-formed: U+FFFD, one
// byte) and advances *pos.
uint32_t DecodeLenient(std::string_view text, size_t* pos);

}  // namespace buildhub::search
