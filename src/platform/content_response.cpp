#include "platform/content_response.hpp"

#include "dav/dav.hpp"
#include "platform/file_names.hpp"

namespace ruche::platform {

namespace {

// Everything but the body's bytes. Returns the finished answer when it has
// none to send (412, 304, 416, HEAD, empty), else the answer to fill with
// `part`.
struct Prepared {
  http::Response res;
  std::optional<http::ByteRange> part;  // bytes still to put in the body
};

Prepared prepare(const http::Request& req, const ContentHead& head) {
  const std::uint64_t size = head.size_bytes;
  const std::string etag = "\"" + head.sha256 + "\"";
  http::Response res;
  res.headers.set("ETag", etag);
  res.headers.set("Accept-Ranges", "bytes");
  if (head.mtime_ms) res.headers.set("Last-Modified", dav::http_date(*head.mtime_ms));
  if (!head.cache_control.empty()) res.headers.set("Cache-Control", head.cache_control);
  if (auto h = req.headers.get("If-Match"); h && !dav::etag_listed(*h, etag, false))
    return {http::error_response(Errc::precondition_failed, "If-Match failed", "precondition_failed")};
  if (auto since = dav::unmodified_since(req.headers.get("If-Match"), req.headers.get("If-Unmodified-Since"));
      since && head.mtime_ms && dav::later_than(*head.mtime_ms, *since))
    return {http::error_response(Errc::precondition_failed, "If-Unmodified-Since failed", "precondition_failed")};
  if (auto h = req.headers.get("If-None-Match")) {
    if (dav::etag_listed(*h, etag, true)) {
      res.status = 304;
      return {std::move(res)};
    }
  } else if (auto ims = req.headers.get("If-Modified-Since"); ims && head.mtime_ms) {
    if (auto since = dav::parse_http_date(*ims); since && !dav::later_than(*head.mtime_ms, *since)) {
      res.status = 304;
      return {std::move(res)};
    }
  }
  auto range = req.headers.get("Range");
  if (auto ir = req.headers.get("If-Range"); range && ir && *ir != etag) range.reset();
  auto part = http::byte_range(range, size);
  if (!part) return {http::range_not_satisfiable(size)};
  if (part->partial) {
    res.status = 206;
    res.headers.set("Content-Range", http::content_range(*part, size));
  }
  const bool as_stored = !head.content_type.empty() && (head.type_trusted || safe_to_serve(head.content_type));
  res.headers.set("Content-Type", as_stored ? head.content_type : "application/octet-stream");
  res.headers.set("Content-Security-Policy", "default-src 'none'; sandbox");
  if (!head.file_name.empty())
    res.headers.set("Content-Disposition",
                    http::content_disposition(head.inline_disposition ? "inline" : "attachment", head.file_name));
  res.content_length = part->length;
  if (part->length == 0 || req.method == "HEAD") return {std::move(res)};
  return {std::move(res), *part};
}

}  // namespace

http::Response content_response(const http::Request& req, const ContentHead& head, ContentRead read,
                                const ContentView& view) {
  auto [res, part] = prepare(req, head);
  if (!part) return std::move(res);
  const std::uint64_t from = part->offset, len = part->length;
  if (view) {
    if (SharedBytes b = view(from, len); b && b.bytes.size() == len) {
      res.shared_body = std::move(b);
      return std::move(res);
    }
  }
  if (len <= kInlineContentBytes) {
    res.body.reserve(len);
    auto n = read(from, len, [&res](std::string_view d) -> Result<void> {
      res.body.append(d);
      return {};
    });
    if (!n) return http::error_response(n.error());
    if (*n != len) return http::error_response(Errc::internal, "content shorter than recorded");
    return std::move(res);
  }
  res.stream = [read = std::move(read), from, len](http::BodyWriter& w) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] auto n, read(from, len, [&w](std::string_view d) { return w.write(d); }));
    return {};
  };
  return std::move(res);
}

std::optional<http::Response> content_response_cached(const http::Request& req, const ContentHead& head,
                                                      const ContentView& view) {
  auto [res, part] = prepare(req, head);
  if (!part) return std::move(res);
  SharedBytes b = view(part->offset, part->length);
  if (!b || b.bytes.size() != part->length) return std::nullopt;
  res.shared_body = std::move(b);
  return std::move(res);
}

}  // namespace ruche::platform
