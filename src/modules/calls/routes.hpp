// Calls' HTTP routes (docs/api.md, "Calls").
#pragma once

#include "platform/api.hpp"

namespace ruche::calls {

class Service;
void register_routes(platform::Api& api, Service& calls);

}  // namespace ruche::calls
