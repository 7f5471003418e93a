#include "platform/throttle.hpp"

#include <algorithm>

namespace ruche::platform {

namespace {
std::string account_key(std::string_view email) { return "acct:" + std::string(email); }
std::string address_key(std::string_view address) { return "ip:" + std::string(address); }
}  // namespace

Result<std::optional<std::int64_t>> LoginThrottle::locked_for(db::Database& db,
                                                              std::string_view email,
                                                              std::string_view address) const {
  std::int64_t now = clock_.now_ms();
  return db.read([&](db::Conn& c) -> Result<std::optional<std::int64_t>> {
    RUCHE_TRY(auto row, c.query_one("SELECT MAX(locked_until_ms) FROM login_throttle "
                                    "WHERE key IN ($1, $2)",
                                    {account_key(email), address_key(address)}));
    if (!row || row->is_null(0) || row->i64(0) <= now) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>(row->i64(0) - now);
  });
}

Result<void> LoginThrottle::bump(db::Conn& c, const std::string& key, int free,
                                 bool exponential) const {
  std::int64_t now = clock_.now_ms();
  RUCHE_TRY(auto row, c.query_one("SELECT failures, window_start_ms FROM login_throttle "
                                  "WHERE key = $1",
                                  {key}));
  std::int64_t failures = 1;
  std::int64_t window_start = now;
  if (row && now - row->i64(1) < config_.window_ms) {
    failures = row->i64(0) + 1;
    window_start = row->i64(1);
  }
  std::int64_t locked_until = 0;
  if (failures > free) {
    std::int64_t lock = config_.max_lock_ms;
    if (exponential) {
      std::int64_t over = std::min<std::int64_t>(failures - free - 1, 20);
      lock = std::min(config_.max_lock_ms, config_.first_lock_ms << over);
    }
    locked_until = now + lock;
    // A lock keeps the window open so the count keeps growing.
    window_start = now;
  }
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO login_throttle (key, failures, window_start_ms, locked_until_ms) "
                   "VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET "
                   "failures = excluded.failures, window_start_ms = excluded.window_start_ms, "
                   "locked_until_ms = excluded.locked_until_ms",
                   {key, failures, window_start, locked_until}));
  return {};
}

Result<void> LoginThrottle::record_failure(db::Conn& c, std::string_view email,
                                           std::string_view address) const {
  RUCHE_CHECK(bump(c, account_key(email), config_.free_failures, true));
  if (!address.empty()) RUCHE_CHECK(bump(c, address_key(address), config_.address_failures, false));
  return {};
}

Result<void> LoginThrottle::record_success(db::Conn& c, std::string_view email) const {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("DELETE FROM login_throttle WHERE key = $1", {account_key(email)}));
  return {};
}

}  // namespace ruche::platform
