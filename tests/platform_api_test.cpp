// Whole-server tests of the platform API: authentication, sessions, CSRF,
// second factor, workspaces, members, invitations, administration, audit and
// bad input. Run on SQLite (label integration) and PostgreSQL (label pg).
#include <gtest/gtest.h>

#include <set>

#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"
#include "core/crypto/totp.hpp"
#include "core/db/migrate.hpp"
#include "core/db/testing.hpp"
#include "core/http/compress.hpp"
#include "platform/audit_query.hpp"
#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

using platform::InstanceRole;

std::size_t count_workspaces(TestServer& s, const Account& a) {
  return s.call("GET", "/api/v1/workspaces", a.token).body.as_array().size();
}

TEST(Platform, HealthAndUnknownRoutes) {
  TestServer s;
  auto r = s.call("GET", "/api/v1/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.at("status").as_string(), "ok");
  r = s.call("GET", "/api/v1/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "not_found");
  r = s.call("DELETE", "/api/v1/health");
  EXPECT_EQ(r.status, 405);
}

// /metrics: a client on the machine itself, not one a local reverse proxy
// relays (nginx on loopback says whose request it is); with a token set,
// whoever sends it, and nobody else.
TEST(Platform, MetricsAreForLocalClientsOrTheToken) {
  {
    TestServer s;
    auto local = s.call("GET", "/metrics");
    EXPECT_EQ(local.status, 200);
    EXPECT_NE(local.raw.body.find("ruche_http_connections_open"), std::string::npos);
    EXPECT_EQ(
        s.call("GET", "/metrics", {}, std::nullopt, {{"X-Forwarded-For", "203.0.113.9"}}).status,
        404);
    EXPECT_EQ(
        s.call("GET", "/metrics", {}, std::nullopt, {{"Forwarded", "for=203.0.113.9"}}).status,
        404);
  }
  TestServer s([](app::Config& c) { c.metrics_token = "m3tr1cs-t0ken-for-tests"; });
  EXPECT_EQ(s.call("GET", "/metrics").status, 404);
  EXPECT_EQ(s.call("GET", "/metrics", "wrong-token").status, 404);
  auto relayed = s.call("GET", "/metrics", "m3tr1cs-t0ken-for-tests", std::nullopt,
                        {{"X-Forwarded-For", "203.0.113.9"}});
  EXPECT_EQ(relayed.status, 200);
}

TEST(Platform, LoginAnswersUnknownAndKnownAccountsAlike) {
  TestServer s;
  Account a = s.user("Alice");
  auto wrong = s.call("POST", "/api/v1/auth/login", {},
                      body(json::object({{"email", a.email}, {"password", "not-the-password-1"}})));
  auto unknown = s.call("POST", "/api/v1/auth/login", {},
                        body(json::object({{"email", "nobody@example.org"}, {"password", "not-the-password-1"}})));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.raw.body, unknown.raw.body);
  auto ok = s.call("POST", "/api/v1/auth/login", {},
                   body(json::object({{"email", "  ALICE" + a.email.substr(a.email.find('@')) + " "},
                             {"password", a.password}})));
  // Emails are case-insensitive, but "alice@" is not user1's address.
  EXPECT_EQ(ok.status, 401);
  auto me = s.call("GET", "/api/v1/me", a.token);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body.at("email").as_string(), a.email);
  EXPECT_EQ(s.call("GET", "/api/v1/me").status, 401);
  EXPECT_EQ(s.call("GET", "/api/v1/me", "garbage-token").status, 401);
}

TEST(Platform, FailedLoginsAreThrottledPerAccountAndRecover) {
  TestServer s;
  Account a = s.user("Alice");
  std::string bad = body(json::object({{"email", a.email}, {"password", "wrong-password-123"}}));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.call("POST", "/api/v1/auth/login", {}, bad).status, 401);
  auto r = s.call("POST", "/api/v1/auth/login", {}, bad);
  EXPECT_EQ(r.status, 401);  // the sixth failure sets the lock
  r = s.call("POST", "/api/v1/auth/login", {},
             body(json::object({{"email", a.email}, {"password", a.password}})));
  EXPECT_EQ(r.status, 429) << r.raw.body;  // even the right password waits
  EXPECT_EQ(r.raw.header("Retry-After").value_or(""), "30");  // the first lock
  s.clock().advance_ms(31'000);
  r = s.call("POST", "/api/v1/auth/login", {}, body(json::object({{"email", a.email}, {"password", a.password}})));
  EXPECT_EQ(r.status, 200);
}

