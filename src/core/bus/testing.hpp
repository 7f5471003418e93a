// A real nats-server for tests: on 127.0.0.1 and a free port, stopped (and
// started again on the same port) at will, killed at the end.
#pragma once

#include <sys/types.h>

#include <string>

namespace ruche::bus::testing {

class NatsServer {
 public:
  // Starts it; throws std::runtime_error when nats-server cannot run.
  NatsServer();
  ~NatsServer();
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  std::string url() const;
  // Kills the server and waits for it to exit.
  void stop();
  // Starts it again on the same port and waits until it accepts connections.
  void start();

 private:
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace ruche::bus::testing
