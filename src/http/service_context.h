// ServiceContext: everything the request handlers need, wired by the CLI.
// Pointers are borrowed and must outlive the Router; any of them may be null
// (the routes that need a missing piece answer 503 and /__heartbeat__ fails).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace buildhub::search {
class Searcher;
}
namespace buildhub::store {
class BuildStore;
}

namespace buildhub::http {

// Built-in answer of /__version__ when no version.json is configured.
struct VersionInfo {
  std::string version;  // e.g. "0.1.0"
  std::string commit;   // git sha, may be ""
  std::string source = "https://github.com/mozilla-services/buildhub2";
  std::string build;    // CI build URL, may be ""
};

// One Dockerflow heartbeat check. Levels follow Django's check framework:
// 0 ok, 20 info, 30 warning (still HTTP 200), 40 error, 50 critical (500).
struct CheckResult {
  int level = 0;
  std::string id;       // e.g. "buildhub.health.E002"; "" when ok
  std::string message;  // names what failed
};
struct HeartbeatCheck {
  std::string name;  // e.g. "check_s3_bucket_url"
  std::function<CheckResult()> run;  // called from a worker thread
};

struct ServiceContext {
  // Must be safe to call from several threads at once (the engine and the
  // stores are).
  search::Searcher* searcher = nullptr;
  store::BuildStore* store = nullptr;

  // The web page's build output (index.html and assets). "" disables static
  // files and the page fallback (404s).
  std::string web_root;
  // version.json to serve at /__version__; "" means the built-in VersionInfo.
  std::string version_json_path;
  VersionInfo version;
  // The repository's contribute.json, served pretty-printed.
  std::string contribute_json_path;
  // Extra /__heartbeat__ checks (S3 bucket reachability, ...).
  std::vector<HeartbeatCheck> heartbeat_checks;
  // Appended to the Content-Security-Policy as "; report-uri <value>" when set.
  std::string csp_report_uri;

  // /api/rejected paging.
  int64_t rejected_default_limit = 50;
  int64_t rejected_max_limit = 1000;
  // Largest static file served (bigger ones: 404, and a warning in the log).
  int64_t max_static_file_bytes = 64 << 20;

  // One "request.summary" log line per request.
  bool access_log = true;
};

}  // namespace buildhub::http
