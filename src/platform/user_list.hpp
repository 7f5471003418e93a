// The instance's accounts as an administrator reads them (GET
// /admin/users): by address, a page at a time, narrowed to words of a name
// or an address, a role and a status — among however many accounts a
// national deployment holds (docs/api.md "Administration"). The directory
// (GET /users) reads its active internal accounts the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/db/database.hpp"
#include "core/http/message.hpp"
#include "platform/accounts.hpp"

namespace ruche::platform {

inline constexpr int kMaxUserPage = 1000;

struct UserListQuery {
  // Each in the name or the address (case-insensitive: every letter on
  // PostgreSQL, ASCII letters on SQLite).
  std::vector<std::string> words;
  std::optional<InstanceRole> role;
  std::optional<bool> disabled;
  bool internal = false;     // members and admins only (the directory: never external accounts)
  std::string colleagues_of;  // a user id: only accounts sharing a workspace with them
  std::string after;         // an address: the accounts after it
  std::optional<int> limit;  // every one when absent
};

// The query's parameters: q (words, 200 bytes at most), role (admin,
// member, guest), status (active, disabled), after (an address), limit (1
// to kMaxUserPage). Errors: invalid "invalid_field".
Result<UserListQuery> user_list_query(const http::Request& req);

// The accounts the query finds, by address.
Result<std::vector<User>> read_users(db::Conn& c, const UserListQuery& q);
// How many accounts it finds in all (its `after` and `limit` aside).
Result<std::int64_t> count_users(db::Conn& c, const UserListQuery& q);

}  // namespace ruche::platform
