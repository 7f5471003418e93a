// S3ChunkStore against a real S3-compatible server (s3rver), its catalogue
// on SQLite (s3_store_test) and PostgreSQL (s3_store_pg_test). s3rver checks
// the access key but not Signature Version 4 itself: the signing is checked
// against AWS's published examples (s3_client_test.cpp).
#include <gtest/gtest.h>

#include "core/blob/blob.hpp"
#include "core/blob/blob_index.hpp"
#include "core/blob/db_chunk_store.hpp"
#include "core/blob/key_ring.hpp"
#include "core/blob/s3_chunk_store.hpp"
#include "core/blob/test_support.hpp"
#include "core/blob/testing.hpp"
#include "core/crypto/aead.hpp"
#include "core/db/testing.hpp"

namespace ruche::blob {
namespace {

using testing::random_data;

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::int64_t kHourMs = 3'600'000;
const std::string kNs = "01hzx7k3m9q2r5t8v0w4y6a1bc";
const std::string kOther = "01hzx7k3m9q2r5t8v0w4y6a1bd";

std::string id(int i) {
  std::string s = std::to_string(i);
  return std::string(64 - s.size(), 'a') + s;
}

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::testing::open_migrated_test_database();
    store_ = make_store(s3_.config("ruche/"));
  }
  std::unique_ptr<S3ChunkStore> make_store(S3Config config) {
    auto client = S3Client::create(std::move(config));
    EXPECT_TRUE(client) << client.error().message;
    return std::make_unique<S3ChunkStore>(*db_, std::move(*client), clock_);
  }
  std::vector<std::string> ids(ChunkStore& s, const std::string& ns) { return testing::list_ids(s, ns); }
  std::int64_t loose_rows() {
    auto row =
        db_->read([](db::Conn& c) { return c.query_one("SELECT COUNT(*) FROM blob_s3_objects"); });
    EXPECT_TRUE(row && *row);
    return row && *row ? (*row)->i64(0) : -1;
  }

  testing::S3Server s3_;
  ManualClock clock_{SystemClock::instance().now_ms()};
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<S3ChunkStore> store_;
};

TEST_F(S3StoreTest, PutGetExistsTouchRemove) {
  ChunkStore& s = *store_;
  EXPECT_FALSE(*s.exists(kNs, id(1)));
  EXPECT_EQ(s.get(kNs, id(1)).error().code, Errc::not_found);
  EXPECT_FALSE(*s.touch(kNs, id(1)));
  const std::string sealed = random_data(3 * kMiB, 1);
  EXPECT_TRUE(*s.put(kNs, id(1), sealed));
  EXPECT_EQ(*s.get(kNs, id(1)), sealed);
  EXPECT_TRUE(*s.exists(kNs, id(1)));
  EXPECT_FALSE(*s.exists(kOther, id(1)));
  EXPECT_EQ(s3_.object_count(), 1u);
  EXPECT_EQ(loose_rows(), 0);
  // A second put keeps the first bytes (deduplication) and sends nothing.
  EXPECT_FALSE(*s.put(kNs, id(1), "other"));
  EXPECT_EQ(*s.get(kNs, id(1)), sealed);
  EXPECT_EQ(s3_.object_count(), 1u);
  EXPECT_TRUE(*s.touch(kNs, id(1)));
  EXPECT_TRUE(*s.remove(kNs, id(1)));
  EXPECT_FALSE(*s.remove(kNs, id(1)));
  EXPECT_FALSE(*s.exists(kNs, id(1)));
  EXPECT_EQ(s3_.object_count(), 0u);
  EXPECT_EQ(loose_rows(), 0);
  // Names are checked before any statement or request.
  EXPECT_EQ(s.put("../x", id(1), "x").error().code, Errc::invalid);
  EXPECT_EQ(s.get(kNs, "../../etc/passwd").error().code, Errc::invalid);
  EXPECT_EQ(s.list("A B", [](std::string_view) { return true; }).error().code, Errc::invalid);
}

