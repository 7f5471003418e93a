// Contents (files, chat attachments) through core/blob, with the CPU work off
// the request's thread:
// ContentWriter cuts chunks on the calling thread (and hashes the whole
// content there) while a small pool computes chunk ids, seals and stores
// them (fsync included), several chunks at once. ContentReader reads ahead
// one chunk while the previous one is being sent.
//
// Memory per stream: the current chunk plus `max_in_flight` chunks (each at
// most the chunker's max size, 4 MiB) and their sealed copies.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/function_ref.hpp"
#include "base/result.hpp"
#include "base/shared_bytes.hpp"
#include "core/blob/blob.hpp"
#include "core/blob/chunk_cache.hpp"
#include "core/blob/chunker.hpp"
#include "core/blob/sha256.hpp"

namespace ruche::blob {

// Threads that seal, store and open chunks. Thread-safe.
class ChunkPool {
 public:
  explicit ChunkPool(std::size_t threads);
  ~ChunkPool();
  ChunkPool(const ChunkPool&) = delete;
  ChunkPool& operator=(const ChunkPool&) = delete;
  void submit(std::function<void()> job);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

// One content stream. Not thread-safe: one caller thread.
class ContentWriter {
 public:
  // `reserve(n)` is called before n more bytes are accepted (quota); its
  // error stops the stream.
  ContentWriter(ChunkStore& store, KeysPtr keys, ChunkPool& pool,
                std::function<Result<void>(std::uint64_t)> reserve, std::size_t max_in_flight = 6);
  ~ContentWriter();

  // Chunks of at most `max_bytes` are sealed but not stored: take_deferred()
  // hands them to the caller, who stores them in the transaction that
  // references them (one commit for the chunk and the row). Only for a
  // content written and committed by one request: after cut() or stored()
  // a deferred chunk is still not in the store.
  void defer_chunks_up_to(std::size_t max_bytes) { defer_max_ = max_bytes; }
  struct Sealed {
    std::string id;
    std::string sealed;
  };
  // The deferred chunks so far (each once), after finish().
  std::vector<Sealed> take_deferred();

  Result<void> write(std::string_view data);
  // Ends the current chunk here even if the content does not (a resumable
  // upload paused): what was written so far is then fully stored.
  Result<void> cut();
  // Waits until every chunk cut so far is stored; returns their list.
  Result<std::vector<ChunkRef>> stored();
  // Stores the rest; the chunk list, size and SHA-256 of everything written.
  Result<BlobRef> finish();
  std::uint64_t size_bytes() const { return size_bytes_; }

 private:
  Result<void> emit(std::string_view chunk);
  Result<void> wait_below(std::size_t n);

  ChunkStore& store_;
  KeysPtr keys_;
  ChunkPool& pool_;
  std::function<Result<void>(std::uint64_t)> reserve_;
  std::size_t max_in_flight_;
  std::size_t defer_max_ = 0;
  Chunker chunker_;
  std::string pending_;
  detail::Sha256 sha_;
  std::uint64_t size_bytes_ = 0;

  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::size_t in_flight = 0;
    std::vector<std::optional<ChunkRef>> slots;
    std::vector<Sealed> deferred;
    std::optional<Error> error;
  };
  std::shared_ptr<Shared> shared_;
};

// A chunk list as stored in a database column: per chunk, its 32-byte id
// then its size as 8 big-endian bytes. unpack_chunks() fails (internal) on
// a length that is not a multiple of 40.
std::string pack_chunks(const std::vector<ChunkRef>& chunks);
Result<std::vector<ChunkRef>> unpack_chunks(std::string_view packed);

// Bytes [offset, offset + length) of a chunk list (length clipped at its
// end) when they lie in one chunk whose plaintext `cache` holds: a view of
// the cache's entry, which it keeps alive. Empty otherwise (not cached, an
// empty range, a range over several chunks). Never blocks on I/O.
SharedBytes cached_range(ChunkCache& cache, std::string_view ns, const std::vector<ChunkRef>& chunks,
                         std::uint64_t offset, std::uint64_t length);

// Streams bytes [offset, offset + length) of a chunk list to `sink`,
// verifying every chunk, reading the next `read_ahead` chunks (at least 1)
// while the sink works: one is enough for a local disk, a store across the
// network (S3) needs several requests in flight to hide their latency. With
// a cache (and a content small enough to be worth it), chunks found there
// are not read again and chunks read are put there.
Result<std::uint64_t> read_content(ChunkStore& store, const KeysPtr& keys, ChunkPool& pool,
                                   const std::vector<ChunkRef>& chunks, std::uint64_t offset,
                                   std::uint64_t length,
                                   FunctionRef<Result<void>(std::string_view)> sink,
                                   ChunkCache* cache = nullptr, std::size_t read_ahead = 1);

}  // namespace ruche::blob
