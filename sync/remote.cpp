#include "sync/remote.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <mutex>

#include "base/clock.hpp"
#include "core/crypto/hash.hpp"
#include "core/http/message.hpp"

namespace ruche::sync {

namespace {

void curl_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// localhost, [::1] or an IPv4 literal 127.x.y.z (not a name that merely
// begins with "127.").
bool loopback_host(std::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  if (!host.starts_with("127.")) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

Errc errc_of_status(long status) {
  switch (status) {
    case 400:
      return Errc::invalid;
    case 401:
      return Errc::unauthenticated;
    case 403:
      return Errc::forbidden;
    case 404:
      return Errc::not_found;
    case 405:
      return Errc::method_not_allowed;
    case 409:
      return Errc::conflict;
    case 410:
      return Errc::gone;
    case 412:
      return Errc::precondition_failed;
    case 413:
      return Errc::too_large;
    case 415:
      return Errc::unsupported_media;
    case 423:
      return Errc::locked;
    case 429:
      return Errc::rate_limited;
    case 507:
      return Errc::insufficient_storage;
    default:
      return status >= 500 ? Errc::unavailable : Errc::internal;
  }
}

std::string str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return {};
  return std::string(it->value().get_string());
}

std::int64_t num(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_int64()) return 0;
  return it->value().get_int64();
}

}  // namespace

Result<std::string> normalize_server_url(std::string_view url, bool allow_http) {
  std::string u(url);
  while (!u.empty() && u.back() == '/') u.pop_back();
  bool https = u.starts_with("https://");
  if (!https && !u.starts_with("http://"))
    return fail(Errc::invalid,
                "the server's address must start with https:// (or http:// on this machine)");
  std::string_view rest = std::string_view(u).substr(https ? 8 : 7);
  std::string_view host = rest.substr(0, rest.find('/'));
  if (host.empty() || host.find('@') != std::string_view::npos ||
      host.find('?') != std::string_view::npos || host.find('#') != std::string_view::npos)
    return fail(Errc::invalid, "the server's address has no host, or credentials in it");
  for (char c : u)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#' || c == 0x7f)
      return fail(Errc::invalid, "the server's address has spaces, a query or a fragment");
  std::string_view hostname = host;
  if (hostname.starts_with("[")) {
    hostname = hostname.substr(0, hostname.find(']') + 1);
  } else {
    hostname = hostname.substr(0, hostname.find(':'));
  }
  if (!https && !allow_http && !loopback_host(hostname))
    return fail(Errc::invalid,
                "plain http would send the password and the files in clear: use https:// (or "
                "--allow-http)");
  return u;
}

std::string encode_segment(std::string_view s) {
  return http::percent_encode(s);
}

RemoteNode node_from_json(const json::object& o) {
  RemoteNode n;
  n.id = str(o, "id");
  n.parent_id = str(o, "parent_id");
  n.name = str(o, "name");
  n.path = str(o, "path");
  n.folder = str(o, "kind") == "folder";
  n.etag = str(o, "etag");
  n.sha256 = str(o, "sha256");
  n.size = num(o, "size");
  std::string mtime = str(o, "mtime");
  if (!mtime.empty()) parse_iso8601(mtime, n.mtime_ms);
  return n;
}

