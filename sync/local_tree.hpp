// The local side: a folder's tree as ruche-sync sees it (what it syncs,
// what it leaves alone), and content hashes.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "sync/state.hpp"

namespace ruche::sync {

// The folder inside each synced folder where downloads are written before
// they are renamed into place; never synced.
inline constexpr std::string_view kWorkDir = ".ruche-sync";

struct LocalEntry {
  bool folder = false;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  friend bool operator==(const LocalEntry&, const LocalEntry&) = default;
};

// How the warning of a name left out for another's with the same NFC form
// begins.
inline constexpr std::string_view kSameNameAs = "same name as ";

// Something the scan leaves out, as it is: so that a synced item replaced
// by it, or renamed to it, is not taken for deleted.
struct LeftOut {
  enum Kind { link, special, refused_name, mount } kind = link;
  bool folder = false;      // a folder (nothing beneath it is read)
  std::uint64_t inode = 0;  // its own (a link's, not its target's)
  std::string why;          // the warning: why it is not synced
};

// A name here not in Unicode NFC (an NFD name, as macOS and many archives
// make them) is synced under its NFC form: its path (in the journal, on the
// server, in `entries`) is the NFC one, and the file keeps its own name
// here. Two names of one folder with the same NFC form: the one in NFC (or
// else the first in byte order) is synced, the other left out.
struct LocalScan {
  std::map<std::string, LocalEntry> entries;  // relative paths, as the journal's (NFC)
  // Links, special files, mount points, names the server refuses, names the same as
  // another's once in NFC: one each (what is beneath a left-out folder is
  // not read), by relative path (a name the same as another's: its folder's
  // path and its own name as it is here).
  std::map<std::string, LeftOut, std::less<>> left_out;
  // The synced folder's file system (its st_dev). A folder where another is
  // mounted (or the same one again, bound there) is left out, unread: its
  // inodes are another file system's, which the journal's could not tell
  // from this one's, and once unmounted its content would pass for deleted.
  std::uint64_t device = 0;
  // The name here of each path (of `entries` and `left_out`) whose own name
  // is not in NFC: path -> that name, as it is on disk.
  std::map<std::string, std::string, std::less<>> local_names;
  // What lies beneath the folders left out for a name the server refuses
  // (read for this alone, never synced): inode -> that folder's left-out
  // path, and whether it is a folder. A synced item moved into one is then
  // not taken for deleted. Bounded (kHiddenItemsAtMost items, kHiddenDepthAtMost
  // levels): past that, or when one of them cannot be read, `hidden_unknown`,
  // and any synced item missing here may be in one.
  struct Hidden {
    std::string under;
    bool folder = false;
  };
  std::map<std::uint64_t, Hidden> hidden;
  bool hidden_unknown = false;
  // Folders listed in their folder but gone once the scan came to read
  // them (moved meanwhile, most likely, to where the scan had been
  // already, or deleted): what the journal holds there may be here
  // elsewhere, not read. By relative path.
  std::set<std::string, std::less<>> gone_meanwhile;

  // Where `path` (a relative path, as the journal's) is here: each of its
  // names as it is on disk (local_names), relative to the synced folder.
  std::string local_path(std::string_view path) const;
};

inline constexpr std::size_t kHiddenItemsAtMost = 100'000;
inline constexpr int kHiddenDepthAtMost = 64;

// Files that are never synced, either way: editors' and office suites' lock
// and swap files, desktop litter (.DS_Store, Thumbs.db, desktop.ini), and
// kWorkDir at the top. docs/sync.md lists them.
bool ignored_name(std::string_view name, bool at_top);

// Whether a name can be synced: the server's rule (no '/', '\\', control
// characters, malformed UTF-8, ≤ 255 bytes). An empty string when it can
// (a name not in NFC is then synced under its NFC form); why not otherwise.
std::string name_problem(std::string_view name);

// `name` in Unicode NFC; itself when the server refuses it.
std::string nfc_name(std::string_view name);

// Where `path` (a relative path, as the journal's) is found under `root`
// now, relative to it: as scan_local would find it, each name as it is on
// disk (its NFC form itself when it is there, else the first name in byte
// order whose NFC form it is). A name not found is kept as it is.
std::string find_local_path(const std::string& root, std::string_view path);

// The name in the folder open at `dfd` that the scan syncs as `nfc` (a
// name in NFC), if any: `nfc` itself when it is there, else the first name
// in byte order whose NFC form it is.
std::optional<std::string> synced_name(int dfd, const std::string& nfc);

// Walks `root` without following links: the folder `under` (a relative
// path, as the journal's; "" for the whole tree) and everything beneath it,
// at their paths relative to `root`. `before_reading`, when set, is called
// with each folder's relative path ("" for `root`) and where it is on disk
// (LocalScan::local_path) just before that folder is read (`run` watches it
// there: what is written in it after it was read is heard). An inode read
// at more than one path (an item moved meanwhile from a folder read
// already to one not read yet) is looked at again: the paths no longer
// holding it are dropped, with what was read beneath them (hard links keep
// every path). Errors: unavailable when `root` cannot be read (a
// missing folder is not an empty one), or such a path cannot be looked at
// again; a missing `under` gives an empty scan.
Result<LocalScan> scan_local(
    const std::string& root, const std::string& under = {},
    const std::function<void(const std::string& rel, const std::string& local)>& before_reading =
        {});

// `path`'s SHA-256 (hex) and its metadata as it was hashed; `tick`, when
// set, is called after each MiB read (a large file takes minutes: see
// EngineOptions::tick). Errors: not_found (gone), conflict (it changed
// while it was read: retry later).
struct Hashed {
  std::string sha256;
  LocalEntry entry;
};
Result<Hashed> hash_file(const std::string& path, const std::function<void()>& tick = {});
// The same, of `name` in the folder open at `dfd` (not followed if a link).
Result<Hashed> hash_file(int dfd, const std::string& name, const std::function<void()>& tick = {});

// stat(2) as a LocalEntry; nullopt when nothing is there.
std::optional<LocalEntry> stat_entry(const std::string& path);
// What a stat(2) or fstat(2) says, as a LocalEntry.
LocalEntry entry_of(const struct stat& st);

// Joins the synced folder and a relative path.
inline std::string join(const std::string& root, std::string_view rel) {
  return rel.empty() ? root : root + "/" + std::string(rel);
}
// "a/b/c" -> "a/b"; "c" -> "".
inline std::string_view parent_of(std::string_view rel) {
  auto i = rel.rfind('/');
  return i == std::string_view::npos ? std::string_view() : rel.substr(0, i);
}
inline std::string_view name_of(std::string_view rel) {
  auto i = rel.rfind('/');
  return i == std::string_view::npos ? rel : rel.substr(i + 1);
}
// Whether `path` is `dir` or beneath it.
inline bool within(std::string_view path, std::string_view dir) {
  return path == dir ||
         (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

// The entries of `m` (keyed by relative paths) beneath the folder `dir`
// (not empty), "dir/…", as [first, last): one range in byte order. `dir`
// and those beneath it together are not: "dir.txt" and "dir x" sort
// between "dir" and "dir/a", so a walk from `dir` that stops at the first
// path not within it misses the folder's contents.
template <typename Map>
auto beneath(Map& m, std::string_view dir) {
  std::string bound(dir);
  bound += '/';
  auto first = m.lower_bound(bound);
  bound.back() = '/' + 1;
  return std::pair{first, m.lower_bound(bound)};
}

}  // namespace ruche::sync
