// Prometheus metrics (GET /metrics): HTTP requests by route and status,
// latency histograms by route, open connections and WebSockets, the database
// pool, the worker pool.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/http/router.hpp"
#include "core/http/server.hpp"

namespace ruche::app {

class HttpMetrics {
 public:
  explicit HttpMetrics(const http::Router& router);
  // Called by the server after each response (any I/O thread).
  void record(const http::RequestRecord& r);
  // Appends the request metrics in the Prometheus text format.
  void render(std::string& out) const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

 private:
  struct Slot {
    std::string method;
    std::string route;
    std::array<std::atomic<std::uint64_t>, 500> by_status{};  // status 100..599
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_us{0};
  };
  std::vector<std::unique_ptr<Slot>> slots_;  // one per route, then "other"
};

// "# TYPE name gauge\nname value\n".
void append_gauge(std::string& out, std::string_view name, std::string_view help, double value);
void append_counter(std::string& out, std::string_view name, std::string_view help, double value);

}  // namespace ruche::app
