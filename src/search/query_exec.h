// QueryExecutor: evaluates a Query against a Snapshot, giving the set of
// matching global doc numbers (a CRoaring bitmap), and scores matching docs
// under the simple rule documented in query.h. Long loops watch the
// request's deadline.
#pragma once

#include <memory>
#include <optional>
#include <vector>
#include <unordered_map>

#include "core/status.h"
#include "roaring/roaring.hh"
#include "search/deadline.h"
#include "search/query.h"
#include "search/snapshot.h"

namespace buildhub::search {

// The 400 for a request that ran out of time.
Status TimeBudgetError(const Deadline& deadline);

class QueryExecutor {
 public:
  QueryExecutor(const Snapshot& snapshot, const Deadline& deadline)
      : snap_(snapshot), deadline_(deadline) {}

  // Docs matching `q`. `filter_context`: ES's filter context (see
  // es67-semantics.md "bool").
  Result<Roaring> Match(const Query& q, bool filter_context);

  // Docs of the whole index.
  Roaring All() const;

  const Snapshot& snapshot() const { return snap_; }
  const Deadline& deadline() const { return deadline_; }

 private:
  friend class Scorer;
  using Memo = std::unordered_map<const Query*, Roaring>;

  Result<Roaring> Eval(const Query& q, bool filter_context, Memo* memo);
  Result<Roaring> Bool(const Query& q, bool filter_context, Memo* memo);
  Result<Roaring> Leaf(const Query& q);
  Result<Roaring> Terms(const Query& q);
  Result<Roaring> TermRange(const Query& q);
  Result<Roaring> Pattern(const Query& q);
  Result<Roaring> Fuzzy(const Query& q);
  Result<Roaring> NumericRange(const Query& q);
  Result<Roaring> Phrase(const Query& q);
  // The docs of `candidates` that match `q` (a leaf a column decides: see
  // DecidedByColumn), read from the columns doc by doc. nullopt when
  // building the leaf's whole set is expected to be cheaper.
  Result<std::optional<Roaring>> CheckCandidates(const Query& q, const Roaring& candidates);
  Status Tick(size_t i) const;

  const Snapshot& snap_;
  const Deadline& deadline_;
};

// Scores docs that match a query evaluated in query context.
class Scorer {
 public:
  // Evaluates `q` (query context) and keeps what scoring needs.
  static Result<std::unique_ptr<Scorer>> Create(QueryExecutor& exec, const Query& q);

  const Roaring& matches() const { return matches_; }
  // All matching docs score the same (then ConstantScore() is that score).
  bool constant() const { return constant_; }
  float ConstantScore() const { return constant_score_; }
  float Score(uint32_t doc) const;

  // The docs of `within` (a subset of matches()) grouped by score, best
  // first, computed with set algebra on the query's clauses instead of doc
  // by doc. nullopt when the query splits them into more than `max_groups`
  // (then score docs one by one).
  using Groups = std::vector<std::pair<float, Roaring>>;
  std::optional<Groups> ScoreGroups(const Roaring& within, size_t max_groups = 256) const;

 private:
  using Classes = std::vector<std::pair<Roaring, float>>;
  float ScoreOf(const Query& q, uint32_t doc) const;
  bool Contains(const Query& q, uint32_t doc) const;
  bool ClassesOf(const Query& q, const Roaring& within, size_t cap, Classes* out) const;
  const Roaring* MemoOf(const Query& q) const;

  const Query* query_ = nullptr;
  QueryExecutor::Memo memo_;
  Roaring matches_;
  bool constant_ = true;
  float constant_score_ = 1.0f;
};

// Whether every doc matching `q` gets the same score.
bool IsConstantScore(const Query& q);

}  // namespace buildhub::search
