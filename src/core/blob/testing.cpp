#include "core/blob/testing.hpp"

#include <stdlib.h>

#include <cstdlib>

#include <filesystem>
#include <stdexcept>

namespace ruche::blob::testing {

namespace fs = std::filesystem;

S3Server::S3Server(bool tls) : tls_(tls) {
  std::string tmpl = (fs::temp_directory_path() / "ruche-s3-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("s3 test server: mkdtemp failed");
  dir_ = tmpl;
  std::vector<std::string> args{RUCHE_S3RVER_JS, "-d",  dir_ + "/data", "-a", "127.0.0.1", "-p",
                                "{port}",        "-s",  "--no-vhost-buckets", "--configure-bucket",
                                "ruche-test"};
  if (tls) {
    const std::string make_cert =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '" + dir_ +
        "/key.pem' -out '" + dir_ + "/cert.pem' >/dev/null 2>&1";
    if (std::system(make_cert.c_str()) != 0)
      throw std::runtime_error("s3 test server: openssl req failed (scripts/deps.sh test)");
    args.insert(args.end(), {"--key", dir_ + "/key.pem", "--cert", dir_ + "/cert.pem"});
  }
  fs::create_directories(dir_ + "/data");
  server_ = std::make_unique<ruche::testing::ChildServer>(
      "s3rver", std::vector<std::string>{"node", "/usr/bin/node"}, std::move(args),
      "npm ci in tests/s3; scripts/test.sh does it");
}

S3Server::~S3Server() {
  server_.reset();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

S3Config S3Server::config(std::string prefix) const {
  S3Config c;
  c.endpoint = (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(server_->port());
  if (tls_) c.ca_file = dir_ + "/cert.pem";
  c.bucket = "ruche-test";
  c.access_key = "S3RVER";
  c.secret_key = "S3RVER";
  c.prefix = std::move(prefix);
  c.timeout_ms = 10'000;
  return c;
}

std::size_t S3Server::object_count() const {
  // s3rver keeps each object as KEY._S3rver_object beside metadata files.
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir_ + "/data/ruche-test", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().filename().string().ends_with("._S3rver_object")) ++n;
  }
  return n;
}

}  // namespace ruche::blob::testing
