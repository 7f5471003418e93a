#include "dav/ical_object.hpp"

#include "dav/libical.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <tuple>

namespace ruche::dav {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

struct IterFree {
  void operator()(icalrecur_iterator* i) const { icalrecur_iterator_free(i); }
};
using IterPtr = std::unique_ptr<icalrecur_iterator, IterFree>;

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// Parses `ics` into a VCALENDAR, or null.
CompPtr parse(std::string_view ics) {
  if (ics.size() > kMaxObjectBytes) return nullptr;
  std::string_view body = ics;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  while (!body.empty() && (body.front() == '\r' || body.front() == '\n')) body.remove_prefix(1);
  if (!starts_with_ci(body, "BEGIN:VCALENDAR")) return nullptr;
  if (body.find('\0') != std::string_view::npos) return nullptr;
  const std::string text(body);
  CompPtr root(icalparser_parse_string(text.c_str()));
  if (!root || icalcomponent_isa(root.get()) != ICAL_VCALENDAR_COMPONENT) return nullptr;
  return root;
}

bool has_recurrence_id(icalcomponent* c) {
  return icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY) != nullptr;
}

// The components of the object's kind, the main one (without RECURRENCE-ID)
// first when there is one.
std::vector<icalcomponent*> parts(icalcomponent* root) {
  std::vector<icalcomponent*> out;
  for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT); c;
       c = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT))
    if (is_kind(c)) out.push_back(c);
  std::stable_partition(out.begin(), out.end(),
                        [](icalcomponent* c) { return !has_recurrence_id(c); });
  return out;
}

bool valid_fields(const icaltimetype& t) {
  if (t.year < 1 || t.year > 9999 || t.month < 1 || t.month > 12 || t.day < 1 ||
      t.day > icaltime_days_in_month(t.month, t.year))
    return false;
  return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 &&
                       t.second >= 0 && t.second <= 60);
}

// An instant from a libical time: its zone when it has one, UTC for
// floating times and dates.
std::optional<std::int64_t> ms_of(const icaltimetype& t) {
  if (icaltime_is_null_time(t) || !valid_fields(t)) return std::nullopt;
  icaltimetype copy = t;
  if (copy.is_date) {
    copy.hour = copy.minute = copy.second = 0;
    copy.is_date = 0;
  }
  const icaltimezone* zone = copy.zone ? copy.zone : icaltimezone_get_utc_timezone();
  return static_cast<std::int64_t>(icaltime_as_timet_with_zone(copy, zone)) * 1000;
}

// The system's zone named `name`, or null: the name is checked before
// libical reads /usr/share/zoneinfo/<name> ("../" would leave it).
icaltimezone* known_zone(std::string_view name) {
  if (name.empty() || name.size() > kMaxTimeZoneBytes || name.front() == '/' ||
      name.find("..") != std::string_view::npos)
    return nullptr;
  for (char ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '/' && ch != '_' && ch != '-' &&
        ch != '+')
      return nullptr;
  return icaltimezone_get_builtin_timezone(std::string(name).c_str());
}

// When the day of `day_ms` (a date's midnight UTC) begins in `zone` (UTC: null).
std::int64_t day_begins(std::int64_t day_ms, icaltimezone* zone);

std::optional<std::int64_t> prop_ms(icalcomponent* c, icalproperty_kind kind) {
  icalproperty* p = icalcomponent_get_first_property(c, kind);
  if (!p) return std::nullopt;
  switch (kind) {
    case ICAL_DTSTART_PROPERTY:
      return ms_of(icalcomponent_get_dtstart(c));
    case ICAL_DTEND_PROPERTY:
      return ms_of(icalcomponent_get_dtend(c));
    case ICAL_DUE_PROPERTY:
      return ms_of(icalcomponent_get_due(c));
    case ICAL_RECURRENCEID_PROPERTY:
      // In its zone (icalcomponent_get_recurrenceid leaves a TZID unread).
      return ms_of(icalproperty_get_datetime_with_component(p, c));
    default:
      return std::nullopt;
  }
}

bool is_date_start(icalcomponent* c) {
  icalproperty* p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
  return p && icalcomponent_get_dtstart(c).is_date;
}

// The component's length: DTEND (DUE) minus DTSTART, or DURATION, or a day
// for a date, or none.
std::int64_t length_ms(icalcomponent* c, std::int64_t start) {
  const bool todo = icalcomponent_isa(c) == ICAL_VTODO_COMPONENT;
  if (auto end = prop_ms(c, todo ? ICAL_DUE_PROPERTY : ICAL_DTEND_PROPERTY))
    return std::max<std::int64_t>(0, *end - start);
  if (icalproperty* d = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY)) {
    const int seconds = icaldurationtype_as_int(icalproperty_get_duration(d));
    return std::max<std::int64_t>(0, static_cast<std::int64_t>(seconds) * 1000);
  }
  return is_date_start(c) ? kDayMs : 0;
}

// The span of one component standing alone (its own times, no rule): a
// VTODO with only DUE is that instant; no dates at all covers all time.
std::pair<std::int64_t, std::int64_t> own_span(icalcomponent* c) {
  if (auto start = prop_ms(c, ICAL_DTSTART_PROPERTY))
    return {*start, *start + length_ms(c, *start)};
  if (auto due = prop_ms(c, ICAL_DUE_PROPERTY)) return {*due, *due};
  return {kNever, kForever};
}

std::string text_of(icalcomponent* c, icalproperty_kind kind) {
  icalproperty* p = icalcomponent_get_first_property(c, kind);
  if (!p) return {};
  const char* v = icalvalue_get_text(icalproperty_get_value(p));
  return v ? v : "";
}

// A mailto: address of a calendar user, lower case; "" for another scheme.
std::string address_of(icalproperty* p) {
  const char* v = icalvalue_as_ical_string(icalproperty_get_value(p));
  std::string_view s = v ? v : "";
  if (!starts_with_ci(s, "MAILTO:")) return {};
  std::string out(s.substr(7));
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

Participant participant_of(icalproperty* p) {
  Participant out;
  out.email = address_of(p);
  if (icalparameter* cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER))
    out.name = icalparameter_get_cn(cn) ? icalparameter_get_cn(cn) : "";
  out.partstat = "NEEDS-ACTION";
  if (icalparameter* ps = icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER)) {
    const char* v = icalparameter_get_xvalue(ps);
    if (!v) v = icalparameter_enum_to_string(icalparameter_get_partstat(ps));
    if (v) out.partstat = v;
  }
  return out;
}

// The instants the main component's EXDATEs remove (a local time without
// its own zone is in DTSTART's).
std::set<std::int64_t> exdates_of(icalcomponent* main) {
  const icaltimetype dtstart = icalcomponent_get_dtstart(main);
  std::set<std::int64_t> out;
  for (icalproperty* p : all_props(main, ICAL_EXDATE_PROPERTY)) {
    icaltimetype t = icalproperty_get_exdate(p);
    if (!t.zone && !icaltime_is_utc(t) && dtstart.zone && !t.is_date) t.zone = dtstart.zone;
    if (auto ms = ms_of(t)) out.insert(*ms);
  }
  return out;
}

// The instants the main component's RDATEs add.
std::set<std::int64_t> rdates_of(icalcomponent* main) {
  const icaltimetype dtstart = icalcomponent_get_dtstart(main);
  std::set<std::int64_t> out;
  for (icalproperty* p : all_props(main, ICAL_RDATE_PROPERTY)) {
    struct icaldatetimeperiodtype d = icalproperty_get_rdate(p);
    icaltimetype t = icaltime_is_null_time(d.time) ? d.period.start : d.time;
    if (!t.zone && !icaltime_is_utc(t) && dtstart.zone && !t.is_date) t.zone = dtstart.zone;
    if (auto ms = ms_of(t)) out.insert(*ms);
  }
  return out;
}

constexpr std::string_view kUnexpandable =
    "a rule finer than daily narrows its instances only within a day (SECONDLY by BYSECOND, "
    "MINUTELY and HOURLY by BYSECOND, BYMINUTE and BYHOUR)";

