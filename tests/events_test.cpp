// Live events over WebSocket: delivery, resume with no gap, visibility,
// immediate effect of removal and revocation, Origin check.
#include <gtest/gtest.h>

#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

void rename(TestServer& s, const Account& a, const std::string& ws, std::string_view name) {
  auto r = s.call("PATCH", "/api/v1/workspaces/" + ws, a.token, body(json::object({{"name", name}})));
  if (r.status != 200) throw std::runtime_error("rename: " + r.raw.body);
}

TEST(Events, AnonymousAndForeignOriginsAreRefused) {
  TestServer s;
  Account a = s.user("Alice");
  EXPECT_FALSE(http::WsClient::connect("127.0.0.1", s.port(), "/api/v1/events"));
  EXPECT_EQ(http::WsClient::last_refusal_status(), 401);
  EXPECT_FALSE(http::WsClient::connect("127.0.0.1", s.port(), "/api/v1/events",
                                       {{"Cookie", a.cookie}, {"Origin", "https://evil.example"}}));
  EXPECT_EQ(http::WsClient::last_refusal_status(), 403);
  auto ok = http::WsClient::connect("127.0.0.1", s.port(), "/api/v1/events?token=" + a.token);
  EXPECT_TRUE(ok);
  // A token in the URL does not let another site's page in either (CSRF-1),
  // by its Origin or by Sec-Fetch-Site; this server's own page comes in.
  const std::string path = "/api/v1/events?token=" + a.token;
  EXPECT_FALSE(
      http::WsClient::connect("127.0.0.1", s.port(), path, {{"Origin", "https://evil.example"}}));
  EXPECT_EQ(http::WsClient::last_refusal_status(), 403);
  EXPECT_FALSE(
      http::WsClient::connect("127.0.0.1", s.port(), path, {{"Sec-Fetch-Site", "cross-site"}}));
  EXPECT_EQ(http::WsClient::last_refusal_status(), 403);
  EXPECT_TRUE(http::WsClient::connect("127.0.0.1", s.port(), path,
                                      {{"Origin", "http://127.0.0.1:" + std::to_string(s.port())},
                                       {"Sec-Fetch-Site", "same-origin"}}));
}

TEST(Events, HelloThenLiveEventsInOrder) {
  TestServer s;
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Live");
  auto c = connect_events(s, a);
  json::value hello = until(*c, "hello");
  ASSERT_FALSE(hello.is_null());
  auto heads = hello.at("data").at("workspaces").as_array();
  ASSERT_EQ(heads.size(), 1u);
  std::int64_t head = heads[0].at("seq").as_int64();
  for (int i = 0; i < 5; ++i) rename(s, a, ws, "Live " + std::to_string(i));
  for (int i = 0; i < 5; ++i) {
    json::value e = until(*c, "workspace.updated");
    ASSERT_FALSE(e.is_null()) << i;
    EXPECT_EQ(e.at("workspace_id").as_string(), ws);
    EXPECT_EQ(e.at("seq").as_int64(), head + 1 + i);
    EXPECT_EQ(e.at("data").at("name").as_string(), "Live " + std::to_string(i));
  }
}

TEST(Events, ResumeDeliversEveryMissedEventThenTheLiveStream) {
  TestServer s;
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "Resume");
  std::int64_t last;
  {
    auto c = connect_events(s, a);
    json::value hello = until(*c, "hello");
    last = hello.at("data").at("workspaces").as_array()[0].at("seq").as_int64();
    c->close();
  }
  for (int i = 0; i < 30; ++i) rename(s, a, ws, "Missed " + std::to_string(i));
  auto c = connect_events(s, a);
  ASSERT_FALSE(until(*c, "hello").is_null());
  ASSERT_TRUE(c->send(json::serialize(json::object({{"type", "resume"}, {"workspace_id", ws}, {"since", last}}))));
  std::int64_t expect = last + 1;
  for (int i = 0; i < 30; ++i) {
    json::value e = until(*c, "workspace.updated");
    ASSERT_FALSE(e.is_null()) << i;
    EXPECT_EQ(e.at("seq").as_int64(), expect++);
    EXPECT_EQ(e.at("data").at("name").as_string(), "Missed " + std::to_string(i));
  }
  rename(s, a, ws, "Live again");
  json::value e = until(*c, "workspace.updated");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(e.at("seq").as_int64(), expect);
  // Nothing twice.
  EXPECT_TRUE(next_frame(*c, 300).is_null());
}

TEST(Events, ResumeOfAForeignWorkspaceIsAnError) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Private");
  auto c = connect_events(s, b);
  ASSERT_FALSE(until(*c, "hello").is_null());
  ASSERT_TRUE(c->send(json::serialize(json::object({{"type", "resume"}, {"workspace_id", ws}, {"since", 0}}))));
  json::value e = until(*c, "error");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(e.at("data").at("code").as_string(), "not_found");
  ASSERT_TRUE(c->send("not json"));
  e = until(*c, "error");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(e.at("data").at("code").as_string(), "invalid_json");
}

