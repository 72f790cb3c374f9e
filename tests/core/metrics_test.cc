#include "core/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

// Counts every allocation made through the global operator new, so that a
// test can prove the hot path does not allocate. Left out of sanitizer
// builds, whose allocators this replacement would partly bypass.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define BUILDHUB_COUNT_ALLOCATIONS 1
namespace {
std::atomic<long> g_allocations{0};
}  // namespace
// Pairing malloc with free is this replacement's whole point.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop
#endif

namespace buildhub::metrics {
namespace {

using std::chrono::milliseconds;

// A real UDP socket bound on a loopback address with an ephemeral port.
class UdpReceiver {
 public:
  // family: AF_INET (127.0.0.1) or AF_INET6 (::1). ok() is false, with
  // error() saying why, if the socket cannot be bound.
  explicit UdpReceiver(int family = AF_INET) {
    fd_ = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      error_ = std::string("socket: ") + std::strerror(errno);
      return;
    }
    sockaddr_storage addr{};
    socklen_t len;
    if (family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&addr);
      in->sin_family = AF_INET;
      in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof(sockaddr_in);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
      in6->sin6_family = AF_INET6;
      in6->sin6_addr = in6addr_loopback;
      len = sizeof(sockaddr_in6);
    }
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
      error_ = std::string("bind: ") + std::strerror(errno);
      ::close(fd_);
      fd_ = -1;
      return;
    }
    len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                              : ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  }
  ~UdpReceiver() {
    if (fd_ >= 0) ::close(fd_);
  }

  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }

  // One datagram, or "" after `timeout`.
  std::string Receive(milliseconds timeout = milliseconds(2000)) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return {};
    char buf[70000];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

  // Datagrams until `lines` lines have arrived or nothing came for `timeout`.
  std::vector<std::string> ReceiveLines(size_t lines, milliseconds timeout = milliseconds(2000),
                                        std::vector<std::string>* datagrams = nullptr) {
    std::vector<std::string> out;
    while (out.size() < lines) {
      std::string d = Receive(timeout);
      if (d.empty()) break;
      if (datagrams) datagrams->push_back(d);
      std::stringstream ss(d);
      std::string line;
      while (std::getline(ss, line)) out.push_back(line);
    }
    return out;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::string error_;
};

StatsdConfig LocalConfig(const UdpReceiver& rx, milliseconds interval = milliseconds(0)) {
  StatsdConfig c;
  c.host = "127.0.0.1";
  c.port = rx.port();
  c.flush_interval = interval;
  return c;
}

TEST(MetricsStatsd, SendsExactDatadogLines) {
  UdpReceiver rx;
  ASSERT_TRUE(rx.ok()) << rx.error();
  Registry r;
  ASSERT_TRUE(r.ConfigureStatsd(LocalConfig(rx)).ok());

  r.Incr("sqs_inserted");
  EXPECT_EQ(rx.Receive(), "buildhub2.sqs_inserted:1|c");
  r.Incr("api_search_requests", 1, {"method:POST"});
  EXPECT_EQ(rx.Receive(), "buildhub2.api_search_requests:1|c|#method:POST");
  r.Incr("rejected_builds", 3, {"source:sqs", "bare"});
  EXPECT_EQ(rx.Receive(), "buildhub2.rejected_builds:3|c|#source:sqs,bare");
  r.Incr("sqs_not_inserted", -2);
  EXPECT_EQ(rx.Receive(), "buildhub2.sqs_not_inserted:-2|c");
  r.Gauge("api_search_records", 42);
  EXPECT_EQ(rx.Receive(), "buildhub2.api_search_records:42|g");
  r.Gauge("api_search_records", 1.5, {"method:GET"});
  EXPECT_EQ(rx.Receive(), "buildhub2.api_search_records:1.5|g|#method:GET");
  r.Timing("api_search", 12.5);
  EXPECT_EQ(rx.Receive(), "buildhub2.api_search:12.5|ms");
  r.Timing("backfill", 3000);
  EXPECT_EQ(rx.Receive(), "buildhub2.backfill:3000|ms");
  EXPECT_EQ(r.StatsdSendFailures(), 0u);
}

