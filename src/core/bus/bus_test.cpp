#include <gtest/gtest.h>

#include "core/bus/bus.hpp"

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

}  // namespace
}  // namespace ruche::bus
