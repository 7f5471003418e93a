// Remote: the Ruche HTTP API as the desktop sync client uses it (API.md's
// JSON endpoints under /api/v1), over libcurl: https with the system's
// certificates (or a PEM bundle), keep-alive, bodies streamed from and to
// files so that a file of any size never sits in memory.
//
// Errors: the API's status maps back to an Errc with its error code as the
// reason (not_found "not_found", precondition_failed, ...); a network
// failure or a 5xx is Errc::unavailable (retry later). The token is never
// logged nor put in an error message.
//
// Thread-safety: one thread at a time (one curl handle).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.hpp"
#include "base/result.hpp"

namespace ruche::sync {

// A file or folder as the API describes it.
struct RemoteNode {
  std::string id;
  std::string parent_id;  // empty at the root
  std::string name;
  std::string path;  // "/a/b"
  bool folder = false;
  std::string etag;    // as sent in If-Match ("\"…\"")
  std::string sha256;  // files: 64 hex digits
  std::int64_t size = 0;
  std::int64_t mtime_ms = 0;
};

struct Listing {
  RemoteNode folder;
  std::vector<RemoteNode> items;
};

struct WorkspaceInfo {
  std::string id;
  std::string name;
  bool armoured = false;
  std::string files_right;  // none, read, write
};

// "http(s)://host[:port][/prefix]" without the trailing '/'. Errors: invalid
// for anything else, and for plain http to a host other than loopback
// unless `allow_http` (a password must not cross a network in clear).
Result<std::string> normalize_server_url(std::string_view url, bool allow_http);

// One path segment percent-encoded (http::percent_encode: RFC 3986
// unreserved characters stay).
std::string encode_segment(std::string_view s);

// A connection to the server that libcurl opens (TCP, and TLS for an https
// address, checked as every request is: the same certificates, timeouts
// and proxy) and then hands over, for a protocol libcurl 7.88 does not
// speak itself (the events WebSocket, sync/live.hpp). Non-blocking; closed
// when destroyed. One thread at a time.
class RawConnection {
 public:
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // The socket, to wait on with poll(). Bytes may also wait inside TLS
  // once the socket is drained: after a wake-up, receive() until it
  // returns nothing.
  int fd() const { return fd_; }
  // Sends all of `bytes`, waiting up to `timeout_ms` in all for room.
  // Errors: unavailable (the connection broke, or no room in time: the
  // connection is then unusable).
  Result<void> send_all(std::string_view bytes, int timeout_ms);
  // What has arrived, at most `max` bytes; empty when nothing is waiting.
  // Errors: unavailable when the server closed the connection or it broke.
  Result<std::string> receive(std::size_t max);

 private:
  friend class Remote;
  RawConnection(void* curl, int fd) : curl_(curl), fd_(fd) {}
  void* curl_;  // CURL*, owned
  int fd_;
};

class Remote {
 public:
  struct Options {
    std::string ca_file;  // PEM bundle; empty: the system's
    int connect_timeout_ms = 15'000;
    // A transfer slower than 1 KiB/s for this long is dropped.
    int stall_timeout_s = 60;
    // Set to stop a transfer in progress (SIGTERM).
    const std::atomic<bool>* stop = nullptr;
  };

  Remote(std::string base_url, std::string token, Options options);
  ~Remote();
  Remote(const Remote&) = delete;
  Remote& operator=(const Remote&) = delete;

  void set_token(std::string token) { token_ = std::move(token); }
  // `progress` is called while a request of this client is in progress,
  // on its thread, from libcurl's progress callback: often while bytes
  // move, about once a second while it waits for the server (and ten
  // times a second while it waits out a 429 or 503). It must not
  // use this client (it runs inside one of its requests) and should be
  // quick: the transfer waits for it. Empty (the default): nothing is
  // called. Raw connections (open_raw) never call it.
  void set_progress(std::function<void()> progress) { progress_ = std::move(progress); }
  // Another client with the same server, token and options (its own
  // connection: one per thread); without the progress callback.
  std::unique_ptr<Remote> clone() const {
    return std::make_unique<Remote>(base_, token_, options_);
  }

