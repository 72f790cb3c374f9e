// Search benchmark: a generated corpus (default 1,000,000 builds) in a
// SQLite store, the index loaded from it as `serve` does, then latencies of
// the query shapes clients send. Prints load time, resident memory and
// p50/p99 per query class. Not a test: it reports, it does not judge.
//
//   search_bench [builds] [database path]
//
// The database is kept (default /tmp/buildhub-search-bench-<builds>.db) and
// reused when it already holds exactly that many builds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "ingest/generate.h"
#include "search/engine.h"
#include "search/searcher.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace bh = buildhub;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

long RssMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6) / 1024;
  }
  return -1;
}

std::unique_ptr<bh::store::BuildStore> OpenOrFail(const std::string& path) {
  auto s = bh::store::OpenStore("sqlite:" + path);
  if (!s.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), s.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(s).value();
}

void Fill(bh::store::BuildStore* store, int64_t n, uint64_t seed, int64_t first_hash) {
  bh::ingest::CorpusGenerator gen(seed);
  std::vector<bh::store::NewBuild> batch;
  std::vector<bh::store::InsertOutcome> outcomes;
  auto start = Clock::now();
  for (int64_t i = 0; i < n; ++i) {
    bh::store::NewBuild b;
    char hash[48];
    std::snprintf(hash, sizeof hash, "v1:%032llx", static_cast<unsigned long long>(first_hash + i));
    b.build_hash = hash;
    b.build_json = bh::json::Write(gen.Next());
    b.s3_object_key = gen.LastObjectKey();
    batch.push_back(std::move(b));
    if (batch.size() == 5000 || i + 1 == n) {
      bh::Status s = store->InsertBatch(batch, &outcomes);
      if (!s.ok()) {
        std::fprintf(stderr, "insert failed: %s\n", s.ToString().c_str());
        std::exit(1);
      }
      batch.clear();
      if ((i + 1) % 200000 == 0) std::fprintf(stderr, "  generated %lld builds (%.1fs)\n", static_cast<long long>(i + 1), Seconds(start));
    }
  }
}

std::vector<std::string> Keys(bh::search::SearchEngine& engine, const std::string& field, int size) {
  std::string body = R"({"size": 0, "aggs": {"k": {"terms": {"field": ")" + field + R"(", "size": )" +
                     std::to_string(size) + "}}}}";
  bh::search::SearchResult r = engine.Search(body);
  std::vector<std::string> out;
  auto parsed = bh::json::Parse(r.body);
  if (!parsed.ok()) return out;
  const bh::json::Value* buckets = parsed->find("aggregations")->find("k")->find("buckets");
  for (const auto& b : buckets->items()) out.push_back(b.find("key")->text());
  return out;
}

struct Class {
  std::string name;
  std::vector<std::string> bodies;
  int iterations;
};

void Run(bh::search::SearchEngine& engine, const Class& c) {
  std::vector<double> ms;
  int errors = 0;
  int64_t hits = 0;
  for (int i = 0; i < c.iterations + 10; ++i) {
    const std::string& body = c.bodies[i % c.bodies.size()];
    auto start = Clock::now();
    bh::search::SearchResult r = engine.Search(body);
    double t = Seconds(start) * 1000;
    if (r.http_status != 200) {
      if (errors++ == 0) std::fprintf(stderr, "%s: %s\n", c.name.c_str(), r.body.substr(0, 300).c_str());
    }
    hits += r.total_hits;
    if (i >= 10) ms.push_back(t);  // the first few warm caches
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))]; };
  std::printf("%-44s p50 %8.3f ms   p99 %8.3f ms   max %8.3f ms   (n=%zu, avg hits %lld%s)\n", c.name.c_str(),
              pct(0.5), pct(0.99), ms.back(), ms.size(),
              static_cast<long long>(hits / (c.iterations + 10)), errors ? ", ERRORS" : "");
}

