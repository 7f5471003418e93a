#include "core/bus/bus.hpp"

namespace ruche::bus {

void LocalBus::publish(const Event& event) {
  std::shared_ptr<const std::vector<std::pair<std::uint64_t, Handler>>> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot = handlers_;
  }
  for (const auto& [id, h] : *snapshot) h(event);
}

std::uint64_t LocalBus::subscribe(Handler handler) {
  std::lock_guard lock(mu_);
  auto next = std::make_shared<std::vector<std::pair<std::uint64_t, Handler>>>(*handlers_);
  std::uint64_t id = next_id_++;
  next->emplace_back(id, std::move(handler));
  handlers_ = std::move(next);
  return id;
}

void LocalBus::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mu_);
  auto next = std::make_shared<std::vector<std::pair<std::uint64_t, Handler>>>(*handlers_);
  std::erase_if(*next, [id](const auto& p) { return p.first == id; });
  handlers_ = std::move(next);
}

}  // namespace ruche::bus
