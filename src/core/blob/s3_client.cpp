#include "core/blob/s3_client.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

namespace ruche::blob {
namespace {

constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr int kAttempts = 3;
constexpr std::size_t kMaxErrorBody = 64 << 10;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

bool key_chars_ok(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '_' ||
           c == '-';
  });
}

// Key characters, and no empty, "." or ".." segment: a key names one object
// of the bucket and can never be read as a path out of it.
bool key_ok(std::string_view s) {
  if (!key_chars_ok(s)) return false;
  std::size_t from = 0;
  while (from <= s.size()) {
    std::size_t to = s.find('/', from);
    if (to == std::string_view::npos) to = s.size();
    const std::string_view seg = s.substr(from, to - from);
    if (seg == "." || seg == ".." || (seg.empty() && to != s.size())) return false;
    from = to + 1;
  }
  return true;
}

bool bucket_ok(std::string_view b) {
  if (b.size() < 3 || b.size() > 63 || b.front() == '.' || b.front() == '-' || b.back() == '.' ||
      b.back() == '-')
    return false;
  return std::all_of(b.begin(), b.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
}

std::string amz_date_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// S3's error code (<Code>NoSuchKey</Code>) for messages; "" when absent.
std::string error_code(std::string_view body) {
  const auto open = body.find("<Code>");
  if (open == std::string_view::npos) return "";
  const auto from = open + 6;
  const auto close = body.find("</Code>", from);
  if (close == std::string_view::npos || close - from > 64) return "";
  std::string code(body.substr(from, close - from));
  if (!key_chars_ok(lower(code))) return "";
  return code;
}

}  // namespace

std::string s3_uri_encode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string sigv4_authorization(const SigV4Request& r, std::string_view region,
                                std::string_view access_key, std::string_view secret_key) {
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [k, v] : r.query)
    query.emplace_back(s3_uri_encode(k, false), s3_uri_encode(v, false));
  std::sort(query.begin(), query.end());
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [k, v] : r.headers) {
    // Values trimmed; S3's canonical form also folds inner runs of spaces,
    // which the values this client sends never have.
    const auto b = v.find_first_not_of(' ');
    const auto e = v.find_last_not_of(' ');
    headers.emplace_back(lower(k), b == std::string::npos ? "" : v.substr(b, e - b + 1));
  }
  std::sort(headers.begin(), headers.end());

  std::string canonical = r.method + '\n' + r.canonical_uri + '\n';
  for (std::size_t i = 0; i < query.size(); ++i) {
    if (i) canonical += '&';
    canonical += query[i].first + '=' + query[i].second;
  }
  canonical += '\n';
  std::string signed_headers;
  for (const auto& [k, v] : headers) {
    canonical += k + ':' + v + '\n';
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += k;
  }
  canonical += '\n' + signed_headers + '\n' + r.payload_hash;

  const std::string day = r.amz_date.substr(0, 8);
  const std::string scope = day + '/' + std::string(region) + '/' + r.service + "/aws4_request";
  const std::string to_sign =
      "AWS4-HMAC-SHA256\n" + r.amz_date + '\n' + scope + '\n' + crypto::sha256_hex(canonical);
  std::string key = crypto::hmac_sha256("AWS4" + std::string(secret_key), day);
  key = crypto::hmac_sha256(key, region);
  key = crypto::hmac_sha256(key, r.service);
  key = crypto::hmac_sha256(key, "aws4_request");
  const std::string signature = crypto::hex_encode(crypto::hmac_sha256(key, to_sign));
  return "AWS4-HMAC-SHA256 Credential=" + std::string(access_key) + '/' + scope +
         ",SignedHeaders=" + signed_headers + ",Signature=" + signature;
}

// --- S3Client -----------------------------------------------------------------

S3Client::S3Client(S3Config config) : config_(std::move(config)) {}

S3Client::~S3Client() = default;

Result<std::unique_ptr<S3Client>> S3Client::create(S3Config config) {
  std::string_view ep = config.endpoint;
  while (!ep.empty() && ep.back() == '/') ep.remove_suffix(1);
  std::string_view rest;
  if (ep.starts_with("https://"))
    rest = ep.substr(8);
  else if (ep.starts_with("http://"))
    rest = ep.substr(7);
  else
    return fail(Errc::invalid, "s3 endpoint must start with http:// or https://");
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos)
    return fail(Errc::invalid,
                "s3 endpoint must be a scheme, a host and an optional port, no path");
  if (!bucket_ok(config.bucket))
    return fail(Errc::invalid, "s3 bucket name must be 3-63 of [a-z0-9.-]");
  if (!key_ok(config.prefix))
    return fail(Errc::invalid, "s3 prefix must be [a-z0-9/._-], no . or .. segment");
  if (config.access_key.empty() || config.secret_key.empty())
    return fail(Errc::invalid, "s3 access_key and secret_key are required");
  if (config.region.empty() || !key_chars_ok(config.region))
    return fail(Errc::invalid, "s3 region must be [a-z0-9-]");
  if (config.timeout_ms <= 0) return fail(Errc::invalid, "s3 timeout must be positive");
  const std::string host(rest);
  config.endpoint = std::string(ep);
  auto client = std::unique_ptr<S3Client>(new S3Client(std::move(config)));
  client->host_ = host;
  return client;
}

