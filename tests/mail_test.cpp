// Invitation emails reach a real SMTP server (Debian's aiosmtpd, on loopback,
// writing to a Maildir), and nothing is sent when SMTP is not configured.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

namespace fs = std::filesystem;

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool port_open(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// aiosmtpd in a child process, stopped with the test.
class SmtpSink {
 public:
  SmtpSink() {
    char tmpl[] = "/tmp/ruche-smtp-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    port_ = free_port();
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string listen = "127.0.0.1:" + std::to_string(port_);
      std::string maildir = dir_ + "/maildir";
      ::execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
              "aiosmtpd.handlers.Mailbox", maildir.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100 && !port_open(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~SmtpSink() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::uint16_t port() const { return port_; }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_ + "/maildir/new", ec)) {
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }

 private:
  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

TEST(Mail, InvitationEmailIsSentThroughSmtp) {
  SmtpSink sink;
  TestServer s([&](app::Config& c) {
    c.smtp_url = "smtp://127.0.0.1:" + std::to_string(sink.port());
    c.smtp_from = "Ruche <noreply@ruche.test>";
  });
  Account a = s.user("Alice <script>");
  // A name with a line break never gets as far as a mail header.
  auto bad = s.call("POST", "/api/v1/workspaces", a.token,
                    body(json::object{{"name", "Équipe\r\nBcc: victim@example.org"}}));
  ASSERT_EQ(bad.status, 400);
  std::string ws = s.workspace(a, "Équipe « projet »");
  auto inv = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
               body(json::object{{"email", "invitee@partner.example"}}));
  ASSERT_EQ(inv.status, 201) << inv.raw.body;
  EXPECT_TRUE(inv.body.at("emailed").as_bool());
  std::string url(inv.body.at("url").as_string());
  std::vector<std::string> mails;
  for (int i = 0; i < 50 && mails.empty(); ++i) {
    mails = sink.messages();
    if (mails.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(mails.size(), 1u);
  const std::string& m = mails[0];
  EXPECT_NE(m.find("To: <invitee@partner.example>"), std::string::npos) << m;
  EXPECT_NE(m.find(url), std::string::npos) << m;
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_EQ(m.find("Bcc:"), std::string::npos);
}

TEST(Mail, UnreachableSmtpStillCreatesTheInvitation) {
  TestServer s([&](app::Config& c) {
    c.smtp_url = "smtp://127.0.0.1:" + std::to_string(free_port());
    c.smtp_from = "noreply@ruche.test";
  });
  Account a = s.user("Alice");
  std::string ws = s.workspace(a, "W");
  auto inv = s.call("POST", "/api/v1/workspaces/" + ws + "/invitations", a.token,
                    body(json::object{{"email", "invitee@partner.example"}}));
  ASSERT_EQ(inv.status, 201);
  EXPECT_FALSE(inv.body.at("emailed").as_bool());
  EXPECT_FALSE(std::string(inv.body.at("url").as_string()).empty());
}

TEST(Mail, MessagesAreFormattedSafely) {
  platform::SmtpConfig c;
  c.from = "Ruche <noreply@ruche.test>";
  platform::Mail m;
  m.to = "a@b.example\r\nBcc: x@y.example";
  m.subject = "Hello\r\nBcc: x@y.example";
  m.text = "line one\n.\nline three";
  std::string out = platform::format_message(c, m, "Sun, 29 Nov 2026 17:00:00 +0000", "<id@ruche.test>");
  EXPECT_EQ(out.find("\r\nBcc:"), std::string::npos);
  EXPECT_NE(out.find("\r\n..\r\n"), std::string::npos);  // dot-stuffed
}

}  // namespace
}  // namespace ruche::testing
