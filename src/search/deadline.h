// Deadline: the per-request time budget. Long loops call Expired() every few
// thousand iterations so that no request runs much past its budget.
#pragma once

#include <chrono>
#include <cstdint>

namespace buildhub::search {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(int64_t budget_ms)
      : start_(Clock::now()), budget_ms_(budget_ms),
        end_(start_ + std::chrono::milliseconds(budget_ms > 0 ? budget_ms : 0)) {}

  bool Expired() const { return budget_ms_ > 0 && Clock::now() >= end_; }
  int64_t budget_ms() const { return budget_ms_; }
  int64_t ElapsedMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_).count();
  }

 private:
  Clock::time_point start_;
  int64_t budget_ms_;
  Clock::time_point end_;
};

}  // namespace buildhub::search
