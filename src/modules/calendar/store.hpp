// Calendar's SQL: the only file that knows the calendar_* tables. Every
// function runs inside the caller's read() or write() transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/function_ref.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "modules/calendar/calendar.hpp"

namespace ruche::calendar::store {

// The collection's last change number (0: nothing written yet).
Result<std::int64_t> seq(db::Conn& c, const Collection& col);
// Takes the collection's next change number, creating its row: the row's
// lock orders the collection's writers until the transaction ends.
Result<std::int64_t> next_seq(db::Conn& c, const Collection& col);

Result<std::optional<Object>> object(db::Conn& c, const EventId& id);
Result<std::optional<Object>> object_named(db::Conn& c, const std::string& collection_id,
                                           const std::string& name);
// The id of the collection's object with `uid`, if any.
Result<std::optional<Object>> object_with_uid(db::Conn& c, const std::string& collection_id,
                                              const std::string& uid);
// Objects of `names` in the collection (those that exist).
Result<std::vector<Object>> objects_named(db::Conn& c, const std::string& collection_id,
                                          const std::vector<std::string>& names);
// The collection's objects whose span meets [from_ms, to_ms) (every one
// without a range), in name order; `with_text` reads their iCalendar text.
Result<void> each_object(db::Conn& c, const std::string& collection_id,
                         std::optional<std::pair<std::int64_t, std::int64_t>> range, bool with_text,
                         FunctionRef<Result<void>(Object&)> fn);
Result<std::int64_t> count(db::Conn& c, const std::string& collection_id);

// Changed (`deleted` false) and deleted names since `since`, the latest
// number last; at most `limit`.
struct Change {
  std::string name;
  std::int64_t seq = 0;
  bool deleted = false;
};
Result<std::vector<Change>> changes_since(db::Conn& c, const std::string& collection_id,
                                          std::int64_t since, int limit);

Result<void> insert(db::Conn& c, const Object& o);
Result<void> update(db::Conn& c, const Object& o);
// Removes the object and leaves its name's tombstone at `seq`.
Result<void> remove(db::Conn& c, const Object& o, std::int64_t seq);

// Objects of `collection_ids` whose title, description or location holds
// every one of `words` (case-insensitive as tasks' search), latest first.
Result<std::vector<Object>> search(db::Conn& c, const std::vector<std::string>& collection_ids,
                                   const std::vector<std::string>& words, int limit);

// Activity since `since_ms`: {events_created, events_upcoming}.
Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms,
                             std::int64_t now_ms);

}  // namespace ruche::calendar::store
