// The reports module through the real server (docs/reports.md): each
// module's figures and the events by day, only what the caller may read;
// the period's edges; the CSV export; rights. Run on SQLite (label
// integration) and PostgreSQL (label pg).
#include <gtest/gtest.h>

#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

constexpr std::int64_t kDay = 86'400'000;

std::int64_t num(const json::value& v, std::string_view key) {
  return v.at(key).as_int64();
}

struct Team {
  TestServer& s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Équipe", {"chat", "files", "tasks", "calendar", "reports"});
  std::string channel;
  Team(TestServer& server) : s(server) {
    s.join(a, ws, b);
    auto c = s.call("POST", "/api/v1/workspaces/" + ws + "/channels", a.token,
                    body(json::object{{"name", "général"}}));
    if (c.status != 201) throw std::runtime_error("channel: " + c.raw.body);
    channel = str(c.body, "id");
  }
  void post(const std::string& text) {
    auto r = s.call("POST", "/api/v1/channels/" + channel + "/messages", a.token,
                    body(json::object{{"body", text}}));
    if (r.status != 201) throw std::runtime_error("post: " + r.raw.body);
  }
  Reply summary(const Account& who, const std::string& query = "") {
    return s.call("GET", "/api/v1/workspaces/" + ws + "/reports/summary" + query, who.token);
  }
};

std::int64_t total_of(const json::value& summary, std::string_view module) {
  std::int64_t n = 0;
  for (const auto& day : summary.at("activity").as_array())
    if (const auto* m = day.at("by_module").as_object().if_contains(module)) n += m->as_int64();
  return n;
}

TEST(Reports, FiguresOfEveryReadableModuleAndEventsByDay) {
  TestServer s;
  Team t(s);
  for (int i = 0; i < 3; ++i) t.post("message " + std::to_string(i));
  auto task = s.call("POST", "/api/v1/workspaces/" + t.ws + "/tasks", t.a.token,
                     body(json::object{{"title", "Relire"}}));
  ASSERT_EQ(task.status, 201);
  ASSERT_EQ(s.call("PATCH", "/api/v1/tasks/" + str(task.body, "id"), t.a.token,
                   body(json::object{{"status", "done"}}))
                .status,
            200);
  ASSERT_EQ(s.call("PUT", "/api/v1/workspaces/" + t.ws + "/files/children/plan.txt", t.a.token,
                   std::string("plan"))
                .status,
            201);
  ASSERT_EQ(s.call("POST", "/api/v1/workspaces/" + t.ws + "/calendar/events", t.a.token,
                   body(json::object{{"title", "Revue"},
                                     {"start", "2027-02-01T09:00:00Z"},
                                     {"end", "2027-02-01T10:00:00Z"}}))
                .status,
            201);

  auto r = t.summary(t.a);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(str(r.body, "workspace_id"), t.ws);
  EXPECT_EQ(num(r.body, "days"), 30);
  const auto& m = r.body.at("modules");
  EXPECT_EQ(num(m.at("chat"), "messages"), 3);
  EXPECT_EQ(num(m.at("chat"), "channels"), 1);
  EXPECT_EQ(num(m.at("tasks"), "tasks_created"), 1);
  EXPECT_EQ(num(m.at("tasks"), "tasks_completed"), 1);
  EXPECT_EQ(num(m.at("tasks"), "tasks_open"), 0);
  EXPECT_EQ(num(m.at("files"), "files"), 1);
  EXPECT_EQ(num(m.at("files"), "bytes"), 4);
  EXPECT_EQ(num(m.at("calendar"), "events_created"), 1);
  EXPECT_FALSE(m.as_object().contains("reports")) << "the module reports nothing of itself";
  EXPECT_EQ(num(r.body.at("members"), "total"), 2);
  EXPECT_EQ(num(r.body.at("members"), "guests"), 0);

  // One entry per day from midnight 30 days ago to today, zeros included.
  const auto& days = r.body.at("activity").as_array();
  ASSERT_EQ(days.size(), 31u);
  std::string today = format_iso8601(s.clock().now_ms()).substr(0, 10);
  EXPECT_EQ(str(days.back(), "day"), today);
  EXPECT_EQ(str(days.front(), "day"), format_iso8601(s.clock().now_ms() - 30 * kDay).substr(0, 10));
  EXPECT_EQ(str(r.body, "since"), str(days.front(), "day") + "T00:00:00.000Z");
  std::int64_t totals = 0;
  for (const auto& d : days) totals += num(d, "total");
  EXPECT_EQ(totals, num(days.back(), "total")) << "everything happened today";
  EXPECT_GE(total_of(r.body, "chat"), 4) << "the channel and its three messages";
  EXPECT_GE(total_of(r.body, "tasks"), 2);
  EXPECT_GE(total_of(r.body, "files"), 1);
  EXPECT_GE(total_of(r.body, "calendar"), 1);
  EXPECT_GE(total_of(r.body, "workspace"), 2) << "the workspace's creation and Bob's arrival";

  // Bob may not read the chat: neither its figures nor its events show.
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + t.ws + "/members/" + t.b.id.str(), t.a.token,
                   body(json::object{{"rights", json::object{{"chat", "none"}}}}))
                .status,
            200);
  auto rb = t.summary(t.b);
  ASSERT_EQ(rb.status, 200) << rb.raw.body;
  EXPECT_FALSE(rb.body.at("modules").as_object().contains("chat"));
  EXPECT_TRUE(rb.body.at("modules").as_object().contains("tasks"));
  EXPECT_EQ(total_of(rb.body, "chat"), 0);
  EXPECT_EQ(total_of(rb.body, "tasks"), total_of(r.body, "tasks"));
  auto csv = s.call("GET", "/api/v1/workspaces/" + t.ws + "/reports/activity.csv", t.b.token);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.raw.body.find(",chat,"), std::string::npos) << csv.raw.body;
}

