// FsChunkStore, BlobWriter and BlobReader on a temporary directory: round
// trips, dedup, ranges, tamper detection, atomic writes, disk-full and fsync
// failures (through a fault-injecting FileSystem), path traversal.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/uninitialized.hpp"
#include "core/blob/blob.hpp"
#include "core/blob/fs_chunk_store.hpp"
#include "core/blob/sha256.hpp"
#include "core/blob/test_support.hpp"
#include "core/crypto/aead.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"

namespace ruche::blob {
namespace {

namespace fs = std::filesystem;
using testing::count_files;
using testing::random_data;
using testing::SplitMix64;
using testing::TempDir;
using testing::test_keys;

constexpr std::uint64_t kMiB = 1 << 20;
const std::string kNs = "01hzx7k3m9q2r5t8v0w4y6a1bc";  // shaped like a workspace id
const std::string kId(64, 'a');
const std::string kId2 = "ab" + std::string(62, '0');

// A FileSystem that passes every call to the real one, except the failures
// a test arms.
class FaultFileSystem final : public FileSystem {
 public:
  int append_errno = 0;       // append writes half, then fails with this
  int sync_errno = 0;         // fsync fails with this
  int rename_errno = 0;       // rename fails with this
  bool removes_fail = false;  // remove fails (with rename: a crash before cleanup)
  int creates = 0;

  Result<std::unique_ptr<WritableFile>> create_new(const std::string& path) override {
    ++creates;
    RUCHE_TRY(auto file, base_.create_new(path));
    return std::unique_ptr<WritableFile>(new File(*this, std::move(file), path));
  }
  Result<std::string> read_file(const std::string& path, std::uint64_t max_bytes) override {
    return base_.read_file(path, max_bytes);
  }
  Result<std::optional<FileInfo>> stat(const std::string& path) override {
    return base_.stat(path);
  }
  Result<void> set_mtime(const std::string& path, std::int64_t mtime_ms) override {
    return base_.set_mtime(path, mtime_ms);
  }
  Result<void> rename(const std::string& from, const std::string& to) override {
    if (rename_errno != 0) return tl::unexpected(errno_error(rename_errno, "rename " + from));
    return base_.rename(from, to);
  }
  Result<bool> remove(const std::string& path) override {
    if (removes_fail) return tl::unexpected(errno_error(EIO, "unlink " + path));
    return base_.remove(path);
  }
  Result<bool> make_dir(const std::string& path) override { return base_.make_dir(path); }
  Result<bool> remove_dir(const std::string& path) override { return base_.remove_dir(path); }
  Result<void> sync_dir(const std::string& path) override { return base_.sync_dir(path); }
  Result<std::vector<std::string>> list_dir(const std::string& path) override {
    return base_.list_dir(path);
  }

 private:
  class File final : public WritableFile {
   public:
    File(FaultFileSystem& fs, std::unique_ptr<WritableFile> file, std::string path)
        : fs_(fs), file_(std::move(file)), path_(std::move(path)) {}
    Result<void> append(std::string_view data) override {
      if (fs_.append_errno != 0) {
        RUCHE_CHECK(file_->append(data.substr(0, data.size() / 2)));
        return tl::unexpected(errno_error(fs_.append_errno, "write " + path_));
      }
      return file_->append(data);
    }
    Result<void> sync() override {
      if (fs_.sync_errno != 0) return tl::unexpected(errno_error(fs_.sync_errno, "fsync " + path_));
      return file_->sync();
    }
    Result<void> close() override { return file_->close(); }

   private:
    FaultFileSystem& fs_;
    std::unique_ptr<WritableFile> file_;
    std::string path_;
  };

  FileSystem& base_ = posix_file_system();
};

// Names of the files in a directory tree, relative to it.
std::set<std::string> files_under(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), dir).string());
  }
  return out;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = FsChunkStore::open(dir_.path() + "/data/blobs", faults_, clock_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  std::vector<std::string> ids(const std::string& ns) {
    std::vector<std::string> out;
    auto r = store_->list(ns, [&](std::string_view id) {
      out.emplace_back(id);
      return true;
    });
    EXPECT_TRUE(r) << r.error().message;
    return out;
  }

  std::string root() const { return store_->root(); }

  TempDir dir_;
  FaultFileSystem faults_;
  ManualClock clock_{SystemClock::instance().now_ms()};
  std::unique_ptr<FsChunkStore> store_;
};

// --- FsChunkStore ---------------------------------------------------------------