TEST(Platform, LogoutRevokesTheToken) {
  TestServer s;
  Account a = s.user("Alice");
  EXPECT_EQ(s.call("POST", "/api/v1/auth/logout", a.token).status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/me", a.token).status, 401);
}

TEST(Platform, SessionsExpireWhenIdle) {
  TestServer s;
  Account a = s.user("Alice");
  s.clock().advance_ms(6LL * 24 * 3600'000);
  EXPECT_EQ(s.call("GET", "/api/v1/me", a.token).status, 200);  // use resets idleness
  s.clock().advance_ms(8LL * 24 * 3600'000);
  EXPECT_EQ(s.call("GET", "/api/v1/me", a.token).status, 401);
}

TEST(Platform, CookieWritesNeedTheCsrfTokenAndSameOrigin) {
  TestServer s;
  Account a = s.user("Alice");
  std::string create = body(json::object({{"name", "Via cookie"}}));
  std::string host = "127.0.0.1:" + std::to_string(s.port());
  auto r = s.call("POST", "/api/v1/workspaces", {}, create, {{"Cookie", a.cookie}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "csrf");
  r = s.call("POST", "/api/v1/workspaces", {}, create,
             {{"Cookie", a.cookie}, {"X-CSRF-Token", a.csrf}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(r.status, 403);
  r = s.call("POST", "/api/v1/workspaces", {}, create,
             {{"Cookie", a.cookie}, {"X-CSRF-Token", a.csrf}, {"Sec-Fetch-Site", "cross-site"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(count_workspaces(s, a), 0u);
  r = s.call("POST", "/api/v1/workspaces", {}, create,
             {{"Cookie", a.cookie}, {"X-CSRF-Token", a.csrf}, {"Origin", "http://" + host},
              {"Sec-Fetch-Site", "same-origin"}});
  EXPECT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(s.call("GET", "/api/v1/me", {}, std::nullopt, {{"Cookie", a.cookie}}).status, 200);
  // A new tab finds the CSRF token of its cookie session.
  auto sess = s.call("GET", "/api/v1/auth/session", {}, std::nullopt, {{"Cookie", a.cookie}});
  ASSERT_EQ(sess.status, 200);
  EXPECT_EQ(sess.body.at("csrf_token").as_string(), a.csrf);
  EXPECT_EQ(s.call("GET", "/api/v1/auth/session", a.token).body.at("csrf_token").as_string(), "");
}

TEST(Platform, TotpSecondFactorWithSingleUseCodes) {
  TestServer s;
  Account a = s.user("Alice");
  auto begin = s.call("POST", "/api/v1/me/totp/begin", a.token);
  ASSERT_EQ(begin.status, 200);
  std::string secret = *crypto::base32_decode(begin.body.at("secret").as_string());
  EXPECT_NE(std::string(begin.body.at("otpauth_uri").as_string()).find("otpauth://totp/"), std::string::npos);
  std::int64_t now_s = s.clock().now_ms() / 1000;
  auto bad = s.call("POST", "/api/v1/me/totp/confirm", a.token, body(json::object({{"code", "000000"}})));
  EXPECT_EQ(bad.status, 400);
  auto confirm = s.call("POST", "/api/v1/me/totp/confirm", a.token,
                        body(json::object({{"code", crypto::totp_code(secret, now_s)}})));
  ASSERT_EQ(confirm.status, 200) << confirm.raw.body;
  auto codes = confirm.body.at("recovery_codes").as_array();
  ASSERT_EQ(codes.size(), 10u);

  std::string creds = body(json::object({{"email", a.email}, {"password", a.password}}));
  auto r = s.call("POST", "/api/v1/auth/login", {}, creds);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code(), "mfa_required");
  EXPECT_FALSE(r.body.as_object().contains("token"));
  // The code used to confirm cannot be used again.
  r = s.call("POST", "/api/v1/auth/login", {},
             body(json::object({{"email", a.email}, {"password", a.password}, {"totp_code", crypto::totp_code(secret, now_s)}})));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code(), "bad_code");
  s.clock().advance_ms(30'000);
  std::string next = crypto::totp_code(secret, s.clock().now_ms() / 1000);
  r = s.call("POST", "/api/v1/auth/login", {},
             body(json::object({{"email", a.email}, {"password", a.password}, {"totp_code", next}})));
  EXPECT_EQ(r.status, 200) << r.raw.body;
  // A recovery code works once.
  std::string recovery(codes[0].as_string());
  r = s.call("POST", "/api/v1/auth/login", {},
             body(json::object({{"email", a.email}, {"password", a.password}, {"totp_code", recovery}})));
  EXPECT_EQ(r.status, 200);
  r = s.call("POST", "/api/v1/auth/login", {},
             body(json::object({{"email", a.email}, {"password", a.password}, {"totp_code", recovery}})));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(s.call("GET", "/api/v1/me", a.token).body.at("recovery_codes_left").as_int64(), 9);
}

TEST(Platform, AppTokensWorkAndAreRevokedOneByOne) {
  TestServer s;
  Account a = s.user("Alice");
  auto t1 = s.call("POST", "/api/v1/me/app-tokens", a.token, body(json::object({{"name", "Thunderbird"}})));
  auto t2 = s.call("POST", "/api/v1/me/app-tokens", a.token, body(json::object({{"name", "Sync"}})));
  ASSERT_EQ(t1.status, 201);
  std::string tok1(t1.body.at("token").as_string()), tok2(t2.body.at("token").as_string());
  EXPECT_EQ(s.call("GET", "/api/v1/me", tok1).status, 200);
  auto list = s.call("GET", "/api/v1/me/sessions", a.token).body.as_array();
  EXPECT_EQ(list.size(), 3u);
  std::string id1(t1.body.at("id").as_string());
  EXPECT_EQ(s.call("DELETE", "/api/v1/me/sessions/" + id1, a.token).status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/me", tok1).status, 401);
  EXPECT_EQ(s.call("GET", "/api/v1/me", tok2).status, 200);
  // Another user's credential is not ours to revoke.
  Account b = s.user("Bob");
  std::string id2(t2.body.at("id").as_string());
  EXPECT_EQ(s.call("DELETE", "/api/v1/me/sessions/" + id2, b.token).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/me", tok2).status, 200);
}

TEST(Platform, HttpBasicForDavClients) {
  TestServer s({}, [](platform::Api& api) {
    api.add_user("PROPFIND", "/dav/probe",
                 [](http::Request&, const platform::Caller& c) -> Result<http::Response> {
                   return http::json_response(207, "{\"user\":\"" + c.email + "\"}");
                 },
                 platform::ApiOptions{.basic_auth = true});
  });
  Account a = s.user("Alice");
  auto basic = [](std::string_view user, std::string_view secret) {
    return Headers{{"Authorization", "Basic " + crypto::base64_encode(std::string(user) + ":" + std::string(secret))}};
  };
  auto none = s.call("PROPFIND", "/dav/probe");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.raw.header("WWW-Authenticate").value_or("").find("Basic"), std::string::npos);
  EXPECT_EQ(s.call("PROPFIND", "/dav/probe", {}, std::nullopt, basic(a.email, a.password)).status, 207);
  EXPECT_EQ(s.call("PROPFIND", "/dav/probe", {}, std::nullopt, basic(a.email, "wrong-password!!")).status, 401);
  auto tok = s.call("POST", "/api/v1/me/app-tokens", a.token, body(json::object{{"name", "davfs"}}));
  std::string app(tok.body.at("token").as_string());
  EXPECT_EQ(s.call("PROPFIND", "/dav/probe", {}, std::nullopt, basic(a.email, app)).status, 207);
  Account b = s.user("Bob");
  EXPECT_EQ(s.call("PROPFIND", "/dav/probe", {}, std::nullopt, basic(b.email, app)).status, 401);  // not Bob's token
  // With a second factor, the password alone is not enough: app tokens only.
  auto begin = s.call("POST", "/api/v1/me/totp/begin", a.token);
  std::string secret = *crypto::base32_decode(begin.body.at("secret").as_string());
  ASSERT_EQ(s.call("POST", "/api/v1/me/totp/confirm", a.token,
                   body(json::object{{"code", crypto::totp_code(secret, s.clock().now_ms() / 1000)}})).status, 200);
  s.clock().advance_ms(61'000);  // past the cache of checked passwords
  auto r = s.call("PROPFIND", "/dav/probe", {}, std::nullopt, basic(a.email, a.password));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code(), "app_token_required");
  EXPECT_EQ(s.call("PROPFIND", "/dav/probe", {}, std::nullopt, basic(a.email, app)).status, 207);
  // A password checked (and remembered) a moment ago is refused as soon as
  // it is changed; the new one works.
  Account c = s.user("Carol");
  EXPECT_EQ(s.call("PROPFIND", "/dav/probe", {}, std::nullopt, basic(c.email, c.password)).status, 207);
  ASSERT_EQ(s.call("POST", "/api/v1/me/password", c.token,
                   body(json::object({{"current_password", c.password}, {"new_password", "Hibiscus-Lanterne-883"}})))
                .status,
            204);
  EXPECT_EQ(s.call("PROPFIND", "/dav/probe", {}, std::nullopt, basic(c.email, c.password)).status, 401);
  EXPECT_EQ(s.call("PROPFIND", "/dav/probe", {}, std::nullopt, basic(c.email, "Hibiscus-Lanterne-883")).status, 207);
  // Wrong passwords lock the account as at login; the 429 says until when.
  Account d = s.user("Dan");
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(s.call("PROPFIND", "/dav/probe", {}, std::nullopt,
                     basic(d.email, "wrong-" + std::to_string(i)))
                  .status,
              401);
  auto locked = s.call("PROPFIND", "/dav/probe", {}, std::nullopt, basic(d.email, d.password));
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.raw.header("Retry-After").value_or(""), "30");
}

TEST(Platform, PasswordChangeEndsOtherSessions) {
  TestServer s;
  Account a = s.user("Alice");
  Account other = s.login(a.email, a.password);
  auto weak = s.call("POST", "/api/v1/me/password", a.token,
                     body(json::object({{"current_password", a.password}, {"new_password", "password1234"}})));
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(weak.error_code(), "weak_password");
  auto r = s.call("POST", "/api/v1/me/password", a.token,
                  body(json::object({{"current_password", a.password}, {"new_password", "Hibiscus-Lanterne-883"}})));
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/me", a.token).status, 200);
  EXPECT_EQ(s.call("GET", "/api/v1/me", other.token).status, 401);
  s.login(a.email, "Hibiscus-Lanterne-883");
}

TEST(Platform, WorkspacesBelongToTheirMembers) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  auto created = s.call("POST", "/api/v1/workspaces", a.token,
                        body(json::object({{"name", "Projet Ruche"}, {"modules", json::array{"chat", "tasks"}}})));
  ASSERT_EQ(created.status, 201);
  EXPECT_EQ(created.body.at("role").as_string(), "owner");
  std::string ws(created.body.at("id").as_string());
  EXPECT_EQ(created.body.at("modules").as_array().size(), 2u);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, a.token).status, 200);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, b.token).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/not-an-id", a.token).status, 404);
  EXPECT_EQ(count_workspaces(s, b), 0u);
  auto bad = s.call("POST", "/api/v1/workspaces", a.token,
                    body(json::object({{"name", "X"}, {"modules", json::array{"chat", "nonsense"}}})));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_code(), "unknown_module");
  auto renamed = s.call("PATCH", "/api/v1/workspaces/" + ws, a.token,
                        body(json::object({{"name", "Projet Abeille"}, {"modules", json::array{"files"}}})));
  EXPECT_EQ(renamed.status, 200);
  EXPECT_EQ(renamed.body.at("name").as_string(), "Projet Abeille");
  EXPECT_EQ(renamed.body.at("modules").as_array(), json::array{"files"});
  EXPECT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws, b.token, body(json::object({{"name", "Mine"}}))).status, 404);
}

// GET /workspaces is answered from a per-user cache: every change that
// affects a list must show at once.
TEST(Platform, WorkspaceListsFollowEveryChange) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Before");
  auto names = [&](const Account& who) {
    std::vector<std::string> out;
    Reply r = s.call("GET", "/api/v1/workspaces", who.token);
    for (const auto& w : r.body.as_array()) out.emplace_back(w.at("name").as_string());
    return out;
  };
  EXPECT_EQ(names(a), std::vector<std::string>{"Before"});
  EXPECT_EQ(names(a), std::vector<std::string>{"Before"});  // now cached
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws, a.token,
                   body(json::object{{"name", "After"}})).status, 200);
  EXPECT_EQ(names(a), std::vector<std::string>{"After"});
  EXPECT_TRUE(names(b).empty());
  s.join(a, ws, b);
  EXPECT_EQ(names(b), std::vector<std::string>{"After"});
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token,
                   body(json::object{{"role", "admin"},
                                     {"expires_at", format_iso8601(s.clock().now_ms() + 60'000)}})).status,
            200);
  auto listed = s.call("GET", "/api/v1/workspaces", b.token).body.as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("role").as_string(), "admin");
  s.clock().advance_ms(61'000);
  EXPECT_TRUE(names(b).empty());  // the membership expired
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws, a.token).status, 204);
  EXPECT_TRUE(names(a).empty());
}

TEST(Platform, MembersRolesAndTheLastOwner) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Équipe");
  s.join(a, ws, b);
  auto members = s.call("GET", "/api/v1/workspaces/" + ws + "/members", b.token);
  ASSERT_EQ(members.status, 200);
  EXPECT_EQ(members.body.as_array().size(), 2u);
  // A member cannot rename nor manage members.
  EXPECT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws, b.token, body(json::object({{"name", "B"}}))).status, 403);
  EXPECT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + a.id.str(), b.token,
                   body(json::object({{"role", "guest"}}))).status, 403);
  // The only owner cannot step down or leave.
  auto r = s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + a.id.str(), a.token,
                  body(json::object({{"role", "member"}})));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "last_owner");
  EXPECT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + a.id.str(), a.token).status, 409);
  // Per-module rights.
  r = s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token,
             body(json::object({{"rights", json::object({{"files", "read"}, {"chat", "none"}})}})));
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body.at("rights").at("files").as_string(), "read");
  auto seen = s.call("GET", "/api/v1/workspaces/" + ws, b.token);
  EXPECT_EQ(seen.body.at("modules").as_array(), json::array{"files"});
  EXPECT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token,
                   body(json::object({{"rights", json::object({{"files", "admin"}})}}))).status, 400);
  EXPECT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token,
                   body(json::object({{"rights", json::object({{"nope", "read"}})}}))).status, 400);
  // Removal is immediate.
  EXPECT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token).status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, b.token).status, 404);
}

