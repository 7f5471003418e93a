#include "app/backup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <vector>

#include "app/app.hpp"
#include "base/clock.hpp"
#include "base/function_ref.hpp"
#include "base/json.hpp"
#include "core/blob/blob.hpp"
#include "core/blob/chunk_store.hpp"
#include "core/blob/db_chunk_store.hpp"
#include "core/blob/fs_chunk_store.hpp"
#include "core/blob/key_ring.hpp"
#include "core/crypto/aead.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"
#include "core/db/database.hpp"
#include "platform/audit.hpp"

namespace ruche::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kManifest = "ruche-backup.json";
constexpr const char* kDatabase = "ruche.db";
constexpr const char* kKey = "instance.key";
constexpr const char* kBlobs = "blobs";
constexpr std::size_t kMissingNamed = 5;  // missing chunks named in an error

using blob::errno_error;
using blob::FsChunkStore;

// The file system calls, as the chunk store makes them (errors mapped alike).
blob::FileSystem& files() {
  return blob::posix_file_system();
}

std::string tmp_name() {
  return ".tmp-" + crypto::hex_encode(crypto::random_bytes(8));
}

// The names in a folder; none when it does not exist.
Result<std::vector<std::string>> names_in(const fs::path& dir) {
  auto names = files().list_dir(dir.string());
  if (!names && names.error().code == Errc::not_found) return std::vector<std::string>();
  return names;
}

