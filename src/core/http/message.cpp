#include "core/http/message.hpp"

#include <algorithm>
#include <cstdint>

#include "base/log.hpp"
#include "base/text.hpp"

namespace ruche::http {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

namespace {

// The q-value among an element's parameters ("level=1;q=0.9").
double quality(std::string_view params) {
  while (!params.empty()) {
    auto semi = params.find(';');
    std::string_view p = trim_blanks(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (p.size() > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      std::string_view v = p.substr(2);
      if (v.empty() || v.size() > 5) return 0;
      if (v[0] == '1') return 1;
      if (v[0] != '0') return 0;
      double q = 0, scale = 0.1;
      for (std::size_t i = 2; i < v.size() && v[1] == '.'; ++i, scale /= 10) {
        if (v[i] < '0' || v[i] > '9') return 0;
        q += (v[i] - '0') * scale;
      }
      return q;
    }
  }
  return 1;
}

}  // namespace

void each_weighted(std::string_view list, FunctionRef<void(std::string_view, double)> fn) {
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    auto semi = item.find(';');
    fn(trim_blanks(item.substr(0, semi)), semi == std::string_view::npos ? 1 : quality(item.substr(semi + 1)));
  }
}

void each_cookie(const Headers& headers, FunctionRef<bool(std::string_view, std::string_view)> fn) {
  for (const auto& [name, value] : headers.items()) {
    if (!iequals(name, "Cookie")) continue;
    for (std::string_view rest = value; !rest.empty();) {
      auto semi = rest.find(';');
      std::string_view pair = trim_blanks(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (!fn(trim_blanks(pair.substr(0, eq)), trim_blanks(pair.substr(eq + 1)))) return;
    }
  }
}

std::optional<std::string_view> cookie(const Headers& headers, std::string_view name) {
  std::optional<std::string_view> found;
  each_cookie(headers, [&](std::string_view n, std::string_view v) {
    if (n == name) found = v;
    return !found;
  });
  return found;
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : items_)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : items_)
    if (iequals(k, name)) out.emplace_back(v);
  return out;
}

void Headers::set(std::string_view name, std::string_view value) {
  remove(name);
  items_.emplace_back(std::string(name), std::string(value));
}

void Headers::add(std::string_view name, std::string_view value) {
  items_.emplace_back(std::string(name), std::string(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(items_, [&](const auto& kv) { return iequals(kv.first, name); });
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    std::size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    std::size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    auto k = percent_decode(key, true);
    if (!k || *k != name) continue;
    if (eq == std::string_view::npos) return std::string{};
    return percent_decode(pair.substr(eq + 1), true);
  }
  return std::nullopt;
}

int status_for(Errc code) {
  switch (code) {
    case Errc::invalid: return 400;
    case Errc::unauthenticated: return 401;
    case Errc::forbidden: return 403;
    case Errc::not_found: return 404;
    case Errc::method_not_allowed: return 405;
    case Errc::conflict: return 409;
    case Errc::gone: return 410;
    case Errc::precondition_failed: return 412;
    case Errc::too_large: return 413;
    case Errc::unsupported_media: return 415;
    case Errc::locked: return 423;
    case Errc::rate_limited: return 429;
    case Errc::insufficient_storage: return 507;
    case Errc::unavailable: return 503;
    case Errc::internal: return 500;
  }
  return 500;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 423: return "Locked";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return "";
  }
}

Response json_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

Response xml_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/xml; charset=utf-8");
  r.body = std::move(body);
  return r;
}

Response no_content() {
  Response r;
  r.status = 204;
  return r;
}

Response error_response(Errc code, std::string_view message, std::string_view reason) {
  std::string body = "{\"error\":{\"code\":\"";
  log::append_json_escaped(body, reason.empty() ? errc_name(code) : reason);
  body += "\",\"message\":\"";
  log::append_json_escaped(body, message);
  body += "\"}}";
  Response r = json_response(status_for(code), std::move(body));
  if (code == Errc::internal) r.headers.set("Cache-Control", "no-store");
  return r;
}

Response error_response(const Error& e) {
  // Internal details stay in the logs; the client gets a generic message.
  if (e.code == Errc::internal) return error_response(e.code, "internal error", e.reason);
  Response r = error_response(e.code, e.message, e.reason);
  // A 429 says when a retry may get through (RFC 6585), in whole seconds
  // rounded up; 1 when the refusal did not say.
  if (e.code == Errc::rate_limited)
    r.headers.set("Retry-After",
                  std::to_string(std::max<std::int64_t>(1, (e.retry_after_ms + 999) / 1000)));
  return r;
}

namespace {
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> percent_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
      if (h < 0 || l < 0) return std::nullopt;
      out += static_cast<char>(h * 16 + l);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string content_disposition(std::string_view type, std::string_view file_name,
                                std::string_view ascii_fallback) {
  std::string out(type);
  if (!ascii_fallback.empty()) {
    // A quoted string of printable ASCII: anything else, quotes and
    // backslashes included, becomes '_' (never a way out of the header).
    out += "; filename=\"";
    for (char c : ascii_fallback) out += c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_';
    out += '"';
  }
  return out + "; filename*=UTF-8''" + percent_encode(file_name);
}

std::string percent_encode(std::string_view s, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Result<ByteRange> byte_range(std::optional<std::string_view> header, std::uint64_t size) {
  ByteRange whole{0, size, false};
  // One range only (a server may ignore the others, RFC 9110 14.2): several,
  // or anything malformed, get the whole representation.
  if (!header || header->substr(0, 6) != "bytes=" || header->find(',') != std::string_view::npos) return whole;
  std::string_view spec = trim_blanks(header->substr(6));
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  // Digits only; a number past 2^64 - 1 saturates (a last position that far
  // means "to the end", a first one "past the end").
  auto parse = [](std::string_view s, std::uint64_t& out) {
    if (s.empty()) return false;
    out = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      const auto digit = static_cast<std::uint64_t>(c - '0');
      out = out > (UINT64_MAX - digit) / 10 ? UINT64_MAX : out * 10 + digit;
    }
    return true;
  };
  std::string_view first = spec.substr(0, dash), last = spec.substr(dash + 1);
  std::uint64_t a = 0, b = 0;
  ByteRange r;
  if (first.empty()) {  // the last b bytes
    if (!parse(last, b)) return whole;
    if (b == 0) return fail(Errc::invalid, "range not satisfiable", "bad_range");  // selects nothing
    r.offset = size > b ? size - b : 0;
    r.length = size - r.offset;
  } else {
    if (!parse(first, a) || !(last.empty() || (parse(last, b) && b >= a))) return whole;
    if (a >= size) return fail(Errc::invalid, "range not satisfiable", "bad_range");
    r.offset = a;
    r.length = (last.empty() || b >= size ? size - 1 : b) - a + 1;
  }
  if (size == 0) return whole;
  r.partial = true;
  return r;
}

Response range_not_satisfiable(std::uint64_t size) {
  Response r = error_response(Errc::invalid, "range not satisfiable", "bad_range");
  r.status = 416;
  r.headers.set("Content-Range", "bytes */" + std::to_string(size));
  return r;
}

std::string content_range(const ByteRange& r, std::uint64_t size) {
  return "bytes " + std::to_string(r.offset) + "-" + std::to_string(r.offset + r.length - 1) + "/" +
         std::to_string(size);
}

}  // namespace ruche::http
