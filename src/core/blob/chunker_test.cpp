// FastCDC chunker: the fixed tables, pinned vectors (a change here re-chunks
// every stored file and breaks dedup with existing desktop clients), the
// rule against a byte-at-a-time reference, split invariance, dedup.
#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/blob/chunker.hpp"
#include "core/blob/test_support.hpp"

namespace ruche::blob {
namespace {

using testing::random_data;
using testing::SplitMix64;

constexpr std::uint64_t kMiB = 1 << 20;

// The rule as the header states it, one byte at a time, no cleverness.
std::vector<std::uint64_t> reference_split(std::string_view data, ChunkerParams p) {
  const std::uint64_t* gear = gear_table();
  const int bits = std::countr_zero(p.avg_size_bytes);
  const std::uint64_t mask_s = fastcdc_mask(bits + 2);
  const std::uint64_t mask_l = fastcdc_mask(bits - 2);
  std::vector<std::uint64_t> sizes;
  std::size_t start = 0;
  while (start < data.size()) {
    std::uint64_t fp = 0;
    std::uint64_t cut = 0;
    for (std::uint64_t i = 0;; ++i) {
      if (start + i == data.size()) {
        cut = i;
        break;
      }
      if (i + 1 == p.max_size_bytes) {
        cut = i + 1;
        break;
      }
      if (i >= p.min_size_bytes - 64) {
        fp = (fp << 1) + gear[static_cast<unsigned char>(data[start + i])];
      }
      if (i >= p.min_size_bytes - 1 && (fp & (i + 1 < p.avg_size_bytes ? mask_s : mask_l)) == 0) {
        cut = i + 1;
        break;
      }
    }
    sizes.push_back(cut);
    start += cut;
  }
  return sizes;
}

Chunker make(ChunkerParams p) {
  auto c = Chunker::create(p);
  EXPECT_TRUE(c) << c.error().message;
  return std::move(*c);
}

// FNV-1a over the sizes: one number that pins a long list.
std::uint64_t fingerprint(const std::vector<std::uint64_t>& sizes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::uint64_t s : sizes) {
    for (int b = 0; b < 8; ++b) {
      h ^= (s >> (8 * b)) & 0xff;
      h *= 0x100000001b3ull;
    }
  }
  return h;
}

TEST(Chunker, GearTableIsSplitMix64FromTheDocumentedSeed) {
  SplitMix64 rng(0x52756368652D4344ull);  // "Ruche-CD"
  const std::uint64_t* gear = gear_table();
  for (int i = 0; i < 256; ++i) EXPECT_EQ(gear[i], rng.next()) << "entry " << i;
}

TEST(Chunker, MasksAreFixed) {
  EXPECT_EQ(std::popcount(fastcdc_mask(22)), 22);
  EXPECT_EQ(std::popcount(fastcdc_mask(18)), 18);
  EXPECT_EQ(fastcdc_mask(22), 0x5552aa5552aa0000ull);
  EXPECT_EQ(fastcdc_mask(18), 0x5252525252520000ull);
  EXPECT_EQ(fastcdc_mask(1), std::uint64_t{1} << 62);
  for (int bits = 1; bits <= 48; ++bits) {
    const std::uint64_t m = fastcdc_mask(bits);
    EXPECT_EQ(std::popcount(m), bits);
    EXPECT_EQ(m >> 63, 0u);
    EXPECT_EQ(m & ((std::uint64_t{1} << 15) - 1), 0u);
  }
}

TEST(Chunker, RejectsBadParameters) {
  EXPECT_FALSE(Chunker::create({63, 1024, 4096}));
  EXPECT_FALSE(Chunker::create({1024, 1024, 4096}));
  EXPECT_FALSE(Chunker::create({1024, 4096, 4096}));
  EXPECT_FALSE(Chunker::create({1024, 3000, 8192}));  // avg not a power of two
  EXPECT_FALSE(Chunker::create({1024, 4096, (64u << 20) + 1}));
  EXPECT_TRUE(Chunker::create({64, 128, 256}));
  EXPECT_TRUE(Chunker::create({}));
  EXPECT_EQ(Chunker().params().min_size_bytes, 256u << 10);
  EXPECT_EQ(Chunker().params().avg_size_bytes, 1u << 20);
  EXPECT_EQ(Chunker().params().max_size_bytes, 4u << 20);
}

// Pinned: the default parameters on 16 MiB of splitmix64(42).
TEST(Chunker, DefaultVector) {
  const std::string data = random_data(16 * kMiB, 42);
  Chunker c;
  const std::vector<std::uint64_t> sizes = c.split(data);
  const std::vector<std::uint64_t> expected = {1090460, 913809,  1173909, 1057811, 1235849,
                                               1123298, 730105,  1261133, 1741241, 1148482,
                                               1309470, 1291966, 1308186, 1133293, 258204};
  EXPECT_EQ(sizes, expected);
}

// Pinned: small parameters (2 KiB / 8 KiB / 32 KiB) on 4 MiB of splitmix64(7).
TEST(Chunker, SmallParametersVector) {
  const std::string data = random_data(4 * kMiB, 7);
  Chunker c = make({2048, 8192, 32768});
  const std::vector<std::uint64_t> sizes = c.split(data);
  ASSERT_EQ(sizes.size(), 445u);
  const std::vector<std::uint64_t> first(sizes.begin(), sizes.begin() + 8);
  const std::vector<std::uint64_t> expected_first = {9022, 8992,  8660, 13123,
                                                     8691, 10122, 9035, 6406};
  EXPECT_EQ(first, expected_first);
  EXPECT_EQ(fingerprint(sizes), 0xd49c90ff23cbcccbull);
}

TEST(Chunker, MatchesTheReferenceRule) {
  const std::vector<ChunkerParams> params = {
      {64, 128, 256}, {64, 256, 1024}, {1000, 4096, 9000}, {2048, 8192, 32768}};
  for (const ChunkerParams& p : params) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const std::string data = random_data(1 * kMiB + seed * 977, seed);
      Chunker c = make(p);
      EXPECT_EQ(c.split(data), reference_split(data, p))
          << "min " << p.min_size_bytes << " avg " << p.avg_size_bytes << " seed " << seed;
    }
  }
  const std::string data = random_data(12 * kMiB, 99);
  EXPECT_EQ(Chunker().split(data), reference_split(data, ChunkerParams{}));
}

