// Thompson NFA construction, subset construction, complement and product
// over code-point ranges. Every growth is checked against the limits before
// it happens, so memory and time stay bounded for any pattern.

#include "search/automaton.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "core/utf8.h"

namespace buildhub::search {
namespace {

constexpr std::string_view kStateLimitPrefix = "would result in more than ";
// Automata up to this size get a direct ASCII table (32 KB at most).
constexpr size_t kAsciiTableMaxStates = 128;

Status TooManyNfaStates(const AutomatonLimits& limits) {
  return ResourceExhausted("is too complex: it would need more than " +
                           std::to_string(limits.max_nfa_states) + " automaton states");
}

Status TooManyDfaStates(const AutomatonLimits& limits) {
  return ResourceExhausted(std::string(kStateLimitPrefix) + std::to_string(limits.max_dfa_states) +
                           " states");
}

Status TooMuchWork() {
  return ResourceExhausted("is too complex: determinizing it needs more work than allowed");
}

struct VectorHash {
  size_t operator()(const std::vector<int32_t>& v) const {
    uint64_t h = 1469598103934665603ull;
    for (int32_t x : v) {
      h ^= static_cast<uint32_t>(x);
      h *= 1099511628211ull;
    }
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

}  // namespace

bool IsStateLimitError(const Status& status) {
  return status.code() == StatusCode::kResourceExhausted &&
         status.message().rfind(kStateLimitPrefix, 0) == 0;
}

// ---------------------------------------------------------------- Nfa

Result<int32_t> Nfa::AddStates(size_t count) {
  if (Status s = Reserve(count); !s.ok()) return s;
  const int32_t first = static_cast<int32_t>(states_.size());
  states_.resize(states_.size() + count);
  return first;
}

Status Nfa::Reserve(size_t more) const {
  if (more > limits_.max_nfa_states || states_.size() + more > limits_.max_nfa_states) {
    return TooManyNfaStates(limits_);
  }
  return Status::Ok();
}

Result<int32_t> Nfa::AddState() {
  if (Status s = Reserve(1); !s.ok()) return s;
  states_.emplace_back();
  return static_cast<int32_t>(states_.size() - 1);
}

Result<Nfa::Fragment> Nfa::Range(uint32_t lo, uint32_t hi) { return Ranges({{lo, hi}}); }

Result<Nfa::Fragment> Nfa::Ranges(const std::vector<std::pair<uint32_t, uint32_t>>& ranges) {
  if (Status s = Reserve(2); !s.ok()) return s;
  const int32_t first = static_cast<int32_t>(states_.size());
  states_.resize(states_.size() + 2);
  for (const auto& [lo, hi] : ranges) states_[first].edges.push_back({lo, hi, first + 1});
  return Fragment{first, first + 1, first, first + 2};
}

Result<Nfa::Fragment> Nfa::String(const std::vector<uint32_t>& cps) {
  if (Status s = Reserve(cps.size() + 1); !s.ok()) return s;
  const int32_t first = static_cast<int32_t>(states_.size());
  states_.resize(states_.size() + cps.size() + 1);
  for (size_t i = 0; i < cps.size(); ++i) {
    const int32_t from = first + static_cast<int32_t>(i);
    states_[from].edges.push_back({cps[i], cps[i], from + 1});
  }
  const int32_t last = first + static_cast<int32_t>(cps.size());
  return Fragment{first, last, first, last + 1};
}

Result<Nfa::Fragment> Nfa::EmptyString() { return String({}); }

Result<Nfa::Fragment> Nfa::EmptyLanguage() {
  if (Status s = Reserve(2); !s.ok()) return s;
  const int32_t first = static_cast<int32_t>(states_.size());
  states_.resize(states_.size() + 2);
  return Fragment{first, first + 1, first, first + 2};
}

Result<Nfa::Fragment> Nfa::AnyString() {
  if (Status s = Reserve(2); !s.ok()) return s;
  const int32_t first = static_cast<int32_t>(states_.size());
  states_.resize(states_.size() + 2);
  states_[first].edges.push_back({0, kMaxCodePoint, first});
  states_[first].eps.push_back(first + 1);
  return Fragment{first, first + 1, first, first + 2};
}

Result<Nfa::Fragment> Nfa::Concat(const std::vector<Fragment>& parts) {
  if (parts.empty()) return EmptyString();
  int32_t first = parts[0].first;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    states_[parts[i].end].eps.push_back(parts[i + 1].start);
    first = std::min(first, parts[i + 1].first);
  }
  return Fragment{parts.front().start, parts.back().end, first, static_cast<int32_t>(states_.size())};
}

Result<Nfa::Fragment> Nfa::Union(const std::vector<Fragment>& parts) {
  if (parts.size() == 1) return parts[0];
  if (Status s = Reserve(2); !s.ok()) return s;
  const int32_t s = static_cast<int32_t>(states_.size());
  states_.resize(states_.size() + 2);
  int32_t first = s;
  for (const Fragment& p : parts) {
    states_[s].eps.push_back(p.start);
    states_[p.end].eps.push_back(s + 1);
    first = std::min(first, p.first);
  }
  return Fragment{s, s + 1, first, s + 2};
}

Result<Nfa::Fragment> Nfa::Optional(Fragment f) {
  auto s = AddState();
  if (!s.ok()) return s.status();
  states_[*s].eps.push_back(f.start);
  states_[*s].eps.push_back(f.end);
  return Fragment{*s, f.end, f.first, static_cast<int32_t>(states_.size())};
}

Result<Nfa::Fragment> Nfa::Star(Fragment f) {
  if (Status st = Reserve(2); !st.ok()) return st;
  const int32_t s = static_cast<int32_t>(states_.size());
  states_.resize(states_.size() + 2);
  states_[s].eps.push_back(f.start);
  states_[s].eps.push_back(s + 1);
  states_[f.end].eps.push_back(f.start);
  states_[f.end].eps.push_back(s + 1);
  return Fragment{s, s + 1, f.first, s + 2};
}

Result<Nfa::Fragment> Nfa::Copy(Fragment f) {
  const size_t n = static_cast<size_t>(f.limit - f.first);
  if (Status s = Reserve(n); !s.ok()) return s;
  const int32_t base = static_cast<int32_t>(states_.size());
  const int32_t offset = base - f.first;
  states_.resize(states_.size() + n);
  for (size_t i = 0; i < n; ++i) {
    const State& from = states_[f.first + i];
    State& to = states_[base + i];
    to.edges = from.edges;
    for (Edge& e : to.edges) e.to += offset;
    to.eps = from.eps;
    for (int32_t& e : to.eps) e += offset;
  }
  return Fragment{f.start + offset, f.end + offset, base, base + static_cast<int32_t>(n)};
}

Result<Nfa::Fragment> Nfa::Repeat(Fragment f, int64_t min, int64_t max) {
  if (max >= 0 && min > max) {
    auto empty = EmptyLanguage();
    if (!empty.ok()) return empty;
    return Fragment{empty->start, empty->end, f.first, empty->limit};
  }
  if (max == 0) {
    auto eps = EmptyString();
    if (!eps.ok()) return eps;
    return Fragment{eps->start, eps->end, f.first, eps->limit};
  }
  if (max < 0 && min == 0) return Star(f);
  // Copies needed beyond `f` itself, checked before any is made.
  const int64_t copies = (max < 0 ? min : max) - 1;
  const size_t n = static_cast<size_t>(f.limit - f.first);
  if (copies > 0 && (static_cast<uint64_t>(copies) > limits_.max_nfa_states ||
                     static_cast<uint64_t>(copies) * (n + 1) > limits_.max_nfa_states)) {
    return TooManyNfaStates(limits_);
  }
  if (Status s = Reserve(static_cast<size_t>(std::max<int64_t>(copies, 0)) * (n + 1)); !s.ok()) return s;
  std::vector<Fragment> parts;
  if (max < 0) {
    // f f ... f (min times) then f*.
    parts.push_back(f);
    for (int64_t i = 1; i < min; ++i) {
      auto c = Copy(f);
      if (!c.ok()) return c;
      parts.push_back(*c);
    }
    auto c = Copy(f);
    if (!c.ok()) return c;
    auto star = Star(*c);
    if (!star.ok()) return star;
    parts.push_back(*star);
  } else {
    // f ... f (min times) then f? ... f? (max - min times).
    for (int64_t i = 0; i < max; ++i) {
      Fragment piece = f;
      if (i > 0) {
        auto c = Copy(f);
        if (!c.ok()) return c;
        piece = *c;
      }
      if (i >= min) {
        auto opt = Optional(piece);
        if (!opt.ok()) return opt;
        piece = *opt;
      }
      parts.push_back(piece);
    }
  }
  return Concat(parts);
}

Result<Nfa::Fragment> Nfa::FromDfa(const Dfa& dfa) {
  const size_t n = dfa.size();
  if (Status s = Reserve(n + 1); !s.ok()) return s;
  const int32_t base = static_cast<int32_t>(states_.size());
  states_.resize(states_.size() + n + 1);
  const int32_t end = base + static_cast<int32_t>(n);
  for (size_t i = 0; i < n; ++i) {
    State& st = states_[base + i];
    for (const Dfa::Edge& e : dfa.edges[i]) st.edges.push_back({e.lo, e.hi, e.to + base});
    if (dfa.accept[i]) st.eps.push_back(end);
  }
  return Fragment{base, end, base, end + 1};
}

// ---------------------------------------------------------------- Dfa ops

Result<Dfa> Determinize(const Nfa& nfa, Nfa::Fragment f, const AutomatonLimits& limits,
                        size_t* work_total) {
  const auto& states = nfa.states();
  const int32_t first = f.first;
  const size_t n = static_cast<size_t>(f.limit - f.first);
  // Only states with outgoing ranges (and the exit) matter for identity.
  auto important = [&](int32_t s) { return s == f.end || !states[s].edges.empty(); };

  std::vector<uint32_t> stamp(n, 0);
  uint32_t generation = 0;
  std::vector<int32_t> stack;
  size_t& work = *work_total;

  auto closure = [&](std::vector<int32_t>& seeds, std::vector<int32_t>* out) {
    ++generation;
    out->clear();
    stack.clear();
    for (int32_t s : seeds) {
      if (stamp[s - first] != generation) {
        stamp[s - first] = generation;
        stack.push_back(s);
      }
    }
    while (!stack.empty()) {
      const int32_t s = stack.back();
      stack.pop_back();
      ++work;
      if (important(s)) out->push_back(s);
      for (int32_t t : states[s].eps) {
        if (stamp[t - first] != generation) {
          stamp[t - first] = generation;
          stack.push_back(t);
        }
      }
    }
    std::sort(out->begin(), out->end());
  };

  Dfa dfa;
  std::unordered_map<std::vector<int32_t>, int32_t, VectorHash> ids;
  std::vector<const std::vector<int32_t>*> sets;  // keys of `ids` (stable)

  auto intern = [&](std::vector<int32_t>&& set, int32_t* id) -> Status {
    auto it = ids.find(set);
    if (it != ids.end()) {
      *id = it->second;
      return Status::Ok();
    }
    if (dfa.size() >= limits.max_dfa_states) return TooManyDfaStates(limits);
    *id = static_cast<int32_t>(dfa.size());
    const bool accepting = std::binary_search(set.begin(), set.end(), f.end);
    dfa.accept.push_back(accepting ? 1 : 0);
    dfa.edges.emplace_back();
    work += set.size();
    auto inserted = ids.emplace(std::move(set), *id);
    sets.push_back(&inserted.first->first);
    return Status::Ok();
  };

  std::vector<int32_t> seeds = {f.start};
  std::vector<int32_t> set;
  closure(seeds, &set);
  int32_t start_id = 0;
  if (Status s = intern(std::move(set), &start_id); !s.ok()) return s;

  struct Event {
    uint32_t at;
    int32_t target;
    int32_t delta;
  };
  std::vector<Event> events;
  std::vector<int32_t> count(n, 0);

  for (size_t d = 0; d < dfa.size(); ++d) {
    if (work > limits.max_work) return TooMuchWork();
    events.clear();
    for (int32_t s : *sets[d]) {
      for (const Nfa::Edge& e : states[s].edges) {
        events.push_back({e.lo, e.to, +1});
        if (e.hi < kMaxCodePoint) events.push_back({e.hi + 1, e.to, -1});
      }
    }
    // Sorting and sweeping cost more than a visit: weigh them so.
    work += 4 * events.size();
    std::sort(events.begin(), events.end(),
              [](const Event& a, const Event& b) { return a.at < b.at; });
    std::vector<Dfa::Edge> out;
    size_t i = 0;
    std::vector<int32_t> targets;  // NFA states with count > 0
    while (i < events.size()) {
      const uint32_t at = events[i].at;
      while (i < events.size() && events[i].at == at) {
        const Event& ev = events[i];
        int32_t& c = count[ev.target - first];
        if (c == 0 && ev.delta > 0) targets.push_back(ev.target);
        c += ev.delta;
        ++i;
      }
      targets.erase(std::remove_if(targets.begin(), targets.end(),
                                   [&](int32_t t) { return count[t - first] == 0; }),
                    targets.end());
      const uint32_t next_at = i < events.size() ? events[i].at : kMaxCodePoint + 1;
      if (targets.empty() || next_at == at) continue;
      std::vector<int32_t> seeds_here(targets);
      std::vector<int32_t> closed;
      closure(seeds_here, &closed);
      if (work > limits.max_work) return TooMuchWork();
      int32_t id = 0;
      if (Status s = intern(std::move(closed), &id); !s.ok()) return s;
      const uint32_t hi = next_at - 1;
      if (!out.empty() && out.back().to == id && out.back().hi + 1 == at) {
        out.back().hi = hi;
      } else {
        out.push_back({at, hi, id});
      }
    }
    for (int32_t t : targets) count[t - first] = 0;
    dfa.edges[d] = std::move(out);
  }
  return dfa;
}

Result<Dfa> Complement(const Dfa& dfa, const AutomatonLimits& limits) {
  const int32_t n = static_cast<int32_t>(dfa.size());
  if (dfa.size() + 1 > limits.max_dfa_states) return TooManyDfaStates(limits);
  Dfa out;
  out.edges.resize(n + 1);
  out.accept.resize(n + 1);
  const int32_t sink = n;
  for (int32_t s = 0; s < n; ++s) {
    out.accept[s] = dfa.accept[s] ? 0 : 1;
    uint32_t next = 0;
    bool covered_to_end = false;
    for (const Dfa::Edge& e : dfa.edges[s]) {
      if (e.lo > next) out.edges[s].push_back({next, e.lo - 1, sink});
      out.edges[s].push_back(e);
      if (e.hi == kMaxCodePoint) {
        covered_to_end = true;
        break;
      }
      next = e.hi + 1;
    }
    if (!covered_to_end) out.edges[s].push_back({next, kMaxCodePoint, sink});
  }
  out.accept[sink] = 1;
  out.edges[sink].push_back({0, kMaxCodePoint, sink});
  return out;
}

Result<Dfa> Intersect(const Dfa& a, const Dfa& b, const AutomatonLimits& limits,
                     size_t* work_total) {
  Dfa out;
  std::unordered_map<uint64_t, int32_t> ids;
  std::vector<std::pair<int32_t, int32_t>> pairs;
  size_t& work = *work_total;
  auto intern = [&](int32_t x, int32_t y, int32_t* id) -> Status {
    const uint64_t key = (static_cast<uint64_t>(x) << 32) | static_cast<uint32_t>(y);
    auto it = ids.find(key);
    if (it != ids.end()) {
      *id = it->second;
      return Status::Ok();
    }
    if (out.size() >= limits.max_dfa_states) return TooManyDfaStates(limits);
    *id = static_cast<int32_t>(out.size());
    ids.emplace(key, *id);
    pairs.emplace_back(x, y);
    out.accept.push_back(a.accept[x] && b.accept[y] ? 1 : 0);
    out.edges.emplace_back();
    return Status::Ok();
  };
  int32_t start = 0;
  if (Status s = intern(0, 0, &start); !s.ok()) return s;
  for (size_t d = 0; d < out.size(); ++d) {
    const auto [x, y] = pairs[d];
    const auto& ea = a.edges[x];
    const auto& eb = b.edges[y];
    size_t i = 0, j = 0;
    std::vector<Dfa::Edge> edges;
    while (i < ea.size() && j < eb.size()) {
      ++work;
      const uint32_t lo = std::max(ea[i].lo, eb[j].lo);
      const uint32_t hi = std::min(ea[i].hi, eb[j].hi);
      if (lo <= hi) {
        int32_t id = 0;
        if (Status s = intern(ea[i].to, eb[j].to, &id); !s.ok()) return s;
        edges.push_back({lo, hi, id});
      }
      if (ea[i].hi < eb[j].hi) {
        ++i;
      } else {
        ++j;
      }
    }
    if (work > limits.max_work) return TooMuchWork();
    out.edges[d] = std::move(edges);
  }
  return out;
}

// ---------------------------------------------------------------- Automaton

uint32_t DecodeLenient(std::string_view text, size_t* pos) {
  const size_t p = *pos;
  const auto b0 = static_cast<unsigned char>(text[p]);
  if (b0 < 0x80) {
    *pos = p + 1;
    return b0;
  }
  auto cont = [&](size_t k) {
    return p + k < text.size() && (static_cast<unsigned char>(text[p + k]) & 0xC0) == 0x80;
  };
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(text[p + k]) & 0x3F); };
  uint32_t cp = 0;
  size_t len = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    cp = ((b0 & 0x1Fu) << 6) | byte(1);
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    cp = ((b0 & 0x0Fu) << 12) | (byte(1) << 6) | byte(2);
    len = 3;
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) len = 0;
  } else if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    cp = ((b0 & 0x07u) << 18) | (byte(1) << 12) | (byte(2) << 6) | byte(3);
    len = 4;
    if (cp < 0x10000 || cp > kMaxCodePoint) len = 0;
  }
  if (len == 0) {
    *pos = p + 1;
    return 0xFFFD;
  }
  *pos = p + len;
  return cp;
}

