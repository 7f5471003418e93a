#include "core/blob/blob.hpp"

#include <algorithm>
#include <limits>

#include "core/crypto/aead.hpp"
#include "core/crypto/encoding.hpp"

namespace ruche::blob {

std::string chunk_id(const NamespaceKeys& keys, std::string_view plaintext) {
  return crypto::hex_encode(detail::hmac_sha256(keys.id_key, plaintext));
}

std::string chunk_associated_data(std::string_view ns, std::string_view id) {
  std::string ad;
  ad.reserve(ns.size() + 1 + id.size());
  ad += ns;
  ad += ':';
  ad += id;
  return ad;
}

// --- BlobWriter ---------------------------------------------------------------

BlobWriter::BlobWriter(ChunkStore& store, KeysPtr keys, Chunker chunker)
    : store_(store), keys_(std::move(keys)), chunker_(std::move(chunker)) {}

Result<void> BlobWriter::failed(Error e) {
  error_ = e;
  return tl::unexpected(std::move(e));
}

Result<void> BlobWriter::emit(std::string_view chunk) {
  std::string id = chunk_id(*keys_, chunk);
  // A chunk already stored is only touched: no sealing, no write.
  RUCHE_TRY(bool present, store_.touch(keys_->ns, id));
  if (present) {
    ++chunks_reused_;
  } else {
    const std::string sealed =
        crypto::seal(keys_->seal_key, chunk, chunk_associated_data(keys_->ns, id));
    RUCHE_TRY(bool written, store_.put(keys_->ns, id, sealed));
    ++(written ? chunks_stored_ : chunks_reused_);
  }
  ref_.chunks.push_back(ChunkRef{std::move(id), chunk.size()});
  return {};
}

Result<void> BlobWriter::write(std::string_view data) {
  if (error_) return tl::unexpected(*error_);
  if (finished_) return fail(Errc::internal, "BlobWriter::write after finish");
  content_.update(data);
  size_bytes_ += data.size();
  while (!data.empty()) {
    const auto cut = chunker_.next_boundary(data);
    if (!cut) {
      pending_.append(data);
      break;
    }
    Result<void> r;
    if (pending_.empty()) {
      // The whole chunk is inside `data`: no copy.
      r = emit(data.substr(0, *cut));
    } else {
      pending_.append(data.substr(0, *cut));
      r = emit(pending_);
      pending_.clear();
    }
    if (!r) return failed(r.error());
    data.remove_prefix(*cut);
  }
  return {};
}

Result<BlobRef> BlobWriter::finish() {
  if (error_) return tl::unexpected(*error_);
  if (finished_) return fail(Errc::internal, "BlobWriter::finish called twice");
  finished_ = true;
  (void)chunker_.finish();
  if (!pending_.empty()) {
    if (auto r = emit(pending_); !r) {
      error_ = r.error();
      return tl::unexpected(r.error());
    }
    pending_.clear();
    pending_.shrink_to_fit();
  }
  ref_.size_bytes = size_bytes_;
  ref_.content_hash = content_.finish_hex();
  return std::move(ref_);
}

// --- BlobReader ---------------------------------------------------------------

BlobReader::BlobReader(ChunkStore& store, KeysPtr keys) : store_(store), keys_(std::move(keys)) {}

Result<SharedBytes> BlobReader::read_chunk(const ChunkRef& chunk) const {
  auto sealed = store_.get(keys_->ns, chunk.id);
  if (!sealed) {
    if (sealed.error().code == Errc::not_found) {
      return fail(Errc::internal, "chunk " + chunk.id + " is missing");
    }
    return tl::unexpected(sealed.error());
  }
  // Opened where it was read: the plaintext is a slice of that buffer.
  auto plain = crypto::open_in_place(keys_->seal_key, *sealed, chunk_associated_data(keys_->ns, chunk.id));
  if (!plain) {
    return fail(Errc::internal, "chunk " + chunk.id + " does not authenticate");
  }
  // The AEAD binds the bytes to (namespace, id) under the seal key. The keyed
  // id is not recomputed: only a holder of the namespace's data key (from
  // which both the id key and the seal key derive) can seal a chunk, so a
  // chunk that opens under its id is the one our writer stored under it, and
  // recomputing HMAC-SHA-256 would double the CPU cost of every read.
  if (plain->size() != chunk.size_bytes) {
    return fail(Errc::internal, "chunk " + chunk.id + " does not match its id");
  }
  const std::size_t at = static_cast<std::size_t>(plain->data() - sealed->data()), size = plain->size();
  return SharedBytes::of(std::move(*sealed)).slice(at, size);
}

Result<std::uint64_t> BlobReader::read(const BlobRef& blob, std::uint64_t offset,
                                       std::uint64_t length,
                                       FunctionRef<Result<void>(std::string_view)> sink) const {
  std::uint64_t total = 0;
  for (const ChunkRef& c : blob.chunks) {
    if (c.size_bytes > std::numeric_limits<std::uint64_t>::max() - total) {
      return fail(Errc::invalid, "chunk sizes overflow");
    }
    total += c.size_bytes;
  }
  if (total != blob.size_bytes)
    return fail(Errc::invalid, "chunk sizes do not add up to the blob size");
  if (offset > blob.size_bytes) return fail(Errc::invalid, "range starts past the end of the blob");
  const std::uint64_t end = offset + std::min(length, blob.size_bytes - offset);
  if (offset == end) return std::uint64_t{0};

  std::uint64_t delivered = 0;
  std::uint64_t chunk_start = 0;
  for (const ChunkRef& c : blob.chunks) {
    const std::uint64_t chunk_end = chunk_start + c.size_bytes;
    if (chunk_end > offset && chunk_start < end && c.size_bytes > 0) {
      RUCHE_TRY(SharedBytes plain, read_chunk(c));
      const std::uint64_t from = std::max(offset, chunk_start) - chunk_start;
      const std::uint64_t to = std::min(end, chunk_end) - chunk_start;
      RUCHE_CHECK(sink(plain.bytes.substr(from, to - from)));
      delivered += to - from;
    }
    chunk_start = chunk_end;
    if (chunk_start >= end) break;
  }
  return delivered;
}

}  // namespace ruche::blob
