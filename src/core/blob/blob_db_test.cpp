// KeyRing, BlobIndex and collect_garbage, written once and run on SQLite
// (blob_db_test) and PostgreSQL (blob_db_pg_test).
#include <gtest/gtest.h>

#include <barrier>
#include <thread>
#include <vector>

#include "core/blob/blob.hpp"
#include "core/blob/blob_index.hpp"
#include "core/blob/db_chunk_store.hpp"
#include "core/blob/fs_chunk_store.hpp"
#include "core/blob/key_ring.hpp"
#include "core/blob/test_support.hpp"
#include "core/crypto/aead.hpp"
#include "core/db/migrate.hpp"
#include "core/db/testing.hpp"

namespace ruche::blob {
namespace {

using testing::count_files;
using testing::random_data;
using testing::TempDir;

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::int64_t kHourMs = 3'600'000;
const std::string kNs = "01hzx7k3m9q2r5t8v0w4y6a1bc";
const std::string kOther = "01hzx7k3m9q2r5t8v0w4y6a1bd";

class BlobDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = db::testing::open_migrated_test_database();
    auto store = FsChunkStore::open(dir_.path() + "/blobs", posix_file_system(), clock_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    ring_ = std::make_unique<KeyRing>(*db_, instance_key_, clock_);
  }

  Result<BlobRef> write(const std::string& data, const KeysPtr& keys) {
    BlobWriter w(*store_, keys);
    RUCHE_CHECK(w.write(data));
    return w.finish();
  }

  Result<std::string> read(const BlobRef& ref, const KeysPtr& keys) {
    BlobReader reader(*store_, keys);
    std::string out;
    RUCHE_TRY(auto n, reader.read(ref, 0, ref.size_bytes, [&](std::string_view piece) {
      out.append(piece);
      return Result<void>();
    }));
    (void)n;
    return out;
  }

  Result<std::uint64_t> add_refs(const std::string& ns, const std::vector<ChunkRef>& chunks) {
    return db_->write([&](db::Conn& c) { return index_.add_refs(c, ns, chunks); });
  }
  Result<std::uint64_t> release(const std::string& ns, const std::vector<ChunkRef>& chunks) {
    return db_->write([&](db::Conn& c) { return index_.release(c, ns, chunks); });
  }
  std::int64_t refs(const std::string& ns, const std::string& id) {
    auto n = db_->read([&](db::Conn& c) { return index_.refs(c, ns, id); });
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : -1;
  }
  std::uint64_t stored_bytes(const std::string& ns) {
    auto n = db_->read([&](db::Conn& c) { return index_.stored_bytes(c, ns); });
    EXPECT_TRUE(n) << n.error().message;
    return n ? *n : 0;
  }
  Result<GcStats> gc(std::optional<std::string_view> ns = std::nullopt,
                     std::int64_t grace_ms = kHourMs) {
    return collect_garbage(*db_, *store_, ns, grace_ms, clock_, /*parallel=*/3);  // the platform: 1 on disk
  }
  bool has_all(const BlobRef& ref, const std::string& ns = kNs) {
    for (const ChunkRef& c : ref.chunks) {
      if (!*store_->exists(ns, c.id)) return false;
    }
    return true;
  }
  bool has_none(const BlobRef& ref, const std::string& ns = kNs) {
    for (const ChunkRef& c : ref.chunks) {
      if (*store_->exists(ns, c.id)) return false;
    }
    return true;
  }

  TempDir dir_;
  ManualClock clock_{SystemClock::instance().now_ms()};
  std::string instance_key_ = std::string(32, '\x42');
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<FsChunkStore> store_;
  std::unique_ptr<KeyRing> ring_;
  BlobIndex index_{clock_};
};

// --- KeyRing ---------------------------------------------------------------------

TEST_F(BlobDbTest, KeysAreCreatedOnceAndStoredOnlyWrapped) {
  EXPECT_EQ(ring_->get(kNs).error().code, Errc::not_found);
  auto a = ring_->get_or_create(kNs);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ((*a)->ns, kNs);
  EXPECT_EQ((*a)->id_key.size(), 32u);
  EXPECT_EQ((*a)->seal_key.size(), 32u);
  EXPECT_NE((*a)->id_key, (*a)->seal_key);
  auto again = ring_->get_or_create(kNs);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->seal_key, (*a)->seal_key);

