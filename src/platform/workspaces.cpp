#include "platform/workspaces.hpp"

#include <algorithm>
#include <map>

#include "base/log.hpp"
#include "core/crypto/random.hpp"
#include "platform/armour.hpp"

namespace ruche::platform {

namespace {

// Turns on the modules of `modules` that are off and off those that are on
// and not in it; those kept keep their row. Turning a module off keeps its
// data: turning it on again restores it. A write acting on a module's right
// holds its row (Authz::still_allowed): turning the module off waits for it.
Result<void> set_modules(db::Conn& c, const WorkspaceId& ws,
                         const std::vector<std::string>& modules, std::int64_t now) {
  std::vector<std::string> on;
  RUCHE_CHECK(c.each("SELECT module FROM workspace_modules WHERE workspace_id = $1", {ws},
                     [&](const db::Row& r) {
                       on.push_back(r.text(0));
                       return true;
                     }));
  for (const auto& m : on) {
    if (std::find(modules.begin(), modules.end(), m) != modules.end()) continue;
    RUCHE_TRY(
        [[maybe_unused]] auto n,
        c.exec("DELETE FROM workspace_modules WHERE workspace_id = $1 AND module = $2", {ws, m}));
  }
  for (const auto& m : modules) {
    if (std::find(on.begin(), on.end(), m) != on.end()) continue;
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("INSERT INTO workspace_modules (workspace_id, module, enabled_at_ms) "
                     "VALUES ($1, $2, $3)",
                     {ws, m, now}));
  }
  return {};
}

Result<std::string> check_workspace_name(std::string_view name) {
  std::string why = json::check_string(name, {.min = 1, .max = 100});
  if (!why.empty()) return fail(Errc::invalid, "name " + why, "invalid_name");
  if (name.find_first_not_of(" \t") == std::string_view::npos)
    return fail(Errc::invalid, "name must not be blank", "invalid_name");
  return std::string(name);
}

Result<std::string> check_description(std::string_view d) {
  std::string why = json::check_string(d, {.max = 2000, .single_line = false});
  if (!why.empty()) return fail(Errc::invalid, "description " + why, "invalid_description");
  return std::string(d);
}

json::array string_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

json::object to_json(const Workspace& w) {
  json::object o;
  o["id"] = w.id.str();
  o["name"] = w.name;
  o["description"] = w.description;
  o["modules"] = string_array(w.modules);
  o["role"] = to_string(w.role);
  o["armoured"] = w.armoured;
  o["archived"] = w.archived;
  o["created_at"] = format_iso8601(w.created_at_ms);
  o["seq"] = w.seq;
  return o;
}

namespace {
// What workspace events carry: the workspace as every member sees it (no
// caller-specific role, no sequence number: the frame has it).
json::object event_json(const Workspace& w) {
  json::object o = to_json(w);
  o.erase("role");
  o.erase("seq");
  return o;
}
}  // namespace

void append_json(std::string& out, const Member& m) {
  auto text = [&out](std::string_view key, std::string_view value) {
    out += key;
    out += '"';
    log::append_json_escaped(out, value);
    out += '"';
  };
  text("{\"user_id\":", m.user_id.str());
  text(",\"name\":", m.name);
  text(",\"email\":", m.email);
  text(",\"role\":", to_string(m.role));
  out += m.external ? ",\"external\":true" : ",\"external\":false";
  if (m.expires_at_ms)
    text(",\"expires_at\":", format_iso8601(*m.expires_at_ms));
  else
    out += ",\"expires_at\":null";
  out += ",\"rights\":{";
  for (std::size_t i = 0; i < m.rights.size(); ++i) {
    out += i ? ",\"" : "\"";
    log::append_json_escaped(out, m.rights[i].first);
    text("\":", to_string(m.rights[i].second));
  }
  out += "}}";
}

json::object to_json(const Member& m) {
  std::string s;
  append_json(s, m);
  return json::parse(s).value().as_object();
}

Workspaces::Workspaces(db::Database& db, const Clock& clock, Authz& authz, Outbox& outbox,
                       AuditLog& audit, const ModuleRegistry& registry, Blobs& blobs)
    : db_(db),
      clock_(clock),
      authz_(authz),
      outbox_(outbox),
      audit_(audit),
      registry_(registry),
      blobs_(blobs) {
  subscription_ = outbox_.bus().subscribe([this](const bus::Event& e) { invalidate(e); });
}

Workspaces::~Workspaces() { outbox_.bus().unsubscribe(subscription_); }

void Workspaces::invalidate(const bus::Event& e) {
  if (!Authz::changes_access(e)) return;
  std::string ws = e.workspace_id;
  std::string user;
  if (auto v = json::parse(e.data); v && v->is_object()) {
    if (ws.empty())
      if (auto* w = v->as_object().if_contains("workspace_id"); w && w->is_string())
        ws = std::string(w->as_string());
    if (auto* u = v->as_object().if_contains("user_id"); u && u->is_string())
      user = std::string(u->as_string());
  }
  std::lock_guard lock(cache_mu_);
  ++generation_;
  if (!user.empty()) lists_.erase(user);
  auto it = users_of_.find(ws);
  if (it == users_of_.end()) return;
  for (const auto& u : it->second) lists_.erase(u);
  users_of_.erase(it);
}

Result<std::shared_ptr<const std::string>> Workspaces::list_json(const Caller& caller) {
  if (auto hit = list_json_cached(caller.user_id)) return hit;
  std::uint64_t gen;
  {
    std::lock_guard lock(cache_mu_);
    gen = generation_;
  }
  std::int64_t now = clock_.now_ms();
  RUCHE_TRY(auto list, list(caller));
  RUCHE_TRY(auto expiry, db_.read([&](db::Conn& c) -> Result<std::int64_t> {
    RUCHE_TRY(auto row, c.query_one("SELECT MIN(expires_at_ms) FROM memberships WHERE user_id = $1 "
                                    "AND expires_at_ms > $2",
                                    {caller.user_id, now}));
    return row && !row->is_null(0) ? row->i64(0) : INT64_MAX;
  }));
  json::array a;
  for (const auto& w : list) {
    json::object o = to_json(w);
    o.erase("seq");  // changes with every event; the events stream carries it
    a.push_back(std::move(o));
  }
  auto out = std::make_shared<const std::string>(json::serialize(a));
  std::lock_guard lock(cache_mu_);
  // A change committed while we read may not be in `list`: keep it uncached.
  if (gen == generation_) {
    if (lists_.size() > 100'000) {
      lists_.clear();
      users_of_.clear();
    }
    lists_[caller.user_id.str()] = CachedList{out, expiry};
    for (const auto& w : list) users_of_[w.id.str()].push_back(caller.user_id.str());
  }
  return out;
}

std::shared_ptr<const std::string> Workspaces::list_json_cached(const UserId& user) {
  std::lock_guard lock(cache_mu_);
  auto it = lists_.find(user.str());
  if (it == lists_.end()) return nullptr;
  if (clock_.now_ms() >= it->second.valid_until_ms) {
    lists_.erase(it);
    return nullptr;
  }
  return it->second.json;
}

Result<std::vector<std::string>> Workspaces::check_modules(std::vector<std::string> modules,
                                                          bool armoured) const {
  if (modules.size() > 32) return fail(Errc::invalid, "too many modules", "invalid_modules");
  std::sort(modules.begin(), modules.end());
  modules.erase(std::unique(modules.begin(), modules.end()), modules.end());
  for (const auto& m : modules) {
    const ModuleDef* def = registry_.find(m);
    if (!def) return fail(Errc::invalid, "unknown module: " + m.substr(0, 40), "unknown_module");
    if (armoured && !def->armoured)
      return fail(Errc::invalid, "the " + m + " module does not encrypt end to end yet: not in an armoured workspace",
                  "armoured_unsupported");
  }
  return modules;
}

Result<std::vector<std::string>> Workspaces::managers(db::Conn& c, const WorkspaceId& ws) {
  std::vector<std::string> out;
  RUCHE_CHECK(c.each("SELECT user_id FROM memberships WHERE workspace_id = $1 AND role IN "
                     "('owner', 'admin')",
                     {ws}, [&](const db::Row& r) {
                       out.push_back(r.text(0));
                       return true;
                     }));
  return out;
}

Result<Workspace> Workspaces::load(db::Conn& c, const WorkspaceId& ws, WorkspaceRole role) {
  RUCHE_TRY(auto row, c.query_one("SELECT name, description, armoured, archived_at_ms, "
                                  "created_at_ms, seq FROM workspaces WHERE id = $1",
                                  {ws}));
  if (!row) return fail(Errc::not_found, "no such workspace");
  Workspace w;
  w.id = ws;
  w.name = row->text(0);
  w.description = row->text(1);
  w.armoured = row->boolean(2);
  w.archived = !row->is_null(3);
  w.created_at_ms = row->i64(4);
  w.seq = row->i64(5);
  w.role = role;
  RUCHE_CHECK(c.each("SELECT module FROM workspace_modules WHERE workspace_id = $1 ORDER BY module",
                     {ws}, [&](const db::Row& r) {
                       w.modules.push_back(r.text(0));
                       return true;
                     }));
  return w;
}

Result<Workspace> Workspaces::create(const Caller& caller, std::string_view name_in,
                                     std::string_view description_in,
                                     std::vector<std::string> modules_in, bool armoured) {
  if (caller.is_guest())
    return fail(Errc::forbidden, "external accounts cannot create workspaces", "guest");
  RUCHE_TRY(std::string name, check_workspace_name(name_in));
  RUCHE_TRY(std::string description, check_description(description_in));
  RUCHE_TRY(auto modules, check_modules(std::move(modules_in), armoured));
  WorkspaceId id = crypto::new_id_of<WorkspaceId>();
  std::int64_t now = clock_.now_ms();
  return db_.write([&](db::Conn& c) -> Result<Workspace> {
    RUCHE_TRY([[maybe_unused]] auto a,
              c.exec("INSERT INTO workspaces (id, name, description, armoured, created_by, "
                     "created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
                     {id, name, description, armoured, caller.user_id, now}));
    for (const auto& m : modules) {
      RUCHE_TRY([[maybe_unused]] auto b,
                c.exec("INSERT INTO workspace_modules (workspace_id, module, enabled_at_ms) "
                       "VALUES ($1, $2, $3)",
                       {id, m, now}));
    }
    RUCHE_TRY([[maybe_unused]] auto d,
              c.exec("INSERT INTO memberships (workspace_id, user_id, role, created_at_ms) "
                     "VALUES ($1, $2, 'owner', $3)",
                     {id, caller.user_id, now}));
    RUCHE_TRY(Workspace w, load(c, id, WorkspaceRole::owner));
    AuditEntry e = AuditEntry::by(caller, "workspace.created");
    e.workspace_id = id.str();
    e.object = id.str();
    RUCHE_CHECK(audit_.append(c, e));
    json::object data = event_json(w);
    data["user_id"] = caller.user_id.str();  // the creator, its first member
    RUCHE_TRY(w.seq, outbox_.append(c, id, "workspace.created", "", data));
    return w;
  });
}

Result<std::vector<Workspace>> Workspaces::list(const Caller& caller) {
  std::int64_t now = clock_.now_ms();
  return db_.read([&](db::Conn& c) -> Result<std::vector<Workspace>> {
    std::vector<Workspace> out;
    std::map<std::string, std::size_t> index;
    RUCHE_CHECK(c.each(
        "SELECT w.id, w.name, w.description, w.armoured, w.archived_at_ms, w.created_at_ms, "
        "w.seq, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id "
        "WHERE m.user_id = $1 AND " RUCHE_ACTIVE_MEMBERSHIP("m") " "
        "ORDER BY w.name, w.id",
        {caller.user_id, now}, [&](const db::Row& r) {
          Workspace w;
          w.id = WorkspaceId(r.text(0));
          w.name = r.text(1);
          w.description = r.text(2);
          w.armoured = r.boolean(3);
          w.archived = !r.is_null(4);
          w.created_at_ms = r.i64(5);
          w.seq = r.i64(6);
          w.role = parse_workspace_role(r.text(7)).value_or(WorkspaceRole::guest);
          index[w.id.str()] = out.size();
          out.push_back(std::move(w));
          return true;
        }));
    // Only the modules the caller can open are listed.
    RUCHE_CHECK(c.each(
        "SELECT wm.workspace_id, wm.module, m.role, r.access FROM workspace_modules wm "
        "JOIN memberships m ON m.workspace_id = wm.workspace_id AND m.user_id = $1 "
        "LEFT JOIN member_rights r ON r.workspace_id = wm.workspace_id AND r.user_id = $1 "
        "AND r.module = wm.module ORDER BY wm.module",
        {caller.user_id}, [&](const db::Row& r) {
          auto it = index.find(r.text(0));
          if (it == index.end()) return true;
          Access a = default_access(parse_workspace_role(r.text(2)).value_or(WorkspaceRole::guest));
          if (!r.is_null(3)) a = parse_access(r.text(3)).value_or(Access::none);
          if (a != Access::none) out[it->second].modules.push_back(r.text(1));
          return true;
        }));
    return out;
  });
}

Result<Workspace> Workspaces::get(const Caller& caller, const WorkspaceId& ws) {
  RUCHE_TRY(WorkspaceAccess a, authz_.access(caller, ws));
  return db_.read([&](db::Conn& c) -> Result<Workspace> {
    RUCHE_TRY(Workspace w, load(c, ws, a.role));
    if (!a.can_manage()) {
      std::erase_if(w.modules, [&](const std::string& m) { return a.right(m) == Access::none; });
    }
    return w;
  });
}

Result<Workspace> Workspaces::update(const Caller& caller, const WorkspaceId& ws,
                                     std::optional<std::string> name,
                                     std::optional<std::string> description,
                                     std::optional<std::vector<std::string>> modules) {
  if (name) {
    RUCHE_TRY(*name, check_workspace_name(*name));
  }
  if (description) {
    RUCHE_TRY(*description, check_description(*description));
  }
  if (modules) {
    RUCHE_TRY(*modules, check_modules(std::move(*modules), false));
  }
  std::int64_t now = clock_.now_ms();
  return db_.write([&](db::Conn& c) -> Result<Workspace> {
    RUCHE_TRY(WorkspaceAccess a, authz_.access_in(c, caller.user_id, ws));
    if (!a.can_manage()) return fail(Errc::forbidden, "only owners and admins can change this");
    if (a.archived) return fail(Errc::conflict, "the workspace is archived", "archived");
    if (modules && a.armoured) RUCHE_CHECK(check_modules(*modules, true));
    // The modules before the workspace's row, in the order a post takes them
    // (Authz::still_allowed, then the outbox).
    if (modules) RUCHE_CHECK(set_modules(c, ws, *modules, now));
    if (name) {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE workspaces SET name = $2 WHERE id = $1", {ws, *name}));
    }
    if (description) {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE workspaces SET description = $2 WHERE id = $1", {ws, *description}));
    }
    AuditEntry e = AuditEntry::by(caller, "workspace.updated");
    e.workspace_id = ws.str();
    e.object = ws.str();
    if (modules) e.details["modules"] = string_array(*modules);
    RUCHE_CHECK(audit_.append(c, e));
    RUCHE_TRY(Workspace w, load(c, ws, a.role));
    RUCHE_TRY(w.seq, outbox_.append(c, ws, "workspace.updated", "", event_json(w)));
    return w;
  });
}

Result<Workspace> Workspaces::set_archived(const Caller& caller, const WorkspaceId& ws,
                                           bool archived) {
  return db_.write([&](db::Conn& c) -> Result<Workspace> {
    RUCHE_TRY(WorkspaceAccess a, authz_.access_in(c, caller.user_id, ws));
    if (a.role != WorkspaceRole::owner)
      return fail(Errc::forbidden, "only owners can archive a workspace");
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("UPDATE workspaces SET archived_at_ms = $2 WHERE id = $1",
                     {ws, archived ? std::optional<std::int64_t>(clock_.now_ms()) : std::nullopt}));
    AuditEntry e = AuditEntry::by(caller, archived ? "workspace.archived" : "workspace.unarchived");
    e.workspace_id = ws.str();
    e.object = ws.str();
    RUCHE_CHECK(audit_.append(c, e));
    RUCHE_TRY(Workspace w, load(c, ws, a.role));
    RUCHE_TRY(w.seq, outbox_.append(c, ws, "workspace.updated", "", event_json(w)));
    return w;
  });
}

