// Reports' routes: query in, Service call, JSON or CSV out. Nothing else.
#include "modules/reports/routes.hpp"

#include "modules/reports/reports.hpp"
#include "modules/reports/service.hpp"
#include "platform/request_checks.hpp"

namespace ruche::reports {

using platform::Access;
using platform::Caller;
using platform::WorkspaceAccess;

namespace {

Result<std::int64_t> days_param(const http::Request& req) {
  RUCHE_TRY(auto days, platform::query_integer(req, "days", 1, kMaxDays));
  return days.value_or(kDefaultDays);
}

// A CSV download: an attachment, never rendered.
http::Response csv_reply(std::string csv, const std::string& file_name) {
  http::Response res;
  res.body = std::move(csv);
  res.headers.set("Content-Type", "text/csv; charset=utf-8");
  res.headers.set("X-Content-Type-Options", "nosniff");
  res.headers.set("Content-Disposition", http::content_disposition("attachment", file_name));
  return res;
}

// The reader's date: as the request gives it, else on their clock.
Result<std::optional<std::string>> today_param(const http::Request& req, const Service& reports,
                                               const Caller& caller) {
  if (auto today = req.query_param("today")) return today;
  return reports.reader_today(caller.user_id);
}

}  // namespace

void register_routes(platform::Api& api, Service& reports) {
  api.add_workspace("GET", "/api/v1/workspaces/{id}/reports/summary", "reports", Access::read,
                    [&reports](http::Request& req, const Caller& caller,
                               const WorkspaceAccess& access) -> Result<http::Response> {
                      RUCHE_TRY(auto days, days_param(req));
                      RUCHE_TRY(auto today, today_param(req, reports, caller));
                      RUCHE_TRY(auto summary, reports.summary(access, days, std::move(today)));
                      return platform::json_reply(summary);
                    });
  api.add_workspace("GET", "/api/v1/workspaces/{id}/reports/activity.csv", "reports", Access::read,
                    [&reports](http::Request& req, const Caller&,
                               const WorkspaceAccess& access) -> Result<http::Response> {
                      RUCHE_TRY(auto days, days_param(req));
                      RUCHE_TRY(auto csv, reports.activity_csv(access, days));
                      return csv_reply(std::move(csv),
                                       "activity-" + std::to_string(days) + "-days.csv");
                    });
  api.add_workspace("GET", "/api/v1/workspaces/{id}/reports/tasks.csv", "reports", Access::read,
                    [&reports](http::Request& req, const Caller& caller,
                               const WorkspaceAccess& access) -> Result<http::Response> {
                      RUCHE_TRY(auto days, days_param(req));
                      RUCHE_TRY(auto today, today_param(req, reports, caller));
                      RUCHE_TRY(auto csv, reports.tasks_csv(access, days, std::move(today)));
                      return csv_reply(std::move(csv),
                                       "tasks-by-person-" + std::to_string(days) + "-days.csv");
                    });
}

}  // namespace ruche::reports
