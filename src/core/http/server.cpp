#include "core/http/server.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>

#include "base/log.hpp"
#include "base/waiter.hpp"
#include "core/http/websocket.hpp"
#include "core/http/ws_connection.hpp"
#include "core/http/ws_handshake.hpp"

// g++ 12 reports Asio's coroutine frames (allocated by the promise's own
// operator new, freed by its matching delete) as mismatched: a known false
// positive of -Wmismatched-new-delete with coroutines.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace ruche::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

// Parses a request straight into a ruche::http::Request: no Beast fields
// container, no copies. The body goes either into Request::body (buffered
// routes) or into the buffer a StreamBodyReader lends it.
class RequestParser final : public bhttp::basic_parser<true> {
 public:
  explicit RequestParser(Request& req) : req_(req) {}

  int version() const { return version_; }
  // Buffered routes: append the body to Request::body.
  void buffer_body() { sink_ = nullptr; }
  // Streaming routes: copy into [out, out + size); need_buffer when full.
  void lend(char* out, std::size_t size) {
    sink_ = out;
    sink_size_ = size;
    sink_used_ = 0;
  }
  std::size_t lent_used() const { return sink_used_; }

 private:
  void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target,
                       int version, beast::error_code&) override {
    req_.method.assign(method.data(), method.size());
    req_.target.assign(target.data(), target.size());
    version_ = version;
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value,
                     beast::error_code&) override {
    req_.headers.add(std::string_view(name.data(), name.size()),
                     std::string_view(value.data(), value.size()));
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, beast::error_code&) override {}
  std::size_t on_body_impl(beast::string_view body, beast::error_code& ec) override {
    if (!sink_) {
      req_.body.append(body.data(), body.size());
      return body.size();
    }
    std::size_t n = std::min(body.size(), sink_size_ - sink_used_);
    std::memcpy(sink_ + sink_used_, body.data(), n);
    sink_used_ += n;
    if (n < body.size()) ec = bhttp::error::need_buffer;
    return n;
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                 beast::error_code& ec) override {
    return on_body_impl(body, ec);
  }
  void on_finish_impl(beast::error_code&) override {}

  Request& req_;
  int version_ = 11;
  char* sink_ = nullptr;
  std::size_t sink_size_ = 0;
  std::size_t sink_used_ = 0;
};

namespace {

std::chrono::milliseconds ms(int v) { return std::chrono::milliseconds(v); }

}  // namespace

struct Loop;

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Book-keeping for one connection, owned by its coroutine, touched only on
// its loop's thread. Timeouts are deadlines checked by the loop's sweep (no
// timer per connection: arming one is a store, not a syscall).
struct ConnState {
  tcp::socket* socket = nullptr;
  bool idle = true;  // waiting for a request head: safe to close on stop()
  bool non_blocking = false;  // the socket's own mode set (for sendfile)
  std::int64_t deadline_ms = INT64_MAX;
  void arm(int timeout_ms) { deadline_ms = steady_now_ms() + timeout_ms; }
  void disarm() { deadline_ms = INT64_MAX; }
};

struct Loop {
  net::io_context ctx{1};
  std::optional<tcp::acceptor> acceptor;
  std::unordered_set<ConnState*> conns;
  std::unordered_set<WsConnection*> websockets;
  std::optional<net::steady_timer> sweep;
  std::optional<net::steady_timer> grace;
  bool draining = false;
};

struct Server::Impl {
  ServerConfig config;
  const Router& router;
  WorkerPool& workers;
  std::vector<std::unique_ptr<Loop>> loops;
  std::uint16_t bound_port = 0;
  std::function<void(const RequestRecord&)> observer;
  Headers default_headers;
  std::atomic<std::int64_t> connections{0};
  std::atomic<std::int64_t> websockets{0};
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<bool> stopping{false};
  std::optional<net::signal_set> signals;

  Impl(ServerConfig c, const Router& r, WorkerPool& w) : config(std::move(c)), router(r), workers(w) {}

  awaitable<void> accept_loop(Loop& loop);
  awaitable<void> session(Loop& loop, tcp::socket socket);
  awaitable<void> sweep(Loop& loop);
  void begin_stop(Loop& loop);
  void drop_connections(Loop& loop);
  void conn_closed(Loop& loop) {
    if (loop.draining && loop.conns.empty() && loop.websockets.empty() && loop.grace)
      loop.grace->cancel();
  }
};

// Runs `fn` on the worker pool and resumes the coroutine on its own executor.
template <class R, class F>
awaitable<R> on_worker(WorkerPool& pool, F fn) {
  auto ex = co_await net::this_coro::executor;
  co_return co_await net::async_initiate<decltype(use_awaitable), void(R)>(
      [&pool, ex](auto handler, F f) {
        pool.submit([handler = std::move(handler), f = std::move(f), ex]() mutable {
          R r = f();
          net::post(ex, [handler = std::move(handler), r = std::move(r)]() mutable {
            std::move(handler)(std::move(r));
          });
        });
      },
      use_awaitable, std::move(fn));
}

