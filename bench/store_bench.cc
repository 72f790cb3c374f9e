// Store benchmark: inserts N builds of about 1 KB (default 1,000,000) into a
// fresh SQLite store in batches, then measures the reads the service relies
// on: the full ScanBuilds that loads the index, the backfill key map, counts
// and point lookups. Only the store calls are timed, not making the rows.
// Usage:
//   store_bench [--count N] [--batch-size B] [--doc-bytes D] [--dir DIR] [--reads-only 1]
// --reads-only reuses DIR/bench.db from an earlier run with the same --count.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

buildhub::store::NewBuild MakeBuild(uint64_t n, size_t doc_bytes) {
  char hash[48];
  std::snprintf(hash, sizeof hash, "v1:%016llx%016llx",
                static_cast<unsigned long long>(SplitMix(n)),
                static_cast<unsigned long long>(SplitMix(n ^ 0xabcdefULL)));
  buildhub::store::NewBuild b;
  b.build_hash = hash;
  std::string id = std::to_string(20190000000000ULL + n);
  std::string doc =
      "{\"build\":{\"as\":\"/usr/bin/x86_64-linux-gnu-as\",\"cc\":\"/usr/bin/gcc\",\"date\":"
      "\"2019-06-03T18:14:08.000Z\",\"host\":\"x86_64-pc-linux-gnu\",\"id\":\"" + id +
      "\",\"target\":\"x86_64-pc-linux-gnu\"},\"download\":{\"mimetype\":\"application/x-bzip2\","
      "\"size\":" + std::to_string(50000000 + n % 1000000) +
      ",\"url\":\"https://archive.example/pub/firefox/candidates/68.0b7-candidates/build1/linux-x86_64/en-US/firefox-68.0b7.tar.bz2\"},"
      "\"source\":{\"product\":\"firefox\",\"repository\":\"https://hg.example/releases/mozilla-beta\","
      "\"revision\":\"" + std::string(hash + 3) + "\",\"tree\":\"releases/mozilla-beta\"},"
      "\"target\":{\"channel\":\"beta\",\"locale\":\"en-US\",\"os\":\"linux\",\"platform\":\"linux-x86_64\","
      "\"version\":\"68.0b" + std::to_string(n % 20) + "\"},\"pad\":\"";
  uint64_t r = n;
  while (doc.size() + 2 < doc_bytes) {
    r = SplitMix(r);
    doc += "0123456789abcdef"[r & 15];
  }
  doc += "\"}";
  b.build_json = std::move(doc);
  b.s3_object_key = "pub/firefox/candidates/68.0b7-candidates/build1/" + id + "/buildhub.json";
  b.s3_object_etag = std::string(hash + 3);
  return b;
}

// CPU time of this process (user + system): unlike wall time it does not
// depend on how busy the machine is.
double CpuSeconds() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

// Bytes this process passed to write(2) and read(2) so far (/proc/self/io).
void IoBytes(double* written_mb, double* read_mb) {
  *written_mb = *read_mb = 0;
  FILE* f = std::fopen("/proc/self/io", "r");
  if (f == nullptr) return;
  char key[64];
  unsigned long long value;
  while (std::fscanf(f, "%63s %llu", key, &value) == 2) {
    if (std::string(key) == "wchar:") *written_mb = value / 1e6;
    if (std::string(key) == "rchar:") *read_mb = value / 1e6;
  }
  std::fclose(f);
}

