// Registers chat's HTTP routes (docs/api.md, "Chat").
#pragma once

#include "modules/chat/service.hpp"

namespace ruche::platform {
class Api;
}

namespace ruche::chat {

void register_routes(platform::Api& api, Service& chat);

}  // namespace ruche::chat
