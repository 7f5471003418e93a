// The calendar module through the real server (docs/calendar.md): events
// through the JSON API, their occurrences, rights, personal calendars,
// CalDAV and the JSON API on the same objects, sync tokens, live events,
// search, export and import. Run on SQLite (label integration) and
// PostgreSQL (label pg). Real CalDAV clients: tests/caldav_clients.sh.
#include <gtest/gtest.h>

#include <set>

#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

std::string str(const json::value& v, std::string_view key) {
  return std::string(v.at(key).as_string());
}

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
  std::string dav(const Account& who) { return "/dav/calendars/" + who.id.str() + "/" + ws + "/"; }
};

const json::object kMeeting{{"title", "Point hebdo"},         {"start", "2027-02-01T09:00:00Z"},
                            {"end", "2027-02-01T10:00:00Z"},  {"timezone", "Europe/Paris"},
                            {"rrule", "FREQ=WEEKLY;COUNT=3"}, {"location", "Salle 2"}};

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
            (std::vector<std::string>{k.b.id.str() + " 200", "personal 200", k.ws + " 200"}))
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

TEST(Calendar, TasksAreVtodoResourcesReadOnly) {
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

  // Read only through CalDAV, even for a writer; no sync tokens; nothing
  // for an outsider.
  const std::string hers = "/dav/calendars/" + a.id.str() + "/" + ws + ".tasks/";
  EXPECT_EQ(s.call("PUT", hers + tid + ".ics", a.token, got.raw.body).status, 403);
  EXPECT_EQ(s.call("DELETE", hers + tid + ".ics", a.token).status, 403);
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
