// Operations endpoints: the Dockerflow trio (/__lbheartbeat__,
// /__heartbeat__, /__version__) and the Prometheus page (/__metrics__).
#pragma once

#include "http/request.h"
#include "http/service_context.h"

namespace buildhub::http {

// 200, empty body: the process is up (load balancers call this often).
Response HandleLbHeartbeat(const ServiceContext& context, const Request& request);

// Runs the checks: store reachable (Ping), search index loaded and current
// (its last indexed id has caught up with the store's highest id; behind is
// a warning, since the change feed closes the gap within a second), plus
// ServiceContext::heartbeat_checks. Dockerflow body
// {"status": "ok|warning|error|...", "checks": {name: status},
//  "details": {name: {"status", "level", "messages": {id: text}}}}
// (details only for checks above ok); 500 when any check is an error.
Response HandleHeartbeat(const ServiceContext& context, const Request& request);

// version.json from ServiceContext::version_json_path (404 "version.json not
// found" when that file is missing), else the built-in VersionInfo.
Response HandleVersion(const ServiceContext& context, const Request& request);

// metrics::Global().PrometheusText(), text/plain; version=0.0.4.
Response HandleMetrics(const ServiceContext& context, const Request& request);

}  // namespace buildhub::http
