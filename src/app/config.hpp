// Ruche's configuration: defaults, then a TOML file, then environment
// variables (RUCHE_*), then command-line flags. docs/configuration.md lists
// every key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json.hpp"
#include "base/result.hpp"

namespace ruche::app {

struct Config {
  // [server]
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string public_url;              // default: http://HOST:PORT
  bool public_url_derived = false;     // set by finish() when public_url was not given
  int io_threads = 0;                  // 0: one per core
  int workers = 32;
  // How long requests in flight get to answer once the server stops; their
  // connections are closed then (tests only; not in the file).
  int shutdown_grace_ms = 10'000;
  std::string web_root;                // default: web/dist next to the binary's project
  std::vector<std::string> trusted_proxies;
  bool access_log = true;
  std::string metrics_token;           // empty: /metrics from loopback only
  std::size_t max_json_bytes = 1 << 20;

  // [storage]
  std::string data_dir = "./data";
  std::string database = "sqlite";     // "sqlite" or "postgres"
  std::string postgres_dsn;
  std::string postgres_schema;         // search_path; empty: the server's default
  int postgres_pool = 16;
  int sqlite_readers = 4;
  bool sqlite_synchronous_full = true;
  bool sqlite_run_writes_twice = false;  // tests only (db::Config::run_writes_twice); not in the file
  // Contents larger than 64 KiB go to an S3-compatible bucket instead of
  // DATA/blobs when s3_endpoint is set (several nodes share it).
  std::string s3_endpoint;
  std::string s3_bucket;
  std::string s3_region = "us-east-1";
  std::string s3_access_key;
  std::string s3_secret_key;
  std::string s3_prefix;
  std::string s3_ca_file;
  int s3_read_ahead = 4;               // chunks requested ahead per download (1-32)

  // [bus]
  std::string nats_url;                // empty: this node alone (in-process bus)
  std::string nats_subject = "ruche.events";

  // [security]
  std::uint32_t password_memory_kib = 65536;
  std::uint32_t password_iterations = 3;
  std::uint32_t password_parallelism = 4;
  std::uint32_t password_concurrency = 2;
  std::int64_t session_idle_hours = 168;
  std::int64_t session_absolute_days = 30;
  std::string instance_key_file;       // default: DATA/instance.key
  std::string instance_key_base64;     // for several nodes: the same key everywhere
  int invitation_days = 7;
  double writes_per_second = 100;      // per user and node; 429 beyond (REL-4)
  double write_burst = 500;

  // [smtp]
  std::string smtp_url;
  std::string smtp_from;
  std::string smtp_username;
  std::string smtp_password;
  bool smtp_starttls = false;

  // [egress] (SECURITY.md IO-5): the server fetching what users name (a
  // calendar subscription's feed), public addresses only but for `allow`.
  bool egress_enabled = false;
  std::vector<std::string> egress_allow;  // address ranges: "10.20.0.0/16", "fd00::/8"
  int egress_timeout_seconds = 20;
  int egress_max_mb = 10;

  // [instance]
  std::string instance_name = "Ruche";
  std::string default_locale = "fr";

  // [files] (integers): default_quota_mb (0: unlimited), versions_max,
  // trash_days, upload_days, maintenance_minutes, chunk_threads,
  // chunk_cache_mb. Handed to
  // the module as {"files": {...}}. [chat] (integers): max_attachment_mb
  // (default 100), maintenance_minutes. [calendar]: subscriptions_check_seconds
  // (default 300), subscription_readers (default 4), reminders_check_seconds
  // (default 10). chunk_threads sizes the platform's
  // blob pool, chunk_cache_mb its cache of read chunks (every module's contents).
  json::object module_settings;

  // [log]
  std::string log_level = "info";
};

// Reads `path` (TOML). Errors: invalid with the file's line on a syntax
// error or a wrong type; unknown keys are refused too (a typo must not be
// silently ignored).
Result<void> load_file(Config& config, const std::string& path);
// Applies RUCHE_* environment variables.
Result<void> load_env(Config& config);
// "HOST:PORT" -> host and port. Errors: invalid.
Result<void> set_listen(Config& config, std::string_view listen);
// Fills derived defaults (public_url, web_root, key file) and checks ranges.
Result<void> finish(Config& config, const std::string& exe_path);

}  // namespace ruche::app
