// Reports: a workspace's activity and progress at a glance (docs/reports.md).
// The module keeps no contents of its own: it reads the other modules'
// figures through their registry hook (ModuleDef::metrics) and counts the
// workspace's events by day from its outbox.
#pragma once

#include <cstdint>

#include "platform/registry.hpp"

namespace ruche::reports {

inline constexpr std::int64_t kMaxDays = 366;
inline constexpr std::int64_t kDefaultDays = 30;
inline constexpr std::int64_t kDayMs = 86'400'000;

platform::ModuleDef module();

}  // namespace ruche::reports
