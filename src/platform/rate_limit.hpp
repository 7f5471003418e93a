// Token-bucket rate limits per key (a user id), in memory on each node
// (SECURITY.md REL-4: one user's flood must not slow the others).
// Thread-safe; O(1) per check.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.hpp"

namespace ruche::platform {

class RateLimiter {
 public:
  // `per_second` tokens refill continuously up to `burst`.
  RateLimiter(const Clock& clock, double per_second, double burst)
      : clock_(clock), rate_(per_second), burst_(burst) {}

  // Takes one token for `key`; false when the bucket is empty.
  bool allow(std::string_view key);
  // For a transaction, which may run twice or roll back: whether `key` has
  // `n` tokens, none taken; take() them once it commits (Conn::on_commit).
  // Concurrent transactions may overshoot by what they take together.
  bool has(std::string_view key, double n);
  void take(std::string_view key, double n);
  // Milliseconds until `key` has `n` tokens (0 when it has them; as many as
  // the burst when `n` is more).
  std::int64_t retry_after_ms(std::string_view key, double n = 1.0);

 private:
  struct Bucket {
    double tokens;
    std::int64_t at_ms;
  };
  Bucket& refill(std::string_view key, std::int64_t now);

  const Clock& clock_;
  double rate_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace ruche::platform
