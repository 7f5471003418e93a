#include "core/blob/content.hpp"

#include <algorithm>
#include <deque>
#include <future>

#include "base/uninitialized.hpp"
#include "core/crypto/aead.hpp"
#include "core/crypto/encoding.hpp"

namespace ruche::blob {
namespace {

// Chunks smaller than this are sealed and stored on the caller's thread and
// read there, without a hand-off to the pool.
constexpr std::size_t kSmallChunk = 64u << 10;

// `n` bytes of this thread's buffer for sealed chunks on their way to the
// store. Aligned, so that a chunk file is written without a copy into the
// page cache (O_DIRECT). Allocated once, for the largest chunk the default
// chunker cuts: a buffer per chunk left the heap fragmented (+50 MiB of RSS
// after a 1 GiB upload), one that grew with the chunks too (+40 MiB).
std::span<char> sealing_buffer(std::size_t n) {
  thread_local AlignedBuffer buffer;
  if (buffer.size() < n) {
    buffer = AlignedBuffer();  // freed before the next one is taken
    buffer = AlignedBuffer(std::max<std::size_t>(n, ChunkerParams{}.max_size_bytes + crypto::kSealOverhead));
  }
  return buffer.span().first(n);
}

}  // namespace

ChunkPool::ChunkPool(std::size_t threads) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, threads); ++i)
    threads_.emplace_back([this] {
      while (true) {
        std::function<void()> job;
        {
          std::unique_lock lock(mu_);
          cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
          if (jobs_.empty()) return;
          job = std::move(jobs_.front());
          jobs_.pop_front();
        }
        job();
      }
    });
}

ChunkPool::~ChunkPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void ChunkPool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

ContentWriter::ContentWriter(ChunkStore& store, KeysPtr keys, ChunkPool& pool,
                             std::function<Result<void>(std::uint64_t)> reserve, std::size_t max_in_flight)
    : store_(store),
      keys_(std::move(keys)),
      pool_(pool),
      reserve_(std::move(reserve)),
      max_in_flight_(std::max<std::size_t>(1, max_in_flight)),
      shared_(std::make_shared<Shared>()) {}

ContentWriter::~ContentWriter() { (void)wait_below(1); }

Result<void> ContentWriter::wait_below(std::size_t n) {
  std::unique_lock lock(shared_->mu);
  shared_->cv.wait(lock, [&] { return shared_->in_flight < n; });
  if (shared_->error) return tl::unexpected(*shared_->error);
  return {};
}

Result<void> ContentWriter::emit(std::string_view chunk) {
  RUCHE_CHECK(wait_below(max_in_flight_));
  std::size_t slot;
  {
    std::lock_guard lock(shared_->mu);
    slot = shared_->slots.size();
    shared_->slots.emplace_back();
    ++shared_->in_flight;
  }
  const bool defer = defer_max_ > 0 && chunk.size() <= defer_max_;
  auto job = [shared = shared_, &store = store_, keys = keys_, data = std::string(chunk), slot, defer]() {
    Result<ChunkRef> r = [&]() -> Result<ChunkRef> {
      std::string id = chunk_id(*keys, data);
      if (defer) {
        std::string sealed = crypto::seal(keys->seal_key, data, chunk_associated_data(keys->ns, id));
        std::lock_guard lock(shared->mu);
        shared->deferred.push_back(Sealed{id, std::move(sealed)});
        return ChunkRef{std::move(id), data.size()};
      }
      // A chunk already stored is only touched, not sealed and written again.
      // A small one is put at once: put() refreshes an existing chunk's age
      // too, and sealing it costs less than asking first.
      bool present = false;
      if (data.size() >= kSmallChunk) {
        RUCHE_TRY(present, store.touch(keys->ns, id));
      }
      if (!present) {
        const std::span<char> sealed = sealing_buffer(data.size() + crypto::kSealOverhead);
        crypto::seal_into(keys->seal_key, data, chunk_associated_data(keys->ns, id), sealed);
        RUCHE_TRY([[maybe_unused]] bool written, store.put(keys->ns, id, {sealed.data(), sealed.size()}));
      }
      return ChunkRef{std::move(id), data.size()};
    }();
    std::lock_guard lock(shared->mu);
    if (r) shared->slots[slot] = std::move(*r);
    else if (!shared->error) shared->error = r.error();
    --shared->in_flight;
    shared->cv.notify_all();
  };
  // Small contents that end here are sealed on this thread: no hand-off.
  if (chunk.size() < kSmallChunk) job();
  else pool_.submit(std::move(job));
  return {};
}

