#include "modules/calendar/service.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "base/clock.hpp"
#include "base/fnv.hpp"
#include "base/text.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "dav/dav.hpp"
#include "platform/accounts.hpp"

namespace ruche::calendar {

using platform::Access;
using platform::AuditEntry;
using platform::Caller;

namespace {

Result<std::optional<std::string>> text_field(json::In& in, const char* name, std::size_t max,
                                              bool single_line, bool required_non_blank,
                                              const char* code) {
  constexpr json::StringBounds kAny{.max = 1 << 20, .single_line = false};
  auto v = in.opt_string(name, kAny);
  if (!v) return std::optional<std::string>{};
  std::string s(trim_blanks(*v));
  std::string why = json::check_string(
      s, {.min = required_non_blank ? 1u : 0u, .max = max, .single_line = single_line});
  if (!why.empty()) return fail(Errc::invalid, std::string(name) + " " + why, code);
  return std::optional<std::string>(std::move(s));
}

}  // namespace

namespace {

Result<std::vector<Invitee>> parse_attendees(const json::value& v) {
  constexpr const char* kWhat =
      "attendees is a list of at most 100 {user_id} or {email, name?}, each person once";
  const json::array* items = v.if_array();
  if (!items || items->size() > kMaxAttendees)
    return fail(Errc::invalid, kWhat, "invalid_attendees");
  std::vector<Invitee> out;
  for (const auto& item : *items) {
    const json::object* o = item.if_object();
    if (!o) return fail(Errc::invalid, kWhat, "invalid_attendees");
    auto text = [&](const char* key) -> std::optional<std::string> {
      const json::value* f = o->if_contains(key);
      if (!f || !f->is_string()) return std::nullopt;
      return std::string(f->as_string());
    };
    Invitee i;
    auto user = text("user_id");
    auto email = text("email");
    auto name = text("name");
    if (user.has_value() == email.has_value() || o->size() > 2 ||
        (o->size() == 2 && !(email && name)))
      return fail(Errc::invalid, kWhat, "invalid_attendees");
    if (user) {
      if (!is_id(*user))
        return fail(Errc::invalid, "no such person: " + *user, "invalid_attendees");
      i.user_id = *user;
    } else {
      auto normal = platform::normalize_email(*email);
      if (!normal)
        return fail(Errc::invalid, "not an email address: " + *email, "invalid_attendees");
      i.email = *normal;
      if (name) {
        std::string why = json::check_string(*name, {.max = 200, .single_line = true});
        if (!why.empty())
          return fail(Errc::invalid, "an attendee's name " + why, "invalid_attendees");
        i.name = *name;
      }
    }
    out.push_back(std::move(i));
  }
  return out;
}

// A plain calendar's request names no token nor card.
Result<void> not_sealed(const EventRequest& r) {
  if (r.token || r.sealed)
    return fail(Errc::invalid, "sealed events are for armoured workspaces", "not_armoured");
  return {};
}

// What a change of an event tells the people invited who stay: whether it
// changed what they plan by (RFC 5546 section 2.1.4: times, rule, place,
// title, description), and when one occurrence alone changed, which
// (its original start) and whether it is cancelled.
struct Update {
  bool any = false;
  std::optional<std::int64_t> occurrence;
  bool cancelled = false;
};

Update update_of(std::string_view before, std::string_view after) {
  Update u;
  auto a = dav::inspect(before);
  auto b = dav::inspect(after);
  u.any = !a || !b || a->own_start_ms != b->own_start_ms || a->own_end_ms != b->own_end_ms ||
          a->all_day != b->all_day || a->rrule != b->rrule || a->timezone != b->timezone ||
          a->summary != b->summary || a->location != b->location ||
          a->description != b->description;
  if (u.any) return u;
  // Single occurrences: one is told as itself, several as the series.
  const dav::InstanceChanges changes = dav::instance_changes(before, after);
  u.any = changes.size() > 0;
  if (changes.size() == 1) {
    u.cancelled = !changes.cancelled.empty();
    u.occurrence = u.cancelled ? changes.cancelled.front() : changes.changed.front();
  }
  return u;
}

// What a live notice about an invitation says of its event.
json::object notice_of(const Object& event) {
  json::object j = to_json(event);
  json::object out;
  for (const char* key : {"id", "workspace_id", "title", "start", "end", "all_day", "organizer"})
    out[key] = j[key];
  // An armoured event's is all there is: the browser opens its card.
  if (!event.sealed.empty()) out["armoured"] = true;
  return out;
}

// An instant of `event` as an email writes it, on the event's own clock
// (its start's zone; UTC without one): the organizer's times as they meant
// them, the same for everyone the line or mail goes to.
std::string event_when(const Object& event, std::int64_t ms) {
  if (event.info.all_day) return when_text(ms, true);
  return when_text(
      ms, false,
      event.info.timezone.empty() ? dav::details(event.ics).timezone : event.info.timezone);
}

// A notice's line in the email digest (Outbox::NoticeEmail), in English
// and French: `what` then the event's title and (`first_time`) first time;
// it leads to the person's agenda (the home page), where invitations are
// answered, whatever calendar holds it.
platform::Outbox::NoticeEmail digest_line(const Object& event, const std::string& what_en,
                                          const std::string& what_fr, const char* topic,
                                          bool first_time = true) {
  std::string when;
  if (first_time && event.info.start_ms > INT64_MIN / 2 && event.info.start_ms != dav::kForever)
    when = " (" + event_when(event, event.info.start_ms) + ")";
  return {what_en + " \"" + event.info.summary + "\"" + when,
          what_fr + " « " + event.info.summary + " »" + when, "/", topic};
}

// digest_line() of an armoured event, which names its workspace (`cal`):
// the server knows neither its title nor its time.
platform::Outbox::NoticeEmail sealed_line(const Calendar& cal, const std::string& what_en,
                                          const std::string& what_fr, const char* topic) {
  return {what_en + " an event in “" + cal.display_name + "”",
          what_fr + " un évènement de « " + cal.display_name + " »", "/", topic};
}

// What an answer's notice says of whoever gave it (`name`), in English and
// French: "Jules accepted", then the event.
std::pair<std::string, std::string> answered_by(const std::string& name,
                                                std::string_view partstat) {
  const bool yes = partstat == "ACCEPTED", no = partstat == "DECLINED";
  return {name + (yes  ? " accepted"
                  : no ? " declined"
                       : " may come to"),
          name + (yes  ? " a accepté"
                  : no ? " a décliné"
                       : " viendra peut-être à")};
}

// Whoever a member is, by name or else address.
std::string who_is(const Member& m) {
  return m.name.empty() ? m.email : m.name;
}

// Whoever a participant is, by name or else address.
std::string who_is(const std::optional<dav::Participant>& p) {
  if (!p) return "Someone";
  return p->name.empty() ? p->email : p->name;
}

// The occurrence of `event` (`d`, its details) that `recurrence_ms` names
// as it now is: its override's times and texts, else the series' there.
dav::ChangedInstance occurrence_now(const Object& event, const dav::EventDetails& d,
                                    std::int64_t recurrence_ms) {
  for (const auto& c : d.changed)
    if (c.recurrence_ms == recurrence_ms) return c;
  const std::int64_t length = d.own_start_ms && d.own_end_ms ? *d.own_end_ms - *d.own_start_ms : 0;
  return {recurrence_ms,      recurrence_ms,          recurrence_ms + length,
          event.info.summary, event.info.description, event.info.location};
}

// What those invited hear of an update (Update): a live notice with the
// event, and the occurrence's `recurrence_id` and `cancelled` when one
// alone changed (and, changed, `occurrence`: its times and title now); the
// digest's line.
std::pair<json::object, platform::Outbox::NoticeEmail> update_notice(const Object& event,
                                                                     const Update& u) {
  json::object notice = notice_of(event);
  const std::string who = who_is(dav::participants(event.ics).organizer);
  if (!u.occurrence)
    return {notice, digest_line(event, who + " changed", who + " a modifié", "invitations")};
  notice["recurrence_id"] = format_iso8601(*u.occurrence);
  notice["cancelled"] = u.cancelled;
  if (!u.cancelled) {
    // Where it now takes place.
    const auto now = occurrence_now(event, dav::details(event.ics), *u.occurrence);
    notice["occurrence"] = json::object{{"start", time_json(now.start_ms, event.info.all_day)},
                                        {"end", time_json(now.end_ms, event.info.all_day)},
                                        {"title", now.summary}};
  }
  const std::string when = event_when(event, *u.occurrence);
  return {notice, digest_line(event,
                              who + (u.cancelled ? " cancelled" : " changed") +
                                  " the occurrence of " + when + " of",
                              who + (u.cancelled ? " a annulé" : " a modifié") +
                                  " l'occurrence du " + when + " de",
                              "invitations", false)};
}

// `me`'s answer to an instance expanded with their address: theirs in it,
// else theirs to the series.
const std::string& answer_to(const dav::Instance& i, const store::Attendee& me) {
  return i.partstat.empty() ? me.partstat : i.partstat;
}

// A person's answers to an event they are invited to: to the series, and to
// the single instances where they differ from it.
struct Answers {
  std::string series;
  std::map<std::int64_t, std::string> instances;  // by original start

