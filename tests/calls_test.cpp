// The calls module through the real server (docs/calls.md): calls started,
// joined, left; participants who stop saying they are there; signalling
// relayed to its one recipient over the live events; rights; TURN
// credentials. Run on SQLite (label integration) and PostgreSQL (label pg).
// The browsers' side (WebRTC between two Chromium): tests/e2e/calls.test.mjs.
#include <gtest/gtest.h>

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "modules/calls/calls.hpp"
#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

struct Room {
  TestServer& s;
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Chloé");
  std::string ws = s.workspace(a, "Équipe", {"calls", "chat"});
  Room(TestServer& server) : s(server) {
    s.join(a, ws, b);
    s.join(a, ws, c);
  }
  std::string start(const std::string& title = "Point") {
    auto r = s.call("POST", "/api/v1/workspaces/" + ws + "/calls", a.token,
                    body(json::object{{"title", title}}));
    if (r.status != 201) throw std::runtime_error("start: " + r.raw.body);
    return str(r.body, "id");
  }
  Reply join(const Account& who, const std::string& call) {
    return s.call("POST", "/api/v1/calls/" + call + "/participants", who.token, std::string());
  }
  std::string joined(const Account& who, const std::string& call) {
    auto r = join(who, call);
    if (r.status != 201) throw std::runtime_error("join: " + r.raw.body);
    return str(r.body.at("participant"), "id");
  }
  Reply signal(const Account& who, const std::string& call, const std::string& from,
               const std::string& to, const std::string& kind, json::value data) {
    return s.call(
        "POST", "/api/v1/calls/" + call + "/signals", who.token,
        body(json::object{{"from", from}, {"to", to}, {"kind", kind}, {"data", std::move(data)}}));
  }
  std::size_t participants(const std::string& call) {
    auto r = s.call("GET", "/api/v1/calls/" + call, a.token);
    if (r.status != 200) throw std::runtime_error("get: " + r.raw.body);
    return r.body.at("participants").as_array().size();
  }
};

