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

// An SDP description from the body's "sdp" (the browser's offer or
// answer), as Janus takes it: {type, sdp}.
Result<json::object> jsep_of(const json::In& in, std::string_view type) {
  json::In copy = in;
  std::string sdp = copy.string("sdp", {.min = 1, .max = kMaxSignalBytes, .single_line = false});
  if (!copy.ok()) return copy.error();
  return json::object{{"type", type}, {"sdp", std::move(sdp)}};
}

// ICE candidates as the browser gives them ({candidate, sdpMid,
// sdpMLineIndex}), checked and copied field by field.
Result<json::array> candidates_of(const json::In& in) {
  json::array out;
  const json::value* v = in.raw("candidates");
  if (v == nullptr) return out;
  if (!v->is_array() || v->as_array().size() > 50)
    return fail(Errc::invalid, "candidates must be a list of at most 50", "invalid_field");
  for (const auto& item : v->as_array()) {
    if (!item.is_object())
      return fail(Errc::invalid, "each candidate must be an object", "invalid_field");
    json::In c(item.as_object());
    json::object cand{{"candidate", c.string("candidate", {.min = 0, .max = 1024})}};
    if (auto mid = c.opt_string("sdpMid", {.min = 0, .max = 64})) cand["sdpMid"] = *mid;
    if (auto index = c.opt_integer("sdpMLineIndex", 0, 1000)) cand["sdpMLineIndex"] = *index;
    if (!c.ok()) return c.error();
    out.push_back(std::move(cand));
  }
  return out;
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
  api.add_object("POST", "/api/v1/calls/{cid}/participants/{pid}/ring", "calls", Access::read,
                 "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   std::vector<std::string> people;
                   const json::value* ids = in.raw("user_ids");
                   if (ids == nullptr || !ids->is_array() || ids->as_array().size() > kMaxRing)
                     return fail(Errc::invalid, "user_ids must be a list of 1 to 50 user ids",
                                 "invalid_field");
                   for (const auto& v : ids->as_array()) {
                     if (!v.is_string() || v.as_string().size() > 64)
                       return fail(Errc::invalid, "user_ids must be user ids", "invalid_field");
                     people.emplace_back(v.as_string());
                   }
                   RUCHE_CHECK(calls.ring(caller, call_param(req), participant_param(req), people));
                   return http::Response{.status = 202};
                 });
  api.add_object("POST", "/api/v1/calls/{cid}/decline", "calls", Access::read, "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(calls.decline(caller, call_param(req)));
                   return http::no_content();
                 });
  // The SFU: one participant's media through Janus (docs/calls.md).
  const std::string sfu = "/api/v1/calls/{cid}/participants/{pid}/sfu";
  api.add_object("POST", sfu + "/publish", "calls", Access::read, "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   RUCHE_TRY(json::object offer, jsep_of(in, "offer"));
                   RUCHE_TRY(json::object answer, calls.publish(caller, call_param(req),
                                                                participant_param(req),
                                                                std::move(offer)));
                   return json_reply(answer);
                 });
  api.add_object("POST", sfu + "/subscriptions", "calls", Access::read, "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   std::string whom = in.string("participant_id", {.min = 1, .max = 64});
                   if (!in.ok()) return in.error();
                   RUCHE_TRY(auto sub, calls.subscribe(caller, call_param(req),
                                                       participant_param(req), ParticipantId(whom)));
                   json::object o = std::move(sub.offer);
                   o["id"] = sub.id;
                   return json_reply(o, 201);
                 });
  api.add_object("POST", sfu + "/subscriptions/{sid}/answer", "calls", Access::read, "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   RUCHE_TRY(json::object answer, jsep_of(in, "answer"));
                   RUCHE_CHECK(calls.answer(caller, call_param(req), participant_param(req),
                                            std::string(req.param("sid")), std::move(answer)));
                   return http::no_content();
                 });
  api.add_object("DELETE", sfu + "/subscriptions/{sid}", "calls", Access::read, "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(calls.unsubscribe(caller, call_param(req), participant_param(req),
                                                 std::string(req.param("sid"))));
                   return http::no_content();
                 });
  api.add_object("POST", sfu + "/trickle", "calls", Access::read, "cid",
                 [&calls](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   std::string target = in.string("target", {.min = 1, .max = 20});
                   if (!in.ok()) return in.error();
                   RUCHE_TRY(json::array candidates, candidates_of(in));
                   RUCHE_CHECK(calls.trickle(caller, call_param(req), participant_param(req),
                                             target, candidates));
                   return http::Response{.status = 202};
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
