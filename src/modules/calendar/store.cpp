#include "modules/calendar/store.hpp"

#include <charconv>
#include <map>

namespace ruche::calendar::store {

namespace {

constexpr const char* kColumns =
    "o.id, o.collection_id, o.name, o.uid, o.kind, o.summary, o.description, o.location, "
    "o.start_ms, o.end_ms, o.recurring, o.all_day, o.seq, o.created_by, o.created_at_ms, "
    "o.updated_at_ms, o.size, o.sealed, o.sealed_by, o.texts_apart, o.organizer_id";
constexpr const char* kColumnsWithText =
    "o.id, o.collection_id, o.name, o.uid, o.kind, o.summary, o.description, o.location, "
    "o.start_ms, o.end_ms, o.recurring, o.all_day, o.seq, o.created_by, o.created_at_ms, "
    "o.updated_at_ms, o.size, o.sealed, o.sealed_by, o.texts_apart, o.organizer_id, o.ics";
// How many columns kColumnsWithText reads: what a query adds comes after.
constexpr std::size_t kWithText = 22;

dav::ComponentKind kind_of(std::string_view k) {
  if (k == "VTODO") return dav::ComponentKind::vtodo;
  if (k == "VJOURNAL") return dav::ComponentKind::vjournal;
  return dav::ComponentKind::vevent;
}

Object object_from(const db::Row& r) {
  Object o;
  o.id = EventId(r.text(0));
  o.collection_id = r.text(1);
  o.name = r.text(2);
  o.info.uid = r.text(3);
  o.info.kind = kind_of(r.text(4));
  o.info.summary = r.text(5);
  o.info.description = r.text(6);
  o.info.location = r.text(7);
  o.info.start_ms = r.i64(8);
  o.info.end_ms = r.i64(9);
  o.info.recurring = r.boolean(10);
  o.info.all_day = r.boolean(11);
  o.seq = r.i64(12);
  o.created_by = r.text(13);
  o.created_at_ms = r.i64(14);
  o.updated_at_ms = r.i64(15);
  o.size = r.i64(16);
  o.sealed = r.opt_text(17).value_or("");
  o.sealed_by = r.opt_text(18).value_or("");
  o.info.texts_apart = r.opt_text(19).value_or("");
  if (auto organizer = r.opt_text(20)) o.organizer = Member{std::move(*organizer), "", "", ""};
  if (r.size() >= kWithText) o.ics = r.text(kWithText - 1);
  return o;
}

// What an object takes: its text, or its card.
std::int64_t size_of(const Object& o) {
  return static_cast<std::int64_t>(o.sealed.empty() ? o.ics.size() : o.sealed.size());
}

db::Param nullable(const std::string& s) {
  return s.empty() ? db::Param(nullptr) : db::Param(s);
}

// The span test of a range [$2, $3) read as (to, from).
constexpr const char* kMeetsRange =
    "o.start_ms < $2 AND (o.end_ms > $3 OR (o.end_ms = o.start_ms AND o.start_ms >= $3))";

// `lock`: the object is to be changed from what is read (Conn::for_update).
Result<std::optional<Object>> one(db::Conn& c, const std::string& where, db::Params params,
                                  bool lock = false) {
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kColumnsWithText +
                                      " FROM calendar_objects o WHERE " + where +
                                      std::string(lock ? c.for_update() : ""),
                                  params));
  if (!row) return std::optional<Object>{};
  return std::optional<Object>(object_from(*row));
}

}  // namespace

Result<std::int64_t> seq(db::Conn& c, const Collection& col) {
  RUCHE_TRY(auto row, c.query_one("SELECT seq FROM calendar_collections WHERE id = $1", {col.id}));
  return row ? row->i64(0) : 0;
}

Result<std::int64_t> next_seq(db::Conn& c, const Collection& col) {
  // UPDATE then SELECT: SQLite buffers a RETURNING's rows, and both
  // backends lock the row from the UPDATE on.
  RUCHE_TRY(std::int64_t changed,
            c.exec("UPDATE calendar_collections SET seq = seq + 1 WHERE id = $1", {col.id}));
  if (changed == 0) {
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("INSERT INTO calendar_collections (id, workspace_id, owner_id, seq) "
                     "VALUES ($1, $2, $3, 1) ON CONFLICT (id) DO UPDATE SET seq = "
                     "calendar_collections.seq + 1",
                     {col.id, col.workspace ? db::Param(col.workspace->str()) : db::Param(nullptr),
                      col.owner.empty() ? db::Param(nullptr) : db::Param(col.owner)}));
  }
  return seq(c, col);
}

