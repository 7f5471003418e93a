// The WebSocket opening handshake's one computed value (RFC 6455 4.2.2),
// for the server (server.cpp) and for clients (ruche-sync's live
// connection): pure, without Asio.
#pragma once

#include <string>
#include <string_view>

namespace ruche::http::ws {

// The Sec-WebSocket-Accept that answers a Sec-WebSocket-Key:
// base64(SHA-1(key + the RFC's GUID)).
std::string accept_key(std::string_view client_key);

}  // namespace ruche::http::ws
