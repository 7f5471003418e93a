// Resumable uploads, tus 1.0 (core, creation, termination):
//   POST   /api/v1/workspaces/{id}/files/uploads  Upload-Length, Upload-Metadata
//          (filename, parent_id: base64) -> 201 Location: /api/v1/uploads/{uid}
//   HEAD   /api/v1/uploads/{uid}                   -> Upload-Offset (and, once complete,
//          Ruche-File-Id: a complete upload stays until it expires, so that a
//          client whose last answer was lost learns the file it made)
//   PATCH  /api/v1/uploads/{uid}                   application/offset+octet-stream
//   DELETE /api/v1/uploads/{uid}
#include "modules/files/routes.hpp"
#include "platform/request_checks.hpp"

namespace ruche::files {

using platform::Access;
using platform::Api;
using platform::ApiOptions;
using platform::Caller;
using platform::WorkspaceAccess;

namespace {

constexpr const char* kVersion = "1.0.0";

http::Response tus(http::Response r) {
  r.headers.set("Tus-Resumable", kVersion);
  return r;
}

Result<http::Response> tus(Result<http::Response> r) {
  if (!r) {
    http::Response e = http::error_response(r.error());
    return tus(std::move(e));
  }
  return tus(std::move(*r));
}

Result<void> check_version(const http::Request& req) {
  auto v = req.headers.get("Tus-Resumable");
  if (!v || *v != kVersion) {
    Error e{Errc::precondition_failed, "Tus-Resumable: 1.0.0 required", "tus_version"};
    return tl::unexpected(e);
  }
  return {};
}

std::optional<std::int64_t> number(std::optional<std::string_view> h) {
  if (!h || h->empty() || h->size() > 18 || h->find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  return std::stoll(std::string(*h));
}

UploadId uid(const http::Request& req) { return UploadId(std::string(req.param("uid"))); }

}  // namespace

void register_tus_routes(Api& api, Service& files) {
  api.add_workspace("OPTIONS", "/api/v1/workspaces/{id}/files/uploads", "files", Access::read,
                    [](http::Request&, const Caller&, const WorkspaceAccess&) -> Result<http::Response> {
                      http::Response r;
                      r.status = 204;
                      r.headers.set("Tus-Version", kVersion);
                      r.headers.set("Tus-Extension", "creation,termination");
                      return tus(std::move(r));
                    });
  api.add_workspace(
      "POST", "/api/v1/workspaces/{id}/files/uploads", "files", Access::write,
      [&files](http::Request& req, const Caller& caller, const WorkspaceAccess&) -> Result<http::Response> {
        return tus([&]() -> Result<http::Response> {
          RUCHE_CHECK(check_version(req));
          WorkspaceId ws(std::string(req.param("id")));
          auto length = number(req.headers.get("Upload-Length"));
          if (!length) return fail(Errc::invalid, "Upload-Length required", "invalid_length");
          std::string meta(req.headers.get("Upload-Metadata").value_or(""));
          auto name = platform::upload_metadata(meta, "filename");
          if (!name || name->empty()) return fail(Errc::invalid, "Upload-Metadata needs a filename", "invalid_name");
          auto parent_id = platform::upload_metadata(meta, "parent_id");
          Node parent;
          if (parent_id && !parent_id->empty()) {
            RUCHE_TRY(parent, files.reach(caller, NodeId(*parent_id), Access::write));
            if (parent.workspace_id != ws) return fail(Errc::not_found, "no such folder");
          } else {
            auto root = files.lookup(ws, "/");
            if (!root) return tl::unexpected(root.error());
            if (!root->has_value()) return fail(Errc::internal, "no root folder");
            parent = std::move(**root);
          }
          WriteCtx ctx{caller.user_id.str(), {}, caller.remote_addr, caller.request_id};
          RUCHE_TRY(auto u, files.begin_upload(ws, ctx, parent, *name, *length));
          http::Response r;
          r.status = 201;
          r.headers.set("Location", files.platform().config.public_url + "/api/v1/uploads/" + u.id.str());
          r.headers.set("Upload-Offset", "0");
          return r;
        }());
      });
  // HEAD is answered by this GET route (the body is dropped).
  api.add_object("GET", "/api/v1/uploads/{uid}", "files", Access::write, "uid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   return tus([&]() -> Result<http::Response> {
                     RUCHE_TRY(auto u, files.reach_upload(caller, uid(req)));
                     http::Response r;
                     r.headers.set("Upload-Offset", std::to_string(u.offset));
                     r.headers.set("Upload-Length", std::to_string(u.length));
                     if (!u.node_id.empty()) r.headers.set("Ruche-File-Id", u.node_id);
                     r.headers.set("Cache-Control", "no-store");
                     return r;
                   }());
                 });
  ApiOptions stream;
  stream.http.body = http::BodyMode::stream;
  stream.http.max_body_bytes = 0;
  api.add_object("PATCH", "/api/v1/uploads/{uid}", "files", Access::write, "uid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   auto r = tus([&]() -> Result<http::Response> {
                     RUCHE_TRY(auto u, files.reach_upload(caller, uid(req)));
                     RUCHE_CHECK(check_version(req));
                     if (req.headers.get("Content-Type").value_or("") != "application/offset+octet-stream")
                       return fail(Errc::unsupported_media, "Content-Type must be application/offset+octet-stream");
                     auto offset = number(req.headers.get("Upload-Offset"));
                     if (!offset) return fail(Errc::invalid, "Upload-Offset required", "invalid_offset");
                     WriteCtx ctx{caller.user_id.str(), {}, caller.remote_addr, caller.request_id};
                     // Armoured workspaces: the records, used by the PATCH that completes it.
                     RUCHE_TRY(Sealing sealed, sealed_records(req));
                     RUCHE_TRY(auto a, files.append_upload(u, ctx, *offset, body_source(req), sealed));
                     http::Response res;
                     res.status = 204;
                     res.headers.set("Upload-Offset", std::to_string(a.offset));
                     if (a.node) {
                       res.headers.set("Ruche-File-Id", a.node->id.str());
                       res.headers.set("ETag", a.node->etag);
                     }
                     if (a.interrupted) res.close = true;
                     return res;
                   }());
                   if (r) {
                     if (r->status >= 400) r->close = true;
                   }
                   return r;
                 },
                 stream);
  api.add_object("DELETE", "/api/v1/uploads/{uid}", "files", Access::write, "uid",
                 [&files](http::Request& req, const Caller& caller) -> Result<http::Response> {
                   return tus([&]() -> Result<http::Response> {
                     RUCHE_TRY(auto u, files.reach_upload(caller, uid(req)));
                     RUCHE_CHECK(files.cancel_upload(u));
                     return http::no_content();
                   }());
                 });
}

}  // namespace ruche::files
