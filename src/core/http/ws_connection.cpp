#include "core/http/ws_connection.hpp"

#include "core/http/ws_frame.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>

#include <array>
#include <chrono>
#include <cstring>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "base/log.hpp"
#include "base/utf8.hpp"

namespace ruche::http {

namespace net = boost::asio;

namespace {

constexpr std::uint8_t kContinuation = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8,
                       kPing = 0x9, kPong = 0xA;

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One read buffer per I/O thread: idle connections own none.
std::uint8_t* read_buffer(std::size_t& size) {
  thread_local std::array<std::uint8_t, 64 * 1024> buf;
  size = buf.size();
  return buf.data();
}

// Connections of one I/O thread with frames from other threads waiting: one
// handler drains them all, so an event for 100 members of a channel costs
// that thread one wake-up, not 100.
class DrainService final : public net::execution_context::service {
 public:
  static inline net::execution_context::id id;
  explicit DrainService(net::execution_context& ctx) : service(ctx) {}

  void add(net::io_context& io, std::shared_ptr<WsConnection> c) {
    bool schedule;
    {
      std::lock_guard lock(mu_);
      ready_.push_back(std::move(c));
      schedule = !scheduled_;
      scheduled_ = true;
    }
    if (schedule) net::post(io, [this] { run(); });
  }

 private:
  void run() {
    std::vector<std::shared_ptr<WsConnection>> batch;
    {
      std::lock_guard lock(mu_);
      batch.swap(ready_);
      scheduled_ = false;
    }
    for (auto& c : batch) c->drain_incoming();
  }
  void shutdown() override {
    std::lock_guard lock(mu_);
    ready_.clear();
  }

