#include "http/responses.h"

#include "core/json.h"
#include "core/utf8.h"
#include "http/url.h"

namespace buildhub::http {

Response JsonResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = kJsonType;
  response.body = std::move(body);
  return response;
}

Response JsonError(int status, std::string_view message) {
  std::string body = "{\"error\": ";
  if (utf8::IsValid(message)) {
    json::WriteString(message, &body);
  } else {
    json::WriteString(PathForLog(message, message.size()), &body);
  }
  body.push_back('}');
  return JsonResponse(status, std::move(body));
}

Response MethodNotAllowed(std::string_view method, std::string_view allow) {
  Response response = JsonError(405, "Method " + Quoted(method) + " not allowed; use " + std::string(allow));
  response.AddHeader("Allow", std::string(allow));
  return response;
}

std::string Quoted(std::string_view client_text) {
  // Markup characters too: a message may end up in a browser.
  std::string safe = PathForLog(client_text, 200);
  std::string out;
  out.reserve(safe.size());
  for (char c : safe) {
    switch (c) {
      case '<': out += "%3C"; break;
      case '>': out += "%3E"; break;
      case '&': out += "%26"; break;
      case '\'': out += "%27"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace buildhub::http
