#include "modules/tasks/service.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "base/clock.hpp"
#include "base/text.hpp"
#include "core/crypto/random.hpp"
#include "dav/dav.hpp"
#include "dav/ical.hpp"
#include "modules/tasks/ical.hpp"
#include "platform/accounts.hpp"
#include "platform/mentions.hpp"
#include "platform/write_order.hpp"

namespace ruche::tasks {

using platform::Access;
using platform::AuditEntry;
using platform::Caller;

namespace {

constexpr std::string_view kExportReadme =
    "Tasks of this workspace (docs/tasks.md).\n"
    "\n"
    "tasks/NNNNNN.jsonl     every task, one JSON object per line, in pages of 1,000:\n"
    "                       id, title, description (Markdown), status (todo, doing, done),\n"
    "                       position in its column, assignee_ids, labels, due (ISO 8601 date\n"
    "                       or date and time), blocked_by (ids of the tasks it waits for),\n"
    "                       created_by, created_at, updated_at, completed_at, checklist\n"
    "                       (its items in order: id, text, done, position, done_by,\n"
    "                       done_at); for tasks CalDAV clients made or changed, caldav:\n"
    "                       their resource name, UID, and the iCalendar lines they sent\n"
    "                       that tasks do not model (todo_extra, calendar_extra).\n"
    "comments/NNNNNN.jsonl  every comment on a task, oldest first, in pages of 1,000:\n"
    "                       id, task_id, author_id, body (Markdown), created_at,\n"
    "                       edited_at.\n"
    "calendar/NNNNNN.ics    the same tasks as iCalendar VTODOs (RFC 5545), in pages of\n"
    "                       1,000, for calendar and task applications; dependencies as\n"
    "                       RELATED-TO;RELTYPE=DEPENDS-ON (RFC 9253).\n";

Result<std::string> check_title(std::string_view raw) {
  std::string title = std::string(trim_blanks(raw));
  std::string why = json::check_string(title, {.min = 1, .max = kMaxTitleBytes});
  if (!why.empty())
    return fail(Errc::invalid, "title " + why + " (1 to 300 bytes, one line, not blank)",
                "invalid_title");
  return title;
}

// Distinct ids of the right shape, at most `max`, sorted.
Result<std::vector<std::string>> check_ids(const std::vector<std::string>& ids, std::size_t max,
                                           std::string_view field, std::string_view code) {
  std::set<std::string> set;
  for (const auto& id : ids) {
    if (!is_id(id))
      return fail(Errc::invalid, std::string(field) + " must be ids", std::string(code));
    set.insert(id);
  }
  if (set.size() > max)
    return fail(Errc::invalid, std::string(field) + ": at most " + std::to_string(max),
                std::string(code));
  return std::vector<std::string>(set.begin(), set.end());
}

Result<std::vector<std::string>> check_labels(const std::vector<std::string>& raw) {
  std::set<std::string> set;
  for (const auto& l : raw) {
    std::string label = std::string(trim_blanks(l));
    std::string why = json::check_string(label, {.min = 1, .max = kMaxLabelBytes});
    if (!why.empty())
      return fail(Errc::invalid, "a label " + why + " (1 to 40 bytes, one line, not blank)",
                  "invalid_labels");
    set.insert(std::move(label));
  }
  if (set.size() > kMaxLabels) return fail(Errc::invalid, "at most 20 labels", "invalid_labels");
  return std::vector<std::string>(set.begin(), set.end());
}

tl::unexpected<Error> sealed_required() {
  return fail(Errc::invalid,
              "an armoured workspace's task keeps its title, description and labels in its "
              "sealed card (sealed)",
              "sealed_required");
}

Result<std::string> check_item_text(std::string_view raw, bool armoured) {
  if (armoured) return platform::check_workspace_sealed(raw, "invalid_checklist");
  std::string text = std::string(trim_blanks(raw));
  std::string why = json::check_string(text, {.min = 1, .max = kMaxChecklistTextBytes});
  if (!why.empty())
    return fail(Errc::invalid,
                "a checklist item's text " + why + " (1 to 500 bytes, one line, not blank)",
                "invalid_checklist");
  return text;
}

Result<double> check_position(double position) {
  if (!std::isfinite(position) || std::fabs(position) > 1e15)
    return fail(Errc::invalid, "position is a number within ±1e15", "invalid_position");
  return position;
}

// Ticks or unticks `i` for `who` at `now_ms`: a ticked item says by whom.
void set_done(ChecklistItem& i, bool done, const std::string& who, std::int64_t now_ms) {
  if (i.done == done) return;
  i.done = done;
  i.done_by = done ? std::optional<std::string>(who) : std::nullopt;
  i.done_at_ms = done ? std::optional<std::int64_t>(now_ms) : std::nullopt;
}

// A number read as a double, or a rejection of `key`.
std::optional<double> opt_number(json::In& in, std::string_view key) {
  const json::value* p = in.raw(key);
  if (!p || p->is_null()) return std::nullopt;
  if (!p->is_number()) {
    in.reject(key, "must be a number");
    return std::nullopt;
  }
  return p->to_number<double>();
}

// Every element of `a` not in `b` (both sorted).
std::vector<std::string> minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

void add_all(std::set<std::string>& to, const std::vector<std::string>& from) {
  to.insert(from.begin(), from.end());
}

// What a notice to a person says of task `t`: its ids and title ("" in an
// armoured workspace, whose card is sealed: `armoured` says so), and the
// line the digest of unread notices gives it, leading to the task.
json::object notice_of(const Task& t) {
  json::object o{
      {"task_id", t.id.str()}, {"workspace_id", t.workspace_id.str()}, {"title", t.title}};
  if (!t.sealed.empty()) o["armoured"] = true;
  return o;
}
platform::Outbox::NoticeEmail digest_line(const Task& t, std::string en, std::string fr,
                                          const char* topic) {
  return {std::move(en), std::move(fr), "/w/" + t.workspace_id.str() + "/tasks/" + t.id.str(),
          topic};
}

}  // namespace

Result<void> check_fields(const TaskInput& in, Task& t, bool is_new, bool armoured) {
  if (armoured) {
    // Nothing in clear that the card holds.
    if ((in.title && !in.title->empty()) || (in.description && !in.description->empty()) ||
        (in.labels && !in.labels->empty()))
      return sealed_required();
    if (is_new) {
      if (!in.token || !in.sealed) return sealed_required();
      if (!platform::is_armour_token(*in.token))
        return fail(Errc::invalid, "a task's token is 16 random bytes (base64url)",
                    "invalid_token");
      t.token = *in.token;
    } else if (in.token && *in.token != t.token) {
      return fail(Errc::invalid, "a task keeps its token", "invalid_token");
    }
    if (in.sealed) {
      RUCHE_TRY(t.sealed, platform::check_workspace_sealed(*in.sealed, "invalid_sealed_text"));
    }
  } else if (in.token || in.sealed) {
    return fail(Errc::invalid, "sealed tasks are for armoured workspaces", "not_armoured");
  } else if (in.title) {
    RUCHE_TRY(t.title, check_title(*in.title));
  } else if (is_new) {
    return fail(Errc::invalid, "title is required", "invalid_title");
  }
  if (in.description) {
    std::string why =
        json::check_string(*in.description, {.max = kMaxDescriptionBytes, .single_line = false});
    if (!why.empty()) return fail(Errc::invalid, "description " + why, "invalid_description");
    t.description = *in.description;
  }
  if (in.status) {
    auto s = status_of(*in.status);
    if (!s) return fail(Errc::invalid, "status is todo, doing or done", "invalid_status");
    t.status = *s;
  }
  if (in.clear_due) {
    t.due.reset();
    t.due_ms.reset();
  } else if (in.due) {
    std::int64_t ms = 0;
    if (in.due->size() > 40 || !parse_iso8601(*in.due, ms))
      return fail(Errc::invalid, "due is an ISO 8601 date or date and time", "invalid_due");
    t.due = *in.due;
    t.due_ms = ms;
  }
  if (in.position) {
    RUCHE_TRY(t.position, check_position(*in.position));
  }
  if (in.labels) {
    RUCHE_TRY(t.labels, check_labels(*in.labels));
  }
  if (in.checklist) {
    if (!is_new)
      return fail(Errc::invalid,
                  "a task's checklist is changed item by item (/tasks/{id}/checklist)",
                  "invalid_checklist");
    if (in.checklist->size() > kMaxChecklistItems)
      return fail(Errc::invalid, "at most 100 checklist items", "invalid_checklist");
    t.checklist.clear();
    for (const auto& item : *in.checklist) {
      ChecklistItem i;
      i.id = crypto::new_id_of<ChecklistItemId>();
      RUCHE_TRY(i.text, check_item_text(item.text, armoured));
      i.done = item.done;
      i.position = kPositionStep * static_cast<double>(t.checklist.size() + 1);
      t.checklist.push_back(std::move(i));
    }
  }
  return {};
}

Result<std::string> check_comment_body(std::string_view body, bool armoured) {
  if (armoured) return platform::check_workspace_sealed(body, "invalid_body");
  std::string why =
      json::check_string(body, {.min = 1, .max = kMaxCommentBytes, .single_line = false});
  if (why.empty() && body.find_first_not_of(" \t\r\n") == std::string_view::npos) why = "is blank";
  if (!why.empty())
    return fail(Errc::invalid, "body " + why + " (1 to 10,000 bytes, not blank)", "invalid_body");
  return std::string(body);
}

Result<ItemInput> parse_item_input(const json::object& o) {
  json::In in{o};
  ItemInput i;
  i.text = in.opt_string("text", {.max = 1 << 20, .single_line = false});
  i.done = in.opt_boolean("done");
  i.position = opt_number(in, "position");
  if (!in.ok()) return tl::unexpected<Error>(in.error());
  return i;
}

Result<TaskInput> parse_input(const json::object& o) {
  json::In in{o};
  TaskInput t;
  // Types here, contents in Service::apply (with their own error codes);
  // the request's size bounds every field.
  constexpr json::StringBounds kAny{.max = 1 << 20, .single_line = false};
  constexpr json::ListBounds kList{.max_items = 1000, .item = kAny};
  t.title = in.opt_string("title", kAny);
  t.description = in.opt_string("description", kAny);
  t.status = in.opt_string("status", kAny);
  if (in.is_null("due")) {
    t.clear_due = true;
  } else {
    t.due = in.opt_string("due", kAny);
  }
  t.position = opt_number(in, "position");
  t.assignee_ids = in.opt_string_list("assignee_ids", kList);
  t.labels = in.opt_string_list("labels", kList);
  t.blocked_by = in.opt_string_list("blocked_by", kList);
  t.token = in.opt_string("token", kAny);
  t.sealed = in.opt_string("sealed", kAny);
  if (const json::value* list = in.raw("checklist")) {
    const json::array* items = list->if_array();
    if (!items || items->size() > kList.max_items) {
      in.reject("checklist", "must be a list of {text, done?}");
    } else {
      t.checklist.emplace();
      for (const auto& v : *items) {
        const json::object* item = v.if_object();
        const json::value* text = item ? item->if_contains("text") : nullptr;
        const json::value* done = item ? item->if_contains("done") : nullptr;
        if (!text || !text->is_string() || (done && !done->is_bool() && !done->is_null())) {
          in.reject("checklist", "must be a list of {text, done?}");
          break;
        }
        t.checklist->push_back(
            {std::string(text->as_string()), done && done->is_bool() && done->as_bool()});
      }
    }
  }
  if (!in.ok()) return tl::unexpected<Error>(in.error());
  return t;
}

Result<std::pair<Task, platform::WorkspaceAccess>> Service::reach(db::Conn& c, const Caller& caller,
                                                                  const TaskId& id, Access need) {
  if (!is_id(id.str())) return fail(Errc::not_found, "no such task");
  RUCHE_TRY(auto t, store::task(c, id));
  if (!t) return fail(Errc::not_found, "no such task");
  auto access = p_.authz.access_in(c, caller.user_id, t->workspace_id);
  if (!access || access->right("tasks") == Access::none)
    return platform::refused(Errc::not_found, "no such task", t->workspace_id);
  RUCHE_CHECK(platform::Authz::check(*access, "tasks", need));
  return std::make_pair(std::move(*t), std::move(*access));
}

Result<void> index_due_alerts(db::Conn& c, const Task& t, std::int64_t now_ms) {
  std::vector<store::DueAlertRow> rows;
  if (t.status != Status::done && t.due_ms)
    for (const auto& user : t.assignee_ids) {
      RUCHE_TRY(std::string zone, platform::time_zone_of(c, user));
      const auto alert = due_alert(t, zone);
      if (alert && alert->at_ms > now_ms) rows.push_back({t.id.str(), user, alert->at_ms});
    }
  return store::set_due_alerts(c, t.id, rows);
}

Result<std::vector<std::string>> Service::apply(db::Conn& c, Task& t, const Task* before,
                                                const TaskInput& in, bool armoured,
                                                std::int64_t now_ms) {
  RUCHE_CHECK(check_fields(in, t, before == nullptr, armoured));
  const bool moved = !before || before->status != t.status;
  if (!in.position && moved) {
    RUCHE_TRY(t.position, store::end_of_column(c, t.workspace_id, t.status));
  }
  if (in.assignee_ids) {
    RUCHE_TRY(auto ids,
              check_ids(*in.assignee_ids, kMaxAssignees, "assignee_ids", "invalid_assignees"));
    for (const auto& u : minus(ids, before ? before->assignee_ids : std::vector<std::string>{})) {
      auto theirs = p_.authz.access_in(c, UserId(u), t.workspace_id);
      if (!theirs || theirs->right("tasks") == Access::none)
        return fail(Errc::invalid, "assignees must be people who can see this workspace's tasks",
                    "invalid_assignees");
    }
    t.assignee_ids = std::move(ids);
  }
  std::vector<std::string> added_blockers;
  if (in.blocked_by) {
    RUCHE_TRY(auto ids,
              check_ids(*in.blocked_by, kMaxBlockers, "blocked_by", "invalid_blocked_by"));
    if (std::binary_search(ids.begin(), ids.end(), t.id.str()))
      return fail(Errc::conflict, "a task cannot wait for itself", "dependency_cycle");
    RUCHE_TRY(auto found, store::tasks_in(c, t.workspace_id, ids));
    if (found.size() != ids.size())
      return fail(Errc::invalid, "blocked_by must be tasks of this workspace",
                  "invalid_blocked_by");
    added_blockers = minus(ids, before ? before->blocked_by : std::vector<std::string>{});
    // A new task waits for nothing that waits for it: nothing does yet.
    if (before && !added_blockers.empty()) {
      // Two changes at once could each close half of a cycle.
      RUCHE_CHECK(platform::order_workspace_writes(c, t.workspace_id));
      RUCHE_TRY(bool cycle, store::waits_for(c, added_blockers, t.id));
      if (cycle)
        return fail(Errc::conflict, "that task already waits for this one", "dependency_cycle");
    }
    t.blocked_by = std::move(ids);
  }
  const bool was_done = before && before->status == Status::done;
  if (t.status == Status::done) {
    // Becoming done: every task it waits for must be; staying done: the new ones.
    RUCHE_TRY(std::int64_t open, store::open_among(c, was_done ? added_blockers : t.blocked_by));
    if (open > 0)
      return fail(Errc::conflict, "this task waits for a task that is not done", "blocked");
    if (!was_done) t.completed_at_ms = now_ms;
  } else {
    t.completed_at_ms.reset();
  }
  t.updated_at_ms = now_ms;
  t.version = before ? before->version + 1 : 1;

  if (before) {
    RUCHE_CHECK(store::update(c, t));
  } else {
    RUCHE_CHECK(store::insert(c, t));
    for (auto& i : t.checklist) {
      i.created_at_ms = now_ms;
      i.text_by = t.created_by;
      if (i.done) {
        i.done_by = t.created_by;
        i.done_at_ms = now_ms;
      }
      RUCHE_CHECK(store::insert_item(c, t.id, i));
    }
  }
  if (in.assignee_ids && (!before || before->assignee_ids != t.assignee_ids))
    RUCHE_CHECK(store::set_assignees(c, t));
  if (!before || before->due != t.due || before->assignee_ids != t.assignee_ids ||
      was_done != (t.status == Status::done))
    RUCHE_CHECK(index_due_alerts(c, t, now_ms));
  if (in.labels && (!before || before->labels != t.labels)) RUCHE_CHECK(store::set_labels(c, t));
  std::set<std::string> others;
  if (in.blocked_by && (!before || before->blocked_by != t.blocked_by)) {
    RUCHE_CHECK(store::set_blockers(c, t));
    // Their `blocks` changed.
    add_all(others, added_blockers);
    if (before) add_all(others, minus(before->blocked_by, t.blocked_by));
  }
  // The tasks waiting for it: their `blocked` follows its being done.
  if (before && was_done != (t.status == Status::done)) add_all(others, before->blocks);
  std::vector<std::string> list(others.begin(), others.end());
  RUCHE_CHECK(store::bump(c, list));
  return list;
}

Result<std::optional<Task>> Service::emit(db::Conn& c, const WorkspaceId& ws, std::string_view type,
                                          const TaskId& id,
                                          const std::vector<std::string>& others) {
  const bool many = others.size() > kMaxTaskEvents;
  std::vector<std::string> ids;
  if (!many) ids = others;
  if (!id.empty()) ids.push_back(id.str());
  RUCHE_TRY(auto found, store::tasks_by_id(c, ids));
  // The task's own event first, then those it changed.
  std::optional<Task> own;
  for (auto& t : found)
    if (t.id == id) own = t;
  std::vector<platform::Outbox::Draft> events;
  events.reserve(found.size() + 1);
  if (own) events.push_back({std::string(type), to_json(*own)});
  for (const auto& t : found)
    if (t.id != id) events.push_back({"task.updated", to_json(t)});
  if (many) {
    // Clients read the board again rather than hear of each task.
    json::object data;
    data["count"] = static_cast<std::int64_t>(others.size());
    events.push_back({"tasks.changed", std::move(data)});
  }
  RUCHE_TRY([[maybe_unused]] auto last, p_.outbox.append_all(c, ws, "tasks", events));
  return own;
}

Result<platform::WorkspaceAccess> Service::reach_workspace(db::Conn& c, const Caller& caller,
                                                           const WorkspaceId& ws, Access need) {
  auto access = p_.authz.access_in(c, caller.user_id, ws);
  // CalDAV only: an armoured workspace's tasks are sealed, no VTODO.
  if (!access) return tl::unexpected<Error>(access.error());
  if (access->right("tasks") == Access::none)
    return platform::refused(Errc::not_found, "no such workspace", ws);
  if (access->armoured) return fail(Errc::not_found, "no such workspace");
  RUCHE_CHECK(platform::Authz::check(*access, "tasks", need));
  return std::move(*access);
}

Result<Task> Service::insert_task(db::Conn& c, const Caller& caller, Task t, const TaskInput& in,
                                  bool armoured, std::int64_t now_ms) {
  RUCHE_TRY(auto others, apply(c, t, nullptr, in, armoured, now_ms));
  RUCHE_TRY(auto stored, emit(c, t.workspace_id, "task.created", t.id, others));
  RUCHE_CHECK(notify_assigned(c, caller, *stored, nullptr));
  return std::move(*stored);
}

Result<Task> Service::update_task(db::Conn& c, const Caller& caller, const Task& before, Task t,
                                  const TaskInput& in, bool ical, bool armoured,
                                  std::int64_t now_ms) {
  RUCHE_TRY(auto others, apply(c, t, &before, in, armoured, now_ms));
  if (ical) RUCHE_CHECK(store::set_ical(c, t));
  RUCHE_TRY(auto stored, emit(c, t.workspace_id, "task.updated", t.id, others));
  RUCHE_CHECK(notify_assigned(c, caller, *stored, &before));
  return std::move(*stored);
}

Result<void> Service::notify_assigned(db::Conn& c, const Caller& caller, const Task& t,
                                      const Task* before) {
  const auto added =
      minus(t.assignee_ids, before ? before->assignee_ids : std::vector<std::string>{});
  if (added.empty()) return {};
  const bool armoured = !t.sealed.empty();
  json::object notice = notice_of(t);
  notice["due"] = t.due ? json::value(*t.due) : json::value(nullptr);
  notice["by"] = json::object{{"id", caller.user_id.str()}, {"name", caller.name}};
  const auto line = digest_line(t,
                                armoured ? caller.name + " assigned you a task"
                                         : caller.name + " assigned you \"" + t.title + "\"",
                                armoured ? caller.name + " vous a assigné une tâche"
                                         : caller.name + " vous a assigné « " + t.title + " »",
                                "assigned");
  for (const auto& user : added)
    if (user != caller.user_id.str())
      RUCHE_CHECK(p_.outbox.notify(c, UserId(user), "task.assigned", notice, t.workspace_id, line));
  return {};
}

Result<void> Service::delete_task(db::Conn& c, const Caller& caller, const Task& t) {
  std::set<std::string> others;
  add_all(others, t.blocked_by);
  add_all(others, t.blocks);
  std::vector<std::string> list(others.begin(), others.end());
  RUCHE_CHECK(store::remove(c, t.id));
  RUCHE_CHECK(store::bump(c, list));
  AuditEntry e = AuditEntry::by(caller, "tasks.task_deleted");
  e.workspace_id = t.workspace_id.str();
  e.object = t.id.str();
  e.details["created_by"] = t.created_by;
  RUCHE_CHECK(p_.audit.append(c, e));
  json::object data;
  data["id"] = t.id.str();
  RUCHE_TRY([[maybe_unused]] auto seq,
            p_.outbox.append(c, t.workspace_id, "task.deleted", "tasks", data, {}, ""));
  return emit(c, t.workspace_id, "task.updated", TaskId(), list).map([](auto&&) {});
}

Result<Task> Service::create(const Caller& caller, const WorkspaceId& ws, const TaskInput& in) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Task> {
    auto access = p_.authz.access_in(c, caller.user_id, ws);
    if (!access) return tl::unexpected<Error>(access.error());
    RUCHE_CHECK(platform::Authz::check(*access, "tasks", Access::write));
    Task t;
    t.id = crypto::new_id_of<TaskId>();
    t.workspace_id = ws;
    t.created_by = caller.user_id.str();
    t.created_at_ms = now;
    if (access->armoured) {
      // The form first (a token to bind to), then the signatures.
      if (!in.token) return sealed_required();
      t.token = *in.token;
      RUCHE_TRY(bool taken, store::token_taken(c, ws, t.token));
      if (taken)
        return fail(Errc::conflict, "a task of this workspace has this token", "token_taken");
      RUCHE_CHECK(verify_seals(c, caller, t, in));
      t.sealed_by = caller.user_id.str();
    }
    return insert_task(c, caller, std::move(t), in, access->armoured, now);
  });
}

