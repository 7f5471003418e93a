// chunking_bench: single-thread throughput of the blob write path, step by
// step, over a pseudo-random buffer in memory. Run by bench/chunking/run.sh
// (pinned to one core, beside b3sum); prints a Markdown table.
//
//   chunking_bench [--size-mib N] [--reps R] [--reference-gbps X]
//
// GB/s are 10^9 bytes per second, best of R runs. Nothing touches the disk.
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/blob/blob.hpp"
#include "core/blob/chunker.hpp"
#include "core/blob/sha256.hpp"
#include "core/crypto/aead.hpp"

namespace {

using namespace ruche;
using namespace ruche::blob;

// Stores nothing: the write path without the disk.
class NullChunkStore final : public ChunkStore {
 public:
  std::uint64_t bytes = 0;
  Result<bool> put(std::string_view, std::string_view, std::string_view sealed) override {
    bytes += sealed.size();
    return true;
  }
  Result<std::string> get(std::string_view, std::string_view) override {
    return fail(Errc::not_found, "null store");
  }
  Result<bool> exists(std::string_view, std::string_view) override { return false; }
  Result<bool> touch(std::string_view, std::string_view) override { return false; }
  Result<bool> remove(std::string_view, std::string_view) override { return false; }
  Result<Removal> remove_if_older(std::string_view, std::string_view, std::int64_t) override {
    return Removal::absent;
  }
  Result<void> list(std::string_view, FunctionRef<bool(std::string_view)>) override { return {}; }
  Result<std::vector<std::string>> list_namespaces() override { return std::vector<std::string>{}; }
  Result<std::uint64_t> remove_stale_temporaries(std::string_view, std::int64_t) override {
    return std::uint64_t{0};
  }
  Result<void> remove_namespace(std::string_view) override { return {}; }
};

std::string make_buffer(std::size_t n) {
  std::string out(n, '\0');
  std::uint64_t state = 0x5eed;
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    std::memcpy(out.data() + i, &z, 8);
  }
  return out;
}

// Cuts `data` as a stream arriving in 1 MiB reads, calling `on_chunk` with
// each chunk (a view into `data`: the writer's no-copy path).
void for_each_chunk(std::string_view data, const std::function<void(std::string_view)>& on_chunk) {
  constexpr std::size_t kRead = 1 << 20;
  Chunker chunker;
  std::size_t chunk_start = 0;
  for (std::size_t pos = 0; pos < data.size();) {
    std::string_view piece = data.substr(pos, kRead);
    const std::size_t piece_end = pos + piece.size();
    while (auto cut = chunker.next_boundary(piece)) {
      const std::size_t end = piece_end - piece.size() + *cut;
      on_chunk(data.substr(chunk_start, end - chunk_start));
      chunk_start = end;
      piece.remove_prefix(*cut);
    }
    pos = piece_end;
  }
  if (chunker.finish() > 0) on_chunk(data.substr(chunk_start));
}

double best_gbps(std::size_t bytes, int reps, const std::function<void()>& fn) {
  double best_s = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < best_s) best_s = s;
  }
  return static_cast<double>(bytes) / best_s / 1e9;
}

volatile std::uint64_t g_sink;  // keeps results alive

}  // namespace

