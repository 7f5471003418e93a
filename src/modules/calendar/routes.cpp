// Calendar's JSON routes: JSON in, Service call, JSON out. Nothing else.
#include "modules/calendar/routes.hpp"

#include "base/clock.hpp"
#include "platform/api.hpp"
#include "platform/request_checks.hpp"

namespace ruche::calendar {

using platform::Access;
using platform::Api;
using platform::ApiOptions;
using platform::Caller;
using platform::json_reply;
using platform::WorkspaceAccess;

namespace {

EventId event_param(const http::Request& req) {
  return EventId(std::string(req.param("eid")));
}

Result<EventRequest> edit_of(const http::Request& req) {
  RUCHE_TRY(json::In in, json::In::parse(req.body));
  return parse_edit(in.object_value());
}

std::optional<std::string> if_match(const http::Request& req) {
  if (auto h = req.headers.get("If-Match")) return std::string(*h);
  return std::nullopt;
}

// ?from=T&to=T: instants or dates.
Result<std::pair<std::int64_t, std::int64_t>> range_of(const http::Request& req) {
  std::int64_t from = 0, to = 0;
  auto f = req.query_param("from");
  auto t = req.query_param("to");
  if (!f || !t || f->size() > 40 || t->size() > 40 || !parse_iso8601(*f, from) ||
      !parse_iso8601(*t, to))
    return fail(Errc::invalid, "from and to are ISO 8601 instants or dates", "invalid_range");
  return std::make_pair(from, to);
}

Result<Answer> answer_of(const http::Request& req) {
  RUCHE_TRY(json::In in, json::In::parse(req.body));
  return parse_answer(in.object_value());
}

// What an external attendee's answer page shows: the event without the
// ids of the workspace and of its author, their own answer, and for a
// recurring event the next occurrences with their answer to each.
json::object invitation_json(const Invitation& inv) {
  json::object event = to_json(inv.event);
  for (const char* key : {"id", "workspace_id", "uid", "created_by", "created_at", "kind"})
    event.erase(key);
  json::object you;
  you["email"] = inv.attendee.email;
  you["partstat"] = partstat_json(inv.attendee.partstat);
  json::array occurrences;
  for (const auto& [i, partstat] : inv.upcoming) {
    json::object o;
    o["recurrence_id"] = format_iso8601(*i.recurrence_ms);
    o["start"] = time_json(i.start_ms, i.all_day);
    o["end"] = time_json(i.end_ms, i.all_day);
    o["partstat"] = partstat_json(partstat);
    occurrences.push_back(std::move(o));
  }
  json::object j;
  j["event"] = std::move(event);
  j["attendee"] = std::move(you);
  j["occurrences"] = std::move(occurrences);
  return j;
}

// An event; with `series`, the armoured series it was cut from, as it now is.
http::Response event_reply(const Object& o, int status = 200, const Object* series = nullptr) {
  json::object j = to_json(o);
  if (series) j["series"] = to_json(*series);
  http::Response r = json_reply(j, status);
  r.headers.set("ETag", etag_of(o));
  return r;
}

// An .ics file imported, at most (413 beyond): a year of a busy team's
// events is a few MiB.
constexpr std::uint64_t kMaxImportBytes = 20 << 20;

json::object import_json(const Service::ImportReport& r) {
  json::array refusals;
  for (const auto& [uid, why] : r.refusals)
    refusals.push_back(json::object{{"uid", uid}, {"reason", why}});
  json::object j;
  j["imported"] = r.imported;
  j["existing"] = r.existing;
  j["refused"] = r.refused;
  j["refusals"] = std::move(refusals);
  return j;
}

}  // namespace

void register_routes(Api& api, Service& calendar) {
  api.add_workspace("GET", "/api/v1/workspaces/{id}/calendar/events", "calendar", Access::read,
                    [&calendar](http::Request& req, const Caller& caller,
                                const WorkspaceAccess& a) -> Result<http::Response> {
                      RUCHE_TRY(auto range, range_of(req));
                      RUCHE_TRY(auto list, calendar.occurrences(caller, a.workspace_id, range.first,
                                                                range.second));
                      return json_reply(list);
                    });

  // An armoured workspace's events, whole: their times are sealed.
  api.add_workspace(
      "GET", "/api/v1/workspaces/{id}/calendar/sealed", "calendar", Access::read,
      [&calendar](http::Request& req, const Caller& caller,
                  const WorkspaceAccess& a) -> Result<http::Response> {
        RUCHE_TRY(auto after, platform::query_integer(req, "after", 0, INT64_MAX / 2));
        RUCHE_TRY(auto limit, platform::query_integer(req, "limit", 1, 1000));
        RUCHE_TRY(auto page, calendar.sealed_events(caller, a.workspace_id, after.value_or(0),
                                                    static_cast<int>(limit.value_or(500))));
        json::array events, deleted;
        for (const auto& o : page.events) events.push_back(to_json(o));
        for (const auto& id : page.deleted) deleted.push_back(json::value(id));
        json::object j;
        j["events"] = std::move(events);
        j["deleted"] = std::move(deleted);
        j["version"] = page.version;
        j["more"] = page.more;
        return json_reply(j);
      });

  api.add_workspace("POST", "/api/v1/workspaces/{id}/calendar/events", "calendar", Access::write,
                    [&calendar](http::Request& req, const Caller& caller,
                                const WorkspaceAccess& a) -> Result<http::Response> {
                      RUCHE_TRY(auto edit, edit_of(req));
                      RUCHE_TRY(Object o, calendar.create(caller, a.workspace_id, edit));
                      return event_reply(o, 201);
                    });

  api.add_user("GET", "/api/v1/me/calendar/events",
               [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(auto range, range_of(req));
                 RUCHE_TRY(auto list,
                           calendar.occurrences(caller, std::nullopt, range.first, range.second));
                 return json_reply(list);
               });

  api.add_user("POST", "/api/v1/me/calendar/events",
               [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(auto edit, edit_of(req));
                 RUCHE_TRY(Object o, calendar.create(caller, std::nullopt, edit));
                 return event_reply(o, 201);
               });

  api.add_object("GET", "/api/v1/calendar/events/{eid}", "calendar", Access::read, "eid",
                 [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Object o, calendar.get(caller, event_param(req)));
                   return event_reply(o);
                 });