Result<std::vector<Task>> Service::list(const Caller& caller, const WorkspaceId& ws,
                                        store::ListQuery q) {
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Task>> {
    auto access = p_.authz.access_in(c, caller.user_id, ws);
    if (!access) return tl::unexpected<Error>(access.error());
    RUCHE_CHECK(platform::Authz::check(*access, "tasks", Access::read));
    return store::tasks(c, ws, q);
  });
}

Result<Task> Service::get(const Caller& caller, const TaskId& id) {
  return p_.db.read([&](db::Conn& c) -> Result<Task> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::read));
    return std::move(found.first);
  });
}

Result<Task> Service::change(const Caller& caller, const TaskId& id, const TaskInput& in,
                             const std::optional<std::string>& if_match) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Task> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::write));
    const Task& before = found.first;
    if (if_match && !dav::etag_listed(*if_match, etag_of(before), false))
      return fail(Errc::precondition_failed, "the task changed since", "precondition_failed");
    Task t = before;
    if (found.second.armoured) {
      RUCHE_CHECK(verify_seals(c, caller, before, in));
      if (in.sealed) t.sealed_by = caller.user_id.str();
    }
    return update_task(c, caller, before, std::move(t), in, false, found.second.armoured, now);
  });
}

Result<void> Service::remove(const Caller& caller, const TaskId& id,
                             const std::optional<std::string>& if_match) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::write));
    const Task& t = found.first;
    if (if_match && !dav::etag_listed(*if_match, etag_of(t), false))
      return fail(Errc::precondition_failed, "the task changed since", "precondition_failed");
    return delete_task(c, caller, t);
  });
}

