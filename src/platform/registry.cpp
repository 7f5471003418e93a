#include "platform/registry.hpp"

#include <stdexcept>

namespace ruche::platform {

void ModuleRegistry::add(ModuleDef def) {
  if (def.name.empty() || def.name.size() > 32 ||
      def.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
    throw std::invalid_argument("bad module name: " + def.name);
  if (find(def.name)) throw std::invalid_argument("module registered twice: " + def.name);
  modules_.push_back(std::move(def));
}

const ModuleDef* ModuleRegistry::find(std::string_view name) const {
  for (const auto& m : modules_)
    if (m.name == name) return &m;
  return nullptr;
}

Result<void> ModuleRegistry::charge_storage(db::Conn& c, const WorkspaceId& ws, std::int64_t bytes) const {
  if (bytes == 0) return {};
  for (const auto& m : modules_)
    if (m.storage) return m.storage(c, ws, bytes);
  return {};
}

std::vector<std::string> ModuleRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& m : modules_) out.push_back(m.name);
  return out;
}

}  // namespace ruche::platform
