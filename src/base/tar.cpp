#include "base/tar.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

namespace ruche::tar {
namespace {

constexpr std::uint64_t kMaxUstarNumber = 077777777777ULL;  // 11 octal digits

// `value` as `width - 1` octal digits and a NUL, at `at`.
void octal(std::string& block, std::size_t at, std::size_t width, std::uint64_t value) {
  for (std::size_t i = width - 1; i-- > 0;) {
    block[at + i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  block[at + width - 1] = '\0';
}

// One "LEN key=value\n" record; LEN counts the whole record, itself included.
void record(std::string& out, std::string_view key, std::string_view value) {
  const std::size_t rest = 1 + key.size() + 1 + value.size() + 1;  // " key=value\n"
  std::size_t len = rest + 1;
  while (std::to_string(len).size() + rest != len) len = std::to_string(len).size() + rest;
  out += std::to_string(len);
  out += ' ';
  out += key;
  out += '=';
  out += value;
  out += '\n';
}

std::string ustar(std::string_view name, char type, std::uint64_t size, std::int64_t mtime_s) {
  std::string b(kBlock, '\0');
  // A fallback for readers without pax: ASCII, cut to the field.
  for (std::size_t i = 0; i < name.size() && i < 100; ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    b[i] = c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '_';
  }
  octal(b, 100, 8, type == '5' ? 0755 : 0644);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, size > kMaxUstarNumber ? 0 : size);
  octal(b, 136, 12, mtime_s < 0 ? 0 : std::min<std::uint64_t>(static_cast<std::uint64_t>(mtime_s), kMaxUstarNumber));
  b[156] = type;
  std::memcpy(&b[257], "ustar", 6);  // magic, NUL-terminated
  std::memcpy(&b[263], "00", 2);     // version
  std::memset(&b[148], ' ', 8);      // the checksum counts its own field as blanks
  unsigned sum = 0;
  for (char c : b) sum += static_cast<unsigned char>(c);
  octal(b, 148, 7, sum);
  b[155] = ' ';
  return b;
}

bool fits_ustar(std::string_view name) {
  if (name.size() > 100) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return false;
  }
  return true;
}

}  // namespace

Result<std::string> header(const Entry& e) {
  std::string_view p = e.path;
  if (p.empty() || p.front() == '/' || p.find('\0') != std::string_view::npos)
    return fail(Errc::invalid, "tar: bad entry path");
  for (std::size_t start = 0; start <= p.size();) {
    std::size_t slash = p.find('/', start);
    if (slash == std::string_view::npos) slash = p.size();
    std::string_view part = p.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return fail(Errc::invalid, "tar: bad entry path");
    start = slash + 1;
  }
  const std::string name = e.folder ? e.path + "/" : e.path;
  const std::uint64_t size = e.folder ? 0 : e.size;
  std::string pax;
  if (!fits_ustar(name)) record(pax, "path", name);
  if (size > kMaxUstarNumber) record(pax, "size", std::to_string(size));
  if (e.mtime_s < 0 || static_cast<std::uint64_t>(e.mtime_s) > kMaxUstarNumber)
    record(pax, "mtime", std::to_string(e.mtime_s));
  std::string out;
  if (!pax.empty()) {
    out = ustar("PaxHeader", 'x', pax.size(), e.mtime_s);
    out += pax;
    out.append(padding(pax.size()), '\0');
  }
  out += ustar(name, e.folder ? '5' : '0', size, e.mtime_s);
  return out;
}

std::size_t padding(std::uint64_t size) { return static_cast<std::size_t>((kBlock - size % kBlock) % kBlock); }

std::string_view end() {
  static const std::array<char, 2 * kBlock> zeros{};
  return {zeros.data(), zeros.size()};
}

}  // namespace ruche::tar
