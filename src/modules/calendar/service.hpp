// Calendar's rules: who may see and change which calendar, checks, change
// numbers, events. No HTTP (routes.cpp, dav.cpp), no SQL (store.hpp).
// Thread-safe; every call blocks (database): worker threads only.
#pragma once

#include <memory>
#include <optional>
#include <semaphore>
#include <string>
#include <utility>
#include <vector>

#include "modules/calendar/calendar.hpp"
#include "modules/calendar/store.hpp"
#include "platform/export.hpp"
#include "platform/import.hpp"
#include "platform/platform.hpp"
#include "platform/rate_limit.hpp"

namespace ruche::calendar {

// One attendee a request names: a colleague by id, or an address.
struct Invitee {
  std::string user_id;
  std::string email;  // lower case
  std::string name;
};

// What a request asks of an event: its fields, and its attendees when it
// names them (the list replaces the event's).
struct EventRequest {
  dav::EventEdit edit;
  std::optional<std::vector<Invitee>> attendees;
  // An armoured workspace's event (docs/armoured.md, "Calendar"): its token
  // (when new) and its card; `clear`: the request names a field in clear.
  std::optional<std::string> token, sealed;
  bool clear = false;
  // The one occurrence of a recurring event it changes (its original
  // start, `recurrence_id`): its title, description, place and times; or
  // with `following` (`"scope": "following"`) that occurrence and the
  // following ones, any field: the series is cut there in two events.
  std::optional<std::int64_t> recurrence_ms;
  bool following = false;
  // An armoured series cut in two (`"following": {token, sealed,
  // attendees?}` beside the series' card, which ends before the cut): the
  // new event holding the occurrences from there on, created with the
  // change, its people the series' (their answers to the series kept)
  // unless it names others.
  std::shared_ptr<const EventRequest> rest;
  // The caller's reminders of the event (docs/calendar.md "Reminders"):
  // minutes before each occurrence's start, sorted, each once.
  std::optional<std::vector<int>> reminders;
};

// Reminders from a request's JSON (`reminders`, `minutes`): at most
// dav::kMaxReminders numbers of minutes from 0 to dav::kMaxReminderMinutes,
// sorted, each once. Errors: invalid "invalid_reminders".
Result<std::vector<int>> parse_reminders(const json::value& v);

// An event request from a request's JSON object, checked (docs/calendar.md).
// Errors: invalid with the field's code.
Result<EventRequest> parse_edit(const json::object& o);

// An answer to an invitation: to the whole event, or to the one instance of
// a recurring event that `recurrence_ms` names (its original start). In an
// armoured calendar, the answers to single occurrences are sealed by the
// attendee (`sealed_answers`: "" takes them away), and `partstat` may then
// be "" (the series' answer unchanged).
struct Answer {
  std::string partstat;  // ACCEPTED, DECLINED or TENTATIVE
  std::optional<std::int64_t> recurrence_ms;
  std::optional<std::string> sealed_answers;
};

// An answer from a request's JSON object: `partstat` ("accepted",
// "declined", "tentative"), the optional `recurrence_id` (an ISO instant,
// or a date for all-day events), and `sealed_answers` (a sealed text, or
// null), which may stand without `partstat`. Errors: invalid
// "invalid_partstat", "invalid_recurrence_id", "invalid_sealed_text".
Result<Answer> parse_answer(const json::object& o);

// An occurrence's `recurrence_id` (a body's, a query's): an ISO instant or
// date of at most 40 bytes, into `ms`.
bool parse_recurrence_id(std::string_view text, std::int64_t& ms);

// A `scope` (a body's, a query's) for the occurrence a recurrence_id names:
// "one" (the default) or "following" (true). Errors: invalid
// "invalid_scope" (another, or without an occurrence).
Result<bool> parse_scope(const std::optional<std::string_view>& scope, bool has_occurrence);

// An invitation as an external attendee's answer link shows it: for a
// recurring event, its next occurrences (at most kMaxUpcoming, from a day
// ago) with the attendee's answer to each.
inline constexpr std::size_t kMaxUpcoming = 52;
struct Invitation {
  Object event;
  store::Attendee attendee;
  std::vector<std::pair<dav::Instance, std::string>> upcoming;
};

// A resource name in a collection: 1 to 255 bytes, no '/', no control
// character, not "." or "..".
bool valid_name(std::string_view name);

// The URL segment of the calendar of events the caller is invited to in
// calendars they do not read (read only: they answer in Ruche).
inline constexpr std::string_view kInvitations = "invitations";
// The URL segment of a subscription's calendar: this, then its id.
inline constexpr std::string_view kSubscriptionSegment = "subscription-";

// A calendar as the caller reaches it.
struct Calendar {
  Collection col;
  // Its URL segment: "personal", kInvitations, the workspace id,
  // kSubscriptionSegment and its id, or for another module's items
  // (ModuleDef::calendar_items) "<workspace id>.<module>".
  std::string segment;
  std::string display_name;  // "Personal", the workspace's name, the subscription's
  // The caller may write: the calendar module's write right, or in another
  // module's collection that module's, when it takes objects.
  bool writable = false;
  // Its last change number; for another module's items, a digest of their
  // names and ETags (a CTag: it changes when they do), only where asked.
  std::int64_t seq = 0;
  // The module whose items it shows, or kInvitations; "" for a calendar.
  std::string feed;
  // An armoured workspace's: its events are sealed cards (docs/armoured.md).
  bool armoured = false;
};
// What a request asks of a subscription (docs/calendar.md "Subscriptions"):
// its address (when made), its name.
struct SubscriptionRequest {
  std::optional<std::string> url, name;
};
// Errors: invalid "invalid_url" (not an http, https or webcal address of
// at most 2,048 bytes), "invalid_name" (blank, or past 100 bytes).
Result<SubscriptionRequest> parse_subscription(const json::object& o);
// A subscription as the API answers it: id, name, url, refresh_minutes,
// refreshed_at, next_refresh_at, error, created_at.
json::object subscription_json(const store::Subscription& s);
// Subscriptions per person, at most; a feed's reads through the API
// (made, refreshed) per person: 10 at once, then one a minute.
inline constexpr std::size_t kMaxSubscriptions = 20;
inline constexpr std::size_t kMaxSubscriptionNameBytes = 100;

class Service {
 public:
  // Invitation emails per organizer (a spam bound): 100 at once, 100 an
  // hour. Answers through one public answer link (no account, so not under
  // the users' write limit, REL-4): 20 at once, then one every 10 s.
  explicit Service(platform::Platform& p)
      : p_(p),
        invitation_mails_(p.clock, 100.0 / 3600, 100),
        link_answers_(p.clock, 1.0 / kLinkAnswerEverySeconds, 20),
        feed_reads_(p.clock, 1.0 / 60, 10) {}
  static constexpr int kLinkAnswerEverySeconds = 10;

