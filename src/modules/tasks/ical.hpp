// Tasks as iCalendar VTODOs (RFC 5545; dependencies as RFC 9253's
// RELATED-TO;RELTYPE=DEPENDS-ON): what the CalDAV tasks collection serves
// and exports hold, and a CalDAV client's VTODO read back as a task's
// fields (docs/tasks.md, "CalDAV"). No database, no HTTP; pure functions.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dav/ical.hpp"
#include "dav/ical_object.hpp"
#include "modules/tasks/service.hpp"
#include "modules/tasks/tasks.hpp"

namespace ruche::tasks {

// Task ids -> the UIDs of their VTODOs (store::uids).
using UidMap = std::map<std::string, std::string, std::less<>>;

// One task as a VTODO into `w`, stamped `stamp_ms`: SUMMARY, DESCRIPTION,
// STATUS (NEEDS-ACTION, IN-PROCESS, COMPLETED), COMPLETED, DUE (a DATE or a
// UTC DATE-TIME), CATEGORIES, a RELATED-TO;RELTYPE=DEPENDS-ON naming the UID
// (from `uids`; "<id>@ruche" for an id not there) of each task it waits
// for, an ATTENDEE (CN, mailto:) for each assignee `people` names, then the
// VTODO's extra lines as a client sent them. The VCALENDAR's extra lines
// are the caller's to write.
void write_vtodo(dav::IcalWriter& w, const Task& t, std::int64_t stamp_ms, const UidMap& uids,
                 const store::People& people);

// One task as a calendar object resource: a VCALENDAR holding its extra
// lines and its VTODO, stamped with its last change, so that the same
// version gives the same bytes.
std::string vtodo_object(const Task& t, const UidMap& uids, const store::People& people);

// Whether `t`'s extra lines stay what they are in its VTODO: written out
// around its fields (as if none of them were a dependency Ruche resolved)
// and read back, they come back the same, so that a task always makes a
// valid object. Errors: invalid "valid-calendar-object-resource".
Result<void> check_ical_extras(const Task& t);

// A CalDAV client's VTODO as a task: a VTODO is the whole task, so every
// field it maps is set (what the VTODO lacks is cleared) except
// `blocked_by`, which the caller resolves from `depends_on` (UIDs).
struct TodoInput {
  TaskInput fields;
  std::string uid;
  std::vector<dav::TodoFields::Dependency> depends_on;
  // Its ATTENDEEs' addresses: the caller resolves them to assignees (their
  // lines, in `todo_extra`, then taken out) or keeps them as sent.
  std::vector<dav::TodoFields::Attendee> attendees;
  std::string todo_extra;
  std::string calendar_extra;
};

// Mapping: SUMMARY -> title (none: an empty one, refused when applied),
// DESCRIPTION -> description, DUE (or DTSTART + DURATION) -> due (a date,
// or the instant in UTC: "2027-01-05T16:00:00Z"), STATUS -> status
// (NEEDS-ACTION todo, IN-PROCESS doing, COMPLETED and CANCELLED done;
// without STATUS: a COMPLETED property or PERCENT-COMPLETE 100 done, a
// PERCENT-COMPLETE above 0 doing, else todo), CATEGORIES -> labels (blank
// ones skipped). Errors: dav::read_todo's (invalid with the CalDAV
// precondition), invalid "max-resource-size" when the extra lines pass
// kMaxIcalExtraBytes, check_ical_extras's.
Result<TodoInput> read_todo_input(std::string_view ics);

}  // namespace ruche::tasks