  // A second ring (another node) reads the same key from the database.
  KeyRing other(*db_, instance_key_, clock_);
  auto b = other.get(kNs);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ((*b)->id_key, (*a)->id_key);
  EXPECT_EQ((*b)->seal_key, (*a)->seal_key);

  // The row holds the wrapped key, bound to its namespace.
  auto row = db_->read([&](db::Conn& c) {
    return c.query_one("SELECT wrapped_key, created_at_ms FROM blob_keys WHERE namespace = $1",
                       {kNs});
  });
  ASSERT_TRUE(row && *row);
  const std::string wrapped = (*row)->bytes(0).data;
  EXPECT_EQ(wrapped.size(), crypto::kKeyBytes + crypto::kSealOverhead);
  EXPECT_EQ((*row)->i64(1), clock_.now_ms());
  auto data_key = crypto::unwrap_key(instance_key_, wrapped, "blob-key:" + kNs);
  ASSERT_TRUE(data_key);
  EXPECT_EQ(NamespaceKeys::derive(kNs, *data_key).seal_key, (*a)->seal_key);
  EXPECT_FALSE(crypto::unwrap_key(instance_key_, wrapped, "blob-key:" + kOther));

  // Another namespace has another key.
  auto c = ring_->get_or_create(kOther);
  ASSERT_TRUE(c);
  EXPECT_NE((*c)->seal_key, (*a)->seal_key);
  EXPECT_NE((*c)->id_key, (*a)->id_key);
}

TEST_F(BlobDbTest, AWrongInstanceKeyIsAnInternalError) {
  ASSERT_OK(ring_->get_or_create(kNs));
  KeyRing wrong(*db_, std::string(32, '\x43'), clock_);
  auto r = wrong.get(kNs);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::internal);
  EXPECT_EQ(wrong.get_or_create(kNs).error().code, Errc::internal);
}

TEST_F(BlobDbTest, RefusesBadNamespaces) {
  for (const std::string& ns :
       std::vector<std::string>{"", "../x", "A", "a/b", std::string(65, 'a')}) {
    EXPECT_EQ(ring_->get_or_create(ns).error().code, Errc::invalid);
    EXPECT_EQ(ring_->get(ns).error().code, Errc::invalid);
  }
}

TEST_F(BlobDbTest, ConcurrentCreationAgreesOnOneKey) {
  constexpr int kThreads = 6;
  std::vector<std::unique_ptr<KeyRing>> rings;
  for (int i = 0; i < kThreads; ++i)
    rings.push_back(std::make_unique<KeyRing>(*db_, instance_key_, clock_));
  std::vector<std::string> keys(kThreads);
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto k = rings[i]->get_or_create(kNs);
      if (k) keys[i] = (*k)->seal_key;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(keys[i].size(), 32u);
    EXPECT_EQ(keys[i], keys[0]);
  }
}

TEST_F(BlobDbTest, TheCacheIsBounded) {
  KeyRing small(*db_, instance_key_, clock_, 2);
  for (const char* ns : {"aaaa", "bbbb", "cccc"}) ASSERT_OK(small.get_or_create(ns));
  EXPECT_EQ(small.cached(), 2u);
  ASSERT_OK(small.get("aaaa"));  // evicted, reloaded from the database
  EXPECT_EQ(small.cached(), 2u);
}

TEST_F(BlobDbTest, DestroyingTheKeyMakesTheDataUnreadable) {
  auto keys = ring_->get_or_create(kNs);
  ASSERT_TRUE(keys);
  const std::string data = random_data(3 * kMiB, 1);
  auto ref = write(data, *keys);
  ASSERT_TRUE(ref);
  ASSERT_TRUE(*read(*ref, *keys) == data);

  // A rolled-back destroy changes nothing.
  auto aborted = db_->write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(bool existed, ring_->destroy(c, kNs));
    EXPECT_TRUE(existed);
    return fail(Errc::conflict, "changed my mind");
  });
  ASSERT_FALSE(aborted);
  ASSERT_OK(ring_->get(kNs));

  ASSERT_OK(db_->write([&](db::Conn& c) { return ring_->destroy(c, kNs); }));
  EXPECT_EQ(ring_->cached(), 0u);
  EXPECT_EQ(ring_->get(kNs).error().code, Errc::not_found);
  KeyRing other(*db_, instance_key_, clock_);
  EXPECT_EQ(other.get(kNs).error().code, Errc::not_found);
  auto gone = db_->write([&](db::Conn& c) { return ring_->destroy(c, kNs); });
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);

  // The files are still there, but no key in the database opens them: a new
  // key for the namespace is unrelated.
  EXPECT_TRUE(has_all(*ref));
  auto fresh = ring_->get_or_create(kNs);
  ASSERT_TRUE(fresh);
  EXPECT_NE((*fresh)->seal_key, (*keys)->seal_key);
  auto r = read(*ref, *fresh);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::internal);
}

