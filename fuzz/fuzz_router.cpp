// Request paths and query strings: routing, percent-decoding, "." and ".."
// refusal, parameter capture, on arbitrary bytes.
#include <cstdint>
#include <string>

#include "core/http/router.hpp"

namespace {
ruche::http::Router& router() {
  static ruche::http::Router* r = [] {
    auto* x = new ruche::http::Router();
    auto h = [](ruche::http::Request&) { return ruche::http::Response{}; };
    for (const char* p : {"/api/v1/workspaces", "/api/v1/workspaces/{id}", "/api/v1/workspaces/{id}/members/{user_id}",
                          "/api/v1/channels/{cid}/messages", "/api/v1/messages/{mid}/reactions/{emoji}",
                          "/api/v1/invitations/{token}/accept", "/s/{token}"})
      x->add("GET", p, h);
    x->add("*", "/dav/files/{workspace_id}/{*path}", h);
    return x;
  }();
  return *r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* methods[] = {"GET", "HEAD", "PROPFIND", "MOVE", "DELETE", "POST"};
  std::string method = methods[data[0] % 6];
  std::string target(reinterpret_cast<const char*>(data + 1), size - 1);
  auto q = target.find('?');
  ruche::http::Match m = router().match(method, target.substr(0, q));
  for (const auto& [k, v] : m.params) (void)ruche::http::percent_decode(v);
  ruche::http::Request req;
  if (q != std::string::npos) req.query = target.substr(q + 1);
  (void)req.query_param("q");
  (void)req.query_param("limit");
  (void)ruche::http::percent_encode(target, data[0] & 1);
  return 0;
}
