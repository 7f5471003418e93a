// Calendar's side of a workspace export and import (platform/export.hpp,
// platform/import.hpp). The export writes calendar/records/*.jsonl (each
// object's name and who made it when), then every object as it is stored,
// calendar/objects/<name>, then the same objects as pages of one VCALENDAR
// each (calendar/calendar-NNNNNN.ics) for calendar applications. The import
// reads the records, then each object, checked as a CalDAV PUT is, written
// in batches. An armoured workspace's events are their records alone (token,
// card, who sealed it: docs/armoured.md, "Calendar"), checked as tasks' cards.
#include <cctype>
#include <map>

#include "base/clock.hpp"
#include "core/crypto/random.hpp"
#include "platform/sealed_text.hpp"

#include "modules/calendar/service.hpp"

namespace ruche::calendar {

namespace {

constexpr std::string_view kExportReadme =
    "The workspace's calendar (docs/calendar.md).\n"
    "\n"
    "records/NNNNNN.jsonl     one JSON object per stored calendar object: name, uid,\n"
    "                         created_by, created_at, updated_at; 1,000 to a page.\n"
    "                         In an armoured workspace, each event is its record\n"
    "                         alone, with its token and sealed card (sealed,\n"
    "                         sealed_by), opened with the keys of armour.json\n"
    "                         (docs/armoured.md), and who is invited: organizer\n"
    "                         (a user id) and attendees [{user_id, partstat,\n"
    "                         sealed_answers?, answers_token?}] (answers to single\n"
    "                         occurrences, sealed by the attendee for the event's\n"
    "                         token, or for answers_token: the series it was cut\n"
    "                         from);\n"
    "                         there are no objects.\n"
    "objects/<name>           each calendar object as stored (iCalendar, RFC 5545).\n"
    "calendar-NNNNNN.ics      the same objects, 1,000 to a file, each file one\n"
    "                         VCALENDAR to import into any calendar application.\n";

constexpr std::string_view kObjects = "calendar/objects/";
constexpr std::size_t kBatch = 200;

Result<void> bad(std::string message) {
  return fail(Errc::invalid, "calendar: " + std::move(message), "bad_export");
}

using platform::record::text;
using platform::record::time;

class CalendarImport final : public platform::ModuleImport {
 public:
  CalendarImport(platform::Platform& p, const platform::ImportContext& ctx) : p_(p), ctx_(ctx) {}

  Result<void> entry(platform::ImportEntry& e) override {
    const std::string& path = e.entry().path;
    if (e.entry().folder) return {};
    if (path.starts_with("calendar/records/") && path.ends_with(".jsonl")) {
      RUCHE_TRY(auto lines, e.lines());
      if (ctx_.armour) return sealed(lines);
      for (const auto& o : lines) {
        if (o.contains("sealed")) return bad("a sealed event in a plain workspace's archive");
        records_[text(o, "name")] = o;
      }
      if (records_.size() > static_cast<std::size_t>(kMaxObjects))
        return bad("more than 50,000 objects");
      return {};
    }
    if (!path.starts_with(kObjects)) return {};
    if (ctx_.armour) return bad("an armoured calendar holds sealed events only");
    const std::string name = path.substr(kObjects.size());
    if (!valid_name(name)) return bad("an object's name is not one");
    RUCHE_TRY(std::string ics, e.text(dav::kMaxObjectBytes + 1));
    Object o;
    o.name = name;
    auto info = dav::inspect(ics);
    if (!info) return bad(name + ": " + info.error().message);
    o.info = std::move(*info);
    o.ics = std::move(ics);
    auto r = records_.find(name);
    const json::object none;
    const json::object& rec = r == records_.end() ? none : r->second;
    o.created_by = ctx_.user(text(rec, "created_by"));
    if (o.created_by.empty()) o.created_by = ctx_.caller.user_id.str();
    o.created_at_ms = time(rec, "created_at").value_or(ctx_.now_ms);
    o.updated_at_ms = time(rec, "updated_at").value_or(o.created_at_ms);
    batch_.push_back(std::move(o));
    if (batch_.size() >= kBatch) return flush();
    return {};
  }

  Result<json::object> finish() override {
    RUCHE_CHECK(flush());
    json::object o;
    o["events"] = count_;
    return o;
  }

