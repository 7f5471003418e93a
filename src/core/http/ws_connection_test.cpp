// RFC 6455 edge cases against the real server, with hand-made frames.
#include <gtest/gtest.h>

#include <thread>

#include "core/http/client.hpp"
#include "core/http/server.hpp"
#include "core/http/websocket.hpp"
#include "core/http/ws_connection.hpp"
#include "core/http/ws_handshake.hpp"

namespace ruche::http {
namespace {

class Echo : public WebSocketHandler {
 public:
  void on_open(std::shared_ptr<WebSocket> ws) override { ws_ = ws; }
  void on_message(std::string_view text) override {
    ws_->send(std::make_shared<const std::string>("echo:" + std::string(text)));
  }
  void on_close() override { ws_.reset(); }
  std::shared_ptr<WebSocket> ws_;
};

std::string frame(std::uint8_t opcode, std::string_view payload, bool fin = true, bool mask = true) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | opcode);
  std::size_t n = payload.size();
  std::uint8_t m = mask ? 0x80 : 0;
  if (n < 126) {
    f += static_cast<char>(m | n);
  } else {
    f += static_cast<char>(m | 126);
    f += static_cast<char>(n >> 8);
    f += static_cast<char>(n & 0xFF);
  }
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  if (mask) f.append(key, 4);
  for (std::size_t i = 0; i < n; ++i) f += mask ? static_cast<char>(payload[i] ^ key[i & 3]) : payload[i];
  return f;
}

const std::string kHandshake =
    "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

// Server frames after the 101 head: (opcode, payload) pairs.
std::vector<std::pair<int, std::string>> frames_of(const std::string& raw) {
  std::vector<std::pair<int, std::string>> out;
  auto at = raw.find("\r\n\r\n");
  if (at == std::string::npos) return out;
  std::size_t p = at + 4;
  while (p + 2 <= raw.size()) {
    int op = raw[p] & 0x0F;
    std::size_t n = static_cast<std::uint8_t>(raw[p + 1]) & 0x7F;
    std::size_t head = 2;
    if (n == 126) {
      n = (static_cast<std::uint8_t>(raw[p + 2]) << 8) | static_cast<std::uint8_t>(raw[p + 3]);
      head = 4;
    }
    if (p + head + n > raw.size()) break;
    out.emplace_back(op, raw.substr(p + head, n));
    p += head + n;
  }
  return out;
}

int close_code(const std::string& payload) {
  return payload.size() >= 2 ? (static_cast<std::uint8_t>(payload[0]) << 8) |
                                   static_cast<std::uint8_t>(payload[1])
                             : 0;
}

class WsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/ws", [](Request&) {
      Response r;
      r.status = 101;
      r.websocket = std::make_shared<Echo>();
      return r;
    });
    ServerConfig cfg;
    cfg.port = 0;
    cfg.io_threads = 1;
    cfg.ws_max_message_bytes = 1000;
    server_ = std::make_unique<Server>(cfg, router_, workers_);
    ASSERT_TRUE(server_->listen());
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }
  std::string exchange(const std::string& frames) {
    HttpClient c("127.0.0.1", server_->port());
    return *c.raw(kHandshake + frames + frame(0x8, std::string("\x03\xe8", 2)), 2000);
  }

  Router router_;
  WorkerPool workers_{2};
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST(WsProtocol, AcceptKey) {
  // RFC 6455 1.3's example.
  EXPECT_EQ(ws::accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_F(WsTest, HandshakeEchoAndOrderlyClose) {
  std::string raw = exchange(frame(0x1, "hi"));
  EXPECT_NE(raw.find("101 Switching Protocols"), std::string::npos);
  EXPECT_NE(raw.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos);
  auto f = frames_of(raw);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0], std::make_pair(1, std::string("echo:hi")));
  EXPECT_EQ(f[1].first, 8);
  EXPECT_EQ(close_code(f[1].second), 1000);
}

TEST_F(WsTest, FragmentsPingsAndPongs) {
  std::string raw = exchange(frame(0x1, "hel", false) + frame(0x9, "p") + frame(0x0, "lo", true) +
                             frame(0xA, ""));
  auto f = frames_of(raw);
  ASSERT_GE(f.size(), 3u);
  EXPECT_EQ(f[0], std::make_pair(10, std::string("p")));  // pong, between fragments
  EXPECT_EQ(f[1], std::make_pair(1, std::string("echo:hello")));
}

TEST_F(WsTest, ProtocolViolationsCloseWithTheRightCode) {
  struct Case {
    std::string frames;
    int code;
  } cases[] = {
      {frame(0x1, "x", true, false), 1002},              // unmasked
      {frame(0x2, "bin"), 1003},                         // binary
      {frame(0x1, "\xff\xfe"), 1007},                    // not UTF-8
      {frame(0x1, std::string(1001, 'a')), 1009},        // too big
      {frame(0x1, "a", false) + frame(0x1, "b"), 1002},  // message inside a message
      {frame(0x0, "a"), 1002},                           // continuation without start
      {frame(0x9, std::string(126, 'p')), 1002},         // control frame too long
      {frame(0x3, "?"), 1002},                           // unknown opcode
  };
  for (const auto& c : cases) {
    std::string raw = exchange(c.frames);
    auto f = frames_of(raw);
    ASSERT_FALSE(f.empty()) << c.code;
    EXPECT_EQ(f.back().first, 8) << c.code;
    EXPECT_EQ(close_code(f.back().second), c.code);
  }
}

TEST_F(WsTest, BadHandshakesAreRefused) {
  HttpClient c("127.0.0.1", server_->port());
  auto raw = c.raw("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
  EXPECT_NE(raw->find("400"), std::string::npos);
  EXPECT_NE(raw->find("Sec-WebSocket-Version: 13"), std::string::npos);
}

}  // namespace
}  // namespace ruche::http