Result<std::optional<Object>> object(db::Conn& c, const EventId& id) {
  return one(c, "o.id = $1", {id}, true);
}

Result<std::optional<Object>> object_named(db::Conn& c, const std::string& collection_id,
                                           const std::string& name) {
  return one(c, "o.collection_id = $1 AND o.name = $2", {collection_id, name}, true);
}

Result<std::optional<Object>> object_with_uid(db::Conn& c, const std::string& collection_id,
                                              const std::string& uid) {
  return one(c, "o.collection_id = $1 AND o.uid = $2", {collection_id, uid});
}

Result<std::vector<Object>> objects_named(db::Conn& c, const std::string& collection_id,
                                          const std::vector<std::string>& names) {
  std::vector<Object> out;
  if (names.empty()) return out;
  std::vector<db::Param> params;
  params.emplace_back(collection_id);
  for (const auto& n : names) params.emplace_back(n);
  RUCHE_CHECK(c.each(std::string("SELECT ") + kColumnsWithText +
                         " FROM calendar_objects o WHERE o.collection_id = $1 AND o.name IN (" +
                         db::placeholders(2, names.size()) + ") ORDER BY o.name",
                     params, [&](const db::Row& r) {
                       out.push_back(object_from(r));
                       return true;
                     }));
  return out;
}

Result<void> each_object(db::Conn& c, const std::string& collection_id,
                         std::optional<std::pair<std::int64_t, std::int64_t>> range, bool with_text,
                         FunctionRef<Result<void>(Object&)> fn) {
  std::string sql = std::string("SELECT ") + (with_text ? kColumnsWithText : kColumns) +
                    " FROM calendar_objects o WHERE o.collection_id = $1";
  std::vector<db::Param> params{collection_id};
  if (range) {
    params.emplace_back(range->second);
    params.emplace_back(range->first);
    // An instant at the range's start counts (zero-length events).
    sql += std::string(" AND ") + kMeetsRange;
  }
  sql += " ORDER BY o.name";
  return c.try_each(sql, params, [&](const db::Row& r) {
    Object o = object_from(r);
    return fn(o);
  });
}

Result<std::int64_t> count(db::Conn& c, const std::string& collection_id) {
  RUCHE_TRY(auto row, c.query_one("SELECT COUNT(*) FROM calendar_objects WHERE collection_id = $1",
                                  {collection_id}));
  return row ? row->i64(0) : 0;
}

Result<std::vector<Change>> changes_since(db::Conn& c, const std::string& collection_id,
                                          std::int64_t since, int limit) {
  std::vector<Change> out;
  RUCHE_CHECK(
      c.each("SELECT name, seq, 0 FROM calendar_objects WHERE collection_id = $1 AND seq > $2 "
             "UNION ALL SELECT name, seq, 1 FROM calendar_tombstones WHERE collection_id = $1 AND "
             "seq > $2 "
             "ORDER BY 2 LIMIT $3",
             {collection_id, since, static_cast<std::int64_t>(limit)}, [&](const db::Row& r) {
               out.push_back({r.text(0), r.i64(1), r.boolean(2)});
               return true;
             }));
  return out;
}

Result<void> insert(db::Conn& c, const Object& o) {
  RUCHE_TRY([[maybe_unused]] auto gone,
            c.exec("DELETE FROM calendar_tombstones WHERE collection_id = $1 AND name = $2",
                   {o.collection_id, o.name}));
  RUCHE_TRY(
      [[maybe_unused]] auto n,
      c.exec("INSERT INTO calendar_objects (id, collection_id, name, uid, kind, ics, summary, "
             "description, location, start_ms, end_ms, recurring, all_day, seq, created_by, "
             "created_at_ms, updated_at_ms, size, sealed, sealed_by, texts_apart, organizer_id) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
             "$18, $19, $20, $21, $22)",
             {o.id,
              o.collection_id,
              o.name,
              o.info.uid,
              dav::component_name(o.info.kind),
              o.ics,
              o.info.summary,
              o.info.description,
              o.info.location,
              o.info.start_ms,
              o.info.end_ms,
              o.info.recurring,
              o.info.all_day,
              o.seq,
              o.created_by,
              o.created_at_ms,
              o.updated_at_ms,
              size_of(o),
              nullable(o.sealed),
              nullable(o.sealed_by),
              o.info.texts_apart,
              o.organizer ? db::Param(o.organizer->user_id) : db::Param(nullptr)}));
  return {};
}