// Streamed bodies up to this size are read before the handler runs.
constexpr std::uint64_t kReadAheadBodyBytes = 64 << 10;

// A streamed route's body already read into Request::body.
class MemoryBodyReader final : public BodyReader {
 public:
  explicit MemoryBodyReader(std::string_view body) : body_(body) {}

  Result<std::size_t> read(char* out, std::size_t size) override {
    std::size_t n = std::min(size, body_.size() - at_);
    if (n) std::memcpy(out, body_.data() + at_, n);
    at_ += n;
    return n;
  }
  std::optional<std::uint64_t> content_length() const override { return body_.size(); }

 private:
  std::string_view body_;
  std::size_t at_ = 0;
};

// Streams a request body to a handler on a worker thread.
//
// The first reads go through the I/O thread (it sends a pending 100 Continue
// and drains what the head's read left in the buffer). Then a body of known
// length whose bytes are all still in the socket is read by the worker
// itself, straight into the handler's buffer: the connection's coroutine is
// suspended until the handler returns, so nothing else touches the socket.
// Through the I/O thread, each read of up to 64 KiB cost two thread
// hand-offs and a copy (a 1 GiB PUT: ~55,000 context switches). Meanwhile the
// socket is taken out of the I/O thread's epoll set (released, then assigned
// back when the body ends or the handler returns), or every arrival of bytes
// would wake that thread for nothing (~6,000 wake-ups per GiB).
class StreamBodyReader final : public BodyReader {
 public:
  StreamBodyReader(tcp::socket& stream, ConnState& state, beast::flat_buffer& buf,
                   RequestParser& parser, int timeout_ms, bool expect_continue)
      : stream_(stream),
        state_(state),
        buf_(buf),
        parser_(parser),
        timeout_ms_(timeout_ms),
        expect_continue_(expect_continue) {
    // Beast sizes each socket read by the buffer's free capacity (at least
    // 512 bytes, at most 64 KiB); the buffer that held the head would keep
    // body reads at a few hundred bytes, one worker hand-off each.
    buf_.reserve(buf_.size() + 64 * 1024);
  }

  Result<std::size_t> read(char* out, std::size_t size) override {
    if (error_) return tl::unexpected<Error>(*error_);
    if (parser_.is_done() || size == 0) return std::size_t{0};
    if (direct_ || can_read_directly()) return read_directly(out, size);
    Waiter waiter;
    std::size_t got = 0;
    beast::error_code ec;
    net::post(stream_.get_executor(), [&] { start(out, size, got, ec, waiter); });
    waiter.wait();
    if (ec) {
      if (ec == bhttp::error::body_limit)
        error_ = Error{Errc::too_large, "request body too large", ""};
      else if (ec == bhttp::error::bad_chunk || ec == bhttp::error::bad_chunk_extension)
        error_ = Error{Errc::invalid, "malformed chunked body", ""};
      else
        return fail_body();
      return tl::unexpected<Error>(*error_);
    }
    bytes_ += got;
    return got;
  }

  std::optional<std::uint64_t> content_length() const override {
    auto n = parser_.content_length();
    if (!n) return std::nullopt;
    return static_cast<std::uint64_t>(*n);
  }

  std::uint64_t bytes() const { return bytes_; }
  bool failed() const { return error_.has_value(); }
  // The whole body was read (the parser does not see the bytes read directly).
  bool complete() const { return parser_.is_done() || (direct_ && direct_left_ == 0 && !error_); }

  // On the I/O thread: the socket back in its reactor after direct reads
  // (when the handler returns without reading the body to its end). If that
  // fails the socket is closed, and so is the connection.
  void reattach() {
    if (released_ < 0) return;
    beast::error_code ec;
    stream_.assign(protocol_, released_, ec);
    if (ec) ::close(released_);
    released_ = -1;
    state_.non_blocking = false;  // the stream's own flags start afresh
  }

 private:
  bool can_read_directly() const {
    return !expect_continue_ && !parser_.chunked() && buf_.size() == 0 &&
           parser_.content_length_remaining().has_value();
  }

