#include "modules/calls/service.hpp"

#include "core/crypto/random.hpp"
#include "modules/calls/store.hpp"
#include "platform/authz.hpp"

namespace ruche::calls {

using platform::Access;
using platform::Caller;

namespace {

// The scope of a signal: the target person within the call.
std::string signal_scope(const CallId& call, const std::string& user) {
  return call.str() + ":" + user;
}

}  // namespace

Result<std::pair<Call, platform::WorkspaceAccess>> Service::reach(db::Conn& c, const Caller& caller,
                                                                  const CallId& id, Access need) {
  if (!is_id(id.str())) return fail(Errc::not_found, "no such call");
  RUCHE_TRY(auto call, store::call(c, id, alive_since(p_.clock.now_ms())));
  if (!call) return fail(Errc::not_found, "no such call");
  auto access = p_.authz.access_in(c, caller.user_id, call->workspace_id);
  if (!access || access->right("calls") == Access::none)
    return fail(Errc::not_found, "no such call");
  RUCHE_CHECK(platform::Authz::check(*access, "calls", need));
  return std::make_pair(std::move(*call), std::move(*access));
}

Result<void> Service::left(db::Conn& c, const WorkspaceId& ws, const Participant& p,
                           std::int64_t now_ms) {
  RUCHE_CHECK(store::leave(c, p.id, now_ms));
  RUCHE_TRY([[maybe_unused]] auto seq, p_.outbox.append(c, ws, "call.participant_left", "calls",
                                                        json::object{{"call_id", p.call_id.str()},
                                                                     {"participant_id", p.id.str()},
                                                                     {"user_id", p.user_id}}));
  return {};
}

Result<void> Service::sweep(db::Conn& c, const WorkspaceId& ws, std::int64_t now_ms) {
  RUCHE_TRY(auto gone, store::stale(c, ws, alive_since(now_ms)));
  for (const auto& p : gone) RUCHE_CHECK(left(c, ws, p, now_ms));
  RUCHE_TRY(auto calls, store::live_calls(c, ws, alive_since(now_ms)));
  for (const auto& call : calls) {
    if (!call.participants.empty() || call.started_at_ms >= alive_since(now_ms)) continue;
    RUCHE_CHECK(store::end_call(c, call.id, now_ms));
    RUCHE_TRY(
        [[maybe_unused]] auto seq,
        p_.outbox.append(c, ws, "call.ended", "calls", json::object{{"call_id", call.id.str()}}));
  }
  return {};
}

Result<Call> Service::start(const Caller& caller, const WorkspaceId& ws, const std::string& title) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Call> {
    auto access = p_.authz.access_in(c, caller.user_id, ws);
    if (!access) return fail(Errc::not_found, "no such workspace");
    RUCHE_CHECK(platform::Authz::check(*access, "calls", Access::write));
    RUCHE_CHECK(sweep(c, ws, now));
    RUCHE_TRY(auto live, store::live_calls(c, ws, alive_since(now)));
    if (live.size() >= kMaxLiveCallsPerWorkspace)
      return fail(Errc::conflict, "too many calls in this workspace at once", "too_many_calls");
    Call call;
    call.id = crypto::new_id_of<CallId>();
    call.workspace_id = ws;
    call.title = title;
    call.started_by = caller.user_id.str();
    call.started_at_ms = now;
    RUCHE_CHECK(store::insert_call(c, call));
    RUCHE_TRY([[maybe_unused]] auto seq,
              p_.outbox.append(c, ws, "call.started", "calls", to_json(call)));
    return call;
  });
}

Result<std::vector<Call>> Service::list(const Caller& caller, const WorkspaceId& ws) {
  const std::int64_t now = p_.clock.now_ms();
  RUCHE_TRY(auto stale, p_.db.read([&](db::Conn& c) -> Result<bool> {
    auto access = p_.authz.access_in(c, caller.user_id, ws);
    if (!access) return fail(Errc::not_found, "no such workspace");
    RUCHE_CHECK(platform::Authz::check(*access, "calls", Access::read));
    RUCHE_TRY(auto gone, store::stale(c, ws, alive_since(now)));
    RUCHE_TRY(auto calls, store::live_calls(c, ws, alive_since(now)));
    bool empty_old = false;
    for (const auto& call : calls)
      empty_old = empty_old || (call.participants.empty() && call.started_at_ms < alive_since(now));
    return !gone.empty() || empty_old;
  }));
  // Who left without a word is told to the others before the list is read.
  if (stale) RUCHE_CHECK(p_.db.write([&](db::Conn& c) { return sweep(c, ws, now); }));
  return p_.db.read([&](db::Conn& c) { return store::live_calls(c, ws, alive_since(now)); });
}

Result<Call> Service::get(const Caller& caller, const CallId& id) {
  return p_.db.read([&](db::Conn& c) -> Result<Call> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::read));
    return std::move(found.first);
  });
}

