#include "sync/watcher.hpp"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

namespace ruche::sync {

namespace {

// IN_DONT_FOLLOW: the scan lists no link as a folder, and a folder replaced
// by a link meanwhile must not have its target watched.
constexpr std::uint32_t kMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |
                                IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF |
                                IN_ONLYDIR | IN_DONT_FOLLOW;

// Paths heard during one pass beyond which it counts as an overflow: the
// memory stays bounded, and the next pass takes whatever it was.
constexpr std::size_t kMaxHeard = 65'536;

LocalEntry entry_of(const JournalEntry& b) {
  return LocalEntry{
      .folder = b.folder, .size = b.folder ? 0 : b.size, .mtime_ns = b.mtime_ns, .inode = b.inode};
}

// Whether what is at `full` now is what `left` says the pass left there.
bool still_as_left(const std::string& full, const std::optional<LocalEntry>& left) {
  if (auto now = stat_entry(full)) return same_as_left(now, left);
  // Nothing there, or neither a file nor a folder (which no pass leaves).
  struct stat st {};
  return !left && ::lstat(full.c_str(), &st) != 0 && errno == ENOENT;
}

}  // namespace

void LocalWrites::add(const std::set<std::string>& written, const Journal& journal) {
  paths.insert(written.begin(), written.end());
  left.clear();
  for (const std::string& p : paths) {
    auto b = journal.entries.find(p);
    if (b == journal.entries.end()) {
      left.emplace(p, std::nullopt);
      continue;
    }
    left[p] = entry_of(b->second);
    if (!b->second.folder) continue;
    auto [first, last] = beneath(journal.entries, p);
    for (auto it = first; it != last; ++it) left[it->first] = entry_of(it->second);
  }
}

bool same_as_left(const std::optional<LocalEntry>& now, const std::optional<LocalEntry>& left) {
  if (!now || !left) return !now && !left;
  if (now->folder != left->folder || now->inode != left->inode) return false;
  return now->folder || (now->size == left->size && now->mtime_ns == left->mtime_ns);
}

Watcher::Watcher() : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}

Watcher::~Watcher() {
  if (fd_ >= 0) ::close(fd_);
}

int Watcher::watch(std::size_t folder, const std::string& root, const std::string& rel,
                   const std::string& local) {
  const std::string full = join(root, local);
  const int wd = ::inotify_add_watch(fd_, full.c_str(), kMask);
  if (wd < 0) return -1;
  // A folder watched already keeps its id: it is at `rel` now (it moved,
  // or it is where it was).
  auto st = stat_entry(full);
  watched_[wd] = Watch{
      .folder = folder, .rel = rel, .local = local, .inode = st ? st->inode : 0, .gone = false};
  return wd;
}

template <typename F>
void Watcher::read_events(F&& on) {
  alignas(inotify_event) char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(p);
      on(ev->wd, ev->mask, ev->len ? std::string_view(ev->name) : std::string_view());
      p += sizeof(inotify_event) + ev->len;
    }
  }
}

void Watcher::forget_gone() {
  std::erase_if(watched_, [](const auto& w) { return w.second.gone; });
}

void Watcher::arm(const std::vector<FolderPair>& folders) {
  if (fd_ < 0) return;
  read_events([&](int wd, std::uint32_t mask, std::string_view) {
    if (mask & IN_IGNORED) watched_.erase(wd);
  });
  heard_.clear();
  overflow_ = false;
  std::set<int> armed;
  bool complete = true;
  for (std::size_t i = 0; i < folders.size(); ++i) {
    const std::string& root = folders[i].local_dir;
    // A folder that cannot be read fails the pass, which says so; the
    // folders the scan did not reach keep their watches.
    complete = scan_local(root, {},
                          [&](const std::string& rel, const std::string& local) {
                            if (int wd = watch(i, root, rel, local); wd >= 0) armed.insert(wd);
                          })
                   .has_value() &&
               complete;
  }
  if (!complete) return;
  for (auto& [wd, w] : watched_) {
    if (armed.contains(wd) || w.gone) continue;
    ::inotify_rm_watch(fd_, wd);
    w.gone = true;  // forgotten after the pass, its IN_IGNORED read
  }
}

void Watcher::collect() {
  if (fd_ < 0) return;
  read_events([&](int wd, std::uint32_t mask, std::string_view name) {
    if (mask & IN_Q_OVERFLOW) overflow_ = true;
    if (mask & IN_IGNORED) {
      // Its folder deleted (or arm() removed it): what it heard before is
      // in heard_, kept until after_pass() judges it.
      if (auto w = watched_.find(wd); w != watched_.end()) w->second.gone = true;
      return;
    }
    if (overflow_) return;  // everything counts already
    heard_.emplace(wd, std::string(name));
    if (heard_.size() > kMaxHeard) {
      overflow_ = true;
      heard_.clear();
    }
  });
}

