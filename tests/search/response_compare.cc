// Walks the oracle's response and the engine's side by side.
#include "search/response_compare.h"

#include <cmath>
#include <map>
#include <set>

namespace buildhub::search::oracle {

namespace {

using json::Value;

std::string Short(const Value* v) {
  if (v == nullptr) return "(absent)";
  std::string s = json::Write(*v);
  if (s.size() > 160) s = s.substr(0, 157) + "...";
  return s;
}

class Comparer {
 public:
  Comparer(const NaiveResponse& expected, size_t limit) : expected_(expected), limit_(limit) {
    for (const auto& note : expected.hits_notes) notes_[note.path] = note;
  }

  void Diff(const std::string& path, const Value* e, const Value* a, const std::string& what = "") {
    if (diffs_.size() >= limit_) return;
    diffs_.push_back((path.empty() ? "(root)" : path) + ": " + (what.empty() ? "" : what + ": ") +
                     "expected " + Short(e) + ", got " + Short(a));
  }

  void Compare(const Value& e, const Value& a, const std::string& path) {
    if (diffs_.size() >= limit_) return;
    if (auto it = notes_.find(path); it != notes_.end()) {
      CompareHits(e, a, path, it->second);
      return;
    }
    if (e.is_number() && a.is_number()) {
      if (!NumbersAgree(e, a)) Diff(path, &e, &a);
      return;
    }
    if (e.type() != a.type()) {
      Diff(path, &e, &a, "type");
      return;
    }
    switch (e.type()) {
      case json::Type::kObject: {
        for (const auto& [k, ev] : e.members()) {
          if (Ignored(path, k)) continue;
          const Value* av = a.find(k);
          if (av == nullptr) {
            Diff(Join(path, k), &ev, nullptr, "missing");
            continue;
          }
          Compare(ev, *av, Join(path, k));
        }
        for (const auto& [k, av] : a.members()) {
          if (Ignored(path, k)) continue;
          if (e.find(k) == nullptr) Diff(Join(path, k), nullptr, &av, "unexpected");
        }
        return;
      }
      case json::Type::kArray: {
        if (e.items().size() != a.items().size()) {
          Diff(path, &e, &a, "length " + std::to_string(e.items().size()) + " vs " + std::to_string(a.items().size()));
          return;
        }
        for (size_t i = 0; i < e.items().size(); ++i) Compare(e.items()[i], a.items()[i], Join(path, std::to_string(i)));
        return;
      }
      default:
        if (!(e == a)) Diff(path, &e, &a);
    }
  }

  std::vector<std::string> Result() { return diffs_; }

 private:
  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "/" + key;
  }

  bool Ignored(const std::string& path, const std::string& key) const {
    if (path.empty()) return key == "took" || key == "_shards" || key == "suggest";
    if (key == "max_score") return true;
    if (key == "highlight") return true;
    return false;
  }

  // One hit; `_score` and `sort` only when the note says they are defined.
  void CompareHit(const Value& e, const Value& a, const std::string& path, const HitsNote& note) {
    if (!e.is_object() || !a.is_object()) {
      Diff(path, &e, &a, "hit");
      return;
    }
    for (const char* key : {"_index", "_type", "_id", "_source"}) {
      const Value* ev = e.find(key);
      const Value* av = a.find(key);
      if ((ev == nullptr) != (av == nullptr)) {
        Diff(Join(path, key), ev, av, ev ? "missing" : "unexpected");
      } else if (ev != nullptr) {
        Compare(*ev, *av, Join(path, key));
      }
    }
    if (note.scores_defined) {
      const Value* ev = e.find("_score");
      const Value* av = a.find("_score");
      if (av == nullptr) {
        Diff(Join(path, "_score"), ev, nullptr, "missing");
      } else if (ev != nullptr) {
        Compare(*ev, *av, Join(path, "_score"));
      }
    }
    const Value* es = e.find("sort");
    const Value* as = a.find("sort");
    if ((es == nullptr) != (as == nullptr)) {
      Diff(Join(path, "sort"), es, as, es ? "missing" : "unexpected");
    } else if (es != nullptr && note.sort_values_defined) {
      Compare(*es, *as, Join(path, "sort"));
    }
  }

