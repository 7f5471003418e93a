// Invitations to a workspace, for existing accounts and for external people
// (accepting creates a guest account confined to the invited workspaces).
//
// An invitation is a single-use token (stored hashed) with an expiry
// (default 7 days), revocable, optionally limiting the membership's lifetime.
// The email is sent when SMTP is configured; the link is always returned to
// the inviter so it can be passed on another way.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "platform/accounts.hpp"
#include "platform/audit.hpp"
#include "platform/authz.hpp"
#include "platform/mailer.hpp"
#include "platform/sessions.hpp"
#include "platform/throttle.hpp"
#include "platform/workspaces.hpp"

namespace ruche::platform {

struct Invitation {
  InvitationId id;
  WorkspaceId workspace_id;
  std::string email;
  WorkspaceRole role = WorkspaceRole::member;
  std::string invited_by;               // user id
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::optional<std::int64_t> membership_expires_at_ms;
  std::string status;  // pending, accepted, revoked, declined, expired
};

struct CreatedInvitation {
  Invitation invitation;
  std::string token;                    // shown once
  std::string url;
  bool emailed = false;
};

// What the accept page shows to whoever holds the link.
struct InvitationPreview {
  std::string workspace_name;
  std::string inviter_name;
  std::string email;
  WorkspaceRole role = WorkspaceRole::member;
  bool account_exists = false;
  std::int64_t expires_at_ms = 0;
};

// An invitation as the invited person sees it in the app (GET /me/invitations).
struct InvitationForMe {
  Invitation invitation;
  std::string workspace_name;
  std::string inviter_name;
};

struct Accepted {
  WorkspaceId workspace_id;
  User user;
  std::optional<Minted> session;        // for a new external account
};

// Which of a workspace's invitations a page lists.
enum class InvitationFilter {
  all,      // pending first, then the others (one page, no `before`)
  pending,  // not accepted, revoked, declined nor expired
  closed,   // accepted, revoked, declined or expired
};

// A workspace holds at most this many pending invitations (409
// "too_many_invitations" beyond); a page lists at most kMaxInvitationPage.
inline constexpr std::int64_t kMaxPendingInvitations = 10'000;
inline constexpr int kMaxInvitationPage = 500;
// The pending invitations a person is shown, newest first, at most.
inline constexpr int kMaxInvitationsForMe = 100;

struct InvitationsConfig {
  std::string public_url;               // "https://ruche.example.org"
  std::string instance_name = "Ruche";
  std::int64_t default_ttl_ms = 7LL * 24 * 3600'000;
  std::int64_t max_ttl_ms = 90LL * 24 * 3600'000;
};

class Invitations {
 public:
  Invitations(db::Database& db, const Clock& clock, Authz& authz, Workspaces& workspaces,
              Accounts& accounts, Sessions& sessions, AuditLog& audit, Outbox& outbox,
              Mailer* mailer, InvitationsConfig config)
      : db_(db), clock_(clock), authz_(authz), workspaces_(workspaces), accounts_(accounts),
        sessions_(sessions), audit_(audit), outbox_(outbox), mailer_(mailer),
        config_(std::move(config)) {}

  // Owner/admin; inviting at a role above one's own is forbidden. Errors:
  // not_found, forbidden, invalid (email, role, dates), conflict
  // ("already_member", "archived", "too_many_invitations").
  Result<CreatedInvitation> create(const Caller& caller, const WorkspaceId& ws,
                                   std::string_view email, WorkspaceRole role,
                                   std::optional<std::int64_t> expires_at_ms,
                                   std::optional<std::int64_t> membership_expires_at_ms);
  // A page of the workspace's invitations (owners and admins), newest
  // first, at most `limit`: with `all`, those still pending first, then the
  // others; with `pending` or `closed`, those created before invitation
  // `before` when given (invalid "invalid_field" when it is none of this
  // workspace's, or with `all`).
  Result<std::vector<Invitation>> list(const Caller& caller, const WorkspaceId& ws,
                                       InvitationFilter filter,
                                       const std::optional<InvitationId>& before, int limit);
  Result<void> revoke(const Caller& caller, const WorkspaceId& ws, const InvitationId& id);

  // The base of invitation links (set before serving when the port was 0).
  void set_public_url(std::string url) { config_.public_url = std::move(url); }

  // Errors: not_found for unknown tokens; gone for used, revoked or expired.
  Result<InvitationPreview> preview(std::string_view token);
  // A new external person: creates a guest account with the invitation's
  // email, the membership and a session. Errors: gone, not_found,
  // conflict ("account_exists": log in and accept instead), invalid/weak_password.
  Result<Accepted> accept_new(std::string_view token, std::string_view name,
                              std::string_view password, std::string_view remote_addr,
                              std::string_view user_agent);
  // A logged-in account whose email matches the invitation's.
  Result<Accepted> accept_existing(const Caller& caller, std::string_view token);

  // The invited side in the app, for accounts that exist (an invitation to
  // one's address also tells one, a `workspace.invited` notice): the
  // pending invitations to the caller's address, newest first (at most
  // kMaxInvitationsForMe), and accepting or declining one of them by id —
  // the address, not the link, is what entitles (a declined invitation is
  // closed, "declined" to its workspace's managers). Errors: not_found
  // (none, or another address's), gone (accepted, revoked, declined or
  // expired).
  Result<std::vector<InvitationForMe>> mine(const Caller& caller);
  Result<Accepted> accept_mine(const Caller& caller, const InvitationId& id);
  Result<void> decline_mine(const Caller& caller, const InvitationId& id);

 private:
  // Marks the pending invitation whose `key` column (token_hash or id) is
  // `value` accepted by `user_id`.
  Result<Invitation> claim(db::Conn& c, std::string_view key, const std::string& value,
                           const std::string& user_id);
  // Accepts, as the caller, the invitation `claim` finds: theirs only.
  Result<Accepted> accept_as(const Caller& caller, std::string_view key, const std::string& value);

  db::Database& db_;
  const Clock& clock_;
  Authz& authz_;
  Workspaces& workspaces_;
  Accounts& accounts_;
  Sessions& sessions_;
  AuditLog& audit_;
  Outbox& outbox_;
  Mailer* mailer_;
  InvitationsConfig config_;
};

json::object to_json(const Invitation& i);

}  // namespace ruche::platform
