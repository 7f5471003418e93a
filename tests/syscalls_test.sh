#!/usr/bin/env bash
# The system calls `ruche serve` makes stay within what its systemd unit
# allows (deploy/systemd/ruche.service: SystemCallFilter=@system-service);
# those of ruche-sync within its own unit's (deploy/systemd/ruche-sync.service).
# The server runs under strace through a workload that touches every kind of
# work it does: start-up and migrations, password hashing, every module's
# writes (chunked and encrypted file contents, fsyncs, the chat's search
# index), WebDAV and CalDAV, downloads by range, the live events WebSocket,
# an export streamed, maintenance and chunk collection, outbound HTTP (a
# Janus that does not answer), the timers, and a SIGTERM shutdown; then
# ruche-sync logs in, adds a folder, syncs both ways and runs until SIGTERM.
# Every
# system call seen must be in the set systemd-analyze gives for the filter:
# a new one (io_uring, a mount, ptrace…) fails here, not on a production
# server where it would get EPERM.
set -euo pipefail
RUCHE=$(realpath "${1:?usage: syscalls_test.sh path/to/ruche path/to/ruche-sync}")
SYNC=$(realpath "${2:?usage: syscalls_test.sh path/to/ruche path/to/ruche-sync}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/serve_lib.sh"
command -v strace >/dev/null || fail "strace is not installed (scripts/deps.sh test)"
command -v systemd-analyze >/dev/null || fail "systemd-analyze is not installed (scripts/deps.sh test)"

# The filter of the units, as committed.
FILTER=$(sed -n 's/^SystemCallFilter=//p' "$ROOT/deploy/systemd/ruche.service")
[ "$FILTER" = "@system-service" ] || fail "the unit's SystemCallFilter is '$FILTER', this test checks @system-service"
SYNC_FILTER=$(sed -n 's/^SystemCallFilter=//p' "$ROOT/deploy/systemd/ruche-sync.service")
[ "$SYNC_FILTER" = "$FILTER" ] || fail "ruche-sync.service's SystemCallFilter is '$SYNC_FILTER', this test checks $FILTER"
expand() {
  systemd-analyze syscall-filter "$1" | sed -E 's/#.*//; s/^ +//' | tail -n +2 | grep . |
    while read -r name; do
      if [[ $name == @* ]]; then expand "$name"; else echo "$name"; fi
    done
}
expand "$FILTER" | sort -u >"$T/allowed"
[ "$(wc -l <"$T/allowed")" -gt 200 ] || fail "systemd-analyze listed too few system calls for $FILTER"

PASSWORD=Libellule-Dorée-2027
cat >"$T/ruche.toml" <<CONF
[calls]
janus_url = "http://127.0.0.1:1/janus"
p2p_max_participants = 1
sweep_seconds = 1
CONF
echo "$PASSWORD" | "$RUCHE" user add --data "$T/data" --email admin@example.org --name Ada --admin >/dev/null 2>&1
# strace follows every thread of the server.
strace -f -qq -o "$T/trace" "$RUCHE" serve --config "$T/ruche.toml" --data "$T/data" \
  --listen 127.0.0.1:0 >"$T/out" 2>"$T/err" &
STRACE=$!
extra_cleanup() { pkill -KILL -P "$STRACE" 2>/dev/null; kill -KILL "$STRACE" 2>/dev/null; }
for _ in $(seq 1 600); do
  grep -q 'listening on http://' "$T/out" && break
  kill -0 "$STRACE" 2>/dev/null || fail "serve exited: $(cat "$T/out" "$T/err")"
  sleep 0.05
done
url=$(grep -o 'listening on http://[0-9.:]*' "$T/out" | sed 's/listening on //') || fail "no address"
SERVER=$(pgrep -P "$STRACE")

jq_() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
TOKEN=$(curl -fsS -X POST "$url/api/v1/auth/login" -d "{\"email\":\"admin@example.org\",\"password\":\"$PASSWORD\"}" | jq_ "d['token']")
api() { curl -fsS -H "Authorization: Bearer $TOKEN" "$@"; }
dav() { curl -fsS -u "admin@example.org:$PASSWORD" "$@"; }
WS=$(api -X POST "$url/api/v1/workspaces" \
  -d '{"name":"Traces","modules":["chat","files","tasks","calendar","calls","reports"]}' | jq_ "d['id']")

# Files: small and chunked contents, a version, a range, WebDAV, the trash.
head -c 3000000 /dev/urandom >"$T/big"
FID=$(api -X PUT --data-binary @"$T/big" "$url/api/v1/workspaces/$WS/files/children/big.bin" | jq_ "d['id']")
api -r 100-199 "$url/api/v1/files/$FID/content" -o /dev/null
api -X PUT --data-binary 'deux' "$url/api/v1/files/$FID/content" >/dev/null
dav -X PUT --data-binary 'bonjour' "$url/dav/files/$WS/note.txt" >/dev/null
dav -X PROPFIND -H 'Depth: 1' "$url/dav/files/$WS/" >/dev/null
dav -X MOVE -H "Destination: $url/dav/files/$WS/note2.txt" "$url/dav/files/$WS/note.txt" >/dev/null
dav -X LOCK -H 'Timeout: Second-60' -H 'Content-Type: application/xml' \
  --data '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>' \
  "$url/dav/files/$WS/note2.txt" >/dev/null
api -X DELETE "$url/api/v1/files/$FID" >/dev/null

# Chat: a channel, messages, an attachment, search.
CH=$(api -X POST "$url/api/v1/workspaces/$WS/channels" -d '{"name":"général"}' | jq_ "d['id']")
AID=$(api -X POST --data-binary 'pièce jointe' "$url/api/v1/channels/$CH/attachments?name=a.txt" | jq_ "d['id']")
api -X POST "$url/api/v1/channels/$CH/messages" -d "{\"body\":\"les réunions du lundi\",\"attachment_ids\":[\"$AID\"]}" >/dev/null
api "$url/api/v1/search?q=r%C3%A9unions" >/dev/null

# Tasks, the calendar over CalDAV, reports.
api -X POST "$url/api/v1/workspaces/$WS/tasks" -d '{"title":"Relire","due":"2026-12-10"}' >/dev/null
dav -X PUT -H 'Content-Type: text/calendar' --data-binary $'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:ev1@t\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20261210T090000Z\r\nDTEND:20261210T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\nSUMMARY:Point\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
  "$url/dav/calendars/$(api "$url/api/v1/me" | jq_ "d['id']")/$WS/ev1.ics" >/dev/null
api "$url/api/v1/workspaces/$WS/reports/summary?days=7" >/dev/null

# Calls: the move to the SFU, and Janus unreachable (outbound HTTP).
CALL=$(api -X POST "$url/api/v1/workspaces/$WS/calls" -d '{}' | jq_ "d['id']")
PID_=$(api -X POST "$url/api/v1/calls/$CALL/participants" | jq_ "d['participant']['id']")
PID2=$(api -X POST "$url/api/v1/calls/$CALL/participants" | jq_ "d['participant']['id']")
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -X POST \
  "$url/api/v1/calls/$CALL/participants/$PID2/sfu/publish" -d '{"sdp":"v=0"}')