  api.add_object("PATCH", "/api/v1/calendar/events/{eid}", "calendar", Access::write, "eid",
                 [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(auto edit, edit_of(req));
                   Object series;
                   RUCHE_TRY(Object o, calendar.change(caller, event_param(req), edit,
                                                       if_match(req), &series));
                   return event_reply(o, 200, edit.rest ? &series : nullptr);
                 });

  // The caller's own reminders: anyone who sees the event sets theirs.
  api.add_object("PUT", "/api/v1/calendar/events/{eid}/reminders", "calendar", Access::read, "eid",
                 [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   const json::value* list = in.raw("minutes");
                   if (!list)
                     return fail(Errc::invalid, "minutes lists the reminders (may be empty)",
                                 "invalid_reminders");
                   RUCHE_TRY(auto minutes, parse_reminders(*list));
                   RUCHE_TRY(Object o, calendar.set_reminders(caller, event_param(req), minutes));
                   return event_reply(o);
                 });

  api.add_object("POST", "/api/v1/calendar/events/{eid}/reply", "calendar", Access::read, "eid",
                 [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Answer answer, answer_of(req));
                   RUCHE_TRY(Object o, calendar.reply(caller, event_param(req), answer));
                   return event_reply(o);
                 });

  // An .ics file's events added to the workspace's calendar, or one's own.
  const ApiOptions file{.http = {.max_body_bytes = kMaxImportBytes}};
  api.add_workspace("POST", "/api/v1/workspaces/{id}/calendar/import", "calendar", Access::write,
                    [&calendar](http::Request& req, const Caller& caller,
                                const WorkspaceAccess& a) -> Result<http::Response> {
                      RUCHE_TRY(auto report, calendar.import_ics(caller, a.workspace_id, req.body));
                      return json_reply(import_json(report));
                    },
                    file);
  api.add_user("POST", "/api/v1/me/calendar/import",
               [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(auto report, calendar.import_ics(caller, std::nullopt, req.body));
                 return json_reply(import_json(report));
               },
               file);

  // Subscriptions: a person's read-only copies of published calendars.
  api.add_user("GET", "/api/v1/me/calendar/subscriptions",
               [&calendar](http::Request&, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(auto list, calendar.subscriptions(caller));
                 json::array out;
                 for (const auto& s : list) out.push_back(subscription_json(s));
                 json::object j;
                 j["available"] = calendar.can_subscribe(caller);
                 j["subscriptions"] = std::move(out);
                 return json_reply(j);
               });
  api.add_user("POST", "/api/v1/me/calendar/subscriptions",
               [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 RUCHE_TRY(auto request, parse_subscription(in.object_value()));
                 RUCHE_TRY(auto s, calendar.subscribe(caller, request));
                 return json_reply(subscription_json(s), 201);
               });
  api.add_user("PATCH", "/api/v1/me/calendar/subscriptions/{sid}",
               [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(json::In in, json::In::parse(req.body));
                 RUCHE_TRY(auto request, parse_subscription(in.object_value()));
                 if (request.url)
                   return fail(Errc::invalid, "a subscription's address does not change",
                               "invalid_url");
                 if (!request.name) return fail(Errc::invalid, "name is required", "invalid_name");
                 RUCHE_TRY(auto s, calendar.rename_subscription(
                                       caller, std::string(req.param("sid")), *request.name));
                 return json_reply(subscription_json(s));
               });
  api.add_user("POST", "/api/v1/me/calendar/subscriptions/{sid}/refresh",
               [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_TRY(auto s, calendar.refresh(caller, std::string(req.param("sid"))));
                 return json_reply(subscription_json(s));
               });
  api.add_user("DELETE", "/api/v1/me/calendar/subscriptions/{sid}",
               [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
                 RUCHE_CHECK(calendar.unsubscribe(caller, std::string(req.param("sid"))));
                 return http::no_content();
               });

  // When colleagues are busy, to choose a meeting's time (no event's
  // contents); as the user directory, never for external accounts.
  api.add_user(
      "GET", "/api/v1/calendar/freebusy",
      [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
        if (caller.is_guest()) return fail(Errc::not_found, "no such route");
        RUCHE_TRY(auto range, range_of(req));
        RUCHE_TRY(auto users, platform::query_list(req, "users", kMaxFreeBusyPeople));
        RUCHE_TRY(auto list, calendar.free_busy(caller, users, range.first, range.second));
        json::array out;
        for (const auto& b : list) {
          json::array busy;
          for (const auto& [s, e] : b.spans)
            busy.push_back(json::object{{"start", format_iso8601(s)}, {"end", format_iso8601(e)}});
          out.push_back(json::object{{"user_id", b.user_id}, {"busy", std::move(busy)}});
        }
        return json_reply(out);
      });

  // An external attendee's answer link (no account: the token is the right).
  api.add_public("GET", "/api/v1/calendar/invitations/{token}",
                 [&calendar](http::Request& req) -> Result<http::Response> {
                   RUCHE_TRY(auto inv, calendar.invitation(req.param("token")));
                   return json_reply(invitation_json(inv));
                 });
  api.add_public("POST", "/api/v1/calendar/invitations/{token}",
                 [&calendar](http::Request& req) -> Result<http::Response> {
                   RUCHE_TRY(Answer answer, answer_of(req));
                   RUCHE_TRY(auto inv, calendar.answer(req.param("token"), answer));
                   return json_reply(invitation_json(inv));
                 });

  api.add_object(
      "DELETE", "/api/v1/calendar/events/{eid}", "calendar", Access::write, "eid",
      [&calendar](http::Request& req, const Caller& caller) -> Result<http::Response> {
        std::optional<std::int64_t> occurrence;
        if (auto r = req.query_param("recurrence_id")) {
          std::int64_t ms = 0;
          if (!parse_recurrence_id(*r, ms))
            return fail(Errc::invalid,
                        "recurrence_id is the occurrence's original start (ISO 8601)",
                        "invalid_recurrence_id");
          occurrence = ms;
        }
        const auto scope = req.query_param("scope");
        RUCHE_TRY(bool following,
                  parse_scope(scope ? std::optional<std::string_view>(*scope) : std::nullopt,
                              occurrence.has_value()));
        RUCHE_CHECK(
            calendar.remove(caller, event_param(req), if_match(req), occurrence, following));
        return http::no_content();
      });
}

}  // namespace ruche::calendar
