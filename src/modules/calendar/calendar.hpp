// Calendar: a workspace's shared calendar and each person's own, as
// iCalendar objects (docs/calendar.md). The public face of the module: its
// types, their JSON, and its registry declaration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/id.hpp"
#include "base/json.hpp"
#include "dav/ical_object.hpp"
#include "platform/registry.hpp"
#include "platform/types.hpp"

namespace ruche::calendar {

using EventId = Id<struct EventIdTag>;

inline constexpr std::size_t kMaxTitleBytes = 300;
inline constexpr std::size_t kMaxDescriptionBytes = 20'000;
inline constexpr std::size_t kMaxLocationBytes = 300;
inline constexpr std::int64_t kMaxObjects = 50'000;
inline constexpr std::int64_t kMaxRangeMs = 400LL * 86'400'000;
inline constexpr std::size_t kMaxOccurrences = 2'000;
// Attendees of one event, at most.
inline constexpr std::size_t kMaxAttendees = 100;
// People whose free/busy one request reads, at most; and its range.
inline constexpr std::size_t kMaxFreeBusyPeople = 20;
inline constexpr std::int64_t kMaxFreeBusyRangeMs = 62LL * 86'400'000;
// Spans one person's free/busy answer holds, at most.
inline constexpr std::size_t kMaxBusySpans = 1'000;
// A resource name in a collection ("<uid>.ics" for the JSON API's events).
inline constexpr std::size_t kMaxNameBytes = 255;
// An armoured workspace's event card's domain (docs/armoured.md, "Calendar"),
// and that of an attendee's sealed answers to single occurrences.
inline constexpr std::string_view kCardDomain = "ruche-calendar-event";
inline constexpr std::string_view kAnswersDomain = "ruche-calendar-answers";

// A calendar: a workspace's, a person's own, or one a person subscribed to.
struct Collection {
  std::string id;                        // "w:<workspace>", "u:<user>" or "s:<user>:<subscription>"
  std::optional<WorkspaceId> workspace;  // none for a person's calendar
  std::string owner;                     // the person, for a person's calendar
  static Collection of_workspace(const WorkspaceId& ws) { return {"w:" + ws.str(), ws, {}}; }
  static Collection personal(const UserId& user) {
    return {"u:" + user.str(), std::nullopt, user.str()};
  }
  static Collection subscription(const std::string& owner, const std::string& id) {
    return {"s:" + owner + ":" + id, std::nullopt, owner};
  }
};

// A member an armoured event invites (docs/armoured.md, "Calendar"), as
// its answers name them: its attendees are its workspace's members.
struct Member {
  std::string user_id, email, name;
  std::string partstat;  // NEEDS-ACTION, ACCEPTED, DECLINED or TENTATIVE
  // Their answers to single occurrences, sealed by them ("": none apart),
  // for this event's token, or for `answers_token`: the series this event
  // was cut from ("this and following"), as its card says.
  std::string sealed_answers;
  std::string answers_token;
};

// One stored object with its index.
struct Object {
  EventId id;
  std::string collection_id;
  std::string name;
  std::string ics;        // empty when read without its text
  std::int64_t size = 0;  // the text's length in bytes
  dav::ObjectInfo info;
  std::int64_t seq = 0;
  std::string created_by;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  // Another module's item (ModuleDef::calendar_items): its own ETag.
  std::optional<std::string> etag;
  // An armoured workspace's event (docs/armoured.md, "Calendar"): its card,
  // by whoever sealed it last; its token is info.uid, its name its id, its
  // ics empty. Empty for every other object.
  std::string sealed;
  std::string sealed_by;
  // An armoured event's organizer (whoever last set its attendees; none
  // when nobody is invited: its partstat is "") and its attendees. The
  // store reads the organizer's id with the object; their addresses and
  // names, and the attendees, come with store::read_members.
  std::optional<Member> organizer;
  std::vector<Member> members;
  // The reminders of the person reading it (docs/calendar.md "Reminders"),
  // where the service read them: minutes before each occurrence's start.
  std::optional<std::vector<int>> reminders;
};

// `"<seq>"`, or the item's own ETag.
std::string etag_of(const Object& o);
// The workspace of a collection id, or none (personal).
std::optional<WorkspaceId> workspace_of(std::string_view collection_id);
// The collection a collection id names.
Collection collection_of(std::string_view collection_id);
// The subscription of a collection id, or none (not a subscription's).
std::optional<std::string> subscription_of(std::string_view collection_id);

// As the JSON API answers it (docs/calendar.md; a sealed event as
// docs/armoured.md says).
json::object to_json(const Object& o);
// `partstat`: the caller's answer when invited (the occurrence's "partstat").
json::object occurrence_json(const Object& o, const dav::Instance& i,
                             const std::optional<std::string>& partstat);
// A PARTSTAT as the API writes it: "needs-action", "accepted"...
std::string partstat_json(std::string_view partstat);
// An instant as the API writes it: a date for all-day times.
json::value time_json(std::int64_t ms, bool all_day);
// An instant as an email writes it, on the clock of `zone` (the reader's,
// or the event's; UTC for ""): "2026-12-10 10:00 Europe/Paris",
// "2026-12-10 09:00 UTC", or the date alone for all-day times.
std::string when_text(std::int64_t ms, bool all_day, std::string_view zone = {});

// A person's busy spans, merged as they are added, so that neither memory
// nor the answer grows with their number of events (any person may be
// invited to thousands): at most `max` spans, and past that the shortest
// gaps between them are closed — shown busier, never freer.
class BusySpans {
 public:
  explicit BusySpans(std::size_t max = kMaxBusySpans) : max_(max) {}
  void add(std::int64_t start_ms, std::int64_t end_ms);
  // Sorted, disjoint and apart (a span ending where the next starts is one).
  std::vector<std::pair<std::int64_t, std::int64_t>> take() &&;

 private:
  void merge();
  std::size_t max_;
  std::vector<std::pair<std::int64_t, std::int64_t>> spans_;
};

// The module's declaration for the registry (modules/all.cpp).
platform::ModuleDef module();

}  // namespace ruche::calendar
