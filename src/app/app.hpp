// The application: builds every part from a Config (database, migrations,
// keys, platform, modules, routes, server) and runs the commands.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"

namespace ruche::platform {
class Platform;
class Api;
}  // namespace ruche::platform

namespace ruche::app {

// Opens the configured database and applies pending migrations.
Result<std::unique_ptr<db::Database>> open_database(const Config& config);

// The 32-byte instance key: from configuration, or DATA/instance.key
// (created on first use, mode 0600).
Result<std::string> load_instance_key(const Config& config);

// A node without a NATS bus keeps what it knows in memory (sessions,
// rights, listings), told of changes by its own process only: a second
// process writing the same data would go unseen by it. `ruche serve` holds
// this lock on DATA/ruche.lock for its lifetime, so does any command that
// writes contents; with a bus (several nodes) every process hears the others
// and no lock is taken. Errors: conflict when another process holds it.
class NodeLock {
 public:
  static Result<NodeLock> acquire(const Config& config);
  NodeLock(NodeLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  NodeLock& operator=(NodeLock&&) = delete;
  ~NodeLock();

 private:
  explicit NodeLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// One running Ruche: every part built from a Config. `ruche serve` runs one;
// whole-server tests run one in-process on port 0.
class Instance {
 public:
  // Opens the database (migrating it), loads keys, wires platform, modules
  // and routes. Errors: whatever stops start-up, with a clear message.
  static Result<std::unique_ptr<Instance>> create(Config config,
                                                  const Clock& clock = SystemClock::instance());
  ~Instance();

  // Binds. Errors: unavailable (address in use).
  Result<void> listen();
  std::uint16_t port() const;
  // The address actually bound, "http://127.0.0.1:PORT".
  std::string url() const;
  // When no account exists: a one-time link to create the first administrator.
  std::optional<std::string> setup_link();
  // Serves until stop() or SIGTERM/SIGINT (with `signals`).
  void run(bool signals);
  void stop();

  platform::Platform& platform();
  platform::Api& api();
  const Config& config() const;

 private:
  Instance();
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

// `ruche serve`: runs until SIGTERM/SIGINT; returns the process exit code.
int serve(Config config);

}  // namespace ruche::app