TEST(MetricsStatsd, PrefixAndGlobalTagsAreAppended) {
  UdpReceiver rx;
  ASSERT_TRUE(rx.ok()) << rx.error();
  Registry r;
  StatsdConfig c = LocalConfig(rx);
  c.prefix = "bh.";
  c.tags = {"env:prod", "canary"};
  ASSERT_TRUE(r.ConfigureStatsd(c).ok());
  r.Incr("sqs_messages", 5, {"queue:main"});
  EXPECT_EQ(rx.Receive(), "bh.sqs_messages:5|c|#queue:main,env:prod,canary");
  r.Gauge("api_search_records", 0);
  EXPECT_EQ(rx.Receive(), "bh.api_search_records:0|g|#env:prod,canary");
  r.Timing("ingest_lag", 0.25);
  EXPECT_EQ(rx.Receive(), "bh.ingest_lag:0.25|ms|#env:prod,canary");

  c.prefix = "";
  c.tags.clear();
  ASSERT_TRUE(r.ConfigureStatsd(c).ok());
  r.Incr("sqs_messages");
  EXPECT_EQ(rx.Receive(), "sqs_messages:1|c");
}

TEST(MetricsStatsd, HostileKeysAndTagsCannotBreakTheLine) {
  UdpReceiver rx;
  ASSERT_TRUE(rx.ok()) << rx.error();
  Registry r;
  ASSERT_TRUE(r.ConfigureStatsd(LocalConfig(rx)).ok());
  r.Incr("bad key:1|c\nx", 1, {"method:P|O,S#T\nX", ""});
  EXPECT_EQ(rx.Receive(), "buildhub2.bad_key_1_c_x:1|c|#method:P_O_S_T_X");
}

TEST(MetricsStatsd, EverySeedKeyIsReceivedOnARealSocket) {
  const std::vector<std::pair<std::string, Kind>> keys = {
      {"sqs_process_buildhub_json_key", Kind::kTimer},
      {"sqs_inserted", Kind::kCounter},
      {"sqs_not_inserted", Kind::kCounter},
      {"sqs_messages", Kind::kCounter},
      {"sqs_key_matched", Kind::kCounter},
      {"sqs_not_key_matched", Kind::kCounter},
      {"api_search", Kind::kTimer},
      {"api_search_records", Kind::kGauge},
      {"api_search_requests", Kind::kCounter},
      {"backfill_inserted", Kind::kCounter},
      {"backfill_not_inserted", Kind::kCounter},
      {"backfill_listed", Kind::kCounter},
      {"backfill_matched", Kind::kCounter},
      {"backfill", Kind::kTimer},
      {"kinto_migrated", Kind::kCounter},
      {"kinto_inserted", Kind::kCounter},
      {"rejected_builds", Kind::kCounter},
      {"ingest_lag", Kind::kTimer},
      {"ingest_inserted", Kind::kCounter},
      {"ingest_not_inserted", Kind::kCounter},
      {"ingest_rejected", Kind::kCounter},
  };
  UdpReceiver rx;
  ASSERT_TRUE(rx.ok()) << rx.error();
  Registry r;
  // The default batching: lines share datagrams and go out on the timer.
  StatsdConfig c = LocalConfig(rx, milliseconds(50));
  ASSERT_TRUE(r.ConfigureStatsd(c).ok());
  std::map<std::string, std::string> expected;
  for (const auto& [key, kind] : keys) {
    switch (kind) {
      case Kind::kCounter:
        r.Incr(key);
        expected[key] = "1|c";
        break;
      case Kind::kGauge:
        r.Gauge(key, 7);
        expected[key] = "7|g";
        break;
      case Kind::kTimer:
        r.Timing(key, 2);
        expected[key] = "2|ms";
        break;
    }
  }
  std::vector<std::string> datagrams;
  std::vector<std::string> lines = rx.ReceiveLines(keys.size(), milliseconds(3000), &datagrams);
  std::map<std::string, std::string> received;
  for (const std::string& line : lines) {
    ASSERT_EQ(line.rfind("buildhub2.", 0), 0u) << line;
    size_t colon = line.find(':');
    ASSERT_NE(colon, std::string::npos) << line;
    EXPECT_TRUE(received.emplace(line.substr(10, colon - 10), line.substr(colon + 1)).second) << line;
  }
  EXPECT_EQ(received, expected);
  EXPECT_LT(datagrams.size(), keys.size()) << "lines should have been batched";
  for (const std::string& d : datagrams) EXPECT_LE(d.size(), 1400u);
}