bool has_part(const short* by) {
  return by[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

bool expandable(const icalrecurrencetype& rule) {
  // libical steps a rule finer than a day one unit at a time and tests
  // each against the BY parts, inside one icalrecur_iterator_next call:
  // "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30" scans seconds until the year
  // 2582 (hours of CPU) before it answers, and a part coarser than the
  // rule's own unit leaves thousands of units between two instances
  // (seconds of CPU per object and query), which kMaxRecurrenceSteps,
  // counting instances, does not see. Such a rule may narrow its instances
  // only within a day: BYSECOND for SECONDLY (at most 60 seconds between
  // two instances), up to BYHOUR for MINUTELY and HOURLY (at most 1,440
  // minutes, 24 hours: 20,000 instances of the sparsest in about a second,
  // as for a daily rule; RFC 5545's "every 20 minutes from 9:00 to 16:40"
  // is MINUTELY with BYHOUR).
  const bool day_or_more = has_part(rule.by_day) || has_part(rule.by_month_day) ||
                           has_part(rule.by_year_day) || has_part(rule.by_week_no) ||
                           has_part(rule.by_month) || has_part(rule.by_set_pos);
  switch (rule.freq) {
    case ICAL_SECONDLY_RECURRENCE:
      return !day_or_more && !has_part(rule.by_hour) && !has_part(rule.by_minute);
    case ICAL_MINUTELY_RECURRENCE:
    case ICAL_HOURLY_RECURRENCE:
      return !day_or_more;
    default:
      return true;
  }
}

// libical finds a rule's next instance by testing each of its units (each
// day of a DAILY rule) against its BY parts, inside one
// icalrecur_iterator_next call, up to the year 2582 when none matches:
// "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30" took 0.6 s a call — for every object
// and query —, which kMaxRecurrenceSteps, counting instances, does not see.
// An UNTIL ends that scan (and COUNT still counts from DTSTART, libical
// honouring both). So a walk that needs no start past `stop` gives its rule
// an UNTIL two days past it (a floating or zoned time is at most 14 hours
// off UTC), unless the rule's own comes sooner. Returns whether it did.
bool end_scan_at(icalrecurrencetype& rule, std::int64_t stop, bool is_date) {
  const std::int64_t end = stop + 2 * kDayMs;
  if (!icaltime_is_null_time(rule.until))
    if (auto own = ms_of(rule.until); own && *own <= end) return false;
  rule.until = icaltime_from_timet_with_zone(static_cast<time_t>(end / 1000), is_date,
                                             icaltimezone_get_utc_timezone());
  return true;
}

// How far past where it starts a walk needing every start goes (the
// instances up to kMaxRecurrenceSteps of a daily rule): a rule cut there
// counts as endless, as one the step bound cuts.
constexpr std::int64_t kWalkHorizonMs = 60LL * 366 * kDayMs;

// Walks the starts of the main component's rules and dates, in no set
// order, each at most once, until `visit` returns false or a bound: starts
// at or past `until` (when the rule allows skipping ahead, nothing before
// `from`), kMaxRecurrenceSteps steps per rule, kWalkHorizonMs past `from`
// (or DTSTART) when `until` is kForever. Returns false when a rule was cut
// short by either bound.
template <typename Visit>
bool each_start(icalcomponent* main, std::int64_t from, std::int64_t until, Visit visit) {
  const icaltimetype dtstart = icalcomponent_get_dtstart(main);
  const auto start_ms = ms_of(dtstart);
  if (!start_ms) return true;
  const std::int64_t length = length_ms(main, *start_ms);
  const std::set<std::int64_t> excluded = exdates_of(main);
  std::set<std::int64_t> seen;
  auto offer = [&](std::int64_t s) {
    if (excluded.count(s) || !seen.insert(s).second) return true;
    return visit(s, length);
  };
  bool complete = true;
  bool any_rule = false;
  for (icalproperty* p : all_props(main, ICAL_RRULE_PROPERTY)) {
    struct icalrecurrencetype rule = icalproperty_get_rrule(p);
    // Stored before inspect() refused it: its DTSTART alone.
    if (!expandable(rule)) continue;
    any_rule = true;
    const bool endless = until == kForever;
    const bool cut = end_scan_at(rule, endless ? std::max(from, *start_ms) + kWalkHorizonMs : until,
                                 dtstart.is_date);
    IterPtr it(icalrecur_iterator_new(rule, dtstart));
    if (!it) continue;
    // Skip ahead to the range when the rule counts nothing (COUNT numbers
    // instances from DTSTART); kNever first, which `from - length` overflows.
    if (rule.count == 0 && from != kNever && from - length > *start_ms) {
      icaltimetype at =
          icaltime_from_timet_with_zone(static_cast<time_t>((from - length) / 1000),
                                        dtstart.is_date, icaltimezone_get_utc_timezone());
      if (dtstart.zone)
        at = icaltime_convert_to_zone(at, const_cast<icaltimezone*>(dtstart.zone));
      else if (!icaltime_is_utc(dtstart))
        at.zone = nullptr;
      if (dtstart.is_date) at.is_date = 1;
      icalrecur_iterator_set_start(it.get(), at);
    }
    int steps = 0;
    for (;;) {
      if (++steps > kMaxRecurrenceSteps) {
        complete = false;
        break;
      }
      icaltimetype next = icalrecur_iterator_next(it.get());
      if (icaltime_is_null_time(next)) {
        // The horizon's UNTIL, not the rule's COUNT, ended it.
        if (endless && cut && (rule.count == 0 || steps <= rule.count)) complete = false;
        break;
      }
      if (dtstart.zone && !next.zone) next.zone = dtstart.zone;
      auto ms = ms_of(next);
      if (!ms || *ms >= until) break;
      if (!offer(*ms)) return complete;
    }
  }
  if (!any_rule && !offer(*start_ms)) return complete;
  for (std::int64_t ms : rdates_of(main))
    if (ms < until && !offer(ms)) return complete;
  return complete;
}

// What an instance holds for the people who plan by it (RFC 5546 section
// 2.1.4): its times, title, description and place, and whether it is
// cancelled (STATUS:CANCELLED).
struct Plan {
  std::int64_t start = 0, end = 0;
  std::string summary, description, location;
  bool cancelled = false;
  bool operator==(const Plan&) const = default;
};

Plan plan_of(icalcomponent* c) {
  Plan p;
  std::tie(p.start, p.end) = own_span(c);
  p.summary = text_of(c, ICAL_SUMMARY_PROPERTY);
  p.description = text_of(c, ICAL_DESCRIPTION_PROPERTY);
  p.location = text_of(c, ICAL_LOCATION_PROPERTY);
  icalproperty* st = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY);
  p.cancelled = st && icalproperty_get_status(st) == ICAL_STATUS_CANCELLED;
  return p;
}

// The instance of `main` starting at `ms` as the series plans it.
Plan planned(icalcomponent* main, std::int64_t ms) {
  Plan p = plan_of(main);
  p.end = ms + (p.end - p.start);
  p.start = ms;
  return p;
}

// TRANSP:TRANSPARENT (RFC 5545 section 3.8.2.7) or STATUS:CANCELLED.
bool takes_no_time(icalcomponent* c) {
  icalproperty* t = icalcomponent_get_first_property(c, ICAL_TRANSP_PROPERTY);
  if (t && icalproperty_get_transp(t) == ICAL_TRANSP_TRANSPARENT) return true;
  icalproperty* st = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY);
  return st && icalproperty_get_status(st) == ICAL_STATUS_CANCELLED;
}

bool recurs(icalcomponent* main) {
  return icalcomponent_get_first_property(main, ICAL_RRULE_PROPERTY) ||
         icalcomponent_get_first_property(main, ICAL_RDATE_PROPERTY);
}

// The component's first RRULE as text, "" when none.
std::string rrule_text(icalcomponent* c) {
  icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
  if (!p) return {};
  struct icalrecurrencetype r = icalproperty_get_rrule(p);
  return take_string(icalrecurrencetype_as_string_r(&r));
}

std::string tzid_of(icalcomponent* main) {
  icalproperty* p = icalcomponent_get_first_property(main, ICAL_DTSTART_PROPERTY);
  if (!p) return {};
  icalparameter* tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
  const char* v = tz ? icalparameter_get_tzid(tz) : nullptr;
  return v ? v : "";
}

Error bad(std::string_view condition, std::string message) {
  return Error{Errc::invalid, std::move(message), std::string(condition)};
}

}  // namespace

std::string_view component_name(ComponentKind k) {
  switch (k) {
    case ComponentKind::vevent:
      return "VEVENT";
    case ComponentKind::vtodo:
      return "VTODO";
    case ComponentKind::vjournal:
      return "VJOURNAL";
  }
  return "VEVENT";
}

Result<ObjectInfo> inspect(std::string_view ics) {
  if (ics.size() > kMaxObjectBytes)
    return tl::unexpected(bad("valid-calendar-data", "a calendar object is at most 256 KiB"));
  CompPtr root = parse(ics);
  if (!root) return tl::unexpected(bad("valid-calendar-data", "not one iCalendar object"));
  if (icalcomponent_count_errors(root.get()) > 0)
    return tl::unexpected(bad("valid-calendar-data", "the iCalendar object does not parse"));
  if (icalcomponent_get_first_property(root.get(), ICAL_METHOD_PROPERTY))
    return tl::unexpected(
        bad("valid-calendar-object-resource", "a stored calendar object has no METHOD"));
  for (icalcomponent* c = icalcomponent_get_first_component(root.get(), ICAL_ANY_COMPONENT); c;
       c = icalcomponent_get_next_component(root.get(), ICAL_ANY_COMPONENT)) {
    const auto k = icalcomponent_isa(c);
    if (!is_kind(c) && k != ICAL_VTIMEZONE_COMPONENT && k != ICAL_X_COMPONENT)
      return tl::unexpected(
          bad("supported-calendar-component", "only VEVENT, VTODO and VJOURNAL are stored"));
  }
  const auto all = parts(root.get());
  if (all.empty())
    return tl::unexpected(bad("valid-calendar-object-resource", "no VEVENT, VTODO or VJOURNAL"));
  ObjectInfo info;
  const auto kind = icalcomponent_isa(all.front());
  info.kind = kind == ICAL_VTODO_COMPONENT      ? ComponentKind::vtodo
              : kind == ICAL_VJOURNAL_COMPONENT ? ComponentKind::vjournal
                                                : ComponentKind::vevent;
  const char* uid = icalcomponent_get_uid(all.front());
  info.uid = uid ? uid : "";
  if (info.uid.empty() || info.uid.size() > 255)
    return tl::unexpected(
        bad("valid-calendar-object-resource", "a UID of 1 to 255 bytes is required"));
  std::set<std::int64_t> overrides;
  for (icalcomponent* c : all) {
    if (icalcomponent_isa(c) != kind)
      return tl::unexpected(
          bad("valid-calendar-object-resource", "one kind of component per object"));
    const char* u = icalcomponent_get_uid(c);
    if (!u || info.uid != u)
      return tl::unexpected(bad("valid-calendar-object-resource", "one UID per object"));
    for (icalproperty_kind pk : {ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY, ICAL_DUE_PROPERTY,
                                 ICAL_RECURRENCEID_PROPERTY})
      if (icalcomponent_get_first_property(c, pk) && !prop_ms(c, pk))
        return tl::unexpected(bad("valid-calendar-data", "a date that does not exist"));
    if (has_recurrence_id(c)) {
      if (!overrides.insert(*prop_ms(c, ICAL_RECURRENCEID_PROPERTY)).second)
        return tl::unexpected(bad("valid-calendar-object-resource", "one override per instance"));
    }
    for (icalproperty* p : all_props(c, ICAL_RRULE_PROPERTY)) {
      if (icalproperty_get_rrule(p).freq == ICAL_NO_RECURRENCE)
        return tl::unexpected(bad("valid-calendar-data", "a recurrence rule without FREQ"));
      if (!expandable(icalproperty_get_rrule(p)))
        return tl::unexpected(bad("valid-calendar-data", std::string(kUnexpandable)));
    }
  }
  icalcomponent* main = has_recurrence_id(all.front()) ? nullptr : all.front();
  if (main) {
    info.rrule = rrule_text(main);
    info.timezone = tzid_of(main);
  }
  info.summary = text_of(all.front(), ICAL_SUMMARY_PROPERTY);
  info.description = text_of(all.front(), ICAL_DESCRIPTION_PROPERTY);
  info.location = text_of(all.front(), ICAL_LOCATION_PROPERTY);
  std::set<std::string> apart;
  for (icalcomponent* c : all) {
    if (c == all.front()) continue;
    for (auto [kind, series] : {std::pair{ICAL_SUMMARY_PROPERTY, &info.summary},
                                std::pair{ICAL_DESCRIPTION_PROPERTY, &info.description},
                                std::pair{ICAL_LOCATION_PROPERTY, &info.location}}) {
      std::string text = text_of(c, kind);
      if (text.empty() || text == *series || !apart.insert(text).second) continue;
      if (!info.texts_apart.empty()) info.texts_apart += '\n';
      info.texts_apart += text;
    }
  }
  info.all_day = is_date_start(all.front());
  if (auto [s, e] = own_span(all.front()); s != kNever) {
    info.own_start_ms = s;
    info.own_end_ms = e;
  }
  info.start_ms = kForever;
  info.end_ms = kNever;
  auto widen = [&](std::int64_t s, std::int64_t e) {
    info.start_ms = std::min(info.start_ms, s);
    info.end_ms = std::max(info.end_ms, e);
  };
  for (icalcomponent* c : all) {
    if (c != main) {
      auto [s, e] = own_span(c);
      widen(s, e);
    }
  }
  if (main) {
    info.recurring = recurs(main);
    auto [s, e] = own_span(main);
    if (s == kNever) {
      widen(s, e);
    } else if (!info.recurring) {
      widen(s, e);
    } else {
      widen(s, e);
      // The last instance: UNTIL bounds it at once; a COUNT is walked; a
      // rule with neither, or one the step bound cuts, runs forever.
      bool forever = false;
      bool counted = false;
      std::int64_t last_end = e;
      for (icalproperty* p : all_props(main, ICAL_RRULE_PROPERTY)) {
        struct icalrecurrencetype rule = icalproperty_get_rrule(p);
        if (!icaltime_is_null_time(rule.until)) {
          auto until = ms_of(rule.until);
          if (!until)
            return tl::unexpected(bad("valid-calendar-data", "a rule's UNTIL does not exist"));
          last_end = std::max(last_end, *until + length_ms(main, s) + kDayMs);
        } else if (rule.count > 0) {
          counted = true;
        } else {
          forever = true;
        }
      }
      // COUNTs and RDATEs are walked; UNTIL bounds its rule at once.
      if (!forever) {
        const bool complete =
            each_start(main, kNever, kForever, [&](std::int64_t st, std::int64_t len) {
              widen(st, st + len);
              return true;
            });
        if (!complete && counted) forever = true;
      }
      widen(s, forever ? kForever : last_end);
    }
  }
  return info;
}