Result<void> Workspaces::remove(const Caller& caller, const WorkspaceId& ws) {
  RUCHE_CHECK(db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(WorkspaceAccess a, authz_.access_in(c, caller.user_id, ws));
    if (a.role != WorkspaceRole::owner)
      return fail(Errc::forbidden, "only owners can delete a workspace");
    for (const auto& m : registry_.modules()) {
      if (m.purge) RUCHE_CHECK(m.purge(c, ws));
    }
    // Every module's contents at once: the workspace's key goes.
    RUCHE_CHECK(blobs_.purge_workspace(c, ws));
    RUCHE_TRY([[maybe_unused]] auto n, c.exec("DELETE FROM events WHERE workspace_id = $1", {ws}));
    RUCHE_TRY([[maybe_unused]] auto k, c.exec("DELETE FROM workspaces WHERE id = $1", {ws}));
    AuditEntry e = AuditEntry::by(caller, "workspace.deleted");
    e.workspace_id = ws.str();
    e.object = ws.str();
    e.details["name"] = a.workspace_name;
    RUCHE_CHECK(audit_.append(c, e));
    c.on_commit([this, ws] {
      json::object data;
      data["workspace_id"] = ws.str();
      outbox_.publish_control("workspace.deleted", data);
    });
    return {};
  }));
  return {};
}

