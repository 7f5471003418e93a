// Plain HTTP request and response values, as every layer above core/http
// sees them. No Beast here: modules build Responses and read Requests.
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/function_ref.hpp"
#include "base/result.hpp"
#include "base/shared_bytes.hpp"

namespace ruche::http {

// Header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  // Every value of `name`, in order.
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  // Replaces every value of `name` with one.
  void set(std::string_view name, std::string_view value);
  void add(std::string_view name, std::string_view value);
  void remove(std::string_view name);

  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

bool iequals(std::string_view a, std::string_view b);

// The elements of a weighted header list (Accept, Accept-Encoding:
// "text/html, */*;q=0.8"), each trimmed of blanks and parameters, with its
// quality: 1 when absent, 0 when malformed.
void each_weighted(std::string_view list, FunctionRef<void(std::string_view element, double q)> fn);

// Each "name=value" pair of the Cookie header fields in `headers` (RFC 6265
// section 5.4: pairs separated by ';', blanks around them ignored), in
// order; names compare exactly. `fn` returns false to stop.
void each_cookie(const Headers& headers,
                 FunctionRef<bool(std::string_view name, std::string_view value)> fn);
// The first value of the cookie `name`, or nullopt.
std::optional<std::string_view> cookie(const Headers& headers, std::string_view name);

// Pulls a request body that is too large to hold in memory.
// read() blocks (call it from the handler's worker thread).
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Reads up to `size` bytes into `buf`; returns the count, 0 at the end of
  // the body. Errors: too_large past the route's limit; unavailable when the
  // client stalls past the timeout or goes away; invalid on a malformed
  // chunked encoding.
  virtual Result<std::size_t> read(char* buf, std::size_t size) = 0;
  // The declared Content-Length, if any (chunked bodies have none).
  virtual std::optional<std::uint64_t> content_length() const = 0;
};

// Pushes a streamed response body. write() blocks until the bytes are handed
// to the socket; an error means the client went away (stop producing).
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  virtual Result<void> write(std::string_view data) = 0;
};

class WebSocketHandler;

struct Request {
  std::string method;        // upper-case token: "GET", "PROPFIND", ...
  std::string target;        // request-target as received
  std::string path;          // target before '?', still percent-encoded
  std::string query;         // after '?', still percent-encoded
  Headers headers;
  std::string body;          // the whole body, for routes that buffer it
  BodyReader* body_reader = nullptr;  // for routes that stream it; else null
  std::string remote_addr;   // peer IP address
  std::string request_id;
  bool keep_alive = true;

  // Path parameters captured by the route pattern, percent-decoded.
  std::vector<std::pair<std::string, std::string>> params;
  // The route pattern that matched ("/api/v1/workspaces/{id}"), for logs and metrics.
  std::string_view route;

  // Opaque per-request state for upper layers (the platform stores the
  // authenticated caller here).
  std::any context;

  // The captured parameter `name`; empty when absent.
  std::string_view param(std::string_view name) const;
  // The first query parameter `name`, percent-decoded ('+' as space).
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Instead of `body`, when set: bytes kept alive by a cache entry, sent
  // without a copy.
  SharedBytes shared_body;
  std::string_view body_bytes() const { return shared_body ? shared_body.bytes : std::string_view(body); }
  // A streamed body: run on a worker thread after the head is sent. Set
  // content_length when known, else the body is sent chunked. When it returns
  // an error the connection is closed (the client sees a truncated body).
  std::function<Result<void>(BodyWriter&)> stream;
  std::optional<std::uint64_t> content_length;
  // Set (with status 101) to upgrade the connection to a WebSocket.
  std::shared_ptr<WebSocketHandler> websocket;
  // Close the connection after this response.
  bool close = false;
};

// Builds `{"error":{"code":...,"message":...}}` with the status for `e.code`
// (and a 429's Retry-After, from e.retry_after_ms).
Response error_response(const Error& e);
Response error_response(Errc code, std::string_view message, std::string_view reason = {});
// A JSON body (already serialized) with the JSON content type.
Response json_response(int status, std::string body);
// An XML body (WebDAV, CalDAV) with its content type.
Response xml_response(int status, std::string body);
// 204 No Content.
Response no_content();
// The HTTP status for an error kind (one table for the whole server).
int status_for(Errc code);
// Reason phrase, "Not Found".
std::string_view reason_phrase(int status);

// The part of a body of `size` bytes that a Range header asks for. Single
// ranges only ("bytes=a-b", "bytes=a-", "bytes=-n"); a header it does not
// understand, a multi-range, or an empty body give the whole body (RFC 9110
// lets a server ignore Range). `partial` is true for a 206 answer.
struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  bool partial = false;
};
// Errors: invalid (reason "bad_range") when the range starts at or past the
// end; range_not_satisfiable() is the 416 answer for it.
Result<ByteRange> byte_range(std::optional<std::string_view> header, std::uint64_t size);
Response range_not_satisfiable(std::uint64_t size);
// "bytes FROM-TO/SIZE" for a partial answer.
std::string content_range(const ByteRange& r, std::uint64_t size);

// Percent-decoding; returns nullopt on a malformed escape. With
// `plus_as_space`, '+' decodes to ' ' (query strings).
std::optional<std::string> percent_decode(std::string_view s, bool plus_as_space = false);
// Percent-encodes everything but RFC 3986 unreserved characters and, when
// `keep_slash`, '/'.
std::string percent_encode(std::string_view s, bool keep_slash = false);
// Content-Disposition for a download: `type` ("attachment" or "inline") and
// the file's name in UTF-8 (RFC 6266, RFC 5987), after an ASCII name for
// older clients when `ascii_fallback` is given (its bytes other than
// printable ASCII, quotes and backslashes replaced by '_').
std::string content_disposition(std::string_view type, std::string_view file_name,
                                std::string_view ascii_fallback = {});

}  // namespace ruche::http