Result<void> update(db::Conn& c, const Object& o) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE calendar_objects SET uid = $2, kind = $3, ics = $4, summary = $5, "
                   "description = $6, location = $7, start_ms = $8, end_ms = $9, recurring = $10, "
                   "all_day = $11, seq = $12, updated_at_ms = $13, size = $14, sealed = $15, "
                   "sealed_by = $16, texts_apart = $17, organizer_id = $18 WHERE id = $1",
                   {o.id, o.info.uid, dav::component_name(o.info.kind), o.ics, o.info.summary,
                    o.info.description, o.info.location, o.info.start_ms, o.info.end_ms,
                    o.info.recurring, o.info.all_day, o.seq, o.updated_at_ms, size_of(o),
                    nullable(o.sealed), nullable(o.sealed_by), o.info.texts_apart,
                    o.organizer ? db::Param(o.organizer->user_id) : db::Param(nullptr)}));
  return {};
}

Result<void> remove(db::Conn& c, const Object& o, std::int64_t seq) {
  RUCHE_TRY([[maybe_unused]] auto n, c.exec("DELETE FROM calendar_objects WHERE id = $1", {o.id}));
  RUCHE_TRY([[maybe_unused]] auto t,
            c.exec("INSERT INTO calendar_tombstones (collection_id, name, seq) VALUES ($1, $2, $3) "
                   "ON CONFLICT (collection_id, name) DO UPDATE SET seq = excluded.seq",
                   {o.collection_id, o.name, seq}));
  return {};
}

Result<std::vector<Object>> search(db::Conn& c, const std::vector<std::string>& collection_ids,
                                   const std::vector<std::string>& words, int limit) {
  std::vector<Object> out;
  if (collection_ids.empty() || words.empty()) return out;
  const char* like = c.backend() == db::Backend::sqlite ? " LIKE $" : " ILIKE $";
  std::vector<db::Param> params(collection_ids.begin(), collection_ids.end());
  std::string sql = std::string("SELECT ") + kColumns +
                    " FROM calendar_objects o WHERE o.collection_id IN (" +
                    db::placeholders(1, collection_ids.size()) + ") AND o.sealed IS NULL";
  std::vector<std::string> patterns;  // the parameters view them
  patterns.reserve(words.size());
  for (const auto& w : words) {
    params.emplace_back(patterns.emplace_back("%" + db::like_escape(w) + "%"));
    const std::string at = std::to_string(params.size());
    sql += " AND (o.summary" + std::string(like) + at + " ESCAPE '\\' OR o.description" + like +
           at + " ESCAPE '\\' OR o.location" + like + at + " ESCAPE '\\' OR o.texts_apart" + like +
           at + " ESCAPE '\\')";
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY o.updated_at_ms DESC, o.id LIMIT $" + std::to_string(params.size());
  RUCHE_CHECK(c.each(sql, params, [&](const db::Row& r) {
    out.push_back(object_from(r));
    return true;
  }));
  return out;
}

Result<std::vector<std::pair<EventId, std::string>>> unindexed(db::Conn& c, int limit) {
  std::vector<std::pair<EventId, std::string>> out;
  RUCHE_CHECK(c.each("SELECT id, ics FROM calendar_objects WHERE texts_apart IS NULL LIMIT $1",
                     {static_cast<std::int64_t>(limit)}, [&](const db::Row& r) {
                       out.emplace_back(EventId(r.text(0)), r.text(1));
                       return true;
                     }));
  return out;
}

Result<void> set_texts_apart(db::Conn& c, const EventId& id, const std::string& texts) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE calendar_objects SET texts_apart = $2 WHERE id = $1", {id, texts}));
  return {};
}

// --- subscriptions ---

