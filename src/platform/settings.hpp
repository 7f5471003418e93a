// Instance settings an administrator changes at run time: branding (name,
// logo, colours, home page in Markdown) and security policy. Stored in the
// database, cached in memory, refreshed on every node through the bus.
#pragma once

#include <mutex>
#include <optional>

#include "base/json.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "platform/outbox.hpp"

namespace ruche::platform {

struct InstanceSettings {
  std::string instance_name = "Ruche";
  std::string logo;                 // data: URL (PNG, JPEG, WebP or SVG), or empty
  std::string primary_color = "#1f5fbf";
  std::string accent_color = "#f2b705";
  std::string home_markdown;        // rendered (sanitized) by the web client
  std::string default_locale = "fr";
  bool mfa_required_for_admins = false;
  // Whom the directory (GET /users) shows a member: "instance", every
  // active internal account; "workspaces", those sharing a workspace with
  // them. Administrators find every account either way.
  std::string directory = "instance";
};

json::object to_json(const InstanceSettings& s, bool with_security);

class Settings {
 public:
  Settings(db::Database& db, Outbox& outbox, InstanceSettings defaults);
  ~Settings();

  // Cached; re-read after a change on any node.
  Result<InstanceSettings> get();
  // Applies the fields present in `in` (validated). Errors: invalid.
  Result<InstanceSettings> update(const json::In& in);

 private:
  db::Database& db_;
  Outbox& outbox_;
  InstanceSettings defaults_;
  std::uint64_t subscription_ = 0;
  std::mutex mu_;
  std::optional<InstanceSettings> cached_;
};

}  // namespace ruche::platform
