#include "platform/invitations.hpp"

#include "base/log.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "platform/write_order.hpp"

namespace ruche::platform {

namespace {

constexpr const char* kInvitationColumns =
    "id, workspace_id, email, role, invited_by, created_at_ms, expires_at_ms, "
    "membership_expires_at_ms, accepted_at_ms, revoked_at_ms, declined_at_ms";

// An invitation still pending at $2 (now): what the pending index holds,
// those expired left to the range on expires_at_ms.
constexpr const char* kPending =
    "accepted_at_ms IS NULL AND revoked_at_ms IS NULL AND declined_at_ms IS NULL AND "
    "expires_at_ms > $2";

Invitation from_row(const db::Row& r, std::int64_t now) {
  Invitation i;
  i.id = InvitationId(r.text(0));
  i.workspace_id = WorkspaceId(r.text(1));
  i.email = r.text(2);
  i.role = parse_workspace_role(r.text(3)).value_or(WorkspaceRole::guest);
  i.invited_by = r.text(4);
  i.created_at_ms = r.i64(5);
  i.expires_at_ms = r.i64(6);
  i.membership_expires_at_ms = r.opt_i64(7);
  if (!r.is_null(8)) i.status = "accepted";
  else if (!r.is_null(9)) i.status = "revoked";
  else if (!r.is_null(10))
    i.status = "declined";
  else if (i.expires_at_ms <= now) i.status = "expired";
  else i.status = "pending";
  return i;
}

// The notice that told an account of an invitation (create) goes once the
// invitation is accepted, declined or revoked: nothing is left to do about
// it. Its data holds the invitation's id (random: no other notice's does).
Result<void> drop_invited_notice(db::Conn& c, const std::string& email, const InvitationId& id) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("DELETE FROM notices WHERE type = 'workspace.invited' AND user_id IN "
                   "(SELECT id FROM users WHERE email = $1) AND data LIKE $2",
                   {email, "%" + id.str() + "%"}));
  return {};
}

}  // namespace

json::object to_json(const Invitation& i) {
  json::object o;
  o["id"] = i.id.str();
  o["workspace_id"] = i.workspace_id.str();
  o["email"] = i.email;
  o["role"] = to_string(i.role);
  o["invited_by"] = i.invited_by;
  o["created_at"] = format_iso8601(i.created_at_ms);
  o["expires_at"] = format_iso8601(i.expires_at_ms);
  o["membership_expires_at"] = i.membership_expires_at_ms
                                   ? json::value(format_iso8601(*i.membership_expires_at_ms))
                                   : nullptr;
  o["status"] = i.status;
  return o;
}

