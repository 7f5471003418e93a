#include "core/crypto/hash.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sodium.h>

#include "core/crypto/encoding.hpp"
#include "core/crypto/internal.hpp"

namespace ruche::crypto {
namespace {

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Fetched once: OpenSSL 3 looks providers up on every implicit fetch.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) detail::contract_violation("EVP_MD_fetch(SHA-256) failed");
  return md;
}

}  // namespace

std::string sha256(std::string_view data) {
  // OpenSSL uses the CPU's SHA extensions where present (several times
  // libsodium's portable code on large inputs).
  const EVP_MD* md = sha256_md();
  std::string out(32, '\0');
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, md,
                 nullptr) != 1 ||
      len != 32)
    detail::contract_violation("EVP_Digest(SHA-256) failed");
  return out;
}

std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256(data));
}

std::string hmac_sha1(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), bytes_of(data), data.size(), out,
           &len) == nullptr ||
      len != 20)
    detail::contract_violation("HMAC-SHA-1 failed");
  return std::string(reinterpret_cast<const char*>(out), len);
}

struct Sha256::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr || EVP_DigestInit_ex(ctx_->md, sha256_md(), nullptr) != 1)
    detail::contract_violation("SHA-256 init failed");
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view data) {
  if (EVP_DigestUpdate(ctx_->md, data.data(), data.size()) != 1)
    detail::contract_violation("SHA-256 update failed");
}

std::string Sha256::finish_hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->md, digest, &len) != 1 ||
      EVP_DigestInit_ex(ctx_->md, sha256_md(), nullptr) != 1)
    detail::contract_violation("SHA-256 final failed");
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  detail::ensure_sodium();
  // The init/update/final form takes a key of any length (the one-shot
  // crypto_auth_hmacsha256 wants exactly 32 bytes).
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, bytes_of(key), key.size());
  crypto_auth_hmacsha256_update(&state, bytes_of(data), data.size());
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
  sodium_memzero(&state, sizeof state);
  return out;
}

std::string blake2b(std::string_view data, std::size_t out_len) {
  detail::ensure_sodium();
  if (out_len < crypto_generichash_BYTES_MIN || out_len > crypto_generichash_BYTES_MAX) {
    detail::contract_violation("blake2b: out_len must be within [16, 64]");
  }
  std::string out(out_len, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out_len, bytes_of(data),
                     data.size(), nullptr, 0);
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  detail::ensure_sodium();
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string token_hash(std::string_view token) {
  return sha256_hex(token);
}

}  // namespace ruche::crypto
