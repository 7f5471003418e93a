#include "sync/live.hpp"

#include <poll.h>

#include <algorithm>
#include <chrono>

#include "base/json.hpp"
#include "base/utf8.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/random.hpp"
#include "core/http/message.hpp"
#include "core/http/ws_frame.hpp"
#include "core/http/ws_handshake.hpp"

namespace ruche::sync {

namespace ws {

std::string encode_frame(std::uint8_t opcode, std::string_view payload,
                         std::optional<std::array<std::uint8_t, 4>> mask, bool fin) {
  std::string out;
  out.reserve(payload.size() + 14);
  out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | (opcode & 0x0F)));
  const std::uint8_t masked = mask ? 0x80 : 0x00;
  const std::uint64_t len = payload.size();
  if (len <= 125) {
    out.push_back(static_cast<char>(masked | len));
  } else if (len <= 0xFFFF) {
    out.push_back(static_cast<char>(masked | 126));
    out.push_back(static_cast<char>(len >> 8));
    out.push_back(static_cast<char>(len & 0xFF));
  } else {
    out.push_back(static_cast<char>(masked | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(len >> shift));
  }
  if (!mask) {
    out.append(payload);
    return out;
  }
  out.append(reinterpret_cast<const char*>(mask->data()), 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(static_cast<char>(payload[i] ^ static_cast<char>((*mask)[i & 3])));
  return out;
}

Result<void> check_handshake(std::string_view head, std::string_view key) {
  std::string_view status_line = head.substr(0, head.find("\r\n"));
  int status = 0;
  if (status_line.starts_with("HTTP/1.") && status_line.size() >= 12 && status_line[8] == ' ') {
    for (char c : status_line.substr(9, 3)) {
      if (c < '0' || c > '9') {
        status = 0;
        break;
      }
      status = status * 10 + (c - '0');
    }
  }
  if (status == 401)
    return fail(Errc::unauthenticated, "the server refused the token (401)", "invalid_token");
  if (status != 101)
    return fail(Errc::unavailable,
                status == 0 ? std::string("the server's answer is not HTTP")
                            : "the server answered " + std::to_string(status) +
                                  " to the upgrade, not 101 (a proxy without WebSocket?)");
  bool upgrade = false, connection = false, accepted = false;
  std::string_view rest = head.substr(std::min(head.size(), status_line.size() + 2));
  while (!rest.empty()) {
    std::string_view line = rest.substr(0, rest.find("\r\n"));
    rest.remove_prefix(std::min(rest.size(), line.size() + 2));
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (http::iequals(name, "Upgrade")) {
      upgrade = http::iequals(value, "websocket");
    } else if (http::iequals(name, "Connection")) {
      // A list of tokens: "Upgrade", or "keep-alive, Upgrade".
      for (std::string_view v = value; !v.empty();) {
        std::string_view token = v.substr(0, v.find(','));
        v.remove_prefix(std::min(v.size(), token.size() + 1));
        while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
        while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
        if (http::iequals(token, "upgrade")) connection = true;
      }
    } else if (http::iequals(name, "Sec-WebSocket-Accept")) {
      accepted = value == http::ws::accept_key(key);
    } else if (http::iequals(name, "Sec-WebSocket-Extensions") ||
               http::iequals(name, "Sec-WebSocket-Protocol")) {
      return fail(Errc::unavailable, "the server chose an extension or protocol not asked for");
    }
  }
  if (!upgrade || !connection)
    return fail(Errc::unavailable, "the server's 101 is not an upgrade to WebSocket");
  if (!accepted) return fail(Errc::unavailable, "the server's Sec-WebSocket-Accept is wrong");
  return {};
}

Result<void> Decoder::refuse(std::uint16_t code, Errc errc, std::string why) {
  closed_ = true;
  close_code_ = code;
  pending_.clear();
  message_.clear();
  return fail(errc, std::move(why));
}

Result<void> Decoder::feed(std::string_view bytes, Received& out) {
  if (closed_) return {};
  pending_.append(bytes);
  const auto* d = reinterpret_cast<const std::uint8_t*>(pending_.data());
  std::size_t pos = 0;
  for (;;) {
    const std::uint8_t* f = d + pos;
    const std::size_t avail = pending_.size() - pos;
    if (avail < 2) break;
    const bool fin = f[0] & 0x80;
    const std::uint8_t opcode = f[0] & 0x0F;
    if (f[0] & 0x70) return refuse(1002, Errc::invalid, "reserved bits set");
    if (f[1] & 0x80) return refuse(1002, Errc::invalid, "a server frame is masked");
    std::uint64_t len = f[1] & 0x7F;
    std::size_t head = 2;
    if (len == 126) {
      if (avail < 4) break;
      len = (static_cast<std::uint64_t>(f[2]) << 8) | f[3];
      head = 4;
    } else if (len == 127) {
      if (avail < 10) break;
      len = 0;
      for (std::size_t i = 0; i < 8; ++i) len = (len << 8) | f[2 + i];
      head = 10;
      if (len >> 63) return refuse(1002, Errc::invalid, "a bad length");
    }
    switch (opcode) {
      case kClose:
      case kPing:
      case kPong:
        if (!fin || len > 125) return refuse(1002, Errc::invalid, "a bad control frame");
        break;
      case kText:
        if (in_message_) return refuse(1002, Errc::invalid, "a message inside another");
        break;
      case kContinuation:
        if (!in_message_) return refuse(1002, Errc::invalid, "a continuation of no message");
        break;
      case kBinary:
        return refuse(1003, Errc::invalid, "a binary message");
      default:
        return refuse(1002, Errc::invalid, "an unknown opcode");
    }
    // Refused on its header, before its payload is held.
    if (opcode < 8 && len > max_ - std::min(max_, message_.size()))
      return refuse(1009, Errc::too_large, "a message over " + std::to_string(max_) + " bytes");
    if (avail - head < len) break;
    std::string_view payload(reinterpret_cast<const char*>(f + head),
                             static_cast<std::size_t>(len));
    pos += head + static_cast<std::size_t>(len);
    if (opcode == kText || opcode == kContinuation) {
      message_.append(payload);
      in_message_ = !fin;
      if (fin) {
        if (!valid_utf8(message_))
          return refuse(1007, Errc::invalid, "a text message that is not UTF-8");
        out.messages.push_back(std::move(message_));
        message_.clear();
      }
    } else if (opcode == kPing) {
      out.pings.emplace_back(payload);
    } else if (opcode == kClose) {
      if (len == 1) return refuse(1002, Errc::invalid, "a close frame of one byte");
      out.close = len >= 2
                      ? static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                                   static_cast<std::uint8_t>(payload[1]))
                      : std::uint16_t{1005};
      closed_ = true;
      pending_.clear();
      return {};
    }
  }
  pending_.erase(0, pos);
  return {};
}

}  // namespace ws