Result<void> ContentWriter::write(std::string_view data) {
  if (data.empty()) return {};
  if (reserve_) RUCHE_CHECK(reserve_(data.size()));
  sha_.update(data);
  size_bytes_ += data.size();
  while (!data.empty()) {
    auto cut = chunker_.next_boundary(data);
    if (!cut) {
      pending_.append(data);
      break;
    }
    if (pending_.empty()) {
      RUCHE_CHECK(emit(data.substr(0, *cut)));
    } else {
      pending_.append(data.substr(0, *cut));
      RUCHE_CHECK(emit(pending_));
      pending_.clear();
    }
    data.remove_prefix(*cut);
  }
  return {};
}

Result<void> ContentWriter::cut() {
  (void)chunker_.finish();
  if (!pending_.empty()) {
    RUCHE_CHECK(emit(pending_));
    pending_.clear();
  }
  return {};
}

Result<std::vector<ChunkRef>> ContentWriter::stored() {
  RUCHE_CHECK(wait_below(1));
  std::vector<ChunkRef> out;
  std::lock_guard lock(shared_->mu);
  out.reserve(shared_->slots.size());
  for (auto& s : shared_->slots) {
    if (!s) return fail(Errc::internal, "a chunk was not stored");
    out.push_back(*s);
  }
  return out;
}

std::vector<ContentWriter::Sealed> ContentWriter::take_deferred() {
  (void)wait_below(1);
  std::lock_guard lock(shared_->mu);
  std::vector<Sealed> out = std::move(shared_->deferred);
  shared_->deferred.clear();
  // The same chunk twice in one content is stored once.
  std::sort(out.begin(), out.end(), [](const Sealed& a, const Sealed& b) { return a.id < b.id; });
  out.erase(std::unique(out.begin(), out.end(), [](const Sealed& a, const Sealed& b) { return a.id == b.id; }),
            out.end());
  return out;
}

Result<BlobRef> ContentWriter::finish() {
  RUCHE_CHECK(cut());
  pending_.shrink_to_fit();
  BlobRef ref;
  RUCHE_TRY(ref.chunks, stored());
  ref.size_bytes = size_bytes_;
  ref.content_hash = sha_.finish_hex();
  return ref;
}

std::string pack_chunks(const std::vector<ChunkRef>& chunks) {
  std::string out;
  out.reserve(chunks.size() * 40);
  for (const auto& ch : chunks) {
    auto raw = crypto::hex_decode(ch.id);
    std::string id = raw && raw->size() == 32 ? *raw : std::string(32, '\0');
    out += id;
    for (int i = 7; i >= 0; --i) out += static_cast<char>((ch.size_bytes >> (8 * i)) & 0xff);
  }
  return out;
}

Result<std::vector<ChunkRef>> unpack_chunks(std::string_view packed) {
  if (packed.size() % 40 != 0) return fail(Errc::internal, "damaged chunk list");
  std::vector<ChunkRef> out;
  out.reserve(packed.size() / 40);
  for (std::size_t i = 0; i < packed.size(); i += 40) {
    ChunkRef ch;
    ch.id = crypto::hex_encode(packed.substr(i, 32));
    std::uint64_t n = 0;
    for (int k = 0; k < 8; ++k) n = (n << 8) | static_cast<unsigned char>(packed[i + 32 + k]);
    ch.size_bytes = n;
    out.push_back(std::move(ch));
  }
  return out;
}

