#include "core/testing/child_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

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

// `program` as a path to run: itself when it names a file, else the first
// executable of that name in PATH; empty when there is none. Resolved
// before fork(): the child only calls execv().
std::string executable(const std::string& program) {
  if (program.find('/') != std::string::npos)
    return ::access(program.c_str(), X_OK) == 0 ? program : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t at = 0; at <= dirs.size();) {
    std::size_t end = dirs.find(':', at);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = (end > at ? dirs.substr(at, end - at) : ".") + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    at = end + 1;
  }
  return "";
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
  for (const std::string& program : programs_) {
    const std::string path = executable(program);
    if (path.empty()) continue;
    std::vector<char*> argv{const_cast<char*>(path.c_str())};
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) fail("cannot fork");
    if (pid == 0) {
      // The child dies with the test process, even one that crashed or was
      // killed before its destructors ran: no server outlives its test.
      // Only async-signal-safe calls between fork and exec.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the parent is already gone
      const int null = ::open("/dev/null", O_WRONLY);
      if (null >= 0) {
        ::dup2(null, 1);
        ::dup2(null, 2);
      }
      ::execv(path.c_str(), argv.data());
      ::_exit(127);
    }
    pid_ = pid;
    break;
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
