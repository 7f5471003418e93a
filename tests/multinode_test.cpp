// Two Ruche nodes on one PostgreSQL and one NATS (a real nats-server), as in
// a scale-out deployment: what one node commits reaches the other's live
// streams, and access, session and channel-membership caches on the other
// node follow. Each node's clock is frozen (ManualClock), so no cache can
// expire on its own here: only the bus can make the second node see a change.
// Built for PostgreSQL only (label pg): SQLite is one node.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "core/blob/testing.hpp"
#include "core/bus/testing.hpp"
#include "core/crypto/encoding.hpp"
#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

// A second node: the first's database schema, data folder (instance key,
// contents) and NATS.
std::unique_ptr<TestServer> second_node(TestServer& first, const std::string& nats_url) {
  const app::Config& c1 = first.instance().config();
  return std::make_unique<TestServer>([&](app::Config& c) {
    c.database = "postgres";
    c.postgres_dsn = c1.postgres_dsn;
    c.postgres_schema = c1.postgres_schema;
    c.data_dir = c1.data_dir;
    c.nats_url = nats_url;
    c.module_settings = c1.module_settings;
  });
}

// Repeats `probe` until it returns true (10 s at most): what another node
// commits arrives through NATS a little later.
template <class F>
bool eventually(F probe) {
  for (int i = 0; i < 1000; ++i) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// A counter of GET /metrics (loopback may read it), or -1.
double metric(TestServer& s, std::string_view name) {
  auto r = s.call("GET", "/metrics");
  std::string_view text = r.raw.body;
  for (std::size_t at = 0; at < text.size();) {
    auto end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    if (line.size() > name.size() && line.substr(0, name.size()) == name && line[name.size()] == ' ')
      return std::stod(std::string(line.substr(name.size() + 1)));
    at = end + 1;
  }
  return -1;
}

int post(TestServer& s, const Account& a, const std::string& cid, std::string_view text) {
  return s.call("POST", "/api/v1/channels/" + cid + "/messages", a.token, body(json::object{{"body", text}})).status;
}

// Two nodes sharing a NATS server, and Alice and Bob (made on A) in one workspace.
struct TwoNodes {
  explicit TwoNodes(std::string_view name)
      : a([this](app::Config& c) { c.nats_url = nats.url(); }),
        b(second_node(a, nats.url())),
        alice(a.user("Alice")),
        bob(a.user("Bob")),
        ws(a.workspace(alice, name)) {
    a.join(alice, ws, bob);
  }
  bus::testing::NatsServer nats;
  TestServer a;
  std::unique_ptr<TestServer> b;
  Account alice, bob;
  std::string ws;
};

TEST(MultiNode, ChangesOnOneNodeReachTheOthersStreamsAndCaches) {
  TwoNodes t("Two nodes");
  TestServer& a = t.a;
  auto& b = t.b;
  const Account &alice = t.alice, &bob = t.bob;
  const std::string& ws = t.ws;
  std::string secret = make_channel(a, alice, ws, "secret", true, {bob.id.str()});
  std::string open = make_channel(a, alice, ws, "open", false, {bob.id.str()});

  // Bob follows the workspace on node B; his access is cached there.
  auto stream = connect_events(*b, bob);
  ASSERT_FALSE(until(*stream, "hello").is_null());
  ASSERT_EQ(b->call("GET", "/api/v1/workspaces/" + ws, bob.token).status, 200);
  ASSERT_EQ(b->call("GET", "/api/v1/channels/" + secret + "/messages", bob.token).status, 200);

  // A message posted on node A reaches Bob's stream on node B, in order.
  ASSERT_EQ(post(a, alice, secret, "one"), 201);
  ASSERT_EQ(post(a, alice, secret, "two"), 201);
  json::value m1 = until(*stream, "message.created");
  json::value m2 = until(*stream, "message.created");
  ASSERT_FALSE(m1.is_null());
  ASSERT_FALSE(m2.is_null());
  EXPECT_EQ(m1.at("data").at("body").as_string(), "one");
  EXPECT_EQ(m2.at("data").at("body").as_string(), "two");
  EXPECT_EQ(m2.at("seq").as_int64(), m1.at("seq").as_int64() + 1);

  // Removed from the private channel on node A: node B stops sending him its
  // messages (the channel's member list cached on B is dropped).
  ASSERT_EQ(a.call("DELETE", "/api/v1/channels/" + secret + "/members/" + bob.id.str(), alice.token).status, 204);
  ASSERT_FALSE(until(*stream, "channel.member_removed").is_null());
  ASSERT_EQ(post(a, alice, secret, "not for Bob"), 201);
  ASSERT_EQ(post(a, alice, open, "for everyone"), 201);
  json::value next = until(*stream, "message.created");
  ASSERT_FALSE(next.is_null());
  EXPECT_EQ(next.at("data").at("body").as_string(), "for everyone");
  EXPECT_EQ(b->call("GET", "/api/v1/channels/" + secret + "/messages", bob.token).status, 404);

  // Removed from the workspace on node A: node B refuses him at once (its
  // cached access is forgotten) and his stream there gets the removal last.
  ASSERT_EQ(a.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + bob.id.str(), alice.token).status, 204);
  ASSERT_FALSE(until(*stream, "member.removed").is_null());
  EXPECT_EQ(b->call("GET", "/api/v1/workspaces/" + ws, bob.token).status, 404);
  EXPECT_EQ(b->call("GET", "/api/v1/channels/" + open + "/messages", bob.token).status, 404);

  // Alice logs out on node A: her session, cached on node B, stops working there.
  ASSERT_EQ(b->call("GET", "/api/v1/workspaces/" + ws, alice.token).status, 200);
  auto alice_stream = connect_events(*b, alice);
  ASSERT_FALSE(until(*alice_stream, "hello").is_null());
  ASSERT_EQ(a.call("POST", "/api/v1/auth/logout", alice.token).status, 204);
  EXPECT_TRUE(eventually([&] { return b->call("GET", "/api/v1/workspaces/" + ws, alice.token).status == 401; }));
  EXPECT_TRUE(until(*alice_stream, "never").is_null());
  EXPECT_EQ(alice_stream->close_code(), 4001);
  // What went through NATS shows in /metrics.
  EXPECT_GT(metric(a, "ruche_bus_sent_total"), 0);
  EXPECT_GT(metric(*b, "ruche_bus_received_total"), 0);
  EXPECT_EQ(metric(a, "ruche_bus_failed_total"), 0);
  EXPECT_GE(metric(*b, "ruche_events_gap_reads_total"), 0);
}