  Answers(const Object& event, const store::Attendee& me) : series(me.partstat) {
    if (!event.info.recurring) return;
    for (auto& a : dav::details(event.ics).instance_answers)
      if (a.email == me.email) instances.emplace(a.recurrence_ms, std::move(a.partstat));
  }
  const std::string& to(std::int64_t recurrence_ms) const {
    auto it = instances.find(recurrence_ms);
    return it == instances.end() ? series : it->second;
  }
  bool all_declined() const {
    return series == "DECLINED" && std::all_of(instances.begin(), instances.end(),
                                               [](auto& i) { return i.second == "DECLINED"; });
  }
};

// Makes `o`, an event the invitations feed's owner (`me`, reading the
// workspaces of `accesses`) is invited to, the feed's object; false when
// the feed leaves it out: a calendar they read shows it already, or they
// declined every occurrence of it.
// Whether the feed's owner, reading the workspaces of `accesses`, sees `o`
// in a calendar already (the feed leaves it out).
bool shown_elsewhere(const std::vector<platform::WorkspaceAccess>& accesses, const Object& o) {
  auto ws = workspace_of(o.collection_id);
  return ws && std::any_of(accesses.begin(), accesses.end(), [&](const auto& a) {
           return a.workspace_id == *ws && a.right("calendar") != Access::none;
         });
}

bool as_invitation(const std::vector<platform::WorkspaceAccess>& accesses, Object& o,
                   const store::Attendee& me) {
  if (shown_elsewhere(accesses, o) || Answers(o, me).all_declined()) return false;
  o.ics = dav::without_alarms(o.ics);  // the organizer's reminders
  o.size = static_cast<std::int64_t>(o.ics.size());
  o.name = o.id.str() + ".ics";
  o.etag = etag_of(o);
  return true;
}

// Whether `o`'s span meets [range->first, range->second): store::each_object's test.
bool meets(const Object& o, const std::optional<std::pair<std::int64_t, std::int64_t>>& range) {
  return !range || (o.info.start_ms < range->second &&
                    (o.info.end_ms > range->first ||
                     (o.info.end_ms == o.info.start_ms && o.info.start_ms >= range->first)));
}

}  // namespace

namespace {

// An occurrence's `recurrence_id` in a request's object: its original
// start, an ISO instant or date; none when absent or null.
Result<std::optional<std::int64_t>> recurrence_of(const json::object& o) {
  const json::value* r = o.if_contains("recurrence_id");
  if (!r || r->is_null()) return std::optional<std::int64_t>();
  std::int64_t ms = 0;
  if (!r->is_string() || !parse_recurrence_id(r->as_string(), ms))
    return fail(Errc::invalid, "recurrence_id is the occurrence's original start (ISO 8601)",
                "invalid_recurrence_id");
  return std::optional<std::int64_t>(ms);
}

}  // namespace

bool parse_recurrence_id(std::string_view text, std::int64_t& ms) {
  return text.size() <= 40 && parse_iso8601(text, ms);
}

Result<bool> parse_scope(const std::optional<std::string_view>& scope, bool has_occurrence) {
  if (!scope) return false;
  if ((*scope != "one" && *scope != "following") || !has_occurrence)
    return fail(Errc::invalid,
                "scope is \"one\" or \"following\", for the occurrence recurrence_id names",
                "invalid_scope");
  return *scope == "following";
}

Result<Answer> parse_answer(const json::object& o) {
  Answer out;
  if (const json::value* sealed = o.if_contains("sealed_answers")) {
    if (!sealed->is_null() && (!sealed->is_string() || sealed->as_string().size() > (1 << 20)))
      return fail(Errc::invalid, "sealed_answers is a sealed text, or null", "invalid_sealed_text");
    out.sealed_answers = sealed->is_null() ? "" : std::string(sealed->as_string());
  }
  const json::value* v = o.if_contains("partstat");
  const std::string_view s = v && v->is_string() ? std::string_view(v->as_string()) : "";
  if (!v && out.sealed_answers)
    ;  // the answers apart alone
  else if (s == "accepted")
    out.partstat = "ACCEPTED";
  else if (s == "declined")
    out.partstat = "DECLINED";
  else if (s == "tentative")
    out.partstat = "TENTATIVE";
  else
    return fail(Errc::invalid, "partstat is accepted, declined or tentative", "invalid_partstat");
  RUCHE_TRY(out.recurrence_ms, recurrence_of(o));
  return out;
}

Result<std::vector<int>> parse_reminders(const json::value& v) {
  auto bad = [] {
    return fail(Errc::invalid,
                "reminders are at most 5 numbers of minutes before the start, 0 to 40320 (four "
                "weeks)",
                "invalid_reminders");
  };
  if (!v.is_array() || v.as_array().size() > dav::kMaxReminders) return bad();
  std::vector<int> out;
  for (const json::value& m : v.as_array()) {
    if (!m.is_int64() || m.as_int64() < 0 || m.as_int64() > dav::kMaxReminderMinutes) return bad();
    out.push_back(static_cast<int>(m.as_int64()));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<EventRequest> parse_edit(const json::object& o) {
  json::In in{o};
  EventRequest request;
  dav::EventEdit& e = request.edit;
  RUCHE_TRY(e.title, text_field(in, "title", kMaxTitleBytes, true, true, "invalid_title"));
  RUCHE_TRY(e.description, text_field(in, "description", kMaxDescriptionBytes, false, false,
                                      "invalid_description"));
  RUCHE_TRY(e.location,
            text_field(in, "location", kMaxLocationBytes, true, false, "invalid_location"));
  constexpr json::StringBounds kShort{.max = 64};
  e.all_day = in.opt_boolean("all_day");
  for (const char* name : {"start", "end"}) {
    auto s = in.opt_string(name, kShort);
    if (!s) continue;
    std::int64_t ms = 0;
    if (!parse_iso8601(*s, ms))
      return fail(Errc::invalid, std::string(name) + " is an ISO 8601 instant or date",
                  "invalid_time");
    // A date alone makes an all-day time.
    const bool date = s->size() == 10;
    if (e.all_day && *e.all_day != date)
      return fail(Errc::invalid, "all-day events take dates, others instants", "invalid_time");
    if (date) e.all_day = true;
    (std::string_view(name) == "start" ? e.start_ms : e.end_ms) = ms;
  }
  if (in.is_null("timezone")) {
    e.timezone = "";
  } else if (auto tz = in.opt_string("timezone", kShort)) {
    if (tz->empty() || tz->find_first_of(" \t\r\n") != std::string::npos)
      return fail(Errc::invalid, "timezone is an IANA name such as Europe/Paris",
                  "invalid_timezone");
    e.timezone = *tz;
  }
  if (in.is_null("rrule")) {
    e.rrule = "";
  } else if (auto r = in.opt_string("rrule", {.max = 500})) {
    e.rrule = *r;
  }
  constexpr json::StringBounds kSealed{.max = 1 << 20};
  request.token = in.opt_string("token", kShort);
  request.sealed = in.opt_string("sealed", kSealed);
  if (!in.ok()) return tl::unexpected<Error>(in.error());
  for (const char* key :
       {"title", "description", "location", "start", "end", "all_day", "timezone", "rrule"})
    request.clear = request.clear || o.contains(key);
  if (const json::value* list = in.raw("attendees")) {
    RUCHE_TRY(request.attendees, parse_attendees(*list));
  }
  if (const json::value* list = in.raw("reminders")) {
    RUCHE_TRY(request.reminders, parse_reminders(*list));
  }
  RUCHE_TRY(request.recurrence_ms, recurrence_of(o));
  if (const json::value* scope = o.if_contains("scope")) {
    RUCHE_TRY(request.following,
              parse_scope(scope->is_string() ? std::optional<std::string_view>(scope->as_string())
                                             : std::optional<std::string_view>(""),
                          request.recurrence_ms.has_value()));
  }
  if (const json::value* rest = o.if_contains("following")) {
    // The new event of an armoured series cut in two: its token, card and
    // people, nothing more (a card is never cut twice in one request).
    if (!rest->is_object() || rest->as_object().contains("following") ||
        rest->as_object().contains("scope") || rest->as_object().contains("recurrence_id"))
      return fail(Errc::invalid, "following is the new event's {token, sealed, attendees?}",
                  "invalid_field");
    RUCHE_TRY(auto parsed, parse_edit(rest->as_object()));
    request.rest = std::make_shared<const EventRequest>(std::move(parsed));
  }
  return request;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes || name == "." || name == "..") return false;
  for (unsigned char ch : name)
    if (ch < 0x20 || ch == 0x7f || ch == '/' || ch == '\\') return false;
  return true;
}

// --- reaching calendars -------------------------------------------------------------

Result<Calendar> Service::reach(db::Conn& c, const UserId& user, const Collection& col,
                                Access need) {
  Calendar cal;
  cal.col = col;
  if (auto sub = subscription_of(col.id)) {
    // A copy of a feed: read only, its owner's alone.
    RUCHE_TRY(auto found, store::subscription(c, *sub));
    if (!found || found->owner_id != user.str()) return fail(Errc::not_found, "no such calendar");
    if (need == Access::write)
      return fail(Errc::forbidden, "a subscription is read only: its address publishes it",
                  "read_only");
    cal.segment = std::string(kSubscriptionSegment) + *sub;
    cal.display_name = found->name;
  } else if (!col.workspace) {
    if (col.owner != user.str()) return fail(Errc::not_found, "no such calendar");
    cal.segment = "personal";
    cal.display_name = "Personal";
    cal.writable = true;
  } else {
    auto access = p_.authz.access_in(c, user, *col.workspace);
    if (!access || access->right("calendar") == Access::none)
      return platform::refused(Errc::not_found, "no such calendar", *col.workspace);
    RUCHE_CHECK(platform::Authz::check(*access, "calendar", need));
    cal.segment = col.workspace->str();
    cal.display_name = access->workspace_name;
    cal.writable = platform::Authz::check(*access, "calendar", Access::write).has_value();
    cal.armoured = access->armoured;
  }
  RUCHE_TRY(cal.seq, store::seq(c, col));
  return cal;
}

Result<void> Service::each_feed_object(db::Conn& c, const Calendar& cal,
                                       std::optional<std::pair<std::int64_t, std::int64_t>> range,
                                       FunctionRef<Result<void>(Object&)> fn,
                                       const platform::CalendarItemQuery& query) {
  if (cal.feed == kInvitations) {
    RUCHE_TRY(auto accesses, p_.authz.accesses_in(c, UserId(cal.col.owner)));
    return store::each_invitation(c, cal.col.owner, range ? range->first : INT64_MIN,
                                  range ? range->second : dav::kForever, true,
                                  [&](Object& o, const store::Attendee& me) -> Result<void> {
                                    if (!as_invitation(accesses, o, me)) return {};
                                    return fn(o);
                                  });
  }
  const platform::ModuleDef* def = p_.registry.find(cal.feed);
  if (!def || !def->calendar_items) return {};
  platform::CalendarItemQuery q = query;
  q.with_ics = q.with_ics || range;
  return def->calendar_items(c, *cal.col.workspace, q,
                             [&](platform::CalendarItem& item) -> Result<void> {
                               Object o;
                               if (q.with_ics) {
                                 auto info = dav::inspect(item.ics);
                                 if (!info)
                                   return {};  // the module wrote what it should not have: left out
                                 o.info = std::move(*info);
                               }
                               o.id = EventId(item.name.substr(0, item.name.size() - 4));
                               o.collection_id = cal.col.id;
                               o.name = std::move(item.name);
                               o.size = static_cast<std::int64_t>(item.ics.size());
                               o.ics = std::move(item.ics);
                               o.etag = std::move(item.etag);
                               o.created_at_ms = o.updated_at_ms = item.updated_at_ms;
                               if (meets(o, range)) RUCHE_CHECK(fn(o));
                               return {};
                             });
}

Result<std::vector<Object>> Service::feed_objects_named(db::Conn& c, const Calendar& cal,
                                                        const std::vector<std::string>& names) {
  std::vector<Object> out;
  if (cal.feed == kInvitations) {
    // An invitation's name is its event's id: those read, not the feed.
    std::vector<EventId> ids;
    for (const auto& n : names)
      if (n.ends_with(".ics") && is_id(n.substr(0, n.size() - 4)))
        ids.emplace_back(n.substr(0, n.size() - 4));
    if (ids.empty()) return out;
    RUCHE_TRY(auto accesses, p_.authz.accesses_in(c, UserId(cal.col.owner)));
    RUCHE_TRY(auto invited, store::invitations_with_ids(c, cal.col.owner, ids));
    for (auto& [o, me] : invited)
      if (as_invitation(accesses, o, me)) out.push_back(std::move(o));
    return out;
  }
  RUCHE_CHECK(each_feed_object(c, cal, std::nullopt,
                               [&](Object& o) -> Result<void> {
                                 out.push_back(std::move(o));
                                 return {};
                               },
                               {.names = &names}));
  return out;
}

Result<void> Service::feed_ctag(db::Conn& c, Calendar& cal) {
  std::uint64_t digest = kFnvOffset;
  auto mix = [&](std::string_view part) {
    digest = fnv1a("\xff", fnv1a(part, digest));  // "a" + "bc" is not "ab" + "c"
  };
  if (cal.feed == kInvitations) {
    // What the feed is made of, without any event's text (every calendar
    // client asks for the CTag at each poll): each invitation it may hold,
    // by its version (the ETag it is served with) and the owner's answer
    // and address; which ones the declined leave out follows from those.
    RUCHE_TRY(auto accesses, p_.authz.accesses_in(c, UserId(cal.col.owner)));
    RUCHE_CHECK(store::each_invitation(c, cal.col.owner, INT64_MIN, dav::kForever, false,
                                       [&](Object& o, const store::Attendee& me) -> Result<void> {
                                         if (shown_elsewhere(accesses, o)) return {};
                                         mix(o.id.str());
                                         mix(etag_of(o));
                                         mix(me.partstat);
                                         mix(me.email);
                                         return {};
                                       }));
  } else {
    RUCHE_CHECK(each_feed_object(c, cal, std::nullopt,
                                 [&](Object& o) -> Result<void> {
                                   mix(o.name);
                                   mix(*o.etag);
                                   return {};
                                 },
                                 {.with_ics = false}));
  }
  cal.seq = static_cast<std::int64_t>(digest >> 1);
  return {};
}

Result<Calendar> Service::reach_segment(db::Conn& c, const UserId& user, std::string_view segment,
                                        Access need) {
  if (segment == "personal") return reach(c, user, Collection::personal(user), need);
  if (segment.starts_with(kSubscriptionSegment))
    return reach(c, user,
                 Collection::subscription(user.str(),
                                          std::string(segment.substr(kSubscriptionSegment.size()))),
                 need);
  if (segment == kInvitations) {
    // Written only by answers (put_answer, remove_named).
    Calendar cal;
    cal.col = {"i:" + user.str(), std::nullopt, user.str()};
    cal.segment = kInvitations;
    cal.display_name = "Invitations";
    cal.writable = true;
    cal.feed = kInvitations;
    return cal;
  }
  if (auto dot = segment.find('.'); dot != std::string_view::npos) {
    // Another module's items, read only.
    const std::string ws(segment.substr(0, dot));
    const std::string module(segment.substr(dot + 1));
    const platform::ModuleDef* def = p_.registry.find(module);
    if (!is_id(ws) || !def || !def->calendar_items)
      return fail(Errc::not_found, "no such calendar");
    auto access = p_.authz.access_in(c, user, WorkspaceId(ws));
    // An armoured workspace's items are sealed: no VTODO to write of them.
    if (!access || access->right(module) == Access::none)
      return platform::refused(Errc::not_found, "no such calendar", WorkspaceId(ws));
    if (access->armoured) return fail(Errc::not_found, "no such calendar");
    // Writable where the module takes objects, for those with its write right.
    const bool takes = def->calendar_put && def->calendar_delete;
    if (need == Access::write) {
      if (!takes)
        return fail(Errc::forbidden, "this collection is read only: change " + module + " in Ruche",
                    "read_only");
      RUCHE_CHECK(platform::Authz::check(*access, module, Access::write));
    }
    Calendar cal;
    cal.col = {"m:" + ws + "." + module, WorkspaceId(ws), {}};
    cal.segment = std::string(segment);
    cal.display_name = access->workspace_name + " (" + module + ")";
    cal.writable = takes && platform::Authz::check(*access, module, Access::write).has_value();
    cal.feed = module;
    return cal;
  }
  if (!is_id(std::string(segment))) return fail(Errc::not_found, "no such calendar");
  RUCHE_TRY(Calendar cal,
            reach(c, user, Collection::of_workspace(WorkspaceId(std::string(segment))), need));
  // An armoured calendar's events are sealed: nothing to write as iCalendar.
  if (cal.armoured) return fail(Errc::not_found, "no such calendar");
  return cal;
}

Result<std::vector<Calendar>> Service::calendars(const Caller& caller) {
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Calendar>> {
    std::vector<Calendar> out;
    RUCHE_TRY(auto own,
              reach(c, caller.user_id, Collection::personal(caller.user_id), Access::read));
    out.push_back(std::move(own));
    RUCHE_TRY(auto invited, reach_segment(c, caller.user_id, kInvitations, Access::read));
    RUCHE_CHECK(feed_ctag(c, invited));
    out.push_back(std::move(invited));
    RUCHE_TRY(auto subscribed, store::subscriptions(c, caller.user_id.str()));
    for (const auto& sub : subscribed) {
      RUCHE_TRY(auto cal, reach(c, caller.user_id, sub.collection(), Access::read));
      out.push_back(std::move(cal));
    }
    RUCHE_TRY(auto accesses, p_.authz.accesses_in(c, caller.user_id));
    std::sort(accesses.begin(), accesses.end(),
              [](const auto& a, const auto& b) { return a.workspace_name < b.workspace_name; });
    for (const auto& a : accesses) {
      if (a.right("calendar") != Access::none && !a.armoured) {
        RUCHE_TRY(auto cal,
                  reach(c, caller.user_id, Collection::of_workspace(a.workspace_id), Access::read));
        out.push_back(std::move(cal));
      }
      // Other modules' items (tasks as VTODOs), each a collection of its own.
      for (const auto& def : p_.registry.modules()) {
        if (!def.calendar_items || a.right(def.name) == Access::none || a.armoured) continue;
        RUCHE_TRY(auto feed, reach_segment(c, caller.user_id, a.workspace_id.str() + "." + def.name,
                                           Access::read));
        RUCHE_CHECK(feed_ctag(c, feed));
        out.push_back(std::move(feed));
      }
    }
    return out;
  });
}

Result<Calendar> Service::calendar(const Caller& caller, std::string_view segment, bool with_ctag) {
  return p_.db.read([&](db::Conn& c) -> Result<Calendar> {
    RUCHE_TRY(Calendar cal, reach_segment(c, caller.user_id, segment, Access::read));
    if (with_ctag && !cal.feed.empty()) RUCHE_CHECK(feed_ctag(c, cal));
    return cal;
  });
}

Result<void> Service::each_object(const Calendar& cal,
                                  std::optional<std::pair<std::int64_t, std::int64_t>> range,
                                  bool with_text, FunctionRef<Result<void>(Object&)> fn) {
  return p_.db.read([&](db::Conn& c) -> Result<void> {
    if (cal.feed.empty()) return store::each_object(c, cal.col.id, range, with_text, fn);
    return each_feed_object(c, cal, range, fn);
  });
}

Result<std::vector<Object>> Service::objects_named(const Calendar& cal,
                                                   const std::vector<std::string>& names) {
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Object>> {
    if (cal.feed.empty()) return store::objects_named(c, cal.col.id, names);
    return feed_objects_named(c, cal, names);
  });
}

