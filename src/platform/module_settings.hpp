// A module's settings: the [files], [chat], [calendar]… sections of the
// configuration file (PlatformConfig::module_settings), read one way.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "base/json.hpp"

namespace ruche::platform {

// The integer `key` of section `module`, or `fallback` when it is not set
// or is not an integer (nor one that fits in 64 signed bits).
inline std::int64_t module_int(const json::object& module_settings, std::string_view module,
                               std::string_view key, std::int64_t fallback) {
  const auto* section = module_settings.if_contains(module);
  const auto* v = section && section->is_object() ? section->as_object().if_contains(key) : nullptr;
  if (v && v->is_int64()) return v->as_int64();
  if (v && v->is_uint64() && v->as_uint64() <= std::numeric_limits<std::int64_t>::max())
    return static_cast<std::int64_t>(v->as_uint64());
  return fallback;
}

}  // namespace ruche::platform