TEST(MetricsStatsd, BatchesRespectTheDatagramSizeAndKeepOrder) {
  UdpReceiver rx;
  ASSERT_TRUE(rx.ok()) << rx.error();
  Registry r;
  StatsdConfig c = LocalConfig(rx, milliseconds(60000));  // only size and Flush send
  c.max_datagram_bytes = 100;
  ASSERT_TRUE(r.ConfigureStatsd(c).ok());
  std::vector<std::string> want;
  for (int i = 0; i < 50; ++i) {
    r.Incr("backfill_listed", i);
    want.push_back("buildhub2.backfill_listed:" + std::to_string(i) + "|c");
  }
  r.FlushStatsd();
  std::vector<std::string> datagrams;
  EXPECT_EQ(rx.ReceiveLines(want.size(), milliseconds(2000), &datagrams), want);
  EXPECT_GT(datagrams.size(), 10u);
  for (const std::string& d : datagrams) {
    EXPECT_LE(d.size(), 100u);
    EXPECT_NE(d.back(), '\n');
  }
}

TEST(MetricsStatsd, FlushesOnTimerAndOnDestruction) {
  UdpReceiver rx;
  ASSERT_TRUE(rx.ok()) << rx.error();
  {
    Registry r;
    ASSERT_TRUE(r.ConfigureStatsd(LocalConfig(rx, milliseconds(20))).ok());
    auto start = std::chrono::steady_clock::now();
    r.Incr("sqs_messages");
    EXPECT_EQ(rx.Receive(milliseconds(2000)), "buildhub2.sqs_messages:1|c");
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
  }
  {
    Registry r;
    ASSERT_TRUE(r.ConfigureStatsd(LocalConfig(rx, milliseconds(60000))).ok());
    r.Incr("kinto_inserted", 9);
    EXPECT_EQ(rx.Receive(milliseconds(100)), "") << "must wait for the timer or a flush";
  }  // destroyed: flushed
  EXPECT_EQ(rx.Receive(), "buildhub2.kinto_inserted:9|c");
}

