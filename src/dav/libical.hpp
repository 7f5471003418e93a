// What the files of src/dav that read iCalendar with libical share: owning
// pointers, its strings taken over, and its children and properties
// collected before use (libical keeps one iterator per component, which any
// nested lookup would move). Internal to src/dav.
#pragma once

#include <libical/ical.h>

#include <memory>
#include <string>
#include <vector>

namespace ruche::dav {

struct CompFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using CompPtr = std::unique_ptr<icalcomponent, CompFree>;

// A string libical allocated for the caller, as a std::string (freed).
inline std::string take_string(char* s) {
  std::string out = s ? s : "";
  if (s) icalmemory_free_buffer(s);
  return out;
}

// The component's properties of `kind` (ICAL_ANY_PROPERTY: all).
inline std::vector<icalproperty*> all_props(icalcomponent* c, icalproperty_kind kind) {
  std::vector<icalproperty*> out;
  for (icalproperty* p = icalcomponent_get_first_property(c, kind); p;
       p = icalcomponent_get_next_property(c, kind))
    out.push_back(p);
  return out;
}

// The component's direct children of `kind` (ICAL_ANY_COMPONENT: all).
inline std::vector<icalcomponent*> all_components(icalcomponent* c, icalcomponent_kind kind) {
  std::vector<icalcomponent*> out;
  for (icalcomponent* k = icalcomponent_get_first_component(c, kind); k;
       k = icalcomponent_get_next_component(c, kind))
    out.push_back(k);
  return out;
}

// An event, a to-do or a journal entry: what a calendar object holds.
inline bool is_kind(icalcomponent* c) {
  const auto k = icalcomponent_isa(c);
  return k == ICAL_VEVENT_COMPONENT || k == ICAL_VTODO_COMPONENT || k == ICAL_VJOURNAL_COMPONENT;
}

}  // namespace ruche::dav
