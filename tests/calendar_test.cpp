// The calendar module through the real server (docs/calendar.md): events
// through the JSON API, their occurrences, rights, personal calendars,
// CalDAV and the JSON API on the same objects, sync tokens, live events,
// search, export and import. Run on SQLite (label integration) and
// PostgreSQL (label pg). Real CalDAV clients: tests/caldav_clients.sh.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "core/crypto/random.hpp"
#include "core/testing/origin.hpp"
#include "modules/calendar/service.hpp"
#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

struct Cal {
  TestServer& s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Équipe", {"calendar"});
  Cal(TestServer& server) : s(server) { s.join(a, ws, b); }

  Reply create(const Account& who, json::object fields, const std::string& in = {}) {
    const std::string path =
        in == "me" ? "/api/v1/me/calendar/events"
                   : "/api/v1/workspaces/" + (in.empty() ? ws : in) + "/calendar/events";
    return s.call("POST", path, who.token, body(fields));
  }
  std::string created(json::object fields) {
    auto r = create(a, std::move(fields));
    if (r.status != 201) throw std::runtime_error("create: " + r.raw.body);
    return str(r.body, "id");
  }
  Reply patch(const Account& who, const std::string& id, json::object fields, Headers h = {}) {
    return s.call("PATCH", "/api/v1/calendar/events/" + id, who.token, body(fields), std::move(h));
  }
  // "title@start" of each occurrence in [from, to).
  std::vector<std::string> occurrences(const std::string& from, const std::string& to,
                                       const Account* who = nullptr, bool mine = false) {
    const std::string path =
        mine ? "/api/v1/me/calendar/events" : "/api/v1/workspaces/" + ws + "/calendar/events";
    auto r = s.call("GET", path + "?from=" + from + "&to=" + to, (who ? *who : a).token);
    if (r.status != 200) throw std::runtime_error("list: " + r.raw.body);
    std::vector<std::string> out;
    for (const auto& o : r.body.as_array()) out.push_back(str(o, "title") + "@" + str(o, "start"));
    return out;
  }
  // The weekly meeting (kMeeting) from Monday 1 March 2027, at 10:00 in
  // Paris, in Alice's own calendar, with `attendees`.
  Reply weekly(json::array attendees, const std::string& rrule = "FREQ=WEEKLY;COUNT=3");
  std::string dav(const Account& who) { return "/dav/calendars/" + who.id.str() + "/" + ws + "/"; }
  // Someone who shares another workspace with Alice, not this one.
  Account colleague(const std::string& name) {
    Account who = s.user(name);
    if (other.empty()) other = s.workspace(a, "Autre", {"chat"});
    s.join(a, other, who);
    return who;
  }
  std::string other;
};

const json::object kMeeting{{"title", "Point hebdo"},         {"start", "2027-02-01T09:00:00Z"},
                            {"end", "2027-02-01T10:00:00Z"},  {"timezone", "Europe/Paris"},
                            {"rrule", "FREQ=WEEKLY;COUNT=3"}, {"location", "Salle 2"}};

// Two people change one event at once, a field each: every change
// acknowledged is kept, each with an ETag of its own (on PostgreSQL a write
// reads at READ COMMITTED: the event it changes is locked as read).
TEST(Calendar, ChangesMadeAtOnceAreAllKept) {
  TestServer s;
  Cal k(s);
  const std::string id = k.created(
      {{"title", "Atelier"}, {"start", "2027-03-12T14:00:00Z"}, {"end", "2027-03-12T16:00:00Z"}});
  constexpr int kEach = 25;
  std::vector<std::string> etags[2];
  std::vector<std::thread> people;
  for (int w = 0; w < 2; ++w)
    people.emplace_back([&, w] {
      const std::string field = w == 0 ? "title" : "location";
      for (int i = 0; i < kEach; ++i) {
        auto r = k.patch(w == 0 ? k.a : k.b, id, {{field, field + " " + std::to_string(i)}});
        if (r.status == 200) etags[w].push_back(r.raw.header("ETag").value_or(""));
      }
    });
  for (auto& t : people) t.join();
  ASSERT_EQ(etags[0].size() + etags[1].size(), 2u * kEach) << "each change acknowledged";
  std::set<std::string> given(etags[0].begin(), etags[0].end());
  given.insert(etags[1].begin(), etags[1].end());
  EXPECT_EQ(given.size(), 2u * kEach) << "an ETag given twice";
  auto e = s.call("GET", "/api/v1/calendar/events/" + id, k.a.token);
  ASSERT_EQ(e.status, 200);
  EXPECT_EQ(str(e.body, "title"), "title 24");
  EXPECT_EQ(str(e.body, "location"), "location 24");
}

TEST(Calendar, EventsCreatedListedChangedAndDeleted) {
  TestServer s;
  Cal k(s);
  auto r = k.create(k.a, kMeeting);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id");
  EXPECT_EQ(str(r.body, "title"), "Point hebdo");
  EXPECT_EQ(str(r.body, "workspace_id"), k.ws);
  EXPECT_EQ(str(r.body, "start"), "2027-02-01T09:00:00.000Z");
  EXPECT_EQ(str(r.body, "timezone"), "Europe/Paris");
  EXPECT_EQ(str(r.body, "rrule"), "FREQ=WEEKLY;COUNT=3");
  EXPECT_TRUE(r.body.at("recurring").as_bool());
  EXPECT_EQ(str(r.body, "created_by"), k.a.id.str());
  const std::string etag = r.raw.header("ETag").value_or("");
  EXPECT_EQ(etag, "\"" + std::to_string(r.body.at("version").as_int64()) + "\"");

  auto all_day =
      k.create(k.b, {{"title", "Séminaire"}, {"start", "2027-02-09"}, {"end", "2027-02-11"}});
  ASSERT_EQ(all_day.status, 201) << all_day.raw.body;
  EXPECT_TRUE(all_day.body.at("all_day").as_bool());
  EXPECT_EQ(str(all_day.body, "end"), "2027-02-11");

  EXPECT_EQ(k.occurrences("2027-02-01", "2027-03-01"),
            (std::vector<std::string>{
                "Point hebdo@2027-02-01T09:00:00.000Z", "Point hebdo@2027-02-08T09:00:00.000Z",
                "Séminaire@2027-02-09", "Point hebdo@2027-02-15T09:00:00.000Z"}));
  EXPECT_EQ(k.occurrences("2027-02-10T00:00:00Z", "2027-02-10T12:00:00Z"),
            std::vector<std::string>{"Séminaire@2027-02-09"});

  // Bob renames it with the ETag; the rule and the place stay.
  auto p = k.patch(k.b, id, {{"title", "Point d'équipe"}}, {{"If-Match", etag}});
  ASSERT_EQ(p.status, 200) << p.raw.body;
  EXPECT_EQ(str(p.body, "rrule"), "FREQ=WEEKLY;COUNT=3");
  EXPECT_EQ(str(p.body, "location"), "Salle 2");
  EXPECT_GT(p.body.at("version").as_int64(), r.body.at("version").as_int64());
  EXPECT_EQ(k.patch(k.a, id, {{"title", "stale"}}, {{"If-Match", etag}}).status, 412);
  EXPECT_EQ(s.call("DELETE", "/api/v1/calendar/events/" + id, k.a.token, std::nullopt,
                   {{"If-Match", etag}})
                .status,
            412);
  // Moved an hour later, the rule removed.
  p = k.patch(
      k.a, id,
      {{"start", "2027-02-01T10:00:00Z"}, {"end", "2027-02-01T11:00:00Z"}, {"rrule", nullptr}});
  ASSERT_EQ(p.status, 200) << p.raw.body;
  EXPECT_TRUE(p.body.at("rrule").is_null());
  EXPECT_EQ(k.occurrences("2027-02-01", "2027-02-09"),
            std::vector<std::string>{"Point d'équipe@2027-02-01T10:00:00.000Z"});

  // Bad input: a clear code, nothing changed.
  auto code = [&](json::object f) { return k.create(k.a, std::move(f)).error_code(); };
  EXPECT_EQ(
      code({{"title", ""}, {"start", "2027-02-01T09:00:00Z"}, {"end", "2027-02-01T10:00:00Z"}}),
      "invalid_title");
  EXPECT_EQ(
      code({{"title", "x"}, {"start", "2027-02-01T09:00:00Z"}, {"end", "2027-02-01T08:00:00Z"}}),
      "invalid_time");
  EXPECT_EQ(code({{"title", "x"}, {"start", "2027-02-01T09:00:00Z"}}), "invalid_event");
  EXPECT_EQ(code({{"title", "x"},
                  {"start", "2027-02-01T09:00:00Z"},
                  {"end", "2027-02-01T10:00:00Z"},
                  {"rrule", "EVERY DAY"}}),
            "invalid_rrule");
  EXPECT_EQ(code({{"title", "x"},
                  {"start", "2027-02-01T09:00:00Z"},
                  {"end", "2027-02-01T10:00:00Z"},
                  {"timezone", "Atlantis/Capital"}}),
            "invalid_timezone");
  EXPECT_EQ(k.patch(k.a, id, {{"title", 4}}).error_code(), "invalid_field");
  for (std::string q : {"?from=2027-02-01", "?from=2027-03-01&to=2027-02-01",
                        "?from=2027-01-01&to=2028-03-01", "?from=soon&to=later"}) {
    auto bad = s.call("GET", "/api/v1/workspaces/" + k.ws + "/calendar/events" + q, k.a.token);
    EXPECT_EQ(bad.status, 400) << q;
    EXPECT_EQ(bad.error_code(), "invalid_range") << q;
  }
  EXPECT_EQ(k.occurrences("2027-02-01", "2027-03-01").size(), 2u);

  ASSERT_EQ(s.call("DELETE", "/api/v1/calendar/events/" + id, k.b.token).status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/calendar/events/" + id, k.a.token).status, 404);
  EXPECT_EQ(k.occurrences("2027-02-01", "2027-03-01"),
            std::vector<std::string>{"Séminaire@2027-02-09"});
  EXPECT_EQ(s.audit_count("calendar.event_deleted"), 1);
}

TEST(Calendar, ReadersReadWritersWriteOthersSeeNothing) {
  TestServer s;
  Cal k(s);
  Account c = s.user("Carol"), outsider = s.user("Dan");
  s.join(k.a, k.ws, c);
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + k.ws + "/members/" + c.id.str(), k.a.token,
                   body(json::object{{"rights", json::object{{"calendar", "read"}}}}))
                .status,
            200);
  const std::string id = k.created(kMeeting);
  auto got = s.call("GET", "/api/v1/calendar/events/" + id, c.token);
  ASSERT_EQ(got.status, 200);
  const std::string object = k.dav(c) + str(got.body, "uid") + ".ics";
  EXPECT_EQ(s.call("GET", object, c.token).status, 200);
  for (auto r : {k.create(c, kMeeting), k.patch(c, id, {{"title", "hers"}}),
                 s.call("DELETE", "/api/v1/calendar/events/" + id, c.token),
                 s.call("DELETE", object, c.token)}) {
    EXPECT_EQ(r.status, 403) << r.raw.body;
  }
  // Outside the workspace: nothing, through either door.
  const std::string theirs = "/dav/calendars/" + outsider.id.str() + "/" + k.ws + "/";
  for (auto r :
       {s.call("GET", "/api/v1/calendar/events/" + id, outsider.token),
        k.patch(outsider, id, {{"title", "x"}}),
        s.call("DELETE", "/api/v1/calendar/events/" + id, outsider.token),
        k.create(outsider, kMeeting),
        s.call("GET",
               "/api/v1/workspaces/" + k.ws + "/calendar/events?from=2027-02-01&to=2027-03-01",
               outsider.token),
        s.call("PROPFIND", theirs, outsider.token),
        s.call("GET", theirs + str(got.body, "uid") + ".ics", outsider.token),
        s.call("PROPFIND", k.dav(k.a), outsider.token)}) {
    EXPECT_EQ(r.status, 404) << r.raw.body;
  }
  EXPECT_EQ(s.call("PROPFIND", k.dav(k.a), "").status, 401);

  // A personal event is its owner's alone; "mine" merges it with the
  // workspace calendars the caller reads.
  auto personal = k.create(
      c,
      {{"title", "Dentiste"}, {"start", "2027-02-02T15:00:00Z"}, {"end", "2027-02-02T16:00:00Z"}},
      "me");
  ASSERT_EQ(personal.status, 201) << personal.raw.body;
  EXPECT_TRUE(personal.body.at("workspace_id").is_null());
  const std::string pid = str(personal.body, "id");
  EXPECT_EQ(s.call("GET", "/api/v1/calendar/events/" + pid, k.a.token).status, 404);
  EXPECT_EQ(k.patch(k.a, pid, {{"title", "x"}}).status, 404);
  EXPECT_EQ(k.occurrences("2027-02-01", "2027-02-08", &c, true),
            (std::vector<std::string>{"Point hebdo@2027-02-01T09:00:00.000Z",
                                      "Dentiste@2027-02-02T15:00:00.000Z"}));
  EXPECT_EQ(k.occurrences("2027-02-01", "2027-02-08", &outsider, true), std::vector<std::string>{});
  EXPECT_EQ(
      s.call("GET",
             "/dav/calendars/" + c.id.str() + "/personal/" + str(personal.body, "uid") + ".ics",
             c.token)
          .status,
      200);

  // Without the module, its calendar is not there.
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + k.ws, k.a.token,
                   body(json::object{{"modules", json::array{"chat"}}}))
                .status,
            200);
  EXPECT_EQ(s.call("GET", "/api/v1/calendar/events/" + id, k.a.token).status, 404);
  EXPECT_EQ(k.occurrences("2027-02-01", "2027-02-08", &c, true),
            std::vector<std::string>{"Dentiste@2027-02-02T15:00:00.000Z"});
  EXPECT_EQ(s.call("PROPFIND", k.dav(k.a), k.a.token).status, 404);
}

constexpr std::string_view kTheirs =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Some "
    "App//EN\r\nBEGIN:VEVENT\r\nUID:from-an-app\r\n"
    "DTSTAMP:20270101T000000Z\r\nDTSTART:20270203T130000Z\r\nDTEND:20270203T140000Z\r\nSUMMARY:"
    "Déjeuner\r\n"
    "X-APP-COLOR:teal\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:bientôt\r\nTRIGGER:-"
    "PT10M\r\n"
    "END:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

// The hrefs and statuses of a multistatus, in order ("href 200").
std::vector<std::string> responses(const std::string& xml) {
  std::vector<std::string> out;
  for (std::size_t at = xml.find("<D:response>"); at != std::string::npos;
       at = xml.find("<D:response>", at + 1)) {
    const auto h = xml.find("<D:href>", at) + 8;
    const auto end = xml.find("</D:response>", at);
    std::string href = xml.substr(h, xml.find("</D:href>", h) - h);
    if (!href.empty() && href.back() == '/') href.pop_back();
    const auto st = xml.find("HTTP/1.1 ", h);
    out.push_back(href.substr(href.rfind('/') + 1) + " " +
                  (st < end ? xml.substr(st + 9, 3) : "?"));
  }
  return out;
}

std::string sync_token(const std::string& xml) {
  const auto at = xml.find("<D:sync-token>") + 14;
  return xml.substr(at, xml.find("</D:sync-token>", at) - at);
}

TEST(Calendar, CalDavAndTheJsonApiShareObjects) {
  TestServer s;
  Cal k(s);
  const std::string cal = k.dav(k.a);
  const std::string sync_body =
      "<D:sync-collection "
      "xmlns:D=\"DAV:\"><D:sync-token>{}</D:sync-token><D:sync-level>1</D:sync-level>"
      "<D:prop><D:getetag/></D:prop></D:sync-collection>";
  auto sync = [&](const std::string& token) {
    std::string b = sync_body;
    b.replace(b.find("{}"), 2, token);
    return s.call("REPORT", cal, k.a.token, b,
                  {{"Content-Type", "application/xml"}, {"Depth", "1"}});
  };
  auto first = sync("");
  ASSERT_EQ(first.status, 207) << first.raw.body;
  const std::string t0 = sync_token(first.raw.body);

  auto put = s.call("PUT", cal + "lunch.ics", k.a.token, std::string(kTheirs),
                    {{"Content-Type", "text/calendar"}, {"If-None-Match", "*"}});
  ASSERT_EQ(put.status, 201) << put.raw.body;
  const std::string etag = put.raw.header("ETag").value_or("");
  ASSERT_FALSE(etag.empty());
  // Kept byte for byte, the same for Bob under his own home (and only there).
  EXPECT_EQ(s.call("GET", cal + "lunch.ics", k.b.token).status, 404);
  auto back = s.call("GET", k.dav(k.b) + "lunch.ics", k.b.token);
  ASSERT_EQ(back.status, 200);
  EXPECT_EQ(back.raw.body, kTheirs);
  EXPECT_EQ(back.raw.header("ETag").value_or(""), etag);
  EXPECT_EQ(
      s.call("PUT", cal + "lunch.ics", k.a.token, std::string(kTheirs), {{"If-None-Match", "*"}})
          .status,
      412);
  EXPECT_EQ(
      s.call("PUT", cal + "lunch.ics", k.a.token, std::string(kTheirs), {{"If-Match", "\"999\""}})
          .status,
      412);
  // Bad objects are refused with their precondition, and nothing is stored.
  auto bad = s.call("PUT", cal + "bad.ics", k.a.token, std::string("BEGIN:VCALENDAR\r\nnonsense"));
  EXPECT_EQ(bad.status, 403);
  EXPECT_NE(bad.raw.body.find("valid-calendar-data"), std::string::npos) << bad.raw.body;
  auto twice = s.call("PUT", cal + "again.ics", k.a.token, std::string(kTheirs));
  EXPECT_EQ(twice.status, 409);
  EXPECT_NE(twice.raw.body.find("no-uid-conflict"), std::string::npos) << twice.raw.body;
  EXPECT_EQ(s.call("GET", cal + "bad.ics", k.a.token).status, 404);

  // The JSON API sees it, edits it, and keeps what it does not know.
  auto list =
      s.call("GET", "/api/v1/workspaces/" + k.ws + "/calendar/events?from=2027-02-03&to=2027-02-04",
             k.a.token);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body.as_array().size(), 1u);
  const std::string id = str(list.body.as_array()[0], "event_id");
  ASSERT_EQ(k.patch(k.b, id, {{"title", "Déjeuner d'équipe"}}, {{"If-Match", etag}}).status, 200);
  back = s.call("GET", cal + "lunch.ics", k.a.token);
  EXPECT_NE(back.raw.body.find("SUMMARY:Déjeuner d'équipe"), std::string::npos) << back.raw.body;
  EXPECT_NE(back.raw.body.find("X-APP-COLOR:teal"), std::string::npos);
  EXPECT_NE(back.raw.body.find("TRIGGER:-PT10M"), std::string::npos);
  EXPECT_NE(back.raw.header("ETag").value_or(""), etag);

  // An event made through the JSON API is an object of the collection.
  k.created(kMeeting);
  auto depth1 =
      s.call("PROPFIND", cal, k.a.token,
             std::string("<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/></D:prop></D:propfind>"),
             {{"Depth", "1"}});
  ASSERT_EQ(depth1.status, 207);
  EXPECT_EQ(responses(depth1.raw.body).size(), 3u) << depth1.raw.body;

  // A calendar-query with a time range finds the recurring event's third week.
  auto query = s.call(
      "REPORT", cal, k.a.token,
      std::string("<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
                  "<D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter>"
                  "<C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">"
                  "<C:time-range start=\"20270215T000000Z\" end=\"20270216T000000Z\"/>"
                  "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"),
      {{"Depth", "1"}});
  ASSERT_EQ(query.status, 207) << query.raw.body;
  ASSERT_EQ(responses(query.raw.body).size(), 1u) << query.raw.body;
  EXPECT_NE(query.raw.body.find("Point hebdo"), std::string::npos);

  // Sync: what changed since t0, then only the deletion since.
  auto since0 = sync(t0);
  ASSERT_EQ(since0.status, 207);
  EXPECT_EQ(responses(since0.raw.body).size(), 2u) << since0.raw.body;
  const std::string t1 = sync_token(since0.raw.body);
  ASSERT_EQ(s.call("DELETE", cal + "lunch.ics", k.a.token).status, 204);
  auto since1 = sync(t1);
  EXPECT_EQ(responses(since1.raw.body), std::vector<std::string>{"lunch.ics 404"})
      << since1.raw.body;
  EXPECT_EQ(s.call("GET", "/api/v1/calendar/events/" + id, k.a.token).status, 404);
  auto forged = sync("urn:ruche:sync:99999");
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(forged.raw.body.find("valid-sync-token"), std::string::npos);
  EXPECT_EQ(sync("http://elsewhere/1").status, 403);
  // Calendars come with workspaces.
  EXPECT_EQ(s.call("MKCALENDAR", "/dav/calendars/" + k.a.id.str() + "/new/", k.a.token).status,
            403);
  EXPECT_EQ(s.call("DELETE", cal, k.a.token).status, 403);
}

// "title:partstat" of each occurrence `who` sees in their own view.
std::vector<std::string> answers(Cal& k, const Account& who) {
  auto r = k.s.call("GET", "/api/v1/me/calendar/events?from=2027-03-01&to=2027-04-01", who.token);
  if (r.status != 200) throw std::runtime_error("list: " + r.raw.body);
  std::vector<std::string> out;
  for (const auto& o : r.body.as_array())
    out.push_back(str(o, "title") + ":" + (o.at("partstat").is_null() ? "-" : str(o, "partstat")));
  return out;
}

// "email:partstat" of an event's attendees.
std::vector<std::string> attendees_of(const json::value& event) {
  std::vector<std::string> out;
  for (const auto& a : event.at("attendees").as_array())
    out.push_back(str(a, "email") + ":" + str(a, "partstat"));
  return out;
}

