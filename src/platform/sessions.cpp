#include "platform/sessions.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

namespace ruche::platform {

namespace {
constexpr std::int64_t kAppTokenLifetimeMs = 100LL * 365 * 24 * 3600'000;
constexpr std::size_t kMaxCacheEntries = 100'000;
constexpr std::int64_t kPasswordCheckMs = 60'000;

// Password checks share the cache with tokens, under keys no token hash
// (64 hex characters) can take.
std::string password_check_key(const std::string& key) { return "basic:" + key; }
}  // namespace

Sessions::Sessions(db::Database& db, const Clock& clock, Outbox& outbox, SessionsConfig config)
    : db_(db), clock_(clock), outbox_(outbox), config_(config) {
  subscription_ = outbox_.bus().subscribe([this](const bus::Event& e) {
    if (e.type == bus::kReset) {
      std::lock_guard lock(mu_);
      cache_.clear();
    } else if (e.workspace_id.empty() && e.type == "credentials.revoked") {
      auto v = json::parse(e.data);
      if (v && v->is_object())
        if (auto* u = v->as_object().if_contains("user_id"); u && u->is_string())
          forget_user(UserId(std::string(u->as_string())));
    }
  });
}

Sessions::~Sessions() { outbox_.bus().unsubscribe(subscription_); }

Result<Minted> Sessions::insert(db::Conn& c, const UserId& user, std::string_view kind,
                                std::string_view name, std::string_view remote_addr,
                                std::string_view user_agent) {
  Minted m;
  m.id = crypto::new_id_of<SessionId>();
  m.token = crypto::new_token();
  if (kind == "session") m.csrf_token = crypto::new_token();
  std::int64_t now = clock_.now_ms();
  std::int64_t expires = now + (kind == "session" ? config_.absolute_timeout_ms : kAppTokenLifetimeMs);
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO credentials (id, token_hash, user_id, kind, name, csrf_token, "
                   "created_at_ms, last_used_at_ms, expires_at_ms, remote_addr, user_agent) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)",
                   {m.id, crypto::token_hash(m.token), user, kind, name, m.csrf_token, now,
                    expires, remote_addr.substr(0, 64), user_agent.substr(0, 256)}));
  return m;
}

Result<Minted> Sessions::create_session(db::Conn& c, const UserId& user,
                                        std::string_view remote_addr,
                                        std::string_view user_agent) {
  return insert(c, user, "session", "", remote_addr, user_agent);
}

Result<Minted> Sessions::create_app_token(const UserId& user, std::string_view name,
                                          std::string_view remote_addr) {
  std::string why = json::check_string(name, {.min = 1, .max = 100});
  if (!why.empty()) return fail(Errc::invalid, "name " + why, "invalid_name");
  return db_.write([&](db::Conn& c) { return insert(c, user, "app_token", name, remote_addr, ""); });
}

Result<std::optional<Resolved>> Sessions::resolve(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::optional<Resolved>{};
  std::string hash = crypto::token_hash(token);
  std::int64_t now = clock_.now_ms();
  {
    std::lock_guard lock(mu_);
    if (auto hit = cached_locked(hash, now, true)) return hit;
  }
  struct Row {
    Resolved r;
    std::int64_t expires_at_ms;
    std::int64_t last_used_at_ms;
    bool is_session;
  };
  RUCHE_TRY(auto found, db_.read([&](db::Conn& c) -> Result<std::optional<Row>> {
    RUCHE_TRY(auto row, c.query_one(
                            "SELECT c.id, c.user_id, c.kind, c.csrf_token, c.expires_at_ms, "
                            "c.last_used_at_ms, c.revoked_at_ms, u.email, u.name, u.instance_role, "
                            "u.disabled FROM credentials c JOIN users u ON u.id = c.user_id "
                            "WHERE c.token_hash = $1",
                            {hash}));
    if (!row || !row->is_null(6) || row->boolean(10)) return std::optional<Row>{};
    Row out;
    out.r.caller.session_id = SessionId(row->text(0));
    out.r.caller.user_id = UserId(row->text(1));
    out.is_session = row->text(2) == "session";
    out.r.caller.kind = out.is_session ? CredentialKind::session : CredentialKind::app_token;
    out.r.csrf_token = row->text(3);
    out.expires_at_ms = row->i64(4);
    out.last_used_at_ms = row->i64(5);
    out.r.caller.email = row->text(7);
    out.r.caller.name = row->text(8);
    out.r.caller.role = parse_instance_role(row->text(9)).value_or(InstanceRole::guest);
    return std::optional<Row>(std::move(out));
  }));
  if (!found) return std::optional<Resolved>{};
  if (now >= found->expires_at_ms) return std::optional<Resolved>{};
  if (found->is_session && now - found->last_used_at_ms > config_.idle_timeout_ms)
    return std::optional<Resolved>{};
  std::int64_t last_used = found->last_used_at_ms;
  if (now - last_used >= config_.touch_interval_ms) {
    // Written at most once per touch interval per credential, so requests
    // stay read-only almost always.
    RUCHE_CHECK(db_.write([&](db::Conn& c) -> Result<void> {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE credentials SET last_used_at_ms = $2 WHERE id = $1",
                       {found->r.caller.session_id, now}));
      return {};
    }));
    last_used = now;
  }
  {
    std::lock_guard lock(mu_);
    if (cache_.size() >= kMaxCacheEntries) cache_.clear();
    cache_[hash] = Cached{found->r, now, found->expires_at_ms, last_used, found->is_session};
  }
  return std::optional<Resolved>(found->r);
}

