// `buildhub serve`: the HTTP API and the web page over the store, with the
// in-process index kept current from the store's change feed.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "cli/command.h"
#include "core/log.h"
#include "core/version.h"
#include "http/router.h"
#include "http/server.h"
#include "http/service_context.h"
#include "search/searcher.h"

namespace buildhub::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8000";
  std::string web_root;  // default: the project's built page, when present
  std::string version_json;
  std::string contribute_json;
  int threads = 0;
  size_t max_body_bytes = 1 << 20;
  int request_timeout_ms = 10000;
  size_t max_connections = 10000;
  int catch_up_interval_ms = 500;
  int64_t max_search_size = 1000;
  int64_t search_time_budget_ms = 5000;
  bool access_log = true;
};

std::string DefaultPath(const std::string& relative) {
  std::filesystem::path p = std::filesystem::path(BUILDHUB_SOURCE_DIR) / relative;
  return std::filesystem::exists(p) ? p.string() : "";
}

// Follows the store's change feed until stopped: builds ingested by any
// process become searchable within one interval.
class CatchUpLoop {
 public:
  CatchUpLoop(search::SearchEngine* engine, std::chrono::milliseconds interval)
      : engine_(engine), interval_(interval), thread_([this] { Run(); }) {}
  ~CatchUpLoop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stop_; })) {
      lock.unlock();
      Status s = engine_->CatchUp();
      if (!s.ok()) log::Warn("index", "catching up with the store failed (will retry): {}", s.message());
      lock.lock();
    }
  }

  search::SearchEngine* engine_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

int RunServe(const GlobalOptions& global, const ServeOptions& options) {
  std::unique_ptr<store::BuildStore> store = OpenStoreOrLog(global);
  if (!store) return kExitStoreError;

  search::EngineOptions engine_options;
  engine_options.max_search_size = options.max_search_size;
  engine_options.max_body_bytes = options.max_body_bytes;
  engine_options.time_budget_ms = options.search_time_budget_ms;
  log::Info("index", "loading the index from {}", store::RedactDatabaseUrl(global.database_url));
  auto engine = search::OpenSearchEngine(store.get(), engine_options);
  if (!engine.ok()) {
    log::Error("index", "cannot build the index: {}", engine.status().message());
    return kExitStoreError;
  }
  log::Info("index", "indexed {} builds in {:.2f} s", (*engine)->DocumentCount(), (*engine)->LoadSeconds());

  http::ServiceContext context;
  context.searcher = engine->get();
  context.store = store.get();
  context.web_root = options.web_root.empty() ? DefaultPath("web/dist") : options.web_root;
  context.version_json_path = options.version_json;
  context.version.version = kVersion;
  context.contribute_json_path =
      options.contribute_json.empty() ? DefaultPath("web/contribute.json") : options.contribute_json;
  context.access_log = options.access_log;
  if (context.web_root.empty()) log::Warn("http", "no web page to serve (--web-root); the API works without it");
  http::Router router(context);

  http::ServerOptions server_options;
  server_options.listen = options.listen;
  server_options.threads = options.threads;
  server_options.max_body_bytes = options.max_body_bytes;
  server_options.request_timeout = std::chrono::milliseconds(options.request_timeout_ms);
  server_options.max_connections = options.max_connections;
  server_options.stop_on_signals = true;
  auto server = http::Server::Start(server_options, &router);
  if (!server.ok()) {
    log::Error("http", "{}", server.status().message());
    return kExitFatal;
  }
  log::Info("http", "Buildhub {} serving on http://{}/ (API: /api/search)", kVersion, (*server)->address());
  {
    CatchUpLoop catch_up(engine->get(), std::chrono::milliseconds(options.catch_up_interval_ms));
    (*server)->Wait();
  }
  log::Info("http", "stopped");
  return kExitOk;
}

}  // namespace

Command RegisterServeCommand(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* sub = app.add_subcommand(
      "serve",
      "Serve the Elasticsearch-compatible /api/search, the other API routes and the web page. "
      "The index is built from the store at start-up and follows it: builds ingested by any "
      "process become searchable within --catch-up-interval-ms. SIGTERM/SIGINT stop gracefully.");
  sub->add_option("--listen", options->listen, "HOST:PORT, e.g. 127.0.0.1:8000 or [::]:8000")
      ->envname("BUILDHUB_LISTEN")
      ->capture_default_str();
  sub->add_option("--web-root", options->web_root, "The built web page (default: web/dist of the source tree)")
      ->envname("BUILDHUB_WEB_ROOT");
  sub->add_option("--version-json", options->version_json, "version.json to serve at /__version__")
      ->envname("BUILDHUB_VERSION_JSON");
  sub->add_option("--contribute-json", options->contribute_json, "contribute.json to serve")
      ->envname("BUILDHUB_CONTRIBUTE_JSON");
  sub->add_option("--threads", options->threads, "HTTP worker threads; 0 = two per core, at least 4")
      ->envname("BUILDHUB_THREADS")
      ->check(CLI::Range(0, 512))
      ->capture_default_str();
  sub->add_option("--max-body-bytes", options->max_body_bytes, "Largest request body (413 above)")
      ->envname("BUILDHUB_MAX_BODY_BYTES")
      ->check(CLI::Range(static_cast<size_t>(1024), static_cast<size_t>(1) << 30))
      ->capture_default_str();
  sub->add_option("--request-timeout-ms", options->request_timeout_ms,
                  "A request must arrive in full within this time (slow clients are cut off)")
      ->envname("BUILDHUB_REQUEST_TIMEOUT_MS")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();
  sub->add_option("--max-connections", options->max_connections, "Open connections beyond this get a 503")
      ->envname("BUILDHUB_MAX_CONNECTIONS")
      ->check(CLI::Range(static_cast<size_t>(1), static_cast<size_t>(1000000)))
      ->capture_default_str();
  sub->add_option("--catch-up-interval-ms", options->catch_up_interval_ms,
                  "How often the index reads new builds from the store")
      ->envname("BUILDHUB_CATCH_UP_INTERVAL_MS")
      ->check(CLI::Range(10, 3600000))
      ->capture_default_str();
  sub->add_option("--max-search-size", options->max_search_size, "Largest `size` of /api/search (the original's MAX_SEARCH_SIZE)")
      ->envname("BUILDHUB_MAX_SEARCH_SIZE")
      ->check(CLI::Range(static_cast<int64_t>(1), static_cast<int64_t>(10000)))
      ->capture_default_str();
  sub->add_option("--search-time-budget-ms", options->search_time_budget_ms, "A search taking longer gets a 400")
      ->envname("BUILDHUB_SEARCH_TIME_BUDGET_MS")
      ->check(CLI::Range(static_cast<int64_t>(10), static_cast<int64_t>(600000)))
      ->capture_default_str();
  sub->add_flag("--access-log,!--no-access-log", options->access_log, "One log line per request")
      ->envname("BUILDHUB_ACCESS_LOG")
      ->capture_default_str();
  return {sub, [&global, options] { return RunServe(global, *options); }};
}

}  // namespace buildhub::cli
