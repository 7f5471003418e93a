// Blobs: the one place where workspace contents are stored, for every module
// that keeps bytes (the Files module's versions, chat attachments).
//
// Each workspace is a core/blob namespace: its chunks are deduplicated within
// it, encrypted under its own key (wrapped by the instance key, DATA-2), and
// reference-counted in blob_chunks. A module streams a content in with a
// blob::ContentWriter on store() and pool(), then, in the transaction that
// writes its own row, references the chunks with add_refs(); it releases
// them with release() in the transaction that drops the row. Chunks no row
// references any more are collected by collect_garbage() after a grace period,
// whichever module referenced them. Deleting a workspace destroys its key
// (purge_workspace()): its chunks can never be read again, then go from disk.
//
// Thread-safety: every method is safe to call from several threads. Every
// method blocks (disk, database): worker threads only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/function_ref.hpp"
#include "base/result.hpp"
#include "core/blob/blob_index.hpp"
#include "core/blob/content.hpp"
#include "core/blob/db_chunk_store.hpp"
#include "core/blob/fs_chunk_store.hpp"
#include "core/blob/key_ring.hpp"
#include "core/blob/s3_chunk_store.hpp"
#include "core/db/database.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

struct BlobsConfig {
  std::string root;                        // DATA/blobs
  blob::S3Config s3;                       // endpoint set: larger chunks in this bucket, not under root
  std::size_t read_ahead = 1;              // chunks read ahead per download (more for a remote store)
  std::size_t chunk_threads = 0;           // sealing and storing chunks; 0: max(8, 2 per core)
  std::int64_t gc_grace_ms = 86'400'000;   // unreferenced chunks younger than this stay
  std::int64_t gc_min_interval_ms = 300'000;  // collect_garbage_if_due(): at most this often
  std::uint64_t cache_bytes = 64ull << 20;  // plaintext of recently read chunks; 0: no cache
  // Chunks up to this plaintext size are rows of the database (they share its
  // group commit), larger ones files under root. 0: every chunk is a file.
  std::size_t small_chunk_bytes = 64u << 10;
};

class Blobs {
 public:
  // Opens (creates) the chunk store at config.root, or the S3 client (whose
  // configuration the caller has checked: S3Client::create, check_bucket).
  // Throws std::runtime_error when it cannot: start-up only. `db` and `clock` must outlive it; the
  // clock dates chunks and decides what the grace period has passed.
  Blobs(db::Database& db, const Clock& clock, std::string instance_key, BlobsConfig config);
  ~Blobs();
  Blobs(const Blobs&) = delete;
  Blobs& operator=(const Blobs&) = delete;

  blob::ChunkStore& store() { return *store_; }
  blob::ChunkPool& pool() { return pool_; }
  // The bucket's client when contents go to S3 (for its counters), or null.
  const blob::S3Client* s3_client() const { return s3_; }
  blob::ChunkCache& cache() { return cache_; }

  // The keys of the workspace's namespace (created at first use).
  Result<blob::KeysPtr> keys(const WorkspaceId& ws);

  // Streams bytes [offset, offset + length) of a chunk list (blob::read_content),
  // through the cache of recently read chunks.
  Result<std::uint64_t> read(const blob::KeysPtr& keys, const std::vector<blob::ChunkRef>& chunks,
                             std::uint64_t offset, std::uint64_t length,
                             FunctionRef<Result<void>(std::string_view)> sink);
  // The same without the cache of recently read chunks, for bulk reads
  // (exports) that would flush what everyone else reads.
  Result<std::uint64_t> read_uncached(const blob::KeysPtr& keys, const std::vector<blob::ChunkRef>& chunks,
                                      std::uint64_t offset, std::uint64_t length,
                                      FunctionRef<Result<void>(std::string_view)> sink);
  // The same bytes when the cache holds them in one chunk, shared rather than
  // copied (blob::cached_range); empty otherwise. Never blocks.
  SharedBytes cached(const blob::KeysPtr& keys, const std::vector<blob::ChunkRef>& chunks,
                     std::uint64_t offset, std::uint64_t length);

  // Chunks a ContentWriter may leave to the caller's transaction
  // (ContentWriter::defer_chunks_up_to; 0: none), and storing them there.
  std::size_t defer_max() const { return config_.small_chunk_bytes; }
  Result<void> store_deferred(db::Conn& c, const WorkspaceId& ws,
                              const std::vector<blob::ContentWriter::Sealed>& chunks);

  // One reference per chunk listed, in the caller's write transaction; the
  // bytes this adds to (or takes off) the workspace's stored bytes. Released
  // chunks leave the read cache when the transaction commits.
  Result<std::uint64_t> add_refs(db::Conn& c, const WorkspaceId& ws, std::span<const blob::ChunkRef> chunks);
  Result<std::uint64_t> release(db::Conn& c, const WorkspaceId& ws, std::span<const blob::ChunkRef> chunks);
  // What the workspace's contents occupy (distinct referenced chunks).
  Result<std::uint64_t> stored_bytes(db::Conn& c, const WorkspaceId& ws);

  // The workspace goes: its chunk rows and its key are deleted in the
  // caller's transaction (crypto-shredding), its chunks removed after commit
  // (from a bucket: by the next collection past the grace period).
  Result<void> purge_workspace(db::Conn& c, const WorkspaceId& ws);

  // Removes unreferenced chunks older than the grace period, in every
  // namespace. collect_garbage_if_due() does nothing (false) when a
  // collection started less than gc_min_interval_ms ago on any node sharing
  // the database (platform/maintenance.hpp), so that several modules'
  // periodic tasks, on several nodes, may each ask for one.
  Result<blob::GcStats> collect_garbage();
  Result<bool> collect_garbage_if_due();

 private:
  Result<blob::GcStats> run_gc();

  db::Database& db_;
  const Clock& clock_;
  BlobsConfig config_;
  std::unique_ptr<blob::ChunkStore> store_;  // large_ alone, or rows for small chunks then large_
  blob::ChunkStore* large_ = nullptr;        // the disk (under root) or the S3 bucket
  blob::S3Client* s3_ = nullptr;
  blob::KeyRing keys_;
  blob::BlobIndex index_;
  blob::ChunkPool pool_;
  blob::ChunkCache cache_;
};

}  // namespace ruche::platform
