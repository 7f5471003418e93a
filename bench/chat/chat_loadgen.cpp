// bench/chat load generator: N WebSocket receivers in R rooms, posters at an
// offered (open-loop) rate, publish -> deliver latency, server CPU and RSS.
//
// One thread, one epoll, raw non-blocking sockets, a minimal RFC 6455 client
// (masked frames, pongs for pings, no extensions). Two modes:
//
//   ruche: every user opens GET /api/v1/events?token=T and waits for "hello";
//          posters POST /api/v1/channels/{cid}/messages over HTTP/1.1
//          keep-alive connections (a pool; each request carries its poster's
//          Bearer token). Receivers parse message.created frames.
//   xmpp:  RFC 7395 XMPP over WebSocket (subprotocol "xmpp"): open, SASL
//          ANONYMOUS, re-open, bind, MUC join of roomR@MUC/uI with
//          history maxstanzas=0; posters send groupchat messages on their own
//          socket. Receivers parse <message type="groupchat"> bodies.
//
// Every message body is "t=<scheduled monotonic ns> xxxx..." of exactly
// --size bytes; the time is the *scheduled* send time (open loop: a late
// sender or a slow server shows up as latency, never hides it).
//
// Plan: connect (room creators first), settle, measure the server's idle
// RSS, then one measured step at --rate for --duration s, then up to
// --search steps of --search-duration s that look for the highest rate with
// p99 <= --p99-ms and no loss (up x1.5 while passing, then bisect).
// Output: "IDLE ..." and "STEP ..." lines of key=value on stdout; progress on
// stderr.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

// ---------------------------------------------------------------- utilities

std::int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

[[noreturn]] void die(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::fprintf(stderr, "chat_loadgen: ");
  std::vfprintf(stderr, fmt, ap);
  std::fprintf(stderr, "\n");
  va_end(ap);
  std::exit(1);
}

void note(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::fprintf(stderr, "[loadgen] ");
  std::vfprintf(stderr, fmt, ap);
  std::fprintf(stderr, "\n");
  va_end(ap);
}

// Log-linear latency histogram in microseconds, ~0.8 % resolution.
class Histogram {
 public:
  Histogram() : counts_(1024 + 40 * 128, 0) {}
  void add(std::int64_t us) {
    if (us < 0) us = 0;
    ++counts_[index(static_cast<std::uint64_t>(us))];
    ++total_;
    max_ = std::max(max_, us);
  }
  std::uint64_t total() const { return total_; }
  std::int64_t max() const { return max_; }
  // The value at quantile q (0..1), in microseconds.
  double quantile(double q) const {
    if (total_ == 0) return 0;
    std::uint64_t rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total_)));
    if (rank == 0) rank = 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return value(i);
    }
    return static_cast<double>(max_);
  }
  void clear() {
    std::fill(counts_.begin(), counts_.end(), 0);
    total_ = 0;
    max_ = 0;
  }

 private:
  static std::size_t index(std::uint64_t v) {
    if (v < 1024) return v;
    int e = 63 - __builtin_clzll(v);  // >= 10
    if (e > 49) return 1024 + 40 * 128 - 1;
    return 1024 + static_cast<std::size_t>(e - 10) * 128 + ((v >> (e - 7)) & 127);
  }
  static double value(std::size_t i) {
    if (i < 1024) return static_cast<double>(i);
    std::size_t e = (i - 1024) / 128 + 10, m = (i - 1024) % 128;
    double lo = std::ldexp(1.0, static_cast<int>(e)) * (1.0 + static_cast<double>(m) / 128.0);
    return lo * (1.0 + 0.5 / 128.0);
  }
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::int64_t max_ = 0;
};

// CPU ticks (utime + stime) and RSS of a process and all its descendants.
struct ProcSample {
  double cpu_s = 0;
  long rss_kib = 0;
  int processes = 0;
};

bool read_stat(int pid, int& ppid, double& cpu_s) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return false;
  auto rp = line.rfind(')');
  if (rp == std::string::npos) return false;
  std::istringstream rest(line.substr(rp + 2));
  std::string field;
  std::vector<std::string> f;
  while (rest >> field) f.push_back(field);
  // f[0] = state (field 3); ppid = field 4 -> f[1]; utime = 14 -> f[11]; stime = 15 -> f[12]
  if (f.size() < 13) return false;
  ppid = std::atoi(f[1].c_str());
  static const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  cpu_s = (std::strtod(f[11].c_str(), nullptr) + std::strtod(f[12].c_str(), nullptr)) / hz;
  return true;
}

long read_rss_kib(int pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/status", pid);
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

ProcSample sample_tree(const std::vector<int>& roots) {
  ProcSample s;
  if (roots.empty()) return s;
  // pid -> ppid for every process, then the descendants of the roots.
  std::vector<std::pair<int, int>> all;
  std::vector<double> cpu;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      int pid = std::atoi(e->d_name), ppid = 0;
      double c = 0;
      if (read_stat(pid, ppid, c)) {
        all.emplace_back(pid, ppid);
        cpu.push_back(c);
      }
    }
    closedir(d);
  }
  std::vector<int> tree(roots);
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [pid, ppid] : all)
      if (std::find(tree.begin(), tree.end(), ppid) != tree.end() &&
          std::find(tree.begin(), tree.end(), pid) == tree.end()) {
        tree.push_back(pid);
        grew = true;
      }
  }
  for (std::size_t i = 0; i < all.size(); ++i)
    if (std::find(tree.begin(), tree.end(), all[i].first) != tree.end()) {
      s.cpu_s += cpu[i];
      s.rss_kib += read_rss_kib(all[i].first);
      ++s.processes;
    }
  return s;
}

double self_cpu_s() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Busy and total jiffies of one CPU (/proc/stat "cpuN" line): what else
// ran on the server's core shows as busy time the server did not use.
struct CoreSample {
  double busy = 0, total = 0;
};

CoreSample sample_core(int cpu) {
  CoreSample s;
  std::ifstream in("/proc/stat");
  std::string line, want = "cpu" + std::to_string(cpu) + " ";
  while (std::getline(in, line)) {
    if (line.rfind(want, 0) != 0) continue;
    std::istringstream f(line.substr(want.size()));
    double v[8] = {0};
    for (double& x : v) f >> x;
    // user nice system idle iowait irq softirq steal
    s.busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    s.total = s.busy + v[3] + v[4];
  }
  return s;
}

// ---------------------------------------------------------------- options

