#!/usr/bin/env bash
# bench/s3: downloads and uploads with contents in an S3-compatible bucket,
# against the same on the local disk, with the round trip of a remote
# service added by a proxy (latency_proxy.js) in front of s3rver.
#
#   bench/s3/run.sh [SIZE_MIB] [DELAY_MS...]   (defaults: 256, then 0 and 20)
#
# For each setting, on core 0 for Ruche (s3rver, the proxy and curl share
# core 1): PUT of one SIZE_MIB file over WebDAV, then its GET, best of 3
# (MB/s = 10^6 bytes/s). Rows: the disk; the bucket with s3_read_ahead 1, 4
# (the default) and 16, at each delay. Prints a Markdown table; nothing is
# asserted. s3rver is a small Node.js server, far slower than a real
# service: compare the rows with each other, not with the disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB=${1:-256}
shift || true
DELAYS=(0 20)
[ $# -gt 0 ] && DELAYS=("$@")
BUILD=${BUILD_DIR:-build}
[ -x "$BUILD/ruche" ] || { echo "build first: make build" >&2; exit 1; }
scripts/npm-ci.sh tests/s3
. tests/dav_lib.sh
head -c "$((SIZE_MIB << 20))" /dev/urandom >"$T/file.bin"
AUTH="$EMAIL:$PASSWORD"

mbps() { awk -v b="$((SIZE_MIB << 20))" -v s="$1" 'BEGIN { printf "%.0f", b / s / 1e6 }'; }
best_of_3() {  # best seconds of 3 runs of "$@"
  local best=""
  for _ in 1 2 3; do
    local t
    t=$(curl -s -o /dev/null -w '%{time_total}' "$@")
    best=$(awk -v a="$t" -v b="$best" 'BEGIN { if (b == "" || a < b) print a; else print b }')
  done
  echo "$best"
}

start_s3  # s3rver (dav_lib.sh); each case below names its endpoint itself
unset RUCHE_S3_ENDPOINT
PROXYPID=""
trap 'kill ${PROXYPID:-} 2>/dev/null || true; cleanup' EXIT
taskset -p -c 1 "$S3PID" >/dev/null

run_case() {  # label, then env assignments for the server
  local label=$1; shift
  rm -rf "$T/data"; unset WS
  for kv in "$@"; do export "${kv?}"; done
  start_server "$BUILD/ruche"
  taskset -a -p -c 0 "$PID" >/dev/null
  local put get
  put=$(curl -s -o /dev/null -w '%{time_total}' -u "$AUTH" -T "$T/file.bin" "$DAV/file.bin")
  get=$(best_of_3 -u "$AUTH" "$DAV/file.bin")
  curl -s -u "$AUTH" "$DAV/file.bin" | cmp -s - "$T/file.bin" || fail "$label: the download differs"
  printf '| %s | %s | %s |\n' "$label" "$(mbps "$put")" "$(mbps "$get")"
  stop_server
  for kv in "$@"; do unset "${kv%%=*}"; done
}

echo "## bench/s3 ($(date -u +%Y-%m-%d), $SIZE_MIB MiB, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs))"
echo
echo "| contents | PUT MB/s | GET MB/s (best of 3) |"
echo "| --- | ---: | ---: |"
run_case "local disk" RUCHE_S3_ENDPOINT=
for delay in "${DELAYS[@]}"; do
  node bench/s3/latency_proxy.js 0 "$S3PORT" "$delay" >"$T/proxy.out" 2>&1 &
  PROXYPID=$!
  taskset -p -c 1 "$PROXYPID" >/dev/null
  for _ in $(seq 1 100); do grep -qs listening "$T/proxy.out" && break; sleep 0.05; done
  PPORT=$(sed -n 's/^proxy listening on \([0-9]*\)$/\1/p' "$T/proxy.out")
  [ -n "$PPORT" ] || fail "the proxy did not start: $(cat "$T/proxy.out")"
  for ahead in 1 4 16; do
    run_case "bucket, +$delay ms per request, read-ahead $ahead" \
      RUCHE_S3_ENDPOINT="http://127.0.0.1:$PPORT" RUCHE_S3_READ_AHEAD="$ahead"
  done
  kill "$PROXYPID" 2>/dev/null || true; wait "$PROXYPID" 2>/dev/null || true; PROXYPID=""
done
