#include "dav/xml.hpp"

#include <expat.h>

#include <memory>

namespace ruche::dav {

namespace {

constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
constexpr char kSep = '\x01';  // between namespace URI and local name (never in a name)

struct Builder {
  XML_Parser parser = nullptr;
  std::vector<XmlElement*> stack;
  XmlElement root;
  bool have_root = false;
  std::size_t elements = 0;
  std::string error;

  void stop(std::string why) {
    if (error.empty()) error = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
};

void split_name(const char* full, std::string& ns, std::string& local) {
  std::string_view s(full);
  // The last separator: a namespace URI may contain the separator, a local
  // name never does.
  auto sep = s.rfind(kSep);
  if (sep == std::string_view::npos) {
    ns.clear();
    local.assign(s);
  } else {
    ns.assign(s.substr(0, sep));
    local.assign(s.substr(sep + 1));
  }
}

void XMLCALL on_start(void* data, const char* name, const char** attrs) {
  auto* b = static_cast<Builder*>(data);
  if (!b->error.empty()) return;
  if (++b->elements > kMaxXmlElements) return b->stop("too many XML elements");
  if (b->stack.size() >= kMaxXmlDepth) return b->stop("XML nested too deeply");
  XmlElement e;
  split_name(name, e.ns, e.name);
  for (std::size_t i = 0; attrs[i]; i += 2) {
    std::string key(attrs[i]);
    for (auto& ch : key)
      if (ch == kSep) ch = '|';
    e.attrs.emplace_back(std::move(key), attrs[i + 1]);
  }
  if (b->stack.empty()) {
    if (b->have_root) return b->stop("more than one root element");
    b->root = std::move(e);
    b->have_root = true;
    b->stack.push_back(&b->root);
  } else {
    XmlElement* parent = b->stack.back();
    parent->children.push_back(std::move(e));
    b->stack.push_back(&parent->children.back());
  }
}

void XMLCALL on_end(void* data, const char*) {
  auto* b = static_cast<Builder*>(data);
  if (!b->error.empty() || b->stack.empty()) return;
  b->stack.pop_back();
}

void XMLCALL on_text(void* data, const char* s, int len) {
  auto* b = static_cast<Builder*>(data);
  if (!b->error.empty() || b->stack.empty()) return;
  b->stack.back()->text.append(s, static_cast<std::size_t>(len));
}

void XMLCALL on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<Builder*>(data)->stop("document type declarations are not accepted");
}

void XMLCALL on_entity(void* data, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                       const XML_Char*, const XML_Char*, const XML_Char*) {
  static_cast<Builder*>(data)->stop("entity declarations are not accepted");
}

// Namespaces in use while serializing: uri -> prefix, scoped per element.
struct NsScope {
  std::vector<std::pair<std::string, std::string>> bound;  // (uri, prefix)
  int next = 0;
};

void write_element(const XmlElement& e, std::string& out, int& counter) {
  std::string prefix;
  std::string decl;
  if (e.ns.empty()) {
    decl = " xmlns=\"\"";
  } else if (e.ns == kXmlNamespace) {
    prefix = "xml";  // predeclared; binding it to another prefix is an error
  } else {
    prefix = "n" + std::to_string(counter++);
    decl = " xmlns:" + prefix + "=\"" + xml_escape(e.ns) + "\"";
  }
  std::string qname = prefix.empty() ? e.name : prefix + ":" + e.name;
  out += '<';
  out += qname;
  out += decl;
  for (const auto& [k, v] : e.attrs) {
    auto bar = k.rfind('|');  // "uri|local": the URI may contain '|'
    if (bar == std::string::npos) {
      out += ' ' + k + "=\"" + xml_escape(v) + "\"";
    } else if (k.compare(0, bar, kXmlNamespace) == 0 && bar == kXmlNamespace.size()) {
      out += " xml:" + k.substr(bar + 1) + "=\"" + xml_escape(v) + "\"";
    } else {
      std::string p = "a" + std::to_string(counter++);
      out += " xmlns:" + p + "=\"" + xml_escape(k.substr(0, bar)) + "\" " + p + ":" +
             k.substr(bar + 1) + "=\"" + xml_escape(v) + "\"";
    }
  }
  if (e.children.empty() && e.text.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  out += xml_escape(e.text);
  for (const auto& c : e.children) write_element(c, out, counter);
  out += "</" + qname + ">";
}

}  // namespace

const XmlElement* XmlElement::child(std::string_view uri, std::string_view local) const {
  for (const auto& c : children)
    if (c.is(uri, local)) return &c;
  return nullptr;
}

Result<XmlElement> parse_xml(std::string_view text) {
  if (text.size() > kMaxXmlBytes) return fail(Errc::too_large, "XML body too large");
  Builder b;
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
      XML_ParserCreateNS("UTF-8", kSep), &XML_ParserFree);
  if (!parser) return fail(Errc::internal, "cannot create an XML parser");
  b.parser = parser.get();
  XML_SetUserData(b.parser, &b);
  XML_SetElementHandler(b.parser, on_start, on_end);
  XML_SetCharacterDataHandler(b.parser, on_text);
  XML_SetStartDoctypeDeclHandler(b.parser, on_doctype);
  XML_SetEntityDeclHandler(b.parser, on_entity);
  XML_SetParamEntityParsing(b.parser, XML_PARAM_ENTITY_PARSING_NEVER);
  auto status = XML_Parse(b.parser, text.data(), static_cast<int>(text.size()), XML_TRUE);
  if (!b.error.empty()) return fail(Errc::invalid, b.error, "invalid_xml");
  if (status != XML_STATUS_OK)
    return fail(Errc::invalid,
                std::string("malformed XML: ") + XML_ErrorString(XML_GetErrorCode(b.parser)),
                "invalid_xml");
  if (!b.have_root) return fail(Errc::invalid, "empty XML document", "invalid_xml");
  return std::move(b.root);
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string serialize_element(const XmlElement& e) {
  std::string out;
  int counter = 0;
  write_element(e, out, counter);
  return out;
}

std::string serialize_content(const XmlElement& e) {
  std::string out = xml_escape(e.text);
  int counter = 0;
  for (const auto& c : e.children) write_element(c, out, counter);
  return out;
}

}  // namespace ruche::dav