// A person renamed or made external: each workspace they are in says so
// (member.updated with the entry its member list gives), the others hear
// nothing, and a role set again to what it was is no change. The list says
// which event it is as of (Ruche-Seq), for clients that keep it.
TEST(Platform, MemberListsFollowRenamesAndKindsOfAccount) {
  TestServer s;
  Account root = s.user("Root", InstanceRole::admin);
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string both = s.workspace(a, "Both"), other = s.workspace(a, "Other"),
              mine = s.workspace(b, "Mine");
  s.join(a, both, b);
  s.join(a, other, b);
  std::string alone = s.workspace(a, "Without Bob");
  auto updates = [&](const std::string& ws) {
    std::vector<json::value> out;
    auto events = s.platform().outbox.since(s.platform().db, WorkspaceId(ws), 0, 1000);
    EXPECT_TRUE(events);
    if (events)
      for (const auto& e : *events)
        if (e.type == "member.updated") out.push_back(json::parse(e.data).value());
    return out;
  };
  auto listed = [&](const std::string& ws) {
    auto members = s.call("GET", "/api/v1/workspaces/" + ws + "/members", a.token);
    // As of the workspace's last event: a client applies those after it.
    auto head = s.platform().outbox.head(s.platform().db, WorkspaceId(ws));
    EXPECT_TRUE(head && head.value() > 0);
    EXPECT_EQ(members.raw.header("Ruche-Seq"), std::to_string(head.value_or(-1)));
    for (const auto& m : members.body.as_array())
      if (m.at("user_id").as_string() == b.id.str()) return m;
    return json::value();
  };

  ASSERT_EQ(s.call("PATCH", "/api/v1/me", b.token, body(json::object{{"name", "Robert"}})).status,
            200);
  for (const std::string& ws : {both, other}) {
    auto seen = updates(ws);
    ASSERT_EQ(seen.size(), 1u) << ws;
    EXPECT_EQ(seen[0].at("name").as_string(), "Robert");
    EXPECT_EQ(seen[0], listed(ws));
  }
  EXPECT_EQ(updates(mine).size(), 1u);  // his own workspace too
  EXPECT_TRUE(updates(alone).empty());
  // The same name again, or another field only: no event.
  ASSERT_EQ(s.call("PATCH", "/api/v1/me", b.token,
                   body(json::object{{"name", "Robert"}, {"locale", "fr"}}))
                .status,
            200);
  EXPECT_EQ(updates(both).size(), 1u);

  auto made = [&](std::string_view role) {
    return s
        .call("PATCH", "/api/v1/admin/users/" + b.id.str(), root.token,
              body(json::object{{"role", role}}))
        .status;
  };
  ASSERT_EQ(made("guest"), 200);
  auto seen = updates(both);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[1].at("external").as_bool());
  EXPECT_EQ(seen[1], listed(both));
  ASSERT_EQ(made("guest"), 200);
  EXPECT_EQ(updates(both).size(), 2u);
  EXPECT_TRUE(updates(alone).empty());
  EXPECT_EQ(s.call("PATCH", "/api/v1/admin/users/" + crypto::new_id(), root.token,
                   body(json::object{{"role", "guest"}}))
                .status,
            404);
}

// Lists go gzipped to the caller's own client only (a Bearer token, or the
// browser saying the page is this origin's), never to a request another site
// could have made with the cookie: BREACH needs such requests.
TEST(Platform, ListsGoGzippedOnlyToRequestsNoOtherSiteCouldMake) {
  TestServer s;
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Compressed");
  for (int i = 0; i < 6; ++i) s.join(a, ws, s.user("Member " + std::to_string(i)));
  // What the list is written straight with: quotes, backslashes, accents.
  Account odd = s.user("Odd");
  ASSERT_EQ(s.call("PATCH", "/api/v1/me", odd.token,
                   body(json::object{{"name", "Zo\u00eb \"Z\" \\ O'Neil"}}))
                .status,
            200);
  s.join(a, ws, odd);
  const std::string members = "/api/v1/workspaces/" + ws + "/members";
  const Reply plain = s.call("GET", members, a.token);
  ASSERT_EQ(plain.status, 200);
  ASSERT_GE(plain.raw.body.size(), 1024u);
  EXPECT_EQ(plain.raw.header("Content-Encoding").value_or(""), "");
  EXPECT_EQ(plain.raw.header("Vary").value_or(""), "Accept-Encoding");
  bool found = false;
  for (const auto& m : plain.body.as_array())
    if (m.at("user_id").as_string() == odd.id.str()) {
      found = true;
      EXPECT_EQ(m.at("name").as_string(), "Zo\u00eb \"Z\" \\ O'Neil");
      EXPECT_EQ(m.at("email").as_string(), odd.email);
      EXPECT_EQ(m.at("role").as_string(), "member");
      EXPECT_FALSE(m.at("external").as_bool());
      EXPECT_TRUE(m.at("expires_at").is_null());
      EXPECT_EQ(m.at("rights").at("chat").as_string(), "write");
      EXPECT_EQ(m.at("rights").at("files").as_string(), "write");
    }
  EXPECT_TRUE(found);

  auto get = [&](const std::string& path, Headers h, std::string_view token = {}) {
    h.emplace_back("Accept-Encoding", "gzip, deflate, br");
    Reply r = s.call("GET", path, token, std::nullopt, h);
    EXPECT_EQ(r.status, 200) << path;
    return r;
  };
  auto gzipped = [&](const Reply& r, const std::string& expected) {
    EXPECT_EQ(r.raw.header("Content-Encoding").value_or(""), "gzip");
    EXPECT_EQ(r.raw.header("Vary").value_or(""), "Accept-Encoding");
    EXPECT_LT(r.raw.body.size(), expected.size() / 2);
    EXPECT_EQ(http::gunzip(r.raw.body, 1 << 20).value_or("?"), expected);
  };
  gzipped(get(members, {}, a.token), plain.raw.body);
  gzipped(get(members, {{"Cookie", a.cookie}, {"Sec-Fetch-Site", "same-origin"}}), plain.raw.body);
  // The cookie alone, a typed address, or no gzip wanted: as it is.
  for (const Headers& h :
       {Headers{{"Cookie", a.cookie}}, Headers{{"Cookie", a.cookie}, {"Sec-Fetch-Site", "none"}}}) {
    Reply r = get(members, h);
    EXPECT_EQ(r.raw.header("Content-Encoding").value_or(""), "");
    EXPECT_EQ(r.raw.header("Vary").value_or(""), "Accept-Encoding");
    EXPECT_EQ(r.raw.body, plain.raw.body);
  }
  EXPECT_EQ(s.call("GET", members, a.token, std::nullopt, {{"Accept-Encoding", "gzip;q=0"}})
                .raw.header("Content-Encoding")
                .value_or(""),
            "");

  // A channel's messages, too.
  std::string channel = make_channel(s, a, ws, "general");
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(s.call("POST", "/api/v1/channels/" + channel + "/messages", a.token,
                     body(json::object{{"body", "Message number " + std::to_string(i)}}))
                  .status,
              201);
  const std::string messages = "/api/v1/channels/" + channel + "/messages";
  gzipped(get(messages, {}, a.token), s.call("GET", messages, a.token).raw.body);

  // A route that does not say it may: never, however large.
  for (int i = 0; i < 8; ++i)
    s.workspace(a, "Workspace with a long enough name " + std::to_string(i));
  Reply listed = get("/api/v1/workspaces", {}, a.token);
  EXPECT_GE(listed.raw.body.size(), 1024u);
  EXPECT_EQ(listed.raw.header("Content-Encoding").value_or(""), "");
}

TEST(Platform, ArchivedWorkspacesAreReadOnlyAndDeletionIsForOwners) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Old");
  s.join(a, ws, b, "admin");
  EXPECT_EQ(s.call("POST", "/api/v1/workspaces/" + ws + "/archive", b.token).status, 403);
  EXPECT_EQ(s.call("POST", "/api/v1/workspaces/" + ws + "/archive", a.token).status, 200);
  auto r = s.call("PATCH", "/api/v1/workspaces/" + ws, a.token, body(json::object({{"name", "New"}})));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "archived");
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, b.token).status, 200);
  EXPECT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws, b.token).status, 403);
  EXPECT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws, a.token).status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, a.token).status, 404);
  EXPECT_EQ(count_workspaces(s, b), 0u);
}

TEST(Platform, ExternalInvitationCreatesAConfinedGuest) {
  TestServer s;
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Partenaires");
  std::string other = s.workspace(a, "Interne");
  auto inv = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                    body(json::object({{"email", "Partner@Outside.example"}, {"role", "member"}})));
  ASSERT_EQ(inv.status, 201) << inv.raw.body;
  std::string token(inv.body.at("token").as_string());
  EXPECT_EQ(std::string(inv.body.at("url").as_string()),
            "http://127.0.0.1:" + std::to_string(s.port()) + "/invite/" + token);
  auto preview = s.call("GET", "/api/v1/invitations/" + token);
  ASSERT_EQ(preview.status, 200);
  EXPECT_EQ(preview.body.at("workspace_name").as_string(), "Partenaires");
  EXPECT_EQ(preview.body.at("email").as_string(), "partner@outside.example");
  // A weak password creates nothing and keeps the invitation usable.
  auto weak = s.call("POST", "/api/v1/invitations/" + token + "/accept", {},
                     body(json::object({{"name", "Paula"}, {"password", "short"}})));
  EXPECT_EQ(weak.status, 400);
  auto acc = s.call("POST", "/api/v1/invitations/" + token + "/accept", {},
                    body(json::object({{"name", "Paula"}, {"password", "Cerf-Volant-Rouge-2031"}})));
  ASSERT_EQ(acc.status, 200) << acc.raw.body;
  EXPECT_EQ(acc.body.at("workspace_id").as_string(), ws);
  EXPECT_EQ(acc.body.at("user").at("role").as_string(), "guest");
  std::string guest(acc.body.at("token").as_string());
  auto list = s.call("GET", "/api/v1/workspaces", guest);
  ASSERT_EQ(list.body.as_array().size(), 1u);
  EXPECT_EQ(list.body.as_array()[0].at("id").as_string(), ws);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + other, guest).status, 404);
  EXPECT_EQ(s.call("POST", "/api/v1/workspaces", guest, body(json::object({{"name", "Mine"}}))).status, 403);
  EXPECT_EQ(s.call("GET", "/api/v1/users?q=a", guest).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/users?q=al", a.token).status, 200);
  // Single use.
  auto again = s.call("POST", "/api/v1/invitations/" + token + "/accept", {},
                      body(json::object({{"name", "Eve"}, {"password", "Cerf-Volant-Rouge-2031"}})));
  EXPECT_EQ(again.status, 410);
}

