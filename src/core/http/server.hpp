// The HTTP/1.1 + WebSocket server (Boost.Beast under the hood, hidden here).
//
// One io_context per I/O thread, each with its own SO_REUSEPORT acceptor, so
// a connection lives on one thread from accept to close. The request head is
// read and routed on the I/O thread; the handler runs on the WorkerPool (it
// may block); the response is written back on the I/O thread. Request and
// response bodies can stream in both directions without being held whole.
//
// Bounds: header size (431), body size per route (413), header/idle, body and
// write timeouts (slow clients are disconnected), WebSocket message size and
// send-queue size.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "base/worker_pool.hpp"
#include "core/http/message.hpp"
#include "core/http/router.hpp"

namespace ruche::http {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;              // 0 picks a free port
  int io_threads = 0;                     // 0: one per core
  std::size_t max_header_bytes = 16 * 1024;
  int header_timeout_ms = 30'000;         // the whole head of a request, and keep-alive idle time
  int body_timeout_ms = 30'000;           // longest wait for the next body bytes
  int write_timeout_ms = 60'000;          // longest wait for the client to take response bytes
  int shutdown_grace_ms = 10'000;         // in-flight requests get this long to answer on stop()
  std::size_t max_connections = 200'000;
  std::size_t ws_max_message_bytes = 64 * 1024;
  std::size_t ws_max_queued_bytes = 1 << 20;   // a reader slower than this is disconnected
  int ws_idle_timeout_ms = 60'000;        // pings keep live connections open
};

// What the server tells its observer after each response (on an I/O thread).
struct RequestRecord {
  std::string_view method;
  std::string_view route;       // the pattern that matched, "-" when none
  std::size_t route_index;      // Route::index, or SIZE_MAX
  std::string_view request_id;
  std::string_view remote_addr;
  int status;
  std::uint64_t bytes_in;
  std::uint64_t bytes_out;
  double duration_ms;
};

struct ServerStats {
  std::int64_t connections = 0;   // open HTTP connections, WebSockets included
  std::int64_t websockets = 0;
  std::int64_t in_flight = 0;     // requests being handled
};

class Server {
 public:
  // `router` and `workers` must outlive the server.
  Server(ServerConfig config, const Router& router, WorkerPool& workers);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Errors: unavailable (address in use, bad address).
  Result<void> listen();
  // The bound port (after listen()).
  std::uint16_t port() const;

  // Runs the I/O threads; returns once stop() has drained every connection
  // and no route handler or response stream of this server is running on the
  // workers any more: what the routes use may then be destroyed.
  void run();
  // Graceful stop, thread-safe: stop accepting, let in-flight requests finish
  // (up to shutdown_grace_ms), close idle connections and WebSockets (1001).
  // Past the grace period the connections left are closed; a handler still
  // running is not interrupted, and run() waits for it to return.
  void stop();
  // Makes SIGTERM and SIGINT call stop(). Call before run().
  void stop_on_signals();

  // Called after each response, on an I/O thread; must be fast and thread-safe.
  void set_observer(std::function<void(const RequestRecord&)> observer);
  // Added to every response that does not set them.
  void set_default_headers(Headers headers);

  ServerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ruche::http
