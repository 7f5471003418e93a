#!/usr/bin/env bash
# bench/http: requests per second of Ruche beside nginx, in one run.
#
#   bench/http/run.sh [SECONDS]   (default 5 s per measurement, ROUNDS=5 rounds)
#
# Server side pinned to core 0, wrk pinned to core 1, keep-alive, 64
# connections. Measured: nginx serving a 1 KiB static file (the physical
# reference), Ruche GET /api/v1/health, Ruche authenticated GET
# /api/v1/workspaces (Bearer session, 5 workspaces). Prints a Markdown table
# with the ratios; nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common/server.sh  # bench_nginx_static
DURATION=${1:-5}
CONNS=${CONNS:-64}
ROUNDS=${ROUNDS:-5}
scripts/deps.sh bench
RUCHE=${RUCHE_BIN:-build/ruche}
[ -x "$RUCHE" ] || make server >/dev/null
T=$(mktemp -d /tmp/ruche-bench-XXXXXX)
NGINX_PID=""; RUCHE_PID=""
cleanup() {
  [ -n "$RUCHE_PID" ] && kill "$RUCHE_PID" 2>/dev/null || true
  [ -f "$T/nginx/nginx.pid" ] && kill -QUIT "$(cat "$T/nginx/nginx.pid")" 2>/dev/null || true
  sleep 0.3; rm -rf "$T"
}
trap cleanup EXIT

# --- nginx: one worker on core 0, a 1 KiB file -----------------------------------
mkdir -p "$T/nginx/root"
head -c 1024 /dev/urandom | base64 -w0 | head -c 1024 > "$T/nginx/root/file.txt"
NGINX_PORT=18181
bench_nginx_static "$NGINX_PORT" text/plain

# --- Ruche: one I/O thread on core 0 -------------------------------------------
export RUCHE_PASSWORD_MEMORY_KIB=19456 RUCHE_PASSWORD_ITERATIONS=2 RUCHE_ACCESS_LOG=0
echo 'Bourdon-Velours-2026' | "$RUCHE" user add --data "$T/data" --email bench@example.org --name Bench >/dev/null
RUCHE_IO_THREADS=1 RUCHE_WORKERS=4 taskset -c 0 "$RUCHE" serve --data "$T/data" --listen 127.0.0.1:0 \
  >"$T/ruche.out" 2>"$T/ruche.err" &
RUCHE_PID=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$T/ruche.out" && break; sleep 0.05; done
URL=$(grep -o 'http://[0-9.:]*' "$T/ruche.out" | head -1)
TOKEN=$(curl -fsS -X POST "$URL/api/v1/auth/login" -d '{"email":"bench@example.org","password":"Bourdon-Velours-2026"}' \
  | sed 's/.*"token":"\([^"]*\)".*/\1/')
for i in 1 2 3 4 5; do
  curl -fsS -X POST -H "Authorization: Bearer $TOKEN" "$URL/api/v1/workspaces" \
    -d "{\"name\":\"Espace $i\",\"modules\":[\"chat\",\"files\",\"tasks\"]}" >/dev/null
done
BODY_BYTES=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$URL/api/v1/workspaces" | wc -c)

rps() {  # wrk on core 1; prints requests/s
  taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "$@" 2>&1 | tee -a "$T/wrk.log" \
    | awk '/Requests\/sec/ {print $2}'
}

# Rounds interleave the three measurements so that a noisy neighbour hits
# them alike; the medians are reported.
taskset -c 1 wrk -t1 -c"$CONNS" -d2s "http://127.0.0.1:$NGINX_PORT/file.txt" >/dev/null   # warm-up
taskset -c 1 wrk -t1 -c"$CONNS" -d2s "$URL/api/v1/health" >/dev/null
: > "$T/nginx.rps"; : > "$T/health.rps"; : > "$T/authed.rps"
for _ in $(seq 1 "$ROUNDS"); do
  rps "http://127.0.0.1:$NGINX_PORT/file.txt" >> "$T/nginx.rps"
  rps "$URL/api/v1/health" >> "$T/health.rps"
  rps -H "Authorization: Bearer $TOKEN" "$URL/api/v1/workspaces" >> "$T/authed.rps"
done
NGINX=$(median < "$T/nginx.rps"); HEALTH=$(median < "$T/health.rps"); AUTHED=$(median < "$T/authed.rps")
p99s() { grep -A5 'Latency Distribution' "$T/wrk.log" | awk '/ 99%/ {print $2}' | sed -n "$1~3p" | tr '\n' ' '; }
NGINX_P99=$(p99s 1); HEALTH_P99=$(p99s 2); AUTHED_P99=$(p99s 3)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo
echo "bench/http — $(date -u +%Y-%m-%d), median of $ROUNDS interleaved rounds of ${DURATION}s, $CONNS connections, wrk on core 1, servers on core 0 ($CPU)"
echo
echo "| what | requests/s (median) | p99 per round | × nginx |"
echo "| --- | ---: | ---: | ---: |"
echo "| nginx 1 KiB static file | $NGINX | $NGINX_P99 | 1.00 |"
echo "| Ruche GET /api/v1/health | $HEALTH | $HEALTH_P99 | $(ratio "$HEALTH" "$NGINX") |"
echo "| Ruche authenticated GET /api/v1/workspaces ($BODY_BYTES B, 5 workspaces) | $AUTHED | $AUTHED_P99 | $(ratio "$AUTHED" "$NGINX") |"
