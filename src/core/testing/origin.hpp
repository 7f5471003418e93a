// A web site for tests: the server's own HTTP server on 127.0.0.1 and a free
// port, each path answering what the test set (a calendar feed, a redirect,
// a slow or a large answer), counting its requests. What the server fetches
// from elsewhere (core/http/egress.hpp) is fetched from one of these.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/worker_pool.hpp"
#include "core/http/router.hpp"
#include "core/http/server.hpp"

namespace ruche::testing {

class Origin {
 public:
  struct Page {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    int delay_ms = 0;  // before answering
  };

  // Listening once made; throws std::runtime_error when it cannot.
  Origin();
  ~Origin();
  Origin(const Origin&) = delete;
  Origin& operator=(const Origin&) = delete;

  std::uint16_t port() const { return server_->port(); }
  // "http://127.0.0.1:<port><path>".
  std::string url(std::string_view path) const;
  // What `path` answers from now on (404 for a path never set).
  void set(const std::string& path, Page page);
  // Requests `path` received, and the value of header `name` in the last one.
  int hits(const std::string& path) const;
  std::string last_header(const std::string& path, std::string_view name) const;
  // The most requests it was answering at once (8 at most: its threads).
  int most_at_once() const;

 private:
  http::Response answer(const http::Request& req);

  mutable std::mutex mu_;
  std::map<std::string, Page> pages_;
  std::map<std::string, int> hits_;
  std::map<std::string, http::Headers> last_;
  int answering_ = 0, most_at_once_ = 0;
  WorkerPool workers_{8};
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

}  // namespace ruche::testing
