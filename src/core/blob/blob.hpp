// Blobs: byte streams of any size stored as content-defined, deduplicated,
// encrypted chunks.
//
// Write path (BlobWriter): plaintext -> Chunker (FastCDC) -> for each chunk:
// id = hex(HMAC-SHA-256(keys.id_key, chunk)); if the store has it, touch it
// (dedup), else store seal(keys.seal_key, chunk, ns + ":" + id). The result
// is a BlobRef: the chunk list, the size and the SHA-256 of the plaintext.
// The caller then references the chunks (BlobIndex::add_refs) in the same
// transaction as its own rows, within the store's grace period.
//
// Read path (BlobReader): for each chunk of the range, get, open (AEAD with
// the same associated data: a chunk renamed, moved to another namespace or
// modified fails), check the size, then hand the wanted bytes to the sink.
// The keyed id is not recomputed: sealing needs the same data key as the id.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/function_ref.hpp"
#include "base/result.hpp"
#include "base/shared_bytes.hpp"
#include "core/blob/chunk_store.hpp"
#include "core/blob/chunker.hpp"
#include "core/blob/key_ring.hpp"
#include "core/blob/sha256.hpp"

namespace ruche::blob {

struct ChunkRef {
  std::string id;                // 64 lowercase hex characters
  std::uint64_t size_bytes = 0;  // plaintext size
  friend bool operator==(const ChunkRef&, const ChunkRef&) = default;
};

struct BlobRef {
  std::vector<ChunkRef> chunks;  // in order; the same id may appear several times
  std::uint64_t size_bytes = 0;  // the sum of the chunk sizes
  std::string content_hash;      // SHA-256 of the plaintext, 64 lowercase hex (ETag, integrity)
  friend bool operator==(const BlobRef&, const BlobRef&) = default;
};

// The keyed id of a chunk: hex(HMAC-SHA-256(keys.id_key, plaintext)).
std::string chunk_id(const NamespaceKeys& keys, std::string_view plaintext);

// The associated data a chunk is sealed with: ns + ":" + id.
std::string chunk_associated_data(std::string_view ns, std::string_view id);

// Writes one blob. Memory: at most one chunk (max_size_bytes) is buffered,
// plus its sealed copy while it is stored; chunks are cut, hashed, sealed and
// stored as soon as they are complete, never the whole blob at once.
//
// Thread-safety: one writer per stream, used by one thread at a time; it
// blocks on the store (worker threads only). `store` must outlive it.
class BlobWriter {
 public:
  BlobWriter(ChunkStore& store, KeysPtr keys, Chunker chunker = Chunker());

  // Appends `data` to the blob. Errors: the store's (insufficient_storage,
  // unavailable, ...). After an error every later call returns it again; the
  // chunks already stored stay as unreferenced garbage for the collector.
  Result<void> write(std::string_view data);

  // Stores the last chunk and returns the blob's reference. Call once;
  // later calls, and write() after it, fail with Errc::internal.
  Result<BlobRef> finish();

  std::uint64_t size_bytes() const { return size_bytes_; }
  // Chunks stored by this writer, and chunks found already stored (dedup).
  std::uint64_t chunks_stored() const { return chunks_stored_; }
  std::uint64_t chunks_reused() const { return chunks_reused_; }

 private:
  Result<void> emit(std::string_view chunk);
  Result<void> failed(Error e);

  ChunkStore& store_;
  KeysPtr keys_;
  Chunker chunker_;
  std::string pending_;  // the current chunk when it spans write() calls
  detail::Sha256 content_;
  BlobRef ref_;
  std::uint64_t size_bytes_ = 0;
  std::uint64_t chunks_stored_ = 0;
  std::uint64_t chunks_reused_ = 0;
  std::optional<Error> error_;
  bool finished_ = false;
};

// Reads blobs of one namespace, verifying every chunk it touches.
//
// Thread-safety: read() is const and may run on several threads at once;
// it blocks on the store. `store` must outlive the reader.
class BlobReader {
 public:
  BlobReader(ChunkStore& store, KeysPtr keys);

  // Streams bytes [offset, offset + length) of `blob`, clipped at its end,
  // to `sink` in order (one call per chunk touched; no call when the range
  // is empty), and returns how many bytes it delivered. Memory: one chunk.
  // A chunk is verified whole before any of its bytes reach the sink.
  // Errors: invalid when offset > blob.size_bytes or the chunk sizes do not
  // add up to size_bytes; internal when a chunk is missing or fails
  // verification (tampered, swapped, moved, or its key was destroyed and
  // replaced; the message names the chunk); the store's errors; the sink's
  // error, returned as it is (reading stops).
  Result<std::uint64_t> read(const BlobRef& blob, std::uint64_t offset, std::uint64_t length,
                             FunctionRef<Result<void>(std::string_view)> sink) const;

  // One chunk's verified plaintext (errors as read()): decrypted in the
  // buffer it was read into, which the bytes share.
  Result<SharedBytes> read_chunk(const ChunkRef& chunk) const;

 private:
  ChunkStore& store_;
  KeysPtr keys_;
};

}  // namespace ruche::blob
