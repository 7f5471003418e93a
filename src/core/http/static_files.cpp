#include "core/http/static_files.hpp"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ruche::http {

namespace fs = std::filesystem;

std::string_view mime_type(std::string_view name) {
  auto dot = name.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "webp") return "image/webp";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "wasm") return "application/wasm";
  if (ext == "webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

std::string_view StaticFiles::content_security_policy() {
  // 'wasm-unsafe-eval' lets the app compile WebAssembly it serves itself
  // (libsodium, for armoured workspaces: docs/armoured.md); it allows no
  // JavaScript eval.
  return "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
         "font-src 'self'; connect-src 'self'; media-src 'self' blob:; object-src 'none'; "
         "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

std::string_view StaticFiles::pdf_viewer_security_policy() {
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src blob: data:; "
         "sandbox allow-scripts; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
}

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

namespace {

bool compressible(std::string_view content_type) {
  return content_type.rfind("text/", 0) == 0 || content_type.rfind("application/json", 0) == 0 ||
         content_type.rfind("application/manifest+json", 0) == 0 ||
         content_type.rfind("image/svg+xml", 0) == 0;
}

// gzip of `data` at zlib's default level (level 9: 0.3 % smaller on the web
// client, 40 % longer at start-up), or nullopt when zlib fails.
std::optional<std::string> gzip_of(std::string_view data) {
  z_stream z{};
  // 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
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

std::string fnv_etag(std::string_view data) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}
}  // namespace

Result<std::unique_ptr<StaticFiles>> StaticFiles::load(const std::string& root,
                                                       std::uint64_t max_total_bytes) {
  auto sf = std::unique_ptr<StaticFiles>(new StaticFiles());
  sf->api_prefixes_ = {"/api/", "/dav/", "/.well-known/"};
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return sf;
  std::uint64_t total = 0;
  fs::path base = fs::canonical(root, ec);
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    File f;
    f.body = std::make_shared<const std::string>(ss.str());
    total += f.body->size();
    if (total > max_total_bytes) return fail(Errc::too_large, "web client files too large");
    std::string rel = "/" + fs::relative(it->path(), base, ec).generic_string();
    f.content_type = std::string(mime_type(rel));
    f.etag = fnv_etag(*f.body);
    if (compressible(f.content_type) && f.body->size() >= 1024) {
      auto packed = gzip_of(*f.body);
      if (packed && packed->size() <= f.body->size() / 10 * 9) {
        f.gzip = std::make_shared<const std::string>(std::move(*packed));
        f.gzip_etag = f.etag.substr(0, f.etag.size() - 1) + "-gz\"";
      }
    }
    f.immutable = rel.rfind("/assets/", 0) == 0;
    if (rel == "/pdf-viewer.html") f.kind = File::Kind::pdf_viewer;
    else if (rel.rfind("/pdf-viewer/", 0) == 0) f.kind = File::Kind::pdf_viewer_asset;
    sf->files_.emplace(std::move(rel), std::move(f));
  }
  return sf;
}

Response StaticFiles::respond(const File& f, const Request& req) const {
  Response r;
  r.headers.set("Content-Type", f.content_type);
  r.headers.set("Cache-Control",
                f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (f.kind == File::Kind::pdf_viewer) {
    r.headers.set("Content-Security-Policy", pdf_viewer_security_policy());
    r.headers.set("X-Frame-Options", "SAMEORIGIN");
  } else if (f.content_type.rfind("text/html", 0) == 0) {
    r.headers.set("Content-Security-Policy", content_security_policy());
  }
  if (f.kind == File::Kind::pdf_viewer_asset) r.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
  const bool gzip = f.gzip && accepts_gzip(req.headers.get("Accept-Encoding").value_or(""));
  const std::string& etag = gzip ? f.gzip_etag : f.etag;
  if (f.gzip) r.headers.set("Vary", "Accept-Encoding");
  r.headers.set("ETag", etag);
  if (auto inm = req.headers.get("If-None-Match"); inm && *inm == etag) {
    r.status = 304;
    return r;
  }
  const auto& bytes = gzip ? f.gzip : f.body;
  if (gzip) r.headers.set("Content-Encoding", "gzip");
  r.shared_body = SharedBytes{bytes, *bytes};
  return r;
}

Response StaticFiles::serve(const Request& req) const {
  for (const auto& p : api_prefixes_) {
    if (req.path.rfind(p, 0) == 0) return error_response(Errc::not_found, "no such route");
  }
  if (req.method == "OPTIONS") {
    Response r;
    r.headers.set("Allow", "OPTIONS, GET, HEAD");
    if (req.path == "/")
      for (const auto& [name, value] : root_options_) r.headers.set(name, value);
    return r;
  }
  if (req.method != "GET" && req.method != "HEAD") {
    Response r = error_response(Errc::method_not_allowed, "method not allowed");
    r.headers.set("Allow", "OPTIONS, GET, HEAD");
    return r;
  }
  auto decoded = percent_decode(req.path);
  if (decoded) {
    auto it = files_.find(*decoded);
    if (it != files_.end()) return respond(it->second, req);
  }
  // Missing hashed asset: a real 404, never index.html (a stale tab would
  // otherwise parse HTML as JavaScript).
  if (req.path.rfind("/assets/", 0) == 0) return error_response(Errc::not_found, "no such file");
  return app_page(req);
}

Response StaticFiles::app_page(const Request& req) const {
  auto index = files_.find("/index.html");
  if (index != files_.end()) return respond(index->second, req);
  Response r;
  r.headers.set("Content-Type", "text/html; charset=utf-8");
  r.headers.set("Content-Security-Policy", content_security_policy());
  r.headers.set("Cache-Control", "no-cache");
  r.body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ruche</title></head>"
      "<body><h1>Ruche</h1><p>The web client is not built. Run <code>make build</code>.</p>"
      "</body></html>";
  return r;
}

}  // namespace ruche::http
