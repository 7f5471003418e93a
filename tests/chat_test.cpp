// The chat module through the real server: channels, visibility, messages,
// threads, edits, reactions, mentions, read state, search, live events.
// Run on SQLite (label integration) and PostgreSQL (label pg).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "core/crypto/random.hpp"
#include "core/db/migrate.hpp"
#include "core/db/testing.hpp"
#include "modules/chat/chat.hpp"
#include "modules/chat/store.hpp"
#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

struct Chat {
  TestServer& s;

  std::string channel(const Account& a, const std::string& ws, std::string_view name,
                      bool is_private = false, std::vector<std::string> members = {}) {
    return make_channel(s, a, ws, name, is_private, members);
  }
  Reply post(const Account& a, const std::string& cid, std::string_view text,
             std::optional<std::string> thread = std::nullopt, bool also = false) {
    json::object b{{"body", text}};
    if (thread) {
      b["thread_id"] = *thread;
      b["also_in_channel"] = also;
    }
    return s.call("POST", "/api/v1/channels/" + cid + "/messages", a.token, body(b));
  }
  std::string posted(const Account& a, const std::string& cid, std::string_view text) {
    auto r = post(a, cid, text);
    if (r.status != 201) throw std::runtime_error("post: " + r.raw.body);
    return std::string(r.body.at("id").as_string());
  }
  json::array messages(const Account& a, const std::string& cid, std::string query = "") {
    auto r = s.call("GET", "/api/v1/channels/" + cid + "/messages" + query, a.token);
    if (r.status != 200) throw std::runtime_error("messages: " + r.raw.body);
    return r.body.as_array();
  }
  // Alice's workspace with Bob and Carol in it, and a channel of Alice's
  // that Bob joined (Carol did not).
  struct Room {
    Account a, b, c;
    std::string ws, cid;
  };
  Room room(std::string_view name) {
    Room r{s.user("Alice"), s.user("Bob"), s.user("Carol"), "", ""};
    r.ws = s.workspace(r.a, "W", {"chat"});
    s.join(r.a, r.ws, r.b);
    s.join(r.a, r.ws, r.c);
    r.cid = channel(r.a, r.ws, name);
    if (s.call("POST", "/api/v1/channels/" + r.cid + "/join", r.b.token).status != 204)
      throw std::runtime_error("room: Bob could not join");
    return r;
  }
  json::object channel_in_list(const Account& a, const std::string& ws, const std::string& cid) {
    auto r = s.call("GET", "/api/v1/workspaces/" + ws + "/channels", a.token);
    for (const auto& c : r.body.as_array())
      if (c.at("id").as_string() == cid) return c.as_object();
    return {};
  }
};

TEST(Chat, LeavingTheWorkspaceLeavesItsChannelsAndFavorites) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Équipe", {"chat", "files"});
  s.join(a, ws, b);
  std::string open = chat.channel(a, ws, "général");
  std::string secret = chat.channel(a, ws, "direction", true, {b.id.str()});
  ASSERT_EQ(s.call("POST", "/api/v1/channels/" + open + "/join", b.token).status, 204);
  auto dm = s.call("POST", "/api/v1/workspaces/" + ws + "/direct", a.token,
                   body({{"user_ids", json::array{b.id.str()}}}));
  ASSERT_EQ(dm.status, 200) << dm.raw.body;
  auto folder = s.call("POST", "/api/v1/workspaces/" + ws + "/files/folders", b.token, body({{"name", "Bob"}}));
  ASSERT_EQ(folder.status, 201) << folder.raw.body;
  std::string fid(folder.body.at("id").as_string());
  ASSERT_EQ(s.call("PUT", "/api/v1/files/" + fid + "/favorite", b.token).status, 204);
  auto events = connect_events(s, a);
  ASSERT_FALSE(until(*events, "hello").is_null());  // following the workspace before anything happens

  ASSERT_EQ(s.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token).status, 204);
  // The channels' other members hear he left each.
  std::set<std::string> left;
  for (int i = 0; i < 2; ++i) {
    json::value e = until(*events, "channel.member_removed");
    ASSERT_FALSE(e.is_null());
    EXPECT_EQ(e.at("data").at("user_id").as_string(), b.id.str());
    left.insert(std::string(e.at("data").at("channel_id").as_string()));
  }
  EXPECT_EQ(left, (std::set<std::string>{open, secret}));
  auto members = s.call("GET", "/api/v1/channels/" + secret + "/members", a.token);
  EXPECT_EQ(members.body.as_array(), json::array{json::value(a.id.str())});

  // Invited again later: the private channel stays closed to him, his star is gone,
  // the direct conversation is still his.
  s.join(a, ws, b);
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + secret, b.token).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + secret + "/messages", b.token).status, 404);
  EXPECT_TRUE(chat.channel_in_list(b, ws, secret).empty());
  EXPECT_EQ(chat.channel_in_list(b, ws, open).at("joined").as_bool(), false);
  EXPECT_TRUE(s.call("GET", "/api/v1/workspaces/" + ws + "/files/favorites", b.token).body.as_array().empty());
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + std::string(dm.body.at("id").as_string()), b.token).status, 200);
}

// `who` posts in each of `channels` (a thread each) until refused, while
// `change` runs once a few of their messages landed: the status that
// refused them in each (0: none did).
std::vector<int> post_racing(Chat& chat, const Account& who,
                             const std::vector<std::string>& channels, int round,
                             const std::function<void()>& change) {
  std::atomic<int> landed{0};
  std::vector<int> refused(channels.size(), 0);
  std::vector<std::thread> posting;
  for (std::size_t k = 0; k < channels.size(); ++k)
    posting.emplace_back([&, k] {
      for (int i = 0; i < 500; ++i) {
        auto r = chat.post(who, channels[k], "round " + std::to_string(round));
        if (r.status != 201) {
          refused[k] = r.status;
          break;
        }
        ++landed;
      }
    });
  for (int waited = 0; landed < 4 && waited < 5000; ++waited)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  change();
  for (auto& t : posting) t.join();
  return refused;
}

// Removed from the workspace while posting: no message of theirs lands
// after the removal, and no channel takes them back as a member.
TEST(Chat, NothingLandsAfterItsAuthorWasRemoved) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"chat"});
  std::string open = chat.channel(a, ws, "général");
  std::string secret = chat.channel(a, ws, "direction", true);
  for (int round = 0; round < 8; ++round) {
    s.join(a, ws, b);
    ASSERT_EQ(s.call("POST", "/api/v1/channels/" + secret + "/members", a.token,
                     body({{"user_id", b.id.str()}}))
                  .status,
              204);
    post_racing(chat, b, {open, secret}, round, [&] {
      ASSERT_EQ(
          s.call("DELETE", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token).status,
          204);
    });
    for (const std::string& cid : {open, secret}) {
      auto members = s.call("GET", "/api/v1/channels/" + cid + "/members", a.token);
      for (const auto& m : members.body.as_array())
        EXPECT_NE(m.as_string(), b.id.str()) << "round " << round << ": a channel took Bob back";
    }
  }
  // In the order of events: no message of Bob's after his removal.
  auto events = s.platform().outbox.since(s.platform().db, WorkspaceId(ws), 0, 100000);
  ASSERT_TRUE(events);
  bool removed = false;
  int late = 0;
  for (const auto& e : *events) {
    if (e.type == "member.removed") removed = true;
    if (e.type == "member.added") removed = false;
    if (e.type == "message.created" && removed && e.data.find(b.id.str()) != std::string::npos)
      ++late;
  }
  EXPECT_EQ(late, 0) << "messages of Bob's after his removal";
}

// Made a reader of the chat while posting: no message of theirs lands after
// the change (their posts are refused from then on, 403 read_only).
TEST(Chat, NothingLandsAfterItsAuthorBecameAReader) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"chat"});
  std::string open = chat.channel(a, ws, "général");
  s.join(a, ws, b);
  auto set_right = [&](const char* right) {
    return s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token,
                  body(json::object{{"rights", json::object{{"chat", right}}}}));
  };
  for (int round = 0; round < 8; ++round) {
    ASSERT_EQ(set_right("write").status, 200);
    const auto refused =
        post_racing(chat, b, {open}, round, [&] { ASSERT_EQ(set_right("read").status, 200); });
    EXPECT_EQ(refused.at(0), 403) << "round " << round;
  }
  // In the order of events: no message of Bob's while he could only read.
  auto events = s.platform().outbox.since(s.platform().db, WorkspaceId(ws), 0, 100000);
  ASSERT_TRUE(events);
  bool reader = false;
  int late = 0;
  for (const auto& e : *events) {
    if (e.type == "member.updated" && e.data.find(b.id.str()) != std::string::npos)
      reader = e.data.find("\"chat\":\"read\"") != std::string::npos;
    if (e.type == "message.created" && reader && e.data.find(b.id.str()) != std::string::npos)
      ++late;
  }
  EXPECT_EQ(late, 0) << "messages of Bob's after he became a reader";
}

