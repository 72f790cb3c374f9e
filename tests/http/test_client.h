// A tiny blocking HTTP/1.1 client over real loopback sockets, for the HTTP
// tests. Deliberately independent of Beast, so the server is checked by a
// different parser than the one it uses. Every read has a timeout, so a
// broken server fails a test instead of hanging it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace buildhub::http::testing {

struct ClientResponse {
  int status = 0;
  std::string status_line;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First header with this name (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          })) {
        return v;
      }
    }
    return std::nullopt;
  }
  bool HasHeader(std::string_view name) const { return Header(name).has_value(); }
};

class TestClient {
 public:
  explicit TestClient(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : timeout_(timeout) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd_);
      fd_ = -1;
      return;
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~TestClient() {
    if (fd_ >= 0) close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;
  TestClient(TestClient&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), timeout_(other.timeout_), buffer_(std::move(other.buffer_)) {}

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  // Sends all bytes; false if the connection is gone.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response. `head`: the response to a HEAD has no body whatever
  // its Content-Length says. nullopt on timeout, close or garbage.
  std::optional<ClientResponse> ReadResponse(bool head = false) {
    for (;;) {
      ClientResponse r;
      size_t end = buffer_.find("\r\n\r\n");
      while (end == std::string::npos) {
        if (!Fill()) return std::nullopt;
        end = buffer_.find("\r\n\r\n");
      }
      std::string head_text = buffer_.substr(0, end);
      buffer_.erase(0, end + 4);
      size_t line_end = head_text.find("\r\n");
      r.status_line = head_text.substr(0, line_end);
      if (r.status_line.size() < 12 || r.status_line.compare(0, 5, "HTTP/") != 0) return std::nullopt;
      r.status = std::atoi(r.status_line.c_str() + 9);
      size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
      while (pos < head_text.size()) {
        size_t next = head_text.find("\r\n", pos);
        if (next == std::string::npos) next = head_text.size();
        std::string line = head_text.substr(pos, next - pos);
        size_t colon = line.find(':');
        if (colon != std::string::npos) {
          size_t v = line.find_first_not_of(' ', colon + 1);
          r.headers.emplace_back(line.substr(0, colon), v == std::string::npos ? "" : line.substr(v));
        }
        pos = next + 2;
      }
      if (r.status >= 100 && r.status < 200) continue;  // 100 Continue: the real answer follows
      if (head || r.status == 204 || r.status == 304) return r;
      auto length = r.Header("Content-Length");
      if (length) {
        size_t want = std::stoul(*length);
        while (buffer_.size() < want) {
          if (!Fill()) return std::nullopt;
        }
        r.body = buffer_.substr(0, want);
        buffer_.erase(0, want);
      } else {
        while (Fill()) {
        }
        r.body = std::move(buffer_);
        buffer_.clear();
      }
      return r;
    }
  }

  // One request/response. Adds Host and, with a body, Content-Length.
  std::optional<ClientResponse> Request(std::string_view method, std::string_view target,
                                        std::string_view body = {},
                                        const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    if (!Send(Format(method, target, body, headers))) return std::nullopt;
    return ReadResponse(method == "HEAD");
  }

  static std::string Format(std::string_view method, std::string_view target, std::string_view body = {},
                            const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    std::string out;
    out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (const auto& [n, v] : headers) out.append(n).append(": ").append(v).append("\r\n");
    if (!body.empty() || method == "POST") out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    out.append("\r\n").append(body);
    return out;
  }

  // True when the server closes the connection (EOF or reset) within
  // `within`; unread response bytes are discarded.
  bool WaitForClose(std::chrono::milliseconds within) {
    auto deadline = std::chrono::steady_clock::now() + within;
    char chunk[4096];
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      int rc = poll(&p, 1, static_cast<int>(left.count()));
      if (rc < 0 && errno == EINTR) continue;
      if (rc <= 0) return false;
      ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return true;
    }
  }

  // Whatever bytes arrive until the peer closes or `within` passes.
  std::string ReadAll(std::chrono::milliseconds within) {
    auto deadline = std::chrono::steady_clock::now() + within;
    std::string out = std::move(buffer_);
    buffer_.clear();
    char chunk[4096];
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return out;
      pollfd p{fd_, POLLIN, 0};
      int rc = poll(&p, 1, static_cast<int>(left.count()));
      if (rc < 0 && errno == EINTR) continue;
      if (rc <= 0) return out;
      ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return out;
      out.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  bool Fill() {
    pollfd p{fd_, POLLIN, 0};
    for (;;) {
      int rc = poll(&p, 1, static_cast<int>(timeout_.count()));
      if (rc < 0 && errno == EINTR) continue;
      if (rc <= 0) return false;
      break;
    }
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

// One-shot convenience: a fresh connection per call.
inline std::optional<ClientResponse> Fetch(uint16_t port, std::string_view method, std::string_view target,
                                           std::string_view body = {},
                                           const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  TestClient client(port);
  if (!client.connected()) return std::nullopt;
  return client.Request(method, target, body, headers);
}

}  // namespace buildhub::http::testing