TEST(MultiNode, ANoticeToOnePersonReachesThemOnAnyNode) {
  TwoNodes t("Notices");
  auto stream = connect_events(*t.b, t.bob);
  ASSERT_FALSE(until(*stream, "hello").is_null());
  // Alice, on node A, invites Bob, whose page is open on node B.
  auto r = t.a.call(
      "POST", "/api/v1/me/calendar/events", t.alice.token,
      body(json::object{{"title", "Point"},
                        {"start", "2027-03-10T09:00:00Z"},
                        {"end", "2027-03-10T10:00:00Z"},
                        {"attendees", json::array{json::object{{"user_id", t.bob.id.str()}}}}}));
  ASSERT_EQ(r.status, 201) << r.raw.body;
  json::value notice = until(*stream, "calendar.invited");
  ASSERT_FALSE(notice.is_null());
  EXPECT_EQ(notice.at("data").at("id").as_string(), r.body.at("id").as_string());
  EXPECT_EQ(notice.at("seq").as_int64(), 0);
}

TEST(MultiNode, AfterABusOutageStreamsResumeWithWhatTheyMissed) {
  TwoNodes t("Outage");
  TestServer& a = t.a;
  auto& b = t.b;
  const Account& alice = t.alice;
  const std::string& ws = t.ws;
  std::string cid = make_channel(a, alice, ws, "general", false, {});
  auto stream = connect_events(*b, alice);
  json::value hello = until(*stream, "hello");
  ASSERT_FALSE(hello.is_null());
  ASSERT_EQ(post(a, alice, cid, "before"), 201);
  json::value before = until(*stream, "message.created");
  ASSERT_FALSE(before.is_null());
  std::int64_t last = before.at("seq").as_int64();

  t.nats.stop();
  ASSERT_EQ(post(a, alice, cid, "during"), 201);  // node B cannot hear of it
  t.nats.start();
  // Once the link is back, node B closes its streams (1012) so that clients
  // resume from the outbox.
  EXPECT_TRUE(until(*stream, "never", 15000).is_null());
  EXPECT_EQ(stream->close_code(), 1012);
  EXPECT_GE(metric(*b, "ruche_bus_resets_total"), 2);  // disconnected, reconnected
  auto again = connect_events(*b, alice);
  ASSERT_FALSE(until(*again, "hello").is_null());
  ASSERT_TRUE(again->send(json::serialize(json::object{{"type", "resume"}, {"workspace_id", ws}, {"since", last}})));
  json::value missed = until(*again, "message.created");
  ASSERT_FALSE(missed.is_null());
  EXPECT_EQ(missed.at("data").at("body").as_string(), "during");
  EXPECT_EQ(missed.at("seq").as_int64(), last + 1);
  // And live events flow again from node A.
  EXPECT_TRUE(eventually([&] { return post(a, alice, cid, "after") == 201; }));
  json::value after = until(*again, "message.created");
  ASSERT_FALSE(after.is_null());
  EXPECT_EQ(after.at("data").at("body").as_string(), "after");
}

