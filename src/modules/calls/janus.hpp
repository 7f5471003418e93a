// Janus: the calls module's client of a Janus gateway's HTTP API and its
// VideoRoom plugin, the SFU that carries calls larger than peer to peer
// allows (docs/calls.md, "Larger calls: the SFU").
//
// Only the server speaks to Janus: browsers never reach its API, only its
// media ports. Each participant gets a Janus session of its own, holding one
// handle that publishes its media and one per feed it receives; the ids are
// kept in the database, so any node can carry on a participant's requests.
// Janus answers a plugin request either at once (create, destroy) or later
// as an event of the session (join, configure, start): message() sends one
// and reads the session's events until the one answering it, dropping the
// others (a publisher's notices of who joined: the server tells browsers
// that itself).
//
// Thread-safe; every method blocks on the network: worker threads only.
// The admin key is never logged nor put in an error message.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "base/json.hpp"
#include "base/result.hpp"
#include "core/http/outbound.hpp"

namespace ruche::calls {

struct JanusConfig {
  std::string url;        // "http://127.0.0.1:8088/janus": the HTTP transport's base path
  std::string admin_key;  // the VideoRoom's admin_key, when it has one (to create rooms)
  int timeout_ms = 10'000;  // per operation, events awaited included
};

// Errors of every method: unavailable (Janus unreachable, slow, or
// answering 5xx), not_found "sfu_session_gone" (Janus forgot the session:
// it timed out or Janus restarted), conflict "feed_not_ready" (a feed asked
// for is not sending yet), internal (any other refusal: a bug).
class Janus {
 public:
  explicit Janus(JanusConfig config) : config_(std::move(config)) {}

  const std::string& url() const { return config_.url; }
  // False when a request failed (unreachable, slow, 5xx) in the last
  // `window_ms` and none was answered since: new calls go elsewhere.
  bool answered_lately(std::int64_t window_ms = 30'000) const;

  // A new session; it lives while keepalive() is called within Janus's
  // session_timeout (60 s by default).
  Result<std::int64_t> create_session();
  Result<void> keepalive(std::int64_t session);
  // Destroys the session and its handles (their media stops).
  Result<void> destroy_session(std::int64_t session);
  // A new handle on the VideoRoom plugin.
  Result<std::int64_t> attach(std::int64_t session);
  Result<void> detach(std::int64_t session, std::int64_t handle);

  // A room for one call: private (not listed), joined with `pin`, edited and
  // destroyed with `secret`, at most `publishers` sending at once.
  Result<void> create_room(std::int64_t session, std::int64_t handle, std::int64_t room,
                           const std::string& pin, const std::string& secret,
                           std::int64_t publishers);
  // In a session of its own. Succeeds when the room is already gone.
  Result<void> destroy_room(std::int64_t room, const std::string& secret);

  struct Event {
    json::object data;                // the plugin's answer ("videoroom": "joined", ...)
    std::optional<json::object> jsep;  // {type, sdp}, when it carries one
  };
  // An asynchronous VideoRoom request (join, joinandconfigure, configure,
  // start) and the event that answers it.
  Result<Event> message(std::int64_t session, std::int64_t handle, json::object body,
                        std::optional<json::object> jsep = std::nullopt);
  // ICE candidates for a handle ({candidate, sdpMid, sdpMLineIndex} each),
  // or the end of them when `candidates` is empty.
  Result<void> trickle(std::int64_t session, std::int64_t handle, const json::array& candidates);

 private:
  // Sends one Janus API request to `path` (after the base URL) and returns
  // the answer, a "success" or an "ack".
  Result<json::object> post(const std::string& path, json::object request);
  Result<std::optional<Event>> find_answer(const json::value& events, const std::string& tx);

  void mark_failed();

  JanusConfig config_;
  http::OutboundClient http_;
  std::atomic<std::int64_t> failed_at_ms_{0};    // steady clock; 0: never
  std::atomic<std::int64_t> answered_at_ms_{0};  // the last answer, steady clock
};

}  // namespace ruche::calls
