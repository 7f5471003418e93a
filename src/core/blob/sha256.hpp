// SHA-256 and HMAC-SHA-256 through OpenSSL, whose SHA-256 uses the CPU's SHA
// extensions (1.24 GB/s on one core of the reference machine, against 0.29
// GB/s for libsodium's portable SHA-256 and 0.82 GB/s for its keyed BLAKE2b:
// see bench/chunking). Internal to core/blob, which needs what core/crypto
// does not offer: a streaming hash (content hashes of blobs of any size).
//
// Thread-safety: the functions are safe from any thread; a Sha256 object is
// used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace ruche::blob::detail {

// HMAC-SHA-256 of `data` under `key`: 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Overwrites `s` with zeros (OPENSSL_cleanse: not optimized away).
void wipe(std::string& s);

// Streaming SHA-256.
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

}  // namespace ruche::blob::detail
