// A real nats-server for tests: on 127.0.0.1 and a free port, stopped (and
// started again on the same port) at will, killed at the end.
#pragma once

#include <string>

#include "core/testing/child_server.hpp"

namespace ruche::bus::testing {

class NatsServer {
 public:
  // Starts it; throws std::runtime_error when nats-server cannot run.
  NatsServer();

  std::string url() const { return "nats://127.0.0.1:" + std::to_string(server_.port()); }
  // Kills the server and waits for it to exit.
  void stop() { server_.stop(); }
  // Starts it again on the same port and waits until it accepts connections.
  void start() { server_.start(); }

 private:
  ruche::testing::ChildServer server_;
};

}  // namespace ruche::bus::testing
