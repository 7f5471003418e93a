#include "app/app.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "app/metrics.hpp"
#include "app/setup.hpp"
#include "base/log.hpp"
#include "base/worker_pool.hpp"
#include "core/blob/s3_client.hpp"
#include "core/bus/bus.hpp"
#include "core/bus/nats_bus.hpp"
#include "core/crypto/aead.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/password.hpp"
#include "core/crypto/random.hpp"
#include "core/db/migrate.hpp"
#include "core/http/server.hpp"
#include "core/http/static_files.hpp"
#include "modules/all.hpp"
#include "platform/api.hpp"
#include "platform/events.hpp"
#include "platform/routes.hpp"

namespace ruche::app {

namespace fs = std::filesystem;

Result<std::unique_ptr<db::Database>> open_database(const Config& config) {
  db::Config dc;
  if (config.database == "postgres") {
    dc.backend = db::Backend::postgres;
    dc.postgres_dsn = config.postgres_dsn;
    dc.postgres_schema = config.postgres_schema;
    dc.pool_size = config.postgres_pool;
  } else {
    std::error_code ec;
    fs::create_directories(config.data_dir, ec);
    if (ec) return fail(Errc::unavailable, "cannot create the data folder " + config.data_dir);
    ::chmod(config.data_dir.c_str(), 0700);
    dc.backend = db::Backend::sqlite;
    dc.sqlite_path = (fs::path(config.data_dir) / "ruche.db").string();
    dc.readers = config.sqlite_readers;
    dc.synchronous_full = config.sqlite_synchronous_full;
    dc.run_writes_twice = config.sqlite_run_writes_twice;
  }
  RUCHE_TRY(auto database, db::open(dc));
  RUCHE_TRY(int applied, db::migrate(*database, db::embedded_migrations(dc.backend)));
  if (applied > 0) log::info("db.migrated", {{"applied", applied}});
  return database;
}

Result<std::string> load_instance_key(const Config& config) {
  if (!config.instance_key_base64.empty()) {
    auto key = crypto::base64_decode(config.instance_key_base64);
    if (!key || key->size() != 32)
      return fail(Errc::invalid, "the instance key must be 32 bytes in base64");
    return *key;
  }
  const std::string& path = config.instance_key_file;
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != 32) return fail(Errc::invalid, "the instance key file " + path + " is damaged");
    return key;
  }
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string key = crypto::new_key();
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::unavailable, "cannot write the instance key " + path);
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    return fail(Errc::unavailable, "cannot write the instance key " + path);
  log::info("instance_key.created", {{"path", path}});
  return key;
}

Result<NodeLock> NodeLock::acquire(const Config& config) {
  if (!config.nats_url.empty()) return NodeLock(-1);
  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  const std::string path = (fs::path(config.data_dir) / "ruche.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::unavailable, "cannot open " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return fail(Errc::conflict, "a Ruche server uses the data folder " + config.data_dir + " (" + path +
                                    " is locked): one server per data folder, or several nodes with a NATS bus");
  }
  return NodeLock(fd);
}

NodeLock::~NodeLock() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

log::Level parse_level(const std::string& s) {
  if (s == "debug") return log::Level::debug;
  if (s == "warn") return log::Level::warn;
  if (s == "error") return log::Level::error;
  return log::Level::info;
}

bool is_loopback(std::string_view addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

}  // namespace

struct Instance::Parts {
  Config config;
  const Clock* clock = nullptr;
  std::unique_ptr<db::Database> database;
  std::unique_ptr<crypto::PasswordHasher> hasher;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<bus::Bus> bus;
  bus::NatsBus* nats = nullptr;  // the bus, when it spans several nodes
  platform::ModuleRegistry registry;
  std::unique_ptr<platform::Platform> platform;
  http::Router router;
  std::unique_ptr<platform::Api> api;
  std::unique_ptr<platform::EventHub> hub;
  std::unique_ptr<Setup> setup;
  std::unique_ptr<http::StaticFiles> files;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<HttpMetrics> metrics;
};

Instance::Instance() : parts_(std::make_unique<Parts>()) {}