  std::mutex mu_;
  std::vector<std::shared_ptr<WsConnection>> ready_;
  bool scheduled_ = false;
};

}  // namespace

WsConnection::WsConnection(Socket socket, std::string remote, WsLimits limits)
    : socket_(std::move(socket)), remote_(std::move(remote)), limits_(limits) {}

WsConnection::~WsConnection() = default;

void WsConnection::start(std::shared_ptr<WebSocketHandler> handler, std::string early,
                         std::function<void()> on_gone) {
  handler_ = std::move(handler);
  on_gone_ = std::move(on_gone);
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  last_heard_ms_ = steady_ms();
  handler_->on_open(shared_from_this());
  if (!early.empty()) {
    std::size_t used =
        consume(reinterpret_cast<const std::uint8_t*>(early.data()), early.size());
    if (used == SIZE_MAX) return;
    partial_.assign(early, used, std::string::npos);
  }
  wait_readable();
}

void WsConnection::wait_readable() {
  if (finished_) return;
  socket_.async_wait(Socket::wait_read,
                     [self = shared_from_this()](boost::system::error_code ec) {
                       if (ec) {
                         self->finish();
                         return;
                       }
                       self->on_readable();
                     });
}

void WsConnection::on_readable() {
  std::size_t cap;
  std::uint8_t* buf = read_buffer(cap);
  boost::system::error_code ec;
  std::size_t n = socket_.read_some(net::buffer(buf, cap), ec);
  if (ec == net::error::would_block || ec == net::error::try_again) {
    wait_readable();
    return;
  }
  if (ec || n == 0) {
    finish();
    return;
  }
  last_heard_ms_ = steady_ms();
  ping_outstanding_ = false;
  if (partial_.empty()) {
    std::size_t used = consume(buf, n);
    if (used == SIZE_MAX) return;
    if (used < n) partial_.assign(reinterpret_cast<const char*>(buf) + used, n - used);
  } else {
    partial_.append(reinterpret_cast<const char*>(buf), n);
    std::size_t used =
        consume(reinterpret_cast<const std::uint8_t*>(partial_.data()), partial_.size());
    if (used == SIZE_MAX) return;
    partial_.erase(0, used);
    if (partial_.empty()) partial_.shrink_to_fit();
  }
  // A frame that can never complete is refused before it is buffered whole.
  if (partial_.size() > limits_.max_message_bytes + 14) {
    fail(1009, "message too big");
    return;
  }
  wait_readable();
}

std::size_t WsConnection::consume(const std::uint8_t* d, std::size_t size) {
  std::size_t pos = 0;
  while (pos < size) {
    ws::ClientFrame f = ws::parse_client_frame(d + pos, size - pos, limits_.max_message_bytes);
    if (f.status == ws::ClientFrame::Status::need_more) break;
    if (f.status == ws::ClientFrame::Status::error) {
      fail(f.close_code, f.reason);
      return SIZE_MAX;
    }
    pos += f.size;
    if (!on_frame(f.opcode, f.fin, f.payload)) return SIZE_MAX;
  }
  return pos;
}

bool WsConnection::on_frame(std::uint8_t opcode, bool fin, std::string_view payload) {
  switch (opcode) {
    case kPing:
      if (!close_sent_) enqueue(kPong, std::make_shared<const std::string>(payload), false);
      return true;
    case kPong:
      return true;
    case kClose: {
      close_received_ = true;
      std::uint16_t code = 1000;
      if (payload.size() == 1) {
        fail(1002, "bad close frame");
        return false;
      }
      if (payload.size() >= 2) {
        code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                          static_cast<std::uint8_t>(payload[1]));
        bool ok_code = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
                       (code >= 3000 && code <= 4999);
        if (!ok_code || !valid_utf8(payload.substr(2))) {
          fail(1002, "bad close frame");
          return false;
        }
      }
      if (close_sent_) {
        finish();
      } else {
        std::string echo;
        echo += static_cast<char>(code >> 8);
        echo += static_cast<char>(code & 0xFF);
        enqueue(kClose, std::make_shared<const std::string>(std::move(echo)), false);
        close_sent_ = true;
        close_sent_ms_ = steady_ms();
      }
      return false;
    }
    case kText:
    case kBinary:
    case kContinuation: {
      if (close_sent_) return true;  // draining until the peer's close
      if (opcode == kContinuation && !in_message_) {
        fail(1002, "continuation without a message");
        return false;
      }
      if (opcode != kContinuation && in_message_) {
        fail(1002, "new message inside a fragmented one");
        return false;
      }
      if (opcode == kBinary) {
        fail(1003, "text messages only");
        return false;
      }
      if (message_.size() + payload.size() > limits_.max_message_bytes) {
        fail(1009, "message too big");
        return false;
      }
      if (!fin) {
        in_message_ = true;
        message_.append(payload);
        return true;
      }
      std::string_view whole = payload;
      if (in_message_) {
        message_.append(payload);
        whole = message_;
      }
      if (!valid_utf8(whole)) {
        fail(1007, "text is not UTF-8");
        return false;
      }
      handler_->on_message(whole);
      in_message_ = false;
      message_.clear();
      if (message_.capacity() > 4096) message_.shrink_to_fit();
      return !finished_;
    }
    default:
      fail(1002, "unknown opcode");
      return false;
  }
}

WsConnection::Frame WsConnection::make_frame(std::uint8_t opcode,
                                             std::shared_ptr<const std::string> payload) {
  Frame f;
  std::size_t len = payload->size();
  f.header[0] = static_cast<std::uint8_t>(0x80 | opcode);
  if (len < 126) {
    f.header[1] = static_cast<std::uint8_t>(len);
    f.header_len = 2;
  } else if (len < 65536) {
    f.header[1] = 126;
    f.header[2] = static_cast<std::uint8_t>(len >> 8);
    f.header[3] = static_cast<std::uint8_t>(len & 0xFF);
    f.header_len = 4;
  } else {
    f.header[1] = 127;
    for (int i = 0; i < 8; ++i)
      f.header[2 + i] =
          static_cast<std::uint8_t>((static_cast<std::uint64_t>(len) >> (56 - 8 * i)) & 0xFF);
    f.header_len = 10;
  }
  f.payload = std::move(payload);
  f.is_close = opcode == kClose;
  return f;
}

