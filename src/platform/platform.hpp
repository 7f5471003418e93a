// The platform: every service that workspaces and modules stand on, built
// once at start-up by the app and handed to the modules' route registration.
#pragma once

#include <memory>
#include <string>

#include "base/clock.hpp"
#include "base/worker_pool.hpp"
#include "core/bus/bus.hpp"
#include "core/crypto/password.hpp"
#include "core/db/database.hpp"
#include "core/http/egress.hpp"
#include "platform/accounts.hpp"
#include "platform/armour.hpp"
#include "platform/audit.hpp"
#include "platform/authz.hpp"
#include "platform/blobs.hpp"
#include "platform/invitations.hpp"
#include "platform/mail_queue.hpp"
#include "platform/mailer.hpp"
#include "platform/maintenance.hpp"
#include "platform/outbox.hpp"
#include "platform/registry.hpp"
#include "platform/sessions.hpp"
#include "platform/settings.hpp"
#include "platform/throttle.hpp"
#include "platform/workspaces.hpp"

namespace ruche::platform {

struct PlatformConfig {
  std::string public_url = "http://127.0.0.1:8080";  // how users reach this instance
  std::string instance_key;                           // 32 bytes: seals secrets at rest
  InstanceSettings defaults;
  SessionsConfig sessions;
  ThrottleConfig throttle;
  SmtpConfig smtp;
  std::int64_t invitation_ttl_ms = 7LL * 24 * 3600'000;
  // Trust X-Forwarded-For from these peers (a reverse proxy on the same host).
  std::vector<std::string> trusted_proxies;
  // Authenticated writes per user and node (REL-4); 429 beyond.
  double writes_per_second = 100;
  double write_burst = 500;
  // Where the platform keeps contents (DATA/blobs, see blobs.hpp), or the
  // S3-compatible bucket that holds them instead (endpoint set).
  std::string data_dir;
  blob::S3Config s3;
  // data_dir, or its default when unset (contents, export spools).
  std::string data_folder() const { return data_dir.empty() ? "./data" : data_dir; }
  std::size_t s3_read_ahead = 4;  // chunks requested ahead per download from the bucket
  // Per-module settings from the configuration file (["files"] = {...}).
  json::object module_settings;
  // Fetches of what users name (SECURITY.md IO-5); off by default.
  http::EgressConfig egress;
};

class Platform {
 public:
  Platform(db::Database& db, bus::Bus& bus, const Clock& clock, crypto::PasswordHasher& hasher,
           WorkerPool& workers, const ModuleRegistry& registry, PlatformConfig config);

  db::Database& db;
  bus::Bus& bus;
  const Clock& clock;
  WorkerPool& workers;
  const ModuleRegistry& registry;
  PlatformConfig config;  // public_url may be set once the port is known, before serving

  Blobs blobs;  // every module's stored bytes
  AuditLog audit;
  Outbox outbox;
  Accounts accounts;
  Sessions sessions;
  LoginThrottle throttle;
  Authz authz;
  Workspaces workspaces;
  Settings settings;
  std::unique_ptr<Mailer> mailer;
  MailQueue mail_queue;  // email a change causes, sent after its commit
  Invitations invitations;
  Armour armour;  // armoured workspaces' keys
  http::Egress egress;  // the one way to fetch what users name (IO-5)
  // Unread notices emailed in digests (with SMTP only); last, so that it
  // stops first.
  std::unique_ptr<PeriodicTask> notice_digests;
};

}  // namespace ruche::platform