int main(int argc, char** argv) {
  std::size_t size_mib = 1024;
  int reps = 3;
  double reference_gbps = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--size-mib")
      size_mib = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--reps")
      reps = std::atoi(argv[i + 1]);
    else if (flag == "--reference-gbps")
      reference_gbps = std::atof(argv[i + 1]);
  }
  if (sodium_init() < 0) return 1;
  const std::size_t n = size_mib << 20;
  const std::string data = make_buffer(n);
  const std::string key(32, '\x07');
  const KeysPtr keys = std::make_shared<const NamespaceKeys>(NamespaceKeys::derive("bench", key));
  auto sealed_ad = [](std::string_view) { return std::string("bench:") + std::string(64, '0'); };

  // The chunks, found once, for the rows that measure one step alone.
  std::vector<std::string_view> chunks;
  for_each_chunk(data, [&](std::string_view c) { chunks.push_back(c); });

  struct Row {
    std::string name;
    double gbps;
  };
  std::vector<Row> rows;
  auto measure = [&](std::string name, const std::function<void()>& fn) {
    rows.push_back({std::move(name), best_gbps(n, reps, fn)});
    std::fprintf(stderr, "%-60s %.2f GB/s\n", rows.back().name.c_str(), rows.back().gbps);
  };

  measure("FastCDC chunking alone", [&] {
    std::uint64_t sum = 0;
    for_each_chunk(data, [&](std::string_view c) { sum += c.size(); });
    g_sink = sum;
  });
  measure("HMAC-SHA-256 alone (OpenSSL, SHA-NI), per chunk", [&] {
    for (std::string_view c : chunks) g_sink = chunk_id(*keys, c)[0];
  });
  measure("keyed BLAKE2b-256 alone (libsodium), per chunk", [&] {
    for (std::string_view c : chunks) {
      unsigned char md[32];
      crypto_generichash(md, sizeof md, reinterpret_cast<const unsigned char*>(c.data()), c.size(),
                         reinterpret_cast<const unsigned char*>(keys->id_key.data()),
                         keys->id_key.size());
      g_sink = md[0];
    }
  });
  measure("chunking + HMAC-SHA-256 ids (chunk_id(), the one used)", [&] {
    for_each_chunk(data, [&](std::string_view c) { g_sink = chunk_id(*keys, c)[0]; });
  });
  measure("chunking + keyed BLAKE2b-256 ids", [&] {
    for_each_chunk(data, [&](std::string_view c) {
      unsigned char md[32];
      crypto_generichash(md, sizeof md, reinterpret_cast<const unsigned char*>(c.data()), c.size(),
                         reinterpret_cast<const unsigned char*>(keys->id_key.data()),
                         keys->id_key.size());
      g_sink = md[0];
    });
  });
  measure("XChaCha20-Poly1305 alone (crypto::seal), per chunk", [&] {
    for (std::string_view c : chunks) g_sink = crypto::seal(keys->seal_key, c, sealed_ad(c)).size();
  });
  measure("chunking + ids + XChaCha20-Poly1305", [&] {
    for_each_chunk(data, [&](std::string_view c) {
      const std::string id = chunk_id(*keys, c);
      g_sink = crypto::seal(keys->seal_key, c, chunk_associated_data("bench", id)).size();
    });
  });
  measure("full write path: BlobWriter (+ content SHA-256), null store", [&] {
    NullChunkStore store;
    BlobWriter writer(store, keys);
    constexpr std::size_t kRead = 1 << 20;
    for (std::size_t pos = 0; pos < n; pos += kRead) {
      if (!writer.write(std::string_view(data).substr(pos, kRead))) std::abort();
    }
    auto ref = writer.finish();
    if (!ref) std::abort();
    g_sink = store.bytes;
  });

  std::printf(
      "Input: %zu MiB of pseudo-random bytes in memory, %zu chunks (mean %.0f KiB); "
      "one thread; best of %d.\n\n",
      size_mib, chunks.size(), static_cast<double>(n) / static_cast<double>(chunks.size()) / 1024.0,
      reps);
  std::printf("| step | GB/s | vs b3sum |\n| --- | ---: | ---: |\n");
  if (reference_gbps > 0) {
    std::printf("| b3sum --num-threads 1 (BLAKE3, file in /dev/shm): reference | %.2f | 1.00 |\n",
                reference_gbps);
  }
  for (const Row& r : rows) {
    if (reference_gbps > 0) {
      std::printf("| %s | %.2f | %.2f |\n", r.name.c_str(), r.gbps, r.gbps / reference_gbps);
    } else {
      std::printf("| %s | %.2f | - |\n", r.name.c_str(), r.gbps);
    }
  }
  return 0;
}
