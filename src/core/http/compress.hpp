// gzip for answers: the static files' (compressed once, at start-up) and the
// API's lists' (compressed as they go out).
//
// Compression and secrets (BREACH): how long a compressed answer is tells
// how much of it repeats itself. An answer that holds a secret beside text an
// attacker chose lets that attacker, if they can watch lengths on the wire and
// make the victim's browser ask again and again, guess the secret a byte at a
// time. Static files hold no secret; an API route that compresses states why
// it may (platform::ApiOptions::compress).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/http/message.hpp"

namespace ruche::http {

// Whether an Accept-Encoding header value accepts gzip (a "gzip" or "*"
// coding whose q is not 0).
bool accepts_gzip(std::string_view accept_encoding);

// zlib's levels: 1 is the fastest (what dynamic answers use: 7.7× smaller on
// a list of members, at some 150 MB/s), 9 the smallest; -1 its default (6).
inline constexpr int kGzipFastest = 1;
inline constexpr int kGzipDefault = -1;

// gzip (RFC 1952) of `data`, or nullopt when zlib fails.
std::optional<std::string> gzip(std::string_view data, int level = kGzipDefault);
// The bytes a gzip member holds, or nullopt when it is corrupt, truncated, or
// holds more than `max_bytes`.
std::optional<std::string> gunzip(std::string_view data, std::size_t max_bytes);

// gzip of a body of `content_type` when that is worth it: text (text/*, JSON,
// SVG) of 1 KiB or more that shrinks by a tenth at least; else nullopt.
std::optional<std::string> gzip_if_worth(std::string_view data, std::string_view content_type,
                                         int level = kGzipDefault);

// The entity tag of the gzip variant of an answer tagged `etag` (RFC 9110
// 8.8.3: each content coding has its own): "x" -> "x-gz", W/"x" -> W/"x-gz".
std::string gzip_etag(std::string_view etag);

// Compresses a successful (2xx, not 206) buffered answer in place when the
// client accepts gzip (`accept_encoding`) and gzip_if_worth() finds it worth
// it: Content-Encoding and its ETag set. It always adds Vary: Accept-Encoding
// (the answer depends on it whether compressed or not).
void gzip_response(Response& r, std::string_view accept_encoding, int level = kGzipFastest);

}  // namespace ruche::http
