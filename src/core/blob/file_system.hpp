// The file-system calls FsChunkStore makes, behind an interface (leveldb's
// Env idea) so tests can inject disk-full, fsync and crash failures without
// a real full disk. posix_file_system() is the real one.
//
// Errors map errno the same way everywhere (errno_error): ENOSPC and EDQUOT
// -> Errc::insufficient_storage; ENOENT -> not_found; EEXIST -> conflict;
// EIO, EMFILE, ENFILE, ENOMEM, EROFS, EAGAIN, EBUSY -> unavailable;
// anything else -> internal. Any failure of an fsync (file or directory)
// that is not disk-full is Errc::unavailable: the data may not be durable and
// the file must be discarded. Messages name the operation and the path.
//
// Thread-safety: a FileSystem is safe to use from several threads at once; a
// WritableFile from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ruche::blob {

// The error for a failed system call: `what` (operation and path) and errno.
Error errno_error(int err, std::string_view what);

struct FileInfo {
  std::uint64_t size_bytes = 0;
  std::int64_t mtime_ms = 0;
  bool is_dir = false;
};

// A new file being written. Destroying it closes it (errors ignored) but
// does not remove it: the owner removes a file it gives up on.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Writes all of `data` at the end of the file. Large buffers that start
  // on an AlignedBuffer::kAlignment boundary go to the device without a copy
  // into the page cache (O_DIRECT, whole blocks; the tail buffered) where the
  // file system allows it: durability still comes from sync().
  virtual Result<void> append(std::string_view data) = 0;
  // fsync: returns once the contents are durable.
  virtual Result<void> sync() = 0;
  virtual Result<void> close() = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates `path`, which must not exist (O_EXCL: Errc::conflict if it does),
  // for writing, with mode 0600.
  virtual Result<std::unique_ptr<WritableFile>> create_new(const std::string& path) = 0;
  // The whole contents of a regular file. Errors: not_found; Errc::internal
  // when it is larger than `max_bytes`.
  virtual Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes) = 0;
  // Size, modification time and kind of `path`; std::nullopt when absent.
  virtual Result<std::optional<FileInfo>> stat(const std::string& path) = 0;
  // Sets the modification time of `path` (not_found when absent).
  virtual Result<void> set_mtime(const std::string& path, std::int64_t mtime_ms) = 0;
  // rename(2): atomically replaces `to` if it exists. not_found when `from`
  // does not exist.
  virtual Result<void> rename(const std::string& from, const std::string& to) = 0;
  // Removes a file; false when it was already absent.
  virtual Result<bool> remove(const std::string& path) = 0;
  // Creates a directory (mode 0700); false when it already existed.
  virtual Result<bool> make_dir(const std::string& path) = 0;
  // Removes an empty directory; false when it was already absent.
  virtual Result<bool> remove_dir(const std::string& path) = 0;
  // fsync of a directory: makes creations, renames and removals in it durable.
  virtual Result<void> sync_dir(const std::string& path) = 0;
  // The names in a directory, without "." and "..", in no particular order.
  // not_found when the directory does not exist.
  virtual Result<std::vector<std::string>> list_dir(const std::string& path) = 0;
};

// The operating system's file system (POSIX calls, retried on EINTR).
FileSystem& posix_file_system();

}  // namespace ruche::blob
