// Periodic tasks that every node schedules but one should run: the trash
// purge, expired uploads, the chunk garbage collection. Each node keeps its
// own timer; before running, it claims the run in the database, and only
// the node whose claim succeeds does the work. A crashed node's claim simply
// ages out with the interval.
//
// Thread-safety: safe from any thread. Blocks on the database: worker or
// maintenance threads only.
#pragma once

#include <cstdint>
#include <string_view>

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

}  // namespace ruche::platform
