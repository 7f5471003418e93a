#include "modules/calls/service.hpp"

#include <algorithm>
#include <limits>

#include "base/log.hpp"
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

// A Janus room or feed id: 53 random bits (exact in every JSON reader).
std::int64_t random_janus_id() {
  std::int64_t v = 0;
  for (unsigned char b : crypto::random_bytes(7)) v = (v << 8) | b;
  return (v & ((std::int64_t{1} << 53) - 1)) | 1;
}

// "12345": a handle id the browser gives back (digits only, no sign).
std::optional<std::int64_t> parse_id(const std::string& s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  std::int64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v == 0 ? std::nullopt : std::optional<std::int64_t>(v);
}

}  // namespace

Service::Service(platform::Platform& p, Settings settings)
    : p_(p), settings_(std::move(settings)) {
  for (const auto& url : settings_.janus_urls)
    janus_.push_back(std::make_shared<Janus>(JanusConfig{url, settings_.janus_admin_key}));
  // Nothing read but an index while no call goes on: no claim, no write.
  sweeper_ = std::make_unique<platform::PeriodicTask>(
      p_.db, p_.clock, "calls.sweep", settings_.sweep_ms, [this] { return sweep_all(); },
      [this]() -> Result<bool> {
        return p_.db.read([](db::Conn& c) -> Result<bool> {
          RUCHE_TRY(auto open, store::open_call_workspaces(c, 1));
          return !open.empty();
        });
      });
}

Service::~Service() {
  sweeper_.reset();
}

Result<void> Service::sweep_all() {
  const std::int64_t now = p_.clock.now_ms();
  RUCHE_TRY(auto open, p_.db.read([](db::Conn& c) {
    return store::open_call_workspaces(c, std::numeric_limits<std::int64_t>::max());
  }));
  // A transaction per workspace: one busy workspace holds no other back.
  for (const auto& ws : open)
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) { return sweep(c, ws, now); }));
  return {};
}

std::shared_ptr<Janus> Service::janus_at(const std::string& url) const {
  for (const auto& j : janus_)
    if (j->url() == url) return j;
  return nullptr;
}

Result<std::string> Service::pick_janus(db::Conn& c) const {
  RUCHE_TRY(auto load, store::sfu_load(c));
  // The fewest calls among those that answered lately (all of them, if
  // none did); the configuration's order breaks ties.
  const bool any_up =
      std::any_of(janus_.begin(), janus_.end(), [](const auto& j) { return j->answered_lately(); });
  const Janus* best = nullptr;
  std::int64_t best_load = 0;
  for (const auto& j : janus_) {
    if (any_up && !j->answered_lately()) continue;
    auto it = load.find(j->url());
    const std::int64_t n = it == load.end() ? 0 : it->second;
    if (best == nullptr || n < best_load) best = j.get(), best_load = n;
  }
  return best->url();
}

void Service::release_after_commit(db::Conn& c, const std::string& server,
                                   std::optional<std::int64_t> session,
                                   std::optional<SfuRoom> room) {
  if (session == kLostSession) session.reset();
  auto janus = janus_at(server);
  if (!janus || (!session && !room)) return;
  c.on_commit([janus, &workers = p_.workers, session, room = std::move(room)] {
    workers.submit([janus, session, room] {
      // Best effort: Janus drops a session not kept alive within a minute.
      if (session) {
        if (auto r = janus->destroy_session(*session); !r)
          log::warn("calls.sfu_release", {{"error", r.error().message}});
      }
      if (room) {
        if (auto r = janus->destroy_room(room->room, room->secret); !r)
          log::warn("calls.sfu_release", {{"error", r.error().message}});
      }
    });
  });
}

Result<std::pair<Call, platform::WorkspaceAccess>> Service::reach(db::Conn& c, const Caller& caller,
                                                                  const CallId& id, Access need) {
  if (!is_id(id.str())) return fail(Errc::not_found, "no such call");
  RUCHE_TRY(auto call, store::call(c, id, alive_since(p_.clock.now_ms())));
  if (!call) return fail(Errc::not_found, "no such call");
  auto access = p_.authz.access_in(c, caller.user_id, call->workspace_id);
  if (!access || access->right("calls") == Access::none)
    return platform::refused(Errc::not_found, "no such call", call->workspace_id);
  RUCHE_CHECK(platform::Authz::check(*access, "calls", need));
  return std::make_pair(std::move(*call), std::move(*access));
}