struct Options {
  std::string mode = "ruche";
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path;                      // WebSocket path (xmpp: /ws)
  std::string tokens;                    // ruche: the seeding tool's tokens file
  int users = 10'000;
  int rooms = 100;
  int posters_per_room = 5;
  int size = 128;
  double rate = 2000;                    // messages/s, the measured step
  double warmup = 3;
  double duration = 20;
  int search = 4;                        // extra steps looking for the highest passing rate
  double search_duration = 5;
  double p99_ms = 100;
  int http_conns = 128;
  int post_port = 0;                     // ruche: where posters post (0: --port), another node
  int connect_concurrency = 200;
  double settle = 2;
  std::vector<int> server_pids;
  std::string domain = "localhost";
  std::string muc = "conference.localhost";
  double connect_timeout = 240;
  double abort_backlog_s = 1.0;          // overload guard (see step())
  int server_cpu = 0;                    // the core the server is pinned to
  int client_cpu = 1;                    // the core this generator is pinned to
};

// ---------------------------------------------------------------- connections

enum class Kind : std::uint8_t { receiver, http };
enum class St : std::uint8_t {
  idle,         // not started
  connecting,   // TCP connect in progress
  upgrading,    // WebSocket handshake sent
  // xmpp
  open1, auth, open2, bind, join,
  ready,        // ruche: hello received; xmpp: in the room; http: connected
  dead
};

struct Conn {
  int fd = -1;
  Kind kind = Kind::receiver;
  St state = St::idle;
  bool want_out = false;
  bool busy = false;            // http: a request in flight
  int user = -1;                // receiver: user index
  std::string in;               // bytes carried over between reads
  std::string out;              // bytes not yet written
  std::string frag;             // a fragmented WebSocket message
  std::int64_t req_sched_ns = 0;
  std::int64_t req_sent_ns = 0;
  std::int64_t req_msg = 0;     // message index of the in-flight request
};

const char kWsKey[] = "dGhlIHNhbXBsZSBub25jZQ==";
const char kWsAccept[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";  // RFC 6455, 1.3

struct User {
  std::string token;   // ruche
  std::string channel; // ruche
  int room = 0;
};

class LoadGen {
 public:
  explicit LoadGen(Options o) : o_(std::move(o)) {}
  int run();

 private:
  // setup
  void load_users();
  sockaddr_in addr_{};
  sockaddr_in post_addr_{};  // posters' (HTTP) connections
  int ep_ = -1;
  std::vector<Conn> conns_;
  std::vector<User> users_;
  std::vector<int> free_http_;  // idle keep-alive connections
  int per_room_ = 0;
  static char rbuf_[1 << 18];

  // connection plumbing
  void start_connect(int idx);
  void on_event(int idx, std::uint32_t events);
  void on_connected(int idx);
  void on_readable(int idx);
  void kill(int idx, const char* why);
  void write_raw(int idx, const char* data, std::size_t n);
  void update_interest(int idx);
  void flush(int idx);

  // websocket
  std::size_t on_ws_bytes(int idx, const char* p, std::size_t n);
  void ws_send(int idx, std::uint8_t opcode, std::string_view payload);
  void on_ws_text(int idx, std::string_view msg);
  void on_ready(int idx);

  // xmpp
  void on_xmpp(int idx, std::string_view msg);

  // http posters
  std::size_t on_http_bytes(int idx, const char* p, std::size_t n);
  void post(std::int64_t msg, std::int64_t sched);

  // load
  void send_message(std::int64_t msg, std::int64_t sched);
  void pump_sends(std::int64_t now);
  void deliver(const char* body_t, std::int64_t now);
  void loop_once(std::int64_t deadline);

  struct StepResult {
    double rate = 0;
    double seconds = 0;
    double deliveries_per_s = 0;
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
    double server_cpu_s = 0;
    double lg_cpu_s = 0;
    std::uint64_t expected = 0, delivered = 0;
    std::uint64_t sent = 0, post_ok = 0, post_429 = 0, post_err = 0, client_drops = 0;
    double post_p50_ms = 0, post_p99_ms = 0;
    std::uint64_t window_frames = 0, window_bytes = 0;
    double server_core_busy_pct = 0, client_core_busy_pct = 0;
    int dropped_conns = 0;
    bool aborted = false;
    bool pass = false;
  };
  StepResult step(double rate, double seconds);
  void print_step(const char* label, const StepResult& r);

  Options o_;
  int connecting_ = 0;          // started and not ready/dead (receivers)
  int ready_ = 0;               // receivers ready
  int dead_ = 0;
  int http_ready_ = 0;

  // sending state
  bool sending_ = false;
  double rate_ = 0;
  std::int64_t t0_ = 0;
  std::int64_t next_msg_ = 0;
  std::string body_pad_;
  std::deque<std::pair<std::int64_t, std::int64_t>> pending_;  // (msg, sched) waiting for a free http conn

  // window accounting (by scheduled time)
  std::int64_t win_lo_ = 0, win_hi_ = 0;
  Histogram lat_, post_lat_;
  std::uint64_t win_delivered_ = 0, win_sent_ = 0, win_post_ok_ = 0, win_post_429_ = 0,
                win_post_err_ = 0, win_drops_ = 0;
  // by receive time
  bool in_window_ = false;
  std::uint64_t win_frames_ = 0, win_bytes_ = 0, win_recv_deliv_ = 0;
  std::uint64_t total_deliveries_ = 0, total_frames_ = 0, total_other_ = 0;
  // this step (every message scheduled since t0_): for the overload guard
  std::uint64_t step_ok_ = 0, step_delivered_ = 0;
  int http_busy_ = 0;
  std::uint64_t backlog() const;
  std::uint64_t errors_logged_ = 0;
  std::uint64_t status_other_ = 0;
};

char LoadGen::rbuf_[1 << 18];

void LoadGen::load_users() {
  users_.resize(static_cast<std::size_t>(o_.users));
  per_room_ = o_.users / o_.rooms;
  if (o_.mode == "ruche") {
    std::ifstream in(o_.tokens);
    if (!in) die("cannot read tokens file %s", o_.tokens.c_str());
    std::string line;
    int i = 0;
    while (std::getline(in, line) && i < o_.users) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream s(line);
      User& u = users_[static_cast<std::size_t>(i)];
      s >> u.token >> u.channel >> u.room;
      ++i;
    }
    if (i < o_.users) die("the tokens file has %d users, %d wanted", i, o_.users);
    // The seeding tool puts user i in room i / (users_seeded / rooms): check the shape.
    for (int k = 0; k < o_.users; ++k)
      if (users_[static_cast<std::size_t>(k)].room != k / per_room_)
        die("the tokens file's rooms do not match --users/--rooms");
  } else {
    for (int k = 0; k < o_.users; ++k) users_[static_cast<std::size_t>(k)].room = k / per_room_;
  }
}