Result<Task> Service::checklist_changed(db::Conn& c, const Task& before, Task t,
                                        std::int64_t now_ms) {
  std::sort(t.checklist.begin(), t.checklist.end(), [](const auto& a, const auto& b) {
    return std::tie(a.position, a.created_at_ms, a.id) <
           std::tie(b.position, b.created_at_ms, b.id);
  });
  t.version = before.version + 1;
  t.updated_at_ms = now_ms;
  RUCHE_CHECK(store::update(c, t));
  RUCHE_TRY(auto stored, emit(c, t.workspace_id, "task.updated", t.id, {}));
  return std::move(*stored);
}

namespace {

Result<void> check_if_match(const std::optional<std::string>& if_match, const Task& t) {
  if (if_match && !dav::etag_listed(*if_match, etag_of(t), false))
    return fail(Errc::precondition_failed, "the task changed since", "precondition_failed");
  return {};
}

// The item `id` of `t`'s checklist (not_found otherwise).
Result<ChecklistItem*> item_of(Task& t, const ChecklistItemId& id) {
  for (auto& i : t.checklist)
    if (i.id == id) return &i;
  return fail(Errc::not_found, "no such checklist item");
}

}  // namespace

Result<void> Service::verify_seal(db::Conn& c, const Caller& caller, const Task& t,
                                  std::string_view domain, std::string_view text) {
  RUCHE_TRY(platform::SealedText sealed,
            p_.armour.verify_sealed(
                c, caller.user_id, domain,
                t.workspace_id.str() + "\n" + t.token + "\n" + caller.user_id.str(), text));
  return p_.armour.require_current(c, platform::KeyScope::of(t.workspace_id), sealed.generation);
}