TEST(Reports, ThePeriodStartsAtMidnightDaysAgo) {
  TestServer s;
  Team t(s);
  // Three days of activity: 1 message, then 2, then 4.
  t.post("j-2");
  s.clock().advance_ms(kDay);
  t.post("j-1");
  t.post("j-1 encore");
  s.clock().advance_ms(kDay);
  for (int i = 0; i < 4; ++i) t.post("j " + std::to_string(i));
  auto messages_by_day = [&](const std::string& query) {
    auto r = t.summary(t.a, query);
    if (r.status != 200) throw std::runtime_error("summary: " + r.raw.body);
    std::vector<std::int64_t> out;
    for (const auto& d : r.body.at("activity").as_array()) {
      const auto* c = d.at("by_module").as_object().if_contains("chat");
      out.push_back(c ? c->as_int64() : 0);
    }
    return std::make_pair(out, num(r.body.at("modules").at("chat"), "messages"));
  };
  auto [all, count] = messages_by_day("?days=2");
  EXPECT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], 2) << "the channel's creation and a message, two days ago";
  EXPECT_EQ(all[1], 2);
  EXPECT_EQ(all[2], 4);
  EXPECT_EQ(count, 7);
  auto [recent, recent_count] = messages_by_day("?days=1");
  EXPECT_EQ(recent, (std::vector<std::int64_t>{2, 4}))
      << "the binary search finds the period's first event";
  EXPECT_EQ(recent_count, 6);

  // Forty days later the last 30 are empty, and the figures since then too.
  s.clock().advance_ms(40 * kDay);
  t.a = s.login(t.a.email, t.a.password);  // the session has expired meanwhile
  auto quiet = t.summary(t.a);
  ASSERT_EQ(quiet.status, 200);
  for (const auto& d : quiet.body.at("activity").as_array())
    EXPECT_EQ(num(d, "total"), 0) << str(d, "day");
  EXPECT_EQ(num(quiet.body.at("modules").at("chat"), "messages"), 0);
  EXPECT_EQ(num(quiet.body.at("modules").at("chat"), "channels"), 1)
      << "what exists, whatever the period";
  auto year = t.summary(t.a, "?days=366");
  ASSERT_EQ(year.status, 200);
  EXPECT_EQ(year.body.at("activity").as_array().size(), 367u);
  EXPECT_EQ(total_of(year.body, "chat"), 8);

  auto csv =
      s.call("GET", "/api/v1/workspaces/" + t.ws + "/reports/activity.csv?days=366", t.a.token);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.raw.header("Content-Type").value_or(""), "text/csv; charset=utf-8");
  EXPECT_NE(csv.raw.header("Content-Disposition").value_or("").find("attachment"),
            std::string::npos);
  const std::int64_t now = s.clock().now_ms();
  auto day = [&](int back) { return format_iso8601(now - (40 + back) * kDay).substr(0, 10); };
  EXPECT_TRUE(csv.raw.body.starts_with("day,module,events\r\n")) << csv.raw.body;
  EXPECT_NE(csv.raw.body.find(day(2) + ",chat,2\r\n"), std::string::npos) << csv.raw.body;
  EXPECT_NE(csv.raw.body.find(day(1) + ",chat,2\r\n"), std::string::npos) << csv.raw.body;
  EXPECT_NE(csv.raw.body.find(day(0) + ",chat,4\r\n"), std::string::npos) << csv.raw.body;
}

