#include "core/blob/key_ring.hpp"

#include <cstdio>
#include <cstdlib>

#include "core/blob/chunk_store.hpp"
#include "core/blob/sha256.hpp"
#include "core/crypto/aead.hpp"

namespace ruche::blob {
namespace {

std::string wrap_context(std::string_view ns) {
  return "blob-key:" + std::string(ns);
}

}  // namespace

NamespaceKeys NamespaceKeys::derive(std::string ns, std::string_view data_key) {
  if (data_key.size() != crypto::kKeyBytes) {
    std::fprintf(stderr, "core/blob: NamespaceKeys::derive: data key must be 32 bytes\n");
    std::abort();
  }
  NamespaceKeys keys;
  keys.ns = std::move(ns);
  keys.id_key = detail::hmac_sha256(data_key, "ruche/blob/chunk-id/v1");
  keys.seal_key = detail::hmac_sha256(data_key, "ruche/blob/seal/v1");
  return keys;
}

NamespaceKeys::~NamespaceKeys() {
  detail::wipe(id_key);
  detail::wipe(seal_key);
}

KeyRing::KeyRing(db::Database& db, std::string instance_key, const Clock& clock,
                 std::size_t cache_entries)
    : db_(db),
      instance_key_(std::move(instance_key)),
      clock_(clock),
      capacity_(cache_entries == 0 ? 1 : cache_entries) {}

KeyRing::~KeyRing() {
  detail::wipe(instance_key_);
}

Result<KeysPtr> KeyRing::get_or_create(std::string_view ns) {
  RUCHE_TRY(auto keys, load(ns, true));
  if (!keys) return fail(Errc::internal, "blob key vanished while being created");
  return std::move(*keys);
}

Result<KeysPtr> KeyRing::get(std::string_view ns) {
  RUCHE_TRY(auto keys, load(ns, false));
  if (!keys) return fail(Errc::not_found, "no data key for this blob namespace");
  return std::move(*keys);
}

Result<std::optional<KeysPtr>> KeyRing::load(std::string_view ns, bool create) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  std::uint64_t epoch;
  {
    std::lock_guard lock(mu_);
    epoch = epoch_;
  }
  if (auto hit = cache_find(ns)) return hit;

  const std::string name(ns);
  auto select = [&](db::Conn& c) -> Result<std::optional<db::Bytes>> {
    RUCHE_TRY(auto row,
              c.query_one("SELECT wrapped_key FROM blob_keys WHERE namespace = $1", {name}));
    if (!row) return std::optional<db::Bytes>();
    return std::optional<db::Bytes>(row->bytes(0));
  };
  RUCHE_TRY(auto wrapped, db_.read(select));
  if (!wrapped && create) {
    auto created = db_.write([&](db::Conn& c) -> Result<std::optional<db::Bytes>> {
      std::string key = crypto::new_key();
      db::Bytes fresh{crypto::wrap_key(instance_key_, key, wrap_context(ns))};
      detail::wipe(key);
      RUCHE_TRY(auto n, c.exec("INSERT INTO blob_keys (namespace, wrapped_key, created_at_ms) "
                               "VALUES ($1, $2, $3) ON CONFLICT (namespace) DO NOTHING",
                               {name, fresh, clock_.now_ms()}));
      (void)n;
      // Ours, or the one a concurrent creator committed first.
      return select(c);
    });
    if (!created) return tl::unexpected(created.error());
    wrapped = std::move(*created);
  }
  if (!wrapped) return std::optional<KeysPtr>();

  RUCHE_TRY(
      std::string data_key,
      crypto::unwrap_key(instance_key_, wrapped->data, wrap_context(ns)).map_error([](Error e) {
        e.code = Errc::internal;
        e.message = "blob data key does not unwrap (wrong instance key?)";
        return e;
      }));
  auto keys = std::make_shared<const NamespaceKeys>(NamespaceKeys::derive(name, data_key));
  detail::wipe(data_key);
  cache_put(keys, epoch);
  return std::optional<KeysPtr>(std::move(keys));
}

Result<bool> KeyRing::destroy(db::Conn& conn, std::string_view ns) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  const std::string name(ns);
  RUCHE_TRY(auto n, conn.exec("DELETE FROM blob_keys WHERE namespace = $1", {name}));
  cache_drop(ns);
  conn.on_commit([this, name] { cache_drop(name); });
  return n > 0;
}

void KeyRing::forget(std::string_view ns) {
  cache_drop(ns);
}

std::size_t KeyRing::cached() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

std::optional<KeysPtr> KeyRing::cache_find(std::string_view ns) {
  std::lock_guard lock(mu_);
  auto it = index_.find(ns);
  if (it == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return *it->second;
}

void KeyRing::cache_put(const KeysPtr& keys, std::uint64_t epoch) {
  std::lock_guard lock(mu_);
  if (epoch != epoch_) return;  // destroyed or forgotten while we loaded it
  if (auto it = index_.find(keys->ns); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front(keys);
  index_.emplace(lru_.front()->ns, lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back()->ns);
    lru_.pop_back();
  }
}

void KeyRing::cache_drop(std::string_view ns) {
  std::lock_guard lock(mu_);
  ++epoch_;
  if (auto it = index_.find(ns); it != index_.end()) {
    auto node = it->second;
    index_.erase(it);
    lru_.erase(node);
  }
}

}  // namespace ruche::blob
