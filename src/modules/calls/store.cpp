#include "modules/calls/store.hpp"

namespace ruche::calls::store {

namespace {

constexpr std::string_view kParticipantColumns =
    "id, call_id, user_id, joined_at_ms, seen_at_ms, sfu_session, sfu_publisher, sfu_feed";

Participant participant_of(const db::Row& r) {
  return Participant{ParticipantId(r.text(0)),
                     CallId(r.text(1)),
                     r.text(2),
                     r.i64(3),
                     r.i64(4),
                     SfuPart{r.opt_i64(5), r.opt_i64(6), r.opt_i64(7)}};
}

Call call_of(const db::Row& r) {
  Call c;
  c.id = CallId(r.text(0));
  c.workspace_id = WorkspaceId(r.text(1));
  c.title = r.text(2);
  c.started_by = r.text(3);
  c.started_at_ms = r.i64(4);
  c.ended_at_ms = r.opt_i64(5);
  c.mode = r.text(6) == "sfu" ? Mode::sfu : Mode::p2p;
  if (auto room = r.opt_i64(7)) c.sfu = SfuRoom{r.text(10), *room, r.text(8), r.text(9)};
  return c;
}

constexpr std::string_view kCallColumns =
    "id, workspace_id, title, started_by, started_at_ms, ended_at_ms, mode, sfu_room, sfu_pin, "
    "sfu_secret, sfu_server";

Result<void> fill_participants(db::Conn& c, Call& call, std::int64_t alive_since_ms) {
  RUCHE_TRY(auto rows,
            c.query("SELECT " + std::string(kParticipantColumns) +
                        " FROM calls_participants WHERE call_id = $1 AND left_at_ms IS NULL AND "
                        "seen_at_ms >= $2 ORDER BY joined_at_ms, id",
                    {call.id, alive_since_ms}));
  for (const auto& r : rows) call.participants.push_back(participant_of(r));
  return {};
}

}  // namespace

Result<void> insert_call(db::Conn& c, const Call& call) {
  RUCHE_TRY(
      [[maybe_unused]] auto n,
      c.exec("INSERT INTO calls_calls (id, workspace_id, title, started_by, started_at_ms) VALUES "
             "($1, $2, $3, $4, $5)",
             {call.id, call.workspace_id, call.title, call.started_by, call.started_at_ms}));
  return {};
}

Result<std::optional<Call>> call(db::Conn& c, const CallId& id, std::int64_t alive_since_ms) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT " + std::string(kCallColumns) + " FROM calls_calls WHERE id = $1", {id}));
  if (!row) return std::optional<Call>{};
  Call out = call_of(*row);
  RUCHE_CHECK(fill_participants(c, out, alive_since_ms));
  return std::optional<Call>(std::move(out));
}

Result<std::vector<Call>> live_calls(db::Conn& c, const WorkspaceId& ws,
                                     std::int64_t alive_since_ms) {
  RUCHE_TRY(auto rows,
            c.query("SELECT " + std::string(kCallColumns) +
                        " FROM calls_calls WHERE workspace_id = $1 AND ended_at_ms IS NULL "
                        "ORDER BY started_at_ms, id LIMIT 200",
                    {ws}));
  std::vector<Call> out;
  for (const auto& r : rows) {
    Call call = call_of(r);
    RUCHE_CHECK(fill_participants(c, call, alive_since_ms));
    out.push_back(std::move(call));
  }
  return out;
}

Result<void> insert_participant(db::Conn& c, const Participant& p, const WorkspaceId& ws) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO calls_participants (id, call_id, workspace_id, user_id, "
                   "joined_at_ms, seen_at_ms) "
                   "VALUES ($1, $2, $3, $4, $5, $6)",
                   {p.id, p.call_id, ws, p.user_id, p.joined_at_ms, p.seen_at_ms}));
  return {};
}

Result<std::optional<Participant>> participant(db::Conn& c, const CallId& call,
                                               const ParticipantId& id,
                                               std::int64_t alive_since_ms) {
  RUCHE_TRY(auto row, c.query_one("SELECT " + std::string(kParticipantColumns) +
                                      " FROM calls_participants WHERE id = $1 AND call_id = $2 AND "
                                      "left_at_ms IS NULL AND seen_at_ms >= $3" +
                                      std::string(c.for_update()),
                                  {id, call, alive_since_ms}));
  if (!row) return std::optional<Participant>{};
  return std::optional<Participant>(participant_of(*row));
}

Result<void> touch(db::Conn& c, const ParticipantId& id, std::int64_t now_ms) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE calls_participants SET seen_at_ms = $2 WHERE id = $1", {id, now_ms}));
  return {};
}

Result<void> leave(db::Conn& c, const ParticipantId& id, std::int64_t now_ms) {
  RUCHE_TRY(
      [[maybe_unused]] auto n,
      c.exec("UPDATE calls_participants SET left_at_ms = $2 WHERE id = $1 AND left_at_ms IS NULL",
             {id, now_ms}));
  RUCHE_TRY([[maybe_unused]] bool had, unsubscribe(c, id, std::nullopt));
  return {};
}

Result<std::map<std::string, std::int64_t>> subscriptions(db::Conn& c, const ParticipantId& me) {
  std::map<std::string, std::int64_t> out;
  RUCHE_CHECK(c.each("SELECT peer_id, handle FROM calls_subscriptions WHERE participant_id = $1",
                     {me}, [&](const db::Row& r) {
                       out.emplace(r.text(0), r.i64(1));
                       return true;
                     }));
  return out;
}

