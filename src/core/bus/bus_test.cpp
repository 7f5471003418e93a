#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <nats/nats.h>

#include "core/bus/bus.hpp"
#include "core/crypto/aead.hpp"
#include "core/bus/nats_bus.hpp"
#include "core/bus/testing.hpp"

namespace ruche::bus {
namespace {

TEST(LocalBus, DeliversToEverySubscriberInOrderUntilUnsubscribed) {
  LocalBus bus;
  std::vector<std::string> a, b;
  auto ia = bus.subscribe([&](const Event& e) { a.push_back(e.type); });
  bus.subscribe([&](const Event& e) { b.push_back(e.type); });
  bus.publish(Event{.type = "one"});
  bus.publish(Event{.type = "two"});
  bus.unsubscribe(ia);
  bus.publish(Event{.type = "three"});
  EXPECT_EQ(a, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(b, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(LocalBus, SubscribersMayUnsubscribeWhileBeingCalled) {
  LocalBus bus;
  int calls = 0;
  std::uint64_t id = 0;
  id = bus.subscribe([&](const Event&) {
    ++calls;
    bus.unsubscribe(id);
  });
  bus.publish(Event{});
  bus.publish(Event{});
  EXPECT_EQ(calls, 1);
}

const std::string kKey(32, 'k');

TEST(NatsBusCodec, RoundTripsEveryFieldAndRefusesAnythingElse) {
  Event e{.workspace_id = "w1", .seq = 42, .type = "message.created", .module = "chat",
          .audience = {"u1", "u2"}, .scope = "c1", .data = R"({"text":"été \"quoted\""})",
          .created_at_ms = 1'800'000'000'123};
  auto back = decode(encode(e));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->workspace_id, e.workspace_id);
  EXPECT_EQ(back->seq, e.seq);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->module, e.module);
  EXPECT_EQ(back->audience, e.audience);
  EXPECT_EQ(back->scope, e.scope);
  EXPECT_EQ(back->data, e.data);
  EXPECT_EQ(back->created_at_ms, e.created_at_ms);
  for (std::string_view bad :
       {"", "[]", "{}", "null", R"({"w":"","s":1,"t":"x","m":"","a":[],"sc":"","d":"{}"})",
        R"({"w":"","s":"1","t":"x","m":"","a":[],"sc":"","d":"{}","c":0})",
        R"({"w":"","s":1,"t":"","m":"","a":[],"sc":"","d":"{}","c":0})",
        R"({"w":"","s":1,"t":"x","m":"","a":[1],"sc":"","d":"{}","c":0})",
        R"({"w":"","s":1,"t":"x","m":"","a":[],"sc":"","d":{},"c":0})"})
    EXPECT_FALSE(decode(bad)) << bad;
  EXPECT_FALSE(decode(std::string(2 << 20, ' ')));
}

// What a subscriber saw, waited for from the test's thread.
class Seen {
 public:
  void add(const Event& e) {
    std::lock_guard lock(mu_);
    events_.push_back(e);
    cv_.notify_all();
  }
  // Waits (10 s at most) until `pred` holds over what was seen.
  template <class Pred>
  bool wait(Pred pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return pred(events_); });
  }
  std::vector<Event> all() {
    std::lock_guard lock(mu_);
    return events_;
  }
  std::size_t count(std::string_view type) {
    std::lock_guard lock(mu_);
    return static_cast<std::size_t>(
        std::count_if(events_.begin(), events_.end(), [&](const Event& e) { return e.type == type; }));
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

auto types_count(std::string_view type, std::size_t n) {
  return [type = std::string(type), n](const std::vector<Event>& v) {
    return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](const Event& e) { return e.type == type; })) >= n;
  };
}