TEST_F(S3StoreTest, RemoveIfOlderIsDecidedInTheDatabaseAndARemovedChunkIsStoredAgain) {
  ChunkStore& s = *store_;
  testing::check_remove_if_older(s, clock_, kNs, id);
  EXPECT_EQ(s3_.object_count(), 2u);
  // The writer that finds it gone (touch: false) stores it again.
  EXPECT_FALSE(*s.touch(kNs, id(1)));
  EXPECT_TRUE(*s.put(kNs, id(1), "a2"));
  EXPECT_EQ(*s.get(kNs, id(1)), "a2");
}

TEST_F(S3StoreTest, AnInterruptedPutLeavesOnlyALooseObjectThatTheCollectorDeletes) {
  ChunkStore& s = *store_;
  // The service goes away: the put fails, no chunk is visible, and the
  // object it may have written is listed as loose.
  s3_.stop();
  auto failed = s.put(kNs, id(1), "sealed");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::unavailable);
  EXPECT_FALSE(*s.exists(kNs, id(1)));
  EXPECT_EQ(loose_rows(), 1);
  s3_.start();
  // A crash between the upload and the commit: an object with a loose row.
  ASSERT_OK(db_->write([&](db::Conn& c) {
    return c.exec(
        "INSERT INTO blob_s3_objects (namespace, id, gen, since_ms) VALUES ($1, $2, $3, $4)",
        {kNs, id(2), "00000000deadbeef", clock_.now_ms()});
  }));
  ASSERT_OK(store_->client().put(kNs + "/aa/" + id(2) + "-00000000deadbeef", "orphan"));
  EXPECT_EQ(s3_.object_count(), 1u);
  EXPECT_EQ(*s.list_namespaces(), std::vector<std::string>{kNs});
  // Young leftovers stay (a put may be in flight); old ones go.
  EXPECT_EQ(*s.remove_stale_temporaries(kNs, clock_.now_ms() - kHourMs), 0u);
  clock_.advance_ms(2 * kHourMs);
  EXPECT_EQ(*s.remove_stale_temporaries(kNs, clock_.now_ms() - kHourMs), 2u);
  EXPECT_EQ(loose_rows(), 0);
  EXPECT_EQ(s3_.object_count(), 0u);
  EXPECT_TRUE(s.list_namespaces()->empty());
}

TEST_F(S3StoreTest, ListPagesInOrderAndNamespacesGoWhole) {
  // The catalogue alone is listed: rows are enough to page through.
  ASSERT_OK(db_->write([&](db::Conn& c) -> Result<void> {
    for (int i = 0; i < 2100; ++i) {
      RUCHE_TRY(auto n, c.exec("INSERT INTO blob_s3_chunks (namespace, id, gen, touched_at_ms) "
                               "VALUES ($1, $2, 'g', 0)",
                               {kNs, id(i)}));
      (void)n;
    }
    return {};
  }));
  std::vector<std::string> want;
  for (int i = 0; i < 2100; ++i) want.push_back(id(i));
  std::sort(want.begin(), want.end());
  EXPECT_EQ(ids(*store_, kNs), want);  // 3 pages
  int seen = 0;
  ASSERT_OK(store_->list(kNs, [&](std::string_view) { return ++seen < 10; }));
  EXPECT_EQ(seen, 10);
  // remove_namespace deletes the objects (here: absent; S3 does not mind)
  // and every row; other namespaces stay.
  ASSERT_OK(store_->put(kOther, id(7), "y"));
  ASSERT_OK(store_->remove_namespace(kNs));
  EXPECT_TRUE(ids(*store_, kNs).empty());
  EXPECT_EQ(*store_->get(kOther, id(7)), "y");
  EXPECT_EQ(*store_->list_namespaces(), std::vector<std::string>{kOther});
  ASSERT_OK(store_->remove_namespace(kOther));
  EXPECT_EQ(s3_.object_count(), 0u);
}