namespace {

// An instance's title or place: its component's, cut at
// kMaxInstanceTextBytes (at a character's start). Every instance holds a
// copy, and a calendar application's SUMMARY may be as long as its object:
// one of 256 KiB stepping every minute would make lists of gigabytes.
std::string instance_text(icalcomponent* c, icalproperty_kind kind) {
  std::string s = text_of(c, kind);
  if (s.size() <= kMaxInstanceTextBytes) return s;
  std::size_t end = kMaxInstanceTextBytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

}  // namespace

std::vector<Instance> expand(std::string_view ics, std::int64_t from_ms, std::int64_t to_ms,
                             std::size_t max, std::string_view attendee) {
  std::vector<Instance> out;
  CompPtr root = parse(ics);
  if (!root || max == 0) return out;
  const auto all = parts(root.get());
  if (all.empty()) return out;
  auto overlaps = [&](std::int64_t s, std::int64_t e) {
    return s < to_ms && (e > from_ms || (s == e && s >= from_ms));
  };
  icalcomponent* main = has_recurrence_id(all.front()) ? nullptr : all.front();
  auto answer_of = [&](icalcomponent* c) -> std::string {
    if (attendee.empty()) return {};
    for (icalproperty* a : all_props(c, ICAL_ATTENDEE_PROPERTY))
      if (address_of(a) == attendee) return participant_of(a).partstat;
    return {};
  };
  std::set<std::int64_t> overridden;
  for (icalcomponent* c : all) {
    if (c == main) continue;
    const auto rid = prop_ms(c, ICAL_RECURRENCEID_PROPERTY);
    if (rid) overridden.insert(*rid);
    auto [s, e] = own_span(c);
    if (s == kNever || !overlaps(s, e)) continue;
    if (rid && main && plan_of(c).cancelled) continue;  // an occurrence called off
    out.push_back({s, e, rid, instance_text(c, ICAL_SUMMARY_PROPERTY),
                   instance_text(c, ICAL_LOCATION_PROPERTY), is_date_start(c), takes_no_time(c),
                   answer_of(c)});
  }
  if (main) {
    const bool recurring = recurs(main);
    const std::string summary = instance_text(main, ICAL_SUMMARY_PROPERTY);
    const std::string location = instance_text(main, ICAL_LOCATION_PROPERTY);
    const bool all_day = is_date_start(main);
    const bool free = takes_no_time(main);
    const std::string partstat = answer_of(main);
    auto [s, e] = own_span(main);
    if (s == kNever) {
      out.push_back({s, e, std::nullopt, summary, location, all_day, free, partstat});
    } else if (!recurring) {
      if (overlaps(s, e))
        out.push_back({s, e, std::nullopt, summary, location, all_day, free, partstat});
    } else {
      // Instances found past the bound are kept until the walk ends: a
      // rule's starts come in order, but RDATEs may come before them.
      each_start(main, from_ms, to_ms, [&](std::int64_t st, std::int64_t len) {
        if (!overridden.count(st) && overlaps(st, st + len))
          out.push_back({st, st + len, st, summary, location, all_day, free, partstat});
        return out.size() < max * 2 + 16;
      });
    }
  }
  std::sort(out.begin(), out.end(), [](const Instance& a, const Instance& b) {
    return a.start_ms != b.start_ms ? a.start_ms < b.start_ms : a.end_ms < b.end_ms;
  });
  if (out.size() > max) out.resize(max);
  return out;
}

namespace {

void remove_all_of(icalcomponent* c, icalproperty_kind kind) {
  for (icalproperty* p : all_props(c, kind)) {
    icalcomponent_remove_property(c, p);
    icalproperty_free(p);
  }
}

// `kind` set to the instant `ms` in UTC, or the date when `date`.
void set_instant(icalcomponent* c, icalproperty_kind kind, std::int64_t ms, bool date) {
  remove_all_of(c, kind);
  icaltimetype t = icaltime_from_timet_with_zone(static_cast<time_t>(ms / 1000), date ? 1 : 0,
                                                 icaltimezone_get_utc_timezone());
  icalproperty* p = icalproperty_new(kind);
  icalproperty_set_value(p, date ? icalvalue_new_date(t) : icalvalue_new_datetime(t));
  if (date) icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DATE));
  icalcomponent_add_property(c, p);
}

}  // namespace

