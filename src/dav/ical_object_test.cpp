#include "dav/ical_object.hpp"

#include <gtest/gtest.h>

#include "base/clock.hpp"

namespace ruche::dav {
namespace {

std::int64_t at(std::string_view iso) {
  std::int64_t ms = 0;
  EXPECT_TRUE(parse_iso8601(iso, ms)) << iso;
  return ms;
}

// A VCALENDAR around `body` (CRLF lines).
std::string cal(std::string_view body) {
  std::string out = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n";
  std::string_view rest = body;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    out += rest.substr(0, nl);
    out += "\r\n";
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return out + "END:VCALENDAR\r\n";
}

std::string event(std::string_view uid, std::string_view lines) {
  return "BEGIN:VEVENT\nUID:" + std::string(uid) + "\nDTSTAMP:20260101T000000Z\n" +
         std::string(lines) + "\nEND:VEVENT";
}

constexpr std::int64_t kHour = 3'600'000;

// A weekly meeting at 10:00 in Paris from 1 March 2027, four times, Ann
// organizing, Zoé and Max invited.
EventEdit weekly_in_paris() {
  EventEdit make;
  make.title = "Weekly";
  make.start_ms = at("2027-03-01T09:00:00Z");
  make.end_ms = at("2027-03-01T10:00:00Z");
  make.timezone = "Europe/Paris";
  make.rrule = "FREQ=WEEKLY;COUNT=4";
  make.attendees =
      std::vector<Participant>{{"zoe@example.org", "Zoé", ""}, {"max@example.org", "", ""}};
  make.organizer = Participant{"ann@example.org", "Ann", ""};
  return make;
}

// An error's reason, or "ok".
template <typename T>
std::string reason(const Result<T>& r) {
  return r ? "ok" : r.error().reason;
}

TEST(IcalObject, InspectReadsTheIndexOfASimpleEvent) {
  auto info = inspect(
      cal(event("a", "DTSTART:20261201T100000Z\nDTEND:20261201T113000Z\nSUMMARY:Revue\\, budget")));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->kind, ComponentKind::vevent);
  EXPECT_EQ(info->uid, "a");
  EXPECT_EQ(info->summary, "Revue, budget");
  EXPECT_EQ(info->start_ms, at("2026-12-01T10:00:00Z"));
  EXPECT_EQ(info->end_ms, at("2026-12-01T11:30:00Z"));
  EXPECT_FALSE(info->recurring);
  EXPECT_FALSE(info->all_day);
  EXPECT_EQ(info->own_start_ms, info->start_ms);
}

TEST(IcalObject, InspectKeepsTheTextsSingleInstancesHaveOfTheirOwn) {
  const std::string series =
      event("w", "DTSTART:20261201T100000Z\nRRULE:FREQ=WEEKLY\nSUMMARY:Revue\nLOCATION:Salle 2");
  auto over = [](std::string_view day, std::string_view lines) {
    return "\n" +
           event("w", "RECURRENCE-ID:202612" + std::string(day) + "T100000Z\nDTSTART:202612" +
                          std::string(day) + "T140000Z\n" + std::string(lines));
  };
  // Their own title, place and description, each once; the series' not.
  auto info = inspect(cal(series + over("08", "SUMMARY:Revue avancée\nLOCATION:Salle 2") +
                          over("15", "SUMMARY:Revue avancée\nDESCRIPTION:Budget\\, audit") +
                          over("22", "SUMMARY:Revue\nLOCATION:Amphithéâtre")));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->summary, "Revue");
  EXPECT_EQ(info->texts_apart, "Revue avancée\nBudget, audit\nAmphithéâtre");
  EXPECT_EQ(inspect(cal(series))->texts_apart, "");
}

TEST(IcalObject, ZonedDatesAllDayAndDurations) {
  // Paris is UTC+1 in December: 10:00 there is 09:00Z.
  auto paris = inspect(cal(event("p", "DTSTART;TZID=Europe/Paris:20261201T100000\nDURATION:PT2H")));
  ASSERT_TRUE(paris);
  EXPECT_EQ(paris->start_ms, at("2026-12-01T09:00:00Z"));
  EXPECT_EQ(paris->end_ms, at("2026-12-01T11:00:00Z"));
  auto day = inspect(cal(event("d", "DTSTART;VALUE=DATE:20261224")));
  ASSERT_TRUE(day);
  EXPECT_TRUE(day->all_day);
  EXPECT_EQ(day->start_ms, at("2026-12-24"));
  EXPECT_EQ(day->end_ms, at("2026-12-25"));
}

TEST(IcalObject, RecurrenceBoundsTheSpan) {
  auto counted = inspect(cal(
      event("c", "DTSTART:20261201T100000Z\nDTEND:20261201T110000Z\nRRULE:FREQ=DAILY;COUNT=3")));
  ASSERT_TRUE(counted);
  EXPECT_TRUE(counted->recurring);
  EXPECT_EQ(counted->end_ms, at("2026-12-03T11:00:00Z"));
  auto forever = inspect(cal(event("f", "DTSTART:20261201T100000Z\nRRULE:FREQ=WEEKLY")));
  ASSERT_TRUE(forever);
  EXPECT_EQ(forever->end_ms, kForever);
  auto until =
      inspect(cal(event("u", "DTSTART:20261201T100000Z\nRRULE:FREQ=DAILY;UNTIL=20261210T100000Z")));
  ASSERT_TRUE(until);
  EXPECT_GE(until->end_ms, at("2026-12-10T10:00:00Z"));
  EXPECT_LT(until->end_ms, kForever);
  // A to-do without dates covers all time.
  auto todo = inspect(cal("BEGIN:VTODO\nUID:t\nDTSTAMP:20260101T000000Z\nSUMMARY:x\nEND:VTODO"));
  ASSERT_TRUE(todo);
  EXPECT_EQ(todo->kind, ComponentKind::vtodo);
  EXPECT_LT(todo->start_ms, 0);
  EXPECT_EQ(todo->end_ms, kForever);
}

TEST(IcalObject, InspectRefusesWhatIsNotOneCalendarObject) {
  auto code = [](std::string_view text) {
    auto r = inspect(text);
    return r ? std::string("ok") : r.error().reason;
  };
  EXPECT_EQ(code("hello"), "valid-calendar-data");
  EXPECT_EQ(code(""), "valid-calendar-data");
  EXPECT_EQ(code(cal(event("a", "DTSTART:20261345T100000Z"))), "valid-calendar-data");
  EXPECT_EQ(code(cal(event("a", "DTSTART:20261201T100000Z\nRRULE:COUNT=3"))),
            "valid-calendar-data");
  EXPECT_EQ(code(cal("METHOD:REQUEST\n" + event("a", "DTSTART:20261201T100000Z"))),
            "valid-calendar-object-resource");
  EXPECT_EQ(code(cal(event("a", "DTSTART:20261201T100000Z") + "\n" +
                     event("b", "DTSTART:20261201T100000Z"))),
            "valid-calendar-object-resource");
  EXPECT_EQ(code(cal("BEGIN:VEVENT\nDTSTART:20261201T100000Z\nEND:VEVENT")),
            "valid-calendar-object-resource");
  EXPECT_EQ(code(cal("BEGIN:VFREEBUSY\nUID:a\nDTSTAMP:20260101T000000Z\nEND:VFREEBUSY")),
            "supported-calendar-component");
  EXPECT_EQ(code(cal(event("a", "DESCRIPTION:" + std::string(kMaxObjectBytes, 'x')))),
            "valid-calendar-data");
  EXPECT_EQ(code(cal(event("a", "DTSTART:20261201T100000Z"))), "ok");
}

