#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "base/sendable_arena.hpp"
#include "core/http/client.hpp"
#include "core/http/server.hpp"
#include "core/http/websocket.hpp"

namespace ruche::http {
namespace {

using namespace std::chrono_literals;

// Frame i of the "burst" test: its number, then bytes of both WebSocket
// length classes (the first 40 are 150 KB).
constexpr int kBurstFrames = 3000;
std::string burst_frame(int i) {
  std::size_t size = static_cast<std::size_t>(i < 40 ? 150'000 + i : 20 + i % 200);
  return std::to_string(i) + ":" + std::string(size, static_cast<char>('a' + i % 26));
}

// An echo WebSocket handler: replies "echo:<text>"; "flood" sends a lot.
class EchoHandler : public WebSocketHandler {
 public:
  void on_open(std::shared_ptr<WebSocket> ws) override { ws_ = ws; }
  void on_message(std::string_view text) override {
    if (text == "burst") {
      // Big frames first, to fill the kernel's buffers while the client does
      // not read (writes then stay in flight), then small frames from another
      // thread, one at a time, so the queue grows behind a write in flight.
      for (int i = 0; i < 40; ++i) ws_->send(std::make_shared<const std::string>(burst_frame(i)));
      std::thread([ws = ws_] {
        for (int i = 40; i < kBurstFrames; ++i) {
          ws->send(std::make_shared<const std::string>(burst_frame(i)));
          std::this_thread::sleep_for(std::chrono::microseconds(20));
        }
      }).detach();
      return;
    }
    if (text == "flood") {
      auto big = std::make_shared<const std::string>(256 * 1024, 'x');
      for (int i = 0; i < 64; ++i)
        if (!ws_->send(big)) refused++;
      return;
    }
    ws_->send(std::make_shared<const std::string>("echo:" + std::string(text)));
  }
  void on_close() override { closed++; }
  std::shared_ptr<WebSocket> ws_;
  static inline std::atomic<int> closed{0};
  static inline std::atomic<int> refused{0};
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/hello", [](Request&) {
      Response r;
      r.body = "hello";
      return r;
    });
    router_.add("POST", "/echo", [](Request& req) {
      Response r;
      r.body = req.body;
      return r;
    }, RouteOptions{.max_body_bytes = 1024});
    router_.add("PUT", "/upload", [](Request& req) {
      std::vector<char> buf(256 * 1024);
      std::uint64_t total = 0, sum = 0;
      while (true) {
        auto n = req.body_reader->read(buf.data(), buf.size());
        if (!n) {
          body_failures++;
          return error_response(n.error());
        }
        if (*n == 0) break;
        for (std::size_t i = 0; i < *n; ++i) sum += static_cast<unsigned char>(buf[i]);
        total += *n;
      }
      Response r;
      r.body = std::to_string(total) + ":" + std::to_string(sum);
      return r;
    }, RouteOptions{.body = BodyMode::stream, .max_body_bytes = 0});
    router_.add("PUT", "/small-stream", [](Request& req) {
      char buf[100];
      std::uint64_t total = 0;
      while (true) {
        auto n = req.body_reader->read(buf, sizeof buf);
        if (!n) return error_response(n.error());
        if (*n == 0) break;
        total += *n;
      }
      Response r;
      r.body = std::to_string(total);
      return r;
    }, RouteOptions{.body = BodyMode::stream, .max_body_bytes = 1000});
    router_.add("PUT", "/read-some", [](Request& req) {
      std::vector<char> buf(100 * 1024);
      std::size_t got = 0;
      while (got < buf.size()) {
        auto n = req.body_reader->read(buf.data() + got, buf.size() - got);
        if (!n || *n == 0) return error_response(Errc::invalid, "short");
        got += *n;
      }
      Response r;
      r.body = "read " + std::to_string(got);
      return r;
    }, RouteOptions{.body = BodyMode::stream, .max_body_bytes = 0});
    router_.add("PUT", "/refuse-stream", [](Request&) { return error_response(Errc::forbidden, "no"); },
                RouteOptions{.body = BodyMode::stream, .max_body_bytes = 0});
    router_.add("GET", "/download/{mib}", [](Request& req) {
      std::uint64_t mib = std::stoull(std::string(req.param("mib")));
      Response r;
      r.content_length = mib << 20;
      r.stream = [mib](BodyWriter& w) -> Result<void> {
        std::string chunk(1 << 20, 'd');
        for (std::uint64_t i = 0; i < mib; ++i) RUCHE_CHECK(w.write(chunk));
        return {};
      };
      return r;
    });
    router_.add("GET", "/chunked", [](Request&) {
      Response r;
      r.stream = [](BodyWriter& w) -> Result<void> {
        for (int i = 0; i < 10; ++i) RUCHE_CHECK(w.write("0123456789"));
        return {};
      };
      return r;
    });
    router_.add("GET", "/slow", [](Request&) {
      std::this_thread::sleep_for(300ms);
      Response r;
      r.body = "slow done";
      return r;
    });
    router_.add("GET", "/fast", [](Request&) { return Response{}; },
                RouteOptions{.fast = [](Request&) -> std::optional<Response> {
                  Response r;
                  r.body = "from io thread";
                  return r;
                }});
    // Bytes that are also a file: large slices go out with sendfile().
    file_data_.resize(8 << 20);
    for (std::size_t i = 0; i < file_data_.size(); ++i) file_data_[i] = static_cast<char>(i * 7 % 253);
    arena_ = SendableArena::create(16 << 20, "server-test");
    ASSERT_TRUE(arena_);
    file_ = arena_->copy(file_data_);
    ASSERT_GE(file_.fd, 0);
    router_.add("GET", "/file/{from}/{n}", [this](Request& req) {
      Response r;
      r.shared_body = file_.slice(std::stoull(std::string(req.param("from"))),
                                  std::stoull(std::string(req.param("n"))));
      return r;
    });
    router_.add("GET", "/throws", [](Request&) -> Response { throw std::runtime_error("boom"); });
    router_.add("GET", "/ws", [](Request&) {
      Response r;
      r.status = 101;
      r.websocket = std::make_shared<EchoHandler>();
      return r;
    });
    ServerConfig cfg;
    cfg.port = 0;
    cfg.io_threads = 2;
    cfg.max_header_bytes = 4096;
    cfg.header_timeout_ms = 1000;
    cfg.body_timeout_ms = 1000;
    cfg.ws_max_queued_bytes = 8 << 20;
    server_ = std::make_unique<Server>(cfg, router_, workers_);
    ASSERT_TRUE(server_->listen());
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  Router router_;
  std::string file_data_;
  std::shared_ptr<SendableArena> arena_;
  SharedBytes file_;
  WorkerPool workers_{4};
  std::unique_ptr<Server> server_;
  std::thread thread_;
  static inline std::atomic<int> body_failures{0};
};

TEST_F(ServerTest, ServesKeepAliveRequests) {
  HttpClient c("127.0.0.1", server_->port());
  for (int i = 0; i < 20; ++i) {
    auto r = c.request("GET", "/hello");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello");
    EXPECT_TRUE(r->header("X-Request-Id").has_value());
  }
  EXPECT_EQ(c.request("GET", "/fast")->body, "from io thread");
}

TEST_F(ServerTest, UnknownRoutesAndMethodsGetJsonErrors) {
  HttpClient c("127.0.0.1", server_->port());
  auto r = c.request("GET", "/nope");
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("\"not_found\""), std::string::npos);
  r = c.request("DELETE", "/hello");
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("Allow").value_or(""), "GET, HEAD");
  r = c.request("GET", "/a/../hello");
  EXPECT_EQ(r->status, 400);
  r = c.request("HEAD", "/hello");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "");
  EXPECT_EQ(r->header("Content-Length").value_or(""), "5");
  r = c.request("GET", "/throws");
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body.find("boom"), std::string::npos);
}

