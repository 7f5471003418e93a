// Writing iCalendar (RFC 5545): components, properties with their values
// escaped (TEXT: backslash, semicolon, comma, newline) and content lines
// folded at 75 octets without splitting a UTF-8 character. What exports
// write (tasks as VTODO) and what CalDAV will answer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ruche::dav {

class IcalWriter {
 public:
  void begin(std::string_view component);  // BEGIN:VTODO
  void end(std::string_view component);
  // `name` may carry parameters ("DUE;VALUE=DATE"); `value` is written as is.
  void raw(std::string_view name, std::string_view value);
  // A TEXT value, escaped.
  void text(std::string_view name, std::string_view value);
  // A list of TEXT values (CATEGORIES), each escaped, joined by commas.
  void texts(std::string_view name, const std::vector<std::string>& values);
  // A UTC DATE-TIME ("20261129T170945Z"), from Unix milliseconds.
  void time(std::string_view name, std::int64_t unix_ms);
  // Content lines already written (folded, each CRLF ended), kept as they
  // are: what a client sent that the writer does not model.
  void lines(std::string_view content_lines);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void line(std::string_view content);
  std::string out_;
};

// RFC 5545 TEXT escaping of `value`.
std::string ical_escape(std::string_view value);
// A parameter value (a CN), quoted: RFC 6868's ^^, ^' and ^n for what a
// quoted value cannot hold; other control characters left out.
std::string ical_param(std::string_view value);
// "20261129T170945Z".
std::string ical_utc(std::int64_t unix_ms);

}  // namespace ruche::dav
