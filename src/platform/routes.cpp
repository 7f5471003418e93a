// The platform's HTTP API: authentication, the caller's profile and
// security, workspaces, members, invitations, administration, live events.
// Documented in docs/api.md.
#include "platform/routes.hpp"

#include "base/log.hpp"
#include "dav/ical_object.hpp"
#include "platform/audit_query.hpp"
#include "platform/export.hpp"
#include "platform/import.hpp"
#include "platform/notices.hpp"
#include "platform/request_checks.hpp"
#include "platform/user_list.hpp"

namespace ruche::platform {

namespace {

// The directory's page (GET /users): enough to pick a colleague by name.
constexpr int kDirectoryPage = 20;

json::object user_json(const User& u) {
  json::object o;
  o["id"] = u.id.str();
  o["email"] = u.email;
  o["name"] = u.name;
  o["role"] = to_string(u.role);
  o["totp_enabled"] = u.totp_enabled;
  o["disabled"] = u.disabled;
  o["locale"] = u.locale;
  o["notice_email"] = u.notice_email;
  json::array off;
  for (const auto& topic : u.notice_email_off) off.emplace_back(topic);
  o["notice_email_off"] = std::move(off);
  o["reminder_email"] = u.reminder_email;
  o["time_zone"] = u.time_zone;
  o["created_at"] = format_iso8601(u.created_at_ms);
  return o;
}

Result<WorkspaceRole> role_field(json::In& in, std::string_view key, WorkspaceRole fallback,
                                 json::Presence p) {
  auto s = in.opt_string(key, {.max = 16});
  if (!in.ok()) return tl::unexpected<Error>(in.error());
  if (!s) {
    if (p == json::kRequired) return fail(Errc::invalid, std::string(key) + " is required", "invalid_field");
    return fallback;
  }
  auto r = parse_workspace_role(*s);
  if (!r)
    return fail(Errc::invalid, std::string(key) + " must be owner, admin, member or guest",
                "invalid_field");
  return *r;
}

// An optional ISO 8601 time field; absent -> nullopt, null -> nullopt.
Result<std::optional<std::int64_t>> time_field(json::In& in, std::string_view key) {
  auto s = in.opt_string(key, {.max = 40});
  if (!in.ok()) return tl::unexpected<Error>(in.error());
  if (!s) return std::optional<std::int64_t>{};
  std::int64_t t;
  if (!parse_iso8601(*s, t))
    return fail(Errc::invalid, std::string(key) + " must be an ISO 8601 time", "invalid_field");
  return std::optional<std::int64_t>(t);
}

Result<UserId> user_param(const http::Request& req, std::string_view name) {
  std::string_view v = req.param(name);
  if (!is_id(v)) return fail(Errc::not_found, "no such user");
  return UserId(std::string(v));
}

}  // namespace

void register_platform_routes(Api& api, EventHub& hub) {
  Platform& p = api.platform();

  // ---- health -------------------------------------------------------------
  http::RouteOptions health_opts;
  health_opts.fast = [](http::Request&) -> std::optional<http::Response> {
    http::Response r = http::json_response(200, R"({"status":"ok"})");
    r.headers.set("Cache-Control", "no-store");
    return r;
  };
  api.add_public("GET", "/api/v1/health",
                 [](http::Request&) -> Result<http::Response> {
                   return http::json_response(200, R"({"status":"ok"})");
                 },
                 ApiOptions{.http = health_opts});

  api.add_public("GET", "/api/v1/settings/public", [&p](http::Request&) -> Result<http::Response> {
    RUCHE_TRY(InstanceSettings s, p.settings.get());
    return json_reply(to_json(s, false));
  });

  // ---- authentication ------------------------------------------------------
  api.add_public("POST", "/api/v1/auth/login", [&p, &api](http::Request& req) -> Result<http::Response> {
    RUCHE_TRY(json::In in, json::In::parse(req.body));
    std::string email_in = in.string("email", {.min = 1, .max = 320});
    std::string password = in.string("password", {.min = 1, .max = 1024, .single_line = false});
    auto code = in.opt_string("totp_code", {.max = 64});
    if (!in.ok()) return tl::unexpected<Error>(in.error());
    std::string address = api.client_address(req);
    std::string email = normalize_email(email_in).value_or(email_in);
    auto audit_failure = [&](std::string_view why) -> Result<void> {
      AuditEntry e;
      e.action = "auth.login";
      e.outcome = "failure";
      e.object = email.substr(0, 320);
      e.remote_addr = address;
      e.request_id = req.request_id;
      e.details["reason"] = why;
      return p.db.write([&](db::Conn& c) -> Result<void> {
        RUCHE_CHECK(p.throttle.record_failure(c, email, address));
        return p.audit.append(c, e);
      });
    };
    RUCHE_TRY(auto locked, p.throttle.locked_for(p.db, email, address));
    if (locked) {
      AuditEntry e;
      e.action = "auth.login";
      e.outcome = "throttled";
      e.object = email.substr(0, 320);
      e.remote_addr = address;
      e.request_id = req.request_id;
      RUCHE_CHECK(p.audit.record(p.db, e));
      return fail_rate_limited("too many failed logins; retry later", "throttled", *locked);
    }
    auto user = p.accounts.check_password(email, password);
    if (!user) {
      if (user.error().code != Errc::unauthenticated) return tl::unexpected<Error>(user.error());
      RUCHE_CHECK(audit_failure("bad_credentials"));
      return tl::unexpected<Error>(user.error());
    }
    json::array factors{"password"};
    if (user->totp_enabled) {
      if (!code || code->empty())
        return fail(Errc::unauthenticated, "enter the code from your authenticator app",
                    "mfa_required");
      RUCHE_TRY(bool ok, p.accounts.check_second_factor(user->id, *code));
      if (!ok) {
        RUCHE_CHECK(audit_failure("bad_second_factor"));
        return fail(Errc::unauthenticated, "the code is wrong or was already used", "bad_code");
      }
      factors.emplace_back("totp");
    }
    std::string ua(req.headers.get("User-Agent").value_or(""));
    RUCHE_TRY(Minted m, p.db.write([&](db::Conn& c) -> Result<Minted> {
      RUCHE_CHECK(p.throttle.record_success(c, email));
      RUCHE_TRY(Minted minted, p.sessions.create_session(c, user->id, address, ua));
      AuditEntry e;
      e.actor_id = user->id.str();
      e.action = "auth.login";
      e.object = minted.id.str();
      e.remote_addr = address;
      e.request_id = req.request_id;
      e.details["factors"] = factors;
      RUCHE_CHECK(p.audit.append(c, e));
      return minted;
    }));
    json::object out;
    out["token"] = m.token;
    out["csrf_token"] = m.csrf_token;
    out["csrf_header"] = kCsrfHeader;
    out["user"] = user_json(*user);
    http::Response r = json_reply(out);
    r.headers.add("Set-Cookie",
                  session_cookie(m.token, p.config.sessions.absolute_timeout_ms / 1000));
    return r;
  });

  api.add_user("POST", "/api/v1/auth/logout",
               [&p](http::Request&, const Caller& caller) -> Result<http::Response> {
                 if (caller.kind != CredentialKind::password) {
                   RUCHE_CHECK(p.sessions.revoke(caller.user_id, caller.session_id));
                   AuditEntry e = AuditEntry::by(caller, "auth.logout");
                   e.object = caller.session_id.str();
                   RUCHE_CHECK(p.audit.record(p.db, e));
                 }
                 http::Response r = http::no_content();
                 r.headers.add("Set-Cookie", session_cookie("", 0));
                 return r;
               });

  // The CSRF token of the caller's web session, for a tab opened after the
  // login (the cookie is HttpOnly; another site cannot read this answer).
  api.add_user("GET", "/api/v1/auth/session",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(User u, p.accounts.get(caller.user_id));
                 json::object o;
                 o["user"] = user_json(u);
                 o["csrf_header"] = kCsrfHeader;
                 o["csrf_token"] = "";
                 if (caller.via_cookie) {
                   RUCHE_TRY(auto csrf, p.sessions.csrf_token(caller.session_id));
                   o["csrf_token"] = csrf;
                 }
                 (void)req;
                 return json_reply(o);
               });

