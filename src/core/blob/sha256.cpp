#include "core/blob/sha256.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>

namespace ruche::blob::detail {
namespace {

// OpenSSL fails these calls only on allocation failure or a broken build:
// there is no sensible way to go on with a wrong digest.
[[noreturn]] void openssl_failure(const char* what) {
  std::fprintf(stderr, "core/blob: OpenSSL %s failed\n", what);
  std::abort();
}

// One HMAC context per thread, its digest set once; each call only rekeys it.
struct MacCtx {
  EVP_MAC_CTX* ctx = nullptr;
  MacCtx() {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (ctx == nullptr || EVP_MAC_CTX_set_params(ctx, params) != 1) openssl_failure("HMAC-SHA-256 setup");
  }
  ~MacCtx() { EVP_MAC_CTX_free(ctx); }
  MacCtx(const MacCtx&) = delete;
  MacCtx& operator=(const MacCtx&) = delete;
};

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  thread_local MacCtx mac;
  std::string out(32, '\0');
  std::size_t len = 0;
  if (EVP_MAC_init(mac.ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr) != 1 ||
      EVP_MAC_update(mac.ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(mac.ctx, reinterpret_cast<unsigned char*>(out.data()), &len, out.size()) != 1 ||
      len != out.size()) {
    openssl_failure("HMAC-SHA-256");
  }
  return out;
}

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace ruche::blob::detail