std::string expand_object(std::string_view ics, std::int64_t from_ms, std::int64_t to_ms) {
  CompPtr root = parse(ics);
  if (!root) return std::string(ics);
  const auto all = parts(root.get());
  if (all.empty()) return std::string(ics);
  CompPtr out(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
  for (icalproperty* p : all_props(root.get(), ICAL_ANY_PROPERTY))
    icalcomponent_add_property(out.get(), icalproperty_new_clone(p));
  icalcomponent* main = has_recurrence_id(all.front()) ? nullptr : all.front();
  const bool todo = icalcomponent_isa(all.front()) == ICAL_VTODO_COMPONENT;
  // Each instance is a copy of its component: without a bound on their
  // text, one object of 256 KiB stepping every minute would be written out
  // as gigabytes. The earliest instances are kept.
  std::map<icalcomponent*, std::size_t> sizes;
  std::size_t total = 0;
  for (const Instance& i :
       expand(ics, from_ms, to_ms, static_cast<std::size_t>(kMaxRecurrenceSteps))) {
    icalcomponent* source = main;
    if (i.recurrence_ms) {
      for (icalcomponent* c : all)
        if (c != main && prop_ms(c, ICAL_RECURRENCEID_PROPERTY) == i.recurrence_ms) source = c;
    }
    if (!source) continue;
    auto size = sizes.find(source);
    if (size == sizes.end())
      size =
          sizes.emplace(source, take_string(icalcomponent_as_ical_string_r(source)).size()).first;
    total += size->second;
    if (total > kMaxExpandedBytes) break;
    icalcomponent* copy = icalcomponent_new_clone(source);
    const bool recurring = main && recurs(main);
    if (source == main && recurring) {
      for (icalproperty_kind k :
           {ICAL_RRULE_PROPERTY, ICAL_RDATE_PROPERTY, ICAL_EXDATE_PROPERTY, ICAL_EXRULE_PROPERTY})
        remove_all_of(copy, k);
      set_instant(copy, ICAL_RECURRENCEID_PROPERTY, *i.recurrence_ms, i.all_day);
    } else if (i.recurrence_ms) {
      set_instant(copy, ICAL_RECURRENCEID_PROPERTY, *i.recurrence_ms, i.all_day);
    }
    if (i.start_ms > INT64_MIN / 2) {
      if (icalcomponent_get_first_property(copy, ICAL_DTSTART_PROPERTY))
        set_instant(copy, ICAL_DTSTART_PROPERTY, i.start_ms, i.all_day);
      const icalproperty_kind end = todo ? ICAL_DUE_PROPERTY : ICAL_DTEND_PROPERTY;
      if (icalcomponent_get_first_property(copy, end) ||
          icalcomponent_get_first_property(copy, ICAL_DURATION_PROPERTY)) {
        remove_all_of(copy, ICAL_DURATION_PROPERTY);
        set_instant(copy, end, i.end_ms, i.all_day);
      }
    }
    icalcomponent_add_component(out.get(), copy);
  }
  return take_string(icalcomponent_as_ical_string_r(out.get()));
}

std::optional<std::int64_t> parse_ical_utc(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  for (std::size_t i = 0; i < 15; ++i)
    if (i != 8 && (text[i] < '0' || text[i] > '9')) return std::nullopt;
  const std::string s(text);
  icaltimetype t = icaltime_from_string(s.c_str());
  if (!icaltime_is_utc(t)) return std::nullopt;
  return ms_of(t);
}

// --- filters -------------------------------------------------------------------

namespace {

Result<TimeRange> parse_time_range(const XmlElement& e) {
  TimeRange r;
  bool any = false;
  for (const auto& [name, value] : e.attrs) {
    if (name != "start" && name != "end") continue;
    auto ms = parse_ical_utc(value);
    if (!ms)
      return tl::unexpected(bad("valid-filter", "time-range takes UTC times (20261201T000000Z)"));
    (name == "start" ? r.start_ms : r.end_ms) = *ms;
    any = true;
  }
  if (!any || r.end_ms <= r.start_ms)
    return tl::unexpected(bad("valid-filter", "a time-range needs a start or an end, in order"));
  return r;
}

std::optional<std::string> attr(const XmlElement& e, std::string_view name) {
  for (const auto& [n, v] : e.attrs)
    if (n == name) return v;
  return std::nullopt;
}

std::string upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

Result<TextMatch> parse_text_match(const XmlElement& e) {
  TextMatch m;
  // Tested against every property it names of every object a query reads.
  if (e.text.size() > 1024)
    return fail(Errc::forbidden, "a text-match holds at most 1,024 bytes", "supported-filter");
  m.text = e.text;
  m.negate = attr(e, "negate-condition").value_or("no") == "yes";
  const std::string collation = attr(e, "collation").value_or("i;ascii-casemap");
  if (collation == "i;octet")
    m.ascii_casemap = false;
  else if (collation != "i;ascii-casemap" && collation != "i;unicode-casemap")
    return fail(Errc::forbidden, "collation " + collation + " is not supported",
                "supported-collation");
  return m;
}

Result<PropFilter> parse_prop_filter(const XmlElement& e) {
  PropFilter f;
  auto name = attr(e, "name");
  if (!name || name->empty())
    return tl::unexpected(bad("valid-filter", "prop-filter needs a name"));
  f.name = upper(*name);
  for (const auto& c : e.children) {
    if (c.ns != kCalDavNs) continue;
    if (c.name == "is-not-defined")
      f.is_not_defined = true;
    else if (c.name == "time-range") {
      RUCHE_TRY(f.time_range, parse_time_range(c));
    } else if (c.name == "text-match") {
      RUCHE_TRY(f.text_match, parse_text_match(c));
    } else if (c.name == "param-filter") {
      return fail(Errc::forbidden, "param-filter is not supported", "supported-filter");
    }
  }
  return f;
}

// comp-filters and prop-filters in one filter, at most: each is tested
// against every component of every object a query reads.
constexpr int kMaxFilterParts = 64;

Result<CompFilter> parse_comp_filter(const XmlElement& e, int depth, int& parts) {
  if (depth > 4) return tl::unexpected(bad("valid-filter", "comp-filters nest at most 4 deep"));
  if (++parts > kMaxFilterParts)
    return fail(Errc::forbidden, "a filter holds at most 64 comp-filters and prop-filters",
                "supported-filter");
  CompFilter f;
  auto name = attr(e, "name");
  if (!name || name->empty())
    return tl::unexpected(bad("valid-filter", "comp-filter needs a name"));
  f.name = upper(*name);
  for (const auto& c : e.children) {
    if (c.ns != kCalDavNs) continue;
    if (c.name == "is-not-defined") {
      f.is_not_defined = true;
    } else if (c.name == "time-range") {
      if (f.name != "VEVENT" && f.name != "VTODO" && f.name != "VJOURNAL")
        return fail(Errc::forbidden, "a time-range applies to VEVENT, VTODO and VJOURNAL here",
                    "supported-filter");
      RUCHE_TRY(f.time_range, parse_time_range(c));
    } else if (c.name == "prop-filter") {
      if (++parts > kMaxFilterParts)
        return fail(Errc::forbidden, "a filter holds at most 64 comp-filters and prop-filters",
                    "supported-filter");
      RUCHE_TRY(auto p, parse_prop_filter(c));
      f.props.push_back(std::move(p));
    } else if (c.name == "comp-filter") {
      RUCHE_TRY(auto sub, parse_comp_filter(c, depth + 1, parts));
      f.comps.push_back(std::move(sub));
    }
  }
  return f;
}

bool text_matches(const std::string& value, const TextMatch& m) {
  bool found;
  if (m.ascii_casemap) {
    auto lower = [](std::string s) {
      for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return s;
    };
    found = lower(value).find(lower(m.text)) != std::string::npos;
  } else {
    found = value.find(m.text) != std::string::npos;
  }
  return found != m.negate;
}

std::string value_text(icalproperty* p) {
  icalvalue* v = icalproperty_get_value(p);
  if (v && icalvalue_isa(v) == ICAL_TEXT_VALUE) {
    const char* t = icalvalue_get_text(v);
    return t ? t : "";
  }
  return take_string(icalproperty_get_value_as_string_r(p));
}

bool prop_matches(icalcomponent* c, const PropFilter& f) {
  const icalproperty_kind kind = icalproperty_string_to_kind(f.name.c_str());
  auto each = [&](auto fn) {
    for (icalproperty* p : all_props(c, ICAL_ANY_PROPERTY)) {
      const bool same = kind != ICAL_X_PROPERTY && kind != ICAL_NO_PROPERTY
                            ? icalproperty_isa(p) == kind
                            : icalproperty_get_property_name(p) &&
                                  upper(icalproperty_get_property_name(p)) == f.name;
      if (same && fn(p)) return true;
    }
    return false;
  };
  const bool defined = each([](icalproperty*) { return true; });
  if (f.is_not_defined) return !defined;
  if (!defined) return false;
  return each([&](icalproperty* p) {
    if (f.text_match && !text_matches(value_text(p), *f.text_match)) return false;
    if (f.time_range) {
      icalvalue* v = icalproperty_get_value(p);
      if (!v || (icalvalue_isa(v) != ICAL_DATETIME_VALUE && icalvalue_isa(v) != ICAL_DATE_VALUE))
        return false;
      auto ms = ms_of(icalvalue_get_datetime(v));
      if (!ms || *ms < f.time_range->start_ms || *ms >= f.time_range->end_ms) return false;
    }
    return true;
  });
}

// Whether the object has an instance in a time range, by range: what a
// time-range tests is the whole object, whichever component names it, so
// each range is expanded once per object however many components and
// filters ask.
using Overlaps = std::map<std::pair<std::int64_t, std::int64_t>, bool>;

bool comp_matches(std::string_view ics, icalcomponent* c, const CompFilter& f, Overlaps& seen);

bool children_match(std::string_view ics, icalcomponent* parent, const CompFilter& f,
                    Overlaps& seen) {
  bool any = false;
  for (icalcomponent* c = icalcomponent_get_first_component(parent, ICAL_ANY_COMPONENT); c;
       c = icalcomponent_get_next_component(parent, ICAL_ANY_COMPONENT)) {
    const char* name = icalcomponent_kind_to_string(icalcomponent_isa(c));
    if (!name || f.name != name) continue;
    any = true;
    if (!f.is_not_defined && comp_matches(ics, c, f, seen)) return true;
  }
  return f.is_not_defined ? !any : false;
}

bool comp_matches(std::string_view ics, icalcomponent* c, const CompFilter& f, Overlaps& seen) {
  if (f.time_range) {
    // Recurrence counts: the object matches when an instance overlaps.
    const auto range = std::make_pair(f.time_range->start_ms, f.time_range->end_ms);
    auto known = seen.find(range);
    if (known == seen.end())
      known = seen.emplace(range, !expand(ics, range.first, range.second, 1).empty()).first;
    if (!known->second) return false;
  }
  for (const auto& p : f.props)
    if (!prop_matches(c, p)) return false;
  for (const auto& sub : f.comps)
    if (!children_match(ics, c, sub, seen)) return false;
  return true;
}

}  // namespace

Result<CompFilter> parse_filter(const XmlElement& filter) {
  const XmlElement* top = nullptr;
  for (const auto& c : filter.children) {
    if (!c.is(kCalDavNs, "comp-filter")) continue;
    if (top) return tl::unexpected(bad("valid-filter", "a filter has one comp-filter"));
    top = &c;
  }
  if (!top) return tl::unexpected(bad("valid-filter", "a filter needs a comp-filter"));
  int parts = 0;
  RUCHE_TRY(CompFilter f, parse_comp_filter(*top, 0, parts));
  if (f.name != "VCALENDAR")
    return tl::unexpected(bad("valid-filter", "the top comp-filter names VCALENDAR"));
  return f;
}

bool matches(std::string_view ics, const CompFilter& filter) {
  CompPtr root = parse(ics);
  if (!root) return false;
  if (filter.is_not_defined) return false;
  Overlaps seen;
  return comp_matches(ics, root.get(), filter, seen);
}

std::string merge_objects(const std::vector<std::string>& objects, std::string_view prodid) {
  CompPtr out(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
  icalcomponent_add_property(out.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(out.get(), icalproperty_new_prodid(std::string(prodid).c_str()));
  std::set<std::string> zones;
  for (const auto& ics : objects) {
    CompPtr root = parse(ics);
    if (!root) continue;
    std::vector<icalcomponent*> moving;
    for (icalcomponent* c = icalcomponent_get_first_component(root.get(), ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(root.get(), ICAL_ANY_COMPONENT))
      moving.push_back(c);
    for (icalcomponent* c : moving) {
      if (icalcomponent_isa(c) == ICAL_VTIMEZONE_COMPONENT) {
        icalproperty* tz = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
        const char* id = tz ? icalproperty_get_tzid(tz) : nullptr;
        if (!id || !zones.insert(id).second) continue;
      }
      icalcomponent_remove_component(root.get(), c);
      icalcomponent_add_component(out.get(), c);
    }
  }
  return take_string(icalcomponent_as_ical_string_r(out.get()));
}

// --- to-dos kept as records ---------------------------------------------------

namespace {

// One content line as sent: its physical lines (CRLF ended) and unfolded.
struct ContentLine {
  std::string raw;
  std::string unfolded;
};

std::vector<ContentLine> content_lines(std::string_view ics) {
  if (ics.substr(0, 3) == "\xEF\xBB\xBF") ics.remove_prefix(3);
  std::vector<ContentLine> out;
  while (!ics.empty()) {
    auto nl = ics.find('\n');
    std::string_view line = ics.substr(0, nl);
    ics = nl == std::string_view::npos ? std::string_view{} : ics.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if ((line.front() == ' ' || line.front() == '\t') && !out.empty()) {
      out.back().raw.append(line).append("\r\n");
      out.back().unfolded.append(line.substr(1));
      continue;
    }
    out.push_back({std::string(line) + "\r\n", std::string(line)});
  }
  return out;
}

// A content line's name (upper case), parameters (between the name and the
// value, with their leading ';') and value: the value starts at the first
// ':' outside a quoted parameter value.
struct LineParts {
  std::string name;
  std::string_view params;
  std::string_view value;
};

LineParts parts_of(std::string_view line) {
  LineParts p;
  const auto name_end = std::min(line.find_first_of(";:"), line.size());
  p.name = upper(std::string(line.substr(0, name_end)));
  bool quoted = false;
  std::size_t at = name_end;
  for (; at < line.size(); ++at) {
    if (line[at] == '"') quoted = !quoted;
    if (!quoted && line[at] == ':') break;
  }
  p.params = line.substr(name_end, at - name_end);
  p.value = at < line.size() ? line.substr(at + 1) : std::string_view{};
  return p;
}

// Whether `params` (";A=x;B=\"y\"") give `name` the value `value`, ASCII
// case ignored.
bool has_param(std::string_view params, std::string_view name, std::string_view value) {
  std::size_t at = 0;
  while (at < params.size()) {
    if (params[at] == ';') ++at;
    bool quoted = false;
    std::size_t end = at;
    for (; end < params.size(); ++end) {
      if (params[end] == '"') quoted = !quoted;
      if (!quoted && params[end] == ';') break;
    }
    std::string_view one = params.substr(at, end - at);
    auto eq = one.find('=');
    if (eq != std::string_view::npos && upper(std::string(one.substr(0, eq))) == name) {
      std::string v(one.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      if (upper(v) == value) return true;
    }
    at = end;
  }
  return false;
}

// RFC 5545 TEXT unescaped (\\, \;, \, and \n).
std::string unescape_text(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      const char next = v[++i];
      out += next == 'n' || next == 'N' ? '\n' : next;
    } else {
      out += v[i];
    }
  }
  return out;
}

bool is_mapped_todo_property(const std::string& name) {
  static constexpr std::string_view kMapped[] = {
      "UID",       "SUMMARY",    "DESCRIPTION", "DUE",     "DURATION",      "STATUS",
      "COMPLETED", "CATEGORIES", "DTSTAMP",     "CREATED", "LAST-MODIFIED", "PERCENT-COMPLETE"};
  return std::find(std::begin(kMapped), std::end(kMapped), name) != std::end(kMapped);
}

}  // namespace

Result<TodoFields> read_todo(std::string_view ics) {
  RUCHE_TRY(ObjectInfo info, inspect(ics));
  if (info.kind != ComponentKind::vtodo)
    return tl::unexpected(
        bad("supported-calendar-component", "this collection holds to-dos (VTODO) only"));
  CompPtr root = parse(ics);
  const auto all = parts(root.get());
  if (all.size() != 1)
    return tl::unexpected(bad("valid-calendar-object-resource",
                              "one VTODO per object here (no overridden instances)"));
  icalcomponent* todo = all.front();
  TodoFields f;
  f.uid = info.uid;
  if (icalcomponent_get_first_property(todo, ICAL_SUMMARY_PROPERTY))
    f.summary = text_of(todo, ICAL_SUMMARY_PROPERTY);
  f.description = text_of(todo, ICAL_DESCRIPTION_PROPERTY);
  if (icalcomponent_get_first_property(todo, ICAL_DUE_PROPERTY)) {
    const icaltimetype due = icalcomponent_get_due(todo);
    f.due_ms = ms_of(due);
    f.due_is_date = due.is_date;
  } else if (icalproperty* d = icalcomponent_get_first_property(todo, ICAL_DURATION_PROPERTY);
             d && icalcomponent_get_first_property(todo, ICAL_DTSTART_PROPERTY)) {
    const icaltimetype start = icalcomponent_get_dtstart(todo);
    const std::int64_t seconds = icaldurationtype_as_int(icalproperty_get_duration(d));
    if (auto ms = ms_of(start)) {
      f.due_ms = *ms + seconds * 1000;
      f.due_is_date = start.is_date && seconds % 86'400 == 0;
    }
  }
  switch (icalcomponent_get_status(todo)) {
    case ICAL_STATUS_NEEDSACTION:
      f.status = "NEEDS-ACTION";
      break;
    case ICAL_STATUS_INPROCESS:
      f.status = "IN-PROCESS";
      break;
    case ICAL_STATUS_COMPLETED:
      f.status = "COMPLETED";
      break;
    case ICAL_STATUS_CANCELLED:
      f.status = "CANCELLED";
      break;
    default:
      break;
  }
  f.has_completed = icalcomponent_get_first_property(todo, ICAL_COMPLETED_PROPERTY) != nullptr;
  if (icalproperty* p = icalcomponent_get_first_property(todo, ICAL_PERCENTCOMPLETE_PROPERTY))
    f.percent_complete = icalproperty_get_percentcomplete(p);
  for (icalproperty* p : all_props(todo, ICAL_CATEGORIES_PROPERTY)) {
    const char* v = icalproperty_get_categories(p);
    f.categories.emplace_back(v ? v : "");
  }

  // The extras, line by line, where each stands in the component tree.
  std::vector<std::string> stack;
  for (const ContentLine& line : content_lines(ics)) {
    const LineParts p = parts_of(line.unfolded);
    const bool begin = p.name == "BEGIN", end = p.name == "END";
    if (begin) {
      std::string_view v = p.value;
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      stack.push_back(upper(std::string(v)));
    }
    if (stack.empty()) continue;  // outside the VCALENDAR: nothing libical read
    const bool in_todo = stack.size() >= 2 && stack[1] == "VTODO";
    if (begin || end) {
      // The VCALENDAR and the VTODO themselves are written anew.
      if (stack.size() > 2 || (stack.size() == 2 && !in_todo))
        (in_todo ? f.todo_extra : f.calendar_extra) += line.raw;
      if (end) stack.pop_back();
      continue;
    }
    if (stack.size() == 1) {
      if (p.name != "VERSION" && p.name != "PRODID" && p.name != "CALSCALE")
        f.calendar_extra += line.raw;
    } else if (stack.size() == 2 && in_todo) {
      if (p.name == "RELATED-TO" && has_param(p.params, "RELTYPE", "DEPENDS-ON")) {
        f.depends_on.push_back({unescape_text(p.value), line.raw});
      } else if (!is_mapped_todo_property(p.name)) {
        if (p.name == "ATTENDEE" && starts_with_ci(p.value, "MAILTO:")) {
          std::string email(p.value.substr(7));
          for (char& ch : email)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          f.attendees.push_back({std::move(email), line.raw, f.todo_extra.size()});
        }
        f.todo_extra += line.raw;
      }
    } else {
      (in_todo ? f.todo_extra : f.calendar_extra) += line.raw;
    }
  }
  return f;
}

// --- editing events --------------------------------------------------------------

namespace {

icaltimetype date_of(std::int64_t ms) {
  icaltimetype t = icaltime_from_timet_with_zone(static_cast<time_t>(ms / 1000), 1,
                                                 icaltimezone_get_utc_timezone());
  t.is_date = 1;
  t.zone = nullptr;
  return t;
}

// The local wall time of `ms` in `zone` (floating: the TZID parameter names
// the zone), or UTC when null.
icaltimetype wall_time(std::int64_t ms, icaltimezone* zone) {
  icaltimetype utc = icaltime_from_timet_with_zone(static_cast<time_t>(ms / 1000), 0,
                                                   icaltimezone_get_utc_timezone());
  if (!zone) return utc;
  icaltimetype local = icaltime_convert_to_zone(utc, zone);
  local.zone = nullptr;
  return local;
}

// A DTSTART, DTEND, RECURRENCE-ID, EXDATE or RDATE of `t` added to `c`: a
// date, or a time in the zone `tzid` names ("" for UTC or floating, as `t` is).
void add_time(icalcomponent* c, icalproperty_kind kind, const icaltimetype& t,
              const std::string& tzid) {
  icalproperty* p = nullptr;
  if (kind == ICAL_RDATE_PROPERTY) {
    struct icaldatetimeperiodtype v {};
    v.time = t;
    v.period = icalperiodtype_null_period();
    p = icalproperty_new_rdate(v);
  } else {
    p = kind == ICAL_DTSTART_PROPERTY        ? icalproperty_new_dtstart(t)
        : kind == ICAL_RECURRENCEID_PROPERTY ? icalproperty_new_recurrenceid(t)
        : kind == ICAL_EXDATE_PROPERTY       ? icalproperty_new_exdate(t)
                                             : icalproperty_new_dtend(t);
  }
  if (t.is_date)
    icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DATE));
  else if (!tzid.empty())
    icalproperty_add_parameter(p, icalparameter_new_tzid(tzid.c_str()));
  icalcomponent_add_property(c, p);
}

void replace_time(icalcomponent* c, icalproperty_kind kind, const icaltimetype& t,
                  const std::string& tzid) {
  while (icalproperty* p = icalcomponent_get_first_property(c, kind)) {
    icalcomponent_remove_property(c, p);
    icalproperty_free(p);
  }
  add_time(c, kind, t, tzid);
}

void remove_all(icalcomponent* c, icalproperty_kind kind) {
  while (icalproperty* p = icalcomponent_get_first_property(c, kind)) {
    icalcomponent_remove_property(c, p);
    icalproperty_free(p);
  }
}

void set_text(icalcomponent* c, icalproperty_kind kind, const std::string& value) {
  remove_all(c, kind);
  if (value.empty()) return;
  icalproperty* p = icalproperty_new(kind);
  icalproperty_set_value(p, icalvalue_new_text(value.c_str()));
  icalcomponent_add_property(c, p);
}

void set_utc(icalcomponent* c, icalproperty_kind kind, std::int64_t ms) {
  remove_all(c, kind);
  icalproperty* p = icalproperty_new(kind);
  icalproperty_set_value(p, icalvalue_new_datetime(wall_time(ms, nullptr)));
  icalcomponent_add_property(c, p);
}

icalproperty* calendar_user(icalproperty_kind kind, const Participant& who) {
  const std::string address = "mailto:" + who.email;
  icalproperty* p = icalproperty_new(kind);
  icalproperty_set_value(p, icalvalue_new_caladdress(address.c_str()));
  if (!who.name.empty()) icalproperty_add_parameter(p, icalparameter_new_cn(who.name.c_str()));
  return p;
}

void set_attendee_partstat(icalproperty* p, std::string_view partstat) {
  static constexpr std::pair<std::string_view, icalparameter_partstat> kKnown[] = {
      {"NEEDS-ACTION", ICAL_PARTSTAT_NEEDSACTION}, {"ACCEPTED", ICAL_PARTSTAT_ACCEPTED},
      {"DECLINED", ICAL_PARTSTAT_DECLINED},        {"TENTATIVE", ICAL_PARTSTAT_TENTATIVE},
      {"DELEGATED", ICAL_PARTSTAT_DELEGATED},      {"COMPLETED", ICAL_PARTSTAT_COMPLETED},
      {"IN-PROCESS", ICAL_PARTSTAT_INPROCESS}};
  icalproperty_remove_parameter_by_kind(p, ICAL_PARTSTAT_PARAMETER);
  for (const auto& [name, value] : kKnown) {
    if (name != partstat) continue;
    icalproperty_add_parameter(p, icalparameter_new_partstat(value));
    return;
  }
  // An experimental or IANA value another client wrote, kept as it was.
  icalparameter* x = icalparameter_new_partstat(ICAL_PARTSTAT_X);
  icalparameter_set_xvalue(x, std::string(partstat).c_str());
  icalproperty_add_parameter(p, x);
}

// `ms` written as the main component's DTSTART is (RFC 5545 section 3.8.4.4:
// a RECURRENCE-ID has its value type and zone): a date, a wall time in its
// zone (the TZID parameter names it), UTC, or a floating time.
icaltimetype like_start(icalcomponent* main, std::int64_t ms) {
  const icaltimetype dt = icalcomponent_get_dtstart(main);
  if (dt.is_date) return date_of(ms);
  if (icaltime_is_utc(dt)) return wall_time(ms, nullptr);
  icaltimetype t = wall_time(ms, const_cast<icaltimezone*>(dt.zone));
  t.zone = nullptr;
  return t;
}

// The VALARMs of every component of the object, removed.
void remove_alarms(icalcomponent* root) {
  for (icalcomponent* c : parts(root))
    while (icalcomponent* alarm = icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT)) {
      icalcomponent_remove_component(c, alarm);
      icalcomponent_free(alarm);
    }
}

// Whether the main component's rules and dates start an instance at `ms`.
bool is_instance(icalcomponent* main, std::int64_t ms) {
  bool hit = false;
  each_start(main, ms, ms + 1, [&](std::int64_t start, std::int64_t) {
    hit = start == ms;
    return !hit;
  });
  return hit;
}

// A new override of the instance starting at `ms`, added to `root`: the main
// component as that instance, without its rules.
icalcomponent* add_override(icalcomponent* root, icalcomponent* main, std::int64_t ms) {
  icalcomponent* o = icalcomponent_new_clone(main);
  for (icalproperty_kind k :
       {ICAL_RRULE_PROPERTY, ICAL_RDATE_PROPERTY, ICAL_EXDATE_PROPERTY, ICAL_EXRULE_PROPERTY})
    remove_all(o, k);
  const std::string tzid = tzid_of(main);
  const std::int64_t length = length_ms(main, *prop_ms(main, ICAL_DTSTART_PROPERTY));
  replace_time(o, ICAL_RECURRENCEID_PROPERTY, like_start(main, ms), tzid);
  replace_time(o, ICAL_DTSTART_PROPERTY, like_start(main, ms), tzid);
  if (icalcomponent_get_first_property(o, ICAL_DTEND_PROPERTY))
    replace_time(o, ICAL_DTEND_PROPERTY, like_start(main, ms + length), tzid);
  icalcomponent_add_component(root, o);
  return o;
}

// The override of the instance that `ms` (its original start) names: the
// object's, else with `make` a new one when the series starts an instance
// then; null otherwise.
icalcomponent* override_at(icalcomponent* root, std::int64_t ms, bool make) {
  const auto all = parts(root);
  icalcomponent* main = !all.empty() && !has_recurrence_id(all.front()) ? all.front() : nullptr;
  for (icalcomponent* c : all)
    if (c != main && prop_ms(c, ICAL_RECURRENCEID_PROPERTY) == ms) return c;
  if (make && main && recurs(main) && prop_ms(main, ICAL_DTSTART_PROPERTY) && is_instance(main, ms))
    return add_override(root, main, ms);
  return nullptr;
}

int sequence_of(icalcomponent* c) {
  icalproperty* p = icalcomponent_get_first_property(c, ICAL_SEQUENCE_PROPERTY);
  return p ? icalproperty_get_sequence(p) : 0;
}

void set_sequence(icalcomponent* c, int n) {
  remove_all(c, ICAL_SEQUENCE_PROPERTY);
  icalcomponent_add_property(c, icalproperty_new_sequence(n));
}

}  // namespace