TEST(Chunker, SizesRespectTheBoundsAndAddUp) {
  const std::string data = random_data(64 * kMiB, 5);
  Chunker c;
  const std::vector<std::uint64_t> sizes = c.split(data);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (i + 1 < sizes.size()) {
      EXPECT_GE(sizes[i], 256u << 10);
    }
    EXPECT_LE(sizes[i], 4u << 20);
    total += sizes[i];
  }
  EXPECT_EQ(total, data.size());
  const double avg = static_cast<double>(total) / static_cast<double>(sizes.size());
  EXPECT_GT(avg, 0.75 * kMiB);
  EXPECT_LT(avg, 1.6 * kMiB);
}

TEST(Chunker, EdgeInputs) {
  Chunker c;
  EXPECT_TRUE(c.split("").empty());
  EXPECT_EQ(c.split("x"), std::vector<std::uint64_t>{1});
  const std::string small = random_data((256 << 10) - 1, 3);
  EXPECT_EQ(c.split(small), std::vector<std::uint64_t>{small.size()});
  // Constant bytes give a constant gear value: every chunk is cut at the
  // same place (here never by the mask: at max_size_bytes).
  const std::string zeros(10 * kMiB, '\0');
  const std::vector<std::uint64_t> sizes = c.split(zeros);
  ASSERT_EQ(sizes.size(), 3u);
  EXPECT_EQ(sizes[0], 4 * kMiB);
  EXPECT_EQ(sizes[1], 4 * kMiB);
  EXPECT_EQ(sizes[2], 2 * kMiB);
}

// The same stream fed in any pieces gives the same chunks.
TEST(Chunker, AnyBufferSplitGivesTheSameChunks) {
  const std::string data = random_data(24 * kMiB, 11);
  Chunker whole;
  const std::vector<std::uint64_t> expected = whole.split(data);
  const std::vector<std::size_t> max_pieces = {1, 7, 64, 4096, 65537, 1 << 20, 3 << 20, 64 << 20};
  SplitMix64 rng(123);
  for (std::size_t max_piece : max_pieces) {
    Chunker c;
    std::vector<std::uint64_t> sizes;
    std::uint64_t current = 0;
    std::string_view rest = data;
    // Byte-sized pieces over 24 MiB are slow: cover 2 MiB that way.
    if (max_piece == 1) rest = rest.substr(0, 2 * kMiB);
    while (!rest.empty()) {
      std::size_t n = max_piece == 1 ? 1 : 1 + rng.next() % max_piece;
      n = std::min(n, rest.size());
      std::string_view piece = rest.substr(0, n);
      rest.remove_prefix(n);
      while (auto cut = c.next_boundary(piece)) {
        sizes.push_back(current + *cut);
        current = 0;
        piece.remove_prefix(*cut);
      }
      current += piece.size();
      EXPECT_EQ(c.pending_bytes(), current);
    }
    if (const std::uint64_t last = c.finish(); last > 0) sizes.push_back(last);
    if (max_piece == 1) {
      Chunker ref;
      EXPECT_EQ(sizes, ref.split(std::string_view(data).substr(0, 2 * kMiB)));
    } else {
      EXPECT_EQ(sizes, expected) << "pieces up to " << max_piece;
    }
  }
}

std::vector<std::string_view> chunks_of(std::string_view data) {
  Chunker c;
  std::vector<std::string_view> out;
  for (std::uint64_t size : c.split(data)) {
    out.push_back(data.substr(0, size));
    data.remove_prefix(size);
  }
  return out;
}

// How many chunks of `edited` do not appear in `original`.
std::size_t new_chunks(std::string_view original, std::string_view edited) {
  std::set<std::string_view> known;
  for (std::string_view c : chunks_of(original)) known.insert(c);
  std::size_t fresh = 0;
  for (std::string_view c : chunks_of(edited)) fresh += known.count(c) == 0;
  return fresh;
}

TEST(Chunker, AnEditNearTheStartChangesOnlyTheFirstChunks) {
  const std::string original = random_data(64 * kMiB, 2024);
  const std::size_t total = chunks_of(original).size();
  ASSERT_GT(total, 40u);
  for (std::size_t offset : {std::size_t{0}, std::size_t{1000}, std::size_t{300000}}) {
    std::string inserted = original;
    inserted.insert(offset, "some inserted bytes");
    EXPECT_LE(new_chunks(original, inserted), 2u) << "insert at " << offset;
    std::string one = original;
    one.insert(offset, 1, 'x');
    EXPECT_LE(new_chunks(original, one), 2u) << "1 byte at " << offset;
    std::string erased = original;
    erased.erase(offset, 4096);
    EXPECT_LE(new_chunks(original, erased), 2u) << "erase at " << offset;
  }
}

}  // namespace
}  // namespace ruche::blob
