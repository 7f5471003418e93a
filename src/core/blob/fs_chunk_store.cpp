#include "core/blob/fs_chunk_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/blob/chunker.hpp"
#include "core/crypto/aead.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"

namespace ruche::blob {
namespace {

constexpr std::string_view kTempPrefix = ".tmp-";
constexpr std::string_view kTombPrefix = ".gc-";
// Beside the root, not in it: nothing in the root but chunks and their temporaries.
constexpr std::string_view kBackupLockSuffix = ".backup-lock";
// The largest object a chunk can be: a maximal chunk, sealed.
constexpr std::uint64_t kMaxStoredBytes = kMaxChunkSizeCeiling + crypto::kSealOverhead;

bool is_name_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

bool all_name_chars(std::string_view s) {
  return std::all_of(s.begin(), s.end(), is_name_char);
}

bool is_shard(std::string_view s) {
  return s.size() == kShardChars && all_name_chars(s);
}

std::string random_suffix() {
  return crypto::hex_encode(crypto::random_bytes(8));
}

Result<void> check_names(std::string_view ns, std::string_view id) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  if (!is_valid_chunk_id(id)) return fail(Errc::invalid, "invalid chunk id");
  return {};
}

}  // namespace

bool is_valid_namespace(std::string_view ns) {
  return !ns.empty() && ns.size() <= kMaxNamespaceChars && all_name_chars(ns);
}

bool is_valid_chunk_id(std::string_view id) {
  return id.size() >= kMinChunkIdChars && id.size() <= kMaxChunkIdChars && all_name_chars(id);
}

int open_lock(const std::string& root) {
  const std::string path = root + std::string(kBackupLockSuffix);
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

FsChunkStore::FsChunkStore(std::string root, FileSystem& fs, const Clock& clock)
    : root_(std::move(root)), fs_(fs), clock_(clock), lock_fd_(open_lock(root_)) {}

FsChunkStore::~FsChunkStore() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

FsChunkStore::BackupHold::~BackupHold() {
  if (fd_ >= 0) ::close(fd_);  // drops the lock
}

Result<FsChunkStore::BackupHold> FsChunkStore::hold_for_backup(const std::string& root) {
  const int fd = open_lock(root);
  if (fd < 0)
    return fail(Errc::unavailable, "cannot open " + root + std::string(kBackupLockSuffix));
  BackupHold hold(fd);
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0)
    return fail(Errc::unavailable, "cannot lock " + root + std::string(kBackupLockSuffix));
  return hold;
}

FsChunkStore::Removing FsChunkStore::begin_removal() {
  std::lock_guard lock(removals_mu_);
  // One lock per open file: this process's removals share it.
  if (lock_fd_ >= 0 && removals_ == 0 && ::flock(lock_fd_, LOCK_SH | LOCK_NB) != 0)
    return Removing(nullptr);
  ++removals_;
  return Removing(this);
}

void FsChunkStore::end_removal() {
  std::lock_guard lock(removals_mu_);
  if (--removals_ == 0 && lock_fd_ >= 0) (void)::flock(lock_fd_, LOCK_UN);
}

Result<std::unique_ptr<FsChunkStore>> FsChunkStore::open(std::string root, FileSystem& fs,
                                                         const Clock& clock) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (root.empty()) return fail(Errc::invalid, "blob store root is empty");
  // mkdir -p, one component at a time.
  for (std::size_t slash = root.find('/', 1);; slash = root.find('/', slash + 1)) {
    const std::string dir = root.substr(0, slash);
    RUCHE_TRY(bool created, fs.make_dir(dir));
    (void)created;
    if (slash == std::string::npos) break;
  }
  return std::unique_ptr<FsChunkStore>(new FsChunkStore(std::move(root), fs, clock));
}

std::string FsChunkStore::chunk_path(std::string_view ns, std::string_view id) const {
  std::string path = root_;
  path += '/';
  path += ns;
  path += '/';
  path += id.substr(0, kShardChars);
  path += '/';
  path += id;
  return path;
}

Result<void> FsChunkStore::ensure_dir(const std::string& path, const std::string& parent) {
  RUCHE_TRY(bool created, fs_.make_dir(path));
  // A new directory entry is durable only once its parent is synced.
  if (created) RUCHE_CHECK(fs_.sync_dir(parent));
  return {};
}

