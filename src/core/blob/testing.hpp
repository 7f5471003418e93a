// An S3-compatible server for tests: s3rver (npm, tests/s3, installed by
// scripts/test.sh) on 127.0.0.1 and a free port, with one bucket, its data
// in a temporary folder removed at the end. Its keys are S3RVER / S3RVER;
// it refuses an unknown access key but does not verify signatures.
#pragma once

#include <string>

#include "core/blob/s3_client.hpp"
#include "core/testing/child_server.hpp"

namespace ruche::blob::testing {

class S3Server {
 public:
  // Starts it, over https with `tls` (a self-signed certificate for
  // 127.0.0.1, made with the openssl command, which config() names as the CA
  // file). Throws std::runtime_error when it cannot run.
  explicit S3Server(bool tls = false);
  ~S3Server();
  S3Server(const S3Server&) = delete;
  S3Server& operator=(const S3Server&) = delete;

  // A client configuration for its bucket ("ruche-test"), with `prefix`.
  S3Config config(std::string prefix = "") const;
  // How many objects the bucket holds (files in its data folder).
  std::size_t object_count() const;
  void stop() { server_->stop(); }
  void start() { server_->start(); }

 private:
  std::string dir_;
  bool tls_ = false;
  std::unique_ptr<ruche::testing::ChildServer> server_;
};

}  // namespace ruche::blob::testing
