#include "sync/engine.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "core/crypto/random.hpp"

namespace ruche::sync {

namespace {

std::string errno_text() {
  return std::strerror(errno);
}

std::int64_t ms_of_ns(std::int64_t ns) {
  return ns / 1'000'000;
}

// The longest name the server and the local file systems take.
constexpr std::size_t kMaxNameBytes = 255;

// How often the pass's thread calls the tick while only other threads
// transfer (EngineOptions::tick).
constexpr std::chrono::milliseconds kTickWhileWaiting{100};

// The local file's metadata now matches what the scan saw (so it can be
// replaced or deleted without losing a change made meanwhile). `path` is
// relative to the folder open at `dfd`.
bool still_as_seen(int dfd, const std::string& path, const std::optional<LocalEntry>& seen) {
  struct stat st {};
  if (::fstatat(dfd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return !seen && errno == ENOENT;
  return seen && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && entry_of(st) == *seen;
}

// A descriptor, closed when it goes.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// The folder `name` in the folder open at `dfd`, opened without following
// a link, to be read; nullptr when it cannot be.
DIR* open_folder_at(int dfd, const char* name) {
  const int fd = ::openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return nullptr;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) ::close(fd);
  return dir;
}

// Empties the folder `name`, in the folder open at `dfd` (neither followed
// if a link), of what is never synced (lock files, desktop litter), if that
// is all it holds, so that a folder deleted on the server can go here too.
// Whether it did; the names it deleted go to `removed`.
bool remove_ignored(int dfd, const std::string& name, std::vector<std::string>& removed) {
  DIR* dir = open_folder_at(dfd, name.c_str());
  if (dir == nullptr) return false;
  std::vector<std::string> names;
  bool only_ignored = true;
  while (dirent* d = ::readdir(dir)) {
    std::string_view n = d->d_name;
    if (n == "." || n == "..") continue;
    if (!ignored_name(n, false) || d->d_type == DT_DIR) {
      only_ignored = false;
      break;
    }
    names.emplace_back(n);
  }
  if (only_ignored)
    for (const auto& n : names)
      if (::unlinkat(::dirfd(dir), n.c_str(), 0) == 0) removed.push_back(n);
  ::closedir(dir);
  return only_ignored;
}

// Whether a name on the server can be synced: one the server would not
// take, or not in NFC (which it never gives), is not.
std::string server_name_problem(std::string_view name) {
  if (std::string why = name_problem(name); !why.empty()) return why;
  if (nfc_name(name) != name) return "a name not in Unicode NFC: not synced";
  return {};
}

}  // namespace

std::string conflict_name(std::string_view name, std::string_view device, std::int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H%M%S", &tm);
  std::size_t dot = name.rfind('.');
  if (dot == 0 || dot == std::string_view::npos || name.size() - dot > 10) dot = name.size();
  const std::string tail =
      " (conflict " + std::string(device) + " " + when + ")" + std::string(name.substr(dot));
  // Within the 255 bytes a name may hold (a longer one can be neither made
  // here nor sent: the conflict would fail at each pass), the base name cut
  // between two UTF-8 characters.
  std::string_view base = name.substr(0, dot);
  if (base.size() + tail.size() > kMaxNameBytes) {
    std::size_t keep = kMaxNameBytes > tail.size() ? kMaxNameBytes - tail.size() : 0;
    while (keep > 0 && (static_cast<unsigned char>(base[keep]) & 0xC0) == 0x80) --keep;
    base = base.substr(0, keep);
  }
  return std::string(base) + tail;
}

Engine::Engine(Remote& remote, const FolderPair& pair, Journal& journal, EngineOptions options)
    : remote_(remote), pair_(pair), journal_(journal), options_(std::move(options)) {}

void Engine::error(const std::string& path, std::string message) {
  summary_.errors.push_back({path, std::move(message)});
}

void Engine::warn(const std::string& path, std::string message) {
  summary_.warnings.push_back({path, std::move(message)});
}

// ---- The remote side -------------------------------------------------------

Result<void> Engine::scan_remote() {
  RUCHE_TRY(Listing root, remote_.list(pair_.workspace_id, ""));
  root_etag_ = root.folder.etag;
  if (!root_etag_.empty() && root_etag_ == journal_.root_etag) {
    // Nothing changed on the server since the last complete pass.
    for (const auto& [path, b] : journal_.entries)
      remote_tree_.emplace(
          path, RemoteEntry{b.folder, b.node_id, b.etag, b.sha256, b.size, b.remote_mtime_ms});
    return {};
  }
  return list_into(root, "");
}

Result<void> Engine::list_into(const Listing& listing, const std::string& prefix) {
  for (const RemoteNode& n : listing.items) {
    if (ignored_name(n.name, prefix.empty())) continue;
    std::string path = prefix + n.name;
    if (std::string why = server_name_problem(n.name); !why.empty()) {
      warn(path, "on the server, " + why);
      remote_warned_.insert(path);
      continue;
    }
    remote_tree_[path] = RemoteEntry{n.folder, n.id, n.etag, n.sha256, n.size, n.mtime_ms};
    if (!n.folder) continue;
    auto b = journal_.entries.find(path);
    if (b != journal_.entries.end() && b->second.folder && b->second.node_id == n.id &&
        !n.etag.empty() && b->second.etag == n.etag) {
      // Unchanged beneath: the journal knows its contents.
      auto [first, last] = beneath(journal_.entries, path);
      for (auto it = first; it != last; ++it)
        remote_tree_[it->first] =
            RemoteEntry{it->second.folder, it->second.node_id, it->second.etag,
                        it->second.sha256, it->second.size,    it->second.remote_mtime_ms};
      continue;
    }
    if (stopping()) return fail(Errc::unavailable, "stopped");
    tick();
    RUCHE_TRY(Listing sub, remote_.list(pair_.workspace_id, n.id));
    RUCHE_CHECK(list_into(sub, path + "/"));
  }
  return {};
}

Result<bool> Engine::confirm_into(const Listing& listing, const std::string& prefix,
                                  std::map<std::string, std::string>& confirmed) {
  std::size_t seen = 0;
  for (const RemoteNode& n : listing.items) {
    if (ignored_name(n.name, prefix.empty())) continue;
    const std::string path = prefix + n.name;
    if (!server_name_problem(n.name).empty()) {
      // Never synced; but one this pass did not report is new.
      if (!remote_warned_.contains(path)) return false;
      continue;
    }
    auto b = journal_.entries.find(path);
    if (b == journal_.entries.end() || b->second.folder != n.folder || b->second.node_id != n.id)
      return false;
    ++seen;
    if (!n.folder) {
      if (b->second.etag != n.etag || b->second.sha256 != n.sha256) return false;
      continue;
    }
    // Its ETag as this pass found it: nothing changed beneath since.
    if (!n.etag.empty() && b->second.etag == n.etag) continue;
    if (stopping()) return fail(Errc::unavailable, "stopped");
    tick();
    RUCHE_TRY(Listing sub, remote_.list(pair_.workspace_id, n.id));
    RUCHE_TRY(bool same, confirm_into(sub, path + "/", confirmed));
    if (!same) return false;
    // Read before the listing that matched: any change since moved it.
    if (!n.etag.empty()) confirmed[path] = n.etag;
  }
  // Nothing the journal holds here is missing on the server.
  std::size_t held = 0;
  for (auto it = journal_.entries.lower_bound(prefix);
       it != journal_.entries.end() && it->first.starts_with(prefix); ++it)
    if (it->first.find('/', prefix.size()) == std::string::npos) ++held;
  return held == seen;
}

void Engine::confirm_remote() {
  std::map<std::string, std::string> confirmed;
  bool same = false;
  std::string root_etag;
  if (auto root = remote_.list(pair_.workspace_id, "")) {
    root_etag = root->folder.etag;  // read before the listing
    auto r = confirm_into(*root, "", confirmed);
    same = r && *r;
  }
  for (const auto& [path, etag] : confirmed)
    if (auto it = journal_.entries.find(path); it != journal_.entries.end()) it->second.etag = etag;
  // Otherwise the root is listed again next time, and whatever differs.
  journal_.root_etag = same ? root_etag : std::string();
}

bool Engine::remote_changed(const RemoteEntry& r, const JournalEntry& b) const {
  if (r.folder != b.folder || r.node_id != b.node_id) return true;
  return !r.folder && r.sha256 != b.sha256;
}

bool Engine::remote_subtree_changed(const std::string& path) const {
  auto changed = [&](const auto& it) {
    auto b = journal_.entries.find(it->first);
    return b == journal_.entries.end() || remote_changed(it->second, b->second);
  };
  if (auto it = remote_tree_.find(path); it != remote_tree_.end() && changed(it)) return true;
  auto [first, last] = beneath(remote_tree_, path);
  for (auto it = first; it != last; ++it)
    if (changed(it)) return true;
  return false;
}

std::optional<std::string> Engine::remote_parent_id(const std::string& path) {
  std::string_view parent = parent_of(path);
  if (parent.empty()) return std::string();
  auto it = remote_tree_.find(std::string(parent));
  if (it == remote_tree_.end() || !it->second.folder) return std::nullopt;
  return it->second.node_id;
}

// ---- The local side --------------------------------------------------------

std::optional<std::string> Engine::local_sha(const std::string& path, const LocalEntry& l) {
  if (auto h = hashes_.find(path); h != hashes_.end()) return h->second;
  auto b = journal_.entries.find(path);
  if (b != journal_.entries.end() && !b->second.folder && b->second.size == l.size &&
      b->second.mtime_ns == l.mtime_ns && b->second.inode == l.inode)
    return b->second.sha256;
  // Its folder opened from the synced folder down: a file reached through
  // a link put in a folder's place is not read.
  const Fd dfd(open_local_parent(path, false));
  if (dfd.get() < 0) return std::nullopt;
  auto h = hash_file(dfd.get(), local_name(path), options_.tick);
  if (!h) {
    error(path, "cannot read the local file: " + h.error().message);
    return std::nullopt;
  }
  if (!(h->entry == l)) {
    error(path, "the local file is changing: it is synced once it stops");
    return std::nullopt;
  }
  hashes_[path] = h->sha256;
  return h->sha256;
}

std::optional<bool> Engine::local_changed(const std::string& path, const LocalEntry& l,
                                          const JournalEntry& b) {
  if (l.folder != b.folder) return true;
  if (l.folder) return false;
  if (l.size == b.size && l.mtime_ns == b.mtime_ns && l.inode == b.inode) return false;
  auto sha = local_sha(path, l);
  if (!sha) return std::nullopt;
  return *sha != b.sha256;
}

bool Engine::local_subtree_changed(const std::string& path) {
  auto changed = [&](const auto& it) {
    auto b = journal_.entries.find(it->first);
    if (b == journal_.entries.end()) return true;
    if (it->second.folder != b->second.folder) return true;
    // Possibly changed: kept (its hash is not worth the risk).
    return !it->second.folder &&
           !(it->second.size == b->second.size && it->second.mtime_ns == b->second.mtime_ns &&
             it->second.inode == b->second.inode);
  };
  if (auto it = local_.entries.find(path); it != local_.entries.end() && changed(it)) return true;
  auto [first, last] = beneath(local_.entries, path);
  for (auto it = first; it != last; ++it)
    if (changed(it)) return true;
  return false;
}

// ---- Moves -----------------------------------------------------------------

void Engine::rekey(const std::string& from, const std::string& to, Moved where) {
  auto move_keys = [&](auto& m) {
    std::vector<std::pair<std::string, typename std::decay_t<decltype(m)>::mapped_type>> moved;
    if (auto it = m.find(from); it != m.end()) {
      moved.emplace_back(to, std::move(it->second));
      m.erase(it);
    }
    auto [first, last] = beneath(m, from);
    for (auto it = first; it != last;) {
      moved.emplace_back(to + it->first.substr(from.size()), std::move(it->second));
      it = m.erase(it);
    }
    for (auto& [k, v] : moved) m[k] = std::move(v);
  };
  move_keys(journal_.entries);
  // The side that moved is already at `to`; what may be at `from` there now
  // is something else.
  if (where == Moved::on_server) {
    move_keys(local_.entries);
    move_keys(hashes_);
    // Renamed here to the server's name (NFC); what is beneath keeps its own.
    local_.local_names.erase(from);
    move_keys(local_.local_names);
    // What the scan left out beneath moved along: still no deletion there.
    move_keys(local_.left_out);
    move_keys(shadowed_);
    for (auto& [inode, where] : left_out_inodes_)
      if (within(where.at, from)) where.at = to + where.at.substr(from.size());
  } else {
    move_keys(remote_tree_);
  }
}

bool Engine::held(std::string_view path) const {
  for (; !path.empty(); path = parent_of(path))
    if (done_.contains(std::string(path))) return true;
  return false;
}

void Engine::detect_moves() {
  // A folder's move renames what it holds: those are looked at again, at
  // their new paths (a file moved out of a folder that moved too). Within
  // a round, the maps below may still name such an item where it was
  // before: it waits for the next round (it once ended the process).
  for (int round = 0; round < 16; ++round) {
    // Local entries the journal does not know, by inode; remote ones by node id.
    std::map<std::uint64_t, std::string> new_local;
    for (const auto& [path, l] : local_.entries)
      if (!journal_.entries.contains(path)) new_local.emplace(l.inode, path);
    std::map<std::string, std::string> remote_by_id;
    for (const auto& [path, r] : remote_tree_) remote_by_id.emplace(r.node_id, path);
    bool folder_moved = false;
    std::vector<std::string> candidates;
    for (const auto& [path, b] : journal_.entries) candidates.push_back(path);
    for (const std::string& from : candidates) {
      if (stopping()) return;
      tick();
      auto bi = journal_.entries.find(from);
      if (bi == journal_.entries.end()) continue;  // moved along with its folder
      if (held(from)) continue;                    // in a folder whose move failed
      const JournalEntry b = bi->second;
      auto l = local_.entries.find(from);
      auto r = remote_tree_.find(from);
      bool local_here = l != local_.entries.end();
      bool remote_here = r != remote_tree_.end() && r->second.node_id == b.node_id;

      // Moved on the server: the same node elsewhere, the local item as it was.
      if (!remote_here && local_here) {
        auto moved = remote_by_id.find(b.node_id);
        if (moved == remote_by_id.end() || moved->second == from) continue;
        const std::string to = moved->second;
        if (local_.entries.contains(to) || journal_.entries.contains(to)) continue;
        auto rt = remote_tree_.find(to);
        if (rt == remote_tree_.end() || rt->second.node_id != b.node_id) continue;  // next round
        if (rt->second.folder != b.folder || l->second.folder != b.folder ||
            l->second.inode != b.inode)
          continue;
        if (!b.folder && !(l->second.size == b.size && l->second.mtime_ns == b.mtime_ns)) continue;
        // Into a place left out here (a folder replaced by a link): not
        // followed (reconcile_path says so).
        if (!left_out_at(to).empty()) continue;
        const Fd dfd(open_local_parent(to, true));
        if (dfd.get() < 0) continue;
        const Fd sfd(open_local_parent(from, false));
        if (sfd.get() < 0) continue;
        const std::string src = local_name(from), name(name_of(to));
        const int rc =
            ::renameat2(sfd.get(), src.c_str(), dfd.get(), name.c_str(), RENAME_NOREPLACE);
        const int err = errno;
        if (rc != 0) {
          error(from, "cannot rename it as on the server (" + to + "): " + std::strerror(err));
          continue;
        }
        // Its twin with the same NFC form, left out so far, is synced in
        // its place next: as for a deletion (delete_local_tree), the name
        // it leaves is no write of the pass's own, so that `run` hears it.
        if (!shadowed_.contains(from)) wrote_here(from);
        wrote_here(to);
        rekey(from, to, Moved::on_server);
        new_local.erase(b.inode);
        folder_moved = folder_moved || b.folder;
        ++summary_.moved;
        if (options_.say) options_.say("moved here: " + from + " -> " + to);
        if (options_.checkpoint) options_.checkpoint();
        continue;
      }

      // Moved here: the same inode elsewhere, the server's node as it was.
      if (!local_here && remote_here && options_.can_write) {
        auto moved = new_local.find(b.inode);
        if (moved == new_local.end()) continue;
        const std::string to = moved->second;
        auto lti = local_.entries.find(to);
        if (lti == local_.entries.end() || lti->second.inode != b.inode) continue;  // next round
        const LocalEntry& lt = lti->second;
        if (lt.folder != b.folder || remote_tree_.contains(to) || held(to)) continue;
        if (!b.folder &&
            (lt.size != b.size || lt.mtime_ns != b.mtime_ns || remote_changed(r->second, b)))
          continue;
        // Its new folder may be new too: create it first.
        std::string_view parent = parent_of(to);
        if (!parent.empty() && !remote_tree_.contains(std::string(parent))) {
          std::vector<std::string> chain;
          for (std::string p(parent); !p.empty() && !remote_tree_.contains(p);
               p = std::string(parent_of(p)))
            chain.push_back(p);
          bool ok = true;
          for (auto it = chain.rbegin(); it != chain.rend() && ok; ++it) {
            auto li = local_.entries.find(*it);
            ok = li != local_.entries.end() && li->second.folder &&
                 make_remote_folder(*it, li->second);
          }
          if (!ok) continue;
        }
        auto parent_id = remote_parent_id(to);
        if (!parent_id) continue;
        server_changed_ = true;
        auto n = remote_.move(b.node_id, *parent_id, name_of(to));
        if (!n) {
          // Neither deleted there nor sent again as new (which would lose
          // its versions, share links and comments): both paths wait for
          // the next pass, which tries the move again.
          error(to, "cannot move it on the server: " + n.error().message);
          done_.insert(from);
          done_.insert(to);
          continue;
        }
        rekey(from, to, Moved::here);
        RemoteEntry& re = remote_tree_[to];
        // A file's ETag is its content's (its SHA-256, kept from the listing,
        // is what is compared). A folder's new ETag would cover whatever
        // someone else put in it since it was listed: not recorded, so that
        // it is listed again.
        re.etag = b.folder ? std::string() : n->etag;
        new_local.erase(moved);
        folder_moved = folder_moved || b.folder;
        ++summary_.moved;
        if (options_.say) options_.say("moved there: " + from + " -> " + to);
        if (options_.checkpoint) options_.checkpoint();
      }
    }
    if (!folder_moved) break;
  }
}

// ---- Operations ------------------------------------------------------------

int Engine::open_local_parent(const std::string& path, bool create) {
  int fd = ::open(pair_.local_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    error(path, "cannot open " + pair_.local_dir + ": " + errno_text());
    return -1;
  }
  const std::string_view parent = parent_of(path);
  for (std::size_t start = 0; start < parent.size();) {
    std::size_t end = std::min(parent.find('/', start), parent.size());
    const std::string dir(parent.substr(0, end));
    std::string name = local_name(dir);
    start = end + 1;
    constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int next = ::openat(fd, name.c_str(), kFlags);
    if (next < 0 && errno == ENOENT && create) {
      // Renamed here meanwhile (to its NFD form, say): the folder that is
      // synced under that name now, as the scan would find it; made under
      // the server's name (NFC) only when there is none.
      if (auto here = synced_name(fd, std::string(name_of(dir)))) {
        name = std::move(*here);
        if (name == name_of(dir))
          local_.local_names.erase(dir);
        else
          local_.local_names[dir] = name;
        next = ::openat(fd, name.c_str(), kFlags);
      } else {
        errno = ENOENT;
      }
    }
    if (next < 0 && errno == ENOENT && create) {
      // Made under the server's name (NFC).
      name = name_of(dir);
      local_.local_names.erase(dir);
      if (::mkdirat(fd, name.c_str(), 0755) == 0) {
        wrote_here(dir);
      } else if (errno != EEXIST) {
        error(dir, "cannot create the local folder: " + errno_text());
        ::close(fd);
        return -1;
      }
      next = ::openat(fd, name.c_str(), kFlags);
    }
    const int err = errno;
    ::close(fd);
    if (next < 0) {
      error(dir, err == ELOOP || err == ENOTDIR
                     ? "something else took the folder's place locally (a link is not followed)"
                     : "cannot open the local folder: " + std::string(std::strerror(err)));
      return -1;
    }
    fd = next;
    // Here now, for what the pass compares next: a folder deleted here that
    // a move on the server put a file back into is no longer taken as
    // deleted here (and deleted on the server, with that file).
    struct stat st {};
    if (::fstat(fd, &st) == 0) local_.entries.try_emplace(dir, entry_of(st));
  }
  return fd;
}

bool Engine::make_local_folder(const std::string& path, const RemoteEntry& r) {
  const int dfd = open_local_parent(path, true);
  if (dfd < 0) return false;
  const std::string name(name_of(path));
  if (::mkdirat(dfd, name.c_str(), 0755) == 0) {
    wrote_here(path);
  } else if (errno != EEXIST) {
    error(path, "cannot create the local folder: " + errno_text());
    ::close(dfd);
    return false;
  }
  struct stat st {};
  const bool folder =
      ::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
  ::close(dfd);
  if (!folder) {
    error(path, "something else took the folder's place locally");
    return false;
  }
  const LocalEntry made = entry_of(st);
  local_.entries[path] = made;
  // The folder's ETag is recorded only once its contents are synced (at the
  // end of the pass): a pass stopped or failing before lists it again.
  record(path, JournalEntry{.folder = true, .node_id = r.node_id, .inode = made.inode});
  listed_etags_[path] = r.etag;
  if (options_.say) options_.say("folder here: " + path);
  return true;
}

bool Engine::make_remote_folder(const std::string& path, const LocalEntry& l) {
  auto parent_id = remote_parent_id(path);
  if (!parent_id) {
    error(path, "its folder is not on the server");
    return false;
  }
  server_changed_ = true;
  auto n = remote_.make_folder(pair_.workspace_id, *parent_id, name_of(path));
  if (!n) {
    error(path, "cannot create the folder on the server: " + n.error().message);
    return false;
  }
  remote_tree_[path] = RemoteEntry{true, n->id, n->etag, {}, 0, n->mtime_ms};
  record(path, JournalEntry{.folder = true, .node_id = n->id, .etag = {}, .inode = l.inode});
  if (options_.say) options_.say("folder there: " + path);
  return true;
}

bool Engine::download(Remote& net, Lock& lock, const std::string& path, const RemoteEntry& r,
                      const std::optional<LocalEntry>& seen) {
  if (int dfd = open_local_parent(path, true); dfd >= 0) {
    ::close(dfd);
  } else {
    return false;
  }
  // The work folder, opened without following a link.
  const std::string work = join(pair_.local_dir, kWorkDir);
  const Fd wfd([&] {
    const Fd root(::open(pair_.local_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (root.get() < 0) return -1;
    if (::mkdirat(root.get(), std::string(kWorkDir).c_str(), 0700) != 0 && errno != EEXIST)
      return -1;
    return ::openat(root.get(), std::string(kWorkDir).c_str(),
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }());
  if (wfd.get() < 0) {
    error(path, "cannot create or open " + work + " (a link is not followed): " + errno_text());
    return false;
  }
  const std::string tmp = "download-" + crypto::new_id();
  int fd = ::openat(wfd.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    error(path, "cannot create " + work + "/" + tmp + ": " + errno_text());
    return false;
  }
  // The transfer, the checks and the sync to disk run unlocked: other
  // transfers go on meanwhile.
  lock.unlock();
  std::string failure;
  auto sha = net.download(r.node_id, r.etag, fd);
  struct stat st {};
  if (!sha) {
    failure = sha.error().code == Errc::precondition_failed || sha.error().code == Errc::not_found
                  ? "it changed on the server during the sync: fetched next time"
                  : "cannot download it: " + sha.error().message;
  } else if (!r.sha256.empty() && *sha != r.sha256) {
    failure = "the downloaded bytes do not match the server's SHA-256: fetched next time";
  } else {
    timespec times[2];
    times[0].tv_sec = 0;
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_sec = r.mtime_ms / 1000;
    times[1].tv_nsec = (r.mtime_ms % 1000) * 1'000'000;
    ::futimens(fd, times);
    if (::fsync(fd) != 0) failure = "cannot sync the downloaded file: " + errno_text();
    ::fstat(fd, &st);
  }
  ::close(fd);
  lock.lock();
  if (!failure.empty()) {
    ::unlinkat(wfd.get(), tmp.c_str(), 0);
    error(path, std::move(failure));
    return false;
  }
  // Its folder as it is now (one replaced by a link during the transfer is
  // not written through; one deleted meanwhile is not made again).
  const int dfd = open_local_parent(path, false);
  if (dfd < 0) {
    ::unlinkat(wfd.get(), tmp.c_str(), 0);
    return false;
  }
  const std::string name = local_name(path);
  // The local file must be as the scan saw it (absent, or unchanged): a
  // change made meanwhile is never overwritten.
  int rc;
  if (!seen) {
    rc = ::renameat2(wfd.get(), tmp.c_str(), dfd, name.c_str(), RENAME_NOREPLACE);
  } else if (!still_as_seen(dfd, name, seen)) {
    ::close(dfd);
    ::unlinkat(wfd.get(), tmp.c_str(), 0);
    error(path, "it changed locally during the sync: compared again next time");
    return false;
  } else {
    rc = ::renameat(wfd.get(), tmp.c_str(), dfd, name.c_str());
  }
  if (rc != 0) {
    const int err = errno;
    ::close(dfd);
    ::unlinkat(wfd.get(), tmp.c_str(), 0);
    error(path, err == EEXIST ? "it appeared locally during the sync: compared again next time"
                              : "cannot put it in place: " + std::string(std::strerror(err)));
    return false;
  }
  wrote_here(path);
  // The rename is durable before the journal says the file is here: a
  // crash must not leave a journal that counts a lost file as deleted.
  lock.unlock();
  ::fsync(dfd);
  ::close(dfd);
  lock.lock();
  // What was put in place, as its own descriptor saw it (the rename keeps
  // size, time and inode): a change made at the path since is a change, not
  // taken for the download.
  const LocalEntry le = entry_of(st);
  local_.entries[path] = le;
  hashes_[path] = *sha;
  record(path, JournalEntry{.folder = false,
                            .node_id = r.node_id,
                            .etag = r.etag,
                            .sha256 = *sha,
                            .size = static_cast<std::int64_t>(st.st_size),
                            .mtime_ns = le.mtime_ns,
                            .inode = le.inode,
                            .remote_mtime_ms = r.mtime_ms});
  ++summary_.downloaded;
  if (options_.say) options_.say("down: " + path);
  if (options_.checkpoint) options_.checkpoint();
  return true;
}

bool Engine::upload(Remote& net, Lock& lock, const std::string& path, const LocalEntry& l,
                    std::optional<std::string> replacing_etag) {
  auto parent_id = remote_parent_id(path);
  if (!parent_id) {
    error(path, "its folder is not on the server");
    return false;
  }
  // Its folder opened from the synced folder down, the file without
  // following a link (nor waiting on a FIFO put in its place).
  int fd = -1;
  if (const Fd dfd(open_local_parent(path, false)); dfd.get() >= 0) {
    fd = ::openat(dfd.get(), local_name(path).c_str(),
                  O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      error(path, "cannot open the local file: " + errno_text());
      return false;
    }
  } else {
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(entry_of(st) == l)) {
    ::close(fd);
    error(path, "the local file is changing: it is synced once it stops");
    return false;
  }
  server_changed_ = true;
  lock.unlock();
  auto n = net.upload(pair_.workspace_id, *parent_id, name_of(path), fd, l.size,
                      ms_of_ns(l.mtime_ns), replacing_etag.value_or(""));
  lock.lock();
  ::close(fd);
  if (!n) {
    if (n.error().code == Errc::precondition_failed)
      error(path, "it changed on the server during the sync: compared again next time");
    else
      error(path, "cannot upload it: " + n.error().message);
    return false;
  }
  remote_tree_[path] = RemoteEntry{false, n->id, n->etag, n->sha256, n->size, n->mtime_ms};
  // The metadata as it was before the upload: a change made during it shows
  // next time (the content then differs from the server's).
  record(path, JournalEntry{.folder = false,
                            .node_id = n->id,
                            .etag = n->etag,
                            .sha256 = n->sha256,
                            .size = l.size,
                            .mtime_ns = l.mtime_ns,
                            .inode = l.inode,
                            .remote_mtime_ms = n->mtime_ms});
  ++summary_.uploaded;
  if (options_.say) options_.say("up: " + path);
  if (options_.checkpoint) options_.checkpoint();
  return true;
}

void Engine::resolve_conflict(Remote& net, Lock& lock, const std::string& path, const LocalEntry& l,
                              const RemoteEntry& r) {
  std::string name =
      conflict_name(name_of(path), options_.device, SystemClock::instance().now_ms());
  std::string_view parent = parent_of(path);
  std::string copy = parent.empty() ? name : std::string(parent) + "/" + name;
  // The copy goes beside the file, under the name the server gets (NFC);
  // the server's version then takes the file's own name here.
  std::optional<LocalEntry> moved;
  {
    const Fd dfd(open_local_parent(path, false));
    if (dfd.get() < 0) return;
    const std::string here = local_name(path);
    if (!still_as_seen(dfd.get(), here, l)) {
      error(path, "it changed locally during the sync: compared again next time");
      return;
    }
    if (::renameat2(dfd.get(), here.c_str(), dfd.get(), name.c_str(), RENAME_NOREPLACE) != 0) {
      error(path, "cannot keep the local version aside as " + copy + ": " + errno_text());
      return;
    }
    struct stat st {};
    if (::fstatat(dfd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
      moved = entry_of(st);
  }
  wrote_here(path);
  wrote_here(copy);
  ++summary_.conflicts;
  warn(path, "changed on both sides: the local version is kept as " + copy);
  if (options_.say) options_.say("conflict: " + path + " (the local version is now " + copy + ")");
  local_.entries.erase(path);
  if (moved) local_.entries[copy] = *moved;
  journal_.entries.erase(path);
  download(net, lock, path, r, std::nullopt);
  if (moved && options_.can_write) upload(net, lock, copy, *moved, std::nullopt);
}

void Engine::delete_remote_tree(const std::string& path, const RemoteEntry& r) {
  server_changed_ = true;
  auto done = remote_.remove(r.node_id, r.etag);
  if (!done && done.error().code != Errc::not_found) {
    error(path, done.error().code == Errc::precondition_failed
                    ? "it changed on the server during the sync: compared again next time"
                    : "cannot delete it on the server: " + done.error().message);
    return;
  }
  journal_.entries.erase(path);
  auto [first, last] = beneath(journal_.entries, path);
  journal_.entries.erase(first, last);
  done_.insert(path);
  ++summary_.deleted_remote;
  if (options_.say) options_.say("deleted there: " + path);
  if (options_.checkpoint) options_.checkpoint();
}

void Engine::delete_local_tree(const std::string& path) {
  // Deepest first; each file only if it is still as the scan saw it.
  std::vector<std::string> paths;
  if (local_.entries.contains(path)) paths.push_back(path);
  auto [first, last] = beneath(local_.entries, path);
  for (auto it = first; it != last; ++it) paths.push_back(it->first);
  // What was not deleted (deepest first: a folder's children come before it).
  std::vector<std::string> kept;
  for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
    // Between any two files, as elsewhere: a large folder takes a while,
    // and `run` reads its watches there (the kernel queues their events
    // up to a bound) and its live connection.
    tick();
    const LocalEntry l = local_.entries.at(*it);
    // Its folder opened from the synced folder down: one replaced by a link
    // meanwhile is not deleted through.
    const Fd dfd(open_local_parent(*it, false));
    if (dfd.get() < 0) {
      kept.push_back(*it);
      continue;
    }
    const std::string name = local_name(*it);
    if (l.folder) {
      std::vector<std::string> removed;
      int err = 0;
      if (::unlinkat(dfd.get(), name.c_str(), AT_REMOVEDIR) != 0) {
        err = errno;
        if (err == ENOTEMPTY && remove_ignored(dfd.get(), name, removed))
          err = ::unlinkat(dfd.get(), name.c_str(), AT_REMOVEDIR) == 0 ? 0 : errno;
      }
      for (const auto& n : removed) wrote_here(*it + "/" + n);
      // Gone, but not by this deletion, while some of what it held was kept
      // (renamed here meanwhile, say): not taken for deleted, nor forgotten.
      if (err == ENOENT && std::any_of(kept.begin(), kept.end(),
                                       [&](const std::string& k) { return within(k, *it); })) {
        kept.push_back(*it);
        continue;
      }
      if (struct stat st{}; ::fstatat(dfd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        // Something appeared in it meanwhile (or an ignored file is there),
        // or something else took its place.
        warn(*it, "deleted on the server, but kept here: it holds files that are not synced");
        kept.push_back(*it);
        continue;
      }
    } else {
      if (!still_as_seen(dfd.get(), name, l)) {
        error(*it, "it changed locally during the sync: compared again next time");
        kept.push_back(*it);
        continue;
      }
      if (::unlinkat(dfd.get(), name.c_str(), 0) != 0 && errno != ENOENT) {
        error(*it, "cannot delete the local file: " + errno_text());
        kept.push_back(*it);
        continue;
      }
    }
    // Its twin with the same NFC form, left out so far, is synced in its
    // place next: not a write of the pass's own, so that `run` hears it and
    // passes again now rather than at its next periodic pass.
    if (!shadowed_.contains(*it)) wrote_here(*it);
    local_.entries.erase(*it);
    local_.local_names.erase(*it);
    journal_.entries.erase(*it);
  }
  // What could not go is reported and compared again next time.
  done_.insert(path);
  ++summary_.deleted_local;
  if (options_.say) options_.say("deleted here: " + path);
  if (options_.checkpoint) options_.checkpoint();
}

void Engine::run_transfer(Remote& net, Lock& lock, const Transfer& t) {
  switch (t.kind) {
    case Transfer::download:
      download(net, lock, t.path, t.remote, t.local);
      break;
    case Transfer::download_new:
      download(net, lock, t.path, t.remote, std::nullopt);
      break;
    case Transfer::upload:
      upload(net, lock, t.path, t.local, t.remote.etag);
      break;
    case Transfer::upload_new:
      upload(net, lock, t.path, t.local, std::nullopt);
      break;
    case Transfer::conflict:
      resolve_conflict(net, lock, t.path, t.local, t.remote);
      break;
  }
}

void Engine::run_queue() {
  std::size_t next = 0;
  // The pass's own thread (`own`) ticks between its transfers; during
  // them, its Remote's progress callback does.
  auto work = [&](Remote& net, bool own) {
    Lock lock(mu_);
    while (next < queue_.size() && !stopping()) {
      const Transfer& t = queue_[next++];
      run_transfer(net, lock, t);
      if (own) {
        lock.unlock();
        tick();
        lock.lock();
      }
    }
  };
  const std::size_t extra =
      std::min<std::size_t>(queue_.size() > 0 ? queue_.size() - 1 : 0,
                            static_cast<std::size_t>(std::max(options_.transfers, 1) - 1));
  std::vector<std::unique_ptr<Remote>> nets;
  std::vector<std::thread> threads;
  std::size_t working = extra;  // under mu_
  std::condition_variable finished;
  for (std::size_t i = 0; i < extra; ++i) nets.push_back(remote_.clone());
  for (auto& n : nets)
    threads.emplace_back([&, net = n.get()] {
      work(*net, false);
      Lock lock(mu_);
      --working;
      finished.notify_one();
    });
  work(remote_, true);
  {
    // The others' last transfers can take minutes: the tick goes on.
    Lock lock(mu_);
    while (!finished.wait_for(lock, kTickWhileWaiting, [&] { return working == 0; })) {
      lock.unlock();
      tick();
      lock.lock();
    }
  }
  for (auto& th : threads) th.join();
  for (auto& n : nets) {
    bytes_up_ += n->bytes_up();
    bytes_down_ += n->bytes_down();
  }
  queue_.clear();
}

void Engine::remove_leftovers() {
  // Downloads a process killed midway left (the state folder's lock says no
  // other process is writing here).
  // The work folder is not followed if a link.
  const Fd root(::open(pair_.local_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (root.get() < 0) return;
  DIR* dir = open_folder_at(root.get(), std::string(kWorkDir).c_str());
  if (dir == nullptr) return;
  std::vector<std::string> names;
  while (dirent* d = ::readdir(dir))
    if (std::string_view(d->d_name).starts_with("download-")) names.emplace_back(d->d_name);
  for (const auto& n : names) ::unlinkat(::dirfd(dir), n.c_str(), 0);
  ::closedir(dir);
}

// ---- The three-way comparison ---------------------------------------------

std::string Engine::left_out_at(std::string_view path) const {
  for (std::string_view p = path; !p.empty(); p = parent_of(p))
    if (local_.left_out.contains(p)) return std::string(p);
  return {};
}

bool Engine::keep_left_out(const std::string& path, const JournalEntry* b, const RemoteEntry* r) {
  // Gone from the server: forgotten, as anything gone from both sides (a
  // copy put back here is then new, and sent).
  if (!r) return false;
  bool kept = false;
  for (std::string_view p = path; !p.empty() && !kept; p = parent_of(p))
    kept = renamed_away_.contains(p);
  if (!kept) {
    if (std::string at = left_out_at(path); !at.empty()) {
      kept = true;
      if (at == path) {
        const LeftOut& lo = local_.left_out.find(at)->second;
        const std::string what = lo.kind == LeftOut::link      ? "a symbolic link"
                                 : lo.kind == LeftOut::special ? "a special file"
                                 : lo.kind == LeftOut::mount   ? "a mount point"
                                                               : "a name the server refuses";
        warn(path, b ? "replaced here by " + what + ": not synced; the server's copy is kept"
                     : "on the server, but here " + what + " is in its place: not synced");
        left_out_told_.insert(at);
      }
    }
  }
  // In a folder gone while the scan read the tree: moved here, most
  // likely, to a place the scan had read already (a folder renamed while
  // a pass of run's ran), and not read where it is now. Neither deleted on
  // the server nor forgotten: the next pass finds it.
  if (!kept && b)
    for (std::string_view p = path; !p.empty() && !kept; p = parent_of(p))
      if (local_.gone_meanwhile.contains(p)) {
        kept = true;
        if (p == path)
          error(path,
                "moved or deleted here while the pass read the folder: compared again next "
                "time");
      }
  // Beneath a folder whose twin with the same NFC form is synced in its
  // stead: the journal's item may be in the one left out, unread.
  if (!kept && b)
    for (std::string_view p = parent_of(path); !p.empty() && !kept; p = parent_of(p))
      kept = shadowed_.contains(p);
  if (!kept && b) {
    // Renamed here to a name the server refuses, or moved into a folder of
    // one (not synced, but its inodes were read): its inode is there; or
    // perhaps there when there was too much in such folders to read it all.
    auto moved = left_out_inodes_.find(b->inode);
    if (moved != left_out_inodes_.end() && moved->second.folder == b->folder) {
      const LeftOutInode& where = moved->second;
      kept = true;
      renamed_away_.insert(path);
      left_out_told_.insert(where.at);
      const char* how = where.how == LeftOutInode::renamed_twin
                            ? "renamed here to the same name as another's once in Unicode NFC: "
                        : where.how == LeftOutInode::renamed_refused
                            ? "renamed here to a name the server refuses: "
                            : "moved here into a folder whose name the server refuses: ";
      warn(path, how + where.at + "; the server's copy is kept under its old name");
    } else if (local_.hidden_unknown) {
      kept = true;
      renamed_away_.insert(path);
      warn(path,
           "missing here, but it may have been moved into a folder whose name the server refuses "
           "(too much there to tell): the server's copy is kept");
    }
  }
  // Moved here while the scan read the tree, from a folder it had not read
  // yet to one it had: it saw it nowhere. Neither deleted on the server nor
  // fetched again (a second copy here): the next pass finds it where it is
  // now, and moves it on the server. What is beneath such a folder waits
  // with it.
  if (!kept && b)
    for (std::string_view p = parent_of(path); !p.empty() && !kept; p = parent_of(p))
      kept = moved_meanwhile_.contains(p);
  if (!kept && b && moved_meanwhile(path, *b)) {
    kept = true;
    moved_meanwhile_.insert(path);
    error(path, reread_error_.empty()
                    ? "moved here while the pass read the tree: compared again next time"
                    : "missing here, and the folder could not be read again to tell whether it "
                      "was moved meanwhile (" +
                          reread_error_ + "): compared again next time");
  }
  if (!kept) return false;
  // The journal keeps what both sides held; what the server changed since
  // comes down once the path is back.
  if (!b || remote_changed(*r, *b)) unsettled_.push_back(path);
  return true;
}

bool Engine::moved_meanwhile(const std::string& path, const JournalEntry& b) {
  if (!reread_) {
    reread_ = true;
    // Between any two folders, as elsewhere: a large tree takes a while.
    auto again =
        scan_local(pair_.local_dir, {}, [this](const std::string&, const std::string&) { tick(); });
    if (!again) {
      reread_error_ = again.error().message;
    } else if (again->hidden_unknown && !local_.hidden_unknown) {
      reread_error_ = "too much in the folders whose names the server refuses";
    } else {
      // Only where the scan did not see it: a new file that took a deleted
      // one's inode before the pass began (the scan saw it) keeps no
      // deletion from going to the server.
      for (const auto& [p, l] : again->entries)
        if (auto seen = local_.entries.find(p);
            seen == local_.entries.end() || seen->second.inode != l.inode)
          appeared_.emplace(l.inode, l.folder);
      for (const auto& [p, lo] : again->left_out)
        if (auto seen = local_.left_out.find(p);
            lo.kind == LeftOut::refused_name &&
            (seen == local_.left_out.end() || seen->second.inode != lo.inode))
          appeared_.emplace(lo.inode, lo.folder);
      for (const auto& [inode, h] : again->hidden)
        if (!local_.hidden.contains(inode)) appeared_.emplace(inode, h.folder);
    }
  }
  if (!reread_error_.empty()) return true;
  auto appeared = [this](const JournalEntry& e) {
    auto it = appeared_.find(e.inode);
    return it != appeared_.end() && it->second == e.folder;
  };
  if (appeared(b)) return true;
  if (!b.folder) return false;
  // A file moved out of it to a place read already, the folder deleted
  // after: deleting the folder on the server would delete that file too.
  auto [first, last] = beneath(journal_.entries, path);
  return std::any_of(first, last, [&](const auto& e) { return appeared(e.second); });
}

void Engine::reconcile_path(const std::string& path) {
  auto bi = journal_.entries.find(path);
  auto li = local_.entries.find(path);
  auto ri = remote_tree_.find(path);
  const JournalEntry* b = bi == journal_.entries.end() ? nullptr : &bi->second;
  const LocalEntry* l = li == local_.entries.end() ? nullptr : &li->second;
  const RemoteEntry* r = ri == remote_tree_.end() ? nullptr : &ri->second;
  if (!l && keep_left_out(path, b, r)) return;
  if (!l && !r) {  // gone from both sides
    if (b) journal_.entries.erase(bi);
    return;
  }
  const bool write = options_.can_write;

  if (l && r && l->folder != r->folder) {
    error(path, "a file on one side and a folder on the other: rename one of them");
    done_.insert(path);
    return;
  }

  // Folders.
  if ((l && l->folder) || (r && r->folder)) {
    if (l && r) {
      // The ETag the journal had, until the pass ends (pass()).
      const bool same = b && b->folder && b->node_id == r->node_id;
      record(path, JournalEntry{.folder = true,
                                .node_id = r->node_id,
                                .etag = same ? b->etag : std::string(),
                                .inode = l->inode});
      listed_etags_[path] = r->etag;
      return;
    }
    if (l && !r) {
      if (b && b->folder && !local_subtree_changed(path)) {  // deleted on the server
        delete_local_tree(path);
        return;
      }
      if (!write) {
        warn(path, "read only: this local folder is not sent");
        done_.insert(path);
        return;
      }
      if (!make_remote_folder(path, *l)) done_.insert(path);
      return;
    }
    // r && !l
    if (b && b->folder && write && !remote_subtree_changed(path)) {  // deleted here
      delete_remote_tree(path, *r);
      return;
    }
    if (!make_local_folder(path, *r)) done_.insert(path);
    return;
  }

  // Files.
  if (l && r) {
    if (b && !b->folder) {
      auto changed = local_changed(path, *l, *b);
      if (!changed) return;  // cannot be read now: next time
      const bool lc = *changed;
      bool rc = remote_changed(*r, *b);
      if (!lc && !rc) {
        JournalEntry e = *b;
        e.etag = r->etag;
        e.remote_mtime_ms = r->mtime_ms;
        e.size = l->size;
        e.mtime_ns = l->mtime_ns;
        e.inode = l->inode;
        record(path, e);
        return;
      }
      if (!lc && rc) {
        enqueue(Transfer{Transfer::download, path, *r, *l});
        return;
      }
      if (lc && !rc) {
        if (write) {
          enqueue(Transfer{Transfer::upload, path, *r, *l});
        } else {
          warn(path, "read only: this local change is not sent");
        }
        return;
      }
    }
    // Both changed, or both new: the same content is no conflict.
    auto sha = local_sha(path, *l);
    if (!sha) return;
    if (*sha == r->sha256) {
      record(path, JournalEntry{.folder = false,
                                .node_id = r->node_id,
                                .etag = r->etag,
                                .sha256 = *sha,
                                .size = l->size,
                                .mtime_ns = l->mtime_ns,
                                .inode = l->inode,
                                .remote_mtime_ms = r->mtime_ms});
      return;
    }
    enqueue(Transfer{Transfer::conflict, path, *r, *l});
    return;
  }
  if (l && !r) {
    if (b && !b->folder) {
      // Deleted on the server: deleted here too, unless changed here.
      auto changed = local_changed(path, *l, *b);
      if (!changed) return;  // cannot be read now: next time
      if (!*changed) {
        delete_local_tree(path);
        return;
      }
      journal_.entries.erase(path);
    }
    if (!write) {
      warn(path, "read only: this local file is not sent");
      return;
    }
    enqueue(Transfer{Transfer::upload_new, path, {}, *l});
    return;
  }
  // r && !l
  if (b && !b->folder && !remote_changed(*r, *b)) {
    if (write) {
      delete_remote_tree(path, *r);
      return;
    }
    warn(path, "read only: restored from the server");
  }
  if (b) journal_.entries.erase(path);
  enqueue(Transfer{Transfer::download_new, path, *r, {}});
}

void Engine::reconcile() {
  std::set<std::string> paths;
  for (const auto& [p, _] : journal_.entries) paths.insert(p);
  for (const auto& [p, _] : local_.entries) paths.insert(p);
  for (const auto& [p, _] : remote_tree_) paths.insert(p);
  std::string skipped;  // the last subtree handled whole
  for (const std::string& path : paths) {
    if (stopping()) return;
    tick();
    if (!done_.empty()) {
      if (done_.contains(path)) continue;  // held before the comparison (a move that failed)
      if (!skipped.empty() && within(path, skipped)) continue;
      bool in_done = false;
      for (std::string_view p = parent_of(path); !p.empty(); p = parent_of(p))
        if (done_.contains(std::string(p))) {
          skipped = std::string(p);
          in_done = true;
          break;
        }
      if (in_done) continue;
    }
    reconcile_path(path);
  }
}

Result<PassSummary> Engine::pass() {
  // The tick during this pass's requests on remote_ (not on its clones:
  // only this thread ticks), and not after it.
  struct Progress {
    Remote& remote;
    ~Progress() { remote.set_progress({}); }
  } progress{remote_};
  remote_.set_progress(options_.tick);
  summary_ = {};
  bytes_up_ = bytes_down_ = 0;
  queue_.clear();
  done_.clear();
  remote_warned_.clear();
  left_out_inodes_.clear();
  renamed_away_.clear();
  shadowed_.clear();
  left_out_told_.clear();
  reread_ = false;
  reread_error_.clear();
  appeared_.clear();
  moved_meanwhile_.clear();
  unsettled_.clear();
  local_writes_.clear();
  listed_etags_.clear();
  server_changed_ = false;
  remove_leftovers();
  const std::int64_t up0 = remote_.bytes_up(), down0 = remote_.bytes_down();
  RUCHE_CHECK(scan_remote());
  RUCHE_TRY(local_,
            scan_local(pair_.local_dir, {}, [&](const std::string& rel, const std::string&) {
              if (options_.reading) options_.reading(rel);
            }));
  for (const auto& [path, lo] : local_.left_out) {
    if (lo.kind != LeftOut::refused_name) continue;
    const bool twin = lo.why.starts_with(kSameNameAs);
    left_out_inodes_.emplace(
        lo.inode, LeftOutInode{path, lo.folder,
                               twin ? LeftOutInode::renamed_twin : LeftOutInode::renamed_refused});
    if (twin) {
      const std::string_view parent = parent_of(path);
      shadowed_.emplace(
          (parent.empty() ? std::string() : std::string(parent) + "/") + nfc_name(name_of(path)),
          path);
    }
  }
  for (const auto& [inode, h] : local_.hidden)
    left_out_inodes_.emplace(inode, LeftOutInode{h.under, h.folder, LeftOutInode::moved_into});
  if (options_.scanned) options_.scanned();

  // An empty side that was not empty: a disk not mounted, a wrong folder, a
  // workspace emptied by mistake. Deleting everything on the other side
  // takes an explicit yes.
  if (!options_.allow_delete_all && !journal_.entries.empty()) {
    if (local_.entries.empty() && local_.left_out.empty() && !remote_tree_.empty())
      return fail(Errc::conflict,
                  "the local folder " + pair_.local_dir +
                      " is empty but held synced files: is it the right folder (a disk not "
                      "mounted?). To delete every file on the server too, run `ruche-sync once "
                      "--allow-delete-all`.");
    if (remote_tree_.empty() && !local_.entries.empty())
      return fail(Errc::conflict,
                  "the workspace's files are all gone from the server but were synced here. To "
                  "delete every local file too, run `ruche-sync once --allow-delete-all`.");
  }

  detect_moves();
  reconcile();
  run_queue();
  for (const auto& [path, lo] : local_.left_out)
    if (!left_out_told_.contains(path)) warn(path, lo.why);

  // Folders' ETags tell the next pass what it need not list again: only
  // where everything beneath was synced. A pass stopped midway has not
  // synced what was left in its queue (nor what it did not reach): those
  // folders keep the ETags they had, and are listed again.
  if (!stopping())
    for (const auto& [path, etag] : listed_etags_)
      if (auto it = journal_.entries.find(path); it != journal_.entries.end() && it->second.folder)
        it->second.etag = etag;
  // Where the journal holds what the server no longer does (errors, and
  // paths kept while something is left out here), the folders above are
  // listed again.
  if (summary_.errors.empty() && unsettled_.empty() && !stopping()) {
    journal_.root_etag = root_etag_;
    if (server_changed_) confirm_remote();
  } else {
    journal_.root_etag.clear();
    for (const Problem& p : summary_.errors) unsettled_.push_back(p.path);
    for (const std::string& path : unsettled_)
      for (std::string_view d = parent_of(path); !d.empty(); d = parent_of(d))
        if (auto it = journal_.entries.find(std::string(d)); it != journal_.entries.end())
          it->second.etag.clear();
  }
  summary_.converged = summary_.errors.empty() && !stopping();
  summary_.finished_at_ms = SystemClock::instance().now_ms();
  summary_.bytes_up = remote_.bytes_up() - up0 + bytes_up_;
  summary_.bytes_down = remote_.bytes_down() - down0 + bytes_down_;
  journal_.last = summary_;
  if (stopping()) return fail(Errc::unavailable, "stopped");
  return summary_;
}

}  // namespace ruche::sync
