#include "http/dockerflow_handlers.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/responses.h"
#include "search/searcher.h"
#include "store/store.h"

namespace buildhub::http {
namespace {

constexpr int kWarning = 30;
constexpr int kError = 40;

// Django's level names, as python-dockerflow reports them.
const char* LevelName(int level) {
  if (level >= 50) return "critical";
  if (level >= 40) return "error";
  if (level >= 30) return "warning";
  if (level >= 20) return "info";
  if (level >= 10) return "debug";
  return "ok";
}

CheckResult CheckDatabase(const ServiceContext& context) {
  if (context.store == nullptr) return {kError, "buildhub.health.E001", "No build store configured"};
  Status s = context.store->Ping();
  if (!s.ok()) {
    log::Error("http", "Heartbeat: store ping failed: {}", s.ToString());
    return {kError, "buildhub.health.E001", "The build store is not reachable"};
  }
  return {};
}

CheckResult CheckIndex(const ServiceContext& context) {
  if (context.searcher == nullptr) return {kError, "buildhub.health.E003", "The search index is not loaded"};
  if (context.store == nullptr) return {};
  auto max_id = context.store->MaxBuildId();
  if (!max_id.ok()) return {};  // reported by the database check
  int64_t indexed = context.searcher->LastIndexedId();
  if (indexed < *max_id) {
    return {kWarning, "buildhub.health.W002",
            "The search index is behind the store: indexed up to id " + std::to_string(indexed) +
                ", the store holds up to id " + std::to_string(*max_id)};
  }
  return {};
}

}  // namespace

Response HandleLbHeartbeat(const ServiceContext& context, const Request& request) {
  Response response;
  response.status = 200;
  response.content_type = "text/html; charset=utf-8";
  return response;
}

Response HandleHeartbeat(const ServiceContext& context, const Request& request) {
  std::vector<std::pair<std::string, CheckResult>> results;
  results.emplace_back("check_database_connected", CheckDatabase(context));
  results.emplace_back("check_search_index", CheckIndex(context));
  for (const HeartbeatCheck& check : context.heartbeat_checks) {
    CheckResult r;
    if (check.run) r = check.run();
    results.emplace_back(check.name, std::move(r));
  }

  int worst = 0;
  json::Value checks = json::Value::Object();
  json::Value details = json::Value::Object();
  for (auto& [name, r] : results) {
    worst = std::max(worst, r.level);
    checks.set(name, json::Value::String(LevelName(r.level)));
    if (r.level <= 0) continue;
    json::Value messages = json::Value::Object();
    messages.set(r.id.empty() ? "buildhub.health." + name : r.id, json::Value::String(r.message));
    json::Value detail = json::Value::Object();
    detail.set("status", json::Value::String(LevelName(r.level)));
    detail.set("level", json::Value::Int(r.level));
    detail.set("messages", std::move(messages));
    details.set(name, std::move(detail));
  }
  json::Value body = json::Value::Object();
  body.set("status", json::Value::String(LevelName(worst)));
  body.set("checks", std::move(checks));
  body.set("details", std::move(details));
  return JsonResponse(worst >= kError ? 500 : 200, json::Write(body));
}

Response HandleVersion(const ServiceContext& context, const Request& request) {
  if (!context.version_json_path.empty()) {
    std::ifstream in(context.version_json_path, std::ios::binary);
    if (!in) {
      Response response;
      response.status = 404;
      response.content_type = "text/plain; charset=utf-8";
      response.body = "version.json not found";
      return response;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    json::ParseOptions options;
    options.max_bytes = 1 << 20;
    auto parsed = json::Parse(bytes.str(), options);
    if (!parsed.ok()) {
      log::Error("http", "{} is not valid JSON: {}", context.version_json_path, parsed.status().message());
      return JsonError(500, "version.json is not valid JSON");
    }
    return JsonResponse(200, json::Write(*parsed));
  }
  json::Value body = json::Value::Object();
  body.set("version", json::Value::String(context.version.version));
  body.set("commit", json::Value::String(context.version.commit));
  body.set("source", json::Value::String(context.version.source));
  body.set("build", json::Value::String(context.version.build));
  return JsonResponse(200, json::Write(body));
}

Response HandleMetrics(const ServiceContext& context, const Request& request) {
  Response response;
  response.status = 200;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics::Global().PrometheusText();
  return response;
}

}  // namespace buildhub::http
