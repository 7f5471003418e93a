// RFC 6455 client-frame parsing, pure (no I/O): the part of the WebSocket
// server that reads untrusted bytes, separate so it can be fuzzed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ruche::http::ws {

struct ClientFrame {
  enum class Status { need_more, frame, error } status = Status::need_more;
  bool fin = false;
  std::uint8_t opcode = 0;
  std::size_t size = 0;        // bytes the frame takes in the input (status frame)
  std::string payload;         // unmasked (status frame)
  std::uint16_t close_code = 0;  // status error: 1002 protocol, 1009 too big
  const char* reason = "";
};

// Parses one client frame at the start of [data, data + size): client frames
// must be masked, control frames short and final, reserved bits clear, and
// the payload at most `max_payload` bytes. Never reads past `size`.
ClientFrame parse_client_frame(const std::uint8_t* data, std::size_t size, std::size_t max_payload);

}  // namespace ruche::http::ws