  // POST /auth/login: a session token. Errors: unauthenticated with reason
  // bad_credentials, mfa_required or bad_code; rate_limited.
  Result<std::string> login(std::string_view email, std::string_view password,
                            std::optional<std::string> totp_code);
  // POST /me/app-tokens {name}: {id, token}.
  struct AppToken {
    std::string id;
    std::string token;
  };
  Result<AppToken> create_app_token(std::string_view name);
  // DELETE /me/sessions/{id}.
  Result<void> revoke_session(std::string_view id);
  // POST /auth/logout (the token in use).
  Result<void> logout();
  // GET /me: {id, email, name}.
  Result<json::object> me();

  Result<WorkspaceInfo> workspace(std::string_view workspace_id);
  // One folder's children, every page (limit 1000), checked against the
  // folder's ETag: a folder that changed while it was read is read again.
  // `folder_id` empty: the workspace's root.
  Result<Listing> list(std::string_view workspace_id, std::string_view folder_id);
  // The root's ETag alone (a cheap "did anything change?").
  Result<std::string> root_etag(std::string_view workspace_id);

  Result<RemoteNode> make_folder(std::string_view workspace_id, std::string_view parent_id,
                                 std::string_view name);
  // PUT into the folder `parent_id` (empty: the root) under `name`, the
  // bytes of `fd` from offset 0 (`size` of them), the modification time
  // kept. `if_match`: the ETag the remote file must still have; empty: the
  // name must be free (If-None-Match: *). Errors: precondition_failed when
  // the remote changed meanwhile, conflict/precondition when the name is
  // taken.
  Result<RemoteNode> upload(std::string_view workspace_id, std::string_view parent_id,
                            std::string_view name, int fd, std::int64_t size, std::int64_t mtime_ms,
                            std::string_view if_match);
  // GET /files/{id}/content into `fd` (written from its current offset),
  // only while the file still has `etag`. Returns the SHA-256 (hex) of the
  // bytes written, hashed as they arrive; they are written 1 MiB at a time
  // and handed to the disk every 8 MiB (the caller's fsync is still needed).
  Result<std::string> download(std::string_view file_id, std::string_view etag, int fd);
  // PATCH /files/{id} {name, parent_id} (parent empty: the root).
  Result<RemoteNode> move(std::string_view node_id, std::string_view parent_id,
                          std::string_view name);
  // DELETE /files/{id} (to the workspace's trash), while it has `etag`
  // (files; empty: unconditional, for folders).
  Result<void> remove(std::string_view node_id, std::string_view etag);

  // A connection to the server on which `GET path` (after the server's
  // address: "/api/v1/events") has been sent, with the token and
  // `headers` ("Name: value"); the answer is the caller's to read. For an
  // HTTP/1.1 upgrade: the request has no body. Errors: unavailable when
  // the server cannot be reached (or `stop` was set meanwhile).
  Result<std::unique_ptr<RawConnection>> open_raw(std::string_view path,
                                                  const std::vector<std::string>& headers);

  // Bytes moved by this client (for the summary).
  std::int64_t bytes_up() const { return bytes_up_; }
  std::int64_t bytes_down() const { return bytes_down_; }

  // One request in flight (remote.cpp's; public for its callbacks).
  struct Call;

 private:
  struct Handle;
  Result<json::value> perform(Call& call);
  Result<json::value> attempt(Call& call);
  Result<json::value> json_call(std::string_view method, const std::string& path,
                                const json::value* body, std::vector<std::string> headers = {});

  std::string base_;
  std::string token_;
  Options options_;
  std::function<void()> progress_;
  std::unique_ptr<Handle> handle_;
  std::int64_t bytes_up_ = 0;
  std::int64_t bytes_down_ = 0;
};

RemoteNode node_from_json(const json::object& o);

}  // namespace ruche::sync