  // Reads the texts apart (ObjectInfo::texts_apart) of objects written
  // before they were indexed, so that a search finds them: once, when the
  // calendar starts (a few rows per deployment; nothing after).
  Result<void> index_texts_apart();
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
                        const EventRequest& request);
  Result<Object> get(const platform::Caller& caller, const EventId& id);
  // The event, or with EventRequest::recurrence_ms one of its occurrences
  // (dav::write_instance's errors; armoured: invalid "armoured_unsupported"),
  // or with `following` that one and the following: the event from then on,
  // new (dav::split_series), is the answer. An armoured series cut in two
  // (EventRequest::rest): the new event, the series as it now is in
  // `*series` when given.
  Result<Object> change(const platform::Caller& caller, const EventId& id,
                        const EventRequest& request, const std::optional<std::string>& if_match,
                        Object* series = nullptr);
  // The event, or with `recurrence_ms` its one occurrence that starts then
  // (originally): the event stays without it; with `following`, that one
  // and those after (the series ends before it). Errors: invalid
  // "invalid_recurrence_id", "invalid_event" (it does not recur).
  Result<void> remove(const platform::Caller& caller, const EventId& id,
                      const std::optional<std::string>& if_match,
                      std::optional<std::int64_t> recurrence_ms = std::nullopt,
                      bool following = false);
  // An armoured workspace's events written after its version `after`, and
  // those deleted since, in the order of their versions (`limit` of both
  // at most); `version`: where the next page starts. Errors: not_found,
  // conflict "not_armoured", invalid "invalid_range" (a version it never had).
  struct SealedPage {
    std::vector<Object> events;
    std::vector<std::string> deleted;  // event ids
    std::int64_t version = 0;
    bool more = false;
  };
  Result<SealedPage> sealed_events(const platform::Caller& caller, const WorkspaceId& ws,
                                   std::int64_t after, int limit);

