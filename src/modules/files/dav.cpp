// WebDAV (RFC 4918, classes 1 and 2) at /dav/files/{workspace_id}/: paths and
// headers in, Service calls, multistatus out.
#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <unordered_set>

#include "dav/dav.hpp"
#include "modules/files/routes.hpp"
#include "platform/request_checks.hpp"

namespace ruche::files {

using platform::Access;
using platform::Api;
using platform::ApiOptions;
using platform::Caller;
using platform::WorkspaceAccess;

namespace {

constexpr std::string_view kPrefix = "/dav/files/";

struct Target {
  WorkspaceId ws;
  std::string base;  // "/dav/files/<ws>"
  std::string path;  // decoded "/a/b", "/" for the root
  // Why the caller may not write here (read-only right, archived
  // workspace), for methods whose route asks only for read.
  std::optional<Error> write_denied;
};

// Decodes the still-encoded tail of a DAV URL into a normalized path.
// Every segment is decoded on its own: an encoded '/' never splits a name.

Result<std::string> decode_tail(std::string_view tail) {
  std::string out;
  while (!tail.empty()) {
    auto slash = tail.find('/');
    std::string_view seg = tail.substr(0, slash);
    tail = slash == std::string_view::npos ? std::string_view{} : tail.substr(slash + 1);
    if (seg.empty()) {
      if (tail.empty()) break;  // a trailing slash
      return fail(Errc::invalid, "empty path segment", "bad_path");
    }
    auto d = http::percent_decode(seg);
    if (!d) return fail(Errc::invalid, "malformed escape in the path", "bad_path");
    RUCHE_TRY(std::string name, normalize_name(*d));
    out += "/" + name;
  }
  return out.empty() ? std::string("/") : out;
}

Result<Target> target_of(const http::Request& req) {
  Target t;
  t.ws = WorkspaceId(std::string(req.param("workspace_id")));
  t.base = std::string(kPrefix) + t.ws.str();
  RUCHE_TRY(t.path, decode_tail(req.param("path")));
  return t;
}

void append_href(std::string& out, const Target& t, const std::string& path, bool folder) {
  out += t.base;
  if (path == "/") {
    out += '/';
    return;
  }
  dav::append_encoded_path(out, path);
  if (folder) out += '/';
}

std::string href(const Target& t, const std::string& path, bool folder) {
  std::string out;
  append_href(out, t, path, folder);
  return out;
}

// The path inside this workspace that an absolute URI or path names, or an
// error: forbidden outside the workspace's tree (another workspace, another
// host, another space), invalid when malformed.
// A URL naming this server: its host is the request's Host, or its origin
// the public URL's (behind a proxy that passes another Host, a client names
// the server as it knows it, https://ruche.example.org/...).
Result<std::string> path_of_url(const Target& t, const http::Request& req,
                                std::string_view public_url, std::string_view url) {
  std::string_view rest = url;
  auto scheme = rest.find("://");
  if (scheme != std::string_view::npos) {
    std::string_view authority = rest.substr(scheme + 3);
    auto slash = authority.find('/');
    std::string_view host = authority.substr(0, slash);
    auto req_host = req.headers.get("Host");
    const std::string_view origin = url.substr(0, scheme + 3 + host.size());
    if (!(req_host && http::iequals(host, *req_host)) &&
        !(!public_url.empty() && http::iequals(origin, platform::origin_of(public_url))))
      return fail(Errc::forbidden, "the destination is on another server", "foreign_destination");
    rest = slash == std::string_view::npos ? std::string_view("/") : authority.substr(slash);
  }
  if (auto q = rest.find_first_of("?#"); q != std::string_view::npos) rest = rest.substr(0, q);
  if (rest.size() < t.base.size() || rest.substr(0, t.base.size()) != t.base ||
      (rest.size() > t.base.size() && rest[t.base.size()] != '/'))
    return fail(Errc::forbidden, "the destination is outside this workspace", "foreign_destination");
  std::string_view tail = rest.substr(t.base.size());
  while (!tail.empty() && tail.front() == '/') tail.remove_prefix(1);
  for (std::string_view s = tail; !s.empty();) {
    auto slash = s.find('/');
    std::string_view seg = s.substr(0, slash);
    auto d = http::percent_decode(seg);
    if (!d || *d == "." || *d == ".." || d->find('\0') != std::string::npos)
      return fail(Errc::invalid, "malformed destination path", "bad_path");
    s = slash == std::string_view::npos ? std::string_view{} : s.substr(slash + 1);
  }
  return decode_tail(tail);
}

// Evaluates the If header (412 when it fails); returns the tokens proved.
Result<WriteCtx> write_ctx(Service& files, const Caller& caller, const Target& t, const http::Request& req) {
  WriteCtx ctx{caller.user_id.str(), {}, caller.remote_addr, caller.request_id};
  auto h = req.headers.get("If");
  if (!h) return ctx;
  RUCHE_TRY(auto lists, dav::parse_if(*h));
  std::optional<Error> err;
  auto state = [&](const std::string& tag) -> dav::ResourceState {
    std::string path = t.path;
    if (!tag.empty()) {
      auto p = path_of_url(t, req, files.platform().config.public_url, tag);
      if (!p) return {};
      path = *p;
    }
    auto s = files.state(t.ws, path);
    if (!s) {
      if (!err) err = s.error();
      return {};
    }
    return *s;
  };
  bool ok = dav::evaluate_if(lists, state, ctx.tokens);
  if (err && err->code != Errc::invalid) return tl::unexpected(*err);
  if (!ok) return fail(Errc::precondition_failed, "the If header does not hold", "precondition_failed");
  return ctx;
}

http::Response dav_error(int status, std::string_view condition) {
  return http::xml_response(status, dav::error_xml(condition));
}

std::string prop_open(const std::string& ns, const std::string& name, int& counter, std::string& close) {
  if (ns == dav::kDavNs) {
    close = "</D:" + name + ">";
    return "<D:" + name;
  }
  if (ns.empty()) {
    close = "</" + name + ">";
    return "<" + name + " xmlns=\"\"";
  }
  std::string p = "R" + std::to_string(counter++);
  close = "</" + p + ":" + name + ">";
  return "<" + p + ":" + name + " xmlns:" + p + "=\"" + dav::xml_escape(ns) + "\"";
}

std::string empty_prop(const std::string& ns, const std::string& name, int& counter) {
  std::string close;
  return prop_open(ns, name, counter, close) + "/>";
}

void append_prop(std::string& out, const std::string& ns, const std::string& name, std::string_view value,
                 int& counter) {
  std::string close;
  out += prop_open(ns, name, counter, close);
  if (value.empty()) {
    out += "/>";
  } else {
    out += '>';
    out += value;
    out += close;
  }
}

// The live properties, in the order allprop lists them.
enum class Live { resourcetype, getcontentlength, getcontenttype, getetag, getlastmodified, creationdate,
                  displayname, supportedlock, lockdiscovery };
constexpr std::pair<std::string_view, Live> kLive[] = {
    {"resourcetype", Live::resourcetype},       {"getcontentlength", Live::getcontentlength},
    {"getcontenttype", Live::getcontenttype},   {"getetag", Live::getetag},
    {"getlastmodified", Live::getlastmodified}, {"creationdate", Live::creationdate},
    {"displayname", Live::displayname},         {"supportedlock", Live::supportedlock},
    {"lockdiscovery", Live::lockdiscovery}};

// RFC 4331: the bytes counted against the workspace's quota (every version
// kept, the trash included) and what is left of it — none without a quota.
struct QuotaProps {
  std::int64_t used = 0;
  std::optional<std::int64_t> available;
};

QuotaProps quota_props(const Usage& u) {
  QuotaProps q;
  q.used = u.used_bytes;
  if (u.quota_bytes) q.available = std::max<std::int64_t>(0, *u.quota_bytes - u.used_bytes);
  return q;
}

// Whether a PROPFIND names a quota property (they are never in allprop:
// RFC 4331 keeps them out, they cost a read) or asks for property names.
bool asks_quota(const dav::PropfindRequest& pf) {
  if (pf.kind == dav::PropfindRequest::propname) return true;
  return std::any_of(pf.props.begin(), pf.props.end(), [](const dav::PropName& p) {
    return p.ns == dav::kDavNs && (p.name == "quota-used-bytes" || p.name == "quota-available-bytes");
  });
}

// The workspace's quota properties when the PROPFIND asks for them.
Result<std::optional<QuotaProps>> quota_if_asked(Service& files, const WorkspaceId& ws,
                                                 const dav::PropfindRequest& pf) {
  if (!asks_quota(pf)) return std::optional<QuotaProps>{};
  RUCHE_TRY(Usage u, files.usage(ws));
  return std::optional<QuotaProps>(quota_props(u));
}

// Appends the quota property `p` names, on a collection; false when it has none.
bool append_quota(std::string& out, const dav::PropName& p, const QuotaProps* q) {
  if (q == nullptr || p.ns != dav::kDavNs) return false;
  std::optional<std::int64_t> v;
  if (p.name == "quota-used-bytes") v = q->used;
  else if (p.name == "quota-available-bytes") v = q->available;
  if (!v) return false;
  out += "<D:" + p.name + ">" + std::to_string(*v) + "</D:" + p.name + ">";
  return true;
}

// What every <D:response> of one PROPFIND shares.
struct Listing {
  const Target& t;
  const dav::PropfindRequest& pf;
  const std::vector<dav::Lock>& locks;
  std::int64_t now = 0;
  const QuotaProps* quota = nullptr;  // asked for (asks_quota), else null
  // The caller's favorites when oc:favorite is asked for by name, else null.
  const std::unordered_set<std::string>* favorites = nullptr;
  std::string_view root_name;         // the root's displayname when listed from above
};

bool has_live(Live p, const Node& n, const Listing& l) {
  if (n.folder && (p == Live::getcontentlength || p == Live::getcontenttype)) return false;
  if (n.is_root() && p == Live::displayname) return !l.root_name.empty();
  return true;
}

// Appends <D:name>value</D:name>.
void append_live(std::string& out, Live p, std::string_view name, const Node& n, const Listing& l) {
  const Target& t = l.t;
  out += "<D:";
  out += name;
  out += '>';
  switch (p) {
    case Live::resourcetype: if (n.folder) out += "<D:collection/>"; break;
    case Live::getcontentlength: out += std::to_string(n.size_bytes); break;
    case Live::getcontenttype:
      dav::append_escaped(out, safe_to_serve(n.content_type) && !n.content_type.empty() ? n.content_type
                                                                                       : "application/octet-stream");
      break;
    case Live::getetag: dav::append_escaped(out, n.etag); break;
    case Live::getlastmodified: dav::append_http_date(out, n.mtime_ms); break;
    case Live::creationdate: dav::append_iso8601(out, n.created_at_ms ? n.created_at_ms : n.mtime_ms); break;
    case Live::displayname: dav::append_escaped(out, n.is_root() ? l.root_name : std::string_view(n.name)); break;
    case Live::supportedlock: out += dav::supportedlock_xml(); break;
    case Live::lockdiscovery:
      for (const auto& lock : l.locks)
        if (dav::covers(lock, n.path)) out += dav::activelock_xml(lock, href(t, lock.root, false), l.now);
      break;
  }
  out += "</D:";
  out += name;
  out += '>';
}

std::optional<Live> live_of(const dav::PropName& p) {
  if (p.ns != dav::kDavNs) return std::nullopt;
  for (const auto& [name, live] : kLive)
    if (name == p.name) return live;
  return std::nullopt;
}

// Ends a <D:response> whose 200 propstat is open: `missing` holds the empty
// elements of the properties asked for and not found.
void close_response(std::string& out, const std::string& missing) {
  out += "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>";
  if (!missing.empty()) {
    out += "<D:propstat><D:prop>";
    out += missing;
    out += "</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>";
  }
  out += "</D:response>\n";
}

void describe(dav::Multistatus& ms, const Listing& l, const Node& n, const std::vector<store::Prop>& dead) {
  const dav::PropfindRequest& pf = l.pf;
  const QuotaProps* quota = n.folder ? l.quota : nullptr;
  std::string& out = ms.buffer();
  int counter = 0;
  out += "<D:response><D:href>";
  append_href(out, l.t, n.path, n.folder);
  out += "</D:href><D:propstat><D:prop>";
  std::string missing;
  if (pf.kind == dav::PropfindRequest::propname) {
    for (const auto& [name, live] : kLive)
      if (has_live(live, n, l)) {
        out += "<D:";
        out += name;
        out += "/>";
      }
    if (quota) out += quota->available ? "<D:quota-used-bytes/><D:quota-available-bytes/>" : "<D:quota-used-bytes/>";
    for (const auto& p : dead) out += empty_prop(p.ns, p.name, counter);
  } else if (pf.kind == dav::PropfindRequest::allprop) {
    for (const auto& [name, live] : kLive)
      if (has_live(live, n, l)) append_live(out, live, name, n, l);
    for (const auto& p : dead) append_prop(out, p.ns, p.name, p.value, counter);
  } else {
    for (const auto& want : pf.props) {
      if (auto live = live_of(want); live && has_live(*live, n, l)) {
        append_live(out, *live, want.name, n, l);
        continue;
      }
      if (append_quota(out, want, quota)) continue;
      if (l.favorites && dav::is_favorite_prop(want)) {
        append_prop(out, want.ns, want.name, l.favorites->contains(n.id.str()) ? "1" : "0", counter);
        continue;
      }
      auto it = std::find_if(dead.begin(), dead.end(),
                             [&](const auto& p) { return p.ns == want.ns && p.name == want.name; });
      if (it != dead.end()) append_prop(out, want.ns, want.name, it->value, counter);
      else missing += empty_prop(want.ns, want.name, counter);
    }
  }
  close_response(out, missing);
}

// The caller's favorites in the workspace when the PROPFIND names
// oc:favorite (never in allprop, like Nextcloud), else nullopt.
Result<std::optional<std::unordered_set<std::string>>> favorites_if_asked(Service& files, const Caller& caller,
                                                                         const WorkspaceId& ws,
                                                                         const dav::PropfindRequest& pf) {
  using Ids = std::unordered_set<std::string>;
  if (pf.kind != dav::PropfindRequest::prop ||
      std::none_of(pf.props.begin(), pf.props.end(), [](const auto& p) { return dav::is_favorite_prop(p); }))
    return std::optional<Ids>{};
  RUCHE_TRY(Ids ids, files.favorite_ids(caller, ws));
  return std::optional<Ids>(std::move(ids));
}

http::Response propfind(Service& files, http::Request& req, const Caller& caller, const Target& t) {
  auto depth = dav::parse_depth(req.headers.get("Depth"), dav::Depth::one);
  if (!depth) return http::error_response(Errc::invalid, "bad Depth header", "bad_depth");
  if (*depth == dav::Depth::infinity) return dav_error(403, "propfind-finite-depth");
  auto pf = dav::parse_propfind(req.body);
  if (!pf) return http::error_response(pf.error());
  auto node = files.lookup(t.ws, t.path);
  if (!node) return http::error_response(node.error());
  if (!*node) return http::error_response(Errc::not_found, "no such file");
  auto locks = files.locks(
      t.ws, t.path, *depth == dav::Depth::zero ? store::Beneath::none : store::Beneath::children);
  if (!locks) return http::error_response(locks.error());
  std::int64_t now = files.platform().clock.now_ms();
  bool need_dead = pf->kind != dav::PropfindRequest::prop ||
                   std::any_of(pf->props.begin(), pf->props.end(), [](const auto& p) { return p.ns != dav::kDavNs; });
  dav::Multistatus ms;
  auto dead_of = [&](const Node& n) -> Result<std::vector<store::Prop>> {
    if (!need_dead) return std::vector<store::Prop>{};
    return files.props(n);
  };
  auto own = dead_of(**node);
  if (!own) return http::error_response(own.error());
  auto quota = quota_if_asked(files, t.ws, *pf);
  if (!quota) return http::error_response(quota.error());
  auto favorites = favorites_if_asked(files, caller, t.ws, *pf);
  if (!favorites) return http::error_response(favorites.error());
  const Listing listing{t, *pf, *locks, now, *quota ? &**quota : nullptr, *favorites ? &**favorites : nullptr, {}};
  describe(ms, listing, **node, *own);
  if (*depth == dav::Depth::zero || !(*node)->folder) return http::xml_response(207, ms.finish());

  store::ListQuery q;
  q.limit = std::numeric_limits<int>::max();  // every entry (kPropfindMemoryBytes)
  q.ordered = false;  // a multistatus has no order: no sort of the whole folder
  std::map<std::string, std::vector<store::Prop>> dead;
  if (need_dead) {
    auto all = files.child_props(t.ws, **node);
    if (!all) return http::error_response(all.error());
    dead = std::move(*all);
  }
  static const std::vector<store::Prop> none;
  ms.spool_past_memory(files.platform().config.data_folder(), kPropfindMemoryBytes);
  auto listed = files.each_child(
      t.ws, **node, q,
      [&](std::int64_t total) {
        ms.buffer().reserve(
            std::min<std::size_t>(ms.size() + static_cast<std::size_t>(total) * 1100, 2 << 20));
      },
      [&](Node& k) {
        auto it = dead.empty() ? dead.end() : dead.find(k.id.str());
        describe(ms, listing, k, it == dead.end() ? none : it->second);
        ms.spill();
      });
  if (!listed) return http::error_response(listed.error());
  auto answer = ms.answer();
  return answer ? std::move(*answer) : http::error_response(answer.error());
}

http::Response proppatch(Service& files, http::Request& req, const Caller& caller, const Target& t) {
  auto ctx = write_ctx(files, caller, t, req);
  if (!ctx) return http::error_response(ctx.error());
  auto ops = dav::parse_proppatch(req.body);
  if (!ops) return http::error_response(ops.error());
  // Starring is the person's own (the REST route asks for the read right
  // too); any other property changes the resource for everyone.
  const bool only_favorites =
      std::all_of(ops->begin(), ops->end(), [](const auto& op) { return dav::is_favorite_prop(op.prop); });
  if (!only_favorites && t.write_denied) return http::error_response(*t.write_denied);
  auto status = files.proppatch(t.ws, *ctx, t.path, *ops);
  if (!status) return http::error_response(status.error());
  auto node = files.lookup(t.ws, t.path);
  bool folder = node && *node && (*node)->folder;
  std::map<int, std::string> groups;
  int counter = 0;
  for (std::size_t i = 0; i < ops->size(); ++i)
    groups[(*status)[i]] += empty_prop((*ops)[i].prop.ns, (*ops)[i].prop.name, counter);
  dav::Multistatus ms;
  ms.response(href(t, t.path, folder), std::vector<std::pair<int, std::string>>(groups.begin(), groups.end()));
  return http::xml_response(207, ms.finish());
}

http::Response lock(Service& files, http::Request& req, const Caller& caller, const Target& t) {
  auto ctx = write_ctx(files, caller, t, req);
  if (!ctx) return http::error_response(ctx.error());
  auto body = dav::parse_lockinfo(req.body);
  if (!body) return http::error_response(body.error());
  const Settings& s = files.settings();
  std::int64_t timeout = dav::parse_timeout_s(req.headers.get("Timeout"), s.lock_default_s, s.lock_max_s);
  std::int64_t now = files.platform().clock.now_ms();
  auto reply = [&](const dav::Lock& l, int status) {
    http::Response r = http::xml_response(
        status,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:prop xmlns:D=\"DAV:\">"
        "<D:lockdiscovery>" +
            dav::activelock_xml(l, href(t, l.root, false), now) + "</D:lockdiscovery></D:prop>\n");
    r.headers.set("Lock-Token", "<" + l.token + ">");
    return r;
  };
  if (!*body) {
    auto l = files.refresh(t.ws, *ctx, t.path, timeout);
    if (!l) return l.error().code == Errc::precondition_failed ? dav_error(412, "lock-token-submitted")
                                                                : http::error_response(l.error());
    http::Response r = reply(*l, 200);
    r.headers.remove("Lock-Token");
    return r;
  }
  auto depth = dav::parse_depth(req.headers.get("Depth"), dav::Depth::infinity);
  if (!depth || *depth == dav::Depth::one) return http::error_response(Errc::invalid, "bad Depth header", "bad_depth");
  auto l = files.lock(t.ws, *ctx, t.path, **body, *depth == dav::Depth::infinity, timeout);
  if (!l) return l.error().code == Errc::locked ? dav_error(423, "no-conflicting-lock") : http::error_response(l.error());
  return reply(l->lock, l->created ? 201 : 200);
}

http::Response unlock(Service& files, http::Request& req, const Caller& caller, const Target& t) {
  auto h = req.headers.get("Lock-Token");
  if (!h || h->size() < 3 || h->front() != '<' || h->back() != '>')
    return http::error_response(Errc::invalid, "Lock-Token header required", "bad_lock_token");
  WriteCtx ctx{caller.user_id.str(), {}, caller.remote_addr, caller.request_id};
  auto r = files.unlock(t.ws, ctx, t.path, std::string(h->substr(1, h->size() - 2)));
  if (!r) return r.error().code == Errc::conflict ? dav_error(409, "lock-token-matches-request-uri")
                                                  : http::error_response(r.error());
  return http::no_content();
}

http::Response transfer(Service& files, http::Request& req, const Caller& caller, const Target& t, bool move) {
  auto dest = req.headers.get("Destination");
  if (!dest) return http::error_response(Errc::invalid, "Destination header required", "no_destination");
  auto to = path_of_url(t, req, files.platform().config.public_url, *dest);
  if (!to) return http::error_response(to.error());
  auto depth = dav::parse_depth(req.headers.get("Depth"), dav::Depth::infinity);
  if (!depth || *depth == dav::Depth::one || (move && *depth != dav::Depth::infinity))
    return http::error_response(Errc::invalid, "bad Depth header", "bad_depth");
  auto overwrite = dav::parse_overwrite(req.headers.get("Overwrite"));
  if (!overwrite) return http::error_response(Errc::invalid, "bad Overwrite header", "bad_overwrite");
  auto ctx = write_ctx(files, caller, t, req);
  if (!ctx) return http::error_response(ctx.error());
  auto created = files.transfer(t.ws, *ctx, t.path, *to, move, *overwrite, *depth);
  if (!created) return http::error_response(created.error());
  http::Response r;
  r.status = *created ? 201 : 204;
  return r;
}

http::Response put(Service& files, http::Request& req, const Caller& caller, const Target& t) {
  auto ctx = write_ctx(files, caller, t, req);
  if (!ctx) return http::error_response(ctx.error());
  PutOptions opt = write_conditions(req);
  if (req.body_reader) opt.expected_bytes = req.body_reader->content_length();
  // macOS Finder streams bodies chunked and declares their size here: the
  // quota is checked before the bytes come, and the body must match it.
  if (auto h = req.headers.get("X-Expected-Entity-Length"); h && !opt.expected_bytes) {
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(h->data(), h->data() + h->size(), n);
    if (ec != std::errc() || end != h->data() + h->size()) {
      http::Response e = http::error_response(Errc::invalid, "bad X-Expected-Entity-Length", "bad_length");
      e.close = true;
      return e;
    }
    opt.expected_bytes = n;
  }
  bool mtime_given = false;
  if (auto h = req.headers.get("X-OC-Mtime")) {
    opt.mtime_ms = parse_oc_mtime(*h);
    if (!opt.mtime_ms) {
      http::Response e = http::error_response(
          Errc::invalid, "X-OC-Mtime must be whole seconds since 1970, up to the year 9999", "bad_mtime");
      e.close = true;
      return e;
    }
    mtime_given = true;
  }
  auto r = files.put(t.ws, *ctx, t.path, body_source(req), opt);
  if (!r) {
    http::Response e = http::error_response(r.error());
    e.close = true;  // the body may be unread
    return e;
  }
  http::Response res;
  res.status = r->created ? 201 : 204;
  res.headers.set("ETag", r->node.etag);
  if (mtime_given) res.headers.set("X-OC-MTime", "accepted");
  return res;
}

http::Response get(Service& files, http::Request& req, const Target& t) {
  auto o = files.open_path(t.ws, t.path);
  if (!o) return http::error_response(o.error());
  if (!*o) return http::error_response(Errc::not_found, "no such file");
  if ((*o)->node.folder) {
    http::Response r;
    r.headers.set("Content-Type", "text/plain; charset=utf-8");
    r.headers.set("ETag", (*o)->node.etag);
    r.body = "This is a folder: use PROPFIND to list it.\n";
    return r;
  }
  return download(files, req, std::move(**o), false);
}

// GET or HEAD of a hot file from memory (Service::open_path_cached, the
// chunk cache) on the I/O thread; nullopt sends it down the regular path.
std::optional<http::Response> get_cached(Service& files, http::Request& req) {
  auto path = decode_tail(req.param("path"));
  if (!path) return std::nullopt;
  auto o = files.open_path_cached(WorkspaceId(std::string(req.param("workspace_id"))), *path);
  if (!o) return std::nullopt;
  auto r = download_cached(files, req, o, false);
  if (r && !r->headers.has("Cache-Control")) r->headers.set("Cache-Control", "no-cache");
  return r;
}

// --- Above the workspaces ------------------------------------------------------
// /dav/ and /dav/files/. WebDAV clients walk the path they were given
// (Windows' WebClient sends OPTIONS and PROPFIND Depth 0 to each parent), and
// /dav/files/ lists the workspaces whose Files the caller may read, so that
// one mount reaches them all: each is /dav/files/<workspace id>/, its
// displayname the workspace's name.

void set_dav_headers(http::Response& r, std::string_view allow) {
  r.headers.set("DAV", "1, 2");
  r.headers.set("MS-Author-Via", "DAV");
  r.headers.set("Allow", std::string(allow));
}

// A collection above the workspaces: no property but its resourcetype.
void describe_parent(dav::Multistatus& ms, std::string_view href, const dav::PropfindRequest& pf) {
  constexpr std::string_view kCollection = "<D:resourcetype><D:collection/></D:resourcetype>";
  std::string& out = ms.buffer();
  out += "<D:response><D:href>";
  out += href;
  out += "</D:href><D:propstat><D:prop>";
  std::string missing;
  int counter = 0;
  if (pf.kind == dav::PropfindRequest::propname) {
    out += "<D:resourcetype/>";
  } else if (pf.kind == dav::PropfindRequest::allprop) {
    out += kCollection;
  } else {
    for (const auto& want : pf.props) {
      if (want.ns == dav::kDavNs && want.name == "resourcetype") out += kCollection;
      else missing += empty_prop(want.ns, want.name, counter);
    }
  }
  close_response(out, missing);
}

http::Response propfind_above(Service& files, http::Request& req, const Caller& caller, bool dav_root) {
  auto depth = dav::parse_depth(req.headers.get("Depth"), dav::Depth::one);
  if (!depth) return http::error_response(Errc::invalid, "bad Depth header", "bad_depth");
  if (*depth == dav::Depth::infinity) return dav_error(403, "propfind-finite-depth");
  auto pf = dav::parse_propfind(req.body);
  if (!pf) return http::error_response(pf.error());
  dav::Multistatus ms;
  describe_parent(ms, dav_root ? "/dav/" : kPrefix, *pf);
  if (*depth == dav::Depth::zero) return http::xml_response(207, ms.finish());
  if (dav_root) {
    describe_parent(ms, kPrefix, *pf);
    return http::xml_response(207, ms.finish());
  }
  platform::Platform& p = files.platform();
  auto mine = p.workspaces.list(caller);
  if (!mine) return http::error_response(mine.error());
  const std::int64_t now = p.clock.now_ms();
  for (const auto& w : *mine) {
    auto access = p.authz.access(caller, w.id);
    // An armoured workspace's files open only in a browser (docs/armoured.md).
    if (!access || access->right("files") == Access::none || access->armoured) continue;
    const Target t{w.id, std::string(kPrefix) + w.id.str(), "/"};
    auto root = files.lookup(w.id, "/");
    if (!root) return http::error_response(root.error());
    if (!*root) continue;
    auto locks = files.locks(w.id, "/", store::Beneath::none);
    if (!locks) return http::error_response(locks.error());
    auto quota = quota_if_asked(files, w.id, *pf);
    if (!quota) return http::error_response(quota.error());
    // A workspace's root has no dead properties (Service::props).
    describe(ms, Listing{t, *pf, *locks, now, *quota ? &**quota : nullptr, nullptr, w.name}, **root, {});
  }
  return http::xml_response(207, ms.finish());
}

void add(Api& api, Service& files, std::string_view method, Access need, bool stream,
         std::function<http::Response(Service&, http::Request&, const Caller&, const Target&)> fn,
         std::function<std::optional<http::Response>(Service&, http::Request&)> fast = {}) {
  ApiOptions o;
  o.basic_auth = true;
  if (fast)
    o.workspace_fast = [&files, fast = std::move(fast)](http::Request& req, const Caller&,
                                                        const WorkspaceAccess& a) -> std::optional<http::Response> {
      if (a.armoured) return std::nullopt;
      return fast(files, req);
    };
  if (stream) {
    o.http.body = http::BodyMode::stream;
    o.http.max_body_bytes = 0;
  } else {
    o.http.max_body_bytes = dav::kMaxXmlBytes;
  }
  api.add_workspace(
      method, "/dav/files/{workspace_id}/{*path}", "files", need,
      [&files, fn](http::Request& req, const Caller& caller, const WorkspaceAccess& a) -> Result<http::Response> {
        // Names are tokens and contents ciphertext there: only the browser,
        // which holds the keys, can open them (docs/armoured.md, "Files").
        if (a.armoured)
          return fail(Errc::forbidden, "an armoured workspace's files open only in the web client",
                      "armoured_unsupported");
        RUCHE_TRY(Target t, target_of(req));
        if (auto w = platform::Authz::check(a, "files", Access::write); !w) t.write_denied = w.error();
        http::Response r = fn(files, req, caller, t);
        if (!r.headers.has("Cache-Control")) r.headers.set("Cache-Control", "no-cache");
        return r;
      },
      o, "workspace_id");
}

}  // namespace

void register_dav_routes(Api& api, Service& files) {
  // GET first: the authorization matrix reads before it writes.
  add(api, files, "GET", Access::read, false,
      [](Service& f, http::Request& req, const Caller&, const Target& t) { return get(f, req, t); },
      get_cached);
  add(api, files, "OPTIONS", Access::read, false, [](Service&, http::Request&, const Caller&, const Target&) {
    http::Response r;
    set_dav_headers(r, "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK");
    return r;
  });
  for (std::string_view path : {"/dav", "/dav/", "/dav/files", "/dav/files/"}) {
    const bool dav_root = path.size() <= 5;
    api.add_public("OPTIONS", path, [](http::Request&) -> Result<http::Response> {
      http::Response r;
      set_dav_headers(r, "OPTIONS, PROPFIND");
      return r;
    });
    ApiOptions o;
    o.basic_auth = true;
    o.http.max_body_bytes = dav::kMaxXmlBytes;
    api.add_user(
        "PROPFIND", path,
        [&files, dav_root](http::Request& req, const Caller& caller) -> Result<http::Response> {
          http::Response r = propfind_above(files, req, caller, dav_root);
          r.headers.set("Cache-Control", "no-cache");
          return r;
        },
        o);
  }
  add(api, files, "PROPFIND", Access::read, false, propfind);
  // Read: a star (oc:favorite) is the person's own; proppatch() asks for
  // write for anything else.
  add(api, files, "PROPPATCH", Access::read, false, proppatch);
  add(api, files, "MKCOL", Access::write, false,
      [](Service& f, http::Request& req, const Caller& caller, const Target& t) -> http::Response {
        if (!req.body.empty()) return http::error_response(Errc::unsupported_media, "MKCOL takes no body");
        auto ctx = write_ctx(f, caller, t, req);
        if (!ctx) return http::error_response(ctx.error());
        auto n = f.mkcol(t.ws, *ctx, t.path);
        if (!n) return http::error_response(n.error());
        http::Response r;
        r.status = 201;
        return r;
      });
  add(api, files, "COPY", Access::write, false,
      [](Service& f, http::Request& req, const Caller& c, const Target& t) { return transfer(f, req, c, t, false); });
  add(api, files, "MOVE", Access::write, false,
      [](Service& f, http::Request& req, const Caller& c, const Target& t) { return transfer(f, req, c, t, true); });
  add(api, files, "LOCK", Access::write, false, lock);
  add(api, files, "UNLOCK", Access::write, false, unlock);
  add(api, files, "DELETE", Access::write, false,
      [](Service& f, http::Request& req, const Caller& caller, const Target& t) -> http::Response {
        auto depth = req.headers.get("Depth");
        if (depth && *depth != "infinity") return http::error_response(Errc::invalid, "DELETE is Depth: infinity", "bad_depth");
        auto ctx = write_ctx(f, caller, t, req);
        if (!ctx) return http::error_response(ctx.error());
        const PutOptions when = write_conditions(req);
        auto r = f.remove(t.ws, *ctx, t.path, when.if_match, when.if_unmodified_since_ms);
        if (!r) return http::error_response(r.error());
        return http::no_content();
      });
  add(api, files, "PUT", Access::write, true, put);
}

}  // namespace ruche::files
