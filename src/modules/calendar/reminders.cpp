// Reminders (docs/calendar.md "Reminders"): each person's, minutes before
// each occurrence of an event, kept in the event's alarms (VALARM) in their
// own calendar and in a row of theirs elsewhere (an alarm in a shared event
// would go off for every member); the index calendar_reminders says when
// each goes off next, and a periodic task sends the notices.
#include "base/clock.hpp"
#include "modules/calendar/service.hpp"
#include "platform/accounts.hpp"

namespace ruche::calendar {

using platform::Access;
using platform::Caller;

namespace {

// Whether `o` is an event of `user`'s own calendar, whose alarms are theirs.
bool in_own_calendar(const Object& o, std::string_view user) {
  return o.collection_id == Collection::personal(UserId(std::string(user))).id;
}

// Reminders taken at once by one run, between two reads of what is due.
constexpr int kDueAtOnce = 100;

// "15 minutes", "2 hours", "1 day" (the largest whole unit), in French or English.
std::string delay_text(int minutes, bool fr) {
  auto unit = [&](int n, const char* en, const char* en_many, const char* f, const char* f_many) {
    return std::to_string(n) + " " + (fr ? (n > 1 ? f_many : f) : (n > 1 ? en_many : en));
  };
  if (minutes > 0 && minutes % 1440 == 0)
    return unit(minutes / 1440, "day", "days", "jour", "jours");
  if (minutes > 0 && minutes % 60 == 0)
    return unit(minutes / 60, "hour", "hours", "heure", "heures");
  return unit(minutes, "minute", "minutes", "minute", "minutes");
}

}  // namespace

tl::unexpected<Error> Service::armoured_reminders() {
  return fail(Errc::invalid,
              "an armoured event's times are in its card: its reminders are the browser's",
              "armoured_unsupported");
}

Result<void> Service::read_reminders(db::Conn& c, const UserId& user, Object& o) {
  if (!o.sealed.empty() || o.info.kind != dav::ComponentKind::vevent) return {};
  if (in_own_calendar(o, user.str())) {
    o.reminders = dav::reminder_minutes(o.ics);
    return {};
  }
  RUCHE_TRY(auto mine, store::reminders(c, o.id, user.str()));
  o.reminders = mine ? std::move(mine->minutes) : std::vector<int>{};
  return {};
}

Result<void> Service::remind(db::Conn& c, const UserId& user, Object& o,
                             const std::vector<int>& minutes, bool fresh) {
  if (!o.sealed.empty()) return armoured_reminders();
  if (o.info.kind != dav::ComponentKind::vevent)
    return fail(Errc::invalid, "reminders are an event's", "invalid_event");
  if (!in_own_calendar(o, user.str())) {
    std::string zone;
    if (o.info.all_day) {
      RUCHE_TRY(zone, platform::time_zone_of(c, user.str()));
    }
    const auto next = dav::next_reminder(o.ics, minutes, p_.clock.now_ms(), zone);
    RUCHE_CHECK(store::set_reminders(
        c, {o.id, user.str(), minutes, next ? std::optional(next->due_ms) : std::nullopt}));
    o.reminders = minutes;
    return {};
  }
  RUCHE_TRY(std::string ics, dav::with_reminders(o.ics, minutes));
  if (fresh) {
    // Written in this transaction: its version stands for what it ends as.
    o.ics = std::move(ics);
    o.size = static_cast<std::int64_t>(o.ics.size());
    RUCHE_CHECK(store::update(c, o));
    RUCHE_CHECK(index_reminders(c, o));
  } else {
    RUCHE_TRY(Calendar cal, reach(c, user, collection_of(o.collection_id), Access::write));
    Object next = o;
    next.ics = std::move(ics);
    RUCHE_TRY(o, store_object(c, user, cal, std::move(next), &o));
  }
  o.reminders = minutes;
  return {};
}

Result<void> Service::written_reminders(db::Conn& c, const UserId& user, Object& o,
                                        const std::optional<std::vector<int>>& asked) {
  return asked ? remind(c, user, o, *asked, true) : read_reminders(c, user, o);
}

Result<void> Service::index_reminders(db::Conn& c, const Object& o) {
  if (!o.sealed.empty() || o.info.kind != dav::ComponentKind::vevent) return {};
  const Collection col = collection_of(o.collection_id);
  // The owner's own from its alarms (when they go off: below, with the rest).
  if (!col.workspace && !subscription_of(o.collection_id))
    RUCHE_CHECK(
        store::set_reminders(c, {o.id, col.owner, dav::reminder_minutes(o.ics), std::nullopt}));
  // Everyone's, a list at a time: an event a whole workspace is reminded
  // of costs an expansion per different list, not per person (an all-day
  // one's, per list and time zone: its days begin on each person's clock).
  RUCHE_TRY(auto lists, store::reminder_lists(c, o.id, o.info.all_day));
  const std::int64_t now = p_.clock.now_ms();
  for (const auto& list : lists) {
    const auto next = dav::next_reminder(o.ics, list.minutes, now, list.time_zone.value_or(""));
    RUCHE_CHECK(store::set_due(c, o.id, list, next ? std::optional(next->due_ms) : std::nullopt));
  }
  return {};
}

Result<void> Service::time_zone_changed(db::Conn& c, const UserId& user) {
  // Their all-day events' reminders, a page at a time (the transaction
  // holds them all: a page's rows are moved before the next is read).
  const std::int64_t now = p_.clock.now_ms();
  std::string after;
  for (;;) {
    RUCHE_TRY(auto rows, store::all_day_reminders(c, user.str(), after, kDueAtOnce));
    for (store::Reminders& r : rows) {
      RUCHE_TRY(auto o, store::object(c, r.object_id));
      if (!o) continue;
      const auto next = dav::next_reminder(o->ics, r.minutes, now, r.time_zone);
      r.due_ms = next ? std::optional(next->due_ms) : std::nullopt;
      RUCHE_CHECK(store::set_reminders(c, r));
    }
    if (rows.size() < static_cast<std::size_t>(kDueAtOnce)) return {};
    after = rows.back().object_id.str();
  }
}

Result<Object> Service::set_reminders(const Caller& caller, const EventId& id,
                                      const std::vector<int>& minutes) {
  return p_.db.write([&](db::Conn& c) -> Result<Object> {
    RUCHE_TRY(auto found, reach_event_or_invited(c, caller, id, Access::read, std::nullopt));
    Object o = std::move(found.first);
    RUCHE_CHECK(remind(c, caller.user_id, o, minutes, false));
    return o;
  });
}

Result<bool> Service::any_reminder_due() {
  return p_.db.read([&](db::Conn& c) -> Result<bool> {
    RUCHE_TRY(auto due, store::due_reminders(c, p_.clock.now_ms(), 1));
    return !due.empty();
  });
}

Result<void> Service::remind_due(std::int64_t budget_ms) {
  return platform::batches_until_none_due(
      p_.clock, budget_ms, [&](std::int64_t now) -> Result<std::size_t> {
        RUCHE_TRY(auto due, p_.db.read([&](db::Conn& c) {
          return store::due_reminders(c, now, kDueAtOnce);
        }));
        // A batch a transaction: one durable commit for them all.
        if (!due.empty())
          RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
            for (const store::Reminders& r : due) RUCHE_CHECK(remind_one(c, r, now));
            return {};
          }));
        return due.size();
      });
}