Result<void> Service::left(db::Conn& c, const WorkspaceId& ws, const Participant& p,
                           std::int64_t now_ms) {
  RUCHE_CHECK(store::leave(c, p.id, now_ms));
  RUCHE_TRY(auto server, store::sfu_server(c, p.call_id));
  RUCHE_TRY([[maybe_unused]] auto seq, p_.outbox.append(c, ws, "call.participant_left", "calls",
                                                        json::object{{"call_id", p.call_id.str()},
                                                                     {"participant_id", p.id.str()},
                                                                     {"user_id", p.user_id}}));
  // Its media leaves the SFU room at once.
  if (server) release_after_commit(c, *server, p.sfu.session, std::nullopt);
  return {};
}

Result<void> Service::end(db::Conn& c, const WorkspaceId& ws, const Call& call,
                          std::int64_t now_ms) {
  RUCHE_CHECK(store::end_call(c, call.id, now_ms));
  RUCHE_TRY(
      [[maybe_unused]] auto seq,
      p_.outbox.append(c, ws, "call.ended", "calls", json::object{{"call_id", call.id.str()}}));
  if (call.sfu) release_after_commit(c, call.sfu->server, std::nullopt, call.sfu);
  return {};
}

Result<void> Service::sweep(db::Conn& c, const WorkspaceId& ws, std::int64_t now_ms) {
  RUCHE_TRY(auto gone, store::stale(c, ws, alive_since(now_ms)));
  for (const auto& p : gone) RUCHE_CHECK(left(c, ws, p, now_ms));
  RUCHE_TRY(auto calls, store::live_calls(c, ws, alive_since(now_ms)));
  for (const auto& call : calls) {
    if (!call.participants.empty() || call.started_at_ms >= alive_since(now_ms)) continue;
    RUCHE_CHECK(end(c, ws, call, now_ms));
  }
  return {};
}

Result<Call> Service::start(const Caller& caller, const WorkspaceId& ws, const std::string& title) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Call> {
    auto access = p_.authz.access_in(c, caller.user_id, ws);
    if (!access) return tl::unexpected<Error>(access.error());
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
    if (!access) return tl::unexpected<Error>(access.error());
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
    Participant me{crypto::new_id_of<ParticipantId>(), id, caller.user_id.str(), now, now, {}};
    RUCHE_CHECK(store::insert_participant(c, me, ws));
    call->participants.push_back(me);
    // Past what peer to peer carries, through the SFU from now on.
    if (!janus_.empty() && call->mode == Mode::p2p &&
        static_cast<std::int64_t>(call->participants.size()) > settings_.p2p_max_participants) {
      RUCHE_TRY(std::string server, pick_janus(c));
      SfuRoom room{std::move(server), random_janus_id(), crypto::new_token(), crypto::new_token()};
      RUCHE_TRY(bool switched, store::switch_to_sfu(c, id, room));
      if (switched) {
        call->mode = Mode::sfu;
        call->sfu = std::move(room);
        RUCHE_TRY([[maybe_unused]] auto seq,
                  p_.outbox.append(c, ws, "call.updated", "calls",
                                   json::object{{"call_id", id.str()}, {"mode", "sfu"}}));
      }
    }
    RUCHE_TRY([[maybe_unused]] auto seq,
              p_.outbox.append(c, ws, "call.participant_joined", "calls",
                               json::object{{"call_id", id.str()}, {"participant", to_json(me)}}));
    return Joined{me, std::move(*call), ice_servers(settings_, caller.user_id.str(), now)};
  });
}

Result<void> Service::heartbeat(const Caller& caller, const CallId& id, const ParticipantId& me) {
  const std::int64_t now = p_.clock.now_ms();
  std::shared_ptr<Janus> janus;
  RUCHE_TRY(auto session, p_.db.write([&](db::Conn& c) -> Result<std::optional<std::int64_t>> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::read));
    RUCHE_TRY(auto p, store::participant(c, id, me, alive_since(now)));
    if (!p || p->user_id != caller.user_id.str())
      return fail(Errc::not_found, "not in this call (any more): join again", "not_in_call");
    RUCHE_CHECK(store::touch(c, me, now));
    if (found.first.sfu) janus = janus_at(found.first.sfu->server);
    return p->sfu.session;
  }));
  // Keeps its Janus session alive too. One Janus forgot (it restarted) is
  // forgotten here as well: the browser publishes again when its media
  // stops. Janus unreachable is not the heartbeat's failure.
  if (session && *session != kLostSession && janus) {
    auto kept = janus->keepalive(*session);
    if (!kept && kept.error().reason == "sfu_session_gone")
      RUCHE_CHECK(forget_session(id, me, *session, SfuPart{kLostSession, {}, {}}));
  }
  return {};
}

