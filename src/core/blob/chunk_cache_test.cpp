// ChunkCache, alone and under read_content().
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/blob/chunk_cache.hpp"
#include "core/blob/content.hpp"
#include "core/blob/fs_chunk_store.hpp"
#include "core/blob/test_support.hpp"
#include "core/crypto/aead.hpp"

namespace ruche::blob {
namespace {

using testing::random_data;
using testing::TempDir;
using testing::test_keys;

SharedBytes plain(std::size_t n, char c = 'p') { return SharedBytes::of(std::string(n, c)); }

TEST(ChunkCache, EvictsTheLeastRecentlyUsedPastItsCapacity) {
  ChunkCache cache(800);
  cache.put("ns", "a", plain(100), cache.epoch());
  cache.put("ns", "b", plain(100), cache.epoch());
  cache.put("ns", "c", plain(100), cache.epoch());
  EXPECT_EQ(cache.size_bytes(), 300u);
  ASSERT_TRUE(cache.find("ns", "a"));  // a is now the most recent
  for (int i = 0; i < 7; ++i) cache.put("ns", "x" + std::to_string(i), plain(100), cache.epoch());
  EXPECT_LE(cache.size_bytes(), 800u);
  EXPECT_TRUE(cache.find("ns", "a"));
  EXPECT_FALSE(cache.find("ns", "b"));  // the oldest went first
  EXPECT_FALSE(cache.find("other", "a"));
  // Larger than an eighth of the capacity: never cached, nor worth it.
  cache.put("ns", "big", plain(101), cache.epoch());
  EXPECT_FALSE(cache.find("ns", "big"));
  EXPECT_TRUE(cache.worth(100));
  EXPECT_FALSE(cache.worth(101));
}

TEST(ChunkCache, DropsChunksAndNamespacesAndIgnoresPutsThatRacedADrop) {
  ChunkCache cache(1 << 20);
  cache.put("ns1", "a", plain(10), cache.epoch());
  cache.put("ns1", "b", plain(10), cache.epoch());
  cache.put("ns2", "a", plain(10), cache.epoch());
  cache.drop("ns1", "a");
  EXPECT_FALSE(cache.find("ns1", "a"));
  EXPECT_TRUE(cache.find("ns1", "b"));
  cache.drop_namespace("ns1");
  EXPECT_FALSE(cache.find("ns1", "b"));
  EXPECT_TRUE(cache.find("ns2", "a"));
  EXPECT_EQ(cache.size_bytes(), 10u);
  // A reader that started before a drop does not bring the chunk back.
  const std::uint64_t before = cache.epoch();
  cache.drop("ns2", "z");
  cache.put("ns2", "z", plain(10), before);
  EXPECT_FALSE(cache.find("ns2", "z"));
}

// Chunks of 16 KiB or more are kept where a server can sendfile() them from;
// smaller ones on the heap. put() hands back the bytes, kept or not.
TEST(ChunkCache, LargeChunksAreKeptAsAFileAndSmallOnesOnTheHeap) {
  ChunkCache cache(1 << 20);
  const std::string big = random_data(ChunkCache::kSendableMin, 7), small = random_data(1000, 8);
  SharedBytes b = cache.put("ns", "big", SharedBytes::of(big), cache.epoch());
  SharedBytes s = cache.put("ns", "small", SharedBytes::of(small), cache.epoch());
  EXPECT_EQ(b.bytes, big);
  EXPECT_EQ(s.bytes, small);
  EXPECT_EQ(s.fd, -1);
  ASSERT_GE(b.fd, 0);
  std::string from_file(big.size(), '\0');
  ASSERT_EQ(::pread(b.fd, from_file.data(), from_file.size(), static_cast<off_t>(b.fd_offset)),
            static_cast<ssize_t>(big.size()));
  EXPECT_EQ(from_file, big);
  EXPECT_EQ(cache.find("ns", "big").fd_offset, b.fd_offset);
  // A range of it names the same file at the range's place.
  const std::vector<ChunkRef> one = {{"big", big.size()}};
  SharedBytes range = cached_range(cache, "ns", one, 1000, 5000);
  ASSERT_EQ(range.fd, b.fd);
  EXPECT_EQ(range.fd_offset, b.fd_offset + 1000);
  std::string part(5000, '\0');
  ASSERT_EQ(::pread(range.fd, part.data(), part.size(), static_cast<off_t>(range.fd_offset)), 5000);
  EXPECT_EQ(part, big.substr(1000, 5000));
  // Not kept after a drop that raced the read, but still handed back.
  const std::uint64_t before = cache.epoch();
  cache.drop("ns", "big");
  SharedBytes late = cache.put("ns", "big", SharedBytes::of(big), before);
  EXPECT_EQ(late.bytes, big);
  EXPECT_FALSE(cache.find("ns", "big"));
  EXPECT_EQ(b.bytes, big);  // a view handed out stays valid after its entry went
}

TEST(ChunkCache, ZeroCapacityCachesNothing) {
  ChunkCache cache(0);
  EXPECT_FALSE(cache.enabled());
  EXPECT_FALSE(cache.worth(1));
  cache.put("ns", "a", plain(1), cache.epoch());
  EXPECT_FALSE(cache.find("ns", "a"));
}

// A small content read once is served from the cache afterwards, even with
// its chunks gone from the store; a big one is never cached; a drop reaches
// the store again.
TEST(ChunkCache, ServesReadContentWithoutTheStore) {
  TempDir dir;
  auto store = *FsChunkStore::open(dir.path() + "/blobs");
  ChunkPool pool(2);
  ChunkCache cache(16 << 20);
  const std::string ns = "cachetest";
  KeysPtr keys = test_keys(ns);
  auto write = [&](const std::string& data) {
    ContentWriter w(*store, keys, pool, nullptr);
    EXPECT_TRUE(w.write(data));
    return *w.finish();
  };
  auto read = [&](const BlobRef& ref, std::uint64_t off, std::uint64_t len) -> Result<std::string> {
    std::string out;
    RUCHE_TRY(auto n, read_content(*store, keys, pool, ref.chunks, off, len, [&](std::string_view p) {
      out.append(p);
      return Result<void>();
    }, &cache));
    (void)n;
    return out;
  };
  const std::string small_data = random_data(300'000, 1), big_data = random_data(5 << 20, 2);
  const BlobRef small = write(small_data), big = write(big_data);
  ASSERT_EQ(*read(small, 0, UINT64_MAX), small_data);
  ASSERT_EQ(*read(big, 0, UINT64_MAX), big_data);
  EXPECT_EQ(cache.size_bytes(), small_data.size());  // the 5 MiB content is above 16 MiB / 8
  for (const auto& c : small.chunks) ASSERT_TRUE(*store->remove(ns, c.id));
  EXPECT_EQ(*read(small, 1000, 5000), small_data.substr(1000, 5000));
  for (const auto& c : small.chunks) cache.drop(ns, c.id);
  EXPECT_EQ(read(small, 0, 10).error().code, Errc::internal);  // the chunk is missing
}

// Any read-ahead depth delivers the same bytes, in order, for any range;
// a chunk missing mid-way, or a sink that fails, ends the read with that
// error once the reads in flight are done (they reference the caller's
// locals).
TEST(ReadContent, ReadsAheadAtAnyDepth) {
  TempDir dir;
  auto store = *FsChunkStore::open(dir.path() + "/blobs");
  ChunkPool pool(2);
  KeysPtr keys = test_keys("aheadtest");
  const std::string data = random_data(12 << 20, 9);
  ContentWriter w(*store, keys, pool, nullptr);
  ASSERT_TRUE(w.write(data));
  const BlobRef ref = *w.finish();
  ASSERT_GE(ref.chunks.size(), 6u);
  auto read = [&](std::size_t depth, std::uint64_t off, std::uint64_t len,
                  int fail_at = -1) -> Result<std::string> {
    std::string out;
    int calls = 0;
    auto sink = [&](std::string_view p) -> Result<void> {
      if (calls++ == fail_at) return fail(Errc::unavailable, "client gone");
      out.append(p);
      return {};
    };
    RUCHE_TRY(auto n, read_content(*store, keys, pool, ref.chunks, off, len, sink, nullptr, depth));
    EXPECT_EQ(n, out.size());
    return out;
  };
  for (std::size_t depth : {0, 1, 2, 4, 16}) {
    EXPECT_EQ(*read(depth, 0, UINT64_MAX), data) << depth;
    EXPECT_EQ(*read(depth, 3'000'001, 5'000'000), data.substr(3'000'001, 5'000'000)) << depth;
    EXPECT_EQ(*read(depth, data.size() - 10, 100), data.substr(data.size() - 10)) << depth;
    EXPECT_EQ(read(depth, 0, UINT64_MAX, 2).error().code, Errc::unavailable) << depth;
  }
  ASSERT_TRUE(*store->remove("aheadtest", ref.chunks[4].id));
  for (std::size_t depth : {1, 4, 16})
    EXPECT_EQ(read(depth, 0, UINT64_MAX).error().code, Errc::internal) << depth;
}

// cached_range(): a view of one cached chunk, never a copy, never a range
// that needs another chunk or a chunk the cache does not hold.
TEST(ChunkCache, CachedRangeSharesOneChunkOrNothing) {
  ChunkCache cache(1 << 20);
  const std::string ns = "rangetest";
  auto a = std::make_shared<const std::string>(random_data(1000, 3));
  auto b = std::make_shared<const std::string>(random_data(500, 4));
  SharedBytes kept_a;
  const std::vector<ChunkRef> chunks = {{"a", 1000}, {"b", 500}};
  EXPECT_FALSE(cached_range(cache, ns, chunks, 0, 10));  // nothing cached yet
  kept_a = cache.put(ns, "a", SharedBytes::of(*a), cache.epoch());
  SharedBytes head = cached_range(cache, ns, chunks, 10, 90);
  ASSERT_TRUE(head);
  EXPECT_EQ(head.bytes, a->substr(10, 90));
  EXPECT_EQ(head.bytes.data(), kept_a.bytes.data() + 10);  // the cache's bytes, not a copy
  EXPECT_FALSE(cached_range(cache, ns, chunks, 990, 20));  // runs into "b"
  EXPECT_FALSE(cached_range(cache, ns, chunks, 1000, 10));  // "b" is not cached
  cache.put(ns, "b", SharedBytes::of(*b), cache.epoch());
  EXPECT_EQ(cached_range(cache, ns, chunks, 1000, 10).bytes, b->substr(0, 10));
  EXPECT_EQ(cached_range(cache, ns, chunks, 1400, UINT64_MAX).bytes, b->substr(400));  // clipped at the end
  EXPECT_FALSE(cached_range(cache, ns, chunks, 1500, 1));  // past the end
  EXPECT_FALSE(cached_range(cache, ns, chunks, 0, 0));
  const std::vector<ChunkRef> one = {{"a", 1000}};
  EXPECT_EQ(cached_range(cache, ns, one, 0, UINT64_MAX).bytes, *a);
  // A cached entry of another size than the list says is not trusted.
  EXPECT_FALSE(cached_range(cache, ns, std::vector<ChunkRef>{{"a", 999}}, 0, 10));
  cache.drop(ns, "a");
  EXPECT_FALSE(cached_range(cache, ns, chunks, 0, 10));
  EXPECT_EQ(head.bytes, a->substr(10, 90));  // a view handed out stays valid
}

// Deferred chunks: sealed but left to the caller, each once; larger chunks
// are stored as usual; once the caller stores them the content reads back.
TEST(ContentWriterDefer, SmallChunksAreLeftToTheCaller) {
  TempDir dir;
  auto store = *FsChunkStore::open(dir.path() + "/blobs");
  ChunkPool pool(2);
  const std::string ns = "defertest";
  KeysPtr keys = test_keys(ns);
  auto write = [&](const std::string& data, std::vector<ContentWriter::Sealed>& deferred) {
    ContentWriter w(*store, keys, pool, nullptr);
    w.defer_chunks_up_to(64u << 10);
    EXPECT_TRUE(w.write(data));
    auto ref = *w.finish();
    deferred = w.take_deferred();
    return ref;
  };
  std::vector<ContentWriter::Sealed> small_deferred, big_deferred;
  const std::string small_data = random_data(4096, 7), big_data = random_data(3 << 20, 8);
  const BlobRef small = write(small_data, small_deferred);
  const BlobRef big = write(big_data, big_deferred);
  ASSERT_EQ(small.chunks.size(), 1u);
  ASSERT_EQ(small_deferred.size(), 1u);
  EXPECT_EQ(small_deferred[0].id, small.chunks[0].id);
  EXPECT_FALSE(*store->exists(ns, small.chunks[0].id));  // not stored by the writer
  EXPECT_EQ(small_deferred[0].sealed.size(), small_data.size() + crypto::kSealOverhead);
  for (const auto& c : big.chunks) {
    const bool deferred = c.size_bytes <= (64u << 10);
    EXPECT_EQ(*store->exists(ns, c.id), !deferred) << c.size_bytes;
  }
  auto read = [&](const BlobRef& ref) -> Result<std::string> {
    std::string out;
    RUCHE_TRY(auto n, read_content(*store, keys, pool, ref.chunks, 0, UINT64_MAX, [&](std::string_view p) {
      out.append(p);
      return Result<void>();
    }));
    (void)n;
    return out;
  };
  EXPECT_FALSE(read(small));  // missing until the caller stores it
  ASSERT_TRUE(store->put(ns, small_deferred[0].id, small_deferred[0].sealed));
  for (const auto& d : big_deferred) ASSERT_TRUE(store->put(ns, d.id, d.sealed));
  EXPECT_EQ(*read(small), small_data);
  EXPECT_EQ(*read(big), big_data);
  // The same small chunk twice in one content is handed over once.
  std::vector<ContentWriter::Sealed> twice;
  ContentWriter w(*store, keys, pool, nullptr);
  w.defer_chunks_up_to(64u << 10);
  ASSERT_TRUE(w.write(small_data));
  ASSERT_TRUE(w.cut());
  ASSERT_TRUE(w.write(small_data));
  auto ref = *w.finish();
  EXPECT_EQ(ref.chunks.size(), 2u);
  EXPECT_EQ(w.take_deferred().size(), 1u);
}

}  // namespace
}  // namespace ruche::blob
