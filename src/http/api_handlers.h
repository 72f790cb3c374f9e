// The /api/* handlers (and the legacy v1 search path): search, build
// records, rejected files, latest build. Each turns a Request into a
// Response; the Router decides which one runs and adds the common headers.
#pragma once

#include "http/request.h"
#include "http/service_context.h"

namespace buildhub::http {

// /api/search and /api/search/: POST searches with its body, any other
// method runs the default search (match_all, size 10).
Response HandleSearch(const ServiceContext& context, const Request& request);

// /v1/buckets/build-hub/collections/releases/search[anything]: answered as
// /api/search (a redirect would turn POSTs into GETs and lose the query).
// GET ?q=<Lucene query>[&size=N][&from=N] is the v1 URI search, run as a
// query_string query.
Response HandleV1Search(const ServiceContext& context, const Request& request);

// /api/records: {"builds": {"total": N}}.
Response HandleRecordCount(const ServiceContext& context, const Request& request);

// /api/records/{id}: the build as its search hit's _source
// ({"id": N, "build": ..., "source": ..., "target": ..., "download": ...})
// plus "_meta": {"build_hash", "created_at", "s3_object_key",
// "s3_object_etag", "metadata"}. 404 {"error": "Build N not found"}; an id
// that is not a positive integer is a 400.
Response HandleRecord(const ServiceContext& context, const Request& request);

// /api/rejected?limit=50&offset=0: newest first,
// {"total": N, "limit": L, "offset": O, "rejected": [{"id", "source", "key",
// "etag", "errors": [...], "rejected_at", "last_seen_at", "attempts"}]}.
Response HandleRejected(const ServiceContext& context, const Request& request);

// /api/latest?product=&channel=&platform=&locale=&version=: the newest build
// (by download.date, then build.date) matching every given parameter;
// repeating a parameter means any of the values. At least one parameter is
// required (400); no match is a 404. The answer has the /api/records/{id}
// shape without "_meta".
Response HandleLatest(const ServiceContext& context, const Request& request);

// Any other /api/... path: 404 JSON (the original answered index.html).
Response HandleApiNotFound(const ServiceContext& context, const Request& request);

}  // namespace buildhub::http
