// DbChunkStore: small chunks as rows of the database (blob_small_chunks), and
// TieredChunkStore, which keeps chunks up to a size there and the others in
// a larger store (the disk).
//
// Why: a small file stored as a chunk file costs a new inode, two fsyncs
// (the file, then its directory after the rename) and a handful of system
// calls on the request's thread; as a row it joins the database's group
// commit, so many concurrent small uploads share one fsync. Measured on
// WebDAV PUT of 4 KiB files: see docs/benchmarks.md.
//
// The rows hold sealed bytes only (the store never sees a key or plaintext)
// and `touched_at_ms`, the chunk's age by the store's clock. Every method is
// one statement or one transaction of its own, so each is atomic; put() and
// touch() return once committed (durable like any acknowledged write).
//
// Thread-safety: as the database. Blocking: worker threads only.
#pragma once

#include <cstddef>
#include <memory>

#include "base/clock.hpp"
#include "core/blob/chunk_store.hpp"
#include "core/db/database.hpp"

namespace ruche::blob {

class DbChunkStore final : public ChunkStore {
 public:
  // `db` and `clock` must outlive the store.
  explicit DbChunkStore(db::Database& db, const Clock& clock = SystemClock::instance());

  Result<bool> put(std::string_view ns, std::string_view id, std::string_view sealed) override;
  Result<std::string> get(std::string_view ns, std::string_view id) override;
  Result<bool> exists(std::string_view ns, std::string_view id) override;
  Result<bool> touch(std::string_view ns, std::string_view id) override;
  Result<bool> remove(std::string_view ns, std::string_view id) override;
  Result<Removal> remove_if_older(std::string_view ns, std::string_view id,
                                  std::int64_t cutoff_ms) override;
  Result<void> list(std::string_view ns, FunctionRef<bool(std::string_view id)> fn) override;
  Result<std::vector<std::string>> list_namespaces() override;
  // Rows are never partial: there is nothing to clean up (returns 0).
  Result<std::uint64_t> remove_stale_temporaries(std::string_view ns,
                                                 std::int64_t cutoff_ms) override;
  Result<void> remove_namespace(std::string_view ns) override;
  // The same in the caller's write transaction (with the namespace's key).
  static Result<void> remove_namespace(db::Conn& c, std::string_view ns);
  // put() in the caller's write transaction (with the rows that reference
  // the chunk): stored, or its age refreshed, when that commits.
  static Result<bool> put(db::Conn& c, std::string_view ns, std::string_view id, std::string_view sealed,
                          std::int64_t now_ms);

 private:
  db::Database& db_;
  const Clock& clock_;
};

// Chunks whose sealed size is at most `small_max_bytes` go to `small`, the
// others to `large`. Reads look in `large` first (a miss there is cheaper),
// then in `small`; a chunk stored under another threshold is still found;
// removals reach both.
// list() lists `small`, then `large`, each in ascending order.
class TieredChunkStore final : public ChunkStore {
 public:
  TieredChunkStore(std::unique_ptr<ChunkStore> small, std::unique_ptr<ChunkStore> large,
                   std::size_t small_max_bytes);

  ChunkStore& small() { return *small_; }
  ChunkStore& large() { return *large_; }

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
  std::unique_ptr<ChunkStore> small_;
  std::unique_ptr<ChunkStore> large_;
  std::size_t small_max_bytes_;
};

}  // namespace ruche::blob
