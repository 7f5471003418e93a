#include "app/metrics.hpp"

#include <cstdio>

namespace ruche::app {

namespace {
std::string label(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
}  // namespace

HttpMetrics::HttpMetrics(const http::Router& router) {
  for (const auto& r : router.routes()) {
    auto s = std::make_unique<Slot>();
    s->method = r->method;
    s->route = r->pattern;
    slots_.push_back(std::move(s));
  }
  auto other = std::make_unique<Slot>();
  other->method = "*";
  other->route = "other";
  slots_.push_back(std::move(other));
}

void HttpMetrics::record(const http::RequestRecord& r) {
  Slot& s = *slots_[r.route_index < slots_.size() - 1 ? r.route_index : slots_.size() - 1];
  if (r.status >= 100 && r.status < 600)
    s.by_status[static_cast<std::size_t>(r.status - 100)].fetch_add(1, std::memory_order_relaxed);
  double seconds = r.duration_ms / 1000.0;
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_us.fetch_add(static_cast<std::uint64_t>(r.duration_ms * 1000.0), std::memory_order_relaxed);
}

void HttpMetrics::render(std::string& out) const {
  out += "# HELP ruche_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE ruche_http_requests_total counter\n";
  for (const auto& s : slots_) {
    for (std::size_t i = 0; i < s->by_status.size(); ++i) {
      std::uint64_t n = s->by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "ruche_http_requests_total{method=\"" + label(s->method) + "\",route=\"" +
             label(s->route) + "\",status=\"" + std::to_string(i + 100) + "\"} " +
             std::to_string(n) + "\n";
    }
  }
  out += "# HELP ruche_http_request_duration_seconds Time from request head to response end.\n";
  out += "# TYPE ruche_http_request_duration_seconds histogram\n";
  for (const auto& s : slots_) {
    std::uint64_t count = s->count.load();
    if (count == 0) continue;
    std::string labels = "method=\"" + label(s->method) + "\",route=\"" + label(s->route) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s->buckets[i].load();
      out += "ruche_http_request_duration_seconds_bucket{" + labels + ",le=\"" + num(kBuckets[i]) +
             "\"} " + std::to_string(cumulative) + "\n";
    }
    cumulative += s->buckets[kBuckets.size()].load();
    out += "ruche_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(cumulative) + "\n";
    out += "ruche_http_request_duration_seconds_sum{" + labels + "} " +
           num(static_cast<double>(s->sum_us.load()) / 1e6) + "\n";
    out += "ruche_http_request_duration_seconds_count{" + labels + "} " + std::to_string(count) + "\n";
  }
}

void append_gauge(std::string& out, std::string_view name, std::string_view help, double value) {
  out += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
  out += "# TYPE " + std::string(name) + " gauge\n";
  out += std::string(name) + " " + num(value) + "\n";
}

void append_counter(std::string& out, std::string_view name, std::string_view help, double value) {
  out += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
  out += "# TYPE " + std::string(name) + " counter\n";
  out += std::string(name) + " " + num(value) + "\n";
}

}  // namespace ruche::app