TEST_F(StoreTest, PutGetExistsTouchRemove) {
  EXPECT_FALSE(*store_->exists(kNs, kId));
  EXPECT_EQ(store_->get(kNs, kId).error().code, Errc::not_found);
  EXPECT_FALSE(*store_->touch(kNs, kId));
  EXPECT_TRUE(*store_->put(kNs, kId, "sealed bytes"));
  EXPECT_TRUE(*store_->exists(kNs, kId));
  EXPECT_EQ(*store_->get(kNs, kId), "sealed bytes");
  EXPECT_TRUE(*store_->touch(kNs, kId));
  EXPECT_TRUE(*store_->remove(kNs, kId));
  EXPECT_FALSE(*store_->remove(kNs, kId));
  EXPECT_FALSE(*store_->exists(kNs, kId));
}

TEST_F(StoreTest, LayoutIsNamespaceShardId) {
  ASSERT_OK(store_->put(kNs, kId2, "x"));
  EXPECT_EQ(store_->chunk_path(kNs, kId2), root() + "/" + kNs + "/ab/" + kId2);
  EXPECT_EQ(files_under(root()), std::set<std::string>{kNs + "/ab/" + kId2});
  EXPECT_EQ(root(), dir_.path() + "/data/blobs");
}

TEST_F(StoreTest, PutOfAnExistingChunkKeepsItAndRefreshesItsAge) {
  ASSERT_TRUE(*store_->put(kNs, kId, "first"));
  const std::string path = store_->chunk_path(kNs, kId);
  EXPECT_EQ((*posix_file_system().stat(path))->mtime_ms, clock_.now_ms());
  clock_.advance_ms(60'000);
  const int creates = faults_.creates;
  EXPECT_FALSE(*store_->put(kNs, kId, "second"));
  EXPECT_EQ(faults_.creates, creates);  // nothing written
  EXPECT_EQ(*store_->get(kNs, kId), "first");
  EXPECT_EQ((*posix_file_system().stat(path))->mtime_ms, clock_.now_ms());
}

TEST_F(StoreTest, ListIsSortedPerNamespaceAndSkipsTemporaries) {
  const std::vector<std::string> want = {"0" + std::string(40, '1'), "0z" + std::string(40, '2'),
                                         kId, kId2, "z" + std::string(40, '9')};
  for (auto it = want.rbegin(); it != want.rend(); ++it) ASSERT_OK(store_->put(kNs, *it, "x"));
  ASSERT_OK(store_->put("other", kId, "x"));
  std::ofstream(root() + "/" + kNs + "/ab/.tmp-0123456789abcdef") << "partial";
  EXPECT_EQ(ids(kNs), want);
  EXPECT_EQ(ids("other"), std::vector<std::string>{kId});
  EXPECT_TRUE(ids("nothing").empty());
  EXPECT_EQ(*store_->list_namespaces(), (std::vector<std::string>{kNs, "other"}));
  std::vector<std::string> first_two;
  ASSERT_OK(store_->list(kNs, [&](std::string_view id) {
    first_two.emplace_back(id);
    return first_two.size() < 2;
  }));
  EXPECT_EQ(first_two.size(), 2u);
}

TEST_F(StoreTest, RefusesTraversalAndMalformedNames) {
  const std::vector<std::string> bad_namespaces = {"",
                                                   ".",
                                                   "..",
                                                   "../x",
                                                   "a/b",
                                                   "/etc",
                                                   "A",
                                                   "ns-1",
                                                   "ns_1",
                                                   "%2e%2e",
                                                   std::string("a\0b", 3),
                                                   "ns\n",
                                                   std::string(65, 'a'),
                                                   "é"};
  const std::vector<std::string> bad_ids = {"",
                                            std::string(31, 'a'),
                                            std::string(129, 'a'),
                                            "../../../../etc/passwd" + std::string(20, 'a'),
                                            "ab/" + std::string(40, 'c'),
                                            std::string(63, 'a') + "/",
                                            std::string(64, 'A'),
                                            ".tmp-" + std::string(40, 'a'),
                                            std::string("ab\0", 3) + std::string(40, 'c'),
                                            "..%2f" + std::string(40, 'c')};
  auto refused = [&](const std::string& ns, const std::string& id) {
    EXPECT_EQ(store_->put(ns, id, "x").error().code, Errc::invalid);
    EXPECT_EQ(store_->get(ns, id).error().code, Errc::invalid);
    EXPECT_EQ(store_->exists(ns, id).error().code, Errc::invalid);
    EXPECT_EQ(store_->touch(ns, id).error().code, Errc::invalid);
    EXPECT_EQ(store_->remove(ns, id).error().code, Errc::invalid);
    EXPECT_EQ(store_->remove_if_older(ns, id, 0).error().code, Errc::invalid);
  };
  for (const std::string& ns : bad_namespaces) {
    refused(ns, kId);
    EXPECT_EQ(store_->list(ns, [](std::string_view) { return true; }).error().code, Errc::invalid);
    EXPECT_EQ(store_->remove_namespace(ns).error().code, Errc::invalid);
    EXPECT_EQ(store_->remove_stale_temporaries(ns, 0).error().code, Errc::invalid);
  }
  for (const std::string& id : bad_ids) refused(kNs, id);
  EXPECT_EQ(files_under(dir_.path()),
            std::set<std::string>{"data/blobs.backup-lock"});  // nothing else
  EXPECT_TRUE(fs::is_empty(root()));
}

TEST_F(StoreTest, TemporaryNamesAreNeverChunkIds) {
  ASSERT_OK(store_->put(kNs, kId, "x"));
  // While a put runs its temporary file sits beside the chunks: its name
  // must never be taken for an id (nor listed, nor served).
  faults_.rename_errno = EIO;
  faults_.removes_fail = true;
  EXPECT_FALSE(store_->put(kNs, kId2, "y"));
  faults_.removes_fail = false;
  faults_.rename_errno = 0;
  for (const std::string& name : files_under(root())) {
    const std::string base = fs::path(name).filename().string();
    if (base == kId) continue;
    EXPECT_TRUE(base.starts_with(".tmp-")) << base;
    EXPECT_FALSE(is_valid_chunk_id(base)) << base;
  }
}

TEST_F(StoreTest, CrashBetweenTempWriteAndRenameLeavesNoVisibleChunk) {
  // The process "dies" after writing and syncing the temporary file: the
  // rename never happens and nothing cleans up.
  faults_.rename_errno = EIO;
  faults_.removes_fail = true;
  ASSERT_FALSE(store_->put(kNs, kId, "complete but never renamed"));
  faults_.rename_errno = 0;
  faults_.removes_fail = false;
  EXPECT_FALSE(*store_->exists(kNs, kId));
  EXPECT_EQ(store_->get(kNs, kId).error().code, Errc::not_found);
  EXPECT_TRUE(ids(kNs).empty());
  EXPECT_EQ(count_files(root()), 1u);  // the temporary file
  // Recent leftovers stay (a write may be in progress); old ones go.
  EXPECT_EQ(*store_->remove_stale_temporaries(kNs, clock_.now_ms() - 1000), 0u);
  clock_.advance_ms(3'600'000);
  EXPECT_EQ(*store_->remove_stale_temporaries(kNs, clock_.now_ms() - 1000), 1u);
  EXPECT_EQ(count_files(root()), 0u);
  // And the chunk can be written normally afterwards.
  EXPECT_TRUE(*store_->put(kNs, kId, "ok"));
  EXPECT_EQ(*store_->get(kNs, kId), "ok");
}

TEST_F(StoreTest, DiskFullIsInsufficientStorageWithNoTemporaryLeft) {
  for (int err : {ENOSPC, EDQUOT}) {
    faults_.append_errno = err;
    auto r = store_->put(kNs, kId, std::string(100000, 'x'));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::insufficient_storage) << r.error().message;
    EXPECT_FALSE(*store_->exists(kNs, kId));
    EXPECT_EQ(count_files(root()), 0u);
  }
  // Space is back: writes work again.
  faults_.append_errno = 0;
  EXPECT_TRUE(*store_->put(kNs, kId, "fits now"));
  EXPECT_EQ(*store_->get(kNs, kId), "fits now");
}

