// HMAC-SHA-256 through OpenSSL with a per-thread context, and the streaming
// SHA-256 (core/crypto's), whose OpenSSL code uses the CPU's SHA extensions
// (1.24 GB/s on one core of the reference machine, against 0.29 GB/s for
// libsodium's portable SHA-256 and 0.82 GB/s for its keyed BLAKE2b: see
// bench/chunking). Internal to core/blob.
//
// Thread-safety: the functions are safe from any thread; a Sha256 object is
// used by one thread at a time.
#pragma once

#include <string>
#include <string_view>

#include "core/crypto/hash.hpp"

namespace ruche::blob::detail {

// HMAC-SHA-256 of `data` under `key`: 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Overwrites `s` with zeros (OPENSSL_cleanse: not optimized away).
void wipe(std::string& s);

// Streaming SHA-256: core/crypto's.
using Sha256 = crypto::Sha256;

}  // namespace ruche::blob::detail
