#!/usr/bin/env bash
# bench/calendar-ui: the web client showing a month of an armoured
# workspace's calendar (every sealed card read, opened and expanded in the
# browser) beside the same EVENTS events (default 500) in a plain workspace
# (the server expands them), in one Chromium, in alternating rounds: a cold
# open from the sidebar, then next month and back. Ratios armoured ÷ plain.
# Server pinned to core 0, Chromium and node to core 1.
#
#   bench/calendar-ui/run.sh [EVENTS]          (ROUNDS=5 in the environment)
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
EVENTS=${1:-500}
scripts/deps.sh test  # chromium
BUILD=${BUILD:-build}
make server >/dev/null
scripts/web.sh build >/dev/null

T=$(mktemp -d /tmp/ruche-calui-XXXXXX)
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
# What the bench runs in the page: the client's own crypto and expansion
# (page-tools.js), bundled with web/'s rolldown.
web/node_modules/.bin/rolldown bench/calendar-ui/page-tools.js --format iife --platform browser --minify \
  -o "$T/tools.js" >/dev/null 2>&1 || { echo "calendar-ui: bundling page-tools.js failed" >&2; exit 1; }

EMAIL=bench@example.org
PASSWORD=Bourdon-Velours-2026
echo "$PASSWORD" | "$BUILD/ruche" user add --data "$T/data" --email "$EMAIL" --name Bench --admin >/dev/null 2>&1
# No write limit: the seeding POSTs thousands of events in a few seconds.
printf '[security]\nwrites_per_second = 100000000\nwrite_burst = 100000000\n' >"$T/ruche.toml"
RUCHE_PASSWORD_MEMORY_KIB=19456 RUCHE_PASSWORD_ITERATIONS=2 RUCHE_ACCESS_LOG=0 RUCHE_WEB_ROOT="$REPO/web/dist" \
  taskset -c 0 "$BUILD/ruche" serve --config "$T/ruche.toml" --data "$T/data" --listen 127.0.0.1:0 \
  >"$T/out" 2>"$T/err" &
PID=$!
for _ in $(seq 1 100); do grep -qs "listening on" "$T/out" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$T/out" | head -1)
[ -n "$URL" ] || { cat "$T/err" >&2; exit 1; }

echo "bench/calendar-ui — $(date -u +%Y-%m-%d), $(chromium --version 2>/dev/null | head -1), $(nproc) cores" \
  "(server on core 0, Chromium on core 1)"
echo
BENCH_URL="$URL" BENCH_REPO="$REPO" BENCH_EMAIL="$EMAIL" BENCH_PASSWORD="$PASSWORD" BENCH_TOOLS="$T/tools.js" \
  BENCH_EVENTS="$EVENTS" BENCH_ROUNDS="${ROUNDS:-5}" taskset -c 1 node bench/calendar-ui/measure.mjs
