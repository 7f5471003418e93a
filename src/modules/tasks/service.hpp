// Tasks' rules: who may see and do what, validation, dependencies, events.
// No HTTP (routes.cpp), no SQL (store.hpp). Thread-safe; every call blocks
// (database): worker threads only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "modules/tasks/store.hpp"
#include "modules/tasks/tasks.hpp"
#include "platform/export.hpp"
#include "platform/import.hpp"
#include "platform/platform.hpp"

namespace ruche::tasks {

// A task's fields as a request gives them: what is absent stays as it is
// (a new task's defaults); `clear_due` is `"due": null`.
struct TaskInput {
  std::optional<std::string> title, description, status, due;
  bool clear_due = false;
  std::optional<double> position;
  std::optional<std::vector<std::string>> assignee_ids, labels, blocked_by;
  // A new task's checklist (`[{text, done?}]`); changed item by item after.
  struct Item {
    std::string text;
    bool done = false;
  };
  std::optional<std::vector<Item>> checklist;
  // Armoured workspaces (docs/armoured.md, "Tasks"): a new task's token, and
  // its card, sealed (title, description and labels are then left out).
  std::optional<std::string> token, sealed;
};

// A checklist item's fields as a request gives them (absent: unchanged).
struct ItemInput {
  std::optional<std::string> text;
  std::optional<bool> done;
  std::optional<double> position;
};
Result<ItemInput> parse_item_input(const json::object& o);

// A comment's body, checked: 1 to kMaxCommentBytes, not blank; in an
// `armoured` workspace, a sealed text's form. Errors: invalid
// "invalid_body", "invalid_sealed_text".
Result<std::string> check_comment_body(std::string_view body, bool armoured = false);

// A task's fields from a request's or an export's JSON object: their types
// (invalid "invalid_field"); their contents are checked when applied.
Result<TaskInput> parse_input(const json::object& o);

// Checks the fields of `in` that need no database (title, description,
// status, due, position, labels, a new task's checklist: new items, in
// order, without done_by and done_at) and sets them on `t`; a new task needs
// a title. In an `armoured` workspace, the task's title, description and
// labels are in its card instead, and the texts are sealed: their form is
// checked here, their signatures are not (errors: invalid
// "sealed_required", "invalid_token", "invalid_sealed_text"); elsewhere a
// token or card is invalid "not_armoured". Errors: invalid with the
// field's code (docs/api.md, "Tasks").
Result<void> check_fields(const TaskInput& in, Task& t, bool is_new, bool armoured = false);

// Every write of `t` keeps when its assignees hear it is due
// (docs/tasks.md, "Due today"): one row each while it is open, has a due
// date and the moment is to come at `now_ms`; none otherwise.
Result<void> index_due_alerts(db::Conn& c, const Task& t, std::int64_t now_ms);

class Service {
 public:
  explicit Service(platform::Platform& p) : p_(p) {}

  // Errors everywhere: not_found for what the caller may not see (a task of
  // a workspace where they cannot read tasks), forbidden "read_only" for
  // writes without the write right, invalid for bad fields, conflict
  // "blocked" and "dependency_cycle" (docs/tasks.md), precondition_failed
  // when `if_match` is not the task's ETag.
  Result<Task> create(const platform::Caller& caller, const WorkspaceId& ws, const TaskInput& in);
  Result<std::vector<Task>> list(const platform::Caller& caller, const WorkspaceId& ws,
                                 store::ListQuery q);
  Result<Task> get(const platform::Caller& caller, const TaskId& id);
  Result<Task> change(const platform::Caller& caller, const TaskId& id, const TaskInput& in,
                      const std::optional<std::string>& if_match);
  Result<void> remove(const platform::Caller& caller, const TaskId& id,
                      const std::optional<std::string>& if_match);
  // A task's checklist: an item added (at the end unless `in.position`),
  // changed, deleted; each a change of the task (its version, task.updated),
  // which comes back with the item. Errors besides those above: invalid
  // "invalid_checklist", conflict "checklist_full"; not_found for an item
  // of another task.
  Result<std::pair<ChecklistItem, Task>> add_item(const platform::Caller& caller, const TaskId& id,
                                                  const ItemInput& in,
                                                  const std::optional<std::string>& if_match);
  Result<std::pair<ChecklistItem, Task>> change_item(const platform::Caller& caller,
                                                     const TaskId& id, const ChecklistItemId& item,
                                                     const ItemInput& in,
                                                     const std::optional<std::string>& if_match);
  Result<Task> remove_item(const platform::Caller& caller, const TaskId& id,
                           const ChecklistItemId& item, const std::optional<std::string>& if_match);

