// Tasks' side of a workspace import (platform/import.hpp): reads back what
// Service::export_workspace wrote. Each page of tasks/tasks/*.jsonl is one
// transaction (new ids, people mapped, fields checked as the API checks
// them); the dependencies, which may name tasks of later pages, are written
// at the end, once every task has its new id. The .ics pages are a view of
// the same tasks and are not read.
#include <algorithm>
#include <map>
#include <set>

#include "core/crypto/random.hpp"
#include "modules/tasks/ical.hpp"
#include "modules/tasks/service.hpp"

namespace ruche::tasks {
namespace {

Result<void> bad(std::string message) {
  return fail(Errc::invalid, "tasks: " + std::move(message), "bad_export");
}

using platform::record::text;
using platform::record::time;

bool printable(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; });
}

// The task's CalDAV fields from its record's "caldav" (Service::
// export_workspace): a name and UID as CalDAV takes them, and extra lines
// that a VTODO written with them reads back the same.
Result<void> read_caldav(const json::value& v, Task& t) {
  const json::object* o = v.if_object();
  if (!o) return bad("caldav is an object");
  auto field = [&](std::string_view key) -> Result<std::string> {
    const json::value* f = o->if_contains(key);
    if (!f) return std::string();
    if (!f->is_string())
      return fail(Errc::invalid, "tasks: caldav." + std::string(key) + " is a string",
                  "bad_export");
    return std::string(f->as_string());
  };
  RUCHE_TRY(t.dav_name, field("name"));
  RUCHE_TRY(t.ical_uid, field("uid"));
  RUCHE_TRY(t.ical_todo_extra, field("todo_extra"));
  RUCHE_TRY(t.ical_calendar_extra, field("calendar_extra"));
  if (!t.dav_name.empty() && !is_dav_name(t.dav_name))
    return bad("a CalDAV name ends with .ics (at most 255 bytes, no slash)");
  if (t.ical_uid.size() > 255 || !printable(t.ical_uid))
    return bad("a UID is one line of at most 255 bytes");
  if (t.ical_todo_extra.size() + t.ical_calendar_extra.size() > kMaxIcalExtraBytes)
    return bad("at most 192 KiB of iCalendar lines per task");
  if (!check_ical_extras(t)) return bad("iCalendar lines that do not stay as they are in a VTODO");
  return {};
}

// Whether some of `waits` (a task -> the tasks it waits for) wait for each
// other, directly or not: none could ever be done, and the API refuses such
// a dependency (dependency_cycle). A walk in depth, without recursion.
bool circular(const std::map<std::string, std::vector<std::string>, std::less<>>& waits) {
  enum class Mark { seen, done };
  std::map<std::string_view, Mark> marks;
  for (const auto& [start, _] : waits) {
    if (marks.count(start)) continue;
    // (task, the next of its dependencies to follow)
    std::vector<std::pair<std::string_view, std::size_t>> path{{start, 0}};
    marks[start] = Mark::seen;
    while (!path.empty()) {
      auto& [task, next] = path.back();
      auto it = waits.find(task);
      if (it == waits.end() || next == it->second.size()) {
        marks[task] = Mark::done;
        path.pop_back();
        continue;
      }
      const std::string& dep = it->second[next++];
      auto mark = marks.find(dep);
      if (mark == marks.end()) {
        marks[dep] = Mark::seen;
        path.emplace_back(dep, 0);
      } else if (mark->second == Mark::seen) {
        return true;  // back on the path
      }
    }
  }
  return false;
}

class TasksImport final : public platform::ModuleImport {
 public:
  TasksImport(platform::Platform& p, const platform::ImportContext& ctx) : p_(p), ctx_(ctx) {}