namespace {

constexpr const char* kSubscriptionColumns =
    "id, owner_id, name, url, refresh_ms, next_at_ms, refreshed_at_ms, etag, last_modified, "
    "error, created_at_ms";

Subscription subscription_from(const db::Row& r) {
  Subscription s;
  s.id = r.text(0);
  s.owner_id = r.text(1);
  s.name = r.text(2);
  s.url = r.text(3);
  s.refresh_ms = r.i64(4);
  s.next_at_ms = r.i64(5);
  s.refreshed_at_ms = r.opt_i64(6);
  s.etag = r.text(7);
  s.last_modified = r.text(8);
  s.error = r.text(9);
  s.created_at_ms = r.i64(10);
  return s;
}

}  // namespace

Result<std::vector<Subscription>> subscriptions(db::Conn& c, const std::string& owner_id) {
  std::vector<Subscription> out;
  RUCHE_CHECK(c.each(std::string("SELECT ") + kSubscriptionColumns +
                         " FROM calendar_subscriptions WHERE owner_id = $1 "
                         "ORDER BY created_at_ms, id",
                     {owner_id}, [&](const db::Row& r) {
                       out.push_back(subscription_from(r));
                       return true;
                     }));
  return out;
}

Result<std::optional<Subscription>> subscription(db::Conn& c, const std::string& id) {
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kSubscriptionColumns +
                                      " FROM calendar_subscriptions WHERE id = $1" +
                                      std::string(c.for_update()),
                                  {id}));
  if (!row) return std::optional<Subscription>{};
  return std::optional<Subscription>(subscription_from(*row));
}

Result<void> insert_subscription(db::Conn& c, const Subscription& s) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO calendar_subscriptions (id, owner_id, name, url, refresh_ms, "
                   "next_at_ms, refreshed_at_ms, etag, last_modified, error, created_at_ms) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                   {s.id, s.owner_id, s.name, s.url, s.refresh_ms, s.next_at_ms,
                    s.refreshed_at_ms ? db::Param(*s.refreshed_at_ms) : db::Param(nullptr), s.etag,
                    s.last_modified, s.error, s.created_at_ms}));
  return {};
}

Result<void> update_subscription(db::Conn& c, const Subscription& s) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("UPDATE calendar_subscriptions SET name = $2, refresh_ms = $3, next_at_ms = $4, "
                   "refreshed_at_ms = $5, etag = $6, last_modified = $7, error = $8 WHERE id = $1",
                   {s.id, s.name, s.refresh_ms, s.next_at_ms,
                    s.refreshed_at_ms ? db::Param(*s.refreshed_at_ms) : db::Param(nullptr), s.etag,
                    s.last_modified, s.error}));
  return {};
}

Result<void> delete_subscription(db::Conn& c, const Subscription& s) {
  RUCHE_TRY([[maybe_unused]] auto objects,
            c.exec("DELETE FROM calendar_collections WHERE id = $1", {s.collection().id}));
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("DELETE FROM calendar_subscriptions WHERE id = $1", {s.id}));
  return {};
}

Result<std::vector<std::string>> due_subscriptions(db::Conn& c, std::int64_t now_ms, int limit) {
  std::vector<std::string> out;
  RUCHE_CHECK(
      c.each("SELECT id FROM calendar_subscriptions WHERE next_at_ms <= $1 "
             "ORDER BY next_at_ms LIMIT $2",
             {now_ms, limit}, [&](const db::Row& r) {
               out.push_back(r.text(0));
               return true;
             }));
  return out;
}

Result<bool> claim_subscription(db::Conn& c, const std::string& id, std::int64_t now_ms,
                                std::int64_t until_ms) {
  RUCHE_TRY(std::int64_t n,
            c.exec("UPDATE calendar_subscriptions SET next_at_ms = $3 WHERE id = $1 AND "
                   "next_at_ms <= $2",
                   {id, now_ms, until_ms}));
  return n == 1;
}

