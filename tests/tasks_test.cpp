// The tasks module through the real server (docs/tasks.md): fields and
// their checks, the board's order and filters, dependencies, rights,
// assignees across workspaces, concurrent edits, live events, export and
// import. Run on SQLite (label integration) and PostgreSQL (label pg).
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/test_server.hpp"

namespace ruche::testing {
namespace {

std::vector<std::string> strings(const json::value& v, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& x : v.at(key).as_array()) out.emplace_back(x.as_string());
  return out;
}

struct Board {
  TestServer& s;
  Account a = s.user("Alice"), b = s.user("Bob");
  std::string ws = s.workspace(a, "Équipe", {"tasks"});
  Board(TestServer& server) : s(server) { s.join(a, ws, b); }

  // A new member who may only read the tasks.
  Account reader(const std::string& name) {
    Account r = s.user(name);
    s.join(a, ws, r);
    auto set = s.call("PATCH", "/api/v1/workspaces/" + ws + "/members/" + r.id.str(), a.token,
                      body(json::object{{"rights", json::object{{"tasks", "read"}}}}));
    if (set.status != 200) throw std::runtime_error("rights: " + set.raw.body);
    return r;
  }

  Reply create(const Account& who, json::object fields, const std::string& in = {}) {
    return s.call("POST", "/api/v1/workspaces/" + (in.empty() ? ws : in) + "/tasks", who.token,
                  body(fields));
  }
  std::string created(json::object fields) {
    auto r = create(a, std::move(fields));
    if (r.status != 201) throw std::runtime_error("create: " + r.raw.body);
    return str(r.body, "id");
  }
  Reply patch(const Account& who, const std::string& id, json::object fields, Headers h = {}) {
    return s.call("PATCH", "/api/v1/tasks/" + id, who.token, body(fields), std::move(h));
  }
  json::value get(const std::string& id) {
    auto r = s.call("GET", "/api/v1/tasks/" + id, a.token);
    if (r.status != 200) throw std::runtime_error("get: " + r.raw.body);
    return r.body;
  }
  std::vector<std::string> titles(const std::string& query = "", const Account* who = nullptr) {
    auto r = s.call("GET", "/api/v1/workspaces/" + ws + "/tasks" + query, (who ? *who : a).token);
    if (r.status != 200) throw std::runtime_error("list: " + r.raw.body);
    std::vector<std::string> out;
    for (const auto& t : r.body.as_array()) out.push_back(str(t, "title"));
    return out;
  }
};

TEST(Tasks, CreatedListedChangedAndDeleted) {
  TestServer s;
  Board k(s);
  auto r = k.create(k.a, {{"title", "  Écrire le plan  "},
                          {"description", "**Markdown**\nsur deux lignes"},
                          {"assignee_ids", json::array{k.b.id.str(), k.a.id.str(), k.b.id.str()}},
                          {"labels", json::array{"urgent", "doc", "urgent"}},
                          {"due", "2026-12-10"}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id");
  EXPECT_EQ(str(r.body, "title"), "Écrire le plan");
  EXPECT_EQ(str(r.body, "status"), "todo");
  EXPECT_EQ(str(r.body, "due"), "2026-12-10");
  EXPECT_EQ(strings(r.body, "labels"), (std::vector<std::string>{"doc", "urgent"}));
  std::vector<std::string> both{k.a.id.str(), k.b.id.str()};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(strings(r.body, "assignee_ids"), both);
  EXPECT_EQ(str(r.body, "created_by"), k.a.id.str());
  EXPECT_TRUE(r.body.at("completed_at").is_null());
  EXPECT_EQ(r.body.at("version").as_int64(), 1);
  EXPECT_EQ(r.raw.header("ETag").value_or(""), "\"v1\"");

  // Bob changes it; what is not sent stays.
  auto p = k.patch(k.b, id, {{"status", "done"}, {"due", nullptr}, {"labels", json::array{}}});
  ASSERT_EQ(p.status, 200) << p.raw.body;
  EXPECT_EQ(str(p.body, "status"), "done");
  EXPECT_TRUE(p.body.at("due").is_null());
  EXPECT_TRUE(p.body.at("labels").as_array().empty());
  EXPECT_FALSE(p.body.at("completed_at").is_null());
  EXPECT_EQ(str(p.body, "description"), "**Markdown**\nsur deux lignes");
  EXPECT_EQ(p.body.at("version").as_int64(), 2);
  EXPECT_EQ(p.raw.header("ETag").value_or(""), "\"v2\"");
  // Reopened, it is no longer completed.
  p = k.patch(k.a, id, {{"status", "doing"}});
  ASSERT_EQ(p.status, 200);
  EXPECT_TRUE(p.body.at("completed_at").is_null());
  EXPECT_EQ(k.get(id).at("version").as_int64(), 3);

  // Bad input changes nothing.
  for (const auto& [fields, code] : std::vector<std::pair<json::object, std::string>>{
           {{{"title", ""}}, "invalid_title"},
           {{{"status", "finished"}}, "invalid_status"},
           {{{"due", "demain"}}, "invalid_due"},
           {{{"assignee_ids", json::array{"0000000000000000000000000z"}}}, "invalid_assignees"},
           {{{"blocked_by", json::array{"not an id"}}}, "invalid_blocked_by"},
           {{{"labels", "urgent"}}, "invalid_field"}}) {
    auto bad = k.patch(k.a, id, fields);
    EXPECT_EQ(bad.status, 400) << json::serialize(fields);
    EXPECT_EQ(bad.error_code(), code) << bad.raw.body;
  }
  EXPECT_EQ(s.call("PATCH", "/api/v1/tasks/" + id, k.a.token, std::string("{\"title\":")).status,
            400);
  EXPECT_EQ(k.get(id).at("version").as_int64(), 3);
  EXPECT_EQ(k.create(k.a, {{"description", "no title"}}).error_code(), "invalid_title");

  ASSERT_EQ(s.call("DELETE", "/api/v1/tasks/" + id, k.b.token).status, 204);
  EXPECT_EQ(s.call("GET", "/api/v1/tasks/" + id, k.a.token).status, 404);
  EXPECT_EQ(s.call("DELETE", "/api/v1/tasks/" + id, k.a.token).status, 404);
  EXPECT_EQ(s.audit_count("tasks.task_deleted"), 1);
}

// A person assigned to more tasks than one statement takes ids (65,535 on
// PostgreSQL) still leaves the workspace: their tasks are read and changed
// in parts (it failed, and the member could not be removed).
TEST(Tasks, APersonAssignedToVeryManyTasksCanLeave) {
  TestServer s;
  Board k(s);
  constexpr int kMany = 66'000;
  ASSERT_TRUE(s.platform().db.write([&](db::Conn& c) -> Result<void> {
    const std::string numbers =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
        std::to_string(kMany) + ") ";
    const std::string id = "('0000000000000000000' || (1000000 + i))";  // 26 digits
    RUCHE_TRY(
        [[maybe_unused]] auto tasks,
        c.exec(numbers +
                   "INSERT INTO tasks_items (id, workspace_id, title, status, position, "
                   "created_by, created_at_ms, updated_at_ms, dav_name, ical_uid) "
                   "SELECT " +
                   id + ", $1, 'T', 'todo', i, $2, 0, 0, " + id + " || '.ics', " + id + " FROM n",
               {k.ws, k.a.id}));
    RUCHE_TRY([[maybe_unused]] auto assigned,
              c.exec(numbers +
                         "INSERT INTO tasks_assignees (task_id, user_id, workspace_id) "
                         "SELECT " +
                         id + ", $1, $2 FROM n",
                     {k.b.id, k.ws}));
    return {};
  }));
  auto r = s.call("DELETE", "/api/v1/workspaces/" + k.ws + "/members/" + k.b.id.str(), k.a.token);
  EXPECT_EQ(r.status, 204) << r.raw.body;
  auto left = s.platform().db.read([&](db::Conn& c) -> Result<std::int64_t> {
    RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM tasks_assignees", {}));
    return row->i64(0);
  });
  ASSERT_TRUE(left);
  EXPECT_EQ(*left, 0) << "unassigned from every task";
  EXPECT_EQ(k.get("00000000000000000001066000").at("version").as_int64(), 2) << "each changed";
  // Clients hear it once, to read the board again: not 66,000 events.
  struct Heard {
    std::int64_t count;
    std::string type, data;
  };
  auto heard = s.platform().db.read([&](db::Conn& c) -> Result<Heard> {
    RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*), MAX(type), MAX(data) FROM events "
                                    "WHERE workspace_id = $1 AND module = 'tasks'",
                                    {k.ws}));
    return Heard{row->i64(0), row->text(1), row->text(2)};
  });
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->count, 1);
  EXPECT_EQ(heard->type, "tasks.changed");
  auto data = json::parse(heard->data);
  ASSERT_TRUE(data);
  EXPECT_EQ(data->at("count").as_int64(), kMany);
}

