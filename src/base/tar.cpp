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

// A relative path that stays inside the folder it is extracted in.
Result<void> check_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.find('\0') != std::string_view::npos)
    return fail(Errc::invalid, "tar: bad entry path");
  for (std::size_t start = 0; start <= p.size();) {
    std::size_t slash = p.find('/', start);
    if (slash == std::string_view::npos) slash = p.size();
    std::string_view part = p.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return fail(Errc::invalid, "tar: bad entry path");
    start = slash + 1;
  }
  return {};
}

}  // namespace

Result<std::string> header(const Entry& e) {
  RUCHE_CHECK(check_path(e.path));
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

// --- Reading ------------------------------------------------------------------

namespace {

Result<void> truncated() { return fail(Errc::invalid, "tar: the archive ends too early"); }

// A NUL- or blank-terminated octal field, or GNU's base-256 form.
std::optional<std::uint64_t> number(std::string_view f) {
  if (!f.empty() && (static_cast<unsigned char>(f[0]) & 0x80)) {
    std::uint64_t v = static_cast<unsigned char>(f[0]) & 0x3f;
    for (std::size_t i = 1; i < f.size(); ++i) {
      if (v >> 55) return std::nullopt;
      v = (v << 8) | static_cast<unsigned char>(f[i]);
    }
    return v;
  }
  std::size_t i = 0;
  while (i < f.size() && f[i] == ' ') ++i;
  std::uint64_t v = 0;
  bool digits = false;
  for (; i < f.size() && f[i] >= '0' && f[i] <= '7'; ++i) {
    if (v >> 60) return std::nullopt;
    v = v * 8 + static_cast<std::uint64_t>(f[i] - '0');
    digits = true;
  }
  for (; i < f.size(); ++i)
    if (f[i] != ' ' && f[i] != '\0') return std::nullopt;
  if (!digits) return f.find_first_not_of(std::string_view(" \0", 2)) == std::string_view::npos ? 0 : std::optional<std::uint64_t>();
  return v;
}

std::string_view field(const char* block, std::size_t at, std::size_t width) {
  std::string_view f(block + at, width);
  return f.substr(0, std::min(f.find('\0'), f.size()));
}

std::optional<std::int64_t> decimal(std::string_view v) {
  bool neg = !v.empty() && v.front() == '-';
  if (neg) v.remove_prefix(1);
  v = v.substr(0, v.find('.'));  // fractions of a second dropped
  if (v.empty() || v.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return neg ? -n : n;
}

struct Overrides {
  std::optional<std::string> path;
  std::optional<std::uint64_t> size;
  std::optional<std::int64_t> mtime_s;
};

Result<void> parse_pax(std::string_view text, Overrides& o) {
  while (!text.empty()) {
    std::size_t sp = text.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp > 8) return fail(Errc::invalid, "tar: bad pax record");
    std::size_t len = 0;
    for (char c : text.substr(0, sp)) {
      if (c < '0' || c > '9') return fail(Errc::invalid, "tar: bad pax record");
      len = len * 10 + static_cast<std::size_t>(c - '0');
    }
    if (len <= sp + 1 || len > text.size() || text[len - 1] != '\n') return fail(Errc::invalid, "tar: bad pax record");
    std::string_view kv = text.substr(sp + 1, len - sp - 2);
    text.remove_prefix(len);
    std::size_t eq = kv.find('=');
    if (eq == std::string_view::npos) return fail(Errc::invalid, "tar: bad pax record");
    std::string_view key = kv.substr(0, eq), value = kv.substr(eq + 1);
    if (key == "path") {
      o.path = std::string(value);
    } else if (key == "size") {
      auto n = decimal(value);
      if (!n || *n < 0) return fail(Errc::invalid, "tar: bad pax size");
      o.size = static_cast<std::uint64_t>(*n);
    } else if (key == "mtime") {
      auto n = decimal(value);
      if (!n) return fail(Errc::invalid, "tar: bad pax mtime");
      o.mtime_s = *n;
    }
  }
  return {};
}

}  // namespace

Result<void> Reader::fill(char* buf, std::size_t size) {
  for (std::size_t done = 0; done < size;) {
    RUCHE_TRY(std::size_t n, in_(buf + done, size - done));
    if (n == 0) return truncated();
    done += n;
  }
  return {};
}

Result<void> Reader::skip(std::uint64_t size) {
  char scratch[16384];
  while (size > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, sizeof scratch));
    RUCHE_CHECK(fill(scratch, n));
    size -= n;
  }
  return {};
}

