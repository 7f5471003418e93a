#include "platform/remote_presence.hpp"

#include <algorithm>

namespace ruche::platform {

namespace {

int rank(std::string_view s) { return s == "online" ? 2 : s == "away" ? 1 : 0; }

}  // namespace

std::string_view best_presence(std::string_view a, std::string_view b) {
  int r = std::max(rank(a), rank(b));
  return r == 2 ? "online" : r == 1 ? "away" : "";
}

std::string RemotePresence::best_locked(const Views& views, const std::string& ws) const {
  std::string_view best;
  for (const auto& [node, v] : views)
    if (ws.empty() || std::binary_search(v.workspaces.begin(), v.workspaces.end(), ws))
      best = best_presence(best, v.status);
  return std::string(best);
}

bool RemotePresence::update(const std::string& node, const std::string& user, std::string_view status,
                            const std::vector<std::string>& workspaces, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = users_.find(user);
  std::string before = it == users_.end() ? std::string() : best_locked(it->second, {});
  if (rank(status) == 0) {
    if (it == users_.end()) return false;
    it->second.erase(node);
    if (it->second.empty()) {
      users_.erase(it);
      return !before.empty();
    }
    return best_locked(it->second, {}) != before;
  }
  if (it == users_.end()) it = users_.emplace(user, Views{}).first;
  View& v = it->second[node];
  if (v.status != status) {
    // A new status: the workspaces announced with it start afresh.
    v.status = std::string(status);
    v.workspaces.clear();
  }
  for (const auto& ws : workspaces) {
    auto at = std::lower_bound(v.workspaces.begin(), v.workspaces.end(), ws);
    if (at == v.workspaces.end() || *at != ws) v.workspaces.insert(at, ws);
  }
  v.seen = now;
  return best_locked(it->second, {}) != before;
}

std::vector<std::string> RemotePresence::forget_node(const std::string& node) {
  std::vector<std::string> changed;
  std::lock_guard lock(mu_);
  for (auto it = users_.begin(); it != users_.end();) {
    std::string before = best_locked(it->second, {});
    if (it->second.erase(node) && best_locked(it->second, {}) != before) changed.push_back(it->first);
    it = it->second.empty() ? users_.erase(it) : std::next(it);
  }
  return changed;
}

std::vector<std::string> RemotePresence::prune(Clock::time_point now) {
  std::vector<std::string> changed;
  std::lock_guard lock(mu_);
  for (auto it = users_.begin(); it != users_.end();) {
    std::string before = best_locked(it->second, {});
    std::size_t n = std::erase_if(it->second, [&](const auto& kv) { return now - kv.second.seen > ttl_; });
    if (n && best_locked(it->second, {}) != before) changed.push_back(it->first);
    it = it->second.empty() ? users_.erase(it) : std::next(it);
  }
  return changed;
}

std::string RemotePresence::status(const std::string& user, const std::string& ws) const {
  std::lock_guard lock(mu_);
  auto it = users_.find(user);
  return it == users_.end() ? std::string() : best_locked(it->second, ws);
}

std::vector<std::string> RemotePresence::workspaces(const std::string& user) const {
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  auto it = users_.find(user);
  if (it == users_.end()) return out;
  for (const auto& [node, v] : it->second) out.insert(out.end(), v.workspaces.begin(), v.workspaces.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace ruche::platform
