#include "http/router.h"

#include <chrono>
#include <string_view>

#include "core/log.h"
#include "http/api_handlers.h"
#include "http/dockerflow_handlers.h"
#include "http/static_files.h"
#include "http/url.h"

namespace buildhub::http {
namespace {

using Handler = Response (*)(const ServiceContext&, const Request&);

enum class Match {
  kExact,         // the path is the pattern
  kExactOrSlash,  // the pattern, or the pattern plus a trailing '/'
  kPrefix,        // the path starts with the pattern
};

struct Route {
  Match match;
  std::string_view pattern;
  Handler handler;
};

constexpr std::string_view kV1Search = "/v1/buckets/build-hub/collections/releases/search";

// Every URL the service answers, first match wins. Paths are percent-decoded;
// the query string is not part of the match. Methods are each handler's
// business (search takes any, as the original did).
constexpr Route kRoutes[] = {
    // Dockerflow and operations (dockerflow_handlers.cc).
    {Match::kExactOrSlash, "/__lbheartbeat__", HandleLbHeartbeat},
    {Match::kExactOrSlash, "/__heartbeat__", HandleHeartbeat},
    {Match::kExactOrSlash, "/__version__", HandleVersion},
    {Match::kExactOrSlash, "/__metrics__", HandleMetrics},
    // The API (api_handlers.cc). /api/search/ answers too: the original sent
    // it to the page, which no client wants.
    {Match::kExactOrSlash, "/api/search", HandleSearch},
    {Match::kExactOrSlash, "/api/records", HandleRecordCount},
    {Match::kPrefix, "/api/records/", HandleRecord},
    {Match::kExactOrSlash, "/api/rejected", HandleRejected},
    {Match::kExactOrSlash, "/api/latest", HandleLatest},
    {Match::kPrefix, "/api/", HandleApiNotFound},
    // Buildhub v1's search URL, any suffix (the original's regex had no '$').
    {Match::kPrefix, kV1Search, HandleV1Search},
    // Files (static_files.cc): contribute.json, then the page and its assets.
    {Match::kExact, "/contribute.json", HandleContributeJson},
    {Match::kPrefix, "/", HandleStatic},
};

bool Matches(const Route& route, std::string_view path) {
  switch (route.match) {
    case Match::kExact:
      return path == route.pattern;
    case Match::kExactOrSlash:
      return path == route.pattern ||
             (path.size() == route.pattern.size() + 1 && path.back() == '/' &&
              path.substr(0, route.pattern.size()) == route.pattern);
    case Match::kPrefix:
      return path.substr(0, route.pattern.size()) == route.pattern;
  }
  return false;
}

// django-cors-headers' CORS_URLS_REGEX = r"^/api/.*$"; the v1 search path is
// an API too (its v1 server allowed every origin).
bool IsApiPath(std::string_view path) {
  return path.substr(0, 5) == "/api/" || path.substr(0, kV1Search.size()) == kV1Search;
}

constexpr std::string_view kCsp =
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; worker-src 'none'; frame-src 'none'; block-all-mixed-content";

}  // namespace

Router::Router(ServiceContext context) : context_(std::move(context)), csp_(kCsp) {
  if (!context_.csp_report_uri.empty()) csp_ += "; report-uri " + context_.csp_report_uri;
}

Response Router::Dispatch(const Request& request) const {
  for (const Route& route : kRoutes) {
    if (Matches(route, request.path)) return route.handler(context_, request);
  }
  return HandleStatic(context_, request);  // unreachable: "/" matches every path
}

void Router::Handle(const Request& request, Response* response) {
  const auto start = std::chrono::steady_clock::now();
  const bool api = IsApiPath(request.path);
  const std::string_view origin = request.Header("Origin");

  if (api && request.method == "OPTIONS" && request.HasHeader("Access-Control-Request-Method")) {
    // A CORS preflight: answered here, as the CORS middleware did.
    *response = Response();
    response->status = 200;
  } else {
    *response = Dispatch(request);
  }

  if (api) {
    response->AddHeader("Vary", "Origin");
    if (!origin.empty()) {
      response->AddHeader("Access-Control-Allow-Origin", "*");
      if (request.method == "OPTIONS") {
        response->AddHeader("Access-Control-Allow-Headers",
                            "accept, accept-encoding, authorization, content-type, dnt, origin, "
                            "user-agent, x-csrftoken, x-requested-with");
        response->AddHeader("Access-Control-Allow-Methods", "DELETE, GET, OPTIONS, PATCH, POST, PUT");
        response->AddHeader("Access-Control-Max-Age", "86400");
      }
    }
  } else {
    response->AddHeader("Content-Security-Policy", csp_);
  }
  response->AddHeader("X-Content-Type-Options", "nosniff");
  response->AddHeader("X-XSS-Protection", "1; mode=block");
  response->AddHeader("X-Frame-Options", "SAMEORIGIN");

  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  response->AddHeader("X-Response-Time", std::to_string(static_cast<int64_t>(ms)));
  if (context_.access_log) {
    log::Info("request.summary", "{} {} {} {:.3f}ms", PathForLog(request.method, 32),
              PathForLog(request.path), response->status, ms);
  }
}

}  // namespace buildhub::http