TEST(Platform, InvitationsExpireAndCanBeRevoked) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W");
  auto inv = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                    body(json::object({{"email", "x@y.example"}})));
  std::string token(inv.body.at("token").as_string());
  std::string id(inv.body.at("id").as_string());
  EXPECT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws + "/invitations/" + id, a.token).status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/invitations/" + token).status, 410);
  auto inv2 = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                     body(json::object({{"email", b.email}})));
  std::string token2(inv2.body.at("token").as_string());
  s.clock().advance_ms(8LL * 24 * 3600'000);
  a = s.login(a.email, a.password);  // idle sessions have expired too
  b = s.login(b.email, b.password);
  EXPECT_EQ(s.call("POST", "/api/v1/invitations/" + token2 + "/accept", b.token).status, 410);
  // An invitation for someone else cannot be taken with one's own session.
  Account c = s.user("Carol");
  auto inv3 = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                     body(json::object({{"email", b.email}})));
  std::string token3(inv3.body.at("token").as_string());
  EXPECT_EQ(s.call("POST", "/api/v1/invitations/" + token3 + "/accept", c.token).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, c.token).status, 404);
  EXPECT_EQ(s.call("POST", "/api/v1/invitations/" + token3 + "/accept", b.token).status, 200);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, b.token).status, 200);
  // An invitation above one's own role is refused.
  auto up = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", b.token,
                   body(json::object({{"email", "z@y.example"}})));
  EXPECT_EQ(up.status, 403);
}

// An account invited by its address hears of it in the app (a notice) and
// accepts there, without the link: the address is what entitles, so no one
// else can take it, and an answered or revoked invitation is no longer there.
TEST(Platform, AnAccountSeesItsInvitationsAndAcceptsThemInTheApp) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol");
  std::string ws = s.workspace(a, "Direction g\u00e9n\u00e9rale"), other = s.workspace(a, "Autre");
  auto mine = [&](const Account& who) {
    auto r = s.call("GET", "/api/v1/me/invitations", who.token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    return r.status == 200 ? r.body.as_array() : json::array{};
  };
  EXPECT_TRUE(mine(b).empty());
  std::string upper = b.email;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto inv = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                    body(json::object({{"email", upper}, {"role", "admin"}})));
  ASSERT_EQ(inv.status, 201) << inv.raw.body;
  std::string id = str(inv.body, "id");
  // Told: a notice kept for them, no one else.
  auto kept = s.call("GET", "/api/v1/me/notices", b.token);
  ASSERT_EQ(kept.status, 200);
  ASSERT_EQ(kept.body.at("notices").as_array().size(), 1u) << kept.raw.body;
  const auto& notice = kept.body.at("notices").as_array()[0];
  EXPECT_EQ(str(notice, "type"), "workspace.invited");
  EXPECT_EQ(str(notice.at("data"), "invitation_id"), id);
  EXPECT_EQ(str(notice.at("data"), "workspace_name"), "Direction g\u00e9n\u00e9rale");
  EXPECT_EQ(str(notice.at("data"), "inviter_name"), "Alice");
  EXPECT_TRUE(s.call("GET", "/api/v1/me/notices", c.token).body.at("notices").as_array().empty());
  // Listed for them only.
  auto listed = mine(b);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(str(listed[0], "id"), id);
  EXPECT_EQ(str(listed[0], "workspace_id"), ws);
  EXPECT_EQ(str(listed[0], "workspace_name"), "Direction g\u00e9n\u00e9rale");
  EXPECT_EQ(str(listed[0], "inviter_name"), "Alice");
  EXPECT_EQ(str(listed[0], "role"), "admin");
  EXPECT_TRUE(mine(c).empty());
  // Someone else's, an unknown one, a malformed id: 404, and nothing changed.
  EXPECT_EQ(s.call("POST", "/api/v1/me/invitations/" + id + "/accept", c.token).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, c.token).status, 404);
  EXPECT_EQ(s.call("POST", "/api/v1/me/invitations/" + ws + "/accept", b.token).status, 404);
  EXPECT_EQ(s.call("POST", "/api/v1/me/invitations/x/accept", b.token).status, 404);
  EXPECT_EQ(mine(b).size(), 1u);
  // Accepted: a member at the invited role; no longer listed; not twice.
  auto ok = s.call("POST", "/api/v1/me/invitations/" + id + "/accept", b.token);
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  EXPECT_EQ(str(ok.body, "workspace_id"), ws);
  auto w = s.call("GET", "/api/v1/workspaces/" + ws, b.token);
  ASSERT_EQ(w.status, 200);
  EXPECT_EQ(str(w.body, "role"), "admin");
  EXPECT_TRUE(mine(b).empty());
  EXPECT_TRUE(s.call("GET", "/api/v1/me/notices", b.token).body.at("notices").as_array().empty())
      << "the notice went with what it asked";
  EXPECT_EQ(s.call("POST", "/api/v1/me/invitations/" + id + "/accept", b.token).status, 410);
  // Revoked, or expired: gone from the list, refused.
  auto revoked = s.call("POST", "/api/v1/workspaces/" + other + "/invitations", a.token,
                        body(json::object({{"email", b.email}})));
  ASSERT_EQ(revoked.status, 201);
  EXPECT_EQ(mine(b).size(), 1u);
  EXPECT_EQ(s.call("GET", "/api/v1/me/notices", b.token).body.at("notices").as_array().size(), 1u);
  EXPECT_EQ(
      s.call("DELETE", "/api/v1/workspaces/" + other + "/invitations/" + str(revoked.body, "id"),
             a.token)
          .status,
      204);
  EXPECT_TRUE(mine(b).empty());
  EXPECT_TRUE(s.call("GET", "/api/v1/me/notices", b.token).body.at("notices").as_array().empty());
  EXPECT_EQ(s.call("POST", "/api/v1/me/invitations/" + str(revoked.body, "id") + "/accept", b.token)
                .status,
            410);
  auto expiring = s.call("POST", "/api/v1/workspaces/" + other + "/invitations", a.token,
                         body(json::object({{"email", c.email}})));
  ASSERT_EQ(expiring.status, 201);
  EXPECT_EQ(mine(c).size(), 1u);
  s.clock().advance_ms(8LL * 24 * 3600'000);
  c = s.login(c.email, c.password);
  EXPECT_TRUE(mine(c).empty());
  EXPECT_EQ(
      s.call("POST", "/api/v1/me/invitations/" + str(expiring.body, "id") + "/accept", c.token)
          .status,
      410);
  EXPECT_EQ(s.call("GET", "/api/v1/me/invitations").status, 401);

  // Declined: closed, said to the workspace's managers, the notice gone;
  // only by the invited address, once.
  a = s.login(a.email, a.password);
  b = s.login(b.email, b.password);
  auto declined = s.call("POST", "/api/v1/workspaces/" + other + "/invitations", a.token,
                         body(json::object({{"email", c.email}})));
  ASSERT_EQ(declined.status, 201);
  const std::string did = str(declined.body, "id");
  EXPECT_EQ(s.call("POST", "/api/v1/me/invitations/" + did + "/decline", b.token).status, 404);
  EXPECT_EQ(s.call("POST", "/api/v1/me/invitations/x/decline", c.token).status, 404);
  EXPECT_EQ(mine(c).size(), 1u);
  EXPECT_EQ(s.call("POST", "/api/v1/me/invitations/" + did + "/decline", c.token).status, 204);
  EXPECT_TRUE(mine(c).empty());
  bool told = false;
  const auto kept_for_c = s.call("GET", "/api/v1/me/notices", c.token);
  for (const auto& n : kept_for_c.body.at("notices").as_array())
    told = told || str(n.at("data"), "invitation_id") == did;
  EXPECT_FALSE(told) << "the notice went with the answer";
  EXPECT_EQ(s.call("POST", "/api/v1/me/invitations/" + did + "/decline", c.token).status, 410);
  EXPECT_EQ(s.call("POST", "/api/v1/me/invitations/" + did + "/accept", c.token).status, 410);
  EXPECT_EQ(s.call("DELETE", "/api/v1/workspaces/" + other + "/invitations/" + did, a.token).status,
            404);
  auto closed =
      s.call("GET", "/api/v1/workspaces/" + other + "/invitations?status=closed", a.token);
  ASSERT_EQ(closed.status, 200);
  bool said = false;
  for (const auto& i : closed.body.as_array())
    if (str(i, "id") == did) said = str(i, "status") == "declined";
  EXPECT_TRUE(said) << closed.raw.body;
  auto pending =
      s.call("GET", "/api/v1/workspaces/" + other + "/invitations?status=pending", a.token);
  for (const auto& i : pending.body.as_array()) EXPECT_NE(str(i, "id"), did);
}