  // A task's comments, oldest first, after comment `after` (invalid
  // "invalid_after" when it is not one of the task's); one added (the write
  // right; conflict "too_many_comments"), changed (its author; forbidden
  // "not_author"), deleted (its author or an administrator of the
  // workspace; audited). Errors besides: invalid "invalid_body"; not_found
  // for a comment of another task.
  Result<std::vector<Comment>> comments(const platform::Caller& caller, const TaskId& id,
                                        const std::optional<std::string>& after, int limit);
  Result<Comment> add_comment(const platform::Caller& caller, const TaskId& id,
                              std::string_view body);
  Result<Comment> change_comment(const platform::Caller& caller, const TaskId& id,
                                 const CommentId& comment, std::string_view body);
  Result<void> remove_comment(const platform::Caller& caller, const TaskId& id,
                              const CommentId& comment);

  // Tasks assigned to the caller wherever they may read tasks (with `due`,
  // only those due in [first, second), ms).
  Result<std::vector<Task>> mine(
      const platform::Caller& caller, const std::vector<Status>& statuses, int limit,
      const std::optional<std::pair<std::int64_t, std::int64_t>>& due = std::nullopt);

  // Registry hooks (platform/registry.hpp).
  Result<std::vector<platform::SearchHit>> search(db::Conn& c,
                                                  const std::vector<WorkspaceId>& readable,
                                                  std::string_view query, int limit);
  Result<void> member_left(db::Conn& c, const WorkspaceId& ws, const UserId& user);
  // A new version of the tasks `user` is assigned to (their VTODOs name
  // them): CalDAV's ETags move with the name (ModuleDef::person_changed).
  Result<void> person_renamed(db::Conn& c, const UserId& user);
  // `user` set another time zone: their due alerts move to its clock.
  Result<void> time_zone_changed(db::Conn& c, const UserId& user);

  // Tells each assignee whose task is due (the periodic task's run) with a
  // notice task.due, a batch a transaction, until none is left or
  // `budget_ms` (real time) has passed. Not sent once the due day (or time)
  // is past (the server was down), nor for a task done, deleted or no
  // longer theirs, nor to someone who no longer reads its workspace's tasks.
  Result<void> send_due(std::int64_t budget_ms);
  Result<bool> any_due();
  Result<void> export_workspace(db::Conn& c, const WorkspaceId& ws, platform::ExportWriter& out,
                                std::int64_t now_ms);
  Result<std::unique_ptr<platform::ModuleImport>> importer(const platform::ImportContext& ctx);

  // CalDAV (the registry's calendar hooks; docs/tasks.md, "CalDAV"): the
  // workspace's tasks as VTODOs, each under its resource name with its ETag
  // ("v<version>"), in name order; a client's VTODO (ical.hpp,
  // read_todo_input) stored over the task of that name, or as a new task
  // keeping the name and UID; the task of that name deleted. Writes go
  // through the rules, events and audit of create, change and remove.
  // Errors (besides those above): platform/registry.hpp's calendar_put's;
  // invalid "invalid_name" for a name not ending with .ics.
  Result<void> calendar_items(db::Conn& c, const WorkspaceId& ws,
                              const platform::CalendarItemQuery& q,
                              FunctionRef<Result<void>(platform::CalendarItem&)> fn);
  Result<platform::CalendarPutResult> calendar_put(const platform::Caller& caller,
                                                   const WorkspaceId& ws,
                                                   const platform::CalendarPut& put);
  Result<void> calendar_delete(const platform::Caller& caller, const WorkspaceId& ws,
                               const std::string& name, const std::optional<std::string>& if_match);