TEST(Calls, StartedJoinedSignalledAndLeft) {
  TestServer s;
  Room r(s);
  auto wb = connect_events(s, r.b), wc = connect_events(s, r.c);
  for (auto* w : {wb.get(), wc.get()}) ASSERT_FALSE(until(*w, "hello").is_null());

  std::string call = r.start("Point du lundi");
  json::value started = until(*wc, "call.started");
  ASSERT_FALSE(started.is_null()) << "every member sees a call start";
  EXPECT_EQ(str(started.at("data"), "title"), "Point du lundi");
  auto list = s.call("GET", "/api/v1/workspaces/" + r.ws + "/calls", r.c.token);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body.as_array().size(), 1u);
  EXPECT_EQ(list.body.as_array()[0].at("participants").as_array().size(), 0u);

  auto ja = r.join(r.a, call);
  ASSERT_EQ(ja.status, 201) << ja.raw.body;
  EXPECT_TRUE(ja.body.at("ice_servers").as_array().empty())
      << "no STUN or TURN unless configured: no third party";
  EXPECT_EQ(ja.body.at("heartbeat_seconds").as_int64(), 10);
  std::string pa = str(ja.body.at("participant"), "id");
  std::string pb = r.joined(r.b, call);
  json::value joined = until(*wc, "call.participant_joined");
  ASSERT_FALSE(joined.is_null());
  EXPECT_EQ(r.participants(call), 2u);

  // An offer goes to Bob's connections, and to nobody else's.
  auto sent =
      r.signal(r.a, call, pa, pb, "offer", json::object{{"type", "offer"}, {"sdp", "v=0\r\n"}});
  ASSERT_EQ(sent.status, 202) << sent.raw.body;
  json::value got = until(*wb, "call.signal");
  ASSERT_FALSE(got.is_null());
  EXPECT_EQ(got.at("seq").as_int64(), 0) << "ephemeral: never stored, never replayed";
  EXPECT_EQ(str(got.at("data"), "from"), pa);
  EXPECT_EQ(str(got.at("data"), "to"), pb);
  EXPECT_EQ(str(got.at("data"), "kind"), "offer");
  EXPECT_EQ(str(got.at("data").at("data"), "sdp"), "v=0\r\n");
  EXPECT_TRUE(until(*wc, "call.signal", 400).is_null()) << "Chloé is not the recipient";
  auto events =
      s.call("GET", "/api/v1/workspaces/" + r.ws + "/events?since=0&limit=500", r.b.token);
  EXPECT_EQ(events.raw.body.find("call.signal"), std::string::npos);

  // Bad signals change nothing and reach nobody.
  EXPECT_EQ(r.signal(r.a, call, pa, pb, "shout", nullptr).status, 400);
  EXPECT_EQ(r.signal(r.a, call, pa, pa, "offer", nullptr).status, 400);
  EXPECT_EQ(r.signal(r.a, call, pb, pa, "answer", nullptr).status, 404)
      << "Bob's participant is not Alice's";
  EXPECT_EQ(r.signal(r.a, call, pa, "01hzzzzzzzzzzzzzzzzzzzzzzz", "offer", nullptr).status, 404);
  EXPECT_EQ(
      r.signal(r.a, call, pa, pb, "offer", json::object{{"sdp", std::string(70'000, 'x')}}).status,
      413);
  EXPECT_EQ(r.signal(r.c, call, pa, pb, "offer", nullptr).status, 404)
      << "Chloé is not in the call";
  EXPECT_EQ(
      s.call("POST", "/api/v1/calls/" + call + "/signals", r.a.token, std::string("{")).status,
      400);
  EXPECT_TRUE(until(*wb, "call.signal", 400).is_null());

  // Bob's tab goes away without a word: after 30 s he has left.
  s.clock().advance_ms(20'000);
  ASSERT_EQ(s.call("POST", "/api/v1/calls/" + call + "/participants/" + pa + "/heartbeat",
                   r.a.token, std::string())
                .status,
            204);
  EXPECT_EQ(s.call("POST", "/api/v1/calls/" + call + "/participants/" + pa + "/heartbeat",
                   r.b.token, std::string())
                .status,
            404)
      << "one's own participant only";
  s.clock().advance_ms(15'000);
  auto after = s.call("GET", "/api/v1/workspaces/" + r.ws + "/calls", r.c.token);
  ASSERT_EQ(after.status, 200);
  ASSERT_EQ(after.body.as_array().size(), 1u);
  ASSERT_EQ(after.body.as_array()[0].at("participants").as_array().size(), 1u);
  json::value gone = until(*wc, "call.participant_left");
  ASSERT_FALSE(gone.is_null()) << "the others learn he left";
  EXPECT_EQ(str(gone.at("data"), "participant_id"), pb);
  EXPECT_EQ(s.call("POST", "/api/v1/calls/" + call + "/participants/" + pb + "/heartbeat",
                   r.b.token, std::string())
                .status,
            404)
      << "he joins again";
  EXPECT_EQ(r.signal(r.a, call, pa, pb, "offer", nullptr).status, 404);

  // The last one out ends the call.
  ASSERT_EQ(s.call("DELETE", "/api/v1/calls/" + call + "/participants/" + pa, r.a.token).status,
            204);
  ASSERT_FALSE(until(*wc, "call.ended").is_null());
  EXPECT_TRUE(
      s.call("GET", "/api/v1/workspaces/" + r.ws + "/calls", r.a.token).body.as_array().empty());
  auto late = r.join(r.b, call);
  EXPECT_EQ(late.status, 410);
  EXPECT_EQ(late.error_code(), "call_ended");
}

TEST(Calls, RightsAndLimits) {
  TestServer s([](app::Config& c) {
    c.module_settings["calls"] = json::object{{"max_participants", 2}};
  });
  Room r(s);
  Account out = s.user("Outsider");
  std::string call = r.start();
  // Outsiders see nothing; a reader joins but does not start calls.
  EXPECT_EQ(s.call("GET", "/api/v1/calls/" + call, out.token).status, 404);
  EXPECT_EQ(r.join(out, call).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + r.ws + "/calls", out.token).status, 404);
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + r.ws + "/members/" + r.c.id.str(), r.a.token,
                   body(json::object{{"rights", json::object{{"calls", "read"}}}}))
                .status,
            200);
  auto refused =
      s.call("POST", "/api/v1/workspaces/" + r.ws + "/calls", r.c.token, body(json::object{}));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.error_code(), "read_only");
  std::string pc = r.joined(r.c, call);
  std::string pb = r.joined(r.b, call);
  auto full = r.join(r.a, call);
  EXPECT_EQ(full.status, 409);
  EXPECT_EQ(full.error_code(), "call_full");
  // Closed to Bob: his call is out of reach; removed from the workspace:
  // he leaves the call at once.
  ASSERT_EQ(
      s.call("DELETE", "/api/v1/workspaces/" + r.ws + "/members/" + r.b.id.str(), r.a.token).status,
      204);
  EXPECT_EQ(r.participants(call), 1u);
  EXPECT_EQ(r.signal(r.b, call, pb, pc, "offer", nullptr).status, 404);
  // Bad titles.
  EXPECT_EQ(s.call("POST", "/api/v1/workspaces/" + r.ws + "/calls", r.a.token,
                   body(json::object{{"title", std::string(201, 'x')}}))
                .status,
            400);
  EXPECT_EQ(s.call("POST", "/api/v1/workspaces/" + r.ws + "/calls", r.a.token,
                   body(json::object{{"title", "a\nb"}}))
                .status,
            400);
  // A call nobody joins ends by itself.
  std::string empty = r.start("Personne");
  s.clock().advance_ms(31'000);
  auto list = s.call("GET", "/api/v1/workspaces/" + r.ws + "/calls", r.a.token);
  for (const auto& c : list.body.as_array()) EXPECT_NE(str(c, "id"), empty);
}

TEST(Calls, TurnCredentialsFollowCoturnsRestApi) {
  const std::string secret = "un-secret-partagé-avec-coturn";
  TestServer s([&](app::Config& c) {
    c.module_settings["calls"] = json::object{
        {"stun_urls", json::array{"stun:turn.example.org:3478"}},
        {"turn_urls",
         json::array{"turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"}},
        {"turn_secret", secret},
        {"turn_ttl_s", 3600}};
  });
  Room r(s);
  std::string call = r.start();
  auto j = r.join(r.b, call);
  ASSERT_EQ(j.status, 201) << j.raw.body;
  const auto& servers = j.body.at("ice_servers").as_array();
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0].at("urls").as_array()[0].as_string(), "stun:turn.example.org:3478");
  const auto& turn = servers[1];
  EXPECT_EQ(turn.at("urls").as_array().size(), 2u);
  std::string username = str(turn, "username");
  EXPECT_EQ(username, std::to_string(s.clock().now_ms() / 1000 + 3600) + ":" + r.b.id.str());
  EXPECT_EQ(str(turn, "credential"), crypto::base64_encode(crypto::hmac_sha1(secret, username)));
  EXPECT_EQ(j.raw.body.find(secret), std::string::npos) << "the secret itself never leaves";
}