Instance::~Instance() {
  // Stopping goes from the outside in: the server (no request is being
  // handled once run() has returned, past the grace period too), then the
  // event hub, then the work left on the workers, then the modules, then the
  // workers, then the platform and the database (the members, destroyed in
  // reverse order). A module's service must outlive every task that may
  // reach it: a route handler holds it by reference, without the "is
  // stopping" check of the hooks.
  if (parts_) {
    // The other nodes hear that this one's users left it; then nothing
    // from them reaches subscribers while they go away.
    if (parts_->hub) parts_->hub->leave();
    if (parts_->bus) parts_->bus->stop();
    parts_->server.reset();
    if (parts_->hub) parts_->hub->stop();
    // The hub's connections left tasks on the workers (a message to a
    // module, a catch-up read) that reach the hub and the modules: they run
    // out first. The pool's destructor would wait for them too, but only
    // after the modules had gone.
    if (parts_->workers) parts_->workers->wait_idle();
    parts_->hub.reset();
    // Modules stop their background work while the platform is still there.
    for (const auto& m : parts_->registry.modules())
      if (m.shutdown) m.shutdown();
    parts_->workers.reset();
  }
}

platform::Platform& Instance::platform() { return *parts_->platform; }
platform::Api& Instance::api() { return *parts_->api; }
const Config& Instance::config() const { return parts_->config; }
std::uint16_t Instance::port() const { return parts_->server->port(); }

std::string Instance::url() const {
  const std::string& host = parts_->config.host;
  return "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(port());
}

Result<void> Instance::listen() {
  RUCHE_CHECK(parts_->server->listen());
  if (parts_->config.port == 0 && parts_->config.public_url_derived) {
    // Links in invitations must carry the port actually bound.
    parts_->config.public_url = url();
    parts_->platform->config.public_url = url();
    parts_->platform->invitations.set_public_url(url());
  }
  return {};
}

std::optional<std::string> Instance::setup_link() {
  return parts_->setup->start_if_needed(parts_->config.port == 0 ? url() : parts_->config.public_url);
}

void Instance::run(bool signals) {
  if (signals) parts_->server->stop_on_signals();
  parts_->server->run();
}

void Instance::stop() { parts_->server->stop(); }

