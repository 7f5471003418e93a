#include "sync/state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/json.hpp"
#include "core/crypto/random.hpp"

namespace ruche::sync {

namespace {

Error io_error(const std::string& what, const std::string& path) {
  return make_error(errno == ENOSPC ? Errc::insufficient_storage : Errc::unavailable,
                    what + " " + path + ": " + std::strerror(errno));
}

// The whole file, or nullopt when it does not exist.
Result<std::optional<std::string>> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return tl::unexpected(io_error("cannot open", path));
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = io_error("cannot read", path);
      ::close(fd);
      return tl::unexpected(e);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(out));
}

Result<std::optional<json::object>> read_json(const std::string& path) {
  RUCHE_TRY(auto text, read_file(path));
  if (!text) return std::optional<json::object>{};
  auto v = json::parse(*text, 8);
  if (!v || !v->is_object())
    return fail(Errc::internal, path + " is damaged: remove it (or the state folder)");
  return std::optional<json::object>(std::move(v->as_object()));
}

std::string str(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
std::int64_t num(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}
bool flag(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_bool() && v->get_bool();
}

json::array problems_json(const std::vector<Problem>& ps) {
  json::array a;
  for (const auto& p : ps) a.push_back(json::object{{"path", p.path}, {"message", p.message}});
  return a;
}
std::vector<Problem> problems_of(const json::object& o, std::string_view k) {
  std::vector<Problem> out;
  if (auto* v = o.if_contains(k); v && v->is_array())
    for (const auto& p : v->as_array())
      if (p.is_object()) out.push_back({str(p.as_object(), "path"), str(p.as_object(), "message")});
  return out;
}

// Workspace ids are the server's; only the characters a file name takes.
std::string safe_id(const std::string& ws) {
  std::string safe;
  for (char c : ws)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_')
      safe.push_back(c);
  return safe;
}
std::string journal_name(const std::string& ws) {
  return "journal-" + safe_id(ws) + ".json";
}
std::string passed_name(const std::string& ws) {
  return "passed-" + safe_id(ws);
}

// The journal as written.
std::string journal_text(const Journal& j) {
  json::object entries;
  for (const auto& [path, e] : j.entries) {
    json::object o{{"id", e.node_id}, {"etag", e.etag}};
    if (e.folder) {
      o["folder"] = true;
    } else {
      o["sha256"] = e.sha256;
      o["size"] = e.size;
      o["mtime_ns"] = e.mtime_ns;
      o["inode"] = e.inode;
      o["remote_mtime_ms"] = e.remote_mtime_ms;
    }
    if (e.folder) o["inode"] = e.inode;
    entries[path] = std::move(o);
  }
  const PassSummary& s = j.last;
  json::object last{{"finished_at_ms", s.finished_at_ms},
                    {"converged", s.converged},
                    {"uploaded", s.uploaded},
                    {"downloaded", s.downloaded},
                    {"deleted_local", s.deleted_local},
                    {"deleted_remote", s.deleted_remote},
                    {"moved", s.moved},
                    {"conflicts", s.conflicts},
                    {"bytes_up", s.bytes_up},
                    {"bytes_down", s.bytes_down},
                    {"errors", problems_json(s.errors)},
                    {"warnings", problems_json(s.warnings)}};
  json::object o{{"version", 1},
                 {"root_etag", j.root_etag},
                 {"entries", std::move(entries)},
                 {"last", std::move(last)}};
  return json::serialize(o);
}

// Whether `a` and `b` hold the same, the time of their last pass aside.
bool same_but_time(const Journal& a, const Journal& b) {
  if (a.root_etag != b.root_etag || a.entries != b.entries) return false;
  PassSummary last = a.last;
  last.finished_at_ms = b.last.finished_at_ms;
  return last == b.last;
}

// A file's modification time in ms since 1970; 0 when it does not exist.
std::int64_t mtime_ms_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

}  // namespace

Result<void> write_file_atomic(const std::string& path, std::string_view data, unsigned mode) {
  std::string tmp = path + ".tmp-" + crypto::new_id();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return tl::unexpected(io_error("cannot create", tmp));
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Error e = io_error("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return tl::unexpected(e);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Error e = io_error("cannot sync", tmp);
    ::unlink(tmp.c_str());
    return tl::unexpected(e);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = io_error("cannot rename", tmp);
    ::unlink(tmp.c_str());
    return tl::unexpected(e);
  }
  std::string dir = path.substr(0, path.rfind('/'));
  if (dir.empty()) dir = "/";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

std::string StateDir::default_path() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x == '/')
    return std::string(x) + "/ruche-sync";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.config/ruche-sync";
}

Result<StateDir> StateDir::open(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.empty()) return fail(Errc::invalid, "the state folder's path is empty");
  // Every missing parent too (~/.config may not exist yet).
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') continue;
    std::string part = path.substr(0, i);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
      return tl::unexpected(io_error("cannot create the state folder", part));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return fail(Errc::invalid, path + " is not a folder");
  return StateDir(std::move(path));
}

Result<void> StateDir::lock() {
  std::string p = path_ + "/lock";
  lock_fd_ = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) return tl::unexpected(io_error("cannot open", p));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    return fail(Errc::conflict, "another ruche-sync is using the state folder " + path_ +
                                    " (ruche-sync run?): stop it, or use another --state");
  }
  return {};
}

bool StateDir::locked_by_other() const {
  if (lock_fd_ >= 0) return false;
  std::string p = path_ + "/lock";
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
  ::close(fd);
  return held;
}

