#!/usr/bin/python3
"""bench/invitations: what scheduling costs a write, and how fast invitations
leave. Usage: load.py URL SINK_PORT MAILDIR N ORGANIZERS (every account's
password is the bench's; organizers are o0@example.org..., colleagues
c0@example.org... share their workspace).

Prints lines "KEY VALUE UNIT": creates/s of events without attendees, with
10 colleagues and with 10 external addresses (one client in a row); a
colleague's answers/s to weekly meetings, to the series then to one
occurrence each; their agenda's reads/s for a month of those meetings; the
organizer's changes/s of them, the series' title, then
one occurrence moved, then one cancelled; then
the messages/s at which Ruche's mail queue delivered the external
invitations to the sink (from the first create to the last message on
disk), and the same number of messages of the same size sent by Python's
smtplib to the same sink, a connection per message (as Ruche sends) and
all on one connection: the sink's own pace."""
import calendar
import json
import os
import smtplib
import sys
import time
import urllib.request

url, sink_port, maildir, n, organizers = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
PASSWORD = "Bourdon-Velours-2026"


def call(method, path, token=None, body=None):
    req = urllib.request.Request(url + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req) as r:
        data = r.read()
        return json.loads(data) if data else None


def login(email):
    return call("POST", "/api/v1/auth/login", body={"email": email, "password": PASSWORD})["token"]


def event(i, attendees):
    day = 1 + i % 28
    return {"title": "Réunion %d" % i, "start": "2027-03-%02dT09:00:00Z" % day,
            "end": "2027-03-%02dT10:00:00Z" % day, "location": "Salle 2",
            "description": "Ordre du jour : le point de la semaine.", "attendees": attendees}


def rate(token, bodies):
    t0 = time.perf_counter()
    for b in bodies:
        call("POST", "/api/v1/me/calendar/events", token, b)
    return len(bodies) / (time.perf_counter() - t0)


def delivered():
    return len(os.listdir(os.path.join(maildir, "new")))


tokens = [login("o%d@example.org" % k) for k in range(organizers)]
colleagues = [{"user_id": call("GET", "/api/v1/me", login("c%d@example.org" % k))["id"]} for k in range(10)]
print("create_plain %.0f /s" % rate(tokens[0], [event(i, []) for i in range(n)]))
print("create_10_colleagues %.0f /s" % rate(tokens[0], [event(i, colleagues) for i in range(n)]))
assert delivered() == 0

# Answers: a colleague invited to weekly meetings (a year each) answers each
# series, then one occurrence of each (the second: an override made in the
# event, RFC 5546 3.2.3), one client in a row.
weekly = []
for i in range(n // 4):
    b = event(i, [colleagues[0]])
    b["rrule"] = "FREQ=WEEKLY;COUNT=52"
    weekly.append((call("POST", "/api/v1/me/calendar/events", tokens[1], b)["id"], b["start"]))
invitee = login("c0@example.org")


def answers(answer):
    t0 = time.perf_counter()
    for eid, start in weekly:
        call("POST", "/api/v1/calendar/events/%s/reply" % eid, invitee, answer(start))
    return len(weekly) / (time.perf_counter() - t0)


def week(start, k, hours=0):  # `k` weeks (and `hours`) after `start`, in UTC as the event is
    t = calendar.timegm(time.strptime(start, "%Y-%m-%dT%H:%M:%SZ")) + k * 7 * 86400 + hours * 3600
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


print("answer_series %.0f /s" % answers(lambda start: {"partstat": "accepted"}))
print("answer_occurrence %.0f /s" % answers(
    lambda start: {"partstat": "declined", "recurrence_id": week(start, 1)}))


# April's agenda: every meeting's occurrences that month (four or five
# each), the colleague's with their answer to each, beside the organizer's
# (the same occurrences, no answers to read); read in turns, so that a
# machine busy meanwhile weighs on both alike.
def agenda(reads=40):
    spent = {invitee: 0.0, tokens[1]: 0.0}
    for _ in range(reads):
        for token in spent:
            t0 = time.perf_counter()
            listed = call("GET", "/api/v1/me/calendar/events?from=2027-04-01&to=2027-05-01", token)
            spent[token] += time.perf_counter() - t0
            assert len(listed) >= len(weekly) * 4, len(listed)
    return reads / spent[invitee], reads / spent[tokens[1]], len(listed)


invitee_reads, organizer_reads, listed = agenda()
print("agenda_invitee %.1f /s %d occurrences" % (invitee_reads, listed))
print("agenda_organizer %.1f /s" % organizer_reads)


# The organizer changes each meeting: the series' title, then one
# occurrence moved an hour later (the third), then one cancelled (the
# fourth); the colleague hears of each.
def changes(method, change):
    t0 = time.perf_counter()
    for eid, start in weekly:
        path, body = change(eid, start)
        call(method, path, tokens[1], body)
    return len(weekly) / (time.perf_counter() - t0)


print("change_series %.0f /s" % changes(
    "PATCH", lambda eid, start: ("/api/v1/calendar/events/" + eid, {"title": "Point renommé"})))
print("move_occurrence %.0f /s" % changes(
    "PATCH", lambda eid, start: ("/api/v1/calendar/events/" + eid,
                                 {"recurrence_id": week(start, 2), "start": week(start, 2, 1)})))
print("cancel_occurrence %.0f /s" % changes(
    "DELETE", lambda eid, start: ("/api/v1/calendar/events/%s?recurrence_id=%s" % (eid, week(start, 3)), None)))

# External invitations: each organizer sends at most 100 (Ruche's hourly
# bound per organizer), so the load is spread over them.
per = n // organizers
externals = [{"email": "guest%d@partner.example" % k} for k in range(10)]
t0 = time.perf_counter()
created = 0
for token in tokens:
    for i in range(per // 10):
        call("POST", "/api/v1/me/calendar/events", token, event(i, externals))
        created += 1
t_created = time.perf_counter() - t0
expected = created * 10
print("create_10_external %.0f /s" % (created / t_created))
while delivered() < expected:
    if time.perf_counter() - t0 > 600:
        sys.exit("only %d of %d messages arrived" % (delivered(), expected))
    time.sleep(0.02)
t_all = time.perf_counter() - t0
sizes = [os.path.getsize(os.path.join(maildir, "new", f)) for f in os.listdir(os.path.join(maildir, "new"))]
size = sum(sizes) // len(sizes)
print("ruche_queue %.0f msg/s %d messages of %d bytes" % (expected / t_all, expected, size))

# The peer: the same number of messages of that size, straight to the sink.
body = ("Subject: Invitation\r\nFrom: noreply@example.org\r\nTo: guest@partner.example\r\n\r\n" +
        ("x" * 74 + "\r\n") * max(1, size // 76)).encode()
before = delivered()
t0 = time.perf_counter()
for _ in range(expected):
    with smtplib.SMTP("127.0.0.1", sink_port) as s:
        s.sendmail("noreply@example.org", ["guest@partner.example"], body)
print("smtplib_connection_each %.0f msg/s" % (expected / (time.perf_counter() - t0)))
t0 = time.perf_counter()
with smtplib.SMTP("127.0.0.1", sink_port) as s:
    for _ in range(expected):
        s.sendmail("noreply@example.org", ["guest@partner.example"], body)
print("smtplib_one_connection %.0f msg/s" % (expected / (time.perf_counter() - t0)))
while delivered() < before + 2 * expected:
    time.sleep(0.02)