namespace {

std::string minutes_text(const std::vector<int>& minutes) {
  std::string out;
  for (int m : minutes) {
    if (!out.empty()) out += ',';
    out += std::to_string(m);
  }
  return out;
}

std::vector<int> minutes_of(std::string_view text) {
  std::vector<int> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view one = text.substr(0, comma);
    int m = 0;
    if (std::from_chars(one.data(), one.data() + one.size(), m).ec == std::errc{}) out.push_back(m);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

// Rows of calendar_reminders r joined to their person u.
constexpr const char* kReminderColumns =
    "r.object_id, r.user_id, r.minutes, r.due_ms, u.time_zone FROM calendar_reminders r JOIN "
    "users u ON u.id = r.user_id";

Reminders reminders_row(const db::Row& r) {
  return {EventId(r.text(0)), r.text(1), minutes_of(r.text(2)), r.opt_i64(3), r.text(4)};
}

db::Param due_param(const std::optional<std::int64_t>& due) {
  return due ? db::Param(*due) : db::Param(nullptr);
}

}  // namespace

Result<std::optional<Reminders>> reminders(db::Conn& c, const EventId& object_id,
                                           const std::string& user_id) {
  RUCHE_TRY(auto row, c.query_one(std::string("SELECT ") + kReminderColumns +
                                      " WHERE r.object_id = $1 AND r.user_id = $2",
                                  {object_id, user_id}));
  if (!row) return std::optional<Reminders>{};
  return std::optional<Reminders>(reminders_row(*row));
}

Result<void> set_reminders(db::Conn& c, const Reminders& r) {
  if (r.minutes.empty()) {
    RUCHE_TRY([[maybe_unused]] auto n,
              c.exec("DELETE FROM calendar_reminders WHERE object_id = $1 AND user_id = $2",
                     {r.object_id, r.user_id}));
    return {};
  }
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("INSERT INTO calendar_reminders (object_id, user_id, minutes, due_ms) VALUES "
                   "($1, $2, $3, $4) ON CONFLICT (object_id, user_id) DO UPDATE SET minutes = "
                   "excluded.minutes, due_ms = excluded.due_ms",
                   {r.object_id, r.user_id, minutes_text(r.minutes), due_param(r.due_ms)}));
  return {};
}

Result<std::vector<ReminderList>> reminder_lists(db::Conn& c, const EventId& object_id,
                                                 bool by_time_zone) {
  RUCHE_TRY(auto rows,
            c.query(by_time_zone ? "SELECT DISTINCT r.minutes, u.time_zone FROM "
                                   "calendar_reminders r JOIN users u ON u.id = r.user_id WHERE "
                                   "r.object_id = $1 ORDER BY r.minutes, u.time_zone"
                                 : "SELECT DISTINCT minutes FROM calendar_reminders WHERE "
                                   "object_id = $1 ORDER BY minutes",
                    {object_id}));
  std::vector<ReminderList> out;
  for (const auto& r : rows)
    out.push_back({minutes_of(r.text(0)), by_time_zone ? std::optional(r.text(1)) : std::nullopt});
  return out;
}

Result<void> set_due(db::Conn& c, const EventId& object_id, const ReminderList& list,
                     std::optional<std::int64_t> due_ms) {
  RUCHE_TRY(
      [[maybe_unused]] auto n,
      list.time_zone
          ? c.exec("UPDATE calendar_reminders SET due_ms = $3 WHERE object_id = $1 AND "
                   "minutes = $2 AND EXISTS (SELECT 1 FROM users u WHERE u.id = "
                   "calendar_reminders.user_id AND u.time_zone = $4)",
                   {object_id, minutes_text(list.minutes), due_param(due_ms), *list.time_zone})
          : c.exec("UPDATE calendar_reminders SET due_ms = $3 WHERE object_id = $1 AND "
                   "minutes = $2",
                   {object_id, minutes_text(list.minutes), due_param(due_ms)}));
  return {};
}

Result<std::vector<Reminders>> all_day_reminders(db::Conn& c, const std::string& user_id,
                                                 const std::string& after_id, int limit) {
  RUCHE_TRY(auto rows, c.query(std::string("SELECT ") + kReminderColumns +
                                   " JOIN calendar_objects o ON o.id = r.object_id WHERE "
                                   "r.user_id = $1 AND o.all_day = 1 AND r.object_id > $2 ORDER "
                                   "BY r.object_id LIMIT $3",
                               {user_id, after_id, std::int64_t{limit}}));
  std::vector<Reminders> out;
  for (const auto& r : rows) out.push_back(reminders_row(r));
  return out;
}

