#include "platform/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace ruche::platform {

namespace {

// A bucket's tokens at `now` that held `tokens` at `at_ms`. A clock stepped
// back (the wall clock, set right) gives nothing and takes nothing: time
// passes from there.
double refilled(double tokens, std::int64_t at_ms, std::int64_t now, double rate, double burst) {
  return std::min(
      burst, tokens + static_cast<double>(std::max<std::int64_t>(0, now - at_ms)) * rate / 1000.0);
}

}  // namespace

RateLimiter::Bucket& RateLimiter::refill(std::string_view key, std::int64_t now) {
  if (buckets_.size() > 200'000) {
    // Forget full buckets: they are indistinguishable from absent ones.
    std::erase_if(buckets_, [&](const auto& kv) {
      return refilled(kv.second.tokens, kv.second.at_ms, now, rate_, burst_) >= burst_;
    });
  }
  auto [it, fresh] = buckets_.try_emplace(std::string(key), Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens = refilled(b.tokens, b.at_ms, now, rate_, burst_);
    b.at_ms = now;
  }
  return b;
}

bool RateLimiter::allow(std::string_view key) {
  std::lock_guard lock(mu_);
  Bucket& b = refill(key, clock_.now_ms());
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

bool RateLimiter::has(std::string_view key, double n) {
  std::lock_guard lock(mu_);
  return refill(key, clock_.now_ms()).tokens >= n;
}

void RateLimiter::take(std::string_view key, double n) {
  std::lock_guard lock(mu_);
  Bucket& b = refill(key, clock_.now_ms());
  b.tokens = std::max(0.0, b.tokens - n);
}

std::int64_t RateLimiter::retry_after_ms(std::string_view key, double n) {
  std::lock_guard lock(mu_);
  Bucket& b = refill(key, clock_.now_ms());
  const double want = std::min(n, burst_);
  if (b.tokens >= want) return 0;
  return static_cast<std::int64_t>(std::ceil((want - b.tokens) * 1000.0 / rate_));
}

}  // namespace ruche::platform