Result<Member> Workspaces::load_member(db::Conn& c, const WorkspaceId& ws, const UserId& user) {
  RUCHE_TRY(auto row, c.query_one("SELECT u.name, u.email, m.role, u.instance_role, "
                                  "m.expires_at_ms FROM memberships m JOIN users u ON "
                                  "u.id = m.user_id WHERE m.workspace_id = $1 AND m.user_id = $2",
                                  {ws, user}));
  if (!row) return fail(Errc::not_found, "no such member");
  Member m;
  m.user_id = user;
  m.name = row->text(0);
  m.email = row->text(1);
  m.role = parse_workspace_role(row->text(2)).value_or(WorkspaceRole::guest);
  m.external = row->text(3) == "guest";
  m.expires_at_ms = row->opt_i64(4);
  Access base = default_access(m.role);
  RUCHE_CHECK(c.each(
      "SELECT wm.module, r.access FROM workspace_modules wm LEFT JOIN member_rights r ON "
      "r.workspace_id = wm.workspace_id AND r.module = wm.module AND r.user_id = $2 "
      "WHERE wm.workspace_id = $1 ORDER BY wm.module",
      {ws, user}, [&](const db::Row& r) {
        Access a = r.is_null(1) ? base : parse_access(r.text(1)).value_or(Access::none);
        m.rights.emplace_back(r.text(0), a);
        return true;
      }));
  return m;
}