Result<std::optional<Object>> Service::object_named(const Calendar& cal, const std::string& name) {
  RUCHE_TRY(auto found, objects_named(cal, {name}));
  if (found.empty()) return std::optional<Object>{};
  return std::optional<Object>(std::move(found.front()));
}

Result<std::pair<std::vector<store::Change>, std::int64_t>> Service::changes(const Calendar& cal,
                                                                             std::int64_t since,
                                                                             int limit) {
  if (!cal.feed.empty())
    return fail(Errc::forbidden, "this collection has no sync tokens", "supported-report");
  return p_.db.read(
      [&](db::Conn& c) -> Result<std::pair<std::vector<store::Change>, std::int64_t>> {
        RUCHE_TRY(std::int64_t now, store::seq(c, cal.col));
        if (since < 0 || since > now)
          return fail(Errc::invalid, "this sync token was not given here", "valid-sync-token");
        RUCHE_TRY(auto list, store::changes_since(c, cal.col.id, since, limit));
        return std::make_pair(std::move(list), now);
      });
}

// --- writing ------------------------------------------------------------------------

Result<Object> Service::store_object(db::Conn& c, const UserId& author, const Calendar& cal,
                                     Object o, const Object* before, bool attendees_asked) {
  // A sealed event's uid is its token (seal()).
  if (o.sealed.empty()) {
    RUCHE_TRY(o.info, dav::inspect(o.ics));
  }
  if (auto same = store::object_with_uid(c, cal.col.id, o.info.uid); !same) {
    return tl::unexpected(same.error());
  } else if (*same && (!before || (*same)->id != before->id)) {
    if (!o.sealed.empty())
      return fail(Errc::conflict, "an event of this calendar has this token", "token_taken");
    return fail(Errc::conflict, "another object of this calendar has this UID", "no-uid-conflict");
  }
  if (!before) {
    RUCHE_TRY(std::int64_t n, store::count(c, cal.col.id));
    if (n >= kMaxObjects)
      return fail(Errc::conflict, "this calendar is full (50,000 objects)", "calendar_full");
  }
  RUCHE_CHECK(write_object(c, author, cal, o, before));
  if (o.sealed.empty()) {
    RUCHE_CHECK(schedule(c, author, before, &o, attendees_asked));
  } else {
    RUCHE_CHECK(schedule_sealed(c, author, cal, before, &o));
  }
  RUCHE_CHECK(announce(c, cal, o, before != nullptr));
  return o;
}

Result<void> Service::write_object(db::Conn& c, const UserId& author, const Calendar& cal,
                                   Object& o, const Object* before) {
  const std::int64_t now = p_.clock.now_ms();
  RUCHE_TRY(o.seq, store::next_seq(c, cal.col));
  o.collection_id = cal.col.id;
  o.updated_at_ms = now;
  o.size = static_cast<std::int64_t>(o.sealed.empty() ? o.ics.size() : o.sealed.size());
  if (before) {
    o.id = before->id;
    o.created_by = before->created_by;
    o.created_at_ms = before->created_at_ms;
    RUCHE_CHECK(store::update(c, o));
  } else {
    if (o.id.empty()) o.id = crypto::new_id_of<EventId>();
    o.created_by = author.str();
    o.created_at_ms = now;
    RUCHE_CHECK(store::insert(c, o));
  }
  return index_reminders(c, o);
}

Result<void> Service::announce(db::Conn& c, const Calendar& cal, const Object& o, bool changed) {
  if (!cal.col.workspace) {
    tell_changed(c, cal.col);
    return {};
  }
  RUCHE_TRY([[maybe_unused]] auto seq,
            p_.outbox.append(c, *cal.col.workspace,
                             changed ? "calendar.event_updated" : "calendar.event_created",
                             "calendar", to_json(o), {}, ""));
  return {};
}

