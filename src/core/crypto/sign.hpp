// Ed25519 signatures (libsodium crypto_sign_*), for what people sign in their
// browsers and the server checks (armoured workspaces, docs/armoured.md).
//
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ruche::crypto {

inline constexpr std::size_t kSignPublicKeyBytes = 32;
inline constexpr std::size_t kSignSecretKeyBytes = 64;
inline constexpr std::size_t kSignatureBytes = 64;

// True when `signature` (64 raw bytes) is `public_key`'s (32 raw bytes)
// signature of `message`; false for any other size or a bad signature.
bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature);

// A key pair and a signature, for tests and tools: {public 32, secret 64}
// raw bytes; the 64-byte detached signature of `message`.
struct SignKeyPair {
  std::string public_key, secret_key;
};
SignKeyPair ed25519_keypair();
std::string ed25519_sign(std::string_view secret_key, std::string_view message);

}  // namespace ruche::crypto
