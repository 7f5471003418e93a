#include "platform/blobs.hpp"

#include <stdexcept>
#include <thread>

#include "base/log.hpp"
#include "core/crypto/aead.hpp"
#include "platform/maintenance.hpp"

namespace ruche::platform {

namespace {
constexpr std::string_view kGcTask = "blob.gc";
constexpr std::size_t kS3GcParallel = 16;

// Where chunks too large for the database go. Start-up only: throws.
std::unique_ptr<blob::ChunkStore> open_large(db::Database& db, const BlobsConfig& config, const Clock& clock) {
  if (!config.s3.endpoint.empty()) {
    auto client = blob::S3Client::create(config.s3);
    if (!client) throw std::runtime_error("blobs: " + client.error().message);
    return std::make_unique<blob::S3ChunkStore>(db, std::move(*client), clock);
  }
  auto files = blob::FsChunkStore::open(config.root, blob::posix_file_system(), clock);
  if (!files) throw std::runtime_error("blobs: " + files.error().message);
  return std::move(*files);
}
}  // namespace

Blobs::Blobs(db::Database& db, const Clock& clock, std::string instance_key, BlobsConfig config)
    : db_(db),
      clock_(clock),
      config_(std::move(config)),
      store_(open_large(db, config_, clock)),
      large_(store_.get()),
      keys_(db, std::move(instance_key), clock),
      index_(clock),
      // Chunk jobs mostly wait on fsync, which disks serve much faster in
      // parallel (measured here: 1 writer 63 MB/s, 4 writers 600 MB/s).
      pool_(config_.chunk_threads ? config_.chunk_threads
                                  : std::max(8u, 2 * std::thread::hardware_concurrency())),
      cache_(config_.cache_bytes) {
  if (!config_.s3.endpoint.empty()) s3_ = &static_cast<blob::S3ChunkStore*>(large_)->client();
  if (config_.small_chunk_bytes > 0) {
    store_ = std::make_unique<blob::TieredChunkStore>(std::make_unique<blob::DbChunkStore>(db, clock),
                                                      std::move(store_),
                                                      config_.small_chunk_bytes + crypto::kSealOverhead);
  }
}

Blobs::~Blobs() = default;

Result<blob::KeysPtr> Blobs::keys(const WorkspaceId& ws) { return keys_.get_or_create(ws.str()); }

Result<std::uint64_t> Blobs::read(const blob::KeysPtr& keys, const std::vector<blob::ChunkRef>& chunks,
                                  std::uint64_t offset, std::uint64_t length,
                                  FunctionRef<Result<void>(std::string_view)> sink) {
  return blob::read_content(*store_, keys, pool_, chunks, offset, length, sink, &cache_, config_.read_ahead);
}

Result<std::uint64_t> Blobs::read_uncached(const blob::KeysPtr& keys, const std::vector<blob::ChunkRef>& chunks,
                                           std::uint64_t offset, std::uint64_t length,
                                           FunctionRef<Result<void>(std::string_view)> sink) {
  return blob::read_content(*store_, keys, pool_, chunks, offset, length, sink, nullptr, config_.read_ahead);
}

SharedBytes Blobs::cached(const blob::KeysPtr& keys, const std::vector<blob::ChunkRef>& chunks,
                          std::uint64_t offset, std::uint64_t length) {
  return blob::cached_range(cache_, keys->ns, chunks, offset, length);
}

Result<void> Blobs::store_deferred(db::Conn& c, const WorkspaceId& ws,
                                   const std::vector<blob::ContentWriter::Sealed>& chunks) {
  if (!chunks.empty() && config_.small_chunk_bytes == 0)
    return fail(Errc::internal, "deferred chunks without a database tier");
  const std::int64_t now = clock_.now_ms();
  for (const auto& ch : chunks) {
    RUCHE_TRY([[maybe_unused]] bool stored, blob::DbChunkStore::put(c, ws.str(), ch.id, ch.sealed, now));
  }
  return {};
}

Result<std::uint64_t> Blobs::add_refs(db::Conn& c, const WorkspaceId& ws,
                                      std::span<const blob::ChunkRef> chunks) {
  return index_.add_refs(c, ws.str(), chunks);
}

Result<std::uint64_t> Blobs::release(db::Conn& c, const WorkspaceId& ws,
                                     std::span<const blob::ChunkRef> chunks) {
  if (cache_.enabled() && !chunks.empty()) {
    std::vector<std::string> ids;
    ids.reserve(chunks.size());
    for (const auto& ch : chunks) ids.push_back(ch.id);
    c.on_commit([this, ns = ws.str(), ids = std::move(ids)] {
      for (const auto& id : ids) cache_.drop(ns, id);
    });
  }
  return index_.release(c, ws.str(), chunks);
}

Result<std::uint64_t> Blobs::stored_bytes(db::Conn& c, const WorkspaceId& ws) {
  return index_.stored_bytes(c, ws.str());
}

Result<void> Blobs::purge_workspace(db::Conn& c, const WorkspaceId& ws) {
  RUCHE_CHECK(index_.drop_namespace(c, ws.str()));
  RUCHE_TRY([[maybe_unused]] bool had, keys_.destroy(c, ws.str()));
  RUCHE_CHECK(blob::DbChunkStore::remove_namespace(c, ws.str()));
  cache_.drop_namespace(ws.str());
  c.on_commit([this, ws] {
    cache_.drop_namespace(ws.str());
    // In a bucket, deleting is one request per object: a large workspace
    // would hold this worker for minutes. Its chunks, unreadable from now on
    // (the key is gone), have no reference row left: the collector deletes
    // them as orphans once the grace period has passed, in the background.
    if (s3_) return;
    if (auto r = large_->remove_namespace(ws.str()); !r)
      log::warn("blobs.purge_failed", {{"workspace", ws.str()}, {"error", r.error().message}});
  });
  return {};
}

Result<blob::GcStats> Blobs::run_gc() {
  // Removals from a bucket wait a round trip each: several at a time.
  RUCHE_TRY(auto stats, blob::collect_garbage(db_, *store_, std::nullopt, config_.gc_grace_ms, clock_,
                                              s3_ ? kS3GcParallel : 1));
  if (stats.unreferenced_removed + stats.orphans_removed > 0)
    log::info("blobs.gc", {{"removed", static_cast<std::int64_t>(stats.unreferenced_removed + stats.orphans_removed)}});
  return stats;
}

Result<blob::GcStats> Blobs::collect_garbage() {
  RUCHE_TRY([[maybe_unused]] bool recorded, claim_run(db_, kGcTask, 0, clock_.now_ms()));
  return run_gc();
}

Result<bool> Blobs::collect_garbage_if_due() {
  RUCHE_TRY(bool due, claim_run(db_, kGcTask, config_.gc_min_interval_ms, clock_.now_ms()));
  if (!due) return false;
  RUCHE_TRY([[maybe_unused]] auto stats, run_gc());
  return true;
}

}  // namespace ruche::platform
