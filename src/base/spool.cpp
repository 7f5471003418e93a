#include "base/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ruche {
namespace {

// Written to, and read from, the file in pieces of about this size.
constexpr std::size_t kFileBuffer = 256u << 10;

Error file_error(std::string_view what) {
  const int e = errno;
  return Error{e == ENOSPC || e == EDQUOT ? Errc::insufficient_storage : Errc::unavailable,
               "spool: " + std::string(what) + ": " + std::strerror(e),
               {}};
}

}  // namespace

Spool::Spool(std::string folder, std::size_t memory_limit)
    : folder_(std::move(folder)), memory_limit_(memory_limit) {}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

Result<void> Spool::spill() {
  const std::string where = folder_.empty() ? "." : folder_;
  fd_ = ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    std::string name = where + "/.spool-XXXXXX";
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ >= 0) ::unlink(name.c_str());
  }
  if (fd_ < 0) return tl::unexpected(file_error("cannot create a file in " + where));
  return {};
}

Result<void> Spool::flush() {
  std::string_view rest = buf_;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return tl::unexpected(file_error("cannot write"));
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  buf_.clear();
  return {};
}

Result<void> Spool::write(std::string_view bytes) {
  if (reading_) return fail(Errc::internal, "spool: written after rewind()");
  size_ += bytes.size();
  buf_ += bytes;
  if (fd_ < 0 && buf_.size() > memory_limit_) {
    RUCHE_CHECK(spill());
    RUCHE_CHECK(flush());
    buf_.shrink_to_fit();  // the memory given back: the file holds the rest
  }
  if (fd_ >= 0 && buf_.size() >= kFileBuffer) RUCHE_CHECK(flush());
  return {};
}

Result<void> Spool::rewind() {
  if (reading_) return fail(Errc::internal, "spool: rewound twice");
  reading_ = true;
  if (fd_ < 0) return {};
  RUCHE_CHECK(flush());
  if (::lseek(fd_, 0, SEEK_SET) != 0) return tl::unexpected(file_error("cannot rewind"));
  return {};
}

Result<void> Spool::read(std::size_t n, std::string& out) {
  if (!reading_) return fail(Errc::internal, "spool: read before rewind()");
  if (n > left()) return fail(Errc::internal, "spool: read past its end");
  out.clear();
  if (fd_ < 0) {
    out.assign(buf_, static_cast<std::size_t>(read_), n);
    read_ += n;
    return {};
  }
  out.reserve(n);
  while (out.size() < n) {
    if (buf_at_ == buf_.size()) {
      buf_.resize(kFileBuffer);
      ssize_t got;
      do got = ::read(fd_, buf_.data(), buf_.size());
      while (got < 0 && errno == EINTR);
      if (got < 0) return tl::unexpected(file_error("cannot read"));
      if (got == 0) return fail(Errc::internal, "spool: its file ended early");
      buf_.resize(static_cast<std::size_t>(got));
      buf_at_ = 0;
    }
    const std::size_t take = std::min(n - out.size(), buf_.size() - buf_at_);
    out.append(buf_, buf_at_, take);
    buf_at_ += take;
  }
  read_ += n;
  return {};
}

}  // namespace ruche