Result<std::vector<Member>> Workspaces::members(const Caller& caller, const WorkspaceId& ws,
                                                std::int64_t* seq) {
  RUCHE_TRY(WorkspaceAccess a, authz_.access(caller, ws));
  (void)a;
  // The head first: what committed up to it, the read below sees.
  if (seq) {
    RUCHE_TRY(*seq, outbox_.head(db_, ws));
  }
  return db_.read([&](db::Conn& c) -> Result<std::vector<Member>> {
    std::vector<Member> out;
    std::map<std::string, std::size_t> index;
    std::int64_t now = clock_.now_ms();
    RUCHE_CHECK(c.each(
        "SELECT m.user_id, u.name, u.email, m.role, u.instance_role, m.expires_at_ms "
        "FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 "
        "AND " RUCHE_ACTIVE_MEMBERSHIP("m") " ORDER BY u.name, u.id",
        {ws, now}, [&](const db::Row& r) {
          Member m;
          m.user_id = UserId(r.text(0));
          m.name = r.text(1);
          m.email = r.text(2);
          m.role = parse_workspace_role(r.text(3)).value_or(WorkspaceRole::guest);
          m.external = r.text(4) == "guest";
          m.expires_at_ms = r.opt_i64(5);
          index[m.user_id.str()] = out.size();
          out.push_back(std::move(m));
          return true;
        }));
    std::vector<std::string> active;
    RUCHE_CHECK(c.each("SELECT module FROM workspace_modules WHERE workspace_id = $1 ORDER BY "
                       "module",
                       {ws}, [&](const db::Row& r) {
                         active.push_back(r.text(0));
                         return true;
                       }));
    std::map<std::pair<std::string, std::string>, Access> overrides;
    RUCHE_CHECK(c.each("SELECT user_id, module, access FROM member_rights WHERE workspace_id = $1",
                       {ws}, [&](const db::Row& r) {
                         overrides[{r.text(0), r.text(1)}] =
                             parse_access(r.text(2)).value_or(Access::none);
                         return true;
                       }));
    for (auto& m : out) {
      for (const auto& mod : active) {
        auto it = overrides.find({m.user_id.str(), mod});
        m.rights.emplace_back(mod, it == overrides.end() ? default_access(m.role) : it->second);
      }
    }
    return out;
  });
}

