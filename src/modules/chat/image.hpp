// Raster images recognised from their first bytes: the type and the pixel
// size, read from the headers of PNG, JPEG, GIF and WebP (no decoding). Pure:
// no I/O, no allocation; safe on any input (a fuzz target, fuzz/fuzz_image).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ruche::chat {

struct ImageInfo {
  std::string_view content_type;  // "image/png", "image/jpeg", "image/gif", "image/webp"
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// How many leading bytes sniff_image() may need: JPEG puts its frame header
// after metadata segments (EXIF, ICC profiles), which may be long.
inline constexpr std::size_t kImageSniffBytes = 256 * 1024;

// The image whose content starts with `head`, or nullopt when `head` is not
// the start of a PNG, JPEG, GIF or WebP image with a non-zero size (or the
// size lies beyond `head`). Magic bytes decide: names and client-declared
// types never do.
std::optional<ImageInfo> sniff_image(std::string_view head);

}  // namespace ruche::chat
