// Serves a built single-page application (web/dist) from memory.
//
// Files are read once at start-up (bounded). Hashed assets under /assets/
// are cached for a year; index.html is revalidated every time. Any other GET
// path that names no file gets index.html (the SPA's own router decides),
// except under the prefixes the API owns, which get a JSON 404.
//
// Text files (scripts, styles, pages, SVG, JSON) of 1 KiB or more are also
// kept gzip-compressed (once, at start-up) when that saves at
// least a tenth: a client that accepts gzip gets those bytes, with their own
// ETag and `Vary: Accept-Encoding`. No secret is ever in these files, so
// compression leaks nothing (BREACH needs one).
//
// One page is not the app: /pdf-viewer.html, the PDF preview frame. It runs
// sandboxed (CSP `sandbox allow-scripts`: an opaque origin, no cookie, no
// API) and may only be framed by the app; its script and style under
// /pdf-viewer/ may be loaded by that opaque origin (CORP cross-origin).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "core/http/compress.hpp"
#include "core/http/message.hpp"

namespace ruche::http {

class StaticFiles {
 public:
  // Loads every regular file under `root` (no symlinks followed out of it).
  // A missing root gives an empty set that serves a short notice page.
  // Errors: too_large past `max_total_bytes`.
  static Result<std::unique_ptr<StaticFiles>> load(const std::string& root,
                                                   std::uint64_t max_total_bytes = 256u << 20);

  // Answers GET/HEAD for `req`, and OPTIONS (200, `Allow`); other methods
  // get 405, `api_prefixes` (e.g. "/api/") a JSON 404. Never blocks.
  Response serve(const Request& req) const;

  // The application's page (index.html, or the notice when the client is
  // not built) whatever the path: for routes that answer a browser
  // navigation with the SPA and other clients with data (share links).
  Response app_page(const Request& req) const;

  void set_api_prefixes(std::vector<std::string> prefixes) { api_prefixes_ = std::move(prefixes); }
  // Headers added to the answer to `OPTIONS /`: WebDAV clients (Microsoft
  // Office, Windows' WebClient) ask the server's root whether it speaks DAV
  // before they use a folder below it.
  void set_root_options(std::vector<std::pair<std::string, std::string>> headers) {
    root_options_ = std::move(headers);
  }
  // Content-Security-Policy of the app's pages, and of the PDF preview frame.
  static std::string_view content_security_policy();
  static std::string_view pdf_viewer_security_policy();
  std::size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::shared_ptr<const std::string> body;  // shared with the responses, never copied
    std::shared_ptr<const std::string> gzip;  // null: not worth compressing
    std::string content_type;
    std::string etag;
    std::string gzip_etag;
    bool immutable = false;
    enum class Kind { app, pdf_viewer, pdf_viewer_asset } kind = Kind::app;
  };
  Response respond(const File& f, const Request& req) const;

  std::unordered_map<std::string, File> files_;  // by URL path ("/index.html")
  std::vector<std::string> api_prefixes_;
  std::vector<std::pair<std::string, std::string>> root_options_;
};

// The MIME type for a file name's extension.
std::string_view mime_type(std::string_view filename);

}  // namespace ruche::http