Result<void> Service::verify_seals(db::Conn& c, const Caller& caller, const Task& t,
                                   const TaskInput& in) {
  if (in.sealed) RUCHE_CHECK(verify_seal(c, caller, t, kCardDomain, *in.sealed));
  if (in.checklist)
    for (const auto& item : *in.checklist)
      RUCHE_CHECK(verify_seal(c, caller, t, kItemDomain, item.text));
  return {};
}

Result<std::string> Service::item_text(db::Conn& c, const Caller& caller, const Task& t,
                                       bool armoured, std::string_view raw) {
  RUCHE_TRY(std::string text, check_item_text(raw, armoured));
  if (armoured) RUCHE_CHECK(verify_seal(c, caller, t, kItemDomain, text));
  return text;
}

Result<std::string> Service::comment_body(db::Conn& c, const Caller& caller, const Task& t,
                                          bool armoured, std::string_view raw) {
  RUCHE_TRY(std::string body, check_comment_body(raw, armoured));
  if (armoured) RUCHE_CHECK(verify_seal(c, caller, t, kCommentDomain, body));
  return body;
}

Result<std::pair<ChecklistItem, Task>> Service::add_item(
    const Caller& caller, const TaskId& id, const ItemInput& in,
    const std::optional<std::string>& if_match) {
  if (!in.text) return fail(Errc::invalid, "text is required", "invalid_checklist");
  ChecklistItem item;
  if (in.position) {
    RUCHE_TRY(item.position, check_position(*in.position));
  }
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<std::pair<ChecklistItem, Task>> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::write));
    const Task& before = found.first;
    RUCHE_CHECK(check_if_match(if_match, before));
    if (before.checklist.size() >= kMaxChecklistItems)
      return fail(Errc::conflict, "a checklist has at most 100 items", "checklist_full");
    ChecklistItem i = item;
    RUCHE_TRY(i.text, item_text(c, caller, before, found.second.armoured, *in.text));
    i.text_by = caller.user_id.str();
    i.id = crypto::new_id_of<ChecklistItemId>();
    i.created_at_ms = now;
    if (!in.position)
      i.position = before.checklist.empty() ? kPositionStep
                                            : before.checklist.back().position + kPositionStep;
    set_done(i, in.done.value_or(false), caller.user_id.str(), now);
    RUCHE_CHECK(store::insert_item(c, before.id, i));
    Task t = before;
    t.checklist.push_back(i);
    RUCHE_TRY(Task stored, checklist_changed(c, before, std::move(t), now));
    return std::make_pair(std::move(i), std::move(stored));
  });
}

