// ChunkCache: recently read chunks' plaintext, bounded in bytes, so that a
// hot file is served without reading, opening and copying its chunks again
// (GET of a small shared document, thumbnails, WebDAV clients that re-read).
//
// Only chunks that opened (authenticated) are put here. Entries are dropped
// least recently used first, and at once when the chunk is released by a
// module (drop()) or its namespace's key is destroyed (drop_namespace()), so
// the plaintext of deleted contents does not linger in memory.
//
// A reader that looked a chunk up before a drop must not put it back after
// it: take epoch() before reading the chunk and pass it to put(), which does
// not keep it when a drop happened in between.
//
// Chunks of kSendableMin bytes or more are kept in a SendableArena when the
// system has one: a server sends them to a socket with sendfile(), without
// copying them (what a hot GET of a 64 KiB file spent most on). Smaller ones
// stay on the heap, where a page each would be wasted.
//
// Thread-safety: every method is safe to call from several threads.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/sendable_arena.hpp"
#include "base/shared_bytes.hpp"

namespace ruche::blob {

class ChunkCache {
 public:
  using Plain = SharedBytes;  // empty: not cached
  static constexpr std::size_t kSendableMin = 16 << 10;

  // Holds at most `capacity_bytes` of plaintext. Only contents up to an
  // eighth of it are worth caching (worth()): streaming one big file through
  // would flush every small one. 0 disables the cache.
  explicit ChunkCache(std::uint64_t capacity_bytes);
  ChunkCache(const ChunkCache&) = delete;
  ChunkCache& operator=(const ChunkCache&) = delete;

  bool worth(std::uint64_t content_bytes) const { return enabled() && content_bytes <= capacity_ / 8; }
  Plain find(std::string_view ns, std::string_view id);
  std::uint64_t epoch() const;
  // Keeps a chunk's plaintext just read (when enabled, worth it and no drop
  // since `epoch`); returns its bytes either way, kept or not.
  Plain put(std::string_view ns, std::string_view id, Plain plain, std::uint64_t epoch);
  void drop(std::string_view ns, std::string_view id);
  void drop_namespace(std::string_view ns);

  std::uint64_t size_bytes() const;
  std::uint64_t capacity_bytes() const { return capacity_; }
  bool enabled() const { return capacity_ > 0; }

 private:
  struct Entry {
    std::string key;  // chunk_associated_data(ns, id): "ns:id"
    Plain plain;
  };
  void erase(std::list<Entry>::iterator it);

  const std::uint64_t capacity_;
  const std::shared_ptr<SendableArena> arena_;  // null: everything on the heap
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views of Entry::key
  std::uint64_t bytes_ = 0;
  std::uint64_t epoch_ = 0;
};

}  // namespace ruche::blob
