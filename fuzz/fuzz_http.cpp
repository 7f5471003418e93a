// Request header values, as any client may send them: Range, weighted lists
// (Accept), cookies, HTTP Basic credentials, tus Upload-Metadata and the
// CSRF-1 site check; and what the server writes back from user text
// (Content-Disposition, percent-encoding). Each with the invariant its
// callers rely on.
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/crypto/encoding.hpp"
#include "core/http/message.hpp"
#include "platform/request_checks.hpp"

namespace {

bool blank_edged(std::string_view s) {
  return !s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.back() == ' ' || s.back() == '\t');
}

// The input's text cut in three at its first two NUL bytes (missing parts
// empty): several header values from one input.
struct Parts {
  std::string_view a, b, c;
};
Parts parts(std::string_view text) {
  Parts p{text, {}, {}};
  if (auto nul = p.a.find('\0'); nul != std::string_view::npos) {
    p.b = p.a.substr(nul + 1);
    p.a = p.a.substr(0, nul);
    if (auto nul2 = p.b.find('\0'); nul2 != std::string_view::npos) {
      p.c = p.b.substr(nul2 + 1);
      p.b = p.b.substr(0, nul2);
    }
  }
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ruche;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // Range: a partial answer lies inside the body and is never empty.
  std::uint64_t body = 0;
  if (size >= 8) std::memcpy(&body, data, 8);
  for (std::uint64_t sz : {body, body % 4096, std::uint64_t{0}}) {
    auto r = http::byte_range(text.substr(size >= 8 ? 8 : 0), sz);
    if (!r) continue;
    if (r->partial ? r->length == 0 || r->offset >= sz || r->length > sz - r->offset
                   : r->offset != 0 || r->length != sz)
      __builtin_trap();
    if (r->partial) (void)http::content_range(*r, sz);
  }

  // Weighted lists: trimmed elements with a quality in [0, 1].
  http::each_weighted(text, [](std::string_view element, double q) {
    if (!(q >= 0 && q <= 1) || blank_edged(element) || element.find(',') != std::string_view::npos)
      __builtin_trap();
  });

  // Cookies, from two Cookie fields: trimmed names and values without ';'
  // or '=' in a name; cookie() is the first value of its name.
  const Parts p = parts(text);
  http::Headers h;
  h.add("Cookie", p.a);
  h.add("cookie", p.b);
  std::optional<std::string_view> first_name, first_value;
  http::each_cookie(h, [&](std::string_view name, std::string_view value) {
    if (blank_edged(name) || blank_edged(value) ||
        name.find_first_of(";=") != std::string_view::npos ||
        value.find(';') != std::string_view::npos)
      __builtin_trap();
    if (!first_name) {
      first_name = name;
      first_value = value;
    }
    return true;
  });
  if (first_name && http::cookie(h, *first_name) != first_value) __builtin_trap();

  // Basic credentials: what parses encodes back to itself.
  for (std::string_view authorization : {text, p.a}) {
    if (auto c = platform::basic_credentials(authorization)) {
      if (c->user.find(':') != std::string::npos ||
          c->user.size() + 1 + c->password.size() > platform::kMaxBasicCredentialBytes)
        __builtin_trap();
      auto again = platform::basic_credentials("Basic " +
                                               crypto::base64_encode(c->user + ":" + c->password));
      if (!again || again->user != c->user || again->password != c->password) __builtin_trap();
    }
  }

  // tus Upload-Metadata: a value found is a key's, decoded from base64, so
  // never longer than the header; a header made of a key and any bytes
  // gives those bytes back.
  for (std::string_view key : {std::string_view("filename"), p.b}) {
    if (auto v = platform::upload_metadata(p.a, key); v && v->size() > p.a.size()) __builtin_trap();
  }
  if (!p.b.empty() && p.b.find_first_of(" ,") == std::string_view::npos) {
    const std::string header = std::string(p.b) + " " + crypto::base64_encode(p.c) + ",other x";
    if (platform::upload_metadata(header, p.b) != std::string(p.c)) __builtin_trap();
  }

  // The site check: what passes sent no Origin, or ours, or the Host's.
  http::Headers site;
  site.add("Origin", p.a);
  site.add("Host", p.b);
  if (!p.c.empty()) site.add("Sec-Fetch-Site", p.c);
  if (platform::check_same_origin(site, "https://ruche.example.org/app")) {
    if (!p.c.empty() && p.c != "same-origin" && p.c != "none") __builtin_trap();
    if (p.a != "https://ruche.example.org" && p.a != "http://" + std::string(p.b) &&
        p.a != "https://" + std::string(p.b))
      __builtin_trap();
  }

  // What goes back into a header from a file's name stays printable ASCII,
  // and the fallback name one quoted string.
  const std::string cd = http::content_disposition("attachment", p.a, p.b);
  for (unsigned char ch : cd)
    if (ch < 0x20 || ch >= 0x7f) __builtin_trap();
  if (!p.b.empty() &&
      (cd.find('"') == std::string::npos || cd.find('"', cd.find('"') + 1) != cd.rfind('"')))
    __builtin_trap();

  // Percent-encoding: reversible, and only unreserved bytes and escapes.
  for (bool keep_slash : {false, true}) {
    const std::string enc = http::percent_encode(text, keep_slash);
    if (http::percent_decode(enc) != std::string(text)) __builtin_trap();
    for (char ch : enc)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || std::strchr("-._~%", ch) ||
            (keep_slash && ch == '/')))
        __builtin_trap();
  }
  return 0;
}