Automaton::Automaton(Dfa dfa) : dfa_(std::move(dfa)) {
  const size_t n = dfa_.size();
  // Live states: those that reach an accepting state (reverse search).
  std::vector<std::vector<int32_t>> reverse(n);
  for (size_t s = 0; s < n; ++s) {
    for (const Dfa::Edge& e : dfa_.edges[s]) reverse[e.to].push_back(static_cast<int32_t>(s));
  }
  live_.assign(n, 0);
  std::vector<int32_t> stack;
  for (size_t s = 0; s < n; ++s) {
    if (dfa_.accept[s]) {
      live_[s] = 1;
      stack.push_back(static_cast<int32_t>(s));
    }
  }
  while (!stack.empty()) {
    const int32_t s = stack.back();
    stack.pop_back();
    for (int32_t p : reverse[s]) {
      if (!live_[p]) {
        live_[p] = 1;
        stack.push_back(p);
      }
    }
  }
  if (n == 0) {  // never happens from Determinize, but keep Matches safe
    dfa_.edges.emplace_back();
    dfa_.accept.push_back(0);
    live_.push_back(0);
  }
  // Small automata get a direct table for ASCII, the common case.
  if (dfa_.size() <= kAsciiTableMaxStates) {
    ascii_.assign(dfa_.size() * 128, -1);
    for (size_t s = 0; s < dfa_.size(); ++s) {
      for (const Dfa::Edge& e : dfa_.edges[s]) {
        if (e.lo >= 128 || !live_[e.to]) continue;
        for (uint32_t c = e.lo; c <= std::min<uint32_t>(e.hi, 127); ++c) {
          ascii_[s * 128 + c] = static_cast<int16_t>(e.to);
        }
      }
    }
  }
  // Literal prefix: follow forced single-character steps from the start.
  int32_t s = 0;
  for (size_t steps = 0; steps < dfa_.size() && live_[s] && !dfa_.accept[s]; ++steps) {
    const Dfa::Edge* only = nullptr;
    int live_edges = 0;
    for (const Dfa::Edge& e : dfa_.edges[s]) {
      if (!live_[e.to]) continue;
      ++live_edges;
      only = &e;
    }
    if (live_edges != 1 || only->lo != only->hi) break;
    utf8::Append(only->lo, &literal_prefix_);
    s = only->to;
  }
}