TEST(Events, RemovalStopsAWorkspacesEventsAtOnce) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Team");
  s.join(a, ws, b);
  auto c = connect_events(s, b);
  ASSERT_FALSE(until(*c, "hello").is_null());
  rename(s, a, ws, "Seen by Bob");
  ASSERT_FALSE(until(*c, "workspace.updated").is_null());
  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token).status, 204);
  json::value removed = until(*c, "member.removed");
  ASSERT_FALSE(removed.is_null());
  EXPECT_EQ(removed.at("data").at("user_id").as_string(), b.id.str());
  rename(s, a, ws, "Secret after removal");
  for (json::value f = next_frame(*c, 500); !f.is_null(); f = next_frame(*c, 500))
    EXPECT_NE(f.at("type").as_string(), "workspace.updated") << json::serialize(f);
  // And resume cannot bring them back.
  ASSERT_TRUE(c->send(json::serialize(json::object({{"type", "resume"}, {"workspace_id", ws}, {"since", 0}}))));
  json::value err = until(*c, "error");
  ASSERT_FALSE(err.is_null());
}

TEST(Events, NewMembershipsAreFollowedLive) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Later");
  auto c = connect_events(s, b);
  ASSERT_FALSE(until(*c, "hello").is_null());
  s.join(a, ws, b);
  json::value added = until(*c, "member.added");
  ASSERT_FALSE(added.is_null());
  rename(s, a, ws, "Now Bob sees");
  json::value e = until(*c, "workspace.updated");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(e.at("data").at("name").as_string(), "Now Bob sees");
}

TEST(Events, WorkspacesCreatedElsewhereAreFollowedLive) {
  TestServer s;
  Account a = s.user("Alice");
  auto c = connect_events(s, a);
  ASSERT_FALSE(until(*c, "hello").is_null());
  std::string ws = s.workspace(a, "From another tab");
  json::value created = until(*c, "workspace.created");
  ASSERT_FALSE(created.is_null());
  EXPECT_EQ(created.at("workspace_id").as_string(), ws);
  EXPECT_FALSE(created.at("data").as_object().contains("role"));
  EXPECT_TRUE(created.as_object().contains("at"));
  rename(s, a, ws, "Renamed");
  json::value e = until(*c, "workspace.updated");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(e.at("data").at("name").as_string(), "Renamed");
}

TEST(Events, PresenceFollowsConnectionsAndAway) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol"), out = s.user("Out");
  std::string ws = s.workspace(a, "Présence");
  s.join(a, ws, b);
  s.join(a, ws, c);
  auto ca = connect_events(s, a), cc = connect_events(s, c);
  ASSERT_FALSE(until(*ca, "hello").is_null());
  ASSERT_FALSE(until(*cc, "hello").is_null());
  auto presence = [&] { return s.call("GET", "/api/v1/workspaces/" + ws + "/presence", a.token).body; };
  auto subscribe = [&](http::WsClient& ws_client, const std::string& w, const std::vector<std::string>& ids) {
    json::array list;
    for (const auto& id : ids) list.emplace_back(id);
    return ws_client.send(json::serialize(
        json::object{{"type", "presence.subscribe"}, {"workspace_id", w}, {"user_ids", std::move(list)}}));
  };
  // Alice follows Bob and the outsider (who shares no workspace with her);
  // Carol follows no one.
  ASSERT_TRUE(subscribe(*ca, ws, {b.id.str(), out.id.str()}));
  json::value state = until(*ca, "presence.state");
  ASSERT_FALSE(state.is_null());
  EXPECT_TRUE(state.at("data").at("users").as_object().empty());  // nobody online yet
  EXPECT_EQ(presence().as_object().count(b.id.str()), 0u);

  auto cb = connect_events(s, b);
  ASSERT_FALSE(until(*cb, "hello").is_null());
  json::value online = until(*ca, "presence.changed");
  ASSERT_FALSE(online.is_null());
  EXPECT_EQ(online.at("data").at("user_id").as_string(), b.id.str());
  EXPECT_EQ(online.at("data").at("status").as_string(), "online");
  EXPECT_EQ(online.at("seq").as_int64(), 0);  // ephemeral
  EXPECT_EQ(presence().at(b.id.str()).as_string(), "online");
  // The outsider's connection says nothing to Alice: not a member of her workspace.
  auto co = connect_events(s, out);
  ASSERT_FALSE(until(*co, "hello").is_null());
  // A second connection of Bob's changes nothing; "away" does.
  auto cb2 = connect_events(s, b);
  ASSERT_FALSE(until(*cb2, "hello").is_null());
  ASSERT_TRUE(cb->send(R"({"type":"presence","status":"away"})"));
  ASSERT_TRUE(cb2->send(R"({"type":"presence","status":"away"})"));
  json::value away = until(*ca, "presence.changed");
  ASSERT_FALSE(away.is_null());
  EXPECT_EQ(away.at("data").at("user_id").as_string(), b.id.str());
  EXPECT_EQ(away.at("data").at("status").as_string(), "away");
  // A new subscription starts with the current state.
  ASSERT_TRUE(subscribe(*ca, ws, {b.id.str()}));
  state = until(*ca, "presence.state");
  ASSERT_FALSE(state.is_null());
  EXPECT_EQ(state.at("data").at("users").at(b.id.str()).as_string(), "away");
  cb->close();
  cb2->close();
  json::value offline = until(*ca, "presence.changed");
  ASSERT_FALSE(offline.is_null());
  EXPECT_EQ(offline.at("data").at("status").as_string(), "offline");
  EXPECT_EQ(presence().as_object().count(b.id.str()), 0u);
  // Carol, who followed no one, got none of it.
  EXPECT_TRUE(until(*cc, "presence.changed", 300).is_null());
  // A workspace one does not follow, and bad lists, are errors.
  ASSERT_TRUE(subscribe(*co, ws, {a.id.str()}));
  EXPECT_FALSE(until(*co, "error").is_null());
  ASSERT_TRUE(ca->send(R"({"type":"presence.subscribe","workspace_id":")" + ws + R"(","user_ids":"x"})"));
  json::value bad = until(*ca, "error");
  ASSERT_FALSE(bad.is_null());
  EXPECT_EQ(bad.at("data").at("code").as_string(), "invalid_field");
}