Result<std::unique_ptr<Instance>> Instance::create(Config config, const Clock& clock) {
  auto inst = std::unique_ptr<Instance>(new Instance());
  Parts& p = *inst->parts_;
  p.config = std::move(config);
  p.clock = &clock;
  const Config& c = p.config;
  RUCHE_CHECK(crypto::init());
  RUCHE_TRY(p.database, open_database(c));
  RUCHE_TRY(std::string key, load_instance_key(c));
  RUCHE_TRY(auto hasher, crypto::PasswordHasher::create({c.password_memory_kib, c.password_iterations,
                                                         c.password_parallelism,
                                                         c.password_concurrency}));
  p.hasher = std::make_unique<crypto::PasswordHasher>(std::move(hasher));
  p.workers = std::make_unique<WorkerPool>(static_cast<std::size_t>(c.workers));
  if (c.nats_url.empty()) {
    p.bus = std::make_unique<bus::LocalBus>();
  } else {
    // Every node derives the same sealing key from the shared instance key.
    RUCHE_TRY(auto nats, bus::NatsBus::connect({.url = c.nats_url,
                                                .subject = c.nats_subject,
                                                .key = crypto::hmac_sha256(key, "ruche.bus.v1")}));
    p.nats = nats.get();
    p.bus = std::move(nats);
    log::info("bus.connected", {{"subject", c.nats_subject}});
  }
  modules::register_all(p.registry);

  platform::PlatformConfig pc;
  pc.public_url = c.public_url;
  pc.instance_key = key;
  pc.defaults.instance_name = c.instance_name;
  pc.defaults.default_locale = c.default_locale;
  pc.sessions.idle_timeout_ms = c.session_idle_hours * 3600'000;
  pc.sessions.absolute_timeout_ms = c.session_absolute_days * 24 * 3600'000;
  pc.smtp = {c.smtp_url, c.smtp_from, c.smtp_username, c.smtp_password, c.smtp_starttls};
  pc.invitation_ttl_ms = static_cast<std::int64_t>(c.invitation_days) * 24 * 3600'000;
  pc.trusted_proxies = c.trusted_proxies;
  pc.writes_per_second = c.writes_per_second;
  pc.write_burst = c.write_burst;
  pc.data_dir = c.data_dir;
  if (!c.s3_endpoint.empty()) {
    pc.s3 = {.endpoint = c.s3_endpoint, .bucket = c.s3_bucket, .region = c.s3_region,
             .access_key = c.s3_access_key, .secret_key = c.s3_secret_key, .prefix = c.s3_prefix,
             .ca_file = c.s3_ca_file};
    pc.s3_read_ahead = static_cast<std::size_t>(c.s3_read_ahead);
    // Refuse to start on a bucket that cannot be used, as on a database.
    RUCHE_TRY(auto s3, blob::S3Client::create(pc.s3));
    RUCHE_CHECK(s3->check_bucket());
    log::info("blobs.s3", {{"endpoint", c.s3_endpoint}, {"bucket", c.s3_bucket}});
  } else if (!c.nats_url.empty()) {
    log::warn("blobs.local_disk", {{"note", "several nodes without s3_endpoint: DATA/blobs must be one "
                                             "shared folder, or contents over 64 KiB are not found by "
                                             "the other nodes"}});
  }
  pc.module_settings = c.module_settings;
  pc.egress.enabled = c.egress_enabled;
  for (const auto& range : c.egress_allow) pc.egress.allow.push_back(*http::parse_cidr(range));
  pc.egress.timeout_ms = c.egress_timeout_seconds * 1000;
  pc.egress.max_bytes = static_cast<std::size_t>(c.egress_max_mb) << 20;
  p.platform = std::make_unique<platform::Platform>(*p.database, *p.bus, clock, *p.hasher, *p.workers,
                                                    p.registry, pc);

  p.api = std::make_unique<platform::Api>(p.router, *p.platform);
  p.hub = std::make_unique<platform::EventHub>(*p.platform);
  platform::register_platform_routes(*p.api, *p.hub);
  p.setup = std::make_unique<Setup>(*p.platform);
  p.setup->register_routes(*p.api);
  for (const auto& m : p.registry.modules())
    if (m.routes) m.routes(*p.api, *p.platform);

  RUCHE_TRY(p.files, http::StaticFiles::load(c.web_root));
  // Office and Windows' WebClient ask the root before using /dav/files/.
  p.files->set_root_options({{"DAV", "1, 2"}, {"MS-Author-Via", "DAV"}});
  const http::StaticFiles* files = p.files.get();
  http::RouteOptions static_opts;
  static_opts.fast = [files](http::Request& req) -> std::optional<http::Response> {
    return files->serve(req);
  };
  p.router.set_fallback([files](http::Request& req) { return files->serve(req); }, static_opts);
  p.api->set_app_page([files](const http::Request& req) { return files->app_page(req); });

  http::ServerConfig sc;
  sc.host = c.host;
  sc.port = c.port;
  sc.io_threads = c.io_threads;
  sc.shutdown_grace_ms = c.shutdown_grace_ms;
  p.server = std::make_unique<http::Server>(sc, p.router, *p.workers);

  // /metrics is added last so the metrics cover every other route.
  Parts* parts = &p;
  p.router.add("GET", "/metrics", [parts](http::Request& req) -> http::Response {
    const Config& c = parts->config;
    bool allowed =
        c.metrics_token.empty()
            // A local client, not one a local proxy relays (it says whose it is).
            ? is_loopback(req.remote_addr) && !req.headers.get("X-Forwarded-For") &&
                  !req.headers.get("Forwarded")
            : req.headers.get("Authorization").value_or("") == "Bearer " + c.metrics_token;
    if (!allowed) return http::error_response(Errc::not_found, "no such route");
    std::string out;
    parts->metrics->render(out);
    auto s = parts->server->stats();
    append_gauge(out, "ruche_http_connections_open", "Open HTTP connections (WebSockets included).",
                 static_cast<double>(s.connections));
    append_gauge(out, "ruche_websockets_open", "Open WebSockets.", static_cast<double>(s.websockets));
    append_gauge(out, "ruche_events_connections", "Live event connections.",
                 static_cast<double>(parts->hub->connections()));
    append_counter(out, "ruche_events_gap_reads_total",
                   "Live streams that found a gap in a workspace's events and read the outbox for it.",
                   static_cast<double>(parts->hub->gap_reads()));
    append_counter(out, "ruche_events_gap_fills_total",
                   "Events that did not come in time, read once from the outbox for every stream.",
                   static_cast<double>(parts->hub->gap_fills()));
    append_gauge(out, "ruche_http_requests_in_flight", "Requests being handled.",
                 static_cast<double>(s.in_flight));
    auto d = parts->database->stats();
    append_gauge(out, "ruche_db_connections_open", "Open database connections.",
                 static_cast<double>(d.connections));
    append_gauge(out, "ruche_db_connections_busy", "Database connections in use.",
                 static_cast<double>(d.busy));
    append_gauge(out, "ruche_db_waiting", "Callers waiting for a database connection.",
                 static_cast<double>(d.waiting));
    append_counter(out, "ruche_db_commits_total", "Durable commits.", static_cast<double>(d.commits));
    append_counter(out, "ruche_db_writes_total", "Write transactions committed.",
                   static_cast<double>(d.writes));
    if (parts->nats) {
      auto b = parts->nats->stats();
      append_counter(out, "ruche_bus_sent_total", "Events sent to the other nodes.", static_cast<double>(b.sent));
      append_counter(out, "ruche_bus_received_total", "Events received from the other nodes.",
                     static_cast<double>(b.received));
      append_counter(out, "ruche_bus_failed_total", "Events NATS refused to take.", static_cast<double>(b.failed));
      append_counter(out, "ruche_bus_resets_total", "Times events from the other nodes may have been lost.",
                     static_cast<double>(b.resets));
      append_counter(out, "ruche_bus_rejected_total", "Bus messages that did not open under the instance's key.",
                     static_cast<double>(b.rejected));
    }
    if (const blob::S3Client* s3 = parts->platform->blobs.s3_client()) {
      auto b = s3->stats();
      append_counter(out, "ruche_s3_requests_total", "Requests sent to the S3 bucket, retries included.",
                     static_cast<double>(b.requests));
      append_counter(out, "ruche_s3_retries_total", "S3 requests sent again after a 5xx, 429 or network error.",
                     static_cast<double>(b.retries));
      append_counter(out, "ruche_s3_errors_total", "S3 calls that failed after their retries.",
                     static_cast<double>(b.errors));
      append_counter(out, "ruche_s3_sent_bytes_total", "Sealed chunk bytes uploaded to the bucket.",
                     static_cast<double>(b.bytes_sent));
      append_counter(out, "ruche_s3_received_bytes_total", "Sealed chunk bytes downloaded from the bucket.",
                     static_cast<double>(b.bytes_received));
    }
    append_gauge(out, "ruche_workers_busy", "Worker threads running a task.",
                 static_cast<double>(parts->workers->busy()));
    append_gauge(out, "ruche_workers_queued", "Tasks waiting for a worker.",
                 static_cast<double>(parts->workers->queued()));
    http::Response r;
    r.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.headers.set("Cache-Control", "no-store");
    r.body = std::move(out);
    return r;
  });
  p.metrics = std::make_unique<HttpMetrics>(p.router);

  http::Headers defaults;
  defaults.set("X-Content-Type-Options", "nosniff");
  defaults.set("Referrer-Policy", "no-referrer");
  defaults.set("X-Frame-Options", "DENY");
  defaults.set("Cross-Origin-Opener-Policy", "same-origin");
  defaults.set("Cross-Origin-Resource-Policy", "same-origin");
  defaults.set("Permissions-Policy",
               "camera=(self), microphone=(self), display-capture=(self), geolocation=()");
  defaults.set("Server", "ruche");
  p.server->set_default_headers(defaults);
  bool access_log = c.access_log;
  p.server->set_observer([parts, access_log](const http::RequestRecord& r) {
    parts->metrics->record(r);
    if (access_log)
      log::info("http.request", {{"method", r.method},
                                 {"route", r.route},
                                 {"status", r.status},
                                 {"ms", r.duration_ms},
                                 {"bytes_in", static_cast<std::int64_t>(r.bytes_in)},
                                 {"bytes_out", static_cast<std::int64_t>(r.bytes_out)},
                                 {"remote", r.remote_addr},
                                 {"request_id", r.request_id}});
  });
  return inst;
}

