// Periodic tasks that every node schedules but one should run: the trash
// purge, expired uploads, the chunk garbage collection. Each node keeps its
// own timer; before running, it claims the run in the database, and only
// the node whose claim succeeds does the work. A crashed node's claim simply
// ages out with the interval.
//
// Thread-safety: safe from any thread. Blocks on the database: worker or
// maintenance threads only.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/clock.hpp"
#include "base/function_ref.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"

namespace ruche::platform {

// True when no run of `task` started (on any node sharing `db`) after
// now_ms - interval_ms: the run is then recorded as started at now_ms and the
// caller runs the task. False when another run is recent: skip it. With
// interval_ms = 0 it always claims (a run forced by hand is still recorded).
// Atomic: of several nodes claiming at once, one gets true.
Result<bool> claim_run(db::Database& db, std::string_view task, std::int64_t interval_ms,
                       std::int64_t now_ms);

// The interval a periodic task claims with, for a timer of `period_ms` on
// every node: a little under the period, so that the node whose timer fires
// first each period runs it, whatever the phases of the others' timers.
inline std::int64_t claim_interval(std::int64_t period_ms) {
  return period_ms - period_ms / 10;
}

// A periodic timer's tick on one node: runs `run` if this node claims the
// run of `task` (claim_interval(period_ms)). True when it ran; errors are
// the claim's or the run's.
Result<bool> run_claimed(db::Database& db, const Clock& clock, std::string_view task,
                         std::int64_t period_ms, FunctionRef<Result<void>()> run);

// A periodic task's run that works through what is due a batch at a time:
// `batch(now_ms)` handles the next batch due at `clock`'s now and says how
// many it found, until it finds none or `budget_ms` (real time) has passed.
Result<void> batches_until_none_due(const Clock& clock, std::int64_t budget_ms,
                                    FunctionRef<Result<std::size_t>(std::int64_t now_ms)> batch);

// A module's periodic task on a thread of its own: every `period_ms` (real
// time), if `needed` says so (cheap reads: no claim, so no write, when
// there is nothing to do), the node that claims the period (run_claimed)
// runs `run`. A failure is logged as "<task>_failed" and the next period
// tries again. Destroying it stops the thread (a run under way finishes
// first): own it by unique_ptr, made last in the module's constructor and
// reset first in its destructor, so that `run` never sees a half-built or
// half-destroyed module.
class PeriodicTask {
 public:
  PeriodicTask(db::Database& db, const Clock& clock, std::string task, std::int64_t period_ms,
               std::function<Result<void>()> run, std::function<Result<bool>()> needed = {});
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  void loop();

  db::Database& db_;
  const Clock& clock_;
  const std::string task_;
  const std::int64_t period_ms_;
  const std::function<Result<void>()> run_;
  const std::function<Result<bool>()> needed_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ruche::platform