 private:
  // A page of an armoured calendar's records: every card checked with the
  // ids and keys of its era before the page's transaction, then written.
  Result<void> sealed(const std::vector<json::object>& lines) {
    RUCHE_CHECK(ctx_.armour->check_each(lines.size(), [&](std::size_t i) -> Result<void> {
      const json::object& o = lines[i];
      const std::string token = text(o, "uid");
      if (!platform::is_armour_token(token)) return bad("a sealed event without its token");
      // What a text sealed for `t` is bound to (its additional data's middle).
      auto bound_to = [](const std::string& t) {
        return [&t](const auto& b) {
          return std::string(b.workspace) + "\n" + t + "\n" + std::string(b.author);
        };
      };
      auto checked = ctx_.armour->check(text(o, "sealed"), "", kCardDomain, text(o, "sealed_by"),
                                        bound_to(token));
      if (!checked) return tl::unexpected(checked.error());
      // Each attendee's answers apart, sealed by them for this event's
      // token or for the series' it was cut from.
      const json::value* list = o.if_contains("attendees");
      for (const json::value& a : list && list->is_array() ? list->as_array() : json::array{}) {
        const std::string answers = a.is_object() ? text(a.as_object(), "sealed_answers") : "";
        if (answers.empty()) continue;
        std::string sealed_for = text(a.as_object(), "answers_token");
        if (sealed_for.empty()) sealed_for = token;
        if (!platform::is_armour_token(sealed_for)) return bad("an answers_token not a token");
        auto theirs = ctx_.armour->check(answers, "", kAnswersDomain,
                                         text(a.as_object(), "user_id"), bound_to(sealed_for));
        if (!theirs) return tl::unexpected(theirs.error());
      }
      return {};
    }));
    for (const json::object& o : lines) {
      Object e;
      e.id = crypto::new_id_of<EventId>();
      e.name = e.id.str();
      e.info.uid = text(o, "uid");
      e.sealed = text(o, "sealed");
      e.sealed_by = ctx_.user(text(o, "sealed_by"));
      e.created_by = ctx_.user(text(o, "created_by"));
      if (e.created_by.empty()) e.created_by = ctx_.caller.user_id.str();
      e.created_at_ms = time(o, "created_at").value_or(ctx_.now_ms);
      e.updated_at_ms = time(o, "updated_at").value_or(e.created_at_ms);
      RUCHE_CHECK(members(o, e));
      batch_.push_back(std::move(e));
      if (batch_.size() >= kBatch) RUCHE_CHECK(flush());
    }
    return {};
  }

  // Who an armoured event's record invites, as this instance names them:
  // the people it does not know are left out (and all of them, with the
  // organizer).
  Result<void> members(const json::object& o, Object& e) {
    const json::value* list = o.if_contains("attendees");
    const std::string organizer = text(o, "organizer");
    if (!list || organizer.empty() || !ctx_.known_user(organizer)) return {};
    if (!list->is_array() || list->as_array().size() > kMaxAttendees)
      return bad("an event's attendees are a list of at most 100");
    for (const json::value& a : list->as_array()) {
      const std::string id = a.is_object() ? text(a.as_object(), "user_id") : "";
      const std::string partstat = a.is_object() ? text(a.as_object(), "partstat") : "";
      std::string upper;
      for (char ch : partstat)
        upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (upper != "NEEDS-ACTION" && upper != "ACCEPTED" && upper != "DECLINED" &&
          upper != "TENTATIVE")
        return bad("an attendee's answer is needs-action, accepted, declined or tentative");
      if (!ctx_.known_user(id) || ctx_.user(id) == ctx_.user(organizer)) continue;
      RUCHE_TRY(Member m, person(ctx_.user(id)));
      m.partstat = std::move(upper);
      m.sealed_answers = text(a.as_object(), "sealed_answers");
      if (!m.sealed_answers.empty()) m.answers_token = text(a.as_object(), "answers_token");
      e.members.push_back(std::move(m));
    }
    if (!e.members.empty()) {
      RUCHE_TRY(e.organizer, person(ctx_.user(organizer)));
    }
    return {};
  }

  // An account's address and name (each read once).
  Result<Member> person(const std::string& id) {
    auto known = people_.find(id);
    if (known == people_.end()) {
      RUCHE_TRY(platform::User u, p_.accounts.get(UserId(id)));
      known = people_.emplace(id, Member{id, u.email, u.name, ""}).first;
    }
    return known->second;
  }

