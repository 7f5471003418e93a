#!/usr/bin/python3
"""python3-caldav (a real CalDAV client library) against Ruche: discovery
from the server's root, the caller's calendars, events with recurrence and
time zones searched by time range with and without expansion, to-dos, edits
with ETags, refusals, read-only and hidden calendars, sync tokens; then the
workspace's tasks collection: tasks made, edited, completed and deleted by
the client and seen through the JSON API, conflicts, a reader's refusal;
then invitations answered from the application, one occurrence apart.

Usage: caldav_clients.py URL WORKSPACE_ID EMAIL PASSWORD READER_EMAIL OUTSIDER_EMAIL TOKEN
(every account has PASSWORD; READER has the read right on the calendar and
on tasks, OUTSIDER is not a member; TOKEN is EMAIL's session for the JSON
API). Exits non-zero on the first failure."""
import copy
import datetime as dt
import json
import sys
import urllib.error
import urllib.request
import uuid

import caldav
from caldav.lib import error

url, ws, email, password, reader_email, outsider_email, api_token = sys.argv[1:]
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
check(outsider_names == ["Personal", "Invitations"],
      "an outsider sees only their own calendar and their invitations: %s" % outsider_names)


# --- The workspace's tasks, read-write (docs/tasks.md, "CalDAV") ---------------

def api(method, path, body=None):
    req = urllib.request.Request(url + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + api_token,
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            data = r.read()
            return json.loads(data) if data else None
    except urllib.error.HTTPError as e:
        print("FAIL: %s %s: %s %s" % (method, path, e.code, e.read()[:300]), file=sys.stderr)
        sys.exit(1)


def ruche_tasks():
    return {t["title"]: t for t in api("GET", "/api/v1/workspaces/%s/tasks" % ws)}


def todo_ics(uid, lines):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ruche tests//EN\r\nBEGIN:VTODO\r\n"
            "UID:%s\r\nDTSTAMP:20270101T000000Z\r\n%sEND:VTODO\r\nEND:VCALENDAR\r\n"
            % (uid, "".join(line + "\r\n" for line in lines)))


tasks = next(c for c in principal.calendars() if str(c.url).rstrip("/").endswith(ws + ".tasks"))
check(tasks.name == "Calendrier d'équipe (tasks)", "the tasks collection: %s" % tasks.name)
made_in_ruche = api("POST", "/api/v1/workspaces/%s/tasks" % ws, {"title": "Relire le contrat"})
check([str(t.icalendar_component["summary"]) for t in tasks.todos()] == ["Relire le contrat"],
      "a task made in Ruche is an open to-do")

# Made by the client, under its name and UID, with an alarm and a property
# of its own that Ruche keeps.
uid = str(uuid.uuid4())
made = tasks.save_todo(todo_ics(uid, [
    "SUMMARY:Préparer la démo", "DESCRIPTION:avec l'équipe", "DUE;VALUE=DATE:20270412",
    "CATEGORIES:démo,urgent", "PRIORITY:2", "X-CLIENT-COLOUR:teal",
    "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:rappel", "TRIGGER:-PT30M", "END:VALARM"]))
check(str(made.url).endswith("/" + uid + ".ics"), "named by the client: %s" % made.url)
seen = ruche_tasks().get("Préparer la démo")
check(seen is not None and seen["due"] == "2027-04-12" and seen["labels"] == ["démo", "urgent"]
      and seen["status"] == "todo" and seen["description"] == "avec l'équipe",
      "the JSON API sees the client's task: %s" % seen)
back = tasks.todo_by_uid(uid)
component = back.icalendar_component
check(str(back.url) == str(made.url) and str(component["uid"]) == uid, "found again by its UID")
check(str(component["x-client-colour"]) == "teal" and int(component["priority"]) == 2
      and [str(a["trigger"].to_ical(), "ascii") for a in component.walk("VALARM")] == ["-PT30M"],
      "what Ruche does not model comes back")

