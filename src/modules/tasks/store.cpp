#include "modules/tasks/store.hpp"

#include <algorithm>
#include <map>

#include "base/clock.hpp"

namespace ruche::tasks::store {

namespace {

constexpr const char* kColumns =
    "t.id, t.workspace_id, t.title, t.description, t.status, t.position, t.due, t.due_ms, "
    "t.created_by, "
    "t.created_at_ms, t.updated_at_ms, t.completed_at_ms, t.version, t.dav_name, t.ical_uid, "
    "t.token, t.sealed, t.sealed_by";
// Beside kColumns, for the readers that write tasks out as VTODOs.
constexpr const char* kIcalExtraColumns = ", t.ical_todo_extra, t.ical_calendar_extra";

// A board's order: the columns left to right, then down each (the order of
// the index tasks_items_board: a page is read from it, nothing sorted).
constexpr const char* kBoardOrder = " ORDER BY t.board_rank, t.position, t.created_at_ms, t.id";

// A status's board_rank (migration 0031): its column, left to right.
int rank_of(Status s) { return static_cast<int>(s); }

// " AND t.board_rank IN (...)" for `statuses` (their values added to
// `params`); nothing when empty (every status).
std::string among_statuses(const std::vector<Status>& statuses, std::vector<db::Param>& params) {
  if (statuses.empty()) return {};
  const std::size_t first = params.size() + 1;
  for (Status s : statuses) params.emplace_back(rank_of(s));
  return " AND t.board_rank IN (" + db::placeholders(first, statuses.size()) + ")";
}

Task task_from(const db::Row& r) {
  Task t;
  t.id = TaskId(r.text(0));
  t.workspace_id = WorkspaceId(r.text(1));
  t.title = r.text(2);
  t.description = r.text(3);
  t.status = status_of(r.text(4)).value_or(Status::todo);
  t.position = r.f64(5);
  t.due = r.opt_text(6);
  t.due_ms = r.opt_i64(7);
  t.created_by = r.text(8);
  t.created_at_ms = r.i64(9);
  t.updated_at_ms = r.i64(10);
  t.completed_at_ms = r.opt_i64(11);
  t.version = r.i64(12);
  t.dav_name = r.text(13);
  t.ical_uid = r.text(14);
  t.token = r.text(15);
  t.sealed = r.text(16);
  t.sealed_by = r.text(17);
  if (r.size() > 19) {
    t.ical_todo_extra = r.text(18);
    t.ical_calendar_extra = r.text(19);
  }
  return t;
}

constexpr const char* kItemColumns =
    "id, text, done, position, done_by, done_at_ms, created_at_ms, text_by";

ChecklistItem item_from(const db::Row& r, std::size_t at) {
  ChecklistItem i;
  i.id = ChecklistItemId(r.text(at));
  i.text = r.text(at + 1);
  i.done = r.boolean(at + 2);
  i.position = r.f64(at + 3);
  i.done_by = r.opt_text(at + 4);
  i.done_at_ms = r.opt_i64(at + 5);
  i.created_at_ms = r.i64(at + 6);
  i.text_by = r.text(at + 7);
  return i;
}

constexpr const char* kCommentColumns = "id, task_id, author_id, body, created_at_ms, edited_at_ms";

Comment comment_from(const db::Row& r) {
  Comment m;
  m.id = CommentId(r.text(0));
  m.task_id = TaskId(r.text(1));
  m.author_id = r.text(2);
  m.body = r.text(3);
  m.created_at_ms = r.i64(4);
  m.edited_at_ms = r.opt_i64(5);
  return m;
}

Result<std::vector<Comment>> query_comments(db::Conn& c, const std::string& sql,
                                            const std::vector<db::Param>& params) {
  std::vector<Comment> out;
  RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
    out.push_back(comment_from(r));
    return true;
  }));
  return out;
}

std::vector<db::Param> params_of(const std::vector<std::string>& ids) {
  return {ids.begin(), ids.end()};
}

// A list of ids no one bounds (the tasks waiting for one, a person's), in
// parts: a statement takes 65,535 parameters at most (PostgreSQL's protocol).
constexpr std::size_t kIdsAtOnce = 1000;
template <class F>
Result<void> in_parts(const std::vector<std::string>& ids, F&& each_part) {
  for (std::size_t at = 0; at < ids.size(); at += kIdsAtOnce) {
    const auto end =
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), at + kIdsAtOnce));
    RUCHE_CHECK(
        each_part(std::vector<std::string>(ids.begin() + static_cast<std::ptrdiff_t>(at), end)));
  }
  return {};
}

