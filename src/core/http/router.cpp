#include "core/http/router.hpp"

#include <map>
#include <stdexcept>

namespace ruche::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::string param_name;
  // Routes ending here, by method.
  std::vector<const Route*> routes;
  // Routes whose `{*name}` tail starts here.
  std::vector<const Route*> tails;
  std::string tail_name;
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

namespace {

// Splits "/a/b/" into {"a","b",""}; offsets[i] is where segment i starts.
void split(std::string_view path, std::vector<std::string_view>& segs,
           std::vector<std::size_t>* offsets) {
  std::size_t pos = 1;
  while (true) {
    std::size_t slash = path.find('/', pos);
    if (offsets) offsets->push_back(pos);
    segs.push_back(path.substr(pos, slash == std::string_view::npos ? std::string_view::npos
                                                                    : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
}

const Route* pick(const std::vector<const Route*>& routes, std::string_view method, Match& out) {
  const Route* get = nullptr;
  for (const Route* r : routes) {
    if (r->method == method || r->method == "*") return r;
    if (r->method == "GET") get = r;
  }
  if (method == "HEAD" && get) return get;
  for (const Route* r : routes) {
    if (!out.allow.empty()) out.allow += ", ";
    out.allow += r->method;
    if (r->method == "GET") out.allow += ", HEAD";
  }
  out.path_matched = out.path_matched || !routes.empty();
  return nullptr;
}

}  // namespace

const Route& Router::add(std::string_view method, std::string_view pattern, Handler handler,
                         RouteOptions options) {
  if (pattern.empty() || pattern[0] != '/')
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  auto route = std::make_unique<Route>();
  route->method = std::string(method);
  route->pattern = std::string(pattern);
  route->handler = std::move(handler);
  route->options = std::move(options);
  route->index = routes_.size();

  std::vector<std::string_view> segs;
  split(pattern, segs, nullptr);
  Node* node = root_.get();
  for (std::size_t i = 0; i < segs.size(); ++i) {
    std::string_view s = segs[i];
    if (s.size() >= 3 && s.front() == '{' && s[1] == '*' && s.back() == '}') {
      if (i + 1 != segs.size())
        throw std::invalid_argument("{*tail} must end the pattern: " + std::string(pattern));
      for (const Route* r : node->tails)
        if (r->method == method)
          throw std::invalid_argument("duplicate route: " + std::string(pattern));
      node->tail_name = std::string(s.substr(2, s.size() - 3));
      node->tails.push_back(route.get());
      routes_.push_back(std::move(route));
      return *routes_.back();
    }
    if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
      std::string name(s.substr(1, s.size() - 2));
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param_name = name;
      } else if (node->param_name != name) {
        throw std::invalid_argument("conflicting parameter names at " + std::string(pattern));
      }
      node = node->param.get();
      continue;
    }
    auto it = node->literals.find(s);
    if (it == node->literals.end())
      it = node->literals.emplace(std::string(s), std::make_unique<Node>()).first;
    node = it->second.get();
  }
  for (const Route* r : node->routes)
    if (r->method == method) throw std::invalid_argument("duplicate route: " + std::string(pattern));
  node->routes.push_back(route.get());
  routes_.push_back(std::move(route));
  return *routes_.back();
}

void Router::set_fallback(Handler handler, RouteOptions options) {
  fallback_ = std::make_unique<Route>();
  fallback_->method = "*";
  fallback_->pattern = "*";
  fallback_->handler = std::move(handler);
  fallback_->options = std::move(options);
  fallback_->index = static_cast<std::size_t>(-1);
}

bool Router::match_node(const Node& node, const std::vector<std::string_view>& segs,
                        std::size_t i, std::string_view path, std::size_t offset,
                        std::string_view method, Match& out) const {
  // More specific matches (literal, then parameter) are tried before a tail.
  if (i == segs.size()) {
    if (const Route* r = pick(node.routes, method, out)) {
      out.route = r;
      return true;
    }
  } else {
    std::string_view seg = segs[i];
    std::size_t next_offset = offset + seg.size() + 1;
    if (auto it = node.literals.find(seg); it != node.literals.end()) {
      if (match_node(*it->second, segs, i + 1, path, next_offset, method, out)) return true;
    }
    if (node.param && !seg.empty()) {
      auto decoded = percent_decode(seg);
      if (decoded) {
        out.params.emplace_back(node.param_name, std::move(*decoded));
        if (match_node(*node.param, segs, i + 1, path, next_offset, method, out)) return true;
        out.params.pop_back();
      }
    }
  }
  if (!node.tails.empty()) {
    if (const Route* r = pick(node.tails, method, out)) {
      out.route = r;
      std::string_view rest = offset <= path.size() ? path.substr(offset) : std::string_view{};
      out.params.emplace_back(node.tail_name, std::string(rest));
      return true;
    }
  }
  return false;
}

Match Router::match(std::string_view method, std::string_view path) const {
  Match out;
  if (path.empty() || path[0] != '/') {
    out.bad_path = true;
    return out;
  }
  std::vector<std::string_view> segs;
  segs.reserve(8);
  split(path, segs, nullptr);
  for (std::string_view s : segs) {
    // "." and ".." (also encoded) are never valid: they would let a client
    // name a parent the route did not intend. Malformed escapes too.
    if (s.find('%') != std::string_view::npos) {
      auto d = percent_decode(s);
      if (!d || *d == "." || *d == ".." || d->find('\0') != std::string::npos) {
        out.bad_path = true;
        return out;
      }
    } else if (s == "." || s == "..") {
      out.bad_path = true;
      return out;
    }
  }
  match_node(*root_, segs, 0, path, 1, method, out);
  return out;
}

}  // namespace ruche::http