Result<void> Service::remind_one(db::Conn& c, const store::Reminders& r, std::int64_t now_ms) {
  RUCHE_TRY(auto o, store::object(c, r.object_id));
  if (!o || !r.due_ms) return {};
  // The occurrence this one is for, and the next reminder after it, from one
  // expansion; the event may have moved since (then the first is later than
  // the row says, nothing is sent and the row moves to it).
  const auto two = dav::next_reminders(o->ics, r.minutes, *r.due_ms - 1, 2, r.time_zone);
  const dav::Reminder* current = !two.empty() && two[0].due_ms == *r.due_ms ? &two[0] : nullptr;
  const std::size_t after = current ? 1 : 0;
  const std::optional<std::int64_t> next =
      two.size() > after ? std::optional(two[after].due_ms) : std::nullopt;
  RUCHE_TRY(bool mine, store::claim_reminder(c, r, next));
  if (!mine || !current) return {};
  // Whether they still see it: their calendar, the read right, or invited.
  Caller who;
  who.user_id = UserId(r.user_id);
  auto seen = reach_event_or_invited(c, who, o->id, Access::read, std::nullopt);
  if (!seen) {
    if (seen.error().code != Errc::not_found && seen.error().code != Errc::forbidden)
      return tl::unexpected(seen.error());
    return store::set_reminders(c, {o->id, r.user_id, {}, std::nullopt});
  }
  RUCHE_TRY(auto answer, store::partstat_of(c, o->id, r.user_id));
  if (answer == "DECLINED" || now_ms - *r.due_ms > kLateReminderMs) return {};
  const dav::Instance& i = current->instance;
  json::object data;
  data["id"] = o->id.str();
  const auto ws = workspace_of(o->collection_id);
  data["workspace_id"] = ws ? json::value(ws->str()) : json::value(nullptr);
  data["title"] = i.summary;
  data["location"] = i.location;
  data["start"] = time_json(i.start_ms, i.all_day);
  data["end"] = time_json(i.end_ms, i.all_day);
  data["all_day"] = i.all_day;
  data["minutes"] = current->minutes;
  if (i.recurrence_ms) data["recurrence_id"] = format_iso8601(*i.recurrence_ms);
  RUCHE_CHECK(p_.outbox.notify(c, who.user_id, "calendar.reminder", std::move(data), ws));
  // By email too, for those who asked, in the same transaction.
  if (!p_.mail_queue.enabled()) return {};
  RUCHE_TRY(auto to, store::reminder_mail_to(c, r.user_id));
  if (!to) return {};
  return p_.mail_queue.enqueue(c, reminder_mail(*to, *current, *o, r.time_zone));
}