// Fills the tasks' lists and `blocked`, a query per list for the whole page.
Result<void> fill(db::Conn& c, std::vector<Task>& page) {
  if (page.empty()) return {};
  std::map<std::string, Task*, std::less<>> by_id;
  std::vector<db::Param> ids;
  ids.reserve(page.size());
  for (auto& t : page) {
    by_id[t.id.str()] = &t;
    ids.emplace_back(t.id.str());
  }
  const std::string in = "(" + db::placeholders(1, ids.size()) + ")";
  RUCHE_CHECK(c.each("SELECT task_id, user_id FROM tasks_assignees WHERE task_id IN " + in +
                         " ORDER BY task_id, user_id",
                     ids, [&](const db::Row& r) {
                       by_id.find(r.text(0))->second->assignee_ids.push_back(r.text(1));
                       return true;
                     }));
  RUCHE_CHECK(c.each(
      "SELECT task_id, label FROM tasks_labels WHERE task_id IN " + in + " ORDER BY task_id, label",
      ids, [&](const db::Row& r) {
        by_id.find(r.text(0))->second->labels.push_back(r.text(1));
        return true;
      }));
  RUCHE_CHECK(c.each(
      "SELECT b.task_id, b.blocker_id, o.status FROM tasks_blockers b JOIN tasks_items o ON o.id = "
      "b.blocker_id WHERE b.task_id IN " +
          in + " ORDER BY b.task_id, b.blocker_id",
      ids, [&](const db::Row& r) {
        Task& t = *by_id.find(r.text(0))->second;
        t.blocked_by.push_back(r.text(1));
        if (r.text(2) != "done") t.blocked = true;
        return true;
      }));
  RUCHE_CHECK(c.each("SELECT blocker_id, task_id FROM tasks_blockers WHERE blocker_id IN " + in +
                         " ORDER BY blocker_id, task_id",
                     ids, [&](const db::Row& r) {
                       by_id.find(r.text(0))->second->blocks.push_back(r.text(1));
                       return true;
                     }));
  RUCHE_CHECK(c.each(std::string("SELECT task_id, ") + kItemColumns +
                         " FROM tasks_checklist WHERE task_id IN " + in +
                         " ORDER BY task_id, position, created_at_ms, id",
                     ids, [&](const db::Row& r) {
                       by_id.find(r.text(0))->second->checklist.push_back(item_from(r, 1));
                       return true;
                     }));
  RUCHE_CHECK(c.each(
      "SELECT task_id, COUNT(*) FROM tasks_comments WHERE task_id IN " + in + " GROUP BY task_id",
      ids, [&](const db::Row& r) {
        by_id.find(r.text(0))->second->comment_count = r.i64(1);
        return true;
      }));
  return {};
}

Result<std::vector<Task>> query_tasks(db::Conn& c, const std::string& sql,
                                      const std::vector<db::Param>& params) {
  std::vector<Task> out;
  RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
    out.push_back(task_from(r));
    return true;
  }));
  RUCHE_CHECK(fill(c, out));
  return out;
}

// Deletes a task's list and inserts `values` (one column besides task_id).
Result<void> replace_list(db::Conn& c, std::string_view table, std::string_view column,
                          const TaskId& id, const std::vector<std::string>& values,
                          const std::string* workspace = nullptr) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("DELETE FROM " + std::string(table) + " WHERE task_id = $1", {id}));
  std::string sql = "INSERT INTO " + std::string(table) + " (task_id, " + std::string(column) +
                    (workspace ? ", workspace_id) VALUES ($1, $2, $3)" : ") VALUES ($1, $2)");
  for (const auto& v : values) {
    if (workspace) {
      RUCHE_TRY([[maybe_unused]] auto m, c.exec(sql, {id, v, *workspace}));
    } else {
      RUCHE_TRY([[maybe_unused]] auto m, c.exec(sql, {id, v}));
    }
  }
  return {};
}

}  // namespace

Result<std::optional<Task>> task(db::Conn& c, const TaskId& id) {
  RUCHE_TRY(auto page,
            query_tasks(c,
                        std::string("SELECT ") + kColumns + " FROM tasks_items t WHERE t.id = $1" +
                            std::string(c.for_update()),
                        {db::Param(id)}));
  if (page.empty()) return std::optional<Task>{};
  return std::optional<Task>(std::move(page.front()));
}

