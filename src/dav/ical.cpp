#include "dav/ical.hpp"

#include "base/clock.hpp"

namespace ruche::dav {

std::string ical_escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    char ch = value[i];
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < value.size() && value[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        // Other control characters are not allowed in TEXT (RFC 5545 3.3.11).
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t') break;
        out += ch;
    }
  }
  return out;
}

std::string ical_utc(std::int64_t unix_ms) {
  // "2026-11-29T17:09:45.123Z" -> "20261129T170945Z".
  std::string iso = format_iso8601(unix_ms);
  std::string out;
  for (char ch : iso.substr(0, 19))
    if (ch != '-' && ch != ':') out += ch;
  return out + "Z";
}

void IcalWriter::line(std::string_view content) {
  // Folded: at most 75 octets per line, continuation lines start with a
  // space (which counts), never inside a UTF-8 sequence.
  std::size_t limit = 75;
  while (content.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(content[cut]) & 0xC0) == 0x80) --cut;
    out_.append(content.substr(0, cut));
    out_ += "\r\n ";
    content.remove_prefix(cut);
    limit = 74;
  }
  out_.append(content);
  out_ += "\r\n";
}

void IcalWriter::begin(std::string_view component) {
  line("BEGIN:" + std::string(component));
}
void IcalWriter::end(std::string_view component) {
  line("END:" + std::string(component));
}

void IcalWriter::raw(std::string_view name, std::string_view value) {
  line(std::string(name) + ":" + std::string(value));
}

void IcalWriter::text(std::string_view name, std::string_view value) {
  raw(name, ical_escape(value));
}

std::string ical_param(std::string_view value) {
  std::string out = "\"";
  for (char ch : value) {
    if (ch == '^')
      out += "^^";
    else if (ch == '"')
      out += "^'";
    else if (ch == '\n')
      out += "^n";
    else if (static_cast<unsigned char>(ch) >= 0x20 || ch == '\t')
      out += ch;
  }
  return out + "\"";
}

void IcalWriter::texts(std::string_view name, const std::vector<std::string>& values) {
  std::string joined;
  for (const auto& v : values) {
    if (!joined.empty()) joined += ',';
    joined += ical_escape(v);
  }
  raw(name, joined);
}

void IcalWriter::lines(std::string_view content_lines) {
  out_.append(content_lines);
}

void IcalWriter::time(std::string_view name, std::int64_t unix_ms) {
  raw(name, ical_utc(unix_ms));
}

}  // namespace ruche::dav
