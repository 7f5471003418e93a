// An in-process Ruche for whole-server tests: the real Instance (router,
// platform, database, WebSockets) on 127.0.0.1:0, a temporary data folder,
// SQLite or PostgreSQL by build (db::testing::test_backend()), a manual
// clock, and the cheapest password hashing the policy allows.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/app.hpp"
#include "base/clock.hpp"
#include "base/json.hpp"
#include "core/db/testing.hpp"
#include "core/http/client.hpp"
#include "platform/api.hpp"
#include "platform/platform.hpp"

namespace ruche::testing {

struct Reply {
  int status = 0;
  json::value body;            // parsed JSON, or null
  http::ClientResponse raw;
  std::string error_code() const;  // body.error.code, or ""
};

struct Account {
  UserId id;
  std::string email;
  std::string name;
  std::string password;
  std::string token;           // a session from a real login
  std::string csrf;
  std::string cookie;          // "__Host-ruche_session=..."
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class TestServer;

// A chat channel made by `a` in `ws` over HTTP (with `members` added); its id.
std::string make_channel(TestServer& s, const Account& a, const std::string& ws, std::string_view name,
                         bool is_private = false, const std::vector<std::string>& members = {});

// A live-events WebSocket (GET /api/v1/events) of `a` on `s`; throws when refused.
std::unique_ptr<http::WsClient> connect_events(TestServer& s, const Account& a);
// The next frame, or null after `ms` or when the connection closed.
json::value next_frame(http::WsClient& ws, int ms = 3000);
// Frames until one of `type` arrives (others are skipped); null on timeout
// or when the connection closed.
json::value until(http::WsClient& ws, std::string_view type, int ms = 3000);

class TestServer {
 public:
  // `routes` may declare extra routes (as a module would) before listening.
  explicit TestServer(std::function<void(app::Config&)> tweak = {},
                      std::function<void(platform::Api&)> routes = {});
  ~TestServer();

  std::uint16_t port() const { return instance_->port(); }
  app::Instance& instance() { return *instance_; }
  platform::Platform& platform() { return instance_->platform(); }
  ManualClock& clock() { return clock_; }
  const std::string& data_dir() const { return data_dir_; }

  // A request with a Bearer token (empty: anonymous) and an optional JSON body.
  Reply call(std::string_view method, std::string_view path, std::string_view token = {},
             std::optional<std::string> body = std::nullopt, Headers headers = {});
  // Creates an account (through the platform) and logs it in over HTTP.
  Account user(std::string_view name, platform::InstanceRole role = platform::InstanceRole::member);
  Account login(std::string_view email, std::string_view password);
  // A workspace owned by `owner`, with `modules`. Returns its id.
  std::string workspace(const Account& owner, std::string_view name,
                        std::vector<std::string> modules = {"chat", "files"});
  // Adds `who` to `ws` through an invitation accepted with their session.
  void join(const Account& owner, const std::string& ws, const Account& who,
            std::string_view role = "member");

  // How many audit entries have this action (-1 when the read fails).
  std::int64_t audit_count(std::string_view action);

  // `who`'s kept notices of `type` (GET /me/notices), each as `line` says
  // it from its data, sorted; with `at_least`, once there are that many
  // (a periodic task sends them: up to 10 s).
  using NoticeLine = std::function<std::string(const json::value& data)>;
  std::vector<std::string> notices(const Account& who, std::string_view type,
                                   const NoticeLine& line, std::size_t at_least = 0);

  static inline const std::string kPassword = "Ornithorynque-Bleu-47";

 private:
  ManualClock clock_{1'800'000'000'000};
  std::string data_dir_;
  std::unique_ptr<db::testing::TestStore> store_;  // PostgreSQL schema
  std::unique_ptr<app::Instance> instance_;
  std::thread thread_;
  int next_user_ = 0;
};

// The JSON of `obj` as a string, for request bodies.
std::string body(const json::object& obj);
// The string member `key` of a JSON object (throws when it is not one).
std::string str(const json::value& v, std::string_view key);

}  // namespace ruche::testing