Result<std::vector<Task>> tasks_by_id(db::Conn& c, const std::vector<std::string>& ids) {
  std::vector<Task> out;
  RUCHE_CHECK(in_parts(ids, [&](const std::vector<std::string>& part) -> Result<void> {
    RUCHE_TRY(auto found, query_tasks(c,
                                      std::string("SELECT ") + kColumns +
                                          " FROM tasks_items t WHERE t.id IN (" +
                                          db::placeholders(1, part.size()) + ")",
                                      params_of(part)));
    for (auto& t : found) out.push_back(std::move(t));
    return {};
  }));
  return out;
}

Result<std::vector<Task>> tasks(db::Conn& c, const WorkspaceId& ws, const ListQuery& q) {
  std::string sql =
      std::string("SELECT ") + kColumns + " FROM tasks_items t WHERE t.workspace_id = $1";
  std::vector<db::Param> params{ws};
  sql += among_statuses(q.statuses, params);
  if (q.assignee) {
    params.emplace_back(*q.assignee);
    sql += " AND EXISTS (SELECT 1 FROM tasks_assignees a WHERE a.task_id = t.id AND a.user_id = $" +
           std::to_string(params.size()) + ")";
  }
  if (q.label) {
    params.emplace_back(*q.label);
    sql += " AND EXISTS (SELECT 1 FROM tasks_labels l WHERE l.task_id = t.id AND l.label = $" +
           std::to_string(params.size()) + ")";
  }
  sql += kBoardOrder;
  params.emplace_back(static_cast<std::int64_t>(q.limit));
  sql += " LIMIT $" + std::to_string(params.size());
  params.emplace_back(q.offset);
  sql += " OFFSET $" + std::to_string(params.size());
  return query_tasks(c, sql, params);
}

Result<std::vector<Task>> assigned(
    db::Conn& c, const std::string& user, const std::vector<WorkspaceId>& workspaces,
    const std::vector<Status>& statuses, int limit,
    const std::optional<std::pair<std::int64_t, std::int64_t>>& due) {
  if (workspaces.empty()) return std::vector<Task>{};
  std::vector<db::Param> params{user};
  for (const auto& w : workspaces) params.emplace_back(w);
  std::string sql =
      std::string("SELECT ") + kColumns +
      " FROM tasks_assignees a JOIN tasks_items t ON t.id = a.task_id WHERE a.user_id = $1 AND "
      "a.workspace_id IN (" +
      db::placeholders(2, workspaces.size()) + ")";
  sql += among_statuses(statuses, params);
  if (due) {
    params.emplace_back(due->first);
    sql += " AND t.due_ms >= $" + std::to_string(params.size());
    params.emplace_back(due->second);
    sql += " AND t.due_ms < $" + std::to_string(params.size());
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql +=
      " ORDER BY CASE WHEN t.due_ms IS NULL THEN 1 ELSE 0 END, t.due_ms, t.updated_at_ms DESC, "
      "t.id LIMIT $" +
      std::to_string(params.size());
  return query_tasks(c, sql, params);
}

Result<std::vector<Task>> search(db::Conn& c, const std::vector<WorkspaceId>& workspaces,
                                 const std::vector<std::string>& words, int limit) {
  if (workspaces.empty() || words.empty()) return std::vector<Task>{};
  const char* like = c.backend() == db::Backend::sqlite ? " LIKE $" : " ILIKE $";
  std::vector<db::Param> params(workspaces.begin(), workspaces.end());
  std::string sql = std::string("SELECT ") + kColumns +
                    " FROM tasks_items t WHERE t.workspace_id IN (" +
                    db::placeholders(1, workspaces.size()) +
                    // Sealed tasks (armoured workspaces): nothing the server may search.
                    ") AND t.token = ''";
  std::vector<std::string> patterns;  // the parameters view them
  patterns.reserve(words.size());
  for (const auto& w : words) {
    params.emplace_back(patterns.emplace_back("%" + db::like_escape(w) + "%"));
    const std::string match = std::string(like) + std::to_string(params.size()) + " ESCAPE '\\'";
    // Each word in the title, the description, a checklist item or a comment.
    sql += " AND (t.title" + match + " OR t.description" + match +
           " OR EXISTS (SELECT 1 FROM tasks_checklist i WHERE i.task_id = t.id AND i.text" + match +
           ") OR EXISTS (SELECT 1 FROM tasks_comments m WHERE m.task_id = t.id AND m.body" + match +
           "))";
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY t.updated_at_ms DESC, t.id LIMIT $" + std::to_string(params.size());
  return query_tasks(c, sql, params);
}

Result<void> each_task(db::Conn& c, const WorkspaceId& ws,
                       FunctionRef<Result<void>(std::vector<Task>&)> page) {
  std::string after;
  for (;;) {
    RUCHE_TRY(auto part,
              query_tasks(c,
                          std::string("SELECT ") + kColumns + kIcalExtraColumns +
                              " FROM tasks_items t WHERE t.workspace_id = $1 AND t.id > $2 "
                              "ORDER BY t.id LIMIT 1000",
                          {db::Param(ws), db::Param(after)}));
    if (part.empty()) return {};
    after = part.back().id.str();
    RUCHE_CHECK(page(part));
    if (part.size() < 1000) return {};
  }
}

Result<double> end_of_column(db::Conn& c, const WorkspaceId& ws, Status status) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT MAX(position) FROM tasks_items WHERE workspace_id = $1 AND board_rank = $2",
                  {ws, rank_of(status)}));
  if (!row || row->is_null(0)) return kPositionStep;
  return row->f64(0) + kPositionStep;
}

