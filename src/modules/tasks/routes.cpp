// Tasks' HTTP routes: JSON in, Service call, JSON out. Nothing else.
#include "modules/tasks/routes.hpp"

#include <algorithm>

#include "platform/api.hpp"
#include "platform/request_checks.hpp"

namespace ruche::tasks {

using platform::Access;
using platform::Api;
using platform::Caller;
using platform::json_reply;
using platform::WorkspaceAccess;

namespace {

TaskId task_param(const http::Request& req) {
  return TaskId(std::string(req.param("tid")));
}
WorkspaceId workspace_param(const http::Request& req) {
  return WorkspaceId(std::string(req.param("id")));
}

Result<TaskInput> input_of(const http::Request& req) {
  RUCHE_TRY(json::In in, json::In::parse(req.body));
  return parse_input(in.object_value());
}

std::optional<std::string> if_match(const http::Request& req) {
  if (auto h = req.headers.get("If-Match")) return std::string(*h);
  return std::nullopt;
}

// `status=S[,S...]`: the statuses asked for (none: every one).
Result<std::vector<Status>> status_param(const http::Request& req) {
  auto bad = [] {
    return fail(Errc::invalid, "status is todo, doing or done, or a list of them",
                "invalid_status");
  };
  auto list = platform::query_list(req, "status", 16);
  if (!list) return bad();
  std::vector<Status> out;
  for (const auto& s : *list) {
    auto status = status_of(s);
    if (!status) return bad();
    if (std::find(out.begin(), out.end(), *status) == out.end()) out.push_back(*status);
  }
  return out;
}

http::Response task_reply(const Task& t, int status = 200) {
  http::Response r = json_reply(to_json(t), status);
  r.headers.set("ETag", etag_of(t));
  return r;
}

// An answer about a part of task `t` (an item): carries the task's ETag.
http::Response part_reply(json::object o, const Task& t, int status = 200) {
  http::Response r = json_reply(std::move(o), status);
  r.headers.set("ETag", etag_of(t));
  return r;
}

Result<ItemInput> item_input_of(const http::Request& req) {
  RUCHE_TRY(json::In in, json::In::parse(req.body));
  return parse_item_input(in.object_value());
}

ChecklistItemId item_param(const http::Request& req) {
  return ChecklistItemId(std::string(req.param("item_id")));
}
CommentId comment_param(const http::Request& req) {
  return CommentId(std::string(req.param("cid")));
}

// A comment's body from `{body}` (its contents checked by the service).
Result<std::string> body_of(const http::Request& req) {
  RUCHE_TRY(json::In in, json::In::parse(req.body));
  std::string body = in.string("body", {.max = 1 << 20, .single_line = false});
  if (!in.ok()) return tl::unexpected<Error>(in.error());
  return body;
}

json::array tasks_json(const std::vector<Task>& list) {
  json::array a;
  for (const auto& t : list) a.push_back(to_json(t));
  return a;
}

}  // namespace

void register_routes(Api& api, Service& tasks) {
  api.add_workspace("POST", "/api/v1/workspaces/{id}/tasks", "tasks", Access::write,
                    [&tasks](http::Request& req, const Caller& caller,
                             const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(TaskInput in, input_of(req));
                      RUCHE_TRY(Task t, tasks.create(caller, workspace_param(req), in));
                      return task_reply(t, 201);
                    });

  api.add_workspace("GET", "/api/v1/workspaces/{id}/tasks", "tasks", Access::read,
                    [&tasks](http::Request& req, const Caller& caller,
                             const WorkspaceAccess&) -> Result<http::Response> {
                      store::ListQuery q;
                      RUCHE_TRY(q.statuses, status_param(req));
                      if (auto a = req.query_param("assignee"))
                        q.assignee = *a == "me" ? caller.user_id.str() : *a;
                      q.label = req.query_param("label");
                      RUCHE_TRY(auto limit, platform::query_integer(req, "limit", 1, kMaxPage));
                      q.limit = static_cast<int>(limit.value_or(kDefaultPage));
                      RUCHE_TRY(auto offset,
                                platform::query_integer(req, "offset", 0, INT64_MAX / 2));
                      q.offset = offset.value_or(0);
                      RUCHE_TRY(auto list, tasks.list(caller, workspace_param(req), q));
                      return json_reply(tasks_json(list));
                    },
                    {.compress = true});

  api.add_object("GET", "/api/v1/tasks/{tid}", "tasks", Access::read, "tid",
                 [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Task t, tasks.get(caller, task_param(req)));
                   return task_reply(t);
                 });

