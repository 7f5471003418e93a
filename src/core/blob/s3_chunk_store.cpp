#include "core/blob/s3_chunk_store.hpp"

#include <limits>

#include "core/blob/chunker.hpp"
#include "core/crypto/aead.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"

namespace ruche::blob {
namespace {

constexpr std::int64_t kPageRows = 1000;
constexpr std::uint64_t kMaxStoredBytes = kMaxChunkSizeCeiling + crypto::kSealOverhead;

Result<void> check_names(std::string_view ns, std::string_view id) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  if (!is_valid_chunk_id(id)) return fail(Errc::invalid, "invalid chunk id");
  return {};
}

std::string object_key(std::string_view ns, std::string_view id, std::string_view gen) {
  std::string key;
  key.reserve(ns.size() + id.size() + gen.size() + 8);
  key.append(ns).append("/").append(id.substr(0, kShardChars)).append("/").append(id);
  key.append("-").append(gen);
  return key;
}

}  // namespace

S3ChunkStore::S3ChunkStore(db::Database& db, std::unique_ptr<S3Client> client, const Clock& clock)
    : db_(db), client_(std::move(client)), clock_(clock) {}

Result<void> S3ChunkStore::delete_loose(std::string_view ns, std::string_view id,
                                        std::string_view gen) {
  RUCHE_CHECK(client_->remove(object_key(ns, id, gen)));
  RUCHE_TRY(auto n, db_.write([&](db::Conn& c) {
    return c.exec("DELETE FROM blob_s3_objects WHERE namespace = $1 AND id = $2 AND gen = $3",
                  {ns, id, gen});
  }));
  (void)n;
  return {};
}

Result<bool> S3ChunkStore::put(std::string_view ns, std::string_view id, std::string_view sealed) {
  RUCHE_CHECK(check_names(ns, id));
  RUCHE_TRY(bool present, touch(ns, id));
  if (present) return false;
  const std::string gen = crypto::hex_encode(crypto::random_bytes(8));
  // Listed as loose before it exists, so that a crash at any point leaves a
  // row for the collector to find.
  RUCHE_TRY(auto listed, db_.write([&](db::Conn& c) {
    return c.exec(
        "INSERT INTO blob_s3_objects (namespace, id, gen, since_ms) VALUES ($1, $2, $3, $4)",
        {ns, id, gen, clock_.now_ms()});
  }));
  (void)listed;
  if (auto sent = client_->put(object_key(ns, id, gen), sealed); !sent) {
    (void)delete_loose(ns, id, gen);  // the collector retries what fails here
    return tl::unexpected(sent.error());
  }
  RUCHE_TRY(bool stored, db_.write([&](db::Conn& c) -> Result<bool> {
    const std::int64_t now = clock_.now_ms();
    RUCHE_TRY(auto n, c.exec("INSERT INTO blob_s3_chunks (namespace, id, gen, touched_at_ms) "
                             "VALUES ($1, $2, $3, $4) ON CONFLICT (namespace, id) DO NOTHING",
                             {ns, id, gen, now}));
    if (n > 0) {
      RUCHE_TRY(auto d,
                c.exec("DELETE FROM blob_s3_objects WHERE namespace = $1 AND id = $2 AND gen = $3",
                       {ns, id, gen}));
      (void)d;
      return true;
    }
    // Another writer stored it meanwhile: theirs stays, with its age refreshed.
    RUCHE_TRY(
        auto t,
        c.exec("UPDATE blob_s3_chunks SET touched_at_ms = $3 WHERE namespace = $1 AND id = $2",
               {ns, id, now}));
    (void)t;
    return false;
  }));
  if (!stored) (void)delete_loose(ns, id, gen);
  return stored;
}

Result<std::string> S3ChunkStore::get(std::string_view ns, std::string_view id) {
  RUCHE_CHECK(check_names(ns, id));
  RUCHE_TRY(auto row, db_.read([&](db::Conn& c) {
    return c.query_one("SELECT gen FROM blob_s3_chunks WHERE namespace = $1 AND id = $2", {ns, id});
  }));
  if (!row) return fail(Errc::not_found, "no such chunk");
  // not_found too when a collection removed it since (garbage only).
  return client_->get(object_key(ns, id, row->text(0)), kMaxStoredBytes);
}

Result<bool> S3ChunkStore::exists(std::string_view ns, std::string_view id) {
  RUCHE_CHECK(check_names(ns, id));
  RUCHE_TRY(auto row, db_.read([&](db::Conn& c) {
    return c.query_one("SELECT 1 FROM blob_s3_chunks WHERE namespace = $1 AND id = $2", {ns, id});
  }));
  return row.has_value();
}

Result<bool> S3ChunkStore::touch(std::string_view ns, std::string_view id) {
  // A miss costs a read, not a commit (a tiered store asks for every chunk).
  RUCHE_TRY(bool present, exists(ns, id));
  if (!present) return false;
  const std::int64_t now = clock_.now_ms();
  RUCHE_TRY(auto n, db_.write([&](db::Conn& c) {
    return c.exec("UPDATE blob_s3_chunks SET touched_at_ms = $3 WHERE namespace = $1 AND id = $2",
                  {ns, id, now});
  }));
  return n > 0;
}

