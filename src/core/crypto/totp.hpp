// One-time passwords for the second factor (SECURITY.md AUTH-3): HOTP
// (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA-1, the variant every
// authenticator app supports; and recovery codes.
//
// Secrets are raw bytes (`secret_raw`), shown to the user in base32.
// Thread-safety: every function is safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ruche::crypto {

inline constexpr int kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
inline constexpr std::size_t kTotpSecretBytes = 20;
inline constexpr int kTotpMaxWindow = 10;

// The HOTP value for `counter`, zero-padded to `digits` characters.
// `digits` must be 6, 7 or 8; anything else is a bug in the caller and aborts.
std::string hotp(std::string_view secret_raw, std::uint64_t counter, int digits = kTotpDigits);

// The time step (RFC 6238 "T") holding `unix_seconds`, counted from the Unix
// epoch with steps of `step_seconds` (> 0, else abort).
std::int64_t totp_step(std::int64_t unix_seconds, int step_seconds = kTotpStepSeconds);

// The TOTP code at `unix_seconds`: hotp(secret_raw, totp_step(...), digits).
std::string totp_code(std::string_view secret_raw, std::int64_t unix_seconds,
                      int step_seconds = kTotpStepSeconds, int digits = kTotpDigits);

// Checks `code` against the steps from window before to window after the one
// holding `unix_seconds` (clock drift). Spaces in `code` are ignored; any
// other non-digit, or a wrong length, fails.
//
// Codes are single-use: a step <= `last_used_step` is refused even when the
// code matches. On success returns the matched step, which the caller must
// store as the new last_used_step (atomically with accepting the login, so two
// concurrent requests cannot both use it). Returns std::nullopt on mismatch.
// `window` must be within [0, kTotpMaxWindow]; `digits` and `step_seconds` as
// above (else abort).
std::optional<std::int64_t> totp_verify(std::string_view secret_raw, std::string_view code,
                                        std::int64_t unix_seconds,
                                        std::optional<std::int64_t> last_used_step, int window = 1,
                                        int step_seconds = kTotpStepSeconds,
                                        int digits = kTotpDigits);

// A new TOTP secret: 20 random bytes (160 bits, RFC 4226's recommendation).
std::string new_totp_secret();

// The provisioning URI for QR codes:
//   otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
// `issuer` and `account` are percent-encoded (UTF-8, RFC 3986 unreserved
// characters kept).
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_raw);

// `n` new recovery codes, each "xxxx-xxxx-xxxx": 12 characters drawn
// uniformly from the 31 lowercase letters and digits that cannot be confused
// (no 0, 1, i, l, o), about 59 bits each. Callers show them once and store
// token_hash(normalize_recovery_code(code)).
std::vector<std::string> new_recovery_codes(std::size_t n = 10);

// The form a recovery code is hashed in: ASCII-lowercased, with dashes and
// whitespace removed, so "ABCD-efgh 2345" and "abcdefgh2345" match.
std::string normalize_recovery_code(std::string_view code);

}  // namespace ruche::crypto
