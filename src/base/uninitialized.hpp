// Buffers about to be overwritten whole.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace ruche {

// A string of `n` bytes whose values are unspecified, for a buffer that is
// filled right after (a read, a decryption, an encryption): a zero fill
// first costs a pass over the memory, a tenth of a large download's CPU.
std::string uninitialized_string(std::size_t n);

// `size` bytes (values unspecified) on the heap, starting on a kAlignment
// boundary: a buffer the kernel can write to a device without copying it
// into the page cache (O_DIRECT wants whole aligned blocks). Move-only.
class AlignedBuffer {
 public:
  static constexpr std::size_t kAlignment = 4096;

  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t size);

  char* data() const { return bytes_.get(); }
  std::size_t size() const { return size_; }
  std::span<char> span() const { return {bytes_.get(), size_}; }
  std::string_view view() const { return {bytes_.get(), size_}; }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> bytes_;
  std::size_t size_ = 0;
};

}  // namespace ruche