// --- BlobIndex -------------------------------------------------------------------

ChunkRef chunk(char c, std::uint64_t size) {
  return ChunkRef{std::string(64, c), size};
}

TEST_F(BlobDbTest, ReferenceCountsAndStoredBytes) {
  const ChunkRef a = chunk('a', 100), b = chunk('b', 200), c = chunk('c', 400);
  EXPECT_EQ(stored_bytes(kNs), 0u);
  EXPECT_EQ(*add_refs(kNs, {a, b, a}), 300u);  // a twice, counted once
  EXPECT_EQ(refs(kNs, a.id), 2);
  EXPECT_EQ(refs(kNs, b.id), 1);
  EXPECT_EQ(refs(kNs, c.id), 0);
  EXPECT_EQ(stored_bytes(kNs), 300u);
  EXPECT_EQ(*add_refs(kNs, {b, c}), 400u);  // only c is new
  EXPECT_EQ(stored_bytes(kNs), 700u);
  EXPECT_EQ(stored_bytes(kOther), 0u);
  EXPECT_EQ(*add_refs(kOther, {a}), 100u);  // namespaces are separate
  EXPECT_EQ(*release(kNs, {a}), 0u);
  EXPECT_EQ(*release(kNs, {a, b}), 100u);
  EXPECT_EQ(refs(kNs, a.id), 0);
  EXPECT_EQ(refs(kNs, b.id), 1);
  EXPECT_EQ(stored_bytes(kNs), 600u);
  EXPECT_EQ(*add_refs(kNs, {a}), 100u);  // back from 0
  EXPECT_EQ(stored_bytes(kNs), 700u);
  EXPECT_EQ(stored_bytes(kOther), 100u);
}

TEST_F(BlobDbTest, ReleasingMoreThanHeldIsAConflictAndRollsBack) {
  const ChunkRef a = chunk('a', 10), b = chunk('b', 20);
  ASSERT_OK(add_refs(kNs, {a, b}));
  auto r = release(kNs, {b, a, a});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::conflict);
  EXPECT_EQ(refs(kNs, a.id), 1);
  EXPECT_EQ(refs(kNs, b.id), 1);  // the whole transaction rolled back
  EXPECT_EQ(release(kNs, {chunk('d', 1)}).error().code, Errc::conflict);
}

TEST_F(BlobDbTest, SizesMustAgree) {
  ASSERT_OK(add_refs(kNs, {chunk('a', 10)}));
  EXPECT_EQ(add_refs(kNs, {chunk('a', 11)}).error().code, Errc::invalid);
  EXPECT_EQ(add_refs(kNs, {chunk('b', 1), chunk('b', 2)}).error().code, Errc::invalid);
  EXPECT_EQ(refs(kNs, std::string(64, 'a')), 1);
}

TEST_F(BlobDbTest, BadNamesAreRefused) {
  EXPECT_EQ(add_refs("../x", {chunk('a', 1)}).error().code, Errc::invalid);
  EXPECT_EQ(add_refs(kNs, {ChunkRef{"../../etc/passwd", 1}}).error().code, Errc::invalid);
  EXPECT_EQ(release(kNs, {ChunkRef{"short", 1}}).error().code, Errc::invalid);
  EXPECT_EQ(gc(std::string_view("../x")).error().code, Errc::invalid);
  EXPECT_EQ(gc(kNs, -1).error().code, Errc::invalid);
}

TEST_F(BlobDbTest, ReferencesJoinTheCallersTransaction) {
  const ChunkRef a = chunk('a', 10);
  auto r = db_->write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto added, index_.add_refs(c, kNs, std::vector<ChunkRef>{a}));
    EXPECT_EQ(added, 10u);
    return fail(Errc::conflict, "the caller's own row failed");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(refs(kNs, a.id), 0);
  EXPECT_EQ(stored_bytes(kNs), 0u);
}