struct Remote::Handle {
  CURL* curl = nullptr;
  Handle() {
    curl_init_once();
    curl = curl_easy_init();
  }
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

// One request: what to send, where the answer goes.
struct Remote::Call {
  // For libcurl's progress callback, set by attempt().
  const std::atomic<bool>* stop = nullptr;
  const std::function<void()>* progress = nullptr;
  std::string method;
  std::string path;  // after the server's address: "/api/v1/..."
  std::vector<std::string> headers;
  std::string body;    // a small body
  int upload_fd = -1;  // or a file's bytes
  std::int64_t upload_size = 0;
  int download_fd = -1;  // a 2xx answer's bytes go there
  crypto::Sha256* download_hash = nullptr;
  std::string pending;              // received, hashed, not yet written to download_fd
  off_t download_offset = 0;        // download_fd's offset when the download began
  std::int64_t written = 0;         // bytes written to download_fd
  std::int64_t written_behind = 0;  // of which the kernel was told to write back
  // Filled in:
  long status = 0;
  std::string answer;  // the body when not downloaded (bounded)
  Error io_error{};
  bool io_failed = false;
  std::int64_t up = 0;
  std::int64_t down = 0;
  int retry_after_s = -1;
  void* curl = nullptr;
};

namespace {

constexpr const char* kUserAgent = "ruche-sync/0.1";
constexpr std::size_t kMaxAnswer = 64 << 20;  // a listing page of 1,000 nodes is ~600 KiB
// Downloads: libcurl's receive buffer (its default, 16 KiB, costs a
// recvfrom, a poll and a write per 16 KiB: 65,000 of each per GiB); the
// writes to the local file, 1 MiB each (larger ones were slower here: the
// data no longer stays in the CPU's cache); and every 8 MiB written, the
// kernel told to start writing them to disk, so that the fsync at the end
// has little left to wait for (docs/benchmarks.md, "Desktop sync").
constexpr long kReceiveBuffer = 512 << 10;
constexpr std::size_t kDownloadWrite = 1 << 20;
constexpr std::int64_t kWriteBehind = 8 << 20;

std::size_t on_read(char* out, std::size_t size, std::size_t n, void* p) {
  auto* c = static_cast<Remote::Call*>(p);
  for (;;) {
    ssize_t got = ::read(c->upload_fd, out, size * n);
    if (got >= 0) {
      c->up += got;
      return static_cast<std::size_t>(got);
    }
    if (errno == EINTR) continue;
    c->io_failed = true;
    c->io_error = make_error(Errc::unavailable,
                             std::string("reading the local file: ") + std::strerror(errno));
    return CURL_READFUNC_ABORT;
  }
}

// Writes what the download holds back to its file. False (the error kept)
// when the disk refuses.
bool flush_download(Remote::Call* c) {
  std::size_t done = 0;
  while (done < c->pending.size()) {
    ssize_t w = ::write(c->download_fd, c->pending.data() + done, c->pending.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      c->io_failed = true;
      c->io_error = make_error(errno == ENOSPC ? Errc::insufficient_storage : Errc::unavailable,
                               std::string("writing the local file: ") + std::strerror(errno));
      return false;
    }
    done += static_cast<std::size_t>(w);
  }
  c->written += static_cast<std::int64_t>(c->pending.size());
  c->pending.clear();
  if (c->written - c->written_behind >= kWriteBehind) {
    // Only starts the writing (no wait, nothing promised): the fsync is
    // the caller's. Offsets are the file's from where the download began.
    ::sync_file_range(c->download_fd, c->download_offset + c->written_behind,
                      c->written - c->written_behind, SYNC_FILE_RANGE_WRITE);
    c->written_behind = c->written;
  }
  return true;
}

std::size_t on_write(char* in, std::size_t size, std::size_t n, void* p) {
  auto* c = static_cast<Remote::Call*>(p);
  const std::size_t len = size * n;
  c->down += static_cast<std::int64_t>(len);
  if (c->download_fd >= 0) {
    long status = 0;
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      // Hashed as it arrives (still in the CPU's cache), written in large
      // pieces: one write per kDownloadWrite bytes, not one per packet.
      if (c->download_hash) c->download_hash->update(std::string_view(in, len));
      // Room for the most it holds, once (a small file touches a page of it).
      if (c->pending.capacity() < kDownloadWrite + kReceiveBuffer)
        c->pending.reserve(kDownloadWrite + kReceiveBuffer);
      c->pending.append(in, len);
      if (c->pending.size() >= kDownloadWrite && !flush_download(c)) return 0;  // aborts
      return len;
    }
  }
  if (c->answer.size() + len > kMaxAnswer) return 0;
  c->answer.append(in, len);
  return len;
}

std::size_t on_header(char* in, std::size_t size, std::size_t n, void* p) {
  auto* c = static_cast<Remote::Call*>(p);
  std::string_view line(in, size * n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() && http::iequals(line.substr(0, kName.size()), kName)) {
    int seconds = 0;
    std::string_view v = line.substr(kName.size());
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec == std::errc() && end != v.data()) c->retry_after_s = seconds;
  }
  return size * n;
}

