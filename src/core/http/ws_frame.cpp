#include "core/http/ws_frame.hpp"

namespace ruche::http::ws {

ClientFrame parse_client_frame(const std::uint8_t* d, std::size_t size, std::size_t max_payload) {
  ClientFrame f;
  auto error = [&](std::uint16_t code, const char* why) {
    f.status = ClientFrame::Status::error;
    f.close_code = code;
    f.reason = why;
    return f;
  };
  if (size < 2) return f;
  std::uint8_t b0 = d[0], b1 = d[1];
  f.fin = b0 & 0x80;
  f.opcode = b0 & 0x0F;
  if (b0 & 0x70) return error(1002, "reserved bits set");
  if (!(b1 & 0x80)) return error(1002, "client frames must be masked");
  std::uint64_t len = b1 & 0x7F;
  std::size_t head = 2;
  if (len == 126) {
    if (size < 4) return f;
    len = (static_cast<std::uint64_t>(d[2]) << 8) | d[3];
    head = 4;
  } else if (len == 127) {
    if (size < 10) return f;
    len = 0;
    for (std::size_t i = 0; i < 8; ++i) len = (len << 8) | d[2 + i];
    head = 10;
    if (len >> 63) return error(1002, "bad length");
  }
  if (f.opcode >= 8 && (len > 125 || !f.fin)) return error(1002, "bad control frame");
  if (len > max_payload) return error(1009, "message too big");
  if (size - head < 4 || size - head - 4 < len) return f;
  const std::uint8_t* mask = d + head;
  const std::uint8_t* src = mask + 4;
  f.payload.resize(static_cast<std::size_t>(len));
  for (std::size_t i = 0; i < len; ++i) f.payload[i] = static_cast<char>(src[i] ^ mask[i & 3]);
  f.size = head + 4 + static_cast<std::size_t>(len);
  f.status = ClientFrame::Status::frame;
  return f;
}

}  // namespace ruche::http::ws