TEST(IcalObject, ExpandHonoursExdatesAndOverrides) {
  const std::string ics =
      cal(event("w",
                "DTSTART:20261201T100000Z\nDTEND:20261201T110000Z\nSUMMARY:Point\n"
                "RRULE:FREQ=WEEKLY;COUNT=4\nEXDATE:20261208T100000Z") +
          "\n" +
          event("w",
                "RECURRENCE-ID:20261215T100000Z\nDTSTART:20261215T140000Z\n"
                "DTEND:20261215T150000Z\nSUMMARY:Point (moved)\nTRANSP:TRANSPARENT"));
  ASSERT_TRUE(inspect(ics));
  auto all = expand(ics, at("2026-11-01"), at("2027-01-01"), 100);
  ASSERT_EQ(all.size(), 3u);
  // The moved one takes no time; the others do.
  EXPECT_EQ(std::vector<bool>({all[0].free, all[1].free, all[2].free}),
            std::vector<bool>({false, true, false}));
  EXPECT_EQ(all[0].start_ms, at("2026-12-01T10:00:00Z"));
  EXPECT_EQ(all[1].start_ms, at("2026-12-15T14:00:00Z"));
  EXPECT_EQ(all[1].summary, "Point (moved)");
  EXPECT_EQ(all[1].recurrence_ms, at("2026-12-15T10:00:00Z"));
  EXPECT_EQ(all[2].start_ms, at("2026-12-22T10:00:00Z"));
  // A range holding only the excluded instance holds nothing.
  EXPECT_TRUE(expand(ics, at("2026-12-08"), at("2026-12-09"), 100).empty());
  EXPECT_EQ(expand(ics, at("2026-11-01"), at("2027-01-01"), 2).size(), 2u);
  // An override calling its instance off removes it, as an EXDATE does.
  const std::string off = cal(event("w",
                                    "DTSTART:20261201T100000Z\nDTEND:20261201T110000Z\n"
                                    "RRULE:FREQ=WEEKLY;COUNT=2") +
                              "\n" +
                              event("w",
                                    "RECURRENCE-ID:20261208T100000Z\nDTSTART:20261208T100000Z\n"
                                    "DTEND:20261208T110000Z\nSTATUS:CANCELLED"));
  ASSERT_TRUE(inspect(off));
  EXPECT_EQ(expand(off, at("2026-11-01"), at("2027-01-01"), 100).size(), 1u);
  EXPECT_EQ(details(off).cancelled, std::vector<std::int64_t>{at("2026-12-08T10:00:00Z")});
  EXPECT_TRUE(details(off).changed.empty());
}

TEST(IcalObject, ExpandKeepsTheLocalHourAcrossDaylightSaving) {
  const std::string ics = cal(event("z",
                                    "DTSTART;TZID=Europe/Paris:20260302T100000\nDURATION:PT1H\n"
                                    "RRULE:FREQ=WEEKLY;BYDAY=MO"));
  auto weeks = expand(ics, at("2026-03-20"), at("2026-04-07"), 10);
  ASSERT_EQ(weeks.size(), 3u);
  EXPECT_EQ(weeks[0].start_ms, at("2026-03-23T09:00:00Z"));  // winter: UTC+1
  EXPECT_EQ(weeks[1].start_ms, at("2026-03-30T08:00:00Z"));  // summer: UTC+2
  EXPECT_EQ(weeks[2].end_ms - weeks[2].start_ms, kHour);
}

TEST(IcalObject, ExpandSkipsAheadAndIsBounded) {
  const std::string daily = cal(event("d", "DTSTART:20000101T080000Z\nRRULE:FREQ=DAILY"));
  auto far = expand(daily, at("2090-06-01"), at("2090-06-04"), 10);
  ASSERT_EQ(far.size(), 3u);
  EXPECT_EQ(far[0].start_ms, at("2090-06-01T08:00:00Z"));
  // Every second from 2026 on, asked for a year from its start: at most
  // kMaxRecurrenceSteps instances are walked, and the call returns.
  const std::string secondly =
      cal(event("s", "DTSTART:20260101T000000Z\nRRULE:FREQ=SECONDLY;COUNT=100000000"));
  auto info = inspect(secondly);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->end_ms, kForever);  // the walk was cut: counted as endless
  auto some = expand(secondly, at("2026-01-01"), at("2027-01-01"), 1'000'000);
  EXPECT_LE(some.size(), static_cast<std::size_t>(kMaxRecurrenceSteps));
  EXPECT_GT(some.size(), 1000u);
}

// A rule no day matches (February 30th) is scanned no further than the walk
// needs: libical alone would test each day to the year 2582 (0.6 s) for
// every expansion of it. Walked for its last instance, it is cut 60 years
// on and counted endless; a rare day near a range's end is still found.
TEST(IcalObject, ARuleNoDayMatchesIsScannedOnlyAsFarAsTheWalk) {
  const std::string never =
      cal(event("n", "DTSTART:20270101T090000Z\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"));
  EXPECT_TRUE(expand(never, at("2027-01-02"), at("2028-01-01"), 10).empty());
  auto counted = inspect(cal(
      event("c", "DTSTART:20270101T090000Z\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=3")));
  ASSERT_TRUE(counted);
  EXPECT_EQ(counted->end_ms, kForever);
  const std::string leap = cal(event("l",
                                     "DTSTART:20270101T090000\nDTEND:20270101T100000\n"
                                     "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29"));
  auto found = expand(leap, at("2028-02-29"), at("2028-02-29T09:00:01Z"), 10);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].start_ms, at("2028-02-29T09:00:00Z"));
  // A COUNT that ends within the horizon still bounds the span.
  auto leaps = inspect(cal(event("k",
                                 "DTSTART:20270101T090000Z\nDTEND:20270101T100000Z\n"
                                 "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=2")));
  ASSERT_TRUE(leaps);
  EXPECT_EQ(leaps->end_ms, at("2032-02-29T10:00:00Z"));
}

Result<CompFilter> filter(std::string_view inner) {
  auto doc = parse_xml("<C:filter xmlns:C=\"urn:ietf:params:xml:ns:caldav\">" + std::string(inner) +
                       "</C:filter>");
  if (!doc) return tl::unexpected(doc.error());
  return parse_filter(*doc);
}

