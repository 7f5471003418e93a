#include "platform/api.hpp"

#include <algorithm>

#include "base/log.hpp"
#include "core/crypto/hash.hpp"
#include "core/http/compress.hpp"
#include "platform/request_checks.hpp"

namespace ruche::platform {

namespace {


// What finish() does to a successful answer, for answers of the fast paths.
std::optional<http::Response> finish_fast(std::optional<http::Response> r) {
  if (r && !r->headers.has("Cache-Control")) r->headers.set("Cache-Control", "no-store");
  return r;
}

bool is_safe_method(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "PROPFIND" || m == "REPORT";
}

}  // namespace

std::string session_cookie(std::string_view token, std::int64_t max_age_s) {
  return std::string(kSessionCookie) + "=" + std::string(token) +
         "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_s);
}

bool wants_page(const http::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  if (auto mode = req.headers.get("Sec-Fetch-Mode"); mode && *mode == "navigate") return true;
  auto accept = req.headers.get("Accept");
  if (!accept || accept->size() > 1024) return false;
  double html = 0, json = -1, any = -1;
  http::each_weighted(*accept, [&](std::string_view type, double q) {
    if (http::iequals(type, "text/html"))
      html = q;
    else if (http::iequals(type, "application/json"))
      json = q;
    else if (type == "*/*" || http::iequals(type, "application/*"))
      any = std::max(any, q);
  });
  if (json < 0) json = std::max(any, 0.0);
  return html > 0 && html > json;
}

http::Response Api::app_page(const http::Request& req) const {
  if (!app_page_) return http::error_response(Errc::not_found, "no web client");
  return app_page_(req);
}

http::Response json_reply(const json::value& v, int status) {
  return http::json_response(status, json::serialize(v));
}

Api::Api(http::Router& router, Platform& platform)
    : router_(router),
      platform_(platform),
      writes_(platform.clock, platform.config.writes_per_second, platform.config.write_burst) {}

std::string Api::client_address(const http::Request& req) const {
  for (const auto& proxy : platform_.config.trusted_proxies) {
    if (proxy == req.remote_addr) {
      if (auto xff = req.headers.get("X-Forwarded-For")) {
        std::string_view v = *xff;
        auto comma = v.rfind(',');
        std::string_view last = comma == std::string_view::npos ? v : v.substr(comma + 1);
        while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
        if (!last.empty() && last.size() <= 64) return std::string(last);
      }
    }
  }
  return req.remote_addr;
}

http::Response Api::finish(Result<http::Response> r, const http::Request& req, Finish how) const {
  http::Response out;
  if (r) {
    out = std::move(*r);
  } else {
    if (r.error().code == Errc::internal)
      log::error("api.internal_error", {{"route", req.route},
                                        {"request_id", req.request_id},
                                        {"error", r.error().message}});
    out = http::error_response(r.error());
    if (r.error().code == Errc::unauthenticated && !out.headers.has("WWW-Authenticate"))
      out.headers.set("WWW-Authenticate",
                      how.basic ? "Basic realm=\"Ruche\", charset=\"UTF-8\"" : "Bearer");
  }
  if (!out.headers.has("Cache-Control")) out.headers.set("Cache-Control", "no-store");
  if (how.compress)
    http::gzip_response(
        out, sent_by_own_client(req.headers) ? req.headers.get("Accept-Encoding").value_or("") : "",
        http::kGzipFastest);
  return out;
}

namespace {

struct BasicCredential {
  std::string email;   // normalized
  std::string secret;
  bool app_token = false;  // the secret has an app token's shape
  std::string cache_key() const { return crypto::sha256(email + '\0' + secret); }
};

std::optional<BasicCredential> parse_basic(std::string_view authorization) {
  auto sent = basic_credentials(authorization);
  if (!sent) return std::nullopt;
  auto email = normalize_email(sent->user);
  if (!email) return std::nullopt;
  BasicCredential b{std::move(*email), std::move(sent->password)};
  b.app_token = b.secret.size() == 43 &&
                b.secret.find_first_not_of(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos;
  return b;
}

}  // namespace

std::optional<Caller> Api::basic_cached(std::string_view authorization) {
  auto b = parse_basic(authorization);
  if (!b) return std::nullopt;
  if (b->app_token) {
    auto resolved = platform_.sessions.resolve_cached(b->secret);
    if (resolved && resolved->caller.email == b->email) return std::move(resolved->caller);
  }
  return platform_.sessions.password_check_cached(b->cache_key());
}

Result<std::optional<Caller>> Api::basic_auth(const http::Request& req,
                                              std::string_view authorization) {
  auto b = parse_basic(authorization);
  if (!b) return fail(Errc::unauthenticated, "bad credentials");
  const std::optional<std::string> email = b->email;
  const std::string& secret = b->secret;
  std::string address = client_address(req);

  // An app token in the password field.
  if (b->app_token) {
    RUCHE_TRY(auto resolved, platform_.sessions.resolve(secret));
    if (resolved && resolved->caller.email == *email) {
      Caller c = resolved->caller;
      return std::optional<Caller>(std::move(c));
    }
  }

  const std::string key = b->cache_key();
  if (auto hit = platform_.sessions.password_check_cached(key)) return hit;
  RUCHE_TRY(auto locked, platform_.throttle.locked_for(platform_.db, *email, address));
  if (locked) return fail_rate_limited("too many failed logins; retry later", "throttled", *locked);
  auto user = platform_.accounts.check_password(*email, secret);
  if (!user || user->totp_enabled) {
    AuditEntry e;
    e.action = "auth.login";
    e.outcome = "failure";
    e.object = *email;
    e.remote_addr = address;
    e.request_id = req.request_id;
    e.details["method"] = "basic";
    RUCHE_CHECK(platform_.db.write([&](db::Conn& c) -> Result<void> {
      RUCHE_CHECK(platform_.throttle.record_failure(c, *email, address));
      return platform_.audit.append(c, e);
    }));
    if (user && user->totp_enabled)
      return fail(Errc::unauthenticated, "this account uses two-factor authentication: use an app token",
                  "app_token_required");
    return fail(Errc::unauthenticated, "bad credentials");
  }
  Caller c;
  c.user_id = user->id;
  c.email = user->email;
  c.name = user->name;
  c.role = user->role;
  c.kind = CredentialKind::password;
  platform_.sessions.remember_password_check(key, c);
  return std::optional<Caller>(std::move(c));
}

Result<std::optional<Caller>> Api::authenticate(http::Request& req, bool basic) {
  std::optional<Caller> caller;
  std::string csrf;
  if (auto auth = req.headers.get("Authorization")) {
    std::string_view v = *auth;
    if (v.size() > 7 && http::iequals(v.substr(0, 7), "Bearer ")) {
      RUCHE_TRY(auto resolved, platform_.sessions.resolve(v.substr(7)));
      if (!resolved) return fail(Errc::unauthenticated, "invalid or expired token", "invalid_token");
      caller = resolved->caller;
    } else if (basic && v.size() > 6 && http::iequals(v.substr(0, 6), "Basic ")) {
      RUCHE_TRY(caller, basic_auth(req, v));
    } else {
      return fail(Errc::unauthenticated, "unsupported authorization scheme");
    }
  } else if (auto upgrade = req.headers.get("Upgrade");
             upgrade && http::iequals(*upgrade, "websocket") && req.method == "GET" &&
             req.query_param("token")) {
    RUCHE_TRY(auto resolved, platform_.sessions.resolve(*req.query_param("token")));
    if (!resolved) return fail(Errc::unauthenticated, "invalid or expired token", "invalid_token");
    caller = resolved->caller;
  } else if (auto token = http::cookie(req.headers, kSessionCookie)) {
    RUCHE_TRY(auto resolved, platform_.sessions.resolve(*token));
    if (!resolved) return fail(Errc::unauthenticated, "session expired", "invalid_token");
    caller = resolved->caller;
    caller->via_cookie = true;
    csrf = resolved->csrf_token;
  }
  if (!caller) return std::optional<Caller>{};

  if (caller->via_cookie) {
    // Cross-site requests never act with the cookie (CSRF-1).
    RUCHE_CHECK(check_same_origin(req.headers, platform_.config.public_url));
    bool is_ws = req.headers.has("Upgrade");
    if (!is_safe_method(req.method) && !is_ws) {
      auto sent = req.headers.get(kCsrfHeader);
      if (!sent || csrf.empty() || !crypto::constant_time_equal(*sent, csrf))
        return fail(Errc::forbidden, "missing or wrong CSRF token", "csrf");
    }
  }
  caller->remote_addr = client_address(req);
  caller->request_id = req.request_id;
  return caller;
}

std::optional<Caller> Api::authenticate_cached(const http::Request& req, bool basic) {
  if (!is_safe_method(req.method)) return std::nullopt;
  std::optional<Resolved> resolved;
  bool cookie = false;
  if (auto auth = req.headers.get("Authorization")) {
    std::string_view v = *auth;
    if (basic && v.size() > 6 && http::iequals(v.substr(0, 6), "Basic ")) {
      auto c = basic_cached(v);
      if (!c) return std::nullopt;
      c->remote_addr = client_address(req);
      c->request_id = req.request_id;
      return c;
    }
    if (v.size() <= 7 || !http::iequals(v.substr(0, 7), "Bearer ")) return std::nullopt;
    resolved = platform_.sessions.resolve_cached(v.substr(7));
  } else if (auto token = http::cookie(req.headers, kSessionCookie)) {
    // Cross-site checks stay on the regular path.
    if (req.headers.has("Origin") || req.headers.has("Sec-Fetch-Site")) return std::nullopt;
    resolved = platform_.sessions.resolve_cached(*token);
    cookie = true;
  }
  if (!resolved) return std::nullopt;
  Caller c = std::move(resolved->caller);
  c.via_cookie = cookie;
  c.remote_addr = client_address(req);
  c.request_id = req.request_id;
  return c;
}

Result<Caller> Api::require_caller(http::Request& req, bool basic) {
  RUCHE_TRY(auto caller, authenticate(req, basic));
  if (!caller) return fail(Errc::unauthenticated, "authentication required");
  if (!is_safe_method(req.method) && !writes_.allow(caller->user_id.str())) {
    const std::int64_t wait = writes_.retry_after_ms(caller->user_id.str());
    return fail_rate_limited(
        "too many changes; slow down (retry in " + std::to_string((wait + 999) / 1000) + " s)",
        "rate_limited", wait);
  }
  return std::move(*caller);
}

Result<http::Response> Api::audited(const Caller& caller, const http::Request& req,
                                    Result<http::Response> r) {
  if (!r && r.error().denied)
    record_denied(caller, WorkspaceId(r.error().denied_in), req, r.error());
  return r;
}

void Api::record_denied(const Caller& caller, const WorkspaceId& ws, const http::Request& req,
                        const Error& e) {
  AuditEntry a = AuditEntry::by(caller, "authz.denied");
  a.outcome = "denied";
  a.workspace_id = is_id(ws.str()) ? ws.str() : "";
  a.object = std::string(req.method) + " " + std::string(req.route);
  a.details["reason"] = std::string(e.api_code());
  (void)platform_.audit.record(platform_.db, a);
}

void Api::add_public(std::string_view method, std::string_view pattern, PublicHandler h,
                     ApiOptions o) {
  meta_.push_back(RouteMeta{std::string(method), std::string(pattern), RouteKind::public_route});
  router_.add(
      method, pattern,
      [this, h = std::move(h)](http::Request& req) { return finish(h(req), req, Finish{}); },
      std::move(o.http));
}

void Api::route_user(std::string_view method, std::string_view pattern, UserHandler h, Finish how,
                     http::RouteOptions o) {
  router_.add(
      method, pattern,
      [this, h = std::move(h), how](http::Request& req) {
        return finish(
            [&]() -> Result<http::Response> {
              RUCHE_TRY(Caller caller, require_caller(req, how.basic));
              return audited(caller, req, h(req, caller));
            }(),
            req, how);
      },
      std::move(o));
}

void Api::add_user(std::string_view method, std::string_view pattern, UserHandler h,
                   ApiOptions o) {
  meta_.push_back(RouteMeta{std::string(method), std::string(pattern), RouteKind::user});
  const Finish how{.basic = o.basic_auth, .compress = o.compress};
  if (o.fast) {
    o.http.fast = [this, fast = std::move(o.fast)](http::Request& req) -> std::optional<http::Response> {
      auto caller = authenticate_cached(req);
      if (!caller) return std::nullopt;
      return finish_fast(fast(req, *caller));
    };
  }
  route_user(method, pattern, std::move(h), how, std::move(o.http));
}

void Api::add_admin(std::string_view method, std::string_view pattern, UserHandler h,
                    ApiOptions o) {
  meta_.push_back(RouteMeta{std::string(method), std::string(pattern), RouteKind::admin});
  router_.add(
      method, pattern,
      [this, h = std::move(h), how = Finish{.compress = o.compress}](http::Request& req) {
        return finish(
            [&]() -> Result<http::Response> {
              RUCHE_TRY(Caller caller, require_caller(req, false));
              if (!caller.is_admin()) {
                record_denied(caller, WorkspaceId(), req, Error{Errc::not_found, "", "not_admin"});
                return fail(Errc::not_found, "no such route");
              }
              RUCHE_TRY(InstanceSettings s, platform_.settings.get());
              if (s.mfa_required_for_admins) {
                RUCHE_TRY(User u, platform_.accounts.get(caller.user_id));
                if (!u.totp_enabled)
                  return fail(Errc::forbidden,
                              "administrators must turn on two-factor authentication",
                              "mfa_enrollment_required");
              }
              return audited(caller, req, h(req, caller));
            }(),
            req, how);
      },
      std::move(o.http));
}

void Api::add_workspace(std::string_view method, std::string_view pattern, std::string module,
                        Access need, WorkspaceHandler h, ApiOptions o, std::string param) {
  meta_.push_back(RouteMeta{std::string(method), std::string(pattern), RouteKind::workspace,
                            module, need, param});
  const bool basic = o.basic_auth;
  const Finish how{.basic = basic, .compress = o.compress};
  if (o.workspace_fast) {
    // Denials are never answered here: the regular path audits them.
    o.http.fast = [this, fast = std::move(o.workspace_fast), module, need, param,
                   basic](http::Request& req) -> std::optional<http::Response> {
      auto caller = authenticate_cached(req, basic);
      if (!caller) return std::nullopt;
      auto access = platform_.authz.access_cached(caller->user_id, WorkspaceId(std::string(req.param(param))));
      if (!access || !Authz::check(*access, module, need)) return std::nullopt;
      return finish_fast(fast(req, *caller, *access));
    };
  }
  router_.add(
      method, pattern,
      [this, h = std::move(h), module, need, param, how](http::Request& req) {
        return finish(
            [&]() -> Result<http::Response> {
              RUCHE_TRY(Caller caller, require_caller(req, how.basic));
              WorkspaceId ws{std::string(req.param(param))};
              auto access = platform_.authz.require(caller, ws, module, need);
              if (!access) return audited(caller, req, tl::unexpected<Error>(access.error()));
              return audited(caller, req, h(req, caller, *access));
            }(),
            req, how);
      },
      std::move(o.http));
}

void Api::add_object(std::string_view method, std::string_view pattern, std::string module,
                     Access need, std::string param, UserHandler h, ApiOptions o) {
  meta_.push_back(RouteMeta{std::string(method), std::string(pattern), RouteKind::object,
                            std::move(module), need, std::move(param)});
  const Finish how{.basic = o.basic_auth, .compress = o.compress};
  route_user(method, pattern, std::move(h), how, std::move(o.http));
}

}  // namespace ruche::platform
