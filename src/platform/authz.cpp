#include "platform/authz.hpp"

namespace ruche::platform {

Result<WorkspaceAccess> Authz::access(const Caller& caller, const WorkspaceId& ws) {
  if (!is_id(ws.str())) return fail(Errc::not_found, "no such workspace");
  return db_.read([&](db::Conn& c) { return access_in(c, caller.user_id, ws); });
}

Result<WorkspaceAccess> Authz::access_in(db::Conn& c, const UserId& user, const WorkspaceId& ws) {
  RUCHE_TRY(auto row, c.query_one(
                          "SELECT w.name, w.archived_at_ms, w.armoured, m.role, m.expires_at_ms "
                          "FROM memberships m JOIN workspaces w ON w.id = m.workspace_id "
                          "WHERE m.workspace_id = $1 AND m.user_id = $2",
                          {ws, user}));
  if (!row) return fail(Errc::not_found, "no such workspace");
  if (!row->is_null(4) && row->i64(4) <= clock_.now_ms())
    return fail(Errc::not_found, "no such workspace");
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
    if (!a.module_active(module)) return fail(Errc::not_found, "module not active here");
    Access have = a.right(module);
    if (have == Access::none) return fail(Errc::not_found, "not found");
    if (need == Access::write && have != Access::write)
      return fail(Errc::forbidden, "read-only access to this module", "read_only");
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
