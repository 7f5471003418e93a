// Image headers from uploads (chat attachments): never read out of bounds,
// never report an empty image or a type other than the four sniffed.
#include <cstdint>
#include <string_view>

#include "modules/chat/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view head(reinterpret_cast<const char*>(data), size);
  if (auto img = ruche::chat::sniff_image(head)) {
    if (img->width == 0 || img->height == 0) __builtin_trap();
    if (img->content_type != "image/png" && img->content_type != "image/jpeg" &&
        img->content_type != "image/gif" && img->content_type != "image/webp")
      __builtin_trap();
  }
  return 0;
}