long PeakRssMb() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace buildhub;
  uint64_t count = 1000000;
  size_t batch_size = 1000;
  size_t doc_bytes = 1024;
  std::string dir;
  bool reads_only = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--count") count = std::strtoull(value, nullptr, 10);
    else if (flag == "--batch-size") batch_size = std::strtoull(value, nullptr, 10);
    else if (flag == "--doc-bytes") doc_bytes = std::strtoull(value, nullptr, 10);
    else if (flag == "--dir") dir = value;
    else if (flag == "--reads-only") reads_only = std::string(value) == "1";
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (count == 0 || batch_size == 0) {
    std::fprintf(stderr, "--count and --batch-size must be positive\n");
    return 2;
  }
  namespace fs = std::filesystem;
  bool own_dir = dir.empty();
  if (own_dir) {
    std::string templ = (fs::temp_directory_path() / "buildhub-store-bench-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) return 1;
    dir = templ;
  }
  const std::string path = (fs::path(dir) / "bench.db").string();
  auto opened = store::OpenStore("sqlite:" + path);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<store::BuildStore> db = std::move(opened).value();
  std::printf("store_bench: %llu builds of %zu bytes, batches of %zu, %s\n",
              static_cast<unsigned long long>(count), doc_bytes, batch_size, path.c_str());

  if (reads_only && own_dir) {
    std::fprintf(stderr, "--reads-only needs --dir\n");
    return 2;
  }
  Clock::duration insert_time{};
  double insert_cpu = 0;
  double written_before, read_before;
  IoBytes(&written_before, &read_before);
  uint64_t inserted = 0;
  std::vector<store::NewBuild> batch;
  std::vector<store::InsertOutcome> outcomes;
  for (uint64_t first = 0; !reads_only && first < count; first += batch_size) {
    batch.clear();
    for (uint64_t n = first; n < std::min<uint64_t>(count, first + batch_size); ++n) {
      batch.push_back(MakeBuild(n, doc_bytes));
    }
    auto start = Clock::now();
    double cpu_start = CpuSeconds();
    Status status = db->InsertBatch(batch, &outcomes);
    insert_cpu += CpuSeconds() - cpu_start;
    insert_time += Clock::now() - start;
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.ToString().c_str());
      return 1;
    }
    for (const auto& o : outcomes) inserted += o.inserted;
  }
  double written_after, read_after;
  IoBytes(&written_after, &read_after);
  if (!reads_only) {
  std::printf("insert:          %10.3f s  %10.0f rows/s  (%llu inserted; CPU %.3f s = %.0f rows/CPU-s)\n",
              Seconds(insert_time), count / Seconds(insert_time),
              static_cast<unsigned long long>(inserted), insert_cpu, count / insert_cpu);
  std::printf("insert I/O:      %10.0f MB written, %.0f MB read\n", written_after - written_before,
              read_after - read_before);

  // Re-inserting known builds: the daemon's redelivery and backfill case.
  }
  uint64_t dup_count = reads_only ? 0 : std::min<uint64_t>(count, 100000);
  Clock::duration dup_time{};
  for (uint64_t first = 0; first < dup_count; first += batch_size) {
    batch.clear();
    for (uint64_t n = first; n < std::min<uint64_t>(dup_count, first + batch_size); ++n) {
      batch.push_back(MakeBuild(n, doc_bytes));
    }
    auto start = Clock::now();
    Status status = db->InsertBatch(batch, &outcomes);
    dup_time += Clock::now() - start;
    if (!status.ok()) return 1;
  }
  if (dup_count > 0) {
    std::printf("insert dupes:    %10.3f s  %10.0f rows/s\n", Seconds(dup_time),
                dup_count / Seconds(dup_time));
  }

  // A fresh store object, as the server has at start-up.
  db.reset();
  opened = store::OpenStore("sqlite:" + path);
  if (!opened.ok()) return 1;
  db = std::move(opened).value();

  auto start = Clock::now();
  auto counted = db->CountBuilds();
  std::printf("count:           %10.3f s  (%lld builds)\n", Seconds(Clock::now() - start),
              counted.ok() ? static_cast<long long>(*counted) : -1LL);

  for (int round = 0; round < 2; ++round) {
    start = Clock::now();
    double cpu_start = CpuSeconds();
    uint64_t rows = 0, bytes = 0;
    Status status = db->ScanBuilds(0, 0, [&](const store::StoredBuild& b) {
      ++rows;
      bytes += b.build_json.size();
      return true;
    });
    double took = Seconds(Clock::now() - start);
    double cpu = CpuSeconds() - cpu_start;
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.ToString().c_str());
      return 1;
    }
    std::printf("scan (%s):  %10.3f s  %10.0f rows/s  %.0f MB/s  (CPU %.3f s)\n",
                round == 0 ? "first " : "second", took, rows / took, bytes / took / 1e6, cpu);
  }

  start = Clock::now();
  uint64_t keys = 0;
  Status status = db->ForEachObjectKey([&](std::string_view, std::string_view) { ++keys; });
  std::printf("object key map:  %10.3f s  (%llu keys)%s\n", Seconds(Clock::now() - start),
              static_cast<unsigned long long>(keys), status.ok() ? "" : " FAILED");

  start = Clock::now();
  int found = 0;
  constexpr int kLookups = 100000;
  for (int i = 0; i < kLookups; ++i) {
    auto b = db->GetBuild(1 + static_cast<int64_t>(SplitMix(i) % count));
    found += b.ok() && b->has_value();
  }
  double took = Seconds(Clock::now() - start);
  std::printf("get by id:       %10.3f s  %10.0f lookups/s  (%d found)\n", took, kLookups / took,
              found);

  std::error_code ec;
  std::printf("file size:       %10.1f MB; peak RSS %ld MB\n",
              static_cast<double>(fs::file_size(path, ec)) / 1e6, PeakRssMb());
  db.reset();
  if (own_dir) fs::remove_all(dir, ec);
  return 0;
}
