// Strong, opaque identifiers.
//
// Every id Ruche hands out is 128 random bits written as 26 lowercase
// Crockford base32 characters (crypto::new_id() mints them). The tag makes a
// UserId and a WorkspaceId different types, so one cannot be passed for the other.
#pragma once

#include <compare>
#include <functional>
#include <string>
#include <string_view>

namespace ruche {

inline constexpr std::size_t kIdLength = 26;

// True when `s` has the shape of an id (length and alphabet). Routes reject
// malformed ids before any lookup.
bool is_id(std::string_view s);

template <class Tag>
class Id {
 public:
  Id() = default;
  explicit Id(std::string value) : value_(std::move(value)) {}

  const std::string& str() const { return value_; }
  bool empty() const { return value_.empty(); }

  friend auto operator<=>(const Id&, const Id&) = default;
  friend bool operator==(const Id&, const Id&) = default;

 private:
  std::string value_;
};

using UserId = Id<struct UserIdTag>;
using WorkspaceId = Id<struct WorkspaceIdTag>;
using SessionId = Id<struct SessionIdTag>;
using InvitationId = Id<struct InvitationIdTag>;
using TokenId = Id<struct TokenIdTag>;

}  // namespace ruche

template <class Tag>
struct std::hash<ruche::Id<Tag>> {
  std::size_t operator()(const ruche::Id<Tag>& id) const noexcept {
    return std::hash<std::string>{}(id.str());
  }
};