namespace {

Participants participants_of(icalcomponent* main) {
  Participants out;
  if (icalproperty* o = icalcomponent_get_first_property(main, ICAL_ORGANIZER_PROPERTY)) {
    Participant org = participant_of(o);
    org.partstat.clear();
    if (!org.email.empty()) out.organizer = std::move(org);
  }
  for (icalproperty* a : all_props(main, ICAL_ATTENDEE_PROPERTY)) {
    Participant who = participant_of(a);
    if (who.email.empty()) continue;
    const bool seen = std::any_of(out.attendees.begin(), out.attendees.end(),
                                  [&](const Participant& x) { return x.email == who.email; });
    if (!seen) out.attendees.push_back(std::move(who));
  }
  return out;
}

}  // namespace

std::string without_alarms(std::string_view ics) {
  if (ics.find("BEGIN:VALARM") == std::string_view::npos) return std::string(ics);
  CompPtr root = parse(ics);
  if (!root) return std::string(ics);
  remove_alarms(root.get());
  return take_string(icalcomponent_as_ical_string_r(root.get()));
}

Participants participants(std::string_view ics) {
  CompPtr root = parse(ics);
  const auto all = root ? parts(root.get()) : std::vector<icalcomponent*>{};
  if (all.empty()) return {};
  return participants_of(all.front());
}

EventDetails details(std::string_view ics) {
  EventDetails out;
  CompPtr root = parse(ics);
  const auto all = root ? parts(root.get()) : std::vector<icalcomponent*>{};
  if (all.empty()) return out;
  icalcomponent* first = all.front();
  // inspect()'s reading of the same.
  if (!has_recurrence_id(first)) {
    out.rrule = rrule_text(first);
    out.timezone = tzid_of(first);
  }
  if (auto [s, e] = own_span(first); s != kNever) {
    out.own_start_ms = s;
    out.own_end_ms = e;
  }
  out.who = participants_of(first);
  if (has_recurrence_id(first)) return out;
  const std::set<std::int64_t> exdates = exdates_of(first);
  out.cancelled.assign(exdates.begin(), exdates.end());
  const bool timed = prop_ms(first, ICAL_DTSTART_PROPERTY).has_value();
  for (icalcomponent* c : all) {
    const auto rid = c == first ? std::nullopt : prop_ms(c, ICAL_RECURRENCEID_PROPERTY);
    if (!rid) continue;
    if (const Plan p = plan_of(c); p.cancelled) {
      out.cancelled.push_back(*rid);
    } else if (timed && p != planned(first, *rid)) {
      out.changed.push_back({*rid, p.start, p.end, p.summary, p.description, p.location});
    }
    for (const Participant& a : participants_of(c).attendees) {
      auto series = std::find_if(out.who.attendees.begin(), out.who.attendees.end(),
                                 [&](const Participant& x) { return x.email == a.email; });
      if (series == out.who.attendees.end() || series->partstat != a.partstat)
        out.instance_answers.push_back({*rid, a.email, a.partstat});
    }
  }
  std::sort(out.cancelled.begin(), out.cancelled.end());
  out.cancelled.erase(std::unique(out.cancelled.begin(), out.cancelled.end()), out.cancelled.end());
  std::sort(out.changed.begin(), out.changed.end(),
            [](const auto& a, const auto& b) { return a.recurrence_ms < b.recurrence_ms; });
  return out;
}

