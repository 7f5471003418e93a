// A third-party server for tests (nats-server, an S3 service): started on
// 127.0.0.1 and a free port, stopped and started again on the same port at
// will, killed when the object goes — or with the test process, should it
// crash or be killed first (PR_SET_PDEATHSIG).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ruche::testing {

class ChildServer {
 public:
  // `programs`: the executables tried in order (a path, or a name looked up
  // in PATH). `args`: the arguments after it, "{port}" replaced by the port.
  // `hint` ends the error messages (how to install it). Starts it; throws
  // std::runtime_error when it cannot run or does not listen within 20 s.
  ChildServer(std::string name, std::vector<std::string> programs, std::vector<std::string> args,
              std::string hint);
  ~ChildServer();
  ChildServer(const ChildServer&) = delete;
  ChildServer& operator=(const ChildServer&) = delete;

  int port() const { return port_; }
  // Kills the server and waits for it to exit.
  void stop();
  // Starts it again on the same port and waits until it accepts connections.
  void start();

 private:
  [[noreturn]] void fail(const std::string& what);

  std::string name_;
  std::vector<std::string> programs_;
  std::vector<std::string> args_;
  std::string hint_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace ruche::testing
