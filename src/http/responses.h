// Small constructors for the responses every handler builds.
#pragma once

#include <string>
#include <string_view>

#include "http/request.h"

namespace buildhub::http {

inline constexpr std::string_view kJsonType = "application/json";

Response JsonResponse(int status, std::string body);
// {"error": "<message>"}; the message is escaped (and made valid UTF-8).
Response JsonError(int status, std::string_view message);
// 405 with an Allow header listing `allow` (e.g. "GET, HEAD").
Response MethodNotAllowed(std::string_view method, std::string_view allow);

// Text that came from a client, made safe to quote inside an error message:
// printable ASCII kept except quotes and markup characters (< > & ' "),
// everything else percent-encoded, cut at 200 bytes.
std::string Quoted(std::string_view client_text);

}  // namespace buildhub::http