  // --- invitations (docs/calendar.md "Invitations") ---
  // The caller's answer to an event they are invited to, or to one of its
  // instances. Errors: not_found, forbidden "not_invited" (an event they see
  // otherwise, or an instance they are not invited to), invalid
  // "invalid_recurrence_id" (no such instance).
  Result<Object> reply(const platform::Caller& caller, const EventId& id, const Answer& answer);
  // When each of `users` (the caller or their colleagues: people who share
  // a workspace with them, at most kMaxFreeBusyPeople) is busy in [from,
  // to): merged spans, nothing else of the events (docs/calendar.md "Free
  // and busy"). Errors: invalid "invalid_range", "invalid_users" (someone
  // else, or nobody; routes.cpp bounds the list).
  struct Busy {
    std::string user_id;
    std::vector<std::pair<std::int64_t, std::int64_t>> spans;
  };
  Result<std::vector<Busy>> free_busy(const platform::Caller& caller,
                                      const std::vector<std::string>& users, std::int64_t from_ms,
                                      std::int64_t to_ms);
  // An external attendee's invitation by its answer link's token, and their
  // answer. Errors: not_found (no such link, or no longer invited);
  // rate_limited past 20 answers through a link at once (then one every 10 s).
  Result<Invitation> invitation(std::string_view token);
  Result<Invitation> answer(std::string_view token, const Answer& answer);

  // --- CalDAV ---
  // The caller's calendars: their own first, then each workspace calendar
  // they may read, by name.
  Result<std::vector<Calendar>> calendars(const platform::Caller& caller);
  // One of them by URL segment; `with_ctag`: with its `seq` (reading every
  // item of another module's collection), for what shows it. Errors: not_found.
  Result<Calendar> calendar(const platform::Caller& caller, std::string_view segment,
                            bool with_ctag);
  // Calls `fn` with each of `cal`'s objects whose span meets `range`
  // (every one without), with their text when `with_text` (a feed's always),
  // as they are read: none is held after its call (but another module's
  // items, which it gives as one list). Its error stops the walk, returned.
  Result<void> each_object(const Calendar& cal,
                           std::optional<std::pair<std::int64_t, std::int64_t>> range,
                           bool with_text, FunctionRef<Result<void>(Object&)> fn);
  // The objects of `names` (those that exist), with text: callers bound
  // how many they ask for at once.
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

  // --- import (docs/calendar.md "Import") ---
  struct ImportReport {
    int imported = 0;  // events added
    int existing = 0;  // of UIDs the calendar holds already: left as they are
    int refused = 0;   // objects the checks refuse
    std::vector<std::pair<std::string, std::string>> refusals;  // the first 20: UID, why
  };
  // Adds the events of `ics` (an .ics file: VCALENDARs of any number of
  // events, as dav::split_feed reads them, alarms kept) to the workspace's
  // calendar (write right) or the caller's own, 1,000 to a transaction:
  // should one fail, those before stay, and importing the file again adds
  // the rest. Nobody is invited by it (as CalDAV's PUT: their attendees
  // are kept in the objects). Errors: invalid "invalid_feed" (not
  // iCalendar), "armoured_unsupported"; too_large "feed_too_large";
  // conflict "calendar_full" (past kMaxObjects with those already there);
  // unavailable "busy" (parse_slot()).
  Result<ImportReport> import_ics(const platform::Caller& caller,
                                  const std::optional<WorkspaceId>& ws, std::string_view ics);

