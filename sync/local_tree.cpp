#include "sync/local_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/crypto/hash.hpp"
#include "platform/file_names.hpp"

namespace ruche::sync {

LocalEntry entry_of(const struct stat& st) {
  LocalEntry e;
  e.folder = S_ISDIR(st.st_mode);
  e.size = e.folder ? 0 : static_cast<std::int64_t>(st.st_size);
  e.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  e.inode = static_cast<std::uint64_t>(st.st_ino);
  return e;
}

namespace {

std::uint64_t inode_of(const struct stat& st) {
  return static_cast<std::uint64_t>(st.st_ino);
}

// Whether `st`, at `path`, is a link or a special file: then kept in
// `out.left_out`.
bool left_out(const std::string& path, const struct stat& st, LocalScan& out) {
  if (S_ISLNK(st.st_mode)) {
    out.left_out[path] = {LeftOut::link, false, inode_of(st), "a symbolic link: not synced"};
    return true;
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    out.left_out[path] = {LeftOut::special, false, inode_of(st),
                          "not a file nor a folder: not synced"};
    return true;
  }
  return false;
}

// Reads the folder open at `dfd` (taken over), `rel` its relative path,
// into `out`; its subfolders' paths go to `folders`.
Result<void> read_folder(int dfd, const std::string& rel, LocalScan& out,
                         std::vector<std::string>& folders) {
  DIR* dir = ::fdopendir(dfd);
  if (dir == nullptr) {
    ::close(dfd);
    return fail(Errc::unavailable, "cannot read " + (rel.empty() ? std::string(".") : rel) + ": " +
                                       std::strerror(errno));
  }
  // What cannot be read fails the scan: taken for missing, it would be
  // deleted on the server. A folder that can be listed but not searched
  // (mode 0644) gives its names but no stat(2) of them.
  auto cannot_read = [&](const std::string& path, int err) {
    ::closedir(dir);
    return fail(Errc::unavailable, "cannot read " + (path.empty() ? std::string(".") : path) +
                                       ": " + std::strerror(err));
  };
  for (;;) {
    errno = 0;
    dirent* d = ::readdir(dir);
    if (d == nullptr) {
      if (errno != 0) return cannot_read(rel, errno);
      break;
    }
    std::string_view name = d->d_name;
    if (name == "." || name == "..") continue;
    if (ignored_name(name, rel.empty())) continue;
    std::string path = rel.empty() ? std::string(name) : rel + "/" + std::string(name);
    struct stat st {};
    if (::fstatat(::dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // gone meanwhile
      return cannot_read(path, errno);
    }
    if (left_out(path, st, out)) continue;
    if (std::string why = name_problem(name); !why.empty()) {
      out.left_out[path] = {LeftOut::refused_name, S_ISDIR(st.st_mode), inode_of(st), why};
      continue;
    }
    out.entries.emplace(path, entry_of(st));
    if (S_ISDIR(st.st_mode)) folders.push_back(std::move(path));
  }
  ::closedir(dir);
  return {};
}

}  // namespace

bool ignored_name(std::string_view name, bool at_top) {
  if (at_top && name == kWorkDir) return true;
  if (name == ".DS_Store" || name == "Thumbs.db" || name == "desktop.ini" || name == ".directory")
    return true;
  if (name.starts_with(".~lock.") && name.ends_with("#")) return true;  // LibreOffice
  if (name.starts_with("~$")) return true;                              // Microsoft Office
  if (name.starts_with(".#")) return true;                              // Emacs
  if (name.ends_with("~")) return true;                                 // editors' backups
  if (name.starts_with(".") && (name.ends_with(".swp") || name.ends_with(".swx")))
    return true;  // Vim
  return false;
}

std::string name_problem(std::string_view name) {
  auto n = platform::normalize_file_name(name);
  if (!n) return "a name the server refuses (" + n.error().message + "): not synced";
  if (*n != name) return "a name not in Unicode NFC: not synced (rename it)";
  return {};
}

Result<LocalScan> scan_local(const std::string& root, const std::string& under,
                             const std::function<void(const std::string&)>& before_reading) {
  LocalScan out;
  std::vector<std::string> pending{under};
  while (!pending.empty()) {
    std::string rel = std::move(pending.back());
    pending.pop_back();
    std::string full = join(root, rel);
    if (before_reading) before_reading(rel);
    int dfd = ::open(full.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
      // Gone meanwhile: as if it had not been seen. Replaced meanwhile (by a
      // link, say): what is there now. Anything else (no permission) fails
      // the scan: a folder that cannot be read must not pass for an empty
      // one, whose files would then be deleted on the server.
      if (!rel.empty() && (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)) {
        out.entries.erase(rel);
        struct stat st {};
        if (::lstat(full.c_str(), &st) == 0 && !left_out(rel, st, out) && S_ISREG(st.st_mode))
          out.entries.emplace(rel, entry_of(st));
        continue;
      }
      return fail(Errc::unavailable, "cannot open " + full + ": " + std::strerror(errno));
    }
    RUCHE_CHECK(read_folder(dfd, rel, out, pending));
  }
  return out;
}

std::optional<LocalEntry> stat_entry(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return std::nullopt;
  return entry_of(st);
}

Result<Hashed> hash_file(const std::string& path, const std::function<void()>& tick) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return fail(Errc::not_found, "gone");
    return fail(Errc::unavailable, std::string("cannot open: ") + std::strerror(errno));
  }
  struct stat before {};
  ::fstat(fd, &before);
  if (!S_ISREG(before.st_mode)) {
    ::close(fd);
    return fail(Errc::conflict, "no longer a file");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  crypto::Sha256 hash;
  std::string buf(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return fail(Errc::unavailable, std::string("cannot read: ") + std::strerror(err));
    }
    if (n == 0) break;
    hash.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    if (tick) tick();
  }
  struct stat after {};
  ::fstat(fd, &after);
  ::close(fd);
  Hashed h{hash.finish_hex(), entry_of(after)};
  if (!(entry_of(before) == h.entry)) return fail(Errc::conflict, "it changed while it was read");
  return h;
}

}  // namespace ruche::sync
