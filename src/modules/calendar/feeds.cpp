// Calendars from elsewhere (docs/calendar.md, "Import" and
// "Subscriptions"): an .ics file's events added to a calendar once, and a
// person's subscriptions, read-only copies of calendars published elsewhere
// (an .ics address), read through the platform's egress (SECURITY.md IO-5)
// when made, on demand, and when due. Each subscription is a collection of
// its own, so that the JSON API's occurrences and CalDAV read its events as
// any other calendar's. Both split what they read with dav::split_feed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cctype>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "base/clock.hpp"
#include "base/fnv.hpp"
#include "base/log.hpp"
#include "base/text.hpp"
#include "core/crypto/aead.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/random.hpp"
#include "dav/dav.hpp"
#include "dav/ical_feed.hpp"
#include "modules/calendar/service.hpp"
#include "platform/module_settings.hpp"

namespace ruche::calendar {

using platform::Access;
using platform::Caller;

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
// Between two reads: what the publisher asks (REFRESH-INTERVAL,
// X-PUBLISHED-TTL) within an hour and a week; 12 hours when it says
// nothing. A failed read is tried again within the hour.
constexpr std::int64_t kMinRefreshMs = kHourMs;
constexpr std::int64_t kMaxRefreshMs = 7 * 24 * kHourMs;
constexpr std::int64_t kDefaultRefreshMs = 12 * kHourMs;
constexpr std::int64_t kRetryMs = kHourMs;
// A subscription's address at rest: "u1:" and the base64 of its seal
// (Service::sealed_url).
constexpr std::string_view kSealedUrl = "u1:";
// Events written by one transaction of an import.
constexpr std::size_t kImportBatch = 1'000;
// Subscriptions looked up at a time by the periodic task's run, which
// reads them `[calendar] subscription_readers` at a time (4 unless set,
// 1 to 32) until none is due or its time is up.
constexpr int kDueAtOnce = 20;
constexpr int kReadsAtOnce = 4;
constexpr int kMostReadsAtOnce = 32;

// A subscription's next read comes its interval after this one, less up
// to a tenth of it, the same for the subscription at every read: those
// read at one moment (made together, or all due after a stop) are read
// apart from then on.
std::int64_t next_read_ms(const store::Subscription& s, std::int64_t now_ms) {
  return now_ms + s.refresh_ms -
         static_cast<std::int64_t>(fnv1a(s.id) % static_cast<std::uint64_t>(s.refresh_ms / 10 + 1));
}

// An address as calendar applications publish it: webcal:// and webcals://
// are http(s) by another name (Apple's), read over https.
std::string feed_url(std::string url) {
  for (std::string_view scheme : {"webcal://", "webcals://"})
    if (url.size() > scheme.size() &&
        std::equal(scheme.begin(), scheme.end(), url.begin(),
                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
      return "https://" + url.substr(scheme.size());
  return url;
}

// The resource name of a feed's object: its UID's digest, the same at
// every read (a UID may hold any character, and be long).
std::string object_name(std::string_view uid) {
  return fnv_hex(fnv1a(uid)) + ".ics";
}

}  // namespace

Result<Service::ImportReport> Service::import_ics(const Caller& caller,
                                                  const std::optional<WorkspaceId>& ws,
                                                  std::string_view ics) {
  // Read and checked before any transaction, which then only writes.
  ImportReport report;
  std::vector<Object> found;
  {
    RUCHE_TRY(auto slot, parse_slot());
    RUCHE_TRY(auto feed, dav::split_feed(ics, static_cast<std::size_t>(kMaxObjects), true));
    for (auto& f : feed.objects) {
      auto info = dav::inspect(f.ics);
      if (!info) {
        if (report.refusals.size() < 20) report.refusals.emplace_back(f.uid, info.error().reason);
        ++report.refused;
        continue;
      }
      Object& o = found.emplace_back();
      o.info = std::move(*info);
      o.ics = std::move(f.ics);
    }
  }
  // A batch at a time, so that the database's writer is never held long:
  // should one fail, those before stay, and the same file imported again
  // adds the rest (what the calendar holds is left as it is).
  const Collection col = ws ? Collection::of_workspace(*ws) : Collection::personal(caller.user_id);
  std::size_t at = 0;
  do {
    const std::size_t end = std::min(found.size(), at + kImportBatch);
    const bool last = end == found.size();
    RUCHE_TRY(auto done, p_.db.write([&](db::Conn& c) -> Result<std::pair<int, int>> {
      RUCHE_TRY(Calendar cal, reach(c, caller.user_id, col, Access::write));
      if (cal.armoured)
        return fail(Errc::invalid,
                    "an armoured calendar's events are sealed in the browsers: nothing to import",
                    "armoured_unsupported");
      int existing = 0;
      std::vector<Object*> adding;
      for (std::size_t i = at; i < end; ++i) {
        RUCHE_TRY(auto same, store::object_with_uid(c, col.id, found[i].info.uid));
        if (same)
          ++existing;
        else
          adding.push_back(&found[i]);
      }
      RUCHE_TRY(std::int64_t held, store::count(c, col.id));
      if (held + static_cast<std::int64_t>(adding.size()) > kMaxObjects)
        return fail(Errc::conflict, "this calendar would hold more than 50,000 objects",
                    "calendar_full");
      for (Object* o : adding) {
        // A new id and name at each run of the body (write_object gives the rest).
        o->id = crypto::new_id_of<EventId>();
        o->name = o->id.str() + ".ics";
        RUCHE_CHECK(write_object(c, caller.user_id, cal, *o, nullptr));
        if (ws) RUCHE_CHECK(announce(c, cal, *o, false));
      }
      // A person's calendar: one frame for the batch, not one an event.
      if (!ws && !adding.empty()) tell_changed(c, cal.col);
      if (last && ws) {
        platform::AuditEntry e = platform::AuditEntry::by(caller, "calendar.imported");
        e.workspace_id = ws->str();
        e.details["imported"] = report.imported + static_cast<int>(adding.size());
        e.details["existing"] = report.existing + existing;
        e.details["refused"] = report.refused;
        RUCHE_CHECK(p_.audit.append(c, e));
      }
      return std::make_pair(static_cast<int>(adding.size()), existing);
    }));
    report.imported += done.first;
    report.existing += done.second;
    at = end;
  } while (at < found.size());
  return report;
}

Result<Service::ParseSlot> Service::parse_slot() {
  if (!parsing_.try_acquire_for(std::chrono::seconds(kParseWaitSeconds)))
    return fail(Errc::unavailable, "calendar files are being read: try again in a moment",
                "busy");
  return ParseSlot(parsing_);
}

Result<SubscriptionRequest> parse_subscription(const json::object& o) {
  json::In in(o);
  SubscriptionRequest r;
  if (auto url = in.opt_string("url", {.max = 2048})) {
    r.url = feed_url(std::string(trim_blanks(*url)));
    if (!http::valid_egress_url(*r.url))
      return fail(Errc::invalid, "url is an http, https or webcal address", "invalid_url");
  }
  if (auto name = in.opt_string("name", {.max = kMaxSubscriptionNameBytes})) {
    r.name = std::string(trim_blanks(*name));
    if (r.name->empty()) return fail(Errc::invalid, "name may not be blank", "invalid_name");
  }
  if (!in.ok()) {
    Error e = in.error();
    e.reason = in.has("url") && !r.url ? "invalid_url" : "invalid_name";
    return tl::unexpected(std::move(e));
  }
  return r;
}

json::object subscription_json(const store::Subscription& s) {
  json::object j;
  j["id"] = s.id;
  j["name"] = s.name;
  j["url"] = s.url;
  j["refresh_minutes"] = s.refresh_ms / 60'000;
  j["refreshed_at"] =
      s.refreshed_at_ms ? json::value(format_iso8601(*s.refreshed_at_ms)) : json::value(nullptr);
  j["next_refresh_at"] = format_iso8601(s.next_at_ms);
  j["error"] = s.error.empty() ? json::value(nullptr) : json::value(s.error);
  j["created_at"] = format_iso8601(s.created_at_ms);
  return j;
}

std::string Service::url_key() const {
  return crypto::hmac_sha256(p_.config.instance_key, "ruche-calendar-subscription-url");
}

std::string Service::sealed_url(const store::Subscription& s) const {
  return std::string(kSealedUrl) + crypto::base64_encode(crypto::seal(url_key(), s.url, s.id));
}

Result<store::Subscription> Service::opened(store::Subscription s) const {
  if (!s.url.starts_with(kSealedUrl)) return s;  // stored before addresses were sealed
  auto sealed = crypto::base64_decode(std::string_view(s.url).substr(kSealedUrl.size()));
  auto url = sealed ? crypto::open(url_key(), *sealed, s.id) : fail(Errc::invalid, "not base64");
  if (!url)
    return fail(Errc::internal, "a subscription's address does not open under this instance key");
  s.url = std::move(*url);
  return s;
}

Result<store::Subscription> Service::own_subscription(db::Conn& c, const Caller& caller,
                                                      const std::string& id) {
  RUCHE_TRY(auto s, store::subscription(c, id));
  if (!s || s->owner_id != caller.user_id.str() || caller.is_guest())
    return fail(Errc::not_found, "no such subscription");
  return opened(std::move(*s));
}

bool Service::can_subscribe(const Caller& caller) const {
  return p_.egress.config().enabled && !caller.is_guest();
}

tl::unexpected<Error> Service::egress_disabled() {
  return fail(Errc::forbidden, "this instance fetches nothing from other sites",
              "egress_disabled");
}

Result<void> Service::take_feed_read(const Caller& caller) {
  if (feed_reads_.allow(caller.user_id.str())) return {};
  return fail_rate_limited("too many reads of calendar feeds: try again in a minute",
                           "rate_limited", feed_reads_.retry_after_ms(caller.user_id.str()));
}

Result<std::vector<store::Subscription>> Service::subscriptions(const Caller& caller) {
  if (caller.is_guest()) return std::vector<store::Subscription>{};
  RUCHE_TRY(auto list, p_.db.read([&](db::Conn& c) {
              return store::subscriptions(c, caller.user_id.str());
            }));
  for (auto& s : list) {
    RUCHE_TRY(auto open, opened(std::move(s)));
    s = std::move(open);
  }
  return list;
}

Result<store::Subscription> Service::subscribe(const Caller& caller,
                                               const SubscriptionRequest& request) {
  if (caller.is_guest()) return fail(Errc::not_found, "no such route");
  if (!request.url) return fail(Errc::invalid, "url is required", "invalid_url");
  if (!can_subscribe(caller)) return egress_disabled();
  // Counted, not opened: their addresses are not needed here.
  RUCHE_TRY(auto mine, p_.db.read([&](db::Conn& c) {
              return store::subscriptions(c, caller.user_id.str());
            }));
  if (mine.size() >= kMaxSubscriptions)
    return fail(Errc::conflict, "at most 20 subscriptions", "too_many_subscriptions");
  RUCHE_CHECK(take_feed_read(caller));
  store::Subscription s;
  s.id = crypto::new_id();
  s.owner_id = caller.user_id.str();
  s.url = *request.url;
  s.name = request.name.value_or("");
  s.created_at_ms = p_.clock.now_ms();
  s.refresh_ms = kDefaultRefreshMs;
  // Made once its feed reads: nothing is kept of an address that does not.
  store::Subscription stored = s;
  stored.url = sealed_url(s);
  RUCHE_CHECK(p_.db.write([&](db::Conn& c) { return store::insert_subscription(c, stored); }));
  if (auto read = read_feed(s); !read) {
    (void)p_.db.write([&](db::Conn& c) { return store::delete_subscription(c, s); });
    return tl::unexpected(read.error());
  }
  return s;
}

Result<store::Subscription> Service::rename_subscription(const Caller& caller,
                                                         const std::string& id,
                                                         const std::string& name) {
  return p_.db.write([&](db::Conn& c) -> Result<store::Subscription> {
    RUCHE_TRY(auto s, own_subscription(c, caller, id));
    s.name = name;
    RUCHE_CHECK(store::update_subscription(c, s));
    tell_changed(c, s.collection());
    return s;
  });
}

Result<void> Service::unsubscribe(const Caller& caller, const std::string& id) {
  return p_.db.write([&](db::Conn& c) -> Result<void> {
    RUCHE_TRY(auto s, own_subscription(c, caller, id));
    tell_changed(c, s.collection());
    return store::delete_subscription(c, s);
  });
}

Result<store::Subscription> Service::refresh(const Caller& caller, const std::string& id) {
  RUCHE_TRY(auto s, p_.db.read([&](db::Conn& c) { return own_subscription(c, caller, id); }));
  if (!can_subscribe(caller)) return egress_disabled();
  RUCHE_CHECK(take_feed_read(caller));
  RUCHE_CHECK(read_feed(s));
  return s;
}

Result<bool> Service::any_due() {
  return p_.db.read([&](db::Conn& c) -> Result<bool> {
    RUCHE_TRY(auto due, store::due_subscriptions(c, p_.clock.now_ms(), 1));
    return !due.empty();
  });
}

Result<void> Service::refresh_due(std::int64_t budget_ms) {
  return platform::batches_until_none_due(
      p_.clock, budget_ms, [&](std::int64_t now) -> Result<std::size_t> {
        RUCHE_TRY(auto due, p_.db.read([&](db::Conn& c) {
          return store::due_subscriptions(c, now, kDueAtOnce);
        }));
        if (due.empty()) return 0;
        // The readers take the due subscriptions one after another (a slow
        // site holds one reader, not the others' turns).
        std::atomic<std::size_t> next{0};
        std::mutex mu;
        std::optional<Error> failed;  // a database error stops the run
        auto reader = [&] {
          for (std::size_t i = next++; i < due.size(); i = next++) {
            if (auto r = refresh_one(due[i], now); !r) {
              std::lock_guard lock(mu);
              failed = r.error();
              return;
            }
          }
        };
        std::vector<std::thread> readers;
        const auto at_once =
            std::clamp<std::int64_t>(platform::module_int(p_.config.module_settings, "calendar",
                                                          "subscription_readers", kReadsAtOnce),
                                     1, kMostReadsAtOnce);
        for (std::int64_t k = 1; k < std::min<std::int64_t>(at_once, due.size()); ++k)
          readers.emplace_back(reader);
        reader();
        for (auto& t : readers) t.join();
        if (failed) return tl::unexpected(*failed);
        return due.size();
      });
}

Result<void> Service::refresh_one(const std::string& id, std::int64_t now_ms) {
  // Taken first, so that no other node reads it meanwhile (read_feed
  // writes its next read when it ends).
  RUCHE_TRY(bool mine, p_.db.write([&](db::Conn& c) {
              return store::claim_subscription(c, id, now_ms, now_ms + kRetryMs);
            }));
  if (!mine) return {};
  RUCHE_TRY(auto found, p_.db.read([&](db::Conn& c) { return store::subscription(c, id); }));
  if (!found) return {};
  RUCHE_TRY(auto s, opened(std::move(*found)));
  if (auto read = read_feed(s); !read)
    log::info("calendar.subscription_failed",
              {{"subscription", s.id}, {"reason", read.error().reason}});
  return {};
}

Result<void> Service::read_feed(store::Subscription& s) {
  // The network first, outside any transaction.
  auto fetched = p_.egress.get(s.url, s.etag, s.last_modified);
  Result<dav::Feed> feed = fail(Errc::internal, "not read");
  if (!fetched) {
    feed = tl::unexpected(fetched.error());
  } else if (fetched->status == 304) {
    feed = dav::Feed{};
  } else if (fetched->status != 200) {
    feed = fail(Errc::invalid, "the address answered " + std::to_string(fetched->status),
                "feed_status");
  } else if (auto slot = parse_slot(); !slot) {
    feed = tl::unexpected(slot.error());
  } else {
    feed = dav::split_feed(fetched->body, static_cast<std::size_t>(kMaxObjects));
  }
  const std::int64_t now = p_.clock.now_ms();
  const bool unchanged = fetched && fetched->status == 304;
  const Collection col = s.collection();
  auto outcome = p_.db.write([&](db::Conn& c) -> Result<void> {
    // Gone meanwhile (unsubscribed): nothing to write.
    RUCHE_TRY(auto current, store::subscription(c, s.id));
    if (!current) return {};
    s.name = current->name;
    if (!feed) {
      s.error = feed.error().reason.empty() ? std::string(errc_name(feed.error().code))
                                            : feed.error().reason;
      s.next_at_ms = now + std::min(s.refresh_ms, kRetryMs);
      return store::update_subscription(c, s);
    }
    s.error.clear();
    s.refreshed_at_ms = now;
    if (!unchanged) {
      s.etag = fetched->etag;
      s.last_modified = fetched->last_modified;
      if (feed->refresh_ms)
        s.refresh_ms = std::clamp(*feed->refresh_ms, kMinRefreshMs, kMaxRefreshMs);
      if (s.name.empty()) s.name = feed->name.empty() ? "Calendar" : feed->name;
      if (s.name.size() > kMaxSubscriptionNameBytes) s.name.resize(kMaxSubscriptionNameBytes);
      // What the collection holds, by name, then what the feed holds now.
      std::unordered_map<std::string, Object> held;
      std::unordered_set<std::string> written;
      bool wrote = false;
      RUCHE_CHECK(store::each_object(c, col.id, std::nullopt, true, [&](Object& o) -> Result<void> {
        held.emplace(o.name, std::move(o));
        return {};
      }));
      Calendar cal;
      cal.col = col;
      const UserId owner(s.owner_id);
      for (const auto& f : feed->objects) {
        auto info = dav::inspect(f.ics);
        if (!info) continue;  // what the checks refuse is left out
        const std::string name = object_name(f.uid);
        // Two UIDs of one digest (never seen): the first is kept.
        if (!written.insert(name).second) continue;
        auto it = held.find(name);
        Object o;
        o.name = name;
        o.info = std::move(*info);
        o.ics = f.ics;  // a copy: a write body may run twice
        if (it == held.end()) {
          RUCHE_CHECK(write_object(c, owner, cal, o, nullptr));
          wrote = true;
          continue;
        }
        const Object before = std::move(it->second);
        held.erase(it);
        if (before.ics == o.ics) continue;
        RUCHE_CHECK(write_object(c, owner, cal, o, &before));
        wrote = true;
      }
      for (auto& [name, o] : held) {
        RUCHE_TRY(std::int64_t seq, store::next_seq(c, col));
        RUCHE_CHECK(store::remove(c, o, seq));
        wrote = true;
      }
      if (wrote) tell_changed(c, col);
    }
    s.next_at_ms = next_read_ms(s, now);
    return store::update_subscription(c, s);
  });
  RUCHE_CHECK(outcome);
  if (!feed) return tl::unexpected(feed.error());
  return {};
}

}  // namespace ruche::calendar