// `p`: the Call in progress (null once it is over). `stop` abandons it;
// the Remote's progress callback runs otherwise.
int on_progress(void* p, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* c = static_cast<const Remote::Call*>(p);
  if (c == nullptr) return 0;
  if (c->stop && c->stop->load()) return 1;
  if (c->progress && *c->progress) (*c->progress)();
  return 0;
}

// What every connection to the server gets, requests and raw connections
// alike: the address, the transport, the certificates, the connect
// timeout, and `call`'s `stop` abandoning it (on_progress).
void set_connection_options(CURL* curl, const std::string& url, const Remote::Options& o,
                            Remote::Call* call) {
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, static_cast<void*>(call));
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  if (!o.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, o.ca_file.c_str());
}

// After curl_easy_perform: `call` is about to go, nothing may point to it.
void forget_call(CURL* curl) {
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 1L);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, static_cast<void*>(nullptr));
}

}  // namespace

Remote::Remote(std::string base_url, std::string token, Options options)
    : base_(std::move(base_url)),
      token_(std::move(token)),
      options_(std::move(options)),
      handle_(std::make_unique<Handle>()) {}

Remote::~Remote() = default;

Result<json::value> Remote::perform(Call& c) {
  // The server's write limit (429) and a dependency down for a moment (503
  // with Retry-After) are waited out, as the server asks, then tried again.
  constexpr int kMaxRetries = 30;
  for (int tries = 0;; ++tries) {
    c.status = 0;
    c.answer.clear();
    c.retry_after_s = -1;
    c.up = c.down = 0;
    c.pending.clear();
    c.written = c.written_behind = 0;
    if (c.download_fd >= 0)
      c.download_offset = std::max<off_t>(::lseek(c.download_fd, 0, SEEK_CUR), 0);
    if (c.upload_fd >= 0 && ::lseek(c.upload_fd, 0, SEEK_SET) < 0)
      return fail(Errc::unavailable, "cannot rewind the local file");
    auto r = attempt(c);
    const bool busy = c.status == 429 || (c.status == 503 && c.retry_after_s >= 0);
    if (!busy || tries >= kMaxRetries) return r;
    const int wait_ms = std::clamp(c.retry_after_s < 0 ? 1 : c.retry_after_s, 1, 60) * 1000;
    for (int waited = 0; waited < wait_ms; waited += 100) {
      if (options_.stop && options_.stop->load()) return r;
      if (progress_) progress_();  // a wait for the server like any other
      ::usleep(100'000);
    }
  }
}

Result<json::value> Remote::attempt(Call& c) {
  CURL* curl = handle_->curl;
  if (curl == nullptr) return fail(Errc::internal, "curl_easy_init failed");
  curl_easy_reset(curl);
  c.curl = curl;
  c.stop = options_.stop;
  c.progress = &progress_;
  std::string url = base_ + c.path;
  curl_slist* headers = nullptr;
  std::vector<std::string> all = c.headers;
  if (!token_.empty()) all.push_back("Authorization: Bearer " + token_);
  all.emplace_back("Accept: application/json");
  all.emplace_back("Expect:");  // no 100-continue round trip
  for (const auto& h : all) headers = curl_slist_append(headers, h.c_str());
  set_connection_options(curl, url, options_, &c);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.stall_timeout_s));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &c);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &c);
  // Every request, not only downloads: a listing's pages are large too, and
  // a handle keeps one buffer rather than one per size.
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, kReceiveBuffer);
  if (c.upload_fd >= 0) {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &c);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(c.upload_size));
    if (c.method != "PUT") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, c.method.c_str());
  } else if (c.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, c.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, c.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(c.body.size()));
  }
  const CURLcode rc = curl_easy_perform(curl);
  forget_call(curl);
  curl_slist_free_all(headers);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &c.status);
  if (rc == CURLE_OK && !c.pending.empty()) flush_download(&c);  // the last piece
  c.pending = std::string();
  bytes_up_ += c.up;
  bytes_down_ += c.down;
  if (c.io_failed) return tl::unexpected(c.io_error);
  if (rc == CURLE_ABORTED_BY_CALLBACK) return fail(Errc::unavailable, "stopped");
  if (rc != CURLE_OK)
    return fail(Errc::unavailable,
                std::string("cannot reach ") + base_ + ": " + curl_easy_strerror(rc));
  json::value v;
  if (!c.answer.empty()) {
    auto parsed = json::parse(c.answer);
    if (parsed) v = std::move(*parsed);
  }
  if (c.status >= 200 && c.status < 300) return v;
  std::string code;
  std::string message = "the server answered " + std::to_string(c.status);
  if (v.is_object()) {
    if (auto* e = v.as_object().if_contains("error"); e && e->is_object()) {
      code = str(e->as_object(), "code");
      std::string m = str(e->as_object(), "message");
      if (!m.empty()) message = m;
    }
  }
  return fail(errc_of_status(c.status), message, code);
}