Result<void> Service::delete_object(db::Conn& c, const Caller& caller, const Calendar& cal,
                                    const Object& o) {
  RUCHE_TRY(std::int64_t seq, store::next_seq(c, cal.col));
  if (o.sealed.empty()) {
    RUCHE_CHECK(schedule(c, caller.user_id, &o, nullptr, false));
  } else {
    RUCHE_CHECK(schedule_sealed(c, caller.user_id, cal, &o, nullptr));
  }
  RUCHE_CHECK(store::remove(c, o, seq));
  if (cal.col.workspace) {
    AuditEntry e = AuditEntry::by(caller, "calendar.event_deleted");
    e.workspace_id = cal.col.workspace->str();
    e.object = o.id.str();
    e.details["created_by"] = o.created_by;
    e.details["title"] = o.info.summary;
    RUCHE_CHECK(p_.audit.append(c, e));
    json::object data;
    data["id"] = o.id.str();
    RUCHE_TRY([[maybe_unused]] auto n,
              p_.outbox.append(c, *cal.col.workspace, "calendar.event_deleted", "calendar", data,
                               {}, ""));
  } else {
    tell_changed(c, cal.col);
  }
  return {};
}

void Service::tell_changed(db::Conn& c, const Collection& col) {
  json::object data;
  if (auto sub = subscription_of(col.id)) {
    data["calendar"] = "subscription";
    data["subscription_id"] = std::move(*sub);
  } else {
    data["calendar"] = "personal";
  }
  p_.outbox.tell(c, UserId(col.owner), "calendar.changed", std::move(data));
}

Result<const platform::ModuleDef*> Service::feed_writer(const Caller& caller,
                                                        std::string_view segment) {
  if (segment.find('.') == std::string_view::npos)
    return static_cast<const platform::ModuleDef*>(nullptr);
  // The calendar's answers first (404, 403 read_only); the module checks again.
  RUCHE_TRY(Calendar cal, p_.db.read([&](db::Conn& c) {
    return reach_segment(c, caller.user_id, segment, Access::write);
  }));
  return p_.registry.find(cal.feed);
}

WorkspaceId Service::workspace_of_feed(std::string_view segment) {
  return WorkspaceId(std::string(segment.substr(0, segment.find('.'))));
}

Result<Service::Put> Service::put(const Caller& caller, const std::string& segment,
                                  const std::string& name, std::string ics,
                                  const std::optional<std::string>& if_match,
                                  bool if_none_match_any) {
  if (!valid_name(name)) return fail(Errc::invalid, "not a resource name", "bad_path");
  if (segment == kInvitations) return put_answer(caller, name, ics, if_match, if_none_match_any);
  RUCHE_TRY(const platform::ModuleDef* feed, feed_writer(caller, segment));
  if (feed) {
    platform::CalendarPut request{name, std::move(ics), if_match, if_none_match_any};
    RUCHE_TRY(auto done, feed->calendar_put(caller, workspace_of_feed(segment), request));
    Put out;
    out.object.name = name;
    out.object.etag = std::move(done.etag);
    out.created = done.created;
    out.as_sent = false;
    return out;
  }
  return p_.db.write([&](db::Conn& c) -> Result<Put> {
    RUCHE_TRY(Calendar cal, reach_segment(c, caller.user_id, segment, Access::write));
    RUCHE_TRY(auto before, store::object_named(c, cal.col.id, name));
    if (if_none_match_any && before)
      return fail(Errc::precondition_failed, "this name is taken", "precondition_failed");
    if (if_match && (!before || !dav::etag_listed(*if_match, etag_of(*before), false)))
      return fail(Errc::precondition_failed, "the object changed since", "precondition_failed");
    Object o;
    o.name = name;
    o.ics = ics;  // a copy: a write may run twice
    RUCHE_TRY(Object stored,
              store_object(c, caller.user_id, cal, std::move(o), before ? &*before : nullptr));
    return Put{std::move(stored), !before};
  });
}

Result<void> Service::remove_named(const Caller& caller, const std::string& segment,
                                   const std::string& name,
                                   const std::optional<std::string>& if_match) {
  if (segment == kInvitations) {
    // Deleting an invitation from one's calendar declines it (RFC 6638
    // section 3.2.2.2); declined, it leaves the collection.
    return p_.db.write([&](db::Conn& c) -> Result<void> {
      RUCHE_TRY(auto found, invitation_named(c, caller, name, if_match));
      RUCHE_TRY([[maybe_unused]] auto o,
                set_partstat(c, found.first, found.second.email, Answer{"DECLINED", {}}));
      return {};
    });
  }
  RUCHE_TRY(const platform::ModuleDef* feed, feed_writer(caller, segment));
  if (feed) return feed->calendar_delete(caller, workspace_of_feed(segment), name, if_match);
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(Calendar cal, reach_segment(c, caller.user_id, segment, Access::write));
    RUCHE_TRY(auto o, store::object_named(c, cal.col.id, name));
    if (!o) return fail(Errc::not_found, "no such object");
    if (if_match && !dav::etag_listed(*if_match, etag_of(*o), false))
      return fail(Errc::precondition_failed, "the object changed since", "precondition_failed");
    return delete_object(c, caller, cal, *o);
  });
}

// --- the JSON API ---------------------------------------------------------------------

Result<json::array> Service::occurrences(const Caller& caller, const std::optional<WorkspaceId>& ws,
                                         std::int64_t from_ms, std::int64_t to_ms) {
  if (to_ms <= from_ms || to_ms - from_ms > kMaxRangeMs)
    return fail(Errc::invalid, "from comes before to, at most 400 days apart", "invalid_range");
  return p_.db.read([&](db::Conn& c) -> Result<json::array> {
    std::vector<Collection> cols;
    // An armoured calendar's times are sealed: the browsers expand its events.
    if (ws) {
      RUCHE_TRY(auto cal, reach(c, caller.user_id, Collection::of_workspace(*ws), Access::read));
      if (cal.armoured)
        return fail(Errc::invalid,
                    "an armoured calendar's times are sealed: read its events "
                    "(/workspaces/{id}/calendar/sealed)",
                    "armoured_unsupported");
      cols.push_back(Collection::of_workspace(*ws));
    } else {
      cols.push_back(Collection::personal(caller.user_id));
      RUCHE_TRY(auto subscribed, store::subscriptions(c, caller.user_id.str()));
      for (const auto& sub : subscribed) cols.push_back(sub.collection());
      RUCHE_TRY(auto accesses, p_.authz.accesses_in(c, caller.user_id));
      for (const auto& a : accesses)
        if (a.right("calendar") != Access::none && !a.armoured)
          cols.push_back(Collection::of_workspace(a.workspace_id));
    }
    auto listed = [&](const Object& o) {
      return std::any_of(cols.begin(), cols.end(),
                         [&](const Collection& col) { return col.id == o.collection_id; });
    };
    // The caller's answers to the events they are invited to in the
    // calendars listed (by id, without their text); those of the others
    // are read after, with their text, in their own view.
    std::unordered_map<std::string, store::Attendee> answers;
    RUCHE_CHECK(store::each_invitation(c, caller.user_id.str(), from_ms, to_ms, false,
                                       [&](Object& o, const store::Attendee& me) -> Result<void> {
                                         if (listed(o)) answers.emplace(o.id.str(), me);
                                         return {};
                                       }));
    // The earliest kMaxOccurrences instances (by start, end, then the
    // order found), kept as they come in a heap whose top is the latest
    // kept: not every instance of every object held, then sorted and cut
    // (up to kMaxOccurrences an object, of up to kMaxObjects objects), and
    // an instance past that top is not written out at all.
    struct Found {
      std::int64_t start_ms, end_ms;
      std::size_t seq;
      json::object occurrence;
      bool operator<(const Found& o) const {
        return std::tie(start_ms, end_ms, seq) < std::tie(o.start_ms, o.end_ms, o.seq);
      }
    };
    std::vector<Found> found;
    std::size_t seq = 0;
    auto add = [&](const Object& o, const store::Attendee* me) {
      for (const auto& i :
           dav::expand(o.ics, from_ms, to_ms, kMaxOccurrences, me ? me->email : "")) {
        // A to-do without dates has no place in time.
        if (i.start_ms <= INT64_MIN / 2) continue;
        Found f{i.start_ms, i.end_ms, seq++, {}};
        if (found.size() == kMaxOccurrences && !(f < found.front())) continue;
        f.occurrence = occurrence_json(o, i, me ? std::optional(answer_to(i, *me)) : std::nullopt);
        found.push_back(std::move(f));
        std::push_heap(found.begin(), found.end());
        if (found.size() > kMaxOccurrences) {
          std::pop_heap(found.begin(), found.end());
          found.pop_back();
        }
      }
    };
    for (const auto& col : cols) {
      RUCHE_CHECK(store::each_object(c, col.id, std::make_pair(from_ms, to_ms), true,
                                     [&](Object& o) -> Result<void> {
                                       auto a = answers.find(o.id.str());
                                       add(o, a == answers.end() ? nullptr : &a->second);
                                       return {};
                                     }));
    }
    if (!ws) {
      RUCHE_CHECK(store::each_invitation(c, caller.user_id.str(), from_ms, to_ms, true,
                                         [&](Object& o, const store::Attendee& me) -> Result<void> {
                                           if (!listed(o)) add(o, &me);
                                           return {};
                                         }));
    }
    std::sort_heap(found.begin(), found.end());
    json::array out;
    for (auto& f : found) out.push_back(std::move(f.occurrence));
    return out;
  });
}

Result<Object> Service::create(const Caller& caller, const std::optional<WorkspaceId>& ws,
                               const EventRequest& request) {
  const std::string id = crypto::new_id_of<EventId>().str();
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Object> {
    const Collection col =
        ws ? Collection::of_workspace(*ws) : Collection::personal(caller.user_id);
    RUCHE_TRY(Calendar cal, reach(c, caller.user_id, col, Access::write));
    Object o;
    if (cal.armoured) {
      if (request.reminders) return armoured_reminders();
      // Its name is its id: a deletion's tombstone names the event.
      o.id = EventId(id);
      o.name = id;
      RUCHE_CHECK(seal(c, caller, cal, request, o, true));
      return store_object(c, caller.user_id, cal, std::move(o), nullptr);
    }
    RUCHE_CHECK(not_sealed(request));
    dav::EventEdit edit = request.edit;
    RUCHE_CHECK(resolve(c, caller, request, edit));
    o.name = id + ".ics";
    RUCHE_TRY(o.ics, dav::write_event(std::nullopt, id, edit, now));
    RUCHE_TRY(Object made, store_object(c, caller.user_id, cal, std::move(o), nullptr,
                                        request.attendees.has_value()));
    RUCHE_CHECK(written_reminders(c, caller.user_id, made, request.reminders));
    return made;
  });
}

Result<std::pair<Object, Calendar>> Service::reach_event(
    db::Conn& c, const Caller& caller, const EventId& id, Access need,
    const std::optional<std::string>& if_match) {
  if (!is_id(id.str())) return fail(Errc::not_found, "no such event");
  RUCHE_TRY(auto o, store::object(c, id));
  if (!o) return fail(Errc::not_found, "no such event");
  // A person's event is theirs: another's calendar is not reached.
  const Collection col = collection_of(o->collection_id);
  if (!col.workspace && col.owner != caller.user_id.str())
    return fail(Errc::not_found, "no such event");
  RUCHE_TRY(Calendar cal, reach(c, caller.user_id, col, need));
  if (if_match && !dav::etag_listed(*if_match, etag_of(*o), false))
    return fail(Errc::precondition_failed, "the event changed since", "precondition_failed");
  RUCHE_CHECK(store::read_members(c, {&*o}));
  return std::make_pair(std::move(*o), std::move(cal));
}