TEST_F(StoreTest, FsyncFailureIsUnavailableWithNoTemporaryLeft) {
  faults_.sync_errno = EIO;
  auto r = store_->put(kNs, kId, "data");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_EQ(count_files(root()), 0u);
  faults_.sync_errno = 0;
  EXPECT_TRUE(*store_->put(kNs, kId, "data"));
}

// Known answers (RFC 4231 case 2, FIPS 180-2), through the per-thread HMAC
// context that is only rekeyed between calls, and from several threads.
TEST(Sha256, KnownAnswersAcrossKeysAndThreads) {
  auto hex = [](const std::string& raw) { return crypto::hex_encode(raw); };
  const std::string jefe = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const std::string key20 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";  // case 1
  auto check = [&] {
    for (int round = 0; round < 3; ++round) {
      EXPECT_EQ(hex(detail::hmac_sha256("Jefe", "what do ya want for nothing?")), jefe);
      EXPECT_EQ(hex(detail::hmac_sha256(std::string(20, '\x0b'), "Hi There")), key20);
    }
    detail::Sha256 sha;
    sha.update("a");
    sha.update("bc");
    EXPECT_EQ(sha.finish_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha.finish_hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  };
  check();
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(check);
  for (auto& t : threads) t.join();
}

TEST(ErrnoError, MapsDiskFullAndTransientFailures) {
  EXPECT_EQ(errno_error(ENOSPC, "x").code, Errc::insufficient_storage);
  EXPECT_EQ(errno_error(EDQUOT, "x").code, Errc::insufficient_storage);
  EXPECT_EQ(errno_error(EIO, "x").code, Errc::unavailable);
  EXPECT_EQ(errno_error(ENOENT, "x").code, Errc::not_found);
  EXPECT_EQ(errno_error(EACCES, "x").code, Errc::internal);
}

// How many of the pages holding the first `bytes` of `path` are in the page cache.
std::size_t cached_pages(const std::string& path, std::size_t bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  void* map = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return 0;
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in_core((bytes + page - 1) / page);
  const bool ok = ::mincore(map, bytes, in_core.data()) == 0;
  ::munmap(map, bytes);
  if (!ok) return 0;
  return static_cast<std::size_t>(std::count_if(in_core.begin(), in_core.end(), [](unsigned char c) { return c & 1; }));
}

// Whether the file system under `dir` takes O_DIRECT writes (tmpfs did not
// before Linux 6.6).
bool takes_direct_writes(const std::string& dir) {
  const std::string probe = dir + "/probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_DIRECT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  AlignedBuffer block(AlignedBuffer::kAlignment);
  std::fill(block.span().begin(), block.span().end(), 'p');
  const bool ok = ::write(fd, block.data(), block.size()) == static_cast<ssize_t>(block.size());
  ::close(fd);
  ::unlink(probe.c_str());
  return ok;
}

// Large appends from an aligned buffer (a sealed chunk) go to the disk
// without the page cache where the file system allows it; any other append
// goes through it. Either way the file holds exactly what was appended.
TEST(PosixFileSystem, LargeAlignedAppendsSkipThePageCacheAndReadBackWhole) {
  TempDir dir;
  FileSystem& fs = posix_file_system();
  const bool direct_here = takes_direct_writes(dir.path());
  constexpr std::size_t kBlock = AlignedBuffer::kAlignment;
  const std::size_t chunk = kMiB + crypto::kSealOverhead;
  struct Append {
    std::size_t shift;  // where the bytes start in an aligned buffer
    std::size_t size;
  };
  struct Case {
    const char* name;
    std::vector<Append> appends;
    std::size_t uncached_pages;  // of the file's first pages, when direct writes work here
  };
  const std::vector<Case> cases = {
      {"a sealed chunk", {{0, chunk}}, chunk / kBlock},
      {"whole blocks", {{0, kMiB}}, kMiB / kBlock},
      {"an unaligned buffer", {{1, chunk}}, 0},
      {"a small buffer", {{0, 64 << 10}}, 0},
      // The second starts mid-block in the file: buffered, after the first.
      {"two chunks", {{0, chunk}, {0, 512 << 10}}, chunk / kBlock},
  };
  int n = 0;
  for (const Case& c : cases) {
    const std::string path = dir.path() + "/f" + std::to_string(n++);
    auto file = fs.create_new(path);
    ASSERT_TRUE(file) << file.error().message;
    std::string expected;
    for (const Append& a : c.appends) {
      const std::string bytes = random_data(a.size, 7 + expected.size());
      AlignedBuffer buffer(a.shift + a.size);
      std::copy(bytes.begin(), bytes.end(), buffer.data() + a.shift);
      auto appended = (*file)->append(buffer.view().substr(a.shift));
      ASSERT_TRUE(appended) << c.name << ": " << appended.error().message;
      expected += bytes;
    }
    ASSERT_TRUE((*file)->sync()) << c.name;
    ASSERT_TRUE((*file)->close()) << c.name;
    const std::size_t pages = (expected.size() + kBlock - 1) / kBlock;
    const std::size_t uncached = pages - cached_pages(path, expected.size());
    EXPECT_EQ(uncached, direct_here ? c.uncached_pages : 0u) << c.name;
    auto back = fs.read_file(path, 16 * kMiB);
    ASSERT_TRUE(back) << c.name;
    EXPECT_TRUE(*back == expected) << c.name;
  }
}

// The contract every store keeps (test_support.hpp), then what is the disk's own.
TEST_F(StoreTest, RemoveIfOlderKeepsChunksPutOrTouchedSinceTheCutoff) {
  testing::check_remove_if_older(*store_, clock_, kNs,
                                 [](int i) { return std::string(63, 'c') + std::to_string(i); });
  EXPECT_EQ(count_files(root()), 2u);  // no tombstone left behind
}

TEST_F(StoreTest, ACollectionInterruptedAfterItsRenameIsUndone) {
  ASSERT_OK(store_->put(kNs, kId, "wanted"));
  const std::string path = store_->chunk_path(kNs, kId);
  const std::string tomb = root() + "/" + kNs + "/aa/.gc-" + kId + "-0011223344556677";
  fs::rename(path, tomb);  // what remove_if_older does first
  EXPECT_FALSE(*store_->exists(kNs, kId));
  clock_.advance_ms(10'000);
  EXPECT_EQ(*store_->remove_stale_temporaries(kNs, clock_.now_ms()), 1u);
  EXPECT_EQ(*store_->get(kNs, kId), "wanted");
  EXPECT_EQ(count_files(root()), 1u);
}

TEST_F(StoreTest, RemoveNamespace) {
  ASSERT_OK(store_->put(kNs, kId, "x"));
  ASSERT_OK(store_->put(kNs, kId2, "y"));
  ASSERT_OK(store_->put("other", kId, "z"));
  ASSERT_OK(store_->remove_namespace(kNs));
  ASSERT_OK(store_->remove_namespace(kNs));  // idempotent
  EXPECT_FALSE(fs::exists(root() + "/" + kNs));
  EXPECT_EQ(*store_->get("other", kId), "z");
  EXPECT_EQ(*store_->list_namespaces(), std::vector<std::string>{"other"});
}

TEST_F(StoreTest, NoChunkLeavesWhileABackupHoldsTheStore) {
  ASSERT_OK(store_->put(kNs, kId, "wanted"));
  ASSERT_OK(store_->put("other", kId, "z"));
  clock_.advance_ms(10'000);
  {
    auto hold = FsChunkStore::hold_for_backup(root());
    ASSERT_TRUE(hold) << hold.error().message;
    // The collector keeps it for its next round; the other removals say why they cannot.
    EXPECT_EQ(*store_->remove_if_older(kNs, kId, clock_.now_ms()), Removal::too_recent);
    auto removed = store_->remove(kNs, kId);
    ASSERT_FALSE(removed);
    EXPECT_EQ(removed.error().code, Errc::unavailable);
    auto purged = store_->remove_namespace("other");
    ASSERT_FALSE(purged);
    EXPECT_EQ(purged.error().code, Errc::unavailable);
    EXPECT_EQ(*store_->get(kNs, kId), "wanted");
    EXPECT_EQ(*store_->get("other", kId), "z");
    // Writes go on.
    ASSERT_OK(store_->put(kNs, kId2, "new"));
  }
  EXPECT_EQ(*store_->remove_if_older(kNs, kId, clock_.now_ms()), Removal::removed);
  ASSERT_OK(store_->remove_namespace("other"));
  EXPECT_EQ(*store_->list_namespaces(), std::vector<std::string>{kNs});
}

TEST_F(StoreTest, ABackupWaitsForTheRemovalsInProgress) {
  // Another process in the middle of a removal holds the lock shared.
  const int other = ::open((root() + ".backup-lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(other, 0);
  ASSERT_EQ(::flock(other, LOCK_SH), 0);
  std::atomic<bool> holding{false};
  std::thread backup([&] {
    auto hold = FsChunkStore::hold_for_backup(root());
    ASSERT_TRUE(hold) << hold.error().message;
    holding = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(holding.load());  // still waiting: a chunk being removed is not copied half-gone
  ::close(other);                // that removal ends
  backup.join();
  EXPECT_TRUE(holding.load());
}

// --- BlobWriter / BlobReader ------------------------------------------------------

class BlobTest : public StoreTest {
 protected:
  // Writes `data` in pieces of pseudo-random sizes up to `max_piece`.
  Result<BlobRef> write(std::string_view data, const KeysPtr& keys, std::size_t max_piece = kMiB,
                        Chunker chunker = Chunker()) {
    BlobWriter w(*store_, keys, std::move(chunker));
    SplitMix64 rng(data.size());
    while (!data.empty()) {
      const std::size_t n = std::min<std::size_t>(data.size(), 1 + rng.next() % max_piece);
      RUCHE_CHECK(w.write(data.substr(0, n)));
      data.remove_prefix(n);
    }
    return w.finish();
  }

  Result<std::string> read(const BlobRef& ref, const KeysPtr& keys, std::uint64_t offset = 0,
                           std::uint64_t length = UINT64_MAX) {
    BlobReader reader(*store_, keys);
    std::string out;
    RUCHE_TRY(std::uint64_t n, reader.read(ref, offset, length, [&](std::string_view piece) {
      out.append(piece);
      return Result<void>();
    }));
    if (n != out.size()) return fail(Errc::internal, "delivered count is wrong");
    return out;
  }

  std::string chunk_file(const BlobRef& ref, std::size_t i, const std::string& ns = kNs) {
    return store_->chunk_path(ns, ref.chunks.at(i).id);
  }

  KeysPtr keys_ = test_keys(kNs);
};

TEST_F(BlobTest, RoundTripsAtTheSizeEdges) {
  const std::vector<std::uint64_t> sizes = {0,         1,        (256 << 10) - 1,
                                            256 << 10, 4 * kMiB, 4 * kMiB + 1};
  for (std::uint64_t size : sizes) {
    const std::string data = random_data(size, size + 17);
    auto ref = write(data, keys_);
    ASSERT_TRUE(ref) << ref.error().message;
    EXPECT_EQ(ref->size_bytes, size);
    EXPECT_EQ(ref->content_hash, crypto::sha256_hex(data));
    std::uint64_t sum = 0;
    for (const ChunkRef& c : ref->chunks) {
      EXPECT_TRUE(is_valid_chunk_id(c.id));
      EXPECT_EQ(c.id.size(), 64u);
      EXPECT_GT(c.size_bytes, 0u);
      EXPECT_LE(c.size_bytes, 4 * kMiB);
      sum += c.size_bytes;
    }
    EXPECT_EQ(sum, size);
    if (size == 0) {
      EXPECT_TRUE(ref->chunks.empty());
    }
    if (size > 0 && size < (256 << 10)) {
      EXPECT_EQ(ref->chunks.size(), 1u);
    }
    auto back = read(*ref, keys_);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(*back == data) << "size " << size;
  }
}

TEST_F(BlobTest, RoundTrips50MiBWrittenInUnevenPieces) {
  const std::string data = random_data(50 * kMiB, 50);
  BlobWriter w(*store_, keys_);
  SplitMix64 rng(3);
  std::string_view rest = data;
  while (!rest.empty()) {
    const std::size_t n = std::min<std::size_t>(rest.size(), 1 + rng.next() % (3 * kMiB));
    ASSERT_OK(w.write(rest.substr(0, n)));
    rest.remove_prefix(n);
  }
  auto ref = w.finish();
  ASSERT_TRUE(ref) << ref.error().message;
  EXPECT_EQ(ref->size_bytes, data.size());
  EXPECT_GE(ref->chunks.size(), 30u);
  EXPECT_EQ(w.chunks_stored(), ref->chunks.size());
  EXPECT_EQ(count_files(root()), ref->chunks.size());
  EXPECT_EQ(ref->content_hash, crypto::sha256_hex(data));
  // The chunks are the ones FastCDC cuts, whatever the write pieces were.
  std::vector<std::uint64_t> sizes;
  for (const ChunkRef& c : ref->chunks) sizes.push_back(c.size_bytes);
  EXPECT_EQ(sizes, Chunker().split(data));
  auto back = read(*ref, keys_);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(*back == data);
  EXPECT_FALSE(w.write("more"));
  EXPECT_FALSE(w.finish());
}

TEST_F(BlobTest, ChunksOnDiskAreSealed) {
  const std::string data = random_data(300 << 10, 8);
  auto ref = write(data, keys_);
  ASSERT_TRUE(ref);
  ASSERT_EQ(ref->chunks.size(), 1u);
  const std::string stored = *posix_file_system().read_file(chunk_file(*ref, 0), 1 << 30);
  EXPECT_EQ(stored.size(), data.size() + crypto::kSealOverhead);
  EXPECT_EQ(stored.find(data.substr(1000, 32)), std::string::npos);
  EXPECT_EQ(*crypto::open(keys_->seal_key, stored, kNs + ":" + ref->chunks[0].id), data);
}

TEST_F(BlobTest, ChunkIdsAreKeyedPerNamespace) {
  const std::string data = random_data(2 * kMiB, 4);
  auto a = write(data, keys_);
  auto b = write(data, test_keys("othernamespace", 2));
  auto c = write(data, test_keys(kNs));  // the same key again
  ASSERT_TRUE(a && b && c);
  ASSERT_EQ(a->chunks.size(), b->chunks.size());
  for (std::size_t i = 0; i < a->chunks.size(); ++i) {
    EXPECT_NE(a->chunks[i].id, b->chunks[i].id);
    EXPECT_EQ(a->chunks[i].size_bytes, b->chunks[i].size_bytes);
  }
  EXPECT_EQ(a->chunks, c->chunks);
  EXPECT_EQ(a->content_hash, b->content_hash);
  EXPECT_NE(a->chunks[0].id, crypto::sha256_hex(data.substr(0, a->chunks[0].size_bytes)));
}

TEST_F(BlobTest, WritingTheSameContentTwiceStoresNoNewChunk) {
  const std::string data = random_data(20 * kMiB, 20);
  auto first = write(data, keys_);
  ASSERT_TRUE(first);
  const std::size_t files = count_files(root());
  const int creates = faults_.creates;
  BlobWriter again(*store_, keys_);
  ASSERT_OK(again.write(data));
  auto second = again.finish();
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(again.chunks_stored(), 0u);
  EXPECT_EQ(again.chunks_reused(), first->chunks.size());
  EXPECT_EQ(count_files(root()), files);
  EXPECT_EQ(faults_.creates, creates);
}

TEST_F(BlobTest, AOneByteEditInTheMiddleOf20MiBAddsAtMostTwoChunks) {
  const std::string data = random_data(20 * kMiB, 21);
  auto first = write(data, keys_);
  ASSERT_TRUE(first);
  const std::size_t files = count_files(root());
  std::string edited = data;
  edited[10 * kMiB] = static_cast<char>(edited[10 * kMiB] ^ 0x01);
  BlobWriter w(*store_, keys_);
  ASSERT_OK(w.write(edited));
  auto second = w.finish();
  ASSERT_TRUE(second);
  EXPECT_LE(w.chunks_stored(), 2u);
  EXPECT_GE(w.chunks_stored(), 1u);
  EXPECT_LE(count_files(root()), files + 2);
  EXPECT_NE(second->content_hash, first->content_hash);
  EXPECT_TRUE(*read(*second, keys_) == edited);
  EXPECT_TRUE(*read(*first, keys_) == data);
}

TEST_F(BlobTest, RangesAtEveryEdge) {
  // Small chunks, so the blob has many boundaries.
  const std::string data = random_data(300000, 6);
  auto ref = write(data, keys_, 5000, *Chunker::create({1024, 4096, 16384}));
  ASSERT_TRUE(ref) << ref.error().message;
  ASSERT_GT(ref->chunks.size(), 20u);
  const std::uint64_t size = data.size();
  auto expect_range = [&](std::uint64_t offset, std::uint64_t length) {
    auto got = read(*ref, keys_, offset, length);
    ASSERT_TRUE(got) << got.error().message << " at " << offset << "+" << length;
    EXPECT_TRUE(*got == data.substr(offset, length)) << offset << "+" << length;
  };
  expect_range(0, 1);            // first byte
  expect_range(size - 1, 1);     // last byte
  expect_range(0, size);         // everything
  expect_range(size - 10, 100);  // past the end: clipped
  expect_range(17, UINT64_MAX);  // to the end
  expect_range(size, 10);        // at the end: nothing
  expect_range(12345, 0);        // empty
  std::uint64_t boundary = 0;
  for (std::size_t i = 0; i + 1 < ref->chunks.size(); ++i) {
    boundary += ref->chunks[i].size_bytes;
    expect_range(boundary - 1, 2);  // across one boundary
    expect_range(boundary, 1);      // first byte of a chunk
    expect_range(boundary - 1, 1);  // last byte of a chunk
  }
  expect_range(1000, 50000);  // across many chunks
  // Past the end.
  BlobReader reader(*store_, keys_);
  auto none = [](std::string_view) { return Result<void>(); };
  EXPECT_EQ(reader.read(*ref, size + 1, 1, none).error().code, Errc::invalid);
  // One sink call per chunk touched; none for an empty range.
  int calls = 0;
  auto count = [&](std::string_view) {
    ++calls;
    return Result<void>();
  };
  EXPECT_EQ(*reader.read(*ref, 0, size, count), size);
  EXPECT_EQ(calls, static_cast<int>(ref->chunks.size()));
  calls = 0;
  EXPECT_EQ(*reader.read(*ref, 5, 0, count), 0u);
  EXPECT_EQ(calls, 0);
  // A sink error stops the read and comes back as it is.
  auto refuse = [](std::string_view) -> Result<void> {
    return fail(Errc::unavailable, "peer gone");
  };
  EXPECT_EQ(reader.read(*ref, 0, size, refuse).error().code, Errc::unavailable);
}

TEST_F(BlobTest, InconsistentBlobRefsAreRefused) {
  auto ref = write(random_data(1000, 1), keys_);
  ASSERT_TRUE(ref);
  BlobRef bad = *ref;
  bad.size_bytes += 1;
  EXPECT_EQ(read(bad, keys_).error().code, Errc::invalid);
  bad = *ref;
  bad.chunks[0].size_bytes -= 1;
  bad.size_bytes -= 1;
  EXPECT_EQ(read(bad, keys_).error().code, Errc::internal);  // the chunk does not match
}

TEST_F(BlobTest, AFlippedByteOnDiskIsDetected) {
  const std::string data = random_data(3 * kMiB, 30);
  auto ref = write(data, keys_);
  ASSERT_TRUE(ref);
  const std::string path = chunk_file(*ref, 0);
  std::string bytes = *posix_file_system().read_file(path, 1 << 30);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  auto got = read(*ref, keys_);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::internal);
  EXPECT_NE(got.error().message.find(ref->chunks[0].id), std::string::npos);
  // A range that avoids the damaged chunk still reads.
  const std::uint64_t second = ref->chunks[0].size_bytes;
  EXPECT_TRUE(*read(*ref, keys_, second, 10) == data.substr(second, 10));
}

TEST_F(BlobTest, SwappedChunkFilesAreDetected) {
  auto ref = write(random_data(4 * kMiB, 31), keys_);
  ASSERT_TRUE(ref);
  ASSERT_GE(ref->chunks.size(), 2u);
  const std::string a = chunk_file(*ref, 0);
  const std::string b = chunk_file(*ref, 1);
  fs::rename(a, a + ".swap");
  fs::rename(b, a);
  fs::rename(a + ".swap", b);
  EXPECT_EQ(read(*ref, keys_, 0, 1).error().code, Errc::internal);
  EXPECT_EQ(read(*ref, keys_, ref->chunks[0].size_bytes, 1).error().code, Errc::internal);
}

TEST_F(BlobTest, AChunkCopiedToAnotherNamespaceDoesNotOpen) {
  auto ref = write(random_data(100000, 32), keys_);
  ASSERT_TRUE(ref);
  const std::string other = "othernamespace";
  const std::string& id = ref->chunks[0].id;
  ASSERT_OK(store_->put(other, id, *store_->get(kNs, id)));
  // Neither under the other namespace's key, nor under the same data key:
  // the sealed chunk names its namespace.
  EXPECT_EQ(read(*ref, test_keys(other, 2)).error().code, Errc::internal);
  EXPECT_EQ(read(*ref, test_keys(other, 1)).error().code, Errc::internal);
  EXPECT_TRUE(read(*ref, keys_));
}

TEST_F(BlobTest, AMissingChunkIsAnError) {
  auto ref = write(random_data(100000, 33), keys_);
  ASSERT_TRUE(ref);
  ASSERT_TRUE(*store_->remove(kNs, ref->chunks[0].id));
  auto got = read(*ref, keys_);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::internal);
}

TEST_F(BlobTest, DiskFullDuringAWriteFailsCleanlyAndLaterWritesWork) {
  const std::string data = random_data(6 * kMiB, 34);
  faults_.append_errno = ENOSPC;
  BlobWriter w(*store_, keys_);
  auto r = w.write(data);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::insufficient_storage);
  EXPECT_EQ(w.write("more").error().code, Errc::insufficient_storage);
  EXPECT_EQ(w.finish().error().code, Errc::insufficient_storage);
  EXPECT_EQ(count_files(root()), 0u);
  faults_.append_errno = 0;
  auto ref = write(data, keys_);
  ASSERT_TRUE(ref) << ref.error().message;
  EXPECT_TRUE(*read(*ref, keys_) == data);
}

}  // namespace
}  // namespace ruche::blob