TEST(Reports, TasksProgressByStatusDueDateAndAssignee) {
  TestServer s;
  Team t(s);
  const std::int64_t now = s.clock().now_ms();
  auto date = [&](int days) { return format_iso8601(now + days * kDay).substr(0, 10); };
  auto task = [&](const std::string& title, const std::string& status, const std::string& due,
                  std::vector<const Account*> who) {
    json::array ids;
    for (const Account* a : who) ids.push_back(json::value(a->id.str()));
    auto r = s.call("POST", "/api/v1/workspaces/" + t.ws + "/tasks", t.a.token,
                    body(json::object{{"title", title}, {"due", due}, {"assignee_ids", ids}}));
    if (r.status != 201) throw std::runtime_error("task: " + r.raw.body);
    if (status != "todo" && s.call("PATCH", "/api/v1/tasks/" + str(r.body, "id"), t.a.token,
                                   body(json::object{{"status", status}}))
                                    .status != 200)
      throw std::runtime_error("status");
  };
  task("A", "todo", date(-1), {&t.a});                        // a day past: late
  task("B", "doing", date(0), {&t.a, &t.b});                  // today: due this week
  task("C", "todo", format_iso8601(now - 3'600'000), {});     // an hour ago: late
  task("D", "todo", date(10), {&t.b});                        // later
  task("E", "done", date(-1), {&t.b});                        // done: not late
  task("F", "todo", format_iso8601(now + 2 * kDay), {&t.b});  // in two days

  auto tasks_of = [&](const std::string& query) {
    auto r = t.summary(t.a, query);
    if (r.status != 200) throw std::runtime_error("summary: " + r.raw.body);
    return r.body.at("modules").at("tasks");
  };
  auto m = tasks_of("");
  EXPECT_EQ(num(m.at("by_status"), "todo"), 4);
  EXPECT_EQ(num(m.at("by_status"), "doing"), 1);
  EXPECT_EQ(num(m.at("by_status"), "done"), 1);
  EXPECT_EQ(num(m, "tasks_open"), 5);
  EXPECT_EQ(num(m, "overdue"), 2) << "A (a day past) and C (an hour ago)";
  EXPECT_EQ(num(m, "due_this_week"), 2) << "B (today) and F";
  EXPECT_EQ(num(m, "unassigned"), 1);
  EXPECT_EQ(num(m, "assignees_total"), 2);
  const auto& who = m.at("assignees").as_array();
  ASSERT_EQ(who.size(), 2u);
  EXPECT_EQ(str(who[0], "user_id"), t.b.id.str()) << "the most open tasks first";
  EXPECT_EQ(num(who[0], "open"), 3);
  EXPECT_EQ(num(who[0], "overdue"), 0);
  EXPECT_EQ(num(who[0], "completed"), 1);
  EXPECT_EQ(str(who[1], "user_id"), t.a.id.str());
  EXPECT_EQ(num(who[1], "open"), 2);
  EXPECT_EQ(num(who[1], "overdue"), 1);
  EXPECT_EQ(num(who[1], "completed"), 0);

  // A reader whose day is already tomorrow: B, due today (a day of the
  // calendar, not an instant), is late for them; instants are as before.
  m = tasks_of("?today=" + date(1));
  EXPECT_EQ(num(m, "overdue"), 3);
  EXPECT_EQ(num(m, "due_this_week"), 1) << "F; D is ten days off";
  EXPECT_EQ(num(m.at("assignees").as_array()[1], "overdue"), 2);
  m = tasks_of("?today=" + date(-1));
  EXPECT_EQ(num(m, "overdue"), 1) << "C alone: A is due on the reader's today";
  // Without `today`, the date on the reader's clock: in Honolulu (UTC-10)
  // it is still yesterday at 08:00Z.
  ASSERT_EQ(s.call("PATCH", "/api/v1/me", t.a.token,
                   body(json::object{{"time_zone", "Pacific/Honolulu"}}))
                .status,
            200);
  EXPECT_EQ(num(tasks_of(""), "overdue"), 1) << "A is due on Honolulu's today";
  EXPECT_EQ(num(tasks_of("?today=" + date(0)), "overdue"), 2) << "what the request says wins";

  // The reader's date is within a day of UTC's (time zones span no more).
  for (const std::string& q :
       std::vector<std::string>{"?today=" + date(2), "?today=" + date(-2), "?today=2026-13-01",
                                "?today=" + date(0) + "T00:00:00Z", "?today=", "?today=demain"}) {
    auto r = t.summary(t.a, q);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(r.error_code(), "invalid_field") << q;
  }
}

