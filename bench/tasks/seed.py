"""Seeds a workspace with N tasks over one keep-alive connection and prints
the creation rate (tasks/s; a checklist of four on every third), then
comments twice on every tenth and writes the ids, one per line, to IDS.

    python3 seed.py URL TOKEN WORKSPACE N IDS
"""
import http.client
import json
import sys
import time
import urllib.parse

url, token, ws, n, ids_path = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
u = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(u.hostname, u.port)
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
me = None
conn.request("GET", "/api/v1/me", headers=headers)
me = json.loads(conn.getresponse().read())["id"]
ids = []
statuses = ["todo", "doing", "done"]
start = time.monotonic()
for i in range(n):
    body = {
        "title": f"Tâche {i}: vérifier le lot {i % 97}",
        "description": "Contrôler les **livrables** du lot, puis prévenir l'équipe.",
        "status": statuses[i % 3] if i % 10 else "todo",
        "labels": ["lot-%d" % (i % 20), "bench"],
        "assignee_ids": [me] if i % 4 == 0 else [],
        "due": "2027-%02d-%02d" % (1 + i % 12, 1 + i % 28),
    }
    # Every tenth task waits for the one before (not done, so todo itself).
    if i % 10 == 0 and ids:
        body["blocked_by"] = [ids[-1]]
    # A checklist of four on every third, two of them ticked.
    if i % 3 == 0:
        body["checklist"] = [{"text": f"étape {k}", "done": k < 2} for k in range(4)]
    conn.request("POST", f"/api/v1/workspaces/{ws}/tasks", body=json.dumps(body), headers=headers)
    r = conn.getresponse()
    data = r.read()
    if r.status != 201:
        sys.exit(f"seed: {r.status} {data[:200]!r}")
    ids.append(json.loads(data)["id"])
elapsed = time.monotonic() - start
# Two comments on every tenth task (after the rate: comments are not tasks).
for i in range(0, n, 10):
    for k in range(2):
        conn.request("POST", f"/api/v1/tasks/{ids[i]}/comments",
                     body=json.dumps({"body": f"Commentaire {k} sur la tâche {i}"}), headers=headers)
        r = conn.getresponse()
        data = r.read()
        if r.status != 201:
            sys.exit(f"seed: comment {r.status} {data[:200]!r}")
with open(ids_path, "w") as f:
    f.write("\n".join(ids) + "\n")
print(f"{n / elapsed:.0f}")
