#include "platform/platform.hpp"

#include <filesystem>

#include "platform/module_settings.hpp"
#include "platform/notices.hpp"

namespace ruche::platform {

namespace {
InvitationsConfig invitation_config(const PlatformConfig& c) {
  InvitationsConfig ic;
  ic.public_url = c.public_url;
  ic.instance_name = c.defaults.instance_name;
  ic.default_ttl_ms = c.invitation_ttl_ms;
  return ic;
}

BlobsConfig blobs_config(const PlatformConfig& c) {
  BlobsConfig b;
  b.root = (std::filesystem::path(c.data_folder()) / "blobs").string();
  b.s3 = c.s3;
  if (!c.s3.endpoint.empty()) b.read_ahead = c.s3_read_ahead;
  // Historically a Files setting: the pool now serves every module.
  if (auto n = module_int(c.module_settings, "files", "chunk_threads", 0); n > 0)
    b.chunk_threads = static_cast<std::size_t>(n);
  if (auto mb = module_int(c.module_settings, "files", "chunk_cache_mb", -1); mb >= 0)
    b.cache_bytes = static_cast<std::uint64_t>(mb) << 20;
  return b;
}
}  // namespace

Platform::Platform(db::Database& db_in, bus::Bus& bus_in, const Clock& clock_in,
                   crypto::PasswordHasher& hasher, WorkerPool& workers_in,
                   const ModuleRegistry& registry_in, PlatformConfig config_in)
    : db(db_in),
      bus(bus_in),
      clock(clock_in),
      workers(workers_in),
      registry(registry_in),
      config(std::move(config_in)),
      blobs(db, clock, config.instance_key, blobs_config(config)),
      audit(clock),
      outbox(bus, clock),
      accounts(db, clock, hasher, config.instance_key, config.defaults.instance_name),
      sessions(db, clock, outbox, config.sessions),
      throttle(clock, config.throttle),
      authz(db, bus, clock),
      workspaces(db, clock, authz, outbox, audit, registry, blobs),
      settings(db, outbox, config.defaults),
      mailer(make_smtp_mailer(config.smtp)),
      mail_queue(db, clock, mailer.get()),
      invitations(db, clock, authz, workspaces, accounts, sessions, audit, outbox, mailer.get(),
                  invitation_config(config)),
      armour(db, clock, authz, audit, outbox),
      egress(config.egress) {
  if (mail_queue.enabled())
    notice_digests = std::make_unique<PeriodicTask>(
        db, clock, "notice_digests", kNoticeDigestPeriodMs, [this]() -> Result<void> {
          RUCHE_TRY(InstanceSettings s, settings.get());
          RUCHE_TRY([[maybe_unused]] int sent,
                    email_notice_digests(db, mail_queue, clock, config.public_url, s.instance_name,
                                         s.default_locale));
          return {};
        });
}

}  // namespace ruche::platform
