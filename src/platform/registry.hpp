// The module registry: each workspace module (chat, files, tasks, calendar,
// calls, reports) declares itself here once: its name, what read and write
// mean for it, its HTTP routes, and the hooks that make platform features
// generic (export/import for reversibility, metrics for reports, search).
// Nothing else in the platform names a module.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/function_ref.hpp"
#include "base/json.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "platform/import.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

class Api;
class ExportWriter;
class Platform;

struct SearchHit {
  std::string type;          // "message", "file", ...
  std::string id;
  WorkspaceId workspace_id;
  std::string snippet;       // matches between U+E000 and U+E001
  double rank = 0;           // lower is better, comparable within a module
  json::object extra;        // module-specific fields (channel_id, path, ...)
};

// The words of a search query (split at spaces and tabs), at most 8
// (invalid "invalid_query" beyond).
Result<std::vector<std::string>> search_words(std::string_view query);

// `text` with every occurrence of `words` (ASCII case ignored) between
// U+E000 and U+E001, as search snippets mark matches.
std::string mark_matches(const std::string& text, const std::vector<std::string>& words);

// One of a module's contents as an iCalendar object (CalDAV), for
// ModuleDef::calendar_items.
struct CalendarItem {
  std::string name;  // "<id>.ics": its name in the collection
  std::string etag;  // with quotes
  std::string ics;   // one VCALENDAR
  std::int64_t updated_at_ms = 0;
};

// Which of a module's calendar items a read wants (ModuleDef::calendar_items).
struct CalendarItemQuery {
  const std::vector<std::string>* names = nullptr;  // those alone (a GET, a multiget); null: all
  // false: their names, ETags and dates are enough (a CTag, a listing of
  // ETags): `ics` may be left empty, and no object be written.
  bool with_ics = true;
};

// A CalDAV client's object for one of a module's calendar collections
// (ModuleDef::calendar_put).
struct CalendarPut {
  std::string name;                     // its resource name, checked as the calendar checks names
  std::string ics;                      // the body as sent (at most 256 KiB: dav::kMaxObjectBytes)
  std::optional<std::string> if_match;  // the If-Match header
  bool if_none_match_any = false;       // If-None-Match: *
};

struct CalendarPutResult {
  bool created = false;  // a new item (201), else one changed (204)
  std::string etag;      // the item's ETag now, with quotes
};

// The moment and period a report covers (docs/reports.md), as the reports
// module asks the other modules for their figures.
struct ReportPeriod {
  std::int64_t since_ms = 0;  // the period's start (midnight UTC, N days ago)
  std::int64_t now_ms = 0;    // its end: the report's moment
  // The reader's date ("YYYY-MM-DD", within a day of the UTC date): a due
  // date (a day, no time) before it is past, as the reader's board shows it.
  std::string today;
  // People listed at most where a module lists them (the tasks' assignees,
  // the busiest first): the page's table; a CSV by person lists everyone.
  std::size_t max_people = 100;
};

