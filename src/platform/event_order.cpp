#include "platform/event_order.hpp"

namespace ruche::platform {

void EventOrder::push(bus::Event e, Clock::time_point now, std::vector<bus::Event>& out) {
  if (e.seq <= 0 || e.workspace_id.empty()) {
    out.push_back(std::move(e));
    return;
  }
  auto [it, first] = workspaces_.try_emplace(e.workspace_id);
  Workspace& w = it->second;
  if (first || e.seq <= w.next) {
    // The first seen here (nothing to wait for), the expected one, or a late
    // one whose successors already went (the streams skip what they have).
    if (e.seq >= w.next) w.next = e.seq + 1;
    out.push_back(std::move(e));
    drain(w, out);
    if (w.held.empty()) waiting_.erase(it->first);
    return;
  }
  if (held_count_ >= max_held_) {
    // Too much waiting at once: let this workspace's go, gaps and all.
    std::int64_t seq = e.seq;
    if (w.held.emplace(seq, Held{std::move(e), now}).second) ++held_count_;
    release_through(w, seq, out);
    if (w.held.empty()) waiting_.erase(it->first);
    return;
  }
  if (w.held.emplace(e.seq, Held{std::move(e), now + wait_}).second) ++held_count_;
  waiting_.insert(it->first);
}

void EventOrder::drain(Workspace& w, std::vector<bus::Event>& out) {
  while (!w.held.empty() && w.held.begin()->first <= w.next) {
    auto node = w.held.extract(w.held.begin());
    --held_count_;
    if (node.key() == w.next) ++w.next;
    out.push_back(std::move(node.mapped().event));
  }
}

void EventOrder::release_through(Workspace& w, std::int64_t upto, std::vector<bus::Event>& out) {
  while (!w.held.empty() && w.held.begin()->first <= upto) {
    auto node = w.held.extract(w.held.begin());
    --held_count_;
    w.next = std::max(w.next, node.key() + 1);
    out.push_back(std::move(node.mapped().event));
  }
  drain(w, out);
}

void EventOrder::expire(Clock::time_point now, std::vector<bus::Event>& out, Fill fill) {
  for (auto id = waiting_.begin(); id != waiting_.end();) {
    Workspace& w = workspaces_[*id];
    // Each held event's wait started when it came; the latest one that ran
    // out releases it and every earlier one.
    std::optional<std::int64_t> upto;
    for (const auto& [seq, h] : w.held)
      if (h.deadline <= now) upto = seq;
    if (upto) {
      // The gaps before it, asked for once.
      std::int64_t expect = w.next;
      std::vector<std::pair<std::int64_t, std::int64_t>> gaps;
      for (const auto& [seq, h] : w.held) {
        if (seq > *upto) break;
        if (seq > expect) gaps.emplace_back(expect, seq - 1);
        expect = seq + 1;
      }
      for (const auto& [from, to] : gaps)
        for (auto& e : fill(*id, from, to))
          if (e.workspace_id == *id && e.seq >= from && e.seq <= to)
            if (w.held.emplace(e.seq, Held{std::move(e), now}).second) ++held_count_;
      release_through(w, *upto, out);
    }
    id = w.held.empty() ? waiting_.erase(id) : std::next(id);
  }
}

std::optional<EventOrder::Clock::time_point> EventOrder::next_deadline() const {
  std::optional<Clock::time_point> soonest;
  for (const auto& id : waiting_)
    for (const auto& [seq, h] : workspaces_.at(id).held)
      if (!soonest || h.deadline < *soonest) soonest = h.deadline;
  return soonest;
}

}  // namespace ruche::platform
