#include "platform/settings.hpp"

namespace ruche::platform {

namespace {

bool is_color(std::string_view s) {
  if (s.size() != 7 || s[0] != '#') return false;
  return s.substr(1).find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

bool is_logo(std::string_view s) {
  if (s.empty()) return true;
  for (std::string_view p : {"data:image/png;base64,", "data:image/jpeg;base64,",
                             "data:image/webp;base64,", "data:image/svg+xml;base64,"}) {
    if (s.rfind(p, 0) == 0) {
      std::string_view b64 = s.substr(p.size());
      return b64.find_first_not_of(
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
             std::string_view::npos;
    }
  }
  return false;
}

}  // namespace

json::object to_json(const InstanceSettings& s, bool with_security) {
  json::object o;
  o["instance_name"] = s.instance_name;
  o["logo"] = s.logo;
  o["primary_color"] = s.primary_color;
  o["accent_color"] = s.accent_color;
  o["home_markdown"] = s.home_markdown;
  o["default_locale"] = s.default_locale;
  if (with_security) {
    o["mfa_required_for_admins"] = s.mfa_required_for_admins;
    o["directory"] = s.directory;
  }
  return o;
}

Settings::Settings(db::Database& db, Outbox& outbox, InstanceSettings defaults)
    : db_(db), outbox_(outbox), defaults_(std::move(defaults)) {
  subscription_ = outbox_.bus().subscribe([this](const bus::Event& e) {
    if (e.workspace_id.empty() && (e.type == "settings.updated" || e.type == bus::kReset)) {
      std::lock_guard lock(mu_);
      cached_.reset();
    }
  });
}

Settings::~Settings() { outbox_.bus().unsubscribe(subscription_); }

Result<InstanceSettings> Settings::get() {
  {
    std::lock_guard lock(mu_);
    if (cached_) return *cached_;
  }
  RUCHE_TRY(auto s, db_.read([&](db::Conn& c) -> Result<InstanceSettings> {
    InstanceSettings s = defaults_;
    RUCHE_CHECK(c.each("SELECT key, value FROM instance_settings", {}, [&](const db::Row& r) {
      const std::string& k = r.text(0);
      const std::string& v = r.text(1);
      if (k == "instance_name") s.instance_name = v;
      else if (k == "logo") s.logo = v;
      else if (k == "primary_color") s.primary_color = v;
      else if (k == "accent_color") s.accent_color = v;
      else if (k == "home_markdown") s.home_markdown = v;
      else if (k == "default_locale") s.default_locale = v;
      else if (k == "mfa_required_for_admins") s.mfa_required_for_admins = v == "1";
      else if (k == "directory") s.directory = v;
      return true;
    }));
    return s;
  }));
  std::lock_guard lock(mu_);
  cached_ = s;
  return s;
}

Result<InstanceSettings> Settings::update(const json::In& in_const) {
  json::In in = in_const;
  std::vector<std::pair<std::string, std::string>> changes;
  if (auto v = in.opt_string("instance_name", {.min = 1, .max = 80}))
    changes.emplace_back("instance_name", *v);
  if (auto v = in.opt_string("logo", {.max = 512 * 1024})) {
    if (!is_logo(*v)) in.reject("logo", "must be a base64 data: URL of a PNG, JPEG, WebP or SVG image");
    changes.emplace_back("logo", *v);
  }
  for (const char* key : {"primary_color", "accent_color"}) {
    if (auto v = in.opt_string(key, {.max = 7})) {
      if (!is_color(*v)) in.reject(key, "must be a colour like #1f5fbf");
      changes.emplace_back(key, *v);
    }
  }
  if (auto v = in.opt_string("home_markdown", {.max = 64 * 1024, .single_line = false}))
    changes.emplace_back("home_markdown", *v);
  if (auto v = in.opt_string("default_locale", {.max = 2})) {
    if (*v != "fr" && *v != "en") in.reject("default_locale", "must be fr or en");
    changes.emplace_back("default_locale", *v);
  }
  if (auto v = in.opt_boolean("mfa_required_for_admins"))
    changes.emplace_back("mfa_required_for_admins", *v ? "1" : "0");
  if (auto v = in.opt_string("directory", {.max = 10})) {
    if (*v != "instance" && *v != "workspaces")
      in.reject("directory", "must be instance or workspaces");
    changes.emplace_back("directory", *v);
  }
  if (!in.ok()) return tl::unexpected<Error>(in.error());
  RUCHE_CHECK(db_.write([&](db::Conn& c) -> Result<void> {
    for (const auto& [k, v] : changes) {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("INSERT INTO instance_settings (key, value) VALUES ($1, $2) ON CONFLICT "
                       "(key) DO UPDATE SET value = excluded.value",
                       {k, v}));
    }
    c.on_commit([this] { outbox_.publish_control("settings.updated", json::object{}); });
    return {};
  }));
  {
    std::lock_guard lock(mu_);
    cached_.reset();
  }
  return get();
}

}  // namespace ruche::platform
