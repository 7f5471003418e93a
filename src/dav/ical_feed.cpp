#include "dav/ical_feed.hpp"

#include <map>
#include <memory>
#include <set>

#include "base/fnv.hpp"
#include "dav/libical.hpp"

namespace ruche::dav {
namespace {

// The TZIDs `c` and its subcomponents name.
void zones_named(icalcomponent* c, std::set<std::string>& out) {
  for (icalproperty* p : all_props(c, ICAL_ANY_PROPERTY))
    for (icalparameter* z = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER); z;
         z = icalproperty_get_next_parameter(p, ICAL_TZID_PARAMETER))
      if (const char* id = icalparameter_get_tzid(z)) out.insert(id);
  for (icalcomponent* k : all_components(c, ICAL_ANY_COMPONENT)) zones_named(k, out);
}

// A stable UID for a component without one: a digest of its text.
std::string derived_uid(icalcomponent* c) {
  return "feed-" + fnv_hex(fnv1a(take_string(icalcomponent_as_ical_string_r(c)))) + "@ruche";
}

std::optional<std::int64_t> duration_ms(const char* text) {
  if (!text) return std::nullopt;
  const icaldurationtype d = icaldurationtype_from_string(text);
  if (icaldurationtype_is_bad_duration(d) || d.is_neg) return std::nullopt;
  const int seconds = icaldurationtype_as_int(d);
  if (seconds <= 0) return std::nullopt;
  return static_cast<std::int64_t>(seconds) * 1000;
}

}  // namespace

Result<Feed> split_feed(std::string_view ics, std::size_t max_objects, bool keep_alarms) {
  if (ics.substr(0, 3) == "\xEF\xBB\xBF") ics.remove_prefix(3);
  if (ics.find('\0') != std::string_view::npos)
    return fail(Errc::invalid, "not an iCalendar feed", "invalid_feed");
  const std::string text(ics);
  CompPtr root(icalparser_parse_string(text.c_str()));
  if (!root) return fail(Errc::invalid, "not an iCalendar feed", "invalid_feed");
  // Several VCALENDARs one after the other come as one XROOT holding them.
  std::vector<icalcomponent*> calendars;
  if (icalcomponent_isa(root.get()) == ICAL_VCALENDAR_COMPONENT)
    calendars.push_back(root.get());
  else if (icalcomponent_isa(root.get()) == ICAL_XROOT_COMPONENT)
    calendars = all_components(root.get(), ICAL_VCALENDAR_COMPONENT);
  if (calendars.empty()) return fail(Errc::invalid, "not an iCalendar feed", "invalid_feed");

  Feed feed;
  std::string prodid = "-//Ruche//Subscription//EN";
  std::map<std::string, icalcomponent*> zones;
  std::map<std::string, std::size_t> group_of;  // UID -> index in groups
  std::vector<std::vector<icalcomponent*>> groups;
  for (icalcomponent* cal : calendars) {
    for (icalproperty* p : all_props(cal, ICAL_ANY_PROPERTY)) {
      const char* name = icalproperty_get_property_name(p);
      const char* value = icalproperty_get_value_as_string(p);
      if (!name || !value) continue;
      const std::string_view n(name);
      if ((n == "X-WR-CALNAME" || n == "NAME") && feed.name.empty()) feed.name = value;
      if ((n == "REFRESH-INTERVAL" || n == "X-PUBLISHED-TTL") && !feed.refresh_ms)
        feed.refresh_ms = duration_ms(value);
      if (n == "PRODID") prodid = value;
    }
    for (icalcomponent* tz : all_components(cal, ICAL_VTIMEZONE_COMPONENT)) {
      icalproperty* id = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
      if (id && icalproperty_get_tzid(id)) zones.emplace(icalproperty_get_tzid(id), tz);
    }
    for (icalcomponent* c : all_components(cal, ICAL_ANY_COMPONENT)) {
      if (!is_kind(c)) continue;
      icalproperty* uid = icalcomponent_get_first_property(c, ICAL_UID_PROPERTY);
      const char* value = uid ? icalproperty_get_uid(uid) : nullptr;
      std::string key = value && *value ? value : derived_uid(c);
      auto [it, fresh] = group_of.emplace(key, groups.size());
      if (fresh) {
        if (groups.size() == max_objects)
          return fail(Errc::too_large,
                      "the feed holds more than " + std::to_string(max_objects) + " events",
                      "feed_too_large");
        groups.emplace_back();
        feed.objects.push_back({std::move(key), {}});
      }
      groups[it->second].push_back(c);
    }
  }
  for (std::size_t i = 0; i < groups.size(); ++i) {
    CompPtr out(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
    icalcomponent_add_property(out.get(), icalproperty_new_version("2.0"));
    icalcomponent_add_property(out.get(), icalproperty_new_prodid(prodid.c_str()));
    std::set<std::string> named;
    for (icalcomponent* c : groups[i]) zones_named(c, named);
    for (const auto& id : named)
      if (auto z = zones.find(id); z != zones.end())
        icalcomponent_add_component(out.get(), icalcomponent_new_clone(z->second));
    for (icalcomponent* c : groups[i]) {
      icalcomponent* copy = icalcomponent_new_clone(c);
      for (icalcomponent* alarm :
           keep_alarms ? std::vector<icalcomponent*>{} : all_components(copy, ICAL_VALARM_COMPONENT)) {
        icalcomponent_remove_component(copy, alarm);
        icalcomponent_free(alarm);
      }
      if (!icalcomponent_get_first_property(copy, ICAL_UID_PROPERTY))
        icalcomponent_add_property(copy, icalproperty_new_uid(feed.objects[i].uid.c_str()));
      icalcomponent_add_component(out.get(), copy);
    }
    feed.objects[i].ics = take_string(icalcomponent_as_ical_string_r(out.get()));
  }
  return feed;
}

}  // namespace ruche::dav
