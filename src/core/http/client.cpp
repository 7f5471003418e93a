#include "core/http/client.hpp"

#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "core/http/message.hpp"

namespace ruche::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace bws = boost::beast::websocket;
using tcp = net::ip::tcp;

std::optional<std::string> ClientResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

namespace {
// Runs the io_context until `done` or the deadline; false on timeout.
template <class Pred>
bool run_until(net::io_context& ctx, Pred done, int timeout_ms) {
  ctx.restart();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (ctx.run_one_for(deadline - now) == 0 && ctx.stopped()) ctx.restart();
  }
  return true;
}
}  // namespace

struct HttpClient::Impl {
  std::string host;
  std::uint16_t port;
  int timeout_ms;
  net::io_context ctx;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buf;

  Result<void> ensure_connected() {
    if (stream && stream->socket().is_open()) return {};
    stream.emplace(ctx);
    beast::error_code ec;
    stream->socket().connect(tcp::endpoint(net::ip::make_address(host), port), ec);
    if (ec) {
      stream.reset();
      return fail(Errc::unavailable, "connect: " + ec.message());
    }
    buf.clear();
    return {};
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, int timeout_ms)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->timeout_ms = timeout_ms;
}

HttpClient::~HttpClient() = default;

Result<ClientResponse> HttpClient::request(
    std::string_view method, std::string_view target,
    std::vector<std::pair<std::string, std::string>> headers, std::string_view body) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    RUCHE_CHECK(impl_->ensure_connected());
    bhttp::request<bhttp::string_body> req;
    req.method_string(beast::string_view(method.data(), method.size()));
    req.target(beast::string_view(target.data(), target.size()));
    req.version(11);
    req.set(bhttp::field::host, impl_->host + ":" + std::to_string(impl_->port));
    for (const auto& [k, v] : headers) req.insert(k, v);
    req.body() = std::string(body);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
      req.prepare_payload();
    beast::error_code ec;
    bool done = false;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    if (method == "HEAD") parser.skip(true);
    impl_->stream->expires_after(std::chrono::milliseconds(impl_->timeout_ms));
    bhttp::async_write(*impl_->stream, req, [&](beast::error_code e, std::size_t) {
      if (e) {
        ec = e;
        done = true;
        return;
      }
      bhttp::async_read(*impl_->stream, impl_->buf, parser, [&](beast::error_code e2, std::size_t) {
        ec = e2;
        done = true;
      });
    });
    run_until(impl_->ctx, [&] { return done; }, impl_->timeout_ms + 1000);
    if (ec) {
      impl_->stream.reset();
      // A keep-alive connection the server closed meanwhile: retry once.
      if (attempt == 0 && (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
                           ec == net::error::connection_reset || ec == net::error::broken_pipe))
        continue;
      return fail(Errc::unavailable, "request: " + ec.message());
    }
    auto& msg = parser.get();
    ClientResponse out;
    out.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) out.headers.emplace_back(f.name_string(), f.value());
    out.body = std::move(msg.body());
    if (!msg.keep_alive()) impl_->stream.reset();
    return out;
  }
  return fail(Errc::unavailable, "request failed");
}

Result<std::string> HttpClient::raw(std::string_view bytes, int timeout_ms) {
  impl_->stream.reset();
  RUCHE_CHECK(impl_->ensure_connected());
  beast::error_code ec;
  net::write(impl_->stream->socket(), net::buffer(bytes.data(), bytes.size()), ec);
  std::string out;
  bool done = false;
  char chunk[4096];
  std::function<void()> read_more = [&] {
    impl_->stream->socket().async_read_some(net::buffer(chunk), [&](beast::error_code e,
                                                                    std::size_t n) {
      out.append(chunk, n);
      if (e) {
        done = true;
        return;
      }
      read_more();
    });
  };
  read_more();
  run_until(impl_->ctx, [&] { return done; }, timeout_ms);
  impl_->stream.reset();
  impl_->ctx.restart();
  impl_->ctx.poll();
  return out;
}

struct WsClient::Impl {
  net::io_context ctx;
  std::optional<bws::stream<tcp::socket>> ws;
  beast::flat_buffer buf;
  int close_code = 0;
  bool closed = false;
  bool reading = false;
  bool have_message = false;
  beast::error_code read_ec;
};

namespace {
thread_local int g_last_refusal = 0;
}

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}
WsClient::~WsClient() {
  if (impl_ && impl_->ws && !impl_->closed) {
    beast::error_code ec;
    impl_->ws->next_layer().close(ec);
  }
}

int WsClient::last_refusal_status() { return g_last_refusal; }

Result<std::unique_ptr<WsClient>> WsClient::connect(
    const std::string& host, std::uint16_t port, const std::string& target,
    std::vector<std::pair<std::string, std::string>> headers, int timeout_ms) {
  g_last_refusal = 0;
  auto c = std::unique_ptr<WsClient>(new WsClient());
  auto& im = *c->impl_;
  im.ws.emplace(im.ctx);
  beast::error_code ec;
  im.ws->next_layer().connect(tcp::endpoint(net::ip::make_address(host), port), ec);
  if (ec) return fail(Errc::unavailable, "connect: " + ec.message());
  im.ws->set_option(bws::stream_base::decorator([headers](bws::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  bws::response_type res;
  bool done = false;
  im.ws->async_handshake(res, host + ":" + std::to_string(port), target,
                         [&](beast::error_code e) {
                           ec = e;
                           done = true;
                         });
  if (!run_until(im.ctx, [&] { return done; }, timeout_ms))
    return fail(Errc::unavailable, "handshake timed out");
  if (ec) {
    g_last_refusal = static_cast<int>(res.result_int());
    return fail(Errc::unauthenticated,
                "handshake refused: " + std::to_string(res.result_int()) + " " + ec.message());
  }
  return c;
}

Result<void> WsClient::send(std::string_view text) {
  auto& im = *impl_;
  if (im.closed) return fail(Errc::unavailable, "closed");
  beast::error_code ec;
  im.ws->text(true);
  bool done = false;
  im.ws->async_write(net::buffer(text.data(), text.size()), [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  run_until(im.ctx, [&] { return done; }, 10'000);
  if (ec) return fail(Errc::unavailable, "send: " + ec.message());
  return {};
}

Result<std::optional<std::string>> WsClient::receive(int timeout_ms) {
  auto& im = *impl_;
  if (im.closed) return fail(Errc::unavailable, "closed");
  if (!im.reading) {
    im.reading = true;
    im.have_message = false;
    im.ws->async_read(im.buf, [&im](beast::error_code e, std::size_t) {
      im.reading = false;
      im.read_ec = e;
      im.have_message = true;
    });
  }
  run_until(im.ctx, [&] { return im.have_message; }, timeout_ms);
  if (!im.have_message) return std::optional<std::string>{};
  im.have_message = false;
  if (im.read_ec) {
    im.closed = true;
    im.close_code = im.ws->reason().code;
    return fail(Errc::unavailable, "closed: " + im.read_ec.message());
  }
  std::string text = beast::buffers_to_string(im.buf.data());
  im.buf.consume(im.buf.size());
  return std::optional<std::string>(std::move(text));
}

int WsClient::close_code() const { return impl_->close_code; }

void WsClient::close() {
  auto& im = *impl_;
  if (im.closed) return;
  bool done = false;
  im.ws->async_close(bws::close_code::normal, [&](beast::error_code) { done = true; });
  run_until(im.ctx, [&] { return done; }, 2000);
  im.closed = true;
}

}  // namespace ruche::http
