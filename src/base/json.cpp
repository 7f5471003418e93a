#include "base/json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/utf8.hpp"

namespace ruche::json {

Result<value> parse(std::string_view text, std::size_t max_depth) {
  boost::json::parse_options opt;
  opt.max_depth = max_depth;
  boost::system::error_code ec;
  value v = boost::json::parse(text, ec, {}, opt);
  if (ec) return fail(Errc::invalid, "body is not valid JSON: " + ec.message(), "invalid_json");
  return v;
}

std::string serialize(const value& v) { return boost::json::serialize(v); }

std::string check_string(std::string_view s, const StringBounds& b) {
  if (s.size() < b.min) return b.min == 1 ? "must not be empty" : "is too short";
  if (s.size() > b.max) return "is longer than " + std::to_string(b.max) + " bytes";
  for (unsigned char c : s) {
    if (c == 0) return "contains a NUL character";
    if (b.single_line && (c < 0x20 || c == 0x7f)) return "contains a control character";
  }
  // A JSON string is (its parser checks); a query parameter or a path's
  // part, decoded from %XX, may not be.
  if (!valid_utf8(s)) return "is not valid UTF-8";
  return {};
}

Result<In> In::parse(std::string_view text, bool empty_ok) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (empty_ok) return In(object{});
    return fail(Errc::invalid, "a JSON object body is required", "invalid_json");
  }
  RUCHE_TRY(value v, json::parse(text));
  if (!v.is_object()) return fail(Errc::invalid, "body must be a JSON object", "invalid_json");
  return In(std::move(v.as_object()));
}

bool In::has(std::string_view key) const { return obj_.contains(key); }

bool In::is_null(std::string_view key) const {
  auto* v = obj_.if_contains(key);
  return v && v->is_null();
}

const value* In::raw(std::string_view key) const { return obj_.if_contains(key); }

void In::reject(std::string_view key, std::string_view why) {
  if (error_) return;
  error_ = Error{Errc::invalid, std::string(key) + " " + std::string(why), "invalid_field"};
}

bool In::check_string(std::string_view key, const value& v, const StringBounds& b,
                      std::string& out) {
  if (!v.is_string()) {
    reject(key, "must be a string");
    return false;
  }
  std::string_view s = v.as_string();
  std::string why = json::check_string(s, b);
  if (!why.empty()) {
    reject(key, why);
    return false;
  }
  out.assign(s);
  return true;
}

std::string In::string(std::string_view key, StringBounds b, Presence p) {
  std::string out;
  if (error_) return out;
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (p == kRequired) reject(key, "is required");
    return out;
  }
  check_string(key, *v, b, out);
  return out;
}

std::optional<std::string> In::opt_string(std::string_view key, StringBounds b) {
  if (error_) return std::nullopt;
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  std::string out;
  if (!check_string(key, *v, b, out)) return std::nullopt;
  return out;
}

std::int64_t In::integer(std::string_view key, std::int64_t min, std::int64_t max, Presence p,
                         std::int64_t fallback) {
  if (error_) return fallback;
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (p == kRequired) reject(key, "is required");
    return fallback;
  }
  std::int64_t n;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->as_uint64());
  } else {
    reject(key, "must be an integer");
    return fallback;
  }
  if (n < min || n > max) {
    reject(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return fallback;
  }
  return n;
}

std::optional<std::int64_t> In::opt_integer(std::string_view key, std::int64_t min,
                                            std::int64_t max) {
  if (error_) return std::nullopt;
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  std::int64_t n = integer(key, min, max);
  if (error_) return std::nullopt;
  return n;
}

bool In::boolean(std::string_view key, Presence p, bool fallback) {
  if (error_) return fallback;
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (p == kRequired) reject(key, "is required");
    return fallback;
  }
  if (!v->is_bool()) {
    reject(key, "must be true or false");
    return fallback;
  }
  return v->as_bool();
}

std::optional<bool> In::opt_boolean(std::string_view key) {
  if (error_) return std::nullopt;
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  bool b = boolean(key);
  if (error_) return std::nullopt;
  return b;
}

std::vector<std::string> In::string_list(std::string_view key, ListBounds b, Presence p) {
  std::vector<std::string> out;
  if (error_) return out;
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) {
    if (p == kRequired) reject(key, "is required");
    return out;
  }
  if (!v->is_array()) {
    reject(key, "must be a list of strings");
    return out;
  }
  const auto& arr = v->as_array();
  if (arr.size() > b.max_items) {
    reject(key, "has more than " + std::to_string(b.max_items) + " items");
    return out;
  }
  out.reserve(arr.size());
  for (const auto& item : arr) {
    std::string s;
    if (!check_string(key, item, b.item, s)) return {};
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<std::vector<std::string>> In::opt_string_list(std::string_view key, ListBounds b) {
  if (error_) return std::nullopt;
  auto* v = obj_.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  auto list = string_list(key, b);
  if (error_) return std::nullopt;
  return list;
}

}  // namespace ruche::json
