#include "core/crypto/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/internal.hpp"
#include "core/crypto/random.hpp"

namespace ruche::crypto {
namespace {

void check_digits(int digits) {
  if (digits < 6 || digits > 8) detail::contract_violation("hotp: digits must be 6, 7 or 8");
}

void check_step(int step_seconds) {
  if (step_seconds <= 0) detail::contract_violation("totp: step_seconds must be positive");
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string hotp(std::string_view secret_raw, std::uint64_t counter, int digits) {
  check_digits(digits);
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xffu);
    counter >>= 8;
  }
  // OpenSSL may refuse a NULL key even with length 0.
  const char* key = secret_raw.empty() ? "" : secret_raw.data();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), key, static_cast<int>(secret_raw.size()), msg, sizeof msg, mac, &mac_len) ==
          nullptr ||
      mac_len != 20) {
    detail::contract_violation("hotp: HMAC-SHA-1 failed");
  }
  // RFC 4226 section 5.3 dynamic truncation.
  const unsigned offset = mac[19] & 0x0fu;
  const std::uint32_t bin = (static_cast<std::uint32_t>(mac[offset] & 0x7fu) << 24) |
                            (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                            (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                            static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string out(static_cast<std::size_t>(digits), '0');
  std::uint32_t v = bin % modulus;
  for (int i = digits - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out;
}

std::int64_t totp_step(std::int64_t unix_seconds, int step_seconds) {
  check_step(step_seconds);
  // Floor division, so times before the epoch map to negative steps.
  std::int64_t q = unix_seconds / step_seconds;
  if (unix_seconds % step_seconds < 0) --q;
  return q;
}

std::string totp_code(std::string_view secret_raw, std::int64_t unix_seconds, int step_seconds,
                      int digits) {
  return hotp(secret_raw, static_cast<std::uint64_t>(totp_step(unix_seconds, step_seconds)),
              digits);
}

std::optional<std::int64_t> totp_verify(std::string_view secret_raw, std::string_view code,
                                        std::int64_t unix_seconds,
                                        std::optional<std::int64_t> last_used_step, int window,
                                        int step_seconds, int digits) {
  check_digits(digits);
  if (window < 0 || window > kTotpMaxWindow) {
    detail::contract_violation("totp_verify: window out of range");
  }
  std::string given;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') return std::nullopt;
    given.push_back(c);
  }
  if (given.size() != static_cast<std::size_t>(digits)) return std::nullopt;
  const std::int64_t now = totp_step(unix_seconds, step_seconds);
  for (std::int64_t s = now - window; s <= now + window; ++s) {
    if (last_used_step && s <= *last_used_step) continue;
    if (constant_time_equal(hotp(secret_raw, static_cast<std::uint64_t>(s), digits), given)) {
      return s;
    }
  }
  return std::nullopt;
}

std::string new_totp_secret() {
  return random_bytes(kTotpSecretBytes);
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_raw) {
  const std::string enc_issuer = percent_encode(issuer);
  std::string out = "otpauth://totp/";
  out += enc_issuer;
  out += ':';
  out += percent_encode(account);
  out += "?secret=";
  out += base32_encode(secret_raw);
  out += "&issuer=";
  out += enc_issuer;
  out += "&algorithm=SHA1&digits=";
  out += std::to_string(kTotpDigits);
  out += "&period=";
  out += std::to_string(kTotpStepSeconds);
  return out;
}

std::vector<std::string> new_recovery_codes(std::size_t n) {
  static constexpr char kAlphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
  static constexpr std::uint32_t kSize = sizeof kAlphabet - 1;
  detail::ensure_sodium();
  std::vector<std::string> codes;
  codes.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string code;
    for (int group = 0; group < 3; ++group) {
      if (group > 0) code.push_back('-');
      for (int j = 0; j < 4; ++j) code.push_back(kAlphabet[randombytes_uniform(kSize)]);
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

std::string normalize_recovery_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace ruche::crypto
