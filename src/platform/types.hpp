// Platform vocabulary shared by every service and module: roles, rights and
// the authenticated caller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/id.hpp"

namespace ruche::platform {

// Instance-wide role. Guests are external people: they only see the
// workspaces they were invited to and never the user directory.
enum class InstanceRole { admin, member, guest };
// Role inside one workspace, from most to least powerful.
enum class WorkspaceRole { owner, admin, member, guest };
// Right on one module of one workspace.
enum class Access { none = 0, read = 1, write = 2 };

std::string_view to_string(InstanceRole r);
std::string_view to_string(WorkspaceRole r);
std::string_view to_string(Access a);
std::optional<InstanceRole> parse_instance_role(std::string_view s);
std::optional<WorkspaceRole> parse_workspace_role(std::string_view s);
std::optional<Access> parse_access(std::string_view s);

// Higher is more powerful: owner 3, admin 2, member 1, guest 0.
int rank(WorkspaceRole r);
// The right a role has on every active module unless overridden per member:
// write for owners, admins and members; read for guests.
Access default_access(WorkspaceRole r);

// How the caller proved who they are.
enum class CredentialKind {
  session,    // interactive login (Bearer token or cookie)
  app_token,  // named token for DAV, CalDAV and sync clients
  password,   // HTTP Basic with the account password (DAV only, accounts without 2FA)
};

struct Caller {
  UserId user_id;
  std::string email;
  std::string name;
  InstanceRole role = InstanceRole::member;
  SessionId session_id;          // the session or app token used
  CredentialKind kind = CredentialKind::session;
  bool via_cookie = false;       // writes then need the CSRF token
  std::string remote_addr;
  std::string request_id;

  bool is_admin() const { return role == InstanceRole::admin; }
  bool is_guest() const { return role == InstanceRole::guest; }
};

// What of a person's profile changed, for what keeps something of it.
struct PersonChanged {
  bool name = false;
  bool time_zone = false;
};

struct User {
  UserId id;
  std::string email;
  std::string name;
  InstanceRole role = InstanceRole::member;
  bool disabled = false;
  bool totp_enabled = false;
  std::int64_t created_at_ms = 0;
  std::string locale;
  bool notice_email = true;  // unread notices emailed (platform/notices.hpp)
  std::vector<std::string> notice_email_off;  // topics not emailed (kNoticeTopics)
  bool reminder_email = false;                // calendar reminders emailed as they go off too
  std::string time_zone;                      // IANA name, "" until known (UTC)
};

// What one member may do in one workspace, resolved by Authz.
struct WorkspaceAccess {
  WorkspaceId workspace_id;
  std::string workspace_name;
  WorkspaceRole role = WorkspaceRole::guest;
  bool archived = false;
  bool armoured = false;
  // Active modules with the member's effective right on each (none when the
  // module is active but closed to this member).
  std::vector<std::pair<std::string, Access>> modules;

  Access right(std::string_view module) const;
  bool module_active(std::string_view module) const;
  bool can_manage() const { return rank(role) >= rank(WorkspaceRole::admin); }
};

}  // namespace ruche::platform
