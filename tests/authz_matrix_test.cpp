// The authorization matrix (SECURITY.md AC-2): every route the Api knows is
// tried as owner, member, guest, non-member and anonymous. Routes added by
// modules are covered as soon as they are registered.
#include <gtest/gtest.h>

#include <regex>

#include "platform/api.hpp"
#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

using platform::RouteKind;

std::string fill(const std::string& pattern, const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      std::size_t close = pattern.find('}', i);
      std::string name = pattern.substr(i + 1, close - i - 1);
      if (!name.empty() && name[0] == '*') name = name.substr(1);
      auto it = values.find(name);
      out += it != values.end() ? it->second : "0000000000000000000000000z";
      i = close + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

TEST(AuthzMatrix, EveryRouteAsEveryPersona) {
  TestServer s;
  Account owner = s.user("Owner"), member = s.user("Member"), outsider = s.user("Outsider");
  std::string ws = s.workspace(owner, "Matrix", {"chat", "calls", "files", "tasks", "calendar", "reports"});
  s.join(owner, ws, member, "member");
  json::object inv_body;
  inv_body["email"] = "guest@outside.example";
  inv_body["role"] = "guest";
  auto inv = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", owner.token, body(inv_body));
  ASSERT_EQ(inv.status, 201);
  json::object acc_body;
  acc_body["name"] = "Guest";
  acc_body["password"] = "Cerf-Volant-Rouge-2031";
  auto acc = s.call("POST", "/api/v1/invitations/" + std::string(inv.body.at("token").as_string()) + "/accept",
                    {}, body(acc_body));
  ASSERT_EQ(acc.status, 200);
  std::string guest(acc.body.at("token").as_string());
  auto pending = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", owner.token,
                        body(json::object{{"email", "later@outside.example"}}));
  // Real module objects, so that object routes are tried on things that exist.
  auto channel = s.call("POST", "/api/v1/workspaces/" + ws + "/channels", owner.token,
                        body(json::object{{"name", "général"}}));
  ASSERT_EQ(channel.status, 201);
  std::string cid(channel.body.at("id").as_string());
  auto attachment = s.call("POST", "/api/v1/channels/" + cid + "/attachments?name=a.txt", owner.token,
                           std::string("attached"));
  ASSERT_EQ(attachment.status, 201) << attachment.raw.body;
  std::string aid(attachment.body.at("id").as_string());
  auto message = s.call("POST", "/api/v1/channels/" + cid + "/messages", owner.token,
                        body(json::object{{"body", "hello"}, {"attachment_ids", json::array{aid}}}));
  ASSERT_EQ(message.status, 201);
  // A real file ("x", the path the matrix uses for DAV routes), a share of
  // it and a resumable upload, for the files routes.
  auto put = s.call("PUT", "/api/v1/workspaces/" + ws + "/files/children/x", owner.token, std::string("x"));
  ASSERT_EQ(put.status, 201) << put.raw.body;
  std::string fid(put.body.at("id").as_string());
  auto share = s.call("POST", "/api/v1/files/" + fid + "/shares", owner.token, std::string("{}"));
  ASSERT_EQ(share.status, 201) << share.raw.body;
  auto upload = s.call("POST", "/api/v1/workspaces/" + ws + "/files/uploads", owner.token, std::nullopt,
                       {{"Tus-Resumable", "1.0.0"}, {"Upload-Length", "1"}, {"Upload-Metadata", "filename eQ=="}});
  ASSERT_EQ(upload.status, 201) << upload.raw.body;
  std::string location = upload.raw.header("Location").value_or("");
  auto task = s.call("POST", "/api/v1/workspaces/" + ws + "/tasks", owner.token,
                     body(json::object{{"title", "t"}}));
  ASSERT_EQ(task.status, 201) << task.raw.body;
  std::map<std::string, std::string> values = {
      {"id", ws},
      {"workspace_id", ws},
      {"user_id", member.id.str()},
      {"invitation_id", std::string(pending.body.at("id").as_string())},
      {"path", "x"},
      {"cid", cid},
      {"mid", std::string(message.body.at("id").as_string())},
      {"aid", aid},
      {"emoji", "%F0%9F%91%8D"},
      {"fid", fid},
      {"sid", std::string(share.body.at("id").as_string())},
      {"uid", location.substr(location.rfind('/') + 1)},
      {"number", "1"},
      {"name", "y.txt"},
      {"tid", std::string(task.body.at("id").as_string())},
  };

  const auto& routes = s.instance().api().routes();
  ASSERT_GT(routes.size(), 30u);
  int tried = 0;
  for (const auto& r : routes) {
    if (r.kind == RouteKind::public_route) continue;
    std::string path = fill(r.pattern, values);
    std::optional<std::string> b;
    if (r.method != "GET" && r.method != "DELETE" && r.method != "HEAD") b = "{}";
    SCOPED_TRACE(r.method + " " + r.pattern);

    auto anon = s.call(r.method, path, {}, b);
    EXPECT_EQ(anon.status, 401) << anon.raw.body;

    if (r.kind == RouteKind::workspace) {
      auto out = s.call(r.method, path, outsider.token, b);
      EXPECT_EQ(out.status, 404) << out.raw.body;
    }
    if (r.kind == RouteKind::object) {
      // The handler finds the object first, so bad input may answer 400
      // before that: what matters is that a real object and a made-up one
      // look the same to an outsider (no existence oracle), and never succeed.
      auto real = s.call(r.method, path, outsider.token, b);
      std::map<std::string, std::string> fake = values;
      fake[r.param] = "0000000000000000000000000z";
      auto made_up = s.call(r.method, fill(r.pattern, fake), outsider.token, b);
      EXPECT_EQ(real.status, made_up.status) << real.raw.body;
      EXPECT_EQ(real.raw.body, made_up.raw.body);
      EXPECT_GE(real.status, 400);
    }
    if (r.kind == RouteKind::admin) {
      for (const std::string& t : {member.token, guest, outsider.token}) {
        auto res = s.call(r.method, path, t, b);
        EXPECT_EQ(res.status, 404) << res.raw.body;
      }
    }
    // Members and guests never break the server, and never act as managers.
    bool destructive = r.method == "DELETE" || r.pattern.find("archive") != std::string::npos;
    for (const std::string& t : {member.token, guest}) {
      if (destructive && r.kind == RouteKind::workspace && r.module.empty()) {
        auto res = s.call(r.method, path, t, b);
        EXPECT_TRUE(res.status == 403 || res.status == 404 || res.status == 204) << res.raw.body;
        if (r.pattern == "/api/v1/workspaces/{id}") {
          EXPECT_EQ(res.status, 403);
        }
        continue;
      }
      if (r.pattern == "/api/v1/auth/logout" || r.pattern == "/api/v1/events") continue;
      auto res = s.call(r.method, path, t, b);
      EXPECT_LT(res.status, 500) << res.raw.body;
      EXPECT_NE(res.status, 401) << res.raw.body;
    }
    if (r.method == "GET" && r.pattern != "/api/v1/events") {
      auto res = s.call(r.method, path, owner.token, b);
      EXPECT_LT(res.status, 500) << res.raw.body;
      EXPECT_NE(res.status, 401);
      if (r.kind == RouteKind::workspace) {
        EXPECT_NE(res.status, 404) << res.raw.body;
      }
    }
    ++tried;
  }
  EXPECT_GT(tried, 25);
  // The workspace survived its members' attempts.
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws, owner.token).status, 200);
}

