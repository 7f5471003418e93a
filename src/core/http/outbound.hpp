// OutboundClient: the server's own HTTP requests to the services it is
// configured to use (an S3-compatible store, Janus), over libcurl. Blocking:
// worker threads only, never the network threads.
//
// Connections are kept alive and reused: each request takes an idle curl
// handle or opens one, and gives it back when done. Thread-safe: every
// method may be called from several threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace ruche::http {

struct OutboundRequest {
  std::string method = "GET";  // HEAD sends no body and reads none; PUT and POST send `body`
  std::string url;             // http:// or https:// only; the path sent as given
  std::vector<std::string> headers;  // "Name: value"
  std::string_view body;             // must outlive the call
  int timeout_ms = 30'000;           // the whole request
  int connect_timeout_ms = 10'000;
  std::size_t max_body = 1 << 20;  // a longer answer fails the request (too_large)
  std::string ca_file;             // PEM bundle for the peer's certificate; empty: the system's
};

struct OutboundResponse {
  long status = 0;
  std::string body;
};

// libcurl's global set-up, run once per process whoever asks first
// (OutboundClient, Egress).
void curl_init_once();

class OutboundClient {
 public:
  OutboundClient();
  ~OutboundClient();
  OutboundClient(const OutboundClient&) = delete;
  OutboundClient& operator=(const OutboundClient&) = delete;

  // Any HTTP status is a response. Errors: unavailable (no connection, a
  // timeout, a reset), too_large (the answer exceeds max_body), internal
  // (the peer's certificate is not trusted; the handle could not be made).
  // Messages never contain the request's headers (they may hold secrets).
  Result<OutboundResponse> send(const OutboundRequest& r);

 private:
  struct Handle;
  std::unique_ptr<Handle> take();
  void give_back(std::unique_ptr<Handle> h);

  std::mutex mu_;
  std::vector<std::unique_ptr<Handle>> idle_;
};

}  // namespace ruche::http