// The list shows the invitations still pending first: the oldest of a large
// onboarding is not hidden behind hundreds answered or revoked since.
TEST(Platform, PendingInvitationsAreListedFirst) {
  TestServer s;
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W");
  auto first = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                      body(json::object({{"email", "premiere@y.example"}})));
  ASSERT_EQ(first.status, 201) << first.raw.body;
  s.clock().advance_ms(1000);
  const std::int64_t now = s.clock().now_ms();
  ASSERT_TRUE(s.platform().db.write([&](db::Conn& c) -> Result<void> {
    for (int i = 0; i < 500; ++i) {
      RUCHE_TRY(
          [[maybe_unused]] auto n,
          c.exec("INSERT INTO invitations (id, workspace_id, token_hash, email, role, invited_by, "
                 "created_at_ms, expires_at_ms, revoked_at_ms) VALUES ($1, $2, $3, $4, 'member', "
                 "$5, $6, "
                 "$7, $6)",
                 {"inv-" + std::to_string(i), ws, "hash-" + std::to_string(i),
                  "revoquee-" + std::to_string(i) + "@y.example", a.id.str(), now + i,
                  now + 86'400'000}));
    }
    return {};
  }));
  auto list = s.call("GET", "/api/v1/workspaces/" + ws + "/invitations", a.token);
  ASSERT_EQ(list.status, 200);
  const auto& items = list.body.as_array();
  ASSERT_FALSE(items.empty());
  EXPECT_EQ(items.at(0).at("email").as_string(), "premiere@y.example");
  EXPECT_EQ(items.at(0).at("status").as_string(), "pending");
  EXPECT_EQ(items.at(1).at("email").as_string(), "revoquee-499@y.example") << "then the newest";
}

namespace {

// `n` invitations to `ws` written as they are stored, by `who`, created at
// `created` + i, revoked or pending, expiring a day after `created`.
void store_invitations(TestServer& s, const std::string& ws, const Account& who,
                       const std::string& prefix, int n, std::int64_t created, bool revoked,
                       bool same_time = false) {
  ASSERT_TRUE(s.platform().db.write([&](db::Conn& c) -> Result<void> {
    for (int i = 0; i < n; ++i) {
      const std::int64_t at = same_time ? created : created + i;
      RUCHE_TRY(
          [[maybe_unused]] auto k,
          c.exec("INSERT INTO invitations (id, workspace_id, token_hash, email, role, "
                 "invited_by, created_at_ms, expires_at_ms, revoked_at_ms) VALUES ($1, $2, "
                 "$3, $4, 'member', $5, $6, $7, $8)",
                 {crypto::new_id(), ws, "hash-" + prefix + std::to_string(i),
                  prefix + std::to_string(i) + "@y.example", who.id.str(), at, created + 86'400'000,
                  revoked ? std::optional<std::int64_t>(at) : std::nullopt}));
    }
    return {};
  }));
}

// The emails of a whole listing walked `limit` at a time with `before`.
std::vector<std::string> walk_invitations(TestServer& s, const std::string& ws, const Account& who,
                                          const std::string& status, int limit) {
  std::vector<std::string> emails;
  std::string before;
  for (int pages = 0; pages < 100; ++pages) {
    auto r = s.call("GET",
                    "/api/v1/workspaces/" + ws + "/invitations?status=" + status + "&limit=" +
                        std::to_string(limit) + (before.empty() ? "" : "&before=" + before),
                    who.token);
    EXPECT_EQ(r.status, 200) << r.raw.body;
    if (r.status != 200 || r.body.as_array().empty()) break;
    for (const auto& i : r.body.as_array()) {
      EXPECT_EQ(i.at("status").as_string() == "pending", status == "pending");
      emails.emplace_back(i.at("email").as_string());
    }
    before = std::string(r.body.as_array().back().at("id").as_string());
  }
  return emails;
}

}  // namespace

// The pending invitations and the others are each listed a page at a time,
// newest first, however many: none is missed or listed twice, even among
// those created at the same millisecond.
TEST(Platform, InvitationsAreListedAPageAtATime) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W");
  s.join(a, ws, b);
  const std::int64_t now = s.clock().now_ms();
  store_invitations(s, ws, a, "pending-", 7, now - 10, false);
  store_invitations(s, ws, a, "tied-", 5, now - 100, true, true);
  store_invitations(s, ws, a, "revoked-", 4, now - 1000, true);
  auto pending = walk_invitations(s, ws, a, "pending", 3);
  EXPECT_EQ(pending, (std::vector<std::string>{"pending-6@y.example", "pending-5@y.example",
                                               "pending-4@y.example", "pending-3@y.example",
                                               "pending-2@y.example", "pending-1@y.example",
                                               "pending-0@y.example"}));
  auto closed = walk_invitations(s, ws, a, "closed", 2);
  ASSERT_EQ(closed.size(), 10u);
  EXPECT_EQ(closed[0], b.email) << "Bob's, accepted when he joined";
  std::set<std::string> tied(closed.begin() + 1, closed.begin() + 6);
  EXPECT_EQ(tied.size(), 5u) << "the five of one millisecond, each once";
  for (const auto& e : tied) EXPECT_EQ(e.rfind("tied-", 0), 0u) << e;
  EXPECT_EQ(std::vector<std::string>(closed.begin() + 6, closed.end()),
            (std::vector<std::string>{"revoked-3@y.example", "revoked-2@y.example",
                                      "revoked-1@y.example", "revoked-0@y.example"}));
  // Without status: one page, pending first.
  auto all = s.call("GET", "/api/v1/workspaces/" + ws + "/invitations?limit=8", a.token);
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.body.as_array().size(), 8u);
  EXPECT_EQ(all.body.as_array()[6].at("status").as_string(), "pending");
  EXPECT_EQ(all.body.as_array()[7].at("status").as_string(), "accepted");
  // Bad pages are refused; a member who does not manage sees none.
  const std::string base = "/api/v1/workspaces/" + ws + "/invitations";
  const std::string known(all.body.as_array()[0].at("id").as_string());
  const std::string other_ws = s.workspace(a, "Other");
  const std::string elsewhere(s.call("POST", "/api/v1/workspaces/" + other_ws + "/invitations",
                                     a.token, body(json::object{{"email", "ailleurs@y.example"}}))
                                  .body.at("id")
                                  .as_string());
  for (const std::string& q : std::vector<std::string>{
           "?status=open", "?before=" + known, "?status=closed&before=" + crypto::new_id(),
           "?status=pending&before=" + elsewhere, "?status=closed&before=a/b", "?limit=0",
           "?limit=501"}) {
    auto r = s.call("GET", base + q, a.token);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.error_code(), "invalid_field") << q;
  }
  EXPECT_EQ(s.call("GET", base + "?status=pending", b.token).status, 403);
}

// A workspace holds a bounded number of pending invitations; those answered,
// revoked or expired do not count.
TEST(Platform, PendingInvitationsAreBounded) {
  TestServer s;
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W");
  const std::int64_t now = s.clock().now_ms();
  store_invitations(s, ws, a, "old-", 50, now - 2 * 86'400'000, false);  // expired
  store_invitations(s, ws, a, "revoked-", 50, now, true);
  store_invitations(s, ws, a, "pending-", static_cast<int>(platform::kMaxPendingInvitations) - 1,
                    now - platform::kMaxPendingInvitations, false);
  auto invite = [&](const std::string& email) {
    return s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                  body(json::object{{"email", email}}));
  };
  auto last = invite("last@y.example");
  ASSERT_EQ(last.status, 201) << last.raw.body;
  auto over = invite("over@y.example");
  EXPECT_EQ(over.status, 409);
  EXPECT_EQ(over.error_code(), "too_many_invitations");
  auto listed =
      s.call("GET", "/api/v1/workspaces/" + ws + "/invitations?status=pending&limit=1", a.token);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.as_array().at(0).at("email").as_string(), "last@y.example");
  // Revoking one makes room for one.
  EXPECT_EQ(s.call("DELETE",
                   "/api/v1/workspaces/" + ws + "/invitations/" +
                       std::string(last.body.at("id").as_string()),
                   a.token)
                .status,
            204);
  EXPECT_EQ(invite("over@y.example").status, 201);
  EXPECT_EQ(invite("beyond@y.example").status, 409);
  // Once the stored ones expire, there is room again.
  s.clock().advance_ms(86'400'000);
  a = s.login(a.email, a.password);
  EXPECT_EQ(invite("beyond@y.example").status, 201);
}

