#include "core/http/ws_handshake.hpp"

#include <openssl/sha.h>

#include "core/crypto/encoding.hpp"

namespace ruche::http::ws {

std::string accept_key(std::string_view client_key) {
  std::string s(client_key);
  s += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
  return crypto::base64_encode(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace ruche::http::ws