void LoadGen::update_interest(int idx) {
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  bool want = !c.out.empty() || c.state == St::connecting;
  if (want == c.want_out) return;
  c.want_out = want;
  epoll_event ev{};
  ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
  ev.data.u32 = static_cast<std::uint32_t>(idx);
  epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
}

void LoadGen::start_connect(int idx) {
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) die("socket: %s", std::strerror(errno));
  int one = 1;
  setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c.state = St::connecting;
  c.want_out = true;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.u32 = static_cast<std::uint32_t>(idx);
  if (epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev) != 0) die("epoll_ctl: %s", std::strerror(errno));
  if (c.kind == Kind::receiver) ++connecting_;
  const sockaddr_in& to = c.kind == Kind::http ? post_addr_ : addr_;
  int r = connect(c.fd, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  if (r == 0) on_connected(idx);
  else if (errno != EINPROGRESS) kill(idx, "connect");
}

void LoadGen::kill(int idx, const char* why) {
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  if (c.state == St::dead) return;
  if (errors_logged_ < 5) {
    note("connection %d (%s, state %d) lost: %s", idx, c.kind == Kind::http ? "http" : "ws",
         static_cast<int>(c.state), why);
    ++errors_logged_;
  }
  if (c.kind == Kind::receiver) {
    if (c.state == St::ready) --ready_;
    else if (c.state != St::idle) --connecting_;
    ++dead_;
  } else {
    if (c.state == St::ready) --http_ready_;
    std::erase(free_http_, idx);
    if (c.busy) {
      ++win_post_err_;
      --http_busy_;
    }
  }
  if (c.fd >= 0) {
    epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
  }
  c.fd = -1;
  c.state = St::dead;
  c.in.clear();
  c.out.clear();
  c.busy = false;
}

void LoadGen::write_raw(int idx, const char* data, std::size_t n) {
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  if (c.state == St::dead) return;
  if (c.out.empty() && c.state != St::connecting) {
    ssize_t w = ::send(c.fd, data, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        kill(idx, std::strerror(errno));
        return;
      }
      w = 0;
    }
    if (static_cast<std::size_t>(w) == n) return;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  c.out.append(data, n);
  update_interest(idx);
}

void LoadGen::flush(int idx) {
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  while (!c.out.empty()) {
    ssize_t w = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      kill(idx, std::strerror(errno));
      return;
    }
    c.out.erase(0, static_cast<std::size_t>(w));
  }
  if (c.out.empty()) std::string().swap(c.out);
  update_interest(idx);
}

void LoadGen::on_connected(int idx) {
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  if (c.kind == Kind::http) {
    c.state = St::ready;
    ++http_ready_;
    free_http_.push_back(idx);
    update_interest(idx);
    return;
  }
  c.state = St::upgrading;
  update_interest(idx);
  std::string req;
  req.reserve(512);
  if (o_.mode == "ruche") {
    req += "GET /api/v1/events?token=";
    req += users_[static_cast<std::size_t>(c.user)].token;
  } else {
    req += "GET ";
    req += o_.path;
  }
  req += " HTTP/1.1\r\nHost: ";
  req += o_.host + ":" + std::to_string(o_.port);
  req += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
  req += kWsKey;
  req += "\r\nSec-WebSocket-Version: 13\r\n";
  if (o_.mode == "xmpp") req += "Sec-WebSocket-Protocol: xmpp\r\n";
  req += "\r\n";
  write_raw(idx, req.data(), req.size());
}

void LoadGen::on_event(int idx, std::uint32_t events) {
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  if (c.state == St::dead) return;
  if (c.state == St::connecting) {
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        kill(idx, std::strerror(err));
        return;
      }
      on_connected(idx);
    }
    return;
  }
  if (events & EPOLLOUT) flush(idx);
  if (c.state == St::dead) return;
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(idx);
}

void LoadGen::on_readable(int idx) {
  for (int rounds = 0; rounds < 4; ++rounds) {
    Conn& c = conns_[static_cast<std::size_t>(idx)];
    if (c.state == St::dead) return;
    ssize_t n = ::recv(c.fd, rbuf_, sizeof rbuf_, 0);
    if (n == 0) {
      kill(idx, "closed by the server");
      return;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      kill(idx, std::strerror(errno));
      return;
    }
    if (in_window_) win_bytes_ += static_cast<std::uint64_t>(n);
    const char* p = rbuf_;
    std::size_t len = static_cast<std::size_t>(n);
    std::string joined;
    if (!c.in.empty()) {
      joined = std::move(c.in);
      joined.append(p, len);
      c.in.clear();
      p = joined.data();
      len = joined.size();
    }
    std::size_t used = c.kind == Kind::http ? on_http_bytes(idx, p, len) : on_ws_bytes(idx, p, len);
    Conn& c2 = conns_[static_cast<std::size_t>(idx)];
    if (c2.state == St::dead) return;
    if (used < len) c2.in.assign(p + used, len - used);
    else if (c2.in.capacity() > 4096) std::string().swap(c2.in);
    if (static_cast<std::size_t>(n) < sizeof rbuf_) return;
  }
}

// ---------------------------------------------------------------- websocket

