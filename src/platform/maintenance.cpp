#include "platform/maintenance.hpp"

#include <chrono>

#include "base/log.hpp"

namespace ruche::platform {

Result<bool> claim_run(db::Database& db, std::string_view task, std::int64_t interval_ms,
                       std::int64_t now_ms) {
  // One statement: the row is created, or moved forward only if the last
  // start is old enough. Concurrent claims serialize on the row, and the
  // later one sees the earlier one's start.
  RUCHE_TRY(auto n, db.write([&](db::Conn& c) {
    return c.exec(
        "INSERT INTO maintenance_runs (task, started_at_ms) VALUES ($1, $2) "
        "ON CONFLICT (task) DO UPDATE SET started_at_ms = excluded.started_at_ms "
        "WHERE maintenance_runs.started_at_ms <= $3",
        {task, now_ms, now_ms - interval_ms});
  }));
  return n > 0;
}

Result<void> batches_until_none_due(const Clock& clock, std::int64_t budget_ms,
                                    FunctionRef<Result<std::size_t>(std::int64_t now_ms)> batch) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(budget_ms);
  while (std::chrono::steady_clock::now() < until) {
    RUCHE_TRY(std::size_t found, batch(clock.now_ms()));
    if (found == 0) return {};
  }
  return {};
}

Result<bool> run_claimed(db::Database& db, const Clock& clock, std::string_view task,
                         std::int64_t period_ms, FunctionRef<Result<void>()> run) {
  RUCHE_TRY(bool claimed, claim_run(db, task, claim_interval(period_ms), clock.now_ms()));
  if (!claimed) return false;
  RUCHE_CHECK(run());
  return true;
}

PeriodicTask::PeriodicTask(db::Database& db, const Clock& clock, std::string task,
                           std::int64_t period_ms, std::function<Result<void>()> run,
                           std::function<Result<bool>()> needed)
    : db_(db),
      clock_(clock),
      task_(std::move(task)),
      period_ms_(period_ms),
      run_(std::move(run)),
      needed_(std::move(needed)),
      thread_([this] { loop(); }) {}

PeriodicTask::~PeriodicTask() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void PeriodicTask::loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait_for(lock, std::chrono::milliseconds(period_ms_), [&] { return stopping_; });
    if (stopping_) return;
    lock.unlock();
    auto r = [&]() -> Result<bool> {
      if (needed_) {
        RUCHE_TRY(bool needed, needed_());
        if (!needed) return false;
      }
      return run_claimed(db_, clock_, task_, period_ms_, [&] { return run_(); });
    }();
    if (!r) log::warn(task_ + "_failed", {{"error", r.error().message}});
    lock.lock();
  }
}

}  // namespace ruche::platform