// SECURITY.md LOG-1: every refusal answered is audited — a workspace's
// route, and an object's (a task, a channel, a file: the module finds the
// object, then its workspace, then refuses), whichever module refused; an
// object that does not exist is not a refusal.
TEST(AuthzMatrix, RefusalsAreAuditedWhereverTheyAreDecided) {
  TestServer s;
  Account owner = s.user("Owner"), reader = s.user("Reader"), outsider = s.user("Outsider");
  std::string ws = s.workspace(owner, "Audit", {"chat", "files", "tasks", "calendar"});
  s.join(owner, ws, reader, "member");
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + reader.id.str(), owner.token,
                   body(json::object{{"rights", json::object{{"tasks", "read"}}}}))
                .status,
            200);
  auto task = s.call("POST", "/api/v1/workspaces/" + ws + "/tasks", owner.token,
                     body(json::object{{"title", "t"}}));
  ASSERT_EQ(task.status, 201) << task.raw.body;
  const std::string tid(task.body.at("id").as_string());
  const std::string cid = make_channel(s, owner, ws, "général");
  auto file = s.call("PUT", "/api/v1/workspaces/" + ws + "/files/children/x", owner.token,
                     std::string("x"));
  ASSERT_EQ(file.status, 201) << file.raw.body;
  const std::string fid(file.body.at("id").as_string());
  auto share = s.call("POST", "/api/v1/files/" + fid + "/shares", owner.token, std::string("{}"));
  ASSERT_EQ(share.status, 201) << share.raw.body;
  const std::string sid(share.body.at("id").as_string());
  auto event = s.call(
      "POST", "/api/v1/workspaces/" + ws + "/calendar/events", owner.token,
      body(json::object{
          {"title", "e"}, {"start", "2027-03-03T09:00:00Z"}, {"end", "2027-03-03T10:00:00Z"}}));
  ASSERT_EQ(event.status, 201) << event.raw.body;
  const std::string eid(event.body.at("id").as_string());

  // The last refusal audited: who, where, what, why.
  auto last = [&]() {
    auto row = s.platform().db.read([&](db::Conn& c) {
      return c.query_one(
          "SELECT actor_id, workspace_id, object, details, outcome FROM audit_log WHERE action = "
          "'authz.denied' ORDER BY seq DESC LIMIT 1");
    });
    EXPECT_TRUE(row && *row);
    std::vector<std::string> out;
    for (int i = 0; i < 5; ++i) out.push_back(row && *row ? (*row)->text(i) : "");
    return out;
  };
  struct Try {
    const Account* who;
    std::string method, path, route, reason;
    int status;
  };
  const std::string none = "0000000000000000000000000z";
  for (const Try& t : std::vector<Try>{
           {&outsider, "GET", "/api/v1/workspaces/" + ws + "/tasks",
            "/api/v1/workspaces/{id}/tasks", "not_found", 404},
           {&outsider, "GET", "/api/v1/tasks/" + tid, "/api/v1/tasks/{tid}", "not_found", 404},
           {&outsider, "GET", "/api/v1/channels/" + cid + "/messages",
            "/api/v1/channels/{cid}/messages", "not_found", 404},
           {&outsider, "GET", "/api/v1/files/" + fid, "/api/v1/files/{fid}", "not_found", 404},
           {&outsider, "DELETE", "/api/v1/shares/" + sid, "/api/v1/shares/{sid}", "not_found", 404},
           {&outsider, "GET", "/api/v1/calendar/events/" + eid, "/api/v1/calendar/events/{eid}",
            "not_found", 404},
           {&reader, "PATCH", "/api/v1/tasks/" + tid, "/api/v1/tasks/{tid}", "read_only", 403},
       }) {
    SCOPED_TRACE(t.method + " " + t.path);
    const std::int64_t before = s.audit_count("authz.denied");
    auto r = s.call(
        t.method, t.path, t.who->token,
        t.method != "PATCH" ? std::nullopt : std::optional(body(json::object{{"title", "u"}})));
    EXPECT_EQ(r.status, t.status) << r.raw.body;
    EXPECT_EQ(s.audit_count("authz.denied"), before + 1);
    EXPECT_EQ(last(), (std::vector<std::string>{t.who->id.str(), ws, t.method + " " + t.route,
                                                "{\"reason\":\"" + t.reason + "\"}", "denied"}));
  }
  // Nothing there: 404 as well, but no refusal.
  const std::int64_t before = s.audit_count("authz.denied");
  EXPECT_EQ(s.call("GET", "/api/v1/tasks/" + none, outsider.token).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/files/" + none, owner.token).status, 404);
  EXPECT_EQ(s.audit_count("authz.denied"), before);
  // Allowed: nothing audited.
  EXPECT_EQ(s.call("GET", "/api/v1/tasks/" + tid, reader.token).status, 200);
  EXPECT_EQ(s.audit_count("authz.denied"), before);
}

TEST(AuthzMatrix, InactiveModulesAnswerNotFound) {
  TestServer s;
  Account owner = s.user("Owner");
  std::string ws = s.workspace(owner, "Bare", {});
  auto& p = s.platform();
  platform::Caller c;
  c.user_id = owner.id;
  for (const auto& m : p.registry.modules()) {
    auto r = p.authz.require(c, WorkspaceId(ws), m.name, platform::Access::read);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::not_found) << m.name;
  }
  EXPECT_TRUE(p.authz.require(c, WorkspaceId(ws), "", platform::Access::write));
}

}  // namespace
}  // namespace ruche::testing