Result<void> Service::forget_session(const CallId& id, const ParticipantId& me,
                                     std::int64_t session, const SfuPart& now_part) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto p, store::participant(c, id, me, alive_since(now)));
    if (!p || p->sfu.session != session) return {};
    // Its handles went with the session.
    RUCHE_TRY([[maybe_unused]] bool had, store::unsubscribe(c, me, std::nullopt));
    return store::set_sfu(c, me, now_part);
  });
}

template <class T>
Result<T> Service::forgetting_gone(const CallId& id, const ParticipantId& me, std::int64_t session,
                                   Result<T> r) {
  if (r || r.error().reason != "sfu_session_gone") return r;
  (void)forget_session(id, me, session, SfuPart{});
  return r;
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
    if (call && call->participants.empty() && !call->ended_at_ms)
      RUCHE_CHECK(end(c, ws, *call, now));
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

// --- The SFU -------------------------------------------------------------------

Result<Service::SfuReach> Service::sfu_reach(const Caller& caller, const CallId& id,
                                             const ParticipantId& me) {
  const std::int64_t now = p_.clock.now_ms();
  RUCHE_TRY(auto found,
            p_.db.read([&](db::Conn& c) -> Result<std::pair<Call, Participant>> {
              RUCHE_TRY(auto reached, reach(c, caller, id, Access::read));
              RUCHE_TRY(auto p, store::participant(c, id, me, alive_since(now)));
              if (!p || p->user_id != caller.user_id.str())
                return fail(Errc::not_found, "not in this call (any more): join again",
                            "not_in_call");
              return std::make_pair(std::move(reached.first), std::move(*p));
            }));
  const Call& call = found.first;
  if (call.ended_at_ms) return fail(Errc::gone, "this call has ended", "call_ended");
  if (call.mode != Mode::sfu || !call.sfu)
    return fail(Errc::conflict, "this call is peer to peer", "not_sfu");
  auto janus = janus_at(call.sfu->server);
  if (!janus)  // the configuration no longer names it
    return fail(Errc::unavailable, "this call's SFU is not configured any more", "sfu_unavailable");
  return SfuReach{std::move(found.first), std::move(found.second), std::move(janus)};
}

Result<std::int64_t> Service::session_of(Janus& janus, Participant& me) {
  if (me.sfu.session == kLostSession) {
    RUCHE_CHECK(forget_session(me.call_id, me.id, kLostSession, SfuPart{}));
    return fail(Errc::not_found, "the SFU forgot this participant: publish again",
                "sfu_session_gone");
  }
  if (me.sfu.session) return *me.sfu.session;
  RUCHE_TRY(std::int64_t session, janus.create_session());
  me.sfu = SfuPart{session, std::nullopt, std::nullopt};
  // Recorded at once, so that leaving or being swept destroys it.
  RUCHE_CHECK(p_.db.write([&](db::Conn& c) { return store::set_sfu(c, me.id, me.sfu); }));
  return session;
}

Result<std::int64_t> Service::subscription_handle(const Participant& me, const std::string& id) {
  auto handle = parse_id(id);
  if (handle && me.sfu.session && handle != me.sfu.publisher) {
    RUCHE_TRY(bool known,
              p_.db.read([&](db::Conn& c) { return store::subscribed(c, me.id, *handle); }));
    if (known) return *handle;
  }
  return fail(Errc::not_found, "no such subscription", "no_subscription");
}

Result<json::object> Service::publish(const Caller& caller, const CallId& id,
                                      const ParticipantId& me_id, json::object offer) {
  RUCHE_TRY(auto found, sfu_reach(caller, id, me_id));
  auto& [call, me, janus] = found;
  const SfuRoom& room = *call.sfu;
  RUCHE_TRY(std::int64_t session, session_of(*janus, me));
  if (!me.sfu.publisher) {
    RUCHE_TRY(me.sfu.publisher, forgetting_gone(id, me.id, session, janus->attach(session)));
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) { return store::set_sfu(c, me.id, me.sfu); }));
  }
  const std::int64_t handle = *me.sfu.publisher;
  // Made by the first to send; the others find it there.
  RUCHE_CHECK(forgetting_gone(id, me.id, session,
                              janus->create_room(session, handle, room.room, room.pin, room.secret,
                                                 settings_.max_participants)));
  Janus::Event ev;
  if (me.sfu.feed) {
    RUCHE_TRY(ev, forgetting_gone(
                      id, me.id, session,
                      janus->message(
                          session, handle,
                          json::object{{"request", "configure"}, {"audio", true}, {"video", true}},
                          std::move(offer))));
  } else {
    const std::int64_t feed = random_janus_id();
    RUCHE_TRY(ev, forgetting_gone(id, me.id, session,
                                  janus->message(session, handle,
                                                 json::object{{"request", "joinandconfigure"},
                                                              {"ptype", "publisher"},
                                                              {"room", room.room},
                                                              {"pin", room.pin},
                                                              {"id", feed},
                                                              {"display", me.id.str()}},
                                                 std::move(offer))));
    me.sfu.feed = feed;
  }
  if (!ev.jsep) return fail(Errc::internal, "the SFU gave no SDP answer");
  const std::int64_t now = p_.clock.now_ms();
  auto kept = p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto still, store::participant(c, id, me.id, alive_since(now)));
    if (!still)
      return fail(Errc::not_found, "not in this call (any more): join again", "not_in_call");
    return store::set_sfu(c, me.id, me.sfu);
  });
  if (!kept) {
    // It left (or was swept) meanwhile: what it just made at Janus goes.
    if (kept.error().reason == "not_in_call") (void)janus->destroy_session(session);
    return tl::unexpected(kept.error());
  }
  p_.outbox.publish_ephemeral(call.workspace_id, "call.sending", "calls",
                              json::object{{"call_id", id.str()}, {"participant_id", me.id.str()}});
  return std::move(*ev.jsep);
}

