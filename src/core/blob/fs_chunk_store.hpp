// FsChunkStore: chunks as files on the local disk.
//
// Layout: ROOT/<namespace>/<id[0..1]>/<id>, ROOT being DATA/blobs. A chunk is
// written to ROOT/<namespace>/<shard>/.tmp-<random> (a name no id can have),
// fsynced, given its age as modification time, renamed over its id, and the
// directory fsynced; new directories are fsynced into their parent. The
// modification time of a chunk file is its age (chunk_store.hpp), set from
// the store's Clock, not from the kernel's.
//
// remove_if_older() first renames the chunk to .gc-<id>-<random>, then looks
// at its age: a touch() before the rename shows there (the file goes back);
// a touch() after it finds no file. A .gc- file left by a crash is put back
// under its id by remove_stale_temporaries(), never deleted.
//
// Backups (app/backup.hpp) copy ROOT while a server runs: every chunk the
// database they copied references must still be here when they copy it. A
// backup holds ROOT.backup-lock (beside ROOT) exclusively (hold_for_backup) from before
// its database snapshot to the end of its copy; removals here take it shared
// and never wait for it: while a backup holds it, remove_if_older() keeps
// the chunk (too_recent: the next collection decides), remove() and
// remove_namespace() fail with Errc::unavailable.
//
// Thread-safety: safe from several threads and processes at once (atomicity
// comes from rename(2)). Blocking: worker threads only.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "base/clock.hpp"
#include "core/blob/chunk_store.hpp"
#include "core/blob/file_system.hpp"

namespace ruche::blob {

class FsChunkStore final : public ChunkStore {
 public:
  // A store rooted at `root` (created, with its parent, if absent). `fs` and
  // `clock` must outlive the store. Errors: those of creating the directory.
  static Result<std::unique_ptr<FsChunkStore>> open(std::string root,
                                                    FileSystem& fs = posix_file_system(),
                                                    const Clock& clock = SystemClock::instance());

  ~FsChunkStore() override;

  // What a backup holds while it copies a store's root (above): released
  // when destroyed.
  class BackupHold {
   public:
    BackupHold(BackupHold&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    BackupHold& operator=(BackupHold&&) = delete;
    ~BackupHold();

   private:
    friend class FsChunkStore;
    explicit BackupHold(int fd) : fd_(fd) {}
    int fd_;
  };
  // Waits for the removals in progress under `root` (an existing store's
  // root, in any process) to end, then keeps any other from starting.
  // Errors: unavailable (the lock file cannot be opened).
  static Result<BackupHold> hold_for_backup(const std::string& root);

  const std::string& root() const { return root_; }
  // The path a chunk has (or would have); both names must be valid.
  std::string chunk_path(std::string_view ns, std::string_view id) const;

  Result<bool> put(std::string_view ns, std::string_view id, std::string_view sealed) override;
  Result<std::string> get(std::string_view ns, std::string_view id) override;
  Result<bool> exists(std::string_view ns, std::string_view id) override;
  Result<bool> touch(std::string_view ns, std::string_view id) override;
  Result<bool> remove(std::string_view ns, std::string_view id) override;
  Result<Removal> remove_if_older(std::string_view ns, std::string_view id,
                                  std::int64_t cutoff_ms) override;
  Result<void> list(std::string_view ns, FunctionRef<bool(std::string_view id)> fn) override;
  Result<std::vector<std::string>> list_namespaces() override;
  Result<std::uint64_t> remove_stale_temporaries(std::string_view ns,
                                                 std::int64_t cutoff_ms) override;
  Result<void> remove_namespace(std::string_view ns) override;

 private:
  FsChunkStore(std::string root, FileSystem& fs, const Clock& clock);

  Result<void> ensure_dir(const std::string& path, const std::string& parent);
  // One removal's share of the backup lock, released when destroyed; false
  // (nothing held) while a backup holds the lock.
  class Removing {
   public:
    explicit Removing(FsChunkStore* store) : store_(store) {}
    Removing(const Removing&) = delete;
    Removing& operator=(const Removing&) = delete;
    ~Removing() {
      if (store_) store_->end_removal();
    }
    explicit operator bool() const { return store_ != nullptr; }

   private:
    FsChunkStore* store_;
  };
  Removing begin_removal();
  void end_removal();

  std::string root_;
  FileSystem& fs_;
  const Clock& clock_;
  int lock_fd_ = -1;  // ROOT.backup-lock; -1: none could be opened (no backup can hold it either)
  std::mutex removals_mu_;
  int removals_ =
      0;  // removals in progress in this process: the first takes the lock, the last drops it
};

}  // namespace ruche::blob
