// The server side of one WebSocket (RFC 6455), on a raw TCP socket.
//
// Internal to core/http (server.cpp creates them). Written for many idle
// connections: while idle a connection holds its socket, this object and one
// readiness wait (and an empty write queue); larger buffers exist only
// while a frame is partly received or a burst of frames is queued; pings
// and idle timeouts come from one sweep per I/O thread rather than a timer
// per connection. Frames are written with sendmsg() as they come, the
// socket waited on only when it is full. No extensions (no
// permessage-deflate), no subprotocols, text messages only.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "core/http/websocket.hpp"

namespace ruche::http {

struct WsLimits {
  std::size_t max_message_bytes = 64 * 1024;
  std::size_t max_queued_bytes = 1 << 20;
  std::int64_t ping_after_ms = 30'000;   // idle time before the server pings
  std::int64_t idle_timeout_ms = 60'000; // silence (pongs included) before closing
  std::int64_t close_timeout_ms = 5'000; // wait for the peer's close frame
};

class WsConnection final : public WebSocket, public std::enable_shared_from_this<WsConnection> {
 public:
  using Socket = boost::asio::ip::tcp::socket;

  WsConnection(Socket socket, std::string remote, WsLimits limits);
  ~WsConnection() override;

  // Starts reading. `early` holds bytes the client sent after the handshake
  // request and that were already read. `on_gone` runs once, on the
  // connection's thread, after the handler's on_close().
  void start(std::shared_ptr<WebSocketHandler> handler, std::string early,
             std::function<void()> on_gone);

  // WebSocket (any thread).
  bool send(std::shared_ptr<const std::string> text) override;
  void close(std::uint16_t code, std::string_view reason) override;
  std::size_t queued_bytes() const override { return queued_.load(); }
  const std::string& remote_addr() const override { return remote_; }

  // On the connection's thread: pings idle peers, drops silent ones.
  void sweep(std::int64_t now_ms);
  // On the connection's thread: a close handshake with `code`.
  void begin_close(std::uint16_t code, std::string_view reason);
  // On the connection's thread: frames sent from other threads move into
  // the write queue.
  void drain_incoming();

 private:
  struct Frame {
    std::shared_ptr<const std::string> payload;
    std::uint8_t header[10];
    std::uint8_t header_len = 0;
    bool is_close = false;
  };

  void wait_readable();
  void on_readable();
  // Consumes complete frames from `data`; returns how many bytes were used,
  // or SIZE_MAX when the connection must stop.
  std::size_t consume(const std::uint8_t* data, std::size_t size);
  bool on_frame(std::uint8_t opcode, bool fin, std::string_view payload);
  static Frame make_frame(std::uint8_t opcode, std::shared_ptr<const std::string> payload);
  void enqueue(std::uint8_t opcode, std::shared_ptr<const std::string> payload, bool count);
  void write_next();
  void finish_soon();  // finish(), from the event loop
  void fail(std::uint16_t code, std::string_view reason);
  void finish();

  Socket socket_;
  std::string remote_;
  WsLimits limits_;
  std::shared_ptr<WebSocketHandler> handler_;
  std::function<void()> on_gone_;
  std::string partial_;         // an incomplete frame
  std::string message_;         // fragments of an incomplete message
  bool in_message_ = false;
  // Frames to write, the first `head_sent_` bytes of the front one written.
  // writing_: nothing is to be written now (a wait for the socket to take
  // more is pending, or the connection is about to finish).
  std::deque<Frame> queue_;
  std::size_t head_sent_ = 0;
  bool writing_ = false;
  // The queue held more than kQueueKept frames: it is given back once empty.
  static constexpr std::size_t kQueueKept = 16;
  bool grown_ = false;
  // Other threads append here and schedule one drain for many frames: a busy
  // connection costs one handoff per batch, not per message.
  std::mutex incoming_mu_;
  std::vector<std::shared_ptr<const std::string>> incoming_;
  bool drain_scheduled_ = false;
  bool close_sent_ = false;
  bool close_received_ = false;
  bool finished_ = false;
  std::int64_t last_heard_ms_ = 0;
  std::int64_t close_sent_ms_ = 0;
  bool ping_outstanding_ = false;
  std::atomic<std::size_t> queued_{0};
  std::atomic<bool> dropping_{false};  // a slow reader is being dropped
};

}  // namespace ruche::http
