#include "http/api_handlers.h"

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/responses.h"
#include "http/url.h"
#include "search/searcher.h"
#include "store/store.h"

namespace buildhub::http {
namespace {

// A fixed set of tags: the method is client-chosen, and one metric series
// per invented method name would let anyone grow the registry without bound.
std::string_view MethodTag(std::string_view method) {
  static constexpr std::string_view kKnown[][2] = {
      {"GET", "method:GET"},         {"POST", "method:POST"},   {"HEAD", "method:HEAD"},
      {"PUT", "method:PUT"},         {"DELETE", "method:DELETE"}, {"OPTIONS", "method:OPTIONS"},
      {"PATCH", "method:PATCH"},
  };
  for (const auto& entry : kKnown) {
    if (entry[0] == method) return entry[1];
  }
  return "method:OTHER";
}

// Runs one search body and turns the result into the response, with the
// original's metrics (api_search timer, requests by method, hits gauge).
Response RunSearch(const ServiceContext& context, std::string_view method, std::string_view body) {
  metrics::ScopedTimer timer(metrics::Global(), "api_search");
  metrics::Global().Incr("api_search_requests", 1, {MethodTag(method)});
  if (context.searcher == nullptr) return JsonError(503, "Search is not available");
  search::SearchResult result = context.searcher->Search(body);
  if (result.http_status == 200) {
    metrics::Global().Gauge("api_search_records", static_cast<double>(result.total_hits));
  }
  return JsonResponse(result.http_status, std::move(result.body));
}

Response StoreUnavailable(const Status& status, std::string_view doing) {
  // The detail (paths, driver messages) goes to the log, not to the client.
  log::Error("http", "Store failed while {}: {}", doing, status.ToString());
  return JsonError(503, "The build store is unavailable");
}

bool ParseNonNegative(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// {"id": <id>, <members of the stored build document>...}: the search hit's
// _source, so that one client function reads both.
Result<json::Value> SourceOf(int64_t id, std::string_view build_json) {
  auto document = json::Parse(build_json);
  if (!document.ok()) return document.status();
  json::Value source = json::Value::Object();
  source.set("id", json::Value::Int(id));
  if (document->is_object()) {
    for (auto& [key, value] : document->mutable_members()) {
      if (key != "id") source.set(key, std::move(value));
    }
  }
  return source;
}

json::Value ParseOr(std::string_view text, json::Value fallback) {
  auto parsed = json::Parse(text);
  return parsed.ok() ? std::move(*parsed) : std::move(fallback);
}

bool IsGetOrHead(std::string_view method) { return method == "GET" || method == "HEAD"; }

}  // namespace

Response HandleSearch(const ServiceContext& context, const Request& request) {
  // As the original: only POST reads the body; every other method runs the
  // default search.
  std::string_view body = request.method == "POST" ? request.body : std::string_view();
  return RunSearch(context, request.method, body);
}

Response HandleV1Search(const ServiceContext& context, const Request& request) {
  if (request.method == "POST") return RunSearch(context, request.method, request.body);
  auto params = ParseQuery(request.query);
  if (!params.ok()) return JsonError(400, params.status().message());
  json::Value body = json::Value::Object();
  for (const QueryParam& p : *params) {
    if (p.name == "q") {
      json::Value query_string = json::Value::Object();
      query_string.set("query", json::Value::String(p.value));
      json::Value query = json::Value::Object();
      query.set("query_string", std::move(query_string));
      body.set("query", std::move(query));
    } else if (p.name == "size" || p.name == "from") {
      int64_t n = 0;
      if (!ParseNonNegative(p.value, &n)) {
        return JsonError(400, "Parameter '" + p.name + "' must be a non-negative integer, got '" +
                                  Quoted(p.value) + "'");
      }
      body.set(p.name, json::Value::Int(n));
    }
    // Other v1 URI-search parameters (sort, _source, ...) are ignored.
  }
  return RunSearch(context, request.method, body.size() == 0 ? std::string() : json::Write(body));
}

Response HandleRecordCount(const ServiceContext& context, const Request& request) {
  if (context.store == nullptr) return JsonError(503, "The build store is unavailable");
  auto count = context.store->CountBuilds();
  if (!count.ok()) return StoreUnavailable(count.status(), "counting builds");
  return JsonResponse(200, "{\"builds\": {\"total\": " + std::to_string(*count) + "}}");
}

Response HandleRecord(const ServiceContext& context, const Request& request) {
  if (!IsGetOrHead(request.method)) return MethodNotAllowed(request.method, "GET, HEAD");
  static constexpr std::string_view kPrefix = "/api/records/";
  std::string_view id_text = std::string_view(request.path).substr(kPrefix.size());
  if (!id_text.empty() && id_text.back() == '/') id_text.remove_suffix(1);
  int64_t id = 0;
  if (!ParseNonNegative(id_text, &id) || id == 0) {
    return JsonError(400, "Invalid build id '" + Quoted(id_text) + "': expected a positive integer");
  }
  if (context.store == nullptr) return JsonError(503, "The build store is unavailable");
  auto found = context.store->GetBuild(id);
  if (!found.ok()) return StoreUnavailable(found.status(), "reading a build");
  if (!found->has_value()) return JsonError(404, "Build " + std::to_string(id) + " not found");
  const store::StoredBuild& build = **found;
  auto source = SourceOf(build.id, build.build_json);
  if (!source.ok()) {
    log::Error("http", "Stored build {} is not valid JSON: {}", build.id, source.status().message());
    return JsonError(500, "Build " + std::to_string(id) + " is stored damaged");
  }
  json::Value meta = json::Value::Object();
  meta.set("build_hash", json::Value::String(build.build_hash));
  meta.set("created_at", json::Value::String(build.created_at));
  meta.set("s3_object_key", json::Value::String(build.s3_object_key));
  meta.set("s3_object_etag", json::Value::String(build.s3_object_etag));
  meta.set("metadata", ParseOr(build.metadata_json, json::Value::Object()));
  source->set("_meta", std::move(meta));
  return JsonResponse(200, json::Write(*source));
}

Response HandleRejected(const ServiceContext& context, const Request& request) {
  if (!IsGetOrHead(request.method)) return MethodNotAllowed(request.method, "GET, HEAD");
  auto params = ParseQuery(request.query);
  if (!params.ok()) return JsonError(400, params.status().message());
  int64_t limit = context.rejected_default_limit;
  int64_t offset = 0;
  for (const QueryParam& p : *params) {
    int64_t* target = p.name == "limit" ? &limit : p.name == "offset" ? &offset : nullptr;
    if (target == nullptr) continue;
    if (!ParseNonNegative(p.value, target)) {
      return JsonError(400, "Parameter '" + p.name + "' must be a non-negative integer, got '" +
                                Quoted(p.value) + "'");
    }
  }
  if (limit > context.rejected_max_limit) limit = context.rejected_max_limit;
  if (context.store == nullptr) return JsonError(503, "The build store is unavailable");

  auto total = context.store->CountRejected();
  if (!total.ok()) return StoreUnavailable(total.status(), "counting rejected files");
  std::vector<store::RejectedBuild> rows;
  if (limit > 0) {
    if (Status s = context.store->ListRejected(offset, static_cast<size_t>(limit), &rows); !s.ok()) {
      return StoreUnavailable(s, "listing rejected files");
    }
  }
  json::Value list = json::Value::Array();
  for (const store::RejectedBuild& r : rows) {
    json::Value errors = ParseOr(r.errors_json, json::Value::Null());
    if (!errors.is_array()) {
      json::Value wrapped = json::Value::Array();
      wrapped.push_back(json::Value::String(r.errors_json));
      errors = std::move(wrapped);
    }
    json::Value item = json::Value::Object();
    item.set("id", json::Value::Int(r.id));
    item.set("source", json::Value::String(r.source));
    item.set("key", json::Value::String(r.object_key));
    item.set("etag", json::Value::String(r.etag));
    item.set("errors", std::move(errors));
    item.set("rejected_at", json::Value::String(r.rejected_at));
    item.set("last_seen_at", json::Value::String(r.last_seen_at));
    item.set("attempts", json::Value::Int(r.attempts));
    list.push_back(std::move(item));
  }
  json::Value out = json::Value::Object();
  out.set("total", json::Value::Int(*total));
  out.set("limit", json::Value::Int(limit));
  out.set("offset", json::Value::Int(offset));
  out.set("rejected", std::move(list));
  return JsonResponse(200, json::Write(out));
}

Response HandleLatest(const ServiceContext& context, const Request& request) {
  if (!IsGetOrHead(request.method)) return MethodNotAllowed(request.method, "GET, HEAD");
  static constexpr std::string_view kFields[][2] = {
      {"product", "source.product"}, {"channel", "target.channel"}, {"platform", "target.platform"},
      {"locale", "target.locale"},   {"version", "target.version"},
  };
  auto params = ParseQuery(request.query);
  if (!params.ok()) return JsonError(400, params.status().message());

  // Values per field, in the order the fields are listed above.
  std::vector<std::vector<std::string>> values(std::size(kFields));
  for (const QueryParam& p : *params) {
    size_t i = 0;
    while (i < std::size(kFields) && kFields[i][0] != p.name) ++i;
    if (i == std::size(kFields)) {
      return JsonError(400, "Unknown parameter '" + Quoted(p.name) +
                                "'; use product, channel, platform, locale or version");
    }
    if (p.value.empty()) return JsonError(400, "Parameter '" + p.name + "' is empty");
    values[i].push_back(p.value);
  }

  json::Value filters = json::Value::Array();
  std::string description;
  for (size_t i = 0; i < std::size(kFields); ++i) {
    if (values[i].empty()) continue;
    json::Value clause = json::Value::Object();
    json::Value field = json::Value::Object();
    if (values[i].size() == 1) {
      field.set(std::string(kFields[i][1]), json::Value::String(values[i][0]));
      clause.set("term", std::move(field));
    } else {
      json::Value any = json::Value::Array();
      for (const std::string& v : values[i]) any.push_back(json::Value::String(v));
      field.set(std::string(kFields[i][1]), std::move(any));
      clause.set("terms", std::move(field));
    }
    filters.push_back(std::move(clause));
    for (const std::string& v : values[i]) {
      if (!description.empty()) description += ", ";
      description += std::string(kFields[i][0]) + "=" + v;
    }
  }
  if (filters.size() == 0) {
    return JsonError(400, "Give at least one of product, channel, platform, locale, version");
  }

  // {"size": 1, "query": {"bool": {"filter": [...]}},
  //  "sort": [{"download.date": "desc"}, {"build.date": "desc"}]}
  json::Value boolean = json::Value::Object();
  boolean.set("filter", std::move(filters));
  json::Value query = json::Value::Object();
  query.set("bool", std::move(boolean));
  json::Value sort = json::Value::Array();
  for (const char* field : {"download.date", "build.date"}) {
    json::Value key = json::Value::Object();
    key.set(field, json::Value::String("desc"));
    sort.push_back(std::move(key));
  }
  json::Value body = json::Value::Object();
  body.set("size", json::Value::Int(1));
  body.set("query", std::move(query));
  body.set("sort", std::move(sort));

  Response searched = RunSearch(context, "GET", json::Write(body));
  if (searched.status != 200) return searched;
  auto parsed = json::Parse(searched.body);
  const json::Value* hits = parsed.ok() ? parsed->find("hits") : nullptr;
  const json::Value* list = hits != nullptr ? hits->find("hits") : nullptr;
  if (list == nullptr || !list->is_array()) {
    log::Error("http", "/api/latest: unexpected search response");
    return JsonError(500, "Unexpected search response");
  }
  if (list->items().empty()) return JsonError(404, "No build found for " + description);
  const json::Value* source = list->items()[0].find("_source");
  if (source == nullptr) return JsonError(500, "Unexpected search response");
  return JsonResponse(200, json::Write(*source));
}

Response HandleApiNotFound(const ServiceContext& context, const Request& request) {
  return JsonError(404, "Not found: " + Quoted(request.path));
}

}  // namespace buildhub::http
