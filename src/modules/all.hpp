// The workspace modules this build ships: the one list that names them all.
#pragma once

#include "platform/registry.hpp"

namespace ruche::modules {

// Registers every module (chat, calls, files, tasks, calendar, reports).
void register_all(platform::ModuleRegistry& registry);

}  // namespace ruche::modules
