// S3Client: the few S3 requests a chunk store needs (PUT, GET and DELETE of
// an object, HEAD of the bucket), over libcurl, signed with AWS Signature
// Version 4. Any S3-compatible service answers them (MinIO, Ceph RGW, Garage,
// the S3 of OVHcloud, Scaleway or Outscale); addressing is path-style
// (ENDPOINT/BUCKET/KEY), which they all accept.
//
// Bodies are sent as UNSIGNED-PAYLOAD: what the store sends is sealed
// (XChaCha20-Poly1305) and verified on every read, so a body altered in
// transit is refused there; use an https endpoint so that requests cannot
// be read or replayed on the way. The secret key is never logged nor put in
// an error message.
//
// Thread-safety: every method may be called from several threads at once;
// each request takes an idle connection (a curl handle, kept alive) or opens
// one. Every method blocks on the network: worker threads only.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "core/http/outbound.hpp"

namespace ruche::blob {

struct S3Config {
  std::string endpoint;  // "https://s3.example.org" or "http://127.0.0.1:9000"
  std::string bucket;    // 3-63 of [a-z0-9.-]
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
  std::string prefix;       // prepended to every key ("ruche/"); [a-z0-9/._-]
  int timeout_ms = 60'000;  // per request
  std::string ca_file;      // PEM bundle for the endpoint's certificate; empty: the system's
};

// One request to sign (AWS Signature Version 4).
struct SigV4Request {
  std::string service = "s3";
  std::string method;                                      // "GET"
  std::string canonical_uri;                               // "/bucket/key", already URI-encoded
  std::vector<std::pair<std::string, std::string>> query;  // raw names and values
  std::vector<std::pair<std::string, std::string>>
      headers;               // host, x-amz-date, x-amz-content-sha256, ...
  std::string payload_hash;  // hex SHA-256 or "UNSIGNED-PAYLOAD"
  std::string amz_date;      // "20130524T000000Z"
};

// The Authorization header's value for `r`. Header names are compared and
// signed in lower case; every header given is signed.
std::string sigv4_authorization(const SigV4Request& r, std::string_view region,
                                std::string_view access_key, std::string_view secret_key);

// RFC 3986 percent-encoding as S3 wants it: unreserved characters stay, and
// '/' too when `keep_slash`.
std::string s3_uri_encode(std::string_view s, bool keep_slash);

class S3Client {
 public:
  // Errors: invalid (endpoint not http(s)://host[:port] with no path, bucket
  // name, prefix, missing keys).
  static Result<std::unique_ptr<S3Client>> create(S3Config config);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  const S3Config& config() const { return config_; }

  // Counters since start (for /metrics).
  struct Stats {
    std::uint64_t requests = 0;        // sent, retries included
    std::uint64_t retries = 0;         // requests sent again after a 5xx, 429 or network error
    std::uint64_t errors = 0;          // calls that failed in the end (not found and bad keys excepted)
    std::uint64_t bytes_sent = 0;      // object bytes uploaded
    std::uint64_t bytes_received = 0;  // object bytes downloaded
  };
  Stats stats() const;

  // Checks that the bucket exists and the keys may use it (HEAD bucket).
  // Errors: unavailable (unreachable), internal (refused: wrong keys,
  // missing bucket; the message says which).
  Result<void> check_bucket();

  // Keys are relative to the prefix and must be [a-z0-9/._-]: callers build
  // them from checked names only.
  // Errors, for every request: unavailable (network, timeout, 5xx: after
  // retries), insufficient_storage (the service says it is full or over
  // quota), internal (refused or unexpected answers).
  Result<void> put(std::string_view key, std::string_view body);
  // Errors: not_found; internal when the object exceeds `max_bytes`.
  Result<std::string> get(std::string_view key, std::size_t max_bytes);
  // Succeeds whether or not the object existed (S3 does not tell).
  Result<void> remove(std::string_view key);

 private:
  explicit S3Client(S3Config config);
  struct Response {
    long status = 0;
    std::string body;
  };
  Result<Response> request(std::string_view method, std::string_view key, std::string_view body,
                           std::size_t max_body);
  // Counts a call that failed in the end (network, 5xx after retries).
  Result<Response> counted(Result<Response> r);
  Result<Response> attempt(std::string_view method, std::string_view key, std::string_view body,
                           std::size_t max_body);

  S3Config config_;
  std::string host_;  // host[:port] as sent in the Host header
  http::OutboundClient outbound_;
  std::atomic<std::uint64_t> requests_{0}, retries_{0}, errors_{0}, bytes_sent_{0}, bytes_received_{0};
};

}  // namespace ruche::blob
