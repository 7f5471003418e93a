#include "core/bus/testing.hpp"

namespace ruche::bus::testing {

// Debian installs it in /usr/sbin, which a user's PATH may lack.
NatsServer::NatsServer()
    : server_("nats-server", {"/usr/sbin/nats-server", "nats-server"},
              {"-a", "127.0.0.1", "-p", "{port}"}, "scripts/deps.sh test") {}

}  // namespace ruche::bus::testing