// Everything written on the file system of `dir`, durable: one syncfs
// instead of an fsync per chunk file.
Result<void> sync_file_system(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected(errno_error(errno, "open " + dir.string()));
  const int rc = ::syncfs(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return tl::unexpected(errno_error(err, "sync " + dir.string()));
  return {};
}

// Copies file `from` to `to` (a new file, mode 0600) with its modification
// time (a chunk's age), in the kernel where it can (copy_file_range). Not
// synced: the caller syncs the file system.
Result<std::uint64_t> copy_file_as_is(const fs::path& from, const fs::path& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return tl::unexpected(errno_error(errno, "open " + from.string()));
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } in_closer{in};
  struct stat st {};
  if (::fstat(in, &st) != 0) return tl::unexpected(errno_error(errno, "stat " + from.string()));
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) return tl::unexpected(errno_error(errno, "create " + to.string()));
  Closer out_closer{out};
  auto failed = [&](int err) {
    ::unlink(to.c_str());
    return tl::unexpected(errno_error(err, "copy " + from.string() + " to " + to.string()));
  };
  std::uint64_t done = 0;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  bool plain = false;  // copy_file_range refused (another file system, old kernel): read and write
  std::string buf;
  while (done < size) {
    ssize_t n;
    if (!plain) {
      n = ::copy_file_range(in, nullptr, out, nullptr, size - done, 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        plain = true;
        continue;
      }
    } else {
      if (buf.empty()) buf.resize(1 << 20);
      n = ::read(in, buf.data(), std::min<std::uint64_t>(buf.size(), size - done));
      for (ssize_t w = 0; n > 0 && w < n;) {
        const ssize_t k = ::write(out, buf.data() + w, static_cast<std::size_t>(n - w));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return failed(errno);
        w += k;
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failed(errno);
    if (n == 0) return failed(EIO);  // shorter than it was: chunk files never shrink
    done += static_cast<std::uint64_t>(n);
  }
  const struct timespec times[2] = {{0, UTIME_OMIT}, st.st_mtim};
  if (::futimens(out, times) != 0) return failed(errno);
  return done;
}

// Writes `bytes` as file `to` (mode 0600), atomically and durably, as the
// chunk store writes a chunk.
Result<void> write_file(const fs::path& to, std::string_view bytes) {
  const std::string tmp = (to.parent_path() / tmp_name()).string();
  RUCHE_TRY(auto file, files().create_new(tmp));
  auto written = [&]() -> Result<void> {
    RUCHE_CHECK(file->append(bytes));
    RUCHE_CHECK(file->sync());
    RUCHE_CHECK(file->close());
    return files().rename(tmp, to.string());
  }();
  if (!written) {
    (void)files().remove(tmp);
    return written;
  }
  return files().sync_dir(to.parent_path().string());
}

// A small file's bytes (the instance key); none when it does not exist.
Result<std::optional<std::string>> read_small_file(const fs::path& p) {
  auto bytes = files().read_file(p.string(), 4096);
  if (!bytes && bytes.error().code == Errc::not_found) return std::optional<std::string>();
  if (!bytes) return tl::unexpected(bytes.error());
  return std::optional<std::string>(std::move(*bytes));
}

struct Mirror {
  std::uint64_t files = 0, copied = 0, bytes = 0;
};

// Calls `fn` with every chunk of every namespace of `store`, stopping at
// its first error.
Result<void> each_chunk(FsChunkStore& store,
                        FunctionRef<Result<void>(const std::string& ns, std::string_view id)> fn) {
  RUCHE_TRY(auto spaces, store.list_namespaces());
  for (const std::string& ns : spaces) {
    std::optional<Error> failed;
    RUCHE_CHECK(store.list(ns, [&](std::string_view id) {
      if (auto r = fn(ns, id); !r) failed = r.error();
      return !failed;
    }));
    if (failed) return tl::unexpected(*failed);
  }
  return {};
}

// Copies every chunk file of `from` that `to` lacks (the same name and
// size: chunk files never change).
Result<Mirror> copy_chunks(FsChunkStore& from, FsChunkStore& to) {
  Mirror m;
  RUCHE_CHECK(each_chunk(from, [&](const std::string& ns, std::string_view id) -> Result<void> {
    const fs::path source = from.chunk_path(ns, id), dest = to.chunk_path(ns, id);
    struct stat have {
    }, want{};
    if (::stat(source.c_str(), &want) != 0) {
      if (errno == ENOENT) return {};  // not while the backup lock is held; a store used without it
      return tl::unexpected(errno_error(errno, "stat " + source.string()));
    }
    ++m.files;
    if (::stat(dest.c_str(), &have) == 0 && have.st_size == want.st_size) return {};
    RUCHE_TRY([[maybe_unused]] bool made_ns,
              files().make_dir(dest.parent_path().parent_path().string()));
    RUCHE_TRY([[maybe_unused]] bool made_shard, files().make_dir(dest.parent_path().string()));
    const fs::path tmp = dest.parent_path() / tmp_name();
    RUCHE_TRY(std::uint64_t n, copy_file_as_is(source, tmp));
    if (auto moved = files().rename(tmp.string(), dest.string()); !moved) {
      (void)files().remove(tmp.string());
      return moved;
    }
    ++m.copied;
    m.bytes += n;
    return {};
  }));
  return m;
}

// The chunk files of `to` that neither `from` has nor `db` (the database
// copied into `to`) has a row for: the chunks the instance collected since
// the last backup. A chunk the instance lost but the database references stays.
Result<std::vector<fs::path>> extra_chunks(FsChunkStore& from, FsChunkStore& to, db::Database& db) {
  std::vector<fs::path> out;
  RUCHE_CHECK(each_chunk(to, [&](const std::string& ns, std::string_view id) -> Result<void> {
    RUCHE_TRY(bool kept, from.exists(ns, id));
    if (kept) return {};
    RUCHE_TRY(auto row, db.read([&](db::Conn& c) {
      return c.query_one("SELECT 1 FROM blob_chunks WHERE namespace = $1 AND id = $2", {ns, id});
    }));
    if (!row) out.push_back(to.chunk_path(ns, id));
    return {};
  }));
  return out;
}

// Removes `chunks` of `store`, then the folders they leave empty, and what an
// interrupted copy left (temporaries).
Result<void> remove_chunks(FsChunkStore& store, const std::vector<fs::path>& chunks) {
  for (const auto& f : chunks) {
    RUCHE_TRY([[maybe_unused]] bool removed, files().remove(f.string()));
  }
  for (const auto& f : chunks) {  // refused, as it should be, unless empty
    (void)files().remove_dir(f.parent_path().string());
    (void)files().remove_dir(f.parent_path().parent_path().string());
  }
  RUCHE_TRY(auto spaces, store.list_namespaces());
  for (const std::string& ns : spaces) {
    RUCHE_TRY([[maybe_unused]] auto n,
              store.remove_stale_temporaries(ns, std::numeric_limits<std::int64_t>::max()));
  }
  return {};
}

// Opens every chunk the database references (files and rows) under its
// workspace's key: a flipped bit anywhere is found. Returns the plaintext
// bytes opened.
Result<std::uint64_t> open_every_chunk(db::Database& db, const FsChunkStore& blobs,
                                       blob::KeyRing& ring) {
  RUCHE_TRY(auto on_disk, FsChunkStore::open(blobs.root()));
  blob::TieredChunkStore store(std::make_unique<blob::DbChunkStore>(db), std::move(on_disk), 0);
  std::uint64_t opened = 0;
  std::string after_ns, after_id;
  std::string ns_of_keys;
  blob::KeysPtr keys;
  // Pages of rows, so that no read transaction stays open while chunks are read.
  for (bool more = true; more;) {
    RUCHE_TRY(db::Rows rows, db.read([&](db::Conn& c) {
      return c.query(
          "SELECT namespace, id, size FROM blob_chunks WHERE refs > 0 AND (namespace > $1 OR "
          "(namespace = $1 AND id > $2)) ORDER BY namespace, id LIMIT 1000",
          {after_ns, after_id});
    }));
    more = rows.size() == 1000;
    for (const auto& r : rows) {
      after_ns = r.text(0);
      after_id = r.text(1);
      if (!keys || ns_of_keys != after_ns) {
        auto got = ring.get(after_ns);
        if (!got) return fail(Errc::internal, "workspace " + after_ns + ": " + got.error().message);
        keys = std::move(*got);
        ns_of_keys = after_ns;
      }
      const blob::ChunkRef ref{after_id, static_cast<std::uint64_t>(r.i64(2))};
      auto plain = blob::BlobReader(store, keys).read_chunk(ref);
      if (!plain)
        return fail(Errc::internal,
                    "chunk " + after_ns + "/" + after_id + ": " + plain.error().message);
      opened += ref.size_bytes;
    }
  }
  return opened;
}

// What a database references is all there, and opens: every chunk it
// references with refs > 0 is a row of blob_small_chunks or a file under
// `blobs` of its sealed size; every workspace key unwraps under `key`; with
// `opened_bytes`, every chunk opens (open_every_chunk: their plaintext size
// there). Returns the number of keys.
Result<std::uint64_t> check_contents(db::Database& db, FsChunkStore& blobs, const std::string& key,
                                     std::uint64_t* opened_bytes) {
  std::uint64_t missing = 0;
  std::string named;
  RUCHE_CHECK(db.read([&](db::Conn& c) -> Result<void> {
    return c.each(
        "SELECT c.namespace, c.id, c.size, s.id IS NOT NULL FROM blob_chunks c "
        "LEFT JOIN blob_small_chunks s ON s.namespace = c.namespace AND s.id = c.id WHERE c.refs > "
        "0",
        {}, [&](const db::Row& r) {
          if (r.i64(3) != 0) return true;
          const std::string& ns = r.text(0);
          const std::string& id = r.text(1);
          struct stat st {};
          const auto sealed = static_cast<std::uint64_t>(r.i64(2)) + crypto::kSealOverhead;
          const bool ok = blob::is_valid_namespace(ns) && blob::is_valid_chunk_id(id) &&
                          ::stat(blobs.chunk_path(ns, id).c_str(), &st) == 0 &&
                          static_cast<std::uint64_t>(st.st_size) == sealed;
          if (!ok && ++missing <= kMissingNamed)
            named += (named.empty() ? "" : ", ") + ns + "/" + id;
          return true;
        });
  }));
  if (missing > 0)
    return fail(Errc::internal, std::to_string(missing) +
                                    " chunks the database references are missing from " +
                                    blobs.root() + " or have another size: " + named +
                                    (missing > kMissingNamed ? ", …" : ""));
  RUCHE_TRY(db::Rows spaces, db.read([](db::Conn& c) {
    return c.query("SELECT namespace FROM blob_keys ORDER BY namespace");
  }));
  blob::KeyRing ring(db, key, SystemClock::instance(), 1);
  for (const auto& row : spaces) {
    auto keys = ring.get(row.text(0));
    if (!keys)
      return fail(Errc::internal, "the key of workspace " + row.text(0) +
                                      " does not unwrap under this instance key");
  }
  if (opened_bytes) {
    RUCHE_TRY(*opened_bytes, open_every_chunk(db, blobs, ring));
  }
  return static_cast<std::uint64_t>(spaces.size());
}

Result<std::unique_ptr<db::Database>> open_copy(const fs::path& path) {
  db::Config dc;
  dc.backend = db::Backend::sqlite;
  dc.sqlite_path = path.string();
  dc.readers = 1;
  return db::open(dc);
}

Result<void> embedded_only(const Config& c, std::string_view what) {
  if (c.database != "sqlite")
    return fail(Errc::invalid,
                std::string(what) +
                    " covers an embedded instance (SQLite). With PostgreSQL, back the database up "
                    "with PostgreSQL's tools (pg_dump, pg_basebackup), then DATA/blobs and the "
                    "instance key (docs/backup.md)");
  if (!c.s3_endpoint.empty())
    return fail(Errc::invalid,
                std::string(what) +
                    " copies chunks from DATA/blobs; this instance keeps them in an S3 bucket: "
                    "back the bucket up with its own tools (docs/backup.md)");
  return {};
}

// `inner` is `outer` or inside it (both made absolute, neither needs to exist).
bool within(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(fs::absolute(inner, ec), ec);
  const fs::path b = fs::weakly_canonical(fs::absolute(outer, ec), ec);
  auto [ai, bi] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  return bi == b.end() || (std::next(bi) == b.end() && bi->empty());
}

}  // namespace

