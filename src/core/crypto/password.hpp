// Password hashing (SECURITY.md AUTH-1) and password policy (AUTH-2).
//
// Hashing is Argon2id through libargon2 rather than libsodium, whose Argon2id
// fixes parallelism at 1: the default is RFC 9106's second recommended option,
// m = 64 MiB, t = 3, p = 4. Hashes are standard PHC strings
//   $argon2id$v=19$m=65536,t=3,p=4$<16-byte salt>$<32-byte hash>
// (unpadded base64), readable by any Argon2 implementation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ruche::crypto {

// Floors below which PasswordHasher::create refuses parameters (AUTH-1), and
// ceilings above which it refuses them and verify() refuses encoded strings
// (so a corrupted or hostile hash cannot make the server allocate gigabytes).
inline constexpr std::uint32_t kMinPasswordMemoryKib = 19456;  // 19 MiB
inline constexpr std::uint32_t kMinPasswordIterations = 2;
inline constexpr std::uint32_t kMaxPasswordMemoryKib = 4u << 20;  // 4 GiB
inline constexpr std::uint32_t kMaxPasswordIterations = 64;
inline constexpr std::uint32_t kMaxPasswordParallelism = 64;
inline constexpr std::size_t kPasswordSaltBytes = 16;
inline constexpr std::size_t kPasswordHashBytes = 32;

struct PasswordParams {
  std::uint32_t memory_kib = 65536;
  std::uint32_t iterations = 3;
  std::uint32_t parallelism = 4;
  // How many hash/verify computations may run at once; further callers wait.
  // Peak memory is about max_concurrent * memory_kib.
  std::uint32_t max_concurrent = 2;
};

// Hashes and verifies passwords with a bound on concurrent computations, so a
// login flood queues instead of exhausting memory.
//
// Thread-safety: every method is safe to call concurrently. Copies share one
// concurrency bound (and one peak counter). The hash/verify methods block the
// calling thread for the whole computation (tens to hundreds of milliseconds,
// plus any wait for a free slot): call them from a worker pool, never from an
// I/O thread. A moved-from hasher may only be destroyed or assigned to.
class PasswordHasher {
 public:
  // Errors: Errc::invalid when memory_kib < kMinPasswordMemoryKib, iterations
  // < kMinPasswordIterations, parallelism or max_concurrent is 0, or a value
  // is above its ceiling.
  static Result<PasswordHasher> create(PasswordParams params = {});

  // A PHC string for `password` (used whole: no truncation) with a fresh
  // random salt. Errors: Errc::unavailable when memory cannot be allocated,
  // Errc::internal on any other libargon2 failure.
  Result<std::string> hash(std::string_view password) const;

  // True when `password` matches `encoded` (argon2id, or legacy argon2i, PHC
  // strings with v=19). The comparison is constant-time. Any malformed or
  // out-of-bounds `encoded` gives false without computing anything.
  bool verify(std::string_view encoded, std::string_view password) const;

  // Spends the work of a verify() at the current parameters against a fixed
  // internal hash, and discards the result: call it when the account does not
  // exist, so unknown and known accounts answer in similar time (AUTH-6).
  void dummy_verify(std::string_view password) const;
  // The hash dummy_verify() checks against: an argon2id PHC string at the
  // current parameters, with a random salt and hash (for tests).
  const std::string& dummy_encoded() const;

  // True when `encoded` should be replaced by hash() at the next successful
  // login: it is not an argon2id v=19 PHC string, or its memory, iterations or
  // parallelism is below the current parameters, or its salt or hash is
  // shorter than what hash() produces. Stronger parameters are kept.
  bool needs_rehash(std::string_view encoded) const;

  const PasswordParams& params() const;

  // The most computations that have run at once since creation (tests and
  // metrics).
  std::uint32_t peak_concurrency() const;

 private:
  struct State;
  explicit PasswordHasher(std::shared_ptr<State> state);

  std::shared_ptr<State> state_;
};

inline constexpr std::size_t kMinPasswordChars = 12;
inline constexpr std::size_t kMaxPasswordChars = 256;
inline constexpr std::size_t kMinContextWordChars = 4;

// Checks a new password against the policy (AUTH-2). Lengths count Unicode
// code points, not bytes. No composition rules. Refuses, with Errc::invalid,
// reason "weak_password" and a message saying why (never quoting the password):
//  - text that is not valid UTF-8;
//  - fewer than kMinPasswordChars or more than kMaxPasswordChars characters;
//  - one character, or a sequence of up to 4 characters, repeated;
//  - a common password, compared case-insensitively, also after removing
//    leading and trailing digits, symbols and spaces ("Soleil2024!"), inner
//    spaces and symbols ("I love you"), common digit-for-letter swaps
//    ("P@ssw0rd") and repetition ("azertyazerty");
//  - text containing one of `context_words` (the user's name, email address,
//    the service name...), case-insensitively. Each context word is also
//    split at characters other than letters and digits ("jean.dupont@x.fr"
//    gives "jean", "dupont", "x", "fr"); only words and pieces of at least
//    kMinContextWordChars characters are checked.
// Case-insensitive means ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic
// letters. Thread-safe.
Result<void> check_password_policy(std::string_view password,
                                   const std::vector<std::string_view>& context_words = {});

}  // namespace ruche::crypto
