#include "base/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "base/clock.hpp"

namespace ruche::log {

namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::atomic<int> g_fd{2};

const char* level_name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}
}  // namespace

void set_level(Level l) { g_level = static_cast<int>(l); }
Level level() { return static_cast<Level>(g_level.load()); }
void set_fd(int fd) { g_fd = fd; }

void append_json_escaped(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::size_t plain = 0;  // where the bytes not yet copied start
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(s.data() + plain, s.size() - plain);
}

void write(Level l, std::string_view msg, Fields fields) {
  if (static_cast<int>(l) < g_level.load(std::memory_order_relaxed)) return;
  std::string line;
  line.reserve(160);
  line += "{\"ts\":\"";
  line += format_iso8601(SystemClock::instance().now_ms());
  line += "\",\"level\":\"";
  line += level_name(l);
  line += "\",\"msg\":\"";
  append_json_escaped(line, msg);
  line += '"';
  for (const Field& f : fields) {
    line += ",\"";
    append_json_escaped(line, f.key);
    line += "\":";
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string_view>) {
            line += '"';
            append_json_escaped(line, v);
            line += '"';
          } else if constexpr (std::is_same_v<V, bool>) {
            line += v ? "true" : "false";
          } else if constexpr (std::is_same_v<V, double>) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.6g", v);
            line += buf;
          } else {
            line += std::to_string(v);
          }
        },
        f.value);
  }
  line += "}\n";
  const char* p = line.data();
  std::size_t left = line.size();
  int fd = g_fd.load(std::memory_order_relaxed);
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace ruche::log
