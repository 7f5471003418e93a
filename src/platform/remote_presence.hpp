// What the other nodes say of their users' presence. Each node counts the
// connections it holds (EventHub) and announces its own view of a user —
// online, away, or offline — on the bus, tagged with its node id; it also
// repeats its whole view every few seconds (a snapshot). Every node keeps the
// others' views here, one per (user, node), and a user's status is the best
// of them and of the local one: online > away > offline. Views merge rather
// than replace one another, so the order in which two nodes' announcements
// arrive does not matter. A view a node has not repeated within the TTL (the
// node died without saying goodbye) is dropped.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ruche::platform {

// "online" beats "away" beats "" (offline).
std::string_view best_presence(std::string_view a, std::string_view b);

class RemotePresence {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RemotePresence(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  // `node` says `user` is `status` ("online", "away"; anything else:
  // offline) and a member of `workspaces` (one from an announcement, all of
  // them from a snapshot). Returns whether the user's best remote status
  // changed.
  bool update(const std::string& node, const std::string& user, std::string_view status,
              const std::vector<std::string>& workspaces, Clock::time_point now);
  // Forgets what `node` said (it stopped). Returns the users whose best
  // remote status changed.
  std::vector<std::string> forget_node(const std::string& node);
  // Drops views not repeated since now - ttl. Returns the users whose best
  // remote status changed.
  std::vector<std::string> prune(Clock::time_point now);

  // The best status other nodes give `user` as a member of `ws` (any
  // workspace when empty); "" when none.
  std::string status(const std::string& user, const std::string& ws = {}) const;
  // The workspaces other nodes listed for `user`.
  std::vector<std::string> workspaces(const std::string& user) const;

 private:
  struct View {
    std::string status;
    std::vector<std::string> workspaces;  // sorted
    Clock::time_point seen;
  };
  using Views = std::unordered_map<std::string, View>;  // by node
  std::string best_locked(const Views& views, const std::string& ws) const;

  std::chrono::milliseconds ttl_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Views> users_;
};

}  // namespace ruche::platform
