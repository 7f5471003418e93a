#include "platform/authz.hpp"

#include <algorithm>
#include <climits>

namespace ruche::platform {

namespace {

constexpr std::size_t kMaxGranted = 100'000;

std::string granted_key(const UserId& user, const WorkspaceId& ws) {
  std::string k;
  k.reserve(user.str().size() + 1 + ws.str().size());
  k += user.str();
  k += ' ';
  k += ws.str();
  return k;
}

}  // namespace

tl::unexpected<Error> refused(Errc code, std::string message, const WorkspaceId& ws,
                              std::string reason) {
  Error e{code, std::move(message), std::move(reason)};
  e.denied = true;
  e.denied_in = is_id(ws.str()) ? ws.str() : "";
  return tl::unexpected<Error>(std::move(e));
}

Authz::Authz(db::Database& db, bus::Bus& bus, const Clock& clock) : db_(db), bus_(bus), clock_(clock) {
  subscription_ = bus_.subscribe([this](const bus::Event& e) { invalidate(e); });
}

Authz::~Authz() { bus_.unsubscribe(subscription_); }

void Authz::invalidate(const bus::Event& e) {
  if (!changes_access(e)) return;
  // Rare events: forget everything rather than work out who they touch.
  std::lock_guard lock(mu_);
  ++generation_;
  granted_.clear();
}

Result<WorkspaceAccess> Authz::access(const Caller& caller, const WorkspaceId& ws) {
  if (!is_id(ws.str())) return refused(Errc::not_found, "no such workspace", ws);
  if (auto hit = access_cached(caller.user_id, ws)) return std::move(*hit);
  std::uint64_t gen;
  {
    std::lock_guard lock(mu_);
    gen = generation_;
  }
  std::int64_t expires = INT64_MAX;
  RUCHE_TRY(WorkspaceAccess a,
            db_.read([&](db::Conn& c) { return read_access(c, caller.user_id, ws, &expires); }));
  const std::int64_t until = std::min(expires, clock_.now_ms() + kAccessCacheMs);
  std::lock_guard lock(mu_);
  // A change committed while we read may not be in `a`: keep it uncached.
  if (gen == generation_) {
    if (granted_.size() >= kMaxGranted) granted_.clear();
    granted_.insert_or_assign(granted_key(caller.user_id, ws), Granted{a, until});
  }
  return a;
}

std::optional<WorkspaceAccess> Authz::access_cached(const UserId& user, const WorkspaceId& ws) {
  const std::string key = granted_key(user, ws);
  std::lock_guard lock(mu_);
  auto it = granted_.find(key);
  if (it == granted_.end()) return std::nullopt;
  if (clock_.now_ms() >= it->second.valid_until_ms) {
    granted_.erase(it);
    return std::nullopt;
  }
  return it->second.access;
}

Result<std::vector<WorkspaceAccess>> Authz::accesses_in(db::Conn& c, const UserId& user) {
  std::vector<std::string> ids;
  RUCHE_CHECK(c.each("SELECT workspace_id FROM memberships WHERE user_id = $1", {user},
                     [&](const db::Row& r) {
                       ids.push_back(r.text(0));
                       return true;
                     }));
  std::vector<WorkspaceAccess> out;
  for (const auto& id : ids) {
    auto a = access_in(c, user, WorkspaceId(id));
    if (a) out.push_back(std::move(*a));
  }
  return out;
}

Result<Access> Authz::still_allowed(db::Conn& c, const UserId& user, const WorkspaceId& ws,
                                    std::string_view module) {
  RUCHE_TRY(
      auto member,
      c.query_one(
          "SELECT m.role FROM memberships m WHERE m.workspace_id = $1 AND m.user_id = $3 AND " +
              std::string(RUCHE_ACTIVE_MEMBERSHIP("m")) + std::string(c.for_update()),
          {ws, clock_.now_ms(), user}));
  if (!member) return Access::none;
  // A statement of its own, after the lock: at READ COMMITTED it sees a
  // change of rights that committed while this write waited for the row.
  // The module is still on: its row is held until the write ends (KEY
  // SHARE: writes acting on the module share it), so turning the module off
  // (which deletes the row) waits for this write, or this read finds no row.
  RUCHE_TRY(auto right,
            c.query_one(std::string("SELECT r.access FROM workspace_modules wm LEFT JOIN "
                                    "member_rights r ON r.workspace_id = wm.workspace_id AND "
                                    "r.module = wm.module AND r.user_id = $2 WHERE "
                                    "wm.workspace_id = $1 AND wm.module = $3") +
                            (c.backend() == db::Backend::postgres ? " FOR KEY SHARE OF wm" : ""),
                        {ws, user, module}));
  if (!right) return Access::none;
  if (!right->is_null(0)) return parse_access(right->text(0)).value_or(Access::none);
  return default_access(parse_workspace_role(member->text(0)).value_or(WorkspaceRole::guest));
}

Result<WorkspaceAccess> Authz::access_in(db::Conn& c, const UserId& user, const WorkspaceId& ws) {
  return read_access(c, user, ws, nullptr);
}

Result<WorkspaceAccess> Authz::read_access(db::Conn& c, const UserId& user, const WorkspaceId& ws,
                                           std::int64_t* expires_at_ms) {
  RUCHE_TRY(auto row, c.query_one(
                          "SELECT w.name, w.archived_at_ms, w.armoured, m.role, m.expires_at_ms "
                          "FROM memberships m JOIN workspaces w ON w.id = m.workspace_id "
                          "WHERE m.workspace_id = $1 AND m.user_id = $2",
                          {ws, user}));
  if (!row) return refused(Errc::not_found, "no such workspace", ws);
  if (!row->is_null(4) && row->i64(4) <= clock_.now_ms())
    return refused(Errc::not_found, "no such workspace", ws);
  if (expires_at_ms && !row->is_null(4)) *expires_at_ms = row->i64(4);
  WorkspaceAccess a;
  a.workspace_id = ws;
  a.workspace_name = row->text(0);
  a.archived = !row->is_null(1);
  a.armoured = row->boolean(2);
  a.role = parse_workspace_role(row->text(3)).value_or(WorkspaceRole::guest);
  Access base = default_access(a.role);
  RUCHE_CHECK(c.each(
      "SELECT wm.module, r.access FROM workspace_modules wm LEFT JOIN member_rights r ON "
      "r.workspace_id = wm.workspace_id AND r.module = wm.module AND r.user_id = $2 "
      "WHERE wm.workspace_id = $1 ORDER BY wm.module",
      {ws, user}, [&](const db::Row& r) {
        Access right = base;
        if (!r.is_null(1)) right = parse_access(r.text(1)).value_or(Access::none);
        a.modules.emplace_back(r.text(0), right);
        return true;
      }));
  return a;
}

Result<void> Authz::check(const WorkspaceAccess& a, std::string_view module, Access need) {
  if (!module.empty()) {
    if (!a.module_active(module))
      return refused(Errc::not_found, "module not active here", a.workspace_id);
    Access have = a.right(module);
    if (have == Access::none) return refused(Errc::not_found, "not found", a.workspace_id);
    if (need == Access::write && have != Access::write)
      return refused(Errc::forbidden, "read-only access to this module", a.workspace_id,
                     "read_only");
  }
  if (need == Access::write && a.archived)
    return fail(Errc::conflict, "the workspace is archived", "archived");
  return {};
}

Result<WorkspaceAccess> Authz::require(const Caller& caller, const WorkspaceId& ws,
                                       std::string_view module, Access need) {
  RUCHE_TRY(WorkspaceAccess a, access(caller, ws));
  RUCHE_CHECK(check(a, module, need));
  return a;
}

}  // namespace ruche::platform
