// Files' declaration for the module registry: name, rights, routes, hooks.
#include <stdexcept>

#include "modules/files/files.hpp"
#include "modules/files/routes.hpp"
#include "modules/files/service.hpp"
#include "modules/files/store.hpp"

namespace ruche::files {

platform::ModuleDef module() {
  // The service exists once the platform does (routes are registered then);
  // the other hooks reach it through this shared slot.
  auto service = std::make_shared<std::unique_ptr<Service>>();
  platform::ModuleDef def;
  def.name = "files";
  def.read_means = "browse and download files";
  def.write_means = "upload, edit, move, delete and share files";
  def.armoured = true;  // names and contents sealed in the browsers (docs/armoured.md, "Files")
  def.routes = [service](platform::Api& api, platform::Platform& p) {
    auto s = Service::create(p, settings_from(p.config));
    if (!s) throw std::runtime_error("files: " + s.error().message);  // start-up only
    *service = std::move(*s);
    register_dav_routes(api, **service);
    register_routes(api, **service);
    register_tus_routes(api, **service);
  };
  def.shutdown = [service] { service->reset(); };
  // Its rows; the platform destroys the workspace's contents (Blobs).
  def.purge = [](db::Conn& c, const WorkspaceId& ws) { return store::purge_workspace(c, ws); };
  def.member_left = [](db::Conn& c, const WorkspaceId& ws, const UserId& user) {
    return store::drop_favorites(c, ws, user.str());
  };
  def.search_type = "file";
  def.search = [service](db::Conn& c, const platform::Caller&, const std::vector<WorkspaceId>& readable,
                         std::string_view query, const std::map<std::string, std::string>& filters,
                         int limit) -> Result<std::vector<platform::SearchHit>> {
    if (!*service) return std::vector<platform::SearchHit>{};
    return (*service)->search(c, readable, query, filters, limit);
  };
  // The workspace's quota bounds what other modules keep too (chat attachments).
  def.storage = [service](db::Conn& c, const WorkspaceId& ws, std::int64_t bytes) -> Result<void> {
    if (!*service) return fail(Errc::unavailable, "files is stopping");
    return (*service)->charge_storage(c, ws, bytes);
  };
  def.metrics = [](db::Conn& c, const WorkspaceId& ws, const platform::ReportPeriod& period) {
    return store::metrics(c, ws, period.since_ms);
  };
  def.export_to = [service](db::Conn& c, const WorkspaceId& ws, platform::ExportWriter& out,
                            std::int64_t now_ms) -> Result<void> {
    if (!*service) return fail(Errc::unavailable, "files is stopping");
    return (*service)->export_workspace(c, ws, out, now_ms);
  };
  def.import_from = [service](const platform::ImportContext& ctx) -> Result<std::unique_ptr<platform::ModuleImport>> {
    if (!*service) return fail(Errc::unavailable, "files is stopping");
    return (*service)->importer(ctx);
  };
  return def;
}

}  // namespace ruche::files
