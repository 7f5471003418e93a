#include "app/backup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
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

Error io_error(const std::string& what, int err) {
  return Error{err == ENOSPC || err == EDQUOT ? Errc::insufficient_storage : Errc::unavailable,
               what + ": " + std::strerror(err),
               {}};
}

std::string tmp_name() {
  return ".tmp-" + crypto::hex_encode(crypto::random_bytes(8));
}

// Shard folders are the first two characters of their chunks' ids.
bool is_shard(const std::string& s) {
  return s.size() == 2 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
         });
}

// The names in a folder, sorted; none when it does not exist.
Result<std::vector<std::string>> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return out;
    return tl::unexpected(io_error("list " + dir.string(), ec.value()));
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return tl::unexpected(io_error("list " + dir.string(), ec.value()));
    out.push_back(it->path().filename().string());
  }
  if (ec) return tl::unexpected(io_error("list " + dir.string(), ec.value()));
  std::sort(out.begin(), out.end());
  return out;
}

Result<void> make_dir(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return tl::unexpected(io_error("create " + dir.string(), errno));
  return {};
}

// Makes a folder's entries, or everything written on a file system
// (one syncfs instead of an fsync per chunk file) durable.
enum class Sync { folder, file_system };
Result<void> sync_path(const fs::path& p, Sync how) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected(io_error("open " + p.string(), errno));
  const int rc = how == Sync::folder ? ::fsync(fd) : ::syncfs(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return tl::unexpected(io_error("sync " + p.string(), err));
  return {};
}