int serve(Config config) {
  log::set_level(parse_level(config.log_level));
  std::string data_dir = config.data_dir;
  auto lock = NodeLock::acquire(config);
  if (!lock) {
    std::fprintf(stderr, "ruche: %s\n", lock.error().message.c_str());
    return 1;
  }
  auto inst = Instance::create(std::move(config));
  if (!inst) {
    std::fprintf(stderr, "ruche: %s\n", inst.error().message.c_str());
    return 1;
  }
  Instance& i = **inst;
  if (auto r = i.listen(); !r) {
    std::fprintf(stderr, "ruche: %s\n", r.error().message.c_str());
    return 1;
  }
  log::info("server.started", {{"url", i.url()},
                               {"database", i.config().database},
                               {"web_root", i.config().web_root}});
  std::printf("ruche: listening on %s\n", i.url().c_str());
  if (auto link = i.setup_link()) {
    std::printf(
        "ruche: no account exists yet. Create the first administrator at\n"
        "         %s\n"
        "       or with: build/ruche user add --data %s --email YOU@EXAMPLE.ORG --name 'YOUR NAME' "
        "--admin\n",
        link->c_str(), data_dir.c_str());
  }
  std::fflush(stdout);
  i.run(true);
  log::info("server.stopped");
  return 0;
}

}  // namespace ruche::app
