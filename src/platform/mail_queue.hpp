// Email that a change causes (calendar invitations), queued in the change's
// own transaction and sent after it commits: a committed change's message is
// never lost, a rolled-back one never sent, and no request waits on SMTP.
//
// Each node runs one sender thread (only when SMTP is configured). A sender
// leases a batch of due messages by moving their next attempt forward in the
// database (one node sends each), sends them over one connection, and
// removes them; a failure retries after a minute, doubling up to an hour,
// and gives up after kMaxAttempts (logged).
//
// Thread-safety: safe from any thread; enqueue() runs in the caller's write
// transaction.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "platform/mailer.hpp"

namespace ruche::platform {

class MailQueue {
 public:
  static constexpr int kMaxAttempts = 12;
  static constexpr std::int64_t kLeaseMs = 120'000;
  // Messages leased, sent over one connection and settled together.
  static constexpr std::int64_t kBatch = 50;

  // `mailer` null (SMTP not configured): nothing is queued, no thread runs.
  MailQueue(db::Database& db, const Clock& clock, Mailer* mailer);
  ~MailQueue();
  MailQueue(const MailQueue&) = delete;
  MailQueue& operator=(const MailQueue&) = delete;

  bool enabled() const { return mailer_ != nullptr; }
  // Queues `mail` in the transaction of `c` (a write connection); nothing
  // without a mailer. Call wake() after the commit.
  Result<void> enqueue(db::Conn& c, const Mail& mail);
  // Has the sender look at the queue now.
  void wake();
  // Sends every message due now on the calling thread; how many were sent.
  Result<int> send_due();

 private:
  void loop();

  db::Database& db_;
  const Clock& clock_;
  Mailer* const mailer_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace ruche::platform
