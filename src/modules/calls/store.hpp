// Calls' SQL: calls, participants and their SFU subscriptions
// (migrations/*/0033_calls_core.sql, 0034_calls_sfu.sql,
// 0048_calls_subscriptions.sql).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "modules/calls/calls.hpp"

namespace ruche::calls::store {

Result<void> insert_call(db::Conn& c, const Call& call);
// The call with its participants seen at or after `alive_since_ms`.
Result<std::optional<Call>> call(db::Conn& c, const CallId& id, std::int64_t alive_since_ms);
// The workspace's calls not ended, oldest first, with their live participants.
Result<std::vector<Call>> live_calls(db::Conn& c, const WorkspaceId& ws,
                                     std::int64_t alive_since_ms);
Result<void> insert_participant(db::Conn& c, const Participant& p, const WorkspaceId& ws);
// Whether the participant is live in that call and the caller's. Inside a
// write, its row is locked until the write ends (Conn::for_update).
Result<std::optional<Participant>> participant(db::Conn& c, const CallId& call,
                                               const ParticipantId& id,
                                               std::int64_t alive_since_ms);
Result<void> touch(db::Conn& c, const ParticipantId& id, std::int64_t now_ms);
// It left: its subscriptions go too (Janus destroys its session).
Result<void> leave(db::Conn& c, const ParticipantId& id, std::int64_t now_ms);
// Participants of the workspace's live calls not seen since `alive_since_ms`.
Result<std::vector<Participant>> stale(db::Conn& c, const WorkspaceId& ws,
                                       std::int64_t alive_since_ms);
// The workspaces with calls going on (at most `limit`).
Result<std::vector<WorkspaceId>> open_call_workspaces(db::Conn& c, std::int64_t limit);
Result<void> end_call(db::Conn& c, const CallId& id, std::int64_t now_ms);
// Moves a peer-to-peer call to the SFU with `room`; false when it already was.
Result<bool> switch_to_sfu(db::Conn& c, const CallId& id, const SfuRoom& room);
Result<void> set_sfu(db::Conn& c, const ParticipantId& id, const SfuPart& sfu);
// `me`'s subscriptions at the SFU: the participant received -> its handle.
Result<std::map<std::string, std::int64_t>> subscriptions(db::Conn& c, const ParticipantId& me);
// Whether `handle` is one of `me`'s subscriptions.
Result<bool> subscribed(db::Conn& c, const ParticipantId& me, std::int64_t handle);
// `me` receives `peer` through `handle` (in place of any subscription before).
Result<void> subscribe(db::Conn& c, const ParticipantId& me, const std::string& peer,
                       std::int64_t handle);
// Forgets `me`'s subscription `handle` (false: it had none such); every one
// of them when `handle` is unset.
Result<bool> unsubscribe(db::Conn& c, const ParticipantId& me, std::optional<std::int64_t> handle);
// The Janus a call is on, if it went to the SFU.
Result<std::optional<std::string>> sfu_server(db::Conn& c, const CallId& id);
// How many calls going on each Janus carries (by URL).
Result<std::map<std::string, std::int64_t>> sfu_load(db::Conn& c);
// Every live participant of `user` in `ws` (when they leave the workspace).
Result<std::vector<Participant>> of_user(db::Conn& c, const WorkspaceId& ws, const UserId& user);
Result<void> purge(db::Conn& c, const WorkspaceId& ws);

}  // namespace ruche::calls::store
