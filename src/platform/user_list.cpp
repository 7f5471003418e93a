#include "platform/user_list.hpp"

#include <deque>

#include "base/utf8.hpp"
#include "platform/request_checks.hpp"

namespace ruche::platform {

namespace {

constexpr std::size_t kMaxQueryBytes = 200;
constexpr std::size_t kMaxWords = 10;

Result<void> bad(std::string message) {
  return fail(Errc::invalid, std::move(message), "invalid_field");
}

// "WHERE ..." of the query's narrowing, its parameters appended to `params`
// and the texts they view to `texts` (which outlive the statement).
std::string where(db::Conn& c, const UserListQuery& q, bool with_after,
                  std::vector<db::Param>& params, std::deque<std::string>& texts) {
  const char* like = c.backend() == db::Backend::sqlite ? " LIKE $" : " ILIKE $";
  auto arg = [&](db::Param p) {
    params.push_back(std::move(p));
    return std::to_string(params.size());
  };
  std::string sql = "WHERE 1 = 1";
  for (const auto& word : q.words) {
    // The expression PostgreSQL's trigram index holds (migration 0053).
    sql += std::string(" AND (name || ' ' || email)") + like +
           arg(db::Param(texts.emplace_back("%" + db::like_escape(word) + "%"))) + " ESCAPE '\\'";
  }
  if (q.role) sql += " AND instance_role = $" + arg(db::Param(to_string(*q.role)));
  if (q.disabled) sql += " AND disabled = $" + arg(db::Param(*q.disabled));
  if (q.internal) sql += " AND instance_role <> 'guest'";
  if (!q.colleagues_of.empty())
    sql += " AND id IN (SELECT theirs.user_id FROM memberships mine JOIN memberships theirs ON "
           "theirs.workspace_id = mine.workspace_id WHERE mine.user_id = $" +
           arg(db::Param(q.colleagues_of)) + ")";
  if (with_after && !q.after.empty()) sql += " AND email > $" + arg(db::Param(q.after));
  return sql;
}

}  // namespace

Result<UserListQuery> user_list_query(const http::Request& req) {
  UserListQuery q;
  if (auto v = req.query_param("q")) {
    if (v->size() > kMaxQueryBytes || !valid_utf8(*v))
      RUCHE_CHECK(bad("q is at most 200 bytes of text"));
    std::string_view rest = *v;
    while (!rest.empty()) {
      const auto start = rest.find_first_not_of(' ');
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      const auto end = rest.find(' ');
      q.words.emplace_back(rest.substr(0, end));
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    if (q.words.size() > kMaxWords) RUCHE_CHECK(bad("q has at most 10 words"));
  }
  if (auto v = req.query_param("role")) {
    q.role = parse_instance_role(*v);
    if (!q.role) RUCHE_CHECK(bad("role is admin, member or guest"));
  }
  if (auto v = req.query_param("status")) {
    if (*v != "active" && *v != "disabled") RUCHE_CHECK(bad("status is active or disabled"));
    q.disabled = *v == "disabled";
  }
  if (auto v = req.query_param("after")) {
    if (v->empty() || v->size() > 320 || !valid_utf8(*v)) RUCHE_CHECK(bad("after is an address"));
    q.after = std::string(*v);
  }
  RUCHE_TRY(auto limit, query_integer(req, "limit", 1, kMaxUserPage));
  if (limit) q.limit = static_cast<int>(*limit);
  return q;
}

Result<std::vector<User>> read_users(db::Conn& c, const UserListQuery& q) {
  std::vector<db::Param> params;
  std::deque<std::string> texts;
  // Words found in few accounts: reading the addresses' index in order until
  // a page of them is found reads every account through it (150 ms among
  // 100,000, bench/admin); an order no index holds has those found (by the
  // trigram index on PostgreSQL) sorted.
  std::string sql = std::string("SELECT ") + kUserColumns + " FROM users " +
                    where(c, q, true, params, texts) +
                    (q.words.empty() ? " ORDER BY email" : " ORDER BY email || ''");
  if (q.limit) {
    params.emplace_back(static_cast<std::int64_t>(*q.limit));
    sql += " LIMIT $" + std::to_string(params.size());
  }
  std::vector<User> out;
  RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
    out.push_back(user_from_row(r));
    return true;
  }));
  return out;
}

Result<std::int64_t> count_users(db::Conn& c, const UserListQuery& q) {
  std::vector<db::Param> params;
  std::deque<std::string> texts;
  const std::string sql = "SELECT COUNT(*) FROM users " + where(c, q, false, params, texts);
  RUCHE_TRY(auto row, c.query_one(sql, params));
  return row ? row->i64(0) : 0;
}

}  // namespace ruche::platform