TEST_F(ServerTest, BoundsBodiesAndHeaders) {
  HttpClient c("127.0.0.1", server_->port());
  auto r = c.request("POST", "/echo", {}, std::string(1024, 'a'));
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.size(), 1024u);
  r = c.request("POST", "/echo", {}, std::string(1025, 'a'));
  EXPECT_EQ(r->status, 413);
  r = c.request("GET", "/hello", {{"X-Big", std::string(5000, 'h')}});
  EXPECT_EQ(r->status, 431);
  // A chunked body past the limit of a streamed route.
  auto raw = c.raw(
      "PUT /small-stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "7d0\r\n" + std::string(2000, 'z') + "\r\n0\r\n\r\n");
  ASSERT_TRUE(raw);
  EXPECT_NE(raw->find("413"), std::string::npos) << *raw;
  // Still alive.
  EXPECT_EQ(c.request("GET", "/hello")->status, 200);
}

TEST_F(ServerTest, MalformedRequestsGet400AndTheServerSurvives) {
  HttpClient c("127.0.0.1", server_->port());
  auto raw = c.raw("GARBAGE\r\n\r\n");
  ASSERT_TRUE(raw);
  EXPECT_NE(raw->find("400"), std::string::npos);
  raw = c.raw("GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  EXPECT_NE(raw->find("400"), std::string::npos);
  EXPECT_EQ(c.request("GET", "/hello")->status, 200);
}

TEST_F(ServerTest, SlowClientsAreDisconnected) {
  HttpClient c("127.0.0.1", server_->port());
  auto start = std::chrono::steady_clock::now();
  auto raw = c.raw("GET /hello HTTP/1.1\r\nHost:", 5000);  // never finishes its head
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  ASSERT_TRUE(raw);
}

TEST_F(ServerTest, StreamsLargeBodiesBothWays) {
  HttpClient c("127.0.0.1", server_->port());
  std::string body(48 << 20, '\0');
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    body[i] = static_cast<char>(i * 31 % 251);
    sum += static_cast<unsigned char>(body[i]);
  }
  auto r = c.request("PUT", "/upload", {}, body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, std::to_string(body.size()) + ":" + std::to_string(sum));
  r = c.request("GET", "/download/64");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.size(), 64u << 20);
  r = c.request("GET", "/chunked");
  EXPECT_EQ(r->body.size(), 100u);
  EXPECT_EQ(r->header("Transfer-Encoding").value_or(""), "chunked");
}