// A message racing the chat's being turned off in its workspace does not
// land after it: the write holds the module's row, or sees it gone.
TEST(Chat, NothingLandsAfterTheChatWasTurnedOff) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"chat", "tasks"});
  std::string open = chat.channel(a, ws, "général");
  s.join(a, ws, b);
  auto set_modules = [&](json::array modules) {
    return s.call("PATCH", "/api/v1/workspaces/" + ws, a.token,
                  body(json::object{{"modules", std::move(modules)}}));
  };
  for (int round = 0; round < 8; ++round) {
    ASSERT_EQ(set_modules({"chat", "tasks"}).status, 200);
    const auto refused =
        post_racing(chat, b, {open}, round, [&] { ASSERT_EQ(set_modules({"tasks"}).status, 200); });
    EXPECT_EQ(refused.at(0), 404) << "round " << round;
  }
  // In the order of events: no message while the chat was off.
  auto events = s.platform().outbox.since(s.platform().db, WorkspaceId(ws), 0, 100000);
  ASSERT_TRUE(events);
  bool off = false;
  int late = 0, turned_off = 0;
  for (const auto& e : *events) {
    if (e.type == "workspace.updated") {
      off = e.data.find("\"chat\"") == std::string::npos;
      turned_off += off;
    }
    if (e.type == "message.created" && off) ++late;
  }
  EXPECT_EQ(turned_off, 8);
  EXPECT_EQ(late, 0) << "messages stored after the chat was turned off";
}

// A workspace of Alice's with Bob, Carol and Dave, whose chat is bounded
// small: 3 channels, 2 direct conversations a person.
struct SmallBounds {
  TestServer s{[](app::Config& c) {
    c.module_settings["chat"] = json::object{{"max_channels", 3}, {"max_direct_per_person", 2}};
  }};
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol"), d = s.user("Dave");
  std::string ws = s.workspace(a, "W", {"chat"});
  SmallBounds() {
    for (const Account* who : {&b, &c, &d}) s.join(a, ws, *who);
  }
  // How many of its direct conversations, or of the other channels, `who` lists.
  std::size_t listed(const Account& who, bool direct) {
    const auto r = s.call("GET", "/api/v1/workspaces/" + ws + "/channels", who.token);
    std::size_t n = 0;
    for (const auto& ch : r.body.as_array())
      if ((ch.at("kind").as_string() == "direct") == direct) ++n;
    return n;
  }
  Reply create(const Account& who, const std::string& name, bool is_private = false) {
    return s.call("POST", "/api/v1/workspaces/" + ws + "/channels", who.token,
                  body(json::object{{"name", name}, {"private", is_private}}));
  }
  Reply direct(const Account& who, const Account& with) {
    return s.call("POST", "/api/v1/workspaces/" + ws + "/direct", who.token,
                  body(json::object{{"user_ids", json::array{with.id.str()}}}));
  }
};

// A workspace holds a bounded number of channels, and each person a bounded
// number of direct conversations there, whoever opens them: what a channel
// list holds stays bounded.
TEST(Chat, ChannelsAndDirectConversationsAreBounded) {
  SmallBounds k;
  const std::size_t held = k.listed(k.a, false);
  ASSERT_LT(held, 3u);
  for (std::size_t i = held; i < 3; ++i) k.chat.channel(k.a, k.ws, "canal " + std::to_string(i));
  for (bool is_private : {false, true}) {
    auto over = k.create(k.b, "de trop", is_private);
    EXPECT_EQ(over.status, 409) << over.raw.body;
    EXPECT_EQ(over.error_code(), "too_many_channels");
  }
  // Direct conversations are not channels of the workspace's list: Bob opens two.
  ASSERT_EQ(k.direct(k.b, k.a).status, 200);
  ASSERT_EQ(k.direct(k.b, k.c).status, 200);
  EXPECT_EQ(k.direct(k.b, k.a).status, 200);  // the same again: found, not made
  // A third is refused, whoever opens it.
  EXPECT_EQ(k.direct(k.b, k.d).error_code(), "too_many_channels");
  EXPECT_EQ(k.direct(k.d, k.b).error_code(), "too_many_channels");
  // Others still open theirs.
  EXPECT_EQ(k.direct(k.d, k.c).status, 200);
}

#ifdef RUCHE_TEST_BACKEND_POSTGRES
// Creations that run at once on PostgreSQL, each holding the place it counted
// (READ COMMITTED: a count does not see another's insert not yet committed).
// Forced: a transaction holding uncommitted channels with the names (or
// conversation keys) the creations will use makes each of them wait at its
// insert, after its count; once all wait, it rolls back and lets them on.
std::vector<Reply> race_held_creations(
    TestServer& s, const std::string& ws,
    const std::vector<std::pair<std::string, std::optional<std::string>>>& held,
    const std::vector<std::function<Reply()>>& creations) {
  std::promise<std::int64_t> holding;
  std::promise<void> release;
  std::thread holder([&] {
    auto shared = release.get_future().share();
    (void)s.platform().db.write([&](db::Conn& c) -> Result<void> {
      for (const auto& [name, key] : held) {
        chat::Channel ch;
        ch.id = crypto::new_id_of<chat::ChannelId>();
        ch.workspace_id = WorkspaceId(ws);
        ch.kind = key ? chat::ChannelKind::direct : chat::ChannelKind::public_channel;
        ch.name = name;
        RUCHE_CHECK(chat::store::insert_channel(c, ch, key));
      }
      RUCHE_TRY(auto pid, c.query_one("SELECT pg_backend_pid()", {}));
      holding.set_value(pid->i64(0));
      shared.wait();
      return fail(Errc::conflict, "rolled back");  // the held rows never were
    });
  });
  const std::int64_t pid = holding.get_future().get();
  std::vector<Reply> replies(creations.size());
  std::vector<std::thread> running;
  for (std::size_t i = 0; i < creations.size(); ++i)
    running.emplace_back([&, i] { replies[i] = creations[i](); });
  // Every creation waits behind the holder, at once or behind another.
  std::int64_t waiting = 0;
  for (int tries = 0; tries < 2000 && waiting < static_cast<std::int64_t>(creations.size());
       ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto n = s.platform().db.read([&](db::Conn& c) -> Result<std::int64_t> {
      RUCHE_TRY(auto row, c.query_one("WITH RECURSIVE behind(pid) AS (SELECT $1::int UNION "
                                      "SELECT a.pid FROM pg_stat_activity a JOIN behind b "
                                      "ON b.pid = ANY (pg_blocking_pids(a.pid))) "
                                      "SELECT COUNT(*) - 1 FROM behind",
                                      {pid}));
      return row->i64(0);
    });
    if (n) waiting = *n;
  }
  EXPECT_EQ(waiting, static_cast<std::int64_t>(creations.size()))
      << "the creations never all waited";
  release.set_value();
  holder.join();
  for (auto& t : running) t.join();
  return replies;
}

TEST(Chat, TheLastPlaceGoesToOneCreationAtOnce) {
  SmallBounds k;
  for (std::size_t i = k.listed(k.a, false); i < 2; ++i)
    k.chat.channel(k.a, k.ws, "canal " + std::to_string(i));
  auto create = [&k](const Account& who, std::string name) {
    return [&k, &who, name] { return k.create(who, name); };
  };
  auto direct = [&k](const Account& who, const Account& with) {
    return [&k, &who, &with] { return k.direct(who, with); };
  };
  auto key = [](const Account& x, const Account& y) {
    return std::min(x.id.str(), y.id.str()) + "," + std::max(x.id.str(), y.id.str());
  };
  auto statuses = [](const std::vector<Reply>& r) {
    std::multiset<int> out;
    for (const auto& x : r) out.insert(x.status);
    return out;
  };
  // One place left, two creations: one made, one refused.
  auto made = race_held_creations(k.s, k.ws, {{"premier", std::nullopt}, {"second", std::nullopt}},
                                  {create(k.a, "premier"), create(k.b, "second")});
  EXPECT_EQ(statuses(made), (std::multiset<int>{201, 409}));
  EXPECT_EQ(k.listed(k.a, false), 3u);
  // One conversation opened from both sides at once: one made, both find it.
  auto both =
      race_held_creations(k.s, k.ws, {{"", key(k.a, k.b)}}, {direct(k.a, k.b), direct(k.b, k.a)});
  ASSERT_EQ(statuses(both), (std::multiset<int>{200, 200})) << both[0].raw.body << both[1].raw.body;
  EXPECT_EQ(both[0].body.at("id"), both[1].body.at("id"));
  // Bob's last place, asked for by two at once: one made, one refused.
  auto last = race_held_creations(k.s, k.ws, {{"", key(k.c, k.b)}, {"", key(k.d, k.b)}},
                                  {direct(k.c, k.b), direct(k.d, k.b)});
  EXPECT_EQ(statuses(last), (std::multiset<int>{200, 409}));
  EXPECT_EQ(k.listed(k.b, true), 2u);
}
#endif

