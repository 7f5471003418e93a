// A person's notices (docs/api.md "Notices"): what Outbox::notify told them
// live, read back later — a page of them, how many are unread, and marking
// them read. Only their own, and of a workspace only while they are a
// member of it. Those left unread go by email in one digest per person.
// Thread-safe; blocks on the database: worker threads only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/json.hpp"
#include "base/result.hpp"
#include "core/db/database.hpp"
#include "platform/mail_queue.hpp"
#include "platform/types.hpp"

namespace ruche::platform {

// How long a notice is kept.
inline constexpr std::int64_t kNoticeKeepMs = 90LL * 86'400'000;
// A page of notices, at most.
inline constexpr int kMaxNoticePage = 100;

struct Notice {
  std::string id;
  std::string type;
  json::value data;
  std::int64_t created_at_ms = 0;
  bool read = false;
};
json::object to_json(const Notice& n);

struct NoticePage {
  std::vector<Notice> notices;  // newest first
  std::int64_t unread = 0;      // of all the person's notices
};

// The person's notices older than `before` (a notice id; the newest without
// it), at most `limit`.
Result<NoticePage> list_notices(db::Database& db, const UserId& user,
                                const std::optional<std::string>& before, int limit);
// Marks read the person's notices of `ids` (others' and unknown ids are
// ignored), or every one of theirs when `all`; returns how many are unread.
Result<std::int64_t> mark_notices_read(db::Database& db, const UserId& user,
                                       const std::vector<std::string>& ids, bool all,
                                       std::int64_t now_ms);

// What notices are about, for the choice of what is emailed
// (User::notice_email_off): someone mentions you; you are invited to an
// event, or no longer; someone answers an event you organize; someone
// assigns you a task; a task of yours is due today.
inline constexpr std::string_view kNoticeTopics[] = {"mentions", "invitations", "answers",
                                                     "assigned", "due"};

// How long a notice stays unread before it is emailed; how often digests go.
inline constexpr std::int64_t kNoticeEmailDelayMs = 15 * 60'000;
inline constexpr std::int64_t kNoticeDigestPeriodMs = 5 * 60'000;

// One round of digests: to each person who wants them (users.notice_email,
// not disabled), one email listing their notices unread kNoticeEmailDelayMs
// after they came and not emailed yet (the newest 20, and how many more),
// queued through `mail` in the transaction that marks them emailed; at
// most 200 people a round. Returns how many emails were queued; nothing
// without SMTP. `public_url` begins the links. Each email is in the
// person's locale (fr or en), else `default_locale`, the instance's.
Result<int> email_notice_digests(db::Database& db, MailQueue& mail, const Clock& clock,
                                 const std::string& public_url, const std::string& instance_name,
                                 const std::string& default_locale);

}  // namespace ruche::platform
