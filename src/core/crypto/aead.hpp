// Authenticated encryption: XChaCha20-Poly1305-IETF (the bytes of libsodium's
// crypto_aead_xchacha20poly1305_ietf, computed with OpenSSL's faster
// ChaCha20-Poly1305 under libsodium's HChaCha20 subkey), with a
// random 192-bit nonce per message, so one key may seal any number of
// messages without nonce bookkeeping. Used for encryption at rest
// (SECURITY.md DATA-2): blobs under per-workspace keys, those keys wrapped by
// the instance key.
//
// Sealed format: nonce (24 bytes) || ciphertext || tag (16 bytes), i.e.
// plaintext size + kSealOverhead bytes.
//
// `associated_data` is authenticated but not encrypted: bind a ciphertext to
// where it belongs (workspace id, blob id, purpose) so it cannot be moved.
// Thread-safety: every function is safe to call from any thread.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace ruche::crypto {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kNonceBytes = 24;
inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::size_t kSealOverhead = kNonceBytes + kTagBytes;

// A new random 32-byte key.
std::string new_key();

// Encrypts and authenticates `plaintext` (and authenticates
// `associated_data`) under `key`, which must be kKeyBytes long; any other
// size is a bug in the caller and aborts.
std::string seal(std::string_view key, std::string_view plaintext,
                 std::string_view associated_data = {});
// seal() into a buffer the caller owns (an aligned one, reused): `out` must
// hold exactly plaintext.size() + kSealOverhead bytes and not overlap
// `plaintext`; anything else aborts like a wrong key size.
void seal_into(std::string_view key, std::string_view plaintext, std::string_view associated_data,
               std::span<char> out);

// Reverses seal(). Errors: Errc::invalid when `sealed` is too short, was
// modified, or was sealed under another key or other associated data (the
// three are indistinguishable on purpose), or when `key` is not kKeyBytes.
Result<std::string> open(std::string_view key, std::string_view sealed,
                         std::string_view associated_data = {});

// open() without a second buffer: decrypts the ciphertext inside `sealed`
// and returns the plaintext, a view into `sealed` (which must then outlive
// it). On failure (the errors of open()) the ciphertext part of `sealed` is
// wiped.
Result<std::string_view> open_in_place(std::string_view key, std::string& sealed,
                                       std::string_view associated_data = {});

// Key wrapping: seal()/open() of a kKeyBytes key under a key-encryption key
// (`kek`, kKeyBytes too). wrap_key aborts when either is not kKeyBytes long
// (a bug in the caller); unwrap_key fails like open(), and also
// (Errc::invalid) when the unwrapped value is not kKeyBytes long.
std::string wrap_key(std::string_view kek, std::string_view key,
                     std::string_view associated_data = {});
Result<std::string> unwrap_key(std::string_view kek, std::string_view wrapped,
                               std::string_view associated_data = {});

}  // namespace ruche::crypto