// Presence is the best of every node's view: a user connected to node B is
// online for a watcher on node A, stays online while one connection remains
// on any node, and goes offline when the node holding him stops.
// (A node that dies without a word is forgotten after RemotePresence's TTL.)
TEST(MultiNode, PresenceIsTheBestOfEveryNodesView) {
  TwoNodes t("Présence");
  TestServer& a = t.a;
  auto& b = t.b;
  const Account &alice = t.alice, &bob = t.bob;
  const std::string& ws = t.ws;
  auto status_on = [&](TestServer& s) -> std::string {
    auto r = s.call("GET", "/api/v1/workspaces/" + ws + "/presence", alice.token);
    auto* v = r.body.is_object() ? r.body.as_object().if_contains(bob.id.str()) : nullptr;
    return v && v->is_string() ? std::string(v->as_string()) : "offline";
  };
  auto watcher = connect_events(a, alice);
  ASSERT_FALSE(until(*watcher, "hello").is_null());
  ASSERT_TRUE(watcher->send(json::serialize(json::object{
      {"type", "presence.subscribe"}, {"workspace_id", ws}, {"user_ids", json::array{bob.id.str()}}})));
  ASSERT_FALSE(until(*watcher, "presence.state").is_null());

  auto on_b = connect_events(*b, bob);
  ASSERT_FALSE(until(*on_b, "hello").is_null());
  json::value online = until(*watcher, "presence.changed");
  ASSERT_FALSE(online.is_null());
  EXPECT_EQ(online.at("data").at("status").as_string(), "online");
  EXPECT_FALSE(online.at("data").as_object().contains("node"));
  EXPECT_EQ(status_on(a), "online");

  // A second connection on node A, then the one on B closes: still online.
  auto on_a = connect_events(a, bob);
  ASSERT_FALSE(until(*on_a, "hello").is_null());
  on_b->close();
  EXPECT_TRUE(eventually([&] { return status_on(*b) == "online" && status_on(a) == "online"; }));
  for (json::value f = next_frame(*watcher, 300); !f.is_null(); f = next_frame(*watcher, 300)) {
    if (f.at("type").as_string() == "presence.changed") {
      EXPECT_NE(f.at("data").at("status").as_string(), "offline");
    }
  }
  // Away on A: away everywhere; gone from A: offline everywhere.
  ASSERT_TRUE(on_a->send(R"({"type":"presence","status":"away"})"));
  json::value away = until(*watcher, "presence.changed");
  ASSERT_FALSE(away.is_null());
  EXPECT_EQ(away.at("data").at("status").as_string(), "away");
  EXPECT_TRUE(eventually([&] { return status_on(*b) == "away"; }));
  on_a->close();
  json::value offline = until(*watcher, "presence.changed");
  ASSERT_FALSE(offline.is_null());
  EXPECT_EQ(offline.at("data").at("status").as_string(), "offline");
  EXPECT_TRUE(eventually([&] { return status_on(*b) == "offline"; }));

  // Node B learns the state of node A's users when it starts: a third node
  // started now sees Bob online through A's snapshot.
  auto again = connect_events(a, bob);
  ASSERT_FALSE(until(*again, "hello").is_null());
  auto c = second_node(a, t.nats.url());
  EXPECT_TRUE(eventually([&] { return status_on(*c) == "online"; }));
  // Bob on node B only, then node B stops: offline on A at once (no expiry wait).
  again->close();
  EXPECT_TRUE(eventually([&] { return status_on(a) == "offline"; }));
  auto last = connect_events(*b, bob);
  ASSERT_FALSE(until(*last, "hello").is_null());
  EXPECT_TRUE(eventually([&] { return status_on(a) == "online"; }));
  // Node B stops: it closes its clients' connections, and A hears of it.
  std::thread stopping([&] { b.reset(); });
  EXPECT_EQ(until(*last, "never").is_null(), true);
  EXPECT_EQ(last->close_code(), 1001);
  last->close();
  EXPECT_TRUE(eventually([&] { return status_on(a) == "offline"; }));
  stopping.join();
}