TEST(IcalObject, FiltersMatchTimeRangesPropertiesAndText) {
  const std::string weekly = cal(event("w",
                                       "DTSTART:20261201T100000Z\nDTEND:20261201T110000Z\n"
                                       "SUMMARY:Comité de Pilotage\nRRULE:FREQ=WEEKLY;COUNT=3"));
  const std::string todo =
      cal("BEGIN:VTODO\nUID:t\nDTSTAMP:20260101T000000Z\nSUMMARY:Relire\nEND:VTODO");
  auto in_range = filter(
      "<C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">"
      "<C:time-range start=\"20261215T000000Z\" "
      "end=\"20261216T000000Z\"/></C:comp-filter></C:comp-filter>");
  ASSERT_TRUE(in_range) << in_range.error().message;
  EXPECT_TRUE(matches(weekly, *in_range));  // the third instance
  EXPECT_FALSE(matches(todo, *in_range));
  auto later = filter(
      "<C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">"
      "<C:time-range start=\"20261216T000000Z\"/></C:comp-filter></C:comp-filter>");
  ASSERT_TRUE(later);
  EXPECT_FALSE(matches(weekly, *later));
  auto open_todos = filter(
      "<C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VTODO\">"
      "<C:prop-filter "
      "name=\"COMPLETED\"><C:is-not-defined/></C:prop-filter></C:comp-filter></C:comp-filter>");
  ASSERT_TRUE(open_todos);
  EXPECT_TRUE(matches(todo, *open_todos));
  EXPECT_FALSE(matches(weekly, *open_todos));
  auto text = filter(
      "<C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\"><C:prop-filter "
      "name=\"SUMMARY\">"
      "<C:text-match>comité DE</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>");
  ASSERT_TRUE(text);
  EXPECT_TRUE(matches(weekly, *text));  // ASCII letters fold; "é" matches itself
  auto negated = filter(
      "<C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\"><C:prop-filter "
      "name=\"SUMMARY\">"
      "<C:text-match "
      "negate-condition=\"yes\">pilotage</C:text-match></C:prop-filter></C:comp-filter></"
      "C:comp-filter>");
  ASSERT_TRUE(negated);
  EXPECT_FALSE(matches(weekly, *negated));

  EXPECT_EQ(filter("<C:comp-filter name=\"VEVENT\"/>").error().reason, "valid-filter");
  EXPECT_EQ(filter("<C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\"><C:time-range "
                   "start=\"2026\"/>"
                   "</C:comp-filter></C:comp-filter>")
                .error()
                .reason,
            "valid-filter");
  EXPECT_EQ(filter("<C:comp-filter name=\"VCALENDAR\"><C:comp-filter "
                   "name=\"VEVENT\"><C:prop-filter name=\"X\">"
                   "<C:param-filter name=\"Y\"/></C:prop-filter></C:comp-filter></C:comp-filter>")
                .error()
                .reason,
            "supported-filter");
}

TEST(IcalObject, WriteEventMakesAndEditsEvents) {
  EventEdit make;
  make.title = "Réunion; d'équipe";
  make.start_ms = at("2026-12-07T09:00:00Z");
  make.end_ms = at("2026-12-07T10:00:00Z");
  make.timezone = "Europe/Paris";
  make.rrule = "FREQ=WEEKLY;COUNT=5";
  auto made = write_event(std::nullopt, "uid-1", make, at("2026-12-01T00:00:00Z"));
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_NE(made->find("DTSTART;TZID=Europe/Paris:20261207T100000"), std::string::npos) << *made;
  EXPECT_NE(made->find("BEGIN:VTIMEZONE"), std::string::npos);
  auto info = inspect(*made);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->summary, "Réunion; d'équipe");
  EXPECT_EQ(info->own_start_ms, make.start_ms);
  EXPECT_TRUE(info->recurring);
  EXPECT_EQ(event_extras(*made).rrule, "FREQ=WEEKLY;COUNT=5");
  EXPECT_EQ(event_extras(*made).timezone, "Europe/Paris");

  // An edit keeps what it does not name: a client's alarm, its own property.
  std::string theirs = cal(event("x",
                                 "DTSTART:20261201T100000Z\nDTEND:20261201T110000Z\nSUMMARY:a\n"
                                 "X-CLIENT-THING:kept\nSEQUENCE:4\nBEGIN:VALARM\nACTION:DISPLAY\n"
                                 "DESCRIPTION:r\nTRIGGER:-PT15M\nEND:VALARM"));
  EventEdit rename;
  rename.title = "b";
  rename.start_ms = at("2026-12-02T10:00:00Z");  // the length (1 h) stays
  auto edited = write_event(theirs, "x", rename, at("2026-12-01T00:00:00Z"));
  ASSERT_TRUE(edited) << edited.error().message;
  EXPECT_NE(edited->find("X-CLIENT-THING:kept"), std::string::npos);
  EXPECT_NE(edited->find("BEGIN:VALARM"), std::string::npos);
  EXPECT_NE(edited->find("SEQUENCE:5"), std::string::npos);
  auto after = inspect(*edited);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->summary, "b");
  EXPECT_EQ(after->own_end_ms, at("2026-12-02T11:00:00Z"));

  auto code = [&](EventEdit e) {
    auto r = write_event(std::nullopt, "u", e, 0);
    return r ? std::string("ok") : r.error().reason;
  };
  EventEdit bad = make;
  bad.rrule = "FREQ=SOMETIMES";
  EXPECT_EQ(code(bad), "invalid_rrule");
  bad = make;
  bad.timezone = "Mars/Olympus";
  EXPECT_EQ(code(bad), "invalid_timezone");
  bad = make;
  bad.end_ms = *make.start_ms - 1;
  EXPECT_EQ(code(bad), "invalid_time");
  bad = make;
  bad.all_day = true;  // instants, not dates
  EXPECT_EQ(code(bad), "invalid_time");
  bad = make;
  bad.title.reset();
  EXPECT_EQ(code(bad), "invalid_event");
  EXPECT_EQ(
      write_event(cal("BEGIN:VTODO\nUID:t\nDTSTAMP:20260101T000000Z\nEND:VTODO"), "t", rename, 0)
          .error()
          .reason,
      "invalid_event");
}

TEST(IcalObject, MergeKeepsEachZoneOnce) {
  EventEdit e;
  e.title = "a";
  e.start_ms = at("2026-12-07T09:00:00Z");
  e.end_ms = at("2026-12-07T10:00:00Z");
  e.timezone = "Europe/Paris";
  auto one = write_event(std::nullopt, "1", e, 0);
  auto two = write_event(std::nullopt, "2", e, 0);
  ASSERT_TRUE(one && two);
  const std::string merged = merge_objects({*one, *two, "not a calendar"}, "-//t//EN");
  auto count = [&](std::string_view what) {
    std::size_t n = 0;
    for (auto at = merged.find(what); at != std::string::npos; at = merged.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("BEGIN:VEVENT"), 2u);
  EXPECT_EQ(count("BEGIN:VTIMEZONE"), 1u);
  EXPECT_EQ(count("BEGIN:VCALENDAR"), 1u);
}

// A Thunderbird-like to-do: mapped properties, and others to keep as sent.
constexpr std::string_view kTodo =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n"
    "X-WR-CALNAME:Tâches\r\n"
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    "BEGIN:VTODO\r\nCREATED:20270101T000000Z\r\nLAST-MODIFIED:20270102T000000Z\r\n"
    "DTSTAMP:20270102T000000Z\r\nUID:f00d-1\r\nSUMMARY:Relire\\, puis envoyer\r\n"
    "DESCRIPTION:ligne 1\\nligne 2\r\nDUE;TZID=Europe/Paris:20270105T170000\r\n"
    "DTSTART;TZID=Europe/Paris:20270104T090000\r\nSTATUS:IN-PROCESS\r\nPERCENT-COMPLETE:40\r\n"
    "CATEGORIES:doc,urgent\r\nCATEGORIES:revue\r\nPRIORITY:1\r\n"
    "RELATED-TO;RELTYPE=\"DEPENDS-ON\":other-uid\r\nRELATED-TO:parent-uid\r\n"
    "X-MOZ-GENERATION:3\r\nX-LONG:"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
    " bbbb\r\nGEO:48.85;2.35\r\nURL:https://example.org/a\r\n"
    "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:bientôt\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
    "END:VTODO\r\nEND:VCALENDAR\r\n";

TEST(IcalObject, ATodoIsReadIntoFieldsAndExtrasKeptAsSent) {
  auto f = read_todo(kTodo);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->uid, "f00d-1");
  EXPECT_EQ(f->summary, "Relire, puis envoyer");
  EXPECT_EQ(f->description, "ligne 1\nligne 2");
  // 17:00 in Paris in January is 16:00Z.
  EXPECT_EQ(f->due_ms, at("2027-01-05T16:00:00Z"));
  EXPECT_FALSE(f->due_is_date);
  EXPECT_EQ(f->status, "IN-PROCESS");
  EXPECT_EQ(f->percent_complete, 40);
  EXPECT_FALSE(f->has_completed);
  EXPECT_EQ(f->categories, (std::vector<std::string>{"doc", "urgent", "revue"}));
  ASSERT_EQ(f->depends_on.size(), 1u);
  EXPECT_EQ(f->depends_on[0].uid, "other-uid");
  EXPECT_EQ(f->depends_on[0].line, "RELATED-TO;RELTYPE=\"DEPENDS-ON\":other-uid\r\n");
  EXPECT_EQ(f->todo_extra,
            "DTSTART;TZID=Europe/Paris:20270104T090000\r\nPRIORITY:1\r\n"
            "RELATED-TO:parent-uid\r\nX-MOZ-GENERATION:3\r\n"
            "X-LONG:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
            " bbbb\r\nGEO:48.85;2.35\r\nURL:https://example.org/a\r\n"
            "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:bientôt\r\nTRIGGER:-PT15M\r\n"
            "END:VALARM\r\n");
  EXPECT_EQ(f->calendar_extra,
            "X-WR-CALNAME:Tâches\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\n"
            "DTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
            "END:STANDARD\r\nEND:VTIMEZONE\r\n");
}