Result<Member> Workspaces::change_member(const Caller& caller, const WorkspaceId& ws,
                                         const UserId& user, const MemberChange& change) {
  for (const auto& [mod, access] : change.rights)
    if (!registry_.find(mod))
      return fail(Errc::invalid, "unknown module: " + mod.substr(0, 40), "unknown_module");
  return db_.write([&](db::Conn& c) -> Result<Member> {
    RUCHE_TRY(WorkspaceAccess a, authz_.access_in(c, caller.user_id, ws));
    if (!a.can_manage()) return fail(Errc::forbidden, "only owners and admins can change members");
    if (a.archived) return fail(Errc::conflict, "the workspace is archived", "archived");
    // The row writes acting on this member's rights lock too (Authz::still_allowed).
    RUCHE_TRY([[maybe_unused]] auto locked,
              c.query_one("SELECT 1 FROM memberships WHERE workspace_id = $1 AND user_id = $2" +
                              std::string(c.for_update()),
                          {ws, user}));
    RUCHE_TRY(Member before, load_member(c, ws, user));
    bool caller_owner = a.role == WorkspaceRole::owner;
    if (before.role == WorkspaceRole::owner && !caller_owner)
      return fail(Errc::forbidden, "only owners can change an owner");
    AuditEntry e = AuditEntry::by(caller, "member.changed");
    e.workspace_id = ws.str();
    e.object = user.str();
    if (change.role && *change.role != before.role) {
      if (*change.role == WorkspaceRole::owner && !caller_owner)
        return fail(Errc::forbidden, "only owners can make owners");
      if (before.role == WorkspaceRole::owner) {
        RUCHE_TRY(auto owners, c.query_one("SELECT COUNT(*) FROM memberships WHERE "
                                           "workspace_id = $1 AND role = 'owner'",
                                           {ws}));
        if (owners && owners->i64(0) <= 1)
          return fail(Errc::conflict, "a workspace needs at least one owner", "last_owner");
      }
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2",
                       {ws, user, to_string(*change.role)}));
      e.action = "member.role_changed";
      e.details["from"] = to_string(before.role);
      e.details["to"] = to_string(*change.role);
    }
    if (!change.rights.empty()) {
      json::object rights;
      for (const auto& [mod, access] : change.rights) {
        RUCHE_TRY([[maybe_unused]] auto n,
                  c.exec("INSERT INTO member_rights (workspace_id, user_id, module, access) VALUES "
                         "($1, $2, $3, $4) ON CONFLICT (workspace_id, user_id, module) DO UPDATE "
                         "SET access = excluded.access",
                         {ws, user, mod, to_string(access)}));
        rights[mod] = to_string(access);
      }
      e.details["rights"] = std::move(rights);
      if (e.action == "member.changed") e.action = "member.rights_changed";
    }
    if (change.set_expiry) {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE memberships SET expires_at_ms = $3 WHERE workspace_id = $1 AND "
                       "user_id = $2",
                       {ws, user, change.expires_at_ms}));
      e.details["expires_at"] =
          change.expires_at_ms ? json::value(format_iso8601(*change.expires_at_ms)) : nullptr;
    }
    RUCHE_CHECK(audit_.append(c, e));
    RUCHE_TRY(Member after, load_member(c, ws, user));
    RUCHE_TRY([[maybe_unused]] auto seq, outbox_.append(c, ws, "member.updated", "", to_json(after)));
    return after;
  });
}

