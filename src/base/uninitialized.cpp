// Built as C++23 (see CMakeLists.txt) for std::string::resize_and_overwrite,
// which C++20 lacks; std::string is the same type in both modes.
#include "base/uninitialized.hpp"

#include <algorithm>
#include <new>

namespace ruche {

std::string uninitialized_string(std::size_t n) {
  std::string s;
  // The length is `n`, not the size the callback is handed: libstdc++ 12
  // hands it the grown capacity (30 for 16 when growing from the inline
  // buffer), which returned as is would make the string too long.
  s.resize_and_overwrite(n, [n](char*, std::size_t) { return n; });
  return s;
}

AlignedBuffer::AlignedBuffer(std::size_t size) : size_(size) {
  // aligned_alloc wants a multiple of the alignment (and at least one byte).
  const std::size_t rounded = (std::max<std::size_t>(size, 1) + kAlignment - 1) / kAlignment * kAlignment;
  bytes_.reset(static_cast<char*>(std::aligned_alloc(kAlignment, rounded)));
  if (!bytes_) throw std::bad_alloc();
}

}  // namespace ruche