TEST(Platform, GuestMembershipsCanExpire) {
  TestServer s;
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Temporary");
  auto inv = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                    body(json::object({{"email", "temp@outside.example"}, {"role", "guest"},
                              {"membership_expires_at", format_iso8601(s.clock().now_ms() + 3600'000)}})));
  ASSERT_EQ(inv.status, 201) << inv.raw.body;
  auto acc = s.call("POST", "/api/v1/invitations/" + std::string(inv.body.at("token").as_string()) + "/accept", {},
                    body(json::object({{"name", "Temp"}, {"password", "Cerf-Volant-Rouge-2031"}})));
  std::string guest(acc.body.at("token").as_string());
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, guest).status, 200);
  s.clock().advance_ms(3601'000);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, guest).status, 404);
}

// The audit log is read back narrowed to one person, workspace, action or
// family of actions, outcome and time range, newest first, a page at a time.
TEST(Platform, TheAuditLogIsReadNarrowedAndAPageAtATime) {
  TestServer s;
  Account admin = s.user("Root", InstanceRole::admin), a = s.user("Alice"), b = s.user("Bob");
  const std::string ws = s.workspace(a, "W");
  auto wrong = s.call("POST", "/api/v1/auth/login", {},
                      body(json::object{{"email", b.email}, {"password", "not-his-password"}}));
  ASSERT_EQ(wrong.status, 401);
  s.clock().advance_ms(3'600'000);
  const std::string later = format_iso8601(s.clock().now_ms());
  admin = s.login(admin.email, admin.password);
  a = s.login(a.email, a.password);
  s.join(a, ws, b);
  auto read = [&](const std::string& query) {
    auto r = s.call("GET", "/api/v1/admin/audit?limit=1000" + query, admin.token);
    EXPECT_EQ(r.status, 200) << query << ": " << r.raw.body;
    std::vector<json::object> out;
    if (r.status == 200)
      for (const auto& e : r.body.as_array()) out.push_back(e.as_object());
    for (std::size_t i = 1; i < out.size(); ++i)
      EXPECT_GT(out[i - 1].at("seq").as_int64(), out[i].at("seq").as_int64()) << "newest first";
    return out;
  };
  const auto all = read("");
  ASSERT_GT(all.size(), 8u);
  // Alice's: her name with them.
  const auto alice = read("&actor=" + a.id.str());
  ASSERT_FALSE(alice.empty());
  for (const auto& e : alice) {
    EXPECT_EQ(str(e, "actor_id"), a.id.str());
    EXPECT_EQ(str(e, "actor_name"), "Alice");
  }
  // A family of actions, and one.
  const auto auth = read("&action=auth.");
  ASSERT_FALSE(auth.empty());
  for (const auto& e : auth) EXPECT_EQ(str(e, "action").rfind("auth.", 0), 0u) << str(e, "action");
  const auto logins = read("&action=auth.login");
  for (const auto& e : logins) EXPECT_EQ(str(e, "action"), "auth.login");
  EXPECT_EQ(logins.size(), static_cast<std::size_t>(s.audit_count("auth.login")));
  // Bob's failed login, by outcome: no account named, the address tried.
  const auto failed = read("&outcome=failure&action=auth.login");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(str(failed[0], "object"), b.email);
  EXPECT_TRUE(failed[0].at("actor_name").is_null());
  // The workspace's, and a time range.
  const auto in_ws = read("&workspace=" + ws);
  ASSERT_FALSE(in_ws.empty());
  for (const auto& e : in_ws) {
    EXPECT_EQ(str(e, "workspace_id"), ws);
    EXPECT_EQ(str(e, "workspace_name"), "W");
  }
  EXPECT_EQ(str(in_ws.back(), "action"), "workspace.created");
  const auto before_then = read("&to=" + later);
  const auto since_then = read("&from=" + later);
  EXPECT_EQ(before_then.size() + since_then.size(), all.size());
  EXPECT_EQ(str(before_then.front(), "object"), b.email) << "the failed login, last before";
  for (const auto& e : since_then) EXPECT_GE(str(e, "at"), later);
  // Page by page, the same entries in the same order.
  std::vector<std::int64_t> paged;
  std::string before;
  for (int pages = 0; pages < 100; ++pages) {
    auto r = s.call("GET", "/api/v1/admin/audit?limit=3" + before, admin.token);
    ASSERT_EQ(r.status, 200);
    if (r.body.as_array().empty()) break;
    for (const auto& e : r.body.as_array()) paged.push_back(e.at("seq").as_int64());
    before = "&before=" + std::to_string(paged.back());
  }
  std::vector<std::int64_t> whole;
  for (const auto& e : all) whole.push_back(e.at("seq").as_int64());
  EXPECT_EQ(paged, whole);
  // Bad queries are refused; the log is for administrators only.
  for (const std::string q : {"limit=0", "limit=1001", "before=0", "before=x", "actor=alice",
                              "workspace=../x", "action=Auth.login", "action=auth%25",
                              "action=.auth", "outcome=ok", "from=yesterday", "to=2026-13-01"}) {
    auto r = s.call("GET", "/api/v1/admin/audit?" + q, admin.token);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.error_code(), "invalid_field") << q;
  }
  EXPECT_EQ(s.call("GET", "/api/v1/admin/audit", a.token).status, 404);
}

// The entries of a time range, newest first, as a filter over every entry
// finds them: what GET /admin/audit must answer.
std::vector<std::int64_t> in_range(const std::vector<std::pair<std::int64_t, std::int64_t>>& seq_at,
                                   std::optional<std::int64_t> from,
                                   std::optional<std::int64_t> to) {
  std::vector<std::int64_t> out;
  for (const auto& [seq, at] : seq_at)
    if ((!from || at >= *from) && (!to || at < *to)) out.push_back(seq);
  std::sort(out.rbegin(), out.rend());
  return out;
}

std::vector<std::int64_t> read_range(db::Database& db, std::optional<std::int64_t> from,
                                     std::optional<std::int64_t> to) {
  platform::AuditQuery q;
  q.limit = platform::kMaxAuditPage;
  q.from_ms = from;
  q.to_ms = to;
  std::vector<std::int64_t> out;
  auto rows = db.read([&](db::Conn& c) { return platform::read_audit(c, q); });
  EXPECT_TRUE(rows) << rows.error().message;
  if (rows)
    for (const auto& r : *rows) out.push_back(r.seq);
  return out;
}

// The log's disordered part, as the head says: up to when its times may
// have gone back (null: never).
std::optional<std::int64_t> disordered_until(db::Database& db) {
  auto head = db.read([](db::Conn& c) {
    return c.query_one("SELECT disordered_until_ms FROM audit_head WHERE id = 1");
  });
  EXPECT_TRUE(head && *head);
  if (!head || !*head || (*head)->is_null(0)) return std::nullopt;
  return (*head)->i64(0);
}

// Each entry keeps the time its clock gave, though the clock went back: a
// time range is the entries in it, whatever its ends, before the step back,
// across it and after it.
TEST(Platform, AuditTimesAreTheClocksAndARangeHoldsWhatFallsInIt) {
  TestServer s;
  auto& db = s.platform().db;
  Account admin = s.user("Root", InstanceRole::admin), a = s.user("Alice");
  s.workspace(a, "Before");
  const std::int64_t t0 = s.clock().now_ms();
  s.clock().advance_ms(60'000);
  s.workspace(a, "A minute on");
  EXPECT_EQ(disordered_until(db), std::nullopt);
  s.clock().set_ms(t0 - 3'600'000);  // an hour back
  s.workspace(a, "Clock stepped back");
  s.login(a.email, a.password);
  EXPECT_EQ(disordered_until(db), t0 + 60'000) << "every entry before the step is at or before it";
  s.clock().set_ms(t0 + 120'000);
  s.workspace(a, "Two minutes on");
  std::vector<std::pair<std::int64_t, std::int64_t>> seq_at;
  auto all = s.call("GET", "/api/v1/admin/audit?limit=1000", admin.token);
  ASSERT_EQ(all.status, 200);
  for (const auto& e : all.body.as_array()) {
    std::int64_t at = 0;
    ASSERT_TRUE(parse_iso8601(e.at("at").as_string(), at));
    seq_at.emplace_back(e.at("seq").as_int64(), at);
  }
  std::sort(seq_at.begin(), seq_at.end());
  ASSERT_GT(seq_at.size(), 6u);
  std::set<std::int64_t> times;
  for (const auto& [seq, at] : seq_at) times.insert(at);
  EXPECT_EQ(seq_at.back().second, t0 + 120'000);
  const auto stepped_back = in_range(seq_at, t0 - 3'600'000, t0 - 3'599'999);
  EXPECT_GE(stepped_back.size(), 2u) << "the workspace and the login, at the clock's time";
  // Every end: before every entry, at one, between two, after every one.
  std::vector<std::optional<std::int64_t>> ends = {std::nullopt, t0 - 7'200'000, t0 + 600'000};
  for (std::int64_t t : times)
    for (std::int64_t d : {-1, 0, 1}) ends.push_back(t + d);
  for (const auto& from : ends)
    for (const auto& to : ends)
      EXPECT_EQ(read_range(db, from, to), in_range(seq_at, from, to))
          << "from " << from.value_or(-1) << " to " << to.value_or(-1);
  // Through the API, as an administrator asks.
  auto r = s.call("GET",
                  "/api/v1/admin/audit?from=" + format_iso8601(t0 - 3'600'000) +
                      "&to=" + format_iso8601(t0 - 3'599'999),
                  admin.token);
  ASSERT_EQ(r.status, 200);
  std::vector<std::int64_t> seqs;
  for (const auto& e : r.body.as_array()) seqs.push_back(e.at("seq").as_int64());
  EXPECT_EQ(seqs, stepped_back);
}

// A log written before migration 0052 may go back in time where a clock
// stepped back: the migration finds up to when, so that a range reaching
// before the last step still finds every entry in it, and one after it the
// entries in a row; and so on as entries are appended.
TEST(Platform, AuditRangesFindEveryEntryOfALogThatWentBackInTime) {
  for (const bool disordered : {true, false}) {
    SCOPED_TRACE(disordered ? "a clock stepped back" : "in order");
    auto db = db::testing::open_test_database();
    const std::vector<db::Migration>& all = db::embedded_migrations(db->backend());
    std::vector<db::Migration> before;
    for (const auto& m : all)
      if (m.version < 52) before.push_back(m);
    ASSERT_TRUE(db::migrate(*db, before));
    const std::vector<std::int64_t> times =
        disordered ? std::vector<std::int64_t>{100, 200, 150, 300, 250, 250, 400, 500, 500, 600}
                   : std::vector<std::int64_t>{100, 150, 150, 200, 250, 300, 400, 500, 500, 600};
    std::vector<std::pair<std::int64_t, std::int64_t>> seq_at;
    ASSERT_TRUE(db->write([&](db::Conn& c) -> Result<void> {
      for (std::size_t i = 0; i < times.size(); ++i) {
        const auto seq = static_cast<std::int64_t>(i + 1);
        seq_at.emplace_back(seq, times[i]);
        RUCHE_TRY([[maybe_unused]] auto n,
                  c.exec("INSERT INTO audit_log (seq, at_ms, action, outcome, prev_hash, hash) "
                         "VALUES ($1, $2, 'auth.login', 'success', '', '')",
                         {seq, times[i]}));
      }
      RUCHE_TRY([[maybe_unused]] auto n, c.exec("UPDATE audit_head SET seq = $1",
                                                {static_cast<std::int64_t>(times.size())}));
      return {};
    }));
    ASSERT_EQ(db::migrate(*db, all).value_or(-1), static_cast<int>(all.size() - before.size()));
    auto head = db->read([](db::Conn& c) {
      return c.query_one("SELECT max_at_ms, disordered_until_ms FROM audit_head WHERE id = 1");
    });
    ASSERT_TRUE(head && *head);
    EXPECT_EQ((*head)->i64(0), 600);
    if (disordered)
      EXPECT_EQ((*head)->i64(1), 300)
          << "every entry before the last step back is at 300 or before";
    else
      EXPECT_TRUE((*head)->is_null(1));
    std::vector<std::optional<std::int64_t>> ends = {std::nullopt};
    for (std::int64_t t = 50; t <= 650; t += 50)
      for (std::int64_t d : {-1, 0, 1}) ends.push_back(t + d);
    for (const auto& from : ends)
      for (const auto& to : ends)
        EXPECT_EQ(read_range(*db, from, to), in_range(seq_at, from, to))
            << "from " << from.value_or(-1) << " to " << to.value_or(-1);
    // Entries appended now: one by a clock behind the last entries (the log
    // is disordered up to 600), then ones in order again.
    ManualClock clock;
    platform::AuditEntry logout;
    logout.action = "auth.logout";
    for (const std::int64_t at : {std::int64_t{50}, std::int64_t{620}, std::int64_t{640}}) {
      clock.set_ms(at);
      ASSERT_TRUE(platform::AuditLog(clock).record(*db, logout));
      seq_at.emplace_back(static_cast<std::int64_t>(seq_at.size()) + 1, at);
    }
    EXPECT_EQ(disordered_until(*db), 600);
    for (const auto& from : ends)
      for (const auto& to : ends)
        EXPECT_EQ(read_range(*db, from, to), in_range(seq_at, from, to))
            << "from " << from.value_or(-1) << " to " << to.value_or(-1);
  }
}

TEST(Platform, AdministrationIsForAdminsOnly) {
  TestServer s;
  Account admin = s.user("Root", InstanceRole::admin), b = s.user("Bob");
  EXPECT_EQ(s.call("GET", "/api/v1/admin/users", b.token).status, 404);
  auto users = s.call("GET", "/api/v1/admin/users", admin.token);
  ASSERT_EQ(users.status, 200);
  EXPECT_EQ(users.body.as_array().size(), 2u);
  auto created = s.call("POST", "/api/v1/admin/users", admin.token,
                        body(json::object({{"email", "new@example.org"}, {"name", "New"},
                                  {"password", "Marmotte-Joyeuse-77"}})));
  EXPECT_EQ(created.status, 201);
  auto dup = s.call("POST", "/api/v1/admin/users", admin.token,
                    body(json::object({{"email", "NEW@example.org"}, {"name", "New"},
                              {"password", "Marmotte-Joyeuse-77"}})));
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.error_code(), "email_taken");
  // Disabling ends every session at once.
  EXPECT_EQ(s.call("PATCH", "/api/v1/admin/users/" + b.id.str(), admin.token,
                   body(json::object({{"disabled", true}}))).status, 200);
  EXPECT_EQ(s.call("GET", "/api/v1/me", b.token).status, 401);
  auto r = s.call("POST", "/api/v1/auth/login", {}, body(json::object({{"email", b.email}, {"password", b.password}})));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(s.call("PATCH", "/api/v1/admin/users/" + b.id.str(), admin.token,
                   body(json::object({{"disabled", false}}))).status, 200);
  EXPECT_EQ(s.call("POST", "/api/v1/admin/users/" + b.id.str() + "/reset-password", admin.token,
                   body(json::object({{"password", "Pivoine-Sauvage-5150"}}))).status, 204);
  s.login(b.email, "Pivoine-Sauvage-5150");
}

// Administrators find accounts among many: by words of a name or an
// address, a role, a status; by address, a page at a time, with how many
// there are in all.
TEST(Platform, AdminsFindAccountsAPageAtATime) {
  TestServer s;
  Account admin = s.user("Root", InstanceRole::admin);
  struct Person {
    std::string email, name;
    InstanceRole role;
    bool disabled;
  };
  const std::vector<Person> people = {
      {"claire.martin@interieur.gouv.fr", "Claire Martin", InstanceRole::member, false},
      {"jean.martin@culture.gouv.fr", "Jean MARTIN", InstanceRole::member, true},
      {"martine.dupont@interieur.gouv.fr", "Martine Dupont", InstanceRole::admin, false},
      {"paul@prestataire.fr", "Paul Lebrun", InstanceRole::guest, false},
      {"zoe@interieur.gouv.fr", "Zo\u00e9 Marteau", InstanceRole::member, false},
      {"a_b@x.fr", "Under Score", InstanceRole::member, false},
  };
  for (const auto& p : people) {
    auto u = s.platform().accounts.create(p.email, p.name, "Cerf-Volant-Rouge-2031", p.role);
    ASSERT_TRUE(u) << u.error().message;
    if (p.disabled) {
      ASSERT_EQ(s.call("PATCH", "/api/v1/admin/users/" + u->id.str(), admin.token,
                       body(json::object{{"disabled", true}}))
                    .status,
                200);
    }
  }
  auto list = [&](const std::string& query) {
    auto r = s.call("GET", "/api/v1/admin/users?" + query, admin.token);
    EXPECT_EQ(r.status, 200) << query << ": " << r.raw.body;
    std::vector<std::string> emails;
    if (r.status == 200)
      for (const auto& u : r.body.as_array()) emails.push_back(str(u, "email"));
    return std::pair{emails, std::stoll(r.raw.header("X-Total-Count").value_or("-1"))};
  };
  using Found = std::pair<std::vector<std::string>, long long>;
  EXPECT_EQ(list(""), (Found{{"a_b@x.fr", "claire.martin@interieur.gouv.fr",
                              "jean.martin@culture.gouv.fr", "martine.dupont@interieur.gouv.fr",
                              "paul@prestataire.fr", admin.email, "zoe@interieur.gouv.fr"},
                             7}));
  // Words, in any case, each in the name or the address.
  EXPECT_EQ(list("q=martin"),
            (Found{{"claire.martin@interieur.gouv.fr", "jean.martin@culture.gouv.fr",
                    "martine.dupont@interieur.gouv.fr"},
                   3}));
  EXPECT_EQ(list("q=%20MARTIN%20%20interieur%20"),
            (Found{{"claire.martin@interieur.gouv.fr", "martine.dupont@interieur.gouv.fr"}, 2}));
  EXPECT_EQ(list("q=zo%C3%A9"), (Found{{"zoe@interieur.gouv.fr"}, 1}));
  EXPECT_EQ(list("q=_"), (Found{{"a_b@x.fr"}, 1})) << "a wildcard of LIKE is a letter here";
  EXPECT_EQ(list("q=gouv.fr&status=active"),
            (Found{{"claire.martin@interieur.gouv.fr", "martine.dupont@interieur.gouv.fr",
                    "zoe@interieur.gouv.fr"},
                   3}));
  EXPECT_EQ(list("status=disabled"), (Found{{"jean.martin@culture.gouv.fr"}, 1}));
  EXPECT_EQ(list("role=admin"), (Found{{"martine.dupont@interieur.gouv.fr", admin.email}, 2}));
  EXPECT_EQ(list("role=guest&q=paul"), (Found{{"paul@prestataire.fr"}, 1}));
  EXPECT_EQ(list("q=nobody"), (Found{{}, 0}));
  // A page at a time, the same accounts in the same order; the total on each.
  std::vector<std::string> paged;
  std::string after;
  for (int pages = 0; pages < 10; ++pages) {
    auto [emails, total] = list("limit=3" + after);
    EXPECT_EQ(total, 7);
    EXPECT_LE(emails.size(), 3u);
    if (emails.empty()) break;
    paged.insert(paged.end(), emails.begin(), emails.end());
    after = "&after=" + http::percent_encode(emails.back());
  }
  EXPECT_EQ(paged, list("").first);
  for (const std::string& q : std::vector<std::string>{
           "q=" + std::string(201, 'a'), "q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k", "q=%FF",
           "role=owner", "status=off", "limit=0", "limit=1001", "after="}) {
    auto r = s.call("GET", "/api/v1/admin/users?" + q, admin.token);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.error_code(), "invalid_field") << q;
  }
  Account b = s.user("Bob");
  EXPECT_EQ(s.call("GET", "/api/v1/admin/users?q=martin", b.token).status, 404);

  // The directory, for a member to invite colleagues: found the same way,
  // among active internal accounts only, 20 a page.
  auto directory = [&](const std::string& query) {
    auto r = s.call("GET", "/api/v1/users?" + query, b.token);
    EXPECT_EQ(r.status, 200) << query << ": " << r.raw.body;
    std::vector<std::string> emails;
    if (r.status == 200)
      for (const auto& u : r.body.as_array()) {
        EXPECT_EQ(u.as_object().size(), 3u) << "id, email and name only";
        emails.push_back(str(u, "email"));
      }
    return emails;
  };
  using Emails = std::vector<std::string>;
  EXPECT_EQ(directory("q=martin"),
            (Emails{"claire.martin@interieur.gouv.fr", "martine.dupont@interieur.gouv.fr"}));
  EXPECT_EQ(directory("q=paul"), Emails{}) << "an external account";
  EXPECT_EQ(directory("q=culture"), Emails{}) << "a disabled account";
  for (int i = 0; i < 21; ++i) {
    char email[32];
    std::snprintf(email, sizeof email, "agent%02d@interieur.gouv.fr", i);
    ASSERT_TRUE(s.platform().accounts.create(email, "Agent " + std::to_string(i),
                                             "Cerf-Volant-Rouge-2031", InstanceRole::member));
  }
  Emails agents = directory("q=agent");
  ASSERT_EQ(agents.size(), 20u);
  EXPECT_EQ(agents.front(), "agent00@interieur.gouv.fr");
  EXPECT_EQ(directory("q=agent&limit=1000").size(), 20u);
  EXPECT_EQ(directory("q=agent&after=" + http::percent_encode(agents.back())),
            Emails{"agent20@interieur.gouv.fr"});
  for (const std::string& q :
       std::vector<std::string>{"role=guest", "status=disabled", "q=%FF", "limit=0"})
    EXPECT_EQ(s.call("GET", "/api/v1/users?" + q, b.token).status, 400) << q;

  // Narrowed by the administrators to the people one shares a workspace
  // with: Bob then finds only his colleagues (and himself); an
  // administrator, everyone still.
  const std::string ws = s.workspace(b, "Préfecture", {"chat"});
  Account agent = s.login("agent03@interieur.gouv.fr", "Cerf-Volant-Rouge-2031");
  s.join(b, ws, agent);
  for (const auto& [value, status] :
       {std::pair<std::string, int>{"workspaces", 200}, {"team", 400}, {"", 400}})
    EXPECT_EQ(s.call("PATCH", "/api/v1/admin/settings", admin.token,
                     body(json::object({{"directory", value}})))
                  .status,
              status)
        << value;
  EXPECT_EQ(str(s.call("GET", "/api/v1/admin/settings", admin.token).body, "directory"),
            "workspaces");
  EXPECT_EQ(directory("q=agent"), Emails{"agent03@interieur.gouv.fr"});
  EXPECT_EQ(directory("q=martin"), Emails{});
  EXPECT_EQ(directory("q=bob").size(), 1u);
  auto everyone = s.call("GET", "/api/v1/users?q=agent", admin.token);
  EXPECT_EQ(everyone.body.as_array().size(), 20u);
  // An agent in no workspace of Bob's does not see him either.
  Account other = s.login("agent04@interieur.gouv.fr", "Cerf-Volant-Rouge-2031");
  EXPECT_TRUE(s.call("GET", "/api/v1/users?q=bob", other.token).body.as_array().empty());
  ASSERT_EQ(s.call("PATCH", "/api/v1/admin/settings", admin.token,
                   body(json::object({{"directory", "instance"}})))
                .status,
            200);
  EXPECT_EQ(directory("q=agent").size(), 20u);
}

TEST(Platform, BrandingSettingsAreValidatedAndPublic) {
  TestServer s;
  Account admin = s.user("Root", InstanceRole::admin);
  auto bad = s.call("PATCH", "/api/v1/admin/settings", admin.token, body(json::object({{"primary_color", "red"}})));
  EXPECT_EQ(bad.status, 400);
  bad = s.call("PATCH", "/api/v1/admin/settings", admin.token,
               body(json::object({{"logo", "javascript:alert(1)"}})));
  EXPECT_EQ(bad.status, 400);
  auto ok = s.call("PATCH", "/api/v1/admin/settings", admin.token,
                   body(json::object({{"instance_name", "Ruche de l'État"}, {"primary_color", "#000091"},
                             {"home_markdown", "# Bienvenue\n\n[aide](https://aide.example)"}})));
  ASSERT_EQ(ok.status, 200) << ok.raw.body;
  auto pub = s.call("GET", "/api/v1/settings/public");
  EXPECT_EQ(pub.body.at("instance_name").as_string(), "Ruche de l'État");
  EXPECT_EQ(pub.body.at("primary_color").as_string(), "#000091");
  EXPECT_FALSE(pub.body.as_object().contains("mfa_required_for_admins"));
}

TEST(Platform, MandatorySecondFactorForAdmins) {
  TestServer s;
  Account admin = s.user("Root", InstanceRole::admin);
  ASSERT_EQ(s.call("PATCH", "/api/v1/admin/settings", admin.token,
                   body(json::object({{"mfa_required_for_admins", true}}))).status, 200);
  auto r = s.call("GET", "/api/v1/admin/users", admin.token);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "mfa_enrollment_required");
  EXPECT_TRUE(s.call("GET", "/api/v1/me", admin.token).body.at("mfa_required").as_bool());
  auto begin = s.call("POST", "/api/v1/me/totp/begin", admin.token);
  std::string secret = *crypto::base32_decode(begin.body.at("secret").as_string());
  ASSERT_EQ(s.call("POST", "/api/v1/me/totp/confirm", admin.token,
                   body(json::object({{"code", crypto::totp_code(secret, s.clock().now_ms() / 1000)}}))).status, 200);
  EXPECT_EQ(s.call("GET", "/api/v1/admin/users", admin.token).status, 200);
}

TEST(Platform, BadInputChangesNothing) {
  TestServer s;
  Account a = s.user("Alice");
  for (const std::string& b : {std::string("{"), std::string("[]"), std::string("{\"name\":42}"),
                               std::string("{\"name\":\"\"}"), std::string("{\"name\":\"a\\u0000b\"}"),
                               std::string("{\"name\":\"ok\",\"modules\":\"chat\"}"),
                               std::string(200, '[') + std::string(200, ']'),
                               std::string("{\"name\":\"") + std::string(300, 'x') + "\"}"}) {
    auto r = s.call("POST", "/api/v1/workspaces", a.token, b);
    EXPECT_EQ(r.status, 400) << b.substr(0, 60) << " -> " << r.raw.body;
    EXPECT_FALSE(r.error_code().empty());
  }
  auto big = s.call("POST", "/api/v1/workspaces", a.token, "{\"name\":\"" + std::string(2 << 20, 'x') + "\"}");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(count_workspaces(s, a), 0u);
}

TEST(Platform, OneUsersFloodOfWritesIsLimitedAlone) {
  TestServer s([](app::Config& c) {
    c.writes_per_second = 1;
    c.write_burst = 3;
  });
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W");  // one write
  int limited = 0;
  for (int i = 0; i < 4; ++i) {
    auto r = s.call("PATCH", "/api/v1/workspaces/" + ws, a.token,
                    body(json::object{{"name", "N" + std::to_string(i)}}));
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(r.error_code(), "rate_limited");
      EXPECT_EQ(r.raw.header("Retry-After").value_or(""), "1")
          << "a client learns how long to wait";
    }
  }
  EXPECT_EQ(limited, 2);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, a.token).status, 200);  // reads stay free
  EXPECT_EQ(s.call("POST", "/api/v1/workspaces", b.token, body(json::object{{"name", "B"}})).status, 201);
  s.clock().advance_ms(1000);
  EXPECT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws, a.token,
                   body(json::object{{"name", "Later"}})).status, 200);
}