Result<std::string> set_partstat(std::string_view ics, std::string_view email,
                                 std::string_view partstat, std::int64_t now_ms,
                                 std::optional<std::int64_t> recurrence_ms) {
  CompPtr root = parse(ics);
  const auto all = root ? parts(root.get()) : std::vector<icalcomponent*>{};
  if (all.empty()) return fail(Errc::invalid, "not a calendar object", "invalid_event");
  std::vector<icalcomponent*> answered = all;
  if (recurrence_ms) {
    // One instance (RFC 5546 section 3.2.3): its override, made when the
    // instance had none.
    icalcomponent* one = override_at(root.get(), *recurrence_ms, true);
    if (!one)
      return fail(Errc::invalid, "the event has no occurrence starting then",
                  "invalid_recurrence_id");
    answered = {one};
  }
  bool found = false;
  for (icalcomponent* c : answered) {
    for (icalproperty* a : all_props(c, ICAL_ATTENDEE_PROPERTY)) {
      if (address_of(a) != email) continue;
      set_attendee_partstat(a, partstat);
      icalproperty_remove_parameter_by_kind(a, ICAL_RSVP_PARAMETER);
      found = true;
    }
    set_utc(c, ICAL_DTSTAMP_PROPERTY, now_ms);
  }
  if (!found) return fail(Errc::not_found, "not an attendee of this event");
  std::string out = take_string(icalcomponent_as_ical_string_r(root.get()));
  if (out.size() > kMaxObjectBytes)
    return fail(Errc::invalid, "this event holds too many single occurrences: answer the series",
                "invalid_event");
  return out;
}

std::string itip_message(std::string_view ics, std::string_view method, std::string_view to,
                         std::optional<std::int64_t> recurrence_ms) {
  CompPtr root = parse(ics);
  if (!root) return {};
  remove_all(root.get(), ICAL_METHOD_PROPERTY);
  const bool cancel = method == "CANCEL";
  if (cancel && recurrence_ms) {
    // That instance alone (RFC 5546 section 3.2.5), as the series had it:
    // the object may already leave it out (EXDATE).
    const auto all = parts(root.get());
    if (all.empty() || has_recurrence_id(all.front()) ||
        !prop_ms(all.front(), ICAL_DTSTART_PROPERTY))
      return {};
    icalcomponent* one = override_at(root.get(), *recurrence_ms, false);
    if (!one) one = add_override(root.get(), all.front(), *recurrence_ms);
    for (icalcomponent* c : parts(root.get())) {
      if (c == one) continue;
      icalcomponent_remove_component(root.get(), c);
      icalcomponent_free(c);
    }
  }
  icalcomponent_add_property(
      root.get(), icalproperty_new_method(cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST));
  remove_alarms(root.get());  // the organizer's own
  for (icalcomponent* c : parts(root.get())) {
    if (!cancel) continue;
    remove_all(c, ICAL_STATUS_PROPERTY);
    icalcomponent_add_property(c, icalproperty_new_status(ICAL_STATUS_CANCELLED));
    icalproperty* seq = icalcomponent_get_first_property(c, ICAL_SEQUENCE_PROPERTY);
    const int next = seq ? icalproperty_get_sequence(seq) + 1 : 1;
    remove_all(c, ICAL_SEQUENCE_PROPERTY);
    icalcomponent_add_property(c, icalproperty_new_sequence(next));
    for (icalproperty* a : all_props(c, ICAL_ATTENDEE_PROPERTY)) {
      if (address_of(a) == to) continue;
      icalcomponent_remove_property(c, a);
      icalproperty_free(a);
    }
  }
  return take_string(icalcomponent_as_ical_string_r(root.get()));
}

EventExtras event_extras(std::string_view ics) {
  auto info = inspect(ics);
  if (!info) return {};
  return {info->rrule, info->timezone};
}

Result<std::string> write_event(const std::optional<std::string>& existing, const std::string& uid,
                                const EventEdit& edit, std::int64_t now_ms) {
  CompPtr root;
  icalcomponent* ev = nullptr;
  if (existing) {
    root = parse(*existing);
    const auto all = root ? parts(root.get()) : std::vector<icalcomponent*>{};
    if (all.empty() || has_recurrence_id(all.front()) ||
        icalcomponent_isa(all.front()) != ICAL_VEVENT_COMPONENT)
      return fail(Errc::invalid, "this calendar object is not an event", "invalid_event");
    ev = all.front();
  } else {
    if (!edit.title || !edit.start_ms || !edit.end_ms)
      return fail(Errc::invalid, "a new event needs a title, a start and an end", "invalid_event");
    root.reset(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
    icalcomponent_add_property(root.get(), icalproperty_new_version("2.0"));
    icalcomponent_add_property(root.get(), icalproperty_new_prodid("-//Ruche//Ruche//EN"));
    ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    icalcomponent_add_component(root.get(), ev);
    icalcomponent_add_property(ev, icalproperty_new_uid(uid.c_str()));
    set_utc(ev, ICAL_CREATED_PROPERTY, now_ms);
  }
  // The series as it was, for its overrides (below).
  struct Was {
    std::optional<std::int64_t> start;
    std::int64_t length = 0;
    bool all_day = false;
    std::string tzid, rrule, title, description, location;
    std::set<std::int64_t> exdates;
  } was;
  if (existing) {
    was.start = prop_ms(ev, ICAL_DTSTART_PROPERTY);
    was.length = was.start ? length_ms(ev, *was.start) : 0;
    was.all_day = is_date_start(ev);
    was.tzid = tzid_of(ev);
    was.rrule = rrule_text(ev);
    was.title = text_of(ev, ICAL_SUMMARY_PROPERTY);
    was.description = text_of(ev, ICAL_DESCRIPTION_PROPERTY);
    was.location = text_of(ev, ICAL_LOCATION_PROPERTY);
    was.exdates = exdates_of(ev);
  }
  if (edit.title) set_text(ev, ICAL_SUMMARY_PROPERTY, *edit.title);
  if (edit.description) set_text(ev, ICAL_DESCRIPTION_PROPERTY, *edit.description);
  if (edit.location) set_text(ev, ICAL_LOCATION_PROPERTY, *edit.location);

  const bool times = edit.start_ms || edit.end_ms || edit.all_day || edit.timezone;
  if (times) {
    auto start = edit.start_ms ? edit.start_ms : prop_ms(ev, ICAL_DTSTART_PROPERTY);
    std::optional<std::int64_t> end = edit.end_ms;
    if (!end && start) {
      auto old_start = prop_ms(ev, ICAL_DTSTART_PROPERTY);
      end = *start + (old_start ? length_ms(ev, *old_start) : 0);
    }
    if (!start || !end)
      return fail(Errc::invalid, "an event needs a start and an end", "invalid_time");
    const bool all_day = edit.all_day.value_or(is_date_start(ev));
    std::string tzid = edit.timezone.value_or(tzid_of(ev));
    icaltimezone* zone = nullptr;
    if (all_day) {
      if (*start % kDayMs != 0 || *end % kDayMs != 0)
        return fail(Errc::invalid, "an all-day event starts and ends on dates", "invalid_time");
      if (*end <= *start)
        return fail(Errc::invalid, "an all-day event lasts a day or more", "invalid_time");
      tzid.clear();
    } else {
      if (*end < *start)
        return fail(Errc::invalid, "an event ends after it starts", "invalid_time");
      if (!tzid.empty()) {
        zone = known_zone(tzid);
        if (!zone) return fail(Errc::invalid, "unknown time zone " + tzid, "invalid_timezone");
      }
    }
    remove_all(ev, ICAL_DURATION_PROPERTY);
    replace_time(ev, ICAL_DTSTART_PROPERTY, all_day ? date_of(*start) : wall_time(*start, zone),
                 tzid);
    replace_time(ev, ICAL_DTEND_PROPERTY, all_day ? date_of(*end) : wall_time(*end, zone), tzid);
    // The zone's definition goes with the object (RFC 5545 section 3.6.5),
    // from the event's start on; a zone no longer used leaves.
    std::vector<icalcomponent*> zones;
    for (icalcomponent* c = icalcomponent_get_first_component(root.get(), ICAL_VTIMEZONE_COMPONENT);
         c; c = icalcomponent_get_next_component(root.get(), ICAL_VTIMEZONE_COMPONENT))
      zones.push_back(c);
    for (icalcomponent* c : zones) {
      icalcomponent_remove_component(root.get(), c);
      icalcomponent_free(c);
    }
    if (zone) {
      icalcomponent* vtz = icalcomponent_new_clone(icaltimezone_get_component(zone));
      icaltimezone_truncate_vtimezone(vtz, wall_time(*start, nullptr), icaltime_null_time(), 0);
      remove_all(vtz, ICAL_TZID_PROPERTY);
      icalcomponent_add_property(vtz, icalproperty_new_tzid(tzid.c_str()));
      icalcomponent_add_component(root.get(), vtz);
    }
  }
  if (edit.rrule) {
    remove_all(ev, ICAL_RRULE_PROPERTY);
    if (!edit.rrule->empty()) {
      if (edit.rrule->size() > 500 || edit.rrule->find_first_of("\r\n") != std::string::npos)
        return fail(Errc::invalid, "a recurrence rule is one line of at most 500 bytes",
                    "invalid_rrule");
      icalerror_clear_errno();
      struct icalrecurrencetype r = icalrecurrencetype_from_string(edit.rrule->c_str());
      if (r.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR)
        return fail(Errc::invalid, "not a recurrence rule (RFC 5545 RRULE)", "invalid_rrule");
      if (!expandable(r)) return fail(Errc::invalid, std::string(kUnexpandable), "invalid_rrule");
      icalcomponent_add_property(ev, icalproperty_new_rrule(r));
    }
  }
  // The attendees of `c` made `edit.attendees`, each keeping the PARTSTAT
  // they had in `c`, else `fallback`'s (the series'), else NEEDS-ACTION.
  using Answers = std::vector<std::pair<std::string, std::string>>;  // address, PARTSTAT
  auto answers_in = [](icalcomponent* c) {
    Answers out;
    for (icalproperty* a : all_props(c, ICAL_ATTENDEE_PROPERTY)) {
      Participant who = participant_of(a);
      if (!who.email.empty()) out.emplace_back(who.email, who.partstat);
    }
    return out;
  };
  auto set_attendees = [&](icalcomponent* c, const Answers& fallback) {
    const Answers kept = answers_in(c);
    auto answer_of = [&](const std::string& email) -> std::optional<std::string> {
      for (const Answers* list : {&kept, &fallback})
        for (const auto& [address, partstat] : *list)
          if (address == email) return partstat;
      return std::nullopt;
    };
    remove_all(c, ICAL_ATTENDEE_PROPERTY);
    for (const Participant& who : *edit.attendees) {
      icalproperty* a = calendar_user(ICAL_ATTENDEE_PROPERTY, who);
      icalproperty_add_parameter(a, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
      const std::string partstat = answer_of(who.email).value_or("NEEDS-ACTION");
      set_attendee_partstat(a, partstat);
      if (partstat == "NEEDS-ACTION")
        icalproperty_add_parameter(a, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
      icalcomponent_add_property(c, a);
    }
  };
  if (edit.attendees) {
    set_attendees(ev, {});
    if (edit.attendees->empty()) {
      remove_all(ev, ICAL_ORGANIZER_PROPERTY);
    } else if (edit.organizer && !icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY)) {
      icalcomponent_add_property(ev, calendar_user(ICAL_ORGANIZER_PROPERTY, *edit.organizer));
    }
  }
  // The overrides of single instances follow the series: dropped when its
  // times or rule change (their instances may be no more, as in Outlook);
  // else they take its new title, description or place where they had the
  // old one, and its attendees, each keeping their answer to the instance.
  std::vector<icalcomponent*> overrides;
  for (icalcomponent* c : parts(root.get()))
    if (c != ev) overrides.push_back(c);
  const std::optional<std::int64_t> start = prop_ms(ev, ICAL_DTSTART_PROPERTY);
  const bool moved = start != was.start || (start && length_ms(ev, *start) != was.length) ||
                     is_date_start(ev) != was.all_day || tzid_of(ev) != was.tzid ||
                     rrule_text(ev) != was.rrule;
  // The instances it leaves out stay out, moved as the series is (the
  // same week's, at its new hour).
  if (moved && start && was.start && !was.exdates.empty()) {
    remove_all(ev, ICAL_EXDATE_PROPERTY);
    for (std::int64_t ms : was.exdates)
      add_time(ev, ICAL_EXDATE_PROPERTY, like_start(ev, ms + (*start - *was.start)), tzid_of(ev));
  }
  const Answers series = answers_in(ev);
  for (icalcomponent* o : overrides) {
    if (moved) {
      icalcomponent_remove_component(root.get(), o);
      icalcomponent_free(o);
      continue;
    }
    for (auto [kind, old] : {std::pair{ICAL_SUMMARY_PROPERTY, &was.title},
                             std::pair{ICAL_DESCRIPTION_PROPERTY, &was.description},
                             std::pair{ICAL_LOCATION_PROPERTY, &was.location}}) {
      const std::string now = text_of(ev, kind);
      if (now != *old && text_of(o, kind) == *old) set_text(o, kind, now);
    }
    if (edit.attendees) {
      set_attendees(o, series);
      remove_all(o, ICAL_ORGANIZER_PROPERTY);
      if (icalproperty* org = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY))
        icalcomponent_add_property(o, icalproperty_new_clone(org));
    }
    set_utc(o, ICAL_DTSTAMP_PROPERTY, now_ms);
  }
  set_utc(ev, ICAL_DTSTAMP_PROPERTY, now_ms);
  set_utc(ev, ICAL_LASTMODIFIED_PROPERTY, now_ms);
  icalproperty* seq = icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY);
  const int next_seq = seq ? icalproperty_get_sequence(seq) + 1 : 0;
  remove_all(ev, ICAL_SEQUENCE_PROPERTY);
  icalcomponent_add_property(ev, icalproperty_new_sequence(next_seq));
  std::string out = take_string(icalcomponent_as_ical_string_r(root.get()));
  if (out.size() > kMaxObjectBytes)
    return fail(Errc::invalid, "the event is too large", "invalid_event");
  return out;
}

