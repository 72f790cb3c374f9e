// Server: the HTTP/1.1 transport of `buildhub serve` (Boost.Beast over Asio).
//
// One io_context run by a pool of worker threads; each connection is a chain
// of asynchronous reads and writes on its own strand, so thousands of idle or
// slow connections cost memory, not threads. Requests on one connection are
// answered one at a time, in order (keep-alive and pipelining are safe).
// Hostile clients are bounded: header and body size limits, a deadline for
// each request to arrive in full (slowloris), an idle keep-alive timeout, a
// write timeout, and a cap on open connections.
//
//   http::Router router(context);
//   http::ServerOptions options;
//   options.listen = "127.0.0.1:8000";
//   auto server = http::Server::Start(options, &router);
//   if (!server.ok()) { ... server.status().message() ... }
//   (*server)->Wait();   // returns after Stop(), or SIGTERM/SIGINT if asked
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/request.h"

namespace buildhub::http {

struct ServerOptions {
  // HOST:PORT with a literal address: "127.0.0.1:8000", "0.0.0.0:8000",
  // "[::1]:8000", "[::]:8000"; "localhost:PORT" means 127.0.0.1. Port 0 picks
  // a free port (see Server::port()).
  std::string listen = "127.0.0.1:8000";
  // Worker threads; 0 means two per core, at least 4. More threads than
  // cores so that a few slow searches (each may run up to the engine's time
  // budget) cannot hold every worker while quick requests wait; the kernel
  // time-slices them instead.
  int threads = 0;
  size_t max_header_bytes = 16 * 1024; // request line + header fields; above: 431
  size_t max_body_bytes = 1 << 20;     // above: 413
  // From the first byte of a request to its last: a request that trickles in
  // is cut at this deadline (slowloris).
  std::chrono::milliseconds request_timeout{10000};
  // How long an open connection may sit without a request starting.
  std::chrono::milliseconds idle_timeout{30000};
  // How long writing one response may take (a client that stops reading;
  // generous, since a large search answer to a slow client is legitimate).
  std::chrono::milliseconds write_timeout{30000};
  // Open connections beyond this get a 503 and are closed at once.
  size_t max_connections = 10000;
  // Stop(): how long in-flight requests get to finish.
  std::chrono::milliseconds shutdown_grace{10000};
  // Stop gracefully on SIGTERM or SIGINT (for `buildhub serve`; tests leave
  // signals alone).
  bool stop_on_signals = false;
};

// Parses ServerOptions::listen; errors name the text.
struct ListenAddress {
  std::string host;  // the literal address, without brackets
  uint16_t port = 0;
};
Result<ListenAddress> ParseListenAddress(std::string_view text);

class Server {
 public:
  // Binds, listens and starts the worker threads. `handler` must outlive the
  // server. Errors (bad address, port in use) name the address.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                               RequestHandler* handler);

  virtual ~Server() = default;  // stops, as Stop() does

  // The bound port (useful with port 0) and the address, e.g. "127.0.0.1:41234".
  virtual uint16_t port() const = 0;
  virtual std::string address() const = 0;

  // Begins a graceful shutdown and returns at once: stop accepting, close
  // idle connections, let requests in flight finish (no keep-alive after
  // them), and after `shutdown_grace` close whatever is left. Thread-safe,
  // idempotent, callable from a handler.
  virtual void Shutdown() = 0;
  // Blocks until the shutdown has finished and the worker threads are gone.
  // Must not be called from a handler.
  virtual void Wait() = 0;
  // Shutdown() then Wait().
  virtual void Stop() = 0;

  // Connections open right now (for tests and the heartbeat).
  virtual size_t open_connections() const = 0;
};

}  // namespace buildhub::http
