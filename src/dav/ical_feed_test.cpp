#include "dav/ical_feed.hpp"

#include <gtest/gtest.h>

#include "dav/ical_object.hpp"

namespace ruche::dav {
namespace {

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

const std::string kFeed =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Mairie//Agenda//FR\r\n"
    "METHOD:PUBLISH\r\n"
    "X-WR-CALNAME:Agenda de la mairie\r\n"
    "REFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n"
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/Paris\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:19701025T030000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "END:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "DTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "END:DAYLIGHT\r\n"
    "END:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:conseil@mairie\r\n"
    "DTSTAMP:20261201T000000Z\r\n"
    "DTSTART;TZID=Europe/Paris:20270104T180000\r\n"
    "DTEND;TZID=Europe/Paris:20270104T200000\r\n"
    "RRULE:FREQ=MONTHLY;COUNT=6\r\n"
    "SUMMARY:Conseil municipal\r\n"
    "BEGIN:VALARM\r\n"
    "ACTION:DISPLAY\r\n"
    "TRIGGER:-PT15M\r\n"
    "DESCRIPTION:Rappel\r\n"
    "END:VALARM\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:marche@mairie\r\n"
    "DTSTAMP:20261201T000000Z\r\n"
    "DTSTART;VALUE=DATE:20270109\r\n"
    "DTEND;VALUE=DATE:20270110\r\n"
    "SUMMARY:Marché de Noël\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:conseil@mairie\r\n"
    "DTSTAMP:20261201T000000Z\r\n"
    "RECURRENCE-ID;TZID=Europe/Paris:20270204T180000\r\n"
    "DTSTART;TZID=Europe/Paris:20270205T180000\r\n"
    "DTEND;TZID=Europe/Paris:20270205T200000\r\n"
    "SUMMARY:Conseil municipal (reporté)\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "DTSTAMP:20261201T000000Z\r\n"
    "DTSTART:20270301T090000Z\r\n"
    "DTEND:20270301T100000Z\r\n"
    "SUMMARY:Sans identifiant\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

TEST(Feed, SplitsIntoOneCheckedObjectPerUid) {
  auto feed = split_feed(kFeed, 100);
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->name, "Agenda de la mairie");
  EXPECT_EQ(feed->refresh_ms, 4 * 3600'000);
  ASSERT_EQ(feed->objects.size(), 3u);
  EXPECT_EQ(feed->objects[0].uid, "conseil@mairie");
  EXPECT_EQ(feed->objects[1].uid, "marche@mairie");
  for (const auto& o : feed->objects) {
    auto info = inspect(o.ics);
    ASSERT_TRUE(info) << o.uid << ": " << info.error().message;
    EXPECT_EQ(info->uid, o.uid);
    EXPECT_FALSE(has(o.ics, "VALARM")) << "the publisher's reminders stay there";
    EXPECT_FALSE(has(o.ics, "METHOD")) << "an object has no METHOD";
    EXPECT_TRUE(has(o.ics, "PRODID:-//Mairie//Agenda//FR"));
  }
  // The series and its moved occurrence together, with their zone.
  const std::string& series = feed->objects[0].ics;
  EXPECT_TRUE(has(series, "TZID:Europe/Paris"));
  EXPECT_TRUE(has(series, "RECURRENCE-ID"));
  EXPECT_TRUE(has(series, "(reporté)"));
  const auto instances = expand(series, 1'798'761'600'000, 1'830'297'600'000, 100);  // 2027
  ASSERT_EQ(instances.size(), 6u);
  EXPECT_EQ(instances[1].start_ms, 1'801'846'800'000);  // 5 February 2027, 18:00 in Paris
  // Only the zones an object names go with it.
  EXPECT_FALSE(has(feed->objects[1].ics, "VTIMEZONE"));
  // An event without a UID gets one from its text: the same at every read.
  EXPECT_TRUE(feed->objects[2].uid.starts_with("feed-"));
  EXPECT_EQ(split_feed(kFeed, 100)->objects[2].uid, feed->objects[2].uid);
  // An import keeps them: they are its owner's.
  auto mine = split_feed(kFeed, 100, true);
  ASSERT_TRUE(mine);
  EXPECT_TRUE(has(mine->objects[0].ics, "BEGIN:VALARM"));
  EXPECT_TRUE(inspect(mine->objects[0].ics));
}

TEST(Feed, RefusesWhatIsNotAFeedAndBoundsIt) {
  for (const char* bad :
       {"", "hello", "<html><body>Not found</body></html>", "BEGIN:VCARD\r\nEND:VCARD\r\n"}) {
    auto r = split_feed(bad, 100);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().reason, "invalid_feed") << bad;
  }
  EXPECT_EQ(split_feed(std::string("BEGIN:VCALENDAR\r\n\0", 19), 100).error().reason,
            "invalid_feed");
  auto r = split_feed(kFeed, 2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "feed_too_large");
  // An empty calendar is a feed of nothing; several calendars one after
  // the other are read as one.
  auto empty = split_feed("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n", 10);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->objects.empty());
  auto two = split_feed(kFeed + kFeed, 100);
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_EQ(two->objects.size(), 3u);
}

}  // namespace
}  // namespace ruche::dav
