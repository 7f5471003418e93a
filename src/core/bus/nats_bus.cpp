#include "core/bus/nats_bus.hpp"

#include <nats/nats.h>

#include <charconv>
#include <chrono>

#include "base/json.hpp"
#include "base/log.hpp"
#include "core/crypto/aead.hpp"
#include "core/crypto/random.hpp"

namespace ruche::bus {

namespace {

// Bounds of what another node may send (events are small: a message's text
// is at most 40 KB, an event's data a few of them).
constexpr std::size_t kMaxEncodedBytes = 1 << 20;
constexpr std::size_t kMaxAudience = 10'000;
// Messages this node may fall behind by before NATS drops them (then: kReset).
constexpr int kPendingMessages = 1'000'000;
constexpr int kPendingBytes = 512 << 20;
// A message from a node not heard before must be this recent (replays of
// old captures; the nodes' clocks must agree to within it).
constexpr std::int64_t kFreshMs = 5 * 60'000;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The sealed envelope: "<node> <counter> <unix ms>\n" then the encoded event.
struct Envelope {
  std::string_view node;
  std::uint64_t counter = 0;
  std::int64_t sent_ms = 0;
  std::string_view event;
};

std::optional<Envelope> open_envelope(std::string_view plain) {
  auto nl = plain.find('\n');
  if (nl == std::string_view::npos) return std::nullopt;
  std::string_view head = plain.substr(0, nl);
  Envelope env;
  env.event = plain.substr(nl + 1);
  auto sp1 = head.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : head.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp1 == 0 || sp1 > 64) return std::nullopt;
  env.node = head.substr(0, sp1);
  auto num = [](std::string_view s, auto& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
  };
  if (!num(head.substr(sp1 + 1, sp2 - sp1 - 1), env.counter) || !num(head.substr(sp2 + 1), env.sent_ms))
    return std::nullopt;
  return env;
}

Error nats_error(natsStatus s, std::string_view what) {
  return Error{Errc::unavailable, std::string(what) + ": " + natsStatus_GetText(s), "bus_unavailable"};
}

}  // namespace

std::string encode(const Event& e) {
  json::object o;
  o["w"] = e.workspace_id;
  o["s"] = e.seq;
  o["t"] = e.type;
  o["m"] = e.module;
  json::array a;
  a.reserve(e.audience.size());
  for (const auto& u : e.audience) a.emplace_back(u);
  o["a"] = std::move(a);
  o["sc"] = e.scope;
  o["d"] = e.data;
  o["c"] = e.created_at_ms;
  return json::serialize(o);
}

Result<Event> decode(std::string_view text) {
  auto bad = [] { return fail(Errc::invalid, "not an encoded event"); };
  if (text.size() > kMaxEncodedBytes) return bad();
  auto v = json::parse(text, 3);
  if (!v || !v->is_object()) return bad();
  const auto& o = v->as_object();
  Event e;
  auto str = [&](std::string_view key, std::string& out) {
    auto* f = o.if_contains(key);
    if (!f || !f->is_string()) return false;
    out.assign(f->as_string().data(), f->as_string().size());
    return true;
  };
  auto num = [&](std::string_view key, std::int64_t& out) {
    auto* f = o.if_contains(key);
    if (!f || !f->is_int64()) return false;
    out = f->as_int64();
    return true;
  };
  if (!str("w", e.workspace_id) || !str("t", e.type) || !str("m", e.module) || !str("sc", e.scope) ||
      !str("d", e.data) || !num("s", e.seq) || !num("c", e.created_at_ms) || e.type.empty())
    return bad();
  auto* a = o.if_contains("a");
  if (!a || !a->is_array() || a->as_array().size() > kMaxAudience) return bad();
  for (const auto& u : a->as_array()) {
    if (!u.is_string()) return bad();
    e.audience.emplace_back(u.as_string());
  }
  return e;
}