  // --- subscriptions (docs/calendar.md "Subscriptions") ---
  // A person's read-only copies of calendars published elsewhere, read
  // through the platform's egress (SECURITY.md IO-5). Errors everywhere:
  // not_found for another's (and for external accounts); subscribe() and
  // refresh() read the feed at once: forbidden "egress_disabled" when the
  // instance fetches nothing, rate_limited past feed_reads_, and a failed
  // read's errors (read_feed) — subscribe() then makes nothing, refresh()
  // records it in the subscription's `error` and answers it.
  Result<std::vector<store::Subscription>> subscriptions(const platform::Caller& caller);
  // Whether `caller` may subscribe here: the instance fetches (egress), and
  // they are not an external account.
  bool can_subscribe(const platform::Caller& caller) const;
  // Errors: conflict "too_many_subscriptions" past kMaxSubscriptions.
  Result<store::Subscription> subscribe(const platform::Caller& caller,
                                        const SubscriptionRequest& request);
  Result<store::Subscription> rename_subscription(const platform::Caller& caller,
                                                  const std::string& id, const std::string& name);
  Result<void> unsubscribe(const platform::Caller& caller, const std::string& id);
  Result<store::Subscription> refresh(const platform::Caller& caller, const std::string& id);
  // Reads the subscriptions that are due (the periodic task's run), a few
  // at a time, until none is or `budget_ms` (real time) has passed; each
  // read's failure is recorded in its subscription.
  Result<void> refresh_due(std::int64_t budget_ms);
  Result<bool> any_due();

  // --- reminders (docs/calendar.md "Reminders") ---
  // The caller's reminders of an event they see (its read right, their own
  // calendar, an invitation, a subscription): in their own calendar the
  // event's alarms (VALARM, a new version of it), elsewhere theirs alone.
  // The event, with them. Errors: reach_event_or_invited's (read); invalid
  // "armoured_unsupported" (the server cannot read its times),
  // "invalid_event" (a to-do or a journal entry).
  Result<Object> set_reminders(const platform::Caller& caller, const EventId& id,
                               const std::vector<int>& minutes);
  // Sends each reminder that is due (the periodic task's run) as a notice
  // calendar.reminder, a batch at a time, until none is or `budget_ms` (real
  // time) has passed. One more than kLateReminderMs late (the server was
  // down) is skipped, as is one of an event the person declined; one of an
  // event they no longer see goes.
  static constexpr std::int64_t kLateReminderMs = 15 * 60'000;
  Result<void> remind_due(std::int64_t budget_ms);
  Result<bool> any_reminder_due();