Result<std::vector<std::string>> tasks_in(db::Conn& c, const WorkspaceId& ws,
                                          const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  if (ids.empty()) return out;
  std::vector<db::Param> params = params_of(ids);
  params.emplace_back(ws);
  RUCHE_CHECK(c.each("SELECT id FROM tasks_items WHERE id IN (" + db::placeholders(1, ids.size()) +
                         ") AND workspace_id = $" + std::to_string(params.size()) + " ORDER BY id",
                     params, [&](const db::Row& r) {
                       out.push_back(r.text(0));
                       return true;
                     }));
  return out;
}

Result<std::int64_t> open_among(db::Conn& c, const std::vector<std::string>& ids) {
  if (ids.empty()) return 0;
  RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM tasks_items WHERE id IN (" +
                                      db::placeholders(1, ids.size()) + ") AND status <> 'done'",
                                  params_of(ids)));
  return row ? row->i64(0) : 0;
}

Result<bool> waits_for(db::Conn& c, const std::vector<std::string>& ids, const TaskId& task) {
  if (ids.empty()) return false;
  std::vector<db::Param> params = params_of(ids);
  params.emplace_back(task);
  // UNION (not UNION ALL) ends on cycles: a task reached twice is not walked again.
  RUCHE_TRY(
      auto row,
      c.query_one(
          "WITH RECURSIVE up(id) AS (SELECT id FROM tasks_items WHERE id IN (" +
              db::placeholders(1, ids.size()) +
              ") UNION SELECT b.blocker_id FROM tasks_blockers b JOIN up ON b.task_id = up.id) "
              "SELECT 1 FROM up WHERE id = $" +
              std::to_string(params.size()) + " LIMIT 1",
          params));
  return row.has_value();
}

Result<std::vector<std::string>> waiting_for(db::Conn& c, const TaskId& id) {
  std::vector<std::string> out;
  RUCHE_CHECK(c.each("SELECT task_id FROM tasks_blockers WHERE blocker_id = $1 ORDER BY task_id",
                     {id}, [&](const db::Row& r) {
                       out.push_back(r.text(0));
                       return true;
                     }));
  return out;
}

Result<void> insert(db::Conn& c, const Task& t) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO tasks_items (id, workspace_id, title, description, status, "
                   "position, due, due_ms, "
                   "created_by, created_at_ms, updated_at_ms, completed_at_ms, version, dav_name, "
                   "ical_uid, ical_todo_extra, ical_calendar_extra, token, sealed, sealed_by) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
                   "$17, $18, $19, $20)",
                   {t.id,
                    t.workspace_id,
                    t.title,
                    t.description,
                    status_name(t.status),
                    t.position,
                    t.due,
                    t.due_ms,
                    t.created_by,
                    t.created_at_ms,
                    t.updated_at_ms,
                    t.completed_at_ms,
                    t.version,
                    t.dav_name.empty() ? t.id.str() + ".ics" : t.dav_name,
                    t.ical_uid.empty() ? t.id.str() + "@ruche" : t.ical_uid,
                    t.ical_todo_extra,
                    t.ical_calendar_extra,
                    t.token,
                    t.sealed,
                    t.sealed_by}));
  return {};
}

Result<void> set_ical(db::Conn& c, const Task& t) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE tasks_items SET dav_name = $2, ical_uid = $3, ical_todo_extra = $4, "
                   "ical_calendar_extra = $5 WHERE id = $1",
                   {t.id, t.dav_name, t.ical_uid, t.ical_todo_extra, t.ical_calendar_extra}));
  return {};
}

