// SQL of the reports module: what it reads of the platform's tables.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/id.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"

namespace ruche::reports::store {

struct Members {
  std::int64_t total = 0;
  std::int64_t guests = 0;
};
Result<Members> members(db::Conn& c, const WorkspaceId& ws, std::int64_t now_ms);
// The members' names now, by user id.
Result<std::map<std::string, std::string>> member_names(db::Conn& c, const WorkspaceId& ws,
                                                        std::int64_t now_ms);

// The number of the workspace's events at or after `since_ms`, by UTC day
// (days since 1970) and module ("" for the platform's own). The outbox has
// no index by time: the first event of the period is found by a binary
// search over the sequence numbers, which grow with time, then only the
// period's events are read.
using DayCounts = std::map<std::int64_t, std::map<std::string, std::int64_t>>;
Result<DayCounts> events_by_day(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms);

}  // namespace ruche::reports::store