Result<CreatedInvitation> Invitations::create(const Caller& caller, const WorkspaceId& ws,
                                              std::string_view email_in, WorkspaceRole role,
                                              std::optional<std::int64_t> expires_at_ms,
                                              std::optional<std::int64_t> membership_expires_at_ms) {
  RUCHE_TRY(std::string email, normalize_email(email_in));
  std::int64_t now = clock_.now_ms();
  std::int64_t expires = expires_at_ms.value_or(now + config_.default_ttl_ms);
  if (expires <= now || expires > now + config_.max_ttl_ms)
    return fail(Errc::invalid, "expires_at must be in the future and within 90 days",
                "invalid_expiry");
  if (membership_expires_at_ms && *membership_expires_at_ms <= now)
    return fail(Errc::invalid, "membership_expires_at must be in the future", "invalid_expiry");
  CreatedInvitation out;
  out.token = crypto::new_token();
  std::string workspace_name, inviter_name = caller.name;
  RUCHE_CHECK(db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(WorkspaceAccess a, authz_.access_in(c, caller.user_id, ws));
    if (!a.can_manage()) return fail(Errc::forbidden, "only owners and admins can invite");
    if (a.archived) return fail(Errc::conflict, "the workspace is archived", "archived");
    if (rank(role) > rank(a.role))
      return fail(Errc::forbidden, "cannot invite at a role above your own");
    workspace_name = a.workspace_name;
    RUCHE_TRY(auto member, c.query_one("SELECT 1 FROM memberships m JOIN users u ON u.id = "
                                       "m.user_id WHERE m.workspace_id = $1 AND u.email = $2",
                                       {ws, email}));
    if (member) return fail(Errc::conflict, "already a member of this workspace", "already_member");
    // Counted exactly: two invitations at once wait for each other here.
    RUCHE_CHECK(order_workspace_writes(c, ws));
    RUCHE_TRY(auto pending, c.query_one(std::string("SELECT count(*) FROM invitations WHERE "
                                                    "workspace_id = $1 AND ") +
                                            kPending,
                                        {ws, now}));
    if (pending && pending->i64(0) >= kMaxPendingInvitations)
      return fail(Errc::conflict,
                  "this workspace has " + std::to_string(pending->i64(0)) +
                      " pending invitations, as many as it may: revoke some, or wait for answers",
                  "too_many_invitations");
    Invitation& inv = out.invitation;
    inv.id = crypto::new_id_of<InvitationId>();
    inv.workspace_id = ws;
    inv.email = email;
    inv.role = role;
    inv.invited_by = caller.user_id.str();
    inv.created_at_ms = now;
    inv.expires_at_ms = expires;
    inv.membership_expires_at_ms = membership_expires_at_ms;
    inv.status = "pending";
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("INSERT INTO invitations (id, workspace_id, token_hash, email, role, "
                     "invited_by, created_at_ms, expires_at_ms, membership_expires_at_ms) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                     {inv.id, ws, crypto::token_hash(out.token), email, to_string(role),
                      caller.user_id, now, expires, membership_expires_at_ms}));
    AuditEntry e = AuditEntry::by(caller, "invitation.created");
    e.workspace_id = ws.str();
    e.object = inv.id.str();
    e.details["email"] = email;
    e.details["role"] = to_string(role);
    RUCHE_CHECK(audit_.append(c, e));
    RUCHE_TRY(auto audience, Workspaces::managers(c, ws));
    RUCHE_TRY([[maybe_unused]] auto seq,
              outbox_.append(c, ws, "invitation.created", "", to_json(inv), std::move(audience)));
    // An account at this address is told in the app too, mail or no mail,
    // and answers there (mine, accept_mine, decline_mine); the mail below,
    // when SMTP is configured, says the same with the link.
    RUCHE_TRY(auto invitee, c.query_one("SELECT id FROM users WHERE email = $1 AND disabled = $2",
                                        {email, false}));
    if (invitee) {
      json::object told;
      told["invitation_id"] = inv.id.str();
      told["workspace_id"] = ws.str();
      told["workspace_name"] = a.workspace_name;
      told["inviter_name"] = inviter_name;
      told["role"] = to_string(role);
      told["expires_at"] = format_iso8601(expires);
      RUCHE_CHECK(
          outbox_.notify(c, UserId(invitee->text(0)), "workspace.invited", std::move(told)));
    }
    return {};
  }));
  out.url = config_.public_url + "/invite/" + out.token;
  if (mailer_) {
    Mail m;
    m.to = email;
    m.subject = inviter_name + " vous invite dans « " + workspace_name + " » / invites you to “" +
                workspace_name + "”";
    m.text = "Bonjour,\n\n" + inviter_name + " vous invite à rejoindre l'espace « " +
             workspace_name + " » sur " + config_.instance_name +
             ".\n\nPour accepter, ouvrez ce lien (valable jusqu'au " +
             format_iso8601(expires).substr(0, 10) + ") :\n" + out.url +
             "\n\n-- \n\nHello,\n\n" + inviter_name + " invites you to join the workspace “" +
             workspace_name + "” on " + config_.instance_name +
             ".\n\nTo accept, open this link (valid until " + format_iso8601(expires).substr(0, 10) +
             "):\n" + out.url + "\n";
    auto sent = mailer_->send(m);
    out.emailed = sent.has_value();
  }
  return out;
}

