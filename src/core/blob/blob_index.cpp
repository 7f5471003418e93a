#include "core/blob/blob_index.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <thread>
#include <utility>

namespace ruche::blob {
namespace {

// Rows per page when walking the refs = 0 rows.
constexpr std::int64_t kGcPageRows = 256;

struct Tally {
  std::int64_t count = 0;
  std::uint64_t size_bytes = 0;
};

// Entries grouped by id, in id order: every transaction touches rows in the
// same order, so two of them cannot deadlock each other on PostgreSQL.
Result<std::map<std::string_view, Tally>> tally(std::string_view ns,
                                                std::span<const ChunkRef> chunks) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  std::map<std::string_view, Tally> out;
  for (const ChunkRef& c : chunks) {
    if (!is_valid_chunk_id(c.id)) return fail(Errc::invalid, "invalid chunk id");
    Tally& t = out[c.id];
    if (t.count > 0 && t.size_bytes != c.size_bytes) {
      return fail(Errc::invalid, "chunk " + c.id + " listed with two sizes");
    }
    t.size_bytes = c.size_bytes;
    ++t.count;
  }
  return out;
}

// The shard after `shard` in [0-9a-z] order (bytewise order too), or
// nullopt after "zz...z".
std::optional<std::string> next_shard(std::string shard) {
  for (std::size_t i = shard.size(); i-- > 0;) {
    char& c = shard[i];
    if (c == 'z') {
      c = '0';
      continue;
    }
    c = (c == '9') ? 'a' : static_cast<char>(c + 1);
    return shard;
  }
  return std::nullopt;
}

class Collector {
 public:
  Collector(db::Database& db, ChunkStore& store, std::string ns, std::int64_t cutoff_ms,
            std::size_t parallel, GcStats& stats)
      : db_(db),
        store_(store),
        ns_(std::move(ns)),
        cutoff_ms_(cutoff_ms),
        parallel_(std::max<std::size_t>(parallel, 1)),
        stats_(stats) {}

  Result<void> run() {
    ++stats_.namespaces;
    // First, so that chunks an interrupted collection had set aside are back.
    RUCHE_TRY(std::uint64_t temporaries, store_.remove_stale_temporaries(ns_, cutoff_ms_));
    stats_.temporaries_removed += temporaries;
    RUCHE_CHECK(unreferenced());
    return orphans();
  }

 private:
  // remove_if_older() for each of `ids`, by up to parallel_ threads (a
  // remote store answers each after a round trip). The outcomes, in order;
  // the first error when any failed (what was removed stays removed).
  Result<std::vector<Removal>> remove_all(const std::vector<std::string>& ids) {
    std::vector<Result<Removal>> out(ids.size(), Removal::absent);
    auto run = [&](std::size_t first) {
      for (std::size_t i = first; i < ids.size(); i += parallel_)
        out[i] = store_.remove_if_older(ns_, ids[i], cutoff_ms_);
    };
    const std::size_t threads = std::min(parallel_, ids.size());
    if (threads <= 1) {
      run(0);
    } else {
      std::vector<std::jthread> pool;
      for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(run, t);
    }
    std::vector<Removal> removals;
    removals.reserve(ids.size());
    for (auto& r : out) {
      if (!r) return tl::unexpected(r.error());
      removals.push_back(*r);
    }
    return removals;
  }

  // Chunks whose refs reached 0: the file, then the row if still at 0.
  Result<void> unreferenced() {
    std::string after;
    for (;;) {
      RUCHE_TRY(db::Rows rows, db_.read([&](db::Conn& c) {
        return c.query(
            "SELECT id FROM blob_chunks WHERE namespace = $1 AND refs = 0 AND id > $2 "
            "ORDER BY id LIMIT $3",
            {ns_, after, kGcPageRows});
      }));
      std::vector<std::string> candidates;
      for (const db::Row& row : rows) {
        if (is_valid_chunk_id(row.text(0))) candidates.push_back(row.text(0));
      }
      RUCHE_TRY(std::vector<Removal> removals, remove_all(candidates));
      std::vector<std::string> gone;  // files removed or absent: their rows go
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (removals[i] == Removal::too_recent) {
          ++stats_.kept_recent;
          continue;
        }
        if (removals[i] == Removal::removed) ++stats_.unreferenced_removed;
        gone.push_back(candidates[i]);
      }
      // One transaction per page. A writer that referenced a chunk meanwhile
      // made its refs > 0: that row stays (and that writer stored the chunk
      // again, since its touch found nothing).
      if (!gone.empty()) {
        RUCHE_TRY(std::int64_t n, db_.write([&](db::Conn& c) -> Result<std::int64_t> {
          std::int64_t deleted = 0;
          for (const std::string& id : gone) {
            RUCHE_TRY(std::int64_t one, c.exec("DELETE FROM blob_chunks WHERE namespace = $1 AND "
                                               "id = $2 AND refs = 0",
                                               {ns_, id}));
            deleted += one;
          }
          return deleted;
        }));
        stats_.rows_removed += static_cast<std::uint64_t>(n);
      }
      if (static_cast<std::int64_t>(rows.size()) < kGcPageRows) return {};
      after = rows.back().text(0);
    }
  }

  // Stored chunks with no row at all, one shard at a time.
  Result<void> orphans() {
    std::string shard;
    std::vector<std::string> ids;
    std::optional<Error> error;
    RUCHE_CHECK(store_.list(ns_, [&](std::string_view id) {
      if (id.substr(0, kShardChars) != shard) {
        if (auto r = orphans_in_shard(shard, ids); !r) {
          error = r.error();
          return false;
        }
        shard = std::string(id.substr(0, kShardChars));
        ids.clear();
      }
      ids.emplace_back(id);
      return true;
    }));
    if (error) return tl::unexpected(std::move(*error));
    return orphans_in_shard(shard, ids);
  }