TEST(Calendar, ColleaguesAreInvitedAndAnswer) {
  TestServer s;
  Cal k(s);
  // Carol shares another workspace with Alice, not the calendar's; Dave
  // shares nothing with her.
  Account carol = k.colleague("Carol"), dave = s.user("Dave");
  auto alice_live = connect_events(s, k.a);
  auto bob_live = connect_events(s, k.b);
  auto carol_live = connect_events(s, carol);
  auto invite = [&](json::array who) {
    json::object f{{"title", "Revue"},
                   {"start", "2027-03-10T09:00:00Z"},
                   {"end", "2027-03-10T10:00:00Z"},
                   {"attendees", std::move(who)}};
    return k.create(k.a, std::move(f), "me");
  };
  auto r = invite({json::object{{"user_id", k.b.id.str()}}, json::object{{"email", carol.email}},
                   json::object{{"email", "zoe@example.org"}, {"name", "Zoé"}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id");
  EXPECT_EQ(str(r.body.at("organizer"), "email"), k.a.email);
  EXPECT_EQ(str(r.body.at("organizer"), "name"), "Alice");
  EXPECT_EQ(attendees_of(r.body),
            (std::vector<std::string>{k.b.email + ":needs-action", carol.email + ":needs-action",
                                      "zoe@example.org:needs-action"}));
  EXPECT_EQ(str(r.body.at("attendees").at(1), "name"), "Carol");  // found by her address
  // Colleagues hear of it live, wherever the event is.
  for (auto* live : {bob_live.get(), carol_live.get()}) {
    auto notice = until(*live, "calendar.invited");
    ASSERT_TRUE(notice.is_object());
    EXPECT_EQ(str(notice.at("data"), "id"), id);
    EXPECT_EQ(str(notice.at("data"), "title"), "Revue");
    EXPECT_EQ(str(notice.at("data").at("organizer"), "email"), k.a.email);
  }
  // And find it later among their notices (Carol too: the event is in no
  // workspace of hers).
  for (const Account* who : {&k.b, &carol}) {
    auto kept = s.call("GET", "/api/v1/me/notices", who->token);
    ASSERT_EQ(kept.status, 200) << kept.raw.body;
    ASSERT_EQ(kept.body.at("notices").as_array().size(), 1u) << kept.raw.body;
    EXPECT_EQ(str(kept.body.at("notices").at(0), "type"), "calendar.invited");
    EXPECT_EQ(str(kept.body.at("notices").at(0).at("data"), "id"), id);
    EXPECT_EQ(kept.body.at("unread").as_int64(), 1);
  }

  // Nobody outside Alice's workspaces by id; not Alice herself; nothing made.
  EXPECT_EQ(invite({json::object{{"user_id", dave.id.str()}}}).error_code(), "invalid_attendees");
  EXPECT_EQ(invite({json::object{{"email", k.a.email}}}).error_code(), "invalid_attendees");
  EXPECT_EQ(
      invite({json::object{{"email", "x@example.org"}}, json::object{{"email", "X@example.org"}}})
          .error_code(),
      "invalid_attendees");
  EXPECT_EQ(answers(k, k.a), std::vector<std::string>{"Revue:-"});

  // Bob and Carol find it in their own view, though it is Alice's own
  // calendar; Dave does not. They read it, and only answer it.
  EXPECT_EQ(answers(k, k.b), std::vector<std::string>{"Revue:needs-action"});
  EXPECT_EQ(answers(k, carol), std::vector<std::string>{"Revue:needs-action"});
  EXPECT_TRUE(answers(k, dave).empty());
  const std::string path = "/api/v1/calendar/events/" + id;
  EXPECT_EQ(s.call("GET", path, k.b.token).status, 200);
  EXPECT_EQ(s.call("GET", path, dave.token).status, 404);
  EXPECT_EQ(k.patch(k.b, id, {{"title", "Mine now"}}).error_code(), "read_only");
  EXPECT_EQ(s.call("DELETE", path, carol.token).error_code(), "read_only");
  EXPECT_EQ(k.patch(dave, id, {{"title", "x"}}).status, 404);

  auto reply = [&](const Account& who, std::string_view partstat) {
    return s.call("POST", path + "/reply", who.token, body(json::object{{"partstat", partstat}}));
  };
  auto yes = reply(k.b, "accepted");
  ASSERT_EQ(yes.status, 200) << yes.raw.body;
  auto answered = until(*alice_live, "calendar.answered");  // the organizer hears of it
  ASSERT_TRUE(answered.is_object());
  EXPECT_EQ(str(answered.at("data"), "id"), id);
  EXPECT_EQ(str(answered.at("data").at("attendee"), "email"), k.b.email);
  EXPECT_EQ(str(answered.at("data").at("attendee"), "partstat"), "accepted");
  EXPECT_GT(yes.body.at("version").as_int64(), r.body.at("version").as_int64());
  EXPECT_EQ(reply(carol, "tentative").status, 200);
  EXPECT_EQ(reply(k.b, "maybe").error_code(), "invalid_partstat");
  // Sealed answers are an armoured calendar's (docs/armoured.md, "Attendees").
  EXPECT_EQ(s.call("POST", path + "/reply", k.b.token,
                   body(json::object{{"sealed_answers", "e2e1:1:a:b:c"}}))
                .error_code(),
            "not_armoured");
  EXPECT_EQ(reply(dave, "accepted").status, 404);
  EXPECT_EQ(reply(k.a, "accepted").error_code(), "not_invited");
  auto seen = s.call("GET", path, k.a.token);
  EXPECT_EQ(attendees_of(seen.body),
            (std::vector<std::string>{k.b.email + ":accepted", carol.email + ":tentative",
                                      "zoe@example.org:needs-action"}));
  EXPECT_EQ(answers(k, k.b), std::vector<std::string>{"Revue:accepted"});

  // Calendar applications show invitations in a read-only calendar of their
  // own (RFC 4791), with the answers.
  const std::string invitations = "/dav/calendars/" + carol.id.str() + "/invitations/";
  auto listed = s.call("PROPFIND", "/dav/calendars/" + carol.id.str() + "/", carol.token,
                       std::string(), {{"Depth", "1"}});
  ASSERT_EQ(listed.status, 207);
  EXPECT_NE(listed.raw.body.find(invitations), std::string::npos) << listed.raw.body;
  auto in_app = s.call("GET", invitations + id + ".ics", carol.token);
  ASSERT_EQ(in_app.status, 200) << in_app.raw.body;
  EXPECT_NE(in_app.raw.body.find("PARTSTAT=TENTATIVE"), std::string::npos) << in_app.raw.body;
  // Carol's application accepts: her answer is taken, nothing else.
  std::string accepted = in_app.raw.body;
  const auto at = accepted.find("PARTSTAT=TENTATIVE");
  accepted.replace(at, 18, "PARTSTAT=ACCEPTED");
  std::string renamed = accepted;
  renamed.replace(renamed.find("SUMMARY:Revue"), 13, "SUMMARY:Mine");
  EXPECT_EQ(s.call("PUT", invitations + id + ".ics", carol.token, renamed, {{"If-Match", "\"0\""}})
                .status,
            412);
  EXPECT_EQ(s.call("PUT", invitations + id + ".ics", carol.token, renamed,
                   {{"If-Match", in_app.raw.header("ETag").value_or("")}})
                .status,
            204);
  seen = s.call("GET", path, k.a.token);
  EXPECT_EQ(str(seen.body, "title"), "Revue");
  EXPECT_EQ(attendees_of(seen.body)[1], carol.email + ":accepted");
  // Nothing new is made there.
  auto made = s.call("PUT", invitations + "new.ics", carol.token, accepted);
  EXPECT_EQ(made.status, 403);
  EXPECT_NE(made.raw.body.find("need-privileges"), std::string::npos) << made.raw.body;
  EXPECT_EQ(
      s.call("PUT", invitations + id + ".ics", carol.token, accepted.substr(0, accepted.size() / 2))
          .status,
      403);
  EXPECT_EQ(
      s.call("GET", "/dav/calendars/" + dave.id.str() + "/invitations/" + id + ".ics", dave.token)
          .status,
      404);

  // Deleted from her application: declined, and no longer listed there.
  ASSERT_EQ(s.call("DELETE", invitations + id + ".ics", carol.token).status, 204);
  EXPECT_EQ(s.call("GET", invitations + id + ".ics", carol.token).status, 404);
  EXPECT_EQ(answers(k, carol), std::vector<std::string>{"Revue:declined"});

  // A new list keeps the answers of those who stay; Carol leaves it.
  auto changed = k.patch(k.a, id,
                         {{"attendees", json::array{json::object{{"email", k.b.email}},
                                                    json::object{{"email", "zoe@example.org"}}}}});
  ASSERT_EQ(changed.status, 200) << changed.raw.body;
  EXPECT_EQ(attendees_of(changed.body),
            (std::vector<std::string>{k.b.email + ":accepted", "zoe@example.org:needs-action"}));
  EXPECT_TRUE(answers(k, carol).empty());
  EXPECT_EQ(s.call("GET", path, carol.token).status, 404);
  auto cancelled = until(*carol_live, "calendar.invitation_cancelled");
  ASSERT_TRUE(cancelled.is_object());
  EXPECT_EQ(str(cancelled.at("data"), "id"), id);
  EXPECT_EQ(s.call("GET", invitations + id + ".ics", carol.token).status, 404);
  // A title change alone leaves the list as it is.
  ASSERT_EQ(k.patch(k.a, id, {{"title", "Revue annuelle"}}).status, 200);
  EXPECT_EQ(answers(k, k.b), std::vector<std::string>{"Revue annuelle:accepted"});

  // Deleted: gone from everyone's view.
  ASSERT_EQ(s.call("DELETE", path, k.a.token).status, 204);
  EXPECT_TRUE(answers(k, k.b).empty());
  EXPECT_EQ(reply(k.b, "declined").status, 404);
}

// Free/busy (docs/calendar.md "Free and busy"): when colleagues are taken,
// from their own calendar, the meetings they organize and the invitations
// they have not declined; never what the events are.
TEST(Calendar, FreeBusyTellsWhenColleaguesAreTakenAndNothingElse) {
  TestServer s;
  Cal k(s);
  Account carol = k.colleague("Carol"), dave = s.user("Dave");
  auto at = [](const char* hm) { return std::string("2027-03-10T") + hm + ":00Z"; };
  auto event = [&](const Account& who, const char* title, const char* from, const char* to,
                   const std::string& in, json::object extra = {}) {
    json::object f{{"title", title}, {"start", at(from)}, {"end", at(to)}};
    for (auto& [key, v] : extra) f[key] = v;
    auto r = k.create(who, std::move(f), in);
    if (r.status != 201) throw std::runtime_error("create: " + r.raw.body);
    return str(r.body, "id");
  };
  event(k.b, "Dentiste", "09:00", "10:00", "me");
  event(k.b, "Trajet", "09:30", "11:00", "me");  // overlaps: one span
  ASSERT_EQ(
      k.create(k.b, {{"title", "Congé"}, {"start", "2027-03-10"}, {"end", "2027-03-11"}}, "me")
          .status,
      201);                                                 // all day: free
  event(k.b, "Permanence d'équipe", "12:00", "13:00", "");  // the team's calendar: not his time
  event(k.a, "Revue", "14:00", "15:00", "me",
        {{"attendees", json::array{json::object{{"user_id", k.b.id.str()}}}}});
  const std::string refused =
      event(k.a, "Pot", "16:00", "17:00", "",
            {{"attendees", json::array{json::object{{"user_id", k.b.id.str()}}}}});
  ASSERT_EQ(s.call("POST", "/api/v1/calendar/events/" + refused + "/reply", k.b.token,
                   body(json::object{{"partstat", "declined"}}))
                .status,
            200);
  ASSERT_EQ(k.create(carol,
                     {{"title", "Yoga"},
                      {"start", "2027-03-03T07:00:00Z"},
                      {"end", "2027-03-03T08:00:00Z"},
                      {"rrule", "FREQ=WEEKLY"}},
                     "me")
                .status,
            201);

  auto busy = [&](const Account& asker, const std::string& users,
                  const std::string& from = "2027-03-10", const std::string& to = "2027-03-11") {
    return s.call("GET", "/api/v1/calendar/freebusy?users=" + users + "&from=" + from + "&to=" + to,
                  asker.token);
  };
  auto spans = [](const json::value& person) {
    std::vector<std::string> out;
    for (const auto& b : person.at("busy").as_array())
      out.push_back(str(b, "start").substr(11, 5) + "-" + str(b, "end").substr(11, 5));
    return out;
  };
  // A calendar application's event marked free (TRANSP) takes no time.
  const std::string free_time =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:free-1\r\n"
      "DTSTAMP:20270101T000000Z\r\nDTSTART:20270310T180000Z\r\nDTEND:20270310T190000Z\r\n"
      "SUMMARY:Lecture\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  ASSERT_EQ(
      s.call("PUT", "/dav/calendars/" + k.b.id.str() + "/personal/free-1.ics", k.b.token, free_time)
          .status,
      201);
  // Each person once, where first asked.
  auto r = busy(k.a, k.b.id.str() + "," + k.a.id.str() + "," + carol.id.str() + "," + k.b.id.str());
  ASSERT_EQ(r.status, 200) << r.raw.body;
  ASSERT_EQ(r.body.as_array().size(), 3u);
  EXPECT_EQ(str(r.body.at(0), "user_id"), k.b.id.str());
  EXPECT_EQ(spans(r.body.at(0)), (std::vector<std::string>{"09:00-11:00", "14:00-15:00"}));
  EXPECT_EQ(spans(r.body.at(1)),
            (std::vector<std::string>{"14:00-15:00", "16:00-17:00"}));  // Alice organizes both
  EXPECT_EQ(spans(r.body.at(2)),
            (std::vector<std::string>{"07:00-08:00"}));  // the weekly one, this week
  for (const char* secret : {"Dentiste", "Revue", "Yoga", "Pot"})
    EXPECT_EQ(r.raw.body.find(secret), std::string::npos) << secret;
  // Spans are cut to the range asked.
  EXPECT_EQ(spans(busy(k.a, k.b.id.str(), at("09:30"), at("10:00")).body.at(0)),
            std::vector<std::string>{"09:30-10:00"});
  // At most 1,000 spans a person: half an hour every hour is 24 a day, and
  // over 60 days 1,440, of which the earliest gaps are closed.
  ASSERT_EQ(k.create(carol,
                     {{"title", "Garde"},
                      {"start", "2027-04-01T00:00:00Z"},
                      {"end", "2027-04-01T00:30:00Z"},
                      {"rrule", "FREQ=HOURLY"}},
                     "me")
                .status,
            201);
  auto day = busy(k.a, carol.id.str(), "2027-04-02", "2027-04-03");
  ASSERT_EQ(day.status, 200) << day.raw.body;
  EXPECT_EQ(day.body.at(0).at("busy").as_array().size(), 24u);
  auto months = busy(k.a, carol.id.str(), "2027-04-01", "2027-05-31");
  ASSERT_EQ(months.status, 200) << months.raw.body;
  const auto& taken = months.body.at(0).at("busy").as_array();
  ASSERT_EQ(taken.size(), 1'000u);
  EXPECT_EQ(str(taken.front(), "start"), "2027-04-01T00:00:00.000Z");
  EXPECT_EQ(str(taken.back(), "start"), "2027-05-30T23:00:00.000Z");
  EXPECT_EQ(str(taken.back(), "end"), "2027-05-30T23:30:00.000Z");

  // Only colleagues: Dave shares nothing with Alice; Carol shares nothing with Bob.
  EXPECT_EQ(busy(k.a, dave.id.str()).error_code(), "invalid_users");
  EXPECT_EQ(busy(k.b, carol.id.str()).error_code(), "invalid_users");
  EXPECT_EQ(s.call("GET", "/api/v1/calendar/freebusy?from=2027-03-10&to=2027-03-11", k.a.token)
                .error_code(),
            "invalid_users");
  EXPECT_EQ(busy(k.a, k.b.id.str(), "2027-03-10", "2027-06-10").error_code(), "invalid_range");
  std::string many;
  for (int i = 0; i < 21; ++i) many += (i ? "," : "") + k.b.id.str();
  EXPECT_EQ(busy(k.a, many).status, 400);
  EXPECT_EQ(busy(k.a, k.b.id.str() + ",").status, 400);
  // Not for external accounts, as the user directory.
  Account guest = s.user("Gus", platform::InstanceRole::guest);
  s.join(k.a, k.ws, guest);
  EXPECT_EQ(busy(guest, k.b.id.str()).status, 404);
}

// One occurrence of a recurring meeting answered apart (RFC 5546 section
// 3.2.3): by the JSON API, over CalDAV; the series follows its organizer.
Reply Cal::weekly(json::array attendees, const std::string& rrule) {
  json::object f = kMeeting;
  f["start"] = "2027-03-01T09:00:00Z";
  f["end"] = "2027-03-01T10:00:00Z";
  f["rrule"] = rrule;
  f["attendees"] = std::move(attendees);
  return create(a, f, "me");
}

TEST(Calendar, AnInviteeAnswersOneOccurrence) {
  TestServer s;
  Cal k(s);
  Account carol = k.colleague("Carol"), dave = s.user("Dave");
  auto alice_live = connect_events(s, k.a);
  auto r = k.weekly(
      json::array{json::object{{"user_id", k.b.id.str()}}, json::object{{"email", carol.email}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id");
  const std::string path = "/api/v1/calendar/events/" + id;
  auto reply = [&](const Account& who, json::object answer) {
    return s.call("POST", path + "/reply", who.token, body(answer));
  };
  // Bob comes, but not on the 8th: the occurrence names its original start.
  ASSERT_EQ(reply(k.b, {{"partstat", "accepted"}}).status, 200);
  auto mine = s.call("GET", "/api/v1/me/calendar/events?from=2027-03-01&to=2027-04-01", k.b.token);
  ASSERT_EQ(mine.body.as_array().size(), 3u) << mine.raw.body;
  const std::string second = str(mine.body.at(1), "recurrence_id");
  EXPECT_EQ(second.substr(0, 16), "2027-03-08T09:00");
  auto no = reply(k.b, {{"partstat", "declined"}, {"recurrence_id", second}});
  ASSERT_EQ(no.status, 200) << no.raw.body;
  EXPECT_EQ(answers(k, k.b),
            (std::vector<std::string>{"Point hebdo:accepted", "Point hebdo:declined",
                                      "Point hebdo:accepted"}));
  EXPECT_EQ(attendees_of(no.body)[0], k.b.email + ":accepted");  // the series
  ASSERT_EQ(no.body.at("instance_answers").as_array().size(), 1u) << no.raw.body;
  EXPECT_EQ(str(no.body.at("instance_answers").at(0), "recurrence_id"), second);
  EXPECT_EQ(str(no.body.at("instance_answers").at(0), "email"), k.b.email);
  EXPECT_EQ(str(no.body.at("instance_answers").at(0), "partstat"), "declined");
  // Alice hears which occurrence (after the answer to the series).
  until(*alice_live, "calendar.answered");
  auto heard = until(*alice_live, "calendar.answered");
  ASSERT_TRUE(heard.is_object());
  EXPECT_EQ(str(heard.at("data"), "recurrence_id"), second);
  EXPECT_EQ(str(heard.at("data").at("attendee"), "partstat"), "declined");
  // Bob is free that week only.
  auto busy = s.call(
      "GET", "/api/v1/calendar/freebusy?users=" + k.b.id.str() + "&from=2027-03-01&to=2027-03-20",
      k.a.token);
  ASSERT_EQ(busy.status, 200) << busy.raw.body;
  std::vector<std::string> days;
  for (const auto& b : busy.body.at(0).at("busy").as_array())
    days.push_back(str(b, "start").substr(0, 10));
  EXPECT_EQ(days, (std::vector<std::string>{"2027-03-01", "2027-03-15"}));

  // No occurrence starts then, or it is not one; nothing changed.
  const auto version = no.body.at("version").as_int64();
  EXPECT_EQ(reply(k.b, {{"partstat", "declined"}, {"recurrence_id", "2027-03-08T10:00:00Z"}})
                .error_code(),
            "invalid_recurrence_id");
  EXPECT_EQ(reply(k.b, {{"partstat", "declined"}, {"recurrence_id", "2027-03-22T09:00:00Z"}})
                .error_code(),
            "invalid_recurrence_id");  // after the last
  EXPECT_EQ(reply(k.b, {{"partstat", "declined"}, {"recurrence_id", "mardi"}}).error_code(),
            "invalid_recurrence_id");
  EXPECT_EQ(reply(dave, {{"partstat", "declined"}, {"recurrence_id", second}}).status, 404);
  EXPECT_EQ(reply(k.a, {{"partstat", "declined"}, {"recurrence_id", second}}).error_code(),
            "not_invited");
  EXPECT_EQ(s.call("GET", path, k.a.token).body.at("version").as_int64(), version);

  // Carol's calendar application declines the last occurrence: it sends the
  // invitation back with an override saying so; Bob's answers stay his.
  // Alice's own reminder, set from her calendar application, is hers alone.
  const std::string own =
      "/dav/calendars/" + k.a.id.str() + "/personal/" + str(r.body, "uid") + ".ics";
  std::string reminded = s.call("GET", own, k.a.token).raw.body;
  ASSERT_NE(reminded.find("END:VEVENT"), std::string::npos) << reminded;
  reminded.insert(reminded.find("END:VEVENT"),
                  "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Bientôt\r\nTRIGGER:-PT10M\r\n"
                  "END:VALARM\r\n");
  ASSERT_EQ(s.call("PUT", own, k.a.token, reminded).status, 204);
  const std::string invitation = "/dav/calendars/" + carol.id.str() + "/invitations/" + id + ".ics";
  auto got = s.call("GET", invitation, carol.token);
  ASSERT_EQ(got.status, 200) << got.raw.body;
  EXPECT_EQ(got.raw.body.find("VALARM"), std::string::npos) << got.raw.body;
  EXPECT_NE(got.raw.body.find("RECURRENCE-ID;TZID=Europe/Paris:20270308T100000"), std::string::npos)
      << got.raw.body;
  std::string ics = got.raw.body;
  const std::string override_ =
      "BEGIN:VEVENT\r\nUID:" + str(r.body, "uid") +
      "\r\nDTSTAMP:20270101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Paris:20270315T100000\r\n"
      "DTSTART;TZID=Europe/Paris:20270315T100000\r\nDTEND;TZID=Europe/Paris:20270315T110000\r\n"
      "SUMMARY:Point hebdo\r\nORGANIZER:mailto:" +
      k.a.email + "\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:" + k.b.email +
      "\r\nATTENDEE;PARTSTAT=DECLINED:mailto:" + carol.email + "\r\nEND:VEVENT\r\n";
  ics.insert(ics.rfind("END:VCALENDAR"), override_);
  auto put = s.call("PUT", invitation, carol.token, ics,
                    {{"If-Match", got.raw.header("ETag").value_or("")}});
  ASSERT_EQ(put.status, 204) << put.raw.body;
  EXPECT_NE(s.call("GET", own, k.a.token).raw.body.find("BEGIN:VALARM"), std::string::npos);
  EXPECT_EQ(answers(k, carol),
            (std::vector<std::string>{"Point hebdo:needs-action", "Point hebdo:needs-action",
                                      "Point hebdo:declined"}));
  EXPECT_EQ(answers(k, k.b),
            (std::vector<std::string>{"Point hebdo:accepted", "Point hebdo:declined",
                                      "Point hebdo:accepted"}));
  // Her application then says "maybe" to the series, with no override: an
  // answer to every occurrence.
  ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:" +
        str(r.body, "uid") +
        "\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270301T090000Z\r\n"
        "DTEND:20270301T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Point hebdo\r\n"
        "ORGANIZER:mailto:" +
        k.a.email + "\r\nATTENDEE;PARTSTAT=TENTATIVE:mailto:" + carol.email +
        "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  ASSERT_EQ(s.call("PUT", invitation, carol.token, ics).status, 204);
  EXPECT_EQ(answers(k, carol),
            (std::vector<std::string>{"Point hebdo:tentative", "Point hebdo:tentative",
                                      "Point hebdo:tentative"}));

  // A new title reaches every occurrence, answers kept; a new time is a new
  // question: the answers to single occurrences go, those to the series stay.
  ASSERT_EQ(k.patch(k.a, id, {{"title", "Point"}}).status, 200);
  EXPECT_EQ(answers(k, k.b),
            (std::vector<std::string>{"Point:accepted", "Point:declined", "Point:accepted"}));
  auto moved = k.patch(k.a, id, {{"start", "2027-03-01T10:00:00Z"}});
  ASSERT_EQ(moved.status, 200) << moved.raw.body;
  EXPECT_TRUE(moved.body.at("instance_answers").as_array().empty());
  EXPECT_EQ(answers(k, k.b),
            (std::vector<std::string>{"Point:accepted", "Point:accepted", "Point:accepted"}));
  // An answer to the series is one to every occurrence.
  ASSERT_EQ(reply(k.b, {{"partstat", "declined"}, {"recurrence_id", second}}).status, 400);
  const std::string second_now = "2027-03-08T10:00:00Z";
  ASSERT_EQ(reply(k.b, {{"partstat", "declined"}, {"recurrence_id", second_now}}).status, 200);
  ASSERT_EQ(reply(k.b, {{"partstat", "tentative"}}).status, 200);
  EXPECT_EQ(answers(k, k.b),
            (std::vector<std::string>{"Point:tentative", "Point:tentative", "Point:tentative"}));
  // Declined but for one occurrence: still in his applications' invitations.
  const std::string his = "/dav/calendars/" + k.b.id.str() + "/invitations/" + id + ".ics";
  ASSERT_EQ(reply(k.b, {{"partstat", "declined"}}).status, 200);
  EXPECT_EQ(s.call("GET", his, k.b.token).status, 404);
  ASSERT_EQ(reply(k.b, {{"partstat", "accepted"}, {"recurrence_id", second_now}}).status, 200);
  EXPECT_EQ(s.call("GET", his, k.b.token).status, 200);
}

// The organizer moves one occurrence of a weekly meeting and cancels
// another (docs/calendar.md "One occurrence"): the others stay, the
// invitees hear which, calendar applications read the overrides.
TEST(Calendar, TheOrganizerMovesOrCancelsOneOccurrence) {
  TestServer s;
  Cal k(s);
  Account carol = k.colleague("Carol");
  auto bob_live = connect_events(s, k.b);
  auto r = k.weekly(
      json::array{json::object{{"user_id", k.b.id.str()}}, json::object{{"email", carol.email}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id");
  const std::string path = "/api/v1/calendar/events/" + id;
  until(*bob_live, "calendar.invited");
  const std::string second = "2027-03-08T09:00:00Z", third = "2027-03-15T09:00:00Z";
  auto mine = [&](const Account& who) {
    auto list =
        s.call("GET", "/api/v1/me/calendar/events?from=2027-03-01&to=2027-04-01", who.token);
    std::vector<std::string> out;
    for (const auto& o : list.body.as_array())
      out.push_back(str(o, "start").substr(5, 11) + " " + str(o, "location"));
    return out;
  };

  // The 8th, an hour later in another room: that occurrence alone.
  auto moved = k.patch(k.a, id,
                       {{"recurrence_id", second},
                        {"start", "2027-03-08T10:00:00Z"},
                        {"end", "2027-03-08T11:30:00Z"},
                        {"location", "Salle 3"}});
  ASSERT_EQ(moved.status, 200) << moved.raw.body;
  EXPECT_EQ(str(moved.body, "start"), "2027-03-01T09:00:00.000Z");  // the series'
  ASSERT_EQ(moved.body.at("changed_occurrences").as_array().size(), 1u) << moved.raw.body;
  const auto& changed = moved.body.at("changed_occurrences").at(0);
  EXPECT_EQ(str(changed, "recurrence_id").substr(0, 16), "2027-03-08T09:00");
  EXPECT_EQ(str(changed, "start"), "2027-03-08T10:00:00.000Z");
  EXPECT_EQ(str(changed, "end"), "2027-03-08T11:30:00.000Z");
  EXPECT_EQ(str(changed, "location"), "Salle 3");
  EXPECT_EQ(str(changed, "title"), "Point hebdo");
  const std::vector<std::string> after_move{"03-01T09:00 Salle 2", "03-08T10:00 Salle 3",
                                            "03-15T09:00 Salle 2"};
  EXPECT_EQ(mine(k.a), after_move);
  EXPECT_EQ(mine(k.b), after_move);
  EXPECT_EQ(mine(carol), after_move);
  // Bob hears which occurrence changed.
  auto heard = until(*bob_live, "calendar.invitation_updated");
  ASSERT_TRUE(heard.is_object());
  EXPECT_EQ(str(heard.at("data"), "id"), id);
  EXPECT_EQ(str(heard.at("data"), "recurrence_id").substr(0, 16), "2027-03-08T09:00");
  EXPECT_FALSE(heard.at("data").at("cancelled").as_bool());
  EXPECT_EQ(str(heard.at("data").at("occurrence"), "start"), "2027-03-08T10:00:00.000Z");
  EXPECT_EQ(str(heard.at("data").at("occurrence"), "end"), "2027-03-08T11:30:00.000Z");
  // Bob declines it, named by its original start: the move stays.
  auto no = s.call("POST", path + "/reply", k.b.token,
                   body(json::object{{"partstat", "declined"}, {"recurrence_id", second}}));
  ASSERT_EQ(no.status, 200) << no.raw.body;
  EXPECT_EQ(mine(k.b), after_move);
  EXPECT_EQ(no.body.at("changed_occurrences").as_array().size(), 1u);

  // What may not be: an invitee's change, a field of the series, no such
  // occurrence, a stale version, an event that does not recur. Nothing changes.
  const auto version = s.call("GET", path, k.a.token).body.at("version").as_int64();
  EXPECT_EQ(k.patch(k.b, id, {{"recurrence_id", third}, {"title", "x"}}).error_code(), "read_only");
  EXPECT_EQ(s.call("DELETE", path + "?recurrence_id=" + third, k.b.token).error_code(),
            "read_only");
  EXPECT_EQ(k.patch(k.a, id, {{"recurrence_id", third}, {"rrule", "FREQ=DAILY"}}).error_code(),
            "invalid_field");
  EXPECT_EQ(k.patch(k.a, id, {{"recurrence_id", third}, {"attendees", json::array{}}}).error_code(),
            "invalid_field");
  EXPECT_EQ(
      k.patch(k.a, id, {{"recurrence_id", "2027-03-15T10:00:00Z"}, {"title", "x"}}).error_code(),
      "invalid_recurrence_id");
  EXPECT_EQ(k.patch(k.a, id, {{"recurrence_id", "lundi"}, {"title", "x"}}).error_code(),
            "invalid_recurrence_id");
  EXPECT_EQ(
      k.patch(k.a, id, {{"recurrence_id", third}, {"end", "2027-03-15T08:00:00Z"}}).error_code(),
      "invalid_time");
  EXPECT_EQ(s.call("DELETE", path + "?recurrence_id=mardi", k.a.token).error_code(),
            "invalid_recurrence_id");
  EXPECT_EQ(s.call("DELETE", path + "?recurrence_id=2027-03-22T09:00:00Z", k.a.token).error_code(),
            "invalid_recurrence_id");
  EXPECT_EQ(
      k.patch(k.a, id, {{"recurrence_id", third}, {"title", "x"}}, {{"If-Match", "\"1\""}}).status,
      412);
  const std::string single = k.created(
      {{"title", "Une fois"}, {"start", "2027-03-02T09:00:00Z"}, {"end", "2027-03-02T10:00:00Z"}});
  EXPECT_EQ(k.patch(k.a, single, {{"recurrence_id", "2027-03-02T09:00:00Z"}, {"title", "x"}})
                .error_code(),
            "invalid_event");
  ASSERT_EQ(s.call("DELETE", "/api/v1/calendar/events/" + single, k.a.token).status, 204);
  EXPECT_EQ(s.call("GET", path, k.a.token).body.at("version").as_int64(), version);

  // The 15th is cancelled: gone from every view and from Bob's time, the
  // event stays, and Bob hears it.
  auto gone = s.call("DELETE", path + "?recurrence_id=" + third, k.a.token);
  ASSERT_EQ(gone.status, 204) << gone.raw.body;
  EXPECT_EQ(mine(k.b), (std::vector<std::string>{"03-01T09:00 Salle 2", "03-08T10:00 Salle 3"}));
  EXPECT_EQ(mine(carol), mine(k.b));
  auto event = s.call("GET", path, k.a.token);
  ASSERT_EQ(event.status, 200);
  ASSERT_EQ(event.body.at("cancelled_occurrences").as_array().size(), 1u) << event.raw.body;
  EXPECT_EQ(event.body.at("cancelled_occurrences").at(0).as_string().subview().substr(0, 16),
            "2027-03-15T09:00");
  heard = until(*bob_live, "calendar.invitation_updated");
  ASSERT_TRUE(heard.is_object());
  EXPECT_TRUE(heard.at("data").at("cancelled").as_bool());
  auto busy = s.call(
      "GET", "/api/v1/calendar/freebusy?users=" + k.b.id.str() + "&from=2027-03-01&to=2027-03-20",
      k.a.token);
  ASSERT_EQ(busy.status, 200) << busy.raw.body;
  EXPECT_EQ(busy.body.at(0).at("busy").as_array().size(), 1u)  // declined the 8th, the 15th gone
      << busy.raw.body;
  // And among his notices, kept for the digest.
  auto kept = s.call("GET", "/api/v1/me/notices", k.b.token);
  std::vector<std::string> updates;
  for (const auto& n : kept.body.at("notices").as_array())
    if (str(n, "type") == "calendar.invitation_updated") updates.push_back(str(n, "type"));
  EXPECT_EQ(updates.size(), 2u) << kept.raw.body;

  // Calendar applications read the move and the cancellation.
  const std::string ics =
      s.call("GET", "/dav/calendars/" + carol.id.str() + "/invitations/" + id + ".ics", carol.token)
          .raw.body;
  EXPECT_NE(ics.find("RECURRENCE-ID;TZID=Europe/Paris:20270308T100000"), std::string::npos) << ics;
  EXPECT_NE(ics.find("DTSTART;TZID=Europe/Paris:20270308T110000"), std::string::npos) << ics;
  EXPECT_NE(ics.find("EXDATE;TZID=Europe/Paris:20270315T100000"), std::string::npos) << ics;

  // A new title for the series reaches the moved occurrence; the series
  // moved an hour later drops the move, the 15th stays cancelled.
  ASSERT_EQ(k.patch(k.a, id, {{"title", "Point"}}).status, 200);
  EXPECT_EQ(k.occurrences("2027-03-01", "2027-04-01", &k.a, true),
            (std::vector<std::string>{"Point@2027-03-01T09:00:00.000Z",
                                      "Point@2027-03-08T10:00:00.000Z"}));
  ASSERT_EQ(
      k.patch(k.a, id, {{"start", "2027-03-01T10:00:00Z"}, {"end", "2027-03-01T11:00:00Z"}}).status,
      200);
  EXPECT_EQ(k.occurrences("2027-03-01", "2027-04-01", &k.a, true),
            (std::vector<std::string>{"Point@2027-03-01T10:00:00.000Z",
                                      "Point@2027-03-08T10:00:00.000Z"}));

  // Whoever makes a change is not told of it: Bob, invited to a meeting of
  // the workspace he may change, moves it; Carol hears, he does not.
  auto count_updates = [&](const Account& who) {
    const auto kept = s.call("GET", "/api/v1/me/notices", who.token);
    std::size_t n = 0;
    for (const auto& x : kept.body.at("notices").as_array())
      n += str(x, "type") == "calendar.invitation_updated";
    return n;
  };

  const std::size_t bob_before = count_updates(k.b), carol_before = count_updates(carol);
  const std::string shared =
      k.created({{"title", "Revue"},
                 {"start", "2027-03-03T09:00:00Z"},
                 {"end", "2027-03-03T10:00:00Z"},
                 {"attendees", json::array{json::object{{"user_id", k.b.id.str()}},
                                           json::object{{"email", carol.email}}}}});
  ASSERT_EQ(
      k.patch(k.b, shared, {{"start", "2027-03-03T11:00:00Z"}, {"end", "2027-03-03T12:00:00Z"}})
          .status,
      200);
  EXPECT_EQ(count_updates(k.b), bob_before);
  EXPECT_EQ(count_updates(carol), carol_before + 1);
}

// "This and following": the organizer changes the third occurrence and
// those after it; the series is cut in two events, the people and their
// answers going along (docs/calendar.md "One occurrence").
TEST(Calendar, TheOrganizerChangesAnOccurrenceAndTheFollowing) {
  TestServer s;
  Cal k(s);
  auto bob_live = connect_events(s, k.b);
  auto r = k.weekly(json::array{json::object{{"user_id", k.b.id.str()}}}, "FREQ=WEEKLY;COUNT=4");
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id");
  until(*bob_live, "calendar.invited");
  ASSERT_EQ(s.call("POST", "/api/v1/calendar/events/" + id + "/reply", k.b.token,
                   body(json::object{{"partstat", "accepted"}}))
                .status,
            200);

  auto later = k.patch(k.a, id,
                       {{"recurrence_id", "2027-03-15T09:00:00Z"},
                        {"scope", "following"},
                        {"start", "2027-03-15T10:00:00Z"},
                        {"end", "2027-03-15T11:00:00Z"},
                        {"title", "Point (nouvelle heure)"}});
  ASSERT_EQ(later.status, 200) << later.raw.body;
  const std::string next = str(later.body, "id");
  EXPECT_NE(next, id);  // the series from then on, an event of its own
  EXPECT_EQ(str(later.body, "start"), "2027-03-15T10:00:00.000Z");
  EXPECT_EQ(str(later.body, "rrule"), "FREQ=WEEKLY;COUNT=2");
  EXPECT_EQ(attendees_of(later.body), std::vector<std::string>{k.b.email + ":accepted"});
  ASSERT_FALSE(later.body.at("organizer").is_null());
  EXPECT_EQ(str(later.body.at("organizer"), "email"), k.a.email);
  auto early = s.call("GET", "/api/v1/calendar/events/" + id, k.a.token);
  EXPECT_EQ(str(early.body, "rrule"), "FREQ=WEEKLY;UNTIL=20270315T085959Z") << early.raw.body;
  const std::vector<std::string> both{"Point hebdo:accepted", "Point hebdo:accepted",
                                      "Point (nouvelle heure):accepted",
                                      "Point (nouvelle heure):accepted"};
  EXPECT_EQ(answers(k, k.b), both);
  EXPECT_EQ(k.occurrences("2027-03-01", "2027-04-01", &k.a, true),
            (std::vector<std::string>{"Point hebdo@2027-03-01T09:00:00.000Z",
                                      "Point hebdo@2027-03-08T09:00:00.000Z",
                                      "Point (nouvelle heure)@2027-03-15T10:00:00.000Z",
                                      "Point (nouvelle heure)@2027-03-22T10:00:00.000Z"}));
  // Bob hears both: the first series changed, the second his.
  auto updated = until(*bob_live, "calendar.invitation_updated");
  ASSERT_TRUE(updated.is_object());
  EXPECT_EQ(str(updated.at("data"), "id"), id);
  auto invited = until(*bob_live, "calendar.invited");
  ASSERT_TRUE(invited.is_object());
  EXPECT_EQ(str(invited.at("data"), "id"), next);

  // From the first occurrence on is the whole series; a scope without an
  // occurrence, or another scope, is refused.
  auto whole = k.patch(
      k.a, next,
      {{"recurrence_id", "2027-03-15T10:00:00Z"}, {"scope", "following"}, {"location", "Salle 4"}});
  ASSERT_EQ(whole.status, 200) << whole.raw.body;
  EXPECT_EQ(str(whole.body, "id"), next);
  EXPECT_EQ(str(whole.body, "location"), "Salle 4");
  EXPECT_EQ(k.patch(k.a, next, {{"scope", "following"}, {"title", "x"}}).error_code(),
            "invalid_scope");
  EXPECT_EQ(k.patch(k.a, next, {{"recurrence_id", "2027-03-22T10:00:00Z"}, {"scope", "all"}})
                .error_code(),
            "invalid_scope");
  EXPECT_EQ(k.patch(k.b, next, {{"recurrence_id", "2027-03-22T10:00:00Z"}, {"scope", "following"}})
                .error_code(),
            "read_only");

  // Deleted from the fourth on: the new event ends before it; from its
  // first on: it is gone.
  const std::string path = "/api/v1/calendar/events/" + next;
  EXPECT_EQ(s.call("DELETE", path + "?recurrence_id=2027-03-22T10:00:00Z&scope=all", k.a.token)
                .error_code(),
            "invalid_scope");
  EXPECT_EQ(s.call("DELETE", path + "?scope=following", k.a.token).error_code(), "invalid_scope");
  ASSERT_EQ(
      s.call("DELETE", path + "?recurrence_id=2027-03-22T10:00:00Z&scope=following", k.a.token)
          .status,
      204);
  EXPECT_EQ(answers(k, k.b),
            (std::vector<std::string>{"Point hebdo:accepted", "Point hebdo:accepted",
                                      "Point (nouvelle heure):accepted"}));
  ASSERT_EQ(
      s.call("DELETE", path + "?recurrence_id=2027-03-15T10:00:00Z&scope=following", k.a.token)
          .status,
      204);
  EXPECT_EQ(s.call("GET", path, k.a.token).status, 404);
  EXPECT_EQ(answers(k, k.b).size(), 2u);
}

TEST(Calendar, AScheduledEventChangedOverCalDavInvitesWhomItNames) {
  TestServer s;
  Cal k(s);
  Account carol = k.colleague("Carol");
  // A workspace event: Carol does not read this calendar, Bob does.
  auto r = k.create(k.a, {{"title", "Atelier"},
                          {"start", "2027-03-12T14:00:00Z"},
                          {"end", "2027-03-12T16:00:00Z"},
                          {"attendees", json::array{json::object{{"user_id", carol.id.str()}}}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id");
  EXPECT_EQ(answers(k, carol), std::vector<std::string>{"Atelier:needs-action"});
  EXPECT_EQ(answers(k, k.b), std::vector<std::string>{"Atelier:-"});

  // Calendar applications see the organizer and the attendee.
  const std::string name = k.dav(k.a) + str(r.body, "uid") + ".ics";
  auto got = s.call("GET", name, k.a.token);
  ASSERT_EQ(got.status, 200);
  const std::string ics = got.raw.body;
  EXPECT_NE(ics.find("ORGANIZER"), std::string::npos) << ics;
  EXPECT_NE(ics.find("mailto:" + carol.email), std::string::npos) << ics;

  // An application swaps Carol for Bob: Carol is no longer invited, Bob is.
  std::string swapped = ics;
  swapped.replace(swapped.find(carol.email), carol.email.size(), k.b.email);
  auto put =
      s.call("PUT", name, k.a.token, swapped, {{"If-Match", got.raw.header("ETag").value_or("")}});
  ASSERT_EQ(put.status, 204) << put.raw.body;
  EXPECT_TRUE(answers(k, carol).empty());
  EXPECT_EQ(answers(k, k.b), std::vector<std::string>{"Atelier:needs-action"});
  // Bob reads this calendar: his applications show the event there, once.
  EXPECT_EQ(
      s.call("GET", "/dav/calendars/" + k.b.id.str() + "/invitations/" + id + ".ics", k.b.token)
          .status,
      404);
  EXPECT_EQ(s.call("POST", "/api/v1/calendar/events/" + id + "/reply", k.b.token,
                   body(json::object{{"partstat", "declined"}}))
                .status,
            200);
  EXPECT_NE(s.call("GET", name, k.a.token).raw.body.find("PARTSTAT=DECLINED"), std::string::npos);
  // The bounds hold whoever writes the list: over 100 attendees, refused
  // and nothing changed; an address that is not one is not written to.
  got = s.call("GET", name, k.a.token);
  std::string crowd = got.raw.body;
  std::string lines = "ATTENDEE:mailto:not-an-address\r\n";
  for (int i = 0; i < 100; ++i)
    lines += "ATTENDEE:mailto:p" + std::to_string(i) + "@example.org\r\n";
  crowd.insert(crowd.find("END:VEVENT"), lines);
  EXPECT_EQ(s.call("PUT", name, k.a.token, crowd).status, 400);
  EXPECT_EQ(s.call("GET", name, k.a.token).raw.header("ETag"), got.raw.header("ETag"));
  std::string odd = got.raw.body;
  odd.insert(odd.find("END:VEVENT"), "ATTENDEE:mailto:not-an-address\r\n");
  ASSERT_EQ(s.call("PUT", name, k.a.token, odd).status, 204);
  EXPECT_EQ(attendees_of(s.call("GET", "/api/v1/calendar/events/" + id, k.a.token).body).size(),
            2u);  // kept as sent

  // An event an application makes with attendees is its own to schedule.
  const std::string theirs =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:app-1\r\n"
      "DTSTAMP:20270101T000000Z\r\nDTSTART:20270315T090000Z\r\nDTEND:20270315T100000Z\r\n"
      "SUMMARY:Theirs\r\nORGANIZER:mailto:" +
      k.a.email + "\r\nATTENDEE:mailto:" + carol.email + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  ASSERT_EQ(s.call("PUT", k.dav(k.a) + "app-1.ics", k.a.token, theirs).status, 201);
  EXPECT_TRUE(answers(k, carol).empty());
}

TEST(Calendar, DiscoveryLeadsToTheCallersCalendars) {
  TestServer s;
  Cal k(s);
  Account outsider = s.user("Eve");
  s.workspace(outsider, "Eve's", {"calendar"});
  auto wk = s.call("PROPFIND", "/.well-known/caldav", "");
  EXPECT_EQ(wk.status, 301);
  EXPECT_EQ(wk.raw.header("Location").value_or(""), "/dav/calendars/");
  auto root = s.call(
      "PROPFIND", "/dav/calendars/", k.b.token,
      std::string("<D:propfind "
                  "xmlns:D=\"DAV:\"><D:prop><D:current-user-principal/></D:prop></D:propfind>"));
  ASSERT_EQ(root.status, 207);
  const std::string principal = "/dav/principals/" + k.b.id.str() + "/";
  EXPECT_NE(root.raw.body.find("<D:href>" + principal + "</D:href>"), std::string::npos)
      << root.raw.body;
  auto p = s.call(
      "PROPFIND", principal, k.b.token,
      std::string("<D:propfind xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop>"
                  "<C:calendar-home-set/></D:prop></D:propfind>"));
  ASSERT_EQ(p.status, 207);
  const std::string home = "/dav/calendars/" + k.b.id.str() + "/";
  EXPECT_NE(p.raw.body.find("<D:href>" + home + "</D:href>"), std::string::npos) << p.raw.body;
  EXPECT_EQ(s.call("PROPFIND", "/dav/principals/" + k.a.id.str() + "/", k.b.token).status, 404);
  auto cals = s.call(
      "PROPFIND", home, k.b.token,
      std::string("<D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname/></D:prop></D:propfind>"),
      {{"Depth", "1"}});
  ASSERT_EQ(cals.status, 207);
  EXPECT_EQ(responses(cals.raw.body),
            (std::vector<std::string>{k.b.id.str() + " 200", "personal 200", "invitations 200",
                                      k.ws + " 200"}))
      << cals.raw.body;
  EXPECT_NE(cals.raw.body.find("<D:displayname>Équipe</D:displayname>"), std::string::npos);
}

TEST(Calendar, MembersSeeChangesLive) {
  TestServer s;
  Cal k(s);
  Account outsider = s.user("Eve");
  std::string elsewhere = s.workspace(outsider, "Eve's", {"calendar"});
  auto events = connect_events(s, k.b);
  ASSERT_FALSE(until(*events, "hello").is_null());
  const std::string id = k.created(kMeeting);
  json::value e = until(*events, "calendar.event_created");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e, "workspace_id"), k.ws);
  EXPECT_EQ(str(e.at("data"), "title"), "Point hebdo");
  ASSERT_EQ(k.create(outsider, kMeeting, elsewhere).status, 201);
  ASSERT_EQ(k.create(k.a, kMeeting, "me").status, 201);  // personal: nobody else hears it
  ASSERT_EQ(k.patch(k.a, id, {{"title", "Renamed"}}).status, 200);
  e = next_frame(*events);
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e, "type"), "calendar.event_updated");
  EXPECT_EQ(str(e.at("data"), "title"), "Renamed");
  ASSERT_EQ(s.call("DELETE", "/api/v1/calendar/events/" + id, k.a.token).status, 204);
  e = next_frame(*events);
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e, "type"), "calendar.event_deleted");
  EXPECT_EQ(str(e.at("data"), "id"), id);
}

TEST(Calendar, SearchFindsOnlyEventsTheCallerMaySee) {
  TestServer s;
  Cal k(s);
  Account outsider = s.user("Eve");
  std::string elsewhere = s.workspace(outsider, "Eve's", {"calendar"});
  json::object e = kMeeting;
  e["title"] = "Revue budget";
  k.created(e);
  e["title"] = "Autre";
  e["location"] = "Salle Budget";
  k.created(e);
  e["title"] = "Budget secret";
  ASSERT_EQ(k.create(outsider, e, elsewhere).status, 201);
  auto search = [&](const Account& who) {
    auto r = s.call("GET", "/api/v1/search?type=event&q=budget", who.token);
    if (r.status != 200) throw std::runtime_error("search: " + r.raw.body);
    std::set<std::string> found;
    for (const auto& h : r.body.at("results").as_array()) found.insert(str(h, "title"));
    return found;
  };
  EXPECT_EQ(search(k.b), (std::set<std::string>{"Revue budget", "Autre"}));
  EXPECT_EQ(search(outsider), std::set<std::string>{"Budget secret"});
}

TEST(Calendar, SearchFindsAnOccurrenceByTheTextsItHasOfItsOwn) {
  TestServer s;
  Cal k(s);
  const std::string id = k.created(kMeeting);
  auto search = [&](const std::string& q) {
    auto r = s.call("GET", "/api/v1/search?type=event&q=" + q, k.b.token);
    if (r.status != 200) throw std::runtime_error("search: " + r.raw.body);
    std::vector<std::string> found;
    for (const auto& h : r.body.at("results").as_array()) found.push_back(str(h, "id"));
    return found;
  };
  EXPECT_TRUE(search("exceptionnel").empty());
  // The second occurrence retitled and moved to another room.
  ASSERT_EQ(k.patch(k.a, id,
                    {{"recurrence_id", "2027-02-08T09:00:00Z"},
                     {"title", "Point exceptionnel"},
                     {"location", "Amphithéâtre"}})
                .status,
            200);
  EXPECT_EQ(search("exceptionnel"), std::vector<std::string>{id});
  // Its snippet is the occurrence's title that matched, the series' otherwise.
  auto snippet = [&](const std::string& q) {
    auto r = s.call("GET", "/api/v1/search?type=event&q=" + q, k.b.token);
    return str(r.body.at("results").at(0), "snippet");
  };
  const std::string open = "\xee\x80\x80", close = "\xee\x80\x81";
  EXPECT_EQ(snippet("exceptionnel"), "Point " + open + "exceptionnel" + close);
  EXPECT_EQ(snippet("amphi"), open + "Amphi" + close + "théâtre");
  EXPECT_EQ(snippet("hebdo"), "Point " + open + "hebdo" + close);
  EXPECT_EQ(search("point%20amphith"), std::vector<std::string>{id});
  EXPECT_EQ(search("hebdo"), std::vector<std::string>{id});

  // An object stored before its texts apart were kept: found again once
  // the calendar has read them (as it does when it starts).
  ASSERT_TRUE(s.platform().db.write([](db::Conn& c) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] auto n, c.exec("UPDATE calendar_objects SET texts_apart = NULL"));
    return {};
  }));
  EXPECT_TRUE(search("exceptionnel").empty());
  ASSERT_TRUE(calendar::Service(s.platform()).index_texts_apart());
  EXPECT_EQ(search("exceptionnel"), std::vector<std::string>{id});

  // The series moved: its occurrences apart are gone, and not found.
  ASSERT_EQ(
      k.patch(k.a, id, {{"start", "2027-02-01T10:00:00Z"}, {"end", "2027-02-01T11:00:00Z"}}).status,
      200);
  EXPECT_TRUE(search("exceptionnel").empty());
}

TEST(Calendar, ExportedAsICalendarAndImportedBack) {
  TestServer s;
  Cal k(s);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  const std::string cal = k.dav(k.a);
  ASSERT_EQ(s.call("PUT", cal + "lunch.ics", k.a.token, std::string(kTheirs)).status, 201);
  k.created(kMeeting);
  auto exported = s.call("GET", "/api/v1/workspaces/" + k.ws + "/export", k.a.token);
  ASSERT_EQ(exported.status, 200);
  const std::string& tar = exported.raw.body;
  EXPECT_NE(tar.find("calendar/objects/lunch.ics"), std::string::npos);
  EXPECT_NE(tar.find("calendar/calendar-000001.ics"), std::string::npos);
  EXPECT_NE(tar.find("calendar/records/000001.jsonl"), std::string::npos);

  auto r = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, tar);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.body.at("imported").at("calendar").at("events").as_int64(), 2);
  const std::string copy = str(r.body.at("workspace"), "id");
  auto back =
      s.call("GET", "/dav/calendars/" + admin.id.str() + "/" + copy + "/lunch.ics", admin.token);
  ASSERT_EQ(back.status, 200) << back.raw.body;
  EXPECT_EQ(back.raw.body, kTheirs);
  auto list =
      s.call("GET", "/api/v1/workspaces/" + copy + "/calendar/events?from=2027-02-01&to=2027-02-08",
             admin.token);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body.as_array().size(), 2u) << list.raw.body;
  EXPECT_EQ(str(list.body.as_array()[0], "title"), "Point hebdo");
  auto ev = s.call("GET", "/api/v1/calendar/events/" + str(list.body.as_array()[0], "event_id"),
                   admin.token);
  EXPECT_EQ(str(ev.body, "created_by"), k.a.id.str());
}

}  // namespace
}  // namespace ruche::testing

