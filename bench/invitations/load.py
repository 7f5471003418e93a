#!/usr/bin/python3
"""bench/invitations: what scheduling costs a write, and how fast invitations
leave. Usage: load.py URL SINK_PORT MAILDIR N ORGANIZERS (every account's
password is the bench's; organizers are o0@example.org..., colleagues
c0@example.org... share their workspace).

Prints lines "KEY VALUE UNIT": creates/s of events without attendees, with
10 colleagues and with 10 external addresses (one client in a row); a
colleague's answers/s to weekly meetings, to the series then to one
occurrence each; then
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


def second(start):  # the week after `start`, in UTC as the event is
    t = calendar.timegm(time.strptime(start, "%Y-%m-%dT%H:%M:%SZ")) + 7 * 86400
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


print("answer_series %.0f /s" % answers(lambda start: {"partstat": "accepted"}))
print("answer_occurrence %.0f /s" % answers(
    lambda start: {"partstat": "declined", "recurrence_id": second(start)}))

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
