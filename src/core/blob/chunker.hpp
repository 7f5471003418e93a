// Content-defined chunking: FastCDC (Xia et al., USENIX ATC 2016; IEEE TPDS
// 2020) with a gear rolling hash and normalized chunking (two masks).
//
// Cut points depend on the content, not on offsets: inserting or deleting
// bytes changes only the chunks around the edit, so an edited file shares
// most of its chunks with the previous version (dedup, delta sync).
//
// The exact rule, which the server and the desktop client must share (any
// change here re-chunks every stored file; chunker_test.cpp pins vectors):
// within a chunk, byte index i (from 0) has the gear value
//   fp(i) = (fp(i-1) << 1) + kGear[byte(i)]   (mod 2^64), fp = 0 before
// index min_size - 64, so from index min_size - 1 on fp(i) is a function of
// the 64 bytes ending at i alone. For i in [min_size - 1, max_size - 1):
// the chunk ends after byte i when fp(i) & mask == 0, with mask_s (log2(avg)
// + 2 bits set: harder) while i + 1 < avg_size and mask_l (log2(avg) - 2
// bits: easier) after. A chunk that reaches max_size ends there. The last
// chunk of a stream is whatever remains (possibly shorter than min_size).
// The gear table is gear_table.inc (splitmix64 output, fixed forever).
//
// Thread-safety: a Chunker is a value with mutable state; use one per
// stream, from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ruche::blob {

inline constexpr std::uint32_t kMinChunkSizeFloor = 64;           // the gear window
inline constexpr std::uint32_t kMaxChunkSizeCeiling = 64u << 20;  // 64 MiB

struct ChunkerParams {
  std::uint32_t min_size_bytes = 256u << 10;  // 256 KiB
  std::uint32_t avg_size_bytes = 1u << 20;    // 1 MiB; a power of two
  std::uint32_t max_size_bytes = 4u << 20;    // 4 MiB
};

// The mask with `bits` one-bits spread evenly over bit positions 15..62:
// positions 62 - floor(k * 48 / bits) for k in [0, bits). `bits` in [1, 48].
std::uint64_t fastcdc_mask(int bits);

// The 256 gear values (gear_table.inc).
const std::uint64_t* gear_table();

class Chunker {
 public:
  // A chunker with the default parameters (256 KiB / 1 MiB / 4 MiB).
  Chunker();

  // Errors: Errc::invalid unless kMinChunkSizeFloor <= min < avg < max <=
  // kMaxChunkSizeCeiling and avg is a power of two.
  static Result<Chunker> create(ChunkerParams params);

  const ChunkerParams& params() const { return params_; }

  // Scans `data`, the next bytes of the stream, for the end of the current
  // chunk. Returns how many leading bytes of `data` complete the current
  // chunk (a new chunk starts after them: call again with the rest), or
  // std::nullopt when all of `data` belongs to the current chunk. The result
  // does not depend on how the stream is split into calls.
  std::optional<std::size_t> next_boundary(std::string_view data);

  // Bytes of the current, unfinished chunk seen so far.
  std::uint64_t pending_bytes() const { return pos_; }

  // Ends the stream: returns the size of the last chunk (pending_bytes(),
  // 0 when the stream ended on a boundary or was empty) and resets, ready
  // for a new stream.
  std::uint64_t finish();

  // The chunk sizes of `data` taken as one whole stream (from a fresh state;
  // leaves this chunker reset). Convenience for tests and tools.
  std::vector<std::uint64_t> split(std::string_view data);

 private:
  explicit Chunker(ChunkerParams params);

  ChunkerParams params_;
  std::uint64_t mask_s_;
  std::uint64_t mask_l_;
  // Chunk-relative indices where the phases start (see the rule above).
  std::uint64_t warm_;    // first hashed byte: min - 64
  std::uint64_t check_;   // first checked byte: min - 1
  std::uint64_t normal_;  // first byte checked with mask_l: avg - 1
  std::uint64_t last_;    // max - 1: the chunk ends here whatever fp is
  std::uint64_t pos_ = 0;
  std::uint64_t fp_ = 0;
};

}  // namespace ruche::blob
