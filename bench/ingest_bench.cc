// Ingest benchmark: generates N builds (default 1,000,000) as NDJSON, then
// ingests them into a fresh SQLite store through the same path as
// `buildhub ingest` (read → parse → validate → hash → batched insert), and
// prints builds/s and peak memory. Usage:
//   ingest_bench [--count N] [--seed S] [--workers W] [--batch-size B] [--dir DIR]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/json.h"
#include "core/schema.h"
#include "ingest/generate.h"
#include "ingest/local_files.h"
#include "ingest/pipeline.h"
#include "store/store.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long PeakRssMb() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // kilobytes on Linux
}

}  // namespace

int main(int argc, char** argv) {
  using namespace buildhub;
  uint64_t count = 1000000;
  uint64_t seed = 42;
  size_t workers = 0;
  size_t batch_size = 10000;  // as `buildhub ingest`
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--count") count = std::strtoull(value, nullptr, 10);
    else if (flag == "--seed") seed = std::strtoull(value, nullptr, 10);
    else if (flag == "--workers") workers = std::strtoull(value, nullptr, 10);
    else if (flag == "--batch-size") batch_size = std::strtoull(value, nullptr, 10);
    else if (flag == "--dir") dir = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  namespace fs = std::filesystem;
  bool own_dir = dir.empty();
  if (own_dir) {
    std::string templ = (fs::temp_directory_path() / "buildhub-ingest-bench-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) return 1;
    dir = templ;
  }
  fs::path corpus = fs::path(dir) / "corpus.ndjson";
  fs::path database = fs::path(dir) / "bench.db";
  fs::remove(database);
  fs::remove(database.string() + "-wal");
  fs::remove(database.string() + "-shm");

  // 1. The corpus.
  auto t0 = std::chrono::steady_clock::now();
  {
    FILE* out = std::fopen(corpus.c_str(), "wb");
    if (out == nullptr) return 1;
    ingest::CorpusGenerator generator(seed);
    std::string buffer;
    for (uint64_t i = 0; i < count; ++i) {
      json::WriteTo(generator.Next(), &buffer);
      buffer.push_back('\n');
      if (buffer.size() > (1 << 20)) {
        std::fwrite(buffer.data(), 1, buffer.size(), out);
        buffer.clear();
      }
    }
    std::fwrite(buffer.data(), 1, buffer.size(), out);
    std::fclose(out);
  }
  double generate_s = Seconds(t0);
  std::printf("generated %llu builds (%.0f MB of NDJSON) in %.2f s\n",
              static_cast<unsigned long long>(count),
              static_cast<double>(fs::file_size(corpus)) / 1e6, generate_s);

  // 2. Where the time goes: one thread preparing every document (read →
  // parse → validate → hash → serialise), without the store.
  {
    auto schema = Schema::Default();
    ingest::PrepareOptions prepare;
    prepare.schema = schema.get();
    FILE* in = std::fopen(corpus.c_str(), "rb");
    if (in == nullptr) return 1;
    char* line = nullptr;
    size_t cap = 0;
    ssize_t n;
    uint64_t prepared = 0;
    auto tp = std::chrono::steady_clock::now();
    while ((n = getline(&line, &cap, in)) > 0) {
      ingest::PreparedDocument doc = ingest::PrepareDocument(std::string_view(line, static_cast<size_t>(n)), prepare);
      prepared += doc.builds.size();
    }
    double s = Seconds(tp);
    std::free(line);
    std::fclose(in);
    std::printf("prepare only, 1 thread: %.2f s, %.2f us/document, %.0f documents/s\n", s,
                s * 1e6 / static_cast<double>(count), static_cast<double>(count) / s);
    (void)prepared;
  }

  // 3. Ingest, exactly as `buildhub ingest corpus.ndjson` does.
  auto opened = store::OpenStore("sqlite:" + database.string());
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().message().c_str());
    return 1;
  }
  auto schema = Schema::Default();
  ingest::PrepareOptions prepare;
  prepare.schema = schema.get();
  ingest::PipelineOptions options;
  options.workers = workers;
  options.batch_size = batch_size;
  options.store_object_keys = false;  // as `buildhub ingest` does
  auto t1 = std::chrono::steady_clock::now();
  ingest::IngestStats stats;
  {
    ingest::Pipeline pipeline(opened->get(), prepare, options);
    ingest::LocalInputOptions input;
    Status s = ingest::IngestPaths({corpus.string()}, input, &pipeline);
    Status f = pipeline.Flush();
    if (!s.ok() || !f.ok()) {
      std::fprintf(stderr, "ingest failed: %s %s\n", s.message().c_str(), f.message().c_str());
      return 1;
    }
    stats = pipeline.stats();
  }
  double ingest_s = Seconds(t1);
  int64_t builds = stats.inserted + stats.duplicates;
  std::printf("ingested %lld documents -> %lld builds stored (%lld beta copies), %lld duplicates, %lld rejected\n",
              static_cast<long long>(stats.documents), static_cast<long long>(stats.inserted),
              static_cast<long long>(builds - stats.documents), static_cast<long long>(stats.duplicates),
              static_cast<long long>(stats.rejected));
  std::printf("ingest: %.2f s, %.0f documents/s, %.0f builds/s, peak RSS %ld MB, database %.0f MB\n",
              ingest_s, static_cast<double>(stats.documents) / ingest_s,
              static_cast<double>(builds) / ingest_s, PeakRssMb(),
              static_cast<double>(fs::file_size(database)) / 1e6);
  if (own_dir) fs::remove_all(dir);
  return stats.rejected == 0 ? 0 : 1;
}