Result<std::optional<Task>> task_named(db::Conn& c, const WorkspaceId& ws,
                                       const std::string& name) {
  RUCHE_TRY(auto page, query_tasks(c,
                                   std::string("SELECT ") + kColumns +
                                       " FROM tasks_items t WHERE t.workspace_id = $1 AND "
                                       "t.dav_name = $2" +
                                       std::string(c.for_update()),
                                   {db::Param(ws), db::Param(name)}));
  if (page.empty()) return std::optional<Task>{};
  return std::optional<Task>(std::move(page.front()));
}

Result<std::optional<TaskId>> task_with_uid(db::Conn& c, const WorkspaceId& ws,
                                            const std::string& uid) {
  RUCHE_TRY(auto row, c.query_one("SELECT id FROM tasks_items WHERE workspace_id = $1 AND "
                                  "ical_uid = $2",
                                  {ws, uid}));
  if (!row) return std::optional<TaskId>{};
  return std::optional<TaskId>(TaskId(row->text(0)));
}

Result<bool> token_taken(db::Conn& c, const WorkspaceId& ws, const std::string& token) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT 1 FROM tasks_items WHERE workspace_id = $1 AND token = $2", {ws, token}));
  return row.has_value();
}

Result<std::map<std::string, std::string, std::less<>>> uids(db::Conn& c, const WorkspaceId& ws,
                                                             const std::vector<std::string>* ids) {
  std::map<std::string, std::string, std::less<>> out;
  auto add = [&](const db::Row& r) {
    out.emplace(r.text(0), r.text(1));
    return true;
  };
  if (!ids) {
    RUCHE_CHECK(c.each("SELECT id, ical_uid FROM tasks_items WHERE workspace_id = $1", {ws}, add));
    return out;
  }
  RUCHE_CHECK(in_parts(*ids, [&](const std::vector<std::string>& part) -> Result<void> {
    std::vector<db::Param> params{db::Param(ws)};
    for (const auto& id : part) params.emplace_back(id);
    return c.each("SELECT id, ical_uid FROM tasks_items WHERE workspace_id = $1 AND id IN (" +
                      db::placeholders(2, part.size()) + ")",
                  params, add);
  }));
  return out;
}

Result<std::vector<Task>> tasks_named(db::Conn& c, const WorkspaceId& ws,
                                      const std::vector<std::string>& names) {
  std::vector<Task> out;
  RUCHE_CHECK(in_parts(names, [&](const std::vector<std::string>& part) -> Result<void> {
    std::vector<db::Param> params{db::Param(ws)};
    for (const auto& name : part) params.emplace_back(name);
    RUCHE_TRY(auto found,
              query_tasks(c,
                          std::string("SELECT ") + kColumns + kIcalExtraColumns +
                              " FROM tasks_items t WHERE t.workspace_id = $1 AND t.dav_name IN (" +
                              db::placeholders(2, part.size()) + ")",
                          params));
    for (auto& t : found) out.push_back(std::move(t));
    return {};
  }));
  return out;
}

Result<void> each_dav_tag(db::Conn& c, const WorkspaceId& ws,
                          FunctionRef<Result<void>(std::string_view name, std::int64_t version,
                                                   std::int64_t updated_at_ms)>
                              fn) {
  Result<void> out;
  RUCHE_CHECK(
      c.each("SELECT dav_name, version, updated_at_ms FROM tasks_items WHERE workspace_id = $1 "
             "ORDER BY id",
             {ws}, [&](const db::Row& r) {
               out = fn(r.text(0), r.i64(1), r.i64(2));
               return out.has_value();
             }));
  return out;
}

Result<People> people(db::Conn& c, const WorkspaceId& ws) {
  People out;
  RUCHE_CHECK(
      c.each("SELECT u.id, u.email, u.name FROM memberships m JOIN users u ON u.id = "
             "m.user_id WHERE m.workspace_id = $1",
             {ws}, [&](const db::Row& r) {
               out.emplace(r.text(0), Person{r.text(1), r.text(2)});
               return true;
             }));
  return out;
}

Result<std::optional<std::string>> member_with_email(db::Conn& c, const WorkspaceId& ws,
                                                     const std::string& email) {
  RUCHE_TRY(auto row, c.query_one("SELECT u.id FROM memberships m JOIN users u ON u.id = "
                                  "m.user_id WHERE m.workspace_id = $1 AND u.email = $2",
                                  {ws, email}));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(row->text(0));
}

Result<void> update(db::Conn& c, const Task& t) {
  RUCHE_TRY(
      [[maybe_unused]] auto n,
      c.exec("UPDATE tasks_items SET title = $2, description = $3, status = $4, position = $5, due "
             "= $6, "
             "due_ms = $7, updated_at_ms = $8, completed_at_ms = $9, version = $10, sealed = $11, "
             "sealed_by = $12 WHERE id = $1",
             {t.id, t.title, t.description, status_name(t.status), t.position, t.due, t.due_ms,
              t.updated_at_ms, t.completed_at_ms, t.version, t.sealed, t.sealed_by}));
  return {};
}