Result<std::pair<Object, Calendar>> Service::reach_event_or_invited(
    db::Conn& c, const Caller& caller, const EventId& id, Access need,
    const std::optional<std::string>& if_match) {
  auto found = reach_event(c, caller, id, need, if_match);
  if (found || found.error().code != Errc::not_found || !is_id(id.str())) return found;
  // An invitee sees the event, and only answers it; an armoured event's
  // attendees are members of its workspace, and see it only as members.
  RUCHE_TRY(auto answer, store::partstat_of(c, id, caller.user_id.str()));
  if (!answer) return found;
  RUCHE_TRY(auto o, store::object(c, id));
  if (!o || !o->sealed.empty()) return found;
  if (need == Access::write)
    return fail(Errc::forbidden, "an invitee answers; the organizer changes the event",
                "read_only");
  Calendar cal;
  cal.col = collection_of(o->collection_id);
  return std::make_pair(std::move(*o), std::move(cal));
}

Result<Object> Service::get(const Caller& caller, const EventId& id) {
  return p_.db.read([&](db::Conn& c) -> Result<Object> {
    RUCHE_TRY(auto found, reach_event_or_invited(c, caller, id, Access::read, std::nullopt));
    RUCHE_CHECK(read_reminders(c, caller.user_id, found.first));
    return std::move(found.first);
  });
}

Result<Object> Service::change(const Caller& caller, const EventId& id, const EventRequest& request,
                               const std::optional<std::string>& if_match, Object* series) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<Object> {
    auto changed = [&]() -> Result<Object> {
      RUCHE_TRY(auto found, reach_event_or_invited(c, caller, id, Access::write, if_match));
      const Object& before = found.first;
      if (request.rest && !found.second.armoured)
        return fail(Errc::invalid,
                    "following (a new event's card) cuts an armoured series; a plain one takes "
                    "recurrence_id and scope",
                    "invalid_field");
      Object next = before;
      // From its first occurrence on is the whole series.
      const bool whole = request.following && !found.second.armoured &&
                         dav::details(before.ics).own_start_ms == request.recurrence_ms;
      if (request.recurrence_ms && !whole) {
        // The browsers keep an armoured event's occurrences in its card.
        if (found.second.armoured)
          return fail(Errc::invalid, "an armoured event's occurrences are in its card",
                      "armoured_unsupported");
        RUCHE_CHECK(not_sealed(request));
        if (request.following) return split(c, caller, found.second, before, request, now);
        if (request.attendees)
          return fail(Errc::invalid, "the series' attendees are each occurrence's",
                      "invalid_field");
        RUCHE_TRY(next.ics,
                  dav::write_instance(before.ics, *request.recurrence_ms, request.edit, now));
        return store_object(c, caller.user_id, found.second, std::move(next), &before);
      }
      if (found.second.armoured) {
        if (request.rest) return split_sealed(c, caller, found.second, before, request, series);
        RUCHE_CHECK(seal(c, caller, found.second, request, next, false));
        return store_object(c, caller.user_id, found.second, std::move(next), &before);
      }
      RUCHE_CHECK(not_sealed(request));
      dav::EventEdit edit = request.edit;
      RUCHE_CHECK(resolve(c, caller, request, edit));
      RUCHE_TRY(next.ics, dav::write_event(before.ics, before.info.uid, edit, now));
      return store_object(c, caller.user_id, found.second, std::move(next), &before,
                          request.attendees.has_value());
    };
    RUCHE_TRY(Object o, changed());
    RUCHE_CHECK(written_reminders(c, caller.user_id, o, request.reminders));
    return o;
  });
}

Result<Object> Service::split(db::Conn& c, const Caller& caller, const Calendar& cal,
                              const Object& before, const EventRequest& request,
                              std::int64_t now_ms) {
  const std::string uid = crypto::new_id_of<EventId>().str();
  RUCHE_TRY(auto halves, dav::split_series(before.ics, *request.recurrence_ms, uid, now_ms));
  Object early = before;
  early.ics = std::move(halves.first);
  RUCHE_TRY([[maybe_unused]] Object kept,
            store_object(c, caller.user_id, cal, std::move(early), &before));
  // The rest, a new event with the same people (their answers kept), changed.
  dav::EventEdit edit = request.edit;
  RUCHE_CHECK(resolve(c, caller, request, edit));
  Object late;
  late.name = uid + ".ics";
  RUCHE_TRY(late.ics, dav::write_event(halves.second, uid, edit, now_ms));
  RUCHE_TRY(auto invited, store::attendees(c, before.id));
  return store_object(c, caller.user_id, cal, std::move(late), nullptr,
                      request.attendees.has_value() || !invited.empty());
}

Result<Object> Service::split_sealed(db::Conn& c, const Caller& caller, const Calendar& cal,
                                     const Object& before, const EventRequest& request,
                                     Object* series) {
  // The series keeps its people; the new event's are named with it.
  if (!request.sealed || request.attendees)
    return fail(Errc::invalid,
                "a series cut in two is sealed again ending before the cut (sealed), its people "
                "kept; the new event's are in following",
                request.sealed ? "invalid_field" : "sealed_required");
  Object early = before;
  RUCHE_CHECK(seal(c, caller, cal, request, early, false));
  RUCHE_TRY(Object kept, store_object(c, caller.user_id, cal, std::move(early), &before));
  if (series) *series = std::move(kept);
  // The rest: a new event whose people answered the series as they did it,
  // their answers apart too: sealed for the series' token (or the one it
  // was cut from), which the new card names (docs/armoured.md).
  const std::string id = crypto::new_id_of<EventId>().str();
  Object late;
  late.id = EventId(id);
  late.name = id;
  EventRequest rest = *request.rest;
  if (!rest.attendees) {
    rest.attendees.emplace();
    for (const Member& m : before.members)
      if (m.user_id != caller.user_id.str())
        rest.attendees->push_back(Invitee{.user_id = m.user_id});
  }
  for (Member m : before.members) {
    if (!m.sealed_answers.empty() && m.answers_token.empty()) m.answers_token = before.info.uid;
    late.members.push_back(std::move(m));
  }
  RUCHE_CHECK(seal(c, caller, cal, rest, late, true));
  return store_object(c, caller.user_id, cal, std::move(late), nullptr);
}

Result<void> Service::remove(const Caller& caller, const EventId& id,
                             const std::optional<std::string>& if_match,
                             std::optional<std::int64_t> recurrence_ms, bool following) {
  const std::int64_t now = p_.clock.now_ms();
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto found, reach_event_or_invited(c, caller, id, Access::write, if_match));
    if (!recurrence_ms) return delete_object(c, caller, found.second, found.first);
    if (found.second.armoured)
      return fail(Errc::invalid, "an armoured event's occurrences are in its card",
                  "armoured_unsupported");
    Object next = found.first;
    if (following) {
      // From the first occurrence on is the whole event; else the series
      // until then is kept, the rest goes.
      if (dav::details(found.first.ics).own_start_ms == recurrence_ms)
        return delete_object(c, caller, found.second, found.first);
      RUCHE_TRY(next.ics, dav::end_series(found.first.ics, *recurrence_ms, now));
    } else {
      RUCHE_TRY(next.ics, dav::cancel_instance(found.first.ics, *recurrence_ms, now));
    }
    RUCHE_TRY([[maybe_unused]] Object stored,
              store_object(c, caller.user_id, found.second, std::move(next), &found.first));
    return {};
  });
}

// --- armoured calendars (docs/armoured.md, "Calendar") ------------------------------

Result<void> Service::seal(db::Conn& c, const Caller& caller, const Calendar& cal,
                           const EventRequest& request, Object& o, bool is_new) {
  // A change of the people alone leaves the card as it is.
  if (request.clear || (!request.sealed && (is_new || !request.attendees)) ||
      (is_new && !request.token))
    return fail(Errc::invalid,
                "an armoured calendar's event keeps everything in its sealed card (token, sealed)",
                "sealed_required");
  if (is_new) {
    if (!platform::is_armour_token(*request.token))
      return fail(Errc::invalid, "an event's token is 16 random bytes (base64url)",
                  "invalid_token");
    o.info.uid = *request.token;
  } else if (request.token && *request.token != o.info.uid) {
    return fail(Errc::invalid, "an event keeps its token", "invalid_token");
  }
  if (request.attendees) RUCHE_CHECK(invite_members(c, caller, cal, *request.attendees, o));
  if (!request.sealed) return {};
  RUCHE_TRY(o.sealed, checked_seal(c, caller, cal, o.info.uid, kCardDomain, *request.sealed));
  o.sealed_by = caller.user_id.str();
  return {};
}

Result<std::string> Service::checked_seal(db::Conn& c, const Caller& caller, const Calendar& cal,
                                          const std::string& token, std::string_view domain,
                                          const std::string& text) {
  RUCHE_TRY(std::string sealed, platform::check_workspace_sealed(text, "invalid_sealed_text"));
  const WorkspaceId& ws = *cal.col.workspace;
  RUCHE_TRY(platform::SealedText read,
            p_.armour.verify_sealed(c, caller.user_id, domain,
                                    ws.str() + "\n" + token + "\n" + caller.user_id.str(), sealed));
  RUCHE_CHECK(p_.armour.require_current(c, platform::KeyScope::of(ws), read.generation));
  return sealed;
}

Result<void> Service::invite_members(db::Conn& c, const Caller& caller, const Calendar& cal,
                                     const std::vector<Invitee>& list, Object& o) {
  std::vector<Member> next;
  for (const Invitee& i : list) {
    if (i.user_id.empty())
      return fail(Errc::invalid,
                  "an armoured workspace's events invite its members (by user_id), no address",
                  "invalid_attendees");
    if (i.user_id == caller.user_id.str())
      return fail(Errc::invalid, "the organizer is not one of the attendees", "invalid_attendees");
    if (std::any_of(next.begin(), next.end(),
                    [&](const Member& m) { return m.user_id == i.user_id; }))
      return fail(Errc::invalid, "an attendee is listed twice: " + i.user_id, "invalid_attendees");
    // A member who reads the calendar: the card is sealed for them.
    RUCHE_TRY(auto who, store::colleague_by_id(c, caller.user_id.str(), i.user_id));
    auto reads = who ? reach(c, UserId(who->id), cal.col, Access::read)
                     : fail(Errc::not_found, "no such person");
    if (!reads && reads.error().code != Errc::not_found && reads.error().code != Errc::forbidden)
      return tl::unexpected(reads.error());
    if (!reads)
      return fail(Errc::invalid,
                  "not a member who reads this workspace's calendar: " + i.user_id.substr(0, 40),
                  "invalid_attendees");
    Member m{who->id, who->email, who->name, "NEEDS-ACTION", ""};
    for (const Member& was : o.members)
      if (was.user_id == m.user_id) {  // their answers stand
        m.partstat = was.partstat;
        m.sealed_answers = was.sealed_answers;
        m.answers_token = was.answers_token;
      }
    next.push_back(std::move(m));
  }
  o.members = std::move(next);
  o.organizer.reset();
  if (!o.members.empty()) o.organizer = Member{caller.user_id.str(), caller.email, caller.name, ""};
  return {};
}

