// Puts each workspace's events back in sequence order before the hub fans
// them out. Events of one workspace are numbered by commit order, but they
// reach a node from several threads (PostgreSQL commits in parallel) and
// from other nodes (NATS), so one may overtake its predecessor by a
// fraction of a millisecond. Sent on as is, every live stream of that
// workspace would see a gap and read the outbox to fill it: a read per
// connection for an event that was about to arrive anyway (measured in
// docs/benchmarks.md: enough to collapse delivery). An event that comes early
// is held until the ones before it arrive, or for `wait` at most; then the
// missing ones are asked for once (a `Fill`, the outbox) rather than by
// every stream.
//
// Not thread-safe: the hub's dispatcher thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/function_ref.hpp"
#include "core/bus/bus.hpp"

namespace ruche::platform {

class EventOrder {
 public:
  using Clock = std::chrono::steady_clock;

  explicit EventOrder(std::chrono::milliseconds wait = std::chrono::milliseconds(25),
                      std::size_t max_held = 10'000)
      : wait_(wait), max_held_(max_held) {}

  // Takes `e`; appends to `out` the events now ready, in order. Events with
  // no sequence number (ephemeral, control) are ready at once.
  void push(bus::Event e, Clock::time_point now, std::vector<bus::Event>& out);
  // The events of `ws` numbered `from` to `to` that the caller can find
  // (the outbox); fewer or none when it cannot.
  using Fill = FunctionRef<std::vector<bus::Event>(const std::string& ws, std::int64_t from, std::int64_t to)>;
  // Releases, in order, the held events whose wait ran out by `now`, and
  // those that follow them, with what `fill` finds of the missing ones
  // before them.
  void expire(Clock::time_point now, std::vector<bus::Event>& out, Fill fill);
  // When expire() next has something to release; nullopt when nothing is held.
  std::optional<Clock::time_point> next_deadline() const;
  std::size_t held() const { return held_count_; }

 private:
  struct Held {
    bus::Event event;
    Clock::time_point deadline;
  };
  struct Workspace {
    std::int64_t next = 0;              // the sequence number expected next
    std::map<std::int64_t, Held> held;  // early ones, by sequence number
  };
  // Releases held events of `w` from its front while they follow on.
  void drain(Workspace& w, std::vector<bus::Event>& out);
  // Releases everything held for `w` up to and including `upto`, gaps or not.
  void release_through(Workspace& w, std::int64_t upto, std::vector<bus::Event>& out);

  std::chrono::milliseconds wait_;
  std::size_t max_held_;
  std::size_t held_count_ = 0;
  std::unordered_map<std::string, Workspace> workspaces_;
  std::unordered_set<std::string> waiting_;  // workspaces holding events
};

}  // namespace ruche::platform