std::optional<Resolved> Sessions::cached_locked(const std::string& hash, std::int64_t now,
                                                bool erase_stale) {
  auto it = cache_.find(hash);
  if (it == cache_.end()) return std::nullopt;
  const Cached& c = it->second;
  bool idle = c.is_session && now - c.last_used_at_ms > config_.idle_timeout_ms;
  // Past the touch interval the last-use time must be written: not from cache.
  if (now - c.cached_at_ms < config_.cache_ttl_ms && now < c.expires_at_ms && !idle &&
      now - c.last_used_at_ms < config_.touch_interval_ms)
    return c.resolved;
  if (erase_stale) cache_.erase(it);
  return std::nullopt;
}

std::optional<Resolved> Sessions::resolve_cached(std::string_view token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  std::string hash = crypto::token_hash(token);
  std::lock_guard lock(mu_);
  return cached_locked(hash, clock_.now_ms(), false);
}

Result<std::vector<CredentialInfo>> Sessions::list(const UserId& user) {
  std::int64_t now = clock_.now_ms();
  return db_.read([&](db::Conn& c) -> Result<std::vector<CredentialInfo>> {
    std::vector<CredentialInfo> out;
    RUCHE_CHECK(c.each("SELECT id, kind, name, created_at_ms, last_used_at_ms, remote_addr, "
                       "user_agent FROM credentials WHERE user_id = $1 AND revoked_at_ms IS NULL "
                       "AND expires_at_ms > $2 ORDER BY created_at_ms DESC",
                       {user, now}, [&](const db::Row& r) {
                         CredentialInfo i;
                         i.id = SessionId(r.text(0));
                         i.kind = r.text(1);
                         i.name = r.text(2);
                         i.created_at_ms = r.i64(3);
                         i.last_used_at_ms = r.i64(4);
                         i.remote_addr = r.text(5);
                         i.user_agent = r.text(6);
                         out.push_back(std::move(i));
                         return true;
                       }));
    return out;
  });
}

Result<std::string> Sessions::csrf_token(const SessionId& id) {
  return db_.read([&](db::Conn& c) -> Result<std::string> {
    RUCHE_TRY(auto row, c.query_one("SELECT csrf_token FROM credentials WHERE id = $1", {id}));
    if (!row) return fail(Errc::not_found, "no such session");
    return row->text(0);
  });
}

void Sessions::remember_password_check(const std::string& key, const Caller& caller) {
  const std::int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[password_check_key(key)] = Cached{Resolved{caller, {}}, now, now + kPasswordCheckMs, now, false};
}

std::optional<Caller> Sessions::password_check_cached(const std::string& key) {
  std::lock_guard lock(mu_);
  auto hit = cached_locked(password_check_key(key), clock_.now_ms(), true);
  if (!hit) return std::nullopt;
  return std::move(hit->caller);
}

void Sessions::forget_user(const UserId& user) {
  std::lock_guard lock(mu_);
  std::erase_if(cache_, [&](const auto& kv) { return kv.second.resolved.caller.user_id == user; });
}

void Sessions::publish_revoked(const UserId& user) {
  forget_user(user);
  json::object data;
  data["user_id"] = user.str();
  outbox_.publish_control("credentials.revoked", data);
}

Result<void> Sessions::revoke(const UserId& user, const SessionId& id) {
  RUCHE_CHECK(db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto n, c.exec("UPDATE credentials SET revoked_at_ms = $3 WHERE id = $1 AND "
                             "user_id = $2 AND revoked_at_ms IS NULL",
                             {id, user, clock_.now_ms()}));
    if (n == 0) return fail(Errc::not_found, "no such session or token");
    return {};
  }));
  publish_revoked(user);
  return {};
}

Result<void> Sessions::revoke_all(const UserId& user, bool sessions_only,
                                  std::optional<SessionId> keep) {
  RUCHE_CHECK(db_.write([&](db::Conn& c) -> Result<void> {
    std::string sql =
        "UPDATE credentials SET revoked_at_ms = $2 WHERE user_id = $1 AND revoked_at_ms IS NULL "
        "AND id <> $3";
    if (sessions_only) sql += " AND kind = 'session'";
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec(sql, {user, clock_.now_ms(), keep ? keep->str() : std::string()}));
    return {};
  }));
  publish_revoked(user);
  return {};
}

}  // namespace ruche::platform