std::size_t LoadGen::on_ws_bytes(int idx, const char* p, std::size_t n) {
  std::size_t pos = 0;
  Conn* c = &conns_[static_cast<std::size_t>(idx)];
  if (c->state == St::upgrading) {
    std::string_view v(p, n);
    auto end = v.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      if (n > 16384) kill(idx, "handshake answer too long");
      return 0;
    }
    std::string_view head = v.substr(0, end);
    if (head.substr(0, 12) != "HTTP/1.1 101" || head.find(kWsAccept) == std::string_view::npos) {
      std::string first(head.substr(0, head.find("\r\n")));
      std::string why = "handshake refused: " + first;
      kill(idx, why.c_str());
      return n;
    }
    pos = end + 4;
    if (o_.mode == "ruche") {
      c->state = St::open1;  // waiting for hello
    } else {
      c->state = St::open1;
      std::string open = "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"" + o_.domain +
                         "\" version=\"1.0\"/>";
      ws_send(idx, 1, open);
    }
  }
  while (pos < n) {
    c = &conns_[static_cast<std::size_t>(idx)];
    if (c->state == St::dead) return n;
    const auto* b = reinterpret_cast<const std::uint8_t*>(p + pos);
    std::size_t avail = n - pos;
    if (avail < 2) break;
    bool fin = b[0] & 0x80;
    std::uint8_t opcode = b[0] & 0x0f;
    bool masked = b[1] & 0x80;
    std::uint64_t len = b[1] & 0x7f;
    std::size_t hdr = 2;
    if (len == 126) {
      if (avail < 4) break;
      len = (static_cast<std::uint64_t>(b[2]) << 8) | b[3];
      hdr = 4;
    } else if (len == 127) {
      if (avail < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | b[2 + i];
      hdr = 10;
    }
    if (masked) hdr += 4;  // servers must not mask; tolerate it
    if (len > (16u << 20)) {
      kill(idx, "frame too large");
      return n;
    }
    if (avail < hdr + len) break;
    std::string unmasked;
    std::string_view payload(p + pos + hdr, len);
    if (masked) {
      unmasked.assign(payload);
      const std::uint8_t* key = b + hdr - 4;
      for (std::size_t i = 0; i < unmasked.size(); ++i) unmasked[i] ^= static_cast<char>(key[i & 3]);
      payload = unmasked;
    }
    pos += hdr + len;
    ++total_frames_;
    if (in_window_) ++win_frames_;
    if (opcode == 0x9) {
      ws_send(idx, 0xA, payload);
    } else if (opcode == 0xA) {
      // unsolicited pong
    } else if (opcode == 0x8) {
      std::uint16_t code = payload.size() >= 2 ? static_cast<std::uint16_t>(
                                                     (static_cast<std::uint8_t>(payload[0]) << 8) |
                                                     static_cast<std::uint8_t>(payload[1]))
                                               : 0;
      std::string why = "close frame " + std::to_string(code) + " " +
                        std::string(payload.size() > 2 ? payload.substr(2) : std::string_view());
      kill(idx, why.c_str());
      return n;
    } else if (opcode == 0x0) {
      c->frag.append(payload);
      if (fin) {
        std::string whole = std::move(c->frag);
        c->frag.clear();
        on_ws_text(idx, whole);
      }
    } else if (opcode == 0x1 || opcode == 0x2) {
      if (fin) on_ws_text(idx, payload);
      else c->frag.assign(payload);
    }
  }
  return pos;
}

void LoadGen::ws_send(int idx, std::uint8_t opcode, std::string_view payload) {
  static std::uint32_t rng = 0x9e3779b9u;
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  std::uint32_t key = rng;
  std::string f;
  f.resize(14 + payload.size());
  std::size_t h = 0;
  f[h++] = static_cast<char>(0x80 | opcode);
  if (payload.size() < 126) {
    f[h++] = static_cast<char>(0x80 | payload.size());
  } else if (payload.size() < 65536) {
    f[h++] = static_cast<char>(0x80 | 126);
    f[h++] = static_cast<char>(payload.size() >> 8);
    f[h++] = static_cast<char>(payload.size() & 0xff);
  } else {
    f[h++] = static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i) f[h++] = static_cast<char>((payload.size() >> (8 * i)) & 0xff);
  }
  std::uint8_t k[4];
  std::memcpy(k, &key, 4);
  std::memcpy(&f[h], k, 4);
  h += 4;
  for (std::size_t i = 0; i < payload.size(); ++i)
    f[h + i] = static_cast<char>(payload[i] ^ static_cast<char>(k[i & 3]));
  f.resize(h + payload.size());
  write_raw(idx, f.data(), f.size());
}

void LoadGen::on_ready(int idx) {
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  c.state = St::ready;
  --connecting_;
  ++ready_;
}

void LoadGen::deliver(const char* t, std::int64_t now) {
  // t points at the digits after "t=".
  std::int64_t sched = 0;
  while (*t >= '0' && *t <= '9') sched = sched * 10 + (*t++ - '0');
  ++total_deliveries_;
  if (sched >= t0_) ++step_delivered_;
  if (in_window_) ++win_recv_deliv_;
  if (sched >= win_lo_ && sched < win_hi_) {
    ++win_delivered_;
    lat_.add((now - sched) / 1000);
  }
}

void LoadGen::on_ws_text(int idx, std::string_view msg) {
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  if (o_.mode == "xmpp") {
    if (c.state != St::ready) {
      on_xmpp(idx, msg);
      return;
    }
    // <message ... type="groupchat" ...><body>t=NNN ...</body></message>
    if (msg.size() > 9 && msg.substr(0, 9) == "<message ") {
      static const char tag[] = "<body>t=";
      if (const void* at = memmem(msg.data(), msg.size(), tag, sizeof tag - 1)) {
        deliver(static_cast<const char*>(at) + sizeof tag - 1, now_ns());
        return;
      }
    }
    ++total_other_;
    return;
  }
  // ruche: {"type":"message.created",...,"data":{...,"body":"t=NNN ...",...}}
  static const std::string_view created = "{\"type\":\"message.created\"";
  if (msg.substr(0, created.size()) == created) {
    static const char tag[] = "\"body\":\"t=";
    if (const void* at = memmem(msg.data(), msg.size(), tag, sizeof tag - 1)) {
      deliver(static_cast<const char*>(at) + sizeof tag - 1, now_ns());
      return;
    }
  }
  if (c.state != St::ready && msg.find("\"type\":\"hello\"") != std::string_view::npos) {
    on_ready(idx);
    return;
  }
  ++total_other_;
}

// ---------------------------------------------------------------- xmpp