// --- single instances of a series (RFC 5546 section 3.2.2.1 and 3.2.5) ---------

namespace {

// The object's series, a recurring event, whose instances change apart.
Result<icalcomponent*> series_of(icalcomponent* root) {
  const auto all = root ? parts(root) : std::vector<icalcomponent*>{};
  if (all.empty() || has_recurrence_id(all.front()) ||
      icalcomponent_isa(all.front()) != ICAL_VEVENT_COMPONENT || !recurs(all.front()) ||
      !prop_ms(all.front(), ICAL_DTSTART_PROPERTY))
    return fail(Errc::invalid, "only a recurring event has occurrences to change apart",
                "invalid_event");
  return all.front();
}

Result<std::string> written(icalcomponent* root) {
  std::string out = take_string(icalcomponent_as_ical_string_r(root));
  if (out.size() > kMaxObjectBytes)
    return fail(Errc::invalid, "this event holds too many single occurrences", "invalid_event");
  return out;
}

}  // namespace

Result<std::string> write_instance(std::string_view ics, std::int64_t recurrence_ms,
                                   const EventEdit& edit, std::int64_t now_ms) {
  if (edit.timezone || edit.rrule || edit.attendees || edit.organizer)
    return fail(Errc::invalid,
                "an occurrence takes a title, description, place and times; its series the rest",
                "invalid_field");
  CompPtr root = parse(ics);
  RUCHE_TRY(icalcomponent * main, series_of(root.get()));
  const bool all_day = is_date_start(main);
  if (edit.all_day && *edit.all_day != all_day)
    return fail(Errc::invalid, "an occurrence is all day when its series is, and only then",
                "invalid_time");
  icalcomponent* one = override_at(root.get(), recurrence_ms, true);
  if (!one)
    return fail(Errc::invalid, "the event has no occurrence starting then",
                "invalid_recurrence_id");
  if (edit.title) set_text(one, ICAL_SUMMARY_PROPERTY, *edit.title);
  if (edit.description) set_text(one, ICAL_DESCRIPTION_PROPERTY, *edit.description);
  if (edit.location) set_text(one, ICAL_LOCATION_PROPERTY, *edit.location);
  if (edit.start_ms || edit.end_ms) {
    const auto [was_start, was_end] = own_span(one);
    const std::int64_t start = edit.start_ms.value_or(was_start);
    const std::int64_t end = edit.end_ms.value_or(start + (was_end - was_start));
    if (all_day && (start % kDayMs != 0 || end % kDayMs != 0 || end <= start))
      return fail(Errc::invalid, "an all-day occurrence starts and ends on dates, a day or more",
                  "invalid_time");
    if (end < start) return fail(Errc::invalid, "an event ends after it starts", "invalid_time");
    // In the series' form and zone, as its other instances.
    remove_all(one, ICAL_DURATION_PROPERTY);
    replace_time(one, ICAL_DTSTART_PROPERTY, like_start(main, start), tzid_of(main));
    replace_time(one, ICAL_DTEND_PROPERTY, like_start(main, end), tzid_of(main));
  }
  set_sequence(one, std::max(sequence_of(main), sequence_of(one)) + 1);
  set_utc(one, ICAL_DTSTAMP_PROPERTY, now_ms);
  set_utc(one, ICAL_LASTMODIFIED_PROPERTY, now_ms);
  return written(root.get());
}

Result<std::string> cancel_instance(std::string_view ics, std::int64_t recurrence_ms,
                                    std::int64_t now_ms) {
  CompPtr root = parse(ics);
  RUCHE_TRY(icalcomponent * main, series_of(root.get()));
  icalcomponent* one = override_at(root.get(), recurrence_ms, false);
  if (!one && !is_instance(main, recurrence_ms))
    return fail(Errc::invalid, "the event has no occurrence starting then",
                "invalid_recurrence_id");
  if (one) {
    icalcomponent_remove_component(root.get(), one);
    icalcomponent_free(one);
  }
  if (!exdates_of(main).count(recurrence_ms))
    add_time(main, ICAL_EXDATE_PROPERTY, like_start(main, recurrence_ms), tzid_of(main));
  set_sequence(main, sequence_of(main) + 1);
  set_utc(main, ICAL_DTSTAMP_PROPERTY, now_ms);
  set_utc(main, ICAL_LASTMODIFIED_PROPERTY, now_ms);
  return written(root.get());
}

InstanceChanges instance_changes(std::string_view before, std::string_view after) {
  struct Side {
    CompPtr root;
    icalcomponent* main = nullptr;  // with a DTSTART
    std::map<std::int64_t, icalcomponent*> overrides;
    std::set<std::int64_t> exdates, rdates;
    // The instance as planned, or none (no series to read it from).
    std::optional<Plan> plan(std::int64_t rid) const {
      if (auto o = overrides.find(rid); o != overrides.end()) return plan_of(o->second);
      if (main) return planned(main, rid);
      return std::nullopt;
    }
  };
  auto read = [](std::string_view ics) {
    Side s;
    s.root = parse(ics);
    for (icalcomponent* c : s.root ? parts(s.root.get()) : std::vector<icalcomponent*>{}) {
      if (auto rid = prop_ms(c, ICAL_RECURRENCEID_PROPERTY)) {
        s.overrides.emplace(*rid, c);
      } else if (!s.main && prop_ms(c, ICAL_DTSTART_PROPERTY)) {
        s.main = c;
        s.exdates = exdates_of(c);
        s.rdates = rdates_of(c);
      }
    }
    return s;
  };
  const Side a = read(before), b = read(after);
  InstanceChanges out;
  auto only_in = [](const std::set<std::int64_t>& x, const std::set<std::int64_t>& y,
                    std::vector<std::int64_t>& into) {
    std::set_difference(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(into));
  };
  // EXDATEs count where they leave out (bring back) an instance. Each
  // check walks the rule (up to kMaxRecurrenceSteps steps), and an object
  // holds thousands of EXDATEs: past kMaxInstanceChecks, each counts
  // unchecked, so that one write is not minutes of CPU.
  std::vector<std::int64_t> left_out, back;
  only_in(b.exdates, a.exdates, left_out);
  only_in(a.exdates, b.exdates, back);
  const bool check = left_out.size() + back.size() <= kMaxInstanceChecks;
  for (std::int64_t rid : left_out)
    if (!check || a.overrides.count(rid) || (a.main && is_instance(a.main, rid)))
      out.cancelled.push_back(rid);
  for (std::int64_t rid : back)
    if (!check || (b.main && is_instance(b.main, rid))) out.changed.push_back(rid);
  only_in(b.rdates, a.rdates, out.changed);    // added
  only_in(a.rdates, b.rdates, out.cancelled);  // removed
  std::set<std::int64_t> rids;
  for (const Side* side : {&a, &b})
    for (const auto& [rid, c] : side->overrides) rids.insert(rid);
  for (std::int64_t rid : rids) {
    if (a.exdates.count(rid) || b.exdates.count(rid)) continue;  // counted above
    const auto was = a.plan(rid), now = b.plan(rid);
    if (!was || !now)
      out.changed.push_back(rid);
    else if (now->cancelled && !was->cancelled)
      out.cancelled.push_back(rid);
    else if (*was != *now)
      out.changed.push_back(rid);
  }
  std::sort(out.changed.begin(), out.changed.end());
  std::sort(out.cancelled.begin(), out.cancelled.end());
  return out;
}