// Files read on node B from memory (the open-path cache, checked Basic
// passwords) follow what node A changes.
TEST(MultiNode, FileReadsOnOneNodeFollowChangesOnTheOther) {
  TwoNodes t("Fichiers");
  TestServer& a = t.a;
  auto& b = t.b;
  const Account &alice = t.alice, &bob = t.bob;
  const std::string path = "/dav/files/" + t.ws + "/note.txt";
  auto get_on_b = [&](const Headers& h = {}) { return b->call("GET", path, h.empty() ? bob.token : "", std::nullopt, h); };
  ASSERT_EQ(a.call("PUT", path, alice.token, std::string("version one")).status, 201);
  ASSERT_EQ(get_on_b().raw.body, "version one");
  ASSERT_EQ(get_on_b().raw.body, "version one");  // now served from B's memory
  ASSERT_EQ(a.call("PUT", path, alice.token, std::string("version two")).status, 204);
  EXPECT_TRUE(eventually([&] { return get_on_b().raw.body == "version two"; }));
  ASSERT_EQ(a.call("DELETE", path, alice.token).status, 204);
  EXPECT_TRUE(eventually([&] { return get_on_b().status == 404; }));

  // Bob's password, checked by B for a WebDAV client, then changed on A.
  ASSERT_EQ(a.call("PUT", path, alice.token, std::string("back")).status, 201);
  const Headers old_basic{{"Authorization", "Basic " + crypto::base64_encode(bob.email + ":" + bob.password)}};
  ASSERT_EQ(get_on_b(old_basic).status, 200);
  ASSERT_EQ(a.call("POST", "/api/v1/me/password", bob.token,
                   json::serialize(json::object{{"current_password", bob.password},
                                                {"new_password", "Hibiscus-Lanterne-883"}}))
                .status,
            204);
  EXPECT_TRUE(eventually([&] { return get_on_b(old_basic).status == 401; }));
}