# Edited and saved by the client; then edited in Ruche, the alarm stays.
component["summary"] = "Préparer la démo client"
back.save()
seen = ruche_tasks().get("Préparer la démo client")
check(seen is not None and seen["version"] == 2, "the client's edit reaches Ruche: %s" % seen)
api("PATCH", "/api/v1/tasks/" + seen["id"], {"labels": ["démo"]})
back = tasks.todo_by_uid(uid)
check([str(c) for c in back.icalendar_component.get("categories").cats] == ["démo"]
      and len(list(back.icalendar_component.walk("VALARM"))) == 1,
      "Ruche's edit reaches the client, the alarm kept")

# Completed by the client, both of them: done in Ruche.
back.complete()
next(t for t in tasks.todos() if str(t.icalendar_component["uid"]) != uid).complete()
done = ruche_tasks()
check(all(t["status"] == "done" and t["completed_at"] for t in done.values()) and len(done) == 2,
      "completed by the client, done in Ruche: %s" % sorted((t["title"], t["status"]) for t in done.values()))
check(tasks.todos() == [] and len(tasks.todos(include_completed=True)) == 2, "no open to-do left")

# Conflicts: the same UID under another name, a stale ETag, a second save
# the library itself refuses.
same = todo_ics(uid, ["SUMMARY:Copie"])
r = owner.put(str(tasks.url) + "copy.ics", same, {"Content-Type": "text/calendar"})
check(r.status == 409 and b"no-uid-conflict" in r.raw, "a second resource with the UID: %s" % r.status)
r = owner.put(str(made.url), same, {"Content-Type": "text/calendar", "If-Match": '"v1"'})
check(r.status == 412, "a stale ETag: %s" % r.status)
try:
    tasks.save_todo(same, no_overwrite=True)
    check(False, "no_overwrite refuses a UID already there")
except (error.ConsistencyError, error.PutError):
    check(True, "no_overwrite refuses a UID already there")
check(len(ruche_tasks()) == 2, "still two tasks")

# A reader reads the tasks and cannot write them.
reader_tasks = next(c for c in client(reader_email).principal().calendars()
                    if str(c.url).rstrip("/").endswith(ws + ".tasks"))
check(len(reader_tasks.todos(include_completed=True)) == 2, "the reader reads the tasks")
try:
    reader_tasks.save_todo(todo_ics(str(uuid.uuid4()), ["SUMMARY:Pas le droit"]))
    check(False, "the reader cannot add a task")
except (error.PutError, error.AuthorizationError):
    check(True, "the reader cannot add a task")

# Deleted by the client: gone from Ruche.
tasks.todo_by_uid(uid).delete()
check(sorted(ruche_tasks()) == ["Relire le contrat"], "deleted by the client, gone from Ruche")
api("DELETE", "/api/v1/tasks/" + made_in_ruche["id"])
check(tasks.todos(include_completed=True) == [], "deleted in Ruche, gone from the collection")


# --- Invitations (docs/calendar.md, "Invitations") -------------------------------
# The owner invites the reader to an event of the owner's own calendar,
# which the reader cannot open: their application shows it in their
# read-only "Invitations" calendar, with their answer, and nothing else.
event = api("POST", "/api/v1/me/calendar/events", {
    "title": "Visite du chantier", "start": "2027-04-06T08:00:00Z", "end": "2027-04-06T09:30:00Z",
    "attendees": [{"email": reader_email}]})
check(event["attendees"][0]["partstat"] == "needs-action", "the reader is invited")
reader_cals = client(reader_email).principal().calendars()
inbox = next(c for c in reader_cals if str(c.url).rstrip("/").endswith("/invitations"))
check(inbox.name == "Invitations", "the reader's invitations calendar: %s" % inbox.name)
found = inbox.date_search(start=dt.datetime(2027, 4, 6, tzinfo=UTC), end=dt.datetime(2027, 4, 7, tzinfo=UTC))
check(len(found) == 1 and "Visite du chantier" in found[0].data, "the invitation is found by its date")
check("PARTSTAT=NEEDS-ACTION" in found[0].data and "ORGANIZER" in found[0].data,
      "with its organizer and the reader's answer")
try:
    inbox.save_event(ics(str(uuid.uuid4()), ":20270407T080000Z", ":20270407T090000Z", "Pas ici"))
    check(False, "nothing is written in the invitations calendar")
except (error.PutError, error.AuthorizationError, error.DAVError):
    check(True, "nothing is written in the invitations calendar")
