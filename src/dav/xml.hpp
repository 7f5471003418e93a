// Bounded, namespace-aware XML for WebDAV and CalDAV bodies (SECURITY.md IO-2).
//
// parse() builds a small element tree with expat. A document type
// declaration (and so any entity declaration) is refused outright: no
// external entities, no entity expansion, no billion laughs. Depth, element
// count and size are bounded. Names carry their namespace URI, never a prefix.
//
// Thread-safety: pure functions; values are plain data.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ruche::dav {

inline constexpr std::size_t kMaxXmlDepth = 64;
inline constexpr std::size_t kMaxXmlElements = 20'000;
inline constexpr std::size_t kMaxXmlBytes = 1 << 20;

struct XmlElement {
  std::string ns;     // namespace URI ("DAV:"), "" when none
  std::string name;   // local name
  std::vector<std::pair<std::string, std::string>> attrs;  // "uri|local" or "local" -> value
  std::vector<XmlElement> children;
  std::string text;   // character data directly inside this element

  bool is(std::string_view uri, std::string_view local) const { return ns == uri && name == local; }
  // The first child named (uri, local), or null.
  const XmlElement* child(std::string_view uri, std::string_view local) const;
};

// Parses one document. Errors: invalid (malformed, DOCTYPE present, bounds
// exceeded, undeclared or empty namespace prefixes).
Result<XmlElement> parse_xml(std::string_view text);

// Escapes text for element content and attribute values.
std::string xml_escape(std::string_view s);

// Serializes `e` with explicit namespace declarations on every element, so
// the text stands alone wherever it is pasted (dead property values).
std::string serialize_element(const XmlElement& e);
// The children and text of `e`, serialized as above (a property's value).
std::string serialize_content(const XmlElement& e);

}  // namespace ruche::dav