// Two people change one task at once, a field each: every change
// acknowledged is kept, each with a version of its own (on PostgreSQL a
// write reads at READ COMMITTED: the task it changes is locked as read).
TEST(Tasks, ChangesMadeAtOnceAreAllKept) {
  TestServer s;
  Board k(s);
  const std::string id = k.created({{"title", "Plan"}});
  constexpr int kEach = 25;
  std::vector<std::int64_t> versions[2];
  std::vector<std::thread> people;
  for (int w = 0; w < 2; ++w)
    people.emplace_back([&, w] {
      const std::string field = w == 0 ? "title" : "description";
      for (int i = 0; i < kEach; ++i) {
        auto r = k.patch(w == 0 ? k.a : k.b, id, {{field, field + " " + std::to_string(i)}});
        if (r.status == 200) versions[w].push_back(r.body.at("version").as_int64());
      }
    });
  for (auto& t : people) t.join();
  ASSERT_EQ(versions[0].size() + versions[1].size(), 2u * kEach) << "each change acknowledged";
  std::set<std::int64_t> given(versions[0].begin(), versions[0].end());
  given.insert(versions[1].begin(), versions[1].end());
  EXPECT_EQ(given.size(), 2u * kEach) << "a version given twice";
  const json::value t = k.get(id);
  EXPECT_EQ(str(t, "title"), "title 24");
  EXPECT_EQ(str(t, "description"), "description 24");
  EXPECT_EQ(t.at("version").as_int64(), 1 + 2 * kEach);
}

TEST(Tasks, TheBoardIsOrderedAndFiltered) {
  TestServer s;
  Board k(s);
  k.created({{"title", "t1"}});
  k.created({{"title", "t2"}, {"labels", json::array{"x"}}});
  k.created({{"title", "d1"}, {"status", "done"}});
  k.created({{"title", "g1"}, {"status", "doing"}, {"assignee_ids", json::array{k.b.id.str()}}});
  const std::string t0 = k.created({{"title", "t0"}, {"position", -5}});
  // Columns left to right (todo, doing, done), then by position: new ones at the end.
  EXPECT_EQ(k.titles(), (std::vector<std::string>{"t0", "t1", "t2", "g1", "d1"}));
  // Moved to another column without a position: at its end.
  ASSERT_EQ(k.patch(k.a, t0, {{"status", "doing"}}).status, 200);
  EXPECT_EQ(k.titles("?status=doing"), (std::vector<std::string>{"g1", "t0"}));
  EXPECT_EQ(k.titles("?label=x"), std::vector<std::string>{"t2"});
  EXPECT_EQ(k.titles("?status=doing,todo"), (std::vector<std::string>{"t1", "t2", "g1", "t0"}));
  EXPECT_EQ(k.titles("?assignee=me", &k.b), std::vector<std::string>{"g1"});
  EXPECT_EQ(k.titles("?assignee=" + k.b.id.str()), std::vector<std::string>{"g1"});
  EXPECT_EQ(k.titles("?limit=2&offset=1"), (std::vector<std::string>{"t2", "g1"}));
  for (const char* bad : {"?limit=0", "?limit=1001", "?limit=2x", "?offset=-1", "?status=late",
                          "?status=todo,", "?status=todo,late"}) {
    EXPECT_EQ(
        s.call("GET", "/api/v1/workspaces/" + k.ws + "/tasks" + std::string(bad), k.a.token).status,
        400)
        << bad;
  }
}

