#include "core/crypto/sign.hpp"

#include <sodium.h>

#include "core/crypto/internal.hpp"

namespace ruche::crypto {

static_assert(kSignPublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
static_assert(kSignSecretKeyBytes == crypto_sign_SECRETKEYBYTES);
static_assert(kSignatureBytes == crypto_sign_BYTES);

bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (public_key.size() != kSignPublicKeyBytes || signature.size() != kSignatureBytes) return false;
  detail::ensure_sodium();
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

SignKeyPair ed25519_keypair() {
  detail::ensure_sodium();
  SignKeyPair kp;
  kp.public_key.resize(kSignPublicKeyBytes);
  kp.secret_key.resize(kSignSecretKeyBytes);
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(kp.public_key.data()),
                      reinterpret_cast<unsigned char*>(kp.secret_key.data()));
  return kp;
}

std::string ed25519_sign(std::string_view secret_key, std::string_view message) {
  if (secret_key.size() != kSignSecretKeyBytes) detail::contract_violation("ed25519_sign: secret key size");
  detail::ensure_sodium();
  std::string sig(kSignatureBytes, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_key.data()));
  return sig;
}

}  // namespace ruche::crypto
