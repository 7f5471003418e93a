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

namespace {

// 16 bytes as an id: 26 five-bit groups hold 130 bits; the two spare bits
// are leading zeros, so the id reads as one big-endian number (first
// character 0-7) and string order is numeric order.
std::string id_from_bytes(const std::string& raw) {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
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

}  // namespace

std::string new_id() {
  return id_from_bytes(random_bytes(16));
}

std::string new_ordered_id(std::int64_t now_ms) {
  std::string raw = random_bytes(16);
  const auto ms = static_cast<std::uint64_t>(now_ms < 0 ? 0 : now_ms);
  for (int i = 0; i < 6; ++i)
    raw[static_cast<std::size_t>(i)] = static_cast<char>((ms >> (40 - 8 * i)) & 0xffu);
  return id_from_bytes(raw);
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
