// One sync pass between a local folder and a workspace's files: a
// three-way comparison of what each side holds now against the journal
// (what both held after the last pass), then the changes applied.
//
//   - Changed on one side only: sent to the other (uploads say which ETag
//     they replace, downloads which one they fetch: a change made meanwhile
//     fails the operation, which the next pass sees).
//   - Changed on both to the same content: nothing to send.
//   - Changed on both otherwise: a conflict. The local version is renamed
//     "name (conflict DEVICE YYYY-MM-DD HHMMSS).ext" and uploaded as a new
//     file, the server's takes the name: both sides keep both.
//   - Deleted on one side, unchanged on the other: deleted there too (the
//     server keeps it in the workspace's trash). Deleted on one side and
//     changed on the other: the change wins and comes back.
//   - Renamed or moved on one side: renamed there too (the server's node ids
//     and the local inodes tell), nothing sent again.
//   - Folders: created and deleted like files; a folder deleted on one side
//     whose contents changed on the other comes back with those changes.
//   - Missing here because it was moved while the scan read the tree (from
//     a folder not read yet to one read already): no deletion; the pass
//     reads the tree again to tell, and the next pass sees the move. Moved
//     the other way (from a folder read already to one not read yet): the
//     scan keeps only the path that still holds it (scan_local), a move.
//   - Missing here, but something the scan leaves out is in its place (a
//     link, a special file) or holds its inode (renamed to a name the server
//     refuses): no deletion. Both sides and the journal keep it, with a
//     warning, until it is put back; nothing is written over or through a
//     link.
//   - A local name not in Unicode NFC (NFD, as macOS makes them) is synced
//     under its NFC form: that is its path here, in the journal and on the
//     server, while the local item keeps its name (LocalScan::local_names:
//     each local operation goes through it). What comes new from the server
//     is made here under the server's name; a rename on the server renames
//     here to it.
//
// Downloads go to kWorkDir, are checked against the server's SHA-256,
// synced and renamed into place only if the local file did not change
// meanwhile; a local file is deleted only if it is still as it was seen.
// Folders whose ETag did not change since the last pass are not listed.
//
// The ETags the journal keeps are only ever ones read before a listing that
// showed what the journal holds: a folder's ETag changes with anything
// beneath it (a new random one each time, whoever made the change), so an
// ETag recorded that way moves as soon as anything changes after it. A pass
// that changed the server itself reads the changed folders again at its end
// (confirm_remote): where they hold exactly what the journal says, their
// new ETags are recorded and the next pass lists nothing; where anything
// else is there (someone else's change, made during the pass), they are
// left to be listed again by the next pass.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "sync/local_tree.hpp"
#include "sync/remote.hpp"
#include "sync/state.hpp"

namespace ruche::sync {

struct RemoteEntry {
  bool folder = false;
  std::string node_id;
  std::string etag;
  std::string sha256;
  std::int64_t size = 0;
  std::int64_t mtime_ms = 0;
};

// "report.pdf" -> "report (conflict laptop 2026-12-03 101500).pdf".
std::string conflict_name(std::string_view name, std::string_view device, std::int64_t now_ms);

struct EngineOptions {
  std::string device = "ruche-sync";  // named in conflict copies
  bool can_write = true;              // the files right: write, or read only
  bool allow_delete_all = false;      // see below
  int transfers = 4;                  // files sent or fetched at once, each on its own connection
  const std::atomic<bool>* stop = nullptr;
  std::function<void(std::string_view)> say;  // one line per change made
  std::function<void()>
      checkpoint;  // after each change (the caller saves the journal now and then)
  // Called often during a pass, so that the caller can serve a connection
  // of its own meanwhile (`run`'s live events) without a thread: between
  // any two folders the pass lists, any two files it compares or sends;
  // during its requests (the Remote's progress callback: see
  // Remote::set_progress) and the hashing of a local file (each MiB);
  // and, while transfers on its other connections go on, at least every
  // tenth of a second. Only ever on the thread that called pass(), never
  // with the engine's lock held. It must be quick, must use neither the
  // engine nor its Remote, and limits its own rate (it may be called
  // thousands of times a second). Empty: not called.
  std::function<void()> tick;
  // For tests: called once both sides were read, before anything is
  // compared or changed (a test changes the local folder there).
  std::function<void()> scanned;
  // For tests: called with each local folder's relative path just before
  // the scan reads it (a test moves a folder there).
  std::function<void(const std::string&)> reading;
};

class Engine {
 public:
  Engine(Remote& remote, const FolderPair& pair, Journal& journal, EngineOptions options);