// libnats calls these on its own threads.
struct NatsCallbacks {
  static void message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    auto* bus = static_cast<NatsBus*>(closure);
    const int size = natsMsg_GetDataLength(msg);
    auto plain = crypto::open(bus->key_, std::string_view(natsMsg_GetData(msg), static_cast<std::size_t>(size)),
                              bus->subject_);
    natsMsg_Destroy(msg);
    if (!plain) {
      // Not from a node of this instance (or altered on the way).
      bus->rejected_.fetch_add(1, std::memory_order_relaxed);
      if (!bus->rejecting_.exchange(true)) log::warn("bus.message_rejected", {{"bytes", size}});
      return;
    }
    auto env = open_envelope(*plain);
    if (!env) {
      log::warn("bus.bad_message", {{"bytes", size}});
      return;
    }
    // Each node numbers what it sends, and NATS keeps one publisher's order:
    // a number already seen is a replay (someone on NATS resending a
    // capture). A node not heard before must have sent it lately.
    auto seen = bus->last_from_.find(std::string(env->node));
    bool replay = seen != bus->last_from_.end() ? env->counter <= seen->second
                                                 : std::abs(wall_ms() - env->sent_ms) > kFreshMs;
    if (replay) {
      bus->rejected_.fetch_add(1, std::memory_order_relaxed);
      if (!bus->rejecting_.exchange(true)) log::warn("bus.message_replayed", {{"bytes", size}});
      return;
    }
    if (seen != bus->last_from_.end()) {
      seen->second = env->counter;
    } else {
      if (bus->last_from_.size() >= 10'000) bus->last_from_.clear();  // restarts over a long life
      bus->last_from_.emplace(std::string(env->node), env->counter);
    }
    bus->rejecting_.store(false, std::memory_order_relaxed);
    auto e = decode(env->event);
    if (!e) {
      log::warn("bus.bad_message", {{"bytes", size}});
      return;
    }
    if (bus->stopped_.load()) return;
    bus->received_.fetch_add(1, std::memory_order_relaxed);
    bus->local_.publish(*e);
  }
  static void subscription_done(void* closure) {
    auto* bus = static_cast<NatsBus*>(closure);
    std::lock_guard lock(bus->done_mu_);
    bus->sub_done_ = true;
    bus->done_cv_.notify_all();
  }
  static void disconnected(natsConnection*, void* closure) {
    static_cast<NatsBus*>(closure)->reset("disconnected");
  }
  static void reconnected(natsConnection*, void* closure) {
    static_cast<NatsBus*>(closure)->reset("reconnected");
  }
  static void closed(natsConnection*, void* closure) {
    auto* bus = static_cast<NatsBus*>(closure);
    std::lock_guard lock(bus->done_mu_);
    bus->conn_done_ = true;
    bus->done_cv_.notify_all();
  }
  static void error(natsConnection*, natsSubscription*, natsStatus s, void* closure) {
    if (s == NATS_SLOW_CONSUMER) static_cast<NatsBus*>(closure)->reset("slow_consumer");
    else log::warn("bus.nats_error", {{"error", natsStatus_GetText(s)}});
  }
};

NatsBus::NatsBus(std::string subject, std::string key)
    : subject_(std::move(subject)), key_(std::move(key)), node_(crypto::new_id()) {}