TEST(Platform, AuditLogRecordsAndVerifies) {
  TestServer s;
  Account a = s.user("Alice");
  s.call("POST", "/api/v1/auth/login", {}, body(json::object({{"email", a.email}, {"password", "wrong-password-xyz"}})));
  std::string ws = s.workspace(a, "Audited");
  auto& p = s.platform();
  auto v = p.audit.verify(p.db);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->first_broken_seq.has_value()) << v->problem;
  EXPECT_GE(v->entries, 3);
  auto actions = p.db.read([](db::Conn& c) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    RUCHE_CHECK(c.each("SELECT action || ':' || outcome FROM audit_log ORDER BY seq", {},
                       [&](const db::Row& r) {
                         out.push_back(r.text(0));
                         return true;
                       }));
    return out;
  });
  ASSERT_TRUE(actions);
  auto has = [&](const std::string& s) {
    return std::find(actions->begin(), actions->end(), s) != actions->end();
  };
  EXPECT_TRUE(has("auth.login:success"));
  EXPECT_TRUE(has("auth.login:failure"));
  EXPECT_TRUE(has("workspace.created:success"));
  // The log refuses edits; one forced past the guard is detected.
  auto edit = p.db.write([](db::Conn& c) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] auto n, c.exec("UPDATE audit_log SET outcome = 'success' WHERE seq = 2"));
    return {};
  });
  EXPECT_FALSE(edit);
  auto forced = p.db.write([](db::Conn& c) -> Result<void> {
    if (c.backend() == db::Backend::sqlite) {
      RUCHE_CHECK(c.exec_script("DROP TRIGGER audit_log_no_update"));
    } else {
      RUCHE_CHECK(c.exec_script("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"));
    }
    RUCHE_TRY([[maybe_unused]] auto n, c.exec("UPDATE audit_log SET object = 'tampered' WHERE seq = 2"));
    return {};
  });
  ASSERT_TRUE(forced) << forced.error().message;
  v = p.audit.verify(p.db);
  ASSERT_TRUE(v);
  ASSERT_TRUE(v->first_broken_seq.has_value());
  EXPECT_EQ(*v->first_broken_seq, 2);
  (void)ws;
}

