#include "platform/maintenance.hpp"

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

Result<bool> run_claimed(db::Database& db, const Clock& clock, std::string_view task,
                         std::int64_t period_ms, FunctionRef<Result<void>()> run) {
  RUCHE_TRY(bool claimed, claim_run(db, task, claim_interval(period_ms), clock.now_ms()));
  if (!claimed) return false;
  RUCHE_CHECK(run());
  return true;
}

}  // namespace ruche::platform