TEST_F(BlobDbTest, DropNamespaceDeletesItsRows) {
  ASSERT_OK(add_refs(kNs, {chunk('a', 10)}));
  ASSERT_OK(add_refs(kOther, {chunk('a', 10)}));
  ASSERT_OK(db_->write([&](db::Conn& c) { return index_.drop_namespace(c, kNs); }));
  EXPECT_EQ(refs(kNs, std::string(64, 'a')), 0);
  EXPECT_EQ(refs(kOther, std::string(64, 'a')), 1);
}

// --- Garbage collection ---------------------------------------------------------

TEST_F(BlobDbTest, CollectsUnreferencedAndOrphanChunksAfterTheGracePeriod) {
  auto keys = *ring_->get_or_create(kNs);
  const std::string kept_data = random_data(3 * kMiB, 1);
  auto kept = *write(kept_data, keys);                     // referenced
  auto released = *write(random_data(3 * kMiB, 2), keys);  // referenced, then released
  auto orphan = *write(random_data(2 * kMiB, 3), keys);    // never referenced
  ASSERT_OK(add_refs(kNs, kept.chunks));
  ASSERT_OK(add_refs(kNs, released.chunks));
  ASSERT_OK(release(kNs, released.chunks));
  const std::size_t garbage = released.chunks.size() + orphan.chunks.size();

  // Within the grace period nothing goes.
  auto early = gc(kNs);
  ASSERT_TRUE(early) << early.error().message;
  EXPECT_EQ(early->unreferenced_removed + early->orphans_removed, 0u);
  EXPECT_EQ(early->kept_recent, garbage);
  EXPECT_TRUE(has_all(released) && has_all(orphan));

  clock_.advance_ms(2 * kHourMs);
  auto fresh_orphan = *write(random_data(1 * kMiB, 4), keys);  // written just now
  auto late = gc(kNs);
  ASSERT_TRUE(late) << late.error().message;
  EXPECT_EQ(late->unreferenced_removed, released.chunks.size());
  EXPECT_EQ(late->rows_removed, released.chunks.size());
  EXPECT_EQ(late->orphans_removed, orphan.chunks.size());
  EXPECT_EQ(late->kept_recent, fresh_orphan.chunks.size());
  EXPECT_TRUE(has_none(released));
  EXPECT_TRUE(has_none(orphan));
  EXPECT_TRUE(has_all(fresh_orphan));
  EXPECT_TRUE(has_all(kept));
  EXPECT_TRUE(*read(kept, keys) == kept_data);
  for (const ChunkRef& c : released.chunks) EXPECT_EQ(refs(kNs, c.id), 0);
  EXPECT_EQ(count_files(store_->root()), kept.chunks.size() + fresh_orphan.chunks.size());

  // Nothing left to do.
  auto again = gc(kNs);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->unreferenced_removed + again->orphans_removed + again->rows_removed, 0u);
}

TEST_F(BlobDbTest, AChunkReusedByAWriterSurvivesCollection) {
  auto keys = *ring_->get_or_create(kNs);
  const std::string data = random_data(2 * kMiB, 5);
  auto first = *write(data, keys);
  ASSERT_OK(add_refs(kNs, first.chunks));
  ASSERT_OK(release(kNs, first.chunks));
  clock_.advance_ms(2 * kHourMs);
  // A new upload of the same content finds the chunks (dedup): touching
  // them restarts their grace period, so the collector keeps them until the
  // upload references them.
  BlobWriter w(*store_, keys);
  ASSERT_OK(w.write(data));
  auto second = w.finish();
  ASSERT_TRUE(second);
  EXPECT_EQ(w.chunks_reused(), first.chunks.size());
  auto stats = gc(kNs);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->unreferenced_removed, 0u);
  EXPECT_EQ(stats->kept_recent, first.chunks.size());
  ASSERT_OK(add_refs(kNs, second->chunks));
  clock_.advance_ms(2 * kHourMs);
  ASSERT_OK(gc(kNs));
  EXPECT_TRUE(*read(*second, keys) == data);
}

