// Archives from workspace imports (tar::Reader): whatever the bytes, reading
// ends, never reads more content than the input holds, and every entry it
// hands out has a path that stays inside the extraction folder (relative,
// no empty, "." or ".." part, no NUL) and writes back as a header.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/tar.hpp"

namespace {

bool inside(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.find('\0') != std::string_view::npos) return false;
  for (std::size_t start = 0; start <= p.size();) {
    std::size_t slash = p.find('/', start);
    if (slash == std::string_view::npos) slash = p.size();
    std::string_view part = p.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t pos = 0;
  ruche::tar::Reader r([&](char* buf, std::size_t n) -> ruche::Result<std::size_t> {
    const std::size_t k = std::min({n, size - pos, std::size_t{300}});  // uneven pieces
    std::memcpy(buf, data + pos, k);
    pos += k;
    return k;
  });
  std::uint64_t content = 0;
  for (int entries = 0;; ++entries) {
    auto e = r.next();
    if (!e || !*e) break;
    if (!inside((*e)->path)) __builtin_trap();
    if (!ruche::tar::header(**e)) __builtin_trap();
    if (entries % 2 == 0) {
      auto all = r.read_all(1u << 20);
      if (all) content += all->size();
    } else {
      char buf[97];
      for (;;) {
        auto n = r.read(buf, sizeof buf);
        if (!n || *n == 0) break;
        content += *n;
      }
    }
    if (content > size) __builtin_trap();
  }
  return 0;
}
