#include <algorithm>

#include <gtest/gtest.h>

#include "base/clock.hpp"
#include "modules/calendar/calendar.hpp"
#include "modules/calendar/service.hpp"

namespace ruche::calendar {
namespace {

Result<EventRequest> request(std::string_view text) {
  auto in = json::In::parse(text);
  if (!in) return tl::unexpected(in.error());
  return parse_edit(in->object_value());
}

Result<dav::EventEdit> edit(std::string_view text) {
  RUCHE_TRY(auto r, request(text));
  return r.edit;
}

std::string code(std::string_view text) {
  auto e = request(text);
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

TEST(CalendarEdit, ReadsAttendeesAndAnswers) {
  auto r = request(
      R"({"attendees":[{"user_id":"01jb7z8k2m3n4p5q6r7s8t9v0w"},{"email":" Zoe@Example.ORG ","name":"Zoé"}]})");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->attendees);
  ASSERT_EQ(r->attendees->size(), 2u);
  EXPECT_EQ((*r->attendees)[0].user_id, "01jb7z8k2m3n4p5q6r7s8t9v0w");
  EXPECT_EQ((*r->attendees)[1].email, "zoe@example.org");
  EXPECT_EQ((*r->attendees)[1].name, "Zoé");
  auto none = request(R"({"title":"x"})");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->attendees);
  auto cleared = request(R"({"attendees":[]})");
  ASSERT_TRUE(cleared);
  ASSERT_TRUE(cleared->attendees);
  EXPECT_TRUE(cleared->attendees->empty());

