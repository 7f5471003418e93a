// Reports' rules: what a reader of the workspace's reports sees, through
// the other modules' metrics hooks and the outbox (docs/reports.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/json.hpp"
#include "base/result.hpp"
#include "platform/platform.hpp"
#include "platform/types.hpp"

namespace ruche::reports {

class Service {
 public:
  explicit Service(platform::Platform& p) : p_(p) {}

  // The summary of the last `days` days (the period starts at midnight UTC
  // `days` days ago and ends now): members, each readable module's figures,
  // and the events by day and module of the modules the caller may read
  // (platform events under "workspace"). One read transaction: every
  // figure shows the same moment. `today` is the reader's date
  // ("YYYY-MM-DD"; absent: reader_today()): tasks due on a day before it are
  // overdue. Errors: invalid "invalid_field" for a date that is not within
  // a day of the UTC date (no time zone is further).
  Result<json::object> summary(const platform::WorkspaceAccess& access, std::int64_t days,
                               std::optional<std::string> today = std::nullopt);
  // The same events by day as CSV: "day,module,events", one row per day
  // and module with events, days in order.
  Result<std::string> activity_csv(const platform::WorkspaceAccess& access, std::int64_t days);
  // The tasks' progress by person as CSV: "user_id,name,open,overdue,
  // completed", everyone the summary's assignees would list (not only its
  // first 100), in its order; the name is the member's now ("" for one who
  // left). Errors: not_found "not_found" when the tasks are off or closed
  // to the reader; invalid as summary's `today`.
  Result<std::string> tasks_csv(const platform::WorkspaceAccess& access, std::int64_t days,
                                std::optional<std::string> today = std::nullopt);
  // The date now on `reader`'s clock (their time zone, PATCH /me), none
  // when they have none (the UTC date is taken then).
  Result<std::optional<std::string>> reader_today(const UserId& reader) const;

 private:
  std::int64_t period_start(std::int64_t days) const;
  // The period of the last `days` days, as the modules' metrics take it.
  Result<platform::ReportPeriod> period_of(std::int64_t days,
                                           std::optional<std::string> today) const;

  platform::Platform& p_;
};

}  // namespace ruche::reports
