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

// Inside a write, object() and object_named() lock its row until the write
// ends (Conn::for_update): the write changes it from what it read.
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

// --- invitations: the attendees of events Ruche schedules ---

// An account that shares a workspace with `user_id` (not disabled), found by
// its email or its id.
struct Person {
  std::string id, email, name;
};
Result<std::optional<Person>> colleague_by_email(db::Conn& c, const std::string& user_id,
                                                 const std::string& email);
Result<std::optional<Person>> colleague_by_id(db::Conn& c, const std::string& user_id,
                                              const std::string& id);

struct Attendee {
  std::string email;                   // lower case
  std::optional<std::string> user_id;  // a colleague of the organizer's
  std::string partstat;                // as the object says it
  std::string token_hash;              // an external attendee's answer link; "" for a colleague
  std::string sealed_answers;          // armoured: their answers to single occurrences
  std::string answers_token;           // what they were sealed for, if not this event ("")
};
// The account with this address, if any (an event's organizer).
Result<std::optional<std::string>> user_with_email(db::Conn& c, const std::string& email);
Result<std::vector<Attendee>> attendees(db::Conn& c, const EventId& object_id);
// The attendees of the collection's armoured events (those with an
// organizer), each with its event's id.
Result<void> each_attendee(db::Conn& c, const std::string& collection_id,
                           FunctionRef<void(const std::string&, Attendee)> fn);
// The workspace's name ("" when there is none), for what a notice says.
Result<std::string> workspace_name(db::Conn& c, const WorkspaceId& ws);
// The collection's armoured events that invite `user_id`.
Result<std::vector<Object>> sealed_inviting(db::Conn& c, const std::string& collection_id,
                                            const std::string& user_id);
// Replaces the object's attendees.
Result<void> set_attendees(db::Conn& c, const EventId& object_id,
                           const std::vector<Attendee>& list);
// Reads the members (Object::members) of those of `events` that are
// sealed, with their accounts' addresses and names, in one query.
Result<void> read_members(db::Conn& c, std::vector<Object*> events);
// The object and the attendee an answer link's token hash names.
Result<std::optional<std::pair<Object, Attendee>>> invitation(db::Conn& c,
                                                              const std::string& token_hash);
// Calls `fn` with each plain object `user_id` is invited to whose span
// meets [from_ms, to_ms), in id order, with the user as attendee (no token
// hash); `with_text` reads their iCalendar text (else ""). Read 500 at a
// time, by id, each passed on as it is read: one is held at once. `fn` runs
// inside a statement: it may not use `c`; its error stops the walk.
Result<void> each_invitation(db::Conn& c, const std::string& user_id, std::int64_t from_ms,
                             std::int64_t to_ms, bool with_text,
                             FunctionRef<Result<void>(Object&, const Attendee&)> fn);
// Those of `ids` (as many as an IN list takes: the caller bounds them)
// that are plain objects `user_id` is invited to, with text, in id order.
Result<std::vector<std::pair<Object, Attendee>>> invitations_with_ids(
    db::Conn& c, const std::string& user_id, const std::vector<EventId>& ids);
// Calls `fn` with each plain event `user_id` made and invited people to
// (with text) whose span meets [from_ms, to_ms): the meetings they
// organize. As each_invitation's, `fn` may not use `c`.
Result<void> each_organized(db::Conn& c, const std::string& user_id, std::int64_t from_ms,
                            std::int64_t to_ms, FunctionRef<Result<void>(Object&)> fn);
// `user`'s PARTSTAT for the object, when invited.
Result<std::optional<std::string>> partstat_of(db::Conn& c, const EventId& object_id,
                                               const std::string& user_id);

// Objects of `collection_ids` whose title, description or location (or a
// single instance's own: texts_apart) holds every one of `words`
// (case-insensitive as tasks' search), latest first.
Result<std::vector<Object>> search(db::Conn& c, const std::vector<std::string>& collection_ids,
                                   const std::vector<std::string>& words, int limit);

// Objects whose texts apart were never read (written before they were
// indexed), at most `limit`, with their iCalendar text; and one's set.
Result<std::vector<std::pair<EventId, std::string>>> unindexed(db::Conn& c, int limit);
Result<void> set_texts_apart(db::Conn& c, const EventId& id, const std::string& texts);