TEST(Calls, SettingsAreChecked) {
  auto with = [](json::object o) {
    return calls::settings_from(json::object{{"calls", std::move(o)}});
  };
  EXPECT_TRUE(with({}));
  EXPECT_FALSE(with({{"turn_urls", json::array{"turn:x:3478"}}})) << "TURN needs its secret";
  EXPECT_FALSE(with({{"turn_urls", json::array{"turn:x:3478"}}, {"turn_secret", "short"}}));
  EXPECT_FALSE(with({{"stun_urls", json::array{"http://x"}}}));
  EXPECT_FALSE(with({{"stun_urls", "stun:x"}})) << "a list";
  EXPECT_FALSE(with({{"max_participants", 1}}));
  EXPECT_FALSE(with({{"max_participants", 50}}));
  EXPECT_FALSE(with({{"turn_ttl_s", 10}}));
  EXPECT_TRUE(with({{"stun_urls", json::array{"stun:x:3478"}}, {"max_participants", 4}}));
  // With Janus: larger calls, its URL checked.
  auto sfu = with({{"janus_url", "http://127.0.0.1:8088/janus/"}});
  ASSERT_TRUE(sfu);
  EXPECT_EQ(sfu->janus_urls, std::vector<std::string>{"http://127.0.0.1:8088/janus"});
  EXPECT_EQ(sfu->max_participants, 50);
  EXPECT_EQ(sfu->p2p_max_participants, 4);
  EXPECT_TRUE(with({{"janus_url", "https://sfu.example.org/janus"}, {"max_participants", 200}}));
  EXPECT_FALSE(with({{"janus_url", "http://x/janus"}, {"max_participants", 201}}));
  EXPECT_FALSE(with({{"janus_url", "http://x/janus"}, {"p2p_max_participants", 0}}));
  EXPECT_FALSE(with({{"janus_url", "ws://127.0.0.1:8188/"}}));
  EXPECT_FALSE(with({{"janus_url", "http://user:pw@x/janus"}}));
  EXPECT_FALSE(with({{"janus_url", "http:///janus"}}));
  // Several: each call on one of them.
  auto two = with(
      {{"janus_urls", json::array{"http://10.0.0.1:8088/janus/", "http://10.0.0.2:8088/janus"}}});
  ASSERT_TRUE(two);
  EXPECT_EQ(two->janus_urls,
            (std::vector<std::string>{"http://10.0.0.1:8088/janus", "http://10.0.0.2:8088/janus"}));
  EXPECT_EQ(two->max_participants, 50);
  EXPECT_FALSE(with({{"janus_urls", json::array{"http://x/janus", "http://x/janus/"}}})) << "twice";
  EXPECT_FALSE(with({{"janus_urls", json::array{"http://x/janus", 3}}}));
  EXPECT_FALSE(with({{"janus_urls", "http://x/janus"}})) << "a list";
  EXPECT_FALSE(
      with({{"janus_url", "http://x/janus"}, {"janus_urls", json::array{"http://y/janus"}}}));
  json::array seventeen;
  for (int i = 0; i < 17; ++i)
    seventeen.push_back(json::value("http://10.0.0." + std::to_string(i) + "/janus"));
  EXPECT_FALSE(with({{"janus_urls", seventeen}}));
  EXPECT_EQ(with({{"sweep_seconds", 5}})->sweep_ms, 5000);
  EXPECT_FALSE(with({{"sweep_seconds", 0}}));
  EXPECT_FALSE(with({{"sweep_seconds", 61}}));
}

