// The event bus across nodes: every event published on this node goes to
// this node's subscribers at once (as LocalBus) and to NATS, from where
// every other node delivers it to its own subscribers. Several Ruche nodes
// sharing one PostgreSQL and one NATS thus see each other's changes: live
// events reach a WebSocket on any node, and caches (access, sessions, open
// files) forget what another node changed.
//
// Delivery from NATS is at-most-once. When the link drops, comes back, or
// this node reads too slowly (NATS drops messages for a slow consumer),
// subscribers get a control event of type kReset: caches empty themselves
// and live streams catch up from the durable outbox. Cached answers also
// expire on their own (30 s for accesses and sessions), which bounds what an
// outage can leave stale.
//
// Every message is sealed (XChaCha20-Poly1305, crypto/aead.hpp) under a key
// the nodes derive from their shared instance key, bound to the subject: a
// NATS server or network in between can neither read events (message texts,
// file names) nor inject or alter one; what does not open is dropped and
// counted. Each node numbers what it sends (inside the seal): a message
// heard twice, or an old one from a node not heard before (over 5 min), is
// a replay and dropped too. Give NATS credentials in the URL
// (nats://user:password@host:4222) all the same, so that nothing else can
// fill its queues.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/result.hpp"
#include "core/bus/bus.hpp"

struct __natsConnection;
struct __natsSubscription;

namespace ruche::bus {

struct NatsConfig {
  std::string url;                       // nats://[user:password@]host:port (a list: comma-separated)
  std::string subject = "ruche.events";  // one per Ruche instance sharing the NATS server
  std::string name = "ruche";            // the connection's name, for NATS monitoring
  std::string key;                       // crypto::kKeyBytes: seals every message
  int reconnect_wait_ms = 500;
};

// An event as it travels between nodes (JSON; the data stays a string).
std::string encode(const Event& e);
// Errors: invalid for anything that is not an encoded event.
Result<Event> decode(std::string_view text);

class NatsBus final : public Bus {
 public:
  // Connects (the server must answer now; later losses are retried forever).
  static Result<std::unique_ptr<NatsBus>> connect(const NatsConfig& config);
  ~NatsBus() override;

  void publish(const Event& event) override;
  std::uint64_t subscribe(Handler handler) override;
  void unsubscribe(std::uint64_t id) override;
  void stop() override;
  bool spans_nodes() const override { return true; }

  struct Stats {
    std::uint64_t sent = 0;      // events handed to NATS
    std::uint64_t received = 0;  // events from other nodes delivered here
    std::uint64_t failed = 0;    // events NATS refused to take (too large, closed)
    std::uint64_t resets = 0;    // kReset events delivered here
    std::uint64_t rejected = 0;  // messages that did not open under the key, or replays
  };
  Stats stats() const;

 private:
  NatsBus(std::string subject, std::string key);
  friend struct NatsCallbacks;  // libnats' callbacks (nats_bus.cpp)
  void reset(std::string_view why);

  LocalBus local_;
  std::string subject_;
  std::string key_;
  std::string node_;            // this bus's id in what it sends
  std::mutex publish_mu_;
  std::uint64_t counter_ = 0;   // the last number sent (publish_mu_)
  // The last number heard from each node (the subscription's thread only).
  std::unordered_map<std::string, std::uint64_t> last_from_;
  __natsConnection* conn_ = nullptr;
  __natsSubscription* sub_ = nullptr;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> failing_{false};  // the last publish failed
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool sub_completes_ = false;  // its end is signalled (subscription_done)
  bool sub_done_ = false;   // the subscription's delivery thread has ended
  bool conn_done_ = false;  // the connection's last callback has run
  std::atomic<std::uint64_t> sent_{0}, received_{0}, failed_{0}, resets_{0}, rejected_{0};
  std::atomic<bool> rejecting_{false};  // the last message did not open
};

}  // namespace ruche::bus
