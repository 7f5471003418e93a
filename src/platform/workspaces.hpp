// Workspaces, their modules and their members (roles and per-module rights).
//
// Every call takes the caller and checks through Authz; every change writes
// its audit entry and its outbox event in the same transaction.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "platform/audit.hpp"
#include "platform/blobs.hpp"
#include "platform/authz.hpp"
#include "platform/outbox.hpp"
#include "platform/registry.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

struct Workspace {
  WorkspaceId id;
  std::string name;
  std::string description;
  bool armoured = false;
  bool archived = false;
  std::vector<std::string> modules;
  std::int64_t created_at_ms = 0;
  WorkspaceRole role = WorkspaceRole::guest;  // the caller's
  std::int64_t seq = 0;                       // last event sequence number
};

struct Member {
  UserId user_id;
  std::string name;
  std::string email;
  WorkspaceRole role = WorkspaceRole::member;
  bool external = false;                      // instance guest
  std::optional<std::int64_t> expires_at_ms;
  std::vector<std::pair<std::string, Access>> rights;  // effective right per active module
};

struct MemberChange {
  std::optional<WorkspaceRole> role;
  std::vector<std::pair<std::string, Access>> rights;  // per module; replaces the override
  bool set_expiry = false;
  std::optional<std::int64_t> expires_at_ms;
};

class Workspaces {
 public:
  Workspaces(db::Database& db, const Clock& clock, Authz& authz, Outbox& outbox, AuditLog& audit,
             const ModuleRegistry& registry, Blobs& blobs);
  ~Workspaces();

  // Errors: forbidden for instance guests; invalid name or unknown module.
  Result<Workspace> create(const Caller& caller, std::string_view name,
                           std::string_view description, std::vector<std::string> modules,
                           bool armoured);
  // The caller's workspaces (archived ones included, flagged).
  Result<std::vector<Workspace>> list(const Caller& caller);
  // The same as the JSON array GET /workspaces answers. Cached per user and
  // dropped by any workspace or membership event that could change it (on
  // every node, through the bus), so the hot path needs no database.
  Result<std::shared_ptr<const std::string>> list_json(const Caller& caller);
  // The cached answer only, never blocking (I/O threads); null on a miss.
  std::shared_ptr<const std::string> list_json_cached(const UserId& user);
  Result<Workspace> get(const Caller& caller, const WorkspaceId& ws);
  // Owner/admin. Errors: not_found, forbidden, invalid, conflict (archived).
  Result<Workspace> update(const Caller& caller, const WorkspaceId& ws,
                           std::optional<std::string> name, std::optional<std::string> description,
                           std::optional<std::vector<std::string>> modules);
  Result<Workspace> set_archived(const Caller& caller, const WorkspaceId& ws, bool archived);
  // Owner only. Removes the workspace and everything in it.
  Result<void> remove(const Caller& caller, const WorkspaceId& ws);

  // `seq`, when given, gets the workspace's last event as of the list: the
  // list holds every change up to that event.
  Result<std::vector<Member>> members(const Caller& caller, const WorkspaceId& ws,
                                      std::int64_t* seq = nullptr);
  // Owner/admin. Admins cannot touch owners nor make owners. The last owner
  // cannot be demoted. Errors: not_found, forbidden, invalid, conflict.
  Result<Member> change_member(const Caller& caller, const WorkspaceId& ws, const UserId& user,
                               const MemberChange& change);
  // Owner/admin, or the member themself (leaving). Errors: conflict when it
  // would leave the workspace without an owner.
  Result<void> remove_member(const Caller& caller, const WorkspaceId& ws, const UserId& user);

  // Adds a membership inside a write transaction (invitation acceptance).
  // Errors: conflict when already a member.
  Result<void> add_member_in(db::Conn& c, const WorkspaceId& ws, const UserId& user,
                             WorkspaceRole role, std::optional<std::int64_t> expires_at_ms,
                             const AuditEntry& audit_base);

  // A person's name or kind of account changed: each workspace they are a
  // member of gets `member.updated` with their entry, inside the caller's
  // write transaction, so that members' lists follow without reading again.
  Result<void> person_changed(db::Conn& c, const UserId& user);

  // Ids of the workspace's owners and admins (event audiences).
  static Result<std::vector<std::string>> managers(db::Conn& c, const WorkspaceId& ws);

 private:
  // Known modules, sorted and once each; in an armoured workspace, only
  // those that keep their contents end-to-end encrypted.
  Result<std::vector<std::string>> check_modules(std::vector<std::string> modules, bool armoured) const;
  Result<Workspace> load(db::Conn& c, const WorkspaceId& ws, WorkspaceRole role);
  Result<Member> load_member(db::Conn& c, const WorkspaceId& ws, const UserId& user);

  void invalidate(const bus::Event& e);

  db::Database& db_;
  const Clock& clock_;
  Authz& authz_;
  Outbox& outbox_;
  AuditLog& audit_;
  const ModuleRegistry& registry_;
  Blobs& blobs_;

  struct CachedList {
    std::shared_ptr<const std::string> json;
    std::int64_t valid_until_ms;  // the earliest membership expiry in it
  };
  std::uint64_t subscription_ = 0;
  std::mutex cache_mu_;
  std::uint64_t generation_ = 0;  // bumped by every invalidation
  std::unordered_map<std::string, CachedList> lists_;                         // by user
  std::unordered_map<std::string, std::vector<std::string>> users_of_;        // by workspace
};

json::object to_json(const Workspace& w);
// A member as JSON, and the same written straight onto `out` (a list of
// 20,000 members is built an object at a time otherwise).
json::object to_json(const Member& m);
void append_json(std::string& out, const Member& m);

}  // namespace ruche::platform