// Copies file `from` to `to` (a new file, mode 0600) with its modification
// time (a chunk's age). Not synced: the caller syncs the file system.
Result<std::uint64_t> copy_file_as_is(const fs::path& from, const fs::path& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return tl::unexpected(io_error("open " + from.string(), errno));
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } in_closer{in};
  struct stat st {};
  if (::fstat(in, &st) != 0) return tl::unexpected(io_error("stat " + from.string(), errno));
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) return tl::unexpected(io_error("create " + to.string(), errno));
  Closer out_closer{out};
  auto failed = [&](int err) {
    ::unlink(to.c_str());
    return tl::unexpected(io_error("copy " + from.string() + " to " + to.string(), err));
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

// Writes `bytes` as file `to` (mode 0600), atomically and durably.
Result<void> write_file(const fs::path& to, std::string_view bytes) {
  const fs::path tmp = to.parent_path() / tmp_name();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return tl::unexpected(io_error("create " + tmp.string(), errno));
  std::size_t done = 0;
  int err = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  ::close(fd);
  if (err == 0 && ::rename(tmp.c_str(), to.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return tl::unexpected(io_error("write " + to.string(), err));
  }
  return sync_path(to.parent_path(), Sync::folder);
}

Result<std::optional<std::string>> read_small_file(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::optional<std::string>();
  const auto size = fs::file_size(p, ec);
  if (ec || size > 4096) return fail(Errc::invalid, p.string() + " is not what it should be");
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected(io_error("open " + p.string(), errno));
  std::string out(size, '\0');
  const ssize_t n = ::read(fd, out.data(), out.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(size)) return tl::unexpected(io_error("read " + p.string(), EIO));
  return std::optional<std::string>(std::move(out));
}

struct Mirror {
  std::uint64_t files = 0, copied = 0, bytes = 0;
};

// Calls `fn` with each shard folder of chunk store root `root` (its
// namespace and shard names) and the names in it, sorted.
Result<void> each_shard(const fs::path& root,
                        FunctionRef<Result<void>(const std::string& ns, const std::string& shard,
                                                 const std::vector<std::string>& names)>
                            fn) {
  RUCHE_TRY(auto spaces, names_in(root));
  for (const std::string& ns : spaces) {
    if (!blob::is_valid_namespace(ns)) continue;
    RUCHE_TRY(auto shards, names_in(root / ns));
    for (const std::string& shard : shards) {
      if (!is_shard(shard)) continue;
      RUCHE_TRY(auto names, names_in(root / ns / shard));
      RUCHE_CHECK(fn(ns, shard, names));
    }
  }
  return {};
}

// Copies every chunk file of chunk store root `from` that `to` lacks (the
// same name and size: chunk files never change), shard by shard.
Result<Mirror> copy_chunks(const fs::path& from, const fs::path& to) {
  Mirror m;
  RUCHE_CHECK(make_dir(to));
  RUCHE_CHECK(
      each_shard(from,
                 [&](const std::string& ns, const std::string& shard,
                     const std::vector<std::string>& ids) -> Result<void> {
                   bool made = false;
                   for (const std::string& id : ids) {
                     if (!blob::is_valid_chunk_id(id) || !id.starts_with(shard)) continue;
                     const fs::path source = from / ns / shard / id, dest = to / ns / shard / id;
                     struct stat have {
                     }, want{};
                     if (::stat(source.c_str(), &want) != 0) {
                       if (errno == ENOENT)
                         continue;  // not while the backup lock is held; a store used without it
                       return tl::unexpected(io_error("stat " + source.string(), errno));
                     }
                     ++m.files;
                     if (::stat(dest.c_str(), &have) == 0 && have.st_size == want.st_size) continue;
                     if (!made) {
                       RUCHE_CHECK(make_dir(to / ns));
                       RUCHE_CHECK(make_dir(to / ns / shard));
                       made = true;
                     }
                     const fs::path tmp = to / ns / shard / tmp_name();
                     RUCHE_TRY(std::uint64_t n, copy_file_as_is(source, tmp));
                     if (::rename(tmp.c_str(), dest.c_str()) != 0) {
                       const int err = errno;
                       ::unlink(tmp.c_str());
                       return tl::unexpected(io_error("rename " + tmp.string(), err));
                     }
                     ++m.copied;
                     m.bytes += n;
                   }
                   return {};
                 }));
  return m;
}

// The chunk files of chunk store root `to` that neither `from` has nor
// `db` (the database copied into `to`) has a row for: the chunks the
// instance collected since the last backup, and leftovers of an interrupted
// copy. A chunk the instance lost but the database references stays.
Result<std::vector<fs::path>> extra_chunks(const fs::path& from, const fs::path& to,
                                           db::Database& db) {
  std::vector<fs::path> out;
  std::error_code ec;
  RUCHE_CHECK(each_shard(
      to,
      [&](const std::string& ns, const std::string& shard,
          const std::vector<std::string>& names) -> Result<void> {
        for (const std::string& name : names) {
          if (name.starts_with(".tmp-")) {
            out.push_back(to / ns / shard / name);
            continue;
          }
          if (!blob::is_valid_chunk_id(name) || fs::exists(from / ns / shard / name, ec)) continue;
          RUCHE_TRY(auto row, db.read([&](db::Conn& c) {
            return c.query_one("SELECT 1 FROM blob_chunks WHERE namespace = $1 AND id = $2",
                               {ns, name});
          }));
          if (!row) out.push_back(to / ns / shard / name);
        }
        return {};
      }));
  return out;
}

// Removes `files`, then the shard and namespace folders they leave empty.
Result<void> remove_files(const std::vector<fs::path>& files) {
  for (const auto& f : files)
    if (::unlink(f.c_str()) != 0 && errno != ENOENT)
      return tl::unexpected(io_error("remove " + f.string(), errno));
  for (const auto& f : files) {
    ::rmdir(f.parent_path().c_str());  // fails, as it should, unless empty
    ::rmdir(f.parent_path().parent_path().c_str());
  }
  return {};
}

// What a database references is all there, and opens: every chunk it
// references with refs > 0 is a row of blob_small_chunks or a file under
// `blobs` of its sealed size; every workspace key unwraps under `key`; with
// `opened_bytes`, every chunk opens (open_every_chunk: their plaintext size
// there). Returns the number of keys.
// Opens every chunk the database references (files and rows) under its
// workspace's key: a flipped bit anywhere is found. Returns the plaintext
// bytes opened.
Result<std::uint64_t> open_every_chunk(db::Database& db, const fs::path& blobs,
                                       blob::KeyRing& ring) {
  RUCHE_TRY(auto files, blob::FsChunkStore::open(blobs.string()));
  blob::TieredChunkStore store(std::make_unique<blob::DbChunkStore>(db), std::move(files), 0);
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

Result<std::uint64_t> check_contents(db::Database& db, const fs::path& blobs,
                                     const std::string& key, std::uint64_t* opened_bytes) {
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
                          ::stat((blobs / ns / id.substr(0, 2) / id).c_str(), &st) == 0 &&
                          static_cast<std::uint64_t>(st.st_size) == sealed;
          if (!ok && ++missing <= kMissingNamed)
            named += (named.empty() ? "" : ", ") + ns + "/" + id;
          return true;
        });
  }));
  if (missing > 0)
    return fail(Errc::internal, std::to_string(missing) +
                                    " chunks the database references are missing from " +
                                    blobs.string() + " or have another size: " + named +
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
  if (ec) return tl::unexpected(io_error("create " + to.string(), ec.value()));
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
  const fs::path blobs = data / kBlobs;
  RUCHE_CHECK(make_dir(blobs));
  // From before the snapshot to the end of the copy, no chunk leaves.
  RUCHE_TRY(auto hold, blob::FsChunkStore::hold_for_backup(blobs.string()));

  const fs::path next_db = to / (std::string(kDatabase) + ".next");
  fs::remove(next_db, ec);  // an interrupted run's
  RUCHE_TRY(report.database_bytes, db::snapshot_sqlite(source_db.string(), next_db.string()));
  std::vector<fs::path> extra;
  auto copied = [&]() -> Result<void> {
    RUCHE_TRY(Mirror m, copy_chunks(blobs, to / kBlobs));
    report.chunks = m.files;
    report.chunks_copied = m.copied;
    report.bytes_copied = m.bytes;
    if (c.instance_key_base64.empty()) {
      RUCHE_CHECK(write_file(to / kKey, key));
      report.key_in_backup = true;
    } else {
      fs::remove(to / kKey, ec);  // not this instance's key any more
    }
    RUCHE_CHECK(sync_path(to, Sync::file_system));
    // The copy checks out before it replaces the previous backup's database.
    RUCHE_TRY(auto copy, open_copy(next_db));
    RUCHE_TRY(report.keys,
              check_contents(*copy, to / kBlobs, key, deep ? &report.bytes_opened : nullptr));
    RUCHE_TRY(extra, extra_chunks(blobs, to / kBlobs, *copy));
    return {};
  }();
  if (!copied) {
    fs::remove(next_db, ec);
    if (first) {  // a folder that is no backup is left as it was found: empty
      fs::remove_all(to / kBlobs, ec);
      fs::remove(to / kKey, ec);
    }
    return tl::unexpected(copied.error());
  }
  // open_copy's connections are closed: their -wal and -shm are gone or empty.
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(next_db.string() + suffix, ec);
  if (::rename(next_db.c_str(), (to / kDatabase).c_str()) != 0)
    return tl::unexpected(io_error("rename " + next_db.string(), errno));
  RUCHE_CHECK(sync_path(to, Sync::folder));
  {
    auto released = std::move(hold);  // removals may go on while the old chunks leave the backup
  }
  RUCHE_CHECK(remove_files(extra));
  report.chunks_removed =
      static_cast<std::uint64_t>(std::count_if(extra.begin(), extra.end(), [](const fs::path& p) {
        return !p.filename().string().starts_with(".");
      }));

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
  RUCHE_TRY(auto held, names_in(data / kBlobs));
  const bool blobs_empty = std::none_of(
      held.begin(), held.end(), [](const std::string& n) { return blob::is_valid_namespace(n); });
  if (fs::exists(data / kDatabase, ec) || !blobs_empty)
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
  RUCHE_TRY(Mirror m, copy_chunks(from / kBlobs, data / kBlobs));
  report.chunks = m.files;
  report.bytes = m.bytes;
  RUCHE_CHECK(sync_path(data, Sync::file_system));
  if (::rename(tmp_db.c_str(), (data / kDatabase).c_str()) != 0)
    return tl::unexpected(io_error("rename " + tmp_db.string(), errno));
  RUCHE_CHECK(sync_path(data, Sync::folder));

  // What the server will find: migrated by this version, then checked.
  RUCHE_TRY(auto database, open_database(c));
  RUCHE_TRY(std::string key, load_instance_key(c));
  RUCHE_TRY(report.keys,
            check_contents(*database, data / kBlobs, key, deep ? &report.bytes_opened : nullptr));
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
