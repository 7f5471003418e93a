#include "platform/event_order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace ruche::platform {
namespace {

using namespace std::chrono_literals;
using T = EventOrder::Clock::time_point;

bus::Event ev(std::string ws, std::int64_t seq) {
  return bus::Event{.workspace_id = std::move(ws), .seq = seq, .type = "t", .data = "{}"};
}

// A fill that finds nothing.
const auto none = [](const std::string&, std::int64_t, std::int64_t) { return std::vector<bus::Event>{}; };

std::vector<std::int64_t> seqs(const std::vector<bus::Event>& v) {
  std::vector<std::int64_t> out;
  for (const auto& e : v) out.push_back(e.seq);
  return out;
}

TEST(EventOrder, AnEarlyEventWaitsForTheOneBeforeIt) {
  EventOrder order;
  T t0{};
  std::vector<bus::Event> out;
  order.push(ev("w", 1), t0, out);
  order.push(ev("w", 2), t0, out);
  EXPECT_EQ(seqs(out), (std::vector<std::int64_t>{1, 2}));
  out.clear();
  order.push(ev("w", 4), t0, out);
  order.push(ev("w", 5), t0, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(order.held(), 2u);
  EXPECT_EQ(order.next_deadline(), t0 + 25ms);
  // Other workspaces, ephemeral and control events are not held behind it.
  order.push(ev("other", 7), t0, out);
  order.push(ev("w", 0), t0, out);
  order.push(bus::Event{.type = "credentials.revoked"}, t0, out);
  EXPECT_EQ(seqs(out), (std::vector<std::int64_t>{7, 0, 0}));
  out.clear();
  order.push(ev("w", 3), t0 + 1ms, out);
  EXPECT_EQ(seqs(out), (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_EQ(order.held(), 0u);
  EXPECT_FALSE(order.next_deadline());
}

TEST(EventOrder, ALostEventHoldsTheNextOnesForTheWaitOnly) {
  EventOrder order(25ms);
  T t0{};
  std::vector<bus::Event> out;
  order.push(ev("w", 10), t0, out);
  order.push(ev("w", 12), t0, out);
  order.push(ev("w", 14), t0 + 10ms, out);
  order.expire(t0 + 24ms, out, none);
  EXPECT_EQ(seqs(out), (std::vector<std::int64_t>{10}));
  EXPECT_EQ(order.next_deadline(), t0 + 25ms);
  order.expire(t0 + 25ms, out, none);  // 12's wait is over; 14 still waits for 13
  EXPECT_EQ(seqs(out), (std::vector<std::int64_t>{10, 12}));
  EXPECT_EQ(order.next_deadline(), t0 + 35ms);
  order.push(ev("w", 11), t0 + 30ms, out);  // late: its successor went without it
  order.push(ev("w", 13), t0 + 30ms, out);
  EXPECT_EQ(seqs(out), (std::vector<std::int64_t>{10, 12, 11, 13, 14}));
  EXPECT_FALSE(order.next_deadline());
}

// When the wait runs out, the missing events are asked for once, and go out
// in their place.
TEST(EventOrder, MissingEventsAreFilledOnceWhenTheWaitRunsOut) {
  EventOrder order(25ms);
  T t0{};
  std::vector<bus::Event> out;
  order.push(ev("w", 1), t0, out);
  order.push(ev("w", 4), t0, out);
  order.push(ev("w", 7), t0 + 5ms, out);
  std::vector<std::pair<std::int64_t, std::int64_t>> asked;
  auto fill = [&](const std::string& ws, std::int64_t from, std::int64_t to) {
    asked.emplace_back(from, to);
    std::vector<bus::Event> found;
    for (std::int64_t s = from; s <= to; ++s)
      if (s != 6) found.push_back(ev(ws, s));  // 6 cannot be found
    found.push_back(ev("w", 9));            // outside what was asked: ignored
    return found;
  };
  order.expire(t0 + 25ms, out, fill);  // 4's wait is over: 2 and 3 asked for
  EXPECT_EQ(seqs(out), (std::vector<std::int64_t>{1, 2, 3, 4}));
  order.expire(t0 + 30ms, out, fill);  // 7's: 5 and 6 asked for, 6 not found
  EXPECT_EQ(seqs(out), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 7}));
  EXPECT_EQ(asked, (std::vector<std::pair<std::int64_t, std::int64_t>>{{2, 3}, {5, 6}}));
  EXPECT_EQ(order.held(), 0u);
}

TEST(EventOrder, HoldsABoundedNumberOfEvents) {
  EventOrder order(25ms, 3);
  T t0{};
  std::vector<bus::Event> out;
  order.push(ev("w", 1), t0, out);
  for (std::int64_t s : {3, 4, 5}) order.push(ev("w", s), t0, out);
  EXPECT_EQ(seqs(out), (std::vector<std::int64_t>{1}));
  order.push(ev("w", 7), t0, out);  // over the bound: everything up to it goes
  EXPECT_EQ(seqs(out), (std::vector<std::int64_t>{1, 3, 4, 5, 7}));
  EXPECT_EQ(order.held(), 0u);
}

// Shuffled within small windows, as threads and nodes reorder them, the
// events of several workspaces come out in order, all of them, none twice.
TEST(EventOrder, ShuffledArrivalsComeOutInOrder) {
  std::mt19937 rng(7);
  EventOrder order;
  T t0{};
  std::vector<bus::Event> in;
  for (std::int64_t s = 1; s <= 3000; ++s)
    for (const char* ws : {"a", "b", "c"}) in.push_back(ev(ws, s));
  for (std::size_t i = 0; i + 8 <= in.size(); i += 8)
    std::shuffle(in.begin() + static_cast<std::ptrdiff_t>(i), in.begin() + static_cast<std::ptrdiff_t>(i + 8), rng);
  // The very first of each workspace must come first (nothing to wait for
  // before it): put them in front.
  std::stable_partition(in.begin(), in.end(), [](const bus::Event& e) { return e.seq == 1; });
  std::vector<bus::Event> out;
  for (auto& e : in) order.push(std::move(e), t0, out);
  EXPECT_EQ(order.held(), 0u);
  std::map<std::string, std::vector<std::int64_t>> by_ws;
  for (const auto& e : out) by_ws[e.workspace_id].push_back(e.seq);
  ASSERT_EQ(by_ws.size(), 3u);
  for (const auto& [ws, v] : by_ws) {
    ASSERT_EQ(v.size(), 3000u) << ws;
    for (std::size_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i], static_cast<std::int64_t>(i + 1)) << ws;
  }
}

}  // namespace
}  // namespace ruche::platform