// Shared bodies that are also a file go out with sendfile() (larger than the
// socket's buffer here: the server waits for room several times), smaller
// ones with the head in one write; either way the client gets exactly the
// slice, and the connection goes on.
TEST_F(ServerTest, SendsFileBackedBodiesExactly) {
  HttpClient c("127.0.0.1", server_->port());
  for (auto [from, n] : {std::pair<std::size_t, std::size_t>{0, 8 << 20}, {4097, 5 << 20}, {123, 20000},
                         {1, 100}, {(8 << 20) - 16384, 16384}}) {
    auto r = c.request("GET", "/file/" + std::to_string(from) + "/" + std::to_string(n));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("Content-Length").value_or(""), std::to_string(n));
    ASSERT_EQ(r->body.size(), n);
    EXPECT_TRUE(r->body == std::string_view(file_data_).substr(from, n)) << from << "+" << n;
  }
  auto r = c.request("GET", "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "hello");
}

// A streamed body reaches the handler byte for byte whatever its size
// (empty, inside the head's packet, around the 64 KiB socket reads), and the
// connection goes on.
TEST_F(ServerTest, StreamedBodiesReadTheSameSmallOrLarge) {
  HttpClient c("127.0.0.1", server_->port());
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{4096}, std::size_t{65536},
                        std::size_t{65537}, std::size_t{300000}}) {
    std::string body(n, '\0');
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      body[i] = static_cast<char>(i * 13 % 241);
      sum += static_cast<unsigned char>(body[i]);
    }
    auto r = c.request("PUT", "/upload", {}, body);
    ASSERT_TRUE(r) << n;
    EXPECT_EQ(r->body, std::to_string(n) + ":" + std::to_string(sum)) << n;
  }
  // A small body past the route's limit is still refused before it is read.
  auto raw = c.raw("PUT /small-stream HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n"
                   "Connection: close\r\n\r\n" + std::string(1001, 'y'));
  ASSERT_TRUE(raw);
  EXPECT_NE(raw->find("413"), std::string::npos) << *raw;
}