namespace ruche::testing {
namespace {

TEST(Calendar, TasksAreVtodoResources) {
  TestServer s;
  Account a = s.user("Alice"), b = s.user("Bob");
  const std::string ws = s.workspace(a, "Projet", {"tasks"});  // no calendar: the tasks still show
  s.join(a, ws, b);
  auto made = s.call(
      "POST", "/api/v1/workspaces/" + ws + "/tasks", a.token,
      body(json::object{
          {"title", "Écrire, relire"}, {"due", "2027-02-10"}, {"labels", json::array{"doc"}}}));
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string tid = str(made.body, "id");
  const std::string home = "/dav/calendars/" + b.id.str() + "/";
  const std::string feed = home + ws + ".tasks/";
  auto listed = s.call(
      "PROPFIND", home, b.token,
      std::string("<D:propfind xmlns:D=\"DAV:\" xmlns:CS=\"http://calendarserver.org/ns/\"><D:prop>"
                  "<D:displayname/><CS:getctag/></D:prop></D:propfind>"),
      {{"Depth", "1"}});
  ASSERT_EQ(listed.status, 207);
  EXPECT_NE(listed.raw.body.find("<D:href>" + feed + "</D:href>"), std::string::npos)
      << listed.raw.body;
  EXPECT_EQ(listed.raw.body.find("<D:href>" + home + ws + "/</D:href>"),
            std::string::npos);  // no calendar module
  auto ctag = [&]() {
    auto r = s.call(
        "PROPFIND", feed, b.token,
        std::string(
            "<D:propfind xmlns:D=\"DAV:\" xmlns:CS=\"http://calendarserver.org/ns/\"><D:prop>"
            "<CS:getctag/></D:prop></D:propfind>"));
    const auto at = r.raw.body.find("<CS:getctag>") + 12;
    return r.raw.body.substr(at, r.raw.body.find("</CS:getctag>", at) - at);
  };
  const std::string before = ctag();

  auto got = s.call("GET", feed + tid + ".ics", b.token);
  ASSERT_EQ(got.status, 200) << got.raw.body;
  EXPECT_NE(got.raw.body.find("BEGIN:VTODO"), std::string::npos);
  EXPECT_NE(got.raw.body.find("SUMMARY:Écrire\\, relire"), std::string::npos) << got.raw.body;
  EXPECT_NE(got.raw.body.find("DUE;VALUE=DATE:20270210"), std::string::npos);
  EXPECT_EQ(got.raw.header("ETag").value_or(""), "\"v1\"");
  // The same bytes while the task does not change.
  EXPECT_EQ(s.call("GET", feed + tid + ".ics", b.token).raw.body, got.raw.body);

  auto open = s.call(
      "REPORT", feed, b.token,
      std::string(
          "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
          "<D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\">"
          "<C:comp-filter name=\"VTODO\"><C:prop-filter name=\"COMPLETED\"><C:is-not-defined/>"
          "</C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"),
      {{"Depth", "1"}});
  ASSERT_EQ(open.status, 207);
  EXPECT_EQ(responses(open.raw.body), std::vector<std::string>{tid + ".ics 200"});

  // Done in Ruche: the object follows, and the collection's CTag moves.
  ASSERT_EQ(s.call("PATCH", "/api/v1/tasks/" + tid, a.token, body(json::object{{"status", "done"}}))
                .status,
            200);
  got = s.call("GET", feed + tid + ".ics", b.token);
  EXPECT_NE(got.raw.body.find("STATUS:COMPLETED"), std::string::npos);
  EXPECT_EQ(got.raw.header("ETag").value_or(""), "\"v2\"");
  EXPECT_NE(ctag(), before);
  open = s.call(
      "REPORT", feed, b.token,
      std::string(
          "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
          "<D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\">"
          "<C:comp-filter name=\"VTODO\"><C:prop-filter name=\"COMPLETED\"><C:is-not-defined/>"
          "</C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"),
      {{"Depth", "1"}});
  EXPECT_TRUE(responses(open.raw.body).empty()) << open.raw.body;

  // No sync tokens; nothing for an outsider.
  const std::string hers = "/dav/calendars/" + a.id.str() + "/" + ws + ".tasks/";
  EXPECT_EQ(
      s.call("REPORT", hers, a.token,
             std::string(
                 "<D:sync-collection xmlns:D=\"DAV:\"><D:sync-token/><D:sync-level>1</D:sync-level>"
                 "<D:prop><D:getetag/></D:prop></D:sync-collection>"))
          .status,
      403);
  EXPECT_EQ(s.call("GET", "/api/v1/tasks/" + tid, a.token).status, 200);
  Account outsider = s.user("Eve");
  EXPECT_EQ(s.call("PROPFIND", "/dav/calendars/" + outsider.id.str() + "/" + ws + ".tasks/",
                   outsider.token)
                .status,
            404);
  EXPECT_EQ(s.call("PROPFIND", "/dav/calendars/" + outsider.id.str() + "/" + ws + ".chat/",
                   outsider.token)
                .status,
            404);
}

}  // namespace
}  // namespace ruche::testing

