#include "modules/calls/janus.hpp"

#include <chrono>

#include "core/crypto/random.hpp"

namespace ruche::calls {
namespace {

using Clock = std::chrono::steady_clock;

const json::object* plugin_data(const json::object& o) {
  auto* pd = o.if_contains("plugindata");
  if (pd == nullptr || !pd->is_object()) return nullptr;
  auto* data = pd->as_object().if_contains("data");
  return data != nullptr && data->is_object() ? &data->as_object() : nullptr;
}

std::string text_of(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t int_of(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return 0;
}

// A VideoRoom refusal ({"error_code", "error"} in the plugin's data).
Result<void> plugin_error(const json::object& data) {
  const std::int64_t code = int_of(data, "error_code");
  if (code == 0) return {};
  const std::string reason = text_of(data, "error");
  switch (code) {
    case 428:  // no such feed: not published, or not sending yet
      return fail(Errc::conflict, "that participant is not sending yet: try again shortly",
                  "feed_not_ready");
    case 427:  // the room exists (another node made it)
      return fail(Errc::conflict, "the call's SFU room exists", "sfu_room_exists");
    case 426:  // no such room
      return fail(Errc::not_found, "the call's SFU room is gone", "sfu_room_gone");
    default:
      return fail(Errc::internal, "the SFU refused (" + std::to_string(code) + "): " + reason);
  }
}

}  // namespace

namespace {
std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Result<json::object> Janus::post(const std::string& path, json::object request) {
  request["transaction"] = crypto::new_token().substr(0, 16);
  const std::string body = json::serialize(request);
  http::OutboundRequest r;
  r.method = "POST";
  r.url = config_.url + path;
  r.headers = {"Content-Type: application/json"};
  r.body = body;
  r.timeout_ms = config_.timeout_ms;
  r.connect_timeout_ms = std::min(config_.timeout_ms, 3'000);
  r.max_body = 256 << 10;
  auto sent = http_.send(r);
  if (!sent) {
    if (sent.error().code == Errc::unavailable) {
      mark_failed();
      return fail(Errc::unavailable, "the SFU is unreachable: " + sent.error().message,
                  "sfu_unavailable");
    }
    return fail(Errc::internal, "the SFU: " + sent.error().message);
  }
  if (sent->status != 200) {
    mark_failed();
    return fail(Errc::unavailable, "the SFU answered HTTP " + std::to_string(sent->status),
                "sfu_unavailable");
  }
  answered_at_ms_.store(steady_ms());
  auto parsed = json::parse(sent->body);
  if (!parsed || !parsed->is_object()) return fail(Errc::internal, "the SFU's answer is not JSON");
  json::object answer = std::move(parsed->as_object());
  const std::string kind = text_of(answer, "janus");
  if (kind == "error") {
    const json::object* err = nullptr;
    if (auto* e = answer.if_contains("error"); e && e->is_object()) err = &e->as_object();
    const std::int64_t code = err ? int_of(*err, "code") : 0;
    if (code == 458)  // no such session
      return fail(Errc::not_found, "the SFU forgot this participant: publish again",
                  "sfu_session_gone");
    if (code == 459)  // no such handle in the session
      return fail(Errc::not_found, "no such subscription", "no_subscription");
    return fail(Errc::internal, "the SFU refused (" + std::to_string(code) +
                                    "): " + (err ? text_of(*err, "reason") : std::string()));
  }
  if (kind != "success" && kind != "ack")
    return fail(Errc::internal, "the SFU answered \"" + kind + "\"");
  if (const json::object* data = plugin_data(answer)) RUCHE_CHECK(plugin_error(*data));
  answer["transaction_sent"] = request["transaction"];
  return answer;
}

Result<std::int64_t> Janus::create_session() {
  RUCHE_TRY(auto a, post("", json::object{{"janus", "create"}}));
  auto* data = a.if_contains("data");
  const std::int64_t id = data && data->is_object() ? int_of(data->as_object(), "id") : 0;
  if (id == 0) return fail(Errc::internal, "the SFU gave no session id");
  return id;
}

Result<void> Janus::keepalive(std::int64_t session) {
  RUCHE_TRY([[maybe_unused]] auto a,
            post("/" + std::to_string(session), json::object{{"janus", "keepalive"}}));
  return {};
}

void Janus::mark_failed() {
  failed_at_ms_.store(steady_ms());
}

bool Janus::answered_lately(std::int64_t window_ms) const {
  const std::int64_t failed = failed_at_ms_.load();
  return failed == 0 || answered_at_ms_.load() > failed || steady_ms() - failed > window_ms;
}

Result<void> Janus::destroy_session(std::int64_t session) {
  auto a = post("/" + std::to_string(session), json::object{{"janus", "destroy"}});
  if (!a && a.error().reason == "sfu_session_gone") return {};
  if (!a) return tl::unexpected(a.error());
  return {};
}

Result<std::int64_t> Janus::attach(std::int64_t session) {
  RUCHE_TRY(auto a, post("/" + std::to_string(session),
                         json::object{{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}}));
  auto* data = a.if_contains("data");
  const std::int64_t id = data && data->is_object() ? int_of(data->as_object(), "id") : 0;
  if (id == 0) return fail(Errc::internal, "the SFU gave no handle id");
  return id;
}

Result<void> Janus::detach(std::int64_t session, std::int64_t handle) {
  RUCHE_TRY([[maybe_unused]] auto a,
            post("/" + std::to_string(session) + "/" + std::to_string(handle),
                 json::object{{"janus", "detach"}}));
  return {};
}

Result<void> Janus::create_room(std::int64_t session, std::int64_t handle, std::int64_t room,
                                const std::string& pin, const std::string& secret,
                                std::int64_t publishers) {
  json::object body{{"request", "create"},
                    {"room", room},
                    {"pin", pin},
                    {"secret", secret},
                    {"is_private", true},
                    {"permanent", false},
                    {"publishers", publishers},
                    // Per publisher, what Janus asks browsers to stay under.
                    {"bitrate", 1'000'000},
                    // A keyframe every 10 s: a newcomer's picture starts soon.
                    {"fir_freq", 10},
                    {"audiocodec", "opus"},
                    {"videocodec", "vp8,vp9,h264"},
                    {"notify_joining", false}};
  if (!config_.admin_key.empty()) body["admin_key"] = config_.admin_key;
  auto a = post("/" + std::to_string(session) + "/" + std::to_string(handle),
                json::object{{"janus", "message"}, {"body", std::move(body)}});
  if (!a && a.error().reason == "sfu_room_exists") return {};  // another node made it
  if (!a) return tl::unexpected(a.error());
  return {};
}

Result<void> Janus::destroy_room(std::int64_t room, const std::string& secret) {
  RUCHE_TRY(std::int64_t session, create_session());
  auto done = [&]() -> Result<void> {
    RUCHE_TRY(std::int64_t handle, attach(session));
    auto a = post("/" + std::to_string(session) + "/" + std::to_string(handle),
                  json::object{{"janus", "message"},
                               {"body", json::object{{"request", "destroy"},
                                                     {"room", room},
                                                     {"secret", secret}}}});
    if (!a && a.error().reason != "sfu_room_gone") return tl::unexpected(a.error());
    return {};
  }();
  RUCHE_CHECK(destroy_session(session));
  return done;
}

Result<std::optional<Janus::Event>> Janus::find_answer(const json::value& events,
                                                       const std::string& tx) {
  auto check = [&](const json::value& v) -> Result<std::optional<Event>> {
    if (!v.is_object()) return std::optional<Event>{};
    const auto& o = v.as_object();
    if (text_of(o, "transaction") != tx) return std::optional<Event>{};
    if (text_of(o, "janus") == "error")
      return fail(Errc::internal, "the SFU refused the request");
    const json::object* data = plugin_data(o);
    if (data == nullptr) return std::optional<Event>{};
    RUCHE_CHECK(plugin_error(*data));
    Event e{*data, std::nullopt};
    if (auto* j = o.if_contains("jsep"); j && j->is_object()) e.jsep = j->as_object();
    return std::optional<Event>(std::move(e));
  };
  if (events.is_array()) {
    for (const auto& v : events.as_array()) {
      RUCHE_TRY(auto found, check(v));
      if (found) return found;
    }
    return std::optional<Event>{};
  }
  return check(events);
}

Result<Janus::Event> Janus::message(std::int64_t session, std::int64_t handle, json::object body,
                                    std::optional<json::object> jsep) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(config_.timeout_ms);
  json::object request{{"janus", "message"}, {"body", std::move(body)}};
  if (jsep) request["jsep"] = std::move(*jsep);
  RUCHE_TRY(auto ack, post("/" + std::to_string(session) + "/" + std::to_string(handle),
                           std::move(request)));
  const std::string tx = text_of(ack, "transaction_sent");
  // The answer may already be there ("success" rather than "ack").
  if (text_of(ack, "janus") == "success") {
    const json::object* data = plugin_data(ack);
    if (data == nullptr) return fail(Errc::internal, "the SFU's answer has no plugin data");
    Event e{*data, std::nullopt};
    if (auto* j = ack.if_contains("jsep"); j && j->is_object()) e.jsep = j->as_object();
    return e;
  }
  // Then the session's events, until the one answering this transaction.
  for (int polls = 0;; ++polls) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || polls > 1000) {
      mark_failed();
      return fail(Errc::unavailable, "the SFU did not answer in time", "sfu_unavailable");
    }
    http::OutboundRequest r;
    r.url = config_.url + "/" + std::to_string(session) +
            "?maxev=10&rid=" + std::to_string(Clock::now().time_since_epoch().count());
    r.timeout_ms = static_cast<int>(left.count());
    r.connect_timeout_ms = std::min(r.timeout_ms, 3'000);
    r.max_body = 1 << 20;
    auto got = http_.send(r);
    if (!got) {
      if (got.error().code == Errc::unavailable) {
        mark_failed();
        return fail(Errc::unavailable, "the SFU did not answer in time", "sfu_unavailable");
      }
      return fail(Errc::internal, "the SFU: " + got.error().message);
    }
    if (got->status != 200) {
      mark_failed();
      return fail(Errc::unavailable, "the SFU answered HTTP " + std::to_string(got->status),
                  "sfu_unavailable");
    }
    auto events = json::parse(got->body);
    if (!events) return fail(Errc::internal, "the SFU's events are not JSON");
    if (events->is_object() && text_of(events->as_object(), "janus") == "error")
      return fail(Errc::not_found, "the SFU forgot this participant: publish again",
                  "sfu_session_gone");
    RUCHE_TRY(auto found, find_answer(*events, tx));
    if (found) return std::move(*found);
  }
}

Result<void> Janus::trickle(std::int64_t session, std::int64_t handle,
                            const json::array& candidates) {
  json::object request{{"janus", "trickle"}};
  if (candidates.empty())
    request["candidate"] = json::object{{"completed", true}};
  else
    request["candidates"] = candidates;
  RUCHE_TRY([[maybe_unused]] auto a,
            post("/" + std::to_string(session) + "/" + std::to_string(handle), std::move(request)));
  return {};
}

}  // namespace ruche::calls
