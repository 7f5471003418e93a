// The HTTP answer for a stored content (a Files version, a chat attachment):
// one place for the validators, ranges and the headers that keep user files
// from being rendered on the app's origin.
//
//   ETag, Accept-Ranges, Last-Modified (when the content has a time);
//   If-Match -> 412; If-None-Match, else If-Modified-Since -> 304;
//   Range (with If-Range) -> 206 or 416;
//   Content-Type as stored only when safe_to_serve() (or allowed inline),
//   else application/octet-stream; CSP "default-src 'none'; sandbox";
//   Content-Disposition attachment or inline with the RFC 5987 file name.
//
// The body: none for HEAD; shared with the cache that holds it (`view`,
// when given) without a copy; else read at once into the response when it is
// small (no hand-off to a streaming worker, and a read error is an error
// status rather than a truncated body); streamed otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/function_ref.hpp"
#include "base/result.hpp"
#include "base/shared_bytes.hpp"
#include "core/http/message.hpp"

namespace ruche::platform {

// Bodies up to this size are read before the head is sent.
inline constexpr std::uint64_t kInlineContentBytes = 256u << 10;

struct ContentHead {
  std::uint64_t size_bytes = 0;
  std::string sha256;                      // hex; the ETag is it, quoted
  std::optional<std::int64_t> mtime_ms;    // Last-Modified / If-Modified-Since
  std::string content_type;
  bool type_trusted = false;               // serve content_type even if not safe_to_serve()
  std::string file_name;                   // for Content-Disposition; empty: none
  bool inline_disposition = false;         // "inline" instead of "attachment"
  std::string cache_control;               // empty: none
};

// Reads bytes [offset, offset + length) to the sink (the module's read).
using ContentRead = std::function<Result<std::uint64_t>(std::uint64_t offset, std::uint64_t length,
                                                        FunctionRef<Result<void>(std::string_view)> sink)>;

// Bytes [offset, offset + length) when a cache holds them; empty otherwise.
// Never blocks.
using ContentView = std::function<SharedBytes(std::uint64_t offset, std::uint64_t length)>;

http::Response content_response(const http::Request& req, const ContentHead& head, ContentRead read,
                                const ContentView& view = {});
// The same answer from memory only, for fast paths on I/O threads: nullopt
// when the body would have to be read (not in `view`).
std::optional<http::Response> content_response_cached(const http::Request& req, const ContentHead& head,
                                                      const ContentView& view);

}  // namespace ruche::platform