void LoadGen::on_xmpp(int idx, std::string_view msg) {
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  auto has = [&](std::string_view s) { return msg.find(s) != std::string_view::npos; };
  const User& u = users_[static_cast<std::size_t>(c.user)];
  switch (c.state) {
    case St::open1:
      if (has("<mechanisms")) {
        if (!has("ANONYMOUS")) {
          kill(idx, "the server offers no SASL ANONYMOUS");
          return;
        }
        c.state = St::auth;
        ws_send(idx, 1, "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"ANONYMOUS\"/>");
      }
      break;
    case St::auth:
      if (has("<success")) {
        c.state = St::open2;
        ws_send(idx, 1, "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"" + o_.domain +
                            "\" version=\"1.0\"/>");
      } else if (has("<failure") || has("<challenge")) {
        kill(idx, "SASL ANONYMOUS refused");
      }
      break;
    case St::open2:
      if (has("<bind")) {
        c.state = St::bind;
        ws_send(idx, 1,
                "<iq xmlns=\"jabber:client\" type=\"set\" id=\"bind1\"><bind "
                "xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"/></iq>");
      }
      break;
    case St::bind:
      if (has("bind1")) {
        if (!has("type=\"result\"") && !has("type='result'")) {
          kill(idx, "bind failed");
          return;
        }
        c.state = St::join;
        ws_send(idx, 1,
                "<presence xmlns=\"jabber:client\" to=\"room" + std::to_string(u.room) + "@" + o_.muc +
                    "/u" + std::to_string(c.user) + "-" + std::to_string(getpid()) +
                    "\"><x xmlns=\"http://jabber.org/protocol/muc\"><history maxstanzas=\"0\"/></x>"
                    "</presence>");
      }
      break;
    case St::join:
      if (msg.substr(0, 9) == "<presence") {
        if (has("type=\"error\"") || has("type='error'")) {
          std::string why = "MUC join refused: " + std::string(msg.substr(0, 300));
          kill(idx, why.c_str());
          return;
        }
        bool self = has("code=\"110\"") || has("code='110'");
        if (self) {
          if (has("code=\"201\"") || has("code='201'")) {
            // A new room, locked until configured: accept the default configuration.
            ws_send(idx, 1,
                    "<iq xmlns=\"jabber:client\" type=\"set\" id=\"cfg1\" to=\"room" +
                        std::to_string(u.room) + "@" + o_.muc +
                        "\"><query xmlns=\"http://jabber.org/protocol/muc#owner\"><x "
                        "xmlns=\"jabber:x:data\" type=\"submit\"/></query></iq>");
            c.state = St::bind;  // reuse: wait for the cfg1 answer below
            c.frag.clear();
            c.req_msg = -2;
            return;
          }
          on_ready(idx);
        }
      }
      break;
    default:
      break;
  }
  // The instant-room configuration answer (state bind with req_msg == -2).
  if (c.state == St::bind && c.req_msg == -2 && has("cfg1")) {
    if (!has("type=\"result\"") && !has("type='result'")) {
      std::string why = "room configuration refused: " + std::string(msg.substr(0, 300));
      kill(idx, why.c_str());
      return;
    }
    c.req_msg = 0;
    on_ready(idx);
  }
}

// ---------------------------------------------------------------- http posters

std::size_t LoadGen::on_http_bytes(int idx, const char* p, std::size_t n) {
  std::size_t pos = 0;
  while (pos < n) {
    std::string_view v(p + pos, n - pos);
    auto end = v.find("\r\n\r\n");
    if (end == std::string_view::npos) break;
    std::string_view head = v.substr(0, end);
    std::size_t clen = 0;
    bool close_after = false;
    std::size_t line = head.find("\r\n");
    while (line != std::string_view::npos) {
      std::size_t next = head.find("\r\n", line + 2);
      std::string_view h = head.substr(line + 2, next == std::string_view::npos ? std::string_view::npos
                                                                                 : next - line - 2);
      if (h.size() > 15 && strncasecmp(h.data(), "content-length:", 15) == 0)
        clen = static_cast<std::size_t>(std::atol(std::string(h.substr(15)).c_str()));
      else if (h.size() > 11 && strncasecmp(h.data(), "connection:", 11) == 0 &&
               h.find("close") != std::string_view::npos)
        close_after = true;
      line = next;
    }
    if (v.size() < end + 4 + clen) break;
    int status = head.size() > 12 ? std::atoi(std::string(head.substr(9, 3)).c_str()) : 0;
    Conn& c = conns_[static_cast<std::size_t>(idx)];
    std::int64_t now = now_ns();
    bool counted = c.req_sched_ns >= win_lo_ && c.req_sched_ns < win_hi_;
    if (status == 201) {
      if (c.req_sched_ns >= t0_) ++step_ok_;
      if (counted) {
        ++win_post_ok_;
        post_lat_.add((now - c.req_sent_ns) / 1000);
      }
    } else {
      if (counted) (status == 429 ? win_post_429_ : win_post_err_)++;
      ++status_other_;
      if (errors_logged_ < 5) {
        ++errors_logged_;
        note("POST answered %d: %.*s", status, static_cast<int>(std::min<std::size_t>(clen, 200)),
             v.data() + end + 4);
      }
    }
    pos += end + 4 + clen;
    c.busy = false;
    --http_busy_;
    if (close_after) {
      kill(idx, "the server closed a keep-alive connection");
      return n;
    }
    if (!pending_.empty()) {
      auto [msg, sched] = pending_.front();
      pending_.pop_front();
      free_http_.push_back(idx);
      post(msg, sched);
    } else {
      free_http_.push_back(idx);
    }
  }
  return pos;
}

void LoadGen::post(std::int64_t msg, std::int64_t sched) {
  if (free_http_.empty()) {
    if (pending_.size() >= 100'000) {
      if (sched >= win_lo_ && sched < win_hi_) ++win_drops_;
      return;
    }
    pending_.emplace_back(msg, sched);
    return;
  }
  int idx = free_http_.back();
  free_http_.pop_back();
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  int room = static_cast<int>(msg % o_.rooms);
  int poster = static_cast<int>((msg / o_.rooms) % o_.posters_per_room);
  const User& u = users_[static_cast<std::size_t>(room * per_room_ + poster)];
  char t[32];
  int tl = std::snprintf(t, sizeof t, "t=%" PRId64 " ", sched);
  std::string body = "{\"body\":\"";
  body.append(t, static_cast<std::size_t>(tl));
  body.append(body_pad_, 0, static_cast<std::size_t>(std::max(0, o_.size - tl)));
  body += "\"}";
  std::string req;
  req.reserve(400 + body.size());
  req += "POST /api/v1/channels/";
  req += u.channel;
  req += "/messages HTTP/1.1\r\nHost: ";
  req += o_.host;
  req += "\r\nAuthorization: Bearer ";
  req += u.token;
  req += "\r\nContent-Type: application/json\r\nContent-Length: ";
  req += std::to_string(body.size());
  req += "\r\n\r\n";
  req += body;
  c.busy = true;
  ++http_busy_;
  c.req_sched_ns = sched;
  c.req_sent_ns = now_ns();
  c.req_msg = msg;
  write_raw(idx, req.data(), req.size());
}

// ---------------------------------------------------------------- load

void LoadGen::send_message(std::int64_t msg, std::int64_t sched) {
  if (sched >= win_lo_ && sched < win_hi_) ++win_sent_;
  if (o_.mode == "ruche") {
    post(msg, sched);
    return;
  }
  int room = static_cast<int>(msg % o_.rooms);
  int poster = static_cast<int>((msg / o_.rooms) % o_.posters_per_room);
  int idx = room * per_room_ + poster;
  Conn& c = conns_[static_cast<std::size_t>(idx)];
  if (c.state != St::ready) {
    if (sched >= win_lo_ && sched < win_hi_) ++win_post_err_;
    return;
  }
  char t[32];
  int tl = std::snprintf(t, sizeof t, "t=%" PRId64 " ", sched);
  std::string stanza = "<message xmlns=\"jabber:client\" to=\"room" + std::to_string(room) + "@" + o_.muc +
                       "\" type=\"groupchat\"><body>";
  stanza.append(t, static_cast<std::size_t>(tl));
  stanza.append(body_pad_, 0, static_cast<std::size_t>(std::max(0, o_.size - tl)));
  stanza += "</body></message>";
  if (sched >= win_lo_ && sched < win_hi_) ++win_post_ok_;  // no acknowledgement in MUC
  ++step_ok_;
  ws_send(idx, 1, stanza);
}

void LoadGen::pump_sends(std::int64_t now) {
  if (!sending_) return;
  for (int budget = 0; budget < 2000; ++budget) {
    std::int64_t sched = t0_ + static_cast<std::int64_t>(static_cast<double>(next_msg_) * 1e9 / rate_);
    if (sched > now) return;
    send_message(next_msg_++, sched);
  }
}

std::uint64_t LoadGen::backlog() const {
  std::uint64_t per = static_cast<std::uint64_t>(per_room_);
  std::uint64_t posted = step_ok_ * per;
  std::uint64_t outstanding = posted > step_delivered_ ? posted - step_delivered_ : 0;
  return outstanding + (pending_.size() + static_cast<std::uint64_t>(http_busy_)) * per;
}

void LoadGen::loop_once(std::int64_t deadline) {
  static epoll_event events[1024];
  std::int64_t now = now_ns();
  pump_sends(now);
  std::int64_t wake = deadline;
  if (sending_) {
    std::int64_t sched = t0_ + static_cast<std::int64_t>(static_cast<double>(next_msg_) * 1e9 / rate_);
    wake = std::min(wake, sched);
  }
  std::int64_t wait = std::max<std::int64_t>(0, wake - now_ns());
  wait = std::min<std::int64_t>(wait, 50'000'000);
  timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
  int n = epoll_pwait2(ep_, events, 1024, &ts, nullptr);
  if (n < 0) {
    if (errno == EINTR) return;
    die("epoll_pwait2: %s", std::strerror(errno));
  }
  for (int i = 0; i < n; ++i) on_event(static_cast<int>(events[i].data.u32), events[i].events);
}

LoadGen::StepResult LoadGen::step(double rate, double seconds) {
  StepResult r;
  r.rate = rate;
  r.seconds = seconds;
  int dead_before = dead_;
  // Warm-up at the same rate, then the window, then a short tail at the
  // same rate (so the window's last messages meet the same load), then a
  // drain without sending.
  lat_.clear();
  post_lat_.clear();
  win_delivered_ = win_sent_ = win_post_ok_ = win_post_429_ = win_post_err_ = win_drops_ = 0;
  win_frames_ = win_bytes_ = win_recv_deliv_ = 0;
  rate_ = rate;
  next_msg_ = 0;
  t0_ = now_ns();
  std::int64_t lo = t0_ + static_cast<std::int64_t>(o_.warmup * 1e9);
  std::int64_t hi = lo + static_cast<std::int64_t>(seconds * 1e9);
  win_lo_ = lo;
  win_hi_ = hi;
  step_ok_ = step_delivered_ = 0;
  sending_ = true;
  // Overload guard: more than --abort-backlog seconds of deliveries
  // outstanding (posted or queued, not yet received) stops the offered load
  // at once, so an overloaded server does not pile up minutes of backlog.
  // The window then lasts while the server works the backlog off (at most
  // 3 s): deliveries/s and CPU are then measured at saturation.
  const std::uint64_t limit = static_cast<std::uint64_t>(
      std::max(20000.0, rate * per_room_ * o_.abort_backlog_s));
  bool started = false, aborted = false;
  std::int64_t abort_deadline = 0, w0 = 0, w1 = 0;
  ProcSample s0, s1;
  CoreSample sc0, cc0, sc1, cc1;
  double lg0 = 0, lg1 = 0;
  auto start_window = [&] {
    started = true;
    s0 = sample_tree(o_.server_pids);
    sc0 = sample_core(o_.server_cpu);
    cc0 = sample_core(o_.client_cpu);
    lg0 = self_cpu_s();
    w0 = now_ns();
    in_window_ = true;
  };
  while (true) {
    std::int64_t now = now_ns();
    if (!aborted && sending_ && backlog() > limit) {
      aborted = true;
      sending_ = false;
      abort_deadline = now + 3'000'000'000;
      if (!started) {  // every message of the step counts
        win_lo_ = t0_;
        win_sent_ = static_cast<std::uint64_t>(next_msg_);
        win_post_ok_ = step_ok_;
        win_delivered_ = step_delivered_;  // (their latencies before now are not sampled)
      }
      win_hi_ = std::min(win_hi_, now);
      note("rate %.0f: over %.1f s of deliveries outstanding after %.1f s: offered load stopped",
           rate, o_.abort_backlog_s, static_cast<double>(now - t0_) / 1e9);
    }
    if (!started && (now >= lo || aborted)) start_window();
    if (started && ((!aborted && now >= hi) ||
                    (aborted && (now >= abort_deadline || backlog() < limit / 20)))) {
      in_window_ = false;
      w1 = now_ns();
      s1 = sample_tree(o_.server_pids);
      sc1 = sample_core(o_.server_cpu);
      cc1 = sample_core(o_.client_cpu);
      lg1 = self_cpu_s();
      break;
    }
    loop_once(!started ? lo : aborted ? abort_deadline : hi);
  }
  auto pct = [](const CoreSample& a, const CoreSample& b) {
    return b.total > a.total ? 100 * (b.busy - a.busy) / (b.total - a.total) : 0.0;
  };
  r.server_core_busy_pct = pct(sc0, sc1);
  r.client_core_busy_pct = pct(cc0, cc1);
  double wall = static_cast<double>(w1 - w0) / 1e9;
  if (!aborted) {
    std::int64_t tail = hi + 1'000'000'000;
    while (now_ns() < tail && backlog() <= limit) loop_once(tail);
  }
  sending_ = false;
  // Drain: until every delivery of the window's messages arrived (and every
  // post was answered), or 10 s.
  std::int64_t drain_end = now_ns() + 10'000'000'000;
  auto expected = [&] { return (win_post_ok_) * static_cast<std::uint64_t>(per_room_); };
  while (now_ns() < drain_end) {
    bool posts_done = pending_.empty() && http_busy_ == 0;
    if (posts_done && win_delivered_ >= expected()) break;
    loop_once(drain_end);
  }
  // Let a backlog (failed steps) finish before the next step: wait for 1 s of silence.
  std::uint64_t last = total_frames_;
  std::int64_t quiet_until = now_ns() + 1'000'000'000, give_up = now_ns() + 30'000'000'000;
  while (now_ns() < quiet_until && now_ns() < give_up) {
    loop_once(quiet_until);
    if (total_frames_ != last) {
      last = total_frames_;
      quiet_until = std::max(quiet_until, now_ns() + 300'000'000);
    }
  }
  pending_.clear();

  r.expected = expected();
  r.delivered = win_delivered_;
  r.sent = win_sent_;
  r.post_ok = win_post_ok_;
  r.post_429 = win_post_429_;
  r.post_err = win_post_err_;
  r.client_drops = win_drops_;
  r.server_cpu_s = s1.cpu_s - s0.cpu_s;
  r.lg_cpu_s = lg1 - lg0;
  r.deliveries_per_s = static_cast<double>(win_recv_deliv_) / wall;
  r.window_frames = win_frames_;
  r.window_bytes = win_bytes_;
  r.seconds = wall;
  r.p50_ms = lat_.quantile(0.50) / 1000;
  r.p99_ms = lat_.quantile(0.99) / 1000;
  r.max_ms = static_cast<double>(lat_.max()) / 1000;
  r.post_p50_ms = post_lat_.quantile(0.50) / 1000;
  r.post_p99_ms = post_lat_.quantile(0.99) / 1000;
  r.dropped_conns = dead_ - dead_before;
  double offered_deliveries = rate * static_cast<double>(per_room_);
  bool complete = r.expected > 0 && r.delivered >= r.expected &&
                  r.post_ok >= r.sent && r.client_drops == 0;
  // Missing deliveries count as latency beyond the drain: p99 holds only if
  // fewer than 1 % are missing.
  if (r.delivered < r.expected) {
    double missing = static_cast<double>(r.expected - r.delivered) / static_cast<double>(r.expected);
    if (missing > 0.01) r.p99_ms = std::max(r.p99_ms, 10'000.0);
  }
  r.aborted = aborted;
  r.pass = !aborted && complete && r.p99_ms <= o_.p99_ms && r.deliveries_per_s >= 0.97 * offered_deliveries &&
           r.dropped_conns == 0;
  return r;
}

void LoadGen::print_step(const char* label, const StepResult& r) {
  std::printf(
      "STEP mode=%s label=%s rate=%.0f seconds=%.2f offered_dps=%.0f deliveries_per_s=%.0f "
      "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f expected=%" PRIu64 " delivered=%" PRIu64 " sent=%" PRIu64
      " post_ok=%" PRIu64 " post_429=%" PRIu64 " post_err=%" PRIu64 " client_drops=%" PRIu64
      " post_p50_ms=%.2f post_p99_ms=%.2f server_cpu_s=%.3f cpu_per_1k=%.5f lg_cpu_s=%.3f "
      "lg_cpu_pct=%.1f server_cpu_pct=%.1f server_core_busy_pct=%.1f client_core_busy_pct=%.1f "
      "frames=%" PRIu64 " mbytes=%.1f dropped_conns=%d aborted=%d pass=%d\n",
      o_.mode.c_str(), label, r.rate, r.seconds, r.rate * per_room_, r.deliveries_per_s, r.p50_ms,
      r.p99_ms, r.max_ms, r.expected, r.delivered, r.sent, r.post_ok, r.post_429, r.post_err,
      r.client_drops, r.post_p50_ms, r.post_p99_ms, r.server_cpu_s,
      r.deliveries_per_s > 0 ? r.server_cpu_s / (r.deliveries_per_s * r.seconds / 1000) : 0,
      r.lg_cpu_s, 100 * r.lg_cpu_s / r.seconds, 100 * r.server_cpu_s / r.seconds,
      r.server_core_busy_pct, r.client_core_busy_pct, r.window_frames,
      static_cast<double>(r.window_bytes) / 1e6, r.dropped_conns, r.aborted ? 1 : 0,
      r.pass ? 1 : 0);
  std::fflush(stdout);
  note("%s rate %.0f msg/s: %.0f deliveries/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, "
       "delivered %" PRIu64 "/%" PRIu64 ", server CPU %.0f %% (its core %.0f %% busy), loadgen CPU "
       "%.0f %% (its core %.0f %% busy), %s",
       label, r.rate, r.deliveries_per_s, r.p50_ms, r.p99_ms, r.max_ms, r.delivered, r.expected,
       100 * r.server_cpu_s / r.seconds, r.server_core_busy_pct, 100 * r.lg_cpu_s / r.seconds,
       r.client_core_busy_pct, r.pass ? "pass" : "FAIL");
}

int LoadGen::run() {
  if (o_.users % o_.rooms != 0) die("--users must be a multiple of --rooms");
  load_users();
  if (o_.posters_per_room > per_room_) die("more posters than members per room");
  body_pad_.assign(static_cast<std::size_t>(std::max(o_.size, 64)), 'x');
  addr_.sin_family = AF_INET;
  addr_.sin_port = htons(static_cast<std::uint16_t>(o_.port));
  if (inet_pton(AF_INET, o_.host.c_str(), &addr_.sin_addr) != 1) die("bad --host");
  post_addr_ = addr_;
  if (o_.post_port > 0) post_addr_.sin_port = htons(static_cast<std::uint16_t>(o_.post_port));
  ep_ = epoll_create1(EPOLL_CLOEXEC);
  int http = o_.mode == "ruche" ? o_.http_conns : 0;
  conns_.resize(static_cast<std::size_t>(o_.users + http));
  for (int i = 0; i < o_.users; ++i) conns_[static_cast<std::size_t>(i)].user = i;
  for (int i = 0; i < http; ++i) conns_[static_cast<std::size_t>(o_.users + i)].kind = Kind::http;

  ProcSample before = sample_tree(o_.server_pids);
  double lg_before = self_cpu_s();
  std::int64_t c0 = now_ns();
  std::int64_t give_up = c0 + static_cast<std::int64_t>(o_.connect_timeout * 1e9);
  // Room creators first (xmpp creates rooms on the first join), then everyone.
  std::vector<int> order;
  for (int r = 0; r < o_.rooms; ++r) order.push_back(r * per_room_);
  std::size_t first_wave = order.size();
  for (int i = 0; i < o_.users; ++i)
    if (i % per_room_ != 0) order.push_back(i);
  std::size_t next = 0;
  std::int64_t last_note = c0;
  while (now_ns() < give_up) {
    std::size_t limit = next < first_wave ? first_wave : order.size();
    if (next == first_wave && ready_ + dead_ < static_cast<int>(first_wave)) limit = first_wave;
    while (next < limit && connecting_ < o_.connect_concurrency) start_connect(order[next++]);
    if (ready_ + dead_ == o_.users) break;
    loop_once(now_ns() + 20'000'000);
    if (now_ns() - last_note > 5'000'000'000) {
      last_note = now_ns();
      note("connecting: %d ready, %d in progress, %d failed", ready_, connecting_, dead_);
    }
  }
  double connect_s = static_cast<double>(now_ns() - c0) / 1e9;
  double lg_connect = self_cpu_s() - lg_before;
  note("%d/%d WebSockets ready in %.1f s (%d failed)", ready_, o_.users, connect_s, dead_);
  if (ready_ < o_.users) die("only %d of %d connections came up", ready_, o_.users);
  for (int i = 0; i < http; ++i) start_connect(o_.users + i);
  std::int64_t settle_end = now_ns() + static_cast<std::int64_t>(o_.settle * 1e9);
  while (now_ns() < settle_end) loop_once(settle_end);
  ProcSample idle = sample_tree(o_.server_pids);
  std::printf("IDLE mode=%s conns=%d http_conns=%d connect_s=%.2f lg_connect_cpu_s=%.2f "
              "server_rss_before_kib=%ld server_rss_idle_kib=%ld rss_per_conn_kib=%.2f "
              "server_processes=%d server_connect_cpu_s=%.2f other_frames=%" PRIu64 "\n",
              o_.mode.c_str(), ready_, http_ready_, connect_s, lg_connect, before.rss_kib, idle.rss_kib,
              static_cast<double>(idle.rss_kib - before.rss_kib) / ready_, idle.processes,
              idle.cpu_s - before.cpu_s, total_other_);
  std::fflush(stdout);
  if (http > 0 && http_ready_ < http) die("only %d of %d poster connections came up", http_ready_, http);
  if (o_.mode == "ruche" && o_.rate / (o_.rooms * o_.posters_per_room) > 90)
    note("warning: %.0f posts/s per poster user exceeds Ruche's per-user write limit (100/s)",
         o_.rate / (o_.rooms * o_.posters_per_room));

  StepResult main = step(o_.rate, o_.duration);
  print_step("main", main);
  // The search: up by x1.5 while passing; below a failing rate, start from
  // 80 % of the throughput an overloaded step measured (its saturation
  // point), else halve; then bisect between the best pass and the lowest
  // fail. Rates are rounded to 10 messages/s.
  double lo = main.pass ? o_.rate : 0, hi = main.pass ? 0 : o_.rate;
  double capacity = main.aborted ? main.deliveries_per_s / per_room_ : 0;
  for (int i = 0; i < o_.search; ++i) {
    double rate;
    if (hi == 0) rate = lo * 1.5;
    else if (lo == 0) rate = capacity > 0 ? std::min(hi / 2, 0.8 * capacity) : hi / 2;
    else rate = (lo + hi) / 2;
    rate = std::round(rate / 10) * 10;
    if (rate <= lo || (hi > 0 && rate >= hi) || rate < 10) break;
    double max_poster_rate = o_.mode == "ruche" ? 95.0 * o_.rooms * o_.posters_per_room : 1e12;
    if (rate > max_poster_rate) break;
    StepResult s = step(rate, o_.search_duration);
    print_step("search", s);
    if (s.pass) {
      lo = rate;
    } else {
      hi = rate;
      if (s.aborted) capacity = s.deliveries_per_s / per_room_;
    }
  }
  std::printf("MAX mode=%s max_sustained_rate=%.0f max_sustained_dps=%.0f first_failing_rate=%.0f\n",
              o_.mode.c_str(), lo, lo * per_room_, hi);
  std::printf("TOTAL mode=%s deliveries=%" PRIu64 " frames=%" PRIu64 " other_frames=%" PRIu64
              " http_non_201=%" PRIu64 " dead=%d\n",
              o_.mode.c_str(), total_deliveries_, total_frames_, total_other_, status_other_, dead_);
  std::fflush(stdout);
  for (auto& c : conns_)
    if (c.fd >= 0) close(c.fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) die("%s needs a value", a.c_str());
      return argv[++i];
    };
    if (a == "--mode") o.mode = next();
    else if (a == "--host") o.host = next();
    else if (a == "--port") o.port = std::stoi(next());
    else if (a == "--path") o.path = next();
    else if (a == "--tokens") o.tokens = next();
    else if (a == "--users") o.users = std::stoi(next());
    else if (a == "--rooms") o.rooms = std::stoi(next());
    else if (a == "--posters-per-room") o.posters_per_room = std::stoi(next());
    else if (a == "--size") o.size = std::stoi(next());
    else if (a == "--rate") o.rate = std::stod(next());
    else if (a == "--warmup") o.warmup = std::stod(next());
    else if (a == "--duration") o.duration = std::stod(next());
    else if (a == "--search") o.search = std::stoi(next());
    else if (a == "--search-duration") o.search_duration = std::stod(next());
    else if (a == "--p99-ms") o.p99_ms = std::stod(next());
    else if (a == "--http-conns") o.http_conns = std::stoi(next());
    else if (a == "--post-port") o.post_port = std::stoi(next());
    else if (a == "--connect-concurrency") o.connect_concurrency = std::stoi(next());
    else if (a == "--settle") o.settle = std::stod(next());
    else if (a == "--server-pid") o.server_pids.push_back(std::stoi(next()));
    else if (a == "--domain") o.domain = next();
    else if (a == "--muc") o.muc = next();
    else if (a == "--connect-timeout") o.connect_timeout = std::stod(next());
    else if (a == "--server-cpu") o.server_cpu = std::stoi(next());
    else if (a == "--abort-backlog") o.abort_backlog_s = std::stod(next());
    else if (a == "--client-cpu") o.client_cpu = std::stoi(next());
    else die("unknown option %s (see the comment at the top of chat_loadgen.cpp)", a.c_str());
  }
  if (o.mode != "ruche" && o.mode != "xmpp") die("--mode ruche|xmpp");
  if (o.port <= 0) die("--port is required");
  if (o.mode == "ruche" && o.tokens.empty()) die("--tokens is required in ruche mode");
  if (o.mode == "xmpp" && o.path.empty()) o.path = "/ws";
  if (o.size < 40) die("--size must be at least 40 bytes");
  rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < static_cast<rlim_t>(o.users + o.http_conns + 64))
    die("the open-file limit (%lu) is below the connections wanted", static_cast<unsigned long>(rl.rlim_cur));
  return LoadGen(o).run();
}