Result<std::vector<Invitation>> Invitations::list(const Caller& caller, const WorkspaceId& ws,
                                                  InvitationFilter filter,
                                                  const std::optional<InvitationId>& before,
                                                  int limit) {
  RUCHE_TRY(WorkspaceAccess a, authz_.access(caller, ws));
  if (!a.can_manage()) return fail(Errc::forbidden, "only owners and admins can see invitations");
  if (before && filter == InvitationFilter::all)
    return fail(Errc::invalid, "before pages the pending or the closed invitations: give status",
                "invalid_field");
  std::int64_t now = clock_.now_ms();
  return db_.read([&](db::Conn& c) -> Result<std::vector<Invitation>> {
    std::string sql =
        std::string("SELECT ") + kInvitationColumns + " FROM invitations WHERE workspace_id = $1";
    std::vector<db::Param> params{ws, now};
    switch (filter) {
      case InvitationFilter::all:
        sql += std::string(" ORDER BY (") + kPending + ") DESC,";
        break;
      case InvitationFilter::pending:
        sql += std::string(" AND ") + kPending + " ORDER BY";
        break;
      case InvitationFilter::closed:
        sql += std::string(" AND NOT (") + kPending + ") ORDER BY";
        break;
    }
    sql += " created_at_ms DESC, id DESC LIMIT $3";
    params.emplace_back(static_cast<std::int64_t>(limit));
    if (before) {
      RUCHE_TRY(auto at, c.query_one("SELECT created_at_ms FROM invitations WHERE id = $1 AND "
                                     "workspace_id = $2",
                                     {*before, ws}));
      if (!at)
        return fail(Errc::invalid, "before is an invitation of this workspace", "invalid_field");
      // Newest first: those created earlier, or at the same millisecond with a smaller id.
      sql.insert(sql.find(" ORDER BY"),
                 " AND (created_at_ms < $4 OR (created_at_ms = $4 AND id < $5))");
      params.emplace_back(at->i64(0));
      params.emplace_back(*before);
    }
    std::vector<Invitation> out;
    RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
      out.push_back(from_row(r, now));
      return true;
    }));
    return out;
  });
}

Result<void> Invitations::revoke(const Caller& caller, const WorkspaceId& ws,
                                 const InvitationId& id) {
  return db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(WorkspaceAccess a, authz_.access_in(c, caller.user_id, ws));
    if (!a.can_manage()) return fail(Errc::forbidden, "only owners and admins can revoke");
    RUCHE_TRY(auto n,
              c.exec("UPDATE invitations SET revoked_at_ms = $3 WHERE id = $1 AND "
                     "workspace_id = $2 AND revoked_at_ms IS NULL AND accepted_at_ms IS NULL AND "
                     "declined_at_ms IS NULL",
                     {id, ws, clock_.now_ms()}));
    if (n == 0) return fail(Errc::not_found, "no such pending invitation");
    RUCHE_TRY(auto to, c.query_one("SELECT email FROM invitations WHERE id = $1", {id}));
    if (to) RUCHE_CHECK(drop_invited_notice(c, to->text(0), id));
    AuditEntry e = AuditEntry::by(caller, "invitation.revoked");
    e.workspace_id = ws.str();
    e.object = id.str();
    RUCHE_CHECK(audit_.append(c, e));
    json::object data;
    data["id"] = id.str();
    RUCHE_TRY(auto audience, Workspaces::managers(c, ws));
    RUCHE_TRY([[maybe_unused]] auto seq,
              outbox_.append(c, ws, "invitation.revoked", "", data, std::move(audience)));
    return {};
  });
}