# The reader's application accepts it (a PUT with their PARTSTAT changed),
# then deletes it from their calendar: declined (RFC 6638 3.2.2).
found[0].data = found[0].data.replace("PARTSTAT=NEEDS-ACTION", "PARTSTAT=ACCEPTED")
found[0].save()
seen = api("GET", "/api/v1/calendar/events/" + event["id"])
check(seen["attendees"][0]["partstat"] == "accepted", "accepted from the application")
inbox.events()[0].delete()
seen = api("GET", "/api/v1/calendar/events/" + event["id"])
check(seen["attendees"][0]["partstat"] == "declined", "deleted from the application: declined")
check(len(inbox.events()) == 0, "a declined invitation leaves the invitations calendar")
api("DELETE", "/api/v1/calendar/events/" + event["id"])

# One occurrence of a weekly meeting declined from the application: it adds
# an override of that instance with the reader's PARTSTAT (RFC 5546 3.2.3),
# made with the icalendar library as applications do; Ruche takes that
# answer alone, and serves the override back.
weekly_event = api("POST", "/api/v1/me/calendar/events", {
    "title": "Point chantier", "start": "2027-04-12T08:00:00Z", "end": "2027-04-12T09:00:00Z",
    "timezone": "Europe/Paris", "rrule": "FREQ=WEEKLY;COUNT=3",
    "attendees": [{"email": reader_email}]})
invitation = inbox.events()[0]
cal = invitation.icalendar_instance
master = next(iter(cal.walk("VEVENT")))
override = copy.deepcopy(master)
del override["RRULE"]
second = master.decoded("DTSTART") + dt.timedelta(days=7)
for key in ("DTSTART", "DTEND"):
    del override[key]
override.add("RECURRENCE-ID", second)
override.add("DTSTART", second)
override.add("DTEND", second + dt.timedelta(hours=1))
people = override["ATTENDEE"] if isinstance(override["ATTENDEE"], list) else [override["ATTENDEE"]]
for who in people:
    if str(who).lower() == "mailto:" + reader_email:
        who.params["PARTSTAT"] = "DECLINED"
cal.add_component(override)
invitation.data = cal.to_ical().decode()
invitation.save()
seen = api("GET", "/api/v1/calendar/events/" + weekly_event["id"])
check(seen["attendees"][0]["partstat"] == "needs-action", "the series is still to be answered")
check([(a["recurrence_id"], a["partstat"]) for a in seen["instance_answers"]]
      == [("2027-04-19T08:00:00.000Z", "declined")],
      "the second occurrence declined: %s" % seen["instance_answers"])
check("RECURRENCE-ID;TZID=Europe/Paris:20270419T100000" in inbox.events()[0].data,
      "the application reads its override back")
# The organizer moves that occurrence an hour later and cancels the last
# (docs/calendar.md "One occurrence"): the reader's application, expanding
# the series, finds the move with the reader's answer kept, and no third.
api("PATCH", "/api/v1/calendar/events/" + weekly_event["id"], {
    "recurrence_id": "2027-04-19T08:00:00Z", "start": "2027-04-19T09:00:00Z",
    "end": "2027-04-19T10:00:00Z"})
api("DELETE", "/api/v1/calendar/events/" + weekly_event["id"] + "?recurrence_id=2027-04-26T08:00:00Z")
occurrences = inbox.search(start=dt.datetime(2027, 4, 12, tzinfo=UTC), end=dt.datetime(2027, 5, 3, tzinfo=UTC),
                           event=True, expand=True)
starts = sorted(e.icalendar_component["dtstart"].dt.astimezone(UTC).isoformat() for e in occurrences)
check(starts == ["2027-04-12T08:00:00+00:00", "2027-04-19T09:00:00+00:00"],
      "the application expands the move and the cancellation: %s" % starts)
moved = next(e.icalendar_component for e in occurrences
             if e.icalendar_component["dtstart"].dt.astimezone(UTC).day == 19)
answers = moved["ATTENDEE"] if isinstance(moved["ATTENDEE"], list) else [moved["ATTENDEE"]]
check([a.params.get("PARTSTAT") for a in answers] == ["DECLINED"],
      "the reader's answer to the moved occurrence stays")
api("DELETE", "/api/v1/calendar/events/" + weekly_event["id"])
print("caldav: all checks passed")
