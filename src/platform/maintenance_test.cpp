// claim_run and PeriodicTask on SQLite (platform_db_test) and PostgreSQL
// (platform_db_pg_test).
#include "platform/maintenance.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
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

// Polls `done` for up to 10 s of real time (the task's own thread runs it).
bool eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 1000 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

TEST(Maintenance, APeriodicTaskRunsWhenNeededAndClaimed) {
  auto db = db::testing::open_migrated_test_database();
  ManualClock clock;
  std::atomic<int> runs{0}, asked{0};
  std::atomic<bool> needed{false};
  auto task = std::make_unique<PeriodicTask>(
      *db, clock, "test.periodic", 20,
      [&]() -> Result<void> {
        ++runs;
        return {};
      },
      [&]() -> Result<bool> {
        ++asked;
        return needed.load();
      });
  ASSERT_TRUE(eventually([&] { return asked >= 3; }));
  EXPECT_EQ(runs, 0) << "not needed: not run";
  auto claims = db->read([](db::Conn& c) {
    return c.query("SELECT started_at_ms FROM maintenance_runs WHERE task = 'test.periodic'");
  });
  ASSERT_TRUE(claims);
  EXPECT_TRUE(claims->empty()) << "not needed: not even claimed (no write)";
  needed = true;
  ASSERT_TRUE(eventually([&] { return runs >= 1; }));
  // The clock stands still: the period is claimed, the next ones are not.
  const int asked_then = asked;
  ASSERT_TRUE(eventually([&] { return asked >= asked_then + 3; }));
  EXPECT_EQ(runs, 1);
  clock.advance_ms(20);
  ASSERT_TRUE(eventually([&] { return runs >= 2; }));
  task.reset();  // stops and joins
  const int final_runs = runs;
  clock.advance_ms(1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(runs, final_runs) << "destroyed: no more runs";
}

TEST(Maintenance, APeriodicTaskSurvivesItsFailures) {
  auto db = db::testing::open_migrated_test_database();
  ManualClock clock;
  std::atomic<int> runs{0};
  PeriodicTask task(*db, clock, "test.failing", 10, [&]() -> Result<void> {
    ++runs;
    clock.advance_ms(10);
    return fail(Errc::internal, "broken");
  });
  EXPECT_TRUE(eventually([&] { return runs >= 3; })) << "a failure does not stop the timer";
}

TEST(Maintenance, TheClaimIntervalIsUnderThePeriod) {
  EXPECT_EQ(claim_interval(10 * kMinute), 9 * kMinute);
  EXPECT_EQ(claim_interval(0), 0);
}

}  // namespace
}  // namespace ruche::platform
