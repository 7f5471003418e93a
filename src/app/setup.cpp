#include "app/setup.hpp"

#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"

namespace ruche::app {

using namespace ruche::platform;

namespace {
Result<std::int64_t> count_users(db::Database& db) {
  return db.read([](db::Conn& c) -> Result<std::int64_t> {
    RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM users"));
    return row ? row->i64(0) : 0;
  });
}
}  // namespace

std::optional<std::string> Setup::start_if_needed(const std::string& public_url) {
  auto n = count_users(platform_.db);
  if (!n || *n > 0) return std::nullopt;
  std::string token = crypto::new_token();
  {
    std::lock_guard lock(mu_);
    token_hash_ = crypto::token_hash(token);
  }
  return public_url + "/setup?token=" + token;
}

void Setup::register_routes(Api& api) {
  api.add_public("GET", "/api/v1/setup", [this](http::Request&) -> Result<http::Response> {
    RUCHE_TRY(auto n, count_users(platform_.db));
    json::object o;
    o["needed"] = n == 0;
    return json_reply(o);
  });

  api.add_public("POST", "/api/v1/setup", [this, &api](http::Request& req) -> Result<http::Response> {
    RUCHE_TRY(json::In in, json::In::parse(req.body));
    std::string token = in.string("token", {.min = 1, .max = 128});
    std::string email_in = in.string("email", {.min = 1, .max = 320});
    std::string name_in = in.string("name", {.min = 1, .max = 100});
    std::string password = in.string("password", {.min = 1, .max = 1024, .single_line = false});
    if (!in.ok()) return tl::unexpected<Error>(in.error());
    {
      std::lock_guard lock(mu_);
      if (token_hash_.empty() || !crypto::constant_time_equal(crypto::token_hash(token), token_hash_))
        return fail(Errc::not_found, "no setup is pending with this link", "bad_setup_token");
    }
    RUCHE_TRY(std::string email, normalize_email(email_in));
    RUCHE_TRY(std::string name, check_name(name_in));
    RUCHE_TRY(std::string hash, platform_.accounts.hash_new_password(password, email, name));
    std::string address = api.client_address(req);
    std::string ua(req.headers.get("User-Agent").value_or(""));
    User user;
    RUCHE_TRY(Minted m, platform_.db.write([&](db::Conn& c) -> Result<Minted> {
      RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM users"));
      if (row && row->i64(0) > 0) return fail(Errc::gone, "setup is already done", "setup_done");
      RUCHE_TRY(user, platform_.accounts.create_in(c, email, name, hash, InstanceRole::admin));
      RUCHE_TRY(Minted minted, platform_.sessions.create_session(c, user.id, address, ua));
      AuditEntry e;
      e.actor_id = user.id.str();
      e.action = "admin.first_setup";
      e.object = user.id.str();
      e.remote_addr = address;
      e.request_id = req.request_id;
      RUCHE_CHECK(platform_.audit.append(c, e));
      return minted;
    }));
    {
      std::lock_guard lock(mu_);
      token_hash_.clear();
    }
    json::object u;
    u["id"] = user.id.str();
    u["email"] = user.email;
    u["name"] = user.name;
    u["role"] = "admin";
    json::object o;
    o["token"] = m.token;
    o["csrf_token"] = m.csrf_token;
    o["csrf_header"] = kCsrfHeader;
    o["user"] = std::move(u);
    http::Response r = json_reply(o, 201);
    r.headers.add("Set-Cookie",
                  session_cookie(m.token, platform_.config.sessions.absolute_timeout_ms / 1000));
    return r;
  });
}

}  // namespace ruche::app
