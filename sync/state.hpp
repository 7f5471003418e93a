// What ruche-sync keeps in its state folder (--state DIR):
//   account.json      the server, the account and its app token (mode 0600;
//                     the password is never stored)
//   folders.json      the synced pairs: workspace id, local folder
//   journal-<ws>.json per pair, what both sides held after the last sync:
//                     the base of the three-way comparison (engine.hpp)
//   passed-<ws>       empty; its modification time is when the last pass
//                     ended, for a pass that left the journal as it was
//   lock              held (flock) by the one process using the folder
// Every file is written whole to a temporary file, synced and renamed: a
// crash leaves the old or the new version, never a torn one. A journal is
// only written when its content changed (the pass's time aside).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace ruche::sync {

struct Account {
  std::string url;  // normalize_server_url's form
  std::string email;
  std::string user_id;
  std::string token_id;
  std::string token;
  std::string ca_file;
};

struct FolderPair {
  std::string workspace_id;
  std::string workspace_name;
  std::string local_dir;  // absolute, no trailing '/'
};

// One path both sides agreed on at the last sync.
struct JournalEntry {
  bool folder = false;
  std::string node_id;
  std::string etag;    // the remote ETag then (a folder's changes with anything beneath it)
  std::string sha256;  // files: the content both sides had
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;  // the local file's, to skip hashing an unchanged file
  std::uint64_t inode = 0;
  std::int64_t remote_mtime_ms = 0;
  friend bool operator==(const JournalEntry&, const JournalEntry&) = default;
};

// A problem of the last pass, kept for `status`.
struct Problem {
  std::string path;
  std::string message;
  friend bool operator==(const Problem&, const Problem&) = default;
};

struct PassSummary {
  std::int64_t finished_at_ms = 0;
  bool converged = false;
  std::int64_t uploaded = 0;
  std::int64_t downloaded = 0;
  std::int64_t deleted_local = 0;
  std::int64_t deleted_remote = 0;
  std::int64_t moved = 0;
  std::int64_t conflicts = 0;
  std::int64_t bytes_up = 0;
  std::int64_t bytes_down = 0;
  std::vector<Problem> errors;    // not synced: retried next pass
  std::vector<Problem> warnings;  // never synced as they are (names, links, rights)
  friend bool operator==(const PassSummary&, const PassSummary&) = default;
};

// (A member added here must be compared in state.cpp's same_but_time too.)
struct Journal {
  std::string root_etag;
  // Relative paths ("a/b.txt"), NFC, sorted: a folder comes before what is in it.
  std::map<std::string, JournalEntry> entries;
  PassSummary last;
};

class StateDir {
 public:
  // The default: $XDG_CONFIG_HOME/ruche-sync, or ~/.config/ruche-sync.
  static std::string default_path();
  // Creates the folder (0700) if needed.
  static Result<StateDir> open(std::string path);

  const std::string& path() const { return path_; }

  // Takes the folder's lock for this process's life. Errors: conflict when
  // another process holds it.
  Result<void> lock();
  // Whether another process holds the lock (status).
  bool locked_by_other() const;

  Result<std::optional<Account>> account() const;
  Result<void> save_account(const Account& a) const;
  Result<void> forget_account() const;

  Result<std::vector<FolderPair>> folders() const;
  Result<void> save_folders(const std::vector<FolderPair>& f) const;

  // The journal; `last.finished_at_ms` is the latest of the journal's and
  // passed-<ws>'s time.
  Result<Journal> journal(const std::string& workspace_id) const;
  // Writes the journal (atomically, synced), unless it holds what this
  // object last read from or wrote to the file, the time of the pass aside:
  // then only passed-<ws> is touched (not synced: a crash can only make
  // `status` show an older pass).
  Result<void> save_journal(const std::string& workspace_id, const Journal& j) const;
  Result<void> forget_journal(const std::string& workspace_id) const;

 private:
  explicit StateDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
  int lock_fd_ = -1;
  // Per workspace: the journal as last read from or written to its file.
  mutable std::map<std::string, Journal> saved_;
};

// Writes `data` to `path` through a temporary file beside it: synced,
// renamed, the folder synced; mode `mode`.
Result<void> write_file_atomic(const std::string& path, std::string_view data,
                               unsigned mode = 0600);

}  // namespace ruche::sync
