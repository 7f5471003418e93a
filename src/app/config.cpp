#include "app/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <set>

#include <toml++/toml.h>

#include "core/http/egress.hpp"
#include "modules/calls/calls.hpp"

namespace ruche::app {

namespace fs = std::filesystem;

Result<void> set_listen(Config& c, std::string_view listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return fail(Errc::invalid, "listen must be HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host(listen.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port_s(listen.substr(colon + 1));
  char* end = nullptr;
  long port = std::strtol(port_s.c_str(), &end, 10);
  if (port_s.empty() || *end != '\0' || port < 0 || port > 65535)
    return fail(Errc::invalid, "bad port in listen address: " + port_s);
  c.host = host;
  c.port = static_cast<std::uint16_t>(port);
  return {};
}

namespace {

template <class T>
Result<void> take(const toml::table& t, std::string_view section, std::string_view key, T& out) {
  const toml::node* n = t.at_path(std::string(section) + "." + std::string(key)).node();
  if (!n) return {};
  if constexpr (std::is_same_v<T, bool>) {
    if (auto v = n->value<bool>()) {
      out = *v;
      return {};
    }
  } else if constexpr (std::is_integral_v<T>) {
    if (auto v = n->value<std::int64_t>()) {
      out = static_cast<T>(*v);
      return {};
    }
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (auto v = n->value<std::string>()) {
      out = *v;
      return {};
    }
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    if (auto* arr = n->as_array()) {
      out.clear();
      for (const auto& item : *arr) {
        auto s = item.value<std::string>();
        if (!s) break;
        out.push_back(*s);
      }
      if (out.size() == arr->size()) return {};
    }
  }
  return fail(Errc::invalid, "config: " + std::string(section) + "." + std::string(key) +
                                 " has the wrong type");
}

const std::map<std::string, std::set<std::string>>& known_keys() {
  static const std::map<std::string, std::set<std::string>> keys = {
      {"server",
       {"listen", "public_url", "io_threads", "workers", "web_root", "trusted_proxies",
        "access_log", "metrics_token", "max_json_bytes"}},
      {"storage",
       {"data_dir", "database", "postgres_dsn", "postgres_schema", "postgres_pool",
        "sqlite_readers", "sqlite_synchronous", "s3_endpoint", "s3_bucket", "s3_region",
        "s3_access_key", "s3_secret_key", "s3_prefix", "s3_ca_file", "s3_read_ahead"}},
      {"bus", {"nats_url", "nats_subject"}},
      {"security",
       {"password_memory_kib", "password_iterations", "password_parallelism",
        "password_concurrency", "session_idle_hours", "session_absolute_days", "instance_key_file",
        "instance_key", "invitation_days", "writes_per_second", "write_burst"}},
      {"smtp", {"url", "from", "username", "password", "starttls"}},
      {"egress", {"enabled", "allow", "timeout_seconds", "max_mb"}},
      {"instance", {"name", "default_locale"}},
      {"log", {"level"}},
      {"files",
       {"default_quota_mb", "versions_max", "trash_days", "upload_days", "maintenance_minutes",
        "chunk_threads", "chunk_cache_mb"}},
      {"calendar",
       {"subscriptions_check_seconds", "subscription_readers", "reminders_check_seconds"}},
      {"tasks", {"due_check_seconds"}},
      {"chat",
       {"max_attachment_mb", "maintenance_minutes", "search_tidy_minutes", "max_channels",
        "max_direct_per_person"}},
      {"calls",
       {"stun_urls", "turn_urls", "turn_secret", "turn_ttl_s", "max_participants", "janus_url",
        "janus_urls", "janus_admin_key", "p2p_max_participants", "sweep_seconds"}},
  };
  return keys;
}

}  // namespace

Result<void> load_file(Config& c, const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return fail(Errc::invalid, "config " + path + ":" + std::to_string(e.source().begin.line) +
                                   ": " + std::string(e.description()));
  }
  for (const auto& [section, node] : t) {
    auto it = known_keys().find(std::string(section.str()));
    if (it == known_keys().end() || !node.is_table())
      return fail(Errc::invalid, "config: unknown section [" + std::string(section.str()) + "]");
    for (const auto& [key, v] : *node.as_table()) {
      (void)v;
      if (!it->second.count(std::string(key.str())))
        return fail(Errc::invalid, "config: unknown key " + std::string(section.str()) + "." +
                                       std::string(key.str()));
    }
  }
  std::string listen;
  RUCHE_CHECK(take(t, "server", "listen", listen));
  if (!listen.empty()) RUCHE_CHECK(set_listen(c, listen));
  RUCHE_CHECK(take(t, "server", "public_url", c.public_url));
  RUCHE_CHECK(take(t, "server", "io_threads", c.io_threads));
  RUCHE_CHECK(take(t, "server", "workers", c.workers));
  RUCHE_CHECK(take(t, "server", "web_root", c.web_root));
  RUCHE_CHECK(take(t, "server", "trusted_proxies", c.trusted_proxies));
  RUCHE_CHECK(take(t, "server", "access_log", c.access_log));
  RUCHE_CHECK(take(t, "server", "metrics_token", c.metrics_token));
  RUCHE_CHECK(take(t, "server", "max_json_bytes", c.max_json_bytes));
  RUCHE_CHECK(take(t, "storage", "data_dir", c.data_dir));
  RUCHE_CHECK(take(t, "storage", "database", c.database));
  RUCHE_CHECK(take(t, "storage", "postgres_dsn", c.postgres_dsn));
  RUCHE_CHECK(take(t, "storage", "postgres_schema", c.postgres_schema));
  RUCHE_CHECK(take(t, "storage", "postgres_pool", c.postgres_pool));
  RUCHE_CHECK(take(t, "storage", "sqlite_readers", c.sqlite_readers));
  RUCHE_CHECK(take(t, "storage", "s3_endpoint", c.s3_endpoint));
  RUCHE_CHECK(take(t, "storage", "s3_bucket", c.s3_bucket));
  RUCHE_CHECK(take(t, "storage", "s3_region", c.s3_region));
  RUCHE_CHECK(take(t, "storage", "s3_access_key", c.s3_access_key));
  RUCHE_CHECK(take(t, "storage", "s3_secret_key", c.s3_secret_key));
  RUCHE_CHECK(take(t, "storage", "s3_prefix", c.s3_prefix));
  RUCHE_CHECK(take(t, "storage", "s3_ca_file", c.s3_ca_file));
  RUCHE_CHECK(take(t, "storage", "s3_read_ahead", c.s3_read_ahead));
  std::string sync;
  RUCHE_CHECK(take(t, "storage", "sqlite_synchronous", sync));
  if (!sync.empty()) {
    if (sync != "full" && sync != "normal")
      return fail(Errc::invalid, "config: storage.sqlite_synchronous must be full or normal");
    c.sqlite_synchronous_full = sync == "full";
  }
  RUCHE_CHECK(take(t, "bus", "nats_url", c.nats_url));
  RUCHE_CHECK(take(t, "bus", "nats_subject", c.nats_subject));
  RUCHE_CHECK(take(t, "security", "password_memory_kib", c.password_memory_kib));
  RUCHE_CHECK(take(t, "security", "password_iterations", c.password_iterations));
  RUCHE_CHECK(take(t, "security", "password_parallelism", c.password_parallelism));
  RUCHE_CHECK(take(t, "security", "password_concurrency", c.password_concurrency));
  RUCHE_CHECK(take(t, "security", "session_idle_hours", c.session_idle_hours));
  RUCHE_CHECK(take(t, "security", "session_absolute_days", c.session_absolute_days));
  RUCHE_CHECK(take(t, "security", "instance_key_file", c.instance_key_file));
  RUCHE_CHECK(take(t, "security", "instance_key", c.instance_key_base64));
  RUCHE_CHECK(take(t, "security", "invitation_days", c.invitation_days));
  std::int64_t wps = static_cast<std::int64_t>(c.writes_per_second), wb = static_cast<std::int64_t>(c.write_burst);
  RUCHE_CHECK(take(t, "security", "writes_per_second", wps));
  RUCHE_CHECK(take(t, "security", "write_burst", wb));
  c.writes_per_second = static_cast<double>(wps);
  c.write_burst = static_cast<double>(wb);
  RUCHE_CHECK(take(t, "smtp", "url", c.smtp_url));
  RUCHE_CHECK(take(t, "smtp", "from", c.smtp_from));
  RUCHE_CHECK(take(t, "smtp", "username", c.smtp_username));
  RUCHE_CHECK(take(t, "smtp", "password", c.smtp_password));
  RUCHE_CHECK(take(t, "smtp", "starttls", c.smtp_starttls));
  RUCHE_CHECK(take(t, "egress", "enabled", c.egress_enabled));
  RUCHE_CHECK(take(t, "egress", "allow", c.egress_allow));
  RUCHE_CHECK(take(t, "egress", "timeout_seconds", c.egress_timeout_seconds));
  RUCHE_CHECK(take(t, "egress", "max_mb", c.egress_max_mb));
  RUCHE_CHECK(take(t, "instance", "name", c.instance_name));
  RUCHE_CHECK(take(t, "instance", "default_locale", c.default_locale));
  RUCHE_CHECK(take(t, "log", "level", c.log_level));
  for (const char* module : {"files", "chat", "calendar"}) {
    const auto* section = t[module].as_table();
    if (!section) continue;
    json::object o;
    if (auto* prev = c.module_settings.if_contains(module); prev && prev->is_object()) o = prev->as_object();
    for (const auto& [key, v] : *section) {
      auto n = v.value<std::int64_t>();
      if (!n || *n < 0)
        return fail(Errc::invalid, "config: " + std::string(module) + "." + std::string(key.str()) +
                                       " must be a whole number");
      o[key.str()] = *n;
    }
    c.module_settings[module] = std::move(o);
  }
  if (const auto* calls = t["calls"].as_table()) {
    json::object o;
    for (const auto& [key, v] : *calls) {
      const std::string name(key.str());
      if (auto n = v.value<std::int64_t>()) {
        o[name] = *n;
      } else if (auto str = v.value<std::string>()) {
        o[name] = *str;
      } else if (const auto* list = v.as_array()) {
        json::array a;
        for (const auto& item : *list) {
          auto text = item.value<std::string>();
          if (!text)
            return fail(Errc::invalid, "config: calls." + name + " must be a list of strings");
          a.emplace_back(*text);
        }
        o[name] = std::move(a);
      } else {
        return fail(Errc::invalid, "config: calls." + name + " has the wrong type");
      }
    }
    c.module_settings["calls"] = std::move(o);
  }
  return {};
}

Result<void> load_env(Config& c) {
  auto env = [](const char* name) -> const char* {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
  };
  auto integer = [](const char* name, const char* v, auto& out) -> Result<void> {
    char* end = nullptr;
    long long n = std::strtoll(v, &end, 10);
    if (*end != '\0') return fail(Errc::invalid, std::string(name) + " must be a number");
    out = static_cast<std::remove_reference_t<decltype(out)>>(n);
    return {};
  };
  if (auto v = env("RUCHE_LISTEN")) RUCHE_CHECK(set_listen(c, v));
  if (auto v = env("RUCHE_PUBLIC_URL")) c.public_url = v;
  if (auto v = env("RUCHE_DATA")) c.data_dir = v;
  if (auto v = env("RUCHE_DATABASE")) c.database = v;
  if (auto v = env("RUCHE_POSTGRES_DSN")) c.postgres_dsn = v;
  if (auto v = env("RUCHE_POSTGRES_SCHEMA")) c.postgres_schema = v;
  if (auto v = env("RUCHE_NATS_URL")) c.nats_url = v;
  if (auto v = env("RUCHE_S3_ENDPOINT")) c.s3_endpoint = v;
  if (auto v = env("RUCHE_S3_BUCKET")) c.s3_bucket = v;
  if (auto v = env("RUCHE_S3_REGION")) c.s3_region = v;
  if (auto v = env("RUCHE_S3_ACCESS_KEY")) c.s3_access_key = v;
  if (auto v = env("RUCHE_S3_SECRET_KEY")) c.s3_secret_key = v;
  if (auto v = env("RUCHE_S3_PREFIX")) c.s3_prefix = v;
  if (auto v = env("RUCHE_S3_READ_AHEAD")) RUCHE_CHECK(integer("RUCHE_S3_READ_AHEAD", v, c.s3_read_ahead));
  if (auto v = env("RUCHE_WEB_ROOT")) c.web_root = v;
  if (auto v = env("RUCHE_IO_THREADS")) RUCHE_CHECK(integer("RUCHE_IO_THREADS", v, c.io_threads));
  if (auto v = env("RUCHE_WORKERS")) RUCHE_CHECK(integer("RUCHE_WORKERS", v, c.workers));
  if (auto v = env("RUCHE_ACCESS_LOG")) c.access_log = std::string(v) != "0";
  if (auto v = env("RUCHE_METRICS_TOKEN")) c.metrics_token = v;
  if (auto v = env("RUCHE_PASSWORD_MEMORY_KIB"))
    RUCHE_CHECK(integer("RUCHE_PASSWORD_MEMORY_KIB", v, c.password_memory_kib));
  if (auto v = env("RUCHE_PASSWORD_ITERATIONS"))
    RUCHE_CHECK(integer("RUCHE_PASSWORD_ITERATIONS", v, c.password_iterations));
  if (auto v = env("RUCHE_PASSWORD_PARALLELISM"))
    RUCHE_CHECK(integer("RUCHE_PASSWORD_PARALLELISM", v, c.password_parallelism));
  if (auto v = env("RUCHE_INSTANCE_KEY")) c.instance_key_base64 = v;
  if (auto v = env("RUCHE_SMTP_URL")) c.smtp_url = v;
  if (auto v = env("RUCHE_SMTP_FROM")) c.smtp_from = v;
  if (auto v = env("RUCHE_SMTP_USERNAME")) c.smtp_username = v;
  if (auto v = env("RUCHE_SMTP_PASSWORD")) c.smtp_password = v;
  if (auto v = env("RUCHE_EGRESS_ENABLED")) c.egress_enabled = std::string(v) != "0";
  if (auto v = env("RUCHE_EGRESS_ALLOW")) {
    c.egress_allow.clear();
    std::string_view list(v);
    while (!list.empty()) {
      const auto comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (!item.empty()) c.egress_allow.emplace_back(item);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  if (auto v = env("RUCHE_INSTANCE_NAME")) c.instance_name = v;
  if (auto v = env("RUCHE_LOG_LEVEL")) c.log_level = v;
  for (auto [name, key] : {std::pair{"RUCHE_CALLS_TURN_SECRET", "turn_secret"},
                           std::pair{"RUCHE_CALLS_JANUS_URL", "janus_url"},
                           std::pair{"RUCHE_CALLS_JANUS_ADMIN_KEY", "janus_admin_key"}}) {
    auto v = env(name);
    if (!v) continue;
    json::object o;
    if (auto* prev = c.module_settings.if_contains("calls"); prev && prev->is_object())
      o = prev->as_object();
    o[key] = std::string(v);
    c.module_settings["calls"] = std::move(o);
  }
  return {};
}

Result<void> finish(Config& c, const std::string& exe_path) {
  if (c.database != "sqlite" && c.database != "postgres")
    return fail(Errc::invalid, "database must be sqlite or postgres");
  if (c.database == "postgres" && c.postgres_dsn.empty())
    return fail(Errc::invalid, "database = postgres needs postgres_dsn");
  if (!c.nats_url.empty() && c.database != "postgres")
    return fail(Errc::invalid, "nats_url joins several nodes: they need database = postgres");
  if (c.workers < 1 || c.workers > 1024) return fail(Errc::invalid, "workers must be 1..1024");
  if (c.s3_read_ahead < 1 || c.s3_read_ahead > 32) return fail(Errc::invalid, "storage.s3_read_ahead must be 1..32");
  if (c.io_threads < 0 || c.io_threads > 256) return fail(Errc::invalid, "io_threads must be 0..256");
  if (c.default_locale != "fr" && c.default_locale != "en")
    return fail(Errc::invalid, "instance.default_locale must be fr or en");
  RUCHE_CHECK(calls::settings_from(c.module_settings));
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error")
    return fail(Errc::invalid, "log.level must be debug, info, warn or error");
  if (c.writes_per_second <= 0 || c.write_burst < 1)
    return fail(Errc::invalid, "security.writes_per_second and write_burst must be positive");
  if (c.invitation_days < 1 || c.invitation_days > 90)
    return fail(Errc::invalid, "security.invitation_days must be 1..90");
  if (c.egress_timeout_seconds < 1 || c.egress_timeout_seconds > 120)
    return fail(Errc::invalid, "egress.timeout_seconds must be 1..120");
  if (c.egress_max_mb < 1 || c.egress_max_mb > 100)
    return fail(Errc::invalid, "egress.max_mb must be 1..100");
  for (const auto& range : c.egress_allow)
    if (auto cidr = http::parse_cidr(range); !cidr)
      return fail(Errc::invalid, "egress.allow: " + cidr.error().message);
  if (c.public_url.empty()) {
    c.public_url_derived = true;
    std::string host = c.host == "0.0.0.0" || c.host == "::" ? "127.0.0.1" : c.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    c.public_url = "http://" + host + ":" + std::to_string(c.port);
  }
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  if (c.web_root.empty()) {
    std::error_code ec;
    fs::path exe = fs::canonical(exe_path, ec);
    fs::path candidate = exe.parent_path().parent_path() / "web" / "dist";
    c.web_root = (!ec && fs::is_directory(candidate)) ? candidate.string() : "web/dist";
  }
  if (c.instance_key_file.empty()) c.instance_key_file = (fs::path(c.data_dir) / "instance.key").string();
  if (!c.smtp_url.empty() && c.smtp_from.empty())
    return fail(Errc::invalid, "smtp.from is required with smtp.url");
  return {};
}

}  // namespace ruche::app