Result<std::pair<ChecklistItem, Task>> Service::change_item(
    const Caller& caller, const TaskId& id, const ChecklistItemId& item, const ItemInput& in,
    const std::optional<std::string>& if_match) {
  if (in.position) {
    RUCHE_CHECK(check_position(*in.position));
  }
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<std::pair<ChecklistItem, Task>> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::write));
    const Task& before = found.first;
    RUCHE_CHECK(check_if_match(if_match, before));
    Task t = before;
    RUCHE_TRY(ChecklistItem * i, item_of(t, item));
    if (in.text) {
      RUCHE_TRY(i->text, item_text(c, caller, before, found.second.armoured, *in.text));
      i->text_by = caller.user_id.str();
    }
    if (in.position) i->position = *in.position;
    if (in.done) set_done(*i, *in.done, caller.user_id.str(), now);
    ChecklistItem changed = *i;
    RUCHE_CHECK(store::update_item(c, changed));
    RUCHE_TRY(Task stored, checklist_changed(c, before, std::move(t), now));
    return std::make_pair(std::move(changed), std::move(stored));
  });
}

Result<Task> Service::remove_item(const Caller& caller, const TaskId& id,
                                  const ChecklistItemId& item,
                                  const std::optional<std::string>& if_match) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Task> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::write));
    const Task& before = found.first;
    RUCHE_CHECK(check_if_match(if_match, before));
    Task t = before;
    RUCHE_TRY(ChecklistItem * i, item_of(t, item));
    RUCHE_CHECK(store::remove_item(c, i->id));
    t.checklist.erase(t.checklist.begin() + (i - t.checklist.data()));
    return checklist_changed(c, before, std::move(t), now);
  });
}

Result<Comment> Service::find_comment(db::Conn& c, const TaskId& task, const CommentId& id) {
  if (!is_id(id.str())) return fail(Errc::not_found, "no such comment");
  RUCHE_TRY(auto m, store::comment(c, id));
  if (!m || m->task_id != task) return fail(Errc::not_found, "no such comment");
  return std::move(*m);
}

Result<void> Service::emit_comment(db::Conn& c, const WorkspaceId& ws, std::string_view type,
                                   std::int64_t comment_count, json::object data) {
  data["comment_count"] = comment_count;
  RUCHE_TRY([[maybe_unused]] auto seq, p_.outbox.append(c, ws, type, "tasks", data, {}, ""));
  return {};
}

