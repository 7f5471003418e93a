#include "core/blob/chunk_cache.hpp"

#include "core/blob/blob.hpp"

namespace ruche::blob {

ChunkCache::ChunkCache(std::uint64_t capacity_bytes) : capacity_(capacity_bytes) {}

ChunkCache::Plain ChunkCache::find(std::string_view ns, std::string_view id) {
  if (!enabled()) return nullptr;
  const std::string key = chunk_associated_data(ns, id);
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->plain;
}

std::uint64_t ChunkCache::epoch() const {
  std::lock_guard lock(mu_);
  return epoch_;
}

void ChunkCache::put(std::string_view ns, std::string_view id, Plain plain, std::uint64_t epoch) {
  if (!enabled() || !plain || plain->size() > capacity_ / 8) return;
  std::string key = chunk_associated_data(ns, id);
  std::lock_guard lock(mu_);
  if (epoch != epoch_) return;  // dropped while it was being read
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  bytes_ += plain->size();
  lru_.push_front(Entry{std::move(key), std::move(plain)});
  index_.emplace(lru_.front().key, lru_.begin());
  while (bytes_ > capacity_) erase(std::prev(lru_.end()));
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
  bytes_ -= it->plain->size();
  index_.erase(it->key);
  lru_.erase(it);
}

}  // namespace ruche::blob
