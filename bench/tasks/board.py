"""One client reading a whole board page after page over one keep-alive
connection, as the web client does on opening it: prints the median time in
milliseconds of ROUNDS reads.

    python3 board.py URL PATH_PREFIX PATH_SUFFIX PAGES AUTHORIZATION ROUNDS
"""
import http.client
import statistics
import sys
import time
import urllib.parse

url, prefix, suffix, pages, auth, rounds = sys.argv[1:7]
u = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(u.hostname, u.port)
headers = {"Authorization": auth} if auth else {}
times = []
for _ in range(int(rounds)):
    start = time.monotonic()
    for p in range(int(pages)):
        conn.request("GET", f"{prefix}{p * 1000}{suffix}", headers=headers)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            sys.exit(f"board: {r.status}")
    times.append((time.monotonic() - start) * 1000)
print(f"{statistics.median(times):.1f}")