  // ---- the caller ------------------------------------------------------------
  api.add_user("GET", "/api/v1/me",
               [&p](http::Request&, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(User u, p.accounts.get(caller.user_id));
                 json::object o = user_json(u);
                 if (u.totp_enabled) {
                   RUCHE_TRY(int left, p.accounts.recovery_codes_left(u.id));
                   o["recovery_codes_left"] = left;
                 }
                 RUCHE_TRY(InstanceSettings s, p.settings.get());
                 o["mfa_required"] = s.mfa_required_for_admins && u.role == InstanceRole::admin;
                 return json_reply(o);
               });

  api.add_user("PATCH", "/api/v1/me",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 Accounts::ProfileChange change;
                 change.name = in.opt_string("name", {.min = 1, .max = 100});
                 change.locale = in.opt_string("locale", {.max = 8});
                 change.notice_email = in.opt_boolean("notice_email");
                 change.notice_email_off = in.opt_string_list(
                     "notice_email_off",
                     {.max_items = std::size(kNoticeTopics), .item = {.max = 16}});
                 change.reminder_email = in.opt_boolean("reminder_email");
                 change.time_zone = in.opt_string("time_zone", {.max = dav::kMaxTimeZoneBytes});
                 if (!in.ok()) return tl::unexpected<Error>(in.error());
                 // What the modules keep of the name or time zone moves with it.
                 auto changed = [&](db::Conn& c, const PersonChanged& what) -> Result<void> {
                   for (const auto& m : p.registry.modules())
                     if (m.person_changed) RUCHE_CHECK(m.person_changed(c, caller.user_id, what));
                   return what.name ? p.workspaces.person_changed(c, caller.user_id)
                                    : Result<void>{};
                 };
                 RUCHE_CHECK(p.accounts.set_profile(caller.user_id, std::move(change), changed));
                 RUCHE_TRY(User u, p.accounts.get(caller.user_id));
                 return json_reply(user_json(u));
               });

  api.add_user("POST", "/api/v1/me/password",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 std::string current = in.string("current_password", {.min = 1, .max = 1024, .single_line = false});
                 std::string next = in.string("new_password", {.min = 1, .max = 1024, .single_line = false});
                 if (!in.ok()) return tl::unexpected<Error>(in.error());
                 RUCHE_TRY(bool ok, p.accounts.password_matches(caller.user_id, current));
                 if (!ok) return fail(Errc::forbidden, "the current password is wrong", "bad_password");
                 RUCHE_CHECK(p.accounts.set_password(caller.user_id, next));
                 // Other sessions end; app tokens stay (they are revoked one by one).
                 RUCHE_CHECK(p.sessions.revoke_all(caller.user_id, true,
                                                   caller.kind == CredentialKind::session
                                                       ? std::optional<SessionId>(caller.session_id)
                                                       : std::nullopt));
                 RUCHE_CHECK(p.audit.record(p.db, AuditEntry::by(caller, "auth.password_changed")));
                 return http::no_content();
               });

  api.add_user("POST", "/api/v1/me/totp/begin",
               [&p](http::Request&, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(TotpEnrollment t, p.accounts.totp_begin(caller.user_id));
                 json::object o;
                 o["secret"] = t.secret_base32;
                 o["otpauth_uri"] = t.otpauth_uri;
                 return json_reply(o);
               });

  api.add_user("POST", "/api/v1/me/totp/confirm",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 std::string code = in.string("code", {.min = 1, .max = 16});
                 if (!in.ok()) return tl::unexpected<Error>(in.error());
                 RUCHE_TRY(auto codes, p.accounts.totp_confirm(caller.user_id, code));
                 RUCHE_CHECK(p.audit.record(p.db, AuditEntry::by(caller, "mfa.enabled")));
                 json::array a;
                 for (const auto& c : codes) a.emplace_back(c);
                 json::object o;
                 o["recovery_codes"] = std::move(a);
                 return json_reply(o);
               });

  api.add_user("POST", "/api/v1/me/totp/disable",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 std::string password = in.string("password", {.min = 1, .max = 1024, .single_line = false});
                 if (!in.ok()) return tl::unexpected<Error>(in.error());
                 RUCHE_TRY(bool ok, p.accounts.password_matches(caller.user_id, password));
                 if (!ok) return fail(Errc::forbidden, "the password is wrong", "bad_password");
                 RUCHE_CHECK(p.accounts.totp_disable(caller.user_id));
                 RUCHE_CHECK(p.audit.record(p.db, AuditEntry::by(caller, "mfa.disabled")));
                 return http::no_content();
               });

  api.add_user("POST", "/api/v1/me/recovery-codes",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 std::string password = in.string("password", {.min = 1, .max = 1024, .single_line = false});
                 if (!in.ok()) return tl::unexpected<Error>(in.error());
                 RUCHE_TRY(bool ok, p.accounts.password_matches(caller.user_id, password));
                 if (!ok) return fail(Errc::forbidden, "the password is wrong", "bad_password");
                 RUCHE_TRY(auto codes, p.accounts.new_recovery_codes(caller.user_id));
                 RUCHE_CHECK(p.audit.record(p.db, AuditEntry::by(caller, "mfa.recovery_codes_renewed")));
                 json::array a;
                 for (const auto& c : codes) a.emplace_back(c);
                 json::object o;
                 o["recovery_codes"] = std::move(a);
                 return json_reply(o);
               });

  api.add_user("GET", "/api/v1/me/sessions",
               [&p](http::Request&, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(auto list, p.sessions.list(caller.user_id));
                 json::array a;
                 for (const auto& i : list) {
                   json::object o;
                   o["id"] = i.id.str();
                   o["kind"] = i.kind;
                   o["name"] = i.name;
                   o["created_at"] = format_iso8601(i.created_at_ms);
                   o["last_used_at"] = format_iso8601(i.last_used_at_ms);
                   o["remote_addr"] = i.remote_addr;
                   o["user_agent"] = i.user_agent;
                   o["current"] = i.id == caller.session_id;
                   a.push_back(std::move(o));
                 }
                 return json_reply(a);
               });

  api.add_user("DELETE", "/api/v1/me/sessions/{sid}",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 std::string_view sid = req.param("sid");
                 if (!is_id(sid)) return fail(Errc::not_found, "no such session or token");
                 RUCHE_CHECK(p.sessions.revoke(caller.user_id, SessionId(std::string(sid))));
                 AuditEntry e = AuditEntry::by(caller, "auth.credential_revoked");
                 e.object = std::string(sid);
                 RUCHE_CHECK(p.audit.record(p.db, e));
                 return http::no_content();
               });

  api.add_user("POST", "/api/v1/me/app-tokens",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 std::string name = in.string("name", {.min = 1, .max = 100});
                 if (!in.ok()) return tl::unexpected<Error>(in.error());
                 RUCHE_TRY(Minted m, p.sessions.create_app_token(caller.user_id, name, caller.remote_addr));
                 AuditEntry e = AuditEntry::by(caller, "auth.app_token_created");
                 e.object = m.id.str();
                 e.details["name"] = name;
                 RUCHE_CHECK(p.audit.record(p.db, e));
                 json::object o;
                 o["id"] = m.id.str();
                 o["name"] = name;
                 o["token"] = m.token;
                 return json_reply(o, 201);
               });

  // The caller's notices (docs/api.md "Notices"), newest first.
  api.add_user(
      "GET", "/api/v1/me/notices",
      [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
        RUCHE_TRY(auto limit, query_integer(req, "limit", 1, kMaxNoticePage));
        std::optional<std::string> before;
        if (auto b = req.query_param("before")) {
          if (!is_id(std::string(*b)))
            return fail(Errc::invalid, "before is a notice's id", "invalid_field");
          before = std::string(*b);
        }
        RUCHE_TRY(NoticePage page,
                  list_notices(p.db, caller.user_id, before, static_cast<int>(limit.value_or(50))));
        json::array list;
        for (const auto& n : page.notices) list.push_back(to_json(n));
        return json_reply(json::object{{"notices", std::move(list)}, {"unread", page.unread}});
      });

  api.add_user("POST", "/api/v1/me/notices/read",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 const bool all = in.opt_boolean("all").value_or(false);
                 constexpr const char* kWhat =
                     "ids is a list of at most 100 notice ids, or all is true";
                 std::vector<std::string> ids;
                 if (const json::value* list = in.raw("ids")) {
                   const json::array* items = list->if_array();
                   if (!items || items->size() > static_cast<std::size_t>(kMaxNoticePage))
                     return fail(Errc::invalid, kWhat, "invalid_field");
                   for (const auto& v : *items) {
                     if (!v.is_string() || !is_id(std::string(v.as_string())))
                       return fail(Errc::invalid, kWhat, "invalid_field");
                     ids.emplace_back(v.as_string());
                   }
                 }
                 if (!in.ok()) return tl::unexpected<Error>(in.error());
                 if (all == (in.raw("ids") != nullptr))  // one or the other
                   return fail(Errc::invalid, kWhat, "invalid_field");
                 RUCHE_TRY(std::int64_t unread,
                           mark_notices_read(p.db, caller.user_id, ids, all, p.clock.now_ms()));
                 return json_reply(json::object{{"unread", unread}});
               });

  // The user directory, to invite colleagues: active internal accounts,
  // found as administrators find them (by words, by address, 20 a page);
  // never for external accounts, who see only their workspaces' members.
  api.add_user("GET", "/api/v1/users",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 if (caller.is_guest()) return fail(Errc::not_found, "no such route");
                 if (req.query_param("role") || req.query_param("status"))
                   return fail(Errc::invalid, "the directory lists active internal accounts",
                               "invalid_field");
                 RUCHE_TRY(auto q, user_list_query(req));
                 q.disabled = false;
                 q.internal = true;
                 q.limit = std::min(q.limit.value_or(kDirectoryPage), kDirectoryPage);
                 RUCHE_TRY(auto settings, p.settings.get());
                 if (settings.directory == "workspaces" && caller.role != InstanceRole::admin)
                   q.colleagues_of = caller.user_id.str();
                 RUCHE_TRY(auto users, p.db.read([&](db::Conn& c) { return read_users(c, q); }));
                 json::array a;
                 a.reserve(users.size());
                 for (const auto& u : users)
                   a.push_back(
                       json::object{{"id", u.id.str()}, {"email", u.email}, {"name", u.name}});
                 return json_reply(a);
               });

  // ---- workspaces ----------------------------------------------------------
  api.add_user("GET", "/api/v1/workspaces",
               [&p](http::Request&, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(auto list, p.workspaces.list_json(caller));
                 return http::json_response(200, *list);
               },
               ApiOptions{.fast = [&p](http::Request&, const Caller& caller) -> std::optional<http::Response> {
                 auto list = p.workspaces.list_json_cached(caller.user_id);
                 if (!list) return std::nullopt;
                 return http::json_response(200, *list);
               }});

  api.add_user("POST", "/api/v1/workspaces",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 std::string name = in.string("name", {.min = 1, .max = 100});
                 std::string description =
                     in.string("description", {.max = 2000, .single_line = false}, json::kOptional);
                 auto modules = in.string_list("modules", {.max_items = 32, .item = {.max = 32}},
                                               json::kOptional);
                 bool armoured = in.boolean("armoured", json::kOptional, false);
                 if (!in.ok()) return tl::unexpected<Error>(in.error());
                 RUCHE_TRY(Workspace w, p.workspaces.create(caller, name, description, modules, armoured));
                 return json_reply(to_json(w), 201);
               });

  api.add_workspace("GET", "/api/v1/workspaces/{id}", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess& a) -> Result<http::Response> {
                      RUCHE_TRY(Workspace w, p.workspaces.get(caller, WorkspaceId(std::string(req.param("id")))));
                      json::object o = to_json(w);
                      json::object rights;
                      for (const auto& [m, r] : a.modules) rights[m] = to_string(r);
                      o["rights"] = std::move(rights);
                      return json_reply(o);
                    });

  api.add_workspace("PATCH", "/api/v1/workspaces/{id}", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(json::In in, json::In::parse(req.body));
                      auto name = in.opt_string("name", {.min = 1, .max = 100});
                      auto description = in.opt_string("description", {.max = 2000, .single_line = false});
                      auto modules = in.opt_string_list("modules", {.max_items = 32, .item = {.max = 32}});
                      if (!in.ok()) return tl::unexpected<Error>(in.error());
                      RUCHE_TRY(Workspace w, p.workspaces.update(caller, WorkspaceId(std::string(req.param("id"))),
                                                                 name, description, modules));
                      return json_reply(to_json(w));
                    });

  // ---- armoured workspaces' keys (docs/armoured.md) -------------------------
  api.add_user("GET", "/api/v1/me/armour",
               [&p](http::Request&, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(ArmourIdentity id, p.armour.identity(caller));
                 return json_reply(to_json(id, true));
               });

  api.add_user("PUT", "/api/v1/me/armour",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 NewIdentity id;
                 id.box_public = in.string("box_public", {.min = 1, .max = 64});
                 id.sign_public = in.string("sign_public", {.min = 1, .max = 64});
                 id.sealed_secret = in.string("sealed_secret", {.min = 1, .max = kMaxSealedSecretChars});
                 id.replace = in.boolean("replace", json::kOptional, false);
                 if (!in.ok()) return tl::unexpected<Error>(in.error());
                 RUCHE_TRY(ArmourIdentity out, p.armour.set_identity(caller, id));
                 return json_reply(to_json(out, true));
               });

  api.add_workspace("GET", "/api/v1/workspaces/{id}/armour", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(ArmourState s, p.armour.state(caller, WorkspaceId(std::string(req.param("id")))));
                      return json_reply(to_json(s));
                    });

  api.add_workspace("POST", "/api/v1/workspaces/{id}/armour/envelopes", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(EnvelopesIn in, parse_envelopes(req.body));
                      RUCHE_TRY(ArmourState s, p.armour.add_envelopes(caller, WorkspaceId(std::string(req.param("id"))), in));
                      return json_reply(to_json(s));
                    });

  api.add_workspace("POST", "/api/v1/workspaces/{id}/armour/approvals", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(auto in, parse_approvals(req.body));
                      RUCHE_TRY(
                          ArmourState s,
                          p.armour.approve(caller, WorkspaceId(std::string(req.param("id"))), in));
                      return json_reply(to_json(s));
                    });

  api.add_workspace("DELETE", "/api/v1/workspaces/{id}", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_CHECK(p.workspaces.remove(caller, WorkspaceId(std::string(req.param("id")))));
                      return http::no_content();
                    });

  // Reversibility (DATA-4): the whole workspace as one tar archive, streamed.
  api.add_workspace("GET", "/api/v1/workspaces/{id}/export", "", Access::read,
                    [&p](http::Request& req, const Caller& caller, const WorkspaceAccess& a) {
                      return export_response(p, req, caller, a);
                    });

  for (bool archive : {true, false}) {
    api.add_workspace("POST", archive ? "/api/v1/workspaces/{id}/archive" : "/api/v1/workspaces/{id}/unarchive",
                      "", Access::read,
                      [&p, archive](http::Request& req, const Caller& caller,
                                    const WorkspaceAccess&) -> Result<http::Response> {
                        RUCHE_TRY(Workspace w, p.workspaces.set_archived(
                                                   caller, WorkspaceId(std::string(req.param("id"))), archive));
                        return json_reply(to_json(w));
                      });
  }

  api.add_workspace(
      "GET", "/api/v1/workspaces/{id}/members", "", Access::read,
      [&p](http::Request& req, const Caller& caller,
           const WorkspaceAccess&) -> Result<http::Response> {
        std::int64_t seq = 0;
        RUCHE_TRY(auto list,
                  p.workspaces.members(caller, WorkspaceId(std::string(req.param("id"))), &seq));
        std::string a = "[";
        a.reserve(list.size() * 256);
        for (const auto& m : list) {
          if (a.size() > 1) a += ',';
          append_json(a, m);
        }
        a += ']';
        // Clients keep the list and apply the member events after it.
        http::Response r = http::json_response(200, std::move(a));
        r.headers.set("Ruche-Seq", std::to_string(seq));
        return r;
      },
      ApiOptions{.compress = true});

  api.add_workspace("PATCH", "/api/v1/workspaces/{id}/members/{user_id}", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(UserId user, user_param(req, "user_id"));
                      RUCHE_TRY(json::In in, json::In::parse(req.body));
                      MemberChange change;
                      if (in.has("role")) {
                        RUCHE_TRY(auto role, role_field(in, "role", WorkspaceRole::member, json::kRequired));
                        change.role = role;
                      }
                      if (const json::value* rights = in.raw("rights")) {
                        if (!rights->is_object() || rights->as_object().size() > 32)
                          return fail(Errc::invalid, "rights must be an object of module: none|read|write",
                                      "invalid_field");
                        for (const auto& [mod, v] : rights->as_object()) {
                          auto a = v.is_string() ? parse_access(v.as_string()) : std::nullopt;
                          if (!a)
                            return fail(Errc::invalid, "rights values must be none, read or write",
                                        "invalid_field");
                          change.rights.emplace_back(std::string(mod), *a);
                        }
                      }
                      if (in.has("expires_at")) {
                        change.set_expiry = true;
                        RUCHE_TRY(change.expires_at_ms, time_field(in, "expires_at"));
                      }
                      RUCHE_TRY(Member m, p.workspaces.change_member(
                                              caller, WorkspaceId(std::string(req.param("id"))), user, change));
                      return json_reply(to_json(m));
                    });

  api.add_workspace("DELETE", "/api/v1/workspaces/{id}/members/{user_id}", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(UserId user, user_param(req, "user_id"));
                      RUCHE_CHECK(p.workspaces.remove_member(caller, WorkspaceId(std::string(req.param("id"))), user));
                      return http::no_content();
                    });

  api.add_workspace("POST", "/api/v1/workspaces/{id}/invitations", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(json::In in, json::In::parse(req.body));
                      std::string email = in.string("email", {.min = 1, .max = 320});
                      if (!in.ok()) return tl::unexpected<Error>(in.error());
                      RUCHE_TRY(auto role, role_field(in, "role", WorkspaceRole::member, json::kOptional));
                      RUCHE_TRY(auto expires, time_field(in, "expires_at"));
                      RUCHE_TRY(auto membership_expires, time_field(in, "membership_expires_at"));
                      RUCHE_TRY(CreatedInvitation c,
                                p.invitations.create(caller, WorkspaceId(std::string(req.param("id"))), email,
                                                     role, expires, membership_expires));
                      json::object o = to_json(c.invitation);
                      o["token"] = c.token;
                      o["url"] = c.url;
                      o["emailed"] = c.emailed;
                      return json_reply(o, 201);
                    });

  api.add_workspace(
      "GET", "/api/v1/workspaces/{id}/invitations", "", Access::read,
      [&p](http::Request& req, const Caller& caller,
           const WorkspaceAccess&) -> Result<http::Response> {
        InvitationFilter filter = InvitationFilter::all;
        if (auto st = req.query_param("status")) {
          if (*st == "pending")
            filter = InvitationFilter::pending;
          else if (*st == "closed")
            filter = InvitationFilter::closed;
          else
            return fail(Errc::invalid, "status is pending or closed", "invalid_field");
        }
        std::optional<InvitationId> before;
        if (auto b = req.query_param("before")) {
          if (!is_id(*b))
            return fail(Errc::invalid, "before is an invitation's id", "invalid_field");
          before = InvitationId(std::string(*b));
        }
        RUCHE_TRY(auto limit, query_integer(req, "limit", 1, kMaxInvitationPage));
        RUCHE_TRY(auto list,
                  p.invitations.list(caller, WorkspaceId(std::string(req.param("id"))), filter,
                                     before, static_cast<int>(limit.value_or(kMaxInvitationPage))));
        json::array a;
        for (const auto& i : list) a.push_back(to_json(i));
        return json_reply(a);
      });

  api.add_workspace("DELETE", "/api/v1/workspaces/{id}/invitations/{invitation_id}", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess&) -> Result<http::Response> {
                      std::string_view inv = req.param("invitation_id");
                      if (!is_id(inv)) return fail(Errc::not_found, "no such invitation");
                      RUCHE_CHECK(p.invitations.revoke(caller, WorkspaceId(std::string(req.param("id"))),
                                                       InvitationId(std::string(inv))));
                      return http::no_content();
                    });

  // Events of one workspace after a sequence number, over plain HTTP (clients
  // without WebSocket, and the workspace home's recent activity).
  api.add_workspace("GET", "/api/v1/workspaces/{id}/events", "", Access::read,
                    [&p](http::Request& req, const Caller& caller,
                         const WorkspaceAccess& a) -> Result<http::Response> {
                      RUCHE_TRY(auto since_param, query_integer(req, "since", 0, INT64_MAX));
                      RUCHE_TRY(auto limit_param, query_integer(req, "limit", 1, 500));
                      const std::int64_t since = since_param.value_or(0);
                      const int limit = static_cast<int>(limit_param.value_or(100));
                      RUCHE_TRY(auto events, p.outbox.since(p.db, a.workspace_id, since, limit));
                      std::string body = "[";
                      bool first = true;
                      for (const auto& e : events) {
                        if (!can_see(p.registry, e, caller.user_id.str(), a)) continue;
                        if (!first) body += ',';
                        first = false;
                        body += event_frame(e);
                      }
                      body += ']';
                      return http::json_response(200, std::move(body));
                    });

  // Who is online among the workspace's members (this node's connections).
  api.add_workspace("GET", "/api/v1/workspaces/{id}/presence", "", Access::read,
                    [&p, &hub](http::Request&, const Caller&,
                               const WorkspaceAccess& a) -> Result<http::Response> {
                      RUCHE_TRY(auto members, p.db.read([&](db::Conn& c) -> Result<std::vector<std::string>> {
                        std::vector<std::string> ids;
                        RUCHE_CHECK(c.each("SELECT user_id FROM memberships WHERE workspace_id = $1",
                                           {a.workspace_id}, [&](const db::Row& r) {
                                             ids.push_back(r.text(0));
                                             return true;
                                           }));
                        return ids;
                      }));
                      json::object o;
                      for (const auto& [user, status] : hub.presence(members)) o[user] = status;
                      return json_reply(o);
                    });

  api.add_user("GET", "/api/v1/events",
               [&hub](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 return hub.accept(req, caller);
               });

  // Search across modules, among what the caller may read.
  api.add_user("GET", "/api/v1/search",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 std::string q = req.query_param("q").value_or("");
                 std::string why = json::check_string(q, {.min = 1, .max = 200});
                 if (!why.empty()) return fail(Errc::invalid, "q " + why, "invalid_field");
                 RUCHE_TRY(auto limit_param, query_integer(req, "limit", 1, 100));
                 const int limit = static_cast<int>(limit_param.value_or(20));
                 std::optional<std::string> only_ws = req.query_param("workspace");
                 std::optional<std::string> only_type = req.query_param("type");
                 std::map<std::string, std::string> filters;
                 for (const char* key : {"channel", "author", "from", "to", "path", "after"})
                   if (auto v = req.query_param(key)) {
                     if (std::string bad = json::check_string(*v, {.max = 100}); !bad.empty())
                       return fail(Errc::invalid, std::string(key) + " " + bad, "invalid_field");
                     filters[key] = *v;
                   }
                 // The modules asked: those whose hits are of the type asked for.
                 auto asked = [&](const ModuleDef& m) {
                   return !only_type || m.search_type.empty() || m.search_type == *only_type;
                 };
                 for (const auto& m : p.registry.modules())
                   if (m.search_sync && asked(m)) RUCHE_CHECK(m.search_sync());
                 RUCHE_TRY(auto hits, p.db.read([&](db::Conn& c) -> Result<std::vector<SearchHit>> {
                   RUCHE_TRY(auto accesses, p.authz.accesses_in(c, caller.user_id));
                   if (only_ws)
                     std::erase_if(accesses, [&](const WorkspaceAccess& a) {
                       return a.workspace_id.str() != *only_ws;
                     });
                   std::vector<SearchHit> all;
                   for (const auto& m : p.registry.modules()) {
                     if (!m.search || !asked(m)) continue;
                     std::vector<WorkspaceId> readable;
                     // An armoured workspace's contents are ciphertext here: its
                     // members search them in their browsers (docs/armoured.md).
                     for (const auto& a : accesses)
                       if (!a.armoured && a.right(m.name) != Access::none)
                         readable.push_back(a.workspace_id);
                     if (readable.empty()) continue;
                     RUCHE_TRY(auto hits, m.search(c, caller, readable, q, filters, limit));
                     for (auto& h : hits)
                       if (!only_type || h.type == *only_type) all.push_back(std::move(h));
                   }
                   std::stable_sort(all.begin(), all.end(),
                                    [](const SearchHit& a, const SearchHit& b) { return a.rank < b.rank; });
                   if (all.size() > static_cast<std::size_t>(limit))
                     all.resize(static_cast<std::size_t>(limit));
                   return all;
                 }));
                 json::array results;
                 for (auto& h : hits) {
                   json::object o = std::move(h.extra);
                   o["type"] = h.type;
                   o["id"] = h.id;
                   o["workspace_id"] = h.workspace_id.str();
                   o["snippet"] = h.snippet;
                   results.push_back(std::move(o));
                 }
                 json::object out;
                 out["results"] = std::move(results);
                 return json_reply(out);
               });

  // ---- invitations (the invited side) ----------------------------------------
  api.add_public("GET", "/api/v1/invitations/{token}", [&p](http::Request& req) -> Result<http::Response> {
    RUCHE_TRY(InvitationPreview v, p.invitations.preview(req.param("token")));
    json::object o;
    o["workspace_name"] = v.workspace_name;
    o["inviter_name"] = v.inviter_name;
    o["email"] = v.email;
    o["role"] = to_string(v.role);
    o["account_exists"] = v.account_exists;
    o["expires_at"] = format_iso8601(v.expires_at_ms);
    return json_reply(o);
  });

  api.add_public("POST", "/api/v1/invitations/{token}/accept",
                 [&p, &api](http::Request& req) -> Result<http::Response> {
                   RUCHE_TRY(auto caller, api.authenticate(req, false));
                   std::string_view token = req.param("token");
                   if (caller) {
                     RUCHE_TRY(Accepted a, p.invitations.accept_existing(*caller, token));
                     json::object o;
                     o["workspace_id"] = a.workspace_id.str();
                     o["user"] = user_json(a.user);
                     return json_reply(o);
                   }
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   std::string name = in.string("name", {.min = 1, .max = 100});
                   std::string password = in.string("password", {.min = 1, .max = 1024, .single_line = false});
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   std::string ua(req.headers.get("User-Agent").value_or(""));
                   RUCHE_TRY(Accepted a, p.invitations.accept_new(token, name, password,
                                                                  api.client_address(req), ua));
                   json::object o;
                   o["workspace_id"] = a.workspace_id.str();
                   o["user"] = user_json(a.user);
                   o["token"] = a.session->token;
                   o["csrf_token"] = a.session->csrf_token;
                   o["csrf_header"] = kCsrfHeader;
                   http::Response r = json_reply(o);
                   r.headers.add("Set-Cookie", session_cookie(a.session->token,
                                                              p.config.sessions.absolute_timeout_ms / 1000));
                   return r;
                 });

  // The invited side in the app: an account's pending invitations, accepted by id.
  api.add_user("GET", "/api/v1/me/invitations",
               [&p](http::Request&, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(auto mine, p.invitations.mine(caller));
                 json::array a;
                 a.reserve(mine.size());
                 for (const auto& m : mine) {
                   json::object o;
                   o["id"] = m.invitation.id.str();
                   o["workspace_id"] = m.invitation.workspace_id.str();
                   o["workspace_name"] = m.workspace_name;
                   o["inviter_name"] = m.inviter_name;
                   o["role"] = to_string(m.invitation.role);
                   o["expires_at"] = format_iso8601(m.invitation.expires_at_ms);
                   a.push_back(std::move(o));
                 }
                 return json_reply(a);
               });

  api.add_user("POST", "/api/v1/me/invitations/{invitation_id}/accept",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(Accepted a,
                           p.invitations.accept_mine(
                               caller, InvitationId(std::string(req.param("invitation_id")))));
                 json::object o;
                 o["workspace_id"] = a.workspace_id.str();
                 o["user"] = user_json(a.user);
                 return json_reply(o);
               });

  api.add_user("POST", "/api/v1/me/invitations/{invitation_id}/decline",
               [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_CHECK(p.invitations.decline_mine(
                     caller, InvitationId(std::string(req.param("invitation_id")))));
                 return http::no_content();
               });

  // ---- administration --------------------------------------------------------
  // Reversibility (DATA-4): an export read back into a new workspace.
  ApiOptions archive_body;
  archive_body.http.body = http::BodyMode::stream;
  archive_body.http.max_body_bytes = 0;
  api.add_admin(
      "POST", "/api/v1/admin/workspaces/import",
      [&p](http::Request& req, const Caller& caller) { return import_response(p, req, caller); }, archive_body);

  // The accounts, by address, narrowed by the query (user_list.hpp); how
  // many it finds in all in X-Total-Count.
  api.add_admin("GET", "/api/v1/admin/users",
                [&p](http::Request& req, const Caller&) -> Result<http::Response> {
                  RUCHE_TRY(UserListQuery q, user_list_query(req));
                  std::int64_t total = 0;
                  RUCHE_TRY(auto users, p.db.read([&](db::Conn& c) -> Result<std::vector<User>> {
                    RUCHE_TRY(total, count_users(c, q));
                    return read_users(c, q);
                  }));
                  json::array a;
                  for (const auto& u : users) a.push_back(user_json(u));
                  http::Response r = json_reply(a);
                  r.headers.set("X-Total-Count", std::to_string(total));
                  return r;
                });

  api.add_admin("POST", "/api/v1/admin/users",
                [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                  RUCHE_TRY(json::In in, json::In::parse(req.body));
                  std::string email = in.string("email", {.min = 1, .max = 320});
                  std::string name = in.string("name", {.min = 1, .max = 100});
                  std::string password = in.string("password", {.min = 1, .max = 1024, .single_line = false});
                  std::string role_s = in.string("role", {.max = 16}, json::kOptional);
                  if (!in.ok()) return tl::unexpected<Error>(in.error());
                  auto role = role_s.empty() ? std::optional<InstanceRole>(InstanceRole::member)
                                             : parse_instance_role(role_s);
                  if (!role) return fail(Errc::invalid, "role must be admin, member or guest", "invalid_field");
                  RUCHE_TRY(User u, p.accounts.create(email, name, password, *role));
                  AuditEntry e = AuditEntry::by(caller, "admin.user_created");
                  e.object = u.id.str();
                  e.details["role"] = to_string(*role);
                  RUCHE_CHECK(p.audit.record(p.db, e));
                  return json_reply(user_json(u), 201);
                });

  api.add_admin("PATCH", "/api/v1/admin/users/{user_id}",
                [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                  RUCHE_TRY(UserId id, user_param(req, "user_id"));
                  RUCHE_TRY(json::In in, json::In::parse(req.body));
                  auto disabled = in.opt_boolean("disabled");
                  auto role_s = in.opt_string("role", {.max = 16});
                  if (!in.ok()) return tl::unexpected<Error>(in.error());
                  if (id == caller.user_id)
                    return fail(Errc::conflict, "administrators cannot change their own account here",
                                "self");
                  if (role_s) {
                    auto role = parse_instance_role(*role_s);
                    if (!role) return fail(Errc::invalid, "role must be admin, member or guest", "invalid_field");
                    // Their workspaces' member lists show whether they are external.
                    RUCHE_CHECK(p.accounts.set_role(id, *role, [&](db::Conn& c) {
                      return p.workspaces.person_changed(c, id);
                    }));
                    AuditEntry e = AuditEntry::by(caller, "admin.user_role_changed");
                    e.object = id.str();
                    e.details["role"] = *role_s;
                    RUCHE_CHECK(p.audit.record(p.db, e));
                    p.sessions.publish_revoked(id);  // every node reads the new role
                  }
                  if (disabled) {
                    RUCHE_CHECK(p.accounts.set_disabled(id, *disabled));
                    if (*disabled) RUCHE_CHECK(p.sessions.revoke_all(id, false));
                    AuditEntry e = AuditEntry::by(caller, *disabled ? "admin.user_disabled" : "admin.user_enabled");
                    e.object = id.str();
                    RUCHE_CHECK(p.audit.record(p.db, e));
                  }
                  RUCHE_TRY(User u, p.accounts.get(id));
                  return json_reply(user_json(u));
                });

  api.add_admin("POST", "/api/v1/admin/users/{user_id}/reset-password",
                [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                  RUCHE_TRY(UserId id, user_param(req, "user_id"));
                  RUCHE_TRY(json::In in, json::In::parse(req.body));
                  std::string password = in.string("password", {.min = 1, .max = 1024, .single_line = false});
                  if (!in.ok()) return tl::unexpected<Error>(in.error());
                  RUCHE_CHECK(p.accounts.set_password(id, password));
                  RUCHE_CHECK(p.sessions.revoke_all(id, false));
                  AuditEntry e = AuditEntry::by(caller, "admin.password_reset");
                  e.object = id.str();
                  RUCHE_CHECK(p.audit.record(p.db, e));
                  return http::no_content();
                });

  api.add_admin("GET", "/api/v1/admin/settings",
                [&p](http::Request&, const Caller&) -> Result<http::Response> {
                  RUCHE_TRY(InstanceSettings s, p.settings.get());
                  return json_reply(to_json(s, true));
                });

  api.add_admin("PATCH", "/api/v1/admin/settings",
                [&p](http::Request& req, const Caller& caller) -> Result<http::Response> {
                  RUCHE_TRY(json::In in, json::In::parse(req.body));
                  RUCHE_TRY(InstanceSettings s, p.settings.update(in));
                  AuditEntry e = AuditEntry::by(caller, "admin.settings_changed");
                  for (const auto& [k, v] : in.object_value()) e.details[k] = k == "logo" ? json::value("(image)") : v;
                  RUCHE_CHECK(p.audit.record(p.db, e));
                  return json_reply(to_json(s, true));
                },
                ApiOptions{.http = {.max_body_bytes = 2 << 20}});

  // The audit log, newest first, narrowed by the query (audit_query.hpp).
  api.add_admin("GET", "/api/v1/admin/audit",
                [&p](http::Request& req, const Caller&) -> Result<http::Response> {
                  RUCHE_TRY(AuditQuery q, audit_query(req));
                  RUCHE_TRY(auto rows, p.db.read([&](db::Conn& c) { return read_audit(c, q); }));
                  json::array a;
                  for (const auto& r : rows) a.push_back(to_json(r));
                  return json_reply(a);
                });
}

}  // namespace ruche::platform