  Result<void> orphans_in_shard(const std::string& shard, const std::vector<std::string>& ids) {
    if (ids.empty()) return {};
    const std::optional<std::string> upper = next_shard(shard);
    RUCHE_TRY(db::Rows rows, db_.read([&](db::Conn& c) {
      if (upper) {
        return c.query("SELECT id FROM blob_chunks WHERE namespace = $1 AND id >= $2 AND id < $3",
                       {ns_, shard, *upper});
      }
      return c.query("SELECT id FROM blob_chunks WHERE namespace = $1 AND id >= $2", {ns_, shard});
    }));
    std::set<std::string, std::less<>> known;
    for (const db::Row& row : rows) known.insert(row.text(0));
    std::vector<std::string> unknown;
    for (const std::string& id : ids) {
      if (!known.contains(id)) unknown.push_back(id);
    }
    RUCHE_TRY(std::vector<Removal> removals, remove_all(unknown));
    for (Removal removal : removals) {
      if (removal == Removal::removed) ++stats_.orphans_removed;
      if (removal == Removal::too_recent) ++stats_.kept_recent;
    }
    return {};
  }

  db::Database& db_;
  ChunkStore& store_;
  std::string ns_;
  std::int64_t cutoff_ms_;
  std::size_t parallel_;
  GcStats& stats_;
};

}  // namespace

Result<std::uint64_t> BlobIndex::add_refs(db::Conn& conn, std::string_view ns,
                                          std::span<const ChunkRef> chunks) const {
  RUCHE_TRY(auto tallies, tally(ns, chunks));
  const std::int64_t now_ms = clock_.now_ms();
  std::uint64_t added = 0;
  for (const auto& [id, t] : tallies) {
    // No row comes back when the recorded size differs (the WHERE fails).
    RUCHE_TRY(
        auto row,
        conn.query_one(
            "INSERT INTO blob_chunks (namespace, id, size, refs, created_at_ms) "
            "VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (namespace, id) DO UPDATE SET refs = blob_chunks.refs + excluded.refs "
            "WHERE blob_chunks.size = excluded.size RETURNING refs",
            {ns, id, t.size_bytes, t.count, now_ms}));
    if (!row)
      return fail(Errc::invalid, "chunk " + std::string(id) + " recorded with another size");
    if (row->i64(0) == t.count) added += t.size_bytes;
  }
  return added;
}

Result<std::uint64_t> BlobIndex::release(db::Conn& conn, std::string_view ns,
                                         std::span<const ChunkRef> chunks) const {
  RUCHE_TRY(auto tallies, tally(ns, chunks));
  std::uint64_t freed = 0;
  for (const auto& [id, t] : tallies) {
    RUCHE_TRY(auto row,
              conn.query_one("UPDATE blob_chunks SET refs = refs - $3 "
                             "WHERE namespace = $1 AND id = $2 AND refs >= $3 RETURNING refs, size",
                             {ns, id, t.count}));
    if (!row) {
      return fail(Errc::conflict,
                  "chunk " + std::string(id) + " has fewer references than released");
    }
    if (row->i64(0) == 0) freed += static_cast<std::uint64_t>(row->i64(1));
  }
  return freed;
}

Result<std::uint64_t> BlobIndex::stored_bytes(db::Conn& conn, std::string_view ns) const {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  RUCHE_TRY(auto row,
            conn.query_one("SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM blob_chunks "
                           "WHERE namespace = $1 AND refs > 0",
                           {ns}));
  return row ? static_cast<std::uint64_t>(row->i64(0)) : 0;
}

Result<std::int64_t> BlobIndex::refs(db::Conn& conn, std::string_view ns,
                                     std::string_view id) const {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  if (!is_valid_chunk_id(id)) return fail(Errc::invalid, "invalid chunk id");
  RUCHE_TRY(
      auto row,
      conn.query_one("SELECT refs FROM blob_chunks WHERE namespace = $1 AND id = $2", {ns, id}));
  return row ? row->i64(0) : 0;
}

Result<void> BlobIndex::drop_namespace(db::Conn& conn, std::string_view ns) const {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  RUCHE_TRY(auto n, conn.exec("DELETE FROM blob_chunks WHERE namespace = $1", {ns}));
  (void)n;
  return {};
}

Result<GcStats> collect_garbage(db::Database& db, ChunkStore& store,
                                std::optional<std::string_view> ns, std::int64_t grace_ms,
                                const Clock& clock, std::size_t parallel) {
  if (grace_ms < 0) return fail(Errc::invalid, "grace period must not be negative");
  const std::int64_t cutoff_ms = clock.now_ms() - grace_ms;
  std::vector<std::string> namespaces;
  if (ns) {
    if (!is_valid_namespace(*ns)) return fail(Errc::invalid, "invalid blob namespace");
    namespaces.emplace_back(*ns);
  } else {
    RUCHE_TRY(namespaces, store.list_namespaces());
    RUCHE_TRY(db::Rows rows, db.read([](db::Conn& c) {
      return c.query("SELECT DISTINCT namespace FROM blob_chunks");
    }));
    for (const db::Row& row : rows) {
      if (is_valid_namespace(row.text(0))) namespaces.push_back(row.text(0));
    }
    std::sort(namespaces.begin(), namespaces.end());
    namespaces.erase(std::unique(namespaces.begin(), namespaces.end()), namespaces.end());
  }
  GcStats stats;
  for (std::string& name : namespaces) {
    RUCHE_CHECK(Collector(db, store, std::move(name), cutoff_ms, parallel, stats).run());
  }
  return stats;
}

}  // namespace ruche::blob