TEST(IcalObject, ATodoDueDateDurationAndCompletion) {
  auto day =
      read_todo(cal("BEGIN:VTODO\nUID:d\nSUMMARY:x\nDUE;VALUE=DATE:20270105\n"
                    "COMPLETED:20270104T100000Z\nEND:VTODO"));
  ASSERT_TRUE(day) << day.error().message;
  EXPECT_EQ(day->due_ms, at("2027-01-05"));
  EXPECT_TRUE(day->due_is_date);
  EXPECT_TRUE(day->has_completed);
  EXPECT_EQ(day->status, "");
  auto lasting = read_todo(
      cal("BEGIN:VTODO\nUID:l\nDTSTART:20270105T100000Z\nDURATION:PT2H\nSTATUS:X-ODD\nEND:VTODO"));
  ASSERT_TRUE(lasting);
  EXPECT_EQ(lasting->due_ms, at("2027-01-05T12:00:00Z"));
  EXPECT_FALSE(lasting->summary);
  EXPECT_EQ(lasting->status, "");
  // LF line ends are read; the extras come back with CRLF.
  EXPECT_EQ(lasting->todo_extra, "DTSTART:20270105T100000Z\r\n");
  auto none = read_todo(cal("BEGIN:VTODO\nUID:n\nSUMMARY:x\nEND:VTODO"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->due_ms);
  EXPECT_TRUE(none->todo_extra.empty());
  EXPECT_TRUE(none->calendar_extra.empty());
}

TEST(IcalObject, ATodoObjectIsOneVtodo) {
  auto code = [](std::string_view ics) {
    auto f = read_todo(ics);
    return f ? std::string("ok") : f.error().reason;
  };
  EXPECT_EQ(code(cal(event("e", "DTSTART:20270105T100000Z"))), "supported-calendar-component");
  EXPECT_EQ(code(cal("BEGIN:VJOURNAL\nUID:j\nEND:VJOURNAL")), "supported-calendar-component");
  EXPECT_EQ(code(cal("BEGIN:VTODO\nUID:r\nSUMMARY:a\nDTSTART:20270105T100000Z\nRRULE:FREQ=DAILY\n"
                     "END:VTODO\nBEGIN:VTODO\nUID:r\nSUMMARY:b\n"
                     "RECURRENCE-ID:20270106T100000Z\nEND:VTODO")),
            "valid-calendar-object-resource");
  EXPECT_EQ(code("BEGIN:VTODO\r\nUID:x\r\nEND:VTODO\r\n"), "valid-calendar-data");
  EXPECT_EQ(code("not iCalendar"), "valid-calendar-data");
  EXPECT_EQ(code(cal("BEGIN:VTODO\nUID:x\nDUE:20271345T100000Z\nEND:VTODO")),
            "valid-calendar-data");
  EXPECT_EQ(code(cal("BEGIN:VTODO\nSUMMARY:no uid\nEND:VTODO")), "valid-calendar-object-resource");
  EXPECT_EQ(code(cal("BEGIN:VTODO\nUID:ok\nSUMMARY:x\nEND:VTODO")), "ok");
}

}  // namespace
}  // namespace ruche::dav

