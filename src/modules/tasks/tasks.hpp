// Tasks: a workspace's board of tasks (docs/tasks.md). The public face of
// the module: its types, their JSON, and its registry declaration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/id.hpp"
#include "base/json.hpp"
#include "platform/registry.hpp"
#include "platform/types.hpp"

namespace ruche::tasks {

using TaskId = Id<struct TaskIdTag>;
using ChecklistItemId = Id<struct ChecklistItemIdTag>;
using CommentId = Id<struct TaskCommentIdTag>;

enum class Status { todo, doing, done };
std::string_view status_name(Status s);
std::optional<Status> status_of(std::string_view name);

inline constexpr std::size_t kMaxTitleBytes = 300;
inline constexpr std::size_t kMaxDescriptionBytes = 20'000;
inline constexpr std::size_t kMaxLabels = 20;
inline constexpr std::size_t kMaxLabelBytes = 40;
inline constexpr std::size_t kMaxAssignees = 20;
inline constexpr std::size_t kMaxBlockers = 50;
inline constexpr int kMaxPage = 1000;
// A change touching more other tasks than this (a person assigned to many
// leaving) tells clients with one tasks.changed, not a task.updated each.
inline constexpr std::size_t kMaxTaskEvents = 100;
// A task's checklist and comments (docs/tasks.md).
inline constexpr std::size_t kMaxChecklistItems = 100;
inline constexpr std::size_t kMaxChecklistTextBytes = 500;
inline constexpr std::size_t kMaxCommentBytes = 10'000;
inline constexpr std::int64_t kMaxComments = 10'000;
// People one comment tells of their mention, at most.
inline constexpr std::size_t kMaxMentionNotices = 50;
inline constexpr int kMaxCommentPage = 200;
inline constexpr int kDefaultCommentPage = 100;
// The domains of an armoured workspace's sealed texts (docs/armoured.md,
// "Tasks"): each bound to the workspace, the task's token and its author.
inline constexpr std::string_view kCardDomain = "ruche-tasks-card";
inline constexpr std::string_view kItemDomain = "ruche-tasks-item";
inline constexpr std::string_view kCommentDomain = "ruche-tasks-comment";
// CalDAV (docs/tasks.md): a resource name, and what a client sent that a
// task does not model, kept to write back (the rest of the object's 256 KiB
// holds the modeled fields, however long they grow).
inline constexpr std::size_t kMaxDavNameBytes = 255;
inline constexpr std::size_t kMaxIcalExtraBytes = 192 * 1024;
// ATTENDEE and RELATED-TO;RELTYPE=DEPENDS-ON lines of one VTODO: each is
// looked up in the workspace (100, as an event's attendees).
inline constexpr std::size_t kMaxIcalPeopleOrDependencies = 100;
inline constexpr int kDefaultPage = 500;
// A new task goes this far after the last of its column.
inline constexpr double kPositionStep = 1024;

// One line of a task's checklist.
struct ChecklistItem {
  ChecklistItemId id;
  std::string text;     // in an armoured workspace, a sealed text
  std::string text_by;  // who wrote it
  bool done = false;
  double position = 0;
  std::optional<std::string> done_by;  // who ticked it, while ticked
  std::optional<std::int64_t> done_at_ms;
  std::int64_t created_at_ms = 0;
};

// A comment on a task: its conversation, not its state (no version).
struct Comment {
  CommentId id;
  TaskId task_id;
  std::string author_id;
  std::string body;  // Markdown; in an armoured workspace, a sealed text
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> edited_at_ms;
};

struct Task {
  TaskId id;
  WorkspaceId workspace_id;
  std::string title;
  std::string description;  // Markdown
  Status status = Status::todo;
  double position = 0;
  std::optional<std::string> due;  // as given: "2026-12-10" or a date and time
  std::optional<std::int64_t> due_ms;
  std::vector<std::string> assignee_ids;  // sorted
  std::vector<std::string> labels;        // sorted
  std::vector<std::string> blocked_by;    // sorted
  std::vector<std::string> blocks;        // sorted: the tasks waiting for this one
  bool blocked = false;                   // one of blocked_by is not done
  std::string created_by;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::optional<std::int64_t> completed_at_ms;
  std::int64_t version = 1;
  std::vector<ChecklistItem> checklist;  // in order
  std::int64_t comment_count = 0;
  // Armoured workspaces (docs/armoured.md, "Tasks"): the token its sealed
  // texts are bound to (16 random bytes, base64url, made by the browser
  // that created it), its card (title, description and labels, sealed) and
  // who sealed it. Empty elsewhere; title, description and labels are empty
  // there.
  std::string token, sealed, sealed_by;
  // Its resource in the workspace's CalDAV tasks collection and the UID of
  // its VTODO: the client's when a client made it, else "<id>.ics" and
  // "<id>@ruche" (store::insert sets those when empty). Each unique in the
  // workspace.
  std::string dav_name;
  std::string ical_uid;
  // What a CalDAV client sent that a task does not model, as content lines
  // written back as they came: the VTODO's (alarms, X- properties) and its
  // VCALENDAR's (time zones). Read by store::each_task and written by
  // store::set_ical only: empty in tasks read otherwise.
  std::string ical_todo_extra;
  std::string ical_calendar_extra;
};

// As the API answers them (docs/api.md, "Tasks").
json::object to_json(const Task& t);
json::object to_json(const ChecklistItem& i);
json::object to_json(const Comment& c);
// `"v<version>"`: the task's ETag.
std::string etag_of(const Task& t);
std::string etag_of(std::int64_t version);  // a task's ETag from its version alone
// A resource name a task may have in the CalDAV tasks collection: ends with
// ".ics" (any case), at most kMaxDavNameBytes, no '/', backslash or control
// character.
bool is_dav_name(std::string_view name);

// When an assignee whose clock is `zone` ("" for UTC) hears that open task
// `t` is due (docs/tasks.md, "Due today"): at kDueAlertHour on its due day
// on their clock, or at its due time when that is earlier; and until when
// that still holds (the end of a due day, or the due time). None without a
// due date.
inline constexpr int kDueAlertHour = 9;
struct DueAlert {
  std::int64_t at_ms = 0;
  std::int64_t until_ms = 0;
};
std::optional<DueAlert> due_alert(const Task& t, std::string_view zone);

// The module's declaration for the registry (modules/all.cpp).
platform::ModuleDef module();

}  // namespace ruche::tasks