Result<InvitationPreview> Invitations::preview(std::string_view token) {
  if (token.empty() || token.size() > 128) return fail(Errc::not_found, "no such invitation");
  std::int64_t now = clock_.now_ms();
  return db_.read([&](db::Conn& c) -> Result<InvitationPreview> {
    RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kInvitationColumns +
                                        " FROM invitations WHERE token_hash = $1",
                                    {crypto::token_hash(token)}));
    if (!row) return fail(Errc::not_found, "no such invitation");
    Invitation inv = from_row(*row, now);
    if (inv.status != "pending") return fail(Errc::gone, "this invitation is " + inv.status, inv.status);
    InvitationPreview p;
    p.email = inv.email;
    p.role = inv.role;
    p.expires_at_ms = inv.expires_at_ms;
    RUCHE_TRY(auto ws, c.query_one("SELECT name FROM workspaces WHERE id = $1", {inv.workspace_id}));
    if (!ws) return fail(Errc::gone, "the workspace no longer exists");
    p.workspace_name = ws->text(0);
    RUCHE_TRY(auto inviter, c.query_one("SELECT name FROM users WHERE id = $1", {inv.invited_by}));
    if (inviter) p.inviter_name = inviter->text(0);
    RUCHE_TRY(auto account, c.query_one("SELECT 1 FROM users WHERE email = $1", {inv.email}));
    p.account_exists = account.has_value();
    return p;
  });
}

Result<Invitation> Invitations::claim(db::Conn& c, std::string_view key, const std::string& value,
                                      const std::string& user_id) {
  std::int64_t now = clock_.now_ms();
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kInvitationColumns +
                                      " FROM invitations WHERE " + std::string(key) + " = $1",
                                  {value}));
  if (!row) return fail(Errc::not_found, "no such invitation");
  Invitation inv = from_row(*row, now);
  if (inv.status != "pending") return fail(Errc::gone, "this invitation is " + inv.status, inv.status);
  RUCHE_TRY(
      auto n,
      c.exec(
          "UPDATE invitations SET accepted_at_ms = $2, accepted_by = $3 WHERE "
          "id = $1 AND accepted_at_ms IS NULL AND revoked_at_ms IS NULL AND declined_at_ms IS NULL",
          {inv.id, now, user_id}));
  if (n != 1) return fail(Errc::gone, "this invitation was already used", "accepted");
  RUCHE_CHECK(drop_invited_notice(c, inv.email, inv.id));
  return inv;
}

Result<Accepted> Invitations::accept_new(std::string_view token, std::string_view name_in,
                                         std::string_view password, std::string_view remote_addr,
                                         std::string_view user_agent) {
  if (token.empty() || token.size() > 128) return fail(Errc::not_found, "no such invitation");
  RUCHE_TRY(InvitationPreview p, preview(token));
  if (p.account_exists)
    return fail(Errc::conflict, "an account with this email exists: log in, then accept",
                "account_exists");
  RUCHE_TRY(std::string name, check_name(name_in));
  RUCHE_TRY(std::string hash, accounts_.hash_new_password(password, p.email, name));
  return db_.write([&](db::Conn& c) -> Result<Accepted> {
    Accepted out;
    RUCHE_TRY(out.user, accounts_.create_in(c, p.email, name, hash, InstanceRole::guest));
    RUCHE_TRY(Invitation inv, claim(c, "token_hash", crypto::token_hash(token), out.user.id.str()));
    out.workspace_id = inv.workspace_id;
    AuditEntry base;
    base.actor_id = out.user.id.str();
    base.remote_addr = std::string(remote_addr);
    base.details["invitation_id"] = inv.id.str();
    AuditEntry created = base;
    created.action = "account.created_by_invitation";
    created.object = out.user.id.str();
    RUCHE_CHECK(audit_.append(c, created));
    RUCHE_CHECK(workspaces_.add_member_in(c, inv.workspace_id, out.user.id, inv.role,
                                          inv.membership_expires_at_ms, base));
    RUCHE_TRY(out.session, sessions_.create_session(c, out.user.id, remote_addr, user_agent));
    return out;
  });
}

Result<Accepted> Invitations::accept_existing(const Caller& caller, std::string_view token) {
  if (token.empty() || token.size() > 128) return fail(Errc::not_found, "no such invitation");
  return accept_as(caller, "token_hash", crypto::token_hash(token));
}

