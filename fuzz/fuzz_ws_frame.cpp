// WebSocket client frames: the parser and the UTF-8 check on arbitrary bytes.
#include <cstdint>

#include "base/utf8.hpp"
#include "core/http/ws_frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using ruche::http::ws::ClientFrame;
  std::size_t pos = 0;
  while (pos < size) {
    ClientFrame f = ruche::http::ws::parse_client_frame(data + pos, size - pos, 64 * 1024);
    if (f.status != ClientFrame::Status::frame) break;
    if (f.size == 0 || f.size > size - pos) __builtin_trap();  // the parser must always progress within bounds
    (void)ruche::valid_utf8(f.payload);
    pos += f.size;
  }
  return 0;
}