Result<std::vector<Reminders>> due_reminders(db::Conn& c, std::int64_t now_ms, int limit) {
  RUCHE_TRY(auto rows, c.query(std::string("SELECT ") + kReminderColumns +
                                   " WHERE r.due_ms IS NOT NULL AND r.due_ms <= $1 ORDER BY "
                                   "r.due_ms, r.object_id, r.user_id LIMIT $2",
                               {now_ms, std::int64_t{limit}}));
  std::vector<Reminders> out;
  for (const auto& r : rows) out.push_back(reminders_row(r));
  return out;
}

Result<bool> claim_reminder(db::Conn& c, const Reminders& r, std::optional<std::int64_t> next) {
  if (!r.due_ms) return false;
  RUCHE_TRY(std::int64_t n,
            c.exec("UPDATE calendar_reminders SET due_ms = $4 WHERE object_id = $1 AND user_id = "
                   "$2 AND due_ms = $3",
                   {r.object_id, r.user_id, *r.due_ms, due_param(next)}));
  return n == 1;
}

Result<std::optional<MailTo>> reminder_mail_to(db::Conn& c, const std::string& user_id) {
  RUCHE_TRY(auto row, c.query_one("SELECT email, locale FROM users WHERE id = $1 AND "
                                  "reminder_email = 1 AND disabled = 0",
                                  {user_id}));
  if (!row) return std::optional<MailTo>{};
  return std::optional<MailTo>(MailTo{row->text(0), row->text(1)});
}

Result<json::object> metrics(db::Conn& c, const WorkspaceId& ws, std::int64_t since_ms,
                             std::int64_t now_ms) {
  RUCHE_TRY(
      auto row,
      c.query_one("SELECT COALESCE(SUM(CASE WHEN created_at_ms >= $2 THEN 1 ELSE 0 END), 0), "
                  "COALESCE(SUM(CASE WHEN end_ms > $3 AND kind = 'VEVENT' THEN 1 ELSE 0 END), 0) "
                  "FROM calendar_objects WHERE collection_id = $1",
                  {Collection::of_workspace(ws).id, since_ms, now_ms}));
  json::object o;
  o["events_created"] = row ? row->i64(0) : 0;
  o["events_upcoming"] = row ? row->i64(1) : 0;
  return o;
}

// --- invitations ---

namespace {

constexpr const char* kAttendeeColumns =
    "a.email, a.user_id, a.partstat, a.token_hash, a.sealed_answers, a.answers_token";

Attendee attendee_from(const db::Row& r, std::size_t at) {
  return {r.text(at),
          r.opt_text(at + 1),
          r.text(at + 2),
          r.opt_text(at + 3).value_or(""),
          r.opt_text(at + 4).value_or(""),
          r.opt_text(at + 5).value_or("")};
}

Result<std::optional<Person>> colleague(db::Conn& c, const std::string& user_id,
                                        std::string_view column, const std::string& value) {
  RUCHE_TRY(auto row,
            c.query_one("SELECT u.id, u.email, u.name FROM users u WHERE u." + std::string(column) +
                            " = $1 AND u.disabled = 0 AND EXISTS (SELECT 1 FROM "
                            "memberships m JOIN memberships mine ON mine.workspace_id "
                            "= m.workspace_id WHERE m.user_id = u.id AND "
                            "mine.user_id = $2)",
                        {value, user_id}));
  if (!row) return std::optional<Person>{};
  return std::optional<Person>(Person{row->text(0), row->text(1), row->text(2)});
}

}  // namespace

Result<std::optional<Person>> colleague_by_email(db::Conn& c, const std::string& user_id,
                                                 const std::string& email) {
  return colleague(c, user_id, "email", email);
}

Result<std::optional<Person>> colleague_by_id(db::Conn& c, const std::string& user_id,
                                              const std::string& id) {
  return colleague(c, user_id, "id", id);
}

Result<std::optional<std::string>> user_with_email(db::Conn& c, const std::string& email) {
  RUCHE_TRY(auto row, c.query_one("SELECT id FROM users WHERE email = $1", {email}));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(row->text(0));
}

Result<std::vector<Attendee>> attendees(db::Conn& c, const EventId& object_id) {
  std::vector<Attendee> out;
  RUCHE_CHECK(c.each(std::string("SELECT ") + kAttendeeColumns +
                         " FROM calendar_attendees a WHERE a.object_id = $1 ORDER BY a.email",
                     {object_id}, [&](const db::Row& r) {
                       out.push_back(attendee_from(r, 0));
                       return true;
                     }));
  return out;
}

