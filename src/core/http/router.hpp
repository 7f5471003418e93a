// Router: maps (method, path) to a handler, over plain Request/Response.
//
// Patterns are literal segments, `{name}` (exactly one non-empty segment,
// percent-decoded into Request::params) and a final `{*name}` (the rest of
// the path, possibly empty, kept percent-encoded: WebDAV trees). Literals win
// over `{name}`, which wins over `{*name}`. Method "*" matches any method.
// HEAD falls back to the GET route. Custom methods (PROPFIND, REPORT, ...)
// route like any other.
//
// Routes are added at start-up (not thread-safe); match() is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/message.hpp"

namespace ruche::http {

enum class BodyMode {
  buffer,  // the whole body is read into Request::body before the handler runs
  stream,  // the handler pulls it through Request::body_reader
};

struct RouteOptions {
  BodyMode body = BodyMode::buffer;
  // The largest body accepted (413 beyond). For streamed bodies 0 means no limit.
  std::uint64_t max_body_bytes = 1 << 20;
  // Optional fast path run on the I/O thread before the handler: it must not
  // block. It returns a response, or nullopt to let the handler run on a
  // worker thread.
  std::function<std::optional<Response>(Request&)> fast = {};
};

// Runs on a worker thread; may block (database, disk).
using Handler = std::function<Response(Request&)>;

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
  std::size_t index = 0;  // position in routes(), for per-route metrics
};

struct Match {
  const Route* route = nullptr;  // null: no route for this method and path
  std::vector<std::pair<std::string, std::string>> params;
  // When route is null: whether some other method matches this path (405),
  // and the methods that do, for the Allow header.
  bool path_matched = false;
  std::string allow;
  // The path was malformed (bad escape, "." or ".." segment): 400.
  bool bad_path = false;
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Throws std::invalid_argument on a malformed pattern or a duplicate
  // (method, pattern): routes are declared at start-up.
  const Route& add(std::string_view method, std::string_view pattern, Handler handler,
                   RouteOptions options = {});

  // The handler for paths no route matches (static files, SPA fallback).
  void set_fallback(Handler handler, RouteOptions options = {});
  const Route* fallback() const { return fallback_.get(); }

  Match match(std::string_view method, std::string_view path) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  struct Node;
  bool match_node(const Node& node, const std::vector<std::string_view>& segs, std::size_t i,
                  std::string_view path, std::size_t offset, std::string_view method,
                  Match& out) const;

  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::unique_ptr<Route> fallback_;
};

}  // namespace ruche::http
