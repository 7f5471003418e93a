#!/usr/bin/env bash
# bench/caldav: Ruche's CalDAV beside Radicale (the reference CalDAV server
# of ../shared/PEERS.md), the same client load on both, in one run.
#
#   bench/caldav/run.sh        (N=1000 events, ROUNDS=3)
#
# Each server pinned to core 0, the client (bench/caldav/load.py, Python
# requests, one connection) on core 1; both store what they acknowledge
# durably. Measured for each:
# - PUT of N events (every tenth weekly for 10 weeks) one after the other:
#   events/s and server CPU-ms per PUT;
# - calendar-query for a month, without and with CALDAV:expand (the
#   instances written out): median ms of 20, with the counts found, which
#   must agree between the servers;
# - PROPFIND Depth 1 of the whole calendar (ETags): median ms of 20;
# - GET of one event: median ms of 500;
# - vdirsyncer: a first full sync of the calendar into an empty folder.
# Prints a Markdown table; nothing is asserted but the counts.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common/server.sh
N=${N:-1000}
ROUNDS=${ROUNDS:-3}
bench_server caldav
command -v radicale >/dev/null || { echo "radicale is not installed (scripts/deps.sh bench)" >&2; exit 1; }
PY=/usr/bin/python3

RUCHE_IO_THREADS=1 RUCHE_WORKERS=4 bench_ruche_start taskset -c 0
CWS=$(curl -fsS -X POST -H "$AUTH" "$URL/api/v1/workspaces" -d '{"name":"Agenda","modules":["calendar"]}' \
  | sed 's/.*"id":"\([^"]*\)".*/\1/')
ME=$(curl -fsS -H "$AUTH" "$URL/api/v1/me" | sed 's/.*"id":"\([^"]*\)".*/\1/')
RUCHE_CAL="$URL/dav/calendars/$ME/$CWS/"

RAD_PORT=18532
mkdir -p "$T/radicale/collections"
cat > "$T/radicale/config" <<CONF
[server]
hosts = 127.0.0.1:$RAD_PORT
[auth]
type = none
[rights]
type = owner_only
[storage]
filesystem_folder = $T/radicale/collections
[web]
type = none
[logging]
level = warning
CONF
taskset -c 0 radicale --config "$T/radicale/config" > "$T/radicale.log" 2>&1 &
RAD_PID=$!
trap 'kill $RAD_PID 2>/dev/null || true; [ -n "$RUCHE_PID" ] && kill "$RUCHE_PID" 2>/dev/null; sleep 0.3; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$RAD_PORT/" && break; sleep 0.1; done

vdir_sync() {  # URL USER PASSWORD COLLECTION -> seconds of a first full sync
  local d="$T/vdir-$RANDOM"
  mkdir -p "$d/status" "$d/cals"
  cat > "$d/config" <<CONF
[general]
status_path = "$d/status/"
[pair p]
a = "l"
b = "r"
collections = ["$4"]
[storage l]
type = "filesystem"
path = "$d/cals/"
fileext = ".ics"
[storage r]
type = "caldav"
url = "$1"
username = "$2"
password = "$3"
CONF
  printf 'y\ny\n' | VDIRSYNCER_CONFIG="$d/config" taskset -c 1 vdirsyncer discover p > "$d/log" 2>&1
  local t0 t1
  t0=$(date +%s.%N)
  VDIRSYNCER_CONFIG="$d/config" taskset -c 1 vdirsyncer sync > "$d/log" 2>&1 || { cat "$d/log" >&2; return 1; }
  t1=$(date +%s.%N)
  [ "$(find "$d/cals" -name '*.ics' | wc -l)" -eq "$N" ] || { echo "vdirsyncer did not get $N objects" >&2; return 1; }
  printf '%.2f' "$(echo "$t1 - $t0" | bc)"
}

: > "$T/ruche.txt"; : > "$T/radicale.txt"
for round in $(seq 1 "$ROUNDS"); do
  # A fresh calendar each round: Ruche's workspace calendar emptied, a new Radicale collection.
  if [ "$round" -gt 1 ]; then
    CWS=$(curl -fsS -X POST -H "$AUTH" "$URL/api/v1/workspaces" -d '{"name":"Agenda","modules":["calendar"]}' \
      | sed 's/.*"id":"\([^"]*\)".*/\1/')
    RUCHE_CAL="$URL/dav/calendars/$ME/$CWS/"
  fi
  RAD_CAL="http://127.0.0.1:$RAD_PORT/bench/cal-$round/"
  curl -fsS -u bench:x -X MKCALENDAR "$RAD_CAL" -o /dev/null
  taskset -c 1 "$PY" bench/caldav/load.py "$RUCHE_CAL" bench@example.org Bourdon-Velours-2026 "$RUCHE_PID" "$N" >> "$T/ruche.txt"
  echo "vdirsyncer $(vdir_sync "$URL/" bench@example.org Bourdon-Velours-2026 "$CWS") s -" >> "$T/ruche.txt"
  taskset -c 1 "$PY" bench/caldav/load.py "$RAD_CAL" bench x "$RAD_PID" "$N" >> "$T/radicale.txt"
  echo "vdirsyncer $(vdir_sync "http://127.0.0.1:$RAD_PORT/" bench x "cal-$round") s -" >> "$T/radicale.txt"
done

med() { awk -v k="$1" -v f="$2" '$1 == k {print $f}' "$3" | median; }
[ "$(med query_month_objects 2 "$T/ruche.txt")" = "$(med query_month_objects 2 "$T/radicale.txt")" ] ||
  { echo "the servers disagree on the month's objects" >&2; exit 1; }
echo "N=$N events (every tenth weekly for 10 weeks), $ROUNDS rounds, medians. The month queried holds" \
  "$(med query_month_objects 2 "$T/ruche.txt") objects and $(med month_instances_expected 2 "$T/ruche.txt") instances;" \
  "CALDAV:expand wrote out $(med query_month_instances 2 "$T/ruche.txt") (Ruche) and" \
  "$(med query_month_instances 2 "$T/radicale.txt") (Radicale)."
echo
echo "| measure | Ruche | Radicale | ratio | Ruche CPU-ms/op | Radicale CPU-ms/op |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for k in put query_month query_month_expanded propfind_all get vdirsyncer; do
  r=$(med $k 2 "$T/ruche.txt"); a=$(med $k 2 "$T/radicale.txt"); u=$(awk -v k=$k '$1 == k {print $3; exit}' "$T/ruche.txt")
  rc=$(med $k 4 "$T/ruche.txt"); ac=$(med $k 4 "$T/radicale.txt")  # "-": the client's work, not the server's
  if [ "$u" = "/s" ]; then ratio=$(echo "scale=1; $r / $a" | bc); else ratio=$(echo "scale=1; $a / $r" | bc); fi
  echo "| $k ($u) | $r | $a | ${ratio}× | $rc | $ac |"
done
