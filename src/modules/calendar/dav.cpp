// CalDAV (RFC 4791) at /dav/calendars/ and /dav/principals/, with
// sync-collection (RFC 6578): paths and headers in, Service calls,
// multistatus out. docs/calendar.md, "CalDAV".
#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "base/text.hpp"
#include "dav/dav.hpp"
#include "dav/ical_object.hpp"
#include "modules/calendar/routes.hpp"
#include "platform/api.hpp"

namespace ruche::calendar {

using platform::Api;
using platform::ApiOptions;
using platform::Caller;

namespace {

constexpr std::string_view kCalendars = "/dav/calendars/";
constexpr std::string_view kPrincipals = "/dav/principals/";
constexpr std::string_view kCsNs = "http://calendarserver.org/ns/";
constexpr std::string_view kAppleNs = "http://apple.com/ns/ical/";
constexpr std::string_view kXmlns =
    " xmlns:C=\"urn:ietf:params:xml:ns:caldav\" xmlns:CS=\"http://calendarserver.org/ns/\"";
constexpr std::string_view kSyncPrefix = "urn:ruche:sync:";
// A PROPFIND's or REPORT's answer or a whole calendar's file, at most
// (about, for a listing: the object that crosses it is the last): a
// calendar of 50,000 objects of up to 256 KiB, or the invitations of
// someone invited to as many, would otherwise be one answer of gigabytes,
// held whole. Past it, a report's collection answers 507 (RFC 6578
// section 3.6 for a sync, with the token of the last change included, so
// that the client goes on from there; a calendar-query is narrowed by its
// client, a time range; a multiget asks again for the rest), and the file
// is refused (507: sync the calendar instead). A PROPFIND, which names the
// collection itself, names every object instead: past it, its answer is
// kept in a file (Multistatus::spool_past_memory) and streamed.
constexpr std::size_t kMaxAnswerBytes = 16 << 20;
// Objects read at a time for the answers that name them (a sync's changes,
// a multiget's hrefs).
constexpr std::size_t kObjectsAtOnce = 500;
constexpr std::string_view kAllow = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT";

// --- answers ---------------------------------------------------------------------

// An error: a CalDAV or WebDAV precondition as XML, any other as the API's
// JSON. A write without the right is WebDAV ACL's need-privileges (RFC 3744
// 7.1.1) on `href`, the request's resource.
http::Response dav_error(const Error& e, std::string_view href = {}) {
  static constexpr std::string_view kCalDav[] = {"valid-calendar-data",
                                                 "valid-calendar-object-resource",
                                                 "supported-calendar-component",
                                                 "no-uid-conflict",
                                                 "max-resource-size",
                                                 "valid-filter",
                                                 "supported-filter",
                                                 "supported-collation",
                                                 "calendar-collection-location-ok"};
  if (e.code == Errc::forbidden && e.reason == "read_only")
    return http::xml_response(
        403,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:error xmlns:D=\"DAV:\">"
        "<D:need-privileges><D:resource>" +
            (href.empty() ? std::string() : "<D:href>" + dav::xml_escape(href) + "</D:href>") +
            "<D:privilege><D:write/></D:privilege></D:resource></D:need-privileges>"
            "</D:error>\n");
  static constexpr std::string_view kDav[] = {"valid-sync-token", "propfind-finite-depth",
                                              "supported-report",
                                              "cannot-modify-protected-property"};
  for (auto c : kCalDav)
    if (e.reason == c)
      return http::xml_response(e.code == Errc::conflict ? 409 : 403,
                                dav::error_xml(dav::kCalDavNs, c));
  for (auto c : kDav)
    if (e.reason == c) return http::xml_response(403, dav::error_xml(c));
  return http::error_response(e);
}

void set_dav_headers(http::Response& r) {
  r.headers.set("DAV", "1, 3, calendar-access, extended-mkcol");
  r.headers.set("Allow", std::string(kAllow));
}

// --- where a request points -----------------------------------------------------------

struct Target {
  enum Kind { home, calendar, object } kind = home;
  std::string user;     // the home's owner (the caller)
  std::string segment;  // the calendar's
  std::string name;     // the object's, decoded
};

// "/dav/calendars/<user>/<calendar>/<object>" after the prefix, still
// encoded. Errors: not_found for anything else, or another's home.
Result<Target> target_of(std::string_view tail, const Caller& caller) {
  std::vector<std::string> segs;
  while (!tail.empty()) {
    auto slash = tail.find('/');
    std::string_view seg = tail.substr(0, slash);
    tail = slash == std::string_view::npos ? std::string_view{} : tail.substr(slash + 1);
    if (seg.empty()) {
      if (tail.empty()) break;
      return fail(Errc::not_found, "no such resource");
    }
    auto d = http::percent_decode(seg);
    if (!d || segs.size() == 3) return fail(Errc::not_found, "no such resource");
    segs.push_back(std::move(*d));
  }
  if (segs.empty() || segs[0] != caller.user_id.str())
    return fail(Errc::not_found, "no such resource");
  Target t;
  t.user = segs[0];
  if (segs.size() >= 2) {
    t.kind = Target::calendar;
    t.segment = segs[1];
  }
  if (segs.size() == 3) {
    t.kind = Target::object;
    t.name = segs[2];
    if (!valid_name(t.name)) return fail(Errc::not_found, "no such resource");
  }
  return t;
}

std::string home_href(const Caller& caller) {
  return std::string(kCalendars) + caller.user_id.str() + "/";
}
std::string principal_href(const Caller& caller) {
  return std::string(kPrincipals) + caller.user_id.str() + "/";
}
std::string calendar_href(const Caller& caller, const Calendar& cal) {
  return home_href(caller) + dav::encode_path("/" + cal.segment).substr(1) + "/";
}
std::string object_href(const std::string& cal_href, const std::string& name) {
  return cal_href + dav::encode_path("/" + name).substr(1);
}

// --- properties ---------------------------------------------------------------------------

// A property element: `<P:name>value</P:name>` in its namespace.
std::string el(std::string_view ns, std::string_view name, std::string_view value) {
  std::string open, close;
  if (ns == dav::kDavNs) {
    open = "D:" + std::string(name);
  } else if (ns == dav::kCalDavNs) {
    open = "C:" + std::string(name);
  } else if (ns == kCsNs) {
    open = "CS:" + std::string(name);
  } else {
    open = "X:" + std::string(name);
    close = open;
    open += " xmlns:X=\"" + dav::xml_escape(ns) + "\"";
  }
  if (close.empty()) close = open;
  if (value.empty()) return "<" + open + "/>";
  return "<" + open + ">" + std::string(value) + "</" + close + ">";
}

std::string href_el(std::string_view href) {
  return "<D:href>" + dav::xml_escape(href) + "</D:href>";
}

// A resource's properties: (namespace, name) -> serialized element, in the
// order allprop lists them; `expensive` ones only when asked by name.
struct Props {
  struct Prop {
    std::string_view ns;
    std::string_view name;
    std::string xml;
    bool expensive = false;
  };
  std::vector<Prop> list;
  void add(std::string_view ns, std::string_view name, std::string value, bool expensive = false) {
    list.push_back({ns, name, el(ns, name, value), expensive});
  }
};

// One <D:response> for `href` answering `pf` from `props`.
void respond(dav::Multistatus& ms, std::string_view href, const Props& props,
             const dav::PropfindRequest& pf) {
  std::string found, missing;
  if (pf.kind == dav::PropfindRequest::propname) {
    for (const auto& p : props.list) found += el(p.ns, p.name, "");
  } else if (pf.kind == dav::PropfindRequest::allprop) {
    for (const auto& p : props.list)
      if (!p.expensive) found += p.xml;
  } else {
    for (const auto& want : pf.props) {
      auto it = std::find_if(props.list.begin(), props.list.end(),
                             [&](const auto& p) { return p.ns == want.ns && p.name == want.name; });
      if (it != props.list.end())
        found += it->xml;
      else
        missing += el(want.ns, want.name, "");
    }
  }
  ms.response(href, {{200, found}, {404, missing}});
}

void common_props(Props& p, const Caller& caller) {
  p.add(dav::kDavNs, "current-user-principal", href_el(principal_href(caller)));
  p.add(dav::kDavNs, "owner", href_el(principal_href(caller)));
}

Props root_props(const Caller& caller) {
  Props p;
  p.add(dav::kDavNs, "resourcetype", "<D:collection/>");
  common_props(p, caller);
  p.add(dav::kCalDavNs, "calendar-home-set", href_el(home_href(caller)));
  p.add(dav::kDavNs, "principal-URL", href_el(principal_href(caller)));
  return p;
}

Props principal_props(const Caller& caller) {
  Props p;
  p.add(dav::kDavNs, "resourcetype", "<D:collection/><D:principal/>");
  p.add(dav::kDavNs, "displayname", dav::xml_escape(caller.name));
  common_props(p, caller);
  p.add(dav::kDavNs, "principal-URL", href_el(principal_href(caller)));
  p.add(dav::kCalDavNs, "calendar-home-set", href_el(home_href(caller)));
  p.add(dav::kCalDavNs, "calendar-user-address-set", href_el("mailto:" + caller.email));
  p.add(dav::kCalDavNs, "calendar-user-type", "INDIVIDUAL");
  return p;
}

Props home_props(const Caller& caller) {
  Props p;
  p.add(dav::kDavNs, "resourcetype", "<D:collection/>");
  p.add(dav::kDavNs, "displayname", dav::xml_escape(caller.name));
  common_props(p, caller);
  p.add(dav::kDavNs, "current-user-privilege-set",
        "<D:privilege><D:read/></D:privilege><D:privilege><D:read-current-user-privilege-set/></"
        "D:privilege>");
  return p;
}

std::string sync_token(std::int64_t seq) {
  return std::string(kSyncPrefix) + std::to_string(seq);
}

Props calendar_props(const Caller& caller, const Calendar& cal) {
  Props p;
  p.add(dav::kDavNs, "resourcetype", "<D:collection/><C:calendar/>");
  p.add(dav::kDavNs, "displayname", dav::xml_escape(cal.display_name));
  common_props(p, caller);
  p.add(kCsNs, "getctag", std::to_string(cal.seq));
  // Another module's items (VTODOs: tasks) and invitations (VEVENTs), without
  // sync tokens.
  const bool feed = !cal.feed.empty();
  if (!feed) p.add(dav::kDavNs, "sync-token", sync_token(cal.seq));
  p.add(dav::kCalDavNs, "supported-calendar-component-set",
        cal.feed == kInvitations ? "<C:comp name=\"VEVENT\"/>"
        : feed                   ? "<C:comp name=\"VTODO\"/>"
               : "<C:comp name=\"VEVENT\"/><C:comp name=\"VTODO\"/><C:comp name=\"VJOURNAL\"/>");
  p.add(dav::kCalDavNs, "supported-calendar-data",
        "<C:calendar-data content-type=\"text/calendar\" version=\"2.0\"/>");
  p.add(dav::kCalDavNs, "max-resource-size", std::to_string(dav::kMaxObjectBytes));
  p.add(
      dav::kDavNs, "supported-report-set",
      std::string(
          "<D:supported-report><D:report><C:calendar-query/></D:report></D:supported-report>"
          "<D:supported-report><D:report><C:calendar-multiget/></D:report></D:supported-report>") +
          (feed ? ""
                : "<D:supported-report><D:report><D:sync-collection/></D:report></"
                  "D:supported-report>"));
  std::string privileges =
      "<D:privilege><D:read/></D:privilege><D:privilege><D:read-current-user-privilege-set/></"
      "D:privilege>"
      "<D:privilege><C:read-free-busy/></D:privilege>";
  if (cal.writable)
    privileges +=
        "<D:privilege><D:write/></D:privilege><D:privilege><D:write-content/></D:privilege>"
        "<D:privilege><D:bind/></D:privilege><D:privilege><D:unbind/></D:privilege>";
  p.add(dav::kDavNs, "current-user-privilege-set", privileges);
  p.add(dav::kDavNs, "getcontenttype", "text/calendar; charset=utf-8");
  return p;
}

// CALDAV:expand asked for in a report's calendar-data (RFC 4791 9.6.5).
using Expand = std::optional<std::pair<std::int64_t, std::int64_t>>;

Result<Expand> expand_of(const dav::XmlElement& body) {
  const auto* prop = body.child(dav::kDavNs, "prop");
  const auto* data = prop ? prop->child(dav::kCalDavNs, "calendar-data") : nullptr;
  const auto* e = data ? data->child(dav::kCalDavNs, "expand") : nullptr;
  if (!e) return Expand{};
  std::optional<std::int64_t> start, end;
  for (const auto& [name, value] : e->attrs) {
    if (name == "start") start = dav::parse_ical_utc(value);
    if (name == "end") end = dav::parse_ical_utc(value);
  }
  if (!start || !end || *end <= *start)
    return fail(Errc::forbidden, "expand takes a UTC start and end, in order", "valid-filter");
  return Expand(std::make_pair(*start, *end));
}

Props object_props(const Object& o, bool with_data, const Expand& expand = std::nullopt) {
  Props p;
  p.add(dav::kDavNs, "resourcetype", "");
  p.add(dav::kDavNs, "getetag", dav::xml_escape(etag_of(o)));
  p.add(dav::kDavNs, "getcontenttype",
        "text/calendar; charset=utf-8; component=" + std::string(dav::component_name(o.info.kind)));
  p.add(dav::kDavNs, "getcontentlength", std::to_string(o.size));
  std::string date;
  dav::append_http_date(date, o.updated_at_ms);
  p.add(dav::kDavNs, "getlastmodified", date);
  if (with_data)
    p.add(
        dav::kCalDavNs, "calendar-data",
        dav::xml_escape(expand ? dav::expand_object(o.ics, expand->first, expand->second) : o.ics),
        true);
  return p;
}

bool wants_data(const dav::PropfindRequest& pf) {
  return std::any_of(pf.props.begin(), pf.props.end(), [](const dav::PropName& p) {
    return p.ns == dav::kCalDavNs && p.name == "calendar-data";
  });
}

// The <D:prop> (or allprop, propname) of a REPORT body, as a PROPFIND's.
dav::PropfindRequest report_props(const dav::XmlElement& body) {
  dav::PropfindRequest pf;
  if (body.child(dav::kDavNs, "propname")) {
    pf.kind = dav::PropfindRequest::propname;
  } else if (const auto* prop = body.child(dav::kDavNs, "prop")) {
    pf.kind = dav::PropfindRequest::prop;
    for (const auto& c : prop->children) pf.props.push_back({c.ns, c.name});
  }
  return pf;
}

// Whether `ms` is full: past kMaxAnswerBytes, it takes no more objects.
bool full(const dav::Multistatus& ms) {
  return ms.size() > kMaxAnswerBytes;
}

// Calls `add` with each of `cal`'s objects (Service::each_object's) for
// `ms`, until it is full; then the walk stops, and `ms` ends with a 507
// response for the collection, `href`.
Result<void> respond_each(Service& svc, const Calendar& cal,
                          std::optional<std::pair<std::int64_t, std::int64_t>> range,
                          bool with_text, dav::Multistatus& ms, const std::string& href,
                          FunctionRef<void(Object&)> add) {
  bool cut = false;
  auto walked = svc.each_object(cal, range, with_text, [&](Object& o) -> Result<void> {
    if (full(ms)) {
      cut = true;
      return fail(Errc::insufficient_storage, "the answer is full");
    }
    add(o);
    return {};
  });
  if (!walked && !cut) return tl::unexpected(walked.error());
  if (cut) ms.status(href, 507);
  return {};
}

// --- handlers --------------------------------------------------------------------------------

Result<dav::Depth> depth_of(const http::Request& req, dav::Depth fallback) {
  auto depth = dav::parse_depth(req.headers.get("Depth"), fallback);
  if (!depth) return fail(Errc::invalid, "bad Depth header", "bad_depth");
  if (*depth == dav::Depth::infinity)
    return fail(Errc::forbidden, "Depth: infinity is not served", "propfind-finite-depth");
  return *depth;
}

Result<http::Response> propfind_root(Service& cal, const http::Request& req, const Caller& caller) {
  RUCHE_TRY(auto depth, depth_of(req, dav::Depth::zero));
  RUCHE_TRY(auto pf, dav::parse_propfind(req.body));
  dav::Multistatus ms(kXmlns);
  respond(ms, kCalendars, root_props(caller), pf);
  if (depth == dav::Depth::one) respond(ms, home_href(caller), home_props(caller), pf);
  (void)cal;
  return http::xml_response(207, ms.finish());
}

Result<http::Response> propfind_principal(const http::Request& req, const Caller& caller) {
  std::string_view tail = req.param("path");
  while (!tail.empty() && tail.back() == '/') tail.remove_suffix(1);
  if (tail != caller.user_id.str()) return fail(Errc::not_found, "no such principal");
  RUCHE_TRY([[maybe_unused]] auto depth, depth_of(req, dav::Depth::zero));
  RUCHE_TRY(auto pf, dav::parse_propfind(req.body));
  dav::Multistatus ms(kXmlns);
  respond(ms, principal_href(caller), principal_props(caller), pf);
  return http::xml_response(207, ms.finish());
}

Result<http::Response> propfind(Service& svc, const http::Request& req, const Caller& caller,
                                const Target& t) {
  RUCHE_TRY(auto depth, depth_of(req, dav::Depth::zero));
  RUCHE_TRY(auto pf, dav::parse_propfind(req.body));
  dav::Multistatus ms(kXmlns);
  if (t.kind == Target::home) {
    respond(ms, home_href(caller), home_props(caller), pf);
    if (depth == dav::Depth::one) {
      RUCHE_TRY(auto cals, svc.calendars(caller));
      for (const auto& c : cals)
        respond(ms, calendar_href(caller, c), calendar_props(caller, c), pf);
    }
    return http::xml_response(207, ms.finish());
  }
  // The CTag only for the collection's own properties.
  RUCHE_TRY(Calendar cal, svc.calendar(caller, t.segment, t.kind == Target::calendar));
  const std::string href = calendar_href(caller, cal);
  const bool data = wants_data(pf);
  if (t.kind == Target::object) {
    RUCHE_TRY(auto o, svc.object_named(cal, t.name));
    if (!o) return fail(Errc::not_found, "no such object");
    respond(ms, object_href(href, o->name), object_props(*o, data), pf);
    return http::xml_response(207, ms.finish());
  }
  respond(ms, href, calendar_props(caller, cal), pf);
  if (depth == dav::Depth::zero) return http::xml_response(207, ms.finish());
  // Every object, however many (a 507 would name the collection a second
  // time, which RFC 4918 forbids): past 16 MiB the answer goes to a file.
  ms.spool_past_memory(svc.platform().config.data_folder(), kMaxAnswerBytes);
  RUCHE_CHECK(svc.each_object(cal, std::nullopt, data, [&](Object& o) -> Result<void> {
    respond(ms, object_href(href, o.name), object_props(o, data), pf);
    ms.spill();
    return {};
  }));
  return ms.answer();
}

// The object name an href names in `cal_href`, or nullopt.
std::optional<std::string> name_in(std::string_view href, const std::string& cal_href) {
  if (auto scheme = href.find("://"); scheme != std::string_view::npos) {
    auto slash = href.find('/', scheme + 3);
    if (slash == std::string_view::npos) return std::nullopt;
    href.remove_prefix(slash);
  }
  if (href.size() <= cal_href.size() || href.substr(0, cal_href.size()) != cal_href)
    return std::nullopt;
  auto d = http::percent_decode(href.substr(cal_href.size()));
  if (!d || !valid_name(*d)) return std::nullopt;
  return *d;
}

Result<http::Response> report(Service& svc, const http::Request& req, const Caller& caller,
                              const Target& t) {
  RUCHE_TRY(auto body, dav::parse_xml(req.body));
  if (t.kind != Target::calendar)
    return fail(Errc::forbidden, "reports are run on a calendar", "supported-report");
  RUCHE_TRY(Calendar cal, svc.calendar(caller, t.segment, false));
  const std::string href = calendar_href(caller, cal);
  const dav::PropfindRequest pf = report_props(body);
  const bool data = wants_data(pf);
  RUCHE_TRY(const Expand expand, expand_of(body));
  dav::Multistatus ms(kXmlns);

  if (body.is(dav::kCalDavNs, "calendar-multiget")) {
    std::vector<std::string> names;
    std::vector<std::string> unknown;  // hrefs that name nothing here
    for (const auto& c : body.children) {
      if (!c.is(dav::kDavNs, "href")) continue;
      if (names.size() + unknown.size() >= 10'000)
        return fail(Errc::invalid, "at most 10,000 hrefs", "too_many_hrefs");
      if (auto n = name_in(trim_blanks(c.text), href))
        names.push_back(std::move(*n));
      else
        unknown.emplace_back(trim_blanks(c.text));
    }
    // Read kObjectsAtOnce at a time, until the answer is full: then the
    // collection answers 507, and the client asks again for the rest.
    for (std::size_t at = 0; at < names.size(); at += kObjectsAtOnce) {
      const std::vector<std::string> part(
          names.begin() + static_cast<std::ptrdiff_t>(at),
          names.begin() + static_cast<std::ptrdiff_t>(std::min(names.size(), at + kObjectsAtOnce)));
      RUCHE_TRY(auto found, svc.objects_named(cal, part));
      for (const auto& n : part) {
        if (full(ms)) {
          ms.status(href, 507);
          return http::xml_response(207, ms.finish());
        }
        auto it =
            std::find_if(found.begin(), found.end(), [&](const Object& o) { return o.name == n; });
        if (it == found.end())
          ms.status(object_href(href, n), 404);
        else
          respond(ms, object_href(href, n), object_props(*it, data, expand), pf);
      }
    }
    for (const auto& u : unknown) ms.status(u, 404);
    return http::xml_response(207, ms.finish());
  }

  if (body.is(dav::kCalDavNs, "calendar-query")) {
    const auto* filter = body.child(dav::kCalDavNs, "filter");
    if (!filter) return fail(Errc::invalid, "calendar-query needs a filter", "valid-filter");
    RUCHE_TRY(dav::CompFilter f, dav::parse_filter(*filter));
    // The index narrows a time range on the object's kind; each object
    // found is then checked against the whole filter.
    std::optional<std::pair<std::int64_t, std::int64_t>> range;
    std::optional<std::string> kind;
    if (f.comps.size() == 1 && !f.comps[0].is_not_defined) {
      kind = f.comps[0].name;
      if (f.comps[0].time_range)
        range = std::make_pair(f.comps[0].time_range->start_ms, f.comps[0].time_range->end_ms);
    }
    RUCHE_CHECK(respond_each(svc, cal, range, true, ms, href, [&](Object& o) {
      if (kind && *kind != dav::component_name(o.info.kind)) return;
      if (!dav::matches(o.ics, f)) return;
      respond(ms, object_href(href, o.name), object_props(o, data, expand), pf);
    }));
    return http::xml_response(207, ms.finish());
  }

  if (body.is(dav::kDavNs, "sync-collection")) {
    const auto* token = body.child(dav::kDavNs, "sync-token");
    std::int64_t since = 0;
    const std::string_view text = token ? trim_blanks(token->text) : std::string_view{};
    if (!text.empty()) {
      if (text.substr(0, kSyncPrefix.size()) != kSyncPrefix)
        return fail(Errc::forbidden, "not a sync token of this calendar", "valid-sync-token");
      auto digits = text.substr(kSyncPrefix.size());
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), since);
      if (ec != std::errc() || end != digits.data() + digits.size())
        return fail(Errc::forbidden, "not a sync token of this calendar", "valid-sync-token");
    }
    if (const auto* level = body.child(dav::kDavNs, "sync-level");
        level && trim_blanks(level->text) != "1")
      return fail(Errc::forbidden, "sync-level is 1 here", "supported-report");
    auto changes = svc.changes(cal, since, static_cast<int>(kMaxObjects) * 2);
    if (!changes) {
      if (changes.error().code == Errc::invalid)
        return fail(Errc::forbidden, changes.error().message, "valid-sync-token");
      return tl::unexpected(changes.error());
    }
    auto& [list, now] = *changes;
    // The changes in their order, objects as they are now (one changed
    // after the list was read is reported as it is, and the next sync sees
    // it again), until the answer is full: then the token is the last
    // change's included, and the collection answers 507. So is it when
    // more changes than one list holds are waiting.
    const bool more = list.size() >= static_cast<std::size_t>(kMaxObjects) * 2;
    std::int64_t upto = more ? list.back().seq : now;
    bool cut = false;
    for (std::size_t at = 0; at < list.size() && !cut; at += kObjectsAtOnce) {
      const std::size_t end = std::min(list.size(), at + kObjectsAtOnce);
      std::vector<std::string> names;
      for (std::size_t i = at; i < end; ++i)
        if (!list[i].deleted) names.push_back(list[i].name);
      RUCHE_TRY(auto some, svc.objects_named(cal, names));
      std::unordered_map<std::string, const Object*> by_name;
      for (const auto& o : some) by_name.emplace(o.name, &o);
      for (std::size_t i = at; i < end; ++i) {
        if (full(ms)) {
          cut = true;
          upto = list[i - 1].seq;  // the answer holds at least one change
          break;
        }
        const store::Change& ch = list[i];
        // An initial sync lists what exists; tombstones matter after a token.
        if (ch.deleted) {
          if (since > 0) ms.status(object_href(href, ch.name), 404);
        } else if (auto it = by_name.find(ch.name); it != by_name.end()) {
          respond(ms, object_href(href, ch.name), object_props(*it->second, data), pf);
        }
      }
    }
    if (more || cut) ms.status(href, 507);
    ms.buffer() += "<D:sync-token>" + sync_token(upto) + "</D:sync-token>";
    return http::xml_response(207, ms.finish());
  }
  return fail(Errc::forbidden, "this report is not supported", "supported-report");
}

Result<http::Response> get(Service& svc, const http::Request& req, const Caller& caller,
                           const Target& t) {
  if (t.kind == Target::home) return fail(Errc::not_found, "a calendar home has no content");
  RUCHE_TRY(Calendar cal, svc.calendar(caller, t.segment, t.kind == Target::calendar));
  http::Response r;
  r.headers.set("Content-Type", "text/calendar; charset=utf-8");
  if (t.kind == Target::calendar) {
    // The whole calendar as one file, as calendar servers give it.
    std::vector<std::string> all;
    std::size_t bytes = 0;
    RUCHE_CHECK(svc.each_object(cal, std::nullopt, true, [&](Object& o) -> Result<void> {
      bytes += o.ics.size();
      if (bytes > kMaxAnswerBytes)
        return fail(Errc::insufficient_storage,
                    "this calendar is too large to be given as one file: sync it (CalDAV)",
                    "calendar_too_large");
      all.push_back(std::move(o.ics));
      return {};
    }));
    r.body = dav::merge_objects(all, "-//Ruche//Calendar//EN");
    r.headers.set("ETag", "\"c" + std::to_string(cal.seq) + "\"");
    return r;
  }
  RUCHE_TRY(auto o, svc.object_named(cal, t.name));
  if (!o) return fail(Errc::not_found, "no such object");
  const std::string etag = etag_of(*o);
  r.headers.set("ETag", etag);
  std::string date;
  dav::append_http_date(date, o->updated_at_ms);
  r.headers.set("Last-Modified", date);
  if (auto inm = req.headers.get("If-None-Match"); inm && dav::etag_listed(*inm, etag, true)) {
    r.status = 304;
    return r;
  }
  r.body = std::move(o->ics);
  return r;
}

Result<http::Response> put(Service& svc, http::Request& req, const Caller& caller,
                           const Target& t) {
  if (t.kind != Target::object)
    return fail(Errc::method_not_allowed, "PUT stores a calendar object in a calendar");
  std::optional<std::string> if_match;
  if (auto h = req.headers.get("If-Match")) if_match = std::string(*h);
  bool none_match_any = false;
  if (auto h = req.headers.get("If-None-Match")) {
    if (trim_blanks(*h) != "*")
      return fail(Errc::invalid, "If-None-Match takes * here", "bad_precondition");
    none_match_any = true;
  }
  RUCHE_TRY(auto put,
            svc.put(caller, t.segment, t.name, std::move(req.body), if_match, none_match_any));
  http::Response r;
  r.status = put.created ? 201 : 204;
  // Stored as sent: the client's copy is this version. Otherwise no ETag
  // (RFC 4791 5.3.4): the client reads the object as it is now.
  if (put.as_sent) r.headers.set("ETag", etag_of(put.object));
  return r;
}

Result<http::Response> remove(Service& svc, const http::Request& req, const Caller& caller,
                              const Target& t) {
  if (t.kind != Target::object)
    return fail(Errc::forbidden, "calendars come and go with their workspace",
                "calendar-collection-location-ok");
  std::optional<std::string> if_match;
  if (auto h = req.headers.get("If-Match")) if_match = std::string(*h);
  RUCHE_CHECK(svc.remove_named(caller, t.segment, t.name, if_match));
  return http::no_content();
}

Result<http::Response> proppatch(Service& svc, const http::Request& req, const Caller& caller,
                                 const Target& t) {
  RUCHE_TRY(auto ops, dav::parse_proppatch(req.body));
  const std::string href = t.kind == Target::home ? home_href(caller) : [&]() -> std::string {
    auto cal = svc.calendar(caller, t.segment, false);
    return cal ? calendar_href(caller, *cal) : std::string();
  }();
  if (href.empty()) return fail(Errc::not_found, "no such calendar");
  // Names and colours come from the workspace: nothing here is changed.
  std::string props;
  for (const auto& op : ops) props += el(op.prop.ns, op.prop.name, "");
  dav::Multistatus ms(kXmlns);
  ms.response(href, {{403, props}});
  return http::xml_response(207, ms.finish());
}

using Handler = Result<http::Response> (*)(Service&, http::Request&, const Caller&, const Target&);

void add(Api& api, Service& svc, std::string_view method, std::size_t max_body, Handler fn) {
  ApiOptions o;
  o.basic_auth = true;
  o.http.max_body_bytes = max_body;
  api.add_user(
      method, "/dav/calendars/{*path}",
      [&svc, fn](http::Request& req, const Caller& caller) -> Result<http::Response> {
        auto t = target_of(req.param("path"), caller);
        Result<http::Response> r = t ? fn(svc, req, caller, *t) : tl::unexpected(t.error());
        http::Response out = r ? std::move(*r) : dav_error(r.error(), req.path);
        out.headers.set("Cache-Control", "no-cache");
        return out;
      },
      o);
}

}  // namespace

