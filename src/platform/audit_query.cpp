#include "platform/audit_query.hpp"

#include "base/clock.hpp"
#include "base/id.hpp"
#include "platform/request_checks.hpp"

namespace ruche::platform {

namespace {

Result<void> bad(std::string message) {
  return fail(Errc::invalid, std::move(message), "invalid_field");
}

// An action's name, or a family's prefix: lowercase words joined by dots.
bool is_action(std::string_view s) {
  if (s.empty() || s.size() > 64 || s.front() == '.') return false;
  for (char ch : s)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.'))
      return false;
  return true;
}

}  // namespace

Result<AuditQuery> audit_query(const http::Request& req) {
  AuditQuery q;
  RUCHE_TRY(auto limit, query_integer(req, "limit", 1, kMaxAuditPage));
  q.limit = static_cast<int>(limit.value_or(100));
  RUCHE_TRY(q.before, query_integer(req, "before", 1, INT64_MAX));
  for (auto [key, out] : {std::pair{"actor", &q.actor}, std::pair{"workspace", &q.workspace}}) {
    if (auto v = req.query_param(key)) {
      if (!is_id(*v)) RUCHE_CHECK(bad(std::string(key) + " is an id"));
      *out = std::string(*v);
    }
  }
  if (auto v = req.query_param("action")) {
    if (!is_action(*v)) RUCHE_CHECK(bad("action is an action's name, or a family ending in '.'"));
    q.action = std::string(*v);
  }
  if (auto v = req.query_param("outcome")) {
    if (*v != "success" && *v != "failure" && *v != "denied")
      RUCHE_CHECK(bad("outcome is success, failure or denied"));
    q.outcome = std::string(*v);
  }
  RUCHE_TRY(q.from_ms, query_time(req, "from"));
  RUCHE_TRY(q.to_ms, query_time(req, "to"));
  return q;
}

namespace {

struct SeqRange {
  std::optional<std::int64_t> first, last;  // unbounded when absent
  bool empty = false;
};

// The entries of a time range as a range of entries, when the log's times
// go forward over it (AuditLog::append, migration 0052): found at its ends
// in the time index, rather than every entry in it gathered and sorted.
// nullopt when the range may reach entries written before the log's times
// last went back (audit_head.disordered_until_ms).
Result<std::optional<SeqRange>> seq_range(db::Conn& c, const AuditQuery& q) {
  RUCHE_TRY(auto head, c.query_one("SELECT disordered_until_ms FROM audit_head WHERE id = 1"));
  if (!head) return fail(Errc::internal, "audit head missing");
  if (!head->is_null(0) && !(q.from_ms && *q.from_ms > head->i64(0)))
    return std::optional<SeqRange>{};
  SeqRange r;
  if (q.from_ms) {
    RUCHE_TRY(auto first, c.query_one("SELECT seq FROM audit_log WHERE at_ms >= $1 "
                                      "ORDER BY at_ms, seq LIMIT 1",
                                      {*q.from_ms}));
    if (first) r.first = first->i64(0);
    r.empty = !first;
  }
  if (q.to_ms && !r.empty) {
    RUCHE_TRY(auto last, c.query_one("SELECT seq FROM audit_log WHERE at_ms < $1 "
                                     "ORDER BY at_ms DESC, seq DESC LIMIT 1",
                                     {*q.to_ms}));
    if (last) r.last = last->i64(0);
    r.empty = !last || (r.first && *r.first > last->i64(0));
  }
  return std::optional<SeqRange>(r);
}

}  // namespace

Result<std::vector<AuditRecord>> read_audit(db::Conn& c, const AuditQuery& q) {
  std::optional<SeqRange> range;
  if (q.from_ms || q.to_ms) {
    RUCHE_TRY(range, seq_range(c, q));
    if (range && range->empty) return std::vector<AuditRecord>{};
  }
  std::string sql =
      "SELECT a.seq, a.at_ms, a.actor_id, a.action, a.outcome, a.workspace_id, a.object, "
      "a.remote_addr, a.request_id, a.details, u.name, u.email, w.name, a.prev_hash, a.hash FROM "
      "audit_log a LEFT JOIN "
      "users u ON u.id = a.actor_id AND a.actor_id <> '' LEFT JOIN workspaces w ON w.id = "
      "a.workspace_id AND a.workspace_id <> '' WHERE 1 = 1";
  std::vector<db::Param> params;
  // The placeholder of a new parameter.
  auto arg = [&](db::Param value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  if (q.before) sql += " AND a.seq < " + arg(*q.before);
  if (q.after) sql += " AND a.seq > " + arg(*q.after);
  if (!q.actor.empty()) sql += " AND a.actor_id = " + arg(q.actor);
  if (!q.workspace.empty()) sql += " AND a.workspace_id = " + arg(q.workspace);
  if (q.action.ends_with('.')) {
    // A family: compared as bytes, whatever the database's collation (the
    // names are lowercase ASCII; no LIKE, whose '_' is a wildcard).
    // The length written out: PostgreSQL has no substr() taking a bigint.
    sql += " AND substr(a.action, 1, " + std::to_string(q.action.size()) + ") = " + arg(q.action);
  } else if (!q.action.empty()) {
    sql += " AND a.action = " + arg(q.action);
  }
  if (!q.outcome.empty()) sql += " AND a.outcome = " + arg(q.outcome);
  if (range) {
    if (range->first) sql += " AND a.seq >= " + arg(*range->first);
    if (range->last) sql += " AND a.seq <= " + arg(*range->last);
  } else {
    if (q.from_ms) sql += " AND a.at_ms >= " + arg(*q.from_ms);
    if (q.to_ms) sql += " AND a.at_ms < " + arg(*q.to_ms);
  }
  sql += std::string(" ORDER BY a.seq") + (q.oldest_first ? "" : " DESC") + " LIMIT " +
         arg(static_cast<std::int64_t>(q.limit));
  std::vector<AuditRecord> out;
  RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
    AuditRecord a;
    a.seq = r.i64(0);
    a.at_ms = r.i64(1);
    a.entry = AuditEntry::from_row(r, 2);
    if (auto details = json::parse(r.text(9)); details && details->is_object())
      a.entry.details = std::move(details->as_object());
    if (!r.is_null(10)) {
      a.actor_name = r.text(10);
      a.actor_email = r.text(11);
    }
    if (!r.is_null(12)) a.workspace_name = r.text(12);
    a.prev_hash = r.text(13);
    a.hash = r.text(14);
    out.push_back(std::move(a));
    return true;
  }));
  return out;
}

json::object to_json(const AuditRecord& r, bool links) {
  json::object o;
  o["seq"] = r.seq;
  o["at"] = format_iso8601(r.at_ms);
  const AuditEntry& e = r.entry;
  o["actor_id"] = e.actor_id;
  o["actor_name"] = r.actor_name ? json::value(*r.actor_name) : nullptr;
  o["actor_email"] = r.actor_email ? json::value(*r.actor_email) : nullptr;
  o["action"] = e.action;
  o["outcome"] = e.outcome;
  o["workspace_id"] = e.workspace_id;
  o["workspace_name"] = r.workspace_name ? json::value(*r.workspace_name) : nullptr;
  o["object"] = e.object;
  o["remote_addr"] = e.remote_addr;
  o["request_id"] = e.request_id;
  o["details"] = e.details;
  if (links) {
    o["prev_hash"] = r.prev_hash;
    o["hash"] = r.hash;
  }
  return o;
}

}  // namespace ruche::platform
