// iCalendar objects (SECURITY.md IO-2, REL-3): the checks a CalDAV PUT runs,
// bounded recurrence expansion, CALDAV:expand, the JSON API's edit of an
// object that passed them and of one of its occurrences (changed,
// cancelled, the series cut there), and a to-do read as a task's fields and
// extra lines. Invariants: no crash and no endless loop (the replay has a
// time limit), instances in start order within the bound and the range, an
// edited event still passes the checks with its new title, so do edits of
// an occurrence, a cancelled occurrence is expanded no more, a to-do's
// extra lines written back around new fields read back the same.
#include <cstdint>
#include <string>
#include <string_view>

#include "dav/ical_object.hpp"

using namespace ruche::dav;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto info = inspect(in);
  if (!info) return 0;
  constexpr std::int64_t kFrom = 1'767'225'600'000;  // 2026-01-01
  constexpr std::int64_t kTo = kFrom + 400LL * 86'400'000;
  auto all = expand(in, kFrom, kTo, 500);
  if (all.size() > 500) __builtin_trap();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].start_ms >= kTo) __builtin_trap();
    if (i > 0 && all[i].start_ms < all[i - 1].start_ms) __builtin_trap();
  }
  (void)expand_object(in, kFrom, kTo);
  (void)event_extras(in);
  if (info->kind == ComponentKind::vevent) {
    EventEdit e;
    e.title = "fuzzed";
    auto edited = write_event(std::string(in), info->uid, e, kFrom);
    if (edited) {
      auto again = inspect(*edited);
      if (again && again->summary != "fuzzed") __builtin_trap();
    }
    (void)details(in);
    // One occurrence changed, cancelled, or the series cut there (the
    // JSON API's edits of one occurrence): each result passes the checks;
    // a cancelled occurrence is no longer expanded.
    for (const Instance& i : all) {
      if (!i.recurrence_ms) continue;
      const std::int64_t rid = *i.recurrence_ms;
      EventEdit moved;
      moved.start_ms = rid + 3'600'000;
      moved.title = "moved";
      if (auto one = write_instance(in, rid, moved, kFrom)) {
        if (!inspect(*one)) __builtin_trap();
        (void)instance_changes(in, *one);
      }
      if (auto off = cancel_instance(in, rid, kFrom)) {
        if (!inspect(*off)) __builtin_trap();
        for (const Instance& j : expand(*off, kFrom, kTo, 500))
          if (j.recurrence_ms == rid) __builtin_trap();
        (void)itip_message(*off, "CANCEL", "a@example.org", rid);
      }
      if (auto halves = split_series(in, rid, "fuzzed-2", kFrom))
        if (!inspect(halves->first) || !inspect(halves->second)) __builtin_trap();
      break;  // one occurrence per input: the replay keeps its time limit
    }
  }
  if (info->kind == ComponentKind::vtodo) {
    auto todo = read_todo(in);
    if (todo) {
      // As the tasks module writes a task back (modules/tasks/ical.cpp).
      std::string rebuilt = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\n" +
                            todo->calendar_extra + "BEGIN:VTODO\r\nUID:" + todo->uid +
                            "\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:fuzzed\r\n"
                            "DUE:20260102T000000Z\r\n" +
                            todo->todo_extra;
      for (const auto& d : todo->depends_on) rebuilt += d.line;
      rebuilt += "END:VTODO\r\nEND:VCALENDAR\r\n";
      auto again = read_todo(rebuilt);
      if (again &&
          (again->todo_extra != todo->todo_extra || again->calendar_extra != todo->calendar_extra ||
           again->depends_on.size() != todo->depends_on.size() || again->summary != "fuzzed"))
        __builtin_trap();
    }
  }
  return 0;
}
