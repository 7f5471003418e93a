// Registers calendar's HTTP routes: the JSON API (routes.cpp) and CalDAV
// (dav.cpp). docs/calendar.md.
#pragma once

#include "modules/calendar/service.hpp"

namespace ruche::platform {
class Api;
}

namespace ruche::calendar {

void register_routes(platform::Api& api, Service& calendar);
void register_dav_routes(platform::Api& api, Service& calendar);

}  // namespace ruche::calendar