Result<bool> subscribed(db::Conn& c, const ParticipantId& me, std::int64_t handle) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT 1 FROM calls_subscriptions WHERE participant_id = $1 AND handle = $2",
                  {me, handle}));
  return row.has_value();
}

Result<void> subscribe(db::Conn& c, const ParticipantId& me, const std::string& peer,
                       std::int64_t handle) {
  RUCHE_TRY(
      [[maybe_unused]] auto n,
      c.exec(
          "INSERT INTO calls_subscriptions (participant_id, peer_id, handle) VALUES ($1, $2, $3) "
          "ON CONFLICT (participant_id, peer_id) DO UPDATE SET handle = excluded.handle",
          {me, peer, handle}));
  return {};
}

Result<bool> unsubscribe(db::Conn& c, const ParticipantId& me, std::optional<std::int64_t> handle) {
  if (!handle) {
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("DELETE FROM calls_subscriptions WHERE participant_id = $1", {me}));
    return true;
  }
  RUCHE_TRY(auto n,
            c.exec("DELETE FROM calls_subscriptions WHERE participant_id = $1 AND handle = $2",
                   {me, *handle}));
  return n > 0;
}

Result<std::vector<Participant>> stale(db::Conn& c, const WorkspaceId& ws,
                                       std::int64_t alive_since_ms) {
  RUCHE_TRY(auto rows,
            c.query("SELECT p.id, p.call_id, p.user_id, p.joined_at_ms, p.seen_at_ms, "
                    "p.sfu_session, p.sfu_publisher, p.sfu_feed FROM calls_participants p JOIN calls_calls k ON k.id = p.call_id "
                    "WHERE k.workspace_id = $1 AND k.ended_at_ms IS NULL AND p.left_at_ms IS NULL "
                    "AND p.seen_at_ms < $2 LIMIT 500",
                    {ws, alive_since_ms}));
  std::vector<Participant> out;
  for (const auto& r : rows) out.push_back(participant_of(r));
  return out;
}

Result<std::vector<WorkspaceId>> open_call_workspaces(db::Conn& c, std::int64_t limit) {
  RUCHE_TRY(auto rows, c.query("SELECT DISTINCT workspace_id FROM calls_calls "
                               "WHERE ended_at_ms IS NULL LIMIT $1",
                               {limit}));
  std::vector<WorkspaceId> out;
  for (const auto& r : rows) out.emplace_back(r.text(0));
  return out;
}

Result<void> end_call(db::Conn& c, const CallId& id, std::int64_t now_ms) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE calls_calls SET ended_at_ms = $2 WHERE id = $1 AND ended_at_ms IS NULL",
                   {id, now_ms}));
  return {};
}

Result<bool> switch_to_sfu(db::Conn& c, const CallId& id, const SfuRoom& room) {
  RUCHE_TRY(auto n, c.exec("UPDATE calls_calls SET mode = 'sfu', sfu_room = $2, sfu_pin = $3, "
                           "sfu_secret = $4, sfu_server = $5 WHERE id = $1 AND mode = 'p2p'",
                           {id, room.room, room.pin, room.secret, room.server}));
  return n == 1;
}

Result<std::optional<std::string>> sfu_server(db::Conn& c, const CallId& id) {
  RUCHE_TRY(auto rows, c.query("SELECT sfu_server FROM calls_calls WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<std::string>();
  return rows[0].opt_text(0);
}

Result<std::map<std::string, std::int64_t>> sfu_load(db::Conn& c) {
  RUCHE_TRY(auto rows, c.query("SELECT sfu_server, COUNT(*) FROM calls_calls "
                               "WHERE ended_at_ms IS NULL AND sfu_server IS NOT NULL "
                               "GROUP BY sfu_server",
                               {}));
  std::map<std::string, std::int64_t> out;
  for (const auto& r : rows) out[r.text(0)] = r.i64(1);
  return out;
}

Result<void> set_sfu(db::Conn& c, const ParticipantId& id, const SfuPart& sfu) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE calls_participants SET sfu_session = $2, sfu_publisher = $3, "
                   "sfu_feed = $4 WHERE id = $1",
                   {id, sfu.session, sfu.publisher, sfu.feed}));
  return {};
}

Result<std::vector<Participant>> of_user(db::Conn& c, const WorkspaceId& ws, const UserId& user) {
  RUCHE_TRY(auto rows,
            c.query("SELECT " + std::string(kParticipantColumns) +
                        " FROM calls_participants WHERE workspace_id = $1 AND user_id = $2 AND "
                        "left_at_ms IS NULL",
                    {ws, user}));
  std::vector<Participant> out;
  for (const auto& r : rows) out.push_back(participant_of(r));
  return out;
}

Result<void> purge(db::Conn& c, const WorkspaceId& ws) {
  RUCHE_TRY([[maybe_unused]] auto a,
            c.exec("DELETE FROM calls_participants WHERE workspace_id = $1", {ws}));
  RUCHE_TRY([[maybe_unused]] auto b,
            c.exec("DELETE FROM calls_calls WHERE workspace_id = $1", {ws}));
  return {};
}

}  // namespace ruche::calls::store
