#include <gtest/gtest.h>

#include "base/clock.hpp"
#include "modules/calendar/calendar.hpp"
#include "modules/calendar/service.hpp"

namespace ruche::calendar {
namespace {

Result<dav::EventEdit> edit(std::string_view text) {
  auto in = json::In::parse(text);
  if (!in) return tl::unexpected(in.error());
  return parse_edit(in->object_value());
}

std::string code(std::string_view text) {
  auto e = edit(text);
  return e ? std::string("ok") : e.error().reason;
}

TEST(CalendarEdit, ReadsFieldsAndTellsWhichIsWrong) {
  auto e =
      edit(R"({"title":"  Revue  ","start":"2026-12-10T09:00:00+01:00","end":"2026-12-10T10:00:00Z",
                   "timezone":"Europe/Paris","rrule":"FREQ=WEEKLY","location":"Salle 2"})");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->title, "Revue");
  std::int64_t start = 0;
  ASSERT_TRUE(parse_iso8601("2026-12-10T08:00:00Z", start));
  EXPECT_EQ(e->start_ms, start);
  EXPECT_EQ(e->timezone, "Europe/Paris");
  EXPECT_EQ(e->rrule, "FREQ=WEEKLY");
  EXPECT_FALSE(e->all_day);

  auto day = edit(R"({"start":"2026-12-24","end":"2026-12-25"})");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->all_day, true);
  auto cleared = edit(R"({"rrule":null,"timezone":null})");
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->rrule, "");
  EXPECT_EQ(cleared->timezone, "");

  EXPECT_EQ(code(R"({"title":"   "})"), "invalid_title");
  EXPECT_EQ(code(R"({"title":"a\nb"})"), "invalid_title");
  EXPECT_EQ(code(R"({"location":")" + std::string(301, 'x') + R"("})"), "invalid_location");
  EXPECT_EQ(code(R"({"start":"tomorrow"})"), "invalid_time");
  EXPECT_EQ(code(R"({"all_day":true,"start":"2026-12-10T09:00:00Z"})"), "invalid_time");
  EXPECT_EQ(code(R"({"start":"2026-12-10","end":"2026-12-10T10:00:00Z"})"), "invalid_time");
  EXPECT_EQ(code(R"({"timezone":"Europe/ Paris"})"), "invalid_timezone");
  EXPECT_EQ(code(R"({"title":3})"), "invalid_field");
}

TEST(CalendarEdit, NamesAreOneSafeSegment) {
  EXPECT_TRUE(valid_name("abc.ics"));
  EXPECT_TRUE(valid_name("Réunion 2026.ics"));
  EXPECT_FALSE(valid_name(""));
  EXPECT_FALSE(valid_name("."));
  EXPECT_FALSE(valid_name(".."));
  EXPECT_FALSE(valid_name("a/b.ics"));
  EXPECT_FALSE(valid_name("a\\b.ics"));
  EXPECT_FALSE(valid_name(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_name("a\nb"));
  EXPECT_FALSE(valid_name(std::string(256, 'a')));
}

TEST(CalendarJson, AnEventShowsItsOwnTimesAndRule) {
  dav::EventEdit e;
  e.title = "Point";
  std::int64_t start = 0, end = 0;
  ASSERT_TRUE(parse_iso8601("2026-12-07T09:00:00Z", start));
  ASSERT_TRUE(parse_iso8601("2026-12-07T09:30:00Z", end));
  e.start_ms = start;
  e.end_ms = end;
  e.rrule = "FREQ=DAILY;COUNT=2";
  Object o;
  o.id = EventId("e1");
  o.collection_id = "w:ws1";
  auto ics = dav::write_event(std::nullopt, "u1", e, start);
  ASSERT_TRUE(ics);
  o.ics = *ics;
  o.info = *dav::inspect(o.ics);
  o.seq = 7;
  json::object j = to_json(o);
  EXPECT_EQ(j.at("workspace_id").as_string(), "ws1");
  EXPECT_EQ(j.at("start").as_string(), "2026-12-07T09:00:00.000Z");
  EXPECT_EQ(j.at("end").as_string(), "2026-12-07T09:30:00.000Z");
  EXPECT_EQ(j.at("rrule").as_string(), "FREQ=DAILY;COUNT=2");
  EXPECT_TRUE(j.at("timezone").is_null());
  EXPECT_EQ(j.at("kind").as_string(), "event");
  EXPECT_EQ(etag_of(o), "\"7\"");
  EXPECT_FALSE(workspace_of("u:someone"));
}

}  // namespace
}  // namespace ruche::calendar