TEST(Reports, TasksByPersonAsCsv) {
  TestServer s;
  Team t(s);
  // Names a spreadsheet would misread: a quote and a comma; a formula.
  Account c = s.user("Camille \"Cam\", RH"), d = s.user("=HYPERLINK(\"http://x\")");
  s.join(t.a, t.ws, c);
  s.join(t.a, t.ws, d);
  auto task = [&](std::vector<const Account*> who, bool done) {
    json::array ids;
    for (const Account* a : who) ids.push_back(json::value(a->id.str()));
    auto r = s.call("POST", "/api/v1/workspaces/" + t.ws + "/tasks", t.a.token,
                    body(json::object{{"title", "T"}, {"assignee_ids", ids}}));
    if (r.status != 201) throw std::runtime_error("task: " + r.raw.body);
    if (done && s.call("PATCH", "/api/v1/tasks/" + str(r.body, "id"), t.a.token,
                       body(json::object{{"status", "done"}}))
                        .status != 200)
      throw std::runtime_error("status");
  };
  task({&t.b, &c}, false);
  task({&t.b}, false);
  task({&d}, true);
  task({}, false);  // nobody's: no row

  auto csv = s.call("GET", "/api/v1/workspaces/" + t.ws + "/reports/tasks.csv?days=7", t.b.token);
  ASSERT_EQ(csv.status, 200) << csv.raw.body;
  EXPECT_EQ(csv.raw.header("Content-Type"), "text/csv; charset=utf-8");
  const std::string disposition = csv.raw.header("Content-Disposition").value_or("");
  EXPECT_NE(disposition.find("attachment"), std::string::npos) << disposition;
  EXPECT_NE(disposition.find("tasks-by-person-7-days.csv"), std::string::npos) << disposition;
  EXPECT_EQ(csv.raw.body, "user_id,name,open,overdue,completed\r\n" + t.b.id.str() +
                              ",\"Bob\",2,0,0\r\n" + c.id.str() +
                              ",\"Camille \"\"Cam\"\", RH\",1,0,0\r\n" + d.id.str() +
                              ",\"'=HYPERLINK(\"\"http://x\"\")\",0,0,1\r\n");
  // The reader's date is checked as the summary's.
  auto late =
      s.call("GET", "/api/v1/workspaces/" + t.ws + "/reports/tasks.csv?today=demain", t.b.token);
  EXPECT_EQ(late.status, 400);
  EXPECT_EQ(late.error_code(), "invalid_field");

  // The page lists the busiest first, some; the CSV everyone.
  const platform::ModuleDef* tasks = s.platform().registry.find("tasks");
  ASSERT_NE(tasks, nullptr);
  platform::ReportPeriod period{.now_ms = s.clock().now_ms(),
                                .today = format_iso8601(s.clock().now_ms()).substr(0, 10),
                                .max_people = 1};
  auto m = s.platform().db.read(
      [&](db::Conn& conn) { return tasks->metrics(conn, WorkspaceId(t.ws), period); });
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(num(*m, "assignees_total"), 3);
  ASSERT_EQ(m->at("assignees").as_array().size(), 1u);
  EXPECT_EQ(str(m->at("assignees").as_array()[0], "user_id"), t.b.id.str());

  // Tasks closed to the reader, or not in the workspace: no CSV of them.
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + t.ws + "/members/" + t.b.id.str(), t.a.token,
                   body(json::object{{"rights", json::object{{"tasks", "none"}}}}))
                .status,
            200);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + t.ws + "/reports/tasks.csv", t.b.token).status,
            404);
  std::string plain = s.workspace(t.a, "Sans tâches", {"chat", "reports"});
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + plain + "/reports/tasks.csv", t.a.token).status,
            404);
}

TEST(Reports, BadPeriodsAndOutsidersAreRefused) {
  TestServer s;
  Team t(s);
  Account out = s.user("Outsider");
  for (const std::string q : {"?days=0", "?days=367", "?days=abc", "?days=-1", "?days="}) {
    auto r = t.summary(t.a, q);
    EXPECT_EQ(r.status, 400) << q;
  }
  EXPECT_EQ(t.summary(out).status, 404);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + t.ws + "/reports/activity.csv", out.token).status,
            404);
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + t.ws + "/reports/tasks.csv", out.token).status,
            404);
  // Without the module, or with it closed to a member: 404.
  std::string plain = s.workspace(t.a, "Sans rapports", {"chat"});
  EXPECT_EQ(s.call("GET", "/api/v1/workspaces/" + plain + "/reports/summary", t.a.token).status,
            404);
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + t.ws + "/members/" + t.b.id.str(), t.a.token,
                   body(json::object{{"rights", json::object{{"reports", "none"}}}}))
                .status,
            200);
  EXPECT_EQ(t.summary(t.b).status, 404);
  EXPECT_EQ(t.summary(t.a).status, 200);
}

}  // namespace
}  // namespace ruche::testing
