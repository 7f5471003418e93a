// Api: how the platform and every module declare HTTP routes. Each route
// states who may call it; Api authenticates the request, authorizes it along
// the one path of Authz, and turns Result errors into JSON error responses.
//
//   api.add_workspace("GET", "/api/v1/workspaces/{id}/channels", "chat", Access::read,
//       [&](http::Request& req, const Caller& caller, const WorkspaceAccess& a)
//           -> Result<http::Response> { ... });
//
// Every declaration is recorded in routes() so the authorization test
// harness can try each route as owner, member, guest, non-member and anonymous.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/json.hpp"
#include "core/http/router.hpp"
#include "platform/platform.hpp"
#include "platform/rate_limit.hpp"

namespace ruche::platform {

enum class RouteKind {
  public_route,    // anyone
  user,            // any authenticated account
  admin,           // instance administrators
  workspace,       // members with a right on a module of the workspace named in the path
  object,          // members with a right on the workspace the addressed object belongs to
};

struct RouteMeta {
  std::string method;
  std::string pattern;
  RouteKind kind = RouteKind::user;
  std::string module;       // workspace/object routes: the module ("" = the workspace itself)
  Access need = Access::read;
  std::string param;        // workspace routes: the workspace id parameter; object: the object's
};

using PublicHandler = std::function<Result<http::Response>(http::Request&)>;
using UserHandler = std::function<Result<http::Response>(http::Request&, const Caller&)>;
using WorkspaceHandler =
    std::function<Result<http::Response>(http::Request&, const Caller&, const WorkspaceAccess&)>;

// A handler that answers from memory on the I/O thread, or declines
// (nullopt) so the regular handler runs on a worker. Safe methods only.
using UserFastHandler = std::function<std::optional<http::Response>(http::Request&, const Caller&)>;
// The same for workspace routes, after the caller's access (from
// Authz::access_cached()) passed the route's check.
using WorkspaceFastHandler = std::function<std::optional<http::Response>(
    http::Request&, const Caller&, const WorkspaceAccess&)>;

struct ApiOptions {
  http::RouteOptions http{};
  UserFastHandler fast{};                 // add_user()
  WorkspaceFastHandler workspace_fast{};  // add_workspace()
  // Accept HTTP Basic (email + app token, or the password when the account
  // has no second factor): WebDAV, CalDAV.
  bool basic_auth = false;
  // Gzip the successful answers (for clients that take gzip, and only when no
  // other site could have made the request: docs/security.md, compression).
  // Only for answers whose every part is readable by whoever can put text in
  // them, and which hold no credential: a workspace's members, a channel's
  // messages, a folder's entries. Fast answers (on the I/O thread) never are.
  bool compress = false;
};

class Api {
 public:
  Api(http::Router& router, Platform& platform);
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  void add_public(std::string_view method, std::string_view pattern, PublicHandler h,
                  ApiOptions o = {});
  void add_user(std::string_view method, std::string_view pattern, UserHandler h,
                ApiOptions o = {});
  void add_admin(std::string_view method, std::string_view pattern, UserHandler h,
                 ApiOptions o = {});
  // `param` names the path parameter holding the workspace id.
  void add_workspace(std::string_view method, std::string_view pattern, std::string module,
                     Access need, WorkspaceHandler h, ApiOptions o = {},
                     std::string param = "id");
  // The handler finds the object (named by `param`) and checks with
  // platform.authz.require(); it answers 404 for objects the caller may not see.
  void add_object(std::string_view method, std::string_view pattern, std::string module,
                  Access need, std::string param, UserHandler h, ApiOptions o = {});

  const std::vector<RouteMeta>& routes() const { return meta_; }
  Platform& platform() { return platform_; }

  // Who sent `req`: Bearer token, session cookie (writes need the CSRF
  // token), or HTTP Basic when `basic` is allowed. nullopt when no
  // credential was given. Errors: unauthenticated (bad credential), forbidden
  // (CSRF or cross-site write).
  Result<std::optional<Caller>> authenticate(http::Request& req, bool basic);

  // The same from caches only, never blocking; nullopt when unsure (the
  // regular path then decides). Safe methods only.
  std::optional<Caller> authenticate_cached(const http::Request& req, bool basic = false);

  // The client address, honouring X-Forwarded-For only from trusted proxies.
  std::string client_address(const http::Request& req) const;

  // The web client's page, for public routes that answer a browser
  // navigation with the SPA (share links). The app sets it before serving;
  // unset, app_page() answers a JSON 404. Not thread-safe to set while serving.
  using PageHandler = std::function<http::Response(const http::Request&)>;
  void set_app_page(PageHandler page) { app_page_ = std::move(page); }
  http::Response app_page(const http::Request& req) const;

 private:
  // What finish() does besides turning errors into answers.
  struct Finish {
    bool basic = false;     // a 401 offers Basic
    bool compress = false;  // ApiOptions::compress
  };
  http::Response finish(Result<http::Response> r, const http::Request& req, Finish how) const;
  // A route for any authenticated caller (add_user's, add_object's).
  void route_user(std::string_view method, std::string_view pattern, UserHandler h, Finish how,
                  http::RouteOptions o);
  Result<Caller> require_caller(http::Request& req, bool basic);
  Result<std::optional<Caller>> basic_auth(const http::Request& req, std::string_view header);
  // A Basic credential that basic_auth() accepted lately, from memory.
  std::optional<Caller> basic_cached(std::string_view header);
  void record_denied(const Caller& caller, const WorkspaceId& ws, const http::Request& req,
                     const Error& e);
  // `r`, a handler's answer to `caller`, with its refusal audited, if it is
  // one (Error::denied: SECURITY.md LOG-1) — wherever in the handler the
  // authorization check refused.
  Result<http::Response> audited(const Caller& caller, const http::Request& req,
                                 Result<http::Response> r);

  http::Router& router_;
  Platform& platform_;
  PageHandler app_page_;
  std::vector<RouteMeta> meta_;
  // Writes per user (REL-4).
  RateLimiter writes_;

};

// True when `req` is a browser navigation (Sec-Fetch-Mode: navigate), or
// its Accept header ranks text/html above application/json (which "*/*"
// alone does not: curl and API clients get data).
bool wants_page(const http::Request& req);

// JSON responses for handlers.
http::Response json_reply(const json::value& v, int status = 200);

// The Set-Cookie value for a web session (an empty token clears it).
std::string session_cookie(std::string_view token, std::int64_t max_age_s);

// Session cookie and CSRF header names.
inline constexpr const char* kSessionCookie = "__Host-ruche_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

}  // namespace ruche::platform