Result<bool> FsChunkStore::put(std::string_view ns, std::string_view id, std::string_view sealed) {
  RUCHE_CHECK(check_names(ns, id));
  const std::string path = chunk_path(ns, id);
  const std::int64_t now_ms = clock_.now_ms();
  RUCHE_TRY(auto info, fs_.stat(path));
  if (info) {
    auto touched = fs_.set_mtime(path, now_ms);
    if (touched) return false;
    // Gone between the two calls (collected): store it again below.
    if (touched.error().code != Errc::not_found) return tl::unexpected(touched.error());
  }

  const std::string ns_dir = root_ + '/' + std::string(ns);
  const std::string shard_dir = ns_dir + '/' + std::string(id.substr(0, kShardChars));
  RUCHE_CHECK(ensure_dir(ns_dir, root_));
  RUCHE_CHECK(ensure_dir(shard_dir, ns_dir));

  const std::string tmp = shard_dir + '/' + std::string(kTempPrefix) + random_suffix();
  auto written = [&]() -> Result<void> {
    RUCHE_TRY(auto file, fs_.create_new(tmp));
    RUCHE_CHECK(file->append(sealed));
    // The age is set before the fsync so that it is durable with the data.
    RUCHE_CHECK(fs_.set_mtime(tmp, now_ms));
    RUCHE_CHECK(file->sync());
    RUCHE_CHECK(file->close());
    return fs_.rename(tmp, path);
  }();
  if (!written) {
    // Best effort: if this fails too, remove_stale_temporaries() finds it.
    (void)fs_.remove(tmp);
    return tl::unexpected(written.error());
  }
  // The chunk is now visible; the rename is durable once the directory is.
  RUCHE_CHECK(fs_.sync_dir(shard_dir));
  return true;
}

Result<std::string> FsChunkStore::get(std::string_view ns, std::string_view id) {
  RUCHE_CHECK(check_names(ns, id));
  return fs_.read_file(chunk_path(ns, id), kMaxStoredBytes);
}

Result<bool> FsChunkStore::exists(std::string_view ns, std::string_view id) {
  RUCHE_CHECK(check_names(ns, id));
  RUCHE_TRY(auto info, fs_.stat(chunk_path(ns, id)));
  return info.has_value() && !info->is_dir;
}

Result<bool> FsChunkStore::touch(std::string_view ns, std::string_view id) {
  RUCHE_CHECK(check_names(ns, id));
  auto r = fs_.set_mtime(chunk_path(ns, id), clock_.now_ms());
  if (r) return true;
  if (r.error().code == Errc::not_found) return false;
  return tl::unexpected(r.error());
}

namespace {
const Error kBackupRunning{
    Errc::unavailable, "a backup is copying the chunks: try again when it ends", {}};
}  // namespace

Result<bool> FsChunkStore::remove(std::string_view ns, std::string_view id) {
  RUCHE_CHECK(check_names(ns, id));
  const Removing turn = begin_removal();
  if (!turn) return tl::unexpected(kBackupRunning);
  return fs_.remove(chunk_path(ns, id));
}

Result<Removal> FsChunkStore::remove_if_older(std::string_view ns, std::string_view id,
                                              std::int64_t cutoff_ms) {
  RUCHE_CHECK(check_names(ns, id));
  const std::string path = chunk_path(ns, id);
  const std::string tomb = root_ + '/' + std::string(ns) + '/' +
                           std::string(id.substr(0, kShardChars)) + '/' + std::string(kTombPrefix) +
                           std::string(id) + '-' + random_suffix();
  const Removing turn = begin_removal();
  if (!turn) return Removal::too_recent;
  // After this rename no touch() can reach the file: the age read below is
  // final, and a writer touching from now on stores the chunk again.
  if (auto moved = fs_.rename(path, tomb); !moved) {
    if (moved.error().code == Errc::not_found) return Removal::absent;
    return tl::unexpected(moved.error());
  }
  auto info = fs_.stat(tomb);
  if (info && !*info) return Removal::absent;
  if (!info || (*info)->mtime_ms >= cutoff_ms) {
    // Put it back (over an equal copy a writer may have stored meanwhile).
    auto back = fs_.rename(tomb, path);
    if (!back && back.error().code != Errc::not_found) return tl::unexpected(back.error());
    if (!info) return tl::unexpected(info.error());
    return Removal::too_recent;
  }
  RUCHE_TRY(bool removed, fs_.remove(tomb));
  return removed ? Removal::removed : Removal::absent;
}

