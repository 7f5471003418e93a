// Hashes, MACs and constant-time comparison. Digests are raw bytes in a
// std::string unless the name says _hex.
//
// Thread-safety: every function is pure and safe to call from any thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace ruche::crypto {

// SHA-256 of `data`: 32 raw bytes, or 64 lowercase hex characters.
std::string sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

// Streaming SHA-256 (OpenSSL; the CPU's SHA extensions where present): the
// content hash of data of any size, fed piece by piece. One thread at a time.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::string_view data);
  // The digest of everything given to update(), as 64 lowercase hex
  // characters; then resets for a new message.
  std::string finish_hex();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// HMAC-SHA-256 (RFC 2104) of `data` under `key` of any length: 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// HMAC-SHA-1 of `data` under `key`: 20 raw bytes. Only for protocols that
// fix it (coturn's REST API credentials for TURN); SHA-1 is not used for
// anything new.
std::string hmac_sha1(std::string_view key, std::string_view data);

// Unkeyed BLAKE2b (libsodium crypto_generichash) of `data`: `out_len` raw
// bytes. `out_len` must be within [16, 64]; anything else is a bug in the
// caller and aborts.
std::string blake2b(std::string_view data, std::size_t out_len = 32);

// True when `a` and `b` hold the same bytes. The time taken depends only on
// the sizes: returns false at once when they differ (sizes are not secret).
bool constant_time_equal(std::string_view a, std::string_view b);

// How a bearer token (session, app, invitation, recovery code) is stored:
// sha256_hex(token). Tokens carry 256 random bits, so a fast unsalted hash is
// enough; a stolen database does not yield usable tokens.
std::string token_hash(std::string_view token);

}  // namespace ruche::crypto