TEST(MetricsStatsd, GlobalRegistryFlushesAtExit) {
  UdpReceiver rx;
  ASSERT_TRUE(rx.ok()) << rx.error();
  // The child (a fork) batches one line for a minute and exits at once.
  EXPECT_EXIT(
      {
        if (!Global().ConfigureStatsd(LocalConfig(rx, milliseconds(60000))).ok()) std::_Exit(3);
        Global().Incr("sqs_messages", 11);
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_EQ(rx.Receive(), "buildhub2.sqs_messages:11|c");
}

TEST(MetricsStatsd, Ipv6Loopback) {
  UdpReceiver rx(AF_INET6);
  if (!rx.ok()) GTEST_SKIP() << "no IPv6 loopback on this machine (" << rx.error() << ")";
  Registry r;
  StatsdConfig c;
  c.host = "::1";
  c.port = rx.port();
  c.flush_interval = milliseconds(0);
  ASSERT_TRUE(r.ConfigureStatsd(c).ok());
  r.Incr("sqs_inserted", 2, {"v:6"});
  EXPECT_EQ(rx.Receive(), "buildhub2.sqs_inserted:2|c|#v:6");
  c.host = "[::1]";
  ASSERT_TRUE(r.ConfigureStatsd(c).ok());
  r.Gauge("api_search_records", 3);
  EXPECT_EQ(rx.Receive(), "buildhub2.api_search_records:3|g");
}

TEST(MetricsStatsd, BadConfigurationGivesClearErrors) {
  Registry r;
  StatsdConfig c;
  c.host = "no-such-host.invalid";
  c.port = 8125;
  Status s = r.ConfigureStatsd(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no-such-host.invalid:8125"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("could not be resolved"), std::string::npos) << s.message();

  c.host = "127.0.0.1";
  c.port = 0;
  s = r.ConfigureStatsd(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("127.0.0.1:0"), std::string::npos) << s.message();
  c.port = 70000;
  EXPECT_FALSE(r.ConfigureStatsd(c).ok());

  c.port = 8125;
  c.host = "bad host\n";
  s = r.ConfigureStatsd(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bad host\\x0a"), std::string::npos) << s.message();
  c.host = std::string(300, 'a');
  EXPECT_FALSE(r.ConfigureStatsd(c).ok());

  c.host = "127.0.0.1";
  c.prefix = "a|b";
  s = r.ConfigureStatsd(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'a|b'"), std::string::npos) << s.message();
  c.prefix = "buildhub2.";
  c.tags = {"env:prod", "x,y"};
  s = r.ConfigureStatsd(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'x,y'"), std::string::npos) << s.message();
  c.tags = {""};
  EXPECT_FALSE(r.ConfigureStatsd(c).ok());
  c.tags.clear();
  c.max_datagram_bytes = 10;
  EXPECT_FALSE(r.ConfigureStatsd(c).ok());
  c.max_datagram_bytes = 1400;
  c.flush_interval = milliseconds(-1);
  EXPECT_FALSE(r.ConfigureStatsd(c).ok());

  // None of that left a half-configured sender behind: recording still works.
  r.Incr("sqs_inserted");
  EXPECT_EQ(r.CounterValue("sqs_inserted"), 1);
}

TEST(MetricsStatsd, SendFailuresAreCountedNotThrown) {
  Registry r;
  StatsdConfig c;
  // Sending to the broadcast address without SO_BROADCAST fails (EACCES) on
  // every send: a deterministic send error.
  c.host = "255.255.255.255";
  c.port = 8125;
  c.flush_interval = milliseconds(0);
  ASSERT_TRUE(r.ConfigureStatsd(c).ok());
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) r.Incr("sqs_inserted");
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  EXPECT_EQ(r.StatsdSendFailures(), 100u);
  EXPECT_EQ(r.CounterValue("sqs_inserted"), 100);  // in-process counting is unaffected
}

TEST(MetricsStatsd, ALineTooLongForADatagramIsDroppedAndCounted) {
  UdpReceiver rx;
  ASSERT_TRUE(rx.ok()) << rx.error();
  Registry r;
  ASSERT_TRUE(r.ConfigureStatsd(LocalConfig(rx)).ok());
  std::string tag = "t:" + std::string(2000, 'x');
  r.Incr("sqs_inserted", 1, {tag});
  r.Incr("sqs_inserted");
  EXPECT_EQ(rx.Receive(), "buildhub2.sqs_inserted:1|c");
  EXPECT_EQ(r.StatsdSendFailures(), 1u);
}

TEST(MetricsStatsd, DisablingStopsSending) {
  UdpReceiver rx;
  ASSERT_TRUE(rx.ok()) << rx.error();
  Registry r;
  ASSERT_TRUE(r.ConfigureStatsd(LocalConfig(rx, milliseconds(60000))).ok());
  r.Incr("sqs_inserted");
  ASSERT_TRUE(r.ConfigureStatsd(StatsdConfig{}).ok());  // flushes what was batched
  EXPECT_EQ(rx.Receive(), "buildhub2.sqs_inserted:1|c");
  r.Incr("sqs_inserted");
  r.FlushStatsd();
  EXPECT_EQ(rx.Receive(milliseconds(100)), "");
  EXPECT_EQ(r.CounterValue("sqs_inserted"), 2);
}

// ---------------------------------------------------------------------------

TEST(MetricsRegistry, CountersFromFourThreadsSumExactly) {
  Registry r;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&r, t] {
      const std::string mine = "thread:" + std::to_string(t);
      for (int i = 0; i < kPerThread; ++i) {
        r.Incr("api_search_requests", 1, {"method:POST"});
        r.Incr("sqs_messages", 1, {mine});
        r.Incr("sqs_inserted");
      }
    });
  }
  for (auto& th : threads) th.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.CounterValue("api_search_requests"), int64_t{kThreads} * kPerThread);
  EXPECT_EQ(r.CounterValue("sqs_messages"), int64_t{kThreads} * kPerThread);
  EXPECT_EQ(r.CounterValue("sqs_inserted"), int64_t{kThreads} * kPerThread);
  std::string text = r.PrometheusText();
  EXPECT_NE(text.find("buildhub2_api_search_requests_total{method=\"POST\"} 400000\n"), std::string::npos);
  EXPECT_NE(text.find("buildhub2_sqs_messages_total{thread=\"3\"} 100000\n"), std::string::npos);
  RecordProperty("ns_per_incr", std::to_string(seconds * 1e9 / (3.0 * kThreads * kPerThread)));
  std::printf("[ figures  ] %.1f ns per Incr (4 threads, 3 series)\n",
              seconds * 1e9 / (3.0 * kThreads * kPerThread));
}

#ifdef BUILDHUB_COUNT_ALLOCATIONS
TEST(MetricsRegistry, HotPathDoesNotAllocateOnceASeriesExists) {
  UdpReceiver rx;
  ASSERT_TRUE(rx.ok()) << rx.error();
  for (bool statsd : {false, true}) {
    Registry r;
    if (statsd) {
      StatsdConfig c = LocalConfig(rx, milliseconds(60000));
      c.tags = {"env:test"};
      ASSERT_TRUE(r.ConfigureStatsd(c).ok());
    }
    auto hot_path = [&r] {
      r.Incr("api_search_requests", 1, {"method:POST"});
      r.Incr("sqs_process_buildhub_json_key_but_longer_than_sso");
      r.Gauge("api_search_records", 12345.5);
      r.Timing("api_search", 0.731);
    };
    const long first = g_allocations.load();
    hot_path();  // creates the series
    const long before = g_allocations.load();
    EXPECT_GT(before - first, 0) << "creating series allocates: the counter works";
    for (int i = 0; i < 1000; ++i) hot_path();  // sends ~100 full datagrams when statsd is on
    const long after = g_allocations.load();
    EXPECT_EQ(after - before, 0) << (statsd ? "with statsd" : "without statsd");
    EXPECT_EQ(r.CounterValue("api_search_requests"), 1001);
  }
}
#endif

TEST(MetricsRegistry, TagOrderDoesNotMakeANewSeries) {
  Registry r;
  r.Incr("rejected_builds", 1, {"source:sqs", "x"});
  r.Incr("rejected_builds", 2, {"x", "source:sqs"});
  r.Incr("rejected_builds", 4, {"x", "source:sqs", "x"});
  r.Incr("rejected_builds", 8, {"source:local"});
  EXPECT_EQ(r.CounterValue("rejected_builds"), 15);
  std::string text = r.PrometheusText();
  EXPECT_NE(text.find("buildhub2_rejected_builds_total{source=\"sqs\",tag=\"x\"} 7\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("buildhub2_rejected_builds_total{source=\"local\"} 8\n"), std::string::npos);
}

TEST(MetricsRegistry, GaugesKeepTheLastFiniteValue) {
  Registry r;
  EXPECT_FALSE(r.GaugeValue("api_search_records").has_value());
  r.Gauge("api_search_records", 10);
  r.Gauge("api_search_records", 3);
  r.Gauge("api_search_records", std::nan(""));
  r.Gauge("api_search_records", INFINITY);
  r.Gauge("api_search_records", -4, {"b:1", "a:2"});
  EXPECT_EQ(r.GaugeValue("api_search_records"), 3.0);
  EXPECT_EQ(r.GaugeValue("api_search_records", {"a:2", "b:1"}), -4.0);
  EXPECT_FALSE(r.GaugeValue("api_search_records", {"a:2"}).has_value());
}

TEST(MetricsRegistry, TimerQuantilesAreClose) {
  Registry r;
  for (int i = 1; i <= 1000; ++i) r.Timing("api_search", i);
  r.Timing("api_search", std::nan(""));  // ignored
  TimerStats s = r.TimerValue("api_search");
  EXPECT_EQ(s.count, 1000u);
  EXPECT_DOUBLE_EQ(s.sum_ms, 500500.0);
  EXPECT_EQ(s.min_ms, 1.0);
  EXPECT_EQ(s.max_ms, 1000.0);
  EXPECT_NEAR(s.p50_ms, 500, 500 * 0.025);
  EXPECT_NEAR(s.p90_ms, 900, 900 * 0.025);
  EXPECT_NEAR(s.p99_ms, 990, 990 * 0.025);

  // Tiny, huge and negative values stay within the observed range.
  Registry q;
  q.Timing("backfill", 1e-6);
  q.Timing("backfill", -5);  // counts as 0
  q.Timing("backfill", 1e12);
  TimerStats t = q.TimerValue("backfill");
  EXPECT_EQ(t.count, 3u);
  EXPECT_EQ(t.min_ms, 0.0);
  EXPECT_EQ(t.max_ms, 1e12);
  EXPECT_GE(t.p50_ms, 0.0);
  EXPECT_LE(t.p50_ms, 1e-3);
  EXPECT_EQ(t.p99_ms, 1e12);

  EXPECT_EQ(q.TimerValue("never").count, 0u);
}

TEST(MetricsRegistry, ScopedTimerRecordsOnce) {
  Registry r;
  {
    ScopedTimer timer(r, "backfill");
    std::this_thread::sleep_for(milliseconds(5));
  }
  TimerStats s = r.TimerValue("backfill");
  EXPECT_EQ(s.count, 1u);
  EXPECT_GE(s.sum_ms, 5.0);
  EXPECT_LT(s.sum_ms, 5000.0);
}

TEST(MetricsRegistry, SeriesAreCappedSoMemoryIsBounded) {
  Registry r;
  for (int i = 0; i < 5000; ++i) r.Incr("api_search_requests", 1, {"method:" + std::to_string(i)});
  // 4096 series are kept (and counted); the rest are reported as dropped.
  EXPECT_EQ(r.CounterValue("api_search_requests"), 4096);
  std::string text = r.PrometheusText();
  EXPECT_NE(text.find("buildhub2_metrics_series_dropped_total 904\n"), std::string::npos);
  // A known series keeps counting after the cap.
  r.Incr("api_search_requests", 1, {"method:0"});
  EXPECT_EQ(r.CounterValue("api_search_requests"), 4097);
  // A huge tag is never kept.
  Registry big;
  big.Incr("sqs_inserted", 1, {std::string(5000, 'x')});
  EXPECT_EQ(big.CounterValue("sqs_inserted"), 0);
}

// ---------------------------------------------------------------------------
// Prometheus exposition format checker: HELP/TYPE lines name valid metrics,
// TYPE comes once per family before its samples, every other line is
// `name{labels} value` with valid names, escaped label values and a float.

struct PromCheck {
  std::vector<std::string> errors;
  std::set<std::string> families;
  std::map<std::string, std::string> samples;  // "name{labels}" -> value
};

PromCheck CheckPrometheus(const std::string& text) {
  static const std::regex kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static const std::string kLabel = R"([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")";
  static const std::regex kSample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)" + kLabel + "(?:," + kLabel + R"()*\})? )" +
                                  R"(([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|NaN|[-+]Inf))");
  PromCheck check;
  if (text.empty() || text.back() != '\n') check.errors.push_back("text must end with a newline");
  std::stringstream ss(text);
  std::string line;
  std::string current;       // family of the last TYPE line
  std::string current_type;  // its type
  int n = 0;
  while (std::getline(ss, line)) {
    ++n;
    auto err = [&](const std::string& what) { check.errors.push_back("line " + std::to_string(n) + ": " + what + ": " + line); };
    if (line.rfind("# HELP ", 0) == 0) {
      std::string rest = line.substr(7);
      std::string name = rest.substr(0, rest.find(' '));
      if (!std::regex_match(name, kName)) err("bad HELP name");
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::string rest = line.substr(7);
      size_t sp = rest.find(' ');
      std::string name = rest.substr(0, sp);
      std::string type = sp == std::string::npos ? "" : rest.substr(sp + 1);
      if (!std::regex_match(name, kName)) err("bad TYPE name");
      if (type != "counter" && type != "gauge" && type != "summary" && type != "histogram" && type != "untyped") {
        err("bad TYPE");
      }
      if (!check.families.insert(name).second) err("TYPE repeated");
      current = name;
      current_type = type;
      continue;
    }
    if (line.empty() || line[0] == '#') {
      err("unexpected comment or blank line");
      continue;
    }
    std::smatch m;
    if (!std::regex_match(line, m, kSample)) {
      err("not `name{labels} value`");
      continue;
    }
    std::string name = m[1];
    bool belongs = name == current ||
                   (current_type == "summary" && (name == current + "_sum" || name == current + "_count"));
    if (!belongs) err("sample outside its family " + current);
    std::string id = name + std::string(m[2]);
    if (!check.samples.emplace(id, m[3]).second) err("duplicate sample");
  }
  return check;
}