Result<void> FsChunkStore::list(std::string_view ns, FunctionRef<bool(std::string_view id)> fn) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  const std::string ns_dir = root_ + '/' + std::string(ns);
  auto shards = fs_.list_dir(ns_dir);
  if (!shards) {
    if (shards.error().code == Errc::not_found) return {};
    return tl::unexpected(shards.error());
  }
  std::erase_if(*shards, [](const std::string& s) { return !is_shard(s); });
  std::sort(shards->begin(), shards->end());
  for (const std::string& shard : *shards) {
    auto names = fs_.list_dir(ns_dir + '/' + shard);
    if (!names) {
      if (names.error().code == Errc::not_found) continue;
      return tl::unexpected(names.error());
    }
    std::erase_if(*names, [&](const std::string& n) {
      return !is_valid_chunk_id(n) || n.compare(0, kShardChars, shard) != 0;
    });
    std::sort(names->begin(), names->end());
    for (const std::string& id : *names) {
      if (!fn(id)) return {};
    }
  }
  return {};
}

Result<std::vector<std::string>> FsChunkStore::list_namespaces() {
  RUCHE_TRY(auto names, fs_.list_dir(root_));
  std::erase_if(names, [](const std::string& n) { return !is_valid_namespace(n); });
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::uint64_t> FsChunkStore::remove_stale_temporaries(std::string_view ns,
                                                             std::int64_t cutoff_ms) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  const std::string ns_dir = root_ + '/' + std::string(ns);
  auto shards = fs_.list_dir(ns_dir);
  if (!shards) {
    if (shards.error().code == Errc::not_found) return std::uint64_t{0};
    return tl::unexpected(shards.error());
  }
  std::uint64_t handled = 0;
  for (const std::string& shard : *shards) {
    if (!is_shard(shard)) continue;
    const std::string shard_dir = ns_dir + '/' + shard;
    auto names = fs_.list_dir(shard_dir);
    if (!names) {
      if (names.error().code == Errc::not_found) continue;
      return tl::unexpected(names.error());
    }
    for (const std::string& name : *names) {
      const std::string path = shard_dir + '/' + name;
      if (name.starts_with(kTempPrefix)) {
        RUCHE_TRY(auto info, fs_.stat(path));
        if (!info || info->mtime_ms >= cutoff_ms) continue;
        RUCHE_TRY(bool removed, fs_.remove(path));
        if (removed) ++handled;
      } else if (name.starts_with(kTombPrefix)) {
        // A collection was interrupted between its rename and its decision:
        // the chunk may still be wanted, so it goes back under its id (unless
        // an equal copy is there) and the next collection decides again.
        const std::string_view rest = std::string_view(name).substr(kTombPrefix.size());
        const std::string_view id = rest.substr(0, rest.rfind('-'));
        if (!is_valid_chunk_id(id) || id.substr(0, kShardChars) != shard) continue;
        RUCHE_TRY(auto info, fs_.stat(path));
        if (!info || info->mtime_ms >= cutoff_ms) continue;
        RUCHE_TRY(bool present, exists(ns, id));
        if (present) {
          RUCHE_TRY(bool removed, fs_.remove(path));
          (void)removed;
        } else {
          auto back = fs_.rename(path, chunk_path(ns, id));
          if (!back && back.error().code != Errc::not_found) return tl::unexpected(back.error());
        }
        ++handled;
      }
    }
  }
  return handled;
}

Result<void> FsChunkStore::remove_namespace(std::string_view ns) {
  if (!is_valid_namespace(ns)) return fail(Errc::invalid, "invalid blob namespace");
  const Removing turn = begin_removal();
  if (!turn) return tl::unexpected(kBackupRunning);
  const std::string ns_dir = root_ + '/' + std::string(ns);
  auto shards = fs_.list_dir(ns_dir);
  if (!shards) {
    if (shards.error().code == Errc::not_found) return {};
    return tl::unexpected(shards.error());
  }
  for (const std::string& shard : *shards) {
    const std::string shard_dir = ns_dir + '/' + shard;
    auto names = fs_.list_dir(shard_dir);
    if (!names) {
      if (names.error().code == Errc::not_found) continue;
      return tl::unexpected(names.error());
    }
    for (const std::string& name : *names) {
      RUCHE_TRY(bool removed, fs_.remove(shard_dir + '/' + name));
      (void)removed;
    }
    RUCHE_TRY(bool removed, fs_.remove_dir(shard_dir));
    (void)removed;
  }
  RUCHE_TRY(bool removed, fs_.remove_dir(ns_dir));
  (void)removed;
  return fs_.sync_dir(root_);
}

}  // namespace ruche::blob
