#include "core/crypto/random.hpp"

#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "core/crypto/encoding.hpp"
#include "core/crypto/internal.hpp"

namespace ruche::crypto {
namespace {

bool sodium_ready() {
  // A function-local static: sodium_init() runs once, thread-safely.
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

namespace detail {

void ensure_sodium() {
  if (!sodium_ready()) contract_violation("libsodium failed to initialize");
}

void contract_violation(const char* what) {
  std::fprintf(stderr, "ruche::crypto: %s\n", what);
  std::abort();
}

}  // namespace detail

Result<void> init() {
  if (!sodium_ready()) return fail(Errc::internal, "libsodium failed to initialize");
  return {};
}

std::string random_bytes(std::size_t n) {
  detail::ensure_sodium();
  std::string out(n, '\0');
  if (n > 0) randombytes_buf(out.data(), n);
  return out;
}

std::string new_id() {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  const std::string raw = random_bytes(16);
  // 26 five-bit groups hold 130 bits: the two spare bits are leading zeros,
  // so the id reads as one big-endian number (first character 0-7).
  std::string out;
  out.reserve(kIdLength);
  std::uint32_t acc = 0;
  int bits = 2;
  for (unsigned char c : raw) {
    acc = ((acc << 8) | c) & 0xfffu;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(acc >> bits) & 31u]);
    }
  }
  return out;
}

std::string new_token() {
  return base64url_encode(random_bytes(32));
}

std::string random_digits(std::size_t n) {
  detail::ensure_sodium();
  std::string out(n, '0');
  for (char& c : out) c = static_cast<char>('0' + randombytes_uniform(10));
  return out;
}

}  // namespace ruche::crypto