TEST(Chat, PublicAndPrivateChannelVisibility) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol"), out = s.user("Outsider");
  std::string ws = s.workspace(a, "Équipe", {"chat"});
  s.join(a, ws, b);
  s.join(a, ws, c);
  std::string general = chat.channel(a, ws, "général");
  std::string secret = chat.channel(a, ws, "direction", true, {b.id.str()});
  EXPECT_EQ(chat.channel_in_list(b, ws, general).at("joined").as_bool(), false);
  EXPECT_FALSE(chat.channel_in_list(b, ws, secret).empty());
  EXPECT_TRUE(chat.channel_in_list(c, ws, secret).empty());       // not a member: not listed
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + secret, c.token).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + secret + "/messages", c.token).status, 404);
  EXPECT_EQ(chat.post(c, secret, "let me in").status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + general, out.token).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws + "/channels", out.token).status, 404);
  auto dup = s.call("POST", "/api/v1/workspaces/" + ws + "/channels", a.token,
                    body(json::object{{"name", "général"}}));
  EXPECT_EQ(dup.status, 409);
  // Writing in a public channel joins it.
  EXPECT_EQ(chat.post(c, general, "bonjour").status, 201);
  EXPECT_TRUE(chat.channel_in_list(c, ws, general).at("joined").as_bool());
  // Without the module, chat answers 404.
  std::string bare = s.workspace(a, "Sans chat", {"files"});
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + bare + "/channels", a.token).status, 404);
}

TEST(Chat, ReadOnlyMembersReadButDoNotWrite) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), g = s.user("Guest-like");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, g, "guest");  // guests read by default
  std::string cid = chat.channel(a, ws, "annonces");
  chat.posted(a, cid, "Réunion demain à 10 h");
  EXPECT_EQ(chat.messages(g, cid).size(), 1u);
  auto r = chat.post(g, cid, "can I write?");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "read_only");
}

// Removing someone from a channel changes it, as adding one does: its
// creator, made a reader of the chat since, removes no one; anyone leaves.
TEST(Chat, RemovingAnotherFromAChannelNeedsTheWriteRight) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, b);
  s.join(a, ws, c);
  std::string cid = chat.channel(b, ws, "projet", true, {c.id.str()});
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + b.id.str(), a.token,
                   body(json::object{{"rights", json::object{{"chat", "read"}}}}))
                .status,
            200);
  const std::string carol = "/api/v1/channels/" + cid + "/members/" + c.id.str();
  auto r = s.call("DELETE", carol, b.token);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "read_only");
  auto members = s.call("GET", "/api/v1/channels/" + cid + "/members", b.token);
  ASSERT_EQ(members.status, 200);
  EXPECT_EQ(members.body.as_array().size(), 2u) << "Carol is still in it";
  // Bob may still leave it.
  EXPECT_EQ(s.call("DELETE", "/api/v1/channels/" + cid + "/members/" + b.id.str(), b.token).status,
            204);
}

TEST(Chat, MessagesPagesThreadsEditsAndDeletes) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, b, "member");
  std::string cid = chat.channel(a, ws, "dev");
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) ids.push_back(chat.posted(a, cid, "message " + std::to_string(i)));
  auto page = chat.messages(b, cid, "?limit=10");
  ASSERT_EQ(page.size(), 10u);
  EXPECT_EQ(page[0].at("body").as_string(), "message 24");  // newest first
  auto older = chat.messages(b, cid, "?limit=10&before=" + std::string(page[9].at("id").as_string()));
  EXPECT_EQ(older[0].at("body").as_string(), "message 14");
  // Forward pages (catching up) and a window around a message (a search hit).
  auto newer = chat.messages(b, cid, "?limit=3&after=" + ids[5]);
  ASSERT_EQ(newer.size(), 3u);
  EXPECT_EQ(newer[0].at("body").as_string(), "message 8");  // still newest first
  EXPECT_EQ(newer[2].at("body").as_string(), "message 6");
  auto around = chat.messages(b, cid, "?limit=5&around=" + ids[10]);
  ASSERT_EQ(around.size(), 5u);
  EXPECT_EQ(around[0].at("body").as_string(), "message 12");
  EXPECT_EQ(around[2].at("body").as_string(), "message 10");
  EXPECT_EQ(around[4].at("body").as_string(), "message 8");
  EXPECT_EQ(chat.messages(b, cid, "?limit=10&around=" + ids[24]).size(), 10u);  // all older
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + cid + "/messages?before=" + ids[3] + "&after=" + ids[1],
                   a.token).status, 400);
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + cid + "/messages?limit=0", a.token).status, 400);
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + cid + "/messages?limit=x", a.token).status, 400);

  // Threads.
  std::string root = ids[3];
  auto reply = chat.post(b, cid, "in the thread", root);
  ASSERT_EQ(reply.status, 201) << reply.raw.body;
  auto echoed = chat.post(b, cid, "also in the channel", root, true);
  ASSERT_EQ(echoed.status, 201);
  auto nested = chat.post(b, cid, "nested", std::string(reply.body.at("id").as_string()));
  EXPECT_EQ(nested.status, 400);
  auto thread = s.call("GET", "/api/v1/messages/" + root + "/thread", a.token).body.as_array();
  ASSERT_EQ(thread.size(), 3u);
  EXPECT_EQ(thread[0].at("reply_count").as_int64(), 2);
  auto timeline = chat.messages(a, cid, "?limit=3");
  EXPECT_EQ(timeline[0].at("body").as_string(), "also in the channel");  // the echoed reply
  EXPECT_EQ(timeline[1].at("body").as_string(), "message 24");            // not the plain reply

  // Edits: the author only; deletes: the author or a workspace admin.
  auto edit = s.call("PATCH", "/api/v1/messages/" + ids[0], b.token, body(json::object{{"body", "hijack"}}));
  EXPECT_EQ(edit.status, 403);
  edit = s.call("PATCH", "/api/v1/messages/" + ids[0], a.token, body(json::object{{"body", "corrigé"}}));
  ASSERT_EQ(edit.status, 200);
  EXPECT_EQ(edit.body.at("body").as_string(), "corrigé");
  EXPECT_FALSE(edit.body.at("edited_at").is_null());
  EXPECT_EQ(s.call("DELETE", "/api/v1/messages/" + ids[1], b.token).status, 403);
  EXPECT_EQ(s.call("DELETE", "/api/v1/messages/" + ids[1], a.token).status, 204);
  auto gone = s.call("GET", "/api/v1/messages/" + ids[1], b.token);
  EXPECT_TRUE(gone.body.at("deleted").as_bool());
  EXPECT_EQ(gone.body.at("body").as_string(), "");
  EXPECT_EQ(s.call("PATCH", "/api/v1/messages/" + ids[1], a.token, body(json::object{{"body", "x"}})).status, 409);
  // Both are in the audit log.
  auto actions = s.platform().db.read([](db::Conn& c) -> Result<std::int64_t> {
    RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM audit_log WHERE action IN "
                                    "('chat.message_edited', 'chat.message_deleted')"));
    return row->i64(0);
  });
  EXPECT_EQ(*actions, 2);
  // Bad input changes nothing.
  EXPECT_EQ(chat.post(a, cid, "").status, 400);
  EXPECT_EQ(chat.post(a, cid, std::string(17 * 1024, 'x')).status, 400);
  EXPECT_EQ(s.call("POST", "/api/v1/channels/" + cid + "/messages", a.token, "{\"body\":42}").status, 400);
  EXPECT_EQ(chat.messages(a, cid, "?limit=200").size(), 26u);
}

// A long thread shows its newest replies first, then the pages before them:
// a reload never loses the latest ones however many came before.
TEST(Chat, ALongThreadOpensOnItsLatestReplies) {
  TestServer s;
  Chat chat{s};
  auto [a, b, c, ws, cid] = chat.room("dev");
  std::string root = chat.posted(a, cid, "question");
  const int page = ruche::chat::kThreadPageSize;
  const int total = page + 5;
  std::vector<std::string> replies;
  for (int i = 0; i < total; ++i) {
    auto r = chat.post(i % 2 ? a : b, cid, "reply " + std::to_string(i), root);
    ASSERT_EQ(r.status, 201) << r.raw.body;
    replies.emplace_back(r.body.at("id").as_string());
  }
  std::string other = chat.posted(a, cid, "elsewhere");
  auto thread = [&](const std::string& query) {
    return s.call("GET", "/api/v1/messages/" + root + "/thread" + query, b.token);
  };
  auto body_of = [](const json::value& m) { return std::string(m.at("body").as_string()); };

  // No page asked: the first message, then the latest replies in order.
  auto latest = thread("");
  ASSERT_EQ(latest.status, 200);
  auto list = latest.body.as_array();
  ASSERT_EQ(list.size(), static_cast<std::size_t>(page) + 1);
  EXPECT_EQ(body_of(list[0]), "question");
  EXPECT_EQ(list[0].at("reply_count").as_int64(), total);
  EXPECT_EQ(body_of(list[1]), "reply 5");
  EXPECT_EQ(body_of(list.back()), "reply " + std::to_string(total - 1));

  // Pages before a reply, the first message still in front.
  list = thread("?limit=3&before=" + replies[5]).body.as_array();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(body_of(list[0]), "question");
  EXPECT_EQ(body_of(list[1]), "reply 2");
  EXPECT_EQ(body_of(list[3]), "reply 4");
  list = thread("?limit=3&before=" + replies[1]).body.as_array();
  ASSERT_EQ(list.size(), 2u) << "only reply 0 is older";
  EXPECT_EQ(body_of(list[1]), "reply 0");
  list = thread("?limit=3&before=" + replies[0]).body.as_array();
  EXPECT_EQ(list.size(), 1u);

  // Bad pages: a message outside the thread, the thread's first one, bad limits.
  EXPECT_EQ(thread("?before=" + other).status, 404);
  EXPECT_EQ(thread("?before=" + root).status, 404);
  EXPECT_EQ(thread("?before=nonsense").status, 404);
  EXPECT_EQ(thread("?limit=0").status, 400);
  EXPECT_EQ(thread("?limit=" + std::to_string(ruche::chat::kMaxPageSize + 1)).status, 400);
  EXPECT_EQ(thread("?limit=x").status, 400);
}

