// How the metrics registry works.
//
// Series (kind + key + sorted tag set) live in 16 shards, each a hash set
// behind a shared_mutex. The hot path (a series already seen) is one hash of
// the key and tags, a shared lock on one shard, a lookup with string_views
// (heterogeneous lookup: no allocation) and relaxed atomic updates. Series are
// never removed, so pointers stay valid after the lock is dropped. Timers keep
// a fixed log-scale histogram of atomics, so recording never locks or
// allocates and memory per timer is fixed (about 4.4 KB).
//
// Statsd lines are appended to one batch buffer under a mutex held for the
// length of a short format; the batch is sent as a datagram when the next
// line would not fit, by a flusher thread every `flush_interval`, and on
// destruction. The socket is non-blocking: a failed send is counted and the
// batch dropped, never retried, never thrown.
#include "core/metrics.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <thread>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "core/utf8.h"

namespace buildhub::metrics {
namespace {

constexpr size_t kMaxSeries = 4096;
// A series whose key and tags together exceed this is not kept in-process
// (a hostile tag value must not pin memory); it is still sent to statsd.
constexpr size_t kMaxSeriesBytes = 1024;
constexpr size_t kShards = 16;
constexpr size_t kInlineTags = 16;

// ---------------------------------------------------------------------------
// Timer histogram: bucket 0 holds values under 1 us, buckets 1..16*34 split
// each doubling from 1 us to 2^34 us (~4.8 h) in 16, the last holds the rest.
// The geometric middle of a bucket is within 2^(1/32)-1 = 2.2% of any value
// in it.

constexpr double kHistogramMinMs = 1e-3;
constexpr int kSubBuckets = 16;
constexpr int kOctaves = 34;
constexpr int kBuckets = kOctaves * kSubBuckets + 2;

int BucketIndex(double ms) {
  if (!(ms >= kHistogramMinMs)) return 0;
  double x = std::log2(ms / kHistogramMinMs) * kSubBuckets;
  if (x >= kOctaves * kSubBuckets) return kBuckets - 1;
  return 1 + static_cast<int>(x);
}

double BucketMiddle(int index) {
  return kHistogramMinMs * std::exp2((index - 0.5) / kSubBuckets);
}

void AtomicMin(std::atomic<double>& target, double v) {
  double cur = target.load(std::memory_order_relaxed);
  while (v < cur && !target.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

void AtomicMax(std::atomic<double>& target, double v) {
  double cur = target.load(std::memory_order_relaxed);
  while (v > cur && !target.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

struct Histogram {
  std::array<std::atomic<uint64_t>, kBuckets> buckets{};
  std::atomic<uint64_t> count{0};
  std::atomic<double> sum{0};
  std::atomic<double> min{std::numeric_limits<double>::infinity()};
  std::atomic<double> max{-std::numeric_limits<double>::infinity()};

  void Record(double ms) {
    buckets[BucketIndex(ms)].fetch_add(1, std::memory_order_relaxed);
    count.fetch_add(1, std::memory_order_relaxed);
    sum.fetch_add(ms, std::memory_order_relaxed);
    AtomicMin(min, ms);
    AtomicMax(max, ms);
  }
};

// A merged, plain copy of one or more histograms.
struct HistogramSnapshot {
  std::array<uint64_t, kBuckets> buckets{};
  uint64_t total = 0;  // sum of buckets
  uint64_t count = 0;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  void Add(const Histogram& h) {
    for (int i = 0; i < kBuckets; ++i) {
      uint64_t n = h.buckets[i].load(std::memory_order_relaxed);
      buckets[i] += n;
      total += n;
    }
    count += h.count.load(std::memory_order_relaxed);
    sum += h.sum.load(std::memory_order_relaxed);
    min = std::min(min, h.min.load(std::memory_order_relaxed));
    max = std::max(max, h.max.load(std::memory_order_relaxed));
  }

  // NaN when empty, as Prometheus client libraries report it.
  double Quantile(double q) const {
    if (total == 0) return std::numeric_limits<double>::quiet_NaN();
    uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total)));
    rank = std::clamp<uint64_t>(rank, 1, total);
    uint64_t cumulative = 0;
    for (int i = 0; i < kBuckets; ++i) {
      cumulative += buckets[i];
      if (cumulative < rank) continue;
      double v = i == 0 ? min : i == kBuckets - 1 ? max : BucketMiddle(i);
      return std::clamp(v, min, max);
    }
    return max;
  }
};

// ---------------------------------------------------------------------------
// Series and their lookup.

struct Series {
  Kind kind;
  size_t hash;
  std::string key;
  std::vector<std::string> tags;  // sorted, unique
  std::atomic<int64_t> counter{0};
  std::atomic<double> gauge{0};
  std::unique_ptr<Histogram> histogram;  // timers only
};

// A series identity made of views, for lookups that must not allocate.
struct SeriesRef {
  Kind kind;
  size_t hash;
  std::string_view key;
  std::span<const std::string_view> tags;
};

size_t Mix(size_t h, std::string_view s) {
  size_t x = std::hash<std::string_view>{}(s);
  return h ^ (x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

size_t HashOf(Kind kind, std::string_view key, std::span<const std::string_view> tags) {
  size_t h = Mix(static_cast<size_t>(kind) + 1, key);
  for (std::string_view t : tags) h = Mix(h, t);
  return Mix(h, std::string_view());  // ends the tag list: {"a"} vs {"a", ""}
}

// Tags sorted and de-duplicated, in a stack array for the common case.
class CanonicalTags {
 public:
  explicit CanonicalTags(std::initializer_list<std::string_view> tags) {
    std::string_view* begin;
    if (tags.size() <= kInlineTags) {
      std::copy(tags.begin(), tags.end(), inline_.begin());
      begin = inline_.data();
    } else {
      heap_.assign(tags.begin(), tags.end());
      begin = heap_.data();
    }
    std::string_view* end = begin + tags.size();
    std::sort(begin, end);
    end = std::unique(begin, end);
    view_ = std::span<const std::string_view>(begin, end);
  }
  CanonicalTags(const CanonicalTags&) = delete;
  CanonicalTags& operator=(const CanonicalTags&) = delete;

  std::span<const std::string_view> view() const { return view_; }
  size_t bytes() const {
    size_t n = 0;
    for (std::string_view t : view_) n += t.size();
    return n;
  }

 private:
  std::array<std::string_view, kInlineTags> inline_;
  std::vector<std::string_view> heap_;
  std::span<const std::string_view> view_;
};

bool SameIdentity(const Series& a, const SeriesRef& b) {
  if (a.hash != b.hash || a.kind != b.kind || a.key != b.key || a.tags.size() != b.tags.size()) {
    return false;
  }
  for (size_t i = 0; i < a.tags.size(); ++i) {
    if (a.tags[i] != b.tags[i]) return false;
  }
  return true;
}

SeriesRef RefOf(const Series& s, std::vector<std::string_view>* storage) {
  storage->assign(s.tags.begin(), s.tags.end());
  return SeriesRef{s.kind, s.hash, s.key, *storage};
}

struct SeriesHash {
  using is_transparent = void;
  size_t operator()(const std::unique_ptr<Series>& s) const { return s->hash; }
  size_t operator()(const SeriesRef& r) const { return r.hash; }
};

struct SeriesEq {
  using is_transparent = void;
  bool operator()(const std::unique_ptr<Series>& a, const std::unique_ptr<Series>& b) const {
    std::vector<std::string_view> storage;
    return SameIdentity(*a, RefOf(*b, &storage));
  }
  bool operator()(const std::unique_ptr<Series>& a, const SeriesRef& b) const { return SameIdentity(*a, b); }
  bool operator()(const SeriesRef& a, const std::unique_ptr<Series>& b) const { return SameIdentity(*b, a); }
};

struct alignas(64) Shard {
  mutable std::shared_mutex mu;
  std::unordered_set<std::unique_ptr<Series>, SeriesHash, SeriesEq> set;
};

// ---------------------------------------------------------------------------
// Text helpers.

// A bounded, printable rendering of a configuration value for error messages.
std::string Printable(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < 200; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
    }
  }
  if (s.size() > 200) out.append("...");
  return out;
}

// ASCII only: the C library's isalnum depends on the locale.
bool IsAsciiAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsStatsdNameChar(unsigned char c) {
  return IsAsciiAlnum(c) || c == '_' || c == '.' || c == '-';
}

// Characters that would end a statsd tag or line.
bool IsStatsdTagBreaker(unsigned char c) {
  return c == '|' || c == ',' || c == '#' || c == '\n' || c == '\r' || c == '\0';
}

std::string FormatPromValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::string PromMetricName(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    out.push_back(IsAsciiAlnum(c) || c == '_' || c == ':' ? static_cast<char>(c) : '_');
  }
  return out;
}

std::string FamilyName(Kind kind, std::string_view key) {
  std::string name = "buildhub2_" + PromMetricName(key);
  if (kind == Kind::kCounter) name += "_total";
  if (kind == Kind::kTimer) name += "_seconds";
  return name;
}

std::string PromLabelName(std::string_view s, Kind kind) {
  std::string out;
  for (unsigned char c : s) out.push_back(IsAsciiAlnum(c) || c == '_' ? static_cast<char>(c) : '_');
  if (out.empty()) return "tag";
  if (out[0] >= '0' && out[0] <= '9') out.insert(0, "_");
  // "__" names are reserved for Prometheus; "quantile" is the summary's own.
  if (out.rfind("__", 0) == 0) out.insert(0, "tag");
  if (kind == Kind::kTimer && out == "quantile") out = "tag_quantile";
  return out;
}

void AppendEscapedLabelValue(std::string_view v, std::string* out) {
  for (char c : utf8::Repair(v)) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '"') {
      out->append("\\\"");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : utf8::Repair(help)) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// `method:POST` -> method="POST"; a bare tag `x` -> tag="x". Repeated label
// names (two bare tags, `env:a` and `env:b`) are joined with ',' so that a
// sample never repeats a label. Sorted by label name. No braces.
std::string RenderLabels(const std::vector<std::string>& tags, Kind kind) {
  std::map<std::string, std::string> labels;
  for (const std::string& tag : tags) {
    size_t colon = tag.find(':');
    std::string name = colon == std::string::npos ? "tag" : PromLabelName(tag.substr(0, colon), kind);
    std::string_view value = colon == std::string::npos ? std::string_view(tag)
                                                        : std::string_view(tag).substr(colon + 1);
    auto [it, inserted] = labels.try_emplace(name);
    if (!inserted) it->second.push_back(',');
    it->second.append(value);
  }
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!out.empty()) out.push_back(',');
    out += name;
    out += "=\"";
    AppendEscapedLabelValue(value, &out);
    out.push_back('"');
  }
  return out;
}