TEST(MetricsPrometheus, CheckerRejectsBadLines) {
  EXPECT_FALSE(CheckPrometheus("# TYPE a counter\na 1\n").errors.size());
  EXPECT_TRUE(CheckPrometheus("# TYPE a counter\na-b 1\n").errors.size());
  EXPECT_TRUE(CheckPrometheus("# TYPE a counter\na{x=\"1\"\"} 1\n").errors.size());
  EXPECT_TRUE(CheckPrometheus("# TYPE a counter\na{1x=\"1\"} 1\n").errors.size());
  EXPECT_TRUE(CheckPrometheus("# TYPE a counter\na one\n").errors.size());
  EXPECT_TRUE(CheckPrometheus("# TYPE a counter\na 1\na 2\n").errors.size());
  EXPECT_TRUE(CheckPrometheus("# TYPE a counter\nb 1\n").errors.size());
}

TEST(MetricsPrometheus, DescribedSeedKeysAppearAtZero) {
  Registry r;
  DescribeSeedMetrics(r);
  std::string text = r.PrometheusText();
  PromCheck check = CheckPrometheus(text);
  EXPECT_TRUE(check.errors.empty()) << ::testing::PrintToString(check.errors) << "\n" << text;

  for (const char* counter :
       {"sqs_inserted", "sqs_not_inserted", "sqs_messages", "sqs_key_matched", "sqs_not_key_matched",
        "api_search_requests", "backfill_inserted", "backfill_not_inserted", "backfill_listed",
        "backfill_matched", "kinto_migrated", "kinto_inserted", "rejected_builds", "ingest_inserted",
        "ingest_not_inserted", "ingest_rejected"}) {
    std::string name = std::string("buildhub2_") + counter + "_total";
    EXPECT_TRUE(check.families.count(name)) << name;
    EXPECT_EQ(check.samples[name], "0") << name;
  }
  EXPECT_EQ(check.samples["buildhub2_api_search_records"], "0");
  for (const char* timer : {"sqs_process_buildhub_json_key", "api_search", "backfill", "ingest_lag"}) {
    std::string name = std::string("buildhub2_") + timer + "_seconds";
    EXPECT_TRUE(check.families.count(name)) << name;
    EXPECT_EQ(check.samples[name + "{quantile=\"0.5\"}"], "NaN");
    EXPECT_EQ(check.samples[name + "_count"], "0");
    EXPECT_EQ(check.samples[name + "_sum"], "0");
  }
  EXPECT_NE(text.find("# HELP buildhub2_api_search_requests_total Requests to /api/search, tagged method:$METHOD.\n"
                      "# TYPE buildhub2_api_search_requests_total counter\n"),
            std::string::npos);
  EXPECT_EQ(check.families.size(), 21u + 2u);  // seed + Buildhub keys + the registry's own two
}