TEST(Chat, ReactionsPinsAndMentions) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, b);
  std::string cid = chat.channel(a, ws, "général");
  EXPECT_EQ(chat.post(b, cid, "hello").status, 201);  // Bob joins by writing
  std::string mid = chat.posted(a, cid, "Bonjour <@" + b.id.str() + ">, tu as vu ?");
  auto r = s.call("POST", "/api/v1/messages/" + mid + "/reactions", b.token, body(json::object{{"emoji", "👍"}}));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.at("reactions").as_array()[0].at("emoji").as_string(), "👍");
  s.call("POST", "/api/v1/messages/" + mid + "/reactions", a.token, body(json::object{{"emoji", "👍"}}));
  auto msg = s.call("GET", "/api/v1/messages/" + mid, a.token);
  EXPECT_EQ(msg.body.at("reactions").as_array()[0].at("user_ids").as_array().size(), 2u);
  EXPECT_EQ(s.call("POST", "/api/v1/messages/" + mid + "/reactions", b.token,
                   body(json::object{{"emoji", "two words"}})).status, 400);
  r = s.call("DELETE", "/api/v1/messages/" + mid + "/reactions/%F0%9F%91%8D", b.token);
  EXPECT_EQ(r.body.at("reactions").as_array()[0].at("user_ids").as_array().size(), 1u);
  // From the path, any bytes: what is not UTF-8 is refused (PostgreSQL
  // would refuse it: a 500).
  r = s.call("DELETE", "/api/v1/messages/" + mid + "/reactions/%FF", b.token);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "invalid_emoji");
  // Each person mentioned is looked up and notified: 50 at most a message.
  std::string many;
  for (int i = 0; i <= 50; ++i)
    many += "<@" + b.id.str().substr(0, 24) + std::to_string(10 + i) + "> ";
  auto crowded = chat.post(a, cid, many);
  EXPECT_EQ(crowded.status, 400);
  EXPECT_EQ(crowded.error_code(), "invalid_mentions");
  EXPECT_EQ(s.call("POST", "/api/v1/messages/" + mid + "/pin", b.token).status, 200);
  auto pins = s.call("GET", "/api/v1/channels/" + cid + "/pins", a.token).body.as_array();
  ASSERT_EQ(pins.size(), 1u);
  EXPECT_EQ(pins[0].at("id").as_string(), mid);
  EXPECT_EQ(msg.body.at("mentions").as_array(), json::array{json::value(b.id.str())});
  auto listed = chat.channel_in_list(b, ws, cid);
  EXPECT_EQ(listed.at("mentions").as_int64(), 1);
  EXPECT_EQ(listed.at("unread").as_int64(), 1);  // Alice's message after Bob's own
}

// A channel holds 100 pinned messages: the 101st pin is refused, saying
// so, rather than pushing the oldest out of the list unseen; an unpinned or
// deleted one makes room.
TEST(Chat, AChannelHoldsAHundredPinsAndSaysSo) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W", {"chat"});
  std::string cid = chat.channel(a, ws, "annonces");
  std::vector<std::string> ids;
  for (int i = 0; i < 102; ++i) ids.push_back(chat.posted(a, cid, "annonce " + std::to_string(i)));
  auto pin = [&](const std::string& id) {
    return s.call("POST", "/api/v1/messages/" + id + "/pin", a.token);
  };
  for (int i = 0; i < 100; ++i) ASSERT_EQ(pin(ids[i]).status, 200) << i;
  auto refused = pin(ids[100]);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.error_code(), "too_many_pins");
  EXPECT_FALSE(s.call("GET", "/api/v1/messages/" + ids[100], a.token).body.at("pinned").as_bool());
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + cid + "/pins", a.token).body.as_array().size(),
            100u);
  EXPECT_EQ(pin(ids[0]).status, 200) << "pinned already: nothing to refuse";
  ASSERT_EQ(s.call("DELETE", "/api/v1/messages/" + ids[0] + "/pin", a.token).status, 200);
  EXPECT_EQ(pin(ids[100]).status, 200);
  EXPECT_EQ(pin(ids[101]).status, 409);
  ASSERT_EQ(s.call("DELETE", "/api/v1/messages/" + ids[1], a.token).status, 204);
  s.clock().advance_ms(1000);
  EXPECT_EQ(pin(ids[101]).status, 200);
  auto pins = s.call("GET", "/api/v1/channels/" + cid + "/pins", a.token).body.as_array();
  ASSERT_EQ(pins.size(), 100u);
  EXPECT_EQ(pins[0].at("id").as_string(), ids[101]) << "newest pin first";
}

TEST(Chat, ReadStateAndUnreadCounts) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, b);
  std::string cid = chat.channel(a, ws, "général");
  ASSERT_EQ(s.call("POST", "/api/v1/channels/" + cid + "/join", b.token).status, 204);
  for (int i = 0; i < 4; ++i) chat.posted(a, cid, "news " + std::to_string(i));
  EXPECT_EQ(chat.channel_in_list(b, ws, cid).at("unread").as_int64(), 4);
  EXPECT_EQ(chat.channel_in_list(a, ws, cid).at("unread").as_int64(), 0);  // one's own messages
  auto read = s.call("POST", "/api/v1/channels/" + cid + "/read", b.token, body(json::object{{"seq", 2}}));
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(chat.channel_in_list(b, ws, cid).at("unread").as_int64(), 2);
  EXPECT_EQ(s.call("POST", "/api/v1/channels/" + cid + "/read", b.token).status, 200);
  EXPECT_EQ(chat.channel_in_list(b, ws, cid).at("unread").as_int64(), 0);
  EXPECT_EQ(s.call("POST", "/api/v1/channels/" + cid + "/read", b.token,
                   body(json::object{{"seq", 99}})).status, 400);

  // Totals over the workspace, for its badge in the workspace list.
  std::string other = chat.channel(a, ws, "annonces");
  ASSERT_EQ(s.call("POST", "/api/v1/channels/" + other + "/join", b.token).status, 204);
  chat.posted(a, other, "Réunion <@" + b.id.str() + ">");
  chat.posted(a, cid, "encore");
  auto totals = s.call("GET", "/api/v1/workspaces/" + ws + "/chat/unread", b.token);
  ASSERT_EQ(totals.status, 200) << totals.raw.body;
  EXPECT_EQ(totals.body.at("unread").as_int64(), 2);
  EXPECT_EQ(totals.body.at("mentions").as_int64(), 1);
  Account out = s.user("Out");
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + ws + "/chat/unread", out.token).status, 404);
}

// Mark as unread: the read position goes back to just before a message
// (never forward), the counts follow, and the member's other clients hear it.
TEST(Chat, MarkAsUnreadMovesTheReadPositionBack) {
  TestServer s;
  Chat chat{s};
  auto [a, b, c, ws, cid] = chat.room("suivi");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(chat.posted(a, cid, "point " + std::to_string(i)));
  chat.posted(a, cid, "<@" + b.id.str() + "> et toi ?");
  ASSERT_EQ(s.call("POST", "/api/v1/channels/" + cid + "/read", b.token).status, 200);
  EXPECT_EQ(chat.channel_in_list(b, ws, cid).at("unread").as_int64(), 0);
  auto cb = connect_events(s, b);
  ASSERT_FALSE(until(*cb, "hello").is_null());

  auto unread = s.call("POST", "/api/v1/messages/" + ids[2] + "/unread", b.token);
  ASSERT_EQ(unread.status, 200) << unread.raw.body;
  EXPECT_EQ(unread.body.at("channel_id").as_string(), cid);
  json::object seen = chat.channel_in_list(b, ws, cid);
  EXPECT_EQ(unread.body.at("last_read_seq").as_int64(), seen.at("last_read_seq").as_int64());
  EXPECT_EQ(seen.at("unread").as_int64(), 4);   // points 2, 3, 4 and the mention
  EXPECT_EQ(seen.at("mentions").as_int64(), 1);
  json::value heard = until(*cb, "channel.read");
  ASSERT_FALSE(heard.is_null());
  EXPECT_EQ(heard.at("data").at("last_read_seq").as_int64(), seen.at("last_read_seq").as_int64());
  EXPECT_TRUE(heard.at("data").at("marked_unread").as_bool());

  // A later message does not move it forward: still unread from point 2.
  auto later = s.call("POST", "/api/v1/messages/" + ids[4] + "/unread", b.token);
  ASSERT_EQ(later.status, 200);
  EXPECT_EQ(later.body.at("last_read_seq").as_int64(), seen.at("last_read_seq").as_int64());
  EXPECT_EQ(chat.channel_in_list(b, ws, cid).at("unread").as_int64(), 4);
  // From the first message: everything from others is unread again.
  ASSERT_EQ(s.call("POST", "/api/v1/messages/" + ids[0] + "/unread", b.token).status, 200);
  EXPECT_EQ(chat.channel_in_list(b, ws, cid).at("unread").as_int64(), 6);

  // Not a member of the channel: 409; outside the workspace or no such message: 404.
  EXPECT_EQ(s.call("POST", "/api/v1/messages/" + ids[0] + "/unread", c.token).status, 409);
  Account out = s.user("Out");
  EXPECT_EQ(s.call("POST", "/api/v1/messages/" + ids[0] + "/unread", out.token).status, 404);
  EXPECT_EQ(s.call("POST", "/api/v1/messages/0000000000000000000000000z/unread", b.token).status, 404);
}

