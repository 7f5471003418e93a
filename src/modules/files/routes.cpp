// Files' REST routes and public share links: JSON in, Service call, JSON or
// bytes out. Nothing else.
#include "modules/files/routes.hpp"

#include "dav/dav.hpp"
#include "platform/content_response.hpp"
#include "platform/request_checks.hpp"

namespace ruche::files {

using platform::Access;
using platform::Api;
using platform::ApiOptions;
using platform::Caller;
using platform::json_reply;
using platform::WorkspaceAccess;

namespace {

NodeId fid(const http::Request& req) { return NodeId(std::string(req.param("fid"))); }
WorkspaceId wsid(const http::Request& req) { return WorkspaceId(std::string(req.param("id"))); }

Node root_of(Service& files, const WorkspaceId& ws) {
  auto n = files.lookup(ws, "/");
  if (n && *n) return **n;
  Node r;
  r.workspace_id = ws;
  r.folder = true;
  r.path = "/";
  return r;
}

WriteCtx ctx_of(const Caller& caller, const http::Request& req) {
  WriteCtx ctx{caller.user_id.str(), {}, caller.remote_addr, caller.request_id};
  for (auto h : req.headers.get_all("Lock-Token")) {
    while (!h.empty()) {
      auto comma = h.find(',');
      std::string_view t = h.substr(0, comma);
      h = comma == std::string_view::npos ? std::string_view{} : h.substr(comma + 1);
      while (!t.empty() && (t.front() == ' ' || t.front() == '<')) t.remove_prefix(1);
      while (!t.empty() && (t.back() == ' ' || t.back() == '>')) t.remove_suffix(1);
      if (!t.empty() && t.size() < 100) ctx.tokens.emplace_back(t);
    }
  }
  return ctx;
}

Result<store::ListQuery> list_query(const http::Request& req) {
  store::ListQuery q;
  q.limit = 200;
  RUCHE_TRY(auto limit, platform::query_integer(req, "limit", 1, kMaxPageSize));
  q.limit = static_cast<int>(limit.value_or(q.limit));
  RUCHE_TRY(auto offset, platform::query_integer(req, "offset", 0, INT64_MAX / 2));
  q.offset = offset.value_or(0);
  if (auto s = req.query_param("sort")) {
    if (*s != "name" && *s != "size" && *s != "mtime")
      return fail(Errc::invalid, "sort must be name, size or mtime", "invalid_field");
    q.sort = *s;
  }
  if (auto o = req.query_param("order")) {
    if (*o != "asc" && *o != "desc") return fail(Errc::invalid, "order must be asc or desc", "invalid_field");
    q.desc = *o == "desc";
  }
  return q;
}

// A node as JSON, with the live lock covering it ({user_id, expires_at}),
// so a browser can show that someone is editing it.
json::object with_lock(const Node& n, const std::vector<dav::Lock>& locks) {
  json::object o = to_json(n);
  for (const auto& l : locks) {
    if (!dav::covers(l, n.path)) continue;
    o["lock"] = json::object{{"user_id", l.user_id}, {"expires_at", format_iso8601(l.expires_at_ms)}};
    break;
  }
  return o;
}

Result<http::Response> listing(Service& files, const http::Request& req, const Node& folder) {
  RUCHE_TRY(store::ListQuery q, list_query(req));
  RUCHE_TRY(ListResult list, files.list(folder.workspace_id, folder, q));
  RUCHE_TRY(auto locks, files.locks(folder.workspace_id, folder.path, store::Beneath::children));
  json::array items;
  for (const auto& n : list.items) items.push_back(with_lock(n, locks));
  json::object o;
  o["folder"] = with_lock(folder, locks);
  o["items"] = std::move(items);
  o["total"] = list.total;
  o["offset"] = q.offset;
  return json_reply(o);
}

// A sealed record from a header or a JSON field (armoured workspaces); the
// service checks the rest.
Result<std::string> bounded_record(std::optional<std::string_view> text) {
  if (!text) return std::string();
  if (text->empty() || text->size() > kMaxSealedRecordBytes)
    return fail(Errc::invalid, "a sealed record is 1 to 4096 characters", "invalid_sealed_text");
  return std::string(*text);
}

// A move's or copy's destination folder from a request: `parent_id` (a
// folder the caller may write in), null for the root, absent for the entry's own.
Result<Service::Placement> placement(Service& files, const Caller& caller, const Node& n,
                                     const std::optional<std::string>& parent, bool to_root) {
  Service::Placement to;
  if (parent) {
    RUCHE_TRY(Node p, files.reach(caller, NodeId(*parent), Access::write));
    if (p.workspace_id != n.workspace_id || !p.folder)
      return fail(Errc::not_found, "no such folder");
    to.parent = p.id;
  } else if (to_root) {
    to.parent = NodeId();
  }
  return to;
}

// An upload's conditions and, in an armoured workspace, its records.
Result<PutOptions> upload_options(const http::Request& req) {
  PutOptions opt = write_conditions(req);
  if (req.body_reader) opt.expected_bytes = req.body_reader->content_length();
  RUCHE_TRY(opt.sealed, sealed_records(req));
  if (auto h = req.headers.get("X-OC-Mtime")) {
    opt.mtime_ms = parse_oc_mtime(*h);
    if (!opt.mtime_ms)
      return fail(Errc::invalid, "X-OC-Mtime must be whole seconds since 1970, up to the year 9999",
                  "bad_mtime");
  }
  return opt;
}

Result<http::Response> upload_into(Service& files, http::Request& req, const Caller& caller, const Node& folder) {
  if (!folder.folder) return fail(Errc::invalid, "not a folder", "not_a_folder");
  RUCHE_TRY(std::string name, normalize_name(req.param("name")));
  RUCHE_TRY(PutOptions opt, upload_options(req));
  std::string path = (folder.path == "/" ? "" : folder.path) + "/" + name;
  auto r = files.put(folder.workspace_id, ctx_of(caller, req), path, body_source(req), opt);
  if (!r) {
    http::Response e = http::error_response(r.error());
    e.close = true;
    return e;
  }
  http::Response res = json_reply(to_json(r->node), r->created ? 201 : 200);
  res.headers.set("ETag", r->node.etag);
  return res;
}

constexpr std::string_view kShareCookie = "ruche_share";

std::optional<std::string> share_password(const http::Request& req) {
  if (auto h = req.headers.get("X-Share-Password")) return std::string(*h);
  if (auto a = req.headers.get("Authorization"))
    if (auto sent = platform::basic_credentials(*a)) return std::move(sent->password);
  return std::nullopt;
}

// The password and the grant cookies a guest sent. Cookies only count on
// same-origin requests (or typed URLs), never on cross-site ones (CSRF-1,
// the session cookie's rule); SameSite=Strict already keeps them off those
// in current browsers.
Service::ShareKey share_key(const http::Request& req, std::string_view public_url) {
  Service::ShareKey key{share_password(req), {}};
  if (!platform::check_same_origin(req.headers, public_url)) return key;
  http::each_cookie(req.headers, [&](std::string_view name, std::string_view value) {
    if (name == kShareCookie) key.grants.emplace_back(value);
    return key.grants.size() < Service::kMaxShareGrants;
  });
  return key;
}

// Where `tail` (what follows /s/{token}/files/) leads inside a read share:
// the path below the shared item ("/" for the item itself) and its node.
struct InShare {
  std::string sub;
  Node node;
};
Result<InShare> resolve_in_share(Service& files, const Service::ShareAccess& a,
                                 std::string_view tail) {
  InShare in{"/", a.node};
  if (tail.empty()) return in;
  if (tail.size() > kMaxPathBytes) return fail(Errc::invalid, "path too long", "bad_path");
  std::string decoded;
  for (std::string_view s = tail; !s.empty();) {
    auto slash = s.find('/');
    auto d = http::percent_decode(s.substr(0, slash));
    if (!d) return fail(Errc::invalid, "malformed path", "bad_path");
    RUCHE_TRY(std::string name, normalize_name(*d));
    decoded += "/" + name;
    s = slash == std::string_view::npos ? std::string_view{} : s.substr(slash + 1);
  }
  if (decoded.empty()) return in;
  if (!a.node.folder) return fail(Errc::not_found, "no such file");
  RUCHE_TRY(auto n, files.lookup(a.node.workspace_id, a.node.path + decoded));
  if (!n) return fail(Errc::not_found, "no such file");
  in.sub = std::move(decoded);
  in.node = std::move(*n);
  return in;
}

// The share's page for browsers: same answer whatever the token, so the
// page, not the status, tells a guest that a link is unknown.
http::Response share_page(const Api& api, const http::Request& req) {
  http::Response r = api.app_page(req);
  r.headers.set("Vary", "Accept, Sec-Fetch-Mode");
  return r;
}

}  // namespace

PutOptions write_conditions(const http::Request& req) {
  PutOptions opt;
  if (auto h = req.headers.get("If-Match")) opt.if_match = std::string(*h);
  if (auto h = req.headers.get("If-None-Match")) opt.if_none_match = std::string(*h);
  opt.if_unmodified_since_ms = dav::unmodified_since(req.headers.get("If-Match"), req.headers.get("If-Unmodified-Since"));
  return opt;
}

Result<Sealing> sealed_records(const http::Request& req) {
  Sealing s;
  RUCHE_TRY(s.name, bounded_record(req.headers.get("X-Sealed-Name")));
  RUCHE_TRY(s.content, bounded_record(req.headers.get("X-Sealed-Content")));
  return s;
}

Source body_source(http::Request& req) {
  return [&req](char* buf, std::size_t n) -> Result<std::size_t> {
    if (!req.body_reader) return std::size_t{0};
    return req.body_reader->read(buf, n);
  };
}

namespace {

platform::ContentHead content_head(const Opened& o, bool attachment) {
  platform::ContentHead head;
  head.size_bytes = static_cast<std::uint64_t>(o.version.size_bytes);
  head.sha256 = o.version.sha256;
  head.mtime_ms = o.version.mtime_ms;
  head.content_type = o.node.content_type;
  if (attachment) head.file_name = o.node.name;
  return head;
}

platform::ContentView content_view(Service& files, const std::shared_ptr<const Opened>& o) {
  return [&files, o](std::uint64_t from, std::uint64_t len) {
    return files.read_cached(*o, from, len);
  };
}

}  // namespace

http::Response download(Service& files, const http::Request& req, Opened o, bool attachment) {
  const platform::ContentHead head = content_head(o, attachment);
  auto opened = std::make_shared<const Opened>(std::move(o));
  return platform::content_response(
      req, head,
      [&files, opened](std::uint64_t from, std::uint64_t len, auto sink) {
        return files.read(*opened, from, len, sink);
      },
      content_view(files, opened));
}

std::optional<http::Response> download_cached(Service& files, const http::Request& req,
                                              const std::shared_ptr<const Opened>& o, bool attachment) {
  return platform::content_response_cached(req, content_head(*o, attachment), content_view(files, o));
}

void register_routes(Api& api, Service& files) {
  ApiOptions stream;
  stream.http.body = http::BodyMode::stream;
  stream.http.max_body_bytes = 0;

  // --- The workspace's tree ---
  api.add_workspace("GET", "/api/v1/workspaces/{id}/files", "files", Access::read,
                    [&files](http::Request& req, const Caller&,
                             const WorkspaceAccess&) -> Result<http::Response> {
                      return listing(files, req, root_of(files, wsid(req)));
                    },
                    {.compress = true});
  api.add_workspace("GET", "/api/v1/workspaces/{id}/files/usage", "files", Access::read,
                    [&files](http::Request& req, const Caller&, const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(Usage u, files.usage(wsid(req)));
                      return json_reply(to_json(u));
                    });
  api.add_workspace(
      "GET", "/api/v1/workspaces/{id}/files/trash", "files", Access::read,
      [&files](http::Request& req, const Caller&,
               const WorkspaceAccess&) -> Result<http::Response> {
        RUCHE_TRY(auto limit, platform::query_integer(req, "limit", 1, kMaxPageSize));
        RUCHE_TRY(auto before, platform::query_time(req, "before"));
        auto before_id = req.query_param("before_id");
        if (before.has_value() != before_id.has_value() || (before_id && !is_id(*before_id)))
          return fail(Errc::invalid, "before (a time) and before_id (an id) go together",
                      "invalid_field");
        std::optional<store::TrashCursor> cursor;
        if (before) cursor = store::TrashCursor{*before, NodeId(std::string(*before_id))};
        RUCHE_TRY(auto list,
                  files.trash(wsid(req), static_cast<int>(limit.value_or(kMaxPageSize)), cursor));
        json::array a;
        for (const auto& n : list) a.push_back(to_json(n));
        return json_reply(a);
      },
      {.compress = true});
  api.add_workspace("GET", "/api/v1/workspaces/{id}/files/favorites", "files", Access::read,
                    [&files](http::Request& req, const Caller& caller, const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(auto list, files.favorites(caller, wsid(req)));
                      json::array a;
                      for (const auto& n : list) a.push_back(to_json(n));
                      return json_reply(a);
                    });
  api.add_workspace("GET", "/api/v1/workspaces/{id}/files/by-path", "files", Access::read,
                    [&files](http::Request& req, const Caller&, const WorkspaceAccess&) -> Result<http::Response> {
                      std::string path = req.query_param("path").value_or("/");
                      RUCHE_TRY(auto n, files.lookup(wsid(req), path));
                      if (!n) return fail(Errc::not_found, "no such file");
                      return json_reply(to_json(*n));
                    });
  api.add_workspace("POST", "/api/v1/workspaces/{id}/files/folders", "files", Access::write,
                    [&files](http::Request& req, const Caller& caller, const WorkspaceAccess&) -> Result<http::Response> {
                      RUCHE_TRY(json::In in, json::In::parse(req.body));
                      std::string name = in.string("name", {.min = 1, .max = kMaxNameBytes * 4});
                      auto parent = in.opt_string("parent_id", {.max = 26});
                      auto sealed = in.opt_string("sealed_name", {.max = kMaxSealedRecordBytes});
                      if (!in.ok()) return tl::unexpected<Error>(in.error());
                      RUCHE_TRY(std::string sealed_name, bounded_record(sealed));
                      Node folder = root_of(files, wsid(req));
                      if (parent) {
                        RUCHE_TRY(folder, files.reach(caller, NodeId(*parent), Access::write));
                        if (folder.workspace_id != wsid(req)) return fail(Errc::not_found, "no such folder");
                        if (!folder.folder) return fail(Errc::invalid, "not a folder", "not_a_folder");
                      }
                      RUCHE_TRY(std::string clean, normalize_name(name));
                      std::string path = (folder.path == "/" ? "" : folder.path) + "/" + clean;
                      auto n = files.mkcol(wsid(req), ctx_of(caller, req), path, sealed_name);
                      if (!n && n.error().code == Errc::method_not_allowed)
                        return fail(Errc::conflict, "something with this name is already there", "exists");
                      if (!n) return tl::unexpected(n.error());
                      return json_reply(to_json(*n), 201);
                    });
  api.add_workspace("PUT", "/api/v1/workspaces/{id}/files/children/{name}", "files", Access::write,
                    [&files](http::Request& req, const Caller& caller, const WorkspaceAccess&) -> Result<http::Response> {
                      return upload_into(files, req, caller, root_of(files, wsid(req)));
                    },
                    stream);

  // --- One node ---
  api.add_object("GET", "/api/v1/files/{fid}", "files", Access::read, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::read));
                   RUCHE_TRY(auto locks, files.locks(n.workspace_id, n.path, store::Beneath::none));
                   return json_reply(with_lock(n, locks));
                 });
  api.add_object("GET", "/api/v1/files/{fid}/children", "files", Access::read, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::read));
                   return listing(files, req, n);
                 },
                 {.compress = true});
  api.add_object("PUT", "/api/v1/files/{fid}/children/{name}", "files", Access::write, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::write));
                   return upload_into(files, req, caller, n);
                 },
                 stream);
  api.add_object("GET", "/api/v1/files/{fid}/content", "files", Access::read, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::read));
                   RUCHE_TRY(Opened o, files.open(n));
                   return download(files, req, std::move(o), true);
                 });
  api.add_object("PUT", "/api/v1/files/{fid}/content", "files", Access::write, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::write));
                   if (n.folder) return fail(Errc::invalid, "a folder has no content", "is_a_folder");
                   RUCHE_TRY(PutOptions opt, upload_options(req));
                   auto r = files.put(n.workspace_id, ctx_of(caller, req), n.path, body_source(req), opt);
                   if (!r) {
                     http::Response e = http::error_response(r.error());
                     e.close = true;
                     return e;
                   }
                   http::Response res = json_reply(to_json(r->node));
                   res.headers.set("ETag", r->node.etag);
                   return res;
                 },
                 stream);
  api.add_object("PATCH", "/api/v1/files/{fid}", "files", Access::write, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::write));
                   RUCHE_TRY(json::In in, json::In::parse(req.body));
                   auto name = in.opt_string("name", {.min = 1, .max = kMaxNameBytes * 4});
                   auto parent = in.opt_string("parent_id", {.max = 26});
                   bool to_root = in.is_null("parent_id");
                   auto sealed = in.opt_string("sealed_name", {.max = kMaxSealedRecordBytes});
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   RUCHE_TRY(std::string sealed_name, bounded_record(sealed));
                   RUCHE_TRY(Service::Placement to, placement(files, caller, n, parent, to_root));
                   if (name) {
                     RUCHE_TRY(to.name, normalize_name(*name));
                   }
                   // An armoured entry: a new name record first (its token stays).
                   if (!sealed_name.empty()) {
                     RUCHE_TRY(n, files.rename_sealed(n.workspace_id, ctx_of(caller, req), n, sealed_name));
                   }
                   RUCHE_TRY(Node moved,
                             files.relocate(n.workspace_id, ctx_of(caller, req), n.id, to, true));
                   return json_reply(to_json(moved));
                 });
  api.add_object("POST", "/api/v1/files/{fid}/copy", "files", Access::write, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::read));
                   RUCHE_TRY(json::In in, json::In::parse(req.body, true));
                   auto name = in.opt_string("name", {.min = 1, .max = kMaxNameBytes * 4});
                   auto parent = in.opt_string("parent_id", {.max = 26});
                   bool to_root = in.is_null("parent_id");
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   RUCHE_TRY(Service::Placement to, placement(files, caller, n, parent, to_root));
                   to.name = name;
                   RUCHE_TRY(Node copy,
                             files.relocate(n.workspace_id, ctx_of(caller, req), n.id, to, false));
                   return json_reply(to_json(copy), 201);
                 });
  api.add_object("DELETE", "/api/v1/files/{fid}", "files", Access::write, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   if (req.query_param("purge") == std::optional<std::string>("1")) {
                     RUCHE_CHECK(files.purge(caller, fid(req)));
                     return http::no_content();
                   }
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::write));
                   const PutOptions when = write_conditions(req);
                   RUCHE_CHECK(files.remove(n.workspace_id, ctx_of(caller, req), n.path, when.if_match,
                                            when.if_unmodified_since_ms));
                   return http::no_content();
                 });
  for (const char* method : {"PUT", "DELETE"}) {
    api.add_object(method, "/api/v1/files/{fid}/favorite", "files", Access::read, "fid",
                   [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                     RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::read));
                     RUCHE_CHECK(files.set_favorite(caller, n, req.method == "PUT"));
                     return http::no_content();
                   });
  }
  api.add_object("POST", "/api/v1/files/{fid}/restore", "files", Access::write, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.restore(caller, fid(req)));
                   return json_reply(to_json(n));
                 });

  // --- Versions ---
  api.add_object("GET", "/api/v1/files/{fid}/versions", "files", Access::read, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::read));
                   if (n.folder) return fail(Errc::invalid, "folders have no versions", "is_a_folder");
                   RUCHE_TRY(auto list, files.versions(n));
                   json::array a;
                   for (const auto& v : list) a.push_back(to_json(v));
                   return json_reply(a);
                 });
  auto version_number = [](const http::Request& req) -> Result<std::int64_t> {
    std::string v(req.param("number"));
    if (v.empty() || v.size() > 15 || v.find_first_not_of("0123456789") != std::string::npos)
      return fail(Errc::not_found, "no such version");
    return std::stoll(v);
  };
  api.add_object("GET", "/api/v1/files/{fid}/versions/{number}/content", "files", Access::read, "fid",
                 [&files, version_number](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::read));
                   RUCHE_TRY(std::int64_t number, version_number(req));
                   RUCHE_TRY(Opened o, files.open(n, number));
                   return download(files, req, std::move(o), true);
                 });
  api.add_object("POST", "/api/v1/files/{fid}/versions/{number}/restore", "files", Access::write, "fid",
                 [&files, version_number](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::write));
                   RUCHE_TRY(std::int64_t number, version_number(req));
                   RUCHE_TRY(json::In in, json::In::parse(req.body, true));
                   auto sealed = in.opt_string("sealed_content", {.max = kMaxSealedRecordBytes});
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   RUCHE_TRY(std::string sealed_content, bounded_record(sealed));
                   RUCHE_TRY(Node r, files.restore_version(n.workspace_id, ctx_of(caller, req), n, number, sealed_content));
                   return json_reply(to_json(r));
                 });

  // --- Locks (the same locks as WebDAV) ---
  api.add_object("POST", "/api/v1/files/{fid}/lock", "files", Access::write, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::write));
                   RUCHE_TRY(json::In in, json::In::parse(req.body, true));
                   auto timeout = in.integer("timeout_s", 1, files.settings().lock_max_s, json::kOptional,
                                             files.settings().lock_default_s);
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   dav::LockRequest lr;
                   lr.owner_xml = dav::xml_escape(caller.name);
                   RUCHE_TRY(auto l, files.lock(n.workspace_id, ctx_of(caller, req), n.path, lr, n.folder, timeout));
                   json::object o;
                   o["token"] = l.lock.token;
                   o["path"] = l.lock.root;
                   o["expires_at"] = format_iso8601(l.lock.expires_at_ms);
                   return json_reply(o, 201);
                 });
  api.add_object("DELETE", "/api/v1/files/{fid}/lock", "files", Access::write, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::write));
                   WriteCtx ctx = ctx_of(caller, req);
                   if (ctx.tokens.empty()) return fail(Errc::invalid, "Lock-Token header required", "bad_lock_token");
                   RUCHE_CHECK(files.unlock(n.workspace_id, ctx, n.path, ctx.tokens.front()));
                   return http::no_content();
                 });

  // --- Share links ---
  api.add_object("GET", "/api/v1/files/{fid}/shares", "files", Access::read, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::read));
                   RUCHE_TRY(auto list, files.shares(n));
                   json::array a;
                   for (const auto& s : list) a.push_back(to_json(s));
                   return json_reply(a);
                 });
  api.add_object("POST", "/api/v1/files/{fid}/shares", "files", Access::write, "fid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_TRY(Node n, files.reach(caller, fid(req), Access::write));
                   RUCHE_TRY(json::In in, json::In::parse(req.body, true));
                   Service::NewShare spec;
                   std::string mode = in.string("mode", {.max = 10}, json::kOptional);
                   spec.password = in.opt_string("password", {.min = 1, .max = 256});
                   auto expires = in.opt_string("expires_at", {.max = 40});
                   spec.max_downloads = in.opt_integer("max_downloads", 1, 1'000'000'000);
                   if (!in.ok()) return tl::unexpected<Error>(in.error());
                   auto parsed = mode.empty() ? std::optional(ShareMode::read) : share_mode_of(mode);
                   if (!parsed) return fail(Errc::invalid, "mode must be read or upload", "invalid_field");
                   spec.mode = *parsed;
                   if (expires) {
                     std::int64_t at = 0;
                     if (!parse_iso8601(*expires, at)) return fail(Errc::invalid, "expires_at must be ISO 8601", "invalid_field");
                     spec.expires_at_ms = at;
                   }
                   RUCHE_TRY(auto made, files.create_share(caller, n, spec));
                   json::object o = to_json(made.first);
                   o["token"] = made.second;
                   o["url"] = files.platform().config.public_url + "/s/" + made.second;
                   return json_reply(o, 201);
                 });
  api.add_object("DELETE", "/api/v1/shares/{sid}", "files", Access::write, "sid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   RUCHE_CHECK(files.revoke_share(caller, ShareId(std::string(req.param("sid")))));
                   return http::no_content();
                 });

  // --- Administration ---
  api.add_admin("PUT", "/api/v1/admin/workspaces/{id}/files-quota",
                [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                  RUCHE_TRY(json::In in, json::In::parse(req.body));
                  std::optional<std::int64_t> q;
                  if (!in.is_null("quota_bytes")) q = in.integer("quota_bytes", -1, INT64_MAX / 4);
                  if (!in.ok()) return tl::unexpected<Error>(in.error());
                  std::string ws(req.param("id"));
                  if (!is_id(ws)) return fail(Errc::not_found, "no such workspace");
                  RUCHE_CHECK(files.set_quota(caller, WorkspaceId(ws), q));
                  RUCHE_TRY(Usage u, files.usage(WorkspaceId(ws)));
                  return json_reply(to_json(u));
                });

  api.add_admin("POST", "/api/v1/admin/files/maintenance",
                [&files](http::Request&, const Caller&) -> Result<http::Response> {
                  RUCHE_CHECK(files.maintain());
                  return http::no_content();
                });

  // --- Public share links ---
  // A browser navigating to a link gets the web client, which asks
  // /info, /unlock and /files/... for data; explicit downloads carry
  // ?download=1. Other clients (curl, rclone, scripts) get data as before.
  auto share_get = [&files, &api](http::Request& req) -> Result<http::Response> {
    bool explicit_download = req.query_param("download").has_value();
    if (!explicit_download && platform::wants_page(req)) return share_page(api, req);
    RUCHE_TRY(auto a,
              files.open_share(req.param("token"), share_key(req, api.platform().config.public_url),
                               api.client_address(req), req.request_id));
    if (a.share.mode == ShareMode::upload) {
      json::object o;
      o["mode"] = "upload";
      o["name"] = a.node.name;
      return json_reply(o);
    }
    RUCHE_TRY(InShare in, resolve_in_share(files, a, req.param("path")));
    const std::string& sub = in.sub;
    const Node& target = in.node;
    if (target.folder) {
      store::ListQuery q;
      RUCHE_TRY(ListResult list, files.list(target.workspace_id, target, q));
      json::array items;
      for (const auto& n : list.items) {
        json::object o;
        o["name"] = n.name;
        o["kind"] = n.folder ? "folder" : "file";
        o["size"] = n.size_bytes;
        o["mtime"] = format_iso8601(n.mtime_ms);
        items.push_back(std::move(o));
      }
      json::object o;
      o["mode"] = "read";
      o["name"] = target.name;
      o["items"] = std::move(items);
      o["total"] = list.total;
      http::Response r = json_reply(o);
      r.headers.set("Vary", "Accept, Sec-Fetch-Mode");
      return r;
    }
    RUCHE_TRY(Opened o, files.open(target));
    bool full = !req.headers.has("Range") || req.headers.get("Range")->substr(0, 8) == "bytes=0-";
    if (full && req.method == "GET")
      RUCHE_CHECK(files.count_share_download(a, sub == "/" ? target.name : sub, api.client_address(req),
                                             req.request_id));
    http::Response r = download(files, req, std::move(o), true);
    r.headers.set("Vary", "Accept, Sec-Fetch-Mode");
    return r;
  };
  api.add_public("GET", "/s/{token}", share_get);
  api.add_public("GET", "/s/{token}/files/{*path}", share_get);

  // What the share page shows before anything else: the shared item (or,
  // with a path, the file or folder there), and whether the link's download
  // limit is reached. Same checks as the link itself; a drop folder tells
  // nothing about a path.
  auto share_info = [&files, &api](http::Request& req) -> Result<http::Response> {
    RUCHE_TRY(auto a,
              files.open_share(req.param("token"), share_key(req, api.platform().config.public_url),
                               api.client_address(req), req.request_id));
    if (a.share.mode == ShareMode::upload && !req.param("path").empty())
      return fail(Errc::not_found, "no such file");
    RUCHE_TRY(InShare in, resolve_in_share(files, a, req.param("path")));
    json::object o;
    o["mode"] = to_string(a.share.mode);
    o["kind"] = in.node.folder ? "folder" : "file";
    o["name"] = in.node.name;
    o["root_name"] = a.node.name;
    if (a.share.mode == ShareMode::read && !in.node.folder) {
      o["size"] = in.node.size_bytes;
      o["mtime"] = format_iso8601(in.node.mtime_ms);
    }
    o["limit_reached"] =
        a.share.max_downloads.has_value() && a.share.downloads >= *a.share.max_downloads;
    if (a.share.expires_at_ms) o["expires_at"] = format_iso8601(*a.share.expires_at_ms);
    return json_reply(o);
  };
  api.add_public("GET", "/s/{token}/info", share_info);
  api.add_public("GET", "/s/{token}/info/{*path}", share_info);

  // A password, once, for a cookie that opens this link alone for an hour.
  ApiOptions small;
  small.http.max_body_bytes = 4096;
  api.add_public(
      "POST", "/s/{token}/unlock",
      [&files, &api](http::Request& req) -> Result<http::Response> {
        RUCHE_TRY(json::In in, json::In::parse(req.body));
        std::string password = in.string("password", {.min = 1, .max = 1024});
        if (!in.ok()) return tl::unexpected<Error>(in.error());
        std::string token(req.param("token"));
        RUCHE_TRY(auto unlocked,
                  files.unlock_share(token, password, api.client_address(req), req.request_id));
        json::object o;
        o["unlocked"] = true;
        http::Response r;
        if (unlocked.second) {
          const auto& g = *unlocked.second;
          o["expires_at"] = format_iso8601(g.expires_at_ms);
          r = json_reply(o);
          std::int64_t max_age_s =
              std::max<std::int64_t>(0, (g.expires_at_ms - files.platform().clock.now_ms()) / 1000);
          bool https = files.platform().config.public_url.rfind("https://", 0) == 0;
          // The token was just matched against a stored hash: 43 base64url characters.
          r.headers.set("Set-Cookie", std::string(kShareCookie) + "=" + g.value + "; Path=/s/" +
                                          token + "; Max-Age=" + std::to_string(max_age_s) +
                                          "; HttpOnly; SameSite=Strict" +
                                          (https ? "; Secure" : ""));
        } else {
          r = json_reply(o);
        }
        return r;
      },
      small);

  ApiOptions drop = stream;
  api.add_public(
      "PUT", "/s/{token}/files/{*path}",
      [&files, &api](http::Request& req) -> Result<http::Response> {
        RUCHE_TRY(auto a, files.open_share(req.param("token"),
                                           share_key(req, api.platform().config.public_url),
                                           api.client_address(req), req.request_id));
        if (a.share.mode != ShareMode::upload)
          return fail(Errc::method_not_allowed, "this link is read-only", "read_only");
        std::string_view tail = req.param("path");
        if (tail.find('/') != std::string_view::npos)
          return fail(Errc::invalid, "drop folders take files only", "bad_path");
        auto d = http::percent_decode(tail);
        if (!d) return fail(Errc::invalid, "malformed name", "bad_path");
        RUCHE_TRY(std::string name, normalize_name(*d));
        WriteCtx ctx{"share:" + a.share.id.str(), {}, api.client_address(req), req.request_id};
        PutOptions opt;
        opt.rename_on_conflict = true;
        if (req.body_reader) opt.expected_bytes = req.body_reader->content_length();
        auto r = files.put(a.node.workspace_id, ctx, a.node.path + "/" + name, body_source(req), opt);
        if (!r) {
          http::Response e = http::error_response(r.error());
          e.close = true;
          return e;
        }
        json::object o;
        o["name"] = r->node.name;
        o["size"] = r->node.size_bytes;
        return json_reply(o, 201);
      },
      drop);
}

}  // namespace ruche::files
