// The one authorization path (SECURITY.md AC-1): instance role -> workspace
// membership -> workspace role -> module active -> per-member module right.
// Objects inside a module (a channel, a file) are checked by the module
// after it has found which workspace they belong to, through require().
//
// Anything the caller may not see is not_found, never forbidden: a caller
// who can read but not write gets forbidden (they know it exists).
#pragma once

#include <string_view>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

class Authz {
 public:
  Authz(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The caller's access to `ws`. Errors: not_found when the workspace does
  // not exist, the caller is not a member, or their membership expired.
  Result<WorkspaceAccess> access(const Caller& caller, const WorkspaceId& ws);
  Result<WorkspaceAccess> access_in(db::Conn& c, const UserId& user, const WorkspaceId& ws);

  // access(), then: `module` must be active and the member's right on it at
  // least `need`; for writes, the workspace must not be archived. Pass an
  // empty module for workspace-level reads. Errors: not_found (no access or
  // module off), forbidden (read-only member asking to write), conflict
  // ("archived").
  Result<WorkspaceAccess> require(const Caller& caller, const WorkspaceId& ws,
                                  std::string_view module, Access need);
  // The same check on an already resolved access.
  static Result<void> check(const WorkspaceAccess& a, std::string_view module, Access need);

 private:
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace ruche::platform