Result<std::unique_ptr<NatsBus>> NatsBus::connect(const NatsConfig& config) {
  if (config.url.empty()) return fail(Errc::invalid, "bus: no NATS URL");
  if (config.subject.empty() || config.subject.find_first_of(" \t\r\n*>") != std::string::npos)
    return fail(Errc::invalid, "bus: the NATS subject must be one literal subject");
  if (config.key.size() != crypto::kKeyBytes) return fail(Errc::invalid, "bus: the sealing key must be 32 bytes");
  auto bus = std::unique_ptr<NatsBus>(new NatsBus(config.subject, config.key));
  natsOptions* opts = nullptr;
  if (auto s = natsOptions_Create(&opts); s != NATS_OK) return tl::unexpected(nats_error(s, "bus: NATS options"));
  struct OptsGuard {
    natsOptions* o;
    ~OptsGuard() { natsOptions_Destroy(o); }
  } guard{opts};
  NatsBus* self = bus.get();
  natsStatus s = natsOptions_SetURL(opts, config.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(opts, config.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetNoEcho(opts, true);  // this node already delivered its own
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, config.reconnect_wait_ms);
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(opts, &NatsCallbacks::disconnected, self);
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(opts, &NatsCallbacks::reconnected, self);
  if (s == NATS_OK) s = natsOptions_SetClosedCB(opts, &NatsCallbacks::closed, self);
  if (s == NATS_OK) s = natsOptions_SetErrorHandler(opts, &NatsCallbacks::error, self);
  if (s != NATS_OK) return tl::unexpected(nats_error(s, "bus: NATS options"));
  if (s = natsConnection_Connect(&bus->conn_, opts); s != NATS_OK) {
    bus->conn_ = nullptr;
    return tl::unexpected(nats_error(s, "bus: cannot reach NATS at the configured URL"));
  }
  s = natsConnection_Subscribe(&bus->sub_, bus->conn_, bus->subject_.c_str(), &NatsCallbacks::message, self);
  if (s == NATS_OK) s = natsSubscription_SetPendingLimits(bus->sub_, kPendingMessages, kPendingBytes);
  if (s == NATS_OK) s = natsSubscription_SetOnCompleteCB(bus->sub_, &NatsCallbacks::subscription_done, self);
  if (s == NATS_OK) bus->sub_completes_ = true;
  // The subscription is known to the server once a round trip has passed.
  if (s == NATS_OK) s = natsConnection_FlushTimeout(bus->conn_, 5000);
  if (s != NATS_OK) return tl::unexpected(nats_error(s, "bus: NATS subscription"));
  return bus;
}

NatsBus::~NatsBus() {
  stop();
  if (conn_) natsConnection_Destroy(conn_);
}

void NatsBus::stop() {
  if (stopped_.exchange(true)) return;
  if (sub_) {
    natsSubscription_Unsubscribe(sub_);
    std::unique_lock lock(done_mu_);
    if (sub_completes_) done_cv_.wait(lock, [&] { return sub_done_; });
  }
  if (conn_) {
    natsConnection_Close(conn_);
    std::unique_lock lock(done_mu_);
    done_cv_.wait(lock, [&] { return conn_done_; });
  }
  if (sub_) natsSubscription_Destroy(sub_);
  sub_ = nullptr;
}

void NatsBus::publish(const Event& event) {
  local_.publish(event);
  if (stopped_.load() || !conn_ || event.type == kReset) return;
  std::string body = encode(event);
  natsStatus s = NATS_MAX_PAYLOAD;
  if (body.size() <= kMaxEncodedBytes) {
    // Numbered and handed to NATS in one step, so that the numbers go out
    // in order whatever thread publishes.
    std::lock_guard lock(publish_mu_);
    std::string plain = node_ + " " + std::to_string(++counter_) + " " + std::to_string(wall_ms()) + "\n";
    plain += body;
    std::string text = crypto::seal(key_, plain, subject_);
    s = natsConnection_Publish(conn_, subject_.c_str(), text.data(), static_cast<int>(text.size()));
  }
  if (s == NATS_OK) {
    sent_.fetch_add(1, std::memory_order_relaxed);
    failing_.store(false, std::memory_order_relaxed);
    return;
  }
  // Other nodes will not see it: their live streams find the gap and read
  // the outbox; their caches expire on their own. Logged once per run of
  // failures (an outage longer than libnats' reconnect buffer fails them all).
  failed_.fetch_add(1, std::memory_order_relaxed);
  if (!failing_.exchange(true))
    log::warn("bus.publish_failed", {{"type", event.type}, {"error", natsStatus_GetText(s)}});
}

std::uint64_t NatsBus::subscribe(Handler handler) { return local_.subscribe(std::move(handler)); }

void NatsBus::unsubscribe(std::uint64_t id) { local_.unsubscribe(id); }

void NatsBus::reset(std::string_view why) {
  if (stopped_.load()) return;
  log::warn("bus.reset", {{"reason", std::string(why)}});
  resets_.fetch_add(1, std::memory_order_relaxed);
  Event e;
  e.type = std::string(kReset);
  e.data = R"({"reason":")" + std::string(why) + "\"}";
  local_.publish(e);
}

NatsBus::Stats NatsBus::stats() const {
  return Stats{sent_.load(), received_.load(), failed_.load(), resets_.load(), rejected_.load()};
}

}  // namespace ruche::bus