std::string Braced(const std::string& labels, std::string_view extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string out = "{" + labels;
  if (!labels.empty() && !extra.empty()) out.push_back(',');
  out.append(extra);
  out.push_back('}');
  return out;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kCounter: return "counter";
    case Kind::kGauge: return "gauge";
    case Kind::kTimer: return "timer";
  }
  return "metric";
}

// ---------------------------------------------------------------------------
// Statsd sender.

class Statsd {
 public:
  Statsd() = default;
  ~Statsd() { Stop(); }
  Statsd(const Statsd&) = delete;
  Statsd& operator=(const Statsd&) = delete;

  Status Configure(const StatsdConfig& config);

  bool enabled() const { return enabled_.load(std::memory_order_acquire); }

  template <typename V>
  void Send(std::string_view key, V value, std::string_view type,
            std::initializer_list<std::string_view> tags);

  void Flush() {
    std::lock_guard lock(mu_);
    FlushLocked();
  }

  uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  void Stop();
  void FlushLocked();
  void SendDatagramLocked(const char* data, size_t size);
  void FlusherLoop();

  std::atomic<bool> enabled_{false};
  std::atomic<uint64_t> failures_{0};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int fd_ = -1;
  sockaddr_storage addr_{};
  socklen_t addr_len_ = 0;
  std::string prefix_;
  std::string global_tags_;  // already joined with ','
  size_t max_datagram_ = 1400;
  std::chrono::milliseconds interval_{100};
  std::string buffer_;
  bool stop_ = false;
  std::thread flusher_;
};

