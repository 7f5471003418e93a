#!/usr/bin/python3
"""The CalDAV load of bench/caldav/run.sh, the same for both servers.

Usage: load.py CALENDAR_URL USER PASSWORD SERVER_PID N
Prints one line per measure: "name value unit server_cpu_ms_per_op"."""
import calendar
import re
import statistics
import sys
import time

import requests

cal, user, password, pid, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
s = requests.Session()
s.auth = (user, password)


def cpu_ms():
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 10  # utime + stime, 100 Hz


def event(i):
    # 1,000 events 7 h apart from 2027-01-04 09:00Z, 45 minutes each; every
    # tenth weekly for 10 weeks (../shared/PEERS.md's Radicale fixture).
    start = 1798362000 + i * 7 * 3600
    fmt = lambda t: time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))
    rule = "RRULE:FREQ=WEEKLY;COUNT=10\r\n" if i % 10 == 0 else ""
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\n"
            "UID:bench-%d\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\n"
            "SUMMARY:Réunion %d\r\nDESCRIPTION:Ordre du jour\\, points divers\r\n%s"
            "END:VEVENT\r\nEND:VCALENDAR\r\n" % (i, fmt(start), fmt(start + 2700), i, rule)).encode()


def measure(name, fn, count, unit="ms"):
    before_cpu, t0 = cpu_ms(), time.perf_counter()
    times = []
    for i in range(count):
        a = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - a) * 1000)
    wall = time.perf_counter() - t0
    cpu = (cpu_ms() - before_cpu) / count
    if unit == "/s":
        print("%s %.0f /s %.2f" % (name, count / wall, cpu))
    else:
        print("%s %.2f ms %.2f" % (name, statistics.median(times), cpu))
    sys.stdout.flush()


def put(i):
    r = s.put(cal + "bench-%d.ics" % i, data=event(i), headers={"Content-Type": "text/calendar; charset=utf-8"})
    assert r.status_code in (201, 204), (r.status_code, r.text[:200])


measure("put", put, n, "/s")

QUERY = ('<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/>'
         '%s</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
         '<C:time-range start="20270201T000000Z" end="20270301T000000Z"/></C:comp-filter></C:comp-filter>'
         '</C:filter></C:calendar-query>')
EXPAND = '<C:calendar-data><C:expand start="20270201T000000Z" end="20270301T000000Z"/></C:calendar-data>'
found = {}


def query(expand):
    def run(_):
        r = s.request("REPORT", cal, data=QUERY % (EXPAND if expand else "<C:calendar-data/>"),
                      headers={"Depth": "1", "Content-Type": "application/xml"})
        assert r.status_code == 207, r.status_code
        found[expand] = len(re.findall(r"<(?:\w+:)?response>", r.text))
        found[(expand, "instances")] = r.text.count("BEGIN:VEVENT")
    return run


measure("query_month", query(False), 20)
measure("query_month_expanded", query(True), 20)
print("query_month_objects %d objects" % found[False])
print("query_month_instances %d instances" % found[(True, "instances")])
# What the month holds, counted here from the fixture's own definition.
month = (calendar.timegm((2027, 2, 1, 0, 0, 0)), calendar.timegm((2027, 3, 1, 0, 0, 0)))
truth = 0
for i in range(n):
    start = 1798362000 + i * 7 * 3600
    for k in range(10 if i % 10 == 0 else 1):
        s0 = start + k * 7 * 86400
        truth += s0 < month[1] and s0 + 2700 > month[0]
print("month_instances_expected %d instances" % truth)


def propfind(_):
    r = s.request("PROPFIND", cal, data='<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>',
                  headers={"Depth": "1"})
    assert r.status_code == 207, r.status_code


measure("propfind_all", propfind, 20)


def get(i):
    r = s.get(cal + "bench-%d.ics" % (i * 7 % n))
    assert r.status_code == 200, r.status_code


measure("get", get, 500)
