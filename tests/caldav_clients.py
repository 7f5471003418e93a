#!/usr/bin/python3
"""python3-caldav (a real CalDAV client library) against Ruche: discovery
from the server's root, the caller's calendars, events with recurrence and
time zones searched by time range with and without expansion, to-dos, edits
with ETags, refusals, read-only and hidden calendars, sync tokens.

Usage: caldav_clients.py URL WORKSPACE_ID EMAIL PASSWORD READER_EMAIL OUTSIDER_EMAIL
(every account has PASSWORD; READER has the read right on the calendar,
OUTSIDER is not a member). Exits non-zero on the first failure."""
import datetime as dt
import sys
import uuid

import caldav
from caldav.lib import error

url, ws, email, password, reader_email, outsider_email = sys.argv[1:]
UTC = dt.timezone.utc


def check(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        sys.exit(1)
    print("ok:", what)


def client(who):
    # Discovery as a user types it: the well-known address (RFC 6764).
    return caldav.DAVClient(url + "/.well-known/caldav", username=who, password=password)


def ics(uid, start, end, summary, extra=""):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ruche tests//EN\r\n"
        + extra.split("|VEVENT|")[0]
        + "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20270101T000000Z\r\n" % uid
        + "DTSTART%s\r\nDTEND%s\r\nSUMMARY:%s\r\n" % (start, end, summary)
        + (extra.split("|VEVENT|")[1] if "|VEVENT|" in extra else "")
        + "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


owner = client(email)
principal = owner.principal()
cals = principal.calendars()
names = [c.name for c in cals]
check(names[0] == "Personal" and "Calendrier d'équipe" in names, "the caller's calendars: %s" % names)
team = next(c for c in cals if str(c.url).rstrip("/").endswith(ws))

# A weekly meeting at 10:00 in Paris across the change to summer time, a
# one-off and an all-day event.
weekly = team.save_event(ics(
    "weekly-1", ";TZID=Europe/Paris:20270315T100000", ";TZID=Europe/Paris:20270315T110000",
    "Point hebdo", "|VEVENT|RRULE:FREQ=WEEKLY;COUNT=6\r\n"))
team.save_event(ics("once-1", ":20270324T140000Z", ":20270324T150000Z", "Revue"))
team.save_event(ics("day-1", ";VALUE=DATE:20270401", ";VALUE=DATE:20270403", "Séminaire"))
check(len(team.events()) == 3, "three events listed")

found = team.search(start=dt.datetime(2027, 3, 22, tzinfo=UTC), end=dt.datetime(2027, 4, 5, tzinfo=UTC),
                    event=True, expand=False)
check(sorted(e.icalendar_component["uid"] for e in found) == ["day-1", "once-1", "weekly-1"],
      "a time range finds the recurring, the one-off and the all-day event")
expanded = team.search(start=dt.datetime(2027, 3, 22, tzinfo=UTC), end=dt.datetime(2027, 4, 5, tzinfo=UTC),
                       event=True, expand=True)
starts = sorted(e.icalendar_component["dtstart"].dt.astimezone(UTC).isoformat()
                for e in expanded if e.icalendar_component["uid"] == "weekly-1")
# Winter then summer: 10:00 in Paris is 09:00Z, then 08:00Z.
check(starts == ["2027-03-22T09:00:00+00:00", "2027-03-29T08:00:00+00:00"], "expanded instances %s" % starts)
later = team.search(start=dt.datetime(2027, 5, 1, tzinfo=UTC), end=dt.datetime(2027, 6, 1, tzinfo=UTC), event=True)
check(later == [], "nothing after the rule ends")

# A to-do, open then completed.
todo = team.save_todo("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ruche tests//EN\r\nBEGIN:VTODO\r\n"
                      "UID:todo-1\r\nDTSTAMP:20270101T000000Z\r\nSUMMARY:Relire le compte rendu\r\n"
                      "END:VTODO\r\nEND:VCALENDAR\r\n")
check([t.icalendar_component["uid"] for t in team.todos()] == ["todo-1"], "the open to-do is listed")
todo.complete()
check(team.todos() == [], "a completed to-do is no longer open")
check(len(team.todos(include_completed=True)) == 1, "but still there")

# An edit through the client: the ETag moves, the text is the new one.
weekly.load()
weekly.icalendar_component["summary"] = "Point d'équipe"
weekly.save()
again = team.event_by_uid("weekly-1")
check(str(again.icalendar_component["summary"]) == "Point d'équipe", "an edit is read back")

# Refusals: not iCalendar; a second object with a UID already there.
# (sent raw: the library checks syntax itself, not a date that does not exist)
try:
    owner.put(str(team.url) + "bad.ics", ics("bad-1", ":20271345T100000Z", ":20271345T110000Z", "Treizième mois"),
              {"Content-Type": "text/calendar"})
    check(False, "a date that does not exist is refused")
except error.AuthorizationError as e:  # how the library reports a 403
    check("Forbidden" in str(e), "a date that does not exist is refused (403)")
try:
    team.add_event(ics("once-1", ":20270324T140000Z", ":20270324T150000Z", "Copie"), no_overwrite=True)
    check(False, "a duplicate UID is refused")
except (error.PutError, error.ConsistencyError, error.DAVError):
    check(True, "a duplicate UID is refused")
check(len(team.events()) == 3, "still three events")

# Sync tokens: everything, then only what changed.
first = team.objects_by_sync_token(load_objects=False)
token = first.sync_token
check(len(list(first)) == 4, "the first sync lists every object")
team.save_event(ics("new-1", ":20270325T080000Z", ":20270325T083000Z", "Nouveau"))
team.event_by_uid("once-1").delete()
changed = team.objects_by_sync_token(sync_token=token, load_objects=False)
hrefs = sorted(str(o.url).rsplit("/", 1)[1] for o in changed)
check(len(hrefs) == 2 and any("new-1" in h for h in hrefs), "a sync after a token: %s" % hrefs)

# A reader reads and cannot write; an outsider does not see the calendar.
reader_team = next(c for c in client(reader_email).principal().calendars() if str(c.url).rstrip("/").endswith(ws))
check(len(reader_team.events()) == 3, "the reader reads")
try:
    reader_team.save_event(ics(str(uuid.uuid4()), ":20270326T080000Z", ":20270326T090000Z", "Pas le droit"))
    check(False, "the reader cannot write")
except (error.PutError, error.AuthorizationError, error.DAVError):
    check(True, "the reader cannot write")
outsider_names = [c.name for c in client(outsider_email).principal().calendars()]
check(outsider_names == ["Personal"], "an outsider sees only their own calendar: %s" % outsider_names)
print("caldav: all checks passed")