  // The calendar holds at most kMaxObjects, as through CalDAV.
  Result<void> flush() {
    if (batch_.empty()) return {};
    if (count_ + static_cast<std::int64_t>(batch_.size()) > kMaxObjects)
      return bad("more than 50,000 objects");
    const Collection col = Collection::of_workspace(ctx_.workspace);
    RUCHE_CHECK(p_.db.write([&](db::Conn& c) -> Result<void> {
      for (auto& o : batch_) {
        RUCHE_TRY(auto same, store::object_with_uid(c, col.id, o.info.uid));
        if (same) return bad("two objects with UID " + o.info.uid);
        RUCHE_TRY(o.seq, store::next_seq(c, col));
        o.id = crypto::new_id_of<EventId>();
        o.collection_id = col.id;
        RUCHE_CHECK(store::insert(c, o));
        std::vector<store::Attendee> rows;
        for (const Member& m : o.members)
          rows.push_back({m.email, m.user_id, m.partstat, "", m.sealed_answers, m.answers_token});
        if (!rows.empty()) RUCHE_CHECK(store::set_attendees(c, o.id, rows));
      }
      return {};
    }));
    count_ += static_cast<std::int64_t>(batch_.size());
    batch_.clear();
    return {};
  }

  platform::Platform& p_;
  const platform::ImportContext& ctx_;
  std::map<std::string, json::object> records_;  // by name
  std::vector<Object> batch_;
  std::map<std::string, Member> people_;  // by id
  std::int64_t count_ = 0;
};

}  // namespace

Result<void> Service::export_workspace(db::Conn& c, const WorkspaceId& ws,
                                       platform::ExportWriter& out, std::int64_t now_ms) {
  const std::string col = Collection::of_workspace(ws).id;
  RUCHE_CHECK(out.add("calendar/README.txt", kExportReadme, now_ms));
  platform::JsonLinesPages lines(out, "calendar/records", now_ms);
  // An armoured calendar's attendees, by event (every one at most 100).
  std::map<std::string, std::vector<store::Attendee>> invited;
  RUCHE_CHECK(store::each_attendee(c, col, [&](const std::string& id, store::Attendee a) {
    invited[id].push_back(std::move(a));
  }));
  RUCHE_CHECK(store::each_object(c, col, std::nullopt, false, [&](Object& o) -> Result<void> {
    json::object r;
    r["name"] = o.name;
    r["uid"] = o.info.uid;
    r["created_by"] = o.created_by;
    r["created_at"] = format_iso8601(o.created_at_ms);
    r["updated_at"] = format_iso8601(o.updated_at_ms);
    if (!o.sealed.empty()) {
      r["sealed"] = o.sealed;
      r["sealed_by"] = o.sealed_by;
      if (auto people = invited.find(o.id.str()); o.organizer && people != invited.end()) {
        r["organizer"] = o.organizer->user_id;
        json::array attendees;
        for (const auto& a : people->second) {
          json::object one{{"user_id", a.user_id.value_or("")},
                           {"partstat", partstat_json(a.partstat)}};
          if (!a.sealed_answers.empty()) one["sealed_answers"] = a.sealed_answers;
          if (!a.answers_token.empty()) one["answers_token"] = a.answers_token;
          attendees.push_back(std::move(one));
        }
        r["attendees"] = std::move(attendees);
      }
    }
    return lines.add(r);
  }));
  RUCHE_CHECK(lines.finish());
  std::vector<std::string> page;
  int pages = 0;
  auto write_page = [&]() -> Result<void> {
    if (page.empty()) return {};
    char name[40];
    std::snprintf(name, sizeof name, "calendar/calendar-%06d.ics", ++pages);
    RUCHE_CHECK(out.add(name, dav::merge_objects(page, "-//Ruche//Calendar//EN"), now_ms));
    page.clear();
    return {};
  };
  RUCHE_CHECK(store::each_object(c, col, std::nullopt, true, [&](Object& o) -> Result<void> {
    if (!o.sealed.empty()) return {};  // its record is all of it
    RUCHE_CHECK(out.add(std::string(kObjects) + o.name, o.ics, o.updated_at_ms));
    page.push_back(std::move(o.ics));
    if (page.size() == 1000) return write_page();
    return {};
  }));
  return write_page();
}

Result<std::unique_ptr<platform::ModuleImport>> Service::importer(
    const platform::ImportContext& ctx) {
  return std::make_unique<CalendarImport>(p_, ctx);
}

}  // namespace ruche::calendar