 private:
  // Due alerts claimed and sent by one transaction of send_due().
  static constexpr int kDueAtOnce = 100;
  // send_due()'s notice of `row` in `c`, if this node claims it.
  Result<void> send_one_due(db::Conn& c, const store::DueAlertRow& row, std::int64_t now_ms);
  // The task and the caller's access to its workspace with `need`.
  Result<std::pair<Task, platform::WorkspaceAccess>> reach(db::Conn& c,
                                                           const platform::Caller& caller,
                                                           const TaskId& id, platform::Access need);
  // Checks `in` and applies it to `t` in `c` (the write transaction):
  // fields, lists, the dependency rules. `before`: the task as it was (null
  // for a new one). Returns the other tasks whose shown state changed.
  Result<std::vector<std::string>> apply(db::Conn& c, Task& t, const Task* before,
                                         const TaskInput& in, bool armoured, std::int64_t now_ms);
  // In an armoured workspace: the sealed texts `in` brings for task `t` (its
  // card, a new task's checklist) are signed by the caller for that task
  // and under the workspace key's current generation. Errors:
  // Armour::verify_sealed's and require_current's.
  Result<void> verify_seals(db::Conn& c, const platform::Caller& caller, const Task& t,
                            const TaskInput& in);
  // A sealed text of task `t` by the caller (armoured workspaces), checked
  // as verify_seals checks the card.
  Result<void> verify_seal(db::Conn& c, const platform::Caller& caller, const Task& t,
                           std::string_view domain, std::string_view text);
  // A checklist item's text (trimmed and bounded; sealed and signed in an
  // armoured workspace) and a comment's body, checked for task `t`.
  Result<std::string> item_text(db::Conn& c, const platform::Caller& caller, const Task& t,
                                bool armoured, std::string_view raw);
  Result<std::string> comment_body(db::Conn& c, const platform::Caller& caller, const Task& t,
                                   bool armoured, std::string_view raw);
  // The caller's access to the tasks of `ws` with `need`: not_found
  // without the read right, forbidden "read_only" without the write right.
  Result<platform::WorkspaceAccess> reach_workspace(db::Conn& c, const platform::Caller& caller,
                                                    const WorkspaceId& ws, platform::Access need);
  // In `c`: the new task `t` (id, workspace, creator and creation time
  // set; its CalDAV fields too, or left empty for their defaults) made of
  // `in`; `before` changed by `in` into `t` (`before` itself, or with its
  // CalDAV fields changed when `ical`); `t` deleted. With their events
  // (and the deletion's audit entry), as create, change and remove make them,
  // and a notice to each person `caller` newly assigns.
  Result<Task> insert_task(db::Conn& c, const platform::Caller& caller, Task t, const TaskInput& in,
                           bool armoured, std::int64_t now_ms);
  Result<Task> update_task(db::Conn& c, const platform::Caller& caller, const Task& before, Task t,
                           const TaskInput& in, bool ical, bool armoured, std::int64_t now_ms);
  // task.assigned to each person `t` has and `before` had not, but `caller`.
  Result<void> notify_assigned(db::Conn& c, const platform::Caller& caller, const Task& t,
                               const Task* before);
  Result<void> delete_task(db::Conn& c, const platform::Caller& caller, const Task& t);
  // `before` with its checklist changed into `t` (already stored): a new
  // version, task.updated.
  Result<Task> checklist_changed(db::Conn& c, const Task& before, Task t, std::int64_t now_ms);
  // The comment `id` of task `task` (not_found otherwise).
  Result<Comment> find_comment(db::Conn& c, const TaskId& task, const CommentId& id);
  // `type` (task.comment_created, …) with `data` and the task's comment_count.
  // Tells each person `m` newly mentions ("<@id>", not in `before`) who may
  // read the task, by a live notice (task.mentioned); at most
  // kMaxMentionNotices. Nothing in an armoured workspace: its comments are
  // sealed.
  Result<void> notify_mentions(db::Conn& c, const platform::Caller& caller, const Task& t,
                               bool armoured, const Comment& m, std::string_view before);
  Result<void> emit_comment(db::Conn& c, const WorkspaceId& ws, std::string_view type,
                            std::int64_t comment_count, json::object data);
  // `type` (task.created, task.updated) for `id` with the task as it is
  // now, which it returns (none for an empty id), and task.updated for each
  // of `others` still there, the tasks read at once — or, past
  // kMaxTaskEvents others, one tasks.changed {count} for them all.
  Result<std::optional<Task>> emit(db::Conn& c, const WorkspaceId& ws, std::string_view type,
                                   const TaskId& id, const std::vector<std::string>& others);

  platform::Platform& p_;
};

}  // namespace ruche::tasks
