// Tasks' rules that need no database: fields, their checks and JSON.
#include <gtest/gtest.h>

#include "modules/tasks/service.hpp"

namespace ruche::tasks {
namespace {

Result<TaskInput> input(std::string_view text) {
  auto v = json::parse(text);
  if (!v) return tl::unexpected<Error>(v.error());
  return parse_input(v->as_object());
}

std::string code_of(std::string_view text, bool is_new = true) {
  auto in = input(text);
  if (!in) return in.error().reason;
  Task t;
  auto r = check_fields(*in, t, is_new);
  return r ? "" : r.error().reason;
}

TEST(Tasks, FieldsAreCheckedWithTheirOwnCodes) {
  EXPECT_EQ(code_of(R"({"title":"Write the plan"})"), "");
  EXPECT_EQ(code_of(R"({})"), "invalid_title");
  EXPECT_EQ(code_of(R"({})", false), "");  // a change may leave the title
  EXPECT_EQ(code_of(R"({"title":"   "})"), "invalid_title");
  EXPECT_EQ(code_of(R"({"title":"two\nlines"})"), "invalid_title");
  EXPECT_EQ(code_of(R"({"title":")" + std::string(301, 'x') + R"("})"), "invalid_title");
  EXPECT_EQ(code_of(R"({"title":42})"), "invalid_field");
  EXPECT_EQ(code_of(R"({"title":"t","status":"blocked"})"), "invalid_status");
  EXPECT_EQ(code_of(R"({"title":"t","due":"tomorrow"})"), "invalid_due");
  EXPECT_EQ(code_of(R"({"title":"t","due":"2026-02-30x"})"), "invalid_due");
  EXPECT_EQ(code_of(R"({"title":"t","position":"1"})"), "invalid_field");
  EXPECT_EQ(code_of(R"({"title":"t","position":1e300})"), "invalid_position");
  EXPECT_EQ(code_of(R"({"title":"t","labels":[""]})"), "invalid_labels");
  EXPECT_EQ(code_of(R"({"title":"t","description":")" + std::string(20'001, 'x') + R"("})"),
            "invalid_description");
  std::string many = R"({"title":"t","labels":[)";
  for (int i = 0; i < 21; ++i) many += (i ? ",\"l" : "\"l") + std::to_string(i) + "\"";
  EXPECT_EQ(code_of(many + "]}"), "invalid_labels");
}

TEST(Tasks, FieldsAreNormalized) {
  auto in =
      input(R"({"title":"  Plan  ","labels":[" b","a","b "],"due":"2026-12-10","status":"doing"})");
  ASSERT_TRUE(in);
  Task t;
  ASSERT_TRUE(check_fields(*in, t, true));
  EXPECT_EQ(t.title, "Plan");
  EXPECT_EQ(t.labels, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.status, Status::doing);
  ASSERT_TRUE(t.due_ms);
  EXPECT_EQ(*t.due, "2026-12-10");
  // "due": null clears it.
  auto clear = input(R"({"due":null})");
  ASSERT_TRUE(clear);
  ASSERT_TRUE(check_fields(*clear, t, false));
  EXPECT_FALSE(t.due);
  EXPECT_FALSE(t.due_ms);
  EXPECT_EQ(t.title, "Plan");
}

TEST(Tasks, JsonAndEtag) {
  Task t;
  t.id = TaskId("0000000000000000000000000a");
  t.title = "Plan";
  t.status = Status::done;
  t.completed_at_ms = 0;
  t.version = 7;
  json::object o = to_json(t);
  EXPECT_EQ(o.at("status").as_string(), "done");
  EXPECT_EQ(o.at("completed_at").as_string(), "1970-01-01T00:00:00.000Z");
  EXPECT_TRUE(o.at("due").is_null());
  EXPECT_EQ(etag_of(t), "\"v7\"");
  for (Status s : {Status::todo, Status::doing, Status::done})
    EXPECT_EQ(status_of(status_name(s)), s);
  EXPECT_FALSE(status_of("Done"));
}

TEST(Tasks, ADueTaskIsToldOnItsDayOnThePersonsClock) {
  auto at = [](const char* iso) {
    std::int64_t ms = 0;
    EXPECT_TRUE(parse_iso8601(iso, ms)) << iso;
    return ms;
  };
  Task t;
  EXPECT_FALSE(due_alert(t, "Europe/Paris"));
  // A date: 9:00 that day where they are, until the day ends there.
  t.due = "2027-01-16";
  t.due_ms = at("2027-01-16T00:00:00Z");
  auto a = due_alert(t, "Europe/Paris");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->at_ms, at("2027-01-16T08:00:00Z"));
  EXPECT_EQ(a->until_ms, at("2027-01-16T23:00:00Z"));
  a = due_alert(t, "");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->at_ms, at("2027-01-16T09:00:00Z"));
  EXPECT_EQ(a->until_ms, at("2027-01-17T00:00:00Z"));
  // A time: that morning, or the time itself when earlier, until it.
  t.due = "2027-01-16T17:00:00Z";
  t.due_ms = at("2027-01-16T17:00:00Z");
  a = due_alert(t, "Europe/Paris");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->at_ms, at("2027-01-16T08:00:00Z"));
  EXPECT_EQ(a->until_ms, at("2027-01-16T17:00:00Z"));
  t.due = "2027-01-16T07:30:00Z";
  t.due_ms = at("2027-01-16T07:30:00Z");
  EXPECT_EQ(due_alert(t, "Europe/Paris")->at_ms, at("2027-01-16T07:30:00Z"));
  // Its day is the person's: 02:00Z on the 16th is the 15th in New York.
  t.due = "2027-01-16T02:00:00Z";
  t.due_ms = at("2027-01-16T02:00:00Z");
  EXPECT_EQ(due_alert(t, "America/New_York")->at_ms, at("2027-01-15T14:00:00Z"));
}

}  // namespace
}  // namespace ruche::tasks