  // On the worker thread, from the first direct read on.
  Result<std::size_t> read_directly(char* out, std::size_t size) {
    if (!direct_) {
      direct_ = true;
      direct_left_ = *parser_.content_length_remaining();
      // The connection's deadline belongs to the I/O thread's sweep, which
      // would close the socket under this thread: the poll below times out
      // instead.
      on_io_thread([this] {
        state_.disarm();
        beast::error_code ec;
        protocol_ = stream_.local_endpoint(ec).protocol();
        if (!ec) released_ = stream_.release(ec);
        if (ec) released_ = -1;
      });
      if (released_ < 0) return fail_body();
    }
    if (direct_left_ == 0) return std::size_t{0};
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(size, direct_left_));
    while (true) {
      ssize_t n = ::recv(released_, out, want, MSG_DONTWAIT);
      if (n > 0) {
        direct_left_ -= static_cast<std::uint64_t>(n);
        bytes_ += static_cast<std::uint64_t>(n);
        if (direct_left_ == 0) on_io_thread([this] { reattach(); });
        return static_cast<std::size_t>(n);
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{released_, POLLIN, 0};
        int r = ::poll(&p, 1, timeout_ms_);
        if (r > 0 || (r < 0 && errno == EINTR)) continue;
      }
      // 0: the client closed before the end; a poll timeout; a reset.
      on_io_thread([this] { reattach(); });
      return fail_body();
    }
  }

  template <class F>
  void on_io_thread(F fn) {
    Waiter waiter;
    net::post(stream_.get_executor(), [&] {
      fn();
      waiter.notify();
    });
    waiter.wait();
  }

  // The client went away or stalled past the timeout.
  tl::unexpected<Error> fail_body() {
    error_ = Error{Errc::unavailable, "client stopped sending the body", ""};
    return tl::unexpected<Error>(*error_);
  }

  // On the I/O thread.
  void start(char* out, std::size_t size, std::size_t& got, beast::error_code& ec,
             Waiter& waiter) {
    if (expect_continue_) {
      expect_continue_ = false;
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      state_.arm(timeout_ms_);
      net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                       [this, out, size, &got, &ec, &waiter](beast::error_code e, std::size_t) {
                         if (e) {
                           ec = e;
                           waiter.notify();
                           return;
                         }
                         read_some(out, size, got, ec, waiter);
                       });
      return;
    }
    read_some(out, size, got, ec, waiter);
  }

  void read_some(char* out, std::size_t size, std::size_t& got, beast::error_code& ec,
                 Waiter& waiter) {
    parser_.lend(out, size);
    state_.arm(timeout_ms_);
    bhttp::async_read_some(
        stream_, buf_, parser_,
        [this, out, size, &got, &ec, &waiter](beast::error_code e, std::size_t) {
          if (e == bhttp::error::need_buffer) e = {};
          std::size_t n = parser_.lent_used();
          if (!e && n == 0 && !parser_.is_done()) {
            read_some(out, size, got, ec, waiter);  // framing only (chunk headers)
            return;
          }
          got = n;
          ec = e;
          waiter.notify();
        });
  }

  tcp::socket& stream_;
  ConnState& state_;
  beast::flat_buffer& buf_;
  RequestParser& parser_;
  int timeout_ms_;
  bool expect_continue_;
  std::uint64_t bytes_ = 0;
  bool direct_ = false;
  std::uint64_t direct_left_ = 0;
  int released_ = -1;  // the socket, out of the reactor while read directly
  tcp protocol_ = tcp::v4();
  std::optional<Error> error_;
};

// Streams a response body from a handler on a worker thread: raw bytes
// after a Content-Length head, or chunked framing.
class StreamBodyWriter final : public BodyWriter {
 public:
  StreamBodyWriter(tcp::socket& stream, ConnState& state, bool chunked, int timeout_ms)
      : stream_(stream), state_(state), chunked_(chunked), timeout_ms_(timeout_ms) {}

  Result<void> write(std::string_view data) override {
    if (failed_) return fail(Errc::unavailable, "client went away");
    if (data.empty()) return {};
    Waiter waiter;
    beast::error_code ec;
    char size_line[24];
    int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", data.size());
    net::post(stream_.get_executor(), [&] {
      state_.arm(timeout_ms_);
      auto done = [&](beast::error_code e, std::size_t) {
        ec = e;
        waiter.notify();
      };
      if (chunked_) {
        std::array<net::const_buffer, 3> bufs{net::buffer(size_line, static_cast<std::size_t>(n)),
                                              net::buffer(data.data(), data.size()),
                                              net::buffer("\r\n", 2)};
        net::async_write(stream_, bufs, done);
      } else {
        net::async_write(stream_, net::buffer(data.data(), data.size()), done);
      }
    });
    waiter.wait();
    if (ec) {
      failed_ = true;
      return fail(Errc::unavailable, "client went away");
    }
    bytes_ += data.size();
    return {};
  }

  std::uint64_t bytes() const { return bytes_; }
  bool failed() const { return failed_; }

 private:
  tcp::socket& stream_;
  ConnState& state_;
  bool chunked_;
  int timeout_ms_;
  bool failed_ = false;
  std::uint64_t bytes_ = 0;
};

Server::Server(ServerConfig config, const Router& router, WorkerPool& workers)
    : impl_(std::make_unique<Impl>(std::move(config), router, workers)) {}

Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->bound_port; }

void Server::set_observer(std::function<void(const RequestRecord&)> observer) {
  impl_->observer = std::move(observer);
}