std::optional<LiveEvent> parse_event(std::string_view text) {
  auto v = json::parse(text);
  if (!v || !v->is_object()) return std::nullopt;
  const auto& o = v->as_object();
  auto* type = o.if_contains("type");
  if (!type || !type->is_string()) return std::nullopt;
  LiveEvent e;
  e.type = std::string(type->get_string());
  if (auto* ws = o.if_contains("workspace_id"); ws && ws->is_string())
    e.workspace_id = std::string(ws->get_string());
  return e;
}

bool may_change_files(std::string_view type) {
  return type.starts_with("file.") || type.starts_with("folder.") ||
         type.starts_with("workspace.") || type.starts_with("member.");
}

Heard hear(const std::vector<std::string>& messages, const std::set<std::string>& synced) {
  Heard heard;
  for (const auto& m : messages) {
    auto e = parse_event(m);
    if (!e) continue;
    if (e->type == "hello") {
      heard.hello = true;
    } else if (may_change_files(e->type) && synced.contains(e->workspace_id)) {
      heard.workspaces.insert(e->workspace_id);
    }
  }
  return heard;
}

LiveEvents::~LiveEvents() {
  close(1001);  // going away
}

Result<void> LiveEvents::connect(Remote& remote, std::int64_t now_ms) {
  close();
  server_close_ = 0;
  decoder_ = ws::Decoder();
  early_.clear();
  const std::string key = crypto::base64_encode(crypto::random_bytes(16));
  RUCHE_TRY(auto conn, remote.open_raw("/api/v1/events",
                                       {"Upgrade: websocket", "Connection: Upgrade",
                                        "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"}));
  constexpr std::size_t kMaxHead = 16 * 1024;
  std::string got;
  std::size_t end = std::string::npos;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.handshake_timeout_ms);
  while (end == std::string::npos) {
    RUCHE_TRY(auto bytes, conn->receive(4096));
    if (bytes.empty()) {
      if (options_.stop && options_.stop->load()) return fail(Errc::unavailable, "stopped");
      if (std::chrono::steady_clock::now() >= deadline)
        return fail(Errc::unavailable, "the server did not answer the upgrade");
      pollfd p{conn->fd(), POLLIN, 0};
      ::poll(&p, 1, 100);  // `stop` looked at 10 times a second
      continue;
    }
    got += bytes;
    end = got.find("\r\n\r\n");
    if (end == std::string::npos && got.size() > kMaxHead)
      return fail(Errc::unavailable, "the server's answer to the upgrade is too long");
  }
  RUCHE_CHECK(ws::check_handshake(std::string_view(got).substr(0, end), key));
  early_ = got.substr(end + 4);
  conn_ = std::move(conn);
  last_heard_ms_ = last_ping_ms_ = now_ms;
  return {};
}