Result<void> Workspaces::remove_member(const Caller& caller, const WorkspaceId& ws,
                                       const UserId& user) {
  return db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(WorkspaceAccess a, authz_.access_in(c, caller.user_id, ws));
    bool self = caller.user_id == user;
    if (!self && !a.can_manage())
      return fail(Errc::forbidden, "only owners and admins can remove members");
    RUCHE_TRY(Member target, load_member(c, ws, user));
    if (!self && target.role == WorkspaceRole::owner && a.role != WorkspaceRole::owner)
      return fail(Errc::forbidden, "only owners can remove an owner");
    if (target.role == WorkspaceRole::owner) {
      RUCHE_TRY(auto owners, c.query_one("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 "
                                         "AND role = 'owner'",
                                         {ws}));
      if (owners && owners->i64(0) <= 1)
        return fail(Errc::conflict, "a workspace needs at least one owner", "last_owner");
    }
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2", {ws, user}));
    for (const auto& m : registry_.modules())
      if (m.member_left) RUCHE_CHECK(m.member_left(c, ws, user));
    AuditEntry e = AuditEntry::by(caller, self ? "member.left" : "member.removed");
    e.workspace_id = ws.str();
    e.object = user.str();
    RUCHE_CHECK(audit_.append(c, e));
    json::object data;
    data["user_id"] = user.str();
    RUCHE_TRY([[maybe_unused]] auto seq, outbox_.append(c, ws, "member.removed", "", data));
    // They held the workspace's key: its members' browsers make a new one.
    if (a.armoured) RUCHE_CHECK(announce_armour(c, outbox_, KeyScope::of(ws), clock_.now_ms()));
    return {};
  });
}

