// Registers tasks' HTTP routes (docs/api.md, "Tasks").
#pragma once

#include "modules/tasks/service.hpp"

namespace ruche::platform {
class Api;
}

namespace ruche::tasks {

void register_routes(platform::Api& api, Service& tasks);

}  // namespace ruche::tasks
