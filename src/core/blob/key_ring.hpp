// Per-namespace keys for encryption at rest (SECURITY.md DATA-2).
//
// Each namespace (the caller passes a workspace id) has a random 32-byte
// data key, stored only wrapped by the instance key in blob_keys:
//   wrapped_key = crypto::wrap_key(instance_key, data_key, "blob-key:" + ns)
// so a wrapped key copied to another namespace's row does not unwrap. Two
// subkeys are derived from the data key (NamespaceKeys::derive):
//   id_key   = HMAC-SHA-256(data_key, "ruche/blob/chunk-id/v1")
//   seal_key = HMAC-SHA-256(data_key, "ruche/blob/seal/v1")
// id_key makes chunk ids keyed (identical content in two namespaces gets
// unrelated ids; dedup works within one); seal_key encrypts chunks.
//
// Destroying a namespace's key (crypto-shredding) makes its chunks
// unreadable for good, whatever files remain on disk or in backups.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"

namespace ruche::blob {

// The keys of one namespace. Wipes them from memory when destroyed.
struct NamespaceKeys {
  std::string ns;
  std::string id_key;    // 32 bytes
  std::string seal_key;  // 32 bytes

  // Derives the subkeys from a 32-byte data key (any other size aborts).
  static NamespaceKeys derive(std::string ns, std::string_view data_key);

  NamespaceKeys() = default;
  NamespaceKeys(const NamespaceKeys&) = default;
  NamespaceKeys& operator=(const NamespaceKeys&) = default;
  NamespaceKeys(NamespaceKeys&&) = default;
  NamespaceKeys& operator=(NamespaceKeys&&) = default;
  ~NamespaceKeys();
};

using KeysPtr = std::shared_ptr<const NamespaceKeys>;

// The namespace keys, over the blob_keys table, with a bounded in-memory
// cache of unwrapped keys (least recently used ones are dropped).
//
// Thread-safety: every method is safe to call concurrently. Methods block on
// the database: worker threads only. Several nodes may share the database;
// each has its own cache: after destroy() on one node, call forget() on the
// others (the caller's event bus), or their cached key lives until evicted.
class KeyRing {
 public:
  inline static constexpr std::size_t kDefaultCacheEntries = 1024;

  // `instance_key` must be 32 bytes (else aborts at first use: a bug in the
  // caller). `db` and `clock` must outlive the ring; `cache_entries` >= 1.
  KeyRing(db::Database& db, std::string instance_key, const Clock& clock = SystemClock::instance(),
          std::size_t cache_entries = kDefaultCacheEntries);
  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // The keys of `ns`, creating its data key at first use. Safe against
  // concurrent creation on several threads or nodes (one key wins: INSERT
  // ... ON CONFLICT DO NOTHING, then SELECT).
  // Errors: invalid (bad namespace); internal when the stored key does not
  // unwrap (a different instance key, or a damaged row); database errors.
  Result<KeysPtr> get_or_create(std::string_view ns);

  // The keys of `ns` if it has a data key. Errors: not_found when it has
  // none (never created, or destroyed); otherwise as get_or_create().
  Result<KeysPtr> get(std::string_view ns);

  // Crypto-shredding: deletes the data key of `ns` in the caller's write
  // transaction `conn` and drops it from this ring's cache (now and again
  // after the commit, so no concurrent read can bring it back). Returns
  // false when there was no key. Every chunk sealed under it becomes
  // unreadable. A later get_or_create() would make a new, unrelated key:
  // callers stop writing to a namespace before destroying it.
  Result<bool> destroy(db::Conn& conn, std::string_view ns);

  // Drops `ns` from the cache (another node destroyed it).
  void forget(std::string_view ns);

  // Unwrapped keys in the cache now (tests, metrics).
  std::size_t cached() const;

 private:
  Result<std::optional<KeysPtr>> load(std::string_view ns, bool create);
  std::optional<KeysPtr> cache_find(std::string_view ns);
  void cache_put(const KeysPtr& keys, std::uint64_t epoch);
  void cache_drop(std::string_view ns);

  db::Database& db_;
  std::string instance_key_;
  const Clock& clock_;
  const std::size_t capacity_;

  mutable std::mutex mu_;
  // Bumped by every destroy() and forget(): a load that started before a
  // bump does not fill the cache.
  std::uint64_t epoch_ = 0;
  std::list<KeysPtr> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<KeysPtr>::iterator> index_;  // views into lru_
};

}  // namespace ruche::blob