Status Statsd::Configure(const StatsdConfig& config) {
  if (config.host.empty()) {
    std::lock_guard lock(mu_);
    FlushLocked();
    enabled_.store(false, std::memory_order_release);
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    return Status::Ok();
  }

  std::string host = config.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const bool is_v6_literal = host.find(':') != std::string::npos;
  const std::string where = is_v6_literal ? fmt::format("[{}]:{}", Printable(host), config.port)
                                          : fmt::format("{}:{}", Printable(host), config.port);
  if (config.port < 1 || config.port > 65535) {
    return InvalidArgument(fmt::format("statsd {}: port {} is out of range 1..65535", where, config.port));
  }
  if (host.size() > 253 || std::any_of(host.begin(), host.end(), [](unsigned char c) {
        return c <= 0x20 || c >= 0x7f || c == '/';
      })) {
    return InvalidArgument(fmt::format("statsd {}: '{}' is not a valid host name or address", where,
                                       Printable(config.host)));
  }
  for (unsigned char c : config.prefix) {
    if (!IsStatsdNameChar(c)) {
      return InvalidArgument(fmt::format(
          "statsd prefix '{}' may only contain letters, digits, '_', '.' and '-'", Printable(config.prefix)));
    }
  }
  std::string global_tags;
  for (const std::string& tag : config.tags) {
    if (tag.empty() || std::any_of(tag.begin(), tag.end(), [](unsigned char c) {
          return IsStatsdTagBreaker(c) || c < 0x20 || c == 0x7f;
        })) {
      return InvalidArgument(fmt::format(
          "statsd tag '{}' must be non-empty without '|', ',', '#' or control characters", Printable(tag)));
    }
    if (!global_tags.empty()) global_tags.push_back(',');
    global_tags += tag;
  }
  if (config.max_datagram_bytes < 64 || config.max_datagram_bytes > 65000) {
    return InvalidArgument(fmt::format("statsd max datagram size {} is out of range 64..65000",
                                       config.max_datagram_bytes));
  }
  if (config.flush_interval.count() < 0 || config.flush_interval > std::chrono::minutes(1)) {
    return InvalidArgument(fmt::format("statsd flush interval {} ms is out of range 0..60000",
                                       config.flush_interval.count()));
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_protocol = IPPROTO_UDP;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(config.port);
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    std::string reason = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
    std::string message = fmt::format("statsd host {} could not be resolved: {}", where, reason);
    return rc == EAI_AGAIN ? Unavailable(std::move(message)) : InvalidArgument(std::move(message));
  }
  int fd = -1;
  int socket_errno = 0;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      socket_errno = errno;
      continue;
    }
    std::memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    addr_len = ai->ai_addrlen;
    break;
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    return Unavailable(fmt::format("statsd {}: cannot open a UDP socket: {}", where, std::strerror(socket_errno)));
  }

  std::unique_lock lock(mu_);
  FlushLocked();  // what was batched goes to the old destination
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  addr_ = addr;
  addr_len_ = addr_len;
  prefix_ = config.prefix;
  global_tags_ = std::move(global_tags);
  max_datagram_ = config.max_datagram_bytes;
  interval_ = config.flush_interval;
  buffer_.reserve(2 * max_datagram_ + 256);
  enabled_.store(true, std::memory_order_release);
  if (!flusher_.joinable()) {
    stop_ = false;
    flusher_ = std::thread([this] { FlusherLoop(); });
  }
  lock.unlock();
  cv_.notify_all();  // a changed interval takes effect now
  return Status::Ok();
}