namespace ruche::dav {
namespace {

TEST(IcalObject, AttendeesAreSetKeptAndAnswered) {
  // A client's event with an organizer, an attendee who accepted, one
  // addressed otherwise than by mailto, an alarm and an override.
  const std::string ics =
      cal("BEGIN:VEVENT\nUID:m1\nDTSTAMP:20261201T080000Z\nDTSTART:20261207T090000Z\n"
          "DTEND:20261207T100000Z\nRRULE:FREQ=DAILY;COUNT=3\nSUMMARY:Point\nSEQUENCE:2\n"
          "ORGANIZER;CN=Ann:MAILTO:Ann@Example.org\n"
          "ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@example.org\n"
          "ATTENDEE:urn:uuid:someone\n"
          "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:Soon\nTRIGGER:-PT5M\nEND:VALARM\n"
          "END:VEVENT\n"
          "BEGIN:VEVENT\nUID:m1\nDTSTAMP:20261201T080000Z\nRECURRENCE-ID:20261208T090000Z\n"
          "DTSTART:20261208T110000Z\nDTEND:20261208T120000Z\nSUMMARY:Point (moved)\n"
          "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.org\nEND:VEVENT\n");
  ASSERT_TRUE(inspect(ics)) << inspect(ics).error().message;
  // One reading gives what inspect() and participants() give of the event.
  const EventDetails d = details(ics);
  const ObjectInfo info = *inspect(ics);
  EXPECT_EQ(d.own_start_ms, info.own_start_ms);
  EXPECT_EQ(d.own_end_ms, info.own_end_ms);
  EXPECT_EQ(d.rrule, info.rrule);
  EXPECT_EQ(d.timezone, info.timezone);
  ASSERT_TRUE(d.who.organizer);
  EXPECT_EQ(d.who.attendees.size(), participants(ics).attendees.size());
  EXPECT_EQ(details("not a calendar").who.attendees.size(), 0u);
  Participants who = participants(ics);
  ASSERT_TRUE(who.organizer);
  EXPECT_EQ(who.organizer->email, "ann@example.org");
  EXPECT_EQ(who.organizer->name, "Ann");
  ASSERT_EQ(who.attendees.size(), 1u);
  EXPECT_EQ(who.attendees[0].email, "bob@example.org");
  EXPECT_EQ(who.attendees[0].partstat, "ACCEPTED");

  // A new list keeps Bob's answer, adds Zoé as needing action.
  EventEdit e;
  e.attendees =
      std::vector<Participant>{{"bob@example.org", "Bob", ""}, {"zoe@example.org", "", ""}};
  e.organizer = Participant{"someone@example.org", "", ""};
  auto edited = write_event(ics, "m1", e, 1'700'000'000'000);
  ASSERT_TRUE(edited) << edited.error().message;
  ASSERT_TRUE(inspect(*edited));
  who = participants(*edited);
  ASSERT_TRUE(who.organizer);
  EXPECT_EQ(who.organizer->email, "ann@example.org");  // kept: it had one
  ASSERT_EQ(who.attendees.size(), 2u);
  EXPECT_EQ(who.attendees[0].partstat, "ACCEPTED");
  EXPECT_EQ(who.attendees[1].email, "zoe@example.org");
  EXPECT_EQ(who.attendees[1].partstat, "NEEDS-ACTION");
  EXPECT_NE(edited->find("RSVP=TRUE"), std::string::npos);

  // Zoé declines: every component naming her says so.
  auto answered = set_partstat(*edited, "zoe@example.org", "DECLINED", 1'700'000'000'000);
  ASSERT_TRUE(answered);
  EXPECT_EQ(participants(*answered).attendees[1].partstat, "DECLINED");
  EXPECT_EQ(participants(*answered).attendees[0].partstat, "ACCEPTED");
  EXPECT_FALSE(set_partstat(*edited, "nobody@example.org", "ACCEPTED", 0));

  // iTIP: a REQUEST is the object with METHOD and no alarm; a CANCEL names
  // only its recipient, cancelled, one sequence up.
  const std::string request = itip_message(*answered, "REQUEST", "zoe@example.org");
  EXPECT_NE(request.find("METHOD:REQUEST"), std::string::npos);
  EXPECT_EQ(request.find("VALARM"), std::string::npos);
  EXPECT_NE(request.find("bob@example.org"), std::string::npos);
  const std::string cancel = itip_message(*answered, "CANCEL", "zoe@example.org");
  EXPECT_NE(cancel.find("METHOD:CANCEL"), std::string::npos);
  EXPECT_NE(cancel.find("STATUS:CANCELLED"), std::string::npos);
  EXPECT_EQ(cancel.find("bob@example.org"), std::string::npos);
  EXPECT_NE(cancel.find("zoe@example.org"), std::string::npos);
  EXPECT_NE(cancel.find("SEQUENCE:4"), std::string::npos);  // 2, +1 by the edit, +1

  // An empty list removes the attendees and the organizer.
  EventEdit none;
  none.attendees = std::vector<Participant>{};
  auto cleared = write_event(*answered, "m1", none, 0);
  ASSERT_TRUE(cleared);
  who = participants(*cleared);
  EXPECT_FALSE(who.organizer);
  EXPECT_TRUE(who.attendees.empty());
}

TEST(IcalObject, AnAttendeeAnswersOneOccurrence) {
  EventEdit make = weekly_in_paris();
  make.location = "Room 1";
  auto made = write_event(std::nullopt, "w1", make, at("2027-02-01T00:00:00Z"));
  ASSERT_TRUE(made) << made.error().message;
  const std::int64_t second = at("2027-03-08T09:00:00Z");

  // Zoé declines the second: an override of that instance says so, in the
  // series' own form (its zone), and the series keeps her first answer.
  auto one = set_partstat(*made, "zoe@example.org", "DECLINED", 0, second);
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_TRUE(inspect(*one)) << inspect(*one).error().message;
  EXPECT_NE(one->find("RECURRENCE-ID;TZID=Europe/Paris:20270308T100000"), std::string::npos)
      << *one;
  EventDetails d = details(*one);
  EXPECT_EQ(d.who.attendees.at(0).partstat, "NEEDS-ACTION");
  ASSERT_EQ(d.instance_answers.size(), 1u);
  EXPECT_EQ(d.instance_answers[0].recurrence_ms, second);
  EXPECT_EQ(d.instance_answers[0].email, "zoe@example.org");
  EXPECT_EQ(d.instance_answers[0].partstat, "DECLINED");
  // The occurrences are as they were: the override is that instance.
  auto instances = expand(*one, at("2027-03-01T00:00:00Z"), at("2027-04-01T00:00:00Z"), 10);
  ASSERT_EQ(instances.size(), 4u);
  EXPECT_EQ(instances[1].start_ms, second);
  EXPECT_EQ(instances[1].end_ms, second + kHour);
  EXPECT_EQ(instances[1].summary, "Weekly");
  // Expanded for Zoé, each instance carries her answer to it; a stranger has none.
  std::vector<std::string> hers;
  for (const auto& i :
       expand(*one, at("2027-03-01T00:00:00Z"), at("2027-04-01T00:00:00Z"), 10, "zoe@example.org"))
    hers.push_back(i.partstat);
  EXPECT_EQ(hers,
            (std::vector<std::string>{"NEEDS-ACTION", "DECLINED", "NEEDS-ACTION", "NEEDS-ACTION"}));
  for (const auto& i :
       expand(*one, at("2027-03-01T00:00:00Z"), at("2027-04-01T00:00:00Z"), 10, "eve@example.org"))
    EXPECT_EQ(i.partstat, "");

  // Answering the same instance again changes its override, adds none.
  auto again = set_partstat(*one, "zoe@example.org", "TENTATIVE", 0, second);
  ASSERT_TRUE(again);
  d = details(*again);
  ASSERT_EQ(d.instance_answers.size(), 1u);
  EXPECT_EQ(d.instance_answers[0].partstat, "TENTATIVE");

  // No instance starts then; a single event has no instances; a stranger.
  EXPECT_EQ(reason(set_partstat(*made, "zoe@example.org", "DECLINED", 0, second + kHour)),
            "invalid_recurrence_id");
  EXPECT_EQ(reason(set_partstat(*made, "zoe@example.org", "DECLINED", 0,
                                at("2027-03-29T09:00:00Z"))),  // past COUNT
            "invalid_recurrence_id");
  EventEdit single = make;
  single.rrule = "";
  auto lone = write_event(std::nullopt, "s1", single, 0);
  ASSERT_TRUE(lone);
  EXPECT_EQ(reason(set_partstat(*lone, "zoe@example.org", "DECLINED", 0, *make.start_ms)),
            "invalid_recurrence_id");
  auto stranger = set_partstat(*made, "eve@example.org", "DECLINED", 0, second);
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, Errc::not_found);

  // The series follows: a new title and place reach the override, Max's
  // removal and Lou's invitation too, Zoé's answer to the instance stays.
  EventEdit edit;
  edit.title = "Weekly sync";
  edit.attendees =
      std::vector<Participant>{{"zoe@example.org", "Zoé", ""}, {"lou@example.org", "", ""}};
  auto followed = write_event(*again, "w1", edit, 0);
  ASSERT_TRUE(followed) << followed.error().message;
  instances = expand(*followed, at("2027-03-01T00:00:00Z"), at("2027-04-01T00:00:00Z"), 10);
  ASSERT_EQ(instances.size(), 4u);
  EXPECT_EQ(instances[1].summary, "Weekly sync");
  EXPECT_EQ(followed->find("max@example.org"), std::string::npos);
  d = details(*followed);
  ASSERT_EQ(d.instance_answers.size(), 1u);
  EXPECT_EQ(d.instance_answers[0].email, "zoe@example.org");
  EXPECT_EQ(d.instance_answers[0].partstat, "TENTATIVE");
  // Lou is invited to every instance, that one too.
  auto lou = set_partstat(*followed, "lou@example.org", "ACCEPTED", 0, second);
  ASSERT_TRUE(lou) << lou.error().message;

  // An answer to the series is an answer to each instance.
  auto all = set_partstat(*followed, "zoe@example.org", "ACCEPTED", 0);
  ASSERT_TRUE(all);
  EXPECT_TRUE(details(*all).instance_answers.empty());

  // Moving the series drops the answers to single instances.
  EventEdit later;
  later.start_ms = at("2027-03-01T10:00:00Z");
  auto moved = write_event(*followed, "w1", later, 0);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->find("RECURRENCE-ID"), std::string::npos);
  EXPECT_TRUE(details(*moved).instance_answers.empty());