Result<void> Workspaces::person_changed(db::Conn& c, const UserId& user) {
  std::vector<std::string> in;
  RUCHE_CHECK(c.each(
      "SELECT m.workspace_id FROM memberships m WHERE m.user_id = $1 AND " RUCHE_ACTIVE_MEMBERSHIP(
          "m"),
      {user, clock_.now_ms()}, [&](const db::Row& r) {
        in.push_back(r.text(0));
        return true;
      }));
  for (const auto& id : in) {
    WorkspaceId ws(id);
    RUCHE_TRY(Member m, load_member(c, ws, user));
    RUCHE_TRY([[maybe_unused]] auto seq, outbox_.append(c, ws, "member.updated", "", to_json(m)));
  }
  return {};
}

Result<void> Workspaces::add_member_in(db::Conn& c, const WorkspaceId& ws, const UserId& user,
                                       WorkspaceRole role,
                                       std::optional<std::int64_t> expires_at_ms,
                                       const AuditEntry& audit_base) {
  auto n = c.exec("INSERT INTO memberships (workspace_id, user_id, role, expires_at_ms, "
                  "created_at_ms) VALUES ($1, $2, $3, $4, $5)",
                  {ws, user, to_string(role), expires_at_ms, clock_.now_ms()});
  if (!n) {
    if (n.error().code == Errc::conflict)
      return fail(Errc::conflict, "already a member of this workspace", "already_member");
    return tl::unexpected<Error>(n.error());
  }
  AuditEntry e = audit_base;
  e.action = "member.added";
  e.workspace_id = ws.str();
  e.object = user.str();
  e.details["role"] = to_string(role);
  RUCHE_CHECK(audit_.append(c, e));
  RUCHE_TRY(Member m, load_member(c, ws, user));
  RUCHE_TRY([[maybe_unused]] auto seq, outbox_.append(c, ws, "member.added", "", to_json(m)));
  // In an armoured workspace, someone who already has keys (from another
  // armoured workspace) is now missing the current generation: the members'
  // browsers seal it for them.
  RUCHE_TRY(auto armoured, c.query_one("SELECT armoured FROM workspaces WHERE id = $1", {ws}));
  if (armoured && armoured->boolean(0)) RUCHE_CHECK(announce_armour(c, outbox_, KeyScope::of(ws), clock_.now_ms()));
  return {};
}

}  // namespace ruche::platform
