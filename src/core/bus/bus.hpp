// The event bus: carries committed changes from the node that made them to
// every subscriber (WebSocket fan-out, caches), in-process by default and
// across nodes through NATS when configured.
//
// Delivery is at-most-once and per-publisher ordered; subscribers that need
// every event (WebSocket resume) fill gaps from the durable outbox, which is
// the source of truth.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ruche::bus {

struct Event {
  // The workspace the event belongs to; empty for instance-level control
  // events (session revoked, user disabled), which are never persisted.
  std::string workspace_id;
  std::int64_t seq = 0;          // per-workspace sequence number (0 for control events)
  std::string type;              // "member.removed", "message.created", ...
  std::string module;            // the module whose read right is needed; "" for the platform
  // Who may see it: empty means every member with read access to `module`;
  // otherwise only these user ids.
  std::vector<std::string> audience;
  // A module object (a chat channel id) whose members alone see it; the
  // module resolves the members (ModuleDef::scope_members). Empty: none.
  std::string scope;
  std::string data;              // the event's data object, serialized JSON
  std::int64_t created_at_ms = 0;
};

using Handler = std::function<void(const Event&)>;

class Bus {
 public:
  virtual ~Bus() = default;
  // Delivers `event` to every subscriber (on this node and, with NATS, on
  // the others). Thread-safe; never blocks on subscribers for long: they
  // must be fast (queue work elsewhere).
  virtual void publish(const Event& event) = 0;
  // Registers `handler` for every event; returns an id for unsubscribe().
  virtual std::uint64_t subscribe(Handler handler) = 0;
  virtual void unsubscribe(std::uint64_t id) = 0;
  // Stops delivering events from other nodes; call it before subscribers go
  // away (a NATS message could otherwise reach one being destroyed).
  virtual void stop() {}
  // Whether events also go to and come from other nodes.
  virtual bool spans_nodes() const { return false; }
};

// A control event (no workspace) a bus delivers to its own node's
// subscribers when events from other nodes may have been lost: the link to
// them dropped or came back, or they came faster than this node read them.
// Caches forget everything; live streams catch up from the outbox. Its data:
// {"reason": "disconnected" | "reconnected" | "slow_consumer"}.
inline constexpr std::string_view kReset = "bus.reset";

// In-process bus: publish() calls subscribers synchronously on the
// publishing thread, in subscription order.
class LocalBus final : public Bus {
 public:
  void publish(const Event& event) override;
  std::uint64_t subscribe(Handler handler) override;
  void unsubscribe(std::uint64_t id) override;

 private:
  std::mutex mu_;
  std::uint64_t next_id_ = 1;
  // Copy-on-write list so publish() does not hold the lock while calling out.
  std::shared_ptr<const std::vector<std::pair<std::uint64_t, Handler>>> handlers_ =
      std::make_shared<const std::vector<std::pair<std::uint64_t, Handler>>>();
};

}  // namespace ruche::bus
