// WebSocket connections as seen above core/http.
//
// A route accepts an upgrade by returning a Response with status 101 and a
// WebSocketHandler. The server then completes the handshake and calls the
// handler from the connection's I/O thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ruche::http {

// The server side of one open WebSocket. Thread-safe.
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  // Queues one text frame. Never blocks. When the connection's send queue is
  // already over its bound (a slow reader), the connection is closed with
  // 1008 and false is returned; the message is dropped.
  virtual bool send(std::shared_ptr<const std::string> text) = 0;
  // Starts a close handshake with `code`; later sends are dropped.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
  // Bytes queued and not yet written.
  virtual std::size_t queued_bytes() const = 0;
  virtual const std::string& remote_addr() const = 0;
};

// Receives one connection's events. Calls come from the connection's I/O
// thread, one at a time, and must not block: post blocking work elsewhere.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  // The handshake succeeded. Keep `ws` to send; hold it weakly if the
  // handler may outlive the connection.
  virtual void on_open(std::shared_ptr<WebSocket> ws) = 0;
  // One complete text message (binary messages close the connection).
  virtual void on_message(std::string_view text) = 0;
  // The connection is gone (either side closed, error or timeout). Last call.
  virtual void on_close() = 0;
};

}  // namespace ruche::http
