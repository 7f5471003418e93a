// Backups of an embedded instance (SQLite and DATA/blobs), made while the
// server runs, and their restoration (docs/backup.md).
//
// A backup folder holds ruche.db (one read transaction's view of the
// database, a self-contained file), blobs/ (the chunk files, as in DATA),
// instance.key (unless the key comes from the configuration) and, written
// last, ruche-backup.json. Its database never references a chunk the folder
// lacks: the backup holds the chunk store's backup lock (no chunk leaves)
// from before the snapshot to the end of the copy, and checks the copy
// before it replaces anything. Running it again on the same folder copies
// only the chunks it does not have; until the new database is in place the
// previous backup stays whole (its chunks are removed last).
//
// Restoring fills an empty data folder from a backup folder, then checks
// what it restored: every chunk the database references is there with its
// size, every workspace key unwraps under the instance key, the audit chain
// is intact.
#pragma once

#include <cstdint>
#include <string>

#include "app/config.hpp"
#include "base/result.hpp"

namespace ruche::app {

struct BackupReport {
  std::uint64_t database_bytes = 0;
  std::uint64_t chunks = 0;         // chunk files in the backup
  std::uint64_t chunks_copied = 0;  // of which copied by this run
  std::uint64_t bytes_copied = 0;
  std::uint64_t chunks_removed = 0;  // the previous backup's chunks the instance no longer has
  std::uint64_t keys = 0;            // workspace keys checked
  std::uint64_t bytes_opened = 0;    // with `deep`: plaintext bytes of every chunk opened
  bool key_in_backup = false;        // false: the key is the configuration's (not copied)
};

// Backs the instance of `config` up into folder `to` (created; or a previous
// backup folder, updated). Errors: invalid (not an embedded instance, `to`
// inside the data folder or not a backup folder), not_found (no database),
// unavailable (I/O), internal (the copy does not check out: nothing replaced).
// `deep`: the check also opens every chunk of the copy (a flipped bit
// anywhere fails it), at the cipher's speed.
Result<BackupReport> backup(const Config& config, const std::string& to, bool deep = false);

struct RestoreReport {
  std::uint64_t database_bytes = 0;
  std::uint64_t chunks = 0;
  std::uint64_t bytes = 0;
  std::uint64_t keys = 0;  // workspace keys checked
  std::uint64_t bytes_opened = 0;  // with `deep`
  std::int64_t audit_entries = 0;
};

// Restores backup folder `from` into the data folder of `config`, which must
// hold no instance and no running server. Errors: invalid (not a complete
// backup, a data folder in use, no instance key or another one), conflict
// (a server runs there), unavailable (I/O), internal (what was restored does
// not check out: the data folder keeps it, for a look). `deep`: as for
// backup(); a restore into a scratch folder with it is a restore drill.
Result<RestoreReport> restore(const std::string& from, const Config& config, bool deep = false);

}  // namespace ruche::app
