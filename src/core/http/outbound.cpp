#include "core/http/outbound.hpp"

#include <curl/curl.h>

#include <algorithm>

namespace ruche::http {

void curl_init_once() {
  // curl_global_init is not thread-safe: a function-local static runs it once.
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)rc;
}

namespace {

struct Upload {
  std::string_view data;
  std::size_t at = 0;
};

std::size_t read_cb(char* out, std::size_t size, std::size_t n, void* p) {
  auto* up = static_cast<Upload*>(p);
  const std::size_t k = std::min(size * n, up->data.size() - up->at);
  std::copy_n(up->data.data() + up->at, k, out);
  up->at += k;
  return k;
}

struct Download {
  std::string* body;
  std::size_t max;
  bool too_large = false;
};

std::size_t write_cb(char* in, std::size_t size, std::size_t n, void* p) {
  auto* down = static_cast<Download*>(p);
  const std::size_t k = size * n;
  if (down->body->size() + k > down->max) {
    down->too_large = true;
    return 0;  // aborts the transfer
  }
  down->body->append(in, k);
  return k;
}

}  // namespace

struct OutboundClient::Handle {
  CURL* curl = curl_easy_init();
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

OutboundClient::OutboundClient() { curl_init_once(); }

OutboundClient::~OutboundClient() = default;

std::unique_ptr<OutboundClient::Handle> OutboundClient::take() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
  }
  return std::make_unique<Handle>();
}

void OutboundClient::give_back(std::unique_ptr<Handle> h) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(h));
}

Result<OutboundResponse> OutboundClient::send(const OutboundRequest& r) {
  auto handle = take();
  CURL* curl = handle->curl;
  if (curl == nullptr) return fail(Errc::internal, "curl_easy_init failed");
  curl_easy_reset(curl);
  curl_slist* headers = nullptr;
  for (const auto& h : r.headers) headers = curl_slist_append(headers, h.c_str());
  // No "Expect: 100-continue" round trip before a body.
  headers = curl_slist_append(headers, "Expect:");
  OutboundResponse response;
  Download down{&response.body, r.max_body};
  Upload up{r.body};
  curl_easy_setopt(curl, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(r.timeout_ms, r.connect_timeout_ms)));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &down);
  if (!r.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, r.ca_file.c_str());
  if (r.method == "PUT" || r.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    // CURLOPT_UPLOAD means PUT: anything else is named.
    if (r.method != "PUT") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  } else if (r.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (r.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  give_back(std::move(handle));
  if (down.too_large) return fail(Errc::too_large, "the answer is larger than expected");
  if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
      rc == CURLE_SSL_CERTPROBLEM)
    return fail(Errc::internal,
                std::string("the peer's certificate is not trusted: ") + curl_easy_strerror(rc));
  if (rc != CURLE_OK) return fail(Errc::unavailable, curl_easy_strerror(rc));
  return response;
}

}  // namespace ruche::http
