// Calendar's rules: who may see and change which calendar, checks, change
// numbers, events. No HTTP (routes.cpp, dav.cpp), no SQL (store.hpp).
// Thread-safe; every call blocks (database): worker threads only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "modules/calendar/calendar.hpp"
#include "modules/calendar/store.hpp"
#include "platform/export.hpp"
#include "platform/import.hpp"
#include "platform/platform.hpp"

namespace ruche::calendar {

// An event's fields from a request's JSON object, checked (docs/calendar.md).
// Errors: invalid with the field's code.
Result<dav::EventEdit> parse_edit(const json::object& o);

// A resource name in a collection: 1 to 255 bytes, no '/', no control
// character, not "." or "..".
bool valid_name(std::string_view name);

// A calendar as the caller reaches it.
struct Calendar {
  Collection col;
  // Its URL segment: "personal", the workspace id, or for another module's
  // items (ModuleDef::calendar_items) "<workspace id>.<module>".
  std::string segment;
  std::string display_name;  // "Personal", the workspace's name
  // The caller may write: the calendar module's write right, or in another
  // module's collection that module's, when it takes objects.
  bool writable = false;
  // Its last change number; for another module's items, a digest of their
  // names and ETags (a CTag: it changes when they do), only where asked.
  std::int64_t seq = 0;
  std::string feed;  // the module whose items it shows; "" for a calendar
};
class Service {
 public:
  explicit Service(platform::Platform& p) : p_(p) {}
  platform::Platform& platform() { return p_; }

  // --- the JSON API ---
  // Errors everywhere: not_found for what the caller may not see, forbidden
  // "read_only" for writes without the write right, invalid for bad fields,
  // conflict "calendar_full" past kMaxObjects, precondition_failed when
  // `if_match` is not the object's ETag.
  // Occurrences in [from, to) of the workspace's calendar, or (no
  // workspace) of the caller's own and every workspace calendar they read.
  Result<json::array> occurrences(const platform::Caller& caller,
                                  const std::optional<WorkspaceId>& ws, std::int64_t from_ms,
                                  std::int64_t to_ms);
  Result<Object> create(const platform::Caller& caller, const std::optional<WorkspaceId>& ws,
                        const dav::EventEdit& edit);
  Result<Object> get(const platform::Caller& caller, const EventId& id);
  Result<Object> change(const platform::Caller& caller, const EventId& id,
                        const dav::EventEdit& edit, const std::optional<std::string>& if_match);
  Result<void> remove(const platform::Caller& caller, const EventId& id,
                      const std::optional<std::string>& if_match);

  // --- CalDAV ---
  // The caller's calendars: their own first, then each workspace calendar
  // they may read, by name.
  Result<std::vector<Calendar>> calendars(const platform::Caller& caller);
  // One of them by URL segment; `with_ctag`: with its `seq` (reading every
  // item of another module's collection), for what shows it. Errors: not_found.
  Result<Calendar> calendar(const platform::Caller& caller, std::string_view segment,
                            bool with_ctag);
  Result<void> each_object(const Calendar& cal,
                           std::optional<std::pair<std::int64_t, std::int64_t>> range,
                           bool with_text, FunctionRef<Result<void>(Object&)> fn);
  Result<std::vector<Object>> objects_named(const Calendar& cal,
                                            const std::vector<std::string>& names);
  Result<std::optional<Object>> object_named(const Calendar& cal, const std::string& name);
  struct Put {
    Object object;
    bool created = false;
    // Stored byte for byte: the object's ETag is that of the bytes sent.
    // Not so in another module's collection, which rebuilds its items.
    bool as_sent = true;
  };
  // Stores `ics` as `name`. `if_match`: an If-Match header (412 unless it
  // names the object's ETag or "*" with an object); `if_none_match_any`:
  // If-None-Match: * (412 when the name exists). Errors: invalid with the
  // CalDAV precondition as code (dav::inspect), conflict "no-uid-conflict".
  // In another module's collection (ModuleDef::calendar_put), the module
  // stores it under its own rules (`object` then holds only its name and
  // ETag); remove_named deletes there through calendar_delete.
  Result<Put> put(const platform::Caller& caller, const std::string& segment,
                  const std::string& name, std::string ics,
                  const std::optional<std::string>& if_match, bool if_none_match_any);
  Result<void> remove_named(const platform::Caller& caller, const std::string& segment,
                            const std::string& name, const std::optional<std::string>& if_match);
  // Changes after `since` (at most `limit`), and the calendar's number now.
  // Errors: invalid "valid-sync-token" for a number it never gave.
  Result<std::pair<std::vector<store::Change>, std::int64_t>> changes(const Calendar& cal,
                                                                      std::int64_t since,
                                                                      int limit);

  // --- registry hooks (platform/registry.hpp) ---
  Result<std::vector<platform::SearchHit>> search(db::Conn& c,
                                                  const std::vector<WorkspaceId>& readable,
                                                  std::string_view query, int limit);
  Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms);
  Result<void> export_workspace(db::Conn& c, const WorkspaceId& ws, platform::ExportWriter& out,
                                std::int64_t now_ms);
  Result<std::unique_ptr<platform::ModuleImport>> importer(const platform::ImportContext& ctx);

 private:
  // The calendar `col` is, as `user` reaches it in `c`, needing `need`.
  Result<Calendar> reach(db::Conn& c, const UserId& user, const Collection& col,
                         platform::Access need);
  Result<Calendar> reach_segment(db::Conn& c, const UserId& user, std::string_view segment,
                                 platform::Access need);
  // The module whose collection `segment` names, when it is another
  // module's and `caller` may write there (reach_segment's errors); null
  // for a calendar of this module.
  Result<const platform::ModuleDef*> feed_writer(const platform::Caller& caller,
                                                 std::string_view segment);
  static WorkspaceId workspace_of_feed(std::string_view segment);
  // The digest of another module's items into `cal.seq` (its CTag).
  Result<void> feed_ctag(db::Conn& c, Calendar& cal);
  // The items of `cal` (a feed), as objects.
  // The event `id` and its calendar, as `caller` reaches it with `need`;
  // precondition_failed when `if_match` does not name its ETag.
  Result<std::pair<Object, Calendar>> reach_event(db::Conn& c, const platform::Caller& caller,
                                                  const EventId& id, platform::Access need,
                                                  const std::optional<std::string>& if_match);
  Result<std::vector<Object>> feed_objects(db::Conn& c, const Calendar& cal);
  // Writes `o` (new when `before` is null) as the collection's next change;
  // its events after.
  Result<Object> store_object(db::Conn& c, const platform::Caller& caller, const Calendar& cal,
                              Object o, const Object* before);
  Result<void> delete_object(db::Conn& c, const platform::Caller& caller, const Calendar& cal,
                             const Object& o);

  platform::Platform& p_;
};

}  // namespace ruche::calendar
