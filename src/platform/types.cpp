#include "platform/types.hpp"

namespace ruche::platform {

std::string_view to_string(InstanceRole r) {
  switch (r) {
    case InstanceRole::admin: return "admin";
    case InstanceRole::member: return "member";
    case InstanceRole::guest: return "guest";
  }
  return "guest";
}

std::string_view to_string(WorkspaceRole r) {
  switch (r) {
    case WorkspaceRole::owner: return "owner";
    case WorkspaceRole::admin: return "admin";
    case WorkspaceRole::member: return "member";
    case WorkspaceRole::guest: return "guest";
  }
  return "guest";
}

std::string_view to_string(Access a) {
  switch (a) {
    case Access::none: return "none";
    case Access::read: return "read";
    case Access::write: return "write";
  }
  return "none";
}

std::optional<InstanceRole> parse_instance_role(std::string_view s) {
  if (s == "admin") return InstanceRole::admin;
  if (s == "member") return InstanceRole::member;
  if (s == "guest") return InstanceRole::guest;
  return std::nullopt;
}

std::optional<WorkspaceRole> parse_workspace_role(std::string_view s) {
  if (s == "owner") return WorkspaceRole::owner;
  if (s == "admin") return WorkspaceRole::admin;
  if (s == "member") return WorkspaceRole::member;
  if (s == "guest") return WorkspaceRole::guest;
  return std::nullopt;
}

std::optional<Access> parse_access(std::string_view s) {
  if (s == "none") return Access::none;
  if (s == "read") return Access::read;
  if (s == "write") return Access::write;
  return std::nullopt;
}

int rank(WorkspaceRole r) {
  switch (r) {
    case WorkspaceRole::owner: return 3;
    case WorkspaceRole::admin: return 2;
    case WorkspaceRole::member: return 1;
    case WorkspaceRole::guest: return 0;
  }
  return 0;
}

Access default_access(WorkspaceRole r) {
  return r == WorkspaceRole::guest ? Access::read : Access::write;
}

Access WorkspaceAccess::right(std::string_view module) const {
  for (const auto& [m, a] : modules)
    if (m == module) return a;
  return Access::none;
}

bool WorkspaceAccess::module_active(std::string_view module) const {
  for (const auto& [m, a] : modules)
    if (m == module) return true;
  return false;
}

}  // namespace ruche::platform