  Result<void> entry(platform::ImportEntry& e) override {
    const std::string& path = e.entry().path;
    if (e.entry().folder || !path.ends_with(".jsonl")) return {};
    if (path.starts_with("tasks/comments/")) return comments(e);
    if (!path.starts_with("tasks/tasks/")) return {};
    RUCHE_TRY(auto lines, e.lines());
    // An armoured workspace's cards and checklist texts are sealed, bound to
    // the archive's ids (docs/armoured.md, "Importing an armoured archive"):
    // checked before the page's transaction, on every core.
    if (ctx_.armour)
      RUCHE_CHECK(ctx_.armour->check_each(lines.size(), [&](std::size_t i) -> Result<void> {
        const json::object& o = lines[i];
        const std::string token = text(o, "token");
        RUCHE_CHECK(sealed(text(o, "sealed"), kCardDomain, text(o, "sealed_by"), token));
        if (const json::value* list = o.if_contains("checklist"); list && list->is_array())
          for (const auto& item : list->as_array()) {
            if (!item.is_object()) return bad("a checklist item is an object");
            RUCHE_CHECK(sealed(text(item.as_object(), "text"), kItemDomain,
                               text(item.as_object(), "text_by"), token));
          }
        return {};
      }));
    std::vector<Task> page;
    std::map<std::string, std::string> ids;  // this page's: archive -> new
    std::set<std::string> names, uids;       // this page's CalDAV names and UIDs
    std::vector<std::pair<std::string, std::vector<std::string>>> waits;  // new id -> archive ids
    for (const json::object& o : lines) {
      auto in = parse_input(o);
      if (!in) return bad(in.error().message);
      Task t;
      const std::string old = text(o, "id");
      if (!is_id(old) || ids_.count(old) || ids.count(old))
        return bad("a task without an id, or twice");
      t.id = crypto::new_id_of<TaskId>();
      t.workspace_id = ctx_.workspace;
      auto checked = check_fields(*in, t, true, ctx_.armour != nullptr);
      if (!checked) return bad(checked.error().message);
      if (const json::value* dav = o.if_contains("caldav")) RUCHE_CHECK(read_caldav(*dav, t));
      if ((!t.dav_name.empty() && (names_.count(t.dav_name) || !names.insert(t.dav_name).second)) ||
          (!t.ical_uid.empty() && (uids_.count(t.ical_uid) || !uids.insert(t.ical_uid).second)))
        return bad("a CalDAV name or UID twice");
      t.created_by = ctx_.user(text(o, "created_by"));
      if (ctx_.armour) t.sealed_by = ctx_.user(text(o, "sealed_by"));
      t.created_at_ms = time(o, "created_at").value_or(ctx_.now_ms);
      t.updated_at_ms = time(o, "updated_at").value_or(t.created_at_ms);
      if (t.status == Status::done)
        t.completed_at_ms = time(o, "completed_at").value_or(t.updated_at_ms);
      // The checklist's items (check_fields made them, in order): who ticked them and when.
      if (const json::value* list = o.if_contains("checklist"); list && list->is_array()) {
        const auto& items = list->as_array();
        for (std::size_t i = 0; i < t.checklist.size() && i < items.size(); ++i) {
          ChecklistItem& item = t.checklist[i];
          item.created_at_ms = t.created_at_ms;
          if (!items[i].is_object()) continue;
          const json::object& r = items[i].as_object();
          const std::string by = text(r, "text_by");
          item.text_by = by.empty() ? t.created_by : ctx_.user(by);
          if (!item.done) continue;
          const std::string ticked_by = text(r, "done_by");
          item.done_by = ticked_by.empty() ? t.created_by : ctx_.user(ticked_by);
          item.done_at_ms = time(r, "done_at").value_or(t.updated_at_ms);
        }
      }
      // People with no account here are left off (their tasks stay).
      for (const auto& u : in->assignee_ids.value_or(std::vector<std::string>{}))
        if (ctx_.known_user(u)) t.assignee_ids.push_back(ctx_.user(u));
      std::sort(t.assignee_ids.begin(), t.assignee_ids.end());
      t.assignee_ids.erase(std::unique(t.assignee_ids.begin(), t.assignee_ids.end()),
                           t.assignee_ids.end());
      if (t.assignee_ids.size() > kMaxAssignees ||
          in->blocked_by.value_or(std::vector<std::string>{}).size() > kMaxBlockers)
        return bad("too many assignees or dependencies");
      ids[old] = t.id.str();
      if (in->blocked_by && !in->blocked_by->empty())
        waits.emplace_back(t.id.str(), *in->blocked_by);
      page.push_back(std::move(t));
    }
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
      for (const auto& t : page) {
        RUCHE_CHECK(store::insert(c, t));
        RUCHE_CHECK(store::set_assignees(c, t));
        RUCHE_CHECK(store::set_labels(c, t));
        RUCHE_CHECK(index_due_alerts(c, t, p_.clock.now_ms()));
        for (const auto& item : t.checklist) RUCHE_CHECK(store::insert_item(c, t.id, item));
      }
      return {};
    }));
    // Kept once committed (a write may run twice: it must find these as they were).
    ids_.insert(ids.begin(), ids.end());
    for (const json::object& o : lines)
      if (ctx_.armour) tokens_[text(o, "id")] = text(o, "token");
    names_.insert(names.begin(), names.end());
    uids_.insert(uids.begin(), uids.end());
    for (auto& w : waits) waits_.push_back(std::move(w));
    return {};
  }

  // A page of comments, on tasks read before (the export writes them after).
  Result<void> comments(platform::ImportEntry& e) {
    RUCHE_TRY(auto lines, e.lines());
    if (ctx_.armour)
      RUCHE_CHECK(ctx_.armour->check_each(lines.size(), [&](std::size_t i) -> Result<void> {
        const json::object& o = lines[i];
        auto task = tokens_.find(text(o, "task_id"));
        if (task == tokens_.end()) return {};  // refused below
        return sealed(text(o, "body"), kCommentDomain, text(o, "author_id"), task->second);
      }));
    std::vector<Comment> page;
    for (const json::object& o : lines) {
      Comment m;
      auto task = ids_.find(text(o, "task_id"));
      if (task == ids_.end()) return bad("a comment on a task the archive does not hold before it");
      m.id = crypto::new_id_of<CommentId>();
      m.task_id = TaskId(task->second);
      m.author_id = ctx_.user(text(o, "author_id"));
      auto body = check_comment_body(text(o, "body"), ctx_.armour != nullptr);
      if (!body) return bad(body.error().message);
      m.body = std::move(*body);
      m.created_at_ms = time(o, "created_at").value_or(ctx_.now_ms);
      m.edited_at_ms = time(o, "edited_at");
      if (++comments_[m.task_id.str()] > kMaxComments) return bad("too many comments on a task");
      page.push_back(std::move(m));
    }
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
      for (const auto& m : page) RUCHE_CHECK(store::insert_comment(c, m));
      return {};
    }));
    comments_total_ += static_cast<std::int64_t>(page.size());
    return {};
  }

  // A sealed text of the archive by `author` (their id there) for the task
  // of `token`, checked with the ids and keys of its era.
  Result<void> sealed(const std::string& record, std::string_view domain, const std::string& author,
                      const std::string& token) const {
    if (record.empty() || token.empty()) return bad("an armoured task without its sealed texts");
    auto checked = ctx_.armour->check(record, "", domain, author, [&](const auto& b) {
      return std::string(b.workspace) + "\n" + token + "\n" + std::string(b.author);
    });
    if (!checked) return tl::unexpected(checked.error());
    return {};
  }

  Result<json::object> finish() override {
    // Dependencies on tasks the archive does not hold are dropped.
    std::map<std::string, std::vector<std::string>, std::less<>> waits;
    for (const auto& [id, olds] : waits_) {
      std::vector<std::string>& on = waits[id];
      for (const auto& old : olds) {
        auto it = ids_.find(old);
        if (it != ids_.end() && it->second != id) on.push_back(it->second);
      }
      std::sort(on.begin(), on.end());
      on.erase(std::unique(on.begin(), on.end()), on.end());
    }
    if (circular(waits))
      return tl::unexpected(bad("tasks that wait for each other in a circle").error());
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
      for (const auto& [id, on] : waits) {
        Task t;
        t.id = TaskId(id);
        t.blocked_by = on;
        RUCHE_CHECK(store::set_blockers(c, t));
      }
      return {};
    }));
    json::object o;
    o["tasks"] = static_cast<std::int64_t>(ids_.size());
    o["task_comments"] = comments_total_;
    return o;
  }

 private:
  platform::Platform& p_;
  const platform::ImportContext& ctx_;
  std::map<std::string, std::string> ids_;  // archive id -> new id
  std::set<std::string> names_, uids_;      // CalDAV names and UIDs given so far
  std::vector<std::pair<std::string, std::vector<std::string>>> waits_;
  std::map<std::string, std::int64_t> comments_;  // new task id -> comments read
  std::map<std::string, std::string> tokens_;     // archive id -> token (armoured)
  std::int64_t comments_total_ = 0;
};

}  // namespace

Result<std::unique_ptr<platform::ModuleImport>> Service::importer(
    const platform::ImportContext& ctx) {
  return std::make_unique<TasksImport>(p_, ctx);
}

}  // namespace ruche::tasks