Result<void> set_assignees(db::Conn& c, const Task& t) {
  return replace_list(c, "tasks_assignees", "user_id", t.id, t.assignee_ids, &t.workspace_id.str());
}

Result<void> set_labels(db::Conn& c, const Task& t) {
  return replace_list(c, "tasks_labels", "label", t.id, t.labels);
}

Result<void> set_blockers(db::Conn& c, const Task& t) {
  return replace_list(c, "tasks_blockers", "blocker_id", t.id, t.blocked_by);
}

Result<void> bump(db::Conn& c, const std::vector<std::string>& ids) {
  return in_parts(ids, [&](const std::vector<std::string>& part) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("UPDATE tasks_items SET version = version + 1 WHERE id IN (" +
                         db::placeholders(1, part.size()) + ")",
                     params_of(part)));
    return {};
  });
}

Result<void> remove(db::Conn& c, const TaskId& id) {
  RUCHE_TRY([[maybe_unused]] auto n, c.exec("DELETE FROM tasks_items WHERE id = $1", {id}));
  return {};
}

Result<void> insert_item(db::Conn& c, const TaskId& task, const ChecklistItem& i) {
  RUCHE_TRY(
      [[maybe_unused]] auto n,
      c.exec("INSERT INTO tasks_checklist (id, task_id, position, text, done, done_by, "
             "done_at_ms, created_at_ms, text_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
             {i.id, task, i.position, i.text, i.done, i.done_by, i.done_at_ms, i.created_at_ms,
              i.text_by}));
  return {};
}

Result<void> update_item(db::Conn& c, const ChecklistItem& i) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE tasks_checklist SET position = $2, text = $3, done = $4, done_by = $5, "
                   "done_at_ms = $6, text_by = $7 WHERE id = $1",
                   {i.id, i.position, i.text, i.done, i.done_by, i.done_at_ms, i.text_by}));
  return {};
}

Result<void> remove_item(db::Conn& c, const ChecklistItemId& id) {
  RUCHE_TRY([[maybe_unused]] auto n, c.exec("DELETE FROM tasks_checklist WHERE id = $1", {id}));
  return {};
}

Result<std::optional<Comment>> comment(db::Conn& c, const CommentId& id) {
  RUCHE_TRY(auto found,
            query_comments(
                c, std::string("SELECT ") + kCommentColumns + " FROM tasks_comments WHERE id = $1",
                {db::Param(id)}));
  if (found.empty()) return std::optional<Comment>{};
  return std::optional<Comment>(std::move(found.front()));
}

Result<std::vector<Comment>> comments(db::Conn& c, const TaskId& task, const Comment* after,
                                      int limit) {
  std::string sql =
      std::string("SELECT ") + kCommentColumns + " FROM tasks_comments WHERE task_id = $1";
  std::vector<db::Param> params;
  params.reserve(4);
  params.emplace_back(task);
  if (after) {
    params.emplace_back(after->created_at_ms);
    params.emplace_back(after->id);
    sql += " AND (created_at_ms > $2 OR (created_at_ms = $2 AND id > $3))";
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY created_at_ms, id LIMIT $" + std::to_string(params.size());
  return query_comments(c, sql, params);
}

Result<std::optional<std::int64_t>> last_comment_at(db::Conn& c, const TaskId& task) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT MAX(created_at_ms) FROM tasks_comments WHERE task_id = $1", {task}));
  return row ? row->opt_i64(0) : std::nullopt;
}

Result<void> each_comment(db::Conn& c, const WorkspaceId& ws,
                          FunctionRef<Result<void>(std::vector<Comment>&)> page) {
  std::int64_t after_ms = -1;
  std::string after_id;
  for (;;) {
    RUCHE_TRY(auto part,
              query_comments(
                  c,
                  "SELECT m.id, m.task_id, m.author_id, m.body, m.created_at_ms, m.edited_at_ms "
                  "FROM tasks_comments m JOIN tasks_items t ON t.id = m.task_id WHERE "
                  "t.workspace_id = $1 AND (m.created_at_ms > $2 OR (m.created_at_ms = $2 AND "
                  "m.id > $3)) ORDER BY m.created_at_ms, m.id LIMIT 1000",
                  {db::Param(ws), db::Param(after_ms), db::Param(after_id)}));
    if (part.empty()) return {};
    after_ms = part.back().created_at_ms;
    after_id = part.back().id.str();
    RUCHE_CHECK(page(part));
    if (part.size() < 1000) return {};
  }
}

