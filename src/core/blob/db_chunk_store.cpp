#include "core/blob/db_chunk_store.hpp"

#include <algorithm>

namespace ruche::blob {
namespace {

constexpr std::int64_t kListPageRows = 1000;

Result<void> check_names(std::string_view ns, std::string_view id) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  if (!is_valid_chunk_id(id)) return fail(Errc::invalid, "invalid chunk id");
  return {};
}

}  // namespace

DbChunkStore::DbChunkStore(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

Result<bool> DbChunkStore::put(std::string_view ns, std::string_view id, std::string_view sealed) {
  RUCHE_CHECK(check_names(ns, id));
  const std::int64_t now = clock_.now_ms();
  return db_.write([&](db::Conn& c) { return put(c, ns, id, sealed, now); });
}

Result<bool> DbChunkStore::put(db::Conn& c, std::string_view ns, std::string_view id, std::string_view sealed,
                               std::int64_t now_ms) {
  RUCHE_CHECK(check_names(ns, id));
  const db::Bytes bytes{std::string(sealed)};
  RUCHE_TRY(auto n, c.exec("INSERT INTO blob_small_chunks (namespace, id, sealed, touched_at_ms) "
                           "VALUES ($1, $2, $3, $4) ON CONFLICT (namespace, id) DO NOTHING",
                           {ns, id, bytes, now_ms}));
  if (n > 0) return true;
  RUCHE_TRY(auto touched, c.exec("UPDATE blob_small_chunks SET touched_at_ms = $3 "
                                 "WHERE namespace = $1 AND id = $2",
                                 {ns, id, now_ms}));
  (void)touched;
  return false;
}

Result<std::string> DbChunkStore::get(std::string_view ns, std::string_view id) {
  RUCHE_CHECK(check_names(ns, id));
  RUCHE_TRY(auto row, db_.read([&](db::Conn& c) {
    return c.query_one("SELECT sealed FROM blob_small_chunks WHERE namespace = $1 AND id = $2", {ns, id});
  }));
  if (!row) return fail(Errc::not_found, "no such chunk");
  return row->bytes(0).data;
}

Result<bool> DbChunkStore::exists(std::string_view ns, std::string_view id) {
  RUCHE_CHECK(check_names(ns, id));
  RUCHE_TRY(auto row, db_.read([&](db::Conn& c) {
    return c.query_one("SELECT 1 FROM blob_small_chunks WHERE namespace = $1 AND id = $2", {ns, id});
  }));
  return row.has_value();
}

Result<bool> DbChunkStore::touch(std::string_view ns, std::string_view id) {
  // Asked for chunks of any size (a tiered store cannot tell where a chunk
  // lives): a miss costs a read, not a commit.
  RUCHE_TRY(bool present, exists(ns, id));
  if (!present) return false;
  const std::int64_t now = clock_.now_ms();
  RUCHE_TRY(auto n, db_.write([&](db::Conn& c) {
    return c.exec("UPDATE blob_small_chunks SET touched_at_ms = $3 WHERE namespace = $1 AND id = $2",
                  {ns, id, now});
  }));
  return n > 0;
}

Result<bool> DbChunkStore::remove(std::string_view ns, std::string_view id) {
  RUCHE_CHECK(check_names(ns, id));
  RUCHE_TRY(auto n, db_.write([&](db::Conn& c) {
    return c.exec("DELETE FROM blob_small_chunks WHERE namespace = $1 AND id = $2", {ns, id});
  }));
  return n > 0;
}

Result<Removal> DbChunkStore::remove_if_older(std::string_view ns, std::string_view id, std::int64_t cutoff_ms) {
  RUCHE_CHECK(check_names(ns, id));
  // One transaction: a touch() commits before it (and the row is kept) or
  // after it (and finds no row, so the writer stores the chunk again).
  return db_.write([&](db::Conn& c) -> Result<Removal> {
    RUCHE_TRY(auto n, c.exec("DELETE FROM blob_small_chunks WHERE namespace = $1 AND id = $2 "
                             "AND touched_at_ms < $3",
                             {ns, id, cutoff_ms}));
    if (n > 0) return Removal::removed;
    RUCHE_TRY(auto row, c.query_one("SELECT 1 FROM blob_small_chunks WHERE namespace = $1 AND id = $2",
                                    {ns, id}));
    return row ? Removal::too_recent : Removal::absent;
  });
}

Result<void> DbChunkStore::list(std::string_view ns, FunctionRef<bool(std::string_view id)> fn) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  // Page by page, with no transaction open while `fn` runs (it may write).
  std::string after;
  while (true) {
    RUCHE_TRY(auto rows, db_.read([&](db::Conn& c) {
      return c.query("SELECT id FROM blob_small_chunks WHERE namespace = $1 AND id > $2 ORDER BY id LIMIT $3",
                     {ns, after, kListPageRows});
    }));
    for (const auto& r : rows) {
      if (!fn(r.text(0))) return {};
    }
    if (static_cast<std::int64_t>(rows.size()) < kListPageRows) return {};
    after = rows.back().text(0);
  }
}

