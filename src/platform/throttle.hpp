// Failed-login throttling (SECURITY.md AUTH-5), per account and per source
// address, kept in the database so it holds across restarts and nodes.
//
// An account gets `free_failures` wrong passwords per window; each further
// one locks it for twice as long as the previous lock (from 30 s up to
// `max_lock_ms`). An address gets `address_failures` per window across all
// accounts, then is locked for `max_lock_ms`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"

namespace ruche::platform {

struct ThrottleConfig {
  int free_failures = 5;
  int address_failures = 50;
  std::int64_t window_ms = 15 * 60'000;
  std::int64_t first_lock_ms = 30'000;
  std::int64_t max_lock_ms = 15 * 60'000;
};

class LoginThrottle {
 public:
  LoginThrottle(const Clock& clock, ThrottleConfig config = {}) : clock_(clock), config_(config) {}

  // Milliseconds until a login for `email` from `address` may be tried, or
  // nullopt when it may be tried now.
  Result<std::optional<std::int64_t>> locked_for(db::Database& db, std::string_view email,
                                                 std::string_view address) const;
  // Counts a failure (in the caller's write transaction).
  Result<void> record_failure(db::Conn& c, std::string_view email, std::string_view address) const;
  // Clears the account's failures after a successful login.
  Result<void> record_success(db::Conn& c, std::string_view email) const;

 private:
  Result<void> bump(db::Conn& c, const std::string& key, int free, bool exponential) const;

  const Clock& clock_;
  ThrottleConfig config_;
};

}  // namespace ruche::platform
