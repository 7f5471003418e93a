// Reports' declaration for the module registry: name, rights, routes.
#include "modules/reports/reports.hpp"
#include "modules/reports/routes.hpp"
#include "modules/reports/service.hpp"

namespace ruche::reports {

platform::ModuleDef module() {
  auto service = std::make_shared<std::unique_ptr<Service>>();
  platform::ModuleDef def;
  def.name = "reports";
  def.read_means = "see the workspace's reports";
  def.write_means = "see the workspace's reports";
  def.routes = [service](platform::Api& api, platform::Platform& p) {
    *service = std::make_unique<Service>(p);
    register_routes(api, **service);
  };
  def.shutdown = [service] { service->reset(); };
  return def;
}

}  // namespace ruche::reports