Result<void> LiveEvents::send(std::uint8_t opcode, std::string_view payload, int timeout_ms) {
  std::array<std::uint8_t, 4> mask{};
  const std::string r = crypto::random_bytes(4);
  std::copy(r.begin(), r.end(), mask.begin());
  auto sent = conn_->send_all(ws::encode_frame(opcode, payload, mask), timeout_ms);
  if (!sent) conn_.reset();
  return sent;
}

Result<void> LiveEvents::fail_with(std::uint16_t code, Error e) {
  close(code);
  return tl::unexpected(std::move(e));
}

void LiveEvents::close(std::uint16_t code) {
  if (!conn_) return;
  const char payload[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  // Not waited for long: it goes unless the server stopped reading.
  (void)send(ws::kClose, std::string_view(payload, 2), 200);
  conn_.reset();
}

Result<void> LiveEvents::read(std::int64_t now_ms, std::vector<std::string>& out) {
  if (!conn_) return fail(Errc::unavailable, "not connected");
  std::string bytes = std::move(early_);
  early_.clear();
  for (;;) {
    if (bytes.empty()) {
      // Until nothing is left: bytes may wait inside TLS with none on the
      // socket, and poll() would not say so.
      auto r = conn_->receive(64 * 1024);
      if (!r) {
        conn_.reset();
        return tl::unexpected(r.error());
      }
      if (r->empty()) break;
      bytes = std::move(*r);
    }
    last_heard_ms_ = now_ms;
    ws::Received got;
    auto fed = decoder_.feed(bytes, got);
    bytes.clear();
    for (auto& m : got.messages) out.push_back(std::move(m));
    if (!fed)
      return fail_with(
          decoder_.close_code(),
          make_error(Errc::unavailable, "the server broke the protocol: " + fed.error().message));
    for (const auto& p : got.pings) RUCHE_CHECK(send(ws::kPong, p));
    if (got.close) {
      server_close_ = *got.close;
      close(*got.close == 1005 ? 1000 : *got.close);  // the answer the RFC asks for
      return fail(Errc::unavailable,
                  "the server closed the events connection (" + std::to_string(*got.close) + ")");
    }
  }
  if (now_ms - last_heard_ms_ >= options_.silent_after_ms)
    return fail_with(1001, make_error(Errc::unavailable, "the server went silent"));
  if (now_ms - std::max(last_heard_ms_, last_ping_ms_) >= options_.ping_after_ms) {
    last_ping_ms_ = now_ms;
    RUCHE_CHECK(send(ws::kPing, {}));
  }
  return {};
}

std::int64_t LiveEvents::next_deadline_ms() const {
  if (!conn_) return 0;
  return std::min(last_heard_ms_ + options_.silent_after_ms,
                  std::max(last_heard_ms_, last_ping_ms_) + options_.ping_after_ms);
}

}  // namespace ruche::sync
