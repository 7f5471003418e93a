#include "core/blob/chunker.hpp"

#include <algorithm>
#include <bit>

namespace ruche::blob {
namespace {

alignas(64) constexpr std::uint64_t kGear[256] = {
#include "core/blob/gear_table.inc"
};

using Byte = unsigned char;

// Rolls the gear hash over p[0, n) without looking for a cut (the warm-up
// before min_size - 1).
std::uint64_t roll(const Byte* p, std::size_t n, std::uint64_t fp) {
  for (std::size_t i = 0; i < n; ++i) fp = (fp << 1) + kGear[p[i]];
  return fp;
}

// Hides `x` from the optimizer, so it cannot rewrite the gear prefixes below
// back into one serial chain through fp (which halves the speed).
inline std::uint64_t opaque(std::uint64_t x) {
  asm("" : "+r"(x));
  return x;
}

// Rolls over p[0, n) and returns the index of the first byte after which
// fp & mask == 0, or n. This loop is the chunker's whole cost. Four bytes per
// step: their gear values are combined first (g0 << 3) + (g1 << 2) + ..., a
// computation independent of fp, so the loop-carried dependency is a single
// shift-add per four bytes, and the four fp values to test are each one
// shift-add away from the previous fp. The tests are rarely taken branches.
// About 0.95 cycles per byte on the reference machine (one byte per step:
// 1.6); with the bytes skipped before min_size, 2.5 GB/s at 2.1 GHz.
inline std::size_t roll_until(const Byte* p, std::size_t n, std::uint64_t& fp, std::uint64_t mask) {
  std::uint64_t h = fp;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const std::uint64_t g0 = kGear[p[i]];
    const std::uint64_t p1 = opaque((g0 << 1) + kGear[p[i + 1]]);
    const std::uint64_t p2 = opaque((p1 << 1) + kGear[p[i + 2]]);
    const std::uint64_t p3 = opaque((p2 << 1) + kGear[p[i + 3]]);
    const std::uint64_t h0 = (h << 1) + g0;
    const std::uint64_t h1 = (h << 2) + p1;
    const std::uint64_t h2 = (h << 3) + p2;
    h = (h << 4) + p3;
    if ((h0 & mask) == 0) [[unlikely]] {
      fp = h0;
      return i;
    }
    if ((h1 & mask) == 0) [[unlikely]] {
      fp = h1;
      return i + 1;
    }
    if ((h2 & mask) == 0) [[unlikely]] {
      fp = h2;
      return i + 2;
    }
    if ((h & mask) == 0) [[unlikely]] {
      fp = h;
      return i + 3;
    }
  }
  for (; i < n; ++i) {
    h = (h << 1) + kGear[p[i]];
    if ((h & mask) == 0) [[unlikely]] {
      fp = h;
      return i;
    }
  }
  fp = h;
  return n;
}

}  // namespace

std::uint64_t fastcdc_mask(int bits) {
  std::uint64_t mask = 0;
  for (int k = 0; k < bits; ++k) mask |= std::uint64_t{1} << (62 - (k * 48) / bits);
  return mask;
}

const std::uint64_t* gear_table() {
  return kGear;
}

Chunker::Chunker() : Chunker(ChunkerParams{}) {}

Chunker::Chunker(ChunkerParams params)
    : params_(params),
      mask_s_(fastcdc_mask(std::countr_zero(params.avg_size_bytes) + 2)),
      mask_l_(fastcdc_mask(std::countr_zero(params.avg_size_bytes) - 2)),
      warm_(params.min_size_bytes - kMinChunkSizeFloor),
      check_(params.min_size_bytes - 1),
      normal_(params.avg_size_bytes - 1),
      last_(params.max_size_bytes - 1) {}

Result<Chunker> Chunker::create(ChunkerParams params) {
  if (params.min_size_bytes < kMinChunkSizeFloor ||
      params.min_size_bytes >= params.avg_size_bytes ||
      params.avg_size_bytes >= params.max_size_bytes ||
      params.max_size_bytes > kMaxChunkSizeCeiling) {
    return fail(Errc::invalid, "chunk sizes must satisfy 64 <= min < avg < max <= 64 MiB");
  }
  if (!std::has_single_bit(params.avg_size_bytes)) {
    return fail(Errc::invalid, "average chunk size must be a power of two");
  }
  return Chunker(params);
}

std::optional<std::size_t> Chunker::next_boundary(std::string_view data) {
  const auto* p = reinterpret_cast<const Byte*>(data.data());
  const std::size_t n = data.size();
  std::size_t i = 0;
  // Each phase advances to its end or to the end of `data`, whichever is
  // first; bytes before warm_ are skipped without hashing (cut-point skipping).
  while (i < n) {
    const std::size_t left = n - i;
    if (pos_ < warm_) {
      const std::size_t k = std::min<std::uint64_t>(left, warm_ - pos_);
      i += k;
      pos_ += k;
    } else if (pos_ < check_) {
      const std::size_t k = std::min<std::uint64_t>(left, check_ - pos_);
      fp_ = roll(p + i, k, fp_);
      i += k;
      pos_ += k;
    } else if (pos_ < last_) {
      const bool small = pos_ < normal_;
      const std::uint64_t end = small ? normal_ : last_;
      const std::size_t k = std::min<std::uint64_t>(left, end - pos_);
      const std::size_t at = roll_until(p + i, k, fp_, small ? mask_s_ : mask_l_);
      if (at < k) {
        pos_ = 0;
        fp_ = 0;
        return i + at + 1;
      }
      i += k;
      pos_ += k;
    } else {
      pos_ = 0;
      fp_ = 0;
      return i + 1;
    }
  }
  return std::nullopt;
}

std::uint64_t Chunker::finish() {
  const std::uint64_t last = pos_;
  pos_ = 0;
  fp_ = 0;
  return last;
}

std::vector<std::uint64_t> Chunker::split(std::string_view data) {
  pos_ = 0;
  fp_ = 0;
  std::vector<std::uint64_t> sizes;
  while (auto cut = next_boundary(data)) {
    sizes.push_back(*cut);
    data.remove_prefix(*cut);
  }
  if (const std::uint64_t last = finish(); last > 0) sizes.push_back(last);
  return sizes;
}

}  // namespace ruche::blob