TEST(Events, BrandingChangesReachEveryClient) {
  TestServer s;
  Account admin = s.user("Root", platform::InstanceRole::admin), b = s.user("Bob");
  auto c = connect_events(s, b);
  ASSERT_FALSE(until(*c, "hello").is_null());
  ASSERT_EQ(s.call("PATCH", "/api/v1/admin/settings", admin.token,
                   body(json::object{{"instance_name", "Ruche Ministère"}})).status, 200);
  EXPECT_FALSE(until(*c, "settings.updated").is_null());
}

TEST(Events, AudienceRestrictedEventsReachOnlyTheirAudience) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Invites");
  s.join(a, ws, b);
  auto ca = connect_events(s, a);
  auto cb = connect_events(s, b);
  ASSERT_FALSE(until(*ca, "hello").is_null());
  ASSERT_FALSE(until(*cb, "hello").is_null());
  ASSERT_EQ(s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                   body(json::object({{"email", "someone@example.net"}}))).status, 201);
  rename(s, a, ws, "After invite");
  ASSERT_FALSE(until(*ca, "invitation.created").is_null());
  // Bob (a member) gets the rename but never the invitation.
  for (json::value f = next_frame(*cb); !f.is_null(); f = next_frame(*cb)) {
    EXPECT_NE(f.at("type").as_string(), "invitation.created");
    if (f.at("type").as_string() == "workspace.updated") break;
  }
}

TEST(Events, RevokedCredentialsCloseTheConnection) {
  TestServer s;
  Account a = s.user("Alice");
  Account other = s.login(a.email, a.password);
  auto c = connect_events(s, other);
  ASSERT_FALSE(until(*c, "hello").is_null());
  auto sessions = s.call("GET", "/api/v1/me/sessions", a.token).body.as_array();
  std::string other_id;
  for (const auto& sess : sessions)
    if (!sess.at("current").as_bool()) other_id = std::string(sess.at("id").as_string());
  ASSERT_FALSE(other_id.empty());
  ASSERT_EQ(s.call("DELETE", "/api/v1/me/sessions/" + other_id, a.token).status, 204);
  bool closed = false;
  for (int i = 0; i < 20 && !closed; ++i) {
    auto m = c->receive(500);
    if (!m) closed = true;
  }
  EXPECT_TRUE(closed);
  EXPECT_EQ(c->close_code(), 4001);
}

TEST(Events, HttpCatchUpHonoursVisibility) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Poll");
  s.join(a, ws, b);
  ASSERT_EQ(s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                   body(json::object({{"email", "someone@example.net"}}))).status, 201);
  auto ea = s.call("GET", "/api/v1/workspaces/" + ws + "/events?since=0", a.token);
  auto eb = s.call("GET", "/api/v1/workspaces/" + ws + "/events?since=0", b.token);
  ASSERT_EQ(ea.status, 200);
  auto types = [](const json::value& v) {
    std::vector<std::string> t;
    for (const auto& e : v.as_array()) t.emplace_back(e.at("type").as_string());
    return t;
  };
  auto ta = types(ea.body), tb = types(eb.body);
  EXPECT_NE(std::find(ta.begin(), ta.end(), "invitation.created"), ta.end());
  EXPECT_EQ(std::find(tb.begin(), tb.end(), "invitation.created"), tb.end());
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws + "/events?since=0&limit=9999", a.token).status, 400);
}

}  // namespace
}  // namespace ruche::testing
