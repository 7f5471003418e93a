// Calendar's declaration for the module registry: name, rights, routes, hooks.
#include <algorithm>

#include "base/log.hpp"
#include "modules/calendar/calendar.hpp"
#include "modules/calendar/routes.hpp"
#include "modules/calendar/service.hpp"
#include "platform/module_settings.hpp"

namespace ruche::calendar {

platform::ModuleDef module() {
  // The service exists once the platform does (routes are registered then);
  // the other hooks reach it through this shared slot.
  auto service = std::make_shared<std::unique_ptr<Service>>();
  // Reads the subscriptions that are due, where the platform may fetch.
  auto refresher = std::make_shared<std::unique_ptr<platform::PeriodicTask>>();
  // Sends the reminders that are due.
  auto reminder = std::make_shared<std::unique_ptr<platform::PeriodicTask>>();
  platform::ModuleDef def;
  def.name = "calendar";
  def.read_means = "see the workspace calendar";
  def.write_means = "create and change events";
  // Armoured workspaces: each event sealed in the browser, times included
  // (docs/armoured.md, "Calendar").
  def.armoured = true;
  def.routes = [service, refresher, reminder](platform::Api& api, platform::Platform& p) {
    *service = std::make_unique<Service>(p);
    if (auto indexed = (*service)->index_texts_apart(); !indexed)
      log::warn("calendar.index_texts_apart", {{"error", indexed.error().message}});
    register_routes(api, **service);
    register_dav_routes(api, **service);
    {
      Service* svc = service->get();
      const std::int64_t period_ms =
          std::clamp<std::int64_t>(platform::module_int(p.config.module_settings, "calendar",
                                                        "reminders_check_seconds", 10),
                                   1, 300) *
          1000;
      *reminder = std::make_unique<platform::PeriodicTask>(
          p.db, p.clock, "calendar_reminders", period_ms,
          [svc, period_ms] { return svc->remind_due(period_ms - period_ms / 5); },
          [svc] { return svc->any_reminder_due(); });
    }
    if (p.egress.config().enabled) {
      Service* svc = service->get();
      const std::int64_t period_ms =
          std::max<std::int64_t>(1, platform::module_int(p.config.module_settings, "calendar",
                                                         "subscriptions_check_seconds", 300)) *
          1000;
      *refresher = std::make_unique<platform::PeriodicTask>(
          p.db, p.clock, "calendar_subscriptions", period_ms, [svc, period_ms] { return svc->refresh_due(period_ms - period_ms / 5); },
          [svc] { return svc->any_due(); });
    }
  };
  def.shutdown = [service, refresher, reminder] {
    reminder->reset();
    refresher->reset();
    service->reset();
  };
  def.search_type = "event";
  def.search = [service](db::Conn& c, const platform::Caller&,
                         const std::vector<WorkspaceId>& readable, std::string_view query,
                         const std::map<std::string, std::string>&,
                         int limit) -> Result<std::vector<platform::SearchHit>> {
    if (!*service) return std::vector<platform::SearchHit>{};
    return (*service)->search(c, readable, query, limit);
  };
  def.metrics = [service](db::Conn& c, const WorkspaceId& ws,
                          const platform::ReportPeriod& period) -> Result<json::object> {
    if (!*service) return fail(Errc::unavailable, "calendar is stopping");
    return (*service)->metrics(c, ws, period.since_ms);
  };
  def.member_left = [service](db::Conn& c, const WorkspaceId& ws,
                              const UserId& user) -> Result<void> {
    if (!*service) return fail(Errc::unavailable, "calendar is stopping");
    return (*service)->member_left(c, ws, user);
  };
  def.person_changed = [service](db::Conn& c, const UserId& user,
                                 const platform::PersonChanged& what) -> Result<void> {
    if (!what.time_zone) return {};
    if (!*service) return fail(Errc::unavailable, "calendar is stopping");
    return (*service)->time_zone_changed(c, user);
  };
  def.export_to = [service](db::Conn& c, const WorkspaceId& ws, platform::ExportWriter& out,
                            std::int64_t now_ms) -> Result<void> {
    if (!*service) return fail(Errc::unavailable, "calendar is stopping");
    return (*service)->export_workspace(c, ws, out, now_ms);
  };
  def.import_from =
      [service](
          const platform::ImportContext& ctx) -> Result<std::unique_ptr<platform::ModuleImport>> {
    if (!*service) return fail(Errc::unavailable, "calendar is stopping");
    return (*service)->importer(ctx);
  };
  return def;
}

}  // namespace ruche::calendar
