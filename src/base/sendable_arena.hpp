// SendableArena: memory that is also a file, so that the kernel can send it
// to a socket without copying it (sendfile), the way nginx sends files from
// the page cache. One anonymous in-memory file (memfd) mapped once; copy()
// places bytes in it and hands them out as SharedBytes that name the file
// and the offset as well as the mapped view.
//
// Bytes handed out never change: a region is only written by the copy()
// that creates it, and when its last owner goes its pages are punched out
// of the file (their memory returns to the system) before the range can be
// handed out again. A page the kernel still sends from (a socket buffer
// holds a reference to it) stays intact: later copies into that range get
// fresh pages. Regions are whole pages, so two never share one.
//
// Thread-safety: every method is safe to call from several threads; regions
// may outlive the arena's other users (each holds the arena).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>

#include "base/shared_bytes.hpp"

namespace ruche {

class SendableArena : public std::enable_shared_from_this<SendableArena> {
 public:
  // An arena of `capacity` bytes of address space (memory is used only by
  // what is copied in), or nullptr when the system has no memfd or refuses
  // the mapping: the caller then keeps its bytes on the heap.
  static std::shared_ptr<SendableArena> create(std::uint64_t capacity, const char* name);
  ~SendableArena();
  SendableArena(const SendableArena&) = delete;
  SendableArena& operator=(const SendableArena&) = delete;

  // A copy of `bytes` in the arena (fd and fd_offset set), or an empty
  // SharedBytes when no free range is large enough.
  SharedBytes copy(std::string_view bytes);

  std::uint64_t capacity() const { return capacity_; }
  std::uint64_t used_bytes() const;  // whole pages of the regions alive

 private:
  SendableArena(int fd, char* base, std::uint64_t capacity);
  void release(std::uint64_t offset, std::uint64_t size);

  const int fd_;
  char* const base_;
  const std::uint64_t capacity_;
  mutable std::mutex mu_;
  std::map<std::uint64_t, std::uint64_t> free_;  // offset -> size, coalesced
  std::uint64_t used_ = 0;
};

}  // namespace ruche
