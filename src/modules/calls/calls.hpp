// Calls: audio and video meetings in a workspace over WebRTC (DTLS-SRTP):
// peer to peer between the participants' browsers, the server relaying their
// signalling; through a Janus SFU once a call grows past what peer to peer
// carries (docs/calls.md). The public face of the module: its types, their
// JSON, and its registry declaration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/id.hpp"
#include "base/json.hpp"
#include "platform/registry.hpp"

namespace ruche::calls {

using CallId = Id<struct CallIdTag>;
using ParticipantId = Id<struct ParticipantIdTag>;

inline constexpr std::size_t kMaxTitleBytes = 200;
// A participant that has not said it is there for this long has left (a
// closed tab, a lost network): browsers say so every 10 s.
inline constexpr std::int64_t kParticipantTtlMs = 30'000;
// One signalling message (an SDP offer or answer, an ICE candidate).
inline constexpr std::size_t kMaxSignalBytes = 64 * 1024;
inline constexpr std::size_t kMaxLiveCallsPerWorkspace = 50;
// People rung at once; how long a browser rings (the call.ringing event
// says so).
inline constexpr std::size_t kMaxRing = 50;
inline constexpr std::int64_t kRingSeconds = 30;
// Janus servers one configuration may name.
inline constexpr std::size_t kMaxJanus = 16;

// A participant's part in the call's SFU room: its Janus session, the handle
// that publishes its media, and its feed id once it sends.
// SfuPart::session once Janus lost it unbeknown to the browser (Janus
// restarted; the heartbeat found out): the browser's next SFU request
// answers sfu_session_gone, so that it starts again on new connections.
inline constexpr std::int64_t kLostSession = 0;
struct SfuPart {
  std::optional<std::int64_t> session;
  std::optional<std::int64_t> publisher;
  std::optional<std::int64_t> feed;
};

struct Participant {
  ParticipantId id;
  CallId call_id;
  std::string user_id;
  std::int64_t joined_at_ms = 0;
  std::int64_t seen_at_ms = 0;
  SfuPart sfu;  // never in JSON but "sending"
};

enum class Mode { p2p, sfu };

// The call's Janus VideoRoom: made when the call switches to the SFU.
struct SfuRoom {
  std::string server;  // the Janus it is on: one of Settings::janus_urls
  std::int64_t room = 0;
  std::string pin;     // to join it
  std::string secret;  // to destroy it
};

struct Call {
  CallId id;
  WorkspaceId workspace_id;
  std::string title;
  std::string started_by;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> ended_at_ms;
  Mode mode = Mode::p2p;
  std::optional<SfuRoom> sfu;             // never in JSON
  std::vector<Participant> participants;  // the live ones
};

json::object to_json(const Participant& p);
json::object to_json(const Call& c);

// What the configuration's [calls] section says (docs/configuration.md).
struct Settings {
  std::vector<std::string> stun_urls;  // "stun:turn.example.org:3478"
  std::vector<std::string> turn_urls;  // "turn:turn.example.org:3478?transport=udp", "turns:..."
  std::string turn_secret;             // coturn's static-auth-secret (REST API credentials)
  std::int64_t turn_ttl_s = 12 * 3600;
  // Per call. Without Janus every pair is a connection: 8 by default, up to
  // 16. With it, 50 by default, up to 200.
  std::int64_t max_participants = 8;
  // Janus's HTTP APIs ("http://127.0.0.1:8088/janus"); none: peer to peer
  // only. Several: each call goes to the one with the fewest calls among
  // those that answered lately.
  std::vector<std::string> janus_urls;
  std::string janus_admin_key;  // the VideoRoom's admin_key, if it has one
  // A call with more participants than this goes through Janus (when set).
  std::int64_t p2p_max_participants = 4;
  // How often participants gone quiet (a closed laptop) are looked for, so
  // that the others are told within kParticipantTtlMs and this.
  std::int64_t sweep_ms = 10'000;
};
Result<Settings> settings_from(const json::object& module_settings);

// The ICE servers a participant gets: the STUN ones, and the TURN ones with
// time-limited credentials (coturn's REST API: username "<expiry>:<user>",
// credential base64(HMAC-SHA-1(secret, username))).
json::array ice_servers(const Settings& s, const std::string& user_id, std::int64_t now_ms);

platform::ModuleDef module();

}  // namespace ruche::calls
