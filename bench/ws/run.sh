#!/usr/bin/env bash
# bench/ws: memory per idle authenticated WebSocket.
#
#   bench/ws/run.sh [N]      (default 10000)
#
# 100 users in one workspace, N connections spread over them, each
# authenticated and registered with the event hub (it waits for "hello").
# Reports the server's resident memory before and after, per connection.
# Target (issue 2): at most 4 KiB per connection.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000}
USERS=${USERS:-100}
scripts/deps.sh bench
RUCHE=${RUCHE_BIN:-build/ruche}
[ -x "$RUCHE" ] || make server >/dev/null
T=$(mktemp -d /tmp/ruche-wsbench-XXXXXX)
RUCHE_PID=""; CLIENT_PID=""
cleanup() {
  [ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null || true
  [ -n "$RUCHE_PID" ] && kill "$RUCHE_PID" 2>/dev/null || true
  sleep 0.5; rm -rf "$T"
}
trap cleanup EXIT
export RUCHE_PASSWORD_MEMORY_KIB=19456 RUCHE_PASSWORD_ITERATIONS=2 RUCHE_PASSWORD_PARALLELISM=1 RUCHE_ACCESS_LOG=0
PASSWORD='Bourdon-Velours-2026'
echo "$PASSWORD" | "$RUCHE" user add --data "$T/data" --email admin@example.org --name Admin --admin >/dev/null
RUCHE_IO_THREADS=2 ${WRAP:-} "$RUCHE" serve --data "$T/data" --listen 127.0.0.1:0 >"$T/out" 2>"$T/err" &
RUCHE_PID=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$T/out" && break; sleep 0.05; done
URL=$(grep -o 'http://[0-9.:]*' "$T/out" | head -1)

/usr/bin/python3 - "$URL" "$USERS" "$PASSWORD" > "$T/tokens" <<'PY'
import json, sys, urllib.request
url, users, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def call(method, path, token=None, body=None):
    req = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    if token: req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")
admin = call("POST", "/api/v1/auth/login", body={"email": "admin@example.org", "password": password})["token"]
ws = call("POST", "/api/v1/workspaces", admin, {"name": "Bench", "modules": ["chat", "files"]})["id"]
print(admin)
for i in range(1, users):
    email = f"user{i}@example.org"
    call("POST", "/api/v1/admin/users", admin, {"email": email, "name": f"User {i}", "password": password})
    inv = call("POST", f"/api/v1/workspaces/{ws}/invitations", admin, {"email": email})
    tok = call("POST", "/api/v1/auth/login", body={"email": email, "password": password})["token"]
    call("POST", f"/api/v1/invitations/{inv['token']}/accept", tok)
    print(tok)
PY

rss_kib() { awk '/VmRSS/ {print $2}' /proc/$RUCHE_PID/status; }
sleep 1
BEFORE=$(rss_kib)
coproc CLIENT { /usr/bin/python3 bench/ws/ws_idle.py "$URL" "$T/tokens" "$N" 2>"$T/client.err"; }
CLIENT_PID=$CLIENT_PID
read -r line <&"${CLIENT[0]}"
sleep 2
AFTER=$(rss_kib)
OPEN=$(curl -fsS "$URL/metrics" | awk '/^ruche_events_connections / {print $2}')
PER=$(awk -v a="$AFTER" -v b="$BEFORE" -v n="$N" 'BEGIN { printf "%.2f", (a - b) / n }')
echo
echo "bench/ws — $(date -u +%Y-%m-%d): $line idle authenticated WebSockets, $USERS users, 1 workspace"
echo
echo "| server RSS before | after | connections the hub holds | per connection |"
echo "| ---: | ---: | ---: | ---: |"
echo "| $BEFORE KiB | $AFTER KiB | $OPEN | $PER KiB |"