Result<std::vector<Comment>> Service::comments(const Caller& caller, const TaskId& id,
                                               const std::optional<std::string>& after, int limit) {
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Comment>> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::read));
    std::optional<Comment> from;
    if (after) {
      auto m = find_comment(c, id, CommentId(*after));
      if (!m) return fail(Errc::invalid, "after is not a comment of this task", "invalid_after");
      from = std::move(*m);
    }
    return store::comments(c, id, from ? &*from : nullptr, limit);
  });
}

Result<Comment> Service::add_comment(const Caller& caller, const TaskId& id,
                                     std::string_view body) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Comment> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::write));
    RUCHE_TRY(std::string checked,
              comment_body(c, caller, found.first, found.second.armoured, body));
    // The task as reach() read it holds its comment count.
    const std::int64_t count = found.first.comment_count;
    if (count >= kMaxComments)
      return fail(Errc::conflict, "a task has at most 10,000 comments", "too_many_comments");
    Comment m;
    m.id = crypto::new_id_of<CommentId>();
    m.task_id = id;
    m.author_id = caller.user_id.str();
    m.body = checked;
    // Comments read in the order they were made, even within a millisecond.
    RUCHE_TRY(auto last, store::last_comment_at(c, id));
    m.created_at_ms = last ? std::max(now, *last + 1) : now;
    RUCHE_CHECK(store::insert_comment(c, m));
    RUCHE_CHECK(
        emit_comment(c, found.first.workspace_id, "task.comment_created", count + 1, to_json(m)));
    RUCHE_CHECK(notify_mentions(c, caller, found.first, found.second.armoured, m, {}));
    return m;
  });
}

Result<Comment> Service::change_comment(const Caller& caller, const TaskId& id,
                                        const CommentId& comment, std::string_view body) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Comment> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::write));
    RUCHE_TRY(Comment m, find_comment(c, id, comment));
    if (m.author_id != caller.user_id.str())
      return fail(Errc::forbidden, "only its author changes a comment", "not_author");
    RUCHE_TRY(std::string checked,
              comment_body(c, caller, found.first, found.second.armoured, body));
    const std::string before = std::exchange(m.body, checked);
    m.edited_at_ms = now;
    RUCHE_CHECK(store::update_comment(c, m));
    RUCHE_CHECK(emit_comment(c, found.first.workspace_id, "task.comment_updated",
                             found.first.comment_count, to_json(m)));
    RUCHE_CHECK(notify_mentions(c, caller, found.first, found.second.armoured, m, before));
    return m;
  });
}

Result<void> Service::notify_mentions(db::Conn& c, const Caller& caller, const Task& t,
                                      bool armoured, const Comment& m, std::string_view before) {
  if (armoured) return {};
  bool everyone = false;
  const auto now = platform::parse_mentions(m.body, everyone);
  const auto was = platform::parse_mentions(before, everyone);
  std::size_t told = 0;
  for (const auto& user : now) {
    if (told == kMaxMentionNotices) break;
    if (user == caller.user_id.str() || std::binary_search(was.begin(), was.end(), user)) continue;
    auto access = p_.authz.access_in(c, UserId(user), t.workspace_id);
    if (!access || access->right("tasks") == Access::none) continue;
    json::object notice = notice_of(t);
    notice["comment_id"] = m.id.str();
    notice["author"] = json::object{{"id", caller.user_id.str()}, {"name", caller.name}};
    RUCHE_CHECK(p_.outbox.notify(
        c, UserId(user), "task.mentioned", std::move(notice), t.workspace_id,
        digest_line(t, caller.name + " mentioned you in \"" + t.title + "\"",
                    caller.name + " vous a mentionné dans « " + t.title + " »", "mentions")));
    ++told;
  }
  return {};
}

Result<void> Service::remove_comment(const Caller& caller, const TaskId& id,
                                     const CommentId& comment) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto found, reach(c, caller, id, Access::write));
    RUCHE_TRY(Comment m, find_comment(c, id, comment));
    if (m.author_id != caller.user_id.str() && !found.second.can_manage())
      return fail(Errc::forbidden, "only its author or an administrator deletes a comment",
                  "not_author");
    RUCHE_CHECK(store::remove_comment(c, m.id));
    AuditEntry e = AuditEntry::by(caller, "tasks.comment_deleted");
    e.workspace_id = found.first.workspace_id.str();
    e.object = m.id.str();
    e.details["task_id"] = id.str();
    e.details["author_id"] = m.author_id;
    RUCHE_CHECK(p_.audit.append(c, e));
    json::object data;
    data["id"] = m.id.str();
    data["task_id"] = id.str();
    return emit_comment(c, found.first.workspace_id, "task.comment_deleted",
                        found.first.comment_count - 1, std::move(data));
  });
}

Result<std::vector<Task>> Service::mine(
    const Caller& caller, const std::vector<Status>& statuses, int limit,
    const std::optional<std::pair<std::int64_t, std::int64_t>>& due) {
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Task>> {
    RUCHE_TRY(auto accesses, p_.authz.accesses_in(c, caller.user_id));
    std::vector<WorkspaceId> readable;
    for (const auto& a : accesses)
      if (a.right("tasks") != Access::none) readable.push_back(a.workspace_id);
    return store::assigned(c, caller.user_id.str(), readable, statuses, limit, due);
  });
}

Result<std::vector<platform::SearchHit>> Service::search(db::Conn& c,
                                                         const std::vector<WorkspaceId>& readable,
                                                         std::string_view query, int limit) {
  RUCHE_TRY(auto words, platform::search_words(query));
  if (words.empty()) return std::vector<platform::SearchHit>{};
  RUCHE_TRY(auto found, store::search(c, readable, words, limit));
  std::vector<platform::SearchHit> hits;
  for (const auto& t : found) {
    platform::SearchHit h;
    h.type = "task";
    h.id = t.id.str();
    h.workspace_id = t.workspace_id;
    h.snippet = platform::mark_matches(t.title, words);
    h.rank = -static_cast<double>(t.updated_at_ms);  // the latest first, like messages and files
    h.extra["title"] = t.title;
    h.extra["status"] = status_name(t.status);
    h.extra["due"] = t.due ? json::value(*t.due) : nullptr;
    h.extra["updated_at"] = format_iso8601(t.updated_at_ms);
    hits.push_back(std::move(h));
  }
  return hits;
}