[ "$code" = 503 ] || fail "publish with Janus away answered $code"

# The live events: a WebSocket greeted, then closed.
python3 - "${url#http://}" "$TOKEN" <<'PY'
import base64, os, socket, sys
host, port = sys.argv[1].split(":")
s = socket.create_connection((host, int(port)), timeout=10)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET /api/v1/events HTTP/1.1\r\nHost: {sys.argv[1]}\r\nUpgrade: websocket\r\n"
           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
           f"Authorization: Bearer {sys.argv[2]}\r\n\r\n").encode())
data = b""
while b'"hello"' not in data:
    chunk = s.recv(65536)
    if not chunk:
        sys.exit("the WebSocket closed before its hello")
    data += chunk
assert data.startswith(b"HTTP/1.1 101"), data[:80]
s.close()
PY

# ruche-sync: login, a folder added, both ways, then `run` until SIGTERM.
mkdir -p "$T/sync"
echo "local" >"$T/sync/local.txt"
echo "$PASSWORD" | strace -f -qq -o "$T/sync-trace.1" "$SYNC" --state "$T/state" login "$url" \
  --email admin@example.org >/dev/null
strace -f -qq -o "$T/sync-trace.2" "$SYNC" --state "$T/state" add "$WS" "$T/sync" >/dev/null
strace -f -qq -o "$T/sync-trace.3" "$SYNC" --state "$T/state" once >/dev/null 2>&1 ||
  fail "ruche-sync once under strace"
[ -f "$T/sync/note2.txt" ] || fail "ruche-sync did not download note2.txt"
api -G "$url/api/v1/workspaces/$WS/files/by-path" --data-urlencode "path=/local.txt" >/dev/null ||
  fail "ruche-sync did not upload local.txt"
strace -f -qq -o "$T/sync-trace.4" "$SYNC" --state "$T/state" --quiet run --interval 1 &
SYNC_RUN=$!
echo "later" >"$T/sync/later.txt"
up=""
for _ in $(seq 1 200); do
  api -G "$url/api/v1/workspaces/$WS/files/by-path" --data-urlencode "path=/later.txt" >/dev/null 2>&1 &&
    up=1 && break
  sleep 0.1
done
[ -n "$up" ] || fail "ruche-sync run did not upload later.txt"
kill -TERM "$(pgrep -P "$SYNC_RUN")"
wait "$SYNC_RUN" || fail "ruche-sync run under strace did not stop cleanly"

# An export streamed; maintenance and chunk collection; the timers run.
api "$url/api/v1/workspaces/$WS/export" -o "$T/export.tar"
tar -tf "$T/export.tar" >/dev/null
api -X POST "$url/api/v1/admin/files/maintenance" -d '{}' >/dev/null
api -X POST "$url/api/v1/admin/chat/maintenance" -d '{}' >/dev/null
sleep 2
kill -TERM "$SERVER"
wait "$STRACE" || fail "the server's shutdown under strace failed: $(tail -5 "$T/err")"

sed -nE 's/^[0-9]+ +([a-z_0-9]+)\(.*/\1/p; s/^[0-9]+ +<\.\.\. ([a-z_0-9]+) resumed.*/\1/p' "$T/trace" |
  sort -u >"$T/used"
[ "$(wc -l <"$T/used")" -gt 40 ] || fail "strace recorded too few system calls ($(wc -l <"$T/used")): $(head -5 "$T/trace")"
outside=$(comm -23 "$T/used" "$T/allowed" | tr '\n' ' ')
[ -z "$outside" ] || fail "system calls of ruche serve outside $FILTER: $outside"
sed -nE 's/^[0-9]+ +([a-z_0-9]+)\(.*/\1/p; s/^[0-9]+ +<\.\.\. ([a-z_0-9]+) resumed.*/\1/p' "$T"/sync-trace.* |
  sort -u >"$T/sync-used"
[ "$(wc -l <"$T/sync-used")" -gt 30 ] || fail "strace recorded too few system calls of ruche-sync"
outside=$(comm -23 "$T/sync-used" "$T/allowed" | tr '\n' ' ')
[ -z "$outside" ] || fail "system calls of ruche-sync outside $FILTER: $outside"
echo "syscalls_test: ruche serve $(wc -l <"$T/used"), ruche-sync $(wc -l <"$T/sync-used") system calls, all in $FILTER"
