// ChunkStore: where sealed (encrypted) chunks live, by namespace and id. The
// interface admits backends other than the local disk (FsChunkStore); an
// S3-compatible one can come later.
//
// A store only moves opaque bytes: it never sees a key or plaintext, and it
// trusts nothing it reads back (BlobReader verifies every chunk).
//
// Names: a namespace is 1-64 characters and a chunk id 32-128 characters of
// [0-9a-z] (is_valid_namespace, is_valid_chunk_id); every method refuses
// anything else with Errc::invalid before touching storage, so no path or
// object key can be built from unchecked input (SECURITY.md IO-4). Chunks are
// grouped into shards by the first kShardChars characters of their id.
//
// Age: each chunk has the time of its last put() or touch(), by the store's
// clock. Garbage collection removes an unreferenced chunk only when that is
// older than a grace period, so a writer that has just stored or touched a
// chunk has the grace period to commit a reference to it (blob_index.hpp).
//
// Thread-safety: implementations are safe to call from several threads at
// once. Every method blocks (disk or network): worker threads only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/function_ref.hpp"
#include "base/result.hpp"

namespace ruche::blob {

inline constexpr std::size_t kMaxNamespaceChars = 64;
inline constexpr std::size_t kMinChunkIdChars = 32;
inline constexpr std::size_t kMaxChunkIdChars = 128;
inline constexpr std::size_t kShardChars = 2;

bool is_valid_namespace(std::string_view ns);
bool is_valid_chunk_id(std::string_view id);

// What remove_if_older() did.
enum class Removal {
  removed,     // the chunk was older than the cutoff and is gone
  too_recent,  // put or touched at or after the cutoff: kept
  absent,      // there was no such chunk
};

class ChunkStore {
 public:
  virtual ~ChunkStore() = default;

  // Stores `sealed` as chunk `id` of `ns`, atomically (a reader sees the
  // whole chunk or nothing) and durably (once this returns, it survives a
  // crash or power loss). When the chunk already exists it is left as it is
  // and only its age is refreshed, as touch() does (deduplication): returns
  // false; returns true when it wrote the chunk.
  // Errors: invalid (names); insufficient_storage (disk full, quota);
  // unavailable (fsync or other I/O failure: retry later); internal. After an
  // error no part of the chunk is visible under `id` and no temporary data is
  // left behind (unless the cleanup itself fails; garbage collection then
  // removes it, see remove_stale_temporaries()).
  virtual Result<bool> put(std::string_view ns, std::string_view id, std::string_view sealed) = 0;

  // The sealed bytes of a chunk. Errors: invalid; not_found; internal when
  // the stored object is larger than any chunk can be; unavailable.
  virtual Result<std::string> get(std::string_view ns, std::string_view id) = 0;

  virtual Result<bool> exists(std::string_view ns, std::string_view id) = 0;

  // Refreshes the age of a chunk to now; false when there is no such chunk.
  // A writer that finds a chunk it needs already stored calls this instead of
  // storing it again, then has the grace period to reference it.
  virtual Result<bool> touch(std::string_view ns, std::string_view id) = 0;

  // Removes a chunk; false when there was none.
  virtual Result<bool> remove(std::string_view ns, std::string_view id) = 0;

  // Removes a chunk unless it was put or touched at or after `cutoff_ms`.
  // Atomic with respect to put() and touch(): a chunk touched before this
  // decides is kept; a touch() after it decides reports false, so the writer
  // stores the chunk again.
  virtual Result<Removal> remove_if_older(std::string_view ns, std::string_view id,
                                          std::int64_t cutoff_ms) = 0;

  // Calls `fn` with the id of every chunk of `ns`, in ascending order (so
  // grouped by shard), until it returns false. Temporary objects are never
  // listed. A namespace with no chunks lists nothing (no error). `fn` may
  // call other methods of this store (the garbage collector does).
  virtual Result<void> list(std::string_view ns, FunctionRef<bool(std::string_view id)> fn) = 0;

  // The namespaces that have (or had: possibly empty) storage, sorted.
  virtual Result<std::vector<std::string>> list_namespaces() = 0;

  // Removes what interrupted writes and collections left in `ns` (temporary
  // objects) when older than `cutoff_ms`; returns how many it removed.
  virtual Result<std::uint64_t> remove_stale_temporaries(std::string_view ns,
                                                         std::int64_t cutoff_ms) = 0;

  // Removes every chunk of `ns` and the namespace itself. Must not run
  // concurrently with writes to `ns`.
  virtual Result<void> remove_namespace(std::string_view ns) = 0;
};

}  // namespace ruche::blob