Result<Accepted> Invitations::accept_mine(const Caller& caller, const InvitationId& id) {
  if (!is_id(id.str())) return fail(Errc::not_found, "no such invitation");
  return accept_as(caller, "id", id.str());
}

Result<Accepted> Invitations::accept_as(const Caller& caller, std::string_view key,
                                        const std::string& value) {
  RUCHE_TRY(User user, accounts_.get(caller.user_id));
  return db_.write([&](db::Conn& c) -> Result<Accepted> {
    Accepted out;
    out.user = user;
    RUCHE_TRY(Invitation inv, claim(c, key, value, user.id.str()));
    // The link alone is not enough: it must be accepted by the invited address.
    if (inv.email != user.email)
      return fail(Errc::not_found, "this invitation is for another email address");
    out.workspace_id = inv.workspace_id;
    AuditEntry base = AuditEntry::by(caller, "");
    base.details["invitation_id"] = inv.id.str();
    RUCHE_CHECK(workspaces_.add_member_in(c, inv.workspace_id, user.id, inv.role,
                                          inv.membership_expires_at_ms, base));
    return out;
  });
}

Result<void> Invitations::decline_mine(const Caller& caller, const InvitationId& id) {
  if (!is_id(id.str())) return fail(Errc::not_found, "no such invitation");
  RUCHE_TRY(User user, accounts_.get(caller.user_id));
  const std::int64_t now = clock_.now_ms();
  return db_.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kInvitationColumns +
                                        " FROM invitations WHERE id = $1",
                                    {id}));
    // Another address's answers as none would (its state included).
    if (!row) return fail(Errc::not_found, "no such invitation");
    Invitation inv = from_row(*row, now);
    if (inv.email != user.email) return fail(Errc::not_found, "no such invitation");
    if (inv.status != "pending")
      return fail(Errc::gone, "this invitation is " + inv.status, inv.status);
    RUCHE_TRY(
        auto n,
        c.exec(
            "UPDATE invitations SET declined_at_ms = $2 WHERE id = $1 AND accepted_at_ms IS NULL "
            "AND revoked_at_ms IS NULL AND declined_at_ms IS NULL",
            {id, now}));
    if (n != 1) return fail(Errc::gone, "this invitation was answered meanwhile", "accepted");
    RUCHE_CHECK(drop_invited_notice(c, inv.email, inv.id));
    AuditEntry e = AuditEntry::by(caller, "invitation.declined");
    e.workspace_id = inv.workspace_id.str();
    e.object = id.str();
    RUCHE_CHECK(audit_.append(c, e));
    json::object data;
    data["id"] = id.str();
    data["email"] = inv.email;
    RUCHE_TRY(auto audience, Workspaces::managers(c, inv.workspace_id));
    RUCHE_TRY([[maybe_unused]] auto seq, outbox_.append(c, inv.workspace_id, "invitation.declined",
                                                        "", data, std::move(audience)));
    return {};
  });
}

Result<std::vector<InvitationForMe>> Invitations::mine(const Caller& caller) {
  RUCHE_TRY(User user, accounts_.get(caller.user_id));
  std::int64_t now = clock_.now_ms();
  return db_.read([&](db::Conn& c) -> Result<std::vector<InvitationForMe>> {
    std::vector<InvitationForMe> out;
    RUCHE_CHECK(c.each(std::string("SELECT ") + kInvitationColumns +
                           ", (SELECT name FROM workspaces w WHERE w.id = workspace_id), "
                           "(SELECT name FROM users u WHERE u.id = invited_by) "
                           "FROM invitations WHERE email = $1 AND " +
                           kPending + " ORDER BY created_at_ms DESC LIMIT $3",
                       {user.email, now, static_cast<std::int64_t>(kMaxInvitationsForMe)},
                       [&](const db::Row& r) {
                         if (r.is_null(11)) return true;  // the workspace is being deleted
                         out.push_back(InvitationForMe{from_row(r, now), r.text(11),
                                                       r.is_null(12) ? std::string() : r.text(12)});
                         return true;
                       }));
    return out;
  });
}

}  // namespace ruche::platform
