#include "modules/tasks/tasks.hpp"

#include <algorithm>

#include "base/clock.hpp"
#include "dav/ical_object.hpp"

namespace ruche::tasks {

std::string_view status_name(Status s) {
  switch (s) {
    case Status::todo:
      return "todo";
    case Status::doing:
      return "doing";
    case Status::done:
      return "done";
  }
  return "todo";
}

std::optional<Status> status_of(std::string_view name) {
  if (name == "todo") return Status::todo;
  if (name == "doing") return Status::doing;
  if (name == "done") return Status::done;
  return std::nullopt;
}

namespace {
json::array strings(const std::vector<std::string>& list) {
  json::array a;
  for (const auto& s : list) a.emplace_back(s);
  return a;
}
}  // namespace

json::object to_json(const Task& t) {
  json::object o;
  o["id"] = t.id.str();
  o["workspace_id"] = t.workspace_id.str();
  o["title"] = t.title;
  o["description"] = t.description;
  o["status"] = status_name(t.status);
  o["position"] = t.position;
  o["assignee_ids"] = strings(t.assignee_ids);
  o["labels"] = strings(t.labels);
  o["due"] = t.due ? json::value(*t.due) : nullptr;
  o["blocked_by"] = strings(t.blocked_by);
  o["blocks"] = strings(t.blocks);
  o["blocked"] = t.blocked;
  o["created_by"] = t.created_by;
  o["created_at"] = format_iso8601(t.created_at_ms);
  o["updated_at"] = format_iso8601(t.updated_at_ms);
  o["completed_at"] = t.completed_at_ms ? json::value(format_iso8601(*t.completed_at_ms)) : nullptr;
  o["version"] = t.version;
  json::array checklist;
  for (const auto& i : t.checklist) checklist.push_back(to_json(i));
  o["checklist"] = std::move(checklist);
  o["comment_count"] = t.comment_count;
  if (!t.token.empty()) {
    o["token"] = t.token;
    o["sealed"] = t.sealed;
    o["sealed_by"] = t.sealed_by;
  }
  return o;
}

json::object to_json(const ChecklistItem& i) {
  json::object o;
  o["id"] = i.id.str();
  o["text"] = i.text;
  o["text_by"] = i.text_by;
  o["done"] = i.done;
  o["position"] = i.position;
  o["done_by"] = i.done_by ? json::value(*i.done_by) : nullptr;
  o["done_at"] = i.done_at_ms ? json::value(format_iso8601(*i.done_at_ms)) : nullptr;
  return o;
}

json::object to_json(const Comment& c) {
  json::object o;
  o["id"] = c.id.str();
  o["task_id"] = c.task_id.str();
  o["author_id"] = c.author_id;
  o["body"] = c.body;
  o["created_at"] = format_iso8601(c.created_at_ms);
  o["edited_at"] = c.edited_at_ms ? json::value(format_iso8601(*c.edited_at_ms)) : nullptr;
  return o;
}

std::string etag_of(const Task& t) {
  return etag_of(t.version);
}

std::string etag_of(std::int64_t version) {
  return "\"v" + std::to_string(version) + "\"";
}

bool is_dav_name(std::string_view name) {
  if (name.size() <= 4 || name.size() > kMaxDavNameBytes) return false;
  std::string ext(name.substr(name.size() - 4));
  for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (ext != ".ics") return false;
  return std::none_of(name.begin(), name.end(), [](unsigned char ch) {
    return ch < 0x20 || ch == 0x7f || ch == '/' || ch == '\\';
  });
}

std::optional<DueAlert> due_alert(const Task& t, std::string_view zone) {
  if (!t.due || !t.due_ms) return std::nullopt;
  constexpr std::int64_t kDay = 86'400'000;
  const bool date = t.due->size() == 10;
  // The due day's midnight UTC: the date as given, or the due time's date
  // on the person's clock.
  std::int64_t day = *t.due_ms;
  if (!date && !parse_iso8601(dav::wall_clock_text(*t.due_ms, zone).substr(0, 10), day))
    return std::nullopt;
  const std::int64_t begins = dav::day_start(day, zone);
  const std::int64_t morning = begins + std::int64_t{kDueAlertHour} * 3'600'000;
  if (date) return DueAlert{morning, dav::day_start(day + kDay, zone)};
  return DueAlert{std::min(morning, *t.due_ms), *t.due_ms};
}

}  // namespace ruche::tasks
