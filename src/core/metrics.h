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
// Memory is bounded: at most 4096 series (key + tag set) are kept in-process;
// later new ones are still sent to statsd but not kept (and counted in
// buildhub2_metrics_series_dropped_total). Non-finite gauge and timer values
// are ignored; negative timings count as 0.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace buildhub::metrics {

enum class Kind { kCounter, kGauge, kTimer };

struct StatsdConfig {
  std::string host;  // empty: statsd disabled
  int port = 8125;
  std::string prefix = "buildhub2.";
  std::vector<std::string> tags;  // added to every metric, e.g. "env:prod"
  // Lines are batched, newline-separated, into datagrams of at most this
  // many bytes (64..65000), and a batch waits at most `flush_interval`.
  // A zero interval sends every metric in its own datagram at once.
  size_t max_datagram_bytes = 1400;
  std::chrono::milliseconds flush_interval{100};
};

// A timer's figures, merged over its tag sets. Quantiles come from a fixed
// log-scale histogram (16 buckets per doubling, 1 us .. ~5 h): within about
// 2.2% of the true value, clamped to the observed min/max; they cover the
// whole life of the process (no sliding window). Zero when count is zero.
struct TimerStats {
  uint64_t count = 0;
  double sum_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Starts sending to statsd (UDP). Resolves the host once; errors name it.
  // An empty host stops sending. Send failures are counted, never reported.
  Status ConfigureStatsd(const StatsdConfig& config);
  // Sends whatever is batched now (also done on destruction and, for
  // Global(), at exit).
  void FlushStatsd();
  // Datagrams that failed to send plus lines dropped for being too long.
  uint64_t StatsdSendFailures() const;

  // Registers a key up front so that PrometheusText() lists it (at zero)
  // before it first happens, with `help` as its HELP text.
  void Describe(std::string_view key, Kind kind, std::string_view help);

  void Incr(std::string_view key, int64_t value = 1,
            std::initializer_list<std::string_view> tags = {});
  void Gauge(std::string_view key, double value,
             std::initializer_list<std::string_view> tags = {});
  void Timing(std::string_view key, double milliseconds,
              std::initializer_list<std::string_view> tags = {});

  // Current value of a counter (sum over tag sets), for tests and summaries.
  int64_t CounterValue(std::string_view key) const;
  // Last value of the gauge with exactly these tags (in any order).
  std::optional<double> GaugeValue(std::string_view key,
                                   std::initializer_list<std::string_view> tags = {}) const;
  TimerStats TimerValue(std::string_view key) const;

  // Prometheus text exposition format (version 0.0.4): counters as
  // buildhub2_<key>_total, gauges as buildhub2_<key>, timers as summaries
  // (buildhub2_<key>_seconds with _count/_sum and quantiles).
  std::string PrometheusText() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The process-wide registry (never destroyed, flushed at exit).
Registry& Global();

// Describes every key of the seed's architecture.rst plus Buildhub's own
// (rejected_builds, ingest_lag, ingest_inserted, ingest_not_inserted,
// ingest_rejected).
void DescribeSeedMetrics(Registry& registry);

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