// --- subscriptions (docs/calendar.md "Subscriptions") ---

struct Subscription {
  std::string id, owner_id, name, url;
  std::int64_t refresh_ms = 0;  // between two reads
  std::int64_t next_at_ms = 0;  // the next read, at the earliest
  std::optional<std::int64_t> refreshed_at_ms;
  std::string etag, last_modified;  // the last answer's, for a conditional read
  std::string error;                // why the last read failed ("" when it did not)
  std::int64_t created_at_ms = 0;
  Collection collection() const { return Collection::subscription(owner_id, id); }
};
// The person's subscriptions, oldest first.
Result<std::vector<Subscription>> subscriptions(db::Conn& c, const std::string& owner_id);
Result<std::optional<Subscription>> subscription(db::Conn& c, const std::string& id);
Result<void> insert_subscription(db::Conn& c, const Subscription& s);
// Writes every field but the id, the owner, the address and the creation.
Result<void> update_subscription(db::Conn& c, const Subscription& s);
// Removes it and its collection, with its objects.
Result<void> delete_subscription(db::Conn& c, const Subscription& s);
// The subscriptions due at `now_ms` (next_at_ms reached), soonest first; at most `limit`.
Result<std::vector<std::string>> due_subscriptions(db::Conn& c, std::int64_t now_ms, int limit);
// Takes the read of `id` when it is due at `now_ms`: its next_at_ms moves
// to `until_ms`, so that no other node reads it meanwhile. False when it
// was not due (another took it) or is gone.
Result<bool> claim_subscription(db::Conn& c, const std::string& id, std::int64_t now_ms,
                                std::int64_t until_ms);

// --- reminders (docs/calendar.md "Reminders") ---

// A person's reminders of an event: minutes before each occurrence's
// start, and the next instant one goes off (none when none is to come).
struct Reminders {
  EventId object_id;
  std::string user_id;
  std::vector<int> minutes;
  std::optional<std::int64_t> due_ms;
  // The person's time zone (users.time_zone) as read; not written.
  std::string time_zone;
};
// The person's reminders of the object (none: not set).
Result<std::optional<Reminders>> reminders(db::Conn& c, const EventId& object_id,
                                           const std::string& user_id);
// Writes `r`; without minutes, removes it.
Result<void> set_reminders(db::Conn& c, const Reminders& r);
// The different lists of minutes people keep for the object (however many
// people: an event a whole workspace is reminded of has a few lists), with
// each time zone they are kept in when `by_time_zone` (an all-day event's
// reminders go off on each person's clock), and every row of a list moved
// to `due_ms`.
struct ReminderList {
  std::vector<int> minutes;
  std::optional<std::string> time_zone;  // only those in it; none: in any
};
Result<std::vector<ReminderList>> reminder_lists(db::Conn& c, const EventId& object_id,
                                                 bool by_time_zone);
Result<void> set_due(db::Conn& c, const EventId& object_id, const ReminderList& list,
                     std::optional<std::int64_t> due_ms);
// `user_id`'s reminders of all-day events (those a change of their time
// zone moves), by event, after the event `after_id` ("" from the first),
// at most `limit`.
Result<std::vector<Reminders>> all_day_reminders(db::Conn& c, const std::string& user_id,
                                                 const std::string& after_id, int limit);
// The reminders due at `now_ms`, soonest first (then by event and person:
// nodes taking the same ones lock them in the same order); at most `limit`.
Result<std::vector<Reminders>> due_reminders(db::Conn& c, std::int64_t now_ms, int limit);
// Moves `r` on to `next` when it is still due at r.due_ms: false when
// another node took it, or a change of the event moved it meanwhile.
Result<bool> claim_reminder(db::Conn& c, const Reminders& r, std::optional<std::int64_t> next);

// Where `user_id`'s reminders are emailed too: their address and language
// ("" for the instance's), when they asked for it (users.reminder_email)
// and are not disabled.
struct MailTo {
  std::string email, locale;
};
Result<std::optional<MailTo>> reminder_mail_to(db::Conn& c, const std::string& user_id);

// Activity since `since_ms`: {events_created, events_upcoming}.
Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms,
                             std::int64_t now_ms);

}  // namespace ruche::calendar::store