Result<void> Service::schedule_sealed(db::Conn& c, const UserId& author, const Calendar& cal,
                                      const Object* before, const Object* after) {
  const std::vector<Member> none;
  const std::vector<Member>& was = before ? before->members : none;
  const std::vector<Member>& now = after ? after->members : none;
  if (was.empty() && now.empty()) return {};
  auto listed = [](const std::vector<Member>& list, const std::string& user_id) {
    return std::any_of(list.begin(), list.end(),
                       [&](const Member& m) { return m.user_id == user_id; });
  };
  if (after) {
    std::vector<store::Attendee> rows;
    for (const Member& m : now)
      rows.push_back({m.email, m.user_id, m.partstat, "", m.sealed_answers, m.answers_token});
    RUCHE_CHECK(store::set_attendees(c, after->id, rows));
  }
  // Who invites, and who changed: by name; the event itself is sealed.
  const Object& event = after ? *after : *before;
  const std::string who = event.organizer ? who_is(*event.organizer) : "Someone";
  for (const Member& m : now)
    if (!listed(was, m.user_id))
      RUCHE_CHECK(p_.outbox.notify(
          c, UserId(m.user_id), "calendar.invited", notice_of(event), std::nullopt,
          sealed_line(cal, who + " invites you to", who + " vous invite à", "invitations")));
  for (const Member& m : was)
    if (!listed(now, m.user_id))
      RUCHE_CHECK(p_.outbox.notify(
          c, UserId(m.user_id), "calendar.invitation_cancelled", notice_of(*before), std::nullopt,
          sealed_line(cal, "Cancelled, or no longer invited:",
                      "Annulé, ou vous n'y êtes plus invité :", "invitations")));
  // A new card is a change of plan for those who stay (not its writer):
  // what changed in it, the server cannot tell.
  if (before && after && before->sealed != after->sealed)
    for (const Member& m : now)
      if (m.user_id != author.str() && listed(was, m.user_id))
        RUCHE_CHECK(p_.outbox.notify(
            c, UserId(m.user_id), "calendar.invitation_updated", notice_of(*after), std::nullopt,
            sealed_line(cal, who + " changed", who + " a modifié", "invitations")));
  return {};
}

Result<Object> Service::answer_sealed(db::Conn& c, const Caller& caller, const Calendar& cal,
                                      const Object& event, const Answer& answer) {
  if (answer.recurrence_ms)
    return fail(Errc::invalid,
                "an armoured event's occurrences are answered in sealed_answers (their times are "
                "sealed)",
                "armoured_unsupported");
  Object next = event;
  auto me = std::find_if(next.members.begin(), next.members.end(),
                         [&](const Member& m) { return m.user_id == caller.user_id.str(); });
  if (me == next.members.end())
    return fail(Errc::forbidden, "you are not invited to this event", "not_invited");
  // An answer to the series answers every occurrence (as in a plain
  // calendar): the answers apart go, unless new ones come with it.
  if (!answer.partstat.empty()) {
    me->partstat = answer.partstat;
    me->sealed_answers.clear();
  }
  if (answer.sealed_answers && !answer.sealed_answers->empty()) {
    RUCHE_TRY(me->sealed_answers,
              checked_seal(c, caller, cal, event.info.uid, kAnswersDomain, *answer.sealed_answers));
  } else if (answer.sealed_answers) {
    me->sealed_answers.clear();
  }
  // Sealed now for this event's token, or none.
  if (!answer.partstat.empty() || answer.sealed_answers) me->answers_token.clear();
  const Member answered = *me;
  // A new version: every member's browser reads the answer with the event.
  RUCHE_TRY(Object stored, store_object(c, caller.user_id, cal, std::move(next), &event));
  // Told to the organizer while they read the calendar (one who left the
  // workspace stays its organizer, and hears nothing more of it).
  const bool told = stored.organizer && stored.organizer->user_id != caller.user_id.str() &&
                    reach(c, UserId(stored.organizer->user_id), cal.col, Access::read).has_value();
  if (told) {
    json::object notice = notice_of(stored);
    notice["attendee"] = json::object{{"user_id", answered.user_id},
                                      {"email", answered.email},
                                      {"name", answered.name},
                                      {"partstat", partstat_json(answered.partstat)}};
    // Answers to occurrences alone: which ones, only the browsers can tell.
    if (answer.partstat.empty()) notice["occurrences"] = true;
    const std::string name = who_is(answered);
    const auto [en, fr] =
        answer.partstat.empty()
            ? std::pair<std::string, std::string>{name + " answered occurrences of",
                                                  name + " a répondu pour des occurrences de"}
            : answered_by(name, answer.partstat);
    RUCHE_CHECK(p_.outbox.notify(c, UserId(stored.organizer->user_id), "calendar.answered",
                                 std::move(notice), std::nullopt,
                                 sealed_line(cal, en, fr, "answers")));
  }
  return stored;
}

Result<Service::SealedPage> Service::sealed_events(const Caller& caller, const WorkspaceId& ws,
                                                   std::int64_t after, int limit) {
  return p_.db.read([&](db::Conn& c) -> Result<SealedPage> {
    RUCHE_TRY(Calendar cal, reach(c, caller.user_id, Collection::of_workspace(ws), Access::read));
    if (!cal.armoured)
      return fail(Errc::conflict, "this calendar is not armoured: read its occurrences",
                  "not_armoured");
    if (after < 0 || after > cal.seq)
      return fail(Errc::invalid, "this calendar never had this version", "invalid_range");
    RUCHE_TRY(auto changes, store::changes_since(c, cal.col.id, after, limit + 1));
    SealedPage page;
    page.more = changes.size() > static_cast<std::size_t>(limit);
    if (page.more) changes.resize(static_cast<std::size_t>(limit));
    std::vector<std::string> names;
    for (const auto& ch : changes) (ch.deleted ? page.deleted : names).push_back(ch.name);
    RUCHE_TRY(page.events, store::objects_named(c, cal.col.id, names));
    std::sort(page.events.begin(), page.events.end(),
              [](const Object& a, const Object& b) { return a.seq < b.seq; });
    std::vector<Object*> read;
    for (Object& o : page.events) read.push_back(&o);
    RUCHE_CHECK(store::read_members(c, std::move(read)));
    page.version = page.more ? changes.back().seq : cal.seq;
    return page;
  });
}

// --- invitations ----------------------------------------------------------------------

namespace {

// Answers to single occurrences one PUT in the invitations calendar
// changes, at most (put_answer).
constexpr std::size_t kMaxAnswersAtOnce = 100;

}  // namespace

Result<void> Service::resolve(db::Conn& c, const Caller& author, const EventRequest& request,
                              dav::EventEdit& edit) {
  if (!request.attendees) return {};
  std::vector<dav::Participant> list;
  for (const Invitee& i : *request.attendees) {
    dav::Participant p{i.email, i.name, ""};
    if (!i.user_id.empty()) {
      RUCHE_TRY(auto who, store::colleague_by_id(c, author.user_id.str(), i.user_id));
      if (!who)
        return fail(Errc::invalid, "no such person among your workspaces: " + i.user_id,
                    "invalid_attendees");
      p = {who->email, who->name, ""};
    } else if (p.name.empty()) {
      RUCHE_TRY(auto who, store::colleague_by_email(c, author.user_id.str(), p.email));
      if (who) p.name = who->name;
    }
    if (p.email == author.email)
      return fail(Errc::invalid, "the organizer is not one of the attendees", "invalid_attendees");
    if (std::any_of(list.begin(), list.end(),
                    [&](const dav::Participant& x) { return x.email == p.email; }))
      return fail(Errc::invalid, "an attendee is listed twice: " + p.email, "invalid_attendees");
    list.push_back(std::move(p));
  }
  edit.attendees = std::move(list);
  edit.organizer = dav::Participant{author.email, author.name, ""};
  return {};
}

std::string Service::answer_token(const EventId& id, std::string_view email) const {
  return crypto::base64url_encode(crypto::hmac_sha256(
      p_.config.instance_key, "ruche-calendar-answer\n" + id.str() + "\n" + std::string(email)));
}

platform::Mail Service::invitation_mail(Letter& letter, const store::Attendee& to,
                                        std::string_view method,
                                        std::optional<std::int64_t> occurrence) const {
  const bool cancel = method == "CANCEL";
  const Object& event = letter.event;
  const dav::EventDetails& d = letter.details;
  // An address outside has no language of its own here: the instance's.
  auto settings = p_.settings.get();
  const bool fr = settings && settings->default_locale == "fr";
  std::string organizer = fr ? "Quelqu'un" : "Someone";
  if (d.who.organizer)
    organizer = d.who.organizer->name.empty() ? d.who.organizer->email : d.who.organizer->name;
  // What it is about: the event, or the one occurrence as it is now.
  const bool all_day = event.info.all_day;
  std::string title = event.info.summary, location = event.info.location,
              description = event.info.description, rrule = d.rrule;
  std::optional<std::int64_t> start = d.own_start_ms, end = d.own_end_ms;
  std::string when_once;
  if (occurrence) {
    when_once = when_text(*occurrence, all_day, d.timezone);
    rrule.clear();
    const dav::ChangedInstance now = occurrence_now(event, d, *occurrence);
    start = now.start_ms;
    end = now.end_ms;
    title = now.summary;
    location = now.location;
    description = now.description;
  }
  platform::Mail m;
  m.to = to.email;
  if (occurrence && fr) {
    m.subject = (cancel ? "Annulé : " : "Modifié : ") + title + " (" + when_once + ")";
    m.text = organizer + (cancel ? " a annulé" : " a modifié") + " l'occurrence du " + when_once +
             " de « " + title + " »" +
             (cancel ? " ; les autres occurrences restent prévues.\n\n" : ".\n\n");
  } else if (occurrence) {
    m.subject = (cancel ? "Cancelled: " : "Changed: ") + title + " (" + when_once + ")";
    m.text = organizer + (cancel ? " cancelled" : " changed") + " the occurrence of " + when_once +
             " of \"" + title + "\"" +
             (cancel ? "; the other occurrences stay as they were.\n\n" : ".\n\n");
  } else if (fr) {
    m.subject = (cancel ? "Annulé : " : "Invitation : ") + title;
    m.text = organizer + (cancel ? " a annulé « " : " vous invite à « ") + title + " ».\n\n";
  } else {
    m.subject = (cancel ? "Cancelled: " : "Invitation: ") + title;
    m.text = organizer + (cancel ? " cancelled \"" : " invites you to \"") + title + "\".\n\n";
  }
  if (start && !(cancel && occurrence)) {
    m.text += (fr ? "Quand : " : "When: ") + when_text(*start, all_day, d.timezone);
    if (end && *end != *start)
      m.text += (fr ? " au " : " to ") +
                when_text(*end - (all_day ? 86'400'000 : 0), all_day, d.timezone);
    m.text += "\n";
    if (!rrule.empty()) m.text += (fr ? "Se répète : " : "Repeats: ") + rrule + "\n";
  }
  if (!location.empty() && !(cancel && occurrence))
    m.text += (fr ? "Où : " : "Where: ") + location + "\n";
  if (!cancel && !description.empty()) m.text += "\n" + description + "\n";
  if (!cancel)
    m.text += (fr ? "\nAccepter ou refuser : " : "\nAccept or decline: ") + p_.config.public_url +
              "/calendar/answer/" + answer_token(event.id, to.email) +
              (fr ? "\n\nVotre application d'agenda peut aussi ajouter l'invitation jointe.\n"
                  : "\n\nYour calendar application can also add the invitation attached.\n");
  // A changed occurrence goes with the whole event (applications replace
  // what they hold); a cancelled one alone (RFC 5546 section 3.2.5).
  if (cancel) {
    m.calendar = dav::itip_message(event.ics, method, to.email, occurrence);
  } else {
    if (letter.request.empty()) letter.request = dav::itip_message(event.ics, method, to.email);
    m.calendar = letter.request;
  }
  m.calendar_method = std::string(method);
  return m;
}