  // An all-day series: the override is a date.
  EventEdit days = make;
  days.start_ms = at("2027-03-01T00:00:00Z");
  days.end_ms = at("2027-03-02T00:00:00Z");
  days.all_day = true;
  days.timezone = "";
  auto daily = write_event(std::nullopt, "d1", days, 0);
  ASSERT_TRUE(daily) << daily.error().message;
  auto off = set_partstat(*daily, "max@example.org", "DECLINED", 0, at("2027-03-15T00:00:00Z"));
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_NE(off->find("RECURRENCE-ID;VALUE=DATE:20270315"), std::string::npos) << *off;
  ASSERT_TRUE(inspect(*off));
}

TEST(IcalObject, TheOrganizerMovesAndCancelsOneOccurrence) {
  const EventEdit make = weekly_in_paris();
  auto made = write_event(std::nullopt, "w1", make, 0);
  ASSERT_TRUE(made) << made.error().message;
  const std::int64_t second = at("2027-03-08T09:00:00Z"), third = at("2027-03-15T09:00:00Z");
  const std::int64_t from = at("2027-03-01T00:00:00Z"), to = at("2027-04-01T00:00:00Z");

  // The second moves an hour later and takes a place of its own: its
  // override says so in the series' zone; the others are as they were.
  EventEdit later;
  later.start_ms = second + kHour;
  later.location = "Room 2";
  auto moved = write_instance(*made, second, later, 0);
  ASSERT_TRUE(moved) << moved.error().message;
  ASSERT_TRUE(inspect(*moved)) << inspect(*moved).error().message;
  EXPECT_NE(moved->find("RECURRENCE-ID;TZID=Europe/Paris:20270308T100000"), std::string::npos)
      << *moved;
  EXPECT_NE(moved->find("DTSTART;TZID=Europe/Paris:20270308T110000"), std::string::npos);
  auto instances = expand(*moved, from, to, 10);
  ASSERT_EQ(instances.size(), 4u);
  EXPECT_EQ(instances[1].start_ms, second + kHour);
  EXPECT_EQ(instances[1].end_ms, second + 2 * kHour);  // its length kept
  EXPECT_EQ(instances[1].location, "Room 2");
  EXPECT_EQ(instances[2].start_ms, third);
  EventDetails d = details(*moved);
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0].recurrence_ms, second);
  EXPECT_EQ(d.changed[0].start_ms, second + kHour);
  EXPECT_EQ(d.changed[0].summary, "Weekly");
  EXPECT_EQ(d.changed[0].location, "Room 2");
  EXPECT_TRUE(d.cancelled.empty());
  auto changes = instance_changes(*made, *moved);
  EXPECT_EQ(changes.changed, std::vector<std::int64_t>{second});
  EXPECT_TRUE(changes.cancelled.empty());

  // Answers are no change of plan, on the moved instance or another, and
  // keep the move.
  auto answered = set_partstat(*moved, "zoe@example.org", "DECLINED", 0, second);
  ASSERT_TRUE(answered);
  EXPECT_EQ(instance_changes(*moved, *answered).size(), 0u);
  auto other = set_partstat(*answered, "max@example.org", "ACCEPTED", 0, third);
  ASSERT_TRUE(other);
  EXPECT_EQ(instance_changes(*answered, *other).size(), 0u);
  EXPECT_EQ(expand(*other, from, to, 10)[1].start_ms, second + kHour);

  // The third is cancelled: an EXDATE in the series' form, its override
  // (Max's answer) gone.
  auto cancelled = cancel_instance(*other, third, 0);
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  ASSERT_TRUE(inspect(*cancelled));
  EXPECT_NE(cancelled->find("EXDATE;TZID=Europe/Paris:20270315T100000"), std::string::npos)
      << *cancelled;
  instances = expand(*cancelled, from, to, 10);
  ASSERT_EQ(instances.size(), 3u);
  EXPECT_EQ(instances[2].start_ms, at("2027-03-22T09:00:00Z"));
  EXPECT_EQ(details(*cancelled).cancelled, std::vector<std::int64_t>{third});
  changes = instance_changes(*other, *cancelled);
  EXPECT_TRUE(changes.changed.empty());
  EXPECT_EQ(changes.cancelled, std::vector<std::int64_t>{third});
  // An EXDATE where no instance starts leaves nothing out.
  std::string stray = *cancelled;
  stray.insert(stray.find("EXDATE;"), "EXDATE:20270309T090000Z\r\n");
  ASSERT_TRUE(inspect(stray));
  EXPECT_EQ(instance_changes(*cancelled, stray).size(), 0u);
  EXPECT_EQ(instance_changes(stray, *cancelled).size(), 0u);

  // Its CANCEL to Zoé names that instance alone, and her alone.
  const std::string itip = itip_message(*cancelled, "CANCEL", "zoe@example.org", third);
  EXPECT_NE(itip.find("METHOD:CANCEL"), std::string::npos);
  EXPECT_NE(itip.find("RECURRENCE-ID;TZID=Europe/Paris:20270315T100000"), std::string::npos)
      << itip;
  EXPECT_NE(itip.find("STATUS:CANCELLED"), std::string::npos);
  EXPECT_EQ(itip.find("FREQ=WEEKLY"), std::string::npos);  // the zone has rules of its own
  EXPECT_EQ(itip.find("max@example.org"), std::string::npos);
  EXPECT_EQ(itip.find("BEGIN:VEVENT"), itip.rfind("BEGIN:VEVENT"));

  // What is not an occurrence, or not the occurrence's to change.
  EXPECT_EQ(reason(cancel_instance(*cancelled, third, 0)), "invalid_recurrence_id");
  EXPECT_EQ(reason(write_instance(*cancelled, third, later, 0)), "invalid_recurrence_id");
  EXPECT_EQ(reason(write_instance(*made, second + kHour, later, 0)), "invalid_recurrence_id");
  EventEdit rule;
  rule.rrule = "FREQ=DAILY";
  EXPECT_EQ(reason(write_instance(*made, second, rule, 0)), "invalid_field");
  EventEdit day;
  day.all_day = true;
  EXPECT_EQ(reason(write_instance(*made, second, day, 0)), "invalid_time");
  EventEdit backwards;
  backwards.end_ms = second - kHour;
  EXPECT_EQ(reason(write_instance(*made, second, backwards, 0)), "invalid_time");
  EventEdit single = make;
  single.rrule = "";
  auto lone = write_event(std::nullopt, "s1", single, 0);
  ASSERT_TRUE(lone);
  EXPECT_EQ(reason(write_instance(*lone, *make.start_ms, later, 0)), "invalid_event");
  EXPECT_EQ(reason(cancel_instance(*lone, *make.start_ms, 0)), "invalid_event");

  // Cancelling the moved instance drops its override for an EXDATE.
  auto both = cancel_instance(*cancelled, second, 0);
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(both->find("RECURRENCE-ID"), std::string::npos);
  EXPECT_EQ(expand(*both, from, to, 10).size(), 2u);
  EXPECT_EQ(instance_changes(*cancelled, *both).cancelled, std::vector<std::int64_t>{second});

  // Moving the series drops the overrides, and the instances it left out
  // stay out, at the new hour.
  EventEdit hour_later;
  hour_later.start_ms = *make.start_ms + kHour;
  auto series = write_event(*both, "w1", hour_later, 0);
  ASSERT_TRUE(series) << series.error().message;
  EXPECT_NE(series->find("EXDATE;TZID=Europe/Paris:20270315T110000"), std::string::npos) << *series;
  instances = expand(*series, from, to, 10);
  ASSERT_EQ(instances.size(), 2u);
  EXPECT_EQ(instances[0].start_ms, *make.start_ms + kHour);
  EXPECT_EQ(instances[1].start_ms, at("2027-03-22T10:00:00Z"));

  // An all-day series: its occurrence moves from date to date.
  EventEdit days = make;
  days.start_ms = at("2027-03-01T00:00:00Z");
  days.end_ms = at("2027-03-02T00:00:00Z");
  days.all_day = true;
  days.timezone = "";
  auto daily = write_event(std::nullopt, "d1", days, 0);
  ASSERT_TRUE(daily);
  EventEdit next_day;
  next_day.start_ms = at("2027-03-09T00:00:00Z");
  auto shifted = write_instance(*daily, at("2027-03-08T00:00:00Z"), next_day, 0);
  ASSERT_TRUE(shifted) << shifted.error().message;
  EXPECT_NE(shifted->find("DTSTART;VALUE=DATE:20270309"), std::string::npos) << *shifted;
  EXPECT_NE(shifted->find("DTEND;VALUE=DATE:20270310"), std::string::npos);
  EventEdit half_day;
  half_day.start_ms = at("2027-03-09T12:00:00Z");
  EXPECT_EQ(reason(write_instance(*daily, at("2027-03-08T00:00:00Z"), half_day, 0)),
            "invalid_time");
}