Result<bool> S3ChunkStore::remove(std::string_view ns, std::string_view id) {
  RUCHE_CHECK(check_names(ns, id));
  return remove_if_older(ns, id, std::numeric_limits<std::int64_t>::max()).map([](Removal r) {
    return r == Removal::removed;
  });
}

Result<Removal> S3ChunkStore::remove_if_older(std::string_view ns, std::string_view id,
                                              std::int64_t cutoff_ms) {
  RUCHE_CHECK(check_names(ns, id));
  // One transaction: a touch() commits before it (the row is kept) or after
  // it (no row: the writer stores the chunk again, under a new generation).
  std::string gen;
  RUCHE_TRY(Removal removal, db_.write([&](db::Conn& c) -> Result<Removal> {
    RUCHE_TRY(auto row, c.query_one("DELETE FROM blob_s3_chunks WHERE namespace = $1 AND id = $2 "
                                    "AND touched_at_ms < $3 RETURNING gen",
                                    {ns, id, cutoff_ms}));
    if (!row) {
      RUCHE_TRY(
          auto kept,
          c.query_one("SELECT 1 FROM blob_s3_chunks WHERE namespace = $1 AND id = $2", {ns, id}));
      return kept ? Removal::too_recent : Removal::absent;
    }
    gen = row->text(0);
    RUCHE_TRY(
        auto n,
        c.exec("INSERT INTO blob_s3_objects (namespace, id, gen, since_ms) VALUES ($1, $2, $3, $4)",
               {ns, id, gen, clock_.now_ms()}));
    (void)n;
    return Removal::removed;
  }));
  // The chunk is gone for every reader; its object goes now, or with the
  // collector's next pass over loose objects.
  if (removal == Removal::removed) (void)delete_loose(ns, id, gen);
  return removal;
}

Result<void> S3ChunkStore::list(std::string_view ns, FunctionRef<bool(std::string_view id)> fn) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  // Page by page, with no transaction open while `fn` runs (it may write).
  std::string after;
  while (true) {
    RUCHE_TRY(auto rows, db_.read([&](db::Conn& c) {
      return c.query(
          "SELECT id FROM blob_s3_chunks WHERE namespace = $1 AND id > $2 ORDER BY id LIMIT $3",
          {ns, after, kPageRows});
    }));
    for (const auto& r : rows) {
      if (!fn(r.text(0))) return {};
    }
    if (static_cast<std::int64_t>(rows.size()) < kPageRows) return {};
    after = rows.back().text(0);
  }
}

Result<std::vector<std::string>> S3ChunkStore::list_namespaces() {
  RUCHE_TRY(auto rows, db_.read([&](db::Conn& c) {
    return c.query(
        "SELECT namespace FROM blob_s3_chunks UNION SELECT namespace FROM blob_s3_objects "
        "ORDER BY 1");
  }));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.text(0));
  return out;
}

Result<std::uint64_t> S3ChunkStore::remove_stale_temporaries(std::string_view ns,
                                                             std::int64_t cutoff_ms) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  std::uint64_t removed = 0;
  while (true) {
    RUCHE_TRY(auto rows, db_.read([&](db::Conn& c) {
      return c.query(
          "SELECT id, gen FROM blob_s3_objects WHERE namespace = $1 AND since_ms < $2 "
          "ORDER BY since_ms LIMIT $3",
          {ns, cutoff_ms, kPageRows});
    }));
    for (const auto& r : rows) {
      RUCHE_CHECK(delete_loose(ns, r.text(0), r.text(1)));
      ++removed;
    }
    if (static_cast<std::int64_t>(rows.size()) < kPageRows) return removed;
  }
}

Result<void> S3ChunkStore::remove_namespace(std::string_view ns) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  while (true) {
    RUCHE_TRY(auto rows, db_.read([&](db::Conn& c) {
      return c.query("SELECT id, gen FROM blob_s3_chunks WHERE namespace = $1 ORDER BY id LIMIT $2",
                     {ns, kPageRows});
    }));
    for (const auto& r : rows) {
      RUCHE_CHECK(client_->remove(object_key(ns, r.text(0), r.text(1))));
      RUCHE_TRY(auto n, db_.write([&](db::Conn& c) {
        return c.exec("DELETE FROM blob_s3_chunks WHERE namespace = $1 AND id = $2",
                      {ns, r.text(0)});
      }));
      (void)n;
    }
    if (static_cast<std::int64_t>(rows.size()) < kPageRows) break;
  }
  RUCHE_TRY([[maybe_unused]] auto loose,
            remove_stale_temporaries(ns, std::numeric_limits<std::int64_t>::max()));
  return {};
}

}  // namespace ruche::blob