// Waits (10 s at most) until `bus` has rejected `n` messages.
bool eventually_rejected(const NatsBus& bus, std::uint64_t n) {
  for (int i = 0; i < 1000 && bus.stats().rejected < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return bus.stats().rejected >= n;
}

TEST(NatsBus, EventsOfOneNodeReachTheOthersOnceAndInOrder) {
  testing::NatsServer nats;
  auto a = NatsBus::connect({.url = nats.url(), .key = kKey});
  auto b = NatsBus::connect({.url = nats.url(), .key = kKey});
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  Seen on_a, on_b;
  (*a)->subscribe([&](const Event& e) { on_a.add(e); });
  (*b)->subscribe([&](const Event& e) { on_b.add(e); });
  constexpr int kEvents = 2000;
  for (int i = 1; i <= kEvents; ++i)
    (*a)->publish(Event{.workspace_id = "w", .seq = i, .type = "n", .audience = {"u" + std::to_string(i)},
                        .data = "{}", .created_at_ms = i});
  (*b)->publish(Event{.type = "from.b", .data = "{}"});
  ASSERT_TRUE(on_b.wait(types_count("n", kEvents)));
  ASSERT_TRUE(on_a.wait(types_count("from.b", 1)));
  auto got = on_b.all();
  std::int64_t expect = 1;
  for (const auto& e : got) {
    if (e.type != "n") continue;
    EXPECT_EQ(e.seq, expect);
    EXPECT_EQ(e.audience, std::vector<std::string>{"u" + std::to_string(expect)});
    ++expect;
  }
  // Each node delivered its own events once, not again through NATS.
  (*a)->publish(Event{.type = "last", .data = "{}"});
  ASSERT_TRUE(on_b.wait(types_count("last", 1)));
  EXPECT_EQ(on_a.count("n"), static_cast<std::size_t>(kEvents));
  EXPECT_EQ(on_b.count("from.b"), 1u);
  EXPECT_EQ((*a)->stats().sent, static_cast<std::uint64_t>(kEvents + 1));
  EXPECT_EQ((*b)->stats().received, static_cast<std::uint64_t>(kEvents + 1));
}

TEST(NatsBus, ALostLinkResetsSubscribersAndEventsFlowAgainOnceBack) {
  testing::NatsServer nats;
  auto a = NatsBus::connect({.url = nats.url(), .key = kKey, .reconnect_wait_ms = 50});
  auto b = NatsBus::connect({.url = nats.url(), .key = kKey, .reconnect_wait_ms = 50});
  ASSERT_TRUE(a && b);
  Seen on_b;
  (*b)->subscribe([&](const Event& e) { on_b.add(e); });
  nats.stop();
  ASSERT_TRUE(on_b.wait(types_count(kReset, 1)));  // disconnected
  nats.start();
  ASSERT_TRUE(on_b.wait(types_count(kReset, 2)));  // reconnected
  // Both have reconnected once a round trip through each works.
  for (int i = 0; i < 200 && on_b.count("again") == 0; ++i) {
    (*a)->publish(Event{.type = "again", .data = "{}"});
    on_b.wait([&](const std::vector<Event>& v) {
      return std::any_of(v.begin(), v.end(), [](const Event& e) { return e.type == "again"; });
    });
  }
  EXPECT_GE(on_b.count("again"), 1u);
  EXPECT_GE((*b)->stats().resets, 2u);
  // A reset is this node's own news: never sent to the others. (A's own
  // "reconnected" reset may still reach on_a: its handler runs on libnats'
  // thread, possibly after A could already publish; it carries a reason.)
  Seen on_a;
  (*a)->subscribe([&](const Event& e) { on_a.add(e); });
  (*b)->publish(Event{.type = std::string(kReset), .data = R"({"from":"b"})"});
  (*b)->publish(Event{.type = "after", .data = "{}"});
  ASSERT_TRUE(on_a.wait(types_count("after", 1)));
  for (const Event& e : on_a.all()) EXPECT_NE(e.data, R"({"from":"b"})") << e.type;
}

// Messages are sealed under the instance's key: a publisher without it (a
// node of another instance, anything else on the NATS server) is neither
// read nor believed.
TEST(NatsBus, OnlyNodesWithTheKeyAreHeard) {
  testing::NatsServer nats;
  auto a = NatsBus::connect({.url = nats.url(), .key = kKey});
  auto b = NatsBus::connect({.url = nats.url(), .key = kKey});
  auto stranger = NatsBus::connect({.url = nats.url(), .key = std::string(32, 'x')});
  ASSERT_TRUE(a && b && stranger);
  Seen on_a, on_stranger;
  (*a)->subscribe([&](const Event& e) { on_a.add(e); });
  (*stranger)->subscribe([&](const Event& e) { on_stranger.add(e); });
  (*stranger)->publish(Event{.type = "member.removed", .data = "{}"});
  (*b)->publish(Event{.type = "secret", .data = R"({"text":"entre nous"})"});
  ASSERT_TRUE(on_a.wait(types_count("secret", 1)));
  EXPECT_EQ(on_a.count("member.removed"), 0u);
  EXPECT_TRUE(eventually_rejected(**a, 1));
  EXPECT_TRUE(eventually_rejected(**stranger, 1));
  EXPECT_EQ(on_stranger.count("secret"), 0u);
}

// What travels on NATS is sealed (no event text in it), and a captured
// message sent again by someone on NATS is refused: each node numbers what
// it sends.
TEST(NatsBus, MessagesAreOpaqueOnTheWireAndReplaysAreRefused) {
  testing::NatsServer nats;
  auto a = NatsBus::connect({.url = nats.url(), .key = kKey});
  auto b = NatsBus::connect({.url = nats.url(), .key = kKey});
  ASSERT_TRUE(a && b);
  Seen on_b;
  (*b)->subscribe([&](const Event& e) { on_b.add(e); });
  natsConnection* raw = nullptr;
  natsSubscription* tap = nullptr;
  ASSERT_EQ(natsConnection_ConnectTo(&raw, nats.url().c_str()), NATS_OK);
  ASSERT_EQ(natsConnection_SubscribeSync(&tap, raw, "ruche.events"), NATS_OK);
  ASSERT_EQ(natsConnection_FlushTimeout(raw, 5000), NATS_OK);
  (*a)->publish(Event{.workspace_id = "w", .seq = 1, .type = "once", .data = R"({"body":"confidentiel"})"});
  ASSERT_TRUE(on_b.wait(types_count("once", 1)));
  natsMsg* captured = nullptr;
  ASSERT_EQ(natsSubscription_NextMsg(&captured, tap, 5000), NATS_OK);
  std::string wire(natsMsg_GetData(captured), static_cast<std::size_t>(natsMsg_GetDataLength(captured)));
  natsMsg_Destroy(captured);
  EXPECT_EQ(wire.find("confidentiel"), std::string::npos);
  EXPECT_EQ(wire.find("once"), std::string::npos);
  // Sent again, twice: refused both times; the next real one still goes.
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(natsConnection_Publish(raw, "ruche.events", wire.data(), static_cast<int>(wire.size())), NATS_OK);
  ASSERT_EQ(natsConnection_FlushTimeout(raw, 5000), NATS_OK);
  EXPECT_TRUE(eventually_rejected(**b, 2));
  (*a)->publish(Event{.type = "next", .data = "{}"});
  ASSERT_TRUE(on_b.wait(types_count("next", 1)));
  EXPECT_EQ(on_b.count("once"), 1u);
  // From a node not heard before (one that just started): accepted when
  // recent, refused when older than the 5-minute window.
  auto crafted = [&](std::string_view node, std::int64_t sent_ms, std::string_view type) {
    std::string plain = std::string(node) + " 1 " + std::to_string(sent_ms) + "\n" +
                        encode(Event{.type = std::string(type), .data = "{}"});
    return crypto::seal(kKey, plain, "ruche.events");
  };
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count();
  for (const auto& text : {crafted("oldnode", now_ms - 6 * 60'000, "stale"), crafted("newnode", now_ms, "fresh")})
    ASSERT_EQ(natsConnection_Publish(raw, "ruche.events", text.data(), static_cast<int>(text.size())), NATS_OK);
  ASSERT_EQ(natsConnection_FlushTimeout(raw, 5000), NATS_OK);
  ASSERT_TRUE(on_b.wait(types_count("fresh", 1)));
  EXPECT_EQ(on_b.count("stale"), 0u);
  EXPECT_EQ((*b)->stats().rejected, 3u);
  natsSubscription_Destroy(tap);
  natsConnection_Destroy(raw);
}

TEST(NatsBus, RefusesToStartWithoutItsServerAndStopsCleanly) {
  std::string url;
  {
    testing::NatsServer nats;
    url = nats.url();
    auto a = NatsBus::connect({.url = url, .key = kKey});
    ASSERT_TRUE(a);
    std::atomic<int> calls{0};
    (*a)->subscribe([&](const Event&) { calls++; });
    auto b = NatsBus::connect({.url = url, .key = kKey});
    ASSERT_TRUE(b);
    std::thread flood([&] {
      for (int i = 0; i < 20000; ++i) (*b)->publish(Event{.type = "flood", .data = "{}"});
    });
    (*a)->stop();  // while events arrive
    int after_stop = calls.load();
    flood.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(calls.load(), after_stop);
  }
  {
    // Stopping while the server is down does not wait for it.
    testing::NatsServer nats;
    auto d = NatsBus::connect({.url = nats.url(), .key = kKey, .reconnect_wait_ms = 50});
    ASSERT_TRUE(d);
    nats.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (*d)->publish(Event{.type = "while.down", .data = "{}"});
    d->reset();
  }
  auto c = NatsBus::connect({.url = url, .key = kKey});  // the server is gone
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::unavailable);
  EXPECT_FALSE(NatsBus::connect({.url = "", .key = kKey}));
  EXPECT_FALSE(NatsBus::connect({.url = url, .subject = "ruche.*", .key = kKey}));
  EXPECT_FALSE(NatsBus::connect({.url = url}));  // no key
}

}  // namespace
}  // namespace ruche::bus