// The platform's arrangement: small chunks in the database, large ones in
// the bucket; blobs read back whole; collection empties both.
TEST_F(S3StoreTest, TieredWithTheDatabaseWritesReadsAndCollects) {
  auto keys = testing::test_keys(kNs);
  TieredChunkStore t(std::make_unique<DbChunkStore>(*db_, clock_), std::move(store_),
                     (64u << 10) + crypto::kSealOverhead);
  auto write_to = [&](const std::string& data) { return testing::write_blob(t, keys, data); };
  auto read_from = [&](const BlobRef& ref) { return testing::read_blob(t, keys, ref); };
  const std::string small_data = random_data(4096, 50), big_data = random_data(5 * kMiB, 51);
  BlobRef small = write_to(small_data), big = write_to(big_data);
  ASSERT_GT(big.chunks.size(), 1u);
  EXPECT_EQ(s3_.object_count(), big.chunks.size());
  EXPECT_TRUE(*t.small().exists(kNs, small.chunks[0].id));
  EXPECT_EQ(read_from(small), small_data);
  EXPECT_EQ(read_from(big), big_data);
  // What the bucket holds is sealed: no plaintext in any object.
  for (const auto& c : big.chunks) {
    auto sealed = t.large().get(kNs, c.id);
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->size(), c.size_bytes + crypto::kSealOverhead);
    EXPECT_EQ(big_data.find(sealed->substr(crypto::kNonceBytes, 64)), std::string::npos);
  }
  // The same content again is deduplicated: nothing sent.
  BlobWriter again(t, keys);
  ASSERT_OK(again.write(big_data));
  ASSERT_OK(again.finish());
  EXPECT_EQ(again.chunks_reused(), big.chunks.size());
  EXPECT_EQ(s3_.object_count(), big.chunks.size());

  // One blob referenced, the other not: after the grace period only the
  // referenced one is left, in both tiers.
  BlobIndex index(clock_);
  ASSERT_OK(db_->write([&](db::Conn& c) { return index.add_refs(c, kNs, big.chunks); }));
  clock_.advance_ms(2 * kHourMs);
  auto stats = collect_garbage(*db_, t, kNs, kHourMs, clock_);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->orphans_removed, small.chunks.size());
  EXPECT_EQ(read_from(big), big_data);
  ASSERT_OK(db_->write([&](db::Conn& c) { return index.release(c, kNs, big.chunks); }));
  clock_.advance_ms(2 * kHourMs);
  stats = collect_garbage(*db_, t, kNs, kHourMs, clock_);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->unreferenced_removed, big.chunks.size());
  EXPECT_EQ(s3_.object_count(), 0u);
  EXPECT_TRUE(ids(t, kNs).empty());
}

// The collector removes from a bucket several at a time; with the service
// down the chunks still leave the catalogue (nothing can read them), their
// objects stay listed as loose, and a later collection deletes them.
TEST_F(S3StoreTest, TheCollectorRemovesInParallelAndSurvivesAnOutage) {
  for (int i = 0; i < 40; ++i) ASSERT_OK(store_->put(kNs, id(i), "orphan " + std::to_string(i)));
  EXPECT_EQ(s3_.object_count(), 40u);
  clock_.advance_ms(2 * kHourMs);
  auto stats = collect_garbage(*db_, *store_, kNs, kHourMs, clock_, 8);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->orphans_removed, 40u);
  EXPECT_EQ(s3_.object_count(), 0u);
  EXPECT_TRUE(ids(*store_, kNs).empty());

  for (int i = 0; i < 10; ++i) ASSERT_OK(store_->put(kNs, id(100 + i), "later"));
  clock_.advance_ms(2 * kHourMs);
  s3_.stop();
  stats = collect_garbage(*db_, *store_, kNs, kHourMs, clock_, 8);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->orphans_removed, 10u);
  EXPECT_TRUE(ids(*store_, kNs).empty());
  EXPECT_EQ(loose_rows(), 10);
  s3_.start();
  EXPECT_EQ(s3_.object_count(), 10u);
  clock_.advance_ms(2 * kHourMs);
  stats = collect_garbage(*db_, *store_, kNs, kHourMs, clock_, 8);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->temporaries_removed, 10u);
  EXPECT_EQ(loose_rows(), 0);
  EXPECT_EQ(s3_.object_count(), 0u);
}

