// Bounded JSON parsing and typed reading of request objects.
//
//   RUCHE_TRY(auto in, json::In::parse(body));
//   auto name = in.string("name", {.min = 1, .max = 200});
//   auto modules = in.string_list("modules", {.max_items = 16}, json::kOptional);
//   if (!in.ok()) return in.error();        // 400 naming the first bad field
//
// Every accessor bounds what it accepts; the first failure is kept and later
// calls become no-ops returning defaults, so a handler checks ok() once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include "base/result.hpp"

namespace ruche::json {

using boost::json::array;
using boost::json::object;
using boost::json::value;

inline constexpr std::size_t kMaxDepth = 32;

// Parses `text` as one JSON value: depth ≤ kMaxDepth, valid UTF-8, no
// comments or trailing data. Errors are Errc::invalid ("invalid_json").
Result<value> parse(std::string_view text, std::size_t max_depth = kMaxDepth);

// Serializes compactly.
std::string serialize(const value& v);

struct StringBounds {
  std::size_t min = 0;           // in bytes
  std::size_t max = 1000;        // in bytes
  bool single_line = true;       // refuse control characters (names, titles)
};

struct ListBounds {
  std::size_t max_items = 100;
  StringBounds item{};
};

enum Presence { kRequired, kOptional };

class In {
 public:
  // Parses `text`; it must be a JSON object. An empty body reads as {} when
  // `empty_ok` (for endpoints whose every field is optional).
  static Result<In> parse(std::string_view text, bool empty_ok = false);
  explicit In(object obj) : obj_(std::move(obj)) {}

  bool has(std::string_view key) const;
  // The field is present and JSON null.
  bool is_null(std::string_view key) const;

  std::string string(std::string_view key, StringBounds b = {}, Presence p = kRequired);
  std::optional<std::string> opt_string(std::string_view key, StringBounds b = {});
  std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max,
                       Presence p = kRequired, std::int64_t fallback = 0);
  std::optional<std::int64_t> opt_integer(std::string_view key, std::int64_t min, std::int64_t max);
  bool boolean(std::string_view key, Presence p = kRequired, bool fallback = false);
  std::optional<bool> opt_boolean(std::string_view key);
  std::vector<std::string> string_list(std::string_view key, ListBounds b = {},
                                       Presence p = kRequired);
  std::optional<std::vector<std::string>> opt_string_list(std::string_view key, ListBounds b = {});
  // The raw value, or nullptr when absent.
  const value* raw(std::string_view key) const;

  // Records a failure on `key` (for rules the accessors cannot express).
  void reject(std::string_view key, std::string_view why);

  bool ok() const { return !error_.has_value(); }
  Error error() const { return error_.value_or(Error{}); }

  const object& object_value() const { return obj_; }

 private:
  bool check_string(std::string_view key, const value& v, const StringBounds& b, std::string& out);

  object obj_;
  std::optional<Error> error_;
};

// Checks a string against bounds (used by In and by query-parameter readers).
// Returns the reason it fails, or empty.
std::string check_string(std::string_view s, const StringBounds& b);

}  // namespace ruche::json
