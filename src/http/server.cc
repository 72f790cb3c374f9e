// The transport: accept loop, per-connection sessions, limits and shutdown.
// Every Beast/Asio detail of the service lives in this file.
#include "http/server.h"

#include <atomic>
#include <csignal>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/json.h"
#include "core/log.h"
#include "http/url.h"

namespace buildhub::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string_view ToStd(beast::string_view s) { return {s.data(), s.size()}; }
beast::string_view ToBeast(std::string_view s) { return {s.data(), s.size()}; }

// "Sun, 06 Nov 1994 08:49:37 GMT", recomputed at most once a second per thread.
std::string_view HttpDateNow() {
  thread_local std::time_t cached_second = 0;
  thread_local char cached[40];
  thread_local size_t cached_len = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm;
    gmtime_r(&now, &tm);
    cached_len = std::strftime(cached, sizeof(cached), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return {cached, cached_len};
}

std::string JsonError(std::string_view message) {
  std::string body = "{\"error\": ";
  json::WriteString(message, &body);
  body.push_back('}');
  return body;
}

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

class ServerImpl;

// One connection. All its handlers run on the connection's strand, one at a
// time, so it needs no locks.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerImpl* server);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start();
  // Posted to the strand when the server begins shutting down.
  void OnServerStopping();
  // After the workers are gone: close the socket from the stopping thread.
  void ForceClose() { CloseNow(); }
  beast::tcp_stream::executor_type executor() { return stream_.get_executor(); }

 private:
  enum class State { kIdle, kReading, kBusy, kClosing };

  void WaitForRequest();
  void OnIdleRead(beast::error_code ec, size_t bytes);
  void ReadRequest();
  void OnHeader(beast::error_code ec, size_t bytes);
  void OnContinueWritten(beast::error_code ec, size_t bytes);
  void ReadBody();
  void OnRequest(beast::error_code ec, size_t bytes);
  void HandleReadError(beast::error_code ec);
  void Process();
  void SendResponse(Response response, unsigned version, bool head, bool keep_alive);
  void SendError(int status, std::string_view message);
  void OnWrite(bool keep_alive, bool linger, beast::error_code ec, size_t bytes);
  void LingeringClose();
  void OnLingerRead(beast::error_code ec, size_t bytes);
  void CloseNow();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  ServerImpl* server_;
  State state_ = State::kIdle;
  size_t lingered_bytes_ = 0;
};

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& options, RequestHandler* handler)
      : options_(options),
        handler_(handler),
        control_(asio::make_strand(ioc_)),
        acceptor_(control_),
        grace_timer_(control_),
        accept_retry_timer_(control_) {}

  // Stops gracefully; whatever the io_context still holds afterwards is
  // destroyed with it (finished_ keeps those sessions from posting).
  ~ServerImpl() override { Stop(); }

  Status Listen(const ListenAddress& address);

  uint16_t port() const override { return bound_.port(); }
  std::string address() const override {
    if (bound_.address().is_v6()) return "[" + bound_.address().to_string() + "]:" + std::to_string(bound_.port());
    return bound_.address().to_string() + ":" + std::to_string(bound_.port());
  }

  void Shutdown() override;
  void Wait() override;
  void Stop() override {
    Shutdown();
    Wait();
  }
  size_t open_connections() const override { return open_.load(std::memory_order_relaxed); }

  // Used by sessions.
  const ServerOptions& options() const { return options_; }
  RequestHandler* handler() const { return handler_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void Register(Session* session, std::weak_ptr<Session> weak);
  void Unregister(Session* session);

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void Reject(tcp::socket& socket);
  void BeginShutdownOnStrand();

  const ServerOptions options_;
  RequestHandler* const handler_;
  tcp::endpoint bound_;

  // Declared before ioc_ so that they outlive it: destroying the io_context
  // destroys the sessions it still holds, and their destructors use these.
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::atomic<size_t> open_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> finished_{false};

  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> control_;  // acceptor, timers, signals
  tcp::acceptor acceptor_;
  asio::steady_timer grace_timer_;
  asio::steady_timer accept_retry_timer_;
  std::optional<asio::signal_set> signals_;

  std::mutex threads_mu_;
  std::vector<std::thread> threads_;
};

// ---------------------------------------------------------------------------
// Session

Session::Session(tcp::socket socket, ServerImpl* server)
    : stream_(std::move(socket)), server_(server) {}

Session::~Session() { server_->Unregister(this); }