TEST_F(S3StoreTest, TwoStoresOnOneCatalogueShareChunks) {
  // Two nodes: each its own client, one database, one bucket.
  auto other = make_store(s3_.config("ruche/"));
  ASSERT_TRUE(*store_->put(kNs, id(1), "from a"));
  EXPECT_EQ(*other->get(kNs, id(1)), "from a");
  EXPECT_FALSE(*other->put(kNs, id(1), "from b"));  // deduplicated across nodes
  EXPECT_TRUE(*other->remove(kNs, id(1)));
  EXPECT_EQ(store_->get(kNs, id(1)).error().code, Errc::not_found);
  EXPECT_EQ(s3_.object_count(), 0u);
}

TEST_F(S3StoreTest, WrongKeysAndOversizedObjectsAreRefused) {
  S3Config bad = s3_.config();
  bad.access_key = "NOT-A-KEY";
  bad.secret_key = "not-the-secret";
  auto client = S3Client::create(bad);
  ASSERT_TRUE(client);
  auto checked = (*client)->check_bucket();
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, Errc::internal);
  EXPECT_EQ(checked.error().message.find("not-the-secret"), std::string::npos);
  auto put = (*client)->put("k", "v");
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, Errc::internal);
  EXPECT_EQ(s3_.object_count(), 0u);

  auto good = S3Client::create(s3_.config());
  ASSERT_TRUE(good);
  ASSERT_OK((*good)->check_bucket());
  ASSERT_OK((*good)->put("big", std::string(100'000, 'x')));
  EXPECT_EQ((*good)->get("big", 99'999).error().code, Errc::internal);
  EXPECT_EQ((*good)->get("big", 100'000)->size(), 100'000u);
  EXPECT_EQ((*good)->get("missing", 10).error().code, Errc::not_found);
  for (const char* key : {"../etc", "a/../../b", "/abs", "a//b", "./a", "A", "a b"})
    EXPECT_EQ((*good)->get(key, 10).error().code, Errc::invalid) << key;

  // Counted: the refusals above are errors; a missing object is not.
  const auto stats = (*good)->stats();
  EXPECT_EQ(stats.bytes_sent, 100'000u);
  EXPECT_EQ(stats.bytes_received, 100'000u);
  EXPECT_EQ(stats.errors, 1u);  // the oversized read
  EXPECT_EQ((*client)->stats().errors, 2u);  // check_bucket, put
  EXPECT_EQ(stats.retries, 0u);

  S3Config missing = s3_.config();
  missing.bucket = "no-such-bucket";
  auto lost = S3Client::create(missing);
  ASSERT_TRUE(lost);
  EXPECT_EQ((*lost)->check_bucket().error().code, Errc::internal);
}

// Over https: the endpoint's certificate is checked, against the CA file
// when one is given; an untrusted one is refused at once (no retries).
TEST(S3Tls, TheCertificateIsCheckedAgainstTheCaFile) {
  testing::S3Server s3(/*tls=*/true);
  auto trusted = S3Client::create(s3.config("tls/"));
  ASSERT_TRUE(trusted);
  ASSERT_OK((*trusted)->check_bucket());
  ASSERT_OK((*trusted)->put("ns/aa/object", "sealed bytes"));
  EXPECT_EQ(*(*trusted)->get("ns/aa/object", 100), "sealed bytes");
  EXPECT_EQ(s3.object_count(), 1u);

  S3Config unchecked = s3.config("tls/");
  unchecked.ca_file.clear();  // the system's authorities do not know it
  auto refused = S3Client::create(unchecked);
  ASSERT_TRUE(refused);
  auto checked = (*refused)->check_bucket();
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, Errc::internal);
  EXPECT_NE(checked.error().message.find("certificate"), std::string::npos) << checked.error().message;
  EXPECT_FALSE((*refused)->put("ns/aa/other", "x"));
  EXPECT_EQ(s3.object_count(), 1u);
}

}  // namespace
}  // namespace ruche::blob
