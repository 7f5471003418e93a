#include "core/http/egress.hpp"

#include "core/http/outbound.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <memory>

namespace ruche::http {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

// IPv4 `a.b.c.d` mapped into IPv6.
constexpr Bytes v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
}
constexpr Cidr v4_range(std::uint8_t a, std::uint8_t b, std::uint8_t c, int bits) {
  return {v4(a, b, c, 0), 96 + bits};
}

// IPv4's ranges that are not public (RFC 6890 and IANA's special-purpose
// registry): this network, private, shared (CGNAT), loopback, link-local,
// IETF protocol assignments, documentation, 6to4 relays, benchmarking,
// multicast, reserved and broadcast.
constexpr Cidr kRefusedV4[] = {
    v4_range(0, 0, 0, 8),      v4_range(10, 0, 0, 8),     v4_range(100, 64, 0, 10),
    v4_range(127, 0, 0, 8),    v4_range(169, 254, 0, 16), v4_range(172, 16, 0, 12),
    v4_range(192, 0, 0, 24),   v4_range(192, 0, 2, 24),   v4_range(192, 88, 99, 24),
    v4_range(192, 168, 0, 16), v4_range(198, 18, 0, 15),  v4_range(198, 51, 100, 24),
    v4_range(203, 0, 113, 24), v4_range(224, 0, 0, 4),    v4_range(240, 0, 0, 4),
};

constexpr Cidr kMappedV4{v4(0, 0, 0, 0), 96};
// NAT64's well-known prefix (RFC 6052): an IPv4 address in its last 4 bytes.
constexpr Cidr kNat64{{0, 0x64, 0xff, 0x9b}, 96};
// 6to4 (RFC 3056): an IPv4 address in bytes 2 to 5.
constexpr Cidr k6to4{{0x20, 0x02}, 16};
// Global unicast, and the parts of it that are not public: IETF protocol
// assignments (Teredo, benchmarking, ORCHID...) and documentation.
constexpr Cidr kGlobalV6{{0x20}, 3};
constexpr Cidr kRefusedV6[] = {
    {{0x20, 0x01, 0x00, 0x00}, 23},
    {{0x20, 0x01, 0x0d, 0xb8}, 32},
    {{0x3f, 0xff, 0x00, 0x00}, 20},
};

Bytes embedded_v4(const Bytes& a, std::size_t at) {
  return v4(a[at], a[at + 1], a[at + 2], a[at + 3]);
}

bool allowed_in(const Bytes& a, const std::vector<Cidr>& allow) {
  return std::any_of(allow.begin(), allow.end(), [&](const Cidr& c) { return c.contains(a); });
}

struct Transfer {
  const Egress* egress;
  std::string* body;
  Fetched* fetched;
  std::size_t max;
  bool too_large = false;
  bool refused = false;
};

std::size_t on_body(char* in, std::size_t size, std::size_t n, void* p) {
  auto* t = static_cast<Transfer*>(p);
  const std::size_t k = size * n;
  if (t->body->size() + k > t->max) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->body->append(in, k);
  return k;
}

// Keeps the last answer's ETag and Last-Modified: each redirect's answer
// starts again with its status line.
std::size_t on_header(char* in, std::size_t size, std::size_t n, void* p) {
  auto* t = static_cast<Transfer*>(p);
  std::string_view line(in, size * n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    t->fetched->etag.clear();
    t->fetched->last_modified.clear();
    return size * n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || line.size() > 1024) return size * n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  if (name == "etag") t->fetched->etag = value;
  if (name == "last-modified") t->fetched->last_modified = value;
  return size * n;
}

// Every socket the transfer opens, redirects included: refused unless its
// address is allowed.
curl_socket_t on_open_socket(void* p, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(p);
  auto bytes = purpose == CURLSOCKTYPE_IPCXN ? address_bytes(&address->addr) : std::nullopt;
  if (!bytes || !egress_allowed(*bytes, t->egress->config().allow)) {
    t->refused = true;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

struct CurlUrl {
  CURLU* h = curl_url();
  ~CurlUrl() { curl_url_cleanup(h); }
};

}  // namespace

bool Cidr::contains(const Bytes& a) const {
  const int whole = bits / 8;
  if (!std::equal(bytes.begin(), bytes.begin() + whole, a.begin())) return false;
  if (bits % 8 == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits % 8));
  return (bytes[whole] & mask) == (a[whole] & mask);
}