void Session::Start() {
  server_->Register(this, weak_from_this());
  asio::dispatch(stream_.get_executor(),
                 beast::bind_front_handler(&Session::WaitForRequest, shared_from_this()));
}

void Session::OnServerStopping() {
  // An idle connection has nothing in flight: close it now. Busy ones close
  // after their response (keep-alive is off once stopping).
  if (state_ == State::kIdle) {
    beast::error_code ec;
    stream_.socket().cancel(ec);
  }
}

void Session::WaitForRequest() {
  if (buffer_.size() > 0) {  // a pipelined request is already here
    ReadRequest();
    return;
  }
  state_ = State::kIdle;
  if (server_->stopping()) {
    CloseNow();
    return;
  }
  // Wait for the first byte under the idle timeout; the request deadline
  // starts when the request does.
  stream_.expires_after(server_->options().idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096),
                          beast::bind_front_handler(&Session::OnIdleRead, shared_from_this()));
}

void Session::OnIdleRead(beast::error_code ec, size_t bytes) {
  if (ec) {
    CloseNow();
    return;
  }
  buffer_.commit(bytes);
  ReadRequest();
}

void Session::ReadRequest() {
  state_ = State::kReading;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_->options().max_header_bytes));
  parser_->body_limit(server_->options().max_body_bytes);
  stream_.expires_after(server_->options().request_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
}

void Session::OnHeader(beast::error_code ec, size_t) {
  if (ec) {
    HandleReadError(ec);
    return;
  }
  if (parser_->is_done()) {
    OnRequest({}, 0);
    return;
  }
  // curl and others wait (up to a second) for "100 Continue" before sending
  // a large body; answering it saves them the wait.
  auto expect = parser_->get()[bhttp::field::expect];
  if (beast::iequals(expect, "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      beast::bind_front_handler(&Session::OnContinueWritten, shared_from_this()));
    return;
  }
  ReadBody();
}

void Session::OnContinueWritten(beast::error_code ec, size_t) {
  if (ec) {
    CloseNow();
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&Session::OnRequest, shared_from_this()));
}

void Session::OnRequest(beast::error_code ec, size_t) {
  if (ec) {
    HandleReadError(ec);
    return;
  }
  state_ = State::kBusy;
  stream_.expires_never();
  Process();
}

void Session::HandleReadError(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    SendError(413, "Request body too large (limit " +
                       std::to_string(server_->options().max_body_bytes) + " bytes)");
  } else if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    SendError(431, "Request header fields too large (limit " +
                       std::to_string(server_->options().max_header_bytes) + " bytes)");
  } else if (IsHttpParseError(ec) && ec != bhttp::error::end_of_stream &&
             ec != bhttp::error::partial_message && ec != bhttp::error::need_more) {
    SendError(400, "Bad request: " + ec.message());
  } else {
    // End of stream, timeout (the stream already closed the socket), reset.
    CloseNow();
  }
}

void Session::Process() {
  auto& message = parser_->get();
  const bool head = message.method() == bhttp::verb::head;
  const unsigned version = message.version();

  if (version >= 11 && message.find(bhttp::field::host) == message.end()) {
    SendError(400, "Bad request: HTTP/1.1 requires a Host header");  // RFC 7230 §5.4
    return;
  }
  Request request;
  request.method = ToStd(message.method_string());
  request.target = ToStd(message.target());
  std::string_view raw_path;
  if (Status s = SplitTarget(request.target, &raw_path, &request.query); !s.ok()) {
    SendError(400, s.message());
    return;
  }
  auto path = DecodePath(raw_path);
  if (!path.ok()) {
    SendError(400, path.status().message());
    return;
  }
  request.path = std::move(*path);
  request.headers.reserve(16);
  for (const auto& field : message) {
    request.headers.emplace_back(ToStd(field.name_string()), ToStd(field.value()));
  }
  request.body = message.body();

  Response response;
  try {
    server_->handler()->Handle(request, &response);
  } catch (const std::exception& e) {
    log::Error("http", "Handler failed on {}: {}", PathForLog(request.path), e.what());
    response = Response();
    response.status = 500;
    response.content_type = "application/json";
    response.body = JsonError("Internal server error");
  } catch (...) {
    log::Error("http", "Handler failed on {} (unknown exception)", PathForLog(request.path));
    response = Response();
    response.status = 500;
    response.content_type = "application/json";
    response.body = JsonError("Internal server error");
  }
  // Decided after the handler: a shutdown that began meanwhile ends the
  // connection after this response.
  const bool keep_alive = message.keep_alive() && !server_->stopping();
  SendResponse(std::move(response), version, head, keep_alive);
}