Result<std::optional<Entry>> Reader::next() {
  if (ended_) return std::optional<Entry>();
  RUCHE_CHECK(skip(left_ + padding_));
  left_ = 0;
  padding_ = 0;
  Overrides o;
  for (;;) {
    char b[kBlock];
    RUCHE_CHECK(fill(b, kBlock));
    if (std::all_of(b, b + kBlock, [](char c) { return c == 0; })) {
      ended_ = true;
      return std::optional<Entry>();
    }
    auto recorded = number(std::string_view(b + 148, 8));
    unsigned sum = 0;
    for (std::size_t i = 0; i < kBlock; ++i) sum += i >= 148 && i < 156 ? ' ' : static_cast<unsigned char>(b[i]);
    const std::string_view magic(b + 257, 6);
    if (!recorded || *recorded != sum || (magic != std::string_view("ustar\0", 6) && magic != "ustar "))
      return fail(Errc::invalid, "tar: not a tar header (checksum or magic)");
    auto size = number(std::string_view(b + 124, 12));
    auto mtime = number(std::string_view(b + 136, 12));
    if (!size || !mtime) return fail(Errc::invalid, "tar: bad size or date");
    const char type = b[156];
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
      if (*size > kMaxPaxBytes) return fail(Errc::invalid, "tar: extended header too large");
      std::string text(static_cast<std::size_t>(*size), '\0');
      RUCHE_CHECK(fill(text.data(), text.size()));
      RUCHE_CHECK(skip(padding(*size)));
      if (type == 'x') {
        RUCHE_CHECK(parse_pax(text, o));
      } else if (type == 'L') {
        o.path = text.substr(0, std::min(text.find('\0'), text.size()));
      }
      continue;  // 'g' (global) and 'K' (a link's target) change nothing here
    }
    if (type != '0' && type != '\0' && type != '7' && type != '5')
      return fail(Errc::invalid, "tar: only files and folders are read (no links or devices)");
    Entry e;
    if (o.path) {
      e.path = std::move(*o.path);
    } else {
      std::string_view prefix = magic == "ustar " ? std::string_view() : field(b, 345, 155);
      e.path = prefix.empty() ? std::string(field(b, 0, 100)) : std::string(prefix) + "/" + std::string(field(b, 0, 100));
    }
    e.folder = type == '5';
    while (e.path.size() > 1 && e.path.back() == '/') e.path.pop_back();
    while (e.path.starts_with("./")) e.path.erase(0, 2);
    RUCHE_CHECK(check_path(e.path));
    const std::uint64_t content = o.size.value_or(*size);
    e.size = e.folder ? 0 : content;
    e.mtime_s = o.mtime_s.value_or(static_cast<std::int64_t>(*mtime));
    left_ = content;
    padding_ = padding(content);
    if (e.folder) {  // a folder's content, if any, is skipped
      RUCHE_CHECK(skip(left_ + padding_));
      left_ = 0;
      padding_ = 0;
    }
    return std::optional<Entry>(std::move(e));
  }
}

Result<std::size_t> Reader::read(char* buf, std::size_t size) {
  if (left_ == 0 || size == 0) return std::size_t{0};
  const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(size, left_));
  RUCHE_TRY(std::size_t n, in_(buf, want));
  if (n == 0) return tl::unexpected(truncated().error());
  left_ -= n;
  return n;
}

Result<std::string> Reader::read_all(std::size_t max) {
  if (left_ > max) return fail(Errc::invalid, "tar: an entry is larger than " + std::to_string(max) + " bytes");
  std::string out(static_cast<std::size_t>(left_), '\0');
  RUCHE_CHECK(fill(out.data(), out.size()));
  left_ = 0;
  return out;
}

}  // namespace ruche::tar
