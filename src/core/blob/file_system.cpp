#include "core/blob/file_system.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "base/uninitialized.hpp"

namespace ruche::blob {
namespace {

std::string describe(std::string_view what, int err) {
  std::string out(what);
  out += ": ";
  out += std::strerror(err);
  return out;
}

Error last_error(std::string_view op, const std::string& path) {
  const int err = errno;
  std::string what(op);
  what += ' ';
  what += path;
  return errno_error(err, what);
}

// fsync failures other than disk-full are "unavailable" whatever errno says:
// after a failed fsync the kernel may have dropped the dirty pages, so the
// only safe course is to discard the file and let the caller retry.
Error sync_error(std::string_view op, const std::string& path) {
  const int err = errno;
  Error e = last_error(op, path);
  if (err != ENOSPC && err != EDQUOT) e.code = Errc::unavailable;
  return e;
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Result<void> append(std::string_view data) override {
    if (data.size() >= kDirectMinBytes && aligned(data.data()) && written_ % kBlock == 0) {
      RUCHE_TRY(std::size_t direct, append_direct(data.substr(0, data.size() / kBlock * kBlock)));
      data.remove_prefix(direct);
    }
    return append_buffered(data);
  }

  Result<void> sync() override {
    if (::fsync(fd_) != 0) return tl::unexpected(sync_error("fsync", path_));
    return {};
  }

  Result<void> close() override {
    const int fd = fd_;
    fd_ = -1;
    // No retry on EINTR: Linux has closed the descriptor whatever close() says.
    if (fd >= 0 && ::close(fd) != 0 && errno != EINTR) {
      return tl::unexpected(last_error("close", path_));
    }
    return {};
  }

 private:
  static constexpr std::size_t kBlock = AlignedBuffer::kAlignment;
  // Below this the page cache costs little and may serve a read soon after.
  static constexpr std::size_t kDirectMinBytes = 256u << 10;

  static bool aligned(const char* p) { return reinterpret_cast<std::uintptr_t>(p) % kBlock == 0; }

  // Writes whole blocks with O_DIRECT: the device takes them from `data`
  // itself, where a buffered write first copies them into the page cache (a
  // quarter of a large upload's CPU) to write them back later. Returns how
  // many bytes went: fewer than asked (none where the file system refuses
  // O_DIRECT, like tmpfs before Linux 6.6) leaves the rest to a buffered
  // write. The flag is cleared before returning: the tail is not aligned.
  Result<std::size_t> append_direct(std::string_view data) {
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0 || ::fcntl(fd_, F_SETFL, flags | O_DIRECT) != 0) return 0;
    std::size_t done = 0;
    int err = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        // EINVAL: the device wants another alignment; the buffered write
        // will do. Anything else (ENOSPC, EIO) is this write's error.
        if (errno != EINVAL) err = errno;
        break;
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
      written_ += static_cast<std::uint64_t>(n);
      if (written_ % kBlock != 0) break;  // stopped mid-block: the rest goes buffered
    }
    if (::fcntl(fd_, F_SETFL, flags) != 0 && err == 0) err = errno;
    if (err != 0) {
      errno = err;
      return tl::unexpected(last_error("write", path_));
    }
    return done;
  }

  Result<void> append_buffered(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return tl::unexpected(last_error("write", path_));
      }
      // A short write is followed by another that reports the reason (ENOSPC).
      data.remove_prefix(static_cast<std::size_t>(n));
      written_ += static_cast<std::uint64_t>(n);
    }
    return {};
  }

  int fd_;
  std::string path_;
  std::uint64_t written_ = 0;  // the file's size: O_DIRECT needs an aligned offset
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> create_new(const std::string& path) override {
    int fd;
    do {
      fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return tl::unexpected(last_error("create", path));
    return std::make_unique<PosixWritableFile>(fd, path);
  }

  Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes) override {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return tl::unexpected(last_error("open", path));
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return tl::unexpected(last_error("stat", path));
    if (!S_ISREG(st.st_mode)) return fail(Errc::internal, "read " + path + ": not a regular file");
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
      return fail(Errc::internal, "read " + path + ": larger than any chunk");
    }
    std::string out = uninitialized_string(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return tl::unexpected(last_error("read", path));
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return out;
  }

  Result<std::optional<FileInfo>> stat(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return std::optional<FileInfo>();
      return tl::unexpected(last_error("stat", path));
    }
    FileInfo info;
    info.size_bytes = static_cast<std::uint64_t>(st.st_size);
    info.mtime_ms =
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
    info.is_dir = S_ISDIR(st.st_mode);
    return info;
  }

  Result<void> set_mtime(const std::string& path, std::int64_t mtime_ms) override {
    struct timespec times[2];
    times[0].tv_sec = 0;
    times[0].tv_nsec = UTIME_OMIT;  // atime: leave it
    times[1].tv_sec = static_cast<time_t>(mtime_ms / 1000);
    times[1].tv_nsec = static_cast<long>((mtime_ms % 1000) * 1'000'000);
    if (::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) {
      return tl::unexpected(last_error("utimensat", path));
    }
    return {};
  }

  Result<void> rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return tl::unexpected(last_error("rename", from));
    return {};
  }

  Result<bool> remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT) return false;
      return tl::unexpected(last_error("unlink", path));
    }
    return true;
  }

  Result<bool> make_dir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0700) != 0) {
      if (errno == EEXIST) return false;
      return tl::unexpected(last_error("mkdir", path));
    }
    return true;
  }

  Result<bool> remove_dir(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) {
      if (errno == ENOENT) return false;
      return tl::unexpected(last_error("rmdir", path));
    }
    return true;
  }

  Result<void> sync_dir(const std::string& path) override {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return tl::unexpected(last_error("open", path));
    const int rc = ::fsync(fd);
    Error e;
    if (rc != 0) e = sync_error("fsync", path);
    ::close(fd);
    if (rc != 0) return tl::unexpected(std::move(e));
    return {};
  }

  Result<std::vector<std::string>> list_dir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return tl::unexpected(last_error("opendir", path));
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(dir)) {
      const std::string_view name(entry->d_name);
      if (name != "." && name != "..") names.emplace_back(name);
      errno = 0;
    }
    const int err = errno;
    ::closedir(dir);
    if (err != 0) return tl::unexpected(errno_error(err, "readdir " + path));
    return names;
  }
};

}  // namespace

Error errno_error(int err, std::string_view what) {
  Errc code = Errc::internal;
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      code = Errc::insufficient_storage;
      break;
    case ENOENT:
      code = Errc::not_found;
      break;
    case EEXIST:
      code = Errc::conflict;
      break;
    case EIO:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
    case EROFS:
    case EAGAIN:
    case EBUSY:
      code = Errc::unavailable;
      break;
    default:
      break;
  }
  return make_error(code, describe(what, err));
}

FileSystem& posix_file_system() {
  static PosixFileSystem fs;
  return fs;
}

}  // namespace ruche::blob
