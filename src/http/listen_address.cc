// HOST:PORT parsing for ServerOptions::listen.
#include <arpa/inet.h>

#include <charconv>

#include "http/server.h"

namespace buildhub::http {

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  auto fail = [&](std::string_view why) -> Status {
    return InvalidArgument("Invalid listen address '" + std::string(text) + "': " + std::string(why) +
                           " (expected HOST:PORT, e.g. 127.0.0.1:8000 or [::1]:8000)");
  };
  ListenAddress out;
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return fail("missing ']'");
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest[0] != ':') return fail("missing ':PORT' after ']'");
    port = rest.substr(1);
    in6_addr a6;
    if (!std::string(host).empty() && inet_pton(AF_INET6, std::string(host).c_str(), &a6) != 1) {
      return fail("not an IPv6 address");
    }
    if (host.empty()) return fail("empty IPv6 address");
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail("missing ':PORT'");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return fail("IPv6 addresses need brackets");
    if (host.empty()) {
      host = "0.0.0.0";
    } else if (host == "localhost") {
      host = "127.0.0.1";
    }
    in_addr a4;
    if (inet_pton(AF_INET, std::string(host).c_str(), &a4) != 1) {
      return fail("not an IPv4 address literal");
    }
  }
  if (port.empty()) return fail("empty port");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return fail("port must be a number from 0 to 65535");
  }
  out.host = std::string(host);
  out.port = static_cast<uint16_t>(value);
  return out;
}

}  // namespace buildhub::http
