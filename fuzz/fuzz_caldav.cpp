// CalDAV REPORT bodies (SECURITY.md IO-2, REL-3): a calendar-query's filter
// run against an iCalendar object, as the calendar module's report() does,
// and the UTC times of its attributes. The input is split at its first NUL
// byte: before it an XML body, whose root's CALDAV:filter child is parsed
// as a filter; after it an object, which the filter is matched against;
// with a CALDAV:expand (DAV:prop, calendar-data) of a start and an end in
// order, an object that matches is also written out expanded. Invariants:
// no crash and no endless loop (the replay has a time limit); a parsed
// filter keeps its bounds (64 comp-filters and prop-filters, text-matches
// of 1,024 bytes, comp-filters 5 deep, names upper case, time-ranges in
// order and only on VEVENT, VTODO and VJOURNAL, VCALENDAR at the top);
// matching gives the same answer twice; a filter without its text-matches
// and time-ranges matches whatever it matched; a text-match and its
// negation together match what the filter without it matches; a top
// comp-filter with is-not-defined matches nothing, nor does one with an
// is-not-defined comp-filter of the object's own kind; a UTC time read from
// an attribute is a whole second and, before the year 10000, formats back
// to itself (to the next minute's start for a leap second, 60).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dav/ical.hpp"
#include "dav/ical_object.hpp"
#include "dav/xml.hpp"

using namespace ruche::dav;

namespace {

constexpr std::int64_t kYear10000 = 253'402'300'800'000;  // 10000-01-01T00:00:00Z

void check_utc(std::string_view text) {
  const auto ms = parse_ical_utc(text);
  if (!ms) return;
  if (*ms % 1000 != 0) __builtin_trap();
  // ical_utc writes four-digit years: 99991231T235960Z is the year 10000.
  if (*ms >= kYear10000) return;
  const std::string back = ical_utc(*ms);
  if (parse_ical_utc(back) != ms) __builtin_trap();
  if (text.substr(13, 2) != "60" && back != text) __builtin_trap();
}

void check_utcs(const XmlElement& e) {
  for (const auto& a : e.attrs) check_utc(a.second);
  for (const auto& c : e.children) check_utcs(c);
}

bool has_upper_case_only(const std::string& name) {
  for (char ch : name)
    if (ch >= 'a' && ch <= 'z') return false;
  return !name.empty();
}

bool ordered(const std::optional<TimeRange>& r) {
  return !r || r->start_ms < r->end_ms;
}

// The parts of `f` (comp-filters and prop-filters), bounds checked.
int parts_of(const CompFilter& f, int depth) {
  if (depth > 4 || !has_upper_case_only(f.name) || !ordered(f.time_range)) __builtin_trap();
  if (f.time_range && f.name != "VEVENT" && f.name != "VTODO" && f.name != "VJOURNAL")
    __builtin_trap();
  int n = 1;
  for (const PropFilter& p : f.props) {
    if (!has_upper_case_only(p.name) || !ordered(p.time_range)) __builtin_trap();
    if (p.text_match && p.text_match->text.size() > 1024) __builtin_trap();
    ++n;
  }
  for (const CompFilter& c : f.comps) n += parts_of(c, depth + 1);
  return n;
}

// `f` without its text-matches and time-ranges: weaker or the same.
void strip(CompFilter& f) {
  f.time_range.reset();
  for (PropFilter& p : f.props) {
    p.text_match.reset();
    p.time_range.reset();
  }
  for (CompFilter& c : f.comps) strip(c);
}

// The first text-match of `f`, depth first, or null.
std::optional<TextMatch>* first_text_match(CompFilter& f) {
  for (PropFilter& p : f.props)
    if (p.text_match) return &p.text_match;
  for (CompFilter& c : f.comps)
    if (auto* t = first_text_match(c)) return t;
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = in.find('\0');
  const std::string_view xml = in.substr(0, nul);
  const std::string_view ics =
      nul == std::string_view::npos ? std::string_view{} : in.substr(nul + 1);
  auto body = parse_xml(xml);
  if (!body) return 0;
  check_utcs(*body);
  const XmlElement* element = body->child(kCalDavNs, "filter");
  if (!element) return 0;
  auto parsed = parse_filter(*element);
  if (!parsed) return 0;
  const CompFilter& f = *parsed;
  if (f.name != "VCALENDAR" || parts_of(f, 0) > 64) __builtin_trap();

  const bool match = matches(ics, f);
  if (matches(ics, f) != match) __builtin_trap();
  if (f.is_not_defined && match) __builtin_trap();
  if (match) {
    CompFilter weaker = f;
    strip(weaker);
    if (!matches(ics, weaker)) __builtin_trap();
  }
  // Each property tested passes either the first text-match or its negation.
  CompFilter negated = f;
  if (auto* t = first_text_match(negated)) {
    (*t)->negate = !(*t)->negate;
    CompFilter without = f;
    first_text_match(without)->reset();
    if ((match || matches(ics, negated)) != matches(ics, without)) __builtin_trap();
  }
  if (auto info = inspect(ics); info && match)
    for (const CompFilter& c : f.comps)
      if (c.is_not_defined && c.name == component_name(info->kind)) __builtin_trap();

  // CALDAV:expand, as report() reads it (expand_of) for the objects that match.
  const XmlElement* prop = body->child("DAV:", "prop");
  const XmlElement* cal = prop ? prop->child(kCalDavNs, "calendar-data") : nullptr;
  const XmlElement* expand = cal ? cal->child(kCalDavNs, "expand") : nullptr;
  if (expand && match) {
    std::optional<std::int64_t> start, end;
    for (const auto& [name, value] : expand->attrs) {
      if (name == "start") start = parse_ical_utc(value);
      if (name == "end") end = parse_ical_utc(value);
    }
    if (start && end && *end > *start) (void)expand_object(ics, *start, *end);
  }
  return 0;
}