void Session::SendResponse(Response response, unsigned version, bool head, bool keep_alive) {
  response_ = {};
  response_.version(version == 10 ? 10 : 11);
  response_.result(static_cast<unsigned>(response.status));
  response_.set(bhttp::field::date, ToBeast(HttpDateNow()));
  if (!response.content_type.empty()) {
    response_.set(bhttp::field::content_type, ToBeast(response.content_type));
  }
  for (auto& [name, value] : response.headers) {
    response_.insert(ToBeast(name), ToBeast(value));
  }
  const int status = response.status;
  const bool no_body = (status >= 100 && status < 200) || status == 204 || status == 304;
  if (no_body) {
    response_.body().clear();
  } else if (head) {
    // HEAD: the length the GET would have, and no body.
    response_.content_length(response.body.size());
  } else {
    response_.body() = std::move(response.body);
    response_.content_length(response_.body().size());
  }
  response_.keep_alive(keep_alive);
  stream_.expires_after(server_->options().write_timeout);
  bhttp::async_write(stream_, response_,
                     beast::bind_front_handler(&Session::OnWrite, shared_from_this(), keep_alive,
                                               /*linger=*/false));
}

void Session::SendError(int status, std::string_view message) {
  state_ = State::kClosing;
  response_ = {};
  response_.version(11);
  response_.result(static_cast<unsigned>(status));
  response_.set(bhttp::field::date, ToBeast(HttpDateNow()));
  response_.set(bhttp::field::content_type, "application/json");
  response_.set("X-Content-Type-Options", "nosniff");
  response_.body() = JsonError(message);
  response_.content_length(response_.body().size());
  response_.keep_alive(false);
  log::Info("request.summary", "- - {} 0.000ms ({})", status, message);
  stream_.expires_after(server_->options().write_timeout);
  bhttp::async_write(stream_, response_,
                     beast::bind_front_handler(&Session::OnWrite, shared_from_this(),
                                               /*keep_alive=*/false, /*linger=*/true));
}

void Session::OnWrite(bool keep_alive, bool linger, beast::error_code ec, size_t) {
  if (ec) {
    CloseNow();
    return;
  }
  if (linger) {
    LingeringClose();
  } else if (!keep_alive || server_->stopping()) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    CloseNow();
  } else {
    WaitForRequest();
  }
}

// After an error response the client may still be sending (a body we refused
// to read). Closing at once would reset the connection and could destroy the
// response before the client reads it, so half-close, then read and discard
// for a short, bounded while.
void Session::LingeringClose() {
  state_ = State::kClosing;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  buffer_.consume(buffer_.size());
  lingered_bytes_ = 0;
  stream_.expires_after(std::chrono::seconds(2));
  stream_.async_read_some(buffer_.prepare(16384),
                          beast::bind_front_handler(&Session::OnLingerRead, shared_from_this()));
}

void Session::OnLingerRead(beast::error_code ec, size_t bytes) {
  lingered_bytes_ += bytes;
  if (ec || lingered_bytes_ > (4u << 20)) {
    CloseNow();
    return;
  }
  stream_.async_read_some(buffer_.prepare(16384),
                          beast::bind_front_handler(&Session::OnLingerRead, shared_from_this()));
}

void Session::CloseNow() {
  state_ = State::kClosing;
  beast::error_code ignored;
  stream_.socket().close(ignored);
}

// ---------------------------------------------------------------------------
// ServerImpl

Status ServerImpl::Listen(const ListenAddress& address) {
  beast::error_code ec;
  auto ip = asio::ip::make_address(address.host, ec);
  if (ec) return InvalidArgument("Invalid listen address '" + options_.listen + "': " + ec.message());
  tcp::endpoint endpoint(ip, address.port);
  auto fail = [&](std::string_view what) {
    return Unavailable("Cannot " + std::string(what) + " " + options_.listen + ": " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("open a socket for");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("set SO_REUSEADDR on");
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("bind to");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen on");
  bound_ = acceptor_.local_endpoint(ec);
  if (ec) return fail("read the bound address of");

  if (options_.stop_on_signals) {
    signals_.emplace(control_, SIGINT, SIGTERM);
    signals_->async_wait([this](beast::error_code sec, int signal) {
      if (sec) return;
      log::Info("http", "Received signal {}; shutting down gracefully", signal);
      Shutdown();
    });
  }

  asio::dispatch(control_, [this] { DoAccept(); });

  int threads = options_.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(4u, 2 * std::thread::hardware_concurrency()));
  std::lock_guard lock(threads_mu_);
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          // Nothing should throw out of a handler; if something does, keep
          // the worker alive rather than lose a thread per incident.
          log::Error("http", "Worker caught an exception: {}", e.what());
        }
      }
    });
  }
  return Status::Ok();
}