TEST(Tasks, ATaskIsNotDoneBeforeWhatItWaitsFor) {
  TestServer s;
  Board k(s);
  const std::string spec = k.created({{"title", "spec"}});
  const std::string build = k.created({{"title", "build"}, {"blocked_by", json::array{spec}}});
  json::value b = k.get(build);
  EXPECT_EQ(strings(b, "blocked_by"), std::vector<std::string>{spec});
  EXPECT_TRUE(b.at("blocked").as_bool());
  EXPECT_EQ(strings(k.get(spec), "blocks"), std::vector<std::string>{build});

  auto r = k.patch(k.a, build, {{"status", "done"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "blocked");
  EXPECT_EQ(str(k.get(build), "status"), "todo");
  EXPECT_EQ(k.create(k.a, {{"title", "x"}, {"status", "done"}, {"blocked_by", json::array{spec}}})
                .error_code(),
            "blocked");
  // No cycles, however long.
  const std::string test = k.created({{"title", "test"}, {"blocked_by", json::array{build}}});
  r = k.patch(k.a, spec, {{"blocked_by", json::array{test}}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "dependency_cycle");
  EXPECT_EQ(k.patch(k.a, spec, {{"blocked_by", json::array{spec}}}).error_code(),
            "dependency_cycle");
  // Another workspace's task is not one to wait for.
  std::string other_ws = s.workspace(k.a, "Autre", {"tasks"});
  auto other = k.create(k.a, {{"title", "elsewhere"}}, other_ws);
  ASSERT_EQ(other.status, 201);
  EXPECT_EQ(
      k.patch(k.a, build, {{"blocked_by", json::array{spec, str(other.body, "id")}}}).error_code(),
      "invalid_blocked_by");

  ASSERT_EQ(k.patch(k.a, spec, {{"status", "done"}}).status, 200);
  EXPECT_FALSE(k.get(build).at("blocked").as_bool());
  ASSERT_EQ(k.patch(k.a, build, {{"status", "done"}}).status, 200);
  // A done task gets no new unfinished dependency.
  const std::string late = k.created({{"title", "late"}});
  EXPECT_EQ(k.patch(k.a, build, {{"blocked_by", json::array{spec, late}}}).error_code(), "blocked");
  // Reopening what it waited for leaves it done, shown blocked.
  ASSERT_EQ(k.patch(k.a, spec, {{"status", "todo"}}).status, 200);
  b = k.get(build);
  EXPECT_EQ(str(b, "status"), "done");
  EXPECT_TRUE(b.at("blocked").as_bool());
  // Deleting it takes it out of the lists.
  ASSERT_EQ(s.call("DELETE", "/api/v1/tasks/" + spec, k.a.token).status, 204);
  b = k.get(build);
  EXPECT_TRUE(b.at("blocked_by").as_array().empty());
  EXPECT_FALSE(b.at("blocked").as_bool());
}

TEST(Tasks, ReadersReadWritersWriteOthersSeeNothing) {
  TestServer s;
  Board k(s);
  Account c = k.reader("Carol"), outsider = s.user("Dan");
  const std::string id = k.created({{"title", "plan"}});
  EXPECT_EQ(s.call("GET", "/api/v1/tasks/" + id, c.token).status, 200);
  EXPECT_EQ(k.titles("", &c), std::vector<std::string>{"plan"});
  for (auto r : {k.create(c, {{"title", "mine"}}), k.patch(c, id, {{"title", "hers"}}),
                 s.call("DELETE", "/api/v1/tasks/" + id, c.token)}) {
    EXPECT_EQ(r.status, 403) << r.raw.body;
    EXPECT_EQ(r.error_code(), "read_only");
  }
  // A reader may be assigned; someone outside may not.
  EXPECT_EQ(k.patch(k.a, id, {{"assignee_ids", json::array{c.id.str()}}}).status, 200);
  EXPECT_EQ(k.patch(k.a, id, {{"assignee_ids", json::array{outsider.id.str()}}}).error_code(),
            "invalid_assignees");
  for (auto r : {s.call("GET", "/api/v1/tasks/" + id, outsider.token),
                 k.patch(outsider, id, {{"title", "x"}}),
                 s.call("DELETE", "/api/v1/tasks/" + id, outsider.token),
                 k.create(outsider, {{"title", "x"}}),
                 s.call("GET", "/api/v1/workspaces/" + k.ws + "/tasks", outsider.token)}) {
    EXPECT_EQ(r.status, 404) << r.raw.body;
  }
  // Without the module, its tasks are not there.
  ASSERT_EQ(s.call("PATCH", "/api/v1/workspaces/" + k.ws, k.a.token,
                   body(json::object{{"modules", json::array{"chat"}}}))
                .status,
            200);
  EXPECT_EQ(s.call("GET", "/api/v1/tasks/" + id, k.a.token).status, 404);
  EXPECT_TRUE(s.call("GET", "/api/v1/me/tasks", c.token).body.as_array().empty());
}

TEST(Tasks, MyTasksAcrossWorkspacesSoonestFirstUntilILeave) {
  TestServer s;
  Board k(s);
  std::string second = s.workspace(k.a, "Second", {"tasks"});
  s.join(k.a, second, k.b);
  auto mine = [&](const std::string& q = "") {
    auto r = s.call("GET", "/api/v1/me/tasks" + q, k.b.token);
    if (r.status != 200) throw std::runtime_error("me/tasks: " + r.raw.body);
    std::vector<std::string> out;
    for (const auto& t : r.body.as_array()) out.push_back(str(t, "title"));
    return out;
  };
  json::array bob{k.b.id.str()};
  k.created({{"title", "later"}, {"assignee_ids", bob}, {"due", "2027-03-01T09:00:00+01:00"}});
  k.created({{"title", "undated"}, {"assignee_ids", bob}});
  ASSERT_EQ(k.create(k.a, {{"title", "soon"}, {"assignee_ids", bob}, {"due", "2027-01-05"}}, second)
                .status,
            201);
  k.created({{"title", "not bob's"}});
  s.clock().advance_ms(1000);
  const std::string done =
      k.created({{"title", "finished"}, {"assignee_ids", bob}, {"status", "done"}});
  // Undated last, the latest changed first among them.
  EXPECT_EQ(mine(), (std::vector<std::string>{"soon", "later", "finished", "undated"}));
  EXPECT_EQ(mine("?status=done"), std::vector<std::string>{"finished"});
  EXPECT_EQ(mine("?status=todo,doing"), (std::vector<std::string>{"soon", "later", "undated"}));
  // Those due in a window (a calendar's): dated ones only, the end excluded.
  EXPECT_EQ(mine("?due_from=2027-01-01&due_to=2027-03-01T08:00:00Z"),
            std::vector<std::string>{"soon"});
  EXPECT_EQ(mine("?due_from=2027-01-01&due_to=2027-03-01T08:00:01Z"),
            (std::vector<std::string>{"soon", "later"}));
  for (const char* bad :
       {"?due_from=2027-01-01", "?due_to=2027-01-01", "?due_from=2027-02-01&due_to=2027-01-01",
        "?due_from=x&due_to=2027-01-01"}) {
    auto r = s.call("GET", std::string("/api/v1/me/tasks") + bad, k.b.token);
    EXPECT_EQ(r.status, 400) << bad;
  }
  // Leaving a workspace takes him off its tasks.
  ASSERT_EQ(
      s.call("DELETE", "/api/v1/workspaces/" + k.ws + "/members/" + k.b.id.str(), k.a.token).status,
      204);
  EXPECT_EQ(mine(), std::vector<std::string>{"soon"});
  EXPECT_TRUE(k.get(done).at("assignee_ids").as_array().empty());
}

TEST(Tasks, AStaleEditIsRefused) {
  TestServer s;
  Board k(s);
  auto r = k.create(k.a, {{"title", "v1"}});
  const std::string id = str(r.body, "id"), etag = r.raw.header("ETag").value_or("");
  ASSERT_EQ(k.patch(k.b, id, {{"title", "Bob's"}}, {{"If-Match", etag}}).status, 200);
  auto stale = k.patch(k.a, id, {{"title", "Alice's"}}, {{"If-Match", etag}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(
      s.call("DELETE", "/api/v1/tasks/" + id, k.a.token, std::nullopt, {{"If-Match", etag}}).status,
      412);
  EXPECT_EQ(str(k.get(id), "title"), "Bob's");
  EXPECT_EQ(k.patch(k.a, id, {{"title", "Alice's"}}, {{"If-Match", "\"v9\", \"v2\""}}).status, 200);
}

TEST(Tasks, MembersSeeChangesLive) {
  TestServer s;
  Board k(s);
  Account outsider = s.user("Eve");
  std::string elsewhere = s.workspace(outsider, "Eve's", {"tasks"});
  auto events = connect_events(s, k.b);
  ASSERT_FALSE(until(*events, "hello").is_null());
  const std::string spec = k.created({{"title", "spec"}});
  json::value e = until(*events, "task.created");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e, "workspace_id"), k.ws);
  EXPECT_EQ(str(e.at("data"), "title"), "spec");
  const std::string build = k.created({{"title", "build"}, {"blocked_by", json::array{spec}}});
  // The new task, then the one it waits for (its `blocks` changed).
  e = until(*events, "task.created");
  EXPECT_EQ(str(e.at("data"), "id"), build);
  e = until(*events, "task.updated");
  EXPECT_EQ(str(e.at("data"), "id"), spec);
  EXPECT_EQ(strings(e.at("data"), "blocks"), std::vector<std::string>{build});
  // Done: the one waiting for it is no longer blocked.
  ASSERT_EQ(k.patch(k.a, spec, {{"status", "done"}}).status, 200);
  std::map<std::string, json::value> updated;
  for (int i = 0; i < 2; ++i) {
    e = until(*events, "task.updated");
    ASSERT_FALSE(e.is_null());
    updated[str(e.at("data"), "id")] = e.at("data");
  }
  EXPECT_EQ(str(updated.at(spec), "status"), "done");
  EXPECT_FALSE(updated.at(build).at("blocked").as_bool());
  // Someone else's workspace is not heard.
  ASSERT_EQ(k.create(outsider, {{"title", "secret"}}, elsewhere).status, 201);
  ASSERT_EQ(s.call("DELETE", "/api/v1/tasks/" + build, k.a.token).status, 204);
  e = until(*events, "task.deleted");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e.at("data"), "id"), build);
  EXPECT_EQ(str(e, "workspace_id"), k.ws);
}

TEST(Tasks, SearchFindsOnlyTasksTheCallerMaySee) {
  TestServer s;
  Board k(s);
  Account outsider = s.user("Eve");
  std::string elsewhere = s.workspace(outsider, "Eve's", {"tasks"});
  k.created({{"title", "Budget 2027"}, {"description", "le tableur des dépenses"}});
  k.created({{"title", "Compte rendu"}, {"description", "voir le BUDGET"}});
  k.created({{"title", "Sans rapport"}});
  k.created(
      {{"title", "Liste"}, {"checklist", json::array{json::object{{"text", "budget validé"}}}}});
  const std::string talk = k.created({{"title", "Discussion"}});
  ASSERT_EQ(s.call("POST", "/api/v1/tasks/" + talk + "/comments", k.b.token,
                   body(json::object{{"body", "le budget tableur est prêt"}}))
                .status,
            201);
  ASSERT_EQ(k.create(outsider, {{"title", "Budget secret"}}, elsewhere).status, 201);
  auto search = [&](const Account& who, const std::string& q) {
    auto r = s.call("GET", "/api/v1/search?type=task&q=" + http::percent_encode(q), who.token);
    if (r.status != 200) throw std::runtime_error("search: " + r.raw.body);
    std::set<std::string> found;
    for (const auto& h : r.body.at("results").as_array()) {
      EXPECT_EQ(str(h, "type"), "task");
      found.insert(str(h, "title"));
    }
    return found;
  };
  // In the title, the description, a checklist item, a comment.
  EXPECT_EQ(search(k.b, "budget"),
            (std::set<std::string>{"Budget 2027", "Compte rendu", "Liste", "Discussion"}));
  EXPECT_EQ(search(k.b, "budget tableur"), (std::set<std::string>{"Budget 2027", "Discussion"}));
  EXPECT_EQ(search(outsider, "budget"), std::set<std::string>{"Budget secret"});
  auto r = s.call("GET", "/api/v1/search?type=task&q=2027", k.a.token);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body.at("results").as_array().size(), 1u);
  EXPECT_EQ(str(r.body.at("results").as_array()[0], "snippet"),
            "Budget \xee\x80\x80"
            "2027\xee\x80\x81");
}

