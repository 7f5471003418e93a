// Binary-to-text encodings. Bytes travel as std::string (any byte value).
//
// Decoders take untrusted text: they return std::nullopt on anything that is
// not a canonical encoding (bad character, bad length, bad padding, non-zero
// trailing bits) and never throw. Hex and base64 run in constant time with
// respect to the bytes (libsodium), so they are safe for keys.
//
// Thread-safety: every function is pure and safe to call from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ruche::crypto {

// Lowercase hex. Decoding accepts either case; odd lengths are refused.
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view text);

// RFC 4648 section 4 base64 ("+/"), padded with '='. Decoding accepts the
// text with its correct padding or with no padding at all.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// RFC 4648 section 5 base64url ("-_"), without padding (tokens, URLs).
// Decoding accepts the text with its correct padding or with none.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// RFC 4648 section 6 base32 (A-Z2-7), uppercase, without padding: the form
// authenticator apps expect for TOTP secrets. Decoding is tolerant of
// lowercase letters and of trailing '=' padding.
std::string base32_encode(std::string_view bytes);
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace ruche::crypto
