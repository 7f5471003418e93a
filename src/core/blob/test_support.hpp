// Helpers shared by the core/blob tests (not part of ruche_blob).
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "base/clock.hpp"
#include "core/blob/blob.hpp"
#include "core/blob/key_ring.hpp"

// Asserts that a Result holds a value, printing its error otherwise.
#define ASSERT_OK(expr)                      \
  do {                                       \
    auto&& ok_ = (expr);                     \
    ASSERT_TRUE(ok_) << ok_.error().message; \
  } while (0)

namespace ruche::blob::testing {

// splitmix64 (Steele, Lea, Flood 2014): fixed pseudo-random test data.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// `n` pseudo-random bytes: the little-endian splitmix64 outputs from `seed`.
inline std::string random_data(std::size_t n, std::uint64_t seed) {
  SplitMix64 rng(seed);
  std::string out(n, '\0');
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t v = rng.next();
    for (int b = 0; b < 8; ++b) out[i + b] = static_cast<char>(v >> (8 * b));
  }
  const std::uint64_t v = rng.next();
  for (int b = 0; i < n; ++i, ++b) out[i] = static_cast<char>(v >> (8 * b));
  return out;
}

// A new temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ruche-blob-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Regular files under `dir`, recursively.
inline std::size_t count_files(const std::string& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) ++n;
  }
  return n;
}

// Keys for namespace `ns` from a data key of 32 bytes equal to `fill`.
inline KeysPtr test_keys(std::string ns, char fill = 1) {
  return std::make_shared<const NamespaceKeys>(
      NamespaceKeys::derive(std::move(ns), std::string(32, fill)));
}

// The ids store `s` lists for `ns`, in its order.
inline std::vector<std::string> list_ids(ChunkStore& s, const std::string& ns) {
  std::vector<std::string> out;
  auto r = s.list(ns, [&](std::string_view id) {
    out.emplace_back(id);
    return true;
  });
  EXPECT_TRUE(r) << r.error().message;
  return out;
}

// The ChunkStore contract on ages, checked the same way for every store
// (the disk, the database, the S3 bucket):
// remove_if_older() keeps what was put or touched at or after the cutoff
// and removes the rest. Chunks id(1) to id(3) of `ns` are put, one hour
// passes on `clock` (the store's), id(2) is touched and id(3) put again;
// id(2) and id(3) are left stored, with their bytes.
inline void check_remove_if_older(ChunkStore& s, ManualClock& clock, const std::string& ns,
                                  const std::function<std::string(int)>& id) {
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(s.put(ns, id(i), std::string(1, static_cast<char>('a' + i))));
  clock.advance_ms(3'600'000);
  const std::int64_t cutoff = clock.now_ms();
  ASSERT_TRUE(*s.touch(ns, id(2)));  // touched at the cutoff: kept
  ASSERT_FALSE(*s.put(ns, id(3), "c"));  // put again: kept
  EXPECT_EQ(*s.remove_if_older(ns, id(1), cutoff), Removal::removed);
  EXPECT_EQ(*s.remove_if_older(ns, id(2), cutoff), Removal::too_recent);
  EXPECT_EQ(*s.remove_if_older(ns, id(3), cutoff), Removal::too_recent);
  EXPECT_EQ(*s.remove_if_older(ns, id(4), cutoff), Removal::absent);
  EXPECT_EQ(list_ids(s, ns), (std::vector<std::string>{id(2), id(3)}));
  auto kept = s.get(ns, id(2));
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(*kept, "c");  // what was put, untouched by the touch
}

// `data` written through a BlobWriter into `s`, and a blob read back whole.
inline BlobRef write_blob(ChunkStore& s, const KeysPtr& keys, const std::string& data) {
  BlobWriter w(s, keys);
  EXPECT_TRUE(w.write(data));
  auto ref = w.finish();
  EXPECT_TRUE(ref) << ref.error().message;
  return ref ? *ref : BlobRef{};
}
inline std::string read_blob(ChunkStore& s, const KeysPtr& keys, const BlobRef& ref) {
  std::string out;
  auto n = BlobReader(s, keys).read(ref, 0, ref.size_bytes, [&](std::string_view p) {
    out.append(p);
    return Result<void>();
  });
  EXPECT_TRUE(n) << n.error().message;
  return out;
}

}  // namespace ruche::blob::testing