TEST(MetricsPrometheus, SamplesLabelsAndEscaping) {
  Registry r;
  DescribeSeedMetrics(r);
  r.Incr("api_search_requests", 1, {"method:POST"});
  r.Incr("api_search_requests", 2, {"method:GET"});
  r.Gauge("api_search_records", 1234);
  r.Timing("api_search", 250);
  r.Timing("api_search", 250);
  r.Timing("ingest_lag", 40, {"source:sqs"});
  r.Incr("odd.key-name", 1, {"path:a\"b\\c\nd", "bare", "9lives:x", "__reserved:y", "bad\xff:z\xff"});
  r.Timing("weird", 1, {"quantile:q"});
  std::string text = r.PrometheusText();
  PromCheck check = CheckPrometheus(text);
  EXPECT_TRUE(check.errors.empty()) << ::testing::PrintToString(check.errors) << "\n" << text;

  EXPECT_EQ(check.samples["buildhub2_api_search_requests_total{method=\"GET\"}"], "2");
  EXPECT_EQ(check.samples["buildhub2_api_search_requests_total{method=\"POST\"}"], "1");
  // Once tagged samples exist the untagged zero is not invented.
  EXPECT_EQ(check.samples.count("buildhub2_api_search_requests_total"), 0u);
  EXPECT_EQ(check.samples["buildhub2_api_search_records"], "1234");
  EXPECT_EQ(check.samples["buildhub2_api_search_seconds_count"], "2");
  EXPECT_EQ(check.samples["buildhub2_api_search_seconds_sum"], "0.5");
  double p50 = std::stod(check.samples["buildhub2_api_search_seconds{quantile=\"0.5\"}"]);
  EXPECT_DOUBLE_EQ(p50, 0.25);  // clamped to the observed min/max
  EXPECT_EQ(check.samples["buildhub2_ingest_lag_seconds_count{source=\"sqs\"}"], "1");
  EXPECT_EQ(check.samples["buildhub2_ingest_lag_seconds{source=\"sqs\",quantile=\"0.99\"}"], "0.04");
  EXPECT_EQ(check.samples["buildhub2_odd_key_name_total{_9lives=\"x\",bad_=\"z\xEF\xBF\xBD\","
                          "path=\"a\\\"b\\\\c\\nd\",tag=\"bare\",tag__reserved=\"y\"}"],
            "1")
      << text;
  EXPECT_EQ(check.samples["buildhub2_weird_seconds_count{tag_quantile=\"q\"}"], "1") << text;
  EXPECT_NE(text.find("# HELP buildhub2_weird_seconds buildhub2.weird (timer)\n"), std::string::npos);

  // Sorted families, stable output.
  std::vector<std::string> order;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) {
    if (line.rfind("# TYPE ", 0) == 0) order.push_back(line.substr(7, line.find(' ', 7) - 7));
  }
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  EXPECT_EQ(text, r.PrometheusText());
}

TEST(MetricsPrometheus, GlobalRegistryIsSharedAndUsable) {
  Registry& g = Global();
  EXPECT_EQ(&g, &Global());
  int64_t before = g.CounterValue("metrics_test_global");
  g.Incr("metrics_test_global");
  EXPECT_EQ(g.CounterValue("metrics_test_global"), before + 1);
  EXPECT_TRUE(CheckPrometheus(g.PrometheusText()).errors.empty());
}

}  // namespace
}  // namespace buildhub::metrics