// Periodic work shared by the nodes runs on one of them per period: the
// chunk collection asked for on both nodes at once runs once.
TEST(MultiNode, MaintenanceRunsOnOneNodePerPeriod) {
  TwoNodes t("Entretien");
  auto on = [](TestServer& s) {
    auto r = s.platform().blobs.collect_garbage_if_due();
    EXPECT_TRUE(r) << r.error().message;
    return r && *r;
  };
  EXPECT_TRUE(on(t.a));
  EXPECT_FALSE(on(*t.b));
  EXPECT_FALSE(on(t.a));
  t.b->clock().advance_ms(platform::BlobsConfig{}.gc_min_interval_ms);
  EXPECT_TRUE(on(*t.b));
  EXPECT_FALSE(on(t.a));  // A's clock is behind B's run
}

// Reminders due at once, both nodes sending: each goes out once (a node
// claims each row as it still was when read; both take them in the same
// order, so neither waits on the other in a cycle).
TEST(MultiNode, EachReminderGoesOutOnceWhicheverNodeSendsIt) {
  bus::testing::NatsServer nats;
  TestServer a([&](app::Config& c) {
    c.nats_url = nats.url();
    c.module_settings["calendar"] = json::object{{"reminders_check_seconds", 1}};
  });
  auto b = second_node(a, nats.url());
  Account alice = a.user("Alice");
  // Each person's own calendar: 150 events of hers at 09:00, reminded at
  // 08:50 (the clocks read 08:00).
  constexpr int kEvents = 150;
  for (int i = 0; i < kEvents; ++i) {
    TestServer& via = i % 2 ? *b : a;
    auto r = via.call("POST", "/api/v1/me/calendar/events", alice.token,
                      body({{"title", "Point " + std::to_string(i)},
                            {"start", "2027-01-15T09:00:00Z"},
                            {"end", "2027-01-15T09:30:00Z"},
                            {"reminders", json::array{10}}}));
    ASSERT_EQ(r.status, 201) << r.raw.body;
  }
  a.clock().advance_ms(50 * 60'000 + 30'000);
  b->clock().advance_ms(50 * 60'000 + 30'000);
  auto kept = [&] {
    auto r = a.call("GET", "/api/v1/me/notices", alice.token);
    return r.status == 200 ? r.body.at("unread").as_int64() : -1;
  };
  ASSERT_TRUE(eventually([&] { return kept() >= kEvents; })) << kept();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // both nodes' next round
  EXPECT_EQ(kept(), kEvents);
}

