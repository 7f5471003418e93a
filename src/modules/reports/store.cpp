#include "modules/reports/store.hpp"

#include "modules/reports/reports.hpp"
#include "platform/authz.hpp"

namespace ruche::reports::store {

Result<Members> members(db::Conn& c, const WorkspaceId& ws, std::int64_t now_ms) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT COUNT(*), COALESCE(SUM(CASE WHEN role = 'guest' THEN 1 ELSE 0 END), 0) "
                  "FROM memberships WHERE workspace_id = $1 AND "
                  "(expires_at_ms IS NULL OR expires_at_ms > $2)",
                  {ws, now_ms}));
  Members m;
  if (row) {
    m.total = row->i64(0);
    m.guests = row->i64(1);
  }
  return m;
}

Result<std::map<std::string, std::string>> member_names(db::Conn& c, const WorkspaceId& ws,
                                                        std::int64_t now_ms) {
  std::map<std::string, std::string> out;
  RUCHE_CHECK(
      c.each("SELECT m.user_id, u.name FROM memberships m JOIN users u ON u.id = "
             "m.user_id WHERE m.workspace_id = $1 AND " RUCHE_ACTIVE_MEMBERSHIP("m"),
             {ws, now_ms}, [&](const db::Row& r) {
               out.emplace(r.text(0), r.text(1));
               return true;
             }));
  return out;
}

namespace {

// The time of the first event at or after `seq`, or nullopt past the end.
Result<std::optional<std::int64_t>> time_at(db::Conn& c, const WorkspaceId& ws, std::int64_t seq) {
  RUCHE_TRY(auto row,
            c.query_one("SELECT created_at_ms FROM events WHERE workspace_id = $1 AND seq >= $2 "
                        "ORDER BY seq LIMIT 1",
                        {ws, seq}));
  if (!row) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(row->i64(0));
}

}  // namespace

Result<DayCounts> events_by_day(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms) {
  RUCHE_TRY(auto head, c.query_one("SELECT seq FROM workspaces WHERE id = $1", {ws}));
  DayCounts out;
  if (!head) return out;
  // The smallest seq whose event is at or after since_ms (times grow with
  // seq; a clock that stepped back blurs the boundary by that step, and the
  // filter below keeps the count exact for what is read).
  std::int64_t lo = 0, hi = head->i64(0) + 1;
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo) / 2;
    RUCHE_TRY(auto t, time_at(c, ws, mid));
    if (t && *t < since_ms) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  RUCHE_CHECK(
      c.each("SELECT module, created_at_ms FROM events WHERE workspace_id = $1 AND seq >= $2 AND "
             "created_at_ms >= $3",
             {ws, lo, since_ms}, [&](const db::Row& r) {
               ++out[r.i64(1) / kDayMs][r.text(0)];
               return true;
             }));
  return out;
}

}  // namespace ruche::reports::store
