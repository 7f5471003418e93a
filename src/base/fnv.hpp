// FNV-1a, 64 bits: a fast digest for names and tags that need only differ
// when what they stand for does (a static file's ETag, a calendar feed's
// CTag, a feed's object names). Not for anything an adversary gains by
// making two inputs collide: use core/crypto's hashes there.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ruche {

inline constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;

// `data`'s digest, or with `h` a previous digest, that of what it stood for
// followed by `data`.
constexpr std::uint64_t fnv1a(std::string_view data, std::uint64_t h = kFnvOffset) {
  for (unsigned char ch : data) h = (h ^ ch) * 1099511628211ull;
  return h;
}

// A digest as 16 lower-case hexadecimal digits.
inline std::string fnv_hex(std::uint64_t h) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

}  // namespace ruche