  // One pass. Errors (nothing was changed): the server or the local folder
  // cannot be read; or, unless allow_delete_all, one side is empty while
  // the journal says both held files (an unmounted disk, a wrong folder):
  // deleting everything on the other side is refused. Otherwise the
  // summary: converged when nothing failed; failed items are retried on the
  // next pass.
  Result<PassSummary> pass();

  // After pass(): the relative paths it created, replaced, renamed (both
  // names) or deleted in the local folder, folders included, whatever the
  // pass's outcome; `run` tells its own writes from the user's changes by
  // them (watcher.hpp). Its work folder (kWorkDir) is not among them.
  const std::set<std::string>& local_writes() const { return local_writes_; }

  // After pass(): the workspace's root ETag as the pass read it first,
  // before it listed anything ("" when it could not). Any change made on
  // the server since, the pass's own included, moved it: `run` compares it
  // with the server's when the journal keeps none.
  const std::string& root_etag_read() const { return root_etag_; }

 private:
  void remove_leftovers();
  Result<void> scan_remote();
  Result<void> list_into(const Listing& listing, const std::string& prefix);
  // After changing the server: see above. Records the ETags confirmed.
  void confirm_remote();
  // Whether the folder `listing` (at `prefix`) and everything beneath it
  // hold what the journal says; the ETags of the folders beneath that do
  // go to `confirmed` (path -> ETag, read before their listing).
  Result<bool> confirm_into(const Listing& listing, const std::string& prefix,
                            std::map<std::string, std::string>& confirmed);
  // Whether `path` or a folder above it is in done_ (a move that failed
  // holds both its paths until the next pass).
  bool held(std::string_view path) const;
  void detect_moves();
  void reconcile();
  void reconcile_path(const std::string& path);
  // The path at or above `path` the scan left out here (a link, a special
  // file, a refused name in its place), or empty.
  std::string left_out_at(std::string_view path) const;
  // Whether `path`, missing here, is kept as it is on both sides and in the
  // journal: something left out is in its place (or above it), or the
  // journal's file or folder was renamed here to a name the server refuses
  // (its inode tells), or it is beneath a folder left out for its twin with
  // the same NFC form (shadowed_), or in a folder gone while the scan read
  // the tree (LocalScan::gone_meanwhile), or moved here while it did
  // (moved_meanwhile; these two: an error, so that the next pass looks
  // again). Warns once per such place. The journal forgets only
  // what the server no longer holds there.
  bool keep_left_out(const std::string& path, const JournalEntry* b, const RemoteEntry* r);
  // Whether the journal's `path` (`b`), missing from the scan, may be here
  // under another path: moved while the scan read the tree, from a folder
  // it had not read yet to one it had read (the scan saw it in neither).
  // The first time a pass asks, it reads the tree again (only a pass about
  // to take something here for deleted pays for that): `b`'s inode, or for
  // a folder the inode of anything the journal holds beneath it, there
  // where the scan did not see it tells; so does a second read that fails.
  bool moved_meanwhile(const std::string& path, const JournalEntry& b);

  // Transfers are decided in path order, then run `transfers` at a time
  // once every folder they go into exists on both sides. Each runs holding
  // `mu_` but for its network exchange.
  using Lock = std::unique_lock<std::mutex>;
  struct Transfer {
    enum Kind { download, download_new, upload, upload_new, conflict } kind;
    std::string path;
    RemoteEntry remote;  // what is fetched, or replaced
    LocalEntry local;    // what is sent, or replaced
  };
  void enqueue(Transfer t) { queue_.push_back(std::move(t)); }
  void run_queue();
  void run_transfer(Remote& net, Lock& lock, const Transfer& t);

  // Operations; each records its outcome in the journal and the summary.
  bool download(Remote& net, Lock& lock, const std::string& path, const RemoteEntry& r,
                const std::optional<LocalEntry>& seen);
  bool upload(Remote& net, Lock& lock, const std::string& path, const LocalEntry& l,
              std::optional<std::string> replacing_etag);
  bool make_remote_folder(const std::string& path, const LocalEntry& l);
  bool make_local_folder(const std::string& path, const RemoteEntry& r);
  // The local folder that holds `path`, open (the caller closes it),
  // reached from the synced folder one name at a time (each as it is on
  // disk: local_name) without following a link: a folder replaced here by a
  // link is never written through, deleted through or read through. Every
  // local write, deletion and read of a file goes through it, then the *at
  // system calls with the last name.
  // Missing folders are made when `create` (and added to local_). -1, an
  // error recorded, when it cannot be.
  int open_local_parent(const std::string& path, bool create);
  void resolve_conflict(Remote& net, Lock& lock, const std::string& path, const LocalEntry& l,
                        const RemoteEntry& r);
  void delete_remote_tree(const std::string& path, const RemoteEntry& r);
  void delete_local_tree(const std::string& path);