void Server::set_default_headers(Headers headers) { impl_->default_headers = std::move(headers); }

ServerStats Server::stats() const {
  return ServerStats{impl_->connections.load(), impl_->websockets.load(), impl_->in_flight.load()};
}

Result<void> Server::listen() {
  // sendfile() has no MSG_NOSIGNAL: a client that goes away while a body is
  // sent must be an EPIPE, not a signal that ends the process.
  std::signal(SIGPIPE, SIG_IGN);
  // Many idle WebSockets need many descriptors: take the hard limit.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  int n = impl_->config.io_threads > 0 ? impl_->config.io_threads
                                       : static_cast<int>(std::thread::hardware_concurrency());
  if (n <= 0) n = 1;
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->config.host, ec);
  if (ec) return fail(Errc::invalid, "bad listen address: " + impl_->config.host);
  std::uint16_t port = impl_->config.port;
  for (int i = 0; i < n; ++i) {
    auto loop = std::make_unique<Loop>();
    tcp::acceptor acc(loop->ctx);
    tcp::endpoint ep(address, port);
    acc.open(ep.protocol(), ec);
    if (!ec) acc.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
      acc.set_option(net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
    if (!ec) acc.bind(ep, ec);
    if (!ec) acc.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
      return fail(Errc::unavailable, "cannot listen on " + impl_->config.host + ":" +
                                         std::to_string(port) + ": " + ec.message());
    if (port == 0) port = acc.local_endpoint().port();
    loop->acceptor.emplace(std::move(acc));
    impl_->loops.push_back(std::move(loop));
  }
  impl_->bound_port = port;
  return {};
}

void Server::stop_on_signals() {
  if (impl_->loops.empty()) return;
  impl_->signals.emplace(impl_->loops[0]->ctx, SIGTERM, SIGINT);
  impl_->signals->async_wait([this](beast::error_code ec, int sig) {
    if (ec) return;
    log::info("server.signal", {{"signal", sig}});
    stop();
  });
}

void Server::run() {
  for (auto& loop : impl_->loops) {
    net::co_spawn(loop->ctx, impl_->sweep(*loop), net::detached);
    net::co_spawn(loop->ctx, impl_->accept_loop(*loop), [](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log::error("server.accept_failed", {{"error", ex.what()}});
        }
      }
    });
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->loops.size(); ++i)
    threads.emplace_back([loop = impl_->loops[i].get()] { loop->ctx.run(); });
  impl_->loops[0]->ctx.run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  if (impl_->stopping.exchange(true)) return;
  for (auto& loop : impl_->loops) {
    net::post(loop->ctx, [impl = impl_.get(), l = loop.get()] { impl->begin_stop(*l); });
  }
  if (impl_->signals) {
    net::post(impl_->loops[0]->ctx, [impl = impl_.get()] { impl->signals->cancel(); });
  }
}

void Server::Impl::begin_stop(Loop& loop) {
  loop.draining = true;
  beast::error_code ec;
  if (loop.acceptor) loop.acceptor->close(ec);
  if (loop.sweep) loop.sweep->cancel();
  for (ConnState* c : loop.conns)
    if (c->idle && c->socket) c->socket->close(ec);
  for (WsConnection* ws : loop.websockets) ws->begin_close(1001, "server shutting down");
  if (loop.conns.empty() && loop.websockets.empty()) return;
  loop.grace.emplace(loop.ctx);
  loop.grace->expires_after(ms(config.shutdown_grace_ms));
  loop.grace->async_wait([this, &loop](beast::error_code e) {
    if (!e) drop_connections(loop);
  });
}

// The grace period is over: what is left is closed, but the loop is not
// stopped. A handler still running on a worker (a CalDAV PUT of minutes)
// cannot be interrupted; it holds the request in its connection's coroutine
// frame, will post its response to this loop and uses the objects its route
// reaches (a module's service, the database). Stopping the loop here made
// run() return under it, and the caller then destroyed those objects while
// it ran. The coroutine now resumes when the handler returns, fails to
// write on the closed socket and ends; run() returns once the last one has.
void Server::Impl::drop_connections(Loop& loop) {
  if (!loop.conns.empty())
    log::warn("server.grace_over", {{"connections", static_cast<std::int64_t>(loop.conns.size())}});
  beast::error_code ec;
  for (ConnState* c : loop.conns)
    if (c->socket) c->socket->close(ec);
  // finish() erases the connection from the set: walk a copy. A sweep past
  // every deadline finishes a WebSocket whether or not its close handshake
  // started.
  std::vector<WsConnection*> all(loop.websockets.begin(), loop.websockets.end());
  for (WsConnection* ws : all)
    if (loop.websockets.count(ws)) ws->sweep(INT64_MAX);
}

