// A published calendar (a feed: one VCALENDAR of many events, as calendar
// subscriptions read them, RFC 5545 and RFC 7986) split into one object per
// UID, each a VCALENDAR with the time zones it names, as a calendar
// collection stores them (docs/calendar.md, "Subscriptions").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ruche::dav {

struct FeedObject {
  std::string uid;
  std::string ics;
};

struct Feed {
  std::string name;  // X-WR-CALNAME or NAME, "" without one
  // REFRESH-INTERVAL (RFC 7986) or X-PUBLISHED-TTL, as the publisher asks.
  std::optional<std::int64_t> refresh_ms;
  std::vector<FeedObject> objects;  // in the feed's order of their first component
};

// Splits `ics` (a VCALENDAR, or several one after the other). The
// components of one UID (a series and its overridden instances) go
// together; one without a UID is given a stable one, a digest of its text,
// so that it keeps its name from one read of the feed to the next. Alarms
// are left out unless `keep_alarms` (a subscription's publisher's
// reminders are not the reader's; an imported calendar's are its owner's),
// and METHOD always. At most `max_objects`. Errors: invalid "invalid_feed"
// (not iCalendar), too_large "feed_too_large" (more objects).
Result<Feed> split_feed(std::string_view ics, std::size_t max_objects, bool keep_alarms = false);

}  // namespace ruche::dav
