#include "modules/tasks/ical.hpp"

#include "base/clock.hpp"
#include "base/text.hpp"

namespace ruche::tasks {

namespace {

std::string uid_of(const UidMap& uids, const std::string& id) {
  auto it = uids.find(id);
  return it != uids.end() ? it->second : id + "@ruche";
}

std::string todo_status(const dav::TodoFields& f) {
  if (f.status == "COMPLETED" || f.status == "CANCELLED") return "done";
  if (f.status == "IN-PROCESS") return "doing";
  if (f.status == "NEEDS-ACTION") return "todo";
  if (f.has_completed || f.percent_complete.value_or(0) >= 100) return "done";
  if (f.percent_complete.value_or(0) > 0) return "doing";
  return "todo";
}

}  // namespace

void write_vtodo(dav::IcalWriter& w, const Task& t, std::int64_t stamp_ms, const UidMap& uids,
                 const store::People& people) {
  w.begin("VTODO");
  w.text("UID", t.ical_uid.empty() ? t.id.str() + "@ruche" : t.ical_uid);
  w.time("DTSTAMP", stamp_ms);
  w.time("CREATED", t.created_at_ms);
  w.time("LAST-MODIFIED", t.updated_at_ms);
  w.text("SUMMARY", t.title);
  if (!t.description.empty()) w.text("DESCRIPTION", t.description);
  w.raw("STATUS", t.status == Status::done    ? "COMPLETED"
                  : t.status == Status::doing ? "IN-PROCESS"
                                              : "NEEDS-ACTION");
  if (t.completed_at_ms) w.time("COMPLETED", *t.completed_at_ms);
  if (t.due && t.due_ms) {
    if (t.due->size() == 10) {
      std::string date;
      for (char ch : *t.due)
        if (ch != '-') date += ch;
      w.raw("DUE;VALUE=DATE", date);
    } else {
      w.time("DUE", *t.due_ms);
    }
  }
  if (!t.labels.empty()) w.texts("CATEGORIES", t.labels);
  for (const auto& b : t.blocked_by) w.text("RELATED-TO;RELTYPE=DEPENDS-ON", uid_of(uids, b));
  for (const auto& a : t.assignee_ids)
    if (auto who = people.find(a); who != people.end())
      w.raw("ATTENDEE;CN=" + dav::ical_param(who->second.name), "mailto:" + who->second.email);
  w.lines(t.ical_todo_extra);
  w.end("VTODO");
}

std::string vtodo_object(const Task& t, const UidMap& uids, const store::People& people) {
  dav::IcalWriter w;
  w.begin("VCALENDAR");
  w.raw("VERSION", "2.0");
  w.raw("PRODID", "-//Ruche//Tasks//EN");
  w.lines(t.ical_calendar_extra);
  write_vtodo(w, t, t.updated_at_ms, uids, people);
  w.end("VCALENDAR");
  return w.take();
}

Result<void> check_ical_extras(const Task& t) {
  if (t.ical_todo_extra.empty() && t.ical_calendar_extra.empty()) return {};
  auto back = dav::read_todo(vtodo_object(t, {}, {}));
  std::string todo_extra = back ? back->todo_extra : std::string();
  if (back)
    for (const auto& d : back->depends_on) todo_extra += d.line;
  if (!back || todo_extra != t.ical_todo_extra || back->calendar_extra != t.ical_calendar_extra)
    return fail(Errc::invalid, "lines of this to-do would not stay as they are",
                "valid-calendar-object-resource");
  return {};
}

Result<TodoInput> read_todo_input(std::string_view ics) {
  RUCHE_TRY(dav::TodoFields f, dav::read_todo(ics));
  // The dependencies on no task of the workspace join the extras: counted.
  std::size_t extra = f.todo_extra.size() + f.calendar_extra.size();
  for (const auto& d : f.depends_on) extra += d.line.size();
  if (extra > kMaxIcalExtraBytes)
    return fail(Errc::invalid,
                "a task keeps at most 192 KiB of iCalendar properties it does not model",
                "max-resource-size");
  if (f.attendees.size() > kMaxIcalPeopleOrDependencies ||
      f.depends_on.size() > kMaxIcalPeopleOrDependencies)
    return fail(Errc::invalid, "a to-do has at most 100 attendees and 100 dependencies",
                "valid-calendar-object-resource");
  TodoInput out;
  TaskInput& in = out.fields;
  in.title = f.summary.value_or("");
  in.description = f.description;
  in.status = todo_status(f);
  if (f.due_ms) {
    const std::string iso = format_iso8601(*f.due_ms);  // "2027-01-05T16:00:00.000Z"
    in.due = f.due_is_date ? iso.substr(0, 10) : iso.substr(0, 19) + "Z";
  } else {
    in.clear_due = true;
  }
  std::vector<std::string> labels;
  for (const auto& c : f.categories)
    if (std::string l(trim_blanks(c)); !l.empty()) labels.push_back(std::move(l));
  in.labels = std::move(labels);
  out.uid = std::move(f.uid);
  out.depends_on = std::move(f.depends_on);
  out.attendees = std::move(f.attendees);
  out.todo_extra = std::move(f.todo_extra);
  out.calendar_extra = std::move(f.calendar_extra);
  Task probe;
  probe.title = "probe";
  probe.ical_uid = out.uid;
  probe.ical_todo_extra = out.todo_extra;
  for (const auto& d : out.depends_on) probe.ical_todo_extra += d.line;
  probe.ical_calendar_extra = out.calendar_extra;
  RUCHE_CHECK(check_ical_extras(probe));
  return out;
}

}  // namespace ruche::tasks
