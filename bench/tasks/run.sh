#!/usr/bin/env bash
# bench/tasks: a board of N tasks (default 10,000) read and moved, in one run.
#
#   bench/tasks/run.sh [SECONDS]   (default 5 s per measurement, ROUNDS=3, N=10000)
#
# Ruche pinned to core 0 (one I/O thread), the load (wrk, the seeding
# client) to core 1. Measured:
# - creation: one client posting N tasks in a row (labels, an assignee for a
#   quarter, a dependency for a tenth), each acknowledged once durable;
# - the board's read: GET /workspaces/{id}/tasks page after page (1,000
#   tasks, ~800 KB each) by 8 connections, and by one client the whole
#   board in a row (what the web client does on opening it), beside nginx serving the very same
#   pages as static files on the same core (the reference: bytes out of
#   memory, nothing computed);
# - moves: PATCH of a random task to a random column and position (what a
#   drag and drop sends), 8 connections: requests/s, latency, server
#   CPU-milliseconds per move.
# Prints a Markdown table; nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common/server.sh
DURATION=${1:-5}
ROUNDS=${ROUNDS:-3}
N=${N:-10000}
CONNS=${CONNS:-8}
bench_server tasks
NGINX_PORT=18183

RUCHE_IO_THREADS=1 RUCHE_WORKERS=4 bench_ruche_start taskset -c 0
TOKEN=${AUTH#Authorization: Bearer }
BOARD=$(curl -fsS -X POST -H "$AUTH" "$URL/api/v1/workspaces" -d '{"name":"Board","modules":["tasks"]}' \
  | sed 's/.*"id":"\([^"]*\)".*/\1/')
CREATE_RATE=$(taskset -c 1 python3 bench/tasks/seed.py "$URL" "$TOKEN" "$BOARD" "$N" "$T/ids")
PAGES=$(((N + 999) / 1000))

# The same pages, as files nginx serves.
mkdir -p "$T/nginx/root/pages"
for p in $(seq 0 $((PAGES - 1))); do
  curl -fsS -H "$AUTH" "$URL/api/v1/workspaces/$BOARD/tasks?limit=1000&offset=$((p * 1000))" \
    > "$T/nginx/root/pages/$((p * 1000)).json"
done
PAGE_BYTES=$(stat -c %s "$T/nginx/root/pages/0.json")
bench_nginx_static "$NGINX_PORT" application/json

cpu_ms() { awk '{print ($14 + $15) * 10}' "/proc/$RUCHE_PID/stat"; }  # utime + stime, 100 Hz ticks
wrk_run() {  # SCRIPT URL -> "requests/s p50_ms p99_ms non2xx"
  taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s "$1" "$2" 2>&1 | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ {rps = $2} /^ +50%/ {p50 = ms($2)} /^ +99%/ {p99 = ms($2)}
    /Non-2xx/ {bad = $NF} END {printf "%d %.2f %.2f %d\n", rps, p50, p99, bad}'
}
export PAGES LIMIT=1000 IDS="$T/ids"
: > "$T/nginx.txt"; : > "$T/read.txt"; : > "$T/moves.txt"
for _ in $(seq 1 "$ROUNDS"); do
  PAGE_PREFIX=/pages/ PAGE_SUFFIX=.json AUTH_HEADER="" wrk_run bench/tasks/pages.lua "http://127.0.0.1:$NGINX_PORT" >> "$T/nginx.txt"
  PAGE_PREFIX="/api/v1/workspaces/$BOARD/tasks?limit=1000&offset=" PAGE_SUFFIX="" AUTH_HEADER="Bearer $TOKEN" \
    wrk_run bench/tasks/pages.lua "$URL" >> "$T/read.txt"
  before=$(cpu_ms)
  out=$(AUTH_HEADER="Bearer $TOKEN" wrk_run bench/tasks/moves.lua "$URL")
  after=$(cpu_ms)
  echo "$out $(awk -v a="$after" -v b="$before" -v r="$(echo "$out" | cut -d' ' -f1)" -v d="$DURATION" \
    'BEGIN {printf "%.2f", (a - b) / (r * d)}')" >> "$T/moves.txt"
done
NGINX_BOARD=$(taskset -c 1 python3 bench/tasks/board.py "http://127.0.0.1:$NGINX_PORT" /pages/ .json "$PAGES" "" 9)
READ_BOARD=$(taskset -c 1 python3 bench/tasks/board.py "$URL" "/api/v1/workspaces/$BOARD/tasks?limit=1000&offset=" "" \
  "$PAGES" "Bearer $TOKEN" 9)
col() { cut -d' ' -f"$2" "$1" | median; }
NGINX_RPS=$(col "$T/nginx.txt" 1); READ_RPS=$(col "$T/read.txt" 1)
echo
echo "Tasks: $N, pages of 1,000 ($PAGE_BYTES bytes of JSON each), $CONNS connections, medians of $ROUNDS rounds of ${DURATION} s"
echo
echo "| what | nginx (static copy) | Ruche | Ruche ÷ nginx |"
echo "| --- | ---: | ---: | ---: |"
echo "| create, one client in a row (tasks/s) | | $CREATE_RATE | |"
echo "| board pages read (pages/s) | $NGINX_RPS | $READ_RPS | $(awk -v a="$READ_RPS" -v b="$NGINX_RPS" 'BEGIN {printf "%.2f", a / b}') |"
echo "| board page p50 / p99 (ms) | $(col "$T/nginx.txt" 2) / $(col "$T/nginx.txt" 3) | $(col "$T/read.txt" 2) / $(col "$T/read.txt" 3) | |"
echo "| one client reading the whole board (ms) | $NGINX_BOARD | $READ_BOARD | $(awk -v a="$READ_BOARD" -v b="$NGINX_BOARD" 'BEGIN {printf "%.2f", a / b}') |"
echo "| moves (PATCH status + position, requests/s) | | $(col "$T/moves.txt" 1) | |"
echo "| move p50 / p99 (ms) | | $(col "$T/moves.txt" 2) / $(col "$T/moves.txt" 3) | |"
echo "| server CPU-ms per move | | $(col "$T/moves.txt" 5) | |"
echo "| refused requests (non-2xx, all rounds) | $(awk '{s += $4} END {print s + 0}' "$T/nginx.txt") | $(cat "$T/read.txt" "$T/moves.txt" | awk '{s += $4} END {print s + 0}') | |"