Result<std::optional<Account>> StateDir::account() const {
  RUCHE_TRY(auto o, read_json(path_ + "/account.json"));
  if (!o) return std::optional<Account>{};
  Account a{str(*o, "url"),      str(*o, "email"), str(*o, "user_id"),
            str(*o, "token_id"), str(*o, "token"), str(*o, "ca_file")};
  if (a.url.empty() || a.token.empty()) return std::optional<Account>{};
  return std::optional<Account>(std::move(a));
}

Result<void> StateDir::save_account(const Account& a) const {
  json::object o{{"url", a.url},           {"email", a.email}, {"user_id", a.user_id},
                 {"token_id", a.token_id}, {"token", a.token}, {"ca_file", a.ca_file}};
  return write_file_atomic(path_ + "/account.json", json::serialize(o), 0600);
}

Result<void> StateDir::forget_account() const {
  std::string p = path_ + "/account.json";
  if (::unlink(p.c_str()) != 0 && errno != ENOENT)
    return tl::unexpected(io_error("cannot remove", p));
  return {};
}

Result<std::vector<FolderPair>> StateDir::folders() const {
  RUCHE_TRY(auto o, read_json(path_ + "/folders.json"));
  std::vector<FolderPair> out;
  if (!o) return out;
  if (auto* a = o->if_contains("folders"); a && a->is_array())
    for (const auto& f : a->as_array())
      if (f.is_object())
        out.push_back({str(f.as_object(), "workspace_id"), str(f.as_object(), "workspace_name"),
                       str(f.as_object(), "local_dir")});
  return out;
}

Result<void> StateDir::save_folders(const std::vector<FolderPair>& folders) const {
  json::array a;
  for (const auto& f : folders)
    a.push_back(json::object{{"workspace_id", f.workspace_id},
                             {"workspace_name", f.workspace_name},
                             {"local_dir", f.local_dir}});
  return write_file_atomic(path_ + "/folders.json",
                           json::serialize(json::object{{"folders", std::move(a)}}));
}

Result<Journal> StateDir::journal(const std::string& workspace_id) const {
  const std::string path = path_ + "/" + journal_name(workspace_id);
  RUCHE_TRY(auto text, read_file(path));
  saved_.erase(workspace_id);
  Journal j;
  if (!text) return j;
  auto v = json::parse(*text, 8);
  if (!v || !v->is_object())
    return fail(Errc::internal, path + " is damaged: remove it (or the state folder)");
  const json::object* o = &v->as_object();
  j.root_etag = str(*o, "root_etag");
  if (auto* es = o->if_contains("entries"); es && es->is_object()) {
    for (const auto& [path, v] : es->as_object()) {
      if (!v.is_object()) continue;
      const auto& e = v.as_object();
      JournalEntry je;
      je.folder = flag(e, "folder");
      je.node_id = str(e, "id");
      je.etag = str(e, "etag");
      je.sha256 = str(e, "sha256");
      je.size = num(e, "size");
      je.mtime_ns = num(e, "mtime_ns");
      je.inode = static_cast<std::uint64_t>(num(e, "inode"));
      je.remote_mtime_ms = num(e, "remote_mtime_ms");
      j.entries.emplace(std::string(path), std::move(je));
    }
  }
  if (auto* l = o->if_contains("last"); l && l->is_object()) {
    const auto& p = l->as_object();
    j.last.finished_at_ms = num(p, "finished_at_ms");
    j.last.converged = flag(p, "converged");
    j.last.uploaded = num(p, "uploaded");
    j.last.downloaded = num(p, "downloaded");
    j.last.deleted_local = num(p, "deleted_local");
    j.last.deleted_remote = num(p, "deleted_remote");
    j.last.moved = num(p, "moved");
    j.last.conflicts = num(p, "conflicts");
    j.last.bytes_up = num(p, "bytes_up");
    j.last.bytes_down = num(p, "bytes_down");
    j.last.errors = problems_of(p, "errors");
    j.last.warnings = problems_of(p, "warnings");
  }
  saved_[workspace_id] = j;
  j.last.finished_at_ms =
      std::max(j.last.finished_at_ms, mtime_ms_of(path_ + "/" + passed_name(workspace_id)));
  return j;
}

Result<void> StateDir::save_journal(const std::string& workspace_id, const Journal& j) const {
  if (auto it = saved_.find(workspace_id); it != saved_.end() && same_but_time(j, it->second)) {
    // Nothing changed but the time: the file stays as it is (no write, no
    // fsync), the time goes to passed-<ws>.
    const std::string p = path_ + "/" + passed_name(workspace_id);
    if (::utimensat(AT_FDCWD, p.c_str(), nullptr, 0) != 0) {
      int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd >= 0) ::close(fd);
    }
    return {};
  }
  RUCHE_CHECK(write_file_atomic(path_ + "/" + journal_name(workspace_id), journal_text(j)));
  saved_[workspace_id] = j;
  return {};
}

Result<void> StateDir::forget_journal(const std::string& workspace_id) const {
  saved_.erase(workspace_id);
  std::string p = path_ + "/" + journal_name(workspace_id);
  if (::unlink(p.c_str()) != 0 && errno != ENOENT)
    return tl::unexpected(io_error("cannot remove", p));
  ::unlink((path_ + "/" + passed_name(workspace_id)).c_str());
  return {};
}

}  // namespace ruche::sync
