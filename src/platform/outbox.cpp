#include "platform/outbox.hpp"

#include "base/log.hpp"
#include "core/crypto/random.hpp"
#include "platform/notices.hpp"

namespace ruche::platform {

namespace {

// What kUserNotice carries to every node (platform/events.cpp reads it):
// a frame `type` with `data` for `user`'s connections, kept at `at_ms`.
json::object user_frame(const UserId& user, std::string_view type, json::object data,
                        std::int64_t at_ms) {
  return {{"user_id", user.str()}, {"type", type}, {"data", std::move(data)}, {"at_ms", at_ms}};
}

std::string audience_json(const std::vector<std::string>& audience) {
  json::array a;
  for (const auto& u : audience) a.emplace_back(u);
  return json::serialize(a);
}

std::vector<std::string> parse_audience(const std::optional<std::string>& text) {
  std::vector<std::string> out;
  if (!text) return out;
  auto v = json::parse(*text);
  if (!v || !v->is_array()) return out;
  for (const auto& item : v->as_array())
    if (item.is_string()) out.emplace_back(item.as_string());
  return out;
}

// Takes the workspace's next `n` sequence numbers; the last of them.
Result<std::int64_t> take_seqs(db::Conn& c, const WorkspaceId& ws, std::int64_t n) {
  // Not UPDATE ... RETURNING: on SQLite, RETURNING costs an ephemeral table
  // per execution, more than this SELECT (see chat's next_seq()).
  RUCHE_TRY(auto changed, c.exec("UPDATE workspaces SET seq = seq + $2 WHERE id = $1", {ws, n}));
  if (changed == 0) return fail(Errc::not_found, "no such workspace");
  RUCHE_TRY(auto row, c.query_one("SELECT seq FROM workspaces WHERE id = $1", {ws}));
  if (!row) return fail(Errc::not_found, "no such workspace");
  return row->i64(0);
}

}  // namespace

Result<std::int64_t> Outbox::append_all(db::Conn& c, const WorkspaceId& ws, std::string_view module,
                                        const std::vector<Draft>& events) {
  if (events.empty()) return 0;
  RUCHE_TRY(const std::int64_t last, take_seqs(c, ws, static_cast<std::int64_t>(events.size())));
  std::int64_t seq = last - static_cast<std::int64_t>(events.size());
  for (const Draft& d : events) RUCHE_CHECK(store(c, ws, ++seq, d.type, module, d.data, {}, {}));
  return last;
}

Result<std::int64_t> Outbox::append(db::Conn& c, const WorkspaceId& ws, std::string_view type,
                                    std::string_view module, const json::value& data,
                                    std::vector<std::string> audience, std::string_view scope) {
  RUCHE_TRY(const std::int64_t seq, take_seqs(c, ws, 1));
  RUCHE_CHECK(store(c, ws, seq, type, module, data, std::move(audience), scope));
  return seq;
}

Result<void> Outbox::store(db::Conn& c, const WorkspaceId& ws, std::int64_t seq,
                           std::string_view type, std::string_view module, const json::value& data,
                           std::vector<std::string> audience, std::string_view scope) {
  bus::Event e;
  e.workspace_id = ws.str();
  e.seq = seq;
  e.type = std::string(type);
  e.module = std::string(module);
  e.audience = std::move(audience);
  e.scope = std::string(scope);
  e.data = json::serialize(data);
  e.created_at_ms = clock_.now_ms();
  std::optional<std::string> aud;
  if (!e.audience.empty()) aud = audience_json(e.audience);
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO events (workspace_id, seq, type, module, audience, scope, data, "
                   "created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                   {e.workspace_id, e.seq, e.type, e.module, aud, e.scope, e.data,
                    e.created_at_ms}));
  c.on_commit([this, e = std::move(e)] { bus_.publish(e); });
  return {};
}

void Outbox::publish_ephemeral(const WorkspaceId& ws, std::string_view type,
                               std::string_view module, const json::value& data,
                               std::string_view scope) {
  bus::Event e;
  e.workspace_id = ws.str();
  e.type = std::string(type);
  e.module = std::string(module);
  e.scope = std::string(scope);
  e.data = json::serialize(data);
  e.created_at_ms = clock_.now_ms();
  bus_.publish(e);
}

