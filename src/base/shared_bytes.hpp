// SharedBytes: a view of bytes together with what keeps them alive (a cache
// entry), handed from a cache to the socket without a copy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ruche {

struct SharedBytes {
  std::shared_ptr<const void> owner;  // null: no bytes
  std::string_view bytes;
  // When fd >= 0, the same bytes are at fd_offset in that file, unchanged
  // while `owner` lives: a server may send them with sendfile() instead of
  // copying them (SendableArena). The owner keeps the file open.
  int fd = -1;
  std::uint64_t fd_offset = 0;

  explicit operator bool() const { return owner != nullptr; }

  // Bytes that own themselves, on the heap.
  static SharedBytes of(std::string s) {
    auto owned = std::make_shared<const std::string>(std::move(s));
    SharedBytes out;
    out.bytes = *owned;
    out.owner = std::move(owned);
    return out;
  }

  // The bytes [from, from + n) of these (n clipped at the end), with the
  // same owner and file.
  SharedBytes slice(std::size_t from, std::size_t n) const {
    SharedBytes out = *this;
    out.bytes = bytes.substr(from, n);
    if (fd >= 0) out.fd_offset += from;
    return out;
  }
};

}  // namespace ruche
