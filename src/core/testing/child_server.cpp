#include "core/testing/child_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ruche::testing {

namespace {

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

bool accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a = loopback(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

ChildServer::ChildServer(std::string name, std::vector<std::string> programs,
                         std::vector<std::string> args, std::string hint)
    : name_(std::move(name)),
      programs_(std::move(programs)),
      args_(std::move(args)),
      hint_(std::move(hint)) {
  port_ = free_port();
  if (port_ == 0) fail("no free port");
  start();
}

ChildServer::~ChildServer() {
  stop();
}

void ChildServer::fail(const std::string& what) {
  throw std::runtime_error(name_ + " (test server): " + what + " (" + hint_ + ")");
}

void ChildServer::start() {
  if (pid_ > 0) return;
  std::vector<std::string> args = args_;
  for (std::string& a : args)
    if (auto at = a.find("{port}"); at != std::string::npos)
      a.replace(at, 6, std::to_string(port_));
  for (std::string program : programs_) {
    std::vector<char*> argv{program.data()};
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc == 0) {
      pid_ = pid;
      break;
    }
  }
  if (pid_ <= 0) fail("cannot run it");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!accepts(port_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      fail("exited at start");
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      fail("not listening after 20 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ChildServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace ruche::testing