platform::Mail Service::reminder_mail(const store::MailTo& to, const dav::Reminder& r,
                                      const Object& event, std::string_view zone) const {
  std::string locale = to.locale;
  if (locale.empty()) {
    auto settings = p_.settings.get();
    locale = settings ? settings->default_locale : "en";
  }
  const bool fr = locale == "fr";
  const dav::Instance& i = r.instance;
  const std::string title = i.summary.empty() ? (fr ? "Sans titre" : "Untitled") : i.summary;
  const std::string when = when_text(i.start_ms, i.all_day, zone);
  const auto ws = workspace_of(event.collection_id);
  platform::Mail m;
  m.to = to.email;
  m.subject = (fr ? "Rappel : " : "Reminder: ") + title + " (" + when + ")";
  m.text = r.minutes == 0
               ? (fr ? "« " + title + " » commence maintenant.\n\n"
                     : "\"" + title + "\" starts now.\n\n")
               : (fr ? "« " + title + " » commence dans " + delay_text(r.minutes, fr) + ".\n\n"
                     : "\"" + title + "\" starts in " + delay_text(r.minutes, fr) + ".\n\n");
  m.text += (fr ? "Quand : " : "When: ") + when;
  if (i.end_ms > i.start_ms)
    m.text += (fr ? " au " : " to ") +
              when_text(i.end_ms - (i.all_day ? 86'400'000 : 0), i.all_day, zone);
  m.text += "\n";
  if (!i.location.empty()) m.text += (fr ? "Où : " : "Where: ") + i.location + "\n";
  m.text += (fr ? "\nOuvrir : " : "\nOpen: ") + p_.config.public_url +
            (ws ? "/w/" + ws->str() + "/calendar/" : std::string("/calendar/")) + event.id.str() +
            (fr ? "\n\nVous recevez vos rappels par e-mail comme vous l'avez demandé (profil, "
                  "Notifications).\n"
                : "\n\nYou get your reminders by email as you asked (profile, Notifications).\n");
  return m;
}

}  // namespace ruche::calendar