Result<Service::Subscription> Service::subscribe(const Caller& caller, const CallId& id,
                                                 const ParticipantId& me_id,
                                                 const ParticipantId& whom) {
  RUCHE_TRY(auto found, sfu_reach(caller, id, me_id));
  auto& [call, me, janus] = found;
  if (whom == me.id)
    return fail(Errc::invalid, "a participant does not receive itself", "invalid_field");
  const Participant* peer = nullptr;
  for (const auto& p : call.participants)
    if (p.id == whom) peer = &p;
  if (peer == nullptr)
    return fail(Errc::not_found, "no such participant in this call", "no_participant");
  if (!peer->sfu.feed)
    return fail(Errc::conflict, "that participant is not sending yet: try again shortly",
                "feed_not_ready");
  RUCHE_TRY(std::int64_t session, session_of(*janus, me));
  RUCHE_TRY(std::int64_t handle, forgetting_gone(id, me.id, session, janus->attach(session)));
  auto ev = janus->message(
      session, handle,
      json::object{{"request", "join"},
                   {"ptype", "subscriber"},
                   {"room", call.sfu->room},
                   {"pin", call.sfu->pin},
                   {"streams", json::array{json::object{{"feed", *peer->sfu.feed}}}}});
  if (!ev || !ev->jsep) {
    (void)janus->detach(session, handle);
    if (!ev)
      return forgetting_gone(id, me.id, session, Result<Subscription>(tl::unexpected(ev.error())));
    return fail(Errc::internal, "the SFU gave no SDP offer");
  }
  // Recorded, in place of the one before to that participant; those to
  // people who left go with it. A participant thus holds at Janus one handle
  // per other participant at most, whatever its browser asks.
  std::vector<std::int64_t> released;
  const std::int64_t now = p_.clock.now_ms();
  auto kept = p_.db.write([&](db::Conn& c) -> Result<void> {
    released.clear();
    RUCHE_TRY(auto still, store::participant(c, id, me.id, alive_since(now)));
    if (!still)
      return fail(Errc::not_found, "not in this call (any more): join again", "not_in_call");
    if (still->sfu.session != session)
      return fail(Errc::not_found, "the SFU forgot this participant: publish again",
                  "sfu_session_gone");
    RUCHE_TRY(auto live, store::call(c, id, alive_since(now)));
    RUCHE_TRY(auto held, store::subscriptions(c, me.id));
    for (const auto& [peer, h] : held) {
      const bool here =
          live && std::any_of(live->participants.begin(), live->participants.end(),
                              [&](const Participant& p) { return p.id.str() == peer; });
      if (peer != whom.str() && here) continue;
      RUCHE_TRY([[maybe_unused]] bool had, store::unsubscribe(c, me.id, h));
      released.push_back(h);
    }
    return store::subscribe(c, me.id, whom.str(), handle);
  });
  if (!kept) {
    (void)janus->detach(session, handle);
    return tl::unexpected(kept.error());
  }
  for (std::int64_t h : released) (void)janus->detach(session, h);
  return Subscription{std::to_string(handle), std::move(*ev->jsep)};
}