Result<Cidr> parse_cidr(std::string_view text) {
  auto bad = [&] {
    return fail(Errc::invalid, "not an address range (10.0.0.0/8, fd00::/8): " + std::string(text),
                "invalid_cidr");
  };
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));
  Cidr c;
  int max = 128;
  if (in_addr a4{}; inet_pton(AF_INET, address.c_str(), &a4) == 1) {
    c.bytes = v4(0, 0, 0, 0);
    std::memcpy(c.bytes.data() + 12, &a4, 4);
    max = 32;
  } else if (in6_addr a6{}; inet_pton(AF_INET6, address.c_str(), &a6) == 1) {
    std::memcpy(c.bytes.data(), &a6, 16);
  } else {
    return bad();
  }
  int bits = max;
  if (slash != std::string_view::npos) {
    const std::string_view n = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), bits);
    if (n.empty() || ec != std::errc() || end != n.data() + n.size() || bits < 0 || bits > max)
      return bad();
  }
  c.bits = bits + (128 - max);
  // Bits past the prefix are zero: "10.1.2.3/8" names 10.0.0.0/8.
  for (int i = c.bits; i < 128; ++i)
    c.bytes[i / 8] &= static_cast<std::uint8_t>(~(0x80 >> (i % 8)));
  return c;
}

bool egress_allowed(const Bytes& a, const std::vector<Cidr>& allow) {
  if (allowed_in(a, allow)) return true;
  if (kMappedV4.contains(a))
    return std::none_of(std::begin(kRefusedV4), std::end(kRefusedV4),
                        [&](const Cidr& c) { return c.contains(a); });
  if (kNat64.contains(a)) return egress_allowed(embedded_v4(a, 12), allow);
  if (k6to4.contains(a)) return egress_allowed(embedded_v4(a, 2), allow);
  if (!kGlobalV6.contains(a)) return false;
  return std::none_of(std::begin(kRefusedV6), std::end(kRefusedV6),
                      [&](const Cidr& c) { return c.contains(a); });
}

std::optional<Bytes> address_bytes(const sockaddr* sa) {
  Bytes out{};
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    out = v4(0, 0, 0, 0);
    std::memcpy(out.data() + 12, &in->sin_addr, 4);
    return out;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in = reinterpret_cast<const sockaddr_in6*>(sa);
    std::memcpy(out.data(), &in->sin6_addr, 16);
    return out;
  }
  return std::nullopt;
}

bool valid_egress_url(std::string_view url) {
  if (url.empty() || url.size() > 2048) return false;
  if (std::any_of(url.begin(), url.end(),
                  [](unsigned char ch) { return ch <= 0x20 || ch >= 0x7f; }))
    return false;
  CurlUrl u;
  if (!u.h || curl_url_set(u.h, CURLUPART_URL, std::string(url).c_str(), 0) != CURLUE_OK)
    return false;
  char* scheme = nullptr;
  char* host = nullptr;
  bool ok = curl_url_get(u.h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
            curl_url_get(u.h, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host &&
            (std::strcmp(scheme, "http") == 0 || std::strcmp(scheme, "https") == 0);
  curl_free(scheme);
  curl_free(host);
  return ok;
}

Egress::Egress(EgressConfig config) : config_(std::move(config)) { curl_init_once(); }

Result<Fetched> Egress::get(std::string_view url, std::string_view etag,
                            std::string_view last_modified) const {
  if (!config_.enabled)
    return fail(Errc::forbidden, "this instance fetches nothing from other sites",
                "egress_disabled");
  if (!valid_egress_url(url)) return fail(Errc::invalid, "not an http(s) URL", "invalid_url");
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return fail(Errc::internal, "curl_easy_init failed");
  Fetched out;
  Transfer t{this, &out.body, &out, config_.max_bytes};
  curl_slist* headers = nullptr;
  const std::string if_none_match = "If-None-Match: " + std::string(etag);
  const std::string if_modified = "If-Modified-Since: " + std::string(last_modified);
  if (!etag.empty()) headers = curl_slist_append(headers, if_none_match.c_str());
  if (!last_modified.empty()) headers = curl_slist_append(headers, if_modified.c_str());
  const std::string target(url);
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, target.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");  // not the environment's proxy
  curl_easy_setopt(h, CURLOPT_USERAGENT, config_.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout_ms));
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(config_.max_bytes));
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  const CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(headers);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out.status);
  // One of a name's addresses refused and another taken is a success.
  if (rc == CURLE_OK) return out;
  if (t.refused) return fail(Errc::forbidden, "the address is not a public one", "address_refused");
  if (rc == CURLE_UNSUPPORTED_PROTOCOL)
    return fail(Errc::forbidden, "a redirect to another scheme than http(s)", "address_refused");
  if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED)
    return fail(Errc::too_large,
                "the answer is larger than " + std::to_string(config_.max_bytes) + " bytes");
  if (rc == CURLE_TOO_MANY_REDIRECTS)
    return fail(Errc::unavailable, "more than 5 redirects", "unreachable");
  return fail(Errc::unavailable, curl_easy_strerror(rc), "unreachable");
}

}  // namespace ruche::http