void register_dav_routes(Api& api, Service& svc) {
  // Discovery (RFC 6764): any method on the well-known name is sent on.
  for (std::string_view method : {"GET", "PROPFIND", "OPTIONS"})
    api.add_public(method, "/.well-known/caldav", [](http::Request&) -> Result<http::Response> {
      http::Response r;
      r.status = 301;
      r.headers.set("Location", std::string(kCalendars));
      return r;
    });
  for (std::string_view path : {"/dav/calendars", "/dav/calendars/", "/dav/principals/{*path}"}) {
    api.add_public("OPTIONS", path, [](http::Request&) -> Result<http::Response> {
      http::Response r;
      set_dav_headers(r);
      return r;
    });
  }
  ApiOptions o;
  o.basic_auth = true;
  o.http.max_body_bytes = dav::kMaxXmlBytes;
  for (std::string_view path : {"/dav/calendars", "/dav/calendars/"})
    api.add_user(
        "PROPFIND", path,
        [&svc](http::Request& req, const Caller& caller) -> Result<http::Response> {
          auto r = propfind_root(svc, req, caller);
          return r ? std::move(*r) : dav_error(r.error());
        },
        o);
  api.add_user(
      "PROPFIND", "/dav/principals/{*path}",
      [](http::Request& req, const Caller& caller) -> Result<http::Response> {
        auto r = propfind_principal(req, caller);
        return r ? std::move(*r) : dav_error(r.error());
      },
      o);

  add(api, svc, "GET", dav::kMaxXmlBytes,
      [](Service& s, http::Request& req, const Caller& c, const Target& t) {
        return get(s, req, c, t);
      });
  add(api, svc, "OPTIONS", dav::kMaxXmlBytes,
      [](Service&, http::Request&, const Caller&, const Target&) -> Result<http::Response> {
        http::Response r;
        set_dav_headers(r);
        return r;
      });
  add(api, svc, "PROPFIND", dav::kMaxXmlBytes,
      [](Service& s, http::Request& req, const Caller& c, const Target& t) {
        return propfind(s, req, c, t);
      });
  add(api, svc, "REPORT", dav::kMaxXmlBytes,
      [](Service& s, http::Request& req, const Caller& c, const Target& t) {
        return report(s, req, c, t);
      });
  add(api, svc, "PROPPATCH", dav::kMaxXmlBytes,
      [](Service& s, http::Request& req, const Caller& c, const Target& t) {
        return proppatch(s, req, c, t);
      });
  add(api, svc, "PUT", dav::kMaxObjectBytes, put);
  add(api, svc, "DELETE", dav::kMaxXmlBytes,
      [](Service& s, http::Request& req, const Caller& c, const Target& t) {
        return remove(s, req, c, t);
      });
  for (std::string_view method : {"MKCALENDAR", "MKCOL"})
    add(api, svc, method, dav::kMaxXmlBytes,
        [](Service&, http::Request&, const Caller&, const Target&) -> Result<http::Response> {
          return fail(Errc::forbidden, "calendars come with workspaces",
                      "calendar-collection-location-ok");
        });
}

}  // namespace ruche::calendar
