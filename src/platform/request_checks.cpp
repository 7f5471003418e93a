#include "platform/request_checks.hpp"

#include <charconv>

#include "base/clock.hpp"
#include "base/utf8.hpp"
#include "core/crypto/encoding.hpp"

namespace ruche::platform {

std::optional<BasicCredentials> basic_credentials(std::string_view authorization) {
  constexpr std::string_view kScheme = "Basic ";
  if (authorization.size() <= kScheme.size() ||
      !http::iequals(authorization.substr(0, kScheme.size()), kScheme))
    return std::nullopt;
  std::string_view encoded = authorization.substr(kScheme.size());
  // Base64 of the bound, padding included: no decoding of anything longer.
  if (encoded.size() > (kMaxBasicCredentialBytes + 2) / 3 * 4) return std::nullopt;
  auto decoded = crypto::base64_decode(encoded);
  if (!decoded || decoded->size() > kMaxBasicCredentialBytes) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  // RFC 7617 asks for UTF-8 (our challenge says so), but some clients
  // (aiohttp, hence vdirsyncer) encode ISO-8859-1: bytes that are not UTF-8
  // are read as that.
  auto utf8 = [](std::string s) {
    if (valid_utf8(s)) return s;
    std::string out;
    for (unsigned char ch : s) {
      if (ch < 0x80) {
        out += static_cast<char>(ch);
      } else {
        out += static_cast<char>(0xC0 | (ch >> 6));
        out += static_cast<char>(0x80 | (ch & 0x3F));
      }
    }
    return out;
  };
  return BasicCredentials{utf8(decoded->substr(0, colon)), utf8(decoded->substr(colon + 1))};
}

std::optional<std::string> upload_metadata(std::string_view header, std::string_view key) {
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto space = item.find(' ');
    if (item.substr(0, space) != key) continue;
    if (space == std::string_view::npos) return std::string();
    return crypto::base64_decode(item.substr(space + 1));
  }
  return std::nullopt;
}

std::string_view origin_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return url;
  return url.substr(0, url.find('/', scheme + 3));
}

Result<void> check_same_origin(const http::Headers& headers, std::string_view public_url) {
  if (auto site = headers.get("Sec-Fetch-Site"); site && *site != "same-origin" && *site != "none")
    return fail(Errc::forbidden, "cross-site request refused", "cross_site");
  if (auto origin = headers.get("Origin")) {
    if (*origin == origin_of(public_url)) return {};
    auto host = headers.get("Host");
    auto is_host = [&](std::string_view scheme) {
      return host && origin->size() == scheme.size() + host->size() &&
             origin->starts_with(scheme) && origin->substr(scheme.size()) == *host;
    };
    if (!is_host("http://") && !is_host("https://"))
      return fail(Errc::forbidden, "cross-origin request refused", "cross_origin");
  }
  return {};
}

bool sent_by_own_client(const http::Headers& headers) {
  if (auto auth = headers.get("Authorization");
      auth && auth->size() > 7 && http::iequals(auth->substr(0, 7), "Bearer "))
    return true;
  auto site = headers.get("Sec-Fetch-Site");
  return site && *site == "same-origin";
}

Result<std::optional<std::int64_t>> query_integer(const http::Request& req, std::string_view key,
                                                  std::int64_t lo, std::int64_t hi) {
  auto v = req.query_param(key);
  if (!v) return std::optional<std::int64_t>{};
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || end != v->data() + v->size() || n < lo || n > hi)
    return fail(Errc::invalid,
                std::string(key) + " must be a whole number from " + std::to_string(lo) + " to " +
                    std::to_string(hi),
                "invalid_field");
  return std::optional<std::int64_t>(n);
}

Result<std::optional<std::int64_t>> query_time(const http::Request& req, std::string_view key) {
  auto v = req.query_param(key);
  if (!v) return std::optional<std::int64_t>{};
  std::int64_t t = 0;
  if (v->size() > 40 || !parse_iso8601(*v, t))
    return fail(Errc::invalid, std::string(key) + " must be an ISO 8601 time", "invalid_field");
  return std::optional<std::int64_t>(t);
}

Result<std::vector<std::string>> query_list(const http::Request& req, std::string_view key,
                                            std::size_t max) {
  std::vector<std::string> out;
  auto v = req.query_param(key);
  if (!v) return out;
  std::string_view rest = *v;
  for (;;) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    if (item.empty() || out.size() == max)
      return fail(Errc::invalid,
                  std::string(key) + " is a list of at most " + std::to_string(max) +
                      " comma-separated values",
                  "invalid_field");
    out.emplace_back(item);
    if (comma == std::string_view::npos) return out;
    rest.remove_prefix(comma + 1);
  }
}

}  // namespace ruche::platform