SharedBytes cached_range(ChunkCache& cache, std::string_view ns, const std::vector<ChunkRef>& chunks,
                         std::uint64_t offset, std::uint64_t length) {
  std::uint64_t at = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const ChunkRef& c = chunks[i];
    if (offset >= at + c.size_bytes) {
      at += c.size_bytes;
      continue;
    }
    const std::uint64_t from = offset - at;
    const std::uint64_t n = std::min(length, c.size_bytes - from);
    if (n == 0) return {};
    if (n < length)  // past this chunk: only the end of the content may clip it
      for (std::size_t j = i + 1; j < chunks.size(); ++j)
        if (chunks[j].size_bytes > 0) return {};
    ChunkCache::Plain plain = cache.find(ns, c.id);
    if (!plain || plain.bytes.size() != c.size_bytes) return {};
    return plain.slice(from, n);
  }
  return {};
}

Result<std::uint64_t> read_content(ChunkStore& store, const KeysPtr& keys, ChunkPool& pool,
                                   const std::vector<ChunkRef>& chunks, std::uint64_t offset,
                                   std::uint64_t length, FunctionRef<Result<void>(std::string_view)> sink,
                                   ChunkCache* cache, std::size_t read_ahead) {
  std::uint64_t total = 0;
  for (const auto& c : chunks) total += c.size_bytes;
  if (offset > total) return fail(Errc::invalid, "range starts past the end");
  const std::uint64_t end = offset + std::min(length, total - offset);
  if (cache && !cache->worth(total)) cache = nullptr;
  // The chunks touched, with where each starts.
  std::vector<std::pair<const ChunkRef*, std::uint64_t>> wanted;
  std::uint64_t at = 0;
  for (const auto& c : chunks) {
    if (at + c.size_bytes > offset && at < end && c.size_bytes > 0) wanted.emplace_back(&c, at);
    at += c.size_bytes;
    if (at >= end) break;
  }
  BlobReader reader(store, keys);
  using Plain = ChunkCache::Plain;
  auto load = [&reader, cache, &keys](const ChunkRef* ref) -> Result<Plain> {
    const std::uint64_t epoch = cache ? cache->epoch() : 0;
    RUCHE_TRY(Plain plain, reader.read_chunk(*ref));
    if (cache) return cache->put(keys->ns, ref->id, std::move(plain), epoch);
    return plain;
  };
  auto fetch = [&](std::size_t i) {
    auto promise = std::make_shared<std::promise<Result<Plain>>>();
    auto future = promise->get_future();
    const ChunkRef* ref = wanted[i].first;
    if (Plain hit = cache ? cache->find(keys->ns, ref->id) : Plain{}) {
      promise->set_value(std::move(hit));
    } else if (i == 0 || ref->size_bytes < kSmallChunk) {
      // The first chunk is read here: there is nothing yet to overlap it
      // with, and a small file then costs no hand-off to the pool at all.
      promise->set_value(load(ref));
    } else {
      pool.submit([promise, load, ref] { promise->set_value(load(ref)); });
    }
    return future;
  };
  std::uint64_t delivered = 0;
  // Chunks i, i + 1, ... being read; nothing may outlive this call (the
  // loads capture locals), so every exit waits for what is in flight.
  std::deque<std::future<Result<Plain>>> ahead;
  std::size_t fetched = 0;
  auto settle = [&ahead] {
    for (auto& f : ahead) f.wait();
  };
  const std::size_t depth = std::max<std::size_t>(read_ahead, 1);
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    while (fetched < wanted.size() && fetched <= i + depth) ahead.push_back(fetch(fetched++));
    Result<Plain> plain = ahead.front().get();
    ahead.pop_front();
    if (!plain) {
      settle();
      return tl::unexpected(plain.error());
    }
    std::uint64_t start = wanted[i].second;
    std::uint64_t from = std::max(offset, start) - start;
    std::uint64_t to = std::min(end, start + wanted[i].first->size_bytes) - start;
    auto r = sink(plain->bytes.substr(from, to - from));
    if (!r) {
      settle();
      return tl::unexpected(r.error());
    }
    delivered += to - from;
  }
  return delivered;
}

}  // namespace ruche::blob
