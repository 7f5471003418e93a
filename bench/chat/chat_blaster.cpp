// bench/chat self-test peer: the cheapest possible "chat server", to show how
// many frames per second chat_loadgen itself can take (SELFTEST=1 in run.sh).
//
//   chat_blaster --users N --rooms R [--frame-bytes B] [--port P]
//
// Speaks just enough of Ruche's API for `chat_loadgen --mode ruche`:
// GET /api/v1/events?token=uI upgrades to a WebSocket (user I, room
// I / (N/R)) and gets a "hello" frame; POST /api/v1/channels/C/messages with
// "Authorization: Bearer uI" answers 201 and sends one message.created frame
// holding the body (padded to B bytes, Ruche's frame size by default) to every
// member of the poster's room, one send() per member and frame, like a real
// server. One thread, epoll, no persistence, no checks. Prints
// "listening on PORT" once ready.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Conn {
  int fd = -1;
  bool ws = false;
  int user = -1;
  std::string in, out;
};

std::vector<Conn> conns;               // by fd
std::vector<std::vector<int>> rooms;   // fds of each room's WebSockets
int ep = -1, per_room = 100;
std::size_t frame_bytes = 650;

void want_out(int fd, bool on) {
  epoll_event ev{};
  ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

void drop(int fd) {
  Conn& c = conns[static_cast<std::size_t>(fd)];
  if (c.ws && c.user >= 0) std::erase(rooms[static_cast<std::size_t>(c.user / per_room)], fd);
  epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
  close(fd);
  c = Conn{};
}

void put(int fd, const char* p, std::size_t n) {
  Conn& c = conns[static_cast<std::size_t>(fd)];
  if (c.out.empty()) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) w = 0;
    if (static_cast<std::size_t>(w) == n) return;
    p += w;
    n -= static_cast<std::size_t>(w);
    want_out(fd, true);
  }
  c.out.append(p, n);
}

std::string text_frame(std::string_view payload) {
  std::string f;
  f += static_cast<char>(0x81);
  if (payload.size() < 126) {
    f += static_cast<char>(payload.size());
  } else {
    f += static_cast<char>(126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xff);
  }
  f += payload;
  return f;
}

int user_of(std::string_view s, std::string_view after) {
  auto at = s.find(after);
  if (at == std::string_view::npos) return -1;
  return std::atoi(std::string(s.substr(at + after.size(), 12)).c_str());
}

// Consumes complete requests (or, on a WebSocket, client frames: ignored).
void on_data(int fd) {
  Conn& c = conns[static_cast<std::size_t>(fd)];
  if (c.ws) {
    c.in.clear();  // pongs and the like
    return;
  }
  while (true) {
    std::string_view v(c.in);
    auto end = v.find("\r\n\r\n");
    if (end == std::string_view::npos) return;
    std::string_view head = v.substr(0, end);
    if (head.substr(0, 4) == "GET ") {
      c.ws = true;
      c.user = user_of(head, "token=u");
      if (c.user < 0 || c.user / per_room >= static_cast<int>(rooms.size())) {
        drop(fd);
        return;
      }
      rooms[static_cast<std::size_t>(c.user / per_room)].push_back(fd);
      c.in.clear();
      std::string r =
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
      r += text_frame("{\"type\":\"hello\",\"workspace_id\":\"\",\"seq\":0,\"data\":{}}");
      put(fd, r.data(), r.size());
      return;
    }
    std::size_t clen = 0;
    auto cl = head.find("Content-Length: ");
    if (cl != std::string_view::npos) clen = static_cast<std::size_t>(std::atol(head.data() + cl + 16));
    if (v.size() < end + 4 + clen) return;
    std::string_view body = v.substr(end + 4, clen);
    int user = user_of(head, "Bearer u");
    auto b = body.find("\"body\":\"");
    auto e = b == std::string_view::npos ? b : body.find('"', b + 8);
    if (user >= 0 && b != std::string_view::npos && e != std::string_view::npos) {
      std::string payload = "{\"type\":\"message.created\",\"workspace_id\":\"w\",\"seq\":1,\"data\":{\"body\":\"";
      payload += body.substr(b + 8, e - b - 8);
      payload += "\",\"pad\":\"";
      std::size_t room = static_cast<std::size_t>(user / per_room);
      if (payload.size() + 3 < frame_bytes) payload.append(frame_bytes - payload.size() - 3, 'p');
      payload += "\"}}";
      std::string frame = text_frame(payload);
      if (room < rooms.size())
        for (int m : rooms[room]) put(m, frame.data(), frame.size());
    }
    static const char ok[] = "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}";
    put(fd, ok, sizeof ok - 1);
    conns[static_cast<std::size_t>(fd)].in.erase(0, end + 4 + clen);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int users = 10'000, nrooms = 100, port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--users") users = std::atoi(argv[i + 1]);
    else if (a == "--rooms") nrooms = std::atoi(argv[i + 1]);
    else if (a == "--frame-bytes") frame_bytes = static_cast<std::size_t>(std::atol(argv[i + 1]));
    else if (a == "--port") port = std::atoi(argv[i + 1]);
  }
  per_room = users / nrooms;
  rooms.resize(static_cast<std::size_t>(nrooms));
  conns.resize(65536);
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(ls, 4096) != 0) {
    std::perror("chat_blaster: bind");
    return 1;
  }
  socklen_t al = sizeof a;
  getsockname(ls, reinterpret_cast<sockaddr*>(&a), &al);
  ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = ls;
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  std::printf("listening on %d\n", ntohs(a.sin_port));
  std::fflush(stdout);
  static char buf[1 << 16];
  epoll_event evs[512];
  while (true) {
    int n = epoll_wait(ep, evs, 512, -1);
    for (int i = 0; i < n; ++i) {
      int fd = evs[i].data.fd;
      if (fd == ls) {
        int s;
        while ((s = accept4(ls, nullptr, nullptr, SOCK_NONBLOCK)) >= 0) {
          if (s >= static_cast<int>(conns.size())) {
            close(s);
            continue;
          }
          setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          conns[static_cast<std::size_t>(s)] = Conn{s};
          epoll_event e{};
          e.events = EPOLLIN;
          e.data.fd = s;
          epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
        }
        continue;
      }
      Conn& c = conns[static_cast<std::size_t>(fd)];
      if (c.fd < 0) continue;
      if (evs[i].events & EPOLLOUT) {
        ssize_t w = send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (w > 0) c.out.erase(0, static_cast<std::size_t>(w));
        if (c.out.empty()) want_out(fd, false);
      }
      if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN)) {
          drop(fd);
          continue;
        }
        if (r > 0) {
          c.in.append(buf, static_cast<std::size_t>(r));
          on_data(fd);
        }
      }
    }
  }
}