// A member mutes a channel for themselves: its unread messages leave the
// workspace's total and <!channel> stops counting as their mention (their
// own name still does). Only their clients hear of it.
TEST(Chat, MutedChannelsLeaveTheTotalsAndIgnoreAtChannel) {
  TestServer s;
  Chat chat{s};
  auto [a, b, c, ws, cid] = chat.room("bavardage");
  auto ca = connect_events(s, a), cb = connect_events(s, b);
  ASSERT_FALSE(until(*ca, "hello").is_null());
  ASSERT_FALSE(until(*cb, "hello").is_null());
  auto mute = [&](const Account& who, const std::string& payload) {
    return s.call("PUT", "/api/v1/channels/" + cid + "/preferences", who.token, payload);
  };
  auto muted = mute(b, R"({"muted":true})");
  ASSERT_EQ(muted.status, 200) << muted.raw.body;
  EXPECT_TRUE(muted.body.at("muted").as_bool());
  json::value heard = until(*cb, "channel.muted");
  ASSERT_FALSE(heard.is_null());
  EXPECT_EQ(heard.at("data").at("channel_id").as_string(), cid);
  EXPECT_TRUE(heard.at("data").at("muted").as_bool());
  EXPECT_EQ(mute(b, R"({"muted":true})").status, 200);  // again: no change, no event

  chat.posted(a, cid, "des nouvelles");
  chat.posted(a, cid, "<!channel> réunion à 10 h");
  chat.posted(a, cid, "<@" + b.id.str() + "> tu relis ?");
  json::object seen = chat.channel_in_list(b, ws, cid);
  EXPECT_TRUE(seen.at("muted").as_bool());
  EXPECT_EQ(seen.at("unread").as_int64(), 3);
  EXPECT_EQ(seen.at("mentions").as_int64(), 1);
  EXPECT_FALSE(chat.channel_in_list(a, ws, cid).at("muted").as_bool());  // Alice's own view
  auto totals = s.call("GET", "/api/v1/workspaces/" + ws + "/chat/unread", b.token);
  ASSERT_EQ(totals.status, 200);
  EXPECT_EQ(totals.body.at("unread").as_int64(), 0);
  EXPECT_EQ(totals.body.at("mentions").as_int64(), 1);
  // Alice's clients never heard of Bob's choice.
  for (auto m = ca->receive(300); m && m->has_value(); m = ca->receive(300))
    EXPECT_EQ((*m)->find("channel.muted"), std::string::npos) << **m;

  // Not a member of the channel: 409; outside the workspace: 404; bad bodies: 400.
  EXPECT_EQ(mute(c, R"({"muted":true})").status, 409);
  Account out = s.user("Out");
  EXPECT_EQ(mute(out, R"({"muted":true})").status, 404);
  for (const char* bad : {R"({"muted":"yes"})", "{}", "", "[true]"}) EXPECT_EQ(mute(b, bad).status, 400) << bad;

  ASSERT_EQ(mute(b, R"({"muted":false})").status, 200);
  heard = until(*cb, "channel.muted");
  ASSERT_FALSE(heard.is_null());
  EXPECT_FALSE(heard.at("data").at("muted").as_bool());
  totals = s.call("GET", "/api/v1/workspaces/" + ws + "/chat/unread", b.token);
  EXPECT_EQ(totals.body.at("unread").as_int64(), 3);
  EXPECT_EQ(totals.body.at("mentions").as_int64(), 2);
}

TEST(Chat, DirectConversations) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol"), out = s.user("Out");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, b);
  s.join(a, ws, c);
  auto dm = s.call("POST", "/api/v1/workspaces/" + ws + "/direct", a.token,
                   body(json::object{{"user_ids", json::array{json::value(b.id.str())}}}));
  ASSERT_EQ(dm.status, 200) << dm.raw.body;
  std::string cid(dm.body.at("id").as_string());
  auto again = s.call("POST", "/api/v1/workspaces/" + ws + "/direct", b.token,
                      body(json::object{{"user_ids", json::array{json::value(a.id.str())}}}));
  EXPECT_EQ(again.body.at("id").as_string(), cid);  // the same conversation from either side
  chat.posted(b, cid, "entre nous");
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + cid + "/messages", c.token).status, 404);
  auto bad = s.call("POST", "/api/v1/workspaces/" + ws + "/direct", a.token,
                    body(json::object{{"user_ids", json::array{json::value(out.id.str())}}}));
  EXPECT_EQ(bad.status, 400);  // not a member of the workspace
}

TEST(Chat, SearchFindsStemsAndOnlyWhatTheCallerMaySee) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, b);
  std::string pub = chat.channel(a, ws, "général");
  std::string priv = chat.channel(a, ws, "direction", true);
  chat.posted(a, pub, "Les marchés publics seront publiés lundi");
  s.clock().advance_ms(1000);
  chat.posted(a, priv, "Le marché secret de la direction");
  chat.posted(a, pub, "We are running the migration tonight");
  auto search = [&](const Account& who, const std::string& q) {
    auto r = s.call("GET", "/api/v1/search?q=" + http::percent_encode(q), who.token);
    if (r.status != 200) throw std::runtime_error("search: " + r.raw.body);
    return r.body.at("results").as_array();
  };
  // Indexing runs off the posting path, yet a search right after a post
  // finds it: the search first indexes what is still queued.
  auto hits = search(b, "marché");
  ASSERT_EQ(hits.size(), 1u);  // the private channel's message is not Bob's to find
  EXPECT_EQ(hits[0].at("type").as_string(), "message");
  EXPECT_EQ(hits[0].at("workspace_id").as_string(), ws);
  EXPECT_EQ(hits[0].at("channel_id").as_string(), pub);
  EXPECT_EQ(hits[0].at("author_id").as_string(), a.id.str());
  EXPECT_TRUE(hits[0].at("thread_id").is_null());
  EXPECT_TRUE(hits[0].at("in_channel").as_bool());
  EXPECT_FALSE(hits[0].at("created_at").as_string().empty());
  EXPECT_NE(std::string(hits[0].at("snippet").as_string()).find("\xee\x80\x80"), std::string::npos);
  auto both = search(a, "marché");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].at("channel_id").as_string(), priv);  // newest first
  EXPECT_EQ(both[1].at("channel_id").as_string(), pub);
  EXPECT_EQ(search(b, "runs").size(), 1u);  // English stems
  EXPECT_EQ(search(a, "marché").size(), 2u);
  auto filtered = s.call("GET", "/api/v1/search?q=march%C3%A9&channel=" + priv, a.token);
  EXPECT_EQ(filtered.body.at("results").as_array().size(), 1u);
  EXPECT_EQ(s.call("GET", "/api/v1/search?q=", a.token).status, 400);
  // Decoded from %XX, any bytes: what is not UTF-8 is refused (PostgreSQL
  // would refuse it: a 500), in the words and in the filters.
  for (const char* bad :
       {"q=%FF", "q=march%C3", "q=march%C3%A9&path=%C0%AF", "q=march%C3%A9&author=%ED%A0%80"}) {
    auto r = s.call("GET", std::string("/api/v1/search?") + bad, a.token);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.error_code(), "invalid_field") << bad;
  }
  EXPECT_TRUE(search(b, "\"unbalanced (query").empty());  // syntax never leaks through
  EXPECT_TRUE(search(b, "on").empty());  // a stop word alone (French and English) finds nothing
  EXPECT_EQ(search(b, "le marché").size(), 1u);  // beside a word, they are dropped
  Account out = s.user("Out");
  EXPECT_TRUE(search(out, "marché").empty());

  // Alice's other workspace, which Bob is not in: her search reads both
  // (their newest messages merged), Bob's still only his; `workspace` keeps
  // one — the small one, which the full-text index narrows to (a part of
  // the instance's messages under a quarter). The words match bodies only,
  // never the workspace a message is in.
  chat.posted(a, pub, "Deux messages de plus");
  chat.posted(a, pub, "dans le premier espace");
  std::string ws2 = s.workspace(a, "W2", {"chat"});
  s.clock().advance_ms(1000);
  const std::string covered = chat.posted(a, chat.channel(a, ws2, "halles"), "Le marché couvert ouvre");
  auto both_spaces = [&] {
    auto all = search(a, "marché");
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].at("workspace_id").as_string(), ws2);  // newest first, across workspaces
    EXPECT_EQ(all[1].at("channel_id").as_string(), priv);
    EXPECT_EQ(search(b, "marché").size(), 1u);
    auto only = s.call("GET", "/api/v1/search?q=march%C3%A9&workspace=" + ws2, a.token);
    ASSERT_EQ(only.body.at("results").as_array().size(), 1u);
    EXPECT_EQ(only.body.at("results").as_array()[0].at("workspace_id").as_string(), ws2);
    EXPECT_TRUE(search(a, ws).empty());
    EXPECT_TRUE(search(a, ws2 + " marché").empty());
  };
  both_spaces();
  // PostgreSQL narrows its full-text index to the searcher's workspaces
  // unless they hold most of the instance's messages, which it knows once
  // the table is analysed: the same answers either way.
  if (s.platform().db.backend() == db::Backend::postgres) {
    ASSERT_TRUE(s.platform().db.write([](db::Conn& c) -> Result<void> {
      RUCHE_TRY([[maybe_unused]] auto n, c.exec("ANALYZE chat_messages", {}));
      return {};
    }));
    both_spaces();
  }
  // Edited and deleted, in the index as in the message: on SQLite, the
  // message's terms in the index, by column (an edit leaves its workspace's
  // as they were; a deletion leaves none).
  const bool sqlite = s.platform().db.backend() == db::Backend::sqlite;
  auto terms = [&](const std::string& column) {
    auto n = s.platform().db.write([&](db::Conn& c) -> Result<std::int64_t> {
      RUCHE_CHECK(c.exec_script("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING "
                                "fts5vocab(main, chat_messages_fts, 'instance')"));
      RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM temp.fts_terms WHERE col = $1 AND doc = "
                                      "(SELECT rowid FROM chat_messages WHERE id = $2)",
                                      {column, covered}));
      return row ? row->i64(0) : 0;
    });
    return n ? *n : -1;
  };
  const std::int64_t workspace_terms = sqlite ? terms("workspace_id") : 0;
  if (sqlite) {
    EXPECT_GT(workspace_terms, 0);
  }
  ASSERT_EQ(s.call("PATCH", "/api/v1/messages/" + covered, a.token,
                   body(json::object{{"body", "Le marché fermé pour travaux"}})).status, 200);
  EXPECT_TRUE(search(a, "couvert").empty());
  EXPECT_EQ(search(a, "travaux").size(), 1u);
  if (sqlite) {
    EXPECT_EQ(terms("workspace_id"), workspace_terms);
  }
  ASSERT_EQ(s.call("DELETE", "/api/v1/messages/" + covered, a.token).status, 204);
  EXPECT_TRUE(search(a, "travaux").empty());
  EXPECT_EQ(search(a, "marché").size(), 2u);
  if (sqlite) {
    EXPECT_EQ(terms("workspace_id") + terms("body"), 0);
  }
}

