// Blocking HTTP/1.1 and WebSocket clients over loopback TCP, for tests,
// benchmarks and tools. Not for server code paths (they block).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ruche::http {

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(std::string_view name) const;
};

// One keep-alive connection; reconnects when the server closed it.
// Not thread-safe.
class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port, int timeout_ms = 30'000);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Errors: unavailable when the connection fails or times out.
  Result<ClientResponse> request(std::string_view method, std::string_view target,
                                 std::vector<std::pair<std::string, std::string>> headers = {},
                                 std::string_view body = {});
  // Sends raw bytes and returns everything the server sends until it closes
  // the connection or `timeout_ms` passes (malformed-request tests).
  Result<std::string> raw(std::string_view bytes, int timeout_ms = 5'000);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class WsClient {
 public:
  ~WsClient();
  // Connects and completes the handshake. Errors: unavailable, or
  // unauthenticated with the HTTP status in the message when refused.
  static Result<std::unique_ptr<WsClient>> connect(
      const std::string& host, std::uint16_t port, const std::string& target,
      std::vector<std::pair<std::string, std::string>> headers = {}, int timeout_ms = 10'000);
  // The HTTP status when connect() was refused (0 otherwise).
  static int last_refusal_status();

  Result<void> send(std::string_view text);
  // The next text message, or nullopt after `timeout_ms`. Errors:
  // unavailable when the connection closed (close_code() tells why).
  Result<std::optional<std::string>> receive(int timeout_ms);
  void close();
  int close_code() const;

 private:
  WsClient();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ruche::http