// Someone in a call rings others in; they decline or join.
TEST(Calls, RingingAndDeclining) {
  TestServer s;
  Room r(s);
  Account eve = s.user("Ève");
  auto wa = connect_events(s, r.a);
  auto wb = connect_events(s, r.b);
  auto wc = connect_events(s, r.c);
  for (auto* w : {wa.get(), wb.get(), wc.get()}) ASSERT_FALSE(until(*w, "hello").is_null());
  std::string call = r.start("Point du lundi");
  std::string pa = r.joined(r.a, call);
  const std::string ring = "/api/v1/calls/" + call + "/participants/" + pa + "/ring";
  auto to = [](std::initializer_list<std::string> ids) {
    return body(json::object{{"user_ids", json::array(ids.begin(), ids.end())}});
  };
  ASSERT_EQ(s.call("POST", ring, r.a.token, to({r.b.id.str()})).status, 202);
  json::value rung = until(*wb, "call.ringing");
  ASSERT_FALSE(rung.is_null()) << "Bob's phone rings";
  EXPECT_EQ(str(rung.at("data"), "call_id"), call);
  EXPECT_EQ(str(rung.at("data"), "title"), "Point du lundi");
  EXPECT_EQ(str(rung.at("data"), "from_user_id"), r.a.id.str());
  EXPECT_EQ(rung.at("data").at("ring_seconds").as_int64(), 30);
  EXPECT_TRUE(until(*wc, "call.ringing", 300).is_null()) << "nobody else's does";

  // Who may be rung, by whom.
  for (const std::string& bad :
       {to({eve.id.str()}), to({r.a.id.str()}), to({}), to({"x"}), std::string("{}"),
        std::string(R"({"user_ids":[42]})"), std::string(R"({"user_ids":"abc"})")}) {
    auto b = s.call("POST", ring, r.a.token, bad);
    EXPECT_EQ(b.status, 400) << bad << " " << b.raw.body;
  }
  json::array many;
  for (int i = 0; i < 51; ++i) many.push_back(json::value(r.b.id.str()));
  EXPECT_EQ(s.call("POST", ring, r.a.token, body(json::object{{"user_ids", many}})).status, 400);
  EXPECT_EQ(s.call("POST", ring, r.b.token, to({r.c.id.str()})).status, 404)
      << "someone else's participant";
  EXPECT_EQ(s.call("POST", ring, eve.token, to({r.c.id.str()})).status, 404);
  EXPECT_TRUE(until(*wc, "call.ringing", 300).is_null()) << "no refused ring rang";

  // Bob joins; ringing both again rings only Chloé.
  r.joined(r.b, call);
  ASSERT_EQ(s.call("POST", ring, r.a.token, to({r.b.id.str(), r.c.id.str()})).status, 202);
  EXPECT_FALSE(until(*wc, "call.ringing").is_null());
  EXPECT_TRUE(until(*wb, "call.ringing", 300).is_null()) << "Bob is in the call already";

  // Chloé declines: those in the call, and her own tabs, are told.
  ASSERT_EQ(s.call("POST", "/api/v1/calls/" + call + "/decline", r.c.token, std::string()).status,
            204);
  for (auto* w : {wa.get(), wb.get(), wc.get()}) {
    json::value d = until(*w, "call.declined");
    ASSERT_FALSE(d.is_null());
    EXPECT_EQ(str(d.at("data"), "user_id"), r.c.id.str());
  }
  EXPECT_EQ(s.call("POST", "/api/v1/calls/" + call + "/decline", eve.token, std::string()).status,
            404);
}

