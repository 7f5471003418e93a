// The server's live events (docs/api.md, "Live events (WebSocket)") as
// `ruche-sync run` hears them: GET /api/v1/events upgraded to a WebSocket
// (RFC 6455) over a connection libcurl opens (RawConnection: Debian 12's
// libcurl has no WebSocket of its own), so that a change on the server is
// heard at once instead of at the next poll (docs/sync.md, "run").
//
// The framing is pure functions and a decoder with no I/O (sync_test.cpp);
// LiveEvents does the I/O. Nothing here logs; the token stays in Remote.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "sync/remote.hpp"

namespace ruche::sync {

namespace ws {

enum Opcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

// The server's own bound on a message (docs/api.md): a longer one is refused.
constexpr std::size_t kMaxMessageBytes = 64 * 1024;

// One frame: `opcode`, `payload`, the FIN bit `fin`. With `mask` (the 4
// random bytes every client frame carries, RFC 6455 5.3) the payload is
// masked; without, it is sent as a server sends it (for tests).
std::string encode_frame(std::uint8_t opcode, std::string_view payload,
                         std::optional<std::array<std::uint8_t, 4>> mask, bool fin = true);

// Checks the server's answer to a handshake sent with `key`: `head` is the
// status line and headers (without the blank line that ends them).
// Errors: unauthenticated for 401 (the token no longer works); unavailable
// for any other status than 101, or a 101 whose Upgrade, Connection or
// Sec-WebSocket-Accept is not the one RFC 6455 asks for.
Result<void> check_handshake(std::string_view head, std::string_view key);

// What a server's bytes said.
struct Received {
  std::vector<std::string> messages;   // complete text messages, in order
  std::vector<std::string> pings;      // payloads to answer with a pong, in order
  std::optional<std::uint16_t> close;  // the server closed (its code; 1005: none given)
};

// Server frames into messages, across reads cut anywhere. Bounded: a
// frame or a fragmented message over `max_message_bytes` is refused once
// its header says so, before its payload is held; the decoder holds at
// most one frame's header and payload beyond what feed() is given.
class Decoder {
 public:
  explicit Decoder(std::size_t max_message_bytes = kMaxMessageBytes) : max_(max_message_bytes) {}

  // Decodes `bytes`, appending what they complete to `out`. Nothing is
  // decoded after a close frame. Errors (the connection must be closed
  // with close_code()): invalid for a protocol error (a masked frame,
  // reserved bits, an unknown opcode, a bad control frame or
  // continuation, a text that is not UTF-8, a binary message), too_large
  // for a frame or message over the bound.
  Result<void> feed(std::string_view bytes, Received& out);

  // After an error: the close code to send (1002 protocol error, 1003
  // unacceptable data, 1007 not UTF-8, 1009 too big).
  std::uint16_t close_code() const { return close_code_; }

 private:
  Result<void> refuse(std::uint16_t code, Errc errc, std::string why);

  std::size_t max_;
  std::string pending_;  // an incomplete frame
  std::string message_;  // the fragments of a message so far
  bool in_message_ = false;
  bool closed_ = false;
  std::uint16_t close_code_ = 0;
};

}  // namespace ws

// A server event's type and workspace ("" for those about no workspace).
struct LiveEvent {
  std::string type;
  std::string workspace_id;
};

// The type and workspace of a server message; nullopt when it is not a
// JSON object with a string "type".
std::optional<LiveEvent> parse_event(std::string_view text);

// Whether an event of `type` may change a workspace's files or who may
// read them: file.*, folder.*, workspace.*, member.*.
bool may_change_files(std::string_view type);

// What the server's messages ask of `run` (docs/sync.md, "run"), heard
// between passes or during one alike.
struct Heard {
  bool hello = false;                // the greeting: every folder's root ETag to check once
  std::set<std::string> workspaces;  // whose root ETag to check
};

// `messages` as a client syncing the workspaces `synced` hears them: the
// greeting ("hello"), and the workspaces in `synced` of the events that
// may change their files. Anything else (other events, other workspaces,
// what is not an event) asks nothing.
Heard hear(const std::vector<std::string>& messages, const std::set<std::string>& synced);

// One events connection. One thread at a time.
class LiveEvents {
 public:
  struct Options {
    int handshake_timeout_ms = 15'000;  // for the answer to the upgrade (plus Remote's connect)
    // Quiet for this long, it pings the server; silent for this long
    // (no byte at all, no pong), the connection is taken as dead (a
    // network gone without a word: a laptop asleep, a NAT forgetting it).
    std::int64_t ping_after_ms = 30'000;
    std::int64_t silent_after_ms = 75'000;
    const std::atomic<bool>* stop = nullptr;  // set: connect() gives up
  };

  explicit LiveEvents(Options options) : options_(options) {}
  // Closes the connection (a close frame, without waiting for the answer).
  ~LiveEvents();
  LiveEvents(const LiveEvents&) = delete;
  LiveEvents& operator=(const LiveEvents&) = delete;

  // Connects (closing any connection first): the upgrade with `remote`'s
  // address, certificates and token. Blocks until the server answers (the
  // connect timeout, then handshake_timeout_ms at most; or `stop`). Bytes
  // after the answer are kept for read(). Errors: unauthenticated when
  // the server refused the token (401); unavailable otherwise (no server,
  // not a WebSocket there: a proxy that drops the upgrade, a bad answer).
  Result<void> connect(Remote& remote, std::int64_t now_ms);
  bool connected() const { return conn_ != nullptr; }
  // The socket to poll() for reading; -1 when not connected.
  int fd() const { return conn_ ? conn_->fd() : -1; }

  // Without waiting: decodes what has arrived, appends the complete text
  // messages to `out`, answers the server's pings, and keeps the
  // connection alive (a ping of its own after ping_after_ms of quiet).
  // Errors (the connection is then closed; messages before it are in
  // `out`): unavailable when the server closed it (server_close_code()),
  // it broke, went silent for silent_after_ms, or broke the protocol.
  Result<void> read(std::int64_t now_ms, std::vector<std::string>& out);
  // When read() next has to run even if nothing arrives (a ping to send,
  // a silence to notice); 0 when not connected.
  std::int64_t next_deadline_ms() const;
  // The code of the server's close frame (1005: none given) when read()
  // failed on it; 0 otherwise.
  std::uint16_t server_close_code() const { return server_close_; }

  // Closes: a close frame with `code`, without waiting.
  void close(std::uint16_t code = 1000);

 private:
  // One frame, masked; up to `timeout_ms` for room. An error closes.
  Result<void> send(std::uint8_t opcode, std::string_view payload, int timeout_ms = 5'000);
  Result<void> fail_with(std::uint16_t code, Error e);

  Options options_;
  std::unique_ptr<RawConnection> conn_;
  ws::Decoder decoder_;
  std::string early_;  // bytes that came with the handshake's answer
  std::int64_t last_heard_ms_ = 0;
  std::int64_t last_ping_ms_ = 0;
  std::uint16_t server_close_ = 0;
};

}  // namespace ruche::sync
