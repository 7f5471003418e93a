#include "core/crypto/aead.hpp"

#include <sodium.h>

#include "core/crypto/internal.hpp"
#include "core/crypto/random.hpp"

namespace ruche::crypto {
namespace {

static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string new_key() {
  return random_bytes(kKeyBytes);
}

std::string seal(std::string_view key, std::string_view plaintext,
                 std::string_view associated_data) {
  if (key.size() != kKeyBytes) detail::contract_violation("seal: key must be 32 bytes");
  std::string out = random_bytes(kNonceBytes);
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &len, bytes_of(plaintext),
                                             plaintext.size(), bytes_of(associated_data),
                                             associated_data.size(), nullptr, nonce, bytes_of(key));
  out.resize(kNonceBytes + len);
  return out;
}

Result<std::string> open(std::string_view key, std::string_view sealed,
                         std::string_view associated_data) {
  detail::ensure_sodium();
  if (key.size() != kKeyBytes) return fail(Errc::invalid, "key must be 32 bytes");
  if (sealed.size() < kSealOverhead) return fail(Errc::invalid, "ciphertext too short");
  const auto* nonce = bytes_of(sealed);
  std::string out(sealed.size() - kSealOverhead, '\0');
  unsigned long long len = 0;
  // libsodium writes no plaintext unless the tag verifies.
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &len, nullptr, nonce + kNonceBytes,
          sealed.size() - kNonceBytes, bytes_of(associated_data), associated_data.size(), nonce,
          bytes_of(key)) != 0) {
    return fail(Errc::invalid, "ciphertext does not authenticate");
  }
  out.resize(len);
  return out;
}

std::string wrap_key(std::string_view kek, std::string_view key, std::string_view associated_data) {
  if (key.size() != kKeyBytes) detail::contract_violation("wrap_key: key must be 32 bytes");
  return seal(kek, key, associated_data);
}

Result<std::string> unwrap_key(std::string_view kek, std::string_view wrapped,
                               std::string_view associated_data) {
  RUCHE_TRY(std::string key, open(kek, wrapped, associated_data));
  if (key.size() != kKeyBytes) {
    sodium_memzero(key.data(), key.size());
    return fail(Errc::invalid, "wrapped value is not a 32-byte key");
  }
  return key;
}

}  // namespace ruche::crypto
