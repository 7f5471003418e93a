// Tasks' SQL: the only file that knows the tasks_* tables. Every function
// runs inside the caller's read() or write() transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/function_ref.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "modules/tasks/tasks.hpp"

namespace ruche::tasks::store {

// One task with its assignees, labels, dependencies both ways and `blocked`.
// Inside a write, task() and task_named() lock its row until the write ends
// (Conn::for_update): the write changes it from what it read.
Result<std::optional<Task>> task(db::Conn& c, const TaskId& id);

// The tasks of `ids` that exist, as task() reads each, in one read per list.
Result<std::vector<Task>> tasks_by_id(db::Conn& c, const std::vector<std::string>& ids);

struct ListQuery {
  std::vector<Status> statuses;  // empty: every status
  std::optional<std::string> assignee;
  std::optional<std::string> label;
  int limit = kDefaultPage;
  std::int64_t offset = 0;
};
// A workspace's tasks, by status (todo, doing, done), position, creation.
Result<std::vector<Task>> tasks(db::Conn& c, const WorkspaceId& ws, const ListQuery& q);
// Tasks assigned to `user` in `workspaces`: the soonest due first (none
// last), then the latest changed; with `due`, only those due in [first,
// second) (ms).
Result<std::vector<Task>> assigned(
    db::Conn& c, const std::string& user, const std::vector<WorkspaceId>& workspaces,
    const std::vector<Status>& statuses, int limit,
    const std::optional<std::pair<std::int64_t, std::int64_t>>& due = std::nullopt);
// Tasks of `workspaces` each of whose `words` is in its title, its
// description, one of its checklist items or one of its comments
// (case-insensitive: Unicode on PostgreSQL, ASCII letters on SQLite), the
// latest changed first; never a sealed task.
Result<std::vector<Task>> search(db::Conn& c, const std::vector<WorkspaceId>& workspaces,
                                 const std::vector<std::string>& words, int limit);
// Every task of a workspace, page by page in id order, with what CalDAV
// clients sent that a task does not model (exports, CalDAV).
Result<void> each_task(db::Conn& c, const WorkspaceId& ws,
                       FunctionRef<Result<void>(std::vector<Task>&)> page);

// The position after the last task of a column, or kPositionStep when empty.
Result<double> end_of_column(db::Conn& c, const WorkspaceId& ws, Status status);
// Of `ids`, those that are tasks of `ws` (sorted).
Result<std::vector<std::string>> tasks_in(db::Conn& c, const WorkspaceId& ws,
                                          const std::vector<std::string>& ids);
// Of `ids`, how many are not done.
Result<std::int64_t> open_among(db::Conn& c, const std::vector<std::string>& ids);
// Whether `task` is among `ids` or what they wait for, directly or not.
Result<bool> waits_for(db::Conn& c, const std::vector<std::string>& ids, const TaskId& task);
// The tasks waiting for `id`.
Result<std::vector<std::string>> waiting_for(db::Conn& c, const TaskId& id);

// The task's own row (not its lists). insert() gives an empty dav_name and
// ical_uid their defaults ("<id>.ics", "<id>@ruche"); update() leaves them
// and the iCalendar extras as they are (set_ical() writes those four).
Result<void> insert(db::Conn& c, const Task& t);
Result<void> update(db::Conn& c, const Task& t);
Result<void> set_ical(db::Conn& c, const Task& t);

// CalDAV: the workspace's task with this resource name, the id of its task
// with this UID, and every task's UID by id (of `ids` alone when given).
Result<std::optional<Task>> task_named(db::Conn& c, const WorkspaceId& ws, const std::string& name);
Result<std::optional<TaskId>> task_with_uid(db::Conn& c, const WorkspaceId& ws,
                                            const std::string& uid);
Result<std::map<std::string, std::string, std::less<>>> uids(
    db::Conn& c, const WorkspaceId& ws, const std::vector<std::string>* ids = nullptr);
// CalDAV: the workspace's tasks with these resource names, as each_task()
// reads them; and each task's resource name, version and date alone (what
// a collection's CTag and a listing of ETags are made of), in id order.
Result<std::vector<Task>> tasks_named(db::Conn& c, const WorkspaceId& ws,
                                      const std::vector<std::string>& names);
Result<void> each_dav_tag(db::Conn& c, const WorkspaceId& ws,
                          FunctionRef<Result<void>(std::string_view name, std::int64_t version,
                                                   std::int64_t updated_at_ms)>
                              fn);
// The workspace's members by user id, with their addresses and names (an
// assignee's ATTENDEE); the member with this address (lower case), if any.
struct Person {
  std::string email, name;
};
using People = std::map<std::string, Person, std::less<>>;
Result<People> people(db::Conn& c, const WorkspaceId& ws);
Result<std::optional<std::string>> member_with_email(db::Conn& c, const WorkspaceId& ws,
                                                     const std::string& email);
// Armoured workspaces: a task of `ws` has this token.
Result<bool> token_taken(db::Conn& c, const WorkspaceId& ws, const std::string& token);
// Replaces a list.
Result<void> set_assignees(db::Conn& c, const Task& t);
Result<void> set_labels(db::Conn& c, const Task& t);
Result<void> set_blockers(db::Conn& c, const Task& t);
// Raises the version of tasks whose shown state changed through another's.
Result<void> bump(db::Conn& c, const std::vector<std::string>& ids);
Result<void> remove(db::Conn& c, const TaskId& id);

// A task's checklist items (the task's own version is raised by update()).
Result<void> insert_item(db::Conn& c, const TaskId& task, const ChecklistItem& i);
Result<void> update_item(db::Conn& c, const ChecklistItem& i);
Result<void> remove_item(db::Conn& c, const ChecklistItemId& id);

// Comments: one; a task's, oldest first, after `after` (none: from the
// first); every one of a workspace's, page by page,
// oldest first (exports).
Result<std::optional<Comment>> comment(db::Conn& c, const CommentId& id);
Result<std::vector<Comment>> comments(db::Conn& c, const TaskId& task, const Comment* after,
                                      int limit);
// When the task's latest comment was made (none without comments).
Result<std::optional<std::int64_t>> last_comment_at(db::Conn& c, const TaskId& task);
Result<void> each_comment(db::Conn& c, const WorkspaceId& ws,
                          FunctionRef<Result<void>(std::vector<Comment>&)> page);
Result<void> insert_comment(db::Conn& c, const Comment& m);
Result<void> update_comment(db::Conn& c, const Comment& m);
Result<void> remove_comment(db::Conn& c, const CommentId& id);

// --- due alerts (docs/tasks.md, "Due today") ---
// When `user_id` hears that `task_id` is due.
struct DueAlertRow {
  std::string task_id, user_id;
  std::int64_t at_ms = 0;
};
// The task's alerts replaced by `rows`.
Result<void> set_due_alerts(db::Conn& c, const TaskId& task, const std::vector<DueAlertRow>& rows);
// Those due at `now_ms`, soonest first (then by task and person: nodes
// taking the same ones lock them in one order); at most `limit`.
Result<std::vector<DueAlertRow>> due_alerts(db::Conn& c, std::int64_t now_ms, int limit);
// Removes `row` when it is still as read: false when another node took it
// or a change of the task moved it meanwhile.
Result<bool> claim_due_alert(db::Conn& c, const DueAlertRow& row);
// `user_id`'s alerts by task after `after_task` ("" from the first), at
// most `limit`; one of them moved to `at_ms`, or removed (none).
Result<std::vector<DueAlertRow>> due_alerts_of(db::Conn& c, const std::string& user_id,
                                               const std::string& after_task, int limit);
Result<void> move_due_alert(db::Conn& c, const DueAlertRow& row, std::optional<std::int64_t> at_ms);

// Takes `user` off the tasks of `ws`; returns those tasks' ids.
// The tasks `user` is assigned to outside armoured workspaces (their
// VTODOs name them), by workspace, each list in id order.
Result<std::map<std::string, std::vector<std::string>>> assigned_to(db::Conn& c,
                                                                    const std::string& user);
Result<std::vector<std::string>> unassign(db::Conn& c, const WorkspaceId& ws,
                                          const std::string& user);

// Figures for reports (docs/reports.md): tasks created and completed in
// the period, open now; by status; open tasks overdue, due within a week,
// assigned to nobody; and by assignee (open, overdue, completed in the
// period), at most period.max_people, the most open tasks first.
Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws,
                             const platform::ReportPeriod& period);

}  // namespace ruche::tasks::store
