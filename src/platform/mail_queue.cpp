#include "platform/mail_queue.hpp"

#include <algorithm>
#include <chrono>

#include "base/log.hpp"
#include "core/crypto/random.hpp"

namespace ruche::platform {

namespace {

// When the sender looks at the queue without being woken: retries fall due.
constexpr auto kPoll = std::chrono::seconds(30);

// The wait after failed attempt `attempts` (1, 2...): a minute, doubling,
// at most an hour.
std::int64_t backoff_ms(std::int64_t attempts) {
  return std::min<std::int64_t>(60'000LL << std::clamp<std::int64_t>(attempts - 1, 0, 6),
                                3'600'000);
}

}  // namespace

MailQueue::MailQueue(db::Database& db, const Clock& clock, Mailer* mailer)
    : db_(db), clock_(clock), mailer_(mailer) {
  if (mailer_) thread_ = std::thread([this] { loop(); });
}

MailQueue::~MailQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<void> MailQueue::enqueue(db::Conn& c, const Mail& mail) {
  if (!mailer_) return {};
  const std::int64_t now = clock_.now_ms();
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO mail_outbox (id, to_addr, subject, body, calendar, "
                   "calendar_method, next_at_ms, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, "
                   "$7, $7)",
                   {crypto::new_id(), mail.to, mail.subject, mail.text, mail.calendar,
                    mail.calendar_method, now}));
  c.on_commit([this] { wake(); });
  return {};
}

void MailQueue::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

Result<int> MailQueue::send_due() {
  if (!mailer_) return 0;
  int sent = 0;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return sent;
    }
    const std::int64_t now = clock_.now_ms();
    // Lease the oldest due messages, a batch in one transaction: their next
    // attempt moves past the time sending may take, so that no other node
    // takes them meanwhile (one whose lease another node won is left).
    struct Leased {
      std::string id;
      Mail mail;
      std::int64_t attempts;
    };
    RUCHE_TRY(auto batch, db_.write([&](db::Conn& c) -> Result<std::vector<Leased>> {
      std::vector<Leased> out;
      RUCHE_TRY(auto rows, c.query("SELECT id, to_addr, subject, body, calendar, calendar_method, "
                                   "attempts FROM mail_outbox WHERE next_at_ms <= $1 ORDER BY "
                                   "next_at_ms, id LIMIT $2",
                                   {now, kBatch}));
      for (const auto& r : rows) {
        RUCHE_TRY(auto n, c.exec("UPDATE mail_outbox SET next_at_ms = $1, attempts = attempts + 1 "
                                 "WHERE id = $2 AND next_at_ms <= $3",
                                 {now + kLeaseMs, r.text(0), now}));
        if (n == 1)
          out.push_back({r.text(0), Mail{r.text(1), r.text(2), r.text(3), r.text(4), r.text(5)},
                         r.i64(6) + 1});
      }
      return out;
    }));
    if (batch.empty()) return sent;
    std::vector<Mail> mails;
    for (const auto& l : batch) mails.push_back(l.mail);
    const auto results = mailer_->send_all(mails);
    RUCHE_CHECK(db_.write([&](db::Conn& c) -> Result<void> {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        const bool ok = i < results.size() && results[i].has_value();
        if (ok || batch[i].attempts >= kMaxAttempts) {
          if (!ok) log::warn("mail.given_up", {{"attempts", std::to_string(batch[i].attempts)}});
          RUCHE_TRY([[maybe_unused]] auto n,
                    c.exec("DELETE FROM mail_outbox WHERE id = $1", {batch[i].id}));
          continue;
        }
        RUCHE_TRY([[maybe_unused]] auto n,
                  c.exec("UPDATE mail_outbox SET next_at_ms = $1 WHERE id = $2",
                         {clock_.now_ms() + backoff_ms(batch[i].attempts), batch[i].id}));
      }
      return {};
    }));
    for (const auto& r : results) sent += r.has_value() ? 1 : 0;
  }
}

void MailQueue::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, kPoll, [this] { return stopping_ || woken_; });
    if (stopping_) break;
    woken_ = false;
    lock.unlock();
    if (auto r = send_due(); !r) log::warn("mail.queue_failed", {{"error", r.error().message}});
    lock.lock();
  }
}

}  // namespace ruche::platform