Result<void> each_attendee(db::Conn& c, const std::string& collection_id,
                           FunctionRef<void(const std::string&, Attendee)> fn) {
  return c.each(std::string("SELECT o.id, ") + kAttendeeColumns +
                    " FROM calendar_attendees a JOIN calendar_objects o ON o.id = a.object_id "
                    "WHERE o.collection_id = $1 AND o.organizer_id IS NOT NULL ORDER BY o.id, "
                    "a.email",
                {collection_id}, [&](const db::Row& r) {
                  fn(r.text(0), attendee_from(r, 1));
                  return true;
                });
}

Result<std::string> workspace_name(db::Conn& c, const WorkspaceId& ws) {
  RUCHE_TRY(auto row, c.query_one("SELECT name FROM workspaces WHERE id = $1", {ws}));
  return row ? row->text(0) : std::string();
}

Result<std::vector<Object>> sealed_inviting(db::Conn& c, const std::string& collection_id,
                                            const std::string& user_id) {
  std::vector<Object> out;
  RUCHE_CHECK(c.each(std::string("SELECT ") + kColumns +
                         " FROM calendar_objects o WHERE o.collection_id = $1 AND o.sealed IS NOT "
                         "NULL AND EXISTS (SELECT 1 FROM calendar_attendees a WHERE a.object_id = "
                         "o.id AND a.user_id = $2) ORDER BY o.id",
                     {collection_id, user_id}, [&](const db::Row& r) {
                       out.push_back(object_from(r));
                       return true;
                     }));
  return out;
}

Result<void> set_attendees(db::Conn& c, const EventId& object_id,
                           const std::vector<Attendee>& list) {
  RUCHE_TRY([[maybe_unused]] auto n,
            c.exec("DELETE FROM calendar_attendees WHERE object_id = $1", {object_id}));
  for (const auto& a : list) {
    RUCHE_TRY([[maybe_unused]] auto m,
              c.exec("INSERT INTO calendar_attendees (object_id, email, user_id, partstat, "
                     "token_hash, sealed_answers, answers_token) VALUES ($1, $2, $3, $4, $5, $6, "
                     "$7)",
                     {object_id, a.email, a.user_id ? db::Param(*a.user_id) : db::Param(nullptr),
                      a.partstat, nullable(a.token_hash), nullable(a.sealed_answers),
                      nullable(a.answers_token)}));
  }
  return {};
}

Result<void> read_members(db::Conn& c, std::vector<Object*> events) {
  // Those with an organizer: an event without one invites nobody.
  std::erase_if(events, [](const Object* o) { return o->sealed.empty() || !o->organizer; });
  if (events.empty()) return {};
  std::map<std::string, Object*> by_id;
  std::vector<db::Param> params;
  for (Object* o : events) {
    by_id.emplace(o->id.str(), o);
    o->members.clear();
    params.emplace_back(o->id);
  }
  // The organizer first (partstat NULL), then the attendees by address.
  return c.each(
      "SELECT o.id, u.id, u.email, u.name, NULL, NULL, NULL, 0 FROM calendar_objects o JOIN users "
      "u ON "
      "u.id = o.organizer_id WHERE o.id IN (" +
          db::placeholders(1, events.size()) +
          ") UNION ALL SELECT a.object_id, u.id, u.email, u.name, a.partstat, a.sealed_answers, "
          "a.answers_token, 1 FROM "
          "calendar_attendees a JOIN users u ON u.id = a.user_id WHERE a.object_id IN (" +
          db::placeholders(1, events.size()) + ") ORDER BY 1, 8, 3",
      params, [&](const db::Row& r) {
        Object& o = *by_id.at(r.text(0));
        Member m{r.text(1),
                 r.text(2),
                 r.text(3),
                 r.opt_text(4).value_or(""),
                 r.opt_text(5).value_or(""),
                 r.opt_text(6).value_or("")};
        if (r.i64(7) == 0)
          o.organizer = std::move(m);
        else
          o.members.push_back(std::move(m));
        return true;
      });
}

