// claim_run on SQLite (platform_db_test) and PostgreSQL (platform_db_pg_test).
#include "platform/maintenance.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

#include "core/db/testing.hpp"

namespace ruche::platform {
namespace {

constexpr std::int64_t kMinute = 60'000;

TEST(Maintenance, OneRunPerIntervalWhoeverAsks) {
  auto db = db::testing::open_migrated_test_database();
  const std::int64_t t0 = 1'800'000'000'000;
  EXPECT_TRUE(*claim_run(*db, "files.maintenance", 10 * kMinute, t0));
  EXPECT_FALSE(*claim_run(*db, "files.maintenance", 10 * kMinute, t0));  // the same moment
  EXPECT_FALSE(*claim_run(*db, "files.maintenance", 10 * kMinute, t0 + 9 * kMinute));  // too soon
  EXPECT_TRUE(*claim_run(*db, "blob.gc", 10 * kMinute, t0));  // another task
  EXPECT_TRUE(*claim_run(*db, "files.maintenance", 10 * kMinute, t0 + 10 * kMinute));
  EXPECT_FALSE(*claim_run(*db, "files.maintenance", 10 * kMinute, t0 + 15 * kMinute));
  // A run forced by hand always goes, and counts as the latest.
  EXPECT_TRUE(*claim_run(*db, "files.maintenance", 0, t0 + 15 * kMinute));
  EXPECT_FALSE(*claim_run(*db, "files.maintenance", 10 * kMinute, t0 + 24 * kMinute));
  EXPECT_TRUE(*claim_run(*db, "files.maintenance", 10 * kMinute, t0 + 25 * kMinute));
}

TEST(Maintenance, OfNodesClaimingTogetherOneWins) {
  auto db = db::testing::open_migrated_test_database();
  constexpr int kNodes = 8;
  for (int round = 0; round < 5; ++round) {
    std::atomic<int> won{0}, failed{0};
    std::barrier start(kNodes);
    std::vector<std::thread> nodes;
    for (int i = 0; i < kNodes; ++i) {
      nodes.emplace_back([&] {
        start.arrive_and_wait();
        auto r = claim_run(*db, "blob.gc", 5 * kMinute, 1'800'000'000'000 + round * 10 * kMinute);
        if (!r)
          ++failed;
        else if (*r)
          ++won;
      });
    }
    for (auto& t : nodes) t.join();
    EXPECT_EQ(failed.load(), 0);
    EXPECT_EQ(won.load(), 1) << "round " << round;
  }
}

TEST(Maintenance, TheClaimIntervalIsUnderThePeriod) {
  EXPECT_EQ(claim_interval(10 * kMinute), 9 * kMinute);
  EXPECT_EQ(claim_interval(0), 0);
}

}  // namespace
}  // namespace ruche::platform