void Outbox::publish_control(std::string_view type, const json::value& data) {
  bus::Event e;
  e.type = std::string(type);
  e.data = json::serialize(data);
  e.created_at_ms = clock_.now_ms();
  bus_.publish(e);
}

Result<void> Outbox::notify(db::Conn& c, const UserId& user, std::string_view type,
                            json::object data, const std::optional<WorkspaceId>& within,
                            const NoticeEmail& email) {
  const std::int64_t now = clock_.now_ms();
  const std::string id = crypto::new_ordered_id(now);
  data["notice_id"] = id;
  // The person's notices past their time go as a new one comes: ids sort
  // by time, so an id of that time bounds them (a probe of the index, not
  // a scan of every notice the person has).
  RUCHE_TRY([[maybe_unused]] auto old, c.exec("DELETE FROM notices WHERE user_id = $1 AND id < $2",
                                              {user, crypto::new_ordered_id(now - kNoticeKeepMs)}));
  RUCHE_TRY(
      [[maybe_unused]] auto n,
      c.exec("INSERT INTO notices (id, user_id, workspace_id, type, data, created_at_ms, "
             "text, text_fr, link, topic) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
             {id, user, within ? db::Param(within->str()) : db::Param(nullptr), std::string(type),
              json::serialize(data), now, email.en, email.fr, email.path, email.topic}));
  c.on_commit([this, f = user_frame(user, type, std::move(data), now)] {
    publish_control(kUserNotice, f);
  });
  return {};
}

void Outbox::tell(db::Conn& c, const UserId& user, std::string_view type, json::object data) {
  c.on_commit([this, f = user_frame(user, type, std::move(data), clock_.now_ms())] {
    publish_control(kUserNotice, f);
  });
}

Result<std::vector<bus::Event>> Outbox::since(db::Database& db, const WorkspaceId& ws,
                                              std::int64_t since, int limit) const {
  return db.read([&](db::Conn& c) -> Result<std::vector<bus::Event>> {
    std::vector<bus::Event> out;
    RUCHE_CHECK(c.each(
        "SELECT seq, type, module, audience, data, created_at_ms, scope FROM events "
        "WHERE workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        {ws, since, limit}, [&](const db::Row& r) {
          bus::Event e;
          e.workspace_id = ws.str();
          e.seq = r.i64(0);
          e.type = r.text(1);
          e.module = r.text(2);
          e.audience = parse_audience(r.opt_text(3));
          e.data = r.text(4);
          e.created_at_ms = r.i64(5);
          e.scope = r.text(6);
          out.push_back(std::move(e));
          return true;
        }));
    return out;
  });
}

Result<std::int64_t> Outbox::head(db::Database& db, const WorkspaceId& ws) const {
  return db.read([&](db::Conn& c) -> Result<std::int64_t> {
    RUCHE_TRY(auto row, c.query_one("SELECT seq FROM workspaces WHERE id = $1", {ws}));
    if (!row) return fail(Errc::not_found, "no such workspace");
    return row->i64(0);
  });
}

std::string event_frame(const bus::Event& e) {
  std::string out;
  out.reserve(64 + e.type.size() + e.data.size());
  out += "{\"type\":\"";
  log::append_json_escaped(out, e.type);
  out += "\",\"workspace_id\":\"";
  log::append_json_escaped(out, e.workspace_id);
  out += "\",\"seq\":";
  out += std::to_string(e.seq);
  if (!e.module.empty()) {
    out += ",\"module\":\"";
    log::append_json_escaped(out, e.module);
    out += '"';
  }
  if (e.created_at_ms) {
    out += ",\"at\":\"";
    out += format_iso8601(e.created_at_ms);
    out += '"';
  }
  out += ",\"data\":";
  out += e.data.empty() ? "{}" : e.data;
  out += '}';
  return out;
}

}  // namespace ruche::platform