  void CompareHits(const Value& e, const Value& a, const std::string& path, const HitsNote& note) {
    if (!e.is_array() || !a.is_array()) {
      Diff(path, &e, &a, "hits");
      return;
    }
    if (e.items().size() != a.items().size()) {
      if (diffs_.size() < limit_) {
        diffs_.push_back(path + ": expected " + std::to_string(e.items().size()) + " hits, got " +
                         std::to_string(a.items().size()));
      }
      return;
    }
    if (note.order == HitsNote::Order::kExact) {
      for (size_t i = 0; i < e.items().size(); ++i) {
        const Value* eid = e.items()[i].find("_id");
        const Value* aid = a.items()[i].find("_id");
        if (!eid || !aid || !(*eid == *aid)) {
          Diff(Join(path, std::to_string(i)) + "/_id", eid, aid, "order");
          return;
        }
        CompareHit(e.items()[i], a.items()[i], Join(path, std::to_string(i)), note);
      }
      return;
    }
    if (note.order == HitsNote::Order::kSortValuesOnly) {
      for (size_t i = 0; i < e.items().size(); ++i) {
        const Value* es = e.items()[i].find("sort");
        const Value* as = a.items()[i].find("sort");
        if (!es || !as) {
          Diff(Join(path, std::to_string(i)) + "/sort", es, as);
          return;
        }
        if (note.sort_values_defined) Compare(*es, *as, Join(path, std::to_string(i)) + "/sort");
      }
    }
    if (!note.complete) return;  // which of the equal hits made the page is the engine's choice
    std::map<std::string, const Value*> by_id;
    for (const auto& h : a.items()) {
      if (const Value* id = h.find("_id"); id && id->is_string()) by_id[id->text()] = &h;
    }
    for (size_t i = 0; i < e.items().size(); ++i) {
      const std::string& id = e.items()[i].find("_id")->text();
      auto it = by_id.find(id);
      if (it == by_id.end()) {
        Diff(path, e.items()[i].find("_id"), nullptr, "hit set: missing id");
        return;
      }
      CompareHit(e.items()[i], *it->second, path + "/{" + id + "}", note);
    }
  }

  const NaiveResponse& expected_;
  size_t limit_;
  std::map<std::string, HitsNote> notes_;
  std::vector<std::string> diffs_;
};

}  // namespace

bool NumbersAgree(const Value& a, const Value& b) {
  // ES prints longs as integers and doubles with a fraction or exponent;
  // clients see the difference (Python int vs float).
  if (a.is_integer_literal() != b.is_integer_literal()) return false;
  if (a.is_integer_literal()) {
    auto x = a.as_exact_int64();
    auto y = b.as_exact_int64();
    if (x && y) return *x == *y;
    return a.text() == b.text();
  }
  double x = a.as_double(), y = b.as_double();
  if (x == y) return true;
  if (std::isnan(x) || std::isnan(y)) return false;
  double scale = std::max(std::fabs(x), std::fabs(y));
  return std::fabs(x - y) <= 1e-9 * scale;
}

std::vector<std::string> CompareResponses(const NaiveResponse& expected, int actual_status,
                                          const Value& actual_body, size_t limit) {
  std::vector<std::string> diffs;
  if (expected.http_status != actual_status) {
    std::string got = json::Write(actual_body);
    if (got.size() > 300) got = got.substr(0, 297) + "...";
    diffs.push_back("status: expected " + std::to_string(expected.http_status) +
                    (expected.error.empty() ? "" : " (" + expected.error + ")") + ", got " +
                    std::to_string(actual_status) + " " + got);
    return diffs;
  }
  if (expected.http_status != 200) return diffs;
  Comparer c(expected, limit);
  c.Compare(expected.body, actual_body, "");
  return c.Result();
}

}  // namespace buildhub::search::oracle
