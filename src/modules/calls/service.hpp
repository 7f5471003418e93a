// Calls' rules: who may start, join and signal; liveness of participants;
// events. No HTTP (routes.cpp), no SQL (store.hpp). Thread-safe; every call
// blocks (database): worker threads only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "modules/calls/calls.hpp"
#include "platform/platform.hpp"

namespace ruche::calls {

class Service {
 public:
  Service(platform::Platform& p, Settings settings) : p_(p), settings_(std::move(settings)) {}

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
  // "call_full" (Settings::max_participants).
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
  std::int64_t alive_since(std::int64_t now_ms) const { return now_ms - kParticipantTtlMs; }

  platform::Platform& p_;
  Settings settings_;
};

}  // namespace ruche::calls
