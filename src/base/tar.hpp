// POSIX tar (pax interchange format, POSIX.1-2001) written as a stream:
// every entry is a header, its bytes, then zeros up to the next 512-byte
// block; two zero blocks end the archive. What ustar cannot hold (a path
// longer than 100 bytes or not ASCII, a size of 8 GiB or more) goes in a pax
// extended header before it, as GNU tar, bsdtar, 7-Zip and Python's tarfile
// read it. Used by workspace exports and imports (SECURITY.md DATA-4): an
// export must open anywhere without Ruche.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
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

// Reads an archive as a stream: ustar and pax headers (path, size, mtime),
// GNU long names, folders and regular files. Anything else — links, devices,
// a bad checksum, a path that would escape (absolute, "." or ".." parts), a
// pax record larger than kMaxPaxBytes — is invalid: an import never follows
// a link out of the archive. Leading "./" and a folder's trailing "/" are
// dropped from paths.
class Reader {
 public:
  static constexpr std::size_t kMaxPaxBytes = 1u << 20;
  // Reads up to `size` bytes into `buf`; 0 at the end of the input.
  using Source = std::function<Result<std::size_t>(char* buf, std::size_t size)>;
  explicit Reader(Source in) : in_(std::move(in)) {}

  // The next entry (what is left of the current one is skipped), or none at
  // the end of the archive. Errors: invalid (as above, or the input ends
  // inside a header or an entry), or the source's.
  Result<std::optional<Entry>> next();
  // Up to `size` bytes of the current entry's content; 0 at its end.
  Result<std::size_t> read(char* buf, std::size_t size);
  // The rest of the current entry whole; invalid beyond `max` bytes.
  Result<std::string> read_all(std::size_t max);

 private:
  Result<void> fill(char* buf, std::size_t size);  // exactly `size` bytes
  Result<void> skip(std::uint64_t size);

  Source in_;
  std::uint64_t left_ = 0;     // content bytes of the current entry not read yet
  std::size_t padding_ = 0;    // then zeros to the next block
  bool ended_ = false;
};

}  // namespace ruche::tar