  // The local file's content hash, from the journal when its metadata did
  // not change; nullopt (and an error recorded) when it cannot be read.
  std::optional<std::string> local_sha(const std::string& path, const LocalEntry& l);
  // Whether the local file differs from the journal's; nullopt when it
  // cannot be told (it cannot be read now: an error is recorded).
  std::optional<bool> local_changed(const std::string& path, const LocalEntry& l,
                                    const JournalEntry& b);
  bool remote_changed(const RemoteEntry& r, const JournalEntry& b) const;
  bool remote_subtree_changed(const std::string& path) const;
  bool local_subtree_changed(const std::string& path);
  std::optional<std::string> remote_parent_id(const std::string& path);
  // `path`'s own name here, as it is on disk (LocalScan::local_names); its
  // folder is reached with open_local_parent.
  std::string local_name(const std::string& path) const {
    auto it = local_.local_names.find(path);
    return it == local_.local_names.end() ? std::string(name_of(path)) : it->second;
  }
  void record(const std::string& path, JournalEntry e) { journal_.entries[path] = std::move(e); }
  void wrote_here(const std::string& path) { local_writes_.insert(path); }
  // After a move: the journal's paths (and the other side's) from `from`
  // to `to`, along with everything beneath.
  enum class Moved { on_server, here };
  void rekey(const std::string& from, const std::string& to, Moved where);
  void error(const std::string& path, std::string message);
  void warn(const std::string& path, std::string message);
  bool stopping() const { return options_.stop && options_.stop->load(); }
  void tick() const {
    if (options_.tick) options_.tick();
  }

  Remote& remote_;
  FolderPair pair_;
  Journal& journal_;
  EngineOptions options_;
  std::string root_etag_;
  std::map<std::string, RemoteEntry> remote_tree_;
  LocalScan local_;
  std::map<std::string, std::string> hashes_;  // local content hashes computed in this pass
  std::set<std::string> done_;                 // subtrees handled whole (deleted) or held: skipped
  std::set<std::string> remote_warned_;        // server names never synced, reported this pass
  // Where an inode the journal may hold is here, left out: a name the
  // server refuses (or a twin's), renamed to; or beneath a folder of a
  // refused name (LocalScan::hidden), moved into. By inode.
  struct LeftOutInode {
    std::string at;  // the left-out path: the item itself, or the folder it is beneath
    bool folder = false;
    enum How { renamed_refused, renamed_twin, moved_into } how = renamed_refused;
  };
  std::map<std::uint64_t, LeftOutInode> left_out_inodes_;
  std::set<std::string, std::less<>> renamed_away_;  // journal paths renamed here to a refused name
  // The paths (NFC) of items here left out for a twin's with the same NFC
  // form (-> their left-out paths): what the journal holds beneath such a
  // folder may be in it (it is not read); deleting the twin is a change.
  std::map<std::string, std::string, std::less<>> shadowed_;
  std::set<std::string> left_out_told_;  // left-out paths a keep_left_out warning spoke of
  // moved_meanwhile's second read of the tree: whether it was made, why it
  // failed (empty: it did not), the inodes it found where the scan had not
  // (-> whether a folder's); the journal's paths kept for it.
  bool reread_ = false;
  std::string reread_error_;
  std::map<std::uint64_t, bool> appeared_;
  std::set<std::string, std::less<>> moved_meanwhile_;
  // Kept paths where the server differs from the journal: the folders above
  // them must be listed again (their ETags are not recorded).
  std::vector<std::string> unsettled_;
  // Folders' ETags as listed, for the journal once the pass is over: until
  // then it keeps those it had (a crash or a stop leaves them to be listed).
  std::map<std::string, std::string> listed_etags_;
  bool server_changed_ = false;         // this pass wrote to the server
  std::set<std::string> local_writes_;  // under mu_ while transfers run
  PassSummary summary_;
  std::vector<Transfer> queue_;
  std::mutex mu_;
  std::int64_t bytes_up_ = 0;  // by the extra connections
  std::int64_t bytes_down_ = 0;
};

}  // namespace ruche::sync