// A history written past the service (fast: thousands of messages), oldest
// first, and what reading every message of it finds: the searches' answers
// to compare with.
struct History {
  struct Written {
    std::string workspace, channel, body, id;
    std::string author;  // a user id
  };
  std::vector<Written> written;  // oldest first
  std::set<std::string> hidden;  // channels the searcher may not read

  void add(const std::string& workspace, const std::string& channel, const std::string& body,
           const Account& author) {
    written.push_back({workspace, channel, body, "", author.id.str()});
  }

  // Writes what was added and not yet written, then indexes it (SQLite's
  // full-text index takes messages written past the service now).
  void write(TestServer& s) {
    std::vector<std::string> ids;  // of the body's last run (it may run twice)
    ASSERT_TRUE(s.platform().db.write([&](db::Conn& c) -> Result<void> {
      ids.clear();
      // Each channel's numbers counted here, its last one written once (a
      // round trip per message, not three: PostgreSQL tests write thousands).
      std::map<std::string, std::int64_t> last_seq;
      std::int64_t at = s.clock().now_ms();
      for (const auto& w : written) {
        if (!w.id.empty()) continue;
        chat::Message m;
        m.id = crypto::new_ordered_id_of<chat::MessageId>(++at);
        m.channel_id = chat::ChannelId(w.channel);
        m.workspace_id = WorkspaceId(w.workspace);
        auto [seq, first] = last_seq.try_emplace(w.channel, 0);
        if (first) {
          RUCHE_TRY(auto row, c.query_one("SELECT last_seq FROM chat_channels WHERE id = $1", {w.channel}));
          if (!row) return fail(Errc::not_found, "no such channel");
          seq->second = row->i64(0);
        }
        m.seq = ++seq->second;
        m.author_id = w.author;
        m.body = w.body;
        m.created_at_ms = at;
        RUCHE_CHECK(chat::store::insert_message(c, m));
        ids.push_back(m.id.str());
      }
      for (const auto& [channel, seq] : last_seq) {
        RUCHE_TRY([[maybe_unused]] auto n, c.exec("UPDATE chat_channels SET last_seq = $2, last_message_at_ms = $3 "
                                                  "WHERE id = $1",
                                                  {channel, seq, at}));
      }
      for (int n = 2000; n == 2000;) {
        RUCHE_TRY(n, chat::store::index_pending(c, 2000));
      }
      return {};
    }));
    auto id = ids.begin();
    for (auto& w : written)
      if (w.id.empty()) w.id = *id++;
    s.clock().advance_ms(static_cast<std::int64_t>(ids.size()) + 1);
  }

  // The newest `limit` messages in `in`, not hidden nor `gone`, holding
  // every one of `words`.
  std::vector<std::string> expected(const std::vector<std::string>& in, const std::vector<std::string>& words,
                                    std::size_t limit, const std::set<std::string>& gone = {}) const {
    std::vector<std::string> out;
    for (auto w = written.rbegin(); w != written.rend() && out.size() < limit; ++w) {
      if (std::find(in.begin(), in.end(), w->workspace) == in.end() || hidden.contains(w->channel) ||
          gone.contains(w->id))
        continue;
      if (std::all_of(words.begin(), words.end(),
                      [&](const auto& x) { return (" " + w->body + " ").find(" " + x + " ") != std::string::npos; }))
        out.push_back(w->id);
    }
    return out;
  }
};

// The ids `who`'s search with `query` (a query string) answers, in order.
std::vector<std::string> searched(TestServer& s, const Account& who, const std::string& query) {
  auto r = s.call("GET", "/api/v1/search?" + query, who.token);
  EXPECT_EQ(r.status, 200) << r.raw.body;
  std::vector<std::string> ids;
  if (r.status != 200) return ids;
  for (const auto& h : r.body.at("results").as_array()) ids.push_back(std::string(h.at("id").as_string()));
  return ids;
}

void analyze_on_postgres(TestServer& s) {
  if (s.platform().db.backend() != db::Backend::postgres) return;
  ASSERT_TRUE(s.platform().db.write([](db::Conn& c) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] auto n, c.exec("ANALYZE chat_messages", {}));
    return {};
  }));
}

