#include "support/test_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace ruche::testing {

namespace fs = std::filesystem;

std::string Reply::error_code() const {
  if (!body.is_object()) return {};
  auto* e = body.as_object().if_contains("error");
  if (!e || !e->is_object()) return {};
  auto* c = e->as_object().if_contains("code");
  return c && c->is_string() ? std::string(c->as_string()) : std::string();
}

std::int64_t TestServer::audit_count(std::string_view action) {
  auto n = platform().db.read([&](db::Conn& c) -> Result<std::int64_t> {
    RUCHE_TRY(auto r, c.query_one("SELECT COUNT(*) FROM audit_log WHERE action = $1", {std::string(action)}));
    return r ? r->i64(0) : 0;
  });
  return n ? *n : -1;
}

std::string body(const json::object& obj) { return json::serialize(obj); }

std::vector<std::string> TestServer::notices(const Account& who, std::string_view type,
                                             const NoticeLine& line, std::size_t at_least) {
  std::vector<std::string> out;
  for (int round = 0; round < 100; ++round) {
    out.clear();
    auto kept = call("GET", "/api/v1/me/notices", who.token);
    if (kept.status == 200)
      for (const auto& n : kept.body.at("notices").as_array())
        if (n.at("type").as_string() == type) out.push_back(line(n.at("data")));
    if (out.size() >= at_least) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string str(const json::value& v, std::string_view key) {
  return std::string(v.at(key).as_string());
}

std::string make_channel(TestServer& s, const Account& a, const std::string& ws, std::string_view name,
                         bool is_private, const std::vector<std::string>& members) {
  json::array m;
  for (const auto& id : members) m.emplace_back(id);
  auto r = s.call("POST", "/api/v1/workspaces/" + ws + "/channels", a.token,
                  body(json::object{{"name", name}, {"private", is_private}, {"member_ids", std::move(m)}}));
  if (r.status != 201) throw std::runtime_error("channel: " + r.raw.body);
  return std::string(r.body.at("id").as_string());
}

std::unique_ptr<http::WsClient> connect_events(TestServer& s, const Account& a) {
  auto ws = http::WsClient::connect("127.0.0.1", s.port(), "/api/v1/events",
                                    {{"Authorization", "Bearer " + a.token}});
  if (!ws) throw std::runtime_error("ws connect: " + ws.error().message);
  return std::move(*ws);
}

json::value next_frame(http::WsClient& ws, int ms) {
  auto m = ws.receive(ms);
  if (!m || !m->has_value()) return nullptr;
  return json::parse(**m).value_or(json::value());
}

json::value until(http::WsClient& ws, std::string_view type, int ms) {
  for (int i = 0; i < 500; ++i) {
    json::value f = next_frame(ws, ms);
    if (f.is_null()) return f;
    if (f.is_object() && f.at("type").as_string() == type) return f;
  }
  return nullptr;
}

TestServer::TestServer(std::function<void(app::Config&)> tweak,
                       std::function<void(platform::Api&)> routes) {
  char tmpl[] = "/tmp/ruche-test-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  data_dir_ = tmpl;
  app::Config c;
  c.host = "127.0.0.1";
  c.port = 0;
  c.data_dir = data_dir_;
  c.io_threads = 2;
  c.workers = 8;
  c.access_log = false;
  c.web_root = data_dir_ + "/no-web";
  c.password_memory_kib = 19456;
  c.password_iterations = 2;
  c.password_parallelism = 1;
  c.password_concurrency = 4;
  // RUCHE_TEST_RUN_WRITES_TWICE=1: every write body runs twice on SQLite,
  // as after a neighbour's failure (a body with effects outside its
  // transaction then shows).
  if (const char* twice = std::getenv("RUCHE_TEST_RUN_WRITES_TWICE"); twice && std::string_view(twice) == "1")
    c.sqlite_run_writes_twice = true;
  if (db::testing::test_backend() == db::Backend::postgres) {
    store_ = std::make_unique<db::testing::TestStore>(db::Backend::postgres);
    c.database = "postgres";
    c.postgres_dsn = store_->config().postgres_dsn;
    c.postgres_schema = store_->config().postgres_schema;
    c.postgres_pool = 8;
  }
  if (tweak) tweak(c);
  if (auto r = app::finish(c, "/proc/self/exe"); !r) throw std::runtime_error(r.error().message);
  auto inst = app::Instance::create(c, clock_);
  if (!inst) throw std::runtime_error("instance: " + inst.error().message);
  instance_ = std::move(*inst);
  if (routes) routes(instance_->api());
  if (auto r = instance_->listen(); !r) throw std::runtime_error(r.error().message);
  thread_ = std::thread([this] { instance_->run(false); });
}

TestServer::~TestServer() {
  instance_->stop();
  thread_.join();
  instance_.reset();
  store_.reset();
  std::error_code ec;
  fs::remove_all(data_dir_, ec);
}

Reply TestServer::call(std::string_view method, std::string_view path, std::string_view token,
                       std::optional<std::string> body_text, Headers headers) {
  http::HttpClient client("127.0.0.1", port());
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + std::string(token));
  if (body_text) headers.emplace_back("Content-Type", "application/json");
  auto r = client.request(method, path, headers, body_text.value_or(""));
  if (!r) throw std::runtime_error("request failed: " + r.error().message);
  Reply out;
  out.status = r->status;
  out.raw = std::move(*r);
  if (!out.raw.body.empty()) {
    auto v = json::parse(out.raw.body);
    if (v) out.body = std::move(*v);
  }
  return out;
}

Account TestServer::login(std::string_view email, std::string_view password) {
  json::object b;
  b["email"] = email;
  b["password"] = password;
  Reply r = call("POST", "/api/v1/auth/login", {}, body(b));
  if (r.status != 200) throw std::runtime_error("login failed: " + r.raw.body);
  Account a;
  const auto& o = r.body.as_object();
  a.id = UserId(std::string(o.at("user").at("id").as_string()));
  a.email = std::string(email);
  a.name = std::string(o.at("user").at("name").as_string());
  a.password = std::string(password);
  a.token = std::string(o.at("token").as_string());
  a.csrf = std::string(o.at("csrf_token").as_string());
  std::string cookie = r.raw.header("Set-Cookie").value_or("");
  a.cookie = cookie.substr(0, cookie.find(';'));
  return a;
}

Account TestServer::user(std::string_view name, platform::InstanceRole role) {
  std::string email = "user" + std::to_string(++next_user_) + "@example.org";
  auto u = platform().accounts.create(email, name, kPassword, role);
  if (!u) throw std::runtime_error("create user: " + u.error().message);
  return login(email, kPassword);
}

std::string TestServer::workspace(const Account& owner, std::string_view name,
                                  std::vector<std::string> modules) {
  json::object b;
  b["name"] = name;
  json::array m;
  for (auto& s : modules) m.emplace_back(s);
  b["modules"] = std::move(m);
  Reply r = call("POST", "/api/v1/workspaces", owner.token, body(b));
  if (r.status != 201) throw std::runtime_error("create workspace: " + r.raw.body);
  return std::string(r.body.at("id").as_string());
}

void TestServer::join(const Account& owner, const std::string& ws, const Account& who,
                      std::string_view role) {
  json::object b;
  b["email"] = who.email;
  b["role"] = role;
  Reply inv = call("POST", "/api/v1/workspaces/" + ws + "/invitations", owner.token, body(b));
  if (inv.status != 201) throw std::runtime_error("invite: " + inv.raw.body);
  std::string token(inv.body.at("token").as_string());
  Reply acc = call("POST", "/api/v1/invitations/" + token + "/accept", who.token);
  if (acc.status != 200) throw std::runtime_error("accept: " + acc.raw.body);
}

}  // namespace ruche::testing