Result<void> Service::schedule(db::Conn& c, const UserId& author, const Object* before,
                               const Object* after, bool asked) {
  std::vector<store::Attendee> was;
  if (before) {
    RUCHE_TRY(was, store::attendees(c, before->id));
  }
  if (!asked && was.empty()) return {};
  auto find = [](const std::vector<store::Attendee>& list, const std::string& email) {
    return std::find_if(list.begin(), list.end(),
                        [&](const store::Attendee& a) { return a.email == email; });
  };
  std::vector<store::Attendee> now;
  if (after) {
    const dav::Participants who = dav::participants(after->ics);
    // A calendar application may have written the list: the same bounds.
    if (who.attendees.size() > kMaxAttendees)
      return fail(Errc::invalid, "an event has at most 100 attendees", "invalid_attendees");
    for (const auto& p : who.organizer ? who.attendees : std::vector<dav::Participant>{}) {
      if (!platform::normalize_email(p.email)) continue;  // not an address to write to
      store::Attendee a{p.email, std::nullopt, p.partstat, ""};
      if (auto old = find(was, p.email); old != was.end()) {
        a.user_id = old->user_id;  // resolved once, when invited
      } else {
        RUCHE_TRY(auto person, store::colleague_by_email(c, author.str(), p.email));
        if (person) a.user_id = person->id;
      }
      if (!a.user_id) a.token_hash = crypto::token_hash(answer_token(after->id, a.email));
      now.push_back(std::move(a));
    }
    RUCHE_CHECK(store::set_attendees(c, after->id, now));
  }
  // Colleagues hear of it: invited, or no longer (removed, deleted). An
  // invitation reaches people who are not members of the event's workspace.
  // Each notice is written once, the first time someone is to hear it.
  std::optional<std::pair<json::object, platform::Outbox::NoticeEmail>> invited, cancelled;
  for (const auto& a : now)
    if (a.user_id && find(was, a.email) == was.end()) {
      if (!invited) {
        const std::string who = who_is(dav::participants(after->ics).organizer);
        invited.emplace(notice_of(*after), digest_line(*after, who + " invites you to",
                                                       who + " vous invite à", "invitations"));
      }
      RUCHE_CHECK(p_.outbox.notify(c, UserId(*a.user_id), "calendar.invited", invited->first,
                                   std::nullopt, invited->second));
    }
  for (const auto& a : was)
    if (a.user_id && find(now, a.email) == now.end()) {
      if (!cancelled)
        cancelled.emplace(notice_of(*before),
                          digest_line(*before, "Cancelled, or no longer invited:",
                                      "Annulé, ou vous n'y êtes plus invité :", "invitations"));
      RUCHE_CHECK(p_.outbox.notify(c, UserId(*a.user_id), "calendar.invitation_cancelled",
                                   cancelled->first, std::nullopt, cancelled->second));
    }
  // Those who stay hear of a change of plan: the series', or one
  // occurrence's (not whoever made it).
  const Update update = before && after ? update_of(before->ics, after->ics) : Update{};
  if (update.any) {
    std::optional<std::pair<json::object, platform::Outbox::NoticeEmail>> updated;
    for (const auto& a : now)
      if (a.user_id && *a.user_id != author.str() && find(was, a.email) != was.end()) {
        if (!updated) updated.emplace(update_notice(*after, update));
        RUCHE_CHECK(p_.outbox.notify(c, UserId(*a.user_id), "calendar.invitation_updated",
                                     updated->first, std::nullopt, updated->second));
      }
  }
  if (!p_.mail_queue.enabled()) return {};
  // Email goes to external attendees; colleagues find invitations in Ruche.
  std::vector<platform::Mail> mails;
  std::optional<Letter> now_letter, was_letter;  // read at the first email
  for (const auto& a : now) {
    if (a.user_id) continue;
    if (find(was, a.email) == was.end() || (update.any && !update.occurrence)) {
      if (!now_letter) now_letter.emplace(*after);
      mails.push_back(invitation_mail(*now_letter, a, "REQUEST"));
    } else if (update.occurrence) {
      if (!now_letter) now_letter.emplace(*after);
      mails.push_back(invitation_mail(*now_letter, a, update.cancelled ? "CANCEL" : "REQUEST",
                                      update.occurrence));
    }
  }
  // Counted when the change commits: a write run again, or refused, takes
  // nothing from the organizer's allowance.
  if (const double requests = static_cast<double>(mails.size()); requests > 0) {
    if (!invitation_mails_.has(author.str(), requests))
      return fail_rate_limited("too many invitation emails: try again in a while",
                               "too_many_invitations",
                               invitation_mails_.retry_after_ms(author.str(), requests));
    c.on_commit([this, who = author.str(), requests] { invitation_mails_.take(who, requests); });
  }
  for (const auto& a : was)
    if (!a.user_id && find(now, a.email) == now.end()) {
      if (!was_letter) was_letter.emplace(*before);
      mails.push_back(invitation_mail(*was_letter, a, "CANCEL"));
    }
  for (const auto& m : mails) RUCHE_CHECK(p_.mail_queue.enqueue(c, m));
  return {};
}

Result<Object> Service::set_partstat(db::Conn& c, const Object& event, const std::string& email,
                                     const Answer& answer) {
  Object next = event;
  auto ics =
      dav::set_partstat(event.ics, email, answer.partstat, p_.clock.now_ms(), answer.recurrence_ms);
  if (!ics && ics.error().code == Errc::not_found)
    return fail(Errc::forbidden, "you are not invited to this occurrence", "not_invited");
  if (!ics) return tl::unexpected(ics.error());
  next.ics = std::move(*ics);
  Calendar cal;
  cal.col = collection_of(event.collection_id);
  RUCHE_TRY(Object stored, store_object(c, UserId(event.created_by), cal, std::move(next), &event));
  // The organizer hears of the answer live, while they read the event's
  // calendar: one removed from its workspace stays its ORGANIZER, as does
  // whoever a calendar application named there, and neither may learn
  // anything more of it (its title, times, who answered).
  const dav::Participants who = dav::participants(stored.ics);
  if (who.organizer) {
    RUCHE_TRY(auto user, store::user_with_email(c, who.organizer->email));
    if (user && !reach(c, UserId(*user), cal.col, Access::read)) user.reset();
    if (user) {
      json::object notice = notice_of(stored);
      std::string name = email;
      for (const auto& a : who.attendees)
        if (a.email == email) {
          notice["attendee"] = json::object{
              {"email", a.email}, {"name", a.name}, {"partstat", partstat_json(answer.partstat)}};
          name = who_is(a);
        }
      auto [en, fr] = answered_by(name, answer.partstat);
      if (answer.recurrence_ms) {
        notice["recurrence_id"] = format_iso8601(*answer.recurrence_ms);
        const std::string when = event_when(stored, *answer.recurrence_ms);
        en += " the occurrence of " + when + " of";
        fr += " l'occurrence du " + when + " de";
      }
      RUCHE_CHECK(p_.outbox.notify(c, UserId(*user), "calendar.answered", std::move(notice),
                                   std::nullopt,
                                   digest_line(stored, en, fr, "answers", !answer.recurrence_ms)));
    }
  }
  return stored;
}

Result<Object> Service::reply(const Caller& caller, const EventId& id, const Answer& answer) {
  return p_.db.write([&](db::Conn& c) -> Result<Object> {
    RUCHE_TRY(auto found, reach_event_or_invited(c, caller, id, Access::read, std::nullopt));
    if (found.second.armoured) return answer_sealed(c, caller, found.second, found.first, answer);
    if (answer.sealed_answers)
      return fail(Errc::invalid, "sealed answers are for armoured workspaces", "not_armoured");
    RUCHE_TRY(auto list, store::attendees(c, id));
    auto me = std::find_if(list.begin(), list.end(), [&](const store::Attendee& a) {
      return a.user_id == caller.user_id.str();
    });
    if (me == list.end())
      return fail(Errc::forbidden, "you are not invited to this event", "not_invited");
    RUCHE_TRY(Object answered, set_partstat(c, found.first, me->email, answer));
    RUCHE_CHECK(read_reminders(c, caller.user_id, answered));
    return answered;
  });
}

Result<std::vector<Service::Busy>> Service::free_busy(const Caller& caller,
                                                      const std::vector<std::string>& users,
                                                      std::int64_t from_ms, std::int64_t to_ms) {
  if (to_ms <= from_ms || to_ms - from_ms > kMaxFreeBusyRangeMs)
    return fail(Errc::invalid, "from comes before to, at most 62 days apart", "invalid_range");
  if (users.empty() || users.size() > kMaxFreeBusyPeople)
    return fail(Errc::invalid, "users names 1 to 20 people", "invalid_users");
  return p_.db.read([&](db::Conn& c) -> Result<std::vector<Busy>> {
    std::vector<Busy> out;
    for (const auto& user : users) {
      // Each person once, where first asked.
      if (std::any_of(out.begin(), out.end(), [&](const Busy& b) { return b.user_id == user; }))
        continue;
      if (user != caller.user_id.str()) {
        RUCHE_TRY(auto who, store::colleague_by_id(c, caller.user_id.str(), user));
        if (!who)
          return fail(Errc::invalid, "no such person among your workspaces: " + user.substr(0, 40),
                      "invalid_users");
      }
      // Their own calendar, the meetings they organize and the invitations
      // they have not declined; timed instances only (a day off, a to-do
      // or a deadline all day long leaves them free).
      // Each with the person's answers when invited to it, read one by one.
      BusySpans spans;
      auto busy = [&](const Object& o, const store::Attendee* me) -> Result<void> {
        if (o.info.kind != dav::ComponentKind::vevent) return {};
        for (const auto& i :
             dav::expand(o.ics, from_ms, to_ms, kMaxOccurrences, me ? me->email : ""))
          if (!i.all_day && !i.free && i.end_ms > i.start_ms &&
              !(me && answer_to(i, *me) == "DECLINED"))
            spans.add(std::max(i.start_ms, from_ms), std::min(i.end_ms, to_ms));
        return {};
      };
      const std::string personal = Collection::personal(UserId(user)).id;
      RUCHE_CHECK(store::each_object(c, personal, std::make_pair(from_ms, to_ms), true,
                                     [&](Object& o) { return busy(o, nullptr); }));
      RUCHE_CHECK(store::each_organized(c, user, from_ms, to_ms, [&](Object& o) -> Result<void> {
        if (o.collection_id == personal) return {};
        return busy(o, nullptr);
      }));
      RUCHE_CHECK(store::each_invitation(
          c, user, from_ms, to_ms, true,
          [&](Object& o, const store::Attendee& me) { return busy(o, &me); }));
      out.push_back(Busy{user, std::move(spans).take()});
    }
    return out;
  });
}

