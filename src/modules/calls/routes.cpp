// Calls' routes: JSON in, Service call, JSON out. Nothing else.
#include "modules/calls/routes.hpp"

#include "modules/calls/calls.hpp"
#include "modules/calls/service.hpp"

namespace ruche::calls {

using platform::Access;
using platform::Caller;
using platform::json_reply;
using platform::WorkspaceAccess;

namespace {

CallId call_param(const http::Request& req) {
  return CallId(std::string(req.param("cid")));
}
ParticipantId participant_param(const http::Request& req) {
  return ParticipantId(std::string(req.param("pid")));
}

json::array calls_json(const std::vector<Call>& calls) {
  json::array out;
  for (const auto& c : calls) out.push_back(to_json(c));
  return out;
}

}  // namespace

void register_routes(platform::Api& api, Service& calls) {
  api.add_workspace("POST", "/api/v1/workspaces/{id}/calls", "calls", Access::write,
                    [&calls](http::Request& req, const Caller& caller,
                             const WorkspaceAccess& access) -> Result<http::Response> {
                      RUCHE_TRY(json::In in, json::In::parse(req.body, true));
                      std::string title =
                          in.string("title", {.min = 0, .max = kMaxTitleBytes}, json::kOptional);
                      if (!in.ok()) return in.error();
                      RUCHE_TRY(Call c, calls.start(caller, access.workspace_id, title));
                      return json_reply(to_json(c), 201);
                    });
  api.add_workspace("GET", "/api/v1/workspaces/{id}/calls", "calls", Access::read,
                    [&calls](http::Request&, const Caller& caller,
                             const WorkspaceAccess& access) -> Result<http::Response> {
                      RUCHE_TRY(auto list, calls.list(caller, access.workspace_id));
                      return json_reply(calls_json(list));
                    });
  api.add_object("GET", "/api/v1/calls/{cid}", "calls", Access::read, "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Call c, calls.get(caller, call_param(req)));
                   return json_reply(to_json(c));
                 });
  api.add_object("POST", "/api/v1/calls/{cid}/participants", "calls", Access::read, "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(auto j, calls.join(caller, call_param(req)));
                   json::object o{{"participant", to_json(j.me)},
                                  {"call", to_json(j.call)},
                                  {"ice_servers", std::move(j.ice_servers)},
                                  {"heartbeat_seconds", kParticipantTtlMs / 3000}};
                   return json_reply(o, 201);
                 });
  api.add_object("POST", "/api/v1/calls/{cid}/participants/{pid}/heartbeat", "calls", Access::read,
                 "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(calls.heartbeat(caller, call_param(req), participant_param(req)));
                   return http::no_content();
                 });
  api.add_object("DELETE", "/api/v1/calls/{cid}/participants/{pid}", "calls", Access::read, "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(calls.leave(caller, call_param(req), participant_param(req)));
                   return http::no_content();
                 });
  api.add_object(
      "POST", "/api/v1/calls/{cid}/signals", "calls", Access::read, "cid",
      [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
        RUCHE_TRY(json::In in, json::In::parse(req.body));
        std::string from = in.string("from", {.min = 1, .max = 64});
        std::string to = in.string("to", {.min = 1, .max = 64});
        std::string kind = in.string("kind", {.min = 1, .max = 16});
        if (!in.ok()) return in.error();
        const json::value* data = in.raw("data");
        RUCHE_CHECK(calls.signal(caller, call_param(req), ParticipantId(from), ParticipantId(to),
                                 kind, data ? *data : json::value(nullptr)));
        return http::Response{.status = 202};
      });
}

}  // namespace ruche::calls
