#include "modules/calls/calls.hpp"

#include <algorithm>

#include "base/clock.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "platform/module_settings.hpp"

namespace ruche::calls {

json::object to_json(const Participant& p) {
  return json::object{{"id", p.id.str()},
                      {"call_id", p.call_id.str()},
                      {"user_id", p.user_id},
                      {"joined_at", format_iso8601(p.joined_at_ms)},
                      {"sending", p.sfu.feed.has_value()}};
}

json::object to_json(const Call& c) {
  json::array ps;
  for (const auto& p : c.participants) ps.push_back(to_json(p));
  json::object o{{"id", c.id.str()},
                 {"workspace_id", c.workspace_id.str()},
                 {"title", c.title},
                 {"started_by", c.started_by},
                 {"started_at", format_iso8601(c.started_at_ms)},
                 {"mode", c.mode == Mode::sfu ? "sfu" : "p2p"},
                 {"participants", std::move(ps)}};
  o["ended_at"] =
      c.ended_at_ms ? json::value(format_iso8601(*c.ended_at_ms)) : json::value(nullptr);
  return o;
}

namespace {

Result<std::vector<std::string>> url_list(const json::object& o, std::string_view key,
                                          std::initializer_list<std::string_view> schemes) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (v == nullptr) return out;
  if (!v->is_array())
    return fail(Errc::invalid, "calls." + std::string(key) + " must be a list of URLs");
  for (const auto& u : v->as_array()) {
    if (!u.is_string())
      return fail(Errc::invalid, "calls." + std::string(key) + " must be a list of URLs");
    std::string_view s = u.as_string();
    bool ok = false;
    for (auto scheme : schemes) ok = ok || (s.starts_with(scheme) && s.size() > scheme.size());
    if (!ok || s.size() > 300)
      return fail(Errc::invalid, "calls." + std::string(key) + ": " + std::string(s) +
                                     " is not a " + std::string(*schemes.begin()) + " URL");
    out.emplace_back(s);
  }
  return out;
}

}  // namespace

Result<Settings> settings_from(const json::object& module_settings) {
  Settings s;
  auto* section = module_settings.if_contains("calls");
  if (section == nullptr || !section->is_object()) return s;
  const auto& o = section->as_object();
  RUCHE_TRY(s.stun_urls, url_list(o, "stun_urls", {"stun:", "stuns:"}));
  RUCHE_TRY(s.turn_urls, url_list(o, "turn_urls", {"turn:", "turns:"}));
  if (auto* v = o.if_contains("turn_secret"); v && v->is_string())
    s.turn_secret = std::string(v->as_string());
  s.turn_ttl_s = platform::module_int(module_settings, "calls", "turn_ttl_s", s.turn_ttl_s);
  if (o.contains("janus_url") && o.contains("janus_urls"))
    return fail(Errc::invalid, "calls: janus_url or janus_urls, not both");
  if (auto* v = o.if_contains("janus_url"); v && v->is_string() && !v->as_string().empty())
    s.janus_urls.emplace_back(v->as_string());
  if (auto* v = o.if_contains("janus_urls")) {
    if (!v->is_array() || v->as_array().size() > kMaxJanus)
      return fail(Errc::invalid, "calls.janus_urls must be a list of at most 16 URLs");
    for (const auto& u : v->as_array()) {
      if (!u.is_string())
        return fail(Errc::invalid, "calls.janus_urls must be a list of at most 16 URLs");
      s.janus_urls.emplace_back(u.as_string());
    }
  }
  for (auto& u : s.janus_urls)
    while (!u.empty() && u.back() == '/') u.pop_back();
  if (auto* v = o.if_contains("janus_admin_key"); v && v->is_string())
    s.janus_admin_key = std::string(v->as_string());
  s.max_participants = s.janus_urls.empty() ? 8 : 50;
  if (auto* v = o.if_contains("max_participants"); v && v->is_int64())
    s.max_participants = v->as_int64();
  if (auto* v = o.if_contains("p2p_max_participants"); v && v->is_int64())
    s.p2p_max_participants = v->as_int64();
  if (auto* v = o.if_contains("sweep_seconds"); v && v->is_int64()) {
    if (v->as_int64() < 1 || v->as_int64() > 60)
      return fail(Errc::invalid, "calls.sweep_seconds must be between 1 and 60");
    s.sweep_ms = v->as_int64() * 1000;
  }
  for (std::size_t i = 0; i < s.janus_urls.size(); ++i) {
    std::string_view u = s.janus_urls[i];
    const bool scheme = u.starts_with("http://") || u.starts_with("https://");
    const std::string_view rest = scheme ? u.substr(u.find("//") + 2) : std::string_view();
    if (!scheme || rest.empty() || rest.front() == '/' || u.size() > 300 ||
        u.find_first_of("?#@ \"\\") != std::string_view::npos)
      return fail(Errc::invalid,
                  "calls.janus_url must be the http(s) URL of Janus's HTTP API "
                  "(\"http://127.0.0.1:8088/janus\")");
    if (std::find(s.janus_urls.begin(), s.janus_urls.begin() + i, u) != s.janus_urls.begin() + i)
      return fail(Errc::invalid, "calls.janus_urls names " + std::string(u) + " twice");
  }
  if (!s.janus_urls.empty()) {
    if (s.max_participants < 2 || s.max_participants > 200)
      return fail(Errc::invalid, "calls.max_participants must be between 2 and 200 with Janus");
    if (s.p2p_max_participants < 1 || s.p2p_max_participants > 16)
      return fail(Errc::invalid, "calls.p2p_max_participants must be between 1 and 16");
  } else if (s.max_participants < 2 || s.max_participants > 16) {
    return fail(Errc::invalid,
                "calls.max_participants must be between 2 and 16 (peer to peer; more with "
                "janus_url)");
  }
  if (!s.turn_urls.empty() && s.turn_secret.size() < 16)
    return fail(Errc::invalid,
                "calls.turn_secret must be set (16 characters or more) with turn_urls");
  if (s.turn_ttl_s < 60 || s.turn_ttl_s > 7 * 86400)
    return fail(Errc::invalid, "calls.turn_ttl_s must be between 60 and 604800");
  return s;
}

json::array ice_servers(const Settings& s, const std::string& user_id, std::int64_t now_ms) {
  json::array out;
  if (!s.stun_urls.empty()) {
    json::array urls(s.stun_urls.begin(), s.stun_urls.end());
    out.push_back(json::object{{"urls", std::move(urls)}});
  }
  if (!s.turn_urls.empty()) {
    std::string username = std::to_string(now_ms / 1000 + s.turn_ttl_s) + ":" + user_id;
    std::string credential = crypto::base64_encode(crypto::hmac_sha1(s.turn_secret, username));
    json::array urls(s.turn_urls.begin(), s.turn_urls.end());
    out.push_back(json::object{
        {"urls", std::move(urls)}, {"username", username}, {"credential", credential}});
  }
  return out;
}

}  // namespace ruche::calls
