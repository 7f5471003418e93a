// Time as seen by Ruche: milliseconds since the Unix epoch, UTC.
//
// Code that needs the time takes a Clock&, so tests can move time by hand.
// Implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace ruche {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override;
  static SystemClock& instance();
};

// A clock that only moves when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms = 1'800'000'000'000) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_.load(); }
  void advance_ms(std::int64_t delta_ms) { now_ += delta_ms; }
  void set_ms(std::int64_t t_ms) { now_ = t_ms; }

 private:
  std::atomic<std::int64_t> now_;
};

// "2026-11-29T17:09:45.123Z".
std::string format_iso8601(std::int64_t unix_ms);
// Parses an RFC 3339 / ISO 8601 timestamp ("2026-11-29T17:09:45Z", with
// optional fraction and offset) or a date ("2026-11-29", midnight UTC).
// Returns false on anything else.
bool parse_iso8601(std::string_view text, std::int64_t& unix_ms);

}  // namespace ruche