// --- the tasks collection, read-write (docs/tasks.md, "CalDAV") -------------------

namespace ruche::testing {
namespace {

// A workspace with tasks: Alice and Bob write, Carol only reads.
struct TaskDav {
  TestServer& s;
  Account a = s.user("Alice"), b = s.user("Bob"), c = s.user("Carol");
  std::string ws = s.workspace(a, "Projet", {"tasks"});
  explicit TaskDav(TestServer& server) : s(server) {
    s.join(a, ws, b);
    s.join(a, ws, c);
    auto r = s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + c.id.str(), a.token,
                    body(json::object{{"rights", json::object{{"tasks", "read"}}}}));
    if (r.status != 200) throw std::runtime_error("rights: " + r.raw.body);
  }
  std::string feed(const Account& who) const {
    return "/dav/calendars/" + who.id.str() + "/" + ws + ".tasks/";
  }
  Reply put(const Account& who, const std::string& name, std::string_view ics, Headers h = {}) {
    h.emplace_back("Content-Type", "text/calendar; charset=utf-8");
    return s.call("PUT", feed(who) + name, who.token, std::string(ics), std::move(h));
  }
  Reply get(const std::string& name) { return s.call("GET", feed(a) + name, a.token); }
  std::string created(const std::string& title) {
    auto r = s.call("POST", "/api/v1/workspaces/" + ws + "/tasks", a.token,
                    body(json::object{{"title", title}}));
    if (r.status != 201) throw std::runtime_error("create: " + r.raw.body);
    return str(r.body, "id");
  }
  json::array tasks() {
    auto r = s.call("GET", "/api/v1/workspaces/" + ws + "/tasks", a.token);
    if (r.status != 200) throw std::runtime_error("list: " + r.raw.body);
    return r.body.as_array();
  }
  json::value task_titled(const std::string& title) {
    for (const auto& t : tasks())
      if (str(t, "title") == title) return t;
    return nullptr;
  }
  // The collection's property `prop` (getctag, current-user-privilege-set) as `who` reads it.
  std::string prop(const Account& who, std::string_view prop) {
    auto r =
        s.call("PROPFIND", feed(who), who.token,
               "<D:propfind xmlns:D=\"DAV:\" xmlns:CS=\"http://calendarserver.org/ns/\"><D:prop>"
               "<" +
                   std::string(prop) + "/></D:prop></D:propfind>");
    const auto open = r.raw.body.find(std::string(prop) + ">");
    if (open == std::string::npos) return "";
    const auto at = open + prop.size() + 1;
    return r.raw.body.substr(at, r.raw.body.find("</" + std::string(prop) + ">", at) - at);
  }
};

// A VCALENDAR holding one VTODO made of `lines` (LF ends become CRLF).
std::string vtodo(std::string_view lines) {
  std::string out =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//A Client//EN\r\nBEGIN:VTODO\r\n"
      "DTSTAMP:20270101T000000Z\r\n";
  for (char ch : lines) out += ch == '\n' ? std::string("\r\n") : std::string(1, ch);
  if (!lines.empty() && lines.back() != '\n') out += "\r\n";
  return out + "END:VTODO\r\nEND:VCALENDAR\r\n";
}

// What Thunderbird sends, roughly: a time zone, the fields Ruche maps, and
// properties and an alarm it does not model.
std::string client_todo(const std::string& waits_for_uid) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar "
         "V1.1//EN\r\n"
         "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
         "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
         "BEGIN:VTODO\r\nCREATED:20270101T000000Z\r\nLAST-MODIFIED:20270102T000000Z\r\n"
         "DTSTAMP:20270102T000000Z\r\nUID:client-uid-1\r\nSUMMARY:Relire\\, puis envoyer\r\n"
         "DESCRIPTION:ligne 1\\nligne 2\r\nDUE;TZID=Europe/Paris:20270105T170000\r\n"
         "STATUS:IN-PROCESS\r\nPERCENT-COMPLETE:40\r\nCATEGORIES:doc,urgent\r\n"
         "CATEGORIES:revue\r\nPRIORITY:1\r\nRELATED-TO;RELTYPE=DEPENDS-ON:" +
         waits_for_uid +
         "\r\nRELATED-TO;RELTYPE=DEPENDS-ON:elsewhere-uid\r\nX-MOZ-GENERATION:3\r\n"
         "GEO:48.85;2.35\r\nURL:https://example.org/a\r\n"
         "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:bientôt\r\nTRIGGER:-PT15M\r\n"
         "END:VALARM\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
}

constexpr std::string_view kAlarm =
    "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:bientôt\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n";

std::vector<std::string> strings_of(const json::value& v, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& x : v.at(key).as_array()) out.emplace_back(x.as_string());
  return out;
}

bool has(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

TEST(Calendar, ATaskPutThroughCalDavKeepsTheClientsNameUidAndLines) {
  TestServer s;
  TaskDav k(s);
  const std::string spec = k.created("Spec");
  auto events = connect_events(s, k.b);
  ASSERT_FALSE(until(*events, "hello").is_null());
  const std::string ctag = k.prop(k.a, "CS:getctag");
  ASSERT_FALSE(ctag.empty());

  auto put = k.put(k.a, "4F1C-client.ics", client_todo(spec + "@ruche"), {{"If-None-Match", "*"}});
  ASSERT_EQ(put.status, 201) << put.raw.body;
  // Not stored byte for byte: no ETag (RFC 4791 5.3.4), the client reads it back.
  EXPECT_FALSE(put.raw.header("ETag").has_value());
  json::value e = until(*events, "task.created");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e.at("data"), "title"), "Relire, puis envoyer");
  EXPECT_EQ(str(e, "workspace_id"), k.ws);

  // The JSON API sees the mapped fields.
  json::value t = k.task_titled("Relire, puis envoyer");
  ASSERT_FALSE(t.is_null());
  const std::string id = str(t, "id");
  EXPECT_EQ(str(t, "description"), "ligne 1\nligne 2");
  EXPECT_EQ(str(t, "status"), "doing");
  EXPECT_EQ(str(t, "due"), "2027-01-05T16:00:00Z");  // 17:00 in Paris
  EXPECT_EQ(strings_of(t, "labels"), (std::vector<std::string>{"doc", "revue", "urgent"}));
  EXPECT_EQ(strings_of(t, "blocked_by"), std::vector<std::string>{spec});
  EXPECT_EQ(str(t, "created_by"), k.a.id.str());
  EXPECT_EQ(t.at("version").as_int64(), 1);

  // Served under the client's name, with its UID and what Ruche does not model.
  auto got = s.call("GET", k.feed(k.b) + "4F1C-client.ics", k.b.token);
  ASSERT_EQ(got.status, 200) << got.raw.body;
  EXPECT_EQ(got.raw.header("ETag").value_or(""), "\"v1\"");
  const std::string& ics = got.raw.body;
  for (std::string_view line :
       {std::string_view("UID:client-uid-1\r\n"),
        std::string_view("SUMMARY:Relire\\, puis envoyer"), std::string_view("STATUS:IN-PROCESS"),
        std::string_view("DUE:20270105T160000Z"), std::string_view("CATEGORIES:doc,revue,urgent"),
        std::string_view("RELATED-TO;RELTYPE=DEPENDS-ON:elsewhere-uid\r\n"),
        std::string_view("X-MOZ-GENERATION:3\r\n"), std::string_view("GEO:48.85;2.35\r\n"),
        std::string_view("URL:https://example.org/a\r\n"), std::string_view("PRIORITY:1\r\n"),
        std::string_view("TZID:Europe/Paris\r\n"), kAlarm})
    EXPECT_TRUE(has(ics, line)) << line << " not in\n" << ics;
  EXPECT_TRUE(has(ics, "RELATED-TO;RELTYPE=DEPENDS-ON:" + spec + "@ruche\r\n")) << ics;
  EXPECT_FALSE(has(ics, "PERCENT-COMPLETE:40"));  // mapped to the status, not kept
  EXPECT_EQ(ics.find("BEGIN:VTODO"), ics.rfind("BEGIN:VTODO"));

  // Listed under that name beside the web's task; the CTag moved.
  auto listed =
      s.call("PROPFIND", k.feed(k.a), k.a.token,
             std::string("<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/></D:prop></D:propfind>"),
             {{"Depth", "1"}});
  ASSERT_EQ(listed.status, 207);
  std::vector<std::string> found = responses(listed.raw.body);
  std::sort(found.begin(), found.end());
  // (a collection has no ETag)
  std::vector<std::string> want{"4F1C-client.ics 200", spec + ".ics 200", k.ws + ".tasks 404"};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(found, want) << listed.raw.body;
  auto multi =
      s.call("REPORT", k.feed(k.a), k.a.token,
             "<C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
             "<D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>" +
                 k.feed(k.a) + "4F1C-client.ics</D:href></C:calendar-multiget>",
             {{"Depth", "1"}});
  ASSERT_EQ(multi.status, 207);
  EXPECT_EQ(responses(multi.raw.body), std::vector<std::string>{"4F1C-client.ics 200"});
  EXPECT_TRUE(has(multi.raw.body, "client-uid-1"));
  const std::string ctag2 = k.prop(k.a, "CS:getctag");
  EXPECT_NE(ctag2, ctag);
  EXPECT_EQ(k.prop(k.a, "CS:getctag"), ctag2);  // nothing changed: the same

  // One resource per UID; a name is taken once; If-Match needs a resource.
  auto twice = k.put(k.a, "other.ics", client_todo(spec + "@ruche"));
  EXPECT_EQ(twice.status, 409);
  EXPECT_TRUE(has(twice.raw.body, "no-uid-conflict")) << twice.raw.body;
  EXPECT_EQ(
      k.put(k.a, "4F1C-client.ics", vtodo("UID:client-uid-1\nSUMMARY:x"), {{"If-None-Match", "*"}})
          .status,
      412);
  EXPECT_EQ(k.put(k.a, "new.ics", vtodo("UID:new-1\nSUMMARY:x"), {{"If-Match", "\"v1\""}}).status,
            412);
  // A web task's UID is taken too.
  EXPECT_EQ(k.put(k.a, "copy.ics", vtodo("UID:" + spec + "@ruche\nSUMMARY:x")).status, 409);
  EXPECT_EQ(k.tasks().size(), 2u);
  EXPECT_EQ(s.call("GET", "/api/v1/tasks/" + id, k.a.token).body.at("version").as_int64(), 1);

  // A web task waiting for it names it by the client's UID, read alone.
  auto waits = s.call("POST", "/api/v1/workspaces/" + k.ws + "/tasks", k.a.token,
                      body(json::object{{"title", "Envoyer"}, {"blocked_by", json::array{id}}}));
  ASSERT_EQ(waits.status, 201) << waits.raw.body;
  auto waiting = k.get(str(waits.body, "id") + ".ics");
  ASSERT_EQ(waiting.status, 200);
  EXPECT_TRUE(has(waiting.raw.body, "RELATED-TO;RELTYPE=DEPENDS-ON:client-uid-1\r\n"))
      << waiting.raw.body;
  const std::string ctag3 = k.prop(k.a, "CS:getctag");
  EXPECT_NE(ctag3, ctag2);
  // A change made on the web moves it again.
  ASSERT_EQ(s.call("PATCH", "/api/v1/tasks/" + str(waits.body, "id"), k.a.token,
                   body(json::object{{"title", "Poster"}}))
                .status,
            200);
  EXPECT_NE(k.prop(k.a, "CS:getctag"), ctag3);
}

