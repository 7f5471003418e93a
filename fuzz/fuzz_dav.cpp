// WebDAV request parsing (SECURITY.md IO-2, REL-3): XML bodies (PROPFIND,
// PROPPATCH, LOCK) and the If, Depth, Overwrite and date headers. The first
// byte picks the parser. Invariants: no crash, bounds kept, and a parsed
// document serializes to XML that parses again to the same serialization.
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
    default:
      (void)parse_depth(in, Depth::one);
      (void)parse_overwrite(in);
      (void)parse_http_date(in);
      break;
  }
  return 0;
}
