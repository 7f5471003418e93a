"""bench/reminders: reminders due at one instant, as at 9:00 on a Monday.

load.py URL TOKEN N DB — creates N events in the caller's own calendar, all
starting one minute after an instant T0 a few seconds ahead, each with a
reminder one minute before (due at T0); waits until the server has sent
them all (the notices table of DB, read only); prints the reminders' delay
after T0 (p50, p99, max, ms) and their rate (sent per second, from the
first to the last). Then, as the physical limit, the durable commits per
second of SQLite on the same disk (WAL, synchronous=FULL, one INSERT a
transaction), N of them.
"""
import json
import os
import sqlite3
import sys
import time
import urllib.request

url, token, n, db = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03dZ" % (ms % 1000)


def post(path, body):
    req = urllib.request.Request(url + path, json.dumps(body).encode(), headers, method="POST")
    with urllib.request.urlopen(req) as r:
        return json.load(r)


now = int(time.time() * 1000)
t0 = now + 10_000 + n * 4  # creation takes ~2 ms an event: done before
t0 -= t0 % 1000
for i in range(n):
    post("/api/v1/me/calendar/events", {
        "title": "Point %d" % i, "start": iso(t0 + 60_000), "end": iso(t0 + 90_000), "reminders": [1]})
created = int(time.time() * 1000)
if created >= t0:
    sys.exit("creating %d events took past T0: raise the margin" % n)

conn = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
count = lambda: conn.execute("SELECT COUNT(*) FROM notices WHERE type = 'calendar.reminder'").fetchone()[0]
deadline = t0 + 120_000
while count() < n and time.time() * 1000 < deadline:
    time.sleep(0.2)
sent = [r[0] - t0 for r in conn.execute(
    "SELECT created_at_ms FROM notices WHERE type = 'calendar.reminder' ORDER BY created_at_ms")]
if len(sent) != n:
    sys.exit("%d reminders sent of %d" % (len(sent), n))
pct = lambda p: sent[min(len(sent) - 1, int(p * len(sent)))]
span = max(1, sent[-1] - sent[0])

# The disk's durable commits, one INSERT each, as SQLite makes them.
path = os.path.join(os.path.dirname(db), "limit.db")
lim = sqlite3.connect(path, isolation_level=None)
lim.execute("PRAGMA journal_mode=WAL")
lim.execute("PRAGMA synchronous=FULL")
lim.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)")
start = time.perf_counter()
for i in range(n):
    lim.execute("BEGIN")
    lim.execute("INSERT INTO t (data) VALUES (?)", ("x" * 200,))
    lim.execute("COMMIT")
commits = n / (time.perf_counter() - start)

print(json.dumps({"n": n, "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": sent[-1],
                  "first_ms": sent[0], "per_s": round(n * 1000 / span),
                  "commits_per_s": round(commits)}))