// A small streamed body is read before the handler runs: a handler that
// refuses without reading it leaves the connection usable for the next
// request. A large one is not read ahead; the connection then closes.
TEST_F(ServerTest, SmallStreamedBodiesAreReadAheadLargeOnesAreNot) {
  auto two_requests = [&](std::size_t n) {
    HttpClient c("127.0.0.1", server_->port());
    auto raw = c.raw("PUT /refuse-stream HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(n) +
                     "\r\n\r\n" + std::string(n, 'q') + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(raw);
    return raw.value_or("");
  };
  for (std::size_t n : {std::size_t{1}, std::size_t{4096}, std::size_t{65536}}) {
    auto raw = two_requests(n);
    EXPECT_NE(raw.find("403 Forbidden"), std::string::npos) << n;
    EXPECT_NE(raw.find("\r\n\r\nhello"), std::string::npos) << n << ": " << raw;
  }
  auto raw = two_requests(65537);
  EXPECT_NE(raw.find("403 Forbidden"), std::string::npos);
  EXPECT_EQ(raw.find("hello"), std::string::npos) << raw;
  // The /upload route reads 4 KiB bodies from memory the same as before.
  HttpClient c("127.0.0.1", server_->port());
  auto r = c.request("PUT", "/upload", {}, std::string(4096, '\x02'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "4096:8192");
}

// Past what the head's read brought, a large body of known length is read
// by the handler's thread straight from the socket: exactly the body (the
// request pipelined behind it is still there for the connection), and the
// socket back with the I/O thread afterwards, whether the handler read the
// body to its end or not.
TEST_F(ServerTest, LargeBodiesReadStraightFromTheSocketLeaveTheConnectionWhole) {
  std::string body(8 << 20, '\0');
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    body[i] = static_cast<char>(i * 17 % 239);
    sum += static_cast<unsigned char>(body[i]);
  }
  const std::string next = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  HttpClient c("127.0.0.1", server_->port());
  auto raw = c.raw("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                   "\r\n\r\n" + body + next);
  ASSERT_TRUE(raw);
  EXPECT_NE(raw->find("\r\n\r\n" + std::to_string(body.size()) + ":" + std::to_string(sum)), std::string::npos)
      << *raw;
  EXPECT_NE(raw->find("\r\n\r\nhello"), std::string::npos) << *raw;

  // A handler that stops reading early: its answer arrives, then the
  // connection closes (the rest of the body cannot be told from a request).
  raw = c.raw("PUT /read-some HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
              "\r\n\r\n" + body + next);
  ASSERT_TRUE(raw);
  EXPECT_NE(raw->find("200 OK"), std::string::npos) << raw->substr(0, 200);
  EXPECT_NE(raw->find("read 102400"), std::string::npos) << raw->substr(0, 200);
  EXPECT_EQ(raw->find("hello"), std::string::npos);

  // The same body twice on one keep-alive connection.
  for (int i = 0; i < 2; ++i) {
    auto r = c.request("PUT", "/upload", {}, body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, std::to_string(body.size()) + ":" + std::to_string(sum));
  }
}

// A client that stalls in the middle of a large body gets 503 after the body
// timeout; one that goes away makes the handler's read fail. The server goes
// on.
TEST_F(ServerTest, AStalledOrAbandonedBodyEndsItsRequest) {
  const std::string head = "PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4194304\r\n\r\n";
  const std::string part(1 << 20, 'p');
  HttpClient c("127.0.0.1", server_->port());
  auto start = std::chrono::steady_clock::now();
  auto raw = c.raw(head + part, 5000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  ASSERT_TRUE(raw);
  EXPECT_NE(raw->find("503"), std::string::npos) << *raw;

  int before = body_failures.load();
  raw = c.raw(head + part, 200);  // the client closes after 200 ms
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, "");
  start = std::chrono::steady_clock::now();
  while (body_failures.load() == before && std::chrono::steady_clock::now() - start < 5s)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(body_failures.load(), before + 1);
  auto r = c.request("GET", "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "hello");
}

TEST_F(ServerTest, AnswersExpectContinueBeforeTheBody) {
  HttpClient c("127.0.0.1", server_->port());
  auto raw = c.raw("PUT /small-stream HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                   "Expect: 100-continue\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(raw);
  EXPECT_NE(raw->find("200 OK"), std::string::npos) << *raw;
}

TEST_F(ServerTest, WebSocketEchoesAndBoundsItsSendQueue) {
  auto ws = WsClient::connect("127.0.0.1", server_->port(), "/ws");
  ASSERT_TRUE(ws) << ws.error().message;
  ASSERT_TRUE((*ws)->send("hi"));
  auto msg = (*ws)->receive(5000);
  ASSERT_TRUE(msg);
  ASSERT_TRUE(msg->has_value());
  EXPECT_EQ(**msg, "echo:hi");
  // We do not read while the server floods: its queue bound closes us.
  ASSERT_TRUE((*ws)->send("flood"));
  std::this_thread::sleep_for(200ms);
  EXPECT_GT(EchoHandler::refused.load(), 0);
  bool closed = false;
  for (int i = 0; i < 200 && !closed; ++i) {
    auto m = (*ws)->receive(2000);
    if (!m) closed = true;
  }
  EXPECT_TRUE(closed);
}

TEST_F(ServerTest, WebSocketFramesQueuedDuringAWriteReachTheClientIntact) {
  auto ws = WsClient::connect("127.0.0.1", server_->port(), "/ws");
  ASSERT_TRUE(ws) << ws.error().message;
  ASSERT_TRUE((*ws)->send("burst"));
  std::this_thread::sleep_for(500ms);
  for (int i = 0; i < kBurstFrames; ++i) {
    auto m = (*ws)->receive(5000);
    ASSERT_TRUE(m) << "connection lost after " << i << " messages";
    ASSERT_TRUE(m->has_value()) << "timed out after " << i << " messages";
    ASSERT_EQ(**m, burst_frame(i)) << "message " << i;
  }
}

TEST_F(ServerTest, StopLetsInFlightRequestsFinish) {
  std::optional<Result<ClientResponse>> slow;
  std::thread t([&] {
    HttpClient c("127.0.0.1", server_->port());
    slow = c.request("GET", "/slow");
  });
  std::this_thread::sleep_for(100ms);
  server_->stop();
  t.join();
  ASSERT_TRUE(slow.has_value());
  ASSERT_TRUE(*slow);
  EXPECT_EQ((*slow)->body, "slow done");
}

// A handler still running when the grace period ends is not abandoned: its
// connection is closed, but run() returns only once it has returned, for
// the caller then destroys what the route uses (a module's service, the
// workers, this server).
TEST(ServerStop, RunWaitsForAHandlerPastTheGracePeriod) {
  std::atomic<bool> entered{false};
  std::atomic<bool> done{false};
  Router router;
  router.add("GET", "/slow", [&](Request&) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    done = true;
    return Response{};
  });
  WorkerPool workers{2};
  ServerConfig cfg;
  cfg.port = 0;
  cfg.io_threads = 1;
  cfg.shutdown_grace_ms = 0;
  Server server(cfg, router, workers);
  ASSERT_TRUE(server.listen());
  bool done_when_run_returned = false;
  std::thread running([&] {
    server.run();
    done_when_run_returned = done;
  });
  std::optional<Result<ClientResponse>> reply;
  std::thread client([&] {
    HttpClient c("127.0.0.1", server.port());
    reply = c.request("GET", "/slow");
  });
  while (!entered) std::this_thread::sleep_for(1ms);
  server.stop();
  running.join();
  client.join();
  EXPECT_TRUE(done_when_run_returned);
  ASSERT_TRUE(reply.has_value());
  // Without a reply, the connection was closed at the grace period's end.
  if (*reply) {
    EXPECT_EQ((*reply)->status, 200);
  }
}

}  // namespace
}  // namespace ruche::http
