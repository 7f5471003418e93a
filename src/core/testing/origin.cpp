#include "core/testing/origin.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace ruche::testing {

Origin::Origin() {
  router_.set_fallback([this](http::Request& req) { return answer(req); });
  http::ServerConfig config;
  config.port = 0;
  config.io_threads = 1;
  config.shutdown_grace_ms = 1'000;
  server_ = std::make_unique<http::Server>(config, router_, workers_);
  if (!server_->listen()) throw std::runtime_error("origin: cannot listen");
  thread_ = std::thread([this] { server_->run(); });
}

Origin::~Origin() {
  server_->stop();
  thread_.join();
}

std::string Origin::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
}

void Origin::set(const std::string& path, Page page) {
  std::lock_guard lock(mu_);
  pages_[path] = std::move(page);
}

int Origin::hits(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

int Origin::most_at_once() const {
  std::lock_guard lock(mu_);
  return most_at_once_;
}

std::string Origin::last_header(const std::string& path, std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = last_.find(path);
  if (it == last_.end()) return {};
  return std::string(it->second.get(name).value_or(""));
}

http::Response Origin::answer(const http::Request& req) {
  Page page;
  {
    std::lock_guard lock(mu_);
    ++hits_[req.path];
    last_[req.path] = req.headers;
    auto it = pages_.find(req.path);
    if (it == pages_.end())
      page.status = 404;
    else
      page = it->second;
    most_at_once_ = std::max(most_at_once_, ++answering_);
  }
  if (page.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(page.delay_ms));
  {
    std::lock_guard lock(mu_);
    --answering_;
  }
  http::Response r;
  r.status = page.status;
  r.body = std::move(page.body);
  for (const auto& [name, value] : page.headers) r.headers.set(name, value);
  return r;
}

}  // namespace ruche::testing
