// Calls' declaration for the module registry: name, rights, routes, hooks.
#include "base/log.hpp"
#include "modules/calls/calls.hpp"
#include "modules/calls/routes.hpp"
#include "modules/calls/service.hpp"

namespace ruche::calls {

platform::ModuleDef module() {
  auto service = std::make_shared<std::unique_ptr<Service>>();
  platform::ModuleDef def;
  def.name = "calls";
  def.read_means = "join calls";
  def.write_means = "start calls";
  // Calls keep no contents; their media is encrypted hop by hop
  // (DTLS-SRTP), not end to end, as docs/armoured.md says.
  def.armoured = true;
  def.routes = [service](platform::Api& api, platform::Platform& p) {
    auto settings = settings_from(p.config.module_settings);
    if (!settings) {
      // The configuration was checked at start-up (app/config.cpp): only a
      // programming error gets here.
      log::error("calls.bad_settings", {{"error", settings.error().message}});
      settings = Settings{};
    }
    *service = std::make_unique<Service>(p, std::move(*settings));
    register_routes(api, **service);
  };
  def.shutdown = [service] { service->reset(); };
  def.scope_members =
      [service](const std::string& scope) -> std::shared_ptr<const std::vector<std::string>> {
    if (!*service) return nullptr;
    return (*service)->scope_members(scope);
  };
  def.member_left = [service](db::Conn& c, const WorkspaceId& ws,
                              const UserId& user) -> Result<void> {
    if (!*service) return fail(Errc::unavailable, "calls is stopping");
    return (*service)->member_left(c, ws, user);
  };
  def.purge = [service](db::Conn& c, const WorkspaceId& ws) -> Result<void> {
    if (!*service) return fail(Errc::unavailable, "calls is stopping");
    return (*service)->purge(c, ws);
  };
  return def;
}

}  // namespace ruche::calls