TEST_F(BlobDbTest, ChunksRemovedUnderAWriterAreStoredAgain) {
  auto keys = *ring_->get_or_create(kNs);
  const std::string data = random_data(1 * kMiB, 6);
  auto first = *write(data, keys);
  clock_.advance_ms(2 * kHourMs);
  ASSERT_OK(gc(kNs));  // the orphan goes
  EXPECT_TRUE(has_none(first));
  BlobWriter w(*store_, keys);
  ASSERT_OK(w.write(data));
  auto second = w.finish();
  ASSERT_TRUE(second);
  EXPECT_EQ(w.chunks_stored(), first.chunks.size());
  EXPECT_TRUE(*read(*second, keys) == data);
}

TEST_F(BlobDbTest, CollectsEveryNamespaceAndRowsWithoutFiles) {
  auto a = *ring_->get_or_create(kNs);
  auto b = *ring_->get_or_create(kOther);
  auto in_a = *write(random_data(kMiB, 7), a);
  auto in_b = *write(random_data(kMiB, 8), b);
  // A refs = 0 row whose file is already gone (a crash after the unlink).
  ASSERT_OK(add_refs("lonely", {chunk('f', 5)}));
  ASSERT_OK(release("lonely", {chunk('f', 5)}));
  // A stale temporary file.
  const std::string shard_dir = store_->root() + "/" + kNs + "/" + in_a.chunks[0].id.substr(0, 2);
  ASSERT_OK(posix_file_system().rename(store_->chunk_path(kNs, in_a.chunks[0].id),
                                       shard_dir + "/.tmp-00000000deadbeef"));
  clock_.advance_ms(2 * kHourMs);
  auto stats = gc();
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->namespaces, 3u);
  EXPECT_EQ(stats->orphans_removed, in_a.chunks.size() - 1 + in_b.chunks.size());
  EXPECT_EQ(stats->temporaries_removed, 1u);
  EXPECT_EQ(stats->rows_removed, 1u);
  EXPECT_EQ(count_files(store_->root()), 0u);
}

TEST_F(BlobDbTest, OrphansAreFoundInEveryShard) {
  // Ids at the edges of the shard ranges the collector reads rows by.
  const std::vector<std::string> referenced = {std::string(64, '0'), "09" + std::string(62, '9'),
                                               "0a" + std::string(62, '0'),
                                               "zz" + std::string(62, 'z')};
  const std::vector<std::string> orphans = {
      "00" + std::string(62, '1'), "09" + std::string(62, '0'), "0a" + std::string(62, '1'),
      "z9" + std::string(62, 'z'), "zz" + std::string(62, '0')};
  std::vector<ChunkRef> wanted;
  for (const std::string& id : referenced) {
    ASSERT_OK(store_->put(kNs, id, "x"));
    wanted.push_back(ChunkRef{id, 1});
  }
  for (const std::string& id : orphans) ASSERT_OK(store_->put(kNs, id, "x"));
  ASSERT_OK(add_refs(kNs, wanted));
  clock_.advance_ms(2 * kHourMs);
  auto stats = gc(kNs);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->orphans_removed, orphans.size());
  for (const std::string& id : referenced) EXPECT_TRUE(*store_->exists(kNs, id)) << id;
  for (const std::string& id : orphans) EXPECT_FALSE(*store_->exists(kNs, id)) << id;
}

TEST_F(BlobDbTest, DeletingANamespace) {
  auto keys = *ring_->get_or_create(kNs);
  auto ref = *write(random_data(2 * kMiB, 9), keys);
  ASSERT_OK(add_refs(kNs, ref.chunks));
  // What the caller does when a workspace goes: key and rows in one
  // transaction, then the files.
  ASSERT_OK(db_->write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(bool existed, ring_->destroy(c, kNs));
    EXPECT_TRUE(existed);
    return index_.drop_namespace(c, kNs);
  }));
  EXPECT_EQ(stored_bytes(kNs), 0u);
  ASSERT_OK(store_->remove_namespace(kNs));
  EXPECT_EQ(count_files(store_->root()), 0u);
}

}  // namespace
}  // namespace ruche::blob

// --- DbChunkStore and TieredChunkStore ----------------------------------------

