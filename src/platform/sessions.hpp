// Sessions and app tokens (SECURITY.md SESS-1, AUTH-4): bearer credentials,
// 256-bit random, stored as their SHA-256, checked on every request.
//
// A session is minted only after the full login (second factor included).
// Sessions expire after `idle_timeout_ms` without use and `absolute_timeout_ms`
// after login; app tokens do not expire but are revoked one by one.
//
// resolve() is on every request's path: it answers from a cache whose
// entries live `cache_ttl_ms` at most and are dropped at once by revocations
// on this node, and through the bus ("credentials.revoked") on the others.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "platform/outbox.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

struct SessionsConfig {
  std::int64_t idle_timeout_ms = 7LL * 24 * 3600'000;
  std::int64_t absolute_timeout_ms = 30LL * 24 * 3600'000;
  std::int64_t cache_ttl_ms = 30'000;
  std::int64_t touch_interval_ms = 60'000;  // last-use time is written at most this often
};

struct Minted {
  SessionId id;
  std::string token;       // shown once, never stored
  std::string csrf_token;  // sessions only
};

struct CredentialInfo {
  SessionId id;
  std::string kind;        // "session" or "app_token"
  std::string name;
  std::int64_t created_at_ms = 0;
  std::int64_t last_used_at_ms = 0;
  std::string remote_addr;
  std::string user_agent;
};

struct Resolved {
  Caller caller;           // without remote_addr and request_id
  std::string csrf_token;
};

class Sessions {
 public:
  Sessions(db::Database& db, const Clock& clock, Outbox& outbox, SessionsConfig config = {});
  ~Sessions();

  // Mints an interactive session inside the login's write transaction.
  Result<Minted> create_session(db::Conn& c, const UserId& user, std::string_view remote_addr,
                                std::string_view user_agent);
  // Mints a named app token. Errors: invalid name.
  Result<Minted> create_app_token(const UserId& user, std::string_view name,
                                  std::string_view remote_addr);

  // The caller behind `token`, or nullopt when it is unknown, expired,
  // revoked, or its account is disabled.
  Result<std::optional<Resolved>> resolve(std::string_view token);
  // The same from the cache only, never blocking (I/O threads): nullopt when
  // the answer needs the database.
  std::optional<Resolved> resolve_cached(std::string_view token);

  // The CSRF token of a web session ("" for app tokens).
  Result<std::string> csrf_token(const SessionId& id);
  // Sessions and app tokens of a user that are still valid.
  Result<std::vector<CredentialInfo>> list(const UserId& user);
  // Revokes one credential of `user`. Errors: not_found.
  Result<void> revoke(const UserId& user, const SessionId& id);
  // Revokes every credential of `user` (or only sessions when
  // `sessions_only`), except `keep`.
  Result<void> revoke_all(const UserId& user, bool sessions_only,
                          std::optional<SessionId> keep = std::nullopt);
  // Forgets cached credentials of `user` on every node (password, account
  // or role changed): the control event "credentials.revoked", on which live
  // connections of the user check their credential again.
  void publish_revoked(const UserId& user);

  // HTTP Basic with a password: a check that succeeded, remembered so that
  // WebDAV clients, which send the password with every request, do not pay
  // Argon2id each time. `key` is derived from the credentials by the caller
  // (a hash, never the password). The entry goes after a minute at most, and
  // with the user's other cached credentials (credentials.revoked, bus reset).
  void remember_password_check(const std::string& key, const Caller& caller);
  std::optional<Caller> password_check_cached(const std::string& key);

 private:
  void forget_user(const UserId& user);
  struct Cached {
    Resolved resolved;
    std::int64_t cached_at_ms;
    std::int64_t expires_at_ms;
    std::int64_t last_used_at_ms;
    bool is_session;
  };
  Result<Minted> insert(db::Conn& c, const UserId& user, std::string_view kind,
                        std::string_view name, std::string_view remote_addr,
                        std::string_view user_agent);
  // A usable cache entry for `hash` at `now`, or nullopt (mu_ held).
  std::optional<Resolved> cached_locked(const std::string& hash, std::int64_t now, bool erase_stale);

  db::Database& db_;
  const Clock& clock_;
  Outbox& outbox_;
  SessionsConfig config_;
  std::uint64_t subscription_ = 0;
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;  // by token hash
};

}  // namespace ruche::platform