// PostgreSQL's search looks among the newest 5,000 messages of the
// searcher's workspaces first, then asks its full-text index — unless the
// workspaces hold fewer (their channels' last numbers say so): then the
// search ends there. Both databases answer the same.
TEST(Chat, SearchReadsTheNewestMessagesThenTheIndex) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  const std::string big = s.workspace(a, "Big", {"chat"});
  const std::string small = s.workspace(a, "Small", {"chat"});
  const std::string theirs = s.workspace(b, "Theirs", {"chat"});
  s.join(a, small, b);
  const std::string big_general = chat.channel(a, big, "général");
  const std::string small_general = chat.channel(a, small, "général");
  const std::string small_bob = chat.channel(b, small, "bob", true);  // Bob's alone: not Alice's to find
  const std::string their_general = chat.channel(b, theirs, "général");
  History h;
  h.hidden = {small_bob};
  // Theirs first (6,000: "secret" in each, "commun" in every tenth), then
  // Big (6,000: "ancien" in its 3 oldest, "commun" in every tenth), with
  // Small's 60 (every other in Bob's private channel, "commun" in every
  // other pair) and 30 more of Theirs among Big's last 300.
  for (int i = 0; i < 6000; ++i)
    h.add(theirs, their_general, "secret " + std::string(i % 10 == 0 ? "commun " : "") + std::to_string(i), b);
  for (int i = 0; i < 6000; ++i) {
    h.add(big, big_general,
          std::string(i < 3 ? "ancien " : "") + (i % 10 == 0 ? "commun " : "") + "grand " + std::to_string(i), a);
    if (i >= 5700 && i % 5 == 0)
      h.add(small, i % 10 == 0 ? small_general : small_bob,
            std::string(i % 20 < 10 ? "commun " : "") + "petit " + std::to_string(i), b);
    if (i >= 5700 && i % 10 == 5) h.add(theirs, their_general, "secret commun " + std::to_string(i), b);
  }
  h.write(s);
  // Big's newest "commun" message is deleted: found by neither way.
  const std::string gone = std::find_if(h.written.rbegin(), h.written.rend(), [&](const History::Written& w) {
                             return w.workspace == big && w.body.starts_with("commun ");
                           })->id;
  ASSERT_EQ(s.call("DELETE", "/api/v1/messages/" + gone, a.token).status, 204);
  analyze_on_postgres(s);
  auto expected = [&](const std::vector<std::string>& in, const std::vector<std::string>& words, std::size_t limit) {
    return h.expected(in, words, limit, {gone});
  };
  auto search = [&](const std::string& query) { return searched(s, a, query); };
  // Among the newest: Big's and Small's merged.
  const auto commun = expected({big, small}, {"commun"}, 20);
  ASSERT_EQ(commun.size(), 20u);
  EXPECT_EQ(search("q=commun"), commun);
  EXPECT_EQ(search("q=commun&limit=50"), expected({big, small}, {"commun"}, 50));
  EXPECT_EQ(search("q=commun&channel=" + big_general), expected({big}, {"commun"}, 20));
  // Past the newest 5,000 (Big's 3 oldest), and a word only messages the
  // searcher may not read hold (6,030 of Theirs).
  const auto ancien = search("q=ancien");
  ASSERT_EQ(ancien.size(), 3u);
  EXPECT_EQ(ancien, expected({big}, {"ancien"}, 20));
  EXPECT_EQ(search("q=ancien+commun"), expected({big}, {"ancien", "commun"}, 20));
  EXPECT_TRUE(search("q=secret").empty());
  // As many as the newest hold, and one more asked for.
  const auto few = expected({big, small}, {"petit", "commun"}, 100);
  ASSERT_EQ(few.size(), 15u);
  EXPECT_EQ(search("q=petit+commun&limit=" + std::to_string(few.size() + 1)), few);
  // A workspace of fewer than 5,000 messages, alone: every one is among the
  // newest; its private channel's messages stay Bob's.
  EXPECT_EQ(search("q=commun&workspace=" + small), expected({small}, {"commun"}, 20));
  EXPECT_EQ(search("q=petit&workspace=" + small + "&limit=100"), expected({small}, {"petit"}, 100));
  EXPECT_TRUE(search("q=grand&workspace=" + small).empty());
}

// Bob's workspace "Theirs", and ten more of his that Alice joined, each with
// a public channel and a private one of Bob's alone (hidden from Alice in
// `h`), for searches from many workspaces.
struct TenWorkspaces {
  explicit TenWorkspaces(const std::string& name) {
    for (int i = 0; i < 10; ++i) {
      mine.push_back(s.workspace(b, name + " " + std::to_string(i), {"chat"}));
      s.join(b, mine.back(), a);
      generals.push_back(chat.channel(b, mine.back(), "général"));
      bureaus.push_back(chat.channel(b, mine.back(), "bureau", true));
      h.hidden.insert(bureaus.back());
    }
  }
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string theirs = s.workspace(b, "Theirs", {"chat"});
  std::string their_general = chat.channel(b, theirs, "général");
  std::vector<std::string> mine, generals, bureaus;
  History h;
};

// From many workspaces that hold many messages, SQLite asks its index for
// words few messages of the whole instance hold without narrowing it to the
// workspaces (walking the workspaces' lists beside the words' costs more),
// and narrows it for the others: the same answers either way, on both
// databases.
TEST(Chat, SearchFromManyBigWorkspacesFindsRareAndCommonWords) {
  TenWorkspaces t("Service");
  auto& [s, chat, a, b, theirs, their_general, mine, generals, bureaus, h] = t;
  // 16,000 of Theirs ("commun" in every third, "rare" in every 200th), and
  // among them 5,200 of the ten workspaces' ("commun" in every third, "rare"
  // in 2 of every 100, one in four in Bob's private channels): a quarter of
  // the instance's messages at most, more than 5,000.
  for (int i = 0, j = 0; i < 16000; ++i) {
    h.add(theirs, their_general,
          std::string(i % 3 == 0 ? "commun " : "") + (i % 200 == 5 ? "rare " : "") + "secret " + std::to_string(i),
          b);
    if (i % 40 >= 13) continue;
    const auto k = static_cast<std::size_t>(j % 10);
    h.add(mine[k], j % 4 == 0 ? bureaus[k] : generals[k],
          std::string(j % 3 == 1 ? "commun " : "") + (j % 100 == 42 || j % 100 == 44 ? "rare " : "") + "service " +
              std::to_string(i),
          j % 2 ? a : b);
    ++j;
  }
  h.write(s);
  auto checks = [&] {
    const auto rare = h.expected(mine, {"rare"}, 100);
    ASSERT_EQ(rare.size(), 52u);  // 104, less Bob's private channels' 52
    EXPECT_EQ(searched(s, a, "q=rare"), std::vector<std::string>(rare.begin(), rare.begin() + 20));
    EXPECT_EQ(searched(s, a, "q=rare&limit=100"), rare);
    EXPECT_EQ(searched(s, a, "q=rare+service&limit=100"), rare);
    EXPECT_EQ(searched(s, a, "q=rare&workspace=" + mine[2]), h.expected({mine[2]}, {"rare"}, 20));
    EXPECT_EQ(searched(s, a, "q=commun"), h.expected(mine, {"commun"}, 20));
    EXPECT_EQ(searched(s, a, "q=commun+service&limit=50"), h.expected(mine, {"commun", "service"}, 50));
    EXPECT_TRUE(searched(s, a, "q=secret").empty());  // Theirs' alone
    EXPECT_TRUE(searched(s, a, "q=rare+secret").empty());
  };
  checks();
  analyze_on_postgres(s);
  checks();
}

// SQLite's full-text index gains a segment (an FTS5 b-tree) with each
// indexing transaction, and a search looks its words up in each; once idle,
// the indexer merges them into one: the same answers before and after.
// PostgreSQL's index has none.
TEST(Chat, SearchIndexSegmentsAreMergedWhenIdle) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice");
  const std::string ws = s.workspace(a, "W", {"chat"});
  const std::string general = chat.channel(a, ws, "général");
  auto segments = [&] {
    auto n = s.platform().db.read([](db::Conn& c) { return chat::store::search_segments(c); });
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : -1;
  };
  History h;
  for (int batch = 0; batch < 7; ++batch) {  // seven indexing transactions
    for (int i = 0; i < 30; ++i)
      h.add(ws, general, (i % 3 == 0 ? "budget " : "") + std::string("lot ") + std::to_string(batch), a);
    h.write(s);
  }
  auto search = [&](const std::string& query) { return searched(s, a, query); };
  const auto budget = h.expected({ws}, {"budget"}, 20), lot3 = h.expected({ws}, {"lot", "3"}, 50);
  ASSERT_EQ(budget.size(), 20u);
  ASSERT_EQ(lot3.size(), 30u);
  EXPECT_EQ(search("q=budget"), budget);
  EXPECT_EQ(search("q=lot+3&limit=50"), lot3);
  if (s.platform().db.backend() != db::Backend::sqlite) {
    EXPECT_EQ(segments(), 0);
    return;
  }
  ASSERT_GE(segments(), 4);
  // A post wakes the indexer, which indexes it, finds the index idle and
  // worth merging (at least 4 segments, and its first run), and merges it.
  // (Not its pass at start, which found nothing to index: run late, under
  // load, it once merged the history above before this point.)
  const std::string posted = chat.posted(a, general, "budget du dernier lot");
  for (int i = 0; i < 1000 && segments() != 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(segments(), 1);
  auto after = search("q=budget");
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.front(), posted);
  EXPECT_EQ(std::vector<std::string>(after.begin() + 1, after.end()),
            std::vector<std::string>(budget.begin(), budget.end() - 1));
  EXPECT_EQ(search("q=lot+3&limit=50"), lot3);
  // At most once an hour (`[chat] search_tidy_minutes`): more batches and a
  // post leave the segments be.
  for (int batch = 0; batch < 7; ++batch) {
    h.add(ws, general, "encore " + std::to_string(batch), a);
    h.write(s);
  }
  chat.posted(a, general, "encore un");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the indexer's turn came (~100 ms)
  EXPECT_GE(segments(), 4);
}

