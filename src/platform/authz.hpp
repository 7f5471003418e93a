// The one authorization path (SECURITY.md AC-1): instance role -> workspace
// membership -> workspace role -> module active -> per-member module right.
// Objects inside a module (a channel, a file) are checked by the module
// after it has found which workspace they belong to, through require().
//
// Anything the caller may not see is not_found, never forbidden: a caller
// who can read but not write gets forbidden (they know it exists).
//
// Granted accesses are remembered (access_cached(); the fast paths that
// answer safe requests on an I/O thread use nothing else). Every workspace
// and membership event clears that memory, on the committing thread before
// the write returns (the bus delivers synchronously on this node), so a
// removal or a downgrade applies to the next request; an entry also ends at
// the membership's expiry and after kAccessCacheMs, which bounds a change
// made behind the bus's back (another process writing the database: none
// of the command-line tools touches memberships). Refusals are never
// remembered: they are read again, and audited, every time.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/bus/bus.hpp"
#include "core/db/database.hpp"
#include "platform/types.hpp"

// SQL: the membership row `m` (an alias or the table's name, a string
// literal) is active — no expiry, or one still ahead of the time bound to
// $2. Every query that asks who is a member of a workspace says it with
// this, the current time as its second parameter.
#define RUCHE_ACTIVE_MEMBERSHIP(m) "(" m ".expires_at_ms IS NULL OR " m ".expires_at_ms > $2)"

namespace ruche::platform {

// A refusal of something in `ws` ("" or not an id: unknown): the error a
// module answers when the caller may not see or change an object there —
// the same bytes as for one that does not exist — flagged, so that the API
// audits it (SECURITY.md LOG-1; Error::denied).
tl::unexpected<Error> refused(Errc code, std::string message, const WorkspaceId& ws,
                              std::string reason = {});

class Authz {
 public:
  Authz(db::Database& db, bus::Bus& bus, const Clock& clock);
  ~Authz();
  Authz(const Authz&) = delete;
  Authz& operator=(const Authz&) = delete;

  static constexpr std::int64_t kAccessCacheMs = 30'000;

  // The caller's access to `ws`. Errors: not_found when the workspace does
  // not exist, the caller is not a member, or their membership expired.
  Result<WorkspaceAccess> access(const Caller& caller, const WorkspaceId& ws);
  Result<WorkspaceAccess> access_in(db::Conn& c, const UserId& user, const WorkspaceId& ws);
  // `user`'s right on `module` in `ws` as it is now (none when no longer an
  // active member, or the module is off), read in a write that acts on an
  // access checked before it (on a reader): the membership row is locked
  // until the write ends (Conn::for_update) and the right read after the
  // lock, so a removal or a change of rights (Workspaces::change_member
  // locks the row too) waits for the write, or the write sees it; the
  // module's row is held the same way against turning it off.
  Result<Access> still_allowed(db::Conn& c, const UserId& user, const WorkspaceId& ws,
                               std::string_view module);
  // access_in() of every workspace `user` is a member of (expired
  // memberships left out): what cross-workspace reads (search, the
  // caller's tasks) filter by.
  Result<std::vector<WorkspaceAccess>> accesses_in(db::Conn& c, const UserId& user);

  // access(), then: `module` must be active and the member's right on it at
  // least `need`; for writes, the workspace must not be archived. Pass an
  // empty module for workspace-level reads. Errors: not_found (no access or
  // module off), forbidden (read-only member asking to write), conflict
  // ("archived").
  Result<WorkspaceAccess> require(const Caller& caller, const WorkspaceId& ws,
                                  std::string_view module, Access need);
  // The same check on an already resolved access.
  static Result<void> check(const WorkspaceAccess& a, std::string_view module, Access need);

  // Whether `e` may change someone's access to a workspace (workspace and
  // membership events, or a bus reset): what empties every cache of accesses.
  static bool changes_access(const bus::Event& e) {
    return e.type.rfind("workspace.", 0) == 0 || e.type.rfind("member.", 0) == 0 || e.type == bus::kReset;
  }

  // What access() granted `user` on `ws` lately, from memory only (never
  // blocks); nullopt when unknown, expired or denied.
  std::optional<WorkspaceAccess> access_cached(const UserId& user, const WorkspaceId& ws);

 private:
  void invalidate(const bus::Event& e);
  // access_in(), and the membership's expiry when it has one.
  Result<WorkspaceAccess> read_access(db::Conn& c, const UserId& user, const WorkspaceId& ws,
                                      std::int64_t* expires_at_ms);

  db::Database& db_;
  bus::Bus& bus_;
  const Clock& clock_;
  std::uint64_t subscription_ = 0;

  struct Granted {
    WorkspaceAccess access;
    std::int64_t valid_until_ms = 0;  // the membership's expiry, or kAccessCacheMs after reading
  };
  std::mutex mu_;
  std::uint64_t generation_ = 0;  // bumped by every invalidation
  std::unordered_map<std::string, Granted> granted_;  // user id + ' ' + workspace id
};

}  // namespace ruche::platform