TEST(Tasks, ExportedAsJsonAndICalendarAndImportedBack) {
  TestServer s;
  Board k(s);
  Account admin = s.user("Admin", platform::InstanceRole::admin);
  const std::string spec =
      k.created({{"title", "spec, v2; final"}, {"status", "done"}, {"labels", json::array{"doc"}}});
  k.created({{"title", "build"},
             {"description", "line 1\nline 2"},
             {"blocked_by", json::array{spec}},
             {"assignee_ids", json::array{k.b.id.str()}},
             {"due", "2027-01-05"},
             {"checklist", json::array{json::object{{"text", "draft"}},
                                       json::object{{"text", "review"}, {"done", true}}}}});
  ASSERT_EQ(s.call("POST", "/api/v1/tasks/" + spec + "/comments", k.b.token,
                   body(json::object{{"body", "Looks **good**"}}))
                .status,
            201);
  auto exported = s.call("GET", "/api/v1/workspaces/" + k.ws + "/export", k.a.token);
  ASSERT_EQ(exported.status, 200);
  const std::string& tar = exported.raw.body;
  EXPECT_NE(tar.find("tasks/tasks/000001.jsonl"), std::string::npos);
  EXPECT_NE(tar.find("tasks/calendar/000001.ics"), std::string::npos);
  EXPECT_NE(tar.find("SUMMARY:spec\\, v2\\; final"), std::string::npos);
  EXPECT_NE(tar.find("DESCRIPTION:line 1\\nline 2"), std::string::npos);
  EXPECT_NE(tar.find("DUE;VALUE=DATE:20270105"), std::string::npos);
  EXPECT_NE(tar.find("RELATED-TO;RELTYPE=DEPENDS-ON:" + spec + "@ruche"), std::string::npos);
  EXPECT_NE(tar.find("STATUS:COMPLETED"), std::string::npos);

  auto r = s.call("POST", "/api/v1/admin/workspaces/import", admin.token, tar);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.body.at("imported").at("tasks").at("tasks").as_int64(), 2);
  const std::string copy = str(r.body.at("workspace"), "id");
  auto list = s.call("GET", "/api/v1/workspaces/" + copy + "/tasks", admin.token);
  ASSERT_EQ(list.status, 200) << list.raw.body;
  ASSERT_EQ(list.body.as_array().size(), 2u);
  const json::value& build = list.body.as_array()[0];
  const json::value& done = list.body.as_array()[1];
  EXPECT_EQ(str(build, "title"), "build");
  EXPECT_EQ(str(build, "description"), "line 1\nline 2");
  EXPECT_EQ(str(build, "due"), "2027-01-05");
  EXPECT_EQ(strings(build, "assignee_ids"), std::vector<std::string>{k.b.id.str()});
  // New ids, the dependency between them kept.
  EXPECT_NE(str(done, "id"), spec);
  EXPECT_EQ(strings(build, "blocked_by"), std::vector<std::string>{str(done, "id")});
  EXPECT_EQ(str(done, "status"), "done");
  EXPECT_FALSE(done.at("completed_at").is_null());
  EXPECT_EQ(strings(done, "labels"), std::vector<std::string>{"doc"});
  // The checklist in order, who ticked it; the comment on its new task, by its author.
  const auto& items = build.at("checklist").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(str(items[0], "text"), "draft");
  EXPECT_FALSE(items[0].at("done").as_bool());
  EXPECT_EQ(str(items[1], "text"), "review");
  EXPECT_EQ(str(items[1], "done_by"), k.a.id.str());
  EXPECT_EQ(r.body.at("imported").at("tasks").at("task_comments").as_int64(), 1);
  EXPECT_EQ(done.at("comment_count").as_int64(), 1);
  auto comments = s.call("GET", "/api/v1/tasks/" + str(done, "id") + "/comments", admin.token);
  ASSERT_EQ(comments.status, 200) << comments.raw.body;
  ASSERT_EQ(comments.body.as_array().size(), 1u);
  EXPECT_EQ(str(comments.body.as_array()[0], "body"), "Looks **good**");
  EXPECT_EQ(str(comments.body.as_array()[0], "author_id"), k.b.id.str());
}