Result<BackupReport> backup(const Config& c, const std::string& to_arg, bool deep) {
  RUCHE_CHECK(embedded_only(c, "ruche backup"));
  const fs::path data = c.data_dir, to = to_arg;
  const fs::path source_db = data / kDatabase;
  std::error_code ec;
  if (!fs::is_regular_file(source_db, ec))
    return fail(Errc::not_found, "no database at " + source_db.string());
  if (within(to, data) || within(data, to))
    return fail(Errc::invalid, "the backup folder " + to.string() + " and the data folder " +
                                   data.string() + " must be apart");
  fs::create_directories(to, ec);
  if (ec) return tl::unexpected(errno_error(ec.value(), "create " + to.string()));
  ::chmod(to.c_str(), 0700);
  RUCHE_TRY(auto present, names_in(to));
  if (!present.empty() && !fs::exists(to / kManifest, ec))
    return fail(Errc::invalid,
                to.string() + " is neither empty nor a Ruche backup (no " + kManifest + ")");
  const bool first = present.empty();

  BackupReport report;
  // An instance key that is not there is not made here (load_instance_key
  // would): nothing in the database would open under a new one.
  if (c.instance_key_base64.empty() && !fs::exists(c.instance_key_file, ec))
    return fail(Errc::not_found, "no instance key at " + c.instance_key_file +
                                     ": without it the backup could never be read");
  RUCHE_TRY(std::string key, load_instance_key(c));
  RUCHE_TRY(auto source, FsChunkStore::open((data / kBlobs).string()));
  // From before the snapshot to the end of the copy, no chunk leaves.
  RUCHE_TRY(auto hold, FsChunkStore::hold_for_backup(source->root()));

  const fs::path next_db = to / (std::string(kDatabase) + ".next");
  fs::remove(next_db, ec);  // an interrupted run's
  RUCHE_TRY(report.database_bytes, db::snapshot_sqlite(source_db.string(), next_db.string()));
  std::vector<fs::path> extra;
  std::unique_ptr<FsChunkStore> target;
  auto copied = [&]() -> Result<void> {
    RUCHE_TRY(auto copied_to, FsChunkStore::open((to / kBlobs).string()));
    target = std::move(copied_to);
    RUCHE_TRY(Mirror m, copy_chunks(*source, *target));
    report.chunks = m.files;
    report.chunks_copied = m.copied;
    report.bytes_copied = m.bytes;
    if (c.instance_key_base64.empty()) {
      RUCHE_CHECK(write_file(to / kKey, key));
      report.key_in_backup = true;
    } else {
      fs::remove(to / kKey, ec);  // not this instance's key any more
    }
    RUCHE_CHECK(sync_file_system(to));
    // The copy checks out before it replaces the previous backup's database.
    RUCHE_TRY(auto copy, open_copy(next_db));
    RUCHE_TRY(report.keys,
              check_contents(*copy, *target, key, deep ? &report.bytes_opened : nullptr));
    RUCHE_TRY(extra, extra_chunks(*source, *target, *copy));
    return {};
  }();
  if (!copied) {
    fs::remove(next_db, ec);
    if (first) {  // a folder that is no backup is left as it was found: empty
      target.reset();
      fs::remove_all(to / kBlobs, ec);
      fs::remove(to / (std::string(kBlobs) + ".backup-lock"), ec);
      fs::remove(to / kKey, ec);
    }
    return tl::unexpected(copied.error());
  }
  // open_copy's connections are closed: their -wal and -shm are gone or empty.
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(next_db.string() + suffix, ec);
  RUCHE_CHECK(files().rename(next_db.string(), (to / kDatabase).string()));
  RUCHE_CHECK(files().sync_dir(to.string()));
  {
    auto released = std::move(hold);  // removals may go on while the old chunks leave the backup
  }
  RUCHE_CHECK(remove_chunks(*target, extra));
  report.chunks_removed = extra.size();

  json::object manifest{{"format", 1},
                        {"created_at", format_iso8601(SystemClock::instance().now_ms())},
                        {"database_bytes", report.database_bytes},
                        {"chunks", report.chunks},
                        {"workspace_keys", report.keys},
                        {"instance_key", report.key_in_backup ? "instance.key" : "configuration"}};
  RUCHE_CHECK(write_file(to / kManifest, json::serialize(manifest) + "\n"));
  return report;
}