bool Watcher::after_pass(const std::vector<FolderPair>& folders,
                         const std::map<std::string, LocalWrites>& writes) {
  if (fd_ < 0) return false;
  collect();
  // After an overflow nothing is watched anew: the pass that follows arms.
  const bool changed = overflow_ || !as_left(folders, writes);
  heard_.clear();
  overflow_ = false;
  forget_gone();
  return changed;
}

bool Watcher::as_left(const std::vector<FolderPair>& folders,
                      const std::map<std::string, LocalWrites>& writes) {
  static const LocalWrites kNone;
  auto writes_of = [&](std::size_t i) -> const LocalWrites& {
    auto it = writes.find(folders[i].workspace_id);
    return it == writes.end() ? kNone : it->second;
  };

  // The folders the pass made or moved: nothing heard what was written in
  // those it made, so each is watched, then read, and must hold what the
  // journal records, nothing more, nothing less. Those it moved keep their
  // watches, now known at their new paths. The topmost only: the scan goes
  // beneath.
  for (std::size_t i = 0; i < folders.size(); ++i) {
    const std::string& root = folders[i].local_dir;
    const LocalWrites& w = writes_of(i);
    std::set<std::string> tops;
    for (const std::string& p : w.paths) {
      auto l = w.left.find(p);
      if (l == w.left.end() || !l->second || !l->second->folder) continue;
      bool beneath_a_top = false;
      for (std::string_view d = parent_of(p); !d.empty() && !beneath_a_top; d = parent_of(d))
        beneath_a_top = tops.contains(std::string(d));
      if (!beneath_a_top) tops.insert(p);
    }
    for (const std::string& top : tops) {
      if (!still_as_left(join(root, find_local_path(root, top)), w.left.find(top)->second))
        return false;
      auto scan = scan_local(root, top, [&](const std::string& rel, const std::string& local) {
        watch(i, root, rel, local);
      });
      if (!scan || scan->left_out.contains(top)) return false;  // mounted there since
      std::size_t held = 0;
      auto [first, last] = beneath(w.left, top);
      for (auto it = first; it != last; ++it)
        if (it->second) ++held;
      if (scan->entries.size() != held) return false;
      for (const auto& [path, now] : scan->entries) {
        auto l = w.left.find(path);
        if (l == w.left.end() || !same_as_left(now, l->second)) return false;
      }
    }
  }

  // What was heard: each path must be one the pass wrote, holding what it
  // left there.
  std::map<int, bool> in_place;  // watch -> its folder is where it was last seen
  for (const auto& [wd, name] : heard_) {
    auto it = watched_.find(wd);
    if (it == watched_.end()) return false;
    const Watch& watch = it->second;
    const bool top = watch.rel.empty();
    // A folder deleted: its parent heard it (the top has none here).
    if (watch.gone) {
      if (top) return false;
      continue;
    }
    // Never synced (lock and swap files; .ruche-sync/, where downloads are
    // written first): no change of anything synced.
    if (!name.empty() && ignored_name(name, top)) continue;
    if (top && name.empty()) return false;  // the synced folder itself
    const std::string& root = folders[watch.folder].local_dir;
    auto [place, fresh] = in_place.try_emplace(wd, false);
    if (fresh) {
      // Moved where arm() and the scans above did not see it: what its
      // events name is not known.
      auto st = stat_entry(join(root, watch.local));
      place->second = st && st->folder && st->inode == watch.inode;
    }
    if (!place->second) return false;
    // The pass's writes are known by their paths (NFC names); the name
    // heard is the one on disk.
    const std::string nfc = nfc_name(name);
    const std::string path = name.empty() ? watch.rel : top ? nfc : watch.rel + "/" + nfc;
    const std::string local = name.empty() ? watch.local
                              : top        ? std::string(name)
                                           : watch.local + "/" + std::string(name);
    const LocalWrites& w = writes_of(watch.folder);
    auto l = w.left.find(path);
    if (l == w.left.end()) return false;  // not the pass's
    if (!still_as_left(join(root, local), l->second)) return false;
  }
  return true;
}

bool Watcher::drain() {
  if (fd_ < 0) return false;
  bool any = false;
  read_events([&](int wd, std::uint32_t mask, std::string_view name) {
    // IN_IGNORED: a watch removed (a folder deleted also gives
    // IN_DELETE_SELF); counting it made every pass start another.
    if (mask & IN_IGNORED) {
      watched_.erase(wd);
      return;
    }
    // What is never synced (an editor's swap file written every few
    // seconds, .ruche-sync/) starts no pass.
    auto w = watched_.find(wd);
    if (w != watched_.end() && !name.empty() && ignored_name(name, w->second.rel.empty())) return;
    any = true;
  });
  return any;
}

}  // namespace ruche::sync