Result<Service::Joined> Service::join(const Caller& caller, const CallId& id) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Joined> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::read));
    const WorkspaceId ws = found.first.workspace_id;
    RUCHE_CHECK(sweep(c, ws, now));
    RUCHE_TRY(auto call, store::call(c, id, alive_since(now)));
    if (!call || call->ended_at_ms) return fail(Errc::gone, "this call has ended", "call_ended");
    if (static_cast<std::int64_t>(call->participants.size()) >= settings_.max_participants)
      return fail(Errc::conflict, "this call is full", "call_full");
    Participant me{crypto::new_id_of<ParticipantId>(), id, caller.user_id.str(), now, now};
    RUCHE_CHECK(store::insert_participant(c, me, ws));
    call->participants.push_back(me);
    RUCHE_TRY([[maybe_unused]] auto seq,
              p_.outbox.append(c, ws, "call.participant_joined", "calls",
                               json::object{{"call_id", id.str()}, {"participant", to_json(me)}}));
    return Joined{me, std::move(*call), ice_servers(settings_, caller.user_id.str(), now)};
  });
}

Result<void> Service::heartbeat(const Caller& caller, const CallId& id, const ParticipantId& me) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] auto found, reach(c, caller, id, Access::read));
    RUCHE_TRY(auto p, store::participant(c, id, me, alive_since(now)));
    if (!p || p->user_id != caller.user_id.str())
      return fail(Errc::not_found, "not in this call (any more): join again", "not_in_call");
    return store::touch(c, me, now);
  });
}

Result<void> Service::leave(const Caller& caller, const CallId& id, const ParticipantId& me) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::read));
    RUCHE_TRY(auto p, store::participant(c, id, me, alive_since(now)));
    if (!p || p->user_id != caller.user_id.str())
      return fail(Errc::not_found, "not in this call", "not_in_call");
    const WorkspaceId ws = found.first.workspace_id;
    RUCHE_CHECK(left(c, ws, *p, now));
    // The last one out ends the call.
    RUCHE_TRY(auto call, store::call(c, id, alive_since(now)));
    if (call && call->participants.empty() && !call->ended_at_ms) {
      RUCHE_CHECK(store::end_call(c, id, now));
      RUCHE_TRY([[maybe_unused]] auto seq, p_.outbox.append(c, ws, "call.ended", "calls",
                                                            json::object{{"call_id", id.str()}}));
    }
    return {};
  });
}

Result<void> Service::signal(const Caller& caller, const CallId& id, const ParticipantId& from,
                             const ParticipantId& to, const std::string& kind,
                             const json::value& data) {
  if (kind != "offer" && kind != "answer" && kind != "candidate" && kind != "bye")
    return fail(Errc::invalid, "kind must be offer, answer, candidate or bye", "invalid_field");
  if (!data.is_object() && !data.is_null())
    return fail(Errc::invalid, "data must be an object", "invalid_field");
  if (json::serialize(data).size() > kMaxSignalBytes)
    return fail(Errc::too_large, "a signalling message is at most 64 KiB", "too_large");
  if (from == to)
    return fail(Errc::invalid, "a participant does not signal itself", "invalid_field");
  const std::int64_t now = p_.clock.now_ms();
  RUCHE_TRY(
      auto target, p_.db.read([&](db::Conn& c) -> Result<std::pair<WorkspaceId, std::string>> {
        RUCHE_TRY(auto found, reach(c, caller, id, Access::read));
        RUCHE_TRY(auto me, store::participant(c, id, from, alive_since(now)));
        if (!me || me->user_id != caller.user_id.str())
          return fail(Errc::not_found, "not in this call (any more): join again", "not_in_call");
        RUCHE_TRY(auto peer, store::participant(c, id, to, alive_since(now)));
        if (!peer)
          return fail(Errc::not_found, "no such participant in this call", "no_participant");
        return std::make_pair(found.first.workspace_id, peer->user_id);
      }));
  p_.outbox.publish_ephemeral(target.first, "call.signal", "calls",
                              json::object{{"call_id", id.str()},
                                           {"from", from.str()},
                                           {"from_user_id", caller.user_id.str()},
                                           {"to", to.str()},
                                           {"kind", kind},
                                           {"data", data}},
                              signal_scope(id, target.second));
  return {};
}

std::shared_ptr<const std::vector<std::string>> Service::scope_members(
    const std::string& scope) const {
  // "<call>:<user>": checked when the signal was accepted; the person only.
  auto colon = scope.find(':');
  if (colon == std::string::npos) return nullptr;
  return std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{scope.substr(colon + 1)});
}

Result<void> Service::member_left(db::Conn& c, const WorkspaceId& ws, const UserId& user) {
  RUCHE_TRY(auto mine, store::of_user(c, ws, user));
  for (const auto& p : mine) RUCHE_CHECK(left(c, ws, p, p_.clock.now_ms()));
  return {};
}

Result<void> Service::purge(db::Conn& c, const WorkspaceId& ws) {
  return store::purge(c, ws);
}

}  // namespace ruche::calls