void ServerImpl::DoAccept() {
  acceptor_.async_accept(asio::make_strand(ioc_),
                         asio::bind_executor(control_, beast::bind_front_handler(&ServerImpl::OnAccept, this)));
}

void ServerImpl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping() || ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of file descriptors and the like: back off briefly instead of
    // spinning, then keep accepting.
    log::Warn("http", "accept failed on {}: {}", address(), ec.message());
    accept_retry_timer_.expires_after(std::chrono::milliseconds(50));
    accept_retry_timer_.async_wait([this](beast::error_code tec) {
      if (!tec && !stopping()) DoAccept();
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (open_.load(std::memory_order_relaxed) >= options_.max_connections) {
    Reject(socket);
  } else {
    std::make_shared<Session>(std::move(socket), this)->Start();
  }
  DoAccept();
}

// Over the connection cap: a best-effort 503 without blocking, then close.
void ServerImpl::Reject(tcp::socket& socket) {
  static constexpr std::string_view kBody = "{\"error\": \"Too many open connections\"}";
  static const std::string kResponse =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(kBody.size()) + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + std::string(kBody);
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kResponse), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void ServerImpl::Register(Session* session, std::weak_ptr<Session> weak) {
  open_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(sessions_mu_);
  sessions_.emplace(session, std::move(weak));
}

void ServerImpl::Unregister(Session* session) {
  {
    std::lock_guard lock(sessions_mu_);
    if (sessions_.erase(session) == 0) return;  // never started
  }
  size_t left = open_.fetch_sub(1, std::memory_order_acq_rel) - 1;
  if (left == 0 && stopping() && !finished_.load(std::memory_order_acquire)) {
    asio::post(control_, [this] {
      if (open_.load(std::memory_order_acquire) == 0) grace_timer_.cancel();
    });
  }
}

void ServerImpl::Shutdown() {
  if (stopping_.exchange(true, std::memory_order_acq_rel)) return;
  if (finished_.load(std::memory_order_acquire)) return;
  asio::post(control_, [this] { BeginShutdownOnStrand(); });
}

void ServerImpl::BeginShutdownOnStrand() {
  beast::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_timer_.cancel();
  if (signals_) signals_->cancel(ignored);

  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mu_);
    live.reserve(sessions_.size());
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) {
    // Each session reacts on its own strand.
    asio::post(s->executor(), [s] { s->OnServerStopping(); });
  }
  grace_timer_.expires_after(options_.shutdown_grace);
  grace_timer_.async_wait([this](beast::error_code ec) {
    if (ec) return;  // cancelled: every connection finished in time
    if (open_.load() > 0) {
      log::Warn("http", "Shutdown grace period over; closing {} connection(s)", open_.load());
    }
    ioc_.stop();
  });
  if (open_.load(std::memory_order_acquire) == 0) grace_timer_.cancel();
}

void ServerImpl::Wait() {
  std::lock_guard lock(threads_mu_);
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  // Connections still open after the grace period: close them now rather
  // than when the server object is destroyed. No worker runs any more, so
  // this thread may touch the sessions; running the handlers their aborted
  // operations queued releases them.
  std::vector<std::shared_ptr<Session>> left;
  {
    std::lock_guard sessions_lock(sessions_mu_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) left.push_back(std::move(s));
    }
  }
  for (auto& s : left) s->ForceClose();
  left.clear();
  ioc_.restart();
  for (int i = 0; i < 1000 && ioc_.poll() > 0; ++i) {
  }
  finished_.store(true, std::memory_order_release);
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, RequestHandler* handler) {
  if (handler == nullptr) return InvalidArgument("Server::Start needs a request handler");
  auto address = ParseListenAddress(options.listen);
  if (!address.ok()) return address.status();
  auto server = std::make_unique<ServerImpl>(options, handler);
  if (Status s = server->Listen(*address); !s.ok()) return s;
  log::Info("http", "Listening on http://{}/", server->address());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace buildhub::http