  api.add_object("PATCH", "/api/v1/tasks/{tid}", "tasks", Access::write, "tid",
                 [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(TaskInput in, input_of(req));
                   RUCHE_TRY(Task t, tasks.change(caller, task_param(req), in, if_match(req)));
                   return task_reply(t);
                 });

  api.add_object("DELETE", "/api/v1/tasks/{tid}", "tasks", Access::write, "tid",
                 [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(tasks.remove(caller, task_param(req), if_match(req)));
                   return http::no_content();
                 });

  api.add_object("POST", "/api/v1/tasks/{tid}/checklist", "tasks", Access::write, "tid",
                 [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(ItemInput in, item_input_of(req));
                   RUCHE_TRY(auto done, tasks.add_item(caller, task_param(req), in, if_match(req)));
                   return part_reply(to_json(done.first), done.second, 201);
                 });

  api.add_object("PATCH", "/api/v1/tasks/{tid}/checklist/{item_id}", "tasks", Access::write, "tid",
                 [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(ItemInput in, item_input_of(req));
                   RUCHE_TRY(auto done, tasks.change_item(caller, task_param(req), item_param(req),
                                                          in, if_match(req)));
                   return part_reply(to_json(done.first), done.second);
                 });

  api.add_object("DELETE", "/api/v1/tasks/{tid}/checklist/{item_id}", "tasks", Access::write, "tid",
                 [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Task t, tasks.remove_item(caller, task_param(req), item_param(req),
                                                       if_match(req)));
                   http::Response r = http::no_content();
                   r.headers.set("ETag", etag_of(t));
                   return r;
                 });

  api.add_object("GET", "/api/v1/tasks/{tid}/comments", "tasks", Access::read, "tid",
                 [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(auto limit, platform::query_integer(req, "limit", 1, kMaxCommentPage));
                   std::optional<std::string> after;
                   if (auto a = req.query_param("after")) after = std::string(*a);
                   RUCHE_TRY(auto list,
                             tasks.comments(caller, task_param(req), after,
                                            static_cast<int>(limit.value_or(kDefaultCommentPage))));
                   json::array a;
                   for (const auto& m : list) a.push_back(to_json(m));
                   return json_reply(a);
                 },
                 {.compress = true});

  api.add_object("POST", "/api/v1/tasks/{tid}/comments", "tasks", Access::write, "tid",
                 [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(std::string body, body_of(req));
                   RUCHE_TRY(Comment m, tasks.add_comment(caller, task_param(req), body));
                   return json_reply(to_json(m), 201);
                 });

  api.add_object("PATCH", "/api/v1/tasks/{tid}/comments/{cid}", "tasks", Access::write, "tid",
                 [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(std::string body, body_of(req));
                   RUCHE_TRY(Comment m, tasks.change_comment(caller, task_param(req),
                                                             comment_param(req), body));
                   return json_reply(to_json(m));
                 });

  api.add_object("DELETE", "/api/v1/tasks/{tid}/comments/{cid}", "tasks", Access::write, "tid",
                 [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(tasks.remove_comment(caller, task_param(req), comment_param(req)));
                   return http::no_content();
                 });

  api.add_user("GET", "/api/v1/me/tasks",
               [&tasks](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(auto statuses, status_param(req));
                 RUCHE_TRY(auto limit, platform::query_integer(req, "limit", 1, kMaxPage));
                 // Due in [due_from, due_to): both, or neither.
                 RUCHE_TRY(auto due_from, platform::query_time(req, "due_from"));
                 RUCHE_TRY(auto due_to, platform::query_time(req, "due_to"));
                 if (due_from.has_value() != due_to.has_value() ||
                     (due_from && *due_to <= *due_from))
                   return fail(Errc::invalid, "due_from and due_to go together, due_from first",
                               "invalid_range");
                 std::optional<std::pair<std::int64_t, std::int64_t>> due;
                 if (due_from) due.emplace(*due_from, *due_to);
                 RUCHE_TRY(auto list,
                           tasks.mine(caller, statuses,
                                      static_cast<int>(limit.value_or(kDefaultPage)), due));
                 return json_reply(tasks_json(list));
               });
}

}  // namespace ruche::tasks
