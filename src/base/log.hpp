// Structured logs: one JSON object per line on standard error.
//
//   log::info("http.request", {{"method", "GET"}, {"status", 200}});
//   -> {"ts":"2026-11-29T17:09:45.123Z","level":"info","msg":"http.request","method":"GET","status":200}
//
// Thread-safe: each line is written with one write(2). Never pass a secret
// (password, token, key) as a field.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace ruche::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  template <class I>
    requires std::is_integral_v<I> && (!std::is_same_v<I, bool>)
  Field(std::string_view k, I v) : key(k), value(static_cast<std::int64_t>(v)) {}

  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;
};

using Fields = std::initializer_list<Field>;

void set_level(Level level);
Level level();
// Redirects output to a file descriptor (tests); the default is 2.
void set_fd(int fd);

void write(Level level, std::string_view msg, Fields fields = {});
inline void debug(std::string_view msg, Fields f = {}) { write(Level::debug, msg, f); }
inline void info(std::string_view msg, Fields f = {}) { write(Level::info, msg, f); }
inline void warn(std::string_view msg, Fields f = {}) { write(Level::warn, msg, f); }
inline void error(std::string_view msg, Fields f = {}) { write(Level::error, msg, f); }

// Appends `s` to `out` as the inside of a JSON string (no quotes).
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace ruche::log