Result<std::optional<std::pair<Object, Attendee>>> invitation(db::Conn& c,
                                                              const std::string& token_hash) {
  RUCHE_TRY(auto row,
            c.query_one(std::string("SELECT ") + kColumnsWithText + ", " + kAttendeeColumns +
                            " FROM calendar_attendees a JOIN calendar_objects o ON "
                            "o.id = a.object_id WHERE a.token_hash = $1",
                        {token_hash}));
  if (!row) return std::optional<std::pair<Object, Attendee>>{};
  return std::optional(std::make_pair(object_from(*row), attendee_from(*row, kWithText)));
}

namespace {

// An invitation's row: the object's columns (an empty text in the place of
// its iCalendar text when not read, so that the attendee's come at
// kWithText either way), then the attendee's address and answer.
std::string invitation_columns(bool with_text) {
  return std::string(with_text ? kColumnsWithText : std::string(kColumns) + ", ''") +
         ", a.email, a.partstat";
}

}  // namespace

Result<void> each_invitation(db::Conn& c, const std::string& user_id, std::int64_t from_ms,
                             std::int64_t to_ms, bool with_text,
                             FunctionRef<Result<void>(Object&, const Attendee&)> fn) {
  constexpr std::int64_t kPage = 500;
  const std::string sql =
      "SELECT " + invitation_columns(with_text) +
      " FROM calendar_attendees a JOIN calendar_objects o ON o.id = "
      "a.object_id WHERE a.user_id = $1 AND o.sealed IS NULL AND " +
      kMeetsRange + " AND (a.object_id, a.email) > ($4, $5) ORDER BY a.object_id, a.email LIMIT $6";
  // Pages by object id (then address): no statement reads them all.
  std::string after_id, after_email;  // bound while the page is read
  for (;;) {
    std::int64_t read = 0;
    std::string last_id, last_email;
    RUCHE_CHECK(c.try_each(sql, {user_id, to_ms, from_ms, after_id, after_email, kPage},
                           [&](const db::Row& r) -> Result<void> {
                             ++read;
                             Object o = object_from(r);
                             Attendee me{r.text(kWithText), user_id, r.text(kWithText + 1), ""};
                             last_id = o.id.str();
                             last_email = me.email;
                             return fn(o, me);
                           }));
    if (read < kPage) return {};
    after_id = std::move(last_id);
    after_email = std::move(last_email);
  }
}

Result<std::vector<std::pair<Object, Attendee>>> invitations_with_ids(
    db::Conn& c, const std::string& user_id, const std::vector<EventId>& ids) {
  std::vector<std::pair<Object, Attendee>> out;
  if (ids.empty()) return out;
  std::vector<db::Param> params{user_id};
  for (const auto& id : ids) params.emplace_back(id);
  RUCHE_CHECK(c.each("SELECT " + invitation_columns(true) +
                         " FROM calendar_attendees a JOIN calendar_objects o ON o.id = "
                         "a.object_id WHERE a.user_id = $1 AND o.sealed IS NULL AND a.object_id "
                         "IN (" +
                         db::placeholders(2, ids.size()) + ") ORDER BY a.object_id",
                     params, [&](const db::Row& r) {
                       out.emplace_back(object_from(r), Attendee{r.text(kWithText), user_id,
                                                                 r.text(kWithText + 1), ""});
                       return true;
                     }));
  return out;
}

Result<void> each_organized(db::Conn& c, const std::string& user_id, std::int64_t from_ms,
                            std::int64_t to_ms, FunctionRef<Result<void>(Object&)> fn) {
  return c.try_each(
      std::string("SELECT ") + kColumnsWithText +
          " FROM calendar_objects o WHERE o.created_by = $1 AND o.sealed IS NULL AND " +
          kMeetsRange +
          " AND EXISTS (SELECT 1 FROM calendar_attendees a WHERE a.object_id = o.id) ORDER BY "
          "o.id",
      {user_id, to_ms, from_ms}, [&](const db::Row& r) -> Result<void> {
        Object o = object_from(r);
        return fn(o);
      });
}

Result<std::optional<std::string>> partstat_of(db::Conn& c, const EventId& object_id,
                                               const std::string& user_id) {
  RUCHE_TRY(auto row, c.query_one("SELECT partstat FROM calendar_attendees WHERE object_id = $1 "
                                  "AND user_id = $2",
                                  {object_id, user_id}));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(row->text(0));
}

}  // namespace ruche::calendar::store