void WsConnection::enqueue(std::uint8_t opcode, std::shared_ptr<const std::string> payload,
                           bool count) {
  if (finished_) {
    if (count) queued_.fetch_sub(payload->size());
    return;
  }
  if (!count) queued_.fetch_add(payload->size());
  queue_.push_back(make_frame(opcode, std::move(payload)));
  if (queue_.size() > kQueueKept) grown_ = true;
  if (!writing_) write_next();
}

void WsConnection::write_next() {
  // Writes straight from the queue while the socket takes it (one sendmsg()
  // per round of queued frames, nothing for the event loop to complete);
  // only a full socket waits for writability. Most deliveries are one small
  // frame to a socket with room: the write costs that system call alone.
  constexpr std::size_t kMaxFrames = 64, kMaxBytes = 256 * 1024;
  while (!queue_.empty() && !finished_) {
    iovec iov[2 * kMaxFrames];
    std::size_t n_iov = 0, bytes = 0, frames = 0;
    std::size_t skip = head_sent_;  // bytes of the first frame already out
    while (frames < queue_.size() && frames < kMaxFrames && (frames == 0 || bytes < kMaxBytes)) {
      const Frame& f = queue_[frames++];
      auto add = [&](const void* p, std::size_t len) {
        if (skip >= len) {
          skip -= len;
          return;
        }
        iov[n_iov++] = {const_cast<char*>(static_cast<const char*>(p)) + skip, len - skip};
        bytes += len - skip;
        skip = 0;
      };
      add(f.header, f.header_len);
      add(f.payload->data(), f.payload->size());
      if (f.is_close) break;
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = n_iov;
    const ssize_t w = ::sendmsg(socket_.native_handle(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (w <= 0) {
      finish_soon();
      return;
    }
    // Frames wholly written leave the queue; a partly written one stays,
    // with its written bytes counted in head_sent_.
    std::size_t done = head_sent_ + static_cast<std::size_t>(w);
    bool closed_ours = false;
    while (!queue_.empty()) {
      const Frame& f = queue_.front();
      std::size_t size = f.header_len + f.payload->size();
      if (done < size) break;
      done -= size;
      queued_.fetch_sub(f.payload->size());
      closed_ours = closed_ours || f.is_close;
      queue_.pop_front();
    }
    head_sent_ = done;
    if (closed_ours) {
      // Our close is out: no more data frames; the peer's close (or the
      // sweep) ends it.
      boost::system::error_code ignore;
      socket_.shutdown(Socket::shutdown_send, ignore);
      if (close_received_) {
        finish_soon();
        return;
      }
      for (auto& f : queue_) queued_.fetch_sub(f.payload->size());
      queue_.clear();
    }
  }
  if (queue_.empty() || finished_) {
    writing_ = false;
    // A burst may have grown the queue: its memory goes back (an idle
    // connection keeps the empty queue's own).
    if (queue_.empty() && grown_) {
      std::deque<Frame>().swap(queue_);
      grown_ = false;
    }
    return;
  }
  // The socket is full: wait until it takes more.
  writing_ = true;
  socket_.async_wait(Socket::wait_write, [self = shared_from_this()](boost::system::error_code ec) {
    if (ec) {
      self->finish();
      return;
    }
    self->write_next();
  });
}

void WsConnection::finish_soon() {
  // Not within the call that queued the frame: its caller (a handler
  // holding its own lock, a loop over the thread's connections) must not
  // see the connection end under it, as it could not with a write that
  // completes later. Nothing more is written meanwhile.
  writing_ = true;
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->finish(); });
}

void WsConnection::drain_incoming() {
  {
    std::lock_guard lock(incoming_mu_);
    drain_scheduled_ = false;
    for (auto& text : incoming_) {
      if (close_sent_ || finished_) {
        queued_.fetch_sub(text->size());
        continue;
      }
      // Queued without writing yet: one gather write takes them all.
      queue_.push_back(make_frame(kText, std::move(text)));
    }
    // Kept for the next batch, unless a burst made it large.
    if (incoming_.capacity() > 64) std::vector<std::shared_ptr<const std::string>>().swap(incoming_);
    else incoming_.clear();
  }
  if (queue_.size() > kQueueKept) grown_ = true;
  if (!writing_) write_next();
}

bool WsConnection::send(std::shared_ptr<const std::string> text) {
  std::size_t size = text->size();
  std::size_t queued = queued_.fetch_add(size) + size;
  if (queued > limits_.max_queued_bytes) {
    queued_.fetch_sub(size);
    // A reader this slow is dropped: memory must not grow with it.
    if (dropping_.exchange(true)) return false;
    net::post(socket_.get_executor(), [self = shared_from_this()] {
      log::info("websocket.slow_reader_dropped", {{"remote", self->remote_}});
      self->finish();
    });
    return false;
  }
  bool schedule;
  {
    std::lock_guard lock(incoming_mu_);
    incoming_.push_back(std::move(text));
    schedule = !drain_scheduled_;
    drain_scheduled_ = true;
  }
  if (schedule) {
    auto& io = static_cast<net::io_context&>(net::query(socket_.get_executor(), net::execution::context));
    if (io.get_executor().running_in_this_thread()) {
      // From the connection's own thread (a handler answering a message)
      // the frame is queued at once, keeping order with what follows.
      drain_incoming();
    } else {
      net::use_service<DrainService>(io).add(io, shared_from_this());
    }
  }
  return true;
}

void WsConnection::close(std::uint16_t code, std::string_view reason) {
  net::post(socket_.get_executor(),
            [self = shared_from_this(), code, r = std::string(reason)] { self->begin_close(code, r); });
}

void WsConnection::begin_close(std::uint16_t code, std::string_view reason) {
  if (close_sent_ || finished_) return;
  std::string payload;
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xFF);
  payload.append(reason.substr(0, 120));
  close_sent_ = true;
  close_sent_ms_ = steady_ms();
  enqueue(kClose, std::make_shared<const std::string>(std::move(payload)), false);
}

