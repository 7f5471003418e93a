// Registers the platform's own HTTP routes (docs/api.md).
#pragma once

#include "platform/api.hpp"
#include "platform/events.hpp"

namespace ruche::platform {

void register_platform_routes(Api& api, EventHub& hub);

}  // namespace ruche::platform