awaitable<void> Server::Impl::sweep(Loop& loop) {
  // Deadlines are checked every quarter of the shortest timeout (at most
  // every second); WebSockets every 5 s.
  int shortest = std::min({config.header_timeout_ms, config.body_timeout_ms, config.write_timeout_ms});
  auto period = ms(std::clamp(shortest / 4, 50, 1000));
  std::int64_t next_ws_sweep = steady_now_ms() + 5000;
  loop.sweep.emplace(loop.ctx);
  while (!loop.draining) {
    loop.sweep->expires_after(period);
    auto [ec] = co_await loop.sweep->async_wait(kTuple);
    if (ec || loop.draining) break;
    std::int64_t now = steady_now_ms();
    for (ConnState* c : loop.conns) {
      if (c->deadline_ms <= now && c->socket) {
        // A slow client: its pending operation ends with an error.
        beast::error_code ignore;
        c->socket->close(ignore);
        c->disarm();
      }
    }
    if (now >= next_ws_sweep) {
      next_ws_sweep = now + 5000;
      // Copy: a sweep may end connections, which leave the set.
      std::vector<WsConnection*> all(loop.websockets.begin(), loop.websockets.end());
      for (WsConnection* ws : all)
        if (loop.websockets.count(ws)) ws->sweep(now);
    }
  }
}

awaitable<void> Server::Impl::accept_loop(Loop& loop) {
  while (loop.acceptor && loop.acceptor->is_open()) {
    auto [ec, socket] = co_await loop.acceptor->async_accept(kTuple);
    if (ec) {
      if (ec == net::error::operation_aborted || !loop.acceptor->is_open()) co_return;
      if (ec == net::error::no_descriptors) {
        log::warn("server.accept_no_descriptors");
        net::steady_timer t(loop.ctx, ms(100));
        co_await t.async_wait(kTuple);
      }
      continue;
    }
    if (connections.load() >= static_cast<std::int64_t>(config.max_connections)) {
      socket.close(ec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    net::co_spawn(loop.ctx, session(loop, std::move(socket)), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("server.session_failed", {{"error", ex.what()}});
      }
    });
  }
}

namespace {

// "Sun, 29 Nov 2026 17:09:45 GMT", recomputed once per second per thread.
std::string_view http_date() {
  thread_local std::time_t cached_at = 0;
  thread_local char buf[40];
  std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    cached_at = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  }
  return buf;
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  std::size_t at = out.size();
  out += value;
  // A value never ends the header line: no response splitting.
  if (std::memchr(value.data(), '\r', value.size()) || std::memchr(value.data(), '\n', value.size()))
    for (std::size_t i = at; i < out.size(); ++i)
      if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
  out += "\r\n";
}

struct Framing {
  bool keep_alive = true;
  int version = 11;
  std::optional<std::uint64_t> content_length;  // absent: chunked (or no body)
  bool chunked = false;
};

// The status line and header block of `res`, into `out` (cleared first; a
// connection reuses one buffer for all its responses).
void render_head(std::string& out, const Response& res, const Headers& defaults,
                 std::string_view request_id, const Framing& f) {
  out.clear();
  out += f.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(res.status);
  out += ' ';
  out += reason_phrase(res.status);
  out += "\r\n";
  for (const auto& [k, v] : res.headers.items()) append_header(out, k, v);
  for (const auto& [k, v] : defaults.items())
    if (!res.headers.has(k)) append_header(out, k, v);
  append_header(out, "Date", http_date());
  append_header(out, "X-Request-Id", request_id);
  bool bodyless = res.status == 204 || res.status == 304 || res.status < 200;
  if (!bodyless) {
    if (f.chunked) {
      out += "Transfer-Encoding: chunked\r\n";
    } else {
      out += "Content-Length: ";
      out += std::to_string(f.content_length.value_or(0));
      out += "\r\n";
    }
  }
  if (!f.keep_alive) out += "Connection: close\r\n";
  else if (f.version == 10) out += "Connection: keep-alive\r\n";
  out += "\r\n";
}

std::string hex_request_id() {
  static const std::uint64_t boot = static_cast<std::uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count() ^ ::getpid());
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  static const char* hex = "0123456789abcdef";
  // 15 characters: it fits std::string's inline buffer (no allocation).
  std::string id(15, '0');
  std::uint64_t hi = (boot >> 8) & 0xffffff;
  for (int i = 5; i >= 0; --i, hi >>= 4) id[static_cast<std::size_t>(i)] = hex[hi & 15];
  for (int i = 14; i >= 6; --i, n >>= 4) id[static_cast<std::size_t>(i)] = hex[n & 15];
  return id;
}

}  // namespace

