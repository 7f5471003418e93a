// POSIX tar (pax interchange format, POSIX.1-2001) written as a stream:
// every entry is a header, its bytes, then zeros up to the next 512-byte
// block; two zero blocks end the archive. What ustar cannot hold (a path
// longer than 100 bytes or not ASCII, a size of 8 GiB or more) goes in a pax
// extended header before it, as GNU tar, bsdtar, 7-Zip and Python's tarfile
// read it. Used by workspace exports (SECURITY.md DATA-4), which must open
// anywhere without Ruche.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace ruche::tar {

inline constexpr std::size_t kBlock = 512;

struct Entry {
  std::string path;          // relative, '/'-separated, UTF-8; a folder's without the trailing '/'
  bool folder = false;
  std::uint64_t size = 0;    // bytes that follow (0 for a folder)
  std::int64_t mtime_s = 0;  // seconds since 1970 (earlier: pax only; ustar says 0)
};

// The header block(s) that precede the entry's bytes. Errors (invalid): an
// empty path, a NUL in it, an absolute one or one with a "." or ".." part
// (an archive must never write outside the folder it is extracted in).
Result<std::string> header(const Entry& e);
// How many zero bytes follow `size` bytes of content to fill their last block.
std::size_t padding(std::uint64_t size);
// The end of the archive: two zero blocks.
std::string_view end();

}  // namespace ruche::tar
