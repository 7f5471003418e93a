// WebDAV request parsing (SECURITY.md IO-2, REL-3): XML bodies (PROPFIND,
// PROPPATCH, LOCK) and the If, Depth, Overwrite, Timeout, date and
// conditional (If-Match, If-None-Match, If-Unmodified-Since) headers. The
// first byte picks the parser. Invariants: no crash, bounds kept, a parsed
// document serializes to XML that parses again to the same serialization, a
// parsed date formats back to itself, and a strong entity-tag match is also
// a weak one.
#include <cstdint>
#include <string_view>

#include "dav/dav.hpp"
#include "dav/xml.hpp"

using namespace ruche::dav;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      auto doc = parse_xml(in);
      if (doc) {
        std::string once = serialize_element(*doc);
        auto again = parse_xml(once);
        if (!again || serialize_element(*again) != once) __builtin_trap();
      }
      break;
    }
    case 1:
      (void)parse_propfind(in);
      break;
    case 2:
      (void)parse_proppatch(in);
      break;
    case 3:
      (void)parse_lockinfo(in);
      break;
    case 4:
      (void)parse_if(in);
      break;
    default: {
      (void)parse_depth(in, Depth::one);
      (void)parse_overwrite(in);
      const std::int64_t timeout = parse_timeout_s(in, 180, 3600);
      if (timeout < 1 || timeout > 3600) __builtin_trap();
      const auto date = parse_http_date(in);
      if (date && parse_http_date(http_date(*date)) != date) __builtin_trap();
      if (unmodified_since(in, in) || unmodified_since(std::nullopt, in) != date) __builtin_trap();
      // The input as a list, against a tag of its own and a fixed one.
      const std::string_view own = in.substr(0, in.find(','));
      for (std::string_view etag : {own, std::string_view("\"abc\"")})
        if (etag_listed(in, etag, false) && !etag_listed(in, etag, true)) __builtin_trap();
      break;
    }
  }
  return 0;
}
