#include "modules/calendar/calendar.hpp"

#include <algorithm>
#include <cctype>

#include "base/clock.hpp"

namespace ruche::calendar {

std::string etag_of(const Object& o) {
  return o.etag ? *o.etag : "\"" + std::to_string(o.seq) + "\"";
}

std::optional<WorkspaceId> workspace_of(std::string_view collection_id) {
  if (collection_id.substr(0, 2) != "w:") return std::nullopt;
  return WorkspaceId(std::string(collection_id.substr(2)));
}

std::string partstat_json(std::string_view partstat) {
  std::string out(partstat);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

Collection collection_of(std::string_view collection_id) {
  if (auto ws = workspace_of(collection_id)) return Collection::of_workspace(*ws);
  if (auto sub = subscription_of(collection_id)) {
    const std::string_view owner = collection_id.substr(2, collection_id.size() - 3 - sub->size());
    return Collection::subscription(std::string(owner), *sub);
  }
  return Collection::personal(UserId(std::string(collection_id.substr(2))));
}

std::optional<std::string> subscription_of(std::string_view collection_id) {
  if (collection_id.substr(0, 2) != "s:") return std::nullopt;
  const auto colon = collection_id.rfind(':');
  if (colon < 2) return std::nullopt;
  return std::string(collection_id.substr(colon + 1));
}

json::value time_json(std::int64_t ms, bool all_day) {
  std::string iso = format_iso8601(ms);
  if (all_day) iso.resize(10);
  return json::value(iso);
}

std::string when_text(std::int64_t ms, bool all_day, std::string_view zone) {
  if (all_day) return format_iso8601(ms).substr(0, 10);
  if (!dav::is_time_zone(zone)) zone = "UTC";
  return dav::wall_clock_text(ms, zone) + " " + std::string(zone);
}

namespace {

std::string_view kind_json(dav::ComponentKind k) {
  switch (k) {
    case dav::ComponentKind::vtodo:
      return "todo";
    case dav::ComponentKind::vjournal:
      return "journal";
    case dav::ComponentKind::vevent:
      break;
  }
  return "event";
}

json::value bounded_time(std::int64_t ms, bool all_day) {
  // Objects without dates cover all time: no time to show.
  if (ms <= INT64_MIN / 2 || ms == dav::kForever) return nullptr;
  return time_json(ms, all_day);
}

json::value nullable(std::string s) {
  return s.empty() ? json::value(nullptr) : json::value(std::move(s));
}

json::object participant_json(const dav::Participant& p) {
  json::object j;
  j["email"] = p.email;
  j["name"] = p.name;
  if (!p.partstat.empty()) j["partstat"] = partstat_json(p.partstat);
  return j;
}

// An armoured event's organizer (no partstat) or attendee.
json::object member_json(const Member& m) {
  json::object j{{"user_id", m.user_id}, {"email", m.email}, {"name", m.name}};
  if (!m.partstat.empty()) j["partstat"] = partstat_json(m.partstat);
  if (!m.sealed_answers.empty()) j["sealed_answers"] = m.sealed_answers;
  if (!m.answers_token.empty()) j["answers_token"] = m.answers_token;
  return j;
}

// The subscription an event was read from (read only), or null.
json::value subscription_json(const Object& o) {
  auto sub = subscription_of(o.collection_id);
  return sub ? json::value(*sub) : json::value(nullptr);
}

}  // namespace

json::object to_json(const Object& o) {
  json::object j;
  j["id"] = o.id.str();
  auto ws = workspace_of(o.collection_id);
  j["workspace_id"] = ws ? json::value(ws->str()) : json::value(nullptr);
  if (!o.sealed.empty()) {
    // Nothing else is known of it here.
    j["kind"] = "event";
    j["token"] = o.info.uid;
    j["sealed"] = o.sealed;
    j["sealed_by"] = o.sealed_by;
    j["created_by"] = o.created_by;
    j["created_at"] = format_iso8601(o.created_at_ms);
    j["updated_at"] = format_iso8601(o.updated_at_ms);
    j["version"] = o.seq;
    // Who is invited, and their answers, are in clear.
    j["organizer"] = o.organizer ? json::value(member_json(*o.organizer)) : json::value(nullptr);
    json::array members;
    for (const Member& m : o.members) members.push_back(member_json(m));
    j["attendees"] = std::move(members);
    return j;
  }
  j["uid"] = o.info.uid;
  j["kind"] = kind_json(o.info.kind);
  j["title"] = o.info.summary;
  j["description"] = o.info.description;
  j["location"] = o.info.location;
  // The stored index keeps the span of every instance; the event's own
  // times, rule, zone and people are read from its text, once.
  const dav::EventDetails d = dav::details(o.ics);
  j["start"] = d.own_start_ms ? time_json(*d.own_start_ms, o.info.all_day) : json::value(nullptr);
  j["end"] = d.own_end_ms ? time_json(*d.own_end_ms, o.info.all_day) : json::value(nullptr);
  j["all_day"] = o.info.all_day;
  j["timezone"] = nullable(d.timezone);
  j["rrule"] = nullable(d.rrule);
  j["recurring"] = o.info.recurring;
  j["organizer"] =
      d.who.organizer ? json::value(participant_json(*d.who.organizer)) : json::value(nullptr);
  json::array attendees;
  for (const auto& a : d.who.attendees) attendees.push_back(participant_json(a));
  j["attendees"] = std::move(attendees);
  json::array instance_answers;
  for (const auto& a : d.instance_answers)
    instance_answers.push_back(json::object{{"recurrence_id", format_iso8601(a.recurrence_ms)},
                                            {"email", a.email},
                                            {"partstat", partstat_json(a.partstat)}});
  j["instance_answers"] = std::move(instance_answers);
  json::array changed, cancelled;
  for (const auto& c : d.changed)
    changed.push_back(json::object{{"recurrence_id", format_iso8601(c.recurrence_ms)},
                                   {"start", time_json(c.start_ms, o.info.all_day)},
                                   {"end", time_json(c.end_ms, o.info.all_day)},
                                   {"title", c.summary},
                                   {"description", c.description},
                                   {"location", c.location}});
  for (std::int64_t ms : d.cancelled) cancelled.push_back(json::value(format_iso8601(ms)));
  j["changed_occurrences"] = std::move(changed);
  j["cancelled_occurrences"] = std::move(cancelled);
  j["created_by"] = o.created_by;
  j["created_at"] = format_iso8601(o.created_at_ms);
  j["updated_at"] = format_iso8601(o.updated_at_ms);
  j["version"] = o.seq;
  j["subscription_id"] = subscription_json(o);
  if (o.reminders) {
    json::array minutes;
    for (int m : *o.reminders) minutes.push_back(json::value(m));
    j["reminders"] = std::move(minutes);
  }
  return j;
}

json::object occurrence_json(const Object& o, const dav::Instance& i,
                             const std::optional<std::string>& partstat) {
  json::object j;
  j["event_id"] = o.id.str();
  auto ws = workspace_of(o.collection_id);
  j["workspace_id"] = ws ? json::value(ws->str()) : json::value(nullptr);
  j["kind"] = kind_json(o.info.kind);
  j["title"] = i.summary;
  j["location"] = i.location;
  j["start"] = bounded_time(i.start_ms, i.all_day);
  j["end"] = bounded_time(i.end_ms, i.all_day);
  j["all_day"] = i.all_day;
  j["recurring"] = o.info.recurring;
  j["recurrence_id"] =
      i.recurrence_ms ? json::value(format_iso8601(*i.recurrence_ms)) : json::value(nullptr);
  j["partstat"] = partstat ? json::value(partstat_json(*partstat)) : json::value(nullptr);
  j["subscription_id"] = subscription_json(o);
  return j;
}

void BusySpans::add(std::int64_t start_ms, std::int64_t end_ms) {
  if (end_ms <= start_ms) return;
  spans_.emplace_back(start_ms, end_ms);
  if (spans_.size() >= 2 * max_) merge();
}

void BusySpans::merge() {
  std::sort(spans_.begin(), spans_.end());
  std::size_t n = 0;
  for (const auto& s : spans_) {
    if (n > 0 && s.first <= spans_[n - 1].second)
      spans_[n - 1].second = std::max(spans_[n - 1].second, s.second);
    else
      spans_[n++] = s;
  }
  spans_.resize(n);
  if (n <= max_) return;
  // Close the n - max shortest gaps: those shorter than the longest of
  // them, and as many as it takes of those as long, earliest first.
  std::vector<std::int64_t> gaps;
  gaps.reserve(n - 1);
  for (std::size_t i = 1; i < n; ++i) gaps.push_back(spans_[i].first - spans_[i - 1].second);
  auto nth = gaps.begin() + static_cast<std::ptrdiff_t>(n - max_ - 1);
  std::nth_element(gaps.begin(), nth, gaps.end());
  const std::int64_t longest = *nth;
  std::size_t ties = n - max_;
  for (std::int64_t g : gaps) ties -= g < longest ? 1 : 0;
  std::size_t m = 1;
  for (std::size_t i = 1; i < n; ++i) {
    const std::int64_t gap = spans_[i].first - spans_[m - 1].second;
    bool close = gap < longest;
    if (gap == longest && ties > 0) {
      close = true;
      --ties;
    }
    if (close)
      spans_[m - 1].second = spans_[i].second;
    else
      spans_[m++] = spans_[i];
  }
  spans_.resize(m);
}

std::vector<std::pair<std::int64_t, std::int64_t>> BusySpans::take() && {
  merge();
  return std::move(spans_);
}

}  // namespace ruche::calendar