namespace {

// Bodies at least this large whose bytes are also in a file (SharedBytes::fd)
// go out with sendfile(): the kernel sends the file's pages instead of a
// copy of them. Smaller ones are cheaper copied with the head in one write.
constexpr std::size_t kSendfileMin = 16 << 10;

// Calls `attempt(left)` (one non-blocking write of at most `left` bytes:
// what it wrote, or -1 and errno) until `n` bytes are written, waiting for
// the socket to take more when it is full. False on an error, a write of 0
// or the timeout.
template <class Attempt>
awaitable<bool> write_all(tcp::socket& socket, ConnState& state, int timeout_ms, std::size_t n,
                          Attempt attempt) {
  while (n > 0) {
    const ssize_t w = attempt(n);
    if (w > 0) {
      n -= static_cast<std::size_t>(w);
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      state.arm(timeout_ms);
      auto [wec] = co_await socket.async_wait(tcp::socket::wait_write, kTuple);
      if (wec) co_return false;
    } else {
      co_return false;
    }
  }
  co_return true;
}

// The head, then `n` bytes of `fd` from `offset`, without copying them
// through user space. False when the connection failed or timed out.
awaitable<bool> write_with_file(tcp::socket& socket, ConnState& state, int timeout_ms,
                                std::string_view head, int fd, std::uint64_t offset, std::size_t n) {
  if (!state.non_blocking) {
    beast::error_code ec;
    socket.native_non_blocking(true, ec);
    if (ec) co_return false;
    state.non_blocking = true;
  }
  const int sock = socket.native_handle();
  // MSG_MORE: the head waits for the body's first bytes, one packet for both.
  if (!co_await write_all(socket, state, timeout_ms, head.size(), [&](std::size_t left) {
        return ::send(sock, head.data() + (head.size() - left), left, MSG_MORE | MSG_NOSIGNAL);
      }))
    co_return false;
  auto at = static_cast<off_t>(offset);
  // 0 written: the file ended early (never, for an arena): a failure too.
  co_return co_await write_all(socket, state, timeout_ms, n,
                               [&](std::size_t left) { return ::sendfile(sock, fd, &at, left); });
}

}  // namespace