TEST(IcalObject, ASeriesIsSplitAtAnOccurrence) {
  // The weekly meeting; Zoé declined the fourth; the second is cancelled.
  const EventEdit make = weekly_in_paris();
  auto made = write_event(std::nullopt, "w1", make, 0);
  ASSERT_TRUE(made);
  const std::int64_t second = at("2027-03-08T09:00:00Z"), third = at("2027-03-15T09:00:00Z"),
                     fourth = at("2027-03-22T09:00:00Z");
  auto declined = set_partstat(*made, "zoe@example.org", "DECLINED", 0, fourth);
  ASSERT_TRUE(declined);
  auto series = cancel_instance(*declined, second, 0);
  ASSERT_TRUE(series);
  const std::int64_t from = at("2027-02-01T00:00:00Z"), to = at("2027-05-01T00:00:00Z");

  // Cut at the third: the first two (one cancelled), then two more.
  auto cut = split_series(*series, third, "w2", 0);
  ASSERT_TRUE(cut) << cut.error().message;
  const auto& [early, late] = *cut;
  ASSERT_TRUE(inspect(early)) << inspect(early).error().message;
  ASSERT_TRUE(inspect(late)) << inspect(late).error().message;
  EXPECT_NE(early.find("UNTIL=20270315T085959Z"), std::string::npos) << early;
  EXPECT_EQ(end_series(*series, third, 0).value_or(""), early);  // the first half alone
  EXPECT_EQ(early.find("COUNT"), std::string::npos);
  EXPECT_EQ(early.find("RECURRENCE-ID"), std::string::npos);  // the fourth's answer went along
  EXPECT_NE(early.find("EXDATE;TZID=Europe/Paris:20270308T100000"), std::string::npos);
  auto instances = expand(early, from, to, 10);
  ASSERT_EQ(instances.size(), 1u);
  EXPECT_EQ(instances[0].start_ms, *make.start_ms);
  EXPECT_EQ(inspect(late)->uid, "w2");
  EXPECT_EQ(late.find("UID:w1"), std::string::npos) << late;
  EXPECT_NE(late.find("DTSTART;TZID=Europe/Paris:20270315T100000"), std::string::npos) << late;
  EXPECT_NE(late.find("COUNT=2"), std::string::npos);
  EXPECT_EQ(late.find("EXDATE"), std::string::npos);
  instances = expand(late, from, to, 10);
  ASSERT_EQ(instances.size(), 2u);
  EXPECT_EQ(instances[0].start_ms, third);
  EXPECT_EQ(instances[0].end_ms, third + kHour);
  EXPECT_EQ(instances[1].start_ms, fourth);
  // Zoé's answers go with their occurrences; the organizer stays.
  EventDetails d = details(late);
  ASSERT_EQ(d.instance_answers.size(), 1u);
  EXPECT_EQ(d.instance_answers[0].recurrence_ms, fourth);
  ASSERT_TRUE(d.who.organizer);
  EXPECT_EQ(d.who.organizer->email, "ann@example.org");

  // Not after the first, or not an occurrence; a single event.
  EXPECT_EQ(reason(split_series(*series, *make.start_ms, "w3", 0)), "invalid_recurrence_id");
  EXPECT_EQ(reason(split_series(*series, third + kHour, "w3", 0)), "invalid_recurrence_id");
  EXPECT_EQ(reason(split_series(*series, second, "w3", 0)), "invalid_recurrence_id");  // cancelled
  EventEdit single = make;
  single.rrule = "";
  auto lone = write_event(std::nullopt, "s1", single, 0);
  ASSERT_TRUE(lone);
  EXPECT_EQ(reason(split_series(*lone, third, "w3", 0)), "invalid_event");

  // A daily all-day series without end: the first ends the day before, the
  // second runs on.
  EventEdit days;
  days.title = "Permanence";
  days.start_ms = at("2027-03-01T00:00:00Z");
  days.end_ms = at("2027-03-02T00:00:00Z");
  days.all_day = true;
  days.rrule = "FREQ=DAILY";
  auto daily = write_event(std::nullopt, "d1", days, 0);
  ASSERT_TRUE(daily);
  auto halves = split_series(*daily, at("2027-03-10T00:00:00Z"), "d2", 0);
  ASSERT_TRUE(halves) << halves.error().message;
  EXPECT_NE(halves->first.find("UNTIL=20270309"), std::string::npos) << halves->first;
  EXPECT_EQ(expand(halves->first, from, to, 100).size(), 9u);
  EXPECT_NE(halves->second.find("DTSTART;VALUE=DATE:20270310"), std::string::npos);
  EXPECT_EQ(inspect(halves->second)->end_ms, kForever);
}

TEST(IcalObject, RemindersAreTheAlarmsBeforeTheStart) {
  // Before the start (the default RELATED=START), at it, and others left be:
  // after the start, related to the end, an absolute instant, ACTION:NONE.
  const std::string ics = cal(event(
      "r",
      "DTSTART:20270301T090000Z\nDTEND:20270301T100000Z\nSUMMARY:Revue\n"
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:-PT15M\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:AUDIO\nTRIGGER;RELATED=START:-P1D\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:PT0S\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:-PT15M\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:PT5M\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER;RELATED=END:-PT5M\nEND:VALARM\n"
      "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER;VALUE=DATE-TIME:20270301T080000Z\n"
      "END:VALARM\n"
      "BEGIN:VALARM\nACTION:NONE\nTRIGGER:-PT30M\nEND:VALARM"));
  ASSERT_TRUE(inspect(ics));
  EXPECT_EQ(reminder_minutes(ics), (std::vector<int>{0, 15, 1440}));
  EXPECT_TRUE(reminder_minutes(cal(event("n", "DTSTART:20270301T090000Z"))).empty());

  // Written: one DISPLAY alarm each, in every component, the others gone.
  auto set = with_reminders(ics, {10, 60});
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_TRUE(inspect(*set));
  EXPECT_EQ(reminder_minutes(*set), (std::vector<int>{10, 60}));
  EXPECT_EQ(set->find("ACTION:AUDIO"), std::string::npos);
  EXPECT_NE(set->find("DESCRIPTION:Revue"), std::string::npos);
  auto none = with_reminders(*set, {});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->find("VALARM"), std::string::npos);
  EXPECT_FALSE(with_reminders("not a calendar", {5}));
}