void WsConnection::fail(std::uint16_t code, std::string_view reason) {
  begin_close(code, reason);
  close_received_ = true;  // nothing more is read; close once our frame is out
  if (!writing_) finish();
}

void WsConnection::sweep(std::int64_t now_ms) {
  if (finished_) return;
  if (close_sent_) {
    if (now_ms - close_sent_ms_ > limits_.close_timeout_ms) finish();
    return;
  }
  std::int64_t silent = now_ms - last_heard_ms_;
  if (silent > limits_.idle_timeout_ms) {
    finish();
  } else if (silent > limits_.ping_after_ms && !ping_outstanding_) {
    ping_outstanding_ = true;
    static const auto empty = std::make_shared<const std::string>();
    enqueue(kPing, empty, false);
  }
}

void WsConnection::finish() {
  if (finished_) return;
  finished_ = true;
  boost::system::error_code ec;
  socket_.close(ec);
  // Writes hold no pointer into the queue between rounds: it all goes now.
  for (const auto& f : queue_) queued_.fetch_sub(f.payload->size());
  std::deque<Frame>().swap(queue_);
  head_sent_ = 0;
  partial_.clear();
  message_.clear();
  {
    std::lock_guard lock(incoming_mu_);
    for (auto& t : incoming_) queued_.fetch_sub(t->size());
    incoming_.clear();
  }
  auto handler = std::move(handler_);
  if (handler) handler->on_close();
  if (on_gone_) {
    auto gone = std::move(on_gone_);
    gone();
  }
}

}  // namespace ruche::http