// A task's assignees are its VTODO's ATTENDEEs: written for each, and read
// back from the members an application names; any other address is kept as
// sent, and a VTODO without ATTENDEEs leaves the assignees as they are.
TEST(Calendar, ATasksAssigneesAreItsAttendees) {
  TestServer s;
  TaskDav k(s);
  Account dave = s.user("Dave");  // not a member
  auto made = s.call("POST", "/api/v1/workspaces/" + k.ws + "/tasks", k.a.token,
                     body(json::object{{"title", "Revue"},
                                       {"assignee_ids", json::array{json::value(k.b.id.str())}}}));
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string id = str(made.body, "id");
  const std::string name = id + ".ics";
  auto got = k.get(name);
  ASSERT_EQ(got.status, 200) << got.raw.body;
  const std::string bob_line = "ATTENDEE;CN=\"Bob\":mailto:" + k.b.email + "\r\n";
  EXPECT_TRUE(has(got.raw.body, bob_line)) << got.raw.body;

  auto assignees = [&] {
    auto t = s.call("GET", "/api/v1/tasks/" + id, k.a.token);
    EXPECT_EQ(t.status, 200) << t.raw.body;
    auto list = strings_of(t.body, "assignee_ids");
    std::sort(list.begin(), list.end());
    return list;
  };
  std::string upper = k.c.email;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  // Carol (read right: she sees the tasks) named at the VTODO's level, in
  // capitals; an email alarm's ATTENDEE is no assignee; Zoé and Dave (no
  // member) are kept as sent; Bob, no longer named, is unassigned.
  const std::string with_people =
      vtodo("UID:" + id + "@ruche\nSUMMARY:Revue\nATTENDEE;CN=Carol;PARTSTAT=NEEDS-ACTION:MAILTO:" +
            upper + "\nATTENDEE;CN=Zoé:mailto:zoe@example.org\nATTENDEE:mailto:" + dave.email +
            "\nBEGIN:VALARM\nACTION:EMAIL\nTRIGGER:-PT15M\nSUMMARY:Rappel\nDESCRIPTION:Revue\n"
            "ATTENDEE:mailto:" +
            k.b.email + "\nEND:VALARM");
  ASSERT_EQ(k.put(k.a, name, with_people).status, 204);
  std::vector<std::string> carol{k.c.id.str()};
  EXPECT_EQ(assignees(), carol);
  got = k.get(name);
  const std::string& ics = got.raw.body;
  EXPECT_TRUE(has(ics, "ATTENDEE;CN=\"Carol\":mailto:" + k.c.email + "\r\n")) << ics;
  EXPECT_FALSE(has(ics, upper)) << ics;  // the client's line, written from the assignee
  EXPECT_FALSE(has(ics, bob_line)) << ics;
  EXPECT_TRUE(has(ics, "ATTENDEE;CN=Zoé:mailto:zoe@example.org\r\n")) << ics;
  EXPECT_TRUE(has(ics, "ATTENDEE:mailto:" + dave.email + "\r\n")) << ics;
  EXPECT_TRUE(has(ics,
                  "ACTION:EMAIL\r\nTRIGGER:-PT15M\r\nSUMMARY:Rappel\r\nDESCRIPTION:Revue\r\n"
                  "ATTENDEE:mailto:" +
                      k.b.email + "\r\n"))
      << ics;

  // What is served comes back the same.
  ASSERT_EQ(k.put(k.a, name, ics).status, 204);
  EXPECT_EQ(assignees(), carol);
  EXPECT_EQ(k.get(name).raw.body.find("mailto:" + k.c.email),
            k.get(name).raw.body.rfind("mailto:" + k.c.email));
  // No ATTENDEE at all: nobody unassigned.
  ASSERT_EQ(k.put(k.a, name, vtodo("UID:" + id + "@ruche\nSUMMARY:Revue")).status, 204);
  EXPECT_EQ(assignees(), carol);
  // Only addresses outside: every member unassigned.
  ASSERT_EQ(k.put(k.a, name,
                  vtodo("UID:" + id + "@ruche\nSUMMARY:Revue\nATTENDEE:mailto:zoe@example.org"))
                .status,
            204);
  EXPECT_TRUE(assignees().empty());
  // An application's new task assigns the members it names.
  ASSERT_EQ(
      k.put(k.a, "from-app.ics", vtodo("UID:from-app\nSUMMARY:Appli\nATTENDEE:mailto:" + k.b.email),
            {{"If-None-Match", "*"}})
          .status,
      201);
  EXPECT_EQ(strings_of(k.task_titled("Appli"), "assignee_ids"),
            std::vector<std::string>{k.b.id.str()});
}

TEST(Calendar, AnAssigneesNewNameMovesTheTasksETag) {
  TestServer s;
  TaskDav k(s);
  auto made = s.call("POST", "/api/v1/workspaces/" + k.ws + "/tasks", k.a.token,
                     body(json::object{{"title", "Revue"},
                                       {"assignee_ids", json::array{json::value(k.b.id.str())}}}));
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string id = str(made.body, "id");
  const std::string other = k.created("Sans Bob");
  auto etag = [&](const std::string& task) {
    return k.get(task + ".ics").raw.header("ETag").value_or("");
  };
  const std::string before = etag(id), others = etag(other), ctag = k.prop(k.a, "CS:getctag");
  ASSERT_FALSE(before.empty());
  // The same name again: nothing moves.
  ASSERT_EQ(s.call("PATCH", "/api/v1/me", k.b.token, body(json::object{{"name", "Bob"}})).status,
            200);
  EXPECT_EQ(etag(id), before);
  EXPECT_EQ(k.prop(k.a, "CS:getctag"), ctag);
  // Bob renames himself: his task's VTODO names him anew, under a new ETag
  // (the collection's ctag moves); the task without him keeps its own.
  ASSERT_EQ(s.call("PATCH", "/api/v1/me", k.b.token, body(json::object{{"name", "Robert"}})).status,
            200);
  auto got = k.get(id + ".ics");
  EXPECT_TRUE(has(got.raw.body, "ATTENDEE;CN=\"Robert\":mailto:" + k.b.email + "\r\n"))
      << got.raw.body;
  EXPECT_NE(got.raw.header("ETag").value_or(""), before);
  EXPECT_EQ(etag(other), others);
  EXPECT_NE(k.prop(k.a, "CS:getctag"), ctag);
  // A client holding the old ETag is told the task changed.
  EXPECT_EQ(
      k.put(k.a, id + ".ics", vtodo("UID:" + id + "@ruche\nSUMMARY:Revue"), {{"If-Match", before}})
          .status,
      412);
}

TEST(Calendar, ATaskIsChangedCompletedAndDeletedThroughCalDav) {
  TestServer s;
  TaskDav k(s);
  const std::string extras =
      "X-APP-COLOR:teal\nBEGIN:VALARM\nACTION:DISPLAY\n"
      "DESCRIPTION:bientôt\nTRIGGER:-PT15M\nEND:VALARM\n";
  ASSERT_EQ(k.put(k.a, "t.ics", vtodo("UID:t-1\nSUMMARY:Écrire\n" + extras)).status, 201);
  json::value t = k.task_titled("Écrire");
  ASSERT_FALSE(t.is_null());
  const std::string id = str(t, "id");
  EXPECT_EQ(str(t, "status"), "todo");
  auto events = connect_events(s, k.b);
  ASSERT_FALSE(until(*events, "hello").is_null());

  // Changed with the current ETag: a new version, a new ETag.
  auto edit = k.put(k.b, "t.ics",
                    vtodo("UID:t-1\nSUMMARY:Écrire le plan\nDESCRIPTION:en **gras**\n"
                          "DUE;VALUE=DATE:20270110\n" +
                          extras),
                    {{"If-Match", "\"v1\""}});
  ASSERT_EQ(edit.status, 204) << edit.raw.body;
  json::value e = until(*events, "task.updated");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e.at("data"), "title"), "Écrire le plan");
  auto got = k.get("t.ics");
  EXPECT_EQ(got.raw.header("ETag").value_or(""), "\"v2\"");
  EXPECT_TRUE(has(got.raw.body, "DUE;VALUE=DATE:20270110\r\n")) << got.raw.body;
  t = s.call("GET", "/api/v1/tasks/" + id, k.a.token).body;
  EXPECT_EQ(str(t, "due"), "2027-01-10");
  EXPECT_EQ(str(t, "description"), "en **gras**");

  // A stale ETag, or another UID, changes nothing.
  EXPECT_EQ(k.put(k.a, "t.ics", vtodo("UID:t-1\nSUMMARY:Old"), {{"If-Match", "\"v1\""}}).status,
            412);
  auto renamed = k.put(k.a, "t.ics", vtodo("UID:t-2\nSUMMARY:Other"));
  EXPECT_EQ(renamed.status, 409);
  EXPECT_TRUE(has(renamed.raw.body, "no-uid-conflict")) << renamed.raw.body;
  t = s.call("GET", "/api/v1/tasks/" + id, k.a.token).body;
  EXPECT_EQ(str(t, "title"), "Écrire le plan");
  EXPECT_EQ(t.at("version").as_int64(), 2);

  // Completed by the client: done in Ruche; then reopened.
  ASSERT_EQ(k.put(k.a, "t.ics",
                  vtodo("UID:t-1\nSUMMARY:Écrire le plan\nSTATUS:COMPLETED\n"
                        "COMPLETED:20270103T100000Z\nPERCENT-COMPLETE:100\n" +
                        extras),
                  {{"If-Match", "\"v2\""}})
                .status,
            204);
  t = s.call("GET", "/api/v1/tasks/" + id, k.a.token).body;
  EXPECT_EQ(str(t, "status"), "done");
  EXPECT_FALSE(t.at("completed_at").is_null());
  EXPECT_TRUE(t.at("due").is_null());  // a VTODO is the whole task: no DUE, no due
  got = k.get("t.ics");
  EXPECT_TRUE(has(got.raw.body, "STATUS:COMPLETED\r\n"));
  EXPECT_TRUE(has(got.raw.body, "\r\nCOMPLETED:"));
  ASSERT_EQ(
      k.put(k.a, "t.ics", vtodo("UID:t-1\nSUMMARY:Écrire le plan\nPERCENT-COMPLETE:30\n" + extras))
          .status,
      204);
  t = s.call("GET", "/api/v1/tasks/" + id, k.a.token).body;
  EXPECT_EQ(str(t, "status"), "doing");
  EXPECT_TRUE(t.at("completed_at").is_null());

  // Edited in the web: what Ruche does not model stays.
  ASSERT_EQ(s.call("PATCH", "/api/v1/tasks/" + id, k.a.token,
                   body(json::object{{"title", "Plan final"}, {"labels", json::array{"doc"}}}))
                .status,
            200);
  got = k.get("t.ics");
  EXPECT_TRUE(has(got.raw.body, "SUMMARY:Plan final\r\n"));
  EXPECT_TRUE(has(got.raw.body, "CATEGORIES:doc\r\n"));
  EXPECT_TRUE(has(got.raw.body, "X-APP-COLOR:teal\r\n")) << got.raw.body;
  EXPECT_TRUE(has(got.raw.body, kAlarm)) << got.raw.body;
  EXPECT_TRUE(has(got.raw.body, "UID:t-1\r\n"));
  const std::string etag = got.raw.header("ETag").value_or("");
  EXPECT_EQ(etag, "\"v5\"");

  // Deleted as the API deletes: If-Match honoured, audited, announced.
  EXPECT_EQ(
      s.call("DELETE", k.feed(k.a) + "t.ics", k.a.token, std::nullopt, {{"If-Match", "\"v4\""}})
          .status,
      412);
  EXPECT_EQ(s.call("GET", "/api/v1/tasks/" + id, k.a.token).status, 200);
  ASSERT_EQ(
      s.call("DELETE", k.feed(k.b) + "t.ics", k.b.token, std::nullopt, {{"If-Match", etag}}).status,
      204);
  e = until(*events, "task.deleted");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e.at("data"), "id"), id);
  EXPECT_EQ(s.call("GET", "/api/v1/tasks/" + id, k.a.token).status, 404);
  EXPECT_EQ(k.get("t.ics").status, 404);
  EXPECT_EQ(s.call("DELETE", k.feed(k.a) + "t.ics", k.a.token).status, 404);
  EXPECT_EQ(s.audit_count("tasks.task_deleted"), 1);
  // A task made in the web goes by its default name.
  const std::string web = k.created("Du web");
  ASSERT_EQ(s.call("DELETE", k.feed(k.a) + web + ".ics", k.a.token).status, 204);
  EXPECT_TRUE(k.tasks().empty());
  // The name is free again, for a new task.
  EXPECT_EQ(k.put(k.a, "t.ics", vtodo("UID:t-1\nSUMMARY:Encore")).status, 201);
}

TEST(Calendar, OnlyTasksWritersWriteThroughCalDav) {
  TestServer s;
  TaskDav k(s);
  Account outsider = s.user("Dan");
  const std::string id = k.created("Plan");
  const std::string privilege = "current-user-privilege-set";
  EXPECT_TRUE(has(k.prop(k.a, "D:" + privilege), "<D:write/>"));
  EXPECT_TRUE(has(k.prop(k.c, "D:" + privilege), "<D:read/>"));
  EXPECT_FALSE(has(k.prop(k.c, "D:" + privilege), "<D:write/>"));
  const std::string ctag = k.prop(k.a, "CS:getctag");

  // A reader: 403 with WebDAV's need-privileges, and nothing changes.
  for (auto r : {k.put(k.c, "mine.ics", vtodo("UID:mine\nSUMMARY:Le mien")),
                 k.put(k.c, id + ".ics", vtodo("UID:" + id + "@ruche\nSUMMARY:Le sien")),
                 s.call("DELETE", k.feed(k.c) + id + ".ics", k.c.token)}) {
    EXPECT_EQ(r.status, 403) << r.raw.body;
    EXPECT_TRUE(has(r.raw.body, "<D:need-privileges>")) << r.raw.body;
  }
  auto list = k.tasks();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(str(list[0], "title"), "Plan");
  EXPECT_EQ(list[0].at("version").as_int64(), 1);
  EXPECT_EQ(k.prop(k.a, "CS:getctag"), ctag);

  // Outside the workspace, or without the module: nothing there.
  const std::string theirs = "/dav/calendars/" + outsider.id.str() + "/" + k.ws + ".tasks/";
  for (auto r : {s.call("PUT", theirs + "x.ics", outsider.token, vtodo("UID:x\nSUMMARY:x")),
                 s.call("PUT", theirs + id + ".ics", outsider.token,
                        vtodo("UID:" + id + "@ruche\nSUMMARY:x")),
                 s.call("DELETE", theirs + id + ".ics", outsider.token),
                 s.call("PUT", k.feed(k.a) + "x.ics", outsider.token, vtodo("UID:x\nSUMMARY:x"))}) {
    EXPECT_EQ(r.status, 404) << r.raw.body;
  }
  EXPECT_EQ(k.tasks().size(), 1u);
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + k.ws, k.a.token,
                   body(json::object{{"modules", json::array{"chat"}}}))
                .status,
            200);
  EXPECT_EQ(k.put(k.a, "x.ics", vtodo("UID:x\nSUMMARY:x")).status, 404);
  EXPECT_EQ(s.call("DELETE", k.feed(k.a) + id + ".ics", k.a.token).status, 404);
}

