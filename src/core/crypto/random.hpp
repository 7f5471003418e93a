// Library start-up and randomness: every secret, id and token Ruche mints
// comes from here (libsodium's randombytes, i.e. the kernel CSPRNG).
//
// Thread-safety: every function is safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/id.hpp"
#include "base/result.hpp"

namespace ruche::crypto {

// Initializes libsodium. Call it once at start-up so a failure is reported
// cleanly; it is idempotent and thread-safe, and every other function of this
// library also initializes on first use (aborting if that fails).
// Errors: Errc::internal when libsodium cannot initialize.
Result<void> init();

// `n` cryptographically random bytes.
std::string random_bytes(std::size_t n);

// A new opaque id: 128 random bits as 26 lowercase Crockford base32
// characters (alphabet 0123456789abcdefghjkmnpqrstvwxyz, first character in
// 0-7). Always satisfies ruche::is_id().
std::string new_id();

// A new id wrapped in a strong id type: `crypto::new_id_of<UserId>()`.
template <class IdT>
IdT new_id_of() {
  return IdT(new_id());
}

// A new id in the same form as new_id() whose first 48 bits are `now_ms`
// (Unix milliseconds, big-endian) and the other 80 random: ids of later
// milliseconds sort after earlier ones as strings, in any order within one.
// An index on such ids grows at its end instead of at a random page (chat
// messages: one page written per commit instead of one per message). The id
// tells when it was made: use it only where that is no secret.
std::string new_ordered_id(std::int64_t now_ms);

template <class IdT>
IdT new_ordered_id_of(std::int64_t now_ms) {
  return IdT(new_ordered_id(now_ms));
}

// A new bearer token (sessions, invitations, app tokens): 256 random bits as
// 43 base64url characters without padding. Store only token_hash(token).
std::string new_token();

// `n` uniformly random decimal digits ("048213" for n = 6).
std::string random_digits(std::size_t n);

}  // namespace ruche::crypto
