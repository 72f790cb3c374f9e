// Files: the web page's build output with the single-page-app fallback, and
// /contribute.json.
#pragma once

#include <string_view>

#include "http/request.h"
#include "http/service_context.h"

namespace buildhub::http {

// Any path no other route claims (GET and HEAD; others get 405):
//  * a regular file under ServiceContext::web_root is served, with its
//    content type, Last-Modified (If-Modified-Since gives 304) and
//    Cache-Control "max-age=315360000, public, immutable" when the URL holds
//    a hashed name (\b[a-f0-9]{8}\b), else "max-age=60, public";
//  * else a path whose last segment has an extension is a 404 (a missing
//    asset must not turn into HTML);
//  * else index.html, "max-age=86400, public", Last-Modified, 304 support
//    (the page routes on the client side).
// Files never come from outside the root: ".." segments, hidden segments
// (".git", except ".well-known"), non-UTF-8 paths and symbolic links that
// resolve outside the root are 404s.
Response HandleStatic(const ServiceContext& context, const Request& request);

// /contribute.json: the configured file, re-serialised with indent 3 as the
// original did; 404 when it is not configured or missing.
Response HandleContributeJson(const ServiceContext& context, const Request& request);

// True when `url_path` holds a \b[a-f0-9]{8}\b run (WhiteNoise's test for a
// hashed, immutable asset).
bool IsHashedAssetPath(std::string_view url_path);

}  // namespace buildhub::http
