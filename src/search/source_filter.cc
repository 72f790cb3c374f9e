#include "search/source_filter.h"

#include "search/search_error.h"

namespace buildhub::search {
namespace {

// A union of `*` glob patterns run as an NFA; a state is the set of
// (pattern, position) pairs still alive. Empty state: dead (-1 in Lucene).
class GlobSet {
 public:
  using State = std::vector<std::vector<bool>>;

  explicit GlobSet(std::vector<std::string> patterns) : pats_(std::move(patterns)) {}

  State Start() const {
    State s(pats_.size());
    for (size_t i = 0; i < pats_.size(); ++i) {
      s[i].assign(pats_[i].size() + 1, false);
      s[i][0] = true;
      Close(i, &s[i]);
    }
    return s;
  }

  State Step(const State& s, char c) const {
    State next(pats_.size());
    for (size_t i = 0; i < pats_.size(); ++i) {
      next[i].assign(pats_[i].size() + 1, false);
      if (s.empty() || s[i].empty()) continue;
      const std::string& p = pats_[i];
      for (size_t j = 0; j < p.size(); ++j) {
        if (!s[i][j]) continue;
        if (p[j] == '*') {
          next[i][j] = true;
        } else if (p[j] == c) {
          next[i][j + 1] = true;
        }
      }
      Close(i, &next[i]);
    }
    return next;
  }

  State StepString(State s, const std::string& text) const {
    for (char c : text) {
      if (Dead(s)) break;
      s = Step(s, c);
    }
    return s;
  }

  static bool Dead(const State& s) {
    for (const auto& v : s) {
      for (bool b : v) {
        if (b) return false;
      }
    }
    return true;
  }

  bool Accept(const State& s) const {
    for (size_t i = 0; i < pats_.size(); ++i) {
      if (!s[i].empty() && s[i][pats_[i].size()]) return true;
    }
    return false;
  }

 private:
  void Close(size_t i, std::vector<bool>* v) const {
    const std::string& p = pats_[i];
    for (size_t j = 0; j < p.size(); ++j) {
      if ((*v)[j] && p[j] == '*') (*v)[j + 1] = true;
    }
  }

  std::vector<std::string> pats_;
};

// makeMatchDotsInFieldNames: p matches p itself and p.anything.
std::vector<std::string> WithDots(const std::vector<std::string>& ps) {
  std::vector<std::string> out;
  for (const std::string& p : ps) {
    out.push_back(p);
    out.push_back(p + ".*");
  }
  return out;
}

struct Filterer {
  const GlobSet& match_all;
  const GlobSet& exclude;

  json::Value Map(const json::Value& map, const GlobSet& include, const GlobSet::State& inc0,
                  const GlobSet::State& exc0) const {
    json::Value out = json::Value::Object();
    for (const auto& [key, value] : map.members()) {
      GlobSet::State inc = include.StepString(inc0, key);
      if (GlobSet::Dead(inc)) continue;
      GlobSet::State exc = GlobSet::Dead(exc0) ? exc0 : exclude.StepString(exc0, key);
      bool exc_alive = !GlobSet::Dead(exc);
      if (exc_alive && exclude.Accept(exc)) continue;
      const GlobSet* sub_include = &include;
      GlobSet::State sub_inc = inc;
      if (include.Accept(inc)) {
        if (!exc_alive || GlobSet::Dead(exclude.Step(exc, '.'))) {
          out.mutable_members().emplace_back(key, value);
          continue;
        }
        sub_include = &match_all;
        sub_inc = match_all.Start();
      }
      if (value.is_object()) {
        GlobSet::State si = sub_include->Step(sub_inc, '.');
        if (GlobSet::Dead(si)) continue;
        GlobSet::State se = exc_alive ? exclude.Step(exc, '.') : exc;
        json::Value filtered = Map(value, *sub_include, si, se);
        if (include.Accept(inc) || filtered.size() > 0) out.mutable_members().emplace_back(key, std::move(filtered));
      } else if (value.is_array()) {
        json::Value filtered = List(value, *sub_include, sub_inc, exc);
        if (filtered.size() > 0) out.mutable_members().emplace_back(key, std::move(filtered));
      } else if (include.Accept(inc) && (!exc_alive || !exclude.Accept(exc))) {
        out.mutable_members().emplace_back(key, value);
      }
    }
    return out;
  }

  json::Value List(const json::Value& list, const GlobSet& include, const GlobSet::State& inc0,
                   const GlobSet::State& exc0) const {
    json::Value out = json::Value::Array();
    bool is_include = include.Accept(inc0);
    for (const json::Value& v : list.items()) {
      if (v.is_object()) {
        GlobSet::State inc = include.Step(inc0, '.');
        GlobSet::State exc = GlobSet::Dead(exc0) ? exc0 : exclude.Step(exc0, '.');
        json::Value f = Map(v, include, inc, exc);
        if (f.size() > 0) out.push_back(std::move(f));
      } else if (v.is_array()) {
        json::Value f = List(v, include, inc0, exc0);
        if (f.size() > 0) out.push_back(std::move(f));
      } else if (is_include) {
        out.push_back(v);
      }
    }
    return out;
  }
};

Status Patterns(const json::Value& v, std::vector<std::string>* out) {
  if (v.is_string()) {
    out->push_back(v.text());
    return Status::Ok();
  }
  if (v.is_array()) {
    for (const auto& item : v.items()) {
      if (!item.is_string()) return ParsingError("[_source] patterns must be strings");
      out->push_back(item.text());
    }
    return Status::Ok();
  }
  if (v.is_null()) return Status::Ok();
  return ParsingError("[_source] expected a string or an array of strings");
}

}  // namespace

Result<SourceFilter> ParseSourceFilter(const json::Value& v) {
  SourceFilter f;
  if (v.is_bool()) {
    f.fetch = v.as_bool();
    return f;
  }
  if (v.is_string() || v.is_array()) {
    Status s = Patterns(v, &f.includes);
    if (!s.ok()) return s;
    return f;
  }
  if (v.is_object()) {
    for (const auto& [k, x] : v.members()) {
      Status s;
      if (k == "includes" || k == "include") {
        s = Patterns(x, &f.includes);
      } else if (k == "excludes" || k == "exclude") {
        s = Patterns(x, &f.excludes);
      } else {
        return ParsingError("Unknown key for a " + std::string(x.is_array() ? "START_ARRAY" : "VALUE_STRING") +
                            " in [" + k + "].");
      }
      if (!s.ok()) return s;
    }
    return f;
  }
  if (v.is_null()) return f;
  return ParsingError("Expected one of [VALUE_BOOLEAN, VALUE_STRING, START_ARRAY, START_OBJECT] for [_source]");
}

json::Value FilterSource(const json::Value& source, const SourceFilter& filter) {
  if (!source.is_object()) return source;
  GlobSet include(filter.includes.empty() ? std::vector<std::string>{"*"} : WithDots(filter.includes));
  GlobSet exclude(WithDots(filter.excludes));
  GlobSet match_all({"*"});
  Filterer f{match_all, exclude};
  GlobSet::State exc = filter.excludes.empty() ? GlobSet::State() : exclude.Start();
  return f.Map(source, include, include.Start(), exc);
}

}  // namespace buildhub::search
