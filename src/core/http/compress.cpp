#include "core/http/compress.hpp"

#include <zlib.h>

#include <limits>

namespace ruche::http {

namespace {

constexpr std::size_t kMinCompressedBytes = 1024;

bool compressible_type(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("application/manifest+json") ||
         content_type.starts_with("image/svg+xml");
}

}  // namespace

bool accepts_gzip(std::string_view value) {
  bool star = false, gzip = false, gzip_refused = false;
  each_weighted(value, [&](std::string_view coding, double q) {
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      (q > 0 ? gzip : gzip_refused) = true;
    } else if (coding == "*" && q > 0) {
      star = true;
    }
  });
  return gzip || (star && !gzip_refused);
}

std::optional<std::string> gzip(std::string_view data, int level) {
  if (data.size() > std::numeric_limits<uInt>::max()) return std::nullopt;
  z_stream z{};
  // 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    return std::nullopt;
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

std::optional<std::string> gunzip(std::string_view data, std::size_t max_bytes) {
  if (data.size() > std::numeric_limits<uInt>::max()) return std::nullopt;
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int rc = Z_OK;
  bool fits = true;
  char buf[16384];
  while (rc == Z_OK && fits) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);  // Z_BUF_ERROR when truncated
    const std::size_t got = sizeof buf - z.avail_out;
    fits = out.size() + got <= max_bytes;
    if (fits) out.append(buf, got);
  }
  inflateEnd(&z);
  // One member, nothing after it.
  if (!fits || rc != Z_STREAM_END || z.avail_in != 0) return std::nullopt;
  return out;
}

std::optional<std::string> gzip_if_worth(std::string_view data, std::string_view content_type,
                                         int level) {
  if (data.size() < kMinCompressedBytes || !compressible_type(content_type)) return std::nullopt;
  auto packed = gzip(data, level);
  if (!packed || packed->size() > data.size() / 10 * 9) return std::nullopt;
  return packed;
}

std::string gzip_etag(std::string_view etag) {
  if (etag.size() < 2 || etag.back() != '"') return std::string(etag);
  std::string out(etag.substr(0, etag.size() - 1));
  out += "-gz\"";
  return out;
}

void gzip_response(Response& r, std::string_view accept_encoding, int level) {
  const auto vary = r.headers.get("Vary");
  bool varies = false;
  if (vary)
    each_weighted(*vary, [&](std::string_view field, double) {
      varies = varies || iequals(field, "Accept-Encoding") || field == "*";
    });
  if (!varies)
    r.headers.set("Vary", vary ? std::string(*vary) + ", Accept-Encoding" : "Accept-Encoding");

  if (r.status < 200 || r.status >= 300 || r.status == 204 || r.status == 206 || r.stream ||
      r.websocket || r.headers.has("Content-Encoding") || !accepts_gzip(accept_encoding))
    return;
  auto packed = gzip_if_worth(r.body_bytes(), r.headers.get("Content-Type").value_or(""), level);
  if (!packed) return;
  r.body = std::move(*packed);
  r.shared_body = {};
  r.headers.set("Content-Encoding", "gzip");
  if (auto etag = r.headers.get("ETag")) r.headers.set("ETag", gzip_etag(*etag));
}

}  // namespace ruche::http
