// Reports' HTTP routes (docs/api.md, "Reports").
#pragma once

#include "platform/api.hpp"

namespace ruche::reports {

class Service;
void register_routes(platform::Api& api, Service& reports);

}  // namespace ruche::reports
