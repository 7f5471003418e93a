// WorkerPool: a fixed set of threads that run blocking work (database, disk,
// password hashing) so that I/O threads never block.
//
// submit() is thread-safe and never blocks. Tasks run in submission order
// across the pool (FIFO). The destructor runs every queued task, then joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace ruche {

// A move-only `void()` callable (std::move_only_function is C++23).
class Task {
 public:
  Task() = default;
  template <class F>
    requires(!std::is_same_v<std::decay_t<F>, Task> && std::is_invocable_v<F&>)
  Task(F&& f)  // NOLINT: implicit by design
      : impl_(std::make_unique<Impl<std::decay_t<F>>>(std::forward<F>(f))) {}
  Task(Task&&) noexcept = default;
  Task& operator=(Task&&) noexcept = default;

  explicit operator bool() const { return impl_ != nullptr; }
  void operator()() { impl_->call(); }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void call() = 0;
  };
  template <class F>
  struct Impl final : Base {
    explicit Impl(F&& f) : fn(std::move(f)) {}
    explicit Impl(const F& f) : fn(f) {}
    void call() override { fn(); }
    F fn;
  };
  std::unique_ptr<Base> impl_;
};

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`. A task that throws is logged and the worker goes on.
  void submit(Task task);

  std::size_t threads() const { return threads_.size(); }
  // Tasks waiting for a thread (not counting running ones).
  std::size_t queued() const;
  // Tasks running now.
  std::size_t busy() const;
  // Returns once no task is queued or running (tasks submitted meanwhile,
  // by running ones too, are waited for). Shutdown uses it to run out the
  // work that reaches what it destroys next. Not from one of its tasks (it
  // would wait for itself).
  void wait_idle();

 private:
  void loop();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;  // busy_ and queue_ both empty
  std::deque<Task> queue_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ruche