// Tasks due at one instant, both nodes looking: each assignee told once.
TEST(MultiNode, EachDueTaskIsToldOnceWhicheverNodeTellsIt) {
  bus::testing::NatsServer nats;
  TestServer a([&](app::Config& c) {
    c.nats_url = nats.url();
    c.module_settings["tasks"] = json::object{{"due_check_seconds", 1}};
  });
  auto b = second_node(a, nats.url());
  Account alice = a.user("Alice");
  const std::string ws = a.workspace(alice, "Chantier", {"tasks"});
  // 150 tasks of hers due on the 16th: told at 09:00Z (no zone: UTC; the
  // clocks read the 15th, 08:00).
  constexpr int kTasks = 150;
  for (int i = 0; i < kTasks; ++i) {
    TestServer& via = i % 2 ? *b : a;
    auto r = via.call("POST", "/api/v1/workspaces/" + ws + "/tasks", alice.token,
                      body({{"title", "Tâche " + std::to_string(i)},
                            {"due", "2027-01-16"},
                            {"assignee_ids", json::array{alice.id.str()}}}));
    ASSERT_EQ(r.status, 201) << r.raw.body;
  }
  a.clock().advance_ms(25 * 3'600'000 + 30'000);
  b->clock().advance_ms(25 * 3'600'000 + 30'000);
  auto kept = [&] {
    auto r = a.call("GET", "/api/v1/me/notices", alice.token);
    return r.status == 200 ? r.body.at("unread").as_int64() : -1;
  };
  ASSERT_TRUE(eventually([&] { return kept() >= kTasks; })) << kept();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // both nodes' next round
  EXPECT_EQ(kept(), kTasks);
}

// With an S3-compatible bucket the nodes share no folder: each has its own
// data folder (and the same instance key), and what one stores the other
// reads, through the bucket for contents over 64 KiB.
TEST(MultiNode, WithABucketNodesShareContentsWithoutASharedFolder) {
  blob::testing::S3Server s3;
  bus::testing::NatsServer nats;
  const std::string key = crypto::base64_encode(std::string(32, '\x5a'));
  auto node = [&](app::Config& c) {
    const blob::S3Config bucket = s3.config("nodes/");
    c.s3_endpoint = bucket.endpoint;
    c.s3_bucket = bucket.bucket;
    c.s3_access_key = bucket.access_key;
    c.s3_secret_key = bucket.secret_key;
    c.s3_prefix = bucket.prefix;
    c.instance_key_base64 = key;
    c.nats_url = nats.url();
  };
  TestServer a(node);
  const app::Config& c1 = a.instance().config();
  TestServer b([&](app::Config& c) {
    node(c);
    c.postgres_dsn = c1.postgres_dsn;
    c.postgres_schema = c1.postgres_schema;
  });
  ASSERT_NE(a.data_dir(), b.data_dir());
  Account alice = a.user("Alice");
  const std::string ws = a.workspace(alice, "Seau");
  const std::string path = "/dav/files/" + ws + "/rapport.bin";
  std::string content(3 << 20, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 2654435761u) >> 13);

  ASSERT_EQ(a.call("PUT", path, alice.token, content).status, 201);
  EXPECT_GE(s3.object_count(), 1u);
  auto read = b.call("GET", path, alice.token);
  ASSERT_EQ(read.status, 200);
  EXPECT_TRUE(read.raw.body == content);
  // Neither node wrote a chunk to its own folder.
  for (const std::string& dir : {a.data_dir(), b.data_dir()}) {
    std::error_code ec;
    std::size_t files = 0;
    for (auto it = std::filesystem::recursive_directory_iterator(dir + "/blobs", ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
      files += it->is_regular_file() ? 1 : 0;
    EXPECT_EQ(files, 0u) << dir;
  }
  // What went through the bucket shows in /metrics: sealed bytes, a little
  // more than the content, up from A and down to B.
  EXPECT_GE(metric(a, "ruche_s3_sent_bytes_total"), static_cast<double>(content.size()));
  EXPECT_GE(metric(b, "ruche_s3_received_bytes_total"), static_cast<double>(content.size()));
  EXPECT_LT(metric(b, "ruche_s3_received_bytes_total"), content.size() * 1.01);
  EXPECT_GE(metric(b, "ruche_s3_requests_total"), 1.0);
  EXPECT_EQ(metric(a, "ruche_s3_errors_total"), 0.0);
  EXPECT_EQ(metric(b, "ruche_s3_retries_total"), 0.0);
  // Deleted on B: gone for A too.
  ASSERT_EQ(b.call("DELETE", path, alice.token).status, 204);
  EXPECT_TRUE(eventually([&] { return a.call("GET", path, alice.token).status == 404; }));

  // The workspace goes: its key at once; its objects with the first
  // collection past the grace period (on either node), not on the request.
  ASSERT_EQ(a.call("PUT", path, alice.token, content).status, 201);
  const std::size_t objects = s3.object_count();
  ASSERT_GE(objects, 1u);
  ASSERT_EQ(a.call("DELETE", "/api/v1/workspaces/" + ws, alice.token).status, 204);
  EXPECT_EQ(s3.object_count(), objects);
  b.clock().advance_ms(platform::BlobsConfig{}.gc_grace_ms + 1);
  auto collected = b.platform().blobs.collect_garbage();
  ASSERT_TRUE(collected) << collected.error().message;
  EXPECT_GE(collected->orphans_removed, objects);
  EXPECT_EQ(s3.object_count(), 0u);
}

}  // namespace
}  // namespace ruche::testing