namespace ruche::blob {
namespace {

class DbStoreTest : public BlobDbTest {
 protected:
  void SetUp() override {
    BlobDbTest::SetUp();
    small_ = std::make_unique<DbChunkStore>(*db_, clock_);
  }
  std::string id(int i) const {
    std::string s = std::to_string(i);
    return std::string(64 - s.size(), 'a') + s;
  }
  std::vector<std::string> ids(ChunkStore& s, const std::string& ns) { return testing::list_ids(s, ns); }
  std::unique_ptr<DbChunkStore> small_;
};

TEST_F(DbStoreTest, PutGetExistsTouchRemove) {
  ChunkStore& s = *small_;
  EXPECT_FALSE(*s.exists(kNs, id(1)));
  EXPECT_EQ(s.get(kNs, id(1)).error().code, Errc::not_found);
  EXPECT_FALSE(*s.touch(kNs, id(1)));
  EXPECT_TRUE(*s.put(kNs, id(1), std::string("sealed\0bytes", 12)));
  EXPECT_EQ(*s.get(kNs, id(1)), std::string("sealed\0bytes", 12));
  EXPECT_TRUE(*s.exists(kNs, id(1)));
  EXPECT_FALSE(*s.exists(kOther, id(1)));
  // A second put keeps the first bytes (deduplication) and reports it.
  EXPECT_FALSE(*s.put(kNs, id(1), "other"));
  EXPECT_EQ(*s.get(kNs, id(1)), std::string("sealed\0bytes", 12));
  EXPECT_TRUE(*s.touch(kNs, id(1)));
  EXPECT_TRUE(*s.remove(kNs, id(1)));
  EXPECT_FALSE(*s.remove(kNs, id(1)));
  EXPECT_FALSE(*s.exists(kNs, id(1)));
  // Names are checked before any statement runs.
  EXPECT_EQ(s.put("../x", id(1), "x").error().code, Errc::invalid);
  EXPECT_EQ(s.get(kNs, "../../etc/passwd").error().code, Errc::invalid);
  EXPECT_EQ(s.list("A B", [](std::string_view) { return true; }).error().code, Errc::invalid);
}

// Migration 8 moved small chunks to a table kept in arrival order (SQLite)
// and out of TOAST's compression (PostgreSQL): chunks stored before it are
// read, listed, deduplicated and removed the same after it.
TEST_F(DbStoreTest, ChunksStoredBeforeTheLayoutMigrationStayWhole) {
  auto db = db::testing::open_test_database();
  const auto& all = db::embedded_migrations(db->backend());
  std::vector<db::Migration> before, through;  // without and with the layout migration (8)
  for (const auto& m : all) {
    if (m.version < 8) before.push_back(m);
    if (m.version <= 8) through.push_back(m);
  }
  ASSERT_EQ(before.size() + 1, through.size());
  ASSERT_OK(db::migrate(*db, before));
  DbChunkStore s(*db, clock_);
  const std::string sealed = random_data(5000, 7);
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(*s.put(kNs, id(i), sealed + std::to_string(i)));
  ASSERT_TRUE(*s.put(kOther, id(1), "other namespace"));
  auto applied = db::migrate(*db, through);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(*applied, 1);
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(*s.get(kNs, id(i)), sealed + std::to_string(i));
  EXPECT_EQ(*s.get(kOther, id(1)), "other namespace");
  EXPECT_EQ(ids(s, kNs), (std::vector<std::string>{id(1), id(2), id(3)}));
  EXPECT_FALSE(*s.put(kNs, id(2), "again"));  // still deduplicated by (namespace, id)
  EXPECT_EQ(*s.get(kNs, id(2)), sealed + "2");
  EXPECT_TRUE(*s.put(kNs, id(4), "new"));
  EXPECT_TRUE(*s.remove(kNs, id(1)));
  EXPECT_EQ(ids(s, kNs), (std::vector<std::string>{id(2), id(3), id(4)}));
}

TEST_F(DbStoreTest, PutInTheCallersTransactionCommitsOrRollsBackWithIt) {
  auto r = db_->write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(bool stored, DbChunkStore::put(c, kNs, id(1), "sealed", clock_.now_ms()));
    EXPECT_TRUE(stored);
    return fail(Errc::conflict, "the caller's rows failed");
  });
  EXPECT_FALSE(r);
  EXPECT_FALSE(*small_->exists(kNs, id(1)));
  ASSERT_OK(db_->write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY([[maybe_unused]] bool stored, DbChunkStore::put(c, kNs, id(1), "sealed", clock_.now_ms()));
    return {};
  }));
  EXPECT_EQ(*small_->get(kNs, id(1)), "sealed");
}

