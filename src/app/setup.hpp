// First-run setup: while no account exists, `ruche serve` prints a one-time
// link with which the first administrator creates their account from the
// browser (POST /api/v1/setup). The token lives only in this process's
// memory, hashed; it stops working once any account exists.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "platform/api.hpp"

namespace ruche::app {

class Setup {
 public:
  explicit Setup(platform::Platform& platform) : platform_(platform) {}

  void register_routes(platform::Api& api);
  // When the instance has no account: a new token, and the link to print.
  std::optional<std::string> start_if_needed(const std::string& public_url);

 private:
  platform::Platform& platform_;
  std::mutex mu_;
  std::string token_hash_;
};

}  // namespace ruche::app
