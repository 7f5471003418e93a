#include "modules/chat/image.hpp"

namespace ruche::chat {

namespace {

std::uint32_t u8(std::string_view s, std::size_t i) { return static_cast<unsigned char>(s[i]); }
std::uint32_t be16(std::string_view s, std::size_t i) { return (u8(s, i) << 8) | u8(s, i + 1); }
std::uint32_t le16(std::string_view s, std::size_t i) { return u8(s, i) | (u8(s, i + 1) << 8); }
std::uint32_t le24(std::string_view s, std::size_t i) { return le16(s, i) | (u8(s, i + 2) << 16); }
std::uint32_t be32(std::string_view s, std::size_t i) { return (be16(s, i) << 16) | be16(s, i + 2); }

std::optional<ImageInfo> sized(std::string_view type, std::uint32_t w, std::uint32_t h) {
  if (w == 0 || h == 0) return std::nullopt;
  return ImageInfo{type, w, h};
}

std::optional<ImageInfo> png(std::string_view s) {
  // Signature, then the IHDR chunk first: length, "IHDR", width, height.
  if (s.size() < 24 || s.substr(0, 8) != std::string_view("\x89PNG\r\n\x1a\n", 8) || s.substr(12, 4) != "IHDR")
    return std::nullopt;
  std::uint32_t w = be32(s, 16), h = be32(s, 20);
  if (w > 0x7fffffff || h > 0x7fffffff) return std::nullopt;
  return sized("image/png", w, h);
}

std::optional<ImageInfo> gif(std::string_view s) {
  if (s.size() < 10 || (s.substr(0, 6) != "GIF87a" && s.substr(0, 6) != "GIF89a")) return std::nullopt;
  return sized("image/gif", le16(s, 6), le16(s, 8));
}

std::optional<ImageInfo> webp(std::string_view s) {
  if (s.size() < 30 || s.substr(0, 4) != "RIFF" || s.substr(8, 4) != "WEBP") return std::nullopt;
  std::string_view chunk = s.substr(12, 4);
  if (chunk == "VP8 ") {
    // Lossy: a key frame's start code, then 14-bit width and height.
    if (u8(s, 23) != 0x9d || u8(s, 24) != 0x01 || u8(s, 25) != 0x2a) return std::nullopt;
    return sized("image/webp", le16(s, 26) & 0x3fff, le16(s, 28) & 0x3fff);
  }
  if (chunk == "VP8L") {
    // Lossless: signature 0x2f, then width - 1 and height - 1 on 14 bits each.
    if (u8(s, 20) != 0x2f) return std::nullopt;
    std::uint32_t b0 = u8(s, 21), b1 = u8(s, 22), b2 = u8(s, 23), b3 = u8(s, 24);
    std::uint32_t w = 1 + (((b1 & 0x3f) << 8) | b0);
    std::uint32_t h = 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6));
    return sized("image/webp", w, h);
  }
  if (chunk == "VP8X") {
    // Extended: canvas width - 1 and height - 1 on 24 bits each.
    return sized("image/webp", 1 + le24(s, 24), 1 + le24(s, 27));
  }
  return std::nullopt;
}

std::optional<ImageInfo> jpeg(std::string_view s) {
  if (s.size() < 4 || u8(s, 0) != 0xff || u8(s, 1) != 0xd8) return std::nullopt;
  std::size_t i = 2;
  while (i + 1 < s.size()) {
    if (u8(s, i) != 0xff) return std::nullopt;  // not at a marker: damaged
    std::uint32_t marker = u8(s, i + 1);
    if (marker == 0xff) {  // fill byte
      ++i;
      continue;
    }
    i += 2;
    // Markers without a length.
    if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    if (marker == 0xd9 || marker == 0xda) return std::nullopt;  // end, or scan data before any frame
    if (i + 2 > s.size()) return std::nullopt;
    std::uint32_t length = be16(s, i);
    if (length < 2) return std::nullopt;
    bool frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    if (frame) {
      // Length, precision, height, width.
      if (length < 7 || i + 7 > s.size()) return std::nullopt;
      return sized("image/jpeg", be16(s, i + 5), be16(s, i + 3));
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ImageInfo> sniff_image(std::string_view head) {
  if (auto r = png(head)) return r;
  if (auto r = jpeg(head)) return r;
  if (auto r = gif(head)) return r;
  return webp(head);
}

}  // namespace ruche::chat