TEST(Tasks, AChecklistChangesItemByItem) {
  TestServer s;
  Board k(s);
  auto r =
      k.create(k.a, {{"title", "release"},
                     {"checklist", json::array{json::object{{"text", "  notes  "}},
                                               json::object{{"text", "tag"}, {"done", true}}}}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string id = str(r.body, "id");
  auto items = [&](const json::value& t) {
    std::vector<std::string> out;
    for (const auto& i : t.at("checklist").as_array())
      out.push_back(str(i, "text") + (i.at("done").as_bool() ? "+" : ""));
    return out;
  };
  EXPECT_EQ(items(r.body), (std::vector<std::string>{"notes", "tag+"}));
  EXPECT_EQ(str(r.body.at("checklist").as_array()[1], "done_by"), k.a.id.str());
  const std::string notes = str(r.body.at("checklist").as_array()[0], "id");
  const std::string base = "/api/v1/tasks/" + id + "/checklist";

  // Added at the end, or where it is put; each a new version of the task.
  auto add = s.call("POST", base, k.b.token, body(json::object{{"text", "publish"}}));
  ASSERT_EQ(add.status, 201) << add.raw.body;
  EXPECT_EQ(add.raw.header("ETag").value_or(""), "\"v2\"");
  const std::string publish = str(add.body, "id");
  EXPECT_FALSE(add.body.at("done").as_bool());
  add = s.call("POST", base, k.b.token,
               body(json::object{{"text", "freeze"}, {"position", -1}, {"done", true}}));
  ASSERT_EQ(add.status, 201) << add.raw.body;
  EXPECT_EQ(str(add.body, "done_by"), k.b.id.str());
  EXPECT_FALSE(add.body.at("done_at").is_null());
  EXPECT_EQ(items(k.get(id)), (std::vector<std::string>{"freeze+", "notes", "tag+", "publish"}));

  // Ticked by Bob, renamed and moved by Alice; unticked, it forgets who.
  auto p = s.call("PATCH", base + "/" + notes, k.b.token, body(json::object{{"done", true}}));
  ASSERT_EQ(p.status, 200) << p.raw.body;
  EXPECT_EQ(str(p.body, "done_by"), k.b.id.str());
  p = s.call("PATCH", base + "/" + notes, k.a.token,
             body(json::object{{"text", "release notes"}, {"position", 1e9}}));
  ASSERT_EQ(p.status, 200) << p.raw.body;
  EXPECT_EQ(str(p.body, "done_by"), k.b.id.str());
  json::value t = k.get(id);
  EXPECT_EQ(items(t), (std::vector<std::string>{"freeze+", "tag+", "publish", "release notes+"}));
  EXPECT_EQ(t.at("version").as_int64(), 5);
  p = s.call("PATCH", base + "/" + notes, k.a.token, body(json::object{{"done", false}}));
  EXPECT_TRUE(p.body.at("done_by").is_null());
  EXPECT_TRUE(p.body.at("done_at").is_null());

  // Bad input, a stale ETag, an item of another task: nothing changes.
  const std::string other = k.created({{"title", "other"}});
  const std::int64_t version = k.get(id).at("version").as_int64();
  for (auto [reply, status, code] : std::vector<std::tuple<Reply, int, std::string>>{
           {s.call("POST", base, k.a.token, body(json::object{{"text", "   "}})), 400,
            "invalid_checklist"},
           {s.call("POST", base, k.a.token, body(json::object{{"text", std::string(501, 'x')}})),
            400, "invalid_checklist"},
           {s.call("POST", base, k.a.token, body(json::object{{"text", "a\nb"}})), 400,
            "invalid_checklist"},
           {s.call("POST", base, k.a.token, body(json::object{{"done", true}})), 400,
            "invalid_checklist"},
           {s.call("PATCH", base + "/" + notes, k.a.token, body(json::object{{"done", "yes"}})),
            400, "invalid_field"},
           {s.call("PATCH", base + "/" + notes, k.a.token, body(json::object{{"text", "x"}}),
                   {{"If-Match", "\"v1\""}}),
            412, "precondition_failed"},
           {s.call("PATCH", "/api/v1/tasks/" + other + "/checklist/" + notes, k.a.token,
                   body(json::object{{"done", true}})),
            404, ""},
           {s.call("DELETE", "/api/v1/tasks/" + other + "/checklist/" + notes, k.a.token), 404, ""},
           {k.patch(k.a, id, {{"checklist", json::array{}}}), 400, "invalid_checklist"}}) {
    EXPECT_EQ(reply.status, status) << reply.raw.body;
    if (!code.empty()) {
      EXPECT_EQ(reply.error_code(), code);
    }
  }
  EXPECT_EQ(k.get(id).at("version").as_int64(), version);
  EXPECT_TRUE(k.get(other).at("checklist").as_array().empty());

  // Deleted; at most 100.
  auto d = s.call("DELETE", base + "/" + publish, k.a.token);
  EXPECT_EQ(d.status, 204);
  EXPECT_EQ(d.raw.header("ETag").value_or(""), "\"v" + std::to_string(version + 1) + "\"");
  EXPECT_EQ(s.call("DELETE", base + "/" + publish, k.a.token).status, 404);
  for (int i = 0; i < 97; ++i)
    ASSERT_EQ(
        s.call("POST", base, k.a.token, body(json::object{{"text", std::to_string(i)}})).status,
        201);
  auto full = s.call("POST", base, k.a.token, body(json::object{{"text", "one more"}}));
  EXPECT_EQ(full.status, 409);
  EXPECT_EQ(full.error_code(), "checklist_full");
  EXPECT_EQ(k.get(id).at("checklist").as_array().size(), 100u);
  json::array many;
  for (int i = 0; i < 101; ++i) many.push_back(json::object{{"text", "x"}});
  EXPECT_EQ(k.create(k.a, {{"title", "too much"}, {"checklist", many}}).error_code(),
            "invalid_checklist");
}

TEST(Tasks, AMentionInACommentTellsThatPerson) {
  TestServer s;
  Board k(s);
  Account reader = k.reader("Carol"), outsider = s.user("Dan");
  const std::string id = k.created({{"title", "plan"}});
  const std::string base = "/api/v1/tasks/" + id + "/comments";
  auto bob = connect_events(s, k.b);
  auto carol = connect_events(s, reader);
  auto alice = connect_events(s, k.a);
  auto mention = [](const Account& who) { return "<@" + who.id.str() + ">"; };
  // Bob and Carol (who reads) are told; Dan, not a member, and Alice, the
  // author, are not.
  auto r = s.call(
      "POST", base, k.a.token,
      body(json::object{{"body", "Ask " + mention(k.b) + " and " + mention(reader) + ", not " +
                                     mention(outsider) + " nor " + mention(k.a)}}));
  ASSERT_EQ(r.status, 201) << r.raw.body;
  const std::string comment = str(r.body, "id");
  for (auto* live : {bob.get(), carol.get()}) {
    auto notice = until(*live, "task.mentioned");
    ASSERT_TRUE(notice.is_object());
    EXPECT_EQ(str(notice.at("data"), "task_id"), id);
    EXPECT_EQ(str(notice.at("data"), "title"), "plan");
    EXPECT_EQ(str(notice.at("data"), "comment_id"), comment);
    EXPECT_EQ(str(notice.at("data").at("author"), "name"), "Alice");
  }
  EXPECT_TRUE(until(*alice, "task.mentioned", 300).is_null());
  // An edit tells only whom it newly mentions.
  ASSERT_EQ(s.call("PATCH", base + "/" + comment, k.a.token,
                   body(json::object{{"body", "Ask " + mention(k.b) + " again"}}))
                .status,
            200);
  ASSERT_EQ(s.call("PATCH", base + "/" + comment, k.a.token,
                   body(json::object{{"body", "Ask " + mention(k.b) + ", " + mention(reader)}}))
                .status,
            200);
  auto again = until(*carol, "task.mentioned");
  ASSERT_TRUE(again.is_object());
  EXPECT_TRUE(until(*bob, "task.mentioned", 300).is_null());
}

// Notices are kept (docs/api.md "Notices"): someone away finds them, marks
// them read; a task's notices go when the person leaves its workspace.
TEST(Tasks, MentionNoticesAreKeptUntilReadWhileThePersonIsAMember) {
  TestServer s;
  Board k(s);
  Account reader = k.reader("Carol");
  const std::string id = k.created({{"title", "plan"}});
  const std::string base = "/api/v1/tasks/" + id + "/comments";
  auto mention = [&](std::initializer_list<const Account*> who) {
    std::string text = "cc";
    for (const Account* a : who) text += " <@" + a->id.str() + ">";
    auto r = s.call("POST", base, k.a.token, body(json::object{{"body", text}}));
    if (r.status != 201) throw std::runtime_error("comment: " + r.raw.body);
    return str(r.body, "id");
  };
  auto notices = [&](const Account& who, const std::string& query = "") {
    auto r = s.call("GET", "/api/v1/me/notices" + query, who.token);
    if (r.status != 200) throw std::runtime_error("notices: " + r.raw.body);
    return r;
  };
  auto read = [&](const Account& who, json::object what) {
    return s.call("POST", "/api/v1/me/notices/read", who.token, body(what));
  };
  auto bob_live = connect_events(s, k.b);
  ASSERT_FALSE(until(*bob_live, "hello").is_null());
  const std::string first = mention({&k.b, &reader});
  // The live notice names the notice kept.
  auto live = until(*bob_live, "task.mentioned");
  ASSERT_TRUE(live.is_object());
  auto bobs = notices(k.b);
  ASSERT_EQ(bobs.body.at("notices").as_array().size(), 1u);
  const json::value& n = bobs.body.at("notices").as_array()[0];
  EXPECT_EQ(str(n, "type"), "task.mentioned");
  EXPECT_EQ(str(n.at("data"), "task_id"), id);
  EXPECT_EQ(str(n.at("data"), "comment_id"), first);
  EXPECT_EQ(str(n.at("data"), "notice_id"), str(n, "id"));
  EXPECT_EQ(str(live.at("data"), "notice_id"), str(n, "id"));
  EXPECT_EQ(str(live, "at"), str(n, "created_at"));  // the server's time, live and kept
  EXPECT_FALSE(n.at("read").as_bool());
  EXPECT_EQ(bobs.body.at("unread").as_int64(), 1);
  EXPECT_TRUE(notices(k.a).body.at("notices").as_array().empty());  // the author's own words

  // Read by id: one's own only.
  const std::string carols = str(notices(reader).body.at("notices").as_array()[0], "id");
  auto marked = read(k.b, {{"ids", json::array{str(n, "id"), carols}}});
  ASSERT_EQ(marked.status, 200) << marked.raw.body;
  EXPECT_EQ(marked.body.at("unread").as_int64(), 0);
  EXPECT_TRUE(notices(k.b).body.at("notices").as_array()[0].at("read").as_bool());
  EXPECT_EQ(notices(reader).body.at("unread").as_int64(), 1);
  EXPECT_EQ(read(reader, {{"all", true}}).body.at("unread").as_int64(), 0);
  for (const json::object& bad :
       {json::object{}, json::object{{"ids", "x"}},
        json::object{{"all", true}, {"ids", json::array{}}},
        json::object{{"ids", json::array{"not an id"}}}, json::object{{"all", "yes"}}})
    EXPECT_EQ(read(k.b, bad).status, 400) << json::serialize(bad);
  EXPECT_EQ(s.call("GET", "/api/v1/me/notices?limit=0", k.b.token).status, 400);
  EXPECT_EQ(s.call("GET", "/api/v1/me/notices?before=..", k.b.token).status, 400);

  // Newest first, page by page.
  std::vector<std::string> comments{first};
  for (int i = 0; i < 3; ++i) {
    s.clock().advance_ms(1'000);
    comments.push_back(mention({&k.b}));
  }
  auto page = notices(k.b, "?limit=2");
  ASSERT_EQ(page.body.at("notices").as_array().size(), 2u);
  EXPECT_EQ(page.body.at("unread").as_int64(), 3);
  std::vector<std::string> seen;
  for (const auto& x : page.body.at("notices").as_array())
    seen.push_back(str(x.at("data"), "comment_id"));
  auto rest = notices(k.b, "?limit=2&before=" + str(page.body.at("notices").as_array()[1], "id"));
  for (const auto& x : rest.body.at("notices").as_array())
    seen.push_back(str(x.at("data"), "comment_id"));
  EXPECT_EQ(seen, (std::vector<std::string>{comments[3], comments[2], comments[1], comments[0]}));

  // Kept 90 days: the next notice takes the older ones away.
  s.clock().advance_ms(91LL * 86'400'000);
  k.a = s.login(k.a.email, k.a.password);  // sessions expired meanwhile
  k.b = s.login(k.b.email, k.b.password);
  mention({&k.b});
  EXPECT_EQ(notices(k.b).body.at("notices").as_array().size(), 1u);

  // Bob leaves the workspace: its notices are no longer his to read.
  ASSERT_EQ(
      s.call("DELETE", "/api/v1/workspaces/" + k.ws + "/members/" + k.b.id.str(), k.a.token).status,
      204);
  auto gone = notices(k.b);
  EXPECT_TRUE(gone.body.at("notices").as_array().empty());
  EXPECT_EQ(gone.body.at("unread").as_int64(), 0);
}

TEST(Tasks, CommentsAreTheTasksConversation) {
  TestServer s;
  Board k(s);
  Account reader = k.reader("Carol"), outsider = s.user("Dan");
  const std::string id = k.created({{"title", "plan"}});
  const std::string base = "/api/v1/tasks/" + id + "/comments";
  auto events = connect_events(s, reader);
  ASSERT_FALSE(until(*events, "hello").is_null());
  auto post = [&](const Account& who, const std::string& text) {
    return s.call("POST", base, who.token, body(json::object{{"body", text}}));
  };
  auto first = post(k.b, "What about **the budget**?\n\n- one\n- two");
  ASSERT_EQ(first.status, 201) << first.raw.body;
  const std::string bobs = str(first.body, "id");
  EXPECT_EQ(str(first.body, "author_id"), k.b.id.str());
  EXPECT_TRUE(first.body.at("edited_at").is_null());
  json::value e = until(*events, "task.comment_created");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e.at("data"), "id"), bobs);
  EXPECT_EQ(e.at("data").at("comment_count").as_int64(), 1);
  std::vector<std::string> alices;
  for (int i = 0; i < 3; ++i) {
    auto r = post(k.a, "answer " + std::to_string(i));
    ASSERT_EQ(r.status, 201);
    alices.push_back(str(r.body, "id"));
  }
  // Comments do not make the task's version: an edit with its ETag still goes.
  json::value t = k.get(id);
  EXPECT_EQ(t.at("version").as_int64(), 1);
  EXPECT_EQ(t.at("comment_count").as_int64(), 4);
  EXPECT_EQ(k.patch(k.a, id, {{"title", "plan B"}}, {{"If-Match", "\"v1\""}}).status, 200);

  // Oldest first, page after page; the reader reads them, the outsider does not.
  auto page = s.call("GET", base + "?limit=2", reader.token);
  ASSERT_EQ(page.status, 200) << page.raw.body;
  ASSERT_EQ(page.body.as_array().size(), 2u);
  EXPECT_EQ(str(page.body.as_array()[0], "id"), bobs);
  EXPECT_EQ(str(page.body.as_array()[1], "id"), alices[0]);
  page = s.call("GET", base + "?limit=2&after=" + alices[0], reader.token);
  ASSERT_EQ(page.body.as_array().size(), 2u);
  EXPECT_EQ(str(page.body.as_array()[1], "id"), alices[2]);
  EXPECT_EQ(s.call("GET", base + "?after=" + alices[2], reader.token).body.as_array().size(), 0u);
  EXPECT_EQ(s.call("GET", base + "?after=nope", reader.token).error_code(), "invalid_after");
  EXPECT_EQ(s.call("GET", base + "?limit=201", reader.token).status, 400);
  EXPECT_EQ(s.call("GET", base, outsider.token).status, 404);

  // Only its author edits a comment; bad bodies change nothing.
  auto edit = [&](const Account& who, const std::string& cid, const std::string& text) {
    return s.call("PATCH", base + "/" + cid, who.token, body(json::object{{"body", text}}));
  };
  EXPECT_EQ(edit(k.a, bobs, "rewritten").error_code(), "not_author");
  for (const std::string& bad : std::vector<std::string>{"", " \n\t ", std::string(10'001, 'x')})
    EXPECT_EQ(edit(k.b, bobs, bad).error_code(), "invalid_body");
  EXPECT_EQ(post(reader, "me too").error_code(), "read_only");
  EXPECT_EQ(post(outsider, "hello").status, 404);
  auto edited = edit(k.b, bobs, "What about the budget? (edited)");
  ASSERT_EQ(edited.status, 200) << edited.raw.body;
  EXPECT_FALSE(edited.body.at("edited_at").is_null());
  e = until(*events, "task.comment_updated");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e.at("data"), "body"), "What about the budget? (edited)");

  // Its author or an administrator deletes it (audited); nobody else.
  EXPECT_EQ(s.call("DELETE", base + "/" + alices[0], k.b.token).error_code(), "not_author");
  EXPECT_EQ(s.call("DELETE", base + "/" + bobs, k.a.token).status,
            204);  // Alice owns the workspace
  EXPECT_EQ(s.call("DELETE", base + "/" + alices[1], k.a.token).status, 204);
  EXPECT_EQ(s.audit_count("tasks.comment_deleted"), 2);
  e = until(*events, "task.comment_deleted");
  ASSERT_FALSE(e.is_null());
  EXPECT_EQ(str(e.at("data"), "id"), bobs);
  EXPECT_EQ(e.at("data").at("comment_count").as_int64(), 3);
  EXPECT_EQ(edit(k.b, bobs, "again").status, 404);
  // A comment is reached through its own task only.
  const std::string other = k.created({{"title", "other"}});
  EXPECT_EQ(s.call("DELETE", "/api/v1/tasks/" + other + "/comments/" + alices[2], k.a.token).status,
            404);
  EXPECT_EQ(k.get(id).at("comment_count").as_int64(), 2);

  // Deleting the task deletes its comments.
  ASSERT_EQ(s.call("DELETE", "/api/v1/tasks/" + id, k.a.token).status, 204);
  EXPECT_EQ(s.call("GET", base, k.a.token).status, 404);
}

// docs/tasks.md, "Due today": each assignee of an open task hears it is due
// at 9:00 on its day on their clock, or at its due time when earlier; once.
TEST(Tasks, AssigneesHearWhenTheirTaskIsDue) {
  TestServer s([](app::Config& c) {
    c.module_settings["tasks"] = json::object{{"due_check_seconds", 1}};
  });
  Board k(s);  // the clock reads 2027-01-15T08:00Z
  auto zone = [&](const Account& who, const char* name) {
    auto r = s.call("PATCH", "/api/v1/me", who.token, body({{"time_zone", name}}));
    ASSERT_EQ(r.status, 200) << r.raw.body;
  };
  // `who`'s due notices, "title@due", in order (once there are `n`).
  auto wait_for = [&](const Account& who, std::size_t n) {
    return s.notices(
        who, "task.due",
        [&](const json::value& d) {
          EXPECT_EQ(str(d, "workspace_id"), k.ws);
          return str(d, "title") + "@" + str(d, "due");
        },
        n);
  };
  auto told = [&](const Account& who) { return wait_for(who, 0); };
  using Seen = std::vector<std::string>;
  const json::array both{k.a.id.str(), k.b.id.str()}, alice{k.a.id.str()};
  zone(k.a, "Europe/Paris");
  zone(k.b, "America/New_York");

  // Due on the 16th: 08:00Z for Alice, 14:00Z for Bob. Due at noon: Alice's morning.
  k.created({{"title", "Budget"}, {"due", "2027-01-16"}, {"assignee_ids", both}});
  k.created({{"title", "Rapport"}, {"due", "2027-01-16T12:00:00Z"}, {"assignee_ids", alice}});
  // Done, taken off her, deleted, re-dated: nothing then.
  const std::string done =
      k.created({{"title", "Fait"}, {"due", "2027-01-16"}, {"assignee_ids", alice}});
  ASSERT_EQ(k.patch(k.a, done, {{"status", "done"}}).status, 200);
  const std::string given =
      k.created({{"title", "Donné"}, {"due", "2027-01-16"}, {"assignee_ids", alice}});
  ASSERT_EQ(k.patch(k.a, given, {{"assignee_ids", json::array{}}}).status, 200);
  const std::string gone =
      k.created({{"title", "Supprimé"}, {"due", "2027-01-16"}, {"assignee_ids", alice}});
  ASSERT_EQ(s.call("DELETE", "/api/v1/tasks/" + gone, k.a.token).status, 204);
  const std::string later =
      k.created({{"title", "Plus tard"}, {"due", "2027-01-16"}, {"assignee_ids", alice}});
  ASSERT_EQ(k.patch(k.a, later, {{"due", "2027-01-20"}}).status, 200);

  s.clock().advance_ms(24 * 3'600'000 + 30'000);  // the 16th, 08:00:30Z
  EXPECT_EQ(wait_for(k.a, 2), (Seen{"Budget@2027-01-16", "Rapport@2027-01-16T12:00:00Z"}));
  EXPECT_EQ(told(k.b), Seen{});
  // Bob moves to London: he hears at 09:00Z, once.
  zone(k.b, "Europe/London");
  s.clock().advance_ms(3'600'000);  // 09:00:30Z
  EXPECT_EQ(wait_for(k.b, 1), (Seen{"Budget@2027-01-16"}));
  s.clock().advance_ms(5 * 3'600'000);  // 14:00:30Z, New York's 9:00
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(told(k.b), (Seen{"Budget@2027-01-16"}));
  EXPECT_EQ(told(k.a).size(), 2u);

  // The server down through the day it was due: nothing said after it.
  std::int64_t after_day = 0;
  ASSERT_TRUE(parse_iso8601("2027-01-20T23:00:30Z", after_day));  // the 21st in Paris
  s.clock().set_ms(after_day);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(told(k.a).size(), 2u);
}

// docs/tasks.md, "Assigned": whoever a change makes an assignee is told,
// once, but not who assigns themselves.
TEST(Tasks, ThoseAssignedAreToldOnce) {
  TestServer s;
  Board k(s);
  Account carol = k.reader("Carol");
  auto told = [&](const Account& who) {
    return s.notices(who, "task.assigned", [](const json::value& d) {
      return str(d, "title") + "@" + str(d.at("by"), "name");
    });
  };
  using Seen = std::vector<std::string>;
  const std::string id =
      k.created({{"title", "Budget"}, {"assignee_ids", json::array{k.a.id.str(), k.b.id.str()}}});
  EXPECT_EQ(told(k.b), (Seen{"Budget@Alice"}));
  EXPECT_EQ(told(k.a), Seen{});
  // Carol added: she alone is told; the same list again tells no one.
  const json::array three{k.a.id.str(), k.b.id.str(), carol.id.str()};
  ASSERT_EQ(k.patch(k.a, id, {{"assignee_ids", three}}).status, 200);
  ASSERT_EQ(k.patch(k.a, id, {{"assignee_ids", three}, {"title", "Budget 2027"}}).status, 200);
  EXPECT_EQ(told(carol), (Seen{"Budget@Alice"}));
  EXPECT_EQ(told(k.b), (Seen{"Budget@Alice"}));
  // Taken off and put back: told again. Bob taking a task himself: nobody.
  ASSERT_EQ(k.patch(k.a, id, {{"assignee_ids", json::array{k.a.id.str()}}}).status, 200);
  ASSERT_EQ(k.patch(k.a, id, {{"assignee_ids", three}}).status, 200);
  EXPECT_EQ(told(k.b), (Seen{"Budget 2027@Alice", "Budget@Alice"}));
  auto own = k.create(k.b, {{"title", "Mien"}, {"assignee_ids", json::array{k.b.id.str()}}});
  ASSERT_EQ(own.status, 201) << own.raw.body;
  EXPECT_EQ(told(k.b).size(), 2u);
}

}  // namespace
}  // namespace ruche::testing