Result<json::value> Remote::json_call(std::string_view method, const std::string& path,
                                      const json::value* body, std::vector<std::string> headers) {
  Call c;
  c.method = std::string(method);
  c.path = path;
  c.headers = std::move(headers);
  if (body) {
    c.body = json::serialize(*body);
    c.headers.emplace_back("Content-Type: application/json");
  }
  return perform(c);
}

Result<std::string> Remote::login(std::string_view email, std::string_view password,
                                  std::optional<std::string> totp_code) {
  json::object in;
  in["email"] = email;
  in["password"] = password;
  if (totp_code) in["totp_code"] = *totp_code;
  json::value body(std::move(in));
  std::string saved = std::exchange(token_, {});
  auto r = json_call("POST", "/api/v1/auth/login", &body);
  token_ = std::move(saved);
  if (!r) return tl::unexpected(r.error());
  if (!r->is_object()) return fail(Errc::unavailable, "the server's login answer is not JSON");
  std::string token = str(r->as_object(), "token");
  if (token.empty()) return fail(Errc::unavailable, "the server's login answer has no token");
  return token;
}

Result<Remote::AppToken> Remote::create_app_token(std::string_view name) {
  json::object in;
  in["name"] = name;
  json::value body(std::move(in));
  RUCHE_TRY(auto v, json_call("POST", "/api/v1/me/app-tokens", &body));
  if (!v.is_object()) return fail(Errc::unavailable, "the server's app token answer is not JSON");
  AppToken t{str(v.as_object(), "id"), str(v.as_object(), "token")};
  if (t.token.empty()) return fail(Errc::unavailable, "the server's app token answer has no token");
  return t;
}

Result<void> Remote::revoke_session(std::string_view id) {
  RUCHE_CHECK(json_call("DELETE", "/api/v1/me/sessions/" + encode_segment(id), nullptr));
  return {};
}

Result<void> Remote::logout() {
  RUCHE_CHECK(json_call("POST", "/api/v1/auth/logout", nullptr));
  return {};
}

Result<json::object> Remote::me() {
  RUCHE_TRY(auto v, json_call("GET", "/api/v1/me", nullptr));
  if (!v.is_object()) return fail(Errc::unavailable, "the server's answer is not JSON");
  return std::move(v.as_object());
}

Result<WorkspaceInfo> Remote::workspace(std::string_view workspace_id) {
  RUCHE_TRY(auto v,
            json_call("GET", "/api/v1/workspaces/" + encode_segment(workspace_id), nullptr));
  if (!v.is_object()) return fail(Errc::unavailable, "the server's answer is not JSON");
  const auto& o = v.as_object();
  WorkspaceInfo w;
  w.id = str(o, "id");
  w.name = str(o, "name");
  if (auto* a = o.if_contains("armoured"); a && a->is_bool()) w.armoured = a->get_bool();
  w.files_right = "none";
  if (auto* r = o.if_contains("rights"); r && r->is_object()) {
    std::string right = str(r->as_object(), "files");
    if (!right.empty()) w.files_right = right;
  }
  return w;
}

