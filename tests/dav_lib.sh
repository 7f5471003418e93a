# Shared by the tests/dav_*.sh scripts: a real `ruche serve` on 127.0.0.1:0
# with a fresh data folder, one account and one workspace with files.
# Source it, then call start_server; it sets URL, WS, EMAIL, PASSWORD, DAV,
# TOKEN and PID. cleanup (on EXIT) kills the server by its PID.
T=$(mktemp -d /tmp/ruche-dav-XXXXXX)
PID=""
S3PID=""
EMAIL=dav@example.org
PASSWORD='Hérisson-Bleu-2031-dav'
export RUCHE_PASSWORD_MEMORY_KIB=19456 RUCHE_PASSWORD_ITERATIONS=2 RUCHE_PASSWORD_PARALLELISM=1
fail() { echo "FAIL: $*" >&2; exit 1; }
# Whether stdin holds PATTERN (grep's), read to its end: `producer | grep -q`
# stops reading at the first match, and under pipefail the producer, cut off
# by SIGPIPE if it writes again, fails the pipeline now and then.
holds() { local all; all=$(cat); grep -q -- "$1" <<<"$all"; }
stop_server() { if [ -n "$PID" ]; then kill -9 "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; fi; }
cleanup() {
  stop_server
  if [ -n "$S3PID" ]; then kill "$S3PID" 2>/dev/null || true; wait "$S3PID" 2>/dev/null || true; fi
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

# start_server RUCHE [extra serve args...]
start_server() {
  local ruche=$1; shift
  if [ ! -e "$T/data/ruche.db" ]; then
    echo "$PASSWORD" | "$ruche" user add --data "$T/data" --email "$EMAIL" --name 'Dav Tester' >/dev/null
  fi
  : >"$T/out"  # before the start: a restart's grep must not read the last server's line
  RUCHE_ACCESS_LOG=0 "$ruche" serve --data "$T/data" --listen "${LISTEN:-127.0.0.1:0}" "$@" >"$T/out" 2>"$T/err" &
  PID=$!
  for _ in $(seq 1 200); do grep -qs "listening on http://" "$T/out" && break; sleep 0.05; done
  URL=$(grep -o 'listening on http://[0-9.:]*' "$T/out" | sed 's/listening on //')
  [ -n "$URL" ] || fail "server did not start: $(cat "$T/out" "$T/err")"
  # A failing curl would end the script through `set -e` without a word: say why.
  TOKEN=$(curl -sS -X POST "$URL/api/v1/auth/login" -o "$T/login" -w '%{http_code}' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}") || fail "login: curl failed: $(tail -3 "$T/err")"
  [ "$TOKEN" = 200 ] || fail "login answered $TOKEN: $(cat "$T/login") $(tail -3 "$T/err")"
  TOKEN=$(sed 's/.*"token":"\([^"]*\)".*/\1/' "$T/login")
  [ -n "$TOKEN" ] || fail "login"
  if [ -z "${WS:-}" ]; then
    WS=$(curl -fsS -X POST "$URL/api/v1/workspaces" -H "Authorization: Bearer $TOKEN" \
      -d '{"name":"DAV","modules":["files"]}' | sed 's/.*"id":"\([^"]*\)".*/\1/') || fail "workspace: $(tail -3 "$T/err")"
    [ -n "$WS" ] || fail "workspace"
  fi
  DAV="$URL/dav/files/$WS"
}

# start_s3: an S3-compatible service (s3rver, from tests/s3: scripts/npm-ci.sh
# tests/s3) on 127.0.0.1 with one bucket, and RUCHE_S3_* exported so that the
# servers started next keep contents over 64 KiB there (S3PORT: its port).
# s3_objects counts the objects it holds.
start_s3() {
  local js
  js="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/s3/node_modules/s3rver/bin/s3rver.js"
  [ -f "$js" ] || fail "s3rver is not installed: scripts/npm-ci.sh tests/s3"
  mkdir -p "$T/s3"
  node "$js" -d "$T/s3" -a 127.0.0.1 -p 0 --no-vhost-buckets --configure-bucket ruche-test >"$T/s3.out" 2>&1 &
  S3PID=$!
  for _ in $(seq 1 400); do grep -qs "listening on" "$T/s3.out" && break; sleep 0.05; done
  S3PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/s3.out")
  [ -n "$S3PORT" ] || fail "s3rver did not start: $(cat "$T/s3.out")"
  export RUCHE_S3_ENDPOINT="http://127.0.0.1:$S3PORT" RUCHE_S3_BUCKET=ruche-test
  export RUCHE_S3_ACCESS_KEY=S3RVER RUCHE_S3_SECRET_KEY=S3RVER RUCHE_S3_PREFIX=ruche/
}
s3_objects() { find "$T/s3" -name '*._S3rver_object' | wc -l; }

# Resident memory of the server in KiB.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo 0; }