struct ModuleDef {
  std::string name;          // "chat": the name in workspace module lists and routes
  std::string read_means;    // what a read right allows, for the UI and docs
  std::string write_means;
  // The module may be active in an armoured workspace (SECURITY.md DATA-3,
  // docs/armoured.md): it keeps its contents there as ciphertext made in the
  // browsers, or keeps no contents. Activating one that may not answers 400
  // "armoured_unsupported".
  bool armoured = false;
  // Registers the module's routes. Called once at start-up.
  std::function<void(Api& api, Platform& platform)> routes;
  // Reversibility (SECURITY.md DATA-4): writes the module's part of a
  // workspace export under "<name>/" (export.hpp), with a README.txt saying
  // what is where, reading through `c`: the export's one read transaction,
  // so every module's part shows the same moment. `now_ms` dates the
  // documents it generates.
  std::function<Result<void>(db::Conn& c, const WorkspaceId& ws, ExportWriter& out, std::int64_t now_ms)>
      export_to;
  // Reads back what export_to wrote, into a new workspace (import.hpp).
  std::function<Result<std::unique_ptr<ModuleImport>>(const ImportContext& ctx)> import_from;
  // Activity figures for reports ({"messages": 12, ...}).
  std::function<Result<json::object>(db::Conn& c, const WorkspaceId& ws,
                                     const ReportPeriod& period)>
      metrics;
  // Search among the workspaces the caller may read this module in;
  // `filters` are the request's other query parameters (channel, author, ...).
  std::function<Result<std::vector<SearchHit>>(
      db::Conn& c, const Caller& caller, const std::vector<WorkspaceId>& readable,
      std::string_view query, const std::map<std::string, std::string>& filters, int limit)>
      search;
  // The type of `search`'s hits ("message"): a search for another type
  // (GET /search?type=…) asks this module nothing.
  std::string search_type;
  // Called before `search`, outside any transaction: brings the module's
  // search index up to every acknowledged write (read-your-writes).
  std::function<Result<void>()> search_sync;
  // The members of one of the module's scopes (a chat channel), as sorted
  // user ids, or null when the scope does not exist. Called for every scoped
  // event on the delivery path: cache, and stay thread-safe.
  std::function<std::shared_ptr<const std::vector<std::string>>(const std::string& scope)>
      scope_members;
  // A message a client sent on the events WebSocket with a type this module
  // owns ("chat.typing"): the caller is a member with read access to the
  // module in `ws`. Must not block for long (it runs on a worker).
  std::function<void(const Caller& caller, const WorkspaceAccess& access, std::string_view type,
                     const json::object& message)>
      client_message;
  // Called once at shutdown, while the platform still exists: stop
  // background work and release what `routes` created.
  std::function<void()> shutdown;
  // Called when the workspace is deleted, inside the deleting transaction,
  // to remove the module's rows (blobs are released after commit).
  std::function<Result<void>(db::Conn& c, const WorkspaceId& ws)> purge;
  // Called when someone stops being a member of the workspace (removed, or
  // leaving), inside that transaction: the module drops what only a member
  // holds (channel memberships, favorites), so that being invited again
  // later gives back nothing of it. Not called when a membership expires:
  // it may be renewed.
  std::function<Result<void>(db::Conn& c, const WorkspaceId& ws, const UserId& user)> member_left;
  // `user` changed their name or time zone, in the transaction that changes
  // it: what the module writes from the name when read (a task's VTODO
  // names its assignees) takes a new version, so that its ETag moves; what
  // it times on their clock (an all-day event's reminders) moves.
  std::function<Result<void>(db::Conn& c, const UserId& user, const PersonChanged& what)>
      person_changed;
  // The module's contents as calendar objects (tasks as VTODOs), which
  // CalDAV serves as a collection of their own beside the workspace's
  // calendar to those who may read this module: those of `ws` the query
  // names (every one when it names none), read through `c`, each given to
  // `fn` as it is made. Read only unless the module has calendar_put and
  // calendar_delete.
  std::function<Result<void>(db::Conn& c, const WorkspaceId& ws, const CalendarItemQuery& q,
                             FunctionRef<Result<void>(CalendarItem&)> fn)>
      calendar_items;
  // A CalDAV PUT into that collection: the module reads the object into its
  // own records, under its own rules (rights, checks, events), in a write
  // transaction of its own; the item it serves after is rebuilt from them,
  // not the bytes sent. Errors: not_found when `caller` may not read the
  // module in `ws`; forbidden "read_only" without its write right;
  // precondition_failed for `if_match` or `if_none_match_any`; invalid
  // with a CalDAV precondition as code ("valid-calendar-data",
  // "supported-calendar-component", "valid-calendar-object-resource",
  // "max-resource-size") or the module's own; conflict "no-uid-conflict"
  // (another item has the UID, or the item's UID would change) or the
  // module's own.
  std::function<Result<CalendarPutResult>(const Caller& caller, const WorkspaceId& ws,
                                          const CalendarPut& put)>
      calendar_put;
  // A CalDAV DELETE of the item `name`, as the module deletes it. Errors as
  // calendar_put's, and not_found for a name no item has.
  std::function<Result<void>(const Caller& caller, const WorkspaceId& ws, const std::string& name,
                             const std::optional<std::string>& if_match)>
      calendar_delete;
  // The module that keeps the workspaces' storage quota (files: its usage
  // and the administrators' quota, docs/files.md "Quota") takes the bytes
  // other modules keep (chat attachments) into it, in their write
  // transaction: `bytes` more (insufficient_storage "quota_exceeded" past the
  // quota) or, negative, fewer. One module at most has it.
  std::function<Result<void>(db::Conn& c, const WorkspaceId& ws, std::int64_t bytes)> storage;
};

class ModuleRegistry {
 public:
  // Throws std::invalid_argument on a duplicate or malformed name (start-up).
  void add(ModuleDef def);
  const ModuleDef* find(std::string_view name) const;
  const std::vector<ModuleDef>& modules() const { return modules_; }
  std::vector<std::string> names() const;
  // ModuleDef::storage of the module that keeps the quota; nothing without
  // one.
  Result<void> charge_storage(db::Conn& c, const WorkspaceId& ws, std::int64_t bytes) const;

 private:
  std::vector<ModuleDef> modules_;
};

}  // namespace ruche::platform