size_t Automaton::memory_bytes() const {
  size_t bytes = sizeof(*this) + ascii_.size() * sizeof(int16_t) + live_.size() + dfa_.accept.size() +
                 literal_prefix_.size();
  for (const auto& edges : dfa_.edges) bytes += sizeof(edges) + edges.size() * sizeof(Dfa::Edge);
  return bytes;
}

int32_t Automaton::Step(int32_t state, uint32_t cp) const {
  const auto& edges = dfa_.edges[state];
  auto it = std::upper_bound(edges.begin(), edges.end(), cp,
                             [](uint32_t c, const Dfa::Edge& e) { return c < e.lo; });
  if (it == edges.begin()) return -1;
  --it;
  if (cp > it->hi || !live_[it->to]) return -1;
  return it->to;
}

bool Automaton::Matches(std::string_view term) const {
  int32_t s = 0;
  if (!live_[0]) return false;
  size_t pos = 0;
  const bool table = !ascii_.empty();
  while (pos < term.size()) {
    const auto b = static_cast<unsigned char>(term[pos]);
    if (b < 0x80 && table) {
      s = ascii_[static_cast<size_t>(s) * 128 + b];
      ++pos;
    } else {
      s = Step(s, DecodeLenient(term, &pos));
    }
    if (s < 0) return false;
  }
  return dfa_.accept[s] != 0;
}

}  // namespace buildhub::search
