// Bytes written once, then read back once, in order: in memory up to a
// limit, past it in a file of its own in a given folder that has no name
// (O_TMPFILE; where the file system cannot, a name unlinked at once), so
// that nothing is left behind whatever happens to the process. For what
// must be taken quickly from a source that should not wait (a database
// snapshot) and handed at its own pace to a sink that may be slow (a
// client downloading an export).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace ruche {

class Spool {
 public:
  // `folder` is only used when the bytes outgrow `memory_limit`.
  Spool(std::string folder, std::size_t memory_limit);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Appends. Errors: internal (writing after rewind()), or the file's
  // (unavailable; insufficient_storage when the disk is full).
  Result<void> write(std::string_view bytes);
  // Ends the writing; reads start from the first byte.
  Result<void> rewind();
  // The next `n` bytes, in `out` (replaced). Errors: internal when fewer
  // than `n` are left or before rewind(), or the file's.
  Result<void> read(std::size_t n, std::string& out);

  std::uint64_t size() const { return size_; }
  std::uint64_t left() const { return size_ - read_; }
  bool on_disk() const { return fd_ >= 0; }

 private:
  Result<void> spill();
  Result<void> flush();

  std::string folder_;
  std::size_t memory_limit_;
  std::string buf_;  // everything while in memory; the bytes not yet written once on disk
  int fd_ = -1;
  bool reading_ = false;
  std::uint64_t size_ = 0;
  std::uint64_t read_ = 0;
  std::size_t buf_at_ = 0;  // on disk, while reading: how much of buf_ was handed out
};

}  // namespace ruche