template <typename V>
void Statsd::Send(std::string_view key, V value, std::string_view type,
                  std::initializer_list<std::string_view> tags) {
  if (!enabled()) return;
  std::lock_guard lock(mu_);
  if (fd_ < 0) return;
  const size_t start = buffer_.size();
  if (start > 0) buffer_.push_back('\n');
  const size_t line_start = buffer_.size();
  buffer_ += prefix_;
  for (unsigned char c : key) buffer_.push_back(IsStatsdNameChar(c) ? static_cast<char>(c) : '_');
  buffer_.push_back(':');
  fmt::format_to(std::back_inserter(buffer_), "{}", value);
  buffer_.push_back('|');
  buffer_ += type;
  bool any_tag = false;
  for (std::string_view tag : tags) {
    if (tag.empty()) continue;
    buffer_ += any_tag ? "," : "|#";
    for (unsigned char c : tag) {
      buffer_.push_back(IsStatsdTagBreaker(c) || c < 0x20 ? '_' : static_cast<char>(c));
    }
    any_tag = true;
  }
  if (!global_tags_.empty()) {
    buffer_ += any_tag ? "," : "|#";
    buffer_ += global_tags_;
  }
  if (buffer_.size() - line_start > max_datagram_) {
    // One line that can never fit a datagram: drop it, keep the batch.
    buffer_.resize(start);
    failures_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (buffer_.size() > max_datagram_) {
    // The new line overflows the batch: send the batch, keep the new line.
    SendDatagramLocked(buffer_.data(), start);
    buffer_.erase(0, line_start);
  }
  if (interval_.count() == 0 || buffer_.size() == max_datagram_) FlushLocked();
}

void Statsd::FlushLocked() {
  if (buffer_.empty()) return;
  if (fd_ >= 0) SendDatagramLocked(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void Statsd::SendDatagramLocked(const char* data, size_t size) {
  if (size == 0) return;
  for (int attempt = 0; attempt < 3; ++attempt) {
    ssize_t n = ::sendto(fd_, data, size, MSG_DONTWAIT | MSG_NOSIGNAL,
                         reinterpret_cast<const sockaddr*>(&addr_), addr_len_);
    if (n >= 0) return;
    if (errno != EINTR) break;
  }
  failures_.fetch_add(1, std::memory_order_relaxed);
}

void Statsd::FlusherLoop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (interval_.count() > 0) {
      cv_.wait_for(lock, interval_);
    } else {
      cv_.wait(lock);
    }
    FlushLocked();
  }
}

void Statsd::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  std::lock_guard lock(mu_);
  FlushLocked();
  enabled_.store(false, std::memory_order_release);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace

// ---------------------------------------------------------------------------

struct Registry::Impl {
  std::array<Shard, kShards> shards;
  std::atomic<size_t> series_count{0};
  std::atomic<uint64_t> series_dropped{0};

  mutable std::mutex describe_mu;
  std::map<std::pair<std::string, Kind>, std::string> help;

  Statsd statsd;

  // The series, created on first use; nullptr when it is not to be kept.
  Series* Get(Kind kind, std::string_view key, std::initializer_list<std::string_view> tags);
  // The existing series or nullptr; never creates.
  const Series* Find(Kind kind, std::string_view key, std::initializer_list<std::string_view> tags) const;
  // Every series, in a stable order (key, kind, tags).
  std::vector<const Series*> Snapshot() const;
};

Series* Registry::Impl::Get(Kind kind, std::string_view key, std::initializer_list<std::string_view> tags) {
  CanonicalTags canonical(tags);
  const SeriesRef ref{kind, HashOf(kind, key, canonical.view()), key, canonical.view()};
  Shard& shard = shards[(ref.hash >> 7) % kShards];
  {
    std::shared_lock lock(shard.mu);
    auto it = shard.set.find(ref);
    if (it != shard.set.end()) return it->get();
  }
  if (key.size() + canonical.bytes() > kMaxSeriesBytes ||
      series_count.load(std::memory_order_relaxed) >= kMaxSeries) {
    series_dropped.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  auto series = std::make_unique<Series>();
  series->kind = kind;
  series->hash = ref.hash;
  series->key = std::string(key);
  series->tags.assign(ref.tags.begin(), ref.tags.end());
  if (kind == Kind::kTimer) series->histogram = std::make_unique<Histogram>();

  std::unique_lock lock(shard.mu);
  auto it = shard.set.find(ref);
  if (it != shard.set.end()) return it->get();  // another thread won the race
  if (series_count.fetch_add(1, std::memory_order_relaxed) >= kMaxSeries) {
    series_count.fetch_sub(1, std::memory_order_relaxed);
    series_dropped.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  Series* raw = series.get();
  shard.set.insert(std::move(series));
  return raw;
}

const Series* Registry::Impl::Find(Kind kind, std::string_view key,
                                   std::initializer_list<std::string_view> tags) const {
  CanonicalTags canonical(tags);
  const SeriesRef ref{kind, HashOf(kind, key, canonical.view()), key, canonical.view()};
  const Shard& shard = shards[(ref.hash >> 7) % kShards];
  std::shared_lock lock(shard.mu);
  auto it = shard.set.find(ref);
  return it == shard.set.end() ? nullptr : it->get();
}

std::vector<const Series*> Registry::Impl::Snapshot() const {
  std::vector<const Series*> all;
  for (const Shard& shard : shards) {
    std::shared_lock lock(shard.mu);
    for (const auto& s : shard.set) all.push_back(s.get());
  }
  std::sort(all.begin(), all.end(), [](const Series* a, const Series* b) {
    return std::tie(a->key, a->kind, a->tags) < std::tie(b->key, b->kind, b->tags);
  });
  return all;
}

Registry::Registry() : impl_(std::make_unique<Impl>()) {}
Registry::~Registry() = default;

Status Registry::ConfigureStatsd(const StatsdConfig& config) { return impl_->statsd.Configure(config); }

void Registry::FlushStatsd() { impl_->statsd.Flush(); }

uint64_t Registry::StatsdSendFailures() const { return impl_->statsd.failures(); }

void Registry::Describe(std::string_view key, Kind kind, std::string_view help) {
  std::lock_guard lock(impl_->describe_mu);
  impl_->help[{std::string(key), kind}] = std::string(help);
}

void Registry::Incr(std::string_view key, int64_t value, std::initializer_list<std::string_view> tags) {
  if (Series* s = impl_->Get(Kind::kCounter, key, tags)) s->counter.fetch_add(value, std::memory_order_relaxed);
  impl_->statsd.Send(key, value, "c", tags);
}

void Registry::Gauge(std::string_view key, double value, std::initializer_list<std::string_view> tags) {
  if (!std::isfinite(value)) return;
  if (Series* s = impl_->Get(Kind::kGauge, key, tags)) s->gauge.store(value, std::memory_order_relaxed);
  impl_->statsd.Send(key, value, "g", tags);
}

void Registry::Timing(std::string_view key, double milliseconds, std::initializer_list<std::string_view> tags) {
  if (!std::isfinite(milliseconds)) return;
  if (milliseconds < 0) milliseconds = 0;  // a clock step; never a negative duration
  if (Series* s = impl_->Get(Kind::kTimer, key, tags)) s->histogram->Record(milliseconds);
  impl_->statsd.Send(key, milliseconds, "ms", tags);
}

int64_t Registry::CounterValue(std::string_view key) const {
  int64_t total = 0;
  for (const Shard& shard : impl_->shards) {
    std::shared_lock lock(shard.mu);
    for (const auto& s : shard.set) {
      if (s->kind == Kind::kCounter && s->key == key) total += s->counter.load(std::memory_order_relaxed);
    }
  }
  return total;
}

std::optional<double> Registry::GaugeValue(std::string_view key,
                                           std::initializer_list<std::string_view> tags) const {
  const Series* s = impl_->Find(Kind::kGauge, key, tags);
  if (s == nullptr) return std::nullopt;
  return s->gauge.load(std::memory_order_relaxed);
}

TimerStats Registry::TimerValue(std::string_view key) const {
  HistogramSnapshot merged;
  for (const Shard& shard : impl_->shards) {
    std::shared_lock lock(shard.mu);
    for (const auto& s : shard.set) {
      if (s->kind == Kind::kTimer && s->key == key) merged.Add(*s->histogram);
    }
  }
  TimerStats stats;
  if (merged.count == 0 || merged.total == 0) return stats;
  stats.count = merged.count;
  stats.sum_ms = merged.sum;
  stats.min_ms = merged.min;
  stats.max_ms = merged.max;
  stats.p50_ms = merged.Quantile(0.5);
  stats.p90_ms = merged.Quantile(0.9);
  stats.p99_ms = merged.Quantile(0.99);
  return stats;
}

std::string Registry::PrometheusText() const {
  struct Family {
    Kind kind = Kind::kCounter;
    std::string key;
    std::string help;
    std::vector<const Series*> series;
    std::optional<uint64_t> fixed;  // the registry's own counters
  };
  // Sorted by family name. Two keys that sanitise to the same name (a.b and
  // a_b, or a gauge x_total and a counter x) would make an invalid page:
  // the first in key order wins and the other is left out.
  std::map<std::string, Family> families;
  auto family_for = [&](Kind kind, const std::string& key) -> Family* {
    auto [it, inserted] = families.try_emplace(FamilyName(kind, key));
    if (inserted) {
      it->second.kind = kind;
      it->second.key = key;
    } else if (it->second.kind != kind || it->second.key != key) {
      return nullptr;
    }
    return &it->second;
  };
  {
    std::lock_guard lock(impl_->describe_mu);
    for (const auto& [id, help] : impl_->help) {
      if (Family* f = family_for(id.second, id.first)) f->help = help;
    }
  }
  for (const Series* s : impl_->Snapshot()) {
    if (Family* f = family_for(s->kind, s->key)) f->series.push_back(s);
  }
  if (Family* f = family_for(Kind::kCounter, "statsd_send_failures")) {
    f->help = "Statsd datagrams that failed to send and lines too long to send.";
    f->fixed = impl_->statsd.failures();
  }
  if (Family* f = family_for(Kind::kCounter, "metrics_series_dropped")) {
    f->help = "Metric updates not kept in-process because the series cap (4096) was reached.";
    f->fixed = impl_->series_dropped.load(std::memory_order_relaxed);
  }

  std::string out;
  for (const auto& [name, family] : families) {
    std::string help = family.help.empty()
                           ? fmt::format("buildhub2.{} ({})", family.key, KindName(family.kind))
                           : family.help;
    const char* type = family.kind == Kind::kCounter ? "counter"
                       : family.kind == Kind::kGauge ? "gauge"
                                                     : "summary";
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(help), name, type);

    if (family.fixed) {
      fmt::format_to(std::back_inserter(out), "{} {}\n", name, *family.fixed);
      continue;
    }
    // Render each series' labels once, then order the samples by them.
    std::vector<std::pair<std::string, const Series*>> rows;
    for (const Series* s : family.series) rows.emplace_back(RenderLabels(s->tags, family.kind), s);
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    // Distinct tag sets can render alike (tags "a" and "tag:a"): keep the first.
    rows.erase(std::unique(rows.begin(), rows.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               rows.end());
    if (rows.empty()) rows.emplace_back(std::string(), nullptr);  // described, not yet seen: zero

    for (const auto& [labels, s] : rows) {
      switch (family.kind) {
        case Kind::kCounter:
          fmt::format_to(std::back_inserter(out), "{}{} {}\n", name, Braced(labels),
                         s ? s->counter.load(std::memory_order_relaxed) : 0);
          break;
        case Kind::kGauge:
          fmt::format_to(std::back_inserter(out), "{}{} {}\n", name, Braced(labels),
                         FormatPromValue(s ? s->gauge.load(std::memory_order_relaxed) : 0.0));
          break;
        case Kind::kTimer: {
          HistogramSnapshot h;
          if (s) h.Add(*s->histogram);
          static constexpr std::pair<double, const char*> kQuantiles[] = {
              {0.5, "0.5"}, {0.9, "0.9"}, {0.99, "0.99"}};
          for (const auto& [q, text] : kQuantiles) {
            fmt::format_to(std::back_inserter(out), "{}{} {}\n", name,
                           Braced(labels, fmt::format("quantile=\"{}\"", text)),
                           FormatPromValue(h.Quantile(q) / 1000.0));
          }
          fmt::format_to(std::back_inserter(out), "{}_sum{} {}\n", name, Braced(labels),
                         FormatPromValue(h.sum / 1000.0));
          fmt::format_to(std::back_inserter(out), "{}_count{} {}\n", name, Braced(labels), h.count);
          break;
        }
      }
    }
  }
  return out;
}

Registry& Global() {
  // Never destroyed: worker threads may still report during static
  // destruction. What is batched for statsd is flushed at exit instead.
  static Registry* registry = [] {
    auto* r = new Registry();
    std::atexit([] { Global().FlushStatsd(); });
    return r;
  }();
  return *registry;
}

void DescribeSeedMetrics(Registry& r) {
  // The seed's keys (architecture.rst), with the same meaning.
  r.Describe("sqs_process_buildhub_json_key", Kind::kTimer,
             "Time to consider a buildhub.json S3 key from SQS: download, hash, look up and insert if new.");
  r.Describe("sqs_inserted", Kind::kCounter, "Builds from the SQS queue that were new and inserted.");
  r.Describe("sqs_not_inserted", Kind::kCounter,
             "Builds from the SQS queue that were already in the database.");
  r.Describe("sqs_messages", Kind::kCounter, "Messages received from the SQS queue.");
  r.Describe("sqs_key_matched", Kind::kCounter, "S3 records from SQS whose key matched buildhub.json.");
  r.Describe("sqs_not_key_matched", Kind::kCounter, "S3 records from SQS whose key was ignored.");
  r.Describe("api_search", Kind::kTimer, "Time to answer one /api/search request.");
  r.Describe("api_search_records", Kind::kGauge, "Builds found (total hits) by the last /api/search request.");
  r.Describe("api_search_requests", Kind::kCounter, "Requests to /api/search, tagged method:$METHOD.");
  r.Describe("backfill_inserted", Kind::kCounter,
             "Builds inserted by the backfill that we did not already have (SQS consumption is failing).");
  r.Describe("backfill_not_inserted", Kind::kCounter,
             "Backfill keys downloaded because key and ETag were unknown, but the build was already stored.");
  r.Describe("backfill_listed", Kind::kCounter, "S3 objects listed by the backfill, per page.");
  r.Describe("backfill_matched", Kind::kCounter, "S3 keys the backfill considered, per batch.");
  r.Describe("backfill", Kind::kTimer, "Time to run the whole backfill job.");
  r.Describe("kinto_migrated", Kind::kCounter, "Records fetched from the legacy Kinto database, per batch.");
  r.Describe("kinto_inserted", Kind::kCounter, "Builds inserted by the Kinto migration.");
  // Buildhub's own.
  r.Describe("rejected_builds", Kind::kCounter,
             "Build descriptions rejected as invalid, tagged source:$SOURCE.");
  r.Describe("ingest_lag", Kind::kTimer,
             "Time from the S3 event (or object Last-Modified) to the build being searchable.");
  r.Describe("ingest_inserted", Kind::kCounter, "Builds inserted by local ingest.");
  r.Describe("ingest_not_inserted", Kind::kCounter, "Builds from local ingest that were already stored.");
  r.Describe("ingest_rejected", Kind::kCounter, "Build descriptions rejected by local ingest.");
}

}  // namespace buildhub::metrics