Result<void> Service::answer(const Caller& caller, const CallId& id, const ParticipantId& me_id,
                             const std::string& subscription, json::object answer) {
  RUCHE_TRY(auto found, sfu_reach(caller, id, me_id));
  const auto& [call, me, janus] = found;
  RUCHE_TRY(std::int64_t handle, subscription_handle(me, subscription));
  RUCHE_TRY([[maybe_unused]] auto ev,
            forgetting_gone(id, me.id, *me.sfu.session,
                            janus->message(*me.sfu.session, handle,
                                           json::object{{"request", "start"}}, std::move(answer))));
  return {};
}

Result<void> Service::unsubscribe(const Caller& caller, const CallId& id,
                                  const ParticipantId& me_id, const std::string& subscription) {
  RUCHE_TRY(auto found, sfu_reach(caller, id, me_id));
  const auto& [call, me, janus] = found;
  // Forgotten in one write, which finds whether it was recorded (the
  // publishing handle never is).
  const auto handle = parse_id(subscription);
  bool had = false;
  if (handle && me.sfu.session) {
    RUCHE_TRY(had, p_.db.write([&](db::Conn& c) { return store::unsubscribe(c, me.id, *handle); }));
  }
  if (!had) return fail(Errc::not_found, "no such subscription", "no_subscription");
  return forgetting_gone(id, me.id, *me.sfu.session, janus->detach(*me.sfu.session, *handle));
}

Result<void> Service::trickle(const Caller& caller, const CallId& id, const ParticipantId& me_id,
                              const std::string& target, const json::array& candidates) {
  RUCHE_TRY(auto found, sfu_reach(caller, id, me_id));
  const auto& [call, me, janus] = found;
  std::int64_t handle = 0;
  if (target == "publisher") {
    if (!me.sfu.publisher)
      return fail(Errc::not_found, "not sending through the SFU", "no_subscription");
    handle = *me.sfu.publisher;
  } else {
    RUCHE_TRY(handle, subscription_handle(me, target));
  }
  return forgetting_gone(id, me.id, *me.sfu.session,
                         janus->trickle(*me.sfu.session, handle, candidates));
}

Result<void> Service::ring(const Caller& caller, const CallId& id, const ParticipantId& me_id,
                           const std::vector<std::string>& people) {
  if (people.empty() || people.size() > kMaxRing)
    return fail(Errc::invalid, "user_ids: 1 to 50 people", "invalid_field");
  const std::int64_t now = p_.clock.now_ms();
  std::vector<std::string> targets;
  RUCHE_TRY(auto call, p_.db.read([&](db::Conn& c) -> Result<Call> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::read));
    Call& call = found.first;
    RUCHE_TRY(auto me, store::participant(c, id, me_id, alive_since(now)));
    if (!me || me->user_id != caller.user_id.str())
      return fail(Errc::not_found, "not in this call (any more): join again", "not_in_call");
    for (const auto& person : people) {
      if (person == caller.user_id.str() || !is_id(person))
        return fail(Errc::invalid, "cannot ring " + person, "invalid_field");
      auto access = p_.authz.access_in(c, UserId(person), call.workspace_id);
      if (!access || access->right("calls") == Access::none)
        return fail(Errc::invalid, person + " may not join this call", "invalid_field");
      const bool in_call = std::any_of(call.participants.begin(), call.participants.end(),
                                       [&](const Participant& p) { return p.user_id == person; });
      if (!in_call && std::find(targets.begin(), targets.end(), person) == targets.end())
        targets.push_back(person);
    }
    return std::move(call);
  }));
  for (const auto& person : targets)
    p_.outbox.publish_ephemeral(call.workspace_id, "call.ringing", "calls",
                                json::object{{"call_id", id.str()},
                                             {"workspace_id", call.workspace_id.str()},
                                             {"title", call.title},
                                             {"from_user_id", caller.user_id.str()},
                                             {"ring_seconds", kRingSeconds}},
                                signal_scope(id, person));
  return {};
}

Result<void> Service::decline(const Caller& caller, const CallId& id) {
  RUCHE_TRY(auto call, p_.db.read([&](db::Conn& c) -> Result<Call> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::read));
    return std::move(found.first);
  }));
  if (call.ended_at_ms) return fail(Errc::gone, "this call has ended", "call_ended");
  std::vector<std::string> told{caller.user_id.str()};
  for (const auto& p : call.participants)
    if (std::find(told.begin(), told.end(), p.user_id) == told.end()) told.push_back(p.user_id);
  for (const auto& person : told)
    p_.outbox.publish_ephemeral(
        call.workspace_id, "call.declined", "calls",
        json::object{{"call_id", id.str()}, {"user_id", caller.user_id.str()}},
        signal_scope(id, person));
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