  // --- registry hooks (platform/registry.hpp) ---
  Result<std::vector<platform::SearchHit>> search(db::Conn& c,
                                                  const std::vector<WorkspaceId>& readable,
                                                  std::string_view query, int limit);
  Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms);
  // `user` left `ws`: the armoured events there no longer invite them (a
  // new version of each; the card cannot be sealed for them any more).
  Result<void> member_left(db::Conn& c, const WorkspaceId& ws, const UserId& user);
  // `user` set another time zone: their all-day events' reminders go off
  // on its clock from now on.
  Result<void> time_zone_changed(db::Conn& c, const UserId& user);
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
  // The digest of a feed's items into `cal.seq` (its CTag): another
  // module's items, or what the invitations are made of (no text read).
  Result<void> feed_ctag(db::Conn& c, Calendar& cal);
  // The event `id` and its calendar, as `caller` reaches it with `need`;
  // precondition_failed when `if_match` does not name its ETag.
  Result<std::pair<Object, Calendar>> reach_event(db::Conn& c, const platform::Caller& caller,
                                                  const EventId& id, platform::Access need,
                                                  const std::optional<std::string>& if_match);
  // Calls `fn` with each item of `cal` (a feed) as an object, those whose
  // span meets `range` when given. The invitations are read a page at a
  // time and passed on as they are read (one held at once): `fn` may not use
  // `c`; so are another module's items, made by the module as they go.
  // `query`, for another module's items: those named, or names, ETags and
  // dates alone (no object written, no range).
  Result<void> each_feed_object(db::Conn& c, const Calendar& cal,
                                std::optional<std::pair<std::int64_t, std::int64_t>> range,
                                FunctionRef<Result<void>(Object&)> fn,
                                const platform::CalendarItemQuery& query = {});
  // The items of `cal` (a feed) named `names`, those that exist.
  Result<std::vector<Object>> feed_objects_named(db::Conn& c, const Calendar& cal,
                                                 const std::vector<std::string>& names);
  // reach_event, or for an invitee who reaches it no other way, the event
  // to read (a calendar with only its collection); forbidden "read_only"
  // for their writes.
  Result<std::pair<Object, Calendar>> reach_event_or_invited(
      db::Conn& c, const platform::Caller& caller, const EventId& id, platform::Access need,
      const std::optional<std::string>& if_match);
  // Checks `o` and writes it (new when `before` is null: write_object);
  // then schedule(); its events after (announce).
  Result<Object> store_object(db::Conn& c, const UserId& author, const Calendar& cal, Object o,
                              const Object* before, bool attendees_asked = false);
  // Writes `o` (new when `before` is null) as the collection's next change:
  // its id, change number, times and size, `author` its creator when new.
  // Nothing checked: store_object()'s checks come first.
  Result<void> write_object(db::Conn& c, const UserId& author, const Calendar& cal, Object& o,
                            const Object* before);
  // `minutes` as `user`'s reminders of `o` (written in this transaction when
  // `fresh`): in their own calendar its alarms (written over `o` when fresh,
  // else as a new version), else their row. `o.reminders` then holds them.
  Result<void> remind(db::Conn& c, const UserId& user, Object& o, const std::vector<int>& minutes,
                      bool fresh);
  // The refusal of reminders for an armoured event (the server cannot read
  // its times): invalid "armoured_unsupported".
  static tl::unexpected<Error> armoured_reminders();
  // After `user` wrote `o` (created, changed): their reminders as the
  // request asked (remind(), fresh), else as they were (read_reminders()).
  Result<void> written_reminders(db::Conn& c, const UserId& user, Object& o,
                                 const std::optional<std::vector<int>>& asked);
  // `user`'s reminders of `o` into o.reminders (none for an armoured event).
  Result<void> read_reminders(db::Conn& c, const UserId& user, Object& o);
  // The reminders of `o`, just written, brought up to date: its owner's from
  // its alarms in their own calendar, and when each person's next goes off.
  Result<void> index_reminders(db::Conn& c, const Object& o);
  // The email of reminder `r` of `event` to whoever asked for them by email
  // (store::reminder_mail_to): in their language, how long until it
  // starts, when (on the clock of `zone`, theirs), where, its link.
  platform::Mail reminder_mail(const store::MailTo& to, const dav::Reminder& r, const Object& event,
                               std::string_view zone) const;
  // remind_due()'s notice of `r` in `c` (and email, where asked), if this
  // node claims it.
  Result<void> remind_one(db::Conn& c, const store::Reminders& r, std::int64_t now_ms);
  // A workspace calendar's `o`, written: calendar.event_created (or
  // _updated when `changed`) to its members; a person's calendar's:
  // tell_changed() to them.
  Result<void> announce(db::Conn& c, const Calendar& cal, const Object& o, bool changed);
  // A person's calendar (theirs, or a subscription's) changed: a
  // calendar.changed frame to their open connections once `c` commits,
  // naming it (kept nowhere: the web reads it again; docs/calendar.md).
  void tell_changed(db::Conn& c, const Collection& col);
  // Brings the index of an event's attendees up to date with `after` (null:
  // deleted) and queues their emails: when the request named attendees
  // (`asked`), or the event is one Ruche schedules already. New attendees
  // are resolved as `author`'s colleagues, or else are external.
  Result<void> schedule(db::Conn& c, const UserId& author, const Object* before,
                        const Object* after, bool asked);
  // Takes an armoured calendar's request into `o` (new when `is_new`): its
  // token, its card checked and signed by the caller under the current key,
  // its attendees (invite_members). A change may name only its attendees.
  Result<void> seal(db::Conn& c, const platform::Caller& caller, const Calendar& cal,
                    const EventRequest& request, Object& o, bool is_new);
  // A sealed text of the armoured event `token` in `cal` (its card, or an
  // attendee's answers: `domain`), as sent: its form checked, signed by the
  // caller for that event, under the current key. Errors: invalid
  // "invalid_sealed_text", "bad_signature"; conflict "stale_key"...
  Result<std::string> checked_seal(db::Conn& c, const platform::Caller& caller, const Calendar& cal,
                                   const std::string& token, std::string_view domain,
                                   const std::string& text);
  // An armoured event's attendees as `list` names them (the caller then its
  // organizer): members of its workspace who read its calendar, by id,
  // answers kept for those already invited. Errors: invalid
  // "invalid_attendees" (an address, someone else, the caller, twice).
  Result<void> invite_members(db::Conn& c, const platform::Caller& caller, const Calendar& cal,
                              const std::vector<Invitee>& list, Object& o);
  // schedule() for an armoured event (`before`, `after` with their members):
  // its attendees' rows, and their notices naming the event and its
  // workspace, nothing of the card (no email: every attendee is a member).
  Result<void> schedule_sealed(db::Conn& c, const UserId& author, const Calendar& cal,
                               const Object* before, const Object* after);
  // reply() to an armoured event: the caller's answer to all of it.
  Result<Object> answer_sealed(db::Conn& c, const platform::Caller& caller, const Calendar& cal,
                               const Object& event, const Answer& answer);
  // The event's attendees as the object names them, `asked` resolved to
  // colleagues of `author` (EventRequest::attendees into the edit).
  Result<void> resolve(db::Conn& c, const platform::Caller& author, const EventRequest& request,
                       dav::EventEdit& edit);
  // An external attendee's answer link's token (stable for the event and
  // address: an HMAC of both under the instance key).
  std::string answer_token(const EventId& id, std::string_view email) const;
  // What the emails about one version of an event share, read from it once
  // however many attendees they go to: its details, and its REQUEST (the
  // same for everyone; a CANCEL names its addressee alone).
  struct Letter {
    const Object& event;
    dav::EventDetails details;
    std::string request;  // made at the first REQUEST
    explicit Letter(const Object& e) : event(e), details(dav::details(e.ics)) {}
  };
  // The email to `to` about `letter`'s event (REQUEST or CANCEL), or about
  // its one `occurrence` (original start) changed or cancelled.
  platform::Mail invitation_mail(Letter& letter, const store::Attendee& to, std::string_view method,
                                 std::optional<std::int64_t> occurrence = std::nullopt) const;
  // The caller's invitation `name` ("<event id>.ics") in their invitations
  // calendar, with them as attendee; precondition_failed when `if_match`
  // does not name its ETag. Errors: not_found.
  Result<std::pair<Object, store::Attendee>> invitation_named(
      db::Conn& c, const platform::Caller& caller, const std::string& name,
      const std::optional<std::string>& if_match);
  // A PUT in the invitations calendar: the caller's PARTSTAT in `ics`
  // becomes their answer, and their PARTSTAT in each override
  // (RECURRENCE-ID) their answer to that instance; nothing else is taken.
  // forbidden "read_only" for a new name; invalid
  // "valid-calendar-object-resource" when more than 100 answers to single
  // occurrences change at once.
  Result<Put> put_answer(const platform::Caller& caller, const std::string& name,
                         const std::string& ics, const std::optional<std::string>& if_match,
                         bool if_none_match_any);
  // `email`'s answer to `event` (or to one instance) changed, in `c`; the
  // organizer hears of it.
  Result<Object> set_partstat(db::Conn& c, const Object& event, const std::string& email,
                              const Answer& answer);
  // The invitation with its upcoming occurrences.
  Invitation invitation_of(Object event, store::Attendee attendee) const;
  Result<void> delete_object(db::Conn& c, const platform::Caller& caller, const Calendar& cal,
                             const Object& o);
  // change() of an occurrence and the following ones of `before`, in `cal`.
  Result<Object> split(db::Conn& c, const platform::Caller& caller, const Calendar& cal,
                       const Object& before, const EventRequest& request, std::int64_t now_ms);
  // change() of an armoured series ended as `request` seals it, and the new
  // event holding the rest (`request.rest`): both in the same transaction.
  Result<Object> split_sealed(db::Conn& c, const platform::Caller& caller, const Calendar& cal,
                              const Object& before, const EventRequest& request, Object* series);

  // Reads `s`'s feed (conditionally, with what its last answer said) and
  // brings its collection to what it holds: objects of new UIDs added,
  // changed ones rewritten, gone ones removed, each a change of the
  // collection (CalDAV sync sees them). `s` then holds the outcome, and is
  // written. Errors (`s.error` holds their reason): the egress's, invalid
  // "feed_status" (an answer other than 200 or 304), "invalid_feed",
  // too_large "feed_too_large".
  Result<void> read_feed(store::Subscription& s);
  // A subscription's address at rest: a private feed's address is its
  // secret, so the database holds it sealed (XChaCha20-Poly1305) under a
  // key of the instance key's, bound to the subscription's id; opened()
  // gives `s` with its address opened (internal when it does not open).
  std::string url_key() const;
  std::string sealed_url(const store::Subscription& s) const;
  Result<store::Subscription> opened(store::Subscription s) const;
  // The refusal of a feed's read where the instance fetches nothing.
  static tl::unexpected<Error> egress_disabled();
  // One of `caller`'s feed reads through the API (feed_reads_), or
  // rate_limited.
  Result<void> take_feed_read(const platform::Caller& caller);
  // refresh_due()'s read of subscription `id`, if this node claims it.
  // Errors: the database's (the read's are recorded in the subscription).
  Result<void> refresh_one(const std::string& id, std::int64_t now_ms);
  // The subscription `id` of `caller` (its address opened), or not_found.
  Result<store::Subscription> own_subscription(db::Conn& c, const platform::Caller& caller,
                                               const std::string& id);

  platform::Platform& p_;
  platform::RateLimiter invitation_mails_;
  platform::RateLimiter link_answers_;  // by the link's token hash
  platform::RateLimiter feed_reads_;    // by person

  // Calendar files parsed at once, at most (imports, feeds read): one of
  // 17 MiB takes some 200 MiB while libical holds it. A parse waits
  // kParseWaitSeconds for its turn, then gives up (unavailable "busy").
  static constexpr std::ptrdiff_t kParsedAtOnce = 2;
  static constexpr int kParseWaitSeconds = 30;
  std::counting_semaphore<kParsedAtOnce> parsing_{kParsedAtOnce};
  class ParseSlot {
   public:
    explicit ParseSlot(std::counting_semaphore<kParsedAtOnce>& s) : s_(&s) {}
    ParseSlot(ParseSlot&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
    ParseSlot& operator=(ParseSlot&&) = delete;
    ~ParseSlot() {
      if (s_) s_->release();
    }

   private:
    std::counting_semaphore<kParsedAtOnce>* s_;
  };
  Result<ParseSlot> parse_slot();
};

}  // namespace ruche::calendar
