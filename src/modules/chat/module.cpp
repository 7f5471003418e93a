// Chat's declaration for the module registry: name, rights, routes, hooks.
#include "modules/chat/chat.hpp"
#include "modules/chat/routes.hpp"
#include "modules/chat/service.hpp"
#include "modules/chat/store.hpp"

namespace ruche::chat {

platform::ModuleDef module() {
  // The service exists once the platform does (routes are registered then);
  // the other hooks reach it through this shared slot.
  auto service = std::make_shared<std::unique_ptr<Service>>();
  platform::ModuleDef def;
  def.name = "chat";
  def.read_means = "read channels and messages";
  def.write_means = "post, react and create channels";
  def.armoured = true;  // message bodies sealed in the browsers (docs/armoured.md)
  def.routes = [service](platform::Api& api, platform::Platform& p) {
    *service = std::make_unique<Service>(p, settings_from(p.config));
    register_routes(api, **service);
    // An imported armoured workspace's eras name the channels a member may
    // see: its public ones and those they are in (docs/armoured.md).
    p.armour.set_visible_scopes(
        "SELECT c.id FROM chat_channels c WHERE c.workspace_id = $1 AND (c.kind = 'public' OR c.id IN "
        "(SELECT cm.channel_id FROM chat_members cm WHERE cm.user_id = $2))");
  };
  def.shutdown = [service] { service->reset(); };
  def.member_left = [service](db::Conn& c, const WorkspaceId& ws, const UserId& user) -> Result<void> {
    if (!*service) return {};
    return (*service)->member_left(c, ws, user);
  };
  def.scope_members = [service](const std::string& scope) -> std::shared_ptr<const std::vector<std::string>> {
    return *service ? (*service)->scope_members(scope) : nullptr;
  };
  def.client_message = [service](const platform::Caller& caller, const platform::WorkspaceAccess& a,
                                 std::string_view type, const json::object& message) {
    if (*service) (*service)->client_message(caller, a, type, message);
  };
  def.search_type = "message";
  def.search = [service](db::Conn& c, const platform::Caller& caller,
                         const std::vector<WorkspaceId>& readable, std::string_view query,
                         const std::map<std::string, std::string>& filters,
                         int limit) -> Result<std::vector<platform::SearchHit>> {
    if (!*service) return std::vector<platform::SearchHit>{};
    return (*service)->search(c, caller, readable, query, filters, limit);
  };
  def.search_sync = [service]() -> Result<void> {
    if (!*service) return {};
    return (*service)->index_queued().map([](std::int64_t) {});
  };
  def.metrics = [](db::Conn& c, const WorkspaceId& ws, const platform::ReportPeriod& period) {
    return store::metrics(c, ws, period.since_ms);
  };
  def.export_to = [service](db::Conn& c, const WorkspaceId& ws, platform::ExportWriter& out,
                            std::int64_t now_ms) -> Result<void> {
    if (!*service) return fail(Errc::unavailable, "chat is stopping");
    return (*service)->export_workspace(c, ws, out, now_ms);
  };
  def.import_from = [service](const platform::ImportContext& ctx) -> Result<std::unique_ptr<platform::ModuleImport>> {
    if (!*service) return fail(Errc::unavailable, "chat is stopping");
    return (*service)->importer(ctx);
  };
  return def;
}

}  // namespace ruche::chat
