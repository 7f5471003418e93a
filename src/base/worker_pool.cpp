#include "base/worker_pool.hpp"

#include <exception>

#include "base/log.hpp"

namespace ruche {

WorkerPool::WorkerPool(std::size_t n) {
  if (n == 0) n = 1;
  threads_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) threads_.emplace_back([this] { loop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::submit(Task task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::size_t WorkerPool::busy() const {
  std::lock_guard lock(mu_);
  return busy_;
}

void WorkerPool::wait_idle() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return busy_ == 0 && queue_.empty(); });
}

void WorkerPool::loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and drained
    Task task = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {
      log::error("worker.task_failed", {{"error", e.what()}});
    } catch (...) {
      log::error("worker.task_failed", {{"error", "unknown exception"}});
    }
    task = Task();
    lock.lock();
    if (--busy_ == 0 && queue_.empty()) idle_cv_.notify_all();
  }
}

}  // namespace ruche