Result<void> Service::member_left(db::Conn& c, const WorkspaceId& ws, const UserId& user) {
  RUCHE_TRY(auto ids, store::unassign(c, ws, user.str()));
  RUCHE_CHECK(store::bump(c, ids));
  return emit(c, ws, "task.updated", TaskId(), ids).map([](auto&&) {});
}

Result<void> Service::person_renamed(db::Conn& c, const UserId& user) {
  RUCHE_TRY(auto assigned, store::assigned_to(c, user.str()));
  for (const auto& [ws, ids] : assigned) {
    RUCHE_CHECK(store::bump(c, ids));
    RUCHE_CHECK(emit(c, WorkspaceId(ws), "task.updated", TaskId(), ids).map([](auto&&) {}));
  }
  return {};
}

Result<void> Service::time_zone_changed(db::Conn& c, const UserId& user) {
  RUCHE_TRY(std::string zone, platform::time_zone_of(c, user.str()));
  const std::int64_t now = p_.clock.now_ms();
  std::string after;
  for (;;) {
    RUCHE_TRY(auto rows, store::due_alerts_of(c, user.str(), after, kDueAtOnce));
    std::vector<std::string> ids;
    for (const auto& r : rows) ids.push_back(r.task_id);
    RUCHE_TRY(auto tasks, store::tasks_by_id(c, ids));
    for (const auto& r : rows) {
      auto t = std::find_if(tasks.begin(), tasks.end(),
                            [&](const Task& x) { return x.id.str() == r.task_id; });
      const auto alert = t == tasks.end() ? std::nullopt : due_alert(*t, zone);
      RUCHE_CHECK(store::move_due_alert(
          c, r, alert && alert->at_ms > now ? std::optional(alert->at_ms) : std::nullopt));
    }
    if (rows.size() < static_cast<std::size_t>(kDueAtOnce)) return {};
    after = rows.back().task_id;
  }
}

Result<bool> Service::any_due() {
  return p_.db.read([&](db::Conn& c) -> Result<bool> {
    RUCHE_TRY(auto due, store::due_alerts(c, p_.clock.now_ms(), 1));
    return !due.empty();
  });
}

Result<void> Service::send_due(std::int64_t budget_ms) {
  return platform::batches_until_none_due(
      p_.clock, budget_ms, [&](std::int64_t now) -> Result<std::size_t> {
        RUCHE_TRY(auto due,
                  p_.db.read([&](db::Conn& c) { return store::due_alerts(c, now, kDueAtOnce); }));
        // A batch a transaction: one durable commit for them all.
        if (!due.empty())
          RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
            for (const auto& row : due) RUCHE_CHECK(send_one_due(c, row, now));
            return {};
          }));
        return due.size();
      });
}

Result<void> Service::send_one_due(db::Conn& c, const store::DueAlertRow& row,
                                   std::int64_t now_ms) {
  RUCHE_TRY(bool mine, store::claim_due_alert(c, row));
  if (!mine) return {};
  RUCHE_TRY(auto found, store::tasks_by_id(c, {row.task_id}));
  if (found.empty()) return {};
  const Task& t = found.front();
  if (t.status == Status::done ||
      !std::binary_search(t.assignee_ids.begin(), t.assignee_ids.end(), row.user_id))
    return {};
  RUCHE_TRY(std::string zone, platform::time_zone_of(c, row.user_id));
  const auto alert = due_alert(t, zone);
  if (!alert || now_ms >= alert->until_ms) return {};
  auto access = p_.authz.access_in(c, UserId(row.user_id), t.workspace_id);
  if (!access || access->right("tasks") == Access::none) return {};
  json::object data = notice_of(t);
  data["due"] = t.due ? json::value(*t.due) : json::value(nullptr);
  // A sealed title: the digest's line names the workspace.
  const bool armoured = !t.sealed.empty();
  const auto line = digest_line(
      t,
      armoured ? "A task is due today in \"" + access->workspace_name + "\""
               : "Due today: \"" + t.title + "\"",
      armoured ? "Une tâche est à rendre aujourd'hui dans « " + access->workspace_name + " »"
               : "À rendre aujourd'hui : « " + t.title + " »",
      "due");
  return p_.outbox.notify(c, UserId(row.user_id), "task.due", std::move(data), t.workspace_id,
                          line);
}

Result<void> Service::calendar_items(db::Conn& c, const WorkspaceId& ws,
                                     const platform::CalendarItemQuery& q,
                                     FunctionRef<Result<void>(platform::CalendarItem&)> fn) {
  if (!q.with_ics && !q.names) {
    // A CTag or a listing of ETags: no task read, no VTODO written.
    return store::each_dav_tag(
        c, ws, [&](std::string_view name, std::int64_t version, std::int64_t updated_at_ms) {
          platform::CalendarItem item{std::string(name), etag_of(version), {}, updated_at_ms};
          return fn(item);
        });
  }
  RUCHE_TRY(const store::People people, store::people(c, ws));
  // A part of the tasks at a time, with the UIDs of those they wait for.
  auto each = [&](std::vector<Task>& part) -> Result<void> {
    std::vector<std::string> waited;
    for (const auto& t : part)
      waited.insert(waited.end(), t.blocked_by.begin(), t.blocked_by.end());
    std::sort(waited.begin(), waited.end());
    waited.erase(std::unique(waited.begin(), waited.end()), waited.end());
    RUCHE_TRY(const UidMap uids, store::uids(c, ws, &waited));
    for (const auto& t : part) {
      platform::CalendarItem item{t.dav_name, etag_of(t), vtodo_object(t, uids, people),
                                  t.updated_at_ms};
      RUCHE_CHECK(fn(item));
    }
    return {};
  };
  if (!q.names) return store::each_task(c, ws, each);
  RUCHE_TRY(auto named, store::tasks_named(c, ws, *q.names));
  return each(named);
}

