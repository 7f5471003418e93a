// Tasks' declaration for the module registry: name, rights, routes, hooks.
#include <algorithm>

#include "modules/tasks/routes.hpp"
#include "modules/tasks/service.hpp"
#include "modules/tasks/store.hpp"
#include "modules/tasks/tasks.hpp"
#include "platform/module_settings.hpp"

namespace ruche::tasks {

platform::ModuleDef module() {
  // The service exists once the platform does (routes are registered then);
  // the other hooks reach it through this shared slot.
  auto service = std::make_shared<std::unique_ptr<Service>>();
  // Tells assignees their tasks are due.
  auto due = std::make_shared<std::unique_ptr<platform::PeriodicTask>>();
  platform::ModuleDef def;
  def.name = "tasks";
  def.read_means = "see boards and tasks";
  def.write_means = "create, assign and update tasks";
  // Armoured workspaces: cards, checklist texts and comments sealed in the
  // browser (docs/armoured.md, "Tasks").
  def.armoured = true;
  def.routes = [service, due](platform::Api& api, platform::Platform& p) {
    *service = std::make_unique<Service>(p);
    register_routes(api, **service);
    Service* svc = service->get();
    const std::int64_t period_ms =
        std::clamp<std::int64_t>(
            platform::module_int(p.config.module_settings, "tasks", "due_check_seconds", 60), 1,
            3600) *
        1000;
    *due = std::make_unique<platform::PeriodicTask>(
        p.db, p.clock, "tasks_due", period_ms,
        [svc, period_ms] { return svc->send_due(period_ms - period_ms / 5); },
        [svc] { return svc->any_due(); });
  };
  def.shutdown = [service, due] {
    due->reset();
    service->reset();
  };
  def.member_left = [service](db::Conn& c, const WorkspaceId& ws,
                              const UserId& user) -> Result<void> {
    if (!*service) return {};
    return (*service)->member_left(c, ws, user);
  };
  def.person_changed = [service](db::Conn& c, const UserId& user,
                                 const platform::PersonChanged& what) -> Result<void> {
    if (!*service) return {};
    if (what.name) RUCHE_CHECK((*service)->person_renamed(c, user));
    if (what.time_zone) RUCHE_CHECK((*service)->time_zone_changed(c, user));
    return {};
  };
  def.search_type = "task";
  def.search = [service](db::Conn& c, const platform::Caller&,
                         const std::vector<WorkspaceId>& readable, std::string_view query,
                         const std::map<std::string, std::string>&,
                         int limit) -> Result<std::vector<platform::SearchHit>> {
    if (!*service) return std::vector<platform::SearchHit>{};
    return (*service)->search(c, readable, query, limit);
  };
  def.metrics = [](db::Conn& c, const WorkspaceId& ws, const platform::ReportPeriod& period) {
    return store::metrics(c, ws, period);
  };
  def.calendar_items = [service](
                           db::Conn& c, const WorkspaceId& ws, const platform::CalendarItemQuery& q,
                           FunctionRef<Result<void>(platform::CalendarItem&)> fn) -> Result<void> {
    if (!*service) return fail(Errc::unavailable, "tasks is stopping");
    return (*service)->calendar_items(c, ws, q, fn);
  };
  def.calendar_put = [service](
                         const platform::Caller& caller, const WorkspaceId& ws,
                         const platform::CalendarPut& put) -> Result<platform::CalendarPutResult> {
    if (!*service) return fail(Errc::unavailable, "tasks is stopping");
    return (*service)->calendar_put(caller, ws, put);
  };
  def.calendar_delete = [service](const platform::Caller& caller, const WorkspaceId& ws,
                                  const std::string& name,
                                  const std::optional<std::string>& if_match) -> Result<void> {
    if (!*service) return fail(Errc::unavailable, "tasks is stopping");
    return (*service)->calendar_delete(caller, ws, name, if_match);
  };
  def.export_to = [service](db::Conn& c, const WorkspaceId& ws, platform::ExportWriter& out,
                            std::int64_t now_ms) -> Result<void> {
    if (!*service) return fail(Errc::unavailable, "tasks is stopping");
    return (*service)->export_workspace(c, ws, out, now_ms);
  };
  def.import_from =
      [service](
          const platform::ImportContext& ctx) -> Result<std::unique_ptr<platform::ModuleImport>> {
    if (!*service) return fail(Errc::unavailable, "tasks is stopping");
    return (*service)->importer(ctx);
  };
  return def;
}

}  // namespace ruche::tasks
