#include "sync/local_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

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

// Whether the folder `name` in the folder open at `dfd` ("" and
// AT_EMPTY_PATH: that folder) is where a file system is mounted: another,
// or the synced folder's own bound there (same st_dev). Not when it cannot
// be told (a kernel older than 5.8: then st_dev alone tells).
bool mount_root(int dfd, const char* name, int flags = 0) {
  struct statx sx {};
  if (::statx(dfd, name, flags | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, 0, &sx) != 0) return false;
  return (sx.stx_attributes_mask & sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

// Whether `st`, at `path`, is a link, a special file or a mount point
// (`mounted`, or on another file system): then kept in `out.left_out`.
bool left_out(const std::string& path, const struct stat& st, bool mounted, LocalScan& out) {
  if (S_ISLNK(st.st_mode)) {
    out.left_out[path] = {LeftOut::link, false, inode_of(st), "a symbolic link: not synced"};
    return true;
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    out.left_out[path] = {LeftOut::special, false, inode_of(st),
                          "not a file nor a folder: not synced"};
    return true;
  }
  if (mounted || static_cast<std::uint64_t>(st.st_dev) != out.device) {
    out.left_out[path] = {LeftOut::mount, S_ISDIR(st.st_mode), inode_of(st),
                          "another file system is mounted here: not synced"};
    return true;
  }
  return false;
}

// A folder's relative path, as the journal's, and where it is on disk.
struct Folder {
  std::string rel;
  std::string local;
};

// Of the names of one folder whose NFC form is the same, the one synced:
// the name in NFC if it is there, else the first in byte order.
bool synced_before(std::string_view a, std::string_view b, std::string_view nfc) {
  if ((a == nfc) != (b == nfc)) return a == nfc;
  return a < b;
}

// Collects into `out.hidden` the inodes of what is beneath the folder open
// at `dfd` (taken over), `depth` levels below the refused-name folder
// `under`; no entries are made. Past the bounds, or what cannot be read:
// `out.hidden_unknown`.
void collect_hidden(int dfd, const std::string& under, int depth, LocalScan& out) {
  DIR* dir = ::fdopendir(dfd);
  if (dir == nullptr) {
    ::close(dfd);
    out.hidden_unknown = true;
    return;
  }
  std::vector<std::string> folders;
  for (;;) {
    errno = 0;
    dirent* d = ::readdir(dir);
    if (d == nullptr) {
      if (errno != 0) out.hidden_unknown = true;
      break;
    }
    std::string_view name = d->d_name;
    if (name == "." || name == "..") continue;
    if (out.hidden.size() >= kHiddenItemsAtMost) {
      out.hidden_unknown = true;
      break;
    }
    struct stat st {};
    if (::fstatat(::dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) out.hidden_unknown = true;
      continue;
    }
    // A synced item cannot have been moved onto another file system (that
    // is a copy), whose inodes would pass for this one's.
    if (static_cast<std::uint64_t>(st.st_dev) != out.device ||
        (S_ISDIR(st.st_mode) && mount_root(::dirfd(dir), d->d_name)))
      continue;
    out.hidden.emplace(inode_of(st), LocalScan::Hidden{under, S_ISDIR(st.st_mode)});
    if (S_ISDIR(st.st_mode)) folders.emplace_back(name);
  }
  for (const std::string& name : folders) {
    if (out.hidden_unknown) break;
    if (depth + 1 >= kHiddenDepthAtMost) {
      out.hidden_unknown = true;
      break;
    }
    const int fd =
        ::openat(::dirfd(dir), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      if (errno != ENOENT) out.hidden_unknown = true;
      continue;
    }
    collect_hidden(fd, under, depth + 1, out);
  }
  ::closedir(dir);
}

// Reads the folder open at `dfd` (taken over), `at` its paths, into `out`;
// its subfolders go to `folders`.
Result<void> read_folder(int dfd, const Folder& at, LocalScan& out, std::vector<Folder>& folders) {
  const std::string& rel = at.rel;
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
  auto path_of = [&](std::string_view name) {
    return rel.empty() ? std::string(name) : rel + "/" + std::string(name);
  };
  // The whole folder first: which of two names with the same NFC form is
  // synced does not depend on the order they are read in.
  struct Named {
    std::string name;
    struct stat st;
    bool mounted;  // a mount point (mount_root)
  };
  std::map<std::string, std::vector<Named>> by_nfc;  // NFC name -> the names here
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
    std::string path = path_of(name);
    struct stat st {};
    if (::fstatat(::dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // gone meanwhile
      return cannot_read(path, errno);
    }
    const bool mounted = S_ISDIR(st.st_mode) && mount_root(::dirfd(dir), d->d_name);
    auto nfc = platform::normalize_file_name(name);
    if (!nfc) {
      if (!left_out(path, st, mounted, out)) {
        out.left_out[path] = {LeftOut::refused_name, S_ISDIR(st.st_mode), inode_of(st),
                              name_problem(name)};
        // Not synced, but what was moved into it is not deleted either.
        if (S_ISDIR(st.st_mode) && !out.hidden_unknown) {
          const int fd =
              ::openat(::dirfd(dir), d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (fd >= 0)
            collect_hidden(fd, path, 0, out);
          else if (errno != ENOENT)
            out.hidden_unknown = true;
        }
      }
      continue;
    }
    by_nfc[std::move(*nfc)].push_back({std::string(name), st, mounted});
  }
  ::closedir(dir);
  for (auto& [nfc, names] : by_nfc) {
    std::sort(names.begin(), names.end(), [&nfc](const Named& a, const Named& b) {
      return synced_before(a.name, b.name, nfc);
    });
    const std::string path = path_of(nfc);
    for (std::size_t i = 1; i < names.size(); ++i) {
      const struct stat& st = names[i].st;
      out.left_out[path_of(names[i].name)] = {
          LeftOut::refused_name, S_ISDIR(st.st_mode), inode_of(st),
          std::string(kSameNameAs) + path +
              " once in Unicode NFC (the same letters, written another way): not synced (rename "
              "it)"};
    }
    const Named& synced = names.front();
    if (synced.name != nfc) out.local_names[path] = synced.name;
    if (left_out(path, synced.st, synced.mounted, out)) continue;
    out.entries.emplace(path, entry_of(synced.st));
    if (S_ISDIR(synced.st.st_mode))
      folders.push_back({path, at.local.empty() ? synced.name : at.local + "/" + synced.name});
  }
  return {};
}

// An item moved while the scan read the tree, from a folder it had read to
// one it had not read yet, was read twice: at its old path (before the
// move) and at its new one. Each path of an inode read at more than one is
// looked at again: those no longer holding it are dropped, with what was
// read beneath them (in that folder, before it moved), so that the item is
// seen where it is (the engine makes a move of it, not a new item and a
// deletion). Hard links are left as they are: each of their paths still
// holds the inode.
Result<void> drop_moved_meanwhile(const std::string& root, LocalScan& out) {
  std::vector<std::pair<std::uint64_t, const std::string*>> by_inode;
  by_inode.reserve(out.entries.size());
  for (const auto& [path, e] : out.entries) by_inode.emplace_back(e.inode, &path);
  std::sort(by_inode.begin(), by_inode.end());
  std::vector<std::string> moved_away;
  for (std::size_t i = 0; i < by_inode.size();) {
    const std::uint64_t inode = by_inode[i].first;
    std::size_t end = i + 1;
    while (end < by_inode.size() && by_inode[end].first == inode) ++end;
    for (std::size_t j = i; end - i > 1 && j < end; ++j) {
      const std::string& path = *by_inode[j].second;
      const std::string full = join(root, out.local_path(path));
      struct stat st {};
      if (::lstat(full.c_str(), &st) == 0) {
        if (inode_of(st) == inode) continue;
      } else if (errno != ENOENT && errno != ENOTDIR) {
        return fail(Errc::unavailable, "cannot read " + path + ": " + std::strerror(errno));
      }
      moved_away.push_back(path);
    }
    i = end;
  }
  auto drop = [](auto& m, const std::string& path) {
    m.erase(path);
    auto [first, last] = beneath(m, path);
    m.erase(first, last);
  };
  for (const std::string& path : moved_away) {
    drop(out.entries, path);
    drop(out.left_out, path);
    drop(out.local_names, path);
  }
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
  return {};
}

std::string nfc_name(std::string_view name) {
  auto n = platform::normalize_file_name(name);
  return n ? std::move(*n) : std::string(name);
}

std::string LocalScan::local_path(std::string_view path) const {
  if (local_names.empty()) return std::string(path);
  std::string out;
  for (std::size_t start = 0; start < path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (!out.empty()) out += '/';
    if (auto it = local_names.find(path.substr(0, end)); it != local_names.end())
      out += it->second;
    else
      out += path.substr(start, end - start);
    start = end + 1;
  }
  return out;
}

std::optional<std::string> synced_name(int dfd, const std::string& nfc) {
  struct stat st {};
  if (::fstatat(dfd, nfc.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return nfc;
  const int fd = ::openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return std::nullopt;
  }
  std::optional<std::string> found;
  while (dirent* d = ::readdir(dir)) {
    std::string_view name = d->d_name;
    auto n = platform::normalize_file_name(name);
    if (n && *n == nfc && (!found || synced_before(name, *found, nfc))) found = std::string(name);
  }
  ::closedir(dir);
  return found;
}

std::string find_local_path(const std::string& root, std::string_view path) {
  std::string out;
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (std::size_t start = 0; start < path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    std::string name(path.substr(start, end - start));
    start = end + 1;
    if (fd >= 0) {
      if (auto here = synced_name(fd, name)) name = std::move(*here);
      const int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      ::close(fd);
      fd = next;
    }
    if (!out.empty()) out += '/';
    out += name;
  }
  if (fd >= 0) ::close(fd);
  return out;
}

Result<LocalScan> scan_local(
    const std::string& root, const std::string& under,
    const std::function<void(const std::string&, const std::string&)>& before_reading) {
  LocalScan out;
  struct stat top {};
  if (::stat(root.c_str(), &top) != 0)
    return fail(Errc::unavailable, "cannot open " + root + ": " + std::strerror(errno));
  out.device = static_cast<std::uint64_t>(top.st_dev);
  std::vector<Folder> pending{{under, find_local_path(root, under)}};
  // The folders above `under` whose names here are not in NFC.
  for (std::string_view p = under, l = pending.back().local; !p.empty();
       p = parent_of(p), l = parent_of(l))
    if (name_of(p) != name_of(l)) out.local_names.emplace(p, name_of(l));
  while (!pending.empty()) {
    Folder at = std::move(pending.back());
    pending.pop_back();
    const std::string& rel = at.rel;
    std::string full = join(root, at.local);
    if (before_reading) before_reading(rel, at.local);
    int dfd = ::open(full.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
      // Gone meanwhile: as if it had not been seen. Replaced meanwhile (by a
      // link, say): what is there now. Anything else (no permission) fails
      // the scan: a folder that cannot be read must not pass for an empty
      // one, whose files would then be deleted on the server.
      if (!rel.empty() && (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)) {
        out.entries.erase(rel);
        struct stat st {};
        if (::lstat(full.c_str(), &st) != 0)
          out.gone_meanwhile.insert(rel);
        else if (!left_out(rel, st, false, out) && S_ISREG(st.st_mode))
          out.entries.emplace(rel, entry_of(st));
        continue;
      }
      return fail(Errc::unavailable, "cannot open " + full + ": " + std::strerror(errno));
    }
    // `under`, its folder read already: mounted there since?
    if (!rel.empty() && rel == under) {
      struct stat st {};
      if (::fstat(dfd, &st) == 0 && left_out(rel, st, mount_root(dfd, "", AT_EMPTY_PATH), out)) {
        ::close(dfd);
        continue;
      }
    }
    RUCHE_CHECK(read_folder(dfd, at, out, pending));
  }
  RUCHE_CHECK(drop_moved_meanwhile(root, out));
  return out;
}

std::optional<LocalEntry> stat_entry(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return std::nullopt;
  return entry_of(st);
}

Result<Hashed> hash_file(const std::string& path, const std::function<void()>& tick) {
  return hash_file(AT_FDCWD, path, tick);
}

Result<Hashed> hash_file(int dfd, const std::string& name, const std::function<void()>& tick) {
  // O_NONBLOCK: a FIFO put in its place is not waited on (it is no file).
  int fd = ::openat(dfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
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