Result<std::vector<std::string>> DbChunkStore::list_namespaces() {
  RUCHE_TRY(auto rows, db_.read([&](db::Conn& c) {
    return c.query("SELECT DISTINCT namespace FROM blob_small_chunks ORDER BY namespace");
  }));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.text(0));
  return out;
}

Result<std::uint64_t> DbChunkStore::remove_stale_temporaries(std::string_view ns, std::int64_t) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  return std::uint64_t{0};
}

Result<void> DbChunkStore::remove_namespace(std::string_view ns) {
  return db_.write([&](db::Conn& c) { return remove_namespace(c, ns); });
}

Result<void> DbChunkStore::remove_namespace(db::Conn& c, std::string_view ns) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  RUCHE_TRY(auto n, c.exec("DELETE FROM blob_small_chunks WHERE namespace = $1", {ns}));
  (void)n;
  return {};
}

// --- TieredChunkStore -----------------------------------------------------------

TieredChunkStore::TieredChunkStore(std::unique_ptr<ChunkStore> small, std::unique_ptr<ChunkStore> large,
                                   std::size_t small_max_bytes)
    : small_(std::move(small)), large_(std::move(large)), small_max_bytes_(small_max_bytes) {}

Result<bool> TieredChunkStore::put(std::string_view ns, std::string_view id, std::string_view sealed) {
  return (sealed.size() <= small_max_bytes_ ? small_ : large_)->put(ns, id, sealed);
}

// Lookups ask the large store first: a miss there is one system call, a
// miss in the database a read transaction.
Result<std::string> TieredChunkStore::get(std::string_view ns, std::string_view id) {
  auto r = large_->get(ns, id);
  if (r || r.error().code != Errc::not_found) return r;
  return small_->get(ns, id);
}

Result<bool> TieredChunkStore::exists(std::string_view ns, std::string_view id) {
  RUCHE_TRY(bool in_large, large_->exists(ns, id));
  if (in_large) return true;
  return small_->exists(ns, id);
}

Result<bool> TieredChunkStore::touch(std::string_view ns, std::string_view id) {
  RUCHE_TRY(bool in_large, large_->touch(ns, id));
  if (in_large) return true;
  return small_->touch(ns, id);
}

Result<bool> TieredChunkStore::remove(std::string_view ns, std::string_view id) {
  RUCHE_TRY(bool a, small_->remove(ns, id));
  RUCHE_TRY(bool b, large_->remove(ns, id));
  return a || b;
}

Result<Removal> TieredChunkStore::remove_if_older(std::string_view ns, std::string_view id,
                                                  std::int64_t cutoff_ms) {
  RUCHE_TRY(Removal a, small_->remove_if_older(ns, id, cutoff_ms));
  RUCHE_TRY(Removal b, large_->remove_if_older(ns, id, cutoff_ms));
  // Kept if either copy is recent; removed if one was removed and none kept.
  if (a == Removal::too_recent || b == Removal::too_recent) return Removal::too_recent;
  if (a == Removal::removed || b == Removal::removed) return Removal::removed;
  return Removal::absent;
}

Result<void> TieredChunkStore::list(std::string_view ns, FunctionRef<bool(std::string_view id)> fn) {
  bool go_on = true;
  RUCHE_CHECK(small_->list(ns, [&](std::string_view id) { return go_on = fn(id); }));
  if (!go_on) return {};
  return large_->list(ns, fn);
}

Result<std::vector<std::string>> TieredChunkStore::list_namespaces() {
  RUCHE_TRY(auto a, small_->list_namespaces());
  RUCHE_TRY(auto b, large_->list_namespaces());
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  return a;
}

Result<std::uint64_t> TieredChunkStore::remove_stale_temporaries(std::string_view ns, std::int64_t cutoff_ms) {
  RUCHE_TRY(auto a, small_->remove_stale_temporaries(ns, cutoff_ms));
  RUCHE_TRY(auto b, large_->remove_stale_temporaries(ns, cutoff_ms));
  return a + b;
}

Result<void> TieredChunkStore::remove_namespace(std::string_view ns) {
  RUCHE_CHECK(small_->remove_namespace(ns));
  return large_->remove_namespace(ns);
}

}  // namespace ruche::blob
