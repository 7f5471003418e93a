#include "platform/notices.hpp"

#include "base/clock.hpp"

namespace ruche::platform {

namespace {

// The notices a person may see: theirs, and of a workspace only while they
// are a member of it.
constexpr const char* kVisible =
    "n.user_id = $1 AND (n.workspace_id IS NULL OR EXISTS (SELECT 1 FROM memberships m WHERE "
    "m.workspace_id = n.workspace_id AND m.user_id = n.user_id))";

Result<std::int64_t> unread(db::Conn& c, const UserId& user) {
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT COUNT(*) FROM notices n WHERE ") + kVisible +
                                      " AND n.read_at_ms IS NULL",
                                  {user}));
  return row ? row->i64(0) : 0;
}

}  // namespace

json::object to_json(const Notice& n) {
  return {{"id", n.id},
          {"type", n.type},
          {"data", n.data},
          {"created_at", format_iso8601(n.created_at_ms)},
          {"read", n.read}};
}

Result<NoticePage> list_notices(db::Database& db, const UserId& user,
                                const std::optional<std::string>& before, int limit) {
  return db.read([&](db::Conn& c) -> Result<NoticePage> {
    NoticePage page;
    std::string sql = std::string(
                          "SELECT n.id, n.type, n.data, n.created_at_ms, n.read_at_ms "
                          "FROM notices n WHERE ") +
                      kVisible;
    std::vector<db::Param> params{user};
    if (before) {
      params.emplace_back(*before);
      sql += " AND n.id < $2";
    }
    params.emplace_back(static_cast<std::int64_t>(limit));
    sql += " ORDER BY n.id DESC LIMIT $" + std::to_string(params.size());
    RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
      Notice n;
      n.id = r.text(0);
      n.type = r.text(1);
      n.data = json::parse(r.text(2)).value_or(json::object{});
      n.created_at_ms = r.i64(3);
      n.read = !r.is_null(4);
      page.notices.push_back(std::move(n));
      return true;
    }));
    RUCHE_TRY(page.unread, unread(c, user));
    return page;
  });
}

Result<std::int64_t> mark_notices_read(db::Database& db, const UserId& user,
                                       const std::vector<std::string>& ids, bool all,
                                       std::int64_t now_ms) {
  return db.write([&](db::Conn& c) -> Result<std::int64_t> {
    if (all) {
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE notices SET read_at_ms = $2 WHERE user_id = $1 AND read_at_ms IS "
                       "NULL",
                       {user, now_ms}));
    } else if (!ids.empty()) {
      std::vector<db::Param> params{user, now_ms};
      for (const auto& id : ids) params.emplace_back(id);
      RUCHE_TRY([[maybe_unused]] auto n,
                c.exec("UPDATE notices SET read_at_ms = $2 WHERE user_id = $1 AND read_at_ms IS "
                       "NULL AND id IN (" +
                           db::placeholders(3, ids.size()) + ")",
                       params));
    }
    return unread(c, user);
  });
}

}  // namespace ruche::platform