  EXPECT_EQ(code(R"({"attendees":"zoe@example.org"})"), "invalid_attendees");
  EXPECT_EQ(code(R"({"attendees":[{"email":"not an address"}]})"), "invalid_attendees");
  EXPECT_EQ(code(R"({"attendees":[{"email":"a@b.org","user_id":"x"}]})"), "invalid_attendees");
  EXPECT_EQ(code(R"({"attendees":[{"user_id":"../x"}]})"), "invalid_attendees");
  EXPECT_EQ(code(R"({"attendees":[{"email":"a@b.org","name":"a\nb"}]})"), "invalid_attendees");
  EXPECT_EQ(code(R"({"attendees":[{"email":"a@b.org","role":"chair"}]})"), "invalid_attendees");
  std::string many = R"({"attendees":[)";
  for (int i = 0; i <= 100; ++i)
    many +=
        (i ? "," : "") + std::string(R"({"email":"p)") + std::to_string(i) + R"(@example.org"})";
  EXPECT_EQ(code(many + "]}"), "invalid_attendees");

  auto answer = [](std::string_view text) {
    auto in = json::In::parse(text);
    auto p = parse_answer(in->object_value());
    if (!p) return p.error().reason;
    return p->partstat + (p->recurrence_ms ? " " + format_iso8601(*p->recurrence_ms) : "");
  };
  EXPECT_EQ(answer(R"({"partstat":"accepted"})"), "ACCEPTED");
  EXPECT_EQ(answer(R"({"partstat":"tentative"})"), "TENTATIVE");
  EXPECT_EQ(answer(R"({"partstat":"declined"})"), "DECLINED");
  EXPECT_EQ(answer(R"({"partstat":"ACCEPTED"})"), "invalid_partstat");
  EXPECT_EQ(answer(R"({"partstat":"needs-action"})"), "invalid_partstat");
  EXPECT_EQ(answer(R"({})"), "invalid_partstat");
  // One occurrence, by its original start.
  EXPECT_EQ(answer(R"({"partstat":"declined","recurrence_id":"2027-03-08T09:00:00Z"})"),
            "DECLINED 2027-03-08T09:00:00.000Z");
  EXPECT_EQ(answer(R"({"partstat":"declined","recurrence_id":"2027-03-08"})"),
            "DECLINED 2027-03-08T00:00:00.000Z");
  EXPECT_EQ(answer(R"({"partstat":"declined","recurrence_id":null})"), "DECLINED");
  EXPECT_EQ(answer(R"({"partstat":"declined","recurrence_id":"next week"})"),
            "invalid_recurrence_id");
  EXPECT_EQ(answer(R"({"partstat":"declined","recurrence_id":1804496400000})"),
            "invalid_recurrence_id");
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
  EXPECT_TRUE(j.at("organizer").is_null());
  EXPECT_TRUE(j.at("attendees").as_array().empty());
  EXPECT_EQ(etag_of(o), "\"7\"");
  EXPECT_FALSE(workspace_of("u:someone"));

  e = {};
  e.attendees = std::vector<dav::Participant>{{"zoe@example.org", "Zoé", ""}};
  e.organizer = dav::Participant{"ann@example.org", "Ann", ""};
  auto invited = dav::write_event(o.ics, "u1", e, start);
  ASSERT_TRUE(invited) << invited.error().message;
  o.ics = *invited;
  j = to_json(o);
  EXPECT_EQ(j.at("organizer").at("email").as_string(), "ann@example.org");
  ASSERT_EQ(j.at("attendees").as_array().size(), 1u);
  EXPECT_EQ(j.at("attendees").at(0).at("name").as_string(), "Zoé");
  EXPECT_EQ(j.at("attendees").at(0).at("partstat").as_string(), "needs-action");
  auto occurrence = occurrence_json(o, dav::Instance{start, end, std::nullopt, "Point", "", false},
                                    std::string("TENTATIVE"));
  EXPECT_EQ(occurrence.at("partstat").as_string(), "tentative");
  EXPECT_EQ(collection_of("u:someone").owner, "someone");
  EXPECT_EQ(collection_of("w:ws1").workspace->str(), "ws1");
  EXPECT_TRUE(occurrence.at("subscription_id").is_null());
  // A subscription's collection names its owner and itself.
  const Collection sub = collection_of("s:someone:sub1");
  EXPECT_EQ(sub.id, "s:someone:sub1");
  EXPECT_EQ(sub.owner, "someone");
  EXPECT_FALSE(sub.workspace);
  EXPECT_EQ(subscription_of("s:someone:sub1"), "sub1");
  EXPECT_FALSE(subscription_of("u:someone"));
  o.collection_id = sub.id;
  EXPECT_EQ(to_json(o).at("subscription_id").as_string(), "sub1");
}

// Merged as added (overlapping and touching spans are one), and at most
// `max` of them: past it, the shortest gaps are closed, never a busy time
// dropped.
TEST(BusySpans, MergesAndClosesTheShortestGapsPastTheMost) {
  using Spans = std::vector<std::pair<std::int64_t, std::int64_t>>;
  BusySpans few(10);
  for (auto [s, e] : Spans{{50, 60}, {10, 20}, {15, 30}, {30, 40}, {70, 70}, {45, 46}})
    few.add(s, e);
  EXPECT_EQ(std::move(few).take(), (Spans{{10, 40}, {45, 46}, {50, 60}}));

  // 10,000 one-unit spans, gaps of 1 to 4 units cycling and one of 100:
  // memory stays bounded while adding (merged each 2 × max), and the
  // answer's 3 spans cover every one added.
  BusySpans many(3);
  std::int64_t at = 0;
  Spans added;
  for (int i = 0; i < 10'000; ++i) {
    at += (i == 5'000 ? 100 : 1 + i % 4);
    added.emplace_back(at, at + 1);
    at += 1;
  }
  std::reverse(added.begin(), added.end());
  for (auto [s, e] : added) many.add(s, e);
  Spans got = std::move(many).take();
  ASSERT_EQ(got.size(), 3u);
  // The 100-unit gap is the longest: never closed.
  EXPECT_EQ(got.front().first, added.back().first);
  EXPECT_EQ(got.back().second, added.front().second);
  for (auto [s, e] : added)
    EXPECT_TRUE(std::any_of(got.begin(), got.end(),
                            [&](const auto& g) { return g.first <= s && e <= g.second; }));
  bool apart_at_100 = false;
  for (std::size_t i = 1; i < got.size(); ++i)
    apart_at_100 = apart_at_100 || got[i].first - got[i - 1].second == 100;
  EXPECT_TRUE(apart_at_100);

  // Gaps all alike: just enough of them closed, the earliest.
  BusySpans even(4);
  for (std::int64_t i = 0; i < 10; ++i) even.add(10 * i, 10 * i + 5);
  EXPECT_EQ(std::move(even).take(), (Spans{{0, 65}, {70, 75}, {80, 85}, {90, 95}}));
}

// A subscription's address: http, https, or webcal (read over https),
// trimmed; anything else refused, as a blank or long name.
TEST(Subscriptions, AddressesAreHttpHttpsOrWebcal) {
  auto r = parse_subscription({{"url", " webcal://example.org/a.ics "}, {"name", " Mairie "}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->url, "https://example.org/a.ics");
  EXPECT_EQ(r->name, "Mairie");
  EXPECT_EQ(parse_subscription({{"url", "WEBCALS://example.org/x"}})->url, "https://example.org/x");
  EXPECT_EQ(parse_subscription({{"url", "http://10.0.0.1:8080/x?y=1"}})->url,
            "http://10.0.0.1:8080/x?y=1");
  for (const json::value& bad :
       {json::value("file:///etc/passwd"), json::value("javascript:alert(1)"),
        json::value("webcal://"), json::value("gopher://example.org/"),
        json::value("https://example.org/" + std::string(2040, 'a')), json::value(42)}) {
    auto refused = parse_subscription({{"url", bad}});
    ASSERT_FALSE(refused) << json::serialize(bad);
    EXPECT_EQ(refused.error().reason, "invalid_url") << json::serialize(bad);
  }
  for (const json::value& bad :
       {json::value(""), json::value(std::string(101, 'a')), json::value(7)})
    EXPECT_EQ(parse_subscription({{"name", bad}}).error().reason, "invalid_name");
}

}  // namespace
}  // namespace ruche::calendar
