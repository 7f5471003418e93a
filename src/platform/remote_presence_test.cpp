#include "platform/remote_presence.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ruche::platform {
namespace {

using namespace std::chrono_literals;
using T = RemotePresence::Clock::time_point;

TEST(RemotePresence, TheBestViewOfAllNodesWinsWhateverTheOrder) {
  RemotePresence p(30s);
  T t0{};
  EXPECT_EQ(p.status("bob"), "");
  EXPECT_TRUE(p.update("B", "bob", "away", {"w1"}, t0));
  EXPECT_EQ(p.status("bob"), "away");
  EXPECT_TRUE(p.update("C", "bob", "online", {"w1"}, t0));
  EXPECT_EQ(p.status("bob"), "online");
  // C says offline first, then B says offline: away in between, offline at the end.
  EXPECT_TRUE(p.update("C", "bob", "offline", {"w1"}, t0));
  EXPECT_EQ(p.status("bob"), "away");
  EXPECT_FALSE(p.update("C", "bob", "offline", {"w1"}, t0));  // nothing new
  EXPECT_TRUE(p.update("B", "bob", "offline", {"w1"}, t0));
  EXPECT_EQ(p.status("bob"), "");
  // The other order ends the same.
  p.update("B", "bob", "online", {"w1"}, t0);
  p.update("C", "bob", "online", {"w1"}, t0);
  EXPECT_FALSE(p.update("B", "bob", "offline", {"w1"}, t0));  // C still has him
  EXPECT_TRUE(p.update("C", "bob", "offline", {"w1"}, t0));
  EXPECT_EQ(p.status("bob"), "");
  EXPECT_EQ(best_presence("away", "online"), "online");
  EXPECT_EQ(best_presence("", "away"), "away");
  EXPECT_EQ(best_presence("", "offline"), "");
}

TEST(RemotePresence, StatusesAreKnownOnlyInTheWorkspacesTheyCameWith) {
  RemotePresence p(30s);
  T t0{};
  p.update("B", "bob", "online", {"w1"}, t0);
  p.update("B", "bob", "online", {"w2"}, t0);  // the same change, announced in another workspace
  EXPECT_EQ(p.status("bob", "w1"), "online");
  EXPECT_EQ(p.status("bob", "w2"), "online");
  EXPECT_EQ(p.status("bob", "w3"), "");
  EXPECT_EQ(p.workspaces("bob"), (std::vector<std::string>{"w1", "w2"}));
  // A new status starts its workspaces afresh.
  p.update("B", "bob", "away", {"w2"}, t0);
  EXPECT_EQ(p.status("bob", "w1"), "");
  EXPECT_EQ(p.status("bob", "w2"), "away");
}

TEST(RemotePresence, ViewsNotRepeatedWithinTheTtlOrOfAStoppedNodeGo) {
  RemotePresence p(30s);
  T t0{};
  p.update("B", "bob", "online", {"w"}, t0);
  p.update("C", "bob", "away", {"w"}, t0);
  p.update("C", "carol", "online", {"w"}, t0);
  p.update("C", "bob", "away", {"w"}, t0 + 20s);  // C's snapshot repeats it
  EXPECT_TRUE(p.prune(t0 + 30s).empty());
  auto gone = p.prune(t0 + 31s);  // B's view of bob, C's first view of carol
  std::sort(gone.begin(), gone.end());
  EXPECT_EQ(gone, (std::vector<std::string>{"bob", "carol"}));
  EXPECT_EQ(p.status("bob"), "away");
  EXPECT_EQ(p.status("carol"), "");
  EXPECT_EQ(p.forget_node("C"), (std::vector<std::string>{"bob"}));
  EXPECT_EQ(p.status("bob"), "");
  EXPECT_TRUE(p.forget_node("C").empty());
}

}  // namespace
}  // namespace ruche::platform