TEST(IcalObject, TheNextReminderIsTheEarliestToCome) {
  // Daily at 09:00 UTC from 1 March 2027, five times; 10:00 on 3 March moved.
  const std::string ics =
      cal(event("d",
                "DTSTART:20270301T090000Z\nDTEND:20270301T093000Z\nSUMMARY:Daily\n"
                "RRULE:FREQ=DAILY;COUNT=5") +
          "\n" +
          event("d",
                "RECURRENCE-ID:20270303T090000Z\nDTSTART:20270303T100000Z\n"
                "DTEND:20270303T103000Z\nSUMMARY:Daily, later"));
  ASSERT_TRUE(inspect(ics));
  auto r = next_reminder(ics, {15}, at("2027-02-01T00:00:00Z"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->due_ms, at("2027-03-01T08:45:00Z"));
  EXPECT_EQ(r->minutes, 15);
  EXPECT_EQ(r->instance.start_ms, at("2027-03-01T09:00:00Z"));
  // Strictly after: the one at that instant is not next.
  r = next_reminder(ics, {15}, at("2027-03-01T08:45:00Z"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->due_ms, at("2027-03-02T08:45:00Z"));
  // The moved occurrence reminds before its new time, with its own title.
  r = next_reminder(ics, {15}, at("2027-03-02T08:45:00Z"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->due_ms, at("2027-03-03T09:45:00Z"));
  EXPECT_EQ(r->instance.summary, "Daily, later");
  ASSERT_TRUE(r->instance.recurrence_ms);
  EXPECT_EQ(*r->instance.recurrence_ms, at("2027-03-03T09:00:00Z"));
  // Several delays: the earliest instant of any (a day before the moved one).
  r = next_reminder(ics, {0, 1440}, at("2027-03-02T09:00:00Z"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->due_ms, at("2027-03-02T10:00:00Z"));
  EXPECT_EQ(r->minutes, 1440);
  EXPECT_EQ(r->instance.start_ms, at("2027-03-03T10:00:00Z"));
  // After the last occurrence's, none; without delays, none.
  EXPECT_FALSE(next_reminder(ics, {15}, at("2027-03-05T08:45:00Z")));
  EXPECT_FALSE(next_reminder(ics, {}, at("2027-01-01T00:00:00Z")));
  // A delay longer than the gap between occurrences: the nearest still wins.
  const std::string hourly =
      cal(event("h", "DTSTART:20270301T000000Z\nDURATION:PT10M\nRRULE:FREQ=HOURLY"));
  r = next_reminder(hourly, {0, 7 * 1440}, at("2027-03-01T00:30:00Z"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->due_ms, at("2027-03-01T01:00:00Z"));
}

TEST(IcalObject, AnAllDayEventRemindsOnThePersonsClock) {
  // 8 March 2027 (winter: Paris UTC+1, New York UTC-5), then 8 July (summer).
  const std::string ics = cal(event(
      "a",
      "DTSTART;VALUE=DATE:20270308\nDTEND;VALUE=DATE:20270309\nRRULE:FREQ=MONTHLY;BYMONTH=3,7"));
  ASSERT_TRUE(inspect(ics));
  // "The day before at 9:00" is 900 minutes before the day begins.
  auto r = next_reminder(ics, {900}, at("2027-01-01T00:00:00Z"), "Europe/Paris");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->due_ms, at("2027-03-07T08:00:00Z"));
  EXPECT_EQ(r->instance.start_ms, at("2027-03-08T00:00:00Z"));  // still the date
  r = next_reminder(ics, {900}, r->due_ms, "Europe/Paris");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->due_ms, at("2027-07-07T07:00:00Z"));  // summer time
  r = next_reminder(ics, {900}, at("2027-01-01T00:00:00Z"), "America/New_York");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->due_ms, at("2027-03-07T14:00:00Z"));
  // East of UTC by more than the delay: the day begins the day before in UTC.
  r = next_reminder(ics, {0}, at("2027-03-07T00:00:00Z"), "Pacific/Kiritimati");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->due_ms, at("2027-03-07T10:00:00Z"));
  // No zone, or one not known: UTC.
  r = next_reminder(ics, {900}, at("2027-01-01T00:00:00Z"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->due_ms, at("2027-03-07T09:00:00Z"));
  EXPECT_EQ(next_reminder(ics, {900}, at("2027-01-01T00:00:00Z"), "Mars/Olympus")->due_ms,
            at("2027-03-07T09:00:00Z"));
  // A timed event is the same instant wherever one is.
  const std::string timed = cal(event("t", "DTSTART:20270308T090000Z\nDTEND:20270308T100000Z"));
  EXPECT_EQ(next_reminder(timed, {15}, 0, "Asia/Kolkata")->due_ms, at("2027-03-08T08:45:00Z"));
}

TEST(IcalObject, TimeZonesAreTheSystemsByName) {
  EXPECT_TRUE(is_time_zone("Europe/Paris"));
  EXPECT_TRUE(is_time_zone("America/Argentina/Buenos_Aires"));
  EXPECT_TRUE(is_time_zone("UTC"));
  EXPECT_TRUE(is_time_zone("Etc/GMT+5"));
  for (const char* bad :
       {"", "Europe/ Paris", "Mars/Olympus", "../../../etc/passwd", "Europe/Paris/../Paris",
        "/usr/share/zoneinfo/UTC", "Europe\\Paris", "Europe/Paris\n"})
    EXPECT_FALSE(is_time_zone(bad)) << bad;
  EXPECT_FALSE(is_time_zone(std::string(65, 'A')));
  EXPECT_EQ(day_start(at("2027-03-08T00:00:00Z"), "Europe/Paris"), at("2027-03-07T23:00:00Z"));
  EXPECT_EQ(day_start(at("2027-03-08T00:00:00Z"), ""), at("2027-03-08T00:00:00Z"));
  EXPECT_EQ(wall_clock_text(at("2027-07-07T07:00:00Z"), "Europe/Paris"), "2027-07-07 09:00");
  EXPECT_EQ(wall_clock_text(at("2027-07-07T07:00:00Z"), ""), "2027-07-07 07:00");
}

TEST(IcalObject, TheNextRemindersComeInOrderEachTimeOnce) {
  // Hourly from midnight; reminders at the start and an hour before: each
  // hour's "at the start" is the next hour's "an hour before", one time.
  const std::string hourly =
      cal(event("h", "DTSTART:20270301T000000Z\nDURATION:PT10M\nRRULE:FREQ=HOURLY;COUNT=4"));
  auto two = next_reminders(hourly, {0, 60}, at("2027-03-01T00:30:00Z"), 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].due_ms, at("2027-03-01T01:00:00Z"));
  EXPECT_EQ(two[0].instance.start_ms, at("2027-03-01T01:00:00Z"));  // the first found
  EXPECT_EQ(two[0].minutes, 0);
  EXPECT_EQ(two[1].due_ms, at("2027-03-01T02:00:00Z"));
  // The same as asking one at a time.
  const auto first = next_reminder(hourly, {0, 60}, at("2027-03-01T00:30:00Z"));
  const auto second = next_reminder(hourly, {0, 60}, two[0].due_ms);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->due_ms, two[0].due_ms);
  EXPECT_EQ(first->instance.start_ms, two[0].instance.start_ms);
  EXPECT_EQ(second->due_ms, two[1].due_ms);
  // Near the end, fewer: the last occurrence (03:00) has one left at its start.
  two = next_reminders(hourly, {0, 60}, at("2027-03-01T02:30:00Z"), 2);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].due_ms, at("2027-03-01T03:00:00Z"));
  EXPECT_TRUE(next_reminders(hourly, {0, 60}, at("2027-03-01T03:00:00Z"), 2).empty());
  EXPECT_TRUE(next_reminders(hourly, {15}, at("2027-03-01T00:00:00Z"), 0).empty());
}

}  // namespace
}  // namespace ruche::dav
