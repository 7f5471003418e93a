// SharedBytes: a view of bytes together with what keeps them alive (a cache
// entry), handed from a cache to the socket without a copy.
#pragma once

#include <memory>
#include <string_view>

namespace ruche {

struct SharedBytes {
  std::shared_ptr<const void> owner;  // null: no bytes
  std::string_view bytes;

  explicit operator bool() const { return owner != nullptr; }
};

}  // namespace ruche
