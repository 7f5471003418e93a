// What the platform reads from a request's headers before anything acts on
// it, each in one place: HTTP Basic credentials (RFC 7617) and where a
// browser says a request comes from (CSRF-1). Pure functions of the
// headers, fuzzed in fuzz/fuzz_http.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/http/message.hpp"

namespace ruche::platform {

// Decoded user ids and secrets longer than this are refused (an e-mail of
// 254 bytes, an app token or a password of up to 1,024 bytes, and a colon).
inline constexpr std::size_t kMaxBasicCredentialBytes = 1100;

struct BasicCredentials {
  std::string user;      // as sent, before the colon
  std::string password;  // everything after the first colon
};

// The credentials of an Authorization header's value ("Basic " in any case,
// then base64 of "user:password"). nullopt for another scheme, malformed
// base64, no colon, or more than kMaxBasicCredentialBytes decoded.
std::optional<BasicCredentials> basic_credentials(std::string_view authorization);

// CSRF-1, the one check of a browser's request's site: refused (forbidden,
// reason "cross_site") when Sec-Fetch-Site says another site sent it, or
// ("cross_origin") when an Origin is sent that is neither `public_url`'s
// origin nor http(s)://Host. A request with neither header (a typed URL, a
// non-browser client) passes. What a session cookie, a share link's cookie
// or a WebSocket acts for.
Result<void> check_same_origin(const http::Headers& headers, std::string_view public_url);

// "scheme://host[:port]" of a URL, without its path; the URL itself when it
// has no scheme.
std::string_view origin_of(std::string_view url);

}  // namespace ruche::platform