Result<std::pair<Object, store::Attendee>> Service::invitation_named(
    db::Conn& c, const Caller& caller, const std::string& name,
    const std::optional<std::string>& if_match) {
  RUCHE_TRY(Calendar cal, reach_segment(c, caller.user_id, kInvitations, Access::read));
  RUCHE_TRY(auto listed, feed_objects_named(c, cal, {name}));
  if (listed.empty()) return fail(Errc::not_found, "no such invitation");
  const Object* o = &listed.front();
  if (if_match && !dav::etag_listed(*if_match, etag_of(*o), false))
    return fail(Errc::precondition_failed, "the event changed since", "precondition_failed");
  // The event as stored (the feed serves it without the organizer's alarms).
  RUCHE_TRY(auto stored, store::object(c, o->id));
  if (!stored) return fail(Errc::not_found, "no such invitation");
  RUCHE_TRY(auto list, store::attendees(c, o->id));
  for (auto& a : list)
    if (a.user_id == caller.user_id.str()) return std::make_pair(std::move(*stored), std::move(a));
  return fail(Errc::not_found, "no such invitation");
}

Result<Service::Put> Service::put_answer(const Caller& caller, const std::string& name,
                                         const std::string& ics,
                                         const std::optional<std::string>& if_match,
                                         bool if_none_match_any) {
  RUCHE_TRY([[maybe_unused]] auto checked, dav::inspect(ics));
  return p_.db.write([&](db::Conn& c) -> Result<Put> {
    auto found = invitation_named(c, caller, name, if_match);
    if (!found && found.error().code == Errc::not_found)
      return fail(Errc::forbidden, "events are not made here: this calendar holds invitations",
                  "read_only");
    if (!found) return tl::unexpected(found.error());
    if (if_none_match_any)
      return fail(Errc::precondition_failed, "this name is taken", "precondition_failed");
    // An attendee changes their own answers (RFC 6638 section 3.2.2.1): to
    // the series, then to each instance (an override naming them); the rest
    // of the event is the organizer's, and is left as it is.
    const store::Attendee& me = found->second;
    const dav::EventDetails sent = dav::details(ics);
    std::optional<std::string> series;
    for (const auto& a : sent.who.attendees)
      if (a.email == me.email) series = a.partstat;
    std::map<std::int64_t, std::string> instances;
    for (const auto& a : sent.instance_answers)
      if (a.email == me.email) instances.emplace(a.recurrence_ms, a.partstat);
    for (const auto& [ms, partstat] : Answers(found->first, me).instances)
      if (series) instances.emplace(ms, *series);  // sent as the series'
    // Each answer that changes is a write of the whole event (checked,
    // indexed, its rule walked) and a notice to the organizer: a bounded
    // number of them per PUT, not the hundreds of overrides 256 KiB hold.
    {
      const bool reset = series && *series != me.partstat;  // answers every instance
      const Answers was(found->first, me);
      const auto changing = std::count_if(instances.begin(), instances.end(), [&](const auto& i) {
        return i.second != (reset ? *series : was.to(i.first));
      });
      if (static_cast<std::size_t>(changing) > kMaxAnswersAtOnce)
        return fail(Errc::invalid,
                    "at most 100 answers to single occurrences change in one PUT: answer the "
                    "series, or a few occurrences at a time",
                    "valid-calendar-object-resource");
    }
    Put out;
    out.object = found->first;
    out.as_sent = false;
    auto apply = [&](const Answer& answer, const std::string& now) -> Result<void> {
      if (answer.partstat == now) return {};
      if (answer.partstat != "ACCEPTED" && answer.partstat != "DECLINED" &&
          answer.partstat != "TENTATIVE")
        return fail(Errc::forbidden, "an answer is ACCEPTED, DECLINED or TENTATIVE",
                    "valid-calendar-object-resource");
      RUCHE_TRY(out.object, set_partstat(c, out.object, me.email, answer));
      return {};
    };
    if (series) RUCHE_CHECK(apply({*series, std::nullopt}, me.partstat));
    for (const auto& [ms, partstat] : instances) {
      store::Attendee now = me;
      if (series) now.partstat = *series;
      RUCHE_CHECK(apply({partstat, ms}, Answers(out.object, now).to(ms)));
    }
    return out;
  });
}

Result<Invitation> Service::invitation(std::string_view token) {
  if (token.empty() || token.size() > 64) return fail(Errc::not_found, "no such invitation");
  return p_.db.read([&](db::Conn& c) -> Result<Invitation> {
    RUCHE_TRY(auto found, store::invitation(c, crypto::token_hash(token)));
    if (!found) return fail(Errc::not_found, "no such invitation");
    return invitation_of(std::move(found->first), std::move(found->second));
  });
}

Invitation Service::invitation_of(Object event, store::Attendee attendee) const {
  Invitation out{std::move(event), std::move(attendee), {}};
  if (!out.event.info.recurring) return out;
  const std::int64_t from = p_.clock.now_ms() - 86'400'000;
  for (auto& i :
       dav::expand(out.event.ics, from, from + kMaxRangeMs, kMaxUpcoming, out.attendee.email))
    if (i.recurrence_ms) out.upcoming.emplace_back(i, answer_to(i, out.attendee));
  return out;
}

Result<Invitation> Service::answer(std::string_view token, const Answer& answer) {
  if (token.empty() || token.size() > 64) return fail(Errc::not_found, "no such invitation");
  if (answer.sealed_answers)
    return fail(Errc::invalid, "sealed answers are for armoured workspaces", "not_armoured");
  // Anyone may post here: a link that does not exist costs a read, not the
  // database's one writer, and one that does is bounded like a user's writes.
  const std::string hash = crypto::token_hash(token);
  RUCHE_TRY(auto known, p_.db.read([&](db::Conn& c) { return store::invitation(c, hash); }));
  if (!known) return fail(Errc::not_found, "no such invitation");
  if (!link_answers_.allow(hash))
    return fail_rate_limited("too many answers through this link: try again in a while",
                             "rate_limited", link_answers_.retry_after_ms(hash));
  return p_.db.write([&](db::Conn& c) -> Result<Invitation> {
    RUCHE_TRY(auto found, store::invitation(c, hash));
    if (!found) return fail(Errc::not_found, "no such invitation");
    RUCHE_TRY(Object event, set_partstat(c, found->first, found->second.email, answer));
    if (!answer.recurrence_ms) found->second.partstat = answer.partstat;
    return invitation_of(std::move(event), std::move(found->second));
  });
}

// --- hooks ------------------------------------------------------------------------------

namespace {

// A search hit's snippet: the event's title, or where it has none of the
// words, the first of its occurrences' own titles and places (then its own
// place) that has some.
std::string snippet_of(const dav::ObjectInfo& info, const std::vector<std::string>& words) {
  std::string title = platform::mark_matches(info.summary, words);
  if (title != info.summary) return title;
  std::vector<std::string_view> others;
  for (std::string_view rest = info.texts_apart; !rest.empty();) {
    const std::size_t nl = rest.find('\n');
    others.push_back(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  others.push_back(info.location);
  for (std::string_view text : others) {
    if (text.size() > 300) continue;  // a description's line: not a snippet
    std::string marked = platform::mark_matches(std::string(text), words);
    if (marked.size() != text.size()) return marked;
  }
  return title;
}

}  // namespace

Result<void> Service::index_texts_apart() {
  for (;;) {
    RUCHE_TRY(auto batch, p_.db.read([](db::Conn& c) { return store::unindexed(c, 200); }));
    if (batch.empty()) return {};
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
      for (const auto& [id, ics] : batch) {
        // An object stored is valid; one that is not any more has nothing to find.
        auto info = dav::inspect(ics);
        RUCHE_CHECK(store::set_texts_apart(c, id, info ? info->texts_apart : std::string()));
      }
      return {};
    }));
  }
}

Result<std::vector<platform::SearchHit>> Service::search(db::Conn& c,
                                                         const std::vector<WorkspaceId>& readable,
                                                         std::string_view query, int limit) {
  RUCHE_TRY(auto words, platform::search_words(query));
  if (words.empty()) return std::vector<platform::SearchHit>{};
  // The workspaces' calendars (a hit names its workspace: personal
  // calendars are not searched).
  std::vector<std::string> cols;
  for (const auto& ws : readable) cols.push_back(Collection::of_workspace(ws).id);
  RUCHE_TRY(auto found, store::search(c, cols, words, limit));
  std::vector<platform::SearchHit> hits;
  for (const auto& o : found) {
    platform::SearchHit h;
    h.type = "event";
    h.id = o.id.str();
    h.workspace_id = *workspace_of(o.collection_id);
    h.snippet = snippet_of(o.info, words);
    h.rank = -static_cast<double>(o.updated_at_ms);
    h.extra["title"] = o.info.summary;
    h.extra["start"] = o.info.start_ms > INT64_MIN / 2 ? time_json(o.info.start_ms, o.info.all_day)
                                                       : json::value(nullptr);
    h.extra["updated_at"] = format_iso8601(o.updated_at_ms);
    hits.push_back(std::move(h));
  }
  return hits;
}

Result<void> Service::member_left(db::Conn& c, const WorkspaceId& ws, const UserId& user) {
  Calendar cal;
  cal.col = Collection::of_workspace(ws);
  RUCHE_TRY(auto events, store::sealed_inviting(c, cal.col.id, user.str()));
  if (events.empty()) return {};
  RUCHE_TRY(cal.display_name, store::workspace_name(c, ws));
  for (Object& before : events) {
    RUCHE_CHECK(store::read_members(c, {&before}));
    Object next = before;
    std::erase_if(next.members, [&](const Member& m) { return m.user_id == user.str(); });
    if (next.members.empty()) next.organizer.reset();
    RUCHE_TRY([[maybe_unused]] Object stored, store_object(c, user, cal, std::move(next), &before));
  }
  return {};
}

Result<json::object> Service::metrics(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms) {
  return store::metrics(c, ws, since_ms, p_.clock.now_ms());
}

}  // namespace ruche::calendar
