// Metrics: the seed's keys (prefix "buildhub2."), counted in-process for the
// Prometheus page and, when configured, sent as Datadog-style statsd over UDP.
//
//   metrics::Global().Incr("sqs_inserted");
//   metrics::Global().Incr("api_search_requests", 1, {"method:POST"});
//   metrics::Global().Timing("api_search", elapsed_ms);
//   metrics::Global().Gauge("api_search_records", hits);
//
// Keys are the bare seed names (no prefix); the prefix is added on output.
// All methods are thread-safe and cheap (no allocation on the hot path once a
// key has been seen; the UDP send is non-blocking and drops on error).
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace buildhub::metrics {

struct StatsdConfig {
  std::string host;  // empty: statsd disabled
  int port = 8125;
  std::string prefix = "buildhub2.";
  std::vector<std::string> tags;  // added to every metric, e.g. "env:prod"
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Starts sending to statsd (UDP). Resolves the host once; errors name it.
  Status ConfigureStatsd(const StatsdConfig& config);

  void Incr(std::string_view key, int64_t value = 1,
            std::initializer_list<std::string_view> tags = {});
  void Gauge(std::string_view key, double value,
             std::initializer_list<std::string_view> tags = {});
  void Timing(std::string_view key, double milliseconds,
              std::initializer_list<std::string_view> tags = {});

  // Current value of a counter (sum over tag sets), for tests and summaries.
  int64_t CounterValue(std::string_view key) const;

  // Prometheus text exposition format (version 0.0.4): counters as
  // buildhub2_<key>_total, gauges as buildhub2_<key>, timers as summaries
  // (buildhub2_<key>_seconds with _count/_sum and quantiles).
  std::string PrometheusText() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The process-wide registry.
Registry& Global();

// Times a scope and reports it as a Timing on destruction.
class ScopedTimer {
 public:
  ScopedTimer(Registry& registry, std::string_view key)
      : registry_(registry), key_(key), start_(std::chrono::steady_clock::now()) {}
  ~ScopedTimer() {
    auto elapsed = std::chrono::steady_clock::now() - start_;
    registry_.Timing(key_, std::chrono::duration<double, std::milli>(elapsed).count());
  }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  Registry& registry_;
  std::string key_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace buildhub::metrics