TEST(Platform, FirstRunSetupCreatesTheFirstAdminOnce) {
  TestServer s;
  EXPECT_TRUE(s.call("GET", "/api/v1/setup").body.at("needed").as_bool());
  auto link = s.instance().setup_link();
  ASSERT_TRUE(link.has_value());
  std::string token = link->substr(link->find("token=") + 6);
  auto wrong = s.call("POST", "/api/v1/setup", {},
                      body(json::object({{"token", "nope"}, {"email", "root@example.org"}, {"name", "Root"},
                                {"password", "Ecureuil-Agile-4455"}})));
  EXPECT_EQ(wrong.status, 404);
  auto ok = s.call("POST", "/api/v1/setup", {},
                   body(json::object({{"token", token}, {"email", "root@example.org"}, {"name", "Root"},
                             {"password", "Ecureuil-Agile-4455"}})));
  ASSERT_EQ(ok.status, 201) << ok.raw.body;
  EXPECT_EQ(ok.body.at("user").at("role").as_string(), "admin");
  EXPECT_FALSE(s.call("GET", "/api/v1/setup").body.at("needed").as_bool());
  auto again = s.call("POST", "/api/v1/setup", {},
                      body(json::object({{"token", token}, {"email", "x@example.org"}, {"name", "X"},
                                {"password", "Ecureuil-Agile-4455"}})));
  EXPECT_NE(again.status, 201);
}

}  // namespace
}  // namespace ruche::testing
