// `run`'s ears on the local side (docs/sync.md, "run"): inotify on every
// folder of the synced trees, and what counts as a local change.
//
// A pass writes into the synced folders itself (downloads renamed into
// place, deletions, folders made, conflict copies, local moves), and the
// watches hear it. Those writes are not a change of the user's: after a
// pass, an event is the pass's own when the pass wrote that path
// (Engine::local_writes) and the path holds now what the journal records
// there after the pass: the same file (size, modification time in
// nanoseconds, inode), the same folder (inode), or nothing. That is
// content identity, not timing: a user's write to the same path, just
// before the pass's or just after it, leaves something else there and
// counts. Every other event counts as it always did (an overflow of the
// kernel's queue too). A folder the pass made was not watched while it
// filled: it is watched once the pass ends, then read, and what it holds
// is compared with the journal likewise.
//
// One thread; no clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sync/local_tree.hpp"
#include "sync/state.hpp"

namespace ruche::sync {

// What the passes of one synced folder wrote there, and what they left.
struct LocalWrites {
  std::set<std::string> paths;  // as Engine::local_writes()
  // For each of `paths`, and everything the journal holds beneath those
  // that are folders: what the journal records there (nullopt: nothing).
  std::map<std::string, std::optional<LocalEntry>> left;

  // Adds a pass's Engine::local_writes() and records what `journal`, as
  // that pass left it, holds at every path written so far (a later pass
  // over the same folder records anew what an earlier one wrote).
  void add(const std::set<std::string>& written, const Journal& journal);
};

// Whether `now` (what is at a path: nullopt for nothing) is what `left`
// says a pass left there: the same file (size, mtime_ns, inode), the same
// folder (inode), or nothing on both sides.
bool same_as_left(const std::optional<LocalEntry>& now, const std::optional<LocalEntry>& left);

class Watcher {
 public:
  Watcher();
  // Closes the inotify descriptor (and so every watch).
  ~Watcher();
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // The descriptor to poll() for reading; -1 when inotify could not be
  // had (then nothing is heard, and every call below does nothing).
  int fd() const { return fd_; }

  // Before a pass over `folders` (the same list at every call): forgets
  // what was heard so far (the pass reads the folders after this), then
  // watches every folder of their trees, each before it is read (one
  // watched already keeps its watch: nothing goes unheard meanwhile),
  // and removes the watches of folders no longer there.
  void arm(const std::vector<FolderPair>& folders);

  // During a pass: reads what is queued and keeps it for after_pass(), so
  // that the kernel's bounded queue does not overflow during a long pass.
  // One system call when nothing is queued.
  void collect();

  // Once the pass over `folders` ended, with `writes` (by workspace id)
  // what it wrote: whether anything heard since arm() is a local change
  // (see above). Watches the folders the pass made or moved, and forgets
  // what was heard.
  bool after_pass(const std::vector<FolderPair>& folders,
                  const std::map<std::string, LocalWrites>& writes);

  // Between passes: reads what is queued; whether any of it is a change
  // (anything but the work folder at the top of a synced folder, and
  // watches removed).
  bool drain();

 private:
  struct Watch {
    std::size_t folder = 0;  // in the list arm() was given
    std::string rel;         // the folder's path in it, as last seen ("": the top)
    std::string local;       // where that is on disk (LocalScan::local_path)
    std::uint64_t inode = 0;
    bool gone = false;  // its folder deleted, or its watch removed
  };
  // Watches `rel` of folders[folder], `local` on disk; its id, or -1.
  int watch(std::size_t folder, const std::string& root, const std::string& rel,
            const std::string& local);
  // Reads the queue until it is empty; `on` gets each event.
  template <typename F>
  void read_events(F&& on);
  // What after_pass() checks, the folders made or moved by the pass
  // watched first; whether it all is as the pass left it.
  bool as_left(const std::vector<FolderPair>& folders,
               const std::map<std::string, LocalWrites>& writes);
  void forget_gone();

  int fd_ = -1;
  std::map<int, Watch> watched_;
  // Heard since arm(): (watch, name), whatever the events were.
  std::set<std::pair<int, std::string>> heard_;
  bool overflow_ = false;  // the kernel's queue, or heard_, overflowed
};

}  // namespace ruche::sync
