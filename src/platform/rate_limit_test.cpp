#include <gtest/gtest.h>

#include "platform/rate_limit.hpp"

namespace ruche::platform {
namespace {

TEST(RateLimiter, AllowsABurstThenTheRate) {
  ManualClock clock;
  RateLimiter rl(clock, 10, 5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(rl.allow("alice"));
  EXPECT_FALSE(rl.allow("alice"));
  EXPECT_EQ(rl.retry_after_ms("alice"), 100);
  EXPECT_TRUE(rl.allow("bob"));  // one user's flood does not touch another
  clock.advance_ms(100);
  EXPECT_TRUE(rl.allow("alice"));
  EXPECT_FALSE(rl.allow("alice"));
  clock.advance_ms(10'000);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(rl.allow("alice"));  // capped at the burst
  EXPECT_FALSE(rl.allow("alice"));
}

TEST(RateLimiter, ATransactionChecksThenTakesOnceItCommits) {
  ManualClock clock;
  RateLimiter rl(clock, 1, 5);
  EXPECT_TRUE(rl.has("alice", 5));
  EXPECT_TRUE(rl.has("alice", 5));  // checking takes nothing: a rerun finds the same
  EXPECT_FALSE(rl.has("alice", 6));
  rl.take("alice", 4);
  EXPECT_TRUE(rl.has("alice", 1));
  EXPECT_FALSE(rl.has("alice", 2));
  rl.take("alice", 3);  // two that overshot together: empty, not in debt
  EXPECT_FALSE(rl.allow("alice"));
  EXPECT_EQ(rl.retry_after_ms("alice", 2), 2'000);
  EXPECT_EQ(rl.retry_after_ms("alice", 9), 5'000) << "never more than a full bucket's wait";
  clock.advance_ms(1'000);
  EXPECT_TRUE(rl.allow("alice"));
}

// The wall clock set back an hour: the bucket neither fills nor empties for
// it, and fills again as time passes from there.
TEST(RateLimiter, AClockSetBackTakesNothing) {
  ManualClock clock;
  RateLimiter rl(clock, 10, 5);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.allow("alice"));
  clock.advance_ms(-3'600'000);
  EXPECT_TRUE(rl.has("alice", 2));
  EXPECT_FALSE(rl.has("alice", 3));
  EXPECT_EQ(rl.retry_after_ms("alice", 3), 100);
  clock.advance_ms(100);
  EXPECT_TRUE(rl.has("alice", 3));
}

}  // namespace
}  // namespace ruche::platform