Result<void> insert_comment(db::Conn& c, const Comment& m) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO tasks_comments (id, task_id, author_id, body, created_at_ms, "
                   "edited_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
                   {m.id, m.task_id, m.author_id, m.body, m.created_at_ms, m.edited_at_ms}));
  return {};
}

Result<void> update_comment(db::Conn& c, const Comment& m) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE tasks_comments SET body = $2, edited_at_ms = $3 WHERE id = $1",
                   {m.id, m.body, m.edited_at_ms}));
  return {};
}

Result<void> remove_comment(db::Conn& c, const CommentId& id) {
  RUCHE_TRY([[maybe_unused]] auto n, c.exec("DELETE FROM tasks_comments WHERE id = $1", {id}));
  return {};
}

Result<void> set_due_alerts(db::Conn& c, const TaskId& task, const std::vector<DueAlertRow>& rows) {
  RUCHE_TRY([[maybe_unused]] auto gone,
            c.exec("DELETE FROM tasks_due_alerts WHERE task_id = $1", {task}));
  for (const auto& r : rows) {
    RUCHE_TRY(
        [[maybe_unused]] auto n,
        c.exec("INSERT INTO tasks_due_alerts (task_id, user_id, alert_ms) VALUES ($1, $2, $3)",
               {r.task_id, r.user_id, r.at_ms}));
  }
  return {};
}

namespace {

std::vector<DueAlertRow> due_alert_rows(const std::vector<db::Row>& rows) {
  std::vector<DueAlertRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({r.text(0), r.text(1), r.i64(2)});
  return out;
}

}  // namespace

Result<std::vector<DueAlertRow>> due_alerts(db::Conn& c, std::int64_t now_ms, int limit) {
  RUCHE_TRY(auto rows, c.query("SELECT task_id, user_id, alert_ms FROM tasks_due_alerts WHERE "
                               "alert_ms <= $1 ORDER BY alert_ms, task_id, user_id LIMIT $2",
                               {now_ms, std::int64_t{limit}}));
  return due_alert_rows(rows);
}

Result<bool> claim_due_alert(db::Conn& c, const DueAlertRow& row) {
  RUCHE_TRY(std::int64_t n, c.exec("DELETE FROM tasks_due_alerts WHERE task_id = $1 AND user_id "
                                   "= $2 AND alert_ms = $3",
                                   {row.task_id, row.user_id, row.at_ms}));
  return n == 1;
}

Result<std::vector<DueAlertRow>> due_alerts_of(db::Conn& c, const std::string& user_id,
                                               const std::string& after_task, int limit) {
  RUCHE_TRY(auto rows, c.query("SELECT task_id, user_id, alert_ms FROM tasks_due_alerts WHERE "
                               "user_id = $1 AND task_id > $2 ORDER BY task_id LIMIT $3",
                               {user_id, after_task, std::int64_t{limit}}));
  return due_alert_rows(rows);
}

Result<void> move_due_alert(db::Conn& c, const DueAlertRow& row,
                            std::optional<std::int64_t> at_ms) {
  RUCHE_TRY([[maybe_unused]] auto n,
            at_ms ? c.exec("UPDATE tasks_due_alerts SET alert_ms = $3 WHERE task_id = $1 AND "
                           "user_id = $2",
                           {row.task_id, row.user_id, *at_ms})
                  : c.exec("DELETE FROM tasks_due_alerts WHERE task_id = $1 AND user_id = $2",
                           {row.task_id, row.user_id}));
  return {};
}

Result<std::map<std::string, std::vector<std::string>>> assigned_to(db::Conn& c,
                                                                    const std::string& user) {
  std::map<std::string, std::vector<std::string>> out;
  RUCHE_CHECK(
      c.each("SELECT a.workspace_id, a.task_id FROM tasks_assignees a JOIN tasks_items t ON t.id = "
             "a.task_id WHERE a.user_id = $1 AND t.token = '' ORDER BY a.workspace_id, a.task_id",
             {user}, [&](const db::Row& r) {
               out[r.text(0)].push_back(r.text(1));
               return true;
             }));
  return out;
}