Result<RestoreReport> restore(const std::string& from_arg, const Config& c, bool deep) {
  RUCHE_CHECK(embedded_only(c, "ruche restore"));
  const fs::path from = from_arg, data = c.data_dir;
  std::error_code ec;
  if (!fs::is_regular_file(from / kManifest, ec) || !fs::is_regular_file(from / kDatabase, ec))
    return fail(Errc::invalid, from.string() + " is not a complete Ruche backup (no " + kManifest +
                                   " or " + kDatabase + ")");
  if (within(from, data) || within(data, from))
    return fail(Errc::invalid, "the backup folder " + from.string() + " and the data folder " +
                                   data.string() + " must be apart");
  RUCHE_TRY(NodeLock lock, NodeLock::acquire(c));
  RUCHE_TRY(auto target, FsChunkStore::open((data / kBlobs).string()));
  RUCHE_TRY(auto held, target->list_namespaces());
  if (fs::exists(data / kDatabase, ec) || !held.empty())
    return fail(Errc::invalid,
                "the data folder " + data.string() +
                    " already holds an instance: restore into an empty one (move this one aside)");

  // The instance key: the backup's, unless the configuration gives one.
  RUCHE_TRY(auto saved, read_small_file(from / kKey));
  if (c.instance_key_base64.empty()) {
    RUCHE_TRY(auto existing, read_small_file(c.instance_key_file));
    if (!saved && !existing)
      return fail(Errc::invalid,
                  "this backup was made with the instance key in the configuration: configure the "
                  "same key (security.instance_key or RUCHE_INSTANCE_KEY) to restore it");
    if (saved && existing && *saved != *existing)
      return fail(Errc::invalid,
                  c.instance_key_file + " is not the backup's instance key: move it aside");
    if (saved && !existing) {
      fs::create_directories(fs::path(c.instance_key_file).parent_path(), ec);
      RUCHE_CHECK(write_file(c.instance_key_file, *saved));
    }
  } else {
    auto configured = crypto::base64_decode(c.instance_key_base64);
    if (saved && (!configured || *configured != *saved))
      return fail(Errc::invalid, "the configured instance key is not the backup's");
  }

  RestoreReport report;
  const fs::path tmp_db = data / (std::string(kDatabase) + ".restoring");
  fs::remove(tmp_db, ec);
  RUCHE_TRY(report.database_bytes, copy_file_as_is(from / kDatabase, tmp_db));
  RUCHE_TRY(auto source, FsChunkStore::open((from / kBlobs).string()));
  RUCHE_TRY(Mirror m, copy_chunks(*source, *target));
  report.chunks = m.files;
  report.bytes = m.bytes;
  RUCHE_CHECK(sync_file_system(data));
  RUCHE_CHECK(files().rename(tmp_db.string(), (data / kDatabase).string()));
  RUCHE_CHECK(files().sync_dir(data.string()));

  // What the server will find: migrated by this version, then checked.
  RUCHE_TRY(auto database, open_database(c));
  RUCHE_TRY(std::string key, load_instance_key(c));
  RUCHE_TRY(report.keys,
            check_contents(*database, *target, key, deep ? &report.bytes_opened : nullptr));
  platform::AuditLog audit(SystemClock::instance());
  RUCHE_TRY(auto verified, audit.verify(*database));
  if (verified.first_broken_seq)
    return fail(Errc::internal, "the restored audit log is broken at entry " +
                                    std::to_string(*verified.first_broken_seq) + ": " +
                                    verified.problem);
  report.audit_entries = verified.entries;
  return report;
}

}  // namespace ruche::app
