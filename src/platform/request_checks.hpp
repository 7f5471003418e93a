// What the platform reads from a request's headers before anything acts on
// it, each in one place: HTTP Basic credentials (RFC 7617), where a
// browser says a request comes from (CSRF-1), and a resumable upload's
// metadata (tus). Pure functions of the headers, fuzzed in
// fuzz/fuzz_http.cpp.
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
// base64, no colon, or more than kMaxBasicCredentialBytes decoded. Both parts
// are UTF-8: what is not is read as ISO-8859-1 (aiohttp's encoding).
std::optional<BasicCredentials> basic_credentials(std::string_view authorization);

// CSRF-1, the one check of a browser's request's site: refused (forbidden,
// reason "cross_site") when Sec-Fetch-Site says another site sent it, or
// ("cross_origin") when an Origin is sent that is neither `public_url`'s
// origin nor http(s)://Host. A request with neither header (a typed URL, a
// non-browser client) passes. What a session cookie, a share link's cookie
// or a WebSocket acts for.
Result<void> check_same_origin(const http::Headers& headers, std::string_view public_url);

// Whether only the caller's own client can have sent the request: it carries
// a Bearer token (no other site's page can add one), or the browser says this
// origin sent it (Sec-Fetch-Site: same-origin). A cookie, or a Basic
// credential a browser remembers, rides along on other sites' requests too.
// What API answers are compressed for (ApiOptions::compress).
bool sent_by_own_client(const http::Headers& headers);

// The value of `key` in a tus Upload-Metadata header ("key base64,key2
// base64,key3": pairs separated by commas, the value base64 of any bytes,
// absent for an empty one): decoded, "" for a key without a value; nullopt
// when the key is not there or its value is not base64.
std::optional<std::string> upload_metadata(std::string_view header, std::string_view key);

// "scheme://host[:port]" of a URL, without its path; the URL itself when it
// has no scheme.
std::string_view origin_of(std::string_view url);

// The query parameter `key` as a whole decimal integer within [lo, hi]:
// nullopt when absent. Errors: invalid "invalid_field" naming the key.
Result<std::optional<std::int64_t>> query_integer(const http::Request& req, std::string_view key,
                                                  std::int64_t lo, std::int64_t hi);

// The query parameter `key` as an ISO 8601 time (parse_iso8601), in ms
// since 1970: nullopt when absent. Errors: invalid "invalid_field" naming
// the key.
Result<std::optional<std::int64_t>> query_time(const http::Request& req, std::string_view key);

// The query parameter `key` as a comma-separated list ("a,b,c"), in order;
// empty when absent. Errors: invalid "invalid_field" naming the key, for
// more than `max` items or an empty one.
Result<std::vector<std::string>> query_list(const http::Request& req, std::string_view key,
                                            std::size_t max);

}  // namespace ruche::platform
