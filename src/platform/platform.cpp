#include "platform/platform.hpp"

namespace ruche::platform {

namespace {
InvitationsConfig invitation_config(const PlatformConfig& c) {
  InvitationsConfig ic;
  ic.public_url = c.public_url;
  ic.instance_name = c.defaults.instance_name;
  ic.default_ttl_ms = c.invitation_ttl_ms;
  return ic;
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
      audit(clock),
      outbox(bus, clock),
      accounts(db, clock, hasher, config.instance_key, config.defaults.instance_name),
      sessions(db, clock, outbox, config.sessions),
      throttle(clock, config.throttle),
      authz(db, clock),
      workspaces(db, clock, authz, outbox, audit, registry),
      settings(db, outbox, config.defaults),
      mailer(make_smtp_mailer(config.smtp)),
      invitations(db, clock, authz, workspaces, accounts, sessions, audit, outbox, mailer.get(),
                  invitation_config(config)) {}

}  // namespace ruche::platform
