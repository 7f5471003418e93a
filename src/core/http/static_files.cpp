#include "base/fnv.hpp"
#include "core/http/static_files.hpp"

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

namespace {

std::string fnv_etag(std::string_view data) {
  return "\"" + fnv_hex(fnv1a(data)) + "\"";
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
    // zlib's default level: 9 makes the web client 0.3 % smaller and the
    // start-up 40 % longer.
    if (auto packed = gzip_if_worth(*f.body, f.content_type)) {
      f.gzip = std::make_shared<const std::string>(std::move(*packed));
      f.gzip_etag = gzip_etag(f.etag);
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