awaitable<void> Server::Impl::session(Loop& loop, tcp::socket socket) {
  ConnState state;
  beast::error_code ec;
  std::string remote;
  {
    auto ep = socket.remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }
  tcp::socket& stream = socket;
  state.socket = &stream;
  loop.conns.insert(&state);
  connections.fetch_add(1);
  struct Leave {
    Impl& impl;
    Loop& loop;
    ConnState& state;
    ~Leave() {
      loop.conns.erase(&state);
      impl.connections.fetch_sub(1);
      impl.conn_closed(loop);
    }
  } leave{*this, loop, state};

  beast::flat_buffer buf;
  std::string head;  // response heads, reused
  bool linger = false;
  while (!loop.draining) {
    Request req;
    RequestParser parser(req);
    parser.header_limit(static_cast<std::uint32_t>(config.max_header_bytes));
    parser.body_limit(boost::none);
    state.idle = true;
    state.arm(config.header_timeout_ms);
    auto [rec, rn] = co_await bhttp::async_read_header(stream, buf, parser, kTuple);
    state.idle = false;
    if (rec) {
      int status = 0;
      if (rec == bhttp::error::header_limit) status = 431;
      else if (rec != bhttp::error::end_of_stream && rec != net::error::operation_aborted &&
               rec != beast::error::timeout && rec != net::error::eof &&
               rec != net::error::connection_reset &&
               rec.category() == bhttp::make_error_code(bhttp::error::bad_method).category())
        status = 400;
      if (status) {
        Response r = error_response(status == 431 ? Errc::too_large : Errc::invalid,
                                    status == 431 ? "request head too large" : "malformed request",
                                    status == 431 ? "header_too_large" : "bad_request");
        r.status = status;
        render_head(head, r, default_headers, "-", Framing{false, 11, r.body.size(), false});
        std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(r.body)};
        state.arm(config.write_timeout_ms);
        co_await net::async_write(stream, bufs, kTuple);
      }
      break;
    }
    auto started = std::chrono::steady_clock::now();
    in_flight.fetch_add(1);
    struct InFlight {
      std::atomic<std::int64_t>& n;
      ~InFlight() { n.fetch_sub(1); }
    } in_flight_guard{in_flight};

    {
      std::string_view t = req.target;
      auto q = t.find('?');
      req.path.assign(t.substr(0, q));
      if (q != std::string_view::npos) req.query.assign(t.substr(q + 1));
    }
    req.remote_addr = remote;
    req.request_id = hex_request_id();
    req.keep_alive = parser.keep_alive();

    Match m = router.match(req.method, req.path);
    const Route* route = m.route;
    Response res;
    bool have_response = false;
    if (m.bad_path) {
      res = error_response(Errc::invalid, "malformed request path", "bad_path");
      have_response = true;
    } else if (!route && m.path_matched) {
      res = error_response(Errc::method_not_allowed, "method not allowed");
      res.headers.set("Allow", m.allow);
      have_response = true;
    } else if (!route && router.fallback()) {
      route = router.fallback();
    } else if (!route) {
      res = error_response(Errc::not_found, "no such route");
      have_response = true;
    }
    if (route) {
      req.params = std::move(m.params);
      req.route = route->pattern;
    }

    bool body_pending = !parser.is_done();
    bool expect_continue = false;
    if (auto e = req.headers.get("Expect"); e && iequals(*e, "100-continue")) expect_continue = true;
    std::optional<StreamBodyReader> reader;
    std::optional<MemoryBodyReader> memory_reader;
    std::uint64_t bytes_in = 0;
    // A small streamed body with no 100-continue to negotiate is read here,
    // as a buffered one is: the handler then pulls it from memory instead of
    // waiting on this thread for each read (two thread hand-offs per read,
    // for a 4 KiB PUT most of the work outside the database).
    const bool streamed = route && route->options.body == BodyMode::stream;
    const bool read_small_stream = [&] {
      if (!streamed || !body_pending || expect_continue) return false;
      auto declared = parser.content_length();
      std::uint64_t max = route->options.max_body_bytes;
      return declared && *declared <= kReadAheadBodyBytes && (max == 0 || *declared <= max);
    }();

    if (!have_response && body_pending && (route->options.body == BodyMode::buffer || read_small_stream)) {
      std::uint64_t max = read_small_stream ? kReadAheadBodyBytes : route->options.max_body_bytes;
      auto declared = parser.content_length();
      if (declared && *declared > max) {
        res = error_response(Errc::too_large, "request body too large");
        res.close = true;
        have_response = true;
      } else {
        if (expect_continue) {
          static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
          state.arm(config.write_timeout_ms);
          auto [wec, wn] = co_await net::async_write(
              stream, net::buffer(kContinue, sizeof kContinue - 1), kTuple);
          if (wec) break;
        }
        parser.body_limit(max);
        parser.buffer_body();
        if (declared) req.body.reserve(static_cast<std::size_t>(*declared));
        // Socket reads are sized by the buffer's free room (see StreamBodyReader).
        buf.reserve(buf.size() + static_cast<std::size_t>(std::min<std::uint64_t>(declared.value_or(max), 64 << 10)));
        while (!parser.is_done()) {
          state.arm(config.body_timeout_ms);
          auto [bec, bn] = co_await bhttp::async_read_some(stream, buf, parser, kTuple);
          if (bec) {
            if (bec == bhttp::error::body_limit) {
              res = error_response(Errc::too_large, "request body too large");
              res.close = true;
              have_response = true;
              break;
            }
            co_return;  // client went away or stalled
          }
        }
        bytes_in = req.body.size();
        if (read_small_stream && !have_response) {
          memory_reader.emplace(req.body);
          req.body_reader = &*memory_reader;
        }
      }
    } else if (!have_response && body_pending) {
      std::uint64_t max = route->options.max_body_bytes;
      auto declared = parser.content_length();
      if (max && declared && *declared > max) {
        res = error_response(Errc::too_large, "request body too large");
        res.close = true;
        have_response = true;
      } else {
        if (max) parser.body_limit(max);
        reader.emplace(stream, state, buf, parser, config.body_timeout_ms, expect_continue);
        req.body_reader = &*reader;
      }
    } else if (!have_response && !body_pending && route->options.body == BodyMode::stream) {
      reader.emplace(stream, state, buf, parser, config.body_timeout_ms, false);
      req.body_reader = &*reader;
    }

    if (!have_response && route->options.fast) {
      if (auto r = route->options.fast(req)) {
        res = std::move(*r);
        have_response = true;
      }
    }
    if (!have_response) {
      res = co_await on_worker<Response>(workers, [route, &req]() -> Response {
        try {
          return route->handler(req);
        } catch (const std::exception& e) {
          log::error("http.handler_failed", {{"route", route->pattern},
                                             {"request_id", req.request_id},
                                             {"error", e.what()}});
          return error_response(Errc::internal, "internal error");
        }
      });
    }
    if (reader) {
      reader->reattach();
      bytes_in = reader->bytes();
    }
    bool keep_alive = req.keep_alive && !res.close && !loop.draining;
    // An unread body: the next request cannot be found.
    const bool body_read = parser.is_done() || (reader && reader->complete());
    if (!body_read) keep_alive = false;

    auto record = [&](int status, std::uint64_t bytes_out) {
      if (!observer) return;
      observer(RequestRecord{
          req.method, route ? std::string_view(route->pattern) : std::string_view("-"),
          route ? route->index : SIZE_MAX, req.request_id, req.remote_addr, status, bytes_in,
          bytes_out,
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count()});
    };

    if (res.status == 101 && res.websocket && !loop.draining) {
      auto key = req.headers.get("Sec-WebSocket-Key");
      auto version = req.headers.get("Sec-WebSocket-Version");
      auto upgrade = req.headers.get("Upgrade");
      if (!key || key->size() != 24 || !version || *version != "13" || !upgrade ||
          !iequals(*upgrade, "websocket") || req.method != "GET") {
        res = error_response(Errc::invalid, "bad WebSocket handshake", "bad_handshake");
        res.headers.set("Sec-WebSocket-Version", "13");
        res.close = true;
        keep_alive = false;
      } else {
        record(101, 0);
        std::string head =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: " +
            ws::accept_key(*key) + "\r\n\r\n";
        state.arm(config.write_timeout_ms);
        auto [uec, un] = co_await net::async_write(stream, net::buffer(head), kTuple);
        if (uec) break;
        state.disarm();
        // Bytes the client sent right after its request are the first frames.
        std::string early(static_cast<const char*>(buf.cdata().data()), buf.size());
        WsLimits limits;
        limits.max_message_bytes = config.ws_max_message_bytes;
        limits.max_queued_bytes = config.ws_max_queued_bytes;
        limits.idle_timeout_ms = config.ws_idle_timeout_ms;
        limits.ping_after_ms = config.ws_idle_timeout_ms / 2;
        auto ws = std::make_shared<WsConnection>(std::move(stream), std::move(remote), limits);
        WsConnection* raw = ws.get();
        loop.websockets.insert(raw);
        websockets.fetch_add(1);
        connections.fetch_add(1);  // this coroutine's Leave counts the HTTP side down
        ws->start(std::move(res.websocket), std::move(early), [this, &loop, raw] {
          loop.websockets.erase(raw);
          websockets.fetch_sub(1);
          connections.fetch_sub(1);
          conn_closed(loop);
        });
        if (loop.draining) ws->begin_close(1001, "server shutting down");
        co_return;
      }
    }

    bool head_only = req.method == "HEAD";
    std::uint64_t bytes_out = 0;
    bool ok = true;
    Framing f;
    f.keep_alive = keep_alive;
    f.version = parser.version();
    if (res.stream) {
      f.content_length = res.content_length;
      f.chunked = !res.content_length && !head_only;
      if (!res.content_length && head_only) f.chunked = true;
      render_head(head, res, default_headers, req.request_id, f);
      state.arm(config.write_timeout_ms);
      auto [hec, hn] = co_await net::async_write(stream, net::buffer(head), kTuple);
      if (hec) break;
      if (!head_only) {
        StreamBodyWriter writer(stream, state, f.chunked, config.write_timeout_ms);
        Result<void> produced = co_await on_worker<Result<void>>(
            workers, [&res, &writer, &req]() -> Result<void> {
              try {
                return res.stream(writer);
              } catch (const std::exception& e) {
                log::error("http.stream_failed",
                           {{"request_id", req.request_id}, {"error", e.what()}});
                return fail(Errc::internal, e.what());
              }
            });
        bytes_out = writer.bytes();
        if (!produced || writer.failed() ||
            (res.content_length && writer.bytes() != *res.content_length)) {
          if (!produced && !writer.failed())
            log::warn("http.stream_aborted", {{"request_id", req.request_id},
                                              {"error", produced.error().message}});
          ok = false;
        } else if (f.chunked) {
          state.arm(config.write_timeout_ms);
          auto [fec, fn] = co_await net::async_write(stream, net::buffer("0\r\n\r\n", 5), kTuple);
          if (fec) ok = false;
        }
      }
    } else {
      const std::string_view body = res.body_bytes();
      f.content_length = res.content_length && head_only ? *res.content_length : body.size();
      render_head(head, res, default_headers, req.request_id, f);
      state.arm(config.write_timeout_ms);
      bool bodyless = head_only || res.status == 204 || res.status == 304;
      if (!bodyless && res.shared_body.fd >= 0 && body.size() >= kSendfileMin) {
        ok = co_await write_with_file(stream, state, config.write_timeout_ms, head, res.shared_body.fd,
                                      res.shared_body.fd_offset, body.size());
      } else {
        std::array<net::const_buffer, 2> bufs{net::buffer(head),
                                              net::buffer(body.data(), bodyless ? 0 : body.size())};
        auto [wec, wn] = co_await net::async_write(stream, bufs, kTuple);
        if (wec) ok = false;
      }
      bytes_out = bodyless ? 0 : body.size();
    }
    record(res.status, bytes_out);
    if (!ok || !keep_alive) {
      linger = ok && !body_read;
      break;
    }
  }
  stream.shutdown(tcp::socket::shutdown_send, ec);
  if (linger) {
    // The client may still be sending a body we refused (413): read and
    // drop it for a while, so that it gets to read our answer instead of a
    // connection reset (nginx's "lingering close").
    state.arm(2000);
    std::array<char, 16 * 1024> sink;
    std::size_t drained = 0;
    while (drained < (64u << 20)) {
      auto [lec, ln] = co_await stream.async_read_some(net::buffer(sink), kTuple);
      if (lec) break;
      drained += ln;
    }
  }
  stream.close(ec);
}

}  // namespace ruche::http
