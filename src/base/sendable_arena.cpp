#include "base/sendable_arena.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <iterator>

namespace ruche {
namespace {

constexpr std::uint64_t kPage = 4096;

std::uint64_t whole_pages(std::uint64_t n) { return (n + kPage - 1) / kPage * kPage; }

}  // namespace

std::shared_ptr<SendableArena> SendableArena::create(std::uint64_t capacity, const char* name) {
  capacity = whole_pages(capacity);
  if (capacity == 0) return nullptr;
  const int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return nullptr;
  if (::ftruncate(fd, static_cast<off_t>(capacity)) != 0) {
    ::close(fd);
    return nullptr;
  }
  void* base = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    ::close(fd);
    return nullptr;
  }
  return std::shared_ptr<SendableArena>(new SendableArena(fd, static_cast<char*>(base), capacity));
}

SendableArena::SendableArena(int fd, char* base, std::uint64_t capacity)
    : fd_(fd), base_(base), capacity_(capacity) {
  free_.emplace(0, capacity);
}

SendableArena::~SendableArena() {
  ::munmap(base_, capacity_);
  ::close(fd_);
}

SharedBytes SendableArena::copy(std::string_view bytes) {
  if (bytes.empty()) return {};
  const std::uint64_t size = whole_pages(bytes.size());
  std::uint64_t offset = 0;
  {
    std::lock_guard lock(mu_);
    // First fit: regions are few (cache entries) and the list stays short.
    auto it = free_.begin();
    while (it != free_.end() && it->second < size) ++it;
    if (it == free_.end()) return {};
    offset = it->first;
    const std::uint64_t left = it->second - size;
    free_.erase(it);
    if (left > 0) free_.emplace(offset + size, left);
    used_ += size;
  }
  // Written once, here, before anyone else can see the region.
  std::memcpy(base_ + offset, bytes.data(), bytes.size());
  auto self = shared_from_this();
  std::shared_ptr<const void> owner(base_ + offset,
                                    [self, offset, size](const void*) { self->release(offset, size); });
  SharedBytes out;
  out.owner = std::move(owner);
  out.bytes = std::string_view(base_ + offset, bytes.size());
  out.fd = fd_;
  out.fd_offset = offset;
  return out;
}

void SendableArena::release(std::uint64_t offset, std::uint64_t size) {
  // The pages leave the file (and the mapping) now: memory goes back, and
  // the next copy into this range faults in new pages, leaving any page a
  // socket still sends from as it is.
  (void)::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                    static_cast<off_t>(size));
  std::lock_guard lock(mu_);
  used_ -= size;
  auto next = free_.lower_bound(offset);
  if (next != free_.end() && next->first == offset + size) {
    size += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      prev->second += size;
      return;
    }
  }
  free_.emplace(offset, size);
}

std::uint64_t SendableArena::used_bytes() const {
  std::lock_guard lock(mu_);
  return used_;
}

}  // namespace ruche