std::string PageSearch(const std::string& text, const std::string& version, bool with_filters) {
  std::string q = R"({"query": {"query_string": {"query": ")" + text + R"(", "fields": ["source.product",
      "target.channel^1.2", "target.version^10", "target.locale^3", "target.platform^2", "build.id"],
      "analyzer": "standard", "default_operator": "AND", "phrase_slop": 1, "auto_generate_phrase_queries": true,
      "analyze_wildcard": true, "lenient": true, "split_on_whitespace": true}},)";
  std::string filter = R"({"term": {"target.version": ")" + version + R"("}})";
  if (with_filters) q += R"("post_filter": )" + filter + ",";
  q += R"("aggs": {"products7": {"filter": )" + (with_filters ? filter : std::string(R"({"match_all": {}})")) +
       R"(, "aggs": {"source.product": {"terms": {"field": "source.product", "size": 50}},
          "source.product_count": {"cardinality": {"field": "source.product"}}}})";
  if (with_filters) q += R"(, "no_filters_top_hits": {"top_hits": {"size": 1, "_source": false}})";
  q += R"(}, "size": 30, "sort": [{"download.date": "desc"}], "highlight": {"fields": {"source.product": {},
      "target.channel": {}, "target.version": {}, "target.locale": {}, "target.platform": {}, "build.id": {}}},
      "suggest": {"text": ")" + text + R"(", "suggestions": {"phrase": {"field": "target.version",
      "real_word_error_likelihood": 0.95, "max_errors": 1, "gram_size": 4,
      "direct_generator": [{"field": "_all", "suggest_mode": "always", "min_word_length": 1}]}}}})";
  return q;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = argc > 1 ? std::atoll(argv[1]) : 1000000;
  std::string path = argc > 2 ? argv[2] : "/tmp/buildhub-search-bench-" + std::to_string(n) + ".db";
  {
    auto store = OpenOrFail(path);
    auto count = store->CountBuilds();
    // Reused when it holds these builds (plus at most a few catch-up rounds).
    if (!count.ok() || *count < n || *count > n + 1000) {
      store.reset();
      std::filesystem::remove(path);
      std::filesystem::remove(path + "-wal");
      std::filesystem::remove(path + "-shm");
      store = OpenOrFail(path);
      std::fprintf(stderr, "generating %lld builds into %s\n", static_cast<long long>(n), path.c_str());
      auto start = Clock::now();
      Fill(store.get(), n, 2019, 0);
      std::fprintf(stderr, "  done in %.1fs\n", Seconds(start));
    }
  }
  auto store = OpenOrFail(path);
  long rss_before = RssMb();
  bh::search::EngineOptions options;
  auto start = Clock::now();
  auto opened = bh::search::OpenSearchEngine(store.get(), options);
  if (!opened.ok()) {
    std::fprintf(stderr, "load failed: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  double load = Seconds(start);
  bh::search::SearchEngine& engine = **opened;
  long rss_after = RssMb();
  std::printf("builds indexed        %lld\n", static_cast<long long>(engine.DocumentCount()));
  std::printf("index load            %.2f s (engine's own figure %.2f s)\n", load, engine.LoadSeconds());
  std::printf("resident memory       %ld MB after load (%ld MB before)\n", rss_after, rss_before);
  if (argc > 3 && std::string(argv[3]) == "--load-only") return 0;

  std::vector<std::string> products = Keys(engine, "source.product", 10);
  std::vector<std::string> channels = Keys(engine, "target.channel", 10);
  std::vector<std::string> platforms = Keys(engine, "target.platform", 20);
  std::vector<std::string> versions = Keys(engine, "target.version", 300);
  std::vector<std::string> build_ids = Keys(engine, "build.id", 300);
  std::vector<std::string> locales = Keys(engine, "target.locale", 50);
  if (products.empty() || versions.empty()) {
    std::fprintf(stderr, "no data\n");
    return 1;
  }

  std::vector<Class> classes;
  {
    Class c{"term filters + sort + size 10", {}, 1000};
    for (size_t i = 0; i < 200; ++i) {
      c.bodies.push_back(R"({"query": {"bool": {"filter": [{"term": {"source.product": ")" + products[i % products.size()] +
                         R"("}}, {"term": {"target.channel": ")" + channels[i % channels.size()] +
                         R"("}}, {"term": {"target.platform": ")" + platforms[i % platforms.size()] +
                         R"("}}]}}, "sort": [{"download.date": "desc"}], "size": 10})");
    }
    classes.push_back(std::move(c));
  }
  {
    Class c{"version filter + sort + size 10", {}, 1000};
    for (size_t i = 0; i < 200; ++i) {
      c.bodies.push_back(R"({"query": {"bool": {"filter": [{"term": {"target.version": ")" + versions[i % versions.size()] +
                         R"("}}, {"term": {"target.locale": "en-US"}}]}}, "sort": [{"build.date": "desc"}], "size": 10})");
    }
    classes.push_back(std::move(c));
  }
  {
    // The shape of a release tool's query (reference/queries/test-invalid-
    // from-plus-size without `from`): a keyword range that alone matches a
    // quarter of the index, next to selective term filters.
    Class c{"term filters + keyword range + sort", {}, 1000};
    const char* floors[] = {"55", "60", "63", "68", "70"};
    for (size_t i = 0; i < 40; ++i) {
      c.bodies.push_back(R"({"query": {"bool": {"filter": [{"term": {"source.product": ")" + products[i % products.size()] +
                         R"("}}, {"term": {"target.channel": ")" + channels[i % channels.size()] +
                         R"("}}, {"range": {"target.version": {"gte": ")" + floors[i % 5] +
                         R"("}}}]}}, "sort": [{"download.date": "desc"}], "size": 10})");
    }
    classes.push_back(std::move(c));
  }
  {
    // The same shape at its widest: the biggest product and channel.
    Class c{"firefox + release + version >= 63 + sort", {}, 300};
    c.bodies.push_back(R"({"query": {"bool": {"filter": [{"term": {"source.product": "firefox"}},
        {"term": {"target.channel": "release"}}, {"range": {"target.version": {"gte": "63"}}}]}},
        "sort": [{"download.date": "desc"}], "size": 10})");
    classes.push_back(std::move(c));
  }
  {
    Class c{"term filter + numeric range + sort", {}, 1000};
    for (size_t i = 0; i < 40; ++i) {
      c.bodies.push_back(R"({"query": {"bool": {"must": [{"term": {"target.locale": ")" + locales[i % locales.size()] +
                         R"("}}, {"range": {"download.size": {"gte": )" + std::to_string(10000000 + 1000000 * (i % 30)) +
                         R"(}}}]}}, "sort": [{"build.id": "desc"}], "size": 10})");
    }
    classes.push_back(std::move(c));
  }
  {
    Class c{"is this an official build id (size 0)", {}, 1000};
    for (const std::string& id : build_ids) {
      c.bodies.push_back(R"({"size": 0, "query": {"term": {"build.id": ")" + id + R"("}}})");
    }
    classes.push_back(std::move(c));
  }
  {
    Class c{"page: initial load (facets, sort, 30, hl)", {}, 200};
    c.bodies.push_back(R"({"aggs": {"products7": {"filter": {"match_all": {}}, "aggs": {"source.product":
        {"terms": {"field": "source.product", "size": 50}}, "source.product_count": {"cardinality":
        {"field": "source.product"}}}}}, "size": 30, "sort": [{"download.date": "desc"}], "highlight": {"fields":
        {"source.product": {}, "target.channel": {}, "target.version": {}, "target.locale": {},
        "target.platform": {}, "build.id": {}}}})");
    classes.push_back(std::move(c));
  }
  {
    Class c{"page: search box + filter (full request)", {}, 200};
    for (size_t i = 0; i < 50; ++i) {
      const std::string& v = versions[(i * 7) % versions.size()];
      std::string major = v.substr(0, v.find('.'));
      c.bodies.push_back(PageSearch(products[i % products.size()] + "* " + major + "*", v, true));
    }
    classes.push_back(std::move(c));
  }
  {
    Class c{"page: search box, no filter", {}, 200};
    for (size_t i = 0; i < 50; ++i) {
      const std::string& v = versions[(i * 11) % versions.size()];
      c.bodies.push_back(PageSearch(products[i % products.size()] + "* " + v.substr(0, v.find('.')) + "*", v, false));
    }
    classes.push_back(std::move(c));
  }
  {
    Class c{"terms agg on target.version (size 1000)", {}, 100};
    c.bodies.push_back(R"({"size": 0, "aggs": {"v": {"terms": {"field": "target.version", "size": 1000,
                          "order": {"_term": "desc"}}}}})");
    for (const std::string& p : products) {
      c.bodies.push_back(R"({"size": 0, "query": {"term": {"source.product": ")" + p +
                         R"("}}, "aggs": {"v": {"terms": {"field": "target.version", "size": 1000}}}})");
    }
    classes.push_back(std::move(c));
  }
  {
    Class c{"autosuggest: version include regex", {}, 200};
    for (size_t i = 0; i < 20; ++i) {
      std::string typed = versions[i % versions.size()].substr(0, 2);
      c.bodies.push_back(R"({"post_filter": {"term": {"source.product": ")" + products[i % products.size()] +
                         R"("}}, "aggs": {"versions2": {"filter": {"term": {"source.product": ")" +
                         products[i % products.size()] + R"("}}, "aggs": {"target.version": {"terms": {"field":
                         "target.version", "size": 1000, "order": {"_term": "desc"}, "include": ")" + typed +
                         R"(.*"}}, "target.version_count": {"cardinality": {"field": "target.version"}}}}}, "size": 0})");
    }
    classes.push_back(std::move(c));
  }
  {
    Class c{"query_string (fields, AND, wildcards)", {}, 300};
    for (size_t i = 0; i < 50; ++i) {
      const std::string& v = versions[(i * 3) % versions.size()];
      c.bodies.push_back(R"({"query": {"query_string": {"query": "source.product:)" + products[i % products.size()] +
                         R"( AND target.version:)" + v + R"( AND target.locale:)" + locales[i % locales.size()] +
                         R"("}}, "size": 10})");
    }
    classes.push_back(std::move(c));
  }
  {
    Class c{"range on download.date + sort", {}, 500};
    for (int y = 2017; y <= 2024; ++y) {
      for (int m = 1; m <= 12; ++m) {
        char body[400];
        std::snprintf(body, sizeof body,
                      R"({"query": {"range": {"download.date": {"gte": "%04d-%02d-01", "lt": "%04d-%02d-01||+1M"}}},
                          "sort": [{"download.date": "asc"}], "size": 10})",
                      y, m, y, m);
        c.bodies.push_back(body);
      }
    }
    classes.push_back(std::move(c));
  }
  {
    Class c{"regexp on target.version", {}, 200};
    for (const char* re : {"6[0-9]\\\\.0b.*", "1[0-9][0-9]\\\\.0a1", "5.\\\\.0(\\\\.[0-9])?", ".*esr"}) {
      c.bodies.push_back(std::string(R"({"query": {"regexp": {"target.version": ")") + re + R"("}}, "size": 10})");
    }
    classes.push_back(std::move(c));
  }
  {
    Class c{"regexp on download.url (1M terms)", {}, 20};
    c.bodies.push_back(R"({"query": {"regexp": {"download.url": ".*/win64/fr/.*"}}, "size": 10})");
    classes.push_back(std::move(c));
  }
  {
    Class c{"date_histogram by month + stats", {}, 50};
    c.bodies.push_back(R"({"size": 0, "aggs": {"h": {"date_histogram": {"field": "build.date", "interval": "month"},
                          "aggs": {"s": {"stats": {"field": "download.size"}}}}}})");
    classes.push_back(std::move(c));
  }
  // BUILDHUB_BENCH_ONLY=text runs only the classes whose name holds it.
  const char* only = std::getenv("BUILDHUB_BENCH_ONLY");
  for (const Class& c : classes) {
    if (only == nullptr || c.name.find(only) != std::string::npos) Run(engine, c);
  }

  // A new build becoming searchable.
  auto before = store->CountBuilds();
  Fill(store.get(), 100, 777, 1000000000LL + (before.ok() ? *before : 0));
  auto t = Clock::now();
  bh::Status s = engine.CatchUp();
  std::printf("catch-up of 100 builds  %.2f ms (%s), index now %lld builds\n", Seconds(t) * 1000,
              s.ok() ? "ok" : s.ToString().c_str(), static_cast<long long>(engine.DocumentCount()));
  std::printf("resident memory       %ld MB at the end\n", RssMb());
  return 0;
}