TEST_F(DbStoreTest, RemoveIfOlderKeepsWhatWasPutOrTouchedSinceTheCutoff) {
  testing::check_remove_if_older(*small_, clock_, kNs, [this](int i) { return id(i); });
}

TEST_F(DbStoreTest, ListPagesInOrderAndNamespacesGoWhole) {
  ChunkStore& s = *small_;
  std::vector<std::string> want;
  for (int i = 0; i < 2100; ++i) want.push_back(id(i));
  for (const auto& i : want) ASSERT_OK(s.put(kNs, i, "x"));
  ASSERT_OK(s.put(kOther, id(7), "y"));
  std::sort(want.begin(), want.end());
  EXPECT_EQ(ids(s, kNs), want);  // 3 pages
  int seen = 0;
  ASSERT_OK(s.list(kNs, [&](std::string_view) { return ++seen < 10; }));
  EXPECT_EQ(seen, 10);
  EXPECT_EQ(*s.list_namespaces(), (std::vector<std::string>{kNs, kOther}));
  EXPECT_EQ(*s.remove_stale_temporaries(kNs, clock_.now_ms()), 0u);
  ASSERT_OK(s.remove_namespace(kNs));
  EXPECT_TRUE(ids(s, kNs).empty());
  EXPECT_EQ(*s.get(kOther, id(7)), "y");
  EXPECT_EQ(*s.list_namespaces(), (std::vector<std::string>{kOther}));
}

// Through the tiered store the platform uses: small chunks are rows, large
// ones files; blobs read back whole; collection reaches both tiers.
TEST_F(DbStoreTest, TieredStoreKeepsSmallChunksInTheDatabaseAndCollectsBoth) {
  const std::string root = store_->root();
  auto tiered = std::make_unique<TieredChunkStore>(std::make_unique<DbChunkStore>(*db_, clock_),
                                                   std::move(store_), (64u << 10) + crypto::kSealOverhead);
  TieredChunkStore& t = *tiered;
  auto keys = *ring_->get_or_create(kNs);
  auto write_to = [&](const std::string& data) { return testing::write_blob(t, keys, data); };
  auto read_from = [&](const BlobRef& ref) { return testing::read_blob(t, keys, ref); };
  const std::string small_data = random_data(4096, 50), big_data = random_data(3 * kMiB, 51);
  BlobRef small = write_to(small_data), big = write_to(big_data);
  ASSERT_EQ(small.chunks.size(), 1u);
  EXPECT_TRUE(*t.small().exists(kNs, small.chunks[0].id));
  EXPECT_FALSE(*t.large().exists(kNs, small.chunks[0].id));
  EXPECT_EQ(count_files(root), big.chunks.size());
  for (const auto& c : big.chunks) EXPECT_TRUE(*t.large().exists(kNs, c.id));
  EXPECT_EQ(read_from(small), small_data);
  EXPECT_EQ(read_from(big), big_data);
  // The row holds sealed bytes only.
  auto sealed = *t.small().get(kNs, small.chunks[0].id);
  EXPECT_EQ(sealed.size(), small_data.size() + crypto::kSealOverhead);
  EXPECT_EQ(sealed.find(small_data.substr(0, 32)), std::string::npos);
  // A chunk stored under another threshold is still found.
  const std::string stray_data = random_data(1000, 52);
  const std::string stray = chunk_id(*keys, stray_data);
  ASSERT_OK(t.large().put(kNs, stray, crypto::seal(keys->seal_key, stray_data, chunk_associated_data(kNs, stray))));
  EXPECT_EQ(read_from(BlobRef{{ChunkRef{stray, stray_data.size()}}, stray_data.size(), ""}), stray_data);
  EXPECT_EQ(*t.list_namespaces(), std::vector<std::string>{kNs});

  // Nothing references them: after the grace period both tiers are emptied.
  clock_.advance_ms(2 * kHourMs);
  auto stats = collect_garbage(*db_, t, kNs, kHourMs, clock_);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->orphans_removed, 1 + big.chunks.size() + 1);
  EXPECT_TRUE(ids(t, kNs).empty());
  EXPECT_EQ(count_files(root), 0u);
}

}  // namespace
}  // namespace ruche::blob
