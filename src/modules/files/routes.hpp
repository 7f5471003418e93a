// Files' HTTP mapping: the REST API (routes.cpp), WebDAV (dav.cpp), tus
// resumable uploads (tus.cpp) and public share links (routes.cpp).
#pragma once

#include "core/http/message.hpp"
#include "modules/files/service.hpp"
#include "platform/api.hpp"

namespace ruche::files {

void register_routes(platform::Api& api, Service& files);
void register_dav_routes(platform::Api& api, Service& files);
void register_tus_routes(platform::Api& api, Service& files);

// Shared by the three: a download of `o` honouring Range and conditional
// headers, as an attachment with a safe type.
http::Response download(Service& files, const http::Request& req, Opened o, bool attachment);
// The same from memory only (the chunk cache), for fast paths on I/O
// threads: nullopt when the bytes would have to be read.
std::optional<http::Response> download_cached(Service& files, const http::Request& req,
                                              const std::shared_ptr<const Opened>& o, bool attachment);
// A request body as a content source.
Source body_source(http::Request& req);
// The conditions a write is made on (If-Match, If-None-Match,
// If-Unmodified-Since), as PutOptions; DELETE uses the same fields.
PutOptions write_conditions(const http::Request& req);
// The records a write to an armoured workspace carries in X-Sealed-Name and
// X-Sealed-Content (each 1 to kMaxSealedRecordBytes characters when given;
// the service checks the rest).
Result<Sealing> sealed_records(const http::Request& req);

}  // namespace ruche::files