// From many workspaces (more than 8) that hold few messages, PostgreSQL asks
// its full-text index at once, narrowed to them, rather than merging their
// newest: the same answers as reading every message, on both databases.
TEST(Chat, SearchFromManyWorkspacesFindsTheirNewestMatches) {
  TenWorkspaces t("Équipe");
  auto& [s, chat, a, b, theirs, their_general, mine, generals, bureaus, h] = t;
  // 3,000 of Theirs ("commun" in every third, "secret" in each), and among
  // them 400 of the ten workspaces' ("commun" in every third, "ancien" in
  // the 3 oldest, one in four in Bob's private channels).
  for (int i = 0, j = 0; i < 3000; ++i) {
    h.add(theirs, their_general, std::string(i % 3 == 0 ? "commun " : "") + "secret " + std::to_string(i), b);
    if (i % 15 != 7 && i % 15 != 14) continue;
    const auto k = static_cast<std::size_t>(j % 10);
    h.add(mine[k], j % 4 == 0 ? bureaus[k] : generals[k],
          std::string(j < 4 ? "ancien " : "") + (j % 3 == 1 ? "commun " : "") + "équipe " + std::to_string(i),
          j % 2 ? a : b);
    ++j;
  }
  h.write(s);
  const auto commun = h.expected(mine, {"commun"}, 100);
  ASSERT_EQ(commun.size(), 100u);
  const std::string gone = commun[1];
  const bool alices = std::find_if(h.written.begin(), h.written.end(), [&](const History::Written& w) {
                        return w.id == gone;
                      })->author == a.id.str();
  ASSERT_EQ(s.call("DELETE", "/api/v1/messages/" + gone, (alices ? a : b).token).status, 204);
  auto checks = [&] {
    EXPECT_EQ(searched(s, a, "q=commun"), h.expected(mine, {"commun"}, 20, {gone}));
    EXPECT_EQ(searched(s, a, "q=commun&limit=50"), h.expected(mine, {"commun"}, 50, {gone}));
    EXPECT_EQ(searched(s, a, "q=commun&channel=" + generals[3]), h.expected({mine[3]}, {"commun"}, 20, {gone}));
    EXPECT_EQ(searched(s, a, "q=commun&workspace=" + mine[5]), h.expected({mine[5]}, {"commun"}, 20, {gone}));
    const auto ancien = h.expected(mine, {"ancien"}, 100, {gone});
    ASSERT_EQ(ancien.size(), 3u);  // the 4 oldest, one in Bob's private channel
    EXPECT_EQ(searched(s, a, "q=ancien"), ancien);
    EXPECT_EQ(searched(s, a, "q=ancien+commun"), h.expected(mine, {"ancien", "commun"}, 20, {gone}));
    EXPECT_TRUE(searched(s, a, "q=secret").empty());  // Theirs' alone
    // Bob reads his private channels and Theirs too.
    std::vector<std::string> all = mine;
    all.push_back(theirs);
    History bobs = h;
    bobs.hidden.clear();
    EXPECT_EQ(searched(s, b, "q=commun+%C3%A9quipe"), bobs.expected(all, {"commun", "équipe"}, 20, {gone}));
  };
  checks();
  analyze_on_postgres(s);  // PostgreSQL now knows how many messages the instance holds
  checks();
}

TEST(Chat, LiveMessagesReachOnlyChannelMembersAndResumeWithoutGaps) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, b);
  s.join(a, ws, c);
  std::string priv = chat.channel(a, ws, "direction", true, {b.id.str()});
  auto cb = connect_events(s, b), cc = connect_events(s, c);
  ASSERT_FALSE(until(*cb, "hello").is_null());
  json::value hello_c = until(*cc, "hello");
  ASSERT_FALSE(hello_c.is_null());
  chat.posted(a, priv, "pour Bob seulement");
  json::value got = until(*cb, "message.created");
  ASSERT_FALSE(got.is_null());
  EXPECT_EQ(got.at("module").as_string(), "chat");
  EXPECT_EQ(got.at("data").at("body").as_string(), "pour Bob seulement");
  // Carol, a workspace member outside the channel, sees nothing of it, even
  // when she resumes from the beginning.
  ASSERT_TRUE(cc->send(json::serialize(json::object{{"type", "resume"}, {"workspace_id", ws}, {"since", 0}})));
  for (auto m = cc->receive(500); m && m->has_value(); m = cc->receive(500))
    EXPECT_EQ((*m)->find("pour Bob"), std::string::npos) << **m;

  // Carol steps over the channel's sequence numbers and still gets the
  // workspace's own events in order.
  for (int i = 0; i < 5; ++i) chat.posted(a, priv, "still not for Carol " + std::to_string(i));
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + ws, a.token, body(json::object{{"name", "Renamed"}})).status, 200);
  json::value renamed = until(*cc, "workspace.updated");
  ASSERT_FALSE(renamed.is_null());
  EXPECT_EQ(renamed.at("data").at("name").as_string(), "Renamed");
  json::value seen_by_bob = until(*cb, "workspace.updated");
  ASSERT_FALSE(seen_by_bob.is_null());

  // Bob disconnects, misses 20 messages, and resumes: all of them, in order.
  std::int64_t last = seen_by_bob.at("seq").as_int64();
  cb->close();
  for (int i = 0; i < 20; ++i) chat.posted(a, priv, "missed " + std::to_string(i));
  cb = connect_events(s, b);
  ASSERT_FALSE(until(*cb, "hello").is_null());
  ASSERT_TRUE(cb->send(json::serialize(json::object{{"type", "resume"}, {"workspace_id", ws}, {"since", last}})));
  for (int i = 0; i < 20; ++i) {
    json::value e = until(*cb, "message.created");
    ASSERT_FALSE(e.is_null()) << i;
    EXPECT_EQ(e.at("data").at("body").as_string(), "missed " + std::to_string(i));
  }
  // Removed from the channel: its messages stop at once.
  ASSERT_EQ(s.call("DELETE", "/api/v1/channels/" + priv + "/members/" + b.id.str(), a.token).status, 204);
  ASSERT_FALSE(until(*cb, "channel.member_removed").is_null());
  chat.posted(a, priv, "after Bob left");
  for (auto m = cb->receive(500); m && m->has_value(); m = cb->receive(500))
    EXPECT_EQ((*m)->find("after Bob left"), std::string::npos);
  EXPECT_EQ(s.call("GET", "/api/v1/channels/" + priv + "/messages", b.token).status, 404);
}

TEST(Chat, TypingIndicatorsAreEphemeralAndScoped) {
  TestServer s;
  Chat chat{s};
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol");
  std::string ws = s.workspace(a, "W", {"chat"});
  s.join(a, ws, b);
  s.join(a, ws, c);
  std::string priv = chat.channel(a, ws, "binôme", true, {b.id.str()});
  auto ca = connect_events(s, a), cb = connect_events(s, b), cc = connect_events(s, c);
  for (auto* w : {ca.get(), cb.get(), cc.get()}) ASSERT_FALSE(until(*w, "hello").is_null());
  ASSERT_TRUE(ca->send(json::serialize(
      json::object{{"type", "chat.typing"}, {"workspace_id", ws}, {"channel_id", priv}})));
  json::value t = until(*cb, "chat.typing");
  ASSERT_FALSE(t.is_null());
  EXPECT_EQ(t.at("seq").as_int64(), 0);
  EXPECT_EQ(t.at("data").at("user_id").as_string(), a.id.str());
  EXPECT_TRUE(until(*cc, "chat.typing", 500).is_null());
  // Not stored: a resume does not replay it.
  auto events = s.call("GET", "/api/v1/workspaces/" + ws + "/events?since=0&limit=500", b.token);
  EXPECT_EQ(events.raw.body.find("chat.typing"), std::string::npos);
}

// Channels imported before imports raised their counters (migration 0029):
// one whose last number was below its last message's is raised to it, the
// others are left as they are.
TEST(Chat, MigrationRaisesChannelCountersBelowTheirMessages) {
  auto db = db::testing::open_test_database();
  const std::vector<db::Migration>& all = db::embedded_migrations(db->backend());
  std::vector<db::Migration> before;
  for (const auto& m : all)
    if (m.version < 29) before.push_back(m);
  ASSERT_TRUE(db::migrate(*db, before));
  ASSERT_TRUE(db->write([](db::Conn& c) -> Result<void> {
    RUCHE_CHECK(c.exec_script(
        "INSERT INTO workspaces (id, name, created_by, created_at_ms) VALUES ('w1', 'W', 'u1', 0);"
        "INSERT INTO chat_channels (id, workspace_id, kind, name, created_by, created_at_ms, last_seq) VALUES "
        "('low', 'w1', 'public', 'low', 'u1', 0, 2), ('high', 'w1', 'public', 'high', 'u1', 0, 9), "
        "('empty', 'w1', 'public', 'empty', 'u1', 0, 0);"));
    for (const auto& [channel, n] : {std::pair<std::string, int>{"low", 5}, {"high", 3}})
      for (int seq = 1; seq <= n; ++seq) {
        RUCHE_TRY([[maybe_unused]] auto k,
                  c.exec("INSERT INTO chat_messages (id, channel_id, workspace_id, seq, author_id, body, "
                         "created_at_ms) VALUES ($1, $2, 'w1', $3, 'u1', 'x', 0)",
                         {channel + std::to_string(seq), channel, seq}));
      }
    return {};
  }));
  ASSERT_EQ(db::migrate(*db, all).value_or(-1), static_cast<int>(all.size() - before.size()));
  std::map<std::string, std::int64_t> last;
  ASSERT_TRUE(db->read([&](db::Conn& c) {
    return c.each("SELECT id, last_seq FROM chat_channels", {}, [&](const db::Row& r) {
      last[r.text(0)] = r.i64(1);
      return true;
    });
  }));
  EXPECT_EQ(last, (std::map<std::string, std::int64_t>{{"low", 5}, {"high", 9}, {"empty", 0}}));
}

}  // namespace
}  // namespace ruche::testing
