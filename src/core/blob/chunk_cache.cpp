#include "core/blob/chunk_cache.hpp"

#include "core/blob/blob.hpp"

namespace ruche::blob {

// Room for the capacity with a page of rounding per sendable entry, in
// address space only: memory is what the entries alive hold.
ChunkCache::ChunkCache(std::uint64_t capacity_bytes)
    : capacity_(capacity_bytes),
      arena_(capacity_bytes > 0 ? SendableArena::create(capacity_bytes + capacity_bytes / 4 + (1 << 20),
                                                        "ruche-chunk-cache")
                                : nullptr) {}

ChunkCache::Plain ChunkCache::find(std::string_view ns, std::string_view id) {
  if (!enabled()) return {};
  const std::string key = chunk_associated_data(ns, id);
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return {};
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->plain;
}

std::uint64_t ChunkCache::epoch() const {
  std::lock_guard lock(mu_);
  return epoch_;
}

ChunkCache::Plain ChunkCache::put(std::string_view ns, std::string_view id, Plain plain,
                                  std::uint64_t epoch) {
  if (!enabled() || plain.bytes.size() > capacity_ / 8) return plain;
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_) return plain;  // dropped while it was being read
  }
  // Copied outside the lock; a drop meanwhile is seen below.
  Plain kept;
  if (arena_ && plain.bytes.size() >= kSendableMin) kept = arena_->copy(plain.bytes);
  if (!kept) kept = std::move(plain);
  std::string key = chunk_associated_data(ns, id);
  std::lock_guard lock(mu_);
  if (epoch != epoch_) return kept;
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->plain;
  }
  bytes_ += kept.bytes.size();
  lru_.push_front(Entry{std::move(key), kept});
  index_.emplace(lru_.front().key, lru_.begin());
  while (bytes_ > capacity_) erase(std::prev(lru_.end()));
  return kept;
}

void ChunkCache::drop(std::string_view ns, std::string_view id) {
  if (!enabled()) return;
  const std::string key = chunk_associated_data(ns, id);
  std::lock_guard lock(mu_);
  ++epoch_;
  if (auto it = index_.find(key); it != index_.end()) erase(it->second);
}

void ChunkCache::drop_namespace(std::string_view ns) {
  if (!enabled()) return;
  const std::string prefix = chunk_associated_data(ns, "");
  std::lock_guard lock(mu_);
  ++epoch_;
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (it->key.starts_with(prefix)) erase(it);
    it = next;
  }
}

std::uint64_t ChunkCache::size_bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

void ChunkCache::erase(std::list<Entry>::iterator it) {
  bytes_ -= it->plain.bytes.size();
  index_.erase(it->key);
  lru_.erase(it);
}

}  // namespace ruche::blob