Result<std::vector<std::string>> unassign(db::Conn& c, const WorkspaceId& ws,
                                          const std::string& user) {
  std::vector<std::string> out;
  RUCHE_CHECK(
      c.each("SELECT task_id FROM tasks_assignees WHERE user_id = $1 AND workspace_id = $2 ORDER "
             "BY task_id",
             {user, ws}, [&](const db::Row& r) {
               out.push_back(r.text(0));
               return true;
             }));
  if (!out.empty()) {
    RUCHE_TRY(
        [[maybe_unused]] auto n,
        c.exec("DELETE FROM tasks_assignees WHERE user_id = $1 AND workspace_id = $2", {user, ws}));
  }
  return out;
}

Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws,
                             const platform::ReportPeriod& period) {
  // A due date is a day of the reader's calendar ("2026-12-10", as the
  // board shows it: late from the next day) or an instant; `due` keeps it
  // as given, so a day is the 10-character form.
  constexpr std::int64_t kWeekMs = 7 * 24 * 3600 * 1000LL;
  std::int64_t today_ms = 0;
  if (!parse_iso8601(period.today, today_ms))
    return fail(Errc::internal, "report without the reader's date");
  const std::string week_end = format_iso8601(today_ms + kWeekMs).substr(0, 10);
  const std::string late =
      "((LENGTH(t.due) = 10 AND t.due < $4) OR (LENGTH(t.due) > 10 AND t.due_ms < $3))";
  const std::string soon =
      "((LENGTH(t.due) = 10 AND t.due >= $4 AND t.due < $5) OR "
      "(LENGTH(t.due) > 10 AND t.due_ms >= $3 AND t.due_ms < $6))";
  const std::string open = "t.status <> 'done'";
  auto count = [](const std::string& cond) {
    return "COALESCE(SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END), 0)";
  };
  RUCHE_TRY(
      auto row,
      c.query_one(
          "SELECT " + count("t.created_at_ms >= $2") + ", " + count("t.completed_at_ms >= $2") +
              ", " + count("t.status = 'todo'") + ", " + count("t.status = 'doing'") + ", " +
              count("t.status = 'done'") + ", " + count(open + " AND " + late) + ", " +
              count(open + " AND " + soon) + ", " +
              count(open + " AND NOT EXISTS (SELECT 1 FROM tasks_assignees a "
                           "WHERE a.task_id = t.id)") +
              " FROM tasks_items t WHERE t.workspace_id = $1",
          {ws, period.since_ms, period.now_ms, period.today, week_end, period.now_ms + kWeekMs}));
  auto n = [&](int i) -> std::int64_t { return row ? row->i64(i) : 0; };
  json::object o;
  o["tasks_created"] = n(0);
  o["tasks_completed"] = n(1);
  o["tasks_open"] = n(2) + n(3);
  o["by_status"] = json::object{{"todo", n(2)}, {"doing", n(3)}, {"done", n(4)}};
  o["overdue"] = n(5);
  o["due_this_week"] = n(6);
  o["unassigned"] = n(7);

  struct Load {
    std::string user_id;
    std::int64_t open = 0, overdue = 0, completed = 0;
  };
  std::vector<Load> loads;
  RUCHE_CHECK(c.each("SELECT a.user_id, " + count(open) + ", " + count(open + " AND " + late) +
                         ", " + count("t.status = 'done' AND t.completed_at_ms >= $2") +
                         // From the workspace's tasks (its index), each one's
                         // assignees by the task (their key): not a scan of
                         // every workspace's assignees.
                         " FROM tasks_items t JOIN tasks_assignees a ON a.task_id = t.id "
                         "WHERE t.workspace_id = $1 GROUP BY a.user_id",
                     {ws, period.since_ms, period.now_ms, period.today}, [&](const db::Row& r) {
                       Load l{r.text(0), r.i64(1), r.i64(2), r.i64(3)};
                       if (l.open > 0 || l.completed > 0) loads.push_back(std::move(l));
                       return true;
                     }));
  // The busiest first; ties in a stable order.
  std::sort(loads.begin(), loads.end(), [](const Load& x, const Load& y) {
    if (x.open != y.open) return x.open > y.open;
    if (x.overdue != y.overdue) return x.overdue > y.overdue;
    if (x.completed != y.completed) return x.completed > y.completed;
    return x.user_id < y.user_id;
  });
  o["assignees_total"] = static_cast<std::int64_t>(loads.size());
  if (loads.size() > period.max_people) loads.resize(period.max_people);
  json::array assignees;
  for (const Load& l : loads)
    assignees.push_back(json::object{{"user_id", l.user_id},
                                     {"open", l.open},
                                     {"overdue", l.overdue},
                                     {"completed", l.completed}});
  o["assignees"] = std::move(assignees);
  return o;
}

}  // namespace ruche::tasks::store
