// Reading and editing calendar object resources (RFC 4791 section 4.1: one
// VCALENDAR whose components share one UID), with libical: checks, the
// index a store keeps (the span of time an object covers), bounded
// recurrence expansion (SECURITY.md IO-2), CalDAV calendar-query filters
// (RFC 4791 section 9.7), and the edits the JSON API makes to an event.
//
// Instants are Unix milliseconds, UTC. Floating times and dates are read as
// UTC (a calendar without its own time zone, as RFC 4791 section 7.3 allows).
//
// Thread-safety: pure functions; libical is used without shared state.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "dav/xml.hpp"

namespace ruche::dav {

inline constexpr std::string_view kCalDavNs = "urn:ietf:params:xml:ns:caldav";

// An object's text, at most.
inline constexpr std::size_t kMaxObjectBytes = 256 * 1024;
// Recurrence steps taken for one object by one expansion, at most: a rule
// that would need more (FREQ=SECONDLY over a year) yields what those steps
// reach.
inline constexpr int kMaxRecurrenceSteps = 20'000;
// Where "forever" ends for an index: the last instant an index keeps.
inline constexpr std::int64_t kForever = std::numeric_limits<std::int64_t>::max();

enum class ComponentKind { vevent, vtodo, vjournal };
std::string_view component_name(ComponentKind k);

// What a store keeps beside an object's text.
struct ObjectInfo {
  ComponentKind kind = ComponentKind::vevent;
  std::string uid;
  std::string summary, description, location;
  // The first instant any instance covers and the last (kForever for a rule
  // without end); a VTODO or VJOURNAL without dates covers all time.
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  bool recurring = false;
  bool all_day = false;
  // The main component's own times (DTSTART and DTEND, DURATION or DUE):
  // a recurring object's first instance. None without DTSTART or DUE.
  std::optional<std::int64_t> own_start_ms, own_end_ms;
  // The main component's RRULE value and DTSTART's TZID ("" when none).
  std::string rrule, timezone;
  // The titles, descriptions and places single instances have of their own
  // (overrides' that differ from the first component's), each once, one a
  // line: what a search finds them by.
  std::string texts_apart;
};

// Checks a calendar object resource and reads its index. Errors (invalid,
// with the CalDAV precondition as code): "valid-calendar-data" (not one
// VCALENDAR, parse errors, a date that does not exist, a bad rule: one
// without FREQ, or one finer than daily narrowed by a BY part coarser than
// a day (or, SECONDLY, than its own unit), which libical cannot expand in
// bounded time; too large),
// "valid-calendar-object-resource" (no component, several UIDs or kinds,
// a METHOD property, an override without its instant),
// "supported-calendar-component" (not VEVENT, VTODO or VJOURNAL).
Result<ObjectInfo> inspect(std::string_view ics);

// An instance's title or place, at most (the JSON API's own bound).
inline constexpr std::size_t kMaxInstanceTextBytes = 300;

struct Instance {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  // The instance's original start (RECURRENCE-ID), for recurring objects.
  std::optional<std::int64_t> recurrence_ms;
  // Its title and place (an override may change them), each cut at
  // kMaxInstanceTextBytes: the event holds them whole.
  std::string summary, location;
  bool all_day = false;
  // TRANSP:TRANSPARENT or STATUS:CANCELLED: it takes no one's time.
  bool free = false;
  // The PARTSTAT of the attendee expand() was asked about in this instance
  // (its override's, else the series'); "" where it does not name them.
  std::string partstat;
};

// The instances of a checked object that overlap [from_ms, to_ms) (an
// instant of zero length at from_ms counts), in start order, at most
// `max`; overrides (RECURRENCE-ID) replace the instances they name, and
// EXDATE or an override cancelling its instance (STATUS:CANCELLED) removes
// them. With `attendee` (an address, lower case), each instance carries
// their answer to it (Instance::partstat), read in the same parse.
std::vector<Instance> expand(std::string_view ics, std::int64_t from_ms, std::int64_t to_ms,
                             std::size_t max, std::string_view attendee = {});

// The object with its instances in [from_ms, to_ms) written out one by one
// (RFC 4791 section 9.6.5, CALDAV:expand): each a component with its
// RECURRENCE-ID and no rule, times in UTC, no VTIMEZONE. An object that
// does not recur keeps its components, times in UTC. The earliest
// instances whose components' text fits in kMaxExpandedBytes, at most.
inline constexpr std::size_t kMaxExpandedBytes = 1 << 20;
std::string expand_object(std::string_view ics, std::int64_t from_ms, std::int64_t to_ms);

// --- calendar-query filters (RFC 4791 section 9.7) ---------------------------

struct TimeRange {
  std::int64_t start_ms = std::numeric_limits<std::int64_t>::min();
  std::int64_t end_ms = kForever;
};

struct TextMatch {
  std::string text;
  bool negate = false;
  bool ascii_casemap = true;  // i;ascii-casemap (default) or i;octet
};

struct PropFilter {
  std::string name;  // upper case: "SUMMARY"
  bool is_not_defined = false;
  std::optional<TimeRange> time_range;
  std::optional<TextMatch> text_match;
};

struct CompFilter {
  std::string name;  // "VCALENDAR", "VEVENT", ...
  bool is_not_defined = false;
  std::optional<TimeRange> time_range;
  std::vector<PropFilter> props;
  std::vector<CompFilter> comps;
};

// The <C:filter> element's one comp-filter. Errors: invalid
// "valid-filter" (malformed), forbidden "supported-filter" (param-filter,
// an unknown collation, more than 64 comp-filters and prop-filters, a
// text-match of more than 1,024 bytes).
Result<CompFilter> parse_filter(const XmlElement& filter);

// Whether a checked object passes `filter`.
bool matches(std::string_view ics, const CompFilter& filter);

// "20261129T170945Z" (UTC) to Unix milliseconds; nullopt otherwise.
std::optional<std::int64_t> parse_ical_utc(std::string_view text);

// One VCALENDAR holding the components of every checked object of
// `objects` (each time zone once, by TZID), for applications that import a
// whole calendar from one file.
std::string merge_objects(const std::vector<std::string>& objects, std::string_view prodid);

// --- to-dos another module keeps as records of its own (tasks) ----------------

// A VTODO as a module that keeps to-dos as its own records reads it: the
// properties it maps, and every other line as it came, to be written back.
struct TodoFields {
  std::string uid;
  std::optional<std::string> summary;  // none without SUMMARY
  std::string description;
  // DUE, or DTSTART plus DURATION: an instant (a floating time read as UTC),
  // or a date (its midnight UTC) when `due_is_date`.
  std::optional<std::int64_t> due_ms;
  bool due_is_date = false;
  // STATUS when NEEDS-ACTION, IN-PROCESS, COMPLETED or CANCELLED; else "".
  std::string status;
  bool has_completed = false;           // a COMPLETED property
  std::optional<int> percent_complete;  // PERCENT-COMPLETE
  std::vector<std::string> categories;  // every value of every CATEGORIES, in order
  // RELATED-TO;RELTYPE=DEPENDS-ON (RFC 9253), in order: the UID named and
  // the content line as sent (folding kept, CRLF ended).
  struct Dependency {
    std::string uid;
    std::string line;
  };
  std::vector<Dependency> depends_on;
  // ATTENDEEs of the VTODO with a mailto: address (lower case), in order:
  // each with its content line as sent, which `todo_extra` keeps too, and
  // where that line starts there.
  struct Attendee {
    std::string email;
    std::string line;
    std::size_t at = 0;
  };
  std::vector<Attendee> attendees;
  // Every other content line exactly as sent (folding kept, CRLF ends):
  // the VTODO's other properties and components (VALARM), and the
  // VCALENDAR's other properties and components (VTIMEZONE).
  std::string todo_extra;
  std::string calendar_extra;
};

// Reads a calendar object resource holding one VTODO. Left out of the
// extras: what the fields hold (UID, SUMMARY, DESCRIPTION, DUE, DURATION,
// STATUS, COMPLETED, PERCENT-COMPLETE, CATEGORIES, RELATED-TO with
// RELTYPE=DEPENDS-ON) and what a writer makes anew (DTSTAMP, CREATED,
// LAST-MODIFIED; VERSION, PRODID, CALSCALE). Errors (invalid, the CalDAV
// precondition as code): inspect()'s; "supported-calendar-component" for a
// VEVENT or VJOURNAL; "valid-calendar-object-resource" for several VTODOs
// (overridden instances).
Result<TodoFields> read_todo(std::string_view ics);

// --- scheduling: organizer and attendees (RFC 5545, RFC 5546, RFC 6047) ------

// A calendar user of an event: ORGANIZER or ATTENDEE with a mailto: address.
struct Participant {
  std::string email;     // lower case, without "mailto:"
  std::string name;      // its CN, or ""
  std::string partstat;  // PARTSTAT (attendees): "NEEDS-ACTION" when absent
};

struct Participants {
  std::optional<Participant> organizer;
  std::vector<Participant> attendees;  // in order, each address once
};

// The main component's ORGANIZER and ATTENDEEs (addresses other than
// mailto: are left out).
Participants participants(std::string_view ics);

// What an event's JSON shows beside a store's index, in one parse of a
// checked object: its main component's own times (none without DTSTART or
// DUE), rule and zone (as ObjectInfo has them), and its participants.
// An attendee's answer to one instance of a recurring event where it is not
// their answer to the series: an override (RECURRENCE-ID) naming them.
struct InstanceAnswer {
  std::int64_t recurrence_ms = 0;
  std::string email, partstat;
};

// An instance of a recurring event an override moves, or whose title,
// description or place it changes.
struct ChangedInstance {
  std::int64_t recurrence_ms = 0;
  std::int64_t start_ms = 0, end_ms = 0;
  std::string summary, description, location;
};

struct EventDetails {
  std::optional<std::int64_t> own_start_ms, own_end_ms;
  std::string rrule, timezone;
  Participants who;
  std::vector<InstanceAnswer> instance_answers;  // by override, then attendee
  std::vector<ChangedInstance> changed;          // by original start
  // The instances left out (EXDATE) or cancelled (an override with
  // STATUS:CANCELLED), by original start.
  std::vector<std::int64_t> cancelled;
};
EventDetails details(std::string_view ics);

// `ics` (a checked event) with `email`'s PARTSTAT set to `partstat`, DTSTAMP
// now: in every component naming it (the series and its instances), or in
// the instance that `recurrence_ms` names alone (its override, made from the
// series when it had none; RFC 5546 section 3.2.3). Errors: not_found when
// it is not an attendee (of that instance); invalid "invalid_recurrence_id"
// when no instance starts at `recurrence_ms` (originally), "invalid_event"
// when the object would grow past kMaxObjectBytes.
Result<std::string> set_partstat(std::string_view ics, std::string_view email,
                                 std::string_view partstat, std::int64_t now_ms,
                                 std::optional<std::int64_t> recurrence_ms = std::nullopt);

// `ics` without its alarms (VALARM): an organizer's reminders are theirs,
// not their invitees'.
std::string without_alarms(std::string_view ics);

// An iTIP message (RFC 5546) of a checked event for an email (iMIP, RFC
// 6047): the object with METHOD. "REQUEST" as it is; "CANCEL" with
// STATUS:CANCELLED, the SEQUENCE one up and only `to` as attendee, and with
// `recurrence_ms` of that one instance (section 3.2.5: a component with its
// RECURRENCE-ID, as the series had it).
std::string itip_message(std::string_view ics, std::string_view method, std::string_view to,
                         std::optional<std::int64_t> recurrence_ms = std::nullopt);

// --- the JSON API's events ----------------------------------------------------

// The fields of an event as the API edits them; what is absent stays.
struct EventEdit {
  std::optional<std::string> title, description, location;
  // Instants, or dates when `all_day` (end exclusive).
  std::optional<std::int64_t> start_ms, end_ms;
  std::optional<bool> all_day;
  // An IANA zone ("Europe/Paris") the times are kept in, so that a weekly
  // rule keeps its local hour across daylight saving; "" for UTC.
  std::optional<std::string> timezone;
  // An RRULE value ("FREQ=WEEKLY;COUNT=10"); "" removes it.
  std::optional<std::string> rrule;
  // Replaces the attendees, each keeping the PARTSTAT it had (NEEDS-ACTION
  // and RSVP for a new one); an empty list removes them and the ORGANIZER.
  // Overrides of single instances take the same list, each keeping their
  // answer to the instance.
  std::optional<std::vector<Participant>> attendees;
  // The ORGANIZER set with attendees when the event has none.
  std::optional<Participant> organizer;
};

// A new VEVENT with `uid` made of `edit`, which needs a title, a start and an
// end, or `existing` (a checked object) with the edit applied to its main
// component, every other property kept. Its overrides of single instances
// are dropped when the times, zone or rule change (its EXDATEs then move with
// its start); else they take the new title, description or place where they
// had the old one. Errors: invalid with the field's
// code: "invalid_title", "invalid_time" (end not after start, dates and
// instants mixed), "invalid_timezone", "invalid_rrule", "invalid_event"
// (not an event).
Result<std::string> write_event(const std::optional<std::string>& existing, const std::string& uid,
                                const EventEdit& edit, std::int64_t now_ms);

// The main component's RRULE value and TZID ("" when none).
struct EventExtras {
  std::string rrule;
  std::string timezone;
};
EventExtras event_extras(std::string_view ics);

// --- single instances of a recurring event (RFC 5546 section 3.2.2.1) --------

// `ics` (a checked recurring event) with the instance that `recurrence_ms`
// (its original start) names changed by `edit`'s title, description, place,
// start and end: its override, made from the series when it had none,
// times in the series' form and zone, SEQUENCE one past the series' and its
// own, DTSTAMP now. The attendees and their answers stay. Errors: invalid
// "invalid_field" (a zone, rule or attendees: the series' own),
// "invalid_time", "invalid_recurrence_id" (no instance starts then),
// "invalid_event" (not a recurring event, or past kMaxObjectBytes).
Result<std::string> write_instance(std::string_view ics, std::int64_t recurrence_ms,
                                   const EventEdit& edit, std::int64_t now_ms);

// `ics` (a checked recurring event) without the instance that
// `recurrence_ms` names: an EXDATE in the series' form, its override gone,
// the series' SEQUENCE one up. Errors: write_instance's.
Result<std::string> cancel_instance(std::string_view ics, std::int64_t recurrence_ms,
                                    std::int64_t now_ms);

// A recurring event `ics` cut in two at the instance `recurrence_ms` names
// (its original start, after the first): the series until then (its rules
// end before it, UNTIL; its dates and overrides from then on gone; SEQUENCE
// one up), and the series from then on as a new event `new_uid` (DTSTART
// that instance, a COUNT less the instances before it, the dates and
// overrides from then on, SEQUENCE 0), as calendar applications split a
// series ("this and following"). Errors: invalid "invalid_recurrence_id"
// (no later instance then), "invalid_event" (write_instance's).
Result<std::pair<std::string, std::string>> split_series(std::string_view ics,
                                                         std::int64_t recurrence_ms,
                                                         const std::string& new_uid,
                                                         std::int64_t now_ms);

// The first of split_series' two: the series until that instance alone
// (its following instances deleted). Errors: split_series'.
Result<std::string> end_series(std::string_view ics, std::int64_t recurrence_ms,
                               std::int64_t now_ms);

// The single instances of an event that changed between two versions
// (original starts, in order), its series aside: `changed` moved, given
// another title, description or place, or added (RDATE, an EXDATE gone);
// `cancelled` left out (EXDATE, RDATE gone) or cancelled (STATUS:CANCELLED).
// Answers alone are no change. An EXDATE added or gone counts where it
// names an instance, and every one counts when more than
// kMaxInstanceChecks did (checking each walks the rule).
inline constexpr std::size_t kMaxInstanceChecks = 16;
struct InstanceChanges {
  std::vector<std::int64_t> changed, cancelled;
  std::size_t size() const { return changed.size() + cancelled.size(); }
};
InstanceChanges instance_changes(std::string_view before, std::string_view after);

// --- reminders (VALARM, RFC 5545 section 3.6.6) ------------------------------

// Reminders of one event, at most, and how long before its start at most.
inline constexpr std::size_t kMaxReminders = 5;
inline constexpr int kMaxReminderMinutes = 28 * 24 * 60;

// The main component's reminders, as minutes before each instance's start:
// its VALARMs whose TRIGGER is a duration at or before the start (RELATED=
// START), of any ACTION but NONE. Others (an absolute instant, after the
// start, related to the end, past kMaxReminderMinutes) are left to the
// client that wrote them. Sorted, each once, the first kMaxReminders.
std::vector<int> reminder_minutes(std::string_view ics);

// `ics` (a checked object) with its alarms replaced, in every component, by
// one DISPLAY alarm `minutes` before the start for each of `minutes`
// (checked by the caller). Errors: invalid "invalid_event" (not a calendar
// object, or past kMaxObjectBytes).
Result<std::string> with_reminders(std::string_view ics, const std::vector<int>& minutes);

// The earliest reminder of a checked object later than `after_ms`: when it
// goes off, how long before, and the instance it is for. None without
// `minutes` or instances to come (those a rule has past 8 pages of 64
// instances from then are not looked at).
struct Reminder {
  std::int64_t due_ms = 0;
  int minutes = 0;
  Instance instance;
};
// An all-day instance starts, for its reminders, when its day begins in
// `zone` (the person's, "" for UTC): "the day before at 9:00" is 9:00 where
// they are (Instance::start_ms stays the date).
std::optional<Reminder> next_reminder(std::string_view ics, const std::vector<int>& minutes,
                                      std::int64_t after_ms, std::string_view zone = {});
// The `count` earliest such reminders, at as many different times, in order,
// from one expansion (the sender wants the one due and the one after it).
std::vector<Reminder> next_reminders(std::string_view ics, const std::vector<int>& minutes,
                                     std::int64_t after_ms, std::size_t count,
                                     std::string_view zone = {});

// --- time zones (the system's tz database, IANA names) ----------------------

inline constexpr std::size_t kMaxTimeZoneBytes = 64;

// Whether the server knows the zone `name` ("Europe/Paris", "UTC"): a name
// of letters, digits and / _ - + (no "..") of at most kMaxTimeZoneBytes.
bool is_time_zone(std::string_view name);

// When the day of `day_ms` (a date's midnight UTC) begins in `zone`;
// `day_ms` itself for "" or a zone the server does not know.
std::int64_t day_start(std::int64_t day_ms, std::string_view zone);

// `ms` as "2027-03-08 09:00" on the clock of `zone` (UTC for "" or a zone
// the server does not know).
std::string wall_clock_text(std::int64_t ms, std::string_view zone);

}  // namespace ruche::dav
