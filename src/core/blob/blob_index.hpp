// Reference counts of chunks (table blob_chunks) and garbage collection.
//
// A chunk row (namespace, id, size, refs) exists once something referenced
// the chunk. Callers reference and release chunks inside their own write
// transaction, atomically with their rows (a file version and its chunks).
// stored_bytes(ns), the sum of the sizes of the distinct chunks with refs >
// 0, is what a namespace occupies (quota accounting; plaintext bytes).
//
// Garbage: a chunk whose refs reached 0, and an orphan (a stored chunk with
// no row: written by a writer that crashed or gave up before referencing
// it). collect_garbage() removes both, but only when the chunk's age (last
// put or touch, chunk_store.hpp) is older than the grace period, so:
//   a writer must commit its add_refs() within grace_ms of storing (or
//   touching, on dedup) the chunks it references.
// With that rule no interleaving of writers and collectors loses a
// referenced chunk (ChunkStore::remove_if_older is atomic against touch).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/blob/blob.hpp"
#include "core/blob/chunk_store.hpp"
#include "core/db/database.hpp"

namespace ruche::blob {

// Stateless apart from its clock; thread-safe. Every method runs statements
// on the Conn it is given (blocking) and spoils the transaction on error.
class BlobIndex {
 public:
  explicit BlobIndex(const Clock& clock = SystemClock::instance()) : clock_(clock) {}

  // Adds one reference per entry of `chunks` (an id listed twice gets two),
  // creating rows as needed. Returns the bytes this adds to stored_bytes(ns)
  // (chunks that had no reference before). Run inside a write transaction.
  // Errors: invalid (bad namespace or id; an id listed or recorded with
  // another size); database errors.
  Result<std::uint64_t> add_refs(db::Conn& conn, std::string_view ns,
                                 std::span<const ChunkRef> chunks) const;

  // Removes one reference per entry of `chunks`. Returns the bytes this
  // takes off stored_bytes(ns) (chunks left with no reference; their files
  // stay until collect_garbage()). Errors: invalid (names); conflict when a
  // chunk has fewer references than released (a bug in the caller: roll
  // back); database errors.
  Result<std::uint64_t> release(db::Conn& conn, std::string_view ns,
                                std::span<const ChunkRef> chunks) const;

  // Sum of the sizes of the distinct referenced chunks of `ns`.
  Result<std::uint64_t> stored_bytes(db::Conn& conn, std::string_view ns) const;

  // The reference count of one chunk (0 when it has no row).
  Result<std::int64_t> refs(db::Conn& conn, std::string_view ns, std::string_view id) const;

  // Deletes every row of `ns` (with KeyRing::destroy, when the namespace
  // goes; the files are then orphans, or removed by remove_namespace()).
  Result<void> drop_namespace(db::Conn& conn, std::string_view ns) const;

 private:
  const Clock& clock_;
};

struct GcStats {
  std::uint64_t namespaces = 0;            // namespaces examined
  std::uint64_t unreferenced_removed = 0;  // chunks with refs = 0 removed
  std::uint64_t orphans_removed = 0;       // chunks with no row removed
  std::uint64_t rows_removed = 0;          // refs = 0 rows deleted
  std::uint64_t kept_recent = 0;           // garbage kept: younger than the grace period
  std::uint64_t temporaries_removed = 0;   // leftovers of interrupted writes/collections
};

// Removes the garbage of namespace `ns`, or of every namespace (those with
// rows or storage) when `ns` is std::nullopt: chunks with refs = 0 (file,
// then row) and orphans, when older than clock.now_ms() - grace_ms, and
// stale temporaries. Rows are deleted (only if their refs is still 0) in
// short transactions of up to 256; memory is bounded by one shard's ids.
// Safe to run while writers and readers work, and on several nodes at once.
// Up to `parallel` removals at a time (a remote store: each waits a round
// trip); 1 for a local disk.
// Errors: invalid (bad namespace, grace_ms < 0); the store's and the
// database's (the collection stops; what was removed stays removed).
// Blocking, possibly long: a worker thread or a maintenance job.
Result<GcStats> collect_garbage(db::Database& db, ChunkStore& store,
                                std::optional<std::string_view> ns, std::int64_t grace_ms,
                                const Clock& clock = SystemClock::instance(),
                                std::size_t parallel = 1);

}  // namespace ruche::blob