TEST(Calendar, BadTaskObjectsAreRefusedAndChangeNothing) {
  TestServer s;
  TaskDav k(s);
  const std::string open = k.created("Ouvert");
  const std::string ctag = k.prop(k.a, "CS:getctag");
  auto folded = [](std::size_t bytes) {
    std::string v = "X-BIG:";
    for (std::size_t i = 0; i < bytes; ++i) v += (i > 0 && i % 70 == 0) ? "\n a" : "a";
    return v + "\n";
  };
  struct Case {
    std::string name, ics;
    int status;
    std::string marker;  // in the answer
  };
  const std::vector<Case> cases{
      {"a.ics", "not iCalendar at all", 403, "valid-calendar-data"},
      {"a.ics", "BEGIN:VCALENDAR\r\nnonsense\r\n", 403, "valid-calendar-data"},
      {"a.ics", vtodo("UID:a\nSUMMARY:x\nDUE:20271345T100000Z"), 403, "valid-calendar-data"},
      {"a.ics",
       "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:e\r\n"
       "DTSTAMP:20270101T000000Z\r\nDTSTART:20270105T100000Z\r\nSUMMARY:Réunion\r\n"
       "END:VEVENT\r\nEND:VCALENDAR\r\n",
       403, "supported-calendar-component"},
      {"a.ics",
       vtodo("UID:r\nSUMMARY:a\nDTSTART:20270105T100000Z\nRRULE:FREQ=DAILY\nEND:VTODO\n"
             "BEGIN:VTODO\nUID:r\nDTSTAMP:20270101T000000Z\nSUMMARY:b\n"
             "RECURRENCE-ID:20270106T100000Z"),
       403, "valid-calendar-object-resource"},
      {"a.ics",
       "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nMETHOD:REQUEST\r\n"
       "BEGIN:VTODO\r\nUID:m\r\nDTSTAMP:20270101T000000Z\r\nSUMMARY:x\r\nEND:VTODO\r\n"
       "END:VCALENDAR\r\n",
       403, "valid-calendar-object-resource"},
      {"a.ics", vtodo("UID:big\nSUMMARY:x\n" + folded(200 * 1024)), 403, "max-resource-size"},
      {"a.ics", vtodo("UID:huge\nSUMMARY:x\n" + folded(300 * 1024)), 413, ""},
      {"a.txt", vtodo("UID:n\nSUMMARY:x"), 400, "invalid_name"},
      {"a.ics", vtodo("UID:t\nDESCRIPTION:no title"), 400, "invalid_title"},
      {"a.ics", vtodo("UID:t\nSUMMARY:" + std::string(301, 'x')), 400, "invalid_title"},
      {"a.ics", vtodo("UID:t\nSUMMARY:x\nCATEGORIES:" + std::string(41, 'l')), 400,
       "invalid_labels"},
      {"a.ics", vtodo("UID:t\nSUMMARY:x\nDESCRIPTION:" + std::string(20'001, 'd')), 400,
       "invalid_description"},
      // Done while it waits for a task that is not.
      {"a.ics",
       vtodo("UID:t\nSUMMARY:x\nSTATUS:COMPLETED\nRELATED-TO;RELTYPE=DEPENDS-ON:" + open +
             "@ruche"),
       409, "blocked"},
  };
  for (const auto& c : cases) {
    auto r = k.put(k.a, c.name, c.ics);
    EXPECT_EQ(r.status, c.status) << c.marker << ": " << r.raw.body;
    EXPECT_TRUE(has(r.raw.body, c.marker)) << c.marker << ": " << r.raw.body;
  }
  // Names that leave the collection are no resource of it (the server
  // refuses dot segments before routing).
  for (std::string name : {"..%2F..%2Fx.ics", "%2E%2E", "a%2Fb.ics", "..", "x%00.ics"}) {
    const int status =
        s.call("PUT", k.feed(k.a) + name, k.a.token, vtodo("UID:p\nSUMMARY:x")).status;
    EXPECT_TRUE(status == 400 || status == 404) << name << ": " << status;
  }
  // Each ATTENDEE and dependency is looked up in the workspace while the
  // write holds it: 100 of each at most (one member's line 101 times too).
  std::string crowd, chain;
  for (int i = 0; i <= 100; ++i) {
    crowd += "ATTENDEE:mailto:" + k.b.email + "\n";
    chain += "RELATED-TO;RELTYPE=DEPENDS-ON:elsewhere-" + std::to_string(i) + "\n";
  }
  for (const std::string& lines : {crowd, chain}) {
    auto r = k.put(k.a, "many.ics", vtodo("UID:many\nSUMMARY:x\n" + lines));
    EXPECT_EQ(r.status, 403) << r.raw.body;
    EXPECT_TRUE(has(r.raw.body, "valid-calendar-object-resource")) << r.raw.body;
  }
  EXPECT_EQ(k.put(k.a, "a.ics", vtodo("UID:q\nSUMMARY:x"), {{"If-None-Match", "\"v1\""}}).status,
            400);
  // The same bad input over an existing task leaves it as it was.
  EXPECT_EQ(k.put(k.a, open + ".ics", vtodo("UID:" + open + "@ruche")).status, 400);
  EXPECT_EQ(k.put(k.a, open + ".ics", "BEGIN:VCALENDAR\r\nnonsense\r\n").status, 403);
  auto list = k.tasks();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(str(list[0], "title"), "Ouvert");
  EXPECT_EQ(list[0].at("version").as_int64(), 1);
  EXPECT_EQ(k.prop(k.a, "CS:getctag"), ctag);
  EXPECT_EQ(k.get("a.ics").status, 404);
}

TEST(Calendar, TasksFromCalDavKeepTheirLinesThroughExportAndImport) {
  TestServer s;
  TaskDav k(s);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  const std::string spec = k.created("Spec");
  ASSERT_EQ(k.put(k.a, "4F1C-client.ics", client_todo(spec + "@ruche")).status, 201);
  auto exported = s.call("GET", "/api/v1/workspaces/" + k.ws + "/export", k.a.token);
  ASSERT_EQ(exported.status, 200);
  EXPECT_TRUE(has(exported.raw.body, "X-MOZ-GENERATION:3"));
  auto r = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, exported.raw.body);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string copy = str(r.body.at("workspace"), "id");
  const std::string feed = "/dav/calendars/" + admin.id.str() + "/" + copy + ".tasks/";
  auto got = s.call("GET", feed + "4F1C-client.ics", admin.token);
  ASSERT_EQ(got.status, 200) << got.raw.body;
  EXPECT_TRUE(has(got.raw.body, "UID:client-uid-1\r\n"));
  EXPECT_TRUE(has(got.raw.body, kAlarm));
  EXPECT_TRUE(has(got.raw.body, "X-MOZ-GENERATION:3\r\n"));
  EXPECT_TRUE(has(got.raw.body, "TZID:Europe/Paris\r\n"));
  // The dependency follows the new ids: the copy of Spec, by its new UID.
  auto list = s.call("GET", "/api/v1/workspaces/" + copy + "/tasks", admin.token);
  ASSERT_EQ(list.status, 200);
  std::string new_spec;
  for (const auto& t : list.body.as_array())
    if (str(t, "title") == "Spec") new_spec = str(t, "id");
  ASSERT_FALSE(new_spec.empty());
  EXPECT_TRUE(has(got.raw.body, "RELATED-TO;RELTYPE=DEPENDS-ON:" + new_spec + "@ruche\r\n"))
      << got.raw.body;
}

// An organizer removed from the event's workspace (or named ORGANIZER by a
// calendar application without reading the calendar) hears nothing more of
// the answers: their notices would name the event, its times and who answered.
TEST(Calendar, AnOrganizerWhoNoLongerReadsTheCalendarHearsNoAnswers) {
  TestServer s;
  Cal k(s);
  auto r = k.create(k.b, {{"title", "Comité"},
                          {"start", "2027-03-10T09:00:00Z"},
                          {"end", "2027-03-10T10:00:00Z"},
                          {"attendees", json::array{json::object{{"user_id", k.a.id.str()}}}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string path = "/api/v1/calendar/events/" + str(r.body, "id");
  auto answered = [&]() {
    auto kept = s.call("GET", "/api/v1/me/notices", k.b.token);
    EXPECT_EQ(kept.status, 200) << kept.raw.body;
    int n = 0;
    for (const auto& x : kept.body.at("notices").as_array())
      if (str(x, "type") == "calendar.answered") ++n;
    return n;
  };
  ASSERT_EQ(
      s.call("POST", path + "/reply", k.a.token, body(json::object{{"partstat", "tentative"}}))
          .status,
      200);
  EXPECT_EQ(answered(), 1);
  ASSERT_EQ(
      s.call("DELETE", "/api/v1/workspaces/" + k.ws + "/members/" + k.b.id.str(), k.a.token).status,
      204);
  EXPECT_EQ(s.call("GET", path, k.b.token).status, 404);
  ASSERT_EQ(s.call("POST", path + "/reply", k.a.token, body(json::object{{"partstat", "accepted"}}))
                .status,
            200);
  EXPECT_EQ(answered(), 1);
}

// A rule finer than daily narrowed by a coarser part makes libical scan
// unit by unit (FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30: seconds until the
// year 2582 in one step): refused from either door, nothing stored; the
// rules calendar applications write stay.
TEST(Calendar, RulesThatCannotBeExpandedInBoundedTimeAreRefused) {
  TestServer s;
  Cal k(s);
  const std::string cal = k.dav(k.a);
  auto object = [](const std::string& uid, const std::string& rule) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Some App//EN\r\nBEGIN:VEVENT\r\nUID:" +
           uid +
           "\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270203T130000Z\r\nDTEND:"
           "20270203T140000Z\r\nSUMMARY:x\r\nRRULE:" +
           rule + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  };
  for (const std::string rule : {"FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MINUTELY;BYDAY=MO",
                                 "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=SECONDLY;BYHOUR=9",
                                 "FREQ=MINUTELY;BYDAY=MO;BYHOUR=9", "FREQ=HOURLY;BYYEARDAY=1"}) {
    auto put = s.call("PUT", cal + "slow.ics", k.a.token, object("slow", rule));
    ASSERT_EQ(put.status, 403) << rule;
    EXPECT_NE(put.raw.body.find("valid-calendar-data"), std::string::npos) << put.raw.body;
    json::object fields = kMeeting;
    fields["rrule"] = rule;
    ASSERT_EQ(k.create(k.a, fields).error_code(), "invalid_rrule") << rule;
  }
  EXPECT_EQ(s.call("GET", cal + "slow.ics", k.a.token).status, 404);
  const std::string id = k.created(kMeeting);
  ASSERT_EQ(k.patch(k.a, id, {{"rrule", "FREQ=SECONDLY;BYDAY=MO"}}).error_code(), "invalid_rrule");
  EXPECT_EQ(str(s.call("GET", "/api/v1/calendar/events/" + id, k.a.token).body, "rrule"),
            "FREQ=WEEKLY;COUNT=3");
  int n = 0;
  // RFC 5545's own: every 20 minutes from 9:00 to 16:40.
  for (const std::string rule : {"FREQ=MINUTELY;INTERVAL=15;COUNT=4", "FREQ=SECONDLY;BYSECOND=0",
                                 "FREQ=HOURLY;BYHOUR=9,10;BYMINUTE=0,30",
                                 "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16"}) {
    const std::string uid = "fine" + std::to_string(++n);
    EXPECT_EQ(s.call("PUT", cal + uid + ".ics", k.a.token, object(uid, rule)).status, 201) << rule;
  }
  EXPECT_FALSE(k.occurrences("2027-02-03T00:00:00Z", "2027-02-05T00:00:00Z").empty());
}

// A calendar-query's filter is tested against every component of every
// object the query reads: bounded (64 comp-filters and prop-filters, a
// text-match of 1 KiB), 403 supported-filter beyond.
TEST(Calendar, AQueryFilterIsBounded) {
  TestServer s;
  Cal k(s);
  k.created(kMeeting);
  auto query = [&](const std::string& inside) {
    return s.call("REPORT", k.dav(k.a), k.a.token,
                  "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
                  "<D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\">" +
                      inside + "</C:comp-filter></C:filter></C:calendar-query>",
                  {{"Depth", "1"}});
  };
  const std::string week =
      "<C:comp-filter name=\"VEVENT\"><C:time-range start=\"20270208T000000Z\" "
      "end=\"20270209T000000Z\"/></C:comp-filter>";
  auto fine = query(week + week);
  ASSERT_EQ(fine.status, 207) << fine.raw.body;
  EXPECT_EQ(responses(fine.raw.body).size(), 1u);
  std::string many;
  for (int i = 0; i < 64; ++i) many += week;
  auto refused = query(many);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.raw.body.find("supported-filter"), std::string::npos) << refused.raw.body;
  auto long_text =
      query("<C:comp-filter name=\"VEVENT\"><C:prop-filter name=\"SUMMARY\"><C:text-match>" +
            std::string(1025, 'x') + "</C:text-match></C:prop-filter></C:comp-filter>");
  EXPECT_EQ(long_text.status, 403);
  EXPECT_NE(long_text.raw.body.find("supported-filter"), std::string::npos);
}

// CALDAV:expand writes each instance as a copy of its component: bounded
// per object (kMaxExpandedBytes, the earliest instances), so that one
// object of 64 KiB stepping every minute is not written out as 90 MB.
TEST(Calendar, AnExpandedObjectIsBounded) {
  TestServer s;
  Cal k(s);
  const std::string ics =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Some App//EN\r\nBEGIN:VEVENT\r\nUID:big\r\n"
      "DTSTAMP:20270101T000000Z\r\nDTSTART:20270203T000000Z\r\nDTEND:20270203T000100Z\r\n"
      "SUMMARY:Big\r\nDESCRIPTION:" +
      std::string(64'000, 'x') + "\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  ASSERT_EQ(s.call("PUT", k.dav(k.a) + "big.ics", k.a.token, ics).status, 201);
  const std::string range = "start=\"20270203T000000Z\" end=\"20270204T000000Z\"";
  auto r = s.call("REPORT", k.dav(k.a), k.a.token,
                  "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
                  "<D:prop><C:calendar-data><C:expand " +
                      range +
                      "/></C:calendar-data></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\">"
                      "<C:comp-filter name=\"VEVENT\"><C:time-range " +
                      range + "/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>",
                  {{"Depth", "1"}});
  ASSERT_EQ(r.status, 207);
  EXPECT_LT(r.raw.body.size(), dav::kMaxExpandedBytes + 64 * 1024);
  EXPECT_NE(r.raw.body.find("RECURRENCE-ID:20270203T000000Z"), std::string::npos);
  EXPECT_NE(r.raw.body.find("RECURRENCE-ID:20270203T000900Z"), std::string::npos);
}

// The objects an answer lists (its hrefs ending in .ics).
std::set<std::string> listed_names(const std::string& xml) {
  std::set<std::string> names;
  for (std::size_t at = xml.find("<D:href>"); at != std::string::npos;
       at = xml.find("<D:href>", at + 1)) {
    const std::string h = xml.substr(at + 8, xml.find("</D:href>", at) - at - 8);
    if (h.ends_with(".ics")) names.insert(h.substr(h.rfind('/') + 1));
  }
  return names;
}

// The collection's own answer when a listing is cut short.
constexpr std::string_view kAnswerFull = "<D:status>HTTP/1.1 507 Insufficient Storage</D:status>";

// A REPORT's answer is bounded (16 MiB, about): past it the collection
// answers 507; a sync's token is then the last change's included, and the
// next sync from it lists the rest.
TEST(Calendar, AReportsAnswerIsBoundedAndASyncGoesOnFromWhereItStopped) {
  TestServer s;
  Cal k(s);
  const std::string cal = k.dav(k.a);
  constexpr int kObjects = 80;  // of 250 KB: 20 MB in all
  for (int i = 0; i < kObjects; ++i) {
    const std::string uid = "o" + std::to_string(i);
    const std::string ics =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Some App//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
        "\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270203T100000Z\r\nDTEND:20270203T110000Z\r\n"
        "SUMMARY:Big\r\nDESCRIPTION:" +
        std::string(250'000, 'x') + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    ASSERT_EQ(s.call("PUT", cal + uid + ".ics", k.a.token, ics).status, 201) << uid;
  }
  const auto listed = listed_names;
  const std::string_view full = kAnswerFull;

  auto query =
      s.call("REPORT", cal, k.a.token,
             "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
             "<D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter>"
             "<C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\"/>"
             "</C:comp-filter></C:filter></C:calendar-query>",
             {{"Depth", "1"}});
  ASSERT_EQ(query.status, 207);
  EXPECT_LT(query.raw.body.size(), std::size_t{17} << 20);
  EXPECT_NE(query.raw.body.find(full), std::string::npos);
  const auto some = listed(query.raw.body);
  EXPECT_GT(some.size(), 50u);
  EXPECT_LT(some.size(), std::size_t{kObjects});

  auto sync = [&](const std::string& token) {
    return s.call("REPORT", cal, k.a.token,
                  "<D:sync-collection xmlns:D=\"DAV:\" "
                  "xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:sync-token>" +
                      token +
                      "</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/>"
                      "<C:calendar-data/></D:prop></D:sync-collection>",
                  {{"Depth", "1"}});
  };
  auto first = sync("");
  ASSERT_EQ(first.status, 207);
  EXPECT_LT(first.raw.body.size(), std::size_t{17} << 20);
  EXPECT_NE(first.raw.body.find(full), std::string::npos);
  const auto before = listed(first.raw.body);
  auto rest = sync(sync_token(first.raw.body));
  ASSERT_EQ(rest.status, 207);
  EXPECT_EQ(rest.raw.body.find(full), std::string::npos) << "the rest fits";
  const auto after = listed(rest.raw.body);
  std::set<std::string> all = before;
  all.insert(after.begin(), after.end());
  EXPECT_EQ(all.size(), std::size_t{kObjects});
  EXPECT_EQ(before.size() + after.size(), std::size_t{kObjects}) << "none listed twice";
  // Nothing changed since: the next sync lists nothing.
  EXPECT_TRUE(listed(sync(sync_token(rest.raw.body)).raw.body).empty());
  // Nor is the whole calendar given as one file of that size.
  auto file = s.call("GET", cal, k.a.token);
  EXPECT_EQ(file.status, 507);
  EXPECT_LT(file.raw.body.size(), 4096u);
  // A PROPFIND asking for every object's data names each (a 507 would
  // name the collection twice, which RFC 4918 forbids): past 16 MiB, its
  // answer goes through a file and out as a stream.
  auto found = s.call("PROPFIND", cal, k.a.token,
                      "<D:propfind xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
                      "<D:prop><D:getetag/><C:calendar-data/></D:prop></D:propfind>",
                      {{"Depth", "1"}});
  ASSERT_EQ(found.status, 207);
  EXPECT_GT(found.raw.body.size(), std::size_t{18} << 20);
  EXPECT_EQ(found.raw.body.find(full), std::string::npos);
  EXPECT_EQ(listed(found.raw.body).size(), std::size_t{kObjects});
  const std::string collection = "<D:href>" + cal + "</D:href>";
  const auto named = found.raw.body.find(collection);
  EXPECT_NE(named, std::string::npos);
  EXPECT_EQ(found.raw.body.find(collection, named + 1), std::string::npos);
}

// The invitations calendar is bounded as any calendar is: a report of its
// objects' data (calendar-query, multiget) holds about 16 MiB, then the
// collection answers 507 (a multiget asked again for the rest gives it); a
// PROPFIND names every object; it is not given whole as one file.
TEST(Calendar, TheInvitationsCalendarIsBoundedAsAnyCalendarIs) {
  TestServer s;
  Cal k(s);
  Account carol = k.colleague("Carol");
  constexpr int kEvents = 80;  // of 250 KB: 20 MB in all
  const std::string mine = "/dav/calendars/" + k.a.id.str() + "/personal/";
  std::vector<std::string> names;
  for (int i = 0; i < kEvents; ++i) {
    auto r = k.create(k.a,
                      {{"title", "Grand " + std::to_string(i)},
                       {"start", "2027-03-10T09:00:00Z"},
                       {"end", "2027-03-10T10:00:00Z"},
                       {"attendees", json::array{json::object{{"user_id", carol.id.str()}}}}},
                      "me");
    ASSERT_EQ(r.status, 201) << r.raw.body;
    names.push_back(str(r.body, "id") + ".ics");
    // Alice's application makes it large; Carol stays invited.
    const std::string name = mine + str(r.body, "uid") + ".ics";
    auto got = s.call("GET", name, k.a.token);
    ASSERT_EQ(got.status, 200);
    std::string big = got.raw.body;
    big.insert(big.find("END:VEVENT"), "COMMENT:" + std::string(250'000, 'x') + "\r\n");
    ASSERT_EQ(s.call("PUT", name, k.a.token, big).status, 204);
  }
  const std::string feed = "/dav/calendars/" + carol.id.str() + "/invitations/";
  const std::string props = "<D:prop><D:getetag/><C:calendar-data/></D:prop>";
  constexpr std::string_view kNs = " xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"";
  auto cut = [&](const Reply& r) {
    EXPECT_EQ(r.status, 207);
    EXPECT_LT(r.raw.body.size(), std::size_t{17} << 20);
    EXPECT_NE(r.raw.body.find(kAnswerFull), std::string::npos);
    const auto some = listed_names(r.raw.body);
    EXPECT_GT(some.size(), 50u);
    EXPECT_LT(some.size(), std::size_t{kEvents});
    return some;
  };

  // Their ETags alone, every one.
  auto etags =
      s.call("PROPFIND", feed, carol.token,
             "<D:propfind" + std::string(kNs) + "><D:prop><D:getetag/></D:prop></D:propfind>",
             {{"Depth", "1"}});
  ASSERT_EQ(etags.status, 207);
  EXPECT_EQ(listed_names(etags.raw.body), std::set<std::string>(names.begin(), names.end()));
  EXPECT_EQ(etags.raw.body.find(kAnswerFull), std::string::npos);
  // With their data: every one by PROPFIND, a report's cut.
  auto whole =
      s.call("PROPFIND", feed, carol.token,
             "<D:propfind" + std::string(kNs) + ">" + props + "</D:propfind>", {{"Depth", "1"}});
  ASSERT_EQ(whole.status, 207);
  EXPECT_EQ(listed_names(whole.raw.body), std::set<std::string>(names.begin(), names.end()));
  EXPECT_EQ(whole.raw.body.find(kAnswerFull), std::string::npos);
  cut(s.call("REPORT", feed, carol.token,
             "<C:calendar-query" + std::string(kNs) + ">" + props +
                 "<C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\"/>"
                 "</C:comp-filter></C:filter></C:calendar-query>",
             {{"Depth", "1"}}));
  auto multiget = [&](const std::vector<std::string>& asked) {
    std::string hrefs;
    for (const auto& n : asked) hrefs += "<D:href>" + feed + n + "</D:href>";
    return s.call(
        "REPORT", feed, carol.token,
        "<C:calendar-multiget" + std::string(kNs) + ">" + props + hrefs + "</C:calendar-multiget>",
        {{"Depth", "1"}});
  };
  const auto first = cut(multiget(names));
  std::vector<std::string> rest;
  for (const auto& n : names)
    if (!first.contains(n)) rest.push_back(n);
  auto again = multiget(rest);
  ASSERT_EQ(again.status, 207);
  EXPECT_EQ(again.raw.body.find(kAnswerFull), std::string::npos) << "the rest fits";
  const auto second = listed_names(again.raw.body);
  EXPECT_EQ(first.size() + second.size(), std::size_t{kEvents});
  std::set<std::string> all = first;
  all.insert(second.begin(), second.end());
  EXPECT_EQ(all.size(), std::size_t{kEvents}) << "none given twice";
  // Nor is it given whole as one file.
  auto file = s.call("GET", feed, carol.token);
  EXPECT_EQ(file.status, 507);
  EXPECT_NE(file.raw.body.find("calendar_too_large"), std::string::npos);
  // One invitation is read alone, as before.
  auto one = s.call("GET", feed + names.back(), carol.token);
  EXPECT_EQ(one.status, 200);
  EXPECT_GT(one.raw.body.size(), 250'000u);
}

// The events someone is invited to are read by pages of 500 (by event
// id), each passed on as read: every one once, in order, those of the
// range, sealed ones left out; a failure stops the walk.
// The Invitations calendar's CTag (what clients poll, from its events'
// versions and the owner's answers: no event's text read) changes exactly
// when what it lists does.
TEST(Calendar, TheInvitationsCalendarsCtagFollowsWhatItLists) {
  TestServer s;
  Cal k(s);
  Account carol = k.colleague("Carol");  // shares a workspace with Alice, not its calendar
  const std::string feed = "/dav/calendars/" + carol.id.str() + "/invitations/";
  auto ctag = [&]() {
    auto r = s.call("PROPFIND", feed, carol.token,
                    std::string("<D:propfind xmlns:D=\"DAV:\" "
                                "xmlns:CS=\"http://calendarserver.org/ns/\"><D:prop>"
                                "<CS:getctag/></D:prop></D:propfind>"),
                    {{"Depth", "0"}});
    EXPECT_EQ(r.status, 207) << r.raw.body;
    const auto at = r.raw.body.find("<CS:getctag>") + 12;
    return r.raw.body.substr(at, r.raw.body.find("</CS:getctag>", at) - at);
  };
  auto listed = [&]() {
    auto r = s.call("PROPFIND", feed, carol.token, std::string(), {{"Depth", "1"}});
    std::size_t n = 0;
    for (auto at = r.raw.body.find(".ics</D:href>"); at != std::string::npos;
         at = r.raw.body.find(".ics</D:href>", at + 1))
      ++n;
    return n;
  };
  const std::string empty = ctag();
  auto made = k.create(k.a,
                       {{"title", "Revue"},
                        {"start", "2027-03-10T09:00:00Z"},
                        {"end", "2027-03-10T10:00:00Z"},
                        {"attendees", json::array{json::object{{"email", carol.email}}}}},
                       "me");
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string id = str(made.body, "id");
  const std::string invited = ctag();
  EXPECT_NE(invited, empty);
  EXPECT_EQ(listed(), 1u);
  EXPECT_EQ(ctag(), invited) << "nothing changed";
  // Another event, without her: the same.
  ASSERT_EQ(
      k.create(
           k.a,
           {{"title", "Seule"}, {"start", "2027-03-11T09:00:00Z"}, {"end", "2027-03-11T10:00:00Z"}},
           "me")
          .status,
      201);
  EXPECT_EQ(ctag(), invited);
  // The organizer changes it; she answers; she declines (it leaves the list).
  ASSERT_EQ(k.patch(k.a, id, {{"title", "Revue de projet"}}).status, 200);
  const std::string moved = ctag();
  EXPECT_NE(moved, invited);
  auto reply = [&](std::string_view partstat) {
    return s
        .call("POST", "/api/v1/calendar/events/" + id + "/reply", carol.token,
              body(json::object{{"partstat", partstat}}))
        .status;
  };
  ASSERT_EQ(reply("tentative"), 200);
  const std::string answered = ctag();
  EXPECT_NE(answered, moved);
  ASSERT_EQ(reply("declined"), 200);
  EXPECT_NE(ctag(), answered);
  EXPECT_EQ(listed(), 0u);
  ASSERT_EQ(reply("accepted"), 200);
  EXPECT_EQ(listed(), 1u);
  EXPECT_NE(ctag(), answered) << "accepted, not tentative";
}

TEST(Calendar, InvitationsAreReadByPages) {
  TestServer s;
  Cal k(s);
  Account carol = k.colleague("Carol");
  constexpr int kEvents = 1'201;  // three pages
  const calendar::Collection col = calendar::Collection::personal(k.a.id);
  std::vector<std::string> ids;
  ASSERT_TRUE(s.platform().db.write([&](db::Conn& c) -> Result<void> {
    ids.clear();  // a body may run twice (RUCHE_TEST_RUN_WRITES_TWICE)
    for (int i = 0; i < kEvents + 2; ++i) {
      calendar::Object o;
      o.id = crypto::new_id_of<calendar::EventId>();
      o.collection_id = col.id;
      o.name = o.id.str() + ".ics";
      o.info.uid = o.id.str();
      o.info.start_ms = 1'000 * i;
      o.info.end_ms = 1'000 * i + 500;
      o.ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
      o.created_by = k.a.id.str();
      if (i == kEvents) o.sealed = "sealed";  // not read as iCalendar
      RUCHE_TRY(o.seq, calendar::store::next_seq(c, col));
      RUCHE_CHECK(calendar::store::insert(c, o));
      calendar::store::Attendee me{carol.email, carol.id.str(), "NEEDS-ACTION", ""};
      calendar::store::Attendee other{"zoe@example.org", std::nullopt, "ACCEPTED",
                                      "h" + o.id.str()};
      // The last one invites someone else only.
      RUCHE_CHECK(calendar::store::set_attendees(
          c, o.id, i == kEvents + 1 ? std::vector{other} : std::vector{me, other}));
      if (i < kEvents) ids.push_back(o.id.str());
    }
    return {};
  }));
  std::sort(ids.begin(), ids.end());
  auto read = [&](std::int64_t from_ms, std::int64_t to_ms, bool with_text, int stop_at = -1) {
    std::vector<std::string> seen;
    auto walked = s.platform().db.read([&](db::Conn& c) {
      return calendar::store::each_invitation(
          c, carol.id.str(), from_ms, to_ms, with_text,
          [&](calendar::Object& o, const calendar::store::Attendee& me) -> Result<void> {
            if (static_cast<int>(seen.size()) == stop_at) return fail(Errc::conflict, "stop");
            EXPECT_EQ(me.email, carol.email);
            EXPECT_EQ(me.partstat, "NEEDS-ACTION");
            EXPECT_EQ(o.ics.empty(), !with_text);
            seen.push_back(o.id.str());
            return {};
          });
    });
    return std::make_pair(walked.has_value(), seen);
  };
  auto [done, all] = read(INT64_MIN, INT64_MAX, false);
  EXPECT_TRUE(done);
  EXPECT_EQ(all, ids) << "every one once, by id";
  EXPECT_EQ(read(INT64_MIN, INT64_MAX, true).second, ids);
  // Those of [100 s, 200 s): a hundred.
  auto [ranged_done, ranged] = read(100'000, 200'000, true);
  EXPECT_EQ(ranged.size(), 100u);
  EXPECT_TRUE(std::is_sorted(ranged.begin(), ranged.end()));
  auto [stopped, some] = read(INT64_MIN, INT64_MAX, false, 700);
  EXPECT_FALSE(stopped);
  EXPECT_EQ(some.size(), 700u);
  // Some by id: those that invite her.
  auto named = s.platform().db.read([&](db::Conn& c) {
    return calendar::store::invitations_with_ids(
        c, carol.id.str(),
        {calendar::EventId(ids[7]), calendar::EventId(ids[3]),
         calendar::EventId(crypto::new_id_of<calendar::EventId>())});
  });
  ASSERT_TRUE(named);
  ASSERT_EQ(named->size(), 2u);
  EXPECT_EQ(named->at(0).first.id.str(), ids[3]);
  EXPECT_EQ(named->at(1).first.id.str(), ids[7]);
  EXPECT_FALSE(named->at(0).first.ics.empty());
}

// An occurrence list holds the earliest 2,000 instances of all the events
// it reads, in order of start (then end): kept as they come, not all held
// then cut.
TEST(Calendar, AListHoldsTheEarliestOccurrencesOfAllItsEvents) {
  TestServer s;
  Cal k(s);
  auto hourly = [&](const std::string& title, const std::string& start, const std::string& end) {
    auto r = k.create(
        k.a,
        {{"title", title}, {"start", start}, {"end", end}, {"rrule", "FREQ=HOURLY;COUNT=1500"}});
    ASSERT_EQ(r.status, 201) << r.raw.body;
  };
  hourly("A", "2027-02-01T00:00:00Z", "2027-02-01T00:30:00Z");
  hourly("B", "2027-02-01T00:30:00Z", "2027-02-01T01:00:00Z");
  ASSERT_EQ(
      k.create(k.a,
               {{"title", "C"}, {"start", "2027-02-01T00:00:00Z"}, {"end", "2027-02-01T00:15:00Z"}})
          .status,
      201);
  const auto all = k.occurrences("2027-02-01", "2027-05-01");
  ASSERT_EQ(all.size(), 2000u) << "3,001 in the range";
  EXPECT_EQ(all[0], "C@2027-02-01T00:00:00.000Z") << "the same start, the earlier end first";
  EXPECT_EQ(all[1], "A@2027-02-01T00:00:00.000Z");
  EXPECT_EQ(all[2], "B@2027-02-01T00:30:00.000Z");
  EXPECT_EQ(all[3], "A@2027-02-01T01:00:00.000Z");
  EXPECT_EQ(all[1999], "A@2027-03-14T15:00:00.000Z") << "A's 1,000th; B's 999th before it";
  EXPECT_EQ(all[1998], "B@2027-03-14T14:30:00.000Z");
}

// Every occurrence names its event's title and place: cut at 300 bytes
// (the JSON API's own bound), so that a calendar application's SUMMARY of
// 100 KB on an event stepping every minute does not make lists of megabytes.
TEST(Calendar, AnOccurrencesTitleIsBounded) {
  TestServer s;
  Cal k(s);
  const std::string title = "é" + std::string(100'000, 't');
  const std::string ics =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Some App//EN\r\nBEGIN:VEVENT\r\nUID:long\r\n"
      "DTSTAMP:20270101T000000Z\r\nDTSTART:20270203T000000Z\r\nDTEND:20270203T000100Z\r\n"
      "SUMMARY:" +
      title + "\r\nLOCATION:" + title +
      "\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  ASSERT_EQ(s.call("PUT", k.dav(k.a) + "long.ics", k.a.token, ics).status, 201);
  auto r = s.call("GET",
                  "/api/v1/workspaces/" + k.ws +
                      "/calendar/events?from=2027-02-03T00:00:00Z&to=2027-02-03T02:00:00Z",
                  k.a.token);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body.as_array().size(), 120u);
  EXPECT_EQ(str(r.body.at(0), "title"), title.substr(0, 300));
  EXPECT_EQ(str(r.body.at(0), "location"), title.substr(0, 300));
  EXPECT_LT(r.raw.body.size(), 200'000u);
  // The event holds them whole.
  auto event = s.call("GET", "/api/v1/calendar/events/" + str(r.body.at(0), "event_id"), k.a.token);
  EXPECT_EQ(str(event.body, "title"), title);
}

// Each answer to one occurrence a PUT in the invitations calendar changes
// is a write of the whole event and a notice to the organizer: at most 100
// per PUT (403 valid-calendar-object-resource beyond, nothing changed),
// not the hundreds of overrides an object of 256 KiB holds.
TEST(Calendar, AnInviteesPutAnswersAFewOccurrencesAtOnce) {
  TestServer s;
  Cal k(s);
  Account carol = k.colleague("Carol");
  auto r = k.create(k.a,
                    {{"title", "Quotidien"},
                     {"start", "2027-03-01T09:00:00Z"},
                     {"end", "2027-03-01T09:15:00Z"},
                     {"rrule", "FREQ=DAILY;COUNT=150"},
                     {"attendees", json::array{json::object{{"email", carol.email}}}}},
                    "me");
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id"), uid = str(r.body, "uid");
  const std::string href = "/dav/calendars/" + carol.id.str() + "/invitations/" + id + ".ics";
  auto got = s.call("GET", href, carol.token);
  ASSERT_EQ(got.status, 200) << got.raw.body;
  // Carol declines the first `n` days apart.
  auto declined = [&](int n) {
    static constexpr int kDays[] = {31, 30, 31, 30, 31};  // March to July
    std::string overrides;
    for (int i = 0, month = 3, day = 1; i < n; ++i) {
      char date[32];
      std::snprintf(date, sizeof date, "2027%02d%02d", month, day);
      overrides += "BEGIN:VEVENT\r\nUID:" + uid +
                   "\r\nDTSTAMP:20270101T000000Z\r\nRECURRENCE-ID:" + date +
                   "T090000Z\r\nDTSTART:" + date + "T090000Z\r\nDTEND:" + date +
                   "T091500Z\r\nSUMMARY:Quotidien\r\nORGANIZER:mailto:" + k.a.email +
                   "\r\nATTENDEE;PARTSTAT=DECLINED:mailto:" + carol.email + "\r\nEND:VEVENT\r\n";
      if (++day > kDays[month - 3]) day = 1, ++month;
    }
    std::string ics = got.raw.body;
    ics.insert(ics.rfind("END:VCALENDAR"), overrides);
    return s.call("PUT", href, carol.token, ics);
  };
  auto many = declined(101);
  EXPECT_EQ(many.status, 403);
  EXPECT_NE(many.raw.body.find("valid-calendar-object-resource"), std::string::npos)
      << many.raw.body;
  auto event = s.call("GET", "/api/v1/calendar/events/" + id, k.a.token);
  EXPECT_TRUE(event.body.at("instance_answers").as_array().empty());
  EXPECT_EQ(event.body.at("version"), r.body.at("version"));
  ASSERT_EQ(declined(3).status, 204);
  event = s.call("GET", "/api/v1/calendar/events/" + id, k.a.token);
  EXPECT_EQ(event.body.at("instance_answers").as_array().size(), 3u);
}

// An EXDATE added or taken away counts as an occurrence cancelled (back)
// where it names one, which walks the rule: past 16 in one write, every one
// counts unchecked (one write of thousands was minutes of CPU), and those
// invited hear of the event changed.
TEST(Calendar, ManyExdatesAtOnceAreOneChangeOfTheSeries) {
  TestServer s;
  Cal k(s);
  auto r = k.create(k.a, {{"title", "Quotidien"},
                          {"start", "2027-03-01T09:00:00Z"},
                          {"end", "2027-03-01T09:15:00Z"},
                          {"rrule", "FREQ=DAILY;COUNT=20000"},
                          {"attendees", json::array{json::object{{"user_id", k.b.id.str()}}}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string href = k.dav(k.a) + str(r.body, "uid") + ".ics";
  auto got = s.call("GET", href, k.a.token);
  ASSERT_EQ(got.status, 200);
  std::string exdates;  // none an occurrence: in the year 2500, at 09:00:01
  for (int i = 0; i < 3000; ++i) {
    char line[64];
    std::snprintf(line, sizeof line, "EXDATE:2500%02d%02dT%02d0001Z\r\n", i % 12 + 1,
                  i / 12 % 28 + 1, i / 336 % 24);
    exdates += line;
  }
  std::string ics = got.raw.body;
  ics.insert(ics.find("RRULE:"), exdates);
  auto put =
      s.call("PUT", href, k.a.token, ics, {{"If-Match", got.raw.header("ETag").value_or("")}});
  ASSERT_EQ(put.status, 204) << put.raw.body;
  auto kept = s.call("GET", "/api/v1/me/notices", k.b.token);
  int updated = 0;
  for (const auto& x : kept.body.at("notices").as_array())
    if (str(x, "type") == "calendar.invitation_updated") ++updated;
  EXPECT_EQ(updated, 1);
}

// A request still running when the server stops (the audit's CalDAV PUT of
// minutes, past the grace period) keeps the modules it uses: stopping waits
// for it before the calendar's service goes, then the database. The slow
// handler asks the calendar module, as a route of it would, whether it is
// still there, until it has run long enough; the client gets an answer or
// its connection closed (grace 0: closed at once), and nothing crashes.
TEST(Calendar, StoppingWaitsForARequestStillInAModule) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool saw_stopping = false;
  bool finished = false;
  auto server = std::make_unique<TestServer>(
      [](app::Config& c) { c.shutdown_grace_ms = 0; },
      [&](platform::Api& api) {
        platform::Platform* p = &api.platform();
        api.add_public("POST", "/test/slow", [&, p](http::Request&) -> Result<http::Response> {
          {
            std::lock_guard lock(mu);
            entered = true;
          }
          cv.notify_all();
          const platform::ModuleDef* calendar = p->registry.find("calendar");
          for (int i = 0; i < 100; ++i) {
            auto m = p->db.read([&](db::Conn& c) {
              return calendar->metrics(c, WorkspaceId("none"), platform::ReportPeriod{});
            });
            if (!m && m.error().code == Errc::unavailable) {
              std::lock_guard lock(mu);
              saw_stopping = true;
              break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
          std::lock_guard lock(mu);
          finished = true;
          return http::Response{};
        });
      });
  int status = 0;
  std::thread client([&] {
    try {
      status = server->call("POST", "/test/slow").status;
    } catch (const std::exception&) {
      status = -1;  // the connection closed when the grace period ended
    }
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return entered; });
  }
  server.reset();
  client.join();
  std::lock_guard lock(mu);
  EXPECT_TRUE(finished);
  EXPECT_FALSE(saw_stopping) << "the calendar stopped while a request was still using it";
  EXPECT_TRUE(status == -1 || status == 200 || status == 503) << status;
}

// A published calendar (a town's agenda) of `events`, each "UID|SUMMARY|DTSTART[|RRULE]".
std::string agenda(const std::vector<std::string>& events) {
  std::string ics =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mairie//Agenda//FR\r\nMETHOD:PUBLISH\r\n"
      "X-WR-CALNAME:Agenda de la mairie\r\nREFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n";
  for (const auto& e : events) {
    std::vector<std::string> f;
    for (std::size_t at = 0;;) {
      auto bar = e.find('|', at);
      f.push_back(e.substr(at, bar - at));
      if (bar == std::string::npos) break;
      at = bar + 1;
    }
    ics += "BEGIN:VEVENT\r\nUID:" + f[0] + "\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:" + f[2] +
           "\r\nDURATION:PT2H\r\nSUMMARY:" + f[1] + "\r\n" +
           (f.size() > 3 ? "RRULE:" + f[3] + "\r\n" : "") +
           "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT1H\r\nDESCRIPTION:x\r\nEND:VALARM\r\n"
           "END:VEVENT\r\n";
  }
  return ics + "END:VCALENDAR\r\n";
}

TEST(Calendar, SubscriptionsAreReadOnlyCopiesOfPublishedCalendars) {
  testing::Origin origin;
  origin.set(
      "/agenda.ics",
      {.body = agenda({"conseil@mairie|Conseil municipal|20270104T170000Z|FREQ=MONTHLY;COUNT=3",
                       "marche@mairie|Marché|20270109T090000Z"}),
       .headers = {{"ETag", "\"v1\""}, {"Content-Type", "text/calendar"}}});
  const std::string url = origin.url("/agenda.ics");
  const std::string subscribe = "/api/v1/me/calendar/subscriptions";
  {
    // Off by default; on, loopback and private addresses stay out of reach.
    TestServer off;
    Account a = off.user("Alice");
    EXPECT_EQ(off.call("POST", subscribe, a.token, body({{"url", url}})).error_code(),
              "egress_disabled");
    TestServer closed([](app::Config& c) { c.egress_enabled = true; });
    Account b = closed.user("Bob");
    auto r = closed.call("POST", subscribe, b.token, body({{"url", url}}));
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error_code(), "address_refused");
    auto none = closed.call("GET", subscribe, b.token);
    EXPECT_TRUE(none.body.at("available").as_bool());
    EXPECT_TRUE(none.body.at("subscriptions").as_array().empty());
    EXPECT_FALSE(off.call("GET", subscribe, a.token).body.at("available").as_bool());
    EXPECT_EQ(origin.hits("/agenda.ics"), 0);
  }
  TestServer s([](app::Config& c) {
    c.egress_enabled = true;
    c.egress_allow = {"127.0.0.1/32"};
    c.module_settings["calendar"] = json::object{{"subscriptions_check_seconds", 1}};
  });
  Cal k(s);
  // Bad addresses and answers that are no calendar make nothing.
  origin.set("/page.html", {.body = "<html>hello</html>"});
  for (auto [u, code] : {std::pair<std::string, std::string>{"ftp://127.0.0.1/x", "invalid_url"},
                         {"", "invalid_url"},
                         {"not a url", "invalid_url"},
                         {origin.url("/missing.ics"), "feed_status"},
                         {origin.url("/page.html"), "invalid_feed"}}) {
    auto r = s.call("POST", subscribe, k.a.token, body({{"url", u}}));
    EXPECT_EQ(r.status, 400) << u;
    EXPECT_EQ(r.error_code(), code) << u << " " << r.raw.body;
  }
  EXPECT_EQ(s.call("POST", subscribe, k.a.token, body({{"url", url}, {"name", " "}})).error_code(),
            "invalid_name");
  EXPECT_TRUE(s.call("GET", subscribe, k.a.token).body.at("subscriptions").as_array().empty());
  Account guest = s.user("Gaston", platform::InstanceRole::guest);
  EXPECT_EQ(s.call("POST", subscribe, guest.token, body({{"url", url}})).status, 404);
  EXPECT_FALSE(s.call("GET", subscribe, guest.token).body.at("available").as_bool());

  auto made = s.call("POST", subscribe, k.a.token, body({{"url", url}}));
  ASSERT_EQ(made.status, 201) << made.raw.body;
  const std::string sid = str(made.body, "id");
  EXPECT_EQ(str(made.body, "name"), "Agenda de la mairie");
  EXPECT_EQ(made.body.at("refresh_minutes").as_int64(), 240);
  EXPECT_TRUE(made.body.at("error").is_null());
  EXPECT_FALSE(made.body.at("refreshed_at").is_null());
  EXPECT_EQ(str(made.body, "url"), url);
  // At rest, the address is sealed: a dump of the database does not give it.
  auto stored = s.platform().db.read([&](db::Conn& c) {
    return c.query_one("SELECT url FROM calendar_subscriptions WHERE id = $1", {sid});
  });
  ASSERT_TRUE(stored && *stored);
  EXPECT_TRUE((*stored)->text(0).starts_with("u1:"));
  EXPECT_EQ((*stored)->text(0).find("agenda"), std::string::npos);

  // Its events among the owner's, marked as the subscription's; nobody else's.
  EXPECT_EQ(k.occurrences("2027-01-01", "2027-04-01", &k.a, true),
            (std::vector<std::string>{"Conseil municipal@2027-01-04T17:00:00.000Z",
                                      "Marché@2027-01-09T09:00:00.000Z",
                                      "Conseil municipal@2027-02-04T17:00:00.000Z",
                                      "Conseil municipal@2027-03-04T17:00:00.000Z"}));
  EXPECT_TRUE(k.occurrences("2027-01-01", "2027-04-01", &k.b, true).empty());
  auto list = s.call("GET", "/api/v1/me/calendar/events?from=2027-01-01&to=2027-02-01", k.a.token);
  const std::string event = str(list.body.at(0), "event_id");
  EXPECT_EQ(str(list.body.at(0), "subscription_id"), sid);
  auto one = s.call("GET", "/api/v1/calendar/events/" + event, k.a.token);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(str(one.body, "subscription_id"), sid);
  EXPECT_EQ(s.call("GET", "/api/v1/calendar/events/" + event, k.b.token).status, 404);
  // Read only, through the JSON API as through CalDAV.
  EXPECT_EQ(k.patch(k.a, event, {{"title", "mine"}}).error_code(), "read_only");
  EXPECT_EQ(s.call("DELETE", "/api/v1/calendar/events/" + event, k.a.token).error_code(),
            "read_only");
  const std::string home = "/dav/calendars/" + k.a.id.str() + "/";
  const std::string dav = home + "subscription-" + sid + "/";
  auto cals = s.call(
      "PROPFIND", home, k.a.token,
      std::string("<D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname/></D:prop></D:propfind>"),
      {{"Depth", "1"}});
  ASSERT_EQ(cals.status, 207);
  EXPECT_EQ(responses(cals.raw.body),
            (std::vector<std::string>{k.a.id.str() + " 200", "personal 200", "invitations 200",
                                      "subscription-" + sid + " 200", k.ws + " 200"}))
      << cals.raw.body;
  auto objects = s.call("PROPFIND", dav, k.a.token, std::string(), {{"Depth", "1"}});
  ASSERT_EQ(objects.status, 207);
  EXPECT_EQ(responses(objects.raw.body).size(), 3u) << objects.raw.body;
  EXPECT_EQ(s.call("PROPFIND", home + "subscription-" + sid + "/", k.b.token).status, 404);
  const std::string lunch =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:mine\r\n"
      "DTSTAMP:20270101T000000Z\r\nDTSTART:20270110T120000Z\r\nSUMMARY:Lunch\r\nEND:VEVENT\r\n"
      "END:VCALENDAR\r\n";
  EXPECT_EQ(s.call("PUT", dav + "mine.ics", k.a.token, lunch).status, 403);

  // Read again on demand, conditionally: a change, a removal, an addition
  // (its owner hears of it live).
  auto live = connect_events(s, k.a);
  ASSERT_FALSE(until(*live, "hello").is_null());
  origin.set("/agenda.ics", {.body = agenda({"conseil@mairie|Conseil (reporté)|20270111T170000Z",
                                             "voeux@mairie|Vœux du maire|20270115T180000Z"}),
                             .headers = {{"ETag", "\"v2\""}}});
  auto again = s.call("POST", subscribe + "/" + sid + "/refresh", k.a.token);
  ASSERT_EQ(again.status, 200) << again.raw.body;
  EXPECT_EQ(origin.last_header("/agenda.ics", "If-None-Match"), "\"v1\"");
  json::value changed = next_frame(*live);
  EXPECT_EQ(str(changed, "type"), "calendar.changed");
  EXPECT_EQ(str(changed.at("data"), "subscription_id"), sid);
  EXPECT_EQ(k.occurrences("2027-01-01", "2027-04-01", &k.a, true),
            (std::vector<std::string>{"Conseil (reporté)@2027-01-11T17:00:00.000Z",
                                      "Vœux du maire@2027-01-15T18:00:00.000Z"}));
  // Unchanged (304): kept as it is; a failed read keeps the last copy and says why.
  origin.set("/agenda.ics", {.status = 304});
  EXPECT_EQ(s.call("POST", subscribe + "/" + sid + "/refresh", k.a.token).status, 200);
  origin.set("/agenda.ics", {.status = 500, .body = "down"});
  EXPECT_EQ(s.call("POST", subscribe + "/" + sid + "/refresh", k.a.token).error_code(),
            "feed_status");
  EXPECT_EQ(str(s.call("GET", subscribe, k.a.token).body.at("subscriptions").at(0), "error"),
            "feed_status");
  EXPECT_EQ(k.occurrences("2027-01-01", "2027-04-01", &k.a, true).size(), 2u);
  EXPECT_TRUE(next_frame(*live, 300).is_null());  // neither read changed anything

  // Read again when due, by the server alone (the retry within the hour).
  origin.set("/agenda.ics", {.body = agenda({"voeux@mairie|Vœux|20270115T180000Z"})});
  const int before = origin.hits("/agenda.ics");
  s.clock().advance_ms(3'600'000);
  for (int i = 0; i < 100 && origin.hits("/agenda.ics") == before; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_GT(origin.hits("/agenda.ics"), before);
  for (int i = 0; i < 50 && k.occurrences("2027-01-01", "2027-04-01", &k.a, true).size() != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(k.occurrences("2027-01-01", "2027-04-01", &k.a, true),
            (std::vector<std::string>{"Vœux@2027-01-15T18:00:00.000Z"}));
  EXPECT_TRUE(
      s.call("GET", subscribe, k.a.token).body.at("subscriptions").at(0).at("error").is_null());

  // Renamed by its owner only; others reach nothing of it.
  auto renamed = s.call("PATCH", subscribe + "/" + sid, k.a.token, body({{"name", "Mairie"}}));
  ASSERT_EQ(renamed.status, 200);
  EXPECT_EQ(str(renamed.body, "name"), "Mairie");
  EXPECT_EQ(s.call("PATCH", subscribe + "/" + sid, k.a.token, body({{"url", url}})).error_code(),
            "invalid_url");
  for (auto r : {s.call("PATCH", subscribe + "/" + sid, k.b.token, body({{"name", "x"}})),
                 s.call("POST", subscribe + "/" + sid + "/refresh", k.b.token),
                 s.call("DELETE", subscribe + "/" + sid, k.b.token)})
    EXPECT_EQ(r.status, 404);

  // Reads on demand are bounded per person: 10 at once, then one a minute.
  int refused = 0;
  for (int i = 0; i < 12 && !refused; ++i)
    refused = s.call("POST", subscribe + "/" + sid + "/refresh", k.a.token).status == 429;
  EXPECT_TRUE(refused);

  // Unsubscribed: its events go with it.
  EXPECT_EQ(s.call("DELETE", subscribe + "/" + sid, k.a.token).status, 204);
  EXPECT_TRUE(k.occurrences("2027-01-01", "2027-04-01", &k.a, true).empty());
  EXPECT_TRUE(s.call("GET", subscribe, k.a.token).body.at("subscriptions").as_array().empty());
  EXPECT_EQ(s.call("GET", "/api/v1/calendar/events/" + event, k.a.token).status, 404);
}

// The server reads every subscription due, several at a time, each as
// its own feed says: none missed, none read twice.
TEST(Calendar, SubscriptionsDueAreAllReadAgain) {
  testing::Origin origin;
  TestServer s([](app::Config& c) {
    c.egress_enabled = true;
    c.egress_allow = {"127.0.0.1/32"};
    c.module_settings["calendar"] =
        json::object{{"subscriptions_check_seconds", 1}, {"subscription_readers", 3}};
  });
  Cal k(s);
  constexpr int kFeeds = 9;
  auto path = [](int i) { return "/feed" + std::to_string(i) + ".ics"; };
  for (int i = 0; i < kFeeds; ++i) {
    origin.set(path(i), {.body = agenda({"e@" + std::to_string(i) + "|Old " + std::to_string(i) +
                                         "|20270104T170000Z"})});
    auto made = s.call("POST", "/api/v1/me/calendar/subscriptions", k.a.token,
                       body({{"url", origin.url(path(i))}}));
    ASSERT_EQ(made.status, 201) << made.raw.body;
    // Slow sites: one holds a reader, not the others' turns.
    origin.set(path(i), {.body = agenda({"e@" + std::to_string(i) + "|New " + std::to_string(i) +
                                         "|20270104T170000Z"}),
                         .delay_ms = 200});
  }
  s.clock().advance_ms(12 * 3'600'000);  // past their interval (4 h): every one is due
  auto titles = [&] { return k.occurrences("2027-01-04", "2027-01-05", &k.a, true); };
  for (int i = 0; i < 150; ++i) {
    auto list = titles();
    if (std::all_of(list.begin(), list.end(), [](const std::string& t) { return t.starts_with("New"); }))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto list = titles();
  ASSERT_EQ(list.size(), static_cast<std::size_t>(kFeeds));
  for (const auto& t : list) EXPECT_TRUE(t.starts_with("New")) << t;
  for (int i = 0; i < kFeeds; ++i) EXPECT_EQ(origin.hits(path(i)), 2) << path(i);
  // Three readers, as set: never more at once.
  EXPECT_EQ(origin.most_at_once(), 3);
  // Made at one moment, they are next read apart: each within its
  // interval's last tenth, the same for it at every read.
  auto list_now = s.call("GET", "/api/v1/me/calendar/subscriptions", k.a.token);
  std::set<std::string> next;
  for (const auto& sub : list_now.body.at("subscriptions").as_array()) {
    std::int64_t read = 0, at = 0;
    ASSERT_TRUE(parse_iso8601(str(sub, "refreshed_at"), read));
    ASSERT_TRUE(parse_iso8601(str(sub, "next_refresh_at"), at));
    EXPECT_LE(at, read + 4 * 3'600'000);
    EXPECT_GE(at, read + 4 * 3'600'000 - 4 * 360'000);
    next.insert(str(sub, "next_refresh_at"));
  }
  EXPECT_GT(next.size(), 1u);
}

TEST(Calendar, AnIcsFileIsImportedWithItsAlarmsOnce) {
  TestServer s;
  Cal k(s);
  const std::string into = "/api/v1/workspaces/" + k.ws + "/calendar/import";
  std::string file = agenda({"conseil@mairie|Conseil municipal|20270104T170000Z|FREQ=MONTHLY;COUNT=2",
                             "marche@mairie|Marché|20270109T090000Z"});
  // One more, whose rule has no FREQ: refused, said, the others imported.
  file.insert(file.rfind("END:VCALENDAR"),
              "BEGIN:VEVENT\r\nUID:bad@mairie\r\nDTSTAMP:20261201T000000Z\r\n"
              "DTSTART:20270110T090000Z\r\nRRULE:COUNT=3\r\nSUMMARY:x\r\nEND:VEVENT\r\n");
  auto r = s.call("POST", into, k.a.token, file, {{"Content-Type", "text/calendar"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body.at("imported").as_int64(), 2);
  EXPECT_EQ(r.body.at("existing").as_int64(), 0);
  EXPECT_EQ(r.body.at("refused").as_int64(), 1);
  EXPECT_EQ(str(r.body.at("refusals").at(0), "uid"), "bad@mairie");
  EXPECT_EQ(s.audit_count("calendar.imported"), 1);
  // Shared with the workspace, alarms kept (they are the calendar's own).
  EXPECT_EQ(k.occurrences("2027-01-01", "2027-03-01", &k.b),
            (std::vector<std::string>{"Conseil municipal@2027-01-04T17:00:00.000Z",
                                      "Marché@2027-01-09T09:00:00.000Z",
                                      "Conseil municipal@2027-02-04T17:00:00.000Z"}));
  auto dav = s.call("REPORT", k.dav(k.a), k.a.token,
                    std::string("<C:calendar-query xmlns:D=\"DAV:\" "
                                "xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><C:calendar-data/>"
                                "</D:prop><C:filter><C:comp-filter name=\"VCALENDAR\"/></C:filter>"
                                "</C:calendar-query>"),
                    {{"Depth", "1"}});
  ASSERT_EQ(dav.status, 207);
  EXPECT_NE(dav.raw.body.find("BEGIN:VALARM"), std::string::npos) << dav.raw.body;
  // Again: what the calendar holds is left as it is.
  r = s.call("POST", into, k.a.token, file);
  EXPECT_EQ(r.body.at("imported").as_int64(), 0);
  EXPECT_EQ(r.body.at("existing").as_int64(), 2);
  EXPECT_EQ(k.occurrences("2027-01-01", "2027-03-01").size(), 3u);
  // Into one's own calendar; not into another's workspace, nor anything else.
  r = s.call("POST", "/api/v1/me/calendar/import", k.b.token,
             agenda({"dentiste@moi|Dentiste|20270112T080000Z"}));
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(k.occurrences("2027-01-12", "2027-01-13", &k.b, true),
            (std::vector<std::string>{"Dentiste@2027-01-12T08:00:00.000Z"}));
  Account eve = s.user("Eve");
  EXPECT_EQ(s.call("POST", into, eve.token, file).status, 404);
  EXPECT_EQ(s.call("POST", into, k.a.token, std::string("<html></html>")).error_code(),
            "invalid_feed");
  EXPECT_EQ(s.call("POST", into, k.a.token, std::string(21 << 20, 'x')).status, 413);
  EXPECT_EQ(k.occurrences("2027-01-01", "2027-03-01").size(), 3u);
  EXPECT_EQ(s.audit_count("calendar.imported"), 2);

  // A large file goes in 1,000 events to a transaction: all of them in,
  // as a second import finds, and one audit entry.
  std::vector<std::string> many;
  for (int i = 0; i < 2'500; ++i)
    many.push_back("e" + std::to_string(i) + "@x|Créneau " + std::to_string(i) + "|20270301T" +
                   (i % 2 ? "09" : "14") + "0000Z");
  const std::string big = agenda(many);
  r = s.call("POST", into, k.a.token, big);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body.at("imported").as_int64(), 2'500);
  r = s.call("POST", into, k.a.token, big);
  EXPECT_EQ(r.body.at("imported").as_int64(), 0);
  EXPECT_EQ(r.body.at("existing").as_int64(), 2'500);
  EXPECT_EQ(s.audit_count("calendar.imported"), 4);
}

// A person's own calendar is in no workspace: its changes, from the API,
// CalDAV or an import, reach its owner's open connections as one
// calendar.changed frame each (an import's batch: one), and nobody else's.
TEST(Calendar, AnOwnerHearsTheirCalendarChangeLive) {
  TestServer s;
  Cal k(s);
  auto alice = connect_events(s, k.a);
  auto bob = connect_events(s, k.b);
  ASSERT_FALSE(until(*alice, "hello").is_null());
  ASSERT_FALSE(until(*bob, "hello").is_null());
  // The next frame is `type`, of the personal calendar (nothing between).
  auto heard = [&](http::WsClient& ws, const std::string& type) {
    json::value e = next_frame(ws);
    if (!e.is_object()) return std::string("nothing");
    if (str(e, "type") != type) return str(e, "type");
    if (!str(e, "workspace_id").empty()) return "in " + str(e, "workspace_id");
    if (type == "calendar.changed" && str(e.at("data"), "calendar") != "personal")
      return str(e.at("data"), "calendar");
    return std::string("ok");
  };
  auto r = k.create(k.a, kMeeting, "me");
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id");
  EXPECT_EQ(heard(*alice, "calendar.changed"), "ok");
  ASSERT_EQ(k.patch(k.a, id, {{"title", "Renamed"}}).status, 200);
  EXPECT_EQ(heard(*alice, "calendar.changed"), "ok");
  const std::string put = "/dav/calendars/" + k.a.id.str() + "/personal/lunch.ics";
  const std::string lunch =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:lunch\r\n"
      "DTSTAMP:20270101T000000Z\r\nDTSTART:20270110T120000Z\r\nSUMMARY:Lunch\r\nEND:VEVENT\r\n"
      "END:VCALENDAR\r\n";
  ASSERT_EQ(s.call("PUT", put, k.a.token, lunch).status, 201);
  EXPECT_EQ(heard(*alice, "calendar.changed"), "ok");
  ASSERT_EQ(s.call("DELETE", put, k.a.token).status, 204);
  EXPECT_EQ(heard(*alice, "calendar.changed"), "ok");
  ASSERT_EQ(s.call("DELETE", "/api/v1/calendar/events/" + id, k.a.token).status, 204);
  EXPECT_EQ(heard(*alice, "calendar.changed"), "ok");
  // An import of three events: one frame, then the workspace's event.
  r = s.call(
      "POST", "/api/v1/me/calendar/import", k.a.token,
      agenda({"a@x|A|20270301T090000Z", "b@x|B|20270302T090000Z", "c@x|C|20270303T090000Z"}));
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body.at("imported").as_int64(), 3);
  EXPECT_EQ(heard(*alice, "calendar.changed"), "ok");
  k.created(kMeeting);
  json::value shared = next_frame(*alice);
  EXPECT_EQ(str(shared, "type"), "calendar.event_created");
  EXPECT_EQ(str(shared, "workspace_id"), k.ws);
  // Bob heard none of Alice's own calendar: the shared event first.
  shared = next_frame(*bob);
  EXPECT_EQ(str(shared, "type"), "calendar.event_created");
  EXPECT_EQ(str(shared, "workspace_id"), k.ws);
}

// Two nodes taking the same due reminder at once: the first claims it, the
// second (waiting on it, or reading after) finds it moved and sends nothing.
TEST(Calendar, AReminderIsClaimedOnce) {
  TestServer s;
  Cal k(s);
  auto r = k.create(k.a,
                    {{"title", "Point"},
                     {"start", "2027-01-15T09:00:00Z"},
                     {"end", "2027-01-15T09:30:00Z"},
                     {"reminders", json::array{10}}},
                    "me");
  ASSERT_EQ(r.status, 201) << r.raw.body;
  auto due = s.platform().db.read(
      [](db::Conn& c) { return calendar::store::due_reminders(c, INT64_MAX / 2, 10); });
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  const calendar::store::Reminders read = due->front();
  ASSERT_EQ(read.due_ms, std::optional<std::int64_t>(1'800'000'000'000 + 50 * 60'000));
  std::mutex mu;
  std::condition_variable cv;
  bool claimed = false;
  std::optional<bool> first, second;
  std::thread one([&] {
    auto w = s.platform().db.write([&](db::Conn& c) -> Result<void> {
      RUCHE_TRY(first, calendar::store::claim_reminder(c, read, std::nullopt));
      {
        std::lock_guard lock(mu);
        claimed = true;
      }
      cv.notify_all();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the other waits
      return {};
    });
    EXPECT_TRUE(w) << w.error().message;
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return claimed; });
  }
  auto w = s.platform().db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(second, calendar::store::claim_reminder(c, read, std::nullopt));
    return {};
  });
  one.join();
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(first, std::optional<bool>(true));
  EXPECT_EQ(second, std::optional<bool>(false));
}

// A shared event moved: everyone's reminders move with it (kept a list of
// minutes at a time, however many people share it).
TEST(Calendar, AMovedEventRemindsEveryoneAtItsNewTime) {
  TestServer s([](app::Config& c) {
    c.module_settings["calendar"] = json::object{{"reminders_check_seconds", 1}};
  });
  Cal k(s);
  // Moved earlier: a reminder left at its old time would come too late.
  auto r = k.create(k.a, {{"title", "Plénière"},
                          {"start", "2027-01-15T14:00:00Z"},
                          {"end", "2027-01-15T15:00:00Z"},
                          {"reminders", json::array{10}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id");
  ASSERT_EQ(s.call("PUT", "/api/v1/calendar/events/" + id + "/reminders", k.b.token,
                   body({{"minutes", json::array{10}}}))
                .status,
            200);
  ASSERT_EQ(
      k.patch(k.a, id, {{"start", "2027-01-15T12:00:00Z"}, {"end", "2027-01-15T13:00:00Z"}}).status,
      200);
  s.clock().advance_ms(3 * 3'600'000 + 50 * 60'000 + 30'000);  // 11:50:30
  auto starts = [&](const Account& who) {
    std::vector<std::string> out;
    for (int i = 0; i < 100 && out.empty(); ++i) {
      auto kept = s.call("GET", "/api/v1/me/notices", who.token);
      for (const auto& n : kept.body.at("notices").as_array())
        if (str(n, "type") == "calendar.reminder") out.push_back(str(n.at("data"), "start"));
      if (out.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return out;
  };
  EXPECT_EQ(starts(k.a), std::vector<std::string>{"2027-01-15T12:00:00.000Z"});
  EXPECT_EQ(starts(k.b), std::vector<std::string>{"2027-01-15T12:00:00.000Z"});
}

// Reminders (docs/calendar.md "Reminders"): a person's own, minutes before
// each occurrence, kept in the event's alarms in their own calendar and
// apart from it elsewhere; each goes off as a notice, on time or not at all.
TEST(Calendar, RemindersGoOffForWhoeverSetThem) {
  TestServer s([](app::Config& c) {
    c.module_settings["calendar"] = json::object{{"reminders_check_seconds", 1}};
  });
  Cal k(s);
  Account carol = s.user("Carol");
  // `who`'s reminder notices, "title@minutes@start", in order (once there are `n`).
  auto wait_for = [&](const Account& who, std::size_t n) {
    return s.notices(
        who, "calendar.reminder",
        [](const json::value& d) {
          return str(d, "title") + "@" + std::to_string(d.at("minutes").as_int64()) + "@" +
                 str(d, "start");
        },
        n);
  };
  auto reminded = [&](const Account& who) { return wait_for(who, 0); };
  auto minutes = [](const Reply& r) {
    std::vector<std::int64_t> out;
    for (const auto& m : r.body.at("reminders").as_array()) out.push_back(m.as_int64());
    return out;
  };
  auto remind = [&](const Account& who, const std::string& id, json::value list) {
    return s.call("PUT", "/api/v1/calendar/events/" + id + "/reminders", who.token,
                  body({{"minutes", list}}));
  };
  using Minutes = std::vector<std::int64_t>;

  // Alice's own event (the clock reads 2027-01-15T08:00Z): in its alarms.
  auto r = k.create(k.a,
                    {{"title", "Dentiste"},
                     {"start", "2027-01-15T10:00:00Z"},
                     {"end", "2027-01-15T11:00:00Z"},
                     {"reminders", json::array{60, 15, 60}}},
                    "me");
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(minutes(r), (Minutes{15, 60}));
  const std::string dentist = str(r.body, "id");
  EXPECT_EQ(minutes(s.call("GET", "/api/v1/calendar/events/" + dentist, k.a.token)),
            (Minutes{15, 60}));
  auto text =
      s.call("GET", "/dav/calendars/" + k.a.id.str() + "/personal/" + str(r.body, "uid") + ".ics",
             k.a.token);
  ASSERT_EQ(text.status, 200);
  EXPECT_NE(text.raw.body.find("TRIGGER:-PT15M"), std::string::npos) << text.raw.body;
  EXPECT_NE(text.raw.body.find("TRIGGER:-PT1H"), std::string::npos) << text.raw.body;

  // A workspace's event: each member's own, none in the shared text.
  r = k.create(k.a, {{"title", "Revue"},
                     {"start", "2027-01-15T12:00:00Z"},
                     {"end", "2027-01-15T12:30:00Z"},
                     {"rrule", "FREQ=DAILY;COUNT=3"}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string review = str(r.body, "id"), review_uid = str(r.body, "uid");
  EXPECT_EQ(minutes(r), Minutes{});
  r = remind(k.b, review, json::array{30});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(minutes(r), Minutes{30});
  EXPECT_EQ(minutes(k.patch(k.a, review, {{"reminders", json::array{5}}})), Minutes{5});
  EXPECT_EQ(minutes(s.call("GET", "/api/v1/calendar/events/" + review, k.b.token)), Minutes{30});
  text = s.call("GET", k.dav(k.a) + review_uid + ".ics", k.a.token);
  ASSERT_EQ(text.status, 200);
  EXPECT_EQ(text.raw.body.find("VALARM"), std::string::npos) << text.raw.body;
  EXPECT_EQ(minutes(remind(k.a, review, json::array{})), Minutes{});
  // Bad lists change nothing; others reach nothing.
  for (json::value bad : {json::value(json::array{-1}), json::value(json::array{40321}),
                          json::value(json::array{1, 2, 3, 4, 5, 6}), json::value("15"),
                          json::value(json::array{"15"})})
    EXPECT_EQ(remind(k.b, review, bad).error_code(), "invalid_reminders");
  EXPECT_EQ(s.call("PUT", "/api/v1/calendar/events/" + review + "/reminders", k.b.token,
                   body({{"other", 1}}))
                .error_code(),
            "invalid_reminders");
  EXPECT_EQ(remind(carol, review, json::array{5}).status, 404);
  EXPECT_EQ(remind(k.b, dentist, json::array{5}).status, 404);
  EXPECT_EQ(minutes(s.call("GET", "/api/v1/calendar/events/" + review, k.b.token)), Minutes{30});
  EXPECT_TRUE(reminded(k.a).empty());

  // Each goes off in its time, to its person alone.
  s.clock().advance_ms(3'600'000 + 30'000);  // 09:00:30
  EXPECT_EQ(wait_for(k.a, 1), (std::vector<std::string>{"Dentiste@60@2027-01-15T10:00:00.000Z"}));
  s.clock().advance_ms(45 * 60'000);  // 09:45:30
  EXPECT_EQ(wait_for(k.a, 2), (std::vector<std::string>{"Dentiste@15@2027-01-15T10:00:00.000Z",
                                                        "Dentiste@60@2027-01-15T10:00:00.000Z"}));
  s.clock().advance_ms(105 * 60'000);  // 11:30:30
  EXPECT_EQ(wait_for(k.b, 1), (std::vector<std::string>{"Revue@30@2027-01-15T12:00:00.000Z"}));

  // One more than a quarter of an hour late (the server was down: the
  // clock jumps) is skipped; the next occurrence's still goes off.
  s.clock().advance_ms(25 * 3'600'000);  // 16 January, 12:30:30
  s.clock().advance_ms(23 * 3'600'000);  // 17 January, 11:30:30
  EXPECT_EQ(wait_for(k.b, 2), (std::vector<std::string>{"Revue@30@2027-01-15T12:00:00.000Z",
                                                        "Revue@30@2027-01-17T12:00:00.000Z"}));

  // An invitee sets theirs (Alice's own calendar: not in its alarms), and
  // is not reminded of what they declined: the declined meeting's comes
  // first, then the lunch's.
  const json::array bob_invited{json::object{{"user_id", k.b.id.str()}}};
  std::string meeting, lunch;
  for (auto [title, to_remind, id] :
       {std::tuple{"Comité", 20, &meeting}, std::tuple{"Déjeuner", 15, &lunch}}) {
    r = k.create(k.a,
                 {{"title", title},
                  {"start", "2027-01-18T12:00:00Z"},
                  {"end", "2027-01-18T13:00:00Z"},
                  {"attendees", bob_invited}},
                 "me");
    ASSERT_EQ(r.status, 201) << r.raw.body;
    *id = str(r.body, "id");
    r = remind(k.b, *id, json::array{to_remind});
    ASSERT_EQ(r.status, 200) << r.raw.body;
    EXPECT_EQ(minutes(r), Minutes{to_remind});
    EXPECT_EQ(minutes(s.call("GET", "/api/v1/calendar/events/" + *id, k.a.token)), Minutes{});
  }
  // The answer shows the invitee's reminders, as a read does (kept: the
  // declined meeting's row stays, it is only not sent).
  r = s.call("POST", "/api/v1/calendar/events/" + meeting + "/reply", k.b.token,
             body({{"partstat", "declined"}}));
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(minutes(r), Minutes{20});
  s.clock().advance_ms(24 * 3'600'000 + 20 * 60'000);  // 18 January, 11:50:30
  EXPECT_EQ(wait_for(k.b, 3), (std::vector<std::string>{"Déjeuner@15@2027-01-18T12:00:00.000Z",
                                                        "Revue@30@2027-01-15T12:00:00.000Z",
                                                        "Revue@30@2027-01-17T12:00:00.000Z"}));

  // A moved event reminds before its new time.
  r = k.create(k.a,
               {{"title", "Train"},
                {"start", "2027-01-20T10:00:00Z"},
                {"end", "2027-01-20T11:00:00Z"},
                {"reminders", json::array{10}}},
               "me");
  ASSERT_EQ(r.status, 201) << r.raw.body;
  ASSERT_EQ(k.patch(k.a, str(r.body, "id"),
                    {{"start", "2027-01-20T14:00:00Z"}, {"end", "2027-01-20T15:00:00Z"}})
                .status,
            200);
  // Someone who no longer sees an event is not reminded of it: Bob, out of
  // the workspace before his reminder (earlier than Alice's, sent first).
  r = k.create(
      k.a,
      {{"title", "Atelier"}, {"start", "2027-01-20T14:00:00Z"}, {"end", "2027-01-20T15:00:00Z"}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  ASSERT_EQ(remind(k.b, str(r.body, "id"), json::array{15}).status, 200);
  ASSERT_EQ(
      s.call("DELETE", "/api/v1/workspaces/" + k.ws + "/members/" + k.b.id.str(), k.a.token).status,
      204);
  // (Notices of a workspace are listed to its members alone: Bob's ears.)
  auto bob = connect_events(s, k.b);
  ASSERT_FALSE(until(*bob, "hello").is_null());
  s.clock().advance_ms((2 * 24 + 2) * 3'600'000);  // 20 January, 13:50:30
  auto all = wait_for(k.a, 3);
  EXPECT_EQ(all.back(), "Train@10@2027-01-20T14:00:00.000Z");
  EXPECT_EQ(all.size(), 3u);
  EXPECT_TRUE(until(*bob, "calendar.reminder", 1000).is_null());
}

TEST(Calendar, AnAllDayEventRemindsOnEachPersonsClock) {
  TestServer s([](app::Config& c) {
    c.module_settings["calendar"] = json::object{{"reminders_check_seconds", 1}};
  });
  Cal k(s);  // the clock reads 2027-01-15T08:00Z
  auto zone = [&](const Account& who, json::value name) {
    return s.call("PATCH", "/api/v1/me", who.token, body({{"time_zone", name}}));
  };
  // `who`'s reminder notices, "title@start", in order (once there are `n`).
  auto wait_for = [&](const Account& who, std::size_t n) {
    return s.notices(
        who, "calendar.reminder",
        [](const json::value& d) { return str(d, "title") + "@" + str(d, "start"); }, n);
  };
  auto reminded = [&](const Account& who) { return wait_for(who, 0); };
  using Seen = std::vector<std::string>;

  // Zones the server knows, by name; anything else changes nothing.
  EXPECT_EQ(str(s.call("GET", "/api/v1/me", k.a.token).body, "time_zone"), "");
  for (json::value bad : {json::value("Mars/Olympus"), json::value("../../../etc/passwd"),
                          json::value("Europe/ Paris"), json::value(std::string(65, 'A'))})
    EXPECT_EQ(zone(k.a, bad).status, 400) << bad;
  EXPECT_EQ(zone(k.a, "Mars/Olympus").error_code(), "invalid_timezone");
  EXPECT_EQ(zone(k.a, 5).status, 400);
  EXPECT_EQ(str(s.call("GET", "/api/v1/me", k.a.token).body, "time_zone"), "");
  auto r = zone(k.a, "Europe/Paris");
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(str(r.body, "time_zone"), "Europe/Paris");
  ASSERT_EQ(zone(k.b, "Pacific/Honolulu").status, 200);

  // A workspace's all-day event on the 17th: "the day before at 9:00" (900
  // minutes before the day begins) is 08:00Z for Alice, 19:00Z for Bob.
  r = k.create(k.a, {{"title", "Séminaire"},
                     {"start", "2027-01-17"},
                     {"end", "2027-01-18"},
                     {"reminders", json::array{900}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string seminar = str(r.body, "id");
  ASSERT_EQ(s.call("PUT", "/api/v1/calendar/events/" + seminar + "/reminders", k.b.token,
                   body({{"minutes", json::array{900}}}))
                .status,
            200);
  // A change of the event reckons everyone's again, each zone apart (Bob's,
  // later, must not carry Alice's: she would be reminded too late).
  ASSERT_EQ(k.patch(k.a, seminar, {{"location", "Salle 2"}}).status, 200);
  // Alice's own all-day event on the 20th, in its alarms.
  r = k.create(k.a,
               {{"title", "Anniversaire"},
                {"start", "2027-01-20"},
                {"end", "2027-01-21"},
                {"reminders", json::array{900}}},
               "me");
  ASSERT_EQ(r.status, 201) << r.raw.body;

  s.clock().advance_ms(24 * 3'600'000 + 30'000);  // the 16th, 08:00:30Z
  EXPECT_EQ(wait_for(k.a, 1), (Seen{"Séminaire@2027-01-17"}));
  EXPECT_EQ(reminded(k.b), Seen{});
  // Bob moves to London: his goes off at 09:00Z, once.
  ASSERT_EQ(zone(k.b, "Europe/London").status, 200);
  s.clock().advance_ms(3'600'000);  // 09:00:30Z
  EXPECT_EQ(wait_for(k.b, 1), (Seen{"Séminaire@2027-01-17"}));
  s.clock().advance_ms(10 * 3'600'000);  // 19:00:30Z, Honolulu's 9:00
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(reminded(k.b), (Seen{"Séminaire@2027-01-17"}));

  // Alice clears her zone (UTC): her own event's alarm moves an hour later.
  ASSERT_EQ(zone(k.a, "").status, 200);
  std::int64_t eve = 0;
  ASSERT_TRUE(parse_iso8601("2027-01-19T08:00:30Z", eve));
  s.clock().set_ms(eve);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(reminded(k.a), (Seen{"Séminaire@2027-01-17"}));
  s.clock().advance_ms(3'600'000);  // 09:00:30Z
  EXPECT_EQ(wait_for(k.a, 2), (Seen{"Anniversaire@2027-01-20", "Séminaire@2027-01-17"}));
}

}  // namespace
}  // namespace ruche::testing
