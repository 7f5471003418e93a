// Calls' rules: who may start, join and signal; liveness of participants;
// the move to the SFU and each participant's part in it; events. No HTTP
// (routes.cpp), no SQL (store.hpp). Thread-safe; every call blocks
// (database, Janus): worker threads only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "modules/calls/calls.hpp"
#include "modules/calls/janus.hpp"
#include "platform/maintenance.hpp"
#include "platform/platform.hpp"

namespace ruche::calls {

class Service {
 public:
  Service(platform::Platform& p, Settings settings);
  ~Service();

  // Errors everywhere: not_found for what the caller may not see (a call of
  // a workspace where calls are closed to them), forbidden "read_only" to
  // start a call without the write right, invalid for bad fields.
  Result<Call> start(const platform::Caller& caller, const WorkspaceId& ws,
                     const std::string& title);
  Result<std::vector<Call>> list(const platform::Caller& caller, const WorkspaceId& ws);
  Result<Call> get(const platform::Caller& caller, const CallId& id);

  struct Joined {
    Participant me;
    Call call;
    json::array ice_servers;
  };
  // The read right joins. Errors also: gone "call_ended", conflict
  // "call_full" (Settings::max_participants). The join that takes a call
  // past Settings::p2p_max_participants moves it to the SFU (with Janus
  // configured): "call.updated" tells everyone in it to switch.
  Result<Joined> join(const platform::Caller& caller, const CallId& id);
  // The caller's own live participant says it is still there; not_found
  // once it left or expired (the client joins again).
  Result<void> heartbeat(const platform::Caller& caller, const CallId& id, const ParticipantId& me);
  Result<void> leave(const platform::Caller& caller, const CallId& id, const ParticipantId& me);
  // Relays one signalling message from the caller's participant `from` to
  // the participant `to` of the same call, as an ephemeral "call.signal"
  // event to `to`'s person only. `kind`: offer, answer, candidate or bye.
  Result<void> signal(const platform::Caller& caller, const CallId& id, const ParticipantId& from,
                      const ParticipantId& to, const std::string& kind, const json::value& data);

  // Rings `people` (user ids, at most kMaxRing) into the call, from the
  // caller's live participant `me`: each gets "call.ringing", ephemeral,
  // on their own live events only; those already in the call are skipped.
  // Errors also: invalid "invalid_field" for someone who may not join it
  // (not a member, calls closed to them, oneself).
  Result<void> ring(const platform::Caller& caller, const CallId& id, const ParticipantId& me,
                    const std::vector<std::string>& people);
  // The caller does not answer the ringing: the people in the call, and the
  // caller's own other tabs (which stop ringing), get "call.declined".
  Result<void> decline(const platform::Caller& caller, const CallId& id);

  // The SFU (a call in mode sfu; the caller's own live participant `me`).
  // Errors also: conflict "not_sfu" (the call is peer to peer), unavailable
  // "sfu_unavailable" (Janus unreachable or slow), not_found
  // "sfu_session_gone" (Janus forgot the participant: publish again).
  //
  // Sends `me`'s media: an SDP offer in, Janus's answer out. Again to
  // renegotiate. Others are told ("call.sending", ephemeral).
  Result<json::object> publish(const platform::Caller& caller, const CallId& id,
                               const ParticipantId& me, json::object offer);
  struct Subscription {
    std::string id;      // names it in answer(), trickle() and unsubscribe()
    json::object offer;  // Janus's SDP offer, for the browser to answer
  };
  // Receives `whom`'s media, in place of any subscription to `whom` before
  // (that one ends); subscriptions to people who left end too. Errors also:
  // conflict "feed_not_ready" (not sending yet: try again), not_found
  // "no_participant".
  Result<Subscription> subscribe(const platform::Caller& caller, const CallId& id,
                                 const ParticipantId& me, const ParticipantId& whom);
  // The browser's SDP answer to a subscription's offer.
  Result<void> answer(const platform::Caller& caller, const CallId& id, const ParticipantId& me,
                      const std::string& subscription, json::object answer);
  Result<void> unsubscribe(const platform::Caller& caller, const CallId& id,
                           const ParticipantId& me, const std::string& subscription);
  // ICE candidates for the publishing connection ("publisher") or a
  // subscription; none: the end of them.
  Result<void> trickle(const platform::Caller& caller, const CallId& id, const ParticipantId& me,
                       const std::string& target, const json::array& candidates);

  // Every call going on: participants not heard for kParticipantTtlMs
  // leave, calls left empty end (events for each). Run every
  // Settings::sweep_ms by one node; the requests that read a workspace's
  // calls sweep it too.
  Result<void> sweep_all();

  // Registry hooks.
  std::shared_ptr<const std::vector<std::string>> scope_members(const std::string& scope) const;
  Result<void> member_left(db::Conn& c, const WorkspaceId& ws, const UserId& user);
  Result<void> purge(db::Conn& c, const WorkspaceId& ws);

 private:
  Result<std::pair<Call, platform::WorkspaceAccess>> reach(db::Conn& c,
                                                           const platform::Caller& caller,
                                                           const CallId& id, platform::Access need);
  // Participants not seen for kParticipantTtlMs have left; calls nobody is
  // in any more (and none joined for as long) end. Events for each.
  Result<void> sweep(db::Conn& c, const WorkspaceId& ws, std::int64_t now_ms);
  Result<void> left(db::Conn& c, const WorkspaceId& ws, const Participant& p, std::int64_t now_ms);
  Result<void> end(db::Conn& c, const WorkspaceId& ws, const Call& call, std::int64_t now_ms);
  // After the transaction of `c` commits: the Janus sessions and rooms of
  // participants who left and calls that ended go, off the request.
  void release_after_commit(db::Conn& c, const std::string& server,
                            std::optional<std::int64_t> session, std::optional<SfuRoom> room);
  // The Janus of that URL, if the configuration names it.
  std::shared_ptr<Janus> janus_at(const std::string& url) const;
  // Where a call moving to the SFU goes (Settings::janus_urls).
  Result<std::string> pick_janus(db::Conn& c) const;
  // `me`, live, the caller's, in call `id` in mode sfu; with the call.
  struct SfuReach {
    Call call;
    Participant me;
    std::shared_ptr<Janus> janus;  // the call's
  };
  Result<SfuReach> sfu_reach(const platform::Caller& caller, const CallId& id,
                             const ParticipantId& me);
  // `me`'s Janus part becomes `now_part`, if its session is still `session`.
  Result<void> forget_session(const CallId& id, const ParticipantId& me, std::int64_t session,
                              const SfuPart& now_part);
  // `r`, a Janus call's result for `me`'s `session`. When Janus forgot the
  // session (it restarted, or timed it out), `me` forgets it too: the
  // browser publishes again on that error, and gets a new one.
  template <class T>
  Result<T> forgetting_gone(const CallId& id, const ParticipantId& me, std::int64_t session,
                            Result<T> r);
  // `me`'s Janus session, made (and recorded) when it has none.
  Result<std::int64_t> session_of(Janus& janus, Participant& me);
  // A subscription id as the browser gives it back: one of `me`'s recorded
  // subscriptions (a handle of its session).
  Result<std::int64_t> subscription_handle(const Participant& me, const std::string& id);
  std::int64_t alive_since(std::int64_t now_ms) const { return now_ms - kParticipantTtlMs; }

  platform::Platform& p_;
  Settings settings_;
  std::vector<std::shared_ptr<Janus>> janus_;        // one per calls.janus_urls
  std::unique_ptr<platform::PeriodicTask> sweeper_;  // sweep_all()
};

}  // namespace ruche::calls