// Nobody needs to open the calls page for the others to learn that someone
// went quiet (a closed laptop): a timer looks every sweep_seconds.
TEST(Calls, QuietParticipantsLeaveOnTheTimer) {
  TestServer s([](app::Config& c) {
    c.module_settings["calls"] = json::object{{"sweep_seconds", 1}};
  });
  Room r(s);
  auto wc = connect_events(s, r.c);
  ASSERT_FALSE(until(*wc, "hello").is_null());
  std::string call = r.start();
  std::string pa = r.joined(r.a, call);
  std::string pb = r.joined(r.b, call);
  s.clock().advance_ms(20'000);
  ASSERT_EQ(s.call("POST", "/api/v1/calls/" + call + "/participants/" + pa + "/heartbeat",
                   r.a.token, std::string())
                .status,
            204);
  s.clock().advance_ms(11'000);  // Bob: 31 s without a word; Alice: 11 s
  json::value left = until(*wc, "call.participant_left", 10'000);
  ASSERT_FALSE(left.is_null()) << "the timer did not tell";
  EXPECT_EQ(str(left.at("data"), "participant_id"), pb);
  EXPECT_EQ(r.participants(call), 1u);
  s.clock().advance_ms(31'000);
  left = until(*wc, "call.participant_left", 10'000);
  ASSERT_FALSE(left.is_null());
  EXPECT_EQ(str(left.at("data"), "participant_id"), pa);
  EXPECT_FALSE(until(*wc, "call.ended", 10'000).is_null()) << "the last one gone ends the call";
}

// A call grows past peer to peer into the SFU; its routes' rules hold
// without a Janus to reach (one on a closed port): the real Janus is
// exercised by tests/calls_sfu.sh and the browsers' e2e suite.
TEST(Calls, GrowsIntoTheSfu) {
  TestServer s([](app::Config& c) {
    c.module_settings["calls"] = json::object{{"janus_url", "http://127.0.0.1:1/janus"},
                                              {"p2p_max_participants", 2}};
  });
  Room r(s);
  auto wc = connect_events(s, r.c);
  ASSERT_FALSE(until(*wc, "hello").is_null());
  std::string call = r.start();
  auto ja = r.join(r.a, call);
  ASSERT_EQ(ja.status, 201) << ja.raw.body;
  EXPECT_EQ(str(ja.body.at("call"), "mode"), "p2p");
  std::string pa = str(ja.body.at("participant"), "id");
  EXPECT_FALSE(ja.body.at("participant").at("sending").as_bool());
  const std::string sfu_a = "/api/v1/calls/" + call + "/participants/" + pa + "/sfu";
  auto p2p = s.call("POST", sfu_a + "/publish", r.a.token, body(json::object{{"sdp", "v=0"}}));
  EXPECT_EQ(p2p.status, 409) << p2p.raw.body;
  EXPECT_NE(p2p.raw.body.find("not_sfu"), std::string::npos);

  std::string pb = r.joined(r.b, call);
  EXPECT_EQ(str(s.call("GET", "/api/v1/calls/" + call, r.a.token).body, "mode"), "p2p")
      << "two: still peer to peer";
  auto jc = r.join(r.c, call);
  ASSERT_EQ(jc.status, 201) << jc.raw.body;
  EXPECT_EQ(str(jc.body.at("call"), "mode"), "sfu") << "the third takes it to the SFU";
  json::value updated = until(*wc, "call.updated");
  ASSERT_FALSE(updated.is_null()) << "everyone is told to switch";
  EXPECT_EQ(str(updated.at("data"), "mode"), "sfu");
  EXPECT_EQ(json::serialize(updated).find("secret"), std::string::npos);
  EXPECT_EQ(str(s.call("GET", "/api/v1/calls/" + call, r.b.token).body, "mode"), "sfu");

  // Bad bodies: 400 and nothing sent.
  for (const std::string& bad :
       {std::string("{}"), std::string(R"({"sdp":""})"), std::string(R"({"sdp":42})"),
        R"({"sdp":")" + std::string(70'000, 'x') + R"("})"}) {
    auto b = s.call("POST", sfu_a + "/publish", r.a.token, bad);
    EXPECT_EQ(b.status, 400) << bad.substr(0, 40) << " " << b.raw.body;
  }
  // Janus unreachable: 503, the call goes on.
  auto down = s.call("POST", sfu_a + "/publish", r.a.token, body(json::object{{"sdp", "v=0"}}));
  EXPECT_EQ(down.status, 503) << down.raw.body;
  EXPECT_NE(down.raw.body.find("sfu_unavailable"), std::string::npos);
  EXPECT_EQ(s.call("POST", sfu_a.substr(0, sfu_a.size() - 4) + "/heartbeat", r.a.token,
                   std::string())
                .status,
            204)
      << "the heartbeat does not fail for Janus";
  // Nobody sends yet: receiving waits.
  auto early = s.call("POST", sfu_a + "/subscriptions", r.a.token,
                      body(json::object{{"participant_id", pb}}));
  EXPECT_EQ(early.status, 409) << early.raw.body;
  EXPECT_NE(early.raw.body.find("feed_not_ready"), std::string::npos);
  auto self = s.call("POST", sfu_a + "/subscriptions", r.a.token,
                     body(json::object{{"participant_id", pa}}));
  EXPECT_EQ(self.status, 400) << self.raw.body;
  // Subscription ids are the caller's handles: anything else is not found.
  for (const char* sid : {"abc", "-1", "0", "12345678901234567"}) {
    auto a = s.call("POST", sfu_a + "/subscriptions/" + std::string(sid) + "/answer", r.a.token,
                    body(json::object{{"sdp", "v=0"}}));
    EXPECT_EQ(a.status, 404) << sid << " " << a.raw.body;
  }
  // Someone else's participant, an outsider: 404.
  EXPECT_EQ(
      s.call("POST", sfu_a + "/publish", r.b.token, body(json::object{{"sdp", "v=0"}})).status,
      404);
  Account eve = s.user("Ève");
  EXPECT_EQ(
      s.call("POST", sfu_a + "/publish", eve.token, body(json::object{{"sdp", "v=0"}})).status,
      404);
  auto trickle = s.call("POST", sfu_a + "/trickle", r.a.token,
                        body(json::object{{"target", "publisher"}, {"candidates", "x"}}));
  EXPECT_EQ(trickle.status, 400) << trickle.raw.body;
}

}  // namespace
}  // namespace ruche::testing