Result<Listing> Remote::list(std::string_view workspace_id, std::string_view folder_id) {
  const std::string base = folder_id.empty()
                               ? "/api/v1/workspaces/" + encode_segment(workspace_id) + "/files"
                               : "/api/v1/files/" + encode_segment(folder_id) + "/children";
  constexpr int kPage = 1000;
  for (int attempt = 0; attempt < 5; ++attempt) {
    Listing out;
    std::string first_etag;
    std::int64_t total = 0;
    bool moved = false;
    for (std::int64_t offset = 0;; offset += kPage) {
      RUCHE_TRY(auto v, json_call("GET",
                                  base + "?sort=name&limit=" + std::to_string(kPage) +
                                      "&offset=" + std::to_string(offset),
                                  nullptr));
      if (!v.is_object()) return fail(Errc::unavailable, "the server's listing is not JSON");
      const auto& o = v.as_object();
      auto* folder = o.if_contains("folder");
      auto* items = o.if_contains("items");
      if (!folder || !folder->is_object() || !items || !items->is_array())
        return fail(Errc::unavailable, "the server's listing lacks its folder or items");
      out.folder = node_from_json(folder->as_object());
      if (offset == 0) {
        first_etag = out.folder.etag;
      } else if (out.folder.etag != first_etag) {
        moved = true;  // it changed between pages: read it again
        break;
      }
      total = num(o, "total");
      for (const auto& item : items->as_array())
        if (item.is_object()) out.items.push_back(node_from_json(item.as_object()));
      if (items->as_array().size() < static_cast<std::size_t>(kPage) || offset + kPage >= total)
        break;
    }
    if (!moved) return out;
  }
  return fail(Errc::unavailable, "a folder kept changing while it was listed");
}

Result<std::string> Remote::root_etag(std::string_view workspace_id) {
  RUCHE_TRY(
      auto v,
      json_call("GET", "/api/v1/workspaces/" + encode_segment(workspace_id) + "/files?limit=1",
                nullptr));
  if (!v.is_object()) return fail(Errc::unavailable, "the server's listing is not JSON");
  auto* folder = v.as_object().if_contains("folder");
  if (!folder || !folder->is_object())
    return fail(Errc::unavailable, "the server's listing lacks its folder");
  return str(folder->as_object(), "etag");
}

Result<RemoteNode> Remote::make_folder(std::string_view workspace_id, std::string_view parent_id,
                                       std::string_view name) {
  json::object in;
  in["name"] = name;
  if (!parent_id.empty()) in["parent_id"] = parent_id;
  json::value body(std::move(in));
  RUCHE_TRY(
      auto v,
      json_call("POST", "/api/v1/workspaces/" + encode_segment(workspace_id) + "/files/folders",
                &body));
  if (!v.is_object()) return fail(Errc::unavailable, "the server's answer is not JSON");
  return node_from_json(v.as_object());
}

Result<RemoteNode> Remote::upload(std::string_view workspace_id, std::string_view parent_id,
                                  std::string_view name, int fd, std::int64_t size,
                                  std::int64_t mtime_ms, std::string_view if_match) {
  Call c;
  c.method = "PUT";
  c.path =
      (parent_id.empty() ? "/api/v1/workspaces/" + encode_segment(workspace_id) + "/files/children/"
                         : "/api/v1/files/" + encode_segment(parent_id) + "/children/") +
      encode_segment(name);
  c.upload_fd = fd;
  c.upload_size = size;
  c.headers.emplace_back("Content-Type: application/octet-stream");
  c.headers.push_back("X-OC-Mtime: " + std::to_string(mtime_ms < 0 ? 0 : mtime_ms / 1000));
  if (if_match.empty()) {
    c.headers.emplace_back("If-None-Match: *");
  } else {
    c.headers.push_back("If-Match: " + std::string(if_match));
  }
  RUCHE_TRY(auto v, perform(c));
  if (c.up != size) return fail(Errc::unavailable, "the local file changed size while it was sent");
  if (!v.is_object()) return fail(Errc::unavailable, "the server's answer is not JSON");
  return node_from_json(v.as_object());
}

Result<std::string> Remote::download(std::string_view file_id, std::string_view etag, int fd) {
  Call c;
  c.method = "GET";
  c.path = "/api/v1/files/" + encode_segment(file_id) + "/content";
  if (!etag.empty()) c.headers.push_back("If-Match: " + std::string(etag));
  crypto::Sha256 hash;
  c.download_fd = fd;
  c.download_hash = &hash;
  RUCHE_CHECK(perform(c));
  return hash.finish_hex();
}