Result<S3Client::Response> S3Client::attempt(std::string_view method, std::string_view key,
                                             std::string_view body, std::size_t max_body) {
  const std::string uri =
      '/' + config_.bucket +
      (key.empty() ? "" : '/' + s3_uri_encode(config_.prefix + std::string(key), true));
  const std::string date = amz_date_now();
  SigV4Request sig;
  sig.method = std::string(method);
  sig.canonical_uri = uri;
  sig.headers = {{"host", host_},
                 {"x-amz-content-sha256", std::string(kUnsignedPayload)},
                 {"x-amz-date", date}};
  sig.payload_hash = kUnsignedPayload;
  sig.amz_date = date;
  const std::string auth =
      sigv4_authorization(sig, config_.region, config_.access_key, config_.secret_key);

  requests_.fetch_add(1, std::memory_order_relaxed);
  http::OutboundRequest req;
  req.method = std::string(method);
  req.url = config_.endpoint + uri;
  req.headers = {"Host: " + host_, "x-amz-date: " + date,
                 "x-amz-content-sha256: " + std::string(kUnsignedPayload),
                 "Authorization: " + auth};
  if (method == "PUT") req.body = body;
  req.timeout_ms = config_.timeout_ms;
  req.max_body = max_body;
  req.ca_file = config_.ca_file;
  auto sent = outbound_.send(req);
  if (!sent) {
    const Error& e = sent.error();
    if (e.code == Errc::too_large)
      return fail(Errc::internal, "s3: object larger than any chunk can be");
    if (e.code == Errc::internal)
      return fail(Errc::internal, "s3: " + e.message + " (s3_ca_file?)");
    return fail(e.code, "s3: " + e.message);
  }
  return Response{sent->status, std::move(sent->body)};
}

Result<S3Client::Response> S3Client::counted(Result<Response> r) {
  if (!r && r.error().code != Errc::invalid) errors_.fetch_add(1, std::memory_order_relaxed);
  return r;
}

Result<S3Client::Response> S3Client::request(std::string_view method, std::string_view key,
                                             std::string_view body, std::size_t max_body) {
  if (!key_ok(key)) return fail(Errc::invalid, "s3: invalid object key");
  for (int i = 1;; ++i) {
    auto r = attempt(method, key, body, std::max(max_body, kMaxErrorBody));
    // A busy or failing service is unavailable, as an unreachable one is.
    if (r && (r->status >= 500 || r->status == 429 || r->status == 0)) {
      const std::string code = error_code(r->body);
      r = fail(Errc::unavailable, "s3: " + std::string(method) + " answered " +
                                      std::to_string(r->status) + (code.empty() ? "" : " " + code));
    }
    if (r || r.error().code != Errc::unavailable || i == kAttempts) return r;
    retries_.fetch_add(1, std::memory_order_relaxed);
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * i * i));
  }
}

namespace {

Error refused(std::string_view method, long status, std::string_view body) {
  const std::string code = error_code(body);
  if (code == "QuotaExceeded" || code == "EntityTooLarge" || code == "XMinioStorageFull" ||
      status == 507)
    return make_error(Errc::insufficient_storage, "s3: storage full (" + code + ")");
  return make_error(Errc::internal, "s3: " + std::string(method) + " refused: " +
                                        std::to_string(status) + (code.empty() ? "" : " " + code));
}

}  // namespace

S3Client::Stats S3Client::stats() const {
  return {requests_.load(), retries_.load(), errors_.load(), bytes_sent_.load(), bytes_received_.load()};
}

Result<void> S3Client::check_bucket() {
  RUCHE_TRY(Response r, counted(request("HEAD", "", {}, 0)));
  if (r.status == 200) return {};
  errors_.fetch_add(1, std::memory_order_relaxed);
  if (r.status == 404) return fail(Errc::internal, "s3: no bucket " + config_.bucket);
  if (r.status == 403)
    return fail(Errc::internal, "s3: access to bucket " + config_.bucket + " refused (keys?)");
  return tl::unexpected(refused("HEAD", r.status, r.body));
}

Result<void> S3Client::put(std::string_view key, std::string_view body) {
  if (key.empty()) return fail(Errc::invalid, "s3: empty object key");
  auto r = counted(request("PUT", key, body, 0));
  if (!r) return tl::unexpected(r.error());
  if (r->status == 200) {
    bytes_sent_.fetch_add(body.size(), std::memory_order_relaxed);
    return {};
  }
  errors_.fetch_add(1, std::memory_order_relaxed);
  return tl::unexpected(refused("PUT", r->status, r->body));
}

Result<std::string> S3Client::get(std::string_view key, std::size_t max_bytes) {
  if (key.empty()) return fail(Errc::invalid, "s3: empty object key");
  RUCHE_TRY(Response r, counted(request("GET", key, {}, max_bytes)));
  if (r.status == 200 && r.body.size() <= max_bytes) {
    bytes_received_.fetch_add(r.body.size(), std::memory_order_relaxed);
    return std::move(r.body);
  }
  if (r.status == 404) return fail(Errc::not_found, "no such object");
  errors_.fetch_add(1, std::memory_order_relaxed);
  if (r.status == 200) return fail(Errc::internal, "s3: object larger than any chunk can be");
  return tl::unexpected(refused("GET", r.status, r.body));
}

Result<void> S3Client::remove(std::string_view key) {
  if (key.empty()) return fail(Errc::invalid, "s3: empty object key");
  RUCHE_TRY(Response r, counted(request("DELETE", key, {}, 0)));
  if (r.status == 204 || r.status == 200 || r.status == 404) return {};
  errors_.fetch_add(1, std::memory_order_relaxed);
  return tl::unexpected(refused("DELETE", r.status, r.body));
}

}  // namespace ruche::blob