Result<platform::CalendarPutResult> Service::calendar_put(const Caller& caller,
                                                          const WorkspaceId& ws,
                                                          const platform::CalendarPut& put) {
  const std::string& name = put.name;
  if (!is_dav_name(name))
    return fail(Errc::invalid, "a task's resource name ends with .ics (at most 255 bytes)",
                "invalid_name");
  // The object is read before any database work: bad input changes nothing.
  RUCHE_TRY(TodoInput todo, read_todo_input(put.ics));
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<platform::CalendarPutResult> {
    RUCHE_TRY([[maybe_unused]] auto access, reach_workspace(c, caller, ws, Access::write));
    RUCHE_TRY(std::optional<Task> before, store::task_named(c, ws, name));
    if (put.if_none_match_any && before)
      return fail(Errc::precondition_failed, "this name is taken", "precondition_failed");
    if (put.if_match && (!before || !dav::etag_listed(*put.if_match, etag_of(*before), false)))
      return fail(Errc::precondition_failed, "the task changed since", "precondition_failed");
    // RFC 4791 5.3.2.1: one resource per UID, and a resource keeps its UID.
    if (before) {
      if (before->ical_uid != todo.uid)
        return fail(Errc::conflict, "a task keeps its UID", "no-uid-conflict");
    } else {
      RUCHE_TRY(auto holder, store::task_with_uid(c, ws, todo.uid));
      if (holder)
        return fail(Errc::conflict, "another task of this workspace has this UID",
                    "no-uid-conflict");
    }
    // Dependencies on tasks of this workspace become blocked_by; the
    // others are kept with the lines the VTODO keeps as sent.
    TaskInput in = todo.fields;
    std::vector<std::string> blockers;
    std::string todo_extra = todo.todo_extra;
    for (const auto& d : todo.depends_on) {
      RUCHE_TRY(auto id, store::task_with_uid(c, ws, d.uid));
      if (id)
        blockers.push_back(id->str());
      else
        todo_extra += d.line;
    }
    in.blocked_by = std::move(blockers);
    // ATTENDEEs who are members seeing the tasks are its assignees (their
    // lines written from them again); the others are kept as sent. Without
    // any, the assignees stay: an application that leaves out lines it does
    // not show unassigns nobody.
    if (!todo.attendees.empty()) {
      std::vector<std::string> assignees;
      for (auto a = todo.attendees.rbegin(); a != todo.attendees.rend(); ++a) {
        RUCHE_TRY(auto id, store::member_with_email(c, ws, a->email));
        if (!id) continue;
        auto theirs = p_.authz.access_in(c, UserId(*id), ws);
        if (!theirs || theirs->right("tasks") == Access::none) continue;
        assignees.push_back(std::move(*id));
        todo_extra.erase(a->at, a->line.size());  // from the last: the others stay where they are
      }
      in.assignee_ids = std::move(assignees);
    }
    Task t;
    if (before) {
      t = *before;
    } else {
      t.id = crypto::new_id_of<TaskId>();
      t.workspace_id = ws;
      t.created_by = caller.user_id.str();
      t.created_at_ms = now;
    }
    t.dav_name = name;
    t.ical_uid = todo.uid;
    t.ical_todo_extra = std::move(todo_extra);
    t.ical_calendar_extra = todo.calendar_extra;
    RUCHE_TRY(Task stored, before
                               ? update_task(c, caller, *before, std::move(t), in, true, false, now)
                               : insert_task(c, caller, std::move(t), in, false, now));
    return platform::CalendarPutResult{!before, etag_of(stored)};
  });
}

Result<void> Service::calendar_delete(const Caller& caller, const WorkspaceId& ws,
                                      const std::string& name,
                                      const std::optional<std::string>& if_match) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] auto access, reach_workspace(c, caller, ws, Access::write));
    RUCHE_TRY(std::optional<Task> t, store::task_named(c, ws, name));
    if (!t) return fail(Errc::not_found, "no such task");
    if (if_match && !dav::etag_listed(*if_match, etag_of(*t), false))
      return fail(Errc::precondition_failed, "the task changed since", "precondition_failed");
    return delete_task(c, caller, *t);
  });
}

Result<void> Service::export_workspace(db::Conn& c, const WorkspaceId& ws,
                                       platform::ExportWriter& out, std::int64_t now_ms) {
  RUCHE_CHECK(out.add("tasks/README.txt", kExportReadme, now_ms));
  platform::JsonLinesPages lines(out, "tasks/tasks", now_ms);
  RUCHE_TRY(const UidMap uids, store::uids(c, ws));
  RUCHE_TRY(const store::People people, store::people(c, ws));
  int page = 0;
  RUCHE_CHECK(store::each_task(c, ws, [&](std::vector<Task>& part) -> Result<void> {
    dav::IcalWriter w;
    w.begin("VCALENDAR");
    w.raw("VERSION", "2.0");
    w.raw("PRODID", "-//Ruche//Tasks//EN");
    // What CalDAV clients sent beside their VTODOs (time zones), each once.
    std::set<std::string_view> calendar_extras;
    for (const auto& t : part)
      if (!t.ical_calendar_extra.empty() && calendar_extras.insert(t.ical_calendar_extra).second)
        w.lines(t.ical_calendar_extra);
    for (const auto& t : part) {
      json::object o = to_json(t);
      for (const char* derived : {"workspace_id", "blocks", "blocked", "version", "comment_count"})
        o.erase(derived);
      json::object caldav;
      if (t.dav_name != t.id.str() + ".ics") caldav["name"] = t.dav_name;
      if (t.ical_uid != t.id.str() + "@ruche") caldav["uid"] = t.ical_uid;
      if (!t.ical_todo_extra.empty()) caldav["todo_extra"] = t.ical_todo_extra;
      if (!t.ical_calendar_extra.empty()) caldav["calendar_extra"] = t.ical_calendar_extra;
      if (!caldav.empty()) o["caldav"] = std::move(caldav);
      RUCHE_CHECK(lines.add(o));
      // A sealed task has nothing the server can write as a VTODO.
      if (t.token.empty()) write_vtodo(w, t, now_ms, uids, people);
    }
    w.end("VCALENDAR");
    char name[32];
    std::snprintf(name, sizeof name, "tasks/calendar/%06d.ics", ++page);
    return out.add(name, w.str(), now_ms);
  }));
  RUCHE_CHECK(lines.finish());
  // After the tasks: an import reads a comment once its task has its new id.
  platform::JsonLinesPages comments(out, "tasks/comments", now_ms);
  RUCHE_CHECK(store::each_comment(c, ws, [&](std::vector<Comment>& part) -> Result<void> {
    for (const auto& m : part) RUCHE_CHECK(comments.add(to_json(m)));
    return {};
  }));
  return comments.finish();
}

}  // namespace ruche::tasks