Result<RemoteNode> Remote::move(std::string_view node_id, std::string_view parent_id,
                                std::string_view name) {
  json::object in;
  in["name"] = name;
  if (parent_id.empty()) {
    in["parent_id"] = nullptr;
  } else {
    in["parent_id"] = parent_id;
  }
  json::value body(std::move(in));
  RUCHE_TRY(auto v, json_call("PATCH", "/api/v1/files/" + encode_segment(node_id), &body));
  if (!v.is_object()) return fail(Errc::unavailable, "the server's answer is not JSON");
  return node_from_json(v.as_object());
}

Result<void> Remote::remove(std::string_view node_id, std::string_view etag) {
  std::vector<std::string> headers;
  if (!etag.empty()) headers.push_back("If-Match: " + std::string(etag));
  RUCHE_CHECK(
      json_call("DELETE", "/api/v1/files/" + encode_segment(node_id), nullptr, std::move(headers)));
  return {};
}

// ---- Raw connections ---------------------------------------------------------

RawConnection::~RawConnection() {
  curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<void> RawConnection::send_all(std::string_view bytes, int timeout_ms) {
  auto* curl = static_cast<CURL*>(curl_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!bytes.empty()) {
    std::size_t sent = 0;
    CURLcode rc = curl_easy_send(curl, bytes.data(), bytes.size(), &sent);
    if (rc == CURLE_OK) {
      bytes.remove_prefix(sent);
      continue;
    }
    if (rc != CURLE_AGAIN)
      return fail(Errc::unavailable, std::string("sending: ") + curl_easy_strerror(rc));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return fail(Errc::unavailable, "sending: the server takes nothing more");
    // TLS may need to read before it can write: either wakes it.
    pollfd p{fd_, POLLOUT | POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
  }
  return {};
}

Result<std::string> RawConnection::receive(std::size_t max) {
  std::string out(max, '\0');
  std::size_t got = 0;
  CURLcode rc = curl_easy_recv(static_cast<CURL*>(curl_), out.data(), max, &got);
  if (rc == CURLE_AGAIN) return std::string();
  if (rc != CURLE_OK)
    return fail(Errc::unavailable, std::string("receiving: ") + curl_easy_strerror(rc));
  if (got == 0) return fail(Errc::unavailable, "the server closed the connection");
  out.resize(got);
  return out;
}

Result<std::unique_ptr<RawConnection>> Remote::open_raw(std::string_view path,
                                                        const std::vector<std::string>& headers) {
  curl_init_once();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return fail(Errc::internal, "curl_easy_init failed");
  std::unique_ptr<RawConnection> conn(new RawConnection(curl, -1));
  // `stop` only: the progress callback is for requests.
  Call connecting;
  connecting.stop = options_.stop;
  set_connection_options(curl, base_ + std::string(path), options_, &connecting);
  curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
  // What is spoken on it is HTTP/1.1 (an upgrade): TLS must not agree on
  // HTTP/2, and a proxy must tunnel rather than forward requests.
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(curl, CURLOPT_HTTPPROXYTUNNEL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  forget_call(curl);
  if (rc == CURLE_ABORTED_BY_CALLBACK) return fail(Errc::unavailable, "stopped");
  if (rc != CURLE_OK)
    return fail(Errc::unavailable,
                std::string("cannot reach ") + base_ + ": " + curl_easy_strerror(rc));
  curl_socket_t fd = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD)
    return fail(Errc::unavailable, "no socket for " + base_);
  conn->fd_ = fd;

  // base_ is "scheme://authority[/prefix]" (normalize_server_url).
  std::string_view rest = std::string_view(base_).substr(base_.find("://") + 3);
  const std::size_t slash = rest.find('/');
  std::string request =
      "GET " + std::string(slash == std::string_view::npos ? "" : rest.substr(slash)) +
      std::string(path) + " HTTP/1.1\r\nHost: " + std::string(rest.substr(0, slash)) +
      "\r\nUser-Agent: " + kUserAgent + "\r\n";
  if (!token_.empty()) request += "Authorization: Bearer " + token_ + "\r\n";
  for (const auto& h : headers) request += h + "\r\n";
  request += "\r\n";
  RUCHE_CHECK(conn->send_all(request, options_.connect_timeout_ms));
  return conn;
}

}  // namespace ruche::sync
