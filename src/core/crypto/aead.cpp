#include "core/crypto/aead.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "base/uninitialized.hpp"
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

// XChaCha20-Poly1305-IETF computed as its definition reads: the subkey is
// HChaCha20(key, nonce[0..16)) (libsodium), then ChaCha20-Poly1305-IETF with
// the 96-bit nonce 0x00000000 || nonce[16..24) (OpenSSL, whose AVX-512 code
// is ~3x libsodium's on the CPUs we run on). The bytes are exactly those of
// libsodium's crypto_aead_xchacha20poly1305_ietf_* (tested against it).
class XChaCha {
 public:
  XChaCha(std::string_view key, const unsigned char* nonce) {
    crypto_core_hchacha20(subkey_, nonce, bytes_of(key), nullptr);
    std::memcpy(iv_ + 4, nonce + crypto_core_hchacha20_INPUTBYTES, 8);
    if (!ctx_) detail::contract_violation("EVP_CIPHER_CTX_new failed");
  }
  ~XChaCha() {
    sodium_memzero(subkey_, sizeof subkey_);
    EVP_CIPHER_CTX_free(ctx_);
  }
  XChaCha(const XChaCha&) = delete;
  XChaCha& operator=(const XChaCha&) = delete;

  // Encrypts `in` into `out` (same size) and writes the tag.
  void seal(std::string_view in, std::string_view ad, unsigned char* out, unsigned char* tag) {
    int n = 0;
    bool ok = EVP_EncryptInit_ex(ctx_, EVP_chacha20_poly1305(), nullptr, subkey_, iv_) == 1 &&
              update(ad, nullptr, true) && update(in, out, true) &&
              EVP_EncryptFinal_ex(ctx_, out + in.size(), &n) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagBytes), tag) == 1;
    if (!ok) detail::contract_violation("ChaCha20-Poly1305 encryption failed");
  }

  // Decrypts `in` into `out` and checks `tag`; false (and `out` wiped) when
  // it does not authenticate.
  bool open(std::string_view in, std::string_view ad, const unsigned char* tag, unsigned char* out) {
    int n = 0;
    bool ok = EVP_DecryptInit_ex(ctx_, EVP_chacha20_poly1305(), nullptr, subkey_, iv_) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagBytes),
                                  const_cast<unsigned char*>(tag)) == 1 &&
              update(ad, nullptr, false) && update(in, out, false) &&
              EVP_DecryptFinal_ex(ctx_, out + in.size(), &n) == 1;
    if (!ok) sodium_memzero(out, in.size());
    return ok;
  }

 private:
  // EVP lengths are ints: long inputs go in slices.
  bool update(std::string_view in, unsigned char* out, bool encrypt) {
    constexpr std::size_t kSlice = 1u << 30;
    for (std::size_t at = 0; at < in.size(); at += kSlice) {
      const int len = static_cast<int>(std::min(kSlice, in.size() - at));
      int n = 0;
      unsigned char* dst = out ? out + at : nullptr;
      const int r = encrypt ? EVP_EncryptUpdate(ctx_, dst, &n, bytes_of(in) + at, len)
                            : EVP_DecryptUpdate(ctx_, dst, &n, bytes_of(in) + at, len);
      if (r != 1) return false;
    }
    return true;
  }

  EVP_CIPHER_CTX* ctx_ = EVP_CIPHER_CTX_new();
  unsigned char subkey_[crypto_core_hchacha20_OUTPUTBYTES];
  unsigned char iv_[12] = {};
};

}  // namespace

std::string new_key() {
  return random_bytes(kKeyBytes);
}

void seal_into(std::string_view key, std::string_view plaintext, std::string_view associated_data,
               std::span<char> out) {
  if (key.size() != kKeyBytes) detail::contract_violation("seal: key must be 32 bytes");
  if (out.size() != plaintext.size() + kSealOverhead) detail::contract_violation("seal: wrong output size");
  const auto out_at = reinterpret_cast<std::uintptr_t>(out.data());
  const auto in_at = reinterpret_cast<std::uintptr_t>(plaintext.data());
  if (!plaintext.empty() && out_at < in_at + plaintext.size() && in_at < out_at + out.size()) {
    detail::contract_violation("seal: output overlaps the plaintext");
  }
  // Every byte is written below: the nonce, the ciphertext, the tag.
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(p, kNonceBytes);
  XChaCha(key, p).seal(plaintext, associated_data, p + kNonceBytes, p + kNonceBytes + plaintext.size());
}

std::string seal(std::string_view key, std::string_view plaintext,
                 std::string_view associated_data) {
  std::string out = uninitialized_string(plaintext.size() + kSealOverhead);
  seal_into(key, plaintext, associated_data, out);
  return out;
}

namespace {

// What open() and open_in_place() share: the checks, then the plaintext of
// `sealed` written to `out` (its size less kSealOverhead; `out` may be where
// the ciphertext is: OpenSSL decrypts in place, Poly1305 reading each block
// of ciphertext before it is overwritten).
Result<void> open_to(std::string_view key, std::string_view sealed, std::string_view associated_data,
                     unsigned char* out) {
  detail::ensure_sodium();
  if (key.size() != kKeyBytes) return fail(Errc::invalid, "key must be 32 bytes");
  if (sealed.size() < kSealOverhead) return fail(Errc::invalid, "ciphertext too short");
  const auto* nonce = bytes_of(sealed);
  const std::string_view ciphertext = sealed.substr(kNonceBytes, sealed.size() - kSealOverhead);
  if (!XChaCha(key, nonce).open(ciphertext, associated_data, nonce + kNonceBytes + ciphertext.size(), out)) {
    return fail(Errc::invalid, "ciphertext does not authenticate");
  }
  return {};
}

}  // namespace

Result<std::string> open(std::string_view key, std::string_view sealed,
                         std::string_view associated_data) {
  std::string out = uninitialized_string(sealed.size() >= kSealOverhead ? sealed.size() - kSealOverhead : 0);
  RUCHE_CHECK(open_to(key, sealed, associated_data, reinterpret_cast<unsigned char*>(out.data())));
  return out;
}

Result<std::string_view> open_in_place(std::string_view key, std::string& sealed,
                                       std::string_view associated_data) {
  // Not used by open_to() when `sealed` is too short (it fails first).
  auto* plain = sealed.size() >= kSealOverhead ? reinterpret_cast<unsigned char*>(sealed.data()) + kNonceBytes
                                               : nullptr;
  RUCHE_CHECK(open_to(key, sealed, associated_data, plain));
  return std::string_view(sealed).substr(kNonceBytes, sealed.size() - kSealOverhead);
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
