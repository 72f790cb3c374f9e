// Request and Response: what the HTTP transport (server.cc) hands to the
// application (router.cc) and gets back. They know nothing of Boost.Beast so
// handlers can be read, and tested, without the transport.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace buildhub::http {

struct Request {
  std::string_view method;  // as sent ("GET", "POST", "PURGE", ...)
  std::string_view target;  // the raw request target ("/api/search?x=1")
  std::string path;         // percent-decoded path, without the query; may hold any bytes but NUL
  std::string_view query;   // the raw query string after '?', or ""
  std::string_view body;
  // Header fields in arrival order; names as sent (compare case-insensitively).
  std::vector<std::pair<std::string_view, std::string_view>> headers;

  // The first field with this name (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type (304, empty 200s)
  std::string body;
  // Extra header fields. Names are string literals; values are owned.
  std::vector<std::pair<std::string_view, std::string>> headers;

  void AddHeader(std::string_view name, std::string value) {
    headers.emplace_back(name, std::move(value));
  }
  // The value of an extra header (case-sensitive name, as added), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
};

// The application side of the server: turns one request into one response.
// Called concurrently from the server's worker threads.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual void Handle(const Request& request, Response* response) = 0;
};

// Case-insensitive ASCII comparison, for header names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace buildhub::http
