// S3ChunkStore: sealed chunks as objects of an S3-compatible bucket, with the
// database as their catalogue, so that several nodes share one store without
// a shared file system.
//
// S3 has no rename and no conditional delete that every service offers, so
// the decisions that must be atomic are taken in the database:
// - blob_s3_chunks has one row per stored chunk: the generation of its
//   object (a random suffix of the object's key) and its age
//   (touched_at_ms). A row exists only once its object is complete.
// - blob_s3_objects lists loose objects: being written (a put() in flight,
//   or one that crashed) or being deleted (a removal whose DELETE has not
//   been confirmed). The garbage collector deletes those older than its
//   cutoff (remove_stale_temporaries), so nothing is left in the bucket
//   without a row to find it; no listing of the bucket is ever needed.
// - touch() updates the row; remove_if_older() deletes the row only if
//   touched_at_ms is still older than the cutoff, in one statement, then the
//   object. A touch() after that finds no row and the writer stores the
//   chunk again, under a new generation, so the pending DELETE of the old
//   object cannot take the new one with it.
//
// Object keys: PREFIX NAMESPACE/SHARD/ID-GENERATION, from checked names only.
//
// Thread-safety: as the database and the client. Blocking: worker threads only.
#pragma once

#include <memory>

#include "base/clock.hpp"
#include "core/blob/chunk_store.hpp"
#include "core/blob/s3_client.hpp"
#include "core/db/database.hpp"

namespace ruche::blob {

class S3ChunkStore final : public ChunkStore {
 public:
  // `db` and `clock` must outlive the store.
  S3ChunkStore(db::Database& db, std::unique_ptr<S3Client> client,
               const Clock& clock = SystemClock::instance());

  S3Client& client() { return *client_; }

  Result<bool> put(std::string_view ns, std::string_view id, std::string_view sealed) override;
  Result<std::string> get(std::string_view ns, std::string_view id) override;
  Result<bool> exists(std::string_view ns, std::string_view id) override;
  Result<bool> touch(std::string_view ns, std::string_view id) override;
  Result<bool> remove(std::string_view ns, std::string_view id) override;
  Result<Removal> remove_if_older(std::string_view ns, std::string_view id,
                                  std::int64_t cutoff_ms) override;
  Result<void> list(std::string_view ns, FunctionRef<bool(std::string_view id)> fn) override;
  Result<std::vector<std::string>> list_namespaces() override;
  // Loose objects (blob_s3_objects) older than the cutoff: deleted.
  Result<std::uint64_t> remove_stale_temporaries(std::string_view ns,
                                                 std::int64_t cutoff_ms) override;
  Result<void> remove_namespace(std::string_view ns) override;

 private:
  // Deletes a loose object, then its row; a failure leaves both for
  // remove_stale_temporaries().
  Result<void> delete_loose(std::string_view ns, std::string_view id, std::string_view gen);

  db::Database& db_;
  std::unique_ptr<S3Client> client_;
  const Clock& clock_;
};

}  // namespace ruche::blob