namespace {

// The starts `rule` makes from `main`'s DTSTART before `ms`, EXDATEs
// included (what COUNT counts), at most kMaxRecurrenceSteps.
int rule_starts_before(icalcomponent* main, const icalrecurrencetype& rule, std::int64_t ms) {
  const icaltimetype dtstart = icalcomponent_get_dtstart(main);
  if (!expandable(rule)) return 0;  // each_start() walks it no further
  icalrecurrencetype bounded = rule;
  end_scan_at(bounded, ms, dtstart.is_date);
  IterPtr it(icalrecur_iterator_new(bounded, dtstart));
  int n = 0;
  while (it && n < kMaxRecurrenceSteps) {
    icaltimetype next = icalrecur_iterator_next(it.get());
    if (icaltime_is_null_time(next)) break;
    if (dtstart.zone && !next.zone) next.zone = dtstart.zone;
    auto at = ms_of(next);
    if (!at || *at >= ms) break;
    ++n;
  }
  return n;
}

// Removes from `main` the EXDATEs and RDATEs before `ms` (`keep_before`
// false) or from `ms` on (true).
void keep_dates(icalcomponent* main, std::int64_t ms, bool keep_before) {
  const std::string tzid = tzid_of(main);
  for (icalproperty_kind kind : {ICAL_EXDATE_PROPERTY, ICAL_RDATE_PROPERTY}) {
    const std::set<std::int64_t> dates =
        kind == ICAL_EXDATE_PROPERTY ? exdates_of(main) : rdates_of(main);
    remove_all(main, kind);
    for (std::int64_t d : dates)
      if ((d < ms) == keep_before) add_time(main, kind, like_start(main, d), tzid);
  }
}

// `root`'s series (a recurring event) to be cut at its instance
// `recurrence_ms`, after the first. Errors: split_series'.
Result<icalcomponent*> cut_at(icalcomponent* root, std::int64_t recurrence_ms) {
  RUCHE_TRY(icalcomponent * main, series_of(root));
  if (recurrence_ms <= *prop_ms(main, ICAL_DTSTART_PROPERTY) ||
      (!override_at(root, recurrence_ms, false) && !is_instance(main, recurrence_ms)))
    return fail(Errc::invalid, "the event has no later occurrence starting then",
                "invalid_recurrence_id");
  return main;
}

// `root`'s series `main` ended before `recurrence_ms`: its rules end there
// (UNTIL in UTC, or the day before for dates, RFC 5545 section 3.3.10), its
// later dates and overrides go; SEQUENCE one up.
void end_before(icalcomponent* root, icalcomponent* main, std::int64_t recurrence_ms,
                std::int64_t now_ms) {
  const bool dates = is_date_start(main);
  for (icalproperty* p : all_props(main, ICAL_RRULE_PROPERTY)) {
    struct icalrecurrencetype r = icalproperty_get_rrule(p);
    r.count = 0;
    r.until = dates ? date_of(recurrence_ms - kDayMs) : wall_time(recurrence_ms - 1000, nullptr);
    icalproperty_set_rrule(p, r);
  }
  keep_dates(main, recurrence_ms, true);
  for (icalcomponent* c : parts(root))
    if (c != main && *prop_ms(c, ICAL_RECURRENCEID_PROPERTY) >= recurrence_ms) {
      icalcomponent_remove_component(root, c);
      icalcomponent_free(c);
    }
  set_sequence(main, sequence_of(main) + 1);
  set_utc(main, ICAL_DTSTAMP_PROPERTY, now_ms);
  set_utc(main, ICAL_LASTMODIFIED_PROPERTY, now_ms);
}

}  // namespace

Result<std::string> end_series(std::string_view ics, std::int64_t recurrence_ms,
                               std::int64_t now_ms) {
  CompPtr root = parse(ics);
  RUCHE_TRY(icalcomponent * main, cut_at(root.get(), recurrence_ms));
  end_before(root.get(), main, recurrence_ms, now_ms);
  return written(root.get());
}

Result<std::pair<std::string, std::string>> split_series(std::string_view ics,
                                                         std::int64_t recurrence_ms,
                                                         const std::string& new_uid,
                                                         std::int64_t now_ms) {
  CompPtr early = parse(ics);
  RUCHE_TRY(icalcomponent * main, cut_at(early.get(), recurrence_ms));
  const std::int64_t start = *prop_ms(main, ICAL_DTSTART_PROPERTY);
  CompPtr late(icalcomponent_new_clone(early.get()));
  end_before(early.get(), main, recurrence_ms, now_ms);

  // The series from then on, an event of its own.
  icalcomponent* next = parts(late.get()).front();
  const std::int64_t length = length_ms(next, start);
  for (icalproperty* p : all_props(next, ICAL_RRULE_PROPERTY)) {
    struct icalrecurrencetype r = icalproperty_get_rrule(p);
    if (r.count > 0) r.count = std::max(1, r.count - rule_starts_before(next, r, recurrence_ms));
    icalproperty_set_rrule(p, r);
  }
  keep_dates(next, recurrence_ms, false);
  const std::string tzid = tzid_of(next);
  replace_time(next, ICAL_DTSTART_PROPERTY, like_start(next, recurrence_ms), tzid);
  if (icalcomponent_get_first_property(next, ICAL_DTEND_PROPERTY))
    replace_time(next, ICAL_DTEND_PROPERTY, like_start(next, recurrence_ms + length), tzid);
  for (icalcomponent* c : parts(late.get())) {
    if (c != next && *prop_ms(c, ICAL_RECURRENCEID_PROPERTY) < recurrence_ms) {
      icalcomponent_remove_component(late.get(), c);
      icalcomponent_free(c);
      continue;
    }
    icalcomponent_set_uid(c, new_uid.c_str());
    set_sequence(c, 0);
    set_utc(c, ICAL_DTSTAMP_PROPERTY, now_ms);
  }
  set_utc(next, ICAL_CREATED_PROPERTY, now_ms);
  RUCHE_TRY(std::string first, written(early.get()));
  RUCHE_TRY(std::string second, written(late.get()));
  return std::make_pair(std::move(first), std::move(second));
}

}  // namespace ruche::dav

// --- reminders ----------------------------------------------------------------

namespace ruche::dav {

namespace {

// The minutes before its start at which `alarm` goes off, when it is a
// reminder of the instance: a TRIGGER of a duration (RELATED=START) at or
// before the start, an ACTION other than NONE (RFC 9074 section 7).
std::optional<int> minutes_before(icalcomponent* alarm) {
  // libical 3.0 reads NONE as an experimental value: its text tells.
  if (icalproperty* a = icalcomponent_get_first_property(alarm, ICAL_ACTION_PROPERTY)) {
    const char* action = icalproperty_get_value_as_string(a);
    if (icalproperty_get_action(a) == ICAL_ACTION_NONE ||
        (action && std::string_view(action) == "NONE"))
      return std::nullopt;
  }
  icalproperty* p = icalcomponent_get_first_property(alarm, ICAL_TRIGGER_PROPERTY);
  if (!p) return std::nullopt;
  if (icalparameter* r = icalproperty_get_first_parameter(p, ICAL_RELATED_PARAMETER);
      r && icalparameter_get_related(r) == ICAL_RELATED_END)
    return std::nullopt;
  const icaltriggertype t = icalproperty_get_trigger(p);
  if (!icaltime_is_null_time(t.time) || icaltriggertype_is_bad_trigger(t)) return std::nullopt;
  const int seconds = icaldurationtype_as_int(t.duration);
  if (seconds > 0 || -seconds / 60 > kMaxReminderMinutes) return std::nullopt;
  return -seconds / 60;
}

}  // namespace

std::vector<int> reminder_minutes(std::string_view ics) {
  std::vector<int> out;
  if (ics.find("BEGIN:VALARM") == std::string_view::npos) return out;
  CompPtr root = parse(ics);
  const auto all = root ? parts(root.get()) : std::vector<icalcomponent*>{};
  if (all.empty() || has_recurrence_id(all.front())) return out;
  for (icalcomponent* alarm : all_components(all.front(), ICAL_VALARM_COMPONENT))
    if (auto m = minutes_before(alarm)) out.push_back(*m);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > kMaxReminders) out.resize(kMaxReminders);
  return out;
}

Result<std::string> with_reminders(std::string_view ics, const std::vector<int>& minutes) {
  CompPtr root = parse(ics);
  const auto all = root ? parts(root.get()) : std::vector<icalcomponent*>{};
  if (all.empty()) return fail(Errc::invalid, "not a calendar object", "invalid_event");
  remove_alarms(root.get());
  for (icalcomponent* c : all)
    for (int m : minutes) {
      icalcomponent* alarm = icalcomponent_new(ICAL_VALARM_COMPONENT);
      icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
      icaltriggertype trigger{};
      trigger.time = icaltime_null_time();
      trigger.duration = icaldurationtype_from_int(-m * 60);
      icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
      // DISPLAY needs a DESCRIPTION (RFC 5545 section 3.6.6): the event's title.
      const std::string title = text_of(c, ICAL_SUMMARY_PROPERTY);
      icalcomponent_add_property(
          alarm, icalproperty_new_description(title.empty() ? "Reminder" : title.c_str()));
      icalcomponent_add_component(c, alarm);
    }
  return written(root.get());
}

std::vector<Reminder> next_reminders(std::string_view ics, const std::vector<int>& minutes,
                                     std::int64_t after_ms, std::size_t count,
                                     std::string_view zone) {
  std::vector<Reminder> best;  // by due time, each time once
  if (minutes.empty() || count == 0) return best;
  icaltimezone* const clock = zone.empty() ? nullptr : known_zone(zone);  // looked up once
  const auto [least, most] = std::minmax_element(minutes.begin(), minutes.end());
  // A day starts up to 14 hours before or 12 after its midnight UTC.
  const std::int64_t slack = zone.empty() ? 0 : 14 * 3'600'000;
  const std::int64_t least_ms = std::int64_t{*least} * 60'000 - slack;
  const std::int64_t most_ms = std::int64_t{*most} * 60'000 + slack;
  // An instance reminds after `after_ms` only when it starts later than
  // after_ms plus the shortest delay; instances come in start order, and
  // once one starts past the last kept plus the longest, none after does better.
  std::int64_t from = after_ms + least_ms;
  std::int64_t last_start = std::numeric_limits<std::int64_t>::min();
  constexpr std::size_t kPage = 64;
  for (int round = 0; round < 8; ++round) {
    const auto page = expand(ics, from, kForever, kPage);
    for (const Instance& i : page) {
      if (i.start_ms <= last_start) continue;  // read on the previous page
      last_start = i.start_ms;
      if (best.size() == count && i.start_ms - most_ms >= best.back().due_ms) return best;
      const std::int64_t start = i.all_day ? day_begins(i.start_ms, clock) : i.start_ms;
      for (int m : minutes) {
        const std::int64_t due = start - std::int64_t{m} * 60'000;
        if (due <= after_ms) continue;
        const auto at =
            std::lower_bound(best.begin(), best.end(), due,
                             [](const Reminder& r, std::int64_t d) { return r.due_ms < d; });
        if (at != best.end() && at->due_ms == due) continue;  // the first found at a time stays
        if (at == best.end() && best.size() == count) continue;
        best.insert(at, Reminder{due, m, i});
        if (best.size() > count) best.pop_back();
      }
    }
    if (page.size() < kPage) break;
    from = last_start + 1;
  }
  return best;
}

std::optional<Reminder> next_reminder(std::string_view ics, const std::vector<int>& minutes,
                                      std::int64_t after_ms, std::string_view zone) {
  auto best = next_reminders(ics, minutes, after_ms, 1, zone);
  if (best.empty()) return std::nullopt;
  return std::move(best.front());
}

bool is_time_zone(std::string_view name) {
  return known_zone(name) != nullptr;
}

namespace {

std::int64_t day_begins(std::int64_t day_ms, icaltimezone* zone) {
  if (!zone) return day_ms;
  icaltimetype t = date_of(day_ms);
  t.is_date = 0;
  t.hour = t.minute = t.second = 0;
  return static_cast<std::int64_t>(icaltime_as_timet_with_zone(t, zone)) * 1000;
}

}  // namespace

std::int64_t day_start(std::int64_t day_ms, std::string_view zone) {
  return day_begins(day_ms, zone.empty() ? nullptr : known_zone(zone));
}

std::string wall_clock_text(std::int64_t ms, std::string_view zone) {
  icaltimezone* z = zone.empty() ? nullptr : known_zone(zone);
  const icaltimetype t = wall_time(ms, z);
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour,
                t.minute);
  return out;
}

}  // namespace ruche::dav
