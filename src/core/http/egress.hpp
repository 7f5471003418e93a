// Egress (SECURITY.md IO-5): the server's fetches of addresses its users
// give it (a calendar subscription's feed), where OutboundClient reaches the
// services the operator configured. Every connection it opens, redirects
// included, goes to a public address — not loopback, private, link-local,
// shared, multicast, documentation or reserved ranges, IPv4 or IPv6, nor an
// IPv6 form that embeds such an IPv4 address — unless the operator allowed
// that range (an intranet's calendar server). The address is checked as the
// socket is opened, after name resolution: a name that resolves to a
// refused address, or a redirect to one, is refused whatever the name says.
// http and https only, at most 5 redirects, no proxy, no cookies, bounded in
// time and size (decoded size: a compressed answer counts as it expands).
// Off unless configured ([egress] in docs/configuration.md).
//
// Blocking: worker or maintenance threads only. Thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

struct sockaddr;

namespace ruche::http {

// An address range: IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so that one
// form compares both.
struct Cidr {
  std::array<std::uint8_t, 16> bytes{};
  int bits = 0;  // prefix length over the 128
  bool contains(const std::array<std::uint8_t, 16>& a) const;
};
// "10.0.0.0/8", "fd00::/8", or one address (a /32 or a /128). Errors:
// invalid.
Result<Cidr> parse_cidr(std::string_view text);

struct EgressConfig {
  bool enabled = false;
  std::vector<Cidr> allow;  // ranges reachable although not public
  int timeout_ms = 20'000;  // the whole fetch, redirects included
  std::size_t max_bytes = 10 << 20;
  std::string user_agent = "Ruche";
};

// Whether a connection to `address` (IPv4 or IPv6, as 16 bytes: IPv4
// mapped) may be opened: a public address, or one in `allow`.
bool egress_allowed(const std::array<std::uint8_t, 16>& address, const std::vector<Cidr>& allow);
// `sa`'s address as 16 bytes, or nullopt for another family.
std::optional<std::array<std::uint8_t, 16>> address_bytes(const sockaddr* sa);

struct Fetched {
  long status = 0;  // the last answer's, after redirects
  std::string body;
  std::string etag;           // its ETag header, if any
  std::string last_modified;  // its Last-Modified header, if any
};

class Egress {
 public:
  explicit Egress(EgressConfig config);
  const EgressConfig& config() const { return config_; }

  // GETs `url`, following redirects; `etag` and `last_modified` (a previous
  // answer's) make it conditional (a 304 has no body). Any HTTP status is
  // an answer. Errors: forbidden "egress_disabled" (off);
  // invalid "invalid_url" (not an http or https URL of at most 2,048 bytes,
  // or with a character outside printable ASCII); forbidden
  // "address_refused" (a connection to a refused address, or a redirect to
  // another scheme); too_large (past max_bytes); unavailable "unreachable"
  // (no connection, a timeout, TLS refused, more than 5 redirects).
  // Messages never hold the URL (it may carry a secret token).
  Result<Fetched> get(std::string_view url, std::string_view etag = {},
                      std::string_view last_modified = {}) const;

 private:
  EgressConfig config_;
};

// Whether `url` reads as one Egress::get() takes (scheme, length,
// characters), before any fetch.
bool valid_egress_url(std::string_view url);

}  // namespace ruche::http
